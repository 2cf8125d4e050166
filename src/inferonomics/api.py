"""The public entry points: :func:`evaluate` one sample, :func:`evaluate_batch` many explicit
samples, :func:`simulate` a Monte Carlo over a scenario.

Every input is checked here, before any core runs; the cores themselves sit behind the one contract
of :mod:`inferonomics.cores.backends`, and users pick one by name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from .cluster import connect, runner
from .cores import backends
from .cores.backends import MAX_SAMPLES, MAX_THREADS, SampleTable, check_threads
from .errors import ScenarioError, printable, suggest
from .io.checks import describe, integer_argument, is_number, parse_number
from .memory import check_fits
from .io.pricing import SERVER_POWER_PER_TDP
from .io.scenario import (BATCH_MAX_WORD, DERIVED_DEFAULTS, MAX_LOST_SHARE, SECONDS_PER_HOUR, W_PER_KW, Plan, Scenario, check_plan,
                          load_scenario)
from .model import reference
from .model.reference import STATUS_NAMES, Outputs
from .model.registry import (DEFAULT_HOST_POWER_FRACTION, INPUT_NAMES, METRIC_NAMES, OUTPUT_NAMES,
                             PARAMETER_BY_NAME, PARAMETERS, default_value, unit_of)
from .sampling.distributions import Fixed
from .sampling.rng import DEFAULT_SEED, SeedLike, normalize_seed
from .stats.summary import Summary
from .versions import provenance



def available_backends() -> dict[str, str]:
    """Every backend name with ``"available"`` or the reason it is not."""
    return {name: backends.unavailable_reason(name) or "available" for name in backends.BACKENDS}


@dataclass
class Result:
    """What :func:`simulate` returns."""

    scenario: Scenario
    plan: Plan
    seed: int
    samples: int
    backend: str
    _summary: Summary = field(repr=False)
    _table: "SampleTable | None" = field(default=None, repr=False)
    precision: str = "float64"   # the model's arithmetic (simulate's precision)

    def summary(self) -> Summary:
        """Mergeable summary: counts by status, and mean, std, min, max and quantiles (p5, p50, p95
        or any other) of every metric over the feasible samples."""
        return self._summary

    @property
    def feasible_fraction(self) -> float:
        return self._summary.feasible_fraction

    def to_dict(self) -> dict[str, Any]:
        """The CLI's ``--json`` object."""
        out = {"samples": self.samples, "seed": self.seed, "backend": self.backend,
               "precision": self.precision, "scenario": self.scenario.name, "model": self.plan.model,
               "hardware": self.plan.hardware, "cost_mode": self.plan.cost_mode,
               "price_basis": self.plan.price_basis}
        out.update(self._summary.to_dict())
        out["units"] = {name: unit_of(name) for name in out["metrics"]}
        out.update(provenance())
        return out

    def to_pandas(self):
        """Per-sample table: sample index, every drawn input and every output, one row per sample.
        Needs ``simulate(..., keep_samples=True)`` and pandas."""
        if self._table is None:
            raise ScenarioError("keep_samples", "this result kept no per-sample data; call "
                                "simulate(..., keep_samples=True) to store it")
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'inferonomics[pandas]'") from None
        columns: dict[str, Any] = {"sample": self._table.index}
        columns.update({f"in.{k}": v for k, v in self._table.inputs.items()})
        for k, v in self._table.outputs.items():
            if k == "status":
                columns["status"] = pd.Categorical.from_codes(
                    v.astype(np.int64), categories=[STATUS_NAMES[c] for c in sorted(STATUS_NAMES)])
            else:
                columns[k] = v
        frame = pd.DataFrame(columns)
        frame.attrs.update(provenance(), scenario=self.scenario.name, seed=self.seed,
                           backend=self.backend, precision=self.precision,
                           units={k: unit_of(k) for k in self._table.outputs if k != "status"})
        return frame


