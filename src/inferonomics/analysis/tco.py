"""Own, rent, reserve or use spot: what one deployment costs under each way of acquiring its
devices, as paired distributions (issue 12, part 2).

Every mode is simulated with the same seed, so the inputs the modes share (model, efficiency,
workload, utilisation) take the same draws in every mode and the comparison is sample by sample
(common random numbers). The modes differ in what they pay for:

* ``own`` and ``reserved`` pay every hour of the term, busy or idle, at the scenario's
  ``deployment.utilization``;
* ``rent`` (on demand) and ``spot`` pay only the hours that serve: capacity follows demand, so at
  utilisation ``u`` they cost ``u`` times what the model charges for paid-but-idle hours.

All modes serve the same demand: ``u`` x one replica's throughput. The break-even utilisation of
owning against a mode solves ``own(u) = mode(u)``; both are of the form ``a + b / u`` per token
(``own``: the energy of serving is paid per token, the rest per hour; ``reserved``: ``b / u``;
``rent`` and ``spot``: a constant), so two evaluations of owning, at full and half utilisation,
give ``a`` and ``b`` for each sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..api import simulate
from ..cores import backends
from ..cores.backends import MAX_SAMPLES
from ..errors import ScenarioError
from ..io import pricing
from ..io.checks import integer_argument
from ..io.demand import HOURS_PER_MONTH
from ..io.scenario import Scenario, load_scenario
from ..model.reference import SECONDS_PER_HOUR, STATUS_OK, TOKENS_PER_MTOK
from ..model.registry import COST_PART_METRICS, unit_of
from ..sampling.rng import DEFAULT_SEED, SeedLike, normalize_seed
from ..stats.describe import statistics
from .prefill_pool import refuse_prefill_pool

MODES = ("own", "rent", "reserved", "spot")
RENTAL_MODES = ("rent", "reserved", "spot")
PAYS_IDLE_HOURS = {"own": True, "reserved": True, "rent": False, "spot": False}
PART_METRICS = COST_PART_METRICS
REPORTED = ("usd_per_device_hour", "usd_per_mtok", "usd_per_month") + PART_METRICS
"""Per mode: USD per paid device-hour (all in, energy included), per million output tokens, per
month of the deployment at the scenario's utilisation, and the parts of the cost per token."""
UNITS = {"usd_per_device_hour": "USD/h", "usd_per_mtok": unit_of("usd_per_mtok"),
         "usd_per_month": "USD/month", **{m: unit_of(m) for m in PART_METRICS}}
HALF = 0.5   # the second utilisation owning is evaluated at, to separate its per-hour cost
DEFAULT_TCO_SAMPLES = 20_000


@dataclass
class TcoResult:
    """Per mode: its price basis and the per-sample costs (NaN where a sample could not run);
    modes the price book cannot price are in ``skipped`` with the reason."""

    scenario: Scenario
    samples: int
    seed: int
    backend: str
    utilization: np.ndarray
    basis: dict[str, str] = field(default_factory=dict)
    costs: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    inputs: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)   # each mode's draws
    break_even: dict[str, np.ndarray] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def p_own_cheaper(self, mode: str) -> float | None:
        """P(owning costs less per token than ``mode``) at the scenario's utilisation, over the
        samples feasible in both; None without owning, ``mode`` or a common feasible sample."""
        if "own" not in self.costs or mode not in self.costs:
            return None
        own, other = self.costs["own"]["usd_per_mtok"], self.costs[mode]["usd_per_mtok"]
        both = np.isfinite(own) & np.isfinite(other)
        return float(np.mean(own[both] < other[both])) if both.any() else None

    def to_dict(self) -> dict[str, Any]:
        """The ``tco --json`` object."""
        breaks = {}
        for mode, u in self.break_even.items():
            inside = np.isfinite(u) & (u > 0) & (u <= 1)
            breaks[mode] = {"share_with_break_even": float(inside.mean()) if u.size else 0.0,
                            **(statistics(u[inside]) or {})}
        return {
            "scenario": self.scenario.name, "samples": self.samples, "seed": self.seed,
            "backend": self.backend, "utilization": statistics(self.utilization),
            "modes": {mode: {"price_basis": self.basis[mode],
                             "pays_idle_hours": PAYS_IDLE_HOURS[mode],
                             **{m: statistics(v) for m, v in costs.items()}}
                      for mode, costs in self.costs.items()},
            "break_even_utilization": breaks,
            "p_own_cheaper": ({m: self.p_own_cheaper(m) for m in RENTAL_MODES if m in self.costs}
                              if "own" in self.costs else {}),
            "skipped": dict(self.skipped), "units": dict(UNITS),
        }


def in_mode(scenario: Scenario, mode: str, utilization: float | None = None) -> Scenario:
    """The scenario acquiring its devices in ``mode``: its own cost keys that the mode pays for
    are kept, the others dropped (a rented price means nothing to an owner)."""
    raw_cost = scenario.raw.get("cost", {})
    unused = pricing.unused_keys(mode) | {"mode"}
    unused |= {"tier"} if mode != "rent" else set()
    unused |= {"term_years"} if mode != "reserved" else set()
    # An hourly price the scenario gives is the price of the mode it gives it for (its cost.mode,
    # or rent); the other rented modes take the book's.
    given_for = raw_cost.get("mode") or pricing.given_mode(set(raw_cost))
    if mode != given_for:
        unused |= {"usd_per_device_hour"}
    cost = {k: v for k, v in raw_cost.items() if k not in unused}
    out = scenario.with_section("cost", {**cost, "mode": mode})
    if utilization is not None:
        out = out.with_values({"deployment.utilization": utilization})
    return out


