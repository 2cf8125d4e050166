"""``inferonomics run``: the Monte Carlo summary of one scenario, as a table or one JSON object."""

from __future__ import annotations

from ..api import simulate
from ..cores import backends
from ..cores.encoding import PRECISIONS
from ..errors import printable
from ..fidelity import model_error
from ..model.registry import TABLE_METRICS, unit_of
from .common import (DEFAULT_REFERENCE_SAMPLES, DEFAULT_SAMPLES, add_cluster_options,
                     add_run_options, cluster_client, dump_json, fmt, print_table, scenario_of)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("run", help="Monte Carlo summary of one scenario")
    p.add_argument("scenario", help="scenario TOML file")
    add_run_options(p, f"number of samples (default {DEFAULT_SAMPLES:,} on a native core, "
                       f"{DEFAULT_REFERENCE_SAMPLES:,} on the reference)")
    p.add_argument("--metrics", type=metric_list, default=None, metavar="NAME[,NAME...]",
                   help="summarise only these metrics, comma-separated (faster on a native core; "
                        "default: all, with the table showing the headline ones)")
    p.add_argument("--precision", choices=PRECISIONS, default="float64",
                   help="the model's arithmetic: float64 (default, the reference's) or "
                        "float32 (native cores only; approximate, faster: means within 1e-4 "
                        "relative on the bundled examples)")
    add_cluster_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--model-error", action="store_true",
                   help="also widen each p5..p95 by the model's own error on published "
                   "measurements (conformal margins from `inferonomics validate`)")
    p.set_defaults(func=run)


def metric_list(text: str) -> list[str]:
    """``--metrics``: comma-separated names (checked by simulate, which names an unknown one)."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _print_run(result, metrics=None, with_error: bool = False) -> None:
    summary = result.summary()
    print(printable(result.scenario.name))   # a name from the user's file: escape its controls
    print(printable(f"model {result.plan.model} | hardware {result.plan.hardware} | cost "
                    f"{result.plan.cost_mode} | {result.samples} samples | seed {result.seed} | "
                    f"backend {result.backend}"
                    + (f" | precision {result.precision} (approximate)"
                       if result.precision != "float64" else "")))
    print(printable(f"price basis: {result.plan.price_basis}"))
    infeasible = ", ".join(f"{n} {reason}" for reason, n in summary.infeasible.items() if n)
    print(f"feasible: {summary.feasible} of {summary.samples} ({summary.feasible_fraction:.1%})"
          + (f"; infeasible: {infeasible}" if infeasible else ""))
    if summary.feasible == 0:
        print("no sample is feasible: nothing to summarise (see the infeasible counts above)")
        return
    header = ("metric", "mean", "p5", "p50", "p95")
    rows = [header + (("p5 +err", "p95 +err") if with_error else ()) + ("unit",)]
    shown = summary.metrics if metrics else TABLE_METRICS   # --metrics: those, as asked
    table = model_error.margins() if with_error else None
    for name in shown:
        m = summary[name].to_dict()
        row = (name, fmt(m["mean"]), fmt(m["p5"]), fmt(m["p50"]), fmt(m["p95"]))
        if with_error:
            wide = model_error.widened(name, m["p5"], m["p95"], table)
            row += tuple(fmt(v) for v in wide) if wide else ("-", "-")
        rows.append(row + (unit_of(name),))
    print_table(rows, left=(0, len(rows[0]) - 1))
    if with_error:
        print("p5/p95 +err: widened by the model's error on published measurements "
              "(inferonomics validate; '-': no measurement checks the metric)")


def _model_error_json(result) -> dict:
    """Per summarised metric, p5/p95 widened by the model's error (null where none applies)."""
    summary = result.summary()
    table = model_error.margins()
    out = {"margins": table, "metrics": {}}
    if summary.feasible:
        for name in summary.metrics:
            m = summary[name].to_dict()
            wide = model_error.widened(name, m["p5"], m["p95"], table)
            out["metrics"][name] = {"p5": wide[0], "p95": wide[1]} if wide else None
    return out


def run(args) -> int:
    samples = args.samples
    if samples is None:
        chosen = backends.get_backend(args.backend).name
        samples = DEFAULT_REFERENCE_SAMPLES if chosen == "reference" else DEFAULT_SAMPLES
    scenario = scenario_of(args, args.scenario)
    with cluster_client(args) as client:
        result = simulate(scenario, samples=samples, seed=args.seed, backend=args.backend,
                          threads=args.threads, metrics=args.metrics, client=client,
                          progress=client is not None and not args.json,
                          precision=args.precision)
    if args.json:
        out = result.to_dict()
        if args.model_error:
            out["model_error"] = _model_error_json(result)
        dump_json(out)   # a non-finite statistic is written as null, as in sweep --json
    else:
        _print_run(result, args.metrics, args.model_error)
    return 0
