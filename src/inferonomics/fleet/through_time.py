"""A fleet of replicas through time, with the uncertainty of every input (issue 13):
:func:`fleet` runs each policy over the same Monte Carlo samples (common random numbers).

Per sample ``i`` (the same seed and stream as :func:`~inferonomics.simulate`):

1. the replica: the scenario's inputs drawn as ``simulate`` draws them, the per-replica model at
   every batch up to the KV cache's capacity (:func:`.under_load.services_of`, four batches a
   doubling), the queue at a grid of loads (:func:`.replica_table.replica_table`) against the
   sample's ``workload.ttft_slo_s`` and ``tpot_slo_s`` at ``[fleet] percentile``;
2. its economics, read off the model's outputs at the sample's inputs: the all-in price of a
   replica-hour in the scenario's cost mode (with ``[fleet] spot_share``, that share of it at the
   spot price, losing spot's interruptions, the rest on demand) (rent, capital and hosting parts of ``usd_per_mtok``
   times the tokens an hour at the model's utilisation: devices x the device-hour price), its
   facility power busy and idle, the grid's carbon, water per kWh, embodied carbon per hour;
3. the demand: ``[demand]``'s mean rate (requests/s, or the token volume over the sample's output
   length), shaped hour by hour (:meth:`~inferonomics.io.demand.Shape.factors`), one rate a step;
4. each policy stepped through the horizon (:mod:`.stepping`, in numba; ``backend="reference"``
   runs the plain-Python specification).

Samples run in chunks of :data:`CHUNK_SAMPLES` (fewer when steps are many), so memory holds one
chunk's rates and tables (not the whole run's), plus, for every sample, its drawn inputs and model
outputs (about 1 kB) and 13 figures a policy, and the first ``trace_samples`` samples'
step-by-step trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..cores import backends
from ..cores.workers import run_on_threads
from ..errors import ScenarioError
from ..analysis.tco import in_mode
from ..io.checks import integer_argument
from ..io.demand import SECONDS_PER_MONTH
from ..io.fleet import FleetSettings, Policy, chosen_policies, parse_fleet
from ..io.scenario import Scenario, load_scenario
from ..model.reference import HOURS_PER_YEAR, SECONDS_PER_HOUR, TOKENS_PER_MTOK
from ..model.registry import ANALYSIS_PARAMETER_BY_PATH
from ..sampling.columns import draw_column, sample_keys
from ..sampling.rng import DEFAULT_SEED, SeedLike, normalize_seed
from ..stats.describe import statistics
from ..versions import provenance
from .replica_table import LOAD_GRID, TOP_LOAD, TTFT_LEVELS, ReplicaTable, replica_table
from .stepping import (FLEET_METRIC_NAMES, FLEET_METRICS, SAMPLE_FIELDS, TRACE_NAMES, step_fleet,
                       step_rates)
from .under_load import replica_runs, services_of

DEFAULT_FLEET_SAMPLES = 1_000
MAX_FLEET_SAMPLES = 100_000
"""Most samples a run takes: each keeps its drawn inputs and the model's outputs (about 1 kB) and
13 figures a policy, and costs about 10 ms of queue tables (100,000: some 100 MB and a quarter of
an hour on one core)."""
CHUNK_SAMPLES = 256
CHUNK_BYTES = 256 << 20
"""A chunk holds at most this much of per-step arrays (the rates and their copies, about four
float64 a sample and step): long horizons at short steps run in smaller chunks."""
STEP_ARRAYS = 4
DEFAULT_TRACE_SAMPLES = 100
MAX_TRACE_BYTES = 1 << 30
"""Most memory the step-by-step traces may take (float32): beyond it a run is refused with the
figure, before any work."""
PAYS_PEAK_MODES = ("own", "reserved")
"""Cost modes in which the fleet pays for its peak all the time: bought or committed capacity
costs the same whether it serves or not."""
GRAMS_PER_KG = 1000.0
UNITS = {name: unit for name, unit, _, _ in FLEET_METRICS}
HIGHER_IS_BETTER = {name for name, _, better, _ in FLEET_METRICS if better == "higher"}


@dataclass
class FleetResult:
    """Per policy, per sample (NaN where one sequence does not fit): :data:`FLEET_METRICS`; the
    first samples' traces step by step (float32)."""

    scenario: Scenario
    samples: int
    seed: int
    settings: FleetSettings
    policies: dict[str, Policy]
    cost_mode: str
    backend: str
    values: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    traces: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    slo_rate: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    saturated_rate: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)

    @property
    def feasible(self) -> np.ndarray:
        """Samples in which one sequence fits a replica's memory."""
        first = next(iter(self.values.values()))
        return ~np.isnan(first["usd_per_month"])

    @property
    def targets_unreachable_share(self) -> float:
        """Share of the feasible samples in which even a lone request misses a latency target
        (no SLO capacity): their fleets are sized on the saturated rate instead."""
        ran = ~np.isnan(self.slo_rate)
        return float((self.slo_rate[ran] <= 0.0).mean()) if ran.any() else 0.0

    @property
    def baseline(self) -> str | None:
        """The policy the others are compared with: the first static setting, if any ran."""
        return next((n for n, p in self.policies.items() if p.kind == "static"), None)

    def comparisons(self) -> dict[str, dict[str, Any]]:
        """Each policy against the static one (:attr:`baseline`), sample by sample: P(cheaper);
        P(cheaper at equal SLO attainment), where equal means as good as static's or meeting the
        target share (``[fleet] percentile``) anyway, so a policy is not called worse for 99.9 %
        against 100 % when 99 % is asked; the saving (static's bill less this one's). Keyed by
        the policy, ``against`` naming the static one."""
        static = self.baseline
        if static is None:
            return {}
        base = self.values[static]
        ok = self.feasible
        out = {}
        for name, v in self.values.items():
            if name == static or not ok.any():
                continue
            cheaper = v["usd_per_month"][ok] < base["usd_per_month"][ok]
            as_good = v["slo_attainment"][ok] >= np.minimum(base["slo_attainment"][ok],
                                                            self.settings.percentile)
            out[name] = {
                "against": static,
                "p_cheaper": float(cheaper.mean()),
                "p_cheaper_at_equal_slo": float((cheaper & as_good).mean()),
                "saving_usd_per_month": statistics(base["usd_per_month"] - v["usd_per_month"]),
                "slo_attainment_change": statistics(v["slo_attainment"] - base["slo_attainment"]),
            }
        return out

    def cheapest_meeting_target(self) -> dict[str, Any] | None:
        """The policy with the lowest median bill among those whose mean SLO attainment (the
        expected share of requests within the targets) reaches ``[fleet] percentile``; None when
        none does."""
        ok = self.feasible
        if not ok.any():
            return None
        meeting = {n: v for n, v in self.values.items()
                   if float(np.mean(v["slo_attainment"][ok])) >= self.settings.percentile}
        if not meeting:
            return None
        name = min(meeting, key=lambda n: float(np.median(meeting[n]["usd_per_month"][ok])))
        v = meeting[name]
        return {"policy": name, "usd_per_month_p50": float(np.median(v["usd_per_month"][ok])),
                "slo_attainment_mean": float(np.mean(v["slo_attainment"][ok])),
                "target": self.settings.percentile}

    def summary(self) -> dict[str, dict[str, dict[str, float] | None]]:
        """policy -> metric -> statistics (mean, std, p5, p50, p95) over the feasible samples.
        A TTFT percentile beyond the last level (10^4 s: a backlog that never drains) is
        infinite; where some are, p5, p50 and p95 count them (and may be inf), the mean and std
        are over the others, and ``infinite_share`` says how many."""
        return {name: {m: _statistics(v[m]) for m in FLEET_METRIC_NAMES}
                for name, v in self.values.items()}

    def to_dict(self) -> dict[str, Any]:
        """The CLI's ``--json`` object."""
        feasible = self.feasible
        return {"scenario": self.scenario.name, "samples": self.samples, "seed": self.seed,
                "backend": self.backend, "cost_mode": self.cost_mode,
                "fleet": self.settings.to_dict(),
                "settings": {name: p.to_dict() for name, p in self.policies.items()},
                "feasible_share": float(feasible.mean()),
                "replica": {"saturated_requests_per_s": statistics(self.saturated_rate),
                            "slo_requests_per_s": statistics(self.slo_rate),
                            "targets_unreachable_share": self.targets_unreachable_share},
                "policies": self.summary(), "comparisons": self.comparisons(),
                "cheapest_meeting_target": self.cheapest_meeting_target(),
                "units": dict(UNITS), **provenance()}

    def to_pandas(self):
        """One row per sample and policy: ``policy``, ``sample`` and every metric (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'inferonomics[pandas]'") \
                from None
        frames = [pd.DataFrame({"policy": name, "sample": np.arange(self.samples), **v})
                  for name, v in self.values.items()]
        frame = pd.concat(frames, ignore_index=True)
        frame["policy"] = frame["policy"].astype("category")
        frame.attrs.update(provenance(), scenario=self.scenario.name, seed=self.seed,
                           units=dict(UNITS))
        return frame

    def step_quantiles(self, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> dict[str, np.ndarray]:
        """Per policy and trace (:data:`TRACE_NAMES`), the ``quantiles`` across the traced
        samples at each step: arrays (policies, traces, quantiles, steps)."""
        names = list(self.traces)
        data = np.stack([self.traces[n] for n in names])   # (policies, samples, traces, steps)
        with np.errstate(all="ignore"):
            q = np.nanquantile(data.astype(np.float64), quantiles, axis=1)
        return {"policies": names, "values": np.moveaxis(q, 0, 2)}

    def to_xarray(self, quantiles: Sequence[float] = (0.05, 0.5, 0.95)):
        """Per-step percentiles of demand, replicas, serving replicas and utilisation across the
        traced samples: an ``xarray.Dataset`` over (policy, quantile, time in h) (needs xarray)."""
        try:
            import xarray as xr
        except ImportError:
            raise ImportError("to_xarray() needs xarray: pip install 'inferonomics[xarray]'") \
                from None
        q = self.step_quantiles(quantiles)
        hours = np.arange(self.settings.steps) * self.settings.step_s / SECONDS_PER_HOUR
        data = {name: (("policy", "quantile", "time_h"), q["values"][:, k])
                for k, name in enumerate(TRACE_NAMES)}
        ds = xr.Dataset(data, coords={"policy": q["policies"], "quantile": list(quantiles),
                                      "time_h": hours})
        ds.attrs.update({k: str(v) for k, v in provenance().items()})
        ds.attrs.update(scenario=self.scenario.name, seed=self.seed,
                        traced_samples=int(next(iter(self.traces.values())).shape[0]))
        return ds


def _statistics(x: np.ndarray) -> dict[str, float] | None:
    """:func:`~inferonomics.stats.describe.statistics`, with the percentiles over every sample
    that ran, infinite ones included (order statistics: no interpolation with inf)."""
    out = statistics(x)
    if out is None or "infinite_share" not in out:
        return out
    ran = x[~np.isnan(x)]
    p5, p50, p95 = np.quantile(ran, [0.05, 0.5, 0.95], method="inverted_cdf")
    return {**out, "p5": float(p5), "p50": float(p50), "p95": float(p95)}


def _economics(runs, i: np.ndarray, pays_peak: bool) -> dict[str, np.ndarray]:
    """The per-sample fields of :data:`SAMPLE_FIELDS` that come from the model's inputs and
    outputs at the sample's largest batch (see the module docstring)."""
    x, y = runs.inputs, runs.outputs
    u = x["utilization"][i]
    lost = x["interruptions_per_hour"][i] * x["restart_s"][i] / SECONDS_PER_HOUR
    parts = y["rental_usd_per_mtok"][i] + y["capital_usd_per_mtok"][i] + y["hosting_usd_per_mtok"][i]
    # The model's cost a token times its tokens an hour is devices x paid hours an hour x the
    # all-in device-hour price; paid hours an hour is 1 / (1 - lost) for a reclaimed device, which
    # the fleet counts as lost capacity instead (serving_share).
    usd_per_hour = parts * y["tokens_per_s"][i] * u * SECONDS_PER_HOUR / TOKENS_PER_MTOK * (1.0 - lost)
    count = x["count"][i]
    idle = (x["idle_w"][i] + x["host_w"][i]) * x["pue"][i]       # facility W per device, idle
    # The model's average power mixes busy and idle time at its utilisation u: unmix it.
    busy = (y["power_w_per_device"][i] - (1.0 - u) * idle) / u
    return {"replica_usd_per_hour": usd_per_hour, "busy_w": busy * count, "idle_w": idle * count,
            "pue": x["pue"][i], "usd_per_kwh": x["usd_per_kwh"][i],
            "gco2_per_kwh": x["grid_gco2_per_kwh"][i],
            "embodied_g_per_replica_hour": x["embodied_kgco2"][i] * GRAMS_PER_KG * count
            / (x["lifetime_years"][i] * HOURS_PER_YEAR),
            "water_l_per_kwh": x["wue_l_per_kwh"][i], "output_tokens": x["output_tokens"][i],
            "devices": count, "serving_share": 1.0 - lost,
            "pays_peak": np.full(len(i), 1.0 if pays_peak else 0.0)}


