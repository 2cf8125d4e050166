"""The fleet's charts: demand against provisioned capacity through time, each policy's bill against
its SLO attainment, and the Pareto front of cost and attainment over several settings. Small runs
(a day in 15-minute steps, a few samples) keep the module fast."""

import tomllib
from pathlib import Path

import numpy as np
import pytest

import inferonomics
from inferonomics import plots
from inferonomics.fleet.through_time import fleet
from inferonomics.plots import fleet as fleet_plots
from inferonomics.plots.figure import POINT_LABEL, text_extent

mpl = pytest.importorskip("matplotlib")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "fleet-chatbot-llama-3.1-70b-h100.toml"
PNG = b"\x89PNG\r\n\x1a\n"


def _raw() -> dict:
    raw = tomllib.loads(EXAMPLE.read_text())
    raw["policy"]["scheduled"] = {"replicas": [4] * 7 + [8] * 4 + [12] * 8 + [8] * 3 + [4] * 2}
    return raw


@pytest.fixture(scope="module")
def day():
    """A day in 15-minute steps under all three policies."""
    return fleet(_raw(), 8, 0, horizon="1d", step="15min")


def _by_gid(artists, gid):
    return [a for a in artists if a.get_gid() == gid]


def _text_problems(fig) -> list[str]:
    """Text off the canvas, or the corner box, legend and panel texts running into each other."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    problems = []

    def inside(box, what):
        if box.x0 < canvas.x0 - 1 or box.x1 > canvas.x1 + 1 or box.y0 < canvas.y0 - 1 \
                or box.y1 > canvas.y1 + 1:
            problems.append(what)

    for t in fig.texts:
        inside(t.get_window_extent(renderer), f"figure text {t.get_text()!r}")
    for ax in fig.axes:
        inside(ax.get_tightbbox(renderer), "an axes' ticks, labels, title or legend")
        frame = ax.get_window_extent(renderer)
        boxes = [(t.get_text(), text_extent(t, renderer))
                 for t in ax.texts if t.get_visible() and t.get_text()]
        for text, box in boxes:
            if not (frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1
                    and frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1):
                problems.append(f"{text!r} outside its axes")
        legend = ax.get_legend()
        if legend is not None:
            boxes.append(("legend", legend.get_window_extent(renderer)))
        for i in range(len(boxes)):
            for j in range(i):
                if boxes[i][1].overlaps(boxes[j][1]):
                    problems.append(f"{boxes[i][0]!r} and {boxes[j][0]!r} overlap")
    return problems


def test_the_fleet_chart_draws_demand_against_capacity_per_policy(day, tmp_path):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    before = plt.get_fignums()
    out = tmp_path / "fleet.png"
    fig = plots.fleet_chart(day, out)
    assert isinstance(fig, Figure) and plt.get_fignums() == before   # pyplot left alone
    assert out.read_bytes()[:8] == PNG
    assert [p.name for p in tmp_path.iterdir()] == ["fleet.png"]     # no temporary file left
    assert len(fig.axes) == 3                                        # static, reactive, scheduled
    trace_rate = day.traces["static"][:, 0, :].astype(np.float64)
    for ax, name in zip(fig.axes, day.values):
        assert ax.get_title().startswith(name)
        assert len(ax.lines) == 2
        assert {c.get_gid() for c in ax.collections} == {"demand-band", "capacity-band",
                                                         "short-strip"}
        demand, = _by_gid(ax.lines, "demand-median")
        capacity, = _by_gid(ax.lines, "capacity-median")
        # one value a step, the last repeated to close the step line at the horizon's end
        assert demand.get_xdata()[-1] == pytest.approx(24.0)
        assert np.allclose(demand.get_ydata()[:-1], np.median(trace_rate, axis=0))
        serving = day.traces[name][:, 2, :] * day.slo_rate[:8, None]
        assert np.allclose(capacity.get_ydata()[:-1], np.median(serving, axis=0))
        box, = _by_gid(ax.texts, "policy-numbers")
        cost = np.median(day.values[name]["usd_per_month"])
        assert fleet_plots._usd(cost) in box.get_text() and "SLO attainment p50" in box.get_text()
    assert fig.axes[-1].get_xlabel().startswith("time since the start of the horizon (hours")
    assert fig.axes[0].get_ylim() == fig.axes[1].get_ylim()          # one scale to compare
    assert "p5-p95 across the 8 traced samples" in fig.texts[0].get_text()
    assert _text_problems(fig) == []


def test_the_fleet_chart_marks_where_capacity_falls_short_sample_by_sample(day):
    fig = plots.fleet_chart(day)
    for ax, name in zip(fig.axes, day.values):
        trace = day.traces[name].astype(np.float64)
        short = (trace[:, 2, :] * day.slo_rate[:8, None] < trace[:, 0, :]).any(axis=0)
        strip, = _by_gid(ax.collections, "short-strip")
        marked = sum(np.ptp(p.vertices[:, 0]) for p in strip.get_paths())
        assert marked == pytest.approx(short.sum() * 0.25)             # hours of short steps


def test_a_long_horizon_is_drawn_in_days_and_binned():
    result = fleet(EXAMPLE, 2, 0, horizon="30d", step="5min", policies="reactive")
    fig = plots.fleet_chart(result)
    ax = fig.axes[0]
    assert "days" in ax.get_xlabel()
    line, = _by_gid(ax.lines, "demand-median")
    assert len(line.get_xdata()) <= fleet_plots.MAX_CHART_STEPS + 1
    assert ax.get_xlim() == (0.0, 30.0)
    assert "each point the mean over 15 min" in fig.texts[0].get_text()


def test_the_fleet_chart_says_so_without_traces():
    result = fleet(_raw(), 4, 0, horizon="1d", step="1h", trace_samples=0, policies="static")
    fig = plots.fleet_chart(result)
    assert not fig.axes[0].lines
    assert any("trace_samples=0" in t.get_text() for t in fig.axes[0].texts)
    assert "cost $" in _by_gid(fig.axes[0].texts, "policy-numbers")[0].get_text()


def test_the_cost_chart_sets_each_policys_bill_beside_its_slo_attainment(day, tmp_path):
    out = tmp_path / "cost.svg"
    fig = plots.fleet_cost_chart(day, out)
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    assert [p.name for p in tmp_path.iterdir()] == ["cost.svg"]
    cost_ax, slo_ax = fig.axes
    bars = _by_gid(cost_ax.patches, "cost-bars")
    assert len(bars) == 3
    for bar, name in zip(bars, day.values):
        assert bar.get_width() == pytest.approx(np.median(day.values[name]["usd_per_month"]))
    assert _by_gid(cost_ax.collections, "cost-whiskers")
    assert slo_ax.get_xscale() == "logit"
    assert len(_by_gid(slo_ax.lines, "slo-median")) == 3
    title = fig.texts[0].get_text()
    assert "reactive vs static" in title and "scheduled vs static" in title and "seed 0" in title
    assert _text_problems(fig) == []


@pytest.fixture(scope="module")
def settings_points():
    """Two settings of the reactive policy's target utilisation (static is the same in both)."""
    scenario = inferonomics.load_scenario(EXAMPLE)
    return [(f"target {v:g}", fleet(scenario.with_values(
        {"policy.reactive.target_utilization": v}), 8, 0, horizon="1d", step="15min"))
        for v in (0.5, 0.95)]


