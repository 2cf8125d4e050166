"""The fleet layer (issue 13): replicas under load, and fleets of them through time.

So far: one replica as a queue (:mod:`.replica_queue`)::

    service = service_from_plan(scenario)          prefill, step time at each batch, max_batch
    state = replica_queue(service, arrival_rate)   waits, TTFT, TPOT, utilization at that rate
    goodput(service, ttft_slo_s=..., tpot_slo_s=...)   the most requests/s within the targets

and the same for every Monte Carlo sample of a scenario (:mod:`.under_load`)::

    services_from_samples(scenario, samples)       one service per sample
    replica_under_load(scenario, arrival_rate)     TTFT, TPOT, goodput as distributions

and a fleet of them through time (:mod:`.through_time`, stepping in :mod:`.stepping`)::

    fleet(scenario)                                static / reactive / scheduled policies
"""

from .replica_queue import (DEFAULT_PERCENTILE, GOODPUT_RTOL, QueueState, ReplicaService, goodput,
                            replica_queue, service_from_plan)
from .through_time import FleetResult, fleet
from .under_load import UnderLoad, replica_under_load, services_from_samples

__all__ = ["FleetResult", "fleet", "DEFAULT_PERCENTILE", "GOODPUT_RTOL", "QueueState", "ReplicaService", "goodput",
           "replica_queue", "service_from_plan", "UnderLoad", "replica_under_load",
           "services_from_samples"]
