"""The one module that talks to the C core (``inferonomics._ccore``, built by csrc/_build_ffi.py).

It checks that the compiled core matches this Python package (same inputs and outputs, in the same
order) and turns numpy arrays into the pointers and lengths the C functions check: every array goes
in as its pointer and its true length, after a check of dtype and layout, and a refused call raises
:class:`CoreError`. Nothing else in the package imports ``_ccore``.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import CoreError
from ..model.reference import OUTPUT_NAMES, STATUS_NAMES
from ..model.registry import INPUT_NAMES
from ..stats.summary import SKETCH_BUCKETS
from .encoding import N_INPUTS, N_METRICS, N_OUTPUTS, PRECISIONS, EncodedPlan, output_rows

N_MOMENTS = 5  # count, mean, m2, min, max

UNAVAILABLE_REASON: str | None = None
try:
    from .._ccore import ffi, lib
except ImportError as exc:  # no compiler at install time, or a stale build
    ffi = lib = None
    UNAVAILABLE_REASON = (f"the C core was not built ({exc}); reinstall with a C compiler "
                          "available (pip install --force-reinstall --no-deps .), and set "
                          "INFERONOMICS_REQUIRE_C=1 to see why the build fails")
else:
    _c_inputs = tuple(ffi.string(lib.inf_input_name(i)).decode() for i in range(lib.INF_N_INPUTS))
    _c_outputs = tuple(ffi.string(lib.inf_output_name(i)).decode() for i in range(lib.INF_N_OUTPUTS))
    if (_c_inputs != INPUT_NAMES or _c_outputs != OUTPUT_NAMES
            or lib.INF_SKETCH_BUCKETS != SKETCH_BUCKETS
            or [getattr(lib, f"INF_{p.upper()}", None) for p in PRECISIONS] != list(range(len(PRECISIONS)))):
        UNAVAILABLE_REASON = ("the compiled C core does not match this version of the Python "
                              "package (its inputs, outputs, sketch layout or precision codes "
                              "differ); rebuild it: pip install --force-reinstall --no-deps .")
        ffi = lib = None


if lib is not None:
    ERRORS = {lib.INF_E_LENGTH: "an array is shorter than the call needs",
              lib.INF_E_ARGUMENT: "a count, a range, or a plan or grid entry is invalid",
              lib.INF_E_MEMORY: "out of memory",
              lib.INF_E_NULL: "a pointer the call needs is NULL"}

# OpenMP (libgomp) is not fork-safe: a process forked after its parent ran a parallel region with
# more than one thread hangs at its next parallel region (the parent's worker threads do not exist
# in the child, but libgomp waits for them). Research pipelines fork all the time
# (multiprocessing's default start method on Linux, SALib's nprocs), so the binding remembers
# whether this process has started OpenMP's threads, and a child forked after that runs the C core
# on one thread: a one-thread region never touches the stale pool. Results do not depend on the
# thread count, so only the speed of such a child changes.
_openmp_threads_started = False
_forked_after_threads = False


def _after_fork_in_child() -> None:
    global _forked_after_threads
    _forked_after_threads = _forked_after_threads or _openmp_threads_started


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _threads(threads: int) -> int:
    """The thread count to hand the C core: ``threads``, or 1 in a child forked after OpenMP
    started its threads in an ancestor. Fewer than 1 is refused here (the core would refuse it
    too, with a less specific error), below the API's own check."""
    global _openmp_threads_started
    if threads < 1:
        raise CoreError(f"the C core refused the call: threads must be at least 1, got {threads}")
    if _forked_after_threads:
        return 1
    if threads > 1:
        _openmp_threads_started = True
    return threads


_DTYPES = {"double[]": np.dtype(np.float64), "int32_t[]": np.dtype(np.int32),
           "int64_t[]": np.dtype(np.int64)}


def _arr(ctype: str, array: np.ndarray | None, *, writable: bool = False) -> tuple:
    """``(pointer, length in elements)`` of ``array`` for the C core, which checks the length;
    ``(NULL, 0)`` for None. Refuses an array the core would misread: another dtype (a float64
    histogram filled with int64 bits) or a non-contiguous view."""
    if array is None:
        return ffi.NULL, 0
    if array.dtype != _DTYPES[ctype] or not array.flags.c_contiguous:
        raise CoreError(f"the C core needs a C-contiguous {_DTYPES[ctype]} array for {ctype}, "
                        f"got {array.dtype}{'' if array.flags.c_contiguous else ', strided'}")
    return ffi.from_buffer(ctype, array, require_writable=writable), array.size


def _check(rc: int, what: str) -> None:
    if rc != lib.INF_OK:
        raise CoreError(f"C core {what} refused the call: {ERRORS.get(rc, f'error {rc}')}", rc)


def _plan_args(plan: EncodedPlan) -> tuple:
    return (*_arr("int32_t[]", plan.kinds), *_arr("double[]", plan.params),
            *_arr("int32_t[]", plan.integer), *_arr("double[]", plan.choice_values),
            *_arr("double[]", plan.choice_weights))


def draw_inputs(plan: EncodedPlan, seed: int, start: int, n: int) -> np.ndarray:
    out = np.empty((n, N_INPUTS))
    _check(lib.inf_draw_inputs(*_plan_args(plan), seed, start, n,
                               *_arr("double[]", out, writable=True)), "draw_inputs")
    return out


