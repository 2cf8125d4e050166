"""Command line: ``inferonomics run | sweep | compare | sensitivity | plot | catalog | validate``.

Errors in the user's input print one line on stderr and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np

from .cores import backends
from .io import catalog
from . import plots
from .analysis import sensitivity
from .fidelity import validation
from .api import simulate
from .cores.backends import BACKENDS
from .model.columns import split_column
from .model.constraints import parse_constraint, parse_objective
from .analysis.decisions import (BREAK_EVEN_SAMPLES, DEFAULT_OBJECTIVE, best, break_even, compare,
                        compare_points, required_quantiles, sweep_pareto)
from .errors import InferonomicsError
from .jsonable import jsonable
from .model.registry import TABLE_METRICS, unit_of

from .io.scenario import load_scenario
from .analysis.sweeps import DEFAULT_QUANTILES, DETERMINISTIC_STATS, sweep

EXIT_USAGE = 2
DEFAULT_SAMPLES = 1_000_000          # a native core does this in a fraction of a second
DEFAULT_REFERENCE_SAMPLES = 10_000   # the pure-Python reference does about 20,000 per second

def _fmt(x: float) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if x == 0:
        return "0"
    if float(x).is_integer() and abs(x) < 1e7:
        return str(int(x))
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.3e}"
    return f"{x:.4g}"


def _print_table(rows, left=(0,)) -> None:
    """Rows of strings as aligned columns (those in ``left`` left-aligned), the first row a header."""
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for j, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if c in left else cell.rjust(w)
                        for c, (cell, w) in enumerate(zip(row, widths))).rstrip())
        if j == 0:
            print("  ".join("-" * w for w in widths))


def _seed(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 2**64), got {text!r}") from None
    return value


def _positive_int(text: str) -> int:
    """A positive integer, also written like 1e7 (but not 2.5)."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not number.is_integer() or number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return int(text) if text.strip().lstrip("+").isdigit() else int(number)


def _print_run(result) -> None:
    summary = result.summary()
    print(f"{result.scenario.name}")
    print(f"model {result.plan.model} | hardware {result.plan.hardware} | cost {result.plan.cost_mode}"
          f" | {result.samples} samples | seed {result.seed} | backend {result.backend}")
    infeasible = ", ".join(f"{n} {reason}" for reason, n in summary.infeasible.items() if n)
    print(f"feasible: {summary.feasible} of {summary.samples} ({summary.feasible_fraction:.1%})"
          + (f"; infeasible: {infeasible}" if infeasible else ""))
    if summary.feasible == 0:
        print("no sample is feasible: nothing to summarise (see the infeasible counts above)")
        return
    rows = [("metric", "mean", "p5", "p50", "p95", "unit")]
    for name in TABLE_METRICS:
        m = summary[name].to_dict()
        rows.append((name, _fmt(m["mean"]), _fmt(m["p5"]), _fmt(m["p50"]), _fmt(m["p95"]),
                     unit_of(name)))
    _print_table(rows, left=(0, 5))


def _cmd_run(args) -> int:
    for f in args.catalog or []:
        catalog.load_catalog_file(f)
    samples = args.samples
    if samples is None:
        chosen = backends.get_backend(args.backend).name
        samples = DEFAULT_REFERENCE_SAMPLES if chosen == "reference" else DEFAULT_SAMPLES
    result = simulate(args.scenario, samples=samples, seed=args.seed, backend=args.backend,
                      threads=args.threads)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, allow_nan=False, default=_json_default)
        sys.stdout.write("\n")
    else:
        _print_run(result)
    return 0


def _json_safe(obj):
    return jsonable(obj)


def _json_default(x):  # pragma: no cover - jsonable leaves nothing else
    return float(x)


