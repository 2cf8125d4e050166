/* inferonomics C core. See inferonomics.h. The model's formulas are generated from
 * src/inferonomics/model/reference.py into generated/model.h; the draws, the stream and the summaries
 * here mirror distributions.py, rng.py and summary.py. */
#include "inferonomics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif


int32_t inf_have_openmp(void) {
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

/* ---------------------------------------------------------------------------------------------
 * Counter-based stream (rng.py)
 * ------------------------------------------------------------------------------------------- */
#define GAMMA 0x9E3779B97F4A7C15ULL
#define MIX_MUL1 0xBF58476D1CE4E5B9ULL
#define MIX_MUL2 0x94D049BB133111EBULL
#define DRAW_INDEX_BITS 32
#define UNIFORM_BITS 52

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * MIX_MUL1;
    z = (z ^ (z >> 27)) * MIX_MUL2;
    return z ^ (z >> 31);
}
static inline uint64_t seed_key(uint64_t seed) { return mix64(seed + GAMMA); }
static inline uint64_t sample_key(uint64_t key, uint64_t i) { return mix64(key ^ (i * GAMMA)); }
static inline double uniform(uint64_t skey, uint64_t stream, uint64_t k) {
    uint64_t bits = mix64(skey + ((stream << DRAW_INDEX_BITS) | k) * GAMMA);
    return ((double)(bits >> (64 - UNIFORM_BITS)) + 0.5) * (1.0 / (double)(1ULL << UNIFORM_BITS));
}

/* ---------------------------------------------------------------------------------------------
 * Elementary functions. glibc's exp/log are scalar calls that stop the compiler from vectorising a
 * loop, so the core has its own branch-free versions (accurate to about 1 ulp, which keeps draws
 * within 1e-15 of the reference's math.exp / math.log). sqrt is an instruction and exact.
 * ------------------------------------------------------------------------------------------- */
static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }
static inline double bits_double(uint64_t b) { double d; memcpy(&d, &b, sizeof d); return d; }
static inline uint64_t double_bits(double d) { uint64_t b; memcpy(&b, &d, sizeof b); return b; }

#define LN2_HI 6.93147180369123816490e-01 /* ln 2 split in two (fdlibm) */
#define LN2_LO 1.90821492927058770002e-10
#define LOG2E 1.44269504088896338700
#define EXP_UNDERFLOW (-745.2)             /* below: 0 */
#define EXP_OVERFLOW 709.8                 /* above: inf */

/* 2**n for integer-valued n in [-1022, 1023], from the exponent bits. */
static inline double pow2i(double n) { return bits_double((uint64_t)((int64_t)n + 1023) << 52); }

/* e**x: x = n ln2 + r with |r| <= ln2 / 2, e**r by its Taylor series to r**13 (error < 2e-17),
 * scaled by 2**n in two halves so subnormal results stay right. The series is summed as
 * 1 + (r + r**2 q(r)) with q in Estrin's scheme (pairs, then pairs of pairs in r**2, r**4, r**8):
 * Horner's 13 dependent steps made every x ** y of the model wait on one long chain (measured:
 * the same accuracy, max 1 ulp against libm; the model 1.1x faster). numba_core.exp_ sums in the
 * same order. */
static inline double exp_(double x) {
    double xc = x < EXP_UNDERFLOW ? EXP_UNDERFLOW : (x > EXP_OVERFLOW ? EXP_OVERFLOW : x);
    double n = floor(xc * LOG2E + 0.5);
    double r = (xc - n * LN2_HI) - n * LN2_LO;
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double a1 = 0.5 + (1.0 / 6.0) * r, a2 = 1.0 / 24.0 + (1.0 / 120.0) * r;
    double a3 = 1.0 / 720.0 + (1.0 / 5040.0) * r, a4 = 1.0 / 40320.0 + (1.0 / 362880.0) * r;
    double a5 = 1.0 / 3628800.0 + (1.0 / 39916800.0) * r;
    double a6 = 1.0 / 479001600.0 + (1.0 / 6227020800.0) * r;          /* 1/12!, 1/13! */
    double q = ((a1 + a2 * r2) + (a3 + a4 * r2) * r4) + (a5 + a6 * r2) * r8;
    double p = 1.0 + (r + r2 * q);
    double n1 = floor(0.5 * n), n2 = n - n1;
    double y = p * pow2i(n1) * pow2i(n2);
    y = x < EXP_UNDERFLOW ? 0.0 : y;
    y = x > EXP_OVERFLOW ? INFINITY : y;
    return x != x ? x : y;
}

/* fdlibm e_log.c's minimax coefficients Lg1..Lg7 of (ln((1 + s) / (1 - s)) - 2s) / (s z), z = s**2,
 * on |s| < 0.1716 (error below 2**-58.45); half of each is the coefficient of log_'s series. */
#define LG1 6.666666666666735130e-01
#define LG2 3.999999999940941908e-01
#define LG3 2.857142874366239149e-01
#define LG4 2.222219843214978396e-01
#define LG5 1.818357216161805012e-01
#define LG6 1.531383769920937332e-01
#define LG7 1.479819860511658591e-01

/* ln x for x >= 0: x = m 2**e with sqrt(1/2) <= m < sqrt(2); ln m = 2 atanh(s), s = f / (2 + f),
 * f = m - 1 (2 + f is m + 1 to the bit: f is exact), as 2s + 2 s z r(z) with r fdlibm's minimax
 * polynomial (7 terms where the Taylor series 1/3 + z/5 + ... needed 11; max 1 ulp against libm
 * either way), summed in Estrin's scheme as in exp_. */
