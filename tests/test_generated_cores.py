"""The native cores' model code is generated from the reference (tools/generate_cores.py): the
checked-in files must be what the generator writes now, and the generator must refuse what it cannot
translate rather than translate it wrongly."""

import ast
import math
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from inferonomics.cores import backends

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import generate_cores  # noqa: E402

from registry_inputs import random_rows  # noqa: E402


def test_generated_files_are_fresh():
    stale = [str(p.relative_to(ROOT)) for p in generate_cores.stale()]
    assert not stale, f"run python tools/generate_cores.py (stale: {', '.join(stale)})"


def _lower(source: str):
    fn = ast.parse(textwrap.dedent(source)).body[0]
    return generate_cores.Lowering(fn, {"K": 2.0}, is_model=False).run()


@pytest.mark.parametrize("source, complaint", [
    ("def f(x):\n    while x > 0:\n        x = x - 1\n    return x", "While"),
    ("def f(x):\n    return x % 2", "Mod"),
    ("def f(x):\n    if x > 0:\n        y = 1.0\n    return y", "one side of the if"),
    ("def f(x):\n    return x if x else 0.0", "comparison"),
    ("def f(x):\n    return 0.0 < x < 1.0", "one comparison"),
    ("def f(x):\n    return unknown_thing", "neither a local"),
    ("def f(x):\n    return max(x, 1.0, 2.0)", "takes 2"),
    ("def f(x):\n    if x > 0:\n        if x > 1:\n            return x\n    return 0.0", "return inside"),
])
def test_generator_refuses_what_it_cannot_translate(source, complaint):
    with pytest.raises(generate_cores.Untranslatable, match=complaint):
        _lower(source)


def test_a_helper_may_not_floor_as_its_callers_arguments_would_not_be_divided_exactly():
    helper = _lower("def steps(v):\n    return floor(v)")
    with pytest.raises(generate_cores.Untranslatable, match="floor only in"):
        generate_cores.exact_quotients(generate_cores.Lowered("evaluate", [], [], {}), [helper])


def test_a_helpers_names_do_not_make_the_models_lets_exact():
    """A helper's parameter named like a model let is the helper's own: walking an exact helper
    marks none of the model's lets."""
    helper = _lower("def share(tokens, devices):\n    if devices <= 1:\n        return 0.0\n"
                    "    return tokens / devices")
    model = generate_cores.Lowered("evaluate", [], [("tokens", ("bin", "/", ("input", "a"),
                                                                 ("input", "b")))],
                                   {"y": ("call", "share", [("var", "tokens"), ("num", 2.0)])})
    lets, helpers = generate_cores.exact_quotients(model, [helper])
    assert helpers == {"share"} and lets == set()


def test_guards_ifs_and_reassignments_lower_to_single_assignment_selects():
    lowered = _lower("""
        def f(x, y):
            if x <= 0:
                return 0.0
            z = x * K
            if y > z:
                z = y
            else:
                z = z + 1.0
            z += 1.0
            return min(z, y)
    """)
    targets = [name for name, _ in lowered.lets]
    assert len(targets) == len(set(targets))            # each name assigned once
    assert lowered.result[0] == "select"                  # the guard selects the result
    em = generate_cores.CEmitter(lambda n: n)
    c_text = "\n".join(em.lets(lowered, "")) + em.expr(lowered.result)
    assert "py_min" in c_text and "K" in c_text and "?" in c_text


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_c_and_numba_compute_the_same_bits(precision):
    """Generated from one lowering with the same operations in the same order, the two cores agree
    exactly (not only to the reference's tolerance), in either precision."""
    if any(backends.unavailable_reason(b) for b in ("c", "numba")):
        pytest.skip("needs both native cores")
    rows = random_rows(5000, 3)
    c = backends.get_backend("c").evaluate(rows, 1, precision=precision)
    nb = backends.get_backend("numba").evaluate(rows, 1, precision=precision)
    np.testing.assert_array_equal(c, nb)


MOVED = {
    "reference": "model.reference", "parameters": "model.registry", "rng": "sampling.rng",
    "distributions": "sampling.distributions", "encoding": "cores.encoding",
    "summary": "stats.summary", "backends": "cores.backends", "cbinding": "cores.cbinding",
    "numba_core": "cores.numba_core", "catalog": "io.catalog", "scenario": "io.scenario",
    "constraints": "model.constraints", "grid": "analysis.grid", "sweeps": "analysis.sweeps",
    "decisions": "analysis.decisions", "sensitivity": "analysis.sensitivity",
    "validation": "fidelity.validation", "calibration": "fidelity.calibration",
}


