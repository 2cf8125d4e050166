"""From a sweep's table to a decision: the best configurations under constraints, the Pareto
frontier, and comparisons of options under uncertainty on common random numbers.

Everything here reads a :class:`~inferonomics.analysis.sweeps.SweepResult` or runs the cores through
:mod:`inferonomics.cores.backends`; nothing re-implements the model.
"""

from __future__ import annotations

import math
import statistics
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from ..cores import backends
from ..cores.encoding import encode
from ..errors import ScenarioError, suggest
from ..io.scenario import Plan, Scenario, load_scenario
from ..jsonable import jsonable
from ..model.columns import parse_stat, split_column
from ..model.constraints import (FEASIBLE_COLUMN, MAXIMIZED_METRICS, Constraint, Objective,
                          metric_column, parse_constraint, parse_objective)
from ..model.reference import STATUS_OK
from ..model.registry import HIGHER, METRIC_BY_NAME, PARAMETER_BY_PATH
from ..sampling.rng import normalize_seed
from .grid import Grid
from ..progress import ProgressBar
from .sweeps import SweepResult

DEFAULT_OBJECTIVE = "usd_per_mtok_p50"
DEFAULT_MIN_FEASIBLE = 0.95
"""A point must run (fit in memory, meet the scenario's latency targets) in at least this fraction
of its samples to be kept; its statistics are over those samples."""
DEFAULT_TOP = 10
COMPARE_CHUNK = 1 << 16          # samples per core call in comparisons
CONFIDENCE = 0.95
BREAK_EVEN_SAMPLES = 1 << 16
BREAK_EVEN_ITERATIONS = 60       # bisection halvings: far below any input's meaningful precision
BREAK_EVEN_RTOL = 1e-9
MAX_COMPARED_POINTS = 10_000     # compare_points evaluates every point's samples one by one


# ------------------------------------------------------------------------------------------------
# Best configurations under constraints
# ------------------------------------------------------------------------------------------------

def _column(result: SweepResult, metric: str, stat: str, rows=slice(None)) -> np.ndarray:
    if metric == FEASIBLE_COLUMN:
        return result.feasible_fraction[rows]
    return result.column(metric, stat if stat != "value" else "p50", rows)


def required_quantiles(constraints: Sequence[Constraint] = (), objective: Objective | None = None,
                       columns: Sequence[str] = ()) -> list[float]:
    """Quantiles a Monte Carlo sweep must keep for these constraints, objective and other columns
    (names like ``tpot_s_p95``)."""
    stats = [item.stat for item in list(constraints) + ([objective] if objective else [])]
    stats += [split_column(c)[1] for c in columns]
    return [q for q in (parse_stat(st) for st in stats if st != "value") if isinstance(q, float)]


