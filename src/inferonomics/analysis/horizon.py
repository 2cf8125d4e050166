"""The options over years of falling prices: what each costs today in present value, and the
probability that one beats another (issue 12, part 6).

Per sample, year ``y = 0 .. years-1`` of the horizon costs 12 months at that year's price and is
discounted to today at ``discount_rate`` from the middle of the year: ``(1 + r)^-(y + 1/2)``.
Monthly costs come from :func:`~inferonomics.analysis.tco.tco` (one replica's deployment at the
scenario's utilisation) and, with a ``[demand]``, from
:func:`~inferonomics.analysis.api_or_host.api_or_self_host`, with the same seed, so every option
shares the draws of the replica, the prices and the trends (common random numbers).

* ``own``: the replica's devices bought today, bought again at the end of each lifetime (at the
  hardware trend's price then), their resale value back at each end of life and their book value
  at the horizon's end (:class:`_Owning`), with today's hosting, colocation and electricity every
  month: falling prices do not reach hardware already bought. The payments are discounted at
  ``discount_rate``; ``cost.cost_of_capital`` (tco's per-hour annuity) is not used here.
* ``rent`` and ``spot``: today's price falling by ``rent_decline_per_year`` each year.
* ``reserved``: the price is fixed for each term and renews at the fallen price.
* ``rent, buy in year k`` (k = 1 .. years-1): rent until year k, then buy the hardware of year k,
  whose cost for the same work has fallen by ``hardware_decline_per_year`` a year; the purchase is
  a switch (``switching_usd`` at year k and a migration).
* with ``[demand]``: the ``api`` at today's bill divided by ``api_price_factor_per_year`` each
  year, against ``self_host``, whose fleet follows rental prices when rented and stays flat when
  owned (an owned fleet at tco's per-month annuity, a simplification next to ``own``'s
  purchases); the break-even monthly volume moves year by year with the ratio of the two.

When ``horizon.current`` names what runs today, every other option pays ``switching_usd`` when it
starts, and runs its first ``migration_months`` at ``migration_efficiency`` (its monthly cost, for
owning tco's per-month figure, divided by it): lock-in as a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..errors import ScenarioError
from ..io import pricing
from ..io.horizon import parse_horizon
from ..io.scenario import Scenario, load_scenario
from ..model.reference import MONTHS_PER_YEAR, TOKENS_PER_MTOK
from ..model.registry import HORIZON_DEFAULT_SOURCES, HORIZON_PARAMETERS
from ..sampling.columns import draw_column, sample_keys
from ..sampling.rng import DEFAULT_SEED, SeedLike, normalize_seed
from ..stats.describe import statistics
from .api_or_host import api_offer_of, api_or_self_host, break_even_volume
from .prefill_pool import refuse_prefill_pool
from .tco import tco

MID_YEAR = 0.5
DEFAULT_HORIZON_SAMPLES = 20_000
DEFAULT_TERM_YEARS = 1
RENTED_MODES = ("rent", "reserved", "spot")
MAX_PURCHASES = 100
"""Most purchases of the same hardware one horizon may cost (a 30-year horizon of 0.3-year lives)."""


def _discount(rate: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """Today's value of one USD paid at time ``t`` (years)."""
    return (1.0 + rate) ** -np.asarray(t, dtype=float)


