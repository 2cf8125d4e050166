"""What every chart shares: a fresh matplotlib Figure (no pyplot state, so the caller's backend and
open figures are left alone), axis labels with units from the metric registry, and an atomic save."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InferonomicsError, ScenarioError
from ..model.columns import split_column
from ..model.registry import unit_of

DPI = 120
CHART_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg", ".eps", ".ps", ".tif", ".tiff")
"""File types a chart can be written as (matplotlib's Agg, SVG, PDF and PS writers)."""


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize):
    """A Figure not attached to pyplot, with its grid of axes (as ``plt.subplots`` returns them)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InferonomicsError("plotting needs matplotlib: pip install 'inferonomics[plot]'") from None
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols)


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
    """Lay the figure out, write it to ``path`` when one is given (a file name, whose suffix picks
    the format: written as a temporary file in the same folder, then renamed, so a reader never
    sees half a file; or an open binary file), and return it."""
    fig.tight_layout()
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


def axis_label(column: str) -> str:
    try:
        metric, stat = split_column(column)
    except Exception:
        return column
    unit = unit_of(metric)
    return f"{column} ({unit})" if unit else column


def plain_log_ticks(ax) -> None:
    """Tick labels like 0.5 and 2 rather than 5x10^-1 on log axes."""
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda v, _: f"{v:g}")
    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
        if scale == "log":
            axis.set_major_formatter(plain)
            axis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
