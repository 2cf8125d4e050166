"""simulate(..., metrics=[...]) and ``run --metrics``: only the named metrics are summarised, each
exactly as in a run of every metric, on every backend."""

import json
import os

import numpy as np
import pytest

import inferonomics
from inferonomics.cli import main
from inferonomics.cores import backends
from inferonomics.errors import ScenarioError

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "llama-2-70b-h100-fp8.toml")
CHOSEN = ["usd_per_mtok", "ttft_s", "tpot_s", "joules_per_token", "gco2_per_mtok", "tokens_per_s"]
BACKENDS = [b for b in backends.BACKENDS if backends.unavailable_reason(b) is None]


@pytest.mark.parametrize("backend", BACKENDS)
def test_selected_metrics_equal_those_of_a_full_run_bit_for_bit(backend):
    samples = 300 if backend == "reference" else 20_000
    full = inferonomics.simulate(EXAMPLE, samples=samples, seed=4, backend=backend, threads=2)
    part = inferonomics.simulate(EXAMPLE, samples=samples, seed=4, backend=backend, threads=2,
                                 metrics=list(reversed(CHOSEN)))
    summary = part.summary()
    assert list(summary.metrics) == list(reversed(CHOSEN))      # in the order asked for
    assert summary.status_counts == full.summary().status_counts
    for name in CHOSEN:
        assert summary[name].to_dict() == full.summary()[name].to_dict()
        assert summary[name].sketch == full.summary()[name].sketch


def test_a_metric_left_out_is_refused_by_name_not_reported_empty():
    result = inferonomics.simulate(EXAMPLE, samples=1000, metrics=["ttft_s"])
    with pytest.raises(ScenarioError, match="usd_per_mtok was not summarised.*ttft_s"):
        result.summary()["usd_per_mtok"]
    assert set(result.to_dict()["metrics"]) == {"ttft_s"}


@pytest.mark.parametrize("bad, message", [
    (["usd_per_mtk"], "unknown metric 'usd_per_mtk' .*did you mean: usd_per_mtok"),
    ([], "at least one"),
    ([3], "unknown metric 3"),
])
def test_an_unknown_or_empty_selection_is_refused_before_running(bad, message):
    with pytest.raises(ScenarioError, match=message):
        inferonomics.simulate(EXAMPLE, samples=10, metrics=bad)


def test_a_metric_named_twice_is_summarised_once():
    result = inferonomics.simulate(EXAMPLE, samples=100, metrics=["ttft_s", "ttft_s"])
    assert list(result.summary().metrics) == ["ttft_s"]


def test_summaries_of_different_metrics_do_not_merge():
    a = inferonomics.simulate(EXAMPLE, samples=100, metrics=["ttft_s"]).summary()
    b = inferonomics.simulate(EXAMPLE, samples=100, metrics=["tpot_s"]).summary()
    with pytest.raises(ScenarioError, match="different metrics"):
        a.merge(b)


