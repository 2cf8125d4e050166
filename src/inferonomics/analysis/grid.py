"""The grid of a sweep, factorised so the cores can build any grid point from its index.

A scenario's sweep axes form dimensions (an axis alone, or axes zipped together in ``[sweep] zip``);
the grid is their Cartesian product in C order (the last dimension varies fastest). A grid of ten
million points must not become ten million Python objects, so :class:`Grid` describes it by
*groups*: each group is one dimension (or, rarely, a run of neighbouring dimensions, see below) that
owns the model inputs its values change, with one table row per value and owned input. A point's
inputs are the base plan's, overwritten by the rows its digits select. The cores decode the digits
themselves (``grid_rows`` in the C core), so the grid's memory is the sum of the dimensions'
lengths, not their product.

Which dimensions an input can depend on comes from the scenario's structure
(:meth:`~inferonomics.io.scenario.Scenario.dependencies`: its own key, else its section's catalog id,
and the inputs a default is derived from). An input that can depend on two dimensions (say,
``v_head_dim`` defaulting to a swept ``head_dim`` for some swept models only) cannot be composed from
one-dimension tables, so those dimensions, and any between them, form one group whose values are
their combinations. Which inputs a group owns is then found by resolving the scenario at each of the
group's values (every other dimension at its first value) and comparing with the base plan. Cross-field checks (active <= total parameters, a peak for the activation width,
...) run on every combination of the values that can affect them, before anything is evaluated.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cores.encoding import N_DIST_PARAMS, N_INPUTS, EncodedPlan, encode, encode_one
from ..errors import ScenarioError
from ..model.registry import PARAMETERS
from ..sampling.distributions import Distribution

_INDEX = {p.name: s for s, p in enumerate(PARAMETERS)}
from ..io.scenario import Plan, Scenario, check_plan

MAX_GROUP_VALUES = 1_000_000
"""Largest group of merged dimensions (combinations resolved one by one in Python)."""
MAX_CHECK_COMBINATIONS = 200_000
"""Largest number of value combinations the cross-field checks enumerate."""
VERIFY_POINTS = 8
"""Grid points resolved in full and compared with the composed plan, as a self-check."""
CHECKED_INPUTS = frozenset({
    "active_params_b", "total_params_b", "experts_per_token", "n_experts", "idle_w", "tdp_w",
    "count", "interconnect_gbps", "activation_bits", "tflops_fp32", "tflops_16", "tflops_8",
    "tflops_4", "pp", "scaleup_devices", "scaleout_gbps", "interruptions_per_hour", "restart_s",
    "disaggregated"})
"""The inputs :func:`~inferonomics.io.scenario.check_plan` relates to each other."""


@dataclass(frozen=True)
class Dimension:
    """One dimension of the grid: one axis, or several zipped axes sharing an index."""

    paths: tuple[str, ...]
    labels: tuple[tuple, ...]   # labels[k][j]: value j of axis paths[k], as the user wrote it

    def __len__(self) -> int:
        return len(self.labels[0])

    @property
    def name(self) -> str:
        return self.paths[0]


@dataclass(frozen=True)
class Group:
    """Dimensions ``first .. last`` (inclusive) and the inputs their values own."""

    first: int
    last: int
    radix: int                                  # values: the product of the dimensions' lengths
    owned: tuple[int, ...]                      # indices into PARAMETERS
    rows: tuple[tuple[Distribution, ...], ...]  # rows[j][k]: distribution of owned[k] at value j


def _label_text(x: Any) -> str:
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k} = {v}" for k, v in x.items()) + "}"
    return str(x)


class Grid:
    """The factorised grid of ``scenario`` (see the module docstring). Raises
    :class:`~inferonomics.errors.ScenarioError` naming the grid point of the first problem."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.dims = [Dimension(tuple(a.path for a in g), tuple(a.labels for a in g))
                     for g in scenario.axis_groups]
        self.shape = tuple(len(d) for d in self.dims)
        self.size = math.prod(self.shape)
        self._plans: dict[tuple[int, ...], Plan] = {}
        self.base = self._plan((0,) * len(self.dims))
        self.groups = self._factorise()
        self._check_combinations()
        self._verify()

    # -- resolving single points ---------------------------------------------------------------

    def assignment(self, digits) -> dict[str, Any]:
        """``{axis path: value as written}`` of the point with these digits."""
        return {path: dim.labels[k][j] for dim, j in zip(self.dims, digits)
                for k, path in enumerate(dim.paths)}

    def describe(self, digits) -> str:
        return ", ".join(f"{p} = {_label_text(v)}" for p, v in self.assignment(digits).items())

    def _plan(self, digits: tuple[int, ...]) -> Plan:
        plan = self._plans.get(digits)
        if plan is None:
            try:
                plan = self.scenario.with_values(self.assignment(digits)).resolve()
            except ScenarioError as exc:
                raise ScenarioError(exc.path, f"{exc.message} (at the grid point "
                                    f"{self.describe(digits)})") from None
            self._plans[digits] = plan
        return plan

    def digits(self, index: int) -> tuple[int, ...]:
        return tuple(int(d) for d in np.unravel_index(index, self.shape)) if self.dims else ()

    # -- factorisation -------------------------------------------------------------------------

    def _group_digits(self, first: int, last: int):
        """Digit tuples of every value of dims first..last, others at 0, in C order."""
        ranges = [range(self.shape[d]) for d in range(first, last + 1)]
        for combo in itertools.product(*ranges):
            digits = [0] * len(self.dims)
            digits[first:last + 1] = combo
            yield tuple(digits)

    def _owned(self, first: int, last: int) -> set[int]:
        base = self.base.distributions
        owned: set[int] = set()
        for digits in self._group_digits(first, last):
            dists = self._plan(digits).distributions
            owned.update(s for s in range(N_INPUTS) if dists[s] != base[s])
        return owned

    def _spans(self) -> list[list[int]]:
        """Runs of neighbouring dimensions to enumerate together: an input that can depend on
        several dimensions (Scenario.dependencies) joins them, and those between, into one run."""
        dim_of = {path: d for d, dim in enumerate(self.dims) for path in dim.paths}
        spans = [[d, d] for d in range(len(self.dims))]
        for name, paths in self.scenario.dependencies().items():
            dims = sorted({dim_of[p] for p in paths if p in dim_of})
            if len(dims) < 2:
                continue
            lo, hi = dims[0], dims[-1]
            values = math.prod(self.shape[lo:hi + 1])
            if values > MAX_GROUP_VALUES:
                raise ScenarioError("sweep", f"{PARAMETERS[_INDEX[name]].path} depends on both "
                                    f"{self.dims[lo].name} and {self.dims[hi].name}, which would "
                                    f"need {values:,} combined values; give it explicitly or "
                                    "shorten those axes")
            keep = [s for s in spans if s[1] < lo or s[0] > hi]
            inside = [s for s in spans if not (s[1] < lo or s[0] > hi)]
            merged = [min(s[0] for s in inside), max(s[1] for s in inside)]
            spans = sorted(keep + [merged])
        return spans

    def _factorise(self) -> list[Group]:
        spans = self._spans()
        owners = [self._owned(a, b) for a, b in spans]
        for i, k in itertools.combinations(range(len(spans)), 2):
            if owners[i] & owners[k]:   # Scenario.dependencies missed a dependency
                shared = PARAMETERS[min(owners[i] & owners[k])].path
                raise RuntimeError(f"inferonomics bug: {shared} changes with two sweep dimensions "
                                   "that Scenario.dependencies() says it does not depend on")
        groups = []
        for (a, b), owned in zip(spans, owners):
            owned_t = tuple(sorted(owned))
            rows = tuple(tuple(self._plan(digits).distributions[s] for s in owned_t)
                         for digits in self._group_digits(a, b))
            groups.append(Group(a, b, len(rows), owned_t, rows))
        return groups

    # -- composing points ----------------------------------------------------------------------

    def group_values(self, digits) -> list[int]:
        """The value index of each group for a point's digits."""
        out = []
        for g in self.groups:
            j = 0
            for d in range(g.first, g.last + 1):
                j = j * self.shape[d] + digits[d]
            out.append(j)
        return out

    def distributions(self, index: int) -> tuple[Distribution, ...]:
        """The input distributions of grid point ``index`` (C order), composed from the tables."""
        dists = list(self.base.distributions)
        for g, j in zip(self.groups, self.group_values(self.digits(index))):
            for s, dist in zip(g.owned, g.rows[j]):
                dists[s] = dist
        return tuple(dists)

    def plan(self, index: int) -> Plan:
        """The full :class:`Plan` of grid point ``index``, resolved from the scenario."""
        return self._plan(self.digits(index))

    def _check_combinations(self) -> None:
        """check_plan on every combination of the values that change a cross-checked input."""
        names = [p.name for p in PARAMETERS]
        involved = []
        for gi, g in enumerate(self.groups):
            keep = [k for k, s in enumerate(g.owned) if names[s] in CHECKED_INPUTS]
            if not keep:
                continue
            distinct: dict[tuple, int] = {}
            for j, row in enumerate(g.rows):
                distinct.setdefault(tuple(row[k] for k in keep), j)
            involved.append((gi, sorted(distinct.values())))
        if len(involved) < 2:
            return  # each group's values were already checked when they were resolved
        combos = math.prod(len(v) for _, v in involved)
        if combos > MAX_CHECK_COMBINATIONS:
            raise ScenarioError("sweep", f"{combos:,} combinations of hardware, model and precision "
                                "values would need cross-checking; split the sweep")
        for choice in itertools.product(*(values for _, values in involved)):
            dists = list(self.base.distributions)
            digits = [0] * len(self.dims)
            for (gi, _), j in zip(involved, choice):
                g = self.groups[gi]
                for s, dist in zip(g.owned, g.rows[j]):
                    dists[s] = dist
                for d in range(g.last, g.first - 1, -1):
                    digits[d] = j % self.shape[d]
                    j //= self.shape[d]
            try:
                check_plan(dict(zip(names, dists)), self._hardware_label(digits))
            except ScenarioError as exc:
                raise ScenarioError(exc.path, f"{exc.message} (at the grid point "
                                    f"{self.describe(digits)})") from None

    def price_bases(self) -> dict[str, str]:
        """What the cost rests on at each point, by the axis values that decide it (``{"hardware.id =
        h100-sxm": "rent at h100-sxm.rent.specialist (...)", ...}``), or ``{"": basis}`` when one
        basis holds for the whole grid. Acquisition modes may differ between points (a device
        the price book only sells is owned, one it rents is rented)."""
        deciding = [d for d, dim in enumerate(self.dims)
                    if any(p == "hardware.id" or p.startswith("cost.") for p in dim.paths)]
        if not deciding:
            return {"": self.base.price_basis}
        group = next(g for g in self.groups if g.first <= deciding[0] <= g.last)
        out = {}
        for digits in self._group_digits(group.first, group.last):
            # Labelled by the values that decide the price (other axes of the group drop out).
            moved = {p: v for p, v in self.assignment(digits).items()
                     if p == "hardware.id" or p.startswith("cost.")}
            label = ", ".join(f"{p} = {_label_text(v)}" for p, v in moved.items())
            out.setdefault(label, self._plan(digits).price_basis)
        return out

    def _hardware_label(self, digits) -> str:
        """The hardware's name at a point, for messages (its plan with only that axis moved)."""
        only = [0] * len(self.dims)
        for d, dim in enumerate(self.dims):
            if any(p.startswith("hardware.") for p in dim.paths):
                only[d] = digits[d]
        return self._plan(tuple(only)).hardware

    def _verify(self) -> None:
        """Resolve a few points in full and compare with the composed plans: a failure here is a
        bug in the factorisation, never silently a wrong table."""
        rng = np.random.default_rng(0)
        picks = {0, self.size - 1} | {int(i) for i in rng.integers(0, self.size, VERIFY_POINTS)}
        for i in sorted(picks):
            if self.plan(i).distributions != self.distributions(i):
                raise RuntimeError(f"inferonomics bug: the sweep grid composed a different plan "
                                   f"than the scenario resolves at {self.describe(self.digits(i))}")

    # -- arrays for the cores ------------------------------------------------------------------

    @functools.cached_property
    def encoded(self) -> "EncodedGrid":
        """The grid as flat arrays for the cores."""
        values: list[float] = []
        weights: list[float] = []
        base = encode(self.base.distributions, values, weights)
        radix = np.array([g.radix for g in self.groups], dtype=np.int64)
        owned_offset = np.zeros(len(self.groups) + 1, dtype=np.int32)
        owned_offset[1:] = np.cumsum([len(g.owned) for g in self.groups])
        owned_param = np.array([s for g in self.groups for s in g.owned], dtype=np.int32)
        row_offset = np.zeros(len(self.groups), dtype=np.int64)
        kinds, params, medians = [], [], []
        for gi, g in enumerate(self.groups):
            row_offset[gi] = len(kinds)
            for row in g.rows:
                for s, dist in zip(g.owned, row):
                    kind, p = encode_one(dist, values, weights)
                    kinds.append(kind)
                    params.append(p + [0.0] * (N_DIST_PARAMS - len(p)))
                    medians.append(_median(dist, PARAMETERS[s].integer))
        base = EncodedPlan(base.kinds, base.params, base.integer,
                           np.array(values or [0.0]), np.array(weights or [0.0]))
        empty = not kinds
        return EncodedGrid(
            plan=base,
            base_medians=np.array([_median(d, p.integer) for d, p in
                                   zip(self.base.distributions, PARAMETERS)]),
            radix=radix, owned_offset=owned_offset,
            owned_param=owned_param if owned_param.size else np.zeros(1, dtype=np.int32),
            row_offset=row_offset if row_offset.size else np.zeros(1, dtype=np.int64),
            table_kinds=np.array(kinds or [0], dtype=np.int32),
            table_params=np.array(params or [[0.0] * N_DIST_PARAMS], dtype=np.float64),
            table_medians=np.array(medians or [0.0], dtype=np.float64),
            n_rows=0 if empty else len(kinds))


def _median(dist: Distribution, integer: bool) -> float:
    """Plan.medians' value of one input: the median, rounded half up for integer inputs."""
    x = dist.median()
    return float(math.floor(x + 0.5)) if integer else float(x)


@dataclass(frozen=True)
class EncodedGrid:
    """A :class:`Grid` as the flat arrays of ``inf_sweep_evaluate`` / ``inf_sweep_simulate``."""

    plan: EncodedPlan            # the base plan; its choice tables include every row's
    base_medians: np.ndarray     # float64[N_INPUTS]
    radix: np.ndarray            # int64[groups]
    owned_offset: np.ndarray     # int32[groups + 1]
    owned_param: np.ndarray      # int32[owned] (at least one element)
    row_offset: np.ndarray       # int64[groups] (at least one element)
    table_kinds: np.ndarray      # int32[rows]
    table_params: np.ndarray     # float64[rows, N_DIST_PARAMS]
    table_medians: np.ndarray    # float64[rows]
    n_rows: int

    @property
    def n_groups(self) -> int:
        return int(self.radix.size)

    @property
    def n_owned(self) -> int:
        return int(self.owned_offset[-1])

