/* inferonomics C core. See inferonomics.h; every formula mirrors src/inferonomics/reference.py. */
#include "inferonomics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* ---------------------------------------------------------------------------------------------
 * Names, in the order of inferonomics.parameters.PARAMETERS and reference.OUTPUT_NAMES.
 * ------------------------------------------------------------------------------------------- */
enum {
    I_TOTAL_PARAMS_B, I_ACTIVE_PARAMS_B, I_N_LAYERS, I_D_MODEL, I_N_HEADS, I_N_KV_HEADS,
    I_HEAD_DIM, I_V_HEAD_DIM, I_D_FF, I_N_EXPERTS, I_EXPERTS_PER_TOKEN, I_KV_LORA_RANK,
    I_ROPE_HEAD_DIM, I_SLIDING_WINDOW, I_SLIDING_WINDOW_LAYERS,
    I_COUNT, I_MEMORY_GB, I_MEMORY_BW_GBPS, I_TFLOPS_FP32, I_TFLOPS_16, I_TFLOPS_8, I_TFLOPS_4,
    I_TDP_W, I_IDLE_W, I_INTERCONNECT_GBPS, I_LINK_LATENCY_US,
    I_WEIGHT_BITS, I_ACTIVATION_BITS, I_KV_BITS,
    I_BATCH, I_INPUT_TOKENS, I_OUTPUT_TOKENS, I_TTFT_SLO_S, I_TPOT_SLO_S,
    I_MFU, I_MBU, I_COMM_EFFICIENCY, I_STEP_OVERHEAD_MS, I_MEMORY_USABLE_FRACTION,
    I_PUE, I_HOST_W, I_GRID_GCO2_PER_KWH, I_EMBODIED_KGCO2,
    I_USD_PER_DEVICE_HOUR, I_PURCHASE_USD, I_HOSTING_USD_PER_DEVICE_HOUR, I_USD_PER_KWH,
    I_UTILIZATION, I_LIFETIME_YEARS,
    I_COUNT_OF_INPUTS
};

static const char *INPUT_NAMES[INF_N_INPUTS] = {
    "total_params_b", "active_params_b", "n_layers", "d_model", "n_heads", "n_kv_heads",
    "head_dim", "v_head_dim", "d_ff", "n_experts", "experts_per_token", "kv_lora_rank",
    "rope_head_dim", "sliding_window", "sliding_window_layers",
    "count", "memory_gb", "memory_bw_gbps", "tflops_fp32", "tflops_16", "tflops_8", "tflops_4",
    "tdp_w", "idle_w", "interconnect_gbps", "link_latency_us",
    "weight_bits", "activation_bits", "kv_bits",
    "batch", "input_tokens", "output_tokens", "ttft_slo_s", "tpot_slo_s",
    "mfu", "mbu", "comm_efficiency", "step_overhead_ms", "memory_usable_fraction",
    "pue", "host_w", "grid_gco2_per_kwh", "embodied_kgco2",
    "usd_per_device_hour", "purchase_usd", "hosting_usd_per_device_hour", "usd_per_kwh",
    "utilization", "lifetime_years",
};

enum {
    O_STATUS, O_BATCH, O_MAX_BATCH, O_TTFT_S, O_TPOT_S, O_E2E_S, O_TOKENS_PER_S,
    O_TOKENS_PER_S_PER_DEVICE, O_USD_PER_MTOK, O_USD_PER_MTOK_INPUT, O_USD_PER_MTOK_OUTPUT,
    O_JOULES_PER_TOKEN, O_KWH_PER_MTOK, O_GCO2_PER_MTOK, O_POWER_W_PER_DEVICE,
    O_WEIGHT_GB_PER_DEVICE, O_KV_GB_PER_DEVICE, O_MEMORY_USED_FRACTION, O_PREFILL_S,
    O_DECODE_STEP_S, O_DECODE_COMPUTE_BOUND,
    O_COUNT_OF_OUTPUTS
};

