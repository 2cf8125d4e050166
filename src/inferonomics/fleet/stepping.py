"""The fleet through time, one Monte Carlo sample: the written specification (issue 13).

Plain Python, step by step; the numba kernel (:mod:`inferonomics.cores.fleet_numba`) is held to it
by ``tests/test_fleet_conformance.py``. Times are in s, rates in requests/s.

Each step of ``step_s`` seconds has one arrival rate (``rates[t]``, from :func:`step_rates`). At
its start the policy sets the replicas (:mod:`inferonomics.io.fleet`):

* ``static``: ``ceil(q / (target_utilization x slo_rate))`` within ``[min, max]`` all the time,
  ``q`` the ``demand_percentile`` of the horizon's step rates (nearest rank; 1: the peak);
* ``reactive``: it wants ``ceil(rate of the last step / (target_utilization x slo_rate))``
  within ``[min, max]`` (the first step: its own rate, and the fleet starts warm at that). Above
  the replicas it has (serving or starting) it adds, if ``scale_up_period_s`` has passed since it
  last did, ``max(scale_up_replicas, ceil(scale_up_percent % x n))`` once per whole period in the
  step (at least once, at most 10^6 times), never beyond what it wants; they serve ``cold_start_s`` later. Below, it
  keeps the most it wanted over the last ``scale_down_window_s`` (this step's wish included),
  dropping starting replicas first;
* ``scheduled``: the hour of the day's count, serving at once.

A ``slo_rate`` of 0 (a lone request misses the targets) makes the sizing policies ask for
``max_replicas`` (:func:`~inferonomics.fleet.through_time.fleet` passes such samples their
saturated rate instead, and reports how many there are).

Within a step, the replicas that finish starting split it into intervals. In an interval of ``d``
seconds with ``n`` serving replicas (``e = n x serving_share`` of them serving: a spot fleet loses
``interruptions_per_hour x restart_s / 3600`` of its time to restarts) the fleet serves at most
``cap = e x TOP_LOAD x saturated_rate`` (a fluid backlog takes the rest, first come first served):

* no backlog and ``rate < cap``: each replica sees ``rate / e``; the interval's ``rate x d``
  requests enter the replica table at that load (linear between grid points): the share meeting
  the targets, the TTFT distribution, the busy share (a request in the system);
* otherwise requests wait in the backlog, first come first served: while it lasts (all of ``d``
  if ``rate >= cap``, else until it drains at ``cap - rate``) arrivals join its back as one
  cohort and ``cap`` requests/s leave its front, and the replicas are busy; after it, as above.
  A request that waited has a TTFT of its wait (from its cohort's mean arrival to its part's mean
  departure) plus one prefill, and meets the targets if that is within ``ttft_slo_s``, times the
  share of tokens within the TPOT target at the top load (``tpot_ok_top``). Requests still
  waiting when the horizon ends are unserved and count as missing the targets.

Utilisation is the work served over the paid replica time, in units of a replica at its
saturated rate (a replica is "busy" nearly all the time under any load once requests take seconds
each; the share of its throughput used is what an operator sizes by).

Costs: a replica is paid from the moment it is asked for (``replica_usd_per_hour``: devices x
the all-in device-hour price of the scenario's cost mode); an owned or reserved fleet
(``pays_peak``) pays its peak count for the whole horizon, whatever it serves. Energy: a serving
replica draws ``idle_w + u x (busy_w - idle_w)`` at busy share ``u`` (a decode step runs at
much the same power whatever the batch: memory-bound steps keep the memory busy), a starting or
restarting one ``idle_w`` (facility W per replica, PUE included), priced at
``usd_per_kwh``; carbon adds embodied carbon per paid replica-hour; water is ``wue`` per IT kWh
(facility kWh / PUE).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..model.reference import JOULES_PER_KWH, SECONDS_PER_HOUR, TOKENS_PER_MTOK
from ..io.demand import HOURS_PER_MONTH
from ..io.fleet import KIND_CODE, MAX_REPLICAS, PARAM_INDEX, PARAMS
from .replica_table import LOAD_GRID, TOP_LOAD, TTFT_LEVELS

GRAMS_PER_KG = 1000.0
MAX_UP_PERIODS = float(MAX_REPLICAS)
"""Most scale-up periods counted in one step: each adds a replica at least, so more never matter
(a period of 1e-300 s must not count 10^302 of them)."""
MAX_QUEUE_COHORTS = 4096
"""Most arrival cohorts the backlog keeps apart (one an interval); beyond, the newest absorbs the
next. A backlog that lasts 4,096 intervals has long missed any target."""
FLEET_METRICS = (
    ("usd_per_month", "USD/month", "lower", "the fleet's bill for a mean month (730.5 h)"),
    ("slo_attainment", "fraction", "higher",
     "share of the horizon's requests whose TTFT and TPOT meet the targets"),
    ("ttft_p95_s", "s", "lower", "95th percentile of time to first token over the horizon"),
    ("ttft_p99_s", "s", "lower", "99th percentile of time to first token over the horizon"),
    ("replicas_mean", "replicas", "lower", "replicas paid for, averaged over time"),
    ("replicas_peak", "replicas", "lower", "most replicas paid for at once"),
    ("utilization_mean", "fraction", "higher",
     "work served over the paid replica time, in saturated replicas' worth (1: every paid "
     "replica at its saturated rate all the time)"),
    ("device_hours_per_month", "device-h/month", "lower", "device-hours paid for a month"),
    ("kwh_per_month", "kWh/month", "lower", "facility energy a month, idle draw included"),
    ("kgco2_per_month", "kgCO2e/month", "lower", "operational plus embodied carbon a month"),
    ("water_l_per_month", "L/month", "lower", "on-site water a month (WUE x IT energy)"),
    ("usd_per_mtok", "USD/Mtok output", "lower",
     "the bill over the output tokens served (realised)"),
    ("unserved_share", "fraction", "lower", "share of requests still waiting when the horizon ends"),
)
"""The fleet's metrics, per policy and sample: (name, unit, better, meaning). The kernels return
them in this order."""
FLEET_METRIC_NAMES = tuple(m[0] for m in FLEET_METRICS)
SAMPLE_FIELDS = ("saturated_rate", "slo_rate", "prefill_s", "replica_usd_per_hour", "busy_w",
                 "idle_w", "pue", "usd_per_kwh", "gco2_per_kwh", "embodied_g_per_replica_hour",
                 "water_l_per_kwh", "output_tokens", "devices", "serving_share", "cold_start_s",
                 "pays_peak", "ttft_slo_s", "tpot_ok_top")
"""One sample's inputs to the stepping, the keyword arguments of :func:`step_fleet` besides the
tables (the kernels read them as one row in this order)."""
TRACE_NAMES = ("rate", "replicas", "serving", "utilization")
"""Per step, when traced: arrival rate (requests/s), replicas paid and serving (time means over
the step; serving leaves out those starting or restarting after a spot interruption) and the
serving replicas' utilisation (requests served over their saturated rate)."""


