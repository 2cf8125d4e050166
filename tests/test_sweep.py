"""Sweeps: grid points built in the cores from their index agree with resolving each point, with
simulate() at that point, across backends and thread counts; tables and bad input."""

import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import inferonomics as inf
from inferonomics.cores import backends
from inferonomics.errors import ScenarioError
from inferonomics.analysis.grid import Grid
from inferonomics.model.registry import INPUT_NAMES
from inferonomics.model.reference import METRIC_NAMES
from inferonomics.analysis.sweeps import quantile_label, split_column, sweep
from inferonomics.io.scenario import load_scenario

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "llama-2-70b-h100-fp8.toml"

NATIVE = [name for name in ("c", "numba") if backends.unavailable_reason(name) is None]
MOMENT_RTOL = 1e-12


def scenario(**over):
    raw = {
        "model": {"id": ["llama-2-7b", "mixtral-8x7b"]},
        "hardware": {"id": ["h100-sxm", "mi300x"], "count": [1, 2]},
        "workload": {"batch": [4, "max"], "input_tokens": {"dist": "uniform", "low": 200, "high": 3000},
                     "output_tokens": {"dist": "lognormal", "median": 200, "sigma": 0.5}},
        "cost": {"usd_per_device_hour": [2.5, {"dist": "choice", "values": [1.0, 3.0],
                                                "weights": [1, 2]}]},
        "efficiency": {"mfu": {"dist": "pert", "low": 0.2, "mode": 0.4, "high": 0.7}},
    }
    for path, value in over.items():
        section, key = path.split("__")
        raw.setdefault(section, {})[key] = value
    return inf.load_scenario(raw)


def test_composed_grid_points_equal_the_scenario_resolved_at_each_point():
    sc = scenario()
    grid = Grid(sc)
    assert grid.size == 2 * 2 * 2 * 2 * 2
    points = list(sc.points())
    assert len(points) == grid.size
    for i, (assignment, point) in enumerate(points):   # scenario.points() is in C order too
        assert grid.assignment(grid.digits(i)) == assignment
        assert grid.distributions(i) == point.resolve().distributions


def test_zipped_axes_share_one_dimension():
    sc = inf.load_scenario({
        "model": {"id": "llama-2-7b"},
        "hardware": {"id": ["h100-sxm", "mi300x", "h200"]},
        "workload": {"batch": [1, 8], "input_tokens": 512, "output_tokens": 128},
        "cost": {"usd_per_device_hour": [3.0, 2.5, 4.0]},
        "sweep": {"zip": [["hardware.id", "cost.usd_per_device_hour"]]}})
    assert sc.grid_size == 6
    result = sweep(sc, deterministic=True)
    df = result.to_pandas()
    assert list(zip(df["hardware.id"], df["cost.usd_per_device_hour"])) == [
        ("h100-sxm", 3.0), ("h100-sxm", 3.0), ("mi300x", 2.5), ("mi300x", 2.5), ("h200", 4.0),
        ("h200", 4.0)]
    ds = result.to_xarray()
    assert dict(ds.sizes) == {"hardware.id": 3, "workload.batch": 2}
    assert list(ds["cost.usd_per_device_hour"].values) == [3.0, 2.5, 4.0]


