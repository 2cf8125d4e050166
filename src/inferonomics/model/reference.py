"""The cost model, one sample at a time, in plain Python: the written specification.

:func:`evaluate` takes every input as an explicit scalar (names and units as in
:data:`inferonomics.model.registry.PARAMETERS`) and returns an :class:`Outputs` record. The native cores
compute the same formulas in the same order; tests hold them to this module.

The model, with the literature each piece follows:

* FLOPs: a forward pass costs 2 FLOPs per active weight per token (one multiply-add), plus attention
  over the cached context, ``2 * n_heads * (head_dim + v_head_dim)`` FLOPs per layer per (query, key)
  pair: QK^T and softmax(.)V (Kaplan et al. 2020, "Scaling laws for neural language models", Table 1;
  Hoffmann et al. 2022, "Chinchilla", Appendix F; Chen 2022, "Transformer inference arithmetic").
* Bytes: every decode step reads the weights it uses once and the KV cache of every sequence once
  (Pope et al. 2022, "Efficiently scaling transformer inference"). The KV cache holds K and V per layer,
  ``n_kv_heads * (head_dim + v_head_dim)`` elements per token (GQA: Ainslie et al. 2023), or for latent
  attention the compressed latent plus the rotary key, ``kv_lora_rank + rope_head_dim`` (DeepSeek-V2,
  2024, Sec. 2.1; what vLLM and SGLang cache).
* Roofline: a pass takes the longer of its compute time and its memory time (Williams et al. 2009),
  at achieved fractions MFU and MBU of peak.
* Tensor parallelism: weights, heads and FLOPs split evenly over ``count`` devices; two all-reduces of
  the hidden state per layer (Shoeybi et al. 2019, Megatron-LM), each a ring all-reduce costing
  ``2 (p-1)/p * bytes / bandwidth + 2 (p-1) * latency`` (Patarasuk & Yuan 2009).
* Mixture of experts: with ``E`` experts and ``k`` per token, a batch of ``b`` tokens touches on
  average ``E * (1 - (1 - k/E)**b)`` experts per layer (uniform routing), and only those are read.
* Serving: continuous batching (Yu et al. 2022, Orca; Kwon et al. 2023, vLLM) keeps ``batch``
  sequences resident. Each finished sequence is replaced by a new one whose prefill stalls the batch,
  so one cycle of ``output_tokens`` decode steps also contains ``batch`` prefills. Beam search decodes
  ``beams`` hypotheses per request, which share the prompt's KV cache (vLLM's prefix sharing).
* Power: idle power plus the dynamic range times the utilisation of the busier resource raised to
  ``power_exponent``, plus host power, times PUE. Cost: device-hours times the hourly price (rented) or amortised purchase plus
  hosting plus electricity (owned). Carbon: energy times grid intensity plus amortised embodied carbon.
  Water: IT energy times the site's water usage effectiveness (The Green Grid, WUE).
* Quality: a request costs its output tokens at the cost per token, once per model call
  (``attempts``); the cost of one acceptable answer is that over the share of requests answered
  acceptably, ``p_success`` (the cost-of-pass of Erol et al. 2025, "Cost-of-Pass: An Economic
  Framework for Evaluating Language Models", arXiv:2504.13359), and the net value of a request is
  what its success is worth less what its failure costs and what it cost to run.
"""

from __future__ import annotations

import math
from dataclasses import asdict, field, make_dataclass, replace

from ..sampling import rng
from .registry import (BATCH_MAX, METRIC_NAMES, METRICS, MICROBATCHES_AS_STAGES, OUTPUT_NAMES,
                       PARAMETERS, WHOLE_REPLICA_DOMAIN)

# Unit conversions, named so the formulas read in SI units.
BYTES_PER_GB = 1e9
FLOPS_PER_TFLOPS = 1e12
PARAMS_PER_BILLION = 1e9
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_MS = 1e-3
SECONDS_PER_US = 1e-6
HOURS_PER_YEAR = 8766.0                 # 365.25 days
MONTHS_PER_YEAR = 12.0
JOULES_PER_KWH = 3.6e6
GRAMS_PER_KG = 1000.0
TOKENS_PER_MTOK = 1e6
BITS_PER_BYTE = 8.0

ALLREDUCES_PER_LAYER = 2                # after attention and after the MLP (Megatron-LM)
ALLREDUCE_BYTES_PER_VALUE = 2.0         # partial sums are reduced in 16-bit even when matmuls run in 8-bit
FLOPS_PER_MAC = 2.0
# Stands for ln 0, the log-probability that a token misses an expert when every token uses every
# expert (a dense model: one expert): finite, so that 0 tokens touch 0 experts (0 x ln 0 would be
# NaN), and low enough that any pass of 1e-28 tokens or more touches them all; float32 holds it.
EXPERT_MISS_LOG_ALL = -1e30
# A kernel counts as compute-bound only when its compute time exceeds its memory time by more than
# this (relative): round figures make the two equal (a 13B model's decode step at batch 500 on
# 1000 TFLOP/s and 2 TB/s), and a tie within rounding is no basis for calling it either way (the
# native cores, which round an ulp differently, would call it the other way on some layouts).
ROOFLINE_TIE = 1e-12
# Activation workspace held during the prefill of one prompt, in values per prompt token: the residual
# stream, its normalised copy, the attention output and the QKV projections (~4 x d_model), plus the
# gate and up projections of the MLP (2 x d_ff, split over the tensor-parallel devices).
WORKSPACE_HIDDEN_COPIES = 4.0
WORKSPACE_FFN_COPIES = 2.0

MLP_DENSE = 0.0               # a stage's MLP: dense weights, split like attention
MLP_SLICED_EXPERTS = 1.0      # experts sliced over the stage's devices (tensor parallel)
MLP_WHOLE_EXPERTS = 2.0       # each expert whole on one device (expert parallel)

STATUS_OK = 0
STATUS_MEMORY = 1        # weights, workspace and KV cache of one sequence (or of `batch`) do not fit
STATUS_LATENCY = 2       # fits, but misses the TTFT or TPOT target
STATUS_NON_FINITE = 3    # a figure overflowed to inf or NaN (never for inputs in their ranges)
STATUS_NAMES = {STATUS_OK: "ok", STATUS_MEMORY: "memory", STATUS_LATENCY: "latency",
                STATUS_NON_FINITE: "non_finite"}


def _outputs_as_dict(self) -> dict[str, float]:
    return asdict(self)


Outputs = make_dataclass(
    "Outputs",
    [("status", int)] + [(m.name, float, field(default=math.nan)) for m in METRICS],
    frozen=True, namespace={"as_dict": _outputs_as_dict, "__module__": __name__})
Outputs.__doc__ = """The result of evaluating one sample: ``status`` (``STATUS_OK``; ``STATUS_MEMORY``:
does not fit; ``STATUS_LATENCY``: runs but misses its latency target; ``STATUS_NON_FINITE``: a
figure overflowed) and one field per metric of :data:`inferonomics.model.registry.METRICS` (units
there). A field not given is NaN: a sample that does not fit has only its memory figures."""


def checked(outputs: Outputs) -> Outputs:
    """``outputs``, or the same figures with ``STATUS_NON_FINITE`` where a sample that ran (status
    ok or latency) has a metric that is inf or NaN. The allowed input ranges are chosen so that this
    never happens; should a formula still overflow, the sample is counted as infeasible for that
    reason instead of carrying inf or NaN into means, quantiles and tables. (The generated cores
    apply the same rule to the model's final return.)"""
    ran = outputs.status in (STATUS_OK, STATUS_LATENCY)
    if ran and not all(math.isfinite(getattr(outputs, m)) for m in METRIC_NAMES):
        return replace(outputs, status=STATUS_NON_FINITE)
    return outputs