def simulate(scenario: Scenario | Mapping | str, samples: int = 10_000,
             seed: SeedLike = DEFAULT_SEED, *, backend: str = "auto", threads: int | None = None,
             keep_samples: bool = False, metrics: Sequence[str] | None = None,
             client: Any = None, progress: bool = False, precision: str = "float64") -> Result:
    """Monte Carlo over a scenario's uncertain inputs.

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario without sweep axes (see :func:`~inferonomics.load_scenario`).
    samples : int
        Number of samples (>= 1; a Python or numpy integer).
    seed : int, numpy SeedSequence or Generator, or None
        Seed of the counter-based stream, in [0, 2**64); 0 by default, so a run is reproducible
        unless asked otherwise (the CLI's ``--seed`` defaults to 0 too). A ``SeedSequence`` gives a
        seed derived from it deterministically; a ``Generator`` gives one drawn from it (which
        advances it); ``None`` draws one from the OS. The result records the integer used
        (``result.seed``). The same seed gives the same samples on every backend and thread count.
    backend : {"auto", "reference", "c", "numba"}
        Which core evaluates the samples; "auto" (the default) takes the C core if it is built,
        else numba, else the reference. The samples are the same whichever is chosen.
    threads : int or None
        Worker threads for the native cores (``None``: every core this process may use). The
        reference is single-threaded. Results do not depend on it.
    keep_samples : bool
        Store every sample's inputs and outputs (memory grows with ``samples``), for
        :meth:`Result.to_pandas`. Off by default: summaries use bounded memory.
    metrics : sequence of str, optional
        Summarise only these metrics (names from ``inferonomics.METRIC_NAMES``), in this order;
        the native cores then fold only these, which is faster (about 1.3x with 6 of 28). Every
        metric by default. Status counts and kept samples are complete either way.
    client : dask.distributed.Client or str, optional
        Run on a Dask cluster (``pip install "inferonomics[dask]"``): a client, or a scheduler
        address such as ``"tcp://10.0.0.5:8786"``. The samples are cut into spans on chunk
        boundaries, each worker runs the native core ``backend`` names on its spans, and the
        client merges the pieces in chunk order: the summary is the one this call gives without a
        client, to the bit. Workers need the package installed; only the encoded plan and each
        span's counts, chunk moments and non-zero sketch buckets cross the network. ``threads``
        does not apply: each worker uses its own threads (``dask worker --nthreads``).
    progress : bool
        With a client, a progress bar (tqdm) over the samples finished.
    precision : {"float64", "float32"}
        The arithmetic of the model. "float64" (the default) is the reference's: every backend
        gives the same samples. "float32" (native cores only) is approximate and faster: the
        same draws, the model computed in float32, moments and sketches accumulated in float64;
        summary means stay within 1e-4 relative of float64 on every bundled example (tested), and
        a sample past float32's range (about 3.4e38) is refused with a ScenarioError rather than
        dropped. Its samples agree between the two native cores and across thread counts.
    """
    metrics = metric_selection(metrics)
    precision = backends.check_precision(precision)
    scenario = load_scenario(scenario)
    samples = integer_argument("samples", samples, 1, MAX_SAMPLES)
    threads = _thread_count(threads)
    seed = normalize_seed(seed)
    plan = scenario.resolve()
    backends.check_float32_inputs(plan, precision)
    if keep_samples:   # an index, every input and every output per sample, float64
        check_fits(samples * 8 * (1 + len(INPUT_NAMES) + len(OUTPUT_NAMES)), "samples",
                   f"keeping {samples:,} samples", "keep fewer samples, or summarise "
                   "without keep_samples (memory then does not grow with samples)")
    chosen = backends.get_backend(backend)
    if client is not None:
        return Result(scenario, plan, seed, samples, chosen.name,
                      _simulate_on_cluster(client, chosen.name, plan, seed, samples, keep_samples,
                                           metrics, progress, precision), precision=precision)
    summary, table = chosen.simulate(plan, seed, samples, threads, keep_samples, metrics, precision)
    return Result(scenario, plan, seed, samples, chosen.name, summary, table, precision)


def _simulate_on_cluster(client, backend: str, plan: Plan, seed: int, samples: int,
                         keep_samples: bool, metrics: tuple[str, ...], progress: bool,
                         precision: str) -> Summary:
    """simulate()'s summary computed on a Dask cluster (see the ``client`` parameter)."""
    if keep_samples:
        raise ScenarioError("keep_samples", "a cluster run returns summaries, not samples; keep "
                            "samples on one machine (they are the same samples: same seed)")
    connect.require_native(backend)
    with connect.connected(client) as c:
        return runner.simulate(c, backend, plan, seed, samples, metrics, progress, precision)


