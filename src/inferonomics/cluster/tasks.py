"""What runs on a worker: one sample span of a simulation, one point range of a sweep. Each runs
the native core with the worker's own threads and returns only what the client merges."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..cores import backends
from ..cores.encoding import EncodedPlan
from ..model.reference import STATUS_NAMES
from ..stats.summary import SKETCH_BUCKETS


def _threads() -> int:
    """The threads of the worker this runs on (the cores' default outside a worker)."""
    try:
        from distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except (ImportError, ValueError, AttributeError):
        return backends.default_threads()


@dataclass
class SpanPart:
    """A span's share of a summary: status counts, per-chunk moments ``[chunks, N_METRICS, 5]``
    and the sketch's non-zero buckets (flat indices into ``[N_METRICS, SKETCH_BUCKETS]``)."""

    start: int
    stop: int
    status: np.ndarray
    chunk_moments: np.ndarray
    bucket_index: np.ndarray
    bucket_count: np.ndarray


def simulate_span(backend: str, encoded: EncodedPlan, seed: int, start: int, stop: int,
                  fold: np.ndarray, precision: str = "float64") -> SpanPart:
    """Samples ``start .. stop-1`` on this worker's native core (``backend``: "c" or "numba"),
    the model in ``precision``."""
    chosen = backends.get_backend(backend)
    kernel = backends.native_kernel(chosen.name)
    status = np.zeros(len(STATUS_NAMES), dtype=np.int64)
    hist = np.zeros((backends.N_METRICS, SKETCH_BUCKETS), dtype=np.int64)
    moments = backends.run_span(kernel, encoded, seed, start, stop, backends.CHUNK_SAMPLES,
                                _threads(), fold, status, hist, precision=precision)
    flat = hist.reshape(-1)
    nonzero = np.flatnonzero(flat)
    return SpanPart(start, stop, status, moments, nonzero, flat[nonzero])


def sweep_range(backend: str, grid, compute, start: int, stop: int) -> dict[str, np.ndarray]:
    """Grid points ``start .. stop-1`` through ``compute(chosen, grid, start, stop, threads)``,
    which returns the rows' arrays (see :mod:`inferonomics.analysis.sweeps`)."""
    return compute(backends.get_backend(backend), grid, start, stop, _threads())
