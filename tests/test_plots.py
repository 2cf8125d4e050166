"""Charts return a matplotlib Figure built without pyplot: the caller's backend and open figures are
left alone, and a file is written only when asked, atomically."""

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
