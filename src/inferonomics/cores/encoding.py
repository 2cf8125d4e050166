"""A :class:`~inferonomics.io.scenario.Plan` as flat arrays: the one seam between Python and the cores.

Each input parameter becomes a kind code and :data:`N_DIST_PARAMS` doubles. Everything a core needs
to draw a value is precomputed here, once, with the same expressions the reference evaluates per
sample (so the numbers are identical): truncation CDFs of normals, PERT shapes, choice tables.

========  ===================================================  ==========================================
kind      params                                               draw (u = uniform draw 0 of the stream)
========  ===================================================  ==========================================
FIXED     value                                                value (no draw)
UNIFORM   low, high                                            low + (high - low) u
NORMAL    mean, sd                                             mean + sd Phi^-1(u)
TRUNCNORM mean, sd, low, high, c0, c1, upper                   lower: Phi^-1(c0 + u (c1 - c0));
                                                               upper tail: -Phi^-1(c0 - u (c0 - c1));
                                                               then clamp(mean + sd z, low, high)
LOGNORMAL median, sigma                                        median exp(sigma Phi^-1(u))
TRIANG    low, mode, high                                      inverse CDF
PERT      low, high, alpha, beta                               low + (high-low) G_a / (G_a + G_b)
CHOICE    offset, count, total weight (into CHOICE tables)      first value whose cumulative weight > u total
========  ===================================================  ==========================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CoreError
from ..model.reference import METRIC_NAMES, OUTPUT_NAMES, STATUS_NAMES
from ..model.registry import PARAMETERS
from ..sampling.distributions import (Choice, Distribution, Fixed, LogNormal, Normal, Pert, Triangular,
                            Uniform, standard_normal_cdf)

KIND_FIXED, KIND_UNIFORM, KIND_NORMAL, KIND_TRUNCNORM, KIND_LOGNORMAL, KIND_TRIANG, KIND_PERT, \
    KIND_CHOICE = range(8)
N_DIST_PARAMS = 8
N_INPUTS = len(PARAMETERS)
N_OUTPUTS = len(OUTPUT_NAMES)
N_METRICS = len(METRIC_NAMES)
N_STATUS = len(STATUS_NAMES)
STATUS_COLUMN = OUTPUT_NAMES.index("status")
# How the cores compute the model: in float64, the reference's arithmetic, or (opt-in, approximate)
# in float32, the draws, moments and sketches staying float64. The C core's codes are the indices
# (INF_FLOAT64 = 0, INF_FLOAT32 = 1 in csrc/inferonomics.h).
PRECISIONS = ("float64", "float32")
assert STATUS_COLUMN == 0 and OUTPUT_NAMES[1:] == METRIC_NAMES


@dataclass(frozen=True)
class EncodedPlan:
    kinds: np.ndarray          # int32[N_INPUTS]
    params: np.ndarray         # float64[N_INPUTS, N_DIST_PARAMS]
    integer: np.ndarray        # int32[N_INPUTS]: round half up after drawing
    choice_values: np.ndarray  # float64[*]
    choice_weights: np.ndarray # float64[*]


def encode_one(dist: Distribution, values: list, weights: list) -> tuple[int, list[float]]:
    """Kind code and parameters of one distribution; a choice appends its table to ``values`` and
    ``weights`` and refers to it by offset."""
    if isinstance(dist, Fixed):
        return KIND_FIXED, [dist.value]
    if isinstance(dist, Uniform):
        return KIND_UNIFORM, [dist.low, dist.high]
    if isinstance(dist, Normal):
        if dist.sd == 0.0:
            return KIND_FIXED, [dist.mean_]
        if not dist.truncated:
            return KIND_NORMAL, [dist.mean_, dist.sd]
        a, b = dist._standard_bounds()
        if a >= 0.0:  # same branch as Normal._quantile
            c0, c1, upper = standard_normal_cdf(-a), standard_normal_cdf(-b), 1.0
        else:
            c0, c1, upper = standard_normal_cdf(a), standard_normal_cdf(b), 0.0
        return KIND_TRUNCNORM, [dist.mean_, dist.sd, dist.low, dist.high, c0, c1, upper]
    if isinstance(dist, LogNormal):
        return KIND_LOGNORMAL, [dist.median_, dist.sigma]
    if isinstance(dist, Triangular):
        return KIND_TRIANG, [dist.low, dist.mode, dist.high]
    if isinstance(dist, Pert):
        if dist.high == dist.low:
            return KIND_FIXED, [dist.low]
        alpha, beta = dist.shapes()
        return KIND_PERT, [dist.low, dist.high, alpha, beta]
    if isinstance(dist, Choice):
        offset = len(values)
        values.extend(dist.values)
        weights.extend(dist.weights)
        return KIND_CHOICE, [float(offset), float(len(dist.values)), float(sum(dist.weights))]
    raise TypeError(f"cannot encode {type(dist).__name__}")  # pragma: no cover


def encode(distributions, values: list | None = None, weights: list | None = None) -> EncodedPlan:
    """Flat arrays for the cores from one distribution per parameter (``Plan.distributions``).
    Choice tables go into ``values`` / ``weights`` when given (to share them with other rows)."""
    kinds = np.zeros(N_INPUTS, dtype=np.int32)
    params = np.zeros((N_INPUTS, N_DIST_PARAMS), dtype=np.float64)
    integer = np.array([int(p.integer) for p in PARAMETERS], dtype=np.int32)
    values = [] if values is None else values
    weights = [] if weights is None else weights
    for s, dist in enumerate(distributions):
        kind, p = encode_one(dist, values, weights)
        kinds[s] = kind
        params[s, :len(p)] = p
    # Empty tables still need one element so every core can take a pointer to them.
    return EncodedPlan(kinds, params, integer,
                       np.array(values or [0.0], dtype=np.float64),
                       np.array(weights or [0.0], dtype=np.float64))


def output_rows(out: np.ndarray | None, n: int, who: str) -> np.ndarray:
    """The array a core's ``evaluate`` writes ``n`` rows of outputs into: ``out`` when given, after
    checking it is what the kernels write through (float64, C-contiguous, ``(n, N_OUTPUTS)``), else
    a new one."""
    if out is None:
        return np.empty((n, N_OUTPUTS))
    if (not isinstance(out, np.ndarray) or out.dtype != np.float64 or not out.flags.c_contiguous
            or not out.flags.writeable or out.shape != (n, N_OUTPUTS)):
        what = (f"{out.dtype} {out.shape}{'' if out.flags.c_contiguous else ' strided'}"
                f"{'' if out.flags.writeable else ' read-only'}"
                if isinstance(out, np.ndarray) else type(out).__name__)
        raise CoreError(f"{who} needs out as a writable C-contiguous float64 array of shape "
                        f"({n}, {N_OUTPUTS}), got {what}")
    return out