def _per_sample(result) -> dict[str, np.ndarray]:
    out = result._table.outputs
    ok = out["status"] == STATUS_OK
    return {k: np.where(ok, v, np.nan) for k, v in out.items() if k != "status"}


def tco(scenario: Scenario | Mapping | str, samples: int = DEFAULT_TCO_SAMPLES,
        seed: SeedLike = DEFAULT_SEED, *, backend: str = "auto", threads: int | None = None,
        modes=MODES, break_even: bool = True) -> TcoResult:
    """The cost of ``scenario``'s deployment when its devices are owned, rented on demand,
    reserved or rented on spot, sample by sample (see the module's docstring).

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario without sweep axes; its ``[cost]`` keys apply to the modes that pay them, the
        price book fills the rest.
    samples : int
        Monte Carlo samples per mode (each is kept: about 1 kB per sample and mode).
    seed, backend, threads
        As in :func:`~inferonomics.simulate`; every mode uses the same seed.
    modes : sequence of str
        Which of ``own``, ``rent``, ``reserved``, ``spot`` to compare (all by default).
    break_even : bool
        Whether to find the break-even utilisations (two more simulations of owning).
    """
    scenario = load_scenario(scenario)
    if scenario.axes:
        raise ScenarioError(scenario.axes[0].path, "tco compares one configuration; fix the sweep "
                            "axis (--set) or run sweep once per mode")
    refuse_prefill_pool(scenario.resolve(), "tco")
    modes = tuple(modes)
    if not modes:
        raise ScenarioError("modes", f"name at least one of {', '.join(MODES)}")
    for mode in modes:
        if mode not in MODES:
            raise ScenarioError("modes", f"unknown mode {mode!r}; one of {', '.join(MODES)}")
    seed = normalize_seed(seed)
    # Checked here, so an error in them is not taken for a mode the book cannot price.
    samples = integer_argument("samples", samples, 1, MAX_SAMPLES)
    threads = backends.check_threads(threads)
    backends.get_backend(backend)
    result = TcoResult(scenario, samples, seed, "", np.empty(0))
    runs = {}
    for mode in modes:
        try:
            acquired = in_mode(scenario, mode)   # loading resolves the mode's prices
        except ScenarioError as exc:   # the book has no price for this mode on this device
            result.skipped[mode] = str(exc)
            continue
        runs[mode] = simulate(acquired, samples, seed, backend=backend, threads=threads,
                              keep_samples=True)
    if not runs:
        raise ScenarioError("cost", "no acquisition mode can be priced for this device: "
                            + "; ".join(result.skipped.values()))
    first = next(iter(runs.values()))
    result.backend = first.backend
    u = first._table.inputs["utilization"]
    result.utilization = u
    for mode, run in runs.items():
        values = _per_sample(run)
        # On demand and spot pay only the serving hours: u x the model's paid-idle cost.
        scale = np.ones_like(u) if PAYS_IDLE_HOURS[mode] else u
        per_mtok = {m: values[m] * scale for m in ("usd_per_mtok",) + PART_METRICS}
        tokens_per_month = values["tokens_per_s"] * u * SECONDS_PER_HOUR * HOURS_PER_MONTH
        per_month = per_mtok["usd_per_mtok"] * tokens_per_month / TOKENS_PER_MTOK
        devices = run._table.inputs["count"]
        paid_hours = devices * HOURS_PER_MONTH * (1.0 if PAYS_IDLE_HOURS[mode] else u)
        result.inputs[mode] = run._table.inputs
        result.costs[mode] = {"usd_per_device_hour": per_month / paid_hours,
                              "usd_per_mtok": per_mtok["usd_per_mtok"], "usd_per_month": per_month,
                              **{m: per_mtok[m] for m in PART_METRICS}}
        result.basis[mode] = run.plan.price_basis
    if "own" in runs and break_even:
        result.break_even = _break_even(scenario, runs, samples, seed, backend, threads, u)
    return result


def _break_even(scenario, runs, samples, seed, backend, threads, u) -> dict[str, np.ndarray]:
    """Per rental mode, the utilisation at which owning costs the same per token (NaN where the
    two never meet in (0, 1])."""
    full = _per_sample(simulate(in_mode(scenario, "own", 1.0), samples, seed, backend=backend,
                                threads=threads, keep_samples=True))["usd_per_mtok"]
    half = _per_sample(simulate(in_mode(scenario, "own", HALF), samples, seed, backend=backend,
                                threads=threads, keep_samples=True))["usd_per_mtok"]
    # own(u) = a + b / u: own(1) = a + b, own(1/2) = a + 2b.
    b_own = half - full
    a_own = full - b_own
    out = {}
    for mode in RENTAL_MODES:
        if mode not in runs:
            continue
        at_u = _per_sample(runs[mode])["usd_per_mtok"] * u   # the mode's cost at full use: b (or a)
        # reserved pays idle hours too: b / u per token; rent and spot pay a constant per token.
        a_mode, b_mode = (np.zeros_like(at_u), at_u) if PAYS_IDLE_HOURS[mode] else \
            (at_u, np.zeros_like(at_u))
        with np.errstate(divide="ignore", invalid="ignore"):
            meet = (b_mode - b_own) / (a_own - a_mode)
        out[mode] = np.where(np.isfinite(meet) & (meet > 0) & (meet <= 1), meet, np.nan)
    return out


__all__ = ["in_mode", "tco", "TcoResult", "MODES"]
