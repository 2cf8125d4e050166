"""Compute backends behind one contract, and the chunked driver the native cores share.

A backend's ``simulate(plan, seed, samples, threads, keep_samples)`` returns the
:class:`~inferonomics.stats.summary.Summary` of samples ``0 .. samples-1`` and, when asked, their inputs and
outputs. The native cores process fixed chunks of :data:`CHUNK_SAMPLES` samples; each chunk's moments
are merged in chunk order and sketch buckets are integer counts, so the result does not depend on
the thread count. Memory is bounded: the driver calls a core on spans of :data:`SPAN_CHUNKS` chunks at
a time and folds each span into the running summary.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import BackendUnavailable, CoreError, ScenarioError
from ..model import reference
from ..model.reference import METRIC_NAMES, OUTPUT_NAMES, STATUS_NAMES
from ..model.registry import INPUT_NAMES, PARAMETERS
from ..sampling.distributions import Choice
from ..stats.summary import (SKETCH_BUCKETS, MetricSummary, QuantileSketch, Summary,
                             bucket_range)
from . import cbinding
from .encoding import (N_INPUTS, N_METRICS, N_OUTPUTS, PRECISIONS, EncodedPlan, encode,
                       output_rows)

CHUNK_SAMPLES = 1 << 16
"""Samples per chunk: the unit of parallel work and of moment accumulation."""
SPAN_CHUNKS = 256
"""Chunks per call into a core (16.7 M samples): bounds the per-chunk moment buffer."""
N_MOMENTS = 5  # count, mean, m2, min, max
MAX_SAMPLES = 10**12
"""Most samples one simulation may ask for."""
MAX_THREADS = 1024
BACKENDS = ("reference", "c", "numba")
AUTO_ORDER = ("c", "numba", "reference")
FLOAT32_MAX = float(np.finfo(np.float32).max)
"""The largest finite float32 (about 3.4e38): past it a float32 run's figure overflows."""
FLOAT32_MIN_NORMAL = float(np.finfo(np.float32).tiny)
"""The smallest normal float32 (about 1.2e-38): below it float32 keeps fewer bits, then none."""


@dataclass
class SampleTable:
    """Per-sample inputs and outputs, one numpy array per column (stored only on request)."""

    index: np.ndarray
    inputs: dict[str, np.ndarray]
    outputs: dict[str, np.ndarray]


def check_precision(precision) -> str:
    """``precision`` if it is one of :data:`PRECISIONS`, else a ScenarioError naming them."""
    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise ScenarioError("precision", f"must be one of {', '.join(PRECISIONS)}, got "
                            f"{precision!r}")
    return precision


def check_float32_inputs(plan, precision: str) -> None:
    """Refuse, before any kernel runs, a float32 run of a plan with an input that can draw a
    value float32 cannot hold: finite magnitudes past FLOAT32_MAX or, other than 0, below its
    smallest normal number (rounded to inf, to 0 or to a few bits, such an input would change the
    figures). An infinite value (no latency target) is held exactly. A choice is checked value by
    value, any other distribution at the ends of its support (a continuous draw from a support
    that starts at 0 could still land below the smallest normal, with negligible probability)."""
    if precision != "float32":
        return
    for param, dist in zip(PARAMETERS, plan.distributions):
        values = ([v for v, w in zip(dist.values, dist.weights) if w > 0]
                  if isinstance(dist, Choice) else dist.support())
        for value in values:
            if value != 0 and math.isfinite(value) and not (
                    FLOAT32_MIN_NORMAL <= abs(value) <= FLOAT32_MAX):
                raise ScenarioError(param.path, f"draws {value:g}, outside what float32 holds "
                                    f"({FLOAT32_MIN_NORMAL:.3g} to {FLOAT32_MAX:.3g} in "
                                    "magnitude, or 0); run with precision float64")


def check_float32_range(status: np.ndarray, precision: str) -> None:
    """Refuse a float32 run in which a sample's figures left float32's range (status non_finite,
    which float64 never gives for inputs in their ranges): its summary would leave those
    samples out, silently."""
    overflowed = int(status[reference.STATUS_NON_FINITE])
    if precision == "float32" and overflowed:
        raise ScenarioError("precision", f"{overflowed:,} of {int(status.sum()):,} samples gave "
                            f"a figure float32 cannot hold (past about {FLOAT32_MAX:.1e}, or a "
                            "division by one that underflowed to 0); run this scenario with "
                            "precision float64")


def check_threads(threads) -> int | None:
    """``threads`` as a Python int (numpy integers accepted), or None; a ScenarioError for anything
    but None or an integer in [1, MAX_THREADS]."""
    if threads is None:
        return None
    if isinstance(threads, (bool, np.bool_)) or not isinstance(threads, (int, np.integer)) \
            or not 1 <= threads <= MAX_THREADS:
        raise ScenarioError("threads", f"must be an integer in [1, {MAX_THREADS}] or None, got "
                            f"{threads!r}")
    return int(threads)


