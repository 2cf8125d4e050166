"""``inferonomics load``: one replica under Poisson arrivals (the MLPerf server scenario): waits,
TTFT at a percentile, TPOT, utilisation and the goodput at the workload's latency targets."""

from __future__ import annotations

from ..fleet.under_load import DEFAULT_UNDER_LOAD_SAMPLES, replica_under_load
from ..errors import printable
from .common import (add_run_options, dump_json, fmt, interval_cell, print_table, scenario_of)

ROWS = (   # (label, key of UnderLoad.values, unit)
    ("TTFT, mean", "ttft_mean_s", "s"),
    ("TTFT, percentile", "ttft_p_s", "s"),
    ("TPOT, mean", "tpot_mean_s", "s"),
    ("utilisation", "utilization", ""),
    ("requests in service, mean", "batch_mean", ""),
    ("KV-cache capacity", "max_batch", "seq"),
    ("goodput at the targets", "goodput_requests_per_s", "req/s"),
)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "load", help="one replica under Poisson arrivals: TTFT (queue wait + prefill) at a "
        "percentile, TPOT, utilisation, goodput at the latency targets")
    p.add_argument("scenario", help="scenario TOML file (its [load] gives arrival_rate, percentile)")
    p.add_argument("--rate", type=float, default=None,
                   help="requests per second to one replica (default: the scenario's [load] "
                        "arrival_rate)")
    p.add_argument("--percentile", type=float, default=None,
                   help="TTFT quantile reported and held to the targets (default: [load] "
                        "percentile, else 0.99)")
    add_run_options(p, f"samples of the scenario's inputs (default {DEFAULT_UNDER_LOAD_SAMPLES})")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.set_defaults(func=run)


def run(args) -> int:
    result = replica_under_load(scenario_of(args, args.scenario), args.rate,
                                percentile=args.percentile,
                                samples=args.samples or DEFAULT_UNDER_LOAD_SAMPLES, seed=args.seed,
                                backend=args.backend, threads=args.threads)
    data = result.to_dict()
    if args.json:
        dump_json(data)
        return 0
    print(printable(data["scenario"]))
    print(f"{data['samples']} samples | seed {data['seed']} | {fmt(data['arrival_rate'])} "
          f"requests/s to one replica, Poisson | TTFT percentile {fmt(data['percentile'])} | "
          f"fits in {data['fits_share']:.0%} of samples, keeps up in {data['stable_share']:.0%} "
          "of those")
    rows = [("figure (p50 [p5, p95] over samples)", "value", "unit")]
    for label, key, unit in ROWS:
        stats = data.get(key)
        cell = interval_cell(stats, missing="n/a")
        if stats and "p50" in stats and stats.get("infinite_share"):
            cell += f" (inf in {stats['infinite_share']:.0%})"
        rows.append((label, cell, unit))
    print_table(rows, left=(0, 1, 2))
    if data.get("goodput_requests_per_s") is None and data["fits_share"] > 0:
        print("goodput: give workload.ttft_slo_s or tpot_slo_s to have it")
    return 0
