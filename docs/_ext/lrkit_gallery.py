"""How each lesson was run, and which lessons a library change makes stale.

sphinx-gallery re-executes a lesson only when the lesson's own file changes.
This extension adds what a site built from a library needs on top of that:

* Before each lesson, every ``lrkit`` module is unloaded and the global seeds
  of torch, numpy and ``random`` are set to :data:`SEED`; after it, a record
  is written next to the lesson's output: device, torch and lrkit versions,
  seed, wall time, and the hash of every lrkit module the lesson imported.
* Before the gallery is generated, a lesson whose record names a module that
  has changed since (or that has no record) loses sphinx-gallery's checksum,
  so it runs again: a stale page never survives a library change.
* Each lesson page gets a "How this page was run" box from its record.
* sphinx-gallery's execution-time tables lose the jQuery/DataTables scripts
  it loads from third-party CDNs: the site requests nothing from another host
  (the table stays a plain, complete table).
* References to the top-level shortcuts (``lrkit.train``,
  ``lrkit.LogisticRegression``, ...) resolve to their documented home
  (``lrkit.training.train``, ``lrkit.models.LogisticRegression``, ...), in
  prose and in the links sphinx-gallery adds to code.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import time
from pathlib import Path

from sphinx.util import logging

#: Global seed of torch, numpy and random before every lesson.
SEED = 0
RECORD_SUFFIX = ".run.json"

_started: dict[str, float] = {}
logger = logging.getLogger(__name__)


def _lrkit_root() -> Path:
    import lrkit

    return Path(lrkit.__file__).parent


def _module_hashes(names) -> dict[str, str]:
    """Hash the source file of each named lrkit module."""
    root = _lrkit_root()
    hashes = {}
    for name in sorted(names):
        parts = name.split(".")[1:]
        path = root.joinpath(*parts).with_suffix(".py") if parts else root / "__init__.py"
        if not path.exists():
            path = root.joinpath(*parts, "__init__.py")
        hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
    return hashes


def _record_path(gallery_conf, fname: str) -> Path:
    src_dir = Path(gallery_conf["src_dir"])
    return src_dir / gallery_conf["gallery_dirs"] / (Path(fname).stem + RECORD_SUFFIX)


def reset_lesson(gallery_conf, fname, when) -> None:
    """sphinx-gallery ``reset_modules`` hook: seed before a lesson, record after it."""
    if fname is None:
        return
    if when == "before":
        for name in [m for m in sys.modules if m == "lrkit" or m.startswith("lrkit.")]:
            del sys.modules[name]
        import numpy as np
        import torch

        torch.manual_seed(SEED)
        np.random.seed(SEED)  # noqa: NPY002 - the legacy global state is what readers use
        random.seed(SEED)
        _started[fname] = time.perf_counter()
        return
    import torch

    import lrkit
    from lrkit.device import default_device, describe_device

    used = [m for m in sys.modules if m == "lrkit" or m.startswith("lrkit.")]
    device = default_device()
    record = {
        "lesson": Path(fname).name,
        "device": describe_device(device),
        "device_type": device.type,
        "torch": torch.__version__,
        "lrkit": lrkit.__version__,
        "python": sys.version.split()[0],
        "seed": SEED,
        "wall_time": round(time.perf_counter() - _started.pop(fname, time.perf_counter()), 2),
        "modules": _module_hashes(used),
    }
    path = _record_path(gallery_conf, fname)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def _invalidate_stale_lessons(app) -> None:
    """Drop sphinx-gallery's checksum of lessons whose lrkit modules changed."""
    conf = app.config.sphinx_gallery_conf
    gallery = Path(app.srcdir) / conf["gallery_dirs"]
    if not gallery.exists():
        return
    for checksum in gallery.glob("*.py.md5"):
        stem = checksum.name[: -len(".py.md5")]
        record_file = gallery / (stem + RECORD_SUFFIX)
        reason = None
        if not record_file.exists():
            reason = "it has no run record"
        else:
            recorded = json.loads(record_file.read_text()).get("modules", {})
            changed = sorted(n for n, h in _module_hashes(recorded).items() if h != recorded[n])
            if changed:
                reason = "lrkit changed: " + ", ".join(changed)
        if reason:
            checksum.unlink()
            logger.info(f"[lrkit] {stem} runs again: {reason}")


def _inject_run_box(app, docname: str, source: list[str]) -> None:
    conf = app.config.sphinx_gallery_conf
    gallery = conf["gallery_dirs"]
    if not docname.startswith(f"{gallery}/plot_"):
        return
    record_file = Path(app.srcdir) / gallery / (Path(docname).name + RECORD_SUFFIX)
    if not record_file.exists():
        return
    rec = json.loads(record_file.read_text())
    box = (
        "\n.. admonition:: How this page was run\n"
        "   :class: lrkit-runinfo\n\n"
        f"   Executed when the site was built, on {rec['device']}, with torch "
        f"{rec['torch']}, lrkit {rec['lrkit']} and Python {rec['python']}; global seed "
        f"{rec['seed']} (torch, numpy, random) set before the first cell, other seeds "
        f"in the code. Wall time: {rec['wall_time']:.1f} s.\n\n"
    )
    text = source[0]
    label = f".. _sphx_glr_{docname.replace('/', '_')}.py:"
    start = text.find(label)
    if start < 0:
        return
    lines = text[start:].split("\n")
    # label, blank, title, underline -> insert after the underline
    for i in range(1, len(lines) - 1):
        underline = lines[i + 1]
        if (
            lines[i].strip()
            and underline
            and set(underline) <= set("=-~^\"'`#*+")
            and len(underline) >= len(lines[i].rstrip())
        ):
            offset = start + len("\n".join(lines[: i + 2]))
            source[0] = text[:offset] + "\n" + box + text[offset:]
            return


# The ".. raw:: html" block sphinx-gallery writes above its timing table: CDN
# stylesheets and scripts for sorting, indented by four spaces under it.
_CDN_BLOCK = re.compile(r"^  \.\. raw:: html\n\n(?:(?:    .*)?\n)*", re.MULTILINE)


def _drop_cdn_scripts(app, docname: str, source: list[str]) -> None:
    if docname.rsplit("/", 1)[-1] == "sg_execution_times":
        source[0] = _CDN_BLOCK.sub("", source[0])


def _resolve_top_level(app, env, node, contnode):
    """Resolve ``lrkit.<name>`` for the names lrkit re-exports at top level."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("lrkit."):
        return None
    import lrkit

    name = target[len("lrkit.") :]
    module = lrkit._TOP_LEVEL.get(name)
    if module is None:
        return None
    canonical = f"lrkit.{module}.{name}"
    domain = env.get_domain("py")
    for reftype in (node.get("reftype"), "obj"):
        found = domain.resolve_xref(
            env, node.get("refdoc", ""), app.builder, reftype, canonical, node, contnode
        )
        if found is not None:
            return found
    return None


def setup(app):
    """Register the hooks."""
    app.connect("missing-reference", _resolve_top_level)
    # Before sphinx-gallery's own builder-inited handler (priority 500).
    app.connect("builder-inited", _invalidate_stale_lessons, priority=400)
    app.connect("source-read", _inject_run_box)
    app.connect("source-read", _drop_cdn_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
