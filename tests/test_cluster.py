"""Simulations and sweeps on a Dask cluster (a LocalCluster of 2 worker processes on the loopback
interface), and sweep checkpoints: the same answers as one machine, to the bit, whatever the pieces,
after an interrupt and resume, and after a worker dies mid-task."""

import os
import sys
import warnings

import numpy as np
import pytest

import inferonomics
from inferonomics.analysis.checkpoint import missing_ranges
from inferonomics.analysis.sweeps import sweep
from inferonomics.cli import main
from inferonomics.cluster import spans
from inferonomics.cores import backends
from inferonomics.errors import ScenarioError

distributed = pytest.importorskip("distributed")

ROOT = os.path.join(os.path.dirname(__file__), "..")
EXAMPLE = os.path.join(ROOT, "examples", "llama-2-70b-h100-fp8.toml")
GRID = os.path.join(ROOT, "examples", "cheapest-gpu-llama-3.1-70b.toml")
NATIVE = [b for b in ("c", "numba") if backends.unavailable_reason(b) is None]
pytestmark = pytest.mark.skipif(not NATIVE, reason="no native core")


@pytest.fixture(autouse=True)
def fail_rather_than_hang():
    """A cluster test that waits this long has hung (a lost piece, a stuck event loop): fail it
    with the waiting stack instead of holding CI until its own time-out."""
    import signal

    def timeout(signum, frame):
        raise TimeoutError("a cluster test ran past 240 s")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(240)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # distributed's notes about ports and bokeh
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=":0")
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def assert_same_summary(a, b):
    assert a.status_counts == b.status_counts
    assert list(a.metrics) == list(b.metrics)
    for name in a.metrics:
        x, y = a[name], b[name]
        assert (x.count, x.mean, x.m2, x.min, x.max) == (y.count, y.mean, y.m2, y.min, y.max), name
        assert x.sketch == y.sketch, name


def assert_same_sweep(a, b):
    assert a.completed == b.completed and not a.interrupted and not b.interrupted
    for field in ("status", "moments", "quantile_values", "values"):
        x, y = getattr(a, field), getattr(b, field)
        assert (x is None) == (y is None), field
        if x is not None:
            np.testing.assert_array_equal(x, y, err_msg=field)


def test_spans_start_on_chunk_boundaries_and_cover_every_sample():
    chunk = backends.CHUNK_SAMPLES
    for samples in (1, chunk - 1, chunk, 10 * chunk + 5, 10**8):
        for threads in (1, 2, 7, 64):
            pieces = spans.sample_spans(samples, chunk, 256, threads)
            assert pieces[0][0] == 0 and pieces[-1][1] == samples
            assert all(a % chunk == 0 and b > a for a, b in pieces)
            assert all(b == c for (_, b), (c, _) in zip(pieces, pieces[1:]))
            assert all(b - a <= 256 * chunk for a, b in pieces)


def test_missing_ranges_cover_exactly_the_points_not_saved():
    have = np.zeros(23, dtype=bool)
    have[[0, 1, 5, 6, 7, 22]] = True
    ranges = missing_ranges(have, 4)
    assert ranges == [(2, 5), (8, 12), (12, 16), (16, 20), (20, 22)]
    assert missing_ranges(np.ones(5, dtype=bool), 4) == []


@pytest.mark.parametrize("backend", NATIVE)
def test_a_cluster_simulation_is_the_local_one_to_the_bit(client, backend):
    # 40 chunks: several spans per worker, merged in chunk order.
    samples = 40 * backends.CHUNK_SAMPLES + 123
    local = inferonomics.simulate(EXAMPLE, samples=samples, seed=11, backend=backend)
    remote = inferonomics.simulate(EXAMPLE, samples=samples, seed=11, backend=backend, client=client)
    assert remote.backend == backend
    assert_same_summary(remote.summary(), local.summary())


def test_a_cluster_simulation_of_selected_metrics_matches_and_a_small_one_too(client):
    chosen = ["tpot_s", "usd_per_mtok"]
    for samples in (1, 1000):
        assert_same_summary(
            inferonomics.simulate(EXAMPLE, samples=samples, seed=2, metrics=chosen, client=client)
            .summary(),
            inferonomics.simulate(EXAMPLE, samples=samples, seed=2, metrics=chosen).summary())