@dataclass
class HorizonResult:
    """Per option, the present value of its cost over each sample's horizon (USD, NaN where the
    replica could not run); with ``[demand]``, the API against self-hosting year by year."""

    scenario: Scenario
    samples: int
    seed: int
    current: str | None
    years: np.ndarray
    inputs: dict[str, np.ndarray] = field(default_factory=dict)     # each horizon input's draws
    given: frozenset[str] = frozenset()                            # those the scenario gives
    present_value: dict[str, np.ndarray] = field(default_factory=dict)
    api: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def p_cheaper(self, a: str, b: str) -> float | None:
        """P(option ``a`` costs less than ``b`` over the horizon), over samples feasible in both."""
        x, y = self.present_value[a], self.present_value[b]
        both = np.isfinite(x) & np.isfinite(y)
        return float(np.mean(x[both] < y[both])) if both.any() else None

    def p_cheapest(self) -> dict[str, float]:
        """P(each option is the cheapest of all), over samples where every option is feasible."""
        names = list(self.present_value)
        table = np.vstack([self.present_value[n] for n in names])
        ok = np.isfinite(table).all(axis=0)
        if not ok.any():
            return {}
        best = np.argmin(table[:, ok], axis=0)
        return {n: float(np.mean(best == j)) for j, n in enumerate(names)}

    def to_dict(self) -> dict[str, Any]:
        """The ``horizon --json`` object."""
        waiting = {n: self.p_cheaper(n, "own") for n in self.present_value
                   if n.startswith("rent, buy") and "own" in self.present_value}
        return {
            "scenario": self.scenario.name, "samples": self.samples, "seed": self.seed,
            "current": self.current, "years": statistics(self.years.astype(float)),
            "inputs": {name: {"given": name in self.given, **(statistics(v) or {}),
                              **({"source": HORIZON_DEFAULT_SOURCES[name]}
                                 if name not in self.given and name in HORIZON_DEFAULT_SOURCES
                                 else {})}
                       for name, v in self.inputs.items()},
            "present_value_usd": {n: statistics(v) for n, v in self.present_value.items()},
            "p_cheapest": self.p_cheapest(),
            "p_waiting_beats_buying_now": waiting,
            "p_own_cheaper": {m: self.p_cheaper("own", m) for m in RENTED_MODES
                              if m in self.present_value and "own" in self.present_value},
            "api_vs_self_host": self.api, "skipped": dict(self.skipped),
            "units": {"present_value_usd": "USD (today's value of the horizon's payments)"}}


