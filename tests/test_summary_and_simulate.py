"""Mergeable summaries and the Monte Carlo driver."""

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st

import inferonomics
from inferonomics.model import reference
from inferonomics.io.scenario import load_scenario
from inferonomics.stats.summary import SKETCH_RELATIVE_ERROR, MetricSummary, QuantileSketch, Summary

finite_values = st.lists(st.one_of(st.just(0.0), st.floats(2.0**-64, 2.0**63)), min_size=1,
                         max_size=400)


@given(finite_values, st.floats(0, 1))
def test_sketch_quantile_is_within_its_relative_error_of_the_exact_order_statistic(values, q):
    sketch = QuantileSketch()
    for v in values:
        sketch.add(v)
    exact = np.quantile(np.array(values), q, method="lower")
    assert abs(sketch.quantile(q) - exact) <= SKETCH_RELATIVE_ERROR * abs(exact)


@given(finite_values, st.integers(0, 400))
def test_merged_summaries_equal_the_summary_of_the_union(values, cut):
    cut = min(cut, len(values))
    whole, left, right = MetricSummary(), MetricSummary(), MetricSummary()
    for v in values:
        whole.add(v)
    for v in values[:cut]:
        left.add(v)
    for v in values[cut:]:
        right.add(v)
    left.merge(right)
    assert left.count == whole.count
    assert left.sketch == whole.sketch            # buckets merge exactly
    assert (left.min, left.max) == (whole.min, whole.max)
    scale = max(1.0, max(values))
    assert left.mean == pytest.approx(whole.mean, rel=1e-12, abs=1e-12 * scale)
    assert left.m2 == pytest.approx(whole.m2, rel=1e-9, abs=1e-9 * scale * scale)


def test_summary_moments_match_numpy():
    x = np.random.default_rng(1).lognormal(3.0, 0.7, size=5000)
    m = MetricSummary()
    for v in x:
        m.add(float(v))
    assert m.mean == pytest.approx(x.mean(), rel=1e-12)
    assert m.std == pytest.approx(x.std(ddof=1), rel=1e-10)


def test_same_seed_gives_the_same_summary_and_another_seed_does_not(example_path):
    a = inferonomics.simulate(example_path, samples=300, seed=11).summary().to_dict()
    b = inferonomics.simulate(example_path, samples=300, seed=11).summary().to_dict()
    c = inferonomics.simulate(example_path, samples=300, seed=12).summary().to_dict()
    assert a == b
    assert a["metrics"]["usd_per_mtok"]["mean"] != c["metrics"]["usd_per_mtok"]["mean"]


def test_sample_i_does_not_depend_on_which_range_evaluates_it(example_path):
    plan = load_scenario(example_path).resolve()
    whole = list(reference.simulate(plan.distributions, 3, 0, 40))
    part = list(reference.simulate(plan.distributions, 3, 25, 40))
    assert [(i, x, y) for i, x, y in whole[25:]] == part


def test_summaries_of_chunks_merge_into_the_summary_of_one_pass(example_path):
    plan = load_scenario(example_path).resolve()
    one = Summary()
    for _, _, y in reference.simulate(plan.distributions, 5, 0, 300):
        one.add(y)
    merged = Summary()
    for start, stop in ((0, 7), (7, 150), (150, 300)):
        part = Summary()
        for _, _, y in reference.simulate(plan.distributions, 5, start, stop):
            part.add(y)
        merged.merge(part)
    assert merged.status_counts == one.status_counts
    for name, m in one.metrics.items():
        assert merged[name].sketch == m.sketch
        assert merged[name].mean == pytest.approx(m.mean, rel=1e-12)


