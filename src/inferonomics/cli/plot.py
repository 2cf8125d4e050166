"""``inferonomics plot``: one chart of a scenario: the distribution of a metric, a Pareto frontier
or a column against an axis of a sweep, a tornado, or Sobol indices."""

from __future__ import annotations

from .. import plots
from ..analysis import sensitivity
from ..analysis.decisions import DEFAULT_OBJECTIVE, best, required_quantiles, sweep_pareto
from ..analysis.sweeps import DEFAULT_QUANTILES, sweep
from ..analysis.tco import DEFAULT_TCO_SAMPLES, tco
from ..api import simulate
from .common import (DEFAULT_PARETO_Y, DEFAULT_PLOT_SAMPLES, DEFAULT_SWEEP_SAMPLES,
                     add_run_options, chart_file, chart_filter, scenario_of)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("plot", help="charts: distribution, pareto, tornado, sobol, sweep, "
                              "cost-breakdown")
    p.add_argument("kind", choices=("distribution", "pareto", "tornado", "sobol", "sweep",
                                    "cost-breakdown"))
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("-o", "--out", required=True, type=chart_file, metavar="FILE", help="image file (.png or .svg)")
    add_run_options(p, "samples (per grid point for pareto/sweep)")
    p.add_argument("--metric", default="usd_per_mtok",
                   help="metric for distribution/tornado/sobol (default usd_per_mtok)")
    p.add_argument("--x", help="pareto: x column (default usd_per_mtok_p50); sweep: axis")
    p.add_argument("--y", help="pareto: y column (default tpot_s_p95); sweep: column")
    p.set_defaults(func=run)


def run(args) -> int:
    scenario = scenario_of(args, args.scenario)
    if args.kind == "distribution":
        result = simulate(scenario, samples=args.samples or DEFAULT_PLOT_SAMPLES, seed=args.seed,
                          backend=args.backend, threads=args.threads, keep_samples=True)
        plots.distribution_chart(result, args.metric, args.out)
    elif args.kind == "cost-breakdown":
        plots.cost_breakdown_chart(tco(scenario, samples=args.samples or DEFAULT_TCO_SAMPLES,
                                       seed=args.seed, backend=args.backend, threads=args.threads),
                                   args.out)
    elif args.kind in ("pareto", "sweep"):
        x = args.x or (DEFAULT_OBJECTIVE if args.kind == "pareto" else None)
        y = args.y or (DEFAULT_PARETO_Y if args.kind == "pareto" else DEFAULT_OBJECTIVE)
        columns = [x, y] if args.kind == "pareto" else [y]    # a sweep chart's x is an axis
        qs = set(DEFAULT_QUANTILES) | set(required_quantiles(columns=columns))
        result = sweep(scenario, samples=args.samples or DEFAULT_SWEEP_SAMPLES, seed=args.seed,
                       quantiles=sorted(qs), backend=args.backend, threads=args.threads,
                       progress=True)
        # The same points as the sweep's table: the scenario's [sweep] constraints and the
        # feasibility rule (a point feasible in 0.07% of its samples is not the cheapest GPU).
        shown = chart_filter(best(result))
        if args.kind == "pareto":
            front = sweep_pareto(result, [x, y], mask=shown["mask"])
            plots.pareto_chart(result, front, x, y, args.out, **shown)
        else:
            plots.sweep_chart(result, args.out, x=x, y=y, **shown)
    else:
        if args.kind == "tornado":
            plots.tornado_chart(sensitivity.tornado(scenario, args.metric, backend=args.backend),
                                args.out, name=scenario.name)
        else:
            plots.sobol_chart(sensitivity.sobol(scenario, args.metric,
                                                samples=args.samples
                                                or sensitivity.DEFAULT_SOBOL_SAMPLES, seed=args.seed,
                                                backend=args.backend, threads=args.threads),
                              args.out, name=scenario.name)
    print(f"{args.kind} chart written to {args.out}")
    return 0
