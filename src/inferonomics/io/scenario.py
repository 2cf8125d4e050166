"""Scenarios: what to evaluate, as a TOML file or the same structure as a dict.

Any numeric input may be a number (fixed), an inline table describing a distribution, or a list (a
sweep axis). Everything is checked when the scenario loads, before anything runs; errors name the
key path and the allowed range. :meth:`Scenario.resolve` turns a scenario without sweep axes into a
:class:`Plan`: one distribution per model input, in the order of
:data:`~inferonomics.model.registry.PARAMETERS`, which is what every backend evaluates.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..errors import InferonomicsError, ScenarioError
from ..model.constraints import parse_constraint, parse_objective
from ..model.reference import peak_tflops
from ..model.registry import (BATCH_MAX, DEFAULT_EXPERT_IMBALANCE, DEFAULT_HOST_POWER_FRACTION,
                              PARAMETER_BY_NAME, PARAMETER_BY_PATH, PARAMETERS, SECTIONS,
                              WHOLE_REPLICA_DOMAIN, Parameter, default_of)
from ..sampling.distributions import (Choice, Distribution, Fixed, LogNormal, Normal, Pert,
                                      Triangular, Uniform)
from . import catalog, pricebook, pricing
from .api_offer import parse_api
from .checks import describe, is_number, read_toml_file
from .demand import parse_demand
from .edge import parse_edge, parse_network
from .load import parse_load
from .horizon import parse_horizon
from .fleet import parse_fleet, parse_policies
from .toml_text import to_toml, toml_key, toml_string, toml_value
from .values import BATCH_MAX_WORD, parse_single

REQUIRED_SECTIONS = ("model", "hardware", "workload")
REQUIRED_WORKLOAD = ("batch", "input_tokens", "output_tokens")
ANALYSIS_TABLES = ("api", "demand", "horizon", "edge", "network", "fleet", "policy", "load")
"""Sections read by the analyses above one replica (``inferonomics api``, ``horizon``, ``edge``),
not by the model: checked when the scenario loads, kept in :attr:`Scenario.analysis`."""
TOP_LEVEL_KEYS = ("name", "description", "catalog", "sweep", "site") + SECTIONS + ANALYSIS_TABLES
"""``sweep`` holds sweep options (which axes are zipped, a grid size limit); :mod:`inferonomics.analysis.sweeps`
reads and checks it."""
SECTION_EXTRA_KEYS = {
    "model": ("id",) + catalog.MODEL_INFO_KEYS,
    "hardware": ("id",) + catalog.HARDWARE_INFO_KEYS,
    "cost": ("mode", "tier", "term_years"),
}
SECTION_NAMES = SECTIONS + ("sweep", "site") + ANALYSIS_TABLES
NESTED_SECTIONS = ("policy",)
"""Sections of tables: ``policy.reactive.min_replicas`` names a key of ``[policy.reactive]``."""
"""Tables of a scenario whose keys :meth:`Scenario.with_values` may set (``sweep.max_points``)."""
DERIVED_DEFAULTS = {"v_head_dim": "head_dim", "host_w": "tdp_w", "provisioned_kw": "tdp_w",
                    "expert_imbalance": "expert_parallel"}
W_PER_KW = 1000.0
MAX_LOST_SHARE = 0.5
"""Largest share of a spot device's paid time that interruptions may lose (interruptions per hour
x restart seconds / 3600): beyond it the device mostly restarts."""
SECONDS_PER_HOUR = 3600.0
"""Inputs whose default follows another input: v_head_dim is head_dim; host_w is the default host
fraction times tdp_w; expert_imbalance is its prior under expert parallelism, else 1."""


@dataclass(frozen=True)
class Axis:
    """A sweep axis: the values a list in the scenario takes, already parsed and checked."""

    path: str
    values: tuple
    labels: tuple  # the values as the user wrote them, for tables

    def __len__(self) -> int:
        return len(self.values)


# ----------------------------------------------------------------------------------------------------
# Parsing single values
# ----------------------------------------------------------------------------------------------------

def parse_value(path: str, raw: Any, param: Parameter) -> Distribution | Axis:
    """A scenario value for ``param``: a number, a distribution table, or a list of those (an axis)."""
    if isinstance(raw, list):
        if not raw:
            raise ScenarioError(path, "an empty list is not a sweep axis; give at least one value")
        values = []
        for j, item in enumerate(raw):
            if isinstance(item, list):
                raise ScenarioError(f"{path}[{j}]", "sweep axes cannot be nested lists")
            values.append(parse_single(f"{path}[{j}]", item, param))
        return Axis(path, tuple(values), tuple(raw))
    return parse_single(path, raw, param)


def _parse_id(path: str, raw: Any, kind: str, extra_catalog) -> str | Axis:
    ids = raw if isinstance(raw, list) else [raw]
    if not ids:
        raise ScenarioError(path, "an empty list is not a sweep axis; give at least one id")
    for j, item in enumerate(ids):
        where = f"{path}[{j}]" if isinstance(raw, list) else path
        if not isinstance(item, str):
            raise ScenarioError(where, f"must be a catalog id (a string), got {describe(item)}")
        try:
            catalog.lookup(kind, item, extra_catalog[kind])
        except ScenarioError as exc:
            raise ScenarioError(where, exc.message) from None
    return Axis(path, tuple(ids), tuple(ids)) if isinstance(raw, list) else raw


# ----------------------------------------------------------------------------------------------------
# Plans: a resolved scenario without axes
# ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """One configuration, fully resolved: a distribution for every model input, in
    :data:`PARAMETERS` order, plus labels for reports. This is what the backends evaluate."""

    distributions: tuple[Distribution, ...]
    model: str
    hardware: str
    cost_mode: str
    derived: frozenset[str] = frozenset()   # inputs that took a DERIVED_DEFAULTS default
    # What the cost rests on ("rent at h100-sxm.rent.specialist (secondary, 2026-05)"): a label,
    # not an input, so two plans with the same inputs are equal whatever their labels.
    price_basis: str = field(default="", compare=False)

    def __post_init__(self):
        assert len(self.distributions) == len(PARAMETERS)

    def __getitem__(self, name: str) -> Distribution:
        return self.distributions[PARAMETERS.index(PARAMETER_BY_NAME[name])]

    def medians(self) -> dict[str, float]:
        """Every input at its median (integers rounded half up): the deterministic point estimate."""
        out = {}
        for param, dist in zip(PARAMETERS, self.distributions):
            x = dist.median()
            out[param.name] = float(math.floor(x + 0.5)) if param.integer else float(x)
        return out

    @property
    def uncertain(self) -> tuple[str, ...]:
        """Names of the inputs that are drawn rather than fixed."""
        return tuple(p.name for p, d in zip(PARAMETERS, self.distributions) if not d.is_fixed)


def _support_values(dist: Distribution) -> list[float]:
    """The values a distribution can draw, as far as the checks need them: a choice's values, or
    the ends of its support (an integer input draws every whole number in between)."""
    if isinstance(dist, Choice):
        return list(dist.values)
    low, high = dist.support()
    return [low, high] if low == high or low > 0 else [low, max(1.0, low), high]


def check_plan(dists: dict[str, Distribution], hardware_label: str) -> None:
    """Cross-field checks that no single value can catch."""
    lo = {n: d.support()[0] for n, d in dists.items()}
    hi = {n: d.support()[1] for n, d in dists.items()}
    if hi["active_params_b"] > lo["total_params_b"]:
        raise ScenarioError("model.active_params_b",
                            f"can reach {hi['active_params_b']:g} B, above model.total_params_b "
                            f"({lo['total_params_b']:g} B at its lowest)")
    if hi["experts_per_token"] > lo["n_experts"]:
        raise ScenarioError("model.experts_per_token",
                            f"must not exceed model.n_experts ({lo['n_experts']:g})")
    # total = dense + E x expert and active = dense + k x expert leave dense >= 0 only when
    # active / total >= k / E.
    if hi["n_experts"] > lo["experts_per_token"] and \
            lo["n_experts"] * lo["active_params_b"] < hi["experts_per_token"] * hi["total_params_b"]:
        raise ScenarioError("model.active_params_b",
                            "is too small for a mixture of experts: active / total must be at least "
                            "experts_per_token / n_experts (the shared layers cannot be negative)")
    if hi["idle_w"] > lo["tdp_w"]:
        raise ScenarioError("hardware.idle_w", f"can reach {hi['idle_w']:g} W, above hardware.tdp_w "
                            f"({lo['tdp_w']:g} W at its lowest)")
    if hi["count"] > 1 and lo["interconnect_gbps"] <= 0:
        raise ScenarioError("hardware.interconnect_gbps",
                            f"{hardware_label} has no interconnect bandwidth, so it cannot run with "
                            f"hardware.count > 1; give hardware.interconnect_gbps (GB/s per direction)")
    if hi["pp"] > lo["count"]:
        raise ScenarioError("parallel.pp", f"can reach {hi['pp']:g} pipeline stages, more than the "
                            f"replica's hardware.count ({lo['count']:g} devices at its lowest)")
    if (lo["pp"] != hi["pp"] or lo["count"] != hi["count"]) and hi["pp"] > 1:
        raise ScenarioError("parallel.pp", "with several pipeline stages, parallel.pp and "
                            "hardware.count must be fixed (or sweep axes), so that count is a "
                            "multiple of pp in every sample")
    if lo["count"] % lo["pp"] != 0:
        raise ScenarioError("parallel.pp", f"hardware.count ({lo['count']:g}) must be a multiple of "
                            f"parallel.pp ({lo['pp']:g}): each stage has count / pp devices")
    # The smallest domain a sample can draw (0 is the whole replica, not a domain of none).
    smallest_domain = lo["scaleup_devices"] if lo["scaleup_devices"] != WHOLE_REPLICA_DOMAIN \
        else min((v for v in _support_values(dists["scaleup_devices"]) if v != WHOLE_REPLICA_DOMAIN),
                 default=math.inf)
    if smallest_domain < hi["count"] and lo["scaleout_gbps"] <= 0:
        raise ScenarioError("hardware.scaleout_gbps",
                            f"a replica of up to {hi['count']:g} devices spans scale-up domains of "
                            f"{smallest_domain:g}; give hardware.scaleout_gbps (GB/s per "
                            "device per direction between domains)")
    if hi["disaggregated"] > 0 and lo["scaleout_gbps"] <= 0:
        raise ScenarioError("hardware.scaleout_gbps",
                            "with serving.disaggregated, each prompt's KV cache crosses the network "
                            "from a prefill instance to the replica; give hardware.scaleout_gbps "
                            "(GB/s per device per direction)")
    if hi["interruptions_per_hour"] * hi["restart_s"] > MAX_LOST_SHARE * SECONDS_PER_HOUR:
        raise ScenarioError("cost.restart_s", f"with cost.interruptions_per_hour up to "
                            f"{hi['interruptions_per_hour']:g}/h, restarts of up to "
                            f"{hi['restart_s']:g} s lose more than {MAX_LOST_SHARE:.0%} of every "
                            "paid hour (the largest values each can draw); lower either, or bound "
                            "an uncertain one (a triangular or a normal with low/high)")
    for bits in {lo["activation_bits"], hi["activation_bits"]}:
        if peak_tflops(bits, lo["tflops_fp32"], lo["tflops_16"], lo["tflops_8"], lo["tflops_4"]) <= 0:
            raise ScenarioError("hardware.tflops_16",
                                f"{hardware_label} has no peak FLOP/s for {bits:g}-bit activations; "
                                "give hardware.tflops_16 (or tflops_8 / tflops_4 / tflops_fp32)")


# ----------------------------------------------------------------------------------------------------
# Scenario
# ----------------------------------------------------------------------------------------------------

@dataclass
class Scenario:
    """A parsed, checked scenario. Build it with :func:`load_scenario`."""

    name: str
    values: dict[str, Any]                      # key path -> Distribution | Axis | str (ids, mode)
    info: dict[str, dict[str, Any]]             # non-numeric keys of [model] and [hardware]
    extra_catalog: dict[str, dict[str, dict]]   # entries from the scenario's `catalog` files
    raw: dict[str, Any] = field(repr=False)      # the scenario as given, for `with_values`
    base_dir: Path | None = field(default=None, repr=False)
    zipped: tuple[tuple[str, ...], ...] = ()     # axis paths that move together ([sweep] zip)
    max_points: int | None = None                # [sweep] max_points: the largest grid allowed
    analysis: dict[str, Any] = field(default_factory=dict)   # "api", "demand", "horizon" sections

    @property
    def axes(self) -> list[Axis]:
        return [v for v in self.values.values() if isinstance(v, Axis)]

    @property
    def axis_groups(self) -> list[tuple[Axis, ...]]:
        """The sweep's dimensions: each axis alone, or the axes zipped together (they share one
        index), in the order the first of them appears in the scenario."""
        by_path = {a.path: a for a in self.axes}
        group_of = {path: group for group in self.zipped for path in group}
        groups, seen = [], set()
        for axis in self.axes:
            if axis.path in seen:
                continue
            paths = group_of.get(axis.path, (axis.path,))
            seen.update(paths)
            groups.append(tuple(by_path[p] for p in paths))
        return groups

    @property
    def grid_size(self) -> int:
        """Grid points of the sweep: the product of the dimensions' lengths (1 without axes)."""
        return math.prod(len(g[0]) for g in self.axis_groups)

    def with_values(self, assignments: Mapping[str, Any]) -> "Scenario":
        """A copy with ``{"section.key": raw value}`` replaced (or a top-level ``name``,
        ``description`` or ``catalog``), checked like a fresh load."""
        if not isinstance(assignments, Mapping):
            raise ScenarioError("", "with_values takes a mapping of key paths to values, like "
                                f"{{'workload.batch': 8}}; got {type(assignments).__name__}")
        # A copy of each section (not of the values: a sweep axis of 10,000 values copied for
        # each of its values made building a grid quadratic); nothing below mutates a value.
        raw = {k: dict(v) if isinstance(v, Mapping) else v for k, v in self.raw.items()}
        for path, value in assignments.items():
            if not isinstance(path, str):
                raise ScenarioError(repr(path), "a key path is a string like 'workload.batch'")
            section, _, key = path.partition(".")
            if not key and path in TOP_LEVEL_KEYS and path not in SECTION_NAMES:
                raw[path] = value
                continue
            if not key or section not in SECTION_NAMES:
                raise ScenarioError(path, "expected a key path SECTION.KEY like workload.batch, "
                                    "with a section among " + ", ".join(SECTION_NAMES)
                                    + "; or one of name, description, catalog")
            table = raw.setdefault(section, {})
            # A nested table's key (policy.reactive.min_replicas): copies down the path, so the
            # scenario this one came from keeps its own.
            *inner, leaf = key.split(".") if section in NESTED_SECTIONS else [key]
            for part in inner:
                below = table.get(part)
                table[part] = dict(below) if isinstance(below, Mapping) else {}
                table = table[part]
            table[leaf] = value
        if self.zipped:   # axes fixed here leave their zip groups
            groups = [[p for p in g if p not in assignments] for g in self.zipped]
            raw["sweep"]["zip"] = [g for g in groups if len(g) >= 2]
        return _from_dict(raw, self.base_dir)

    def one_configuration(self, command: str) -> "Scenario":
        """This scenario, refused (naming its first sweep axis) if it has any: ``command``
        (``tco``, ``api``, ``fleet``) follows one configuration."""
        if self.axes:
            raise ScenarioError(self.axes[0].path, f"{command} follows one configuration; fix the "
                                "sweep axis (--set)")
        return self

    def demand(self):
        """The scenario's ``[demand]`` (:class:`~inferonomics.io.demand.Demand`), or a
        ScenarioError saying how to give it."""
        demand = self.analysis.get("demand")
        if demand is None:
            raise ScenarioError("demand", "missing section [demand]: give requests_per_s, "
                                "tokens_per_month, input_tokens_per_month with "
                                "output_tokens_per_month, or a file of hourly rates")
        return demand

    def with_section(self, section: str, table: Mapping[str, Any]) -> "Scenario":
        """A copy with the whole ``[section]`` replaced by ``table`` (keys left out are gone, not
        kept), checked like a fresh load: e.g. the same deployment acquired another way."""
        if not isinstance(table, Mapping):
            raise ScenarioError(section, f"must be a table, got {describe(table)}")
        raw = {k: dict(v) if isinstance(v, dict) else v for k, v in self.raw.items()}
        raw[section] = dict(table)
        return _from_dict(raw, self.base_dir)

    def points(self) -> Iterator[tuple[dict[str, Any], "Scenario"]]:
        """Every grid point of the sweep axes, as ``({path: value as written}, scenario)``."""
        groups = self.axis_groups
        for combo in itertools.product(*(range(len(g[0])) for g in groups)):
            assignment = {a.path: a.labels[j] for g, j in zip(groups, combo) for a in g}
            yield assignment, self.with_values(assignment)

    def resolve(self) -> Plan:
        """The :class:`Plan` of a scenario without sweep axes."""
        if self.axes:
            axis = self.axes[0]
            raise ScenarioError(axis.path, f"is a sweep axis with {len(axis)} values; one "
                                "evaluation needs one value (iterate over scenario.points() or "
                                "fix it with scenario.with_values)")
        model_id = self.values.get("model.id")
        hardware_id = self.values.get("hardware.id")
        # Descriptive keys given next to an id (a name, a price) override the catalog entry's.
        model_entry = {**(catalog.lookup("models", model_id, self.extra_catalog["models"])
                          if model_id else {}), **self.info["model"]}
        hw_entry = {**(catalog.lookup("hardware", hardware_id, self.extra_catalog["hardware"])
                       if hardware_id else {}), **self.info["hardware"]}
        hw_label = hardware_id or _label(hw_entry.get("name", "inline hardware"))
        given = {p.split(".", 1)[1] for p in self.values
                 if p.startswith("cost.") and p.split(".", 1)[1] in PARAMETER_BY_NAME}
        costs = pricing.cost_plan(hardware_id, hw_entry, hw_label, given,
                                  self.values.get("cost.mode"), self.values.get("cost.tier"),
                                  self.values.get("cost.term_years"),
                                  self._prices())

        site = pricing.site_plan(self.values.get("site.region"), self.values.get("site.facility"),
                                 costs.mode, given={p.split(".", 1)[1] for p in self.values})
        costs = pricing.with_site(costs, site)

        dists: dict[str, Distribution] = {}
        for param in PARAMETERS:
            dists[param.name] = self._resolve_one(param, model_entry, hw_entry, dists, costs,
                                                  hw_label)
        check_plan(dists, hw_label)
        _check_term(self.values.get("cost.term_years"), costs.mode, dists["lifetime_years"])
        entries = {"model": model_entry, "hardware": hw_entry}
        derived = frozenset(name for name in DERIVED_DEFAULTS
                            if PARAMETER_BY_NAME[name].path not in self.values
                            and name not in entries.get(PARAMETER_BY_NAME[name].section, {})
                            and (name != "provisioned_kw" or costs.derive_provisioned))
        return Plan(tuple(dists[p.name] for p in PARAMETERS),
                    model=model_id or _label(model_entry.get("name", "inline model")),
                    hardware=hw_label, cost_mode=costs.mode, derived=derived,
                    price_basis=costs.basis)

    def _prices(self) -> dict[str, dict]:
        """User price figures: the command's ``--catalog`` files, then the scenario's own."""
        prices = catalog.registered_prices()
        catalog.merge_prices(prices, self.extra_catalog[catalog.PRICES])
        return prices

    def to_toml(self, *, resolved: bool = False) -> str:
        """The scenario as TOML text (what ``inferonomics show`` prints).

        Without ``resolved``: the scenario as given, after :meth:`with_values`, with the paths of
        its ``catalog`` files made absolute so the text loads from any folder.

        With ``resolved``: the :class:`Plan`, every input of the model with the value actually
        used (catalog entries, defaults and the cost mode filled in; numbers with their unit as
        a comment), the model and hardware written inline under the plan's labels, so the text
        needs no catalog and ``load_scenario(tomllib.loads(text)).resolve() == self.resolve()``.
        Inputs that follow another one (``v_head_dim`` = ``head_dim``, ``host_w`` from ``tdp_w``)
        and the other cost mode's keys are shown as comments, so they follow it again. Needs a
        scenario without sweep axes.
        """
        if resolved:
            text = _resolved_toml(self.name, self.raw.get("description"), self.resolve())
            # The analyses' sections are not model inputs: they follow as given.
            raw = self._portable_raw()
            analysis = {t: raw[t] for t in ANALYSIS_TABLES if t in raw}
            return text + ("\n" + to_toml(analysis) if analysis else "")
        raw = self._portable_raw()
        try:
            return to_toml(raw)
        except (TypeError, ValueError) as exc:
            raise InferonomicsError(f"this scenario cannot be written as TOML: {exc}") from None

    def _portable_raw(self) -> dict[str, Any]:
        """The scenario as given, with the files it names (``catalog``, ``demand.file``) made
        absolute, so its text loads from any folder."""
        raw = dict(self.raw)
        if self.base_dir is None:
            return raw
        if "catalog" in raw:
            files = [raw["catalog"]] if isinstance(raw["catalog"], str) else raw["catalog"]
            raw["catalog"] = [os.path.abspath(self.base_dir / f) for f in files]
        demand = raw.get("demand")
        if isinstance(demand, Mapping) and isinstance(demand.get("file"), str):
            raw["demand"] = {**demand, "file": os.path.abspath(self.base_dir / demand["file"])}
        return raw

    def dependencies(self) -> dict[str, frozenset[str]]:
        """For each input, the scenario keys its value can depend on (a superset, from the structure
        of :meth:`_resolve_one`, not from the values): its own key when given, else the catalog id
        of its section (the entry supplies it, or not), and the inputs a default is derived from.
        Sweeps use it to know which axes must be enumerated together."""
        deps: dict[str, frozenset[str]] = {}
        # Which cost keys a scenario gives picks the mode, and the mode picks the priors.
        cost_keys = {p for p in self.values if p.startswith("cost.")}
        for param in PARAMETERS:
            if param.path in self.values:
                deps[param.name] = frozenset({param.path})
                continue
            out = set()
            if param.section == "model":
                out.add("model.id")
            elif param.section in ("hardware", "energy", "cost"):
                out.add("hardware.id")   # the entry's figures, embodied carbon, the cost mode
            if param.section == "cost" or param.name == "lifetime_years":
                out |= {"hardware.id"} | cost_keys   # the price book's priors for the mode
            if param.name == "v_head_dim":
                out |= deps["head_dim"]
            elif param.name in ("host_w", "provisioned_kw"):
                out |= deps["tdp_w"]
            elif param.name == "expert_imbalance":
                out |= deps["expert_parallel"]
            deps[param.name] = frozenset(out)
        return deps

    def _resolve_one(self, param: Parameter, model_entry, hw_entry, done, costs, hw_label):
        path = param.path
        if path in self.values:
            return self.values[path]
        name = param.name
        entry = {"model": model_entry, "hardware": hw_entry}.get(param.section)
        if entry is not None and name in entry:
            return Fixed(float(entry[name]))
        if name == "v_head_dim":
            if not done["head_dim"].is_fixed:
                # Each input draws from its own stream, so a copied distribution would not follow
                # head_dim sample by sample.
                raise ScenarioError(path, "model.head_dim is uncertain, so give model.v_head_dim "
                                    "explicitly (it defaults to head_dim only when that is fixed)")
            return done["head_dim"]
        if name == "expert_imbalance":
            # The busiest device's extra load matters only when experts live whole on devices;
            # otherwise the input is left out of the draws (so it shows in no sensitivity).
            return (DEFAULT_EXPERT_IMBALANCE if done["expert_parallel"].support()[1] > 0
                    else Fixed(1.0))
        if name == "host_w":
            tdp = done["tdp_w"].median()
            f = DEFAULT_HOST_POWER_FRACTION
            return Triangular(f.low * tdp, f.mode * tdp, f.high * tdp)
        if name == "embodied_kgco2" and "embodied_kgco2" in hw_entry:
            return Fixed(float(hw_entry["embodied_kgco2"]))
        if name == "embodied_kgco2" and costs.embodied is not None:
            return costs.embodied
        if name in costs.values:
            return costs.values[name]
        if name == "provisioned_kw" and costs.derive_provisioned:
            # An owned device the book has no power figure for: its server's share from the TDP
            # this plan uses (a scenario's own tdp_w included).
            return Fixed(done["tdp_w"].median() / W_PER_KW * pricing.SERVER_POWER_PER_TDP)
        default = default_of(param)
        if default is not None:
            return default
        if param.section == "model":
            source = f"model {self.values['model.id']!r} in the catalog has no {name}" if \
                self.values.get("model.id") else "the inline model does not give it"
            raise ScenarioError(path, f"missing: {source}")
        if param.section == "hardware":
            raise ScenarioError(path, f"missing: {hw_label} does not give it ({param.range_text()})")
        raise ScenarioError(path, f"missing ({param.range_text()})")  # pragma: no cover


