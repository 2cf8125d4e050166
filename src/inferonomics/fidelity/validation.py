"""The model against published measurements: does the predicted 90% interval hold the measured value?

``data/validation.toml`` holds published measurements of LLM serving (MLPerf Inference, TensorRT-LLM
and NIM tables, vLLM CI, ML.ENERGY, llama.cpp), each translated into the model's inputs with its
source and the inputs that had to be assumed. :func:`validate` runs the model on every case with
the library's default priors and reports, per case, the measurement, the predicted p5/p50/p95 and
whether the measurement falls inside; then coverage of the 90% interval and the median and worst
absolute log error of p50, overall, for decode- and prefill-heavy cases, and for the cases used to
fit the priors versus those held out (see :data:`HOLDOUT_FRACTION`).
"""

from __future__ import annotations

import hashlib
import math
import statistics
import tomllib
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

import numpy as np

from ..api import simulate
from ..errors import InferonomicsError
from ..fleet.under_load import replica_under_load
from ..io.scenario import load_scenario
from ..model.registry import METRIC_BY_NAME
from . import conformal

METRICS = {
    # case metric: (model output, multiply by replicas?)
    "tokens_per_s_total": ("tokens_per_s", True),
    "ttft_s": ("ttft_s", False),
    "tpot_s": ("tpot_s", False),
    "e2e_s": ("e2e_s", False),
    "joules_per_token_gpu": ("joules_per_token", False),
    "joules_per_token_node": ("joules_per_token", False),
}
HOLDOUT_FRACTION = 0.4
"""Share of cases kept out of fitting, chosen by a hash of the case id (stable across runs)."""
DEFAULT_SAMPLES = 4000
LOWER_Q, UPPER_Q = 0.05, 0.95


@dataclass(frozen=True)
class Case:
    id: str
    model: str
    hardware: str
    devices: int
    count: int
    weight_bits: float
    activation_bits: float
    kv_bits: float
    input_tokens: float
    output_tokens: float
    batch: Any
    metric: str
    value: float
    statistic: str
    scenario: str
    phase: str
    assumed: tuple[str, ...]
    source: str
    notes: str
    input_tokens_range: tuple[float, float] | None = None
    beams: int = 1          # beam search width the benchmark mandates (MLPerf GPT-J: 4)
    # The serving layout where it is not plain tensor parallelism with whole prefills (the
    # [parallel] and [serving] inputs of a scenario, and the devices of one scale-up domain).
    pp: int = 1
    expert_parallel: int = 0
    attention_dp: int = 0
    scaleup_devices: int = 0
    scaleout_gbps: float = 0.0
    chunked_prefill: int = 0
    disaggregated: int = 0  # prefills on a pool of their own; the value is the decode replicas'
    max_batched_tokens: float | None = None
    # Requests/s offered to the whole system (Poisson), for a TTFT measured under load: the
    # prediction is the replica queue's wait plus the prefill (inferonomics.fleet.under_load).
    arrival_rate: float | None = None
    # Why the measurement is not what the model predicts (not a steady state, a serving layout the
    # model lacks): such a case is run and shown, but left out of every figure and calibration.
    not_comparable: str = ""

    @property
    def replicas(self) -> float:
        return self.devices / self.count

    @property
    def holdout(self) -> bool:
        """Whether this case is held out of fitting: a stable hash of its id."""
        digest = hashlib.sha256(self.id.encode()).digest()
        return digest[0] / 256.0 < HOLDOUT_FRACTION

    def scenario_dict(self) -> dict:
        """The scenario that reproduces this measurement with the library's default priors."""
        raw = {
            "name": f"validation {self.id}",
            "model": {"id": self.model},
            "hardware": {"id": self.hardware, "count": self.count},
            "precision": {"weight_bits": self.weight_bits, "activation_bits": self.activation_bits,
                          "kv_bits": self.kv_bits},
            "workload": {"batch": self.batch, "input_tokens": self.input_tokens,
                         "output_tokens": self.output_tokens, "beams": self.beams},
            # Price is irrelevant here; a fixed one keeps hardware without a catalog price valid.
            "cost": {"usd_per_device_hour": 1.0},
        }
        if self.scaleup_devices:
            raw["hardware"].update(scaleup_devices=self.scaleup_devices,
                                   scaleout_gbps=self.scaleout_gbps)
        raw["parallel"] = {"pp": self.pp, "expert_parallel": bool(self.expert_parallel),
                           "attention_dp": bool(self.attention_dp)}
        raw["serving"] = {"chunked_prefill": bool(self.chunked_prefill),
                          "disaggregated": bool(self.disaggregated)}
        if self.max_batched_tokens is not None:
            raw["serving"]["max_batched_tokens"] = self.max_batched_tokens
        if self.input_tokens_range is not None:
            # The source gives no mean prompt length: draw it over its plausible range, so the
            # interval carries that ignorance instead of hiding it behind a point guess.
            low, high = self.input_tokens_range
            raw["workload"]["input_tokens"] = {"dist": "uniform", "low": low, "high": high}
        if self.metric == "joules_per_token_gpu":
            # GPU-only energy (ML.ENERGY, Zeus): no host, no facility overhead.
            raw["energy"] = {"pue": 1.0, "host_w": 0.0}
        elif self.metric == "joules_per_token_node":
            # Node power at the wall (MLPerf power runs): host included, facility overhead not.
            raw["energy"] = {"pue": 1.0}
        return raw


