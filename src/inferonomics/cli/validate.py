"""``inferonomics validate``: the model's predicted intervals against published measurements, per
case and summarised (coverage, error factors), optionally as a chart."""

from __future__ import annotations

import math

from .. import plots
from ..fidelity import validation
from ..sampling.rng import DEFAULT_SEED
from .common import (add_catalog_option, chart_file, dump_json, fmt, positive_int, print_table,
                     seed)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("validate", help="the model against published measurements")
    p.add_argument("--samples", type=positive_int, default=4000,
                   help="Monte Carlo samples per measured case (default 4000)")
    p.add_argument("--seed", type=seed, default=DEFAULT_SEED,
                   help=f"seed of the random stream (default {DEFAULT_SEED})")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.add_argument("--plot", type=chart_file, metavar="FILE", help="write predicted intervals against "
                   "measurements (log axes) to FILE (.png or .svg; needs matplotlib)")
    add_catalog_option(p)   # e.g. corrected spec sheets for the measured devices
    p.set_defaults(func=run)


def run(args) -> int:
    report = validation.validate(samples=args.samples, seed=args.seed)
    if args.plot:
        plots.plot_validation(report, args.plot)
    if args.json:
        dump_json(report)
        return 0
    rows = [("case", "metric", "phase", "split", "measured", "p5", "p50", "p95", "inside")]
    for c in report["cases"]:
        rows.append((c["id"], c["metric"], c["phase"], "holdout" if c["holdout"] else "fit",
                     fmt(c["measured"]), fmt(c["p5"]), fmt(c["p50"]), fmt(c["p95"]),
                     "yes" if c["inside"] else ("infeasible" if c["feasible_fraction"] == 0 else "no")))
    print_table(rows)
    if report["not_comparable"]:
        print("\nrun but left out of every figure (the measurement is not what the model predicts):")
        for c in report["not_comparable"]:
            print(f"  {c['id']} {c['metric']}: measured {fmt(c['measured'])}, p5 {fmt(c['p5'])} "
                  f"p50 {fmt(c['p50'])} p95 {fmt(c['p95'])}; {c['why']}")
    print()
    rows = [("cases", "n", "coverage of 90% interval", "median |log err| (factor)", "worst |log err|")]
    for name, agg in report["summary"].items():
        if agg["cases"] == 0 or "median_error_factor" not in agg:
            continue
        rows.append((name, str(agg["cases"]), f"{agg['coverage']:.0%}",
                     f"{agg['median_log_error']:.3f} (x{agg['median_error_factor']:.2f})",
                     f"{agg['worst_log_error']:.3f}"))
    print_table(rows)
    _print_leave_one_source_out(report["leave_one_source_out"])
    if args.plot:
        print(f"\nplot written to {args.plot}")
    return 0


def _ratio(value: float, prefix: str = "") -> str:
    """A factor for the table: "n/a" without a prediction, "unbounded" for an infinite one."""
    if math.isnan(value):
        return "n/a"
    return "unbounded" if math.isinf(value) else f"{prefix}{value:.2f}"


def _print_leave_one_source_out(loso: dict) -> None:
    """Each source's cases with the discrepancy margin calibrated on the other sources: coverage,
    error and width of the model's interval, before and after the margin."""
    print(f"\nleave one source out: each source's cases with the conformal margin (target "
          f"{loso['coverage_target']:.0%}) calibrated on every other source")
    rows = [("group", "n", "coverage", "calibrated", "median error", "p95/p5", "calibrated")]
    groups = [("all", loso["all"])] + [(f"kind {k}", v) for k, v in loso["kinds"].items()] \
        + [(f"source {k}", v) for k, v in loso["sources"].items()]
    for name, g in groups:
        rows.append((name, str(g["cases"]), f"{g['coverage']:.0%}",
                     f"{g['coverage_calibrated']:.0%}", _ratio(g["median_error_factor"], "x"),
                     _ratio(g["median_width"]), _ratio(g["median_width_calibrated"])))
    print_table(rows, left=(0,))
    margins = ", ".join(f"{k} x{math.exp(v):.2f}" if v is not None else f"{k} unbounded"
                        for k, v in loso["margins_all_sources"].items())
    print(f"margins calibrated on every source (interval ends multiplied / divided by): {margins}")
