"""The C core's model loop compiles to vector code (GCC only).

The generated loop is branch-free so that compilers vectorise it; a construct GCC cannot if-convert
(a select over the conjunction of two comparisons, one of them repeated elsewhere) silently turns
it scalar, which once cost the C core 5x with every test still passing. Speed is measured in
benchmarks/, not here: this only checks the compiler's own report that the loop was vectorised."""

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "csrc"))
sys.path.insert(0, str(ROOT / "tools"))
import _build_ffi  # noqa: E402
from generate_cores import COPIES  # noqa: E402


def _gcc():
    cc = sysconfig.get_config_var("CC") or "cc"
    exe = shutil.which(cc.split()[0])
    if exe is None:
        return None
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    return exe if "GCC" in version or "gcc" in version.split("\n")[0] else None


@pytest.mark.skipif(_gcc() is None, reason="the vectorisation report is GCC's")
def test_every_model_loop_is_vectorised(tmp_path):
    compile_args, _ = _build_ffi.compile_flags()
    cmd = ([_gcc()] + compile_args
           + ["-c", str(ROOT / "csrc" / "inferonomics.c"), "-I", str(ROOT / "csrc"),
              "-I", sysconfig.get_paths()["include"], "-o", str(tmp_path / "core.o"),
              "-fopt-info-vec-optimized"])
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    vectorised = {int(line.split("generated/model.h:")[1].split(":")[0])
                  for line in done.stderr.splitlines()
                  if "generated/model.h:" in line and "loop vectorized" in line}
    missing = [name for name, lines in _model_loops().items() if not vectorised & set(lines)]
    assert not missing, f"not vectorised in csrc/generated/model.h: {', '.join(missing)}"


def _model_loops() -> dict[str, range]:
    """The lines of each block function (double and float32, each copy): GCC reports
    its sample loop at the loop body's first line."""
    starts = {}
    lines = (ROOT / "csrc" / "generated" / "model.h").read_text().splitlines()
    for number, line in enumerate(lines, start=1):
        if line.startswith("static void evaluate_block"):
            starts[line.split("(")[0].split()[-1]] = number
    bounds = sorted(starts.values()) + [len(lines) + 1]
    loops = {name: range(start, bounds[bounds.index(start) + 1]) for name, start in starts.items()
             if name != "evaluate_block" and name != "evaluate_block_f32"}
    assert set(loops) == {f"evaluate_block_{v}{s}" for v, _ in COPIES for s in ("", "_f32")}
    return loops
