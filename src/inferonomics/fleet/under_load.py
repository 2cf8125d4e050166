"""One replica under load, with the uncertainty of the inputs (issue 13; TTFT under load for issue
14): the queue of :mod:`.replica_queue` for each Monte Carlo sample of a scenario, so waits, TTFT
and goodput come out as distributions.

Sample ``i`` draws the scenario's inputs as :func:`~inferonomics.simulate` does (same seed, same
stream), then the replica's service is read off the per-replica model at those inputs: its
``max_batch`` (the KV cache's capacity), ``prefill_s`` and the decode step at every batch
``k = 1 .. max_batch`` (one :func:`~inferonomics.evaluate_batch` over all samples' rows). The
scenario's own ``batch`` is ignored: under load the batch is what the queue makes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..api import evaluate_batch, simulate
from ..errors import ScenarioError
from ..io.checks import integer_argument
from ..io.scenario import Scenario, load_scenario
from ..model.reference import STATUS_MEMORY
from ..model.registry import INPUT_NAMES, PARAMETER_BY_NAME, PLAIN_LAYOUT
from ..sampling.rng import DEFAULT_SEED, SeedLike, normalize_seed
from ..stats.describe import statistics
from .replica_queue import (DEFAULT_PERCENTILE, ReplicaService, goodput, latency_target,
                            positive_argument, quantile_level, replica_queue)

MAX_SERVICE_ROWS = 20_000_000
"""Most model rows (samples x batch sizes) one call evaluates (about a minute on 2 cores); beyond
it the call is refused up front with the figure. Rows are evaluated in chunks of
:data:`ROWS_PER_CHUNK`, so memory stays near 0.75 kB a row of a chunk plus 16 bytes a row kept."""
ROWS_PER_CHUNK = 500_000
DEFAULT_UNDER_LOAD_SAMPLES = 200


BATCH_POINTS = ("all", "geometric")
GEOMETRIC_POINTS_PER_OCTAVE = 4
"""With ``batch_points = "geometric"`` the model runs at batches 1, 2, 3, 4, 5, 6, 7, 8, 10, 11,
13, 16, ... (four a doubling, rounded) and max_batch, and the decode step in between is linear
in the batch. The step is the larger of a compute and a memory time, each linear in the batch
for a dense model, so this is exact but for the doubling that holds the crossing (and the
expert term of a mixture of experts, concave in the batch): measured on Llama 2 70B / 8x H100
(max_batch about 2,600, 20 samples), the largest step error is 0.8 %."""


@dataclass
class ReplicaRuns:
    """The per-replica model at every sample's inputs with ``batch = "max"``: ``inputs`` and
    ``outputs`` columns (as :func:`~inferonomics.simulate` keeps them), ``capacity`` the most
    requests in service per sample (0 where one sequence does not fit)."""

    scenario: Scenario
    plan: Any
    inputs: dict[str, np.ndarray]
    outputs: dict[str, np.ndarray]
    capacity: np.ndarray
    backend: str


def replica_runs(scenario: Scenario | Mapping | str, samples: int, seed: SeedLike = DEFAULT_SEED,
                 *, max_batch: int | None = None, backend: str = "auto",
                 threads: int | None = None) -> ReplicaRuns:
    """Draw ``samples`` samples of ``scenario`` (as :func:`~inferonomics.simulate`, same seed,
    same stream) and run the model at each one's largest batch."""
    # Under load the batch is what the queue makes it: the scenario's own (even a sweep axis)
    # gives way to "max", which reads off each sample's capacity. Batch has its own stream, so
    # every other input draws as in the scenario.
    fixed = load_scenario(scenario).with_values({"workload.batch": "max"})
    samples = integer_argument("samples", samples, 1, MAX_SERVICE_ROWS)
    if max_batch is not None:
        max_batch = integer_argument("max_batch", max_batch, 1, MAX_SERVICE_ROWS)
    seed = normalize_seed(seed)
    plan = fixed.resolve()
    _check_queue_applies(plan)
    fits = simulate(fixed, samples, seed, backend=backend, threads=threads, keep_samples=True)
    x, y = fits._table.inputs, fits._table.outputs
    room = np.where(y["status"] == STATUS_MEMORY, 0.0, y["max_batch"])
    room = np.where(np.isfinite(room), room, 0.0)
    capacity = room.astype(np.int64) if max_batch is None else np.minimum(room, max_batch).astype(
        np.int64)
    return ReplicaRuns(fixed, plan, x, y, capacity, fits.backend)


