"""Plots (matplotlib, an optional extra: ``pip install "inferonomics[plot]"``)."""

from __future__ import annotations

import math

from .model.columns import split_column
from .model.constraints import MAXIMIZED_METRICS
from .errors import InferonomicsError, ScenarioError
from .model.registry import unit_of


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display is needed or wanted
        import matplotlib.pyplot as plt
    except ImportError:
        raise InferonomicsError("plotting needs matplotlib: pip install 'inferonomics[plot]'") from None
    return plt


def plot_validation(report: dict, path: str) -> None:
    """Predicted 90% intervals (p5-p95, with p50) against the measured values, both on log axes,
    one point per case, coloured by metric; the diagonal is perfect agreement."""
    plt = _pyplot()
    cases = [c for c in report["cases"] if c["feasible_fraction"] > 0 and c["measured"] > 0]
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5))
    groups = (("throughput (tokens/s)", lambda c: c["metric"] == "tokens_per_s_total"),
              ("latency (s) and energy (J/token)", lambda c: c["metric"] != "tokens_per_s_total"))
    markers = {"ttft_s": "o", "tpot_s": "s", "e2e_s": "D", "joules_per_token_gpu": "^",
               "joules_per_token_node": "v", "tokens_per_s_total": "o"}
    for ax, (title, keep) in zip(axes, groups):
        chosen = [c for c in cases if keep(c)]
        for c in chosen:
            color = "tab:green" if c["inside"] else "tab:red"
            ax.plot([c["measured"]] * 2, [c["p5"], c["p95"]], color=color, alpha=0.6, lw=2)
            ax.plot(c["measured"], c["p50"], markers[c["metric"]], color=color,
                    mfc="white" if c["holdout"] else color, ms=6)
        values = [v for c in chosen for v in (c["measured"], c["p5"], c["p95"]) if v > 0]
        if values:
            lo, hi = min(values) / 1.5, max(values) * 1.5
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
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _save(fig, path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    _pyplot().close(fig)


def _axis_label(column: str) -> str:
    try:
        metric, stat = split_column(column)
    except Exception:
        return column
    unit = unit_of(metric)
    return f"{column} ({unit})" if unit else column


def distribution_chart(result, metric: str, path) -> None:
    """Histogram (log-spaced bins when the values span a decade or more) and empirical CDF of one
    metric over the feasible samples of a :class:`~inferonomics.api.Result` kept with
    ``keep_samples=True``; p5, p50 and p95 marked."""
    import numpy as np

    plt = _pyplot()
    df = result.to_pandas()
    values = df.loc[df["status"] == "ok", metric].to_numpy()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
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
    ax1.set_xlabel(_axis_label(metric))
    ax1.set_ylabel("samples")
    ax2.set_xlabel(_axis_label(metric))
    ax2.set_ylabel("fraction of feasible samples <= x")
    ax2.grid(alpha=0.3)
    for ax in (ax1, ax2):
        _plain_log_ticks(ax)
    fig.suptitle(f"{result.scenario.name}: {metric}, {result.samples:,} samples "
                 f"({result.feasible_fraction:.1%} feasible)")
    _save(fig, path)


MAX_FRONT_LABELS = 20


def pareto_chart(result, front, x: str, y: str, path) -> None:
    """Every grid point of a sweep in grey, the Pareto frontier over columns x and y as a step line
    through its points, labelled with their axis values."""
    import numpy as np

    plt = _pyplot()
    xs, ys = (result.column(*split_column(c)) for c in (x, y))
    fig, ax = plt.subplots(figsize=(10, 6.5))
    dominated = ~front & ~np.isnan(xs) & ~np.isnan(ys)
    ax.scatter(xs[dominated], ys[dominated], s=12, color="lightgrey", label="dominated")
    idx = np.flatnonzero(front)
    idx = idx[np.argsort(xs[idx], kind="stable")]
    ax.step(xs[idx], ys[idx], where="post", color="tab:red", lw=1.5)
    ax.scatter(xs[idx], ys[idx], s=30, color="tab:red", zorder=3, label="Pareto frontier")
    hidden = {p for d in result.grid.dims for p in d.paths[1:]}   # zipped: move with the first
    axes = {k: v for k, v in result.axis_columns().items() if k not in hidden}
    for j, i in enumerate(idx[:MAX_FRONT_LABELS]):
        label = ", ".join(f"{_short(k)}={v[i]}" for k, v in axes.items())
        ax.annotate(label, (xs[i], ys[i]), textcoords="offset points", fontsize=7,
                    xytext=(6, 4) if j % 2 == 0 else (6, -10))
    for setter, values in ((ax.set_xscale, xs), (ax.set_yscale, ys)):
        ok = values[~np.isnan(values)]
        if ok.size and ok.min() > 0 and ok.max() / ok.min() > 20:
            setter("log")
    ax.set_xlabel(_axis_label(x))
    ax.set_ylabel(_axis_label(y))
    ax.grid(alpha=0.3)
    ax.legend()
    _plain_log_ticks(ax)
    ax.set_title(f"{result.scenario.name}\n{idx.size} of {result.completed:,} points on the "
                 "Pareto frontier (lower is better on both axes)", fontsize=10)
    _save(fig, path)


MAX_LINES = 6        # more combinations than this: chart the best one per x value instead
MAX_BANDS = 4        # p5-p95 bands drawn when at most this many lines


def sweep_chart(result, path, x: str | None = None, y: str = "usd_per_mtok_p50", mask=None,
                subtitle: str = "") -> None:
    """A column against one sweep axis, over the points where ``mask`` is true (default all; e.g.
    those meeting a ranking's constraints, named in ``subtitle``). With few combinations of the other axes, one line each
    (with its p5-p95 band when y is a p50 column of a Monte Carlo sweep and the lines are few);
    with many, the best point at each x value (lowest, or highest for throughput), labelled with
    the other axes' values there, with p5-p95 error bars."""
    import numpy as np

    plt = _pyplot()
    axes = result.axis_columns()
    if not axes:
        raise ScenarioError("x", "the scenario has no sweep axes to chart")
    if x is None:
        x = max(axes, key=lambda k: len(np.unique(axes[k].astype(str))))
    if x not in axes:
        raise ScenarioError("x", f"{x!r} is not a sweep axis; axes: {', '.join(axes)}")
    metric, stat = split_column(y)
    values = result.column(metric, stat if stat != "value" else "p50").copy()
    if mask is not None:
        values[~mask] = np.nan
    band = None
    if not result.deterministic and stat == "p50" and {0.05, 0.95} <= set(result.quantiles):
        band = tuple(np.where(np.isnan(values), np.nan, result.column(metric, q))
                     for q in ("p5", "p95"))
    others = [k for k in axes if k != x and k not in _zipped_with(result, x)]
    groups: dict[tuple, list[int]] = {}
    for i in range(result.completed):
        groups.setdefault(tuple(axes[k][i] for k in others), []).append(i)
    numeric = axes[x].dtype != object
    labels_x = list(dict.fromkeys(axes[x].tolist()))
    position = {v: float(v) if numeric else float(j) for j, v in enumerate(labels_x)}

    fig, ax = plt.subplots(figsize=(9, 5.5))
    short = _short
    if len(groups) <= MAX_LINES:
        for key, rows in groups.items():
            rows = np.array(rows)
            pos = np.array([position[v] for v in axes[x][rows]])
            order = np.argsort(pos)
            label = ", ".join(f"{short(k)}={v}" for k, v in zip(others, key)) or y
            if band is not None and len(groups) <= MAX_BANDS:
                label += " (band: p5-p95)"
            line, = ax.plot(pos[order], values[rows][order], marker="o", ms=4, label=label)
            if band is not None and len(groups) <= MAX_BANDS:
                ax.fill_between(pos[order], band[0][rows][order], band[1][rows][order],
                                color=line.get_color(), alpha=0.15)
        what = ""
    else:
        better = np.nanargmax if metric in MAXIMIZED_METRICS else np.nanargmin
        pos, best_rows = [], []
        for v in labels_x:
            rows = np.flatnonzero(axes[x] == v)
            ok = rows[~np.isnan(values[rows])]
            if ok.size:
                pos.append(position[v])
                best_rows.append(ok[better(values[ok])])
        best_rows = np.array(best_rows, dtype=int)
        pos = np.array(pos)
        yerr = None
        if band is not None and best_rows.size:
            yerr = np.vstack([values[best_rows] - band[0][best_rows],
                              band[1][best_rows] - values[best_rows]])
        ax.errorbar(pos, values[best_rows], yerr=yerr, marker="o", capsize=4, color="tab:blue",
                    label="best point at each value" + (" (bars: p5-p95)" if yerr is not None else ""))
        for v in labels_x:
            if position[v] not in pos:
                ax.text(position[v], 0.03, "none\nqualifies" if mask is not None else "no value",
                        transform=ax.get_xaxis_transform(), ha="center", fontsize=8, color="grey")
        for p_, i in zip(pos, best_rows):
            ax.annotate("\n".join(f"{short(k)}={axes[k][i]}" for k in others), (p_, values[i]),
                        textcoords="offset points", xytext=(6, 6), fontsize=7)
        what = f"best of {len(groups)} combinations of {', '.join(map(short, others))} at each value"
    if numeric:
        xs = axes[x].astype(float)
        if xs.min() > 0 and xs.max() / xs.min() >= 16:
            ax.set_xscale("log", base=2)
    else:
        ax.set_xticks(range(len(labels_x)))
        ax.set_xticklabels([str(v) for v in labels_x], rotation=30, ha="right")
    ok = values[~np.isnan(values)]
    if ok.size and ok.min() > 0 and ok.max() / ok.min() > 20:
        ax.set_yscale("log")
    ax.set_xlabel(x)
    ax.set_ylabel(_axis_label(y))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _plain_log_ticks(ax)
    ax.set_title(f"{result.scenario.name}\n{y} against {x}" + (f": {what}" if what else "")
                 + (f"\n{subtitle}" if subtitle else ""), fontsize=10)
    _save(fig, path)


def _plain_log_ticks(ax) -> None:
    """Tick labels like 0.5 and 2 rather than 5x10^-1 on log axes."""
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda v, _: f"{v:g}")
    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
        if scale == "log":
            axis.set_major_formatter(plain)
            axis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def _short(path: str) -> str:
    """A key path for a label: ``workload.batch`` -> ``batch``, ``hardware.id`` -> ``hardware``."""
    section, _, key = path.rpartition(".")
    return section if key == "id" else key


