"""The numba core's shared worker threads (cores/workers.py): kept between calls, safe to call from
several user threads at once and from a worker thread itself."""

import threading

import pytest

import inferonomics
from inferonomics.cores import backends, workers

SCENARIO = {"model": {"id": "llama-2-7b"}, "hardware": {"id": "h100-sxm"},
            "workload": {"batch": 8, "input_tokens": {"dist": "uniform", "low": 500, "high": 2000},
                         "output_tokens": {"dist": "lognormal", "median": 200, "sigma": 0.5}},
            "cost": {"usd_per_device_hour": 2.0}}
JOIN_TIMEOUT_S = 120
NESTED_TIMEOUT_S = 20


def test_results_come_back_in_the_order_of_the_items():
    assert workers.run_on_threads(lambda k: k * k, range(7)) == [k * k for k in range(7)]


def test_the_threads_are_kept_from_one_call_to_the_next():
    # Every thread of the pool started first (an executor starts its threads as work comes, so a
    # later call could otherwise start one legitimately).
    size = max(workers._pool_size, 2)
    barrier = threading.Barrier(size, timeout=JOIN_TIMEOUT_S)
    workers.run_on_threads(lambda _: barrier.wait(), range(size))
    before = {thread.ident for thread in threading.enumerate()}
    used = set()
    for _ in range(5):
        used |= set(workers.run_on_threads(lambda _: threading.get_ident(), range(2)))
    assert threading.get_ident() not in used
    assert used <= before, "a call started new threads"


def test_a_call_for_more_threads_than_the_pool_has_gets_them():
    barrier = threading.Barrier(5, timeout=JOIN_TIMEOUT_S)   # breaks unless 5 run at once

    def meet(_):
        barrier.wait()
        return threading.get_ident()

    assert len(set(workers.run_on_threads(meet, range(5)))) == 5


def test_a_call_from_a_worker_thread_runs_there_instead_of_waiting_for_the_pool():
    def outer(_):
        return workers.run_on_threads(lambda __: threading.get_ident(), range(2))

    # As many outer items as the pool has threads, so that every pool thread is busy with one.
    busy = max(workers._pool_size, 2)
    done = []
    caller = threading.Thread(target=lambda: done.append(workers.run_on_threads(outer, range(busy))),
                              daemon=True)
    caller.start()
    caller.join(NESTED_TIMEOUT_S)
    assert not caller.is_alive(), "a nested call waited for pool threads busy with its caller"
    for inner in done[0]:
        assert len(set(inner)) == 1   # all on the worker that made the call


def test_an_error_in_one_item_reaches_the_caller():
    def fail_on_three(k):
        if k == 3:
            raise ValueError("item 3")
        return k

    with pytest.raises(ValueError, match="item 3"):
        workers.run_on_threads(fail_on_three, range(5))


@pytest.mark.skipif(backends.unavailable_reason("numba") is not None, reason="needs numba")
def test_simultaneous_numba_runs_from_user_threads_get_the_answers_of_runs_one_at_a_time():
    def run(seed):
        return inferonomics.simulate(SCENARIO, samples=150_000, seed=seed, backend="numba",
                                     threads=2).summary()["usd_per_mtok"]

    alone = {seed: run(seed) for seed in (1, 2, 3)}
    together = {}
    users = [threading.Thread(target=lambda s=seed: together.__setitem__(s, run(s)))
             for seed in (1, 2, 3)]
    for user in users:
        user.start()
    for user in users:
        user.join(JOIN_TIMEOUT_S)
    assert all(not user.is_alive() for user in users)
    for seed in alone:
        assert together[seed] == alone[seed]   # moments and quantile sketch, to the bit


def test_calls_from_user_threads_while_another_grows_the_pool_all_run():
    errors = []

    def small_calls():
        try:
            for _ in range(300):
                assert workers.run_on_threads(lambda k: k + 1, range(2)) == [1, 2]
        except Exception as error:   # noqa: BLE001 - reported below
            errors.append(error)

    def growing_calls():
        try:
            for size in range(workers._pool_size + 1, workers._pool_size + 40):
                assert workers.run_on_threads(lambda k: k, range(size)) == list(range(size))
        except Exception as error:   # noqa: BLE001 - reported below
            errors.append(error)

    users = [threading.Thread(target=small_calls), threading.Thread(target=small_calls),
             threading.Thread(target=growing_calls)]
    for user in users:
        user.start()
    for user in users:
        user.join(JOIN_TIMEOUT_S)
    assert not errors, errors[0]


def test_calls_from_two_user_threads_run_at_once_instead_of_queueing():
    barrier = threading.Barrier(4, timeout=NESTED_TIMEOUT_S)   # breaks unless all 4 items meet
    errors = []

    def call():
        try:
            workers.run_on_threads(lambda _: barrier.wait(), range(2))
        except Exception as error:   # noqa: BLE001 - reported below
            errors.append(error)

    users = [threading.Thread(target=call) for _ in range(2)]
    for user in users:
        user.start()
    for user in users:
        user.join(JOIN_TIMEOUT_S)
    assert not errors, errors[0]


@pytest.mark.skipif(backends.unavailable_reason("numba") is not None, reason="needs numba")
def test_the_numba_core_refuses_a_negative_thread_count_instead_of_leaving_rows_unwritten():
    import numpy as np

    from inferonomics.cores import numba_core
    from inferonomics.errors import CoreError

    with pytest.raises(CoreError, match="threads must be at least 1"):
        numba_core.evaluate(np.zeros((4, numba_core.N_INPUTS)), -1)
