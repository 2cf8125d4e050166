"""The numba fleet kernel (:mod:`inferonomics.cores.fleet_numba`) against the written
specification (:func:`inferonomics.fleet.stepping.step_fleet`, issue 13): the same floats, bit for
bit, for every input a scenario can give them, and a few behaviours worked out by hand.

Hypothesis draws each policy kind with all its settings over their accepted ranges
(:func:`inferonomics.io.fleet.parse_policy`), steps that divide an hour (1 s to 1 h, 7.2 s
included), 1 to 300 steps of demand built from stretches (none, steady, noisy, bursts far beyond
the fleet's capacity, so the backlog grows, drains within a step and drains over several), every
sample field (SLO capacity 0 and tiny, spot serving shares, cold starts of 0, of whole steps and
just off them, longer than the horizon, owned and rented fleets, TTFT targets of 0, finite and
none) and replica tables shaped as real ones are (attainment falling and busy share rising with
load, TTFT survival falling with the level). Several samples go through one kernel call, split in
two calls at a drawn sample, with a drawn number of them traced. tools/mutate.py --core fleet
plants one-line bugs in the kernel and runs this file alone.

Left out of the draws, for time: a non-zero ``scale_up_period_s`` under ``step_s / 64`` (the
reference counts up to 10^6 periods a step one by one) and a ``scale_down_window_s`` beyond 3
horizons (beyond the horizon a longer window changes nothing); hand-picked cases cover both, and
a window just under a whole number of steps (where a ring sized by int was one short). The
hand-picked cases reach what random draws rarely do: a backlog that drains within a step while
requests keep arriving (those set the TTFT percentiles), one rounded below
zero, one that outlasts the backlog's 4,096 cohorts, a rate one float below the fleet's capacity
(the table's top load exactly), requests served late within the TTFT target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from inferonomics.cores.fleet_numba import fleet_samples
from inferonomics.fleet.replica_table import LOAD_GRID, TOP_LOAD, TTFT_LEVELS
from inferonomics.fleet.stepping import (FLEET_METRIC_NAMES, SAMPLE_FIELDS, TRACE_NAMES,
                                         step_fleet)
from inferonomics.io.demand import HOURS_PER_MONTH
from inferonomics.io.fleet import (
    HOURS_PER_DAY,
    MAX_HORIZON_S,
    MAX_REPLICAS,
    parse_policy,
)
from inferonomics.model.registry import MAX_COLD_START_S

GRID, LEVELS = np.asarray(LOAD_GRID), np.asarray(TTFT_LEVELS)
G, L = len(GRID), len(LEVELS)
METRIC = {name: i for i, name in enumerate(FLEET_METRIC_NAMES)}
TRACE = {name: i for i, name in enumerate(TRACE_NAMES)}
STEPS_S = (1.0, 2.25, 7.2, 60.0, 300.0, 900.0, 1800.0, 3600.0)    # each divides an hour
MAX_STEPS = 300
UNTOUCHED = -7.25     # what the trace holds where the kernel must not write
# a tiny SLO capacity makes the replicas wanted overflow to inf, as the reference says it may
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")


@dataclass
class Case:
    """One kernel call's inputs: ``rates`` (samples x steps), one dict of :data:`SAMPLE_FIELDS`
    and one (attainment, utilization, survival) per sample; ``n_traced`` samples traced; the
    samples go through two calls, ``[0, cut)`` and ``[cut, n)``."""

    step_s: float
    policy: np.ndarray
    rates: np.ndarray
    samples: list
    tables: list
    n_traced: int = 1
    cut: int = 0


# ---- running the two implementations ---------------------------------------------------------


def reference(case: Case, i: int, traced: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    att, util, surv = case.tables[i]
    kw = {k: (bool(v) if k == "pays_peak" else float(v)) for k, v in case.samples[i].items()}
    tr: dict | None = {} if traced else None
    got = step_fleet(case.rates[i], case.step_s, case.policy, attainment=att, utilization=util,
                     ttft_survival=surv, trace=tr, **kw)
    assert set(got) == set(FLEET_METRIC_NAMES)
    out = np.array([got[m] for m in FLEET_METRIC_NAMES], dtype=np.float64)
    return out, (np.array([tr[n] for n in TRACE_NAMES], dtype=np.float64) if traced else None)


def kernel(case: Case) -> tuple[np.ndarray, np.ndarray]:
    n, steps = case.rates.shape
    x = np.ascontiguousarray([[s[k] for k in SAMPLE_FIELDS] for s in case.samples], dtype=np.float64)
    att = np.ascontiguousarray([t[0] for t in case.tables], dtype=np.float64)
    util = np.ascontiguousarray([t[1] for t in case.tables], dtype=np.float64)
    surv = np.ascontiguousarray([t[2] for t in case.tables], dtype=np.float64)
    out = np.full((n, len(FLEET_METRIC_NAMES)), np.nan)
    trace = np.full((max(case.n_traced, 1), len(TRACE_NAMES), steps), UNTOUCHED)
    rates = np.ascontiguousarray(case.rates, dtype=np.float64)
    for first, stop in ((0, case.cut), (case.cut, n)):
        fleet_samples(rates, case.step_s, case.policy, x, att, util, surv, GRID, LEVELS, TOP_LOAD,
                      out, trace, case.n_traced, first, stop)
    return out, trace


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """The same floats: equal where finite, inf where inf, nan where nan, and the same signs."""
    a, b = np.asarray(a), np.asarray(b)
    return (a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
            and np.array_equal(np.signbit(a), np.signbit(b)))


def check_conforms(case: Case) -> None:
    out, trace = kernel(case)
    for i in range(len(case.samples)):
        traced = i < case.n_traced
        want, want_trace = reference(case, i, traced)
        if not same(out[i], want):
            diff = {m: (want[k], out[i, k]) for m, k in METRIC.items()
                    if not same(want[k], out[i, k])}
            pytest.fail(f"sample {i}: kernel differs from the reference (reference, kernel): {diff}")
        if traced:
            for name, k in TRACE.items():
                assert same(trace[i, k], want_trace[k]), f"sample {i}: trace {name!r} differs"
    if case.n_traced == 0:
        assert (trace == UNTOUCHED).all(), "the kernel wrote a trace it was not asked for"


# ---- the inputs ------------------------------------------------------------------------------


def tables_of(kind: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Attainment (falling with load), busy share (rising, 0 at no load) and TTFT survival
    (falling with the level, rising with load), all in [0, 1]."""
    rng = np.random.default_rng(seed)
    if kind == "zeros":
        return np.zeros(G), np.zeros(G), np.zeros((G, L))
    if kind == "ones":
        util = np.ones(G)
        util[0] = 0.0
        return np.ones(G), util, np.ones((G, L))
    if kind == "random":
        att = np.sort(rng.uniform(0, 1, G))[::-1].copy()
        util = np.sort(rng.uniform(0, 1, G))
        util[0] = 0.0
        surv = np.sort(np.sort(rng.uniform(0, 1, (G, L)), axis=1)[:, ::-1], axis=0).copy()
        return att, util, surv
    # shaped like a queue's: survival 1 below the prefill, exponential after with a scale that
    # grows with load (exactly 0 far out), attainment = P(TTFT <= a target level)
    prefill = 10.0 ** rng.uniform(-3, 1)
    scale = prefill * (1.0 + 20.0 * GRID / (1.0 - GRID + 1e-3)) * rng.uniform(0.2, 2.0)
    surv = np.exp(-np.maximum(LEVELS[None, :] - prefill, 0.0) / scale[:, None])
    surv[surv < 1e-300] = 0.0
    target = int(rng.integers(0, L))
    att = (1.0 - surv[:, target]) * rng.uniform(0.5, 1.0)
    util = np.minimum(GRID * rng.uniform(1.0, 1.1), 1.0)
    return att, util, surv