def metric_selection(metrics) -> tuple[str, ...]:
    """``metrics`` (None: all of them) as a tuple of known metric names, each once; a ScenarioError
    naming the unknown one (with the closest name) or an empty selection."""
    if metrics is None:
        return METRIC_NAMES
    if isinstance(metrics, str):
        metrics = [metrics]
    chosen: list[str] = []
    for name in metrics:
        if not isinstance(name, str) or name not in METRIC_NAMES:
            raise ScenarioError("metrics", f"unknown metric {printable(repr(name))}"
                                f"{suggest(str(name), METRIC_NAMES)}; one of {', '.join(METRIC_NAMES)}")
        if name not in chosen:
            chosen.append(str(name))   # a numpy string becomes a plain one
    if not chosen:
        raise ScenarioError("metrics", "must name at least one metric (or be left out for all)")
    return tuple(chosen)


def _thread_count(threads) -> int | None:
    """``threads`` as a Python int (numpy integers accepted) or None, in [1, MAX_THREADS]."""
    if threads is None:
        return None
    threads = integer_argument("threads", threads, 1, MAX_THREADS)
    threads = check_threads(threads)
    return threads


def _with_defaults(given: Mapping[str, Any], plan: Plan | None, parse) -> dict[str, Any]:
    """``given`` (each value passed through ``parse(param, value)``) completed from ``plan``'s
    medians when a plan is passed, then from each input's documented default (the median of its
    prior). ``host_w`` defaults to the median host fraction times ``tdp_w``, ``v_head_dim`` to
    ``head_dim`` and ``expert_imbalance`` to 1 without expert parallelism, as in a scenario (also
    when the plan derived them and the call changes the input they follow). Inputs with no default
    (a model's and a device's own figures, batch, token counts) must be given."""
    if plan is not None and not isinstance(plan, Plan):
        raise ScenarioError("plan", f"must be a Plan (scenario.resolve()), got {type(plan).__name__};"
                            " give inputs as keyword arguments")
    unknown = [k for k in given if k not in PARAMETER_BY_NAME]
    if unknown:
        raise ScenarioError(unknown[0], f"unknown input{suggest(unknown[0], INPUT_NAMES)}")
    values: dict[str, Any] = dict(plan.medians()) if plan is not None else {}
    for name in (plan.derived if plan is not None else ()):
        if DERIVED_DEFAULTS[name] in given:   # the plan derived it from a value the call replaces
            del values[name]
    values.update({name: parse(PARAMETER_BY_NAME[name], value) for name, value in given.items()})
    for param in PARAMETERS:
        if param.name in (plan.derived if plan is not None else ()) and param.name not in values:
            continue   # derived below from the input it follows
        if param.name not in values and default_value(param) is not None:
            values[param.name] = default_value(param)
    if "v_head_dim" not in values and "head_dim" in values:
        values["v_head_dim"] = values["head_dim"]
    if "host_w" not in values and "tdp_w" in values:
        values["host_w"] = values["tdp_w"] * DEFAULT_HOST_POWER_FRACTION.median()
    if plan is not None and "provisioned_kw" in plan.derived and "provisioned_kw" not in given:
        values["provisioned_kw"] = values["tdp_w"] / W_PER_KW * SERVER_POWER_PER_TDP
    if "expert_imbalance" not in values and "expert_parallel" in values:
        # Elementwise: evaluate_batch passes arrays (a switch may differ row by row).
        values["expert_imbalance"] = np.where(
            np.asarray(values["expert_parallel"]) > 0,
            default_value(PARAMETER_BY_NAME["expert_imbalance"]), 1.0)
        if np.ndim(values["expert_imbalance"]) == 0:
            values["expert_imbalance"] = float(values["expert_imbalance"])
    missing = [n for n in INPUT_NAMES if n not in values]
    if missing:
        raise ScenarioError(PARAMETER_BY_NAME[missing[0]].path,
                            f"missing input {missing[0]!r}: it has no default ({len(missing)} of "
                            f"{len(INPUT_NAMES)} missing: {', '.join(missing)}; pass a plan, "
                            "e.g. evaluate(scenario.resolve(), batch=8), to take them from a "
                            "scenario)")
    return values


def _parse_scalar(param, value) -> float:
    """One explicit input: ``batch = "max"``, a special value, or a number in its range."""
    if param.name == "batch" and isinstance(value, str) and value == BATCH_MAX_WORD:
        return reference.BATCH_MAX
    if is_number(value) and value in param.special:
        return float(value)
    return parse_number(param.path, value, param)


