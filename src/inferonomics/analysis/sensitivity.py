"""Sensitivity analysis: which uncertain inputs drive a metric.

Two analyses, both on the native cores:

* :func:`sobol` — variance-based first-order and total-order Sobol' indices of one metric over a
  scenario's uncertain inputs, with bootstrap confidence intervals. The inputs are drawn with the
  model's own sampler, so every distribution kind (and integer rounding) is honoured.
  :func:`sobol_indices` is the same estimator for any vectorised function of explicit samples.
* :func:`tornado` — one-at-a-time swings: every input at its median, then each uncertain input
  alone moved to a low and a high quantile.

The Sobol' design is the radial one of Saltelli (2002): two independent sample matrices ``A`` and
``B`` of ``N`` rows, and for every input ``i`` the matrix ``AB_i``, which is ``A`` with column ``i``
taken from ``B``; ``N (D + 2)`` evaluations for ``D`` inputs. With ``V`` the variance of the outputs
of ``A`` and ``B`` together:

* first order, Saltelli et al. (2010), "Variance based sensitivity analysis of model output. Design
  and estimator for the total sensitivity index", Comput. Phys. Commun. 181, 259-270, Table 2 (b)::

      S1_i = mean(f(B) * (f(AB_i) - f(A))) / V

* total order, Jansen (1999), "Analysis of variance designs for model output", Comput. Phys.
  Commun. 117, 35-43 (Saltelli et al. 2010, Table 2 (f))::

      ST_i = 0.5 * mean((f(A) - f(AB_i))**2) / V

The outputs are centred on their overall mean (and scaled by their standard deviation) first, as
SALib does: the indices are unchanged in expectation, but the first-order estimator's variance
grows with the square of the output's mean when it is not centred. With the same design the
numbers equal SALib 1.6's ``analyze.sobol.analyze(..., calc_second_order=False)``, confidence
intervals included when both are given the same non-zero seed.

Confidence intervals are bootstrap ones (Archer, Saltelli & Sobol 1997): the ``N`` rows are
resampled with replacement ``num_resamples`` times and the half-width is ``z * std`` of the
resampled estimates, ``z`` the standard normal quantile of ``0.5 + conf_level / 2``. They describe
the Monte Carlo error of the estimate, not uncertainty in the model.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np

from ..cores import backends
from ..cores.backends import check_threads
from ..cores.encoding import STATUS_COLUMN, encode
from ..errors import ScenarioError
from ..io.scenario import Scenario, load_scenario
from ..jsonable import jsonable
from ..model.constraints import metric_column
from ..model.reference import STATUS_MEMORY, STATUS_NAMES, STATUS_OK
from ..model.registry import INPUT_NAMES, PARAMETER_BY_NAME
from ..sampling.rng import DEFAULT_SEED, SeedLike, normalize_seed

DEFAULT_METRIC = "usd_per_mtok"
DEFAULT_SOBOL_SAMPLES = 8192
"""Base samples ``N`` of :func:`sobol`. Bootstrap half-widths shrink as ``1 / sqrt(N)``; at 8192
they are a few hundredths for a model with a handful of influential inputs."""
MIN_SAMPLES = 64
"""Fewest base samples accepted: below this the bootstrap intervals themselves are unreliable."""
MAX_SAMPLES = 1 << 24
"""Most base samples accepted: :func:`sobol` keeps ``8 (D + 2)`` bytes of output per base sample."""
DEFAULT_NUM_RESAMPLES = 100
DEFAULT_CONF_LEVEL = 0.95
DEFAULT_TORNADO_SAMPLES = 1 << 16
DEFAULT_TORNADO_LOW = 0.05
DEFAULT_TORNADO_HIGH = 0.95
MAX_ROWS_PER_CALL = 1 << 17
"""Rows of the design evaluated per call (about 50 MB of inputs): bounds memory for large ``N``
while keeping every call big enough for the cores' threads."""
BOOTSTRAP_BLOCK_ELEMENTS = 1 << 22
"""Resampled (row, resample) pairs held at once: bootstrap memory is bounded whatever ``N``."""
CONSTANT_RTOL = 1e-12
"""An output whose spread (max - min) is below this fraction of its magnitude counts as constant:
its variance is rounding noise and every index is reported as 0."""

