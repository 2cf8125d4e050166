"""Edge or cloud (issue 12, part 4): the cost of a request on an owned device, on a cloud replica
and through an API, the network's round trip and egress, the break-even requests a day, and the
checks on [edge] and [network]."""

import json

import numpy as np
import pytest

import inferonomics
from inferonomics.analysis.edge_or_cloud import edge_or_cloud
from inferonomics.cli import main
from inferonomics.errors import ScenarioError

FIXED = {"mfu": 0.45, "mbu": 0.7, "comm_efficiency": 0.8, "step_overhead_ms": 1.0}
WORKLOAD = {"input_tokens": 1000, "output_tokens": 200}
EDGE_EXAMPLE = "examples/edge-or-cloud-jetson-8b.toml"
CLOUD_EXAMPLE = "examples/edge-or-cloud-cloud-l4-8b.toml"
DAYS_PER_YEAR = 365.25


def edge_scenario(edge=None, **cost):
    return {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "jetson-agx-orin"},
            "precision": {"weight_bits": 4.5},
            "workload": {"batch": 1, **WORKLOAD}, "efficiency": FIXED,
            "energy": {"pue": 1.0, "host_w": 0.0},
            "cost": {"mode": "own", "purchase_usd": 2000.0, "cost_of_capital": 0.0,
                     "residual_fraction": 0.0, **cost},
            "deployment": {"lifetime_years": 4.0},
            "edge": {"requests_per_day": 100, "share_of_use": 1.0, "usd_per_kwh": 0.2,
                     **(edge or {})}}


def cloud_scenario(network=None, api=None, **workload):
    out = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "l4"},
           "precision": {"weight_bits": 8, "activation_bits": 8, "kv_bits": 8},
           "workload": {"batch": 16, **WORKLOAD, **workload}, "efficiency": FIXED,
           "cost": {"usd_per_device_hour": 0.8}, "deployment": {"utilization": 0.6},
           "network": {"rtt_ms": 40.0, "usd_per_gb": 0.09, "bytes_per_token": 200.0,
                       **(network or {})}}
    if api is not None:
        out["api"] = api
    return out


PRICES = {"input_usd_per_mtok": 0.1, "output_usd_per_mtok": 0.3}


def outputs(s, samples=20, seed=1):
    r = inferonomics.simulate(s, samples, seed, keep_samples=True)
    return r._table.inputs, r._table.outputs


def test_edge_capital_is_the_purchase_over_its_life_in_days_over_the_requests_a_day():
    c = edge_or_cloud(edge_scenario(), cloud_scenario(api=PRICES), samples=20, seed=1)
    expected = 2000.0 / (4.0 * DAYS_PER_YEAR * 100)
    assert c.values["edge_capital_usd_per_request"] == pytest.approx(np.full(20, expected), rel=1e-9)


def idle_joules_per_day(x, y, requests_per_day, out_tokens=200):
    """The device's idle draw over the seconds of a day it does not serve (PUE 1 here)."""
    capacity = y["tokens_per_s"] * 86400 / out_tokens
    return (x["idle_w"] + x["host_w"]) * x["count"] * 86400 * (1 - requests_per_day / capacity)


def test_edge_energy_is_the_requests_joules_plus_its_share_of_the_days_idling():
    c = edge_or_cloud(edge_scenario(), cloud_scenario(api=PRICES), samples=20, seed=1)
    x, y = outputs(edge_scenario())
    assert np.all(x["idle_w"] > 0)
    joules = y["joules_per_token"] * 200 + idle_joules_per_day(x, y, 100) / 100
    assert c.values["edge_joules_per_request"] == pytest.approx(joules, rel=1e-12)
    assert c.values["edge_energy_usd_per_request"] == pytest.approx(joules / 3.6e6 * 0.2, rel=1e-12)
    assert c.values["edge_usd_per_request"] == pytest.approx(
        c.values["edge_capital_usd_per_request"] + c.values["edge_energy_usd_per_request"], rel=1e-12)


def test_share_of_use_scales_the_capital_and_the_idling_but_not_the_requests_own_energy():
    full = edge_or_cloud(edge_scenario(), cloud_scenario(api=PRICES), samples=20, seed=1)
    part = edge_or_cloud(edge_scenario({"share_of_use": 0.25}), cloud_scenario(api=PRICES),
                         samples=20, seed=1)
    np.testing.assert_allclose(part.values["edge_capital_usd_per_request"],
                               0.25 * full.values["edge_capital_usd_per_request"], rtol=1e-12)
    x, y = outputs(edge_scenario())
    active = y["joules_per_token"] * 200
    np.testing.assert_allclose(part.values["edge_joules_per_request"] - active,
                               0.25 * (full.values["edge_joules_per_request"] - active), rtol=1e-9)


