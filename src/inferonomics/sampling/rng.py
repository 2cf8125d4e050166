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


def normalize_seed(seed: int | None) -> int:
    """Return a valid seed: ``seed`` itself if it is an integer in ``[0, 2**64)``, or fresh entropy
    from the operating system if it is ``None`` (the result records the seed actually used)."""
    if seed is None:
        import secrets

        return secrets.randbits(63)
    if isinstance(seed, bool) or not isinstance(seed, int):
        try:
            import numpy as np

            if isinstance(seed, np.integer):
                seed = int(seed)
        except ImportError:  # pragma: no cover - numpy is a hard dependency
            pass
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ScenarioError("seed", f"must be an integer in [0, 2**64), got {seed!r}")
    if not 0 <= seed <= MAX_SEED:
        raise ScenarioError("seed", f"must be an integer in [0, 2**64), got {seed}")
    return seed
