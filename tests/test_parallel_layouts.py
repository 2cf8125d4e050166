"""Pipeline stages, expert and attention data parallelism, scale-out links and chunked prefill
(issue 14): hand-computed cases, and the defaults that leave the older model unchanged.

The toy model and device below are chosen so that one resource binds and the rest vanish: compute
at 10^6 TFLOP/s, links at 10^9 GB/s with no latency (unless a test gives them), so a pass is its
bytes over 1000 GB/s and the figures can be worked out by hand."""

import math

import pytest

from inferonomics import ScenarioError, load_scenario
from inferonomics.model import reference
from inferonomics.model.registry import PARAMETERS, default_value

DEFAULTS = {p.name: default_value(p) for p in PARAMETERS if default_value(p) is not None}

DENSE = dict(total_params_b=10.0, active_params_b=10.0, n_layers=10.0, d_model=4096.0,
             n_heads=32.0, n_kv_heads=8.0, head_dim=128.0, v_head_dim=128.0, d_ff=16384.0)
FAST = dict(memory_gb=1000.0, memory_bw_gbps=1000.0, tflops_16=1e6, tdp_w=1000.0, idle_w=100.0,
            interconnect_gbps=1e9, link_latency_us=0.0, mfu=1.0, mbu=1.0, comm_efficiency=1.0,
            step_overhead_ms=0.0, weight_bits=16.0, activation_bits=16.0, kv_bits=16.0,
            usd_per_device_hour=1.0, purchase_usd=0.0, host_w=0.0, pue=1.0)
BYTES_PER_S = 1e12
WEIGHT_BYTES = 10e9 * 2
KV_BYTES_PER_TOKEN = 10 * 8 * (128 + 128) * 2          # layers x KV heads x (K + V) x 2 bytes
FAST_FLOPS = 1e18                                      # 10^6 TFLOP/s at mfu 1


def prompt_attention_s(prompt):
    """A prompt's causal attention at FAST_FLOPS: 2 x heads x (K + V dims) x layers FLOPs a pair,
    prompt^2 / 2 pairs (attention reads no cache in a prefill, so it adds to the weights' read)."""
    return 2 * 32 * (128 + 128) * 10 * prompt**2 / 2 / FAST_FLOPS


def run(**x):
    return reference.evaluate(**{**DEFAULTS, **DENSE, **FAST, **x})


# ---- pipeline ----------------------------------------------------------------------------------

def test_a_pipeline_of_four_stages_with_two_microbatches_idles_half_the_time():
    b, prompt, out = 64, 1000.0, 200.0
    kv_per_device = b * KV_BYTES_PER_TOKEN * (prompt + out / 2) / 4   # each stage: a quarter of the layers
    stage = lambda m: (WEIGHT_BYTES / 4 + kv_per_device / m) / BYTES_PER_S
    full = run(count=4, pp=4, microbatches=4, batch=b, input_tokens=prompt, output_tokens=out)
    half = run(count=4, pp=4, microbatches=2, batch=b, input_tokens=prompt, output_tokens=out)
    default = run(count=4, pp=4, batch=b, input_tokens=prompt, output_tokens=out)
    one = run(count=1, batch=b, input_tokens=prompt, output_tokens=out)
    # A step of the whole batch is max(m, pp) stage-times.
    assert full.decode_step_s == pytest.approx(4 * stage(4), rel=1e-6)     # 20.72 ms
    assert half.decode_step_s == pytest.approx(4 * stage(2), rel=1e-6)     # 21.44 ms: the bubble
    assert default.decode_step_s == full.decode_step_s                     # microbatches = 0: pp
    assert one.decode_step_s == pytest.approx((WEIGHT_BYTES + 4 * kv_per_device) / BYTES_PER_S,
                                              rel=1e-9)
    # A prompt passes every stage (the same 20 ms as one device), but one prefill costs the
    # replica a stage-time: successive prompts fill the pipeline.
    assert full.ttft_s == pytest.approx(WEIGHT_BYTES / BYTES_PER_S + prompt_attention_s(prompt),
                                        rel=1e-6)
    cycle = out * full.decode_step_s + b * full.ttft_s / 4
    assert full.e2e_s == pytest.approx(cycle, rel=1e-6)
    assert full.tokens_per_s == pytest.approx(b * out / cycle, rel=1e-6)


