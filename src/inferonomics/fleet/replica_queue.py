"""One replica under load (issue 13): a queue whose service rate depends on how many requests share
the batch, with the KV cache bounding how many can.

The replica is a birth-death chain on ``n``, the requests in the system (waiting or in service):

* Arrivals are Poisson at ``arrival_rate`` lambda (requests/s): the birth rate in every state.
* At most ``B = max_batch`` requests are in service (resident in the KV cache: a request holds its
  cache blocks from its prefill until its last token, so memory, not compute, caps concurrency; the
  per-replica model's ``max_batch`` at the workload's lengths is that cap). The rest wait, first
  come first served.
* With ``k = min(n, B)`` in service the replica completes requests at rate

      mu(k) = k / (k * prefill_s + output_tokens * step_s[k])

  which is the per-replica model's cycle (:mod:`inferonomics.model.reference`, "steady-state
  serving"): one pass runs at a time, so each request's prefill is a pass of its own that stalls the
  batch, and in the time ``k`` resident sequences make ``output_tokens`` tokens each the replica
  also runs their ``k`` prefills. Hence ``mu(B) * output_tokens`` is the model's ``tokens_per_s`` at
  ``batch = max_batch``. (llm-d's workload-variant autoscaler writes ``k / (prefill + O * step)``,
  charging one prefill per cycle as if prefills overlapped decode; that is the same at ``k = 1`` and
  faster at larger ``k``.)
* Service is taken as memoryless (the chain's assumption): exact when output lengths are geometric
  and prefill is short next to decode; with fixed output lengths the chain over-states waits (see
  the tests for how much).

Above ``B`` the death rate is constant, ``mu(B)``, so the chain's tail is geometric with ratio
``rho = lambda / mu(B)`` and everything has a closed form (no truncation of the state space):
``p_n = p_0 prod_{i<=n} lambda / mu(i)`` for ``n < B`` and ``p_n = p_B rho^(n-B)`` above. The
replica is stable when ``lambda < mu(B)``; at or above it the queue grows without bound and
:func:`replica_queue` says so (``stable`` False, waits infinite) instead of computing figures.

Waiting for a slot (arrivals see the time averages, PASTA): an arrival that finds ``n >= B``
waits for ``n - B + 1`` departures at rate ``mu(B)``. Given that it waits, ``n - B`` is geometric
with ratio ``rho``, and a geometric number of exponential stages is exponential, so

    P(S > t) = C * exp(-(mu(B) - lambda) * t),   C = P(n >= B)

(Erlang's C formula generalised to state-dependent rates): mean ``C / (mu(B) - lambda)`` and
quantile ``ln(C / (1 - q)) / (mu(B) - lambda)`` (0 when ``C <= 1 - q``): ``wait_mean_s`` and
``wait_quantile``, for which Little's law holds with the chain's queue.

Waiting for the first pass: with a slot, a request still waits for the pass in progress and for
the prefills queued before its own, since the replica runs one pass at a time and runs waiting
prefills before the next decode step. Seen from the prefills this is an M/D/1 queue with
vacations: prefills arrive at ``lambda`` and take ``D = prefill_s`` each (a share
``rho_p = lambda * D`` of the replica's time); when none waits the replica runs a decode step (a
vacation: ``step_s[k]`` with ``k`` resident) or, with none resident, idles. The queue is empty when
each step starts, so the decomposition of M/G/1 queues with generalised vacations (Fuhrmann and
Cooper, 1985) applies: the wait is X = M + Y, independent, with

* M the M/D/1 wait: with probability ``(1 - rho_p) rho_p^j`` the sum of ``j`` uniform(0, D)
  residuals (Pollaczek-Khinchine), mean ``rho_p D / (2 (1 - rho_p))``;
* Y the residual of what runs at a random instant without a prefill: 0 while idle, uniform(0,
  ``step_s[k]``) during a step with ``k`` resident, in the shares of time the chain gives them,
  ``P(0)`` and ``P(k) * O step_s[k] / (k D + O step_s[k])`` (these sum to ``1 - rho_p``).

The time from arrival to the start of the request's prefill is the slot wait, then the wait for
the first pass: ``W = S + X`` (taken independent), mean ``C / (mu(B) - lambda) + rho_p D /
(2 (1 - rho_p)) + E[Y]`` (``ttft_wait_mean_s``). Its quantiles (``ttft_wait_quantile``) come from
its distribution on a lattice (256 steps to the longest pass; M by FFT, S's exponential added
exactly at the lattice points; numpy only, about a millisecond): within about a lattice step of
the model's. Time to first token is W plus one prefill. Adding S and X over-counts, for a request
that waits for a slot, the pass wait (its prefill starts when the step that frees the slot ends):
by about a pass, where the slot wait already over-states. The mixture (S if the batch is full, else
X) avoids that, but where the chain's exponential slot wait is shorter than a step it makes TTFT
fall as load rises; the sum is monotone and conservative.

Time per output token at ``k`` in service is the model's ``tpot_s`` at batch ``k``: a sequence's own
steps plus the stalls for the others' prefills, ``step_s[k] + (k - 1) * prefill_s / output_tokens``.
Its mean and quantiles are over output tokens: a state with ``k`` in service makes tokens at
``k / tpot(k)`` per second, so tokens weight the chain's states by ``P(k) * k / tpot(k)``.

Measured against a simulation of a continuous-batching replica (``tests/test_replica_queue.py``;
one pass at a time, prefills first, geometric output lengths). Where the KV cache is rarely the
bound (under 1% of arrivals wait for a slot), the mean is within 2% and p99 within 3.5%: 64
slots, 40 ms prefill, 15-30 ms steps, 100 output tokens (prefill 5% to 39% of the replica's time
at 10% to 85% load): p99 wait 38.4 ms vs 37.5 +- 0.8 ms simulated at 10% load, 92.1 vs
89.1 +- 2.8 ms at 70%, where the chain alone says 0; with prefill 43% of the time (32 slots, 20 ms
prefill, 16 output tokens, 70% load) 66.6 ms vs 71.7 +- 9.5 ms. Where the KV cache is the bound
and prefill is a small share (4 slots, 20 ms steps, 1 ms prefill), within 10% plus three standard
errors from 10% to 95% load (p99 4.59 s vs 4.11 +- 0.22 s at 95%). Deterministic parts of service
(fixed output lengths; prefill a large share while the KV cache is the bound) make departures more
regular than the chain's exponential ones, and the model then over-states the slot wait, by up to
about 2x at p99 (fixed lengths) and 1.5-1.7x (64 or 32 slots at 90% load, prefill over 40% of the
time).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ..api import evaluate, evaluate_batch
from ..errors import ScenarioError
from ..io.checks import describe, integer_argument, is_number
from ..io.fleet import DEFAULT_PERCENTILE
from ..io.scenario import Plan, Scenario, load_scenario
from ..model.reference import STATUS_MEMORY

GOODPUT_RTOL = 1e-6
"""Bisection for :func:`goodput` stops when its bracket is narrower than this share of the
saturated rate ``mu(B)``: the returned rate meets the targets and one ``GOODPUT_RTOL * mu(B)``
above it may not."""
LATTICE_STEPS = 256
"""Lattice steps in the longest pass (prefill plus the longest decode step): the wait for the first
pass is computed on a lattice this fine, so its quantiles are within about one step of the
model's."""
LATTICE_SPAN = 32
"""The most lattice points are this many times the steps in a pass (8,192 at 256: the step grows
beyond ``1 / lattice_steps`` of the longest pass only where
the M/D/1 tail is longer than this many steps: prefill nearly all of the replica's time)."""
_TAIL_EXPONENT = 30.0
"""The lattice spans the longest pass plus ``_TAIL_EXPONENT`` decay lengths of the M/D/1 wait's
tail, leaving beyond it a share below exp(-30), about 1e-13."""