static inline double log_(double x) {
    uint64_t b = double_bits(x);
    double e = (double)((int64_t)(b >> 52) - 1023);
    double m = bits_double((b & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL);
    int big = m > 1.41421356237309504880;
    m = big ? 0.5 * m : m;
    e = big ? e + 1.0 : e;
    double f = m - 1.0, s = f / (m + 1.0), z = s * s;
    double z2 = z * z, z4 = z2 * z2;
    double a0 = 0.5 * LG1 + (0.5 * LG2) * z, a1 = 0.5 * LG3 + (0.5 * LG4) * z;
    double a2 = 0.5 * LG5 + (0.5 * LG6) * z;
    double r = (a0 + a1 * z2) + (a2 + (0.5 * LG7) * z2) * z4;
    double y = e * LN2_HI + ((f - s * (f - z * 2.0 * r)) + e * LN2_LO);
    y = x == 0.0 ? -INFINITY : y;
    y = (x < 0.0) | (x != x) ? NAN : y;
    return x == INFINITY ? INFINITY : y;
}

/* Single precision (precision="float32"): the same two functions for float, fewer terms. */
static inline float bits_float(uint32_t b) { float f; memcpy(&f, &b, sizeof f); return f; }
static inline uint32_t float_bits(float f) { uint32_t b; memcpy(&b, &f, sizeof b); return b; }

#define LN2_HI_F 6.9313812256e-01f   /* ln 2 split in two (fdlibm's e_logf.c) */
#define LN2_LO_F 9.0580006145e-06f
#define LOG2E_F 1.44269504f
/* The float32 values nearest the ends of exp's range, written exactly: below, e**x rounds to 0
 * (it is under half the smallest subnormal, 2**-150); above, it is past FLT_MAX. */
#define EXPF_UNDERFLOW (-103.972076416015625f)
#define EXPF_OVERFLOW 88.72283172607421875f
#define FLOAT_MIN_NORMAL 1.17549435e-38f
#define TWO_POW_24 16777216.0f

/* 2**n for integer-valued n in [-126, 127], from the exponent bits. */
static inline float pow2if(float n) { return bits_float((uint32_t)((int32_t)n + 127) << 23); }

/* e**x in float: x = n ln2 + r with |r| <= ln2 / 2, e**r by its Taylor series to r**7 (error
 * below 1e-8, under float's half ulp of 6e-8), summed as exp_ does, scaled by 2**n in two halves. */
static inline float exp_f32(float x) {
    float xc = x < EXPF_UNDERFLOW ? EXPF_UNDERFLOW : (x > EXPF_OVERFLOW ? EXPF_OVERFLOW : x);
    float n = floorf(xc * LOG2E_F + 0.5f);
    float r = (xc - n * LN2_HI_F) - n * LN2_LO_F;
    float r2 = r * r, r4 = r2 * r2;
    float a1 = 0.5f + (1.0f / 6.0f) * r, a2 = 1.0f / 24.0f + (1.0f / 120.0f) * r;
    float a3 = 1.0f / 720.0f + (1.0f / 5040.0f) * r;
    float p = 1.0f + (r + r2 * ((a1 + a2 * r2) + a3 * r4));
    float n1 = floorf(0.5f * n), n2 = n - n1;
    float y = p * pow2if(n1) * pow2if(n2);
    y = x < EXPF_UNDERFLOW ? 0.0f : y;
    y = x > EXPF_OVERFLOW ? INFINITY : y;
    return x != x ? x : y;
}

/* ln x in float for x >= 0, as log_ (|s| < 0.172, series to z**4, in pairs: error below 1e-9); a
 * subnormal x is scaled by 2**24 first so its exponent bits are right. */
static inline float log_f32(float x) {
    int tiny = x < FLOAT_MIN_NORMAL;
    uint32_t b = float_bits(tiny ? x * TWO_POW_24 : x);
    float e = (float)((int32_t)(b >> 23) - 127) - (tiny ? 24.0f : 0.0f);
    float m = bits_float((b & 0x007FFFFFu) | 0x3F800000u);
    int big = m > 1.41421356f;
    m = big ? 0.5f * m : m;
    e = big ? e + 1.0f : e;
    float f = m - 1.0f, s = f / (m + 1.0f), z = s * s;
    float r = (1.0f / 3.0f + (1.0f / 5.0f) * z) + (1.0f / 7.0f + (1.0f / 9.0f) * z) * (z * z);
    float y = e * LN2_HI_F + ((f - s * (f - z * 2.0f * r)) + e * LN2_LO_F);
    y = x == 0.0f ? -INFINITY : y;
    y = (x < 0.0f) | (x != x) ? NAN : y;
    return x == INFINITY ? INFINITY : y;
}

#define BLOCK 512      /* samples per block: columns of a block stay in L1/L2 */
/* Row stride of a block's arrays: one cache line more than BLOCK. With exactly 4096-byte rows the
 * same lane of all ~74 input and output rows falls in one L1 set and they evict each other. */
#define ROW (BLOCK + 8)

/* ---------------------------------------------------------------------------------------------
 * Distributions (distributions.py, encoding.py), a column of a block at a time
 * ------------------------------------------------------------------------------------------- */
enum { K_FIXED, K_UNIFORM, K_NORMAL, K_TRUNCNORM, K_LOGNORMAL, K_TRIANG, K_PERT, K_CHOICE };
#define GAMMA_MAX_ATTEMPTS 64
#define GAMMA_SECOND_VARIATE_OFFSET (1u << 16)

/* Wichura (1988) AS241 PPND16, as distributions.standard_normal_quantile, in its three regions.
 * The central one covers |p - 0.5| <= 0.425 (85% of draws); the tails need a log and a square root. */
#define AS241_SPLIT 0.425

static inline double normal_central(double q) {
    double r = 0.180625 - q * q;
    double num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r
                       + 6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r
                     + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
                   + 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) * q;
    double den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r
                       + 3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r
                     + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
                   + 4.2313330701600911252e+1) * r + 1.0);
    return num / den;
}

static inline double normal_tail(double p) {
    double q = p - 0.5;
    double t = sqrt(-log_(q < 0.0 ? p : 1.0 - p));
    double a = t - 1.6, b = t - 5.0;
    double near_num = (((((((7.7454501427834140764e-4 * a + 2.2723844989269184583e-2) * a
                            + 2.4178072517745061177e-1) * a + 1.2704582524523683826e+0) * a
                          + 3.6478483247632045960e+0) * a + 5.7694972214606914055e+0) * a
                        + 4.6303378461565452959e+0) * a + 1.4234371107496835773e+0);
    double near_den = (((((((1.0507500716444168432e-9 * a + 5.4759380849953445460e-4) * a
                            + 1.5198666563616457197e-2) * a + 1.4810397642748007459e-1) * a
                          + 6.8976733498510000455e-1) * a + 1.6763848301838038494e+0) * a
                        + 2.0531916266377588219e+0) * a + 1.0);
    double far_num = (((((((2.0103343992922881327e-7 * b + 2.7115555687434875782e-5) * b
                           + 1.2426609473880784386e-3) * b + 2.6532189526576123093e-2) * b
                         + 2.9656057182850489123e-1) * b + 1.7848265399172913358e+0) * b
                       + 5.4637849111641143699e+0) * b + 6.6579046435011037772e+0);
    double far_den = (((((((2.0442631033899397856e-15 * b + 1.4215117583164458887e-7) * b
                           + 1.8463183175100546818e-5) * b + 7.8686913114561325910e-4) * b
                         + 1.4875361290850614853e-2) * b + 1.3692988092273580531e-1) * b
                       + 5.9983220655588793769e-1) * b + 1.0);
    double tail = t <= 5.0 ? near_num / near_den : far_num / far_den;
    return q < 0.0 ? -tail : tail;
}

/* One value (the PERT's rejection loop): whichever region p falls in. */
static inline double normal_quantile(double p) {
    double q = p - 0.5;
    return fabs(q) <= AS241_SPLIT ? normal_central(q) : normal_tail(p);
}

/* z[j] = normal_quantile(p[j]) for a column, in two passes: the central region for every lane (a
 * loop that vectorises), then the tail only for the lanes outside it (about 15%), gathered by
 * index. Computing all three regions for every lane cost three times as much. */
static void normal_quantiles(const double *restrict p, int n, double *restrict z) {
    int tails[BLOCK];
    int n_tail = 0;
    for (int j = 0; j < n; j++) z[j] = normal_central(p[j] - 0.5);
    for (int j = 0; j < n; j++) {
        tails[n_tail] = j;
        n_tail += fabs(p[j] - 0.5) > AS241_SPLIT;
    }
    for (int i = 0; i < n_tail; i++) z[tails[i]] = normal_tail(p[tails[i]]);
}

/* distributions.clamp_probability: rounding may put an interpolated probability on 0 or 1. */
static inline double clamp_probability(double p) {
    const double lo = 2.2250738585072014e-308, hi = 1.0 - 1.0 / 9007199254740992.0; /* 1 - 2**-53 */
    return p < lo ? lo : (p > hi ? hi : p);
}

