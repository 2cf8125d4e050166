"""Decisions: ranking under constraints, the Pareto frontier (against brute force), comparisons on
common random numbers (against the stored samples) and break-even values."""

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import inferonomics as inf
from inferonomics.model.constraints import parse_constraint, parse_objective
from inferonomics.analysis.decisions import (best, break_even, compare, compare_points, pareto_front,
                                    sweep_pareto)
from inferonomics.errors import ScenarioError
from inferonomics.analysis.sweeps import sweep


def brute_force_front(points, maximize=None):
    pts = np.array(points, dtype=float)
    if maximize is not None:
        pts[:, np.asarray(maximize, dtype=bool)] *= -1
    n = len(pts)
    out = np.zeros(n, dtype=bool)
    for i in range(n):
        if np.isnan(pts[i]).any():
            continue
        out[i] = not any(
            not np.isnan(pts[j]).any() and (pts[j] <= pts[i]).all() and (pts[j] < pts[i]).any()
            for j in range(n) if j != i)
    return out


values = st.one_of(st.integers(0, 6).map(float), st.just(math.nan), st.just(math.inf),
                   st.just(-math.inf), st.floats(-1e6, 1e6, allow_nan=False))


@given(hnp.arrays(np.float64, st.tuples(st.integers(0, 60), st.integers(2, 3)), elements=values),
       st.data())
def test_pareto_front_equals_brute_force(points, data):
    maximize = data.draw(st.none() | st.lists(st.booleans(), min_size=points.shape[1],
                                              max_size=points.shape[1]))
    got = pareto_front(points, maximize)
    assert np.array_equal(got, brute_force_front(points, maximize))


def test_pareto_front_keeps_equal_points_and_drops_nan():
    pts = [[1, 5], [1, 5], [2, 4], [2, 6], [3, 1], [math.nan, 0], [3, 1], [4, 1]]
    assert pareto_front(pts).tolist() == [True, True, True, False, True, False, True, False]


def test_pareto_front_is_fast_for_a_million_points():
    import time

    rng = np.random.default_rng(0)
    pts = rng.random((1_000_000, 2))
    t = time.perf_counter()
    front = pareto_front(pts)
    assert front.sum() < 100
    assert time.perf_counter() - t < 10   # O(n log n): about a second; O(n^2) would be hours


@pytest.fixture(scope="module")
def llama70():
    return inf.load_scenario({
        "model": {"id": "llama-3.1-70b"},
        "hardware": {"id": ["h100-sxm", "h200", "mi300x", "a100-sxm-80gb"], "count": [2, 4, 8]},
        "precision": {"weight_bits": 8, "activation_bits": 8, "kv_bits": 8},
        "workload": {"batch": [8, 32, 128], "input_tokens": {"dist": "uniform", "low": 500,
                                                             "high": 3000},
                     "output_tokens": 300},
        "cost": {"usd_per_device_hour": [3.0, 4.0, 2.5, 1.8]},
        "sweep": {"zip": [["hardware.id", "cost.usd_per_device_hour"]]}})


@pytest.fixture(scope="module")
def llama70_result(llama70):
    return sweep(llama70, samples=2000, seed=1, quantiles=(0.05, 0.5, 0.9, 0.95))


def test_best_keeps_points_meeting_every_constraint_ordered_by_the_objective(llama70_result):
    r = llama70_result
    ranking = best(r, ["tpot_s_p95 <= 0.04", "ttft_s_p90 < 1.0"], "usd_per_mtok_p50", top=5)
    df = r.to_pandas()
    expected = df[(df.feasible_fraction >= 0.95) & (df.tpot_s_p95 <= 0.04) & (df.ttft_s_p90 < 1.0)]
    expected = expected.sort_values("usd_per_mtok_p50", kind="stable")
    assert ranking.meeting == len(expected) > 0
    assert list(ranking.rows) == list(expected.index[:5])
    table = ranking.table()
    assert (table["tpot_s_p95"] <= 0.04).all()
    assert list(table) == ["hardware.id", "cost.usd_per_device_hour", "hardware.count",
                           "workload.batch", "usd_per_mtok_p50", "feasible_fraction", "tpot_s_p95",
                           "ttft_s_p90"]


def test_throughput_objective_is_maximised(llama70_result):
    ranking = best(llama70_result, [], "tokens_per_s_p50", top=3)
    col = llama70_result.column("tokens_per_s", "p50")
    assert col[ranking.best] == np.nanmax(col[llama70_result.feasible_fraction >= 0.95])


def test_no_point_meeting_the_constraints_gives_the_nearest_misses(llama70_result):
    ranking = best(llama70_result, ["tpot_s_p95 <= 0.001"], top=3)
    assert ranking.meeting == 0 and ranking.best is None
    tpot = llama70_result.column("tpot_s", "p95")
    ok = llama70_result.feasible_fraction >= 0.95
    assert tpot[ranking.misses[0]] == np.nanmin(tpot[ok])
    assert "nearest_misses" in ranking.to_dict()


