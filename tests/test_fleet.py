"""The fleet through time (issue 13): cost identities, the per-replica model recovered under
constant demand, monotonicity, common random numbers, the reference and the kernel as one, bad
input refused naming the key."""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys

import numpy as np
import pytest

import inferonomics as inf
from inferonomics.errors import ScenarioError
from inferonomics.fleet.replica_queue import replica_queue
from inferonomics.fleet.replica_table import LOAD_GRID
from inferonomics.fleet.through_time import _economics
from inferonomics.fleet.under_load import replica_runs, services_of
from inferonomics.io.demand import HOURS_PER_MONTH

FIXED = {   # every input fixed: one replica's figures are known exactly
    "name": "fixed 8B on one H100",
    "model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm", "count": 1},
    "precision": {"weight_bits": 8, "activation_bits": 8, "kv_bits": 8},
    "workload": {"batch": "max", "input_tokens": 500, "output_tokens": 200, "ttft_slo_s": 1.0,
                 "tpot_slo_s": 0.05},
    "efficiency": {"mfu": 0.4, "mbu": 0.7, "comm_efficiency": 0.8, "step_overhead_ms": 2.0},
    "energy": {"pue": 1.2, "grid_gco2_per_kwh": 400, "power_exponent": 1.0, "host_w": 200,
               "wue_l_per_kwh": 0.5},
    "cost": {"usd_per_device_hour": 3.0},
    "demand": {"requests_per_s": 30.0},
    "fleet": {"horizon": "1d", "step": "15min", "cold_start_s": 0.0},
}
UNCERTAIN = {   # uncertain replica and demand, a day at 15-minute steps: small and quick
    **FIXED,
    "workload": {"batch": "max", "input_tokens": {"dist": "lognormal", "median": 500, "sigma": 0.4},
                 "output_tokens": {"dist": "lognormal", "median": 200, "sigma": 0.4},
                 "ttft_slo_s": 1.0, "tpot_slo_s": 0.05},
    "efficiency": {"mfu": {"dist": "uniform", "low": 0.3, "high": 0.5},
                   "mbu": {"dist": "uniform", "low": 0.6, "high": 0.8}},
    "cost": {"usd_per_device_hour": {"dist": "uniform", "low": 2.0, "high": 4.0}},
    "demand": {"requests_per_s": {"dist": "lognormal", "median": 150, "sigma": 0.3},
               "profile": "diurnal", "peak_to_trough": 3.0, "peak_hour": 14.0,
               "noise_sigma": 0.15},
    "fleet": {"horizon": "1d", "step": "15min"},
}
SAMPLES = 12


def with_(base: dict, **sections) -> dict:
    out = copy.deepcopy(base)
    for section, table in sections.items():
        out.setdefault(section, {}).update(table)
    return out


@pytest.fixture(scope="module")
def uncertain():
    return inf.fleet(UNCERTAIN, SAMPLES, 0)


def test_constant_demand_on_a_static_fleet_costs_what_the_replica_model_says():
    # 30 requests/s on one replica that saturates at about 60: the fleet's realised cost per
    # token is the model's at utilisation 30 / saturated rate (rented: no energy charge).
    result = inf.fleet(FIXED, 2, 0, policies="static")
    saturated = result.saturated_rate[0]
    v = {k: x[0] for k, x in result.values["static"].items()}
    assert v["replicas_mean"] == v["replicas_peak"] == 1.0
    model = inf.simulate(with_(FIXED, deployment={"utilization": 30.0 / saturated}), 2, 0,
                         keep_samples=True)._table.outputs
    assert v["usd_per_mtok"] == pytest.approx(model["usd_per_mtok"][0], rel=1e-9)
    assert v["usd_per_month"] == pytest.approx(3.0 * HOURS_PER_MONTH, rel=1e-12)
    assert v["utilization_mean"] == pytest.approx(30.0 / saturated, rel=1e-12)


def test_constant_demand_at_a_grid_load_has_the_queues_ttft_and_attainment():
    result = inf.fleet(FIXED, 1, 0, policies="static")
    saturated = result.saturated_rate[0]
    load = float(LOAD_GRID[5])   # 0.5: the fleet's one replica sits on a grid point
    at_half = inf.fleet(with_(FIXED, demand={"requests_per_s": load * saturated}), 1, 0,
                        policies="static").values["static"]
    runs = replica_runs(FIXED, 1, 0)
    state = replica_queue(services_of(runs, [0], batch_points="geometric")[0], load * saturated)
    # TTFT levels are 15 % apart and quantiles interpolate between them in log time.
    assert at_half["ttft_p99_s"][0] == pytest.approx(state.ttft_quantile(0.99), rel=0.08)
    assert at_half["ttft_p95_s"][0] == pytest.approx(state.ttft_quantile(0.95), rel=0.08)
    met = (1.0 - state.ttft_survival(np.array([1.0]))[0]) * state.tpot_share_within(0.05)
    assert at_half["slo_attainment"][0] == pytest.approx(met, abs=1e-12)