def _label(name: Any) -> str:
    """A model or hardware label for reports and JSON: a catalog name as text (TOML allows a date
    there, which JSON does not)."""
    if isinstance(name, (datetime.date, datetime.time)):
        return name.isoformat()
    return name if isinstance(name, str) else str(name)


def _number(param: Parameter, x: float) -> float | int:
    """A fixed value as a scenario writes it: whole numbers of integer inputs without ``.0``."""
    return int(x) if param.integer and float(x).is_integer() and abs(x) < 2**53 else x


def _written(param: Parameter, dist: Distribution) -> Any:
    """A distribution as the scenario value that parses back to it: a number, ``"max"`` or a
    distribution table."""
    if isinstance(dist, Fixed):
        if param.name == "batch" and dist.value == BATCH_MAX:
            return BATCH_MAX_WORD
        return _number(param, dist.value)
    if isinstance(dist, Uniform):
        return {"dist": "uniform", "low": dist.low, "high": dist.high}
    if isinstance(dist, Normal):
        table = {"dist": "normal", "mean": dist.mean_, "sd": dist.sd}
        table.update({k: v for k, v in (("low", dist.low), ("high", dist.high)) if math.isfinite(v)})
        return table
    if isinstance(dist, LogNormal):
        return {"dist": "lognormal", "median": dist.median_, "sigma": dist.sigma}
    if isinstance(dist, Pert):
        return {"dist": "pert", "low": dist.low, "mode": dist.mode, "high": dist.high,
                "lambda": dist.lam}
    if isinstance(dist, Triangular):
        return {"dist": "triangular", "low": dist.low, "mode": dist.mode, "high": dist.high}
    if isinstance(dist, Choice):
        return {"dist": "choice", "values": list(dist.values), "weights": list(dist.weights)}
    raise TypeError(f"no scenario spelling for {type(dist).__name__}")  # pragma: no cover