def default_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# ------------------------------------------------------------------------------------------------
# Reference: one sample at a time in Python
# ------------------------------------------------------------------------------------------------

def _reference_simulate(plan, seed, samples, threads, keep_samples, metrics=METRIC_NAMES,
                        precision="float64"):
    if check_precision(precision) != "float64":
        raise ScenarioError("precision", f"{precision} runs on the native cores (backend 'c' or "
                            "'numba'); the reference computes in float64 only")
    summary = Summary.of(metrics)   # refuses an unknown name
    inputs = np.empty((samples, N_INPUTS)) if keep_samples else None
    outputs = np.empty((samples, N_OUTPUTS)) if keep_samples else None
    for i, x, y in reference.simulate(plan.distributions, seed, 0, samples):
        summary.add(y)
        if keep_samples:
            inputs[i] = [x[name] for name in INPUT_NAMES]
            outputs[i] = [getattr(y, name) for name in OUTPUT_NAMES]
    return summary, (_table(0, inputs, outputs) if keep_samples else None)


def _reference_evaluate(inputs: np.ndarray, threads: int,
                        out: np.ndarray | None = None) -> np.ndarray:
    out = output_rows(out, inputs.shape[0], "the reference's evaluate")
    for j, row in enumerate(inputs):
        y = reference.evaluate(**dict(zip(INPUT_NAMES, map(float, row))))
        out[j] = [getattr(y, name) for name in OUTPUT_NAMES]
    return out


def _reference_draw(plan: EncodedPlan, distributions, seed: int, start: int, n: int) -> np.ndarray:
    return np.array([[x[name] for name in INPUT_NAMES] for x in
                     (reference.draw_inputs(distributions, seed, i) for i in range(start, start + n))])


def _reference_sweep_evaluate(grid, start: int, stop: int, threads: int, out=None) -> np.ndarray:
    out = np.empty((stop - start, N_OUTPUTS)) if out is None else out
    for p in range(start, stop):
        medians = {}
        for param, dist in zip(PARAMETERS, grid.distributions(p)):
            x = dist.median()
            medians[param.name] = float(math.floor(x + 0.5)) if param.integer else float(x)
        y = reference.evaluate(**medians)
        out[p - start] = [getattr(y, name) for name in OUTPUT_NAMES]
    return out


def _reference_sweep_simulate(grid, seed, samples, chunk, quantiles, start, stop, threads):
    n = stop - start
    status = np.empty((n, len(STATUS_NAMES)), dtype=np.int64)
    moments = np.empty((n, N_METRICS, N_MOMENTS))
    values = np.empty((n, N_METRICS, len(quantiles)))
    for p in range(start, stop):
        summary = Summary()
        for _, _, y in reference.simulate(grid.distributions(p), seed, 0, samples):
            summary.add(y)
        status[p - start] = [summary.status_counts[STATUS_NAMES[k]] for k in sorted(STATUS_NAMES)]
        for m, name in enumerate(METRIC_NAMES):
            ms = summary.metrics[name]
            moments[p - start, m] = (ms.count, ms.mean, ms.m2, ms.min, ms.max)
            values[p - start, m] = [ms.quantile(q) for q in quantiles]
    return status, moments, values


def _table(start: int, inputs: np.ndarray, outputs: np.ndarray) -> SampleTable:
    return SampleTable(np.arange(start, start + inputs.shape[0]),
                       {name: inputs[:, s] for s, name in enumerate(INPUT_NAMES)},
                       {name: outputs[:, o] for o, name in enumerate(OUTPUT_NAMES)})


# ------------------------------------------------------------------------------------------------
# Native cores: chunked driver
# ------------------------------------------------------------------------------------------------

NativeSimulate = Callable[..., None]
"""``kernel(plan, seed, start, stop, chunk, threads, fold, status, chunk_moments, hist, keep_in,
keep_out)``"""


def merge_chunk_moments(acc: np.ndarray, chunk_moments: np.ndarray) -> None:
    """Fold per-chunk ``(count, mean, m2, min, max)`` rows into ``acc`` (one row per metric), in
    chunk order (Chan, Golub & LeVeque 1979), so the result is independent of how chunks were
    scheduled."""
    for c in range(chunk_moments.shape[0]):
        part = chunk_moments[c]
        nb = part[:, 0]
        take = nb > 0
        if not take.any():
            continue
        na = acc[:, 0]
        n = na + nb
        safe_n = np.where(take, n, 1.0)
        delta = part[:, 1] - acc[:, 1]
        acc[:, 1] = np.where(take, acc[:, 1] + delta * nb / safe_n, acc[:, 1])
        acc[:, 2] = np.where(take, acc[:, 2] + part[:, 2] + delta * delta * na * nb / safe_n, acc[:, 2])
        acc[:, 0] = n
        acc[:, 3] = np.minimum(acc[:, 3], part[:, 3])
        acc[:, 4] = np.maximum(acc[:, 4], part[:, 4])