def draw_only(plan: EncodedPlan, seed: int, samples: int, threads: int) -> float:
    """Benchmark floor: draw every input of samples 0 .. samples-1 as simulate does, nothing else."""
    threads = _threads(threads)
    checksum = ffi.new("double *")
    _check(lib.inf_draw_only(*_plan_args(plan), seed, 0, samples, threads, checksum), "draw_only")
    return checksum[0]


def _precision_code(precision: str) -> int:
    """The core's code of a precision (INF_FLOAT64, INF_FLOAT32), checked before any array work."""
    if precision not in PRECISIONS:
        raise CoreError(f"the C core's precision is one of {', '.join(PRECISIONS)}, got {precision!r}")
    return PRECISIONS.index(precision)


def evaluate(inputs: np.ndarray, threads: int, precision: str = "float64",
             out: np.ndarray | None = None) -> np.ndarray:
    """Outputs of explicit input rows (``inputs[n, N_INPUTS]``), the model in ``precision``,
    written into ``out`` when given (float64, C-contiguous, ``(n, N_OUTPUTS)``: a caller filling a
    large table block by block saves a temporary and a copy per block)."""
    threads, code = _threads(threads), _precision_code(precision)   # before any array work
    inputs = np.ascontiguousarray(inputs, dtype=np.float64)
    n = inputs.shape[0]
    out = output_rows(out, n, "the C core's evaluate")
    _check(lib.inf_evaluate(*_arr("double[]", inputs), n, *_arr("double[]", out, writable=True),
                            threads, code), "evaluate")
    return out


def simulate(plan: EncodedPlan, seed: int, start: int, stop: int, chunk: int, threads: int,
             fold: np.ndarray, status: np.ndarray, chunk_moments: np.ndarray, hist: np.ndarray,
             keep_inputs: np.ndarray | None, keep_outputs: np.ndarray | None,
             precision: str = "float64") -> None:
    """Samples ``start .. stop-1`` in chunks of ``chunk``: adds to ``status`` and ``hist``, writes
    ``chunk_moments``; only the metrics whose indices are in ``fold`` (int32, strictly ascending)
    are folded; ``precision`` (one of :data:`PRECISIONS`) is the model's arithmetic."""
    if not isinstance(fold, np.ndarray) or fold.ndim != 1:
        raise CoreError("the C core needs fold as a 1-D int32 array of metric indices, got "
                        f"{type(fold).__name__}")
    threads, code = _threads(threads), _precision_code(precision)
    _check(lib.inf_simulate(*_plan_args(plan), seed, start, stop, chunk, threads,
                            *_arr("int32_t[]", fold),
                            *_arr("int64_t[]", status, writable=True),
                            *_arr("double[]", chunk_moments, writable=True),
                            *_arr("int64_t[]", hist, writable=True),
                            *_arr("double[]", keep_inputs, writable=True),
                            *_arr("double[]", keep_outputs, writable=True),
                            code), "simulate")


def _grid_args(grid) -> tuple:
    return (grid.n_groups, *_arr("int64_t[]", grid.radix), *_arr("int32_t[]", grid.owned_offset),
            *_arr("int32_t[]", grid.owned_param), *_arr("int64_t[]", grid.row_offset))


def sweep_evaluate(grid, start: int, stop: int, threads: int, out=None) -> np.ndarray:
    """Outputs (one row per grid point start .. stop-1 of an inferonomics.analysis.grid.Grid) with every
    input at its median, written into ``out`` (C-contiguous, stop - start rows) when given."""
    threads = _threads(threads)
    grid = grid.encoded
    out = np.empty((stop - start, N_OUTPUTS)) if out is None else out
    _check(lib.inf_sweep_evaluate(*_arr("double[]", grid.base_medians), *_grid_args(grid),
                                  *_arr("double[]", grid.table_medians), start, stop,
                                  threads, *_arr("double[]", out, writable=True)),
           "sweep_evaluate")
    return out


def sweep_simulate(grid, seed: int, samples: int, chunk: int, quantiles: np.ndarray, start: int,
                   stop: int, threads: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per grid point start .. stop-1: status counts [n, 3], moments [n, metrics, 5] and the
    ascending ``quantiles`` [n, metrics, len(quantiles)] of samples 0 .. samples-1."""
    threads = _threads(threads)
    grid = grid.encoded
    n = stop - start
    quantiles = np.ascontiguousarray(quantiles, dtype=np.float64)
    status = np.empty((n, len(STATUS_NAMES)), dtype=np.int64)
    moments = np.empty((n, N_METRICS, N_MOMENTS))
    values = np.empty((n, N_METRICS, quantiles.size))
    _check(lib.inf_sweep_simulate(*_plan_args(grid.plan), *_grid_args(grid),
                                  *_arr("int32_t[]", grid.table_kinds),
                                  *_arr("double[]", grid.table_params), seed, samples, chunk,
                                  *_arr("double[]", quantiles), start, stop, threads,
                                  *_arr("int64_t[]", status, writable=True),
                                  *_arr("double[]", moments, writable=True),
                                  *_arr("double[]", values, writable=True)),
           "sweep_simulate")
    return status, moments, values
