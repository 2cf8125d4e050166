"""asv benchmarks of :func:`inferonomics.simulate` on the bundled example, and its floors.

One class per operation, shaped like numpy's suite: ``params`` / ``param_names`` give the grid,
``setup`` loads the scenario and makes a small call first (numba kernels are loaded or compiled
there, not inside the timed region) and raises ``NotImplementedError`` for a backend this build
lacks, which asv records as skipped.

* ``TimeSimulate``: the fused sample + model + summary of each native core.
* ``TimeReference``: the pure-Python reference, at a sample count it finishes in about a tenth
  of a second.
* ``TimeDrawOnly``: the floor of each core, drawing every input as ``simulate`` does and nothing
  else; ``simulate`` over ``draw_only`` at the same parameters is the cost of the model itself.
* ``TimeNumpyUniforms``: what numpy's Philox takes for just the raw uniforms of the same samples.
* ``PeakMemSimulate``: peak RSS, which should not grow with the sample count (summaries are
  streamed into bounded sketches).
* ``TrackSamplesPerSecond``: throughput in samples/s, the figure the issue's targets are given in.
* ``TimeFirstResult``: a fresh interpreter importing the package and getting a first result
  from the numba core (numba's on-disk cache warm).
* ``TimeSimulateSelected``: ``simulate`` folding only 6 metrics (``metrics=[...]``).
* ``TrackCoreRatios``: the core-speed issue's ratios, each from figures measured in one call,
  both sides timed in the same rounds (core vs numpy Philox with every metric and with 6, 2
  threads vs 1, the MoE scenario vs the example, model and fold vs the draw-only floor,
  ``evaluate_batch`` vs the kernel, C vs numba, float32 vs float64), so a noisy machine moves
  both sides together.

Run offline against the installed package with
``asv run --quick --python=same --show-stderr`` (``-E existing:same`` is the same thing).
"""

import os

# numpy's OpenBLAS threads spin and steal cores from the kernels being timed; nothing here uses BLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import importlib  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import inferonomics  # noqa: E402
from inferonomics.cores import encoding  # noqa: E402
from benchmarks.run_benchmarks import (SELECTED_METRICS, cpus, explicit_rows,  # noqa: E402
                                      median_seconds_round_robin, moe_scenario, philox_draw)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "llama-2-70b-h100-fp8.toml"

NATIVE_BACKENDS = ["c", "numba"]
NATIVE_SAMPLES = [10**6, 10**7]
THREADS = [1, 2]
REFERENCE_SAMPLES = 2000
WARMUP_SAMPLES = 1000
SEED = 0

# The module holding each native core's ``draw_only`` floor.
_CORE_MODULES = {"c": "inferonomics.cores.cbinding", "numba": "inferonomics.cores.numba_core"}


def require_backend(backend):
    """Skip (asv: ``NotImplementedError`` in setup) unless ``backend`` is built and importable."""
    status = inferonomics.available_backends().get(backend, "unknown backend")
    if status != "available":
        raise NotImplementedError(f"backend {backend!r} is not available: {status}")


def load_example():
    if not EXAMPLE.is_file():
        raise NotImplementedError(f"example scenario not found at {EXAMPLE}")
    return inferonomics.load_scenario(EXAMPLE)


def core_module(backend):
    """The backend's private module, imported only after :func:`require_backend` said it is built."""
    return importlib.import_module(_CORE_MODULES[backend])


class TimeSimulate:
    """Fused Monte Carlo (draw, model, streamed summary) of a native core."""

    params = [NATIVE_BACKENDS, NATIVE_SAMPLES, THREADS]
    param_names = ["backend", "samples", "threads"]
    timeout = 300

    def setup(self, backend, samples, threads):
        require_backend(backend)
        self.scenario = load_example()
        inferonomics.simulate(self.scenario, samples=WARMUP_SAMPLES, seed=SEED, backend=backend,
                              threads=threads)

    def time_simulate(self, backend, samples, threads):
        inferonomics.simulate(self.scenario, samples=samples, seed=SEED, backend=backend,
                              threads=threads)


class TimeSimulateSelected:
    """``simulate(..., metrics=[6 names])``: the core folds only those metrics."""

    params = [NATIVE_BACKENDS, THREADS]
    param_names = ["backend", "threads"]
    timeout = 300
    samples = 10**6

    def setup(self, backend, threads):
        require_backend(backend)
        self.scenario = load_example()
        inferonomics.simulate(self.scenario, samples=WARMUP_SAMPLES, seed=SEED, backend=backend,
                              threads=threads, metrics=SELECTED_METRICS)

    def time_simulate_selected(self, backend, threads):
        inferonomics.simulate(self.scenario, samples=self.samples, seed=SEED, backend=backend,
                              threads=threads, metrics=SELECTED_METRICS)


