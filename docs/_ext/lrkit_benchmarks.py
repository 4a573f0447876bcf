"""The ``benchmark-results`` directive: the committed benchmark results as tables.

The numbers come from ``benchmarks/results/reference.json``, written by a full
``python3 -m nox -s bench`` run on the machine it names; building the site
never measures anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def _seconds(value: float) -> str:
    return f"{value * 1e3:.1f} ms" if value < 1 else f"{value:.2f} s"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class BenchmarkResults(SphinxDirective):
    """Render a results file of ``benchmarks/run.py`` as a list of tables."""

    required_arguments = 1  # the JSON file, relative to the document
    option_spec: ClassVar[dict] = {"class": directives.class_option}

    def run(self):
        """Parse the results file into a container of rubrics, tables and goals."""
        path = Path(self.env.relfn2path(self.arguments[0], self.env.docname)[1])
        self.env.note_dependency(str(path))
        if not path.exists():
            raise self.error(f"benchmark results not found: {path}")
        run = json.loads(path.read_text())
        machine = run["machine"]
        lines = [
            f"Measured on {machine['date'][:10]}: {machine['cpu']}, {machine['cores']} cores, "
            f"torch {machine['torch']} with {machine['torch_threads']} threads, numpy "
            f"{machine['numpy']}, scikit-learn {machine['sklearn']}, Python {machine['python']}.",
            "",
        ]
        for case in run["cases"].values():
            lines += [
                f".. rubric:: {case['title']}",
                "",
                ".. list-table::",
                "   :header-rows: 1",
                "   :widths: 50 15 20",
                "",
                "   * - Way",
                "     - Time (median)",
                "     - lrkit is faster by",
                f"   * - {_cell(case['lrkit']['label'])} (lrkit)",
                f"     - {_seconds(case['lrkit']['seconds'])}",
                "     -",
            ]
            for base in case["baselines"]:
                label = _cell(base["label"])
                if base.get("note"):
                    label += f" ({_cell(base['note'])})"
                lines += [
                    f"   * - {label}",
                    f"     - {_seconds(base['seconds'])}",
                    f"     - {base['speedup']:.3g}×",
                ]
            lines.append("")
            for goal in case["goals"]:
                relation = "≤" if goal["at_most"] else "≥"
                verdict = "met" if goal["met"] else ("missed" if goal["checked"] else "not checked")
                lines.append(
                    f"- Goal: {goal['text']}: {goal['value']:.4g} {relation} {goal['limit']:g}, "
                    f"**{verdict}**."
                )
            lines.append("")
        container = nodes.container(classes=["lrkit-benchmarks", *self.options.get("class", [])])
        self.state.nested_parse(StringList(lines, source=str(path)), 0, container)
        return [container]


def setup(app):
    """Register the directive."""
    app.add_directive("benchmark-results", BenchmarkResults)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
