"""``[horizon]``: how many years the options are costed over, how fast prices fall, and what
moving from today's way of running costs (issue 12, part 6). Keys are the ``horizon`` inputs of
:data:`~inferonomics.model.registry.HORIZON_PARAMETERS` (numbers or distributions; each has
a sourced default) and ``current``: the option in use today (``own``, ``rent``, ``reserved``,
``spot`` or ``api``); every other option pays ``switching_usd`` to move."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ScenarioError, suggest
from ..model.registry import HORIZON_PARAMETERS, default_of
from ..sampling.distributions import Distribution
from .checks import describe
from .values import parse_single, section_table

CURRENT_OPTIONS = ("own", "rent", "reserved", "spot", "api")
HORIZON_KEYS = tuple(p.name for p in HORIZON_PARAMETERS) + ("current",)


@dataclass(frozen=True)
class Horizon:
    """The ``horizon`` inputs by name (given or default) and the option in use today (None:
    nothing runs yet, so no option pays to switch)."""

    inputs: dict[str, Distribution]
    current: str | None = None
    given: tuple[str, ...] = ()          # the inputs the scenario gives (the others: defaults)


def parse_horizon(table: Any) -> Horizon:
    """Check ``[horizon]`` (None or absent: every default)."""
    table = section_table("horizon", table, HORIZON_KEYS)
    current = table.get("current")
    if current is not None and current not in CURRENT_OPTIONS:
        raise ScenarioError("horizon.current", f"unknown option {describe(current)}"
                            f"{suggest(str(current), CURRENT_OPTIONS)}; one of "
                            + ", ".join(CURRENT_OPTIONS))
    inputs = {p.name: parse_single(p.path, table[p.name], p) if p.name in table else default_of(p)
              for p in HORIZON_PARAMETERS}
    return Horizon(inputs, current, tuple(p.name for p in HORIZON_PARAMETERS if p.name in table))


__all__ = ["Horizon", "parse_horizon", "CURRENT_OPTIONS"]