@pytest.mark.parametrize("backend", NATIVE)
def test_monte_carlo_point_is_simulate_at_that_point(backend):
    sc = scenario()
    samples = 3000
    result = sweep(sc, samples=samples, seed=11, backend=backend, quantiles=(0.05, 0.5, 0.9, 0.95))
    for i, (assignment, point) in enumerate(sc.points()):
        s = inf.simulate(point, samples=samples, seed=11, backend=backend).summary()
        assert list(result.status[i]) == list(s.status_counts.values())
        for metric in METRIC_NAMES:
            ms = s.metrics[metric]
            for stat in ("p5", "p50", "p90", "p95", "min", "max"):
                got = result.column(metric, stat)[i]
                want = ms.quantile(float(stat[1:]) / 100) if stat.startswith("p") else \
                    getattr(ms, stat)
                if ms.count == 0:
                    assert math.isnan(got)
                else:
                    assert got == want, (i, metric, stat)
            if ms.count:
                assert result.column(metric, "mean")[i] == pytest.approx(ms.mean, rel=MOMENT_RTOL)
                assert result.column(metric, "std")[i] == pytest.approx(ms.std, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("backend", NATIVE)
def test_deterministic_point_is_evaluate_at_the_medians(backend):
    sc = scenario()
    result = sweep(sc, deterministic=True, backend=backend)
    for i, (_, point) in enumerate(sc.points()):
        y = inf.evaluate(**point.resolve().medians())
        assert result.status[i, y.status] == 1 and result.status[i].sum() == 1
        for metric in METRIC_NAMES:
            got, want = result.column(metric)[i], getattr(y, metric)
            assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, rel=1e-12)


def test_native_cores_agree_bit_for_bit_and_with_the_reference():
    if len(NATIVE) < 2:
        pytest.skip("needs both native cores")
    sc = scenario()
    c = sweep(sc, samples=500, seed=5, backend="c")
    nb = sweep(sc, samples=500, seed=5, backend="numba", threads=3)
    ref = sweep(sc, samples=500, seed=5, backend="reference")
    assert np.array_equal(c.status, nb.status) and np.array_equal(c.status, ref.status)
    assert np.array_equal(c.quantile_values, nb.quantile_values, equal_nan=True)
    assert np.array_equal(c.moments, nb.moments)
    ok = ref.moments[..., 0] > 0
    assert np.allclose(c.moments[ok], ref.moments[ok], rtol=1e-9, atol=0)
    # quantiles are bucket midpoints: the reference lands in the same bucket
    assert np.allclose(c.quantile_values, ref.quantile_values, rtol=1e-12, equal_nan=True)
    cd = sweep(sc, deterministic=True, backend="c")
    rd = sweep(sc, deterministic=True, backend="reference")
    assert np.allclose(cd.values, rd.values, rtol=1e-9, equal_nan=True)


@pytest.mark.parametrize("backend", NATIVE)
def test_thread_count_and_batching_do_not_change_a_sweep(backend, monkeypatch):
    sc = scenario()
    one = sweep(sc, samples=700, seed=2, backend=backend, threads=1)
    monkeypatch.setattr("inferonomics.analysis.sweeps.BATCH_SAMPLES", 700 * 3)   # batches of 3 points
    three = sweep(sc, samples=700, seed=2, backend=backend, threads=3)
    assert np.array_equal(one.quantile_values, three.quantile_values, equal_nan=True)
    assert np.array_equal(one.moments, three.moments)
    monkeypatch.setattr("inferonomics.analysis.sweeps.BATCH_POINTS", 5)
    d1 = sweep(sc, deterministic=True, backend=backend, threads=1)
    d3 = sweep(sc, deterministic=True, backend=backend, threads=3)
    assert np.array_equal(d1.values, d3.values, equal_nan=True)


@settings(max_examples=25)
@given(batches=st.lists(st.sampled_from([1, 2, 16, 64, 512, "max"]), min_size=1, max_size=4,
                        unique=True),
       counts=st.lists(st.sampled_from([1, 2, 4, 8]), min_size=1, max_size=3, unique=True),
       bits=st.lists(st.sampled_from([4, 8, 16]), min_size=1, max_size=3, unique=True),
       hardware=st.lists(st.sampled_from(["h100-sxm", "a100-sxm-80gb", "l4", "b200", "tpu-v5e"]),
                         min_size=1, max_size=3, unique=True))
def test_deterministic_sweep_matches_evaluate_over_random_grids(batches, counts, bits, hardware):
    sc = inf.load_scenario({
        "model": {"id": "llama-3.1-70b"}, "hardware": {"id": hardware, "count": counts},
        "precision": {"weight_bits": bits},
        "workload": {"batch": batches, "input_tokens": 1000, "output_tokens": 300},
        "cost": {"usd_per_device_hour": 3.0}})
    result = sweep(sc, deterministic=True)
    inputs = np.array([[point.resolve().medians()[n] for n in INPUT_NAMES]
                       for _, point in sc.points()])
    want = inf.evaluate_batch(inputs, backend="reference")
    assert np.array_equal(result.status.argmax(axis=1), want["status"].astype(int))
    for m, metric in enumerate(METRIC_NAMES):
        np.testing.assert_allclose(result.values[:, m], want[metric], rtol=1e-9)