/* Marsaglia & Tsang (2000), as distributions.gamma_marsaglia_tsang (a rejection loop: scalar). */
static double gamma_variate(double shape, uint64_t skey, uint64_t stream, uint64_t first) {
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (uint64_t attempt = 0; attempt < GAMMA_MAX_ATTEMPTS; attempt++) {
        double x = normal_quantile(uniform(skey, stream, first + 2 * attempt));
        double v = 1.0 + c * x;
        if (v <= 0.0) continue;
        v = v * v * v;
        if (log_(uniform(skey, stream, first + 2 * attempt + 1)) < 0.5 * x * x + d - d * v + d * log_(v))
            return d * v;
    }
    return d;
}

/* A choice with at most this many values is drawn branch-free from its cumulative weights. */
#define CHOICE_UNROLLED 16

/* Column `stream` of a block: the draws of samples whose keys are skey[0..n-1]; u and z are scratch
 * rows of BLOCK lanes. Each kind's loop does the reference's operations in the reference's order,
 * so the draws are the same to the bit. */
static void draw_column(int32_t kind, const double *restrict p, const double *restrict choice_values,
                        const double *restrict choice_weights, const uint64_t *restrict skey,
                        uint64_t stream, int n, double *restrict out, double *restrict u,
                        double *restrict z) {
    switch (kind) {
    case K_FIXED:
        for (int j = 0; j < n; j++) out[j] = p[0];
        break;
    case K_UNIFORM:
        for (int j = 0; j < n; j++) out[j] = p[0] + (p[1] - p[0]) * uniform(skey[j], stream, 0);
        break;
    case K_NORMAL:
        for (int j = 0; j < n; j++) u[j] = uniform(skey[j], stream, 0);
        normal_quantiles(u, n, z);
        for (int j = 0; j < n; j++) out[j] = p[0] + p[1] * z[j];
        break;
    case K_TRUNCNORM:
        /* p[6] != 0: drawn from the upper tail mirrored, for accuracy far above the mean. */
        if (p[6] != 0.0)
            for (int j = 0; j < n; j++)
                u[j] = clamp_probability(p[4] - uniform(skey[j], stream, 0) * (p[4] - p[5]));
        else
            for (int j = 0; j < n; j++)
                u[j] = clamp_probability(p[4] + uniform(skey[j], stream, 0) * (p[5] - p[4]));
        normal_quantiles(u, n, z);
        for (int j = 0; j < n; j++) {
            double x = p[0] + p[1] * (p[6] != 0.0 ? -z[j] : z[j]);
            x = x > p[2] ? x : p[2];
            out[j] = x < p[3] ? x : p[3];
        }
        break;
    case K_LOGNORMAL:
        for (int j = 0; j < n; j++) u[j] = uniform(skey[j], stream, 0);
        normal_quantiles(u, n, z);
        for (int j = 0; j < n; j++) out[j] = p[0] * exp_(p[1] * z[j]);
        break;
    case K_TRIANG: {
        /* One square root per lane, of whichever side's argument applies. */
        double width = p[2] - p[0];
        for (int j = 0; j < n; j++) {
            double v = uniform(skey[j], stream, 0);
            int lower = v * width < p[1] - p[0];
            double root = sqrt(lower ? v * width * (p[1] - p[0]) : (1.0 - v) * width * (p[2] - p[1]));
            out[j] = width == 0.0 ? p[0] : (lower ? p[0] + root : p[2] - root);
        }
        break;
    }
    case K_PERT:
        for (int j = 0; j < n; j++) {
            double g1 = gamma_variate(p[2], skey[j], stream, 0);
            double g2 = gamma_variate(p[3], skey[j], stream, GAMMA_SECOND_VARIATE_OFFSET);
            out[j] = p[0] + (p[1] - p[0]) * g1 / (g1 + g2);
        }
        break;
    case K_CHOICE: {
        int64_t offset = (int64_t)p[0], count = (int64_t)p[1];
        if (count <= CHOICE_UNROLLED) {
            /* The first value whose running weight exceeds the target is the number of running
             * weights at or below it (they never decrease), capped at the last value. The running
             * weights are summed in the reference's order, so the comparisons are the same. */
            double cumulative[CHOICE_UNROLLED], running = 0.0;
            for (int64_t c = 0; c < count; c++) cumulative[c] = running += choice_weights[offset + c];
            /* One pass per running weight over all lanes: each pass vectorises. A loop over the
             * weights inside the loop over lanes left the whole draw scalar (on Zen 4, the MoE
             * scenario's draws with a choice of 4 took 29.5 ns a sample, 22.6 this way). */
            int32_t k[BLOCK];
            const double total = p[2];
            for (int j = 0; j < n; j++) {
                u[j] = uniform(skey[j], stream, 0) * total;   /* the target */
                k[j] = 0;
            }
            for (int64_t c = 0; c < count - 1; c++) {
                const double bound = cumulative[c];
                for (int j = 0; j < n; j++) k[j] += u[j] >= bound;
            }
            for (int j = 0; j < n; j++) out[j] = choice_values[offset + k[j]];
        } else {
            for (int j = 0; j < n; j++) {
                double target = uniform(skey[j], stream, 0) * p[2], cumulative = 0.0;
                double value = choice_values[offset + count - 1];
                for (int64_t c = 0; c < count; c++) {
                    cumulative += choice_weights[offset + c];
                    if (target < cumulative) { value = choice_values[offset + c]; break; }
                }
                out[j] = value;
            }
        }
        break;
    }
    default:
        for (int j = 0; j < n; j++) out[j] = NAN;
    }
}

/* ---------------------------------------------------------------------------------------------
 * The cost model: generated from reference.evaluate by tools/generate_cores.py (see that file for
 * how Python's semantics carry over). Also defines the input/output indices and names and each
 * input's random stream.
 * ------------------------------------------------------------------------------------------- */
#include "generated/model.h"

_Static_assert(O_STATUS == 0, "the status comes first in an output row");

const char *inf_input_name(int32_t i) { return (i >= 0 && i < INF_N_INPUTS) ? INPUT_NAMES[i] : 0; }
const char *inf_output_name(int32_t i) { return (i >= 0 && i < INF_N_OUTPUTS) ? OUTPUT_NAMES[i] : 0; }

typedef struct {
    double in[INF_N_INPUTS][ROW];
    double out[INF_N_OUTPUTS][ROW];
    uint64_t skey[BLOCK];
    double u[BLOCK], z[BLOCK];   /* draw_column's scratch */
} block_t;

typedef struct {
    const int32_t *kinds;
    const double *params;
    const int32_t *integer;
    const double *choice_values;
    const double *choice_weights;
} plan_t;

/* Fixed inputs never change: write them once per block buffer. */
static void fill_fixed(const plan_t *plan, block_t *b) {
    for (int s = 0; s < INF_N_INPUTS; s++)
        if (plan->kinds[s] == K_FIXED)
            for (int j = 0; j < BLOCK; j++) b->in[s][j] = plan->params[s * INF_N_DIST_PARAMS];
}

static void draw_block(const plan_t *plan, uint64_t key, int64_t i0, int n, block_t *b) {
    for (int j = 0; j < n; j++) b->skey[j] = sample_key(key, (uint64_t)(i0 + j));
    for (int s = 0; s < INF_N_INPUTS; s++) {
        if (plan->kinds[s] == K_FIXED) continue;
        draw_column(plan->kinds[s], plan->params + s * INF_N_DIST_PARAMS, plan->choice_values,
                    plan->choice_weights, b->skey, INPUT_STREAM[s], n, b->in[s], b->u, b->z);
        if (plan->integer[s])
            for (int j = 0; j < n; j++) b->in[s][j] = floor(b->in[s][j] + 0.5);
    }
}