CATALOG_COLUMNS = {
    "hardware": ("memory_gb", "memory_bw_gbps", "tflops_16", "tflops_8", "tflops_4", "tdp_w",
                 "interconnect_gbps", "usd_per_hour"),
    "models": ("total_params_b", "active_params_b", "n_layers", "d_model", "n_heads", "n_kv_heads",
               "n_experts", "experts_per_token", "attention"),
}


def _cmd_catalog(args) -> int:
    for f in args.catalog or []:
        catalog.load_catalog_file(f)
    table = catalog.entries(args.kind)
    if args.json:
        json.dump(table, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    cols = CATALOG_COLUMNS[args.kind]
    rows = [("id",) + cols]
    for eid, entry in table.items():
        rows.append((eid,) + tuple("" if entry.get(c) is None else
                                   (_fmt(entry[c]) if isinstance(entry[c], float) else str(entry[c]))
                                   for c in cols))
    _print_table(rows, left=range(len(rows[0])))
    print(f"\n{len(table)} entries; sources: inferonomics catalog {args.kind} --json")
    return 0


def _cmd_validate(args) -> int:
    report = validation.validate(samples=args.samples, seed=args.seed)
    if args.plot:
        plots.plot_validation(report, args.plot)
    if args.json:
        json.dump(_json_safe(report), sys.stdout, default=_json_default, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    rows = [("case", "metric", "phase", "split", "measured", "p5", "p50", "p95", "inside")]
    for c in report["cases"]:
        rows.append((c["id"], c["metric"], c["phase"], "holdout" if c["holdout"] else "fit",
                     _fmt(c["measured"]), _fmt(c["p5"]), _fmt(c["p50"]), _fmt(c["p95"]),
                     "yes" if c["inside"] else ("infeasible" if c["feasible_fraction"] == 0 else "no")))
    _print_table(rows)
    print()
    rows = [("cases", "n", "coverage of 90% interval", "median |log err| (factor)", "worst |log err|")]
    for name, agg in report["summary"].items():
        if agg["cases"] == 0 or "median_error_factor" not in agg:
            continue
        rows.append((name, str(agg["cases"]), f"{agg['coverage']:.0%}",
                     f"{agg['median_log_error']:.3f} (x{agg['median_error_factor']:.2f})",
                     f"{agg['worst_log_error']:.3f}"))
    _print_table(rows)
    if args.plot:
        print(f"\nplot written to {args.plot}")
    return 0


DEFAULT_SWEEP_SAMPLES = 10_000            # per grid point on a native core
DEFAULT_REFERENCE_SWEEP_SAMPLES = 200     # per grid point on the reference
DEFAULT_COMPARE_SAMPLES = 200_000
DEFAULT_PLOT_SAMPLES = 200_000
DEFAULT_PARETO_Y = "tpot_s_p95"


def _quantile_list(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be numbers in [0, 1] separated by commas, got "
                                         f"{text!r}") from None


def _columns(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def _dump_json(obj) -> None:
    json.dump(_json_safe(obj), sys.stdout, allow_nan=False, default=_json_default)
    sys.stdout.write("\n")


def _cell(x) -> str:
    if isinstance(x, str):
        return x
    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, int):
        return str(x)
    return _fmt(float(x))


def _print_columns(table: dict, rank: bool = True) -> None:
    names = list(table)
    n = len(table[names[0]]) if names else 0
    rows = [(["#"] if rank else []) + names]
    for i in range(n):
        rows.append(([str(i + 1)] if rank else []) + [_cell(table[k][i]) for k in names])
    _print_table(rows, left=range(1 + (len(table) - sum(1 for k in names if "." not in k))))


def _hide_zipped(result, table: dict) -> dict:
    """Drop the second and later axes of zipped groups from a printed table: they move with the
    first (the header says so), and distribution labels are long."""
    hidden = {p for d in result.grid.dims for p in d.paths[1:]}
    return {k: v for k, v in table.items() if k not in hidden}


def _front_table(result, front, columns) -> dict:
    """The Pareto points, ordered by the first column: index, axes and the columns."""
    idx = np.flatnonzero(front)
    values = {c: result.column(*split_column(c), rows=idx) for c in columns}
    order = np.argsort(values[columns[0]], kind="stable")
    table = {"index": idx[order]}
    table.update(result.axis_columns(idx[order]))
    table.update({c: v[order] for c, v in values.items()})
    return table


def _sweep_samples(args) -> int | None:
    if args.deterministic:
        return None
    if args.samples is not None:
        return args.samples
    chosen = backends.get_backend(args.backend).name
    return DEFAULT_REFERENCE_SWEEP_SAMPLES if chosen == "reference" else DEFAULT_SWEEP_SAMPLES


def _cmd_sweep(args) -> int:
    import time

    t0 = time.perf_counter()
    scenario = load_scenario(args.scenario)
    # Check the decision settings before anything runs, and keep the quantiles they need.
    table = scenario.raw.get("sweep", {})
    constraints = args.constraint if args.constraint else None
    parsed_constraints = [parse_constraint(c, "--constraint") for c in
                          (constraints or table.get("constraints", []))]
    objective = parse_objective(args.objective or table.get("objective", DEFAULT_OBJECTIVE),
                                "--objective")
    show = args.show or table.get("show", [])
    for c in show:
        parse_objective(c, "--show")
    pareto_cols = args.pareto or []
    if args.deterministic:   # one value per point: refuse percentiles before anything runs
        named = [(str(c), c.stat) for c in parsed_constraints if c.metric != "feasible_fraction"]
        named += [(c, split_column(c)[1]) for c in [objective.column] + list(show)
                  + list(pareto_cols)]
        for column, stat in named:
            if stat not in DETERMINISTIC_STATS:
                raise InferonomicsError(f"{column}: a deterministic sweep has one value per point "
                                        "(every input at its median), so ask for the bare metric "
                                        "or its p50, or drop --deterministic")
    wanted = list(args.quantiles or DEFAULT_QUANTILES)
    wanted += required_quantiles(parsed_constraints, objective, list(pareto_cols) + list(show))
    metrics = None
    if args.metrics:
        named = [c.metric for c in parsed_constraints if c.metric != "feasible_fraction"]
        named += [objective.metric] + [split_column(c)[0] for c in list(show) + list(pareto_cols)]
        metrics = list(args.metrics) + named
    result = sweep(scenario, samples=_sweep_samples(args), seed=args.seed,
                   deterministic=args.deterministic, quantiles=wanted, backend=args.backend,
                   threads=args.threads, max_points=args.max_points, metrics=metrics,
                   progress=not args.json)
    ranking = best(result, constraints, args.objective, top=args.top, min_feasible=args.min_feasible)
    front = sweep_pareto(result, pareto_cols) if pareto_cols else None
    written = result.write(args.out) if args.out else None
    if args.plot:
        constrained = bool(ranking.constraints) or ranking.min_feasible > 0
        plots.sweep_chart(result, args.plot, x=args.x, y=args.y or objective.column,
                          mask=ranking.eligible if constrained else None,
                          subtitle="points meeting: " + ", ".join(
                              [str(c) for c in ranking.constraints]
                              + [f"feasible >= {ranking.min_feasible:g}"]) if constrained else "")
    total_s = time.perf_counter() - t0
    n = result.completed
    speed = {"grid_points": result.grid.size, "completed": n, "core_seconds": result.core_seconds,
             "total_seconds": total_s,
             "points_per_s_core": n / result.core_seconds if result.core_seconds else None,
             "points_per_s_total": n / total_s}
    if not args.deterministic and result.core_seconds:
        speed["samples_per_s_core"] = n * result.samples / result.core_seconds
    if args.json:
        out = result.to_dict()
        out["speed"] = speed
        out["ranking"] = ranking.to_dict()
        if front is not None:
            table = _front_table(result, front, pareto_cols)
            out["pareto"] = {"columns": pareto_cols, "points": [
                {k: v[j] for k, v in table.items()} for j in range(len(table["index"]))]}
        if written:
            out["table"] = str(written)
        _dump_json(out)
        return 130 if result.interrupted else 0
    dims = " x ".join(f"{d.name} {len(d)}" + (f" (zipped with {', '.join(d.paths[1:])})"
                                             if len(d.paths) > 1 else "") for d in result.grid.dims)
    mode = "deterministic (inputs at their medians)" if args.deterministic else \
        f"Monte Carlo, {result.samples:,} samples per point, seed {result.seed}"
    print(result.scenario.name)
    print(f"grid: {result.grid.size:,} points ({dims or 'no axes'}) | {mode} | backend {result.backend}")
    rate = f"{speed['points_per_s_core']:,.0f} points/s" if speed["points_per_s_core"] else ""
    if "samples_per_s_core" in speed:
        rate += f", {speed['samples_per_s_core'] / 1e6:.1f} M samples/s"
    print(f"computed in {result.core_seconds:.2f} s in the cores ({rate}); {total_s:.2f} s in all")
    if result.interrupted:
        print(f"interrupted: {n:,} of {result.grid.size:,} points finished; everything below is "
              "about those")
    if written:
        print(f"table written to {written} ({n:,} rows)")
    print()
    goal = [str(c) for c in ranking.constraints]
    floor = f"feasible in >= {ranking.min_feasible:.0%} of samples" if not args.deterministic \
        else "feasible"
    print(f"{ranking.objective}, subject to: {', '.join(goal + [floor])}")
    shown = _hide_zipped(result, ranking.table())
    rows = ranking.rows if ranking.meeting else ranking.misses
    for c in show:
        metric, stat = split_column(c)
        shown.setdefault(c, result.column(metric, stat if stat != "value" else "p50", rows))
    if ranking.meeting:
        print(f"{ranking.meeting:,} of {n:,} points qualify; best {len(ranking.rows)}:")
    else:
        print(f"no grid point meets the constraints; nearest misses ({len(ranking.misses)}):")
    _print_columns(shown)
    if front is not None:
        table = _front_table(result, front, pareto_cols)
        del table["index"]
        print(f"\nPareto frontier over {', '.join(pareto_cols)}: {int(front.sum())} of {n:,} points")
        _print_columns(_hide_zipped(result, table))
    if args.plot:
        print(f"\nchart written to {args.plot}")
    return 130 if result.interrupted else 0


def _parse_assignment(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise InferonomicsError(f"--baseline: expected PATH=VALUE, got {item!r}")
        try:
            import tomllib

            out[key.strip()] = tomllib.loads(f"v = {value.strip()}")["v"]
        except Exception:
            out[key.strip()] = value.strip()
    return out


def _cmd_compare(args) -> int:
    a = load_scenario(args.a)
    given_samples = args.samples
    args.samples = args.samples or DEFAULT_COMPARE_SAMPLES
    if args.b is None:
        if args.break_even:
            raise InferonomicsError("--break-even needs two scenarios (A and B)")
        baseline = _parse_assignment(args.baseline) if args.baseline else 0
        pairs = compare_points(a, baseline, args.metric, samples=args.samples, seed=args.seed,
                               backend=args.backend, threads=args.threads, progress=not args.json)
        code = 130 if pairs.interrupted else 0
        if args.json:
            _dump_json({"metric": args.metric, "baseline": pairs.baseline,
                        "interrupted": pairs.interrupted, "points": pairs.total,
                        "comparisons": [{"point": p, **c.to_dict()} for p, c in pairs]})
            return code
        print(f"{a.name}: every grid point against the baseline {pairs.baseline} on "
              f"{args.metric}, {args.samples:,} common-random-number samples")
        if pairs.interrupted:
            print(f"interrupted: {len(pairs):,} of {pairs.total:,} comparisons finished")
        if not pairs:
            return code
        rows = [list(pairs[0][0]) + ["P(lower)", "mean diff", "95% CI", "relative"]]
        def order(pc):   # most likely lower first, then by the mean difference
            c = pc[1]
            return (1, 0) if math.isnan(c.p_a_lower) else (-c.p_a_lower, c.mean_difference)

        for p, c in sorted(pairs, key=order):
            rows.append([_cell(v) if not isinstance(v, dict) else str(v) for v in p.values()] + [
                f"{c.p_a_lower:.3f}", _fmt(c.mean_difference),
                f"[{_fmt(c.mean_difference_ci[0])}, {_fmt(c.mean_difference_ci[1])}]",
                f"{c.relative_difference:+.1%}"])
        _print_table(rows, left=range(len(pairs[0][0])))
        return code
    b = load_scenario(args.b)
    c = compare(a, b, args.metric, samples=args.samples, seed=args.seed, backend=args.backend,
                threads=args.threads)
    be = None
    if args.break_even:
        low, high = args.range if args.range else (None, None)
        be = break_even(a, b, args.break_even, side=args.side, metric=args.metric, low=low,
                        high=high, samples=given_samples or BREAK_EVEN_SAMPLES, seed=args.seed,
                        backend=args.backend, threads=args.threads)
    if args.json:
        out = {"a": a.name, "b": b.name, **c.to_dict()}
        if be is not None:
            out["break_even"] = be.to_dict()
        _dump_json(out)
        return 0
    unit = unit_of(args.metric)
    print(f"A: {a.name}\nB: {b.name}")
    print(f"{args.metric} ({unit}) on {c.samples:,} common-random-number samples; both feasible "
          f"in {c.both_feasible:,} (A infeasible {c.a_infeasible:,}, B infeasible {c.b_infeasible:,})")
    if c.both_feasible == 0:
        print("no sample where both run: nothing to compare")
        return 0
    print(f"P(A lower than B) = {c.p_a_lower:.4f} (95% CI {c.p_a_lower_ci[0]:.4f} - "
          f"{c.p_a_lower_ci[1]:.4f}); ties {c.p_equal:.4f}")
    print(f"mean A = {_fmt(c.mean_a)}, mean B = {_fmt(c.mean_b)}; mean A - B = "
          f"{_fmt(c.mean_difference)} (95% CI {_fmt(c.mean_difference_ci[0])} to "
          f"{_fmt(c.mean_difference_ci[1])}), {c.relative_difference:+.1%} of B")
    if be is not None:
        where = f"[{_fmt(be.low)}, {_fmt(be.high)}]"
        if be.value is None:
            print(f"break-even: none for {be.path} of {be.side.upper()} in {where}: {be.reason} "
                  f"(A - B is {_fmt(be.difference_at_low)} at the low end, "
                  f"{_fmt(be.difference_at_high)} at the high end)")
        else:
            print(f"break-even: {be.path} of {be.side.upper()} = {_fmt(be.value)} gives A and B the "
                  f"same mean {args.metric} (searched {where})")
    return 0


def _cmd_sensitivity(args) -> int:
    samples = args.samples or sensitivity.DEFAULT_SOBOL_SAMPLES
    sob = None if args.tornado_only else sensitivity.sobol(
        args.scenario, args.metric, samples=samples, seed=args.seed, backend=args.backend,
        threads=args.threads)
    tor = sensitivity.tornado(args.scenario, args.metric, backend=args.backend, seed=args.seed)
    if args.plot:
        if sob is not None:
            plots.sobol_chart(sob, args.plot)
        tornado_path = args.tornado_plot or (None if sob is not None else args.plot)
    else:
        tornado_path = args.tornado_plot
    if tornado_path:
        plots.tornado_chart(tor, tornado_path)
    if args.json:
        _dump_json({"metric": args.metric, "sobol": None if sob is None else sob.to_dict(),
                    "tornado": tor.to_dict()})
        return 0
    unit = unit_of(args.metric)
    if sob is not None:
        ranked = sob.ranked("ST")
        print(f"Sobol indices of {args.metric} ({unit}): mean {_fmt(sob.output_mean)}, standard "
              f"deviation {_fmt(sob.output_var ** 0.5)}; {sob.N:,} base samples, "
              f"{sob.evaluations:,} evaluations, {sob.conf_level:.0%} intervals (bootstrap)")
        rows = [("input", "first order S1", "total ST", "share of variance")]
        total_st = float(np.sum(np.clip(ranked.ST, 0, None))) or 1.0
        for name, s1, c1, st, ct in zip(ranked.names, ranked.S1, ranked.S1_conf, ranked.ST,
                                        ranked.ST_conf):
            rows.append((name, f"{s1:+.3f} +- {c1:.3f}", f"{st:.3f} +- {ct:.3f}",
                         f"{max(st, 0) / total_st:.0%}"))
        _print_table(rows)
        top = ranked.names[0]
        print(f"-> {top} dominates the uncertainty of {args.metric} (total-order index "
              f"{ranked.ST[0]:.2f})\n")
    print(f"Tornado: {args.metric} with every input at its median = {_fmt(tor.base)} {unit}; one "
          f"input at a time moved to its p{tor.low * 100:g} and p{tor.high * 100:g}")
    rows = [("input", "low input", "high input", f"{args.metric} at low", "at high", "swing")]
    for r in tor.rows:
        rows.append((r.name, _fmt(r.low_input), _fmt(r.high_input),
                     _fmt(r.value_low) if r.status_low == "ok" else r.status_low,
                     _fmt(r.value_high) if r.status_high == "ok" else r.status_high,
                     _fmt(r.swing)))
    _print_table(rows)
    for path in (args.plot, args.tornado_plot):
        if path:
            print(f"chart written to {path}")
    return 0


def _range(text: str) -> tuple[float, float]:
    try:
        low, high = (float(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be LOW,HIGH, got {text!r}") from None
    return low, high


def _cmd_plot(args) -> int:
    scenario = load_scenario(args.scenario)
    if args.kind == "distribution":
        result = simulate(scenario, samples=args.samples or DEFAULT_PLOT_SAMPLES, seed=args.seed,
                          backend=args.backend, threads=args.threads, keep_samples=True)
        plots.distribution_chart(result, args.metric, args.out)
    elif args.kind in ("pareto", "sweep"):
        x = args.x or (DEFAULT_OBJECTIVE if args.kind == "pareto" else None)
        y = args.y or (DEFAULT_PARETO_Y if args.kind == "pareto" else DEFAULT_OBJECTIVE)
        columns = [x, y] if args.kind == "pareto" else [y]    # a sweep chart's x is an axis
        qs = set(DEFAULT_QUANTILES) | set(required_quantiles(columns=columns))
        result = sweep(scenario, samples=args.samples or DEFAULT_SWEEP_SAMPLES, seed=args.seed,
                       quantiles=sorted(qs), backend=args.backend, threads=args.threads,
                       progress=True)
        if args.kind == "pareto":
            plots.pareto_chart(result, sweep_pareto(result, [x, y]), x, y, args.out)
        else:
            plots.sweep_chart(result, args.out, x=x, y=y)
    else:
        if args.kind == "tornado":
            plots.tornado_chart(sensitivity.tornado(scenario, args.metric, backend=args.backend),
                                args.out)
        else:
            plots.sobol_chart(sensitivity.sobol(scenario, args.metric,
                                                samples=args.samples
                                                or sensitivity.DEFAULT_SOBOL_SAMPLES, seed=args.seed,
                                                backend=args.backend, threads=args.threads),
                              args.out)
    print(f"{args.kind} chart written to {args.out}")
    return 0


def _common(p, samples_help: str) -> None:
    p.add_argument("--samples", type=_positive_int, default=None, help=samples_help)
    p.add_argument("--seed", type=_seed, default=0, help="seed of the random stream (default 0)")
    p.add_argument("--backend", default="auto", choices=("auto",) + BACKENDS,
                   help="compute core (default auto: the fastest available)")
    p.add_argument("--threads", type=_positive_int, default=None,
                   help="worker threads for native cores (default: all cores)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inferonomics",
        description="What it costs to run AI models: USD, joules and gCO2e per token, latency.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="Monte Carlo summary of one scenario")
    run.add_argument("scenario", help="scenario TOML file")
    run.add_argument("--samples", type=_positive_int, default=None,
                     help=f"number of samples (default {DEFAULT_SAMPLES:,} on a native core, "
                          f"{DEFAULT_REFERENCE_SAMPLES:,} on the reference)")
    run.add_argument("--seed", type=_seed, default=0, help="seed of the random stream (default 0)")
    run.add_argument("--backend", default="auto", choices=("auto",) + BACKENDS,
                     help="compute core (default auto: the fastest available)")
    run.add_argument("--threads", type=_positive_int, default=None,
                     help="worker threads for native cores (default: all cores)")
    run.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    run.add_argument("--catalog", action="append", metavar="FILE",
                     help="extra catalog TOML with [hardware.ID] / [models.ID] tables (repeatable)")
    run.set_defaults(func=_cmd_run)

    cat = sub.add_parser("catalog", help="list the hardware or model catalog")
    cat.add_argument("kind", choices=catalog.KINDS)
    cat.add_argument("--json", action="store_true", help="every field, with sources, as JSON")
    cat.add_argument("--catalog", action="append", metavar="FILE",
                     help="extra catalog TOML to include (repeatable)")
    cat.set_defaults(func=_cmd_catalog)

    val = sub.add_parser("validate", help="the model against published measurements")
    val.add_argument("--samples", type=_positive_int, default=4000,
                     help="Monte Carlo samples per measured case (default 4000)")
    val.add_argument("--seed", type=_seed, default=0, help="seed of the random stream (default 0)")
    val.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    val.add_argument("--plot", metavar="FILE", help="write predicted intervals against "
                     "measurements (log axes) to FILE (.png or .svg; needs matplotlib)")
    val.set_defaults(func=_cmd_validate)

    sw = sub.add_parser("sweep", help="every combination of a scenario's lists (sweep axes): "
                        "a table, the best points under constraints, a Pareto frontier")
    sw.add_argument("scenario", help="scenario TOML file with lists as sweep axes")
    _common(sw, f"Monte Carlo samples per grid point (default {DEFAULT_SWEEP_SAMPLES:,}; "
            f"{DEFAULT_REFERENCE_SWEEP_SAMPLES} on the reference)")
    sw.add_argument("--deterministic", action="store_true",
                    help="one evaluation per point with every input at its median")
    sw.add_argument("--quantiles", type=_quantile_list, default=None,
                    help="quantiles kept per metric, e.g. 0.05,0.5,0.95 (default); those the "
                         "constraints and objective name are added")
    sw.add_argument("--max-points", type=_positive_int, default=None,
                    help="refuse grids larger than this (default: [sweep] max_points or 50 million)")
    sw.add_argument("--out", metavar="FILE", help="write the table to FILE.csv or FILE.parquet")
    sw.add_argument("--metrics", type=_columns, metavar="M,M",
                    help="metrics kept in the table (default all); those the constraints, "
                         "objective, --show and --pareto name are added")
    sw.add_argument("--constraint", action="append", metavar="EXPR",
                    help="e.g. 'tpot_s_p95 <= 0.04' (repeatable; default: [sweep] constraints)")
    sw.add_argument("--objective", metavar="COLUMN",
                    help="column to rank by, e.g. usd_per_mtok_p90 (default: [sweep] objective or "
                         "usd_per_mtok_p50; throughput columns are maximised)")
    sw.add_argument("--min-feasible", type=float, default=None,
                    help="fraction of a point's samples that must run (default: [sweep] "
                         "min_feasible or 0.95)")
    sw.add_argument("--top", type=_positive_int, default=10, help="best points shown (default 10)")
    sw.add_argument("--show", type=_columns, metavar="COL,COL",
                    help="more columns in the printed table, e.g. tpot_s_p50,joules_per_token_p50 "
                         "(default: [sweep] show)")
    sw.add_argument("--pareto", type=_columns, metavar="COL,COL[,COL]",
                    help="also print the Pareto frontier over two or three columns")
    sw.add_argument("--plot", metavar="FILE", help="chart a column against an axis (.png/.svg)")
    sw.add_argument("--x", metavar="AXIS", help="axis on the chart's x axis (default: the longest)")
    sw.add_argument("--y", metavar="COLUMN", help="column on the chart's y axis (default: objective)")
    sw.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    sw.set_defaults(func=_cmd_sweep)

    cmp_ = sub.add_parser("compare", help="option A against B (or every grid point against a "
                          "baseline) on common random numbers")
    cmp_.add_argument("a", help="scenario A (or a scenario with sweep axes)")
    cmp_.add_argument("b", nargs="?", help="scenario B")
    _common(cmp_, f"samples (default {DEFAULT_COMPARE_SAMPLES:,})")
    cmp_.add_argument("--metric", default="usd_per_mtok", help="metric (default usd_per_mtok)")
    cmp_.add_argument("--baseline", nargs="+", metavar="PATH=VALUE",
                      help="with one swept scenario: the grid point the others are compared with")
    cmp_.add_argument("--break-even", metavar="PATH",
                      help="input (e.g. cost.usd_per_device_hour) whose break-even value to find")
    cmp_.add_argument("--side", choices=("a", "b"), default="b",
                      help="which option's input moves (default b)")
    cmp_.add_argument("--range", type=_range, metavar="LOW,HIGH",
                      help="bracket for the break-even search (default: half to twice the median)")
    cmp_.add_argument("--json", action="store_true", help="print one JSON object")
    cmp_.set_defaults(func=_cmd_compare)

    sen = sub.add_parser("sensitivity", help="which uncertain input matters: Sobol indices and a "
                         "tornado")
    sen.add_argument("scenario", help="scenario TOML file without sweep axes")
    _common(sen, "base samples of the Sobol design (default 8192; evaluations = N x (inputs + 2))")
    sen.add_argument("--metric", default="usd_per_mtok", help="metric (default usd_per_mtok)")
    sen.add_argument("--tornado-only", action="store_true", help="skip the Sobol indices")
    sen.add_argument("--plot", metavar="FILE", help="Sobol bar chart (.png/.svg); the tornado with "
                     "--tornado-only")
    sen.add_argument("--tornado-plot", metavar="FILE", help="tornado chart (.png/.svg)")
    sen.add_argument("--json", action="store_true", help="print one JSON object")
    sen.set_defaults(func=_cmd_sensitivity)

    pl = sub.add_parser("plot", help="charts: distribution, pareto, tornado, sobol, sweep")
    pl.add_argument("kind", choices=("distribution", "pareto", "tornado", "sobol", "sweep"))
    pl.add_argument("scenario", help="scenario TOML file")
    pl.add_argument("--out", required=True, metavar="FILE", help="image file (.png or .svg)")
    _common(pl, "samples (per grid point for pareto/sweep)")
    pl.add_argument("--metric", default="usd_per_mtok",
                    help="metric for distribution/tornado/sobol (default usd_per_mtok)")
    pl.add_argument("--x", help="pareto: x column (default usd_per_mtok_p50); sweep: axis")
    pl.add_argument("--y", help="pareto: y column (default tpot_s_p95); sweep: column")
    pl.set_defaults(func=_cmd_plot)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InferonomicsError as exc:
        print(f"inferonomics: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("inferonomics: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) closed the pipe: stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
