"""Prices over time (issue 12, part 6): present values over the horizon, falling prices, renting
then buying, switching costs, and the API against self-hosting year by year."""

import json

import numpy as np
import pytest

import inferonomics
from inferonomics.analysis.api_or_host import api_or_self_host
from inferonomics.analysis.horizon import horizon
from inferonomics.analysis.tco import tco
from inferonomics.cli import main
from inferonomics.errors import ScenarioError

FIXED = {"mfu": 0.45, "mbu": 0.7, "comm_efficiency": 0.8, "step_overhead_ms": 1.0}
OWN = {"purchase_usd": 40000.0, "cost_of_capital": 0.1, "residual_fraction": 0.2,
       "colocation_usd_per_kw_month": 184.0, "provisioned_kw": 1.73, "usd_per_kwh": 0.1}
FLAT = {"years": 3, "discount_rate": 0.0, "rent_decline_per_year": 0.0,
        "hardware_decline_per_year": 0.0, "api_price_factor_per_year": 1.0}
EXAMPLE = "examples/own-vs-rent-over-4-years.toml"


def scenario(hz=None, demand=None, cost=None):
    out = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
           "workload": {"batch": 16, "input_tokens": 1000, "output_tokens": 200},
           "efficiency": FIXED, "cost": cost or {"mode": "own", **OWN},
           "deployment": {"utilization": 0.5, "lifetime_years": 5.0},
           "horizon": {**FLAT, **(hz or {})}}
    if demand:
        out["demand"] = demand
        out["api"] = {"input_usd_per_mtok": 0.2, "output_usd_per_mtok": 0.6}
    return out


def monthly(s, mode, samples=200, seed=4):
    return tco(s, samples, seed).costs[mode]["usd_per_month"]


def running(s, samples=200, seed=4):
    """Owning's monthly hosting, colocation and electricity (its cost less the capital)."""
    own = tco(s, samples, seed).costs["own"]
    return own["usd_per_month"] * (own["hosting_usd_per_mtok"] + own["energy_usd_per_mtok"]) \
        / own["usd_per_mtok"]


PRICE = 40000.0     # one H100 (OWN's purchase_usd, count 1)


def test_flat_prices_without_discounting_add_up_twelve_months_a_year():
    s = scenario()
    r = horizon(s, samples=200, seed=4)
    for mode in ("rent", "spot", "reserved"):
        assert r.present_value[mode] == pytest.approx(36 * monthly(s, mode), rel=1e-12), mode
    # Owning: the price now, less the book value after 3 of its 5 years (straight line from the
    # price to the 20% resale value), plus 36 months of hosting and electricity.
    book = PRICE * (1 - 0.8 * 3 / 5)
    assert r.present_value["own"] == pytest.approx(PRICE - book + 36 * running(s), rel=1e-12)


def test_discounting_from_mid_year_and_falling_rent_sum_as_geometric_series():
    s = scenario({"discount_rate": 0.1, "rent_decline_per_year": 0.2})
    r = horizon(s, samples=200, seed=4)
    d = [1.1 ** -(y + 0.5) for y in range(3)]
    book = PRICE * (1 - 0.8 * 3 / 5)
    assert r.present_value["own"] == pytest.approx(
        PRICE - book * 1.1 ** -3 + 12 * running(s) * sum(d), rel=1e-12)
    rent = sum(0.8 ** y * d[y] for y in range(3))
    assert r.present_value["rent"] == pytest.approx(12 * monthly(s, "rent") * rent, rel=1e-12)
    # A one-year reservation renews at each year's fallen price, like rent.
    assert r.present_value["reserved"] == pytest.approx(12 * monthly(s, "reserved") * rent,
                                                        rel=1e-12)


def test_a_three_year_reservation_keeps_its_price_for_the_term():
    s = scenario({"years": 4, "rent_decline_per_year": 0.2},
                 cost={"mode": "reserved", "term_years": 3})
    r = horizon(s, samples=200, seed=4)
    month = monthly(s, "reserved")
    assert r.present_value["reserved"] == pytest.approx(12 * month * (3 + 0.8 ** 3), rel=1e-12)


def test_a_higher_discount_rate_favours_paying_later():
    low = horizon(scenario({"discount_rate": 0.0}), samples=200, seed=4)
    high = horizon(scenario({"discount_rate": 0.5}), samples=200, seed=4)
    assert np.all(high.present_value["rent"] < low.present_value["rent"])
    # Owning pays the purchase today: discounting shrinks only what comes back and the running costs.
    assert np.all(high.present_value["own"] > low.present_value["own"] - 36 * running(scenario()))
    assert high.p_cheaper("own", "rent") <= low.p_cheaper("own", "rent")


