"""Scenarios priced from the price book: modes, tiers, terms, spot, owning, the price basis, user
price files, and the CLI that shows them (issue 12, part 1)."""

import json
import math

import pytest

import inferonomics
from inferonomics.errors import ScenarioError
from inferonomics.io import pricebook

WORKLOAD = {"batch": 8, "input_tokens": 1000, "output_tokens": 100}


def plan(hardware: str, cost: dict | None = None, **extra):
    raw = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": hardware}, "workload": WORKLOAD,
           **extra}
    if cost is not None:
        raw["cost"] = cost
    return inferonomics.load_scenario(raw).resolve()


def test_a_scenario_without_cost_runs_on_the_default_tier_and_says_so():
    p = plan("h200")
    figure = pricebook.rent_figure("h200", pricebook.default_tier())
    assert p.cost_mode == "rent"
    assert p.price_basis == f"rent at {figure.basis}"
    assert p["usd_per_device_hour"] == figure.distribution()
    assert p["purchase_usd"].median() == 0.0


def test_the_default_tier_falls_back_to_the_nearest_tier_with_a_price():
    # The book prices the L4 only at hyperscalers.
    assert pricebook.rent_figure("l4", pricebook.default_tier()) is None
    assert plan("l4").price_basis.startswith("rent at l4.rent.hyperscaler")


def test_an_asked_tier_is_used_and_a_missing_one_is_refused():
    assert plan("h100-sxm", {"tier": "marketplace"}).price_basis.startswith(
        "rent at h100-sxm.rent.marketplace")
    with pytest.raises(ScenarioError, match="l4 has no rent.specialist price"):
        plan("l4", {"tier": "specialist"})
    with pytest.raises(ScenarioError, match=r'cost.tier: must be one of "hyperscaler"'):
        plan("h100-sxm", {"tier": "cheap"})


def test_reserved_takes_the_term_asked():
    assert plan("h100-sxm", {"mode": "reserved", "term_years": 3}).price_basis.startswith(
        "reserved at h100-sxm.reserved.three_year")
    assert "reserved.one_year" in plan("h100-sxm", {"mode": "reserved"}).price_basis
    with pytest.raises(ScenarioError, match="cost.term_years: must be 1 or 3"):
        plan("h100-sxm", {"mode": "reserved", "term_years": 2})


def test_spot_adds_the_books_interruptions_and_a_restart_prior():
    p = plan("h100-sxm", {"mode": "spot"})
    assert p.price_basis.startswith("spot at h100-sxm.spot.price")
    assert p["interruptions_per_hour"] == pricebook.device_prices()["h100-sxm"][
        "spot.interruptions_per_hour"].distribution()
    assert 85 <= p["restart_s"].median() <= 270


def test_spot_without_an_interruption_rate_asks_for_one():
    with pytest.raises(ScenarioError, match="cost.interruptions_per_hour"):
        plan("h200", {"mode": "spot"})
    assert plan("h200", {"mode": "spot", "interruptions_per_hour": 0.001}).cost_mode == "spot"


def test_owning_without_numbers_takes_the_books_purchase_and_finance_priors():
    p = plan("h100-sxm", {"mode": "own"})
    book = pricebook.device_prices()["h100-sxm"]
    assert p.price_basis == f"own at {book['purchase.usd'].basis}"
    assert p["purchase_usd"] == book["purchase.usd"].distribution()
    assert p["cost_of_capital"].median() == pytest.approx(0.10, abs=0.02)
    assert 3 <= p["lifetime_years"].median() <= 6
    assert 0.1 < p["residual_fraction"].median() < 0.4
    assert p["colocation_usd_per_kw_month"].median() == pytest.approx(184.0)
    assert p["provisioned_kw"].median() == pytest.approx(1.73)
    assert p["usd_per_device_hour"].median() == 0.0


def test_owning_with_own_hosting_leaves_colocation_out():
    p = plan("h100-sxm", {"mode": "own", "hosting_usd_per_device_hour": 0.5})
    assert p["colocation_usd_per_kw_month"].median() == 0.0


def test_a_device_with_only_a_purchase_price_is_owned():
    p = plan("rtx-4090")
    assert p.cost_mode == "own" and p.price_basis.startswith("own at rtx-4090.purchase.usd")
    assert "one published figure" in p.price_basis


def test_the_scenarios_own_numbers_win_and_say_so():
    p = plan("h100-sxm", {"usd_per_device_hour": 2.5})
    assert p.price_basis == "rent at the scenario's price"
    assert p["usd_per_device_hour"].median() == 2.5


