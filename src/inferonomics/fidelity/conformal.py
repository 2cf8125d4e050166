"""Intervals that hold on data the model never saw: a model-discrepancy margin calibrated by split
conformal prediction, and its check by leaving one source out.

The model's p5..p95 carries the uncertainty of its inputs, not the model's own error (effects it
does not have: queueing, kernel efficiency at odd shapes, ...). Conformalized quantile regression
(Romano, Patterson & Candes 2019, "Conformalized Quantile Regression", NeurIPS) widens an
interval by a margin learned from how far measurements fell outside earlier intervals. In log
space, with the case's predicted p5 and p95 and measurement y, the nonconformity score is

    s = max(ln p5 - ln y, ln y - ln p95)          (negative when y is inside, by its distance)

and for a new case the calibrated interval is [p5 e^-Q, p95 e^Q], where Q is the
ceil((n + 1) 0.9)-th smallest of the n calibration scores. If the calibration cases and the new
case are exchangeable, the new measurement falls inside with probability at least 90% (the
guarantee is marginal, over cases, not for each case). Q is learned per metric kind (throughput,
TTFT, TPOT, end-to-end latency, energy), since the model errs differently on each; a kind with
fewer than :data:`MIN_KIND_CASES` calibration cases uses the scores of every kind (shrinking toward
the shared margin where the data cannot support its own).

Published sources are not exchangeable with each other (one benchmark's conventions, one
engine's kernels), so the check that matters is leave-one-source-out: each source's cases get
the margin calibrated on every other source, and coverage and width are counted on them.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from typing import Iterable, Sequence

COVERAGE = 0.9
"""Target coverage of the calibrated interval (the model's p5..p95)."""
MIN_KIND_CASES = 9
"""Fewest calibration cases of a metric kind for a margin of its own: with fewer, the rank
ceil((n + 1) 0.9) exceeds n and the margin would be unbounded."""
MLPERF = "MLPerf Inference results"
"""Every round of MLPerf Inference results (MLCommons' repositories and their mirrors) is one
source: one benchmark, one set of conventions, so holding out one round while calibrating on
another would not test new data."""


def source_key(source: str) -> str:
    """One source per publisher of data: a GitHub repository (``github OWNER/REPO``, or a
    github.com link), a web host, and MLPerf Inference results of any round as one."""
    text = source.strip()
    if text.startswith("github "):
        key = "github " + text.split()[1]
    else:
        match = re.match(r"https?://(?:www\.)?([^/\s]+)(/[^/\s]+/[^/\s]+)?", text)
        if match:
            host, path = match[1].lower(), match[2] or ""
            key = "github " + path[1:] if host == "github.com" and path else host
        else:
            key = re.split(r" [(@:]", text)[0]
    return MLPERF if "inference_results" in key.lower() else key


def score(measured: float, p5: float, p95: float) -> float:
    """Nonconformity in log space: how far ``measured`` lies outside [p5, p95] (negative: inside,
    by its distance to the nearer end); infinite when there is no prediction."""
    if not (measured > 0 and p5 > 0 and p95 > 0):   # an infeasible case predicts nothing
        return math.inf
    return max(math.log(p5) - math.log(measured), math.log(measured) - math.log(p95))


def margin(scores: Sequence[float], coverage: float = COVERAGE) -> float:
    """The conformal margin Q: the ceil((n + 1) coverage)-th smallest score (infinite when there
    are too few scores for that rank)."""
    ordered = sorted(scores)
    rank = math.ceil((len(ordered) + 1) * coverage)
    return ordered[rank - 1] if rank <= len(ordered) else math.inf


def widen(p5: float, p50: float, p95: float, q: float) -> tuple[float, float]:
    """[p5 e^-q, p95 e^q], kept around p50 when q is negative (a model wider than its error)."""
    if not (p5 > 0 and p95 > 0):
        return math.nan, math.nan   # no prediction: never inside
    if math.isinf(q):
        return (0.0, math.inf) if q > 0 else (p5, p95)
    return min(p5 * math.exp(-q), p50), max(p95 * math.exp(q), p50)


def kind_margins(rows: Iterable[dict], coverage: float = COVERAGE) -> dict[str, float]:
    """Q per metric kind over ``rows`` (dicts with kind, measured, p5, p95), and ``"all"`` pooled;
    a kind with fewer than :data:`MIN_KIND_CASES` rows gets the pooled margin."""
    by_kind: dict[str, list[float]] = defaultdict(list)
    pooled = []
    for r in rows:
        s = score(r["measured"], r["p5"], r["p95"])
        by_kind[r["kind"]].append(s)
        pooled.append(s)
    shared = margin(pooled, coverage)
    out = {}
    for kind, s in by_kind.items():
        own = margin(s, coverage) if len(s) >= MIN_KIND_CASES else math.inf
        out[kind] = own if math.isfinite(own) else shared
    out["all"] = shared
    return out


def summary(rows: list[dict]) -> dict[str, float]:
    """Coverage, median factor error of p50 and median p95/p5, raw and calibrated."""
    usable = [r for r in rows if r["p5"] > 0]

    def median_or_nan(values):
        return statistics.median(values) if values else math.nan

    return {
        "cases": len(rows),
        "coverage": sum(r["p5"] <= r["measured"] <= r["p95"] for r in usable) / len(rows),
        "coverage_calibrated": sum(r["lo"] <= r["measured"] <= r["hi"] for r in rows) / len(rows),
        "median_error_factor": math.exp(median_or_nan(
            [abs(math.log(r["p50"] / r["measured"])) for r in usable])),
        "median_width": median_or_nan([r["p95"] / r["p5"] for r in usable]),
        "median_width_calibrated": median_or_nan([r["hi"] / r["lo"] if r["lo"] > 0 else math.inf
                                                  for r in usable]),
    }


def leave_one_source_out(rows: list[dict], coverage: float = COVERAGE) -> dict:
    """Each source's cases with the margins calibrated on every other source.

    ``rows``: dicts with id, source, kind, measured, p5, p50, p95 (p5 = p95 = 0 where the model
    predicts nothing). Returns the per-case calibrated bounds and the figures overall, per metric
    kind and per source, plus the margins calibrated on every source (what a user's interval
    would be widened by)."""
    sources = sorted({r["source"] for r in rows})
    cases = []
    for held in sources:
        margins = kind_margins([r for r in rows if r["source"] != held], coverage)
        for r in rows:
            if r["source"] == held:
                q = margins.get(r["kind"], margins["all"])
                lo, hi = widen(r["p5"], r["p50"], r["p95"], q)
                cases.append({**r, "margin": q, "lo": lo, "hi": hi})
    by_kind: dict[str, list[dict]] = defaultdict(list)
    by_source: dict[str, list[dict]] = defaultdict(list)
    for c in cases:
        by_kind[c["kind"]].append(c)
        by_source[c["source"]].append(c)
    return {
        "coverage_target": coverage,
        "all": summary(cases),
        "kinds": {k: summary(v) for k, v in sorted(by_kind.items())},
        "sources": {s: summary(v) for s, v in sorted(by_source.items())},
        "margins_all_sources": {k: (v if math.isfinite(v) else None)
                                for k, v in kind_margins(rows, coverage).items()},
        "cases": [{k: c[k] for k in ("id", "source", "kind", "margin", "lo", "hi")} for c in cases],
    }