/* ---------------------------------------------------------------------------------------------
 * Sketch (summary.py)
 * ------------------------------------------------------------------------------------------- */
#define SKETCH_SHIFT 45
#define SKETCH_MIN 5.421010862427522e-20 /* 2**-64 */

/* Buckets on each side of the zero bucket (summary.SKETCH_HALF); the zero bucket's index. */
#define SKETCH_HALF ((INF_SKETCH_BUCKETS - 1) / 2)

/* summary.sketch_index: the zero bucket for magnitudes below SKETCH_MIN (and NaN), the bucket of
 * |x| above it for x > 0, mirrored below it for x < 0. */
static inline int64_t sketch_index(double x, uint64_t key_offset) {
    double a = fabs(x);
    int64_t m = 0;
    if (a >= SKETCH_MIN) {
        m = (int64_t)((double_bits(a) >> SKETCH_SHIFT) - key_offset);
        m = m < SKETCH_HALF ? m : SKETCH_HALF;
    }
    return x < 0.0 ? SKETCH_HALF - m : SKETCH_HALF + m;
}

static uint64_t sketch_key_offset(void) { return (double_bits(SKETCH_MIN) >> SKETCH_SHIFT) - 1; }

/* Per chunk and metric: count, shift (the chunk's first value), sums of (x - shift) and its square,
 * min, max. Shifted sums keep the variance accurate without a division per sample. */
typedef struct {
    int64_t count[INF_N_METRICS];
    double shift[INF_N_METRICS], s1[INF_N_METRICS], s2[INF_N_METRICS];
    double min[INF_N_METRICS], max[INF_N_METRICS];
} moments_t;

static void moments_reset(moments_t *mo) {
    for (int m = 0; m < INF_N_METRICS; m++) {
        mo->count[m] = 0;
        mo->shift[m] = mo->s1[m] = mo->s2[m] = 0.0;
        mo->min[m] = INFINITY;
        mo->max[m] = -INFINITY;
    }
}

static void moments_write(const moments_t *mo, double *row) {
    for (int m = 0; m < INF_N_METRICS; m++) {
        double k = (double)mo->count[m];
        double *r = row + m * INF_MOMENTS;
        r[0] = k;
        r[1] = mo->count[m] ? mo->shift[m] + mo->s1[m] / k : 0.0;
        r[2] = mo->count[m] ? dmax(mo->s2[m] - mo->s1[m] * mo->s1[m] / k, 0.0) : 0.0;
        r[3] = mo->min[m];
        r[4] = mo->max[m];
    }
}

/* A thread's histograms: one row per metric of INF_SKETCH_BUCKETS counts plus a spare slot that
 * absorbs the increments of infeasible samples, so the counting loop needs no branch. */
#define HIST_STRIDE (INF_SKETCH_BUCKETS + 1)

/* Lanes of the moment sums: each lane sums every FOLD_LANES-th sample and the lanes are added in
 * lane order at the end of a block. The compiler keeps the lanes in one vector register; a single
 * running sum is a chain of dependent scalar additions (GCC 12 does not vectorise the reduction
 * with the select it needs). The numba core sums in the same lanes and order. */
#define FOLD_LANES 8
_Static_assert(BLOCK % FOLD_LANES == 0, "a block is whole lane groups");

/* Fold the feasible samples of a block into the chunk's moments and the thread's histograms, for
 * the metrics fold[0 .. n_fold-1] only (the others stay empty). */
static void fold_block(const block_t *b, int n, moments_t *mo, int32_t *hist, int64_t *status,
                       uint64_t key_offset, const int32_t *fold, int n_fold) {
    double ok[BLOCK];
    int64_t feasible = 0;
    for (int j = 0; j < n; j++) {
        int st = (int)b->out[O_STATUS][j];
        status[st]++;
        ok[j] = st == 0 ? 1.0 : 0.0;
        feasible += st == 0;
    }
    if (feasible == 0) return;
    const int whole = (n + FOLD_LANES - 1) / FOLD_LANES * FOLD_LANES;
    for (int j = n; j < whole; j++) ok[j] = 0.0;   /* lanes past the block's end count as infeasible */
    for (int f = 0; f < n_fold; f++) {
        const int m = fold[f];
        const double *v = b->out[m + 1];
        if (mo->count[m] == 0)
            for (int j = 0; j < n; j++)
                if (ok[j] != 0.0) { mo->shift[m] = v[j]; break; }
        const double shift = mo->shift[m];
        double s1[FOLD_LANES], s2[FOLD_LANES], lo[FOLD_LANES], hi[FOLD_LANES];
        for (int k = 0; k < FOLD_LANES; k++) {
            s1[k] = s2[k] = 0.0;
            lo[k] = INFINITY;
            hi[k] = -INFINITY;
        }
        for (int j0 = 0; j0 < whole; j0 += FOLD_LANES)
            for (int k = 0; k < FOLD_LANES; k++) {
                /* Lanes past n hold stale values or zeros (blocks are calloc-ed): ok masks them. */
                double x = v[j0 + k], good = ok[j0 + k];
                double d = good != 0.0 ? x - shift : 0.0;
                s1[k] += d;
                s2[k] += d * d;
                double xl = good != 0.0 ? x : INFINITY, xh = good != 0.0 ? x : -INFINITY;
                lo[k] = xl < lo[k] ? xl : lo[k];
                hi[k] = xh > hi[k] ? xh : hi[k];
            }
        double a = s1[0], q = s2[0], l = lo[0], h = hi[0];
        for (int k = 1; k < FOLD_LANES; k++) {
            a += s1[k];
            q += s2[k];
            l = lo[k] < l ? lo[k] : l;
            h = hi[k] > h ? hi[k] : h;
        }
        mo->count[m] += feasible;
        mo->s1[m] += a;
        mo->s2[m] += q;
        mo->min[m] = l < mo->min[m] ? l : mo->min[m];
        mo->max[m] = h > mo->max[m] ? h : mo->max[m];
        int32_t *hm = hist + (int64_t)m * HIST_STRIDE;
        if (l == h) {
            hm[sketch_index(l, key_offset)] += (int32_t)feasible;   /* a constant metric: one update */
        } else {
            /* Indices in a vectorisable pass, then branch-free increments: infeasible samples
             * count into a spare slot past the real buckets, which is never read. */
            int32_t idx[BLOCK];
            for (int j = 0; j < n; j++) {
                int64_t k = sketch_index(v[j], key_offset);
                idx[j] = ok[j] != 0.0 ? (int32_t)k : INF_SKETCH_BUCKETS;
            }
            /* Unrolled: each increment is one memory add, and the loop's own compare and branch
             * were a third of its instructions (every metric: 1.07x over seven alternating
             * rounds; the same counts). */
#pragma GCC unroll 8
            for (int j = 0; j < n; j++) hm[idx[j]]++;
        }
    }
}

/* Samples lo .. hi-1 of one chunk: draw, evaluate, fold into fresh moments `mo` and the thread's
 * histograms; keep_* (may be NULL) receive the chunk's rows. */
typedef void (*evaluate_fn)(const double (*restrict in)[ROW], double (*restrict out)[ROW], int n);

