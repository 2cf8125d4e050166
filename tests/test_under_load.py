"""One replica under load over Monte Carlo samples: each sample's service read off the model at
that sample's inputs, queue figures and goodput as distributions."""

import numpy as np
import pytest

import inferonomics
from inferonomics.errors import ScenarioError
from inferonomics.fleet import (replica_queue, replica_under_load, service_from_plan,
                                services_from_samples)
from inferonomics.fleet import under_load

FIXED = {"mfu": 0.45, "mbu": 0.7, "comm_efficiency": 0.8, "step_overhead_ms": 1.0}


def scenario(**workload):
    return {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
            "precision": {"weight_bits": 8, "activation_bits": 8, "kv_bits": 8},
            "workload": {"batch": 8, "input_tokens": 2000, "output_tokens": 300, **workload},
            "efficiency": FIXED, "energy": {"pue": 1.2, "host_w": 300.0, "power_exponent": 1.0},
            "cost": {"usd_per_device_hour": 2.0}}


def test_with_every_input_fixed_each_sample_is_the_median_service():
    services = services_from_samples(scenario(), 3, seed=1)
    median = service_from_plan(scenario())
    for s in services:
        assert s.max_batch == median.max_batch and s.prefill_s == median.prefill_s
        np.testing.assert_array_equal(s.step_s, median.step_s)


def test_each_sample_serves_with_its_own_drawn_inputs():
    s = scenario(output_tokens={"dist": "uniform", "low": 100, "high": 500},
                 input_tokens={"dist": "uniform", "low": 500, "high": 8000})
    services = services_from_samples(s, 20, seed=4)
    drawn = inferonomics.simulate(s, 20, 4, keep_samples=True)._table.inputs
    np.testing.assert_array_equal([v.output_tokens for v in services], drawn["output_tokens"])
    # Longer prompts leave less room for the KV cache: max_batch follows each sample's lengths.
    sizes = np.array([v.max_batch for v in services])
    assert len(set(sizes)) > 1
    assert np.corrcoef(sizes, drawn["input_tokens"] + drawn["output_tokens"])[0, 1] < -0.5


def test_figures_per_sample_are_the_queue_of_that_samples_service():
    s = scenario(output_tokens={"dist": "uniform", "low": 100, "high": 500})
    r = replica_under_load(s, 5.0, ttft_slo_s=1.0, tpot_slo_s=0.05, samples=8, seed=2)
    for i, service in enumerate(services_from_samples(s, 8, seed=2)):
        state = replica_queue(service, 5.0)
        assert r.values["ttft_p_s"][i] == state.ttft_quantile(0.99)
        assert r.values["tpot_mean_s"][i] == state.tpot_mean_s
    # At its goodput a sample just meets the TTFT and TPOT targets.
    for i, service in enumerate(services_from_samples(s, 8, seed=2)):
        state = replica_queue(service, r.values["goodput_requests_per_s"][i])
        assert state.ttft_quantile(0.99) <= 1.0 + 1e-9


def test_more_rows_than_the_limit_are_refused_up_front(monkeypatch):
    monkeypatch.setattr(under_load, "MAX_SERVICE_ROWS", 100)
    with pytest.raises(ScenarioError, match="model rows") as info:
        services_from_samples(scenario(), 5)
    assert info.value.path == "samples"


def test_a_sample_that_cannot_hold_one_sequence_has_no_service():
    s = scenario(input_tokens={"dist": "choice", "values": [1000, 5e8]})
    services = services_from_samples(s, 30, seed=0)
    assert any(v is None for v in services) and any(v is not None for v in services)
    r = replica_under_load(s, 1.0, samples=30, seed=0)
    missing = np.array([v is None for v in services])
    assert np.isnan(r.values["ttft_mean_s"][missing]).all()
    assert 0 < r.to_dict()["fits_share"] < 1


def test_the_readme_figures_for_the_llama_2_70b_replica_under_load():
    """README: at 15 requests/s the replica keeps up in 66% of 50 samples; goodput p50 17/s."""
    r = replica_under_load("examples/llama-2-70b-h100-fp8.toml", 15.0, ttft_slo_s=2.0,
                           tpot_slo_s=0.1, samples=50)
    d = r.to_dict()
    assert d["stable_share"] == pytest.approx(0.66, abs=0.05)
    assert d["goodput_requests_per_s"]["p50"] == pytest.approx(16.59, rel=0.05)
    assert d["ttft_p_s"]["p50"] == pytest.approx(0.18, rel=0.1)


def test_a_swept_batch_is_ignored_and_max_batch_caps_the_service():
    s = scenario()
    s["workload"]["batch"] = [1, 8, 64]
    capped = services_from_samples(s, 2, seed=1, max_batch=16)
    assert all(v.max_batch == 16 for v in capped)
    full = services_from_samples(scenario(), 2, seed=1)
    np.testing.assert_array_equal(capped[0].step_s, full[0].step_s[:16])


def test_one_target_is_enough_for_goodput_and_bad_rates_are_refused_before_the_model_runs(
        monkeypatch):
    r = replica_under_load(scenario(), 1.0, tpot_slo_s=0.05, samples=3)
    assert np.isfinite(r.values["goodput_requests_per_s"]).all()
    monkeypatch.setattr(under_load, "services_from_samples",
                        lambda *a, **k: pytest.fail("the model ran before the checks"))
    with pytest.raises(ScenarioError) as info:
        replica_under_load(scenario(), -1.0)
    assert info.value.path == "arrival_rate"
    with pytest.raises(ScenarioError) as info:
        replica_under_load(scenario(), 1.0, percentile=1.5)
    assert info.value.path == "percentile"
