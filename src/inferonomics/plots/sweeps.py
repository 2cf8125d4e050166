"""Charts of sweeps: a metric against an axis, and the Pareto frontier of two columns."""

from __future__ import annotations

import numpy as np

from ..errors import ScenarioError
from ..model.columns import split_column
from ..model.constraints import MAXIMIZED_METRICS
from .figure import axis_label, finish, new_figure, plain_log_ticks


MAX_FRONT_LABELS = 20


def pareto_chart(result, front, x: str, y: str, path=None, mask=None, subtitle: str = "",
                 limits=None):
    """Every grid point of a sweep in grey, the Pareto frontier over columns x and y as a step line
    through its points, labelled with their axis values. Points where ``mask`` is false (those the
    table does not rank: too rarely feasible, or missing a constraint) are drawn as crosses and
    named in the title by ``subtitle``; ``limits`` ({column: value}) on x or y are drawn as dashed
    lines."""
    xs, ys = (result.column(*split_column(c)) for c in (x, y))
    fig, ax = new_figure(figsize=(10, 6.5))
    shown = ~np.isnan(xs) & ~np.isnan(ys)
    excluded = shown & (np.zeros(xs.shape, dtype=bool) if mask is None else ~np.asarray(mask))
    dominated = ~front & shown & ~excluded
    ax.scatter(xs[dominated], ys[dominated], s=12, color="lightgrey", label="dominated")
    if excluded.any():
        ax.scatter(xs[excluded], ys[excluded], s=14, marker="x", color="tab:orange", alpha=0.6,
                   label="excluded (fails a rule in the title)")
    idx = np.flatnonzero(front)
    idx = idx[np.argsort(xs[idx], kind="stable")]
    ax.step(xs[idx], ys[idx], where="post", color="tab:red", lw=1.5)
    ax.scatter(xs[idx], ys[idx], s=30, color="tab:red", zorder=3, label="Pareto frontier")
    hidden = {p for d in result.grid.dims for p in d.paths[1:]}   # zipped: move with the first
    axes = {k: v for k, v in result.axis_columns().items() if k not in hidden}
    for column, value in (limits or {}).items():
        if column == x:
            ax.axvline(value, color="tab:blue", ls="--", lw=1, label=f"{column} limit {value:g}")
        if column == y:
            ax.axhline(value, color="tab:blue", ls="--", lw=1, label=f"{column} limit {value:g}")
    middle = np.nanmedian(xs[shown]) if shown.any() else 0.0
    for j, i in enumerate(idx[:MAX_FRONT_LABELS]):
        label = ", ".join(f"{_short(k)}={v[i]}" for k, v in axes.items())
        right = xs[i] > middle   # labels of right-hand points go left, so none runs off the canvas
        ax.annotate(label, (xs[i], ys[i]), textcoords="offset points", fontsize=7,
                    ha="right" if right else "left",
                    xytext=(-6 if right else 6, 4 if j % 2 == 0 else -10))
    for setter, values in ((ax.set_xscale, xs), (ax.set_yscale, ys)):
        ok = values[~np.isnan(values)]
        if ok.size and ok.min() > 0 and ok.max() / ok.min() > 20:
            setter("log")
    ax.set_xlabel(axis_label(x))
    ax.set_ylabel(axis_label(y))
    ax.grid(alpha=0.3)
    ax.legend()
    plain_log_ticks(ax)
    ax.set_title(f"{result.scenario.name} ({_run_label(result)})\n{idx.size} of {result.completed:,} "
                 "points on the Pareto frontier (lower is better on both axes)"
                 + (f"\n{subtitle}" if subtitle else ""), fontsize=10)
    return finish(fig, path)


MAX_LINES = 6        # more combinations than this: chart the best one per x value instead
MAX_BANDS = 4        # p5-p95 bands drawn when at most this many lines


def sweep_chart(result, path=None, x: str | None = None, y: str = "usd_per_mtok_p50", mask=None,
                subtitle: str = "", limits=None):
    """A column against one sweep axis, over the points where ``mask`` is true (default all; e.g.
    those meeting a ranking's constraints, named in ``subtitle``). With few combinations of the other axes, one line each
    (with its p5-p95 band when y is a p50 column of a Monte Carlo sweep and the lines are few);
    with many, the best point at each x value (lowest, or highest for throughput), labelled with
    the other axes' values there, with p5-p95 error bars."""
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

    fig, ax = new_figure(figsize=(9, 5.5))
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
    ax.set_ylabel(axis_label(y))
    ax.grid(alpha=0.3)
    if y in (limits or {}):
        ax.axhline(limits[y], color="tab:blue", ls="--", lw=1, label=f"{y} limit {limits[y]:g}")
    ax.legend(fontsize=8)
    plain_log_ticks(ax)
    ax.set_title(f"{result.scenario.name} ({_run_label(result)})\n{y} against {x}"
                 + (f": {what}" if what else "") + (f"\n{subtitle}" if subtitle else ""),
                 fontsize=10)
    return finish(fig, path)


def _run_label(result) -> str:
    """How the sweep was run, for a chart's title: samples per point and seed, or medians."""
    if result.deterministic:
        return "every input at its median"
    return f"{result.samples:,} samples per point, seed {result.seed}"


def _short(path: str) -> str:
    """A key path for a label: ``workload.batch`` -> ``batch``, ``hardware.id`` -> ``hardware``."""
    section, _, key = path.rpartition(".")
    return section if key == "id" else key


def _zipped_with(result, path: str) -> tuple[str, ...]:
    for dim in result.grid.dims:
        if path in dim.paths:
            return dim.paths
    return ()
