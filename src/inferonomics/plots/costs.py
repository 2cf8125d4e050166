"""The cost breakdown chart: each acquisition mode's cost per token in its parts."""

from __future__ import annotations

import numpy as np

from ..analysis.tco import PART_METRICS
from .figure import finish, new_figure

PART_LABELS = {"rental_usd_per_mtok": "rental", "capital_usd_per_mtok": "capital",
               "hosting_usd_per_mtok": "hosting and colocation",
               "energy_usd_per_mtok": "electricity"}
PART_COLORS = {"rental_usd_per_mtok": "tab:blue", "capital_usd_per_mtok": "tab:orange",
               "hosting_usd_per_mtok": "tab:green", "energy_usd_per_mtok": "tab:red"}


def cost_breakdown_chart(result, path=None):
    """One stacked bar per acquisition mode of a :class:`~inferonomics.analysis.tco.TcoResult`:
    the mean of each part of the cost per million output tokens (means add up, so the bar's height
    is the mean cost), with the p5..p95 interval of the total as a whisker. Means are over the
    samples feasible in that mode."""
    modes = list(result.costs)
    fig, ax = new_figure(figsize=(7.5, 4.8))
    bottoms = np.zeros(len(modes))
    for part in PART_METRICS:
        heights = np.array([float(np.nanmean(result.costs[m][part])) for m in modes])
        if not np.any(heights > 0):
            continue
        ax.bar(modes, heights, bottom=bottoms, color=PART_COLORS[part], label=PART_LABELS[part],
               width=0.6)
        bottoms += heights
    totals = [result.costs[m]["usd_per_mtok"] for m in modes]
    lo = [float(np.nanquantile(t, 0.05)) for t in totals]
    hi = [float(np.nanquantile(t, 0.95)) for t in totals]
    ax.errorbar(modes, bottoms, yerr=[bottoms - np.array(lo), np.array(hi) - bottoms], fmt="none",
                ecolor="black", capsize=4, lw=1, label="p5..p95 of the total")
    for j, (mode, height) in enumerate(zip(modes, bottoms)):
        ax.annotate(f"${height:.3g}", (j, hi[j]), textcoords="offset points", xytext=(0, 4),
                    ha="center", fontsize=8)
    ax.set_ylabel("USD per million output tokens (mean)")
    ax.set_ylim(0, max(hi) * 1.15)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    u = float(np.median(result.utilization))
    ax.set_title(f"{result.scenario.name}\nCost per token by acquisition mode, utilization {u:.2g}; "
                 f"{result.samples:,} samples per mode, seed {result.seed}\nown and reserved pay "
                 "every hour, rent and spot only the serving hours", fontsize=9)
    return finish(fig, path)