TABLE_KINDS = ("queue", "random", "zeros", "ones")


def sample_fields(draw, step_s: float, horizon_s: float) -> dict:
    sat = draw(st.one_of(st.floats(0.01, 200.0), st.sampled_from([1e-3, 1.0, 1e4])))
    share = draw(st.one_of(st.just(1.0), st.floats(0.5, 1.0, exclude_min=True)))
    slo = sat * draw(st.one_of(st.just(0.0), st.sampled_from([5e-324, 1e-300, 1e-12, TOP_LOAD]),
                               st.floats(1e-6, TOP_LOAD)))
    cold = draw(st.one_of(
        st.just(0.0), st.floats(0.0, MAX_COLD_START_S),
        st.integers(1, 6).map(lambda k: k * step_s),
        st.tuples(st.integers(1, 4), st.booleans()).map(
            lambda kb: float(np.nextafter(kb[0] * step_s, math.inf if kb[1] else 0.0))),
        st.just(min(MAX_COLD_START_S, horizon_s + step_s)), st.just(MAX_COLD_START_S)))
    idle = draw(st.floats(0.0, 1e4))
    fields = {
        "saturated_rate": sat, "slo_rate": slo, "prefill_s": draw(st.floats(0.0, 60.0)),
        "replica_usd_per_hour": draw(st.floats(0.0, 1e3)), "busy_w": idle + draw(st.floats(0.0, 1e5)),
        "idle_w": idle, "pue": draw(st.floats(1.0, 3.0)), "usd_per_kwh": draw(st.floats(0.0, 2.0)),
        "gco2_per_kwh": draw(st.floats(0.0, 2000.0)),
        "embodied_g_per_replica_hour": draw(st.floats(0.0, 1e4)),
        "water_l_per_kwh": draw(st.floats(0.0, 10.0)), "output_tokens": draw(st.floats(1.0, 1e5)),
        "devices": float(draw(st.integers(1, 1024))), "serving_share": share, "cold_start_s": cold,
        "pays_peak": float(draw(st.booleans())),
        "ttft_slo_s": draw(st.one_of(st.just(math.inf), st.just(0.0), st.floats(1e-3, 1e4))),
        "tpot_ok_top": draw(st.floats(0.0, 1.0)),
    }
    return {k: fields[k] for k in SAMPLE_FIELDS}


