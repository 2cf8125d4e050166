"""Command line: ``inferonomics run | catalog``.

Errors in the user's input print one line on stderr and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

from . import backends, catalog
from .api import simulate
from .backends import BACKENDS
from .errors import InferonomicsError

EXIT_USAGE = 2
DEFAULT_SAMPLES = 1_000_000          # a native core does this in a fraction of a second
DEFAULT_REFERENCE_SAMPLES = 10_000   # the pure-Python reference does about 20,000 per second

METRIC_UNITS = {
    "ttft_s": "s", "tpot_s": "s", "e2e_s": "s", "tokens_per_s": "tok/s",
    "tokens_per_s_per_device": "tok/s", "usd_per_mtok": "USD/Mtok", "usd_per_mtok_input": "USD/Mtok",
    "usd_per_mtok_output": "USD/Mtok", "joules_per_token": "J/tok", "kwh_per_mtok": "kWh/Mtok",
    "gco2_per_mtok": "gCO2e/Mtok", "power_w_per_device": "W", "weight_gb_per_device": "GB",
    "kv_gb_per_device": "GB", "memory_used_fraction": "", "prefill_s": "s", "decode_step_s": "s",
    "batch": "seq", "max_batch": "seq", "decode_compute_bound": "fraction",
}
TABLE_METRICS = ("ttft_s", "tpot_s", "e2e_s", "tokens_per_s", "tokens_per_s_per_device",
                 "usd_per_mtok", "usd_per_mtok_input", "usd_per_mtok_output", "joules_per_token",
                 "kwh_per_mtok", "gco2_per_mtok", "power_w_per_device", "batch",
                 "memory_used_fraction", "decode_compute_bound")


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
                     METRIC_UNITS[name]))
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
    """NaN (a case where nothing fits) as JSON null, recursively."""
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _json_default(x):  # pragma: no cover - only numpy scalars reach here
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
    from . import validation

    report = validation.validate(samples=args.samples, seed=args.seed)
    if args.plot:
        from .plots import plot_validation

        plot_validation(report, args.plot)
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
