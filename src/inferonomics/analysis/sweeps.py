"""Sweeps: a summary of every metric at every point of a scenario's grid, computed in the cores.

:func:`sweep` runs either a Monte Carlo per grid point (the same sample indices and seed at every
point, so points are compared on common random numbers) or one deterministic evaluation per point
(every input at its median). The cores enumerate grid points from their index (see
:mod:`inferonomics.analysis.grid`); Python only hands them batches of point indices, which is where progress
is reported and where Ctrl-C stops a sweep, keeping the points already finished.

A Monte Carlo point's statistics are exactly those :func:`~inferonomics.simulate` gives for the
same configuration, seed and sample count: counts and quantiles bit for bit, moments to rounding.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..cores import backends
from ..errors import ScenarioError
from ..io.scenario import Scenario, load_scenario
from ..io.toml_text import to_toml
from ..jsonable import jsonable
from ..memory import check_fits
from ..model.columns import MOMENT_STATS, parse_stat, quantile_label, split_column
from ..model.constraints import metric_column
from ..model.reference import STATUS_NAMES, STATUS_OK
from ..model.registry import METRIC_NAMES, unit_of
from ..sampling.rng import normalize_seed
from ..versions import provenance
from .grid import Grid, _label_text

DEFAULT_QUANTILES = (0.05, 0.5, 0.95)
MAX_QUANTILES = 16                  # INF_MAX_QUANTILES in the C core
MAX_SAMPLES_PER_POINT = 1 << 30     # INF_MAX_SPAN: the cores' 32-bit histograms
DEFAULT_MAX_POINTS = 50_000_000
"""Grid size allowed when neither ``max_points`` nor ``[sweep] max_points`` says otherwise: the
result keeps 8 bytes per point and column (about 170 bytes per point for a deterministic sweep of
every metric, 1.1 kB for a Monte Carlo one), so this is gigabytes already."""
DETERMINISTIC_STATS = ("value", "p50", "median")
"""What a deterministic sweep's single value answers to: the median-input evaluation."""
BATCH_POINTS = 1 << 17              # deterministic points per core call
BATCH_SAMPLES = 1 << 21             # Monte Carlo samples per core call (points x samples)
REFERENCE_BATCH_POINTS = 16
PROGRESS_DELAY_S = 1.0              # show a progress bar only on runs longer than this
TABLE_SUFFIXES = (".csv", ".parquet")   # what write() writes
WRITE_ROWS = 1 << 20                # rows per slab when writing a table