def test_a_float32_cluster_simulation_is_the_local_float32_one_to_the_bit(client):
    samples = 3 * backends.CHUNK_SAMPLES + 7
    local = inferonomics.simulate(EXAMPLE, samples=samples, seed=6, precision="float32")
    remote = inferonomics.simulate(EXAMPLE, samples=samples, seed=6, precision="float32",
                                   client=client)
    assert remote.precision == "float32"
    assert_same_summary(remote.summary(), local.summary())
    wide = inferonomics.simulate(EXAMPLE, samples=samples, seed=6)
    assert remote.summary()["usd_per_mtok"].mean != wide.summary()["usd_per_mtok"].mean
    from test_float32 import OVERFLOWS_IN_FLOAT32

    with pytest.raises(ScenarioError, match="samples gave a figure float32 cannot hold"):
        inferonomics.simulate(OVERFLOWS_IN_FLOAT32, samples=100, precision="float32", client=client)


def test_a_cluster_run_refuses_what_it_cannot_do(client):
    with pytest.raises(ScenarioError, match="keep_samples"):
        inferonomics.simulate(EXAMPLE, samples=10, keep_samples=True, client=client)
    with pytest.raises(ScenarioError, match="native cores"):
        inferonomics.simulate(EXAMPLE, samples=10, backend="reference", client=client)
    with pytest.raises(ScenarioError, match="client: must be a dask.distributed Client"):
        inferonomics.simulate(EXAMPLE, samples=10, client=42)


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ScenarioError, match="cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'"):
        inferonomics.simulate(EXAMPLE, samples=10, client="tcp://127.0.0.1:9")


