"""Which prices a scenario runs on: its acquisition mode, a prior for every cost input it leaves out
(from the hardware entry or the price book), and one line saying what the cost rests on (the price
basis, shown in tables and JSON).

Modes (``[cost] mode``):

* ``rent``: on-demand by the hour, in market ``tier`` (hyperscaler, specialist, marketplace; the
  book's default tier when not given, the next tier that has a price when that one has none);
* ``reserved``: committed for ``term_years`` (1 or 3) at the book's reserved price;
* ``spot``: the book's spot price, plus the paid time each interruption loses
  (``interruptions_per_hour`` x ``restart_s``);
* ``own``: the purchase annualised at the cost of capital over the useful life less its resale
  value, colocation per provisioned kW, electricity and operations.

Without a mode, a scenario that gives an hourly price rents, one that gives an owner's cost owns,
and one that gives neither rents at the default tier when the book has a rental price for the
device, else owns at the book's purchase price.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

from ..errors import ScenarioError
from ..model.registry import PARAMETER_BY_NAME
from ..sampling.distributions import Distribution, Fixed, Triangular
from . import pricebook

COST_MODES = ("rent", "reserved", "spot", "own")
RENTED_MODES = ("rent", "reserved", "spot")
TERMS = {1: "one_year", 3: "three_year"}
"""Reserved terms the price book prices, years -> its table name."""
OWNED_KEYS = ("purchase_usd", "hosting_usd_per_device_hour", "usd_per_kwh", "cost_of_capital",
              "residual_fraction", "colocation_usd_per_kw_month", "provisioned_kw")
"""Cost inputs of an owner; a rented device's hourly price already includes them."""
SPOT_KEYS = ("interruptions_per_hour", "restart_s")
DEFAULT_OWNED_USD_PER_KWH = 0.08
"""Electricity for an owned deployment when the scenario gives none: US industrial average retail
price 2024, 8.1 cents/kWh (EIA Electric Power Monthly, Table 5.3)."""
SERVER_POWER_PER_TDP = 1.8
"""Provisioned kW per kW of accelerator TDP when the book has no figure for the device: Epoch AI's
chip-to-server power multiplier, default 1.8 (H100 1.82, A100 2.03; ECONOMICS.md §3.4)."""


@dataclass(frozen=True)
class CostPlan:
    """``mode``; ``basis``, one line naming what the price rests on; ``values``, a prior for each
    cost input the scenario leaves out (the registry default fills the rest)."""

    mode: str
    basis: str
    values: dict[str, Distribution] = field(default_factory=dict)
    embodied: Distribution | None = None   # the book's embodied kgCO2e per device, server share included
    derive_provisioned: bool = False       # provisioned_kw = SERVER_POWER_PER_TDP x the plan's TDP


def _prior(figure: pricebook.Figure, name: str, fraction: bool = False) -> Distribution:
    """``figure`` as the prior of input ``name``: a lognormal through its band, or for a fraction a
    triangular between the band's ends peaked at its mode; refused, naming the figure, when it
    could draw values outside the input's allowed range (a user's price file may hold anything)."""
    if fraction:
        peak = next((v for v in (figure.mode, figure.p50) if v is not None),
                    0.5 * (figure.p5 + figure.p95))
        dist: Distribution = Triangular(figure.p5, peak, figure.p95)
    else:
        dist = figure.distribution()
    param = PARAMETER_BY_NAME[name]
    low, high = dist.support()
    if not (param.contains(low) and param.contains(high)):
        raise ScenarioError(figure.path, f"as a prior of {param.path} it can draw values in "
                            f"[{low:g}, {high:g}], outside the allowed range: {param.range_text()}")
    return dist


def given_mode(given: set[str]) -> str | None:
    """The mode the keys a scenario gives imply: an hourly price rents (spot with interruption
    keys), an owner's cost owns; a mix is then refused by the mode's key check."""
    if given & set(SPOT_KEYS):
        return "spot"
    if "usd_per_device_hour" in given:
        return "rent"
    if given & set(OWNED_KEYS):
        return "own"
    return None


def cost_plan(device: str | None, entry: Mapping, label: str, given: set[str], mode: str | None,
              tier: str | None, term_years: int | None,
              extra_prices: Mapping | None = None) -> CostPlan:
    """The cost plan of a scenario on ``device`` (a catalog id, or None for inline hardware with the
    catalog ``entry``); ``given`` names the ``[cost]`` inputs the scenario sets."""
    book = pricebook.device_prices(extra_prices).get(device, {}) if device else {}
    if mode is None:
        mode = given_mode(given)
    if mode is None and term_years is not None:
        mode = "reserved"   # a term names a reservation
    if mode is None:
        if "usd_per_hour" in entry:
            mode = "rent"
        elif "purchase_usd" in entry:
            mode = "own"
        elif any(k.startswith("rent.") for k in book):
            mode = "rent"
        elif "purchase.usd" in book:
            mode = "own"
        elif any(k.startswith("reserved.") for k in book):
            mode = "reserved"
        else:
            raise ScenarioError("cost", f"{label} has no price in the catalog or the price book "
                                "(inferonomics catalog prices); give cost.usd_per_device_hour "
                                "(rented, USD per device-hour) or cost.purchase_usd (owned, USD per "
                                "device)")
    _check_keys(mode, given, tier, term_years)
    plan = (_owned(book, entry, label, given) if mode == "own"
            else _rented(mode, book, entry, label, given, tier, term_years))
    if "embodied.kgco2" in book:
        plan = replace(plan, embodied=_prior(book["embodied.kgco2"], "embodied_kgco2"))
    return plan


