"""The C and numba cores against the reference: same draws, same outputs, same summaries.

Tolerances: drawn inputs agree to 1e-12 relative (the transforms call libm's log/exp/sqrt, which may
differ from CPython's by an ulp); per-sample outputs to 1e-9 relative (the contract; in practice
~1e-15); summary moments to 1e-12; sketch buckets and counts exactly.
"""

import math
import os

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import inferonomics
from inferonomics.cores import backends
from inferonomics.model import reference
from inferonomics.cores.encoding import encode
from inferonomics.errors import ScenarioError
from inferonomics.model.registry import INPUT_NAMES
from inferonomics.model.reference import OUTPUT_NAMES
from inferonomics.io.scenario import load_scenario

NATIVE = [name for name in ("c", "numba") if backends.unavailable_reason(name) is None]
if os.environ.get("INFERONOMICS_REQUIRE_C") == "1" and "c" not in NATIVE:
    raise RuntimeError(f"INFERONOMICS_REQUIRE_C=1 but {backends.unavailable_reason('c')}")

pytestmark = pytest.mark.skipif(not NATIVE, reason="no native core is available")
DRAW_RTOL = 1e-12
OUTPUT_RTOL = 1e-9
MOMENT_RTOL = 1e-12

MODELS = ["llama-2-7b", "llama-2-70b", "mistral-7b", "mixtral-8x7b", "qwen3-30b-a3b",
          "deepseek-v3", "gemma-2-27b", "llama-3.1-405b"]
HARDWARE = ["h100-sxm", "a100-sxm-80gb", "mi300x", "tpu-v5e", "b200", "l4", "gaudi3"]


def distributions(low, high):
    """Every distribution kind, inside [low, high]."""
    mid = 0.5 * (low + high)
    span = high - low
    return st.one_of(
        st.just(mid),
        st.builds(lambda a, b: {"dist": "uniform", "low": min(a, b), "high": max(a, b)},
                  st.floats(low, high), st.floats(low, high)),
        st.builds(lambda sd: {"dist": "normal", "mean": mid, "sd": sd, "low": low, "high": high},
                  st.floats(span / 100, span)),
        st.builds(lambda sd: {"dist": "normal", "mean": high, "sd": sd, "low": mid, "high": high},
                  st.floats(span / 100, span / 4)),             # upper-tail truncation
        st.builds(lambda m: {"dist": "triangular", "low": low, "mode": m, "high": high},
                  st.floats(low, high)),
        st.builds(lambda m: {"dist": "pert", "low": low, "mode": m, "high": high},
                  st.floats(low, high)),
        st.builds(lambda vs: {"dist": "choice", "values": vs,
                              "weights": [1.0 + j for j in range(len(vs))]},
                  st.lists(st.floats(low, high), min_size=1, max_size=4)),
    )


@st.composite
def scenarios(draw):
    batch = draw(st.one_of(st.just("max"), st.integers(1, 512),
                           st.builds(lambda m: {"dist": "uniform", "low": 1, "high": m},
                                     st.integers(2, 256))))
    return {
        "model": {"id": draw(st.sampled_from(MODELS))},
        "hardware": {"id": draw(st.sampled_from(HARDWARE)),
                     "count": draw(st.sampled_from([1, 2, 4, 8, 16, 32, 64]))},
        "precision": {"weight_bits": draw(st.sampled_from([16, 8, 4.5, 4, {"dist": "choice",
                                                                            "values": [4, 8, 16]}])),
                      "activation_bits": draw(st.sampled_from([16, 8, 4])),
                      "kv_bits": draw(st.sampled_from([16, 8, 4]))},
        "workload": {"batch": batch,
                     "input_tokens": draw(st.one_of(
                         distributions(16, 32768),
                         st.just({"dist": "lognormal", "median": 1024, "sigma": 0.8}))),
                     "output_tokens": draw(distributions(1, 4096)),
                     "tpot_slo_s": draw(st.sampled_from([math.inf, 0.05])),
                     "beams": draw(st.sampled_from([1, 1, 4, {"dist": "choice",
                                                              "values": [1, 2, 8]}]))},
        "efficiency": {"mfu": draw(distributions(0.1, 0.8)), "mbu": draw(distributions(0.3, 0.95)),
                       "step_overhead_ms": draw(distributions(0.0, 5.0))},
        "energy": {"pue": draw(distributions(1.0, 1.6)),
                   "grid_gco2_per_kwh": draw(distributions(0.0, 800.0))},
        "cost": {"usd_per_device_hour": draw(distributions(0.5, 12.0))},
        "deployment": {"utilization": draw(distributions(0.2, 1.0))},
    }


