"""What every chart shares: a fresh matplotlib Figure (no pyplot state, so the caller's backend and
open figures are left alone), axis labels with units from the metric registry, point labels placed
where they neither overlap nor leave the axes, titles wrapped to the canvas, and an atomic save."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from ..errors import InferonomicsError, ScenarioError
from ..model.columns import split_column
from ..model.registry import unit_of

DPI = 120
CHART_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg", ".eps", ".ps", ".tif", ".tiff")
"""File types a chart can be written as (matplotlib's Agg, SVG, PDF and PS writers)."""


POINT_LABEL = "inferonomics-point-label"
"""gid of the annotations :func:`finish` places (see :func:`label_point`)."""
LABEL_OFFSETS = ((6, 4, "left", "bottom"), (6, -4, "left", "top"), (-6, 4, "right", "bottom"),
                 (-6, -4, "right", "top"), (0, 7, "center", "bottom"), (0, -7, "center", "top"))
"""Where a point's label may go, in points from the point, tried in this order: right of the point
first (reading order), then left, above, below; then the same further out (:data:`LABEL_REACH`),
joined to the point by a thin line."""
LABEL_REACH = ((1, 0), (2, 0), (1, 12), (1, 24), (4, 0), (1, 36), (1, 48))
"""(scale, extra height in points) of each ring of :data:`LABEL_OFFSETS` tried, nearest first."""


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize):
    """A Figure not attached to pyplot, with its grid of axes (as ``plt.subplots`` returns them)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise InferonomicsError("plotting needs matplotlib: pip install 'inferonomics[plot]'") from None
    # The figure's own Agg canvas (not pyplot's) gives finish() a renderer to measure text with,
    # at the resolution the file is written at, so what is measured is what is drawn.
    fig = Figure(figsize=figsize, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols)


def label_point(ax, text: str, xy, *, xycoords="data", fontsize: float = 7, **kwargs):
    """Label the point ``xy`` with ``text``; :func:`finish` moves the label to the first place
    around the point (:data:`LABEL_OFFSETS`) where it stays inside the axes and overlaps no other
    label, legend or labelled point. Labels stay out of the layout, so a long one never squashes
    the axes."""
    ann = ax.annotate(text, xy, xycoords=xycoords, textcoords="offset points", xytext=(6, 4),
                      fontsize=fontsize, arrowprops={"arrowstyle": "-", "color": "grey",
                                                     "lw": 0.6, "shrinkA": 1, "shrinkB": 3},
                      **kwargs)
    ann.set_gid(POINT_LABEL)
    ann.set_in_layout(False)
    ann.arrow_patch.set_visible(False)   # shown only for a label placed away from its point
    return ann


def text_extent(text, renderer):
    """The box of a text's letters, without an annotation's line to its point."""
    from matplotlib.text import Text

    if hasattr(text, "update_positions"):   # an annotation: place its text from its point first
        text.update_positions(renderer)
    return Text.get_window_extent(text, renderer)


def check_chart_path(path) -> Path:
    """``path`` as a Path, or a ScenarioError (key ``out``) if its folder does not exist or its
    suffix is not a chart format: checked before any work, so a run is not wasted on a typo."""
    path = Path(path)
    suffix = path.suffix.lower() or ".png"
    if suffix not in CHART_SUFFIXES:
        raise ScenarioError("out", f"{path.name}: a chart is written as one of "
                            + ", ".join(CHART_SUFFIXES))
    return check_destination(path)


def check_destination(path: Path) -> Path:
    """``path`` if a file can be written there: not a folder, in an existing writable folder."""
    if path.is_dir():
        raise ScenarioError("out", f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise ScenarioError("out", f"{path}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise ScenarioError("out", f"{path}: the folder {path.parent} is not writable")
    return path


def finish(fig, path=None):
    """Lay the figure out (titles wrapped to the canvas, point labels placed), write it to
    ``path`` when one is given (a file name, whose suffix picks the format: written as a temporary
    file in the same folder, then renamed, so a reader never sees half a file; or an open binary
    file), and return it."""
    layout(fig)
    if hasattr(path, "write"):
        fig.savefig(path, dpi=DPI)
    elif path is not None:
        path = check_chart_path(path)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            fig.savefig(tmp, dpi=DPI, format=path.suffix.lstrip(".").lower() or "png")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return fig


def layout(fig) -> None:
    """Wrap titles that would run off the canvas, lay the axes out, then place point labels."""
    renderer = fig.canvas.get_renderer()
    titles = list(fig.texts) + [ax.title for ax in fig.axes]   # fig.texts holds the suptitle
    fig.tight_layout()
    for ax in fig.axes:
        _turn_crowded_ticks(ax, renderer)
    for _ in range(4):   # each pass wraps what still runs off; rarely more than one
        fig.tight_layout()
        # An axes title is centred on its axes, not the canvas, so measure against the canvas.
        wide = [t for t in titles if t.get_text() and not _inside(
            text_extent(t, renderer), fig.bbox)]
        if not wide:
            break
        for t in wide:
            _wrap(t, fig, renderer)
    for ax in fig.axes:
        _place_labels(ax, renderer)


def _turn_crowded_ticks(ax, renderer) -> None:
    """Turn x tick labels that would overlap their neighbours by 30 degrees, on one line each (a
    turned block of lines reads badly)."""
    lo, hi = sorted(ax.get_xlim())
    ticks = [(v, t) for v, t in zip(ax.get_xticks(), ax.get_xticklabels())
             if lo <= v <= hi and t.get_text()]
    boxes = sorted((t.get_window_extent(renderer) for _, t in ticks), key=lambda b: b.x0)
    if not any(a.x1 + 2 > b.x0 for a, b in zip(boxes, boxes[1:])):
        return
    ax.set_xticks([v for v, _ in ticks], [", ".join(t.get_text().split("\n")) for _, t in ticks],
                  rotation=30, ha="right", rotation_mode="anchor")


def _inside(box, outer, slack: float = 1.0) -> bool:
    return (box.x0 >= outer.x0 - slack and box.x1 <= outer.x1 + slack
            and box.y0 >= outer.y0 - slack and box.y1 <= outer.y1 + slack)


def _wrap(text, fig, renderer) -> None:
    """Re-wrap ``text`` line by line to the canvas width less a margin."""
    box = text.get_window_extent(renderer)
    lines = text.get_text().split("\n")
    longest = max(len(line) for line in lines)
    ratio = (fig.bbox.width * 0.94) / max(box.width, 1.0)
    width = max(20, int(longest * min(ratio, 0.95)))
    text.set_text("\n".join(w for line in lines for w in (textwrap.wrap(line, width) or [""])))


def _place_labels(ax, renderer) -> None:
    """Place the axes' point labels (:func:`label_point`) one by one: the first position that is
    inside the axes and clear of the labels already placed, the legend and the labelled points;
    failing that, the position with the least overlap that stays inside the axes."""
    from matplotlib.transforms import Bbox

    labels = [t for t in ax.texts if t.get_gid() == POINT_LABEL and t.get_visible()]
    if not labels:
        return
    frame = ax.get_window_extent(renderer)
    obstacles = []
    legend = ax.get_legend()
    if legend is not None:
        obstacles.append(legend.get_window_extent(renderer))
    for t in labels:   # a small box around each labelled point, so no label hides a point
        where = ax.transData if t.xycoords == "data" else t.xycoords   # label_point's choices
        x, y = where.transform(t.xy)
        obstacles.append(Bbox.from_extents(x - 3, y - 3, x + 3, y + 3))
    placed: list = []
    for t in labels:
        best = None
        for scale, lift in LABEL_REACH:
            for dx, dy, ha, va in LABEL_OFFSETS:
                xytext = (dx * scale, dy * scale + (lift if dy > 0 else -lift))
                t.xyann = xytext
                t.set_ha(ha)
                t.set_va(va)
                box = text_extent(t, renderer)
                outside = box.width * box.height - _overlap(box, frame)
                clash = sum(_overlap(box, o) for o in placed + obstacles)
                score = (outside > 0.5, clash)
                if best is None or score < best[0]:
                    best = (score, xytext, ha, va, box, (scale, lift) != (1, 0))
                if score == (False, 0):
                    break
            if best[0] == (False, 0):
                break
        _, xytext, ha, va, box, far = best
        t.xyann = xytext
        t.set_ha(ha)
        t.set_va(va)
        t.arrow_patch.set_visible(far)
        placed.append(box)


def _overlap(a, b) -> float:
    """Area (pixels) of the intersection of two boxes."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def axis_label(column: str) -> str:
    try:
        metric, stat = split_column(column)
    except Exception:
        return column
    unit = unit_of(metric)
    return f"{column} ({unit})" if unit else column


def plain_log_ticks(ax) -> None:
    """Tick labels like 0.5 and 2 rather than 5x10^-1 on log axes; an axis spanning less than two
    decades also labels its 2 and 5 minor ticks, so it never shows a single number."""
    import math

    from matplotlib.ticker import FuncFormatter

    def minor(axis):
        def label(v, _):
            lo, hi = sorted(axis.get_view_interval())
            if v <= 0 or lo <= 0 or hi / lo > 100:
                return ""
            mantissa = v / 10 ** math.floor(math.log10(v) + 1e-9)
            return f"{v:g}" if min(abs(mantissa - 2), abs(mantissa - 5)) < 1e-6 else ""
        return FuncFormatter(label)

    plain = FuncFormatter(lambda v, _: f"{v:g}")
    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
        if scale == "log":
            axis.set_major_formatter(plain)
            axis.set_minor_formatter(minor(axis))