static void run_chunk(const plan_t *plan, uint64_t key, int64_t lo, int64_t hi, block_t *b,
                      evaluate_fn evaluate, moments_t *mo, int32_t *hist, int64_t *status,
                      uint64_t key_offset, const int32_t *fold, int n_fold, double *keep_inputs,
                      double *keep_outputs) {
    moments_reset(mo);
    for (int64_t i0 = lo; i0 < hi; i0 += BLOCK) {
        int m = hi - i0 < BLOCK ? (int)(hi - i0) : BLOCK;
        draw_block(plan, key, i0, m, b);
        evaluate((const double (*)[ROW])b->in, b->out, m);
        if (keep_inputs)
            for (int j = 0; j < m; j++)
                for (int s = 0; s < INF_N_INPUTS; s++)
                    keep_inputs[(i0 - lo + j) * INF_N_INPUTS + s] = b->in[s][j];
        if (keep_outputs)
            for (int j = 0; j < m; j++)
                for (int o = 0; o < INF_N_OUTPUTS; o++)
                    keep_outputs[(i0 - lo + j) * INF_N_OUTPUTS + o] = b->out[o][j];
        fold_block(b, m, mo, hist, status, key_offset, fold, n_fold);
    }
}

/* Fold one chunk's (count, mean, m2, min, max) row into acc, as backends.merge_chunk_moments does
 * (Chan, Golub & LeVeque), operation for operation. */
static void merge_moments(double *restrict acc, const double *restrict part) {
    double nb = part[0];
    if (nb > 0) {
        double na = acc[0], n = na + nb, delta = part[1] - acc[1];
        acc[1] = acc[1] + delta * nb / n;
        acc[2] = acc[2] + part[2] + delta * delta * na * nb / n;
        acc[0] = n;
    }
    acc[3] = dmin(acc[3], part[3]);
    acc[4] = dmax(acc[4], part[4]);
}

/* Midpoint of sketch bucket k (summary.sketch_bucket_value). */
static double bucket_value(int64_t k, uint64_t key_offset) {
    int64_t m = k - SKETCH_HALF;
    if (m == 0) return 0.0;
    int64_t a = m < 0 ? -m : m;
    double v = INFINITY;   /* the overflow bucket of its sign */
    if (a < SKETCH_HALF) {
        uint64_t key = (uint64_t)a + key_offset;
        v = 0.5 * (bits_double(key << SKETCH_SHIFT) + bits_double((key + 1) << SKETCH_SHIFT));
    }
    return m < 0 ? -v : v;
}

/* Quantiles qs[0..n_q-1] (ascending) of one metric's histogram row, as
 * summary.MetricSummary.quantile: the bucket holding rank floor(q (n - 1)), clamped to [min, max].
 * The row is zeroed on the way (only buckets between those of min and max can be non-zero). */
static void quantiles_and_clear(int32_t *h, const double *mom, const double *qs, int n_q,
                                uint64_t key_offset, double *out) {
    double count = mom[0];
    h[INF_SKETCH_BUCKETS] = 0; /* the spare slot of infeasible samples */
    if (count == 0) {
        for (int i = 0; i < n_q; i++) out[i] = NAN;
        return;
    }
    int64_t k0 = sketch_index(mom[3], key_offset), k1 = sketch_index(mom[4], key_offset);
    int64_t seen = 0;
    int qi = 0;
    for (int64_t k = k0; k <= k1; k++) {
        seen += h[k];
        h[k] = 0;
        while (qi < n_q && (double)seen > floor(qs[qi] * (count - 1.0))) {
            out[qi] = dmin(dmax(bucket_value(k, key_offset), mom[3]), mom[4]);
            qi++;
        }
    }
    for (; qi < n_q; qi++) out[qi] = NAN; /* unreachable: the counts add up to count */
}

/* ---------------------------------------------------------------------------------------------
 * Entry points
 * ------------------------------------------------------------------------------------------- */
/* Whether an array of `have` elements is too short for `count` records of `per` elements each,
 * without forming count * per (which overflows for a hostile count and would pass the check). */
static int too_short(int64_t have, int64_t count, int64_t per) {
    if (have < 0 || count < 0) return 1;
    return per > 0 && count > have / per;
}

static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* Return the code of a failed check. Every check runs before the first array access. */
#define CHECK(call) do { int32_t rc_ = (call); if (rc_ != INF_OK) return rc_; } while (0)

/* An array of `len` elements that must hold `count` records of `per` elements. NULL passes only
 * with length 0, where nothing is read or written. */
static int32_t check_array(const void *p, int64_t len, int64_t count, int64_t per) {
    if (!p && len != 0) return INF_E_NULL;
    return too_short(len, count, per) ? INF_E_LENGTH : INF_OK;
}

/* An optional output: NULL with length 0 means "not wanted"; anything else is checked as above. */
static int32_t check_optional(const void *p, int64_t len, int64_t count, int64_t per) {
    return !p && len == 0 ? INF_OK : check_array(p, len, count, per);
}

/* A plan or table row: a known kind and, for a choice, entries offset .. offset+count-1 inside
 * tables of n_choice entries. draw_column truncates offset and count, so a row that passes this
 * test in doubles indexes below n_choice (for tables under 2**53 entries: any that fits in memory). */
static int32_t check_row(int32_t kind, const double *p, int64_t n_choice) {
    if (kind < K_FIXED || kind > K_CHOICE) return INF_E_ARGUMENT;
    if (kind != K_CHOICE) return INF_OK;
    if (!(p[0] >= 0 && p[1] >= 1)) return INF_E_ARGUMENT;
    return p[0] + p[1] <= (double)n_choice ? INF_OK : INF_E_LENGTH;
}

/* The plan's arrays hold every input's entry, and its choice inputs index inside both tables. */
static int32_t check_plan(const plan_t *plan, int64_t kinds_len, int64_t params_len,
                          int64_t integer_len, int64_t values_len, int64_t weights_len) {
    CHECK(check_array(plan->kinds, kinds_len, INF_N_INPUTS, 1));
    CHECK(check_array(plan->params, params_len, INF_N_INPUTS, INF_N_DIST_PARAMS));
    CHECK(check_array(plan->integer, integer_len, INF_N_INPUTS, 1));
    CHECK(check_array(plan->choice_values, values_len, 0, 1));
    CHECK(check_array(plan->choice_weights, weights_len, 0, 1));
    for (int s = 0; s < INF_N_INPUTS; s++)
        CHECK(check_row(plan->kinds[s], plan->params + s * INF_N_DIST_PARAMS,
                        min64(values_len, weights_len)));
    return INF_OK;
}

/* The metrics to fold: strictly ascending indices below INF_N_METRICS. */
static int32_t check_fold(const int32_t *fold, int64_t fold_len) {
    CHECK(check_array(fold, fold_len, 0, 1));
    if (fold_len > INF_N_METRICS) return INF_E_ARGUMENT;
    for (int64_t f = 0; f < fold_len; f++)
        if (fold[f] < 0 || fold[f] >= INF_N_METRICS || (f && fold[f] <= fold[f - 1]))
            return INF_E_ARGUMENT;
    return INF_OK;
}

/* The team size for a call's `threads` (at least 1: each entry point refuses fewer first, as the
 * numba core does; 0 once meant "OpenMP's default", which the binding's fork guard did not see). */
static int thread_count(int32_t threads) {
#ifdef _OPENMP
    return threads;
#else
    (void)threads;
    return 1;
#endif
}

