"""``[load]``: the offered load of ``inferonomics load`` (one replica under Poisson arrivals).

``arrival_rate`` (requests/s to one replica) and ``percentile`` (the TTFT quantile reported and,
with TPOT's, held to the workload's targets; default 0.99 as MLPerf's server scenario). Each is one
number: the queue is solved at one load, and its own uncertainty comes from the model's inputs.
"""

from __future__ import annotations

from typing import Any

from ..errors import ScenarioError
from ..model.registry import LOAD_PARAMETERS
from .values import parse_single, section_table

KEYS = tuple(p.name for p in LOAD_PARAMETERS)
_PARAMETER = {p.name: p for p in LOAD_PARAMETERS}


def parse_load(table: Any) -> dict[str, float] | None:
    """The ``[load]`` table's numbers, checked (None when the scenario has none)."""
    if table is None:
        return None
    table = section_table("load", table, KEYS)
    out = {}
    for key, raw in table.items():
        dist = parse_single(f"load.{key}", raw, _PARAMETER[key])
        if not dist.is_fixed:
            raise ScenarioError(f"load.{key}", "must be one number: the queue is solved at one "
                                "load (run `inferonomics load --rate R` once per load to compare)")
        out[key] = float(dist.median())
    return out


__all__ = ["parse_load"]