def test_kept_samples_are_the_reference_evaluated_at_the_drawn_inputs(example_path):
    pd = pytest.importorskip("pandas")
    result = inferonomics.simulate(example_path, samples=50, seed=2, keep_samples=True,
                                  backend="reference")
    df = result.to_pandas()
    assert isinstance(df, pd.DataFrame) and len(df) == 50
    row = df.iloc[17]
    inputs = {c[3:]: row[c] for c in df.columns if c.startswith("in.")}
    y = reference.evaluate(**inputs)
    assert y.usd_per_mtok == row["usd_per_mtok"]
    assert row["status"] == "ok"
    # The summary is over the same samples.
    assert result.summary()["usd_per_mtok"].mean == pytest.approx(df["usd_per_mtok"].mean(), rel=1e-12)


def test_to_pandas_without_kept_samples_explains_how_to_get_them(example_path):
    result = inferonomics.simulate(example_path, samples=5, seed=2)
    with pytest.raises(inferonomics.ScenarioError, match="keep_samples=True"):
        result.to_pandas()


def test_uncertain_inputs_are_drawn_and_fixed_ones_are_not(example_path):
    plan = load_scenario(example_path).resolve()
    assert {"input_tokens", "output_tokens", "mfu", "mbu", "grid_gco2_per_kwh",
            "usd_per_device_hour"} <= set(plan.uncertain)
    assert "pue" not in plan.uncertain           # fixed at 1.2 in the example
    x = reference.draw_inputs(plan.distributions, 0, 0)
    assert x["pue"] == 1.2 and x["batch"] == 64 and x["count"] == 8


def test_infeasible_samples_are_counted_not_dropped():
    scenario = {
        "model": {"id": "llama-2-70b"},
        "hardware": {"id": "a100-sxm-80gb", "count": 2},
        "precision": {"weight_bits": 16},
        "workload": {"batch": 16, "input_tokens": {"dist": "uniform", "low": 100, "high": 20000},
                     "output_tokens": 200, "tpot_slo_s": 0.2},
        "cost": {"usd_per_device_hour": 2.0},
    }
    s = inferonomics.simulate(scenario, samples=400, seed=1).summary()
    assert s.samples == 400
    assert s.status_counts["memory"] > 0 and s.status_counts["ok"] > 0
    assert s.feasible + sum(s.infeasible.values()) == 400
    assert s["usd_per_mtok"].count == s.feasible
    assert all(math.isfinite(v) for v in s["usd_per_mtok"].to_dict().values())


def test_deterministic_inputs_give_zero_spread():
    scenario = {
        "model": {"id": "llama-3.1-8b"}, "hardware": {"id": "l40s"},
        "workload": {"batch": 8, "input_tokens": 500, "output_tokens": 100},
        "efficiency": {"mfu": 0.5, "mbu": 0.7, "step_overhead_ms": 1.0, "comm_efficiency": 0.7},
        "energy": {"pue": 1.1},
        "cost": {"usd_per_device_hour": 1.0},
    }
    s = inferonomics.simulate(scenario, samples=20, seed=0).summary()
    m = s["usd_per_mtok"]
    assert m.std == 0 and m.quantile(0.05) == m.quantile(0.95) == m.mean


def test_lognormal_input_reproduces_its_known_mean():
    # Output tokens drawn lognormal: the Monte Carlo mean of the draw matches median * exp(s^2/2).
    plan = load_scenario({
        "model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
        "workload": {"batch": 4, "input_tokens": 100,
                     "output_tokens": {"dist": "lognormal", "median": 200, "sigma": 0.5}},
    }).resolve()
    draws = [reference.draw_inputs(plan.distributions, 4, i)["output_tokens"] for i in range(20000)]
    assert np.mean(draws) == pytest.approx(200 * math.exp(0.125), rel=0.01)


def test_keeping_more_samples_than_memory_holds_is_refused_up_front(monkeypatch):
    """keep_samples=True stores 59 float64 per sample: refused with the figure before anything
    runs, instead of a MemoryError or an OOM kill half-way."""
    monkeypatch.setattr("inferonomics.memory.available_bytes", lambda: 1_000_000_000)
    monkeypatch.setattr("inferonomics.cores.backends.get_backend", None)   # must not be reached
    example = Path(__file__).resolve().parents[1] / "examples" / "llama-2-70b-h100-fp8.toml"
    with pytest.raises(inferonomics.ScenarioError, match=r"keeping 100,000,000 samples needs "
                       r"\d.*GB, and this machine has 1\.0 GB available; keep fewer"):
        inferonomics.simulate(example, samples=10**8, keep_samples=True)