def test_the_pipeline_bubble_draws_less_power():
    # Two micro-batches for four stages: each device is busy half of every decode step. With power
    # linear in activity (exponent 1), a device draws 100 + 900 x 0.5 W while decoding and full
    # power in the (memory-bound) prefills.
    b, prompt, out = 64, 1000.0, 200.0
    half = run(count=4, pp=4, microbatches=2, batch=b, input_tokens=prompt, output_tokens=out,
               power_exponent=1.0)
    stall = WEIGHT_BYTES / 4 / BYTES_PER_S
    joules = (100 + 900 * 0.5) * out * half.decode_step_s + 1000 * b * stall
    assert half.power_w_per_device == pytest.approx(joules / half.e2e_s, rel=1e-6)


def test_a_short_batch_cannot_fill_the_pipeline():
    # One sequence through four stages: it waits for its own prefill (all stages) and decodes one
    # token a round trip; the extra micro-batches asked for do not exist.
    y = run(count=4, pp=4, microbatches=4, batch=1, input_tokens=4000.0, output_tokens=1.0)
    assert y.e2e_s == pytest.approx(y.ttft_s + y.decode_step_s, rel=1e-12)
    assert y.tpot_s == pytest.approx(y.decode_step_s, rel=1e-12)
    stage = (WEIGHT_BYTES / 4 + KV_BYTES_PER_TOKEN * 4000.5 / 4) / BYTES_PER_S
    assert y.decode_step_s == pytest.approx(4 * stage, rel=1e-6)   # one micro-batch, four stages


def test_pipeline_stages_must_divide_the_replica():
    base = {"model": {"id": "llama-2-70b"}, "hardware": {"id": "h100-sxm", "count": 6},
            "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
            "cost": {"usd_per_device_hour": 2.0}}
    with pytest.raises(ScenarioError, match="multiple of parallel.pp"):
        load_scenario({**base, "parallel": {"pp": 4}}).resolve()
    with pytest.raises(ScenarioError, match="more than the replica"):
        load_scenario({**base, "parallel": {"pp": 8}}).resolve()
    plan = load_scenario({**base, "parallel": {"pp": 3}}).resolve()
    assert plan["pp"].median() == 3


# ---- experts -------------------------------------------------------------------------------------

MOE = dict(total_params_b=40.0, active_params_b=12.5, n_experts=8.0, experts_per_token=2.0)


def test_expert_parallel_all_to_all_replaces_the_mlp_all_reduce():
    link, hop = 100e9, 1e-6
    common = dict(MOE, count=8, batch=64, input_tokens=100.0, output_tokens=100.0,
                  activation_bits=8.0, interconnect_gbps=100.0, link_latency_us=1.0,
                  expert_imbalance=1.0)
    ep = run(expert_parallel=1, **common)
    tp = run(expert_parallel=0, **common)
    # Each device sends its 64 / 8 tokens x 2 experts x 4096 values, 7/8 of them to other devices:
    # in 8 bits (dispatch), then back in 16 bits (combine), one hop latency each.
    values = 64 / 8 * 2 * 4096
    dispatch = values * 1 * 7 / 8 / link + hop
    combine = values * 2 * 7 / 8 / link + hop
    # Without expert parallelism: a ring all-reduce of the 64 tokens' hidden states in 16 bits.
    ring = 14 / 8 * 64 * 4096 * 2 / link + 14 * hop
    assert reference.all_to_all_s(values, 8, 8, link, 1.0, hop) == pytest.approx(dispatch)
    # Same bytes and FLOPs per device either way (expert_imbalance 1): only the MLP's
    # collective differs, in each of the 10 layers.
    assert ep.decode_step_s - tp.decode_step_s == pytest.approx(10 * (dispatch + combine - ring),
                                                                rel=1e-6)
    assert ep.weight_gb_per_device == tp.weight_gb_per_device


def test_an_all_to_all_across_two_nodes_waits_for_the_network():
    link, network = 450e9, 50e9
    message = 1e6
    # 16 devices, 8 per node: 7/16 of the message over NVLink while 8/16 cross the network.
    expected = max(message * 7 / 16 / link, message * 8 / 16 / network) + 2e-6
    assert reference.all_to_all_s(message, 16, 8, link, network, 2e-6) == pytest.approx(expected)
    assert reference.all_to_all_s(message, 1, 8, link, network, 2e-6) == 0.0


