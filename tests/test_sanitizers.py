"""The C core built under AddressSanitizer and UBSan, driven by tests/native/sanitize_harness.c and
sweep_harness.c: agreement with the reference on scenarios of every kind, no access outside the
given arrays, and hostile calls (huge counts, arrays one element short, NULL) refused with their
error codes. Skipped, with the reason, where the compiler or its sanitizer runtimes are missing."""

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from inferonomics.model import reference
from inferonomics.cores.encoding import KIND_CHOICE, N_INPUTS, N_METRICS, N_OUTPUTS, encode
from inferonomics.model.registry import INPUT_NAMES
from inferonomics.cores.backends import N_MOMENTS
from inferonomics.model.reference import OUTPUT_NAMES, STATUS_NAMES

N_STATUS = len(STATUS_NAMES)
from inferonomics.io.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]


def build_sanitized(tmp_path_factory, harness_source: str):
    """The C core and ``tests/native/<harness_source>`` built under ASan and UBSan, or a skip."""
    cc = os.environ.get("CC", "cc")
    if shutil.which(cc) is None:
        pytest.skip(f"no C compiler ({cc}) to build the sanitized harness")
    exe = tmp_path_factory.mktemp("asan") / Path(harness_source).stem
    cmd = [cc, "-std=c11", "-O1", "-g", *SANITIZE, "-fopenmp", "-fno-math-errno",
           "-fno-trapping-math", str(ROOT / "csrc" / "inferonomics.c"),
           str(ROOT / "tests" / "native" / harness_source), "-I", str(ROOT / "csrc"),
           "-lm", "-o", str(exe)]
    built = subprocess.run(cmd, capture_output=True, text=True)
    if built.returncode != 0:
        reason = ("cannot build with -fsanitize=address,undefined here (sanitizer runtime "
                  f"missing?): {built.stderr.strip().splitlines()[-1] if built.stderr else ''}")
        # CI is where the hostile calls must run: there a missing sanitizer fails, not skips.
        (pytest.fail if os.environ.get("CI") else pytest.skip)(reason)
    return exe


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    return build_sanitized(tmp_path_factory, "sanitize_harness.c")


SCENARIOS = {
    "example": ROOT / "examples" / "llama-2-70b-h100-fp8.toml",
    "moe_every_distribution": {
        "model": {"id": "mixtral-8x7b"}, "hardware": {"id": "h100-sxm", "count": 4},
        "precision": {"weight_bits": {"dist": "choice", "values": [4, 8, 16], "weights": [1, 2, 1]}},
        "workload": {"batch": {"dist": "uniform", "low": 1, "high": 300},
                     "input_tokens": {"dist": "normal", "mean": 2000, "sd": 800, "low": 10, "high": 8000},
                     "output_tokens": {"dist": "pert", "low": 10, "mode": 200, "high": 2000},
                     "tpot_slo_s": 0.05},
        "efficiency": {"mfu": {"dist": "triangular", "low": 0.2, "mode": 0.4, "high": 0.6},
                       "mbu": {"dist": "normal", "mean": 0.9, "sd": 0.05, "low": 0.8, "high": 0.95}},
        "cost": {"usd_per_device_hour": {"dist": "lognormal", "median": 3.0, "sigma": 0.3}},
    },
    "mla_max_batch_not_fitting": {
        "model": {"id": "deepseek-v3"}, "hardware": {"id": "mi300x", "count": 8},
        "precision": {"weight_bits": 8, "kv_bits": 8},
        "workload": {"batch": "max", "input_tokens": {"dist": "lognormal", "median": 4000, "sigma": 1.0},
                     "output_tokens": 500},
    },
}