def test_a_sweep_table_larger_than_memory_is_refused_up_front(monkeypatch):
    monkeypatch.setattr("inferonomics.memory.available_bytes", lambda: 1_000_000)
    raw = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
           "workload": {"batch": list(range(1, 2001)), "input_tokens": 1000,
                        "output_tokens": 100}, "cost": {"usd_per_device_hour": 2.0}}
    with pytest.raises(inferonomics.ScenarioError, match="table of 2,000 grid points needs .* "
                       "keep fewer metrics"):
        inferonomics.sweep(raw, samples=100)


# ----------------------------------------------------------------------------------------------------
# Seeds: reproducible by default; numpy's seed objects accepted
# ----------------------------------------------------------------------------------------------------

def _mean(result) -> float:
    return result.summary()["usd_per_mtok"].mean


def test_simulate_is_reproducible_by_default_with_the_cli_default_seed(example_path):
    from inferonomics.cli import build_parser

    default = build_parser().parse_args(["run", str(example_path)]).seed
    first = inferonomics.simulate(example_path, samples=500)
    assert first.seed == default == 0
    assert _mean(first) == _mean(inferonomics.simulate(example_path, samples=500, seed=0))


@pytest.mark.parametrize("name", ["simulate", "sweep", "compare", "compare_points", "break_even",
                                  "sobol", "sobol_indices", "tornado"])
def test_every_public_function_with_a_seed_defaults_to_0(name):
    import inspect

    assert inspect.signature(getattr(inferonomics, name)).parameters["seed"].default == 0


def test_a_seed_sequence_gives_a_seed_derived_from_it(example_path):
    sequence = np.random.SeedSequence(12345)
    first = inferonomics.simulate(example_path, samples=500, seed=sequence)
    again = inferonomics.simulate(example_path, samples=500, seed=np.random.SeedSequence(12345))
    assert first.seed == again.seed == int(sequence.generate_state(1, np.uint64)[0])
    assert _mean(first) == _mean(again)
    child = sequence.spawn(1)[0]
    assert inferonomics.simulate(example_path, samples=500, seed=child).seed != first.seed


def test_a_generator_gives_a_seed_drawn_from_it_and_advances(example_path):
    generator = np.random.default_rng(7)
    first = inferonomics.simulate(example_path, samples=500, seed=generator)
    second = inferonomics.simulate(example_path, samples=500, seed=generator)
    assert first.seed != second.seed                          # the generator moved on
    assert 0 <= first.seed < 2**63
    assert first.seed == int(np.random.default_rng(7).integers(0, 2**63))


def test_seed_none_draws_fresh_entropy_and_records_it(example_path):
    result = inferonomics.simulate(example_path, samples=500, seed=None)
    again = inferonomics.simulate(example_path, samples=500, seed=result.seed)
    assert _mean(result) == _mean(again)


# ----------------------------------------------------------------------------------------------------
# evaluate_batch: blocks of rows
# ----------------------------------------------------------------------------------------------------

def test_evaluate_batch_blocks_grow_with_threads_up_to_a_cap():
    """A block per thread keeps each in cache; on a machine with many CPUs the blocks stop growing
    before they become the whole matrix they exist to avoid."""
    from inferonomics import api

    assert api._block_rows(1) == api.EVALUATE_BLOCK_ROWS
    assert api._block_rows(2) == 2 * api.EVALUATE_BLOCK_ROWS
    assert api._block_rows(64) == api._block_rows(512) == api.EVALUATE_MAX_BLOCK_ROWS