static const char *OUTPUT_NAMES[INF_N_OUTPUTS] = {
    "status", "batch", "max_batch", "ttft_s", "tpot_s", "e2e_s", "tokens_per_s",
    "tokens_per_s_per_device", "usd_per_mtok", "usd_per_mtok_input", "usd_per_mtok_output",
    "joules_per_token", "kwh_per_mtok", "gco2_per_mtok", "power_w_per_device",
    "weight_gb_per_device", "kv_gb_per_device", "memory_used_fraction", "prefill_s",
    "decode_step_s", "decode_compute_bound",
};

_Static_assert(I_COUNT_OF_INPUTS == INF_N_INPUTS, "input count");
_Static_assert(O_COUNT_OF_OUTPUTS == INF_N_OUTPUTS, "output count");
_Static_assert(INF_N_OUTPUTS == INF_N_METRICS + 1, "outputs are status plus metrics");

const char *inf_input_name(int32_t i) { return (i >= 0 && i < INF_N_INPUTS) ? INPUT_NAMES[i] : 0; }
const char *inf_output_name(int32_t i) { return (i >= 0 && i < INF_N_OUTPUTS) ? OUTPUT_NAMES[i] : 0; }

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
 * Distributions (distributions.py, encoding.py)
 * ------------------------------------------------------------------------------------------- */
enum { K_FIXED, K_UNIFORM, K_NORMAL, K_TRUNCNORM, K_LOGNORMAL, K_TRIANG, K_PERT, K_CHOICE };
#define GAMMA_MAX_ATTEMPTS 64
#define GAMMA_SECOND_VARIATE_OFFSET (1u << 16)

/* Wichura (1988) AS241 PPND16, as distributions.standard_normal_quantile. */
static double normal_quantile(double p) {
    double q = p - 0.5, r, num, den, x;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r
                    + 6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r
                  + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
                + 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) * q;
        den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r
                    + 3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r
                  + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
                + 4.2313330701600911252e+1) * r + 1.0);
        return num / den;
    }
    r = q < 0.0 ? p : 1.0 - p;
    r = sqrt(-log(r));
    if (r <= 5.0) {
        r = r - 1.6;
        num = (((((((7.7454501427834140764e-4 * r + 2.2723844989269184583e-2) * r
                    + 2.4178072517745061177e-1) * r + 1.2704582524523683826e+0) * r
                  + 3.6478483247632045960e+0) * r + 5.7694972214606914055e+0) * r
                + 4.6303378461565452959e+0) * r + 1.4234371107496835773e+0);
        den = (((((((1.0507500716444168432e-9 * r + 5.4759380849953445460e-4) * r
                    + 1.5198666563616457197e-2) * r + 1.4810397642748007459e-1) * r
                  + 6.8976733498510000455e-1) * r + 1.6763848301838038494e+0) * r
                + 2.0531916266377588219e+0) * r + 1.0);
    } else {
        r = r - 5.0;
        num = (((((((2.0103343992922881327e-7 * r + 2.7115555687434875782e-5) * r
                    + 1.2426609473880784386e-3) * r + 2.6532189526576123093e-2) * r
                  + 2.9656057182850489123e-1) * r + 1.7848265399172913358e+0) * r
                + 5.4637849111641143699e+0) * r + 6.6579046435011037772e+0);
        den = (((((((2.0442631033899397856e-15 * r + 1.4215117583164458887e-7) * r
                    + 1.8463183175100546818e-5) * r + 7.8686913114561325910e-4) * r
                  + 1.4875361290850614853e-2) * r + 1.3692988092273580531e-1) * r
                + 5.9983220655588793769e-1) * r + 1.0);
    }
    x = num / den;
    return q < 0.0 ? -x : x;
}

/* Marsaglia & Tsang (2000), as distributions.gamma_marsaglia_tsang. */
static double gamma_variate(double shape, uint64_t skey, uint64_t stream, uint64_t first) {
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (uint64_t attempt = 0; attempt < GAMMA_MAX_ATTEMPTS; attempt++) {
        double x = normal_quantile(uniform(skey, stream, first + 2 * attempt));
        double v = 1.0 + c * x;
        if (v <= 0.0) continue;
        v = v * v * v;
        if (log(uniform(skey, stream, first + 2 * attempt + 1)) < 0.5 * x * x + d - d * v + d * log(v))
            return d * v;
    }
    return d;
}