def _resolved_toml(name: str, description: Any, plan: Plan) -> str:
    """The text of :meth:`Scenario.to_toml` with ``resolved=True``, checked to load back to
    ``plan``."""
    lines = ["# Every input of the model with the value used: catalog entries, defaults and the",
             "# cost mode filled in (inferonomics show --resolved).",
             f"name = {toml_string(name)}"]
    if description is not None:
        lines.append(f"description = {toml_value(description)}")
    # The other cost mode's keys are refused when given (no cost counted twice): they stay out,
    # and resolve to the same values again.
    left_out = pricing.unused_keys(plan.cost_mode)
    for section in SECTIONS:
        lines += ["", f"[{section}]"]
        if section in ("model", "hardware"):
            label = plan.model if section == "model" else plan.hardware
            lines.append(f"name = {toml_string(label)}")
        if section == "cost":
            lines.append(f"mode = {toml_string(plan.cost_mode)}")
        for param in PARAMETERS:
            if param.section != section:
                continue
            value = toml_value(_written(param, plan[param.name]))
            line = f"{toml_key(param.name)} = {value}"
            if param.name in plan.derived:
                follows = DERIVED_DEFAULTS[param.name]
                line = f"# {line}   (follows {follows})"
            elif param.name in left_out and param.section == "cost":
                line = f"# {line}   (not used in {plan.cost_mode} mode)"
            lines.append(line + (f"   # {param.unit}" if param.unit and not line.startswith("#")
                                 else ""))
    text = "\n".join(lines) + "\n"
    again = _from_dict(tomllib.loads(text), None).resolve()
    if again != plan:   # pragma: no cover - a distribution without an exact spelling
        raise InferonomicsError("this scenario's plan has no TOML text that loads back the same")
    return text