@pytest.mark.parametrize("address", ["nonsense", "tcp://127.0.0.1:notaport"])
def test_a_malformed_scheduler_address_is_one_line_and_exit_2(address, capsys):
    assert main(["run", EXAMPLE, "--samples", "10", "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach a Dask scheduler" in err


def test_a_large_grid_is_cut_into_a_few_pieces_per_worker_thread(monkeypatch, client):
    from inferonomics.cluster import runner

    seen = []
    real = runner.point_pieces
    monkeypatch.setattr(runner, "point_pieces", lambda c, pieces, *a, **k: (
        seen.append(list(pieces)) or real(c, pieces, *a, **k)))
    sweep(GRID, samples=50, seed=1, client=client)
    assert 4 <= len(seen[0]) <= 2 * 4 * 2   # about 4 per worker thread, 2 threads
    assert seen[0][0][0] == 0 and seen[0][-1][1] == 144


@pytest.mark.parametrize("options", [
    {"samples": 700, "seed": 5},
    {"samples": 300, "seed": 1, "metrics": ["usd_per_mtok", "tpot_s"], "quantiles": [0.1, 0.9]},
    {"deterministic": True},
    {"deterministic": True, "metrics": ["ttft_s"]},
])
def test_a_cluster_sweep_is_the_local_one_to_the_bit(client, options):
    assert_same_sweep(sweep(GRID, client=client, **options), sweep(GRID, **options))


def test_an_interrupted_sweep_resumes_to_the_uninterrupted_table(monkeypatch, tmp_path,
                                                                  interrupt_sweep_at_call, client):
    whole = sweep(GRID, samples=400, seed=3)
    checkpoint = tmp_path / "ck"
    interrupt_sweep_at_call(4)
    monkeypatch.setattr("inferonomics.analysis.sweeps.BATCH_SAMPLES", 400 * 10)
    with pytest.warns(RuntimeWarning, match="30 of 144 .* in the checkpoint .* resume"):
        first = sweep(GRID, samples=400, seed=3, checkpoint=checkpoint)
    assert first.interrupted and first.completed == 30
    saved = sorted(p.name for p in checkpoint.iterdir() if p.suffix == ".npz")
    assert saved == ["points-000000000000-000000000010.npz", "points-000000000010-000000000020.npz",
                     "points-000000000020-000000000030.npz"]
    monkeypatch.undo()
    # Resumed on the cluster: only the missing points are computed, the table is the whole one.
    assert_same_sweep(sweep(GRID, samples=400, seed=3, checkpoint=checkpoint, resume=True,
                            client=client), whole)
    # Resumed again locally: nothing left to compute, the same table.
    assert_same_sweep(sweep(GRID, samples=400, seed=3, checkpoint=checkpoint, resume=True), whole)


def test_a_checkpoint_of_another_sweep_is_refused(tmp_path):
    checkpoint = tmp_path / "ck"
    sweep(GRID, samples=100, seed=3, checkpoint=checkpoint)
    with pytest.raises(ScenarioError, match="holds the checkpoint of an earlier run"):
        sweep(GRID, samples=100, seed=3, checkpoint=checkpoint)
    with pytest.raises(ScenarioError, match=r"different sweep \(seed differ\)"):
        sweep(GRID, samples=100, seed=4, checkpoint=checkpoint, resume=True)
    with pytest.raises(ScenarioError, match=r"different sweep \(grid_points, grid_sha256, scenario_toml differ"):
        sweep(inferonomics.load_scenario(GRID).with_values({"workload.batch": [8, 16]}),
              samples=100, seed=3, checkpoint=checkpoint, resume=True)
    with pytest.raises(ScenarioError, match="resuming needs the checkpoint"):
        sweep(GRID, samples=100, seed=3, resume=True)
    with pytest.raises(ScenarioError, match=r"different sweep \(backend differ\)"):
        sweep(GRID, samples=100, seed=3, checkpoint=checkpoint, resume=True, backend="reference")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ScenarioError, match="not a checkpoint and not empty"):
        sweep(GRID, samples=100, seed=3, checkpoint=tmp_path / "other")


@pytest.mark.parametrize("deterministic", [False, True])
def test_a_foreign_or_damaged_checkpoint_part_is_refused_not_read(tmp_path, deterministic):
    options = {"deterministic": True, "metrics": ["ttft_s"]} if deterministic else \
        {"samples": 100, "seed": 3}
    checkpoint = tmp_path / "ck"
    sweep(GRID, checkpoint=checkpoint, **options)
    part = next(checkpoint.glob("points-*.npz"))
    start, stop = (int(x) for x in part.stem.split("-")[1:])
    good = dict(np.load(part))
    bad_parts = [{}, {"status": good.get("status", np.zeros((stop - start, 3), np.int64))},
                 {k: v.astype(np.float32) for k, v in good.items()},
                 {k: v[:1] for k, v in good.items()}]
    if deterministic:
        bad_parts.append({**good, "codes": np.full(stop - start, 9, dtype=np.int8)})
    for bad in bad_parts:
        np.savez(part, **bad) if bad else part.write_bytes(b"not a zip")
        with pytest.raises(ScenarioError, match="checkpoint"):
            sweep(GRID, checkpoint=checkpoint, resume=True, **options)


def test_overlapping_dataset_parts_are_refused_not_read_twice(tmp_path):
    pytest.importorskip("pyarrow")
    written = inferonomics.sweep_dataset(GRID, tmp_path / "ds", samples=50, seed=1)
    first = sorted(written.path.glob("part-*.parquet"))[0]
    (written.path / "part-000000000001-000000000002.parquet").write_bytes(first.read_bytes())
    with pytest.raises(ScenarioError, match="overlap"):
        inferonomics.sweep_dataset(GRID, tmp_path / "ds", samples=50, seed=1, resume=True)


def _dies_once(flag, real, *args):
    """A span task whose first run anywhere kills its worker process mid-task."""
    try:
        fd = os.open(flag, os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        return real(*args)
    os.close(fd)
    os._exit(1)


def test_a_worker_killed_mid_task_does_not_change_the_answer(tmp_path, monkeypatch):
    import cloudpickle

    from inferonomics.cluster import runner, tasks

    cloudpickle.register_pickle_by_value(sys.modules[__name__])   # workers cannot import tests/
    flag = str(tmp_path / "killed")
    real = tasks.simulate_span
    monkeypatch.setattr(runner.tasks, "simulate_span",
                        lambda *args: _dies_once(flag, real, *args))
    samples = 12 * backends.CHUNK_SAMPLES
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=":0") as cluster, \
                distributed.Client(cluster) as c:
            remote = inferonomics.simulate(EXAMPLE, samples=samples, seed=8, client=c)
    assert os.path.exists(flag)   # a worker did die
    assert_same_summary(remote.summary(), inferonomics.simulate(EXAMPLE, samples=samples, seed=8)
                        .summary())


def test_cli_runs_on_a_local_cluster_and_resumes_a_sweep(tmp_path, capsys, monkeypatch,
                                                         interrupt_sweep_at_call):
    assert main(["run", EXAMPLE, "--samples", "20000", "--local-cluster", "2", "--json",
                 "--metrics", "ttft_s"]) == 0
    captured = capsys.readouterr()
    assert "dask: 2 worker(s)" in captured.err
    local = inferonomics.simulate(EXAMPLE, samples=20000, metrics=["ttft_s"]).summary()
    import json
    assert json.loads(captured.out)["metrics"]["ttft_s"] == local["ttft_s"].to_dict()

    out = tmp_path / "table.parquet"
    interrupt_sweep_at_call(2)
    monkeypatch.setattr("inferonomics.analysis.sweeps.BATCH_SAMPLES", 300 * 40)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["sweep", GRID, "--samples", "300", "--out", str(out)]) == 130
    assert "rerun the same command with --resume" in capsys.readouterr().out
    assert (tmp_path / "table.parquet.checkpoint").is_dir()
    monkeypatch.undo()
    assert main(["sweep", GRID, "--samples", "300", "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["sweep", GRID, "--samples", "300", "--out", str(out), "--resume"]) == 0
    assert not (tmp_path / "table.parquet.checkpoint").exists()   # done: nothing to resume
    pd = pytest.importorskip("pandas")
    resumed = pd.read_parquet(out)
    whole = sweep(GRID, samples=300).to_pandas()
    pd.testing.assert_frame_equal(resumed.reset_index(drop=True), whole.reset_index(drop=True),
                                  check_dtype=False, check_categorical=False)


def _same_table(a, b):
    pd = pytest.importorskip("pandas")
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_dtype=False, check_categorical=False)


@pytest.mark.parametrize("options", [{"samples": 300, "seed": 2},
                                     {"deterministic": True, "metrics": ["tpot_s", "ttft_s"]}])
def test_a_dataset_written_by_workers_reads_back_as_the_local_table(client, tmp_path, options):
    pytest.importorskip("pyarrow")
    whole = sweep(GRID, **options).to_pandas()
    written = inferonomics.sweep_dataset(GRID, tmp_path / "ds", client=client, **options)
    assert written.parts > 1 and written.computed_points == written.grid_points == len(whole)
    _same_table(written.to_pandas(), whole)
    assert written.to_dask().npartitions == written.parts
    assert written.metadata()["seed"] == options.get("seed")


def test_an_interrupted_dataset_resumes_to_the_whole_table(tmp_path, monkeypatch,
                                                          interrupt_sweep_at_call):
    pytest.importorskip("pyarrow")
    interrupt_sweep_at_call(3)
    monkeypatch.setattr("inferonomics.analysis.sweeps.BATCH_SAMPLES", 300 * 2)
    with pytest.warns(RuntimeWarning, match="resume to finish"), pytest.raises(KeyboardInterrupt):
        inferonomics.sweep_dataset(GRID, tmp_path / "ds", samples=300, seed=6)
    parts = sorted(p.name for p in (tmp_path / "ds").glob("part-*.parquet"))
    # Parts of ceil(144 / 64) = 3 points: boundaries fixed by the grid, not by the run.
    assert parts == ["part-000000000000-000000000003.parquet",
                     "part-000000000003-000000000006.parquet"]
    monkeypatch.undo()
    with pytest.raises(ScenarioError, match="holds the dataset of an earlier run"):
        inferonomics.sweep_dataset(GRID, tmp_path / "ds", samples=300, seed=6)
    done = inferonomics.sweep_dataset(GRID, tmp_path / "ds", samples=300, seed=6, resume=True)
    assert done.computed_points == 144 - 6
    _same_table(done.to_pandas(), sweep(GRID, samples=300, seed=6).to_pandas())


def test_cli_dataset_refuses_what_needs_the_table_in_memory(tmp_path, capsys):
    assert main(["sweep", GRID, "--samples", "100", "--dataset", str(tmp_path / "d"),
                 "--objective", "tpot_s_p50"]) == 2
    assert "--objective need(s) the table in memory" in capsys.readouterr().err
    assert main(["sweep", GRID, "--samples", "100", "--dataset", str(tmp_path / "d"), "--json"]) == 0
    import json
    assert json.loads(capsys.readouterr().out)["computed_points"] == 144


def test_a_cluster_without_workers_is_refused_after_a_wait_not_a_hang(monkeypatch):
    from inferonomics.cluster import connect

    monkeypatch.setattr(connect, "WORKER_WAIT_S", 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=0, processes=True, host="127.0.0.1",
                                      dashboard_address=":0") as cluster, \
                distributed.Client(cluster) as c:
            with pytest.raises(ScenarioError, match="no Dask worker joined"):
                inferonomics.simulate(EXAMPLE, samples=10, client=c)
            with pytest.raises(ScenarioError, match="no Dask worker joined"):
                sweep(GRID, samples=10, client=c)