def test_constraints_from_the_scenario_sweep_table(llama70):
    raw = dict(llama70.raw)
    raw["sweep"] = dict(raw["sweep"], constraints=["tpot_s_p95 <= 0.04"],
                        objective="usd_per_mtok_p90", min_feasible=1.0)
    result = sweep(raw, samples=500, seed=1, quantiles=(0.5, 0.9, 0.95))
    ranking = best(result)
    assert str(ranking.objective) == "minimise usd_per_mtok_p90"
    assert [str(c) for c in ranking.constraints] == ["tpot_s_p95 <= 0.04"]
    assert ranking.min_feasible == 1.0


@pytest.mark.parametrize("text, message", [
    ("tpot_s_p95 = 0.04", "must look like"),
    ("tpot_p95 <= 0.04", "unknown metric column"),
    ("tpot_s_q95 <= 0.04", "unknown statistic"),
    (42, "must look like"),
])
def test_bad_constraints_are_refused(text, message):
    with pytest.raises(ScenarioError, match=message):
        parse_constraint(text)


def test_bad_constraint_in_a_scenario_fails_when_it_loads(llama70):
    raw = dict(llama70.raw)
    raw["sweep"] = dict(raw["sweep"], constraints=["cost_p50 < 1"])
    with pytest.raises(ScenarioError, match=r"sweep.constraints\[0\]: unknown metric column"):
        inf.load_scenario(raw)


def test_a_constraint_on_a_quantile_the_sweep_did_not_keep_is_an_error(llama70_result):
    with pytest.raises(ScenarioError, match="p99 was not computed"):
        best(llama70_result, ["tpot_s_p99 <= 0.04"])
    assert parse_objective("tokens_per_s_p50").maximize


def test_sweep_pareto_matches_brute_force_on_a_sweep(llama70_result):
    front = sweep_pareto(llama70_result, ["usd_per_mtok_p50", "tpot_s_p95"])
    pts = np.column_stack([llama70_result.column("usd_per_mtok", "p50"),
                           llama70_result.column("tpot_s", "p95")])
    assert np.array_equal(front, brute_force_front(pts))
    assert front.sum() >= 2


# ------------------------------------------------------------------------------------------------
# Comparisons
# ------------------------------------------------------------------------------------------------

def option(hardware, price, count=4):
    return {"model": {"id": "llama-3.1-70b"}, "hardware": {"id": hardware, "count": count},
            "workload": {"batch": 32, "input_tokens": {"dist": "lognormal", "median": 1000,
                                                       "sigma": 0.5},
                         "output_tokens": {"dist": "uniform", "low": 100, "high": 600}},
            "precision": {"weight_bits": 8, "activation_bits": 8, "kv_bits": 8},
            "cost": {"usd_per_device_hour": price}}


def test_compare_probability_and_difference_equal_the_stored_sample_computation():
    a = option("h100-sxm", {"dist": "uniform", "low": 2.0, "high": 4.0})
    b = option("h200", {"dist": "triangular", "low": 2.5, "mode": 3.5, "high": 5.0})
    n = 150_000   # more than one chunk
    c = compare(a, b, "usd_per_mtok", samples=n, seed=9)
    ta = inf.simulate(a, samples=n, seed=9, keep_samples=True).to_pandas()
    tb = inf.simulate(b, samples=n, seed=9, keep_samples=True).to_pandas()
    both = (ta.status == "ok") & (tb.status == "ok")
    va, vb = ta.usd_per_mtok[both].to_numpy(), tb.usd_per_mtok[both].to_numpy()
    assert c.both_feasible == both.sum()
    assert c.p_a_lower == (va < vb).mean()
    assert c.mean_difference == pytest.approx((va - vb).mean(), rel=1e-10)
    sd = (va - vb).std(ddof=1) / math.sqrt(len(va))
    assert c.mean_difference_ci[1] - c.mean_difference == pytest.approx(1.959964 * sd, rel=1e-5)
    assert c.p_a_lower_ci[0] < c.p_a_lower < c.p_a_lower_ci[1]


def test_an_option_compared_with_itself_ties_in_every_sample():
    a = option("h100-sxm", 3.0)
    c = compare(a, a, "tpot_s", samples=5000)
    assert c.p_equal == 1.0 and c.p_a_lower == 0.0 and c.mean_difference == 0.0


