"""asv benchmarks of sweeps (issue #5): grid points enumerated in the cores from their index.

* ``TimeSweepKernel``: the deterministic sweep kernel of each core over 2**20 points of the
  cheapest-GPU example's grid widened with batch sizes, into a reused output buffer;
  ``TrackGridPointsPerSecond`` reports the same as points/s (the issue's target: >= 10 M on 2 cores).
* ``TimeSweepDeterministic``: :func:`inferonomics.sweep` end to end, keeping two metrics.
* ``TimeSweepMonteCarlo``: the cheapest-GPU example, 144 points x 2,000 samples.
* ``PeakMemSweep``: peak RSS of a deterministic sweep keeping two metrics (about 30 bytes a point).

Run with ``asv run --quick --python=same --show-stderr``.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import inferonomics  # noqa: E402
from inferonomics.cores import backends  # noqa: E402
from inferonomics.cores.encoding import N_OUTPUTS  # noqa: E402
from inferonomics.analysis.grid import Grid  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHEAPEST = EXAMPLES / "cheapest-gpu-llama-3.1-70b.toml"
NATIVE_BACKENDS = ["c", "numba"]
THREADS = [1, 2]
KERNEL_POINTS = 1 << 20
MC_SAMPLES = 2000


def require_backend(backend):
    status = inferonomics.available_backends().get(backend, "unknown backend")
    if status != "available":
        raise NotImplementedError(f"backend {backend!r} is not available: {status}")


def wide_grid():
    """The cheapest-GPU example with every batch size 1..2048, weight widths 16/8/4/8 and KV widths
    16/8/16/16 as separate axes: 786,432 points (deterministic sweeps take medians)."""
    scenario = inferonomics.load_scenario(CHEAPEST)
    return scenario.with_values({"workload.batch": list(range(1, 2049)),
                                 "precision.weight_bits": [16, 8, 4, 8],
                                 "precision.kv_bits": [16, 8, 16, 16]})


class TimeSweepKernel:
    params = [NATIVE_BACKENDS, THREADS]
    param_names = ["backend", "threads"]

    def setup(self, backend, threads):
        require_backend(backend)
        self.grid = Grid(wide_grid())
        self.core = backends.get_backend(backend)
        self.n = min(KERNEL_POINTS, self.grid.size)
        self.out = np.empty((self.n, N_OUTPUTS))
        self.core.sweep_evaluate(self.grid, 0, 1024, threads, self.out[:1024])

    def time_sweep_kernel(self, backend, threads):
        self.core.sweep_evaluate(self.grid, 0, self.n, threads, self.out)


class TrackGridPointsPerSecond:
    params = [NATIVE_BACKENDS]
    param_names = ["backend"]
    unit = "points/s"
    repeats = 5

    def setup(self, backend):
        TimeSweepKernel.setup(self, backend, 2)

    def track_grid_points_per_s(self, backend):
        rates = []
        for _ in range(self.repeats):
            t = time.perf_counter()
            self.core.sweep_evaluate(self.grid, 0, self.n, 2, self.out)
            rates.append(self.n / (time.perf_counter() - t))
        return float(np.median(rates))


class TimeSweepDeterministic:
    timeout = 300

    def setup(self):
        self.scenario = wide_grid()
        inferonomics.sweep(self.scenario.with_values({"workload.batch": [1, 2]}),
                           deterministic=True)

    def time_sweep_deterministic(self):
        inferonomics.sweep(self.scenario, deterministic=True, metrics=["usd_per_mtok", "tpot_s"])


class TimeSweepMonteCarlo:
    timeout = 300

    def setup(self):
        self.scenario = inferonomics.load_scenario(CHEAPEST)
        inferonomics.sweep(self.scenario, samples=100, seed=0)

    def time_sweep_monte_carlo(self):
        inferonomics.sweep(self.scenario, samples=MC_SAMPLES, seed=0)


class PeakMemSweep:
    def setup(self):
        self.scenario = wide_grid()

    def peakmem_sweep_deterministic_two_metrics(self):
        inferonomics.sweep(self.scenario, deterministic=True, metrics=["usd_per_mtok", "tpot_s"])