def positive_argument(path: str, x: Any, *, allow_zero: bool = False, low: float | None = None) -> float:
    """``x`` as a finite float > 0 (>= 0 with ``allow_zero``, >= ``low`` when given)."""
    value = float(x) if is_number(x) else math.nan   # text and bools are refused, not converted
    if not math.isfinite(value):
        ok = False
    elif low is not None:
        ok = value >= low
    else:
        ok = value >= 0 if allow_zero else value > 0
    if not ok:
        wanted = (f"a finite number >= {low:g}" if low is not None
                  else "a finite number >= 0" if allow_zero else "a finite number > 0")
        raise ScenarioError(path, f"must be {wanted}, got {describe(x)}")
    return value


@dataclass(frozen=True)
class ReplicaService:
    """How fast one replica serves, at each number of requests in its batch.

    Parameters
    ----------
    prefill_s : float
        Duration of one prompt's prefill pass, s (> 0; the model's ``prefill_s``).
    step_s : array of float, length ``max_batch``
        ``step_s[k - 1]`` is one decode step of the whole batch with ``k`` sequences, s (> 0; the
        model's ``decode_step_s`` at ``batch = k``).
    output_tokens : float
        Mean output tokens per request (>= 1).
    max_batch : int
        Most requests in service at once (>= 1): the KV cache's capacity at the workload's lengths
        (the model's ``max_batch``), or a scheduler's lower cap.
    """

    prefill_s: float
    step_s: np.ndarray = field(repr=False)
    output_tokens: float
    max_batch: int

    def __post_init__(self):
        if isinstance(self.max_batch, (bool, np.bool_)) or not isinstance(
                self.max_batch, (int, np.integer)) or self.max_batch < 1:
            raise ScenarioError("max_batch", f"must be an integer >= 1, got {self.max_batch!r}")
        object.__setattr__(self, "max_batch", int(self.max_batch))
        object.__setattr__(self, "prefill_s", positive_argument("prefill_s", self.prefill_s))
        object.__setattr__(self, "output_tokens",
                           positive_argument("output_tokens", self.output_tokens, low=1.0))
        try:
            steps = np.array(self.step_s, dtype=np.float64)
        except (TypeError, ValueError):
            raise ScenarioError("step_s", "must be an array of numbers, one decode step time (s) "
                                f"per batch size 1..{self.max_batch}") from None
        if steps.shape != (self.max_batch,):
            raise ScenarioError("step_s", f"must be one step time (s) per batch size 1..max_batch, "
                                f"shape ({self.max_batch},), got shape {steps.shape}")
        bad = ~(np.isfinite(steps) & (steps > 0))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise ScenarioError(f"step_s[{k}]",
                                f"must be a finite number > 0 (s), got {steps[k]:g}")
        steps.setflags(write=False)
        object.__setattr__(self, "step_s", steps)

    @property
    def batch(self) -> np.ndarray:
        """k = 1 .. max_batch, the batch sizes ``step_s`` describes."""
        return np.arange(1, self.max_batch + 1, dtype=np.float64)

    @property
    def service_rate(self) -> np.ndarray:
        """mu(k), requests/s completed with k = 1 .. max_batch in service."""
        k = self.batch
        return k / (k * self.prefill_s + self.output_tokens * self.step_s)

    @property
    def tpot_s(self) -> np.ndarray:
        """Time per output token a sequence sees with k = 1 .. max_batch in service, s: its own
        steps plus the stalls for the other k - 1 sequences' prefills (the model's ``tpot_s``)."""
        return self.step_s + (self.batch - 1.0) * self.prefill_s / self.output_tokens

    @property
    def saturated_rate(self) -> float:
        """mu(max_batch), requests/s: the most a replica completes, and the stability bound."""
        return float(self.service_rate[-1])