def plan_of(raw):
    try:
        return load_scenario(raw).resolve()
    except ScenarioError:
        assume(False)


def reference_rows(plan, seed, start, n):
    xs, ys = [], []
    for i in range(start, start + n):
        x = reference.draw_inputs(plan.distributions, seed, i)
        xs.append([x[name] for name in INPUT_NAMES])
        y = reference.evaluate(**x)
        ys.append([getattr(y, name) for name in OUTPUT_NAMES])
    return np.array(xs), np.array(ys)


def assert_outputs_close(actual, expected):
    np.testing.assert_array_equal(actual[:, 0], expected[:, 0])      # status
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=OUTPUT_RTOL, atol=0, equal_nan=True)


@pytest.mark.parametrize("backend", NATIVE)
@settings(max_examples=60, deadline=None)
@given(raw=scenarios(), seed=st.integers(0, 2**64 - 1), start=st.integers(0, 2**40))
def test_native_draws_and_outputs_match_the_reference(backend, raw, seed, start):
    plan = plan_of(raw)
    core = backends.get_backend(backend)
    n = 16
    x_ref, y_ref = reference_rows(plan, seed, start, n)
    x = core.draw(encode(plan.distributions), plan.distributions, seed, start, n)
    np.testing.assert_allclose(x, x_ref, rtol=DRAW_RTOL, atol=0)
    assert_outputs_close(core.evaluate(x_ref, 1), y_ref)


@pytest.mark.parametrize("backend", NATIVE)
@settings(max_examples=25, deadline=None)
@given(raw=scenarios(), seed=st.integers(0, 2**64 - 1))
def test_native_summary_matches_the_reference_summary(backend, raw, seed):
    plan = plan_of(raw)
    ref = backends.get_backend("reference").simulate(plan, seed, 300, None, False)[0]
    nat = backends.get_backend(backend).simulate(plan, seed, 300, 2, False)[0]
    assert nat.status_counts == ref.status_counts
    for name, m in ref.metrics.items():
        got = nat[name]
        assert got.count == m.count
        if m.count == 0:
            continue
        assert got.sketch == m.sketch, name
        assert (got.min, got.max) == pytest.approx((m.min, m.max), rel=OUTPUT_RTOL)
        assert got.mean == pytest.approx(m.mean, rel=MOMENT_RTOL, abs=1e-300)
        assert got.m2 == pytest.approx(m.m2, rel=1e-9, abs=1e-12 * max(abs(m.mean), 1e-300) ** 2)


EXAMPLE = load_scenario(os.path.join(os.path.dirname(__file__), "..", "examples",
                                     "llama-2-70b-h100-fp8.toml"))


def _summary(backend, samples, threads, chunk=backends.CHUNK_SAMPLES, span_chunks=backends.SPAN_CHUNKS,
             plan=None, seed=3):
    plan = plan or EXAMPLE.resolve()
    kernel = {"c": "inferonomics.cores.cbinding", "numba": "inferonomics.cores.numba_core"}[backend]
    import importlib

    module = importlib.import_module(kernel)
    return backends.native_simulate(module.simulate, plan, seed, samples, threads, False,
                                    chunk=chunk, span_chunks=span_chunks)[0]


def _assert_same(a, b, moments_rtol):
    assert a.status_counts == b.status_counts
    for name in a.metrics:
        assert a[name].count == b[name].count
        assert a[name].sketch == b[name].sketch
        assert (a[name].min, a[name].max) == (b[name].min, b[name].max)
        assert a[name].mean == pytest.approx(b[name].mean, rel=moments_rtol)
        assert a[name].m2 == pytest.approx(b[name].m2, rel=max(moments_rtol, 1e-11), abs=1e-30)


@pytest.mark.parametrize("backend", NATIVE)
def test_thread_count_does_not_change_the_summary(backend):
    one = _summary(backend, 50_000, 1, chunk=4096)
    two = _summary(backend, 50_000, 2, chunk=4096)
    three = _summary(backend, 50_000, 3, chunk=4096)
    _assert_same(one, two, 0.0)   # bit for bit: chunks are fixed, merged in order
    _assert_same(one, three, 0.0)


@pytest.mark.parametrize("backend", NATIVE)
def test_chunking_changes_the_summary_only_by_rounding(backend):
    one_chunk = _summary(backend, 30_000, 2, chunk=30_000)
    many = _summary(backend, 30_000, 2, chunk=777, span_chunks=5)
    _assert_same(one_chunk, many, MOMENT_RTOL)


