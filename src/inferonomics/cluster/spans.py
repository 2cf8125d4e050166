"""How a run is cut into pieces for workers: sample spans on chunk boundaries, point ranges."""

from __future__ import annotations

PIECES_PER_WORKER_THREAD = 4
"""Pieces per worker thread: enough that a slow or lost worker delays a run by a fraction of it,
few enough that scheduling costs nothing next to the pieces (each holds >= one 65,536-sample
chunk)."""


def sample_spans(samples: int, chunk: int, max_chunks: int, worker_threads: int) -> list[tuple[int, int]]:
    """``(start, stop)`` spans covering samples ``0 .. samples-1``: each starts on a multiple of
    ``chunk`` (so its chunks are the chunks of a whole run) and holds at most ``max_chunks``
    chunks; about :data:`PIECES_PER_WORKER_THREAD` per worker thread."""
    n_chunks = -(-samples // chunk)
    wanted = max(1, worker_threads * PIECES_PER_WORKER_THREAD)
    per_span = min(max_chunks, max(1, -(-n_chunks // wanted)))
    step = per_span * chunk
    return [(start, min(start + step, samples)) for start in range(0, samples, step)]


def piece_points(points: int, max_points: int, worker_threads: int) -> int:
    """Grid points per piece when ``points`` are to be computed: about
    :data:`PIECES_PER_WORKER_THREAD` pieces per worker thread, at most ``max_points`` each."""
    wanted = max(1, worker_threads * PIECES_PER_WORKER_THREAD)
    return min(max_points, max(1, -(-points // wanted)))