QUEUE_SWITCHES = ("chunked_prefill", "pp", "attention_dp", "disaggregated")
"""The layout switches the replica queue needs at their plain values (registry.PLAIN_LAYOUT):
each prefill a pass of its own (its duration both the stall it costs the batch and the request's
wait for its first token), on one tensor-parallel group. Chunked prefill, pipeline stages and
data-parallel attention break that identity (a prefill then costs the batch less than it takes),
so those scenarios are refused, not misdescribed; so are disaggregated ones, whose prefills run on
another pool with a queue of its own."""


def _check_queue_applies(plan) -> None:
    for name in QUEUE_SWITCHES:
        path, plain = PARAMETER_BY_NAME[name].path, PLAIN_LAYOUT[name]
        low, high = plan[name].support()
        if low != plain or high != plain:
            raise ScenarioError(path, f"the replica queue (under load, fleet through time) models "
                                f"whole prefills on one tensor-parallel group; {path} must be "
                                f"{plain:g} here")


def _batches(capacity: int, batch_points: str) -> np.ndarray:
    """The batches 1 .. ``capacity`` at which the model runs."""
    if batch_points == "all" or capacity <= 2 * GEOMETRIC_POINTS_PER_OCTAVE:
        return np.arange(1, capacity + 1, dtype=np.float64)
    octaves = math.log2(capacity)
    grid = np.round(2.0 ** (np.arange(int(octaves * GEOMETRIC_POINTS_PER_OCTAVE) + 1)
                            / GEOMETRIC_POINTS_PER_OCTAVE))
    return np.unique(np.concatenate([grid[grid < capacity], [float(capacity)]]))


def services_of(runs: ReplicaRuns, indices, *, batch_points: str = "all", backend: str = "auto",
                threads: int | None = None) -> list[ReplicaService | None]:
    """The :class:`ReplicaService` of each sample in ``indices`` (None where one sequence does not
    fit): the model's prefill and its decode step at every batch up to the sample's capacity, run
    at every batch (``batch_points = "all"``) or at :data:`GEOMETRIC_POINTS_PER_OCTAVE` batches a
    doubling and linear in between (``"geometric"``)."""
    if batch_points not in BATCH_POINTS:
        raise ScenarioError("batch_points", f"must be one of {', '.join(BATCH_POINTS)}, got "
                            f"{batch_points!r}")
    indices = np.asarray(indices, dtype=np.int64)
    x = runs.inputs
    points = [_batches(int(runs.capacity[i]), batch_points) if runs.capacity[i] > 0 else
              np.empty(0) for i in indices]
    sizes = np.array([len(b) for b in points], dtype=np.int64)
    total = int(sizes.sum())
    if total > MAX_SERVICE_ROWS:
        raise ScenarioError("samples", f"{len(indices):,} samples need {total:,} model rows (one "
                            f"per sample and batch size up to max_batch), more than "
                            f"{MAX_SERVICE_ROWS:,}; use fewer samples or cap max_batch")
    owner = np.repeat(indices, sizes)
    batch = np.concatenate(points) if total else np.empty(0)
    prefill = np.empty(total)
    step = np.empty(total)
    for start in range(0, total, ROWS_PER_CHUNK):
        part = slice(start, min(start + ROWS_PER_CHUNK, total))
        rows = {name: x[name][owner[part]] for name in INPUT_NAMES}
        rows["batch"] = batch[part]
        out = evaluate_batch(rows, plan=runs.plan, backend=backend, threads=threads)
        prefill[part], step[part] = out["prefill_s"], out["decode_step_s"]
    services: list[ReplicaService | None] = []
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    for j, i in enumerate(indices):
        b = int(runs.capacity[i])
        if b == 0:
            services.append(None)
            continue
        rows_of_i = slice(first[j], first[j] + sizes[j])
        steps = step[rows_of_i]
        if sizes[j] != b:   # geometric points: linear in between
            steps = np.interp(np.arange(1, b + 1, dtype=np.float64), points[j], steps)
        services.append(ReplicaService(prefill_s=float(prefill[first[j]]), step_s=steps.copy(),
                                       output_tokens=float(x["output_tokens"][i]), max_batch=b))
    return services


