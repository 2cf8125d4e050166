"""Bad input is refused before anything runs, with a ScenarioError that names the key path and
what is allowed there (the range, or the closest alternatives)."""

from __future__ import annotations

import copy
import itertools
import math
import os
import tomllib
import uuid
from pathlib import Path

import numpy as np
import pytest

import inferonomics
from inferonomics import (BackendUnavailable, InferonomicsError, ScenarioError, evaluate,
                          load_catalog_file, load_scenario, register_hardware, simulate)
from inferonomics.model.registry import BATCH_MAX, PARAMETER_BY_PATH
from inferonomics.io.toml_text import to_toml

EXAMPLE = Path(__file__).parents[1] / "examples" / "llama-2-70b-h100-fp8.toml"
with EXAMPLE.open("rb") as _f:
    BASE = tomllib.load(_f)

# A Llama-2-7B-shaped model and an H100-shaped device, written inline.
INLINE_MODEL = {"total_params_b": 6.74, "active_params_b": 6.74, "n_layers": 32, "d_model": 4096,
                "n_heads": 32, "n_kv_heads": 32, "head_dim": 128, "d_ff": 11008}
INLINE_HARDWARE = {"memory_gb": 80, "memory_bw_gbps": 3350, "tflops_16": 989.4, "tflops_8": 1978.9,
                   "tdp_w": 700, "idle_w": 70}
CHIP_SPEC = {"name": "My chip", "memory_gb": 96.0, "memory_bw_gbps": 4000.0, "tflops_16": 1000.0,
             "tflops_8": 2000.0, "tdp_w": 600.0, "idle_w": 60.0, "interconnect_gbps": 400.0,
             "usd_per_hour": 3.0}
MODEL_SPEC = {"name": "My model", **INLINE_MODEL}
MFU_RANGE = PARAMETER_BY_PATH["efficiency.mfu"].range_text()   # "a number in [1e-06, 1] ..."


# ----------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------

def base() -> dict:
    return copy.deepcopy(BASE)


def scenario_with(path: str, value) -> dict:
    """The example with ``section.key`` (or a whole ``section``) set to ``value``."""
    raw = base()
    section, _, key = path.partition(".")
    if key:
        raw.setdefault(section, {})[key] = value
    else:
        raw[section] = value
    return raw


def scenario_without(path: str) -> dict:
    raw = base()
    section, _, key = path.partition(".")
    if key:
        del raw[section][key]
    else:
        del raw[section]
    return raw


def load_error(raw) -> ScenarioError:
    """The error ``load_scenario`` raises for ``raw`` (it must raise at load time)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw)
    return info.value


def resolve_error(raw) -> ScenarioError:
    """The error raised when ``raw`` is loaded and turned into a Plan."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw).resolve()
    return info.value


def assert_refused(err: ScenarioError, path: str, *fragments: str) -> None:
    assert err.path == path, f"path {err.path!r} != {path!r} ({err})"
    for fragment in fragments:
        assert fragment in err.message, f"{fragment!r} not in {err.message!r}"
    assert str(err) == f"{path}: {err.message}"


