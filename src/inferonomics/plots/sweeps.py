"""Charts of sweeps: a metric against an axis, and the Pareto frontier of two columns.

Both show the points the sweep's table ranks (``mask``, named in ``subtitle``) and mark the ones it
excludes, draw the limits they name, and label points with the axis values that identify them
(a zipped axis holding distributions moves with the first axis of its zip, so is not named; a
distribution is named by its kind and fields: ``triangular(2, 3, 4.5)``)."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..errors import ScenarioError
from ..model.columns import split_column
from ..model.constraints import MAXIMIZED_METRICS
from .figure import axis_label, finish, label_point, new_figure, plain_log_ticks


MAX_FRONT_LABELS = 20
MAX_LINES = 6        # more combinations than this: chart the best one per x value instead
MAX_BANDS = 4        # p5-p95 bands drawn when at most this many lines
MAX_VALUE_TICKS = 12  # a numeric axis with at most this many values gets a tick at each one
MAX_PARTNER_TICKS = 8  # ... and, when zipped, its partners' values under each tick
EXCLUDED_LABEL = "excluded (fails a rule in the title)"


def pareto_chart(result, front, x: str, y: str, path=None, mask=None, subtitle: str = "",
                 limits=None):
    """Every grid point of a sweep in grey, the Pareto frontier over columns x and y as a step line
    through its points, labelled with their axis values. Points where ``mask`` is false (those the
    table does not rank: too rarely feasible, or missing a constraint) are drawn as crosses and
    named in the title by ``subtitle``; ``limits`` ({column: value}) on x or y are drawn as dashed
    lines. Throughput columns are better higher, every other column lower (as the front is
    computed)."""
    xs, ys = (result.column(*split_column(c)) for c in (x, y))
    fig, ax = new_figure(figsize=(10, 6.5))
    shown = ~np.isnan(xs) & ~np.isnan(ys)
    excluded = shown & (np.zeros(xs.shape, dtype=bool) if mask is None else ~np.asarray(mask))
    dominated = ~front & shown & ~excluded
    ax.scatter(xs[dominated], ys[dominated], s=12, color="lightgrey", label="dominated")
    if excluded.any():
        ax.scatter(xs[excluded], ys[excluded], s=14, marker="x", color="tab:orange", alpha=0.6,
                   label=EXCLUDED_LABEL)
    idx = np.flatnonzero(front)
    idx = idx[np.argsort(xs[idx], kind="stable")]
    x_max, y_max = (split_column(c)[0] in MAXIMIZED_METRICS for c in (x, y))
    # The step traces the edge of the region the front dominates: along x at the level of the
    # point before when smaller x is better, at the level of the point after when larger is.
    ax.step(xs[idx], ys[idx], where="pre" if x_max else "post", color="tab:red", lw=1.5)
    ax.scatter(xs[idx], ys[idx], s=30, color="tab:red", zorder=3, label="Pareto frontier")
    for column, value in (limits or {}).items():
        if column == x:
            ax.axvline(value, color="tab:blue", ls="--", lw=1, label=f"{column} limit {value:g}")
        if column == y:
            ax.axhline(value, color="tab:blue", ls="--", lw=1, label=f"{column} limit {value:g}")
    for setter, values in ((ax.set_xscale, xs), (ax.set_yscale, ys)):
        ok = values[~np.isnan(values)]
        if ok.size and ok.min() > 0 and ok.max() / ok.min() > 20:
            setter("log")
    ax.set_xlabel(axis_label(x))
    ax.set_ylabel(axis_label(y))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    plain_log_ticks(ax)
    named = _named_axes(result)
    for i in idx[:MAX_FRONT_LABELS]:
        label_point(ax, ", ".join(f"{_short(k)}={_value_text(v[i])}" for k, v in named.items()),
                    (xs[i], ys[i]))
    better = f"better: {'higher' if x_max else 'lower'} x, {'higher' if y_max else 'lower'} y"
    unlabelled = f"; the first {MAX_FRONT_LABELS} labelled" if idx.size > MAX_FRONT_LABELS else ""
    ax.set_title(f"{result.scenario.name} ({_run_label(result)})\n{idx.size} of "
                 f"{result.completed:,} points on the Pareto frontier ({better}{unlabelled})"
                 + (f"\n{subtitle}" if subtitle else ""), fontsize=10)
    return finish(fig, path)


def sweep_chart(result, path=None, x: str | None = None, y: str = "usd_per_mtok_p50", mask=None,
                subtitle: str = "", limits=None):
    """A column against one sweep axis, over the points where ``mask`` is true (default all; e.g.
    those meeting a ranking's constraints, named in ``subtitle``). With few combinations of the
    other axes, one line each (with its p5-p95 band when y is a p50 column of a Monte Carlo sweep
    and the lines are few), the points ``mask`` excludes drawn as crosses; with many, the best
    point at each x value (lowest, or highest for throughput), labelled with the other axes'
    values there, with p5-p95 error bars. Every value of the axis has its place on the x axis; one
    where no point qualifies says so. ``limits`` ({column: value}) on y are drawn as a dashed line.
    Text axes and distribution-valued axes are categorical, in the scenario's order."""
    codes = {p: c for p, (c, _) in result.axis_codes().items()}
    if not codes:
        raise ScenarioError("x", "the scenario has no sweep axes to chart")
    raw = _raw_labels(result)
    if x is None:
        x = max(codes, key=lambda k: len(set(map(_value_text, raw[k]))))
    if x not in codes:
        raise ScenarioError("x", f"{x!r} is not a sweep axis; axes: {', '.join(codes)}")
    metric, stat = split_column(y)
    values = result.column(metric, stat if stat != "value" else "p50")
    eligible = np.ones(values.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    kept = np.where(eligible, values, np.nan)
    band = None
    if not result.deterministic and stat == "p50" and {0.05, 0.95} <= set(result.quantiles):
        band = tuple(np.where(np.isnan(kept), np.nan, result.column(metric, q))
                     for q in ("p5", "p95"))
    partners = [p for p in _zipped_with(result, x) if p != x]
    others = [k for k in _named_axes(result) if k not in _zipped_with(result, x)]
    groups: dict[tuple, list[int]] = {}
    for i in range(result.completed):
        groups.setdefault(tuple(codes[k][i] for k in others), []).append(i)
    x_labels = raw[x]
    numeric = all(_is_number(v) for v in x_labels)
    position = np.array([float(v) for v in x_labels] if numeric else range(len(x_labels)),
                        dtype=float)
    xpos = position[codes[x]]
    line = "-" if numeric else "none"   # categories have no order to draw a line along

    fig, ax = new_figure(figsize=(9, 5.5))
    drawn = [kept]
    if len(groups) <= MAX_LINES:
        bands = band is not None and len(groups) <= MAX_BANDS
        any_excluded = False
        for key, rows in groups.items():
            rows = np.array(rows)
            rows = rows[np.argsort(xpos[rows], kind="stable")]
            label = ", ".join(f"{_short(k)}={_value_text(raw[k][c])}"
                              for k, c in zip(others, key)) or y
            if bands and not numeric:   # a band between categories would invent values
                handle = ax.errorbar(xpos[rows], kept[rows], yerr=np.vstack(
                    [kept[rows] - band[0][rows], band[1][rows] - kept[rows]]), marker="o", ms=4,
                    ls=line, capsize=3, label=label + " (bars: p5-p95)").lines[0]
            else:
                handle, = ax.plot(xpos[rows], kept[rows], marker="o", ms=4, ls=line,
                                  label=label + (" (band: p5-p95)" if bands else ""))
            if bands and numeric:
                ax.fill_between(xpos[rows], band[0][rows], band[1][rows],
                                color=handle.get_color(), alpha=0.15)
            out = rows[~eligible[rows] & ~np.isnan(values[rows])]
            if out.size:   # the value the table excluded, drawn where it lies
                any_excluded = True
                ax.scatter(xpos[out], values[out], marker="x", s=30, color=handle.get_color())
                drawn.append(values[out])
        if any_excluded:
            ax.scatter([], [], marker="x", color="grey", label=EXCLUDED_LABEL)
        what = ""
    else:
        better = np.nanargmax if metric in MAXIMIZED_METRICS else np.nanargmin
        best_rows = []
        for j in range(len(x_labels)):
            rows = np.flatnonzero(codes[x] == j)
            ok = rows[~np.isnan(kept[rows])]
            if ok.size:
                best_rows.append(ok[better(kept[ok])])
        best_rows = np.array(best_rows, dtype=int)
        yerr = None
        if band is not None and best_rows.size:
            yerr = np.vstack([kept[best_rows] - band[0][best_rows],
                              band[1][best_rows] - kept[best_rows]])
        ax.errorbar(xpos[best_rows], kept[best_rows], yerr=yerr, marker="o", capsize=4, ls=line,
                    color="tab:blue", label="best point at each value"
                    + (" (bars: p5-p95)" if yerr is not None else ""))
        if yerr is not None:
            drawn += [band[0][best_rows], band[1][best_rows]]
        for i in best_rows:
            label_point(ax, "\n".join(f"{_short(k)}={_value_text(raw[k][codes[k][i]])}"
                                      for k in others), (xpos[i], kept[i]))
        what = (f"best of {len(groups)} combinations of {', '.join(map(_short, others))} "
                "at each value")
    _mark_empty_values(ax, position, codes[x], kept, values, mask is not None)
    if y in (limits or {}):
        ax.axhline(limits[y], color="tab:blue", ls="--", lw=1, label=f"{y} limit {limits[y]:g}")
    _x_axis(ax, result, x, x_labels, position, numeric, partners, raw)
    ok = np.concatenate([d[~np.isnan(d)] for d in drawn])
    if ok.size and ok.min() > 0 and ok.max() / ok.min() > 20:
        ax.set_yscale("log")
    ax.set_ylabel(axis_label(y))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    plain_log_ticks(ax)
    ax.set_title(f"{result.scenario.name} ({_run_label(result)})\n{y} against {x}"
                 + (f": {what}" if what else "") + (f"\n{subtitle}" if subtitle else ""),
                 fontsize=10)
    return finish(fig, path)


def _mark_empty_values(ax, position, x_codes, kept, values, masked: bool) -> None:
    """Say so at each x value where no point is drawn: none meets the table's rules, or none
    has a feasible sample at all."""
    for j, pos in enumerate(position):
        rows = x_codes == j
        if not rows.any() or not np.isnan(kept[rows]).all():
            continue
        text = "none\nqualifies" if masked and not np.isnan(values[rows]).all() \
            else "no feasible\nsample"
        ax.text(pos, 0.02, text, transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                fontsize=7, color="grey")


def _x_axis(ax, result, x, x_labels, position, numeric, partners, raw) -> None:
    """Every value of axis ``x`` gets a place and, when few, a tick (with the values of the axes
    zipped with it below); the limits leave room for the text at the outermost values. Ticks too
    wide for their place are turned by :func:`~inferonomics.plots.figure.finish`."""
    from matplotlib.ticker import NullLocator

    ticks = [_value_text(v) for v in x_labels]
    if partners and len(ticks) <= MAX_PARTNER_TICKS:
        ticks = [t + "".join(f"\n{_value_text(raw[p][j])}" for p in partners)
                 for j, t in enumerate(ticks)]
        ax.set_xlabel(" / ".join([x] + partners) + " (zipped)")
    else:
        ax.set_xlabel(x + (f" (zipped with {', '.join(partners)})" if partners else ""))
    if numeric:
        lo, hi = position.min(), position.max()
        if lo > 0 and hi / lo >= 16:
            ax.set_xscale("log", base=2)
            pad = 2 ** max(0.06 * np.log2(hi / lo), 0.15)
            ax.set_xlim(lo / pad, hi * pad)
        else:
            pad = 0.06 * (hi - lo) if hi > lo else 0.5 * max(abs(lo), 1.0)
            ax.set_xlim(lo - pad, hi + pad)
        if len(set(position)) <= MAX_VALUE_TICKS:
            ax.set_xticks(position, ticks)
            ax.xaxis.set_minor_locator(NullLocator())
    else:
        ax.set_xlim(-0.5, len(x_labels) - 0.5)
        ax.set_xticks(position, ticks)


def _raw_labels(result) -> dict[str, tuple]:
    """Each axis's values as the scenario wrote them (numbers, text, distribution tables)."""
    return {p: labels for d in result.grid.dims for p, labels in zip(d.paths, d.labels)}


def _named_axes(result) -> dict[str, list]:
    """The axes that name a point, with each point's value as the scenario wrote it: the first
    axis of every dimension, and the axes zipped with it unless they hold distributions (a GPU
    names its price; a precision's activation bits say what its weight bits do not)."""
    codes = {p: c for p, (c, _) in result.axis_codes().items()}
    return {p: [labels[c] for c in codes[p]] for d in result.grid.dims
            for k, (p, labels) in enumerate(zip(d.paths, d.labels))
            if k == 0 or not any(isinstance(v, Mapping) for v in labels)}


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _value_text(v) -> str:
    """An axis value for a label: ``3.0`` -> ``3``; a distribution table by its kind and fields,
    ``{dist = "triangular", low = 2, mode = 3, high = 4.5}`` -> ``triangular(2, 3, 4.5)``."""
    if isinstance(v, Mapping):
        def one(f):
            return "/".join(one(g) for g in f) if isinstance(f, (list, tuple)) else _value_text(f)
        return f"{v.get('dist', '?')}(" + ", ".join(one(f) for k, f in v.items()
                                                     if k != "dist") + ")"
    if _is_number(v):
        return f"{v:g}"
    return str(v)


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