def run_harness(exe, plan, seed, n):
    enc = encode(plan.distributions)
    payload = b"".join([
        np.int64(enc.choice_values.size).tobytes(), enc.kinds.astype(np.int32).tobytes(),
        enc.params.tobytes(), enc.integer.astype(np.int32).tobytes(), enc.choice_values.tobytes(),
        enc.choice_weights.tobytes(), np.uint64(seed).tobytes(), np.int64(n).tobytes(),
        np.int64((enc.kinds == KIND_CHOICE).any()).tobytes()])
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=1", OMP_NUM_THREADS="2")
    done = subprocess.run([str(exe)], input=payload, capture_output=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    buf = np.frombuffer(done.stdout, dtype=np.uint8)
    status = np.frombuffer(buf[:8 * N_STATUS].tobytes(), dtype=np.int64)
    rest = np.frombuffer(buf[8 * N_STATUS:].tobytes(), dtype=np.float64)
    x = rest[:n * N_INPUTS].reshape(n, N_INPUTS)
    y = rest[n * N_INPUTS:n * (N_INPUTS + N_OUTPUTS)].reshape(n, N_OUTPUTS)
    y2 = rest[n * (N_INPUTS + N_OUTPUTS):].reshape(n, N_OUTPUTS)
    return status, x, y, y2


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_sanitized_c_core_agrees_with_the_reference_and_stays_in_bounds(harness, name):
    plan = load_scenario(SCENARIOS[name]).resolve()
    n, seed = 1000, 12345
    status, x, y, y2 = run_harness(harness, plan, seed, n)
    assert status.sum() == n
    np.testing.assert_array_equal(np.isnan(y), np.isnan(y2))
    np.testing.assert_allclose(y2, y, rtol=0, atol=0, equal_nan=True)   # same code, same numbers
    for i in range(0, n, 37):
        xr = reference.draw_inputs(plan.distributions, seed, i)
        np.testing.assert_allclose(x[i], [xr[k] for k in INPUT_NAMES], rtol=1e-12)
        yr = reference.evaluate(**xr)
        np.testing.assert_allclose(y[i], [getattr(yr, k) for k in OUTPUT_NAMES], rtol=1e-9,
                                   equal_nan=True)


@pytest.fixture(scope="module")
def sweep_harness(tmp_path_factory):
    return build_sanitized(tmp_path_factory, "sweep_harness.c")


SWEEP_SCENARIO = {
    "model": {"id": ["llama-2-7b", "mixtral-8x7b"]},
    "hardware": {"id": "h100-sxm", "count": [1, 2]},
    "workload": {"batch": [4, "max"], "input_tokens": {"dist": "uniform", "low": 200, "high": 3000},
                 "output_tokens": 200},
    "cost": {"usd_per_device_hour": [2.5, {"dist": "choice", "values": [1.0, 3.0]}]},
}


@pytest.mark.parametrize("axes", [True, False], ids=["grid", "no-axes"])
def test_sanitized_sweep_kernels_match_the_binding_and_stay_in_bounds(sweep_harness, axes):
    from inferonomics.cores import backends
    from inferonomics.cores import cbinding
    from inferonomics.analysis.grid import Grid

    if backends.unavailable_reason("c") is not None:
        pytest.skip("the C core is not built")
    raw = SWEEP_SCENARIO if axes else {**SWEEP_SCENARIO, "model": {"id": "llama-2-7b"},
                                       "hardware": {"id": "h100-sxm", "count": 2},
                                       "workload": {**SWEEP_SCENARIO["workload"], "batch": 8},
                                       "cost": {"usd_per_device_hour": 2.0}}
    grid = Grid(load_scenario(raw))
    g = grid.encoded
    qs = np.array([0.05, 0.5, 0.95])
    samples, seed, points = 3000, 7, grid.size
    n_rows = max(g.n_rows, 1)
    has_choice = (g.plan.kinds == KIND_CHOICE).any() or (g.table_kinds == KIND_CHOICE).any()
    payload = b"".join([
        np.array([g.plan.choice_values.size, g.n_groups, g.n_owned, n_rows, samples,
                  qs.size, points, has_choice], dtype=np.int64).tobytes(),
        g.plan.kinds.astype(np.int32).tobytes(), g.plan.params.tobytes(), g.base_medians.tobytes(),
        g.plan.integer.astype(np.int32).tobytes(), g.plan.choice_values.tobytes(),
        g.plan.choice_weights.tobytes(), g.radix.tobytes(), g.owned_offset.tobytes(),
        g.owned_param[:g.n_owned].tobytes(), g.row_offset[:g.n_groups].tobytes(),
        g.table_kinds[:n_rows].tobytes(), g.table_params[:n_rows].tobytes(),
        g.table_medians[:n_rows].tobytes(), qs.tobytes(), np.uint64(seed).tobytes()])
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=1", OMP_NUM_THREADS="2")
    done = subprocess.run([str(sweep_harness)], input=payload, capture_output=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[:3000]
    raw_out = done.stdout
    n_out, n_st, n_mo = points * N_OUTPUTS, points * N_STATUS, points * N_METRICS * N_MOMENTS
    out = np.frombuffer(raw_out[:8 * n_out], dtype=np.float64)
    status = np.frombuffer(raw_out[8 * n_out:8 * (n_out + n_st)], dtype=np.int64)
    moments = np.frombuffer(raw_out[8 * (n_out + n_st):8 * (n_out + n_st + n_mo)], dtype=np.float64)
    qv = np.frombuffer(raw_out[8 * (n_out + n_st + n_mo):], dtype=np.float64)
    want_out = cbinding.sweep_evaluate(grid, 0, points, 2)
    want_st, want_mo, want_qv = cbinding.sweep_simulate(grid, seed, samples, 1000, qs, 0, points, 2)
    # Built without -march=native, so allow rounding; counts exactly.
    np.testing.assert_allclose(out.reshape(want_out.shape), want_out, rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(status.reshape(want_st.shape), want_st)
    np.testing.assert_allclose(moments.reshape(want_mo.shape), want_mo, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(qv.reshape(want_qv.shape), want_qv, rtol=1e-12, equal_nan=True)