static double draw(int32_t kind, const double *p, const double *choice_values,
                   const double *choice_weights, int64_t n_choice, uint64_t skey, uint64_t stream) {
    double u, z, width, x;
    switch (kind) {
    case K_FIXED:
        return p[0];
    case K_UNIFORM:
        return p[0] + (p[1] - p[0]) * uniform(skey, stream, 0);
    case K_NORMAL:
        return p[0] + p[1] * normal_quantile(uniform(skey, stream, 0));
    case K_TRUNCNORM:
        u = uniform(skey, stream, 0);
        if (p[6] != 0.0) z = -normal_quantile(p[4] - u * (p[4] - p[5]));
        else z = normal_quantile(p[4] + u * (p[5] - p[4]));
        x = p[0] + p[1] * z;
        x = x > p[2] ? x : p[2];
        return x < p[3] ? x : p[3];
    case K_LOGNORMAL:
        return p[0] * exp(p[1] * normal_quantile(uniform(skey, stream, 0)));
    case K_TRIANG:
        u = uniform(skey, stream, 0);
        width = p[2] - p[0];
        if (width == 0.0) return p[0];
        if (u * width < p[1] - p[0]) return p[0] + sqrt(u * width * (p[1] - p[0]));
        return p[2] - sqrt((1.0 - u) * width * (p[2] - p[1]));
    case K_PERT: {
        double g1 = gamma_variate(p[2], skey, stream, 0);
        double g2 = gamma_variate(p[3], skey, stream, GAMMA_SECOND_VARIATE_OFFSET);
        return p[0] + (p[1] - p[0]) * g1 / (g1 + g2);
    }
    case K_CHOICE: {
        int64_t offset = (int64_t)p[0], count = (int64_t)p[1];
        if (offset < 0 || count < 1 || offset + count > n_choice) return NAN; /* refused upstream */
        double target = uniform(skey, stream, 0) * p[2], cumulative = 0.0;
        for (int64_t j = 0; j < count; j++) {
            cumulative += choice_weights[offset + j];
            if (target < cumulative) return choice_values[offset + j];
        }
        return choice_values[offset + count - 1];
    }
    default:
        return NAN;
    }
}

static void draw_sample(const int32_t *kinds, const double *params, const int32_t *integer,
                        const double *choice_values, const double *choice_weights, int64_t n_choice,
                        uint64_t key, int64_t i, double *in) {
    uint64_t skey = sample_key(key, (uint64_t)i);
    for (int s = 0; s < INF_N_INPUTS; s++) {
        double x = draw(kinds[s], params + s * INF_N_DIST_PARAMS, choice_values, choice_weights,
                        n_choice, skey, (uint64_t)s);
        in[s] = integer[s] ? floor(x + 0.5) : x;
    }
}

/* ---------------------------------------------------------------------------------------------
 * The cost model (reference.evaluate)
 * ------------------------------------------------------------------------------------------- */
#define BYTES_PER_GB 1e9
#define FLOPS_PER_TFLOPS 1e12
#define PARAMS_PER_BILLION 1e9
#define SECONDS_PER_HOUR 3600.0
#define SECONDS_PER_MS 1e-3
#define SECONDS_PER_US 1e-6
#define HOURS_PER_YEAR 8766.0
#define JOULES_PER_KWH 3.6e6
#define GRAMS_PER_KG 1000.0
#define TOKENS_PER_MTOK 1e6
#define BITS_PER_BYTE 8.0
#define ALLREDUCES_PER_LAYER 2.0
#define ALLREDUCE_BYTES_PER_VALUE 2.0
#define FLOPS_PER_MAC 2.0
#define WORKSPACE_HIDDEN_COPIES 4.0
#define WORKSPACE_FFN_COPIES 2.0
#define BATCH_MAX 0.0
#define STATUS_OK 0.0
#define STATUS_MEMORY 1.0
#define STATUS_LATENCY 2.0

static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }

static double peak_tflops(double bits, double fp32, double t16, double t8, double t4) {
    if (bits <= 4 && t4 > 0) return t4;
    if (bits <= 8 && t8 > 0) return t8;
    if (bits <= 16 && t16 > 0) return t16;
    if (fp32 > 0) return fp32;
    return t16;
}

static double windowed_context(double tokens, double window, double layers) {
    if (window <= 0) return tokens;
    return (1.0 - layers) * tokens + layers * dmin(tokens, window);
}

static double causal_attention_pairs(double tokens, double window, double layers) {
    double full = 0.5 * tokens * tokens;
    if (window <= 0 || tokens <= window) return full;
    double local = 0.5 * window * window + (tokens - window) * window;
    return (1.0 - layers) * full + layers * local;
}

static double experts_touched(double n_experts, double k, double tokens) {
    return n_experts * (1.0 - pow(1.0 - k / n_experts, tokens));
}

static double ring_allreduce_s(double bytes, double devices, double link_bytes_per_s, double latency_s) {
    if (devices <= 1) return 0.0;
    double steps = 2.0 * (devices - 1.0);
    return steps / devices * bytes / link_bytes_per_s + steps * latency_s;
}

static double device_power_w(double idle_w, double tdp_w, double activity) {
    return idle_w + (tdp_w - idle_w) * activity;
}

