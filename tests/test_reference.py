"""The reference model: hand-computed cases from the spec sheets, and physical invariants."""

import math

import pytest
from hypothesis import assume, given, strategies as st

from inferonomics import evaluate, load_scenario
from inferonomics.model.reference import STATUS_LATENCY, STATUS_MEMORY, STATUS_OK
from inferonomics.model import reference
from inferonomics.model.registry import COST_PART_METRICS, PARAMETERS, default_value

DEFAULTS = {p.name: default_value(p) for p in PARAMETERS if default_value(p) is not None}


def raw_evaluate(**x):
    """The reference itself (no checks); inputs a test leaves out take their defaults, so a new
    input does not break the tests written before it."""
    return reference.evaluate(**{**DEFAULTS, **x})


def inputs_for(model, hardware, count=1, **overrides):
    """Every input fixed: catalog values, medians of the defaults, then ``overrides``."""
    scenario = load_scenario({
        "model": {"id": model},
        "hardware": {"id": hardware, "count": count},
        "workload": {"batch": 1, "input_tokens": 512, "output_tokens": 256},
        "cost": {"usd_per_device_hour": 2.0},
    })
    x = scenario.resolve().medians()
    x.update(mfu=0.5, mbu=0.8, comm_efficiency=0.7, step_overhead_ms=0.0, pue=1.0, host_w=0.0)
    x.update(overrides)
    return x


# ----------------------------------------------------------------------------------------------
# Hand-computed cases. Numbers come from the catalog rows (spec sheets) and the formulas in the
# README, worked out here independently of the implementation's helpers.
# ----------------------------------------------------------------------------------------------

def test_llama2_7b_on_one_a100_bf16_decode_is_bandwidth_bound():
    x = inputs_for("llama-2-7b", "a100-sxm-80gb", weight_bits=16, activation_bits=16, kv_bits=16)
    y = evaluate(**x)
    weights = 6.738e9 * 2                                  # bytes, bf16
    kv_per_token = 32 * 32 * (128 + 128) * 2               # layers * kv heads * (K + V dims) * 2 B
    assert kv_per_token == 524288                          # = models.csv kv_cache_bytes_per_token_16bit
    context = 512 + 256 / 2                                # prompt plus half the output, on average
    step_bytes = weights + kv_per_token * context
    memory_s = step_bytes / (2039e9 * 0.8)
    compute_s = (2 * 6.738e9 + 2 * 32 * 256 * 32 * context) / (312e12 * 0.5)
    assert compute_s < memory_s
    assert y.decode_step_s == pytest.approx(memory_s, rel=1e-12)   # about 8.5 ms
    assert 8.3e-3 < y.decode_step_s < 8.6e-3
    prefill_flops = 2 * 6.738e9 * 512 + 2 * 32 * 256 * 32 * 512**2 / 2
    assert y.prefill_s == pytest.approx(prefill_flops / (312e12 * 0.5), rel=1e-12)
    # One cycle: 256 decode steps plus one prefill; one sequence, so tokens/s = 256 / cycle.
    cycle = 256 * y.decode_step_s + y.prefill_s
    assert y.tokens_per_s == pytest.approx(256 / cycle, rel=1e-12)
    assert y.usd_per_mtok == pytest.approx(2.0 / 3600 * cycle / 256 * 1e6, rel=1e-12)
    assert y.weight_gb_per_device == pytest.approx(13.476, rel=1e-12)


def test_mixtral_on_two_h100_fp8_reads_only_touched_experts_and_pays_all_reduce():
    x = inputs_for("mixtral-8x7b", "h100-sxm", count=2, batch=16, weight_bits=8, activation_bits=8,
                   kv_bits=8, link_latency_us=1.0)
    y = evaluate(**x)
    total, active, experts, k = 46.703e9, 12.88e9, 8, 2
    expert = (total - active) / (experts - k)              # one expert summed over layers
    dense = total - experts * expert
    touched = experts * (1 - (1 - k / experts) ** 16)      # 7.92 of 8 experts per layer
    assert touched == pytest.approx(7.9198, abs=1e-4)
    weight_bytes = (dense + touched * expert) * 1.0 / 2    # fp8, split over 2 GPUs
    kv = 32 * 8 * 256 * 1.0 * (512 + 128) * 16 / 2        # fp8 KV, 8 KV heads over 2 GPUs
    memory_s = (weight_bytes + kv) / (3350e9 * 0.8)
    # Two all-reduces per layer of 16 tokens x 4096 values x 2 B over 2 GPUs: ring has 2 steps.
    allreduce = 2 * 1 / 2 * (16 * 4096 * 2) / (450e9 * 0.7) + 2 * 1e-6
    assert y.decode_step_s == pytest.approx(memory_s + 2 * 32 * allreduce, rel=1e-12)


