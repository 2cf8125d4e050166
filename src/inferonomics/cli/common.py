"""What the commands share: exit status, default sample counts, table and JSON output, argparse
types, and the options several commands take (--set and --catalog; --samples, --seed, --backend,
--threads)."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import shutil
import sys
import tempfile
import tomllib

from pathlib import Path

from ..analysis.sweeps import TABLE_SUFFIXES
from ..cluster import connect
from ..cores.backends import BACKENDS
from ..errors import InferonomicsError, printable
from ..io.scenario import load_scenario
from ..jsonable import jsonable
from ..plots.figure import check_chart_path, check_destination
from ..sampling.rng import DEFAULT_SEED

EXIT_USAGE = 2
STDOUT = "-"
"""An output FILE of ``-`` means standard output (for tables: CSV)."""
DEFAULT_SAMPLES = 1_000_000          # a native core does this in a fraction of a second
DEFAULT_REFERENCE_SAMPLES = 10_000   # the pure-Python reference does about 20,000 per second
DEFAULT_SWEEP_SAMPLES = 10_000            # per grid point on a native core
DEFAULT_REFERENCE_SWEEP_SAMPLES = 200     # per grid point on the reference
DEFAULT_COMPARE_SAMPLES = 200_000
DEFAULT_PLOT_SAMPLES = 200_000
DEFAULT_PARETO_Y = "tpot_s_p95"


def fmt(x: float) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if x == 0:
        return "0"
    if float(x).is_integer() and abs(x) < 1e7:
        return str(int(x))
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.3e}"
    return f"{x:.4g}"


def interval_cell(stats, missing: str = "no feasible sample") -> str:
    """``p50 [p5, p95]`` of a statistics dict (``stats.describe.statistics``), or ``missing``."""
    if stats is None:
        return missing
    if "p50" not in stats:
        return "inf in every sample"
    return f"{fmt(stats['p50'])} [{fmt(stats['p5'])}, {fmt(stats['p95'])}]"


def print_table(rows, left=(0,)) -> None:
    """Rows of strings as aligned columns (those in ``left`` left-aligned), the first row a header.
    Control characters in a cell (an id or a name from a user's file) are shown escaped."""
    rows = [[printable(cell) for cell in row] for row in rows]
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for j, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if c in left else cell.rjust(w)
                        for c, (cell, w) in enumerate(zip(row, widths))).rstrip())
        if j == 0:
            print("  ".join("-" * w for w in widths))


def cell(x) -> str:
    if isinstance(x, str):
        return x
    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, int):
        return str(x)
    return fmt(float(x))


def print_columns(table: dict, rank: bool = True) -> None:
    names = list(table)
    n = len(table[names[0]]) if names else 0
    rows = [(["#"] if rank else []) + names]
    for i in range(n):
        rows.append(([str(i + 1)] if rank else []) + [cell(table[k][i]) for k in names])
    print_table(rows, left=range(1 + (len(table) - sum(1 for k in names if "." not in k))))


def json_safe(obj):
    return jsonable(obj)


def json_default(x):
    """What jsonable leaves: TOML dates and times (a catalog's ``released = 2024-01-01``), written
    as ISO 8601 text."""
    if isinstance(x, (datetime.date, datetime.time)):
        return x.isoformat()
    raise TypeError(f"{type(x).__name__} is not JSON")  # pragma: no cover - TOML has no other type


def dump_json(obj, indent: int | None = None) -> None:
    """One JSON object on stdout: numpy values as numbers, NaN and infinity as null, dates as ISO
    text."""
    json.dump(json_safe(obj), sys.stdout, allow_nan=False, default=json_default, indent=indent)
    sys.stdout.write("\n")


def write_table_to_stdout(result) -> None:
    """A sweep table as CSV on stdout (``--out -``), through the same writer as a file."""
    with tempfile.TemporaryDirectory(prefix="inferonomics-") as folder:
        path = result.write(Path(folder) / "table.csv")
        sys.stdout.flush()
        with open(path, "rb") as f:
            shutil.copyfileobj(f, sys.stdout.buffer)
        sys.stdout.flush()


def seed(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 2**64), got {text!r}") from None
    return value


def positive_int(text: str) -> int:
    """A positive integer, also written like 1e7 (but not 2.5)."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not number.is_integer() or number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return int(text) if text.strip().lstrip("+").isdigit() else int(number)


def quantile_list(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be numbers in [0, 1] separated by commas, got "
                                         f"{text!r}") from None


def column_list(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def value_range(text: str) -> tuple[float, float]:
    try:
        low, high = (float(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be LOW,HIGH, got {text!r}") from None
    return low, high


def chart_file(text: str) -> Path:
    """--plot/--out FILE of a chart: a known image suffix in an existing folder, checked before
    anything runs."""
    try:
        return check_chart_path(text)
    except InferonomicsError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def table_file(text: str) -> Path | str:
    """--out FILE of a sweep table: .csv or .parquet in an existing folder, or ``-``: CSV on
    stdout."""
    if text == STDOUT:
        return text
    path = Path(text)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise argparse.ArgumentTypeError(f"{path.name}: must end in " + " or ".join(TABLE_SUFFIXES))
    try:
        return check_destination(path)
    except InferonomicsError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def assignments(items: list[str], option: str) -> dict:
    """``PATH=VALUE`` items as ``{path: value}``; a value is read as TOML (``8``, ``[1, 2]``,
    ``{ dist = "uniform", low = 1, high = 2 }``, ``"text"``), or kept as text if it is not TOML."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InferonomicsError(f"{option}: expected PATH=VALUE, got {item!r}")
        try:
            out[key.strip()] = tomllib.loads(f"v = {value.strip()}")["v"]
        except (tomllib.TOMLDecodeError, RecursionError):
            out[key.strip()] = value.strip()
    return out


