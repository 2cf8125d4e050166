"""The numba core's hot loops ask LLVM for the CPU's full vector width, on rows that start on cache
lines.

LLVM keeps vectors at 256 bits on Intel cores with AVX-512 unless a function carries the
``"prefer-vector-width"="512"`` attribute, which numba_core.prefer_wide_vectors adds to its caller.
Losing it changes no result, only the speed (the model 1.06x, the fold 1.2x on the development
VM), so these tests pin down that the attribute reaches the LLVM IR and that every hot loop asks
for it. Speed itself is measured in benchmarks/, not here."""

import inspect
import sys
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


def test_every_hot_numba_function_asks_for_wide_vectors():
    hot = ["draw_block", "draw_column", "fold_block", "evaluate_block_single"]
    hot += [f"evaluate_block_{variant}{suffix}" for variant, _ in COPIES
            for suffix in ("", SINGLE_SUFFIX)]
    missing = [name for name in hot
               if "prefer_wide_vectors()" not in inspect.getsource(getattr(numba_core, name).py_func)]
    assert not missing, f"without prefer_wide_vectors(): {', '.join(missing)}"


def test_numba_workspace_rows_start_on_cache_lines():
    # A 512-bit load from a row that starts off a cache line spans two lines (the model ran 1.3x
    # slower in the processes whose workspace fell that way). Several allocations: numba aligns
    # to 32 bytes, so a buffer may land on a line by chance.
    for _ in range(8):
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