def horizon(scenario: Scenario | Mapping | str, samples: int = DEFAULT_HORIZON_SAMPLES,
            seed: SeedLike = DEFAULT_SEED, *, backend: str = "auto",
            threads: int | None = None) -> HorizonResult:
    """Present values of owning, renting, reserving, spot and renting then buying over
    ``scenario``'s ``[horizon]`` (defaults without one), and of the API against self-hosting
    when it has a ``[demand]`` (see the module's docstring).

    Parameters
    ----------
    scenario : Scenario, dict or path
        A scenario without sweep axes.
    samples, seed, backend, threads
        As in :func:`~inferonomics.analysis.tco.tco`; every option uses the same seed.
    """
    scenario = load_scenario(scenario)
    if scenario.axes:
        raise ScenarioError(scenario.axes[0].path, "horizon compares one configuration; fix the "
                            "sweep axis (--set)")
    refuse_prefill_pool(scenario.resolve(), "horizon")
    hz = scenario.analysis.get("horizon") or parse_horizon(None)
    if scenario.analysis.get("demand") is not None:
        api_offer_of(scenario)   # an API the book cannot price is refused before anything runs
    seed = normalize_seed(seed)
    costs = tco(scenario, samples, seed, backend=backend, threads=threads, break_even=False)
    keys = sample_keys(seed, costs.samples)
    x = {p.name: draw_column(hz.inputs[p.name], p.stream, keys, integer=p.integer)
         for p in HORIZON_PARAMETERS}
    years = x["years"].astype(np.int64)
    rate = x["discount_rate"]
    result = HorizonResult(scenario, costs.samples, seed, hz.current, years, inputs=x,
                           given=frozenset(hz.given), skipped=dict(costs.skipped))
    span = int(years.max())

    def present_value(monthly_by_year, option, start_year=0.0):
        """Sum over each sample's years of 12 x the month's cost, discounted from mid-year, plus
        the switch into ``option`` when it is not the current one (at ``start_year``)."""
        total = np.zeros(costs.samples)
        for y in range(span):
            month = monthly_by_year(y)
            total += np.where(y < years, MONTHS_PER_YEAR * month * _discount(rate, y + MID_YEAR), 0.0)
        if hz.current is not None and option != hz.current:
            total += _switch(x, rate, monthly_by_year(int(start_year)), start_year)
        return total

    rent_factor = lambda y: (1.0 - x["rent_decline_per_year"]) ** y
    monthly = {m: c["usd_per_month"] for m, c in costs.costs.items()}
    if "own" in monthly:
        owning = _Owning(costs, x, rate, years)
        result.present_value["own"] = owning.present_value(0) + (
            _switch(x, rate, monthly["own"], 0.0) if hz.current not in (None, "own") else 0.0)
    for mode in ("rent", "spot"):
        if mode in monthly:
            result.present_value[mode] = present_value(
                lambda y, m=mode: monthly[m] * rent_factor(y), mode)
    if "reserved" in monthly:
        term = _reserved_term(costs.basis["reserved"])
        result.present_value["reserved"] = present_value(
            lambda y: monthly["reserved"] * rent_factor(term * (y // term)), "reserved")
    if "own" in monthly and "rent" in monthly:
        for k in range(1, span):
            # Rent before year k, then own hardware bought in year k; a sample whose horizon ends
            # before year k never buys. The purchase is a switch whatever runs today.
            renting = lambda y, k=k: np.where(y < k, monthly["rent"] * rent_factor(y), 0.0)
            pv = present_value(renting, "rent") + owning.present_value(k)
            result.present_value[f"rent, buy in year {k}"] = pv + np.where(
                k < years, _switch(x, rate, monthly["own"], float(k)), 0.0)
    if scenario.analysis.get("demand") is not None:
        result.api = _api_over_years(scenario, costs, x, rate, years, span, hz.current,
                                     backend, threads)
    return result


class _Owning:
    """Owning's payments, per sample: the replica's devices bought (``count x purchase_usd`` at
    today's price, times the hardware trend ``(1 - hardware_decline_per_year)^t`` when bought in
    year ``t``), bought again at the end of each ``lifetime_years``, their resale value
    (``residual_fraction`` of what they cost) back at each end of life and, at the horizon's end,
    the book value of what is still in use (falling in a straight line from the price to the resale
    value over the life); hosting, colocation and electricity every month (today's, flat)."""

    def __init__(self, costs, x, rate, years):
        drawn = costs.inputs["own"]
        self.price = drawn["count"] * drawn["purchase_usd"]
        self.life = drawn["lifetime_years"]
        self.residual = drawn["residual_fraction"]
        own = costs.costs["own"]
        with np.errstate(invalid="ignore", divide="ignore"):
            running = np.where(own["usd_per_mtok"] > 0, (own["hosting_usd_per_mtok"]
                               + own["energy_usd_per_mtok"]) / own["usd_per_mtok"], 0.0)
        self.running_month = own["usd_per_month"] * running
        self.decline, self.rate, self.years = x["hardware_decline_per_year"], rate, years
        purchases = np.ceil(years / self.life)
        if np.nanmax(purchases) > MAX_PURCHASES:
            raise ScenarioError("deployment.lifetime_years", f"the horizon buys the hardware up to "
                                f"{np.nanmax(purchases):.0f} times over (a lifetime of "
                                f"{np.nanmin(self.life):g} years); at most {MAX_PURCHASES} "
                                "purchases are costed: lengthen the lifetime or shorten the horizon")

    def present_value(self, start: int) -> np.ndarray:
        """Today's value of owning from year ``start`` to each sample's horizon end."""
        r, y_end = self.rate, self.years.astype(float)
        total = np.zeros_like(self.price)
        t = np.full_like(self.price, float(start))
        while True:
            buying = t < y_end
            if not buying.any():
                break
            price = self.price * (1.0 - self.decline) ** t
            end = t + self.life
            ends_inside = end <= y_end
            age_at_end = np.minimum(end, y_end) - t
            value_back = np.where(ends_inside, self.residual * price,
                                  price * (1.0 - (1.0 - self.residual) * age_at_end / self.life))
            total += np.where(buying, price * _discount(r, t)
                              - value_back * _discount(r, np.minimum(end, y_end)), 0.0)
            t = np.where(buying, end, t)
        for y in range(start, int(y_end.max(initial=0))):
            total += np.where(y < y_end, MONTHS_PER_YEAR * self.running_month
                              * _discount(r, y + MID_YEAR), 0.0)
        return total


def _switch(x, rate, month_after, t) -> np.ndarray:
    """Today's value of moving at year ``t`` into an option costing ``month_after`` a month:
    ``switching_usd``, plus the extra cost of its first migration months at reduced efficiency."""
    months = x["migration_months"]
    extra = month_after * months * (1.0 / x["migration_efficiency"] - 1.0)
    return (x["switching_usd"] + extra) * _discount(rate, t)


def _reserved_term(basis: str) -> int:
    """The term (years) of the reservation a basis line names (``reserved at
    h100-sxm.reserved.three_year``), else the default term."""
    return next((t for t, name in pricing.TERMS.items() if f".reserved.{name}" in basis),
                DEFAULT_TERM_YEARS)


def _api_over_years(scenario, costs, x, rate, years, span, current, backend, threads) -> dict:
    """The API against self-hosting over the horizon: present values, P(self-hosting is cheaper)
    over the horizon and in each year, the break-even monthly volume each year."""
    c = api_or_self_host(scenario, costs.samples, costs.seed, backend=backend, threads=threads)
    mode = scenario.resolve().cost_mode
    decline = x["rent_decline_per_year"] if mode in RENTED_MODES else np.zeros(costs.samples)
    api_factor = lambda y: x["api_price_factor_per_year"] ** -float(y)
    host_factor = lambda y: (1.0 - decline) ** y
    api_month, host_month = c.values["api_usd_per_month"], c.values["self_host_usd_per_month"]
    pv = {"api": np.zeros(costs.samples), "self_host": np.zeros(costs.samples)}
    by_year = []
    for y in range(span):
        d = MONTHS_PER_YEAR * _discount(rate, y + MID_YEAR)
        a, h = api_month * api_factor(y), host_month * host_factor(y)
        pv["api"] += np.where(y < years, a * d, 0.0)
        pv["self_host"] += np.where(y < years, h * d, 0.0)
        v = c.values
        be = break_even_volume(v["replica_usd_per_month"] * host_factor(y),
                               v["replica_output_tokens_per_month"],
                               v["api_usd_per_mtok"] * api_factor(y) / TOKENS_PER_MTOK,
                               v["tokens_per_month"] / v["output_tokens_per_month"])
        ok = np.isfinite(h) & (y < years)
        by_year.append({"year": y, "p_self_host_cheaper": float(np.mean(h[ok] < a[ok]))
                        if ok.any() else None,
                        "break_even_tokens_per_month": statistics(be[ok & np.isfinite(be)]),
                        "share_with_break_even": float(np.isfinite(be[ok]).mean())
                        if ok.any() else 0.0})
    runs_today = {"api": ("api",), "self_host": RENTED_MODES + ("own",)}
    for option in pv:
        if current is not None and current not in runs_today[option]:
            month = api_month if option == "api" else host_month
            pv[option] = pv[option] + _switch(x, rate, month, 0.0)
    ok = np.isfinite(pv["self_host"])
    return {"present_value_usd": {k: statistics(v) for k, v in pv.items()},
            "p_self_host_cheaper": float(np.mean(pv["self_host"][ok] < pv["api"][ok]))
            if ok.any() else None,
            "by_year": by_year, "self_host_basis": c.price_basis, "api_basis": c.offer.basis()}


__all__ = ["horizon", "HorizonResult", "DEFAULT_HORIZON_SAMPLES"]