@dataclass(frozen=True)
class QueueState:
    """One replica at one arrival rate: the chain's stationary distribution and what follows.

    ``stable`` is False when ``arrival_rate >= saturated_rate``: the queue then grows without bound,
    the wait and TTFT figures are ``math.inf``, utilization is 1 and the batch is full. Use
    ``stable`` before averaging these figures. Times are in s, rates in requests/s.
    """

    service: ReplicaService = field(repr=False)
    arrival_rate: float
    stable: bool
    in_service: np.ndarray = field(repr=False)
    """P(k in service) for k = 0 .. max_batch (k = max_batch: the batch full, a queue or not)."""
    p_wait: float
    """P(an arrival waits for a slot) = P(n >= max_batch), by PASTA."""
    mean_in_system: float
    utilization: float
    """Share of time the replica is busy, P(n > 0)."""
    mean_batch: float
    """Time-average requests in service, E[min(n, max_batch)]."""
    lattice_steps: int = LATTICE_STEPS
    """Lattice steps in the longest pass for the TTFT distribution (at most
    ``LATTICE_SPAN x lattice_steps`` points in all): finer is closer to the model, slower."""

    @property
    def saturated_rate(self) -> float:
        return self.service.saturated_rate

    @property
    def load(self) -> float:
        """arrival_rate / saturated_rate: the share of the replica's capacity asked for."""
        return self.arrival_rate / self.saturated_rate

    # -- waiting for a KV slot (the chain) ------------------------------------------------------
    def _drain_rate(self) -> float:
        return self.saturated_rate - self.arrival_rate

    @property
    def wait_mean_s(self) -> float:
        """Mean wait for a slot in the batch (the chain's wait; 0 for an arrival that finds a free
        slot), s. Little's law holds for it: requests waiting = ``arrival_rate * wait_mean_s``."""
        return self.p_wait / self._drain_rate() if self.stable else math.inf

    def wait_quantile(self, q: float) -> float:
        """The ``q``-quantile of the wait for a slot, s, from
        ``P(wait > t) = p_wait * exp(-(mu(B) - lambda) t)``."""
        q = quantile_level(q)
        if not self.stable:
            return math.inf
        if self.p_wait <= 1.0 - q:
            return 0.0
        return math.log(self.p_wait / (1.0 - q)) / self._drain_rate()

    # -- waiting for the first pass and time to first token -----------------------------------
    @property
    def prefill_share(self) -> float:
        """Share of the replica's time spent in prefill passes, ``arrival_rate * prefill_s``."""
        return min(self.arrival_rate * self.service.prefill_s, 1.0)

    def _idle_and_step_shares(self) -> np.ndarray:
        """Shares of the time the replica runs no prefill: idle (entry 0), then decode steps with
        k = 1 .. max_batch resident; they sum to ``1 - prefill_share``."""
        s = self.service
        decode = s.output_tokens * s.step_s
        return np.concatenate([self.in_service[:1],
                               self.in_service[1:] * decode / (s.batch * s.prefill_s + decode)])

    @property
    def pass_wait_mean_s(self) -> float:
        """Mean wait of an arrival that finds a free slot, s: the pass in progress and the prefills
        queued before its own (an M/D/1 queue of prefills with decode steps as vacations)."""
        if not self.stable:
            return math.inf
        shares = self._idle_and_step_shares()
        rho, d = self.prefill_share, self.service.prefill_s
        residual = 0.5 * float(shares[1:] @ self.service.step_s) / shares.sum()
        return rho * d / (2.0 * (1.0 - rho)) + residual

    @property
    def ttft_wait_mean_s(self) -> float:
        """Mean time from arrival to the start of the request's prefill, s: the wait for a slot
        (if the batch is full), then the wait for the first pass."""
        if not self.stable:
            return math.inf
        return self.wait_mean_s + self.pass_wait_mean_s

    def ttft_wait_quantile(self, q: float) -> float:
        """The ``q``-quantile of the time from arrival to the start of the request's prefill, s."""
        q = quantile_level(q)
        if not self.stable:
            return math.inf
        if self.arrival_rate == 0.0:
            return 0.0
        t, survival, last = self._ttft_wait_lattice
        above = np.flatnonzero(survival <= 1.0 - q)
        if above.size == 0:   # beyond the lattice: the slot wait's exponential tail, from ``last``
            if last <= 1.0 - q:   # q within the first pass's truncated tail (below 1e-13)
                return float(t[-1])
            return float(t[-1]) + math.log(last / (1.0 - q)) / self._drain_rate()
        j = int(above[0])
        if j == 0:
            return 0.0
        s0, s1 = survival[j - 1], survival[j]   # s0 > 1 - q >= s1
        return float(t[j - 1] + (t[j] - t[j - 1]) * (s0 - (1.0 - q)) / (s0 - s1))

    @cached_property
    def _ttft_wait_lattice(self) -> tuple[np.ndarray, np.ndarray, float]:
        """P(time to the start of prefill > t) on a lattice (``lattice_steps`` steps to the longest
        pass), and the slot wait's share of it at the last point.

        The wait for the first pass is X = M + Y, independent: M the M/D/1 wait (a geometric
        number, ratio ``prefill_share``, of uniform(0, prefill_s) residuals: Pollaczek-Khinchine)
        and Y the residual of the idle time (0) or decode step in progress when the prefill queue
        is empty (uniform(0, step_s[k]) in the shares of the time). Both are put on the lattice by
        rounding to the nearest point, M by FFT (its tail beyond the lattice is under 1e-13). The
        slot wait S (0 with probability 1 - C, else exponential at rate r = mu(B) - lambda) is
        added exactly at the lattice points: P(S + X > t) = P(X > t) + C sum_{x <= t} P(X = x)
        exp(-r (t - x))."""
        s = self.service
        rho, d = self.prefill_share, s.prefill_s
        shares = self._idle_and_step_shares()
        shares = shares / shares.sum()
        longest = float(s.step_s.max()) + d
        span = longest + _TAIL_EXPONENT * d / _md1_decay(rho)
        # The lattice step depends on the service only (so that rounding to it keeps the order
        # of the waits at different loads), unless the M/D/1 tail needs more points than
        # LATTICE_SPAN x lattice_steps.
        dt = max(longest / self.lattice_steps, span / (LATTICE_SPAN * self.lattice_steps))
        n = 1 << max(math.ceil(math.log2(span / dt)), 1)
        t = np.arange(n) * dt
        mid = (np.arange(n) + 0.5) * dt   # point j holds the mass in [t_j - dt/2, t_j + dt/2)
        uniform = np.diff(np.concatenate([[0.0], np.minimum(mid / d, 1.0)]))
        # Y's CDF at the mid points: idle, plus each step k's uniform(0, step_s[k]).
        order = np.argsort(s.step_s, kind="stable")
        steps, weights = s.step_s[order], shares[1:][order]
        done = np.searchsorted(steps, mid, side="right")   # steps over by mid
        finished = np.concatenate([[0.0], np.cumsum(weights)])[done]
        rate = np.concatenate([np.cumsum((weights / steps)[::-1])[::-1], [0.0]])[done]
        residual = np.diff(np.concatenate([[0.0], np.minimum(shares[0] + finished + mid * rate,
                                                            1.0)]))
        # Linear convolutions by FFT on 2n points (no wrap-around within the lattice).
        spectrum = (1.0 - rho) / (1.0 - rho * np.fft.rfft(uniform, 2 * n)) * np.fft.rfft(residual,
                                                                                        2 * n)
        first_pass = np.clip(np.fft.irfft(spectrum, 2 * n)[:n], 0.0, None)
        # C sum_{i <= j} P(X = t_i) exp(-r (t_j - t_i)): a convolution with the exponential kernel
        # a^i (i < n, a = exp(-r dt)), whose transform on 2n points is (1 - a^n (-1)^m) /
        # (1 - a exp(-i pi m / n)) at frequency m.
        decay = self._drain_rate() * dt
        a = math.exp(-decay)
        m = np.arange(n + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            kernel = ((1.0 - a ** n * (1.0 - 2.0 * (m % 2)))
                      / (1.0 - a * np.exp(-1j * np.pi * m / n)))
        # m = 0, the kernel's sum, without cancellation when decay is tiny (near saturation).
        kernel[0] = math.expm1(-n * decay) / math.expm1(-decay) if decay > 0.0 else float(n)
        slot = self.p_wait * np.clip(np.fft.irfft(spectrum * kernel, 2 * n)[:n], 0.0, None)
        survival = np.clip(1.0 - np.cumsum(first_pass), 0.0, None) + slot
        return t, np.minimum.accumulate(survival), float(slot[-1])

    def ttft_survival(self, times: np.ndarray) -> np.ndarray:
        """P(time to first token > t) at each of ``times`` (s): 1 before one prefill, then the
        survival of the wait to the start of prefill at ``t - prefill_s``, linear between the
        lattice's points (as :meth:`ttft_wait_quantile` reads it) and the slot wait's exponential
        tail beyond them."""
        times = np.asarray(times, dtype=np.float64)
        if not self.stable:
            return np.ones_like(times)
        wait = times - self.service.prefill_s
        if self.arrival_rate == 0.0:
            return np.where(wait < 0.0, 1.0, 0.0)
        t, survival, last = self._ttft_wait_lattice
        inside = np.interp(wait, t, survival)
        beyond = last * np.exp(-self._drain_rate() * np.maximum(wait - t[-1], 0.0))
        return np.where(wait < 0.0, 1.0, np.where(wait <= t[-1], inside, beyond))

    def tpot_share_within(self, target_s: float) -> float:
        """Share of output tokens made with a time per output token of at most ``target_s`` (s)."""
        return float(self._token_weights()[self.service.tpot_s <= target_s].sum())

    @property
    def ttft_mean_s(self) -> float:
        """Mean time to first token (the wait to the start of prefill, plus one prefill), s."""
        return self.ttft_wait_mean_s + self.service.prefill_s

    def ttft_quantile(self, q: float) -> float:
        """The ``q``-quantile of time to first token, s."""
        return self.ttft_wait_quantile(q) + self.service.prefill_s

    # -- time per output token ------------------------------------------------------------------
    def _token_weights(self) -> np.ndarray:
        """Share of output tokens made with k = 1 .. max_batch in service."""
        tpot = self.service.tpot_s
        w = self.in_service[1:] * self.service.batch / tpot
        if w.sum() <= 0:   # no load: a request that arrives is served alone
            w = np.zeros_like(tpot)
            w[0] = 1.0
        return w / w.sum()

    @property
    def tpot_mean_s(self) -> float:
        """Mean time per output token over the tokens made, s."""
        return float(self._token_weights() @ self.service.tpot_s)

    def tpot_quantile(self, q: float) -> float:
        """The ``q``-quantile of time per output token over the tokens made, s."""
        q = quantile_level(q)
        order = np.argsort(self.service.tpot_s, kind="stable")
        share = np.cumsum(self._token_weights()[order])
        # The smallest tpot whose cumulative token share reaches q (rounding-safe at q = 1).
        i = min(int(np.searchsorted(share, q * share[-1], side="left")), len(order) - 1)
        return float(self.service.tpot_s[order[i]])

    def summary(self) -> dict[str, Any]:
        """The figures at p90 and p99, as plain numbers."""
        out: dict[str, Any] = {"arrival_rate": self.arrival_rate, "load": self.load,
                               "stable": self.stable, "utilization": self.utilization,
                               "mean_batch": self.mean_batch, "p_wait": self.p_wait,
                               "prefill_share": self.prefill_share,
                               "wait_mean_s": self.wait_mean_s,
                               "pass_wait_mean_s": self.pass_wait_mean_s,
                               "ttft_wait_mean_s": self.ttft_wait_mean_s,
                               "ttft_mean_s": self.ttft_mean_s, "tpot_mean_s": self.tpot_mean_s}
        for q in (0.9, 0.99):
            tag = f"p{round(q * 100)}"
            out[f"wait_{tag}_s"] = self.wait_quantile(q)
            out[f"ttft_wait_{tag}_s"] = self.ttft_wait_quantile(q)
            out[f"ttft_{tag}_s"] = self.ttft_quantile(q)
            out[f"tpot_{tag}_s"] = self.tpot_quantile(q)
        return out


def _md1_decay(rho: float) -> float:
    """x = theta * prefill_s > 0 with rho * (e^x - 1) / x = 1: the M/D/1 wait's tail decays as
    exp(-theta t) (Cramer-Lundberg; the root of the residual's moment generating function)."""
    if rho <= 0.0:
        return math.inf
    log_rho = math.log(rho)

    def below(x: float) -> bool:   # rho (e^x - 1) / x <= 1, in logs: no overflow for tiny rho
        return log_rho + x + math.log(-math.expm1(-x)) - math.log(x) <= 0.0

    low, high = 0.0, 1.0
    while below(high):
        low, high = high, 2.0 * high
    for _ in range(100):
        mid = 0.5 * (low + high)
        if mid in (low, high):
            break
        low, high = (mid, high) if below(mid) else (low, mid)
    return high


def latency_target(path: str, x: Any) -> float:
    """A latency target, s: a number > 0, or inf for none."""
    if is_number(x) and float(x) == math.inf:
        return math.inf
    return positive_argument(path, x)


def quantile_level(q: Any) -> float:
    """``q`` as a float in (0, 1): the share of requests or tokens a quantile leaves below it."""
    value = float(q) if is_number(q) else math.nan
    if not 0.0 < value < 1.0:
        raise ScenarioError("percentile", f"must be a number in (0, 1), got {describe(q)}")
    return value


def replica_queue(service: ReplicaService, arrival_rate: float, *,
                  lattice_steps: int = LATTICE_STEPS) -> QueueState:
    """The stationary state of one replica serving Poisson arrivals at ``arrival_rate``
    (requests/s, >= 0): see the module docstring for the chain and its formulas;
    ``lattice_steps`` as in :class:`QueueState`."""
    lam = positive_argument("arrival_rate", arrival_rate, allow_zero=True)
    lattice_steps = integer_argument("lattice_steps", lattice_steps, 8, 1 << 16)
    mu = service.service_rate
    big_b = service.max_batch
    # The second test catches a rate one float below saturation whose prefills alone fill the
    # replica's time (decode steps a vanishing share of a prefill): the queue cannot keep up.
    if lam >= mu[-1] or lam * service.prefill_s >= 1.0:
        full = np.zeros(big_b + 1)
        full[-1] = 1.0
        return QueueState(service, lam, False, full, 1.0, math.inf, 1.0, float(big_b),
                          lattice_steps)
    if lam == 0.0:
        empty = np.zeros(big_b + 1)
        empty[0] = 1.0
        return QueueState(service, lam, True, empty, 0.0, 0.0, 0.0, 0.0, lattice_steps)
    # log p_n (unnormalised) for n = 0 .. B, in logs: prod lambda / mu(i) over- or underflows for
    # large batches at loads far from mu(1).
    log_p = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(mu))])
    rho = lam / mu[-1]
    log_p[-1] -= math.log1p(-rho)   # n >= B: p_B (1 + rho + rho^2 + ...) = p_B / (1 - rho)
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    p_wait = float(p[-1])
    k = np.arange(big_b + 1, dtype=np.float64)
    mean_batch = float(k @ p)
    # E[n] over n >= B: p_wait * (B + rho / (1 - rho)) (the geometric tail's mean beyond B).
    mean_in_system = float(k[:-1] @ p[:-1]) + p_wait * (big_b + rho / (1.0 - rho))
    return QueueState(service, lam, True, p, p_wait, mean_in_system, float(1.0 - p[0]), mean_batch,
                      lattice_steps)