def fleet(scenario: Scenario | Mapping | str, samples: int = DEFAULT_FLEET_SAMPLES,
          seed: SeedLike = DEFAULT_SEED, *, policies: Sequence[str] | str | None = None,
          horizon: str | None = None, step: str | None = None, backend: str = "auto",
          threads: int | None = None, trace_samples: int = DEFAULT_TRACE_SAMPLES,
          progress: Callable[[int, int], None] | None = None) -> FleetResult:
    """The fleet that serves ``scenario``'s ``[demand]`` through ``[fleet]``'s horizon under each
    policy (see the module docstring and :mod:`.stepping` for the rules).

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario without sweep axes, with ``[demand]``; ``[fleet]`` and ``[policy.*]`` optional.
    samples : int
        Monte Carlo samples (the same ones for every policy).
    policies : list of names or "a,b", optional
        Which of ``static``, ``reactive``, ``scheduled``; by default those the scenario sets, else
        static and reactive. Lists in a ``[policy.<kind>]`` table are swept: every setting runs
        on the same samples (the replica tables, most of the work, are built once).
    horizon, step : str, optional
        Override ``[fleet] horizon`` and ``step`` ("30d", "1h").
    backend : "auto", "c", "numba" or "reference"
        The core that runs the per-replica model; the stepping runs in numba, or, with
        "reference", in the plain-Python specification (slow: for checking).
    trace_samples : int
        How many samples' step-by-step traces to keep (for :meth:`FleetResult.to_xarray` and the
        plots).
    progress : callable(done, total), optional
        Called after each chunk of samples.
    """
    scenario = load_scenario(scenario).one_configuration("fleet")
    demand = scenario.demand()
    settings = (parse_fleet(scenario.raw.get("fleet"), horizon=horizon, step=step)
                if horizon is not None or step is not None else scenario.analysis["fleet"])
    chosen = chosen_policies(scenario.analysis.get("policy", {}), policies)
    samples = integer_argument("samples", samples, 1, MAX_FLEET_SAMPLES)
    trace_samples = min(integer_argument("trace_samples", trace_samples, 0, MAX_FLEET_SAMPLES),
                        samples)
    backends.get_backend(backend)   # an unknown or unavailable core is refused before any work
    threads = backends.check_threads(threads) or backends.default_threads()
    steps = settings.steps
    trace_bytes = trace_samples * len(TRACE_NAMES) * steps * len(chosen) * 4
    if trace_bytes > MAX_TRACE_BYTES:
        raise ScenarioError("trace_samples", f"{trace_samples:,} traced samples x {steps:,} steps "
                            f"x {len(chosen)} policies need {trace_bytes / 2**30:.1f} GiB, more than "
                            f"{MAX_TRACE_BYTES / 2**30:.0f} GiB; trace fewer samples or use a "
                            "longer step")
    seed = normalize_seed(seed)
    spot_runs = None
    if settings.spot_share > 0.0:
        mode = scenario.resolve().cost_mode
        if mode != "rent":
            raise ScenarioError("fleet.spot_share", f"mixes spot replicas into a fleet rented on "
                                f"demand (cost.mode = \"rent\"); this scenario's mode is {mode!r}")
        # The same samples in spot mode: the spot price and its interruptions, per sample.
        try:
            on_spot = in_mode(scenario, "spot")
        except ScenarioError as exc:   # the price book has no spot price for this device
            reason = exc.message.split("; give")[0]   # its advice is for a spot-mode scenario
            raise ScenarioError("fleet.spot_share", f"needs a spot price for the device: "
                                f"{reason}") from None
        spot_runs = replica_runs(on_spot, samples, seed, backend=backend, threads=threads)
    runs = replica_runs(scenario, samples, seed, backend=backend, threads=threads)
    pays_peak = runs.plan.cost_mode in PAYS_PEAK_MODES
    keys = sample_keys(seed, samples)
    x = runs.inputs
    _, v_out, _ = demand.draw(keys, x["input_tokens"], x["output_tokens"])
    mean_rate = v_out / x["output_tokens"] / SECONDS_PER_MONTH
    cold_start = draw_column(settings.cold_start_s,
                             ANALYSIS_PARAMETER_BY_PATH["fleet.cold_start_s"].stream, keys)
    result = FleetResult(scenario, samples, seed, settings, chosen, runs.plan.cost_mode,
                         "reference" if backend == "reference" else "numba")
    result.values = {name: {m: np.full(samples, np.nan) for m in FLEET_METRIC_NAMES}
                     for name in chosen}
    result.traces = {name: np.full((trace_samples, len(TRACE_NAMES), steps), np.nan,
                                   dtype=np.float32) for name in chosen}
    result.slo_rate = np.full(samples, np.nan)
    result.saturated_rate = np.full(samples, np.nan)
    grid, levels = np.asarray(LOAD_GRID), np.asarray(TTFT_LEVELS)
    chunk = max(1, min(CHUNK_SAMPLES, CHUNK_BYTES // (STEP_ARRAYS * 8 * steps)))
    for first in range(0, samples, chunk):
        idx = np.arange(first, min(first + chunk, samples))
        services = services_of(runs, idx, batch_points="geometric", backend=backend,
                               threads=threads)
        fits = np.array([s is not None for s in services])
        rows = idx[fits]
        if rows.size:
            tables = [replica_table(s, ttft_slo_s=float(x["ttft_slo_s"][i]),
                                    tpot_slo_s=float(x["tpot_slo_s"][i]),
                                    percentile=settings.percentile)
                      for s, i in zip(services, idx) if s is not None]
            inputs = chunk_inputs(runs, rows, tables, cold_start[rows], pays_peak,
                                  spot_runs=spot_runs, spot_share=settings.spot_share)
            result.slo_rate[rows] = inputs.slo_rate
            result.saturated_rate[rows] = inputs.saturated_rate
            rates = _step_rates(demand, [keys[i] for i in rows], mean_rate[rows], settings,
                                threads)
            n_traced = int(np.searchsorted(rows, trace_samples))   # rows below trace_samples
            for name, policy in chosen.items():
                out, trace = _run_policy(backend, rates, settings.step_s, policy, inputs.x,
                                         inputs.attainment, inputs.utilization, inputs.survival,
                                         grid, levels, n_traced, threads)
                for k, m in enumerate(FLEET_METRIC_NAMES):
                    result.values[name][m][rows] = out[:, k]
                if n_traced:
                    result.traces[name][rows[:n_traced]] = trace[:n_traced]
        if progress is not None:
            progress(int(idx[-1]) + 1, samples)
    return result


@dataclass
class ChunkInputs:
    """What the stepping reads for a chunk's samples: ``x`` (samples x :data:`SAMPLE_FIELDS`),
    the tables (samples x loads [x TTFT levels]), and each sample's SLO capacity (0 where a lone
    request misses the targets) and saturated rate, requests/s."""

    x: np.ndarray
    attainment: np.ndarray
    utilization: np.ndarray
    survival: np.ndarray
    slo_rate: np.ndarray
    saturated_rate: np.ndarray


def chunk_inputs(runs, rows: np.ndarray, tables: list[ReplicaTable], cold_start_s: np.ndarray,
                 pays_peak: bool, *, spot_runs=None, spot_share: float = 0.0) -> ChunkInputs:
    """The stepping's inputs for samples ``rows`` of ``runs`` (those that fit), with their
    ``tables`` and cold starts (s); with ``spot_runs`` (the same samples in spot mode), a share
    ``spot_share`` of every replica-hour at the spot price, losing spot's interruptions."""
    fields = _economics(runs, rows, pays_peak)
    if spot_runs is not None:
        # A fluid mix: the share's price and lost capacity, in expectation.
        spot = _economics(spot_runs, rows, False)
        for key in ("replica_usd_per_hour", "serving_share"):
            fields[key] = (1.0 - spot_share) * fields[key] + spot_share * spot[key]
    slo_rate = np.array([t.slo_rate for t in tables])
    saturated = np.array([t.saturated_rate for t in tables])
    # Where a lone request misses the targets there is no SLO capacity to size by: the policies
    # size on the saturated rate (attainment says what that gives), and the result reports the
    # share of such samples.
    fields.update(saturated_rate=saturated,
                  slo_rate=np.where(slo_rate > 0.0, slo_rate, TOP_LOAD * saturated),
                  prefill_s=np.array([t.prefill_s for t in tables]), cold_start_s=cold_start_s,
                  ttft_slo_s=runs.inputs["ttft_slo_s"][rows],
                  tpot_ok_top=np.array([t.tpot_within[-1] for t in tables]))
    return ChunkInputs(
        x=np.ascontiguousarray(np.column_stack([fields[k] for k in SAMPLE_FIELDS])),
        attainment=np.stack([t.attainment for t in tables]),
        utilization=np.stack([t.utilization for t in tables]),
        survival=np.ascontiguousarray(np.stack([t.ttft_survival for t in tables])),
        slo_rate=slo_rate, saturated_rate=saturated)


def _step_rates(demand, keys: list[int], mean_rate: np.ndarray, settings: FleetSettings,
                threads: int) -> np.ndarray:
    """Each sample's rate a step (samples x steps), its samples split among ``threads`` (numpy
    lets go of the interpreter while it computes; each sample's rates are its own, so the split
    changes no number)."""
    def part(rows: slice) -> np.ndarray:
        hourly = demand.shape.factors(keys[rows], settings.hours)
        return step_rates(mean_rate[rows], hourly, settings.step_s, settings.steps)

    bounds = np.linspace(0, len(keys), min(threads, len(keys)) + 1).astype(np.int64)
    parts = [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
    pieces = run_on_threads(part, parts)
    return np.ascontiguousarray(pieces[0] if len(pieces) == 1 else np.concatenate(pieces))


def _run_policy(backend, rates, step_s, policy, sample_x, attainment, utilization, survival, grid,
                levels, n_traced, threads):
    """One policy over a chunk's samples: (samples x metrics, traced x traces x steps)."""
    n, steps = rates.shape
    arr = policy.as_array()
    out = np.empty((n, len(FLEET_METRIC_NAMES)))
    trace = np.zeros((max(n_traced, 1), len(TRACE_NAMES), steps if n_traced else 1))
    if backend == "reference":
        for i in range(n):
            tr: dict | None = {} if i < n_traced else None
            row = dict(zip(SAMPLE_FIELDS, sample_x[i]))
            row["pays_peak"] = bool(row["pays_peak"])
            got = step_fleet(rates[i], step_s, arr, attainment=attainment[i],
                             utilization=utilization[i], ttft_survival=survival[i], trace=tr,
                             **row)
            out[i] = [got[m] for m in FLEET_METRIC_NAMES]
            if tr is not None:
                trace[i] = [tr[name] for name in TRACE_NAMES]
        return out, trace
    from ..cores.fleet_numba import fleet_samples   # compiles (or loads from cache) on first use
    bounds = np.linspace(0, n, min(threads, n) + 1).astype(np.int64)
    run = lambda k: fleet_samples(rates, step_s, arr, sample_x, attainment, utilization, survival,
                                  grid, levels, TOP_LOAD, out, trace, n_traced, bounds[k],
                                  bounds[k + 1])
    run_on_threads(run, range(len(bounds) - 1))   # the process's pool, kept between calls
    return out, trace


__all__ = ["fleet", "FleetResult", "DEFAULT_FLEET_SAMPLES"]