@pytest.mark.parametrize("cost, path", [
    ({"usd_per_device_hour": 2.0, "purchase_usd": 1.0}, "cost.purchase_usd"),
    ({"mode": "own", "usd_per_device_hour": 2.0}, "cost.usd_per_device_hour"),
    ({"mode": "rent", "restart_s": 60}, "cost.restart_s"),
    ({"mode": "own", "tier": "specialist"}, "cost.tier"),
    ({"mode": "rent", "term_years": 1}, "cost.term_years"),
])
def test_a_cost_the_mode_does_not_pay_is_refused(cost, path):
    with pytest.raises(ScenarioError) as info:
        plan("h100-sxm", cost)
    assert info.value.path == path


def test_embodied_carbon_defaults_to_the_book_with_the_server_share():
    book = pricebook.device_prices()["h100-sxm"]["embodied.kgco2"]
    assert plan("h100-sxm")["embodied_kgco2"] == book.distribution()
    assert plan("l4")["embodied_kgco2"].median() == 0.0   # no life-cycle figure for the L4


def test_a_price_file_replaces_a_figure(tmp_path):
    f = tmp_path / "prices.toml"
    f.write_text('[prices.h200.rent.specialist]\np5 = 1.0\np95 = 2.0\nas_of = "2026-11"\n'
                 'kind = "vendor"\nsource = "our negotiated rate card, November 2026"\n')
    p = plan("h200", catalog=[str(f)])
    assert p.price_basis == "rent at h200.rent.specialist (vendor, 2026-11)"
    assert p["usd_per_device_hour"].median() == pytest.approx(math.sqrt(2.0))


def test_a_bad_price_file_is_refused_naming_the_figure(tmp_path):
    f = tmp_path / "prices.toml"
    f.write_text('[prices.h200.rent.specialist]\np5 = 3.0\np95 = 2.0\nas_of = "2026-11"\n'
                 'kind = "vendor"\nsource = "x"\n')
    with pytest.raises(ScenarioError, match=r"prices.h200.rent.specialist: needs p5 <= p50 <= p95"):
        plan("h200", catalog=[str(f)])


def test_the_resolved_scenario_loads_back_to_the_same_plan():
    scenario = inferonomics.load_scenario({"model": {"id": "llama-3.1-8b"},
                                           "hardware": {"id": "h100-sxm"}, "workload": WORKLOAD,
                                           "cost": {"mode": "own"}})
    import tomllib
    again = inferonomics.load_scenario(tomllib.loads(scenario.to_toml(resolved=True)))
    assert again.resolve() == scenario.resolve()


def test_run_shows_the_price_basis_in_the_table_and_json(tmp_path, capsys):
    from inferonomics import cli

    f = tmp_path / "s.toml"
    f.write_text('[model]\nid = "llama-3.1-8b"\n[hardware]\nid = "h200"\n[workload]\nbatch = 8\n'
                 'input_tokens = 1000\noutput_tokens = 100\n')
    assert cli.main(["run", str(f), "--samples", "2000"]) == 0
    assert "price basis: rent at h200.rent.specialist (secondary, 2026-05)" in capsys.readouterr().out
    assert cli.main(["run", str(f), "--samples", "2000", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["price_basis"].startswith("rent at h200.rent.specialist")


def test_catalog_prices_lists_every_figure_with_its_source(capsys):
    from inferonomics import cli

    assert cli.main(["catalog", "prices", "--json"]) == 0
    book = json.loads(capsys.readouterr().out)
    assert set(book) == set(pricebook.device_prices())
    h100 = book["h100-sxm"]["rent.specialist"]
    assert h100["as_of"] == "2026-05" and h100["p5"] < h100["p50"] < h100["p95"] and h100["source"]
    assert cli.main(["catalog", "prices"]) == 0
    table = capsys.readouterr().out
    assert "h100-sxm" in table and "default tier specialist" in table


def test_owned_inline_hardware_pays_colocation_on_power_from_its_own_tdp():
    raw = {"model": {"id": "llama-3.1-8b"},
           "hardware": {"name": "my chip", "memory_gb": 96, "memory_bw_gbps": 4000,
                        "tflops_16": 800, "tdp_w": 800, "idle_w": 80},
           "workload": WORKLOAD, "cost": {"purchase_usd": 40000}}
    p = inferonomics.load_scenario(raw).resolve()
    assert p["provisioned_kw"].median() == pytest.approx(0.8 * 1.8)
    assert "provisioned_kw" in p.derived
    assert p["colocation_usd_per_kw_month"].median() > 0
    # evaluate(plan, tdp_w=...) moves the derived provisioned power with the TDP.
    from inferonomics.model.reference import STATUS_OK
    low = inferonomics.evaluate(p, tdp_w=400.0, idle_w=40.0)
    high = inferonomics.evaluate(p, tdp_w=1600.0, idle_w=40.0)
    assert low.status == high.status == STATUS_OK
    assert high.hosting_usd_per_mtok == pytest.approx(4 * low.hosting_usd_per_mtok, rel=1e-12)


def test_a_catalog_devices_tdp_given_in_the_scenario_sets_its_provisioned_power():
    # The book has no provisioned power for the RTX 4090 (where it has one, that figure is used).
    raw = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "rtx-4090", "tdp_w": 300},
           "workload": WORKLOAD, "cost": {"mode": "own"}}
    p = inferonomics.load_scenario(raw).resolve()
    assert p["provisioned_kw"].median() == pytest.approx(0.3 * 1.8)


