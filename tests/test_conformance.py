"""Conformance: every backend computes the reference's outputs on any input the model accepts.

Rows come from the parameter registry (tests/registry_inputs.py), so an input added there is drawn
here with no edit. Per-sample outputs must agree with the reference to OUTPUT_RTOL relative, with
the same status and the same NaN pattern. Two drivers: hypothesis (shrinks a failure to a small
row) and a bulk check of thousands of rows drawn with numpy (finds rare branches quickly).
``python tools/mutate.py`` plants one-line bugs in the cores and reports how many this file catches.
"""

import functools
import itertools
import os

import numpy as np
import pytest
from hypothesis import given, settings
from inferonomics.cores import backends
from inferonomics.model import reference
from inferonomics.model.registry import DENSE_MODEL, INPUT_NAMES, PLAIN_LAYOUT
from inferonomics.model.reference import OUTPUT_NAMES, STATUS_MEMORY, STATUS_NAMES, STATUS_NON_FINITE

from registry_inputs import input_rows, random_rows

NATIVE = [name for name in ("c", "numba") if backends.unavailable_reason(name) is None]
if os.environ.get("INFERONOMICS_REQUIRE_C") == "1" and "c" not in NATIVE:
    raise RuntimeError(f"INFERONOMICS_REQUIRE_C=1 but {backends.unavailable_reason('c')}")
pytestmark = pytest.mark.skipif(not NATIVE, reason="no native core is available")

OUTPUT_RTOL = 1e-9
BULK_ROWS = 20_000
BULK_SEEDS = (0, 1)


def reference_outputs(rows: np.ndarray) -> np.ndarray:
    out = np.empty((rows.shape[0], len(OUTPUT_NAMES)))
    for j, row in enumerate(rows):
        y = reference.evaluate(**dict(zip(INPUT_NAMES, map(float, row))))
        out[j] = [getattr(y, name) for name in OUTPUT_NAMES]
    return out


def assert_agree(actual: np.ndarray, expected: np.ndarray, rows: np.ndarray, backend: str):
    """Same status, same NaN pattern, values within OUTPUT_RTOL; a failure names the first row."""
    bad_status = actual[:, 0] != expected[:, 0]
    bad_nan = np.isnan(actual) != np.isnan(expected)
    with np.errstate(invalid="ignore"):
        close = np.isclose(actual, expected, rtol=OUTPUT_RTOL, atol=0, equal_nan=True)
        close |= (actual == expected)   # infinities
    bad = bad_status | bad_nan.any(axis=1) | ~close.all(axis=1)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        cols = [OUTPUT_NAMES[o] for o in np.flatnonzero(~close[j] | bad_nan[j])]
        detail = {OUTPUT_NAMES[o]: (actual[j, o], expected[j, o]) for o in range(actual.shape[1])
                  if OUTPUT_NAMES[o] in cols or o == 0}
        raise AssertionError(f"{backend} disagrees with the reference on {int(bad.sum())} of "
                             f"{len(bad)} rows; first row {j}: (core, reference) {detail}; "
                             f"inputs {dict(zip(INPUT_NAMES, rows[j].tolist()))}")


@pytest.mark.parametrize("backend", NATIVE)
@settings(max_examples=150, deadline=None)
@given(row=input_rows())
def test_core_matches_reference_on_any_accepted_row(backend, row):
    rows = np.array([[row[name] for name in INPUT_NAMES]])
    assert_agree(backends.get_backend(backend).evaluate(rows, 1), reference_outputs(rows), rows,
                 backend)


@pytest.fixture(scope="module", params=BULK_SEEDS)
def bulk(request):
    rows = random_rows(BULK_ROWS, request.param)
    return rows, reference_outputs(rows)


@pytest.mark.parametrize("backend", NATIVE)
def test_core_matches_reference_on_thousands_of_registry_rows(backend, bulk):
    rows, expected = bulk
    assert_agree(backends.get_backend(backend).evaluate(rows, 2), expected, rows, backend)


def pinned_rows(seed: int, *tables: dict) -> np.ndarray:
    """Registry rows with the inputs of ``tables`` (registry.PLAIN_LAYOUT, registry.DENSE_MODEL) at
    their values: whole blocks of them run the cores' specialised copies of the model."""
    rows = random_rows(BULK_ROWS, seed)
    for table in tables:
        for name, value in table.items():
            rows[:, INPUT_NAMES.index(name)] = value
    return rows