def floor(x: float) -> float:
    """Round down, as a float (math.floor returns an int and refuses infinity)."""
    return float(math.floor(x)) if math.isfinite(x) else x


def peak_tflops(activation_bits: float, tflops_fp32: float, tflops_16: float, tflops_8: float,
                tflops_4: float) -> float:
    """Dense peak (TFLOP/s) for matmul inputs of ``activation_bits``: the narrowest supported format
    at least that wide. A device without 4-bit units runs 4-bit activations on its 8-bit units, and
    so on up; a rate of 0 means the format is not supported."""
    if activation_bits <= 4 and tflops_4 > 0:
        return tflops_4
    if activation_bits <= 8 and tflops_8 > 0:
        return tflops_8
    if activation_bits <= 16 and tflops_16 > 0:
        return tflops_16
    if tflops_fp32 > 0:
        return tflops_fp32
    return tflops_16  # no FP32 figure: 32-bit activations run no faster than 16-bit ones


def windowed_context(tokens: float, sliding_window: float, sliding_window_layers: float) -> float:
    """Average over layers of the context a query attends to when ``tokens`` are cached: local
    layers see at most ``sliding_window`` of them (Beltagy et al. 2020; Mistral 7B; Gemma 2)."""
    if sliding_window <= 0:
        return tokens
    return (1.0 - sliding_window_layers) * tokens + sliding_window_layers * min(tokens, sliding_window)


def causal_attention_pairs(tokens: float, sliding_window: float, sliding_window_layers: float) -> float:
    """(query, key) pairs a causal prefill of ``tokens`` computes per layer, averaged over layers:
    tokens^2 / 2 for global layers; for local layers the window caps each query's keys."""
    full = 0.5 * tokens * tokens
    if sliding_window <= 0 or tokens <= sliding_window:
        return full
    local = 0.5 * sliding_window * sliding_window + (tokens - sliding_window) * sliding_window
    return (1.0 - sliding_window_layers) * full + sliding_window_layers * local


def experts_touched(n_experts: float, expert_miss_log: float, tokens: float) -> float:
    """Expected distinct experts per layer used by ``tokens`` tokens when a token's picks miss a
    given expert with log-probability ``expert_miss_log`` (ln(1 - k/E) for k of E experts picked
    uniformly): E (1 - (1 - k/E)^tokens), computed as -E expm1(tokens ln(1 - k/E)) so that a few
    tokens among many experts keep their digits."""
    return -n_experts * math.expm1(tokens * expert_miss_log)


def experts_touched_added(n_experts: float, expert_miss_log: float, tokens: float,
                          more_tokens: float) -> float:
    """Expected experts per layer that ``more_tokens`` more tokens touch beyond those ``tokens``
    tokens touch (see :func:`experts_touched`): E (1 - k/E)^tokens (1 - (1 - k/E)^more_tokens),
    in that product form so that a difference of two nearly equal counts keeps its digits."""
    return (-n_experts * math.exp(tokens * expert_miss_log)
            * math.expm1(more_tokens * expert_miss_log))


def ring_allreduce_s(message_bytes: float, devices: float, link_bytes_per_s: float,
                     link_latency_s: float) -> float:
    """Time of one ring all-reduce of ``message_bytes`` over ``devices`` (Patarasuk & Yuan 2009):
    2(p-1) steps, each moving 1/p of the message and paying one hop latency."""
    if devices <= 1:
        return 0.0
    steps = 2.0 * (devices - 1.0)
    return steps / devices * message_bytes / link_bytes_per_s + steps * link_latency_s


def collective_bytes_per_s(group: float, domain: float, link_bytes_per_s: float,
                           scaleout_bytes_per_s: float) -> float:
    """Bandwidth per device (bytes/s) of a ring over ``group`` devices when ``domain`` devices share
    one scale-up link: the link within a domain; a ring that spans domains runs at the pace of its
    slowest hop, the scale-out network between domains."""
    if group > domain:
        return min(link_bytes_per_s, scaleout_bytes_per_s)
    return link_bytes_per_s


def all_to_all_s(message_bytes: float, devices: float, domain: float, link_bytes_per_s: float,
                 scaleout_bytes_per_s: float, link_latency_s: float) -> float:
    """Time of one all-to-all in which each of ``devices`` devices sends ``message_bytes`` spread
    evenly over all of them (its own share stays put), as MoE dispatch and combine do: the shares
    for the other devices of its scale-up domain (``domain`` devices) go over the link while the
    rest go over the scale-out network at the same time, and the exchanges run concurrently
    through the switches, so one hop latency is paid (DeepEP's low-latency kernels, DeepSeek-V3
    report Sec. 3.4, 2024)."""
    if devices <= 1:
        return 0.0
    local_devices = min(domain, devices)
    if local_devices > 1:
        local_s = message_bytes * (local_devices - 1.0) / devices / link_bytes_per_s
    else:
        local_s = 0.0
    if devices > local_devices:
        remote_s = message_bytes * (devices - local_devices) / devices / scaleout_bytes_per_s
    else:
        remote_s = 0.0
    return max(local_s, remote_s) + link_latency_s


def linear_flops_per_device(tokens: float, dense_active_params: float, expert_params: float,
                            experts_per_token: float, attention_groups: float, attention_tp: float,
                            tp: float, stages: float, expert_load: float) -> float:
    """FLOPs of the weight multiplies one device of one pipeline stage does in a forward pass over
    ``tokens`` tokens spread evenly over the stage's ``attention_groups``: dense weights split over
    the ``attention_tp`` devices of a group; each token's ``experts_per_token`` experts over all
    ``tp`` devices of the stage, the busiest of which carries ``expert_load`` times the mean."""
    dense = FLOPS_PER_MAC * dense_active_params * tokens / attention_groups / attention_tp
    experts = FLOPS_PER_MAC * experts_per_token * expert_params * tokens / tp * expert_load
    return (dense + experts) / stages


def attention_flops_per_device(attention_flops: float, attention_groups: float,
                               attention_tp: float, stages: float) -> float:
    """FLOPs of attention one device of one stage does: ``attention_flops`` (all groups' queries
    against their cached or prompt keys, every layer) split over the groups, the ``attention_tp``
    devices of a group (by heads) and the stages (by layers)."""
    return attention_flops / attention_groups / attention_tp / stages


def roofline_s(flops: float, bytes_moved: float, flops_per_s: float, bytes_per_s: float) -> float:
    """Time of kernels that do ``flops`` while moving ``bytes_moved``, the two overlapped: the
    slower of compute and memory (Williams, Waterman & Patterson 2009, the roofline model)."""
    return max(flops / flops_per_s, bytes_moved / bytes_per_s)


def roofline_added_s(flops: float, more_flops: float, bytes_moved: float, more_bytes: float,
                     flops_per_s: float, bytes_per_s: float) -> float:
    """Time that ``more_flops`` and ``more_bytes`` add to kernels doing ``flops`` while moving
    ``bytes_moved``: roofline_s of the sum less roofline_s of the first, s. Where both are bound by
    the same side it is the added work's own time on that side, computed from it alone (a
    difference of two nearly equal times would lose its digits); only added work that moves the
    kernels across the ridge point takes the difference, which just past the ridge keeps only the
    digits the two times do not share."""
    compute_s = flops / flops_per_s
    memory_s = bytes_moved / bytes_per_s
    more_compute_s = more_flops / flops_per_s
    more_memory_s = more_bytes / bytes_per_s
    memory_bound = memory_s > compute_s
    still_memory_bound = memory_s + more_memory_s > compute_s + more_compute_s
    if memory_bound != still_memory_bound:
        return (max(compute_s + more_compute_s, memory_s + more_memory_s)
                - max(compute_s, memory_s))
    return more_memory_s if memory_bound else more_compute_s