def test_owning_past_the_lifetime_buys_again_at_the_hardware_trend():
    s = scenario({"hardware_decline_per_year": 0.3})
    s["deployment"]["lifetime_years"] = 2.0
    r = horizon(s, samples=200, seed=4)
    second = PRICE * 0.7 ** 2
    expected = (PRICE - 0.2 * PRICE) + (second - second * (1 - 0.8 * 1 / 2)) + 36 * running(s)
    assert r.present_value["own"] == pytest.approx(expected, rel=1e-12)


def test_renting_then_buying_pays_rent_before_the_purchase_and_the_cheaper_hardware_after():
    s = scenario({"hardware_decline_per_year": 0.3, "switching_usd": 5000.0, "discount_rate": 0.1})
    r = horizon(s, samples=200, seed=4)
    rent = monthly(s, "rent")
    bought = PRICE * 0.7                     # a year's fall in the cost of the same hardware
    book = bought * (1 - 0.8 * 2 / 5)        # two of its five years used at the horizon's end
    expected = (12 * rent * 1.1 ** -0.5 + bought * 1.1 ** -1 - book * 1.1 ** -3
                + 12 * running(s) * (1.1 ** -1.5 + 1.1 ** -2.5) + 5000.0 * 1.1 ** -1)
    assert r.present_value["rent, buy in year 1"] == pytest.approx(expected, rel=1e-12)
    assert set(r.present_value) >= {"rent, buy in year 1", "rent, buy in year 2"}
    assert "rent, buy in year 3" not in r.present_value     # the horizon ends first


def test_switching_and_migration_are_charged_to_every_option_but_the_current_one():
    hz = {"current": "rent", "switching_usd": 10000.0, "migration_months": 3,
          "migration_efficiency": 0.5}
    r = horizon(scenario(hz), samples=200, seed=4)
    base = horizon(scenario(), samples=200, seed=4)
    own = monthly(scenario(), "own")
    # Three months at half efficiency cost three more months.
    assert r.present_value["own"] - base.present_value["own"] == pytest.approx(10000.0 + 3 * own)
    assert r.present_value["rent"] == pytest.approx(base.present_value["rent"], rel=1e-15)
    assert r.to_dict()["current"] == "rent"


def test_with_flat_api_prices_the_yearly_break_even_is_todays():
    demand = {"input_tokens_per_month": 4e9, "output_tokens_per_month": 1e9}
    s = scenario(demand=demand, cost={"usd_per_device_hour": 2.0})
    r = horizon(s, samples=200, seed=4)
    today = api_or_self_host(s, samples=200, seed=4)
    rows = r.api["by_year"]
    assert len(rows) == 3
    for row in rows:
        assert row["p_self_host_cheaper"] == today.p_self_host_cheaper()
        assert row["break_even_tokens_per_month"]["p50"] == pytest.approx(
            today.to_dict()["break_even_tokens_per_month"]["p50"], rel=1e-12)
    api_pv = r.api["present_value_usd"]["api"]["p50"]
    assert api_pv == pytest.approx(36 * today.to_dict()["api_usd_per_month"]["p50"], rel=1e-12)


def test_falling_api_prices_push_the_break_even_volume_up_year_by_year():
    demand = {"input_tokens_per_month": 4e9, "output_tokens_per_month": 1e9}
    s = scenario({"api_price_factor_per_year": 1.5}, demand=demand,
                 cost={"usd_per_device_hour": 2.0})
    rows = horizon(s, samples=200, seed=4).api["by_year"]
    p50 = [row["break_even_tokens_per_month"]["p50"] for row in rows
           if row["break_even_tokens_per_month"]]
    assert p50 == sorted(p50) and len(p50) >= 2
    assert p50[1] == pytest.approx(1.5 * p50[0], rel=1e-9)


@pytest.mark.parametrize("key, value", [
    ("years", 0), ("years", 31), ("discount_rate", 1.5), ("rent_decline_per_year", 1.0),
    ("migration_efficiency", 0.0), ("migration_months", 13), ("switching_usd", -1.0),
    ("api_price_factor_per_year", 0.0), ("current", "buy"), ("yeras", 3),
])
def test_bad_horizon_values_are_refused_naming_the_key(key, value):
    s = scenario()
    s["horizon"][key] = value
    with pytest.raises(ScenarioError) as info:
        inferonomics.load_scenario(s)
    assert info.value.path == f"horizon.{key}"