def _check_keys(mode: str, given: set[str], tier, term_years) -> None:
    if mode in RENTED_MODES:
        for key in sorted(given & set(OWNED_KEYS)):
            raise ScenarioError(f"cost.{key}", f'applies only with cost.mode = "own" (a {mode} '
                                "device's hourly price already includes it)")
    else:
        for key in sorted(given & ({"usd_per_device_hour"} | set(SPOT_KEYS))):
            raise ScenarioError(f"cost.{key}", 'applies only to rented devices (cost.mode = '
                                '"rent", "reserved" or "spot")')
    if mode != "spot":
        for key in sorted(given & set(SPOT_KEYS)):
            raise ScenarioError(f"cost.{key}", 'applies only with cost.mode = "spot"')
    if tier is not None and mode != "rent":
        raise ScenarioError("cost.tier", 'applies only with cost.mode = "rent" (on-demand prices)')
    if term_years is not None and mode != "reserved":
        raise ScenarioError("cost.term_years", 'applies only with cost.mode = "reserved"')
    for key, value in (("tier", tier), ("term_years", term_years)):
        if value is not None and "usd_per_device_hour" in given:
            raise ScenarioError(f"cost.{key}", "picks a price from the price book; the scenario "
                                "gives cost.usd_per_device_hour, so leave one of them out")


def _rented(mode, book, entry, label, given, tier, term_years) -> CostPlan:
    values: dict[str, Distribution] = {}
    if "usd_per_device_hour" in given:
        basis = f"{mode} at the scenario's price"
    elif mode == "rent" and "usd_per_hour" in entry and tier is None:
        values["usd_per_device_hour"] = Fixed(float(entry["usd_per_hour"]))
        basis = "rent at the catalog entry's usd_per_hour"
    else:
        figure = _rental_figure(mode, book, label, tier, term_years)
        values["usd_per_device_hour"] = _prior(figure, "usd_per_device_hour")
        basis = f"{mode} at {figure.basis}"
    if mode == "spot":
        for key, path in (("interruptions_per_hour", "spot.interruptions_per_hour"),):
            if key not in given:
                if path not in book:
                    raise ScenarioError(f"cost.{key}", f"{label} has no {path} in the price book; "
                                        f"give cost.{key} (spot reclaims per hour)")
                values[key] = _prior(book[path], key)
        if "restart_s" not in given:
            values["restart_s"] = _prior(pricebook.facility_figures()["operations.restart_s"],
                                         "restart_s")
    for key in OWNED_KEYS:   # a rented device's price includes them
        values.setdefault(key, Fixed(0.0))
    return CostPlan(mode, basis, values)


def _rental_figure(mode, book, label, tier, term_years) -> pricebook.Figure:
    if mode == "reserved":
        # The asked term, else one year, else the term the book prices for this device.
        term = term_years if term_years is not None else next(
            (t for t, name in TERMS.items() if f"reserved.{name}" in book), 1)
        if term not in TERMS:
            raise ScenarioError("cost.term_years", f"must be one of {', '.join(map(str, TERMS))} "
                                f"(the terms the price book prices), got {term}")
        path = f"reserved.{TERMS[term]}"
    elif mode == "spot":
        path = "spot.price"
    else:
        chosen = pricebook.default_tier() if tier is None else tier
        if chosen not in pricebook.TIERS:
            raise ScenarioError("cost.tier", f"must be one of {', '.join(pricebook.TIERS)}, got "
                                f"{chosen!r}")
        # The asked tier, else (default tier only) the nearest tier that has a price.
        order = [chosen] if tier is not None else [chosen] + [t for t in pricebook.TIERS
                                                              if t != chosen]
        path = next((f"rent.{t}" for t in order if f"rent.{t}" in book), f"rent.{chosen}")
    if path not in book:
        raise ScenarioError("cost.usd_per_device_hour", f"{label} has no {path} price in the price "
                            "book (inferonomics catalog prices); give cost.usd_per_device_hour "
                            "(USD per device-hour)")
    return book[path]