int32_t inf_draw_inputs(const int32_t *kinds, int64_t kinds_len, const double *params,
                        int64_t params_len, const int32_t *integer, int64_t integer_len,
                        const double *choice_values, int64_t choice_values_len,
                        const double *choice_weights, int64_t choice_weights_len,
                        uint64_t seed, int64_t start, int64_t n, double *out, int64_t out_len) {
    const plan_t plan = {kinds, params, integer, choice_values, choice_weights};
    if (start < 0 || n < 0 || n > INF_MAX_INDEX - start) return INF_E_ARGUMENT;
    CHECK(check_array(out, out_len, n, INF_N_INPUTS));
    CHECK(check_plan(&plan, kinds_len, params_len, integer_len, choice_values_len,
                     choice_weights_len));
    block_t *b = calloc(1, sizeof *b);
    if (!b) return INF_E_MEMORY;
    fill_fixed(&plan, b);
    uint64_t key = seed_key(seed);
    for (int64_t i0 = 0; i0 < n; i0 += BLOCK) {
        int m = n - i0 < BLOCK ? (int)(n - i0) : BLOCK;
        draw_block(&plan, key, start + i0, m, b);
        for (int j = 0; j < m; j++)
            for (int s = 0; s < INF_N_INPUTS; s++) out[(i0 + j) * INF_N_INPUTS + s] = b->in[s][j];
    }
    free(b);
    return INF_OK;
}

int32_t inf_draw_only(const int32_t *kinds, int64_t kinds_len, const double *params,
                      int64_t params_len, const int32_t *integer, int64_t integer_len,
                      const double *choice_values, int64_t choice_values_len,
                      const double *choice_weights, int64_t choice_weights_len,
                      uint64_t seed, int64_t start, int64_t stop, int32_t threads, double *checksum) {
    if (threads < 1) return INF_E_ARGUMENT;
    const plan_t plan = {kinds, params, integer, choice_values, choice_weights};
    if (start < 0 || stop < start || stop > INF_MAX_INDEX) return INF_E_ARGUMENT;
    if (!checksum) return INF_E_NULL;
    CHECK(check_plan(&plan, kinds_len, params_len, integer_len, choice_values_len,
                     choice_weights_len));
    const uint64_t key = seed_key(seed);
    int nthreads = thread_count(threads), failed = 0;
    double total = 0.0;
    (void)nthreads;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads) reduction(+ : total)
#endif
    {
        block_t *b = calloc(1, sizeof *b);
        if (!b) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        }
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (int64_t i0 = start; i0 < stop; i0 += BLOCK) {
            if (!b) continue;
            int m = stop - i0 < BLOCK ? (int)(stop - i0) : BLOCK;
            draw_block(&plan, key, i0, m, b);
            for (int s = 0; s < INF_N_INPUTS; s++)
                if (kinds[s] != K_FIXED) total += b->in[s][m - 1];
        }
        free(b);
    }
    *checksum = total;
    return failed ? INF_E_MEMORY : INF_OK;
}

/* The block evaluation of a precision code (INF_FLOAT64, INF_FLOAT32); NULL for any other. */
static evaluate_fn evaluate_for(int32_t precision) {
    return precision == INF_FLOAT64 ? evaluate_block
         : precision == INF_FLOAT32 ? evaluate_block_f32 : NULL;
}

int32_t inf_evaluate(const double *inputs, int64_t inputs_len, int64_t n, double *outputs,
                     int64_t outputs_len, int32_t threads, int32_t precision) {
    if (threads < 1) return INF_E_ARGUMENT;
    if (n < 0) return INF_E_ARGUMENT;
    const evaluate_fn evaluate = evaluate_for(precision);
    if (!evaluate) return INF_E_ARGUMENT;
    CHECK(check_array(inputs, inputs_len, n, INF_N_INPUTS));
    CHECK(check_array(outputs, outputs_len, n, INF_N_OUTPUTS));
    int nthreads = thread_count(threads), failed = 0;
    (void)nthreads;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
    {
        block_t *b = calloc(1, sizeof *b);
        if (!b) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        }
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (int64_t i0 = 0; i0 < n; i0 += BLOCK) {
            if (!b) continue;
            int m = n - i0 < BLOCK ? (int)(n - i0) : BLOCK;
            for (int j = 0; j < m; j++)
                for (int s = 0; s < INF_N_INPUTS; s++) b->in[s][j] = inputs[(i0 + j) * INF_N_INPUTS + s];
            evaluate((const double (*)[ROW])b->in, b->out, m);
            for (int j = 0; j < m; j++)
                for (int o = 0; o < INF_N_OUTPUTS; o++) outputs[(i0 + j) * INF_N_OUTPUTS + o] = b->out[o][j];
        }
        free(b);
    }
    return failed ? INF_E_MEMORY : INF_OK;
}

int32_t inf_simulate(const int32_t *kinds, int64_t kinds_len, const double *params,
                     int64_t params_len, const int32_t *integer, int64_t integer_len,
                     const double *choice_values, int64_t choice_values_len,
                     const double *choice_weights, int64_t choice_weights_len,
                     uint64_t seed, int64_t start, int64_t stop, int64_t chunk, int32_t threads,
                     const int32_t *fold, int64_t fold_len,
                     int64_t *status_counts, int64_t status_len,
                     double *chunk_moments, int64_t moments_len,
                     int64_t *hist, int64_t hist_len,
                     double *keep_inputs, int64_t keep_inputs_len,
                     double *keep_outputs, int64_t keep_outputs_len, int32_t precision) {
    if (threads < 1) return INF_E_ARGUMENT;
    const plan_t plan = {kinds, params, integer, choice_values, choice_weights};
    if (start < 0 || stop < start || stop > INF_MAX_INDEX || chunk < 1) return INF_E_ARGUMENT;
    const evaluate_fn evaluate = evaluate_for(precision);
    if (!evaluate) return INF_E_ARGUMENT;
    const int64_t n = stop - start;
    if (n > INF_MAX_SPAN) return INF_E_ARGUMENT;
    /* A chunk longer than the span is one chunk either way; the clamp keeps n + chunk and
     * lo + chunk from overflowing. */
    if (chunk > INF_MAX_SPAN) chunk = INF_MAX_SPAN;
    const int64_t n_chunks = (n + chunk - 1) / chunk;
    CHECK(check_array(status_counts, status_len, 1, INF_N_STATUS));
    CHECK(check_array(chunk_moments, moments_len, n_chunks, INF_N_METRICS * INF_MOMENTS));
    CHECK(check_array(hist, hist_len, INF_N_METRICS, INF_SKETCH_BUCKETS));
    CHECK(check_optional(keep_inputs, keep_inputs_len, n, INF_N_INPUTS));
    CHECK(check_optional(keep_outputs, keep_outputs_len, n, INF_N_OUTPUTS));
    CHECK(check_plan(&plan, kinds_len, params_len, integer_len, choice_values_len,
                     choice_weights_len));
    CHECK(check_fold(fold, fold_len));

    const uint64_t key = seed_key(seed), key_offset = sketch_key_offset();
    const int nthreads = thread_count(threads);
    int failed = 0;
    (void)nthreads;

#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
    {
        /* 32-bit counts halve the histogram's cache footprint; a call spans at most
         * INF_MAX_SPAN < 2**31 samples, so they cannot overflow. */
        int32_t *my_hist = calloc((size_t)INF_N_METRICS * HIST_STRIDE, sizeof(int32_t));
        block_t *b = calloc(1, sizeof *b);
        int64_t my_status[INF_N_STATUS] = {0};
        /* The smallest and largest value this thread folded per metric: its counts lie between
         * their buckets, so only those are added to `hist` (all 28 rows of 32,771 buckets were
         * most of a small call's time). */
        double my_min[INF_N_METRICS], my_max[INF_N_METRICS];
        for (int m = 0; m < INF_N_METRICS; m++) {
            my_min[m] = INFINITY;
            my_max[m] = -INFINITY;
        }
        moments_t mo;
        if (!my_hist || !b) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        } else {
            fill_fixed(&plan, b);
        }
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
        for (int64_t c = 0; c < n_chunks; c++) {
            if (!my_hist || !b) continue;
            int64_t lo = start + c * chunk, hi = lo + chunk < stop ? lo + chunk : stop;
            run_chunk(&plan, key, lo, hi, b, evaluate, &mo, my_hist, my_status, key_offset,
                      fold, (int)fold_len,
                      keep_inputs ? keep_inputs + (lo - start) * INF_N_INPUTS : NULL,
                      keep_outputs ? keep_outputs + (lo - start) * INF_N_OUTPUTS : NULL);
            moments_write(&mo, chunk_moments + c * INF_N_METRICS * INF_MOMENTS);
            for (int m = 0; m < INF_N_METRICS; m++) {
                my_min[m] = dmin(my_min[m], mo.min[m]);
                my_max[m] = dmax(my_max[m], mo.max[m]);
            }
        }
#ifdef _OPENMP
#pragma omp critical
#endif
        {
            if (my_hist && b) {
                for (int m = 0; m < INF_N_METRICS; m++) {
                    if (!(my_min[m] <= my_max[m])) continue;   /* nothing folded */
                    const int64_t last = sketch_index(my_max[m], key_offset);
                    for (int64_t k = sketch_index(my_min[m], key_offset); k <= last; k++)
                        hist[m * INF_SKETCH_BUCKETS + k] += my_hist[m * HIST_STRIDE + k];
                }
                for (int st = 0; st < INF_N_STATUS; st++) status_counts[st] += my_status[st];
            }
        }
        free(my_hist);
        free(b);
    }
    return failed ? INF_E_MEMORY : INF_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Sweep grids (see inferonomics.h)
 * ------------------------------------------------------------------------------------------- */