def test_beam_search_shares_the_prompt_cache_and_decodes_every_hypothesis():
    # GPT-J with MLPerf's 4 beams on one H100, fp16, batch 8: every figure below by hand.
    b, beams, prompt, out = 8, 4, 900, 69
    x = inputs_for("gpt-j-6b", "h100-sxm", batch=b, beams=beams, weight_bits=16, activation_bits=16,
                   kv_bits=16, input_tokens=prompt, output_tokens=out)
    y = evaluate(**x)
    kv_per_token = 28 * 16 * (256 + 256) * 2               # layers * kv heads * (K + V) * 2 B
    context = prompt + out / 2                             # what each hypothesis attends to
    stored = context + (beams - 1) * out / 2               # prompt shared, generated per hypothesis
    assert y.kv_gb_per_device == pytest.approx(b * kv_per_token * stored / 1e9, rel=1e-12)
    params = 6.051e9                                       # models.csv
    flops = b * beams * (2 * params + 2 * 16 * (256 + 256) * 28 * context)
    read = params * 2 + b * kv_per_token * stored           # the stored cache, moved once
    step = max(flops / (989.4e12 * 0.5), read / (3350e9 * 0.8))
    assert y.decode_step_s == pytest.approx(step, rel=1e-12)
    # A request returns one hypothesis: out tokens per request, and one prefill per request.
    assert y.tokens_per_s == pytest.approx(b * out / (out * step + b * y.prefill_s), rel=1e-12)
    one = evaluate(**{**x, "beams": 1})
    assert one.prefill_s == y.prefill_s and y.decode_step_s > one.decode_step_s
    assert y.max_batch < one.max_batch


def test_beam_search_decode_turns_compute_bound_with_a_token_per_hypothesis():
    # GPT-J, 4 beams, batch 256 of short requests on one H100 in fp16: 1,024 tokens a step.
    b, beams, prompt, out = 256, 4, 100, 64
    x = inputs_for("gpt-j-6b", "h100-sxm", batch=b, beams=beams, weight_bits=16, activation_bits=16,
                   kv_bits=16, input_tokens=prompt, output_tokens=out)
    y = evaluate(**x)
    kv_per_token = 28 * 16 * (256 + 256) * 2
    context, stored = prompt + out / 2, prompt + out / 2 + (beams - 1) * out / 2
    linear_flops = b * beams * 2 * 6.051e9
    attention_flops = b * beams * 2 * 16 * (256 + 256) * 28 * context
    compute_s = (linear_flops + attention_flops) / (989.4e12 * 0.5)
    memory_s = (6.051e9 * 2 + b * kv_per_token * stored) / (3350e9 * 0.8)
    assert compute_s > memory_s and y.decode_compute_bound == 1.0
    # The multiplies compute (12.4 TFLOP against 12 GB of weights) while attention streams the
    # cache (a stored token's keys and values once, read by every hypothesis that shares them): the
    # two kernels' rooflines add, 25.05 + 9.99 ms, beyond the whole step's single roofline.
    multiplies_s = linear_flops / (989.4e12 * 0.5)
    attention_s = max(attention_flops / (989.4e12 * 0.5), b * kv_per_token * stored / (3350e9 * 0.8))
    assert multiplies_s > 6.051e9 * 2 / (3350e9 * 0.8)
    assert attention_s > attention_flops / (989.4e12 * 0.5)
    assert y.decode_step_s == pytest.approx(multiplies_s + attention_s, rel=1e-12)
    # The largest batch: free memory over one request's cache (prompt once, four hypotheses).
    workspace = prompt * (4 * 4096 + 2 * 16384) * 2
    free = x["memory_usable_fraction"] * 80e9 - 6.051e9 * 2 - workspace
    assert y.max_batch == math.floor(free / (kv_per_token * stored))


