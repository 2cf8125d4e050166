"""``inferonomics tco``: own vs rent vs reserve vs spot for one scenario, as distributions."""

from __future__ import annotations

from ..analysis.tco import DEFAULT_TCO_SAMPLES, REPORTED, UNITS, tco
from ..errors import printable
from .common import add_analysis_command, analysis_result, fmt, interval_cell, print_table


def add_parser(subparsers) -> None:
    add_analysis_command(
        subparsers, "tco",
        "own vs rent vs reserve vs spot: cost per device-hour, per token and per month, "
        "break-even utilisation, P(owning is cheaper)",
        "scenario TOML file",
        f"samples per mode (default {DEFAULT_TCO_SAMPLES:,})", run)


def run(args) -> int:
    data = analysis_result(args, tco, DEFAULT_TCO_SAMPLES)
    if data is None:
        return 0
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
