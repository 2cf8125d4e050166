"""The native cores' model code is generated from the reference (tools/generate_cores.py): the
checked-in files must be what the generator writes now, and the generator must refuse what it cannot
translate rather than translate it wrongly."""

import ast
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


def test_c_and_numba_compute_the_same_bits():
    """Generated from one lowering with the same operations in the same order, the two cores agree
    exactly (not only to the reference's tolerance)."""
    if any(backends.unavailable_reason(b) for b in ("c", "numba")):
        pytest.skip("needs both native cores")
    rows = random_rows(5000, 3)
    c = backends.get_backend("c").evaluate(rows, 1)
    nb = backends.get_backend("numba").evaluate(rows, 1)
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