_NORMAL = NormalDist()


# ------------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------------

def _frozen(x) -> np.ndarray:
    a = np.array(x, dtype=np.float64)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class SobolResult:
    """First- and total-order Sobol' indices of one output, one entry per input.

    Attributes
    ----------
    names : tuple of str
        The inputs, in the order of the sample matrices' columns (for :func:`sobol`, parameter
        names in :data:`~inferonomics.model.registry.PARAMETERS` order).
    S1, S1_conf : numpy.ndarray
        First-order indices (dimensionless share of the output variance explained by the input
        alone) and the half-width of their ``conf_level`` bootstrap interval.
    ST, ST_conf : numpy.ndarray
        Total-order indices (share of variance that involves the input, interactions included) and
        their interval half-widths. ``ST - S1`` measures the input's interactions.
    N : int
        Base samples: rows of each of the matrices A and B. The estimate used ``N (D + 2)``
        evaluations.
    conf_level : float
        Confidence level of the intervals, in (0, 1).
    num_resamples : int
        Bootstrap resamples behind the intervals.
    output_mean, output_var : float
        Mean and variance (ddof 0) of the output over the rows of A and B, in the output's unit and
        its square: the variance the indices divide. Zero variance gives all-zero indices.
    metric : str or None
        The metric analysed (:func:`sobol`); None from :func:`sobol_indices`.
    seed : int or None
        The seed of the draws and of the bootstrap.
    backend : str or None
        The core that evaluated the design (:func:`sobol`); None from :func:`sobol_indices`.
    """

    names: tuple[str, ...]
    S1: np.ndarray
    S1_conf: np.ndarray
    ST: np.ndarray
    ST_conf: np.ndarray
    N: int
    conf_level: float = DEFAULT_CONF_LEVEL
    num_resamples: int = DEFAULT_NUM_RESAMPLES
    output_mean: float = math.nan
    output_var: float = math.nan
    metric: str | None = None
    seed: int | None = None
    backend: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "names", tuple(self.names))
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            value = _frozen(getattr(self, key))
            if value.shape != (len(self.names),):
                raise ValueError(f"{key} needs shape ({len(self.names)},), got {value.shape}")
            object.__setattr__(self, key, value)

    @property
    def evaluations(self) -> int:
        """Function evaluations behind the estimate: ``N (D + 2)``."""
        return self.N * (len(self.names) + 2)

    def ranked(self, by: str = "ST") -> "SobolResult":
        """The same result with the inputs sorted by ``by`` ("ST" or "S1"), largest first; ties
        keep their original order. ``result.ranked().names`` lists the inputs by importance."""
        if by not in ("ST", "S1"):
            raise ValueError(f'by must be "ST" or "S1", got {by!r}')
        order = np.argsort(-getattr(self, by), kind="stable")
        return SobolResult(
            tuple(self.names[k] for k in order), self.S1[order], self.S1_conf[order],
            self.ST[order], self.ST_conf[order], self.N, self.conf_level, self.num_resamples,
            self.output_mean, self.output_var, self.metric, self.seed, self.backend)

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and numbers, JSON-ready: one list per index, in ``names`` order."""
        return {
            "metric": self.metric, "N": self.N, "evaluations": self.evaluations,
            "conf_level": self.conf_level, "num_resamples": self.num_resamples,
            "seed": self.seed, "backend": self.backend,
            "output_mean": self.output_mean, "output_var": self.output_var,
            "names": list(self.names),
            "S1": self.S1.tolist(), "S1_conf": self.S1_conf.tolist(),
            "ST": self.ST.tolist(), "ST_conf": self.ST_conf.tolist(),
        }

    def to_pandas(self):
        """A DataFrame indexed by input name with columns S1, S1_conf, ST, ST_conf. Needs pandas."""
        pd = _pandas()
        frame = pd.DataFrame({"S1": self.S1, "S1_conf": self.S1_conf, "ST": self.ST,
                              "ST_conf": self.ST_conf}, index=pd.Index(self.names, name="input"))
        frame.attrs.update(metric=self.metric, N=self.N, conf_level=self.conf_level)
        return frame


@dataclass(frozen=True)
class TornadoRow:
    """One uncertain input of a tornado analysis.

    ``low_input`` / ``high_input`` are the input's low and high quantiles (in the input's unit,
    :data:`~inferonomics.model.registry.PARAMETERS`); ``value_low`` / ``value_high`` the metric with
    that input there and every other input at its median (in the metric's unit; NaN where the
    configuration does not fit in memory, which ``status_low`` / ``status_high`` then say:
    "ok", "memory" or "latency"). ``swing = |value_high - value_low|``, NaN when either end is NaN.
    """

    name: str
    path: str
    low_input: float
    high_input: float
    value_low: float
    value_high: float
    swing: float
    status_low: str
    status_high: str

    @property
    def feasible(self) -> bool:
        """Whether both ends meet memory and latency constraints."""
        ok = STATUS_NAMES[STATUS_OK]
        return self.status_low == ok and self.status_high == ok


@dataclass(frozen=True)
class TornadoResult:
    """What :func:`tornado` returns: the metric at the all-medians base point and one
    :class:`TornadoRow` per uncertain input, largest swing first (rows whose swing is NaN, because
    one end does not fit in memory, come first: moving that input alone changes feasibility)."""

    metric: str
    base: float
    base_status: str
    low: float
    high: float
    samples: int
    seed: int
    backend: str
    rows: tuple[TornadoRow, ...]
    medians: dict[str, float] = field(repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.rows)

    @property
    def infeasible(self) -> tuple[TornadoRow, ...]:
        """Rows where either end misses memory or a latency target."""
        return tuple(r for r in self.rows if not r.feasible)

    def to_dict(self) -> dict[str, Any]:
        """Plain values, JSON-ready (NaN written as None)."""
        return {
            "metric": self.metric, "base": jsonable(self.base), "base_status": self.base_status,
            "low": self.low, "high": self.high, "samples": self.samples, "seed": self.seed,
            "backend": self.backend,
            "rows": [{"name": r.name, "path": r.path, "low_input": r.low_input,
                      "high_input": r.high_input, "median_input": self.medians[r.name],
                      "value_low": jsonable(r.value_low),
                      "value_high": jsonable(r.value_high), "swing": jsonable(r.swing),
                      "status_low": r.status_low, "status_high": r.status_high}
                     for r in self.rows],
        }

    def to_pandas(self):
        """A DataFrame, one row per input in swing order, indexed by input name. Needs pandas."""
        pd = _pandas()
        frame = pd.DataFrame(
            {"path": [r.path for r in self.rows],
             "low_input": [r.low_input for r in self.rows],
             "median_input": [self.medians[r.name] for r in self.rows],
             "high_input": [r.high_input for r in self.rows],
             "value_low": [r.value_low for r in self.rows],
             "value_high": [r.value_high for r in self.rows],
             "swing": [r.swing for r in self.rows],
             "status_low": [r.status_low for r in self.rows],
             "status_high": [r.status_high for r in self.rows]},
            index=pd.Index(self.names, name="input"))
        frame.attrs.update(metric=self.metric, base=self.base, low=self.low, high=self.high)
        return frame


def _pandas():
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("to_pandas() needs pandas: pip install 'inferonomics[pandas]'") from None
    return pd


# ------------------------------------------------------------------------------------------------
# The estimator
# ------------------------------------------------------------------------------------------------

def _check_int(path: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not \
            low <= value <= high:
        raise ScenarioError(path, f"must be an integer in [{low:,}, {high:,}], got {value!r}")
    return int(value)


def _check_conf_level(conf_level) -> float:
    if isinstance(conf_level, bool) or not isinstance(conf_level, (int, float, np.floating)) or \
            not 0.0 < conf_level < 1.0:
        raise ScenarioError("conf_level", f"must be a number in (0, 1), got {conf_level!r}")
    return float(conf_level)


def _radial_design(A: np.ndarray, B: np.ndarray, columns: Sequence[int]) -> np.ndarray:
    """Rows ``[A; B; AB_1; ...; AB_D]`` stacked, where ``AB_i`` is ``A`` with column
    ``columns[i]`` taken from ``B`` (Saltelli 2002, radial design)."""
    n = A.shape[0]
    design = np.empty(((len(columns) + 2) * n, A.shape[1]))
    design[:n] = A
    design[n:2 * n] = B
    for i, c in enumerate(columns):
        block = design[(i + 2) * n:(i + 3) * n]
        block[:] = A
        block[:, c] = B[:, c]
    return design


def _evaluate_design(N: int, D: int, evaluate_rows: Callable[[int, int], np.ndarray]):
    """Evaluate the radial design block by block. ``evaluate_rows(start, n)`` returns the outputs of
    ``_radial_design`` over base rows ``start .. start+n-1`` (length ``(D + 2) n``). Returns
    ``f(A)`` (N,), ``f(B)`` (N,) and ``f(AB)`` (N, D), column ``i`` being ``f(AB_i)``."""
    yA, yB, yAB = np.empty(N), np.empty(N), np.empty((N, D))
    rows = max(1, MAX_ROWS_PER_CALL // (D + 2))
    for start in range(0, N, rows):
        n = min(rows, N - start)
        y = evaluate_rows(start, n).reshape(D + 2, n)
        yA[start:start + n], yB[start:start + n] = y[0], y[1]
        yAB[start:start + n] = y[2:].T
    return yA, yB, yAB


class _Estimates(NamedTuple):
    S1: np.ndarray
    S1_conf: np.ndarray
    ST: np.ndarray
    ST_conf: np.ndarray
    output_mean: float
    output_var: float
    constant: bool


def _analyze(yA: np.ndarray, yB: np.ndarray, yAB: np.ndarray, num_resamples: int,
             conf_level: float, seed: int) -> _Estimates:
    """The indices and their bootstrap half-widths from the outputs of the radial design."""
    N, D = yAB.shape
    y_ab = np.concatenate([yA, yB])
    output_mean, output_var = float(y_ab.mean()), float(y_ab.var())
    every = np.concatenate([y_ab, yAB.ravel()])
    if not np.ptp(every) > CONSTANT_RTOL * np.max(np.abs(every)):
        zeros = np.zeros(D)
        return _Estimates(zeros, zeros, zeros, zeros, output_mean, output_var, True)
    # Centre and scale by every evaluation, as SALib does (see the module docstring).
    centre, scale = every.mean(), every.std()
    yA, yB, yAB = (yA - centre) / scale, (yB - centre) / scale, (yAB - centre) / scale

    var = np.var(np.concatenate([yA, yB]))
    S1 = np.mean(yB[:, None] * (yAB - yA[:, None]), axis=0) / var
    ST = 0.5 * np.mean((yA[:, None] - yAB) ** 2, axis=0) / var

    # Bootstrap: resample the N rows with replacement, R times. The (N, R) matrix of row indices is
    # drawn a block of rows at a time (numpy fills it row-major, so the numbers equal one (N, R)
    # draw, which is SALib's), and every estimate is a ratio of sums over rows, accumulated per
    # block: memory stays bounded whatever N.
    rng = np.random.default_rng(seed)
    R = num_resamples
    sum_a, sum_aa, sum_b, sum_bb = np.zeros((4, R))
    num_s1, num_st = np.zeros((D, R)), np.zeros((D, R))
    rows = max(1, BOOTSTRAP_BLOCK_ELEMENTS // R)
    for start in range(0, N, rows):
        idx = rng.integers(N, size=(min(rows, N - start), R))
        a, b = yA[idx], yB[idx]
        sum_a += a.sum(axis=0)
        sum_aa += (a * a).sum(axis=0)
        sum_b += b.sum(axis=0)
        sum_bb += (b * b).sum(axis=0)
        for i in range(D):
            ab = yAB[:, i][idx]
            num_s1[i] += (b * (ab - a)).sum(axis=0)
            num_st[i] += ((a - ab) ** 2).sum(axis=0)
    # Variance of each resample's A and B outputs together (ddof 0); the outputs are centred and
    # scaled, so the sum-of-squares form loses nothing here.
    var_r = (sum_aa + sum_bb) / (2 * N) - ((sum_a + sum_b) / (2 * N)) ** 2
    safe = np.where(var_r > 0, var_r, 1.0)
    S1_r = np.where(var_r > 0, num_s1 / N / safe, 0.0)
    ST_r = np.where(var_r > 0, 0.5 * num_st / N / safe, 0.0)
    z = _NORMAL.inv_cdf(0.5 + conf_level / 2)
    return _Estimates(S1, z * S1_r.std(axis=1, ddof=1), ST, z * ST_r.std(axis=1, ddof=1),
                      output_mean, output_var, False)


def sobol_indices(f: Callable[[np.ndarray], np.ndarray], A, B, *,
                  names: Sequence[str] | None = None,
                  num_resamples: int = DEFAULT_NUM_RESAMPLES,
                  conf_level: float = DEFAULT_CONF_LEVEL, seed: int | None = 0) -> SobolResult:
    """First- and total-order Sobol' indices of ``f`` from two independent sample matrices.

    Parameters
    ----------
    f : callable
        Maps an ``(n, D)`` array of inputs to an ``(n,)`` array of outputs (any unit). Called a few
        times on blocks of the ``N (D + 2)`` design rows.
    A, B : array_like, shape (N, D)
        Two independent samples of the ``D`` inputs from their joint (independent) distribution,
        ``N >= 2`` rows each, in the inputs' own units.
    names : sequence of str, optional
        One name per column; default ``x1 .. xD``.
    num_resamples : int
        Bootstrap resamples for the intervals (>= 2).
    conf_level : float
        Confidence level of the intervals, in (0, 1).
    seed : int or None
        Seed of the bootstrap's numpy Generator (``None``: fresh entropy, recorded in the result).

    Returns
    -------
    SobolResult

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> A, B = rng.uniform(size=(2, 4096, 2))
    >>> r = sobol_indices(lambda x: x[:, 0] + 2 * x[:, 1], A, B, names=["a", "b"])
    >>> r.ST.round(1).tolist()   # analytic: 1/5 and 4/5
    [0.2, 0.8]
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] < 2 or A.shape[1] < 1:
        raise ScenarioError("A", f"must be a 2-D array of shape (N, D) with N >= 2 and D >= 1, "
                            f"got shape {A.shape}")
    if B.shape != A.shape:
        raise ScenarioError("B", f"must have the shape of A {A.shape}, got {B.shape}")
    for label, m in (("A", A), ("B", B)):
        if not np.isfinite(m).all():
            raise ScenarioError(label, "contains NaN or infinite values")
    N, D = A.shape
    if names is None:
        names = tuple(f"x{i + 1}" for i in range(D))
    else:
        names = tuple(names)
        if len(names) != D or not all(isinstance(n, str) for n in names) or \
                len(set(names)) != D:
            raise ScenarioError("names", f"must be {D} distinct strings, one per column, got "
                                f"{names!r}")
    num_resamples = _check_int("num_resamples", num_resamples, 2, 100_000)
    conf_level = _check_conf_level(conf_level)
    seed = normalize_seed(seed)

    def evaluate_rows(start: int, n: int) -> np.ndarray:
        design = _radial_design(A[start:start + n], B[start:start + n], range(D))
        y = np.asarray(f(design), dtype=np.float64)
        if y.size != design.shape[0] or y.ndim > 2:
            raise ScenarioError("f", f"must return one value per row: called with shape "
                                f"{design.shape}, returned shape {y.shape}")
        y = y.reshape(-1)
        bad = ~np.isfinite(y)
        if bad.any():
            raise ScenarioError("f", f"returned {int(bad.sum()):,} non-finite values (NaN or "
                                f"inf) out of {y.size:,}; Sobol indices need a finite output "
                                "everywhere")
        return y

    est = _analyze(*_evaluate_design(N, D, evaluate_rows), num_resamples, conf_level, seed)
    if est.constant:
        warnings.warn("the output is constant over the samples; every Sobol index is reported as "
                      "0", RuntimeWarning, stacklevel=2)
    return SobolResult(names, est.S1, est.S1_conf, est.ST, est.ST_conf, N, conf_level,
                       num_resamples, est.output_mean, est.output_var, None, seed, None)


