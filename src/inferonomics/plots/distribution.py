"""The distribution of one metric over a simulation's samples."""

from __future__ import annotations

import numpy as np

from .figure import axis_label, finish, new_figure, plain_log_ticks


def distribution_chart(result, metric: str, path=None):
    """Histogram (log-spaced bins when the values span a decade or more) and empirical CDF of one
    metric over the feasible samples of a :class:`~inferonomics.api.Result` kept with
    ``keep_samples=True``; p5, p50 and p95 marked."""
    df = result.to_pandas()
    values = df.loc[df["status"] == "ok", metric].to_numpy()
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(11, 4.2))
    if values.size == 0:
        ax1.text(0.5, 0.5, "no feasible sample", ha="center", transform=ax1.transAxes)
    else:
        lo, hi = values.min(), values.max()
        log = lo > 0 and hi / lo >= 10
        bins = np.geomspace(lo, hi, 80) if log else 80
        ax1.hist(values, bins=bins, color="tab:blue", alpha=0.8)
        if log:
            ax1.set_xscale("log")
        xs = np.sort(values)
        ax2.plot(xs, np.arange(1, xs.size + 1) / xs.size, color="tab:blue")
        if log:
            ax2.set_xscale("log")
        s = result.summary()[metric]
        for q, style in ((0.05, ":"), (0.5, "--"), (0.95, ":")):
            v = s.quantile(q)
            for ax in (ax1, ax2):
                ax.axvline(v, color="black", ls=style, lw=1)
            ax2.annotate(f"p{int(q * 100)} {v:.3g}", (v, q), textcoords="offset points",
                         xytext=(5, -12 if q > 0.5 else 5), fontsize=8)
    ax1.set_xlabel(axis_label(metric))
    ax1.set_ylabel("samples")
    ax2.set_xlabel(axis_label(metric))
    ax2.set_ylabel("fraction of feasible samples <= x")
    ax2.grid(alpha=0.3)
    for ax in (ax1, ax2):
        plain_log_ticks(ax)
    fig.suptitle(f"{result.scenario.name}: {metric}, {result.samples:,} samples, seed "
                 f"{result.seed} ({result.feasible_fraction:.1%} feasible)")
    return finish(fig, path)