def test_table_columns_are_axes_then_fractions_then_metric_stats(tmp_path):
    result = sweep(scenario(), samples=300, seed=0)
    df = result.to_pandas()
    assert list(df.columns[:5]) == ["model.id", "hardware.id", "hardware.count", "workload.batch",
                                    "cost.usd_per_device_hour"]
    assert {"feasible_fraction", "infeasible_memory_fraction", "usd_per_mtok_p50", "tpot_s_p95",
            "ttft_s_mean", "e2e_s_std"} <= set(df.columns)
    assert len(df) == 32
    assert list(df["workload.batch"].unique()) == ["4", "max"]   # mixed values become text
    for suffix in (".csv", ".parquet"):
        path = result.write(tmp_path / f"table{suffix}")
        import pandas as pd

        back = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
        assert back.shape == df.shape
        np.testing.assert_allclose(back["usd_per_mtok_p50"], df["usd_per_mtok_p50"], rtol=1e-12)
    with pytest.raises(ScenarioError, match="must end in .csv or .parquet"):
        result.write(tmp_path / "table.xlsx")


def test_a_point_with_no_feasible_sample_reports_nan_statistics_and_its_fractions():
    sc = inf.load_scenario({
        "model": {"id": "llama-3.1-405b"}, "hardware": {"id": "l4", "count": [1, 8]},
        "workload": {"batch": 1, "input_tokens": 100, "output_tokens": 100},
        "cost": {"usd_per_device_hour": 1.0}})
    result = sweep(sc, samples=200, seed=0)
    df = result.to_pandas()
    assert df["feasible_fraction"].tolist() == [0.0, 0.0]
    assert df["infeasible_memory_fraction"].tolist() == [1.0, 1.0]
    assert df["usd_per_mtok_p50"].isna().all()


def test_ctrl_c_keeps_the_finished_points(monkeypatch, interrupt_sweep_at_call):
    sc = scenario()
    interrupt_sweep_at_call(3)
    monkeypatch.setattr("inferonomics.analysis.sweeps.BATCH_SAMPLES", 400 * 5)
    with pytest.warns(RuntimeWarning, match="interrupted: keeping the 10 of 32"):
        result = sweep(sc, samples=400, seed=1)
    assert result.interrupted and result.completed == 10
    assert len(result.to_pandas()) == 10
    assert not np.isnan(result.column("usd_per_mtok", "p50")).any()
    with pytest.raises(ScenarioError, match="interrupted"):
        result.to_xarray()


def test_every_kept_quantile_is_found_by_its_column_name():
    qs = [0.001, 0.05, 0.29, 0.5, 0.57, 0.9, 0.999]
    result = sweep(scenario(), samples=200, seed=0, quantiles=qs)
    df = result.to_pandas()
    for q in qs:
        assert f"usd_per_mtok_{quantile_label(q)}" in df.columns


def test_a_deterministic_sweep_answers_only_to_its_single_value():
    result = sweep(scenario(), deterministic=True)
    np.testing.assert_array_equal(result.column("tpot_s", "p50"), result.column("tpot_s"))
    with pytest.raises(ScenarioError, match="one value per point"):
        result.column("tpot_s", "p95")


def test_column_names_and_statistics():
    assert [quantile_label(q) for q in (0.05, 0.5, 0.95, 0.999)] == ["p5", "p50", "p95", "p99.9"]
    assert split_column("usd_per_mtok_p95") == ("usd_per_mtok", "p95")
    assert split_column("tpot_s_mean") == ("tpot_s", "mean")
    with pytest.raises(ScenarioError, match="unknown metric column 'usd_per_mtk_p50'"):
        split_column("usd_per_mtk_p50")
    with pytest.raises(ScenarioError, match="unknown statistic"):
        split_column("tpot_s_p200")
    result = sweep(scenario(), samples=100, seed=0)
    with pytest.raises(ScenarioError, match="p99 was not computed"):
        result.column("tpot_s", "p99")


