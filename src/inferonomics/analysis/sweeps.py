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

import functools
import json
import math
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..cluster import connect, runner, spans
from ..cores import backends
from ..errors import ScenarioError
from ..io.scenario import Scenario, load_scenario
from ..io.toml_text import to_toml
from ..jsonable import jsonable
from ..memory import check_fits
from ..model.columns import MOMENT_STATS, parse_stat, quantile_label, split_column
from ..model.constraints import metric_column
from ..model.reference import STATUS_NAMES, STATUS_OK
from ..model.registry import METRIC_BY_NAME, METRIC_NAMES, PARAMETER_BY_PATH, unit_of
from ..sampling.rng import DEFAULT_SEED, SeedLike, normalize_seed
from ..progress import ProgressBar
from ..versions import provenance
from .checkpoint import Checkpoint, grid_digest, missing_ranges
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
CLUSTER_PIECE_BATCHES = 8           # a cluster piece is at most this many core calls' points
REFERENCE_BATCH_POINTS = 16
TABLE_SUFFIXES = (".csv", ".parquet")   # what write() writes
WRITE_ROWS = 1 << 20                # rows per slab when writing a table


def _label_column(labels: tuple) -> np.ndarray:
    """An axis's values as a numpy column: numbers stay numbers; anything else becomes text."""
    if all(_is_number(v) for v in labels):
        kind = np.int64 if all(isinstance(v, int) for v in labels) else np.float64
        return np.array(labels, dtype=kind)
    return _objects([_label_text(v) for v in labels])


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _objects(items: list) -> np.ndarray:
    """A 1-d object array of ``items`` (element by element, so tuples stay elements)."""
    out = np.empty(len(items), dtype=object)
    for j, item in enumerate(items):
        out[j] = item
    return out


def _is_text(col: np.ndarray) -> bool:
    """Whether a column holds text (None where missing), as opposed to numbers or tuples."""
    return col.dtype == object and all(v is None or isinstance(v, str) for v in col)


def _check_sep(sep) -> None:
    if not isinstance(sep, str) or not sep:
        raise ScenarioError("sep", f"must be a non-empty string such as '.' or '__', got {sep!r}")


DIST_KEY = "dist"
UNITLESS_DIST_KEYS = frozenset({"sigma", "lambda", "weights"})
"""Distribution fields without the input's unit (lognormal sigma is in log space; PERT's lambda and
choice weights are pure numbers); every other field (low, high, mode, mean, sd, median, values) is
in the input's unit."""


def _axis_fields(path: str, labels: tuple) -> dict[str, np.ndarray]:
    """An axis's values as table columns, keyed by key path, one entry per value of the axis.

    Numbers and text give one column ``PATH``. An axis with distribution tables among its values
    gives structured columns named by the key paths of what was written: ``PATH.dist`` (the kind,
    text) and one column per field, ``PATH.low``, ``PATH.high``, ... (numbers, NaN where a value
    lacks the field; list fields such as choice's ``values`` and ``weights`` as tuples of
    numbers). Plain values beside the tables stay in ``PATH`` (NaN or None at the tables)."""
    tables = [v for v in labels if isinstance(v, Mapping)]
    if not tables:
        return {path: _label_column(labels)}
    out = {}
    plain = [v for v in labels if not isinstance(v, Mapping)]
    if plain and all(_is_number(v) for v in plain):
        out[path] = np.array([math.nan if isinstance(v, Mapping) else float(v) for v in labels])
    elif plain:   # "max" among batch sizes
        out[path] = _objects([None if isinstance(v, Mapping) else _label_text(v) for v in labels])
    keys = [DIST_KEY] + [k for k in dict.fromkeys(k for t in tables for k in t) if k != DIST_KEY]
    for key in keys:
        got = [v.get(key) if isinstance(v, Mapping) else None for v in labels]
        if key == DIST_KEY:
            out[f"{path}.{key}"] = _objects([None if g is None else str(g) for g in got])
        elif any(isinstance(g, (list, tuple)) for g in got):
            out[f"{path}.{key}"] = _objects([None if g is None else tuple(float(x) for x in g)
                                             for g in got])
        else:
            out[f"{path}.{key}"] = np.array([math.nan if g is None else float(g) for g in got])
    return out


