"""One replica under load (issue 13): the queue of inferonomics.fleet.replica_queue (a
birth-death chain for the wait for a KV slot, then an M/D/1 queue with vacations for the wait for
the first pass), checked against closed forms (M/M/1, Erlang C, M/D/1, Little's law), against a
discrete-event simulation of a continuous-batching replica (simpy), and on its input checks.

DES agreement, as asserted below: the model's mean and p99 time from arrival to the start of
prefill, and mean TTFT, agree with the simulation within ``DES_RTOL`` (10%) plus ``SIGMAS`` (3)
batch-means standard errors of the simulation, with no allowance for the pass in progress (the
chain alone needed one pass: it puts the wait of an arrival that finds a free slot at 0), and the
token-weighted mean TPOT within ``TPOT_RTOL`` (3%):

* decode-dominated, KV cache the bound (4 slots, flat 20 ms steps; 8 slots, rising steps), loads
  10% to 95%. Measured: p99 19.4 ms vs 19.4 ms simulated at 10% load (chain 0), 4.59 s vs
  4.11 +- 0.22 s at 95% (flat), 3.46 s vs 3.00 +- 0.17 s (rising);
* prefill-heavy, KV cache rarely the bound (64 slots, 40 ms prefill, 15-30 ms steps, loads 10% to
  85%, prefill up to 39% of the replica's time; 32 slots, 20 ms prefill, loads 10% to 70%, prefill
  up to 43%). Measured: p99 92.1 ms vs 89.1 +- 2.8 ms at 70% load (64 slots; chain 0); mean
  within 2.1% and p99 within 3.4% wherever P(slot wait) < 1% (at 43% prefill, 66.6 ms vs
  71.7 +- 9.5 ms, inside one standard error).

Over seeds 1 to 4 these cases use at most 80% of that tolerance. Where service is partly
deterministic (fixed output lengths; prefill a third or more of the replica's time while the KV
cache is the bound) the chain's slot wait over-states the waits: there the model is asserted
conservative, and at most ``CONSERVATIVE_FACTOR`` (3) times the simulated wait (measured: up to
2.1x at p99 with fixed lengths, 1.5-1.7x with 64 or 32 slots at 90% load).
"""

import heapq
import math
from collections import deque

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from inferonomics import evaluate, load_scenario
from inferonomics.errors import ScenarioError
from inferonomics.fleet import (GOODPUT_RTOL, ReplicaService, goodput, replica_queue,
                                service_from_plan)

simpy = pytest.importorskip("simpy")

DES_RTOL = 0.10
SIGMAS = 3.0          # the simulation's own statistical error allowed, in standard errors
BATCHES = 20          # blocks for batch-means standard errors
TPOT_RTOL = 0.03
CONSERVATIVE_FACTOR = 3.0
LOADS = (0.1, 0.3, 0.5, 0.7, 0.85, 0.95)
WARMUP_SHARE = 0.05   # requests discarded from the start of each simulation

# Decode-dominated profiles (prefill about 2% and 3% of a request's service at a full batch).
FLAT = ReplicaService(prefill_s=0.001, step_s=np.full(4, 0.02), output_tokens=10, max_batch=4)
RISING = ReplicaService(prefill_s=0.002, step_s=0.01 * (1 + 0.25 * np.arange(1, 9)),
                        output_tokens=10, max_batch=8)
# Prefill a third of a request's service at a full batch.
PREFILL_HEAVY = ReplicaService(prefill_s=0.03, step_s=np.full(4, 0.02), output_tokens=10,
                               max_batch=4)
# Prefill-heavy replicas whose KV cache is rarely the bound: prefill takes 5% to 41% of the
# replica's time at 10% to 90% load (B64), 6% to 55% (HALF; half its time at 85% load).
B64 = ReplicaService(prefill_s=0.04, step_s=np.linspace(0.015, 0.03, 64), output_tokens=100,
                     max_batch=64)
HALF = ReplicaService(prefill_s=0.02, step_s=np.linspace(0.015, 0.025, 32), output_tokens=16,
                      max_batch=32)