def _from_dict(raw: Mapping[str, Any], base_dir: Path | None) -> Scenario:
    if not isinstance(raw, Mapping):
        raise ScenarioError("", f"a scenario is a table (dict), got {type(raw).__name__}")
    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            raise ScenarioError(key, f"unknown top-level key{catalog.suggest(key, TOP_LEVEL_KEYS)}; "
                                "allowed: " + ", ".join(TOP_LEVEL_KEYS))
    for section in REQUIRED_SECTIONS:
        if section not in raw:
            raise ScenarioError(section, f"missing section [{section}]")

    extra_catalog: dict[str, dict[str, dict]] = {kind: {} for kind in catalog.FILE_TABLES}
    files = raw.get("catalog", [])
    if isinstance(files, str):
        files = [files]
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ScenarioError("catalog", "must be a file path or a list of file paths")
    for f in files:
        path = Path(f)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        parsed = catalog.read_catalog_file(path)
        for kind in catalog.KINDS:
            extra_catalog[kind].update(parsed[kind])
        catalog.merge_prices(extra_catalog[catalog.PRICES], parsed[catalog.PRICES])

    name = raw.get("name", "unnamed scenario")
    if not isinstance(name, str):
        raise ScenarioError("name", f"must be a string, got {describe(name)}")
    if not isinstance(raw.get("description", ""), str):
        raise ScenarioError("description", f"must be a string, got {describe(raw['description'])}")

    values: dict[str, Any] = {}
    values.update(_parse_site(raw.get("site")))
    info: dict[str, dict[str, Any]] = {"model": {}, "hardware": {}}
    for section in SECTIONS:
        table = raw.get(section)
        if table is None:
            continue
        if not isinstance(table, Mapping):
            raise ScenarioError(section, f"must be a table [{section}], got {describe(table)}")
        extra_keys = SECTION_EXTRA_KEYS.get(section, ())
        own = [p.name for p in PARAMETERS if p.section == section]
        for key, value in table.items():
            path = f"{section}.{key}"
            if path in PARAMETER_BY_PATH:
                values[path] = parse_value(path, value, PARAMETER_BY_PATH[path])
            elif key == "id" and section in ("model", "hardware"):
                kind = "models" if section == "model" else "hardware"
                values[path] = _parse_id(path, value, kind, extra_catalog)
            elif key == "mode" and section == "cost":
                if value not in pricing.COST_MODES:
                    raise ScenarioError(path, "must be one of " + ", ".join(
                        f'"{m}"' for m in pricing.COST_MODES) + f", got {describe(value)}")
                values[path] = value
            elif key == "tier" and section == "cost":
                if value not in pricebook.TIERS:
                    raise ScenarioError(path, "must be one of " + ", ".join(
                        f'"{t}"' for t in pricebook.TIERS) + f" (on-demand market tiers), got "
                        f"{describe(value)}")
                values[path] = value
            elif key == "term_years" and section == "cost":
                if isinstance(value, bool) or not isinstance(value, int) or value not in pricing.TERMS:
                    raise ScenarioError(path, "must be " + " or ".join(map(str, pricing.TERMS))
                                        + f" (the reserved terms the price book prices), got "
                                        f"{describe(value)}")
                values[path] = int(value)
            elif key in extra_keys:
                info[section][key] = value
            elif key in PARAMETER_BY_NAME:
                home = PARAMETER_BY_NAME[key].section
                raise ScenarioError(path, f"unknown key here; {key} belongs in [{home}] ({home}.{key})")
            else:
                allowed = own + list(extra_keys)
                raise ScenarioError(path, f"unknown key{catalog.suggest(key, allowed)}; allowed in "
                                    f"[{section}]: " + ", ".join(allowed))

    for key in REQUIRED_WORKLOAD:
        if f"workload.{key}" not in values:
            raise ScenarioError(f"workload.{key}", "missing (required: "
                                + ", ".join(f"workload.{k}" for k in REQUIRED_WORKLOAD) + ")")
    for section, kind in (("model", "models"), ("hardware", "hardware")):
        if f"{section}.id" in values:
            continue
        # Inline specs: the same keys a catalog entry needs.
        for key in catalog.REQUIRED_KEYS[kind]:
            if key == "name":
                continue
            if f"{section}.{key}" not in values:
                raise ScenarioError(f"{section}.{key}", f"missing: give {section}.id (a catalog id) "
                                    f"or the {'architecture' if section == 'model' else 'specs'} inline "
                                    "(needs " + ", ".join(k for k in catalog.REQUIRED_KEYS[kind]
                                                        if k != "name") + ")")
    for key in ("usd_per_hour", "purchase_usd", "embodied_kgco2"):
        if key in info["hardware"]:
            value = info["hardware"][key]
            if not is_number(value) or not math.isfinite(value) or value < 0:
                raise ScenarioError(f"hardware.{key}", f"must be a finite number >= 0, got "
                                    f"{describe(value)}")
    zipped, max_points = _parse_sweep_options(raw.get("sweep", {}), values)
    analysis = {"demand": parse_demand(raw.get("demand"), base_dir),
                "horizon": parse_horizon(raw.get("horizon")),
                "edge": parse_edge(raw.get("edge")), "network": parse_network(raw.get("network")),
                "fleet": parse_fleet(raw.get("fleet")), "policy": parse_policies(raw.get("policy")),
                "load": parse_load(raw.get("load"))}
    if "api" in raw:   # without it, `inferonomics api` looks up the model id when it runs
        model_id = values.get("model.id")
        analysis["api"] = parse_api(raw["api"], model_id if isinstance(model_id, str) else None)
    scenario = Scenario(name=name, values=values, info=info, extra_catalog=extra_catalog,
                        raw=copy.deepcopy(dict(raw)), base_dir=base_dir, zipped=zipped,
                        max_points=max_points, analysis=analysis)
    if not scenario.axes:
        scenario.resolve()  # cross-field checks now, so a bad scenario fails when it loads
    return scenario


