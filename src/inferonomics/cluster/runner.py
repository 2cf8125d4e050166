"""Submitting pieces to a cluster and merging what comes back in a fixed order."""

from __future__ import annotations

import uuid
from typing import Any, Callable, Iterator

import numpy as np

from ..cores import backends
from ..cores.encoding import encode
from ..errors import InferonomicsError
from ..model.reference import STATUS_NAMES
from ..progress import ProgressBar
from ..stats.summary import SKETCH_BUCKETS, Summary
from . import spans, tasks
from .connect import distributed_module, worker_threads


def in_order(client: Any, futures: list) -> Iterator[tuple[int, Any]]:
    """``(index, result)`` of ``futures`` in index order, each released as soon as it is taken;
    results that finish early wait on the client (a piece's summary is small). On an error or an
    interrupt, the remaining futures are cancelled."""
    distributed = distributed_module()
    index = {f.key: i for i, f in enumerate(futures)}
    waiting: dict[int, Any] = {}
    following = 0
    try:
        for future in distributed.as_completed(futures):
            try:
                waiting[index[future.key]] = future.result()
            except (distributed.KilledWorker, OSError) as exc:
                # Dask gave up on a piece (its workers kept dying) or lost the scheduler.
                raise InferonomicsError(f"the Dask cluster could not finish a piece of the run "
                                        f"({type(exc).__name__}: {exc}); a sweep with a "
                                        "checkpoint or dataset resumes from what finished") \
                    from None
            future.release()
            while following in waiting:
                yield following, waiting.pop(following)
                following += 1
    finally:
        unfinished = [f for f in futures if not f.done()]
        if unfinished:
            client.cancel(unfinished)


def simulate(client: Any, backend: str, plan, seed: int, samples: int,
             metrics: tuple[str, ...], progress: bool = False,
             precision: str = "float64") -> Summary:
    """The summary of samples ``0 .. samples-1`` computed in spans on the cluster: the same, bit
    for bit, as :func:`inferonomics.simulate` with this seed on one machine (chunk moments merged
    in chunk order, counts and sketch buckets summed)."""
    encoded = encode(plan.distributions)
    fold = backends.fold_indices(metrics)
    pieces = spans.sample_spans(samples, backends.CHUNK_SAMPLES, backends.SPAN_CHUNKS,
                                worker_threads(client))
    run = uuid.uuid4().hex   # task keys unique to this run: nothing is reused from another
    futures = [client.submit(tasks.simulate_span, backend, encoded, seed, start, stop, fold,
                             precision, key=f"inferonomics-span-{run}-{start}")
               for start, stop in pieces]
    status = np.zeros(len(STATUS_NAMES), dtype=np.int64)
    hist = np.zeros((backends.N_METRICS, SKETCH_BUCKETS), dtype=np.int64)
    flat = hist.reshape(-1)
    acc = backends.empty_moments()
    bar = ProgressBar(samples, progress, " samples")
    try:
        for _, part in in_order(client, futures):
            status += part.status
            np.add.at(flat, part.bucket_index, part.bucket_count)
            backends.merge_chunk_moments(acc, part.chunk_moments)
            bar.update(part.stop - part.start)
    finally:
        bar.close()
    backends.check_float32_range(status, precision)
    return backends.summary_from_arrays(status, acc, hist, metrics)


def point_pieces(client: Any, points: list[tuple[int, int]], backend: str, grid,
                 compute: Callable, progress: bool = False) -> Iterator[tuple[int, int, dict]]:
    """``(start, stop, arrays)`` of each grid-point range in ``points``, computed on the cluster
    and yielded in order. The grid goes to every worker once."""
    run = uuid.uuid4().hex
    worker_threads(client)   # waits for a first worker (a refusal, not a hang, without one)
    [grid_future] = client.scatter([grid], broadcast=True, hash=False)
    futures = [client.submit(tasks.sweep_range, backend, grid_future, compute, start, stop,
                             key=f"inferonomics-points-{run}-{start}")
               for start, stop in points]
    bar = ProgressBar(sum(b - a for a, b in points), progress, " points")
    try:
        for i, arrays in in_order(client, futures):
            start, stop = points[i]
            bar.update(stop - start)
            yield start, stop, arrays
    finally:
        bar.close()
        grid_future.release()
