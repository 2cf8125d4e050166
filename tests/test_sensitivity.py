"""Sobol' indices and tornado swings: checked against functions with known indices, against SALib,
and on real scenarios where the answer follows from the model's structure (a rented device's cost
is proportional to its price and does not depend on the grid's carbon intensity)."""

import doctest
import json
import math

import numpy as np
import pytest

from inferonomics import ScenarioError
from inferonomics.cores import backends
from inferonomics.analysis import sensitivity
from inferonomics.model.registry import PARAMETERS, default_of, default_value
from inferonomics.analysis.sensitivity import sobol, sobol_indices, tornado

NATIVE = [name for name in ("c", "numba") if backends.unavailable_reason(name) is None]

# ------------------------------------------------------------------------------------------------
# Test functions with known indices
# ------------------------------------------------------------------------------------------------

ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    """Ishigami & Homma (1990), inputs uniform on [-pi, pi]."""
    return (np.sin(x[:, 0]) + ISHIGAMI_A * np.sin(x[:, 1]) ** 2
            + ISHIGAMI_B * x[:, 2] ** 4 * np.sin(x[:, 0]))


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B):
    """Analytic S1 and ST (Saltelli et al. 2008, "Global sensitivity analysis: the primer", 4.3)."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


ISHIGAMI_N = 2 ** 14
ISHIGAMI_TOL = 0.03
"""At N = 2**14 the 95% bootstrap half-widths are 0.007-0.022 (ST of x3 smallest, ST of x1
largest), so 0.03 is more than two standard errors of the widest; any estimator bug (a wrong
normalisation, A and B swapped in S1) is off by far more."""


def test_ishigami_indices_match_analytic_values_within_their_intervals():
    S1_true, ST_true = ishigami_indices()
    np.testing.assert_allclose(S1_true, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(ST_true, [0.5576, 0.4424, 0.2437], atol=1e-4)
    rng = np.random.default_rng(2024)
    A, B = rng.uniform(-np.pi, np.pi, size=(2, ISHIGAMI_N, 3))
    r = sobol_indices(ishigami, A, B, seed=1)
    assert r.names == ("x1", "x2", "x3") and r.N == ISHIGAMI_N
    assert r.evaluations == ISHIGAMI_N * 5
    np.testing.assert_allclose(r.S1, S1_true, atol=ISHIGAMI_TOL)
    np.testing.assert_allclose(r.ST, ST_true, atol=ISHIGAMI_TOL)
    half_widths = np.r_[r.S1_conf, r.ST_conf]
    assert ((half_widths > 0.002) & (half_widths < ISHIGAMI_TOL)).all()
    # Two half-widths of a 95% interval are about four standard errors.
    assert (np.abs(np.r_[r.S1, r.ST] - np.r_[S1_true, ST_true]) <= 2 * half_widths).all()
    # x3 acts only through its interaction with x1.
    assert r.ST[2] - r.S1[2] > 0.2
    assert r.ranked().names == ("x1", "x2", "x3")
    assert r.ranked("S1").names == ("x2", "x1", "x3")


def test_ishigami_intervals_cover_the_truth_at_their_nominal_rate():
    truth = np.r_[ishigami_indices()]
    replicates, N = 20, 2 ** 12
    estimates, half_widths = np.empty((replicates, 6)), np.empty((replicates, 6))
    for k in range(replicates):
        A, B = np.random.default_rng([N, k]).uniform(-np.pi, np.pi, size=(2, N, 3))
        r = sobol_indices(ishigami, A, B, seed=k + 1)
        estimates[k], half_widths[k] = np.r_[r.S1, r.ST], np.r_[r.S1_conf, r.ST_conf]
    # 120 intervals at 95%: about 6 misses expected; 18 would be five binomial standard deviations.
    assert np.mean(np.abs(estimates - truth) <= half_widths) >= 0.85
    # The half-width is z = 1.96 standard errors: compare with the spread between replicates.
    ratio = half_widths.mean(axis=0) / 1.96 / estimates.std(axis=0, ddof=1)
    assert np.all((ratio > 0.6) & (ratio < 1.6))


def test_additive_function_has_first_order_equal_total_order_equal_its_variance_share():
    coefficients = np.array([1.0, -2.0, 0.5, 0.0])
    sd = np.array([1.0, 1.0, 3.0, 5.0])
    shares = coefficients ** 2 * sd ** 2 / np.sum(coefficients ** 2 * sd ** 2)
    rng = np.random.default_rng(7)
    A, B = rng.normal(0.0, sd, size=(2, 8192, 4)) + 100.0    # a large mean must not matter
    r = sobol_indices(lambda x: x @ coefficients, A, B, names=list("abcd"), seed=3)
    np.testing.assert_allclose(r.S1, shares, atol=0.03)
    np.testing.assert_allclose(r.ST, shares, atol=0.03)
    # An input the function ignores gives AB_i == A row for row: exactly zero, with no spread.
    assert r.S1[3] == 0.0 and r.ST[3] == 0.0 and r.S1_conf[3] == 0.0 and r.ST_conf[3] == 0.0
    assert abs(r.output_var - np.sum(coefficients ** 2 * sd ** 2)) < 0.05 * r.output_var


def test_intervals_shrink_as_one_over_root_n():
    rng = np.random.default_rng(11)
    f = lambda x: x[:, 0] + x[:, 1] * x[:, 2]
    small = sobol_indices(f, *rng.uniform(size=(2, 2048, 3)), seed=1)
    large = sobol_indices(f, *rng.uniform(size=(2, 8 * 2048, 3)), seed=1)
    ratio = np.r_[large.S1_conf, large.ST_conf] / np.r_[small.S1_conf, small.ST_conf]
    assert np.all((ratio > 0.2) & (ratio < 0.55))         # sqrt(1/8) = 0.35


def test_estimator_equals_salib_on_salibs_own_design():
    pytest.importorskip("SALib")
    from SALib.analyze import sobol as salib_analyze
    from SALib.sample import sobol as salib_sample

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = salib_sample.sample(problem, 1024, calc_second_order=False, seed=3)
    # SALib's rows come in blocks of D + 2: A, AB_1 .. AB_D, B.
    A, B = X[0::5], X[4::5]
    np.testing.assert_array_equal(X[1::5][:, 1:], A[:, 1:])
    np.testing.assert_array_equal(X[1::5][:, 0], B[:, 0])
    ours = sobol_indices(ishigami, A, B, seed=7, num_resamples=50, conf_level=0.9)
    theirs = salib_analyze.analyze(problem, ishigami(X), calc_second_order=False,
                                   num_resamples=50, conf_level=0.9, seed=7)
    for key in ("S1", "ST", "S1_conf", "ST_conf"):    # same resamples for the same non-zero seed
        np.testing.assert_allclose(getattr(ours, key), theirs[key], rtol=1e-10, atol=1e-12)


def test_blockwise_evaluation_and_bootstrap_equal_one_block(monkeypatch):
    rng = np.random.default_rng(5)
    A, B = rng.uniform(-np.pi, np.pi, size=(2, 1000, 3))
    calls = []

    def f(x):
        calls.append(x.shape[0])
        return ishigami(x)

    whole = sobol_indices(f, A, B, seed=9)
    assert calls == [5000]
    monkeypatch.setattr(sensitivity, "MAX_ROWS_PER_CALL", 5 * 128)
    monkeypatch.setattr(sensitivity, "BOOTSTRAP_BLOCK_ELEMENTS", 100 * 37)
    calls.clear()
    blocks = sobol_indices(f, A, B, seed=9)
    assert len(calls) == 8 and sum(calls) == 5000
    for key in ("S1", "ST"):
        np.testing.assert_array_equal(getattr(blocks, key), getattr(whole, key))
    for key in ("S1_conf", "ST_conf"):
        np.testing.assert_allclose(getattr(blocks, key), getattr(whole, key), rtol=1e-12)


def test_constant_output_gives_zero_indices_with_a_warning():
    rng = np.random.default_rng(0)
    A, B = rng.uniform(size=(2, 100, 2))
    with pytest.warns(RuntimeWarning, match="constant"):
        r = sobol_indices(lambda x: np.full(x.shape[0], 3.0), A, B)
    assert r.output_var == 0.0 and not r.S1.any() and not r.ST.any() and not r.ST_conf.any()


@pytest.mark.parametrize("call, path", [
    (lambda A: sobol_indices(ishigami, A, A[:-1]), "B"),
    (lambda A: sobol_indices(ishigami, A[:, 0], A), "A"),
    (lambda A: sobol_indices(ishigami, A, np.where(A > 3, np.nan, A)), "B"),
    (lambda A: sobol_indices(ishigami, A, A, names=["a", "b"]), "names"),
    (lambda A: sobol_indices(lambda x: x, A, A), "f"),
    (lambda A: sobol_indices(lambda x: np.where(x[:, 0] > 0, x[:, 0], np.nan), A, A), "f"),
    (lambda A: sobol_indices(ishigami, A, A, num_resamples=1), "num_resamples"),
    (lambda A: sobol_indices(ishigami, A, A, conf_level=1.0), "conf_level"),
])
def test_sobol_indices_rejects_bad_arguments_naming_them(call, path):
    A = np.random.default_rng(0).uniform(-np.pi, np.pi, size=(50, 3))
    with pytest.raises(ScenarioError) as info:
        call(A)
    assert info.value.path == path


def test_result_is_immutable_and_serialises():
    r = sobol_indices(ishigami, *np.random.default_rng(1).uniform(-3, 3, size=(2, 256, 3)))
    with pytest.raises(ValueError):
        r.S1[0] = 1.0
    d = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert d["names"] == ["x1", "x2", "x3"] and d["ST"] == r.ST.tolist() and d["N"] == 256
    pd = pytest.importorskip("pandas")
    frame = r.to_pandas()
    assert list(frame.columns) == ["S1", "S1_conf", "ST", "ST_conf"]
    assert list(frame.index) == ["x1", "x2", "x3"]
    assert isinstance(frame, pd.DataFrame) and frame.loc["x2", "ST"] == r.ST[1]


def test_docstring_examples_run():
    assert doctest.testmod(sensitivity, raise_on_error=True).attempted >= 1


# ------------------------------------------------------------------------------------------------
# sobol() on scenarios
# ------------------------------------------------------------------------------------------------

# The library's default priors (MFU, MBU, overheads, PUE, host power, power exponent, water, ...)
# are uncertain in every scenario; fixing them all (at their medians, from the registry, so a new
# prior is fixed too) leaves exactly the inputs a test makes uncertain.
FIXED_PRIORS: dict = {}
for _p in PARAMETERS:
    if default_of(_p) is not None and not default_of(_p).is_fixed:
        FIXED_PRIORS.setdefault(_p.section, {})[_p.name] = default_value(_p)
FIXED_PRIORS["efficiency"].update({"mfu": 0.5, "mbu": 0.7, "comm_efficiency": 0.8,
                                   "step_overhead_ms": 1.0})
# Embodied carbon's prior comes from the price book (not the registry): fixed here too.
FIXED_PRIORS["energy"].update({"pue": 1.2, "host_w": 300.0, "power_exponent": 1.0,
                               "embodied_kgco2": 1000.0})
PRICE = {"dist": "uniform", "low": 1, "high": 4}
GRID = {"dist": "uniform", "low": 100, "high": 800}


def scenario(price=PRICE, grid=None, **workload):
    energy = dict(FIXED_PRIORS["energy"])
    if grid is not None:
        energy["grid_gco2_per_kwh"] = grid
    return {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
            "workload": {"batch": 8, "input_tokens": 512, "output_tokens": 128, **workload},
            "efficiency": FIXED_PRIORS["efficiency"], "energy": energy,
            "cost": {"usd_per_device_hour": price}}


def test_price_alone_explains_all_cost_variance():
    r = sobol(scenario(), samples=2048, seed=1)
    assert r.names == ("usd_per_device_hour",) and r.metric == "usd_per_mtok"
    assert r.S1[0] == pytest.approx(1.0, abs=0.05) and r.ST[0] == pytest.approx(1.0, abs=0.05)
    assert r.backend == backends.get_backend("auto").name and r.seed == 1


def test_each_input_explains_only_the_metric_it_enters():
    s = scenario(grid=GRID)
    cost = sobol(s, "usd_per_mtok", samples=2048, seed=4)
    carbon = sobol(s, "gco2_per_mtok", samples=2048, seed=4)
    assert cost.names == carbon.names == ("grid_gco2_per_kwh", "usd_per_device_hour")
    # Rented cost ignores the grid, and carbon ignores the price, row for row: exactly zero.
    assert cost.S1[0] == cost.ST[0] == 0.0 and carbon.S1[1] == carbon.ST[1] == 0.0
    assert cost.ST[1] == pytest.approx(1.0, abs=0.05) and cost.S1[1] == pytest.approx(1, abs=0.05)
    assert carbon.ST[0] == pytest.approx(1.0, abs=0.05)
    assert carbon.ranked().names == ("grid_gco2_per_kwh", "usd_per_device_hour")


def test_same_seed_gives_the_same_result_whatever_the_thread_count():
    s = scenario(grid=GRID)
    one = sobol(s, samples=512, seed=8, threads=1)
    two = sobol(s, samples=512, seed=8, threads=2)
    other = sobol(s, samples=512, seed=9, threads=2)
    assert one.to_dict() == two.to_dict()
    assert other.to_dict()["ST"] != one.to_dict()["ST"]


@pytest.mark.parametrize("backend", NATIVE)
def test_native_cores_give_the_reference_indices(backend):
    s = scenario(grid=GRID, output_tokens={"dist": "lognormal", "median": 128, "sigma": 0.5})
    ref = sobol(s, "joules_per_token", samples=64, seed=2, backend="reference")
    native = sobol(s, "joules_per_token", samples=64, seed=2, backend=backend)
    assert ref.names == native.names and native.backend == backend
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        np.testing.assert_allclose(getattr(native, key), getattr(ref, key), rtol=1e-9, atol=1e-9)


def test_unknown_metric_is_rejected_with_a_suggestion():
    with pytest.raises(ScenarioError, match="did you mean: usd_per_mtok") as info:
        sobol(scenario(), "usd_per_mtk")
    assert info.value.path == "metric"
    with pytest.raises(ScenarioError, match="unknown metric"):
        tornado(scenario(), "status")


def test_scenario_without_uncertain_inputs_is_rejected():
    with pytest.raises(ScenarioError, match="no uncertain inputs"):
        sobol(scenario(price=2.0), samples=64)
    with pytest.raises(ScenarioError, match="no uncertain inputs"):
        tornado(scenario(price=2.0))


def test_sweep_axes_must_be_fixed_first():
    with pytest.raises(ScenarioError, match="sweep axis") as info:
        sobol(scenario(batch=[1, 8]), samples=64)
    assert info.value.path == "workload.batch"
    with pytest.raises(ScenarioError, match="sweep axis"):
        tornado(scenario(batch=[1, 8]))


def l4(model: str, batch_high: float, **workload) -> dict:
    return {"model": {"id": model}, "hardware": {"id": "l4"},
            "cost": {"usd_per_device_hour": 0.8},
            "workload": {"batch": {"dist": "uniform", "low": 1, "high": batch_high},
                         "input_tokens": 2048, "output_tokens": 512, **workload}}


def test_infeasible_samples_are_reported_not_dropped():
    with pytest.raises(ScenarioError, match=r"of (\d+) evaluations, \1 do not fit in memory: the "
                       "configuration is infeasible whatever"):
        sobol(l4("llama-3.1-405b", 64), samples=64, seed=0)
    # Llama-2-7B at 2k context fits about 6 sequences on an L4: larger batches do not.
    with pytest.raises(ScenarioError, match=r"of \d+ evaluations, \d+ do not fit in memory; Sobol "
                       r"indices need every sample feasible: narrow workload.batch \(moving it "
                       r"alone"):
        sobol(l4("llama-2-7b", 100), samples=64, seed=0)
    # About half its samples miss a 0.1 s time per output token.
    with pytest.raises(ScenarioError, match=r"of \d+ evaluations, \d+ miss a latency target .*"
                       r"narrow .*workload.batch.* or drop the latency targets"):
        sobol(l4("llama-2-7b", 6, tpot_slo_s=0.1), samples=64, seed=0)


@pytest.mark.parametrize("kwargs, path", [
    ({"samples": 10}, "samples"), ({"samples": 64.0}, "samples"), ({"samples": True}, "samples"),
    ({"samples": 2 ** 30}, "samples"), ({"seed": -1}, "seed"), ({"threads": 0}, "threads"),
    ({"conf_level": 0}, "conf_level"), ({"num_resamples": 0}, "num_resamples"),
])
def test_bad_options_are_rejected_naming_them(kwargs, path):
    with pytest.raises(ScenarioError) as info:
        sobol(scenario(), **kwargs)
    assert info.value.path == path


# ------------------------------------------------------------------------------------------------
# tornado()
# ------------------------------------------------------------------------------------------------

def test_example_tornado_is_sorted_and_price_swing_is_proportional(example_path):
    t = tornado(example_path, "usd_per_mtok")
    swings = [r.swing for r in t.rows]
    assert swings == sorted(swings, reverse=True) and t.base_status == "ok"
    assert {"usd_per_device_hour", "grid_gco2_per_kwh", "input_tokens"} <= set(t.names)
    price = next(r for r in t.rows if r.name == "usd_per_device_hour")
    median = t.medians["usd_per_device_hour"]
    assert price.low_input < median < price.high_input
    # Rented cost is proportional to the hourly price.
    expected = (price.high_input - price.low_input) / median * t.base
    assert price.swing == pytest.approx(expected, rel=1e-9)
    assert price.value_high == pytest.approx(t.base * price.high_input / median, rel=1e-12)
    # Rented cost does not depend on the grid's carbon intensity.
    grid = next(r for r in t.rows if r.name == "grid_gco2_per_kwh")
    assert grid.swing == 0.0 and grid.value_low == grid.value_high == t.base
    assert t.rows[-1].swing == 0.0 and not t.infeasible
    carbon = tornado(example_path, "gco2_per_mtok")
    assert next(r for r in carbon.rows if r.name == "usd_per_device_hour").swing == 0.0
    assert carbon.rows[0].swing > 0.0


def test_tornado_quantiles_are_drawn_values_of_each_input():
    s = scenario(grid=GRID, batch={"dist": "uniform", "low": 1, "high": 16})
    t = tornado(s, low=0.1, high=0.9, samples=4096, seed=3)
    by_name = {r.name: r for r in t.rows}
    # Empirical quantiles of uniform draws sit near the analytic ones; an integer stays integer.
    assert by_name["usd_per_device_hour"].low_input == pytest.approx(1.3, abs=0.05)
    assert by_name["usd_per_device_hour"].high_input == pytest.approx(3.7, abs=0.05)
    assert by_name["batch"].low_input == float(round(by_name["batch"].low_input))
    assert t.medians["batch"] == 9.0     # 8.5 rounded half up, as Plan.medians does
    assert tornado(s, low=0.1, high=0.9, samples=4096, seed=3) == t


@pytest.mark.parametrize("backend", NATIVE)
def test_tornado_reference_and_native_cores_agree(backend):
    s = scenario(grid=GRID, batch={"dist": "uniform", "low": 1, "high": 16})
    ref = tornado(s, samples=256, backend="reference")
    native = tornado(s, samples=256, backend=backend)
    assert ref.names == native.names
    for a, b in zip(ref.rows, native.rows):
        assert (a.low_input, a.high_input) == (b.low_input, b.high_input)
        assert b.swing == pytest.approx(a.swing, rel=1e-9, abs=1e-12)


def test_tornado_reports_ends_that_do_not_fit_explicitly():
    t = tornado(l4("llama-2-7b", 10), samples=256)
    first = t.rows[0]
    assert first.name == "batch" and first.status_low == "ok" and first.status_high == "memory"
    assert math.isnan(first.value_high) and math.isnan(first.swing) and not first.feasible
    assert t.infeasible == (first,)
    row = json.loads(json.dumps(t.to_dict(), allow_nan=False))["rows"][0]
    assert row["value_high"] is None and row["status_high"] == "memory"
    pytest.importorskip("pandas")
    frame = t.to_pandas()
    assert frame.index[0] == "batch" and frame.loc["batch", "status_high"] == "memory"


def test_tornado_needs_a_feasible_base_point():
    with pytest.raises(ScenarioError, match="at its median .* does not fit in memory"):
        tornado(l4("llama-2-7b", 100), samples=256)


@pytest.mark.parametrize("kwargs, path", [
    ({"low": -0.1}, "low"), ({"high": 1.5}, "high"), ({"low": 0.9, "high": 0.1}, "low"),
    ({"samples": 8}, "samples"), ({"seed": "x"}, "seed"),
])
def test_tornado_rejects_bad_options_naming_them(kwargs, path):
    with pytest.raises(ScenarioError) as info:
        tornado(scenario(), **kwargs)
    assert info.value.path == path
