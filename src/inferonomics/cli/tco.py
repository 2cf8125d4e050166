"""``inferonomics tco``: own vs rent vs reserve vs spot for one scenario, as distributions."""

from __future__ import annotations

from ..analysis.tco import DEFAULT_TCO_SAMPLES, REPORTED, UNITS, tco
from ..errors import printable
from .common import add_run_options, dump_json, fmt, interval_cell, print_table, scenario_of


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("tco", help="own vs rent vs reserve vs spot: cost per device-hour, per "
                              "token and per month, break-even utilisation, P(owning is cheaper)")
    p.add_argument("scenario", help="scenario TOML file")
    add_run_options(p, f"samples per mode (default {DEFAULT_TCO_SAMPLES:,})")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.set_defaults(func=run)


def run(args) -> int:
    result = tco(scenario_of(args, args.scenario), samples=args.samples or DEFAULT_TCO_SAMPLES,
                 seed=args.seed, backend=args.backend, threads=args.threads)
    data = result.to_dict()
    if args.json:
        dump_json(data)
        return 0
    print(printable(data["scenario"]))
    u = data["utilization"]
    print(f"{data['samples']} samples per mode | seed {data['seed']} | backend {data['backend']} | "
          f"utilization p50 {fmt(u['p50'])}; own and reserved pay every hour, rent and spot the "
          "serving hours")
    modes = list(data["modes"])
    rows = [("metric (p50 [p5, p95])",) + tuple(modes) + ("unit",)]
    for metric in REPORTED:
        rows.append((metric,) + tuple(interval_cell(data["modes"][m][metric]) for m in modes)
                    + (UNITS[metric],))
    print_table(rows, left=(0,))
    for mode in modes:
        print(printable(f"{mode}: {data['modes'][mode]['price_basis']}"))
    for mode, reason in data["skipped"].items():
        print(printable(f"{mode}: not compared ({reason})"))
    if "own" not in data["modes"]:
        print("owning is not compared, so there is no break-even utilization")
    for mode, p in data["p_own_cheaper"].items():
        be = data["break_even_utilization"].get(mode, {})
        if p is None:
            print(f"own vs {mode}: no sample is feasible in both")
            continue
        line = f"own vs {mode}: P(owning is cheaper per token) = {p:.3f}"
        if be.get("p50") is not None:
            line += (f"; break-even utilization p50 {fmt(be['p50'])} [{fmt(be['p5'])}, "
                     f"{fmt(be['p95'])}] in {be['share_with_break_even']:.0%} of samples")
        else:
            line += "; the costs do not meet at any utilization in (0, 1]"
        print(line)
    return 0
