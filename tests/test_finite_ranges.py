"""Inputs anywhere in their accepted ranges give finite figures, on every core.

The registry bounds every input on both sides (inferonomics.model.registry, "Allowed ranges") so that
the model's arithmetic cannot overflow or divide by an underflowed zero. These tests draw from the
whole accepted box, not the realistic one the conformance suite uses: corners (each input at its
lowest, highest or special value), log-uniform values spanning every decade of a range, and
subnormal values where a range starts at 0. A sample that still produced inf or NaN would be
counted as ``non_finite``; here that status must never appear, and every figure a status defines
must be finite. Values just outside the ranges, and distributions that could draw there, are
refused when a scenario is loaded.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import inferonomics
from inferonomics.cores import backends
from inferonomics.errors import ScenarioError
from inferonomics.model import reference
from inferonomics.model.reference import (OUTPUT_NAMES, STATUS_LATENCY, STATUS_MEMORY,
                                          STATUS_NON_FINITE, STATUS_OK)
from inferonomics.model.registry import INPUT_NAMES, PARAMETERS, Parameter

from registry_inputs import repaired

NATIVE = [name for name in ("c", "numba") if backends.unavailable_reason(name) is None]
SMALLEST_SUBNORMAL = 5e-324
CORNER_PROBABILITY = 0.5     # share of inputs placed at a bound or special value in each row
# Figures a sample that does not fit still reports (the rest are NaN by design).
MEMORY_FIGURES = ("batch", "max_batch", "weight_gb_per_device", "kv_gb_per_device",
                  "memory_used_fraction")


def _extremes(param: Parameter) -> list[float]:
    """The accepted values at the edges of ``param``'s range, and its special values."""
    low = np.nextafter(param.low, np.inf) if param.low_open else param.low
    if low == 0 and not param.integer:
        low = SMALLEST_SUBNORMAL
    values = [param.low if not param.low_open else low, low, param.high, *param.special]
    return [float(v) for v in values if param.accepts(v) and math.isfinite(v)] or [float(low)]


def _spread(param: Parameter, u: np.ndarray) -> np.ndarray:
    """Values over the whole range from uniforms ``u``: log-uniform across all its decades (down
    to the smallest subnormal where it starts at 0), then rounded for integer inputs."""
    top = param.high if math.isfinite(param.high) else 1e300
    bottom = param.low if param.low > 0 else SMALLEST_SUBNORMAL
    x = np.exp(np.log(bottom) + u * (np.log(top) - np.log(bottom)))
    x = np.clip(x, bottom, top)
    if param.integer:
        x = np.clip(np.floor(x + 0.5), max(param.low, 1.0), param.high)
    return x


def whole_range_rows(n: int, seed: int) -> np.ndarray:
    gen = np.random.default_rng(seed)
    columns = []
    for p in PARAMETERS:
        x = _spread(p, gen.random(n))
        corner = gen.random(n) < CORNER_PROBABILITY
        x = np.where(corner, gen.choice(_extremes(p), n), x)
        assert p.accepts(x).all(), p.path
        columns.append(x)
    rows = np.column_stack(columns)
    for j in range(n):
        fixed = repaired(dict(zip(INPUT_NAMES, rows[j])))
        rows[j] = [fixed[name] for name in INPUT_NAMES]
    return rows


def assert_finite(outputs: np.ndarray, rows: np.ndarray, who: str) -> None:
    status = outputs[:, 0]
    bad = status == STATUS_NON_FINITE
    ran = (status == STATUS_OK) | (status == STATUS_LATENCY)
    metrics = outputs[:, 1:]
    bad |= ran & ~np.isfinite(metrics).all(axis=1)
    memory_cols = [OUTPUT_NAMES.index(m) for m in MEMORY_FIGURES]
    bad |= (status == STATUS_MEMORY) & ~np.isfinite(outputs[:, memory_cols]).all(axis=1)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise AssertionError(
            f"{who}: {int(bad.sum())} of {len(bad)} rows not finite; first: status {status[j]}, "
            f"outputs {dict(zip(OUTPUT_NAMES, outputs[j].tolist()))}, "
            f"inputs {dict(zip(INPUT_NAMES, rows[j].tolist()))}")


def reference_rows(rows: np.ndarray) -> np.ndarray:
    out = np.empty((rows.shape[0], len(OUTPUT_NAMES)))
    with np.errstate(all="raise"):
        for j, row in enumerate(rows):
            y = reference.evaluate(**dict(zip(INPUT_NAMES, map(float, row))))
            out[j] = [getattr(y, name) for name in OUTPUT_NAMES]
    return out


