"""Fuzzing the front doors: random scenario dicts through load_scenario and simulate, random TOML
texts through the command line. Whatever comes in, the answer is a result whose statistics are
finite, or the library's own error (one line on stderr with exit status 2 at the command line):
never another exception, a traceback, NaN or infinity.

Strategies mix what the loader knows (the registry's key paths, catalog ids, distribution tables)
with what it must refuse (unknown keys, huge and non-finite numbers, text with control characters,
dates, nested lists and tables, malformed TOML), so most examples reach deep into the loader and
many reach the cores. Sized for CI (the ``ci`` profile: 200 examples each, a few seconds)."""

from __future__ import annotations

import contextlib
import io
import json
import math
import tomllib
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from inferonomics import InferonomicsError, cli, load_scenario, simulate
from inferonomics.io import catalog
from inferonomics.io.scenario import SECTION_EXTRA_KEYS, TOP_LEVEL_KEYS
from inferonomics.io.toml_text import toml_value
from inferonomics.model.registry import PARAMETERS, SECTIONS
from inferonomics.sampling.distributions import DISTRIBUTION_KEYS

MODEL_IDS = sorted(catalog.entries("models"))
HARDWARE_IDS = sorted(catalog.entries("hardware"))
DIST_KINDS = sorted(DISTRIBUTION_KEYS)
DIST_FIELDS = sorted({k for required, optional in DISTRIBUTION_KEYS.values()
                      for k in required + optional})
SAMPLES = 32

# ----------------------------------------------------------------------------------------------------
# (a) Scenario dicts through the Python API
# ----------------------------------------------------------------------------------------------------

hostile_floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 5e-324, 1e-300, 1e300, 1.7976931348623157e308, -1e308, 2.0**53 + 2]))
hostile_ints = st.one_of(st.integers(-2**70, 2**70),
                         st.sampled_from([10**400, -10**400, 2**63, 2**64, -1, 0]),
                         st.integers(-2**63, 2**63 - 1).map(np.int64))   # from a numpy pipeline
control_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF,
                                     exclude_categories=("Cs",)), max_size=8)
words = st.one_of(control_text, st.sampled_from(["max", "", "\x1b[2J", "own", "rent", "inf", "nan"]
                                                + MODEL_IDS[:4] + HARDWARE_IDS[:4] + DIST_KINDS))
scalars = st.one_of(hostile_floats, hostile_ints, st.booleans(), words, st.dates(), st.none())


def distribution_tables(numbers):
    """``{dist = KIND, FIELD = ...}`` with the known kinds and fields, and some that are not."""
    kind = st.one_of(st.sampled_from(DIST_KINDS), scalars)
    fields = st.dictionaries(st.one_of(st.sampled_from(DIST_FIELDS), words),
                             st.one_of(numbers, st.lists(numbers, max_size=4), scalars),
                             max_size=5)
    without_kind = st.integers(0, 4).map(lambda i: i == 0)
    return st.builds(lambda k, f, drop: f if drop else {"dist": k, **f}, kind, fields, without_kind)


def valid_values(param):
    """Values in ``param``'s realistic range: a number or a distribution inside it."""
    low, high = param.draw_range
    number = st.floats(low, high, allow_nan=False, allow_infinity=False)
    if param.integer:
        number = st.integers(max(int(math.ceil(low)), 0), int(min(high, 10**6)))
    uniform = st.tuples(number, number).map(
        lambda ab: {"dist": "uniform", "low": min(ab), "high": max(ab)})
    return st.one_of(number, uniform)


def hostile_values(param=None):
    """Anything: scalars, distribution tables with wrong kinds, fields and numbers, lists (sweep
    axes), nested lists and tables; for an input, also distribution tables with its own kinds."""
    numbers = st.one_of(hostile_floats, hostile_ints)
    leaf = st.one_of(scalars, distribution_tables(numbers))
    nested = st.recursive(leaf, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(words, inner, max_size=3)), max_leaves=6)
    options = [nested, st.lists(leaf, min_size=1, max_size=3)]
    if param is not None:
        options.append(distribution_tables(numbers))
    return st.one_of(options)


