"""``inferonomics horizon``: the options' costs over years of falling prices, in today's money."""

from __future__ import annotations

from ..analysis.horizon import DEFAULT_HORIZON_SAMPLES, horizon
from ..errors import printable
from .common import add_analysis_command, analysis_result, fmt, interval_cell, print_table


def add_parser(subparsers) -> None:
    add_analysis_command(
        subparsers, "horizon",
        "own, rent, reserve, spot, rent-then-buy (and API vs self-hosting) over years of "
        "falling prices, in present value",
        "scenario TOML file (optional [horizon] and [demand])",
        f"samples (default {DEFAULT_HORIZON_SAMPLES:,})", run)


def run(args) -> int:
    data = analysis_result(args, horizon, DEFAULT_HORIZON_SAMPLES)
    if data is None:
        return 0
    print(f"{data['samples']} samples | seed {data['seed']} | horizon p50 "
          f"{fmt(data['years']['p50'])} years | today: {data['current'] or 'nothing runs yet'}")
    trend = {k: data["inputs"][k]["p50"] for k in ("discount_rate", "rent_decline_per_year",
                                                  "hardware_decline_per_year",
                                                  "api_price_factor_per_year")}
    print(f"p50 of the trends: discount {trend['discount_rate']:.1%}/yr, rent "
          f"{-trend['rent_decline_per_year']:+.1%}/yr, hardware cost of the same work "
          f"{-trend['hardware_decline_per_year']:+.1%}/yr, API prices /"
          f"{fmt(trend['api_price_factor_per_year'])} a year (--json: each with its source)")
    rows = [("option", "present value, USD (p50 [p5, p95])", "P(cheapest)")]
    for name, stats in data["present_value_usd"].items():
        p = data["p_cheapest"].get(name)
        rows.append((name, interval_cell(stats), "" if p is None else f"{p:.3f}"))
    print_table(rows, left=(0,))
    for mode, p in data["p_own_cheaper"].items():
        if p is not None:
            print(f"P(buying now is cheaper than {mode} over the horizon) = {p:.3f}")
    for name, p in data["p_waiting_beats_buying_now"].items():
        if p is not None:
            print(f"P({name} beats buying now) = {p:.3f}")
    for mode, reason in data["skipped"].items():
        print(printable(f"{mode}: not compared ({reason})"))
    api = data["api_vs_self_host"]
    if api:
        print()
        print(printable(f"API ({api['api_basis']}) against self-hosting ({api['self_host_basis']}):"))
        for name, stats in api["present_value_usd"].items():
            print(f"  {name}: present value {interval_cell(stats)} USD")
        if api["p_self_host_cheaper"] is not None:
            print(f"  P(self-hosting is cheaper over the horizon) = {api['p_self_host_cheaper']:.3f}")
        rows = [("year", "P(self-host cheaper)", "break-even tokens/month (p50 [p5, p95])",
                 "share with one")]
        for row in api["by_year"]:
            p = row["p_self_host_cheaper"]
            rows.append((str(row["year"]), "" if p is None else f"{p:.3f}",
                         interval_cell(row["break_even_tokens_per_month"]) if row[
                             "break_even_tokens_per_month"] else "none",
                         f"{row['share_with_break_even']:.0%}"))
        print_table(rows, left=(0,))
    return 0