def test_an_edge_scenario_may_not_set_its_utilization():
    e = edge_scenario()
    e["deployment"]["utilization"] = 0.5
    with pytest.raises(ScenarioError) as info:
        edge_or_cloud(e, cloud_scenario(api=PRICES), samples=10)
    assert info.value.path == "deployment.utilization"


def test_cloud_ttft_is_the_replicas_ttft_plus_the_round_trip():
    s = cloud_scenario({"rtt_ms": {"dist": "uniform", "low": 10, "high": 90}}, PRICES)
    c = edge_or_cloud(edge_scenario(), s, samples=200, seed=4)
    _, y = outputs(s, 200, 4)
    rtt_s = c.values["cloud_ttft_s"] - y["ttft_s"]
    assert np.all((rtt_s >= 0.010) & (rtt_s <= 0.090)) and rtt_s.std() > 0.01
    fixed = edge_or_cloud(edge_scenario(), cloud_scenario(api=PRICES), samples=20, seed=1)
    _, y = outputs(cloud_scenario(api=PRICES))
    np.testing.assert_array_equal(fixed.values["cloud_ttft_s"], y["ttft_s"] + 40.0 / 1000)
    _, ye = outputs(edge_scenario())
    np.testing.assert_array_equal(fixed.values["edge_ttft_s"], ye["ttft_s"])


def test_self_hosted_request_costs_its_tokens_plus_the_egress_of_its_output():
    c = edge_or_cloud(edge_scenario(), cloud_scenario(api=PRICES), samples=20, seed=1)
    _, y = outputs(cloud_scenario(api=PRICES))
    egress = 200 * 200.0 / 1e9 * 0.09
    assert c.values["cloud_network_usd_per_request"] == pytest.approx(np.full(20, egress), rel=1e-12)
    assert c.values["cloud_usd_per_request"] == pytest.approx(
        y["usd_per_mtok"] * 200 / 1e6 + egress, rel=1e-12)
    assert c.values["cloud_joules_per_request"] == pytest.approx(y["joules_per_token"] * 200,
                                                                 rel=1e-12)


def test_api_request_costs_its_input_and_output_tokens_at_list_prices():
    c = edge_or_cloud(edge_scenario(), cloud_scenario(api=PRICES), samples=20, seed=1)
    assert c.values["api_usd_per_request"] == pytest.approx(
        np.full(20, (1000 * 0.1 + 200 * 0.3) / 1e6), rel=1e-12)


def test_at_the_break_even_the_edge_costs_what_the_cloud_option_costs_per_request():
    e = edge_scenario({"requests_per_day": {"dist": "uniform", "low": 10, "high": 5000}})
    c = edge_or_cloud(e, cloud_scenario(api={"input_usd_per_mtok": 2.0, "output_usd_per_mtok": 6.0}),
                      samples=300, seed=2)
    v = c.values
    capital_per_day = 2000.0 / (4.0 * DAYS_PER_YEAR)
    requests = capital_per_day / v["edge_capital_usd_per_request"]     # each sample's draw
    x, y = outputs(e, samples=300, seed=2)
    active = y["joules_per_token"] * 200 / 3.6e6 * 0.2                # a request's own energy, USD
    capacity = y["tokens_per_s"] * 86400 / 200

    def edge_cost(r):
        """USD per request at r requests a day: capital and the day's idling over r, plus energy."""
        idle = (x["idle_w"] + x["host_w"]) * 86400 * (1 - r / capacity) / 3.6e6 * 0.2
        return (capital_per_day + idle) / r + active

    np.testing.assert_allclose(edge_cost(requests), v["edge_usd_per_request"], rtol=1e-9)
    for option in ("cloud", "api"):
        be = v[f"break_even_requests_per_day_{option}"]
        ok = np.isfinite(be)
        assert ok.any()
        np.testing.assert_allclose(edge_cost(be)[ok], v[f"{option}_usd_per_request"][ok], rtol=1e-9)
        assert np.all(be[ok] <= v["edge_requests_per_day_max"][ok])
        # Above it the edge is cheaper, below it dearer.
        cheaper = v["edge_usd_per_request"] < v[f"{option}_usd_per_request"]
        np.testing.assert_array_equal(cheaper[ok], requests[ok] > be[ok])


def test_no_break_even_when_the_edge_energy_alone_costs_more_than_the_option():
    cheap = {"input_usd_per_mtok": 1e-9, "output_usd_per_mtok": 1e-9}
    c = edge_or_cloud(edge_scenario(), cloud_scenario(api=cheap), samples=30, seed=2)
    assert np.isinf(c.values["break_even_requests_per_day_api"]).all()
    assert c.p_edge_cheaper("api") == 0.0
    data = c.to_dict()
    assert data["break_even_requests_per_day_api"]["share_with_break_even"] == 0.0
    assert "p50" not in data["break_even_requests_per_day_api"]