def test_the_busiest_expert_device_sets_the_pace():
    common = dict(MOE, count=8, expert_parallel=1, batch=4096, input_tokens=100.0,
                  output_tokens=100.0, tflops_16=100.0)   # compute-bound now
    even = run(expert_imbalance=1.0, **common)
    skewed = run(expert_imbalance=1.5, **common)
    expert = (40e9 - 12.5e9) / 6
    tokens = 4096
    extra = 2 * 2 * expert * tokens / 8 * 0.5 / 100e12   # half again the busiest device's expert FLOPs
    assert skewed.decode_step_s - even.decode_step_s == pytest.approx(extra, rel=1e-6)


def test_a_dense_model_ignores_expert_parallelism():
    a = run(count=8, batch=32, input_tokens=100.0, output_tokens=100.0, expert_parallel=1)
    b = run(count=8, batch=32, input_tokens=100.0, output_tokens=100.0, expert_parallel=0)
    assert a == b


# ---- attention data parallelism --------------------------------------------------------------------

MLA = dict(MOE, kv_lora_rank=512.0, rope_head_dim=64.0, kv_bits=8.0, memory_gb=80.0)


def test_data_parallel_attention_stops_copying_the_latent_cache_onto_every_device():
    prompt, out = 1000.0, 1000.0
    kv_per_sequence = 10 * (512 + 64) * 1 * (prompt + out / 2)      # bytes: the whole latent
    expert = (40e9 - 12.5e9) / 6
    dense = 40e9 - 8 * expert
    workspace = prompt * (4 * 4096 + 2 * 16384 / 8) * 2
    usable = 0.9 * 80e9
    # Tensor-parallel attention: dense weights split 8 ways, every device holds every sequence's
    # latent.
    tp_weights = (dense / 8 + 8 * expert / 8) * 2
    tp_max = math.floor((usable - tp_weights - workspace) / kv_per_sequence)
    # Data-parallel attention: dense weights whole on each device, each holding its own sequences.
    dp_weights = (dense + 8 * expert / 8) * 2
    dp_max = 8 * math.floor((usable - dp_weights - workspace) / kv_per_sequence)
    common = dict(MLA, count=8, batch=0.0, input_tokens=prompt, output_tokens=out)
    tp = run(attention_dp=0, **common)
    dp = run(attention_dp=1, **common)
    assert tp.max_batch == tp_max
    assert dp.max_batch == dp_max
    assert dp.max_batch > 7 * tp.max_batch
    assert dp.weight_gb_per_device == pytest.approx(dp_weights / 1e9, rel=1e-12)
    assert dp.kv_gb_per_device == pytest.approx(dp_max / 8 * kv_per_sequence / 1e9, rel=1e-12)


def test_data_parallel_attention_on_a_dense_model_is_replicas_without_communication():
    common = dict(batch=64, input_tokens=100.0, output_tokens=100.0, interconnect_gbps=100.0,
                  link_latency_us=1.0, memory_gb=1000.0)
    dp = run(count=4, attention_dp=1, **common)
    alone = run(count=1, batch=16, input_tokens=100.0, output_tokens=100.0, memory_gb=1000.0,
                interconnect_gbps=100.0, link_latency_us=1.0)
    # Four devices each serving 16 sequences with the whole model: one device's step, and four
    # devices' tokens (prefills run four side by side).
    assert dp.decode_step_s == pytest.approx(alone.decode_step_s, rel=1e-12)
    assert dp.tokens_per_s == pytest.approx(4 * alone.tokens_per_s, rel=1e-12)


# ---- chunked prefill --------------------------------------------------------------------------------