#define MAX_GROUPS 64

typedef struct {
    int32_t n_groups;
    const int64_t *radix;
    const int32_t *owned_offset;
    const int32_t *owned_param;
    const int64_t *row_offset;
    int64_t n_owned;   /* owned_offset[n_groups], set by check_grid */
} grid_t;

/* Whether the grid's arrays are as long as n_groups and owned_offset say, its offsets ascend from
 * 0 to real inputs, every table row it can address is one of the table's `rows`, and it has at
 * least `stop` points. */
static int32_t check_grid(grid_t *g, int64_t radix_len, int64_t owned_offset_len,
                          int64_t owned_param_len, int64_t row_offset_len, int64_t rows,
                          int64_t stop) {
    if (g->n_groups < 0 || g->n_groups > MAX_GROUPS) return INF_E_ARGUMENT;
    CHECK(check_array(g->radix, radix_len, g->n_groups, 1));
    CHECK(check_array(g->owned_offset, owned_offset_len, g->n_groups + 1, 1));
    CHECK(check_array(g->row_offset, row_offset_len, g->n_groups, 1));
    CHECK(check_array(g->owned_param, owned_param_len, 0, 1));
    if (g->owned_offset[0] != 0) return INF_E_ARGUMENT;
    g->n_owned = g->owned_offset[g->n_groups];
    if (g->n_owned > owned_param_len) return INF_E_LENGTH;
    int64_t points = 1;
    for (int32_t k = 0; k < g->n_groups; k++) {
        int64_t lo = g->owned_offset[k], hi = g->owned_offset[k + 1], r = g->radix[k];
        if (hi < lo || hi > g->n_owned || r < 1 || g->row_offset[k] < 0) return INF_E_ARGUMENT;
        if (points > INT64_MAX / r) return INF_E_ARGUMENT;
        points *= r;
        if ((hi - lo) > 0 && r > (rows - g->row_offset[k]) / (hi - lo)) return INF_E_LENGTH;
        for (int64_t i = lo; i < hi; i++)
            if (g->owned_param[i] < 0 || g->owned_param[i] >= INF_N_INPUTS) return INF_E_ARGUMENT;
    }
    return stop <= points ? INF_OK : INF_E_ARGUMENT;
}

/* Table rows of grid point p: rows[i] for owned entry i (digits in C order, last group fastest). */
static void grid_rows(const grid_t *g, int64_t p, int64_t *rows) {
    for (int32_t k = g->n_groups - 1; k >= 0; k--) {
        int64_t r = g->radix[k], d = p % r, lo = g->owned_offset[k], n = g->owned_offset[k + 1] - lo;
        p /= r;
        for (int64_t i = 0; i < n; i++) rows[lo + i] = g->row_offset[k] + d * n + i;
    }
}

/* Digits of grid point p (C order). */
static void grid_digits(const grid_t *g, int64_t p, int64_t *digits) {
    for (int32_t k = g->n_groups - 1; k >= 0; k--) {
        digits[k] = p % g->radix[k];
        p /= g->radix[k];
    }
}

/* The next point's digits: an odometer, so consecutive points need no division. */
static inline void grid_next(const grid_t *g, int64_t *digits) {
    for (int32_t k = g->n_groups - 1; k >= 0; k--) {
        if (++digits[k] < g->radix[k]) return;
        digits[k] = 0;
    }
}

int32_t inf_sweep_evaluate(const double *base_values, int64_t base_len, int32_t n_groups,
                           const int64_t *radix, int64_t radix_len,
                           const int32_t *owned_offset, int64_t owned_offset_len,
                           const int32_t *owned_param, int64_t owned_param_len,
                           const int64_t *row_offset, int64_t row_offset_len,
                           const double *table_values, int64_t table_len, int64_t start,
                           int64_t stop, int32_t threads, double *outputs, int64_t outputs_len) {
    if (threads < 1) return INF_E_ARGUMENT;
    grid_t grid = {n_groups, radix, owned_offset, owned_param, row_offset, 0};
    if (start < 0 || stop < start || stop > INF_MAX_INDEX) return INF_E_ARGUMENT;
    CHECK(check_array(base_values, base_len, INF_N_INPUTS, 1));
    CHECK(check_array(outputs, outputs_len, stop - start, INF_N_OUTPUTS));
    CHECK(check_array(table_values, table_len, 0, 1));
    CHECK(check_grid(&grid, radix_len, owned_offset_len, owned_param_len, row_offset_len,
                     table_len, stop));
    int nthreads = thread_count(threads), failed = 0;
    (void)nthreads;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
    {
        block_t *b = calloc(1, sizeof *b);
        int64_t digits[MAX_GROUPS];
        if (!b) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        } else {
            /* Inputs no group owns never change: write them once. */
            for (int s = 0; s < INF_N_INPUTS; s++)
                for (int j = 0; j < BLOCK; j++) b->in[s][j] = base_values[s];
        }
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (int64_t i0 = start; i0 < stop; i0 += BLOCK) {
            if (!b) continue;
            int m = stop - i0 < BLOCK ? (int)(stop - i0) : BLOCK;
            grid_digits(&grid, i0, digits);
            for (int j = 0; j < m; j++) {
                for (int32_t k = 0; k < n_groups; k++) {
                    int64_t lo = owned_offset[k], n = owned_offset[k + 1] - lo;
                    const double *row = table_values + row_offset[k] + digits[k] * n;
                    for (int64_t i = 0; i < n; i++) b->in[owned_param[lo + i]][j] = row[i];
                }
                grid_next(&grid, digits);
            }
            evaluate_block((const double (*)[ROW])b->in, b->out, m);
            for (int j = 0; j < m; j++)
                for (int o = 0; o < INF_N_OUTPUTS; o++)
                    outputs[(i0 - start + j) * INF_N_OUTPUTS + o] = b->out[o][j];
        }
        free(b);
    }
    return failed ? INF_E_MEMORY : INF_OK;
}

