"""simulate(..., precision="float32") and ``run --precision float32``: the model in single
precision on the float64 draws, approximate and faster (issue 11).

What is promised: summary means within 1e-4 relative of float64 on every bundled example; the
same draws; float64 moments; the same samples on both native cores and any thread count; inputs
float32 cannot hold refused by key path before a kernel runs, and an overflow refused rather than
left out of the summary."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import inferonomics
from inferonomics.cli import main
from inferonomics.cores import backends
from inferonomics.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "llama-2-70b-h100-fp8.toml"
EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))
NATIVE = [name for name in ("c", "numba") if backends.unavailable_reason(name) is None]
MEANS_RELATIVE = 1e-4          # the promise for summary means
SAMPLE_RELATIVE_P99 = 1e-4     # 99% of a run's per-sample figures (floors may flip a whole step)

pytestmark = pytest.mark.skipif(not NATIVE, reason="float32 runs on the native cores")


def _points(path):
    return list(inferonomics.load_scenario(path).points())


@pytest.mark.parametrize("backend", NATIVE)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_float32_means_stay_within_1e_4_of_float64_on_every_example(path, backend):
    for label, point in _points(path):
        wide = inferonomics.simulate(point, 20_000, seed=3, backend=backend).summary()
        narrow = inferonomics.simulate(point, 20_000, seed=3, backend=backend,
                                       precision="float32").summary()
        assert abs(narrow.feasible - wide.feasible) <= 2, label   # a borderline sample may flip
        for name, m in wide.metrics.items():
            if m.count:
                assert narrow[name].mean == pytest.approx(m.mean, rel=MEANS_RELATIVE, abs=1e-300), \
                    (label, name)


@pytest.mark.parametrize("path", EXAMPLES[:8], ids=lambda p: p.stem)
def test_float32_samples_are_float32_figures_close_to_float64_on_the_same_draws(path):
    label, point = _points(path)[0]
    wide = inferonomics.simulate(point, 4000, seed=5, backend=NATIVE[0], keep_samples=True)._table
    narrow = inferonomics.simulate(point, 4000, seed=5, backend=NATIVE[0], keep_samples=True,
                                   precision="float32")._table
    for name in wide.inputs:          # the draws are float64's, bit for bit
        np.testing.assert_array_equal(narrow.inputs[name], wide.inputs[name])
    computed_in_float = False
    for name, x in wide.outputs.items():
        y = narrow.outputs[name]
        np.testing.assert_array_equal(np.isnan(y), np.isnan(x), err_msg=name)
        finite = np.isfinite(y)
        assert np.all(y[finite].astype(np.float32) == y[finite]), f"{name} is not a float32 figure"
        both = finite & (x != 0)
        if both.any():
            relative = np.abs(y[both] / x[both] - 1)
            assert np.quantile(relative, 0.99) <= SAMPLE_RELATIVE_P99, name
            computed_in_float |= bool(np.any(relative > 0))
    assert computed_in_float, "float32 gave float64's figures: the float model did not run"


@pytest.mark.parametrize("path", [EXAMPLE, ROOT / "examples" / "deepseek-v3-h200-expert-parallel.toml"],
                         ids=lambda p: p.stem)
def test_float32_samples_are_the_same_on_both_cores_and_any_thread_count(path):
    if len(NATIVE) < 2:
        pytest.skip("needs both native cores")
    label, point = _points(path)[0]
    runs = {(b, t): inferonomics.simulate(point, 3 * backends.CHUNK_SAMPLES // 2, seed=9, backend=b,
                                          threads=t, keep_samples=True, precision="float32")
            for b in NATIVE for t in (1, 2)}
    first = runs[(NATIVE[0], 1)]
    for run in runs.values():
        for name, column in first._table.outputs.items():
            np.testing.assert_array_equal(run._table.outputs[name], column, err_msg=name)
        assert run.summary().to_dict() == first.summary().to_dict()


def test_the_reference_refuses_float32_and_an_unknown_precision_is_refused():
    with pytest.raises(ScenarioError, match="precision: float32 runs on the native cores"):
        inferonomics.simulate(EXAMPLE, 10, backend="reference", precision="float32")
    for bad in ("float16", "FLOAT32", 32, None):
        with pytest.raises(ScenarioError, match="precision: must be one of float64, float32"):
            inferonomics.simulate(EXAMPLE, 10, precision=bad)


@pytest.mark.parametrize("value, shown", [(1e-40, "1e-40"), (5e-324, "4.94066e-324")])
def test_an_input_float32_cannot_hold_is_refused_by_key_path_before_running(monkeypatch, value,
                                                                            shown):
    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel ran")

    monkeypatch.setattr(backends, "native_simulate", no_kernel)
    scenario = inferonomics.load_scenario(EXAMPLE).with_values({"hardware.link_latency_us": value})
    with pytest.raises(ScenarioError, match=f"hardware.link_latency_us: draws {shown}, outside "
                       "what float32 holds"):
        inferonomics.simulate(scenario, 10, precision="float32")


def test_float32_holds_an_infinite_latency_target_and_zero():
    scenario = inferonomics.load_scenario(EXAMPLE).with_values(
        {"workload.ttft_slo_s": float("inf"), "hardware.link_latency_us": 0})
    result = inferonomics.simulate(scenario, 1000, precision="float32")
    assert result.summary().feasible == 1000


# Inputs in their ranges and each one float32 holds, whose figures pass float32's range (found
# by shrinking rows of the whole accepted box that overflow in float32 only).
OVERFLOWS_IN_FLOAT32 = {
    "model": {"id": "llama-2-7b"},
    "hardware": {"id": "h100-sxm", "memory_gb": 1e9, "memory_bw_gbps": 1e-6},
    "workload": {"batch": 8, "input_tokens": 1000, "output_tokens": 1e9},
    "cost": {"mode": "own", "usd_per_kwh": 1e12}, "deployment": {"utilization": 1e-6}}


@pytest.mark.parametrize("backend", NATIVE)
def test_a_float32_overflow_is_refused_not_left_out_of_the_summary(backend):
    assert inferonomics.simulate(OVERFLOWS_IN_FLOAT32, 100, backend=backend).summary().feasible == 100
    with pytest.raises(ScenarioError, match="precision: 100 of 100 samples gave a figure float32 "
                       "cannot hold"):
        inferonomics.simulate(OVERFLOWS_IN_FLOAT32, 100, backend=backend, precision="float32")


def test_a_choice_is_checked_value_by_value_for_float32():
    scenario = inferonomics.load_scenario(EXAMPLE).with_values(
        {"hardware.link_latency_us": {"dist": "choice", "values": [0, 1e-40, 1]}})
    with pytest.raises(ScenarioError, match="hardware.link_latency_us: draws 1e-40"):
        inferonomics.simulate(scenario, 10, precision="float32")


def test_run_precision_float32_says_so_in_its_table_and_json(capsys):
    assert main(["run", str(EXAMPLE), "--samples", "2000", "--precision", "float32"]) == 0
    assert "precision float32 (approximate)" in capsys.readouterr().out
    assert main(["run", str(EXAMPLE), "--samples", "2000", "--precision", "float32", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["precision"] == "float32"
    assert main(["run", str(EXAMPLE), "--samples", "2000", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["precision"] == "float64"


def test_run_refuses_float32_on_the_reference_with_one_line_and_exit_2(capsys):
    assert main(["run", str(EXAMPLE), "--samples", "10", "--backend", "reference",
                 "--precision", "float32"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "float32 runs on the native cores" in err