@pytest.mark.parametrize("threads", [1, 3])
def test_evaluate_batch_in_blocks_equals_one_call_on_the_whole_matrix(example_path, monkeypatch,
                                                                       threads):
    from inferonomics import api
    from inferonomics.model.registry import INPUT_NAMES, OUTPUT_NAMES

    monkeypatch.setattr(api, "EVALUATE_BLOCK_ROWS", 1000)
    medians = load_scenario(example_path).resolve().medians()
    n = 3 * 4096 + 17          # blocks of 1000 rows a thread, and a partial one
    rng = np.random.default_rng(0)
    columns = {"batch": rng.integers(1, 256, n).astype(float),
               "input_tokens": rng.uniform(10, 8000, n), "mfu": rng.uniform(0.2, 0.7, n)}
    out = inferonomics.evaluate_batch({**medians, **columns}, threads=threads)
    matrix = np.column_stack([np.broadcast_to(columns.get(k, medians[k]), n) for k in INPUT_NAMES])
    whole = inferonomics.evaluate_batch(matrix, threads=1)
    for name in OUTPUT_NAMES:
        np.testing.assert_array_equal(out[name], whole[name], err_msg=name)


def test_evaluate_batch_memory_stays_near_its_output(example_path):
    """The rows are assembled a block at a time: no (n, inputs) matrix, no np.stack copies."""
    import tracemalloc

    from inferonomics import api
    from inferonomics.model.registry import INPUT_NAMES, OUTPUT_NAMES

    medians = load_scenario(example_path).resolve().medians()
    n = 500_000
    batch = np.arange(n) % 256 + 1.0
    inferonomics.evaluate_batch({**medians, "batch": batch[:10]})     # warm up the backend
    tracemalloc.start()
    try:
        inferonomics.evaluate_batch({**medians, "batch": batch}, threads=2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    width = len(INPUT_NAMES) + len(OUTPUT_NAMES)
    blocks = 2 * api._block_rows(2) * width * 8           # a block of inputs and its outputs
    output = n * len(OUTPUT_NAMES) * 8
    assert n * len(INPUT_NAMES) * 8 > blocks              # a whole matrix would not fit below
    assert peak < output + blocks, (peak, output, blocks)


@given(st.lists(st.floats(-1e30, 1e30, allow_nan=False), min_size=1, max_size=200))
def test_the_summary_of_a_cores_arrays_reads_its_histogram_between_the_min_and_max_buckets(values):
    """The summary of a core's dense histogram reads only the buckets between those of the
    metric's min and max: it must give the sketch of the whole row, values of either sign and
    zero included."""
    from inferonomics.cores.backends import empty_moments, summary_from_arrays
    from inferonomics.model.reference import METRIC_NAMES
    from inferonomics.stats.summary import SKETCH_BUCKETS, sketch_index

    hist = np.zeros((len(METRIC_NAMES), SKETCH_BUCKETS), dtype=np.int64)
    for v in values:
        hist[0, sketch_index(v)] += 1
    moments = empty_moments()
    moments[0] = [len(values), np.mean(values), 0.0, min(values), max(values)]
    summary = summary_from_arrays(np.zeros(4, dtype=np.int64), moments, hist, (METRIC_NAMES[0],))
    whole = QuantileSketch.from_dense(hist[0])
    assert summary.metrics[METRIC_NAMES[0]].sketch.counts == whole.counts


def test_a_cores_histogram_with_counts_outside_its_min_and_max_is_refused_not_read_short():
    from inferonomics.cores.backends import empty_moments, summary_from_arrays
    from inferonomics.errors import CoreError
    from inferonomics.model.reference import METRIC_NAMES
    from inferonomics.stats.summary import SKETCH_BUCKETS, sketch_index

    hist = np.zeros((len(METRIC_NAMES), SKETCH_BUCKETS), dtype=np.int64)
    hist[0, sketch_index(2.0)] += 2
    hist[0, sketch_index(1e6)] += 1     # beyond the max the moments say
    moments = empty_moments()
    moments[0] = [3, 2.0, 0.0, 2.0, 3.0]
    with pytest.raises(CoreError, match="histogram of .* holds 3 samples, 2 of them"):
        summary_from_arrays(np.zeros(4, dtype=np.int64), moments, hist, (METRIC_NAMES[0],))