@pytest.fixture(scope="module")
def bulk_plain():
    """Rows of the plain layout: the cores' second copy of the model, which must agree as the
    general one does."""
    rows = pinned_rows(BULK_SEEDS[0] + 100, PLAIN_LAYOUT)
    return rows, reference_outputs(rows)


@pytest.fixture(scope="module")
def bulk_dense():
    """Dense models on the plain layout: the cores' third copy."""
    rows = pinned_rows(BULK_SEEDS[0] + 200, PLAIN_LAYOUT, DENSE_MODEL)
    return rows, reference_outputs(rows)


@pytest.mark.parametrize("backend", NATIVE)
def test_core_matches_reference_on_rows_of_the_plain_layout(backend, bulk_plain):
    rows, expected = bulk_plain
    assert_agree(backends.get_backend(backend).evaluate(rows, 2), expected, rows, backend)


@pytest.mark.parametrize("backend", NATIVE)
def test_core_matches_reference_on_dense_models_of_the_plain_layout(backend, bulk_dense):
    rows, expected = bulk_dense
    assert_agree(backends.get_backend(backend).evaluate(rows, 2), expected, rows, backend)


def tie_rows() -> np.ndarray:
    """Dense models in 16 bits at round figures whose decode step ties compute and memory (batch =
    peak FLOP/s / bandwidth x 1e3 tokens, a replica's or a device's), on 1 to 12 devices and 1 or
    3 stages: a division written as a multiply by a reciprocal broke such ties the other way (63
    of these 2,100 rows at eb4852a, 44 of the 150 one-device rows before it) until the reference
    called a tie within rounding a tie (reference.ROOFLINE_TIE)."""
    base = random_rows(1, 0)[0]
    out = []
    for (count, pp), per_device, params_b in itertools.product(
            ((1, 1), (3, 1), (6, 1), (7, 1), (12, 1), (3, 3), (6, 3)), (False, True),
            (0.5, 1, 1.5, 2, 3, 7, 8, 13, 70, 0.125, 0.3, 0.7, 2.7, 6.9, 4.1)):
        for tflops, gbps in ((1000, 2000), (1000, 4000), (1000, 1000), (1000, 8000), (500, 1000),
                             (2000, 4000), (1250, 5000), (900, 3600), (989, 1978), (3000, 6000)):
            x = dict(zip(INPUT_NAMES, base))
            x.update(count=count, pp=pp, n_experts=1, experts_per_token=1, total_params_b=params_b,
                     active_params_b=params_b, activation_bits=16, weight_bits=16, kv_bits=16,
                     tflops_16=tflops, tflops_8=0, tflops_4=0, tflops_fp32=0, memory_bw_gbps=gbps,
                     mfu=0.5, mbu=0.5, beams=1, batch=tflops * 1e3 / gbps * (count / pp if per_device else 1),
                     microbatches=1,
                     chunked_prefill=0, disaggregated=0, attention_dp=0, memory_gb=1000,
                     expert_parallel=0, memory_usable_fraction=0.9)
            out.append([x[name] for name in INPUT_NAMES])
    return np.array(out)


@pytest.mark.parametrize("backend", NATIVE)
def test_a_decode_step_that_ties_compute_and_memory_is_bound_as_the_reference_says(backend):
    rows = tie_rows()
    expected = reference_outputs(rows)
    assert (expected[:, 0] != STATUS_MEMORY).mean() > 0.9
    assert_agree(backends.get_backend(backend).evaluate(rows, 1), expected, rows, backend)


# precision="float32": the same model in single precision, on rows rounded to float32 (so the
# rounding of the inputs is not counted). Its figures track the reference's to float32's ~1e-7
# except where a floor or a threshold flips, or a value less a cost cancels
# (net_value_usd_per_request): so it is held to statistics over the rows rather than to every row.
# (A chunked step's input-cost share and a TPOT over few tokens, once differences of two step
# times, are computed from their own terms: 3.1% and 0.37% of rows were far, now 0.014% and none.)
F32_STATUS_SHARE = 0.002     # rows whose status may differ
F32_FAR = 1e-3               # a figure this far off (relative) counts as far
F32_FAR_SHARE = 0.001        # rows of one output that may be far (measured: 0.014% at most)
F32_MEDIAN = 1e-6            # median relative error of each output


