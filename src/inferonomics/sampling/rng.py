"""The counter-based random stream every backend shares.

Draw ``k`` of stream ``s`` (one stream per model input) of sample ``i`` under seed ``seed`` is a pure
function of ``(seed, i, s, k)``: no generator state is carried from one sample to the next. That is
what lets the reference, the C core and the numba core produce the same samples whatever their thread
count or chunking: sample ``i`` can be computed by anyone, anywhere, in any order.

The generator is the SplitMix64 output function (Steele, Lea & Flood, "Fast splittable pseudorandom
number generators", OOPSLA 2014; the finaliser constants are Stafford's "Mix13") applied to a counter.
SplitMix64 *is* this finaliser applied to a Weyl sequence, so its statistical quality (it passes
BigCrush) carries over to counter mode. Two applications are chained:

    sample_key = mix64(seed_key XOR (i * GAMMA))                  once per sample
    bits       = mix64(sample_key + ((s << 32) | k) * GAMMA)      once per draw

``mix64`` is a bijection of 64-bit words and ``x -> x * GAMMA`` (odd ``GAMMA``) is one too, so within a
sample every ``(s, k)`` with ``s, k < 2**32`` yields a different word. Uniforms keep the top 52 bits and
are centred in their cell, ``u = (bits >> 12 + 0.5) / 2**52``, so ``2**-53 <= u <= 1 - 2**-53`` exactly
(with 53 bits the top cell's centre would round to 1.0) and ``log(u)``
or an inverse CDF never sees 0 or 1. All arithmetic is on unsigned 64-bit integers, modulo ``2**64``;
the C and numba cores compute the same words bit for bit.
"""

from __future__ import annotations

import secrets
from typing import Union

import numpy as np

from ..errors import ScenarioError

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15          # 2**64 / golden ratio, odd: the Weyl increment of SplitMix64
MIX_MUL1 = 0xBF58476D1CE4E5B9       # Stafford Mix13 multipliers
MIX_MUL2 = 0x94D049BB133111EB
DRAW_INDEX_BITS = 32                 # k (draw within a stream) occupies the low 32 bits of the counter
UNIFORM_BITS = 52
UNIFORM_SCALE = 1.0 / (1 << UNIFORM_BITS)
MAX_SEED = MASK64


def mix64(z: int) -> int:
    """SplitMix64 finaliser: a bijective avalanche of a 64-bit word."""
    z = ((z ^ (z >> 30)) * MIX_MUL1) & MASK64
    z = ((z ^ (z >> 27)) * MIX_MUL2) & MASK64
    return z ^ (z >> 31)


def seed_key(seed: int) -> int:
    """The 64-bit key of a seed (``0 <= seed < 2**64``)."""
    return mix64((seed + GAMMA) & MASK64)


def sample_key(key: int, i: int) -> int:
    """The key of sample ``i`` under ``key``; computed once per sample."""
    return mix64(key ^ ((i * GAMMA) & MASK64))


def draw_bits(skey: int, stream: int, k: int) -> int:
    """The 64 random bits of draw ``k`` of ``stream`` for the sample whose key is ``skey``."""
    counter = (stream << DRAW_INDEX_BITS) | k
    return mix64((skey + counter * GAMMA) & MASK64)


def bits_to_uniform(bits: int) -> float:
    """Map 64 random bits to a double strictly inside (0, 1)."""
    return ((bits >> (64 - UNIFORM_BITS)) + 0.5) * UNIFORM_SCALE


def uniform(skey: int, stream: int, k: int) -> float:
    """Uniform draw ``k`` of ``stream`` for the sample whose key is ``skey``, in (0, 1)."""
    return bits_to_uniform(draw_bits(skey, stream, k))


DEFAULT_SEED = 0
"""The seed of every public function and command when none is given: runs are reproducible unless
asked otherwise."""

SeedLike = Union[int, np.integer, np.random.SeedSequence, np.random.Generator, None]


def normalize_seed(seed: SeedLike) -> int:
    """The integer seed in ``[0, 2**64)`` that ``seed`` stands for: the one helper every public
    function passes its ``seed`` argument through.

    - an int or numpy integer in ``[0, 2**64)``: itself;
    - a :class:`numpy.random.SeedSequence`: the first 64-bit word of its ``generate_state``, so the
      same sequence (the same entropy and spawn key) always gives the same seed;
    - a :class:`numpy.random.Generator`: one integer in ``[0, 2**63)`` drawn from it. This
      **advances the generator**, so successive calls with one generator give independent runs;
    - ``None``: fresh entropy from the operating system (63 bits); results record the seed used.

    Anything else (a bool, a float, a string, a ``RandomState``) raises a
    :class:`~inferonomics.errors.ScenarioError` naming ``seed``.
    """
    if seed is None:
        return secrets.randbits(63)
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.generate_state(1, np.uint64)[0])
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 1 << 63))
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        shown = repr(seed) if len(repr(seed)) <= 80 else type(seed).__name__
        raise ScenarioError("seed", "must be an integer in [0, 2**64), a numpy SeedSequence or "
                            f"Generator, or None, got {shown}")
    seed = int(seed)
    if not 0 <= seed <= MAX_SEED:
        shown = seed if abs(seed).bit_length() <= 200 else f"an integer of {seed.bit_length()} bits"
        raise ScenarioError("seed", f"must be an integer in [0, 2**64), got {shown}")
    return seed