def _parse_column(param, value) -> np.ndarray:
    """One input of evaluate_batch as a float array of any shape (broadcast later; range checks
    come later too). Numbers only: text such as ``"8"``, bools (except for a switch) and other
    objects are refused rather than converted, as in a scenario; ``"max"`` is accepted for a
    scalar batch."""
    if param.name == "batch" and isinstance(value, str) and value == BATCH_MAX_WORD:
        return np.asarray(reference.BATCH_MAX)
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):   # ragged nested lists
        array = None
    if array is not None and array.dtype.kind in "iuf":
        return array.astype(np.float64, copy=False)
    if array is not None and array.dtype.kind == "b" and param.flag:   # a switch: true / false
        return array.astype(np.float64)
    if array is not None and array.dtype.kind == "O" and all(is_number(x) for x in array.flat):
        try:
            return array.astype(np.float64)
        except OverflowError:
            raise ScenarioError(param.path, "holds an integer beyond the range of a number (about "
                                "1.8e308)") from None
    extra = ' or "max"' if param.name == "batch" else ""
    shown = describe(value) if array is None or array.ndim == 0 else f"an array of {array.dtype}"
    raise ScenarioError(param.path, f"must be numbers ({param.range_text()}){extra}, got {shown}")


def evaluate(plan: Plan | None = None, /, **inputs: float) -> Outputs:
    """Evaluate the model once for explicit inputs (names and units of
    :data:`~inferonomics.model.registry.PARAMETERS`).

    Inputs not given come from ``plan`` (a resolved scenario, at its medians) when one is passed,
    else from each input's documented default; so adding an input to the model never breaks a
    call. Every value is checked against its range first; ``batch = "max"`` is accepted. See
    :func:`inferonomics.model.reference.evaluate` for the formulas.
    """
    checked = _with_defaults(inputs, plan, _parse_scalar)
    check_plan({name: Fixed(value) for name, value in checked.items()}, "the hardware")
    return reference.evaluate(**checked)


EVALUATE_BLOCK_ROWS = 16384
"""Rows per thread that :func:`evaluate_batch` assembles and hands to a core at a time. One block
of inputs is reused, so memory beyond the outputs does not grow with the batch (a whole matrix of
10^6 rows, 576 MB, had to be written to fresh memory first, and its page faults alone took longer
than the model). A block of 16,384 rows (9.4 MB) is filled and read back while it is still in the
caches: 10^6 rows on 1 thread, filling three varying columns, took 149 ms against 223 ms in blocks
of 65,536 rows (the kernel alone on the whole matrix: 154 ms); on 2 threads 110 ms in blocks of
32,768 against 154 ms (kernel 81 ms; Intel development VM, one run, medians of 5). Blocks grow
with the threads and shrink no further because each core call is a parallel region, whose barrier
costs most on a busy machine (an earlier round measured 16,384-row blocks on 2 threads at 1.7 times
the time of 65,536 on a loaded 2-core VM)."""


def evaluate_batch(inputs, *, plan: Plan | None = None, backend: str = "auto",
                   threads: int | None = None) -> dict[str, np.ndarray]:
    """Evaluate the model on explicit arrays of inputs: for callers that bring their own samples
    (sensitivity-analysis designs, measured configurations).

    ``inputs`` is a mapping from input names to arrays (or scalars) broadcastable to one shape;
    rows are the broadcast shape flattened (C order), ``n`` of them. Inputs it leaves out come from
    ``plan`` or their defaults, as in :func:`evaluate`. Or a 2-D array of shape
    ``(n, len(PARAMETERS))`` with columns in :data:`~inferonomics.model.registry.PARAMETERS` order
    (positional: prefer the mapping, which keeps working when inputs are added). Values must be
    numbers (text is refused, not converted). Every value is range-checked before any kernel runs;
    an error names the input and the first offending row, e.g. ``efficiency.mfu[41]``.
    Returns one array of length ``n`` per output name (``status`` included).
    """
    threads = _thread_count(threads)
    chosen = backends.get_backend(backend)
    threads = threads or backends.default_threads()
    if isinstance(inputs, Mapping):
        given = _with_defaults(inputs, plan, _parse_column)   # plan medians, defaults: floats
        columns = {name: np.asarray(given[name], dtype=np.float64) for name in INPUT_NAMES}
        try:
            shape = np.broadcast_shapes(*(columns[name].shape for name in INPUT_NAMES))
        except ValueError as exc:
            raise ScenarioError("inputs", f"input arrays do not broadcast to one shape: {exc}") from None
        n = math.prod(shape)
        if n == 0:
            return {name: np.empty(0) for name in OUTPUT_NAMES}
        # Each input is checked on its own array before broadcasting: a scalar once, not n times.
        _check_columns(columns, shape, 0)
        out = _evaluate_columns(chosen, columns, shape, threads)
    else:
        matrix = _parse_matrix(inputs)
        n = matrix.shape[0]
        if n == 0:
            return {name: np.empty(0) for name in OUTPUT_NAMES}
        rows = _block_rows(threads)
        for start in range(0, n, rows):   # row blocks: each column read while in cache
            _check_matrix_block(matrix[start:start + rows], start)
        out = chosen.evaluate(matrix, threads)
    return {name: out[:, o] for o, name in enumerate(OUTPUT_NAMES)}