def goodput(service: ReplicaService, *, ttft_slo_s: float, tpot_slo_s: float,
            percentile: float = DEFAULT_PERCENTILE) -> float:
    """The largest arrival rate (requests/s) at which one replica still meets both targets: the
    ``percentile`` of time to first token within ``ttft_slo_s`` (s) and of time per output token
    within ``tpot_slo_s`` (s); one of them may be inf (no target). 0 when even a lone request
    misses them.

    Found by bisection on (0, mu(max_batch)) to within ``GOODPUT_RTOL * mu(max_batch)``; the rate
    returned meets the targets. Both quantiles grow with the arrival rate (a larger rate makes more
    requests in the system more likely), so there is one crossing when ``tpot(k)`` does not fall
    as ``k`` grows, as in the per-replica model; the TTFT quantile grows without bound towards
    ``mu(max_batch)``, so the crossing lies below it.
    """
    ttft_slo = latency_target("ttft_slo_s", ttft_slo_s)
    tpot_slo = latency_target("tpot_slo_s", tpot_slo_s)
    if math.isinf(ttft_slo) and math.isinf(tpot_slo):
        raise ScenarioError("ttft_slo_s", "goodput needs a target: give ttft_slo_s or tpot_slo_s "
                            "(or both) as a finite number of seconds")
    q = quantile_level(percentile)

    def meets(lam: float) -> bool:
        state = replica_queue(service, lam)
        return state.ttft_quantile(q) <= ttft_slo and state.tpot_quantile(q) <= tpot_slo

    if not meets(0.0):
        return 0.0
    low, high = 0.0, service.saturated_rate
    while high - low > GOODPUT_RTOL * service.saturated_rate:
        mid = 0.5 * (low + high)
        low, high = (mid, high) if meets(mid) else (low, mid)
    return low


