"""The price book: dated priors of what a device costs to rent, reserve, buy, power and make, and the
facility and finance figures around it.

The figures live in ``data/prices.toml`` (per device id of the hardware catalog) and
``data/facility.toml`` (cost of capital, lifetimes, PUE, colocation, regions). Each is a band, the
5th and 95th percentiles of a prior, with its source, its date (``as_of``) and the kind of evidence
(filing, vendor, survey, paper, secondary, our-arithmetic). A band becomes a lognormal through its
two ends; a figure published alone (only ``p50``) gets :data:`SINGLE_FIGURE_RATIO` as its band and
says so in its basis. A user file (``--catalog`` or a scenario's ``catalog``) may add devices or
replace figures with a ``[prices.DEVICE...]`` table of the same shape.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from ..errors import ScenarioError, suggest
from ..sampling.distributions import Distribution, LogNormal
from .checks import describe, is_number

Z_95 = 1.6448536269514722
"""The standard normal quantile at 0.95: a p5..p95 band spans 2 x Z_95 standard deviations."""
SINGLE_FIGURE_RATIO = 1.5
"""p95 / p5 of the prior given to a figure published alone (p50 only): +-22% around it, about the
spread of one device's price across providers of one market tier in the price book's bands."""
TIERS = ("hyperscaler", "specialist", "marketplace")
"""On-demand rental market tiers, dearest first: hyperscale clouds, specialist GPU clouds (CoreWeave,
Lambda, Crusoe), marketplaces (RunPod, Vast)."""
EVIDENCE_KINDS = ("filing", "vendor", "survey", "paper", "secondary", "our-arithmetic")
FIGURE_KEYS = ("p5", "p50", "p95", "mode", "as_of", "kind", "source", "derived")


@dataclass(frozen=True)
class Figure:
    """One priced quantity: ``path`` (``"h100-sxm.rent.specialist"``), its band (``p5``/``p95``, in
    the unit its table states), an optional central value ``p50``, and where it comes from."""

    path: str
    p5: float
    p95: float
    p50: float | None
    as_of: str
    kind: str
    source: str
    derived: str = ""
    single: bool = False        # published alone: the band is SINGLE_FIGURE_RATIO around p50
    mode: float | None = None   # the most likely value, for fractions (a triangular's peak)

    def distribution(self) -> Distribution:
        """The prior as a lognormal through the band's ends (median sqrt(p5 p95) unless a p50 is
        given): prices, costs and power are positive and right-skewed."""
        median = self.p50 if self.p50 is not None else math.sqrt(self.p5 * self.p95)
        return LogNormal(median, math.log(self.p95 / self.p5) / (2.0 * Z_95))

    @property
    def basis(self) -> str:
        """One line saying what a figure rests on: ``h100-sxm.rent.specialist (secondary, 2026-05)``."""
        single = ", one published figure" if self.single else ""
        return f"{self.path} ({self.kind}, {self.as_of}{single})"

    def to_dict(self) -> dict[str, Any]:
        out = {"p5": self.p5, "p50": self.distribution().median(), "p95": self.p95,
               "as_of": self.as_of, "kind": self.kind, "source": self.source}
        if self.derived:
            out["derived"] = self.derived
        if self.single:
            out["single_figure"] = True
        return out


def parse_figure(path: str, raw: Any) -> Figure:
    """A figure table (``{p5, p95, as_of, kind, source}``, or ``{p50, ...}``), checked."""
    if not isinstance(raw, Mapping):
        raise ScenarioError(path, f"must be a table with p5, p95 (or p50), as_of, kind and source, "
                            f"got {describe(raw)}")
    for key in raw:
        if key not in FIGURE_KEYS:
            raise ScenarioError(f"{path}.{key}", "unknown key; a price figure takes "
                                + ", ".join(FIGURE_KEYS))
    numbers = {}
    for key in ("p5", "p50", "p95", "mode"):
        if key in raw:
            value = raw[key]
            if not is_number(value) or not 0 < float(value) < math.inf:
                raise ScenarioError(f"{path}.{key}", f"must be a positive number, got {describe(value)}")
            numbers[key] = float(value)
    central = numbers.get("p50", numbers.get("mode"))
    single = "p5" not in numbers and "p95" not in numbers
    if single:
        if central is None:
            raise ScenarioError(path, "needs p5 and p95 (a band) or p50 (a single figure)")
        spread = math.sqrt(SINGLE_FIGURE_RATIO)
        p5, p95 = central / spread, central * spread
    elif "p5" in numbers and "p95" in numbers:
        p5, p95 = numbers["p5"], numbers["p95"]
        if not p5 <= p95 or (central is not None and not p5 <= central <= p95):
            raise ScenarioError(path, f"needs p5 <= p50 <= p95, got {p5:g}, {central}, {p95:g}")
    else:
        raise ScenarioError(path, "needs both p5 and p95, or neither (a single figure: p50)")
    if p5 == p95:   # a fixed figure: keep the lognormal well defined with a zero spread
        central = p5
    for key in ("as_of", "kind", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ScenarioError(f"{path}.{key}", "missing: every figure names its date (as_of, "
                                "YYYY-MM), its kind of evidence and its source")
    if raw["kind"] not in EVIDENCE_KINDS:
        raise ScenarioError(f"{path}.kind", f"must be one of {', '.join(EVIDENCE_KINDS)}, got "
                            f"{describe(raw['kind'])}")
    if not math.isfinite(math.log(p95 / p5)):
        raise ScenarioError(path, f"p95 / p5 = {p95:g} / {p5:g} is beyond the range of a number")
    return Figure(path, p5, p95, numbers["p50"] if "p50" in numbers else (central if single else None),
                  raw["as_of"], raw["kind"], raw["source"], str(raw.get("derived", "")), single,
                  numbers.get("mode"))


def _figures(prefix: str, table: Mapping) -> dict[str, Figure]:
    """Every figure under ``table``, keyed by its path below ``prefix`` (``rent.specialist``)."""
    out: dict[str, Figure] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}"
        if isinstance(value, Mapping) and any(k in value for k in ("p5", "p50", "p95", "mode")):
            out[key] = parse_figure(path, value)
        elif isinstance(value, Mapping):
            out.update({f"{key}.{k}": f for k, f in _figures(path, value).items()})
        elif key != "parent":
            raise ScenarioError(path, f"must be a figure table, got {describe(value)}")
    return out


DEVICE_PATHS = tuple(f"rent.{tier}" for tier in TIERS) + (
    "reserved.one_year", "reserved.three_year", "spot.price", "spot.interruptions_per_hour",
    "purchase.usd", "power.provisioned_kw", "embodied.kgco2", "owner_tco.hyperscaler",
    "owner_tco.neocloud")
"""The figures a device may have (units in the file's header; owner_tco is a check value)."""


def device_figure_tables(path: str, table: Any) -> dict[str, dict]:
    """A device's price table from a user file, as ``{figure path: raw figure table}`` after
    checking that each figure parses and has a known path; files then merge figure by figure."""
    if not isinstance(table, Mapping):
        raise ScenarioError(path, f"must be a table of price figures, got {describe(table)}")
    figures = _figures(path, table)
    for key in figures:
        if key not in DEVICE_PATHS:
            raise ScenarioError(f"{path}.{key}", f"unknown price figure{suggest(key, DEVICE_PATHS)}; "
                                "one of " + ", ".join(DEVICE_PATHS))
    flat: dict[str, dict] = {}

    def walk(prefix: str, node: Mapping):
        for k, v in node.items():
            here = f"{prefix}.{k}" if prefix else k
            if here in figures:
                flat[here] = dict(v)
            elif isinstance(v, Mapping):
                walk(here, v)

    walk("", table)
    return flat


@lru_cache(maxsize=None)
def _builtin(name: str) -> dict:
    with resources.files("inferonomics.data").joinpath(name).open("rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=None)
def _shipped_devices() -> dict[str, dict[str, Figure]]:
    """The shipped book, parsed once (every scenario that resolves consults it; figures are
    frozen, so callers share them)."""
    raw = {k: v for k, v in _builtin("prices.toml").items() if k != "defaults"}
    return {device: _figures(device, table) for device, table in raw.items()}


def device_prices(extra: Mapping[str, Mapping] | None = None) -> dict[str, dict[str, Figure]]:
    """Every device's figures: ``{hardware id: {"rent.specialist": Figure, ...}}``, the shipped
    book with ``extra`` (``{id: {figure path: raw table}}``, from :func:`device_figure_tables`)
    merged over it figure by figure."""
    out = dict(_shipped_devices())
    for device, tables in (extra or {}).items():
        out[device] = {**out.get(device, {}),
                       **{key: parse_figure(f"{device}.{key}", t) for key, t in tables.items()}}
    return out


def default_tier() -> str:
    tier = _builtin("prices.toml")["defaults"]["tier"]
    assert tier in TIERS, tier
    return tier


def rent_figure(device: str, tier: str, extra=None) -> Figure | None:
    """The on-demand rental prior of ``device`` in market ``tier`` (USD per device-hour), or None."""
    return device_prices(extra).get(device, {}).get(f"rent.{tier}")


def facility_figures() -> dict[str, Figure]:
    """Finance, PUE, water and colocation figures (``"finance.cost_of_capital"``, ``"pue.average"``)."""
    return dict(_shipped_facility())


@lru_cache(maxsize=None)
def _shipped_facility() -> dict[str, Figure]:
    raw = _builtin("facility.toml")
    return _figures("facility", {k: v for k, v in raw.items() if k not in ("defaults", "region")})


def region_figure(region: str, quantity: str) -> Figure | None:
    """``quantity`` (``usd_per_kwh``, ``grid_gco2_per_kwh``, ``water_offsite_l_per_kwh``) in
    ``region``, falling back to its parent region and then to the world figure; None if unknown."""
    regions = _builtin("facility.toml")["region"]
    seen = set()
    while region not in seen:
        seen.add(region)
        table = regions.get(region, {})
        if quantity in table:
            return parse_figure(f"region.{region}.{quantity}", table[quantity])
        region = table.get("parent", "world")
    return None


def regions() -> tuple[str, ...]:
    return tuple(_builtin("facility.toml")["region"])


__all__ = ["Figure", "TIERS", "device_prices", "default_tier", "rent_figure", "facility_figures",
           "region_figure", "regions", "parse_figure"]