static void evaluate_one(const double *x, double *y) {
    /* units */
    double total_params = x[I_TOTAL_PARAMS_B] * PARAMS_PER_BILLION;
    double active_params = x[I_ACTIVE_PARAMS_B] * PARAMS_PER_BILLION;
    double devices = x[I_COUNT];
    double memory_bytes = x[I_MEMORY_GB] * BYTES_PER_GB;
    double memory_bytes_per_s = x[I_MEMORY_BW_GBPS] * BYTES_PER_GB;
    double link_bytes_per_s = x[I_INTERCONNECT_GBPS] * BYTES_PER_GB * x[I_COMM_EFFICIENCY];
    double link_latency_s = x[I_LINK_LATENCY_US] * SECONDS_PER_US;
    double peak_flops = peak_tflops(x[I_ACTIVATION_BITS], x[I_TFLOPS_FP32], x[I_TFLOPS_16],
                                    x[I_TFLOPS_8], x[I_TFLOPS_4]) * FLOPS_PER_TFLOPS;
    double achieved_flops_per_device = peak_flops * x[I_MFU];
    double achieved_bytes_per_s = memory_bytes_per_s * x[I_MBU];
    double step_overhead_s = x[I_STEP_OVERHEAD_MS] * SECONDS_PER_MS;
    double weight_bytes_per_param = x[I_WEIGHT_BITS] / BITS_PER_BYTE;
    double activation_bytes = x[I_ACTIVATION_BITS] / BITS_PER_BYTE;
    double n_experts = x[I_N_EXPERTS], k = x[I_EXPERTS_PER_TOKEN], n_layers = x[I_N_LAYERS];
    double window = x[I_SLIDING_WINDOW], window_layers = x[I_SLIDING_WINDOW_LAYERS];
    double input_tokens = x[I_INPUT_TOKENS], output_tokens = x[I_OUTPUT_TOKENS];

    /* weights: dense part plus experts */
    double expert_params = n_experts > k ? (total_params - active_params) / (n_experts - k) : 0.0;
    double dense_params = total_params - n_experts * expert_params;
    double weight_bytes_per_device = total_params * weight_bytes_per_param / devices;

    /* KV cache */
    double kv_values_per_token_layer, kv_shards;
    if (x[I_KV_LORA_RANK] > 0) {
        kv_values_per_token_layer = x[I_KV_LORA_RANK] + x[I_ROPE_HEAD_DIM];
        kv_shards = 1.0;
    } else {
        kv_values_per_token_layer = x[I_N_KV_HEADS] * (x[I_HEAD_DIM] + x[I_V_HEAD_DIM]);
        kv_shards = dmin(devices, x[I_N_KV_HEADS]);
    }
    double kv_bytes_per_token = n_layers * kv_values_per_token_layer * x[I_KV_BITS] / BITS_PER_BYTE;
    double mean_context = input_tokens + 0.5 * output_tokens;
    double cached_context = windowed_context(mean_context, window, window_layers);
    double kv_bytes_per_sequence_per_device = kv_bytes_per_token * cached_context / kv_shards;

    /* memory fit */
    double workspace_bytes = input_tokens * (WORKSPACE_HIDDEN_COPIES * x[I_D_MODEL]
                                             + WORKSPACE_FFN_COPIES * x[I_D_FF] / devices)
                             * activation_bytes;
    double free_bytes = x[I_MEMORY_USABLE_FRACTION] * memory_bytes - weight_bytes_per_device
                        - workspace_bytes;
    double max_batch = dmax(floor(free_bytes / kv_bytes_per_sequence_per_device), 0.0);
    double resident = x[I_BATCH] == BATCH_MAX ? max_batch : x[I_BATCH];
    double kv_bytes_per_device = resident * kv_bytes_per_sequence_per_device;
    double used_fraction = (weight_bytes_per_device + workspace_bytes + kv_bytes_per_device)
                           / memory_bytes;
    if (resident < 1 || resident > max_batch) {
        for (int o = 0; o < INF_N_OUTPUTS; o++) y[o] = NAN;
        y[O_STATUS] = STATUS_MEMORY;
        y[O_BATCH] = resident;
        y[O_MAX_BATCH] = max_batch;
        y[O_WEIGHT_GB_PER_DEVICE] = weight_bytes_per_device / BYTES_PER_GB;
        y[O_KV_GB_PER_DEVICE] = kv_bytes_per_device / BYTES_PER_GB;
        y[O_MEMORY_USED_FRACTION] = used_fraction;
        return;
    }

    double attention_flops_per_pair = FLOPS_PER_MAC * x[I_N_HEADS] * (x[I_HEAD_DIM] + x[I_V_HEAD_DIM])
                                      * n_layers;

    /* prefill of one prompt */
    double prefill_flops = FLOPS_PER_MAC * active_params * input_tokens
                           + attention_flops_per_pair
                             * causal_attention_pairs(input_tokens, window, window_layers);
    double prefill_weight_bytes = (dense_params + experts_touched(n_experts, k, input_tokens)
                                                  * expert_params)
                                  * weight_bytes_per_param / devices;
    double prefill_compute_s = prefill_flops / devices / achieved_flops_per_device;
    double prefill_memory_s = prefill_weight_bytes / achieved_bytes_per_s;
    double prefill_comm_s = ALLREDUCES_PER_LAYER * n_layers * ring_allreduce_s(
        input_tokens * x[I_D_MODEL] * ALLREDUCE_BYTES_PER_VALUE, devices, link_bytes_per_s,
        link_latency_s);
    double prefill_s = dmax(prefill_compute_s, prefill_memory_s) + prefill_comm_s + step_overhead_s;

    /* one decode step of the batch */
    double decode_flops = resident * (FLOPS_PER_MAC * active_params
                                      + attention_flops_per_pair * cached_context);
    double decode_weight_bytes = (dense_params + experts_touched(n_experts, k, resident)
                                                 * expert_params)
                                 * weight_bytes_per_param / devices;
    double decode_bytes = decode_weight_bytes + kv_bytes_per_device;
    double decode_compute_s = decode_flops / devices / achieved_flops_per_device;
    double decode_memory_s = decode_bytes / achieved_bytes_per_s;
    double decode_comm_s = ALLREDUCES_PER_LAYER * n_layers * ring_allreduce_s(
        resident * x[I_D_MODEL] * ALLREDUCE_BYTES_PER_VALUE, devices, link_bytes_per_s,
        link_latency_s);
    double decode_step_s = dmax(decode_compute_s, decode_memory_s) + decode_comm_s + step_overhead_s;

    /* steady-state serving */
    double cycle_s = output_tokens * decode_step_s + resident * prefill_s;
    double tokens_per_cycle = resident * output_tokens;
    double tokens_per_s = tokens_per_cycle / cycle_s;
    double ttft_s = prefill_s;
    double e2e_s = cycle_s;
    double tpot_s = (e2e_s - ttft_s) / output_tokens;

    /* energy */
    double idle_w = x[I_IDLE_W], tdp_w = x[I_TDP_W], host_w = x[I_HOST_W];
    double utilization = x[I_UTILIZATION], lifetime_years = x[I_LIFETIME_YEARS];
    double decode_activity = dmax(decode_flops / devices / peak_flops,
                                  decode_bytes / memory_bytes_per_s) / decode_step_s;
    double prefill_activity = dmax(prefill_flops / devices / peak_flops,
                                   prefill_weight_bytes / memory_bytes_per_s) / prefill_s;
    double device_joules = device_power_w(idle_w, tdp_w, decode_activity) * output_tokens * decode_step_s
                           + device_power_w(idle_w, tdp_w, prefill_activity) * resident * prefill_s
                           + host_w * cycle_s;
    double idle_s = cycle_s * (1.0 - utilization) / utilization;
    device_joules += (idle_w + host_w) * idle_s;
    double facility_joules = devices * device_joules * x[I_PUE];
    double joules_per_token = facility_joules / tokens_per_cycle;
    double kwh_per_cycle = facility_joules / JOULES_PER_KWH;
    double power_w_per_device = facility_joules / devices / (cycle_s + idle_s);

    /* cost */
    double device_hours = devices * (cycle_s + idle_s) / SECONDS_PER_HOUR;
    double usd_per_device_hour_all_in = x[I_USD_PER_DEVICE_HOUR]
                                        + x[I_PURCHASE_USD] / (lifetime_years * HOURS_PER_YEAR)
                                        + x[I_HOSTING_USD_PER_DEVICE_HOUR];
    double usd_per_cycle = device_hours * usd_per_device_hour_all_in + kwh_per_cycle * x[I_USD_PER_KWH];
    double usd_per_mtok = usd_per_cycle / tokens_per_cycle * TOKENS_PER_MTOK;
    double prefill_share = resident * prefill_s / cycle_s;
    double usd_per_mtok_input = usd_per_cycle * prefill_share / (resident * input_tokens) * TOKENS_PER_MTOK;
    double usd_per_mtok_output = usd_per_cycle * (1.0 - prefill_share) / tokens_per_cycle * TOKENS_PER_MTOK;

    /* carbon */
    double operational_g = kwh_per_cycle * x[I_GRID_GCO2_PER_KWH];
    double embodied_g = x[I_EMBODIED_KGCO2] * GRAMS_PER_KG * device_hours / (lifetime_years * HOURS_PER_YEAR);
    double gco2_per_mtok = (operational_g + embodied_g) / tokens_per_cycle * TOKENS_PER_MTOK;

    int meets_targets = ttft_s <= x[I_TTFT_SLO_S] && tpot_s <= x[I_TPOT_SLO_S];
    y[O_STATUS] = meets_targets ? STATUS_OK : STATUS_LATENCY;
    y[O_BATCH] = resident;
    y[O_MAX_BATCH] = max_batch;
    y[O_TTFT_S] = ttft_s;
    y[O_TPOT_S] = tpot_s;
    y[O_E2E_S] = e2e_s;
    y[O_TOKENS_PER_S] = tokens_per_s;
    y[O_TOKENS_PER_S_PER_DEVICE] = tokens_per_s / devices;
    y[O_USD_PER_MTOK] = usd_per_mtok;
    y[O_USD_PER_MTOK_INPUT] = usd_per_mtok_input;
    y[O_USD_PER_MTOK_OUTPUT] = usd_per_mtok_output;
    y[O_JOULES_PER_TOKEN] = joules_per_token;
    y[O_KWH_PER_MTOK] = kwh_per_cycle / tokens_per_cycle * TOKENS_PER_MTOK;
    y[O_GCO2_PER_MTOK] = gco2_per_mtok;
    y[O_POWER_W_PER_DEVICE] = power_w_per_device;
    y[O_WEIGHT_GB_PER_DEVICE] = weight_bytes_per_device / BYTES_PER_GB;
    y[O_KV_GB_PER_DEVICE] = kv_bytes_per_device / BYTES_PER_GB;
    y[O_MEMORY_USED_FRACTION] = used_fraction;
    y[O_PREFILL_S] = prefill_s;
    y[O_DECODE_STEP_S] = decode_step_s;
    y[O_DECODE_COMPUTE_BOUND] = decode_compute_s > decode_memory_s ? 1.0 : 0.0;
}

