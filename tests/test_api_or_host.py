"""API or self-hosting (issue 12, part 3): the month's bill each way, the whole-replica rule, the
break-even volume, paired provider prices and the checks on [api] and [demand]."""

import json
import math

import numpy as np
import pytest

import inferonomics
from inferonomics.analysis.api_or_host import api_or_self_host
from inferonomics.cli import main
from inferonomics.errors import ScenarioError
from inferonomics.io import api_prices
from inferonomics.io.demand import SECONDS_PER_MONTH

FIXED = {"mfu": 0.45, "mbu": 0.7, "comm_efficiency": 0.8, "step_overhead_ms": 1.0}
EXAMPLE = "examples/api-or-self-host-llama-3.3-70b.toml"


def scenario(api=None, demand=None, **workload):
    out = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
           "workload": {"batch": 16, "input_tokens": 1000, "output_tokens": 200, **workload},
           "efficiency": FIXED, "cost": {"usd_per_device_hour": 2.0},
           "deployment": {"utilization": 0.5},
           "demand": demand or {"input_tokens_per_month": 4e9, "output_tokens_per_month": 1e9}}
    if api is not None:
        out["api"] = api
    return out


PRICES = {"input_usd_per_mtok": 0.2, "output_usd_per_mtok": 0.6, "cache_read_usd_per_mtok": 0.05}


def replica(s, samples=50, seed=3):
    """One replica's capacity (output tokens a month) and month's cost, per sample, from run."""
    r = inferonomics.simulate(s, samples, seed, keep_samples=True)
    x, y = r._table.inputs, r._table.outputs
    capacity = y["tokens_per_s"] * x["utilization"] * SECONDS_PER_MONTH
    return capacity, y["usd_per_mtok"] * capacity / 1e6


def test_api_bill_is_volume_times_list_prices_with_cached_input_at_the_cache_price():
    s = scenario(PRICES, {"input_tokens_per_month": 4e9, "output_tokens_per_month": 1e9,
                          "cache_hit_share": 0.25})
    c = api_or_self_host(s, samples=20, seed=1)
    expected = (4e9 * (0.75 * 0.2 + 0.25 * 0.05) + 1e9 * 0.6) / 1e6
    assert c.values["api_usd_per_month"] == pytest.approx(np.full(20, expected), rel=1e-12)


def test_self_hosting_pays_whole_replicas_every_hour():
    s = scenario(PRICES)
    capacity, month = replica(s)
    c = api_or_self_host(s, samples=50, seed=3)
    replicas = np.maximum(1, np.ceil(1e9 / capacity))
    assert c.values["replicas"] == pytest.approx(replicas)
    assert c.values["self_host_usd_per_month"] == pytest.approx(replicas * month, rel=1e-12)
    # A month at 2 USD per device-hour on one H100 is 2 x 730.5 h whatever the volume.
    small = api_or_self_host(scenario(PRICES, {"tokens_per_month": 1e3}), samples=50, seed=3)
    assert np.all(small.values["replicas"] == 1)
    assert small.values["self_host_usd_per_month"] == pytest.approx(
        np.full(50, 2.0 * SECONDS_PER_MONTH / 3600), rel=1e-9)


def test_at_the_break_even_volume_one_replica_costs_what_the_api_charges():
    s = scenario(PRICES)
    capacity, month = replica(s)
    c = api_or_self_host(s, samples=50, seed=3)
    be = c.values["break_even_tokens_per_month"]
    assert np.isfinite(be).all()
    # The API's bill scales with volume at this input:output mix (4:1): at the break-even volume
    # it equals one replica's month, and that volume fits in one replica.
    api_at_be = c.values["api_usd_per_month"] * be / 5e9
    assert api_at_be == pytest.approx(month, rel=1e-12)
    assert np.all(be / 5 < capacity)


def test_api_cheaper_than_a_full_replica_has_no_break_even():
    cheap = {"input_usd_per_mtok": 1e-6, "output_usd_per_mtok": 1e-6}
    c = api_or_self_host(scenario(cheap), samples=30, seed=2)
    assert np.isinf(c.values["break_even_tokens_per_month"]).all()
    assert c.p_self_host_cheaper() == 0.0
    data = c.to_dict()
    assert data["break_even_tokens_per_month"]["share_with_break_even"] == 0.0
    assert "p50" not in data["break_even_tokens_per_month"]


def test_tokens_per_month_split_in_each_samples_input_output_ratio():
    s = scenario(PRICES, {"tokens_per_month": 6e9}, input_tokens=500, output_tokens=100)
    c = api_or_self_host(s, samples=10, seed=0)
    assert c.values["api_usd_per_month"] == pytest.approx(np.full(10, (5e9 * 0.2 + 1e9 * 0.6) / 1e6))
    by_rate = api_or_self_host(scenario(PRICES, {"requests_per_s": 2.0}), samples=10, seed=0)
    requests = 2.0 * SECONDS_PER_MONTH
    assert by_rate.values["tokens_per_month"] == pytest.approx(np.full(10, requests * 1200))


