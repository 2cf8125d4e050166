"""Charts return a matplotlib Figure built without pyplot: the caller's backend and open figures are
left alone, and a file is written only when asked, atomically."""

from pathlib import Path

import pytest

import inferonomics
from inferonomics import plots

mpl = pytest.importorskip("matplotlib")


def test_charts_return_figures_and_leave_the_callers_backend_alone(example_path, tmp_path):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    mpl.use("svg")   # whatever the caller chose
    before = plt.get_fignums()
    result = inferonomics.simulate(example_path, samples=2000, seed=0, keep_samples=True)
    fig = plots.distribution_chart(result, "usd_per_mtok")
    assert isinstance(fig, Figure) and fig.axes
    assert mpl.get_backend().lower() == "svg"
    assert plt.get_fignums() == before            # nothing registered with pyplot
    assert list(tmp_path.iterdir()) == []         # no path: nothing written


def test_a_chart_is_written_atomically_where_asked(example_path, tmp_path):
    s = inferonomics.load_scenario(example_path).with_values({"workload.batch": [8, 32, 64]})
    result = inferonomics.sweep(s, samples=500, seed=1)
    out = tmp_path / "cost.png"
    fig = plots.sweep_chart(result, out, x="workload.batch", y="usd_per_mtok_p50")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["cost.png"]   # no temporary file left
    assert fig.axes[0].get_xlabel().startswith("workload.batch")


def test_a_chart_can_be_written_to_an_open_file(example_path):
    import io

    result = inferonomics.simulate(example_path, samples=1000, seed=0, keep_samples=True)
    buffer = io.BytesIO()
    plots.distribution_chart(result, "tpot_s", buffer)
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name, complaint", [("missing/x.png", "does not exist"),
                                             ("x.txt", "a chart is written as")])
def test_a_bad_chart_path_is_refused_before_any_work(example_path, tmp_path, capsys, monkeypatch,
                                                     name, complaint):
    from inferonomics import cli

    monkeypatch.setattr("inferonomics.cli.plot.simulate", None)   # must not be reached
    with pytest.raises(SystemExit) as info:
        cli.main(["plot", "distribution", str(example_path), "--out", str(tmp_path / name)])
    assert info.value.code == 2 and complaint in capsys.readouterr().err
    with pytest.raises(inferonomics.ScenarioError, match=complaint):
        plots.figure.finish(plots.figure.new_figure(figsize=(2, 2))[0], tmp_path / name)


# --- Every chart keeps its text on the canvas (#10 item 11) -------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _text_problems(fig) -> list[str]:
    """What a reader would see wrong: text off the canvas, a point label outside its axes or on
    top of another, tick labels running into each other, or axes squashed into part of the canvas
    (long labels used to take the layout's room)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    def text_extent(t, renderer):
        if hasattr(t, "update_positions"):
            t.update_positions(renderer)
        return Text.get_window_extent(t, renderer)

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()   # what a saved file shows
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    problems = []

    def inside(box, outer, what):
        if box.x0 < outer.x0 - 1 or box.x1 > outer.x1 + 1 or box.y0 < outer.y0 - 1 or \
                box.y1 > outer.y1 + 1:
            problems.append(what)

    for t in fig.texts:
        inside(t.get_window_extent(renderer), canvas, f"figure text {t.get_text()!r}")
    for ax in fig.axes:
        inside(ax.get_tightbbox(renderer), canvas, "an axes' ticks, labels, title or legend")
        frame = ax.get_window_extent(renderer)
        if frame.width < 0.5 * canvas.width / len(fig.axes) or frame.height < 0.4 * canvas.height:
            problems.append(f"axes squashed to {frame.width:.0f} x {frame.height:.0f} px")
        texts = [t for t in ax.texts if t.get_visible() and t.get_text()]
        boxes = [text_extent(t, renderer) for t in texts]   # the letters, not a label's leader
        for t, box in zip(texts, boxes):
            inside(box, frame, f"label {t.get_text()!r} outside its axes")
        for i in range(len(boxes)):
            for j in range(i):
                if boxes[i].overlaps(boxes[j]):
                    problems.append(f"labels {texts[i].get_text()!r} and {texts[j].get_text()!r} "
                                    "overlap")
        lo, hi = sorted(ax.get_xlim())
        ticks = sorted((t.get_window_extent(renderer) for v, t in    # turned ones stand apart
                        zip(ax.get_xticks(), ax.get_xticklabels())
                        if lo <= v <= hi and t.get_text() and t.get_rotation() == 0),
                       key=lambda b: b.x0)
        if any(a.overlaps(b) for a, b in zip(ticks, ticks[1:])):
            problems.append("x tick labels overlap")
    return problems


@pytest.fixture(scope="module")
def example_sweeps():
    """The examples' sweeps, once per module (charts are drawn from them many times)."""
    from inferonomics.analysis.decisions import best
    from inferonomics.cli.common import chart_filter

    out = {}
    for name in ("batch-size-cost", "cheapest-gpu-llama-3.1-70b", "precision-llama-3.1-8b"):
        result = inferonomics.sweep(EXAMPLES / f"{name}.toml", samples=400, seed=0,
                                    quantiles=(0.05, 0.5, 0.95))
        out[name] = (result, chart_filter(best(result)),
                     chart_filter(best(result, ["tpot_s_p95 <= 0.05"])))
    return out


