"""Statistics of a column of per-sample values, as the analyses report them (``--json``: mean,
std, p5, p50, p95)."""

from __future__ import annotations

import numpy as np


def statistics(x: np.ndarray) -> dict[str, float] | None:
    """mean, std, p5, p50, p95 of the finite values of ``x``; None when there are none. NaN marks
    a sample that could not run (reported elsewhere); values that overflowed to +-inf are counted
    in ``infinite_share`` (of the samples that ran) when there are any."""
    ran = x[~np.isnan(x)]
    x = ran[np.isfinite(ran)]
    if x.size == 0:
        # Every sample that ran overflowed (a queue past its capacity): say so, with no figures.
        return {"infinite_share": 1.0} if ran.size else None
    p5, p50, p95 = np.quantile(x, [0.05, 0.5, 0.95])
    out = {"mean": float(x.mean()), "std": float(x.std(ddof=1)) if x.size > 1 else 0.0,
           "p5": float(p5), "p50": float(p50), "p95": float(p95)}
    if x.size < ran.size:
        out["infinite_share"] = 1.0 - x.size / ran.size
    return out


__all__ = ["statistics"]