def _check_term(term_years, mode: str, lifetime: Distribution) -> None:
    """A reservation may not outlast the deployment: its later years would be paid for nothing."""
    if mode == "reserved" and term_years is not None and term_years > lifetime.median():
        raise ScenarioError("cost.term_years", f"a {term_years}-year reservation outlasts the "
                            f"deployment (deployment.lifetime_years, median {lifetime.median():g} "
                            "years): its later years would be paid for nothing; shorten the term "
                            "or lengthen the lifetime")


def _parse_site(table: Any) -> dict[str, str]:
    """``[site] region = "us-tx"``, ``facility = "hyperscale"``: where the devices run, which picks
    the price book's electricity, grid carbon, PUE and water priors (see :mod:`.pricing`)."""
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise ScenarioError("site", f"must be a table [site], got {describe(table)}")
    out = {}
    for key, value in table.items():
        choices = {"region": pricebook.regions(), "facility": pricing.FACILITIES}.get(key)
        if choices is None:
            raise ScenarioError(f"site.{key}", f"unknown key{catalog.suggest(key, ('region', 'facility'))}; "
                                "[site] takes region and facility")
        if not isinstance(value, str) or value not in choices:
            raise ScenarioError(f"site.{key}", f"unknown {key} {describe(value)}"
                                f"{catalog.suggest(str(value), choices)}; one of {', '.join(choices)}")
        out[f"site.{key}"] = value
    return out