def test_beam_search_with_experts_and_tensor_parallelism_counts_hypothesis_tokens():
    b, beams = 16, 4
    x = inputs_for("mixtral-8x7b", "h100-sxm", count=2, batch=b, beams=beams, weight_bits=8,
                   activation_bits=8, kv_bits=8, link_latency_us=1.0)
    y = evaluate(**x)
    total, active, experts, k = 46.703e9, 12.88e9, 8, 2
    expert = (total - active) / (experts - k)
    dense = total - experts * expert
    touched = experts * (1 - (1 - k / experts) ** (b * beams))   # 64 hypothesis tokens
    stored = 512 + 128 + (beams - 1) * 128
    kv = 32 * 8 * 256 * 1.0 * stored * b / 2
    memory_s = ((dense + touched * expert) / 2 + kv) / (3350e9 * 0.8)
    allreduce = 2 * 1 / 2 * (b * beams * 4096 * 2) / (450e9 * 0.7) + 2 * 1e-6
    assert y.decode_step_s == pytest.approx(memory_s + 2 * 32 * allreduce, rel=1e-12)


def test_a_hypothesis_keeps_at_most_the_window_of_its_own_tokens_on_local_layers():
    beams, prompt, out = 4, 1000, 10000
    x = inputs_for("gemma-2-27b", "h200", beams=beams, input_tokens=prompt, output_tokens=out)
    y = evaluate(**x)
    w, f = x["sliding_window"], x["sliding_window_layers"]
    assert w > 0 and 0 < f < 1
    context = (1 - f) * (prompt + out / 2) + f * min(prompt + out / 2, w)
    own = (1 - f) * out / 2 + f * min(out / 2, w)
    kv_per_token = x["n_layers"] * x["n_kv_heads"] * (x["head_dim"] + x["v_head_dim"]) * 2
    assert y.kv_gb_per_device == pytest.approx(
        kv_per_token * (context + (beams - 1) * own) / 1e9, rel=1e-12)


def test_deepseek_v3_mla_on_eight_h200_max_batch_follows_latent_cache_size():
    x = inputs_for("deepseek-v3", "h200", count=8, batch=0, weight_bits=8, activation_bits=8,
                   kv_bits=8, input_tokens=1000, output_tokens=1000,
                   memory_usable_fraction=0.9)
    y = evaluate(**x)
    kv_per_token = 61 * (512 + 64) * 1                     # latent + rope key, fp8: 35,136 B
    per_device_weights = 671.026e9 / 8
    workspace = 1000 * (4 * 7168 + 2 * 18432 / 8) * 1
    free = 0.9 * 141e9 - per_device_weights - workspace
    # The latent is shared by all heads, so each device caches it whole (no KV split).
    expected = math.floor(free / (kv_per_token * 1500))
    assert y.max_batch == expected
    assert y.batch == expected
    assert y.status == STATUS_OK


def test_a_model_that_does_not_fit_is_flagged_with_nan_metrics():
    y = evaluate(**inputs_for("llama-3.1-405b", "l4"))
    assert y.status == STATUS_MEMORY
    assert y.max_batch == 0
    assert math.isnan(y.usd_per_mtok) and math.isnan(y.ttft_s)
    assert y.weight_gb_per_device > 24


def test_batch_above_the_memory_limit_does_not_fit():
    x = inputs_for("llama-2-7b", "l4", weight_bits=16, batch=0)
    largest = evaluate(**x).max_batch
    assert largest >= 1
    assert evaluate(**{**x, "batch": largest}).status == STATUS_OK
    assert evaluate(**{**x, "batch": largest + 1}).status == STATUS_MEMORY


def test_missing_a_latency_target_is_flagged_but_keeps_its_figures():
    x = inputs_for("llama-2-7b", "a100-sxm-80gb", tpot_slo_s=1e-4)
    y = evaluate(**x)
    assert y.status == STATUS_LATENCY
    assert y.tpot_s > 1e-4 and math.isfinite(y.usd_per_mtok)


def test_sliding_window_caps_the_cached_context():
    x = inputs_for("mistral-7b", "a100-sxm-80gb", input_tokens=16000, output_tokens=100)
    windowed = evaluate(**x)
    unwindowed = evaluate(**{**x, "sliding_window": 0})
    assert windowed.kv_gb_per_device == pytest.approx(
        unwindowed.kv_gb_per_device * 4096 / (16000 + 50), rel=1e-12)


