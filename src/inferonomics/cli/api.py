"""``inferonomics api``: a month of the scenario's demand through an API or on its own replicas."""

from __future__ import annotations

from ..analysis.api_or_host import DEFAULT_API_SAMPLES, UNITS, api_or_self_host
from ..errors import printable
from .common import add_analysis_command, analysis_result, fmt, interval_cell, print_table

SHOWN = ("tokens_per_month", "api_usd_per_month", "self_host_usd_per_month", "saving_usd_per_month",
         "api_usd_per_mtok", "self_host_usd_per_mtok", "replicas", "devices", "replica_utilization")


def add_parser(subparsers) -> None:
    add_analysis_command(
        subparsers, "api",
        "call an API or self-host: the month's bill each way, P(self-hosting is cheaper), "
        "the break-even monthly volume",
        "scenario TOML file with a [demand] section",
        f"samples (default {DEFAULT_API_SAMPLES:,})", run)


def run(args) -> int:
    data = analysis_result(args, api_or_self_host, DEFAULT_API_SAMPLES)
    if data is None:
        return 0
    print(printable(f"{data['samples']} samples | seed {data['seed']} | backend {data['backend']} | "
                    f"self-hosted: {data['price_basis']}"))
    print(printable(f"API: {data['api']['basis']}"))
    rows = [("per month (p50 [p5, p95])", "value", "unit")]
    for key in SHOWN:
        s = data[key]
        rows.append((key, interval_cell(s), UNITS[key]))
    print_table(rows, left=(0,))
    p = data["p_self_host_cheaper"]
    if p is None:
        print("no sample of the replica is feasible: nothing to compare")
        return 0
    print(f"P(self-hosting is cheaper than the API) = {p:.3f}"
          + (f" (the replica cannot run in {1 - data['feasible_share']:.1%} of samples, left out)"
             if data["feasible_share"] < 1 else ""))
    be = data["break_even_tokens_per_month"]
    if be.get("p50") is None:
        print("break-even volume: none; the API costs less than a fully used replica in every sample")
    else:
        print(f"break-even volume: p50 {fmt(be['p50'])} [{fmt(be['p5'])}, {fmt(be['p95'])}] tokens "
              f"per month (input + output); in {1 - be['share_with_break_even']:.0%} of samples the "
              "API costs less than a fully used replica")
    return 0
