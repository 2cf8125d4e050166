"""The fleet stepping in numba: :func:`inferonomics.fleet.stepping.step_fleet`, the written
specification, line for line over arrays (same operations in the same order, so the same floats;
``tests/test_fleet_conformance.py`` holds it to the reference over the inputs' whole ranges).

The starting replicas live in a ring of ``ceil(cold_start_s / step_s) + 2`` cohorts (a cohort is
asked for at a step's start and serves ``cold_start_s`` later, so no more are alive at once); the
reactive policy's wishes of the last ``scale_down_window_s`` in a monotone deque (its front the
largest). Both rings hold at most one entry a step.
Samples are independent: the driver hands contiguous ranges of them to threads (``nogil``), so the
result does not depend on the thread count.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ..io.fleet import KIND_CODE, PARAM_INDEX, PARAMS
from ..model.reference import JOULES_PER_KWH, SECONDS_PER_HOUR, TOKENS_PER_MTOK
from ..io.demand import HOURS_PER_MONTH
from ..fleet.stepping import (FLEET_METRIC_NAMES, GRAMS_PER_KG, MAX_QUEUE_COHORTS, MAX_UP_PERIODS,
                              SAMPLE_FIELDS, TRACE_NAMES)


def _jit(fn):
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


def _jit_inline(fn):
    return numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(fn)


K_STATIC, K_REACTIVE, K_SCHEDULED = KIND_CODE["static"], KIND_CODE["reactive"], KIND_CODE["scheduled"]
P_KIND, P_MIN, P_MAX = PARAM_INDEX["kind"], PARAM_INDEX["min_replicas"], PARAM_INDEX["max_replicas"]
P_TARGET = PARAM_INDEX["target_utilization"]
P_PERCENTILE = PARAM_INDEX["demand_percentile"]
P_UP_N, P_UP_PCT = PARAM_INDEX["scale_up_replicas"], PARAM_INDEX["scale_up_percent"]
P_UP_PERIOD, P_DOWN_WINDOW = PARAM_INDEX["scale_up_period_s"], PARAM_INDEX["scale_down_window_s"]
P_SCHEDULE = len(PARAMS)
F = {name: i for i, name in enumerate(SAMPLE_FIELDS)}
F_SAT, F_SLO, F_PREFILL = F["saturated_rate"], F["slo_rate"], F["prefill_s"]
F_USD_H, F_BUSY_W, F_IDLE_W, F_PUE = (F["replica_usd_per_hour"], F["busy_w"], F["idle_w"],
                                      F["pue"])
F_USD_KWH, F_GCO2, F_EMBODIED, F_WATER = (F["usd_per_kwh"], F["gco2_per_kwh"],
                                          F["embodied_g_per_replica_hour"], F["water_l_per_kwh"])
F_TTFT_SLO, F_TPOT_TOP = F["ttft_slo_s"], F["tpot_ok_top"]
F_OUT_TOK, F_DEVICES, F_SHARE, F_COLD, F_PEAK = (F["output_tokens"], F["devices"],
                                                 F["serving_share"], F["cold_start_s"],
                                                 F["pays_peak"])
M = {name: i for i, name in enumerate(FLEET_METRIC_NAMES)}
O_USD_PER_MONTH = M["usd_per_month"]
O_SLO_ATTAINMENT = M["slo_attainment"]
O_TTFT_P95_S = M["ttft_p95_s"]
O_TTFT_P99_S = M["ttft_p99_s"]
O_REPLICAS_MEAN = M["replicas_mean"]
O_REPLICAS_PEAK = M["replicas_peak"]
O_UTILIZATION_MEAN = M["utilization_mean"]
O_DEVICE_HOURS_PER_MONTH = M["device_hours_per_month"]
O_KWH_PER_MONTH = M["kwh_per_month"]
O_KGCO2_PER_MONTH = M["kgco2_per_month"]
O_WATER_L_PER_MONTH = M["water_l_per_month"]
O_USD_PER_MTOK = M["usd_per_mtok"]
O_UNSERVED_SHARE = M["unserved_share"]
# Running sums of one sample (the reference's ``out`` dict).
S_ARRIVALS, S_SERVED, S_BACKLOG, S_LOAD, S_PAID, S_JOULES = range(6)
N_SUMS = 6
T_RATE, T_REPLICAS, T_SERVING, T_UTIL = (TRACE_NAMES.index(n) for n in TRACE_NAMES)


@_jit_inline
def _served_late(queued, levels, requests, ttft_s, ttft_slo_s, tpot_ok_top, late_met):
    # The reference's scan for the first level at or above ttft_s, by bisection (113 levels).
    j = np.searchsorted(levels, ttft_s, side="left")
    queued[j] += requests
    if ttft_s <= ttft_slo_s:
        late_met[0] += requests * tpot_ok_top


@_jit_inline
def _join(q_count, q_time, q_state, requests, arrived):
    # q_state: [head, length]
    n = q_count.shape[0]
    head, length = q_state[0], q_state[1]
    if length < n:
        slot = (head + length) % n
        q_count[slot] = requests
        q_time[slot] = arrived
        q_state[1] = length + 1
    else:
        slot = (head + length - 1) % n
        count, time = q_count[slot], q_time[slot]
        q_count[slot] = count + requests
        q_time[slot] = (count * time + requests * arrived) / (count + requests)


@_jit_inline
def _drain(q_count, q_time, q_state, queued, levels, late_met, amount, now, cap, everything,
           prefill_s, ttft_slo_s, tpot_ok_top):
    n = q_count.shape[0]
    done = 0.0
    while q_state[1] > 0 and (everything or done < amount):
        head = q_state[0]
        count, arrived = q_count[head], q_time[head]
        take = count if everything else min(count, amount - done)
        leave = now + (done + 0.5 * take) / cap
        _served_late(queued, levels, take, max(leave - arrived, 0.0) + prefill_s, ttft_slo_s,
                     tpot_ok_top, late_met)
        done += take
        if take >= count:
            q_state[0] = (head + 1) % n
            q_state[1] -= 1
        else:
            q_count[head] = count - take


@_jit_inline
def _interval(sums, weights, queued, q_count, q_time, q_state, late_met, grid, levels, top_load,
              now, n_ready, n_starting, d, rate, saturated_rate, prefill_s, utilization, busy_w,
              idle_w, serving_share, ttft_slo_s, tpot_ok_top):
    effective = n_ready * serving_share
    cap = effective * top_load * saturated_rate
    arrivals = rate * d
    sums[S_ARRIVALS] += arrivals
    busy_time = 0.0
    served_before = sums[S_SERVED]
    table_time = 0.0
    backlog = sums[S_BACKLOG]
    if backlog > 0.0 or rate >= cap:
        if rate >= cap:
            queued_time = d
            sums[S_BACKLOG] = backlog + (rate - cap) * d
        else:
            clear = backlog / (cap - rate)
            if clear >= d:
                queued_time = d
                sums[S_BACKLOG] = max(backlog - (cap - rate) * d, 0.0)
            else:
                queued_time = clear
                sums[S_BACKLOG] = 0.0
                table_time = d - clear
        if rate > 0.0:
            _join(q_count, q_time, q_state, rate * queued_time, now + 0.5 * queued_time)
        if cap > 0.0:
            _drain(q_count, q_time, q_state, queued, levels, late_met, cap * queued_time, now,
                   cap, table_time > 0.0, prefill_s, ttft_slo_s, tpot_ok_top)
        sums[S_SERVED] += cap * queued_time
        busy_time = queued_time
    else:
        table_time = d
    if table_time > 0.0:
        load = rate / (effective * saturated_rate)
        g = 0
        while g < grid.shape[0] - 2 and grid[g + 1] <= load:
            g += 1
        f = (load - grid[g]) / (grid[g + 1] - grid[g])
        requests = rate * table_time
        weights[g] += (1.0 - f) * requests
        weights[g + 1] += f * requests
        u = (1.0 - f) * utilization[g] + f * utilization[g + 1]
        busy_time += table_time * u
        sums[S_SERVED] += requests
    u_share = busy_time / d
    load = (sums[S_SERVED] - served_before) / (saturated_rate * d)
    sums[S_LOAD] += load * d
    sums[S_PAID] += (n_ready + n_starting) * d
    power = (n_ready + n_starting) * idle_w + effective * u_share * (busy_w - idle_w)
    sums[S_JOULES] += power * d
    return load, effective


@_jit_inline
def _wanted(rate, policy, slo_rate):
    low, high = policy[P_MIN], policy[P_MAX]
    per_replica = policy[P_TARGET] * slo_rate
    if per_replica <= 0.0:
        return high
    need = rate / per_replica
    if need >= high:
        return high
    return min(max(float(math.ceil(need)), low), high)


@_jit_inline
def _quantile(survival, total, q, levels):
    target = (1.0 - q) * total
    for l in range(survival.shape[0]):
        above = survival[l]
        if above <= target:
            if l == 0:
                return levels[0]
            s0 = survival[l - 1]
            frac = (s0 - target) / (s0 - above)
            lo, hi = math.log(levels[l - 1]), math.log(levels[l])
            return math.exp(lo + frac * (hi - lo))
    return math.inf


@_jit
def _one_sample(rates, step_s, policy, x, attainment, utilization, survival, grid, levels,
                top_load, out, trace, traced):
    saturated_rate, slo_rate, prefill_s = x[F_SAT], x[F_SLO], x[F_PREFILL]
    busy_w, idle_w, serving_share = x[F_BUSY_W], x[F_IDLE_W], x[F_SHARE]
    cold_start_s = x[F_COLD]
    ttft_slo_s, tpot_ok_top = x[F_TTFT_SLO], x[F_TPOT_TOP]
    kind = int(policy[P_KIND])
    steps = rates.shape[0]
    sums = np.zeros(N_SUMS)
    weights = np.zeros(grid.shape[0])
    queued = np.zeros(levels.shape[0] + 1)
    q_count = np.zeros(MAX_QUEUE_COHORTS)
    q_time = np.zeros(MAX_QUEUE_COHORTS)
    q_state = np.zeros(2, dtype=np.int64)
    late_met = np.zeros(1)
    up_period, down_window = policy[P_UP_PERIOD], policy[P_DOWN_WINDOW]
    n_schedule = policy.shape[0] - P_SCHEDULE
    fixed = 0.0
    if kind == K_STATIC:
        k = min(max(math.ceil(policy[P_PERCENTILE] * steps) - 1, 0), steps - 1)
        if k == steps - 1:
            kth = rates.max()
        else:
            kth = np.partition(rates, k)[k]
        fixed = _wanted(kth, policy, slo_rate)
    # Rings: starting cohorts (oldest at head; ``starting`` their replicas, kept as a running
    # total: counts are whole numbers, so it equals the reference's sum exactly) and, for the
    # scale-down window, the wishes as a monotone deque (each smaller than the one before it), whose
    # front is the window's largest, the reference's max() over its list. Sized by ceil, not int:
    # ``start - window`` may round to one step further back than window / step_s says.
    n_ring = min(math.ceil(cold_start_s / step_s) + 2, steps + 1)
    ring_time = np.zeros(n_ring)
    ring_count = np.zeros(n_ring)
    head = 0
    alive = 0
    starting = 0.0
    n_wish = min(math.ceil(down_window / step_s) + 2, steps + 1) if kind == K_REACTIVE else 1
    wish_time = np.zeros(n_wish)
    wish_count = np.zeros(n_wish)
    wish_head = 0
    wishes = 0
    ready = 0.0
    last_up = -math.inf
    peak = 0.0
    for t in range(steps):
        start = t * step_s
        rate = rates[t]
        if kind == K_STATIC:
            ready = fixed
        elif kind == K_SCHEDULED:
            ready = policy[P_SCHEDULE + int(start // SECONDS_PER_HOUR) % n_schedule]
        else:
            seen = rates[t - 1] if t > 0 else rate
            want = _wanted(seen, policy, slo_rate)
            while wishes > 0 and wish_count[(wish_head + wishes - 1) % n_wish] <= want:
                wishes -= 1
            wish_time[(wish_head + wishes) % n_wish] = start
            wish_count[(wish_head + wishes) % n_wish] = want
            wishes += 1
            while wish_time[wish_head] < start - down_window:
                wish_head = (wish_head + 1) % n_wish
                wishes -= 1
            have = ready + starting
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
                        n = min(n + max(policy[P_UP_N], float(math.ceil(
                            n * policy[P_UP_PCT] / 100.0))), want)
                        if n >= want:
                            break
                    if n > have:
                        slot = (head + alive) % n_ring
                        ring_time[slot] = start + cold_start_s
                        ring_count[slot] = n - have
                        starting += n - have
                        alive += 1
                        last_up = start
            else:
                keep = wish_count[wish_head]
                drop = have - keep
                while drop > 0.0 and alive > 0:
                    slot = (head + alive - 1) % n_ring
                    take = min(drop, ring_count[slot])
                    ring_count[slot] -= take
                    starting -= take
                    drop -= take
                    if ring_count[slot] <= 0.0:
                        alive -= 1
                ready -= max(drop, 0.0)
        now = start
        end = start + step_s
        paid_s = 0.0
        serving_s = 0.0
        used = 0.0
        while True:
            while alive > 0 and ring_time[head] <= now:
                ready += ring_count[head]
                starting -= ring_count[head]
                head = (head + 1) % n_ring
                alive -= 1
            upto = min(end, ring_time[head]) if alive > 0 else end
            n_starting = starting
            peak = max(peak, ready + n_starting)
            if upto > now:
                d = upto - now
                effective = ready * serving_share
                if sums[S_BACKLOG] > 0.0 or rate >= effective * top_load * saturated_rate:
                    load, effective = _interval(sums, weights, queued, q_count, q_time, q_state,
                                                late_met, grid, levels, top_load, now, ready,
                                                n_starting, d, rate, saturated_rate,
                                                prefill_s, utilization, busy_w, idle_w,
                                                serving_share, ttft_slo_s, tpot_ok_top)
                else:
                    # _interval's path without a backlog, written out here: a call that passes
                    # ten arrays costs more than the step itself (numba counts references to
                    # each). Same operations in the same order.
                    sums[S_ARRIVALS] += rate * d
                    served_before = sums[S_SERVED]
                    x_load = rate / (effective * saturated_rate)
                    g = 0
                    while g < grid.shape[0] - 2 and grid[g + 1] <= x_load:
                        g += 1
                    f = (x_load - grid[g]) / (grid[g + 1] - grid[g])
                    requests = rate * d
                    weights[g] += (1.0 - f) * requests
                    weights[g + 1] += f * requests
                    u = (1.0 - f) * utilization[g] + f * utilization[g + 1]
                    busy_time = 0.0 + d * u
                    sums[S_SERVED] += requests
                    u_share = busy_time / d
                    load = (sums[S_SERVED] - served_before) / (saturated_rate * d)
                    sums[S_LOAD] += load * d
                    sums[S_PAID] += (ready + n_starting) * d
                    power = (ready + n_starting) * idle_w + effective * u_share * (busy_w - idle_w)
                    sums[S_JOULES] += power * d
                paid_s += (ready + n_starting) * (upto - now)
                serving_s += effective * (upto - now)
                used += load * (upto - now)
            now = upto
            if now >= end:
                break
        if traced:
            trace[T_RATE, t] = rate
            trace[T_REPLICAS, t] = paid_s / step_s
            trace[T_SERVING, t] = serving_s / step_s
            trace[T_UTIL, t] = used / serving_s if serving_s > 0.0 else 0.0
    end_s = steps * step_s
    for c in range(q_state[1]):
        slot = (q_state[0] + c) % MAX_QUEUE_COHORTS
        j = np.searchsorted(levels, end_s - q_time[slot] + prefill_s, side="left")
        queued[j] += q_count[slot]
    horizon_h = steps * step_s / SECONDS_PER_HOUR
    to_month = HOURS_PER_MONTH / horizon_h
    replica_h = sums[S_PAID] / SECONDS_PER_HOUR
    charged_h = peak * horizon_h if x[F_PEAK] != 0.0 else replica_h
    kwh = sums[S_JOULES] / JOULES_PER_KWH
    usd = charged_h * x[F_USD_H] + kwh * x[F_USD_KWH]
    arrivals = sums[S_ARRIVALS]
    met = late_met[0]
    for g in range(grid.shape[0]):
        met += weights[g] * attainment[g]
    above = np.zeros(levels.shape[0])
    queued_above = 0.0
    for l in range(levels.shape[0] - 1, -1, -1):
        queued_above += queued[l + 1]
        s = queued_above
        for g in range(grid.shape[0]):
            s += weights[g] * survival[g, l]
        above[l] = s
    served_tokens = sums[S_SERVED] * x[F_OUT_TOK]
    out[O_USD_PER_MONTH] = usd * to_month
    out[O_SLO_ATTAINMENT] = min(met / arrivals, 1.0) if arrivals > 0.0 else 1.0
    out[O_TTFT_P95_S] = _quantile(above, arrivals, 0.95, levels) if arrivals > 0.0 else 0.0
    out[O_TTFT_P99_S] = _quantile(above, arrivals, 0.99, levels) if arrivals > 0.0 else 0.0
    out[O_REPLICAS_MEAN] = replica_h / horizon_h
    out[O_REPLICAS_PEAK] = peak
    out[O_UTILIZATION_MEAN] = sums[S_LOAD] / sums[S_PAID] if sums[S_PAID] > 0.0 else 0.0
    out[O_DEVICE_HOURS_PER_MONTH] = charged_h * x[F_DEVICES] * to_month
    out[O_KWH_PER_MONTH] = kwh * to_month
    out[O_KGCO2_PER_MONTH] = ((kwh * x[F_GCO2] + charged_h * x[F_EMBODIED]) / GRAMS_PER_KG
                                 * to_month)
    out[O_WATER_L_PER_MONTH] = kwh / x[F_PUE] * x[F_WATER] * to_month
    out[O_USD_PER_MTOK] = (usd / served_tokens * TOKENS_PER_MTOK if served_tokens > 0.0
                              else math.inf)
    out[O_UNSERVED_SHARE] = sums[S_BACKLOG] / arrivals if arrivals > 0.0 else 0.0


@_jit
def fleet_samples(rates, step_s, policy, x, attainment, utilization, survival, grid, levels,
                  top_load, out, trace, n_traced, first, stop):
    """Samples ``first`` .. ``stop - 1`` of a chunk: ``rates`` (samples, steps), ``x`` (samples,
    :data:`SAMPLE_FIELDS`), tables (samples, grid[, levels]); writes ``out`` (samples, metrics)
    and, for the first ``n_traced`` samples, ``trace`` (n_traced, traces, steps)."""
    for i in range(first, stop):
        traced = i < n_traced
        _one_sample(rates[i], step_s, policy, x[i], attainment[i], utilization[i], survival[i],
                    grid, levels, top_load, out[i], trace[min(i, trace.shape[0] - 1)], traced)


__all__ = ["fleet_samples"]
