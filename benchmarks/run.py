"""Run lrkit's benchmarks: each case times the lrkit way and its baseline side by side.

Usage::

    python benchmarks/run.py                 # every case, full size
    python benchmarks/run.py --quick         # fewer repeats and seeds: a smoke test
    python benchmarks/run.py --only surface --only logistic
    python benchmarks/run.py --reference     # a full run, also saved as results/reference.json

Every case prints the median time of the lrkit way and of each baseline
(measured in this process, several repeats each) and their ratio, then its
goals. Results go to ``benchmarks/results/<case>.json`` and, for the whole run,
``benchmarks/results/latest.json``, with facts about the machine. The exit
status is 1 when a goal is missed (each is named) or a case fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_ensemble  # noqa: E402
import bench_logistic  # noqa: E402
import bench_surface  # noqa: E402
from _common import CaseResult, machine_info, warm_up  # noqa: E402

CASES = {
    "surface": bench_surface.run,
    "logistic": bench_logistic.run_binary,
    "logistic_multinomial": bench_logistic.run_multinomial,
    "ensemble": bench_ensemble.run,
}
RESULTS = HERE / "results"


def _seconds(value: float) -> str:
    return f"{value * 1e3:9.2f} ms" if value < 1 else f"{value:9.2f} s "


def report(result: CaseResult) -> list[str]:
    """Print one case; return the goals it missed."""
    print(f"\n== {result.name}: {result.title}")
    print(f"   lrkit     {_seconds(result.lrkit.seconds)}  {result.lrkit.label}")
    for baseline in result.baselines:
        speedup = result.ratio(baseline)
        print(
            f"   baseline  {_seconds(baseline.seconds)}  {baseline.label}"
            f"  -> lrkit {speedup:.3g}x faster (time ratio {1 / speedup:.3g})"
        )
        if baseline.note:
            print(f"             ({baseline.note})")
    for key, value in result.extra.items():
        if isinstance(value, float):
            value = f"{value:.4g}"
        elif isinstance(value, dict):
            value = ", ".join(
                f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in value.items()
            )
        print(f"   {key}: {value}")
    missed = []
    for goal in result.goals:
        relation = "<=" if goal.at_most else ">="
        if not goal.checked:
            status = "not checked (reduced size with --quick)"
        else:
            status = "met" if goal.met else "MISSED"
        print(f"   goal: {goal.text}: {goal.value:.4g} {relation} {goal.limit:g}  {status}")
        if goal.checked and not goal.met:
            missed.append(
                f"{result.name}: {goal.text} ({goal.value:.4g} {relation} {goal.limit:g})"
            )
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and seeds")
    parser.add_argument(
        "--only", action="append", choices=sorted(CASES), metavar="NAME",
        help=f"run only this case (repeatable): {', '.join(CASES)}",
    )  # fmt: skip
    parser.add_argument("--repeats", type=int, default=None, help="repeats of every timing")
    parser.add_argument(
        "--reference", action="store_true",
        help="also write results/reference.json (needs a full run: no --quick, no --only)",
    )  # fmt: skip
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write JSON")
    args = parser.parse_args(argv)
    if args.reference and (args.quick or args.only):
        parser.error("--reference needs a full run, without --quick or --only")
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1; got {args.repeats}")

    names = list(dict.fromkeys(args.only)) if args.only else list(CASES)
    machine = machine_info()
    print(
        f"lrkit benchmarks{' (quick)' if args.quick else ''} on {machine['cpu']}, "
        f"{machine['cores']} cores, torch {machine['torch']} with {machine['torch_threads']} "
        f"threads, numpy {machine['numpy']}, scikit-learn {machine['sklearn']}"
    )
    load = machine["load_average"]
    if load and load[0] > 0.5 * (machine["cores"] or 1):
        print(
            f"WARNING: the machine is busy (load average {load[0]:.2f} on {machine['cores']} "
            "cores): timings with several threads suffer most, and the ratios can be far off."
        )
    warm_up()
    args.results.mkdir(parents=True, exist_ok=True)
    missed: list[str] = []
    cases: dict[str, dict] = {}
    for name in names:
        start = time.perf_counter()
        try:
            result = CASES[name](args.quick, args.repeats)
        except Exception:
            traceback.print_exc()
            missed.append(f"{name}: the case failed with an error")
            continue
        missed += report(result)
        print(f"   (case took {time.perf_counter() - start:.1f} s)")
        cases[name] = result.as_dict()
        cases[name]["load_average_after"] = (
            list(os.getloadavg()) if hasattr(os, "getloadavg") else None
        )
        record = {"machine": machine, "quick": args.quick, "case": cases[name]}
        (args.results / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")

    run = {"machine": machine, "quick": args.quick, "cases": cases, "missed": missed}
    (args.results / "latest.json").write_text(json.dumps(run, indent=2) + "\n")
    if args.reference:
        (args.results / "reference.json").write_text(json.dumps(run, indent=2) + "\n")
    print()
    if missed:
        print(f"{len(missed)} goal(s) missed:")
        for line in missed:
            print(f"  - {line}")
        return 1
    print(f"Every checked goal was met ({len(cases)} case(s)).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