def simulate(service, arrival_rate, requests, seed, *, geometric=True):
    """A continuous-batching replica as a discrete-event simulation.

    Poisson arrivals queue first come first served. One pass runs at a time: when a request waits
    and fewer than ``max_batch`` are resident, the next pass is its prefill (``prefill_s``; prefills
    go first, as in vLLM's scheduler, and stall the batch, as in the model's cycle); otherwise a
    decode step of the ``k`` resident sequences (``step_s[k - 1]``) gives each one token. A request
    leaves after its output tokens (geometric with mean ``output_tokens``, or all equal to it).
    Resident sequences sit in a heap keyed by the decode step after which they finish (the same
    passes as counting each one's tokens down, in O(log k) a step). Returns each request's wait
    (arrival to prefill start) and the token-weighted mean time per output token, without the first
    ``WARMUP_SHARE`` of requests."""
    rng = np.random.default_rng(seed)
    arrival = np.cumsum(rng.exponential(1.0 / arrival_rate, requests))
    mean_tokens = service.output_tokens
    tokens = (rng.geometric(1.0 / mean_tokens, requests) if geometric
              else np.full(requests, int(round(mean_tokens))))
    steps = service.step_s.tolist()
    env = simpy.Environment()
    waiting: deque = deque()
    resident: list = []   # heap: (steps run when it finishes, request, time of first token)
    done_steps = 0        # decode steps run so far
    wait = np.zeros(requests)
    decode_s = np.zeros(requests)
    wake = [env.event()]

    def arrivals():
        for i in range(requests):
            yield env.timeout(arrival[i] - env.now)
            waiting.append(i)
            if not wake[0].triggered:
                wake[0].succeed()

    def replica():
        nonlocal done_steps
        started = 0
        while started < requests:
            if waiting and len(resident) < service.max_batch:
                i = waiting.popleft()
                wait[i] = env.now - arrival[i]
                started += 1
                yield env.timeout(service.prefill_s)
                heapq.heappush(resident, (done_steps + int(tokens[i]), i, env.now))
            elif resident:
                yield env.timeout(steps[len(resident) - 1])
                done_steps += 1   # one token for each resident sequence
                while resident and resident[0][0] == done_steps:
                    _, i, first = heapq.heappop(resident)
                    decode_s[i] = env.now - first
            else:
                wake[0] = env.event()
                yield wake[0]

    env.process(arrivals())
    env.run(until=env.process(replica()))
    kept = slice(int(WARMUP_SHARE * requests), None)
    done = decode_s[kept] > 0
    return wait[kept], decode_s[kept][done].sum() / tokens[kept][done].sum()


def requests_for(load):
    """Enough requests for a p99 wait within a few percent: the queue's memory grows as load
    approaches 1 (at 95% load, 60,000 requests still gave p99 waits 30% apart between seeds)."""
    return 20_000 if load < 0.8 else 80_000 if load < 0.9 else 300_000


def batch_means(waits, statistic):
    """``statistic`` of ``waits`` and its standard error by batch means: the simulation's
    consecutive waits are correlated, so the error comes from the spread over ``BATCHES`` blocks."""
    blocks = np.array([statistic(b) for b in np.array_split(waits, BATCHES)])
    return statistic(waits), blocks.std(ddof=1) / math.sqrt(BATCHES)


def agrees(model, waits, statistic):
    """Within DES_RTOL plus SIGMAS standard errors of the simulation."""
    des, error = batch_means(waits, statistic)
    return abs(model - des) <= DES_RTOL * des + SIGMAS * error, (model, des, error)


def p99(waits):
    return np.quantile(waits, 0.99)


# ---- the model against the simulation -----------------------------------------------------------