def kernels_s(linear_flops: float, weight_bytes: float, attention_flops: float, kv_bytes: float,
              flops_per_s: float, bytes_per_s: float) -> float:
    """Time of a pass's kernels, one after the other: its weight multiplies (FLOPs against the
    weights read) and its attention (FLOPs against the KV cache read), each its own roofline."""
    return (roofline_s(linear_flops, weight_bytes, flops_per_s, bytes_per_s)
            + roofline_s(attention_flops, kv_bytes, flops_per_s, bytes_per_s))


def compute_bound_time_s(flops: float, bytes_moved: float, flops_per_s: float,
                         bytes_per_s: float) -> float:
    """:func:`roofline_s` where compute is the slower side (by more than ROOFLINE_TIE), else 0."""
    if flops / flops_per_s > bytes_moved / bytes_per_s * (1.0 + ROOFLINE_TIE):
        return flops / flops_per_s
    return 0.0


def memory_bound_time_s(flops: float, bytes_moved: float, flops_per_s: float,
                        bytes_per_s: float) -> float:
    """:func:`roofline_s` where memory is the slower side (or the two tie, within ROOFLINE_TIE),
    else 0: with :func:`compute_bound_time_s`, the roofline in two parts."""
    if flops / flops_per_s > bytes_moved / bytes_per_s * (1.0 + ROOFLINE_TIE):
        return 0.0
    return bytes_moved / bytes_per_s


def pass_weight_bytes_per_device(tokens: float, dense_params: float, expert_params: float,
                                 n_experts: float, expert_miss_log: float,
                                 weight_bytes_per_param: float, attention_tp: float, tp: float,
                                 stages: float) -> float:
    """Weight bytes one device of one stage reads in a forward pass over ``tokens`` tokens: its
    share of the dense weights and of the experts those tokens touch."""
    return ((dense_params / attention_tp
             + experts_touched(n_experts, expert_miss_log, tokens) * expert_params / tp)
            * weight_bytes_per_param / stages)


def pass_weight_bytes_added_per_device(tokens: float, more_tokens: float, expert_params: float,
                                       n_experts: float, expert_miss_log: float,
                                       weight_bytes_per_param: float, tp: float,
                                       stages: float) -> float:
    """Weight bytes that ``more_tokens`` more tokens add to a forward pass over ``tokens`` tokens on
    one device of one stage: the experts they touch that the others do not (the dense weights are
    read once for all)."""
    return (experts_touched_added(n_experts, expert_miss_log, tokens, more_tokens) * expert_params
            / tp * weight_bytes_per_param / stages)


def pass_comm_s(tokens: float, d_model: float, n_layers: float, mlp_layout: float,
                experts_per_token: float, activation_bytes: float, attention_tp: float, tp: float,
                stages: float, domain: float, link_bytes_per_s: float,
                scaleout_bytes_per_s: float, link_latency_s: float) -> float:
    """Communication time of one stage in a forward pass over ``tokens`` tokens (Megatron-LM's two
    collectives per layer, Shoeybi et al. 2019): after attention, an all-reduce of the tokens
    over the ``attention_tp`` devices of tensor-parallel attention (none when attention is data
    parallel); after the MLP (``mlp_layout``), for experts whole on the stage's devices
    (MLP_WHOLE_EXPERTS, expert parallelism) a dispatch of each token's hidden state to its
    ``experts_per_token`` experts in the activations' width and a combine of the results in 16
    bits, each device sending its ``tokens / tp`` (DeepSeek-V3 dispatches in FP8 and combines in
    BF16); for experts sliced over the stage (MLP_SLICED_EXPERTS) an all-reduce of every token
    (all-gather plus reduce-scatter when attention is data parallel); for a dense MLP
    (MLP_DENSE) an all-reduce like attention's."""
    layers = n_layers / stages
    # An attention group spans several devices only under tensor-parallel attention (one group of
    # all tokens); a data-parallel group is one device, whose all-reduce costs nothing.
    attention = ring_allreduce_s(
        tokens * d_model * ALLREDUCE_BYTES_PER_VALUE, attention_tp,
        collective_bytes_per_s(attention_tp, domain, link_bytes_per_s, scaleout_bytes_per_s),
        link_latency_s)
    routed_values = tokens / tp * experts_per_token * d_model
    if mlp_layout == MLP_WHOLE_EXPERTS:
        mlp = (all_to_all_s(routed_values * activation_bytes, tp, domain, link_bytes_per_s,
                            scaleout_bytes_per_s, link_latency_s)
               + all_to_all_s(routed_values * ALLREDUCE_BYTES_PER_VALUE, tp, domain,
                              link_bytes_per_s, scaleout_bytes_per_s, link_latency_s))
    elif mlp_layout == MLP_SLICED_EXPERTS:
        mlp = ring_allreduce_s(
            tokens * d_model * ALLREDUCE_BYTES_PER_VALUE, tp,
            collective_bytes_per_s(tp, domain, link_bytes_per_s, scaleout_bytes_per_s),
            link_latency_s)
    else:
        mlp = attention
    return layers * (attention + mlp)


def pipeline_send_s(tokens: float, d_model: float, tp: float, stages: float,
                    p2p_bytes_per_s: float, link_latency_s: float) -> float:
    """Time for a stage to pass a micro-batch's hidden states to the next (each of its ``tp``
    devices sends its slice, in 16 bits); none without a pipeline. Every stage but the last sends
    each micro-batch, so the pipeline's pace includes a send; one pass's latency counts one send
    too many (the last stage's), a link latency and a slice of hidden states."""
    if stages <= 1:
        return 0.0
    return tokens * d_model * ALLREDUCE_BYTES_PER_VALUE / tp / p2p_bytes_per_s + link_latency_s


def device_power_w(idle_w: float, tdp_w: float, activity: float, power_exponent: float) -> float:
    """Board power at ``activity`` (0..1, the busy fraction of a pass: its kernels' rooflines at the
    device's peaks over the pass's time), W."""
    return idle_w + (tdp_w - idle_w) * activity ** power_exponent