class TrackCoreRatios:
    """Ratios the core-speed issue sets targets for (10**6 samples or rows, medians of 3 rounds,
    each round timing both sides once, as run_benchmarks.py does; 1 thread unless said):

    * ``every_metric_vs_philox`` (>= 0.9) and ``six_metrics_vs_philox`` (>= 1.3): simulate's rate
      over numpy's Philox drawing the same number of uniforms per sample;
    * ``two_threads_vs_one`` (>= 1.85): simulate's rate on 2 threads over 1, every metric;
    * ``moe_vs_example`` (>= 0.75): the Mixtral 8x7B scenario's rate over the example's;
    * ``model_fold_vs_draw`` (<= 2.5): simulate's time less draw_only's, over draw_only's;
    * ``evaluate_batch_vs_kernel`` (<= 1.5): ``evaluate_batch`` on explicit rows (a dict of
      columns) over the kernel's own time for the same rows;
    * ``c_over_numba`` (<= 1.3; C row only): C's rate over numba's;
    * ``float32_vs_float64`` (>= 2): ``precision="float32"``'s rate over float64's, every metric.
    """

    params = [NATIVE_BACKENDS, ["every_metric_vs_philox", "six_metrics_vs_philox",
                                "two_threads_vs_one", "moe_vs_example", "model_fold_vs_draw",
                                "evaluate_batch_vs_kernel", "c_over_numba", "float32_vs_float64"]]
    param_names = ["backend", "ratio"]
    unit = "ratio"
    timeout = 300
    samples = 10**6
    rounds = 3

    def setup(self, backend, ratio):
        require_backend(backend)
        if ratio == "c_over_numba":
            if backend != "c":
                raise NotImplementedError("c_over_numba is tracked on the C row only")
            require_backend("numba")
        if ratio == "two_threads_vs_one" and cpus() < 2:
            raise NotImplementedError("two_threads_vs_one needs 2 usable CPUs")
        self.example = load_example()
        self.moe = moe_scenario()
        for scenario in (self.example, self.moe):
            for b in {backend, "numba"} if ratio == "c_over_numba" else {backend}:
                inferonomics.simulate(scenario, samples=WARMUP_SAMPLES, seed=SEED, backend=b,
                                      threads=1)
        # Each ratio's other kernels are loaded (numba: from its cache) here, not in the rounds.
        if ratio == "float32_vs_float64":
            inferonomics.simulate(self.example, samples=WARMUP_SAMPLES, seed=SEED, backend=backend,
                                  threads=1, precision="float32")
        elif ratio == "model_fold_vs_draw":
            encoded = encoding.encode(self.example.resolve().distributions)
            core_module(backend).draw_only(encoded, SEED, WARMUP_SAMPLES, 1)
        elif ratio == "evaluate_batch_vs_kernel":
            columns, _ = explicit_rows(10)
            inferonomics.evaluate_batch(columns, backend=backend, threads=1)

    def _simulate(self, scenario, backend, threads=1, **options):
        return lambda: inferonomics.simulate(scenario, samples=self.samples, seed=SEED,
                                             backend=backend, threads=threads, **options)

    def _over(self, numerator, denominator):
        """Median seconds of ``numerator`` over those of ``denominator``, timed in rounds."""
        medians = median_seconds_round_robin({0: numerator, 1: denominator}, self.rounds)
        return medians[0] / medians[1]

    def track_ratio(self, backend, ratio):
        every = self._simulate(self.example, backend)
        if ratio in ("every_metric_vs_philox", "six_metrics_vs_philox"):
            k = len(self.example.resolve().uncertain)
            core = (every if ratio.startswith("every")
                    else self._simulate(self.example, backend, metrics=SELECTED_METRICS))
            return self._over(philox_draw(k, self.samples), core)
        if ratio == "two_threads_vs_one":
            self._simulate(self.example, backend, threads=2)()     # the threads start here
            return self._over(every, self._simulate(self.example, backend, threads=2))
        if ratio == "moe_vs_example":
            return self._over(every, self._simulate(self.moe, backend))
        if ratio == "model_fold_vs_draw":
            core = core_module(backend)
            encoded = encoding.encode(self.example.resolve().distributions)
            return self._over(every, lambda: core.draw_only(encoded, SEED, self.samples, 1)) - 1.0
        if ratio == "evaluate_batch_vs_kernel":
            columns, rows = explicit_rows(self.samples)
            chosen = inferonomics.cores.backends.get_backend(backend)
            return self._over(lambda: inferonomics.evaluate_batch(columns, backend=backend,
                                                                  threads=1),
                              lambda: chosen.evaluate(rows, 1))
        if ratio == "float32_vs_float64":
            return self._over(every, self._simulate(self.example, backend, precision="float32"))
        return self._over(self._simulate(self.example, "numba"), every)