# ------------------------------------------------------------------------------------------------
# Scenario front ends
# ------------------------------------------------------------------------------------------------

def _plan_of(scenario, what: str):
    scenario = load_scenario(scenario)
    if scenario.axes:
        axis = scenario.axes[0]
        raise ScenarioError(axis.path, f"is a sweep axis with {len(axis)} values; {what} analyses "
                            "one configuration: fix it to one value (a number or a distribution "
                            "table), or run it per point of scenario.points()")
    plan = scenario.resolve()
    if not plan.uncertain:
        raise ScenarioError("", f"the scenario has no uncertain inputs, so {what} has nothing to "
                            "rank: give at least one input as a distribution table, e.g. "
                            'cost.usd_per_device_hour = {dist = "uniform", low = 2, high = 4}')
    return scenario, plan


def _infeasible_message(counts: np.ndarray, total: int, uncertain: Sequence[str],
                        flips: np.ndarray) -> str:
    """Why a Sobol design cannot be analysed. ``flips[i]`` counts the design rows where moving
    input ``i`` alone (``AB_i`` against ``A``) changes feasibility: those inputs are the ones to
    narrow."""
    n_memory = int(counts[STATUS_MEMORY])
    n_latency = int(counts.sum() - counts[STATUS_OK]) - n_memory
    reasons = []
    if n_memory:
        reasons.append(f"{n_memory:,} do not fit in memory")
    if n_latency:
        reasons.append(f"{n_latency:,} miss a latency target (workload.ttft_slo_s / "
                       "workload.tpot_slo_s)")
    head = f"of {total:,} evaluations, " + " and ".join(reasons)
    if counts[STATUS_OK] == 0:
        return (head + ": the configuration is infeasible whatever the uncertain inputs"
                + (" (drop or relax the latency targets?)" if n_latency else "")
                + "; simulate() or evaluate() shows why")
    culprits = [PARAMETER_BY_NAME[n].path for n, k in zip(uncertain, flips) if k > 0]
    if culprits:
        what = f"{', '.join(culprits)} (moving {'it' if len(culprits) == 1 else 'any of them'} " \
               "alone changes feasibility)"
    else:
        what = ", ".join(PARAMETER_BY_NAME[n].path for n in uncertain)
    return (head + f"; Sobol indices need every sample feasible: narrow {what}"
            + (" or drop the latency targets" if n_latency else "")
            + "; simulate() shows the feasible fraction")


