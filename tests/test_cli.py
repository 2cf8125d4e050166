"""The command line: `inferonomics run` and `inferonomics catalog`, mostly in-process."""

from __future__ import annotations

import copy
import json
import math
import re
import subprocess
import sys
import tomllib
import uuid
from importlib import resources
from pathlib import Path

import pytest

from inferonomics import cli
from inferonomics.io.catalog import REQUIRED_KEYS
from inferonomics.io.toml_text import to_toml, toml_value

REPO = Path(__file__).parents[1]
EXAMPLE = REPO / "examples" / "llama-2-70b-h100-fp8.toml"
with EXAMPLE.open("rb") as _f:
    BASE = tomllib.load(_f)

SUMMARY_METRICS = ("ttft_s", "tpot_s", "e2e_s", "tokens_per_s", "tokens_per_s_per_device",
                   "usd_per_mtok", "joules_per_token", "gco2_per_mtok", "batch")
STATISTICS = ("mean", "std", "p5", "p50", "p95")


# ----------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------

def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    rc = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    def refuse(constant):
        raise ValueError(f"non-JSON constant {constant} in output")
    return json.loads(text, parse_constant=refuse)


def write_scenario(path: Path, raw: dict) -> Path:
    path.write_text(to_toml(raw))
    return path


def example_with(**sections) -> dict:
    """The example with some ``section={key: value}`` entries replaced."""
    raw = copy.deepcopy(BASE)
    for section, changes in sections.items():
        raw.setdefault(section, {}).update(changes)
    return raw