def test_c_and_numba_summaries_agree():
    if len(NATIVE) < 2:
        pytest.skip("needs both native cores")
    _assert_same(_summary("c", 40_000, 2), _summary("numba", 40_000, 2), MOMENT_RTOL)


@pytest.mark.parametrize("backend", NATIVE)
def test_kept_samples_equal_the_reference_per_sample(backend):
    result = inferonomics.simulate(EXAMPLE, samples=200, seed=9, backend=backend, keep_samples=True)
    table = result._table
    x_ref, y_ref = reference_rows(EXAMPLE.resolve(), 9, 0, 200)
    x = np.column_stack([table.inputs[n] for n in INPUT_NAMES])
    y = np.column_stack([table.outputs[n] for n in OUTPUT_NAMES])
    np.testing.assert_allclose(x, x_ref, rtol=DRAW_RTOL)
    assert_outputs_close(y, y_ref)


@pytest.mark.parametrize("backend", NATIVE)
def test_cli_prints_the_same_summary_as_the_reference(backend, capsys):
    from inferonomics.cli import main

    path = os.path.join(os.path.dirname(__file__), "..", "examples", "llama-2-70b-h100-fp8.toml")
    main(["run", path, "--samples", "3000", "--backend", "reference"])
    ref = capsys.readouterr().out.replace("backend reference", "")
    main(["run", path, "--samples", "3000", "--backend", backend])
    assert capsys.readouterr().out.replace(f"backend {backend}", "") == ref


@pytest.mark.parametrize("backend", NATIVE)
def test_evaluate_batch_matches_evaluate_row_by_row(backend):
    plan = EXAMPLE.resolve()
    x_ref, y_ref = reference_rows(plan, 4, 0, 50)
    out = inferonomics.evaluate_batch(x_ref, backend=backend, threads=2)
    assert_outputs_close(np.column_stack([out[n] for n in OUTPUT_NAMES]), y_ref)
    # The mapping form broadcasts scalars against arrays.
    medians = plan.medians()
    batches = np.array([1.0, 8.0, 64.0])
    out = inferonomics.evaluate_batch({**medians, "batch": batches}, backend=backend)
    for j, b in enumerate(batches):
        assert out["usd_per_mtok"][j] == pytest.approx(
            inferonomics.evaluate(**{**medians, "batch": b}).usd_per_mtok, rel=OUTPUT_RTOL)


@pytest.mark.parametrize("backend", ["reference", *NATIVE])
def test_evaluate_writes_into_the_array_it_is_given_and_refuses_one_it_cannot_fill(backend):
    """evaluate_batch fills its table block by block through ``out=`` (no temporary and no copy
    per block); an array the kernels cannot write row by row is refused, not half-written."""
    from inferonomics.errors import CoreError

    chosen = backends.get_backend(backend)
    x, _ = reference_rows(EXAMPLE.resolve(), 4, 0, 40)
    table = np.full((50, len(OUTPUT_NAMES)), -1.0)
    got = chosen.evaluate(x, 2, out=table[5:45])
    assert np.shares_memory(got, table)
    np.testing.assert_array_equal(table[5:45], chosen.evaluate(x, 2))
    assert (table[:5] == -1.0).all() and (table[45:] == -1.0).all()   # nothing outside its rows
    for bad in (np.empty((40, len(OUTPUT_NAMES)), dtype=np.float32),      # another dtype
                np.empty((41, len(OUTPUT_NAMES))),                         # another row count
                np.empty((40, 2 * len(OUTPUT_NAMES)))[:, ::2],             # strided
                [[0.0] * len(OUTPUT_NAMES)] * 40):                         # not an array
        with pytest.raises(CoreError, match="out"):
            chosen.evaluate(x, 1, out=bad)
    frozen = np.empty((40, len(OUTPUT_NAMES)))
    frozen.flags.writeable = False
    with pytest.raises(CoreError, match="read-only"):       # says why, not only what it got
        chosen.evaluate(x, 1, out=frozen)


def test_evaluate_batch_refuses_bad_rows_before_running():
    medians = EXAMPLE.resolve().medians()
    with pytest.raises(ScenarioError) as info:
        inferonomics.evaluate_batch({**medians, "mfu": np.array([0.5, 1.5])})
    assert info.value.path == "efficiency.mfu[1]"
    with pytest.raises(ScenarioError) as info:
        inferonomics.evaluate_batch(np.zeros((3, 5)))
    assert info.value.path == "inputs"
    with pytest.raises(ScenarioError):
        inferonomics.evaluate_batch({**medians, "idle_w": 5000.0})