@dataclass
class Ranking:
    """The grid points that meet every constraint, best first (``rows``), or, when none does, the
    nearest misses (``misses``: smallest largest relative excess over a limit first)."""

    result: SweepResult = field(repr=False)
    constraints: tuple[Constraint, ...]
    objective: Objective
    min_feasible: float
    rows: np.ndarray              # indices into the sweep's table
    meeting: int                  # how many points meet everything
    misses: np.ndarray            # nearest misses (only when meeting == 0)
    eligible: np.ndarray          # bool per point: feasible enough and meeting every constraint

    @property
    def best(self) -> int | None:
        """Index of the best point, or None when no point meets the constraints."""
        return int(self.rows[0]) if self.rows.size else None

    def table(self, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Axis columns, the objective, ``feasible_fraction`` and every constrained column, for
        ``rows`` (default: the ranked rows, else the nearest misses)."""
        rows = (self.rows if self.rows.size else self.misses) if rows is None else rows
        out = self.result.axis_columns(rows)
        out[self.objective.column] = _column(self.result, self.objective.metric,
                                             self.objective.stat, rows)
        out[FEASIBLE_COLUMN] = self.result.feasible_fraction[rows]
        for c in self.constraints:
            out[c.column] = _column(self.result, c.metric, c.stat, rows)
        return out

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(self.table())

    def to_dict(self) -> dict[str, Any]:
        rows = self.rows if self.rows.size else self.misses
        table = self.table(rows)
        return {
            "objective": str(self.objective), "constraints": [str(c) for c in self.constraints],
            "min_feasible": self.min_feasible, "points": self.result.completed,
            "meeting": self.meeting,
            "best" if self.rows.size else "nearest_misses": [
                {"index": int(i), **{k: jsonable(v[j]) for k, v in table.items()}}
                for j, i in enumerate(rows)]}


def decision_settings(result: SweepResult, constraints=None, objective=None, min_feasible=None):
    """Constraints, objective and feasibility floor: the arguments when given, else the scenario's
    ``[sweep]`` table, else the defaults."""
    table = result.scenario.raw.get("sweep", {})
    constraints = table.get("constraints", []) if constraints is None else constraints
    objective = table.get("objective", DEFAULT_OBJECTIVE) if objective is None else objective
    min_feasible = table.get("min_feasible", DEFAULT_MIN_FEASIBLE) if min_feasible is None \
        else min_feasible
    parsed = tuple(parse_constraint(c, f"constraints[{j}]") for j, c in enumerate(constraints))
    if not 0.0 <= float(min_feasible) <= 1.0:
        raise ScenarioError("min_feasible", f"must be a fraction in [0, 1], got {min_feasible!r}")
    return parsed, parse_objective(objective), float(min_feasible)


def best(result: SweepResult, constraints: Sequence[str | Constraint] | None = None,
         objective: str | Objective | None = None, *, top: int = DEFAULT_TOP,
         min_feasible: float | None = None) -> Ranking:
    """Rank a sweep's points: keep those feasible in at least ``min_feasible`` of their samples
    that meet every constraint (``"tpot_s_p95 <= 0.04"``), order them by the objective
    (``"usd_per_mtok_p50"``, minimised; throughput maximised) and return the first ``top``."""
    constraints, objective, min_feasible = decision_settings(result, constraints, objective,
                                                            min_feasible)
    for item in list(constraints) + [objective]:     # a missing quantile fails before ranking
        if item.metric != FEASIBLE_COLUMN:
            _column(result, item.metric, item.stat)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ScenarioError("top", f"must be a whole number >= 1, got {top!r}")
    value = _column(result, objective.metric, objective.stat)
    ok = (result.feasible_fraction >= min_feasible) & ~np.isnan(value)
    excess = np.where(result.feasible_fraction >= min_feasible, 0.0,
                      (min_feasible - result.feasible_fraction) / max(min_feasible, 1e-12))
    with np.errstate(invalid="ignore"):
        for c in constraints:
            v = _column(result, c.metric, c.stat)
            ok &= c.holds(v)
            excess = np.maximum(excess, c.excess(v))
    meeting = np.flatnonzero(ok)
    key = -value[meeting] if objective.maximize else value[meeting]
    order = meeting[np.argsort(key, kind="stable")][:top]
    misses = np.empty(0, dtype=np.int64)
    if meeting.size == 0:
        misses = np.argsort(excess, kind="stable")[:top]
    return Ranking(result, constraints, objective, min_feasible, order, int(meeting.size), misses,
                   ok)


# ------------------------------------------------------------------------------------------------
# Pareto frontier
# ------------------------------------------------------------------------------------------------

def pareto_front(points, maximize: Sequence[bool] | None = None) -> np.ndarray:
    """Mask of the non-dominated rows of ``points`` (n rows, k >= 2 objectives, minimised unless
    ``maximize[j]``). A row is dominated when another is no worse in every objective and better in
    one; equal rows do not dominate each other; rows with NaN are never on the front.

    Two objectives take O(n log n) (one sort and a sweep); more take O(n log n + n f) with f the
    front's size (Kung et al. 1975's sort-then-filter).
    """
    pts = np.array(points, dtype=float, copy=True)
    if pts.ndim != 2 or pts.shape[1] < 2:
        raise ScenarioError("pareto", f"needs an (n, k) array with k >= 2 objectives, got shape "
                            f"{pts.shape}")
    if maximize is not None:
        if len(maximize) != pts.shape[1]:
            raise ScenarioError("pareto", "maximize needs one flag per objective")
        pts[:, np.asarray(maximize, dtype=bool)] *= -1.0
    n = pts.shape[0]
    front = np.zeros(n, dtype=bool)
    valid = np.flatnonzero(~np.isnan(pts).any(axis=1))
    if valid.size == 0:
        return front
    sub = pts[valid]
    order = np.lexsort(sub.T[::-1])       # by the first objective, then the second, ...
    s = sub[order]
    if s.shape[1] == 2:
        # Sorted by (x, y): a row is dominated exactly when some earlier row that is not equal
        # to it has y <= its y. Equal rows are adjacent, so keep the minimum y before each run.
        new_run = np.ones(len(s), dtype=bool)
        new_run[1:] = (s[1:] != s[:-1]).any(axis=1)
        run_id = np.cumsum(new_run) - 1
        run_start = np.flatnonzero(new_run)
        prefix_min = np.minimum.accumulate(s[:, 1])
        before = np.full(run_start.size, np.inf)
        before[1:] = prefix_min[run_start[1:] - 1]
        keep = (run_id == 0) | (s[:, 1] < before[run_id])   # the first run has nothing before it
    else:
        keep = np.zeros(len(s), dtype=bool)
        kept: list[int] = []
        for i in range(len(s)):
            # Only rows earlier in lexicographic order can dominate row i, and a row dominated by
            # a dominated row is dominated by a front row, so the front so far is enough.
            if kept:
                f = s[kept]
                if ((f <= s[i]).all(axis=1) & (f < s[i]).any(axis=1)).any():
                    continue
            kept.append(i)
        keep[kept] = True
    front[valid[order[keep]]] = True
    return front


def sweep_pareto(result: SweepResult, columns: Sequence[str],
                 mask: np.ndarray | None = None) -> np.ndarray:
    """Pareto mask over a sweep's points for columns like ``["usd_per_mtok_p50", "tpot_s_p95"]``
    (throughput maximised, everything else minimised); points infeasible in every sample, and
    points where ``mask`` is false (e.g. a ranking's ``eligible``), are never on the front."""
    if not 2 <= len(columns) <= 3:
        raise ScenarioError("pareto", f"takes two or three metric columns, got {len(columns)}")
    parsed = [split_column(c) for c in columns]
    values = np.column_stack([_column(result, m, s) for m, s in parsed])
    if mask is not None:
        values[~np.asarray(mask, dtype=bool)] = np.nan
    return pareto_front(values, [m in MAXIMIZED_METRICS for m, _ in parsed])


# ------------------------------------------------------------------------------------------------
# Comparison under uncertainty
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """A against B on ``metric`` over the same samples (common random numbers).

    ``p_a_lower``: probability that A's value is lower than B's (for a cost: A is cheaper), over
    the samples where both run; ``p_a_higher`` the other way (for a net value: A is worth more);
    ``p_equal`` ties; each with its Wilson interval. ``p_a_better`` is whichever of the two the
    metric's direction (``registry.Metric.better``) makes the better. ``mean_difference`` = mean of A - B (units of
    the metric) with its ``CONFIDENCE`` interval; ``relative_difference`` = mean(A - B) / |mean(B)|.
    """

    metric: str
    samples: int
    both_feasible: int
    a_infeasible: int
    b_infeasible: int
    p_a_lower: float
    p_a_lower_ci: tuple[float, float]
    p_equal: float
    mean_a: float
    mean_b: float
    mean_difference: float
    mean_difference_ci: tuple[float, float]
    p_a_higher: float = math.nan
    p_a_higher_ci: tuple[float, float] = (math.nan, math.nan)

    @property
    def higher_is_better(self) -> bool:
        return METRIC_BY_NAME[self.metric].better == HIGHER

    @property
    def p_a_better(self) -> float:
        """P(A's value is the better one): P(higher) for a metric where higher is better (a
        throughput, a net value), else P(lower)."""
        return self.p_a_higher if self.higher_is_better else self.p_a_lower

    @property
    def relative_difference(self) -> float:
        # Over |mean B|: a net value's baseline may be negative, and a better A must not read as
        # a negative change.
        return self.mean_difference / abs(self.mean_b) if self.mean_b else math.nan

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["relative_difference"] = self.relative_difference
        out["p_a_better"] = self.p_a_better
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in out.items()}


