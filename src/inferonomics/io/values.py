"""One scenario value for one input: a number or a distribution table, checked against the input's
allowed range (:class:`~inferonomics.model.registry.Parameter`). The scenario loader builds sweep
axes from lists of these; the analysis sections (``[api]``, ``[demand]``) use them as they are."""

from __future__ import annotations

import math
from typing import Any, Mapping

from ..errors import ScenarioError
from ..model.registry import BATCH_MAX, Parameter
from ..sampling.distributions import DISTRIBUTION_KEYS, Choice, Distribution, Fixed, make_distribution
from . import catalog
from .checks import as_float, check_in_range, describe, is_number, parse_number

BATCH_MAX_WORD = "max"
"""``workload.batch = "max"``: the largest batch that fits."""


def _support_within(dist: Distribution, param: Parameter) -> bool:
    """Whether every value ``dist`` can produce (after rounding, for integer inputs) is allowed."""
    if isinstance(dist, Choice):   # each value on its own: special values are allowed there
        return all(param.accepts(math.floor(v + 0.5) if param.integer else v) for v in dist.values)
    low, high = dist.support()
    if param.integer:  # integer inputs are rounded half up after drawing
        low, high = (math.floor(v + 0.5) if math.isfinite(v) else v for v in (low, high))
    return param.contains(low) and param.contains(high)


def parse_distribution(path: str, raw: Mapping, param: Parameter) -> Distribution:
    """An inline table ``{dist = "...", ...}`` for ``param``."""
    kinds = tuple(DISTRIBUTION_KEYS)
    if "dist" not in raw:
        raise ScenarioError(path, "a table value needs a `dist` key, one of " + ", ".join(kinds))
    kind = raw["dist"]
    if not isinstance(kind, str) or kind not in DISTRIBUTION_KEYS:
        raise ScenarioError(f"{path}.dist", f"unknown distribution {describe(kind)}"
                            f"{catalog.suggest(str(kind), kinds)}; one of " + ", ".join(kinds))
    required, optional = DISTRIBUTION_KEYS[kind]
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "dist":
            continue
        if key not in required and key not in optional:
            raise ScenarioError(f"{path}.{key}", f"unknown key {key!r} for {kind}"
                                f"{catalog.suggest(key, required + optional)}; {kind} takes "
                                + ", ".join(required + optional))
        if key == "values" and param.flag and isinstance(value, list):
            value = [float(v) if isinstance(v, bool) else v for v in value]   # a switch: true/false
        if key in ("values", "weights"):
            if not isinstance(value, list) or not all(is_number(v) for v in value):
                raise ScenarioError(f"{path}.{key}", f"must be a list of numbers, got {describe(value)}")
            fields[key] = [as_float(f"{path}.{key}", v) for v in value]
        elif not is_number(value):
            raise ScenarioError(f"{path}.{key}", f"must be a number, got {describe(value)}")
        else:
            fields[key] = as_float(f"{path}.{key}", value)
            if math.isnan(fields[key]):
                raise ScenarioError(f"{path}.{key}", "must be a number, got nan")
    for key in required:
        if key not in fields:
            raise ScenarioError(f"{path}.{key}", f"missing: {kind} needs " + ", ".join(required))
    if kind == "choice":
        for v in fields["values"]:
            check_in_range(f"{path}.values", v, param)
    dist = make_distribution(kind, fields, lambda message: ScenarioError(path, message))
    if not _support_within(dist, param):
        low, high = dist.support()
        hint = " (add low/high bounds)" if kind == "normal" else ""
        raise ScenarioError(path, f"{kind} can produce values in [{low:g}, {high:g}], outside the "
                            f"allowed range: {param.range_text()}{hint}")
    return dist


def parse_single(path: str, raw: Any, param: Parameter) -> Distribution:
    if isinstance(raw, Mapping):
        return parse_distribution(path, raw, param)
    if param.name == "batch" and raw == BATCH_MAX_WORD:
        return Fixed(BATCH_MAX)
    if isinstance(raw, str):
        extra = ' or "max"' if param.name == "batch" else ""
        raise ScenarioError(path, f"must be {param.range_text()}{extra}, or a distribution table; "
                            f"got {describe(raw)}")
    return Fixed(parse_number(path, raw, param))



def section_table(section: str, table: Any, keys) -> Mapping:
    """An analysis section's table (``{}`` when the scenario has none), its keys checked against
    ``keys``: anything else is a ScenarioError naming it, with the nearest key."""
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise ScenarioError(section, f"must be a table [{section}], got {describe(table)}")
    for key in table:
        if key not in keys:
            raise ScenarioError(f"{section}.{key}", f"unknown key{catalog.suggest(key, keys)}; "
                                f"[{section}] takes " + ", ".join(keys))
    return table


__all__ = ["BATCH_MAX_WORD", "parse_distribution", "parse_single", "section_table"]