@pytest.mark.parametrize("sweep_table, message", [
    ({"zip": [["hardware.id", "cost.usd_per_device_hour"]]}, "must have the same length"),
    ({"zip": [["hardware.id", "workload.output_tokens"]]}, "is not a sweep axis"),
    ({"zip": [["hardware.id", "hardware.cuont"]]}, "is not a key of this scenario"),
    ({"zip": [["cost.usd_per_device_hour", "hardware.count"],
              ["hardware.count", "cost.usd_per_device_hour"]]},
     "already zipped"),
    ({"zip": [["hardware.id"]]}, "two or more axis key paths"),
    ({"zip": "hardware.id"}, "must be a list of lists"),
    ({"max_points": 0}, "whole number >= 1"),
    ({"limit": 5}, "unknown key"),
])
def test_bad_sweep_tables_fail_when_the_scenario_loads(sweep_table, message):
    raw = {"model": {"id": "llama-2-7b"}, "hardware": {"id": ["h100-sxm", "mi300x"], "count": [1, 2, 4]},
           "workload": {"batch": [1, 8, 64, 256], "input_tokens": 100, "output_tokens": 100},
           "cost": {"usd_per_device_hour": [1.0, 2.0, 3.0]}}
    raw["workload"]["output_tokens"] = 100
    if "max_points" in sweep_table and sweep_table["max_points"] == 10:
        raw["cost"]["usd_per_device_hour"] = 2.0
    raw["sweep"] = sweep_table
    with pytest.raises(ScenarioError, match=message):
        inf.load_scenario(raw)


def test_a_grid_above_the_scenarios_limit_is_refused_unless_the_caller_raises_it():
    sc = scenario(sweep__max_points=10)
    with pytest.raises(ScenarioError, match=r"sweep.max_points: the sweep has 32 grid points, "
                       r"more than the limit of 10"):
        sweep(sc, deterministic=True)
    assert sweep(sc, deterministic=True, max_points=32).completed == 32


def test_sweep_arguments_are_checked_before_anything_runs():
    sc = scenario()
    with pytest.raises(ScenarioError, match="more than the limit of 8"):
        sweep(sc, samples=10, max_points=8)
    with pytest.raises(ScenarioError, match="samples: must be an integer"):
        sweep(sc, samples=0)
    with pytest.raises(ScenarioError, match="leave samples out"):
        sweep(sc, samples=10, deterministic=True)
    with pytest.raises(ScenarioError, match="quantiles"):
        sweep(sc, samples=10, quantiles=[0.5, 1.5])
    with pytest.raises(ScenarioError, match="at most 16"):
        sweep(sc, samples=10, quantiles=[i / 20 for i in range(20)])


def test_cross_field_checks_run_on_every_combination_of_axes():
    raw = {"model": {"id": "llama-2-7b", "active_params_b": [5.0, 50.0],
                     "total_params_b": [100.0, 10.0]},
           "hardware": {"id": "h100-sxm"},
           "workload": {"batch": 1, "input_tokens": 100, "output_tokens": 100},
           "cost": {"usd_per_device_hour": 1.0}}
    with pytest.raises(ScenarioError, match=r"model.active_params_b: can reach 50 B.*grid point "
                       r"model.active_params_b = 50.0, model.total_params_b = 10.0"):
        sweep(raw, deterministic=True)


def test_a_scenario_without_axes_sweeps_to_one_point():
    sc = scenario(model__id="llama-2-7b", hardware__id="h100-sxm", hardware__count=1, workload__batch=8,
        cost__usd_per_device_hour=2.0)
    result = sweep(sc, samples=1000, seed=4)
    s = inf.simulate(sc, samples=1000, seed=4).summary()
    assert result.completed == 1
    assert result.column("usd_per_mtok", "p50")[0] == s.quantile("usd_per_mtok", 0.5)