def sobol(scenario: Scenario | Mapping | str, metric: str = DEFAULT_METRIC,
          samples: int = DEFAULT_SOBOL_SAMPLES, seed: SeedLike = DEFAULT_SEED, *,
          backend: str = "auto", threads: int | None = None,
          num_resamples: int = DEFAULT_NUM_RESAMPLES,
          conf_level: float = DEFAULT_CONF_LEVEL) -> SobolResult:
    """Sobol' first- and total-order indices of ``metric`` over a scenario's uncertain inputs.

    Samples ``0 .. N-1`` of the scenario's random stream form matrix A and samples ``N .. 2N-1``
    matrix B, so the same seed gives the same design (and the same result) on every backend and
    thread count. The design's ``N (D + 2)`` rows are evaluated on the chosen core.

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario without sweep axes, with at least one uncertain input.
    metric : str
        One of :data:`~inferonomics.model.reference.METRIC_NAMES` (default ``usd_per_mtok``, USD per
        million output tokens).
    samples : int
        Base samples ``N`` in [64, 2**24]; the analysis costs ``N (D + 2)`` evaluations.
    seed : int, SeedSequence, Generator or None
        Seed in [0, 2**64) of the draws and of the bootstrap (default 0, as everywhere; see
        :func:`inferonomics.sampling.rng.normalize_seed`); ``None`` draws one (recorded in the
        result).
    backend : {"auto", "reference", "c", "numba"}
        The core that draws and evaluates.
    threads : int or None
        Worker threads for the native cores (``None``: all available). Results do not depend on it.
    num_resamples, conf_level
        Bootstrap resamples and confidence level of the intervals.

    Raises
    ------
    ScenarioError
        Unknown metric, sweep axes, no uncertain input, bad ``samples`` / ``seed`` / ``threads``,
        or evaluations that do not fit in memory or miss a latency target (the indices of a metric
        that is undefined for part of the input space would be meaningless, so nothing is dropped
        silently).
    """
    column = metric_column(metric)
    samples = _check_int("samples", samples, MIN_SAMPLES, MAX_SAMPLES)
    num_resamples = _check_int("num_resamples", num_resamples, 2, 100_000)
    conf_level = _check_conf_level(conf_level)
    threads = check_threads(threads)
    seed = normalize_seed(seed)
    _, plan = _plan_of(scenario, "a Sobol analysis")
    names = plan.uncertain
    columns = [INPUT_NAMES.index(n) for n in names]
    D = len(names)
    chosen = backends.get_backend(backend)
    threads = threads or backends.default_threads()
    encoded = encode(plan.distributions)
    counts = np.zeros(len(STATUS_NAMES), dtype=np.int64)
    flips = np.zeros(D, dtype=np.int64)

    def evaluate_rows(start: int, n: int) -> np.ndarray:
        A = chosen.draw(encoded, plan.distributions, seed, start, n)
        B = chosen.draw(encoded, plan.distributions, seed, samples + start, n)
        out = chosen.evaluate(_radial_design(A, B, columns), threads)
        status = out[:, STATUS_COLUMN].astype(np.int64)
        counts[:] += np.bincount(status, minlength=len(STATUS_NAMES))
        ok = (status == STATUS_OK).reshape(D + 2, n)
        flips[:] += (ok[2:] != ok[0]).sum(axis=1)
        return out[:, column]

    yA, yB, yAB = _evaluate_design(samples, D, evaluate_rows)
    total = samples * (D + 2)
    if counts[STATUS_OK] != total:
        raise ScenarioError("", _infeasible_message(counts, total, names, flips))
    finite = np.isfinite(yA).all() and np.isfinite(yB).all() and np.isfinite(yAB).all()
    if not finite:  # pragma: no cover - feasible rows have finite metrics
        raise ScenarioError("metric", f"{metric} is not finite for some feasible samples")
    est = _analyze(yA, yB, yAB, num_resamples, conf_level, seed)
    if est.constant:
        warnings.warn(f"{metric} does not vary with the uncertain inputs ({', '.join(names)}); "
                      "every Sobol index is reported as 0", RuntimeWarning, stacklevel=2)
    return SobolResult(names, est.S1, est.S1_conf, est.ST, est.ST_conf, samples, conf_level,
                       num_resamples, est.output_mean, est.output_var, metric, seed, chosen.name)