@st.composite
def scenario_dicts(draw):
    raw = {
        "model": {"id": draw(st.sampled_from(MODEL_IDS))},
        "hardware": {"id": draw(st.sampled_from(HARDWARE_IDS)), "count": draw(st.integers(1, 8))},
        "workload": {"batch": draw(st.one_of(st.integers(1, 256), st.just("max"))),
                     "input_tokens": draw(st.integers(1, 8000)),
                     "output_tokens": draw(st.integers(1, 2000))},
        "cost": {"usd_per_device_hour": 2.5},
    }

    def table(section):   # the section's dict, made if missing (None if a mutation replaced it)
        value = raw.setdefault(section, {})
        return value if isinstance(value, dict) else {}

    # Realistic values are the most common change, so that many examples reach the cores.
    changes = ["valid"] * 6 + ["hostile"] * 2 + ["extra", "key", "top", "delete", "section"]
    for _ in range(draw(st.integers(0, 5))):
        what = draw(st.sampled_from(changes))
        if what in ("valid", "hostile"):
            param = draw(st.sampled_from(PARAMETERS))
            value = valid_values(param) if what == "valid" else hostile_values(param)
            table(param.section)[param.name] = draw(value)
        elif what == "extra":
            section = draw(st.sampled_from(sorted(SECTION_EXTRA_KEYS)))
            key = draw(st.sampled_from(("id",) + SECTION_EXTRA_KEYS[section]))
            table(section)[key] = draw(hostile_values())
        elif what == "key":
            table(draw(st.sampled_from(SECTIONS + ("sweep",))))[draw(words)] = draw(hostile_values())
        elif what == "top":
            raw[draw(st.one_of(st.sampled_from(TOP_LEVEL_KEYS), words))] = draw(hostile_values())
        elif what == "delete" and raw:
            section = draw(st.sampled_from(sorted(raw, key=repr)))
            body = raw[section]
            if isinstance(body, dict) and body and draw(st.booleans()):
                del body[draw(st.sampled_from(sorted(body, key=repr)))]
            else:
                del raw[section]
        elif what == "section":
            raw[draw(st.sampled_from(SECTIONS))] = draw(hostile_values())
    return raw


def assert_finite_summary(result) -> None:
    data = result.to_dict()
    assert 0.0 <= data["feasible_fraction"] <= 1.0
    for metric, stats in data["metrics"].items():
        for stat, value in stats.items():
            assert isinstance(value, float) and math.isfinite(value), (metric, stat, value)


@given(raw=scenario_dicts())
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_any_scenario_dict_simulates_to_finite_statistics_or_raises_the_library_error(raw):
    try:
        scenario = load_scenario(raw)
        result = simulate(scenario, samples=SAMPLES, seed=0)
    except InferonomicsError:
        return
    assert_finite_summary(result)
    # What loaded also writes back: the resolved text loads to the same inputs.
    plan = result.plan
    assert load_scenario(tomllib.loads(scenario.to_toml(resolved=True))).resolve() == plan


# ----------------------------------------------------------------------------------------------------
# (b) TOML texts through the command line
# ----------------------------------------------------------------------------------------------------

BASE_LINES = {
    "": ['name = "fuzz"'],
    "model": ['id = "llama-2-7b"'],
    "hardware": ['id = "h100-sxm"', "count = 1"],
    "workload": ["batch = 8", "input_tokens = 512", "output_tokens = 128"],
    "cost": ["usd_per_device_hour = 2.0"],
}
TOML_VALUES = [
    "1", "0", "-1", "2.5", "1e400", "-1e400", "inf", "-inf", "nan", "+nan", "1_000", "0x10",
    "9" * 40, "true", '"max"', '"own"', '"rent"', '"h100-sxm"', '"llama-2-7b"', '"nope"', "2024-01-01",
    "1979-05-27T07:32:00Z", "07:32:00", "1979-05-27T07:32:00", r'"\u001b[2J"', r'"a\nb"', "[1, 2]",
    "[]", '["h100-sxm", "b200"]', "[8, 64]", '[8, "max"]', '{ dist = "uniform", low = 1, high = 2 }',
    '{ dist = "uniform", low = 2, high = 1 }', '{ dist = "normal", mean = 0, sd = 1 }',
    '{ dist = "lognormal", median = 1e300, sigma = 50 }', '{ dist = "choice", values = [1, 1e400] }',
    '{ dist = "pert", low = 0, mode = 0, high = 0, lambda = -1 }', "{ dist = [1] }", "{ }",
    "{ a = { b = { c = 1 } } }", "[" * 60 + "]" * 60, "{", '"unterminated', "= =", "[1, ", "'lit'",
]
GARBAGE_LINES = ["[model", "[[workload]]", "[workload.batch]", "x", "= 1", "\x00", "[model]",
                 "[hardware]", "a.b.c = 1", "\ufeff", "\x1b[31m = 1", "[sweep]", "[ 'q' ]"]
KEYS = sorted({p.name for p in PARAMETERS} | {"id", "mode", "name", "notes", "zip",
                                              "max_points", "constraints", "catalog"})


def toml_numbers():
    return st.one_of(st.floats().map(repr), st.integers(-2**70, 2**70).map(str))


def toml_values():
    return st.one_of(st.sampled_from(TOML_VALUES), toml_numbers(),
                     control_text.map(lambda t: json.dumps(t)))