@pytest.fixture(scope="module")
def box():
    rows = whole_range_rows(4000, seed=7)
    return rows, reference_rows(rows)


def test_reference_is_finite_over_the_whole_accepted_box(box):
    rows, outputs = box
    assert_finite(outputs, rows, "reference")
    status = outputs[:, 0]
    # The box reaches every status a model can give, or finiteness there proves little.
    for code in (STATUS_OK, STATUS_LATENCY, STATUS_MEMORY):
        assert (status == code).any(), code


@pytest.mark.parametrize("backend", NATIVE)
def test_cores_are_finite_and_agree_over_the_whole_accepted_box(backend, box):
    rows, expected = box
    got = backends.get_backend(backend).evaluate(rows, 1)
    assert_finite(got, rows, backend)
    assert (got[:, 0] == expected[:, 0]).all()
    ok = np.isfinite(expected)
    np.testing.assert_allclose(got[ok], expected[ok], rtol=1e-9)


@pytest.mark.parametrize("backend", NATIVE)
def test_cores_are_finite_on_a_hundred_thousand_corner_rows(backend):
    rows = whole_range_rows(20_000, seed=11)
    assert_finite(backends.get_backend(backend).evaluate(rows, 1), rows, backend)


@st.composite
def box_row(draw) -> dict[str, float]:
    row = {}
    for p in PARAMETERS:
        u = draw(st.floats(0.0, 1.0))
        value = float(_spread(p, np.array([u]))[0])
        row[p.name] = draw(st.sampled_from(_extremes(p) + [value]))
    return repaired(row)


@settings(max_examples=300, deadline=None)
@given(row=box_row())
def test_any_row_of_the_accepted_box_gives_finite_figures(row):
    rows = np.array([[row[name] for name in INPUT_NAMES]])
    assert_finite(reference_rows(rows), rows, "reference")


BASE = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
        "workload": {"batch": 8, "input_tokens": 1000, "output_tokens": 100},
        "cost": {"usd_per_device_hour": 2.0}}


def test_non_finite_figures_are_an_infeasibility_reason():
    """The safety net behind the ranges: a sample that overflows anyway (here: inputs far outside
    them, as only a direct call can give) says so instead of reporting inf as a cost."""
    row = inferonomics.load_scenario(BASE).resolve().medians()
    row.update(usd_per_device_hour=1e308, utilization=1e-310)
    out = reference.evaluate(**row)
    assert out.status == STATUS_NON_FINITE
    assert not math.isfinite(out.usd_per_mtok)
    for backend in NATIVE:
        got = backends.get_backend(backend).evaluate(
            np.array([[row[name] for name in INPUT_NAMES]]), 1)
        assert got[0, 0] == STATUS_NON_FINITE, backend


# The values issue 10 found giving inf or NaN, each now refused with its key path.
HOSTILE = [
    ("hardware.memory_gb", 1e300),
    ("deployment.utilization", 1e-320),
    ("efficiency.step_overhead_ms", 1e308),
    ("cost.usd_per_device_hour", 1e300),
    ("cost.usd_per_device_hour", {"dist": "triangular", "low": 0, "mode": 1e200, "high": 1e300}),
    ("efficiency.mfu", {"dist": "pert", "low": 0.2, "mode": 0.4, "high": 0.6, "lambda": math.inf}),
    ("deployment.lifetime_years", 1e-320),
    ("hardware.memory_bw_gbps", 5e-324),
    ("hardware.tflops_16", 1e-300),
    ("cost.usd_per_device_hour", {"dist": "lognormal", "median": 3.0, "sigma": 1e3}),
    ("cost.usd_per_device_hour", {"dist": "normal", "mean": 1.0, "sd": 1e308, "low": 0,
                                  "high": 10}),
]


@pytest.mark.parametrize("path,value", HOSTILE, ids=[f"{p}={v}" for p, v in HOSTILE])
def test_values_that_would_overflow_are_refused_with_their_key(path, value):
    section, _, key = path.partition(".")
    raw = {k: dict(v) for k, v in BASE.items()}
    raw.setdefault(section, {})[key] = value
    with pytest.raises(ScenarioError) as info:
        inferonomics.load_scenario(raw).resolve()
    assert path in str(info.value)


def test_a_zero_peak_means_no_such_unit_and_is_accepted():
    raw = {k: dict(v) for k, v in BASE.items()}
    raw["hardware"]["tflops_4"] = 0
    result = inferonomics.simulate(raw, samples=200, seed=0)
    assert result.summary().feasible == 200