def unique_id(prefix: str) -> str:
    """register_* mutates process-wide state: every test gets ids nobody else uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"




# ----------------------------------------------------------------------------------------------------
# The base scenarios are valid (so every refusal below is due to its one change)
# ----------------------------------------------------------------------------------------------------

def test_example_scenario_resolves():
    plan = load_scenario(base()).resolve()
    assert plan.model == "llama-2-70b" and plan.hardware == "h100-sxm"


def test_inline_model_and_inline_hardware_resolve():
    raw = scenario_with("model", dict(INLINE_MODEL))
    raw["hardware"] = dict(INLINE_HARDWARE, count=1)
    plan = load_scenario(raw).resolve()
    assert plan["n_layers"].median() == 32
    assert plan["memory_gb"].median() == 80


def test_scenario_error_is_an_inferonomics_error_and_a_value_error():
    with pytest.raises(InferonomicsError) as info:
        load_scenario(scenario_with("workload.bacth", 4))
    assert isinstance(info.value, ScenarioError)
    assert isinstance(info.value, ValueError)
    assert info.value.path == "workload.bacth"


# ----------------------------------------------------------------------------------------------------
# Missing pieces
# ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("section", ["model", "hardware", "workload"])
def test_missing_required_section_is_named(section):
    assert_refused(load_error(scenario_without(section)), section, f"[{section}]")


@pytest.mark.parametrize("key", ["batch", "input_tokens", "output_tokens"])
def test_missing_workload_key_names_every_required_key(key):
    err = load_error(scenario_without(f"workload.{key}"))
    assert_refused(err, f"workload.{key}", "missing", "workload.batch", "workload.input_tokens",
                   "workload.output_tokens")


def test_inline_model_missing_a_required_key_says_id_or_architecture():
    model = dict(INLINE_MODEL)
    del model["d_ff"]
    err = load_error(scenario_with("model", model))
    assert_refused(err, "model.d_ff", "model.id", "d_ff")


# ----------------------------------------------------------------------------------------------------
# Unknown keys
# ----------------------------------------------------------------------------------------------------

def test_misspelled_key_suggests_the_closest_key():
    raw = base()
    raw["workload"]["bacth"] = raw["workload"].pop("batch")
    assert_refused(load_error(raw), "workload.bacth", "did you mean: batch", "allowed in [workload]")


def test_key_in_the_wrong_section_says_where_it_belongs():
    err = load_error(scenario_with("workload.mfu", 0.5))
    assert_refused(err, "workload.mfu", "[efficiency]", "efficiency.mfu")


@pytest.mark.parametrize("key, suggestion", [("workloads", "did you mean: workload"),
                                             ("colour", "allowed: name")])
def test_unknown_top_level_key_lists_the_allowed_keys(key, suggestion):
    raw = base()
    raw[key] = {}
    assert_refused(load_error(raw), key, "unknown top-level key", suggestion, "efficiency",
                   "deployment")


def test_unknown_distribution_name_suggests_the_closest_and_lists_all():
    err = load_error(scenario_with("workload.input_tokens",
                                   {"dist": "lognorm", "median": 1000, "sigma": 0.5}))
    assert_refused(err, "workload.input_tokens.dist", "'lognorm'", "did you mean: lognormal",
                   "uniform, normal, lognormal, triangular, pert, choice")


@pytest.mark.parametrize("extra_key, fragments", [
    ("sd", ("lognormal takes median, sigma",)),
    ("sigm", ("lognormal takes median, sigma", "did you mean: sigma")),
])
def test_unknown_key_in_a_distribution_table_lists_its_keys(extra_key, fragments):
    dist = {"dist": "lognormal", "median": 1000, "sigma": 0.5, extra_key: 1}
    err = load_error(scenario_with("workload.input_tokens", dist))
    assert_refused(err, f"workload.input_tokens.{extra_key}", *fragments)


def test_distribution_table_without_dist_lists_the_kinds():
    err = load_error(scenario_with("workload.input_tokens", {"median": 1000, "sigma": 0.5}))
    assert_refused(err, "workload.input_tokens", "`dist`", "lognormal")


def test_missing_distribution_parameter_names_the_required_keys():
    err = load_error(scenario_with("workload.input_tokens", {"dist": "lognormal", "median": 1000}))
    assert_refused(err, "workload.input_tokens.sigma", "missing", "median, sigma")


# ----------------------------------------------------------------------------------------------------
# Values out of range
# ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, value, allowed", [
    ("hardware.count", 0, "an integer in [1, 1e+06]"),
    ("hardware.count", -1, "an integer in [1, 1e+06]"),
    ("workload.batch", -1, "an integer in [1,"),
    ("workload.batch", 2.5, "an integer in [1,"),
    ("workload.input_tokens", 0, "a number in [0.001,"),
    ("workload.input_tokens", -5, "a number in [0.001,"),
    ("workload.output_tokens", -1, "a number in [0.001,"),
    ("efficiency.mfu", 1.5, "a number in [1e-06, 1]"),
    ("efficiency.mfu", 0, "a number in [1e-06, 1]"),
    ("efficiency.mfu", -0.1, "a number in [1e-06, 1]"),
    ("deployment.utilization", 0, "a number in [1e-06, 1]"),
    ("precision.weight_bits", 0.5, "a number in [1, 32]"),
    ("precision.weight_bits", 33, "a number in [1, 32]"),
    ("energy.pue", 0.9, "a number in [1,"),
    ("workload.beams", 0, "an integer in [1, 64]"),
    ("workload.beams", 65, "an integer in [1, 64]"),
    ("workload.beams", 2.5, "an integer in [1, 64]"),
])
def test_out_of_range_value_names_the_allowed_range(path, value, allowed):
    err = load_error(scenario_with(path, value))
    assert_refused(err, path, allowed, PARAMETER_BY_PATH[path].range_text(), f"got {value:g}")


def test_out_of_range_value_in_an_inline_model_names_the_allowed_range():
    err = load_error(scenario_with("model", dict(INLINE_MODEL, n_layers=0)))
    assert_refused(err, "model.n_layers", "an integer in [1,", "got 0")


@pytest.mark.parametrize("path", ["workload.batch", "model.n_layers", "hardware.memory_gb",
                                  "workload.input_tokens", "energy.pue", "cost.usd_per_device_hour"])
def test_infinite_value_is_refused_naming_the_range(path):
    assert_refused(load_error(scenario_with(path, math.inf)), path,
                   PARAMETER_BY_PATH[path].range_text(), "got inf")


def test_infinite_latency_target_means_no_target_and_loads():
    plan = load_scenario(scenario_with("workload.ttft_slo_s", math.inf)).resolve()
    assert plan["ttft_slo_s"].median() == math.inf


@pytest.mark.parametrize("path", ["workload.batch", "model.n_layers"])
def test_lognormal_on_an_integer_input_loads(path):
    dist = {"dist": "lognormal", "median": 32, "sigma": 0.5}
    plan = load_scenario(scenario_with(path, dist)).resolve()
    assert plan[path.split(".")[1]].median() == 32


def test_normal_truncated_only_below_loads_on_an_unbounded_input():
    dist = {"dist": "normal", "mean": 1000, "sd": 100, "low": 1}
    plan = load_scenario(scenario_with("workload.input_tokens", dist)).resolve()
    assert plan["input_tokens"].median() == pytest.approx(1000)


def test_lognormal_with_huge_sigma_never_crashes_simulate():
    raw = scenario_with("workload.input_tokens", {"dist": "lognormal", "median": 1000, "sigma": 1000})
    try:
        simulate(raw, samples=50, seed=0)
    except ScenarioError as err:
        assert err.path == "workload.input_tokens"


# ----------------------------------------------------------------------------------------------------
# Impossible distributions
# ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, dist, fragments", [
    ("efficiency.mfu", {"dist": "uniform", "low": 0.6, "high": 0.4}, ("low <= high",)),
    ("efficiency.mfu", {"dist": "triangular", "low": 0.3, "mode": 0.8, "high": 0.6},
     ("low <= mode <= high",)),
    ("efficiency.mfu", {"dist": "normal", "mean": 0.5, "sd": -0.1, "low": 0.1, "high": 0.9},
     ("sd >= 0",)),
    ("workload.input_tokens", {"dist": "lognormal", "median": 1000, "sigma": -1},
     ("sigma >= 0",)),
    ("workload.input_tokens", {"dist": "lognormal", "median": 0, "sigma": 0.5}, ("median > 0",)),
    ("workload.input_tokens", {"dist": "lognormal", "median": -10, "sigma": 0.5}, ("median > 0",)),
    ("workload.batch", {"dist": "choice", "values": [1, 2], "weights": [1]},
     ("2 values but 1 weights",)),
    ("workload.batch", {"dist": "choice", "values": [1, 2], "weights": [1, -1]},
     ("weights must be finite, >= 0",)),
    ("workload.batch", {"dist": "choice", "values": []}, ("at least one value",)),
    ("efficiency.mfu", {"dist": "normal", "mean": 0.5, "sd": 0.001, "low": 0.8, "high": 0.9},
     ("almost no probability", "[0.8, 0.9]")),
])
def test_impossible_distribution_is_refused_with_its_constraint(path, dist, fragments):
    assert_refused(load_error(scenario_with(path, dist)), path, *fragments)


def test_distribution_leaving_the_allowed_range_names_its_support_and_the_range():
    err = load_error(scenario_with("efficiency.mfu", {"dist": "uniform", "low": 0.5, "high": 1.5}))
    assert_refused(err, "efficiency.mfu", "[0.5, 1.5]", "outside the allowed range", MFU_RANGE)


def test_unbounded_normal_on_a_bounded_input_hints_to_add_bounds():
    err = load_error(scenario_with("efficiency.mfu", {"dist": "normal", "mean": 0.5, "sd": 0.1}))
    assert_refused(err, "efficiency.mfu", MFU_RANGE, "add low/high bounds")


def test_bounded_normal_inside_the_range_loads():
    dist = {"dist": "normal", "mean": 0.5, "sd": 0.1, "low": 0.2, "high": 0.8}
    plan = load_scenario(scenario_with("efficiency.mfu", dist)).resolve()
    low, high = plan["mfu"].support()
    assert 0.2 <= low < 0.2 + 1e-12 and 0.8 - 1e-12 < high <= 0.8


def test_choice_value_outside_the_range_names_the_range():
    err = load_error(scenario_with("workload.batch", {"dist": "choice", "values": [8, -1]}))
    assert_refused(err, "workload.batch.values", "an integer in [1,", "got -1")


# ----------------------------------------------------------------------------------------------------
# Values of the wrong type
# ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, value, fragments", [
    ("efficiency.mfu", "fast", ("[1e-06, 1]", "'fast'")),
    ("efficiency.mfu", True, ("[1e-06, 1]", "got true")),
    ("hardware.count", False, ("[1, 1e+06]", "got false")),
    ("workload.batch", "lots", ('"max"', "'lots'")),
    ("workload.input_tokens", {"dist": "lognormal", "median": "1k", "sigma": 0.5},
     ("must be a number", "'1k'")),
])
def test_non_numeric_value_is_refused_with_the_allowed_range(path, value, fragments):
    err = load_error(scenario_with(path, value))
    expected_path = f"{path}.median" if isinstance(value, dict) else path
    assert_refused(err, expected_path, *fragments)


def test_batch_max_loads_as_the_largest_batch_that_fits():
    plan = load_scenario(scenario_with("workload.batch", "max")).resolve()
    assert plan["batch"].median() == BATCH_MAX


# ----------------------------------------------------------------------------------------------------
# Catalog ids
# ----------------------------------------------------------------------------------------------------

def test_unknown_hardware_id_suggests_closest_ids():
    err = load_error(scenario_with("hardware.id", "h100"))
    assert_refused(err, "hardware.id", "'h100'", "h100-sxm", "inferonomics catalog hardware")


def test_unknown_model_id_suggests_closest_ids():
    err = load_error(scenario_with("model.id", "llama2-70b"))
    assert_refused(err, "model.id", "'llama2-70b'", "did you mean: llama-2-70b",
                   "inferonomics catalog models")


def test_bad_id_in_an_id_axis_names_the_element():
    err = load_error(scenario_with("hardware.id", ["h100-sxm", "h100"]))
    assert_refused(err, "hardware.id[1]", "'h100'", "h100-sxm")


def test_non_string_id_is_refused():
    assert_refused(load_error(scenario_with("model.id", 70)), "model.id", "catalog id", "got 70")


# ----------------------------------------------------------------------------------------------------
# Sweep axes
# ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["workload.batch", "hardware.id"])
def test_empty_list_is_not_a_sweep_axis(path):
    assert_refused(load_error(scenario_with(path, [])), path, "empty list", "at least one")


def test_nested_list_is_not_a_sweep_axis():
    err = load_error(scenario_with("workload.batch", [[1, 2], 4]))
    assert_refused(err, "workload.batch[0]", "nested")


def test_bad_element_of_a_sweep_axis_names_its_index():
    err = load_error(scenario_with("workload.batch", [8, 16, -1]))
    assert_refused(err, "workload.batch[2]", "an integer in [1,", "got -1")


def swept() -> dict:
    raw = scenario_with("workload.batch", [1, 8, 64])
    raw["hardware"]["id"] = ["h100-sxm", "a100-sxm-80gb"]
    return raw


def test_sweep_axes_and_grid_size_reflect_the_lists():
    scenario = load_scenario(swept())
    axes = {axis.path: axis.labels for axis in scenario.axes}
    assert axes == {"workload.batch": (1, 8, 64), "hardware.id": ("h100-sxm", "a100-sxm-80gb")}
    assert scenario.grid_size == 6


def test_simulate_refuses_a_scenario_with_a_sweep_axis_naming_it():
    with pytest.raises(ScenarioError) as info:
        simulate(scenario_with("workload.batch", [1, 8]), samples=10, seed=0)
    assert_refused(info.value, "workload.batch", "sweep axis", "2 values", "points()")


def test_points_yield_one_resolvable_scenario_per_grid_point():
    points = list(load_scenario(swept()).points())
    expected = [{"hardware.id": hw, "workload.batch": b}
                for hw, b in itertools.product(["h100-sxm", "a100-sxm-80gb"], [1, 8, 64])]
    assert [assignment for assignment, _ in points] == expected
    for assignment, scenario in points:
        assert scenario.axes == []
        plan = scenario.resolve()
        assert plan.hardware == assignment["hardware.id"]
        assert plan["batch"].median() == assignment["workload.batch"]


# ----------------------------------------------------------------------------------------------------
# Cost
# ----------------------------------------------------------------------------------------------------

def test_hardware_without_any_price_needs_a_cost():
    raw = scenario_with("hardware.id", "gh200")   # neither the catalog nor the price book prices it
    del raw["cost"]
    err = resolve_error(raw)
    assert_refused(err, "cost", "gh200", "price book", "cost.usd_per_device_hour",
                   "cost.purchase_usd")


@pytest.mark.parametrize("cost", [
    {"usd_per_device_hour": 2.9, "usd_per_kwh": 0.1},
    {"mode": "rent", "usd_per_device_hour": 2.9, "usd_per_kwh": 0.1},
], ids=["implicit-rent", "explicit-rent"])
def test_electricity_price_is_refused_for_a_rented_device(cost):
    err = resolve_error(scenario_with("cost", cost))
    assert_refused(err, "cost.usd_per_kwh", 'cost.mode = "own"')


def test_unknown_cost_mode_lists_the_modes():
    assert_refused(load_error(scenario_with("cost.mode", "buy")), "cost.mode",
                   '"rent", "reserved", "spot", "own"', "'buy'")


def test_owned_device_with_purchase_price_runs():
    raw = scenario_with("cost", {"mode": "own", "purchase_usd": 30000})
    plan = load_scenario(raw).resolve()
    assert plan.cost_mode == "own"
    assert plan["purchase_usd"].median() == 30000
    assert plan["usd_per_device_hour"].median() == 0
    result = simulate(raw, samples=50, seed=1)
    assert result.feasible_fraction > 0
    assert math.isfinite(result.summary()["usd_per_mtok"].mean)
    assert result.summary()["usd_per_mtok"].mean > 0


def test_hardware_price_next_to_a_catalog_id_is_used_or_refused():
    raw = base()
    del raw["cost"]
    raw["hardware"]["usd_per_hour"] = 5.0
    try:
        plan = load_scenario(raw).resolve()
    except ScenarioError as err:
        assert err.path == "hardware.usd_per_hour"
    else:
        assert plan["usd_per_device_hour"].median() == 5.0


# ----------------------------------------------------------------------------------------------------
# Cross-field checks
# ----------------------------------------------------------------------------------------------------

def test_active_params_above_total_params_is_refused():
    err = resolve_error(scenario_with("model", dict(INLINE_MODEL, active_params_b=8.0)))
    assert_refused(err, "model.active_params_b", "model.total_params_b", "6.74")


def test_experts_per_token_above_n_experts_is_refused():
    model = dict(INLINE_MODEL, total_params_b=46.7, active_params_b=12.9, n_experts=8,
                 experts_per_token=9)
    err = resolve_error(scenario_with("model", model))
    assert_refused(err, "model.experts_per_token", "model.n_experts", "8")


def test_idle_power_override_above_catalog_tdp_is_refused():
    err = resolve_error(scenario_with("hardware.idle_w", 800))
    assert_refused(err, "hardware.idle_w", "800", "hardware.tdp_w", "700")


def test_several_inline_devices_without_interconnect_are_refused():
    err = resolve_error(scenario_with("hardware", dict(INLINE_HARDWARE, count=8)))
    assert_refused(err, "hardware.interconnect_gbps", "hardware.count > 1")


def test_several_inline_devices_with_interconnect_resolve():
    plan = load_scenario(scenario_with("hardware", dict(INLINE_HARDWARE, count=8,
                                                        interconnect_gbps=450))).resolve()
    assert plan["count"].median() == 8


# ----------------------------------------------------------------------------------------------------
# evaluate()
# ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def medians() -> dict[str, float]:
    return load_scenario(EXAMPLE).resolve().medians()


def test_evaluate_at_the_medians_of_a_plan_works(medians):
    out = evaluate(**medians)
    assert isinstance(out, inferonomics.Outputs)
    assert out.status == 0
    assert out.batch == 64
    assert math.isfinite(out.usd_per_mtok) and out.usd_per_mtok > 0


def test_evaluate_missing_input_without_default_names_it_and_points_at_plans(medians):
    inputs = {k: v for k, v in medians.items() if k != "memory_gb"}
    with pytest.raises(ScenarioError) as info:
        evaluate(**inputs)
    assert info.value.path == "hardware.memory_gb"
    assert "missing input" in info.value.message and "has no default" in info.value.message
    assert "evaluate(scenario.resolve()" in info.value.message


def test_evaluate_unknown_input_suggests_the_closest_name(medians):
    with pytest.raises(ScenarioError) as info:
        evaluate(**medians, mfuu=0.5)
    assert_refused(info.value, "mfuu", "unknown input", "did you mean: mfu")


def test_evaluate_out_of_range_input_names_the_range(medians):
    with pytest.raises(ScenarioError) as info:
        evaluate(**{**medians, "mfu": 1.5})
    assert_refused(info.value, "efficiency.mfu", MFU_RANGE, "got 1.5")


def test_evaluate_refuses_a_boolean_batch(medians):
    with pytest.raises(ScenarioError) as info:
        evaluate(**{**medians, "batch": False})
    assert info.value.path == "workload.batch"


# ----------------------------------------------------------------------------------------------------
# simulate() arguments
# ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, path, fragment", [
    ({"samples": 0}, "samples", "an integer in [1,"),
    ({"samples": -5}, "samples", "an integer in [1,"),
    ({"samples": True}, "samples", "got True"),
    ({"samples": 2.5}, "samples", "an integer in [1,"),
    ({"seed": -1}, "seed", "[0, 2**64)"),
    ({"seed": 2**64}, "seed", "[0, 2**64)"),
    ({"seed": "abc"}, "seed", "[0, 2**64)"),
    ({"seed": True}, "seed", "[0, 2**64)"),
    ({"threads": 0}, "threads", "[1, 1024]"),
    ({"backend": "gpu"}, "backend", "reference"),
])
def test_simulate_refuses_a_bad_argument_naming_it(kwargs, path, fragment):
    with pytest.raises(ScenarioError) as info:
        simulate(base(), **{"samples": 10, "seed": 0, **kwargs})
    assert_refused(info.value, path, fragment)


def test_unavailable_backend_says_why(monkeypatch):
    monkeypatch.setattr("inferonomics.cores.cbinding.UNAVAILABLE_REASON", "the C core was not built (test)")
    with pytest.raises(BackendUnavailable) as info:
        simulate(base(), samples=10, seed=0, backend="c")
    reason = inferonomics.available_backends()["c"]
    assert reason != "available"
    assert "'c'" in str(info.value) and reason in str(info.value)
    assert isinstance(info.value, InferonomicsError)


# ----------------------------------------------------------------------------------------------------
# User catalogs
# ----------------------------------------------------------------------------------------------------

def test_registered_hardware_can_be_used_by_a_scenario():
    chip = unique_id("my-chip")
    register_hardware(chip, CHIP_SPEC)
    raw = scenario_with("hardware.id", chip)
    del raw["cost"]
    result = simulate(raw, samples=50, seed=2)
    assert result.plan.hardware == chip
    assert result.plan["usd_per_device_hour"].median() == 3.0
    assert result.feasible_fraction > 0


def test_catalog_entry_missing_memory_is_refused_naming_the_key():
    chip = unique_id("my-chip")
    spec = {k: v for k, v in CHIP_SPEC.items() if k != "memory_gb"}
    with pytest.raises(ScenarioError) as info:
        register_hardware(chip, spec)
    assert info.value.path.endswith(".memory_gb")
    assert chip in info.value.path
    assert "memory_gb" in info.value.message
    # Nothing was registered.
    assert load_error(scenario_with("hardware.id", chip)).path == "hardware.id"


def test_catalog_entry_with_unknown_key_suggests_the_closest():
    chip = unique_id("my-chip")
    with pytest.raises(ScenarioError) as info:
        register_hardware(chip, dict(CHIP_SPEC, memory_gbs=80))
    assert info.value.path.endswith(".memory_gbs")
    assert "did you mean: memory_gb" in info.value.message


def test_load_catalog_file_registers_hardware_and_models(tmp_path):
    chip, model = unique_id("file-chip"), unique_id("file-model")
    path = tmp_path / "mine.toml"
    path.write_text(to_toml({"hardware": {chip: CHIP_SPEC}, "models": {model: MODEL_SPEC}}))
    assert load_catalog_file(path) == [chip, model]
    raw = scenario_with("hardware.id", chip)
    raw["model"]["id"] = model
    plan = load_scenario(raw).resolve()
    assert (plan.hardware, plan.model) == (chip, model)
    assert plan["memory_gb"].median() == 96.0 and plan["n_layers"].median() == 32


def test_scenario_catalog_path_is_relative_to_the_scenario_file(tmp_path, monkeypatch):
    chip = unique_id("scenario-chip")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "chips.toml").write_text(to_toml({"hardware": {chip: CHIP_SPEC}}))
    raw = scenario_with("hardware.id", chip)
    raw = {"catalog": ["specs/chips.toml"], **raw}
    scenario_file = tmp_path / "scenario.toml"
    scenario_file.write_text(to_toml(raw))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    assert load_scenario(scenario_file).resolve().hardware == chip
    # The file's entries belong to that scenario, not to the process.
    assert load_error(scenario_with("hardware.id", chip)).path == "hardware.id"


def test_scenario_catalog_file_that_does_not_exist_is_named(tmp_path):
    scenario_file = tmp_path / "scenario.toml"
    scenario_file.write_text(to_toml({"catalog": ["nope.toml"], **base()}))
    err = load_error(scenario_file)
    assert_refused(err, "catalog", "nope.toml")


# ----------------------------------------------------------------------------------------------------
# Files
# ----------------------------------------------------------------------------------------------------

def test_scenario_file_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[workload\nbatch = 4\n")
    err = load_error(path)
    assert err.path == ""
    assert "not valid TOML" in err.message and "broken.toml" in err.message


def test_scenario_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "caf\u00e9"\n'.encode("latin-1"))
    err = load_error(path)
    assert err.path == ""
    assert "latin1.toml" in err.message and "UTF-8" in err.message


def test_catalog_file_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "chips.toml").write_bytes('[hardware.x]\nname = "caf\u00e9"\n'.encode("latin-1"))
    scenario_file = tmp_path / "scenario.toml"
    scenario_file.write_text(to_toml({"catalog": ["chips.toml"], **base()}))
    err = load_error(scenario_file)
    assert_refused(err, "catalog", "chips.toml", "UTF-8")


# ----------------------------------------------------------------------------------------------------
# Found in review: values that used to slip through
# ----------------------------------------------------------------------------------------------------

def test_one_sided_truncated_normal_is_judged_by_the_values_it_can_draw():
    # Truncated 7 sd out, the inverse CDF reaches further than mean + 8 sd: above 1 here.
    dist = {"dist": "normal", "mean": 0.17, "sd": 0.1, "low": 0.87}
    err = load_error(scenario_with("deployment.utilization", dist))
    assert_refused(err, "deployment.utilization",
                   PARAMETER_BY_PATH["deployment.utilization"].range_text())


@pytest.mark.parametrize("weights", [[0, math.nan], [1, math.nan], [math.inf, 1]])
def test_choice_weights_must_be_finite(weights):
    dist = {"dist": "choice", "values": [8, 64], "weights": weights}
    assert_refused(load_error(scenario_with("workload.batch", dist)), "workload.batch", "finite")


@pytest.mark.parametrize("key", ["usd_per_hour", "purchase_usd", "embodied_kgco2"])
@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_hardware_prices_and_carbon_must_be_finite(key, value):
    raw = base()
    raw["hardware"][key] = value
    assert_refused(load_error(raw), f"hardware.{key}", "finite")


def test_uncertain_head_dim_needs_an_explicit_value_head_dim():
    model = {**INLINE_MODEL, "head_dim": {"dist": "choice", "values": [64, 128]}}
    model.pop("v_head_dim", None)
    err = load_error(scenario_with("model", model))
    assert err.path == "model.v_head_dim"


def test_evaluate_batch_of_zero_rows_returns_empty_columns(medians):
    import numpy as np

    out = inferonomics.evaluate_batch({**medians, "batch": np.arange(1, 1)})
    assert all(len(v) == 0 for v in out.values())


@pytest.mark.parametrize("threads", [1025, 3_000_000_000])
def test_thread_counts_beyond_the_limit_are_refused(threads):
    with pytest.raises(ScenarioError) as info:
        simulate(base(), samples=10, seed=0, threads=threads)
    assert info.value.path == "threads"


def test_mixture_of_experts_needs_enough_active_weights_for_its_shared_layers():
    model = {**INLINE_MODEL, "n_experts": 8, "experts_per_token": 2, "total_params_b": 40.0,
             "active_params_b": 5.0}   # 5/40 < 2/8: the dense part would be negative
    assert load_error(scenario_with("model", model)).path == "model.active_params_b"


# ----------------------------------------------------------------------------------------------
# Hostile files: refused with one line, never read forever
# ----------------------------------------------------------------------------------------------

def _hostile(tmp_path, kind):
    if kind == "device":
        return Path("/dev/zero")
    if kind == "fifo":
        path = tmp_path / "pipe.toml"
        os.mkfifo(path)
        return path
    if kind == "huge":
        path = tmp_path / "huge.toml"
        path.write_text("# padding\n" * 1_000_000)
        return path
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
                    reason="needs a POSIX system")
@pytest.mark.parametrize("kind, complaint", [("device", "not a regular file"),
                                             ("fifo", "not a regular file"),
                                             ("huge", "the limit is"),
                                             ("deep", "nested too deeply")])
@pytest.mark.parametrize("where", ["scenario", "catalog"])
def test_hostile_files_are_refused_before_they_are_read(tmp_path, kind, complaint, where):
    path = _hostile(tmp_path, kind)
    with pytest.raises(ScenarioError, match=complaint):
        if where == "scenario":
            load_scenario(path)
        else:
            inferonomics.load_catalog_file(path)


def test_a_scenario_that_is_neither_a_path_nor_a_table_is_refused():
    with pytest.raises(ScenarioError, match="file path or a table"):
        load_scenario(None)


@pytest.mark.parametrize("workload, path, complaint", [
    ({"input_tokens": {"dist": [1]}}, "workload.input_tokens.dist", "unknown distribution"),
    ({"input_tokens": 10**400}, "workload.input_tokens", "beyond the range of a number"),
    ({"input_tokens": 10**5000}, "workload.input_tokens", "about 5,001 digits"),
    ({"input_tokens": {"dist": "uniform", "low": 1, "high": 10**400}},
     "workload.input_tokens.high", "beyond the range"),
    ({"input_tokens": {"dist": "choice", "values": [1, 10**400]}},
     "workload.input_tokens.values", "beyond the range"),
])
def test_values_python_cannot_hold_as_floats_are_refused_with_their_path(workload, path, complaint):
    raw = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
           "workload": {"batch": 8, "input_tokens": 1000, "output_tokens": 100, **workload},
           "cost": {"usd_per_device_hour": 2.0}}
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw).resolve()
    assert info.value.path == path and complaint in info.value.message


def test_a_catalog_number_beyond_float_range_is_refused():
    entry = {"name": "x", "memory_gb": 80, "memory_bw_gbps": 3000, "tflops_16": 100, "tdp_w": 700,
             "idle_w": 100, "usd_per_hour": 10**400, "source": "x"}
    with pytest.raises(ScenarioError, match="usd_per_hour: .*beyond the range"):
        register_hardware("huge-price", entry)


@pytest.mark.parametrize("limit", [".", "e", "1.2.3", "+"])
def test_a_constraint_limit_that_is_not_a_number_is_refused(limit):
    from inferonomics.model.constraints import parse_constraint

    with pytest.raises(ScenarioError, match="the limit must be a number"):
        parse_constraint(f"tpot_s_p95 <= {limit}")


# ----------------------------------------------------------------------------------------------------
# Wrong types in the public API
# ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("assignments, path, fragment", [
    ({"name.x": 1}, "name.x", "expected a key path SECTION.KEY"),
    ({"workload": 8}, "workload", "expected a key path SECTION.KEY"),
    ({"nosuch.batch": 8}, "nosuch.batch", "with a section among model, hardware"),
    ({1: 8}, "1", "a key path is a string"),
    ({"description": 5}, "description", "must be a string"),
])
def test_with_values_refuses_a_path_that_is_not_a_scenario_key(assignments, path, fragment):
    with pytest.raises(ScenarioError) as info:
        load_scenario(base()).with_values(assignments)
    assert_refused(info.value, path, fragment)


def test_with_values_needs_a_mapping_and_sets_top_level_keys():
    with pytest.raises(ScenarioError, match="takes a mapping"):
        load_scenario(base()).with_values(None)
    assert load_scenario(base()).with_values({"name": "renamed"}).name == "renamed"


def _deep(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("path", ["model.notes", "hardware.source", "description"])
def test_a_dict_nested_thousands_deep_is_refused_not_a_recursion_error(path):
    with pytest.raises(ScenarioError):
        load_scenario(scenario_with(path, _deep(20_000)))


@pytest.mark.parametrize("column, fragment", [
    ("8", "got '8'"),
    (np.array(["1", "2"]), "an array of <U1"),
    ([0.5, "x"], "an array of <U32"),
    (np.array([True, False]), "an array of bool"),
    (np.array([1 + 2j]), "an array of complex128"),
    ([[1.0, 2.0], [3.0]], "got [[1.0, 2.0], [3.0]]"),
    (None, "got None"),
])
def test_evaluate_batch_refuses_text_and_other_non_numbers_instead_of_converting(medians, column,
                                                                                 fragment):
    with pytest.raises(ScenarioError) as info:
        inferonomics.evaluate_batch({**medians, "batch": column})
    assert_refused(info.value, "workload.batch", "must be numbers", fragment)


def test_evaluate_batch_refuses_a_matrix_of_text():
    from inferonomics.model.registry import PARAMETERS as PARAMS

    with pytest.raises(ScenarioError) as info:
        inferonomics.evaluate_batch(np.full((2, len(PARAMS)), "1"))
    assert_refused(info.value, "inputs", "numeric array")


def test_evaluate_batch_names_the_first_offending_row_in_either_form(medians):
    from inferonomics.model.registry import INPUT_NAMES

    mfu = np.full(100_000, 0.5)
    mfu[[70_001, 90_000]] = 1.5
    with pytest.raises(ScenarioError) as info:
        inferonomics.evaluate_batch({**medians, "mfu": mfu})
    assert_refused(info.value, "efficiency.mfu[70001]", "got 1.5")
    matrix = np.tile([medians[n] for n in INPUT_NAMES], (100_000, 1))
    matrix[:, INPUT_NAMES.index("mfu")] = mfu
    with pytest.raises(ScenarioError) as info:
        inferonomics.evaluate_batch(matrix)
    assert_refused(info.value, "efficiency.mfu[70001]", "got 1.5")
    idle = np.full(40_000, 70.0)
    idle[33_333] = 5000.0                       # above the TDP: a rule across inputs
    with pytest.raises(ScenarioError) as info:
        inferonomics.evaluate_batch({**medians, "idle_w": idle})
    assert info.value.path == "hardware.idle_w[33333]"
    # A scalar input is checked once, at the first row it applies to; broadcast shapes keep C order.
    with pytest.raises(ScenarioError) as info:
        inferonomics.evaluate_batch({**medians, "batch": np.array([[1.0], [2.0], [3.5]]),
                                     "mfu": np.full((1, 4), 0.5)})
    assert info.value.path == "workload.batch[8]"


@pytest.mark.parametrize("kwargs", [{"threads": np.int64(2)}, {"samples": np.int32(10)},
                                    {"seed": np.uint64(7)}, {"threads": np.int8(1)}])
def test_numpy_integers_are_accepted_wherever_an_int_is(kwargs):
    result = simulate(base(), **{"samples": 10, "seed": 0, **kwargs})
    assert type(result.samples) is int and type(result.seed) is int


@pytest.mark.parametrize("kwargs, path", [
    ({"threads": 2.0}, "threads"), ({"threads": True}, "threads"), ({"threads": "2"}, "threads"),
    ({"samples": 10.0}, "samples"), ({"samples": np.float64(10)}, "samples"),
    ({"samples": np.bool_(True)}, "samples"), ({"seed": 1.0}, "seed"), ({"seed": np.bool_(0)}, "seed"),
    ({"seed": np.random.RandomState(0)}, "seed"),
])
def test_bools_floats_and_other_objects_are_refused_where_an_int_is_expected(kwargs, path):
    with pytest.raises(ScenarioError) as info:
        simulate(base(), **{"samples": 10, "seed": 0, **kwargs})
    assert info.value.path == path


def test_evaluate_batch_takes_numpy_integer_threads(medians):
    out = inferonomics.evaluate_batch({**medians, "batch": np.arange(1.0, 5.0)},
                                      threads=np.int64(1))
    assert len(out["usd_per_mtok"]) == 4
    with pytest.raises(ScenarioError):
        inferonomics.evaluate_batch(medians, threads=1.0)


def test_numpy_numbers_in_a_scenario_dict_are_numbers(medians):
    raw = scenario_with("workload.batch", np.int64(8))
    raw["hardware"]["count"] = np.int32(8)
    raw["energy"]["pue"] = np.float32(1.25)
    plan = load_scenario(raw).resolve()
    assert plan["batch"].median() == 8.0 and plan["count"].median() == 8.0
    assert evaluate(**{**medians, "batch": np.int64(8)}).batch == 8
    with pytest.raises(ScenarioError):
        load_scenario(scenario_with("workload.batch", np.bool_(True)))
