"""Research pipelines fork (multiprocessing's default start method on Linux, SALib's nprocs): a
process forked after a core ran on several threads must still run it, and get the same numbers.
Without the guard in cores/cbinding.py the child hangs in libgomp; without the one in
cores/workers.py it queues the numba core's work on a pool whose threads it does not have. Here a
hang is turned into a failure by an alarm in the child."""

import os
import signal

import pytest

import inferonomics
from inferonomics.cores import backends

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
needs_c = pytest.mark.skipif(backends.unavailable_reason("c") is not None, reason="needs the C core")
BACKENDS = [pytest.param("c", marks=needs_c),
            pytest.param("numba", marks=pytest.mark.skipif(
                backends.unavailable_reason("numba") is not None, reason="needs numba"))]
SCENARIO = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
            "workload": {"batch": 8, "input_tokens": {"dist": "uniform", "low": 500, "high": 2000},
                         "output_tokens": 100},
            "cost": {"usd_per_device_hour": 2.0}}
CHILD_TIMEOUT_S = 60


def _mean(threads: int, backend: str = "c") -> float:
    return inferonomics.simulate(SCENARIO, samples=100_000, seed=3, backend=backend,
                                 threads=threads).summary()["usd_per_mtok"].mean


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_process_forked_after_a_core_ran_on_threads_still_runs_it(backend):
    parent = _mean(2, backend)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: never return into pytest
        try:
            signal.alarm(CHILD_TIMEOUT_S)
            os.write(write, repr(_mean(2, backend)).encode())
            os._exit(0)
        except BaseException:
            os._exit(1)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    got = os.read(read, 100).decode()
    os.close(read)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, \
        f"the forked child did not finish (status {status}: hung or crashed)"
    assert float(got) == parent


def _child_mean(_):
    signal.alarm(CHILD_TIMEOUT_S)
    return _mean(2)


@needs_c
def test_a_fork_pool_after_the_c_core_ran_gets_the_same_answers():
    import multiprocessing

    parent = _mean(2)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        got = pool.map_async(_child_mean, range(2)).get(timeout=2 * CHILD_TIMEOUT_S)
    assert got == [parent, parent]