@pytest.mark.parametrize("load", LOADS)
@pytest.mark.parametrize("name", ["flat", "rising"])
def test_mean_and_p99_wait_match_a_continuous_batching_simulation(name, load):
    service = {"flat": FLAT, "rising": RISING}[name]
    lam = load * service.saturated_rate
    waits, tpot = simulate(service, lam, requests_for(load), seed=7)
    state = replica_queue(service, lam)
    ttft = lambda w: np.mean(w) + service.prefill_s   # noqa: E731
    for model, statistic in ((state.ttft_wait_mean_s, np.mean),
                             (state.ttft_wait_quantile(0.99), p99), (state.ttft_mean_s, ttft)):
        ok, figures = agrees(model, waits, statistic)
        assert ok, figures
    assert state.tpot_mean_s == pytest.approx(tpot, rel=TPOT_RTOL)


@pytest.mark.parametrize("name, load", [("b64", 0.1), ("b64", 0.3), ("b64", 0.5), ("b64", 0.7),
                                        ("b64", 0.85), ("half", 0.1), ("half", 0.3),
                                        ("half", 0.5), ("half", 0.7)])
def test_with_prefill_heavy_replicas_the_wait_behind_passes_matches_the_simulation(name, load):
    """The KV cache rarely the bound (P(wait for a slot) under 3%), prefill up to 43% of the
    replica's time: the wait is that for the pass in progress and the prefills queued first,
    which the chain alone puts at 0 (p99 0 where the simulation says up to 89 ms)."""
    service = {"b64": B64, "half": HALF}[name]
    lam = load * service.saturated_rate
    waits, tpot = simulate(service, lam, 20_000 if load < 0.8 else 40_000, seed=5)
    state = replica_queue(service, lam)
    assert state.p_wait < 0.03
    for model, statistic in ((state.ttft_wait_mean_s, np.mean),
                             (state.ttft_wait_quantile(0.99), p99)):
        ok, figures = agrees(model, waits, statistic)
        assert ok, figures
    assert state.tpot_mean_s == pytest.approx(tpot, rel=TPOT_RTOL)


@pytest.mark.parametrize("case, load", [("fixed lengths", 0.5), ("fixed lengths", 0.7),
                                        ("fixed lengths", 0.85), ("prefill heavy", 0.5),
                                        ("prefill heavy", 0.7), ("prefill heavy", 0.85),
                                        ("b64", 0.9), ("half", 0.9)])
def test_the_model_over_states_waits_when_service_is_partly_deterministic(case, load):
    service, geometric = {"fixed lengths": (FLAT, False), "prefill heavy": (PREFILL_HEAVY, True),
                          "b64": (B64, True), "half": (HALF, True)}[case]
    lam = load * service.saturated_rate
    waits, tpot = simulate(service, lam, 40_000 if case in ("b64", "half") else
                           requests_for(load), seed=11, geometric=geometric)
    state = replica_queue(service, lam)
    for model, des in ((state.ttft_wait_mean_s, waits.mean()),
                       (state.ttft_wait_quantile(0.99), np.quantile(waits, 0.99))):
        assert (1 - DES_RTOL) * des <= model, (model, des)
        assert model <= CONSERVATIVE_FACTOR * des, (model, des)
    assert state.tpot_mean_s == pytest.approx(tpot, rel=TPOT_RTOL)


# ---- closed forms --------------------------------------------------------------------------------

def test_one_slot_is_an_mm1_queue():
    service = ReplicaService(prefill_s=0.1, step_s=[0.01], output_tokens=40, max_batch=1)
    mu = 1 / (0.1 + 40 * 0.01)
    lam = 0.7 * mu
    state = replica_queue(service, lam)
    assert service.saturated_rate == pytest.approx(mu, rel=1e-15)
    assert state.p_wait == pytest.approx(0.7, rel=1e-12)
    assert state.wait_mean_s == pytest.approx(0.7 / (mu - lam), rel=1e-12)
    assert state.mean_in_system == pytest.approx(0.7 / 0.3, rel=1e-12)
    # P(wait > t) = rho exp(-(mu - lambda) t)
    assert state.wait_quantile(0.99) == pytest.approx(math.log(0.7 / 0.01) / (mu - lam), rel=1e-12)
    assert state.utilization == pytest.approx(0.7, rel=1e-12)