def test_the_bill_adds_up_from_replica_hours_and_energy(uncertain):
    runs = replica_runs(UNCERTAIN, SAMPLES, 0)
    econ = _economics(runs, np.arange(SAMPLES), pays_peak=False)
    for name, v in uncertain.values.items():
        expected = (v["replicas_mean"] * econ["replica_usd_per_hour"] * HOURS_PER_MONTH
                    + v["kwh_per_month"] * econ["usd_per_kwh"])
        np.testing.assert_allclose(v["usd_per_month"], expected, rtol=1e-9)
        np.testing.assert_allclose(v["device_hours_per_month"],
                                   v["replicas_mean"] * econ["devices"] * HOURS_PER_MONTH,
                                   rtol=1e-9)
        np.testing.assert_allclose(v["water_l_per_month"],
                                   v["kwh_per_month"] / econ["pue"] * econ["water_l_per_kwh"],
                                   rtol=1e-9)
        # Energy lies between every paid replica idle and every one busy all the time.
        low = v["replicas_mean"] * econ["idle_w"] * HOURS_PER_MONTH / 1000.0
        high = v["replicas_mean"] * econ["busy_w"] * HOURS_PER_MONTH / 1000.0
        assert np.all(v["kwh_per_month"] >= low * (1 - 1e-9))
        assert np.all(v["kwh_per_month"] <= high * (1 + 1e-9))


def test_an_owned_fleet_pays_its_peak_whatever_it_serves():
    owned = with_(UNCERTAIN, cost={"mode": "own", "purchase_usd": 30000.0})
    owned["cost"].pop("usd_per_device_hour")
    result = inf.fleet(owned, 6, 0)
    for v in result.values.values():
        np.testing.assert_allclose(v["device_hours_per_month"],
                                   v["replicas_peak"] * HOURS_PER_MONTH, rtol=1e-9)


def test_autoscaling_saves_on_a_diurnal_demand_at_the_targets_share(uncertain):
    c = uncertain.comparisons()["reactive"]
    assert c["p_cheaper"] >= 0.9
    assert c["saving_usd_per_month"]["p50"] > 0
    assert np.all(uncertain.values["reactive"]["replicas_mean"]
                  <= uncertain.values["static"]["replicas_mean"])


def test_more_demand_never_lowers_the_bill():
    bills = []
    for scale in (1.0, 1.5, 3.0):
        scenario = with_(UNCERTAIN, demand={"requests_per_s": {"dist": "lognormal",
                                                               "median": 150 * scale,
                                                               "sigma": 0.3}})
        result = inf.fleet(scenario, 8, 0)
        bills.append({p: v["usd_per_month"] for p, v in result.values.items()})
    for p in bills[0]:
        assert np.all(np.diff(np.stack([b[p] for b in bills]), axis=0) >= 0)


def test_a_longer_cold_start_never_raises_slo_attainment():
    met = []
    for cold in (0.0, 300.0, 1800.0, 7200.0):
        result = inf.fleet(with_(UNCERTAIN, fleet={"cold_start_s": cold}), 8, 0,
                           policies="reactive")
        met.append(result.values["reactive"]["slo_attainment"])
    assert np.all(np.diff(np.stack(met), axis=0) <= 1e-15)
    assert np.any(met[-1] < met[0])


def test_the_reference_backend_gives_the_same_figures_end_to_end():
    # backend="reference" runs the per-replica model in plain Python too, which agrees with the
    # native cores to the last bits (the stepping itself agrees exactly: test_fleet_conformance).
    fast = inf.fleet(UNCERTAIN, 3, 7, horizon="6h", trace_samples=2)
    slow = inf.fleet(UNCERTAIN, 3, 7, horizon="6h", trace_samples=2, backend="reference")
    for p in fast.values:
        for m, v in fast.values[p].items():
            np.testing.assert_allclose(v, slow.values[p][m], rtol=1e-12, atol=0)
        np.testing.assert_allclose(fast.traces[p], slow.traces[p], rtol=1e-6)