def test_split_pricing_adds_up_to_the_blended_price():
    x = inputs_for("llama-3.1-8b", "h100-sxm", batch=32, input_tokens=2000, output_tokens=300)
    y = evaluate(**x)
    total = y.usd_per_mtok_input * 2000 + y.usd_per_mtok_output * 300
    assert total == pytest.approx(y.usd_per_mtok * 300, rel=1e-12)


def test_owned_hardware_cost_is_amortised_purchase_plus_electricity():
    x = inputs_for("llama-3.1-8b", "h100-sxm", usd_per_device_hour=0.0, purchase_usd=35064.0,
                   lifetime_years=4.0, hosting_usd_per_device_hour=0.0, usd_per_kwh=0.1)
    y = evaluate(**x)
    hours_per_mtok = 1e6 / y.tokens_per_s / 3600
    capital = 35064.0 / (4 * 8766) * hours_per_mtok        # 1 USD per device-hour
    electricity = y.kwh_per_mtok * 0.1
    assert y.usd_per_mtok == pytest.approx(capital + electricity, rel=1e-12)


def test_carbon_is_energy_times_grid_intensity_plus_embodied_share():
    x = inputs_for("llama-3.1-8b", "h100-sxm", grid_gco2_per_kwh=400.0, embodied_kgco2=8766.0,
                   lifetime_years=1.0)
    y = evaluate(**x)
    hours_per_mtok = 1e6 / y.tokens_per_s / 3600
    embodied = 8766.0 * 1000 / 8766.0 * hours_per_mtok     # 1 kg per device-hour
    assert y.gco2_per_mtok == pytest.approx(y.kwh_per_mtok * 400.0 + embodied, rel=1e-12)


# ----------------------------------------------------------------------------------------------
# Invariants over wide random configurations.
# ----------------------------------------------------------------------------------------------

@st.composite
def configurations(draw):
    layers = draw(st.integers(1, 128))
    heads = draw(st.sampled_from([1, 2, 4, 8, 16, 32, 64, 128]))
    kv_heads = draw(st.sampled_from([h for h in (1, 2, 4, 8, 16, 32, 64, 128) if h <= heads]))
    experts = draw(st.sampled_from([1, 1, 8, 64, 256]))
    k = draw(st.integers(1, min(experts, 8)))
    total = draw(st.floats(0.1, 2000))
    active = total if experts == 1 else draw(st.floats(total / experts, total))
    tdp = draw(st.floats(10, 2000))
    mla = draw(st.booleans())
    return {
        "total_params_b": total, "active_params_b": active, "n_layers": float(layers),
        "d_model": float(draw(st.sampled_from([512, 2048, 4096, 8192, 16384]))),
        "n_heads": float(heads), "n_kv_heads": float(kv_heads),
        "head_dim": float(draw(st.sampled_from([64, 128, 192, 256]))), "v_head_dim": 128.0,
        "d_ff": float(draw(st.integers(0, 60000))), "n_experts": float(experts),
        "experts_per_token": float(k), "kv_lora_rank": 512.0 if mla else 0.0,
        "rope_head_dim": 64.0 if mla else 0.0,
        "sliding_window": float(draw(st.sampled_from([0, 1024, 4096]))),
        "sliding_window_layers": draw(st.floats(0, 1)),
        "count": float(draw(st.sampled_from([1, 2, 4, 8, 16, 64]))),
        "memory_gb": draw(st.floats(8, 2000)), "memory_bw_gbps": draw(st.floats(50, 20000)),
        "tflops_fp32": draw(st.sampled_from([0.0, 1.0, 19.5, 67.0])), "tflops_16": draw(st.floats(1, 5000)),
        "tflops_8": draw(st.sampled_from([0.0, 2000.0])), "tflops_4": 0.0,
        "tdp_w": tdp, "idle_w": draw(st.floats(0, 1)) * tdp,
        "interconnect_gbps": draw(st.floats(1, 2000)), "link_latency_us": draw(st.floats(0, 20)),
        "weight_bits": draw(st.floats(1, 32)), "activation_bits": draw(st.sampled_from([4.0, 8.0, 16.0, 32.0])),
        "kv_bits": draw(st.floats(1, 32)), "batch": float(draw(st.integers(0, 512))),
        "input_tokens": draw(st.floats(1, 100_000)), "output_tokens": draw(st.floats(1, 20_000)),
        "ttft_slo_s": math.inf, "tpot_slo_s": math.inf,
        "mfu": draw(st.floats(0.01, 1)), "mbu": draw(st.floats(0.01, 1)),
        "comm_efficiency": draw(st.floats(0.01, 1)), "step_overhead_ms": draw(st.floats(0, 50)),
        "memory_usable_fraction": draw(st.floats(0.05, 1)),
        "pue": draw(st.floats(1, 3)), "host_w": draw(st.floats(0, 1000)),
        "grid_gco2_per_kwh": draw(st.floats(0, 1000)), "embodied_kgco2": draw(st.floats(0, 5000)),
        "usd_per_device_hour": draw(st.floats(0.01, 100)), "purchase_usd": 0.0,
        "hosting_usd_per_device_hour": 0.0, "usd_per_kwh": 0.0,
        "utilization": draw(st.floats(0.01, 1)), "lifetime_years": draw(st.floats(0.5, 10)),
        "power_exponent": draw(st.floats(0.1, 4)),
        "beams": float(draw(st.sampled_from([1, 1, 2, 4, 8]))),
    }