def test_without_prefill_cost_the_chain_is_erlang_c():
    c, step, tokens = 6, 0.02, 50
    service = ReplicaService(prefill_s=1e-15, step_s=np.full(c, step), output_tokens=tokens,
                             max_batch=c)
    mu = 1 / (tokens * step)
    lam = 0.8 * c * mu
    a = lam / mu
    terms = sum(a ** k / math.factorial(k) for k in range(c))
    tail = a ** c / math.factorial(c) / (1 - a / c)
    erlang_c = tail / (terms + tail)
    state = replica_queue(service, lam)
    assert state.p_wait == pytest.approx(erlang_c, rel=1e-9)
    assert state.wait_mean_s == pytest.approx(erlang_c / (c * mu - lam), rel=1e-9)
    assert state.mean_batch == pytest.approx(a, rel=1e-9)   # busy servers: offered load


def test_the_wait_tail_is_the_erlang_mixture_of_the_states_an_arrival_finds():
    service = RISING
    lam = 0.9 * service.saturated_rate
    state = replica_queue(service, lam)
    mu_b, rho = service.saturated_rate, lam / service.saturated_rate
    for q in (0.5, 0.9, 0.99):
        t = state.wait_quantile(q)
        # An arrival that finds B + j waits for j + 1 departures at mu(B): P(Erlang(j + 1) > t) is
        # P(Poisson(mu(B) t) <= j); the found state is B + j with probability p_wait (1-rho) rho^j.
        j = np.arange(2000)
        poisson = np.exp(-mu_b * t + j * np.log(mu_b * t) - np.cumsum(np.log(np.maximum(j, 1))))
        above = np.sum(state.p_wait * (1 - rho) * rho ** j * np.cumsum(poisson))
        assert above == pytest.approx(1 - q, rel=1e-9), q