def test_draws_do_not_depend_on_where_a_range_starts():
    plan = EXAMPLE.resolve()
    for name in NATIVE:
        core = backends.get_backend(name)
        encoded = encode(plan.distributions)
        whole = core.draw(encoded, plan.distributions, 1, 0, 100)
        part = core.draw(encoded, plan.distributions, 1, 37, 63)
        np.testing.assert_array_equal(whole[37:], part)


EVERY_KIND = {
    "model": {"id": "mixtral-8x7b"}, "hardware": {"id": "h100-sxm", "count": 2},
    "workload": {"batch": {"dist": "choice", "values": [8, 16, 32, 64], "weights": [1, 0, 2, 3]},
                 "input_tokens": {"dist": "lognormal", "median": 1024, "sigma": 0.8},
                 "output_tokens": {"dist": "triangular", "low": 16, "mode": 16, "high": 900}},
    "efficiency": {"mfu": {"dist": "normal", "mean": 0.4, "sd": 0.1, "low": 0.1, "high": 0.8},
                   "mbu": {"dist": "normal", "mean": 0.95, "sd": 0.1, "low": 0.5, "high": 0.99},
                   "step_overhead_ms": {"dist": "pert", "low": 0.5, "mode": 1, "high": 8}},
    "cost": {"usd_per_device_hour": {"dist": "uniform", "low": 2, "high": 4}},
}


def test_the_native_cores_draw_the_same_bits_as_each_other():
    # The normal quantile's two passes (central region for every lane, the tail for the lanes
    # outside it), the one-root triangular and the running-weight choice are the same operations
    # in both cores: any slip in one core's region split or comparison shows as a differing bit.
    if len(NATIVE) < 2:
        pytest.skip("needs both native cores")
    plan = load_scenario(EVERY_KIND).resolve()
    encoded = encode(plan.distributions)
    c, nb = (backends.get_backend(b) for b in ("c", "numba"))
    for seed, start in ((0, 0), (2**63 + 5, 2**40 + 3)):
        x_c = c.draw(encoded, plan.distributions, seed, start, 20_003)
        np.testing.assert_array_equal(x_c, nb.draw(encoded, plan.distributions, seed, start, 20_003))


def test_central_normal_draws_equal_the_reference_to_the_bit():
    # In the central region the quantile is pure arithmetic (no libm call), so the native cores'
    # draws equal the reference's exactly there, up to the split at |p - 0.5| = 0.425.
    plan = load_scenario(EVERY_KIND).resolve()
    s = INPUT_NAMES.index("mfu")
    n = 400
    x_ref, _ = reference_rows(plan, 1, 0, n)
    params = encode(plan.distributions).params[s]   # truncated: p = pa + u (pb - pa), not mirrored
    assert params[6] == 0.0
    u = np.array([rng_uniform(1, i, s) for i in range(n)])
    central = np.abs(params[4] + u * (params[5] - params[4]) - 0.5) <= 0.425
    assert 0 < central.sum() < n
    for backend in NATIVE:
        x = backends.get_backend(backend).draw(encode(plan.distributions), plan.distributions, 1, 0, n)
        np.testing.assert_array_equal(x[central, s], x_ref[central, s])


def test_a_choice_target_equal_to_a_running_weight_takes_the_next_value():
    # The reference takes the first value whose running weight exceeds the target, so a target
    # exactly on a running weight goes past it. Weights (u, 1 - u) for one sample's own uniform u
    # (u >= 1/2, so 1 - u and their sum 1 are exact) put that sample's target on the first
    # running weight: a core counting "target > weight" would pick the first value instead.
    s = INPUT_NAMES.index("batch")
    sample = next(i for i in range(64) if rng_uniform(3, i, s) >= 0.5)
    u = rng_uniform(3, sample, s)
    assert u + (1.0 - u) == 1.0
    plan = load_scenario(dict(EVERY_KIND, workload=dict(EVERY_KIND["workload"], batch={
        "dist": "choice", "values": [8, 16], "weights": [u, 1.0 - u]}))).resolve()
    x_ref, _ = reference_rows(plan, 3, sample, 1)
    assert x_ref[0, s] == 16
    for backend in NATIVE:
        x = backends.get_backend(backend).draw(encode(plan.distributions), plan.distributions, 3,
                                               sample, 1)
        assert x[0, s] == 16, backend


def rng_uniform(seed, sample, input_index):
    from inferonomics.model.registry import PARAMETERS
    from inferonomics.sampling import rng

    return rng.uniform(rng.sample_key(rng.seed_key(seed), sample), PARAMETERS[input_index].stream, 0)
