"""``inferonomics fleet``: a fleet of replicas serving a demand through time under each policy."""

from __future__ import annotations

from ..progress import ProgressBar
from ..errors import printable
from ..fleet.through_time import DEFAULT_FLEET_SAMPLES, DEFAULT_TRACE_SAMPLES, fleet
from ..plots.fleet import fleet_chart, fleet_pareto_chart
from .common import (add_run_options, chart_file, dump_json, fmt, interval_cell, positive_int,
                     print_table,
                     scenario_of)

ROWS = (   # (label, metric, scale for display, unit shown)
    ("USD a month", "usd_per_month", 1.0, "USD"),
    ("SLO attainment", "slo_attainment", 100.0, "%"),
    ("TTFT p95", "ttft_p95_s", 1.0, "s"),
    ("TTFT p99", "ttft_p99_s", 1.0, "s"),
    ("replicas, mean", "replicas_mean", 1.0, ""),
    ("replicas, peak", "replicas_peak", 1.0, ""),
    ("utilisation, mean", "utilization_mean", 100.0, "%"),
    ("device-hours a month", "device_hours_per_month", 1.0, "h"),
    ("kWh a month", "kwh_per_month", 1.0, "kWh"),
    ("kgCO2e a month", "kgco2_per_month", 1.0, "kg"),
    ("water, L a month", "water_l_per_month", 1.0, "L"),
    ("USD per Mtok output", "usd_per_mtok", 1.0, "USD"),
    ("unserved at the end", "unserved_share", 100.0, "%"),
)


SWEEP_ROWS = tuple(row for row in ROWS
                   if row[1] in ("usd_per_month", "slo_attainment", "ttft_p99_s", "replicas_mean"))
"""The figures that decide between swept settings, one column each."""
MAX_POLICY_COLUMNS = 3
"""Up to this many policies print side by side; more (settings swept) print one row each."""


def _cell(stats, scale: float, unit: str) -> str:
    """``p50 [p5, p95] unit`` of a metric's statistics, scaled (percent), with the share of
    infinite values (a TTFT past the last level, 10^4 s)."""
    infinite = (stats or {}).get("infinite_share")
    if stats is not None and scale != 1.0 and "p50" in stats:
        stats = {k: v * scale for k, v in stats.items() if k in ("p5", "p50", "p95")}
    cell = interval_cell(stats) + (f" {unit}" if unit and stats and "p50" in stats else "")
    return cell + (f" (inf in {infinite:.0%})" if infinite else "")


def count(text: str) -> int:
    """An integer >= 0 (``--trace-samples 0``: keep no traces)."""
    try:
        is_zero = float(text) == 0.0
    except ValueError:
        is_zero = False
    return 0 if is_zero else positive_int(text)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "fleet", help="a fleet of replicas through a day, week, month or year of demand: "
        "static vs autoscaled vs scheduled, monthly bill, SLO attainment, energy")
    p.add_argument("scenario", help="scenario TOML file with [demand] (optional [fleet], "
                                    "[policy.static], [policy.reactive], [policy.scheduled])")
    add_run_options(p, f"samples (default {DEFAULT_FLEET_SAMPLES:,})")
    p.add_argument("--policy", default=None, metavar="NAMES",
                   help="policies to compare, comma-separated: static, reactive, scheduled "
                        "(default: those the scenario sets, else static,reactive)")
    p.add_argument("--horizon", default=None, help='how long, e.g. "1d", "30d", "1y" (default: '
                                                   '[fleet] horizon, else 7d)')
    p.add_argument("--step", default=None, help='the stepping interval, e.g. "1min", "1h" '
                                                '(default: [fleet] step, else 5min)')
    p.add_argument("--trace-samples", type=count, default=DEFAULT_TRACE_SAMPLES,
                   help=f"samples whose step-by-step course is kept for the chart (default "
                        f"{DEFAULT_TRACE_SAMPLES})")
    p.add_argument("--plot", type=chart_file, default=None, metavar="FILE",
                   help="write the chart of demand against capacity per policy (PNG, SVG, PDF); "
                        "with settings swept, cost against SLO attainment")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.set_defaults(func=run)


def run(args) -> int:
    scenario = scenario_of(args, args.scenario)
    samples = args.samples or DEFAULT_FLEET_SAMPLES
    bar = ProgressBar(samples, not args.json, unit=" samples")
    done = [0]

    def progress(n: int, total: int) -> None:
        bar.update(n - done[0])
        done[0] = n

    try:
        result = fleet(scenario, samples, args.seed, policies=args.policy, horizon=args.horizon,
                       step=args.step, backend=args.backend, threads=args.threads,
                       trace_samples=args.trace_samples, progress=progress)
    finally:
        bar.close()
    if args.plot:   # swept settings: cost against attainment; else the fleets through time
        if any(policy.label for policy in result.policies.values()):
            fleet_pareto_chart([("", result)], args.plot)
        else:
            fleet_chart(result, args.plot)
    data = result.to_dict()
    if args.json:
        dump_json(data)
        return 0
    settings = data["fleet"]
    print(printable(data["scenario"]))
    print(f"{data['samples']} samples | seed {data['seed']} | {settings['steps']:,} steps of "
          f"{fmt(settings['step_s'])} s | cost mode {data['cost_mode']} | targets met by "
          f"{settings['percentile']:.0%} of requests and tokens")
    replica = data["replica"]
    print(f"one replica: saturated at {interval_cell(replica['saturated_requests_per_s'])} "
          f"requests/s, within the latency targets up to "
          f"{interval_cell(replica['slo_requests_per_s'])} requests/s")
    if replica["targets_unreachable_share"] > 0.0:
        print(f"even a lone request misses a latency target in "
              f"{replica['targets_unreachable_share']:.1%} of samples: their fleets are sized "
              "on the saturated rate")
    if data["feasible_share"] < 1.0:
        print(f"one sequence does not fit in memory in {1.0 - data['feasible_share']:.1%} of "
              "samples: left out")
    policies = list(data["policies"])
    if len(policies) <= MAX_POLICY_COLUMNS:
        rows = [("p50 [p5, p95]",) + tuple(policies)]
        for label, metric, scale, unit in ROWS:
            rows.append((label,) + tuple(_cell(data["policies"][name][metric], scale, unit)
                                         for name in policies))
    else:   # settings swept: one row per policy, the figures that decide between them
        rows = [("policy",) + tuple(label for label, *_ in SWEEP_ROWS)]
        for name in policies:
            rows.append((name,) + tuple(_cell(data["policies"][name][metric], scale, unit)
                                        for label, metric, scale, unit in SWEEP_ROWS))
    print_table(rows, left=(0,))
    for name, c in data["comparisons"].items():
        print(f"{name} against {c['against']}: P(cheaper) = {c['p_cheaper']:.3f}, P(cheaper at "
              f"equal SLO attainment) = {c['p_cheaper_at_equal_slo']:.3f}, saving "
              f"{interval_cell(c['saving_usd_per_month'])} USD a month")
    best = data["cheapest_meeting_target"]
    if len(policies) > 1:
        print(printable(
            f"cheapest with a mean SLO attainment of at least {settings['percentile']:.0%}: "
            f"{best['policy']} ({fmt(best['usd_per_month_p50'])} USD a month at the median, "
            f"{best['slo_attainment_mean']:.2%} of requests within the targets)" if best else
            f"no policy keeps a mean SLO attainment of {settings['percentile']:.0%}"))
    if args.plot:
        print(printable(f"chart: {args.plot}"))
    return 0