@st.composite
def toml_texts(draw):
    """The base scenario's lines with inputs set (mostly to values in their range, as TOML), keys
    added anywhere, and now and then a line of garbage."""
    lines = {section: dict(line.split(" = ", 1) for line in body)
             for section, body in BASE_LINES.items()}
    garbage = []
    for _ in range(draw(st.integers(0, 5))):
        what = draw(st.sampled_from(["valid"] * 4 + ["hostile"] * 3 + ["key", "garbage"]))
        if what in ("valid", "hostile"):
            param = draw(st.sampled_from(PARAMETERS))
            section, key = param.section, param.name
            if what == "valid":
                value = draw(valid_values(param).map(toml_value))
            else:
                value = draw(toml_values())
        elif what == "key":
            section = draw(st.sampled_from(["", "model", "hardware", "workload", "cost", "efficiency",
                                            "energy", "sweep", "zzz"]))
            key, value = draw(st.sampled_from(KEYS)), draw(toml_values())
        else:
            garbage.append(draw(st.one_of(st.sampled_from(GARBAGE_LINES), control_text)))
            continue
        lines.setdefault(section, {})[key] = value
    text = "\n".join(f"{k} = {v}" for k, v in lines.pop("").items())
    for section, body in lines.items():
        text += f"\n[{section}]\n" + "\n".join(f"{k} = {v}" for k, v in body.items())
    for line in garbage:   # at random places
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + "\n" + line + "\n" + text[cut:]
    return text + "\n"


@st.composite
def catalog_texts(draw):
    spec = {"name": '"Fuzz chip"', "memory_gb": "80", "memory_bw_gbps": "3000", "tflops_16": "900",
            "tdp_w": "700", "idle_w": "70", "interconnect_gbps": "400", "usd_per_hour": "2.0"}
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.one_of(st.sampled_from(sorted(catalog.ENTRY_KEYS["hardware"])), words.filter(
            lambda w: w.isidentifier())))
        spec[key] = draw(toml_values())
    return "[hardware.fuzz]\n" + "\n".join(f"{k} = {v}" for k, v in spec.items()) + "\n"


def run_cli(argv) -> tuple[int, str, str, list]:
    """``inferonomics ARGV`` in this process: exit status, stdout, stderr and the warnings raised
    (pytest would otherwise swallow them before they reach stderr)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        try:
            rc = cli.main([str(a) for a in argv])
        except SystemExit as exc:   # argparse
            rc = exc.code
    out.flush()
    return rc, out.buffer.getvalue().decode("utf-8"), err.getvalue(), caught


def assert_clean_exit(rc, out, err, caught) -> None:
    assert rc in (0, 2), (rc, err)
    assert "Traceback" not in err
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], \
        [str(w.message) for w in caught]
    if rc == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("inferonomics: error: "), err
    else:
        assert all(line.startswith("inferonomics: warning: ") for line in err.splitlines()), err


def strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"non-JSON constant {constant} in output")
    return json.loads(text, parse_constant=refuse)


COMMANDS = [
    ("run", "--samples", str(SAMPLES), "--json"),
    ("run", "--samples", str(SAMPLES)),
    ("show",),
    ("show", "--resolved"),
    ("sweep", "--samples", "8", "--json", "--max-points", "8"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@given(text=toml_texts(), command=st.sampled_from(COMMANDS))
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_any_toml_text_exits_0_or_2_with_one_error_line(folder, text, command):
    path = folder / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    rc, out, err, caught = run_cli([command[0], path, *command[1:]])
    assert_clean_exit(rc, out, err, caught)
    if rc == 0 and "--json" in command:
        strict_json(out)
    if rc == 0 and command[0] == "show":
        again = load_scenario(tomllib.loads(out))   # what show prints loads back
        if "--resolved" in command:
            assert again.resolve() == load_scenario(path).resolve()


@given(catalog_text=catalog_texts(), value=toml_values(), key=st.sampled_from(KEYS),
       command=st.sampled_from(["catalog", "run-with-catalog", "run-with-set"]))
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_any_catalog_file_or_set_value_exits_0_or_2_with_one_error_line(folder, catalog_text, value,
                                                                         key, command):
    scenario = folder / "base.toml"
    scenario.write_text("\n".join(f"[{s}]\n" + "\n".join(b) if s else "\n".join(b)
                                  for s, b in BASE_LINES.items()) + "\n")
    catalog_file = folder / "catalog.toml"
    catalog_file.write_text(catalog_text, encoding="utf-8")
    if command == "catalog":
        argv = ["catalog", "hardware", "--json", "--catalog", catalog_file]
    elif command == "run-with-catalog":
        argv = ["run", scenario, "--samples", SAMPLES, "--json", "--catalog", catalog_file,
                "--set", 'hardware.id="fuzz"']
    else:
        section = next((p.section for p in PARAMETERS if p.name == key), "workload")
        argv = ["run", scenario, "--samples", SAMPLES, "--json", "--set", f"{section}.{key}={value}"]
    rc, out, err, caught = run_cli(argv)
    assert_clean_exit(rc, out, err, caught)
    if rc == 0:
        strict_json(out)
    assert "fuzz" not in catalog.entries("hardware")   # --catalog applied to that command only