def load_cases(not_comparable: bool = False) -> list[Case]:
    """The shipped validation cases: those the model's figures describe, or with ``not_comparable``
    the ones it does not (each saying why)."""
    text = resources.files("inferonomics").joinpath("data", "validation.toml").read_bytes()
    out = []
    for raw in tomllib.loads(text.decode("utf-8"))["case"]:
        raw = dict(raw)
        raw.setdefault("assumed", [])
        raw["assumed"] = tuple(raw["assumed"])
        raw.setdefault("notes", "")
        if "input_tokens_range" in raw:
            raw["input_tokens_range"] = tuple(raw["input_tokens_range"])
        case = Case(**raw)
        if bool(case.not_comparable) == not_comparable:
            out.append(case)
    return out


@dataclass(frozen=True)
class CaseResult:
    id: str
    metric: str
    phase: str
    holdout: bool
    measured: float
    p5: float
    p50: float
    p95: float
    feasible_fraction: float

    @property
    def inside(self) -> bool:
        """Whether the measurement lies in p5..p95. An interval without an upper end (the replica
        cannot keep up with the load in over 5% of samples) cannot miss, so it never counts."""
        return self.p5 <= self.measured <= self.p95 < math.inf

    @property
    def log_error(self) -> float:
        """|ln(p50 / measured)|: 0.26 is a factor of 1.3."""
        return abs(math.log(self.p50 / self.measured)) if self.p50 > 0 else math.inf


def metric_kind(metric: str) -> str:
    """The kind of a case's metric (what its model error has in common): the registry's
    ``error_kind`` of the model output it is read from."""
    return METRIC_BY_NAME[METRICS[metric][0]].error_kind


def summarise_case(case: Case, summary) -> CaseResult:
    """The case's metric from a simulation summary: p5/p50/p95, scaled to the whole system."""
    output, per_replica = METRICS[case.metric]
    scale = case.replicas if per_replica else 1.0
    if summary.feasible == 0:
        nan = math.nan
        return CaseResult(case.id, case.metric, case.phase, case.holdout, case.value, nan, nan, nan, 0.0)
    m = summary[output]
    return CaseResult(case.id, case.metric, case.phase, case.holdout, case.value,
                      m.quantile(LOWER_Q) * scale, m.quantile(0.5) * scale,
                      m.quantile(UPPER_Q) * scale, summary.feasible_fraction)


def evaluate_case(case: Case, samples: int = DEFAULT_SAMPLES, seed: int = 0) -> CaseResult:
    """Simulate the case with the library's default priors."""
    if case.arrival_rate is not None:
        return evaluate_under_load(case, min(samples, UNDER_LOAD_SAMPLES), seed)
    result = simulate(load_scenario(case.scenario_dict()), samples=samples, seed=seed)
    return summarise_case(case, result.summary())


UNDER_LOAD_SAMPLES = 400
"""Samples of a case measured under load: each runs the model at every batch up to the KV cache's
capacity, so fewer than a plain case."""
UNDER_LOAD_PERCENTILES = {"p50": 0.5, "p90": 0.9, "p99": 0.99}


