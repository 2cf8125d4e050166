"""Charts of sensitivity analyses: the one-at-a-time tornado and Sobol indices."""

from __future__ import annotations

import numpy as np

from .figure import axis_label, finish, new_figure


def tornado_chart(result, path=None, *, name: str | None = None):
    """One horizontal bar per uncertain input from the metric at the input's low quantile to its
    value at the high quantile (others at their medians), largest swing on top. ``name``, the
    scenario's name, heads the title."""
    rows = [r for r in result.rows][::-1]   # barh draws bottom-up
    fig, ax = new_figure(figsize=(9, 0.45 * len(rows) + 1.8))
    for j, r in enumerate(rows):
        if r.status_low != "ok" or r.status_high != "ok":
            ax.text(result.base, j, f"{r.name}: infeasible at one end ({r.status_low}/"
                    f"{r.status_high})", va="center", fontsize=8, color="tab:red")
            continue
        ax.barh(j, r.value_low - result.base, left=result.base, color="tab:blue", alpha=0.8)
        ax.barh(j, r.value_high - result.base, left=result.base, color="tab:orange", alpha=0.8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{r.name} [{r.low_input:.4g}, {r.high_input:.4g}]" for r in rows],
                       fontsize=8)
    ax.axvline(result.base, color="black", lw=1)
    ax.set_xlabel(axis_label(result.metric) + f"; base {result.base:.4g} (all inputs at median)")
    from matplotlib.patches import Patch

    ax.legend([Patch(color="tab:blue"), Patch(color="tab:orange")],
              [f"input at p{result.low * 100:g}", f"input at p{result.high * 100:g}"], fontsize=8,
              loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title((f"{name}\n" if name else "") + f"Tornado: {result.metric}, one input at a time "
                 f"(input quantiles from {result.samples:,} draws, seed {result.seed})",
                 fontsize=10)
    return finish(fig, path)


def sobol_chart(result, path=None, *, name: str | None = None):
    """First-order and total-order Sobol indices per input with their confidence intervals,
    inputs sorted by total order. ``name``, the scenario's name, heads the title."""
    r = result.ranked("ST")
    n = len(r.names)
    fig, ax = new_figure(figsize=(max(6, 0.8 * n + 2), 4.5))
    x = np.arange(n)
    ax.bar(x - 0.2, r.S1, 0.4, yerr=r.S1_conf, capsize=3, label="first order S1",
           color="tab:blue")
    ax.bar(x + 0.2, r.ST, 0.4, yerr=r.ST_conf, capsize=3, label="total order ST",
           color="tab:orange")
    ax.set_xticks(x)
    ax.set_xticklabels(r.names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("share of output variance")
    ax.set_ylim(min(0.0, float(np.min(r.S1 - r.S1_conf))) - 0.02, 1.05)
    ax.axhline(0, color="black", lw=0.8)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    seed = "" if result.seed is None else f", seed {result.seed}"
    ax.set_title((f"{name}\n" if name else "") + f"Sobol indices of {result.metric} "
                 f"({result.N:,} base samples{seed}, {result.conf_level:.0%} bootstrap "
                 "intervals)", fontsize=10)
    return finish(fig, path)
