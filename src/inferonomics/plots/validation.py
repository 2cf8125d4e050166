"""The validation chart: predicted intervals against published measurements."""

from __future__ import annotations

import math

from .figure import finish, new_figure


def plot_validation(report: dict, path=None):
    """Predicted 90% intervals (p5-p95, with p50) against the measured values, both on log axes,
    one point per case, coloured by metric; the diagonal is perfect agreement. An interval without
    an upper end (TTFT under a load the replica cannot always keep up with) is an arrow."""
    cases = [c for c in report["cases"] if c["feasible_fraction"] > 0 and c["measured"] > 0]
    fig, axes = new_figure(1, 2, figsize=(12, 5.5))
    groups = (("throughput (tokens/s)", lambda c: c["metric"] == "tokens_per_s_total"),
              ("latency (s) and energy (J/token)", lambda c: c["metric"] != "tokens_per_s_total"))
    markers = {"ttft_s": "o", "tpot_s": "s", "e2e_s": "D", "joules_per_token_gpu": "^",
               "joules_per_token_node": "v", "tokens_per_s_total": "o"}
    for ax, (title, keep) in zip(axes, groups):
        chosen = [c for c in cases if keep(c)]
        for c in chosen:
            color = "tab:green" if c["inside"] else "tab:red"
            if c["p95"] < math.inf:
                ax.plot([c["measured"]] * 2, [c["p5"], c["p95"]], color=color, alpha=0.6, lw=2)
            if c["p50"] < math.inf:
                ax.plot(c["measured"], c["p50"], markers[c["metric"]], color=color,
                        mfc="white" if c["holdout"] else color, ms=6)
        values = [v for c in chosen for v in (c["measured"], c["p5"], c["p95"])
                  if 0 < v < math.inf]
        if values:
            lo, hi = min(values) / 1.5, max(values) * 1.5
            # An unbounded prediction (a queue that does not keep up in some samples) is drawn to
            # the top edge, with an arrow.
            for c in chosen:
                if c["p95"] == math.inf:
                    color = "tab:green" if c["inside"] else "tab:red"
                    ax.annotate("", xy=(c["measured"], hi), xytext=(c["measured"], max(c["p5"], lo)),
                                arrowprops=dict(arrowstyle="->", color=color, alpha=0.6, lw=2))
            ax.plot([lo, hi], [lo, hi], color="grey", lw=1, ls="--")
            ax.set_xlim(lo, hi)
            ax.set_ylim(lo, hi)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("measured")
        ax.set_ylabel("predicted (p5-p95, dot = p50)")
        ax.set_title(title)
        shown = sorted({c["metric"] for c in chosen})
        if len(shown) > 1:
            from matplotlib.lines import Line2D

            ax.legend([Line2D([], [], marker=markers[m], ls="", color="grey") for m in shown], shown,
                      loc="upper left", fontsize=8)
    s = report["summary"]["all"]
    fig.suptitle(f"inferonomics validate: {s['cases']} cases, 90% interval coverage "
                 f"{s['coverage']:.0%}, median p50 error x{math.exp(s['median_log_error']):.2f} "
                 "(green: inside; hollow: held out of fitting)")
    return finish(fig, path)
