"""Draws of one input for a run of samples, outside the cores: the analyses' own inputs (API
prices, demand) come from the same counter-based generator as the model's, so draw ``k`` of stream
``s`` for sample ``i`` is the same wherever it is computed, and sample ``i`` of an analysis pairs
with sample ``i`` of the replica's run."""

from __future__ import annotations

import numpy as np

from . import rng
from .distributions import Distribution


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


__all__ = ["draw_column", "sample_keys"]