def evaluate(*,
             # model
             total_params_b: float, active_params_b: float, n_layers: float, d_model: float,
             n_heads: float, n_kv_heads: float, head_dim: float, v_head_dim: float, d_ff: float,
             n_experts: float, experts_per_token: float, kv_lora_rank: float, rope_head_dim: float,
             sliding_window: float, sliding_window_layers: float,
             # hardware
             count: float, memory_gb: float, memory_bw_gbps: float, tflops_fp32: float,
             tflops_16: float, tflops_8: float, tflops_4: float, tdp_w: float, idle_w: float,
             interconnect_gbps: float, link_latency_us: float,
             # precision
             weight_bits: float, activation_bits: float, kv_bits: float,
             # workload
             batch: float, input_tokens: float, output_tokens: float, ttft_slo_s: float,
             tpot_slo_s: float,
             # efficiency
             mfu: float, mbu: float, comm_efficiency: float, step_overhead_ms: float,
             memory_usable_fraction: float,
             # energy and carbon
             pue: float, host_w: float, grid_gco2_per_kwh: float, embodied_kgco2: float,
             wue_l_per_kwh: float,
             # cost
             usd_per_device_hour: float, purchase_usd: float, hosting_usd_per_device_hour: float,
             usd_per_kwh: float,
             # deployment
             utilization: float, lifetime_years: float,
             # appended inputs
             power_exponent: float, beams: float,
             # acquisition
             cost_of_capital: float, residual_fraction: float,
             colocation_usd_per_kw_month: float, provisioned_kw: float,
             interruptions_per_hour: float, restart_s: float,
             # quality
             p_success: float, value_usd_per_success: float, cost_usd_per_failure: float,
             attempts: float,
             # parallelism and serving
             pp: float, microbatches: float, expert_parallel: float, attention_dp: float,
             expert_imbalance: float, scaleup_devices: float, scaleout_gbps: float,
             chunked_prefill: float, max_batched_tokens: float, disaggregated: float) -> Outputs:
    """Evaluate the cost model for one fully specified configuration.

    Every argument is a plain number in the unit its name or :data:`PARAMETERS` gives (billions of
    parameters, GB, GB/s, TFLOP/s, W, bits, tokens, seconds, ms, us, USD, fractions, model
    calls). ``batch = 0`` (:data:`BATCH_MAX`) asks for the largest batch that fits. Inputs are
    assumed valid (the scenario loader checks them); this function only computes.
    """
    # ---- units -------------------------------------------------------------------------------
    total_params = total_params_b * PARAMS_PER_BILLION
    active_params = active_params_b * PARAMS_PER_BILLION
    devices = count
    memory_bytes = memory_gb * BYTES_PER_GB
    memory_bytes_per_s = memory_bw_gbps * BYTES_PER_GB
    link_bytes_per_s = interconnect_gbps * BYTES_PER_GB * comm_efficiency
    scaleout_bytes_per_s = scaleout_gbps * BYTES_PER_GB * comm_efficiency
    link_latency_s = link_latency_us * SECONDS_PER_US
    peak_flops = peak_tflops(activation_bits, tflops_fp32, tflops_16, tflops_8, tflops_4) * FLOPS_PER_TFLOPS
    # Attention multiplies the query by the cached keys and values, so where the cache is wider than
    # the activations its kernels run at the cache format's rate (FP4 linear layers over an FP8
    # cache attend at the FP8 rate; a device without that unit attends at the activations' rate).
    # Its FLOPs are counted below at the linear layers' rate times this ratio.
    if kv_bits > 16:
        cache_tflops = tflops_fp32
    elif kv_bits > 8:
        cache_tflops = tflops_16
    elif kv_bits > 4:
        cache_tflops = tflops_8
    else:
        cache_tflops = tflops_4
    if kv_bits > activation_bits:
        attention_peak_flops = cache_tflops * FLOPS_PER_TFLOPS
    else:
        attention_peak_flops = peak_flops
    if attention_peak_flops > 0:
        attention_rate_ratio = peak_flops / attention_peak_flops
    else:
        attention_rate_ratio = 1.0
    achieved_flops_per_device = peak_flops * mfu
    achieved_bytes_per_s = memory_bytes_per_s * mbu
    step_overhead_s = step_overhead_ms * SECONDS_PER_MS
    weight_bytes_per_param = weight_bits / BITS_PER_BYTE
    activation_bytes = activation_bits / BITS_PER_BYTE

    # ---- parallel layout ---------------------------------------------------------------------------
    # The replica's `count` devices form `pp` pipeline stages of tp devices each; every stage holds
    # n_layers / pp layers (Narayanan et al. 2021, "Efficient large-scale language model training
    # on GPU clusters using Megatron-LM"). Within a stage, attention and the dense weights are
    # either split over all tp devices (tensor parallel: one attention group) or, with data-
    # parallel attention, replicated on each device, which serves its own sequences (tp groups
    # of one device). Experts are split over the tp devices either way: sliced (tensor parallel)
    # or whole (expert parallel), the same bytes per device.
    stages = pp
    tp = devices / stages
    if attention_dp > 0:
        attention_groups = tp
    else:
        attention_groups = 1.0
    attention_tp = tp / attention_groups
    if scaleup_devices == WHOLE_REPLICA_DOMAIN:
        domain = devices
    else:
        domain = scaleup_devices
    # Hidden states cross from stage to stage over the network once the replica spans domains.
    if devices > domain:
        p2p_bytes_per_s = min(link_bytes_per_s, scaleout_bytes_per_s)
    else:
        p2p_bytes_per_s = link_bytes_per_s

    # ---- weights: dense part plus experts --------------------------------------------------------
    # total = dense + E * expert and active = dense + k * expert give the size of one expert (summed
    # over layers) without a separate catalog field.
    # ln(1 - k/E): the log-probability that a token's k picks (uniform routing) miss a given expert,
    # which sets the experts a pass touches (experts_touched).
    if n_experts > experts_per_token:
        expert_params = (total_params - active_params) / (n_experts - experts_per_token)
        expert_miss_log = math.log1p(-experts_per_token / n_experts)
    else:
        expert_params = 0.0
        expert_miss_log = EXPERT_MISS_LOG_ALL
    dense_params = total_params - n_experts * expert_params
    dense_active_params = active_params - experts_per_token * expert_params
    # The MLP of a stage: dense, experts sliced over its devices, or experts whole on them. (One
    # number rather than two flags tested together: GCC 12 does not vectorise the model's loop
    # over a select on two comparisons' conjunction with one of them repeated elsewhere.)
    if n_experts > experts_per_token:
        mlp_layout = MLP_SLICED_EXPERTS + expert_parallel
    else:
        mlp_layout = MLP_DENSE
    # The busiest device waits for the others only when experts live whole on one device each.
    if expert_parallel > 0:
        expert_load = expert_imbalance
    else:
        expert_load = 1.0
    weight_bytes_per_device = ((dense_params / attention_tp + n_experts * expert_params / tp)
                               * weight_bytes_per_param / stages)

    # ---- KV cache ----------------------------------------------------------------------------------
    if kv_lora_rank > 0:
        kv_values_per_token_layer = kv_lora_rank + rope_head_dim
        kv_shards = 1.0  # the latent is shared by all heads, so every device of a group holds all of it
    else:
        kv_values_per_token_layer = n_kv_heads * (head_dim + v_head_dim)
        kv_shards = min(attention_tp, n_kv_heads)  # beyond n_kv_heads devices, KV heads are replicated
    kv_bytes_per_token = n_layers * kv_values_per_token_layer * kv_bits / BITS_PER_BYTE
    # With continuous batching each resident sequence is equally likely to be at any point of its
    # generation, so it holds on average its prompt plus half its output (paged KV cache, vLLM).
    mean_context = input_tokens + 0.5 * output_tokens
    cached_context = windowed_context(mean_context, sliding_window, sliding_window_layers)
    # Beam search keeps `beams` hypotheses per request. They share the prompt's cache blocks (prefix
    # sharing, Kwon et al. 2023, Sec. 4.4) and each stores its own generated tokens. A request's
    # hypotheses are decoded in the same step and read the shared blocks together, so the step moves
    # the stored cache from memory once (repeat reads of a shared block hit the on-chip cache); the
    # attention FLOPs are still paid per hypothesis. (Charging the prompt once per hypothesis
    # instead put the GPU MLPerf GPT-J fit case M24 1.45x too slow, while bringing the Orin case M25
    # inside; over the validation cases the two variants score alike.) Local layers hold at most
    # the window of a hypothesis's own tokens too.
    generated_context = windowed_context(0.5 * output_tokens, sliding_window, sliding_window_layers)
    stored_context = cached_context + (beams - 1.0) * generated_context
    kv_bytes_per_sequence_per_device = kv_bytes_per_token * stored_context / kv_shards / stages

    # ---- memory fit -----------------------------------------------------------------------------
    # One prompt's activations, or with chunked prefill a full step's (vLLM sizes its activation
    # memory by running max_num_batched_tokens through the model); a dense MLP is split like
    # attention (replicated under data-parallel attention), experts over the whole stage.
    if chunked_prefill > 0:
        workspace_tokens = max_batched_tokens
    else:
        workspace_tokens = input_tokens
    if mlp_layout == MLP_DENSE:
        ffn_split = attention_tp
    else:
        ffn_split = tp
    workspace_bytes = (workspace_tokens * (WORKSPACE_HIDDEN_COPIES * d_model
                                           + WORKSPACE_FFN_COPIES * d_ff / ffn_split)
                       * activation_bytes)
    free_bytes = memory_usable_fraction * memory_bytes - weight_bytes_per_device - workspace_bytes
    # Each attention group holds the cache of its own sequences (spread evenly over the groups).
    max_batch = max(floor(free_bytes / kv_bytes_per_sequence_per_device), 0.0) * attention_groups
    resident = max_batch if batch == BATCH_MAX else batch
    kv_bytes_per_device = resident / attention_groups * kv_bytes_per_sequence_per_device
    used_fraction = (weight_bytes_per_device + workspace_bytes + kv_bytes_per_device) / memory_bytes
    fits = resident >= 1 and resident <= max_batch
    if not fits:
        # It does not fit: only the memory figures mean anything (the other fields are NaN).
        return Outputs(status=STATUS_MEMORY, batch=resident, max_batch=max_batch,
                       weight_gb_per_device=weight_bytes_per_device / BYTES_PER_GB,
                       kv_gb_per_device=kv_bytes_per_device / BYTES_PER_GB,
                       memory_used_fraction=used_fraction)

    attention_flops_per_pair = (FLOPS_PER_MAC * n_heads * (head_dim + v_head_dim) * n_layers
                                * attention_rate_ratio)
    # Decoding latent attention, engines fold the key and value up-projections into the query and
    # output projections (DeepSeek-V2, 2024, Sec. 2.1.3) and attend over the cached latent itself:
    # keys of kv_lora_rank + rope_head_dim values and values of kv_lora_rank per head (FlashMLA's
    # 576 and 512 for DeepSeek-V3), 3.4x the FLOPs of the expanded heads. Prefill runs the
    # expanded form, which costs fewer FLOPs for a long prompt.
    if kv_lora_rank > 0:
        decode_attention_flops_per_pair = (FLOPS_PER_MAC * n_heads
                                           * (2.0 * kv_lora_rank + rope_head_dim) * n_layers
                                           * attention_rate_ratio)
    else:
        decode_attention_flops_per_pair = attention_flops_per_pair

    # ---- communication: affine in the tokens of a pass -------------------------------------------
    # Each collective moves bytes in proportion to the tokens of a pass and pays its hop latencies
    # once, so a pass's communication is tokens x a time per token plus the latencies; computed so
    # once, what a chunk adds to a step is its own tokens' share, with no latency to cancel.
    comm_s_per_token = pass_comm_s(1.0, d_model, n_layers, mlp_layout, experts_per_token,
                                   activation_bytes, attention_tp, tp, stages, domain,
                                   link_bytes_per_s, scaleout_bytes_per_s, 0.0)
    comm_latency_s = pass_comm_s(0.0, d_model, n_layers, mlp_layout, experts_per_token,
                                 activation_bytes, attention_tp, tp, stages, domain,
                                 link_bytes_per_s, scaleout_bytes_per_s, link_latency_s)

    # ---- prefill (time to first token) -----------------------------------------------------------
    # The attention groups prefill a prompt each side by side (their expert layers run together);
    # one prompt passes every stage in turn.
    prefill_tokens = input_tokens * attention_groups
    prefill_pairs = causal_attention_pairs(input_tokens, sliding_window, sliding_window_layers)
    prefill_linear_flops = linear_flops_per_device(
        prefill_tokens, dense_active_params, expert_params, experts_per_token, attention_groups,
        attention_tp, tp, stages, expert_load)
    prefill_attention_flops = attention_flops_per_device(
        attention_flops_per_pair * prefill_pairs * attention_groups, attention_groups,
        attention_tp, stages)
    prefill_weight_bytes = pass_weight_bytes_per_device(
        prefill_tokens, dense_params, expert_params, n_experts, expert_miss_log,
        weight_bytes_per_param, attention_tp, tp, stages)
    prefill_comm_s = prefill_tokens * comm_s_per_token + comm_latency_s
    # Causal attention over the prompt reads no cache: it computes.
    prefill_stage_s = (kernels_s(prefill_linear_flops, prefill_weight_bytes,
                                 prefill_attention_flops, 0.0, achieved_flops_per_device,
                                 achieved_bytes_per_s)
                       + prefill_comm_s
                       + step_overhead_s / stages
                       + pipeline_send_s(prefill_tokens, d_model, tp, stages, p2p_bytes_per_s,
                                         link_latency_s))
    prefill_s = stages * prefill_stage_s
    # What one prefill costs the replica's time: successive prompts fill the pipeline's stages and
    # the attention groups prefill side by side.
    prefill_stall_s = prefill_stage_s / attention_groups

    # ---- one decode step of the whole batch: a token for each hypothesis of each request ----------
    decode_tokens = resident * beams
    if microbatches == MICROBATCHES_AS_STAGES:
        asked_microbatches = stages
    else:
        asked_microbatches = microbatches
    # A micro-batch holds at least one token: a batch smaller than the micro-batches asked for
    # leaves stages idle instead of reading the weights for a fraction of a token.
    pipeline_microbatches = max(min(asked_microbatches, decode_tokens), 1.0)
    # A micro-batch comes back to the first stage after passing all of them, so a round of the
    # whole batch takes max(microbatches, stages) stage-times: with fewer micro-batches than
    # stages, stages idle (the pipeline bubble, GPipe: Huang et al. 2019).
    stage_slots = max(pipeline_microbatches, stages)
    microbatch_tokens = decode_tokens / pipeline_microbatches
    # A pass runs its weight multiplies and its attention as kernels one after the other, so each
    # is a roofline of its own and the two add: the multiplies' FLOPs against the weights they
    # read, attention's against the cache (a large batch's multiplies can be compute-bound while
    # its attention streams the cache). Equal to one roofline of the whole pass when both parts
    # are bound by the same resource.
    decode_linear_flops = linear_flops_per_device(
        microbatch_tokens, dense_active_params, expert_params, experts_per_token,
        attention_groups, attention_tp, tp, stages, expert_load)
    decode_attention_flops = attention_flops_per_device(
        decode_attention_flops_per_pair * cached_context * microbatch_tokens, attention_groups,
        attention_tp, stages)
    decode_weight_bytes = pass_weight_bytes_per_device(
        microbatch_tokens, dense_params, expert_params, n_experts, expert_miss_log,
        weight_bytes_per_param, attention_tp, tp, stages)
    decode_kv_bytes = kv_bytes_per_device / pipeline_microbatches
    # The step is compute-bound when its compute-bound kernels take longer than its memory-bound
    # ones (by more than ROOFLINE_TIE, the margin each kernel's check has too).
    compute_bound_s = (compute_bound_time_s(decode_linear_flops, decode_weight_bytes,
                                            achieved_flops_per_device, achieved_bytes_per_s)
                       + compute_bound_time_s(decode_attention_flops, decode_kv_bytes,
                                              achieved_flops_per_device, achieved_bytes_per_s))
    decode_kernels_s = kernels_s(decode_linear_flops, decode_weight_bytes, decode_attention_flops,
                                 decode_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s)
    memory_bound_s = (memory_bound_time_s(decode_linear_flops, decode_weight_bytes,
                                          achieved_flops_per_device, achieved_bytes_per_s)
                      + memory_bound_time_s(decode_attention_flops, decode_kv_bytes,
                                            achieved_flops_per_device, achieved_bytes_per_s))
    decode_comm_s = microbatch_tokens * comm_s_per_token + comm_latency_s
    decode_stage_s = (decode_kernels_s + decode_comm_s
                      + step_overhead_s / stages
                      + pipeline_send_s(microbatch_tokens, d_model, tp, stages, p2p_bytes_per_s,
                                        link_latency_s))
    decode_step_s = stage_slots * decode_stage_s

    # ---- chunked prefill: prompt chunks ride in the decode steps ----------------------------------
    # Each step carries up to max_batched_tokens tokens per scheduler (one per micro-batch of each
    # attention group: vLLM's pipeline virtual engines, a data-parallel attention rank's own
    # scheduler), decode tokens first, then prompt chunks (Agrawal et al. 2024, "Taming
    # throughput-latency tradeoff in LLM inference with Sarathi-Serve"; vLLM's scheduler). A
    # sequence holds its slot for the steps its prompt takes (at least one) and then output_tokens
    # steps; the slot is held n steps, n >= output_tokens + prompt steps, and the budget bounds n
    # from below too: n >= resident (beams x output_tokens + input_tokens) / budget. On average a
    # step decodes resident x beams x output_tokens / n tokens; the cycle's resident x
    # input_tokens prompt tokens ride in as many steps as they need, and the other steps only
    # decode.
    step_budget = max_batched_tokens * pipeline_microbatches * attention_groups
    prompt_steps = max(-floor(-input_tokens / max_batched_tokens), 1.0)
    budget_steps = resident * (beams * output_tokens + input_tokens) / step_budget
    slot_steps = max(output_tokens + prompt_steps, budget_steps)
    chunk_decode_tokens = decode_tokens * output_tokens / slot_steps
    cycle_prompt_tokens = resident * input_tokens
    # A step that carries prompt tokens carries at least one prompt's chunk, and on average the
    # cycle's prompts spread over its steps, within what the budget leaves. What it leaves is
    # step_budget - chunk_decode_tokens, written as (step_budget x slot_steps - the slot's decode
    # tokens) / slot_steps with step_budget x slot_steps expanded, so that a budget the decode
    # tokens nearly fill keeps its digits.
    spare_tokens = (max(step_budget * (output_tokens + prompt_steps)
                        - decode_tokens * output_tokens, cycle_prompt_tokens)
                    / slot_steps)
    spread_tokens = cycle_prompt_tokens / slot_steps
    chunk_tokens = min(spare_tokens, max(spread_tokens, min(input_tokens, max_batched_tokens)))
    # Prompts spread over the whole slot put a chunk in every step (decided by comparing, so that
    # case is exact), else the cycle's prompt tokens take cycle_prompt_tokens / chunk_tokens steps.
    spread_over_slot = chunk_tokens <= spread_tokens
    if spread_over_slot:
        chunk_steps = slot_steps
    else:
        chunk_steps = min(cycle_prompt_tokens / chunk_tokens, slot_steps)
    decoding_share = chunk_decode_tokens / decode_tokens       # of the batch, decoding in a step
    # A step that only decodes.
    lean_tokens = chunk_decode_tokens / pipeline_microbatches
    lean_linear_flops = linear_flops_per_device(
        lean_tokens, dense_active_params, expert_params, experts_per_token, attention_groups,
        attention_tp, tp, stages, expert_load)
    lean_attention_flops = attention_flops_per_device(
        decode_attention_flops_per_pair * cached_context * lean_tokens, attention_groups,
        attention_tp, stages)
    lean_weight_bytes = pass_weight_bytes_per_device(lean_tokens, dense_params, expert_params,
                                                     n_experts, expert_miss_log,
                                                     weight_bytes_per_param, attention_tp, tp,
                                                     stages)
    lean_kv_bytes = kv_bytes_per_device * decoding_share / pipeline_microbatches
    lean_stage_s = (kernels_s(lean_linear_flops, lean_weight_bytes, lean_attention_flops,
                              lean_kv_bytes, achieved_flops_per_device, achieved_bytes_per_s)
                    + lean_tokens * comm_s_per_token + comm_latency_s
                    + step_overhead_s / stages
                    + pipeline_send_s(lean_tokens, d_model, tp, stages, p2p_bytes_per_s,
                                      link_latency_s))
    lean_step_s = stage_slots * lean_stage_s
    # A step that carries a chunk: the lean step's decode tokens and the chunk, the weights read
    # once for both. A prompt token attends to the prompt before it: pairs / input_tokens keys on
    # average. The step's attention is one kernel over decode and chunk tokens alike (vLLM's and
    # FlashInfer's variable-length kernels), so the chunk's attention FLOPs share a roofline with
    # the decode tokens' cache read; the chunk's reads of its own earlier chunks are not counted.
    # The chunk's work and the time it adds are computed from the chunk itself, kernel by kernel
    # and collective by collective (each collective's latency is paid once, by the lean step), so
    # a chunk that adds little to a long step keeps its digits (full - lean would cancel them).
    chunk_pass_tokens = chunk_tokens / pipeline_microbatches
    chunk_linear_flops = linear_flops_per_device(
        chunk_pass_tokens, dense_active_params, expert_params, experts_per_token, attention_groups,
        attention_tp, tp, stages, expert_load)
    chunk_attention_flops = attention_flops_per_device(
        attention_flops_per_pair * prefill_pairs / input_tokens * chunk_pass_tokens,
        attention_groups, attention_tp, stages)
    chunk_weight_bytes = pass_weight_bytes_added_per_device(lean_tokens, chunk_pass_tokens,
                                                            expert_params, n_experts,
                                                            expert_miss_log,
                                                            weight_bytes_per_param, tp, stages)
    chunk_stage_s = (roofline_added_s(lean_linear_flops, chunk_linear_flops, lean_weight_bytes,
                                      chunk_weight_bytes, achieved_flops_per_device,
                                      achieved_bytes_per_s)
                     + roofline_added_s(lean_attention_flops, chunk_attention_flops, lean_kv_bytes,
                                        0.0, achieved_flops_per_device, achieved_bytes_per_s)
                     + chunk_pass_tokens * comm_s_per_token
                     + pipeline_send_s(chunk_pass_tokens, d_model, tp, stages, p2p_bytes_per_s,
                                       0.0))
    chunk_step_s = stage_slots * chunk_stage_s
    full_linear_flops = lean_linear_flops + chunk_linear_flops
    full_attention_flops = lean_attention_flops + chunk_attention_flops
    full_weight_bytes = lean_weight_bytes + chunk_weight_bytes
    full_kv_bytes = lean_kv_bytes     # the same decode tokens' cache
    full_step_s = lean_step_s + chunk_step_s

    # ---- steady-state serving ------------------------------------------------------------------------
    # One cycle: every resident sequence generates output_tokens tokens and is replaced once. Whole
    # prefills: the cycle holds output_tokens decode steps and `resident` prefills, each stalling
    # the batch; a sequence still takes its own prefill and its own steps, which bounds the cycle
    # when too few sequences are resident to fill the pipeline or the attention groups. Chunked
    # prefill: a slot is held slot_steps steps, chunk_steps of them carrying prompt chunks; the
    # steps before a sequence's first token carry chunks while there are any. With beam search a
    # request returns one of its hypotheses: output tokens count once per request.
    #
    # Prefill-decode disaggregation (Zhong et al. 2024, "DistServe"; Patel et al. 2024,
    # "Splitwise"): prompts are prefilled on instances of their own with the replica's layout, and
    # each prompt's cache then crosses the network to the replica, every device receiving its
    # shard at once. The replica only decodes: a slot is held for output_tokens steps, after the
    # prompt's pass and transfer. A device receives its group's prompts one after another, so the
    # cycle is at least their transfers; a pool instance sends while it prefills the next prompt,
    # so a prompt holds it for the longer of its prefill and its send. The pool keeps up with
    # resident such holds a cycle: that many prefill instances per replica, whose devices count
    # in its cost and energy. (A scenario's chunked_prefill then only sizes the replica's
    # workspace, which its engine still reserves; the pool prefills whole prompts.)
    prompt_kv_bytes_per_device = (kv_bytes_per_token
                                  * windowed_context(input_tokens, sliding_window,
                                                     sliding_window_layers) / kv_shards / stages)
    if scaleout_gbps > 0:
        kv_transfer_s = prompt_kv_bytes_per_device / scaleout_bytes_per_s + link_latency_s
    else:
        kv_transfer_s = 0.0   # no network: disaggregation is refused (io.scenario.check_plan)
    waiting_steps = max(prompt_steps, budget_steps - output_tokens)   # slot_steps - output_tokens
    # Of the steps after a sequence's first token, those that carry chunks: all output_tokens of
    # them when chunks fill the slot.
    chunk_steps_after_first = (output_tokens if spread_over_slot
                               else max(chunk_steps - waiting_steps, 0.0))
    transfer_hold_s = kv_transfer_s / attention_groups   # a device's link, per prompt
    pool_hold_s = max(prefill_stall_s, transfer_hold_s)  # a pool instance, per prompt
    if disaggregated > 0:
        cycle_s = max(output_tokens * decode_step_s, resident * transfer_hold_s)
        ttft_s = prefill_s + kv_transfer_s
        prefill_instances = resident * pool_hold_s / cycle_s
        # A sequence decodes one token a step once its cache is in; a network that cannot keep
        # up leaves slots empty (throughput, cost and energy follow the longer cycle), not the
        # sequences slower.
        generation_s = output_tokens * decode_step_s
        e2e_s = ttft_s + generation_s
    elif chunked_prefill > 0:
        cycle_s = slot_steps * lean_step_s + chunk_steps * chunk_step_s
        # The first waiting_steps steps, the chunked ones among them first; then the rest.
        ttft_s = waiting_steps * lean_step_s + min(waiting_steps, chunk_steps) * chunk_step_s
        generation_s = output_tokens * lean_step_s + chunk_steps_after_first * chunk_step_s
        prefill_instances = 0.0
        e2e_s = cycle_s                   # Little's law: a sequence holds its slot for one cycle
    else:
        cycle_s = max(output_tokens * decode_step_s + resident * prefill_stall_s,
                      prefill_s + output_tokens * decode_step_s)
        ttft_s = prefill_s
        # cycle_s - ttft_s, written so that a long prefill does not cancel the decode steps' digits
        generation_s = output_tokens * decode_step_s + max(resident * prefill_stall_s - prefill_s,
                                                           0.0)
        prefill_instances = 0.0
        e2e_s = cycle_s
    tokens_per_cycle = resident * output_tokens
    tokens_per_s = tokens_per_cycle / cycle_s
    tpot_s = generation_s / output_tokens  # its own steps plus the other sequences' prefills
    # Devices a replica keeps busy, each of its own and its share of the prefill pool's (per device
    # of the replica: the pool's instances have the replica's layout).
    devices_per_device = 1.0 + prefill_instances

    # ---- energy ------------------------------------------------------------------------------------------
    # A device is busy for its micro-batches' stage work and idles through the bubble.
    # Busy: each kernel's roofline at the device's peaks, over the pass's time.
    decode_activity = (pipeline_microbatches
                       * kernels_s(decode_linear_flops, decode_weight_bytes,
                                   decode_attention_flops, decode_kv_bytes, peak_flops,
                                   memory_bytes_per_s)
                       / decode_step_s)
    prefill_activity = (kernels_s(prefill_linear_flops, prefill_weight_bytes,
                                  prefill_attention_flops, 0.0, peak_flops, memory_bytes_per_s)
                        / prefill_stage_s)
    full_activity = (pipeline_microbatches
                     * kernels_s(full_linear_flops, full_weight_bytes, full_attention_flops,
                                 full_kv_bytes, peak_flops, memory_bytes_per_s)
                     / full_step_s)
    lean_activity = (pipeline_microbatches
                     * kernels_s(lean_linear_flops, lean_weight_bytes, lean_attention_flops,
                                 lean_kv_bytes, peak_flops, memory_bytes_per_s)
                     / lean_step_s)
    # Time in a cycle of whole prefills beyond its steps and prefills: a short batch waiting on
    # its prompts' passage through the pipeline.
    waiting_s = max(prefill_s - resident * prefill_stall_s, 0.0)
    if disaggregated > 0:
        # The replica idles while it waits on transfers; the pool idles while it sends.
        device_joules = (device_power_w(idle_w, tdp_w, decode_activity, power_exponent)
                         * output_tokens * decode_step_s
                         + idle_w * (cycle_s - output_tokens * decode_step_s)
                         + host_w * cycle_s
                         + resident * (device_power_w(idle_w, tdp_w, prefill_activity,
                                                      power_exponent) * prefill_stall_s
                                       + idle_w * (pool_hold_s - prefill_stall_s)
                                       + host_w * pool_hold_s))
    elif chunked_prefill > 0:
        device_joules = (device_power_w(idle_w, tdp_w, full_activity, power_exponent)
                         * chunk_steps * full_step_s
                         + device_power_w(idle_w, tdp_w, lean_activity, power_exponent)
                         * (slot_steps - chunk_steps) * lean_step_s
                         + host_w * cycle_s)
    else:
        device_joules = (device_power_w(idle_w, tdp_w, decode_activity, power_exponent)
                         * output_tokens * decode_step_s
                         + device_power_w(idle_w, tdp_w, prefill_activity, power_exponent)
                         * resident * prefill_stall_s
                         + idle_w * waiting_s
                         + host_w * cycle_s)
    # Outside the utilised share of time the replica idles, still drawing idle and host power.
    idle_s = cycle_s * (1.0 - utilization) / utilization
    device_joules += (idle_w + host_w) * idle_s * devices_per_device
    facility_joules = devices * device_joules * pue
    joules_per_token = facility_joules / tokens_per_cycle
    kwh_per_cycle = facility_joules / JOULES_PER_KWH
    power_w_per_device = facility_joules / (devices * devices_per_device) / (cycle_s + idle_s)

    # ---- cost ------------------------------------------------------------------------------------------------
    # A reclaimed (spot) device loses restart_s of paid time per interruption: of each paid hour,
    # interruptions_per_hour x restart_s seconds serve nothing, so a serving hour costs
    # 1 / (1 - lost share) paid hours (the scenario loader keeps the lost share at most half).
    lost_share = interruptions_per_hour * restart_s / SECONDS_PER_HOUR
    paid_hours_per_hour = 1.0 / (1.0 - lost_share)
    device_hours = (devices * devices_per_device * (cycle_s + idle_s) / SECONDS_PER_HOUR
                    * paid_hours_per_hour)
    # Owned capital: the purchase less the present value of its resale, spread over the lifetime by
    # the capital recovery factor r / (1 - (1 + r)^-L), an annuity at the cost of capital r (Brealey,
    # Myers & Allen, Principles of Corporate Finance, ch. 2); straight-line when r = 0.
    discount = (1.0 + cost_of_capital) ** (-lifetime_years)   # today's value of 1 USD at end of life
    if cost_of_capital > 0:
        capital_usd_per_hour = ((purchase_usd - residual_fraction * purchase_usd * discount)
                                * cost_of_capital / (1.0 - discount) / HOURS_PER_YEAR)
    else:
        capital_usd_per_hour = ((purchase_usd - residual_fraction * purchase_usd)
                                / (lifetime_years * HOURS_PER_YEAR))
    colocation_usd_per_hour = (colocation_usd_per_kw_month * provisioned_kw * MONTHS_PER_YEAR
                               / HOURS_PER_YEAR)
    usd_per_device_hour_all_in = (usd_per_device_hour
                                  + capital_usd_per_hour
                                  + hosting_usd_per_device_hour
                                  + colocation_usd_per_hour)
    usd_per_cycle = device_hours * usd_per_device_hour_all_in + kwh_per_cycle * usd_per_kwh
    usd_per_mtok = usd_per_cycle / tokens_per_cycle * TOKENS_PER_MTOK
    # The same cost in its parts (they add up to usd_per_mtok, to rounding): what a cost breakdown
    # shows and what owning trades against renting.
    usd_per_mtok_per_usd = TOKENS_PER_MTOK / tokens_per_cycle
    rental_usd_per_mtok = device_hours * usd_per_device_hour * usd_per_mtok_per_usd
    capital_usd_per_mtok = device_hours * capital_usd_per_hour * usd_per_mtok_per_usd
    hosting_usd_per_mtok = (device_hours * (hosting_usd_per_device_hour + colocation_usd_per_hour)
                            * usd_per_mtok_per_usd)
    energy_usd_per_mtok = kwh_per_cycle * usd_per_kwh * usd_per_mtok_per_usd
    # API-style split: prefill time is billed to input tokens, decode time to output tokens (with
    # chunked prefill, the time the chunks add to the steps that carry them).
    # Both shares are computed from their own terms (they add up to 1, to rounding), so neither
    # loses its digits when the other is nearly all of the cycle.
    if disaggregated > 0:
        prefill_share = prefill_instances / devices_per_device   # the pool's share of the devices
        decode_share = 1.0 / devices_per_device
    elif chunked_prefill > 0:
        prefill_share = chunk_steps * chunk_step_s / cycle_s
        decode_share = slot_steps * lean_step_s / cycle_s
    else:
        prefill_share = resident * prefill_stall_s / cycle_s
        decode_share = (output_tokens * decode_step_s + waiting_s) / cycle_s
    usd_per_mtok_input = usd_per_cycle * prefill_share / (resident * input_tokens) * TOKENS_PER_MTOK
    usd_per_mtok_output = usd_per_cycle * decode_share / tokens_per_cycle * TOKENS_PER_MTOK

    # ---- carbon --------------------------------------------------------------------------------------------
    operational_g = kwh_per_cycle * grid_gco2_per_kwh
    embodied_g = (embodied_kgco2 * GRAMS_PER_KG * device_hours / (lifetime_years * HOURS_PER_YEAR))
    gco2_per_mtok = (operational_g + embodied_g) / tokens_per_cycle * TOKENS_PER_MTOK

    # ---- water ---------------------------------------------------------------------------------------------
    # WUE counts litres per kWh of IT energy (servers, before PUE), as The Green Grid defines it.
    it_kwh_per_cycle = devices * device_joules / JOULES_PER_KWH
    water_l_per_mtok = it_kwh_per_cycle * wue_l_per_kwh / tokens_per_cycle * TOKENS_PER_MTOK

    # ---- quality: is the better model worth it ---------------------------------------------------
    # usd_per_mtok counts each request's output tokens once (a beam search's extra hypotheses and
    # the prefill are costs of those tokens), so output_tokens of it are one request's whole cost;
    # every model call of a request (retries, best-of-n, a verifier loop) costs that again.
    usd_per_request = usd_per_mtok * output_tokens * attempts / TOKENS_PER_MTOK
    # Cost-of-pass (Erol et al. 2025, "Cost-of-Pass: An Economic Framework for Evaluating Language
    # Models", arXiv:2504.13359): the expected cost of one acceptable answer, the cost of a request
    # over its probability of success (independent requests repeated until one succeeds take
    # 1 / p_success of them on average).
    usd_per_success = usd_per_request / p_success
    # The expected net value of one request: what a success is worth, less what a failure costs
    # the user, less what the request cost to run.
    net_value_usd_per_request = (p_success * value_usd_per_success
                                 - (1.0 - p_success) * cost_usd_per_failure
                                 - usd_per_request)

    meets_targets = ttft_s <= ttft_slo_s and tpot_s <= tpot_slo_s
    return checked(Outputs(
        status=STATUS_OK if meets_targets else STATUS_LATENCY,
        batch=resident,
        max_batch=max_batch,
        ttft_s=ttft_s,
        tpot_s=tpot_s,
        e2e_s=e2e_s,
        tokens_per_s=tokens_per_s,
        tokens_per_s_per_device=tokens_per_s / (devices * devices_per_device),
        usd_per_mtok=usd_per_mtok,
        usd_per_mtok_input=usd_per_mtok_input,
        usd_per_mtok_output=usd_per_mtok_output,
        joules_per_token=joules_per_token,
        kwh_per_mtok=kwh_per_cycle / tokens_per_cycle * TOKENS_PER_MTOK,
        gco2_per_mtok=gco2_per_mtok,
        water_l_per_mtok=water_l_per_mtok,
        power_w_per_device=power_w_per_device,
        weight_gb_per_device=weight_bytes_per_device / BYTES_PER_GB,
        kv_gb_per_device=kv_bytes_per_device / BYTES_PER_GB,
        memory_used_fraction=used_fraction,
        prefill_s=prefill_s,
        decode_step_s=decode_step_s,
        decode_compute_bound=(1.0 if compute_bound_s > memory_bound_s * (1.0 + ROOFLINE_TIE)
                              else 0.0),
        rental_usd_per_mtok=rental_usd_per_mtok,
        capital_usd_per_mtok=capital_usd_per_mtok,
        hosting_usd_per_mtok=hosting_usd_per_mtok,
        energy_usd_per_mtok=energy_usd_per_mtok,
        usd_per_request=usd_per_request,
        usd_per_success=usd_per_success,
        net_value_usd_per_request=net_value_usd_per_request,
    ))


def draw_inputs(distributions, seed: int, i: int) -> dict[str, float]:
    """The inputs of sample ``i``: each parameter draws from its own stream (``Parameter.stream``) of
    the counter-based generator; integer parameters are rounded half up. ``distributions`` is one
    distribution per parameter, in :data:`PARAMETERS` order."""
    skey = rng.sample_key(rng.seed_key(seed), i)
    inputs = {}
    for param, dist in zip(PARAMETERS, distributions):
        value = dist.sample(lambda k, s=param.stream: rng.uniform(skey, s, k))
        if param.integer:
            value = floor(value + 0.5)
        inputs[param.name] = float(value)
    return inputs


def simulate(distributions, seed: int, start: int, stop: int):
    """Evaluate samples ``start .. stop-1``; yields ``(i, inputs, outputs)``."""
    for i in range(start, stop):
        inputs = draw_inputs(distributions, seed, i)
        yield i, inputs, evaluate(**inputs)
