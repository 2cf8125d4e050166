"""A sweep written as a partitioned Parquet dataset, each part by whoever computed it.

:func:`sweep` brings the whole table back to the caller, 8 bytes per point, metric and statistic.
A grid of 10^8 points does not fit there; :func:`sweep_dataset` has each range of points written
as one Parquet file, ``part-START-STOP.parquet``, in a directory, by the worker (or the local
loop) that computed it, and returns only where it is. The parts have the columns and the metadata
of :meth:`SweepResult.write <inferonomics.analysis.sweeps.SweepResult.write>` (plus the part's
``first_point``), so ``pandas.read_parquet(DIR)`` or ``dask.dataframe.read_parquet(DIR)`` reads
the table a local sweep gives, in point order. The directory is its own checkpoint: parts appear
whole (written under a temporary name, then renamed) as they finish, ``_inferonomics.json``
describes the sweep, and ``resume=True`` computes only the missing parts. On a cluster, the
directory must be one path every worker and the client can reach (a shared filesystem).
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..cluster import connect, runner
from ..errors import ScenarioError, printable
from ..io.scenario import Scenario
from ..sampling.rng import DEFAULT_SEED, SeedLike
from ..progress import ProgressBar
from .checkpoint import Checkpoint
from .sweeps import (BATCH_POINTS, DEFAULT_QUANTILES, SweepResult, _description, _Rows, _Spec,
                     prepare)

DESCRIBED_IN = "_inferonomics.json"   # a leading "_": Parquet readers skip it
PART_POINTS_PER_BATCH = 8
"""A part holds this many of a local core call's batches (about 10^6 points deterministic, 1.6 x
10^7 samples Monte Carlo): big enough that a dataset has few files, small enough to be a worker's
short task."""


DATASET_MIN_PARTS = 64
"""A dataset has at least this many parts (fewer points permitting), so up to this many workers
share even a small grid. Part boundaries depend only on the grid and the sweep, never on the
cluster, so a resumed run writes the very parts an interrupted one left unfinished (a piece still
running when a run was cancelled replaces its part with the same rows, never overlaps another)."""


class _Parts(Checkpoint):
    PART = re.compile(r"^part-(\d{12})-(\d{12})\.parquet$")
    WHAT = "dataset"


@dataclass
class SweepDataset:
    """Where :func:`sweep_dataset` wrote the table, and what this call computed."""

    path: Path
    grid_points: int
    parts: int
    computed_points: int       # points computed by this call (the rest were there already)
    seconds: float

    def to_pandas(self):
        """The whole table (every part, in point order) as one pandas DataFrame."""
        import pandas as pd

        return pd.read_parquet(self.path)

    def to_dask(self):
        """The table as a Dask DataFrame, one partition per part: nothing is read until used."""
        import dask.dataframe as dd

        return dd.read_parquet(str(self.path))

    def metadata(self) -> dict[str, Any]:
        """How the table was made (the first part's ``inferonomics`` metadata)."""
        import pyarrow.parquet as pq

        first = min(self.path.glob("part-*.parquet"))
        return json.loads(pq.read_schema(first).metadata[b"inferonomics"])


def write_part(spec: _Spec, directory: str, chosen, grid, start: int, stop: int,
               threads: int) -> dict[str, np.ndarray]:
    """Compute grid points ``start .. stop-1`` and write them as the part file of their range."""
    t0 = time.perf_counter()
    rows = _Rows(spec, stop - start, BATCH_POINTS)
    rows.compute(chosen, grid, start, stop, threads, offset=start)
    status, moments, qvalues, values = rows.result(stop - start)
    part = SweepResult(grid=grid, deterministic=spec.deterministic, samples=spec.samples,
                       seed=spec.seed, backend=chosen.name, quantiles=spec.quantiles,
                       completed=stop - start, interrupted=False,
                       core_seconds=time.perf_counter() - t0, metrics=spec.kept, status=status,
                       moments=moments, quantile_values=qvalues, values=values, first_point=start)
    part.write(Path(directory) / f"part-{start:012d}-{stop:012d}.parquet")
    return {"rows": np.array([stop - start])}


def sweep_dataset(scenario: Scenario | Mapping | str, path: str | os.PathLike,
                  samples: int | None = None, seed: SeedLike = DEFAULT_SEED, *,
                  deterministic: bool = False, quantiles: Sequence[float] = DEFAULT_QUANTILES,
                  backend: str = "auto", threads: int | None = None,
                  max_points: int | None = None, metrics: Sequence[str] | None = None,
                  progress: bool = False, client: Any = None,
                  resume: bool = False) -> SweepDataset:
    """:func:`~inferonomics.analysis.sweeps.sweep`, written to the Parquet dataset ``path`` (a
    directory) part by part instead of returned; memory stays that of one part, whatever the
    grid's size. Arguments as in ``sweep``; ``resume=True`` finishes a dataset an interrupted
    call left, computing only its missing parts (a dataset of another sweep is refused)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ImportError("a sweep dataset is Parquet, which needs pyarrow: pip install "
                          "'inferonomics[parquet]'") from None
    scenario, grid, spec, chosen, threads, batch = prepare(
        scenario, samples, seed, deterministic, quantiles, backend, threads, max_points, metrics,
        client)
    started = time.perf_counter()
    n = grid.size
    per_part = min(batch * PART_POINTS_PER_BATCH, max(1, -(-n // DATASET_MIN_PARTS)))
    directory = _Parts(path, {**_description(grid, spec, chosen.name), "part_points": per_part},
                       resume, described_in=DESCRIBED_IN)
    done = {start: stop for start, stop, _ in directory.parts(n)}
    todo = [(start, min(start + per_part, n)) for start in range(0, n, per_part)
            if done.get(start) != min(start + per_part, n)]
    write = functools.partial(write_part, spec, str(directory.path))
    bar = ProgressBar(sum(b - a for a, b in todo), progress)
    computed = 0
    try:
        if client is None:
            for start, stop in todo:
                write(chosen, grid, start, stop, threads)
                computed += stop - start
                bar.update(stop - start)
        else:
            with connect.connected(client) as c:
                for start, stop, _ in runner.point_pieces(c, todo, chosen.name, grid, write):
                    computed += stop - start
                    bar.update(stop - start)
    except KeyboardInterrupt:
        # Workers write parts in any order: count what is on disk, not what came back.
        warnings.warn(f"sweep interrupted: {len(directory.parts(n))} parts of "
                      f"{-(-n // per_part)} are in {printable(str(directory.path))}; resume to "
                      "finish", RuntimeWarning, stacklevel=2)
        raise
    finally:
        bar.close()
    return SweepDataset(directory.path, n, len(directory.parts(n)), computed,
                        time.perf_counter() - started)


__all__ = ["SweepDataset", "sweep_dataset"]
