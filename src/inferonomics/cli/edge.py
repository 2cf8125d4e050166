"""``inferonomics edge``: one request on a device the user owns against the cloud and an API."""

from __future__ import annotations

from ..analysis.edge_or_cloud import DEFAULT_EDGE_SAMPLES, UNITS, edge_or_cloud
from ..errors import printable
from ..io.scenario import load_scenario
from .common import add_run_options, assignments, dump_json, fmt, interval_cell, print_table

ROWS = (   # (label, unit key, metric of the edge, of the cloud, of the API)
    ("USD per request", "edge_usd_per_request", "edge_usd_per_request", "cloud_usd_per_request",
     "api_usd_per_request"),
    ("  of which capital", "edge_capital_usd_per_request", "edge_capital_usd_per_request", None, None),
    ("  of which energy", "edge_energy_usd_per_request", "edge_energy_usd_per_request", None, None),
    ("  of which data transfer", "cloud_network_usd_per_request", None,
     "cloud_network_usd_per_request", None),
    ("time to first token", "edge_ttft_s", "edge_ttft_s", "cloud_ttft_s", None),
    ("energy per request", "edge_joules_per_request", "edge_joules_per_request",
     "cloud_joules_per_request", None),
    ("requests a day the device can serve", "edge_requests_per_day_max",
     "edge_requests_per_day_max", None, None),
)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("edge", help="edge or cloud: a request on an owned device against "
                              "a cloud replica and an API; cost, TTFT with the network, energy, "
                              "break-even requests a day")
    p.add_argument("edge", help="scenario of the edge device (own mode) with [edge] "
                               "requests_per_day")
    p.add_argument("cloud", help="scenario of the cloud replica (optional [network] and [api])")
    add_run_options(p, f"samples (default {DEFAULT_EDGE_SAMPLES:,})")
    for side in ("edge", "cloud"):
        p.add_argument(f"--set-{side}", action="append", metavar="PATH=VALUE",
                       help=f"override a value of the {side} scenario only (--set: of both; "
                            "repeatable)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.set_defaults(func=run)


def run(args) -> int:
    both = assignments(args.set or [], "--set")
    edge, cloud = (load_scenario(path).with_values(
        {**both, **assignments(getattr(args, f"set_{side}") or [], f"--set-{side}")})
        for side, path in (("edge", args.edge), ("cloud", args.cloud)))
    result = edge_or_cloud(edge, cloud,
                           samples=args.samples or DEFAULT_EDGE_SAMPLES, seed=args.seed,
                           backend=args.backend, threads=args.threads)
    data = result.to_dict()
    if args.json:
        dump_json(data)
        return 0
    print(printable(f"edge:  {data['edge']['scenario']} ({data['edge']['price_basis']})"))
    print(printable(f"cloud: {data['cloud']['scenario']} ({data['cloud']['price_basis']})"))
    print(printable("API:   " + (data["api"]["basis"] if data["api"] else data["api_skipped"])))
    print(f"{data['samples']} samples | seed {data['seed']} | backend {data['backend']}")
    if data["feasible_share"] == 0:
        print("no sample where both the edge device and the cloud replica can serve the request: "
              f"nothing to compare (infeasible: {data['infeasible']})")
        return 0
    has_api = data["api"] is not None
    rows = [("per request (p50 [p5, p95])", "edge", "cloud") + (("API",) if has_api else ())
            + ("unit",)]
    for label, unit, *sides in ROWS:
        cells = tuple(interval_cell(data.get(k), "") if k else "" for k in sides[:3 if has_api else 2])
        rows.append((label,) + cells + (UNITS[unit],))
    print_table(rows, left=(0,))
    left_out = 1 - data["feasible_share"]
    if left_out > 0:
        print(f"left out: {left_out:.1%} of samples, where the device or the replica cannot serve "
              f"the request (infeasible: {data['infeasible']})")
    for option, name in (("cloud", "the cloud"), ("api", "the API")):
        p = data["p_edge_cheaper"].get(option)
        if p is None:
            continue
        be = data[f"break_even_requests_per_day_{option}"]
        line = f"P(edge cheaper than {name}) = {p:.3f}; break-even "
        if be.get("p50") is None:
            line += "requests a day: none (the edge's energy alone, or more requests than it can serve)"
        else:
            line += (f"p50 {fmt(be['p50'])} [{fmt(be['p5'])}, {fmt(be['p95'])}] requests a day, in "
                     f"{be['share_with_break_even']:.0%} of samples")
        print(line)
    return 0