def feasible(x):
    y = raw_evaluate(**x)
    assume(y.status != STATUS_MEMORY)
    return y


@given(configurations(), st.floats(1.01, 10))
def test_more_memory_bandwidth_is_never_slower(x, factor):
    slow = feasible(x)
    fast = raw_evaluate(**{**x, "memory_bw_gbps": x["memory_bw_gbps"] * factor})
    assert fast.tpot_s <= slow.tpot_s * (1 + 1e-12)
    assert fast.ttft_s <= slow.ttft_s * (1 + 1e-12)
    assert fast.tokens_per_s >= slow.tokens_per_s * (1 - 1e-12)


@given(configurations(), st.floats(0.01, 100))
def test_rented_cost_is_exactly_proportional_to_price(x, factor):
    x["embodied_kgco2"] = 0.0
    base = feasible(x)
    scaled = raw_evaluate(**{**x, "usd_per_device_hour": x["usd_per_device_hour"] * factor})
    assert scaled.usd_per_mtok == pytest.approx(base.usd_per_mtok * factor, rel=1e-12)
    assert scaled.tokens_per_s == base.tokens_per_s


@given(configurations())
def test_device_power_lies_between_idle_and_tdp(x):
    x.update(host_w=0.0, pue=1.0)
    y = feasible(x)
    assert x["idle_w"] * (1 - 1e-12) <= y.power_w_per_device <= x["tdp_w"] * (1 + 1e-12)
    # joules per token is that power times device-seconds per token
    device_s_per_token = x["count"] / y.tokens_per_s / x["utilization"]
    assert y.joules_per_token == pytest.approx(y.power_w_per_device * device_s_per_token, rel=1e-9)


@given(configurations(), st.floats(0.05, 0.99))
def test_fewer_weight_bits_never_need_more_memory(x, shrink):
    wide = raw_evaluate(**x)
    narrow = raw_evaluate(**{**x, "weight_bits": max(1.0, x["weight_bits"] * shrink)})
    assert narrow.weight_gb_per_device <= wide.weight_gb_per_device
    assert narrow.max_batch >= wide.max_batch
    if wide.status != STATUS_MEMORY and x["batch"] != 0:
        assert narrow.status != STATUS_MEMORY


@given(configurations())
def test_tpot_never_beats_reading_the_active_weights_at_full_bandwidth(x):
    y = feasible(x)
    active_bytes = x["active_params_b"] * 1e9 * x["weight_bits"] / 8
    assert y.tpot_s >= active_bytes / (x["count"] * x["memory_bw_gbps"] * 1e9) * (1 - 1e-12)
    if x["n_experts"] == 1:  # dense: every weight is read every step
        all_bytes = x["total_params_b"] * 1e9 * x["weight_bits"] / 8
        assert y.tpot_s >= all_bytes / (x["count"] * x["memory_bw_gbps"] * 1e9) * (1 - 1e-12)


@given(configurations())
def test_latency_and_throughput_are_consistent_by_littles_law(x):
    y = feasible(x)
    assert y.batch * x["output_tokens"] / y.e2e_s == pytest.approx(y.tokens_per_s, rel=1e-12)
    assert y.e2e_s == pytest.approx(y.ttft_s + x["output_tokens"] * y.tpot_s, rel=1e-12)
    assert y.tokens_per_s_per_device == pytest.approx(y.tokens_per_s / x["count"], rel=1e-15)