EVALUATE_MAX_BLOCK_ROWS = 131072
"""The most rows a block of :func:`evaluate_batch` holds whatever the thread count (75 MB of inputs,
the earlier rule's block at 32 threads): on a machine with many CPUs, blocks that grew with every
thread became the whole matrix the blocks exist to avoid (review: 323 MB at 32 threads for
400,000 rows, against 102 MB on 1)."""


def _block_rows(threads: int) -> int:
    return min(EVALUATE_BLOCK_ROWS * threads, EVALUATE_MAX_BLOCK_ROWS)


def _parse_matrix(inputs) -> np.ndarray:
    """The positional form of evaluate_batch: a C-contiguous float array (n, len(PARAMETERS))."""
    try:
        matrix = np.asarray(inputs)
    except (TypeError, ValueError):
        matrix = None
    if matrix is None or matrix.dtype.kind not in "iuf":
        what = type(inputs).__name__ if matrix is None else f"an array of {matrix.dtype}"
        raise ScenarioError("inputs", f"must be a mapping from input names to numbers, or a 2-D "
                            f"numeric array (n, {len(INPUT_NAMES)}); got {what}")
    if matrix.ndim != 2 or matrix.shape[1] != len(INPUT_NAMES):
        raise ScenarioError("inputs", f"a 2-D array needs shape (n, {len(INPUT_NAMES)}), "
                            f"got {matrix.shape}")
    return np.ascontiguousarray(matrix, dtype=np.float64)


def _first_row(k: int, small: tuple[int, ...], shape: tuple[int, ...]) -> int:
    """The row (flat index in ``shape``) where element ``k`` of an array of shape ``small``,
    broadcast to ``shape``, first appears."""
    index = np.unravel_index(k, small) if small else ()
    index = (0,) * (len(shape) - len(small)) + tuple(int(i) for i in index)
    return int(np.ravel_multi_index(index, shape)) if shape else 0


def _check_columns(col: dict[str, np.ndarray], shape: tuple[int, ...], offset: int) -> None:
    """Every value of every input in its range (or one of its special values), integers whole,
    then the cross-field rules: vectorised per input, before any core runs. Arrays in ``col``
    broadcast to ``shape``, whose rows are rows ``offset ...`` of the batch; an error names the
    input and the first offending row."""
    for name, values in col.items():
        param = PARAMETER_BY_NAME[name]
        ok = param.accepts(values)
        if param.integer:   # infinity is whole here: the range decides whether it is allowed
            ok = ok & (values == np.floor(values))
        if not np.all(ok):
            k = int(np.flatnonzero(~np.ravel(ok))[0])
            _refuse(param, offset + _first_row(k, values.shape, shape), values.flat[k])
    _check_rules(col, shape, offset)


def _refuse(param, row: int, value: float):
    raise ScenarioError(f"{param.path}[{row}]", f"must be {param.range_text()}, got {value:g}")


# The ranges of PARAMETERS as closed bounds, one per matrix column: x > low is x >= the next double
# above low (exact in float64), so one pair of comparisons checks a whole block of rows.
_LOWS = np.array([np.nextafter(p.low, np.inf) if p.low_open else p.low for p in PARAMETERS])
_HIGHS = np.array([np.nextafter(p.high, -np.inf) if p.high_open else p.high for p in PARAMETERS])
_SPECIALS = [(s, v) for s, p in enumerate(PARAMETERS) for v in p.special]
_INTEGER_COLUMNS = np.array([s for s, p in enumerate(PARAMETERS) if p.integer], dtype=np.intp)