def test_a_chunked_prefill_cycle():
    b, prompt, out = 8, 1000.0, 100.0
    kv_per_device = b * KV_BYTES_PER_TOKEN * (prompt + out / 2)
    y = run(batch=b, input_tokens=prompt, output_tokens=out, chunked_prefill=1,
            max_batched_tokens=2048)
    # The prompt fits one step's budget, so a slot is held 1 + 100 steps; a step reads the weights
    # once and the cache of the sequences decoding (100 of every 101 steps).
    steps = 101
    step = (WEIGHT_BYTES + kv_per_device * out / steps) / BYTES_PER_S
    assert y.ttft_s == pytest.approx(step, rel=1e-6)
    assert y.tpot_s == pytest.approx(step, rel=1e-6)
    assert y.e2e_s == pytest.approx(steps * step, rel=1e-6)
    assert y.tokens_per_s == pytest.approx(b * out / (steps * step), rel=1e-6)
    # Whole prefills stall the batch: 100 decode steps plus 8 prefills of a weight read each.
    whole = run(batch=b, input_tokens=prompt, output_tokens=out, chunked_prefill=0)
    assert whole.e2e_s == pytest.approx(out * (WEIGHT_BYTES + kv_per_device) / BYTES_PER_S
                                        + b * WEIGHT_BYTES / BYTES_PER_S, rel=1e-6)
    assert y.tokens_per_s > whole.tokens_per_s


def test_a_chunk_carrying_step_adds_its_computing_multiplies_to_its_streamed_cache():
    # The cycle above at 1000 TFLOP/s: a step with a 1000-token chunk computes its multiplies
    # (2 x 10^10 x 1008 FLOPs: 20.16 ms, beyond the weights' 20 ms read) while its attention
    # streams the decoding sequences' cache (0.34 ms, beyond its 0.08 ms of FLOPs); the two add.
    # A decode-only step reads both.
    b, prompt, out = 8, 1000.0, 100.0
    y = run(batch=b, input_tokens=prompt, output_tokens=out, chunked_prefill=1,
            max_batched_tokens=2048, tflops_16=1000.0)
    decoding = b * out / 101                              # tokens decoding in a step: 7.92
    cache = b * KV_BYTES_PER_TOKEN * (prompt + out / 2) * decoding / b / BYTES_PER_S
    full = 2 * 10e9 * (decoding + prompt) / 1e15 + cache
    lean = WEIGHT_BYTES / BYTES_PER_S + cache
    assert 2 * 10e9 * (decoding + prompt) / 1e15 > WEIGHT_BYTES / BYTES_PER_S
    assert y.ttft_s == pytest.approx(full, rel=1e-9)
    assert y.e2e_s == pytest.approx(8 * full + 93 * lean, rel=1e-9)   # 8 chunks in 101 steps


def test_chunking_a_lone_prompt_saves_nothing_when_compute_binds():
    # One sequence, an 8,000-token prompt, 400 TFLOP/s: the chunk is the whole prompt, in one
    # step as heavy as the whole prefill; chunking cannot beat it.
    x = dict(batch=1, input_tokens=8000.0, output_tokens=200.0, tflops_16=400.0, mfu=0.5,
             max_batched_tokens=8192)
    chunked = run(chunked_prefill=1, **x)
    whole = run(chunked_prefill=0, **x)
    assert chunked.ttft_s == pytest.approx(whole.ttft_s, rel=0.01)
    assert chunked.tokens_per_s == pytest.approx(whole.tokens_per_s, rel=0.01)
    assert chunked.tokens_per_s <= whole.tokens_per_s * 1.001


def test_a_chunked_first_token_waits_for_its_own_prompt_not_the_whole_batchs():
    # 64 resident sequences, 1,024-token prompts, an 8,192-token budget: a prompt rides in one
    # step with the decodes (about one step to its first token), however large the budget.
    x = dict(batch=64, input_tokens=1024.0, output_tokens=256.0, chunked_prefill=1,
             tflops_16=400.0, mfu=0.5)
    small = run(max_batched_tokens=2048, **x)
    large = run(max_batched_tokens=65536, **x)
    assert large.ttft_s == pytest.approx(small.ttft_s, rel=1e-9)
    # One step with the prompt and the 64 decodes: about the prompt's whole prefill, not the 64
    # prompts packed together (which took 8x as long).
    whole = run(chunked_prefill=0, **{k: v for k, v in x.items() if k != "chunked_prefill"})
    assert whole.ttft_s < large.ttft_s < 1.2 * whole.ttft_s


def test_a_small_token_budget_makes_prompts_wait():
    b, prompt, out = 8, 1000.0, 100.0
    y = run(batch=b, input_tokens=prompt, output_tokens=out, chunked_prefill=1,
            max_batched_tokens=64)
    # The budget carries 64 tokens a step: a slot is held for b (O + I) / 64 = 137.5 steps, of
    # which 37.5 before the first token.
    steps = b * (out + prompt) / 64
    assert y.e2e_s / y.tpot_s == pytest.approx(steps, rel=1e-9)
    assert y.ttft_s / y.tpot_s == pytest.approx(steps - out, rel=1e-9)