def test_more_requests_than_the_device_can_serve_are_left_out_on_every_side():
    c = edge_or_cloud(edge_scenario({"requests_per_day": 1e7}), cloud_scenario(api=PRICES),
                      samples=20, seed=1)
    assert c.infeasible["edge_over_capacity"] == 20
    assert not c.feasible.any() and c.p_edge_cheaper("cloud") is None
    assert np.isnan(c.values["cloud_usd_per_request"]).all()


def test_edge_and_network_sections_may_sit_in_either_scenario_but_not_disagree():
    e, s = edge_scenario(), cloud_scenario(api=PRICES)
    s["edge"] = e.pop("edge")
    e["network"] = s.pop("network")
    moved = edge_or_cloud(e, s, samples=20, seed=1)
    here = edge_or_cloud(edge_scenario(), cloud_scenario(api=PRICES), samples=20, seed=1)
    for key, value in here.values.items():
        np.testing.assert_array_equal(moved.values[key], value, err_msg=key)
    clash = cloud_scenario(api=PRICES)
    clash["edge"] = {"requests_per_day": 50}
    with pytest.raises(ScenarioError) as info:
        edge_or_cloud(edge_scenario(), clash, samples=5)
    assert info.value.path == "edge.requests_per_day"


@pytest.mark.parametrize("edge, network, path", [
    ({"share_of_use": 0}, None, "edge.share_of_use"),
    ({"share_of_use": 1.5}, None, "edge.share_of_use"),
    ({"requests_per_day": 0}, None, "edge.requests_per_day"),
    ({"requests_per_day": [10, 100]}, None, "edge.requests_per_day"),
    ({"usd_per_kwh": -0.1}, None, "edge.usd_per_kwh"),
    ({"requests_per_dya": 10}, None, "edge.requests_per_dya"),
    (None, {"rtt_ms": -5}, "network.rtt_ms"),
    (None, {"bytes_per_token": 0}, "network.bytes_per_token"),
    (None, {"usd_per_gb": {"dist": "normal", "mean": 0.09, "sd": 0.05}}, "network.usd_per_gb"),
])
def test_bad_edge_and_network_values_are_refused_when_the_scenario_loads(edge, network, path):
    with pytest.raises(ScenarioError) as info:
        inferonomics.load_scenario(edge_scenario(edge))
        inferonomics.load_scenario(cloud_scenario(network))
    assert info.value.path == path


def test_an_edge_scenario_must_own_its_device_and_pay_only_purchase_and_electricity():
    rented = edge_scenario()
    rented["cost"] = {"usd_per_device_hour": 1.0}
    with pytest.raises(ScenarioError) as info:
        edge_or_cloud(rented, cloud_scenario(api=PRICES), samples=5)
    assert info.value.path == "cost.mode"
    with pytest.raises(ScenarioError) as info:
        edge_or_cloud(edge_scenario(usd_per_kwh=0.3), cloud_scenario(api=PRICES), samples=5)
    assert info.value.path == "cost.usd_per_kwh" and "edge.usd_per_kwh" in info.value.message


def test_both_sides_must_serve_the_same_requests_and_the_edge_its_requests_a_day():
    with pytest.raises(ScenarioError) as info:
        edge_or_cloud(edge_scenario(), cloud_scenario(api=PRICES, output_tokens=300), samples=5)
    assert info.value.path == "workload.output_tokens"
    e = edge_scenario()
    del e["edge"]["requests_per_day"]
    with pytest.raises(ScenarioError) as info:
        edge_or_cloud(e, cloud_scenario(api=PRICES), samples=5)
    assert info.value.path == "edge.requests_per_day"


def test_without_an_api_section_the_cloud_model_is_looked_up_or_the_api_is_skipped():
    c = edge_or_cloud(edge_scenario(), cloud_scenario(), samples=20, seed=0)
    assert c.offer.model == "llama-3.1-8b" and len(c.offer.entries) > 5
    inline = cloud_scenario()
    inline["model"] = {"total_params_b": 8.03, "active_params_b": 8.03, "n_layers": 32,
                       "d_model": 4096, "n_heads": 32, "n_kv_heads": 8, "head_dim": 128,
                       "d_ff": 14336}
    skipped = edge_or_cloud(edge_scenario(), inline, samples=20, seed=0)
    assert skipped.offer is None and "api_usd_per_request" not in skipped.values
    assert skipped.to_dict()["api_skipped"] and set(skipped.to_dict()["p_edge_cheaper"]) == {"cloud"}