def scenario_of(args, source):
    """The scenario in file ``source`` with the command line's ``--set PATH=VALUE`` applied."""
    scenario = load_scenario(source)
    changes = assignments(getattr(args, "set", None) or [], "--set")
    return scenario.with_values(changes) if changes else scenario


def chart_filter(ranking) -> dict:
    """The ``mask`` and ``subtitle`` a sweep chart takes from a ranking, so a chart shows the
    points the table ranks (feasible often enough, meeting every constraint) and says so."""
    if not (ranking.constraints or ranking.min_feasible > 0):
        return {"mask": None, "subtitle": "", "limits": {}}
    rules = [str(c) for c in ranking.constraints] + [f"feasible >= {ranking.min_feasible:g}"]
    return {"mask": ranking.eligible, "subtitle": "points meeting: " + ", ".join(rules),
            "limits": {c.column: c.limit for c in ranking.constraints}}


def add_catalog_option(p) -> None:
    p.add_argument("--catalog", action="append", metavar="FILE",
                   help="extra catalog TOML with [hardware.ID] / [models.ID] tables, for this "
                        "command (repeatable)")


def add_scenario_options(p) -> None:
    """--set and --catalog: what every command that reads a scenario takes."""
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="override a scenario value, e.g. workload.batch=16 or "
                        "'hardware.id=\"b200\"' (TOML; repeatable)")
    add_catalog_option(p)


def add_run_options(p, samples_help: str) -> None:
    """--samples (help ``samples_help``), --seed, --backend, --threads, --set and --catalog."""
    p.add_argument("--samples", type=positive_int, default=None, help=samples_help)
    p.add_argument("--seed", type=seed, default=DEFAULT_SEED,
                   help=f"seed of the random stream (default {DEFAULT_SEED}, as in Python)")
    p.add_argument("--backend", default="auto", choices=("auto",) + BACKENDS,
                   help="compute core (default auto: c if built, else numba, else reference)")
    p.add_argument("--threads", type=positive_int, default=None,
                   help="worker threads for native cores (default: all cores)")
    add_scenario_options(p)


def add_cluster_options(p) -> None:
    """--scheduler ADDRESS and --local-cluster N: where a run's pieces go (default: this machine)."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on the Dask cluster of this scheduler (tcp://HOST:8786); workers "
                            'need inferonomics installed (pip install "inferonomics[dask]")')
    where.add_argument("--local-cluster", type=positive_int, metavar="N",
                       help="start a Dask cluster of N single-threaded worker processes on this "
                            "machine and run on it")


@contextlib.contextmanager
def cluster_client(args):
    """The Dask client --scheduler / --local-cluster ask for (None: run here), its dashboard's
    address printed on stderr when it has one."""
    if getattr(args, "scheduler", None) is None and getattr(args, "local_cluster", None) is None:
        yield None
        return
    opened = (connect.connected(args.scheduler) if args.scheduler is not None
              else connect.local_cluster(args.local_cluster))
    with opened as client:
        link = connect.dashboard_link(client)
        threads = connect.worker_threads(client)   # waits for a first worker
        print(f"dask: {len(client.nthreads())} worker(s), {threads} thread(s)"
              + (f"; dashboard {link}" if link else ""), file=sys.stderr)
        yield client


def add_analysis_command(subparsers, name: str, help_text: str, scenario_help: str,
                         samples_help: str, run) -> None:
    """A command that runs one analysis of one scenario (``tco``, ``api``, ``horizon``): the
    scenario, the run options and ``--json``."""
    p = subparsers.add_parser(name, help=help_text)
    p.add_argument("scenario", help=scenario_help)
    add_run_options(p, samples_help)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.set_defaults(func=run)


def analysis_result(args, analysis, default_samples: int) -> dict | None:
    """Run ``analysis`` on the command's scenario and options; its ``to_dict()``, or None once
    printed as JSON (``--json``). The caller prints its tables, after the scenario's name, which
    this prints."""
    result = analysis(scenario_of(args, args.scenario), samples=args.samples or default_samples,
                      seed=args.seed, backend=args.backend, threads=args.threads)
    data = result.to_dict()
    if args.json:
        dump_json(data)
        return None
    print(printable(data["scenario"]))
    return data