def _check_matrix_block(block: np.ndarray, offset: int) -> None:
    """:func:`_check_columns` for rows ``offset ...`` of the positional form: the range checks of
    every column at once, which reads the block once instead of once per column."""
    ok = (block >= _LOWS) & (block <= _HIGHS)
    for s, special in _SPECIALS:
        ok[:, s] |= block[:, s] == special
    whole = block[:, _INTEGER_COLUMNS]
    ok[:, _INTEGER_COLUMNS] &= whole == np.floor(whole)
    if not ok.all():
        r, s = (int(i[0]) for i in np.nonzero(~ok))   # row-major: the first row, its first column
        _refuse(PARAMETERS[s], offset + r, block[r, s])
    _check_rules({name: block[:, s] for s, name in enumerate(INPUT_NAMES)}, block.shape[:1], offset)


def _check_rules(col: dict[str, np.ndarray], shape: tuple[int, ...], offset: int) -> None:
    """The cross-field rules of :func:`~inferonomics.io.scenario.check_plan` (active > total,
    k > experts, active / total < k / E, idle > TDP, several devices without interconnect, count
    not a multiple of the pipeline stages, a replica spanning scale-up domains or disaggregated
    without a scale-out network, spot restarts losing over half the paid time, no peak for the
    activation width), vectorised; the first offending row gets check_plan's message."""
    bad = ((col["active_params_b"] > col["total_params_b"])
           | (col["experts_per_token"] > col["n_experts"])
           | ((col["n_experts"] > col["experts_per_token"])
              & (col["n_experts"] * col["active_params_b"]
                 < col["experts_per_token"] * col["total_params_b"]))
           | (col["idle_w"] > col["tdp_w"])
           | ((col["count"] > 1) & (col["interconnect_gbps"] <= 0))
           | (col["pp"] > col["count"]) | (np.fmod(col["count"], col["pp"]) != 0)
           | ((col["scaleup_devices"] != 0) & (col["scaleup_devices"] < col["count"])
              & (col["scaleout_gbps"] <= 0))
           | ((col["disaggregated"] > 0) & (col["scaleout_gbps"] <= 0))
           | (col["interruptions_per_hour"] * col["restart_s"] > MAX_LOST_SHARE * SECONDS_PER_HOUR)
           | (_peak_tflops(col) <= 0))
    if np.any(bad):
        k = int(np.flatnonzero(np.broadcast_to(bad, shape).ravel())[0])
        index = np.unravel_index(k, shape) if shape else ()
        row = {name: Fixed(float(np.broadcast_to(v, shape)[index])) for name, v in col.items()}
        try:
            check_plan(row, "the hardware")
        except ScenarioError as exc:
            raise ScenarioError(f"{exc.path}[{offset + k}]", exc.message) from None


def _evaluate_columns(chosen, columns: dict[str, np.ndarray], shape, threads: int) -> np.ndarray:
    """Outputs (n, len(OUTPUT_NAMES)) of the rows the checked ``columns`` broadcast to: one block
    of inputs is reused, its constant columns written once and the varying ones per block."""
    n = math.prod(shape)
    out = np.empty((n, len(OUTPUT_NAMES)))
    rows = min(n, _block_rows(threads))
    block = np.empty((rows, len(INPUT_NAMES)))
    varying = {}
    for s, name in enumerate(INPUT_NAMES):
        values = columns[name]
        if values.size == 1:
            block[:, s] = values.reshape(-1)[0]
        else:
            varying[s] = np.broadcast_to(values, shape).reshape(-1)
    for start in range(0, n, rows):
        m = min(rows, n - start)
        for s, flat in varying.items():
            block[:m, s] = flat[start:start + m]
        chosen.evaluate(block[:m], threads, out=out[start:start + m])
    return out


def _peak_tflops(col: dict[str, np.ndarray]) -> np.ndarray:
    """reference.peak_tflops over arrays, as selects (the cores compute it the same way)."""
    bits = col["activation_bits"]
    peak = np.where(col["tflops_fp32"] > 0, col["tflops_fp32"], col["tflops_16"])
    for width, rate in ((16, col["tflops_16"]), (8, col["tflops_8"]), (4, col["tflops_4"])):
        peak = np.where((bits <= width) & (rate > 0), rate, peak)
    return peak