def test_same_seed_same_answer_on_the_c_and_numba_backends():
    e = edge_scenario({"requests_per_day": {"dist": "lognormal", "median": 300, "sigma": 0.5}})
    e["workload"]["input_tokens"] = {"dist": "uniform", "low": 500, "high": 1500}
    s = cloud_scenario(api={"model": "llama-3.1-8b"})
    s["workload"]["input_tokens"] = {"dist": "uniform", "low": 500, "high": 1500}
    runs = [edge_or_cloud(e, s, samples=300, seed=9, backend=b) for b in ("c", "numba")]
    for key, value in runs[0].values.items():
        np.testing.assert_allclose(value, runs[1].values[key], rtol=1e-12, err_msg=key)


def test_cli_prints_json_with_each_sides_figures_and_the_break_evens(capsys):
    assert main(["edge", EDGE_EXAMPLE, CLOUD_EXAMPLE, "--samples", "500", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("edge_usd_per_request", "cloud_usd_per_request", "api_usd_per_request",
                "edge_ttft_s", "cloud_ttft_s", "edge_joules_per_request",
                "cloud_joules_per_request"):
        assert data[key]["p50"] > 0 and key in data["units"], key
    assert set(data["p_edge_cheaper"]) == {"cloud", "api"}
    assert data["break_even_requests_per_day_cloud"]["p50"] > 0
    assert data["api"]["source"]["extracted"]
    assert data["inputs"]["network"]["rtt_ms"]["default"] is True


def test_cli_set_edge_changes_the_edge_scenario_only(capsys):
    assert main(["edge", EDGE_EXAMPLE, CLOUD_EXAMPLE, "--samples", "200", "--json",
                 "--set-edge", 'hardware.id="apple-m2-ultra"']) == 0
    data = json.loads(capsys.readouterr().out)
    assert "apple-m2-ultra" in data["edge"]["price_basis"]
    assert "l4" in data["cloud"]["price_basis"]


@pytest.mark.parametrize("setting", ["edge.share_of_use=1.5", "network.rtt_ms=-1",
                                     "edge.requests_per_day=0"])
def test_cli_bad_input_exits_2_with_one_line_naming_the_key(setting, capsys):
    rc = main(["edge", EDGE_EXAMPLE, CLOUD_EXAMPLE, "--set", setting])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and setting.split("=")[0] in err


def test_the_readme_example_answers_how_many_requests_a_day_make_the_jetson_pay():
    """README: at 200 requests a day a request costs $0.0060 on the Jetson (p50) against $0.00037
    on the L4 and $0.00013 through an API; the Jetson pays against the L4 from 3,300 requests a day
    (p50), against the API in 38% of samples; its first token takes 0.69 s against 0.17 s."""
    c = edge_or_cloud(EDGE_EXAMPLE, CLOUD_EXAMPLE, samples=4000)
    d = c.to_dict()
    assert d["edge_usd_per_request"]["p50"] == pytest.approx(0.00595, rel=0.05)
    assert d["cloud_usd_per_request"]["p50"] == pytest.approx(0.000372, rel=0.08)
    assert d["api_usd_per_request"]["p50"] == pytest.approx(0.000132, rel=0.15)
    assert d["p_edge_cheaper"] == {"cloud": 0.0, "api": 0.0}
    assert d["break_even_requests_per_day_cloud"]["p50"] == pytest.approx(3336, rel=0.08)
    assert d["break_even_requests_per_day_api"]["share_with_break_even"] == pytest.approx(0.38, abs=0.04)
    assert d["edge_ttft_s"]["p50"] == pytest.approx(0.69, rel=0.05)
    assert d["cloud_ttft_s"]["p50"] == pytest.approx(0.174, rel=0.08)
    assert d["edge_joules_per_request"]["p50"] == pytest.approx(3780, rel=0.06)
    assert d["cloud_joules_per_request"]["p50"] == pytest.approx(142, rel=0.08)


def test_the_idle_draw_counts_every_device_its_host_power_and_the_pue():
    e = edge_scenario()
    e["energy"] = {"pue": 1.5, "host_w": 5.0}
    e["hardware"]["count"] = 2
    e["precision"]["weight_bits"] = 8
    c = edge_or_cloud(e, cloud_scenario(api=PRICES), samples=20, seed=1)
    x, y = outputs(e)
    capacity = y["tokens_per_s"] * 86400 / 200
    idle = (x["idle_w"] + 5.0) * 2 * 1.5 * 86400 * (1 - 100 / capacity)
    np.testing.assert_allclose(c.values["edge_joules_per_request"],
                               y["joules_per_token"] * 200 + idle / 100, rtol=1e-12)


def test_an_edge_scenario_without_energy_keys_is_a_device_at_home():
    e = edge_scenario()
    del e["energy"]
    home = edge_or_cloud(e, cloud_scenario(api=PRICES), samples=20, seed=1)
    given = edge_or_cloud(edge_scenario(), cloud_scenario(api=PRICES), samples=20, seed=1)
    np.testing.assert_array_equal(home.values["edge_joules_per_request"],
                                  given.values["edge_joules_per_request"])