@pytest.mark.parametrize("old, new", sorted(MOVED.items()))
def test_moved_modules_keep_working_with_a_deprecation_warning(old, new):
    import importlib

    old, new = f"inferonomics.{old}", f"inferonomics.{new}"
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=new):
        module = importlib.import_module(old)
    moved = importlib.import_module(new)
    public = [n for n in dir(moved) if not n.startswith("_")]
    assert public and all(getattr(module, n) is getattr(moved, n) for n in public)


# The generated code's runtime support (py_min, py_max, pow_) against Python's own semantics,
# special values included: the model never feeds it NaN or a zero exponent, so the conformance
# suite cannot see a slip here.
SUPPORT_PAIRS = [(a, b) for a in (-2.0, -0.0, 0.0, 0.5, 1.0, 3.0, math.inf, math.nan)
                 for b in (-1.5, 0.0, 0.7, 2.0, math.nan)]


def _python_support(a, b):
    try:
        p = a ** b
        p = math.nan if isinstance(p, complex) else p
    except ZeroDivisionError:
        p = math.inf
    return min(a, b), max(a, b), p


def _same(x, y):
    return (math.isnan(x) and math.isnan(y)) or x == y


def _check_support(results):
    for (a, b), got in zip(SUPPORT_PAIRS, results):
        want = _python_support(a, b)
        assert _same(got[0], want[0]) and _same(got[1], want[1]), (a, b, got, want)
        if a > 0 and math.isfinite(a) and not math.isnan(b):
            assert got[2] == pytest.approx(want[2], rel=1e-14), (a, b)
        elif a < 0 or math.isnan(a):
            # outside the documented domain: NaN, so a formula that strays there shows up
            assert math.isnan(got[2]), (a, b, got[2])
        elif a == 0 and not math.isnan(b):
            assert _same(got[2], want[2]), (a, b, got[2], want[2])   # 0 ** y by the sign of y


def test_numba_runtime_support_follows_python():
    if backends.unavailable_reason("numba"):
        pytest.skip("numba core unavailable")
    from inferonomics.cores import numba_core as nc

    _check_support([(nc.py_min(a, b), nc.py_max(a, b), nc.pow_(a, b)) for a, b in SUPPORT_PAIRS])


def _run_c_support(tmp_path, values: list, width: int, *args: str) -> list:
    """tests/native/support_harness.c compiled with the core, fed ``values`` as float64: its
    ``width`` float64 answers per input, as rows."""
    import os
    import shutil
    import subprocess

    cc = os.environ.get("CC", "cc")
    if shutil.which(cc) is None:
        pytest.skip(f"no C compiler ({cc})")
    exe = tmp_path / "support"
    subprocess.run([cc, "-std=c11", "-O2", "-fno-math-errno", "-fno-trapping-math",
                    f"-I{ROOT / 'csrc'}", str(ROOT / "tests" / "native" / "support_harness.c"),
                    "-o", str(exe), "-lm"], check=True, capture_output=True)
    done = subprocess.run([str(exe), *args], input=np.array(values).tobytes(),
                          capture_output=True, check=True)
    return np.frombuffer(done.stdout, dtype=np.float64).reshape(-1, width).tolist()


def test_c_runtime_support_follows_python(tmp_path):
    _check_support(_run_c_support(tmp_path, SUPPORT_PAIRS, 3))


# log1p_ and expm1_ switch from their series to the direct form at SERIES_LIMIT: points on both
# sides of it, tiny and subnormal arguments where the direct forms lose every digit, and the ends
# of their ranges.
_LIMIT = generate_cores.SERIES_LIMIT
UNARY_POINTS = sorted({s * m for s in (-1.0, 1.0)
                       for m in [5e-324, 1e-300, 1e-17, 1e-9, 3e-5, 0.003, 0.05,
                                 _LIMIT * (1 - 1e-15), _LIMIT, _LIMIT * (1 + 1e-15), 0.3, 0.5,
                                 0.999, 1.0, 2.0, 30.0, 700.0, 710.0, math.inf]}
                      | {0.0, -0.0, math.nan} | {-1.0 + 2.0 ** -k for k in (1, 10, 40)})