def test_fraction_priors_peak_at_the_books_mode():
    p = plan("h100-sxm", {"mode": "own"})
    assert (p["cost_of_capital"].low, p["cost_of_capital"].mode, p["cost_of_capital"].high) == \
        (0.07, 0.10, 0.15)
    assert p["residual_fraction"].mode == 0.2


def test_a_price_file_that_would_draw_out_of_range_is_refused_naming_its_figure(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text('[prices.h200.purchase.usd]\np5 = 1e13\np95 = 1e14\nas_of = "2026-11"\n'
                 'kind = "vendor"\nsource = "a very large quote"\n')
    with pytest.raises(ScenarioError, match=r"^h200.purchase.usd: as a prior of cost.purchase_usd"):
        plan("h200", {"mode": "own"}, catalog=[str(f)])
    f.write_text('[prices.h200.rent.specialist]\np5 = 1e-300\np95 = 1e300\nas_of = "2026-11"\n'
                 'kind = "vendor"\nsource = "x"\n')
    with pytest.raises(ScenarioError, match="beyond the range of a number"):
        plan("h200", catalog=[str(f)])


def test_price_files_merge_figure_by_figure_and_refuse_unknown_figures(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('[prices.h100-sxm.rent.specialist]\np50 = 2.2\nas_of = "2026-11"\n'
                 'kind = "vendor"\nsource = "rate card A"\n')
    b.write_text('[prices.h100-sxm.purchase.usd]\np50 = 30000\nas_of = "2026-11"\n'
                 'kind = "vendor"\nsource = "quote B"\n')
    p = plan("h100-sxm", catalog=[str(a), str(b)])
    assert p.price_basis.startswith("rent at h100-sxm.rent.specialist (vendor, 2026-11")
    assert plan("h100-sxm", {"mode": "own"}, catalog=[str(a), str(b)]).price_basis.startswith(
        "own at h100-sxm.purchase.usd (vendor")
    b.write_text('[prices.h100-sxm.rent.specalist]\np50 = 2.0\nas_of = "2026-11"\n'
                 'kind = "vendor"\nsource = "typo"\n')
    with pytest.raises(ScenarioError, match=r"unknown price figure \(did you mean: rent.specialist"):
        plan("h100-sxm", catalog=[str(b)])


@pytest.mark.parametrize("device", ["gb200", "b300", "gb300", "mi355x"])
def test_a_device_the_book_prices_only_as_reserved_runs_reserved(device):
    p = plan(device)
    assert p.cost_mode == "reserved" and "reserved.three_year" in p.price_basis


def test_reserved_defaults_to_the_term_the_book_prices():
    assert "reserved.three_year" in plan("mi300x", {"mode": "reserved"}).price_basis


@pytest.mark.parametrize("cost, path", [
    ({"usd_per_device_hour": 2.5, "tier": "marketplace"}, "cost.tier"),
    ({"mode": "reserved", "usd_per_device_hour": 2.5, "term_years": 3}, "cost.term_years"),
])
def test_a_book_selector_next_to_a_given_price_is_refused(cost, path):
    with pytest.raises(ScenarioError) as info:
        plan("h100-sxm", cost)
    assert info.value.path == path


def test_a_choice_may_hold_a_special_value_outside_the_range():
    p = plan("h100-sxm", {"mode": "own", "cost_of_capital": {"dist": "choice",
                                                             "values": [0, 0.05]}})
    assert set(p["cost_of_capital"].values) == {0.0, 0.05}


def test_a_sweep_says_what_each_points_cost_rests_on(tmp_path, capsys):
    from inferonomics import cli

    raw = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": ["h100-sxm", "gaudi2"]},
           "workload": {**WORKLOAD, "batch": [8, 16]}}
    bases = inferonomics.sweep(raw, samples=200).metadata()["price_basis"]
    assert bases["hardware.id = h100-sxm"].startswith("rent at h100-sxm.rent.specialist")
    assert bases["hardware.id = gaudi2"].startswith("own at gaudi2.purchase.usd")
    from inferonomics.io.toml_text import to_toml
    f = tmp_path / "s.toml"
    f.write_text(to_toml(raw))
    assert cli.main(["sweep", str(f), "--samples", "200"]) == 0
    out = capsys.readouterr().out
    assert "price basis (acquisition modes differ: own, rent):" in out
    assert "  hardware.id = gaudi2: own at gaudi2.purchase.usd" in out


def test_a_site_sets_grid_carbon_electricity_pue_and_water_and_says_so():
    p = plan("h100-sxm", {"mode": "own"}, site={"region": "us-tx", "facility": "hyperscale"})
    assert p["grid_gco2_per_kwh"].median() == pytest.approx(384.0)   # us-tx falls back to us
    assert p["usd_per_kwh"].median() == pytest.approx(0.066)
    assert (p["pue"].low, p["pue"].high) == (1.09, 1.2)
    assert "site us-tx/hyperscale: grid region.us.grid_gco2_per_kwh" in p.price_basis
    assert "electricity region.us-tx.usd_per_kwh" in p.price_basis


def test_a_rented_device_at_a_site_buys_no_electricity():
    p = plan("h100-sxm", site={"region": "fr"})
    assert p["usd_per_kwh"].median() == 0.0
    assert p["grid_gco2_per_kwh"].median() == pytest.approx(41.0)


def test_the_scenarios_own_energy_figures_win_over_the_site():
    p = plan("h100-sxm", energy={"pue": 1.5}, site={"facility": "hyperscale"})
    assert p["pue"].median() == 1.5


@pytest.mark.parametrize("site, path", [
    ({"region": "us-texas"}, "site.region"),
    ({"facility": "cloud"}, "site.facility"),
    ({"country": "fr"}, "site.country"),
    ("fr", "site"),
])
def test_a_bad_site_is_refused_naming_the_key(site, path):
    with pytest.raises(ScenarioError) as info:
        plan("h100-sxm", site=site)
    assert info.value.path == path


def test_set_can_name_a_site(tmp_path, capsys):
    from inferonomics import cli
    from inferonomics.io.toml_text import to_toml

    f = tmp_path / "s.toml"
    f.write_text(to_toml({"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h200"},
                          "workload": WORKLOAD}))
    assert cli.main(["run", str(f), "--samples", "500", "--set", 'site.region="de"']) == 0
    assert "site de: grid region.de.grid_gco2_per_kwh" in capsys.readouterr().out