def _label_column(labels: tuple) -> np.ndarray:
    """An axis's values as a numpy column: numbers stay numbers; anything else becomes text."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in labels):
        kind = np.int64 if all(isinstance(v, int) for v in labels) else np.float64
        return np.array(labels, dtype=kind)
    return np.array([_label_text(v) for v in labels], dtype=object)


@dataclass
class SweepResult:
    """One row per grid point (C order: the last axis varies fastest), ``completed`` rows in all
    (fewer than the grid's size only when the run was interrupted)."""

    grid: Grid
    deterministic: bool
    samples: int | None                  # per point; None for a deterministic sweep
    seed: int | None
    backend: str
    quantiles: tuple[float, ...]
    completed: int
    interrupted: bool
    core_seconds: float                  # wall time inside the cores
    metrics: tuple[str, ...]             # the metrics kept, in METRIC_NAMES order
    status: np.ndarray = field(repr=False)             # int64[completed, 3]: counts by status
    moments: np.ndarray | None = field(repr=False)     # [completed, kept metrics, 5] (Monte Carlo)
    quantile_values: np.ndarray | None = field(repr=False)  # [completed, kept metrics, quantiles]
    values: np.ndarray | None = field(repr=False)      # [completed, kept metrics] (deterministic)

    @property
    def scenario(self) -> Scenario:
        return self.grid.scenario

    @property
    def size(self) -> int:
        return self.completed

    @property
    def feasible_fraction(self) -> np.ndarray:
        return self.status[:, STATUS_OK] / np.maximum(self.status.sum(axis=1), 1)

    def column(self, metric: str, stat: str = "p50", rows=slice(None)) -> np.ndarray:
        """``stat`` of ``metric`` at every grid point (or at ``rows``: a slice or index array), NaN
        where a point has no feasible sample. A deterministic sweep has one value per point,
        whatever ``stat`` asks for."""
        if metric not in METRIC_NAMES:
            split_column(metric)  # raises with the list of metrics
        if metric not in self.metrics:
            raise ScenarioError("metric", f"{metric} was not kept in this sweep (metrics: "
                                + ", ".join(self.metrics) + ")")
        m = self.metrics.index(metric)
        if self.deterministic:
            if stat not in DETERMINISTIC_STATS:
                raise ScenarioError("stat", f"a deterministic sweep has one value per point (every "
                                    f"input at its median), not a {stat}: use the column {metric} "
                                    f"or run a Monte Carlo sweep for {metric}_{stat}")
            return self.values[rows, m]
        want = parse_stat(stat)
        if isinstance(want, float):
            for k, q in enumerate(self.quantiles):
                # Compare labels: "p99.9" parses to 0.9990000000000001, not 0.999.
                if quantile_label(q) == quantile_label(want):
                    return self.quantile_values[rows, m, k]
            raise ScenarioError("stat", f"{stat} was not computed in this sweep (quantiles: "
                                + ", ".join(quantile_label(q) for q in self.quantiles)
                                + "); pass it in quantiles=")
        mom = self.moments[rows, m]
        count = mom[:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            if want == "mean":
                out = mom[:, 1].copy()
            elif want == "std":
                out = np.where(count > 1, np.sqrt(mom[:, 2] / np.maximum(count - 1, 1)), 0.0)
            elif want == "min":
                out = mom[:, 3].copy()
            else:
                out = mom[:, 4].copy()
        out[count == 0] = np.nan
        return out

    def axis_codes(self, rows=slice(None)) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per axis path: (the value index of each point in ``rows``, the axis's values as a
        column). Text axes stay small this way: a code per point and each label once."""
        out = {}
        if not self.grid.dims:
            return out
        index = np.arange(self.completed)[rows]
        digits = np.unravel_index(index, self.grid.shape)
        for dim, d in zip(self.grid.dims, digits):
            for path, labels in zip(dim.paths, dim.labels):
                out[path] = (d, _label_column(labels))
        return out

    def axis_columns(self, rows=slice(None)) -> dict[str, np.ndarray]:
        """One column per axis (key path) with each point's value as written in the scenario."""
        return {path: labels[codes] for path, (codes, labels) in self.axis_codes(rows).items()}

    def stat_names(self) -> tuple[str, ...]:
        if self.deterministic:
            return ("value",)
        return MOMENT_STATS + tuple(quantile_label(q) for q in self.quantiles)

    def _value_columns(self, rows=slice(None)) -> dict[str, np.ndarray]:
        status = self.status[rows]
        total = np.maximum(status.sum(axis=1), 1)
        out = {"feasible_fraction": status[:, STATUS_OK] / total}
        for k in sorted(STATUS_NAMES):
            if k != STATUS_OK:
                out[f"infeasible_{STATUS_NAMES[k]}_fraction"] = status[:, k] / total
        for metric in self.metrics:
            for stat in self.stat_names():
                name = metric if self.deterministic else f"{metric}_{stat}"
                out[name] = self.column(metric, stat if stat != "value" else "p50", rows)
        return out

    def columns(self, rows=slice(None)) -> dict[str, np.ndarray]:
        """The table (of ``rows``, default all): axis columns, ``feasible_fraction``, the
        infeasible fractions by reason, then ``METRIC_STAT`` for every kept metric (``METRIC``
        alone in a deterministic sweep)."""
        out = self.axis_columns(rows)
        out.update(self._value_columns(rows))
        return out

    def units(self) -> dict[str, str]:
        """The unit of every value column ("fraction" for the feasible and infeasible shares)."""
        out = {}
        for name in self._value_columns(slice(0, 0)):
            out[name] = "fraction" if name.endswith("_fraction") and name not in METRIC_NAMES \
                else unit_of(split_column(name)[0])
        return out

    def metadata(self) -> dict[str, Any]:
        """How the table was made: package and contract versions, scenario, mode, samples, seed,
        backend, axes and column units (attached to pandas, xarray and Parquet outputs)."""
        return {**provenance(), "scenario": self.scenario.name, "backend": self.backend,
                "mode": "deterministic" if self.deterministic else "monte-carlo",
                "samples_per_point": self.samples, "seed": self.seed,
                "axes": [list(d.paths) for d in self.grid.dims], "units": self.units()}

    def to_pandas(self, tidy: bool = False):
        """The table as a pandas DataFrame, one row per grid point; text axes are categorical.
        ``frame.attrs`` holds :meth:`metadata`.

        With ``tidy=True``, the long form for grouping and plotting: one row per grid point,
        metric and statistic, with columns for the axes, the point's feasible and infeasible
        fractions, ``metric``, ``stat`` (``mean``, ``p50``, ...; ``value`` in a deterministic
        sweep), ``value`` and ``unit``."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'inferonomics[pandas]'") from None
        data = {}
        for path, (codes, labels) in self.axis_codes().items():
            if labels.dtype == object:   # categories in the scenario's order, each once
                text = [str(v) for v in labels]
                categories = list(dict.fromkeys(text))
                remap = np.array([categories.index(t) for t in text])
                data[path] = pd.Categorical.from_codes(remap[codes], categories=categories)
            else:
                data[path] = labels[codes]
        data.update(self._value_columns())
        frame = pd.DataFrame(data)
        if tidy:
            per_point = [c for c in frame.columns if c in data and
                         (c in self.axis_codes(slice(0, 0)) or c.endswith("_fraction")
                          and c not in METRIC_NAMES)]
            frame = frame.melt(id_vars=per_point, var_name="column", value_name="value")
            split = [split_column(c) for c in frame["column"]]
            frame.insert(len(per_point), "metric", pd.Categorical([m for m, _ in split],
                                                                  categories=list(self.metrics)))
            frame.insert(len(per_point) + 1, "stat", [st for _, st in split])
            frame["unit"] = [unit_of(m) for m, _ in split]
            frame = frame.drop(columns="column")
        frame.attrs.update(self.metadata())
        return frame

    def to_xarray(self):
        """The table as an xarray Dataset with one dimension per sweep dimension (named by its
        first axis; zipped axes are extra coordinates along it)."""
        try:
            import xarray as xr
        except ImportError:
            raise ImportError("to_xarray() needs xarray: pip install 'inferonomics[xarray]'") from None
        if self.interrupted:
            raise ScenarioError("sweep", f"the sweep was interrupted after {self.completed:,} of "
                                f"{self.grid.size:,} points; a partial grid has no array shape "
                                "(use to_pandas())")
        names = [d.name for d in self.grid.dims]
        coords = {}
        for dim in self.grid.dims:
            for path, labels in zip(dim.paths, dim.labels):
                coords[path] = (dim.name, _label_column(labels))
        axis_paths = {p for d in self.grid.dims for p in d.paths}
        data = {name: (names, col.reshape(self.grid.shape))
                for name, col in self.columns().items() if name not in axis_paths}
        meta = self.metadata()
        units = meta.pop("units")
        meta["axes"] = json.dumps(meta["axes"])   # netCDF attributes are flat
        meta = {k: v for k, v in meta.items() if v is not None}
        ds = xr.Dataset(data, coords=coords, attrs=meta)
        for name, unit in units.items():
            if name in ds:
                ds[name].attrs["units"] = unit
        return ds

    def write(self, path: str | Path) -> Path:
        """Write the table as CSV (``.csv``) or Parquet (``.parquet``), :data:`WRITE_ROWS` rows at
        a time so memory stays near the result's own; pyarrow when installed, else pandas (CSV).

        The file appears whole or not at all (written to a temporary file in the same folder, then
        renamed), so an interrupted or failed write never leaves half a table or destroys the
        previous one. It records how it was made (:meth:`file_metadata`: versions, scenario as
        TOML, seed, samples, units, whether the sweep completed): in Parquet's key-value metadata
        under ``inferonomics``; for CSV in a sidecar file ``NAME.csv.json``."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in TABLE_SUFFIXES:
            raise ScenarioError("out", f"must end in .csv or .parquet, got {path.name!r}")
        meta = json.dumps(jsonable(self.file_metadata()), indent=1)
        try:
            if suffix == ".csv":
                _write_atomically(path.with_name(path.name + ".json"),
                                  lambda tmp: tmp.write_text(meta + "\n"))
            _write_atomically(path, lambda tmp: self._write_table(tmp, suffix, meta))
        except OSError as exc:
            raise TableWriteError("out", f"could not write {path}: {exc.strerror or exc}") from None
        return path

    def file_metadata(self) -> dict[str, Any]:
        """:meth:`metadata` plus what a file needs to stand alone: the scenario as TOML text, the
        grid size, the rows written and whether the sweep completed."""
        try:
            scenario_text = to_toml(self.scenario.raw)
        except (TypeError, ValueError):
            scenario_text = None
        return {**self.metadata(), "complete": not self.interrupted,
                "rows": self.completed, "grid_points": self.grid.size,
                "scenario_toml": scenario_text}

    def _write_table(self, target: Path, suffix: str, meta: str) -> None:
        try:
            import pyarrow as pa
        except ImportError:
            if suffix == ".parquet":
                raise ImportError("writing Parquet needs pyarrow: pip install "
                                  "'inferonomics[parquet]'") from None
            self.to_pandas().to_csv(target, index=False)
            return
        writer = None
        try:
            for start in range(0, max(self.completed, 1), WRITE_ROWS):
                rows = slice(start, min(start + WRITE_ROWS, self.completed))
                arrays = {}
                for name, (codes, labels) in self.axis_codes(rows).items():
                    if labels.dtype == object:   # dictionary-encoded text
                        arrays[name] = pa.DictionaryArray.from_arrays(
                            pa.array(codes.astype(np.int32)), pa.array(labels.astype(str)))
                        if suffix == ".csv":
                            arrays[name] = arrays[name].cast(pa.string())
                    else:
                        arrays[name] = pa.array(labels[codes])
                arrays.update({k: pa.array(np.ascontiguousarray(v))
                               for k, v in self._value_columns(rows).items()})
                table = pa.table(arrays)
                if writer is None:
                    if suffix == ".parquet":
                        import pyarrow.parquet as pq

                        writer = pq.ParquetWriter(target, table.schema.with_metadata(
                            {b"inferonomics": meta.encode()}))
                    else:
                        import pyarrow.csv as pcsv

                        writer = pcsv.CSVWriter(target, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    def to_dict(self, rows: Sequence[int] | None = None) -> dict[str, Any]:
        """A JSON-friendly summary of the run, with the given rows of the table."""
        out = {k: v for k, v in self.metadata().items() if k != "units"}
        out.update(grid_points=self.grid.size, completed=self.completed,
                   interrupted=self.interrupted)
        if rows is not None:
            rows = np.asarray(rows, dtype=np.int64)
            columns = self.columns(rows)
            out["rows"] = [{k: jsonable(v[j]) for k, v in columns.items()}
                           for j in range(rows.size)]
        return out


class TableWriteError(ScenarioError):
    """A table could not be written (disk full, no permission): the results are still in memory."""


def _write_atomically(path: Path, write) -> None:
    """``write(tmp)`` to a temporary file beside ``path``, then rename it over ``path``; on any
    failure the temporary file goes and ``path`` is untouched."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _check_quantiles(quantiles) -> tuple[float, ...]:
    try:
        qs = sorted({float(q) for q in quantiles})
    except (TypeError, ValueError):
        raise ScenarioError("quantiles", f"must be a list of numbers in [0, 1], got {quantiles!r}") \
            from None
    if not qs or not all(0.0 <= q <= 1.0 for q in qs):
        raise ScenarioError("quantiles", f"must be numbers in [0, 1], got {quantiles!r}")
    if len(qs) > MAX_QUANTILES:
        raise ScenarioError("quantiles", f"at most {MAX_QUANTILES} quantiles, got {len(qs)}")
    return tuple(qs)


def _check_metrics(metrics) -> tuple[str, ...]:
    if metrics is None:
        return METRIC_NAMES
    if isinstance(metrics, str):
        metrics = [metrics]

    wanted = set()
    for m in metrics:
        metric_column(m, "metrics")
        wanted.add(m)
    if not wanted:
        raise ScenarioError("metrics", "name at least one metric (or None for all)")
    return tuple(m for m in METRIC_NAMES if m in wanted)


class _Progress:
    """A tqdm bar over grid points when tqdm is installed and ``enabled``; tqdm shows it only after
    :data:`PROGRESS_DELAY_S` and only on a terminal."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, unit=" points", delay=PROGRESS_DELAY_S, disable=None,
                            file=sys.stderr, dynamic_ncols=True)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def sweep(scenario: Scenario | Mapping | str, samples: int | None = None, seed: int | None = None,
          *, deterministic: bool = False, quantiles: Sequence[float] = DEFAULT_QUANTILES,
          backend: str = "auto", threads: int | None = None, max_points: int | None = None,
          metrics: Sequence[str] | None = None, progress: bool = False) -> SweepResult:
    """Evaluate every grid point of a scenario's sweep axes.

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario whose lists are sweep axes (``[sweep] zip`` ties axes together).
    samples : int or None
        Monte Carlo samples per grid point (default 10,000; at most 2**30). Every point uses sample
        indices 0 .. samples-1 of the same seed: common random numbers.
    seed : int or None
        As in :func:`~inferonomics.simulate`.
    deterministic : bool
        One evaluation per point with every input at its median instead of a Monte Carlo.
    quantiles : sequence of float
        Quantiles to keep per metric (default p5, p50, p95; at most 16).
    backend, threads
        As in :func:`~inferonomics.simulate`.
    max_points : int or None
        Refuse grids larger than this (default: ``[sweep] max_points`` or 50 million).
    metrics : sequence of str or None
        Metrics to keep (default all); the result holds about 8 bytes per point, metric and
        statistic, so naming the few a question needs keeps a large grid's table small.
    progress : bool
        Show a progress bar (tqdm) on runs longer than a second.
    """

    scenario = load_scenario(scenario)
    backends.check_threads(threads)
    limit = max_points if max_points is not None else (scenario.max_points or DEFAULT_MAX_POINTS)
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1:
        raise ScenarioError("max_points", f"must be a whole number >= 1, got {max_points!r}")
    if scenario.grid_size > limit:
        where = "max_points" if max_points is not None else (
            "sweep.max_points" if scenario.max_points else "max_points")
        raise ScenarioError(where, f"the sweep has {scenario.grid_size:,} grid points, more than "
                            f"the limit of {limit:,}; shorten an axis or raise the limit "
                            "(max_points= / --max-points overrides [sweep] max_points)")
    if deterministic:
        if samples is not None:
            raise ScenarioError("samples", "a deterministic sweep evaluates each point once at the "
                                "inputs' medians; leave samples out")
    else:
        samples = 10_000 if samples is None else samples
        if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or \
                not 1 <= samples <= MAX_SAMPLES_PER_POINT:
            raise ScenarioError("samples", f"must be an integer in [1, {MAX_SAMPLES_PER_POINT}] per "
                                f"grid point, got {samples!r}")
        samples = int(samples)
        seed = normalize_seed(seed)
    qs = _check_quantiles(quantiles)
    kept = _check_metrics(metrics)
    grid = Grid(scenario)
    chosen = backends.get_backend(backend)
    threads = min(threads or backends.default_threads(), backends.MAX_THREADS)

    n = grid.size
    per_point = len(STATUS_NAMES) + (1 + len(METRIC_NAMES) if deterministic
                                     else len(kept) * (backends.N_MOMENTS + len(qs)))
    check_fits(n * per_point * 8, "sweep", f"the table of {n:,} grid points",
               "keep fewer metrics (metrics= / --metrics) or quantiles, or shorten an axis")
    cols = np.array([METRIC_NAMES.index(m) for m in kept])
    everything = len(kept) == len(METRIC_NAMES)
    status = np.zeros((n, len(STATUS_NAMES)), dtype=np.int64)
    outputs = values = moments = qvalues = buffer = None
    if deterministic:
        batch = REFERENCE_BATCH_POINTS if chosen.name == "reference" else BATCH_POINTS
        if everything:   # the cores write straight into the table: status, then the metrics
            outputs = np.empty((n, 1 + len(METRIC_NAMES)))
        else:            # through one reused batch buffer into the kept columns
            buffer = np.empty((batch, 1 + len(METRIC_NAMES)))
            values = np.empty((n, len(kept)))
            codes = np.empty(n, dtype=np.int8)
    else:
        moments = np.empty((n, len(kept), backends.N_MOMENTS))
        qvalues = np.empty((n, len(kept), len(qs)))
        batch = 1 if chosen.name == "reference" else max(1, BATCH_SAMPLES // samples)
    done, interrupted, core_s = 0, False, 0.0
    bar = _Progress(n, progress)
    try:
        while done < n:
            stop = min(done + batch, n)
            t0 = time.perf_counter()
            if deterministic and everything:
                chosen.sweep_evaluate(grid, done, stop, threads, outputs[done:stop])
            elif deterministic:
                out = chosen.sweep_evaluate(grid, done, stop, threads, buffer[:stop - done])
                codes[done:stop] = out[:, 0]
                values[done:stop] = out[:, 1 + cols]
            else:
                s, mo, qv = chosen.sweep_simulate(grid, seed, samples, backends.CHUNK_SAMPLES,
                                                  np.array(qs), done, stop, threads)
                status[done:stop] = s
                moments[done:stop] = mo[:, cols] if not everything else mo
                qvalues[done:stop] = qv[:, cols] if not everything else qv
            core_s += time.perf_counter() - t0
            bar.update(stop - done)
            done = stop
    except KeyboardInterrupt:
        interrupted = True
        warnings.warn(f"sweep interrupted: keeping the {done:,} of {n:,} grid points finished",
                      RuntimeWarning, stacklevel=2)
    finally:
        bar.close()
    if deterministic:
        if everything:
            values, codes = outputs[:done, 1:], outputs[:done, 0]
        status[np.arange(done), codes[:done].astype(np.int64)] = 1
    return SweepResult(
        grid=grid, deterministic=deterministic, samples=samples, seed=seed, backend=chosen.name,
        quantiles=() if deterministic else qs, completed=done, interrupted=interrupted,
        core_seconds=core_s, metrics=kept, status=status[:done],
        moments=None if moments is None else moments[:done],
        quantile_values=None if qvalues is None else qvalues[:done],
        values=None if values is None else values[:done])


__all__ = ["SweepResult", "sweep", "quantile_label", "parse_stat", "split_column"]