class TimeReference:
    """The pure-Python reference, one sample at a time: the baseline of the >= 1000x target."""

    timeout = 120

    def setup(self):
        require_backend("reference")
        self.scenario = load_example()
        inferonomics.simulate(self.scenario, samples=10, seed=SEED, backend="reference")

    def time_simulate(self):
        inferonomics.simulate(self.scenario, samples=REFERENCE_SAMPLES, seed=SEED,
                              backend="reference")


class TimeDrawOnly:
    """The floor: every input of every sample drawn as ``simulate`` draws it, no model, no summary."""

    params = [NATIVE_BACKENDS, NATIVE_SAMPLES, THREADS]
    param_names = ["backend", "samples", "threads"]
    timeout = 300

    def setup(self, backend, samples, threads):
        require_backend(backend)
        self.core = core_module(backend)
        self.encoded = encoding.encode(load_example().resolve().distributions)
        self.core.draw_only(self.encoded, SEED, WARMUP_SAMPLES, threads)

    def time_draw_only(self, backend, samples, threads):
        self.core.draw_only(self.encoded, SEED, samples, threads)


class TimeNumpyUniforms:
    """numpy's Philox drawing only the raw uniforms of the same samples (k per sample), one thread.

    A lower bound for a numpy implementation of the model: no transforms, no model, no summary.
    """

    params = [NATIVE_SAMPLES]
    param_names = ["samples"]
    timeout = 120

    def setup(self, samples):
        self.k = len(load_example().resolve().uncertain)
        np.random.Generator(np.random.Philox(0)).random(WARMUP_SAMPLES * self.k)

    def time_philox_uniforms(self, samples):
        np.random.Generator(np.random.Philox(0)).random(samples * self.k)


class PeakMemSimulate:
    """Peak RSS of a run (includes setup); summaries are bounded, so it should not grow with samples."""

    params = [NATIVE_BACKENDS, NATIVE_SAMPLES]
    param_names = ["backend", "samples"]
    timeout = 300
    threads = 2

    def setup(self, backend, samples):
        require_backend(backend)
        self.scenario = load_example()
        inferonomics.simulate(self.scenario, samples=WARMUP_SAMPLES, seed=SEED, backend=backend,
                              threads=self.threads)

    def peakmem_simulate(self, backend, samples):
        inferonomics.simulate(self.scenario, samples=samples, seed=SEED, backend=backend,
                              threads=self.threads)


class TrackSamplesPerSecond:
    """Throughput in samples/s (median of 3 wall times), the unit the issue's targets use.

    Native cores run on 2 threads (the target's setting) at 10**6 and 10**7 samples; the reference
    (single-threaded) at 2000. Other combinations are skipped.
    """

    params = [["c", "numba", "reference"], [REFERENCE_SAMPLES] + NATIVE_SAMPLES]
    param_names = ["backend", "samples"]
    unit = "samples/s"
    timeout = 300
    threads = 2
    repeats = 3

    def setup(self, backend, samples):
        if (backend == "reference") != (samples == REFERENCE_SAMPLES):
            raise NotImplementedError("native cores run at 10**6 and 10**7 samples, the reference "
                                      f"at {REFERENCE_SAMPLES}")
        require_backend(backend)
        self.scenario = load_example()
        self.threads_arg = None if backend == "reference" else self.threads
        inferonomics.simulate(self.scenario, samples=10 if backend == "reference" else WARMUP_SAMPLES,
                              seed=SEED, backend=backend, threads=self.threads_arg)

    def track_samples_per_s(self, backend, samples):
        times = []
        for _ in range(self.repeats):
            start = time.perf_counter()
            inferonomics.simulate(self.scenario, samples=samples, seed=SEED, backend=backend,
                                  threads=self.threads_arg)
            times.append(time.perf_counter() - start)
        return samples / statistics.median(times)


class TimeFirstResult:
    """Cold start: a fresh interpreter imports inferonomics and gets a first numba result.

    ``setup`` runs the numba core once in the benchmark process, so numba's on-disk cache is warm
    (kernels are compiled with ``cache=True``) and the timed child only loads the kernels.
    """

    timeout = 300
    number = 1
    repeat = (1, 5, 60.0)

    def setup(self):
        require_backend("numba")
        inferonomics.simulate(load_example(), samples=WARMUP_SAMPLES, seed=SEED, backend="numba")

    def timeraw_first_result(self):
        return f"""
import inferonomics
inferonomics.simulate({str(EXAMPLE)!r}, samples={WARMUP_SAMPLES}, seed={SEED}, backend="numba")
"""
