"""The sweep, compare and plot commands as a person (and a pipeline) uses them."""

import json
from pathlib import Path

import pytest

from inferonomics import cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SWEEP_EXAMPLES = sorted(p for p in EXAMPLES.glob("*.toml") if "[sweep]" in p.read_text())
CHEAPEST = EXAMPLES / "cheapest-gpu-llama-3.1-70b.toml"


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("example", SWEEP_EXAMPLES, ids=lambda p: p.stem)
def test_every_sweep_example_runs_and_prints_its_answer(capsys, example):
    code, out, err = run(capsys, "sweep", example, "--samples", 500)
    assert code == 0, err
    assert "points qualify; best" in out
    assert "\n1  " in out          # the first ranked row


def test_cheapest_gpu_example_answers_with_a_point_meeting_the_latency_target(capsys):
    code, out, _ = run(capsys, "sweep", CHEAPEST, "--samples", 2000, "--json")
    data = json.loads(out)
    best = data["ranking"]["best"][0]
    assert best["tpot_s_p95"] <= 0.04 and best["feasible_fraction"] >= 0.95
    assert data["ranking"]["constraints"] == ["tpot_s_p95 <= 0.04"]
    assert data["grid_points"] == 144 and data["completed"] == 144
    assert data["speed"]["points_per_s_core"] > 0 and data["speed"]["samples_per_s_core"] > 0


def test_sweep_writes_the_table_with_axis_and_metric_stat_columns(capsys, tmp_path):
    pd = pytest.importorskip("pandas")
    for name in ("t.csv", "t.parquet"):
        code, out, _ = run(capsys, "sweep", CHEAPEST, "--samples", 300, "--out", tmp_path / name)
        assert code == 0 and f"table written to {tmp_path / name} (144 rows)" in out
    df = pd.read_csv(tmp_path / "t.csv")
    # Axes first, in the scenario's order; a distribution-valued axis as one column per field.
    price = "cost.usd_per_device_hour"
    assert list(df.columns[:7]) == ["hardware.id", f"{price}.dist", f"{price}.low",
                                    f"{price}.mode", f"{price}.high", "hardware.count",
                                    "workload.batch"]
    assert {"feasible_fraction", "usd_per_mtok_p50", "tpot_s_p95", "ttft_s_mean"} <= set(df.columns)
    assert pd.read_parquet(tmp_path / "t.parquet").shape == df.shape


def test_deterministic_sweep_has_one_value_column_per_metric(capsys, tmp_path):
    pd = pytest.importorskip("pandas")
    code, out, _ = run(capsys, "sweep", CHEAPEST, "--deterministic", "--out", tmp_path / "d.csv",
                       "--constraint", "tpot_s <= 0.04", "--objective", "usd_per_mtok")
    assert code == 0 and "deterministic" in out
    df = pd.read_csv(tmp_path / "d.csv")
    assert "usd_per_mtok" in df.columns and "usd_per_mtok_p50" not in df.columns


def test_a_sweep_where_nothing_qualifies_shows_the_nearest_misses(capsys):
    code, out, _ = run(capsys, "sweep", CHEAPEST, "--samples", 300, "--constraint",
                       "tpot_s_p95 <= 0.001", "--top", 3)
    assert code == 0
    assert "no grid point meets the constraints; nearest misses (3)" in out


def test_pareto_frontier_is_printed(capsys):
    code, out, _ = run(capsys, "sweep", CHEAPEST, "--samples", 300, "--pareto",
                       "usd_per_mtok_p50,tpot_s_p95")
    assert code == 0 and "Pareto frontier over usd_per_mtok_p50, tpot_s_p95" in out


@pytest.mark.parametrize("argv, message", [
    (["--constraint", "tpot_s_p95 = 0.04"], "must look like"),
    (["--objective", "cost_p50"], "unknown metric column"),
    (["--max-points", "10"], "144 grid points, more than the limit of 10"),
    (["--pareto", "usd_per_mtok_p50,tpot_p95"], "unknown metric column"),
    (["--show", "tpot_s_q5"], "unknown statistic"),
])
def test_bad_sweep_options_exit_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, "sweep", CHEAPEST, "--samples", 100, *argv)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""


def test_ctrl_c_writes_the_finished_points_and_exits_130(capsys, tmp_path, monkeypatch,
                                                         interrupt_sweep_at_call):
    pd = pytest.importorskip("pandas")
    interrupt_sweep_at_call(2)
    monkeypatch.setattr("inferonomics.analysis.sweeps.BATCH_SAMPLES", 200 * 50)
    with pytest.warns(RuntimeWarning, match="interrupted"):
        code, out, _ = run(capsys, "sweep", CHEAPEST, "--samples", 200, "--out", tmp_path / "p.csv")
    assert code == 130
    assert "interrupted: 50 of 144 points finished" in out
    assert len(pd.read_csv(tmp_path / "p.csv")) == 50


def scenario_file(tmp_path, name, hardware, price):
    path = tmp_path / f"{name}.toml"
    path.write_text(f'''name = "{name}"
[model]
id = "llama-3.1-70b"
[hardware]
id = "{hardware}"
count = 4
[workload]
batch = 32
input_tokens = {{ dist = "lognormal", median = 1500, sigma = 0.6 }}
output_tokens = 300
[cost]
usd_per_device_hour = {price}
''')
    return path


