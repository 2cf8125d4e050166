"""Numbers given by a user (scenario files, catalog files, explicit inputs), checked against the
parameter registry: one place for the rule and the message, used by every layer that reads input."""

from __future__ import annotations

import math
from typing import Any

from ..errors import ScenarioError
from ..model.registry import Parameter


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def describe(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    return repr(x)


def check_in_range(path: str, x: float, param: Parameter) -> None:
    if math.isnan(x):
        raise ScenarioError(path, f"must be {param.range_text()}, got nan")
    if not param.contains(x):
        raise ScenarioError(path, f"must be {param.range_text()}, got {x:g}")
    if param.integer and math.isfinite(x) and x != math.floor(x):
        raise ScenarioError(path, f"must be {param.range_text()}, got {x:g}")


def parse_number(path: str, raw: Any, param: Parameter) -> float:
    """A plain number for ``param``, checked against its range."""
    if not is_number(raw):
        raise ScenarioError(path, f"must be {param.range_text()}, got {describe(raw)}")
    x = float(raw)
    check_in_range(path, x, param)
    return x