def services_from_samples(scenario: Scenario | Mapping | str, samples: int,
                          seed: SeedLike = DEFAULT_SEED, *, max_batch: int | None = None,
                          backend: str = "auto", threads: int | None = None,
                          batch_points: str = "all") -> list[ReplicaService | None]:
    """One :class:`ReplicaService` per Monte Carlo sample of ``scenario`` (None for a sample in
    which one sequence does not fit in memory). ``max_batch`` caps the requests in service (a
    scheduler's ``max_num_seqs``) below the KV cache's capacity; ``batch_points`` as in
    :func:`services_of`."""
    runs = replica_runs(scenario, samples, seed, max_batch=max_batch, backend=backend,
                        threads=threads)
    return services_of(runs, np.arange(len(runs.capacity)), batch_points=batch_points,
                       backend=backend, threads=threads)


@dataclass
class UnderLoad:
    """Per sample (NaN where one sequence does not fit, inf where the load is more than the replica
    can serve): the queue's figures at ``arrival_rate`` and the goodput at the targets."""

    scenario: Scenario
    samples: int
    seed: int
    arrival_rate: float
    percentile: float
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        stable = self.values["stable"]
        fits = np.isfinite(self.values["max_batch"])
        return {"scenario": self.scenario.name, "samples": self.samples, "seed": self.seed,
                "arrival_rate": self.arrival_rate, "percentile": self.percentile,
                "fits_share": float(fits.mean()),
                "stable_share": float(stable[fits].mean()) if fits.any() else 0.0,
                **{k: statistics(v) for k, v in self.values.items() if k != "stable"}}


def replica_under_load(scenario: Scenario | Mapping | str, arrival_rate: float | None = None, *,
                       ttft_slo_s: float | None = None, tpot_slo_s: float | None = None,
                       percentile: float | None = None,
                       samples: int = DEFAULT_UNDER_LOAD_SAMPLES, seed: SeedLike = DEFAULT_SEED,
                       backend: str = "auto", threads: int | None = None) -> UnderLoad:
    """The replica of ``scenario`` at ``arrival_rate`` requests/s, sample by sample: mean and
    ``percentile`` TTFT, mean TPOT, utilization, mean batch; with a target (either), the goodput (the
    most requests/s that meet them at ``percentile``). The targets default to the scenario's
    ``workload.ttft_slo_s`` and ``tpot_slo_s`` medians, the rate and the percentile to its
    ``[load]`` (percentile 0.99 without one)."""
    scenario = load_scenario(scenario)
    given = scenario.analysis.get("load") or {}
    if arrival_rate is None:
        if "arrival_rate" not in given:
            raise ScenarioError("load.arrival_rate", "missing: give [load] arrival_rate "
                                "(requests/s to one replica) or the arrival rate argument")
        arrival_rate = given["arrival_rate"]
    if percentile is None:
        percentile = given.get("percentile", DEFAULT_PERCENTILE)
    medians = scenario.with_values({"workload.batch": "max"}).resolve().medians()
    ttft_slo_s = medians["ttft_slo_s"] if ttft_slo_s is None else ttft_slo_s
    tpot_slo_s = medians["tpot_slo_s"] if tpot_slo_s is None else tpot_slo_s
    # Checked before the model runs: a bad rate or percentile should not cost a minute.
    arrival_rate = positive_argument("arrival_rate", arrival_rate, allow_zero=True)
    percentile = quantile_level(percentile)
    with_targets = not (math.isinf(latency_target("ttft_slo_s", ttft_slo_s))
                        and math.isinf(latency_target("tpot_slo_s", tpot_slo_s)))
    services = services_from_samples(scenario, samples, seed, backend=backend, threads=threads)
    names = ("ttft_mean_s", "ttft_p_s", "tpot_mean_s", "utilization", "batch_mean", "max_batch",
             "goodput_requests_per_s", "stable")
    values = {k: np.full(len(services), np.nan) for k in names}
    for i, service in enumerate(services):
        if service is None:
            continue
        state = replica_queue(service, arrival_rate)
        values["max_batch"][i] = service.max_batch
        values["stable"][i] = float(state.stable)
        values["ttft_mean_s"][i] = state.ttft_mean_s
        values["ttft_p_s"][i] = state.ttft_quantile(percentile)
        values["tpot_mean_s"][i] = state.tpot_mean_s
        values["utilization"][i] = state.utilization
        values["batch_mean"][i] = state.mean_batch
        if with_targets:
            values["goodput_requests_per_s"][i] = goodput(
                service, ttft_slo_s=ttft_slo_s, tpot_slo_s=tpot_slo_s, percentile=percentile)
    return UnderLoad(scenario, len(services), normalize_seed(seed), float(arrival_rate),
                     float(percentile), values)


__all__ = ["replica_under_load", "services_from_samples", "services_of", "replica_runs",
           "ReplicaRuns", "UnderLoad", "MAX_SERVICE_ROWS"]