def test_run_prints_only_the_chosen_metrics(capsys):
    assert main(["run", EXAMPLE, "--samples", "2000", "--metrics", "tpot_s,usd_per_mtok"]) == 0
    rows = [line.split()[0] for line in capsys.readouterr().out.splitlines()[-2:]]
    assert rows == ["tpot_s", "usd_per_mtok"]
    assert main(["run", EXAMPLE, "--samples", "2000", "--metrics", "ttft_s", "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)["metrics"]) == {"ttft_s"}


def test_run_refuses_an_unknown_metric_with_one_line(capsys):
    assert main(["run", EXAMPLE, "--samples", "10", "--metrics", "ttft,usd_per_mtok"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown metric 'ttft'" in err


def test_run_shows_every_metric_asked_for_in_the_order_asked(capsys):
    everything = ",".join(reversed(inferonomics.METRIC_NAMES))
    assert main(["run", EXAMPLE, "--samples", "500", "--metrics", everything]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split()[0] for line in lines[lines.index(next(x for x in lines
                                                                if x.startswith("metric "))) + 2:]]
    assert rows == list(reversed(inferonomics.METRIC_NAMES))


def _core_simulate(backend, stop, chunk, fold, threads=1):
    """One direct call of a native core's simulate on the example, samples 0 .. stop-1."""
    import importlib

    from inferonomics.cores.encoding import encode
    from inferonomics.model.reference import STATUS_NAMES
    from inferonomics.stats.summary import SKETCH_BUCKETS

    core = importlib.import_module({"c": "inferonomics.cores.cbinding",
                                    "numba": "inferonomics.cores.numba_core"}[backend])
    n = len(inferonomics.METRIC_NAMES)
    core.simulate(encode(inferonomics.load_scenario(EXAMPLE).resolve().distributions), 0, 0, stop,
                  chunk, threads, fold, np.zeros(len(STATUS_NAMES), dtype=np.int64),
                  np.zeros((1, n, 5)), np.zeros((n, SKETCH_BUCKETS), dtype=np.int64), None, None)


@pytest.mark.parametrize("backend", [b for b in ("c", "numba") if b in BACKENDS])
@pytest.mark.parametrize("fold", [
    np.array([2**32 + 1]),            # int64: would wrap to metric 1
    np.array([0.5, 1.5]),             # floats: would truncate
    [0, 1],                           # a list
    np.array([[0, 1]], dtype=np.int32),
    np.array([1, 0], dtype=np.int32),
])
def test_both_cores_refuse_a_metric_list_that_is_not_ascending_int32_indices(backend, fold):
    from inferonomics.errors import CoreError

    with pytest.raises(CoreError):
        _core_simulate(backend, 100, 100, fold)


@pytest.mark.parametrize("backend", [b for b in ("c", "numba") if b in BACKENDS])
def test_both_cores_refuse_a_call_past_their_span_before_allocating(backend):
    """Each call's histograms count in 32 bits: a span past 2**30 samples is refused up front."""
    from inferonomics.errors import CoreError

    with pytest.raises(CoreError):
        _core_simulate(backend, (1 << 30) + 1, 1 << 16,
                       np.arange(len(inferonomics.METRIC_NAMES), dtype=np.int32))


@pytest.mark.skipif("numba" not in BACKENDS, reason="needs numba")
def test_the_numba_core_refuses_fewer_than_one_thread_instead_of_doing_no_work():
    from inferonomics.errors import CoreError

    with pytest.raises(CoreError, match="threads must be at least 1"):
        _core_simulate("numba", 100, 100, np.arange(len(inferonomics.METRIC_NAMES),
                                                    dtype=np.int32), threads=0)


@pytest.mark.skipif("c" not in BACKENDS, reason="needs the C core")
def test_the_c_core_refuses_fewer_than_one_thread_instead_of_taking_openmps_default(monkeypatch):
    """threads=0 meant "OpenMP's default" (every CPU) to the C core, and the binding's fork guard
    did not count it as starting OpenMP's threads; numba refused it. Both now refuse it: the
    binding with the same words as the numba core, and the library itself in each entry point."""
    from inferonomics.analysis.grid import Grid
    from inferonomics.cores import cbinding
    from inferonomics.cores.encoding import encode
    from inferonomics.errors import CoreError

    fold = np.arange(len(inferonomics.METRIC_NAMES), dtype=np.int32)
    with pytest.raises(CoreError, match="threads must be at least 1, got 0"):
        _core_simulate("c", 100, 100, fold, threads=0)
    scenario = inferonomics.load_scenario(EXAMPLE)
    plan = encode(scenario.resolve().distributions)
    grid = Grid(scenario)
    calls = {
        "draw_only": lambda threads: cbinding.draw_only(plan, 0, 10, threads),
        "evaluate": lambda threads: cbinding.evaluate(np.zeros((4, cbinding.N_INPUTS)), threads),
        "simulate": lambda threads: _core_simulate("c", 100, 100, fold, threads=threads),
        "sweep_evaluate": lambda threads: cbinding.sweep_evaluate(grid, 0, 1, threads),
        "sweep_simulate": lambda threads: cbinding.sweep_simulate(
            grid, 0, 10, 10, np.array([0.5]), 0, 1, threads),
    }
    for name, call in calls.items():
        call(1)     # the call is otherwise valid
        with pytest.raises(CoreError, match="threads must be at least 1, got -1"):
            call(-1)
    monkeypatch.setattr(cbinding, "_threads", lambda threads: threads)   # below the binding
    for name, call in calls.items():
        for threads in (0, -1):
            with pytest.raises(CoreError, match=f"{name} refused the call: a count"):
                call(threads)


def test_an_unknown_metric_below_the_api_is_still_a_scenario_error():
    plan = inferonomics.load_scenario(EXAMPLE).resolve()
    for backend in BACKENDS:
        with pytest.raises(ScenarioError, match="unknown metric 'bogus'"):
            backends.get_backend(backend).simulate(plan, 1, 10, 1, False, ("bogus",))