def _zipped_with(result, path: str) -> tuple[str, ...]:
    for dim in result.grid.dims:
        if path in dim.paths:
            return dim.paths
    return ()


def tornado_chart(result, path) -> None:
    """One horizontal bar per uncertain input from the metric at the input's low quantile to its
    value at the high quantile (others at their medians), largest swing on top."""
    plt = _pyplot()
    rows = [r for r in result.rows][::-1]   # barh draws bottom-up
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.8))
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
    ax.set_xlabel(_axis_label(result.metric) + f"; base {result.base:.4g} (all inputs at median)")
    from matplotlib.patches import Patch

    ax.legend([Patch(color="tab:blue"), Patch(color="tab:orange")],
              [f"input at p{result.low * 100:g}", f"input at p{result.high * 100:g}"], fontsize=8,
              loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"Tornado: {result.metric}, one input at a time", fontsize=10)
    _save(fig, path)


def sobol_chart(result, path) -> None:
    """First-order and total-order Sobol indices per input with their confidence intervals,
    inputs sorted by total order."""
    import numpy as np

    plt = _pyplot()
    r = result.ranked("ST")
    n = len(r.names)
    fig, ax = plt.subplots(figsize=(max(6, 0.8 * n + 2), 4.5))
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
    ax.set_title(f"Sobol indices of {result.metric} ({result.N:,} base samples, "
                 f"{result.conf_level:.0%} bootstrap intervals)", fontsize=10)
    _save(fig, path)