def tornado(scenario: Scenario | Mapping | str, metric: str = DEFAULT_METRIC,
            low: float = DEFAULT_TORNADO_LOW, high: float = DEFAULT_TORNADO_HIGH, *,
            backend: str = "auto", samples: int = DEFAULT_TORNADO_SAMPLES,
            seed: int | None = 0) -> TornadoResult:
    """One-at-a-time sensitivity: how far ``metric`` moves when one input alone goes from its
    ``low`` to its ``high`` quantile while every other input stays at its median.

    The quantiles are empirical ones of ``samples`` draws of the input from the model's own
    sampler (``method="lower"``: always a value the input can take, an integer for integer inputs
    and one of the listed values for a choice). Rows are sorted by swing, largest first. A tornado
    ignores interactions and the inputs' joint spread; :func:`sobol` accounts for both.

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario without sweep axes, with at least one uncertain input.
    metric : str
        One of :data:`~inferonomics.model.reference.METRIC_NAMES`.
    low, high : float
        Quantile levels of the two ends, ``0 <= low < high <= 1``.
    backend : {"auto", "reference", "c", "numba"}
        The core that draws and evaluates.
    samples : int
        Draws behind the empirical quantiles, in [64, 2**24].
    seed : int or None
        Seed of the draws, in [0, 2**64).

    Raises
    ------
    ScenarioError
        As :func:`sobol`, and when the all-medians base point does not fit in memory. Ends that do
        not fit are reported in the rows' ``status_low`` / ``status_high`` (their value is NaN).
    """
    column = metric_column(metric)
    for label, q in (("low", low), ("high", high)):
        if isinstance(q, bool) or not isinstance(q, (int, float, np.floating)) or \
                not 0.0 <= q <= 1.0:
            raise ScenarioError(label, f"must be a quantile level in [0, 1], got {q!r}")
    if not low < high:
        raise ScenarioError("low", f"must be below high ({high!r}), got {low!r}")
    samples = _check_int("samples", samples, MIN_SAMPLES, MAX_SAMPLES)
    seed = normalize_seed(seed)
    _, plan = _plan_of(scenario, "a tornado analysis")
    names = plan.uncertain
    columns = [INPUT_NAMES.index(n) for n in names]
    chosen = backends.get_backend(backend)
    encoded = encode(plan.distributions)

    # Keep only the uncertain columns of the draws, chunk by chunk, so memory is samples x D.
    drawn = np.empty((samples, len(names)))
    for start in range(0, samples, backends.CHUNK_SAMPLES):
        n = min(backends.CHUNK_SAMPLES, samples - start)
        block = chosen.draw(encoded, plan.distributions, seed, start, n)
        drawn[start:start + n] = block[:, columns]
    lows = np.quantile(drawn, float(low), axis=0, method="lower")
    highs = np.quantile(drawn, float(high), axis=0, method="lower")

    medians = plan.medians()
    base_row = np.array([medians[n] for n in INPUT_NAMES])
    # Row 0: the base; rows 2k+1 and 2k+2: input k at its low and at its high quantile.
    matrix = np.tile(base_row, (2 * len(names) + 1, 1))
    for k, c in enumerate(columns):
        matrix[2 * k + 1, c] = lows[k]
        matrix[2 * k + 2, c] = highs[k]
    out = chosen.evaluate(matrix, 1)
    status = out[:, STATUS_COLUMN].astype(np.int64)
    values = out[:, column]
    if not math.isfinite(values[0]):
        why = "does not fit in memory" if status[0] == STATUS_MEMORY else f"gives no {metric}"
        raise ScenarioError("", f"with every input at its median the configuration {why}; a "
                            "tornado needs a feasible base point")
    rows = []
    for k, name in enumerate(names):
        v_low, v_high = float(values[2 * k + 1]), float(values[2 * k + 2])
        rows.append(TornadoRow(name, PARAMETER_BY_NAME[name].path, float(lows[k]),
                               float(highs[k]), v_low, v_high, abs(v_high - v_low),
                               STATUS_NAMES[int(status[2 * k + 1])],
                               STATUS_NAMES[int(status[2 * k + 2])]))
    # NaN swings (an end that does not fit) first, then by swing; stable, so ties keep input order.
    rows.sort(key=lambda r: -math.inf if math.isnan(r.swing) else -r.swing)
    return TornadoResult(metric, float(values[0]), STATUS_NAMES[int(status[0])], float(low),
                         float(high), samples, seed, chosen.name, tuple(rows),
                         {n: medians[n] for n in names})


__all__ = ["SobolResult", "TornadoResult", "TornadoRow", "sobol", "sobol_indices", "tornado"]
