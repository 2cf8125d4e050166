"""The numba core: the C core's algorithm, JIT-compiled from Python.

Same plan arrays (:mod:`inferonomics.cores.encoding`), same counter-based stream, same formulas in the same
order as :mod:`inferonomics.model.reference`. Kernels are compiled with ``cache=True`` (a second process
loads them from ``__pycache__`` instead of compiling) and ``nogil=True``: the driver's threads (kept
between calls, :mod:`inferonomics.cores.workers`) take chunks one at a time from a shared counter
and count into a histogram each, so the result does not depend on the thread count or on which
thread took which chunk. All JIT options live in :func:`_jit`, so nobody adds ``fastmath`` ad hoc.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from ..sampling.distributions import (AS241_CENTRAL, AS241_FAR_TAIL, AS241_NEAR_TAIL,
                                      SMALLEST_PROBABILITY, UNIFORM_MIN)
from ..errors import CoreError
from ..sampling.rng import seed_key
from ..stats.summary import (SKETCH_BUCKETS, SKETCH_HALF, SKETCH_KEY_OFFSET, SKETCH_MIN, SKETCH_SHIFT,
                             SKETCH_ZERO)
from ..stats.summary import bucket_range   # in Python, outside the kernels
from .encoding import (KIND_CHOICE, KIND_FIXED, KIND_LOGNORMAL, KIND_NORMAL, KIND_PERT,
                       KIND_TRIANG, KIND_TRUNCNORM, KIND_UNIFORM, N_INPUTS,
                       N_METRICS, N_OUTPUTS, N_STATUS, PRECISIONS, EncodedPlan, output_rows)
from .workers import run_on_threads


def _jit(fn):
    # error_model="numpy": division by zero gives inf/nan as in C instead of raising, which also
    # lets LLVM vectorise loops with divisions.
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


def _jit_inline(fn):
    # Small functions called inside the block loops: inlined into the caller at numba's level so
    # LLVM sees one loop body it can vectorise.
    return numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(fn)


PREFER_WIDE_VECTORS = '"prefer-vector-width"="512"'   # an LLVM function attribute
U64 = np.uint64
GAMMA = U64(0x9E3779B97F4A7C15)
MIX_MUL1 = U64(0xBF58476D1CE4E5B9)
MIX_MUL2 = U64(0x94D049BB133111EB)
SHIFT30, SHIFT27, SHIFT31 = U64(30), U64(27), U64(31)
DRAW_INDEX_BITS = U64(32)
UNIFORM_DROP = U64(12)                     # 64 - 52 bits kept
UNIFORM_SCALE = 1.0 / float(1 << 52)
GAMMA_MAX_ATTEMPTS = 64
GAMMA_SECOND_VARIATE_OFFSET = 1 << 16
SKETCH_SHIFT_U = U64(SKETCH_SHIFT)



# ------------------------------------------------------------------------------------------------
# Stream and elementary functions
# ------------------------------------------------------------------------------------------------

@intrinsic
def prefer_wide_vectors(typingctx):
    """Let LLVM vectorise the calling function at the CPU's full vector width.

    LLVM's tuning for Intel cores with AVX-512 keeps vectors at 256 bits (against the clock drop
    of older parts), and numba can change that only for the whole process (NUMBA_CPU_FEATURES,
    read when numba is imported). This gives just the calling function LLVM's
    ``"prefer-vector-width"="512"`` attribute, as -mprefer-vector-width=512 does for the C core:
    on the Intel development VM folding 26.7 -> 17.4-18.1 ns a sample, drawing 32 -> 29.5, the
    model 47.5 -> 42.5 (stage timers, one run each), the same bits, as lanes never mix (no
    reduction is reordered; the moment lanes are explicit). A CPU without AVX-512 vectorises at
    its own width. llvmlite's attribute set accepts only the names it knows, so the string
    attribute is added to it as a set element; should llvmlite's attribute set stop being a set,
    the function keeps LLVM's default width (only the speed changes;
    tests/test_numba_vector_width.py notices). LLVM keeps the caller's attribute when it
    inlines a marked function into an unmarked one: the marked functions are called, not
    inlined, by their drivers today (their machine code, checked)."""
    def codegen(context, builder, signature, args):
        attributes = builder.function.attributes
        if isinstance(attributes, set):
            set.add(attributes, PREFER_WIDE_VECTORS)
        return context.get_dummy_value()
    return types.none(), codegen


@intrinsic
def _bits_of(typingctx, x):
    """Reinterpret a float64 as uint64 (a no-op for the CPU, and vectorisable)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.uint64(types.float64), codegen


@intrinsic
def _double_of(typingctx, b):
    """Reinterpret a uint64 as float64."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.uint64), codegen


@intrinsic
def _bits_of_f32(typingctx, x):
    """Reinterpret a float32 as uint32."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))
    return types.uint32(types.float32), codegen


@intrinsic
def _float_of(typingctx, b):
    """Reinterpret a uint32 as float32."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())
    return types.float32(types.uint32), codegen


@intrinsic
def take_next(typingctx, counter):
    """Atomically add 1 to ``counter[0]`` (a 1-D int64 array) and return its value before: the
    next chunk for the calling thread, shared by every thread of a simulate call as OpenMP's
    ``schedule(dynamic, 1)`` shares the C core's chunks."""
    if not (isinstance(counter, types.Array) and counter.dtype == types.int64
            and counter.ndim == 1):
        return None

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        return builder.atomic_rmw("add", array.data, ir.Constant(ir.IntType(64), 1), "monotonic")
    return types.int64(counter), codegen


@_jit_inline
def mix64(z):
    z = (z ^ (z >> SHIFT30)) * MIX_MUL1
    z = (z ^ (z >> SHIFT27)) * MIX_MUL2
    return z ^ (z >> SHIFT31)


@_jit_inline
def sample_key(key, i):
    return mix64(key ^ (U64(i) * GAMMA))


@_jit_inline
def uniform(skey, stream, k):
    bits = mix64(skey + ((U64(stream) << DRAW_INDEX_BITS) | U64(k)) * GAMMA)
    return (float(bits >> UNIFORM_DROP) + 0.5) * UNIFORM_SCALE


LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10
LOG2E = 1.44269504088896338700
# fdlibm e_log.c's minimax coefficients of log_'s series, as LG1..LG7 in csrc/inferonomics.c.
LG1 = 6.666666666666735130e-01
LG2 = 3.999999999940941908e-01
LG3 = 2.857142874366239149e-01
LG4 = 2.222219843214978396e-01
LG5 = 1.818357216161805012e-01
LG6 = 1.531383769920937332e-01
LG7 = 1.479819860511658591e-01
EXP_UNDERFLOW = -745.2
EXP_OVERFLOW = 709.8
MANTISSA_MASK = U64(0x000FFFFFFFFFFFFF)
EXPONENT_ONE = U64(0x3FF0000000000000)
SHIFT52 = U64(52)


@_jit_inline
def pow2i(n):
    return _double_of(U64(int(n) + 1023) << SHIFT52)


@_jit_inline
def exp_(x):
    """e**x without libm, as exp_ in csrc/inferonomics.c (Taylor series to r**13 summed in
    Estrin's scheme, in the C core's order; about 1 ulp)."""
    xc = min(max(x, EXP_UNDERFLOW), EXP_OVERFLOW)
    n = np.floor(xc * LOG2E + 0.5)
    r = (xc - n * LN2_HI) - n * LN2_LO
    r2 = r * r
    r4 = r2 * r2
    r8 = r4 * r4
    a1 = 0.5 + (1.0 / 6.0) * r
    a2 = 1.0 / 24.0 + (1.0 / 120.0) * r
    a3 = 1.0 / 720.0 + (1.0 / 5040.0) * r
    a4 = 1.0 / 40320.0 + (1.0 / 362880.0) * r
    a5 = 1.0 / 3628800.0 + (1.0 / 39916800.0) * r
    a6 = 1.0 / 479001600.0 + (1.0 / 6227020800.0) * r
    q = ((a1 + a2 * r2) + (a3 + a4 * r2) * r4) + (a5 + a6 * r2) * r8
    p = 1.0 + (r + r2 * q)
    n1 = np.floor(0.5 * n)
    y = p * pow2i(n1) * pow2i(n - n1)
    y = 0.0 if x < EXP_UNDERFLOW else y
    y = math.inf if x > EXP_OVERFLOW else y
    return x if x != x else y


@_jit_inline
def log_(x):
    """ln x without libm, as log_ in csrc/inferonomics.c (fdlibm's minimax polynomial in the
    atanh form, summed in Estrin's scheme in the C core's order)."""
    b = _bits_of(x)
    e = float(np.int64(b >> SHIFT52) - 1023)
    m = _double_of((b & MANTISSA_MASK) | EXPONENT_ONE)
    big = m > 1.41421356237309504880
    m = 0.5 * m if big else m
    e = e + 1.0 if big else e
    f = m - 1.0
    s = f / (m + 1.0)
    z = s * s
    z2 = z * z
    z4 = z2 * z2
    a0 = 0.5 * LG1 + (0.5 * LG2) * z
    a1 = 0.5 * LG3 + (0.5 * LG4) * z
    a2 = 0.5 * LG5 + (0.5 * LG6) * z
    r = (a0 + a1 * z2) + (a2 + (0.5 * LG7) * z2) * z4
    y = e * LN2_HI + ((f - s * (f - z * 2.0 * r)) + e * LN2_LO)
    y = -math.inf if x == 0.0 else y
    y = np.nan if (x < 0.0) | (x != x) else y
    return math.inf if x == math.inf else y


# Single precision (precision="float32"): the same two functions in float32, as exp_f32 and
# log_f32 in csrc/inferonomics.c. Every literal is a float32 (F32(...)): a float64 one would
# promote the arithmetic around it to float64.
F32 = np.float32
LN2_HI_F = F32(6.9313812256e-01)
LN2_LO_F = F32(9.0580006145e-06)
LOG2E_F = F32(1.44269504)
EXPF_UNDERFLOW = F32(-103.972076416015625)   # exactly as in csrc/inferonomics.c
EXPF_OVERFLOW = F32(88.72283172607421875)
FLOAT_MIN_NORMAL = F32(1.17549435e-38)
TWO_POW_24 = F32(16777216.0)
MANTISSA_MASK_F = np.uint32(0x007FFFFF)
EXPONENT_ONE_F = np.uint32(0x3F800000)
SHIFT23 = np.uint32(23)


@_jit_inline
def pow2if(n):
    return _float_of(np.uint32(int(n) + 127) << SHIFT23)


@_jit_inline
def exp_f32(x):
    """e**x in float32, as exp_f32 in csrc/inferonomics.c (Taylor series to r**7, summed as
    exp_)."""
    xc = min(max(x, EXPF_UNDERFLOW), EXPF_OVERFLOW)
    n = np.floor(xc * LOG2E_F + F32(0.5))
    r = (xc - n * LN2_HI_F) - n * LN2_LO_F
    r2 = r * r
    r4 = r2 * r2
    a1 = F32(0.5) + (F32(1.0) / F32(6.0)) * r
    a2 = F32(1.0) / F32(24.0) + (F32(1.0) / F32(120.0)) * r
    a3 = F32(1.0) / F32(720.0) + (F32(1.0) / F32(5040.0)) * r
    p = F32(1.0) + (r + r2 * ((a1 + a2 * r2) + a3 * r4))
    n1 = np.floor(F32(0.5) * n)
    y = p * pow2if(n1) * pow2if(n - n1)
    y = F32(0.0) if x < EXPF_UNDERFLOW else y
    y = F32(math.inf) if x > EXPF_OVERFLOW else y
    return x if x != x else y


@_jit_inline
def log_f32(x):
    """ln x in float32, as log_f32 in csrc/inferonomics.c (a subnormal x scaled by 2**24 first)."""
    tiny = x < FLOAT_MIN_NORMAL
    b = _bits_of_f32(x * TWO_POW_24 if tiny else x)
    e = F32(np.int32(b >> SHIFT23) - np.int32(127)) - (F32(24.0) if tiny else F32(0.0))
    m = _float_of((b & MANTISSA_MASK_F) | EXPONENT_ONE_F)
    big = m > F32(1.41421356)
    m = F32(0.5) * m if big else m
    e = e + F32(1.0) if big else e
    f = m - F32(1.0)
    s = f / (m + F32(1.0))
    z = s * s
    r = ((F32(1.0) / F32(3.0) + (F32(1.0) / F32(5.0)) * z)
         + (F32(1.0) / F32(7.0) + (F32(1.0) / F32(9.0)) * z) * (z * z))
    y = e * LN2_HI_F + ((f - s * (f - z * F32(2.0) * r)) + e * LN2_LO_F)
    y = F32(-math.inf) if x == F32(0.0) else y
    y = F32(np.nan) if (x < F32(0.0)) | (x != x) else y
    return F32(math.inf) if x == F32(math.inf) else y


# ------------------------------------------------------------------------------------------------
# Distributions, a column of a block at a time
# ------------------------------------------------------------------------------------------------

@_jit_inline
def horner(coefficients, x):
    """distributions.horner: highest power first, the same operations in the same order."""
    value = coefficients[0]
    for i in range(1, len(coefficients)):
        value = value * x + coefficients[i]
    return value


AS241_SPLIT = 0.425   # the central region: |p - 0.5| <= AS241_SPLIT


@_jit_inline
def normal_central(q):
    r = 0.180625 - q * q
    return horner(AS241_CENTRAL[0], r) * q / horner(AS241_CENTRAL[1], r)


@_jit_inline
def normal_tail(p):
    q = p - 0.5
    t = math.sqrt(-log_(p if q < 0.0 else 1.0 - p))
    a = t - 1.6
    b = t - 5.0
    near = horner(AS241_NEAR_TAIL[0], a) / horner(AS241_NEAR_TAIL[1], a)
    far = horner(AS241_FAR_TAIL[0], b) / horner(AS241_FAR_TAIL[1], b)
    tail = near if t <= 5.0 else far
    return -tail if q < 0.0 else tail


@_jit_inline
def normal_quantile(p):
    """AS241 (coefficients shared with the reference, sampling.distributions), one value."""
    q = p - 0.5
    return normal_central(q) if abs(q) <= AS241_SPLIT else normal_tail(p)


@_jit_inline
def normal_quantiles(p, n, z, tails):
    """z[j] = normal_quantile(p[j]) for j < n in two passes, as normal_quantiles in the C core: the
    central region for every lane (vectorised), the tail only for the lanes outside it. Overwrites
    p (scratch to its callers): the tail lanes' probabilities are packed at its front."""
    for j in range(n):
        z[j] = normal_central(p[j] - 0.5)
    # Pack the tail lanes' indices into tails and their probabilities into the front of p (in
    # place: slot n_tail <= j was read before). GCC vectorises the C core's tail loop with
    # gathers and scatters; LLVM does not, but does vectorise a tail pass over packed contiguous
    # values (2.5x faster than one scalar pass through the indices). The count is unsigned:
    # numba adds no negative-index wraparound to tails[n_tail] and p[n_tail].
    n_tail = U64(0)
    for j in range(n):
        tails[n_tail] = j
        p[n_tail] = p[j]
        n_tail += U64(abs(p[j] - 0.5) > AS241_SPLIT)
    for i in range(n_tail):
        p[i] = normal_tail(p[i])
    for i in range(n_tail):
        z[tails[i]] = p[i]


@_jit_inline
def clamp_probability(p):
    return min(max(p, SMALLEST_PROBABILITY), 1.0 - UNIFORM_MIN)


@_jit
def gamma_variate(shape, skey, stream, first):
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    for attempt in range(GAMMA_MAX_ATTEMPTS):
        x = normal_quantile(uniform(skey, stream, first + 2 * attempt))
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        if log_(uniform(skey, stream, first + 2 * attempt + 1)) < 0.5 * x * x + d - d * v + d * log_(v):
            return d * v
    return d


CHOICE_UNROLLED = 16   # a choice with at most this many values is drawn branch-free


@_jit
def draw_column(kind, p, choice_values, choice_weights, skey, stream, n, out, u, z, tails):
    """Column ``stream`` of a block, as draw_column in the C core (the reference's operations in
    its order); ``u``, ``z`` (float64) and ``tails`` (int64) are scratch rows of BLOCK lanes.
    Each kind reads its parameters into locals before its loops: ``out`` might alias ``p`` as
    far as LLVM knows, so it would reload them every lane (the triangular loop ran 1.6x slower)."""
    prefer_wide_vectors()
    if kind == KIND_FIXED:
        p0 = p[0]
        for j in range(n):
            out[j] = p0
    elif kind == KIND_UNIFORM:
        low, high = p[0], p[1]
        for j in range(n):
            out[j] = low + (high - low) * uniform(skey[j], stream, 0)
    elif kind == KIND_NORMAL:
        mean, sd = p[0], p[1]
        for j in range(n):
            u[j] = uniform(skey[j], stream, 0)
        normal_quantiles(u, n, z, tails)
        for j in range(n):
            out[j] = mean + sd * z[j]
    elif kind == KIND_TRUNCNORM:
        mean, sd, low, high, cdf_low, cdf_high = p[0], p[1], p[2], p[3], p[4], p[5]
        mirrored = p[6] != 0.0   # drawn from the upper tail mirrored
        for j in range(n):
            v = uniform(skey[j], stream, 0)
            u[j] = (clamp_probability(cdf_low - v * (cdf_low - cdf_high)) if mirrored
                    else clamp_probability(cdf_low + v * (cdf_high - cdf_low)))
        normal_quantiles(u, n, z, tails)
        for j in range(n):
            x = mean + sd * (-z[j] if mirrored else z[j])
            x = x if x > low else low
            out[j] = x if x < high else high
    elif kind == KIND_LOGNORMAL:
        median, sigma = p[0], p[1]
        for j in range(n):
            u[j] = uniform(skey[j], stream, 0)
        normal_quantiles(u, n, z, tails)
        for j in range(n):
            out[j] = median * exp_(sigma * z[j])
    elif kind == KIND_TRIANG:
        low, mode, high = p[0], p[1], p[2]
        width = high - low
        for j in range(n):
            v = uniform(skey[j], stream, 0)
            lower = v * width < mode - low
            root = math.sqrt(v * width * (mode - low) if lower
                             else (1.0 - v) * width * (high - mode))
            out[j] = low if width == 0.0 else (low + root if lower else high - root)
    elif kind == KIND_PERT:
        low, high, alpha, beta = p[0], p[1], p[2], p[3]
        for j in range(n):
            g1 = gamma_variate(alpha, skey[j], stream, 0)
            g2 = gamma_variate(beta, skey[j], stream, GAMMA_SECOND_VARIATE_OFFSET)
            out[j] = low + (high - low) * g1 / (g1 + g2)
    elif kind == KIND_CHOICE:
        offset, count, total = int(p[0]), int(p[1]), p[2]
        if count <= CHOICE_UNROLLED:
            # The number of running weights at or below the target (see the C core), counted in
            # one pass over the lanes per running weight, so that each pass vectorises: targets
            # in u, counts in tails.
            cumulative = z[:count]
            running = 0.0
            for c in range(count):
                running += choice_weights[offset + c]
                cumulative[c] = running
            for j in range(n):
                u[j] = uniform(skey[j], stream, 0) * total
                tails[j] = 0
            for c in range(count - 1):
                bound = cumulative[c]
                for j in range(n):
                    tails[j] += u[j] >= bound
            for j in range(n):
                out[j] = choice_values[offset + tails[j]]
        else:
            for j in range(n):
                target = uniform(skey[j], stream, 0) * total
                cumulative = 0.0
                value = choice_values[offset + count - 1]
                for c in range(count):
                    cumulative += choice_weights[offset + c]
                    if target < cumulative:
                        value = choice_values[offset + c]
                        break
                out[j] = value
    else:
        for j in range(n):
            out[j] = np.nan


BLOCK = 512   # samples per block, as in the C core
ROW = BLOCK + 8   # row stride of the workspace: a cache line of padding, as ROW in the C core


CACHE_LINE = 64   # bytes


@_jit
def aligned_zeros(n, dtype):
    """n zeros of ``dtype`` starting on a cache line (CACHE_LINE items spare: a line's worth
    whatever the item size). numba aligns an array to 32 bytes only (a workspace-sized one fell
    at 32 bytes past a line here), and a 512-bit load from a row that does not start on a cache
    line spans two lines: the model took 53 ns a sample instead of 41 in the runs whose workspace
    fell that way (stage timers, the bundled example)."""
    return on_cache_line(np.zeros(n + CACHE_LINE, dtype=dtype), n)