def service_from_plan(plan: Plan | Scenario | dict | str, *, max_batch: int | None = None,
                      backend: str = "auto") -> ReplicaService:
    """A replica's service from a scenario at its median inputs: ``prefill_s`` and ``step_s[k]``
    from the per-replica model at batch k = 1 .. ``max_batch``, the workload's median
    ``output_tokens``.

    ``max_batch`` defaults to the model's ``max_batch`` (the KV cache's capacity at the workload's
    lengths); a smaller one models a scheduler's cap on running sequences (vLLM's
    ``max_num_seqs``). The scenario's own ``batch`` is ignored: under load the batch is whatever the
    queue makes it.
    """
    if not isinstance(plan, Plan):
        plan = load_scenario(plan).resolve()
    fits = evaluate(plan, batch="max")
    capacity = int(fits.max_batch)
    if fits.status == STATUS_MEMORY or capacity < 1:
        raise ScenarioError("workload", "one sequence does not fit in memory at the median "
                            "inputs (max_batch 0): nothing to queue for")
    if max_batch is None:
        max_batch = capacity
    elif isinstance(max_batch, (bool, np.bool_)) or not isinstance(max_batch, (int, np.integer)) \
            or not 1 <= max_batch <= capacity:
        raise ScenarioError("max_batch", f"must be an integer in [1, {capacity}] (the most "
                            f"sequences that fit), got {max_batch!r}")
    rows = evaluate_batch({"batch": np.arange(1, max_batch + 1, dtype=np.float64)}, plan=plan,
                          backend=backend)
    return ReplicaService(prefill_s=float(rows["prefill_s"][0]), step_s=rows["decode_step_s"],
                          output_tokens=plan.medians()["output_tokens"], max_batch=int(max_batch))
