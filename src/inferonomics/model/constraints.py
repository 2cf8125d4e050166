"""Constraints and objectives over a sweep's table, written the way a person says them.

A constraint is ``COLUMN OP NUMBER`` with a column named ``METRIC_STAT`` (``tpot_s_p95 <= 0.04``,
``ttft_s_p99 < 0.5``, ``tokens_per_s_p5 >= 1000``) or ``feasible_fraction``; an objective is a
column, minimised unless the metric is one where more is better (throughput). Units are those of
the metric (seconds, USD per million tokens, ...; see README).
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass

from ..errors import ScenarioError, suggest
from .columns import split_column
from .registry import HIGHER, METRIC_NAMES, METRICS, OUTPUT_NAMES

MAXIMIZED_METRICS = frozenset(m.name for m in METRICS if m.better == HIGHER)
"""Metrics where more is better (the registry's ``better``); every other metric is minimised as a
cost (time, money, energy, carbon, water)."""
FEASIBLE_COLUMN = "feasible_fraction"
OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}
_PATTERN = re.compile(r"^\s*([A-Za-z0-9_.]+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+|inf)\s*$")


def metric_column(metric, path: str = "metric") -> int:
    """The output column (index into ``OUTPUT_NAMES``) of ``metric``, or a ScenarioError naming
    the closest metric names."""
    if not isinstance(metric, str) or metric not in METRIC_NAMES:
        raise ScenarioError(path, f"unknown metric {metric!r}{suggest(str(metric), METRIC_NAMES)}; "
                            "one of " + ", ".join(METRIC_NAMES))
    return OUTPUT_NAMES.index(metric)


def _split(column: str, path: str) -> tuple[str, str]:
    if column == FEASIBLE_COLUMN:
        return FEASIBLE_COLUMN, "value"
    try:
        return split_column(column)
    except ScenarioError as exc:
        raise ScenarioError(path, exc.message) from None


@dataclass(frozen=True)
class Constraint:
    """``metric``'s ``stat`` compared with ``limit`` by ``op`` (one of <=, <, >=, >)."""

    metric: str
    stat: str
    op: str
    limit: float

    @property
    def column(self) -> str:
        return self.metric if self.stat == "value" else f"{self.metric}_{self.stat}"

    def __str__(self) -> str:
        return f"{self.column} {self.op} {self.limit:g}"

    def holds(self, values):
        """Whether ``values`` (a number or numpy array) meet the constraint; NaN never does."""
        return OPERATORS[self.op](values, self.limit)

    def excess(self, values):
        """How far ``values`` miss the limit, relative to it (0 where the constraint holds)."""
        import numpy as np

        values = np.asarray(values, dtype=float)
        scale = abs(self.limit) if self.limit != 0 else 1.0
        gap = (values - self.limit) if self.op in ("<=", "<") else (self.limit - values)
        out = np.maximum(gap / scale, 0.0)
        return np.where(np.isnan(values), np.inf, np.where(self.holds(values), 0.0, out))


def parse_constraint(text, path: str = "constraint") -> Constraint:
    """A :class:`Constraint` from ``"tpot_s_p95 <= 0.04"``."""
    if isinstance(text, Constraint):
        return text
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if not match:
        raise ScenarioError(path, f"must look like 'tpot_s_p95 <= 0.04' (COLUMN OP NUMBER, OP one "
                            f"of <=, <, >=, >), got {text!r}")
    column, op, number = match.groups()
    metric, stat = _split(column, path)
    try:
        limit = float(number)
    except ValueError:
        limit = math.nan
    if math.isnan(limit):
        raise ScenarioError(path, f"the limit must be a number, got {number!r}")
    return Constraint(metric, stat, op, limit)


@dataclass(frozen=True)
class Objective:
    """Rank grid points by ``metric``'s ``stat``, smallest first unless ``maximize``."""

    metric: str
    stat: str
    maximize: bool

    @property
    def column(self) -> str:
        return self.metric if self.stat == "value" else f"{self.metric}_{self.stat}"

    def __str__(self) -> str:
        return f"{'maximise' if self.maximize else 'minimise'} {self.column}"


def parse_objective(text, path: str = "objective", maximize: bool | None = None) -> Objective:
    """An :class:`Objective` from a column name like ``"usd_per_mtok_p50"``."""
    if isinstance(text, Objective):
        return text
    if not isinstance(text, str):
        raise ScenarioError(path, f"must be a column name like 'usd_per_mtok_p50', got {text!r}")
    metric, stat = _split(text.strip(), path)
    if metric == FEASIBLE_COLUMN:
        raise ScenarioError(path, "must be a metric column like usd_per_mtok_p50")
    return Objective(metric, stat, metric in MAXIMIZED_METRICS if maximize is None else maximize)


__all__ = ["Constraint", "Objective", "parse_constraint", "parse_objective", "MAXIMIZED_METRICS",
           "METRIC_NAMES", "metric_column"]
