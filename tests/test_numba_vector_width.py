"""The numba core's hot loops ask LLVM for the CPU's full vector width, on rows that start on cache
lines.

LLVM keeps vectors at 256 bits on Intel cores with AVX-512 unless a function carries the
``"prefer-vector-width"="512"`` attribute, which numba_core.prefer_wide_vectors adds to its caller.
Losing it changes no result, only the speed (on the development VM the fold 26.7 -> 17.4-18.1 ns
a sample, drawing 32 -> 29.5, the model 47.5 -> 42.5), so these tests pin down that the attribute reaches the LLVM IR and that every hot loop asks
for it. Speed itself is measured in benchmarks/, not here."""

import ast
import inspect
import sys
import textwrap
from pathlib import Path

import numba
import numpy as np

from inferonomics.cores import numba_core
from inferonomics.cores.numba_core import PREFER_WIDE_VECTORS, prefer_wide_vectors

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from generate_cores import COPIES, SINGLE_SUFFIX  # noqa: E402


def test_prefer_wide_vectors_marks_the_calling_function_in_llvm_ir():
    @numba.njit(cache=False)
    def scale(x):
        prefer_wide_vectors()
        for j in range(x.size):
            x[j] *= 2.0

    @numba.njit(cache=False)
    def scale_default(x):
        for j in range(x.size):
            x[j] *= 2.0

    x = np.ones(16)
    scale(x)
    scale_default(x)
    assert np.all(x == 4.0)
    marked = [text for text in scale.inspect_llvm().values() if PREFER_WIDE_VECTORS in text]
    assert marked, "the attribute did not reach the LLVM IR"
    assert not any(PREFER_WIDE_VECTORS in text for text in scale_default.inspect_llvm().values())


def _calls(function, name: str) -> bool:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
               and node.func.id == name for node in ast.walk(tree))


def test_every_hot_numba_function_asks_for_wide_vectors():
    hot = ["draw_block", "draw_column", "fold_block", "evaluate_block_single", "round_rows"]
    hot += [f"evaluate_block{suffix}" for suffix in ("", SINGLE_SUFFIX)]
    hot += [f"evaluate_block_{variant}{suffix}" for variant, _ in COPIES
            for suffix in ("", SINGLE_SUFFIX)]
    missing = [name for name in hot
               if not _calls(getattr(numba_core, name).py_func, "prefer_wide_vectors")]
    assert not missing, f"without prefer_wide_vectors(): {', '.join(missing)}"
    assert not _calls(numba_core.simulate_chunks.py_func, "prefer_wide_vectors")   # the check can fail


def test_numba_workspace_rows_start_on_cache_lines():
    # A 512-bit load from a row that starts off a cache line spans two lines (the model ran 1.3x
    # slower in the processes whose workspace fell that way). numba aligns to 32 bytes, and where
    # a buffer lands depends on the allocator's state, so a plain buffer may land on a line by
    # chance here: the line-finding itself is tested on buffers set off on purpose (below).
    for _ in range(4):
        w, x, y = numba_core.workspace()
        assert w.ctypes.data % numba_core.CACHE_LINE == 0
        assert x.ctypes.data % numba_core.CACHE_LINE == 0 and y.ctypes.data % numba_core.CACHE_LINE == 0
        assert (numba_core.ROW * w.itemsize) % numba_core.CACHE_LINE == 0   # so every row does
        assert not w.any()
    for n in (0, 1, 7, 1000):
        for dtype in (np.float64, np.float32):
            z = numba_core.aligned_zeros(n, dtype)
            assert z.size == n and z.dtype == dtype and not z.any()
            assert n == 0 or z.ctypes.data % numba_core.CACHE_LINE == 0


def test_on_cache_line_finds_the_line_in_a_misaligned_buffer():
    for dtype in (np.float64, np.float32):
        itemsize = np.dtype(dtype).itemsize
        spare = numba_core.CACHE_LINE // itemsize - 1
        base = numba_core.aligned_zeros(1000 + 2 * numba_core.CACHE_LINE, dtype)
        for offset in range(numba_core.CACHE_LINE // itemsize):
            buffer = base[offset:offset + 100 + spare]     # starts offset items past a line
            view = numba_core.on_cache_line(buffer, 100)
            assert view.size == 100 and view.ctypes.data % numba_core.CACHE_LINE == 0
            start = (view.ctypes.data - buffer.ctypes.data) // itemsize
            assert 0 <= start <= spare                       # inside the buffer, at its first line
            assert (start == 0) == (offset == 0)