@pytest.mark.parametrize("deterministic", [True, False])
def test_keeping_a_few_metrics_gives_the_same_columns_as_keeping_all(deterministic):
    sc = scenario()
    kw = {"deterministic": True} if deterministic else {"samples": 300, "seed": 1}
    everything = sweep(sc, **kw).to_pandas()
    few = sweep(sc, metrics=["tpot_s", "usd_per_mtok"], **kw)
    df = few.to_pandas()
    assert few.metrics == ("tpot_s", "usd_per_mtok")   # METRIC_NAMES order
    assert not any(c.startswith("ttft_s") for c in df.columns)
    for column in df.columns:
        assert df[column].equals(everything[column]), column
    with pytest.raises(ScenarioError, match="ttft_s was not kept"):
        few.column("ttft_s", "p50")
    with pytest.raises(ScenarioError, match="unknown metric 'cost'"):
        sweep(sc, metrics=["cost"], **kw)


def test_an_input_depending_on_two_axes_at_once_is_enumerated_with_both(tmp_path):
    # v_head_dim defaults to head_dim only for a model whose catalog entry lacks it, so it depends
    # on model.id and model.head_dim together, invisibly from the grid's first point.
    catalog = tmp_path / "extra.toml"
    catalog.write_text('''[models.tiny-novhd]
name = "a model without v_head_dim"
source = "test"
total_params_b = 1.0
active_params_b = 1.0
n_layers = 16
d_model = 2048
n_heads = 16
n_kv_heads = 4
head_dim = 128
d_ff = 8192
''')
    sc = inf.load_scenario({
        "catalog": str(catalog),
        "model": {"id": ["llama-3.1-8b", "tiny-novhd", "mistral-7b"], "head_dim": [128, 64]},
        "hardware": {"id": "h100-sxm"},
        "workload": {"batch": [1, 8, 32], "input_tokens": 1000, "output_tokens": 200},
        "cost": {"usd_per_device_hour": 2.0}})
    grid = Grid(sc)
    assert (grid.groups[0].first, grid.groups[0].last) == (0, 1)   # model.id with head_dim
    for i, (_, point) in enumerate(sc.points()):
        assert grid.distributions(i) == point.resolve().distributions
    result = sweep(sc, deterministic=True)
    for i, (_, point) in enumerate(sc.points()):
        y = inf.evaluate(**point.resolve().medians())
        assert result.column("max_batch")[i] == y.max_batch


# ------------------------------------------------------------------------------------------------
# Tables on disk: whole or not at all, and saying how they were made
# ------------------------------------------------------------------------------------------------

def _small_sweep():
    s = load_scenario(EXAMPLE).with_values({"workload.batch": [8, 64]})
    return sweep(s, samples=300, seed=5)