def test_break_even_price_makes_the_mean_costs_equal():
    a = option("h100-sxm", 3.0)
    b = option("h200", 1.0)
    # cost per token is proportional to the price when the price is fixed, so the break-even
    # price of B is 1 * mean(A) / mean(B at $1)
    c = compare(a, b, samples=1 << 16, seed=0)
    be = break_even(a, b, "cost.usd_per_device_hour", low=0.5, high=20.0, seed=0)
    assert be.value == pytest.approx(c.mean_a / c.mean_b, rel=1e-6)
    assert compare(a, option("h200", be.value), samples=1 << 16, seed=0).mean_difference == \
        pytest.approx(0.0, abs=1e-6 * c.mean_a)


def test_break_even_outside_the_bracket_says_so():
    be = break_even(option("h100-sxm", 3.0), option("h200", 1.0), "cost.usd_per_device_hour",
                    low=0.5, high=0.6)
    assert be.value is None and be.difference_at_low > 0 and be.difference_at_high > 0


def test_break_even_refuses_inputs_without_one_and_explains_infeasible_ends():
    a, b = option("h100-sxm", 3.0), option("h200", 1.0)
    with pytest.raises(ScenarioError, match="takes whole numbers"):
        break_even(a, b, "workload.batch")
    owned = dict(option("h200", 1.0), cost={"mode": "own", "purchase_usd": 30000.0})
    with pytest.raises(ScenarioError, match="is 0 in option B"):
        break_even(a, owned, "cost.usd_per_device_hour")
    # B stops fitting in memory when its usable fraction is tiny: no sample where both run.
    be = break_even(a, b, "efficiency.memory_usable_fraction", low=0.01, high=0.9)
    assert be.value is None and "no sample where both options run" in be.reason


def test_compare_points_evaluates_the_baseline_once_and_keeps_finished_points_on_ctrl_c(
        llama70, interrupt_comparison_at_call):
    calls = interrupt_comparison_at_call(4)
    with pytest.warns(RuntimeWarning, match="keeping the 2 of"):
        out = compare_points(llama70, 0, samples=500)
    assert len(out) == 2 and len(calls) == 4   # baseline once, then one call per point


def test_one_option_against_every_other_point_of_a_sweep(llama70):
    out = compare_points(llama70, {"hardware.id": "h100-sxm", "cost.usd_per_device_hour": 3.0,
                                   "hardware.count": 4, "workload.batch": 32},
                         samples=2000)
    assert len(out) == llama70.grid_size - 1
    assignment, c = out[0]
    assert assignment["hardware.id"] == "h100-sxm"
    with pytest.raises(ScenarioError, match="matches 3 grid points"):
        compare_points(llama70, {"hardware.id": "h100-sxm", "hardware.count": 4}, samples=10)
    with pytest.raises(ScenarioError, match="not a sweep axis"):
        compare_points(llama70, {"hardware.cnt": 4}, samples=10)


def test_a_sweep_of_one_point_has_nothing_to_compare():
    with pytest.raises(ScenarioError, match="one grid point, nothing to compare"):
        compare_points(dict(option("h100-sxm", 3.0), hardware={"id": ["h100-sxm"], "count": 4}))


def test_compare_checks_its_arguments():
    a = option("h100-sxm", 3.0)
    with pytest.raises(ScenarioError, match="unknown metric 'usd_per_mtk'"):
        compare(a, a, "usd_per_mtk")
    with pytest.raises(ScenarioError, match="samples"):
        compare(a, a, samples=1)
    with pytest.raises(ScenarioError, match="unknown input"):
        break_even(a, a, "cost.usd_per_hour")


def test_a_pareto_front_under_a_mask_holds_only_the_points_the_table_ranks():
    """plot pareto draws the front of the points the table ranks (feasible often enough, meeting
    the scenario's constraints), not of every point."""
    from inferonomics.analysis.decisions import best, sweep_pareto

    path = Path(__file__).resolve().parents[1] / "examples" / "cheapest-gpu-llama-3.1-70b.toml"
    result = inf.sweep(path, samples=500, seed=0)
    ranking = best(result)
    front = sweep_pareto(result, ["usd_per_mtok_p50", "tpot_s_p95"], mask=ranking.eligible)
    unmasked = sweep_pareto(result, ["usd_per_mtok_p50", "tpot_s_p95"])
    assert front.any() and not (front & ~ranking.eligible).any()
    assert (unmasked & ~ranking.eligible).any()     # without the mask, excluded points would show


def test_relative_difference_is_over_the_baselines_magnitude_so_better_stays_positive():
    from inferonomics.analysis.decisions import Comparison

    c = Comparison("net_value_usd_per_request", 100, 100, 0, 0, 0.0, (0.0, 0.04), 0.0,
                   -0.0004, -0.0008, 0.0004, (0.0003, 0.0005), 1.0, (0.96, 1.0))
    assert c.relative_difference == pytest.approx(0.5)
    assert c.p_a_better == 1.0
