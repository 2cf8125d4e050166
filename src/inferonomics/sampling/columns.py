"""Draws of one input for a run of samples, outside the cores: the analyses' own inputs (API
prices, demand) come from the same counter-based generator as the model's, so draw ``k`` of stream
``s`` for sample ``i`` is the same wherever it is computed, and sample ``i`` of an analysis pairs
with sample ``i`` of the replica's run."""

from __future__ import annotations

import numpy as np

from . import rng
from .distributions import (AS241_CENTRAL, AS241_FAR_TAIL, AS241_NEAR_TAIL, Distribution,
                            horner)

_GAMMA = np.uint64(rng.GAMMA)
_MUL1, _MUL2 = np.uint64(rng.MIX_MUL1), np.uint64(rng.MIX_MUL2)


def sample_keys(seed: int, samples: int) -> list[int]:
    """The key of each sample ``0 .. samples-1`` under ``seed`` (see :mod:`.rng`)."""
    key = rng.seed_key(seed)
    return [rng.sample_key(key, i) for i in range(samples)]


def draw_column(dist: Distribution, stream: int, keys: list[int], *,
                integer: bool = False) -> np.ndarray:
    """``dist`` drawn from ``stream`` for each sample key, integers rounded half up: what the
    reference's ``draw_inputs`` does for one input (plain Python, a few microseconds per draw:
    these columns are a few per analysis)."""
    if dist.is_fixed:
        x = np.full(len(keys), float(dist.sample(lambda k: 0.5)))
    else:
        x = np.array([dist.sample(lambda k, skey=skey: rng.uniform(skey, stream, k))
                      for skey in keys], dtype=float)
    return np.floor(x + 0.5) if integer else x


def _mix64(z: np.ndarray) -> np.ndarray:
    """:func:`rng.mix64` on an array of uint64 (numpy's uint64 arithmetic wraps modulo 2**64)."""
    z = (z ^ (z >> np.uint64(30))) * _MUL1
    z = (z ^ (z >> np.uint64(27))) * _MUL2
    return z ^ (z >> np.uint64(31))


def uniform_grid(keys: list[int], stream: int, draws: int) -> np.ndarray:
    """Draws ``0 .. draws-1`` of ``stream`` for each sample key, shape (samples, draws): the same
    numbers as :func:`rng.uniform` one at a time, bit for bit, for a whole run of hours at once."""
    skeys = np.array(keys, dtype=np.uint64)[:, None]
    counters = (np.uint64(stream) << np.uint64(rng.DRAW_INDEX_BITS)) | np.arange(draws,
                                                                                dtype=np.uint64)
    with np.errstate(over="ignore"):
        bits = _mix64(skeys + counters[None, :] * _GAMMA)
    return ((bits >> np.uint64(64 - rng.UNIFORM_BITS)).astype(np.float64) + 0.5) * rng.UNIFORM_SCALE


def standard_normal_quantiles(p: np.ndarray) -> np.ndarray:
    """:func:`~.distributions.standard_normal_quantile` (AS241) on an array: the same regions and
    polynomials, each region computed only for the elements in it (numpy's log and sqrt may differ
    from the math module's in the last bit)."""
    p = np.asarray(p, dtype=np.float64)
    q = p - 0.5
    out = np.empty_like(q)
    central = np.abs(q) <= 0.425
    qc = q[central]
    r = 0.180625 - qc * qc
    out[central] = horner(AS241_CENTRAL[0], r) * qc / horner(AS241_CENTRAL[1], r)
    tails = ~central
    qt, pt = q[tails], p[tails]
    tail = np.sqrt(-np.log(np.where(qt < 0.0, pt, 1.0 - pt)))
    near = tail <= 5.0
    x = np.empty_like(tail)
    x[near] = (horner(AS241_NEAR_TAIL[0], tail[near] - 1.6)
               / horner(AS241_NEAR_TAIL[1], tail[near] - 1.6))
    far = ~near
    x[far] = horner(AS241_FAR_TAIL[0], tail[far] - 5.0) / horner(AS241_FAR_TAIL[1], tail[far] - 5.0)
    out[tails] = np.where(qt < 0.0, -x, x)
    return out


__all__ = ["draw_column", "sample_keys", "standard_normal_quantiles", "uniform_grid"]