def rate_series(draw, steps: int, sat: float) -> np.ndarray:
    """Stretches of demand, in replicas' worth (x ``sat``): none, steady, noisy (with gaps), and
    bursts to thousands of replicas' worth; the stretches repeat to fill the horizon."""
    level = st.one_of(st.just(0.0), st.floats(0.0, 3.0), st.floats(3.0, 60.0),
                      st.floats(60.0, 3000.0))
    stretches = draw(st.lists(st.tuples(st.integers(1, 60), level, st.sampled_from(
        ["steady", "noisy", "gaps"])), min_size=1, max_size=6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    out = []
    while len(out) < steps:
        for length, value, how in stretches:
            part = np.full(length, value)
            if how != "steady":
                part = part * rng.uniform(0.5, 1.5, length)
            if how == "gaps":
                part[rng.uniform(0, 1, length) < 0.3] = 0.0
            out.extend(part)
    return np.array(out[:steps]) * sat


def counts(low: int = 0):
    return st.one_of(st.integers(low, 3), st.integers(low, 200), st.just(MAX_REPLICAS),
                     st.integers(low, MAX_REPLICAS))


def policy_of(draw, kind: str, step_s: float, horizon_s: float) -> np.ndarray:
    if kind == "scheduled":
        hourly = draw(st.lists(st.one_of(st.just(0), st.integers(0, 60), st.integers(0, 5000)),
                               min_size=HOURS_PER_DAY, max_size=HOURS_PER_DAY))
        return parse_policy(kind, {"replicas": hourly}).as_array()
    low, high = sorted([draw(counts(0)), draw(counts(1))])
    table = {"min_replicas": low, "max_replicas": max(high, 1),
             "target_utilization": draw(st.one_of(st.just(1.0), st.just(5e-324),
                                                  st.floats(0.0, 1.0, exclude_min=True)))}
    if kind == "static":
        table["demand_percentile"] = draw(st.one_of(st.just(1.0),
                                                    st.floats(0.0, 1.0, exclude_min=True)))
    else:
        up_n = draw(st.one_of(st.integers(0, 8), st.just(MAX_REPLICAS)))
        pct = draw(st.one_of(st.just(0.0), st.just(100.0), st.floats(0.0, 1e6)))
        assume(up_n > 0 or (pct > 0.0 and low > 0))    # else refused: it could never grow
        duration = lambda longest: st.one_of(
            st.just(0.0), st.integers(1, 8).map(lambda k: k * step_s),
            st.floats(step_s / 64, longest), st.just(min(horizon_s * 2, MAX_HORIZON_S)))
        table.update(scale_up_replicas=up_n, scale_up_percent=pct,
                     scale_up_period_s=draw(duration(min(3 * horizon_s, MAX_HORIZON_S))),
                     scale_down_window_s=draw(duration(min(3 * horizon_s, MAX_HORIZON_S))))
    return parse_policy(kind, table).as_array()


@st.composite
def cases(draw, kind: str | None = None) -> Case:
    kind = kind or draw(st.sampled_from(["static", "reactive", "scheduled"]))
    step_s = draw(st.sampled_from(STEPS_S))
    steps = draw(st.one_of(st.integers(1, 4), st.integers(1, MAX_STEPS)))
    horizon_s = steps * step_s
    n = draw(st.integers(1, 3))
    samples, rates, tables = [], [], []
    for _ in range(n):
        s = sample_fields(draw, step_s, horizon_s)
        samples.append(s)
        rates.append(rate_series(draw, steps, s["saturated_rate"]))
        tables.append(tables_of(draw(st.sampled_from(TABLE_KINDS)), draw(st.integers(0, 2**32 - 1))))
    return Case(step_s, policy_of(draw, kind, step_s, horizon_s), np.array(rates), samples, tables,
                n_traced=draw(st.integers(0, n)), cut=draw(st.integers(0, n)))


# ---- conformance -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["static", "reactive", "scheduled"])
@settings(max_examples=100)     # a kind: about 2 s each, the file's 20 s in mind
@given(data=st.data())
def test_the_kernel_gives_the_references_floats_for_every_policy(kind, data):
    check_conforms(data.draw(cases(kind)))


def plain(rates, *, step_s=300.0, policy=("static", {}), n_traced=1, table="queue", **fields):
    """A one-sample case: sane defaults, ``fields`` overriding."""
    sample = {"saturated_rate": 2.0, "slo_rate": 1.5, "prefill_s": 0.3,
              "replica_usd_per_hour": 10.0, "busy_w": 6000.0, "idle_w": 1500.0, "pue": 1.2,
              "usd_per_kwh": 0.1, "gco2_per_kwh": 400.0, "embodied_g_per_replica_hour": 50.0,
              "water_l_per_kwh": 0.5, "output_tokens": 300.0, "devices": 8.0,
              "serving_share": 1.0, "cold_start_s": 0.0, "pays_peak": 0.0, "ttft_slo_s": 1.0,
              "tpot_ok_top": 1.0}
    sample.update(fields)
    return Case(step_s, parse_policy(*policy).as_array(), np.array([rates], dtype=np.float64),
                [{k: sample[k] for k in SAMPLE_FIELDS}], [tables_of(table, 7)], n_traced=n_traced)


def just_below_the_top_load():
    """40 replicas of 91.276... requests/s at a rate one float below their capacity: the rate
    per replica rounds to exactly TOP_LOAD, the table's last point, though the fleet is not
    saturated."""
    sat, n = 91.2764301719994, 40
    rate = math.nextafter(n * 1.0 * TOP_LOAD * sat, 0.0)
    assert rate < n * TOP_LOAD * sat and rate / (n * sat) >= TOP_LOAD
    return plain([rate] * 3, saturated_rate=sat, policy=("static", {"min_replicas": n,
                                                                    "max_replicas": n}))


BURST = [1.0] * 3 + [400.0] * 2 + [1.0] * 4 + [0.0] * 3 + [30.0] * 5 + [3.0] * 6
REACTIVE = ("reactive", {"min_replicas": 1, "scale_up_period_s": 60.0,
                         "scale_down_window_s": 300.0})
EDGES = {
    "one step": plain([5.0]),
    "one step, no demand": plain([0.0], policy=("reactive", {"min_replicas": 0})),
    "no demand, no replicas": plain([0.0] * 5, policy=("static", {"min_replicas": 0})),
    "burst on a static fleet": plain(BURST),
    "burst, sized below the peak": plain(BURST, policy=("static", {"demand_percentile": 0.5})),
    "burst on a spot fleet": plain(BURST, serving_share=0.55),
    "burst, reactive": plain(BURST, policy=REACTIVE),
    "burst, reactive, cold start of 2.5 steps": plain(BURST, policy=REACTIVE, cold_start_s=750.0),
    "burst, reactive, cold start of whole steps": plain(BURST, policy=REACTIVE, cold_start_s=600.0),
    "burst, reactive, cold start past the horizon": plain(BURST, policy=REACTIVE,
                                                          cold_start_s=MAX_COLD_START_S),
    "burst, reactive, hour steps": plain(BURST, policy=REACTIVE, step_s=3600.0,
                                         cold_start_s=5000.0),
    "burst, reactive, 7.2 s steps": plain(BURST * 3, policy=REACTIVE, step_s=7.2, cold_start_s=20.0),
    "backlog drains within a step": plain([1.0, 50.0, 0.0, 0.0], step_s=60.0,
                                          policy=("static", {"max_replicas": 2})),
    # 270 requests queue in the burst's minute, 101 more while it drains 34 s into the next:
    # both groups wait the same, and are what sets the p95 and p99 TTFT
    "backlog drains within a step as requests arrive": plain(
        [1.0, 4.5, 3.0, 1.0], step_s=60.0, policy=("static", {"max_replicas": 2}), table="zeros"),
    "backlog drains within a step as requests arrive, queue table": plain(
        [1.0, 4.5, 3.0, 1.0, 2.0], step_s=60.0, policy=("static", {"max_replicas": 2})),
    "backlog drains over steps": plain([1.0, 50.0, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 0.5], step_s=60.0,
                                       policy=("static", {"max_replicas": 2})),
    "backlog rounds below zero as it drains": plain(   # left = backlog - (cap - rate) x d < 0
        [1084.3076683381323, 351.2992360072223, 0.0, 2000.0, 10.0], saturated_rate=60.421166007801126,
        policy=("static", {"min_replicas": 12, "max_replicas": 12})),
    "the top load reached by rounding": just_below_the_top_load(),
    # 4,200 s at twice the fleet's capacity (1 s steps): the backlog's cohorts pass 4,096 and
    # the newest absorbs the rest; then it drains, and what is left at the end is unserved
    "backlog outlasts its cohorts": plain(
        [3.96] * 4200 + [0.0] * 3000 + [1.0] * 300, step_s=1.0, policy=("static", {"max_replicas": 1}),
        saturated_rate=2.0, table="zeros"),
    "backlog served late within the TTFT target": plain(
        BURST, policy=REACTIVE, cold_start_s=300.0, ttft_slo_s=400.0, tpot_ok_top=0.75),
    "backlog, no TTFT target": plain(BURST, ttft_slo_s=math.inf, serving_share=0.6),
    "backlog, TTFT target 0": plain(BURST, ttft_slo_s=0.0, prefill_s=0.0, serving_share=0.6),
    "backlog never drains": plain([9.0] * 8, policy=("static", {"max_replicas": 2})),
    "no demand, free replicas": plain([0.0] * 3, replica_usd_per_hour=0.0, usd_per_kwh=0.0),
    "no demand, zero SLO capacity": plain([0.0] * 3, slo_rate=0.0, policy=("static", {})),
    "no replicas, demand": plain([0.0, 2.0, 0.0, 3.0],
                                 policy=("scheduled", {"replicas": [0] * 24})),
    "scheduled hours, half-hour steps": plain(
        list(np.linspace(0.0, 20.0, 52)), step_s=1800.0,
        policy=("scheduled", {"replicas": [h % 5 for h in range(24)]})),
    "scheduled hours, hour steps": plain(
        [4.0] * 30, step_s=3600.0, policy=("scheduled", {"replicas": list(range(24))})),
    "zero SLO capacity": plain(BURST, slo_rate=0.0, policy=("reactive", {"max_replicas": 9})),
    "tiny SLO capacity": plain(BURST, slo_rate=5e-324, policy=("static", {"max_replicas": 9})),
    "owned fleet": plain(BURST, policy=REACTIVE, pays_peak=1.0, cold_start_s=200.0),
    "scale up 1 a period, 5 periods a step": plain(
        [1.0] * 2 + [60.0] * 8, policy=("reactive", {"scale_up_replicas": 1, "scale_up_percent": 0,
                                                    "scale_up_period_s": 60.0})),
    "scale up by percent": plain(
        [1.0] * 2 + [300.0] * 8, policy=("reactive", {"scale_up_replicas": 0,
                                                     "scale_up_percent": 50.0,
                                                     "scale_up_period_s": 120.0})),
    "scale up every other step": plain(
        [1.0] * 2 + [60.0] * 8, policy=("reactive", {"scale_up_replicas": 2, "scale_up_percent": 0,
                                                    "scale_up_period_s": 600.0})),
    "scale up at once": plain([1.0] * 2 + [60.0] * 8, cold_start_s=450.0,
                              policy=("reactive", {"scale_up_period_s": 0.0})),
    "scale up in a millisecond period": plain(
        [1.0] * 2 + [60.0] * 8, policy=("reactive", {"scale_up_replicas": 1, "scale_up_percent": 0,
                                                    "scale_up_period_s": 1e-3})),
    "scale up in a tiny period": plain(
        [1.0] * 2 + [600.0] * 8, policy=("reactive", {"scale_up_period_s": 1e-12})),
    "scale down at once": plain(BURST, policy=("reactive", {"scale_down_window_s": 0.0}),
                                cold_start_s=400.0),
    "scale down window past the horizon": plain(
        BURST, policy=("reactive", {"scale_down_window_s": 1e6})),
    "scale down drops starting replicas first": plain(
        [1.0, 1.0, 80.0, 1.0, 1.0, 1.0, 1.0, 1.0, 90.0, 2.0, 2.0, 2.0], cold_start_s=1000.0,
        policy=("reactive", {"scale_down_window_s": 0.0, "scale_up_period_s": 0.0})),
    "min replicas hold the floor": plain(BURST, policy=("reactive", {"min_replicas": 5})),
    "max replicas cap": plain(BURST, policy=("reactive", {"max_replicas": 3})),
    "full tables": plain(BURST, policy=REACTIVE, table="ones"),
    "empty tables": plain(BURST, policy=REACTIVE, table="zeros"),
    "random tables": plain(BURST, policy=REACTIVE, table="random"),
    "untraced": plain(BURST, policy=REACTIVE, n_traced=0),
}


@pytest.mark.parametrize("name", list(EDGES))
def test_the_kernel_gives_the_references_floats_on_hand_picked_edges(name):
    check_conforms(EDGES[name])


def test_samples_are_independent_of_how_calls_split_them_and_of_tracing():
    # three samples of one policy in one call, in two calls and one at a time, some traced
    base = [plain(BURST, policy=REACTIVE, cold_start_s=c, serving_share=s, table=t)
            for c, s, t in ((0.0, 1.0, "queue"), (750.0, 0.6, "random"), (90.0, 0.9, "ones"))]
    whole = Case(300.0, base[0].policy, np.vstack([c.rates[0] for c in base]),
                 [c.samples[0] for c in base], [c.tables[0] for c in base])
    for n_traced in range(4):
        for cut in range(4):
            whole.n_traced, whole.cut = n_traced, cut
            check_conforms(whole)


def test_a_period_so_short_its_count_would_overflow_is_capped_alike():
    for period in (1e-300, 5e-324):
        check_conforms(plain([1.0] * 2 + [60.0] * 4, step_s=60.0, policy=(
            "reactive", {"scale_up_replicas": 1, "scale_up_percent": 0,
                         "scale_up_period_s": period})))


def test_a_scale_down_window_a_float_under_whole_steps_keeps_the_references_wishes():
    # start - window rounds to exactly 5 steps back although window / step_s is a float under 5:
    # 7 wishes are alive when demand falls a replica a step (the ring is sized by ceil).
    window = math.nextafter(300.0, 0.0)
    assert int(window / 60.0) == 4
    rates = [1.2 * (100 - i) - 0.1 for i in range(40)]     # wants 100, 99, 98, ...
    check_conforms(plain(rates, step_s=60.0, policy=(
        "reactive", {"scale_down_window_s": window, "scale_up_period_s": 0.0})))


# ---- behaviours worked out by hand (on both implementations) ------------------------------------


def run(case: Case, impl: str) -> tuple[dict, dict]:
    """(metrics, traces) of the case's first sample by ``impl``."""
    if impl == "reference":
        out, trace = reference(case, 0)
    else:
        case.n_traced = 1
        outs, traces = kernel(case)
        out, trace = outs[0], traces[0]
    return dict(zip(FLEET_METRIC_NAMES, out)), dict(zip(TRACE_NAMES, trace))


both = pytest.mark.parametrize("impl", ["reference", "kernel"])


@both
def test_a_static_fleet_under_constant_demand_has_ceil_rate_over_target_slo_capacity_replicas(impl):
    # 37 requests/s, 1.5 requests/s of SLO capacity a replica loaded to 80 %: ceil(30.83) = 31
    rate, sat, slo, target = 37.0, 2.0, 1.5, 0.8
    case = plain([rate] * 12, policy=("static", {"target_utilization": target}),
                 saturated_rate=sat, slo_rate=slo)
    v, tr = run(case, impl)
    n = math.ceil(rate / (target * slo))
    assert n == 31
    assert v["replicas_mean"] == v["replicas_peak"] == n
    assert list(tr["replicas"]) == list(tr["serving"]) == [n] * 12
    assert v["utilization_mean"] == pytest.approx(rate / (n * sat), rel=1e-12)
    assert v["unserved_share"] == 0.0
    assert v["device_hours_per_month"] == pytest.approx(n * 8 * HOURS_PER_MONTH, rel=1e-12)


@both
def test_a_constant_rate_the_fleet_cannot_serve_leaves_a_growing_backlog(impl):
    # two replicas serve at most 2 x 0.99 x 2 = 3.96 requests/s of the 10 that arrive
    case = plain([10.0] * 6, policy=("static", {"max_replicas": 2}), saturated_rate=2.0)
    v, tr = run(case, impl)
    cap = 2 * TOP_LOAD * 2.0
    assert v["unserved_share"] == pytest.approx((10.0 - cap) / 10.0, rel=1e-12)
    assert v["unserved_share"] > 0.0 and v["slo_attainment"] < 1.0
    assert v["utilization_mean"] == pytest.approx(TOP_LOAD, rel=1e-12)
    assert v["ttft_p99_s"] > 300.0     # the last requests have waited most of the horizon
    assert list(tr["utilization"]) == pytest.approx([TOP_LOAD] * 6, rel=1e-12)


@both
def test_a_burst_backlog_drains_once_demand_falls(impl):
    # one minute at 50/s on a fleet of 3.96/s: a backlog of (50 - 3.96) x 60 = 2762 requests,
    # drained at 3.96 - 0.5/s over 798 s: 14 steps of a minute
    rates = [1.0] + [50.0] + [0.5] * 16
    case = plain(rates, step_s=60.0, policy=("static", {"max_replicas": 2}), saturated_rate=2.0)
    v, tr = run(case, impl)
    cap = 2 * TOP_LOAD * 2.0
    drain_s = (50.0 - cap) * 60.0 / (cap - 0.5)
    full = int(drain_s // 60.0)
    assert full == 13
    assert v["unserved_share"] == 0.0
    busy = tr["utilization"]
    assert busy[1:2 + full] == pytest.approx([TOP_LOAD] * (full + 1), rel=1e-12)
    assert TOP_LOAD * 0.125 < busy[2 + full] < TOP_LOAD         # drains within that step
    assert busy[3 + full:] == pytest.approx([0.5 / (2 * 2.0)] * (len(rates) - 3 - full), rel=1e-12)
    assert v["ttft_p99_s"] > 60.0      # the burst's requests waited minutes
    # every request was served: the bill over all their tokens is the cost per token
    bill = v["usd_per_month"] * (len(rates) * 60.0 / 3600.0) / HOURS_PER_MONTH
    assert v["usd_per_mtok"] == pytest.approx(bill / (sum(rates) * 60.0 * 300.0) * 1e6, rel=1e-9)


@both
def test_no_demand_meets_every_target_and_serves_no_tokens(impl):
    v, _ = run(plain([0.0] * 4, policy=("static", {"min_replicas": 2})), impl)
    assert v["slo_attainment"] == 1.0 and v["unserved_share"] == 0.0
    assert v["ttft_p95_s"] == v["ttft_p99_s"] == 0.0
    assert v["utilization_mean"] == 0.0 and v["usd_per_mtok"] == math.inf
    assert v["replicas_mean"] == 2.0
    # idle replicas draw idle power: 2 x 1500 W over the horizon, a month's worth
    assert v["kwh_per_month"] == pytest.approx(2 * 1500.0 / 1000.0 * HOURS_PER_MONTH, rel=1e-12)


@both
@pytest.mark.parametrize("kind", ["static", "reactive"])
def test_a_zero_slo_capacity_makes_the_sizing_policies_ask_for_max_replicas(impl, kind):
    v, _ = run(plain([1.0, 5.0, 2.0], slo_rate=0.0, policy=(kind, {"max_replicas": 7})), impl)
    assert v["replicas_mean"] == v["replicas_peak"] == 7.0


@both
def test_an_owned_fleet_is_charged_its_peak_for_the_whole_horizon(impl):
    rented, _ = run(plain(BURST, policy=REACTIVE, cold_start_s=200.0), impl)
    owned, _ = run(plain(BURST, policy=REACTIVE, cold_start_s=200.0, pays_peak=1.0), impl)
    assert owned["replicas_peak"] == rented["replicas_peak"] > rented["replicas_mean"]
    assert owned["device_hours_per_month"] == pytest.approx(
        owned["replicas_peak"] * 8 * HOURS_PER_MONTH, rel=1e-12)
    assert rented["device_hours_per_month"] == pytest.approx(
        rented["replicas_mean"] * 8 * HOURS_PER_MONTH, rel=1e-12)
    assert owned["usd_per_month"] > rented["usd_per_month"]
    assert owned["kwh_per_month"] == rented["kwh_per_month"]   # same fleet, same energy


@both
def test_reactive_replicas_are_paid_from_the_ask_and_serve_after_the_cold_start(impl):
    # 1.5 requests/s of SLO capacity at 80 %: 1.0 -> 1 replica; 60.0 -> 50; period 0: all at once
    rates = [1.0] * 3 + [60.0] * 6
    case = plain(rates, step_s=300.0, cold_start_s=750.0,
                 policy=("reactive", {"scale_up_period_s": 0.0, "scale_down_window_s": 300.0}))
    v, tr = run(case, impl)
    # the step after the jump (t=4) asks for 49 more; they serve from 4 x 300 + 750 = 1950 s,
    # half-way through step 6
    assert list(tr["replicas"]) == [1.0] * 4 + [50.0] * 5
    assert list(tr["serving"]) == [1.0] * 6 + [25.5] + [50.0] * 2
    assert v["replicas_peak"] == 50.0
    assert v["unserved_share"] > 0.0


@both
def test_a_cold_start_longer_than_the_horizon_never_adds_a_serving_replica(impl):
    case = plain([1.0] * 2 + [60.0] * 6, cold_start_s=MAX_COLD_START_S,
                 policy=("reactive", {"scale_up_period_s": 0.0}))
    _, tr = run(case, impl)
    assert list(tr["serving"]) == [1.0] * 8
    assert list(tr["replicas"]) == [1.0] * 3 + [50.0] * 5


@both
def test_reactive_scale_down_keeps_the_largest_wish_of_its_window(impl):
    # one step at 60/s (seen a step later) then 1/s: the fleet keeps 50 for the 300 s window
    rates = [1.0] * 3 + [60.0] + [1.0] * 10
    case = plain(rates, step_s=60.0,
                 policy=("reactive", {"scale_up_period_s": 0.0, "scale_down_window_s": 300.0}))
    _, tr = run(case, impl)
    assert list(tr["replicas"]) == [1.0] * 4 + [50.0] * 6 + [1.0] * 4


@both
@pytest.mark.parametrize("period, expected", [
    (60.0, [1.0] * 3 + [6.0, 11.0, 16.0, 21.0, 26.0, 31.0, 36.0]),   # 1 a period, 5 periods a step
    (600.0, [1.0] * 3 + [2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0]),        # 1 every other step
    (0.0, [1.0] * 3 + [50.0] * 7),                                   # at once
])
def test_reactive_scale_up_adds_at_most_its_step_per_period(impl, period, expected):
    case = plain([1.0] * 2 + [60.0] * 8, step_s=300.0, policy=("reactive", {
        "scale_up_replicas": 1, "scale_up_percent": 0.0, "scale_up_period_s": period}))
    _, tr = run(case, impl)
    assert list(tr["replicas"]) == expected


@both
def test_reactive_scale_up_by_percent_compounds_within_a_step(impl):
    # +100 % a minute, 5 minutes a step: 1 -> 2 -> 4 -> 8 -> 16 -> 32, then 50 (what it wants)
    case = plain([1.0] * 2 + [60.0] * 4, step_s=300.0, policy=("reactive", {
        "scale_up_replicas": 0, "scale_up_percent": 100.0, "scale_up_period_s": 60.0}))
    _, tr = run(case, impl)
    assert list(tr["replicas"]) == [1.0] * 3 + [32.0, 50.0, 50.0]


@both
def test_a_scheduled_fleet_serves_its_hourly_counts_at_once(impl):
    hourly = [h % 5 for h in range(24)]
    case = plain([0.5] * 52, step_s=1800.0, cold_start_s=5000.0,
                 policy=("scheduled", {"replicas": hourly}))
    v, tr = run(case, impl)
    expected = [float(hourly[(t // 2) % 24]) for t in range(52)]
    assert list(tr["replicas"]) == list(tr["serving"]) == expected
    assert v["replicas_peak"] == 4.0
