"""The public entry points: :func:`evaluate` one sample, :func:`evaluate_batch` many explicit
samples, :func:`simulate` a Monte Carlo over a scenario.

Every input is checked here, before any core runs; the cores themselves sit behind the one contract
of :mod:`inferonomics.cores.backends`, and users pick one by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from .cores import backends
from .cores.backends import MAX_SAMPLES, MAX_THREADS, SampleTable, check_threads
from .errors import ScenarioError, suggest
from .io.checks import describe, is_number, parse_number
from .memory import check_fits
from .io.scenario import (BATCH_MAX_WORD, DERIVED_DEFAULTS, Plan, Scenario, check_plan,
                          load_scenario)
from .model import reference
from .model.reference import STATUS_NAMES, Outputs
from .model.registry import (DEFAULT_HOST_POWER_FRACTION, INPUT_NAMES, OUTPUT_NAMES,
                             PARAMETER_BY_NAME, PARAMETERS, default_value, unit_of)
from .sampling.distributions import Fixed
from .sampling.rng import normalize_seed
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
               "scenario": self.scenario.name, "model": self.plan.model,
               "hardware": self.plan.hardware, "cost_mode": self.plan.cost_mode}
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
                           backend=self.backend,
                           units={k: unit_of(k) for k in self._table.outputs if k != "status"})
        return frame


def simulate(scenario: Scenario | Mapping | str, samples: int = 10_000, seed: int | None = None, *,
             backend: str = "auto", threads: int | None = None,
             keep_samples: bool = False) -> Result:
    """Monte Carlo over a scenario's uncertain inputs.

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario without sweep axes (see :func:`~inferonomics.load_scenario`).
    samples : int
        Number of samples (>= 1).
    seed : int or None
        Seed of the counter-based stream, in [0, 2**64). ``None`` draws one from the OS; the result
        records it. The same seed gives the same samples on every backend and thread count.
    backend : {"auto", "reference", "c", "numba"}
        Which core evaluates the samples; "auto" (the default) takes the fastest available. The
        samples are the same whichever is chosen.
    threads : int or None
        Worker threads for the native cores (``None``: every core this process may use). The
        reference is single-threaded. Results do not depend on it.
    keep_samples : bool
        Store every sample's inputs and outputs (memory grows with ``samples``), for
        :meth:`Result.to_pandas`. Off by default: summaries use bounded memory.
    """
    scenario = load_scenario(scenario)
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or not \
            1 <= samples <= MAX_SAMPLES:
        raise ScenarioError("samples", f"must be an integer in [1, {MAX_SAMPLES:g}], got {samples!r}")
    check_threads(threads)
    seed = normalize_seed(seed)
    plan = scenario.resolve()
    if keep_samples:   # an index, every input and every output per sample, float64
        check_fits(int(samples) * 8 * (1 + len(INPUT_NAMES) + len(OUTPUT_NAMES)), "samples",
                   f"keeping {int(samples):,} samples", "keep fewer samples, or summarise "
                   "without keep_samples (memory then does not grow with samples)")
    chosen = backends.get_backend(backend)
    summary, table = chosen.simulate(plan, seed, int(samples), threads, keep_samples)
    return Result(scenario, plan, seed, int(samples), chosen.name, summary, table)


def _with_defaults(given: Mapping[str, Any], plan: Plan | None, parse) -> dict[str, Any]:
    """``given`` (each value passed through ``parse(param, value)``) completed from ``plan``'s
    medians when a plan is passed, then from each input's documented default (the median of its
    prior). ``host_w`` defaults to the median host fraction times ``tdp_w`` and ``v_head_dim`` to
    ``head_dim``, as in a scenario (also when the plan derived them and the call changes the input
    they follow). Inputs with no
    default (a model's and a device's own figures, batch, token counts) must be given."""
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
        if param.name not in values and default_value(param) is not None:
            values[param.name] = default_value(param)
    if "v_head_dim" not in values and "head_dim" in values:
        values["v_head_dim"] = values["head_dim"]
    if "host_w" not in values and "tdp_w" in values:
        values["host_w"] = values["tdp_w"] * DEFAULT_HOST_POWER_FRACTION.median()
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
    """One input of evaluate_batch as a float array (range checks come later, on the matrix)."""
    if param.name == "batch" and isinstance(value, str) and value == BATCH_MAX_WORD:
        return np.asarray(reference.BATCH_MAX)
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ScenarioError(param.path, f"must be numbers ({param.range_text()}), got "
                            f"{describe(value)}") from None


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


def evaluate_batch(inputs, *, plan: Plan | None = None, backend: str = "auto",
                   threads: int | None = None) -> dict[str, np.ndarray]:
    """Evaluate the model on explicit arrays of inputs: for callers that bring their own samples
    (sensitivity-analysis designs, measured configurations).

    ``inputs`` is a mapping from input names to arrays (or scalars) broadcastable to one length
    ``n``; inputs it leaves out come from ``plan`` or their defaults, as in :func:`evaluate`. Or a
    2-D array of shape ``(n, len(PARAMETERS))`` with columns in
    :data:`~inferonomics.model.registry.PARAMETERS` order (positional: prefer the mapping, which
    keeps working when inputs are added). Every value is range-checked before any kernel runs.
    Returns one array of length ``n`` per output name (``status`` included).
    """
    check_threads(threads)
    if isinstance(inputs, Mapping):
        inputs = _with_defaults(inputs, plan, _parse_column)
        columns = [np.asarray(inputs[name], dtype=np.float64) for name in INPUT_NAMES]
        try:
            matrix = np.stack(np.broadcast_arrays(*columns), axis=-1).reshape(-1, len(INPUT_NAMES))
        except ValueError as exc:
            raise ScenarioError("inputs", f"input arrays do not broadcast to one length: {exc}") from None
    else:
        matrix = np.asarray(inputs, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[1] != len(INPUT_NAMES):
            raise ScenarioError("inputs", f"a 2-D array needs shape (n, {len(INPUT_NAMES)}), "
                                f"got {matrix.shape}")
    if matrix.shape[0] == 0:
        return {name: np.empty(0) for name in OUTPUT_NAMES}
    for s, name in enumerate(INPUT_NAMES):
        param = PARAMETER_BY_NAME[name]
        column = matrix[:, s]
        ok = param.contains(column) | np.isin(column, param.special)
        if param.integer:
            ok &= ~np.isfinite(column) | (column == np.floor(column))
        if not ok.all():
            bad = int(np.flatnonzero(~ok)[0])
            raise ScenarioError(f"{param.path}[{bad}]", f"must be {param.range_text()}, got "
                                f"{column[bad]:g}")
    for row in _cross_check_rows(matrix):
        check_plan({name: Fixed(float(row[s])) for s, name in enumerate(INPUT_NAMES)}, "the hardware")
    chosen = backends.get_backend(backend)
    out = chosen.evaluate(np.ascontiguousarray(matrix), threads or backends.default_threads())
    return {name: out[:, o] for o, name in enumerate(OUTPUT_NAMES)}


def _peak_tflops(col: dict[str, np.ndarray]) -> np.ndarray:
    """reference.peak_tflops over arrays, as selects (the cores compute it the same way)."""
    bits = col["activation_bits"]
    peak = np.where(col["tflops_fp32"] > 0, col["tflops_fp32"], col["tflops_16"])
    for width, rate in ((16, col["tflops_16"]), (8, col["tflops_8"]), (4, col["tflops_4"])):
        peak = np.where((bits <= width) & (rate > 0), rate, peak)
    return peak


def _cross_check_rows(matrix: np.ndarray) -> list[np.ndarray]:
    """The first row that breaks a cross-field rule (active > total, k > experts, active / total
    < k / E, idle > TDP, several devices without interconnect, no peak for the activation width)."""
    col = {name: matrix[:, s] for s, name in enumerate(INPUT_NAMES)}
    bad = ((col["active_params_b"] > col["total_params_b"])
           | (col["experts_per_token"] > col["n_experts"])
           | ((col["n_experts"] > col["experts_per_token"])
              & (col["n_experts"] * col["active_params_b"]
                 < col["experts_per_token"] * col["total_params_b"]))
           | (col["idle_w"] > col["tdp_w"])
           | ((col["count"] > 1) & (col["interconnect_gbps"] <= 0))
           | (_peak_tflops(col) <= 0))
    rows = np.flatnonzero(bad)
    return [matrix[rows[0]]] if rows.size else []