def test_flags_are_written_as_booleans_in_a_scenario():
    base = {"model": {"id": "llama-2-70b"}, "hardware": {"id": "h100-sxm", "count": 8},
            "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
            "cost": {"usd_per_device_hour": 2.0}}
    plan = load_scenario({**base, "serving": {"chunked_prefill": True},
                          "parallel": {"attention_dp": True}}).resolve()
    assert plan["chunked_prefill"].median() == 1.0 and plan["attention_dp"].median() == 1.0
    with pytest.raises(ScenarioError, match="serving.chunked_prefill: must be true or false"):
        load_scenario({**base, "serving": {"chunked_prefill": 2}}).resolve()
    # The imbalance prior applies only under expert parallelism.
    assert plan["expert_imbalance"].is_fixed
    ep = load_scenario({**base, "parallel": {"expert_parallel": True}}).resolve()
    assert not ep["expert_imbalance"].is_fixed


def test_a_replica_across_nodes_needs_a_network():
    base = {"model": {"id": "llama-2-70b"}, "hardware": {"id": "h100-sxm", "count": 16,
                                                         "scaleup_devices": 8},
            "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
            "cost": {"usd_per_device_hour": 2.0}}
    with pytest.raises(ScenarioError, match="hardware.scaleout_gbps"):
        load_scenario(base).resolve()
    base["hardware"]["scaleout_gbps"] = 50.0
    assert load_scenario(base).resolve()["scaleout_gbps"].median() == 50.0


# ---- attention's FLOPs and rate ------------------------------------------------------------------

COMPUTE_BOUND = dict(memory_bw_gbps=1e9, tflops_16=100.0)   # bytes vanish, 100 TFLOP/s


def test_latent_attention_decodes_over_the_latent_itself():
    b, prompt, out = 16, 1000.0, 200.0
    y = run(kv_lora_rank=512.0, rope_head_dim=64.0, head_dim=192.0, batch=b,
            input_tokens=prompt, output_tokens=out, **COMPUTE_BOUND)
    context = prompt + out / 2
    # Absorbed MLA: per head, keys of 512 + 64 and values of 512 values: 2 x (576 + 512) FLOPs a
    # pair, against 2 x (192 + 128) for the expanded heads that the prefill uses.
    flops = b * (2 * 10e9 + 2 * 32 * (2 * 512 + 64) * 10 * context)
    assert y.decode_step_s == pytest.approx(flops / 100e12, rel=1e-9)
    prefill = 2 * 10e9 * prompt + 2 * 32 * (192 + 128) * 10 * prompt**2 / 2
    assert y.prefill_s == pytest.approx(prefill / 100e12, rel=1e-9)


def test_attention_runs_at_the_width_of_the_cache():
    b, prompt, out = 16, 1000.0, 200.0
    x = dict(batch=b, input_tokens=prompt, output_tokens=out, memory_bw_gbps=1e9,
             tflops_16=100.0, tflops_8=200.0, tflops_4=400.0, activation_bits=4.0)
    fp8_cache = run(kv_bits=8.0, **x)
    fp4_cache = run(kv_bits=4.0, **x)
    context = prompt + out / 2
    linear = b * 2 * 10e9
    attention = b * 2 * 32 * (128 + 128) * 10 * context
    assert fp4_cache.decode_step_s == pytest.approx((linear + attention) / 400e12, rel=1e-9)
    assert fp8_cache.decode_step_s == pytest.approx(linear / 400e12 + attention / 200e12, rel=1e-9)


def test_the_replica_queue_refuses_layouts_it_does_not_describe():
    from inferonomics.fleet.under_load import replica_under_load

    base = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm", "count": 2},
            "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
            "cost": {"usd_per_device_hour": 2.0}}
    for section, key, value in (("serving", "chunked_prefill", True), ("parallel", "pp", 2),
                                ("parallel", "attention_dp", True)):
        with pytest.raises(ScenarioError, match=f"{section}.{key}: the replica queue"):
            replica_under_load({**base, section: {key: value}}, 1.0, samples=4)
    apart = {**base, "hardware": {**base["hardware"], "scaleout_gbps": 50.0},
             "serving": {"disaggregated": True}}
    with pytest.raises(ScenarioError, match="serving.disaggregated: the replica queue"):
        replica_under_load(apart, 1.0, samples=4)
    assert replica_under_load(base, 1.0, samples=4).samples == 4


