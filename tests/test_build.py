"""The documented standalone build (``python csrc/_build_ffi.py``) compiles the C core in place and
the package imports it; it fails loudly instead of installing nothing."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_standalone_build_compiles_the_core_where_the_package_finds_it(tmp_path):
    if shutil.which(os.environ.get("CC", "cc")) is None:
        pytest.skip("no C compiler")
    shutil.copytree(ROOT / "csrc", tmp_path / "csrc")
    shutil.copytree(ROOT / "src" / "inferonomics", tmp_path / "src" / "inferonomics",
                    ignore=shutil.ignore_patterns("_ccore*", "__pycache__"))
    done = subprocess.run([sys.executable, str(tmp_path / "csrc" / "_build_ffi.py")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert Path(done.stdout.strip()) == tmp_path / "src" / "inferonomics" / "_ccore.abi3.so"
    check = subprocess.run(
        [sys.executable, "-c", "import inferonomics; print(inferonomics.available_backends()['c'])"],
        capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(tmp_path / "src")),
        cwd=tmp_path)
    assert check.stdout.strip() == "available", check.stderr[-2000:]
