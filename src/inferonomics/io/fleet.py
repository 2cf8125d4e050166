"""``[fleet]`` and ``[policy.*]``: the time a fleet is followed for, at what step, and the rules
that set how many replicas serve (issue 13).

``[fleet]``::

    horizon = "7d"          # how long: "90min", "24h", "7d", "4w", "1y" (365 d)
    step = "5min"           # the stepping interval: divides an hour (1 s to 1 h)
    cold_start_s = {...}    # s from asking for a replica to its serving (a distribution)
    percentile = 0.99       # share of requests (TTFT) and tokens (TPOT) the targets hold for
    spot_share = 0.3        # share of the replicas on spot (rented fleets; the rest on demand)

The latency targets are the scenario's ``workload.ttft_slo_s`` and ``tpot_slo_s`` (medians; inf,
the default, is no target).

``[policy.static]``: as many replicas all the time as the ``demand_percentile`` of the horizon's
rate (1: its peak) needs, each loaded to ``target_utilization`` of its *SLO capacity* (the most
requests/s one replica serves while meeting the targets at ``percentile``).

``[policy.reactive]`` (Kubernetes' horizontal pod autoscaler): at every step it asks for
``ceil(rate seen over the last step / (target_utilization x SLO capacity))`` replicas within
``[min_replicas, max_replicas]``; it adds at most ``max(scale_up_replicas, scale_up_percent % of
the replicas)`` each ``scale_up_period_s`` (HPA's default: 4 pods or 100 % per 60 s), and scales
down to the largest count it asked for over the last ``scale_down_window_s`` (HPA: 300 s). New
replicas serve ``cold_start_s`` after they are asked for, and are paid from then.

``[policy.scheduled]``: ``replicas`` = 24 counts, one per hour of the day (the operator starts
them ahead: no cold start).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any, Mapping

import numpy as np

from ..errors import ScenarioError, suggest
from ..model.reference import SECONDS_PER_HOUR
from ..model.registry import ANALYSIS_PARAMETER_BY_PATH, default_of
from ..sampling.distributions import Distribution
from .checks import as_float, describe, is_number
from .values import parse_single, section_table

SECONDS_PER_DAY = 86_400.0
DAYS_PER_YEAR = 365
"""``"1y"`` is 365 days: 8,760 hourly steps."""
DURATION_UNITS = {"s": 1.0, "min": 60.0, "h": SECONDS_PER_HOUR, "d": SECONDS_PER_DAY,
                  "w": 7 * SECONDS_PER_DAY, "y": DAYS_PER_YEAR * SECONDS_PER_DAY}
DEFAULT_HORIZON = "7d"
DEFAULT_STEP = "5min"
MAX_HORIZON_S = 10 * DAYS_PER_YEAR * SECONDS_PER_DAY
MIN_STEP_S = 1.0
MAX_STEPS = 10_000_000
"""Most steps in a horizon (a year at 5 s steps): beyond it a run is refused up front."""
MAX_REPLICAS = 1_000_000
MAX_POLICY_SETTINGS = 64
"""Most settings of one policy a run compares (lists in ``[policy.<kind>]`` are swept)."""
FLEET_KEYS = ("horizon", "step", "cold_start_s", "percentile", "spot_share")
POLICIES = ("static", "reactive", "scheduled")
DEFAULT_POLICIES = ("static", "reactive")
HOURS_PER_DAY = 24
DEFAULT_PERCENTILE = 0.99
"""The share of requests (TTFT) and of output tokens (TPOT) that must meet the latency targets."""

# HPA's defaults (Kubernetes documentation, "Horizontal Pod Autoscaling", scaling policies, 2026;
# ../shared/ECONOMICS.md section 3.8): scale up by 4 pods or 100 % per 60 s, whichever is more;
# scale down to the highest recommendation of the last 300 s.
HPA_SCALE_UP_REPLICAS = 4
HPA_SCALE_UP_PERCENT = 100.0
HPA_SCALE_UP_PERIOD_S = 60.0
HPA_SCALE_DOWN_WINDOW_S = 300.0
DEFAULT_TARGET_UTILIZATION = {"static": 1.0, "reactive": 0.8}
"""Share of a replica's SLO capacity a policy loads it to: a static fleet sized for the peak may
run at the capacity itself; an autoscaler keeps headroom for the demand that rises while it
reacts (HF Inference Endpoints scale at 80 % utilisation, ECONOMICS.md section 3.8)."""

KIND_CODE = {"static": 0, "reactive": 1, "scheduled": 2}
"""How the stepping kernels tell the policies apart (:data:`PARAMS`)."""
PARAMS = ("kind", "min_replicas", "max_replicas", "target_utilization", "demand_percentile",
          "scale_up_replicas", "scale_up_percent", "scale_up_period_s", "scale_down_window_s")
"""The order of a policy's settings in the array the kernels read; the 24 scheduled counts
follow."""
PARAM_INDEX = {name: i for i, name in enumerate(PARAMS)}


def parse_duration(path: str, raw: Any) -> float:
    """A duration such as ``"5min"``, ``"1h"``, ``"7d"``, ``"1y"`` in s (> 0)."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)\s*", raw) if isinstance(raw, str) \
        else None
    if match is None or match.group(2) not in DURATION_UNITS:
        raise ScenarioError(path, f"must be a duration such as \"5min\", \"1h\", \"7d\" or \"1y\" "
                            f"(units {', '.join(DURATION_UNITS)}), got {describe(raw)}")
    seconds = float(match.group(1)) * DURATION_UNITS[match.group(2)]
    if not 0.0 < seconds <= MAX_HORIZON_S:
        raise ScenarioError(path, f"must be more than 0 and at most 10 years, got {describe(raw)}")
    return seconds