def test_no_layout_makes_a_request_finish_before_its_first_token():
    """Over thousands of accepted rows (every layout, every serving mode): a request's latency
    holds its first token, and its tokens after it take time."""
    import numpy as np

    from inferonomics.cores import backends
    from inferonomics.model.registry import OUTPUT_NAMES
    from registry_inputs import random_rows

    rows = random_rows(4000, seed=3)
    out = backends.get_backend("c").evaluate(rows, 1)
    ran = (out[:, 0] == reference.STATUS_OK) | (out[:, 0] == reference.STATUS_LATENCY)
    e2e, ttft, tpot = (out[ran, OUTPUT_NAMES.index(m)] for m in ("e2e_s", "ttft_s", "tpot_s"))
    assert ran.sum() > 1000
    assert np.all(e2e >= ttft * (1 - 1e-12))
    assert np.all(tpot > 0)


def test_switches_take_booleans_in_arrays_and_choices():
    from inferonomics import evaluate_batch

    base = {"model": {"id": "llama-2-70b"}, "hardware": {"id": "h100-sxm", "count": 8},
            "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
            "cost": {"usd_per_device_hour": 2.0}}
    plan = load_scenario({**base, "serving": {"chunked_prefill": {"dist": "choice",
                                                                    "values": [True, False]}}}
                         ).resolve()
    assert sorted(plan["chunked_prefill"].values) == [0.0, 1.0]
    out = evaluate_batch({"chunked_prefill": [True, False]}, plan=load_scenario(base).resolve())
    assert out["status"].shape == (2,)
    with pytest.raises(ScenarioError, match="workload.beams"):
        evaluate_batch({"beams": [True, False]}, plan=load_scenario(base).resolve())


def test_a_domain_choice_that_can_split_the_replica_needs_a_network():
    base = {"model": {"id": "llama-2-70b"},
            "hardware": {"id": "h100-sxm", "count": 8,
                         "scaleup_devices": {"dist": "choice", "values": [0, 4]}},
            "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
            "cost": {"usd_per_device_hour": 2.0}}
    with pytest.raises(ScenarioError, match="scale-up domains of 4"):
        load_scenario(base).resolve()


def test_evaluate_batch_takes_a_column_of_expert_parallel_switches():
    from inferonomics import evaluate_batch

    base = {"model": {"id": "mixtral-8x7b"}, "hardware": {"id": "h100-sxm", "count": 2},
            "workload": {"batch": 32, "input_tokens": 500, "output_tokens": 200},
            "cost": {"usd_per_device_hour": 2.0}}
    plan = load_scenario(base).resolve()
    out = evaluate_batch({"expert_parallel": [0, 1, True]}, plan=plan)
    assert out["status"].tolist() == [0, 0, 0]
    # With whole experts the busiest device's load (the prior's median) slows the step.
    assert out["decode_step_s"][1] == out["decode_step_s"][2] > 0


# ---- prefill-decode disaggregation ----------------------------------------------------------------

