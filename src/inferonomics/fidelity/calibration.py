"""Fitting the default efficiency priors to the validation cases that are not held out.

``python -m inferonomics.fidelity.calibration`` searches triangular priors for MFU, MBU, communication
efficiency, per-step overhead, the power exponent and host power (as a fraction of TDP), one input
at a time over a grid of (low, mode, high), keeping the candidate that scores best on the *fit*
cases (see :data:`inferonomics.fidelity.validation.HOLDOUT_FRACTION`; a TTFT measured under load,
whose interval is unbounded near saturation, is reported but not fitted), and repeating the sweep over all inputs
until a whole round improves nothing (at most :data:`ROUNDS` rounds). The score is, in log space,

    score = - mean interval score of the 90% interval - 2 x median |log error| of p50

where the interval score of a case with predicted p5 ``l``, p95 ``u`` and measurement ``y`` is
``ln(u/l) + (2/0.1) x (ln(l/y) if y < l) + (2/0.1) x (ln(y/u) if y > u)`` (Gneiting & Raftery 2007,
"Strictly proper scoring rules, prediction, and estimation", JASA 102, Sec. 6.2). It is a proper
scoring rule for a central 90% interval: its expectation is smallest when the interval's ends are the
true 5% and 95% quantiles, so it pays for width and for misses in one currency, and a miss costs in
proportion to how far outside the measurement lies rather than one case's share of the coverage.
The second term asks p50 to sit near the measurements (the issue's accuracy target). A prior that
makes a measured configuration infeasible scores minus infinity.

An earlier objective, ``coverage - 2 x median |log error| - 0.1 x mean ln(p95/p5)``, counted cases
inside the interval (a step function of the priors on 35 cases); README "Validation" gives the
figures of both. The search prints the priors it found and the figures on the fit and held-out cases;
the winners are then written into :mod:`inferonomics.model.registry` by hand, with the figures, so the
defaults stay readable constants. ``--leave-one-source-out KEY,KEY`` instead refits those priors
without each source in turn and reports the held-out sources' figures against the shipped priors'
(:func:`leave_one_source_out`).
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics

from ..api import simulate
from ..io import catalog
from ..io.scenario import load_scenario
from ..model.registry import DEFAULT_HOST_POWER_FRACTION, PARAMETER_BY_NAME
from . import conformal, validation

GRIDS = {
    "mfu": ((0.1, 0.2, 0.3), (0.3, 0.4, 0.5, 0.6), (0.6, 0.7, 0.8, 0.9)),
    "mbu": ((0.3, 0.4, 0.5, 0.6), (0.6, 0.7, 0.8), (0.85, 0.9, 0.95)),
    "comm_efficiency": ((0.2, 0.35, 0.5), (0.5, 0.65, 0.8), (0.85, 0.95)),
    "step_overhead_ms": ((0.0, 0.5, 1.0), (1.0, 2.0, 4.0), (5.0, 10.0, 20.0)),
    "power_exponent": ((0.3, 0.5, 0.7), (0.7, 0.85, 1.0), (1.0, 1.2, 1.5)),
    "host_power_fraction": ((0.05, 0.1, 0.2), (0.2, 0.3, 0.4), (0.4, 0.6, 0.8)),
}
SECTION = {"mfu": "efficiency", "mbu": "efficiency", "comm_efficiency": "efficiency",
           "step_overhead_ms": "efficiency", "power_exponent": "energy"}
ALPHA = 0.1
"""The interval is the central 1 - ALPHA = 90% one (validation.LOWER_Q, validation.UPPER_Q)."""
ERROR_WEIGHT = 2.0
ROUNDS = 4
"""At most this many sweeps over all inputs; the search stops earlier when a sweep changes nothing."""
SAMPLES = 1000


def _run(cases, priors: dict, samples: int) -> list[validation.CaseResult]:
    out = []
    for case in cases:
        raw = case.scenario_dict()
        for key, (lo, mode, hi) in priors.items():
            if key == "host_power_fraction":
                if case.metric != "joules_per_token_node":
                    continue  # only node-level energy includes the host
                tdp = catalog.lookup("hardware", case.hardware)["tdp_w"]
                lo, mode, hi, key = lo * tdp, mode * tdp, hi * tdp, "host_w"
                section = "energy"
            else:
                section = SECTION[key]
            raw.setdefault(section, {})[key] = {"dist": "triangular", "low": lo, "mode": mode,
                                                "high": hi}
        if case.arrival_rate is not None:   # TTFT under load, as validate runs it (reported only)
            out.append(validation.evaluate_under_load(
                case, min(samples, validation.UNDER_LOAD_SAMPLES), 0, raw=raw))
            continue
        result = simulate(load_scenario(raw), samples=samples, seed=0)
        out.append(validation.summarise_case(case, result.summary()))
    return out


def interval_score(result: validation.CaseResult) -> float:
    """Interval score of the case's 90% interval in log space (smaller is better; inf if the
    priors make the configuration infeasible)."""
    if result.feasible_fraction == 0 or not result.p5 > 0:
        return math.inf
    low, high, y = math.log(result.p5), math.log(result.p95), math.log(result.measured)
    return ((high - low) + 2.0 / ALPHA * max(0.0, low - y) + 2.0 / ALPHA * max(0.0, y - high))


def score(results: list[validation.CaseResult]) -> float:
    """Higher is better: minus the mean interval score, minus ERROR_WEIGHT x median |log error|."""
    mean_interval = statistics.fmean(interval_score(r) for r in results)
    if not math.isfinite(mean_interval):
        return -math.inf
    return -mean_interval - ERROR_WEIGHT * validation.aggregate(results)["median_log_error"]


def fittable(cases) -> list:
    """The cases a fit scores: not held out, and not a TTFT under load (near saturation some
    samples' queues never drain, its interval has no upper end, and an infinite interval score
    would make every candidate equally bad)."""
    return [c for c in cases if not c.holdout and c.arrival_rate is None]


def fit(start: dict, samples: int = SAMPLES, rounds: int = ROUNDS, verbose: bool = True,
        keys: tuple[str, ...] | None = None, cases: list | None = None) -> dict:
    """Coordinate search from ``start`` ({input: (low, mode, high)}) over the priors ``keys`` (all
    of :data:`GRIDS` by default) on ``cases`` (the fit cases by default)."""
    cases = fittable(validation.load_cases()) if cases is None else cases
    best = dict(start)
    best_score = score(_run(cases, best, samples))
    for _ in range(rounds):
        improved = False
        for key, (lows, modes, highs) in GRIDS.items():
            if keys is not None and key not in keys:
                continue
            for lo, mode, hi in itertools.product(lows, modes, highs):
                if not lo <= mode <= hi:
                    continue
                candidate = dict(best, **{key: (lo, mode, hi)})
                s = score(_run(cases, candidate, samples))
                if s > best_score:
                    best, best_score, improved = candidate, s, True
                    if verbose:
                        print(f"  {key} = {(lo, mode, hi)}: score {s:.3f}", flush=True)
        if not improved:
            break
    return best


def _rows(cases, priors: dict, samples: int) -> list[dict]:
    """The cases run with ``priors``, as rows of :mod:`inferonomics.fidelity.conformal`."""
    return [{"id": c.id, "source": conformal.source_key(c.source),
             "kind": validation.metric_kind(c.metric), "measured": r.measured,
             **dict(zip(("p5", "p50", "p95"), validation._prediction(r)))}
            for c, r in zip(cases, _run(cases, priors, samples))]


def leave_one_source_out(start: dict, keys: tuple[str, ...], samples: int = SAMPLES,
                         verbose: bool = True) -> dict:
    """Refit the priors ``keys`` without each source in turn: for every source, the search over
    ``keys`` from ``start`` on the fit cases of the other sources; then every case run with the
    priors found, the held-out source's cases widened by the conformal margin calibrated on the
    other sources' cases under those same priors, so that nothing of the held-out source reaches
    its interval. Returns the priors per source and the figures (as
    :func:`inferonomics.fidelity.conformal.leave_one_source_out` reports ``all``) of the refit and
    of ``start`` on the same cases: whether the shipped fit leans on the data it is checked on."""
    cases = validation.load_cases()
    sources = list(dict.fromkeys(conformal.source_key(c.source) for c in cases))
    held_out, priors = [], {}
    for source in sources:
        others = fittable(c for c in cases if conformal.source_key(c.source) != source)
        found = fit(start, samples, keys=keys, cases=others, verbose=False)
        priors[source] = {k: found[k] for k in keys}
        if verbose:
            print(f"without {source}: {priors[source]}", flush=True)
        rows = _rows(cases, found, samples)
        margins = conformal.kind_margins([r for r in rows if r["source"] != source])
        for r in rows:
            if r["source"] == source:
                q = margins.get(r["kind"], margins["all"])
                lo, hi = conformal.widen(r["p5"], r["p50"], r["p95"], q)
                held_out.append({**r, "margin": q, "lo": lo, "hi": hi})
    return {"priors": priors, "refit": conformal.summary(held_out),
            "shipped": conformal.leave_one_source_out(_rows(cases, start, samples))["all"]}


def main(argv=None) -> None:  # pragma: no cover - a maintainer's tool, its result checked by tests
    parser = argparse.ArgumentParser(description="Fit the default priors to the validation cases.")
    parser.add_argument("--leave-one-source-out", metavar="KEY,KEY", default=None,
                        help="instead of fitting: refit these priors without each source in turn "
                             "and report the held-out sources' figures against the shipped priors'")
    args = parser.parse_args(argv)
    start = {k: (d.low, d.mode, d.high) for k, d in
             ((k, PARAMETER_BY_NAME[k].default) for k in GRIDS if k in PARAMETER_BY_NAME)}
    host = DEFAULT_HOST_POWER_FRACTION
    start["host_power_fraction"] = (host.low, host.mode, host.high)
    print("start:", start)
    if args.leave_one_source_out:
        keys = tuple(args.leave_one_source_out.split(","))
        unknown = [k for k in keys if k not in GRIDS]
        if unknown:
            parser.error(f"no grid for {', '.join(unknown)}; one of {', '.join(GRIDS)}")
        out = leave_one_source_out(start, keys)
        for name in ("refit", "shipped"):
            a = out[name]
            print(f"{name}: coverage {a['coverage']:.0%}, calibrated "
                  f"{a['coverage_calibrated']:.0%}, median error x{a['median_error_factor']:.3f}, "
                  f"p95/p5 {a['median_width']:.2f}, calibrated {a['median_width_calibrated']:.2f}")
        return
    best = fit(start)
    print("fitted priors:", best)
    cases = validation.load_cases()
    for name, chosen in (("fit", [c for c in cases if not c.holdout]),
                         ("holdout", [c for c in cases if c.holdout])):
        print(name, validation.aggregate(_run(chosen, best, 4000)))


if __name__ == "__main__":  # pragma: no cover
    main()
