"""The C core's entry points take the length of every array they read or write and refuse, with a
documented INF_E_* code, what would take them outside it: huge counts (whose product with a row
length wraps around in int64), arrays one element short, NULL. The binding hands the core each
array's true length after checking its dtype and layout, and turns a refusal into
:class:`~inferonomics.cores.cbinding.CoreError`.

The hostile calls run in a subprocess: a regression crashes that process, not the test runner.
tests/test_sanitizers.py makes the same kind of calls under ASan and UBSan."""

import dataclasses
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inferonomics.cores import cbinding
from inferonomics.cores.encoding import KIND_CHOICE, N_INPUTS, N_METRICS, N_OUTPUTS, encode  # noqa: F401 (KIND_CHOICE: read by the subprocess script)
from inferonomics.errors import InferonomicsError
from inferonomics.io.scenario import load_scenario

pytestmark = pytest.mark.skipif(cbinding.UNAVAILABLE_REASON is not None,
                                reason=str(cbinding.UNAVAILABLE_REASON))

# Run in the subprocess. Each entry point gets a valid call on exact-size arrays (a plan with a
# choice input, so the choice tables are read; a one-group grid of two points); every array of it
# is then made NULL and one element short, and counts are made huge. One JSON line per call:
# [entry point, case, expected code, returned code], flushed before the next call starts.
HOSTILE_CALLS = r'''
import json
import sys
from inferonomics._ccore import ffi, lib
from inferonomics.cores.encoding import KIND_CHOICE

NI, NO, NM, NS = lib.INF_N_INPUTS, lib.INF_N_OUTPUTS, lib.INF_N_METRICS, lib.INF_N_STATUS
NP, NQ, BUCKETS = lib.INF_N_INPUTS * lib.INF_N_DIST_PARAMS, 1, lib.INF_SKETCH_BUCKETS
INT64_MAX = 2**63 - 1
# Counts whose product with a row length leaves int64: the issue's (times 51, the row length then,
# it wraps around to 49), one that wraps around times today's row length, and the index limit.
HUGE_COUNTS = [723401728380766731, -(-2**64 // NI), lib.INF_MAX_INDEX]


def new(ctype, n, values=()):
    a = ffi.new(f"{ctype}[]", n)
    for i, v in enumerate(values):
        a[i] = v
    return a


# kinds, params, integer, choice values and weights: input 0 a choice of the table's one entry.
PLAN = [new("int32_t", NI, [KIND_CHOICE]), NI, new("double", NP, [0, 1, 1.0]), NP,
        new("int32_t", NI), NI, new("double", 1, [5.0]), 1, new("double", 1, [1.0]), 1]
PLAN_ARRAYS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
# One group of two values owning input 0: table rows 0 and 1.
GRID = [1, new("int64_t", 1, [2]), 1, new("int32_t", 2, [0, 1]), 2, new("int32_t", 1, [0]), 1,
        new("int64_t", 1, [0]), 1]
GRID_ARRAYS = [(1, 2), (3, 4), (5, 6), (7, 8)]
POINTS, SAMPLES, CHUNK = 2, 10, 4

ENTRY_POINTS = {
    # name: (valid arguments, (pointer index, length index or None) of every array,
    #        {case: (arguments changed {index: value}, expected code)})
    "inf_evaluate": (
        [new("double", NI), NI, 1, new("double", NO), NO, 1, 0], [(0, 1), (3, 4)],
        {**{f"n={n}": ({2: n}, "INF_E_LENGTH") for n in HUGE_COUNTS + [INT64_MAX]},
         "n=-1": ({2: -1}, "INF_E_ARGUMENT"),
         # the issue's reproduction: a one-row buffer of the old width and a huge n
         "the issue's call": ({0: new("double", 51), 1: 51, 2: HUGE_COUNTS[0], 4: 21},
                              "INF_E_LENGTH"),
         "the model in float": ({6: 1}, "INF_OK"),
         "a precision that does not exist": ({6: 2}, "INF_E_ARGUMENT")}),
    "inf_draw_inputs": (
        PLAN + [0, 0, 1, new("double", NI), NI], PLAN_ARRAYS + [(13, 14)],
        {**{f"n={n}": ({12: n}, "INF_E_LENGTH") for n in HUGE_COUNTS},
         "n=INT64_MAX": ({12: INT64_MAX}, "INF_E_ARGUMENT"),
         "start=INT64_MAX": ({11: INT64_MAX}, "INF_E_ARGUMENT"),
         "a choice past its table": ({2: new("double", NP, [0, 2, 1.0])}, "INF_E_LENGTH"),
         "an unknown kind": ({0: new("int32_t", NI, [99])}, "INF_E_ARGUMENT")}),
    "inf_draw_only": (
        PLAN + [0, 0, SAMPLES, 1, new("double", 1)], PLAN_ARRAYS + [(14, None)],
        {"stop=INT64_MAX": ({12: INT64_MAX}, "INF_E_ARGUMENT"),
         "start > stop": ({11: 5, 12: 4}, "INF_E_ARGUMENT"),
         "stop at the index limit": ({11: 2**62 - 3, 12: 2**62}, "INF_OK")}),
    "inf_simulate": (
        PLAN + [0, 0, SAMPLES, CHUNK, 1, new("int32_t", NM, list(range(NM))), NM,
                new("int64_t", NS), NS, new("double", 3 * NM * 5), 3 * NM * 5,
                new("int64_t", NM * BUCKETS), NM * BUCKETS, new("double", SAMPLES * NI), SAMPLES * NI,
                new("double", SAMPLES * NO), SAMPLES * NO, 0],
        PLAN_ARRAYS + [(15, None), (17, 18), (19, 20), (21, 22), (23, 24), (25, 26)],
        {**{f"stop={n}": ({12: n}, "INF_E_ARGUMENT") for n in HUGE_COUNTS + [INT64_MAX]},
         "chunk=INT64_MAX from start 1": ({11: 1, 12: SAMPLES + 1, 13: INT64_MAX}, "INF_OK"),
         "keep arrays not wanted": ({23: ffi.NULL, 24: 0, 25: ffi.NULL, 26: 0}, "INF_OK"),
         "keep array of length 0": ({24: 0}, "INF_E_LENGTH"),
         "no metric folded": ({15: ffi.NULL, 16: 0}, "INF_OK"),
         "one metric folded": ({15: new("int32_t", 1, [NM - 1]), 16: 1}, "INF_OK"),
         "a metric index past the last": ({15: new("int32_t", 1, [NM]), 16: 1}, "INF_E_ARGUMENT"),
         "a negative metric index": ({15: new("int32_t", 1, [-1]), 16: 1}, "INF_E_ARGUMENT"),
         "metrics not ascending": ({15: new("int32_t", 2, [1, 0]), 16: 2}, "INF_E_ARGUMENT"),
         "a metric twice": ({15: new("int32_t", 2, [1, 1]), 16: 2}, "INF_E_ARGUMENT"),
         "more metrics than there are": ({16: NM + 1}, "INF_E_ARGUMENT"),
         "the model in float": ({27: 1}, "INF_OK"),
         "a precision that does not exist": ({27: 2}, "INF_E_ARGUMENT"),
         "a negative precision": ({27: -1}, "INF_E_ARGUMENT")}),
    "inf_sweep_evaluate": (
        [new("double", NI), NI] + GRID + [new("double", 2), 2, 0, POINTS, 1,
                                          new("double", POINTS * NO), POINTS * NO],
        [(0, 1)] + [(2 + p, 2 + n) for p, n in GRID_ARRAYS] + [(11, 12), (16, 17)],
        {**{f"stop={n}": ({14: n}, "INF_E_LENGTH") for n in HUGE_COUNTS},
         "stop=INT64_MAX": ({14: INT64_MAX}, "INF_E_ARGUMENT"),
         "stop past the grid": ({14: POINTS + 1, 16: new("double", 3 * NO), 17: 3 * NO},
                                "INF_E_ARGUMENT"),
         "65 groups": ({2: 65}, "INF_E_ARGUMENT"),
         "a radix past the table": ({3: new("int64_t", 1, [3])}, "INF_E_LENGTH")}),
    "inf_sweep_simulate": (
        PLAN + GRID + [new("int32_t", 2), 2, new("double", 2 * 8), 2 * 8, 0, SAMPLES, CHUNK,
                       new("double", NQ, [0.5]), NQ, 0, POINTS, 1, new("int64_t", POINTS * NS),
                       POINTS * NS, new("double", POINTS * NM * 5), POINTS * NM * 5,
                       new("double", POINTS * NM * NQ), POINTS * NM * NQ],
        PLAN_ARRAYS + [(10 + p, 10 + n) for p, n in GRID_ARRAYS]
        + [(19, 20), (21, 22), (26, None), (31, 32), (33, 34), (35, 36)],
        {**{f"stop={n}": ({29: n}, "INF_E_LENGTH") for n in HUGE_COUNTS},
         "stop=INT64_MAX": ({29: INT64_MAX}, "INF_E_ARGUMENT"),
         **{f"samples={n}": ({24: n}, "INF_E_ARGUMENT") for n in HUGE_COUNTS + [INT64_MAX]},
         "chunk=INT64_MAX": ({25: INT64_MAX}, "INF_OK"),
         "a table choice past its table": ({19: new("int32_t", 2, [0, KIND_CHOICE]),
                                            21: new("double", 16, [0] * 8 + [0, 2, 1.0])},
                                           "INF_E_LENGTH")}),
}


def cases(args, arrays, special):
    """(case, arguments, expected code): the valid call, then each array NULL and one short, then
    the entry point's own cases."""
    def changed(changes):
        return [changes.get(i, a) for i, a in enumerate(args)]
    yield "valid", args, "INF_OK"
    for p, n in arrays:
        yield f"argument {p} NULL", changed({p: ffi.NULL}), "INF_E_NULL"
        if n is not None:
            yield f"argument {p} one short", changed({n: args[n] - 1}), "INF_E_LENGTH"
    for name, (changes, want) in special.items():
        yield name, changed(changes), want


for entry, (args, arrays, special) in ENTRY_POINTS.items():
    for case, call, want in cases(args, arrays, special):
        print(json.dumps([entry, case, want, None]), file=sys.stderr, flush=True)   # started
        got = getattr(lib, entry)(*call)
        print(json.dumps([entry, case, getattr(lib, want), got]), flush=True)
'''