SWEEP_CHARTS = [   # (example, x axis, y column, rules: the scenario's or tpot_s_p95 <= 0.05)
    ("batch-size-cost", "workload.batch", "usd_per_mtok_p50", "scenario"),
    ("batch-size-cost", "workload.batch", "tpot_s_p95", "tpot"),
    ("cheapest-gpu-llama-3.1-70b", "hardware.id", "usd_per_mtok_p50", "scenario"),
    ("cheapest-gpu-llama-3.1-70b", "hardware.id", "tpot_s_p95", "tpot"),
    ("cheapest-gpu-llama-3.1-70b", "hardware.count", "usd_per_mtok_p50", "scenario"),
    ("cheapest-gpu-llama-3.1-70b", "workload.batch", "tpot_s_p95", "scenario"),
    ("cheapest-gpu-llama-3.1-70b", "cost.usd_per_device_hour", "usd_per_mtok_p50", "scenario"),
    ("precision-llama-3.1-8b", "precision.weight_bits", "usd_per_mtok_p50", "scenario"),
    ("precision-llama-3.1-8b", "workload.batch", "ttft_s_p50", "tpot"),
]


@pytest.mark.parametrize("example, x, y, rules", SWEEP_CHARTS)
def test_sweep_charts_keep_text_on_the_canvas_and_every_axis_value_in_view(example_sweeps, example,
                                                                           x, y, rules):
    result, own, tpot = example_sweeps[example]
    fig = plots.sweep_chart(result, x=x, y=y, **(own if rules == "scenario" else tpot))
    assert _text_problems(fig) == []
    ax = fig.axes[0]
    lo, hi = sorted(ax.get_xlim())
    values = next(d.labels[d.paths.index(x)] for d in result.grid.dims if x in d.paths)
    positions = [float(v) for v in values] if all(isinstance(v, (int, float)) for v in values) \
        else range(len(values))
    assert all(lo < p < hi for p in positions)   # an excluded value still has its place
    title = ax.get_title().replace("\n", " ")
    assert result.scenario.name.split(":")[0] in title and "seed 0" in title


@pytest.mark.parametrize("example", ["batch-size-cost", "cheapest-gpu-llama-3.1-70b",
                                     "precision-llama-3.1-8b"])
@pytest.mark.parametrize("x, y", [("usd_per_mtok_p50", "tpot_s_p95"),
                                  ("tokens_per_s_p50", "usd_per_mtok_p50")])
