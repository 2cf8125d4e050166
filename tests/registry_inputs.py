"""Inputs drawn from the parameter registry itself, for the conformance suite.

Every input of :data:`inferonomics.model.registry.PARAMETERS` is drawn over its allowed range (its
``typical`` range where the allowed one is far wider than real values; tests/test_finite_ranges.py
draws the whole range), with its closed bounds, its default and its
special values as explicit candidates, so optional terms get switched on and off (a zero purchase
price or a positive one, no latency target or a tight one, MLA or not, windows or not), plus the
constants the model compares each input with (found by tools/generate_cores.py in the reference), so
a boundary written ``<`` for ``<=`` is caught. A new input is covered as soon as it is registered;
nothing here lists inputs.

The few cross-field rules of :func:`inferonomics.io.scenario.check_plan` are repaired after drawing;
:func:`repaired` then asserts ``check_plan`` accepts the row, so a new rule there makes this module
fail loudly until it learns to repair it.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from inferonomics.sampling.distributions import Fixed
from inferonomics.model.registry import PARAMETERS, Parameter
from inferonomics.model.reference import peak_tflops
from inferonomics.io.scenario import MAX_LOST_SHARE, check_plan

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from generate_cores import comparison_landmarks  # noqa: E402

# Constants the model compares an input with (activation_bits <= 8, count <= 1, ...): the one value
# where a `<` and a `<=` give different answers, so each is drawn exactly.
LANDMARKS = comparison_landmarks()

LOG_UNIFORM_SPAN = 100.0   # ranges wider than this ratio are drawn log-uniformly in bulk draws
CANDIDATE_PROBABILITY = 0.2
REPAIRED_SCALEOUT_GBPS = 50.0
REPAIRED_INTERCONNECT_GBPS = 50.0   # given to multi-device rows drawn with no interconnect
REPAIRED_TFLOPS = 100.0             # given to rows drawn with no peak for their activation width


def candidates(param: Parameter) -> list[float]:
    """Values worth hitting exactly: closed bounds inside the drawing range, the default, specials
    and the constants the model compares the input with."""
    lo, hi = param.draw_range
    out = []
    if not param.low_open:
        out.append(param.low)
    if not param.high_open:
        out.append(param.high)   # may be inf: "no target"
    if isinstance(param.default, (int, float)):
        out.append(float(param.default))
    out.extend(param.special)
    out.extend(LANDMARKS.get(param.name, ()))
    keep = [v for v in out if v in param.special or (param.contains(v) and (lo <= v <= hi or
                                                                            math.isinf(v)))]
    return sorted(set(float(v) for v in keep))


def _rounded(param: Parameter, x: float) -> float:
    if not param.integer or not math.isfinite(x):
        return x
    value = math.floor(x + 0.5)
    return value if param.contains(value) or value in param.special else math.ceil(x)


def value_strategy(param: Parameter):
    lo, hi = param.draw_range
    inside = st.floats(lo, hi, exclude_min=param.low_open and lo == param.low,
                       exclude_max=param.high_open and hi == param.high, allow_nan=False,
                       allow_infinity=False, allow_subnormal=False)
    options = [inside] + ([st.sampled_from(candidates(param))] if candidates(param) else [])
    return st.one_of(*options).map(lambda x: _rounded(param, accepted(param, x)))


def accepted(param: Parameter, x):
    """``x`` (a number or an array) moved into the input's range where it is neither inside it
    nor a special value: a typical range starting at 0 for a rate that is 0 or at least 1e-6."""
    clipped = np.clip(x, param.low, param.high)
    if param.low_open:
        clipped = np.maximum(clipped, np.nextafter(param.low, np.inf))
    out = np.where(param.accepts(x), x, clipped)
    return float(out) if np.ndim(out) == 0 else out


@st.composite
def input_rows(draw) -> dict[str, float]:
    """One row of inputs the model accepts (hypothesis)."""
    return repaired({p.name: draw(value_strategy(p)) for p in PARAMETERS})


def random_rows(n: int, seed: int) -> np.ndarray:
    """``n`` rows (columns in registry order) drawn with numpy: for bulk agreement checks."""
    gen = np.random.default_rng(seed)
    columns = []
    for p in PARAMETERS:
        lo, hi = p.draw_range
        if lo > 0 and hi / lo > LOG_UNIFORM_SPAN:
            x = np.exp(gen.uniform(np.log(lo), np.log(hi), n))
        else:
            x = gen.uniform(lo, hi, n)
        x = accepted(p, x)
        cands = candidates(p)
        if cands:
            pick = gen.random(n) < CANDIDATE_PROBABILITY
            x = np.where(pick, gen.choice(cands, n), x)
        columns.append(np.array([_rounded(p, v) for v in x]))
    rows = np.column_stack(columns)
    names = [p.name for p in PARAMETERS]
    for j in range(n):
        fixed = repaired(dict(zip(names, rows[j])))
        rows[j] = [fixed[name] for name in names]
    return rows


def repaired(x: dict[str, float]) -> dict[str, float]:
    """The row with the cross-field rules of check_plan made to hold."""
    x = dict(x)
    x["experts_per_token"] = min(x["experts_per_token"], x["n_experts"])
    x["active_params_b"] = min(x["active_params_b"], x["total_params_b"])
    if x["n_experts"] > x["experts_per_token"]:
        # shared layers cannot be negative: active / total >= k / E
        least = x["total_params_b"] * x["experts_per_token"] / x["n_experts"]
        x["active_params_b"] = min(max(x["active_params_b"], np.nextafter(least, np.inf)),
                                   x["total_params_b"])
    x["idle_w"] = min(x["idle_w"], x["tdp_w"])
    if x["interruptions_per_hour"] * x["restart_s"] > MAX_LOST_SHARE * 3600.0:
        x["restart_s"] = MAX_LOST_SHARE * 3600.0 / x["interruptions_per_hour"] * (1 - 1e-12)
    # Pipeline stages split the replica's devices evenly; a replica beyond one scale-up domain, or
    # one whose prompts are prefilled elsewhere, needs a network.
    x["pp"] = float(math.gcd(int(x["count"]), int(x["pp"])))
    spans = x["scaleup_devices"] != 0 and x["scaleup_devices"] < x["count"]
    if (spans or x["disaggregated"] > 0) and x["scaleout_gbps"] <= 0:
        x["scaleout_gbps"] = REPAIRED_SCALEOUT_GBPS
    if x["count"] > 1 and x["interconnect_gbps"] <= 0:
        x["interconnect_gbps"] = REPAIRED_INTERCONNECT_GBPS
    if peak_tflops(x["activation_bits"], x["tflops_fp32"], x["tflops_16"], x["tflops_8"],
                   x["tflops_4"]) <= 0:
        x["tflops_16"] = REPAIRED_TFLOPS
    check_plan({k: Fixed(v) for k, v in x.items()}, "a drawn row")
    return x