def _z(confidence: float) -> float:
    return statistics.NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion k / n."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


class _Stream:
    """Mergeable mean and sum of squared deviations (Chan et al.) of a difference."""

    def __init__(self):
        self.n, self.mean, self.m2 = 0, 0.0, 0.0

    def add(self, x: np.ndarray) -> None:
        if x.size == 0:
            return
        nb, mb = x.size, float(x.mean())
        m2b = float(((x - mb) ** 2).sum())
        n = self.n + nb
        delta = mb - self.mean
        self.mean += delta * nb / n
        self.m2 += m2b + delta * delta * self.n * nb / n
        self.n = n


def _plans_of(option):
    """A Plan from a Scenario / dict / path without axes, or a Plan itself."""
    if isinstance(option, Plan):
        return option
    return load_scenario(option).resolve()


def _metric_chunks(chosen, plan, m: int, samples: int, seed: int, threads: int):
    """(values of output column m, feasible mask) of samples 0 .. samples-1, chunk by chunk."""
    enc = encode(plan.distributions)
    for start in range(0, samples, COMPARE_CHUNK):
        n = min(COMPARE_CHUNK, samples - start)
        y = chosen.evaluate(chosen.draw(enc, plan.distributions, seed, start, n), threads)
        yield y[:, m], y[:, 0] == STATUS_OK


