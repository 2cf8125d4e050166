"""The numba core: the C core's algorithm, JIT-compiled from Python.

Same plan arrays (:mod:`inferonomics.encoding`), same counter-based stream, same formulas in the same
order as :mod:`inferonomics.reference`. Kernels are compiled with ``cache=True`` (a second process
loads them from ``__pycache__`` instead of compiling) and ``nogil=True``: the driver runs contiguous
groups of chunks on a thread pool, one histogram per group, so the result does not depend on the
thread count. All JIT options live in :func:`_jit`, so nobody adds ``fastmath`` ad hoc.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from .encoding import (KIND_CHOICE, KIND_FIXED, KIND_LOGNORMAL, KIND_NORMAL, KIND_PERT,
                       KIND_TRIANG, KIND_TRUNCNORM, KIND_UNIFORM, N_DIST_PARAMS, N_INPUTS,
                       N_METRICS, N_OUTPUTS, EncodedPlan)
from .parameters import PARAMETER_BY_NAME, PARAMETERS
from .reference import OUTPUT_NAMES
from .summary import SKETCH_BUCKETS, SKETCH_KEY_OFFSET, SKETCH_MANTISSA_BITS, SKETCH_MIN


def _jit(fn):
    # error_model="numpy": division by zero gives inf/nan as in C instead of raising, which also
    # lets LLVM vectorise loops with divisions.
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


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
SKETCH_SUB_BUCKETS = float(1 << SKETCH_MANTISSA_BITS)

# Input and output positions, by name, so the model below reads like the reference.
_I = {p.name: s for s, p in enumerate(PARAMETERS)}
_O = {name: o for o, name in enumerate(OUTPUT_NAMES)}
I_TOTAL_PARAMS_B, I_ACTIVE_PARAMS_B, I_N_LAYERS, I_D_MODEL = (
    _I["total_params_b"], _I["active_params_b"], _I["n_layers"], _I["d_model"])
I_N_HEADS, I_N_KV_HEADS, I_HEAD_DIM, I_V_HEAD_DIM, I_D_FF = (
    _I["n_heads"], _I["n_kv_heads"], _I["head_dim"], _I["v_head_dim"], _I["d_ff"])
I_N_EXPERTS, I_EXPERTS_PER_TOKEN, I_KV_LORA_RANK, I_ROPE_HEAD_DIM = (
    _I["n_experts"], _I["experts_per_token"], _I["kv_lora_rank"], _I["rope_head_dim"])
I_SLIDING_WINDOW, I_SLIDING_WINDOW_LAYERS, I_COUNT = (
    _I["sliding_window"], _I["sliding_window_layers"], _I["count"])
I_MEMORY_GB, I_MEMORY_BW_GBPS, I_TFLOPS_FP32, I_TFLOPS_16, I_TFLOPS_8, I_TFLOPS_4 = (
    _I["memory_gb"], _I["memory_bw_gbps"], _I["tflops_fp32"], _I["tflops_16"], _I["tflops_8"],
    _I["tflops_4"])
I_TDP_W, I_IDLE_W, I_INTERCONNECT_GBPS, I_LINK_LATENCY_US = (
    _I["tdp_w"], _I["idle_w"], _I["interconnect_gbps"], _I["link_latency_us"])
I_WEIGHT_BITS, I_ACTIVATION_BITS, I_KV_BITS = (
    _I["weight_bits"], _I["activation_bits"], _I["kv_bits"])
I_BATCH, I_INPUT_TOKENS, I_OUTPUT_TOKENS, I_TTFT_SLO_S, I_TPOT_SLO_S = (
    _I["batch"], _I["input_tokens"], _I["output_tokens"], _I["ttft_slo_s"], _I["tpot_slo_s"])
I_MFU, I_MBU, I_COMM_EFFICIENCY, I_STEP_OVERHEAD_MS, I_MEMORY_USABLE_FRACTION = (
    _I["mfu"], _I["mbu"], _I["comm_efficiency"], _I["step_overhead_ms"],
    _I["memory_usable_fraction"])
I_PUE, I_HOST_W, I_GRID_GCO2_PER_KWH, I_EMBODIED_KGCO2 = (
    _I["pue"], _I["host_w"], _I["grid_gco2_per_kwh"], _I["embodied_kgco2"])
I_USD_PER_DEVICE_HOUR, I_PURCHASE_USD, I_HOSTING_USD_PER_DEVICE_HOUR, I_USD_PER_KWH = (
    _I["usd_per_device_hour"], _I["purchase_usd"], _I["hosting_usd_per_device_hour"],
    _I["usd_per_kwh"])
I_UTILIZATION, I_LIFETIME_YEARS = _I["utilization"], _I["lifetime_years"]
O_STATUS = _O["status"]
assert O_STATUS == 0 and len(PARAMETER_BY_NAME) == N_INPUTS

# reference.py constants (imported values, so a change there reaches this core).
from .reference import (ALLREDUCE_BYTES_PER_VALUE, ALLREDUCES_PER_LAYER, BITS_PER_BYTE,  # noqa: E402
                        BYTES_PER_GB, FLOPS_PER_MAC, FLOPS_PER_TFLOPS, GRAMS_PER_KG,
                        HOURS_PER_YEAR, JOULES_PER_KWH, PARAMS_PER_BILLION, SECONDS_PER_HOUR,
                        SECONDS_PER_MS, SECONDS_PER_US, STATUS_LATENCY, STATUS_MEMORY, STATUS_OK,
                        TOKENS_PER_MTOK, WORKSPACE_FFN_COPIES, WORKSPACE_HIDDEN_COPIES)
from .parameters import BATCH_MAX  # noqa: E402

ALLREDUCES = float(ALLREDUCES_PER_LAYER)


# ------------------------------------------------------------------------------------------------
# Stream and distributions
# ------------------------------------------------------------------------------------------------

@_jit
def mix64(z):
    z = (z ^ (z >> SHIFT30)) * MIX_MUL1
    z = (z ^ (z >> SHIFT27)) * MIX_MUL2
    return z ^ (z >> SHIFT31)


@_jit
def sample_key(key, i):
    return mix64(key ^ (U64(i) * GAMMA))


@_jit
def uniform(skey, stream, k):
    bits = mix64(skey + ((U64(stream) << DRAW_INDEX_BITS) | U64(k)) * GAMMA)
    return (float(bits >> UNIFORM_DROP) + 0.5) * UNIFORM_SCALE


@_jit
def normal_quantile(p):
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r
                    + 6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r
                  + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
                + 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) * q
        den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r
                    + 3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r
                  + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
                + 4.2313330701600911252e+1) * r + 1.0)
        return num / den
    r = p if q < 0.0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r = r - 1.6
        num = (((((((7.7454501427834140764e-4 * r + 2.2723844989269184583e-2) * r
                    + 2.4178072517745061177e-1) * r + 1.2704582524523683826e+0) * r
                  + 3.6478483247632045960e+0) * r + 5.7694972214606914055e+0) * r
                + 4.6303378461565452959e+0) * r + 1.4234371107496835773e+0)
        den = (((((((1.0507500716444168432e-9 * r + 5.4759380849953445460e-4) * r
                    + 1.5198666563616457197e-2) * r + 1.4810397642748007459e-1) * r
                  + 6.8976733498510000455e-1) * r + 1.6763848301838038494e+0) * r
                + 2.0531916266377588219e+0) * r + 1.0)
    else:
        r = r - 5.0
        num = (((((((2.0103343992922881327e-7 * r + 2.7115555687434875782e-5) * r
                    + 1.2426609473880784386e-3) * r + 2.6532189526576123093e-2) * r
                  + 2.9656057182850489123e-1) * r + 1.7848265399172913358e+0) * r
                + 5.4637849111641143699e+0) * r + 6.6579046435011037772e+0)
        den = (((((((2.0442631033899397856e-15 * r + 1.4215117583164458887e-7) * r
                    + 1.8463183175100546818e-5) * r + 7.8686913114561325910e-4) * r
                  + 1.4875361290850614853e-2) * r + 1.3692988092273580531e-1) * r
                + 5.9983220655588793769e-1) * r + 1.0)
    x = num / den
    return -x if q < 0.0 else x


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
        if math.log(uniform(skey, stream, first + 2 * attempt + 1)) < 0.5 * x * x + d - d * v + d * math.log(v):
            return d * v
    return d


@_jit
def draw(kind, p, choice_values, choice_weights, skey, stream):
    if kind == KIND_FIXED:
        return p[0]
    if kind == KIND_UNIFORM:
        return p[0] + (p[1] - p[0]) * uniform(skey, stream, 0)
    if kind == KIND_NORMAL:
        return p[0] + p[1] * normal_quantile(uniform(skey, stream, 0))
    if kind == KIND_TRUNCNORM:
        u = uniform(skey, stream, 0)
        if p[6] != 0.0:
            z = -normal_quantile(p[4] - u * (p[4] - p[5]))
        else:
            z = normal_quantile(p[4] + u * (p[5] - p[4]))
        x = p[0] + p[1] * z
        x = x if x > p[2] else p[2]
        return x if x < p[3] else p[3]
    if kind == KIND_LOGNORMAL:
        return p[0] * math.exp(p[1] * normal_quantile(uniform(skey, stream, 0)))
    if kind == KIND_TRIANG:
        u = uniform(skey, stream, 0)
        width = p[2] - p[0]
        if width == 0.0:
            return p[0]
        if u * width < p[1] - p[0]:
            return p[0] + math.sqrt(u * width * (p[1] - p[0]))
        return p[2] - math.sqrt((1.0 - u) * width * (p[2] - p[1]))
    if kind == KIND_PERT:
        g1 = gamma_variate(p[2], skey, stream, 0)
        g2 = gamma_variate(p[3], skey, stream, GAMMA_SECOND_VARIATE_OFFSET)
        return p[0] + (p[1] - p[0]) * g1 / (g1 + g2)
    if kind == KIND_CHOICE:
        offset, count = int(p[0]), int(p[1])
        target = uniform(skey, stream, 0) * p[2]
        cumulative = 0.0
        for j in range(count):
            cumulative += choice_weights[offset + j]
            if target < cumulative:
                return choice_values[offset + j]
        return choice_values[offset + count - 1]
    return np.nan


@_jit
def draw_sample(kinds, params, integer, choice_values, choice_weights, key, i, out):
    skey = sample_key(key, i)
    for s in range(N_INPUTS):
        x = draw(kinds[s], params[s], choice_values, choice_weights, skey, s)
        out[s] = math.floor(x + 0.5) if integer[s] else x


# ------------------------------------------------------------------------------------------------
# The cost model (reference.evaluate)
# ------------------------------------------------------------------------------------------------

@_jit
def peak_tflops(bits, fp32, t16, t8, t4):
    if bits <= 4 and t4 > 0:
        return t4
    if bits <= 8 and t8 > 0:
        return t8
    if bits <= 16 and t16 > 0:
        return t16
    if fp32 > 0:
        return fp32
    return t16


@_jit
def windowed_context(tokens, window, layers):
    if window <= 0:
        return tokens
    return (1.0 - layers) * tokens + layers * min(tokens, window)


@_jit
def causal_attention_pairs(tokens, window, layers):
    full = 0.5 * tokens * tokens
    if window <= 0 or tokens <= window:
        return full
    local = 0.5 * window * window + (tokens - window) * window
    return (1.0 - layers) * full + layers * local


@_jit
def experts_touched(n_experts, k, tokens):
    return n_experts * (1.0 - (1.0 - k / n_experts) ** tokens)


@_jit
def ring_allreduce_s(message_bytes, devices, link_bytes_per_s, latency_s):
    if devices <= 1:
        return 0.0
    steps = 2.0 * (devices - 1.0)
    return steps / devices * message_bytes / link_bytes_per_s + steps * latency_s


@_jit
def device_power_w(idle_w, tdp_w, activity):
    return idle_w + (tdp_w - idle_w) * activity


@_jit
def evaluate_one(x, y):
    total_params = x[I_TOTAL_PARAMS_B] * PARAMS_PER_BILLION
    active_params = x[I_ACTIVE_PARAMS_B] * PARAMS_PER_BILLION
    devices = x[I_COUNT]
    memory_bytes = x[I_MEMORY_GB] * BYTES_PER_GB
    memory_bytes_per_s = x[I_MEMORY_BW_GBPS] * BYTES_PER_GB
    link_bytes_per_s = x[I_INTERCONNECT_GBPS] * BYTES_PER_GB * x[I_COMM_EFFICIENCY]
    link_latency_s = x[I_LINK_LATENCY_US] * SECONDS_PER_US
    peak_flops = peak_tflops(x[I_ACTIVATION_BITS], x[I_TFLOPS_FP32], x[I_TFLOPS_16], x[I_TFLOPS_8],
                             x[I_TFLOPS_4]) * FLOPS_PER_TFLOPS
    achieved_flops_per_device = peak_flops * x[I_MFU]
    achieved_bytes_per_s = memory_bytes_per_s * x[I_MBU]
    step_overhead_s = x[I_STEP_OVERHEAD_MS] * SECONDS_PER_MS
    weight_bytes_per_param = x[I_WEIGHT_BITS] / BITS_PER_BYTE
    activation_bytes = x[I_ACTIVATION_BITS] / BITS_PER_BYTE
    n_experts, k, n_layers = x[I_N_EXPERTS], x[I_EXPERTS_PER_TOKEN], x[I_N_LAYERS]
    window, window_layers = x[I_SLIDING_WINDOW], x[I_SLIDING_WINDOW_LAYERS]
    input_tokens, output_tokens = x[I_INPUT_TOKENS], x[I_OUTPUT_TOKENS]

    if n_experts > k:
        expert_params = (total_params - active_params) / (n_experts - k)
    else:
        expert_params = 0.0
    dense_params = total_params - n_experts * expert_params
    weight_bytes_per_device = total_params * weight_bytes_per_param / devices

    if x[I_KV_LORA_RANK] > 0:
        kv_values_per_token_layer = x[I_KV_LORA_RANK] + x[I_ROPE_HEAD_DIM]
        kv_shards = 1.0
    else:
        kv_values_per_token_layer = x[I_N_KV_HEADS] * (x[I_HEAD_DIM] + x[I_V_HEAD_DIM])
        kv_shards = min(devices, x[I_N_KV_HEADS])
    kv_bytes_per_token = n_layers * kv_values_per_token_layer * x[I_KV_BITS] / BITS_PER_BYTE
    mean_context = input_tokens + 0.5 * output_tokens
    cached_context = windowed_context(mean_context, window, window_layers)
    kv_bytes_per_sequence_per_device = kv_bytes_per_token * cached_context / kv_shards

    workspace_bytes = (input_tokens * (WORKSPACE_HIDDEN_COPIES * x[I_D_MODEL]
                                       + WORKSPACE_FFN_COPIES * x[I_D_FF] / devices) * activation_bytes)
    free_bytes = x[I_MEMORY_USABLE_FRACTION] * memory_bytes - weight_bytes_per_device - workspace_bytes
    max_batch = max(math.floor(free_bytes / kv_bytes_per_sequence_per_device), 0.0)
    resident = max_batch if x[I_BATCH] == BATCH_MAX else x[I_BATCH]
    kv_bytes_per_device = resident * kv_bytes_per_sequence_per_device
    used_fraction = (weight_bytes_per_device + workspace_bytes + kv_bytes_per_device) / memory_bytes
    if resident < 1 or resident > max_batch:
        for o in range(N_OUTPUTS):
            y[o] = np.nan
        y[0] = STATUS_MEMORY
        y[1] = resident
        y[2] = max_batch
        y[15] = weight_bytes_per_device / BYTES_PER_GB
        y[16] = kv_bytes_per_device / BYTES_PER_GB
        y[17] = used_fraction
        return

    attention_flops_per_pair = FLOPS_PER_MAC * x[I_N_HEADS] * (x[I_HEAD_DIM] + x[I_V_HEAD_DIM]) * n_layers

    prefill_flops = (FLOPS_PER_MAC * active_params * input_tokens
                     + attention_flops_per_pair
                     * causal_attention_pairs(input_tokens, window, window_layers))
    prefill_weight_bytes = (dense_params + experts_touched(n_experts, k, input_tokens)
                            * expert_params) * weight_bytes_per_param / devices
    prefill_compute_s = prefill_flops / devices / achieved_flops_per_device
    prefill_memory_s = prefill_weight_bytes / achieved_bytes_per_s
    prefill_comm_s = ALLREDUCES * n_layers * ring_allreduce_s(
        input_tokens * x[I_D_MODEL] * ALLREDUCE_BYTES_PER_VALUE, devices, link_bytes_per_s,
        link_latency_s)
    prefill_s = max(prefill_compute_s, prefill_memory_s) + prefill_comm_s + step_overhead_s

    decode_flops = resident * (FLOPS_PER_MAC * active_params + attention_flops_per_pair * cached_context)
    decode_weight_bytes = (dense_params + experts_touched(n_experts, k, resident)
                           * expert_params) * weight_bytes_per_param / devices
    decode_bytes = decode_weight_bytes + kv_bytes_per_device
    decode_compute_s = decode_flops / devices / achieved_flops_per_device
    decode_memory_s = decode_bytes / achieved_bytes_per_s
    decode_comm_s = ALLREDUCES * n_layers * ring_allreduce_s(
        resident * x[I_D_MODEL] * ALLREDUCE_BYTES_PER_VALUE, devices, link_bytes_per_s,
        link_latency_s)
    decode_step_s = max(decode_compute_s, decode_memory_s) + decode_comm_s + step_overhead_s

    cycle_s = output_tokens * decode_step_s + resident * prefill_s
    tokens_per_cycle = resident * output_tokens
    tokens_per_s = tokens_per_cycle / cycle_s
    ttft_s = prefill_s
    e2e_s = cycle_s
    tpot_s = (e2e_s - ttft_s) / output_tokens

    idle_w, tdp_w, host_w = x[I_IDLE_W], x[I_TDP_W], x[I_HOST_W]
    utilization, lifetime_years = x[I_UTILIZATION], x[I_LIFETIME_YEARS]
    decode_activity = max(decode_flops / devices / peak_flops,
                          decode_bytes / memory_bytes_per_s) / decode_step_s
    prefill_activity = max(prefill_flops / devices / peak_flops,
                           prefill_weight_bytes / memory_bytes_per_s) / prefill_s
    device_joules = (device_power_w(idle_w, tdp_w, decode_activity) * output_tokens * decode_step_s
                     + device_power_w(idle_w, tdp_w, prefill_activity) * resident * prefill_s
                     + host_w * cycle_s)
    idle_s = cycle_s * (1.0 - utilization) / utilization
    device_joules += (idle_w + host_w) * idle_s
    facility_joules = devices * device_joules * x[I_PUE]
    joules_per_token = facility_joules / tokens_per_cycle
    kwh_per_cycle = facility_joules / JOULES_PER_KWH
    power_w_per_device = facility_joules / devices / (cycle_s + idle_s)

    device_hours = devices * (cycle_s + idle_s) / SECONDS_PER_HOUR
    usd_per_device_hour_all_in = (x[I_USD_PER_DEVICE_HOUR]
                                  + x[I_PURCHASE_USD] / (lifetime_years * HOURS_PER_YEAR)
                                  + x[I_HOSTING_USD_PER_DEVICE_HOUR])
    usd_per_cycle = device_hours * usd_per_device_hour_all_in + kwh_per_cycle * x[I_USD_PER_KWH]
    usd_per_mtok = usd_per_cycle / tokens_per_cycle * TOKENS_PER_MTOK
    prefill_share = resident * prefill_s / cycle_s
    usd_per_mtok_input = usd_per_cycle * prefill_share / (resident * input_tokens) * TOKENS_PER_MTOK
    usd_per_mtok_output = usd_per_cycle * (1.0 - prefill_share) / tokens_per_cycle * TOKENS_PER_MTOK

    operational_g = kwh_per_cycle * x[I_GRID_GCO2_PER_KWH]
    embodied_g = x[I_EMBODIED_KGCO2] * GRAMS_PER_KG * device_hours / (lifetime_years * HOURS_PER_YEAR)
    gco2_per_mtok = (operational_g + embodied_g) / tokens_per_cycle * TOKENS_PER_MTOK

    meets_targets = ttft_s <= x[I_TTFT_SLO_S] and tpot_s <= x[I_TPOT_SLO_S]
    y[0] = STATUS_OK if meets_targets else STATUS_LATENCY
    y[1] = resident
    y[2] = max_batch
    y[3] = ttft_s
    y[4] = tpot_s
    y[5] = e2e_s
    y[6] = tokens_per_s
    y[7] = tokens_per_s / devices
    y[8] = usd_per_mtok
    y[9] = usd_per_mtok_input
    y[10] = usd_per_mtok_output
    y[11] = joules_per_token
    y[12] = kwh_per_cycle / tokens_per_cycle * TOKENS_PER_MTOK
    y[13] = gco2_per_mtok
    y[14] = power_w_per_device
    y[15] = weight_bytes_per_device / BYTES_PER_GB
    y[16] = kv_bytes_per_device / BYTES_PER_GB
    y[17] = used_fraction
    y[18] = prefill_s
    y[19] = decode_step_s
    y[20] = 1.0 if decode_compute_s > decode_memory_s else 0.0


assert OUTPUT_NAMES[15] == "weight_gb_per_device" and OUTPUT_NAMES[20] == "decode_compute_bound"


# ------------------------------------------------------------------------------------------------
# Drivers
# ------------------------------------------------------------------------------------------------

@_jit
def sketch_index(v):
    """summary.sketch_index without reinterpreting bits: for a normal double, frexp gives
    v = f * 2**e with 0.5 <= f < 1, so its biased exponent is e + 1022 and its top mantissa bits are
    floor((2f - 1) * 2**SKETCH_MANTISSA_BITS), both exact."""
    if not v >= SKETCH_MIN:
        return 0
    f, e = math.frexp(v)
    key = ((e + 1022) << SKETCH_MANTISSA_BITS) + int((2.0 * f - 1.0) * SKETCH_SUB_BUCKETS)
    idx = key - SKETCH_KEY_OFFSET
    return idx if idx < SKETCH_BUCKETS - 1 else SKETCH_BUCKETS - 1


@_jit
def simulate_chunks(kinds, params, integer, choice_values, choice_weights, key, start, stop, chunk,
                    first_chunk, last_chunk, status, chunk_moments, hist, keep_inputs,
                    keep_outputs, keep):
    """Chunks ``first_chunk .. last_chunk-1`` of the span ``start .. stop``; ``chunk_moments`` rows
    are indexed by chunk within the span."""
    x = np.empty(N_INPUTS)
    y = np.empty(N_OUTPUTS)
    cnt = np.zeros(N_METRICS, dtype=np.int64)
    shift = np.zeros(N_METRICS)
    s1 = np.zeros(N_METRICS)
    s2 = np.zeros(N_METRICS)
    mn = np.empty(N_METRICS)
    mx = np.empty(N_METRICS)
    for c in range(first_chunk, last_chunk):
        lo = start + c * chunk
        hi = min(lo + chunk, stop)
        cnt[:] = 0
        shift[:] = 0.0
        s1[:] = 0.0
        s2[:] = 0.0
        mn[:] = np.inf
        mx[:] = -np.inf
        for i in range(lo, hi):
            draw_sample(kinds, params, integer, choice_values, choice_weights, key, i, x)
            evaluate_one(x, y)
            if keep:
                keep_inputs[i - start, :] = x
                keep_outputs[i - start, :] = y
            st = int(y[0])
            status[st] += 1
            if st != 0:
                continue
            for m in range(N_METRICS):
                v = y[m + 1]
                if cnt[m] == 0:
                    shift[m] = v
                d = v - shift[m]
                cnt[m] += 1
                s1[m] += d
                s2[m] += d * d
                mn[m] = min(mn[m], v)
                mx[m] = max(mx[m], v)
                hist[m, sketch_index(v)] += 1
        for m in range(N_METRICS):
            k = float(cnt[m])
            chunk_moments[c, m, 0] = k
            chunk_moments[c, m, 1] = shift[m] + s1[m] / k if cnt[m] else 0.0
            chunk_moments[c, m, 2] = max(s2[m] - s1[m] * s1[m] / k, 0.0) if cnt[m] else 0.0
            chunk_moments[c, m, 3] = mn[m]
            chunk_moments[c, m, 4] = mx[m]


@_jit
def draw_range(kinds, params, integer, choice_values, choice_weights, key, start, out):
    for j in range(out.shape[0]):
        draw_sample(kinds, params, integer, choice_values, choice_weights, key, start + j, out[j])


@_jit
def evaluate_rows(inputs, outputs):
    for j in range(inputs.shape[0]):
        evaluate_one(inputs[j], outputs[j])


def _key(seed: int) -> np.uint64:
    from .rng import seed_key

    return U64(seed_key(seed))


def _plan_args(plan: EncodedPlan):
    return (plan.kinds, plan.params, plan.integer, plan.choice_values, plan.choice_weights)


def draw_inputs(plan: EncodedPlan, seed: int, start: int, n: int) -> np.ndarray:
    out = np.empty((n, N_INPUTS))
    draw_range(*_plan_args(plan), _key(seed), start, out)
    return out


def _split(n: int, parts: int) -> list[tuple[int, int]]:
    bounds = [n * p // parts for p in range(parts + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def evaluate(inputs: np.ndarray, threads: int) -> np.ndarray:
    inputs = np.ascontiguousarray(inputs, dtype=np.float64)
    out = np.empty((inputs.shape[0], N_OUTPUTS))
    parts = _split(inputs.shape[0], threads)
    if len(parts) <= 1:
        evaluate_rows(inputs, out)
        return out
    with ThreadPoolExecutor(len(parts)) as pool:
        list(pool.map(lambda ab: evaluate_rows(inputs[ab[0]:ab[1]], out[ab[0]:ab[1]]), parts))
    return out


_EMPTY_KEEP = np.empty((0, 0))


def simulate(plan: EncodedPlan, seed: int, start: int, stop: int, chunk: int, threads: int,
             status: np.ndarray, chunk_moments: np.ndarray, hist: np.ndarray,
             keep_inputs: np.ndarray | None, keep_outputs: np.ndarray | None) -> None:
    """Same contract as :func:`inferonomics.cbinding.simulate`."""
    n_chunks = -(-(stop - start) // chunk)
    keep = keep_inputs is not None
    args = _plan_args(plan) + (_key(seed), start, stop, chunk)
    groups = _split(n_chunks, threads)
    # One status vector and histogram per group: integer counts, summed afterwards in any order.
    statuses = [np.zeros_like(status) for _ in groups]
    hists = [np.zeros_like(hist) for _ in groups] if len(groups) > 1 else [hist]

    def run(g):
        first, last = groups[g]
        simulate_chunks(*args, first, last, statuses[g], chunk_moments, hists[g],
                        keep_inputs if keep else _EMPTY_KEEP, keep_outputs if keep else _EMPTY_KEEP,
                        keep)

    if len(groups) <= 1:
        for g in range(len(groups)):
            run(g)
    else:
        with ThreadPoolExecutor(len(groups)) as pool:
            list(pool.map(run, range(len(groups))))
        for h in hists:
            hist += h
    for s in statuses:
        status += s
