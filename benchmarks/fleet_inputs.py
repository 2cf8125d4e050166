"""Inputs for the fleet benchmarks: real replica tables and demand of the chatbot example, tiled
to any number of samples (the stepping's cost does not depend on which sample a table came
from), so the benchmarks time the stepping alone."""

from types import SimpleNamespace

import numpy as np

from inferonomics import load_scenario
from inferonomics.fleet.replica_table import LOAD_GRID, TOP_LOAD, TTFT_LEVELS, replica_table
from inferonomics.fleet.stepping import FLEET_METRIC_NAMES, TRACE_NAMES
from inferonomics.fleet.through_time import _step_rates, chunk_inputs
from inferonomics.fleet.under_load import replica_runs, services_of
from inferonomics.io.fleet import parse_policy
from inferonomics.sampling.columns import sample_keys
from inferonomics.io.demand import SECONDS_PER_MONTH
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "fleet-chatbot-llama-3.1-70b-h100.toml"
DISTINCT = 16   # real tables computed, then tiled
COLD_START_S = 110.0   # the prior's mode
POLICIES = {
    "static": parse_policy("static", {}),
    "reactive": parse_policy("reactive", {}),
    # About the static fleet's size by day and two thirds of it by night (the example's median).
    "scheduled": parse_policy("scheduled", {"replicas": [7] * 8 + [10] * 12 + [8] * 4}),
}


class StepInputs:
    """Everything the kernel reads for ``samples`` samples (the rates built per chunk)."""

    def __init__(self, samples: int, step_s: float, horizon_s: float, seed: int = 0):
        scenario = load_scenario(EXAMPLE)
        runs = replica_runs(scenario, DISTINCT, seed)
        services = services_of(runs, np.arange(DISTINCT), batch_points="geometric")
        keep = np.array([s is not None for s in services])
        rows = np.arange(DISTINCT)[keep]
        x = runs.inputs
        tables = [replica_table(s, ttft_slo_s=float(x["ttft_slo_s"][i]),
                                tpot_slo_s=float(x["tpot_slo_s"][i]), percentile=0.99)
                  for s, i in zip(services, range(DISTINCT)) if s is not None]
        inputs = chunk_inputs(runs, rows, tables, np.full(len(rows), COLD_START_S), False)
        pick = np.arange(samples) % len(rows)
        self.x = np.ascontiguousarray(inputs.x[pick])
        self.attainment = inputs.attainment[pick]
        self.utilization = inputs.utilization[pick]
        self.survival = np.ascontiguousarray(inputs.survival[pick])
        demand = scenario.analysis["demand"]
        self.keys = sample_keys(seed, samples)
        _, v_out, _ = demand.draw(self.keys, x["input_tokens"][rows][pick],
                                  x["output_tokens"][rows][pick])
        self.mean_rate = v_out / x["output_tokens"][rows][pick] / SECONDS_PER_MONTH
        self.demand = demand
        self.step_s = step_s
        self.steps = int(round(horizon_s / step_s))
        self.hours = max(1, int(np.ceil(horizon_s / 3600.0)))
        self.samples = samples

    def rates(self, first: int, stop: int, threads: int = 1) -> np.ndarray:
        """The rates of samples first..stop-1, as ``fleet`` builds them (split among threads)."""
        settings = SimpleNamespace(hours=self.hours, step_s=self.step_s, steps=self.steps)
        return _step_rates(self.demand, self.keys[first:stop], self.mean_rate[first:stop],
                           settings, threads)

    def run_chunk(self, rates, first, stop, policy, threads):
        """The kernel over samples first..stop-1 (their rates given), split across threads."""
        from inferonomics.cores.fleet_numba import fleet_samples
        from inferonomics.cores.workers import run_on_threads
        n = stop - first
        part = slice(first, stop)
        out = np.empty((n, len(FLEET_METRIC_NAMES)))
        trace = np.zeros((1, len(TRACE_NAMES), 1))
        arr = policy.as_array()
        x, a, u, s = self.x[part], self.attainment[part], self.utilization[part], self.survival[part]
        bounds = np.linspace(0, n, min(threads, n) + 1).astype(np.int64)   # as fleet splits
        run = lambda k: fleet_samples(rates, self.step_s, arr, x, a, u, s, np.asarray(LOAD_GRID),
                                      np.asarray(TTFT_LEVELS), TOP_LOAD, out, trace, 0,
                                      bounds[k], bounds[k + 1])
        run_on_threads(run, range(len(bounds) - 1))   # the pool fleet runs on, kept between calls
        return out