def native_simulate(kernel: NativeSimulate, plan, seed: int, samples: int, threads: int | None,
                    keep_samples: bool, chunk: int = CHUNK_SAMPLES,
                    span_chunks: int = SPAN_CHUNKS,
                    metrics: tuple[str, ...] = METRIC_NAMES,
                    precision: str = "float64") -> tuple[Summary, SampleTable | None]:
    """Run ``kernel`` over samples ``0 .. samples-1`` span by span and build the summary of
    ``metrics`` (names from :data:`METRIC_NAMES`; the core folds only those), the model computed
    in ``precision``."""
    precision = check_precision(precision)
    encoded = encode(plan.distributions)
    fold = fold_indices(metrics)
    threads = threads or default_threads()
    status = np.zeros(len(STATUS_NAMES), dtype=np.int64)
    hist = np.zeros((N_METRICS, SKETCH_BUCKETS), dtype=np.int64)
    acc = empty_moments()
    keep_in = np.empty((samples, N_INPUTS)) if keep_samples else None
    keep_out = np.empty((samples, N_OUTPUTS)) if keep_samples else None
    span = chunk * span_chunks
    for start in range(0, samples, span):
        stop = min(start + span, samples)
        chunk_moments = run_span(kernel, encoded, seed, start, stop, chunk, threads, fold, status,
                                 hist, None if keep_in is None else keep_in[start:stop],
                                 None if keep_out is None else keep_out[start:stop], precision)
        merge_chunk_moments(acc, chunk_moments)
    check_float32_range(status, precision)
    return summary_from_arrays(status, acc, hist, metrics), (
        _table(0, keep_in, keep_out) if keep_samples else None)


def fold_indices(metrics: tuple[str, ...]) -> np.ndarray:
    """The cores' ``fold`` argument: indices of ``metrics`` in :data:`METRIC_NAMES`, ascending."""
    unknown = [name for name in metrics if name not in METRIC_NAMES]
    if unknown:
        raise ScenarioError("metrics", f"unknown metric {unknown[0]!r}; one of {', '.join(METRIC_NAMES)}")
    return np.array(sorted(METRIC_NAMES.index(name) for name in metrics), dtype=np.int32)


def empty_moments() -> np.ndarray:
    """Moments (count, mean, m2, min, max) per metric of no sample: what chunks merge into."""
    acc = np.zeros((N_METRICS, N_MOMENTS))
    acc[:, 3], acc[:, 4] = np.inf, -np.inf
    return acc