/* ---------------------------------------------------------------------------------------------
 * Sketch (summary.py)
 * ------------------------------------------------------------------------------------------- */
#define SKETCH_SHIFT 45
#define SKETCH_MIN 5.421010862427522e-20 /* 2**-64 */

static inline int64_t sketch_index(double x, uint64_t key_offset) {
    if (!(x >= SKETCH_MIN)) return 0;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int64_t idx = (int64_t)((bits >> SKETCH_SHIFT) - key_offset);
    return idx < INF_SKETCH_BUCKETS - 1 ? idx : INF_SKETCH_BUCKETS - 1;
}

static uint64_t sketch_key_offset(void) {
    double m = SKETCH_MIN;
    uint64_t bits;
    memcpy(&bits, &m, sizeof bits);
    return (bits >> SKETCH_SHIFT) - 1;
}

/* ---------------------------------------------------------------------------------------------
 * Drivers
 * ------------------------------------------------------------------------------------------- */
static int plan_ok(const int32_t *kinds, const double *params, int64_t n_choice) {
    for (int s = 0; s < INF_N_INPUTS; s++) {
        if (kinds[s] < K_FIXED || kinds[s] > K_CHOICE) return 0;
        if (kinds[s] == K_CHOICE) {
            const double *p = params + s * INF_N_DIST_PARAMS;
            if (!(p[0] >= 0 && p[1] >= 1 && p[0] + p[1] <= (double)n_choice)) return 0;
        }
    }
    return 1;
}

