"""Names of table columns: ``METRIC_STAT`` (``usd_per_mtok_p50``, ``tpot_s_mean``), parsed and
built in one place for sweeps, constraints, decisions, plots and the CLI."""

from __future__ import annotations

import math

from ..errors import ScenarioError, suggest
from .registry import METRIC_NAMES

MOMENT_STATS = ("mean", "std", "min", "max")


def quantile_label(q: float) -> str:
    """Column suffix of quantile ``q``: 0.05 -> "p5", 0.5 -> "p50", 0.999 -> "p99.9"."""
    return "p" + f"{q * 100:.6g}"


def parse_stat(stat: str) -> str | float:
    """A statistic's name: "mean", "std", "min", "max", or a quantile "pNN" (returned as q in [0,
    1]); "median" means "p50"."""
    if stat == "median":
        return 0.5
    if stat == "value":
        raise ScenarioError("stat", "a Monte Carlo sweep has statistics per metric: name a column "
                            "like usd_per_mtok_p50 or tpot_s_mean")
    if stat in MOMENT_STATS:
        return stat
    if stat.startswith("p"):
        try:
            q = float(stat[1:]) / 100.0
        except ValueError:
            q = math.nan
        if 0.0 <= q <= 1.0:
            return q
    raise ScenarioError("stat", f"unknown statistic {stat!r}; use mean, std, min, max, median or "
                        "a percentile like p5, p50, p95, p99.9")


def split_column(name: str) -> tuple[str, str]:
    """``"usd_per_mtok_p95"`` -> ``("usd_per_mtok", "p95")``; a bare metric name gets "value"."""
    if name in METRIC_NAMES:
        return name, "value"
    metric, _, stat = name.rpartition("_")
    if metric not in METRIC_NAMES:
        guess = suggest(metric or name, METRIC_NAMES)
        raise ScenarioError("metric", f"unknown metric column {name!r}{guess}; columns are "
                            "METRIC_STAT, e.g. usd_per_mtok_p50 or tpot_s_p95, with METRIC one of "
                            + ", ".join(METRIC_NAMES))
    parse_stat(stat)
    return metric, stat