def test_a_disaggregated_replica_only_decodes_and_pays_for_its_share_of_the_prefill_pool():
    b, prompt, out, scaleout = 64, 1000.0, 200.0, 50.0
    y = run(batch=b, input_tokens=prompt, output_tokens=out, disaggregated=1,
            scaleout_gbps=scaleout, power_exponent=1.0, utilization=1.0)
    together = run(batch=b, input_tokens=prompt, output_tokens=out, power_exponent=1.0,
                   utilization=1.0)
    step = (WEIGHT_BYTES + b * KV_BYTES_PER_TOKEN * (prompt + out / 2)) / BYTES_PER_S  # 20.72 ms
    # 20 ms: the weights read once for the prompt, then its attention (82 ns)
    prefill = WEIGHT_BYTES / BYTES_PER_S + prompt_attention_s(prompt)
    assert y.decode_step_s == pytest.approx(step, rel=1e-9)
    # No prefill stalls the batch: every step of a sequence is a decode step.
    assert y.tpot_s == pytest.approx(step, rel=1e-9)
    assert y.tokens_per_s == pytest.approx(b / step, rel=1e-9)
    assert together.tokens_per_s == pytest.approx(b * out / (out * step + b * prefill), rel=1e-9)
    # The first token: the prompt's pass, then its 1000 tokens of cache over 50 GB/s.
    transfer = KV_BYTES_PER_TOKEN * prompt / (scaleout * 1e9)                   # 0.82 ms
    assert y.ttft_s == pytest.approx(prefill + transfer, rel=1e-9)
    assert y.e2e_s == pytest.approx(prefill + transfer + out * step, rel=1e-9)
    # The pool: 64 prefills of 20 ms per cycle of 200 steps = 0.309 instances per replica, paid for
    # and powered (1000 W busy, memory-bound, exponent 1).
    pool = b * prefill / (out * step)
    assert y.tokens_per_s_per_device == pytest.approx(y.tokens_per_s / (1 + pool), rel=1e-9)
    assert y.rental_usd_per_mtok == pytest.approx(
        (1 + pool) * out * step / 3600 / (b * out) * 1e6, rel=1e-9)
    assert y.joules_per_token == pytest.approx(1000 * (out * step + b * prefill) / (b * out),
                                               rel=1e-9)
    assert y.power_w_per_device == pytest.approx(1000.0, rel=1e-9)
    # Prefill time is billed to input tokens: the pool's share of the devices.
    assert y.usd_per_mtok_input * b * prompt == pytest.approx(
        y.usd_per_mtok * b * out * pool / (1 + pool), rel=1e-9)


def test_a_disaggregated_replica_needs_a_network_for_the_cache():
    scenario = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm", "count": 1},
                "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
                "cost": {"usd_per_device_hour": 2.0}, "serving": {"disaggregated": True}}
    with pytest.raises(ScenarioError, match="hardware.scaleout_gbps: with serving.disaggregated"):
        load_scenario(scenario).resolve()
    scenario["hardware"]["scaleout_gbps"] = 50.0
    assert load_scenario(scenario).resolve()["disaggregated"].median() == 1.0


def test_a_disaggregated_replica_costs_what_it_would_prefilling_itself_when_the_network_keeps_up():
    # The pool has the replica's layout and is sized to its demand: the device-time, and so every
    # per-token figure of cost, energy, carbon and water, is the co-located replica's; only the
    # latencies and the replica's own rate change. Layouts with pipelines, attention groups,
    # idle time, host power and a non-linear power curve.
    metrics = ("usd_per_mtok", "usd_per_mtok_input", "usd_per_mtok_output", "joules_per_token",
               "gco2_per_mtok", "water_l_per_mtok", "tokens_per_s_per_device",
               "power_w_per_device", "rental_usd_per_mtok")
    layouts = (dict(count=4, pp=2),
               dict(MOE, count=4, attention_dp=1, expert_parallel=1, expert_imbalance=1.2),
               dict(count=2, tflops_16=300.0, mfu=0.5))
    for layout in layouts:
        x = dict(layout, batch=48, input_tokens=2000.0, output_tokens=300.0, utilization=0.5,
                 host_w=200.0, power_exponent=1.7, link_latency_us=5.0, scaleout_gbps=50.0,
                 usd_per_kwh=0.1, purchase_usd=30000.0, embodied_kgco2=1500.0)
        apart, together = run(disaggregated=1, **x), run(**x)
        assert apart.status == together.status == reference.STATUS_OK
        for m in metrics:
            assert getattr(apart, m) == pytest.approx(getattr(together, m), rel=1e-12), (layout, m)
        assert apart.tpot_s == pytest.approx(apart.decode_step_s, rel=1e-12)
        assert apart.tpot_s < together.tpot_s


def test_the_cache_of_a_pipelined_tensor_parallel_replica_arrives_in_shards():
    # Two stages of two devices: a device receives its stage's layers (half) of its share of the
    # KV heads (half). Half the layers are local with a 512-token window: 1000 prompt tokens leave
    # 0.5 x 1000 + 0.5 x 512 = 756 on average. 50 GB/s per device, 5 us of latency.
    x = dict(count=4, pp=2, batch=16, input_tokens=1000.0, output_tokens=100.0,
             sliding_window=512.0, sliding_window_layers=0.5, scaleout_gbps=50.0,
             link_latency_us=5.0)
    y = run(disaggregated=1, **x)
    shard = KV_BYTES_PER_TOKEN * 756.0 / 2 / 2
    assert y.ttft_s - y.prefill_s == pytest.approx(shard / 50e9 + 5e-6, rel=1e-9)