int32_t inf_sweep_simulate(const int32_t *kinds, int64_t kinds_len, const double *params,
                           int64_t params_len, const int32_t *integer, int64_t integer_len,
                           const double *choice_values, int64_t choice_values_len,
                           const double *choice_weights, int64_t choice_weights_len,
                           int32_t n_groups, const int64_t *radix, int64_t radix_len,
                           const int32_t *owned_offset, int64_t owned_offset_len,
                           const int32_t *owned_param, int64_t owned_param_len,
                           const int64_t *row_offset, int64_t row_offset_len,
                           const int32_t *table_kinds, int64_t table_kinds_len,
                           const double *table_params, int64_t table_params_len,
                           uint64_t seed, int64_t samples, int64_t chunk, const double *quantiles,
                           int32_t n_quantiles, int64_t start, int64_t stop, int32_t threads,
                           int64_t *status_counts, int64_t status_len, double *moments,
                           int64_t moments_len, double *quantile_values, int64_t quantile_len) {
    if (threads < 1) return INF_E_ARGUMENT;
    const plan_t base = {kinds, params, integer, choice_values, choice_weights};
    grid_t grid = {n_groups, radix, owned_offset, owned_param, row_offset, 0};
    if (start < 0 || stop < start || stop > INF_MAX_INDEX || chunk < 1) return INF_E_ARGUMENT;
    if (samples < 1 || samples > INF_MAX_SPAN) return INF_E_ARGUMENT;
    if (n_quantiles < 0 || n_quantiles > INF_MAX_QUANTILES) return INF_E_ARGUMENT;
    if (chunk > INF_MAX_SPAN) chunk = INF_MAX_SPAN;   /* as in inf_simulate: no overflow */
    const int64_t n = stop - start;
    CHECK(check_array(quantiles, n_quantiles, 0, 1));
    for (int i = 0; i < n_quantiles; i++)
        if (!(quantiles[i] >= 0.0 && quantiles[i] <= 1.0) || (i && quantiles[i] < quantiles[i - 1]))
            return INF_E_ARGUMENT;
    CHECK(check_array(status_counts, status_len, n, INF_N_STATUS));
    CHECK(check_array(moments, moments_len, n, INF_N_METRICS * INF_MOMENTS));
    CHECK(check_array(quantile_values, quantile_len, n, (int64_t)INF_N_METRICS * n_quantiles));
    CHECK(check_plan(&base, kinds_len, params_len, integer_len, choice_values_len,
                     choice_weights_len));
    CHECK(check_array(table_kinds, table_kinds_len, 0, 1));
    CHECK(check_array(table_params, table_params_len, 0, INF_N_DIST_PARAMS));
    const int64_t table_rows = min64(table_kinds_len, table_params_len / INF_N_DIST_PARAMS);
    CHECK(check_grid(&grid, radix_len, owned_offset_len, owned_param_len, row_offset_len,
                     table_rows, stop));
    for (int64_t r = 0; r < table_rows; r++)   /* every row a grid point can put into the plan */
        CHECK(check_row(table_kinds[r], table_params + r * INF_N_DIST_PARAMS,
                        min64(choice_values_len, choice_weights_len)));

    const uint64_t key = seed_key(seed), key_offset = sketch_key_offset();
    const int64_t n_chunks = (samples + chunk - 1) / chunk;
    int32_t all_metrics[INF_N_METRICS];   /* a sweep point's summary has every metric */
    for (int m = 0; m < INF_N_METRICS; m++) all_metrics[m] = m;
    int nthreads = thread_count(threads), failed = 0;
    (void)nthreads;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
    {
        int32_t *hist = calloc((size_t)INF_N_METRICS * HIST_STRIDE, sizeof(int32_t));
        block_t *b = calloc(1, sizeof *b);
        int64_t *rows = malloc(((size_t)grid.n_owned + 1) * sizeof *rows);
        int32_t my_kinds[INF_N_INPUTS];
        double my_params[INF_N_INPUTS * INF_N_DIST_PARAMS], part[INF_N_METRICS * INF_MOMENTS];
        moments_t mo;
        if (!hist || !b || !rows) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        } else {   /* inputs no group owns keep the base plan's fixed values */
            fill_fixed(&base, b);
            memcpy(my_kinds, kinds, sizeof my_kinds);
            memcpy(my_params, params, sizeof my_params);
        }
        const int lanes = samples < BLOCK ? (int)samples : BLOCK;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
        for (int64_t p = start; p < stop; p++) {
            if (!hist || !b || !rows) continue;
            grid_rows(&grid, p, rows);
            for (int64_t i = 0; i < grid.n_owned; i++) {
                int s = owned_param[i];
                my_kinds[s] = table_kinds[rows[i]];
                memcpy(my_params + s * INF_N_DIST_PARAMS, table_params + rows[i] * INF_N_DIST_PARAMS,
                       INF_N_DIST_PARAMS * sizeof(double));
                if (my_kinds[s] == K_FIXED)   /* only the lanes a point's blocks use */
                    for (int j = 0; j < lanes; j++) b->in[s][j] = my_params[s * INF_N_DIST_PARAMS];
            }
            const plan_t plan = {my_kinds, my_params, integer, choice_values, choice_weights};
            int64_t *st = status_counts + (p - start) * INF_N_STATUS;
            double *acc = moments + (p - start) * INF_N_METRICS * INF_MOMENTS;
            for (int k = 0; k < INF_N_STATUS; k++) st[k] = 0;
            for (int m = 0; m < INF_N_METRICS; m++) {
                double *a = acc + m * INF_MOMENTS;
                a[0] = a[1] = a[2] = 0.0;
                a[3] = INFINITY;
                a[4] = -INFINITY;
            }
            for (int64_t c = 0; c < n_chunks; c++) {
                int64_t lo = c * chunk, hi = lo + chunk < samples ? lo + chunk : samples;
                run_chunk(&plan, key, lo, hi, b, evaluate_block, &mo, hist, st, key_offset,
                          all_metrics, INF_N_METRICS, NULL, NULL);
                moments_write(&mo, part);
                for (int m = 0; m < INF_N_METRICS; m++)
                    merge_moments(acc + m * INF_MOMENTS, part + m * INF_MOMENTS);
            }
            for (int m = 0; m < INF_N_METRICS; m++)
                quantiles_and_clear(hist + (int64_t)m * HIST_STRIDE, acc + m * INF_MOMENTS, quantiles,
                                    n_quantiles, key_offset,
                                    quantile_values + ((p - start) * INF_N_METRICS + m) * n_quantiles);
        }
        free(rows);
        free(b);
        free(hist);
    }
    return failed ? INF_E_MEMORY : INF_OK;
}