static int set_threads(int32_t threads) {
#ifdef _OPENMP
    return threads > 0 ? threads : omp_get_max_threads();
#else
    (void)threads;
    return 1;
#endif
}

int32_t inf_draw_inputs(const int32_t *kinds, const double *params, const int32_t *integer,
                        const double *choice_values, const double *choice_weights, int64_t n_choice,
                        uint64_t seed, int64_t start, int64_t n, double *out, int64_t out_len) {
    if (n < 0 || start < 0) return INF_E_ARGUMENT;
    if (out_len < n * INF_N_INPUTS) return INF_E_LENGTH;
    if (!plan_ok(kinds, params, n_choice)) return INF_E_ARGUMENT;
    uint64_t key = seed_key(seed);
    for (int64_t j = 0; j < n; j++)
        draw_sample(kinds, params, integer, choice_values, choice_weights, n_choice, key, start + j,
                    out + j * INF_N_INPUTS);
    return INF_OK;
}

int32_t inf_evaluate(const double *inputs, int64_t inputs_len, int64_t n, double *outputs,
                     int64_t outputs_len, int32_t threads) {
    if (n < 0) return INF_E_ARGUMENT;
    if (inputs_len < n * INF_N_INPUTS || outputs_len < n * INF_N_OUTPUTS) return INF_E_LENGTH;
    int nthreads = set_threads(threads);
    (void)nthreads;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nthreads) schedule(static)
#endif
    for (int64_t j = 0; j < n; j++) evaluate_one(inputs + j * INF_N_INPUTS, outputs + j * INF_N_OUTPUTS);
    return INF_OK;
}