def test_a_model_served_by_several_providers_draws_one_providers_pair_of_prices():
    entries = api_prices.matching("llama-3.3-70b")
    assert len(entries) > 5
    s = scenario({"model": "llama-3.3-70b"}, {"input_tokens_per_month": 1e6,
                                              "output_tokens_per_month": 1e6})
    c = api_or_self_host(s, samples=3000, seed=5)
    per_mtok = c.values["api_usd_per_month"]       # 1 M input + 1 M output tokens
    offered = {round(e.input + e.output, 9) for e in entries}
    seen = {round(v, 9) for v in per_mtok}
    assert seen <= offered                     # never one provider's input with another's output
    assert len(seen) == len(offered)           # and every offer turns up


def test_without_an_api_section_the_catalog_model_is_looked_up():
    s = scenario()
    s["model"]["id"] = "llama-3.3-70b"
    s["hardware"]["count"] = 2
    s["precision"] = {"weight_bits": 8, "activation_bits": 8, "kv_bits": 8}
    c = api_or_self_host(s, samples=20, seed=0)
    assert c.offer.model == "llama-3.3-70b" and len(c.offer.entries) > 5


def test_same_seed_same_bills_on_every_backend():
    s = scenario({"model": "llama-3.3-70b"}, {"tokens_per_month": {"dist": "lognormal",
                                                                    "median": 1e9, "sigma": 0.5}})
    s["workload"]["input_tokens"] = {"dist": "uniform", "low": 500, "high": 1500}
    runs = [api_or_self_host(s, samples=400, seed=9, backend=b) for b in ("c", "numba")]
    for key, value in runs[0].values.items():
        np.testing.assert_allclose(value, runs[1].values[key], rtol=1e-12, err_msg=key)


@pytest.mark.parametrize("api, demand, path", [
    ({"model": "llama-3.3-70c"}, None, "api.model"),
    ({"model": "llama-3.3-70b", "input_usd_per_mtok": 1.0}, None, "api.input_usd_per_mtok"),
    ({"input_usd_per_mtok": 1.0}, None, "api.output_usd_per_mtok"),
    ({"input_usd_per_mtok": -1.0, "output_usd_per_mtok": 1.0}, None, "api.input_usd_per_mtok"),
    ({"modell": "x"}, None, "api.modell"),
    (PRICES, {"tokens_per_month": 1e9, "requests_per_s": 1.0}, "demand"),
    (PRICES, {"input_tokens_per_month": 1e9}, "demand.output_tokens_per_month"),
    (PRICES, {"tokens_per_month": 0}, "demand.tokens_per_month"),
    (PRICES, {"tokens_per_month": math.inf}, "demand.tokens_per_month"),
    (PRICES, {"tokens_per_month": 1e9, "cache_hit_share": 1.5}, "demand.cache_hit_share"),
    (PRICES, {"tokens_per_month": [1e9, 2e9]}, "demand.tokens_per_month"),
    (PRICES, {"cache_hit_share": 0.5}, "demand"),
])
def test_bad_api_and_demand_sections_are_refused_when_the_scenario_loads(api, demand, path):
    with pytest.raises(ScenarioError) as info:
        inferonomics.load_scenario(scenario(api, demand))
    assert info.value.path == path


def test_unknown_api_model_suggests_close_names():
    with pytest.raises(ScenarioError, match="did you mean: llama-3.3-70b"):
        inferonomics.load_scenario(scenario({"model": "llama-3.3-70c"}))


def test_missing_demand_is_refused_before_anything_runs():
    s = scenario(PRICES)
    del s["demand"]
    with pytest.raises(ScenarioError, match="missing section \\[demand\\]"):
        api_or_self_host(s)


def test_cli_prints_json_with_the_probability_the_break_even_and_the_prices_used(capsys):
    assert main(["api", EXAMPLE, "--samples", "2000", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 0.0 <= data["p_self_host_cheaper"] <= 1.0
    assert data["break_even_tokens_per_month"]["p50"] > 0
    assert data["api"]["source"]["extracted"] and data["api"]["providers"] > 5
    assert data["api_usd_per_month"]["p50"] > 0 and data["self_host_usd_per_month"]["p50"] > 0


def test_cli_bad_demand_exits_2_with_one_line(capsys):
    rc = main(["api", EXAMPLE, "--set", "demand.cache_hit_share=2"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "demand.cache_hit_share" in err


def test_resolved_scenario_keeps_the_analysis_sections():
    import tomllib
    text = inferonomics.load_scenario(EXAMPLE).to_toml(resolved=True)
    again = tomllib.loads(text)
    assert again["demand"]["tokens_per_month"]["median"] == 1e9 and "api" in again


def test_the_readme_example_answers_at_what_volume_self_hosting_pays():
    """README: at 1e9 tokens a month the API is far cheaper ($649 against $4,310 at p50); the
    break-even volume is 5.7e9 tokens a month (p50) where one exists (53% of samples)."""
    c = api_or_self_host(EXAMPLE, samples=4000)
    data = c.to_dict()
    assert data["p_self_host_cheaper"] < 0.01
    assert data["api_usd_per_month"]["p50"] == pytest.approx(649, rel=0.1)
    assert data["self_host_usd_per_month"]["p50"] == pytest.approx(4310, rel=0.03)
    be = data["break_even_tokens_per_month"]
    assert be["p50"] == pytest.approx(5.7e9, rel=0.08)
    assert be["share_with_break_even"] == pytest.approx(0.53, abs=0.04)
    more = api_or_self_host(inferonomics.load_scenario(EXAMPLE).with_values(
        {"demand.tokens_per_month": 2e10}), samples=4000)
    assert 0.3 < more.p_self_host_cheaper() < 0.5
