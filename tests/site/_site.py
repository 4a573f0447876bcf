"""Paths shared by the site checks."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "gallery"
DOCS = ROOT / "docs"
#: Stems of the lesson scripts, e.g. ``plot_01_sigmoid``, in lesson order.
LESSONS = sorted(p.stem for p in GALLERY.glob("plot_*.py"))