@pytest.mark.parametrize("value", [[], {}, 1.0, "1", True, 2])
def test_a_term_that_is_not_one_or_three_is_refused_whatever_its_type(value):
    # Found by tests/test_fuzz.py: a list as term_years once raised TypeError (unhashable).
    with pytest.raises(ScenarioError, match="cost.term_years: must be 1 or 3"):
        plan("h100-sxm", {"mode": "reserved", "term_years": value})


def test_the_site_basis_leaves_out_what_the_scenario_gives():
    p = plan("h100-sxm", {"mode": "own", "usd_per_kwh": 0.2}, energy={"pue": 1.5},
             site={"region": "us-tx", "facility": "hyperscale"})
    assert "electricity" not in p.price_basis and "PUE" not in p.price_basis
    assert "grid region.us." in p.price_basis and "water facility.wue_onsite" in p.price_basis


def test_evaluate_batch_refuses_rows_that_lose_over_half_the_paid_time():
    p = plan("h100-sxm", {"mode": "spot"})
    with pytest.raises(ScenarioError, match=r"^cost.restart_s\[1\]: .* lose more than 50%"):
        inferonomics.evaluate_batch({"interruptions_per_hour": [0.1, 8.0], "restart_s": [300.0]},
                                    plan=p)


def test_a_sweeps_price_basis_is_labelled_by_the_values_that_decide_it():
    raw = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": ["h100-sxm", "h200"]},
           "workload": {**WORKLOAD, "batch": [8, 16]},
           "cost": {"usd_per_device_hour": [2.0, 3.0]}, "sweep": {"zip": [["hardware.id",
                                                                          "cost.usd_per_device_hour"]]}}
    bases = inferonomics.sweep(raw, samples=100).metadata()["price_basis"]
    assert set(bases) == {"hardware.id = h100-sxm, cost.usd_per_device_hour = 2.0",
                          "hardware.id = h200, cost.usd_per_device_hour = 3.0"}


def test_a_term_without_a_mode_means_a_reservation():
    assert plan("h100-sxm", {"term_years": 3}).price_basis.startswith(
        "reserved at h100-sxm.reserved.three_year")
