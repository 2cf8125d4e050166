"""Cost identities of owning and renting (issue 12): the capital recovery factor against its closed
form and its annuity identity, resale value, colocation per kW and paid time lost to spot
interruptions, each read back from the model's cost per token."""


import pytest

import inferonomics
from inferonomics.model import reference

BASE = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
        "workload": {"batch": 8, "input_tokens": 1000, "output_tokens": 100},
        "cost": {"mode": "own", "purchase_usd": 30000.0, "usd_per_kwh": 0.0},
        "energy": {"grid_gco2_per_kwh": 0.0}}


def all_in_usd_per_device_hour(**changes) -> float:
    """What one device-hour costs, read back from usd_per_mtok: usd_per_mtok = devices x price /
    3600 / tokens_per_s x 1e6 at full utilisation."""
    inputs = inferonomics.load_scenario(BASE).resolve().medians()
    # Start from an owner with no financing, resale or colocation (the book's priors give all
    # three); each test switches on what it checks.
    inputs.update(cost_of_capital=0.0, residual_fraction=0.0, colocation_usd_per_kw_month=0.0)
    inputs.update(changes)
    out = reference.evaluate(**inputs)
    assert out.status == reference.STATUS_OK
    return out.usd_per_mtok * out.tokens_per_s * reference.SECONDS_PER_HOUR / (
        inputs["count"] * reference.TOKENS_PER_MTOK)


def crf(r: float, years: float) -> float:
    """Capital recovery factor, closed form r (1 + r)^n / ((1 + r)^n - 1)."""
    return r * (1 + r) ** years / ((1 + r) ** years - 1)


def test_straight_line_without_a_cost_of_capital():
    got = all_in_usd_per_device_hour(lifetime_years=5.0)
    assert got == pytest.approx(30000.0 / (5 * reference.HOURS_PER_YEAR), rel=1e-12)


@pytest.mark.parametrize("r, years", [(0.1, 5.0), (0.07, 3.0), (0.15, 6.0), (0.5, 0.5)])
def test_capital_is_the_purchase_times_the_capital_recovery_factor(r, years):
    got = all_in_usd_per_device_hour(cost_of_capital=r, lifetime_years=years)
    assert got == pytest.approx(30000.0 * crf(r, years) / reference.HOURS_PER_YEAR, rel=1e-12)


def test_crf_at_ten_percent_over_five_years_is_the_textbook_figure():
    # 0.2638 per year (any annuity table); ECONOMICS.md §3.2 uses the same figure.
    got = all_in_usd_per_device_hour(cost_of_capital=0.1, lifetime_years=5.0)
    assert got * reference.HOURS_PER_YEAR / 30000.0 == pytest.approx(0.263797, abs=1e-6)


def test_the_payments_repay_the_purchase_less_the_present_value_of_its_resale():
    r, years, residual = 0.1, 4.0, 0.25
    annual = all_in_usd_per_device_hour(cost_of_capital=r, lifetime_years=years,
                                        residual_fraction=residual) * reference.HOURS_PER_YEAR
    present_value = sum(annual / (1 + r) ** t for t in range(1, int(years) + 1))
    assert present_value == pytest.approx(30000.0 * (1 - residual / (1 + r) ** years), rel=1e-12)


def test_resale_value_without_a_cost_of_capital_lowers_the_depreciated_amount():
    got = all_in_usd_per_device_hour(lifetime_years=5.0, residual_fraction=0.2)
    assert got == pytest.approx(0.8 * 30000.0 / (5 * reference.HOURS_PER_YEAR), rel=1e-12)


def test_colocation_is_billed_per_provisioned_kilowatt_month():
    base = all_in_usd_per_device_hour()
    got = all_in_usd_per_device_hour(colocation_usd_per_kw_month=184.0, provisioned_kw=1.73)
    # 184 USD/kW-month x 1.73 kW / 730.5 h = 0.4358 USD/h (ECONOMICS.md §3.2 arithmetic: 0.44)
    assert got - base == pytest.approx(184.0 * 1.73 / (reference.HOURS_PER_YEAR / 12), rel=1e-12)


def test_spot_interruptions_add_paid_time_in_proportion_to_rate_and_restart():
    rented = dict(purchase_usd=0.0, usd_per_device_hour=2.0)
    base = all_in_usd_per_device_hour(**rented)
    got = all_in_usd_per_device_hour(**rented, interruptions_per_hour=0.5, restart_s=360.0)
    assert got / base == pytest.approx(1 / (1 - 0.5 * 360.0 / 3600.0), rel=1e-12)


def test_interruptions_losing_over_half_the_paid_time_are_refused():
    from inferonomics.errors import ScenarioError

    raw = dict(BASE, cost={"mode": "spot", "usd_per_device_hour": 2.0,
                           "interruptions_per_hour": 1.0, "restart_s": 2000.0})
    with pytest.raises(ScenarioError, match="cost.restart_s: .* lose more than 50%"):
        inferonomics.load_scenario(raw)


@pytest.mark.parametrize("changes", [
    {},
    {"cost_of_capital": 0.1, "residual_fraction": 0.2, "colocation_usd_per_kw_month": 184.0,
     "provisioned_kw": 1.73, "usd_per_kwh": 0.12, "hosting_usd_per_device_hour": 0.1},
    {"purchase_usd": 0.0, "usd_per_device_hour": 2.5, "interruptions_per_hour": 0.2,
     "restart_s": 120.0},
])
def test_the_cost_parts_add_up_to_the_cost_per_token(changes):
    inputs = inferonomics.load_scenario(BASE).resolve().medians()
    inputs.update(changes)
    out = reference.evaluate(**inputs)
    parts = (out.rental_usd_per_mtok + out.capital_usd_per_mtok + out.hosting_usd_per_mtok
             + out.energy_usd_per_mtok)
    assert parts == pytest.approx(out.usd_per_mtok, rel=1e-12)


def test_a_reservation_longer_than_the_deployments_life_is_refused():
    import inferonomics
    from inferonomics.errors import ScenarioError

    s = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
         "workload": {"batch": 8, "input_tokens": 100, "output_tokens": 100},
         "cost": {"mode": "reserved", "term_years": 3}, "deployment": {"lifetime_years": 2}}
    with pytest.raises(ScenarioError) as info:
        inferonomics.load_scenario(s)
    assert info.value.path == "cost.term_years" and "lifetime" in str(info.value)
    s["deployment"]["lifetime_years"] = 3
    inferonomics.load_scenario(s)