def test_chunking_and_threads_do_not_change_the_answer(monkeypatch):
    from inferonomics.fleet import through_time as tt   # inf.fleet is the function
    whole = inf.fleet(UNCERTAIN, 5, 3, horizon="6h", threads=1)
    monkeypatch.setattr(tt, "CHUNK_SAMPLES", 2)
    chunked = inf.fleet(UNCERTAIN, 5, 3, horizon="6h", threads=2)
    for p in whole.values:
        for m, v in whole.values[p].items():
            np.testing.assert_array_equal(v, chunked.values[p][m])


def test_a_scheduled_fleet_follows_its_hours():
    schedule = [1] * 8 + [3] * 12 + [1] * 4
    scenario = with_(FIXED, policy={"scheduled": {"replicas": schedule}})
    result = inf.fleet(scenario, 1, 0, policies="scheduled", trace_samples=1)
    replicas = result.traces["scheduled"][0, 1]
    np.testing.assert_array_equal(replicas, np.repeat(schedule, 4))
    assert result.values["scheduled"]["replicas_mean"][0] == pytest.approx(np.mean(schedule))


def test_demand_beyond_the_fleet_waits_and_misses_its_targets():
    capped = with_(FIXED, demand={"requests_per_s": 200.0},
                   policy={"static": {"max_replicas": 1}})
    v = inf.fleet(capped, 1, 0, policies="static").values["static"]
    assert v["unserved_share"][0] > 0.5
    assert v["slo_attainment"][0] < 0.5
    assert math.isinf(v["ttft_p99_s"][0]) or v["ttft_p99_s"][0] > 100.0


def test_the_result_exports_to_pandas_and_xarray(uncertain):
    pytest.importorskip("pandas")
    frame = uncertain.to_pandas()
    assert len(frame) == SAMPLES * len(uncertain.values)
    assert set(frame["policy"].cat.categories) == {"static", "reactive"}
    xr = pytest.importorskip("xarray")
    ds = uncertain.to_xarray()
    assert isinstance(ds, xr.Dataset)
    assert ds["replicas"].sizes == {"policy": 2, "quantile": 3, "time_h": 96}
    assert float(ds["rate"].sel(policy="static", quantile=0.5).mean()) > 0
    data = uncertain.to_dict()
    json.dumps(data, default=float)
    assert set(data["policies"]["static"]) >= {"usd_per_month", "slo_attainment", "replicas_mean",
                                               "replicas_peak", "utilization_mean",
                                               "kwh_per_month", "usd_per_mtok"}


@pytest.mark.parametrize("section, table, path", [
    ("demand", {"requests_per_s": -1.0}, "demand.requests_per_s"),
    ("demand", {"hourly": [0.0] * 24}, "demand.hourly"),
    ("demand", {"hourly": [1.0] * 23}, "demand.hourly"),
    ("fleet", {"step": "2h", "horizon": "1h"}, "fleet.step"),
    ("fleet", {"step": "7min"}, "fleet.step"),
    ("fleet", {"step": "2h"}, "fleet.step"),
    ("fleet", {"step": "0.5s"}, "fleet.step"),
    ("policy", {"reactive": {"min_replicas": 0, "scale_up_replicas": 0}},
     "policy.reactive.scale_up_replicas"),
    ("fleet", {"horizon": "soon"}, "fleet.horizon"),
    ("fleet", {"cold_start_s": -5.0}, "fleet.cold_start_s"),
    ("fleet", {"percentile": 1.0}, "fleet.percentile"),
    ("policy", {"reactive": {"min_replicas": 5, "max_replicas": 2}}, "policy.reactive.min_replicas"),
    ("policy", {"reactive": {"target_utilization": 0.0}}, "policy.reactive.target_utilization"),
    ("policy", {"static": {"demand_percentile": 2}}, "policy.static.demand_percentile"),
    ("policy", {"scheduled": {"replicas": [1] * 23}}, "policy.scheduled.replicas"),
    ("policy", {"scheduled": {"replicas": [1.5] * 24}}, "policy.scheduled.replicas[0]"),
    ("policy", {"elastic": {}}, "policy.elastic"),
    ("policy", {"reactive": {"max_replicas": 10 ** 400}}, "policy.reactive.max_replicas"),
    ("fleet", {"spot_share": 10 ** 400}, "fleet.spot_share"),
])
def test_bad_fleet_input_is_refused_naming_the_key(section, table, path):
    with pytest.raises(ScenarioError) as err:
        inf.load_scenario(with_(FIXED, **{section: table}))
    assert err.value.path == path