def _compare_chunks(metric: str, samples: int, chunks_a, chunks_b, confidence: float) -> Comparison:
    diff, mean_a, mean_b = _Stream(), _Stream(), _Stream()
    lower = equal = a_bad = b_bad = 0
    for (va, ok_a), (vb, ok_b) in zip(chunks_a, chunks_b):
        a_bad += int((~ok_a).sum())
        b_bad += int((~ok_b).sum())
        both = ok_a & ok_b
        va, vb = va[both], vb[both]
        lower += int((va < vb).sum())
        equal += int((va == vb).sum())
        diff.add(va - vb)
        mean_a.add(va)
        mean_b.add(vb)
    z = _z(confidence)
    n = diff.n
    if n == 0:
        nan2 = (math.nan, math.nan)
        return Comparison(metric, samples, 0, a_bad, b_bad, math.nan, nan2, math.nan,
                          math.nan, math.nan, math.nan, nan2, math.nan, nan2)
    half = z * math.sqrt(diff.m2 / (n - 1) / n) if n > 1 else math.inf
    higher = n - lower - equal
    return Comparison(metric, samples, n, a_bad, b_bad, lower / n, _wilson(lower, n, z),
                      equal / n, mean_a.mean, mean_b.mean, diff.mean,
                      (diff.mean - half, diff.mean + half), higher / n, _wilson(higher, n, z))


def _check_compare_args(metric, samples, confidence, threads) -> int:
    m = metric_column(metric)
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or \
            not 2 <= samples <= backends.MAX_SAMPLES:
        raise ScenarioError("samples", f"must be an integer in [2, {backends.MAX_SAMPLES:g}], got {samples!r}")
    if not 0.0 < confidence < 1.0:
        raise ScenarioError("confidence", f"must be in (0, 1), got {confidence!r}")
    threads = backends.check_threads(threads)
    return m


def compare(a, b, metric: str = "usd_per_mtok", samples: int = 100_000, seed: int | None = 0, *,
            backend: str = "auto", threads: int | None = None,
            confidence: float = CONFIDENCE) -> Comparison:
    """Compare options ``a`` and ``b`` (scenarios without axes, or Plans) on ``metric``: both are
    evaluated on the same sample indices of the same seed, so every input the two share is drawn
    identically and only what differs between them moves the difference."""
    m = _check_compare_args(metric, samples, confidence, threads)
    seed = normalize_seed(seed)
    plan_a, plan_b = _plans_of(a), _plans_of(b)
    chosen = backends.get_backend(backend)
    threads = threads or backends.default_threads()
    return _compare_chunks(metric, int(samples),
                           _metric_chunks(chosen, plan_a, m, int(samples), seed, threads),
                           _metric_chunks(chosen, plan_b, m, int(samples), seed, threads),
                           confidence)