def test_pareto_charts_keep_labels_apart_and_on_the_canvas(example_sweeps, example, x, y):
    from inferonomics.analysis.decisions import sweep_pareto

    result, own, _ = example_sweeps[example]
    front = sweep_pareto(result, [x, y], mask=own["mask"])
    fig = plots.pareto_chart(result, front, x, y, **own)
    assert _text_problems(fig) == []
    better = "higher x" if x.startswith("tokens_per_s") else "lower x"
    assert better in fig.axes[0].get_title()


def test_a_long_title_is_wrapped_to_the_canvas_not_clipped(example_path):
    import tomllib

    raw = tomllib.loads(example_path.read_text())
    raw["name"] = "a scenario with a long name " * 6
    s = inferonomics.load_scenario(raw).with_values({"workload.batch": [8, 64]})
    result = inferonomics.sweep(s, samples=200, seed=0)
    fig = plots.sweep_chart(result, x="workload.batch", y="tpot_s_p95")
    assert _text_problems(fig) == []


def test_distribution_and_sensitivity_charts_keep_text_on_the_canvas(example_path):
    from inferonomics.analysis import sensitivity

    owned = EXAMPLES / "cost-uncertainty-owned-h100.toml"
    result = inferonomics.simulate(example_path, samples=5000, seed=3, keep_samples=True)
    fig = plots.distribution_chart(result, "usd_per_mtok")
    assert _text_problems(fig) == [] and "seed 3" in fig.texts[0].get_text()
    fig = plots.tornado_chart(sensitivity.tornado(owned, "usd_per_mtok"), name="owned")
    assert _text_problems(fig) == [] and fig.axes[0].get_title().startswith("owned\n")
    fig = plots.sobol_chart(sensitivity.sobol(owned, "usd_per_mtok", samples=128, seed=1),
                            name="owned")
    assert _text_problems(fig) == [] and "seed 1" in fig.axes[0].get_title()


def test_labels_of_crowded_points_move_apart_with_a_leader_line():
    result = inferonomics.sweep(inferonomics.load_scenario(
        EXAMPLES / "cheapest-gpu-llama-3.1-70b.toml").with_values({"sweep.constraints": []}),
        deterministic=True)
    fig = plots.sweep_chart(result, x="workload.batch")   # the last two labels used to collide
    assert _text_problems(fig) == []


def test_categories_get_error_bars_not_a_band_between_them(example_sweeps):
    from matplotlib.collections import PolyCollection

    result, own, _ = example_sweeps["cheapest-gpu-llama-3.1-70b"]
    few = inferonomics.sweep(result.scenario.with_values(
        {"hardware.count": 8, "workload.batch": [16, 64]}), samples=400, seed=0)
    fig = plots.sweep_chart(few, x="hardware.id")
    assert not any(isinstance(c, PolyCollection) for c in fig.axes[0].collections)
    assert "bars: p5-p95" in fig.axes[0].get_legend().get_texts()[0].get_text()
    assert _text_problems(fig) == []


def test_cost_breakdown_stacks_the_parts_to_the_mean_cost_and_keeps_text_on_the_canvas(tmp_path):
    from pathlib import Path

    import numpy as np

    from inferonomics.analysis.tco import tco

    example = Path(__file__).resolve().parents[1] / "examples" / "own-vs-rent-h100.toml"
    result = tco(example, samples=2000)
    fig = inferonomics.plots.cost_breakdown_chart(result, tmp_path / "costs.png")
    assert (tmp_path / "costs.png").stat().st_size > 0
    assert _text_problems(fig) == []
    ax = fig.axes[0]
    tops = {}
    for patch in ax.patches:   # stacked bars: the highest top per mode is the sum of the parts
        x = round(patch.get_x() + patch.get_width() / 2)
        tops[x] = max(tops.get(x, 0.0), patch.get_y() + patch.get_height())
    for j, mode in enumerate(result.costs):
        assert tops[j] == pytest.approx(float(np.nanmean(result.costs[mode]["usd_per_mtok"])),
                                        rel=1e-9)
    assert "seed 0" in ax.get_title() and "2,000 samples" in ax.get_title()
