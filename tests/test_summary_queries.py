"""Asking a Summary for a quantile or a metric it does not have is a clear error, not a KeyError or
a ValueError from deep inside."""

import math

import numpy as np

import pytest

import inferonomics
from inferonomics.errors import InferonomicsError

SCENARIO = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
            "workload": {"batch": 8, "input_tokens": 1000, "output_tokens": 100},
            "cost": {"usd_per_device_hour": 2.0}}


@pytest.fixture(scope="module")
def summary():
    return inferonomics.simulate(SCENARIO, samples=500, seed=0).summary()


@pytest.mark.parametrize("q", [1.5, -0.1, math.nan, True, "0.5", None])
def test_a_quantile_outside_zero_to_one_is_refused_by_name(summary, q):
    with pytest.raises(InferonomicsError, match=r"^q: a quantile must be a number in \[0, 1\]"):
        summary["ttft_s"].quantile(q)
    with pytest.raises(InferonomicsError, match=r"^q: "):
        summary.quantile("ttft_s", q)


def test_an_unknown_metric_is_refused_with_a_suggestion(summary):
    with pytest.raises(InferonomicsError, match=r"unknown metric 'ttft'.*did you mean: ttft_s"):
        summary["ttft"]
    with pytest.raises(InferonomicsError, match="unknown metric"):
        summary[["ttft_s"]]


def test_numpy_probabilities_are_accepted(summary):
    import numpy as np
    assert summary["ttft_s"].quantile(np.float64(0.5)) == summary["ttft_s"].quantile(0.5)


def test_non_finite_is_a_reason_every_summary_reports(summary):
    assert summary.infeasible["non_finite"] == 0


def test_sketch_quantiles_of_values_of_either_sign_are_within_the_relative_error():
    from inferonomics.stats.summary import SKETCH_RELATIVE_ERROR, QuantileSketch

    rng = np.random.default_rng(3)
    x = np.concatenate([-rng.lognormal(0, 3, 500), rng.lognormal(0, 3, 700), np.zeros(20)])
    sketch = QuantileSketch()
    for v in x:
        sketch.add(float(v))
    for q in (0.0, 0.05, 0.3, 0.4, 0.5, 0.95, 1.0):
        exact = float(np.quantile(x, q, method="lower"))
        assert abs(sketch.quantile(q) - exact) <= SKETCH_RELATIVE_ERROR * abs(exact), q