def assert_one_error_line(rc: int, out: str, err: str, *fragments: str) -> None:
    assert rc == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("inferonomics: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def infeasible_scenario(tmp_path) -> Path:
    """The largest Llama on one 24 GB L4: nothing fits."""
    raw = example_with(model={"id": "llama-3.1-405b"}, hardware={"id": "l4", "count": 1},
                       workload={"batch": 1})
    return write_scenario(tmp_path / "infeasible.toml", raw)


# ----------------------------------------------------------------------------------------------------
# run
# ----------------------------------------------------------------------------------------------------

def test_run_json_as_a_subprocess_prints_one_object_with_every_metric():
    proc = subprocess.run(
        [sys.executable, "-m", "inferonomics", "run", str(EXAMPLE), "--samples", "200", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    data = strict_json(lines[0])
    assert isinstance(data, dict)
    assert {"samples", "seed", "backend", "feasible_fraction", "metrics"} <= data.keys()
    assert data["samples"] == 200 and data["seed"] == 0
    assert 0 < data["feasible_fraction"] <= 1
    for metric in SUMMARY_METRICS:
        stats = data["metrics"][metric]
        for stat in STATISTICS:
            assert isinstance(stats[stat], (int, float)) and math.isfinite(stats[stat])
        assert stats["p5"] <= stats["p50"] <= stats["p95"]


def test_run_prints_a_table_with_a_header_and_one_row_per_metric(capsys):
    rc, out, err = run_cli(capsys, "run", EXAMPLE, "--samples", "200")
    assert rc == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == BASE["name"]
    assert "200 samples" in lines[1] and "seed 0" in lines[1]
    header = next(line for line in lines if line.startswith("metric"))
    assert re.fullmatch(r"metric\s+mean\s+p5\s+p50\s+p95\s+unit", header)
    for metric in cli.TABLE_METRICS:
        row = next((line for line in lines if line.split()[:1] == [metric]), None)
        assert row is not None, f"no row for {metric}"
        assert len(row.split()) >= 5
    usd = next(line for line in lines if line.startswith("usd_per_mtok "))
    assert usd.endswith("USD/Mtok")


def test_run_with_the_same_seed_prints_identical_json(capsys):
    args = ("run", EXAMPLE, "--samples", "200", "--seed", "7", "--json")
    rc1, first, _ = run_cli(capsys, *args)
    rc2, second, _ = run_cli(capsys, *args)
    assert rc1 == rc2 == 0
    assert first == second
    assert strict_json(first)["seed"] == 7


def test_run_with_different_seeds_gives_different_means(capsys):
    means = []
    for seed in ("1", "2"):
        rc, out, _ = run_cli(capsys, "run", EXAMPLE, "--samples", "200", "--seed", seed, "--json")
        assert rc == 0
        means.append(strict_json(out)["metrics"]["usd_per_mtok"]["mean"])
    assert means[0] != means[1]


def test_bad_scenario_exits_2_with_one_error_line(capsys, tmp_path):
    raw = copy.deepcopy(BASE)
    raw["workload"]["bacth"] = raw["workload"].pop("batch")
    path = write_scenario(tmp_path / "typo.toml", raw)
    rc, out, err = run_cli(capsys, "run", path, "--samples", "10")
    assert_one_error_line(rc, out, err, "workload.bacth", "did you mean: batch")


def test_missing_scenario_file_exits_2_cleanly(capsys, tmp_path):
    missing = tmp_path / "no-such-scenario.toml"
    rc, out, err = run_cli(capsys, "run", missing, "--samples", "10")
    assert_one_error_line(rc, out, err, "no-such-scenario.toml")


def test_scenario_file_that_is_not_utf8_exits_2_cleanly(capsys, tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "caf\u00e9"\n'.encode("latin-1"))
    rc, out, err = run_cli(capsys, "run", path, "--samples", "10")
    assert_one_error_line(rc, out, err, "latin1.toml")


@pytest.mark.parametrize("samples", ["0", "-3", "many"])
def test_bad_samples_count_is_rejected_by_argparse(capsys, samples):
    with pytest.raises(SystemExit) as info:
        cli.main(["run", str(EXAMPLE), f"--samples={samples}"])
    assert info.value.code == 2
    assert "--samples" in capsys.readouterr().err


@pytest.mark.parametrize("seed", ["-1", str(2**64)])
def test_seed_outside_the_range_exits_2_naming_seed(capsys, seed):
    rc, out, err = run_cli(capsys, "run", EXAMPLE, "--samples", "10", f"--seed={seed}")
    assert_one_error_line(rc, out, err, "seed", "2**64")


def test_unavailable_backend_exits_2_saying_why(capsys, monkeypatch):
    monkeypatch.setattr("inferonomics.cores.cbinding.UNAVAILABLE_REASON", "the C core was not built (test)")
    rc, out, err = run_cli(capsys, "run", EXAMPLE, "--samples", "10", "--backend", "c")
    assert_one_error_line(rc, out, err, "'c'", "unavailable")


def test_run_with_an_extra_catalog_file_uses_its_hardware(capsys, tmp_path):
    chip = f"cli-chip-{uuid.uuid4().hex[:10]}"
    catalog = tmp_path / "chips.toml"
    catalog.write_text(f'[hardware."{chip}"]\nname = "CLI chip"\nmemory_gb = 96.0\n'
                       "memory_bw_gbps = 4000.0\ntflops_16 = 1000.0\ntflops_8 = 2000.0\n"
                       "tdp_w = 600.0\nidle_w = 60.0\ninterconnect_gbps = 400.0\n")
    path = write_scenario(tmp_path / "chip.toml", example_with(hardware={"id": chip}))
    rc, out, err = run_cli(capsys, "run", path, "--samples", "20", "--json", "--catalog", catalog)
    assert rc == 0, err
    assert strict_json(out)["hardware"] == chip


def test_infeasible_scenario_prints_a_plain_line_instead_of_a_table(capsys, infeasible_scenario):
    rc, out, err = run_cli(capsys, "run", infeasible_scenario, "--samples", "20")
    assert rc == 0 and err == ""
    assert "feasible: 0 of 20" in out
    assert any(line.startswith("no sample is feasible") for line in out.splitlines())
    assert not any(line.startswith("metric") for line in out.splitlines())
    assert "nan" not in out.lower()


def test_infeasible_scenario_json_has_zero_fraction_and_no_metrics(capsys, infeasible_scenario):
    rc, out, err = run_cli(capsys, "run", infeasible_scenario, "--samples", "20", "--json")
    assert rc == 0 and err == ""
    data = strict_json(out)
    assert data["feasible_fraction"] == 0
    assert data["metrics"] == {}
    assert data["infeasible"]["memory"] == 20


# ----------------------------------------------------------------------------------------------------
# catalog
# ----------------------------------------------------------------------------------------------------

def shipped_ids(kind: str) -> set[str]:
    text = resources.files("inferonomics").joinpath("data", f"{kind}.toml").read_text("utf-8")
    return set(tomllib.loads(text))


def test_catalog_hardware_lists_the_shipped_ids(capsys):
    rc, out, err = run_cli(capsys, "catalog", "hardware")
    assert rc == 0 and err == ""
    lines = out.splitlines()
    assert re.match(r"id\s+memory_gb\s+memory_bw_gbps", lines[0])
    listed = {line.split()[0] for line in lines[2:] if line.strip() and not line[0].isdigit()}
    assert "h100-sxm" in listed
    assert shipped_ids("hardware") <= listed


def test_catalog_models_json_has_every_shipped_model_with_its_required_keys(capsys):
    rc, out, err = run_cli(capsys, "catalog", "models", "--json")
    assert rc == 0 and err == ""
    models = strict_json(out)
    assert {"llama-2-70b", "llama-3.1-405b", "mixtral-8x7b", "deepseek-v3"} <= models.keys()
    assert shipped_ids("models") <= models.keys()
    for model_id in shipped_ids("models"):
        missing = [k for k in REQUIRED_KEYS["models"] if k not in models[model_id]]
        assert not missing, f"{model_id} lacks {missing}"


def test_catalog_of_an_unknown_kind_is_rejected_by_argparse(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["catalog", "gpus"])
    assert info.value.code == 2
    assert "hardware" in capsys.readouterr().err


@pytest.mark.parametrize("samples", ["1e400", "2.5", "0", "-3", "many"])
def test_bad_sample_counts_are_refused_by_the_parser(samples, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["run", str(EXAMPLE), "--samples", samples])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_sample_counts_may_be_written_in_exponent_form(capsys):
    rc, out, err = run_cli(capsys, "run", EXAMPLE, "--samples", "2e3", "--json")
    assert rc == 0 and strict_json(out)["samples"] == 2000


def test_argument_errors_are_one_line(capsys):
    from inferonomics import cli

    with pytest.raises(SystemExit) as info:
        cli.main(["run", "x.toml", "--samples", "-3"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and "usage" not in err


def test_version():
    from inferonomics import __version__, cli

    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert __version__


def test_control_characters_in_a_key_never_reach_the_terminal(tmp_path, capsys):
    from inferonomics import cli

    path = tmp_path / "s.toml"
    path.write_text('[model]\nid = "llama-2-7b"\n"evil\\u001b]0;pwned\\u0007\\nkey" = 1\n'
                    '[hardware]\nid = "h100-sxm"\n'
                    '[workload]\nbatch = 8\ninput_tokens = 100\noutput_tokens = 10\n')
    assert cli.main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "\x07" not in err and "\\x1b" in err


def test_warnings_are_one_line_without_source(monkeypatch):
    import warnings

    from inferonomics import cli

    shown = []

    def format_a_warning(args):
        shown.append(warnings.formatwarning("something to know", RuntimeWarning, "cli.py", 295,
                                            "warnings.warn(...)"))
        return 0

    parser = cli.build_parser()
    parser._subparsers._group_actions[0].choices["run"].set_defaults(func=format_a_warning)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    before = warnings.formatwarning
    assert cli.main(["run", "x.toml"]) == 0
    assert shown == ["inferonomics: warning: something to know\n"]
    assert warnings.formatwarning is before      # a library caller's formatting is restored


def test_run_json_writes_null_for_a_statistic_that_is_not_finite(monkeypatch, capsys):
    """A statistic that is not finite (NaN of no feasible sample, an overflow) is written as null:
    the output stays JSON (json.loads of NaN or Infinity fails in most languages)."""
    from inferonomics import api, cli

    real = api.Result.to_dict

    def with_non_finite(self):
        out = real(self)
        out["metrics"]["usd_per_mtok"].update(mean=math.inf, std=math.nan)
        return out

    monkeypatch.setattr(api.Result, "to_dict", with_non_finite)
    assert cli.main(["run", str(EXAMPLE), "--samples", "500", "--json"]) == 0
    data = strict_json(capsys.readouterr().out)
    assert data["metrics"]["usd_per_mtok"]["mean"] is None
    assert data["metrics"]["usd_per_mtok"]["std"] is None


def test_set_overrides_scenario_values_on_the_command_line(capsys):
    """--set PATH=VALUE (TOML values, repeatable) also runs one point of a swept scenario."""
    from inferonomics import cli

    swept = str(REPO / "examples" / "cheapest-gpu-llama-3.1-70b.toml")
    assert cli.main(["run", swept, "--samples", "2000", "--json", "--set", 'hardware.id="mi300x"',
                     "--set", "cost.usd_per_device_hour=2.0", "--set", "hardware.count=4",
                     "--set", "workload.batch=16"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hardware"] == "mi300x" and data["metrics"]["batch"]["mean"] == 16
    assert cli.main(["run", swept, "--set", "workload.batchh=3"]) == 2
    assert "did you mean: batch" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------------
# One line for every error; TOML dates as ISO text in JSON
# ----------------------------------------------------------------------------------------------------

CHIP_TOML = ('[hardware.my-chip]\nname = "My chip"\nmemory_gb = 96\nmemory_bw_gbps = 4000\n'
             'tflops_16 = 1000\ntflops_8 = 2000\ntdp_w = 600\nidle_w = 60\ninterconnect_gbps = 400\n'
             'usd_per_hour = 3.0\nsource = "spec sheet"\n')


def test_catalog_json_writes_toml_dates_as_iso_text(capsys, tmp_path):
    catalog = tmp_path / "chips.toml"
    catalog.write_text(CHIP_TOML + "notes = 2024-01-01\nprice_source = 2024-03-01T09:30:00Z\n")
    rc, out, err = run_cli(capsys, "catalog", "hardware", "--json", "--catalog", catalog)
    assert rc == 0, err
    entry = strict_json(out)["my-chip"]
    assert entry["notes"] == "2024-01-01" and entry["price_source"] == "2024-03-01T09:30:00+00:00"


def test_run_json_writes_a_date_given_as_a_model_name_as_iso_text(capsys, tmp_path):
    inline = {"total_params_b": 6.74, "active_params_b": 6.74, "n_layers": 32, "d_model": 4096,
              "n_heads": 32, "n_kv_heads": 32, "head_dim": 128, "d_ff": 11008}
    raw = copy.deepcopy(BASE)
    raw["model"] = inline
    path = write_scenario(tmp_path / "s.toml", raw)
    path.write_text(path.read_text().replace("[model]\n", "[model]\nname = 2024-01-01\n"))
    rc, out, err = run_cli(capsys, "run", path, "--samples", "100", "--json")
    assert rc == 0, err
    assert strict_json(out)["model"] == "2024-01-01"


@pytest.mark.parametrize("text, fragment", [
    ('a = ' + "[" * 3000 + "1" + "]" * 3000 + "\n", "nested too deeply"),
    (EXAMPLE.read_text().replace("batch = 64", "batch = 99999999999999999999999999999"),
     "workload.batch"),
    (EXAMPLE.read_text().replace('input_tokens = {', 'input_tokens = { dist = [1] }\nx = {'),
     "workload.input_tokens.dist"),
    ("[model\n", "not valid TOML"),
    (EXAMPLE.read_text().replace(f'name = "{BASE["name"]}"', "name = 2024-01-01"),
     "name: must be a string"),
], ids=["deep", "huge-integer", "dist-list", "malformed", "date-name"])
def test_hostile_scenario_files_exit_2_with_one_line(capsys, tmp_path, text, fragment):
    path = tmp_path / "s.toml"
    path.write_text(text)
    for argv in (("run", path, "--json"), ("show", path), ("show", path, "--resolved")):
        rc, out, err = run_cli(capsys, *argv)
        assert_one_error_line(rc, out, err, fragment)


def test_a_constraint_limit_that_is_not_a_number_exits_2_with_one_line(capsys):
    rc, out, err = run_cli(capsys, "sweep", REPO / "examples" / "cheapest-gpu-llama-3.1-70b.toml",
                           "--constraint", "tpot_s_p95 <= .")
    assert_one_error_line(rc, out, err, "--constraint", "the limit must be a number")


@pytest.mark.parametrize("assignment, fragment", [
    ("name.x=1", "expected a key path SECTION.KEY"),
    ("workload=8", "expected a key path SECTION.KEY"),
    ('description=[1]', "description: must be a string"),
])
def test_set_with_a_path_that_is_not_a_scenario_key_exits_2_with_one_line(capsys, assignment,
                                                                          fragment):
    rc, out, err = run_cli(capsys, "run", EXAMPLE, "--set", assignment)
    assert_one_error_line(rc, out, err, fragment)


def test_control_characters_in_any_error_message_are_escaped(capsys, monkeypatch):
    """Messages that are not ScenarioErrors quote user text too (a column, an option's value)."""
    from inferonomics import InferonomicsError

    def fail(args):
        raise InferonomicsError("column 'a\nb\x1b[2J': unknown")

    parser = cli.build_parser()
    parser._subparsers._group_actions[0].choices["run"].set_defaults(func=fail)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    rc, out, err = run_cli(capsys, "run", "x.toml")
    assert_one_error_line(rc, out, err, "a\\nb\\x1b[2J")


def test_an_accepted_extreme_scenario_writes_nothing_to_stderr(tmp_path):
    """numpy's overflow warnings (a statistic of huge values) never reach the terminal."""
    path = write_scenario(tmp_path / "s.toml", example_with(
        hardware={"memory_gb": 1e9, "memory_bw_gbps": 1e-6, "count": 1},
        workload={"batch": "max", "input_tokens": 1e9, "output_tokens": 1e9}))
    proc = subprocess.run([sys.executable, "-m", "inferonomics", "run", str(path), "--samples",
                           "2000", "--json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 2)
    assert proc.stderr.count("\n") == (proc.returncode == 2), proc.stderr


# ----------------------------------------------------------------------------------------------------
# Conventions: --catalog everywhere, show, -o and -
# ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["run", "sweep", "compare", "sensitivity", "plot", "show",
                                     "catalog", "validate"])
def test_every_command_takes_catalog(command):
    parser = cli.build_parser()
    sub = parser._subparsers._group_actions[0].choices[command]
    assert "--catalog" in sub._option_string_actions


def test_catalog_files_apply_to_the_command_that_names_them(capsys, tmp_path):
    from inferonomics.io import catalog

    path = tmp_path / "chips.toml"
    path.write_text(CHIP_TOML)
    for argv in (("run", EXAMPLE, "--samples", "200", "--json"),
                 ("show", EXAMPLE, "--resolved"),
                 ("sweep", EXAMPLE, "--samples", "50", "--json")):
        rc, out, err = run_cli(capsys, *argv, "--catalog", path, "--set", 'hardware.id="my-chip"')
        assert rc == 0, err
        assert "my-chip" in out or argv[0] == "sweep"
    assert "my-chip" not in catalog.entries("hardware")
    rc, out, err = run_cli(capsys, "run", EXAMPLE, "--set", 'hardware.id="my-chip"')
    assert_one_error_line(rc, out, err, "unknown hardware id 'my-chip'")


def test_show_prints_the_scenario_after_set_as_toml_that_loads_back(capsys):
    from inferonomics import load_scenario

    swept = REPO / "examples" / "cheapest-gpu-llama-3.1-70b.toml"
    rc, out, err = run_cli(capsys, "show", swept, "--set", "workload.batch=16")
    assert rc == 0, err
    raw = tomllib.loads(out)
    assert raw["workload"]["batch"] == 16
    want = load_scenario(swept).with_values({"workload.batch": 16})
    assert load_scenario(raw).grid_size == want.grid_size


@pytest.mark.parametrize("example", sorted((REPO / "examples").glob("*.toml")), ids=lambda p: p.stem)
def test_show_resolved_prints_every_input_and_loads_back_to_the_same_plan(capsys, example):
    from inferonomics import PARAMETERS, load_scenario

    scenario = load_scenario(example)
    fixes = {a.path: a.labels[0] for a in scenario.axes}    # a swept example: its first point
    argv = [f"--set={path}={toml_value(value)}" for path, value in fixes.items()]
    rc, out, err = run_cli(capsys, "show", example, "--resolved", *argv)
    assert rc == 0, err
    raw = tomllib.loads(out)
    assert "id" not in raw["model"] and "id" not in raw["hardware"]   # needs no catalog
    for param in PARAMETERS:   # every input, or a comment saying why it is left out
        assert param.name in raw.get(param.section, {}) or f"# {param.name} = " in out
    assert load_scenario(raw).resolve() == scenario.with_values(fixes).resolve()


def test_show_resolved_of_a_swept_scenario_names_the_axis(capsys):
    rc, out, err = run_cli(capsys, "show", REPO / "examples" / "cheapest-gpu-llama-3.1-70b.toml",
                           "--resolved")
    assert_one_error_line(rc, out, err, "is a sweep axis")


def test_sweep_writes_the_table_as_csv_to_stdout_with_out_dash(capsys, tmp_path):
    pd = pytest.importorskip("pandas")
    import io

    rc, out, err = run_cli(capsys, "sweep", REPO / "examples" / "cheapest-gpu-llama-3.1-70b.toml",
                           "--samples", "100", "-o", "-")
    assert rc == 0, err
    table = pd.read_csv(io.StringIO(out))   # nothing but the table on stdout
    assert len(table) == 144 and "usd_per_mtok_p50" in table.columns
    rc, out, err = run_cli(capsys, "sweep", REPO / "examples" / "cheapest-gpu-llama-3.1-70b.toml",
                           "--samples", "100", "-o", tmp_path / "t.csv")
    assert rc == 0 and len(pd.read_csv(tmp_path / "t.csv")) == 144


def test_sweep_with_out_dash_and_json_is_refused_before_running(capsys):
    rc, out, err = run_cli(capsys, "sweep", REPO / "examples" / "cheapest-gpu-llama-3.1-70b.toml",
                           "-o", "-", "--json")
    assert_one_error_line(rc, out, err, "both write to stdout")


def test_control_characters_in_names_never_reach_the_terminal_in_tables(capsys, tmp_path):
    """A name in a user's file is printed in tables and headers: escaped, like keys in errors."""
    catalog = tmp_path / "chips.toml"
    catalog.write_text(CHIP_TOML.replace("[hardware.my-chip]",
                                         '[hardware."chip\\u001b]0;pwned\\u0007"]'))
    rc, out, err = run_cli(capsys, "catalog", "hardware", "--catalog", catalog)
    assert rc == 0 and "\x1b" not in out and "\x07" not in out and "\\x1b" in out
    raw = example_with()
    raw["name"] = "evil\x1b[2J\rname"
    path = write_scenario(tmp_path / "s.toml", raw)
    rc, out, err = run_cli(capsys, "run", path, "--samples", "100")
    assert rc == 0 and "\x1b" not in out and "\r" not in out and "evil\\x1b[2J\\rname" in out
    rc, out, err = run_cli(capsys, "run", path, "--samples", "100", "--json")
    assert strict_json(out)["scenario"] == raw["name"]     # JSON escapes it, and keeps the text