def test_compare_prints_probability_difference_and_break_even(capsys, tmp_path):
    a = scenario_file(tmp_path, "a", "h100-sxm", 3.0)
    b = scenario_file(tmp_path, "b", "h200", 3.7)
    code, out, _ = run(capsys, "compare", a, b, "--samples", 20000, "--break-even",
                       "cost.usd_per_device_hour", "--range", "1,10")
    assert code == 0
    assert "P(A lower than B) =" in out and "mean A - B =" in out
    assert "break-even: cost.usd_per_device_hour of B =" in out
    code, out, _ = run(capsys, "compare", a, b, "--samples", 20000, "--json", "--metric", "tpot_s")
    data = json.loads(out)
    assert data["metric"] == "tpot_s" and 0 <= data["p_a_lower"] <= 1
    assert data["mean_difference_ci"][0] <= data["mean_difference"] <= data["mean_difference_ci"][1]


def test_compare_one_swept_scenario_against_a_baseline_point(capsys):
    code, out, _ = run(capsys, "compare", EXAMPLES / "precision-llama-3.1-8b.toml", "--baseline",
                       "precision.weight_bits=16", "workload.batch=32", "--samples", 5000)
    assert code == 0 and "P(lower)" in out
    assert len([ln for ln in out.splitlines() if ln[:2].strip().isdigit()]) == 8


@pytest.mark.parametrize("kind, extra", [
    ("distribution", ["--samples", 20000]),
    ("pareto", ["--samples", 300]),
    ("sweep", ["--samples", 300, "--x", "workload.batch"]),
])
def test_plot_commands_write_images(capsys, tmp_path, kind, extra):
    pytest.importorskip("matplotlib")
    scenario = EXAMPLES / ("llama-2-70b-h100-fp8.toml" if kind == "distribution" else
                           "cheapest-gpu-llama-3.1-70b.toml")
    target = tmp_path / f"{kind}.png"
    code, out, err = run(capsys, "plot", kind, scenario, "--out", target, *extra)
    assert code == 0, err
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 10_000


def test_sensitivity_names_the_dominant_input_and_prints_a_tornado(capsys):
    code, out, err = run(capsys, "sensitivity", EXAMPLES / "cost-uncertainty-owned-h100.toml",
                         "--samples", 1024)
    assert code == 0, err
    assert "dominates the uncertainty of usd_per_mtok" in out
    assert "Tornado: usd_per_mtok with every input at its median" in out
    code, out, _ = run(capsys, "sensitivity", EXAMPLES / "llama-2-70b-h100-fp8.toml", "--samples",
                       512, "--json", "--metric", "tpot_s")
    data = json.loads(out)
    assert data["metric"] == "tpot_s" and data["sobol"]["names"] and data["tornado"]["rows"]


def test_sensitivity_refuses_a_swept_scenario(capsys):
    code, _, err = run(capsys, "sensitivity", CHEAPEST, "--samples", 256)
    assert code == 2 and "sweep axis" in err


@pytest.mark.parametrize("kind", ["tornado", "sobol"])
def test_sensitivity_charts_are_written(capsys, tmp_path, kind):
    pytest.importorskip("matplotlib")
    target = tmp_path / f"{kind}.png"
    code, out, err = run(capsys, "plot", kind, EXAMPLES / "llama-2-70b-h100-fp8.toml", "--out",
                         target, "--samples", 512)
    assert code == 0, err
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 10_000


def test_a_deterministic_sweep_refuses_percentile_constraints_before_running(capsys, monkeypatch):
    monkeypatch.setattr("inferonomics.cli.sweep.sweep", None)   # must not be reached
    code, out, err = run(capsys, "sweep", CHEAPEST, "--deterministic", "--constraint",
                         "tpot_s_p95 <= 0.05")
    assert code == 2 and "tpot_s_p95 <= 0.05: a deterministic sweep has one value" in err


def test_an_interrupted_comparison_says_so_and_exits_130(capsys, interrupt_comparison_at_call):
    interrupt_comparison_at_call(3)
    with pytest.warns(RuntimeWarning, match="interrupted"):
        code, out, _ = run(capsys, "compare", EXAMPLES / "precision-llama-3.1-8b.toml",
                           "--samples", 2000, "--json")
    data = json.loads(out)
    assert code == 130 and data["interrupted"] and len(data["comparisons"]) == 1
    assert data["points"] == 8


def test_compare_on_a_higher_is_better_metric_reports_p_higher(capsys):
    from inferonomics import cli

    example = "examples/quality-llama-8b-70b-405b.toml"
    assert cli.main(["compare", example, "--metric", "net_value_usd_per_request", "--baseline",
                     "model.id=llama-3.1-8b", "--samples", "4000"]) == 0
    out = capsys.readouterr().out
    assert "P(higher)" in out and "P(lower)" not in out
    rows = [line for line in out.splitlines() if line.startswith("llama-3.1-")]
    # The most likely better point first: the 70B is worth more than the 8B in most samples.
    p_higher = float(rows[0].split("}")[-1].split()[0])
    assert rows[0].startswith("llama-3.1-70b") and p_higher > 0.9