def test_cli_json_has_present_values_and_the_value_of_waiting(capsys):
    assert main(["horizon", EXAMPLE, "--samples", "500", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["present_value_usd"]) >= {"own", "rent", "rent, buy in year 1"}
    assert 0 <= data["p_waiting_beats_buying_now"]["rent, buy in year 1"] <= 1
    assert abs(sum(data["p_cheapest"].values()) - 1) < 1e-9


def test_cli_bad_horizon_exits_2_with_one_line(capsys):
    rc = main(["horizon", EXAMPLE, "--set", "horizon.years=0"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "horizon.years" in err


def test_the_readme_example_answers_own_or_rent_over_four_years():
    """README: over four years of falling rents buying now is cheaper than renting on demand in
    70% of samples (95% if rents stay flat); renting a year and then buying beats buying now in
    75%."""
    r = horizon(EXAMPLE, samples=4000)
    assert r.p_cheaper("own", "rent") == pytest.approx(0.70, abs=0.04)
    assert r.p_cheaper("rent, buy in year 1", "own") == pytest.approx(0.75, abs=0.04)
    assert float(np.nanmedian(r.present_value["own"])) == pytest.approx(2.12e5, rel=0.03)
    flat = horizon(inferonomics.load_scenario(EXAMPLE).with_values(
        {"horizon.rent_decline_per_year": 0.0}), samples=4000)
    assert flat.p_cheaper("own", "rent") > 0.9


def test_an_uncertain_horizon_is_drawn_in_whole_years_and_each_sample_stops_at_its_own():
    s = scenario({"years": {"dist": "uniform", "low": 1, "high": 3}})
    r = horizon(s, samples=300, seed=4)
    assert set(np.unique(r.years)) == {1, 2, 3}
    assert r.present_value["rent"] == pytest.approx(12 * r.years * monthly(s, "rent", 300),
                                                    rel=1e-12)
    # A sample whose horizon ends before year 2 never buys in year 2: it only rents.
    assert r.present_value["rent, buy in year 2"][r.years == 1] == pytest.approx(
        r.present_value["rent"][r.years == 1], rel=1e-12)


def test_an_api_the_book_cannot_price_is_refused_before_anything_runs(monkeypatch):
    from inferonomics.analysis import horizon as module

    s = scenario(demand={"tokens_per_month": 1e9})
    del s["api"]
    s["model"] = {"id": "falcon-40b"}
    s["hardware"]["count"] = 2
    monkeypatch.setattr(module, "tco", lambda *a, **k: pytest.fail("ran before checking the API"))
    with pytest.raises(ScenarioError) as info:
        horizon(s, samples=100)
    assert info.value.path.startswith("api.model")


def test_owning_a_replica_of_two_devices_without_resale_over_a_shorter_horizon_than_its_life():
    s = scenario({"discount_rate": 0.2, "years": 2}, cost={"mode": "own", **OWN,
                                                          "residual_fraction": 0.0})
    s["hardware"]["count"] = 2
    s["deployment"]["lifetime_years"] = 8.0
    r = horizon(s, samples=100, seed=4)
    price = 2 * PRICE
    book = price * (1 - 2 / 8)               # straight line to nothing over eight years
    expected = price - book * 1.2 ** -2 + 12 * running(s, 100) * (1.2 ** -0.5 + 1.2 ** -1.5)
    assert r.present_value["own"] == pytest.approx(expected, rel=1e-12)


def test_a_renewal_is_bought_at_the_trend_and_discounted_from_its_year():
    s = scenario({"discount_rate": 0.1, "hardware_decline_per_year": 0.5})
    s["deployment"]["lifetime_years"] = 1.5
    r = horizon(s, samples=100, seed=4)
    second = PRICE * 0.5 ** 1.5               # bought at 1.5 years, its life ending at 3
    expected = (PRICE - 0.2 * PRICE * 1.1 ** -1.5 + second * 1.1 ** -1.5 - 0.2 * second * 1.1 ** -3
                + 12 * running(s, 100) * sum(1.1 ** -(y + 0.5) for y in range(3)))
    assert r.present_value["own"] == pytest.approx(expected, rel=1e-12)


def test_owning_runs_on_colocation_per_provisioned_kw_each_month():
    """The running cost the owning tests build on, checked from the inputs: with free electricity
    it is the colocation fee, 184 USD per kW-month x 1.73 kW."""
    s = scenario(cost={"mode": "own", **OWN, "usd_per_kwh": 0.0})
    assert running(s) == pytest.approx(np.full(200, 184.0 * 1.73), rel=1e-9)
    r = horizon(s, samples=200, seed=4)
    book = PRICE * (1 - 0.8 * 3 / 5)
    assert r.present_value["own"] == pytest.approx(PRICE - book + 36 * 184.0 * 1.73, rel=1e-9)