def test_fleet_arguments_are_checked_before_any_work():
    with pytest.raises(ScenarioError, match="policy"):
        inf.fleet(FIXED, 2, 0, policies="elastic")
    with pytest.raises(ScenarioError, match="policy.scheduled"):
        inf.fleet(FIXED, 2, 0, policies="scheduled")
    with pytest.raises(ScenarioError, match="fleet.step"):
        inf.fleet(FIXED, 2, 0, horizon="1h", step="2h")
    no_demand = {k: v for k, v in FIXED.items() if k != "demand"}
    with pytest.raises(ScenarioError, match="demand"):
        inf.fleet(no_demand, 2, 0)


def test_the_cli_prints_the_comparison_and_refuses_bad_input_in_one_line(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(inf.load_scenario(UNCERTAIN).to_toml())
    ok = subprocess.run([sys.executable, "-m", "inferonomics", "fleet", str(path), "--samples",
                         "4", "--horizon", "6h", "--json"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert set(data["policies"]) == {"static", "reactive"}
    assert "p_cheaper" in data["comparisons"]["reactive"]
    bad = subprocess.run([sys.executable, "-m", "inferonomics", "fleet", str(path), "--samples",
                          "4", "--step", "7min"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "fleet.step" in bad.stderr


EXAMPLES = "examples"


@pytest.fixture(scope="module")
def chatbots():
    return {hw: inf.fleet(f"{EXAMPLES}/fleet-chatbot-llama-3.1-70b-{hw}.toml", 100, 0)
            for hw in ("h100", "mi300x")}


def test_the_chatbot_examples_answer_as_the_readme_says(chatbots):
    for result in chatbots.values():
        c = result.comparisons()["reactive"]
        assert c["p_cheaper"] >= 0.95 and c["p_cheaper_at_equal_slo"] >= 0.95
        s = result.summary()
        assert s["static"]["slo_attainment"]["p50"] >= 0.999
        assert s["reactive"]["slo_attainment"]["p50"] >= 0.99
        assert s["reactive"]["replicas_mean"]["p50"] < s["static"]["replicas_mean"]["p50"]
    h100, mi300x = (np.nanmedian(chatbots[h].slo_rate) for h in ("h100", "mi300x"))
    assert mi300x > h100
    assert (chatbots["mi300x"].summary()["static"]["usd_per_month"]["p50"]
            < chatbots["h100"].summary()["static"]["usd_per_month"]["p50"])


def test_the_night_batch_example_answers_as_the_readme_says():
    s = inf.fleet(f"{EXAMPLES}/fleet-night-batch-spot.toml", 100, 0).summary()
    assert s["reactive"]["slo_attainment"]["p50"] >= 0.99
    # README: the booking is too small in most samples (78% of requests within the target at the
    # median of 1,000 samples; 70% of these 100), well short of the 99% asked.
    assert s["scheduled"]["slo_attainment"]["p50"] < 0.9
    assert s["scheduled"]["usd_per_month"]["p50"] < s["reactive"]["usd_per_month"]["p50"]
    assert s["reactive"]["ttft_p99_s"]["p50"] < 600.0


def test_swept_policy_settings_share_the_samples_and_the_cheapest_meeting_the_target_is_named():
    scenario = with_(UNCERTAIN, policy={"static": {},
                                        "reactive": {"target_utilization": [0.5, 0.7, 0.9]}})
    swept = inf.fleet(scenario, 6, 0, horizon="12h")
    names = ["static", "reactive(target_utilization=0.5)", "reactive(target_utilization=0.7)",
             "reactive(target_utilization=0.9)"]
    assert list(swept.values) == names
    one = inf.fleet(with_(UNCERTAIN, policy={"reactive": {"target_utilization": 0.7}}), 6, 0,
                    horizon="12h", policies="static,reactive")
    for m, v in one.values["reactive"].items():   # the same samples, setting for setting
        np.testing.assert_array_equal(v, swept.values["reactive(target_utilization=0.7)"][m])
    costs = [np.median(swept.values[n]["usd_per_month"]) for n in names[1:]]
    assert costs[0] >= costs[1] >= costs[2]        # a higher target runs fewer replicas
    best = swept.cheapest_meeting_target()
    assert best is not None
    assert np.mean(swept.values[best["policy"]]["slo_attainment"]) >= 0.99
    cheaper = [n for n in names if np.median(swept.values[n]["usd_per_month"])
               < best["usd_per_month_p50"]]
    assert all(np.mean(swept.values[n]["slo_attainment"]) < 0.99 for n in cheaper)
    assert set(swept.comparisons()) == set(names[1:])


def test_a_sweep_of_too_many_settings_is_refused_naming_the_key():
    with pytest.raises(ScenarioError) as err:
        inf.load_scenario(with_(FIXED, policy={"reactive": {"min_replicas": list(range(65))}}))
    assert err.value.path == "policy.reactive.min_replicas"


def test_unreachable_targets_size_the_fleet_on_the_saturated_rate_and_say_so():
    # A TTFT target below one prefill: no SLO capacity. The fleet is sized to serve the demand
    # (not max_replicas), attainment is 0, and the share of such samples is reported.
    result = inf.fleet(with_(FIXED, workload={"ttft_slo_s": 0.001}), 2, 0, policies="static")
    v = result.values["static"]
    assert result.targets_unreachable_share == 1.0
    assert result.to_dict()["replica"]["targets_unreachable_share"] == 1.0
    assert v["replicas_mean"][0] == 1.0            # 30 requests/s on a replica saturating at 60
    assert v["slo_attainment"][0] == 0.0
    assert v["usd_per_month"][0] == pytest.approx(3.0 * HOURS_PER_MONTH)


def test_slo_attainment_never_exceeds_one(uncertain):
    for v in uncertain.values.values():
        assert np.all(v["slo_attainment"] <= 1.0)


def test_long_windows_and_short_steps_stay_quick_and_bounded():
    import time
    scenario = with_(UNCERTAIN, policy={"reactive": {"scale_down_window_s": 3e8}},
                     fleet={"cold_start_s": 86400.0})
    t = time.perf_counter()
    result = inf.fleet(scenario, 2, 0, horizon="2d", step="10s", policies="reactive",
                       trace_samples=0)
    assert time.perf_counter() - t < 30.0
    assert np.all(np.isfinite(result.values["reactive"]["usd_per_month"]))


def test_a_spot_share_blends_the_price_and_loses_spots_interruptions():
    base = with_(UNCERTAIN, cost={"usd_per_device_hour": 3.0})
    whole = {share: inf.fleet(with_(base, fleet={"spot_share": share}), 4, 0, horizon="6h",
                              policies="static")
             for share in (0.0, 0.5, 1.0)}
    on_spot = with_(base, cost={"mode": "spot"})
    on_spot["cost"].pop("usd_per_device_hour")
    spot = inf.fleet(on_spot, 4, 0, horizon="6h", policies="static")
    bill = {k: r.values["static"]["usd_per_month"] for k, r in whole.items()}
    # Static fleets of the same size: the bill is the blend of the two prices, the whole-spot
    # fleet's that of a fleet in spot mode.
    np.testing.assert_allclose(bill[0.5], 0.5 * (bill[0.0] + bill[1.0]), rtol=1e-9)
    np.testing.assert_allclose(bill[1.0], spot.values["static"]["usd_per_month"], rtol=1e-9)
    owned = with_(base, cost={"mode": "own", "purchase_usd": 30000.0}, fleet={"spot_share": 0.5})
    owned["cost"].pop("usd_per_device_hour")
    with pytest.raises(ScenarioError, match="fleet.spot_share"):
        inf.fleet(owned, 2, 0)


def test_a_small_slo_capacity_is_found_by_the_queue_not_a_line_from_zero():
    from inferonomics.fleet.replica_queue import goodput
    from inferonomics.fleet.replica_table import LOAD_GRID, replica_table
    service = services_of(replica_runs(FIXED, 1, 0), [0], batch_points="geometric")[0]
    # A TTFT target a little above one prefill: met only at light load.
    target = service.prefill_s * 1.2
    table = replica_table(service, ttft_slo_s=target, tpot_slo_s=math.inf, percentile=0.99)
    assert 0.0 < table.slo_rate < LOAD_GRID[1] * service.saturated_rate
    exact = goodput(service, ttft_slo_s=target, tpot_slo_s=math.inf, percentile=0.99)
    # The table's TTFT lattice (128 steps a pass) is within about 3% of goodput's (256); so close
    # to one prefill the rate at which the p99 crosses the target moves a few times as much.
    assert table.slo_rate == pytest.approx(exact, rel=0.1)


def test_swept_values_are_distinct_and_labelled_apart():
    with pytest.raises(ScenarioError) as err:
        inf.load_scenario(with_(FIXED, policy={"reactive": {"target_utilization": [0.8, 0.8]}}))
    assert err.value.path == "policy.reactive.target_utilization"
    scenario = inf.load_scenario(with_(FIXED, policy={"reactive": {
        "scale_up_period_s": [1000000, 1000001]}}))
    names = [p.name for p in scenario.analysis["policy"]["reactive"]]
    assert len(set(names)) == 2