@dataclass
class PointComparisons:
    """Every other grid point against a baseline: ``(axis values, Comparison)`` per point, in grid
    order; ``interrupted`` when Ctrl-C stopped the run before all ``total`` were done. Iterates,
    indexes and has a length like the list of pairs."""

    baseline: dict[str, Any]
    pairs: list[tuple[dict[str, Any], Comparison]]
    total: int
    interrupted: bool = False

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, i):
        return self.pairs[i]


def compare_points(scenario: Scenario | Mapping | str, baseline: int | Mapping[str, Any] = 0,
                   metric: str = "usd_per_mtok", samples: int = 20_000, seed: int | None = 0, *,
                   backend: str = "auto", threads: int | None = None,
                   max_points: int = MAX_COMPARED_POINTS, confidence: float = CONFIDENCE,
                   progress: bool = False) -> PointComparisons:
    """One option against every other: each grid point of a sweep compared with ``baseline`` (a
    point index in C order, or ``{axis path: value}``), on common random numbers. The baseline's
    samples are evaluated once and kept (9 bytes a sample). Ctrl-C stops between points and
    returns the comparisons finished (with a warning)."""
    m = _check_compare_args(metric, samples, confidence, threads)
    scenario = load_scenario(scenario)
    if not scenario.axes:
        raise ScenarioError("scenario", "has no sweep axes; compare two scenarios with compare(a, b)")
    if scenario.grid_size > max_points:
        raise ScenarioError("max_points", f"{scenario.grid_size:,} grid points to compare, more "
                            f"than the limit of {max_points:,}")
    if scenario.grid_size < 2:
        raise ScenarioError("scenario", "its sweep has one grid point, nothing to compare it with; "
                            "give an axis two or more values, or compare two scenarios")
    grid = Grid(scenario)
    axes = grid.assignment(grid.digits(0))
    if isinstance(baseline, Mapping):
        unknown = [k for k in baseline if k not in axes]
        if unknown:
            raise ScenarioError("baseline", f"{unknown[0]!r} is not a sweep axis; axes: "
                                + ", ".join(axes))
        matches = [i for i in range(grid.size)
                   if all(grid.assignment(grid.digits(i)).get(k) == v for k, v in baseline.items())]
        if len(matches) != 1:
            raise ScenarioError("baseline", f"{dict(baseline)} matches {len(matches)} grid points; "
                                "give a value for every axis")
        baseline = matches[0]
    if isinstance(baseline, bool) or not isinstance(baseline, int) or not 0 <= baseline < grid.size:
        raise ScenarioError("baseline", f"must be a grid point index in [0, {grid.size}) or "
                            f"{{axis: value}}, got {baseline!r}")
    seed = normalize_seed(seed)
    chosen = backends.get_backend(backend)
    threads = threads or backends.default_threads()
    base = list(_metric_chunks(chosen, grid.plan(baseline), m, int(samples), seed, threads))
    out = []
    interrupted = False
    bar = ProgressBar(grid.size - 1, progress)
    try:
        for i in range(grid.size):
            if i == baseline:
                continue
            chunks = _metric_chunks(chosen, grid.plan(i), m, int(samples), seed, threads)
            out.append((grid.assignment(grid.digits(i)),
                        _compare_chunks(metric, int(samples), chunks, iter(base), confidence)))
            bar.update(1)
    except KeyboardInterrupt:
        interrupted = True
        warnings.warn(f"comparison interrupted: keeping the {len(out):,} of {grid.size - 1:,} "
                      "points finished", RuntimeWarning, stacklevel=2)
    finally:
        bar.close()
    return PointComparisons(grid.assignment(grid.digits(baseline)), out, grid.size - 1,
                            interrupted)


