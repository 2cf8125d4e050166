"""Golden vectors (tests/golden/, written by tools/make_golden.py): the stream, the model and the
bundled example's summary keep giving the numbers they gave when the files were written. A change
here is a changed answer for users; regenerate the files only for a change made on purpose."""

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

import inferonomics
from inferonomics.cores import backends
from inferonomics.sampling import rng
from inferonomics.model import reference
from inferonomics.model.registry import PARAMETER_BY_NAME, PARAMETER_BY_PATH, default_of
from inferonomics.io.scenario import parse_value

GOLDEN = Path(__file__).resolve().parent / "golden"
ROOT = GOLDEN.parents[1]
NATIVE = [name for name in ("c", "numba") if backends.unavailable_reason(name) is None]

import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
import make_golden  # noqa: E402

OUTPUT_RTOL = 1e-9
MOMENT_RTOL = 1e-12


def _rows(name):
    with open(GOLDEN / name, newline="") as f:
        return list(csv.DictReader(f))


def test_reference_draws_are_the_golden_draws():
    bounded = PARAMETER_BY_PATH["model.sliding_window_layers"]
    unbounded = PARAMETER_BY_PATH["efficiency.step_overhead_ms"]
    dists = {name: parse_value(name, raw, unbounded if name in ("normal", "lognormal") else bounded)
             for name, raw in make_golden.DISTRIBUTIONS.items()}
    rows = _rows("draws.csv")
    assert len(rows) == len(dists) * len(make_golden.DRAW_SEEDS) * len(make_golden.DRAW_SAMPLES) * 3
    for row in rows:
        skey = rng.sample_key(rng.seed_key(int(row["seed"])), int(row["sample"]))
        stream = int(row["stream"])
        value = dists[row["distribution"]].sample(lambda k: rng.uniform(skey, stream, k))
        assert value == float(row["value"]), row


def _golden_inputs_and_outputs():
    rows = _rows("outputs.csv")
    inputs, outputs = [], []
    for row in rows:
        x = {k[3:]: float(v) for k, v in row.items() if k.startswith("in.")}
        # Inputs added after the file was written take their default's median.
        for name, param in PARAMETER_BY_NAME.items():
            if name not in x:
                x[name] = float(default_of(param).median())
        inputs.append(x)
        outputs.append({k[4:]: float(v) for k, v in row.items() if k.startswith("out.")})
    return inputs, outputs


def _assert_row_close(got: dict, expected: dict, rtol: float, where: str):
    for name, want in expected.items():
        value = got[name]
        if math.isnan(want):
            assert math.isnan(value), (where, name, value)
        else:
            assert value == pytest.approx(want, rel=rtol, abs=0), (where, name)


def test_reference_outputs_are_the_golden_outputs():
    inputs, outputs = _golden_inputs_and_outputs()
    assert len(inputs) > 100
    for j, (x, want) in enumerate(zip(inputs, outputs)):
        _assert_row_close(reference.evaluate(**x).as_dict(), want, 1e-13, f"row {j}")


@pytest.mark.parametrize("backend", NATIVE)
def test_native_outputs_are_the_golden_outputs(backend):
    inputs, outputs = _golden_inputs_and_outputs()
    columns = {name: np.array([x[name] for x in inputs]) for name in inputs[0]}
    got = inferonomics.evaluate_batch(columns, backend=backend)
    for j, want in enumerate(outputs):
        _assert_row_close({k: v[j] for k, v in got.items()}, want, OUTPUT_RTOL, f"row {j}")


@pytest.mark.parametrize("backend", ["reference", "c"])
def test_bundled_example_summary_is_unchanged(backend):
    if backends.unavailable_reason(backend):
        pytest.skip(backends.unavailable_reason(backend))
    golden = json.loads((GOLDEN / "example_summary.json").read_text())[backend]
    scenario = inferonomics.load_scenario(make_golden.EXAMPLE)
    s = inferonomics.simulate(scenario, samples=golden["samples"], seed=0, backend=backend).summary()
    # A status added since the vectors were written (non_finite) must count nothing here.
    assert set(golden["status_counts"]) <= set(s.status_counts)
    assert dict(s.status_counts) == {k: golden["status_counts"].get(k, 0) for k in s.status_counts}
    for name, want in golden["metrics"].items():
        m = s[name]
        assert m.count == want["count"], name
        # The reference exactly; a native core to rounding (it may order operations differently).
        rtol = 0.0 if backend == "reference" else MOMENT_RTOL
        assert (m.min, m.max) == pytest.approx((want["min"], want["max"]), rel=rtol), name
        assert m.mean == pytest.approx(want["mean"], rel=MOMENT_RTOL), name
        assert m.m2 == pytest.approx(want["m2"], rel=1e-9), name
        for q, value in want["quantiles"].items():
            assert m.quantile(float(q)) == value, (name, q)