@pytest.fixture(scope="module")
def bulk_f32():
    """General rows, rows of the plain layout and dense models on it, rounded to float32, with
    the reference's outputs."""
    out = []
    for rows in (random_rows(BULK_ROWS, BULK_SEEDS[0]),
                 pinned_rows(BULK_SEEDS[0] + 100, PLAIN_LAYOUT),
                 pinned_rows(BULK_SEEDS[0] + 200, PLAIN_LAYOUT, DENSE_MODEL)):
        rows = rows.astype(np.float32).astype(np.float64)
        out.append((rows, reference_outputs(rows)))
    return out


@pytest.mark.parametrize("backend", NATIVE)
def test_float32_core_tracks_the_reference_on_thousands_of_registry_rows(backend, bulk_f32):
    for rows, expected in bulk_f32:
        actual = backends.get_backend(backend).evaluate(rows, 2, precision="float32")
        same = actual[:, 0] == expected[:, 0]
        assert (~same).mean() <= F32_STATUS_SHARE, f"{(~same).sum()} rows change status"
        with np.errstate(all="ignore"):
            relative = np.abs(actual / expected - 1)
        relative[actual == expected] = 0.0    # infinities, zeros
        for o, name in enumerate(OUTPUT_NAMES):
            a, e, r = actual[same, o], expected[same, o], relative[same, o]
            assert np.array_equal(np.isnan(a), np.isnan(e)), f"{name}: NaN where the reference has none"
            r = r[~np.isnan(e)]
            if r.size:
                assert np.median(r) <= F32_MEDIAN, f"{name}: median relative error {np.median(r):.2e}"
                assert (r > F32_FAR).mean() <= F32_FAR_SHARE, \
                    f"{name}: {(r > F32_FAR).mean():.1%} of rows off by more than {F32_FAR:g}"


def test_bulk_rows_reach_every_status_and_branch(bulk):
    """The drawn rows exercise what the model distinguishes, or the agreement above proves little."""
    rows, expected = bulk
    col = {name: rows[:, s] for s, name in enumerate(INPUT_NAMES)}
    status = expected[:, 0]
    for code in STATUS_NAMES:
        if code == STATUS_NON_FINITE:   # must never happen in range: tests/test_finite_ranges.py
            assert not (status == code).any()
        else:
            assert (status == code).mean() > 0.05, STATUS_NAMES[code]
    ok = status != STATUS_MEMORY
    compute_bound = expected[:, OUTPUT_NAMES.index("decode_compute_bound")]
    assert 0.02 < np.nanmean(compute_bound[ok]) < 0.98
    branches = {
        "moe": col["n_experts"] > col["experts_per_token"],
        "mla": col["kv_lora_rank"] > 0,
        "window": col["sliding_window"] > 0,
        "beams": col["beams"] > 1,
        "tensor parallel": col["count"] > 1,
        "pipeline": col["pp"] > 1,
        "pipeline bubble": (col["microbatches"] != 0) & (col["microbatches"] < col["pp"]),
        "expert parallel": (col["expert_parallel"] == 1) & (col["n_experts"] > col["experts_per_token"])
        & (col["count"] > col["pp"]),
        "attention data parallel": (col["attention_dp"] == 1) & (col["count"] > col["pp"]),
        "scale-out": (col["scaleup_devices"] != 0) & (col["scaleup_devices"] < col["count"]),
        "chunked prefill": col["chunked_prefill"] == 1,
        "owned": col["purchase_usd"] > 0,
        "rented": col["usd_per_device_hour"] > 0,
        "cost of capital": (col["cost_of_capital"] > 0) & (col["purchase_usd"] > 0),
        "resale": (col["residual_fraction"] > 0) & (col["purchase_usd"] > 0),
        "colocation": (col["colocation_usd_per_kw_month"] > 0) & (col["provisioned_kw"] > 0),
        "spot": (col["interruptions_per_hour"] > 0) & (col["restart_s"] > 0),
        "batch max": col["batch"] == reference.BATCH_MAX,
        "ttft target": np.isfinite(col["ttft_slo_s"]),
        "embodied": col["embodied_kgco2"] > 0,
        "fp8 peak at 8 bits": (col["activation_bits"] == 8) & (col["tflops_8"] > 0),
        "fp4 peak at 4 bits": (col["activation_bits"] == 4) & (col["tflops_4"] > 0),
    }
    for name, on in branches.items():
        assert 0.01 < (on & ok).mean() and (~on & ok).any(), name