def _check_unary(results):
    for x, (log1p_x, expm1_x) in zip(UNARY_POINTS, results):
        if math.isnan(x):
            assert math.isnan(log1p_x) and math.isnan(expm1_x)
            continue
        if x > -1.0:
            assert log1p_x == pytest.approx(math.log1p(x), rel=3e-15, abs=0), x
        elif x == -1.0:
            assert log1p_x == -math.inf
        else:
            assert math.isnan(log1p_x), x      # outside ln's domain: NaN, as pow_ gives
        try:
            want = math.expm1(x)
        except OverflowError:
            want = math.inf
        assert expm1_x == pytest.approx(want, rel=3e-15, abs=0), x
        assert math.copysign(1.0, log1p_x) == math.copysign(1.0, x) or x < -1.0   # -0.0 stays -0.0


def test_numba_log1p_and_expm1_keep_the_digits_of_small_arguments():
    if backends.unavailable_reason("numba"):
        pytest.skip("numba core unavailable")
    from inferonomics.cores import numba_core as nc

    _check_unary([(nc.log1p_(x), nc.expm1_(x)) for x in UNARY_POINTS])


def test_c_log1p_and_expm1_keep_the_digits_of_small_arguments(tmp_path):
    _check_unary(_run_c_support(tmp_path, UNARY_POINTS, 2, "unary"))


def test_what_a_floor_sees_is_divided_and_the_rest_multiplied_by_a_reciprocal():
    """x * (1 / y) is an ulp from x / y: harmless in a smooth formula, a whole step under a floor
    (49 * (1 / 49) < 1). So every division a floor's argument depends on stays a division."""
    assert math.floor(49.0 * (1.0 / 49.0)) == 0    # what the exactness rule guards against
    model, helpers, _ = generate_cores.lower_reference()
    exact_lets, exact_helpers = generate_cores.exact_quotients(model, helpers)
    assert {"free_bytes", "kv_bytes_per_sequence_per_device", "tp"} <= exact_lets
    text = (ROOT / "csrc" / "generated" / "model.h").read_text()
    floors = [line for line in text.splitlines() if "floor((" in line]
    assert floors and all("(1.0 / " not in line for line in floors)
    lets = {line.split(" = ")[0].split()[-1]: line for line in text.splitlines()
            if line.startswith("        const double ")}
    assert "(1.0 / " not in lets["kv_bytes_per_sequence_per_device"]
    assert "(1.0 / " in lets["lean_step_s"] or "(1.0 / " in lets["lean_stage_s"]


@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("backend", ["c", "numba"])
@pytest.mark.parametrize("copy", [name for name, _ in generate_cores.COPIES[1:]])
def test_every_specialised_loop_gives_the_bits_of_the_loop_before_it(backend, precision, copy):
    """The cores run copies of the model with some inputs as constants (generate_cores.COPIES:
    the plain layout, then a dense model on it) on blocks whose rows all have those values; a
    block with one row off any of them runs the copy before it. Rows pinned to exactly one copy's
    constants (the others drawn) must get the same bits from both, whichever constant the odd
    row breaks, and the odd rows the general copy's bits (a block that ran them with the
    constant pinned would not)."""
    import numpy as np

    from inferonomics.cores import backends
    from inferonomics.model.registry import INPUT_NAMES
    from registry_inputs import random_rows

    core = backends.get_backend(backend)
    pinned = dict(generate_cores.COPIES)[copy]
    added = dict(generate_cores.copy_steps())[copy]
    rows = random_rows(1500, seed=5)
    for name, value in pinned.items():
        rows[:, INPUT_NAMES.index(name)] = value
    specialised = core.evaluate(rows, 1, precision=precision)
    # One row in every 64 off one constant: every block (512 rows in both cores) runs the copy
    # before this one. (Some constants change nothing on their own, e.g. micro-batches on one
    # stage; the forced rows must differ for some constant, or the test shows nothing.)
    forced = np.arange(len(rows)) % 64 == 63
    moved = []
    for name, value in added.items():
        other = rows.copy()
        other[forced, INPUT_NAMES.index(name)] = value + 1.0
        before = core.evaluate(other, 1, precision=precision)
        np.testing.assert_array_equal(specialised[~forced].view(np.uint64),
                                      before[~forced].view(np.uint64), err_msg=name)
        # The same rows with chunked prefill in another row of every 64: the general copy only.
        general = other.copy()
        general[np.arange(len(rows)) % 64 == 0, INPUT_NAMES.index("chunked_prefill")] = 1.0
        np.testing.assert_array_equal(
            before[forced].view(np.uint64),
            core.evaluate(general, 1, precision=precision)[forced].view(np.uint64), err_msg=name)
        if not np.array_equal(specialised[forced], before[forced], equal_nan=True):
            moved.append(name)
    assert moved