@dataclass(frozen=True)
class FleetSettings:
    """The stepping: ``steps`` steps of ``step_s`` seconds; ``cold_start_s`` a distribution (s);
    ``percentile`` the share of requests and tokens the latency targets hold for."""

    horizon_s: float
    step_s: float
    cold_start_s: Distribution
    percentile: float
    spot_share: float = 0.0
    """Share of the replicas rented on spot (the rest on demand): paid at the spot price and
    losing the spot prior's interruptions; 0 for a fleet in one cost mode."""

    @property
    def steps(self) -> int:
        return int(round(self.horizon_s / self.step_s))

    @property
    def horizon_hours(self) -> float:
        return self.horizon_s / SECONDS_PER_HOUR

    @property
    def hours(self) -> int:
        """Hours of demand profile the horizon covers (a part hour counts)."""
        return max(1, math.ceil(self.horizon_s / SECONDS_PER_HOUR - 1e-9))

    def to_dict(self) -> dict[str, Any]:
        return {"horizon_s": self.horizon_s, "step_s": self.step_s, "steps": self.steps,
                "cold_start_s": {"median": self.cold_start_s.median(),
                                 "support": list(self.cold_start_s.support())},
                "percentile": self.percentile, "spot_share": self.spot_share}


def parse_fleet(table: Any, *, horizon: str | None = None, step: str | None = None) -> FleetSettings:
    """``[fleet]`` (all keys optional); ``horizon`` and ``step`` override the table's (the CLI's
    ``--horizon`` and ``--step``)."""
    table = section_table("fleet", {} if table is None else table, FLEET_KEYS)
    horizon_s = parse_duration("fleet.horizon", horizon or table.get("horizon", DEFAULT_HORIZON))
    step_s = parse_duration("fleet.step", step or table.get("step", DEFAULT_STEP))
    if step_s > horizon_s:
        raise ScenarioError("fleet.step", f"is longer than the horizon ({step_s:g} s > "
                            f"{horizon_s:g} s)")
    # A step divides an hour (the demand profile's resolution): a longer one would average the
    # hours it spans, and a static fleet sized on such means would never see the peak.
    if not (MIN_STEP_S <= step_s and _divides(step_s, SECONDS_PER_HOUR)):
        raise ScenarioError("fleet.step", f"must divide an hour and be at least {MIN_STEP_S:g} s "
                            f"(e.g. 1min, 5min, 15min, 1h), got {step_s:g} s")
    if not _divides(step_s, horizon_s):
        raise ScenarioError("fleet.horizon", f"must be a whole number of steps ({horizon_s:g} s "
                            f"is not a multiple of the {step_s:g} s step)")
    if horizon_s / step_s > MAX_STEPS:
        raise ScenarioError("fleet.step", f"{horizon_s / step_s:,.0f} steps is more than "
                            f"{MAX_STEPS:,}; use a longer step")
    cold = ANALYSIS_PARAMETER_BY_PATH["fleet.cold_start_s"]
    cold_start = (parse_single("fleet.cold_start_s", table["cold_start_s"], cold)
                  if "cold_start_s" in table else default_of(cold))
    percentile = _number_in("fleet.percentile", table.get("percentile", DEFAULT_PERCENTILE),
                            0.0, 1.0, open_low=True, open_high=True)
    spot_share = _number_in("fleet.spot_share", table.get("spot_share", 0.0), 0.0, 1.0)
    return FleetSettings(horizon_s, step_s, cold_start, percentile, spot_share)