def test_with_decode_steps_negligible_the_wait_for_the_first_pass_is_md1():
    """Prefill all of the work and the KV cache never the bound: requests queue for one
    deterministic server, an M/D/1 queue: mean rho D / (2 (1 - rho)) (Pollaczek-Khinchine) and
    P(W <= t) = (1 - rho) sum_{j <= t/D} (lambda (jD - t))^j / j! exp(-lambda (jD - t)) (Erlang)."""
    d = 0.01
    service = ReplicaService(prefill_s=d, step_s=np.full(64, 1e-9), output_tokens=1, max_batch=64)
    lam = 0.5 / d
    state = replica_queue(service, lam)
    assert state.p_wait < 1e-15 and state.prefill_share == pytest.approx(0.5, rel=1e-6)
    assert state.ttft_wait_mean_s == pytest.approx(0.5 * d / (2 * 0.5), rel=1e-6)

    def erlang(t):
        j = np.arange(int(t // d) + 1)
        x = lam * (j * d - t)
        return 0.5 * np.sum(x ** j / np.array([math.factorial(i) for i in j]) * np.exp(-x))

    for q in (0.6, 0.9, 0.99):
        low, high = 0.0, 20 * d
        for _ in range(60):
            mid = 0.5 * (low + high)
            low, high = (mid, high) if erlang(mid) < q else (low, mid)
        assert state.ttft_wait_quantile(q) == pytest.approx(low, abs=d / 200), q


@pytest.mark.parametrize("service, load", [(RISING, 0.5), (RISING, 0.9), (B64, 0.7), (HALF, 0.9)])
def test_the_ttft_quantiles_and_mean_describe_one_distribution(service, load):
    """The quantiles (the lattice) average to the closed-form mean: the slot wait plus the wait for
    the first pass, which adds to the chain's wait."""
    state = replica_queue(service, load * service.saturated_rate)
    assert state.ttft_wait_mean_s == state.wait_mean_s + state.pass_wait_mean_s
    levels = (np.arange(8000) + 0.5) / 8000
    quantiles = np.array([state.ttft_wait_quantile(q) for q in levels])
    assert np.all(np.diff(quantiles) >= 0)
    assert quantiles.mean() == pytest.approx(state.ttft_wait_mean_s, rel=0.01)
    for q in (0.5, 0.9, 0.99):
        assert state.ttft_wait_quantile(q) >= state.wait_quantile(q)
        assert state.ttft_quantile(q) == state.ttft_wait_quantile(q) + service.prefill_s


def test_completions_balance_arrivals_and_littles_law_holds():
    for service in (FLAT, RISING, PREFILL_HEAVY):
        for load in (0.05, 0.5, 0.97):
            lam = load * service.saturated_rate
            state = replica_queue(service, lam)
            mu = np.concatenate([[0.0], service.service_rate])
            assert state.in_service @ mu == pytest.approx(lam, rel=1e-12)
            assert state.in_service.sum() == pytest.approx(1.0, rel=1e-14)
            waiting = state.mean_in_system - state.mean_batch
            assert waiting == pytest.approx(lam * state.wait_mean_s, rel=1e-9, abs=1e-15)


def test_at_low_load_utilization_is_arrival_rate_times_one_requests_service_time():
    service = RISING
    alone_s = service.prefill_s + service.output_tokens * service.step_s[0]
    lam = 1e-4 / alone_s
    state = replica_queue(service, lam)
    assert state.utilization == pytest.approx(lam * alone_s, rel=1e-3)
    assert state.mean_batch == pytest.approx(lam * alone_s, rel=1e-3)
    assert state.tpot_mean_s == pytest.approx(service.tpot_s[0], rel=1e-3)


def test_the_saturated_rate_is_the_models_throughput_at_a_full_batch():
    s = FLAT
    cycle_s = s.output_tokens * s.step_s[-1] + s.max_batch * s.prefill_s   # reference's cycle
    assert s.saturated_rate == pytest.approx(s.max_batch / cycle_s, rel=1e-15)
    # tpot at k: (cycle - own prefill) / output tokens, as the model's tpot_s
    assert s.tpot_s[-1] == pytest.approx((cycle_s - s.prefill_s) / s.output_tokens, rel=1e-15)


def test_time_per_token_is_averaged_over_tokens_not_over_time():
    service = ReplicaService(prefill_s=0.01, step_s=[0.02, 0.08], output_tokens=10, max_batch=2)
    state = replica_queue(service, 0.6 * service.saturated_rate)
    p1, p2 = state.in_service[1:]
    t1, t2 = service.tpot_s
    # A state with k in service makes k / tpot(k) tokens per second.
    tokens1, tokens2 = p1 * 1 / t1, p2 * 2 / t2
    expected = (tokens1 * t1 + tokens2 * t2) / (tokens1 + tokens2)
    assert state.tpot_mean_s == pytest.approx(expected, rel=1e-12)
    median_token = t1 if tokens1 >= tokens2 else t2
    assert state.tpot_quantile(0.5) == median_token
    assert state.tpot_quantile(0.99) == t2


# ---- load, stability, goodput --------------------------------------------------------------------

profiles = st.builds(
    lambda b, prefill, base, slope, tokens: ReplicaService(
        prefill_s=prefill, step_s=base * (1 + slope * np.arange(b)), output_tokens=tokens,
        max_batch=b),
    st.integers(1, 64), st.floats(1e-4, 1.0), st.floats(1e-4, 0.1), st.floats(0, 0.5),
    st.floats(1, 2000))


@given(profiles)
def test_more_load_never_lowers_the_wait_or_the_token_time(service):
    states = [replica_queue(service, x * service.saturated_rate) for x in np.linspace(0, 0.999, 60)]
    for figure in (lambda s: s.wait_mean_s, lambda s: s.wait_quantile(0.99),
                   lambda s: s.ttft_quantile(0.9), lambda s: s.ttft_quantile(0.99),
                   lambda s: s.ttft_mean_s, lambda s: s.tpot_quantile(0.99),
                   lambda s: s.tpot_mean_s, lambda s: s.utilization, lambda s: s.mean_batch):
        values = np.array([figure(s) for s in states])
        assert np.all(np.isfinite(values))
        assert np.all(np.diff(values) >= -1e-12 * np.abs(values[1:])), values


@pytest.mark.parametrize("load", [1.0, 1.5])
def test_load_at_or_beyond_the_saturated_rate_is_reported_unstable(load):
    state = replica_queue(RISING, load * RISING.saturated_rate)
    assert not state.stable
    assert state.wait_mean_s == math.inf and state.ttft_quantile(0.99) == math.inf
    assert state.utilization == 1.0 and state.mean_batch == RISING.max_batch
    assert state.tpot_mean_s == pytest.approx(RISING.tpot_s[-1])
    assert replica_queue(RISING, 0.999 * RISING.saturated_rate).stable


def test_a_large_batch_at_high_load_gives_finite_figures():
    service = ReplicaService(prefill_s=0.04, step_s=np.linspace(0.009, 0.09, 3000),
                             output_tokens=256, max_batch=3000)
    state = replica_queue(service, 0.99 * service.saturated_rate)
    figures = state.summary()
    assert all(math.isfinite(v) for v in figures.values() if not isinstance(v, bool)), figures


def test_goodput_meets_the_ttft_target_at_the_bisection_point_and_fails_above_it():
    slo = 0.5
    g = goodput(FLAT, ttft_slo_s=slo, tpot_slo_s=1.0, percentile=0.99)
    assert 0 < g < FLAT.saturated_rate
    at = replica_queue(FLAT, g)
    assert at.ttft_quantile(0.99) <= slo
    assert at.ttft_quantile(0.99) == pytest.approx(slo, rel=1e-3)   # the TTFT target binds
    above = replica_queue(FLAT, g + 2 * GOODPUT_RTOL * FLAT.saturated_rate)
    assert above.ttft_quantile(0.99) > slo


def test_goodput_is_bounded_by_the_tpot_target_when_it_binds():
    slo = 0.5 * (RISING.tpot_s[0] + RISING.tpot_s[-1])   # reached below a full batch
    g = goodput(RISING, ttft_slo_s=100.0, tpot_slo_s=slo, percentile=0.9)
    assert replica_queue(RISING, g).tpot_quantile(0.9) <= slo
    above = replica_queue(RISING, g + 2 * GOODPUT_RTOL * RISING.saturated_rate)
    assert above.tpot_quantile(0.9) > slo


def test_goodput_is_zero_when_a_lone_request_misses_the_target():
    assert goodput(FLAT, ttft_slo_s=FLAT.prefill_s / 2, tpot_slo_s=1.0) == 0.0
    assert goodput(FLAT, ttft_slo_s=10.0, tpot_slo_s=FLAT.tpot_s[0] / 2) == 0.0


def test_a_looser_target_never_lowers_goodput():
    values = [goodput(RISING, ttft_slo_s=slo, tpot_slo_s=1.0) for slo in (0.05, 0.2, 1.0, 5.0)]
    assert values == sorted(values) and values[0] < values[-1]


# ---- from a scenario -----------------------------------------------------------------------------

SCENARIO = {"model": {"id": "llama-3.1-8b"}, "hardware": {"id": "h100-sxm"},
            "workload": {"batch": 16, "input_tokens": 2000, "output_tokens": 300},
            "efficiency": {"mfu": 0.45, "mbu": 0.7, "comm_efficiency": 0.8,
                           "step_overhead_ms": 1.0}}


def test_a_scenarios_service_is_the_per_replica_model_at_each_batch():
    plan = load_scenario(SCENARIO).resolve()
    service = service_from_plan(plan)
    full = evaluate(plan, batch="max")
    assert service.max_batch == full.max_batch
    assert service.output_tokens == 300
    for k in (1, 7, service.max_batch):
        out = evaluate(plan, batch=k)
        assert service.step_s[k - 1] == pytest.approx(out.decode_step_s, rel=1e-12)
        assert service.prefill_s == pytest.approx(out.prefill_s, rel=1e-12)
        assert service.tpot_s[k - 1] == pytest.approx(out.tpot_s, rel=1e-12)
    # Saturated, the queue completes requests as fast as the model serves them at max batch.
    assert service.saturated_rate * 300 == pytest.approx(full.tokens_per_s, rel=1e-12)


def test_a_scheduler_cap_limits_the_batch_and_one_above_capacity_is_refused():
    capped = service_from_plan(SCENARIO, max_batch=32)
    assert capped.max_batch == 32 and capped.step_s.shape == (32,)
    with pytest.raises(ScenarioError, match=r"max_batch: must be an integer in \[1, "):
        service_from_plan(SCENARIO, max_batch=10**7)


def test_a_scenario_where_nothing_fits_is_refused():
    tiny = {**SCENARIO, "workload": {**SCENARIO["workload"], "input_tokens": 2_000_000}}
    with pytest.raises(ScenarioError, match="does not fit"):
        service_from_plan(tiny)


# ---- bad input -----------------------------------------------------------------------------------

GOOD = dict(prefill_s=0.01, step_s=[0.02, 0.03], output_tokens=10, max_batch=2)


@pytest.mark.parametrize("change, path, wanted", [
    ({"max_batch": 0}, "max_batch", "integer >= 1"),
    ({"max_batch": True}, "max_batch", "integer >= 1"),
    ({"max_batch": 2.0}, "max_batch", "integer >= 1"),
    ({"step_s": [0.02]}, "step_s",
     r"one step time \(s\) per batch size .* shape \(2,\), got shape \(1,\)"),
    ({"step_s": [[0.02, 0.03]]}, "step_s", r"one step time .* got shape \(1, 2\)"),
    ({"step_s": [0.02, math.inf]}, r"step_s\[1\]", "finite number > 0"),
    ({"step_s": [-0.02, 0.03]}, r"step_s\[0\]", "finite number > 0"),
    ({"step_s": ["a", 0.03]}, "step_s", "array of numbers"),
    ({"prefill_s": math.nan}, "prefill_s", "finite number > 0"),
    ({"prefill_s": 0.0}, "prefill_s", "finite number > 0"),
    ({"output_tokens": 0.5}, "output_tokens", ">= 1"),
])
def test_a_bad_service_is_refused_naming_the_argument_and_its_range(change, path, wanted):
    with pytest.raises(ScenarioError, match=f"^{path}: must be .*{wanted}"):
        ReplicaService(**{**GOOD, **change})


@pytest.mark.parametrize("rate", [-1.0, math.nan, math.inf, "3"])
def test_a_bad_arrival_rate_is_refused(rate):
    with pytest.raises(ScenarioError, match=r"^arrival_rate: must be a finite number >= 0"):
        replica_queue(ReplicaService(**GOOD), rate)


@pytest.mark.parametrize("kwargs, path", [
    ({"ttft_slo_s": -1.0, "tpot_slo_s": 0.1}, "ttft_slo_s"),
    ({"ttft_slo_s": 1.0, "tpot_slo_s": -math.inf}, "tpot_slo_s"),
    ({"ttft_slo_s": math.inf, "tpot_slo_s": math.nan}, "tpot_slo_s"),
    ({"ttft_slo_s": 1.0, "tpot_slo_s": 0.1, "percentile": 1.0}, "percentile"),
    ({"ttft_slo_s": 1.0, "tpot_slo_s": 0.1, "percentile": 0.0}, "percentile"),
])
def test_bad_targets_are_refused(kwargs, path):
    with pytest.raises(ScenarioError, match=f"^{path}: must be"):
        goodput(ReplicaService(**GOOD), **kwargs)


def test_goodput_with_one_target_ignores_the_other_and_needs_at_least_one():
    service = ReplicaService(**GOOD)
    ttft_only = goodput(service, ttft_slo_s=1.0, tpot_slo_s=math.inf)
    both = goodput(service, ttft_slo_s=1.0, tpot_slo_s=1e9)
    assert ttft_only == both
    with pytest.raises(ScenarioError, match="^ttft_slo_s: goodput needs a target"):
        goodput(service, ttft_slo_s=math.inf, tpot_slo_s=math.inf)


def test_a_vanishing_prefill_share_gives_finite_quantiles():
    service = ReplicaService(**GOOD)
    assert math.isfinite(replica_queue(service, 1e-290).ttft_quantile(0.99))