def test_a_written_table_records_how_it_was_made(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    result = _small_sweep()
    meta = json.loads(pq.read_schema(result.write(tmp_path / "t.parquet")).metadata[b"inferonomics"])
    assert meta["complete"] is True and meta["rows"] == meta["grid_points"] == 2
    assert meta["seed"] == 5 and meta["samples_per_point"] == 300
    assert load_scenario(tomllib.loads(meta["scenario_toml"])).grid_size == 2
    result.write(tmp_path / "t.csv")
    side = json.loads((tmp_path / "t.csv.json").read_text())
    assert side["units"]["usd_per_mtok_p50"] == "USD/Mtok" and side["complete"] is True


def test_a_failed_write_leaves_the_previous_table_and_no_temporary_file(tmp_path, monkeypatch):
    result = _small_sweep()
    path = result.write(tmp_path / "t.csv")
    before = path.read_bytes()

    def half_then_fail(self, target, suffix, meta):
        target.write_text("feasible_fraction\n0.5\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(result), "_write_table", half_then_fail)
    with pytest.raises(inf.ScenarioError, match="No space left on device"):
        result.write(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.csv.json"]


def test_an_interrupted_sweep_table_says_it_is_partial(tmp_path, interrupt_sweep_at_call, capsys,
                                                       monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    from inferonomics import cli

    interrupt_sweep_at_call(2)
    monkeypatch.setattr("inferonomics.analysis.sweeps.BATCH_SAMPLES", 200 * 50)
    out = tmp_path / "partial.parquet"
    cheapest = EXAMPLE.parent / "cheapest-gpu-llama-3.1-70b.toml"
    with pytest.warns(RuntimeWarning, match="interrupted"):
        code = cli.main(["sweep", str(cheapest), "--samples", "200", "--out", str(out)])
    assert code == 130
    meta = json.loads(pq.read_schema(out).metadata[b"inferonomics"])
    assert meta["complete"] is False and meta["rows"] == 50 and meta["grid_points"] == 144


@pytest.mark.parametrize("target, complaint", [("dir.csv", "is a folder"),
                                               ("nope/t.csv", "does not exist")])
def test_a_table_destination_is_checked_before_the_sweep_runs(tmp_path, capsys, monkeypatch,
                                                                target, complaint):
    from inferonomics import cli

    (tmp_path / "dir.csv").mkdir()
    monkeypatch.setattr("inferonomics.cli.sweep.sweep", None)   # must not be reached
    with pytest.raises(SystemExit) as info:
        cli.main(["sweep", str(EXAMPLE), "--out", str(tmp_path / target)])
    assert info.value.code == 2 and complaint in capsys.readouterr().err


def test_building_a_grid_is_linear_in_the_length_of_an_axis(monkeypatch):
    """A long axis used to be deep-copied for each of its values (quadratic: 23 s for one axis of
    10,000 values). Counted in list elements copied, not in seconds."""
    import copy

    import inferonomics.io.scenario as scenario_module

    copied = []

    def size(obj):
        if isinstance(obj, dict):
            return sum(size(v) for v in obj.values())
        if isinstance(obj, list):
            return len(obj) + sum(size(v) for v in obj)
        return 0

    real_deepcopy = copy.deepcopy

    def counting_deepcopy(obj, *args):
        copied.append(size(obj))
        return real_deepcopy(obj, *args)

    monkeypatch.setattr(scenario_module.copy, "deepcopy", counting_deepcopy)
    n = 400
    raw = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
           "workload": {"batch": list(range(1, n + 1)), "input_tokens": 1000,
                        "output_tokens": 100}, "cost": {"usd_per_device_hour": 2.0}}
    sweep(raw, deterministic=True)
    assert sum(copied) < 20 * n, sum(copied)


def test_the_tidy_table_holds_every_value_of_the_wide_one_once():
    pytest.importorskip("pandas")
    s = load_scenario(EXAMPLE).with_values({"workload.batch": [8, 64]})
    result = sweep(s, samples=300, seed=1, metrics=["usd_per_mtok", "tpot_s"])
    wide, tidy = result.to_pandas(), result.to_pandas(tidy=True)
    stats = result.stat_names()
    assert len(tidy) == len(wide) * 2 * len(stats)
    for row in tidy.itertuples(index=False):
        point = wide[wide["workload.batch"] == getattr(row, "_0")].iloc[0]
        assert point[f"{row.metric}_{row.stat}"] == row.value
    assert set(tidy["unit"]) == {"USD/Mtok", "s"} and tidy.attrs["schema_version"]


# --- Tables people can analyse (#10 item 12): xarray, units, names, distribution axes ----------

def _zipped_sweep(**kw):
    raw = {"model": {"id": "llama-2-7b"}, "hardware": {"id": ["h100-sxm", "mi300x"]},
           "workload": {"batch": [8, 64, 256], "input_tokens": 512, "output_tokens": 128},
           "cost": {"usd_per_device_hour": [3.0, 2.5]},
           "sweep": {"zip": [["hardware.id", "cost.usd_per_device_hour"]]}}
    return sweep(raw, metrics=["usd_per_mtok", "tpot_s"], **kw)


def test_xarray_has_a_dimension_per_axis_group_and_quantile_and_stat_dimensions():
    pytest.importorskip("xarray")
    from inferonomics.model.registry import METRIC_BY_NAME

    result = _zipped_sweep(samples=300, seed=3, quantiles=(0.05, 0.5, 0.95))
    ds, df = result.to_xarray(), result.to_pandas()
    assert dict(ds["usd_per_mtok"].sizes) == {"hardware.id": 2, "workload.batch": 3, "quantile": 3}
    assert dict(ds["usd_per_mtok_stats"].sizes) == {"hardware.id": 2, "workload.batch": 3,
                                                    "stat": 4}
    assert list(ds.indexes) == ["hardware.id", "workload.batch", "quantile", "stat"]
    assert ds["cost.usd_per_device_hour"].dims == ("hardware.id",)   # zipped: not an index
    assert list(ds["stat"].values) == ["mean", "std", "min", "max"]
    for row in df.itertuples(index=False):
        point = dict(zip(df.columns, row))
        at = ds.sel({"hardware.id": point["hardware.id"], "workload.batch": point["workload.batch"]})
        for q in (0.05, 0.5, 0.95):   # NaN at a point with no feasible sample, in both
            np.testing.assert_equal(at["usd_per_mtok"].sel(quantile=q).item(),
                                    point[f"usd_per_mtok_{quantile_label(q)}"])
        for stat in ("mean", "std", "min", "max"):
            np.testing.assert_equal(at["tpot_s_stats"].sel(stat=stat).item(),
                                    point[f"tpot_s_{stat}"])
        assert at["feasible_fraction"] == point["feasible_fraction"]
    for name in ("usd_per_mtok", "usd_per_mtok_stats"):
        assert ds[name].attrs["units"] == "USD/Mtok"
        assert ds[name].attrs["description"].startswith(METRIC_BY_NAME["usd_per_mtok"].description)
    assert ds["workload.batch"].attrs["units"] == "sequences"
    assert ds["feasible_fraction"].attrs["units"] == "fraction"
    assert ds.attrs["seed"] == 3 and ds.attrs["samples_per_point"] == 300
    assert ds.attrs["schema_version"] == inf.SCHEMA_VERSION and ds.attrs["mode"] == "monte-carlo"
    assert load_scenario(tomllib.loads(ds.attrs["scenario_toml"])).grid_size == 6
    assert json.loads(ds.attrs["axes"]) == [["hardware.id", "cost.usd_per_device_hour"],
                                            ["workload.batch"]]
    # netCDF attributes are text and numbers only (no None, dict or bool).
    assert all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
               for v in ds.attrs.values())


def test_a_deterministic_xarray_has_one_value_per_metric_and_point():
    pytest.importorskip("xarray")
    result = _zipped_sweep(deterministic=True)
    ds = result.to_xarray()
    assert ds["tpot_s"].dims == ("hardware.id", "workload.batch")
    assert "quantile" not in ds.dims and "stat" not in ds.dims and "seed" not in ds.attrs
    np.testing.assert_array_equal(ds["tpot_s"].values.ravel(), result.to_pandas()["tpot_s"])


def test_sep_gives_column_and_dimension_names_usable_as_attributes():
    pytest.importorskip("xarray")
    result = _zipped_sweep(samples=200, seed=0)
    df = result.to_pandas(sep="__")
    assert list(df.columns[:3]) == ["hardware__id", "cost__usd_per_device_hour", "workload__batch"]
    assert df.workload__batch.tolist() == [8, 64, 256, 8, 64, 256]
    assert df.attrs["units"]["workload__batch"] == "sequences"
    assert df.attrs["axes"] == [["hardware.id", "cost.usd_per_device_hour"], ["workload.batch"]]
    row = next(result.to_pandas(tidy=True, sep="__").itertuples())
    assert (row.hardware__id, row.workload__batch, row.metric) == ("h100-sxm", 8, "tpot_s")
    ds = result.to_xarray(sep="__")
    assert ds.usd_per_mtok.sel(workload__batch=64, quantile=0.5).dims == ("hardware__id",)
    assert ds.cost__usd_per_device_hour.values.tolist() == [3.0, 2.5]
    # The default keeps the scenario's key paths, reached by item access.
    assert "workload.batch" in result.to_pandas() and "workload.batch" in result.to_xarray().dims
    with pytest.raises(ScenarioError, match="sep"):
        result.to_pandas(sep="")


def test_units_and_descriptions_of_every_column_are_in_the_parquet_file(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    result = _zipped_sweep(samples=200, seed=0)
    schema = pq.read_schema(result.write(tmp_path / "t.parquet"))
    meta = json.loads(schema.metadata[b"inferonomics"])
    assert set(meta["units"]) == set(meta["descriptions"]) == set(schema.names)
    for name in schema.names:
        field = schema.field(name).metadata
        assert field[b"unit"].decode() == meta["units"][name]
        assert field[b"description"].decode() == meta["descriptions"][name] != ""
    assert meta["units"]["cost.usd_per_device_hour"] == "USD/h"
    assert meta["units"]["tpot_s_p95"] == "s"
    assert "95th percentile" in meta["descriptions"]["tpot_s_p95"]


def test_distribution_valued_axes_are_structured_columns_not_text(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    pytest.importorskip("xarray")
    choice = {"dist": "choice", "values": [1.0, 3.0], "weights": [1, 2]}
    uniform = {"dist": "uniform", "low": 1.5, "high": 3.5}
    raw = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
           "workload": {"batch": [8, 64], "input_tokens": 512, "output_tokens": 128},
           "cost": {"usd_per_device_hour": [2.5, uniform, choice]}}
    result = sweep(raw, samples=200, seed=0, metrics=["usd_per_mtok"])
    path = "cost.usd_per_device_hour"
    df = result.to_pandas()
    assert [c for c in df.columns if c.startswith(path)] == [
        path, f"{path}.dist", f"{path}.low", f"{path}.high", f"{path}.values", f"{path}.weights"]
    first = df[df["workload.batch"] == 8]
    assert first[path].tolist()[0] == 2.5 and first[path].isna().tolist() == [False, True, True]
    assert first[f"{path}.dist"].tolist()[1:] == ["uniform", "choice"]
    assert first[f"{path}.low"].tolist()[1] == 1.5 and first[f"{path}.high"].tolist()[1] == 3.5
    assert first[f"{path}.values"].tolist() == [None, None, (1.0, 3.0)]
    assert first[f"{path}.weights"].tolist()[2] == (1.0, 2.0)
    assert result.units()[f"{path}.low"] == "USD/h" and result.units()[f"{path}.weights"] == ""
    assert not any("{" in str(v) for v in df.select_dtypes(exclude="number").to_numpy().ravel())

    table = pa.parquet.read_table(result.write(tmp_path / "t.parquet"))
    assert table.schema.field(f"{path}.values").type == pa.list_(pa.float64())
    assert table.schema.field(f"{path}.low").type == pa.float64()
    assert table.column(f"{path}.values").to_pylist()[:3] == [None, None, [1.0, 3.0]]
    assert table.column(f"{path}.low").to_pylist()[:3] == [None, 1.5, None]   # null: no field
    back = pd.read_csv(result.write(tmp_path / "t.csv"))
    assert back[f"{path}.dist"].isna().tolist()[:3] == [True, False, False]
    assert back[f"{path}.dist"].tolist()[1:3] == ["uniform", "choice"]
    assert json.loads(back[f"{path}.values"][2]) == [1.0, 3.0]   # CSV: a JSON list

    ds = result.to_xarray()
    assert ds[path].dims == (path,) and ds[f"{path}.dist"].dims == (path,)
    assert pd.isna(ds[f"{path}.dist"].values[0])
    assert list(ds[f"{path}.dist"].values[1:]) == ["uniform", "choice"]
    # The structured columns give back what the scenario says, value for value.
    rows = result.to_dict(rows=[1, 2])["rows"]
    assert rows[0][f"{path}.dist"] == "uniform" and rows[1][f"{path}.values"] == [1.0, 3.0]