# The block the specialised copies run on: the cores look at every lane of a block before they
# pick a copy (BLOCK lanes in the C core, the same in numba), so one lane off the plain layout or
# off a dense model must send the whole block to a less specialised copy, wherever that lane sits.
BLOCK_LANES = 512
ODD_LANES = (0, 1, 7, 8, 63, 255, 256, 510, 511)
TABLES = {"PLAIN_LAYOUT": PLAIN_LAYOUT, "DENSE_MODEL": DENSE_MODEL}


@functools.lru_cache(maxsize=None)
def row_off_in(name: str, seed: int) -> np.ndarray:
    """A registry row off its pinned value in ``name`` alone (among the inputs the specialised
    copies fix) whose figures change when ``name`` is set to the pinned value, so a block that ran
    the row in a specialised copy would compute the wrong figures. Dense if it can be (a layout
    switch such as expert_parallel only matters to a mixture of experts); experts_per_token cannot
    be off alone (it is at most n_experts, pinned at 1), so its row has n_experts off too."""
    pinned = {**PLAIN_LAYOUT, **DENSE_MODEL}
    s = INPUT_NAMES.index(name)
    candidates = random_rows(2_000, seed)
    candidates = candidates[candidates[:, s] != pinned[name]]
    keep = {name, "n_experts"} if name == "experts_per_token" else {name}
    for fixed in (pinned, PLAIN_LAYOUT):
        for row in candidates:
            odd = row.copy()
            for other, value in fixed.items():
                if other not in keep:
                    odd[INPUT_NAMES.index(other)] = value
            on_layout = odd.copy()
            on_layout[s] = pinned[name]
            try:
                got, want = reference_outputs(np.stack([odd, on_layout]))
            except (ZeroDivisionError, ValueError):   # the pinned value is not valid with the rest
                continue
            if got[0] != STATUS_MEMORY and not np.array_equal(got, want, equal_nan=True):
                return odd
    raise AssertionError(f"no registry row changes its figures with {name} off {pinned[name]}")


@functools.lru_cache(maxsize=None)
def specialised_block(*tables: str) -> tuple[np.ndarray, np.ndarray]:
    """A block of registry rows with the inputs of the named registry tables pinned, and the
    reference's outputs for it."""
    block = pinned_rows(BULK_SEEDS[0] + 300, *(TABLES[t] for t in tables))[:BLOCK_LANES]
    return block, reference_outputs(block)


@pytest.mark.parametrize("backend", NATIVE)
@pytest.mark.parametrize("name", [*PLAIN_LAYOUT, *DENSE_MODEL])
def test_one_lane_off_the_specialised_layout_sends_its_block_to_another_copy(backend, name):
    """One input the specialised copies fix, off its value in one lane at a time of an otherwise
    plain (or plain and dense) block: that lane's figures are the reference's (a core that tested
    the wrong lane, or stopped testing early, would run it in a specialised copy and get them
    wrong)."""
    odd = row_off_in(name, BULK_SEEDS[0] + 400)
    odd_expected = reference_outputs(odd[None, :])[0]
    dense = all(odd[INPUT_NAMES.index(k)] == v for k, v in DENSE_MODEL.items())
    blocks = [specialised_block("PLAIN_LAYOUT")]
    if dense or name in DENSE_MODEL:
        blocks.append(specialised_block("PLAIN_LAYOUT", "DENSE_MODEL"))
    core = backends.get_backend(backend)
    for block, expected in blocks:
        for lane in ODD_LANES:
            rows = block.copy()
            rows[lane] = odd
            want = expected.copy()
            want[lane] = odd_expected
            try:
                assert_agree(core.evaluate(rows, 1), want, rows, backend)
            except AssertionError as error:
                raise AssertionError(f"{name} off its pinned value in lane {lane}: {error}") from None