@dataclass(frozen=True)
class BreakEven:
    """The value of ``path`` in option ``side`` at which the mean of ``metric`` is the same for A
    and B, with the mean differences A - B at the ends of the bracket; ``value`` is None when there
    is none to find, and ``reason`` says why (the difference keeps its sign over [low, high], or an
    option cannot run somewhere in it)."""

    path: str
    side: str
    metric: str
    value: float | None
    low: float
    high: float
    difference_at_low: float
    difference_at_high: float
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def break_even(a, b, path: str, *, side: str = "b", metric: str = "usd_per_mtok",
               low: float | None = None, high: float | None = None,
               samples: int = BREAK_EVEN_SAMPLES, seed: int | None = 0,
               backend: str = "auto", threads: int | None = None) -> BreakEven:
    """The value of input ``path`` (e.g. ``"cost.usd_per_device_hour"``) in option ``side`` ("a" or
    "b") at which A and B have the same mean ``metric``, found by bisection on common random
    numbers over [low, high] (default: half to twice the input's current median)."""
    if side not in ("a", "b"):
        raise ScenarioError("side", f"must be 'a' or 'b', got {side!r}")
    if path not in PARAMETER_BY_PATH:
        raise ScenarioError("path", f"unknown input {path!r}{suggest(path, list(PARAMETER_BY_PATH))}")
    param = PARAMETER_BY_PATH[path]
    if param.integer:
        raise ScenarioError("path", f"{path} takes whole numbers, so it has no break-even value; "
                            "sweep it instead and compare the points")
    sc_a, sc_b = load_scenario(a), load_scenario(b)
    moving = sc_b if side == "b" else sc_a
    current = moving.resolve()[param.name].median()
    if current == 0 and (low is None or high is None):
        raise ScenarioError("range", f"{path} is 0 in option {side.upper()} (does it apply there? "
                            "e.g. an owned device has no hourly price), so there is no default "
                            "bracket of half to twice it; give low and high")
    low = 0.5 * current if low is None else float(low)
    high = 2.0 * current if high is None else float(high)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ScenarioError("range", f"needs low < high, got [{low:g}, {high:g}]")
    for v in (low, high):
        if not param.contains(v):
            raise ScenarioError("range", f"{path} must be {param.range_text()}, got {v:g}")
    seed = normalize_seed(seed)

    def difference(v: float) -> float:
        moved = moving.with_values({path: v})
        pair = (sc_a, moved) if side == "b" else (moved, sc_b)
        return compare(*pair, metric=metric, samples=samples, seed=seed, backend=backend,
                       threads=threads).mean_difference

    d_lo, d_hi = difference(low), difference(high)
    infeasible = "no sample where both options run at {} = {:g}"
    for v, d in ((low, d_lo), (high, d_hi)):
        if not math.isfinite(d):
            return BreakEven(path, side, metric, None, low, high, d_lo, d_hi,
                             infeasible.format(path, v))
    if d_lo * d_hi > 0:
        return BreakEven(path, side, metric, None, low, high, d_lo, d_hi,
                         f"A - B keeps its sign over [{low:g}, {high:g}]; widen the range")
    lo, hi, f_lo = low, high, d_lo
    for _ in range(BREAK_EVEN_ITERATIONS):
        mid = 0.5 * (lo + hi)
        f_mid = difference(mid)
        if not math.isfinite(f_mid):
            return BreakEven(path, side, metric, None, low, high, d_lo, d_hi,
                             infeasible.format(path, mid))
        if f_mid == 0.0:
            lo = hi = mid
            break
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
        if hi - lo <= BREAK_EVEN_RTOL * max(abs(lo), abs(hi)):
            break
    return BreakEven(path, side, metric, 0.5 * (lo + hi), low, high, d_lo, d_hi)


__all__ = ["Ranking", "best", "pareto_front", "sweep_pareto", "Comparison", "compare",
           "compare_points", "PointComparisons", "BreakEven", "break_even"]