def test_a_network_too_slow_for_the_caches_sets_the_pace():
    # 10 MB/s: a 1000-token cache (40.96 MB) takes 4.1 s, so the batch's 8 transfers (33 s) take
    # far longer than its 100 steps (2 s): each cycle waits on them, and a pool instance is held by
    # each send. A sequence still decodes a token a step once its cache is in.
    b, prompt, out = 8, 1000.0, 100.0
    y = run(disaggregated=1, batch=b, input_tokens=prompt, output_tokens=out, scaleout_gbps=0.01,
            power_exponent=1.0, utilization=1.0)
    transfer = KV_BYTES_PER_TOKEN * prompt / 0.01e9
    assert y.tpot_s == pytest.approx(y.decode_step_s, rel=1e-12)
    assert y.e2e_s - y.ttft_s == pytest.approx(out * y.decode_step_s, rel=1e-9)
    assert y.tokens_per_s == pytest.approx(out / transfer, rel=1e-9)
    # One pool instance per replica (b sends of `transfer` a cycle of b x transfer).
    assert y.tokens_per_s_per_device == pytest.approx(y.tokens_per_s / 2, rel=1e-9)
    # Both sides idle (100 W) while the caches cross, but for their passes.
    busy = 1000 * (out * y.decode_step_s + b * (WEIGHT_BYTES / BYTES_PER_S
                                                 + prompt_attention_s(prompt)))
    idle = 100 * (2 * b * transfer - out * y.decode_step_s
                  - b * (WEIGHT_BYTES / BYTES_PER_S + prompt_attention_s(prompt)))
    assert y.joules_per_token == pytest.approx((busy + idle) / (b * out), rel=1e-9)


def test_analyses_counting_a_replicas_devices_refuse_a_prefill_pool():
    from inferonomics.analysis.api_or_host import api_or_self_host as inf_api
    from inferonomics.analysis.edge_or_cloud import edge_or_cloud as inf_edge
    from inferonomics.analysis.horizon import horizon
    from inferonomics.analysis.tco import tco

    scenario = {"model": {"id": "llama-2-7b"},
                "hardware": {"id": "h100-sxm", "count": 1, "scaleout_gbps": 50.0},
                "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
                "serving": {"disaggregated": True}}
    refused = "serving.disaggregated: .* leaves out a disaggregated replica's prefill pool"
    for analysis in (tco, horizon):
        with pytest.raises(ScenarioError, match=refused):
            analysis(scenario, samples=8)
    # Also when the switch is only a possibility (a choice), and in api and edge.
    maybe = {**scenario, "serving": {"disaggregated": {"dist": "choice", "values": [True, False]}}}
    with pytest.raises(ScenarioError, match=refused):
        tco(maybe, samples=8)
    with pytest.raises(ScenarioError, match=refused):
        inf_api({**scenario, "demand": {"tokens_per_month": 1e9}}, samples=8)
    with pytest.raises(ScenarioError, match=refused):
        inf_edge(scenario, {**scenario, "serving": {}}, samples=8)


def test_each_attention_group_receives_its_own_prompts_caches():
    # Attention data parallelism over 4 devices: each device receives the caches of its own
    # quarter of the batch, one after another, so 16 prompts over a slow network take 4
    # transfers a cycle. An MLA latent: every layer's 576 values in 8 bits, whole on its device.
    b, prompt, out = 16, 1000.0, 10.0
    y = run(**MLA, count=4, attention_dp=1, disaggregated=1, batch=b, input_tokens=prompt,
            output_tokens=out, scaleout_gbps=0.01)
    transfer = 10 * (512 + 64) * 1 * prompt / 0.01e9                # 0.576 s a prompt
    assert y.ttft_s - y.prefill_s == pytest.approx(transfer, rel=1e-9)
    assert y.tokens_per_s == pytest.approx(b * out / (b / 4 * transfer), rel=1e-9)