@given(configurations())
def test_every_feasible_output_is_finite_and_positive(x):
    y = feasible(x)
    for name, value in y.as_dict().items():
        assert math.isfinite(value), name
        if name in COST_PART_METRICS:   # a part may be 0 (nothing owned, nothing rented)
            assert value >= 0, name
        elif name == "net_value_usd_per_request":   # value less cost: either sign
            continue
        elif name not in ("status", "decode_compute_bound", "gco2_per_mtok", "kv_gb_per_device"):
            assert value > 0, name


# ----------------------------------------------------------------------------------------------
# evaluate() takes any subset of inputs: adding an input never breaks a caller.
# ----------------------------------------------------------------------------------------------

def test_evaluate_fills_inputs_left_out_from_their_documented_defaults(example_path):
    from inferonomics.model.registry import PARAMETER_BY_NAME

    medians = load_scenario(example_path).resolve().medians()
    full = evaluate(**medians)
    # A call written before these inputs existed (or that does not care about them).
    for name in ("beams", "power_exponent", "link_latency_us"):
        older = {k: v for k, v in medians.items() if k != name}
        got = evaluate(**older)
        expected = evaluate(**{**older, name: default_value(PARAMETER_BY_NAME[name])})
        assert got == expected
    assert full.status == STATUS_OK


def test_evaluate_takes_the_rest_from_a_plan(example_path):
    plan = load_scenario(example_path).resolve()
    assert evaluate(plan, batch=8) == evaluate(**{**plan.medians(), "batch": 8.0})
    assert evaluate(plan) == evaluate(**plan.medians())


def test_evaluate_batch_mapping_fills_from_defaults_and_plans(example_path):
    import numpy as np

    from inferonomics import evaluate_batch

    plan = load_scenario(example_path).resolve()
    out = evaluate_batch({"batch": np.array([1.0, 8.0, 64.0])}, plan=plan, backend="reference")
    for j, b in enumerate([1.0, 8.0, 64.0]):
        assert out["usd_per_mtok"][j] == evaluate(plan, batch=b).usd_per_mtok


def test_overriding_a_plans_tdp_moves_its_derived_host_power_as_the_scenario_would(example_path):
    s = load_scenario(example_path)
    via_plan = evaluate(s.resolve(), tdp_w=1000.0)
    via_scenario = evaluate(s.with_values({"hardware.tdp_w": 1000.0}).resolve())
    assert via_plan == via_scenario
    # A host power the scenario gives stays as given.
    fixed = s.with_values({"energy.host_w": 300.0}).resolve()
    assert evaluate(fixed, tdp_w=1000.0) == evaluate(**{**fixed.medians(), "tdp_w": 1000.0})


# ----------------------------------------------------------------------------------------------
# Stable forms. A quantity that is a small difference of large ones is computed from its own terms,
# so it keeps its digits (and the native cores, which round an ulp differently here and there,
# stay within the 1e-9 contract). Each is checked against exact or 60-digit arithmetic on a case
# where the plain form loses digits.
# ----------------------------------------------------------------------------------------------

def _decimal(x):
    from decimal import Decimal
    return Decimal(repr(float(x)))


def _exact_touched(n_experts, experts_per_token, tokens):
    """E (1 - (1 - k/E)^tokens) to 60 digits."""
    from decimal import localcontext
    with localcontext() as ctx:
        ctx.prec = 60
        e, k, t = _decimal(n_experts), _decimal(experts_per_token), _decimal(tokens)
        return e * (1 - (1 - k / e) ** t)


@pytest.mark.parametrize("n_experts, experts_per_token, tokens",
                         [(256, 8, 1e-9), (1e6, 1, 8.3), (64, 6, 0.01), (8, 2, 16.0), (160, 6, 3e4)])
def test_experts_touched_keeps_its_digits_for_a_few_tokens_among_many_experts(
        n_experts, experts_per_token, tokens):
    got = reference.experts_touched(n_experts, math.log1p(-experts_per_token / n_experts), tokens)
    assert got == pytest.approx(float(_exact_touched(n_experts, experts_per_token, tokens)),
                                rel=1e-14)


def test_the_plain_form_of_experts_touched_loses_digits_where_the_stable_one_keeps_them():
    plain = 256 * (1.0 - (1.0 - 8 / 256) ** 1e-9)
    exact = float(_exact_touched(256, 8, 1e-9))
    assert abs(plain / exact - 1) > 1e-8          # the case is a hard one ...
    assert reference.experts_touched(256, math.log1p(-8 / 256), 1e-9) == pytest.approx(exact,
                                                                                       rel=1e-14)


