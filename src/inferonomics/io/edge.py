"""``[edge]`` and ``[network]``: what serving a request on a device the user owns, or across the
network from a cloud region, adds to the replica's figures (issue 12, part 4).

``[edge]``: ``requests_per_day`` the device serves (required), ``share_of_use`` of its purchase
charged to them (default 1), ``usd_per_kwh`` where it runs (default: a residential prior).
``[network]``: ``rtt_ms`` from the user to the cloud region, ``usd_per_gb`` of data transfer out of
the cloud and ``bytes_per_token`` sent per output token (all with sourced priors, see
:mod:`inferonomics.model.registry`). Every figure may be a distribution; each is checked
against its allowed range when the scenario loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ScenarioError
from ..model.registry import EDGE_PARAMETERS, default_of
from ..sampling.columns import draw_column
from ..sampling.distributions import Distribution
from .values import parse_single, section_table

KEYS = {section: tuple(p.name for p in EDGE_PARAMETERS if p.section == section)
        for section in ("edge", "network")}
REQUIRED = {"edge": ("requests_per_day",), "network": ()}
_PARAMETER = {p.path: p for p in EDGE_PARAMETERS}


@dataclass(frozen=True)
class AnalysisSection:
    """One of ``[edge]`` or ``[network]``: the distributions the scenario ``given`` (key ->
    distribution); the other keys take their defaults when drawn."""

    section: str
    given: dict[str, Distribution]

    def distribution(self, key: str) -> Distribution:
        return self.given[key] if key in self.given else default_of(_PARAMETER[f"{self.section}.{key}"])

    def draw(self, keys: list[int]) -> dict[str, np.ndarray]:
        """Every key of the section for each sample key, from its own stream."""
        return {k: draw_column(self.distribution(k), _PARAMETER[f"{self.section}.{k}"].stream, keys)
                for k in KEYS[self.section]}

    def merged(self, other: "AnalysisSection | None") -> "AnalysisSection":
        """This section with the keys ``other`` (the same section of the other scenario) gives;
        a key both give differently is refused."""
        if other is None:
            return self
        for key in self.given.keys() & other.given.keys():
            if self.given[key] != other.given[key]:
                raise ScenarioError(f"{self.section}.{key}", "given differently in the edge and "
                                    "the cloud scenario; give it once")
        return AnalysisSection(self.section, {**other.given, **self.given})

    def to_dict(self) -> dict[str, Any]:
        """Each key's median and support, and whether it is the library's default."""
        return {k: {"median": d.median(), "support": list(d.support()), "default": k not in self.given}
                for k, d in ((k, self.distribution(k)) for k in KEYS[self.section])}


def _parse(section: str, table: Any) -> AnalysisSection | None:
    if table is None:
        return None
    table = section_table(section, table, KEYS[section])
    return AnalysisSection(section, {k: parse_single(f"{section}.{k}", v, _PARAMETER[f"{section}.{k}"])
                                     for k, v in table.items()})


def parse_edge(table: Any) -> AnalysisSection | None:
    """Check ``[edge]`` (None when the scenario has none; ``requests_per_day`` is checked present
    when the edge analysis runs, since either scenario may give it)."""
    return _parse("edge", table)


def parse_network(table: Any) -> AnalysisSection | None:
    """Check ``[network]`` (None when the scenario has none: every key takes its prior)."""
    return _parse("network", table)


def combined(section: str, first: AnalysisSection | None, second: AnalysisSection | None
             ) -> AnalysisSection:
    """``[section]`` of two scenarios together (either may give a key, both only alike), with its
    required keys checked."""
    out = (first or AnalysisSection(section, {})).merged(second)
    for key in REQUIRED[section]:
        if key not in out.given:
            raise ScenarioError(f"{section}.{key}", f"missing: give [{section}] {key} "
                                f"({_PARAMETER[f'{section}.{key}'].range_text()})")
    return out


__all__ = ["AnalysisSection", "combined", "parse_edge", "parse_network"]
