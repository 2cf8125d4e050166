"""``inferonomics sensitivity``: which uncertain input matters for one metric: Sobol indices with
bootstrap intervals, and a one-at-a-time tornado; optionally as charts."""

from __future__ import annotations

import numpy as np

from .. import plots
from ..analysis import sensitivity
from ..model.registry import unit_of
from .common import add_run_options, chart_file, dump_json, fmt, print_table, scenario_of


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("sensitivity", help="which uncertain input matters: Sobol indices and "
                              "a tornado")
    p.add_argument("scenario", help="scenario TOML file without sweep axes")
    add_run_options(p, "base samples of the Sobol design (default 8192; evaluations = N x (inputs "
                       "+ 2))")
    p.add_argument("--metric", default="usd_per_mtok", help="metric (default usd_per_mtok)")
    p.add_argument("--tornado-only", action="store_true", help="skip the Sobol indices")
    p.add_argument("--plot", type=chart_file, metavar="FILE", help="Sobol bar chart (.png/.svg); the tornado with "
                   "--tornado-only")
    p.add_argument("--tornado-plot", type=chart_file, metavar="FILE", help="tornado chart (.png/.svg)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    scenario = scenario_of(args, args.scenario)
    samples = args.samples or sensitivity.DEFAULT_SOBOL_SAMPLES
    sob = None if args.tornado_only else sensitivity.sobol(
        scenario, args.metric, samples=samples, seed=args.seed, backend=args.backend,
        threads=args.threads)
    tor = sensitivity.tornado(scenario, args.metric, backend=args.backend, seed=args.seed)
    if args.plot:
        if sob is not None:
            plots.sobol_chart(sob, args.plot)
        tornado_path = args.tornado_plot or (None if sob is not None else args.plot)
    else:
        tornado_path = args.tornado_plot
    if tornado_path:
        plots.tornado_chart(tor, tornado_path)
    if args.json:
        dump_json({"metric": args.metric, "sobol": None if sob is None else sob.to_dict(),
                    "tornado": tor.to_dict()})
        return 0
    unit = unit_of(args.metric)
    if sob is not None:
        ranked = sob.ranked("ST")
        print(f"Sobol indices of {args.metric} ({unit}): mean {fmt(sob.output_mean)}, standard "
              f"deviation {fmt(sob.output_var ** 0.5)}; {sob.N:,} base samples, "
              f"{sob.evaluations:,} evaluations, {sob.conf_level:.0%} intervals (bootstrap)")
        rows = [("input", "first order S1", "total ST", "share of variance")]
        total_st = float(np.sum(np.clip(ranked.ST, 0, None))) or 1.0
        for name, s1, c1, st, ct in zip(ranked.names, ranked.S1, ranked.S1_conf, ranked.ST,
                                        ranked.ST_conf):
            rows.append((name, f"{s1:+.3f} +- {c1:.3f}", f"{st:.3f} +- {ct:.3f}",
                         f"{max(st, 0) / total_st:.0%}"))
        print_table(rows)
        top = ranked.names[0]
        print(f"-> {top} dominates the uncertainty of {args.metric} (total-order index "
              f"{ranked.ST[0]:.2f})\n")
    print(f"Tornado: {args.metric} with every input at its median = {fmt(tor.base)} {unit}; one "
          f"input at a time moved to its p{tor.low * 100:g} and p{tor.high * 100:g}")
    rows = [("input", "low input", "high input", f"{args.metric} at low", "at high", "swing")]
    for r in tor.rows:
        rows.append((r.name, fmt(r.low_input), fmt(r.high_input),
                     fmt(r.value_low) if r.status_low == "ok" else r.status_low,
                     fmt(r.value_high) if r.status_high == "ok" else r.status_high,
                     fmt(r.swing)))
    print_table(rows)
    for path in (args.plot, args.tornado_plot):
        if path:
            print(f"chart written to {path}")
    return 0