SWEEP_KEYS = ("zip", "max_points", "constraints", "objective", "min_feasible", "show")


def _parse_sweep_options(table: Any, values: Mapping[str, Any]) -> tuple[tuple, int | None]:
    """``[sweep]``: ``zip`` (lists of axis paths that move together), ``max_points``, the decision
    keys read by :mod:`inferonomics.analysis.decisions` (``constraints``, ``objective``, ``min_feasible``)
    and ``show`` (extra columns the CLI prints), checked here so a bad one fails when the scenario
    loads."""
    if not isinstance(table, Mapping):
        raise ScenarioError("sweep", f"must be a table [sweep], got {describe(table)}")
    for key in table:
        if key not in SWEEP_KEYS:
            raise ScenarioError(f"sweep.{key}", f"unknown key{catalog.suggest(key, SWEEP_KEYS)}; "
                                "allowed in [sweep]: " + ", ".join(SWEEP_KEYS))
    axes = {p: v for p, v in values.items() if isinstance(v, Axis)}
    raw_groups = table.get("zip", [])
    if isinstance(raw_groups, list) and raw_groups and all(isinstance(p, str) for p in raw_groups):
        raw_groups = [raw_groups]          # zip = ["a", "b"] is one group
    if not isinstance(raw_groups, list):
        raise ScenarioError("sweep.zip", "must be a list of lists of axis key paths, e.g. "
                            '[["hardware.id", "cost.usd_per_device_hour"]]')
    groups, used = [], set()
    for j, group in enumerate(raw_groups):
        where = f"sweep.zip[{j}]"
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(p, str) for p in group):
            raise ScenarioError(where, "must list two or more axis key paths, e.g. "
                                '["hardware.id", "cost.usd_per_device_hour"]')
        for path in group:
            if path not in axes:
                what = "is not a sweep axis (give it a list of values)" if path in values else \
                    f"is not a key of this scenario{catalog.suggest(path, list(axes) or list(values))}"
                raise ScenarioError(where, f"{path!r} {what}")
            if path in used:
                raise ScenarioError(where, f"{path!r} is already zipped with other axes")
            used.add(path)
        lengths = {p: len(axes[p]) for p in group}
        if len(set(lengths.values())) > 1:
            raise ScenarioError(where, "zipped axes must have the same length, got "
                                + ", ".join(f"{p} ({n})" for p, n in lengths.items()))
        groups.append(tuple(group))
    constraints = table.get("constraints", [])
    if not isinstance(constraints, list):
        raise ScenarioError("sweep.constraints", "must be a list like ['tpot_s_p95 <= 0.04']")
    for j, text in enumerate(constraints):
        parse_constraint(text, f"sweep.constraints[{j}]")
    if "objective" in table:
        parse_objective(table["objective"], "sweep.objective")
    show = table.get("show", [])
    if not isinstance(show, list) or not all(isinstance(c, str) for c in show):
        raise ScenarioError("sweep.show", "must be a list of columns like ['tpot_s_p95']")
    for j, column in enumerate(show):
        parse_objective(column, f"sweep.show[{j}]")
    if "min_feasible" in table:
        f = table["min_feasible"]
        if not is_number(f) or not 0.0 <= f <= 1.0:
            raise ScenarioError("sweep.min_feasible", f"must be a fraction in [0, 1], got {describe(f)}")
    max_points = table.get("max_points")
    if max_points is not None:
        if not is_number(max_points) or max_points < 1 or max_points != math.floor(max_points):
            raise ScenarioError("sweep.max_points", f"must be a whole number >= 1, got "
                                f"{describe(max_points)}")
        max_points = int(max_points)
    return tuple(groups), max_points


def load_scenario(source: str | Path | Mapping[str, Any]) -> Scenario:
    """Load and check a scenario from a TOML file path or a dict of the same structure.

    Raises :class:`~inferonomics.errors.ScenarioError` naming the key path of the first problem.
    """
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        raw, base_dir = source, None
    else:
        raw, base_dir = read_toml_file(source, "", "scenario"), Path(source).parent
    try:
        return _from_dict(raw, base_dir)
    except RecursionError:   # a dict nested thousands deep (TOML text is refused when read)
        raise ScenarioError("", "the scenario is nested too deeply") from None