def run_span(kernel: NativeSimulate, encoded: EncodedPlan, seed: int, start: int, stop: int,
             chunk: int, threads: int, fold: np.ndarray, status: np.ndarray, hist: np.ndarray,
             keep_in: np.ndarray | None = None, keep_out: np.ndarray | None = None,
             precision: str = "float64") -> np.ndarray:
    """The sample-span entry point: samples ``start .. stop-1`` (``start`` a multiple of
    ``chunk``, so chunks fall where they fall in a whole run) through ``kernel``, adding to
    ``status`` and ``hist``; returns the span's per-chunk moments, ``[chunks, N_METRICS, 5]``.
    Merged in chunk order with :func:`merge_chunk_moments`, spans computed anywhere (threads,
    processes, machines) give the summary of one run to the bit."""
    if start % chunk:
        raise ValueError(f"a span starts on a chunk boundary (a multiple of {chunk}), not {start}")
    n_chunks = -(-(stop - start) // chunk)
    chunk_moments = np.zeros((n_chunks, N_METRICS, N_MOMENTS))
    kernel(encoded, seed, start, stop, chunk, threads, fold, status, chunk_moments, hist,
           keep_in, keep_out, precision)
    return chunk_moments


def summary_from_arrays(status: np.ndarray, moments: np.ndarray, hist: np.ndarray,
                        metrics: tuple[str, ...] = METRIC_NAMES) -> Summary:
    """The summary of ``metrics`` from a core's arrays (one row per metric of METRIC_NAMES)."""
    summary = Summary.of(metrics)
    summary.status_counts = {STATUS_NAMES[k]: int(status[k]) for k in sorted(STATUS_NAMES)}
    for name in metrics:
        m = METRIC_NAMES.index(name)
        count = int(moments[m, 0])
        low, high = float(moments[m, 3]), float(moments[m, 4])
        summary.metrics[name] = MetricSummary(
            count=count, mean=float(moments[m, 1]), m2=float(moments[m, 2]), min=low, max=high,
            sketch=_sketch_between(hist[m], count, low, high, name))
    return summary


def _sketch_between(counts: np.ndarray, count: int, low: float, high: float,
                    name: str) -> QuantileSketch:
    """The sketch of one metric's dense row of bucket counts, read only between the buckets of its
    smallest and largest value, where every count lies (bucket indices grow with the value): a
    few hundred buckets where the whole row is 32,771 (scanning all 28 rows took 2 ms of every
    simulate call, most of a small call's time). A row whose counts do not add up to ``count``
    there is refused rather than read as fewer samples."""
    if count == 0:
        return QuantileSketch()
    buckets = bucket_range(low, high) or slice(0, 0)   # none: refused below
    window = counts[buckets]
    if int(window.sum()) != count:
        raise CoreError(f"the histogram of {name} holds {int(counts.sum())} samples, "
                        f"{int(window.sum())} of them between its min and max buckets, for a "
                        f"count of {count}")
    return QuantileSketch.from_dense(window, buckets.start)


# ------------------------------------------------------------------------------------------------
# Registry
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Backend:
    name: str
    simulate: Callable            # (plan, seed, samples, threads, keep, metrics, precision)
                                  #   -> (Summary, table | None)
    evaluate: Callable            # (inputs[n, N_INPUTS], threads[, precision on a native core],
                                  #   out=None) -> outputs[n, N_OUTPUTS] (into out when given)
    draw: Callable                # (encoded, distributions, seed, start, n) -> inputs[n, N_INPUTS]
    sweep_evaluate: Callable      # (grid, start, stop, threads, out) -> outputs[n, N_OUTPUTS], medians
    sweep_simulate: Callable      # (grid, seed, samples, chunk, quantiles, start, stop, threads)
                                  #   -> status[n, 3], moments[n, N_METRICS, 5], quantiles[n, ., q]


def _native_backend(name: str, core) -> Backend:
    """A backend from a core module exposing ``simulate``, ``evaluate`` and ``draw_inputs`` with
    the contracts of :mod:`inferonomics.cores.cbinding`."""
    return Backend(
        name,
        lambda plan, seed, samples, threads, keep, metrics=METRIC_NAMES, precision="float64":
            native_simulate(core.simulate, plan, seed, samples, threads, keep, metrics=metrics,
                            precision=precision),
        core.evaluate,
        lambda encoded, distributions, seed, start, n: core.draw_inputs(encoded, seed, start, n),
        core.sweep_evaluate, core.sweep_simulate)


def native_kernel(name: str) -> NativeSimulate:
    """The ``simulate`` kernel of native core ``name`` ("c" or "numba"), for :func:`run_span`."""
    if name == "c":
        return cbinding.simulate
    if name == "numba":
        from . import numba_core

        return numba_core.simulate
    raise ScenarioError("backend", f"sample spans run on a native core (c or numba), not {name!r}")


def _numba_unavailable() -> str | None:
    try:
        import numba  # noqa: F401
    except ImportError as exc:
        return f"numba is not installed ({exc}); pip install numba"
    return None


def unavailable_reason(name: str) -> str | None:
    """Why backend ``name`` cannot run here, or None if it can."""
    if name == "reference":
        return None
    if name == "c":
        return cbinding.UNAVAILABLE_REASON
    if name == "numba":
        return _numba_unavailable()
    raise ScenarioError("backend", f"must be one of auto, {', '.join(BACKENDS)}; got {name!r}")


def get_backend(name: str) -> Backend:
    """The backend called ``name`` ("auto": the first available in AUTO_ORDER)."""
    if name == "auto":
        name = next(n for n in AUTO_ORDER if unavailable_reason(n) is None)
        if name == "reference":
            reasons = "; ".join(f"{n}: {unavailable_reason(n)}" for n in ("c", "numba"))
            warnings.warn(f"no native core is available ({reasons}); using the pure-Python "
                          "reference, which is about a thousand times slower", RuntimeWarning,
                          stacklevel=3)
    reason = unavailable_reason(name)
    if reason is not None:
        raise BackendUnavailable(f"backend {name!r} is unavailable: {reason}")
    if name == "reference":
        return Backend("reference", _reference_simulate, _reference_evaluate, _reference_draw,
                       _reference_sweep_evaluate, _reference_sweep_simulate)
    if name == "c":
        return _native_backend("c", cbinding)
    from . import numba_core  # imported on first use: numba's import costs about half a second

    return _native_backend("numba", numba_core)
