"""``inferonomics sweep``: every combination of a scenario's lists (sweep axes), Monte Carlo or
deterministic per point; the best points under constraints, an optional Pareto frontier, a table
file and a chart."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .. import plots
from ..analysis.checkpoint import Checkpoint
from ..analysis.decisions import DEFAULT_OBJECTIVE, best, required_quantiles, sweep_pareto
from ..analysis.sweep_dataset import sweep_dataset
from ..analysis.sweeps import DEFAULT_QUANTILES, DETERMINISTIC_STATS, sweep
from ..cores import backends
from ..errors import InferonomicsError, printable
from ..model.columns import split_column
from ..model.constraints import parse_constraint, parse_objective
from .common import (DEFAULT_REFERENCE_SWEEP_SAMPLES, DEFAULT_SWEEP_SAMPLES, STDOUT,
                     add_cluster_options, add_run_options, chart_file, cluster_client, chart_filter, column_list, dump_json,
                     positive_int, print_columns, quantile_list, scenario_of, table_file,
                     write_table_to_stdout)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="every combination of a scenario's lists (sweep axes): "
                              "a table, the best points under constraints, a Pareto frontier")
    p.add_argument("scenario", help="scenario TOML file with lists as sweep axes")
    add_run_options(p, f"Monte Carlo samples per grid point (default {DEFAULT_SWEEP_SAMPLES:,}; "
                       f"{DEFAULT_REFERENCE_SWEEP_SAMPLES} on the reference)")
    p.add_argument("--deterministic", action="store_true",
                   help="one evaluation per point with every input at its median")
    p.add_argument("--quantiles", type=quantile_list, default=None,
                   help="quantiles kept per metric, e.g. 0.05,0.5,0.95 (default); those the "
                        "constraints and objective name are added")
    p.add_argument("--max-points", type=positive_int, default=None,
                   help="refuse grids larger than this (default: [sweep] max_points or 50 million)")
    p.add_argument("-o", "--out", type=table_file, metavar="FILE",
                   help="write the table to FILE.csv or FILE.parquet; '-' writes it as CSV to "
                        "stdout instead of the report")
    p.add_argument("--metrics", type=column_list, metavar="M,M",
                   help="metrics kept in the table (default all); those the constraints, "
                        "objective, --show and --pareto name are added")
    p.add_argument("--constraint", action="append", metavar="EXPR",
                   help="e.g. 'tpot_s_p95 <= 0.04' (repeatable; default: [sweep] constraints)")
    p.add_argument("--objective", metavar="COLUMN",
                   help="column to rank by, e.g. usd_per_mtok_p90 (default: [sweep] objective or "
                        "usd_per_mtok_p50; throughput columns are maximised)")
    p.add_argument("--min-feasible", type=float, default=None,
                   help="fraction of a point's samples that must run (default: [sweep] "
                        "min_feasible or 0.95)")
    p.add_argument("--top", type=positive_int, default=10, help="best points shown (default 10)")
    p.add_argument("--show", type=column_list, metavar="COL,COL",
                   help="more columns in the printed table, e.g. tpot_s_p50,joules_per_token_p50 "
                        "(default: [sweep] show)")
    p.add_argument("--pareto", type=column_list, metavar="COL,COL[,COL]",
                   help="also print the Pareto frontier over two or three columns")
    p.add_argument("--plot", type=chart_file, metavar="FILE", help="chart a column against an axis (.png/.svg)")
    p.add_argument("--x", metavar="AXIS", help="axis on the chart's x axis (default: the longest)")
    p.add_argument("--y", metavar="COLUMN", help="column on the chart's y axis (default: objective)")
    p.add_argument("--dataset", metavar="DIR",
                   help="write the table as a partitioned Parquet dataset in DIR, each part by "
                        "whoever computed it (memory stays one part's: for grids too large to "
                        "hold); prints where, not the best points")
    p.add_argument("--resume", action="store_true",
                   help="finish an interrupted sweep: from the checkpoint kept beside --out "
                        "(FILE.checkpoint), or the parts already in --dataset DIR")
    add_cluster_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.set_defaults(func=run)


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


DATASET_EXCLUDES = ("out", "constraint", "objective", "pareto", "plot", "show", "x", "y")


def _run_dataset(args, scenario) -> int:
    """``sweep --dataset DIR``: the table written part by part; where it is, and how to read it."""
    given = [f"--{name}" for name in DATASET_EXCLUDES if getattr(args, name, None)]
    if given:
        raise InferonomicsError(f"--dataset writes the table only; {', '.join(given)} need(s) the "
                                "table in memory: leave --dataset out, or read the dataset and "
                                "rank it yourself")
    with cluster_client(args) as client:
        done = sweep_dataset(scenario, args.dataset, samples=_sweep_samples(args), seed=args.seed,
                             deterministic=args.deterministic,
                             quantiles=args.quantiles or DEFAULT_QUANTILES, backend=args.backend,
                             threads=args.threads, max_points=args.max_points,
                             metrics=args.metrics, progress=not args.json, client=client,
                             resume=args.resume)
    out = {"dataset": str(done.path), "grid_points": done.grid_points, "parts": done.parts,
           "computed_points": done.computed_points, "seconds": done.seconds}
    if args.json:
        dump_json(out)
    else:
        print(printable(f"{done.grid_points:,} grid points in {done.parts} parts at {done.path} "
                        f"({done.computed_points:,} computed now, {done.seconds:.1f} s); read "
                        "it with pandas.read_parquet or dask.dataframe.read_parquet"))
    return 0


def checkpoint_of(out) -> Path:
    """Where a sweep writing the table ``out`` keeps its checkpoint: ``out`` + ``.checkpoint``."""
    return Path(str(out) + ".checkpoint")


def _sweep_samples(args) -> int | None:
    if args.deterministic:
        return None
    if args.samples is not None:
        return args.samples
    chosen = backends.get_backend(args.backend).name
    return DEFAULT_REFERENCE_SWEEP_SAMPLES if chosen == "reference" else DEFAULT_SWEEP_SAMPLES


def run(args) -> int:
    t0 = time.perf_counter()
    table_to_stdout = args.out == STDOUT
    if table_to_stdout and args.json:
        raise InferonomicsError("--out - and --json both write to stdout; give --out a file name")
    scenario = scenario_of(args, args.scenario)
    if args.dataset is not None:
        return _run_dataset(args, scenario)
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
    checkpoint = checkpoint_of(args.out) if args.out and not table_to_stdout else None
    if args.resume and checkpoint is None:
        raise InferonomicsError("--resume: the checkpoint is kept beside the table (--out FILE); "
                                "give the --out of the interrupted run")
    with cluster_client(args) as client:
        result = sweep(scenario, samples=_sweep_samples(args), seed=args.seed,
                       deterministic=args.deterministic, quantiles=wanted, backend=args.backend,
                       threads=args.threads, max_points=args.max_points, metrics=metrics,
                       progress=not args.json, client=client, checkpoint=checkpoint,
                       resume=args.resume)
    ranking = best(result, constraints, args.objective, top=args.top, min_feasible=args.min_feasible)
    front = sweep_pareto(result, pareto_cols) if pareto_cols else None
    written = result.write(args.out) if args.out and not table_to_stdout else None
    if written and not result.interrupted:
        Checkpoint.remove_at(checkpoint)   # the table is safely written: nothing to resume
    if args.plot:
        plots.sweep_chart(result, args.plot, x=args.x, y=args.y or objective.column,
                          **chart_filter(ranking))
    if table_to_stdout:   # the table is the output: nothing else on stdout
        write_table_to_stdout(result)
        return 130 if result.interrupted else 0
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
        dump_json(out)
        return 130 if result.interrupted else 0
    dims = " x ".join(f"{d.name} {len(d)}" + (f" (zipped with {', '.join(d.paths[1:])})"
                                             if len(d.paths) > 1 else "") for d in result.grid.dims)
    mode = "deterministic (inputs at their medians)" if args.deterministic else \
        f"Monte Carlo, {result.samples:,} samples per point, seed {result.seed}"
    print(printable(result.scenario.name))
    print(f"grid: {result.grid.size:,} points ({dims or 'no axes'}) | {mode} | backend {result.backend}")
    bases = result.grid.price_bases()
    modes = sorted({basis.split(" ", 1)[0] for basis in bases.values()})
    if len(bases) == 1:
        print(printable(f"price basis: {next(iter(bases.values()))}"))
    else:
        note = f" (acquisition modes differ: {', '.join(modes)})" if len(modes) > 1 else ""
        print(printable(f"price basis{note}:"))
        for where, basis in bases.items():
            print(printable(f"  {where}: {basis}"))
    rate = f"{speed['points_per_s_core']:,.0f} points/s" if speed["points_per_s_core"] else ""
    if "samples_per_s_core" in speed:
        rate += f", {speed['samples_per_s_core'] / 1e6:.1f} M samples/s"
    print(f"computed in {result.core_seconds:.2f} s in the cores ({rate}); {total_s:.2f} s in all")
    if result.interrupted:
        print(f"interrupted: {n:,} of {result.grid.size:,} points finished; everything below is "
              "about those")
    if written:
        print(f"table written to {written} ({n:,} rows)")
    if result.interrupted and checkpoint is not None:
        print(printable(f"finished points are kept in {checkpoint}: rerun the same command with "
                        "--resume to compute only the rest"))
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
    print_columns(shown)
    if front is not None:
        table = _front_table(result, front, pareto_cols)
        del table["index"]
        print(f"\nPareto frontier over {', '.join(pareto_cols)}: {int(front.sum())} of {n:,} points")
        print_columns(_hide_zipped(result, table))
    if args.plot:
        print(f"\nchart written to {args.plot}")
    return 130 if result.interrupted else 0
