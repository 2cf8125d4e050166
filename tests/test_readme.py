"""README.md is part of the contract: its commands and its Python example must work."""

import argparse
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_starts_with_the_two_commands_ci_runs():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert first_block == ['pip install . && inferonomics run examples/llama-2-70b-h100-fp8.toml',
                           'pip install ".[test]" && python -m pytest']
    ci = (ROOT / ".ci" / "run").read_text()
    for command in first_block:
        assert command in ci


def test_readme_python_example_runs(monkeypatch):
    pytest.importorskip("pandas")
    code = re.search(r"### Python\n```python\n(.*?)```", README, re.S).group(1)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["s"].feasible_fraction > 0
    assert len(namespace["out"]["usd_per_mtok"]) == 256


def test_readme_documents_every_input():
    from inferonomics.model.registry import ANALYSIS_PARAMETERS
    from inferonomics.model.registry import PARAMETERS

    for p in PARAMETERS + ANALYSIS_PARAMETERS:
        assert f"`{p.path}`" in README or f"`{p.name}`" in README, p.path


def test_readme_documents_every_metric_with_its_unit():
    from inferonomics.model.registry import METRICS

    for m in METRICS:
        assert re.search(rf"\| `{m.name}` \|\s*{re.escape(m.unit)}\s*\|", README), m.name


def test_readme_sweep_example_runs(monkeypatch, tmp_path):
    pytest.importorskip("pyarrow")
    code = re.search(r"## Sweeps, decisions, sensitivity.*?```python\n(.*?)```", README, re.S).group(1)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["ranking"].best is not None
    assert (tmp_path / "table.parquet").stat().st_size > 0
    assert 0 <= namespace["c"].p_a_lower <= 1 and namespace["be"].value is not None
    assert namespace["si"].ranked().names[0]


def test_readme_sweep_output_matches_the_command():
    from inferonomics import cli

    block = re.search(r"\$ inferonomics sweep examples/cheapest-gpu-llama-3.1-70b.toml\n(.*?)\.\.\.",
                      README, re.S).group(1)
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert cli.main(["sweep", str(ROOT / "examples" / "cheapest-gpu-llama-3.1-70b.toml")]) == 0
    printed = buffer.getvalue().splitlines()
    for line in block.splitlines():
        if line.startswith("computed in"):
            continue   # timings vary
        assert line in printed, line


def test_readme_run_output_is_what_the_command_prints(capsys):
    from inferonomics import cli

    head = "$ inferonomics run examples/llama-2-70b-h100-fp8.toml\n"
    block = README[README.index(head) + len(head):]
    block = block[:block.index("```")].strip()
    assert cli.main(["run", str(ROOT / "examples" / "llama-2-70b-h100-fp8.toml")]) == 0
    assert capsys.readouterr().out.strip() == block


def _synopsis_entries(readme: str) -> dict[str, str]:
    """The README's command-line synopsis (first block under "### Command line"), by command: the
    ``inferonomics CMD`` line and the indented lines that continue it."""
    block = re.search(r"### Command line\n```\n(.*?)```", readme, re.S).group(1)
    entries: dict[str, str] = {}
    command = None
    for line in block.splitlines():
        started = re.match(r"inferonomics (\S+)", line)
        if started:
            command = started.group(1)
            entries[command] = line
        elif command and line.startswith(" "):
            entries[command] += "\n" + line
        else:
            command = None
    return entries


def missing_from_synopsis(readme: str) -> list[str]:
    """Each subcommand, long option and positional choice of the CLI's parser that the README's
    synopsis does not show under its command (top-level options as ``inferonomics --version``)."""
    from inferonomics.cli import build_parser

    def shows(entry: str, word: str) -> bool:
        return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", entry) is not None

    parser = build_parser()
    entries = _synopsis_entries(readme)
    missing = [option for action in parser._actions for option in action.option_strings
               if option.startswith("--") and option != "--help" and option not in entries]
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        entry = entries.get(name)
        if entry is None:
            missing.append(f"inferonomics {name} (the whole command)")
            continue
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            words = [o for o in action.option_strings if o.startswith("--")]
            if not action.option_strings and action.choices:
                words = list(action.choices)    # plot's kinds, catalog's kinds
            missing += [f"{name} {word}" for word in words if not shows(entry, word)]
    return missing


def test_readme_synopsis_shows_every_command_and_option():
    # Walks the real parser, so a new option or command fails here until the README shows it.
    assert missing_from_synopsis(README) == []


def test_readme_error_example_is_what_the_cli_prints(tmp_path, monkeypatch, capsys):
    from inferonomics import cli

    section = README[README.index("## Errors\n"):README.index("## Architecture\n")]
    scenario = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"\$ inferonomics run bad.toml\n(.*?)\n```", section, re.S).group(1)
    (tmp_path / "bad.toml").write_text(scenario)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "bad.toml"]) == 2
    assert capsys.readouterr().err.strip() == shown.strip()

    # The README's next step: with the id corrected, the next problem is reported.
    (tmp_path / "bad.toml").write_text(scenario.replace('id = "h100"', 'id = "h100-sxm"'))
    assert cli.main(["run", "bad.toml"]) == 2
    then = re.search(r"the next run reports the efficiency:\s*`([^`]*)`", section).group(1)
    assert capsys.readouterr().err.strip() == then


def test_readme_states_every_inputs_allowed_range():
    """The inputs tables' "allowed" column says what the loader enforces (the registry's bounds)."""
    from inferonomics.model.registry import ANALYSIS_PARAMETERS
    from inferonomics.model.registry import PARAMETERS

    rows = [line for line in README.splitlines() if line.startswith("| `")]
    for p in PARAMETERS + ANALYSIS_PARAMETERS:
        row = next(r for r in rows if r.startswith(f"| `{p.path}`") or
                   (r.startswith(f"| `{p.section}.") and f"`{p.name}`" in r.split("|")[1]))
        if p.flag:
            assert "true or false" in row, (p.path, row)
            continue
        bounds = p.range_text().split(" in ", 1)[1]
        if p.unit:
            bounds = bounds.removesuffix(f" ({p.unit})")
        bounds = bounds.split(" or ")[0]
        assert bounds in row, (p.path, bounds, row)
