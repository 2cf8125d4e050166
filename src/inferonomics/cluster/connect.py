"""Reaching a Dask cluster: a ``distributed.Client``, a scheduler address, or a local cluster."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from typing import Any, Iterator

from ..errors import ScenarioError

INSTALL_HINT = 'pip install "inferonomics[dask]"'
CONNECT_TIMEOUT_S = 10
"""How long connecting to a scheduler may take (seconds)."""
WORKER_WAIT_S = 30.0
"""How long a run waits for a first worker to join before it gives up (seconds)."""


def distributed_module():
    """``dask.distributed``, or an ImportError that says how to install it."""
    try:
        import distributed
    except ImportError:
        raise ImportError(f"running on a Dask cluster needs dask.distributed: {INSTALL_HINT}") \
            from None
    return distributed


@contextmanager
def connected(client: Any) -> Iterator[Any]:
    """The client to submit to: ``client`` itself when it is a ``distributed.Client``, or a new
    client of the scheduler at address ``client`` (a string such as ``"tcp://10.0.0.5:8786"``),
    closed on exit."""
    distributed = distributed_module()
    if isinstance(client, distributed.Client):
        yield client
        return
    if not isinstance(client, str) or not client.strip():
        raise ScenarioError("client", "must be a dask.distributed Client or a scheduler address "
                            f"such as 'tcp://10.0.0.5:8786', got {type(client).__name__}")
    address = client.strip()
    _probe(address)
    try:
        own = distributed.Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError("scheduler", f"cannot reach a Dask scheduler at {address!r}: "
                            f"{exc}") from None
    try:
        yield own
    finally:
        own.close()


def _probe(address: str) -> None:
    """Refuse a malformed or unreachable TCP/TLS scheduler address before a Client is made: a
    Client whose start fails is left half-built, and its clean-up at garbage collection runs on
    the event loop that every client in the process shares."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            return   # other transports: the Client reports its own errors
        host, port = parse_host_port(location)
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except (OSError, ValueError, TypeError) as exc:
        raise ScenarioError("scheduler", f"cannot reach a Dask scheduler at {address!r}: "
                            f"{exc}") from None


@contextmanager
def local_cluster(workers: int) -> Iterator[Any]:
    """A client of a new cluster of ``workers`` single-threaded worker processes on the loopback
    interface (what ``--local-cluster N`` starts), shut down on exit."""
    distributed = distributed_module()
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 1024:
        raise ScenarioError("local_cluster", f"must be a number of workers in [1, 1024], got "
                            f"{workers!r}")
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=":0")   # any free port
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def require_native(backend: str) -> None:
    """Refuse the reference backend for a cluster run: workers run the native cores."""
    if backend == "reference":
        raise ScenarioError("backend", "a cluster runs the native cores (c or numba); the "
                            "reference runs on one machine")


def worker_threads(client: Any) -> int:
    """Threads across the cluster's workers now, after waiting up to :data:`WORKER_WAIT_S` for a
    first one: a cluster without workers would otherwise hold a run forever."""
    if not client.nthreads():
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError:
            raise ScenarioError("scheduler", f"no Dask worker joined the cluster within "
                                f"{WORKER_WAIT_S:g} s; start workers (dask worker ADDRESS)") \
                from None
    return max(1, sum(client.nthreads().values()))


def dashboard_link(client: Any) -> str | None:
    """The cluster's dashboard address, when its scheduler serves one."""
    try:
        if "dashboard" not in client.scheduler_info().get("services", {}):
            return None
        return client.dashboard_link or None
    except Exception:   # a scheduler that will not say: no link rather than a wrong one
        return None
