"""The public entry points: :func:`evaluate` one sample, :func:`simulate` many.

Backends implement one small contract (:class:`Backend`): given a :class:`~inferonomics.scenario.Plan`,
a seed and a range of sample indices, return the :class:`~inferonomics.summary.Summary` of those
samples and, when asked, their inputs and outputs. Users pick a backend by name and never import one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from . import reference
from .errors import BackendUnavailable, ScenarioError
from .parameters import INPUT_NAMES, PARAMETER_BY_NAME
from .reference import OUTPUT_NAMES, STATUS_NAMES, Outputs
from .rng import normalize_seed
from .distributions import Fixed
from .scenario import Plan, Scenario, check_plan, load_scenario, parse_number
from .summary import Summary

MAX_SAMPLES = 10**12
BACKENDS = ("reference", "c", "numba")


@dataclass
class SampleTable:
    """Per-sample inputs and outputs, one numpy array per column (stored only on request)."""

    index: np.ndarray
    inputs: dict[str, np.ndarray]
    outputs: dict[str, np.ndarray]


BackendFn = Callable[[Plan, int, int, int | None, bool], tuple[Summary, SampleTable | None]]
"""``fn(plan, seed, samples, threads, keep_samples) -> (summary, table or None)``."""


def _reference_backend(plan: Plan, seed: int, samples: int, threads: int | None,
                       keep_samples: bool) -> tuple[Summary, SampleTable | None]:
    summary = Summary()
    inputs = {name: np.empty(samples) for name in INPUT_NAMES} if keep_samples else None
    outputs = {name: np.empty(samples) for name in OUTPUT_NAMES} if keep_samples else None
    for i, x, y in reference.simulate(plan.distributions, seed, 0, samples):
        summary.add(y)
        if keep_samples:
            for name, value in x.items():
                inputs[name][i] = value
            for name, value in y.as_dict().items():
                outputs[name][i] = value
    table = SampleTable(np.arange(samples), inputs, outputs) if keep_samples else None
    return summary, table


_BACKENDS: dict[str, BackendFn] = {"reference": _reference_backend}
_UNAVAILABLE: dict[str, str] = {
    "c": "the C core is not part of this version yet; use backend='reference'",
    "numba": "the numba core is not part of this version yet; use backend='reference'",
}


def available_backends() -> dict[str, str]:
    """Every backend name with ``"available"`` or the reason it is not."""
    return {name: "available" if name in _BACKENDS else _UNAVAILABLE[name] for name in BACKENDS}


def _pick_backend(name: str) -> tuple[str, BackendFn]:
    if name == "auto":
        for candidate in ("c", "numba", "reference"):
            if candidate in _BACKENDS:
                return candidate, _BACKENDS[candidate]
    if name in _BACKENDS:
        return name, _BACKENDS[name]
    if name in _UNAVAILABLE:
        raise BackendUnavailable(f"backend {name!r} is unavailable: {_UNAVAILABLE[name]}")
    raise ScenarioError("backend", f"must be one of auto, {', '.join(BACKENDS)}; got {name!r}")


@dataclass
class Result:
    """What :func:`simulate` returns."""

    scenario: Scenario
    plan: Plan
    seed: int
    samples: int
    backend: str
    _summary: Summary = field(repr=False)
    _table: SampleTable | None = field(default=None, repr=False)

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
        return pd.DataFrame(columns)


def simulate(scenario: Scenario | Mapping | str, samples: int = 10_000, seed: int | None = None, *,
             backend: str = "reference", threads: int | None = None,
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
        Which core evaluates the samples.
    threads : int or None
        Worker threads for the native cores (``None``: all cores). The reference is single-threaded.
    keep_samples : bool
        Store every sample's inputs and outputs (memory grows with ``samples``), for
        :meth:`Result.to_pandas`. Off by default: summaries use bounded memory.
    """
    scenario = load_scenario(scenario)
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or not \
            1 <= samples <= MAX_SAMPLES:
        raise ScenarioError("samples", f"must be an integer in [1, {MAX_SAMPLES:g}], got {samples!r}")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int)
                                or threads < 1):
        raise ScenarioError("threads", f"must be an integer >= 1 or None, got {threads!r}")
    seed = normalize_seed(seed)
    plan = scenario.resolve()
    name, run = _pick_backend(backend)
    summary, table = run(plan, seed, int(samples), threads, keep_samples)
    return Result(scenario, plan, seed, int(samples), name, summary, table)


def evaluate(**inputs: float) -> Outputs:
    """Evaluate the model once for explicit inputs (names and units of
    :data:`~inferonomics.parameters.PARAMETERS`). Every input is checked against its range first;
    ``batch = "max"`` is accepted. See :func:`inferonomics.reference.evaluate` for the formulas."""
    missing = [n for n in INPUT_NAMES if n not in inputs]
    if missing:
        raise ScenarioError(PARAMETER_BY_NAME[missing[0]].path,
                            f"missing input {missing[0]!r} ({len(missing)} of {len(INPUT_NAMES)} "
                            "missing; Plan.medians() gives a full set)")
    checked = {}
    for name, value in inputs.items():
        if name not in PARAMETER_BY_NAME:
            from .catalog import suggest

            raise ScenarioError(name, f"unknown input{suggest(name, INPUT_NAMES)}")
        param = PARAMETER_BY_NAME[name]
        if name == "batch" and not isinstance(value, bool) and (
                value == "max" or value == reference.BATCH_MAX):
            checked[name] = reference.BATCH_MAX
            continue
        checked[name] = parse_number(param.path, value, param)
    check_plan({name: Fixed(value) for name, value in checked.items()}, "the hardware")
    return reference.evaluate(**checked)