int32_t inf_simulate(const int32_t *kinds, const double *params, const int32_t *integer,
                     const double *choice_values, const double *choice_weights, int64_t n_choice,
                     uint64_t seed, int64_t start, int64_t stop, int64_t chunk, int32_t threads,
                     int64_t *status_counts, int64_t status_len,
                     double *chunk_moments, int64_t moments_len,
                     int64_t *hist, int64_t hist_len,
                     double *keep_inputs, double *keep_outputs, int64_t keep_rows) {
    if (start < 0 || stop < start || chunk < 1) return INF_E_ARGUMENT;
    int64_t n = stop - start, n_chunks = (n + chunk - 1) / chunk;
    if (status_len < INF_N_STATUS || moments_len < n_chunks * INF_N_METRICS * INF_MOMENTS
        || hist_len < (int64_t)INF_N_METRICS * INF_SKETCH_BUCKETS)
        return INF_E_LENGTH;
    if ((keep_inputs || keep_outputs) && keep_rows < n) return INF_E_LENGTH;
    if (!plan_ok(kinds, params, n_choice)) return INF_E_ARGUMENT;

    const uint64_t key = seed_key(seed), key_offset = sketch_key_offset();
    const int nthreads = set_threads(threads);
    int failed = 0;
    (void)nthreads;

#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
#endif
    {
        int64_t *my_hist = calloc((size_t)INF_N_METRICS * INF_SKETCH_BUCKETS, sizeof(int64_t));
        int64_t my_status[INF_N_STATUS] = {0, 0, 0};
        double in[INF_N_INPUTS], out[INF_N_OUTPUTS];
        if (!my_hist) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
            failed = 1;
        }
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
        for (int64_t c = 0; c < n_chunks; c++) {
            if (!my_hist) continue;
            int64_t lo = start + c * chunk, hi = lo + chunk < stop ? lo + chunk : stop;
            /* Per metric: count, shift (first value), sum of (x - shift), sum of squares, min, max.
             * Shifted sums keep the variance exact enough without a division per sample. */
            int64_t cnt[INF_N_METRICS] = {0};
            double shift[INF_N_METRICS], s1[INF_N_METRICS], s2[INF_N_METRICS];
            double mn[INF_N_METRICS], mx[INF_N_METRICS];
            for (int m = 0; m < INF_N_METRICS; m++) {
                shift[m] = s1[m] = s2[m] = 0.0;
                mn[m] = INFINITY;
                mx[m] = -INFINITY;
            }
            for (int64_t i = lo; i < hi; i++) {
                draw_sample(kinds, params, integer, choice_values, choice_weights, n_choice, key, i, in);
                evaluate_one(in, out);
                if (keep_inputs) memcpy(keep_inputs + (i - start) * INF_N_INPUTS, in, sizeof in);
                if (keep_outputs) memcpy(keep_outputs + (i - start) * INF_N_OUTPUTS, out, sizeof out);
                int status = (int)out[O_STATUS];
                my_status[status]++;
                if (status != 0) continue;
                for (int m = 0; m < INF_N_METRICS; m++) {
                    double v = out[m + 1];
                    if (cnt[m] == 0) shift[m] = v;
                    double d = v - shift[m];
                    cnt[m]++;
                    s1[m] += d;
                    s2[m] += d * d;
                    mn[m] = v < mn[m] ? v : mn[m];
                    mx[m] = v > mx[m] ? v : mx[m];
                    my_hist[(int64_t)m * INF_SKETCH_BUCKETS + sketch_index(v, key_offset)]++;
                }
            }
            double *mom = chunk_moments + c * INF_N_METRICS * INF_MOMENTS;
            for (int m = 0; m < INF_N_METRICS; m++) {
                double k = (double)cnt[m];
                mom[m * INF_MOMENTS + 0] = k;
                mom[m * INF_MOMENTS + 1] = cnt[m] ? shift[m] + s1[m] / k : 0.0;
                mom[m * INF_MOMENTS + 2] = cnt[m] ? dmax(s2[m] - s1[m] * s1[m] / k, 0.0) : 0.0;
                mom[m * INF_MOMENTS + 3] = mn[m];
                mom[m * INF_MOMENTS + 4] = mx[m];
            }
        }
#ifdef _OPENMP
#pragma omp critical
#endif
        {
            if (my_hist) {
                for (int64_t b = 0; b < (int64_t)INF_N_METRICS * INF_SKETCH_BUCKETS; b++)
                    hist[b] += my_hist[b];
                for (int st = 0; st < INF_N_STATUS; st++) status_counts[st] += my_status[st];
            }
        }
        free(my_hist);
    }
    return failed ? INF_E_MEMORY : INF_OK;
}
