"""Is the better model worth it (issue 12): the [quality] inputs and the cost and value per request.

usd_per_request is one request's output tokens at the cost per token, once per model call;
usd_per_success is the cost-of-pass of Erol et al. (2025, arXiv:2504.13359), usd_per_request /
p_success; net_value_usd_per_request is p_success x value - (1 - p_success) x failure cost -
usd_per_request. Each identity is read back from the model, on the reference and on every core.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import inferonomics
from inferonomics.analysis.decisions import compare_points
from inferonomics.cores import backends
from inferonomics.errors import ScenarioError
from inferonomics.model import reference
from inferonomics.model.registry import (HIGHER, LOWER, METRIC_BY_NAME, METRIC_NAMES,
                                         PARAMETER_BY_PATH, TABLE_METRICS)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quality-llama-8b-70b-405b.toml"
NATIVE = [name for name in ("c", "numba") if backends.unavailable_reason(name) is None]
QUALITY_METRICS = ("usd_per_request", "usd_per_success", "net_value_usd_per_request")
QUALITY_INPUTS = ("p_success", "value_usd_per_success", "cost_usd_per_failure", "attempts")

BASE = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
        "workload": {"batch": 8, "input_tokens": 1000, "output_tokens": 200},
        "cost": {"usd_per_device_hour": 2.0}}
QUALITY = {"p_success": {"dist": "triangular", "low": 0.6, "mode": 0.7, "high": 0.8},
           "value_usd_per_success": {"dist": "uniform", "low": 0.001, "high": 0.01},
           "cost_usd_per_failure": {"dist": "uniform", "low": 0.0, "high": 0.005},
           "attempts": {"dist": "uniform", "low": 1.0, "high": 3.0}}


def with_quality(raw: dict, quality: dict) -> dict:
    out = {k: dict(v) for k, v in raw.items()}
    out["quality"] = dict(quality)
    return out


def model_at(**changes) -> tuple[dict, reference.Outputs]:
    """The BASE scenario at its medians, with ``changes``: (inputs, outputs)."""
    inputs = inferonomics.load_scenario(BASE).resolve().medians()
    inputs.update(changes)
    out = reference.evaluate(**inputs)
    assert out.status == reference.STATUS_OK
    return inputs, out


# ----------------------------------------------------------------------------------------------
# The registry entries
# ----------------------------------------------------------------------------------------------

def test_quality_inputs_have_their_own_frozen_streams():
    streams = {name: PARAMETER_BY_PATH[f"quality.{name}"].stream for name in QUALITY_INPUTS}
    assert streams == {"p_success": 58, "value_usd_per_success": 59,
                       "cost_usd_per_failure": 60, "attempts": 61}


def test_cost_metrics_are_lower_better_and_net_value_higher_better():
    assert METRIC_BY_NAME["usd_per_request"].better == LOWER
    assert METRIC_BY_NAME["usd_per_success"].better == LOWER
    assert METRIC_BY_NAME["net_value_usd_per_request"].better == HIGHER
    assert all(METRIC_BY_NAME[m].unit == "USD" for m in QUALITY_METRICS)
    # The table shows the cost per request; the other two only mean something with [quality].
    assert "usd_per_request" in TABLE_METRICS
    assert not {"usd_per_success", "net_value_usd_per_request"} & set(TABLE_METRICS)


# ----------------------------------------------------------------------------------------------
# The formulas
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("beams", [1.0, 4.0])
def test_cost_per_request_is_the_replica_time_a_request_holds_at_the_hourly_price(beams):
    # Rented at full utilisation, a replica of `count` devices costs count x price per hour and
    # finishes `batch` requests every e2e_s (Little's law): a request costs
    # count x price x e2e_s / 3600 / batch, whatever the tokens per request or the beam width.
    x, y = model_at(beams=beams)
    expected = x["count"] * x["usd_per_device_hour"] * y.e2e_s / reference.SECONDS_PER_HOUR / y.batch
    assert y.usd_per_request == pytest.approx(expected, rel=1e-12)


def test_cost_per_request_is_its_output_tokens_at_the_cost_per_token():
    x, y = model_at(output_tokens=321.0)
    assert y.usd_per_request == pytest.approx(y.usd_per_mtok * 321.0 / 1e6, rel=1e-15)


@pytest.mark.parametrize("attempts", [1.0, 2.5, 16.0, 100.0])
def test_attempts_multiply_the_cost_per_request_and_nothing_else(attempts):
    _, once = model_at(attempts=1.0)
    _, y = model_at(attempts=attempts)
    assert y.usd_per_request == pytest.approx(attempts * once.usd_per_request, rel=1e-14)
    for name in METRIC_NAMES:
        if name not in QUALITY_METRICS:
            assert getattr(y, name) == getattr(once, name), name


@pytest.mark.parametrize("p_success", [1e-6, 0.3, 0.62, 1.0])
def test_cost_of_pass_is_the_cost_per_request_over_p_success(p_success):
    _, y = model_at(p_success=p_success, attempts=2.0)
    assert y.usd_per_success == pytest.approx(y.usd_per_request / p_success, rel=1e-15)
    assert y.usd_per_success >= y.usd_per_request


@pytest.mark.parametrize("p, value, failure", [(0.83, 0.05, 0.02), (0.5, 0.0, 1.0),
                                               (1.0, 0.01, 5.0), (1e-6, 1e12, 1e12)])
def test_net_value_is_value_of_successes_less_cost_of_failures_less_the_cost_to_run(p, value,
                                                                                    failure):
    _, y = model_at(p_success=p, value_usd_per_success=value, cost_usd_per_failure=failure)
    expected = p * value - (1 - p) * failure - y.usd_per_request
    assert y.net_value_usd_per_request == pytest.approx(expected, rel=1e-12, abs=1e-18)


def test_without_quality_inputs_cost_of_pass_is_the_cost_per_request_and_net_value_minus_it():
    # The defaults: every request succeeds, is worth nothing and fails at no cost, in one call.
    _, y = model_at()
    assert y.usd_per_success == y.usd_per_request
    assert y.net_value_usd_per_request == -y.usd_per_request
    assert y.usd_per_request == pytest.approx(y.usd_per_mtok * 200.0 / 1e6, rel=1e-15)


def test_a_sample_that_does_not_fit_has_no_cost_or_value_per_request():
    # As for every cost metric: only the memory figures of a sample that does not fit are numbers.
    inputs = inferonomics.load_scenario(BASE).resolve().medians()
    inputs.update(total_params_b=400.0, active_params_b=400.0, p_success=0.9,
                  value_usd_per_success=1.0)
    y = reference.evaluate(**inputs)
    assert y.status == reference.STATUS_MEMORY
    for name in QUALITY_METRICS:
        assert math.isnan(getattr(y, name)), name


# ----------------------------------------------------------------------------------------------
# Scenarios, every core
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["reference"] + NATIVE)
def test_quality_inputs_leave_every_other_metric_and_draw_unchanged(backend):
    # New inputs take new random streams: the same seed draws every other input as before, so
    # every other metric is the same sample for sample.
    samples = 300 if backend == "reference" else 5000
    without = inferonomics.simulate(BASE, samples=samples, seed=5, backend=backend,
                                    keep_samples=True).to_pandas()
    given = inferonomics.simulate(with_quality(BASE, QUALITY), samples=samples, seed=5,
                                  backend=backend, keep_samples=True).to_pandas()
    assert (without["status"] == given["status"]).all()
    for column in without.columns:
        name = column.removeprefix("in.")
        if name in QUALITY_METRICS or name in QUALITY_INPUTS or column == "status":
            continue
        np.testing.assert_array_equal(without[column].to_numpy(), given[column].to_numpy(),
                                      err_msg=column)
    # ... and the quality inputs were drawn and used.
    assert given["in.p_success"].between(0.6, 0.8).all() and given["in.p_success"].nunique() > 10
    assert not np.allclose(given["usd_per_request"], without["usd_per_request"])


@pytest.mark.parametrize("backend", ["reference"] + NATIVE)
def test_every_core_computes_the_identities_sample_by_sample(backend):
    frame = inferonomics.simulate(with_quality(BASE, QUALITY), samples=2000, seed=3,
                                  backend=backend, keep_samples=True).to_pandas()
    ok = frame[frame["status"] == "ok"]
    assert len(ok) == len(frame)
    p, v, c, n = (ok[f"in.{k}"] for k in QUALITY_INPUTS)
    np.testing.assert_allclose(ok["usd_per_request"],
                               ok["usd_per_mtok"] * ok["in.output_tokens"] * n / 1e6, rtol=1e-14)
    np.testing.assert_allclose(ok["usd_per_success"], ok["usd_per_request"] / p, rtol=1e-15)
    np.testing.assert_allclose(ok["net_value_usd_per_request"],
                               p * v - (1 - p) * c - ok["usd_per_request"], rtol=1e-12)


# ----------------------------------------------------------------------------------------------
# Bad values
# ----------------------------------------------------------------------------------------------

BAD_VALUES = [("p_success", 0), ("p_success", 1.5), ("p_success", -0.2),
              ("p_success", {"dist": "triangular", "low": 0.8, "mode": 0.9, "high": 1.1}),
              ("p_success", {"dist": "normal", "mean": 0.8, "sd": 0.1}),
              ("attempts", 0.5), ("attempts", 101), ("value_usd_per_success", -1.0),
              ("cost_usd_per_failure", 1e13)]


@pytest.mark.parametrize("key, value", BAD_VALUES, ids=[f"{k}={v}" for k, v in BAD_VALUES])
def test_values_outside_their_range_are_refused_naming_the_key_and_the_range(key, value):
    path = f"quality.{key}"
    with pytest.raises(ScenarioError) as info:
        inferonomics.load_scenario(with_quality(BASE, {key: value})).resolve()
    message = str(info.value)
    assert path in message
    assert PARAMETER_BY_PATH[path].range_text() in message


def test_p_success_of_zero_exits_2_with_one_line_naming_the_key(tmp_path):
    scenario = tmp_path / "zero.toml"
    scenario.write_text('[model]\nid = "llama-3.1-8b"\n[hardware]\nid = "h100-sxm"\n'
                        '[workload]\nbatch = 8\ninput_tokens = 1000\noutput_tokens = 200\n'
                        '[quality]\np_success = 0\n')
    done = subprocess.run([sys.executable, "-m", "inferonomics", "run", str(scenario),
                           "--samples", "100"], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "quality.p_success" in done.stderr and "[1e-06, 1]" in done.stderr


def test_a_quality_key_in_another_section_is_pointed_to_quality():
    raw = {k: dict(v) for k, v in BASE.items()}
    raw["workload"]["p_success"] = 0.9
    with pytest.raises(ScenarioError, match=r"quality\.p_success"):
        inferonomics.load_scenario(raw)


# ----------------------------------------------------------------------------------------------
# The decision: is the better model worth it?
# ----------------------------------------------------------------------------------------------

def p_higher(comparison) -> float:
    """P(the point's value is higher than the baseline's): compare's P(higher), which a higher-is-
    better metric reports as its P(better), and which with P(lower) and ties makes 1."""
    assert comparison.p_a_better == comparison.p_a_higher
    assert comparison.p_a_higher + comparison.p_a_lower + comparison.p_equal == pytest.approx(1.0)
    return comparison.p_a_higher


def compared_with_8b(scenario) -> dict:
    pairs = compare_points(scenario, {"model.id": "llama-3.1-8b"}, "net_value_usd_per_request",
                           samples=20_000, seed=0)
    return {point["model.id"]: c for point, c in pairs}


def test_compare_across_the_example_gives_p_70b_has_higher_net_value_than_8b():
    by_model = compared_with_8b(EXAMPLE)
    assert set(by_model) == {"llama-3.1-70b", "llama-3.1-405b"}
    c70 = by_model["llama-3.1-70b"]
    assert c70.both_feasible > 19_000
    assert p_higher(c70) > 0.95 and c70.mean_difference_ci[0] > 0
    # The 405B answers more requests well but at a price per request that its users' (illustrative)
    # value of a success does not repay: its net value is lower than the 8B's.
    c405 = by_model["llama-3.1-405b"]
    assert p_higher(c405) < 0.5 and c405.mean_difference_ci[1] < 0


def test_the_most_accurate_model_wins_once_a_success_is_worth_enough():
    # Same models, accuracies and costs; a success worth 1 USD instead of half a cent makes the
    # accuracy gap dominate the cost gap.
    raw = inferonomics.load_scenario(EXAMPLE).with_values({"quality.value_usd_per_success": 1.0})
    by_model = compared_with_8b(raw)
    assert p_higher(by_model["llama-3.1-405b"]) > 0.95
    assert (by_model["llama-3.1-405b"].mean_difference
            > by_model["llama-3.1-70b"].mean_difference > 0)


def test_the_example_sweep_ranks_the_70b_first_by_net_value(capsys):
    from inferonomics import cli

    assert cli.main(["sweep", str(EXAMPLE), "--samples", "4000", "--json"]) == 0
    ranking = json.loads(capsys.readouterr().out)["ranking"]
    assert [row["model.id"] for row in ranking["best"]] == ["llama-3.1-70b", "llama-3.1-8b",
                                                           "llama-3.1-405b"]


def test_quantiles_of_a_negative_net_value_are_its_sample_quantiles():
    result = inferonomics.simulate(BASE, samples=2000, seed=0, keep_samples=True)
    values = result.to_pandas()["net_value_usd_per_request"].to_numpy()
    assert (values < 0).all()      # no [quality]: minus the cost per request
    got = result.summary()["net_value_usd_per_request"].quantile(0.5)
    assert got == pytest.approx(np.quantile(values, 0.5, method="lower"), rel=2.0 ** -8)


def test_the_readme_example_answers_whether_70b_is_worth_it_and_when_405b_is():
    """README: the 70B's net value beats the 8B's in 98.3% of samples, the 405B's in 13.9%; at $0.05
    per success the 405B and the 70B are close to a coin flip (55%), at $0.10 the 405B wins in 93%."""
    by_model = compared_with_8b(EXAMPLE)
    assert by_model["llama-3.1-70b"].p_a_higher == pytest.approx(0.983, abs=0.01)
    assert by_model["llama-3.1-405b"].p_a_higher == pytest.approx(0.139, abs=0.02)
    scenario = inferonomics.load_scenario(EXAMPLE)
    for value, p in ((0.05, 0.55), (0.1, 0.93)):
        pairs = compare_points(scenario.with_values({"quality.value_usd_per_success": value}),
                               {"model.id": "llama-3.1-70b"}, "net_value_usd_per_request",
                               samples=20_000, seed=0)
        c405 = {point["model.id"]: c for point, c in pairs}["llama-3.1-405b"]
        assert c405.p_a_higher == pytest.approx(p, abs=0.03)
