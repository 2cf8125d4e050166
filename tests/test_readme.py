"""README.md is part of the contract: its commands and its Python example must work."""

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
    from inferonomics.model.registry import PARAMETERS

    for p in PARAMETERS:
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