@_jit
def on_cache_line(buffer, n):
    """The first n items of ``buffer`` (1-D, contiguous) that start on a cache line; ``buffer``
    must have CACHE_LINE // itemsize - 1 items to spare beyond n."""
    itemsize = buffer.itemsize
    first = (-(buffer.ctypes.data // itemsize)) % (CACHE_LINE // itemsize)
    return buffer[first:first + n]


@_jit
def workspace():
    """One buffer for a block: N_INPUTS rows of inputs then N_OUTPUTS rows of outputs, ROW lanes
    each (BLOCK used, the rest padding); returns it with 2-D views of the input and output rows."""
    w = aligned_zeros((N_INPUTS + N_OUTPUTS) * ROW, np.float64)
    x = w[:N_INPUTS * ROW].reshape((N_INPUTS, ROW))
    y = w[N_INPUTS * ROW:].reshape((N_OUTPUTS, ROW))
    return w, x, y


@_jit
def workspace_f32(single):
    """The float32 workspace of precision="float32", laid out as workspace()'s buffer (empty
    when ``single`` is false: a float64 run never touches it). Its rows are 2080 bytes apart, so
    every other one starts half a cache line off; a row stride of whole lines (BLOCK + 16)
    measured no faster (float32 over float64 1.05-1.06x either way, two runs on the Intel VM,
    before round_rows took its rows as slices)."""
    return aligned_zeros((N_INPUTS + N_OUTPUTS) * ROW if single else 0, np.float32)


ALL_INPUTS = np.arange(N_INPUTS, dtype=np.int64)   # every input row (explicit rows vary in all)


@_jit
def round_rows(w, v, rows):
    """Input rows ``rows`` of ``w`` rounded into the float32 workspace ``v``. Each row is taken
    as a slice: indexed as ``v[s * ROW + j]`` in a loop over ``rows``, LLVM vectorised the pair
    of loops so poorly that rounding 12 rows took 16-18 ns a sample instead of 1.6-3.0 (AMD
    EPYC, Zen 4; one block repeated)."""
    prefer_wide_vectors()
    for s in rows:
        source = w[s * ROW:(s + 1) * ROW]
        target = v[s * ROW:(s + 1) * ROW]
        for j in range(ROW):
            target[j] = F32(source[j])


@_jit
def drawn_rows(kinds):
    """The input rows a plan draws (every row but the fixed ones)."""
    rows = np.empty(N_INPUTS, dtype=np.int64)
    k = 0
    for s in range(N_INPUTS):
        if kinds[s] != KIND_FIXED:
            rows[k] = s
            k += 1
    return rows[:k]


@_jit
def evaluate_block_single(w, v, rows):
    """The model in float32 (precision="float32"): the input rows ``rows`` of ``w`` rounded into
    the float32 workspace ``v`` (its other input rows must already hold theirs), the float32
    model on ``v``, its outputs widened back into ``w``. A run rounds its fixed inputs once and
    then only the drawn ones: rounding every input row each block took 14 ns a sample, most of
    it moving the rows through the cache."""
    prefer_wide_vectors()
    round_rows(w, v, rows)
    evaluate_block_f32(v)
    for i in range(N_INPUTS * ROW, (N_INPUTS + N_OUTPUTS) * ROW):
        w[i] = v[i]


@_jit
def fill_fixed(kinds, params, x):
    for s in range(N_INPUTS):
        if kinds[s] == KIND_FIXED:
            x[s, :] = params[s, 0]


@_jit
def draw_scratch():
    """draw_block's rows of BLOCK lanes: the sample keys and draw_column's scratch (u, z, tails).
    Allocated once per caller instead of three allocations in every block (about 80 ns a block,
    a few per cent of the bundled example's draws)."""
    return (np.empty(BLOCK, dtype=np.uint64), np.empty(BLOCK), np.empty(BLOCK),
            np.empty(BLOCK, dtype=np.int64))


@_jit
def draw_block(kinds, params, integer, choice_values, choice_weights, key, i0, n, skey, u, z,
               tails, x):
    prefer_wide_vectors()
    for j in range(n):
        skey[j] = sample_key(key, i0 + j)
    for s in range(N_INPUTS):
        if kinds[s] == KIND_FIXED:
            continue
        draw_column(kinds[s], params[s], choice_values, choice_weights, skey, INPUT_STREAM[s], n, x[s],
                    u, z, tails)
        if integer[s]:
            for j in range(n):
                x[s, j] = np.floor(x[s, j] + 0.5)


# ------------------------------------------------------------------------------------------------
# The cost model, generated from reference.evaluate by tools/generate_cores.py (see that file for how
# Python's semantics carry over). Kept in this file: numba's cache does not notice other modules.
# ------------------------------------------------------------------------------------------------

# ---- BEGIN GENERATED by tools/generate_cores.py from inferonomics.model.reference: do not edit ----
# Inputs (rows of a block, in registry order) and outputs.
I_TOTAL_PARAMS_B = 0
I_ACTIVE_PARAMS_B = 1
I_N_LAYERS = 2
I_D_MODEL = 3
I_N_HEADS = 4
I_N_KV_HEADS = 5
I_HEAD_DIM = 6
I_V_HEAD_DIM = 7
I_D_FF = 8
I_N_EXPERTS = 9
I_EXPERTS_PER_TOKEN = 10
I_KV_LORA_RANK = 11
I_ROPE_HEAD_DIM = 12
I_SLIDING_WINDOW = 13
I_SLIDING_WINDOW_LAYERS = 14
I_COUNT = 15
I_MEMORY_GB = 16
I_MEMORY_BW_GBPS = 17
I_TFLOPS_FP32 = 18
I_TFLOPS_16 = 19
I_TFLOPS_8 = 20
I_TFLOPS_4 = 21
I_TDP_W = 22
I_IDLE_W = 23
I_INTERCONNECT_GBPS = 24
I_LINK_LATENCY_US = 25
I_WEIGHT_BITS = 26
I_ACTIVATION_BITS = 27
I_KV_BITS = 28
I_BATCH = 29
I_INPUT_TOKENS = 30
I_OUTPUT_TOKENS = 31
I_TTFT_SLO_S = 32
I_TPOT_SLO_S = 33
I_MFU = 34
I_MBU = 35
I_COMM_EFFICIENCY = 36
I_STEP_OVERHEAD_MS = 37
I_MEMORY_USABLE_FRACTION = 38
I_PUE = 39
I_HOST_W = 40
I_GRID_GCO2_PER_KWH = 41
I_EMBODIED_KGCO2 = 42
I_WUE_L_PER_KWH = 43
I_USD_PER_DEVICE_HOUR = 44
I_PURCHASE_USD = 45
I_HOSTING_USD_PER_DEVICE_HOUR = 46
I_USD_PER_KWH = 47
I_UTILIZATION = 48
I_LIFETIME_YEARS = 49
I_POWER_EXPONENT = 50
I_BEAMS = 51
I_COST_OF_CAPITAL = 52
I_RESIDUAL_FRACTION = 53
I_COLOCATION_USD_PER_KW_MONTH = 54
I_PROVISIONED_KW = 55
I_INTERRUPTIONS_PER_HOUR = 56
I_RESTART_S = 57
I_P_SUCCESS = 58
I_VALUE_USD_PER_SUCCESS = 59
I_COST_USD_PER_FAILURE = 60
I_ATTEMPTS = 61
I_PP = 62
I_MICROBATCHES = 63
I_EXPERT_PARALLEL = 64
I_ATTENTION_DP = 65
I_EXPERT_IMBALANCE = 66
I_SCALEUP_DEVICES = 67
I_SCALEOUT_GBPS = 68
I_CHUNKED_PREFILL = 69
I_MAX_BATCHED_TOKENS = 70
I_DISAGGREGATED = 71
O_STATUS = 0
O_BATCH = 1
O_MAX_BATCH = 2
O_TTFT_S = 3
O_TPOT_S = 4
O_E2E_S = 5
O_TOKENS_PER_S = 6
O_TOKENS_PER_S_PER_DEVICE = 7
O_USD_PER_MTOK = 8
O_USD_PER_MTOK_INPUT = 9
O_USD_PER_MTOK_OUTPUT = 10
O_JOULES_PER_TOKEN = 11
O_KWH_PER_MTOK = 12
O_GCO2_PER_MTOK = 13
O_WATER_L_PER_MTOK = 14
O_POWER_W_PER_DEVICE = 15
O_WEIGHT_GB_PER_DEVICE = 16
O_KV_GB_PER_DEVICE = 17
O_MEMORY_USED_FRACTION = 18
O_PREFILL_S = 19
O_DECODE_STEP_S = 20
O_DECODE_COMPUTE_BOUND = 21
O_RENTAL_USD_PER_MTOK = 22
O_CAPITAL_USD_PER_MTOK = 23
O_HOSTING_USD_PER_MTOK = 24
O_ENERGY_USD_PER_MTOK = 25
O_USD_PER_REQUEST = 26
O_USD_PER_SUCCESS = 27
O_NET_VALUE_USD_PER_REQUEST = 28
# Random stream of each input (Parameter.stream: frozen, so seeds keep their samples).
INPUT_STREAM = np.array([
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
    25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 51, 43, 44, 45, 46,
    47, 48, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 95, 96, 97, 98, 99, 100, 101, 102,
    103, 106,
], dtype=np.uint64)

# The reference's constants.
ALLREDUCE_BYTES_PER_VALUE = 2.0
BATCH_MAX = 0.0
BITS_PER_BYTE = 8.0
BYTES_PER_GB = 1000000000.0
EXPERT_MISS_LOG_ALL = -1e+30
FLOPS_PER_MAC = 2.0
FLOPS_PER_TFLOPS = 1000000000000.0
GRAMS_PER_KG = 1000.0
HOURS_PER_YEAR = 8766.0
JOULES_PER_KWH = 3600000.0
MICROBATCHES_AS_STAGES = 0.0
MLP_DENSE = 0.0
MLP_SLICED_EXPERTS = 1.0
MLP_WHOLE_EXPERTS = 2.0
MONTHS_PER_YEAR = 12.0
PARAMS_PER_BILLION = 1000000000.0
ROOFLINE_TIE = 1e-12
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_MS = 0.001
SECONDS_PER_US = 1e-06
STATUS_LATENCY = 2.0
STATUS_MEMORY = 1.0
STATUS_NON_FINITE = 3.0
STATUS_OK = 0.0
TOKENS_PER_MTOK = 1000000.0
WHOLE_REPLICA_DOMAIN = 0.0
WORKSPACE_FFN_COPIES = 2.0
WORKSPACE_HIDDEN_COPIES = 4.0


@_jit_inline
def py_min(a, b):
    """Python's min of two values (NaN included): the first unless the second is less."""
    return b if b < a else a


@_jit_inline
def py_max(a, b):
    return b if b > a else a


@_jit_inline
def pow_(x, y):
    """x ** y, vectorisable: exp(y ln x) for x > 0; 0 ** y; NaN for a negative or NaN x."""
    at_zero = 0.0 if y > 0.0 else (1.0 if y == 0.0 else np.inf)
    return exp_(y * log_(x)) if x > 0.0 else (at_zero if x == 0.0 else np.nan)


@_jit_inline
def log1p_(x):
    """ln(1 + x): its Taylor series within SERIES_LIMIT of 0, else ln(1 + x) (as the C core's)."""
    series = x * (1.0 + x * (-0.5 + x * (0.3333333333333333 + x * (-0.25 + x * (0.2 + x * (-0.16666666666666666 + x * (0.14285714285714285 + x * (-0.125 + x * (0.1111111111111111 + x * (-0.1 + x * (0.09090909090909091 + x * (-0.08333333333333333 + x * (0.07692307692307693 + x * -0.07142857142857142)))))))))))))
    return series if abs(x) < 0.1 else log_(1.0 + x)


@_jit_inline
def expm1_(x):
    """e**x - 1: its Taylor series within SERIES_LIMIT of 0, else e**x - 1 (as the C core's)."""
    series = x * (1.0 + x * (0.5 + x * (0.16666666666666666 + x * (0.041666666666666664 + x * (0.008333333333333333 + x * (0.001388888888888889 + x * (0.0001984126984126984 + x * (2.48015873015873e-05 + x * (2.7557319223985893e-06 + x * 2.755731922398589e-07)))))))))
    return series if abs(x) < 0.1 else exp_(x) - 1.0


@_jit_inline
def pow_f32(x, y):
    """x ** y, vectorisable: exp(y ln x) for x > 0; 0 ** y; NaN for a negative or NaN x."""
    at_zero = F32(0.0) if y > F32(0.0) else (F32(1.0) if y == F32(0.0) else F32(np.inf))
    return exp_f32(y * log_f32(x)) if x > F32(0.0) else (at_zero if x == F32(0.0) else F32(np.nan))


@_jit_inline
def log1p_f32(x):
    """ln(1 + x): its Taylor series within SERIES_LIMIT of 0, else ln(1 + x) (as the C core's)."""
    series = x * (F32(1.0) + x * (F32(-0.5) + x * (F32(0.3333333333333333) + x * (F32(-0.25) + x * (F32(0.2) + x * (F32(-0.16666666666666666) + x * (F32(0.14285714285714285) + x * (F32(-0.125) + x * (F32(0.1111111111111111) + x * (F32(-0.1) + x * (F32(0.09090909090909091) + x * (F32(-0.08333333333333333) + x * (F32(0.07692307692307693) + x * F32(-0.07142857142857142))))))))))))))
    return series if abs(x) < F32(0.1) else log_f32(F32(1.0) + x)


@_jit_inline
def expm1_f32(x):
    """e**x - 1: its Taylor series within SERIES_LIMIT of 0, else e**x - 1 (as the C core's)."""
    series = x * (F32(1.0) + x * (F32(0.5) + x * (F32(0.16666666666666666) + x * (F32(0.041666666666666664) + x * (F32(0.008333333333333333) + x * (F32(0.001388888888888889) + x * (F32(0.0001984126984126984) + x * (F32(2.48015873015873e-05) + x * (F32(2.7557319223985893e-06) + x * F32(2.755731922398589e-07))))))))))
    return series if abs(x) < F32(0.1) else exp_f32(x) - F32(1.0)


@_jit_inline
def all_to_all_s(message_bytes, devices, domain, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s):
    """reference.all_to_all_s"""
    returns_early = (devices <= 1.0)
    local_devices = py_min(domain, devices)
    local_s = (((message_bytes * (local_devices - 1.0)) / devices) / link_bytes_per_s)
    local_s_2 = 0.0
    local_s_3 = (local_s if (local_devices > 1.0) else local_s_2)
    remote_s = (((message_bytes * (devices - local_devices)) / devices) / scaleout_bytes_per_s)
    remote_s_2 = 0.0
    remote_s_3 = (remote_s if (devices > local_devices) else remote_s_2)
    return (0.0 if returns_early else (py_max(local_s_3, remote_s_3) + link_latency_s))


@_jit_inline
def attention_flops_per_device(attention_flops, attention_groups, attention_tp, stages):
    """reference.attention_flops_per_device"""
    return (((attention_flops * (1.0 / attention_groups)) * (1.0 / attention_tp)) * (1.0 / stages))


@_jit_inline
def causal_attention_pairs(tokens, sliding_window, sliding_window_layers):
    """reference.causal_attention_pairs"""
    full = ((0.5 * tokens) * tokens)
    returns_early = ((sliding_window <= 0.0) | (tokens <= sliding_window))
    local = (((0.5 * sliding_window) * sliding_window) + ((tokens - sliding_window) * sliding_window))
    return (full if returns_early else (((1.0 - sliding_window_layers) * full) + (sliding_window_layers * local)))


@_jit_inline
def collective_bytes_per_s(group, domain, link_bytes_per_s, scaleout_bytes_per_s):
    """reference.collective_bytes_per_s"""
    returns_early = (group > domain)
    return (py_min(link_bytes_per_s, scaleout_bytes_per_s) if returns_early else link_bytes_per_s)


@_jit_inline
def compute_bound_time_s(flops, bytes_moved, flops_per_s, bytes_per_s):
    """reference.compute_bound_time_s"""
    returns_early = ((flops / flops_per_s) > ((bytes_moved / bytes_per_s) * (1.0 + ROOFLINE_TIE)))
    return ((flops / flops_per_s) if returns_early else 0.0)


@_jit_inline
def device_power_w(idle_w, tdp_w, activity, power_exponent):
    """reference.device_power_w"""
    return (idle_w + ((tdp_w - idle_w) * pow_(activity, power_exponent)))


@_jit_inline
def experts_touched(n_experts, expert_miss_log, tokens):
    """reference.experts_touched"""
    return ((-n_experts) * expm1_((tokens * expert_miss_log)))


@_jit_inline
def experts_touched_added(n_experts, expert_miss_log, tokens, more_tokens):
    """reference.experts_touched_added"""
    return (((-n_experts) * exp_((tokens * expert_miss_log))) * expm1_((more_tokens * expert_miss_log)))


@_jit_inline
def roofline_s(flops, bytes_moved, flops_per_s, bytes_per_s):
    """reference.roofline_s"""
    return py_max((flops * (1.0 / flops_per_s)), (bytes_moved * (1.0 / bytes_per_s)))


@_jit_inline
def kernels_s(linear_flops, weight_bytes, attention_flops, kv_bytes, flops_per_s, bytes_per_s):
    """reference.kernels_s"""
    return (roofline_s(linear_flops, weight_bytes, flops_per_s, bytes_per_s) + roofline_s(attention_flops, kv_bytes, flops_per_s, bytes_per_s))


@_jit_inline
def linear_flops_per_device(tokens, dense_active_params, expert_params, experts_per_token, attention_groups, attention_tp, tp, stages, expert_load):
    """reference.linear_flops_per_device"""
    dense = ((((FLOPS_PER_MAC * dense_active_params) * tokens) * (1.0 / attention_groups)) * (1.0 / attention_tp))
    experts = (((((FLOPS_PER_MAC * experts_per_token) * expert_params) * tokens) * (1.0 / tp)) * expert_load)
    return ((dense + experts) * (1.0 / stages))


@_jit_inline
def memory_bound_time_s(flops, bytes_moved, flops_per_s, bytes_per_s):
    """reference.memory_bound_time_s"""
    returns_early = ((flops / flops_per_s) > ((bytes_moved / bytes_per_s) * (1.0 + ROOFLINE_TIE)))
    return (0.0 if returns_early else (bytes_moved / bytes_per_s))


@_jit_inline
def ring_allreduce_s(message_bytes, devices, link_bytes_per_s, link_latency_s):
    """reference.ring_allreduce_s"""
    returns_early = (devices <= 1.0)
    steps = (2.0 * (devices - 1.0))
    return (0.0 if returns_early else ((((steps / devices) * message_bytes) / link_bytes_per_s) + (steps * link_latency_s)))


@_jit_inline
def pass_comm_s(tokens, d_model, n_layers, mlp_layout, experts_per_token, activation_bytes, attention_tp, tp, stages, domain, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s):
    """reference.pass_comm_s"""
    layers = (n_layers / stages)
    attention = ring_allreduce_s(((tokens * d_model) * ALLREDUCE_BYTES_PER_VALUE), attention_tp, collective_bytes_per_s(attention_tp, domain, link_bytes_per_s, scaleout_bytes_per_s), link_latency_s)
    routed_values = (((tokens / tp) * experts_per_token) * d_model)
    mlp = (all_to_all_s((routed_values * activation_bytes), tp, domain, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s) + all_to_all_s((routed_values * ALLREDUCE_BYTES_PER_VALUE), tp, domain, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s))
    mlp_2 = ring_allreduce_s(((tokens * d_model) * ALLREDUCE_BYTES_PER_VALUE), tp, collective_bytes_per_s(tp, domain, link_bytes_per_s, scaleout_bytes_per_s), link_latency_s)
    mlp_3 = attention
    mlp_4 = (mlp_2 if (mlp_layout == MLP_SLICED_EXPERTS) else mlp_3)
    mlp_5 = (mlp if (mlp_layout == MLP_WHOLE_EXPERTS) else mlp_4)
    return (layers * (attention + mlp_5))


@_jit_inline
def pass_weight_bytes_added_per_device(tokens, more_tokens, expert_params, n_experts, expert_miss_log, weight_bytes_per_param, tp, stages):
    """reference.pass_weight_bytes_added_per_device"""
    return ((((experts_touched_added(n_experts, expert_miss_log, tokens, more_tokens) * expert_params) * (1.0 / tp)) * weight_bytes_per_param) * (1.0 / stages))


@_jit_inline
def pass_weight_bytes_per_device(tokens, dense_params, expert_params, n_experts, expert_miss_log, weight_bytes_per_param, attention_tp, tp, stages):
    """reference.pass_weight_bytes_per_device"""
    return ((((dense_params * (1.0 / attention_tp)) + ((experts_touched(n_experts, expert_miss_log, tokens) * expert_params) * (1.0 / tp))) * weight_bytes_per_param) * (1.0 / stages))


@_jit_inline
def peak_tflops(activation_bits, tflops_fp32, tflops_16, tflops_8, tflops_4):
    """reference.peak_tflops"""
    returns_early = ((activation_bits <= 4.0) & (tflops_4 > 0.0))
    returns_early_2 = ((activation_bits <= 8.0) & (tflops_8 > 0.0))
    returns_early_3 = ((activation_bits <= 16.0) & (tflops_16 > 0.0))
    returns_early_4 = (tflops_fp32 > 0.0)
    return (tflops_4 if returns_early else (tflops_8 if returns_early_2 else (tflops_16 if returns_early_3 else (tflops_fp32 if returns_early_4 else tflops_16))))


@_jit_inline
def pipeline_send_s(tokens, d_model, tp, stages, p2p_bytes_per_s, link_latency_s):
    """reference.pipeline_send_s"""
    returns_early = (stages <= 1.0)
    return (0.0 if returns_early else (((((tokens * d_model) * ALLREDUCE_BYTES_PER_VALUE) / tp) / p2p_bytes_per_s) + link_latency_s))


@_jit_inline
def roofline_added_s(flops, more_flops, bytes_moved, more_bytes, flops_per_s, bytes_per_s):
    """reference.roofline_added_s"""
    compute_s = (flops / flops_per_s)
    memory_s = (bytes_moved / bytes_per_s)
    more_compute_s = (more_flops / flops_per_s)
    more_memory_s = (more_bytes / bytes_per_s)
    memory_bound = (memory_s > compute_s)
    still_memory_bound = ((memory_s + more_memory_s) > (compute_s + more_compute_s))
    returns_early = (memory_bound != still_memory_bound)
    return ((py_max((compute_s + more_compute_s), (memory_s + more_memory_s)) - py_max(compute_s, memory_s)) if returns_early else (more_memory_s if memory_bound else more_compute_s))


@_jit_inline
def windowed_context(tokens, sliding_window, sliding_window_layers):
    """reference.windowed_context"""
    returns_early = (sliding_window <= 0.0)
    return (tokens if returns_early else (((1.0 - sliding_window_layers) * tokens) + (sliding_window_layers * py_min(tokens, sliding_window))))


# The loop runs the full block with constant row offsets into one array, which lets LLVM prove
# the rows do not overlap and vectorise it; lanes past the samples in use compute on stale
# inputs and are ignored.
@_jit
def evaluate_block_general(w):
    """reference.evaluate over every lane of the workspace ``w`` (see workspace())."""
    prefer_wide_vectors()
    for j in range(BLOCK):
        total_params_b = w[I_TOTAL_PARAMS_B * ROW + j]
        active_params_b = w[I_ACTIVE_PARAMS_B * ROW + j]
        n_layers = w[I_N_LAYERS * ROW + j]
        d_model = w[I_D_MODEL * ROW + j]
        n_heads = w[I_N_HEADS * ROW + j]
        n_kv_heads = w[I_N_KV_HEADS * ROW + j]
        head_dim = w[I_HEAD_DIM * ROW + j]
        v_head_dim = w[I_V_HEAD_DIM * ROW + j]
        d_ff = w[I_D_FF * ROW + j]
        n_experts = w[I_N_EXPERTS * ROW + j]
        experts_per_token = w[I_EXPERTS_PER_TOKEN * ROW + j]
        kv_lora_rank = w[I_KV_LORA_RANK * ROW + j]
        rope_head_dim = w[I_ROPE_HEAD_DIM * ROW + j]
        sliding_window = w[I_SLIDING_WINDOW * ROW + j]
        sliding_window_layers = w[I_SLIDING_WINDOW_LAYERS * ROW + j]
        count = w[I_COUNT * ROW + j]
        memory_gb = w[I_MEMORY_GB * ROW + j]
        memory_bw_gbps = w[I_MEMORY_BW_GBPS * ROW + j]
        tflops_fp32 = w[I_TFLOPS_FP32 * ROW + j]
        tflops_16 = w[I_TFLOPS_16 * ROW + j]
        tflops_8 = w[I_TFLOPS_8 * ROW + j]
        tflops_4 = w[I_TFLOPS_4 * ROW + j]
        tdp_w = w[I_TDP_W * ROW + j]
        idle_w = w[I_IDLE_W * ROW + j]
        interconnect_gbps = w[I_INTERCONNECT_GBPS * ROW + j]
        link_latency_us = w[I_LINK_LATENCY_US * ROW + j]
        weight_bits = w[I_WEIGHT_BITS * ROW + j]
        activation_bits = w[I_ACTIVATION_BITS * ROW + j]
        kv_bits = w[I_KV_BITS * ROW + j]
        batch = w[I_BATCH * ROW + j]
        input_tokens = w[I_INPUT_TOKENS * ROW + j]
        output_tokens = w[I_OUTPUT_TOKENS * ROW + j]
        ttft_slo_s = w[I_TTFT_SLO_S * ROW + j]
        tpot_slo_s = w[I_TPOT_SLO_S * ROW + j]
        mfu = w[I_MFU * ROW + j]
        mbu = w[I_MBU * ROW + j]
        comm_efficiency = w[I_COMM_EFFICIENCY * ROW + j]
        step_overhead_ms = w[I_STEP_OVERHEAD_MS * ROW + j]
        memory_usable_fraction = w[I_MEMORY_USABLE_FRACTION * ROW + j]
        pue = w[I_PUE * ROW + j]
        host_w = w[I_HOST_W * ROW + j]
        grid_gco2_per_kwh = w[I_GRID_GCO2_PER_KWH * ROW + j]
        embodied_kgco2 = w[I_EMBODIED_KGCO2 * ROW + j]
        wue_l_per_kwh = w[I_WUE_L_PER_KWH * ROW + j]
        usd_per_device_hour = w[I_USD_PER_DEVICE_HOUR * ROW + j]
        purchase_usd = w[I_PURCHASE_USD * ROW + j]
        hosting_usd_per_device_hour = w[I_HOSTING_USD_PER_DEVICE_HOUR * ROW + j]
        usd_per_kwh = w[I_USD_PER_KWH * ROW + j]
        utilization = w[I_UTILIZATION * ROW + j]
        lifetime_years = w[I_LIFETIME_YEARS * ROW + j]
        power_exponent = w[I_POWER_EXPONENT * ROW + j]
        beams = w[I_BEAMS * ROW + j]
        cost_of_capital = w[I_COST_OF_CAPITAL * ROW + j]
        residual_fraction = w[I_RESIDUAL_FRACTION * ROW + j]
        colocation_usd_per_kw_month = w[I_COLOCATION_USD_PER_KW_MONTH * ROW + j]
        provisioned_kw = w[I_PROVISIONED_KW * ROW + j]
        interruptions_per_hour = w[I_INTERRUPTIONS_PER_HOUR * ROW + j]
        restart_s = w[I_RESTART_S * ROW + j]
        p_success = w[I_P_SUCCESS * ROW + j]
        value_usd_per_success = w[I_VALUE_USD_PER_SUCCESS * ROW + j]
        cost_usd_per_failure = w[I_COST_USD_PER_FAILURE * ROW + j]
        attempts = w[I_ATTEMPTS * ROW + j]
        pp = w[I_PP * ROW + j]
        microbatches = w[I_MICROBATCHES * ROW + j]
        expert_parallel = w[I_EXPERT_PARALLEL * ROW + j]
        attention_dp = w[I_ATTENTION_DP * ROW + j]
        expert_imbalance = w[I_EXPERT_IMBALANCE * ROW + j]
        scaleup_devices = w[I_SCALEUP_DEVICES * ROW + j]
        scaleout_gbps = w[I_SCALEOUT_GBPS * ROW + j]
        chunked_prefill = w[I_CHUNKED_PREFILL * ROW + j]
        max_batched_tokens = w[I_MAX_BATCHED_TOKENS * ROW + j]
        disaggregated = w[I_DISAGGREGATED * ROW + j]
        total_params = (total_params_b * PARAMS_PER_BILLION)
        active_params = (active_params_b * PARAMS_PER_BILLION)
        devices = count
        memory_bytes = (memory_gb * BYTES_PER_GB)
        memory_bytes_per_s = (memory_bw_gbps * BYTES_PER_GB)
        link_bytes_per_s = ((interconnect_gbps * BYTES_PER_GB) * comm_efficiency)
        scaleout_bytes_per_s = ((scaleout_gbps * BYTES_PER_GB) * comm_efficiency)
        link_latency_s = (link_latency_us * SECONDS_PER_US)
        peak_flops = (peak_tflops(activation_bits, tflops_fp32, tflops_16, tflops_8, tflops_4) * FLOPS_PER_TFLOPS)
        cache_tflops = tflops_fp32
        cache_tflops_2 = tflops_16
        cache_tflops_3 = tflops_8
        cache_tflops_4 = tflops_4
        cache_tflops_5 = (cache_tflops_3 if (kv_bits > 4.0) else cache_tflops_4)
        cache_tflops_6 = (cache_tflops_2 if (kv_bits > 8.0) else cache_tflops_5)
        cache_tflops_7 = (cache_tflops if (kv_bits > 16.0) else cache_tflops_6)
        attention_peak_flops = (cache_tflops_7 * FLOPS_PER_TFLOPS)
        attention_peak_flops_2 = peak_flops
        attention_peak_flops_3 = (attention_peak_flops if (kv_bits > activation_bits) else attention_peak_flops_2)
        attention_rate_ratio = (peak_flops * (1.0 / attention_peak_flops_3))
        attention_rate_ratio_2 = 1.0
        attention_rate_ratio_3 = (attention_rate_ratio if (attention_peak_flops_3 > 0.0) else attention_rate_ratio_2)
        achieved_flops_per_device = (peak_flops * mfu)
        achieved_bytes_per_s = (memory_bytes_per_s * mbu)
        step_overhead_s = (step_overhead_ms * SECONDS_PER_MS)
        weight_bytes_per_param = (weight_bits / BITS_PER_BYTE)
        activation_bytes = (activation_bits / BITS_PER_BYTE)
        stages = pp
        tp = (devices / stages)
        attention_groups = tp
        attention_groups_2 = 1.0
        attention_groups_3 = (attention_groups if (attention_dp > 0.0) else attention_groups_2)
        attention_tp = (tp / attention_groups_3)
        domain = devices
        domain_2 = scaleup_devices
        domain_3 = (domain if (scaleup_devices == WHOLE_REPLICA_DOMAIN) else domain_2)
        p2p_bytes_per_s = py_min(link_bytes_per_s, scaleout_bytes_per_s)
        p2p_bytes_per_s_2 = link_bytes_per_s
        p2p_bytes_per_s_3 = (p2p_bytes_per_s if (devices > domain_3) else p2p_bytes_per_s_2)
        expert_params = ((total_params - active_params) / (n_experts - experts_per_token))
        expert_miss_log = log1p_(((-experts_per_token) * (1.0 / n_experts)))
        expert_params_2 = 0.0
        expert_miss_log_2 = EXPERT_MISS_LOG_ALL
        expert_params_3 = (expert_params if (n_experts > experts_per_token) else expert_params_2)
        expert_miss_log_3 = (expert_miss_log if (n_experts > experts_per_token) else expert_miss_log_2)
        dense_params = (total_params - (n_experts * expert_params_3))
        dense_active_params = (active_params - (experts_per_token * expert_params_3))
        mlp_layout = (MLP_SLICED_EXPERTS + expert_parallel)
        mlp_layout_2 = MLP_DENSE
        mlp_layout_3 = (mlp_layout if (n_experts > experts_per_token) else mlp_layout_2)
        expert_load = expert_imbalance
        expert_load_2 = 1.0
        expert_load_3 = (expert_load if (expert_parallel > 0.0) else expert_load_2)
        weight_bytes_per_device = ((((dense_params / attention_tp) + ((n_experts * expert_params_3) / tp)) * weight_bytes_per_param) / stages)
        kv_values_per_token_layer = (kv_lora_rank + rope_head_dim)
        kv_shards = 1.0
        kv_values_per_token_layer_2 = (n_kv_heads * (head_dim + v_head_dim))
        kv_shards_2 = py_min(attention_tp, n_kv_heads)
        kv_values_per_token_layer_3 = (kv_values_per_token_layer if (kv_lora_rank > 0.0) else kv_values_per_token_layer_2)
        kv_shards_3 = (kv_shards if (kv_lora_rank > 0.0) else kv_shards_2)
        kv_bytes_per_token = (((n_layers * kv_values_per_token_layer_3) * kv_bits) / BITS_PER_BYTE)
        mean_context = (input_tokens + (0.5 * output_tokens))
        cached_context = windowed_context(mean_context, sliding_window, sliding_window_layers)
        generated_context = windowed_context((0.5 * output_tokens), sliding_window, sliding_window_layers)
        stored_context = (cached_context + ((beams - 1.0) * generated_context))
        kv_bytes_per_sequence_per_device = (((kv_bytes_per_token * stored_context) / kv_shards_3) / stages)
        workspace_tokens = max_batched_tokens
        workspace_tokens_2 = input_tokens
        workspace_tokens_3 = (workspace_tokens if (chunked_prefill > 0.0) else workspace_tokens_2)
        ffn_split = attention_tp
        ffn_split_2 = tp
        ffn_split_3 = (ffn_split if (mlp_layout_3 == MLP_DENSE) else ffn_split_2)
        workspace_bytes = ((workspace_tokens_3 * ((WORKSPACE_HIDDEN_COPIES * d_model) + ((WORKSPACE_FFN_COPIES * d_ff) / ffn_split_3))) * activation_bytes)
        free_bytes = (((memory_usable_fraction * memory_bytes) - weight_bytes_per_device) - workspace_bytes)
        max_batch = (py_max(np.floor((free_bytes / kv_bytes_per_sequence_per_device)), 0.0) * attention_groups_3)
        resident = (max_batch if (batch == BATCH_MAX) else batch)
        kv_bytes_per_device = ((resident * (1.0 / attention_groups_3)) * kv_bytes_per_sequence_per_device)
        used_fraction = (((weight_bytes_per_device + workspace_bytes) + kv_bytes_per_device) * (1.0 / memory_bytes))
        fits = ((resident >= 1.0) & (resident <= max_batch))
        attention_flops_per_pair = ((((FLOPS_PER_MAC * n_heads) * (head_dim + v_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair = ((((FLOPS_PER_MAC * n_heads) * ((2.0 * kv_lora_rank) + rope_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair_2 = attention_flops_per_pair
        decode_attention_flops_per_pair_3 = (decode_attention_flops_per_pair if (kv_lora_rank > 0.0) else decode_attention_flops_per_pair_2)
        comm_s_per_token = pass_comm_s(1.0, d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, 0.0)
        comm_latency_s = pass_comm_s(0.0, d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s)
        prefill_tokens = (input_tokens * attention_groups_3)
        prefill_pairs = causal_attention_pairs(input_tokens, sliding_window, sliding_window_layers)
        prefill_linear_flops = linear_flops_per_device(prefill_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        prefill_attention_flops = attention_flops_per_device(((attention_flops_per_pair * prefill_pairs) * attention_groups_3), attention_groups_3, attention_tp, stages)
        prefill_weight_bytes = pass_weight_bytes_per_device(prefill_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        prefill_comm_s = ((prefill_tokens * comm_s_per_token) + comm_latency_s)
        prefill_stage_s = (((kernels_s(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, 0.0, achieved_flops_per_device, achieved_bytes_per_s) + prefill_comm_s) + (step_overhead_s * (1.0 / stages))) + pipeline_send_s(prefill_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        prefill_s = (stages * prefill_stage_s)
        prefill_stall_s = (prefill_stage_s * (1.0 / attention_groups_3))
        decode_tokens = (resident * beams)
        asked_microbatches = stages
        asked_microbatches_2 = microbatches
        asked_microbatches_3 = (asked_microbatches if (microbatches == MICROBATCHES_AS_STAGES) else asked_microbatches_2)
        pipeline_microbatches = py_max(py_min(asked_microbatches_3, decode_tokens), 1.0)
        stage_slots = py_max(pipeline_microbatches, stages)
        microbatch_tokens = (decode_tokens * (1.0 / pipeline_microbatches))
        decode_linear_flops = linear_flops_per_device(microbatch_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        decode_attention_flops = attention_flops_per_device(((decode_attention_flops_per_pair_3 * cached_context) * microbatch_tokens), attention_groups_3, attention_tp, stages)
        decode_weight_bytes = pass_weight_bytes_per_device(microbatch_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        decode_kv_bytes = (kv_bytes_per_device * (1.0 / pipeline_microbatches))
        compute_bound_s = (compute_bound_time_s(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + compute_bound_time_s(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_kernels_s = kernels_s(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s)
        memory_bound_s = (memory_bound_time_s(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + memory_bound_time_s(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_comm_s = ((microbatch_tokens * comm_s_per_token) + comm_latency_s)
        decode_stage_s = (((decode_kernels_s + decode_comm_s) + (step_overhead_s * (1.0 / stages))) + pipeline_send_s(microbatch_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        decode_step_s = (stage_slots * decode_stage_s)
        step_budget = ((max_batched_tokens * pipeline_microbatches) * attention_groups_3)
        prompt_steps = py_max((-np.floor(((-input_tokens) / max_batched_tokens))), 1.0)
        budget_steps = ((resident * ((beams * output_tokens) + input_tokens)) * (1.0 / step_budget))
        slot_steps = py_max((output_tokens + prompt_steps), budget_steps)
        chunk_decode_tokens = ((decode_tokens * output_tokens) * (1.0 / slot_steps))
        cycle_prompt_tokens = (resident * input_tokens)
        spare_tokens = (py_max(((step_budget * (output_tokens + prompt_steps)) - (decode_tokens * output_tokens)), cycle_prompt_tokens) * (1.0 / slot_steps))
        spread_tokens = (cycle_prompt_tokens * (1.0 / slot_steps))
        chunk_tokens = py_min(spare_tokens, py_max(spread_tokens, py_min(input_tokens, max_batched_tokens)))
        spread_over_slot = (chunk_tokens <= spread_tokens)
        chunk_steps = slot_steps
        chunk_steps_2 = py_min((cycle_prompt_tokens * (1.0 / chunk_tokens)), slot_steps)
        chunk_steps_3 = (chunk_steps if spread_over_slot else chunk_steps_2)
        decoding_share = (chunk_decode_tokens * (1.0 / decode_tokens))
        lean_tokens = (chunk_decode_tokens * (1.0 / pipeline_microbatches))
        lean_linear_flops = linear_flops_per_device(lean_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        lean_attention_flops = attention_flops_per_device(((decode_attention_flops_per_pair_3 * cached_context) * lean_tokens), attention_groups_3, attention_tp, stages)
        lean_weight_bytes = pass_weight_bytes_per_device(lean_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        lean_kv_bytes = ((kv_bytes_per_device * decoding_share) * (1.0 / pipeline_microbatches))
        lean_stage_s = ((((kernels_s(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s) + (lean_tokens * comm_s_per_token)) + comm_latency_s) + (step_overhead_s * (1.0 / stages))) + pipeline_send_s(lean_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        lean_step_s = (stage_slots * lean_stage_s)
        chunk_pass_tokens = (chunk_tokens * (1.0 / pipeline_microbatches))
        chunk_linear_flops = linear_flops_per_device(chunk_pass_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        chunk_attention_flops = attention_flops_per_device((((attention_flops_per_pair * prefill_pairs) * (1.0 / input_tokens)) * chunk_pass_tokens), attention_groups_3, attention_tp, stages)
        chunk_weight_bytes = pass_weight_bytes_added_per_device(lean_tokens, chunk_pass_tokens, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, tp, stages)
        chunk_stage_s = (((roofline_added_s(lean_linear_flops, chunk_linear_flops, lean_weight_bytes, chunk_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + roofline_added_s(lean_attention_flops, chunk_attention_flops, lean_kv_bytes, 0.0, achieved_flops_per_device, achieved_bytes_per_s)) + (chunk_pass_tokens * comm_s_per_token)) + pipeline_send_s(chunk_pass_tokens, d_model, tp, stages, p2p_bytes_per_s_3, 0.0))
        chunk_step_s = (stage_slots * chunk_stage_s)
        full_linear_flops = (lean_linear_flops + chunk_linear_flops)
        full_attention_flops = (lean_attention_flops + chunk_attention_flops)
        full_weight_bytes = (lean_weight_bytes + chunk_weight_bytes)
        full_kv_bytes = lean_kv_bytes
        full_step_s = (lean_step_s + chunk_step_s)
        prompt_kv_bytes_per_device = (((kv_bytes_per_token * windowed_context(input_tokens, sliding_window, sliding_window_layers)) * (1.0 / kv_shards_3)) * (1.0 / stages))
        kv_transfer_s = ((prompt_kv_bytes_per_device * (1.0 / scaleout_bytes_per_s)) + link_latency_s)
        kv_transfer_s_2 = 0.0
        kv_transfer_s_3 = (kv_transfer_s if (scaleout_gbps > 0.0) else kv_transfer_s_2)
        waiting_steps = py_max(prompt_steps, (budget_steps - output_tokens))
        chunk_steps_after_first = (output_tokens if spread_over_slot else py_max((chunk_steps_3 - waiting_steps), 0.0))
        transfer_hold_s = (kv_transfer_s_3 * (1.0 / attention_groups_3))
        pool_hold_s = py_max(prefill_stall_s, transfer_hold_s)
        cycle_s = py_max((output_tokens * decode_step_s), (resident * transfer_hold_s))
        ttft_s = (prefill_s + kv_transfer_s_3)
        prefill_instances = ((resident * pool_hold_s) * (1.0 / cycle_s))
        generation_s = (output_tokens * decode_step_s)
        e2e_s = (ttft_s + generation_s)
        cycle_s_2 = ((slot_steps * lean_step_s) + (chunk_steps_3 * chunk_step_s))
        ttft_s_2 = ((waiting_steps * lean_step_s) + (py_min(waiting_steps, chunk_steps_3) * chunk_step_s))
        generation_s_2 = ((output_tokens * lean_step_s) + (chunk_steps_after_first * chunk_step_s))
        prefill_instances_2 = 0.0
        e2e_s_2 = cycle_s_2
        cycle_s_3 = py_max(((output_tokens * decode_step_s) + (resident * prefill_stall_s)), (prefill_s + (output_tokens * decode_step_s)))
        ttft_s_3 = prefill_s
        generation_s_3 = ((output_tokens * decode_step_s) + py_max(((resident * prefill_stall_s) - prefill_s), 0.0))
        prefill_instances_3 = 0.0
        e2e_s_3 = cycle_s_3
        cycle_s_4 = (cycle_s_2 if (chunked_prefill > 0.0) else cycle_s_3)
        ttft_s_4 = (ttft_s_2 if (chunked_prefill > 0.0) else ttft_s_3)
        generation_s_4 = (generation_s_2 if (chunked_prefill > 0.0) else generation_s_3)
        prefill_instances_4 = (prefill_instances_2 if (chunked_prefill > 0.0) else prefill_instances_3)
        e2e_s_4 = (e2e_s_2 if (chunked_prefill > 0.0) else e2e_s_3)
        cycle_s_5 = (cycle_s if (disaggregated > 0.0) else cycle_s_4)
        ttft_s_5 = (ttft_s if (disaggregated > 0.0) else ttft_s_4)
        prefill_instances_5 = (prefill_instances if (disaggregated > 0.0) else prefill_instances_4)
        generation_s_5 = (generation_s if (disaggregated > 0.0) else generation_s_4)
        e2e_s_5 = (e2e_s if (disaggregated > 0.0) else e2e_s_4)
        tokens_per_cycle = (resident * output_tokens)
        tokens_per_s = (tokens_per_cycle * (1.0 / cycle_s_5))
        tpot_s = (generation_s_5 * (1.0 / output_tokens))
        devices_per_device = (1.0 + prefill_instances_5)
        decode_activity = ((pipeline_microbatches * kernels_s(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, peak_flops, memory_bytes_per_s)) * (1.0 / decode_step_s))
        prefill_activity = (kernels_s(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, 0.0, peak_flops, memory_bytes_per_s) * (1.0 / prefill_stage_s))
        full_activity = ((pipeline_microbatches * kernels_s(full_linear_flops, full_weight_bytes, full_attention_flops, full_kv_bytes, peak_flops, memory_bytes_per_s)) * (1.0 / full_step_s))
        lean_activity = ((pipeline_microbatches * kernels_s(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, peak_flops, memory_bytes_per_s)) * (1.0 / lean_step_s))
        waiting_s = py_max((prefill_s - (resident * prefill_stall_s)), 0.0)
        device_joules = (((((device_power_w(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + (idle_w * (cycle_s_5 - (output_tokens * decode_step_s)))) + (host_w * cycle_s_5)) + (resident * (((device_power_w(idle_w, tdp_w, prefill_activity, power_exponent) * prefill_stall_s) + (idle_w * (pool_hold_s - prefill_stall_s))) + (host_w * pool_hold_s))))
        device_joules_2 = ((((device_power_w(idle_w, tdp_w, full_activity, power_exponent) * chunk_steps_3) * full_step_s) + ((device_power_w(idle_w, tdp_w, lean_activity, power_exponent) * (slot_steps - chunk_steps_3)) * lean_step_s)) + (host_w * cycle_s_5))
        device_joules_3 = (((((device_power_w(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + ((device_power_w(idle_w, tdp_w, prefill_activity, power_exponent) * resident) * prefill_stall_s)) + (idle_w * waiting_s)) + (host_w * cycle_s_5))
        device_joules_4 = (device_joules_2 if (chunked_prefill > 0.0) else device_joules_3)
        device_joules_5 = (device_joules if (disaggregated > 0.0) else device_joules_4)
        idle_s = ((cycle_s_5 * (1.0 - utilization)) * (1.0 / utilization))
        device_joules_6 = (device_joules_5 + (((idle_w + host_w) * idle_s) * devices_per_device))
        facility_joules = ((devices * device_joules_6) * pue)
        joules_per_token = (facility_joules * (1.0 / tokens_per_cycle))
        kwh_per_cycle = (facility_joules * (1.0 / JOULES_PER_KWH))
        power_w_per_device = ((facility_joules * (1.0 / (devices * devices_per_device))) * (1.0 / (cycle_s_5 + idle_s)))
        lost_share = ((interruptions_per_hour * restart_s) * (1.0 / SECONDS_PER_HOUR))
        paid_hours_per_hour = (1.0 / (1.0 - lost_share))
        device_hours = ((((devices * devices_per_device) * (cycle_s_5 + idle_s)) * (1.0 / SECONDS_PER_HOUR)) * paid_hours_per_hour)
        discount = pow_((1.0 + cost_of_capital), (-lifetime_years))
        capital_usd_per_hour = ((((purchase_usd - ((residual_fraction * purchase_usd) * discount)) * cost_of_capital) * (1.0 / (1.0 - discount))) * (1.0 / HOURS_PER_YEAR))
        capital_usd_per_hour_2 = ((purchase_usd - (residual_fraction * purchase_usd)) * (1.0 / (lifetime_years * HOURS_PER_YEAR)))
        capital_usd_per_hour_3 = (capital_usd_per_hour if (cost_of_capital > 0.0) else capital_usd_per_hour_2)
        colocation_usd_per_hour = (((colocation_usd_per_kw_month * provisioned_kw) * MONTHS_PER_YEAR) * (1.0 / HOURS_PER_YEAR))
        usd_per_device_hour_all_in = (((usd_per_device_hour + capital_usd_per_hour_3) + hosting_usd_per_device_hour) + colocation_usd_per_hour)
        usd_per_cycle = ((device_hours * usd_per_device_hour_all_in) + (kwh_per_cycle * usd_per_kwh))
        usd_per_mtok = ((usd_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        usd_per_mtok_per_usd = (TOKENS_PER_MTOK * (1.0 / tokens_per_cycle))
        rental_usd_per_mtok = ((device_hours * usd_per_device_hour) * usd_per_mtok_per_usd)
        capital_usd_per_mtok = ((device_hours * capital_usd_per_hour_3) * usd_per_mtok_per_usd)
        hosting_usd_per_mtok = ((device_hours * (hosting_usd_per_device_hour + colocation_usd_per_hour)) * usd_per_mtok_per_usd)
        energy_usd_per_mtok = ((kwh_per_cycle * usd_per_kwh) * usd_per_mtok_per_usd)
        prefill_share = (prefill_instances_5 * (1.0 / devices_per_device))
        decode_share = (1.0 / devices_per_device)
        prefill_share_2 = ((chunk_steps_3 * chunk_step_s) * (1.0 / cycle_s_5))
        decode_share_2 = ((slot_steps * lean_step_s) * (1.0 / cycle_s_5))
        prefill_share_3 = ((resident * prefill_stall_s) * (1.0 / cycle_s_5))
        decode_share_3 = (((output_tokens * decode_step_s) + waiting_s) * (1.0 / cycle_s_5))
        prefill_share_4 = (prefill_share_2 if (chunked_prefill > 0.0) else prefill_share_3)
        decode_share_4 = (decode_share_2 if (chunked_prefill > 0.0) else decode_share_3)
        prefill_share_5 = (prefill_share if (disaggregated > 0.0) else prefill_share_4)
        decode_share_5 = (decode_share if (disaggregated > 0.0) else decode_share_4)
        usd_per_mtok_input = (((usd_per_cycle * prefill_share_5) * (1.0 / (resident * input_tokens))) * TOKENS_PER_MTOK)
        usd_per_mtok_output = (((usd_per_cycle * decode_share_5) * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        operational_g = (kwh_per_cycle * grid_gco2_per_kwh)
        embodied_g = (((embodied_kgco2 * GRAMS_PER_KG) * device_hours) * (1.0 / (lifetime_years * HOURS_PER_YEAR)))
        gco2_per_mtok = (((operational_g + embodied_g) * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        it_kwh_per_cycle = ((devices * device_joules_6) * (1.0 / JOULES_PER_KWH))
        water_l_per_mtok = (((it_kwh_per_cycle * wue_l_per_kwh) * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        usd_per_request = (((usd_per_mtok * output_tokens) * attempts) * (1.0 / TOKENS_PER_MTOK))
        usd_per_success = (usd_per_request * (1.0 / p_success))
        net_value_usd_per_request = (((p_success * value_usd_per_success) - ((1.0 - p_success) * cost_usd_per_failure)) - usd_per_request)
        meets_targets = ((ttft_s_5 <= ttft_slo_s) & (tpot_s <= tpot_slo_s))
        non_finite_residue = ((((((((((((((((((((((((((((resident - resident) + (max_batch - max_batch)) + (ttft_s_5 - ttft_s_5)) + (tpot_s - tpot_s)) + (e2e_s_5 - e2e_s_5)) + (tokens_per_s - tokens_per_s)) + ((tokens_per_s * (1.0 / (devices * devices_per_device))) - (tokens_per_s * (1.0 / (devices * devices_per_device))))) + (usd_per_mtok - usd_per_mtok)) + (usd_per_mtok_input - usd_per_mtok_input)) + (usd_per_mtok_output - usd_per_mtok_output)) + (joules_per_token - joules_per_token)) + (((kwh_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK) - ((kwh_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK))) + (gco2_per_mtok - gco2_per_mtok)) + (water_l_per_mtok - water_l_per_mtok)) + (power_w_per_device - power_w_per_device)) + ((weight_bytes_per_device * (1.0 / BYTES_PER_GB)) - (weight_bytes_per_device * (1.0 / BYTES_PER_GB)))) + ((kv_bytes_per_device * (1.0 / BYTES_PER_GB)) - (kv_bytes_per_device * (1.0 / BYTES_PER_GB)))) + (used_fraction - used_fraction)) + (prefill_s - prefill_s)) + (decode_step_s - decode_step_s)) + ((1.0 if (compute_bound_s > (memory_bound_s * (1.0 + ROOFLINE_TIE))) else 0.0) - (1.0 if (compute_bound_s > (memory_bound_s * (1.0 + ROOFLINE_TIE))) else 0.0))) + (rental_usd_per_mtok - rental_usd_per_mtok)) + (capital_usd_per_mtok - capital_usd_per_mtok)) + (hosting_usd_per_mtok - hosting_usd_per_mtok)) + (energy_usd_per_mtok - energy_usd_per_mtok)) + (usd_per_request - usd_per_request)) + (usd_per_success - usd_per_success)) + (net_value_usd_per_request - net_value_usd_per_request))
        metrics_finite = (non_finite_residue == 0.0)
        ran = (((STATUS_OK if meets_targets else STATUS_LATENCY) == STATUS_OK) | ((STATUS_OK if meets_targets else STATUS_LATENCY) == STATUS_LATENCY))
        w[(N_INPUTS + O_STATUS) * ROW + j] = ((((STATUS_OK if meets_targets else STATUS_LATENCY) if metrics_finite else STATUS_NON_FINITE) if ran else (STATUS_OK if meets_targets else STATUS_LATENCY)) if fits else STATUS_MEMORY)
        w[(N_INPUTS + O_BATCH) * ROW + j] = resident
        w[(N_INPUTS + O_MAX_BATCH) * ROW + j] = max_batch
        w[(N_INPUTS + O_TTFT_S) * ROW + j] = (ttft_s_5 if fits else np.nan)
        w[(N_INPUTS + O_TPOT_S) * ROW + j] = (tpot_s if fits else np.nan)
        w[(N_INPUTS + O_E2E_S) * ROW + j] = (e2e_s_5 if fits else np.nan)
        w[(N_INPUTS + O_TOKENS_PER_S) * ROW + j] = (tokens_per_s if fits else np.nan)
        w[(N_INPUTS + O_TOKENS_PER_S_PER_DEVICE) * ROW + j] = ((tokens_per_s * (1.0 / (devices * devices_per_device))) if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_MTOK) * ROW + j] = (usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_MTOK_INPUT) * ROW + j] = (usd_per_mtok_input if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_MTOK_OUTPUT) * ROW + j] = (usd_per_mtok_output if fits else np.nan)
        w[(N_INPUTS + O_JOULES_PER_TOKEN) * ROW + j] = (joules_per_token if fits else np.nan)
        w[(N_INPUTS + O_KWH_PER_MTOK) * ROW + j] = (((kwh_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK) if fits else np.nan)
        w[(N_INPUTS + O_GCO2_PER_MTOK) * ROW + j] = (gco2_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_WATER_L_PER_MTOK) * ROW + j] = (water_l_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_POWER_W_PER_DEVICE) * ROW + j] = (power_w_per_device if fits else np.nan)
        w[(N_INPUTS + O_WEIGHT_GB_PER_DEVICE) * ROW + j] = (weight_bytes_per_device * (1.0 / BYTES_PER_GB))
        w[(N_INPUTS + O_KV_GB_PER_DEVICE) * ROW + j] = (kv_bytes_per_device * (1.0 / BYTES_PER_GB))
        w[(N_INPUTS + O_MEMORY_USED_FRACTION) * ROW + j] = used_fraction
        w[(N_INPUTS + O_PREFILL_S) * ROW + j] = (prefill_s if fits else np.nan)
        w[(N_INPUTS + O_DECODE_STEP_S) * ROW + j] = (decode_step_s if fits else np.nan)
        w[(N_INPUTS + O_DECODE_COMPUTE_BOUND) * ROW + j] = ((1.0 if (compute_bound_s > (memory_bound_s * (1.0 + ROOFLINE_TIE))) else 0.0) if fits else np.nan)
        w[(N_INPUTS + O_RENTAL_USD_PER_MTOK) * ROW + j] = (rental_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_CAPITAL_USD_PER_MTOK) * ROW + j] = (capital_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_HOSTING_USD_PER_MTOK) * ROW + j] = (hosting_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_ENERGY_USD_PER_MTOK) * ROW + j] = (energy_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_REQUEST) * ROW + j] = (usd_per_request if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_SUCCESS) * ROW + j] = (usd_per_success if fits else np.nan)
        w[(N_INPUTS + O_NET_VALUE_USD_PER_REQUEST) * ROW + j] = (net_value_usd_per_request if fits else np.nan)


# The loop runs the full block with constant row offsets into one array, which lets LLVM prove
# the rows do not overlap and vectorise it; lanes past the samples in use compute on stale
# inputs and are ignored. The inputs of registry.PLAIN_LAYOUT are constants here.
@_jit
def evaluate_block_plain(w):
    """reference.evaluate over every lane of the workspace ``w`` (see workspace())."""
    prefer_wide_vectors()
    for j in range(BLOCK):
        total_params_b = w[I_TOTAL_PARAMS_B * ROW + j]
        active_params_b = w[I_ACTIVE_PARAMS_B * ROW + j]
        n_layers = w[I_N_LAYERS * ROW + j]
        d_model = w[I_D_MODEL * ROW + j]
        n_heads = w[I_N_HEADS * ROW + j]
        n_kv_heads = w[I_N_KV_HEADS * ROW + j]
        head_dim = w[I_HEAD_DIM * ROW + j]
        v_head_dim = w[I_V_HEAD_DIM * ROW + j]
        d_ff = w[I_D_FF * ROW + j]
        n_experts = w[I_N_EXPERTS * ROW + j]
        experts_per_token = w[I_EXPERTS_PER_TOKEN * ROW + j]
        kv_lora_rank = w[I_KV_LORA_RANK * ROW + j]
        rope_head_dim = w[I_ROPE_HEAD_DIM * ROW + j]
        sliding_window = w[I_SLIDING_WINDOW * ROW + j]
        sliding_window_layers = w[I_SLIDING_WINDOW_LAYERS * ROW + j]
        count = w[I_COUNT * ROW + j]
        memory_gb = w[I_MEMORY_GB * ROW + j]
        memory_bw_gbps = w[I_MEMORY_BW_GBPS * ROW + j]
        tflops_fp32 = w[I_TFLOPS_FP32 * ROW + j]
        tflops_16 = w[I_TFLOPS_16 * ROW + j]
        tflops_8 = w[I_TFLOPS_8 * ROW + j]
        tflops_4 = w[I_TFLOPS_4 * ROW + j]
        tdp_w = w[I_TDP_W * ROW + j]
        idle_w = w[I_IDLE_W * ROW + j]
        interconnect_gbps = w[I_INTERCONNECT_GBPS * ROW + j]
        link_latency_us = w[I_LINK_LATENCY_US * ROW + j]
        weight_bits = w[I_WEIGHT_BITS * ROW + j]
        activation_bits = w[I_ACTIVATION_BITS * ROW + j]
        kv_bits = w[I_KV_BITS * ROW + j]
        batch = w[I_BATCH * ROW + j]
        input_tokens = w[I_INPUT_TOKENS * ROW + j]
        output_tokens = w[I_OUTPUT_TOKENS * ROW + j]
        ttft_slo_s = w[I_TTFT_SLO_S * ROW + j]
        tpot_slo_s = w[I_TPOT_SLO_S * ROW + j]
        mfu = w[I_MFU * ROW + j]
        mbu = w[I_MBU * ROW + j]
        comm_efficiency = w[I_COMM_EFFICIENCY * ROW + j]
        step_overhead_ms = w[I_STEP_OVERHEAD_MS * ROW + j]
        memory_usable_fraction = w[I_MEMORY_USABLE_FRACTION * ROW + j]
        pue = w[I_PUE * ROW + j]
        host_w = w[I_HOST_W * ROW + j]
        grid_gco2_per_kwh = w[I_GRID_GCO2_PER_KWH * ROW + j]
        embodied_kgco2 = w[I_EMBODIED_KGCO2 * ROW + j]
        wue_l_per_kwh = w[I_WUE_L_PER_KWH * ROW + j]
        usd_per_device_hour = w[I_USD_PER_DEVICE_HOUR * ROW + j]
        purchase_usd = w[I_PURCHASE_USD * ROW + j]
        hosting_usd_per_device_hour = w[I_HOSTING_USD_PER_DEVICE_HOUR * ROW + j]
        usd_per_kwh = w[I_USD_PER_KWH * ROW + j]
        utilization = w[I_UTILIZATION * ROW + j]
        lifetime_years = w[I_LIFETIME_YEARS * ROW + j]
        power_exponent = w[I_POWER_EXPONENT * ROW + j]
        beams = w[I_BEAMS * ROW + j]
        cost_of_capital = w[I_COST_OF_CAPITAL * ROW + j]
        residual_fraction = w[I_RESIDUAL_FRACTION * ROW + j]
        colocation_usd_per_kw_month = w[I_COLOCATION_USD_PER_KW_MONTH * ROW + j]
        provisioned_kw = w[I_PROVISIONED_KW * ROW + j]
        interruptions_per_hour = w[I_INTERRUPTIONS_PER_HOUR * ROW + j]
        restart_s = w[I_RESTART_S * ROW + j]
        p_success = w[I_P_SUCCESS * ROW + j]
        value_usd_per_success = w[I_VALUE_USD_PER_SUCCESS * ROW + j]
        cost_usd_per_failure = w[I_COST_USD_PER_FAILURE * ROW + j]
        attempts = w[I_ATTEMPTS * ROW + j]
        pp = 1.0
        microbatches = 0.0
        expert_parallel = 0.0
        attention_dp = 0.0
        expert_imbalance = w[I_EXPERT_IMBALANCE * ROW + j]
        scaleup_devices = 0.0
        scaleout_gbps = w[I_SCALEOUT_GBPS * ROW + j]
        chunked_prefill = 0.0
        max_batched_tokens = w[I_MAX_BATCHED_TOKENS * ROW + j]
        disaggregated = 0.0
        total_params = (total_params_b * PARAMS_PER_BILLION)
        active_params = (active_params_b * PARAMS_PER_BILLION)
        devices = count
        memory_bytes = (memory_gb * BYTES_PER_GB)
        memory_bytes_per_s = (memory_bw_gbps * BYTES_PER_GB)
        link_bytes_per_s = ((interconnect_gbps * BYTES_PER_GB) * comm_efficiency)
        scaleout_bytes_per_s = ((scaleout_gbps * BYTES_PER_GB) * comm_efficiency)
        link_latency_s = (link_latency_us * SECONDS_PER_US)
        peak_flops = (peak_tflops(activation_bits, tflops_fp32, tflops_16, tflops_8, tflops_4) * FLOPS_PER_TFLOPS)
        cache_tflops = tflops_fp32
        cache_tflops_2 = tflops_16
        cache_tflops_3 = tflops_8
        cache_tflops_4 = tflops_4
        cache_tflops_5 = (cache_tflops_3 if (kv_bits > 4.0) else cache_tflops_4)
        cache_tflops_6 = (cache_tflops_2 if (kv_bits > 8.0) else cache_tflops_5)
        cache_tflops_7 = (cache_tflops if (kv_bits > 16.0) else cache_tflops_6)
        attention_peak_flops = (cache_tflops_7 * FLOPS_PER_TFLOPS)
        attention_peak_flops_2 = peak_flops
        attention_peak_flops_3 = (attention_peak_flops if (kv_bits > activation_bits) else attention_peak_flops_2)
        attention_rate_ratio = (peak_flops * (1.0 / attention_peak_flops_3))
        attention_rate_ratio_2 = 1.0
        attention_rate_ratio_3 = (attention_rate_ratio if (attention_peak_flops_3 > 0.0) else attention_rate_ratio_2)
        achieved_flops_per_device = (peak_flops * mfu)
        achieved_bytes_per_s = (memory_bytes_per_s * mbu)
        step_overhead_s = (step_overhead_ms * SECONDS_PER_MS)
        weight_bytes_per_param = (weight_bits / BITS_PER_BYTE)
        activation_bytes = (activation_bits / BITS_PER_BYTE)
        stages = pp
        tp = (devices / stages)
        attention_groups = tp
        attention_groups_2 = 1.0
        attention_groups_3 = (attention_groups if (attention_dp > 0.0) else attention_groups_2)
        attention_tp = (tp / attention_groups_3)
        domain = devices
        domain_2 = scaleup_devices
        domain_3 = (domain if (scaleup_devices == WHOLE_REPLICA_DOMAIN) else domain_2)
        p2p_bytes_per_s = py_min(link_bytes_per_s, scaleout_bytes_per_s)
        p2p_bytes_per_s_2 = link_bytes_per_s
        p2p_bytes_per_s_3 = (p2p_bytes_per_s if (devices > domain_3) else p2p_bytes_per_s_2)
        expert_params = ((total_params - active_params) / (n_experts - experts_per_token))
        expert_miss_log = log1p_(((-experts_per_token) * (1.0 / n_experts)))
        expert_params_2 = 0.0
        expert_miss_log_2 = EXPERT_MISS_LOG_ALL
        expert_params_3 = (expert_params if (n_experts > experts_per_token) else expert_params_2)
        expert_miss_log_3 = (expert_miss_log if (n_experts > experts_per_token) else expert_miss_log_2)
        dense_params = (total_params - (n_experts * expert_params_3))
        dense_active_params = (active_params - (experts_per_token * expert_params_3))
        mlp_layout = (MLP_SLICED_EXPERTS + expert_parallel)
        mlp_layout_2 = MLP_DENSE
        mlp_layout_3 = (mlp_layout if (n_experts > experts_per_token) else mlp_layout_2)
        expert_load = expert_imbalance
        expert_load_2 = 1.0
        expert_load_3 = (expert_load if (expert_parallel > 0.0) else expert_load_2)
        weight_bytes_per_device = ((((dense_params / attention_tp) + ((n_experts * expert_params_3) / tp)) * weight_bytes_per_param) / stages)
        kv_values_per_token_layer = (kv_lora_rank + rope_head_dim)
        kv_shards = 1.0
        kv_values_per_token_layer_2 = (n_kv_heads * (head_dim + v_head_dim))
        kv_shards_2 = py_min(attention_tp, n_kv_heads)
        kv_values_per_token_layer_3 = (kv_values_per_token_layer if (kv_lora_rank > 0.0) else kv_values_per_token_layer_2)
        kv_shards_3 = (kv_shards if (kv_lora_rank > 0.0) else kv_shards_2)
        kv_bytes_per_token = (((n_layers * kv_values_per_token_layer_3) * kv_bits) / BITS_PER_BYTE)
        mean_context = (input_tokens + (0.5 * output_tokens))
        cached_context = windowed_context(mean_context, sliding_window, sliding_window_layers)
        generated_context = windowed_context((0.5 * output_tokens), sliding_window, sliding_window_layers)
        stored_context = (cached_context + ((beams - 1.0) * generated_context))
        kv_bytes_per_sequence_per_device = (((kv_bytes_per_token * stored_context) / kv_shards_3) / stages)
        workspace_tokens = max_batched_tokens
        workspace_tokens_2 = input_tokens
        workspace_tokens_3 = (workspace_tokens if (chunked_prefill > 0.0) else workspace_tokens_2)
        ffn_split = attention_tp
        ffn_split_2 = tp
        ffn_split_3 = (ffn_split if (mlp_layout_3 == MLP_DENSE) else ffn_split_2)
        workspace_bytes = ((workspace_tokens_3 * ((WORKSPACE_HIDDEN_COPIES * d_model) + ((WORKSPACE_FFN_COPIES * d_ff) / ffn_split_3))) * activation_bytes)
        free_bytes = (((memory_usable_fraction * memory_bytes) - weight_bytes_per_device) - workspace_bytes)
        max_batch = (py_max(np.floor((free_bytes / kv_bytes_per_sequence_per_device)), 0.0) * attention_groups_3)
        resident = (max_batch if (batch == BATCH_MAX) else batch)
        kv_bytes_per_device = ((resident * (1.0 / attention_groups_3)) * kv_bytes_per_sequence_per_device)
        used_fraction = (((weight_bytes_per_device + workspace_bytes) + kv_bytes_per_device) * (1.0 / memory_bytes))
        fits = ((resident >= 1.0) & (resident <= max_batch))
        attention_flops_per_pair = ((((FLOPS_PER_MAC * n_heads) * (head_dim + v_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair = ((((FLOPS_PER_MAC * n_heads) * ((2.0 * kv_lora_rank) + rope_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair_2 = attention_flops_per_pair
        decode_attention_flops_per_pair_3 = (decode_attention_flops_per_pair if (kv_lora_rank > 0.0) else decode_attention_flops_per_pair_2)
        comm_s_per_token = pass_comm_s(1.0, d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, 0.0)
        comm_latency_s = pass_comm_s(0.0, d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s)
        prefill_tokens = (input_tokens * attention_groups_3)
        prefill_pairs = causal_attention_pairs(input_tokens, sliding_window, sliding_window_layers)
        prefill_linear_flops = linear_flops_per_device(prefill_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        prefill_attention_flops = attention_flops_per_device(((attention_flops_per_pair * prefill_pairs) * attention_groups_3), attention_groups_3, attention_tp, stages)
        prefill_weight_bytes = pass_weight_bytes_per_device(prefill_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        prefill_comm_s = ((prefill_tokens * comm_s_per_token) + comm_latency_s)
        prefill_stage_s = (((kernels_s(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, 0.0, achieved_flops_per_device, achieved_bytes_per_s) + prefill_comm_s) + (step_overhead_s * (1.0 / stages))) + pipeline_send_s(prefill_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        prefill_s = (stages * prefill_stage_s)
        prefill_stall_s = (prefill_stage_s * (1.0 / attention_groups_3))
        decode_tokens = (resident * beams)
        asked_microbatches = stages
        asked_microbatches_2 = microbatches
        asked_microbatches_3 = (asked_microbatches if (microbatches == MICROBATCHES_AS_STAGES) else asked_microbatches_2)
        pipeline_microbatches = py_max(py_min(asked_microbatches_3, decode_tokens), 1.0)
        stage_slots = py_max(pipeline_microbatches, stages)
        microbatch_tokens = (decode_tokens * (1.0 / pipeline_microbatches))
        decode_linear_flops = linear_flops_per_device(microbatch_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        decode_attention_flops = attention_flops_per_device(((decode_attention_flops_per_pair_3 * cached_context) * microbatch_tokens), attention_groups_3, attention_tp, stages)
        decode_weight_bytes = pass_weight_bytes_per_device(microbatch_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        decode_kv_bytes = (kv_bytes_per_device * (1.0 / pipeline_microbatches))
        compute_bound_s = (compute_bound_time_s(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + compute_bound_time_s(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_kernels_s = kernels_s(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s)
        memory_bound_s = (memory_bound_time_s(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + memory_bound_time_s(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_comm_s = ((microbatch_tokens * comm_s_per_token) + comm_latency_s)
        decode_stage_s = (((decode_kernels_s + decode_comm_s) + (step_overhead_s * (1.0 / stages))) + pipeline_send_s(microbatch_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        decode_step_s = (stage_slots * decode_stage_s)
        step_budget = ((max_batched_tokens * pipeline_microbatches) * attention_groups_3)
        prompt_steps = py_max((-np.floor(((-input_tokens) / max_batched_tokens))), 1.0)
        budget_steps = ((resident * ((beams * output_tokens) + input_tokens)) * (1.0 / step_budget))
        slot_steps = py_max((output_tokens + prompt_steps), budget_steps)
        chunk_decode_tokens = ((decode_tokens * output_tokens) * (1.0 / slot_steps))
        cycle_prompt_tokens = (resident * input_tokens)
        spare_tokens = (py_max(((step_budget * (output_tokens + prompt_steps)) - (decode_tokens * output_tokens)), cycle_prompt_tokens) * (1.0 / slot_steps))
        spread_tokens = (cycle_prompt_tokens * (1.0 / slot_steps))
        chunk_tokens = py_min(spare_tokens, py_max(spread_tokens, py_min(input_tokens, max_batched_tokens)))
        spread_over_slot = (chunk_tokens <= spread_tokens)
        chunk_steps = slot_steps
        chunk_steps_2 = py_min((cycle_prompt_tokens * (1.0 / chunk_tokens)), slot_steps)
        chunk_steps_3 = (chunk_steps if spread_over_slot else chunk_steps_2)
        decoding_share = (chunk_decode_tokens * (1.0 / decode_tokens))
        lean_tokens = (chunk_decode_tokens * (1.0 / pipeline_microbatches))
        lean_linear_flops = linear_flops_per_device(lean_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        lean_attention_flops = attention_flops_per_device(((decode_attention_flops_per_pair_3 * cached_context) * lean_tokens), attention_groups_3, attention_tp, stages)
        lean_weight_bytes = pass_weight_bytes_per_device(lean_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        lean_kv_bytes = ((kv_bytes_per_device * decoding_share) * (1.0 / pipeline_microbatches))
        lean_stage_s = ((((kernels_s(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s) + (lean_tokens * comm_s_per_token)) + comm_latency_s) + (step_overhead_s * (1.0 / stages))) + pipeline_send_s(lean_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        lean_step_s = (stage_slots * lean_stage_s)
        chunk_pass_tokens = (chunk_tokens * (1.0 / pipeline_microbatches))
        chunk_linear_flops = linear_flops_per_device(chunk_pass_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        chunk_attention_flops = attention_flops_per_device((((attention_flops_per_pair * prefill_pairs) * (1.0 / input_tokens)) * chunk_pass_tokens), attention_groups_3, attention_tp, stages)
        chunk_weight_bytes = pass_weight_bytes_added_per_device(lean_tokens, chunk_pass_tokens, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, tp, stages)
        chunk_stage_s = (((roofline_added_s(lean_linear_flops, chunk_linear_flops, lean_weight_bytes, chunk_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + roofline_added_s(lean_attention_flops, chunk_attention_flops, lean_kv_bytes, 0.0, achieved_flops_per_device, achieved_bytes_per_s)) + (chunk_pass_tokens * comm_s_per_token)) + pipeline_send_s(chunk_pass_tokens, d_model, tp, stages, p2p_bytes_per_s_3, 0.0))
        chunk_step_s = (stage_slots * chunk_stage_s)
        full_linear_flops = (lean_linear_flops + chunk_linear_flops)
        full_attention_flops = (lean_attention_flops + chunk_attention_flops)
        full_weight_bytes = (lean_weight_bytes + chunk_weight_bytes)
        full_kv_bytes = lean_kv_bytes
        full_step_s = (lean_step_s + chunk_step_s)
        prompt_kv_bytes_per_device = (((kv_bytes_per_token * windowed_context(input_tokens, sliding_window, sliding_window_layers)) * (1.0 / kv_shards_3)) * (1.0 / stages))
        kv_transfer_s = ((prompt_kv_bytes_per_device * (1.0 / scaleout_bytes_per_s)) + link_latency_s)
        kv_transfer_s_2 = 0.0
        kv_transfer_s_3 = (kv_transfer_s if (scaleout_gbps > 0.0) else kv_transfer_s_2)
        waiting_steps = py_max(prompt_steps, (budget_steps - output_tokens))
        chunk_steps_after_first = (output_tokens if spread_over_slot else py_max((chunk_steps_3 - waiting_steps), 0.0))
        transfer_hold_s = (kv_transfer_s_3 * (1.0 / attention_groups_3))
        pool_hold_s = py_max(prefill_stall_s, transfer_hold_s)
        cycle_s = py_max((output_tokens * decode_step_s), (resident * transfer_hold_s))
        ttft_s = (prefill_s + kv_transfer_s_3)
        prefill_instances = ((resident * pool_hold_s) * (1.0 / cycle_s))
        generation_s = (output_tokens * decode_step_s)
        e2e_s = (ttft_s + generation_s)
        cycle_s_2 = ((slot_steps * lean_step_s) + (chunk_steps_3 * chunk_step_s))
        ttft_s_2 = ((waiting_steps * lean_step_s) + (py_min(waiting_steps, chunk_steps_3) * chunk_step_s))
        generation_s_2 = ((output_tokens * lean_step_s) + (chunk_steps_after_first * chunk_step_s))
        prefill_instances_2 = 0.0
        e2e_s_2 = cycle_s_2
        cycle_s_3 = py_max(((output_tokens * decode_step_s) + (resident * prefill_stall_s)), (prefill_s + (output_tokens * decode_step_s)))
        ttft_s_3 = prefill_s
        generation_s_3 = ((output_tokens * decode_step_s) + py_max(((resident * prefill_stall_s) - prefill_s), 0.0))
        prefill_instances_3 = 0.0
        e2e_s_3 = cycle_s_3
        cycle_s_4 = (cycle_s_2 if (chunked_prefill > 0.0) else cycle_s_3)
        ttft_s_4 = (ttft_s_2 if (chunked_prefill > 0.0) else ttft_s_3)
        generation_s_4 = (generation_s_2 if (chunked_prefill > 0.0) else generation_s_3)
        prefill_instances_4 = (prefill_instances_2 if (chunked_prefill > 0.0) else prefill_instances_3)
        e2e_s_4 = (e2e_s_2 if (chunked_prefill > 0.0) else e2e_s_3)
        cycle_s_5 = (cycle_s if (disaggregated > 0.0) else cycle_s_4)
        ttft_s_5 = (ttft_s if (disaggregated > 0.0) else ttft_s_4)
        prefill_instances_5 = (prefill_instances if (disaggregated > 0.0) else prefill_instances_4)
        generation_s_5 = (generation_s if (disaggregated > 0.0) else generation_s_4)
        e2e_s_5 = (e2e_s if (disaggregated > 0.0) else e2e_s_4)
        tokens_per_cycle = (resident * output_tokens)
        tokens_per_s = (tokens_per_cycle * (1.0 / cycle_s_5))
        tpot_s = (generation_s_5 * (1.0 / output_tokens))
        devices_per_device = (1.0 + prefill_instances_5)
        decode_activity = ((pipeline_microbatches * kernels_s(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, peak_flops, memory_bytes_per_s)) * (1.0 / decode_step_s))
        prefill_activity = (kernels_s(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, 0.0, peak_flops, memory_bytes_per_s) * (1.0 / prefill_stage_s))
        full_activity = ((pipeline_microbatches * kernels_s(full_linear_flops, full_weight_bytes, full_attention_flops, full_kv_bytes, peak_flops, memory_bytes_per_s)) * (1.0 / full_step_s))
        lean_activity = ((pipeline_microbatches * kernels_s(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, peak_flops, memory_bytes_per_s)) * (1.0 / lean_step_s))
        waiting_s = py_max((prefill_s - (resident * prefill_stall_s)), 0.0)
        device_joules = (((((device_power_w(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + (idle_w * (cycle_s_5 - (output_tokens * decode_step_s)))) + (host_w * cycle_s_5)) + (resident * (((device_power_w(idle_w, tdp_w, prefill_activity, power_exponent) * prefill_stall_s) + (idle_w * (pool_hold_s - prefill_stall_s))) + (host_w * pool_hold_s))))
        device_joules_2 = ((((device_power_w(idle_w, tdp_w, full_activity, power_exponent) * chunk_steps_3) * full_step_s) + ((device_power_w(idle_w, tdp_w, lean_activity, power_exponent) * (slot_steps - chunk_steps_3)) * lean_step_s)) + (host_w * cycle_s_5))
        device_joules_3 = (((((device_power_w(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + ((device_power_w(idle_w, tdp_w, prefill_activity, power_exponent) * resident) * prefill_stall_s)) + (idle_w * waiting_s)) + (host_w * cycle_s_5))
        device_joules_4 = (device_joules_2 if (chunked_prefill > 0.0) else device_joules_3)
        device_joules_5 = (device_joules if (disaggregated > 0.0) else device_joules_4)
        idle_s = ((cycle_s_5 * (1.0 - utilization)) * (1.0 / utilization))
        device_joules_6 = (device_joules_5 + (((idle_w + host_w) * idle_s) * devices_per_device))
        facility_joules = ((devices * device_joules_6) * pue)
        joules_per_token = (facility_joules * (1.0 / tokens_per_cycle))
        kwh_per_cycle = (facility_joules * (1.0 / JOULES_PER_KWH))
        power_w_per_device = ((facility_joules * (1.0 / (devices * devices_per_device))) * (1.0 / (cycle_s_5 + idle_s)))
        lost_share = ((interruptions_per_hour * restart_s) * (1.0 / SECONDS_PER_HOUR))
        paid_hours_per_hour = (1.0 / (1.0 - lost_share))
        device_hours = ((((devices * devices_per_device) * (cycle_s_5 + idle_s)) * (1.0 / SECONDS_PER_HOUR)) * paid_hours_per_hour)
        discount = pow_((1.0 + cost_of_capital), (-lifetime_years))
        capital_usd_per_hour = ((((purchase_usd - ((residual_fraction * purchase_usd) * discount)) * cost_of_capital) * (1.0 / (1.0 - discount))) * (1.0 / HOURS_PER_YEAR))
        capital_usd_per_hour_2 = ((purchase_usd - (residual_fraction * purchase_usd)) * (1.0 / (lifetime_years * HOURS_PER_YEAR)))
        capital_usd_per_hour_3 = (capital_usd_per_hour if (cost_of_capital > 0.0) else capital_usd_per_hour_2)
        colocation_usd_per_hour = (((colocation_usd_per_kw_month * provisioned_kw) * MONTHS_PER_YEAR) * (1.0 / HOURS_PER_YEAR))
        usd_per_device_hour_all_in = (((usd_per_device_hour + capital_usd_per_hour_3) + hosting_usd_per_device_hour) + colocation_usd_per_hour)
        usd_per_cycle = ((device_hours * usd_per_device_hour_all_in) + (kwh_per_cycle * usd_per_kwh))
        usd_per_mtok = ((usd_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        usd_per_mtok_per_usd = (TOKENS_PER_MTOK * (1.0 / tokens_per_cycle))
        rental_usd_per_mtok = ((device_hours * usd_per_device_hour) * usd_per_mtok_per_usd)
        capital_usd_per_mtok = ((device_hours * capital_usd_per_hour_3) * usd_per_mtok_per_usd)
        hosting_usd_per_mtok = ((device_hours * (hosting_usd_per_device_hour + colocation_usd_per_hour)) * usd_per_mtok_per_usd)
        energy_usd_per_mtok = ((kwh_per_cycle * usd_per_kwh) * usd_per_mtok_per_usd)
        prefill_share = (prefill_instances_5 * (1.0 / devices_per_device))
        decode_share = (1.0 / devices_per_device)
        prefill_share_2 = ((chunk_steps_3 * chunk_step_s) * (1.0 / cycle_s_5))
        decode_share_2 = ((slot_steps * lean_step_s) * (1.0 / cycle_s_5))
        prefill_share_3 = ((resident * prefill_stall_s) * (1.0 / cycle_s_5))
        decode_share_3 = (((output_tokens * decode_step_s) + waiting_s) * (1.0 / cycle_s_5))
        prefill_share_4 = (prefill_share_2 if (chunked_prefill > 0.0) else prefill_share_3)
        decode_share_4 = (decode_share_2 if (chunked_prefill > 0.0) else decode_share_3)
        prefill_share_5 = (prefill_share if (disaggregated > 0.0) else prefill_share_4)
        decode_share_5 = (decode_share if (disaggregated > 0.0) else decode_share_4)
        usd_per_mtok_input = (((usd_per_cycle * prefill_share_5) * (1.0 / (resident * input_tokens))) * TOKENS_PER_MTOK)
        usd_per_mtok_output = (((usd_per_cycle * decode_share_5) * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        operational_g = (kwh_per_cycle * grid_gco2_per_kwh)
        embodied_g = (((embodied_kgco2 * GRAMS_PER_KG) * device_hours) * (1.0 / (lifetime_years * HOURS_PER_YEAR)))
        gco2_per_mtok = (((operational_g + embodied_g) * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        it_kwh_per_cycle = ((devices * device_joules_6) * (1.0 / JOULES_PER_KWH))
        water_l_per_mtok = (((it_kwh_per_cycle * wue_l_per_kwh) * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        usd_per_request = (((usd_per_mtok * output_tokens) * attempts) * (1.0 / TOKENS_PER_MTOK))
        usd_per_success = (usd_per_request * (1.0 / p_success))
        net_value_usd_per_request = (((p_success * value_usd_per_success) - ((1.0 - p_success) * cost_usd_per_failure)) - usd_per_request)
        meets_targets = ((ttft_s_5 <= ttft_slo_s) & (tpot_s <= tpot_slo_s))
        non_finite_residue = ((((((((((((((((((((((((((((resident - resident) + (max_batch - max_batch)) + (ttft_s_5 - ttft_s_5)) + (tpot_s - tpot_s)) + (e2e_s_5 - e2e_s_5)) + (tokens_per_s - tokens_per_s)) + ((tokens_per_s * (1.0 / (devices * devices_per_device))) - (tokens_per_s * (1.0 / (devices * devices_per_device))))) + (usd_per_mtok - usd_per_mtok)) + (usd_per_mtok_input - usd_per_mtok_input)) + (usd_per_mtok_output - usd_per_mtok_output)) + (joules_per_token - joules_per_token)) + (((kwh_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK) - ((kwh_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK))) + (gco2_per_mtok - gco2_per_mtok)) + (water_l_per_mtok - water_l_per_mtok)) + (power_w_per_device - power_w_per_device)) + ((weight_bytes_per_device * (1.0 / BYTES_PER_GB)) - (weight_bytes_per_device * (1.0 / BYTES_PER_GB)))) + ((kv_bytes_per_device * (1.0 / BYTES_PER_GB)) - (kv_bytes_per_device * (1.0 / BYTES_PER_GB)))) + (used_fraction - used_fraction)) + (prefill_s - prefill_s)) + (decode_step_s - decode_step_s)) + ((1.0 if (compute_bound_s > (memory_bound_s * (1.0 + ROOFLINE_TIE))) else 0.0) - (1.0 if (compute_bound_s > (memory_bound_s * (1.0 + ROOFLINE_TIE))) else 0.0))) + (rental_usd_per_mtok - rental_usd_per_mtok)) + (capital_usd_per_mtok - capital_usd_per_mtok)) + (hosting_usd_per_mtok - hosting_usd_per_mtok)) + (energy_usd_per_mtok - energy_usd_per_mtok)) + (usd_per_request - usd_per_request)) + (usd_per_success - usd_per_success)) + (net_value_usd_per_request - net_value_usd_per_request))
        metrics_finite = (non_finite_residue == 0.0)
        ran = (((STATUS_OK if meets_targets else STATUS_LATENCY) == STATUS_OK) | ((STATUS_OK if meets_targets else STATUS_LATENCY) == STATUS_LATENCY))
        w[(N_INPUTS + O_STATUS) * ROW + j] = ((((STATUS_OK if meets_targets else STATUS_LATENCY) if metrics_finite else STATUS_NON_FINITE) if ran else (STATUS_OK if meets_targets else STATUS_LATENCY)) if fits else STATUS_MEMORY)
        w[(N_INPUTS + O_BATCH) * ROW + j] = resident
        w[(N_INPUTS + O_MAX_BATCH) * ROW + j] = max_batch
        w[(N_INPUTS + O_TTFT_S) * ROW + j] = (ttft_s_5 if fits else np.nan)
        w[(N_INPUTS + O_TPOT_S) * ROW + j] = (tpot_s if fits else np.nan)
        w[(N_INPUTS + O_E2E_S) * ROW + j] = (e2e_s_5 if fits else np.nan)
        w[(N_INPUTS + O_TOKENS_PER_S) * ROW + j] = (tokens_per_s if fits else np.nan)
        w[(N_INPUTS + O_TOKENS_PER_S_PER_DEVICE) * ROW + j] = ((tokens_per_s * (1.0 / (devices * devices_per_device))) if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_MTOK) * ROW + j] = (usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_MTOK_INPUT) * ROW + j] = (usd_per_mtok_input if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_MTOK_OUTPUT) * ROW + j] = (usd_per_mtok_output if fits else np.nan)
        w[(N_INPUTS + O_JOULES_PER_TOKEN) * ROW + j] = (joules_per_token if fits else np.nan)
        w[(N_INPUTS + O_KWH_PER_MTOK) * ROW + j] = (((kwh_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK) if fits else np.nan)
        w[(N_INPUTS + O_GCO2_PER_MTOK) * ROW + j] = (gco2_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_WATER_L_PER_MTOK) * ROW + j] = (water_l_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_POWER_W_PER_DEVICE) * ROW + j] = (power_w_per_device if fits else np.nan)
        w[(N_INPUTS + O_WEIGHT_GB_PER_DEVICE) * ROW + j] = (weight_bytes_per_device * (1.0 / BYTES_PER_GB))
        w[(N_INPUTS + O_KV_GB_PER_DEVICE) * ROW + j] = (kv_bytes_per_device * (1.0 / BYTES_PER_GB))
        w[(N_INPUTS + O_MEMORY_USED_FRACTION) * ROW + j] = used_fraction
        w[(N_INPUTS + O_PREFILL_S) * ROW + j] = (prefill_s if fits else np.nan)
        w[(N_INPUTS + O_DECODE_STEP_S) * ROW + j] = (decode_step_s if fits else np.nan)
        w[(N_INPUTS + O_DECODE_COMPUTE_BOUND) * ROW + j] = ((1.0 if (compute_bound_s > (memory_bound_s * (1.0 + ROOFLINE_TIE))) else 0.0) if fits else np.nan)
        w[(N_INPUTS + O_RENTAL_USD_PER_MTOK) * ROW + j] = (rental_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_CAPITAL_USD_PER_MTOK) * ROW + j] = (capital_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_HOSTING_USD_PER_MTOK) * ROW + j] = (hosting_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_ENERGY_USD_PER_MTOK) * ROW + j] = (energy_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_REQUEST) * ROW + j] = (usd_per_request if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_SUCCESS) * ROW + j] = (usd_per_success if fits else np.nan)
        w[(N_INPUTS + O_NET_VALUE_USD_PER_REQUEST) * ROW + j] = (net_value_usd_per_request if fits else np.nan)


# The loop runs the full block with constant row offsets into one array, which lets LLVM prove
# the rows do not overlap and vectorise it; lanes past the samples in use compute on stale
# inputs and are ignored. The inputs of registry.PLAIN_LAYOUT and registry.DENSE_MODEL are
# constants here.
@_jit
def evaluate_block_dense(w):
    """reference.evaluate over every lane of the workspace ``w`` (see workspace())."""
    prefer_wide_vectors()
    for j in range(BLOCK):
        total_params_b = w[I_TOTAL_PARAMS_B * ROW + j]
        active_params_b = w[I_ACTIVE_PARAMS_B * ROW + j]
        n_layers = w[I_N_LAYERS * ROW + j]
        d_model = w[I_D_MODEL * ROW + j]
        n_heads = w[I_N_HEADS * ROW + j]
        n_kv_heads = w[I_N_KV_HEADS * ROW + j]
        head_dim = w[I_HEAD_DIM * ROW + j]
        v_head_dim = w[I_V_HEAD_DIM * ROW + j]
        d_ff = w[I_D_FF * ROW + j]
        n_experts = 1.0
        experts_per_token = 1.0
        kv_lora_rank = w[I_KV_LORA_RANK * ROW + j]
        rope_head_dim = w[I_ROPE_HEAD_DIM * ROW + j]
        sliding_window = w[I_SLIDING_WINDOW * ROW + j]
        sliding_window_layers = w[I_SLIDING_WINDOW_LAYERS * ROW + j]
        count = w[I_COUNT * ROW + j]
        memory_gb = w[I_MEMORY_GB * ROW + j]
        memory_bw_gbps = w[I_MEMORY_BW_GBPS * ROW + j]
        tflops_fp32 = w[I_TFLOPS_FP32 * ROW + j]
        tflops_16 = w[I_TFLOPS_16 * ROW + j]
        tflops_8 = w[I_TFLOPS_8 * ROW + j]
        tflops_4 = w[I_TFLOPS_4 * ROW + j]
        tdp_w = w[I_TDP_W * ROW + j]
        idle_w = w[I_IDLE_W * ROW + j]
        interconnect_gbps = w[I_INTERCONNECT_GBPS * ROW + j]
        link_latency_us = w[I_LINK_LATENCY_US * ROW + j]
        weight_bits = w[I_WEIGHT_BITS * ROW + j]
        activation_bits = w[I_ACTIVATION_BITS * ROW + j]
        kv_bits = w[I_KV_BITS * ROW + j]
        batch = w[I_BATCH * ROW + j]
        input_tokens = w[I_INPUT_TOKENS * ROW + j]
        output_tokens = w[I_OUTPUT_TOKENS * ROW + j]
        ttft_slo_s = w[I_TTFT_SLO_S * ROW + j]
        tpot_slo_s = w[I_TPOT_SLO_S * ROW + j]
        mfu = w[I_MFU * ROW + j]
        mbu = w[I_MBU * ROW + j]
        comm_efficiency = w[I_COMM_EFFICIENCY * ROW + j]
        step_overhead_ms = w[I_STEP_OVERHEAD_MS * ROW + j]
        memory_usable_fraction = w[I_MEMORY_USABLE_FRACTION * ROW + j]
        pue = w[I_PUE * ROW + j]
        host_w = w[I_HOST_W * ROW + j]
        grid_gco2_per_kwh = w[I_GRID_GCO2_PER_KWH * ROW + j]
        embodied_kgco2 = w[I_EMBODIED_KGCO2 * ROW + j]
        wue_l_per_kwh = w[I_WUE_L_PER_KWH * ROW + j]
        usd_per_device_hour = w[I_USD_PER_DEVICE_HOUR * ROW + j]
        purchase_usd = w[I_PURCHASE_USD * ROW + j]
        hosting_usd_per_device_hour = w[I_HOSTING_USD_PER_DEVICE_HOUR * ROW + j]
        usd_per_kwh = w[I_USD_PER_KWH * ROW + j]
        utilization = w[I_UTILIZATION * ROW + j]
        lifetime_years = w[I_LIFETIME_YEARS * ROW + j]
        power_exponent = w[I_POWER_EXPONENT * ROW + j]
        beams = w[I_BEAMS * ROW + j]
        cost_of_capital = w[I_COST_OF_CAPITAL * ROW + j]
        residual_fraction = w[I_RESIDUAL_FRACTION * ROW + j]
        colocation_usd_per_kw_month = w[I_COLOCATION_USD_PER_KW_MONTH * ROW + j]
        provisioned_kw = w[I_PROVISIONED_KW * ROW + j]
        interruptions_per_hour = w[I_INTERRUPTIONS_PER_HOUR * ROW + j]
        restart_s = w[I_RESTART_S * ROW + j]
        p_success = w[I_P_SUCCESS * ROW + j]
        value_usd_per_success = w[I_VALUE_USD_PER_SUCCESS * ROW + j]
        cost_usd_per_failure = w[I_COST_USD_PER_FAILURE * ROW + j]
        attempts = w[I_ATTEMPTS * ROW + j]
        pp = 1.0
        microbatches = 0.0
        expert_parallel = 0.0
        attention_dp = 0.0
        expert_imbalance = w[I_EXPERT_IMBALANCE * ROW + j]
        scaleup_devices = 0.0
        scaleout_gbps = w[I_SCALEOUT_GBPS * ROW + j]
        chunked_prefill = 0.0
        max_batched_tokens = w[I_MAX_BATCHED_TOKENS * ROW + j]
        disaggregated = 0.0
        total_params = (total_params_b * PARAMS_PER_BILLION)
        active_params = (active_params_b * PARAMS_PER_BILLION)
        devices = count
        memory_bytes = (memory_gb * BYTES_PER_GB)
        memory_bytes_per_s = (memory_bw_gbps * BYTES_PER_GB)
        link_bytes_per_s = ((interconnect_gbps * BYTES_PER_GB) * comm_efficiency)
        scaleout_bytes_per_s = ((scaleout_gbps * BYTES_PER_GB) * comm_efficiency)
        link_latency_s = (link_latency_us * SECONDS_PER_US)
        peak_flops = (peak_tflops(activation_bits, tflops_fp32, tflops_16, tflops_8, tflops_4) * FLOPS_PER_TFLOPS)
        cache_tflops = tflops_fp32
        cache_tflops_2 = tflops_16
        cache_tflops_3 = tflops_8
        cache_tflops_4 = tflops_4
        cache_tflops_5 = (cache_tflops_3 if (kv_bits > 4.0) else cache_tflops_4)
        cache_tflops_6 = (cache_tflops_2 if (kv_bits > 8.0) else cache_tflops_5)
        cache_tflops_7 = (cache_tflops if (kv_bits > 16.0) else cache_tflops_6)
        attention_peak_flops = (cache_tflops_7 * FLOPS_PER_TFLOPS)
        attention_peak_flops_2 = peak_flops
        attention_peak_flops_3 = (attention_peak_flops if (kv_bits > activation_bits) else attention_peak_flops_2)
        attention_rate_ratio = (peak_flops * (1.0 / attention_peak_flops_3))
        attention_rate_ratio_2 = 1.0
        attention_rate_ratio_3 = (attention_rate_ratio if (attention_peak_flops_3 > 0.0) else attention_rate_ratio_2)
        achieved_flops_per_device = (peak_flops * mfu)
        achieved_bytes_per_s = (memory_bytes_per_s * mbu)
        step_overhead_s = (step_overhead_ms * SECONDS_PER_MS)
        weight_bytes_per_param = (weight_bits / BITS_PER_BYTE)
        activation_bytes = (activation_bits / BITS_PER_BYTE)
        stages = pp
        tp = (devices / stages)
        attention_groups = tp
        attention_groups_2 = 1.0
        attention_groups_3 = (attention_groups if (attention_dp > 0.0) else attention_groups_2)
        attention_tp = (tp / attention_groups_3)
        domain = devices
        domain_2 = scaleup_devices
        domain_3 = (domain if (scaleup_devices == WHOLE_REPLICA_DOMAIN) else domain_2)
        p2p_bytes_per_s = py_min(link_bytes_per_s, scaleout_bytes_per_s)
        p2p_bytes_per_s_2 = link_bytes_per_s
        p2p_bytes_per_s_3 = (p2p_bytes_per_s if (devices > domain_3) else p2p_bytes_per_s_2)
        expert_params = ((total_params - active_params) / (n_experts - experts_per_token))
        expert_miss_log = log1p_(((-experts_per_token) * (1.0 / n_experts)))
        expert_params_2 = 0.0
        expert_miss_log_2 = EXPERT_MISS_LOG_ALL
        expert_params_3 = (expert_params if (n_experts > experts_per_token) else expert_params_2)
        expert_miss_log_3 = (expert_miss_log if (n_experts > experts_per_token) else expert_miss_log_2)
        dense_params = (total_params - (n_experts * expert_params_3))
        dense_active_params = (active_params - (experts_per_token * expert_params_3))
        mlp_layout = (MLP_SLICED_EXPERTS + expert_parallel)
        mlp_layout_2 = MLP_DENSE
        mlp_layout_3 = (mlp_layout if (n_experts > experts_per_token) else mlp_layout_2)
        expert_load = expert_imbalance
        expert_load_2 = 1.0
        expert_load_3 = (expert_load if (expert_parallel > 0.0) else expert_load_2)
        weight_bytes_per_device = ((((dense_params / attention_tp) + ((n_experts * expert_params_3) / tp)) * weight_bytes_per_param) / stages)
        kv_values_per_token_layer = (kv_lora_rank + rope_head_dim)
        kv_shards = 1.0
        kv_values_per_token_layer_2 = (n_kv_heads * (head_dim + v_head_dim))
        kv_shards_2 = py_min(attention_tp, n_kv_heads)
        kv_values_per_token_layer_3 = (kv_values_per_token_layer if (kv_lora_rank > 0.0) else kv_values_per_token_layer_2)
        kv_shards_3 = (kv_shards if (kv_lora_rank > 0.0) else kv_shards_2)
        kv_bytes_per_token = (((n_layers * kv_values_per_token_layer_3) * kv_bits) / BITS_PER_BYTE)
        mean_context = (input_tokens + (0.5 * output_tokens))
        cached_context = windowed_context(mean_context, sliding_window, sliding_window_layers)
        generated_context = windowed_context((0.5 * output_tokens), sliding_window, sliding_window_layers)
        stored_context = (cached_context + ((beams - 1.0) * generated_context))
        kv_bytes_per_sequence_per_device = (((kv_bytes_per_token * stored_context) / kv_shards_3) / stages)
        workspace_tokens = max_batched_tokens
        workspace_tokens_2 = input_tokens
        workspace_tokens_3 = (workspace_tokens if (chunked_prefill > 0.0) else workspace_tokens_2)
        ffn_split = attention_tp
        ffn_split_2 = tp
        ffn_split_3 = (ffn_split if (mlp_layout_3 == MLP_DENSE) else ffn_split_2)
        workspace_bytes = ((workspace_tokens_3 * ((WORKSPACE_HIDDEN_COPIES * d_model) + ((WORKSPACE_FFN_COPIES * d_ff) / ffn_split_3))) * activation_bytes)
        free_bytes = (((memory_usable_fraction * memory_bytes) - weight_bytes_per_device) - workspace_bytes)
        max_batch = (py_max(np.floor((free_bytes / kv_bytes_per_sequence_per_device)), 0.0) * attention_groups_3)
        resident = (max_batch if (batch == BATCH_MAX) else batch)
        kv_bytes_per_device = ((resident * (1.0 / attention_groups_3)) * kv_bytes_per_sequence_per_device)
        used_fraction = (((weight_bytes_per_device + workspace_bytes) + kv_bytes_per_device) * (1.0 / memory_bytes))
        fits = ((resident >= 1.0) & (resident <= max_batch))
        attention_flops_per_pair = ((((FLOPS_PER_MAC * n_heads) * (head_dim + v_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair = ((((FLOPS_PER_MAC * n_heads) * ((2.0 * kv_lora_rank) + rope_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair_2 = attention_flops_per_pair
        decode_attention_flops_per_pair_3 = (decode_attention_flops_per_pair if (kv_lora_rank > 0.0) else decode_attention_flops_per_pair_2)
        comm_s_per_token = pass_comm_s(1.0, d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, 0.0)
        comm_latency_s = pass_comm_s(0.0, d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s)
        prefill_tokens = (input_tokens * attention_groups_3)
        prefill_pairs = causal_attention_pairs(input_tokens, sliding_window, sliding_window_layers)
        prefill_linear_flops = linear_flops_per_device(prefill_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        prefill_attention_flops = attention_flops_per_device(((attention_flops_per_pair * prefill_pairs) * attention_groups_3), attention_groups_3, attention_tp, stages)
        prefill_weight_bytes = pass_weight_bytes_per_device(prefill_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        prefill_comm_s = ((prefill_tokens * comm_s_per_token) + comm_latency_s)
        prefill_stage_s = (((kernels_s(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, 0.0, achieved_flops_per_device, achieved_bytes_per_s) + prefill_comm_s) + (step_overhead_s * (1.0 / stages))) + pipeline_send_s(prefill_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        prefill_s = (stages * prefill_stage_s)
        prefill_stall_s = (prefill_stage_s * (1.0 / attention_groups_3))
        decode_tokens = (resident * beams)
        asked_microbatches = stages
        asked_microbatches_2 = microbatches
        asked_microbatches_3 = (asked_microbatches if (microbatches == MICROBATCHES_AS_STAGES) else asked_microbatches_2)
        pipeline_microbatches = py_max(py_min(asked_microbatches_3, decode_tokens), 1.0)
        stage_slots = py_max(pipeline_microbatches, stages)
        microbatch_tokens = (decode_tokens * (1.0 / pipeline_microbatches))
        decode_linear_flops = linear_flops_per_device(microbatch_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        decode_attention_flops = attention_flops_per_device(((decode_attention_flops_per_pair_3 * cached_context) * microbatch_tokens), attention_groups_3, attention_tp, stages)
        decode_weight_bytes = pass_weight_bytes_per_device(microbatch_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        decode_kv_bytes = (kv_bytes_per_device * (1.0 / pipeline_microbatches))
        compute_bound_s = (compute_bound_time_s(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + compute_bound_time_s(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_kernels_s = kernels_s(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s)
        memory_bound_s = (memory_bound_time_s(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + memory_bound_time_s(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_comm_s = ((microbatch_tokens * comm_s_per_token) + comm_latency_s)
        decode_stage_s = (((decode_kernels_s + decode_comm_s) + (step_overhead_s * (1.0 / stages))) + pipeline_send_s(microbatch_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        decode_step_s = (stage_slots * decode_stage_s)
        step_budget = ((max_batched_tokens * pipeline_microbatches) * attention_groups_3)
        prompt_steps = py_max((-np.floor(((-input_tokens) / max_batched_tokens))), 1.0)
        budget_steps = ((resident * ((beams * output_tokens) + input_tokens)) * (1.0 / step_budget))
        slot_steps = py_max((output_tokens + prompt_steps), budget_steps)
        chunk_decode_tokens = ((decode_tokens * output_tokens) * (1.0 / slot_steps))
        cycle_prompt_tokens = (resident * input_tokens)
        spare_tokens = (py_max(((step_budget * (output_tokens + prompt_steps)) - (decode_tokens * output_tokens)), cycle_prompt_tokens) * (1.0 / slot_steps))
        spread_tokens = (cycle_prompt_tokens * (1.0 / slot_steps))
        chunk_tokens = py_min(spare_tokens, py_max(spread_tokens, py_min(input_tokens, max_batched_tokens)))
        spread_over_slot = (chunk_tokens <= spread_tokens)
        chunk_steps = slot_steps
        chunk_steps_2 = py_min((cycle_prompt_tokens * (1.0 / chunk_tokens)), slot_steps)
        chunk_steps_3 = (chunk_steps if spread_over_slot else chunk_steps_2)
        decoding_share = (chunk_decode_tokens * (1.0 / decode_tokens))
        lean_tokens = (chunk_decode_tokens * (1.0 / pipeline_microbatches))
        lean_linear_flops = linear_flops_per_device(lean_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        lean_attention_flops = attention_flops_per_device(((decode_attention_flops_per_pair_3 * cached_context) * lean_tokens), attention_groups_3, attention_tp, stages)
        lean_weight_bytes = pass_weight_bytes_per_device(lean_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        lean_kv_bytes = ((kv_bytes_per_device * decoding_share) * (1.0 / pipeline_microbatches))
        lean_stage_s = ((((kernels_s(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s) + (lean_tokens * comm_s_per_token)) + comm_latency_s) + (step_overhead_s * (1.0 / stages))) + pipeline_send_s(lean_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        lean_step_s = (stage_slots * lean_stage_s)
        chunk_pass_tokens = (chunk_tokens * (1.0 / pipeline_microbatches))
        chunk_linear_flops = linear_flops_per_device(chunk_pass_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        chunk_attention_flops = attention_flops_per_device((((attention_flops_per_pair * prefill_pairs) * (1.0 / input_tokens)) * chunk_pass_tokens), attention_groups_3, attention_tp, stages)
        chunk_weight_bytes = pass_weight_bytes_added_per_device(lean_tokens, chunk_pass_tokens, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, tp, stages)
        chunk_stage_s = (((roofline_added_s(lean_linear_flops, chunk_linear_flops, lean_weight_bytes, chunk_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + roofline_added_s(lean_attention_flops, chunk_attention_flops, lean_kv_bytes, 0.0, achieved_flops_per_device, achieved_bytes_per_s)) + (chunk_pass_tokens * comm_s_per_token)) + pipeline_send_s(chunk_pass_tokens, d_model, tp, stages, p2p_bytes_per_s_3, 0.0))
        chunk_step_s = (stage_slots * chunk_stage_s)
        full_linear_flops = (lean_linear_flops + chunk_linear_flops)
        full_attention_flops = (lean_attention_flops + chunk_attention_flops)
        full_weight_bytes = (lean_weight_bytes + chunk_weight_bytes)
        full_kv_bytes = lean_kv_bytes
        full_step_s = (lean_step_s + chunk_step_s)
        prompt_kv_bytes_per_device = (((kv_bytes_per_token * windowed_context(input_tokens, sliding_window, sliding_window_layers)) * (1.0 / kv_shards_3)) * (1.0 / stages))
        kv_transfer_s = ((prompt_kv_bytes_per_device * (1.0 / scaleout_bytes_per_s)) + link_latency_s)
        kv_transfer_s_2 = 0.0
        kv_transfer_s_3 = (kv_transfer_s if (scaleout_gbps > 0.0) else kv_transfer_s_2)
        waiting_steps = py_max(prompt_steps, (budget_steps - output_tokens))
        chunk_steps_after_first = (output_tokens if spread_over_slot else py_max((chunk_steps_3 - waiting_steps), 0.0))
        transfer_hold_s = (kv_transfer_s_3 * (1.0 / attention_groups_3))
        pool_hold_s = py_max(prefill_stall_s, transfer_hold_s)
        cycle_s = py_max((output_tokens * decode_step_s), (resident * transfer_hold_s))
        ttft_s = (prefill_s + kv_transfer_s_3)
        prefill_instances = ((resident * pool_hold_s) * (1.0 / cycle_s))
        generation_s = (output_tokens * decode_step_s)
        e2e_s = (ttft_s + generation_s)
        cycle_s_2 = ((slot_steps * lean_step_s) + (chunk_steps_3 * chunk_step_s))
        ttft_s_2 = ((waiting_steps * lean_step_s) + (py_min(waiting_steps, chunk_steps_3) * chunk_step_s))
        generation_s_2 = ((output_tokens * lean_step_s) + (chunk_steps_after_first * chunk_step_s))
        prefill_instances_2 = 0.0
        e2e_s_2 = cycle_s_2
        cycle_s_3 = py_max(((output_tokens * decode_step_s) + (resident * prefill_stall_s)), (prefill_s + (output_tokens * decode_step_s)))
        ttft_s_3 = prefill_s
        generation_s_3 = ((output_tokens * decode_step_s) + py_max(((resident * prefill_stall_s) - prefill_s), 0.0))
        prefill_instances_3 = 0.0
        e2e_s_3 = cycle_s_3
        cycle_s_4 = (cycle_s_2 if (chunked_prefill > 0.0) else cycle_s_3)
        ttft_s_4 = (ttft_s_2 if (chunked_prefill > 0.0) else ttft_s_3)
        generation_s_4 = (generation_s_2 if (chunked_prefill > 0.0) else generation_s_3)
        prefill_instances_4 = (prefill_instances_2 if (chunked_prefill > 0.0) else prefill_instances_3)
        e2e_s_4 = (e2e_s_2 if (chunked_prefill > 0.0) else e2e_s_3)
        cycle_s_5 = (cycle_s if (disaggregated > 0.0) else cycle_s_4)
        ttft_s_5 = (ttft_s if (disaggregated > 0.0) else ttft_s_4)
        prefill_instances_5 = (prefill_instances if (disaggregated > 0.0) else prefill_instances_4)
        generation_s_5 = (generation_s if (disaggregated > 0.0) else generation_s_4)
        e2e_s_5 = (e2e_s if (disaggregated > 0.0) else e2e_s_4)
        tokens_per_cycle = (resident * output_tokens)
        tokens_per_s = (tokens_per_cycle * (1.0 / cycle_s_5))
        tpot_s = (generation_s_5 * (1.0 / output_tokens))
        devices_per_device = (1.0 + prefill_instances_5)
        decode_activity = ((pipeline_microbatches * kernels_s(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, peak_flops, memory_bytes_per_s)) * (1.0 / decode_step_s))
        prefill_activity = (kernels_s(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, 0.0, peak_flops, memory_bytes_per_s) * (1.0 / prefill_stage_s))
        full_activity = ((pipeline_microbatches * kernels_s(full_linear_flops, full_weight_bytes, full_attention_flops, full_kv_bytes, peak_flops, memory_bytes_per_s)) * (1.0 / full_step_s))
        lean_activity = ((pipeline_microbatches * kernels_s(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, peak_flops, memory_bytes_per_s)) * (1.0 / lean_step_s))
        waiting_s = py_max((prefill_s - (resident * prefill_stall_s)), 0.0)
        device_joules = (((((device_power_w(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + (idle_w * (cycle_s_5 - (output_tokens * decode_step_s)))) + (host_w * cycle_s_5)) + (resident * (((device_power_w(idle_w, tdp_w, prefill_activity, power_exponent) * prefill_stall_s) + (idle_w * (pool_hold_s - prefill_stall_s))) + (host_w * pool_hold_s))))
        device_joules_2 = ((((device_power_w(idle_w, tdp_w, full_activity, power_exponent) * chunk_steps_3) * full_step_s) + ((device_power_w(idle_w, tdp_w, lean_activity, power_exponent) * (slot_steps - chunk_steps_3)) * lean_step_s)) + (host_w * cycle_s_5))
        device_joules_3 = (((((device_power_w(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + ((device_power_w(idle_w, tdp_w, prefill_activity, power_exponent) * resident) * prefill_stall_s)) + (idle_w * waiting_s)) + (host_w * cycle_s_5))
        device_joules_4 = (device_joules_2 if (chunked_prefill > 0.0) else device_joules_3)
        device_joules_5 = (device_joules if (disaggregated > 0.0) else device_joules_4)
        idle_s = ((cycle_s_5 * (1.0 - utilization)) * (1.0 / utilization))
        device_joules_6 = (device_joules_5 + (((idle_w + host_w) * idle_s) * devices_per_device))
        facility_joules = ((devices * device_joules_6) * pue)
        joules_per_token = (facility_joules * (1.0 / tokens_per_cycle))
        kwh_per_cycle = (facility_joules * (1.0 / JOULES_PER_KWH))
        power_w_per_device = ((facility_joules * (1.0 / (devices * devices_per_device))) * (1.0 / (cycle_s_5 + idle_s)))
        lost_share = ((interruptions_per_hour * restart_s) * (1.0 / SECONDS_PER_HOUR))
        paid_hours_per_hour = (1.0 / (1.0 - lost_share))
        device_hours = ((((devices * devices_per_device) * (cycle_s_5 + idle_s)) * (1.0 / SECONDS_PER_HOUR)) * paid_hours_per_hour)
        discount = pow_((1.0 + cost_of_capital), (-lifetime_years))
        capital_usd_per_hour = ((((purchase_usd - ((residual_fraction * purchase_usd) * discount)) * cost_of_capital) * (1.0 / (1.0 - discount))) * (1.0 / HOURS_PER_YEAR))
        capital_usd_per_hour_2 = ((purchase_usd - (residual_fraction * purchase_usd)) * (1.0 / (lifetime_years * HOURS_PER_YEAR)))
        capital_usd_per_hour_3 = (capital_usd_per_hour if (cost_of_capital > 0.0) else capital_usd_per_hour_2)
        colocation_usd_per_hour = (((colocation_usd_per_kw_month * provisioned_kw) * MONTHS_PER_YEAR) * (1.0 / HOURS_PER_YEAR))
        usd_per_device_hour_all_in = (((usd_per_device_hour + capital_usd_per_hour_3) + hosting_usd_per_device_hour) + colocation_usd_per_hour)
        usd_per_cycle = ((device_hours * usd_per_device_hour_all_in) + (kwh_per_cycle * usd_per_kwh))
        usd_per_mtok = ((usd_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        usd_per_mtok_per_usd = (TOKENS_PER_MTOK * (1.0 / tokens_per_cycle))
        rental_usd_per_mtok = ((device_hours * usd_per_device_hour) * usd_per_mtok_per_usd)
        capital_usd_per_mtok = ((device_hours * capital_usd_per_hour_3) * usd_per_mtok_per_usd)
        hosting_usd_per_mtok = ((device_hours * (hosting_usd_per_device_hour + colocation_usd_per_hour)) * usd_per_mtok_per_usd)
        energy_usd_per_mtok = ((kwh_per_cycle * usd_per_kwh) * usd_per_mtok_per_usd)
        prefill_share = (prefill_instances_5 * (1.0 / devices_per_device))
        decode_share = (1.0 / devices_per_device)
        prefill_share_2 = ((chunk_steps_3 * chunk_step_s) * (1.0 / cycle_s_5))
        decode_share_2 = ((slot_steps * lean_step_s) * (1.0 / cycle_s_5))
        prefill_share_3 = ((resident * prefill_stall_s) * (1.0 / cycle_s_5))
        decode_share_3 = (((output_tokens * decode_step_s) + waiting_s) * (1.0 / cycle_s_5))
        prefill_share_4 = (prefill_share_2 if (chunked_prefill > 0.0) else prefill_share_3)
        decode_share_4 = (decode_share_2 if (chunked_prefill > 0.0) else decode_share_3)
        prefill_share_5 = (prefill_share if (disaggregated > 0.0) else prefill_share_4)
        decode_share_5 = (decode_share if (disaggregated > 0.0) else decode_share_4)
        usd_per_mtok_input = (((usd_per_cycle * prefill_share_5) * (1.0 / (resident * input_tokens))) * TOKENS_PER_MTOK)
        usd_per_mtok_output = (((usd_per_cycle * decode_share_5) * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        operational_g = (kwh_per_cycle * grid_gco2_per_kwh)
        embodied_g = (((embodied_kgco2 * GRAMS_PER_KG) * device_hours) * (1.0 / (lifetime_years * HOURS_PER_YEAR)))
        gco2_per_mtok = (((operational_g + embodied_g) * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        it_kwh_per_cycle = ((devices * device_joules_6) * (1.0 / JOULES_PER_KWH))
        water_l_per_mtok = (((it_kwh_per_cycle * wue_l_per_kwh) * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK)
        usd_per_request = (((usd_per_mtok * output_tokens) * attempts) * (1.0 / TOKENS_PER_MTOK))
        usd_per_success = (usd_per_request * (1.0 / p_success))
        net_value_usd_per_request = (((p_success * value_usd_per_success) - ((1.0 - p_success) * cost_usd_per_failure)) - usd_per_request)
        meets_targets = ((ttft_s_5 <= ttft_slo_s) & (tpot_s <= tpot_slo_s))
        non_finite_residue = ((((((((((((((((((((((((((((resident - resident) + (max_batch - max_batch)) + (ttft_s_5 - ttft_s_5)) + (tpot_s - tpot_s)) + (e2e_s_5 - e2e_s_5)) + (tokens_per_s - tokens_per_s)) + ((tokens_per_s * (1.0 / (devices * devices_per_device))) - (tokens_per_s * (1.0 / (devices * devices_per_device))))) + (usd_per_mtok - usd_per_mtok)) + (usd_per_mtok_input - usd_per_mtok_input)) + (usd_per_mtok_output - usd_per_mtok_output)) + (joules_per_token - joules_per_token)) + (((kwh_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK) - ((kwh_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK))) + (gco2_per_mtok - gco2_per_mtok)) + (water_l_per_mtok - water_l_per_mtok)) + (power_w_per_device - power_w_per_device)) + ((weight_bytes_per_device * (1.0 / BYTES_PER_GB)) - (weight_bytes_per_device * (1.0 / BYTES_PER_GB)))) + ((kv_bytes_per_device * (1.0 / BYTES_PER_GB)) - (kv_bytes_per_device * (1.0 / BYTES_PER_GB)))) + (used_fraction - used_fraction)) + (prefill_s - prefill_s)) + (decode_step_s - decode_step_s)) + ((1.0 if (compute_bound_s > (memory_bound_s * (1.0 + ROOFLINE_TIE))) else 0.0) - (1.0 if (compute_bound_s > (memory_bound_s * (1.0 + ROOFLINE_TIE))) else 0.0))) + (rental_usd_per_mtok - rental_usd_per_mtok)) + (capital_usd_per_mtok - capital_usd_per_mtok)) + (hosting_usd_per_mtok - hosting_usd_per_mtok)) + (energy_usd_per_mtok - energy_usd_per_mtok)) + (usd_per_request - usd_per_request)) + (usd_per_success - usd_per_success)) + (net_value_usd_per_request - net_value_usd_per_request))
        metrics_finite = (non_finite_residue == 0.0)
        ran = (((STATUS_OK if meets_targets else STATUS_LATENCY) == STATUS_OK) | ((STATUS_OK if meets_targets else STATUS_LATENCY) == STATUS_LATENCY))
        w[(N_INPUTS + O_STATUS) * ROW + j] = ((((STATUS_OK if meets_targets else STATUS_LATENCY) if metrics_finite else STATUS_NON_FINITE) if ran else (STATUS_OK if meets_targets else STATUS_LATENCY)) if fits else STATUS_MEMORY)
        w[(N_INPUTS + O_BATCH) * ROW + j] = resident
        w[(N_INPUTS + O_MAX_BATCH) * ROW + j] = max_batch
        w[(N_INPUTS + O_TTFT_S) * ROW + j] = (ttft_s_5 if fits else np.nan)
        w[(N_INPUTS + O_TPOT_S) * ROW + j] = (tpot_s if fits else np.nan)
        w[(N_INPUTS + O_E2E_S) * ROW + j] = (e2e_s_5 if fits else np.nan)
        w[(N_INPUTS + O_TOKENS_PER_S) * ROW + j] = (tokens_per_s if fits else np.nan)
        w[(N_INPUTS + O_TOKENS_PER_S_PER_DEVICE) * ROW + j] = ((tokens_per_s * (1.0 / (devices * devices_per_device))) if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_MTOK) * ROW + j] = (usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_MTOK_INPUT) * ROW + j] = (usd_per_mtok_input if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_MTOK_OUTPUT) * ROW + j] = (usd_per_mtok_output if fits else np.nan)
        w[(N_INPUTS + O_JOULES_PER_TOKEN) * ROW + j] = (joules_per_token if fits else np.nan)
        w[(N_INPUTS + O_KWH_PER_MTOK) * ROW + j] = (((kwh_per_cycle * (1.0 / tokens_per_cycle)) * TOKENS_PER_MTOK) if fits else np.nan)
        w[(N_INPUTS + O_GCO2_PER_MTOK) * ROW + j] = (gco2_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_WATER_L_PER_MTOK) * ROW + j] = (water_l_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_POWER_W_PER_DEVICE) * ROW + j] = (power_w_per_device if fits else np.nan)
        w[(N_INPUTS + O_WEIGHT_GB_PER_DEVICE) * ROW + j] = (weight_bytes_per_device * (1.0 / BYTES_PER_GB))
        w[(N_INPUTS + O_KV_GB_PER_DEVICE) * ROW + j] = (kv_bytes_per_device * (1.0 / BYTES_PER_GB))
        w[(N_INPUTS + O_MEMORY_USED_FRACTION) * ROW + j] = used_fraction
        w[(N_INPUTS + O_PREFILL_S) * ROW + j] = (prefill_s if fits else np.nan)
        w[(N_INPUTS + O_DECODE_STEP_S) * ROW + j] = (decode_step_s if fits else np.nan)
        w[(N_INPUTS + O_DECODE_COMPUTE_BOUND) * ROW + j] = ((1.0 if (compute_bound_s > (memory_bound_s * (1.0 + ROOFLINE_TIE))) else 0.0) if fits else np.nan)
        w[(N_INPUTS + O_RENTAL_USD_PER_MTOK) * ROW + j] = (rental_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_CAPITAL_USD_PER_MTOK) * ROW + j] = (capital_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_HOSTING_USD_PER_MTOK) * ROW + j] = (hosting_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_ENERGY_USD_PER_MTOK) * ROW + j] = (energy_usd_per_mtok if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_REQUEST) * ROW + j] = (usd_per_request if fits else np.nan)
        w[(N_INPUTS + O_USD_PER_SUCCESS) * ROW + j] = (usd_per_success if fits else np.nan)
        w[(N_INPUTS + O_NET_VALUE_USD_PER_REQUEST) * ROW + j] = (net_value_usd_per_request if fits else np.nan)


@_jit
def evaluate_block(w):
    """The most specialised copy whose constants every lane has (generate_cores.COPIES):
    the same outputs, with less arithmetic. The lanes are tested in one pass without
    branches (a loop that leaves at the first lane that differs does not vectorise: it
    cost 5 ns a sample)."""
    prefer_wide_vectors()
    plain = True
    dense = True
    for j in range(BLOCK):
        plain &= ((w[I_PP * ROW + j] == 1.0) & (w[I_MICROBATCHES * ROW + j] == 0.0) &
            (w[I_EXPERT_PARALLEL * ROW + j] == 0.0) & (w[I_ATTENTION_DP * ROW + j] == 0.0) &
            (w[I_SCALEUP_DEVICES * ROW + j] == 0.0) & (w[I_CHUNKED_PREFILL * ROW + j] == 0.0) &
            (w[I_DISAGGREGATED * ROW + j] == 0.0))
        dense &= ((w[I_N_EXPERTS * ROW + j] == 1.0) & (w[I_EXPERTS_PER_TOKEN * ROW + j] == 1.0))
    if plain and dense:
        evaluate_block_dense(w)
    elif plain:
        evaluate_block_plain(w)
    else:
        evaluate_block_general(w)


# ---- Single precision (precision="float32"): the same model in float32. ----


@_jit_inline
def all_to_all_s_f32(message_bytes, devices, domain, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s):
    """reference.all_to_all_s"""
    returns_early = (devices <= F32(1.0))
    local_devices = py_min(domain, devices)
    local_s = (((message_bytes * (local_devices - F32(1.0))) / devices) / link_bytes_per_s)
    local_s_2 = F32(0.0)
    local_s_3 = (local_s if (local_devices > F32(1.0)) else local_s_2)
    remote_s = (((message_bytes * (devices - local_devices)) / devices) / scaleout_bytes_per_s)
    remote_s_2 = F32(0.0)
    remote_s_3 = (remote_s if (devices > local_devices) else remote_s_2)
    return (F32(0.0) if returns_early else (py_max(local_s_3, remote_s_3) + link_latency_s))


@_jit_inline
def attention_flops_per_device_f32(attention_flops, attention_groups, attention_tp, stages):
    """reference.attention_flops_per_device"""
    return (((attention_flops * (F32(1.0) / attention_groups)) * (F32(1.0) / attention_tp)) * (F32(1.0) / stages))


@_jit_inline
def causal_attention_pairs_f32(tokens, sliding_window, sliding_window_layers):
    """reference.causal_attention_pairs"""
    full = ((F32(0.5) * tokens) * tokens)
    returns_early = ((sliding_window <= F32(0.0)) | (tokens <= sliding_window))
    local = (((F32(0.5) * sliding_window) * sliding_window) + ((tokens - sliding_window) * sliding_window))
    return (full if returns_early else (((F32(1.0) - sliding_window_layers) * full) + (sliding_window_layers * local)))


@_jit_inline
def collective_bytes_per_s_f32(group, domain, link_bytes_per_s, scaleout_bytes_per_s):
    """reference.collective_bytes_per_s"""
    returns_early = (group > domain)
    return (py_min(link_bytes_per_s, scaleout_bytes_per_s) if returns_early else link_bytes_per_s)


@_jit_inline
def compute_bound_time_s_f32(flops, bytes_moved, flops_per_s, bytes_per_s):
    """reference.compute_bound_time_s"""
    returns_early = ((flops / flops_per_s) > ((bytes_moved / bytes_per_s) * (F32(1.0) + F32(ROOFLINE_TIE))))
    return ((flops / flops_per_s) if returns_early else F32(0.0))


@_jit_inline
def device_power_w_f32(idle_w, tdp_w, activity, power_exponent):
    """reference.device_power_w"""
    return (idle_w + ((tdp_w - idle_w) * pow_f32(activity, power_exponent)))


@_jit_inline
def experts_touched_f32(n_experts, expert_miss_log, tokens):
    """reference.experts_touched"""
    return ((-n_experts) * expm1_f32((tokens * expert_miss_log)))


@_jit_inline
def experts_touched_added_f32(n_experts, expert_miss_log, tokens, more_tokens):
    """reference.experts_touched_added"""
    return (((-n_experts) * exp_f32((tokens * expert_miss_log))) * expm1_f32((more_tokens * expert_miss_log)))


@_jit_inline
def roofline_s_f32(flops, bytes_moved, flops_per_s, bytes_per_s):
    """reference.roofline_s"""
    return py_max((flops * (F32(1.0) / flops_per_s)), (bytes_moved * (F32(1.0) / bytes_per_s)))


@_jit_inline
def kernels_s_f32(linear_flops, weight_bytes, attention_flops, kv_bytes, flops_per_s, bytes_per_s):
    """reference.kernels_s"""
    return (roofline_s_f32(linear_flops, weight_bytes, flops_per_s, bytes_per_s) + roofline_s_f32(attention_flops, kv_bytes, flops_per_s, bytes_per_s))


@_jit_inline
def linear_flops_per_device_f32(tokens, dense_active_params, expert_params, experts_per_token, attention_groups, attention_tp, tp, stages, expert_load):
    """reference.linear_flops_per_device"""
    dense = ((((F32(FLOPS_PER_MAC) * dense_active_params) * tokens) * (F32(1.0) / attention_groups)) * (F32(1.0) / attention_tp))
    experts = (((((F32(FLOPS_PER_MAC) * experts_per_token) * expert_params) * tokens) * (F32(1.0) / tp)) * expert_load)
    return ((dense + experts) * (F32(1.0) / stages))


@_jit_inline
def memory_bound_time_s_f32(flops, bytes_moved, flops_per_s, bytes_per_s):
    """reference.memory_bound_time_s"""
    returns_early = ((flops / flops_per_s) > ((bytes_moved / bytes_per_s) * (F32(1.0) + F32(ROOFLINE_TIE))))
    return (F32(0.0) if returns_early else (bytes_moved / bytes_per_s))


@_jit_inline
def ring_allreduce_s_f32(message_bytes, devices, link_bytes_per_s, link_latency_s):
    """reference.ring_allreduce_s"""
    returns_early = (devices <= F32(1.0))
    steps = (F32(2.0) * (devices - F32(1.0)))
    return (F32(0.0) if returns_early else ((((steps / devices) * message_bytes) / link_bytes_per_s) + (steps * link_latency_s)))


@_jit_inline
def pass_comm_s_f32(tokens, d_model, n_layers, mlp_layout, experts_per_token, activation_bytes, attention_tp, tp, stages, domain, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s):
    """reference.pass_comm_s"""
    layers = (n_layers / stages)
    attention = ring_allreduce_s_f32(((tokens * d_model) * F32(ALLREDUCE_BYTES_PER_VALUE)), attention_tp, collective_bytes_per_s_f32(attention_tp, domain, link_bytes_per_s, scaleout_bytes_per_s), link_latency_s)
    routed_values = (((tokens / tp) * experts_per_token) * d_model)
    mlp = (all_to_all_s_f32((routed_values * activation_bytes), tp, domain, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s) + all_to_all_s_f32((routed_values * F32(ALLREDUCE_BYTES_PER_VALUE)), tp, domain, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s))
    mlp_2 = ring_allreduce_s_f32(((tokens * d_model) * F32(ALLREDUCE_BYTES_PER_VALUE)), tp, collective_bytes_per_s_f32(tp, domain, link_bytes_per_s, scaleout_bytes_per_s), link_latency_s)
    mlp_3 = attention
    mlp_4 = (mlp_2 if (mlp_layout == F32(MLP_SLICED_EXPERTS)) else mlp_3)
    mlp_5 = (mlp if (mlp_layout == F32(MLP_WHOLE_EXPERTS)) else mlp_4)
    return (layers * (attention + mlp_5))


@_jit_inline
def pass_weight_bytes_added_per_device_f32(tokens, more_tokens, expert_params, n_experts, expert_miss_log, weight_bytes_per_param, tp, stages):
    """reference.pass_weight_bytes_added_per_device"""
    return ((((experts_touched_added_f32(n_experts, expert_miss_log, tokens, more_tokens) * expert_params) * (F32(1.0) / tp)) * weight_bytes_per_param) * (F32(1.0) / stages))


@_jit_inline
def pass_weight_bytes_per_device_f32(tokens, dense_params, expert_params, n_experts, expert_miss_log, weight_bytes_per_param, attention_tp, tp, stages):
    """reference.pass_weight_bytes_per_device"""
    return ((((dense_params * (F32(1.0) / attention_tp)) + ((experts_touched_f32(n_experts, expert_miss_log, tokens) * expert_params) * (F32(1.0) / tp))) * weight_bytes_per_param) * (F32(1.0) / stages))


@_jit_inline
def peak_tflops_f32(activation_bits, tflops_fp32, tflops_16, tflops_8, tflops_4):
    """reference.peak_tflops"""
    returns_early = ((activation_bits <= F32(4.0)) & (tflops_4 > F32(0.0)))
    returns_early_2 = ((activation_bits <= F32(8.0)) & (tflops_8 > F32(0.0)))
    returns_early_3 = ((activation_bits <= F32(16.0)) & (tflops_16 > F32(0.0)))
    returns_early_4 = (tflops_fp32 > F32(0.0))
    return (tflops_4 if returns_early else (tflops_8 if returns_early_2 else (tflops_16 if returns_early_3 else (tflops_fp32 if returns_early_4 else tflops_16))))


@_jit_inline
def pipeline_send_s_f32(tokens, d_model, tp, stages, p2p_bytes_per_s, link_latency_s):
    """reference.pipeline_send_s"""
    returns_early = (stages <= F32(1.0))
    return (F32(0.0) if returns_early else (((((tokens * d_model) * F32(ALLREDUCE_BYTES_PER_VALUE)) / tp) / p2p_bytes_per_s) + link_latency_s))


@_jit_inline
def roofline_added_s_f32(flops, more_flops, bytes_moved, more_bytes, flops_per_s, bytes_per_s):
    """reference.roofline_added_s"""
    compute_s = (flops / flops_per_s)
    memory_s = (bytes_moved / bytes_per_s)
    more_compute_s = (more_flops / flops_per_s)
    more_memory_s = (more_bytes / bytes_per_s)
    memory_bound = (memory_s > compute_s)
    still_memory_bound = ((memory_s + more_memory_s) > (compute_s + more_compute_s))
    returns_early = (memory_bound != still_memory_bound)
    return ((py_max((compute_s + more_compute_s), (memory_s + more_memory_s)) - py_max(compute_s, memory_s)) if returns_early else (more_memory_s if memory_bound else more_compute_s))


@_jit_inline
def windowed_context_f32(tokens, sliding_window, sliding_window_layers):
    """reference.windowed_context"""
    returns_early = (sliding_window <= F32(0.0))
    return (tokens if returns_early else (((F32(1.0) - sliding_window_layers) * tokens) + (sliding_window_layers * py_min(tokens, sliding_window))))


# The loop runs the full block with constant row offsets into one array, which lets LLVM prove
# the rows do not overlap and vectorise it; lanes past the samples in use compute on stale
# inputs and are ignored.
@_jit
def evaluate_block_general_f32(w):
    """reference.evaluate over every lane of the workspace ``w`` (see workspace())."""
    prefer_wide_vectors()
    for j in range(BLOCK):
        total_params_b = w[I_TOTAL_PARAMS_B * ROW + j]
        active_params_b = w[I_ACTIVE_PARAMS_B * ROW + j]
        n_layers = w[I_N_LAYERS * ROW + j]
        d_model = w[I_D_MODEL * ROW + j]
        n_heads = w[I_N_HEADS * ROW + j]
        n_kv_heads = w[I_N_KV_HEADS * ROW + j]
        head_dim = w[I_HEAD_DIM * ROW + j]
        v_head_dim = w[I_V_HEAD_DIM * ROW + j]
        d_ff = w[I_D_FF * ROW + j]
        n_experts = w[I_N_EXPERTS * ROW + j]
        experts_per_token = w[I_EXPERTS_PER_TOKEN * ROW + j]
        kv_lora_rank = w[I_KV_LORA_RANK * ROW + j]
        rope_head_dim = w[I_ROPE_HEAD_DIM * ROW + j]
        sliding_window = w[I_SLIDING_WINDOW * ROW + j]
        sliding_window_layers = w[I_SLIDING_WINDOW_LAYERS * ROW + j]
        count = w[I_COUNT * ROW + j]
        memory_gb = w[I_MEMORY_GB * ROW + j]
        memory_bw_gbps = w[I_MEMORY_BW_GBPS * ROW + j]
        tflops_fp32 = w[I_TFLOPS_FP32 * ROW + j]
        tflops_16 = w[I_TFLOPS_16 * ROW + j]
        tflops_8 = w[I_TFLOPS_8 * ROW + j]
        tflops_4 = w[I_TFLOPS_4 * ROW + j]
        tdp_w = w[I_TDP_W * ROW + j]
        idle_w = w[I_IDLE_W * ROW + j]
        interconnect_gbps = w[I_INTERCONNECT_GBPS * ROW + j]
        link_latency_us = w[I_LINK_LATENCY_US * ROW + j]
        weight_bits = w[I_WEIGHT_BITS * ROW + j]
        activation_bits = w[I_ACTIVATION_BITS * ROW + j]
        kv_bits = w[I_KV_BITS * ROW + j]
        batch = w[I_BATCH * ROW + j]
        input_tokens = w[I_INPUT_TOKENS * ROW + j]
        output_tokens = w[I_OUTPUT_TOKENS * ROW + j]
        ttft_slo_s = w[I_TTFT_SLO_S * ROW + j]
        tpot_slo_s = w[I_TPOT_SLO_S * ROW + j]
        mfu = w[I_MFU * ROW + j]
        mbu = w[I_MBU * ROW + j]
        comm_efficiency = w[I_COMM_EFFICIENCY * ROW + j]
        step_overhead_ms = w[I_STEP_OVERHEAD_MS * ROW + j]
        memory_usable_fraction = w[I_MEMORY_USABLE_FRACTION * ROW + j]
        pue = w[I_PUE * ROW + j]
        host_w = w[I_HOST_W * ROW + j]
        grid_gco2_per_kwh = w[I_GRID_GCO2_PER_KWH * ROW + j]
        embodied_kgco2 = w[I_EMBODIED_KGCO2 * ROW + j]
        wue_l_per_kwh = w[I_WUE_L_PER_KWH * ROW + j]
        usd_per_device_hour = w[I_USD_PER_DEVICE_HOUR * ROW + j]
        purchase_usd = w[I_PURCHASE_USD * ROW + j]
        hosting_usd_per_device_hour = w[I_HOSTING_USD_PER_DEVICE_HOUR * ROW + j]
        usd_per_kwh = w[I_USD_PER_KWH * ROW + j]
        utilization = w[I_UTILIZATION * ROW + j]
        lifetime_years = w[I_LIFETIME_YEARS * ROW + j]
        power_exponent = w[I_POWER_EXPONENT * ROW + j]
        beams = w[I_BEAMS * ROW + j]
        cost_of_capital = w[I_COST_OF_CAPITAL * ROW + j]
        residual_fraction = w[I_RESIDUAL_FRACTION * ROW + j]
        colocation_usd_per_kw_month = w[I_COLOCATION_USD_PER_KW_MONTH * ROW + j]
        provisioned_kw = w[I_PROVISIONED_KW * ROW + j]
        interruptions_per_hour = w[I_INTERRUPTIONS_PER_HOUR * ROW + j]
        restart_s = w[I_RESTART_S * ROW + j]
        p_success = w[I_P_SUCCESS * ROW + j]
        value_usd_per_success = w[I_VALUE_USD_PER_SUCCESS * ROW + j]
        cost_usd_per_failure = w[I_COST_USD_PER_FAILURE * ROW + j]
        attempts = w[I_ATTEMPTS * ROW + j]
        pp = w[I_PP * ROW + j]
        microbatches = w[I_MICROBATCHES * ROW + j]
        expert_parallel = w[I_EXPERT_PARALLEL * ROW + j]
        attention_dp = w[I_ATTENTION_DP * ROW + j]
        expert_imbalance = w[I_EXPERT_IMBALANCE * ROW + j]
        scaleup_devices = w[I_SCALEUP_DEVICES * ROW + j]
        scaleout_gbps = w[I_SCALEOUT_GBPS * ROW + j]
        chunked_prefill = w[I_CHUNKED_PREFILL * ROW + j]
        max_batched_tokens = w[I_MAX_BATCHED_TOKENS * ROW + j]
        disaggregated = w[I_DISAGGREGATED * ROW + j]
        total_params = (total_params_b * F32(PARAMS_PER_BILLION))
        active_params = (active_params_b * F32(PARAMS_PER_BILLION))
        devices = count
        memory_bytes = (memory_gb * F32(BYTES_PER_GB))
        memory_bytes_per_s = (memory_bw_gbps * F32(BYTES_PER_GB))
        link_bytes_per_s = ((interconnect_gbps * F32(BYTES_PER_GB)) * comm_efficiency)
        scaleout_bytes_per_s = ((scaleout_gbps * F32(BYTES_PER_GB)) * comm_efficiency)
        link_latency_s = (link_latency_us * F32(SECONDS_PER_US))
        peak_flops = (peak_tflops_f32(activation_bits, tflops_fp32, tflops_16, tflops_8, tflops_4) * F32(FLOPS_PER_TFLOPS))
        cache_tflops = tflops_fp32
        cache_tflops_2 = tflops_16
        cache_tflops_3 = tflops_8
        cache_tflops_4 = tflops_4
        cache_tflops_5 = (cache_tflops_3 if (kv_bits > F32(4.0)) else cache_tflops_4)
        cache_tflops_6 = (cache_tflops_2 if (kv_bits > F32(8.0)) else cache_tflops_5)
        cache_tflops_7 = (cache_tflops if (kv_bits > F32(16.0)) else cache_tflops_6)
        attention_peak_flops = (cache_tflops_7 * F32(FLOPS_PER_TFLOPS))
        attention_peak_flops_2 = peak_flops
        attention_peak_flops_3 = (attention_peak_flops if (kv_bits > activation_bits) else attention_peak_flops_2)
        attention_rate_ratio = (peak_flops * (F32(1.0) / attention_peak_flops_3))
        attention_rate_ratio_2 = F32(1.0)
        attention_rate_ratio_3 = (attention_rate_ratio if (attention_peak_flops_3 > F32(0.0)) else attention_rate_ratio_2)
        achieved_flops_per_device = (peak_flops * mfu)
        achieved_bytes_per_s = (memory_bytes_per_s * mbu)
        step_overhead_s = (step_overhead_ms * F32(SECONDS_PER_MS))
        weight_bytes_per_param = (weight_bits / F32(BITS_PER_BYTE))
        activation_bytes = (activation_bits / F32(BITS_PER_BYTE))
        stages = pp
        tp = (devices / stages)
        attention_groups = tp
        attention_groups_2 = F32(1.0)
        attention_groups_3 = (attention_groups if (attention_dp > F32(0.0)) else attention_groups_2)
        attention_tp = (tp / attention_groups_3)
        domain = devices
        domain_2 = scaleup_devices
        domain_3 = (domain if (scaleup_devices == F32(WHOLE_REPLICA_DOMAIN)) else domain_2)
        p2p_bytes_per_s = py_min(link_bytes_per_s, scaleout_bytes_per_s)
        p2p_bytes_per_s_2 = link_bytes_per_s
        p2p_bytes_per_s_3 = (p2p_bytes_per_s if (devices > domain_3) else p2p_bytes_per_s_2)
        expert_params = ((total_params - active_params) / (n_experts - experts_per_token))
        expert_miss_log = log1p_f32(((-experts_per_token) * (F32(1.0) / n_experts)))
        expert_params_2 = F32(0.0)
        expert_miss_log_2 = F32(EXPERT_MISS_LOG_ALL)
        expert_params_3 = (expert_params if (n_experts > experts_per_token) else expert_params_2)
        expert_miss_log_3 = (expert_miss_log if (n_experts > experts_per_token) else expert_miss_log_2)
        dense_params = (total_params - (n_experts * expert_params_3))
        dense_active_params = (active_params - (experts_per_token * expert_params_3))
        mlp_layout = (F32(MLP_SLICED_EXPERTS) + expert_parallel)
        mlp_layout_2 = F32(MLP_DENSE)
        mlp_layout_3 = (mlp_layout if (n_experts > experts_per_token) else mlp_layout_2)
        expert_load = expert_imbalance
        expert_load_2 = F32(1.0)
        expert_load_3 = (expert_load if (expert_parallel > F32(0.0)) else expert_load_2)
        weight_bytes_per_device = ((((dense_params / attention_tp) + ((n_experts * expert_params_3) / tp)) * weight_bytes_per_param) / stages)
        kv_values_per_token_layer = (kv_lora_rank + rope_head_dim)
        kv_shards = F32(1.0)
        kv_values_per_token_layer_2 = (n_kv_heads * (head_dim + v_head_dim))
        kv_shards_2 = py_min(attention_tp, n_kv_heads)
        kv_values_per_token_layer_3 = (kv_values_per_token_layer if (kv_lora_rank > F32(0.0)) else kv_values_per_token_layer_2)
        kv_shards_3 = (kv_shards if (kv_lora_rank > F32(0.0)) else kv_shards_2)
        kv_bytes_per_token = (((n_layers * kv_values_per_token_layer_3) * kv_bits) / F32(BITS_PER_BYTE))
        mean_context = (input_tokens + (F32(0.5) * output_tokens))
        cached_context = windowed_context_f32(mean_context, sliding_window, sliding_window_layers)
        generated_context = windowed_context_f32((F32(0.5) * output_tokens), sliding_window, sliding_window_layers)
        stored_context = (cached_context + ((beams - F32(1.0)) * generated_context))
        kv_bytes_per_sequence_per_device = (((kv_bytes_per_token * stored_context) / kv_shards_3) / stages)
        workspace_tokens = max_batched_tokens
        workspace_tokens_2 = input_tokens
        workspace_tokens_3 = (workspace_tokens if (chunked_prefill > F32(0.0)) else workspace_tokens_2)
        ffn_split = attention_tp
        ffn_split_2 = tp
        ffn_split_3 = (ffn_split if (mlp_layout_3 == F32(MLP_DENSE)) else ffn_split_2)
        workspace_bytes = ((workspace_tokens_3 * ((F32(WORKSPACE_HIDDEN_COPIES) * d_model) + ((F32(WORKSPACE_FFN_COPIES) * d_ff) / ffn_split_3))) * activation_bytes)
        free_bytes = (((memory_usable_fraction * memory_bytes) - weight_bytes_per_device) - workspace_bytes)
        max_batch = (py_max(np.floor((free_bytes / kv_bytes_per_sequence_per_device)), F32(0.0)) * attention_groups_3)
        resident = (max_batch if (batch == F32(BATCH_MAX)) else batch)
        kv_bytes_per_device = ((resident * (F32(1.0) / attention_groups_3)) * kv_bytes_per_sequence_per_device)
        used_fraction = (((weight_bytes_per_device + workspace_bytes) + kv_bytes_per_device) * (F32(1.0) / memory_bytes))
        fits = ((resident >= F32(1.0)) & (resident <= max_batch))
        attention_flops_per_pair = ((((F32(FLOPS_PER_MAC) * n_heads) * (head_dim + v_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair = ((((F32(FLOPS_PER_MAC) * n_heads) * ((F32(2.0) * kv_lora_rank) + rope_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair_2 = attention_flops_per_pair
        decode_attention_flops_per_pair_3 = (decode_attention_flops_per_pair if (kv_lora_rank > F32(0.0)) else decode_attention_flops_per_pair_2)
        comm_s_per_token = pass_comm_s_f32(F32(1.0), d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, F32(0.0))
        comm_latency_s = pass_comm_s_f32(F32(0.0), d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s)
        prefill_tokens = (input_tokens * attention_groups_3)
        prefill_pairs = causal_attention_pairs_f32(input_tokens, sliding_window, sliding_window_layers)
        prefill_linear_flops = linear_flops_per_device_f32(prefill_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        prefill_attention_flops = attention_flops_per_device_f32(((attention_flops_per_pair * prefill_pairs) * attention_groups_3), attention_groups_3, attention_tp, stages)
        prefill_weight_bytes = pass_weight_bytes_per_device_f32(prefill_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        prefill_comm_s = ((prefill_tokens * comm_s_per_token) + comm_latency_s)
        prefill_stage_s = (((kernels_s_f32(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, F32(0.0), achieved_flops_per_device, achieved_bytes_per_s) + prefill_comm_s) + (step_overhead_s * (F32(1.0) / stages))) + pipeline_send_s_f32(prefill_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        prefill_s = (stages * prefill_stage_s)
        prefill_stall_s = (prefill_stage_s * (F32(1.0) / attention_groups_3))
        decode_tokens = (resident * beams)
        asked_microbatches = stages
        asked_microbatches_2 = microbatches
        asked_microbatches_3 = (asked_microbatches if (microbatches == F32(MICROBATCHES_AS_STAGES)) else asked_microbatches_2)
        pipeline_microbatches = py_max(py_min(asked_microbatches_3, decode_tokens), F32(1.0))
        stage_slots = py_max(pipeline_microbatches, stages)
        microbatch_tokens = (decode_tokens * (F32(1.0) / pipeline_microbatches))
        decode_linear_flops = linear_flops_per_device_f32(microbatch_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        decode_attention_flops = attention_flops_per_device_f32(((decode_attention_flops_per_pair_3 * cached_context) * microbatch_tokens), attention_groups_3, attention_tp, stages)
        decode_weight_bytes = pass_weight_bytes_per_device_f32(microbatch_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        decode_kv_bytes = (kv_bytes_per_device * (F32(1.0) / pipeline_microbatches))
        compute_bound_s = (compute_bound_time_s_f32(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + compute_bound_time_s_f32(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_kernels_s = kernels_s_f32(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s)
        memory_bound_s = (memory_bound_time_s_f32(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + memory_bound_time_s_f32(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_comm_s = ((microbatch_tokens * comm_s_per_token) + comm_latency_s)
        decode_stage_s = (((decode_kernels_s + decode_comm_s) + (step_overhead_s * (F32(1.0) / stages))) + pipeline_send_s_f32(microbatch_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        decode_step_s = (stage_slots * decode_stage_s)
        step_budget = ((max_batched_tokens * pipeline_microbatches) * attention_groups_3)
        prompt_steps = py_max((-np.floor(((-input_tokens) / max_batched_tokens))), F32(1.0))
        budget_steps = ((resident * ((beams * output_tokens) + input_tokens)) * (F32(1.0) / step_budget))
        slot_steps = py_max((output_tokens + prompt_steps), budget_steps)
        chunk_decode_tokens = ((decode_tokens * output_tokens) * (F32(1.0) / slot_steps))
        cycle_prompt_tokens = (resident * input_tokens)
        spare_tokens = (py_max(((step_budget * (output_tokens + prompt_steps)) - (decode_tokens * output_tokens)), cycle_prompt_tokens) * (F32(1.0) / slot_steps))
        spread_tokens = (cycle_prompt_tokens * (F32(1.0) / slot_steps))
        chunk_tokens = py_min(spare_tokens, py_max(spread_tokens, py_min(input_tokens, max_batched_tokens)))
        spread_over_slot = (chunk_tokens <= spread_tokens)
        chunk_steps = slot_steps
        chunk_steps_2 = py_min((cycle_prompt_tokens * (F32(1.0) / chunk_tokens)), slot_steps)
        chunk_steps_3 = (chunk_steps if spread_over_slot else chunk_steps_2)
        decoding_share = (chunk_decode_tokens * (F32(1.0) / decode_tokens))
        lean_tokens = (chunk_decode_tokens * (F32(1.0) / pipeline_microbatches))
        lean_linear_flops = linear_flops_per_device_f32(lean_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        lean_attention_flops = attention_flops_per_device_f32(((decode_attention_flops_per_pair_3 * cached_context) * lean_tokens), attention_groups_3, attention_tp, stages)
        lean_weight_bytes = pass_weight_bytes_per_device_f32(lean_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        lean_kv_bytes = ((kv_bytes_per_device * decoding_share) * (F32(1.0) / pipeline_microbatches))
        lean_stage_s = ((((kernels_s_f32(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s) + (lean_tokens * comm_s_per_token)) + comm_latency_s) + (step_overhead_s * (F32(1.0) / stages))) + pipeline_send_s_f32(lean_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        lean_step_s = (stage_slots * lean_stage_s)
        chunk_pass_tokens = (chunk_tokens * (F32(1.0) / pipeline_microbatches))
        chunk_linear_flops = linear_flops_per_device_f32(chunk_pass_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        chunk_attention_flops = attention_flops_per_device_f32((((attention_flops_per_pair * prefill_pairs) * (F32(1.0) / input_tokens)) * chunk_pass_tokens), attention_groups_3, attention_tp, stages)
        chunk_weight_bytes = pass_weight_bytes_added_per_device_f32(lean_tokens, chunk_pass_tokens, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, tp, stages)
        chunk_stage_s = (((roofline_added_s_f32(lean_linear_flops, chunk_linear_flops, lean_weight_bytes, chunk_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + roofline_added_s_f32(lean_attention_flops, chunk_attention_flops, lean_kv_bytes, F32(0.0), achieved_flops_per_device, achieved_bytes_per_s)) + (chunk_pass_tokens * comm_s_per_token)) + pipeline_send_s_f32(chunk_pass_tokens, d_model, tp, stages, p2p_bytes_per_s_3, F32(0.0)))
        chunk_step_s = (stage_slots * chunk_stage_s)
        full_linear_flops = (lean_linear_flops + chunk_linear_flops)
        full_attention_flops = (lean_attention_flops + chunk_attention_flops)
        full_weight_bytes = (lean_weight_bytes + chunk_weight_bytes)
        full_kv_bytes = lean_kv_bytes
        full_step_s = (lean_step_s + chunk_step_s)
        prompt_kv_bytes_per_device = (((kv_bytes_per_token * windowed_context_f32(input_tokens, sliding_window, sliding_window_layers)) * (F32(1.0) / kv_shards_3)) * (F32(1.0) / stages))
        kv_transfer_s = ((prompt_kv_bytes_per_device * (F32(1.0) / scaleout_bytes_per_s)) + link_latency_s)
        kv_transfer_s_2 = F32(0.0)
        kv_transfer_s_3 = (kv_transfer_s if (scaleout_gbps > F32(0.0)) else kv_transfer_s_2)
        waiting_steps = py_max(prompt_steps, (budget_steps - output_tokens))
        chunk_steps_after_first = (output_tokens if spread_over_slot else py_max((chunk_steps_3 - waiting_steps), F32(0.0)))
        transfer_hold_s = (kv_transfer_s_3 * (F32(1.0) / attention_groups_3))
        pool_hold_s = py_max(prefill_stall_s, transfer_hold_s)
        cycle_s = py_max((output_tokens * decode_step_s), (resident * transfer_hold_s))
        ttft_s = (prefill_s + kv_transfer_s_3)
        prefill_instances = ((resident * pool_hold_s) * (F32(1.0) / cycle_s))
        generation_s = (output_tokens * decode_step_s)
        e2e_s = (ttft_s + generation_s)
        cycle_s_2 = ((slot_steps * lean_step_s) + (chunk_steps_3 * chunk_step_s))
        ttft_s_2 = ((waiting_steps * lean_step_s) + (py_min(waiting_steps, chunk_steps_3) * chunk_step_s))
        generation_s_2 = ((output_tokens * lean_step_s) + (chunk_steps_after_first * chunk_step_s))
        prefill_instances_2 = F32(0.0)
        e2e_s_2 = cycle_s_2
        cycle_s_3 = py_max(((output_tokens * decode_step_s) + (resident * prefill_stall_s)), (prefill_s + (output_tokens * decode_step_s)))
        ttft_s_3 = prefill_s
        generation_s_3 = ((output_tokens * decode_step_s) + py_max(((resident * prefill_stall_s) - prefill_s), F32(0.0)))
        prefill_instances_3 = F32(0.0)
        e2e_s_3 = cycle_s_3
        cycle_s_4 = (cycle_s_2 if (chunked_prefill > F32(0.0)) else cycle_s_3)
        ttft_s_4 = (ttft_s_2 if (chunked_prefill > F32(0.0)) else ttft_s_3)
        generation_s_4 = (generation_s_2 if (chunked_prefill > F32(0.0)) else generation_s_3)
        prefill_instances_4 = (prefill_instances_2 if (chunked_prefill > F32(0.0)) else prefill_instances_3)
        e2e_s_4 = (e2e_s_2 if (chunked_prefill > F32(0.0)) else e2e_s_3)
        cycle_s_5 = (cycle_s if (disaggregated > F32(0.0)) else cycle_s_4)
        ttft_s_5 = (ttft_s if (disaggregated > F32(0.0)) else ttft_s_4)
        prefill_instances_5 = (prefill_instances if (disaggregated > F32(0.0)) else prefill_instances_4)
        generation_s_5 = (generation_s if (disaggregated > F32(0.0)) else generation_s_4)
        e2e_s_5 = (e2e_s if (disaggregated > F32(0.0)) else e2e_s_4)
        tokens_per_cycle = (resident * output_tokens)
        tokens_per_s = (tokens_per_cycle * (F32(1.0) / cycle_s_5))
        tpot_s = (generation_s_5 * (F32(1.0) / output_tokens))
        devices_per_device = (F32(1.0) + prefill_instances_5)
        decode_activity = ((pipeline_microbatches * kernels_s_f32(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, peak_flops, memory_bytes_per_s)) * (F32(1.0) / decode_step_s))
        prefill_activity = (kernels_s_f32(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, F32(0.0), peak_flops, memory_bytes_per_s) * (F32(1.0) / prefill_stage_s))
        full_activity = ((pipeline_microbatches * kernels_s_f32(full_linear_flops, full_weight_bytes, full_attention_flops, full_kv_bytes, peak_flops, memory_bytes_per_s)) * (F32(1.0) / full_step_s))
        lean_activity = ((pipeline_microbatches * kernels_s_f32(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, peak_flops, memory_bytes_per_s)) * (F32(1.0) / lean_step_s))
        waiting_s = py_max((prefill_s - (resident * prefill_stall_s)), F32(0.0))
        device_joules = (((((device_power_w_f32(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + (idle_w * (cycle_s_5 - (output_tokens * decode_step_s)))) + (host_w * cycle_s_5)) + (resident * (((device_power_w_f32(idle_w, tdp_w, prefill_activity, power_exponent) * prefill_stall_s) + (idle_w * (pool_hold_s - prefill_stall_s))) + (host_w * pool_hold_s))))
        device_joules_2 = ((((device_power_w_f32(idle_w, tdp_w, full_activity, power_exponent) * chunk_steps_3) * full_step_s) + ((device_power_w_f32(idle_w, tdp_w, lean_activity, power_exponent) * (slot_steps - chunk_steps_3)) * lean_step_s)) + (host_w * cycle_s_5))
        device_joules_3 = (((((device_power_w_f32(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + ((device_power_w_f32(idle_w, tdp_w, prefill_activity, power_exponent) * resident) * prefill_stall_s)) + (idle_w * waiting_s)) + (host_w * cycle_s_5))
        device_joules_4 = (device_joules_2 if (chunked_prefill > F32(0.0)) else device_joules_3)
        device_joules_5 = (device_joules if (disaggregated > F32(0.0)) else device_joules_4)
        idle_s = ((cycle_s_5 * (F32(1.0) - utilization)) * (F32(1.0) / utilization))
        device_joules_6 = (device_joules_5 + (((idle_w + host_w) * idle_s) * devices_per_device))
        facility_joules = ((devices * device_joules_6) * pue)
        joules_per_token = (facility_joules * (F32(1.0) / tokens_per_cycle))
        kwh_per_cycle = (facility_joules * (F32(1.0) / F32(JOULES_PER_KWH)))
        power_w_per_device = ((facility_joules * (F32(1.0) / (devices * devices_per_device))) * (F32(1.0) / (cycle_s_5 + idle_s)))
        lost_share = ((interruptions_per_hour * restart_s) * (F32(1.0) / F32(SECONDS_PER_HOUR)))
        paid_hours_per_hour = (F32(1.0) / (F32(1.0) - lost_share))
        device_hours = ((((devices * devices_per_device) * (cycle_s_5 + idle_s)) * (F32(1.0) / F32(SECONDS_PER_HOUR))) * paid_hours_per_hour)
        discount = pow_f32((F32(1.0) + cost_of_capital), (-lifetime_years))
        capital_usd_per_hour = ((((purchase_usd - ((residual_fraction * purchase_usd) * discount)) * cost_of_capital) * (F32(1.0) / (F32(1.0) - discount))) * (F32(1.0) / F32(HOURS_PER_YEAR)))
        capital_usd_per_hour_2 = ((purchase_usd - (residual_fraction * purchase_usd)) * (F32(1.0) / (lifetime_years * F32(HOURS_PER_YEAR))))
        capital_usd_per_hour_3 = (capital_usd_per_hour if (cost_of_capital > F32(0.0)) else capital_usd_per_hour_2)
        colocation_usd_per_hour = (((colocation_usd_per_kw_month * provisioned_kw) * F32(MONTHS_PER_YEAR)) * (F32(1.0) / F32(HOURS_PER_YEAR)))
        usd_per_device_hour_all_in = (((usd_per_device_hour + capital_usd_per_hour_3) + hosting_usd_per_device_hour) + colocation_usd_per_hour)
        usd_per_cycle = ((device_hours * usd_per_device_hour_all_in) + (kwh_per_cycle * usd_per_kwh))
        usd_per_mtok = ((usd_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        usd_per_mtok_per_usd = (F32(TOKENS_PER_MTOK) * (F32(1.0) / tokens_per_cycle))
        rental_usd_per_mtok = ((device_hours * usd_per_device_hour) * usd_per_mtok_per_usd)
        capital_usd_per_mtok = ((device_hours * capital_usd_per_hour_3) * usd_per_mtok_per_usd)
        hosting_usd_per_mtok = ((device_hours * (hosting_usd_per_device_hour + colocation_usd_per_hour)) * usd_per_mtok_per_usd)
        energy_usd_per_mtok = ((kwh_per_cycle * usd_per_kwh) * usd_per_mtok_per_usd)
        prefill_share = (prefill_instances_5 * (F32(1.0) / devices_per_device))
        decode_share = (F32(1.0) / devices_per_device)
        prefill_share_2 = ((chunk_steps_3 * chunk_step_s) * (F32(1.0) / cycle_s_5))
        decode_share_2 = ((slot_steps * lean_step_s) * (F32(1.0) / cycle_s_5))
        prefill_share_3 = ((resident * prefill_stall_s) * (F32(1.0) / cycle_s_5))
        decode_share_3 = (((output_tokens * decode_step_s) + waiting_s) * (F32(1.0) / cycle_s_5))
        prefill_share_4 = (prefill_share_2 if (chunked_prefill > F32(0.0)) else prefill_share_3)
        decode_share_4 = (decode_share_2 if (chunked_prefill > F32(0.0)) else decode_share_3)
        prefill_share_5 = (prefill_share if (disaggregated > F32(0.0)) else prefill_share_4)
        decode_share_5 = (decode_share if (disaggregated > F32(0.0)) else decode_share_4)
        usd_per_mtok_input = (((usd_per_cycle * prefill_share_5) * (F32(1.0) / (resident * input_tokens))) * F32(TOKENS_PER_MTOK))
        usd_per_mtok_output = (((usd_per_cycle * decode_share_5) * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        operational_g = (kwh_per_cycle * grid_gco2_per_kwh)
        embodied_g = (((embodied_kgco2 * F32(GRAMS_PER_KG)) * device_hours) * (F32(1.0) / (lifetime_years * F32(HOURS_PER_YEAR))))
        gco2_per_mtok = (((operational_g + embodied_g) * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        it_kwh_per_cycle = ((devices * device_joules_6) * (F32(1.0) / F32(JOULES_PER_KWH)))
        water_l_per_mtok = (((it_kwh_per_cycle * wue_l_per_kwh) * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        usd_per_request = (((usd_per_mtok * output_tokens) * attempts) * (F32(1.0) / F32(TOKENS_PER_MTOK)))
        usd_per_success = (usd_per_request * (F32(1.0) / p_success))
        net_value_usd_per_request = (((p_success * value_usd_per_success) - ((F32(1.0) - p_success) * cost_usd_per_failure)) - usd_per_request)
        meets_targets = ((ttft_s_5 <= ttft_slo_s) & (tpot_s <= tpot_slo_s))
        non_finite_residue = ((((((((((((((((((((((((((((resident - resident) + (max_batch - max_batch)) + (ttft_s_5 - ttft_s_5)) + (tpot_s - tpot_s)) + (e2e_s_5 - e2e_s_5)) + (tokens_per_s - tokens_per_s)) + ((tokens_per_s * (F32(1.0) / (devices * devices_per_device))) - (tokens_per_s * (F32(1.0) / (devices * devices_per_device))))) + (usd_per_mtok - usd_per_mtok)) + (usd_per_mtok_input - usd_per_mtok_input)) + (usd_per_mtok_output - usd_per_mtok_output)) + (joules_per_token - joules_per_token)) + (((kwh_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK)) - ((kwh_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK)))) + (gco2_per_mtok - gco2_per_mtok)) + (water_l_per_mtok - water_l_per_mtok)) + (power_w_per_device - power_w_per_device)) + ((weight_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))) - (weight_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))))) + ((kv_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))) - (kv_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))))) + (used_fraction - used_fraction)) + (prefill_s - prefill_s)) + (decode_step_s - decode_step_s)) + ((F32(1.0) if (compute_bound_s > (memory_bound_s * (F32(1.0) + F32(ROOFLINE_TIE)))) else F32(0.0)) - (F32(1.0) if (compute_bound_s > (memory_bound_s * (F32(1.0) + F32(ROOFLINE_TIE)))) else F32(0.0)))) + (rental_usd_per_mtok - rental_usd_per_mtok)) + (capital_usd_per_mtok - capital_usd_per_mtok)) + (hosting_usd_per_mtok - hosting_usd_per_mtok)) + (energy_usd_per_mtok - energy_usd_per_mtok)) + (usd_per_request - usd_per_request)) + (usd_per_success - usd_per_success)) + (net_value_usd_per_request - net_value_usd_per_request))
        metrics_finite = (non_finite_residue == F32(0.0))
        ran = (((F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY)) == F32(STATUS_OK)) | ((F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY)) == F32(STATUS_LATENCY)))
        w[(N_INPUTS + O_STATUS) * ROW + j] = ((((F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY)) if metrics_finite else F32(STATUS_NON_FINITE)) if ran else (F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY))) if fits else F32(STATUS_MEMORY))
        w[(N_INPUTS + O_BATCH) * ROW + j] = resident
        w[(N_INPUTS + O_MAX_BATCH) * ROW + j] = max_batch
        w[(N_INPUTS + O_TTFT_S) * ROW + j] = (ttft_s_5 if fits else F32(np.nan))
        w[(N_INPUTS + O_TPOT_S) * ROW + j] = (tpot_s if fits else F32(np.nan))
        w[(N_INPUTS + O_E2E_S) * ROW + j] = (e2e_s_5 if fits else F32(np.nan))
        w[(N_INPUTS + O_TOKENS_PER_S) * ROW + j] = (tokens_per_s if fits else F32(np.nan))
        w[(N_INPUTS + O_TOKENS_PER_S_PER_DEVICE) * ROW + j] = ((tokens_per_s * (F32(1.0) / (devices * devices_per_device))) if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_MTOK) * ROW + j] = (usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_MTOK_INPUT) * ROW + j] = (usd_per_mtok_input if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_MTOK_OUTPUT) * ROW + j] = (usd_per_mtok_output if fits else F32(np.nan))
        w[(N_INPUTS + O_JOULES_PER_TOKEN) * ROW + j] = (joules_per_token if fits else F32(np.nan))
        w[(N_INPUTS + O_KWH_PER_MTOK) * ROW + j] = (((kwh_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK)) if fits else F32(np.nan))
        w[(N_INPUTS + O_GCO2_PER_MTOK) * ROW + j] = (gco2_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_WATER_L_PER_MTOK) * ROW + j] = (water_l_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_POWER_W_PER_DEVICE) * ROW + j] = (power_w_per_device if fits else F32(np.nan))
        w[(N_INPUTS + O_WEIGHT_GB_PER_DEVICE) * ROW + j] = (weight_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB)))
        w[(N_INPUTS + O_KV_GB_PER_DEVICE) * ROW + j] = (kv_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB)))
        w[(N_INPUTS + O_MEMORY_USED_FRACTION) * ROW + j] = used_fraction
        w[(N_INPUTS + O_PREFILL_S) * ROW + j] = (prefill_s if fits else F32(np.nan))
        w[(N_INPUTS + O_DECODE_STEP_S) * ROW + j] = (decode_step_s if fits else F32(np.nan))
        w[(N_INPUTS + O_DECODE_COMPUTE_BOUND) * ROW + j] = ((F32(1.0) if (compute_bound_s > (memory_bound_s * (F32(1.0) + F32(ROOFLINE_TIE)))) else F32(0.0)) if fits else F32(np.nan))
        w[(N_INPUTS + O_RENTAL_USD_PER_MTOK) * ROW + j] = (rental_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_CAPITAL_USD_PER_MTOK) * ROW + j] = (capital_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_HOSTING_USD_PER_MTOK) * ROW + j] = (hosting_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_ENERGY_USD_PER_MTOK) * ROW + j] = (energy_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_REQUEST) * ROW + j] = (usd_per_request if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_SUCCESS) * ROW + j] = (usd_per_success if fits else F32(np.nan))
        w[(N_INPUTS + O_NET_VALUE_USD_PER_REQUEST) * ROW + j] = (net_value_usd_per_request if fits else F32(np.nan))


# The loop runs the full block with constant row offsets into one array, which lets LLVM prove
# the rows do not overlap and vectorise it; lanes past the samples in use compute on stale
# inputs and are ignored. The inputs of registry.PLAIN_LAYOUT are constants here.
@_jit
def evaluate_block_plain_f32(w):
    """reference.evaluate over every lane of the workspace ``w`` (see workspace())."""
    prefer_wide_vectors()
    for j in range(BLOCK):
        total_params_b = w[I_TOTAL_PARAMS_B * ROW + j]
        active_params_b = w[I_ACTIVE_PARAMS_B * ROW + j]
        n_layers = w[I_N_LAYERS * ROW + j]
        d_model = w[I_D_MODEL * ROW + j]
        n_heads = w[I_N_HEADS * ROW + j]
        n_kv_heads = w[I_N_KV_HEADS * ROW + j]
        head_dim = w[I_HEAD_DIM * ROW + j]
        v_head_dim = w[I_V_HEAD_DIM * ROW + j]
        d_ff = w[I_D_FF * ROW + j]
        n_experts = w[I_N_EXPERTS * ROW + j]
        experts_per_token = w[I_EXPERTS_PER_TOKEN * ROW + j]
        kv_lora_rank = w[I_KV_LORA_RANK * ROW + j]
        rope_head_dim = w[I_ROPE_HEAD_DIM * ROW + j]
        sliding_window = w[I_SLIDING_WINDOW * ROW + j]
        sliding_window_layers = w[I_SLIDING_WINDOW_LAYERS * ROW + j]
        count = w[I_COUNT * ROW + j]
        memory_gb = w[I_MEMORY_GB * ROW + j]
        memory_bw_gbps = w[I_MEMORY_BW_GBPS * ROW + j]
        tflops_fp32 = w[I_TFLOPS_FP32 * ROW + j]
        tflops_16 = w[I_TFLOPS_16 * ROW + j]
        tflops_8 = w[I_TFLOPS_8 * ROW + j]
        tflops_4 = w[I_TFLOPS_4 * ROW + j]
        tdp_w = w[I_TDP_W * ROW + j]
        idle_w = w[I_IDLE_W * ROW + j]
        interconnect_gbps = w[I_INTERCONNECT_GBPS * ROW + j]
        link_latency_us = w[I_LINK_LATENCY_US * ROW + j]
        weight_bits = w[I_WEIGHT_BITS * ROW + j]
        activation_bits = w[I_ACTIVATION_BITS * ROW + j]
        kv_bits = w[I_KV_BITS * ROW + j]
        batch = w[I_BATCH * ROW + j]
        input_tokens = w[I_INPUT_TOKENS * ROW + j]
        output_tokens = w[I_OUTPUT_TOKENS * ROW + j]
        ttft_slo_s = w[I_TTFT_SLO_S * ROW + j]
        tpot_slo_s = w[I_TPOT_SLO_S * ROW + j]
        mfu = w[I_MFU * ROW + j]
        mbu = w[I_MBU * ROW + j]
        comm_efficiency = w[I_COMM_EFFICIENCY * ROW + j]
        step_overhead_ms = w[I_STEP_OVERHEAD_MS * ROW + j]
        memory_usable_fraction = w[I_MEMORY_USABLE_FRACTION * ROW + j]
        pue = w[I_PUE * ROW + j]
        host_w = w[I_HOST_W * ROW + j]
        grid_gco2_per_kwh = w[I_GRID_GCO2_PER_KWH * ROW + j]
        embodied_kgco2 = w[I_EMBODIED_KGCO2 * ROW + j]
        wue_l_per_kwh = w[I_WUE_L_PER_KWH * ROW + j]
        usd_per_device_hour = w[I_USD_PER_DEVICE_HOUR * ROW + j]
        purchase_usd = w[I_PURCHASE_USD * ROW + j]
        hosting_usd_per_device_hour = w[I_HOSTING_USD_PER_DEVICE_HOUR * ROW + j]
        usd_per_kwh = w[I_USD_PER_KWH * ROW + j]
        utilization = w[I_UTILIZATION * ROW + j]
        lifetime_years = w[I_LIFETIME_YEARS * ROW + j]
        power_exponent = w[I_POWER_EXPONENT * ROW + j]
        beams = w[I_BEAMS * ROW + j]
        cost_of_capital = w[I_COST_OF_CAPITAL * ROW + j]
        residual_fraction = w[I_RESIDUAL_FRACTION * ROW + j]
        colocation_usd_per_kw_month = w[I_COLOCATION_USD_PER_KW_MONTH * ROW + j]
        provisioned_kw = w[I_PROVISIONED_KW * ROW + j]
        interruptions_per_hour = w[I_INTERRUPTIONS_PER_HOUR * ROW + j]
        restart_s = w[I_RESTART_S * ROW + j]
        p_success = w[I_P_SUCCESS * ROW + j]
        value_usd_per_success = w[I_VALUE_USD_PER_SUCCESS * ROW + j]
        cost_usd_per_failure = w[I_COST_USD_PER_FAILURE * ROW + j]
        attempts = w[I_ATTEMPTS * ROW + j]
        pp = F32(1.0)
        microbatches = F32(0.0)
        expert_parallel = F32(0.0)
        attention_dp = F32(0.0)
        expert_imbalance = w[I_EXPERT_IMBALANCE * ROW + j]
        scaleup_devices = F32(0.0)
        scaleout_gbps = w[I_SCALEOUT_GBPS * ROW + j]
        chunked_prefill = F32(0.0)
        max_batched_tokens = w[I_MAX_BATCHED_TOKENS * ROW + j]
        disaggregated = F32(0.0)
        total_params = (total_params_b * F32(PARAMS_PER_BILLION))
        active_params = (active_params_b * F32(PARAMS_PER_BILLION))
        devices = count
        memory_bytes = (memory_gb * F32(BYTES_PER_GB))
        memory_bytes_per_s = (memory_bw_gbps * F32(BYTES_PER_GB))
        link_bytes_per_s = ((interconnect_gbps * F32(BYTES_PER_GB)) * comm_efficiency)
        scaleout_bytes_per_s = ((scaleout_gbps * F32(BYTES_PER_GB)) * comm_efficiency)
        link_latency_s = (link_latency_us * F32(SECONDS_PER_US))
        peak_flops = (peak_tflops_f32(activation_bits, tflops_fp32, tflops_16, tflops_8, tflops_4) * F32(FLOPS_PER_TFLOPS))
        cache_tflops = tflops_fp32
        cache_tflops_2 = tflops_16
        cache_tflops_3 = tflops_8
        cache_tflops_4 = tflops_4
        cache_tflops_5 = (cache_tflops_3 if (kv_bits > F32(4.0)) else cache_tflops_4)
        cache_tflops_6 = (cache_tflops_2 if (kv_bits > F32(8.0)) else cache_tflops_5)
        cache_tflops_7 = (cache_tflops if (kv_bits > F32(16.0)) else cache_tflops_6)
        attention_peak_flops = (cache_tflops_7 * F32(FLOPS_PER_TFLOPS))
        attention_peak_flops_2 = peak_flops
        attention_peak_flops_3 = (attention_peak_flops if (kv_bits > activation_bits) else attention_peak_flops_2)
        attention_rate_ratio = (peak_flops * (F32(1.0) / attention_peak_flops_3))
        attention_rate_ratio_2 = F32(1.0)
        attention_rate_ratio_3 = (attention_rate_ratio if (attention_peak_flops_3 > F32(0.0)) else attention_rate_ratio_2)
        achieved_flops_per_device = (peak_flops * mfu)
        achieved_bytes_per_s = (memory_bytes_per_s * mbu)
        step_overhead_s = (step_overhead_ms * F32(SECONDS_PER_MS))
        weight_bytes_per_param = (weight_bits / F32(BITS_PER_BYTE))
        activation_bytes = (activation_bits / F32(BITS_PER_BYTE))
        stages = pp
        tp = (devices / stages)
        attention_groups = tp
        attention_groups_2 = F32(1.0)
        attention_groups_3 = (attention_groups if (attention_dp > F32(0.0)) else attention_groups_2)
        attention_tp = (tp / attention_groups_3)
        domain = devices
        domain_2 = scaleup_devices
        domain_3 = (domain if (scaleup_devices == F32(WHOLE_REPLICA_DOMAIN)) else domain_2)
        p2p_bytes_per_s = py_min(link_bytes_per_s, scaleout_bytes_per_s)
        p2p_bytes_per_s_2 = link_bytes_per_s
        p2p_bytes_per_s_3 = (p2p_bytes_per_s if (devices > domain_3) else p2p_bytes_per_s_2)
        expert_params = ((total_params - active_params) / (n_experts - experts_per_token))
        expert_miss_log = log1p_f32(((-experts_per_token) * (F32(1.0) / n_experts)))
        expert_params_2 = F32(0.0)
        expert_miss_log_2 = F32(EXPERT_MISS_LOG_ALL)
        expert_params_3 = (expert_params if (n_experts > experts_per_token) else expert_params_2)
        expert_miss_log_3 = (expert_miss_log if (n_experts > experts_per_token) else expert_miss_log_2)
        dense_params = (total_params - (n_experts * expert_params_3))
        dense_active_params = (active_params - (experts_per_token * expert_params_3))
        mlp_layout = (F32(MLP_SLICED_EXPERTS) + expert_parallel)
        mlp_layout_2 = F32(MLP_DENSE)
        mlp_layout_3 = (mlp_layout if (n_experts > experts_per_token) else mlp_layout_2)
        expert_load = expert_imbalance
        expert_load_2 = F32(1.0)
        expert_load_3 = (expert_load if (expert_parallel > F32(0.0)) else expert_load_2)
        weight_bytes_per_device = ((((dense_params / attention_tp) + ((n_experts * expert_params_3) / tp)) * weight_bytes_per_param) / stages)
        kv_values_per_token_layer = (kv_lora_rank + rope_head_dim)
        kv_shards = F32(1.0)
        kv_values_per_token_layer_2 = (n_kv_heads * (head_dim + v_head_dim))
        kv_shards_2 = py_min(attention_tp, n_kv_heads)
        kv_values_per_token_layer_3 = (kv_values_per_token_layer if (kv_lora_rank > F32(0.0)) else kv_values_per_token_layer_2)
        kv_shards_3 = (kv_shards if (kv_lora_rank > F32(0.0)) else kv_shards_2)
        kv_bytes_per_token = (((n_layers * kv_values_per_token_layer_3) * kv_bits) / F32(BITS_PER_BYTE))
        mean_context = (input_tokens + (F32(0.5) * output_tokens))
        cached_context = windowed_context_f32(mean_context, sliding_window, sliding_window_layers)
        generated_context = windowed_context_f32((F32(0.5) * output_tokens), sliding_window, sliding_window_layers)
        stored_context = (cached_context + ((beams - F32(1.0)) * generated_context))
        kv_bytes_per_sequence_per_device = (((kv_bytes_per_token * stored_context) / kv_shards_3) / stages)
        workspace_tokens = max_batched_tokens
        workspace_tokens_2 = input_tokens
        workspace_tokens_3 = (workspace_tokens if (chunked_prefill > F32(0.0)) else workspace_tokens_2)
        ffn_split = attention_tp
        ffn_split_2 = tp
        ffn_split_3 = (ffn_split if (mlp_layout_3 == F32(MLP_DENSE)) else ffn_split_2)
        workspace_bytes = ((workspace_tokens_3 * ((F32(WORKSPACE_HIDDEN_COPIES) * d_model) + ((F32(WORKSPACE_FFN_COPIES) * d_ff) / ffn_split_3))) * activation_bytes)
        free_bytes = (((memory_usable_fraction * memory_bytes) - weight_bytes_per_device) - workspace_bytes)
        max_batch = (py_max(np.floor((free_bytes / kv_bytes_per_sequence_per_device)), F32(0.0)) * attention_groups_3)
        resident = (max_batch if (batch == F32(BATCH_MAX)) else batch)
        kv_bytes_per_device = ((resident * (F32(1.0) / attention_groups_3)) * kv_bytes_per_sequence_per_device)
        used_fraction = (((weight_bytes_per_device + workspace_bytes) + kv_bytes_per_device) * (F32(1.0) / memory_bytes))
        fits = ((resident >= F32(1.0)) & (resident <= max_batch))
        attention_flops_per_pair = ((((F32(FLOPS_PER_MAC) * n_heads) * (head_dim + v_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair = ((((F32(FLOPS_PER_MAC) * n_heads) * ((F32(2.0) * kv_lora_rank) + rope_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair_2 = attention_flops_per_pair
        decode_attention_flops_per_pair_3 = (decode_attention_flops_per_pair if (kv_lora_rank > F32(0.0)) else decode_attention_flops_per_pair_2)
        comm_s_per_token = pass_comm_s_f32(F32(1.0), d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, F32(0.0))
        comm_latency_s = pass_comm_s_f32(F32(0.0), d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s)
        prefill_tokens = (input_tokens * attention_groups_3)
        prefill_pairs = causal_attention_pairs_f32(input_tokens, sliding_window, sliding_window_layers)
        prefill_linear_flops = linear_flops_per_device_f32(prefill_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        prefill_attention_flops = attention_flops_per_device_f32(((attention_flops_per_pair * prefill_pairs) * attention_groups_3), attention_groups_3, attention_tp, stages)
        prefill_weight_bytes = pass_weight_bytes_per_device_f32(prefill_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        prefill_comm_s = ((prefill_tokens * comm_s_per_token) + comm_latency_s)
        prefill_stage_s = (((kernels_s_f32(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, F32(0.0), achieved_flops_per_device, achieved_bytes_per_s) + prefill_comm_s) + (step_overhead_s * (F32(1.0) / stages))) + pipeline_send_s_f32(prefill_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        prefill_s = (stages * prefill_stage_s)
        prefill_stall_s = (prefill_stage_s * (F32(1.0) / attention_groups_3))
        decode_tokens = (resident * beams)
        asked_microbatches = stages
        asked_microbatches_2 = microbatches
        asked_microbatches_3 = (asked_microbatches if (microbatches == F32(MICROBATCHES_AS_STAGES)) else asked_microbatches_2)
        pipeline_microbatches = py_max(py_min(asked_microbatches_3, decode_tokens), F32(1.0))
        stage_slots = py_max(pipeline_microbatches, stages)
        microbatch_tokens = (decode_tokens * (F32(1.0) / pipeline_microbatches))
        decode_linear_flops = linear_flops_per_device_f32(microbatch_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        decode_attention_flops = attention_flops_per_device_f32(((decode_attention_flops_per_pair_3 * cached_context) * microbatch_tokens), attention_groups_3, attention_tp, stages)
        decode_weight_bytes = pass_weight_bytes_per_device_f32(microbatch_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        decode_kv_bytes = (kv_bytes_per_device * (F32(1.0) / pipeline_microbatches))
        compute_bound_s = (compute_bound_time_s_f32(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + compute_bound_time_s_f32(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_kernels_s = kernels_s_f32(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s)
        memory_bound_s = (memory_bound_time_s_f32(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + memory_bound_time_s_f32(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_comm_s = ((microbatch_tokens * comm_s_per_token) + comm_latency_s)
        decode_stage_s = (((decode_kernels_s + decode_comm_s) + (step_overhead_s * (F32(1.0) / stages))) + pipeline_send_s_f32(microbatch_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        decode_step_s = (stage_slots * decode_stage_s)
        step_budget = ((max_batched_tokens * pipeline_microbatches) * attention_groups_3)
        prompt_steps = py_max((-np.floor(((-input_tokens) / max_batched_tokens))), F32(1.0))
        budget_steps = ((resident * ((beams * output_tokens) + input_tokens)) * (F32(1.0) / step_budget))
        slot_steps = py_max((output_tokens + prompt_steps), budget_steps)
        chunk_decode_tokens = ((decode_tokens * output_tokens) * (F32(1.0) / slot_steps))
        cycle_prompt_tokens = (resident * input_tokens)
        spare_tokens = (py_max(((step_budget * (output_tokens + prompt_steps)) - (decode_tokens * output_tokens)), cycle_prompt_tokens) * (F32(1.0) / slot_steps))
        spread_tokens = (cycle_prompt_tokens * (F32(1.0) / slot_steps))
        chunk_tokens = py_min(spare_tokens, py_max(spread_tokens, py_min(input_tokens, max_batched_tokens)))
        spread_over_slot = (chunk_tokens <= spread_tokens)
        chunk_steps = slot_steps
        chunk_steps_2 = py_min((cycle_prompt_tokens * (F32(1.0) / chunk_tokens)), slot_steps)
        chunk_steps_3 = (chunk_steps if spread_over_slot else chunk_steps_2)
        decoding_share = (chunk_decode_tokens * (F32(1.0) / decode_tokens))
        lean_tokens = (chunk_decode_tokens * (F32(1.0) / pipeline_microbatches))
        lean_linear_flops = linear_flops_per_device_f32(lean_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        lean_attention_flops = attention_flops_per_device_f32(((decode_attention_flops_per_pair_3 * cached_context) * lean_tokens), attention_groups_3, attention_tp, stages)
        lean_weight_bytes = pass_weight_bytes_per_device_f32(lean_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        lean_kv_bytes = ((kv_bytes_per_device * decoding_share) * (F32(1.0) / pipeline_microbatches))
        lean_stage_s = ((((kernels_s_f32(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s) + (lean_tokens * comm_s_per_token)) + comm_latency_s) + (step_overhead_s * (F32(1.0) / stages))) + pipeline_send_s_f32(lean_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        lean_step_s = (stage_slots * lean_stage_s)
        chunk_pass_tokens = (chunk_tokens * (F32(1.0) / pipeline_microbatches))
        chunk_linear_flops = linear_flops_per_device_f32(chunk_pass_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        chunk_attention_flops = attention_flops_per_device_f32((((attention_flops_per_pair * prefill_pairs) * (F32(1.0) / input_tokens)) * chunk_pass_tokens), attention_groups_3, attention_tp, stages)
        chunk_weight_bytes = pass_weight_bytes_added_per_device_f32(lean_tokens, chunk_pass_tokens, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, tp, stages)
        chunk_stage_s = (((roofline_added_s_f32(lean_linear_flops, chunk_linear_flops, lean_weight_bytes, chunk_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + roofline_added_s_f32(lean_attention_flops, chunk_attention_flops, lean_kv_bytes, F32(0.0), achieved_flops_per_device, achieved_bytes_per_s)) + (chunk_pass_tokens * comm_s_per_token)) + pipeline_send_s_f32(chunk_pass_tokens, d_model, tp, stages, p2p_bytes_per_s_3, F32(0.0)))
        chunk_step_s = (stage_slots * chunk_stage_s)
        full_linear_flops = (lean_linear_flops + chunk_linear_flops)
        full_attention_flops = (lean_attention_flops + chunk_attention_flops)
        full_weight_bytes = (lean_weight_bytes + chunk_weight_bytes)
        full_kv_bytes = lean_kv_bytes
        full_step_s = (lean_step_s + chunk_step_s)
        prompt_kv_bytes_per_device = (((kv_bytes_per_token * windowed_context_f32(input_tokens, sliding_window, sliding_window_layers)) * (F32(1.0) / kv_shards_3)) * (F32(1.0) / stages))
        kv_transfer_s = ((prompt_kv_bytes_per_device * (F32(1.0) / scaleout_bytes_per_s)) + link_latency_s)
        kv_transfer_s_2 = F32(0.0)
        kv_transfer_s_3 = (kv_transfer_s if (scaleout_gbps > F32(0.0)) else kv_transfer_s_2)
        waiting_steps = py_max(prompt_steps, (budget_steps - output_tokens))
        chunk_steps_after_first = (output_tokens if spread_over_slot else py_max((chunk_steps_3 - waiting_steps), F32(0.0)))
        transfer_hold_s = (kv_transfer_s_3 * (F32(1.0) / attention_groups_3))
        pool_hold_s = py_max(prefill_stall_s, transfer_hold_s)
        cycle_s = py_max((output_tokens * decode_step_s), (resident * transfer_hold_s))
        ttft_s = (prefill_s + kv_transfer_s_3)
        prefill_instances = ((resident * pool_hold_s) * (F32(1.0) / cycle_s))
        generation_s = (output_tokens * decode_step_s)
        e2e_s = (ttft_s + generation_s)
        cycle_s_2 = ((slot_steps * lean_step_s) + (chunk_steps_3 * chunk_step_s))
        ttft_s_2 = ((waiting_steps * lean_step_s) + (py_min(waiting_steps, chunk_steps_3) * chunk_step_s))
        generation_s_2 = ((output_tokens * lean_step_s) + (chunk_steps_after_first * chunk_step_s))
        prefill_instances_2 = F32(0.0)
        e2e_s_2 = cycle_s_2
        cycle_s_3 = py_max(((output_tokens * decode_step_s) + (resident * prefill_stall_s)), (prefill_s + (output_tokens * decode_step_s)))
        ttft_s_3 = prefill_s
        generation_s_3 = ((output_tokens * decode_step_s) + py_max(((resident * prefill_stall_s) - prefill_s), F32(0.0)))
        prefill_instances_3 = F32(0.0)
        e2e_s_3 = cycle_s_3
        cycle_s_4 = (cycle_s_2 if (chunked_prefill > F32(0.0)) else cycle_s_3)
        ttft_s_4 = (ttft_s_2 if (chunked_prefill > F32(0.0)) else ttft_s_3)
        generation_s_4 = (generation_s_2 if (chunked_prefill > F32(0.0)) else generation_s_3)
        prefill_instances_4 = (prefill_instances_2 if (chunked_prefill > F32(0.0)) else prefill_instances_3)
        e2e_s_4 = (e2e_s_2 if (chunked_prefill > F32(0.0)) else e2e_s_3)
        cycle_s_5 = (cycle_s if (disaggregated > F32(0.0)) else cycle_s_4)
        ttft_s_5 = (ttft_s if (disaggregated > F32(0.0)) else ttft_s_4)
        prefill_instances_5 = (prefill_instances if (disaggregated > F32(0.0)) else prefill_instances_4)
        generation_s_5 = (generation_s if (disaggregated > F32(0.0)) else generation_s_4)
        e2e_s_5 = (e2e_s if (disaggregated > F32(0.0)) else e2e_s_4)
        tokens_per_cycle = (resident * output_tokens)
        tokens_per_s = (tokens_per_cycle * (F32(1.0) / cycle_s_5))
        tpot_s = (generation_s_5 * (F32(1.0) / output_tokens))
        devices_per_device = (F32(1.0) + prefill_instances_5)
        decode_activity = ((pipeline_microbatches * kernels_s_f32(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, peak_flops, memory_bytes_per_s)) * (F32(1.0) / decode_step_s))
        prefill_activity = (kernels_s_f32(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, F32(0.0), peak_flops, memory_bytes_per_s) * (F32(1.0) / prefill_stage_s))
        full_activity = ((pipeline_microbatches * kernels_s_f32(full_linear_flops, full_weight_bytes, full_attention_flops, full_kv_bytes, peak_flops, memory_bytes_per_s)) * (F32(1.0) / full_step_s))
        lean_activity = ((pipeline_microbatches * kernels_s_f32(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, peak_flops, memory_bytes_per_s)) * (F32(1.0) / lean_step_s))
        waiting_s = py_max((prefill_s - (resident * prefill_stall_s)), F32(0.0))
        device_joules = (((((device_power_w_f32(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + (idle_w * (cycle_s_5 - (output_tokens * decode_step_s)))) + (host_w * cycle_s_5)) + (resident * (((device_power_w_f32(idle_w, tdp_w, prefill_activity, power_exponent) * prefill_stall_s) + (idle_w * (pool_hold_s - prefill_stall_s))) + (host_w * pool_hold_s))))
        device_joules_2 = ((((device_power_w_f32(idle_w, tdp_w, full_activity, power_exponent) * chunk_steps_3) * full_step_s) + ((device_power_w_f32(idle_w, tdp_w, lean_activity, power_exponent) * (slot_steps - chunk_steps_3)) * lean_step_s)) + (host_w * cycle_s_5))
        device_joules_3 = (((((device_power_w_f32(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + ((device_power_w_f32(idle_w, tdp_w, prefill_activity, power_exponent) * resident) * prefill_stall_s)) + (idle_w * waiting_s)) + (host_w * cycle_s_5))
        device_joules_4 = (device_joules_2 if (chunked_prefill > F32(0.0)) else device_joules_3)
        device_joules_5 = (device_joules if (disaggregated > F32(0.0)) else device_joules_4)
        idle_s = ((cycle_s_5 * (F32(1.0) - utilization)) * (F32(1.0) / utilization))
        device_joules_6 = (device_joules_5 + (((idle_w + host_w) * idle_s) * devices_per_device))
        facility_joules = ((devices * device_joules_6) * pue)
        joules_per_token = (facility_joules * (F32(1.0) / tokens_per_cycle))
        kwh_per_cycle = (facility_joules * (F32(1.0) / F32(JOULES_PER_KWH)))
        power_w_per_device = ((facility_joules * (F32(1.0) / (devices * devices_per_device))) * (F32(1.0) / (cycle_s_5 + idle_s)))
        lost_share = ((interruptions_per_hour * restart_s) * (F32(1.0) / F32(SECONDS_PER_HOUR)))
        paid_hours_per_hour = (F32(1.0) / (F32(1.0) - lost_share))
        device_hours = ((((devices * devices_per_device) * (cycle_s_5 + idle_s)) * (F32(1.0) / F32(SECONDS_PER_HOUR))) * paid_hours_per_hour)
        discount = pow_f32((F32(1.0) + cost_of_capital), (-lifetime_years))
        capital_usd_per_hour = ((((purchase_usd - ((residual_fraction * purchase_usd) * discount)) * cost_of_capital) * (F32(1.0) / (F32(1.0) - discount))) * (F32(1.0) / F32(HOURS_PER_YEAR)))
        capital_usd_per_hour_2 = ((purchase_usd - (residual_fraction * purchase_usd)) * (F32(1.0) / (lifetime_years * F32(HOURS_PER_YEAR))))
        capital_usd_per_hour_3 = (capital_usd_per_hour if (cost_of_capital > F32(0.0)) else capital_usd_per_hour_2)
        colocation_usd_per_hour = (((colocation_usd_per_kw_month * provisioned_kw) * F32(MONTHS_PER_YEAR)) * (F32(1.0) / F32(HOURS_PER_YEAR)))
        usd_per_device_hour_all_in = (((usd_per_device_hour + capital_usd_per_hour_3) + hosting_usd_per_device_hour) + colocation_usd_per_hour)
        usd_per_cycle = ((device_hours * usd_per_device_hour_all_in) + (kwh_per_cycle * usd_per_kwh))
        usd_per_mtok = ((usd_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        usd_per_mtok_per_usd = (F32(TOKENS_PER_MTOK) * (F32(1.0) / tokens_per_cycle))
        rental_usd_per_mtok = ((device_hours * usd_per_device_hour) * usd_per_mtok_per_usd)
        capital_usd_per_mtok = ((device_hours * capital_usd_per_hour_3) * usd_per_mtok_per_usd)
        hosting_usd_per_mtok = ((device_hours * (hosting_usd_per_device_hour + colocation_usd_per_hour)) * usd_per_mtok_per_usd)
        energy_usd_per_mtok = ((kwh_per_cycle * usd_per_kwh) * usd_per_mtok_per_usd)
        prefill_share = (prefill_instances_5 * (F32(1.0) / devices_per_device))
        decode_share = (F32(1.0) / devices_per_device)
        prefill_share_2 = ((chunk_steps_3 * chunk_step_s) * (F32(1.0) / cycle_s_5))
        decode_share_2 = ((slot_steps * lean_step_s) * (F32(1.0) / cycle_s_5))
        prefill_share_3 = ((resident * prefill_stall_s) * (F32(1.0) / cycle_s_5))
        decode_share_3 = (((output_tokens * decode_step_s) + waiting_s) * (F32(1.0) / cycle_s_5))
        prefill_share_4 = (prefill_share_2 if (chunked_prefill > F32(0.0)) else prefill_share_3)
        decode_share_4 = (decode_share_2 if (chunked_prefill > F32(0.0)) else decode_share_3)
        prefill_share_5 = (prefill_share if (disaggregated > F32(0.0)) else prefill_share_4)
        decode_share_5 = (decode_share if (disaggregated > F32(0.0)) else decode_share_4)
        usd_per_mtok_input = (((usd_per_cycle * prefill_share_5) * (F32(1.0) / (resident * input_tokens))) * F32(TOKENS_PER_MTOK))
        usd_per_mtok_output = (((usd_per_cycle * decode_share_5) * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        operational_g = (kwh_per_cycle * grid_gco2_per_kwh)
        embodied_g = (((embodied_kgco2 * F32(GRAMS_PER_KG)) * device_hours) * (F32(1.0) / (lifetime_years * F32(HOURS_PER_YEAR))))
        gco2_per_mtok = (((operational_g + embodied_g) * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        it_kwh_per_cycle = ((devices * device_joules_6) * (F32(1.0) / F32(JOULES_PER_KWH)))
        water_l_per_mtok = (((it_kwh_per_cycle * wue_l_per_kwh) * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        usd_per_request = (((usd_per_mtok * output_tokens) * attempts) * (F32(1.0) / F32(TOKENS_PER_MTOK)))
        usd_per_success = (usd_per_request * (F32(1.0) / p_success))
        net_value_usd_per_request = (((p_success * value_usd_per_success) - ((F32(1.0) - p_success) * cost_usd_per_failure)) - usd_per_request)
        meets_targets = ((ttft_s_5 <= ttft_slo_s) & (tpot_s <= tpot_slo_s))
        non_finite_residue = ((((((((((((((((((((((((((((resident - resident) + (max_batch - max_batch)) + (ttft_s_5 - ttft_s_5)) + (tpot_s - tpot_s)) + (e2e_s_5 - e2e_s_5)) + (tokens_per_s - tokens_per_s)) + ((tokens_per_s * (F32(1.0) / (devices * devices_per_device))) - (tokens_per_s * (F32(1.0) / (devices * devices_per_device))))) + (usd_per_mtok - usd_per_mtok)) + (usd_per_mtok_input - usd_per_mtok_input)) + (usd_per_mtok_output - usd_per_mtok_output)) + (joules_per_token - joules_per_token)) + (((kwh_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK)) - ((kwh_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK)))) + (gco2_per_mtok - gco2_per_mtok)) + (water_l_per_mtok - water_l_per_mtok)) + (power_w_per_device - power_w_per_device)) + ((weight_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))) - (weight_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))))) + ((kv_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))) - (kv_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))))) + (used_fraction - used_fraction)) + (prefill_s - prefill_s)) + (decode_step_s - decode_step_s)) + ((F32(1.0) if (compute_bound_s > (memory_bound_s * (F32(1.0) + F32(ROOFLINE_TIE)))) else F32(0.0)) - (F32(1.0) if (compute_bound_s > (memory_bound_s * (F32(1.0) + F32(ROOFLINE_TIE)))) else F32(0.0)))) + (rental_usd_per_mtok - rental_usd_per_mtok)) + (capital_usd_per_mtok - capital_usd_per_mtok)) + (hosting_usd_per_mtok - hosting_usd_per_mtok)) + (energy_usd_per_mtok - energy_usd_per_mtok)) + (usd_per_request - usd_per_request)) + (usd_per_success - usd_per_success)) + (net_value_usd_per_request - net_value_usd_per_request))
        metrics_finite = (non_finite_residue == F32(0.0))
        ran = (((F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY)) == F32(STATUS_OK)) | ((F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY)) == F32(STATUS_LATENCY)))
        w[(N_INPUTS + O_STATUS) * ROW + j] = ((((F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY)) if metrics_finite else F32(STATUS_NON_FINITE)) if ran else (F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY))) if fits else F32(STATUS_MEMORY))
        w[(N_INPUTS + O_BATCH) * ROW + j] = resident
        w[(N_INPUTS + O_MAX_BATCH) * ROW + j] = max_batch
        w[(N_INPUTS + O_TTFT_S) * ROW + j] = (ttft_s_5 if fits else F32(np.nan))
        w[(N_INPUTS + O_TPOT_S) * ROW + j] = (tpot_s if fits else F32(np.nan))
        w[(N_INPUTS + O_E2E_S) * ROW + j] = (e2e_s_5 if fits else F32(np.nan))
        w[(N_INPUTS + O_TOKENS_PER_S) * ROW + j] = (tokens_per_s if fits else F32(np.nan))
        w[(N_INPUTS + O_TOKENS_PER_S_PER_DEVICE) * ROW + j] = ((tokens_per_s * (F32(1.0) / (devices * devices_per_device))) if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_MTOK) * ROW + j] = (usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_MTOK_INPUT) * ROW + j] = (usd_per_mtok_input if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_MTOK_OUTPUT) * ROW + j] = (usd_per_mtok_output if fits else F32(np.nan))
        w[(N_INPUTS + O_JOULES_PER_TOKEN) * ROW + j] = (joules_per_token if fits else F32(np.nan))
        w[(N_INPUTS + O_KWH_PER_MTOK) * ROW + j] = (((kwh_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK)) if fits else F32(np.nan))
        w[(N_INPUTS + O_GCO2_PER_MTOK) * ROW + j] = (gco2_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_WATER_L_PER_MTOK) * ROW + j] = (water_l_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_POWER_W_PER_DEVICE) * ROW + j] = (power_w_per_device if fits else F32(np.nan))
        w[(N_INPUTS + O_WEIGHT_GB_PER_DEVICE) * ROW + j] = (weight_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB)))
        w[(N_INPUTS + O_KV_GB_PER_DEVICE) * ROW + j] = (kv_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB)))
        w[(N_INPUTS + O_MEMORY_USED_FRACTION) * ROW + j] = used_fraction
        w[(N_INPUTS + O_PREFILL_S) * ROW + j] = (prefill_s if fits else F32(np.nan))
        w[(N_INPUTS + O_DECODE_STEP_S) * ROW + j] = (decode_step_s if fits else F32(np.nan))
        w[(N_INPUTS + O_DECODE_COMPUTE_BOUND) * ROW + j] = ((F32(1.0) if (compute_bound_s > (memory_bound_s * (F32(1.0) + F32(ROOFLINE_TIE)))) else F32(0.0)) if fits else F32(np.nan))
        w[(N_INPUTS + O_RENTAL_USD_PER_MTOK) * ROW + j] = (rental_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_CAPITAL_USD_PER_MTOK) * ROW + j] = (capital_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_HOSTING_USD_PER_MTOK) * ROW + j] = (hosting_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_ENERGY_USD_PER_MTOK) * ROW + j] = (energy_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_REQUEST) * ROW + j] = (usd_per_request if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_SUCCESS) * ROW + j] = (usd_per_success if fits else F32(np.nan))
        w[(N_INPUTS + O_NET_VALUE_USD_PER_REQUEST) * ROW + j] = (net_value_usd_per_request if fits else F32(np.nan))


# The loop runs the full block with constant row offsets into one array, which lets LLVM prove
# the rows do not overlap and vectorise it; lanes past the samples in use compute on stale
# inputs and are ignored. The inputs of registry.PLAIN_LAYOUT and registry.DENSE_MODEL are
# constants here.
@_jit
def evaluate_block_dense_f32(w):
    """reference.evaluate over every lane of the workspace ``w`` (see workspace())."""
    prefer_wide_vectors()
    for j in range(BLOCK):
        total_params_b = w[I_TOTAL_PARAMS_B * ROW + j]
        active_params_b = w[I_ACTIVE_PARAMS_B * ROW + j]
        n_layers = w[I_N_LAYERS * ROW + j]
        d_model = w[I_D_MODEL * ROW + j]
        n_heads = w[I_N_HEADS * ROW + j]
        n_kv_heads = w[I_N_KV_HEADS * ROW + j]
        head_dim = w[I_HEAD_DIM * ROW + j]
        v_head_dim = w[I_V_HEAD_DIM * ROW + j]
        d_ff = w[I_D_FF * ROW + j]
        n_experts = F32(1.0)
        experts_per_token = F32(1.0)
        kv_lora_rank = w[I_KV_LORA_RANK * ROW + j]
        rope_head_dim = w[I_ROPE_HEAD_DIM * ROW + j]
        sliding_window = w[I_SLIDING_WINDOW * ROW + j]
        sliding_window_layers = w[I_SLIDING_WINDOW_LAYERS * ROW + j]
        count = w[I_COUNT * ROW + j]
        memory_gb = w[I_MEMORY_GB * ROW + j]
        memory_bw_gbps = w[I_MEMORY_BW_GBPS * ROW + j]
        tflops_fp32 = w[I_TFLOPS_FP32 * ROW + j]
        tflops_16 = w[I_TFLOPS_16 * ROW + j]
        tflops_8 = w[I_TFLOPS_8 * ROW + j]
        tflops_4 = w[I_TFLOPS_4 * ROW + j]
        tdp_w = w[I_TDP_W * ROW + j]
        idle_w = w[I_IDLE_W * ROW + j]
        interconnect_gbps = w[I_INTERCONNECT_GBPS * ROW + j]
        link_latency_us = w[I_LINK_LATENCY_US * ROW + j]
        weight_bits = w[I_WEIGHT_BITS * ROW + j]
        activation_bits = w[I_ACTIVATION_BITS * ROW + j]
        kv_bits = w[I_KV_BITS * ROW + j]
        batch = w[I_BATCH * ROW + j]
        input_tokens = w[I_INPUT_TOKENS * ROW + j]
        output_tokens = w[I_OUTPUT_TOKENS * ROW + j]
        ttft_slo_s = w[I_TTFT_SLO_S * ROW + j]
        tpot_slo_s = w[I_TPOT_SLO_S * ROW + j]
        mfu = w[I_MFU * ROW + j]
        mbu = w[I_MBU * ROW + j]
        comm_efficiency = w[I_COMM_EFFICIENCY * ROW + j]
        step_overhead_ms = w[I_STEP_OVERHEAD_MS * ROW + j]
        memory_usable_fraction = w[I_MEMORY_USABLE_FRACTION * ROW + j]
        pue = w[I_PUE * ROW + j]
        host_w = w[I_HOST_W * ROW + j]
        grid_gco2_per_kwh = w[I_GRID_GCO2_PER_KWH * ROW + j]
        embodied_kgco2 = w[I_EMBODIED_KGCO2 * ROW + j]
        wue_l_per_kwh = w[I_WUE_L_PER_KWH * ROW + j]
        usd_per_device_hour = w[I_USD_PER_DEVICE_HOUR * ROW + j]
        purchase_usd = w[I_PURCHASE_USD * ROW + j]
        hosting_usd_per_device_hour = w[I_HOSTING_USD_PER_DEVICE_HOUR * ROW + j]
        usd_per_kwh = w[I_USD_PER_KWH * ROW + j]
        utilization = w[I_UTILIZATION * ROW + j]
        lifetime_years = w[I_LIFETIME_YEARS * ROW + j]
        power_exponent = w[I_POWER_EXPONENT * ROW + j]
        beams = w[I_BEAMS * ROW + j]
        cost_of_capital = w[I_COST_OF_CAPITAL * ROW + j]
        residual_fraction = w[I_RESIDUAL_FRACTION * ROW + j]
        colocation_usd_per_kw_month = w[I_COLOCATION_USD_PER_KW_MONTH * ROW + j]
        provisioned_kw = w[I_PROVISIONED_KW * ROW + j]
        interruptions_per_hour = w[I_INTERRUPTIONS_PER_HOUR * ROW + j]
        restart_s = w[I_RESTART_S * ROW + j]
        p_success = w[I_P_SUCCESS * ROW + j]
        value_usd_per_success = w[I_VALUE_USD_PER_SUCCESS * ROW + j]
        cost_usd_per_failure = w[I_COST_USD_PER_FAILURE * ROW + j]
        attempts = w[I_ATTEMPTS * ROW + j]
        pp = F32(1.0)
        microbatches = F32(0.0)
        expert_parallel = F32(0.0)
        attention_dp = F32(0.0)
        expert_imbalance = w[I_EXPERT_IMBALANCE * ROW + j]
        scaleup_devices = F32(0.0)
        scaleout_gbps = w[I_SCALEOUT_GBPS * ROW + j]
        chunked_prefill = F32(0.0)
        max_batched_tokens = w[I_MAX_BATCHED_TOKENS * ROW + j]
        disaggregated = F32(0.0)
        total_params = (total_params_b * F32(PARAMS_PER_BILLION))
        active_params = (active_params_b * F32(PARAMS_PER_BILLION))
        devices = count
        memory_bytes = (memory_gb * F32(BYTES_PER_GB))
        memory_bytes_per_s = (memory_bw_gbps * F32(BYTES_PER_GB))
        link_bytes_per_s = ((interconnect_gbps * F32(BYTES_PER_GB)) * comm_efficiency)
        scaleout_bytes_per_s = ((scaleout_gbps * F32(BYTES_PER_GB)) * comm_efficiency)
        link_latency_s = (link_latency_us * F32(SECONDS_PER_US))
        peak_flops = (peak_tflops_f32(activation_bits, tflops_fp32, tflops_16, tflops_8, tflops_4) * F32(FLOPS_PER_TFLOPS))
        cache_tflops = tflops_fp32
        cache_tflops_2 = tflops_16
        cache_tflops_3 = tflops_8
        cache_tflops_4 = tflops_4
        cache_tflops_5 = (cache_tflops_3 if (kv_bits > F32(4.0)) else cache_tflops_4)
        cache_tflops_6 = (cache_tflops_2 if (kv_bits > F32(8.0)) else cache_tflops_5)
        cache_tflops_7 = (cache_tflops if (kv_bits > F32(16.0)) else cache_tflops_6)
        attention_peak_flops = (cache_tflops_7 * F32(FLOPS_PER_TFLOPS))
        attention_peak_flops_2 = peak_flops
        attention_peak_flops_3 = (attention_peak_flops if (kv_bits > activation_bits) else attention_peak_flops_2)
        attention_rate_ratio = (peak_flops * (F32(1.0) / attention_peak_flops_3))
        attention_rate_ratio_2 = F32(1.0)
        attention_rate_ratio_3 = (attention_rate_ratio if (attention_peak_flops_3 > F32(0.0)) else attention_rate_ratio_2)
        achieved_flops_per_device = (peak_flops * mfu)
        achieved_bytes_per_s = (memory_bytes_per_s * mbu)
        step_overhead_s = (step_overhead_ms * F32(SECONDS_PER_MS))
        weight_bytes_per_param = (weight_bits / F32(BITS_PER_BYTE))
        activation_bytes = (activation_bits / F32(BITS_PER_BYTE))
        stages = pp
        tp = (devices / stages)
        attention_groups = tp
        attention_groups_2 = F32(1.0)
        attention_groups_3 = (attention_groups if (attention_dp > F32(0.0)) else attention_groups_2)
        attention_tp = (tp / attention_groups_3)
        domain = devices
        domain_2 = scaleup_devices
        domain_3 = (domain if (scaleup_devices == F32(WHOLE_REPLICA_DOMAIN)) else domain_2)
        p2p_bytes_per_s = py_min(link_bytes_per_s, scaleout_bytes_per_s)
        p2p_bytes_per_s_2 = link_bytes_per_s
        p2p_bytes_per_s_3 = (p2p_bytes_per_s if (devices > domain_3) else p2p_bytes_per_s_2)
        expert_params = ((total_params - active_params) / (n_experts - experts_per_token))
        expert_miss_log = log1p_f32(((-experts_per_token) * (F32(1.0) / n_experts)))
        expert_params_2 = F32(0.0)
        expert_miss_log_2 = F32(EXPERT_MISS_LOG_ALL)
        expert_params_3 = (expert_params if (n_experts > experts_per_token) else expert_params_2)
        expert_miss_log_3 = (expert_miss_log if (n_experts > experts_per_token) else expert_miss_log_2)
        dense_params = (total_params - (n_experts * expert_params_3))
        dense_active_params = (active_params - (experts_per_token * expert_params_3))
        mlp_layout = (F32(MLP_SLICED_EXPERTS) + expert_parallel)
        mlp_layout_2 = F32(MLP_DENSE)
        mlp_layout_3 = (mlp_layout if (n_experts > experts_per_token) else mlp_layout_2)
        expert_load = expert_imbalance
        expert_load_2 = F32(1.0)
        expert_load_3 = (expert_load if (expert_parallel > F32(0.0)) else expert_load_2)
        weight_bytes_per_device = ((((dense_params / attention_tp) + ((n_experts * expert_params_3) / tp)) * weight_bytes_per_param) / stages)
        kv_values_per_token_layer = (kv_lora_rank + rope_head_dim)
        kv_shards = F32(1.0)
        kv_values_per_token_layer_2 = (n_kv_heads * (head_dim + v_head_dim))
        kv_shards_2 = py_min(attention_tp, n_kv_heads)
        kv_values_per_token_layer_3 = (kv_values_per_token_layer if (kv_lora_rank > F32(0.0)) else kv_values_per_token_layer_2)
        kv_shards_3 = (kv_shards if (kv_lora_rank > F32(0.0)) else kv_shards_2)
        kv_bytes_per_token = (((n_layers * kv_values_per_token_layer_3) * kv_bits) / F32(BITS_PER_BYTE))
        mean_context = (input_tokens + (F32(0.5) * output_tokens))
        cached_context = windowed_context_f32(mean_context, sliding_window, sliding_window_layers)
        generated_context = windowed_context_f32((F32(0.5) * output_tokens), sliding_window, sliding_window_layers)
        stored_context = (cached_context + ((beams - F32(1.0)) * generated_context))
        kv_bytes_per_sequence_per_device = (((kv_bytes_per_token * stored_context) / kv_shards_3) / stages)
        workspace_tokens = max_batched_tokens
        workspace_tokens_2 = input_tokens
        workspace_tokens_3 = (workspace_tokens if (chunked_prefill > F32(0.0)) else workspace_tokens_2)
        ffn_split = attention_tp
        ffn_split_2 = tp
        ffn_split_3 = (ffn_split if (mlp_layout_3 == F32(MLP_DENSE)) else ffn_split_2)
        workspace_bytes = ((workspace_tokens_3 * ((F32(WORKSPACE_HIDDEN_COPIES) * d_model) + ((F32(WORKSPACE_FFN_COPIES) * d_ff) / ffn_split_3))) * activation_bytes)
        free_bytes = (((memory_usable_fraction * memory_bytes) - weight_bytes_per_device) - workspace_bytes)
        max_batch = (py_max(np.floor((free_bytes / kv_bytes_per_sequence_per_device)), F32(0.0)) * attention_groups_3)
        resident = (max_batch if (batch == F32(BATCH_MAX)) else batch)
        kv_bytes_per_device = ((resident * (F32(1.0) / attention_groups_3)) * kv_bytes_per_sequence_per_device)
        used_fraction = (((weight_bytes_per_device + workspace_bytes) + kv_bytes_per_device) * (F32(1.0) / memory_bytes))
        fits = ((resident >= F32(1.0)) & (resident <= max_batch))
        attention_flops_per_pair = ((((F32(FLOPS_PER_MAC) * n_heads) * (head_dim + v_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair = ((((F32(FLOPS_PER_MAC) * n_heads) * ((F32(2.0) * kv_lora_rank) + rope_head_dim)) * n_layers) * attention_rate_ratio_3)
        decode_attention_flops_per_pair_2 = attention_flops_per_pair
        decode_attention_flops_per_pair_3 = (decode_attention_flops_per_pair if (kv_lora_rank > F32(0.0)) else decode_attention_flops_per_pair_2)
        comm_s_per_token = pass_comm_s_f32(F32(1.0), d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, F32(0.0))
        comm_latency_s = pass_comm_s_f32(F32(0.0), d_model, n_layers, mlp_layout_3, experts_per_token, activation_bytes, attention_tp, tp, stages, domain_3, link_bytes_per_s, scaleout_bytes_per_s, link_latency_s)
        prefill_tokens = (input_tokens * attention_groups_3)
        prefill_pairs = causal_attention_pairs_f32(input_tokens, sliding_window, sliding_window_layers)
        prefill_linear_flops = linear_flops_per_device_f32(prefill_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        prefill_attention_flops = attention_flops_per_device_f32(((attention_flops_per_pair * prefill_pairs) * attention_groups_3), attention_groups_3, attention_tp, stages)
        prefill_weight_bytes = pass_weight_bytes_per_device_f32(prefill_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        prefill_comm_s = ((prefill_tokens * comm_s_per_token) + comm_latency_s)
        prefill_stage_s = (((kernels_s_f32(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, F32(0.0), achieved_flops_per_device, achieved_bytes_per_s) + prefill_comm_s) + (step_overhead_s * (F32(1.0) / stages))) + pipeline_send_s_f32(prefill_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        prefill_s = (stages * prefill_stage_s)
        prefill_stall_s = (prefill_stage_s * (F32(1.0) / attention_groups_3))
        decode_tokens = (resident * beams)
        asked_microbatches = stages
        asked_microbatches_2 = microbatches
        asked_microbatches_3 = (asked_microbatches if (microbatches == F32(MICROBATCHES_AS_STAGES)) else asked_microbatches_2)
        pipeline_microbatches = py_max(py_min(asked_microbatches_3, decode_tokens), F32(1.0))
        stage_slots = py_max(pipeline_microbatches, stages)
        microbatch_tokens = (decode_tokens * (F32(1.0) / pipeline_microbatches))
        decode_linear_flops = linear_flops_per_device_f32(microbatch_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        decode_attention_flops = attention_flops_per_device_f32(((decode_attention_flops_per_pair_3 * cached_context) * microbatch_tokens), attention_groups_3, attention_tp, stages)
        decode_weight_bytes = pass_weight_bytes_per_device_f32(microbatch_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        decode_kv_bytes = (kv_bytes_per_device * (F32(1.0) / pipeline_microbatches))
        compute_bound_s = (compute_bound_time_s_f32(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + compute_bound_time_s_f32(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_kernels_s = kernels_s_f32(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s)
        memory_bound_s = (memory_bound_time_s_f32(decode_linear_flops, decode_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + memory_bound_time_s_f32(decode_attention_flops, decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s))
        decode_comm_s = ((microbatch_tokens * comm_s_per_token) + comm_latency_s)
        decode_stage_s = (((decode_kernels_s + decode_comm_s) + (step_overhead_s * (F32(1.0) / stages))) + pipeline_send_s_f32(microbatch_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        decode_step_s = (stage_slots * decode_stage_s)
        step_budget = ((max_batched_tokens * pipeline_microbatches) * attention_groups_3)
        prompt_steps = py_max((-np.floor(((-input_tokens) / max_batched_tokens))), F32(1.0))
        budget_steps = ((resident * ((beams * output_tokens) + input_tokens)) * (F32(1.0) / step_budget))
        slot_steps = py_max((output_tokens + prompt_steps), budget_steps)
        chunk_decode_tokens = ((decode_tokens * output_tokens) * (F32(1.0) / slot_steps))
        cycle_prompt_tokens = (resident * input_tokens)
        spare_tokens = (py_max(((step_budget * (output_tokens + prompt_steps)) - (decode_tokens * output_tokens)), cycle_prompt_tokens) * (F32(1.0) / slot_steps))
        spread_tokens = (cycle_prompt_tokens * (F32(1.0) / slot_steps))
        chunk_tokens = py_min(spare_tokens, py_max(spread_tokens, py_min(input_tokens, max_batched_tokens)))
        spread_over_slot = (chunk_tokens <= spread_tokens)
        chunk_steps = slot_steps
        chunk_steps_2 = py_min((cycle_prompt_tokens * (F32(1.0) / chunk_tokens)), slot_steps)
        chunk_steps_3 = (chunk_steps if spread_over_slot else chunk_steps_2)
        decoding_share = (chunk_decode_tokens * (F32(1.0) / decode_tokens))
        lean_tokens = (chunk_decode_tokens * (F32(1.0) / pipeline_microbatches))
        lean_linear_flops = linear_flops_per_device_f32(lean_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        lean_attention_flops = attention_flops_per_device_f32(((decode_attention_flops_per_pair_3 * cached_context) * lean_tokens), attention_groups_3, attention_tp, stages)
        lean_weight_bytes = pass_weight_bytes_per_device_f32(lean_tokens, dense_params, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, attention_tp, tp, stages)
        lean_kv_bytes = ((kv_bytes_per_device * decoding_share) * (F32(1.0) / pipeline_microbatches))
        lean_stage_s = ((((kernels_s_f32(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s) + (lean_tokens * comm_s_per_token)) + comm_latency_s) + (step_overhead_s * (F32(1.0) / stages))) + pipeline_send_s_f32(lean_tokens, d_model, tp, stages, p2p_bytes_per_s_3, link_latency_s))
        lean_step_s = (stage_slots * lean_stage_s)
        chunk_pass_tokens = (chunk_tokens * (F32(1.0) / pipeline_microbatches))
        chunk_linear_flops = linear_flops_per_device_f32(chunk_pass_tokens, dense_active_params, expert_params_3, experts_per_token, attention_groups_3, attention_tp, tp, stages, expert_load_3)
        chunk_attention_flops = attention_flops_per_device_f32((((attention_flops_per_pair * prefill_pairs) * (F32(1.0) / input_tokens)) * chunk_pass_tokens), attention_groups_3, attention_tp, stages)
        chunk_weight_bytes = pass_weight_bytes_added_per_device_f32(lean_tokens, chunk_pass_tokens, expert_params_3, n_experts, expert_miss_log_3, weight_bytes_per_param, tp, stages)
        chunk_stage_s = (((roofline_added_s_f32(lean_linear_flops, chunk_linear_flops, lean_weight_bytes, chunk_weight_bytes, achieved_flops_per_device, achieved_bytes_per_s) + roofline_added_s_f32(lean_attention_flops, chunk_attention_flops, lean_kv_bytes, F32(0.0), achieved_flops_per_device, achieved_bytes_per_s)) + (chunk_pass_tokens * comm_s_per_token)) + pipeline_send_s_f32(chunk_pass_tokens, d_model, tp, stages, p2p_bytes_per_s_3, F32(0.0)))
        chunk_step_s = (stage_slots * chunk_stage_s)
        full_linear_flops = (lean_linear_flops + chunk_linear_flops)
        full_attention_flops = (lean_attention_flops + chunk_attention_flops)
        full_weight_bytes = (lean_weight_bytes + chunk_weight_bytes)
        full_kv_bytes = lean_kv_bytes
        full_step_s = (lean_step_s + chunk_step_s)
        prompt_kv_bytes_per_device = (((kv_bytes_per_token * windowed_context_f32(input_tokens, sliding_window, sliding_window_layers)) * (F32(1.0) / kv_shards_3)) * (F32(1.0) / stages))
        kv_transfer_s = ((prompt_kv_bytes_per_device * (F32(1.0) / scaleout_bytes_per_s)) + link_latency_s)
        kv_transfer_s_2 = F32(0.0)
        kv_transfer_s_3 = (kv_transfer_s if (scaleout_gbps > F32(0.0)) else kv_transfer_s_2)
        waiting_steps = py_max(prompt_steps, (budget_steps - output_tokens))
        chunk_steps_after_first = (output_tokens if spread_over_slot else py_max((chunk_steps_3 - waiting_steps), F32(0.0)))
        transfer_hold_s = (kv_transfer_s_3 * (F32(1.0) / attention_groups_3))
        pool_hold_s = py_max(prefill_stall_s, transfer_hold_s)
        cycle_s = py_max((output_tokens * decode_step_s), (resident * transfer_hold_s))
        ttft_s = (prefill_s + kv_transfer_s_3)
        prefill_instances = ((resident * pool_hold_s) * (F32(1.0) / cycle_s))
        generation_s = (output_tokens * decode_step_s)
        e2e_s = (ttft_s + generation_s)
        cycle_s_2 = ((slot_steps * lean_step_s) + (chunk_steps_3 * chunk_step_s))
        ttft_s_2 = ((waiting_steps * lean_step_s) + (py_min(waiting_steps, chunk_steps_3) * chunk_step_s))
        generation_s_2 = ((output_tokens * lean_step_s) + (chunk_steps_after_first * chunk_step_s))
        prefill_instances_2 = F32(0.0)
        e2e_s_2 = cycle_s_2
        cycle_s_3 = py_max(((output_tokens * decode_step_s) + (resident * prefill_stall_s)), (prefill_s + (output_tokens * decode_step_s)))
        ttft_s_3 = prefill_s
        generation_s_3 = ((output_tokens * decode_step_s) + py_max(((resident * prefill_stall_s) - prefill_s), F32(0.0)))
        prefill_instances_3 = F32(0.0)
        e2e_s_3 = cycle_s_3
        cycle_s_4 = (cycle_s_2 if (chunked_prefill > F32(0.0)) else cycle_s_3)
        ttft_s_4 = (ttft_s_2 if (chunked_prefill > F32(0.0)) else ttft_s_3)
        generation_s_4 = (generation_s_2 if (chunked_prefill > F32(0.0)) else generation_s_3)
        prefill_instances_4 = (prefill_instances_2 if (chunked_prefill > F32(0.0)) else prefill_instances_3)
        e2e_s_4 = (e2e_s_2 if (chunked_prefill > F32(0.0)) else e2e_s_3)
        cycle_s_5 = (cycle_s if (disaggregated > F32(0.0)) else cycle_s_4)
        ttft_s_5 = (ttft_s if (disaggregated > F32(0.0)) else ttft_s_4)
        prefill_instances_5 = (prefill_instances if (disaggregated > F32(0.0)) else prefill_instances_4)
        generation_s_5 = (generation_s if (disaggregated > F32(0.0)) else generation_s_4)
        e2e_s_5 = (e2e_s if (disaggregated > F32(0.0)) else e2e_s_4)
        tokens_per_cycle = (resident * output_tokens)
        tokens_per_s = (tokens_per_cycle * (F32(1.0) / cycle_s_5))
        tpot_s = (generation_s_5 * (F32(1.0) / output_tokens))
        devices_per_device = (F32(1.0) + prefill_instances_5)
        decode_activity = ((pipeline_microbatches * kernels_s_f32(decode_linear_flops, decode_weight_bytes, decode_attention_flops, decode_kv_bytes, peak_flops, memory_bytes_per_s)) * (F32(1.0) / decode_step_s))
        prefill_activity = (kernels_s_f32(prefill_linear_flops, prefill_weight_bytes, prefill_attention_flops, F32(0.0), peak_flops, memory_bytes_per_s) * (F32(1.0) / prefill_stage_s))
        full_activity = ((pipeline_microbatches * kernels_s_f32(full_linear_flops, full_weight_bytes, full_attention_flops, full_kv_bytes, peak_flops, memory_bytes_per_s)) * (F32(1.0) / full_step_s))
        lean_activity = ((pipeline_microbatches * kernels_s_f32(lean_linear_flops, lean_weight_bytes, lean_attention_flops, lean_kv_bytes, peak_flops, memory_bytes_per_s)) * (F32(1.0) / lean_step_s))
        waiting_s = py_max((prefill_s - (resident * prefill_stall_s)), F32(0.0))
        device_joules = (((((device_power_w_f32(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + (idle_w * (cycle_s_5 - (output_tokens * decode_step_s)))) + (host_w * cycle_s_5)) + (resident * (((device_power_w_f32(idle_w, tdp_w, prefill_activity, power_exponent) * prefill_stall_s) + (idle_w * (pool_hold_s - prefill_stall_s))) + (host_w * pool_hold_s))))
        device_joules_2 = ((((device_power_w_f32(idle_w, tdp_w, full_activity, power_exponent) * chunk_steps_3) * full_step_s) + ((device_power_w_f32(idle_w, tdp_w, lean_activity, power_exponent) * (slot_steps - chunk_steps_3)) * lean_step_s)) + (host_w * cycle_s_5))
        device_joules_3 = (((((device_power_w_f32(idle_w, tdp_w, decode_activity, power_exponent) * output_tokens) * decode_step_s) + ((device_power_w_f32(idle_w, tdp_w, prefill_activity, power_exponent) * resident) * prefill_stall_s)) + (idle_w * waiting_s)) + (host_w * cycle_s_5))
        device_joules_4 = (device_joules_2 if (chunked_prefill > F32(0.0)) else device_joules_3)
        device_joules_5 = (device_joules if (disaggregated > F32(0.0)) else device_joules_4)
        idle_s = ((cycle_s_5 * (F32(1.0) - utilization)) * (F32(1.0) / utilization))
        device_joules_6 = (device_joules_5 + (((idle_w + host_w) * idle_s) * devices_per_device))
        facility_joules = ((devices * device_joules_6) * pue)
        joules_per_token = (facility_joules * (F32(1.0) / tokens_per_cycle))
        kwh_per_cycle = (facility_joules * (F32(1.0) / F32(JOULES_PER_KWH)))
        power_w_per_device = ((facility_joules * (F32(1.0) / (devices * devices_per_device))) * (F32(1.0) / (cycle_s_5 + idle_s)))
        lost_share = ((interruptions_per_hour * restart_s) * (F32(1.0) / F32(SECONDS_PER_HOUR)))
        paid_hours_per_hour = (F32(1.0) / (F32(1.0) - lost_share))
        device_hours = ((((devices * devices_per_device) * (cycle_s_5 + idle_s)) * (F32(1.0) / F32(SECONDS_PER_HOUR))) * paid_hours_per_hour)
        discount = pow_f32((F32(1.0) + cost_of_capital), (-lifetime_years))
        capital_usd_per_hour = ((((purchase_usd - ((residual_fraction * purchase_usd) * discount)) * cost_of_capital) * (F32(1.0) / (F32(1.0) - discount))) * (F32(1.0) / F32(HOURS_PER_YEAR)))
        capital_usd_per_hour_2 = ((purchase_usd - (residual_fraction * purchase_usd)) * (F32(1.0) / (lifetime_years * F32(HOURS_PER_YEAR))))
        capital_usd_per_hour_3 = (capital_usd_per_hour if (cost_of_capital > F32(0.0)) else capital_usd_per_hour_2)
        colocation_usd_per_hour = (((colocation_usd_per_kw_month * provisioned_kw) * F32(MONTHS_PER_YEAR)) * (F32(1.0) / F32(HOURS_PER_YEAR)))
        usd_per_device_hour_all_in = (((usd_per_device_hour + capital_usd_per_hour_3) + hosting_usd_per_device_hour) + colocation_usd_per_hour)
        usd_per_cycle = ((device_hours * usd_per_device_hour_all_in) + (kwh_per_cycle * usd_per_kwh))
        usd_per_mtok = ((usd_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        usd_per_mtok_per_usd = (F32(TOKENS_PER_MTOK) * (F32(1.0) / tokens_per_cycle))
        rental_usd_per_mtok = ((device_hours * usd_per_device_hour) * usd_per_mtok_per_usd)
        capital_usd_per_mtok = ((device_hours * capital_usd_per_hour_3) * usd_per_mtok_per_usd)
        hosting_usd_per_mtok = ((device_hours * (hosting_usd_per_device_hour + colocation_usd_per_hour)) * usd_per_mtok_per_usd)
        energy_usd_per_mtok = ((kwh_per_cycle * usd_per_kwh) * usd_per_mtok_per_usd)
        prefill_share = (prefill_instances_5 * (F32(1.0) / devices_per_device))
        decode_share = (F32(1.0) / devices_per_device)
        prefill_share_2 = ((chunk_steps_3 * chunk_step_s) * (F32(1.0) / cycle_s_5))
        decode_share_2 = ((slot_steps * lean_step_s) * (F32(1.0) / cycle_s_5))
        prefill_share_3 = ((resident * prefill_stall_s) * (F32(1.0) / cycle_s_5))
        decode_share_3 = (((output_tokens * decode_step_s) + waiting_s) * (F32(1.0) / cycle_s_5))
        prefill_share_4 = (prefill_share_2 if (chunked_prefill > F32(0.0)) else prefill_share_3)
        decode_share_4 = (decode_share_2 if (chunked_prefill > F32(0.0)) else decode_share_3)
        prefill_share_5 = (prefill_share if (disaggregated > F32(0.0)) else prefill_share_4)
        decode_share_5 = (decode_share if (disaggregated > F32(0.0)) else decode_share_4)
        usd_per_mtok_input = (((usd_per_cycle * prefill_share_5) * (F32(1.0) / (resident * input_tokens))) * F32(TOKENS_PER_MTOK))
        usd_per_mtok_output = (((usd_per_cycle * decode_share_5) * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        operational_g = (kwh_per_cycle * grid_gco2_per_kwh)
        embodied_g = (((embodied_kgco2 * F32(GRAMS_PER_KG)) * device_hours) * (F32(1.0) / (lifetime_years * F32(HOURS_PER_YEAR))))
        gco2_per_mtok = (((operational_g + embodied_g) * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        it_kwh_per_cycle = ((devices * device_joules_6) * (F32(1.0) / F32(JOULES_PER_KWH)))
        water_l_per_mtok = (((it_kwh_per_cycle * wue_l_per_kwh) * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK))
        usd_per_request = (((usd_per_mtok * output_tokens) * attempts) * (F32(1.0) / F32(TOKENS_PER_MTOK)))
        usd_per_success = (usd_per_request * (F32(1.0) / p_success))
        net_value_usd_per_request = (((p_success * value_usd_per_success) - ((F32(1.0) - p_success) * cost_usd_per_failure)) - usd_per_request)
        meets_targets = ((ttft_s_5 <= ttft_slo_s) & (tpot_s <= tpot_slo_s))
        non_finite_residue = ((((((((((((((((((((((((((((resident - resident) + (max_batch - max_batch)) + (ttft_s_5 - ttft_s_5)) + (tpot_s - tpot_s)) + (e2e_s_5 - e2e_s_5)) + (tokens_per_s - tokens_per_s)) + ((tokens_per_s * (F32(1.0) / (devices * devices_per_device))) - (tokens_per_s * (F32(1.0) / (devices * devices_per_device))))) + (usd_per_mtok - usd_per_mtok)) + (usd_per_mtok_input - usd_per_mtok_input)) + (usd_per_mtok_output - usd_per_mtok_output)) + (joules_per_token - joules_per_token)) + (((kwh_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK)) - ((kwh_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK)))) + (gco2_per_mtok - gco2_per_mtok)) + (water_l_per_mtok - water_l_per_mtok)) + (power_w_per_device - power_w_per_device)) + ((weight_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))) - (weight_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))))) + ((kv_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))) - (kv_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB))))) + (used_fraction - used_fraction)) + (prefill_s - prefill_s)) + (decode_step_s - decode_step_s)) + ((F32(1.0) if (compute_bound_s > (memory_bound_s * (F32(1.0) + F32(ROOFLINE_TIE)))) else F32(0.0)) - (F32(1.0) if (compute_bound_s > (memory_bound_s * (F32(1.0) + F32(ROOFLINE_TIE)))) else F32(0.0)))) + (rental_usd_per_mtok - rental_usd_per_mtok)) + (capital_usd_per_mtok - capital_usd_per_mtok)) + (hosting_usd_per_mtok - hosting_usd_per_mtok)) + (energy_usd_per_mtok - energy_usd_per_mtok)) + (usd_per_request - usd_per_request)) + (usd_per_success - usd_per_success)) + (net_value_usd_per_request - net_value_usd_per_request))
        metrics_finite = (non_finite_residue == F32(0.0))
        ran = (((F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY)) == F32(STATUS_OK)) | ((F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY)) == F32(STATUS_LATENCY)))
        w[(N_INPUTS + O_STATUS) * ROW + j] = ((((F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY)) if metrics_finite else F32(STATUS_NON_FINITE)) if ran else (F32(STATUS_OK) if meets_targets else F32(STATUS_LATENCY))) if fits else F32(STATUS_MEMORY))
        w[(N_INPUTS + O_BATCH) * ROW + j] = resident
        w[(N_INPUTS + O_MAX_BATCH) * ROW + j] = max_batch
        w[(N_INPUTS + O_TTFT_S) * ROW + j] = (ttft_s_5 if fits else F32(np.nan))
        w[(N_INPUTS + O_TPOT_S) * ROW + j] = (tpot_s if fits else F32(np.nan))
        w[(N_INPUTS + O_E2E_S) * ROW + j] = (e2e_s_5 if fits else F32(np.nan))
        w[(N_INPUTS + O_TOKENS_PER_S) * ROW + j] = (tokens_per_s if fits else F32(np.nan))
        w[(N_INPUTS + O_TOKENS_PER_S_PER_DEVICE) * ROW + j] = ((tokens_per_s * (F32(1.0) / (devices * devices_per_device))) if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_MTOK) * ROW + j] = (usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_MTOK_INPUT) * ROW + j] = (usd_per_mtok_input if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_MTOK_OUTPUT) * ROW + j] = (usd_per_mtok_output if fits else F32(np.nan))
        w[(N_INPUTS + O_JOULES_PER_TOKEN) * ROW + j] = (joules_per_token if fits else F32(np.nan))
        w[(N_INPUTS + O_KWH_PER_MTOK) * ROW + j] = (((kwh_per_cycle * (F32(1.0) / tokens_per_cycle)) * F32(TOKENS_PER_MTOK)) if fits else F32(np.nan))
        w[(N_INPUTS + O_GCO2_PER_MTOK) * ROW + j] = (gco2_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_WATER_L_PER_MTOK) * ROW + j] = (water_l_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_POWER_W_PER_DEVICE) * ROW + j] = (power_w_per_device if fits else F32(np.nan))
        w[(N_INPUTS + O_WEIGHT_GB_PER_DEVICE) * ROW + j] = (weight_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB)))
        w[(N_INPUTS + O_KV_GB_PER_DEVICE) * ROW + j] = (kv_bytes_per_device * (F32(1.0) / F32(BYTES_PER_GB)))
        w[(N_INPUTS + O_MEMORY_USED_FRACTION) * ROW + j] = used_fraction
        w[(N_INPUTS + O_PREFILL_S) * ROW + j] = (prefill_s if fits else F32(np.nan))
        w[(N_INPUTS + O_DECODE_STEP_S) * ROW + j] = (decode_step_s if fits else F32(np.nan))
        w[(N_INPUTS + O_DECODE_COMPUTE_BOUND) * ROW + j] = ((F32(1.0) if (compute_bound_s > (memory_bound_s * (F32(1.0) + F32(ROOFLINE_TIE)))) else F32(0.0)) if fits else F32(np.nan))
        w[(N_INPUTS + O_RENTAL_USD_PER_MTOK) * ROW + j] = (rental_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_CAPITAL_USD_PER_MTOK) * ROW + j] = (capital_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_HOSTING_USD_PER_MTOK) * ROW + j] = (hosting_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_ENERGY_USD_PER_MTOK) * ROW + j] = (energy_usd_per_mtok if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_REQUEST) * ROW + j] = (usd_per_request if fits else F32(np.nan))
        w[(N_INPUTS + O_USD_PER_SUCCESS) * ROW + j] = (usd_per_success if fits else F32(np.nan))
        w[(N_INPUTS + O_NET_VALUE_USD_PER_REQUEST) * ROW + j] = (net_value_usd_per_request if fits else F32(np.nan))


@_jit
def evaluate_block_f32(w):
    """The most specialised copy whose constants every lane has (generate_cores.COPIES):
    the same outputs, with less arithmetic. The lanes are tested in one pass without
    branches (a loop that leaves at the first lane that differs does not vectorise: it
    cost 5 ns a sample)."""
    prefer_wide_vectors()
    plain = True
    dense = True
    for j in range(BLOCK):
        plain &= ((w[I_PP * ROW + j] == 1.0) & (w[I_MICROBATCHES * ROW + j] == 0.0) &
            (w[I_EXPERT_PARALLEL * ROW + j] == 0.0) & (w[I_ATTENTION_DP * ROW + j] == 0.0) &
            (w[I_SCALEUP_DEVICES * ROW + j] == 0.0) & (w[I_CHUNKED_PREFILL * ROW + j] == 0.0) &
            (w[I_DISAGGREGATED * ROW + j] == 0.0))
        dense &= ((w[I_N_EXPERTS * ROW + j] == 1.0) & (w[I_EXPERTS_PER_TOKEN * ROW + j] == 1.0))
    if plain and dense:
        evaluate_block_dense_f32(w)
    elif plain:
        evaluate_block_plain_f32(w)
    else:
        evaluate_block_general_f32(w)
# ---- END GENERATED ----


# ------------------------------------------------------------------------------------------------
# Summaries
# ------------------------------------------------------------------------------------------------

@_jit_inline
def sketch_index(v):
    """summary.sketch_index: the float's exponent and top mantissa bits, mirrored below the zero
    bucket for a negative value."""
    a = abs(v)
    m = np.int64(0)
    if a >= SKETCH_MIN:
        m = np.int64(_bits_of(a) >> SKETCH_SHIFT_U) - SKETCH_KEY_OFFSET
        m = m if m < SKETCH_HALF else SKETCH_HALF
    return SKETCH_ZERO - m if v < 0.0 else SKETCH_ZERO + m


FOLD_LANES = 8   # lanes of the moment sums, as FOLD_LANES in the C core


@intrinsic
def _lane_accumulators(typingctx, y, r, ok, whole, sh):
    """The per-lane accumulators of lane_sums, as a tuple of 4 * FOLD_LANES floats: with v = y[r],
    the sums of d = v[j] - sh (0.0 where not ok[j]), of d * d, the min and the max of v[j] over the
    lanes j < whole with ok[j], lane k taking j = k, k + FOLD_LANES, ... in that order.

    Emitted as a loop over LLVM vectors of FOLD_LANES doubles: lane k of each vector operation is
    the scalar operation of lane k, so every lane's value is the same to the bit as the scalar
    code's (IEEE operations, no reassociation; min and max are the same compares and selects).
    Written in Python, the eight lanes stay scalar and branchy: numba runs LLVM without its SLP
    vectoriser, and the loop vectoriser does not reorder floating-point sums (this loop ran 6x
    slower). The row is read through y's data pointer rather than a view ``y[r]``: a view costs
    an atomic reference count increment and decrement per metric and block. ``y`` (2-D float64)
    and ``ok`` (bool) must be contiguous, each row of y and ``ok`` with at least ``whole`` lanes,
    ``0 <= r < y.shape[0]`` and ``whole`` a multiple of FOLD_LANES."""
    if not (isinstance(y, types.Array) and y.dtype == types.float64 and y.ndim == 2
            and y.layout == "C" and isinstance(r, types.Integer)
            and isinstance(ok, types.Array) and ok.dtype == types.boolean
            and ok.ndim == 1 and ok.layout == "C" and isinstance(whole, types.Integer)
            and isinstance(sh, types.Float)):
        return None
    result = types.UniTuple(types.float64, 4 * FOLD_LANES)

    def codegen(context, builder, signature, args):
        yty, rty, okty, wholety, shty = signature.args
        y_array = context.make_array(yty)(context, builder, value=args[0])
        row_length = cgutils.unpack_tuple(builder, y_array.shape, 2)[1]
        row = builder.mul(context.cast(builder, args[1], rty, types.intp), row_length)
        v_data = builder.gep(y_array.data, [row])
        ok_data = context.make_array(okty)(context, builder, value=args[2]).data
        n = context.cast(builder, args[3], wholety, types.int64)
        sh_ = context.cast(builder, args[4], shty, types.float64)
        i32, i64 = ir.IntType(32), ir.IntType(64)
        vec = ir.VectorType(ir.DoubleType(), FOLD_LANES)
        bytes_ = ir.VectorType(ir.IntType(8), FOLD_LANES)

        def splat(x):
            return ir.Constant(vec, [x] * FOLD_LANES)

        zero, pinf, ninf = splat(0.0), splat(math.inf), splat(-math.inf)
        shv = builder.insert_element(ir.Constant(vec, ir.Undefined), sh_, ir.Constant(i32, 0))
        shv = builder.shuffle_vector(shv, ir.Constant(vec, ir.Undefined),
                                     ir.Constant(ir.VectorType(i32, FOLD_LANES), [0] * FOLD_LANES))
        entry = builder.block
        head = builder.append_basic_block("lanes.head")
        body = builder.append_basic_block("lanes.body")
        done = builder.append_basic_block("lanes.done")
        builder.branch(head)
        builder.position_at_end(head)
        j, a, b, lo, hi = (builder.phi(t) for t in (i64, vec, vec, vec, vec))
        for phi, start in ((j, ir.Constant(i64, 0)), (a, zero), (b, zero), (lo, pinf), (hi, ninf)):
            phi.add_incoming(start, entry)
        builder.cbranch(builder.icmp_signed("<", j, n), body, done)
        builder.position_at_end(body)
        x = builder.load(builder.bitcast(builder.gep(v_data, [j]), vec.as_pointer()), align=8)
        okj = builder.load(builder.bitcast(builder.gep(ok_data, [j]), bytes_.as_pointer()), align=1)
        g = builder.icmp_unsigned("!=", okj, ir.Constant(bytes_, [0] * FOLD_LANES))
        d = builder.select(g, builder.fsub(x, shv), zero)           # d = x - sh if g else 0.0
        a_next = builder.fadd(a, d)                                  # a += d
        b_next = builder.fadd(b, builder.fmul(d, d))                 # b += d * d
        xl = builder.select(g, x, pinf)                              # xl = x if g else inf
        xh = builder.select(g, x, ninf)                              # xh = x if g else -inf
        lo_next = builder.select(builder.fcmp_ordered("<", xl, lo), xl, lo)  # xl if xl < lo else lo
        hi_next = builder.select(builder.fcmp_ordered(">", xh, hi), xh, hi)  # xh if xh > hi else hi
        for phi, value in ((j, builder.add(j, ir.Constant(i64, FOLD_LANES))), (a, a_next),
                           (b, b_next), (lo, lo_next), (hi, hi_next)):
            phi.add_incoming(value, body)
        builder.branch(head)
        builder.position_at_end(done)
        lanes = [builder.extract_element(acc, ir.Constant(i32, k))
                 for acc in (a, b, lo, hi) for k in range(FOLD_LANES)]
        return context.make_tuple(builder, signature.return_type, lanes)

    return result(y, r, ok, whole, sh), codegen


@_jit_inline
def lane_sums(y, r, ok, whole, sh):
    """With v = y[r]: sum of v[j] - sh and of its square, min and max of v[j], over the lanes
    j < whole with ok[j], as the C core's fold: lane k takes every FOLD_LANES-th sample from k and
    the lanes are added in lane order."""
    t = _lane_accumulators(y, r, ok, whole, sh)
    a = ((((((t[0] + t[1]) + t[2]) + t[3]) + t[4]) + t[5]) + t[6]) + t[7]
    b = ((((((t[8] + t[9]) + t[10]) + t[11]) + t[12]) + t[13]) + t[14]) + t[15]
    lo = min(min(min(min(min(min(min(t[16], t[17]), t[18]), t[19]), t[20]), t[21]), t[22]), t[23])
    hi = max(max(max(max(max(max(max(t[24], t[25]), t[26]), t[27]), t[28]), t[29]), t[30]), t[31])
    return a, b, lo, hi


ALL_METRICS = np.arange(N_METRICS, dtype=np.int32)   # a sweep point's summary has every metric


@_jit
def fold_block(y, n, ok, idx, fold, count, shift, s1, s2, mn, mx, hist, status):
    """Fold the feasible samples of a block into the chunk's moments (shifted sums, see
    lane_sums) and the histograms, for the metrics ``fold`` only."""
    prefer_wide_vectors()
    feasible = 0
    for j in range(n):
        st = int(y[0, j])
        status[st] += 1
        ok[j] = st == 0
        feasible += st == 0
    if feasible == 0:
        return
    whole = (n + FOLD_LANES - 1) // FOLD_LANES * FOLD_LANES
    for j in range(n, whole):
        ok[j] = False   # lanes past the block's end count as infeasible
    for m in fold:
        # Rows are indexed in place, never taken as views (y[m + 1], hist[m]): a view costs an
        # atomic reference count increment and decrement per metric and block.
        r = m + 1
        if count[m] == 0:
            for j in range(n):
                if ok[j]:
                    shift[m] = y[r, j]
                    break
        a, b, lo, hi = lane_sums(y, r, ok, whole, shift[m])
        count[m] += feasible
        s1[m] += a
        s2[m] += b
        mn[m] = min(mn[m], lo)
        mx[m] = max(mx[m], hi)
        if lo == hi:
            hist[m, sketch_index(lo)] += feasible      # a constant metric: one update
        else:
            # Indices in a vectorisable pass, then branch-free increments; infeasible samples
            # count into the spare last slot of the row, which is never read. The indices are
            # unsigned so that numba adds no negative-index wraparound to each increment (that
            # made the fold 1.13x slower).
            for j in range(n):
                idx[j] = np.uint32(sketch_index(y[r, j]) if ok[j] else SKETCH_BUCKETS)
            # Unrolled by hand, as the C core's loop: each increment is one memory add, and the
            # loop's own compare and branch were a third of its instructions.
            mu = np.uint32(m)
            j = 0
            while j + 4 <= n:
                hist[mu, idx[j]] += 1
                hist[mu, idx[j + 1]] += 1
                hist[mu, idx[j + 2]] += 1
                hist[mu, idx[j + 3]] += 1
                j += 4
            while j < n:
                hist[mu, idx[j]] += 1
                j += 1


# ------------------------------------------------------------------------------------------------
# Drivers
# ------------------------------------------------------------------------------------------------

@_jit
def simulate_chunks(kinds, params, integer, choice_values, choice_weights, key, start, stop, chunk,
                    fold, next_chunk, n_chunks, status, chunk_moments, hist, keep_inputs,
                    keep_outputs, keep, single):
    """The chunks of the span ``start .. stop`` that this thread takes from the shared counter
    ``next_chunk`` (one at a time, until all ``n_chunks`` are taken), counted into this thread's
    ``status`` and ``hist``; ``chunk_moments`` rows are indexed by chunk within the span; only the
    metrics ``fold`` are folded; ``single``: the model in float32 (precision="float32")."""
    w, x, y = workspace()
    v = workspace_f32(single)
    skey, u, z, tails = draw_scratch()
    ok = np.empty(BLOCK, dtype=np.bool_)
    idx = np.empty(BLOCK, dtype=np.uint32)
    fill_fixed(kinds, params, x)
    drawn = drawn_rows(kinds)
    if single:
        round_rows(w, v, ALL_INPUTS)   # the fixed inputs, once
    count = np.zeros(N_METRICS, dtype=np.int64)
    shift = np.zeros(N_METRICS)
    s1 = np.zeros(N_METRICS)
    s2 = np.zeros(N_METRICS)
    mn = np.empty(N_METRICS)
    mx = np.empty(N_METRICS)
    while True:
        c = take_next(next_chunk)
        if c >= n_chunks:
            break
        lo = start + c * chunk
        hi = min(lo + chunk, stop)
        reset_moments(count, shift, s1, s2, mn, mx)
        for i0 in range(lo, hi, BLOCK):
            n = min(BLOCK, hi - i0)
            draw_block(kinds, params, integer, choice_values, choice_weights, key, i0, n,
                       skey, u, z, tails, x)
            if single:
                evaluate_block_single(w, v, drawn)
            else:
                evaluate_block(w)
            if keep:
                keep_inputs[i0 - start:i0 - start + n, :] = x[:, :n].T
                keep_outputs[i0 - start:i0 - start + n, :] = y[:, :n].T
            fold_block(y, n, ok, idx, fold, count, shift, s1, s2, mn, mx, hist, status)
        write_moments(count, shift, s1, s2, mn, mx, chunk_moments[c])


@_jit_inline
def reset_moments(count, shift, s1, s2, mn, mx):
    """Fresh shifted sums for a new chunk."""
    count[:] = 0
    shift[:] = 0.0
    s1[:] = 0.0
    s2[:] = 0.0
    mn[:] = np.inf
    mx[:] = -np.inf


@_jit
def write_moments(count, shift, s1, s2, mn, mx, out):
    """A chunk's (count, mean, m2, min, max) per metric from its shifted sums."""
    for m in range(N_METRICS):
        k = float(count[m])
        out[m, 0] = k
        out[m, 1] = shift[m] + s1[m] / k if count[m] else 0.0
        out[m, 2] = max(s2[m] - s1[m] * s1[m] / k, 0.0) if count[m] else 0.0
        out[m, 3] = mn[m]
        out[m, 4] = mx[m]


# ------------------------------------------------------------------------------------------------
# Sweep grids (the layout of inferonomics.analysis.grid.EncodedGrid; see inf_sweep_* in the C core)
# ------------------------------------------------------------------------------------------------

@_jit_inline
def grid_rows(radix, owned_offset, row_offset, p, rows):
    """Table rows of grid point p for every owned input (digits in C order)."""
    for k in range(radix.size - 1, -1, -1):
        r = radix[k]
        d = p % r
        p //= r
        lo = owned_offset[k]
        n = owned_offset[k + 1] - lo
        for i in range(n):
            rows[lo + i] = row_offset[k] + d * n + i


@_jit
def sweep_evaluate_points(base, radix, owned_offset, owned_param, row_offset, table, start, stop,
                          out):
    w, x, y = workspace()
    n_groups = radix.size
    for s in range(N_INPUTS):   # inputs no group owns never change: write them once
        x[s, :] = base[s]
    digits = np.empty(n_groups, dtype=np.int64)
    for i0 in range(start, stop, BLOCK):
        n = min(BLOCK, stop - i0)
        p = i0
        for k in range(n_groups - 1, -1, -1):
            digits[k] = p % radix[k]
            p //= radix[k]
        for j in range(n):
            for k in range(n_groups):
                lo = owned_offset[k]
                m = owned_offset[k + 1] - lo
                r0 = row_offset[k] + digits[k] * m
                for i in range(m):
                    x[owned_param[lo + i], j] = table[r0 + i]
            for k in range(n_groups - 1, -1, -1):   # odometer: the next point's digits
                digits[k] += 1
                if digits[k] < radix[k]:
                    break
                digits[k] = 0
        evaluate_block(w)
        out[i0 - start:i0 - start + n, :] = y[:, :n].T


@_jit_inline
def merge_moments(acc, part):
    """backends.merge_chunk_moments for one metric, operation for operation."""
    nb = part[0]
    if nb > 0:
        na = acc[0]
        n = na + nb
        delta = part[1] - acc[1]
        acc[1] = acc[1] + delta * nb / n
        acc[2] = acc[2] + part[2] + delta * delta * na * nb / n
        acc[0] = n
    acc[3] = min(acc[3], part[3])
    acc[4] = max(acc[4], part[4])


@_jit_inline
def bucket_value(k):
    """summary.sketch_bucket_value."""
    m = k - SKETCH_ZERO
    if m == 0:
        return 0.0
    a = -m if m < 0 else m
    value = np.inf   # the overflow bucket of its sign
    if a < SKETCH_HALF:
        key = U64(a + SKETCH_KEY_OFFSET)
        value = 0.5 * (_double_of(key << SKETCH_SHIFT_U) + _double_of((key + U64(1)) << SKETCH_SHIFT_U))
    return -value if m < 0 else value


@_jit
def quantiles_and_clear(h, mom, qs, out):
    """Quantiles (ascending qs) of one metric's histogram row, clamped to [min, max], as
    MetricSummary.quantile; zeroes the row on the way."""
    h[SKETCH_BUCKETS] = 0
    count = mom[0]
    if count == 0:
        out[:] = np.nan
        return
    qi = 0
    seen = 0
    for k in range(sketch_index(mom[3]), sketch_index(mom[4]) + 1):
        seen += h[k]
        h[k] = 0
        while qi < qs.size and seen > math.floor(qs[qi] * (count - 1.0)):
            out[qi] = min(max(bucket_value(k), mom[3]), mom[4])
            qi += 1
    out[qi:] = np.nan


@_jit
def sweep_simulate_points(kinds0, params0, integer, choice_values, choice_weights, radix,
                          owned_offset, owned_param, row_offset, table_kinds, table_params, key,
                          samples, chunk, qs, start, stop, status, moments, qvalues):
    w, x, y = workspace()
    skey, u, z, tails = draw_scratch()
    ok = np.empty(BLOCK, dtype=np.bool_)
    idx = np.empty(BLOCK, dtype=np.uint32)
    hist = np.zeros((N_METRICS, SKETCH_BUCKETS + 1), dtype=np.int64)
    kinds = kinds0.copy()
    params = params0.copy()
    n_owned = owned_offset[radix.size]
    rows = np.empty(n_owned + 1, dtype=np.int64)
    count = np.zeros(N_METRICS, dtype=np.int64)
    shift = np.zeros(N_METRICS)
    s1 = np.zeros(N_METRICS)
    s2 = np.zeros(N_METRICS)
    mn = np.empty(N_METRICS)
    mx = np.empty(N_METRICS)
    part = np.empty((N_METRICS, 5))
    fill_fixed(kinds0, params0, x)   # inputs no group owns keep the base plan's fixed values
    used = min(samples, BLOCK)   # the lanes a point's blocks use
    for p in range(start, stop):
        grid_rows(radix, owned_offset, row_offset, p, rows)
        for i in range(n_owned):
            s = owned_param[i]
            kinds[s] = table_kinds[rows[i]]
            params[s, :] = table_params[rows[i]]
            if kinds[s] == KIND_FIXED:
                x[s, :used] = params[s, 0]
        st = status[p - start]
        st[:] = 0
        acc = moments[p - start]
        acc[:, :3] = 0.0
        acc[:, 3] = np.inf
        acc[:, 4] = -np.inf
        for lo in range(0, samples, chunk):
            hi = min(lo + chunk, samples)
            reset_moments(count, shift, s1, s2, mn, mx)
            for i0 in range(lo, hi, BLOCK):
                n = min(BLOCK, hi - i0)
                draw_block(kinds, params, integer, choice_values, choice_weights, key, i0, n,
                           skey, u, z, tails, x)
                evaluate_block(w)
                fold_block(y, n, ok, idx, ALL_METRICS, count, shift, s1, s2, mn, mx, hist, st)
            write_moments(count, shift, s1, s2, mn, mx, part)
            for m in range(N_METRICS):
                merge_moments(acc[m], part[m])
        for m in range(N_METRICS):
            quantiles_and_clear(hist[m], acc[m], qs, qvalues[p - start, m])


@_jit
def draw_range(kinds, params, integer, choice_values, choice_weights, key, start, out):
    x = np.empty((N_INPUTS, BLOCK))
    skey, u, z, tails = draw_scratch()
    fill_fixed(kinds, params, x)
    for i0 in range(0, out.shape[0], BLOCK):
        n = min(BLOCK, out.shape[0] - i0)
        draw_block(kinds, params, integer, choice_values, choice_weights, key, start + i0, n,
                   skey, u, z, tails, x)
        out[i0:i0 + n, :] = x[:, :n].T


@_jit
def draw_only_range(kinds, params, integer, choice_values, choice_weights, key, start, stop):
    # The rows simulate draws into, as the C core's draw_only does (not rows of BLOCK lanes:
    # 4096 bytes apart, every row's lane j maps to the same L1 set).
    _, x, _ = workspace()
    skey, u, z, tails = draw_scratch()
    fill_fixed(kinds, params, x)
    total = 0.0
    for i0 in range(start, stop, BLOCK):
        n = min(BLOCK, stop - i0)
        draw_block(kinds, params, integer, choice_values, choice_weights, key, i0, n,
                   skey, u, z, tails, x)
        for s in range(N_INPUTS):
            if kinds[s] != KIND_FIXED:
                total += x[s, n - 1]
    return total


@_jit
def evaluate_rows(inputs, outputs, single):
    w, x, y = workspace()
    v = workspace_f32(single)
    for i0 in range(0, inputs.shape[0], BLOCK):
        n = min(BLOCK, inputs.shape[0] - i0)
        x[:, :n] = inputs[i0:i0 + n, :].T
        if single:
            evaluate_block_single(w, v, ALL_INPUTS)
        else:
            evaluate_block(w)
        outputs[i0:i0 + n, :] = y[:, :n].T


def _key(seed: int) -> np.uint64:
    return U64(seed_key(seed))


def _plan_args(plan: EncodedPlan):
    return (plan.kinds, plan.params, plan.integer, plan.choice_values, plan.choice_weights)


def draw_inputs(plan: EncodedPlan, seed: int, start: int, n: int) -> np.ndarray:
    out = np.empty((n, N_INPUTS))
    draw_range(*_plan_args(plan), _key(seed), start, out)
    return out


def draw_only(plan: EncodedPlan, seed: int, samples: int, threads: int) -> float:
    """Benchmark floor: draw every input of samples 0 .. samples-1 as simulate does, nothing else."""
    blocks = _split(-(-samples // BLOCK), threads)
    bounds = [(a * BLOCK, min(b * BLOCK, samples)) for a, b in blocks]
    args = _plan_args(plan) + (_key(seed),)
    return sum(run_on_threads(lambda ab: draw_only_range(*args, ab[0], ab[1]), bounds))


def _check_threads(threads: int) -> None:
    if threads < 1:   # as the C core's binding; below the API's own check
        raise CoreError(f"the numba core refused the call: threads must be at least 1, got "
                        f"{threads}")


def _split(n: int, parts: int) -> list[tuple[int, int]]:
    _check_threads(parts)
    bounds = [n * p // parts for p in range(parts + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _single(precision: str, call: str) -> bool:
    """Whether ``precision`` is float32, refusing an unknown one for ``call``."""
    if precision not in PRECISIONS:
        raise CoreError(f"numba core {call} refused the call: precision must be one of "
                        f"{', '.join(PRECISIONS)}, got {precision!r}")
    return precision == "float32"


def evaluate(inputs: np.ndarray, threads: int, precision: str = "float64",
             out: np.ndarray | None = None) -> np.ndarray:
    """Same contract as :func:`inferonomics.cores.cbinding.evaluate`."""
    single = _single(precision, "evaluate")
    inputs = np.ascontiguousarray(inputs, dtype=np.float64)
    out = output_rows(out, inputs.shape[0], "the numba core's evaluate")
    run_on_threads(lambda ab: evaluate_rows(inputs[ab[0]:ab[1]], out[ab[0]:ab[1]], single),
                   _split(inputs.shape[0], threads))
    return out


_EMPTY_KEEP = np.empty((0, 0))
MAX_SPAN = 1 << 30   # samples per simulate call: INF_MAX_SPAN of the C core


def simulate(plan: EncodedPlan, seed: int, start: int, stop: int, chunk: int, threads: int,
             fold: np.ndarray, status: np.ndarray, chunk_moments: np.ndarray, hist: np.ndarray,
             keep_inputs: np.ndarray | None, keep_outputs: np.ndarray | None,
             precision: str = "float64") -> None:
    """Same contract as :func:`inferonomics.cores.cbinding.simulate`."""
    single = _single(precision, "simulate")
    if not 0 <= stop - start <= MAX_SPAN:
        raise CoreError(f"numba core simulate refused the call: a call spans 0 to {MAX_SPAN:,} "
                        f"samples (its histograms count in 32 bits), got {stop - start:,}")
    _check_threads(threads)
    n_chunks = -(-(stop - start) // chunk)
    keep = keep_inputs is not None
    if not isinstance(fold, np.ndarray) or fold.dtype != np.int32 or fold.ndim != 1:
        raise CoreError("numba core simulate refused the call: fold must be a 1-D int32 array "
                        f"of metric indices, got {type(fold).__name__} "
                        f"{getattr(fold, 'dtype', '')}")
    if fold.size > N_METRICS or (fold.size and (
            fold.min() < 0 or fold.max() >= N_METRICS or np.any(np.diff(fold) <= 0))):
        raise CoreError(f"numba core simulate refused the call: fold must list strictly ascending "
                        f"metric indices below {N_METRICS}")
    args = _plan_args(plan) + (_key(seed), start, stop, chunk, fold)
    # The threads take chunks one at a time from a shared counter, as the C core's
    # schedule(dynamic, 1): a thread on a busier CPU takes fewer (contiguous groups of chunks per
    # thread left the one on the slower vCPU 5-30 ms behind the other, of 160-180). Each thread
    # counts into its own status vector and histogram, integer counts added afterwards, so the
    # result does not depend on which thread took which chunk. Each histogram row has a spare last
    # slot that absorbs infeasible samples (see fold_block). 32-bit counts, as the C core's
    # per-thread histograms: half the memory to zero and add up (a call spans at most
    # MAX_SPAN < 2**31 samples, so they cannot overflow).
    next_chunk = np.zeros(1, dtype=np.int64)

    def run(_):
        my_status = np.zeros_like(status)
        my_hist = np.zeros((hist.shape[0], hist.shape[1] + 1), dtype=np.int32)
        simulate_chunks(*args, next_chunk, n_chunks, my_status, chunk_moments, my_hist,
                        keep_inputs if keep else _EMPTY_KEEP, keep_outputs if keep else _EMPTY_KEEP,
                        keep, single)
        return my_status, my_hist

    # Added once every thread has finished: a failed call leaves status and hist untouched. Each
    # metric's counts lie between the buckets of its smallest and largest value over the chunks,
    # so only those are added (all 28 rows of 32,771 buckets were most of a small call's time).
    results = run_on_threads(run, range(min(threads, n_chunks)))
    lows = chunk_moments[:n_chunks, :, 3].min(axis=0, initial=np.inf)
    highs = chunk_moments[:n_chunks, :, 4].max(axis=0, initial=-np.inf)
    ranges = enumerate(map(bucket_range, lows.tolist(), highs.tolist()))
    windows = [(m, buckets) for m, buckets in ranges if buckets is not None]
    for my_status, my_hist in results:
        for m, buckets in windows:
            hist[m, buckets] += my_hist[m, buckets]
        status += my_status


def _grid_args(grid):
    return (grid.radix, grid.owned_offset, grid.owned_param, grid.row_offset)


def sweep_evaluate(grid, start: int, stop: int, threads: int, out=None) -> np.ndarray:
    """Outputs (one row per grid point start .. stop-1 of an inferonomics.analysis.grid.Grid) with every
    input at its median."""
    grid = grid.encoded
    out = np.empty((stop - start, N_OUTPUTS)) if out is None else out
    args = (grid.base_medians,) + _grid_args(grid) + (grid.table_medians,)
    run_on_threads(lambda ab: sweep_evaluate_points(*args, start + ab[0], start + ab[1],
                                                    out[ab[0]:ab[1]]), _split(stop - start, threads))
    return out


def sweep_simulate(grid, seed: int, samples: int, chunk: int, quantiles: np.ndarray, start: int,
                   stop: int, threads: int):
    """Same contract as :func:`inferonomics.cores.cbinding.sweep_simulate`."""
    grid = grid.encoded
    n = stop - start
    qs = np.ascontiguousarray(quantiles, dtype=np.float64)
    status = np.empty((n, N_STATUS), dtype=np.int64)
    moments = np.empty((n, N_METRICS, 5))
    values = np.empty((n, N_METRICS, qs.size))
    args = _plan_args(grid.plan) + _grid_args(grid) + (grid.table_kinds, grid.table_params,
                                                       _key(seed), samples, chunk, qs)
    # Points are independent: any split gives the same numbers.
    run_on_threads(lambda ab: sweep_simulate_points(*args, start + ab[0], start + ab[1],
                                                    status[ab[0]:ab[1]], moments[ab[0]:ab[1]],
                                                    values[ab[0]:ab[1]]), _split(n, threads))
    return status, moments, values