def _axis_info(name: str) -> tuple[str, str]:
    """(unit, description) of an axis column: ``PATH`` or a distribution field ``PATH.KEY``."""
    param = PARAMETER_BY_PATH.get(name)
    if param is not None:
        return param.unit, f"Sweep axis: {param.doc}"
    if name.endswith(".id") and name.count(".") == 1:
        return "", f"Sweep axis: {name.partition('.')[0]} catalog id"
    path, _, key = name.rpartition(".")
    param = PARAMETER_BY_PATH.get(path)
    if key == DIST_KEY:
        return "", f"Sweep axis: the distribution of {path} (empty for a plain value)"
    unit = "" if param is None or key in UNITLESS_DIST_KEYS else param.unit
    return unit, f"Sweep axis: {key} of the distribution of {path}"


STATUS_TEXT = {"memory": "do not fit in memory",
               "latency": "fit but miss the TTFT or TPOT target",
               "non_finite": "ran but gave a figure that overflowed to inf or NaN"}
STAT_TEXT = {"mean": "mean", "std": "standard deviation", "min": "minimum", "max": "maximum"}


def _value_info(name: str) -> tuple[str, str]:
    """(unit, description) of a value column: a feasible or infeasible fraction, ``METRIC_STAT``
    or (deterministic) ``METRIC``; descriptions come from the metric registry."""
    if name == "feasible_fraction":
        return "fraction", ("Share of the point's samples that fit and meet the latency targets; "
                            "the statistics are over these samples")
    if name.startswith("infeasible_") and name.endswith("_fraction") and name not in METRIC_NAMES:
        reason = name[len("infeasible_"):-len("_fraction")]
        return "fraction", (f"Share of the point's samples that "
                            f"{STATUS_TEXT.get(reason, 'are infeasible: ' + reason)}")
    metric, stat = split_column(name)
    m = METRIC_BY_NAME[metric]
    if stat == "value":
        return m.unit, f"{m.description} Every input at its median."
    what = STAT_TEXT.get(stat) or f"{stat[1:]}th percentile"
    return m.unit, f"{m.description} {what.capitalize()} over the point's feasible samples."


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
    first_point: int = 0                 # grid index of the first row (a part of a dataset)

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
        column of labels for display: numbers, or text). Text axes stay small this way: a code per
        point and each label once."""
        out = {}
        for dim, d in zip(self.grid.dims, self._dim_codes(rows)):
            for path, labels in zip(dim.paths, dim.labels):
                out[path] = (d, _label_column(labels))
        return out

    def _dim_codes(self, rows=slice(None)) -> list[np.ndarray]:
        """The value index along every dimension of each point in ``rows``."""
        if not self.grid.dims:
            return []
        return list(np.unravel_index(
            np.arange(self.first_point, self.first_point + self.completed)[rows], self.grid.shape))

    def _axis_fields(self, sep: str = ".") -> list[dict[str, np.ndarray]]:
        """Per dimension, its axes' table columns (:func:`_axis_fields`), names joined by ``sep``."""
        _check_sep(sep)
        out = []
        for dim in self.grid.dims:
            fields = {}
            for path, labels in zip(dim.paths, dim.labels):
                for name, col in _axis_fields(path, labels).items():
                    fields[name.replace(".", sep)] = col
            out.append(fields)
        names = [n for f in out for n in f]
        if len(set(names)) < len(names):
            raise ScenarioError("sep", f"sep={sep!r} gives two axis columns the same name: "
                                + ", ".join(names))
        return out

    def _axis_table(self, rows=slice(None), sep: str = ".") -> dict[str, tuple[np.ndarray,
                                                                              np.ndarray]]:
        """Per axis column of the table: (each point's value index, the column's value per axis
        value). Distribution-valued axes give structured columns (see :func:`_axis_fields`)."""
        codes = self._dim_codes(rows)
        return {name: (codes[d], col) for d, fields in enumerate(self._axis_fields(sep))
                for name, col in fields.items()}

    def axis_columns(self, rows=slice(None)) -> dict[str, np.ndarray]:
        """One column per axis (key path) with each point's value as a label for display (a
        distribution table as one piece of text; :meth:`columns` has them as structured columns)."""
        return {path: labels[codes] for path, (codes, labels) in self.axis_codes(rows).items()}

    def stat_names(self) -> tuple[str, ...]:
        if self.deterministic:
            return ("value",)
        return MOMENT_STATS + tuple(quantile_label(q) for q in self.quantiles)

    def _fraction_columns(self, rows=slice(None)) -> dict[str, np.ndarray]:
        status = self.status[rows]
        total = np.maximum(status.sum(axis=1), 1)
        out = {"feasible_fraction": status[:, STATUS_OK] / total}
        for k in sorted(STATUS_NAMES):
            if k != STATUS_OK:
                out[f"infeasible_{STATUS_NAMES[k]}_fraction"] = status[:, k] / total
        return out

    def _value_columns(self, rows=slice(None)) -> dict[str, np.ndarray]:
        out = self._fraction_columns(rows)
        for metric in self.metrics:
            for stat in self.stat_names():
                name = metric if self.deterministic else f"{metric}_{stat}"
                out[name] = self.column(metric, stat if stat != "value" else "p50", rows)
        return out

    def columns(self, rows=slice(None)) -> dict[str, np.ndarray]:
        """The table (of ``rows``, default all): axis columns (structured for distribution-valued
        axes: ``PATH.dist``, ``PATH.low``, ...), ``feasible_fraction``, the infeasible fractions
        by reason, then ``METRIC_STAT`` for every kept metric (``METRIC`` alone in a
        deterministic sweep)."""
        out = {name: col[codes] for name, (codes, col) in self._axis_table(rows).items()}
        out.update(self._value_columns(rows))
        return out

    def units(self) -> dict[str, str]:
        """The unit of every column of the table ("fraction" for the feasible and infeasible
        shares, "" where it has none)."""
        return {name: unit for name, (unit, _) in self._column_info().items()}

    def _column_info(self, sep: str = ".") -> dict[str, tuple[str, str]]:
        """(unit, description) of every column of the table, named with ``sep``: axis columns
        from the input registry, value columns from the metric registry."""
        out = {}
        for dim in self.grid.dims:
            for path, labels in zip(dim.paths, dim.labels):
                for name in _axis_fields(path, labels):
                    out[name.replace(".", sep)] = _axis_info(name)
        for name in self._value_columns(slice(0, 0)):
            out[name] = _value_info(name)
        return out

    def metadata(self) -> dict[str, Any]:
        """How the table was made: package and contract versions, scenario, mode, samples, seed,
        backend, axes, and each column's unit and description (attached to pandas, xarray and
        Parquet outputs)."""
        return self._metadata()

    def _metadata(self, sep: str = ".") -> dict[str, Any]:
        info = self._column_info(sep)
        return {**provenance(), "scenario": self.scenario.name, "backend": self.backend,
                "mode": "deterministic" if self.deterministic else "monte-carlo",
                "samples_per_point": self.samples, "seed": self.seed,
                "axes": [list(d.paths) for d in self.grid.dims],
                "price_basis": self.grid.price_bases(),
                "units": {k: u for k, (u, _) in info.items()},
                "descriptions": {k: d for k, (_, d) in info.items()}}

    def to_pandas(self, tidy: bool = False, *, sep: str = "."):
        """The table as a pandas DataFrame, one row per grid point; text axes are categorical.
        ``frame.attrs`` holds :meth:`metadata` (units and descriptions keyed by column).

        Axis columns are named by their key paths (``workload.batch``), reached by item access:
        ``frame["workload.batch"]`` (or ``frame.query("`workload.batch` > 8")``); a dot stops
        attribute access and ``itertuples`` names. ``sep`` joins a key path's parts instead, as in
        :func:`pandas.json_normalize`: ``sep="__"`` gives ``frame.workload__batch``. A
        distribution-valued axis has structured columns, ``PATH.dist`` and one per field
        (``PATH.low``, ``PATH.high``, ...: numbers, NaN where a value lacks the field; choice's
        ``values`` and ``weights`` as tuples); plain numbers beside the tables stay in ``PATH``.

        With ``tidy=True``, the long form for grouping and plotting: one row per grid point,
        metric and statistic, with columns for the axes, the point's feasible and infeasible
        fractions, ``metric``, ``stat`` (``mean``, ``p50``, ...; ``value`` in a deterministic
        sweep), ``value`` and ``unit``."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'inferonomics[pandas]'") from None
        data = {}
        for name, (codes, col) in self._axis_table(sep=sep).items():
            if _is_text(col):   # categories in the scenario's order, each once; None: missing
                categories = list(dict.fromkeys(v for v in col if v is not None))
                remap = np.array([-1 if v is None else categories.index(v) for v in col])
                data[name] = pd.Categorical.from_codes(remap[codes], categories=categories)
            else:
                data[name] = col[codes]
        per_point = list(data) + list(self._fraction_columns(slice(0, 0)))   # tidy id columns
        data.update(self._value_columns())
        frame = pd.DataFrame(data)
        if tidy:
            frame = frame.melt(id_vars=per_point, var_name="column", value_name="value")
            split = [split_column(c) for c in frame["column"]]
            frame.insert(len(per_point), "metric", pd.Categorical([m for m, _ in split],
                                                                  categories=list(self.metrics)))
            frame.insert(len(per_point) + 1, "stat", [st for _, st in split])
            frame["unit"] = [unit_of(m) for m, _ in split]
            frame = frame.drop(columns="column")
        frame.attrs.update(self._metadata(sep))
        return frame

    def to_xarray(self, *, sep: str = "."):
        """The sweep as an :class:`xarray.Dataset` with one dimension per sweep dimension.

        Dimensions are named by their first axis's key path (``sep`` joins its parts, as in
        :meth:`to_pandas`: dotted names are reached by item access, ``ds["workload.batch"]``;
        ``sep="__"`` gives ``ds.workload__batch``). An axis zipped with it is a non-index
        coordinate along the same dimension; a distribution-valued axis is structured
        coordinates (``PATH.dist``, ``PATH.low``, ...) along its dimension, which then has no
        index when the axis comes first in the zip.

        Data variables, each with ``units`` and ``description`` attributes from the registries:

        * ``feasible_fraction`` and ``infeasible_REASON_fraction`` per point;
        * Monte Carlo: ``METRIC`` over the grid and ``quantile`` (the kept quantiles as numbers in
          [0, 1], as :meth:`xarray.DataArray.quantile` names them: ``ds.tpot_s.sel(quantile=0.95)``)
          and ``METRIC_stats`` over the grid and ``stat`` (``mean``, ``std``, ``min``, ``max``),
          all over the point's feasible samples, NaN where it has none;
        * deterministic: ``METRIC`` over the grid (every input at its median).

        ``ds.attrs`` records how it was made, as Parquet files do: versions, scenario name and
        TOML text, mode, samples per point, seed, backend and the axes (JSON text, as netCDF
        attributes are flat). An interrupted sweep has no array shape: use :meth:`to_pandas`."""
        try:
            import xarray as xr
        except ImportError:
            raise ImportError("to_xarray() needs xarray: pip install 'inferonomics[xarray]'") from None
        if self.interrupted:
            raise ScenarioError("sweep", f"the sweep was interrupted after {self.completed:,} of "
                                f"{self.grid.size:,} points; a partial grid has no array shape "
                                "(use to_pandas())")
        info = self._column_info(sep)

        def attrs(name):
            unit, description = info[name]
            return {"units": unit, "description": description}

        dims = [d.name.replace(".", sep) for d in self.grid.dims]
        coords = {name: (dim, col, attrs(name))
                  for dim, fields in zip(dims, self._axis_fields(sep))
                  for name, col in fields.items()}
        shape = self.grid.shape
        data = {name: (dims, col.reshape(shape), attrs(name))
                for name, col in self._fraction_columns().items()}
        for metric in self.metrics:
            unit = unit_of(metric)
            description = METRIC_BY_NAME[metric].description
            if self.deterministic:
                data[metric] = (dims, self.column(metric, "p50").reshape(shape),
                                {"units": unit, "description": description
                                 + " Every input at its median."})
                continue
            qs = np.stack([self.column(metric, quantile_label(q)) for q in self.quantiles], -1)
            data[metric] = (dims + ["quantile"], qs.reshape(shape + (len(self.quantiles),)),
                            {"units": unit, "description": description
                             + " Quantiles over the point's feasible samples."})
            st = np.stack([self.column(metric, s) for s in MOMENT_STATS], -1)
            data[f"{metric}_stats"] = (dims + ["stat"], st.reshape(shape + (len(MOMENT_STATS),)),
                                       {"units": unit, "description": description
                                        + " Statistics over the point's feasible samples."})
        if not self.deterministic:
            coords["quantile"] = ("quantile", np.array(self.quantiles),
                                  {"units": "", "description": "Probability of the quantile"})
            coords["stat"] = ("stat", np.array(MOMENT_STATS),
                              {"description": "Statistic over the point's feasible samples"})
        meta = {k: v for k, v in self.file_metadata().items()
                if k not in ("units", "descriptions", "complete", "rows", "grid_points")}
        meta["axes"] = json.dumps(meta["axes"])   # netCDF attributes are flat
        meta["price_basis"] = json.dumps(meta["price_basis"])
        meta = {k: v for k, v in meta.items() if v is not None}
        return xr.Dataset(data, coords=coords, attrs=meta)

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
                "rows": self.completed, "first_point": self.first_point,
                "grid_points": self.grid.size, "scenario_toml": scenario_text}

    def _write_table(self, target: Path, suffix: str, meta: str) -> None:
        try:
            import pyarrow as pa
        except ImportError:
            if suffix == ".parquet":
                raise ImportError("writing Parquet needs pyarrow: pip install "
                                  "'inferonomics[parquet]'") from None
            frame = self.to_pandas()
            for name, (_, col) in self._axis_table(slice(0, 0)).items():
                if col.dtype == object and not _is_text(col):   # tuples: JSON lists, as below
                    frame[name] = [None if v is None else json.dumps(list(v)) for v in frame[name]]
            frame.to_csv(target, index=False)
            return
        writer = None
        try:
            for start in range(0, max(self.completed, 1), WRITE_ROWS):
                rows = slice(start, min(start + WRITE_ROWS, self.completed))
                arrays = {}
                for name, (codes, col) in self._axis_table(rows).items():
                    arrays[name] = _arrow_axis_column(pa, codes, col, csv=suffix == ".csv")
                # CSV has no NaN: a statistic with no feasible sample is an empty cell there.
                arrays.update({k: pa.array(np.ascontiguousarray(v), from_pandas=suffix == ".csv")
                               for k, v in self._value_columns(rows).items()})
                table = pa.table(arrays)
                if writer is None:
                    if suffix == ".parquet":
                        import pyarrow.parquet as pq

                        # Each field carries its unit and description, so a reader of one column
                        # (pq.read_schema(path).field(name).metadata) need not parse the JSON.
                        info = self._column_info()
                        fields = [f.with_metadata({"unit": info[f.name][0],
                                                   "description": info[f.name][1]})
                                  for f in table.schema]
                        writer = pq.ParquetWriter(target, pa.schema(
                            fields, metadata={b"inferonomics": meta.encode()}))
                    else:
                        import pyarrow.csv as pcsv

                        writer = pcsv.CSVWriter(target, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    def to_dict(self, rows: Sequence[int] | None = None) -> dict[str, Any]:
        """A JSON-friendly summary of the run, with the given rows of the table."""
        out = {k: v for k, v in self.metadata().items() if k not in ("units", "descriptions")}
        out.update(grid_points=self.grid.size, completed=self.completed,
                   interrupted=self.interrupted)
        if rows is not None:
            rows = np.asarray(rows, dtype=np.int64)
            columns = self.columns(rows)
            out["rows"] = [{k: jsonable(v[j]) for k, v in columns.items()}
                           for j in range(rows.size)]
        return out


def _arrow_axis_column(pa, codes: np.ndarray, col: np.ndarray, csv: bool):
    """An axis column of ``_axis_table`` as an Arrow array: text dictionary-encoded (each label
    once; plain text for CSV), tuples as lists of numbers (JSON text for CSV, which has no nested
    values), numbers as numbers with NaN (a field a value lacks) as null."""
    if _is_text(col):
        labels = list(dict.fromkeys(v for v in col if v is not None))
        remap = np.array([-1 if v is None else labels.index(v) for v in col], dtype=np.int32)
        indices = remap[codes]
        array = pa.DictionaryArray.from_arrays(pa.array(indices, mask=indices < 0),
                                               pa.array(labels, type=pa.string()))
        return array.cast(pa.string()) if csv else array
    if col.dtype == object:
        if csv:
            return pa.array([None if v is None else json.dumps(list(v)) for v in col[codes]],
                            type=pa.string())
        return pa.array([None if v is None else list(v) for v in col[codes]],
                        type=pa.list_(pa.float64()))
    return pa.array(col[codes], from_pandas=True)


class TableWriteError(ScenarioError):
    """A table could not be written (disk full, no permission): the results are still in memory."""


def _write_atomically(path: Path, write) -> None:
    """``write(tmp)`` to a temporary file beside ``path``, then rename it over ``path``; on any
    failure the temporary file goes and ``path`` is untouched."""
    # A unique name (mkstemp), not one from the pid: on a shared filesystem two hosts (a piece
    # and its retry) may write the same part at once.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
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


def sweep(scenario: Scenario | Mapping | str, samples: int | None = None, seed: SeedLike = DEFAULT_SEED,
          *, deterministic: bool = False, quantiles: Sequence[float] = DEFAULT_QUANTILES,
          backend: str = "auto", threads: int | None = None, max_points: int | None = None,
          metrics: Sequence[str] | None = None, progress: bool = False, client: Any = None,
          checkpoint: str | os.PathLike | None = None, resume: bool = False) -> SweepResult:
    """Evaluate every grid point of a scenario's sweep axes.

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario whose lists are sweep axes (``[sweep] zip`` ties axes together).
    samples : int or None
        Monte Carlo samples per grid point (default 10,000; at most 2**30). Every point uses sample
        indices 0 .. samples-1 of the same seed: common random numbers.
    seed : int, SeedSequence, Generator or None
        As in :func:`~inferonomics.simulate` (default 0).
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
    client : dask.distributed.Client or str, optional
        Run on a Dask cluster (``pip install "inferonomics[dask]"``; a client or a scheduler
        address): grid-point ranges go to the workers, each running the native core on its range,
        and come back in order. The table is the one a local run gives, to the bit. ``threads``
        does not apply: each worker uses its own threads (``dask worker --nthreads``).
    checkpoint : path, optional
        A directory where finished point ranges are saved as they complete. If the run stops (a
        crash, a kill, Ctrl-C), calling again with ``resume=True`` computes only the points not
        saved; the table is the one of an uninterrupted run. A checkpoint of another sweep
        (scenario, grid, seed, samples, quantiles, metrics or backend) is refused.
    resume : bool
        Continue from ``checkpoint`` (refused without one; without ``resume``, an existing
        checkpoint is refused rather than overwritten).
    """

    scenario, grid, spec, chosen, threads, batch = prepare(
        scenario, samples, seed, deterministic, quantiles, backend, threads, max_points, metrics,
        client)
    samples, seed, qs, kept = spec.samples, spec.seed, spec.quantiles, spec.kept
    n = grid.size
    check_fits(n * spec.bytes_per_point(), "sweep", f"the table of {n:,} grid points",
               "keep fewer metrics (metrics= / --metrics) or quantiles, or shorten an axis")
    rows = _Rows(spec, n, batch)
    have = np.zeros(n, dtype=bool)
    saved = None
    if checkpoint is not None:
        saved = Checkpoint(checkpoint, _description(grid, spec, chosen.name), resume)
        for start, stop, arrays in saved.finished(n):
            rows.put(start, stop, arrays, f"the checkpoint part {start}..{stop - 1}")
            have[start:stop] = True
    elif resume:
        raise ScenarioError("resume", "resuming needs the checkpoint to resume from "
                            "(checkpoint=DIR; the CLI keeps one beside --out)")
    interrupted, core_s = False, 0.0
    todo = missing_ranges(have, batch)
    bar = ProgressBar(sum(b - a for a, b in todo), progress)
    try:
        if client is None:
            for start, stop in todo:
                t0 = time.perf_counter()
                rows.compute(chosen, grid, start, stop, threads)
                core_s += time.perf_counter() - t0
                if saved is not None:
                    saved.save(start, stop, rows.view(start, stop))
                have[start:stop] = True
                bar.update(stop - start)
        else:
            with connect.connected(client) as c:
                size = spans.piece_points(int(n - have.sum()), batch * CLUSTER_PIECE_BATCHES,
                                          connect.worker_threads(c))
                t0 = time.perf_counter()
                try:
                    for start, stop, arrays in runner.point_pieces(
                            c, missing_ranges(have, size), chosen.name, grid,
                            functools.partial(compute_rows, spec)):
                        rows.put(start, stop, arrays, f"the cluster's piece {start}..{stop - 1}")
                        if saved is not None:
                            saved.save(start, stop, arrays)
                        have[start:stop] = True
                        bar.update(stop - start)
                finally:
                    core_s += time.perf_counter() - t0
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    done = int(np.argmin(have)) if not have.all() else n
    interrupted = done < n   # a Ctrl-C after the last piece interrupts nothing
    if interrupted:
        kept_text = (f"; the {int(have.sum()):,} finished are in the checkpoint {checkpoint}: "
                     "resume to finish" if saved is not None else "")
        warnings.warn(f"sweep interrupted: keeping the {done:,} of {n:,} grid points finished"
                      f"{kept_text}", RuntimeWarning, stacklevel=2)
    status, moments, qvalues, values = rows.result(done)
    return SweepResult(
        grid=grid, deterministic=deterministic, samples=samples, seed=seed, backend=chosen.name,
        quantiles=() if deterministic else qs, completed=done, interrupted=interrupted,
        core_seconds=core_s, metrics=kept, status=status, moments=moments,
        quantile_values=qvalues, values=values)


def prepare(scenario, samples, seed, deterministic, quantiles, backend, threads, max_points,
            metrics, client):
    """The checks of :func:`sweep`'s arguments, before anything runs: ``(scenario, grid, spec,
    backend, threads, batch)``, ``batch`` the points of one core call on this machine."""
    scenario = load_scenario(scenario)
    threads = backends.check_threads(threads)
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
        seed = None   # nothing is drawn: the table records no seed
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
    if client is not None:
        connect.require_native(chosen.name)
    spec = _Spec(deterministic, samples, seed, qs, kept)
    if deterministic:
        batch = REFERENCE_BATCH_POINTS if chosen.name == "reference" else BATCH_POINTS
    else:
        batch = 1 if chosen.name == "reference" else max(1, BATCH_SAMPLES // samples)
    return scenario, grid, spec, chosen, threads, batch


@dataclass(frozen=True)
class _Spec:
    """What each grid point of a sweep computes."""

    deterministic: bool
    samples: int | None
    seed: int | None
    quantiles: tuple[float, ...]
    kept: tuple[str, ...]

    @property
    def everything(self) -> bool:
        return len(self.kept) == len(METRIC_NAMES)

    @property
    def columns(self) -> np.ndarray:
        return np.array([METRIC_NAMES.index(m) for m in self.kept])

    def bytes_per_point(self) -> int:
        per_point = len(STATUS_NAMES) + (1 + len(METRIC_NAMES) if self.deterministic
                                         else len(self.kept) * (backends.N_MOMENTS
                                                                + len(self.quantiles)))
        return per_point * 8


class _Rows:
    """The table's arrays for ``n`` grid points while a sweep fills them, range by range: computed
    here (:meth:`compute`) or elsewhere and copied in (:meth:`put`, what :meth:`view` gives)."""

    def __init__(self, spec: _Spec, n: int, batch: int):
        self.spec = spec
        self.status = np.zeros((n, len(STATUS_NAMES)), dtype=np.int64)
        self.outputs = self.values = self.codes = self.buffer = self.moments = self.qvalues = None
        if spec.deterministic and spec.everything:
            # the cores write straight into the table: status code, then every metric
            self.outputs = np.empty((n, 1 + len(METRIC_NAMES)))
        elif spec.deterministic:   # through one reused batch buffer into the kept columns
            self.buffer = np.empty((min(batch, n), 1 + len(METRIC_NAMES)))
            self.values = np.empty((n, len(spec.kept)))
            self.codes = np.empty(n, dtype=np.int8)
        else:
            self.moments = np.empty((n, len(spec.kept), backends.N_MOMENTS))
            self.qvalues = np.empty((n, len(spec.kept), len(spec.quantiles)))

    def compute(self, chosen, grid, start: int, stop: int, threads: int, offset: int = 0) -> None:
        """Grid points ``start .. stop-1`` into rows ``start - offset ..``."""
        spec, lo, hi = self.spec, start - offset, stop - offset
        if spec.deterministic and spec.everything:
            chosen.sweep_evaluate(grid, start, stop, threads, self.outputs[lo:hi])
        elif spec.deterministic:
            for a in range(start, stop, len(self.buffer)):
                b = min(a + len(self.buffer), stop)
                out = chosen.sweep_evaluate(grid, a, b, threads, self.buffer[:b - a])
                self.codes[a - offset:b - offset] = out[:, 0]
                self.values[a - offset:b - offset] = out[:, 1 + spec.columns]
        else:
            s, mo, qv = chosen.sweep_simulate(grid, spec.seed, spec.samples,
                                              backends.CHUNK_SAMPLES, np.array(spec.quantiles),
                                              start, stop, threads)
            self.status[lo:hi] = s
            self.moments[lo:hi] = mo if spec.everything else mo[:, spec.columns]
            self.qvalues[lo:hi] = qv if spec.everything else qv[:, spec.columns]

    def view(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """The rows of points ``start .. stop-1``, by array name."""
        names = (("outputs",) if self.outputs is not None else ("codes", "values")
                 if self.values is not None else ("status", "moments", "qvalues"))
        return {name: getattr(self, name)[start:stop] for name in names}

    def put(self, start: int, stop: int, arrays: dict[str, np.ndarray], where: str) -> None:
        """Copy rows of points ``start .. stop-1`` from :meth:`view` of the same spec, computed
        elsewhere (``where``, for the error): exactly its arrays, dtypes and shapes, status codes
        among the known ones, or a ScenarioError before anything is copied."""
        expected = self.view(start, stop)
        if set(arrays) != set(expected):
            raise ScenarioError("checkpoint", f"{where} holds {sorted(arrays)}, not this sweep's "
                                f"{sorted(expected)}; delete it to compute its points again")
        for name, want in expected.items():
            got = arrays[name]
            if not isinstance(got, np.ndarray) or got.dtype != want.dtype or \
                    got.shape != want.shape:
                raise ScenarioError("checkpoint", f"{where}: {name} is "
                                    f"{getattr(got, 'dtype', type(got).__name__)}"
                                    f"{getattr(got, 'shape', '')}, not {want.dtype}{want.shape}; "
                                    "delete it to compute its points again")
        codes = arrays.get("codes", arrays["outputs"][:, 0] if "outputs" in arrays else None)
        if codes is not None and not np.isin(codes, list(STATUS_NAMES)).all():
            raise ScenarioError("checkpoint", f"{where} holds unknown status codes; delete it to "
                                "compute its points again")
        for name, want in expected.items():
            want[...] = arrays[name]

    def result(self, done: int):
        """``(status, moments, quantile values, values)`` of the first ``done`` points."""
        if self.spec.deterministic:
            if self.outputs is not None:
                values, codes = self.outputs[:done, 1:], self.outputs[:done, 0]
            else:
                values, codes = self.values[:done], self.codes[:done]
            self.status[np.arange(done), codes.astype(np.int64)] = 1
            return self.status[:done], None, None, values
        return self.status[:done], self.moments[:done], self.qvalues[:done], None


def compute_rows(spec: _Spec, chosen, grid, start: int, stop: int, threads: int) -> dict:
    """Grid points ``start .. stop-1`` as fresh rows (what a cluster worker sends back)."""
    rows = _Rows(spec, stop - start, BATCH_POINTS)
    rows.compute(chosen, grid, start, stop, threads, offset=start)
    return rows.view(0, stop - start)


def _description(grid: Grid, spec: _Spec, backend: str) -> dict[str, Any]:
    """What a checkpoint records of the sweep it belongs to (compared on resume)."""
    try:
        scenario_text = to_toml(grid.scenario.raw)
    except (TypeError, ValueError):
        scenario_text = None
    # The backend: the reference's moments differ from the cores' in the last bits.
    return {"scenario_toml": scenario_text, "grid_sha256": grid_digest(grid),
            "grid_points": grid.size, "deterministic": spec.deterministic,
            "samples": spec.samples, "seed": None if spec.seed is None else str(spec.seed),
            "quantiles": [] if spec.deterministic else list(spec.quantiles),
            "metrics": list(spec.kept), "backend": backend, **provenance()}


__all__ = ["SweepResult", "sweep", "quantile_label", "parse_stat", "split_column"]