def evaluate_under_load(case: Case, samples: int, seed: int, raw: dict | None = None) -> CaseResult:
    """A TTFT measured with Poisson arrivals: per sample, the replica queue's wait for a slot and
    for the first pass plus the prefill, at the case's share of the arrivals, as its statistic
    (mean or a percentile over requests); then p5/p50/p95 of that over the samples. A sample whose
    replica cannot keep up (the queue grows without bound) counts as infeasible. ``raw``: the
    case's scenario with other priors (calibration), else its own."""
    if case.metric != "ttft_s":
        raise InferonomicsError(f"case {case.id}: arrival_rate is for TTFT cases, not {case.metric}")
    if case.statistic not in UNDER_LOAD_PERCENTILES and case.statistic != "mean":
        raise InferonomicsError(f"case {case.id}: a TTFT under load is a mean or one of "
                                f"{', '.join(UNDER_LOAD_PERCENTILES)}, not {case.statistic}")
    percentile = UNDER_LOAD_PERCENTILES.get(case.statistic, 0.99)
    state = replica_under_load(raw if raw is not None else case.scenario_dict(),
                               case.arrival_rate / case.replicas,
                               percentile=percentile, samples=samples, seed=seed)
    values = state.values["ttft_mean_s" if case.statistic == "mean" else "ttft_p_s"]
    ran = values[np.isfinite(values)]
    if ran.size == 0:
        nan = math.nan
        return CaseResult(case.id, case.metric, case.phase, case.holdout, case.value, nan, nan,
                          nan, 0.0)
    # Unstable samples are infinitely slow: they sit above every finite one in the quantiles.
    ordered = np.concatenate([np.sort(ran), np.full(np.sum(np.isinf(values)), math.inf)])
    pick = lambda q: float(ordered[min(int(q * len(ordered)), len(ordered) - 1)])
    return CaseResult(case.id, case.metric, case.phase, case.holdout, case.value,
                      pick(LOWER_Q), pick(0.5), pick(UPPER_Q), ran.size / len(values))


def aggregate(results: list[CaseResult]) -> dict[str, float]:
    """Coverage of the 90% interval, median and worst |log error| of p50, over ``results``."""
    usable = [r for r in results if r.feasible_fraction > 0]
    if not usable:
        return {"cases": len(results), "coverage": math.nan, "median_log_error": math.nan,
                "worst_log_error": math.nan, "infeasible": len(results)}
    errors = [r.log_error for r in usable]
    return {
        "cases": len(results),
        "coverage": sum(r.inside for r in usable) / len(results),
        "median_log_error": statistics.median(errors),
        "median_error_factor": math.exp(statistics.median(errors)),
        "worst_log_error": max(errors),
        "infeasible": len(results) - len(usable),
    }


def validate(samples: int = DEFAULT_SAMPLES, seed: int = 0) -> dict[str, Any]:
    """Run every shipped case; returns per-case results, the summary figures, and the
    leave-one-source-out check of the conformal model-discrepancy margin
    (:mod:`inferonomics.fidelity.conformal`): coverage and width per metric kind and per source."""
    cases = load_cases()
    results = [evaluate_case(c, samples, seed) for c in cases]
    groups = {
        "all": results,
        "holdout": [r for r in results if r.holdout],
        "fit": [r for r in results if not r.holdout],
        "decode": [r for r in results if r.phase == "decode"],
        "prefill": [r for r in results if r.phase == "prefill"],
    }
    rows = [{"id": r.id, "source": conformal.source_key(c.source),
             "kind": metric_kind(c.metric), "measured": r.measured,
             **dict(zip(("p5", "p50", "p95"), _prediction(r)))}
            for c, r in zip(cases, results)]
    aside = [(c, evaluate_case(c, samples, seed)) for c in load_cases(not_comparable=True)]
    return {
        "cases": [dict(asdict(r), inside=r.inside, log_error=r.log_error, source=row["source"],
                       kind=row["kind"]) for r, row in zip(results, rows)],
        "not_comparable": [dict(asdict(r), log_error=r.log_error, why=c.not_comparable)
                           for c, r in aside],
        "summary": {name: aggregate(rs) for name, rs in groups.items()},
        "leave_one_source_out": conformal.leave_one_source_out(rows),
    }


def _or_zero(x: float) -> float:
    """A quantile of an infeasible case (NaN) as 0: no prediction, for the conformal check."""
    return x if x == x else 0.0


def _prediction(r: CaseResult) -> tuple[float, float, float]:
    """p5, p50, p95 for the conformal check: all 0 (no prediction, a miss whatever the margin)
    where the case is infeasible or its interval has no upper end."""
    if not r.p95 < math.inf:
        return 0.0, 0.0, 0.0
    return _or_zero(r.p5), _or_zero(r.p50), _or_zero(r.p95)