def test_the_pareto_chart_draws_each_distinct_point_once_and_rings_the_front(settings_points,
                                                                               tmp_path):
    out = tmp_path / "pareto.png"
    fig = plots.fleet_pareto_chart(settings_points, out)
    assert out.read_bytes()[:8] == PNG
    ax = fig.axes[0]
    static, = _by_gid(ax.collections, "points-static")
    reactive, = _by_gid(ax.collections, "points-reactive")
    assert len(static.get_offsets()) == 1          # the same samples under both settings
    assert len(reactive.get_offsets()) == 2
    labels = sorted(t.get_text() for t in ax.texts if t.get_gid() == POINT_LABEL)
    assert labels == ["static (every setting)", "target 0.5: reactive", "target 0.95: reactive"]
    costs = sorted(np.median(r.values["reactive"]["usd_per_month"]) for _, r in settings_points)
    assert sorted(reactive.get_offsets()[:, 0]) == pytest.approx(costs)
    ringed, = _by_gid(ax.collections, "pareto-points")
    assert 1 <= len(ringed.get_offsets()) <= 3
    assert ax.get_yscale() == "logit"
    assert _text_problems(fig) == []
    with pytest.raises(inferonomics.ScenarioError):
        plots.fleet_pareto_chart([])


def test_the_pareto_front_keeps_points_no_other_beats():
    points = [(100.0, 0.99), (80.0, 0.999), (120.0, 0.9999), (130.0, 0.999), (80.0, 0.999)]
    # (130, 0.999) is dearer than (120, 0.9999) and no better; the second (80, 0.999) repeats
    assert fleet_plots._pareto_front(points) == [1, 2]


@pytest.mark.parametrize("share, text", [(0.99881982, "99.88 %"), (0.99999483, "99.9995 %"),
                                         (1.0, "100 %"), (0.5, "50.0 %"), (0.99, "99.0 %"),
                                         (0.99999999, ">99.9999 %")])
def test_shares_show_the_digits_that_tell_them_apart(share, text):
    assert fleet_plots._percent(share) == text


def test_money_reads_in_thousands_and_millions():
    assert fleet_plots._usd(172_638.7) == "$173k"
    assert fleet_plots._usd(1_234_567) == "$1.23M"
    assert fleet_plots._usd(-6530, signed=True) == "-$6.53k"
    assert fleet_plots._usd(950) == "$950"