def _owned(book, entry, label, given) -> CostPlan:
    facility = pricebook.facility_figures()
    values: dict[str, Distribution] = {"usd_per_device_hour": Fixed(0.0)}
    if "purchase_usd" in given:
        basis = "own at the scenario's purchase price"
    elif "purchase_usd" in entry:
        values["purchase_usd"] = Fixed(float(entry["purchase_usd"]))
        basis = "own at the catalog entry's purchase_usd"
    elif "purchase.usd" in book:
        values["purchase_usd"] = _prior(book["purchase.usd"], "purchase_usd")
        basis = f"own at {book['purchase.usd'].basis}"
    else:
        raise ScenarioError("cost.purchase_usd", f"{label} has no purchase price in the catalog or "
                            "the price book; give cost.purchase_usd (USD per device)")
    values["usd_per_kwh"] = Fixed(DEFAULT_OWNED_USD_PER_KWH)
    values["cost_of_capital"] = _prior(facility["finance.cost_of_capital"], "cost_of_capital",
                                       fraction=True)
    values["residual_fraction"] = _prior(facility["finance.residual_fraction"],
                                         "residual_fraction", fraction=True)
    values["lifetime_years"] = _prior(facility["finance.useful_life_years"], "lifetime_years")
    if not given & {"hosting_usd_per_device_hour", "colocation_usd_per_kw_month"}:
        # Space, power delivery and cooling: colocation per provisioned kW, unless the scenario
        # prices hosting its own way.
        values["colocation_usd_per_kw_month"] = _prior(facility["colocation.usd_per_kw_month"],
                                                       "colocation_usd_per_kw_month")
    derive_provisioned = False
    if "power.provisioned_kw" in book:
        values["provisioned_kw"] = _prior(book["power.provisioned_kw"], "provisioned_kw")
    else:
        derive_provisioned = "provisioned_kw" not in given   # from the TDP the plan resolves
    return CostPlan("own", basis, {k: v for k, v in values.items() if k not in given},
                    derive_provisioned=derive_provisioned)


FACILITIES = ("hyperscale", "average", "enterprise")
"""Facility classes the book has a PUE for (hyperscale builds, the industry average, older
enterprise rooms)."""


@dataclass(frozen=True)
class SitePlan:
    """Priors a ``[site]`` sets (region: electricity price for owners, grid carbon; facility: PUE and
    on-site water) and the line that says so."""

    values: dict[str, Distribution] = field(default_factory=dict)
    basis: str = ""


def site_plan(region: str | None, facility: str | None, mode: str,
              given: set[str] = frozenset()) -> SitePlan:
    """The priors of ``[site] region`` / ``facility`` (None: not given, the registry's defaults
    stay) for the inputs the scenario does not give (``given``: input names). A region without
    its own figure takes its parent's, then the world's, and says which."""
    plan = _site_plan(region, facility, mode)
    kept = {k: v for k, v in plan.values.items() if k not in given}
    parts = [part for key, part in plan.parts if key not in given]
    label = "/".join(x for x in (region, facility) if x)
    return SitePlan(kept, f"site {label}: " + "; ".join(parts) if parts else "")


def _site_plan(region, facility, mode):
    values: dict[str, Distribution] = {}
    parts = []
    if region is not None:
        grid = pricebook.region_figure(region, "grid_gco2_per_kwh")
        values["grid_gco2_per_kwh"] = _prior(grid, "grid_gco2_per_kwh")
        parts.append(("grid_gco2_per_kwh", f"grid {grid.basis}"))
        if mode == "own":   # a rented device's hourly price includes its electricity
            price = pricebook.region_figure(region, "usd_per_kwh")
            values["usd_per_kwh"] = _prior(price, "usd_per_kwh")
            parts.append(("usd_per_kwh", f"electricity {price.basis}"))
    if facility is not None:
        figures = pricebook.facility_figures()
        pue = figures[f"pue.{facility}"]
        values["pue"] = _prior(pue, "pue", fraction=True)
        parts.append(("pue", f"PUE {pue.basis}"))
        water = figures.get(f"wue_onsite.{facility}", figures["wue_onsite.average"])
        values["wue_l_per_kwh"] = _prior(water, "wue_l_per_kwh")
        parts.append(("wue_l_per_kwh", f"water {water.basis}"))
    return _SiteFigures(values, parts)


@dataclass(frozen=True)
class _SiteFigures:
    values: dict[str, Distribution]
    parts: list[tuple[str, str]]     # (input, "grid region.us... (kind, date)")


def with_site(costs: CostPlan, site: SitePlan) -> CostPlan:
    """``costs`` with the site's priors added (they win over the cost plan's electricity default)
    and its basis appended to the price basis."""
    if not site.values:
        return costs
    return replace(costs, values={**costs.values, **site.values},
                   basis=f"{costs.basis}; {site.basis}")


def unused_keys(mode: str) -> set[str]:
    """The cost inputs a plan in ``mode`` leaves at zero because the mode does not pay them."""
    if mode == "own":
        return {"usd_per_device_hour", *SPOT_KEYS}
    return set(OWNED_KEYS) | (set() if mode == "spot" else set(SPOT_KEYS))


assert all(k in PARAMETER_BY_NAME for k in OWNED_KEYS + SPOT_KEYS)

__all__ = ["CostPlan", "SitePlan", "cost_plan", "site_plan", "with_site", "unused_keys", "FACILITIES", "COST_MODES", "OWNED_KEYS", "SPOT_KEYS", "TERMS"]