def step_rates(mean_rate: np.ndarray, hourly: np.ndarray, step_s: float, steps: int) -> np.ndarray:
    """Each step's arrival rate, requests/s, per sample: ``mean_rate`` (samples,) times the factor
    of the hour the step lies in (``hourly``: samples x hours; a step divides an hour)."""
    hour = (np.arange(steps) * step_s // SECONDS_PER_HOUR).astype(np.int64)
    return mean_rate[:, None] * hourly[:, hour]


def _interval(out: dict, now: float, n_ready: float, n_starting: float, d: float, rate: float,
              p: dict) -> tuple[float, float]:
    """Serve the ``d`` seconds from ``now`` at ``rate`` with ``n_ready`` serving and
    ``n_starting`` starting replicas; updates the running sums in ``out``. Returns (the
    saturated replicas' worth of work served, the effective serving replicas)."""
    effective = n_ready * p["serving_share"]
    cap = effective * TOP_LOAD * p["saturated_rate"]
    arrivals = rate * d
    out["arrivals"] += arrivals
    busy_time = 0.0       # seconds of d the serving replicas are busy (a request in the system)
    served_before = out["served"]
    table_time = 0.0      # seconds of d served from the replica table, at load rate / effective
    backlog = out["backlog"]
    if backlog > 0.0 or rate >= cap:
        # Arrivals join the backlog while it lasts: all of d, or until it drains at cap - rate.
        if rate >= cap:
            queued_time = d
            out["backlog"] = backlog + (rate - cap) * d
        else:
            clear = backlog / (cap - rate)
            if clear >= d:
                queued_time = d
                # clear rounds up to d while (cap - rate) d may pass the backlog: not below 0
                out["backlog"] = max(backlog - (cap - rate) * d, 0.0)
            else:
                queued_time = clear
                out["backlog"] = 0.0
                table_time = d - clear
        if rate > 0.0:
            _join(out, rate * queued_time, now + 0.5 * queued_time)
        if cap > 0.0:
            _drain(out, cap * queued_time, now, cap, table_time > 0.0, p)
        out["served"] += cap * queued_time
        busy_time = queued_time
    else:
        table_time = d
    if table_time > 0.0:
        load = rate / (effective * p["saturated_rate"])
        g = 0
        while g < len(LOAD_GRID) - 2 and LOAD_GRID[g + 1] <= load:
            g += 1
        f = (load - LOAD_GRID[g]) / (LOAD_GRID[g + 1] - LOAD_GRID[g])
        requests = rate * table_time
        out["weights"][g] += (1.0 - f) * requests
        out["weights"][g + 1] += f * requests
        u = (1.0 - f) * p["utilization"][g] + f * p["utilization"][g + 1]
        busy_time += table_time * u
        out["served"] += requests
    u_share = busy_time / d
    load = (out["served"] - served_before) / (p["saturated_rate"] * d)   # saturated replicas used
    out["load_replica_s"] += load * d
    out["paid_replica_s"] += (n_ready + n_starting) * d
    power = (n_ready + n_starting) * p["idle_w"] + effective * u_share * (p["busy_w"] - p["idle_w"])
    out["joules"] += power * d
    return load, effective


def _join(out: dict, requests: float, arrived: float) -> None:
    """``requests`` join the back of the backlog, arriving (on average) at time ``arrived``. The
    backlog keeps its arrivals in order, one cohort an interval; past
    :data:`MAX_QUEUE_COHORTS` the newest cohort absorbs the new one (their mean arrival time)."""
    queue = out["queue"]
    if len(queue) < MAX_QUEUE_COHORTS:
        queue.append([requests, arrived])
    else:
        count, time = queue[-1]
        queue[-1] = [count + requests, (count * time + requests * arrived) / (count + requests)]


def _drain(out: dict, amount: float, now: float, cap: float, everything: bool, p: dict) -> None:
    """Serve ``amount`` requests from the front of the backlog at ``cap`` requests/s from
    ``now`` (``everything``: the backlog clears in this interval, whatever rounding left). Each
    part's time to first token is its wait (from its mean arrival to its mean departure) plus
    one prefill."""
    queue = out["queue"]
    done = 0.0
    while queue and (everything or done < amount):
        count, arrived = queue[0]
        take = count if everything else min(count, amount - done)
        leave = now + (done + 0.5 * take) / cap
        _served_late(out, take, max(leave - arrived, 0.0) + p["prefill_s"], p)
        done += take
        if take >= count:
            queue.pop(0)
        else:
            queue[0][0] = count - take


def _level(ttft_s: float) -> int:
    """The first TTFT level at or above ``ttft_s`` (``len(TTFT_LEVELS)``: beyond the last)."""
    j = 0
    while j < len(TTFT_LEVELS) and TTFT_LEVELS[j] < ttft_s:
        j += 1
    return j


def _served_late(out: dict, requests: float, ttft_s: float, p: dict) -> None:
    """``requests`` that waited in the backlog, with time to first token ``ttft_s``: counted at
    the first TTFT level at or above it (beyond the last: past every level); they meet the targets
    if ``ttft_s`` does, times the share of tokens within the TPOT target at the top load."""
    out["queued"][_level(ttft_s)] += requests
    if ttft_s <= p["ttft_slo_s"]:
        out["late_met"] += requests * p["tpot_ok_top"]


def _wanted(rate: float, policy: Sequence[float], slo_rate: float) -> float:
    """Replicas a sizing policy asks for at ``rate``, within [min, max]."""
    # Python floats, not numpy's: a tiny capacity overflows the ratio to inf without a warning.
    low = float(policy[PARAM_INDEX["min_replicas"]])
    high = float(policy[PARAM_INDEX["max_replicas"]])
    per_replica = float(policy[PARAM_INDEX["target_utilization"]]) * slo_rate
    if per_replica <= 0.0:
        return high
    need = rate / per_replica
    if need >= high:      # also where a tiny SLO capacity makes the ratio overflow
        return high
    return min(max(float(math.ceil(need)), low), high)


def static_rate(rates: np.ndarray, percentile: float) -> float:
    """The ``percentile`` of the step rates, nearest rank (1: the largest)."""
    ordered = sorted(float(r) for r in rates)
    k = min(max(math.ceil(percentile * len(ordered)) - 1, 0), len(ordered) - 1)
    return ordered[k]


def quantile_from_survival(survival: Sequence[float], total: float, q: float) -> float:
    """The ``q``-quantile of TTFT from the counts of requests above each TTFT level (log-linear
    between levels; the first level if all lie below it; inf beyond the last)."""
    target = (1.0 - q) * total
    for l, above in enumerate(survival):
        if above <= target:
            if l == 0:
                return float(TTFT_LEVELS[0])
            s0 = survival[l - 1]
            frac = (s0 - target) / (s0 - above)
            lo, hi = math.log(TTFT_LEVELS[l - 1]), math.log(TTFT_LEVELS[l])
            return math.exp(lo + frac * (hi - lo))
    return math.inf


def step_fleet(rates: Sequence[float], step_s: float, policy: Sequence[float], *,
               saturated_rate: float, slo_rate: float, prefill_s: float,
               attainment: Sequence[float], utilization: Sequence[float],
               ttft_survival: np.ndarray, replica_usd_per_hour: float, busy_w: float,
               idle_w: float, pue: float, usd_per_kwh: float, gco2_per_kwh: float,
               embodied_g_per_replica_hour: float, water_l_per_kwh: float, output_tokens: float,
               devices: float, serving_share: float, cold_start_s: float, pays_peak: bool,
               ttft_slo_s: float, tpot_ok_top: float,
               trace: dict | None = None) -> dict[str, float]:
    """One sample's fleet through the horizon under ``policy`` (an array in
    :data:`inferonomics.io.fleet.PARAMS` order): the :data:`FLEET_METRICS`. With ``trace`` (a dict), fills
    ``trace[name]`` (:data:`TRACE_NAMES`) with one value per step."""
    p = {"saturated_rate": saturated_rate, "prefill_s": prefill_s, "utilization": utilization,
         "busy_w": busy_w, "idle_w": idle_w, "serving_share": serving_share,
         "ttft_slo_s": ttft_slo_s, "tpot_ok_top": tpot_ok_top}
    kind = int(policy[PARAM_INDEX["kind"]])
    steps = len(rates)
    out = {"arrivals": 0.0, "served": 0.0, "backlog": 0.0, "load_replica_s": 0.0,
           "paid_replica_s": 0.0, "joules": 0.0,
           "weights": [0.0] * len(LOAD_GRID), "queued": [0.0] * (len(TTFT_LEVELS) + 1),
           "queue": [], "late_met": 0.0}
    if trace is not None:
        for name in TRACE_NAMES:
            trace[name] = [0.0] * steps
    up_period = policy[PARAM_INDEX["scale_up_period_s"]]
    down_window = policy[PARAM_INDEX["scale_down_window_s"]]
    schedule = policy[len(PARAMS):]
    fixed = 0.0
    if kind == KIND_CODE["static"]:
        fixed = _wanted(static_rate(rates, policy[PARAM_INDEX["demand_percentile"]]), policy,
                        slo_rate)
    ready = 0.0
    starting: list[list[float]] = []     # [time it serves, replicas], oldest first
    wishes: list[list[float]] = []       # [time, replicas wanted] within the scale-down window
    last_up = -math.inf
    peak = 0.0
    for t in range(steps):
        start = t * step_s
        rate = float(rates[t])
        # ---- the policy -------------------------------------------------------------------------
        if kind == KIND_CODE["static"]:
            ready = fixed
        elif kind == KIND_CODE["scheduled"]:
            ready = float(schedule[int(start // SECONDS_PER_HOUR) % len(schedule)])
        else:
            seen = float(rates[t - 1]) if t > 0 else rate
            want = _wanted(seen, policy, slo_rate)
            wishes.append([start, want])
            while wishes[0][0] < start - down_window:
                wishes.pop(0)
            have = ready + sum(c[1] for c in starting)
            if t == 0:
                ready = want
            elif want > have:
                if start - last_up >= up_period:
                    periods = (max(1, math.floor(min(step_s / up_period, MAX_UP_PERIODS)))
                               if up_period > 0.0 else 0)
                    n = have
                    if periods == 0:
                        n = want
                    for _ in range(periods):
                        n = min(n + max(policy[PARAM_INDEX["scale_up_replicas"]], float(math.ceil(
                            n * policy[PARAM_INDEX["scale_up_percent"]] / 100.0))), want)
                        if n >= want:
                            break
                    if n > have:
                        starting.append([start + cold_start_s, n - have])
                        last_up = start
            else:
                keep = max(w[1] for w in wishes)
                drop = have - keep
                while drop > 0.0 and starting:
                    take = min(drop, starting[-1][1])
                    starting[-1][1] -= take
                    drop -= take
                    if starting[-1][1] <= 0.0:
                        starting.pop()
                ready -= max(drop, 0.0)
        # ---- serving the step, split where starting replicas begin to serve -------------------
        now, end = start, start + step_s
        paid_s = serving_s = used = 0.0
        while True:
            while starting and starting[0][0] <= now:
                ready += starting.pop(0)[1]
            upto = min(end, starting[0][0]) if starting else end
            n_starting = sum(c[1] for c in starting)
            peak = max(peak, ready + n_starting)
            if upto > now:
                load, effective = _interval(out, now, ready, n_starting, upto - now, rate, p)
                paid_s += (ready + n_starting) * (upto - now)
                serving_s += effective * (upto - now)
                used += load * (upto - now)
            now = upto
            if now >= end:
                break
        if trace is not None:
            trace["rate"][t] = rate
            trace["replicas"][t] = paid_s / step_s
            trace["serving"][t] = serving_s / step_s
            trace["utilization"][t] = used / serving_s if serving_s > 0.0 else 0.0
    # ---- the horizon's figures --------------------------------------------------------------------
    # Requests still waiting when the horizon ends: unserved, their wait so far a lower bound.
    end = steps * step_s
    for count, arrived in out["queue"]:
        out["queued"][_level(end - arrived + prefill_s)] += count
    horizon_h = steps * step_s / SECONDS_PER_HOUR
    to_month = HOURS_PER_MONTH / horizon_h
    replica_h = out["paid_replica_s"] / SECONDS_PER_HOUR
    charged_h = peak * horizon_h if pays_peak else replica_h
    kwh = out["joules"] / JOULES_PER_KWH
    usd = charged_h * replica_usd_per_hour + kwh * usd_per_kwh
    arrivals = out["arrivals"]
    met = out["late_met"]
    for g in range(len(LOAD_GRID)):
        met += out["weights"][g] * attainment[g]
    above = [0.0] * len(TTFT_LEVELS)
    queued_above = 0.0           # backlogged requests above level l: those counted at levels > l
    for l in range(len(TTFT_LEVELS) - 1, -1, -1):
        queued_above += out["queued"][l + 1]
        s = queued_above
        for g in range(len(LOAD_GRID)):
            s += out["weights"][g] * ttft_survival[g][l]
        above[l] = s
    served_tokens = out["served"] * output_tokens
    return {
        "usd_per_month": usd * to_month,
        # At most 1: the weights split a step's requests between two loads, in floating point.
        "slo_attainment": min(met / arrivals, 1.0) if arrivals > 0.0 else 1.0,
        "ttft_p95_s": quantile_from_survival(above, arrivals, 0.95) if arrivals > 0.0 else 0.0,
        "ttft_p99_s": quantile_from_survival(above, arrivals, 0.99) if arrivals > 0.0 else 0.0,
        "replicas_mean": replica_h / horizon_h,
        "replicas_peak": peak,
        "utilization_mean": (out["load_replica_s"] / out["paid_replica_s"]
                             if out["paid_replica_s"] > 0.0 else 0.0),
        "device_hours_per_month": charged_h * devices * to_month,
        "kwh_per_month": kwh * to_month,
        "kgco2_per_month": (kwh * gco2_per_kwh + charged_h * embodied_g_per_replica_hour)
        / GRAMS_PER_KG * to_month,
        "water_l_per_month": kwh / pue * water_l_per_kwh * to_month,
        "usd_per_mtok": usd / served_tokens * TOKENS_PER_MTOK if served_tokens > 0.0 else math.inf,
        "unserved_share": out["backlog"] / arrivals if arrivals > 0.0 else 0.0,
    }


__all__ = ["step_fleet", "step_rates", "SAMPLE_FIELDS", "static_rate", "quantile_from_survival", "FLEET_METRICS",
           "FLEET_METRIC_NAMES", "TRACE_NAMES"]