def _divides(small: float, big: float) -> bool:
    ratio = big / small
    return abs(ratio - round(ratio)) < 1e-9 * ratio and round(ratio) >= 1


def _number_in(path: str, raw: Any, low: float, high: float, *, open_low: bool = False,
               open_high: bool = False, integer: bool = False) -> float:
    ok = is_number(raw) and not isinstance(raw, bool) and math.isfinite(as_float(path, raw))
    if ok:
        value = float(raw)
        ok = ((value > low if open_low else value >= low)
              and (value < high if open_high else value <= high)
              and (not integer or value == math.floor(value)))
    if not ok:
        kind = "an integer" if integer else "a number"
        bounds = f"{'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
        raise ScenarioError(path, f"must be {kind} in {bounds}, got {describe(raw)}")
    return float(raw)


@dataclass(frozen=True)
class Policy:
    """One policy's settings (see the module docstring); ``schedule`` the 24 hourly counts of
    ``scheduled``."""

    kind: str
    min_replicas: int = 1
    max_replicas: int = MAX_REPLICAS
    target_utilization: float = 1.0
    demand_percentile: float = 1.0
    scale_up_replicas: int = HPA_SCALE_UP_REPLICAS
    scale_up_percent: float = HPA_SCALE_UP_PERCENT
    scale_up_period_s: float = HPA_SCALE_UP_PERIOD_S
    scale_down_window_s: float = HPA_SCALE_DOWN_WINDOW_S
    schedule: tuple[int, ...] = ()
    label: str = ""
    """The policy's name in results: its kind, with the swept settings when a scenario gives
    several (``reactive(target_utilization=0.6)``)."""

    @property
    def name(self) -> str:
        return self.label or self.kind

    def as_array(self) -> np.ndarray:
        """The settings in the kernels' order (:data:`PARAMS`, then 24 scheduled counts)."""
        head = [float(KIND_CODE[self.kind])] + [float(getattr(self, k)) for k in PARAMS[1:]]
        tail = list(self.schedule) if self.schedule else [0.0] * HOURS_PER_DAY
        return np.array(head + [float(v) for v in tail], dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """The settings its kind takes (:data:`POLICY_KEYS`), as given or defaulted."""
        if self.kind == "scheduled":
            return {"replicas": list(self.schedule)}
        return {k: getattr(self, k) for k in POLICY_KEYS[self.kind]}


POLICY_KEYS = {
    "static": ("min_replicas", "max_replicas", "target_utilization", "demand_percentile"),
    "reactive": ("min_replicas", "max_replicas", "target_utilization", "scale_up_replicas",
                 "scale_up_percent", "scale_up_period_s", "scale_down_window_s"),
    "scheduled": ("replicas",),
}


def parse_policy(kind: str, table: Any) -> Policy:
    """``[policy.<kind>]`` (its keys optional, except ``replicas`` for ``scheduled``)."""
    if kind not in POLICIES:
        raise ScenarioError("policy", f"unknown policy {describe(kind)}"
                            f"{suggest(str(kind), POLICIES)}; one of {', '.join(POLICIES)}")
    path = f"policy.{kind}"
    table = section_table(path, {} if table is None else table, POLICY_KEYS[kind])
    if kind == "scheduled":
        raw = table.get("replicas")
        if (not isinstance(raw, list) or len(raw) != HOURS_PER_DAY
                or not all(is_number(v) and not isinstance(v, bool) for v in raw)):
            raise ScenarioError(f"{path}.replicas", f"must be a list of {HOURS_PER_DAY} replica "
                                f"counts, one per hour of the day, got {describe(raw)}")
        counts = tuple(int(_number_in(f"{path}.replicas[{h}]", v, 0, MAX_REPLICAS, integer=True))
                       for h, v in enumerate(raw))
        return Policy(kind, min_replicas=min(counts), max_replicas=max(counts), schedule=counts)
    count = lambda k, d, low=0: int(_number_in(f"{path}.{k}", table.get(k, d), low, MAX_REPLICAS,
                                               integer=True))
    low, high = count("min_replicas", 1), count("max_replicas", MAX_REPLICAS, 1)
    if low > high:
        raise ScenarioError(f"{path}.min_replicas", f"is above max_replicas ({low} > {high})")
    target = _number_in(f"{path}.target_utilization",
                        table.get("target_utilization", DEFAULT_TARGET_UTILIZATION.get(kind, 1.0)),
                        0.0, 1.0, open_low=True)
    settings: dict[str, Any] = {"min_replicas": low, "max_replicas": high,
                                "target_utilization": target}
    if kind == "static":
        settings["demand_percentile"] = _number_in(f"{path}.demand_percentile",
                                                   table.get("demand_percentile", 1.0), 0.0, 1.0,
                                                   open_low=True)
    else:
        settings["scale_up_replicas"] = count("scale_up_replicas", HPA_SCALE_UP_REPLICAS)
        settings["scale_up_percent"] = _number_in(f"{path}.scale_up_percent", table.get(
            "scale_up_percent", HPA_SCALE_UP_PERCENT), 0.0, 1e6)
        if settings["scale_up_replicas"] == 0 and (settings["scale_up_percent"] == 0.0
                                                   or settings["min_replicas"] == 0):
            raise ScenarioError(f"{path}.scale_up_replicas", "is 0 with scale_up_percent 0 or "
                                "min_replicas 0: the policy could never add a replica (a "
                                "percentage of no replicas is none)")
        settings["scale_up_period_s"] = _number_in(f"{path}.scale_up_period_s", table.get(
            "scale_up_period_s", HPA_SCALE_UP_PERIOD_S), 0.0, MAX_HORIZON_S)
        settings["scale_down_window_s"] = _number_in(f"{path}.scale_down_window_s", table.get(
            "scale_down_window_s", HPA_SCALE_DOWN_WINDOW_S), 0.0, MAX_HORIZON_S)
    return Policy(kind, **settings)


def policy_settings(kind: str, table: Any) -> tuple[Policy, ...]:
    """``[policy.<kind>]`` with lists as sweep axes: one :class:`Policy` per combination of the
    listed values (the first key's values vary slowest), labelled with the swept values. A
    ``scheduled`` policy's ``replicas`` is swept by a list of 24-count lists."""
    if not isinstance(table, Mapping):
        return (parse_policy(kind, table),)
    axes = [(k, v) for k, v in table.items()
            if isinstance(v, list) and (k != "replicas" or (v and isinstance(v[0], list)))]
    for key, values in axes:
        if not values:
            raise ScenarioError(f"policy.{kind}.{key}", "an empty list: give at least one value")
        if len({repr(v) for v in values}) < len(values):
            raise ScenarioError(f"policy.{kind}.{key}", f"lists a value twice: {describe(values)}")
        if len(values) > MAX_POLICY_SETTINGS:
            raise ScenarioError(f"policy.{kind}.{key}", f"{len(values):,} values; at most "
                                f"{MAX_POLICY_SETTINGS} settings are compared")
    if not axes:
        return (parse_policy(kind, table),)
    combos = [{}]
    for key, values in axes:
        combos = [{**c, key: v} for c in combos for v in values]
    if len(combos) > MAX_POLICY_SETTINGS:
        raise ScenarioError(f"policy.{kind}", f"{len(combos):,} combinations of settings; at most "
                            f"{MAX_POLICY_SETTINGS} are compared")
    out = []
    for combo in combos:
        policy = parse_policy(kind, {**table, **combo})
        shown = ", ".join(f"{k}={_shown(v, table[k])}" if is_number(v) else f"{k}=[...]"
                          for k, v in combo.items())
        label = f"{kind}({shown})" if "[...]" not in shown else f"{kind}#{len(out) + 1}"
        out.append(replace(policy, label=label))
    return tuple(out)


def _shown(value: Any, values: list) -> str:
    """A swept value as a label shows it: short (``0.8``, ``1e+06``) unless that would merge it
    with another value of its list."""
    short = [f"{v:g}" if is_number(v) else repr(v) for v in values]
    return f"{value:g}" if len(set(short)) == len(short) else repr(value)


def parse_policies(table: Any) -> dict[str, tuple[Policy, ...]]:
    """``[policy]``: a table of ``static``, ``reactive``, ``scheduled`` tables (each optional),
    each one setting or several (lists of values: :func:`policy_settings`)."""
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise ScenarioError("policy", f"must be a table of policies ({', '.join(POLICIES)}), got "
                            f"{describe(table)}")
    for kind in table:
        if kind not in POLICIES:
            raise ScenarioError(f"policy.{kind}", f"unknown policy{suggest(str(kind), POLICIES)}; "
                                f"one of {', '.join(POLICIES)}")
    return {kind: policy_settings(kind, table[kind]) for kind in POLICIES if kind in table}


def chosen_policies(given: Mapping[str, tuple[Policy, ...]], names: Any = None) -> dict[str, Policy]:
    """The policies a run compares, by name (:attr:`Policy.name`): those of kinds ``names`` (a
    list, or a comma-separated string) or, by default, those the scenario sets, else ``static``
    and ``reactive`` with their defaults; every setting of a swept kind. ``scheduled`` needs its
    table (its counts have no default)."""
    if names is None:
        names = list(given) or list(DEFAULT_POLICIES)
    elif isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    if not isinstance(names, (list, tuple)) or not names:
        raise ScenarioError("policy", f"name at least one policy of {', '.join(POLICIES)}")
    out: dict[str, Policy] = {}
    for name in names:
        if name not in POLICIES:
            raise ScenarioError("policy", f"unknown policy {describe(name)}"
                                f"{suggest(str(name), POLICIES)}; one of {', '.join(POLICIES)}")
        if name in given:
            out.update({p.name: p for p in given[name]})
        elif name == "scheduled":
            raise ScenarioError("policy.scheduled", "missing: the scheduled policy needs "
                                "[policy.scheduled] replicas = 24 hourly counts")
        else:
            out[name] = parse_policy(name, {})
    return out


__all__ = ["FleetSettings", "Policy", "parse_fleet", "parse_policy", "parse_policies",
           "chosen_policies", "parse_duration", "policy_settings", "DEFAULT_PERCENTILE", "POLICIES", "PARAMS", "PARAM_INDEX", "KIND_CODE"]