@pytest.mark.parametrize("tokens, more_tokens", [(168.0, 0.32), (1104.7, 0.28), (3.0, 1e-7),
                                                 (0.0, 5.0), (40.0, 40.0)])
def test_the_experts_more_tokens_add_are_a_difference_computed_without_cancelling(tokens,
                                                                                   more_tokens):
    n_experts, k = 22.0, 3.0
    want = (_exact_touched(n_experts, k, tokens + more_tokens)
            - _exact_touched(n_experts, k, tokens))
    got = reference.experts_touched_added(n_experts, math.log1p(-k / n_experts), tokens,
                                          more_tokens)
    assert got == pytest.approx(float(want), rel=1e-13)


def test_a_dense_model_touches_its_one_expert_from_the_first_token_on():
    miss = reference.EXPERT_MISS_LOG_ALL
    assert reference.experts_touched(1.0, miss, 0.0) == 0.0
    assert reference.experts_touched(1.0, miss, 0.01) == 1.0
    assert reference.experts_touched(1.0, miss, 7e9) == 1.0
    assert reference.experts_touched_added(1.0, miss, 0.0, 3.0) == 1.0
    assert reference.experts_touched_added(1.0, miss, 3.0, 3.0) == 0.0


@given(st.floats(1e-6, 1e6), st.floats(0, 1e3), st.floats(1e-6, 1e6), st.floats(0, 1e3),
       st.floats(1e3, 1e15), st.floats(1e3, 1e12))
def test_the_time_added_work_adds_to_a_roofline_is_the_difference_of_the_two_rooflines(
        flops, more_flops, bytes_moved, more_bytes, flops_per_s, bytes_per_s):
    from fractions import Fraction as F
    got = reference.roofline_added_s(flops, more_flops, bytes_moved, more_bytes, flops_per_s,
                                     bytes_per_s)
    compute, memory = F(flops) / F(flops_per_s), F(bytes_moved) / F(bytes_per_s)
    more_compute, more_memory = F(more_flops) / F(flops_per_s), F(more_bytes) / F(bytes_per_s)
    full = max(compute + more_compute, memory + more_memory)
    exact = full - max(compute, memory)
    ulp = F(2.0 ** -52)

    def near_ridge(c, m):          # which side binds is decided in floats, to an ulp
        return abs(c - m) <= 4 * ulp * max(c, m)

    same_side = (compute < memory) == (compute + more_compute < memory + more_memory)
    if same_side and not near_ridge(compute, memory) \
            and not near_ridge(compute + more_compute, memory + more_memory):
        # the added work's own time, to an ulp or two of itself however small it is (down to
        # where it underflows)
        assert abs(F(got) - exact) <= 4 * ulp * exact + F(5e-324)
    else:
        # across the ridge a difference of two times: to a few ulps of the full time
        assert abs(F(got) - exact) <= 4 * ulp * full


def test_a_chunk_that_adds_little_to_a_long_step_keeps_the_input_cost_of_its_own_time():
    """Chunked prefill bills input tokens the time the chunks add to the steps that carry them.
    A fixed step overhead is in every step and none of it is a chunk's, so the input cost per
    unit of cycle cost and time must not move when the overhead grows; computed as a full step
    less a lean one, the chunk's time drowned in the overhead's rounding (6e-10 relative at
    100 s of overhead, 1e-5 at a day). On two devices the chunk's 3 prompt tokens add all-reduce
    time (on one memory-bound device they would add none)."""
    def input_cost_seconds(overhead_ms):
        y = raw_evaluate(**inputs_for("llama-2-7b", "h100-sxm", count=2, batch=8, input_tokens=3.0,
                                      chunked_prefill=1.0, step_overhead_ms=overhead_ms))
        # usd_per_mtok_input / usd_per_mtok x e2e_s = the chunks' time a cycle x output / input
        return y.usd_per_mtok_input / y.usd_per_mtok * y.e2e_s

    assert input_cost_seconds(0.1) > 0
    assert input_cost_seconds(1e5) == pytest.approx(input_cost_seconds(0.1), rel=1e-12)
    assert input_cost_seconds(8.64e7) == pytest.approx(input_cost_seconds(0.1), rel=1e-12)
