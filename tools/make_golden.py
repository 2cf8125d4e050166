"""Write the golden vectors the conformance suite checks against (tests/golden/).

Usage::

    python tools/make_golden.py          # rewrite tests/golden/*
    python tools/make_golden.py --check  # exit 1 if the files would change

Run it only when the model or the stream changes on purpose, and review the diff: every changed
number is a changed answer for some user. Files:

* ``draws.csv``: the reference's draws of every distribution kind, for a few seeds and sample
  indices far apart (the counter-based stream: draw k of stream s of sample i of a seed).
* ``outputs.csv``: inputs and reference outputs of samples of every bundled example (inputs by name,
  so a row stays valid when inputs are added; a missing input takes its default's median).
* ``example_summary.json``: the summary of the bundled example (seed 0) on the reference
  (2,000 samples) and on the C core (200,000 samples): counts, moments and sketch quantiles.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
EXAMPLE = ROOT / "examples" / "llama-2-70b-h100-fp8.toml"

DRAW_SEEDS = (0, 1, 2**63 + 12345)
DRAW_SAMPLES = (0, 1, 511, 512, 65_537, 2**40 + 3)
DISTRIBUTIONS = {
    "uniform": {"dist": "uniform", "low": 0.2, "high": 0.9},
    "normal": {"dist": "normal", "mean": 0.5, "sd": 0.1, "low": 0.0},
    "truncnorm_lower": {"dist": "normal", "mean": 0.5, "sd": 0.3, "low": 0.1, "high": 0.95},
    "truncnorm_upper": {"dist": "normal", "mean": 0.99, "sd": 0.05, "low": 0.9, "high": 1.0},
    "lognormal": {"dist": "lognormal", "median": 1024, "sigma": 0.8},
    "triangular": {"dist": "triangular", "low": 0.1, "mode": 0.3, "high": 0.8},
    "pert": {"dist": "pert", "low": 0.1, "mode": 0.3, "high": 0.8},
    "choice": {"dist": "choice", "values": [0.2, 0.5, 0.7], "weights": [1, 2, 3]},
}
OUTPUT_SAMPLES_PER_EXAMPLE = 24
REFERENCE_SUMMARY_SAMPLES = 2_000
C_SUMMARY_SAMPLES = 200_000
SUMMARY_QUANTILES = (0.01, 0.05, 0.5, 0.95, 0.99)


def draws_csv() -> str:
    from inferonomics.sampling import rng
    from inferonomics.model.registry import PARAMETER_BY_PATH
    from inferonomics.io.scenario import parse_value

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["distribution", "seed", "sample", "stream", "value"])
    # A parameter whose range holds every distribution here (a normal is unbounded).
    param = PARAMETER_BY_PATH["model.sliding_window_layers"]
    unbounded = PARAMETER_BY_PATH["efficiency.step_overhead_ms"]
    for name, raw in DISTRIBUTIONS.items():
        dist = parse_value(name, raw, unbounded if name in ("normal", "lognormal") else param)
        for seed in DRAW_SEEDS:
            for i in DRAW_SAMPLES:
                for stream in (0, 7, 50):
                    skey = rng.sample_key(rng.seed_key(seed), i)
                    value = dist.sample(lambda k: rng.uniform(skey, stream, k))
                    w.writerow([name, seed, i, stream, repr(float(value))])
    return out.getvalue()


def outputs_csv() -> str:
    from inferonomics.model import reference
    from inferonomics.io.scenario import load_scenario

    rows = []
    for path in sorted((ROOT / "examples").glob("*.toml")):
        scenario = load_scenario(path)
        for _, point in list(scenario.points())[:3]:
            plan = point.resolve()
            for i in range(OUTPUT_SAMPLES_PER_EXAMPLE):
                x = reference.draw_inputs(plan.distributions, 7, i)
                y = reference.evaluate(**x).as_dict()
                rows.append({"example": path.stem, **{f"in.{k}": v for k, v in x.items()},
                             **{f"out.{k}": v for k, v in y.items()}})
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: v if isinstance(v, str) else repr(float(v)) for k, v in row.items()})
    return out.getvalue()


def summary_json() -> str:
    import inferonomics

    scenario = inferonomics.load_scenario(EXAMPLE)
    doc = {}
    for backend, samples in (("reference", REFERENCE_SUMMARY_SAMPLES), ("c", C_SUMMARY_SAMPLES)):
        s = inferonomics.simulate(scenario, samples=samples, seed=0, backend=backend).summary()
        doc[backend] = {
            "samples": samples,
            "status_counts": dict(s.status_counts),
            "metrics": {name: {"count": m.count, "mean": m.mean, "m2": m.m2, "min": m.min,
                               "max": m.max,
                               "quantiles": {repr(q): m.quantile(q) for q in SUMMARY_QUANTILES}}
                        for name, m in s.metrics.items() if m.count},
        }
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


FILES = {"draws.csv": draws_csv, "outputs.csv": outputs_csv, "example_summary.json": summary_json}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    args = parser.parse_args(argv)
    stale = []
    for name, make in FILES.items():
        text = make()
        path = GOLDEN / name
        if path.exists() and path.read_text() == text:
            continue
        stale.append(name)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    print(("would change: " if args.check else "rewrote: ") + (", ".join(stale) or "nothing"))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
