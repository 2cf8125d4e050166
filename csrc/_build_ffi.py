"""cffi build script of the C core (API mode). setup.py names it in ``cffi_modules``.

Environment switches:

* ``INFERONOMICS_PORTABLE=1``: build for any CPU of the architecture (no ``-march=native``). A local
  source build defaults to the CPU it is built on; set this when building wheels or images that
  will run elsewhere.
* ``INFERONOMICS_REQUIRE_C=1``: a failed C build fails the install (CI sets it, so a broken C build
  cannot hide behind the pure-Python fallback). Otherwise the package installs without the C core
  and ``backend="c"`` explains why.
* ``INFERONOMICS_NO_OPENMP=1``: build without OpenMP even where the compiler has it (serial core).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
HEADER = HERE / "inferonomics.h"
REGISTRY_HEADER = HERE / "generated" / "registry.h"   # counts, generated from the registries
# Paths relative to the project root, where setuptools runs the build.
SOURCES = ["csrc/inferonomics.c"]
INCLUDE_DIRS = ["csrc"]


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _compiler_accepts(flags: list[str]) -> bool:
    """Whether the C compiler builds and links a trivial OpenMP-or-not program with ``flags``."""
    cc = os.environ.get("CC", "cc").split()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "probe.c")
        src.write_text("#include <math.h>\nint main(void){double x=0;\n"
                       "#pragma omp parallel for reduction(+:x)\nfor(int i=0;i<4;i++)x+=sqrt(i);\n"
                       "return x<0;}\n")
        try:
            done = subprocess.run(cc + flags + [str(src), "-o", str(Path(tmp, "probe")), "-lm"],
                                  capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return done.returncode == 0


SCHEDULING = ["-fschedule-insns", "-fsched-pressure"]


def compile_flags() -> tuple[list[str], list[str]]:
    """(compile args, link args) for this machine and these environment switches."""
    # No errno and no floating-point traps: lets the compiler vectorise loops with selects whose
    # unused side divides by zero (the result is discarded). Value semantics stay IEEE-exact: no
    # -ffast-math, so results match the reference to rounding.
    # An undeclared function would otherwise build a module that fails to load. No fused
    # multiply-add contraction (clang's default): the C core computes the numba core's bits.
    compile_args = ["-O3", "-std=c11", "-fno-math-errno", "-fno-trapping-math", "-fopenmp-simd",
                    "-ffp-contract=off", "-Werror=implicit-function-declaration"]
    # GCC leaves instruction scheduling before register allocation off on x86; the model loop is
    # one long block whose x ** y chains (exp and log, ~120 cycles each) stall the window unless
    # independent work is interleaved with them: pressure-aware scheduling measured 1.03-1.05x,
    # the same bits. (clang has no such flags and warns; -Werror makes the probe see that, and
    # the probe's OpenMP pragma must not count against it.) An old GCC has failed to allocate
    # registers under this scheduling; INFERONOMICS_NO_SCHEDULING=1 builds without it.
    if not _flag("INFERONOMICS_NO_SCHEDULING") and _compiler_accepts(
            ["-Werror", "-Wno-unknown-pragmas", *SCHEDULING]):
        compile_args += SCHEDULING
    # The installed module must not carry this machine's paths: no debug info (Python's own CFLAGS
    # add -g, which records the build folder), and source paths relative to the checkout.
    compile_args += ["-g0", f"-ffile-prefix-map={HERE.parent}=."]
    link_args: list[str] = []
    if not _flag("INFERONOMICS_PORTABLE") and _compiler_accepts(["-march=native"]):
        compile_args.append("-march=native")
        # GCC's tuning for recent Intel cores keeps vectors at 256 bits even where the CPU has
        # AVX-512 (against the clock drop of older parts); with 512-bit vectors the loops take half
        # the instructions: on the Intel development VM draws 1.10x, the example 1.06x, the same
        # bits (no reduction changes order: the moment lanes are explicit). No effect without
        # AVX-512; a compiler that does not know the switch (GCC before 8, GCC for other
        # architectures) builds without it.
        if _compiler_accepts(["-march=native", "-mprefer-vector-width=512"]):
            compile_args.append("-mprefer-vector-width=512")
    if not _flag("INFERONOMICS_NO_OPENMP") and _compiler_accepts(["-fopenmp"]):
        compile_args.append("-fopenmp")
        link_args.append("-fopenmp")
    return compile_args, link_args


def cdef_text() -> str:
    """The header's declarations, without preprocessor lines (what cffi's cdef accepts)."""
    text = HEADER.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    defines = re.findall(r"#define\s+(INF_\w+)\s+(-?\d+)",
                         REGISTRY_HEADER.read_text() + HEADER.read_text())
    return "\n".join(f"#define {k} {v}" for k, v in defines) + "\n" + "\n".join(lines)


def make_builder(root: str | Path = "", optional: bool | None = None) -> FFI:
    """The cffi builder of ``inferonomics._ccore``. setuptools runs the build from the project root
    and wants relative source paths (``root=""``); the standalone build passes the absolute root."""
    builder = FFI()
    builder.cdef(cdef_text())
    compile_args, link_args = compile_flags()
    builder.set_source(
        "inferonomics._ccore",
        '#include "inferonomics.h"',
        sources=[str(Path(root, s)) if root else s for s in SOURCES],
        include_dirs=[str(Path(root, d)) if root else d for d in INCLUDE_DIRS],
        extra_compile_args=compile_args,
        extra_link_args=link_args,
        libraries=["m"],
        optional=not _flag("INFERONOMICS_REQUIRE_C") if optional is None else optional,
    )
    return builder


def build_in_place(root: Path = HERE.parent) -> Path:
    """Compile the core into ``src/inferonomics/`` of ``root`` (where an editable install and a
    ``PYTHONPATH=src`` checkout import it from); raises if the compiler fails."""
    builder = make_builder(root, optional=False)
    built = Path(builder.compile(tmpdir=str(root / "build" / "cffi"), verbose=False))
    # cffi compiles against the limited API (Py_LIMITED_API), so the module is abi3: give it the
    # name setuptools gives it, so the two builds replace each other instead of one shadowing the other.
    target = root / "src" / "inferonomics" / "_ccore.abi3.so"
    for other in target.parent.glob("_ccore.*.so"):   # a stale copy under another suffix would win
        if other != target:
            other.unlink()
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(built, tmp)
    os.replace(tmp, target)   # atomic: a running process keeps its mapped copy
    return target


ffibuilder = make_builder()

if __name__ == "__main__":  # standalone development build: python csrc/_build_ffi.py
    print(build_in_place())
