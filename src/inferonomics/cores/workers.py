"""The process's shared worker threads (the numba core's, and the fleet's steps on either core):
one pool for the process, kept between calls as OpenMP keeps the C core's threads.

A new pool for every call cost the numba core a tenth of its two-thread speed: the kernel of a
2-thread simulate ran 1.87x faster than on 1 thread on new threads, against 1.97x on threads kept
from the call before (the bundled example, 4 million samples, medians of 9 calls alternating both
ways, AMD EPYC VM with 2 vCPUs). The time is lost inside the kernel, not in starting threads;
new threads probably share the calling thread's CPU until the scheduler moves one. The results do
not depend on which thread runs what, so sharing the pool changes only the speed.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Callable, Iterable, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_busy = 0   # items submitted and not finished, over every caller
_pool_lock = threading.RLock()   # re-entrant: a finished item's callback may run under it
_this_thread = threading.local()


def run_on_threads(fn: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """``fn(item)`` for every item, each on a thread of the shared pool, results in the items'
    order. One item runs on the calling thread, and so does every item of a call made from a
    pool thread itself (waiting there for other pool threads could wait for ever). The pool grows
    to every caller's items at once, so calls from several user threads do not queue behind
    each other."""
    global _busy
    items = list(items)
    if len(items) <= 1 or getattr(_this_thread, "in_pool", False):
        return [fn(item) for item in items]
    with _pool_lock:   # submitted before another call can replace (and shut down) the pool
        pool = _pool_of(_busy + len(items))
        _busy += len(items)
        futures = [pool.submit(_in_pool, fn, item) for item in items]
        for future in futures:
            future.add_done_callback(_item_done)
    # Every item finishes (or is cancelled before it starts) before the call returns or raises,
    # so nothing still runs on the caller's arrays afterwards, even after Ctrl-C; the first error
    # in the items' order is raised.
    try:
        wait(futures)
    except BaseException:
        for future in futures:
            future.cancel()
        wait(futures)
        raise
    return [future.result() for future in futures]


def _item_done(_future) -> None:
    global _busy
    with _pool_lock:
        _busy -= 1


def _in_pool(fn: Callable[[Item], Result], item: Item) -> Result:
    _this_thread.in_pool = True
    return fn(item)


def _pool_of(size: int) -> ThreadPoolExecutor:
    """The shared pool, replaced by a larger one when the items in flight need more threads than
    it has (the old one finishes what it was given, then its threads exit; the pool never
    shrinks). Called with _pool_lock held."""
    global _pool, _pool_size
    if _pool is None or _pool_size < size:
        old, _pool, _pool_size = _pool, ThreadPoolExecutor(
            size, thread_name_prefix="inferonomics-worker"), size
        if old is not None:
            old.shutdown(wait=False)
    return _pool


def _forget_pool_in_child() -> None:
    # A forked child has none of its parent's threads: it starts a pool of its own when it needs
    # one (the parent's pool object would queue work that no thread ever takes).
    global _pool, _pool_size, _busy, _pool_lock
    _pool, _pool_size, _busy, _pool_lock = None, 0, 0, threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool_in_child)