ENTRY_POINTS = ["inf_evaluate", "inf_draw_inputs", "inf_draw_only", "inf_simulate",
                "inf_sweep_evaluate", "inf_sweep_simulate"]


@pytest.fixture(scope="module")
def hostile_outcomes():
    done = subprocess.run([sys.executable, "-c", HOSTILE_CALLS], capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        started = done.stderr.strip().splitlines()
        last = next((ln for ln in reversed(started) if ln.startswith("[")), "before the first call")
        pytest.fail(f"the hostile calls crashed (exit {done.returncode}) at {last}:\n"
                    f"{done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_entry_point_refuses_null_short_arrays_and_huge_counts_with_its_code(hostile_outcomes,
                                                                           entry):
    outcomes = [o for o in hostile_outcomes if o[0] == entry]
    assert len(outcomes) > 3
    wrong = [f"{case}: returned {got}, expected {want}" for _, case, want, got in outcomes
             if got != want]
    assert not wrong, "\n".join(wrong)


# Pointers without a length of their own: checksum is one double; n_quantiles is both the count
# of quantiles and the length of the array.
NO_LENGTH = {"checksum"}
LENGTH_NAMES = re.compile(r"(int64_t \w+_len|int32_t n_quantiles)$")


def test_every_array_parameter_is_followed_by_its_length_and_every_entry_point_is_tested():
    header = (Path(__file__).resolve().parents[1] / "csrc" / "inferonomics.h").read_text()
    header = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    entry_points = [(name, params) for name, params
                    in re.findall(r"int32_t (inf_\w+)\(([^)]*)\);", header) if params != "void"]
    assert {name for name, _ in entry_points} == set(ENTRY_POINTS)
    for name, params in entry_points:
        params = [" ".join(p.split()) for p in params.split(",")]
        for param, after in zip(params, params[1:] + [""]):
            pointer = re.fullmatch(r"(const )?\w+ \*(\w+)", param)
            if pointer and pointer[2] not in NO_LENGTH:
                assert LENGTH_NAMES.match(after), f"{name}: {param} is not followed by its length"


# --- the binding ------------------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "llama-2-70b-h100-fp8.toml"
BUCKETS = cbinding.lib.INF_SKETCH_BUCKETS if cbinding.lib is not None else 0


def example_plan():
    return encode(load_scenario(EXAMPLE).resolve().distributions)


def simulate(plan, **changes):
    """cbinding.simulate of samples 0 .. 99 of ``plan`` in one chunk, on fresh buffers with
    ``changes``; returns the buffers."""
    args = dict(status=np.zeros(cbinding.lib.INF_N_STATUS, dtype=np.int64),
                chunk_moments=np.zeros((1, N_METRICS, cbinding.N_MOMENTS)),
                hist=np.zeros((N_METRICS, BUCKETS), dtype=np.int64),
                keep_inputs=None, keep_outputs=None)
    args.update(changes)
    cbinding.simulate(plan, 1, 0, 100, 100, 1, np.arange(N_METRICS, dtype=np.int32), **args)
    return args


def one_short(plan, field):
    return dataclasses.replace(plan, **{field: getattr(plan, field).reshape(-1)[:-1]})


SHORT = "an array is shorter than the call needs"
# Calls the binding must refuse: {case: (call on a plan, expected code, expected message)}; code
# None where the binding refuses before calling the core. Without the checks they would write or
# read past an array, so they run in a subprocess, like the hostile calls above.
REFUSED_CALLS = {
    "hist one short": (lambda plan: simulate(plan, hist=np.zeros(N_METRICS * BUCKETS - 1,
                                                                 dtype=np.int64)), "INF_E_LENGTH", SHORT),
    "status one short": (lambda plan: simulate(plan, status=np.zeros(cbinding.lib.INF_N_STATUS - 1,
                                                                     dtype=np.int64)),
                         "INF_E_LENGTH", SHORT),
    "keep_inputs one short": (lambda plan: simulate(plan, keep_inputs=np.zeros(100 * N_INPUTS - 1),
                                                    keep_outputs=np.zeros((100, N_OUTPUTS))),
                              "INF_E_LENGTH", SHORT),
    "keep_outputs one short": (lambda plan: simulate(plan, keep_inputs=np.zeros((100, N_INPUTS)),
                                                     keep_outputs=np.zeros(100 * N_OUTPUTS - 1)),
                               "INF_E_LENGTH", SHORT),
    **{f"plan {field} one short": ((lambda plan, field=field:
                                    cbinding.draw_inputs(one_short(plan, field), 1, 0, 10)),
                                   "INF_E_LENGTH", SHORT)
       for field in ("kinds", "params", "integer", "choice_weights")},
    "float64 where int64 is written": (lambda plan: simulate(plan, hist=np.zeros((N_METRICS, BUCKETS))),
                                       None, "needs a C-contiguous int64 array"),
    "float32 where float64 is written": (
        lambda plan: simulate(plan, keep_inputs=np.zeros((100, N_INPUTS), dtype=np.float32),
                              keep_outputs=np.zeros((100, N_OUTPUTS))),
        None, "needs a C-contiguous float64 array"),
    "int64 where int32 is read": (lambda plan: cbinding.draw_inputs(
        dataclasses.replace(plan, kinds=plan.kinds.astype(np.int64)), 1, 0, 10),
        None, "needs a C-contiguous int32 array"),
    "non-contiguous": (lambda plan: simulate(
        plan, hist=np.zeros((N_METRICS, 2 * BUCKETS), dtype=np.int64)[:, ::2]), None, "strided"),
    "negative start": (lambda plan: cbinding.draw_inputs(plan, 1, -1, 10), "INF_E_ARGUMENT",
                       "draw_inputs refused the call: a count, a range"),
}
REFUSED_SCRIPT = """
import json
import test_c_entry_points as t
plan = t.example_plan()
# input 0 becomes a choice of the whole choice table, so the core reads the table's last entry
plan = t.dataclasses.replace(plan, kinds=plan.kinds.copy(), params=plan.params.copy())
plan.kinds[0], plan.params[0, :3] = t.KIND_CHOICE, [0, plan.choice_values.size, 1.0]
for case, (call, _, _) in t.REFUSED_CALLS.items():
    try:
        call(plan)
        print(json.dumps([case, None, None, "no error"]), flush=True)
    except Exception as exc:
        print(json.dumps([case, type(exc).__name__, getattr(exc, "code", None), str(exc)]), flush=True)
"""


@pytest.fixture(scope="module")
def refusals():
    done = subprocess.run([sys.executable, "-c", REFUSED_SCRIPT], capture_output=True,
                          text=True, timeout=300, cwd=Path(__file__).parent)
    outcomes = {case: rest for case, *rest in map(json.loads, done.stdout.splitlines())}
    if done.returncode != 0:
        crashed = next((c for c in REFUSED_CALLS if c not in outcomes), "?")
        pytest.fail(f"the call with {crashed} crashed (exit {done.returncode}):\n"
                    f"{done.stderr[-2000:]}")
    return outcomes


@pytest.mark.parametrize("case", list(REFUSED_CALLS))
def test_binding_refuses_a_wrong_dtype_layout_or_length_with_its_own_error(refusals, case):
    _, want_code, want_message = REFUSED_CALLS[case]
    kind, code, message = refusals[case]
    assert kind == "CoreError", message
    assert code == (want_code and getattr(cbinding.lib, want_code)), message
    assert want_message in message


def test_binding_runs_a_valid_call():
    assert simulate(example_plan())["status"].sum() == 100


def test_core_errors_are_the_librarys_own_and_keep_their_code_across_processes():
    assert issubclass(cbinding.CoreError, InferonomicsError)
    sent = pickle.loads(pickle.dumps(cbinding.CoreError("refused", cbinding.lib.INF_E_NULL)))
    assert (str(sent), sent.code) == ("refused", cbinding.lib.INF_E_NULL)
