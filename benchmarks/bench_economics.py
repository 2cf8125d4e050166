"""asv benchmarks of the economics above one replica (issue 12): each command end to end on its
bundled example, and what the analysis adds to the simulations it runs.

* ``TimeAnalysis``: ``tco``, ``api_or_self_host``, ``horizon`` and ``edge_or_cloud`` at 20,000
  samples (the commands' default), C core, 2 threads.
* ``TrackAnalysisOverSimulate``: each analysis' time over the time of one ``simulate`` of its
  scenario with ``keep_samples`` (the kernel work it cannot avoid), as a ratio measured in one run,
  so a noisy machine moves both alike.

Run with ``asv run --quick --python=same --show-stderr --bench bench_economics``.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402
from pathlib import Path  # noqa: E402

import inferonomics  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SAMPLES = 20_000
BACKEND = "c"
THREADS = 2
ANALYSES = {
    "tco": (lambda: inferonomics.tco(EXAMPLES / "own-vs-rent-h100.toml", SAMPLES, backend=BACKEND,
                                     threads=THREADS),
            EXAMPLES / "own-vs-rent-h100.toml"),
    "api": (lambda: inferonomics.api_or_self_host(EXAMPLES / "api-or-self-host-llama-3.3-70b.toml",
                                                  SAMPLES, backend=BACKEND, threads=THREADS),
            EXAMPLES / "api-or-self-host-llama-3.3-70b.toml"),
    "horizon": (lambda: inferonomics.horizon(EXAMPLES / "own-vs-rent-over-4-years.toml", SAMPLES,
                                             backend=BACKEND, threads=THREADS),
                EXAMPLES / "own-vs-rent-over-4-years.toml"),
    "edge": (lambda: inferonomics.edge_or_cloud(EXAMPLES / "edge-or-cloud-jetson-8b.toml",
                                                EXAMPLES / "edge-or-cloud-cloud-l4-8b.toml",
                                                SAMPLES, backend=BACKEND, threads=THREADS),
             EXAMPLES / "edge-or-cloud-jetson-8b.toml"),
}


def require_c():
    status = inferonomics.available_backends().get(BACKEND, "unknown backend")
    if status != "available":
        raise NotImplementedError(f"backend {BACKEND!r} is not available: {status}")


class TimeAnalysis:
    params = [list(ANALYSES)]
    param_names = ["analysis"]

    def setup(self, analysis):
        require_c()
        ANALYSES[analysis][0]()        # warm: catalogs parsed, core loaded

    def time_analysis(self, analysis):
        ANALYSES[analysis][0]()


def _median_seconds(fn, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


class TrackAnalysisOverSimulate:
    params = [list(ANALYSES)]
    param_names = ["analysis"]
    unit = "x one simulate"

    def setup(self, analysis):
        require_c()

    def track_ratio(self, analysis):
        run, scenario = ANALYSES[analysis]
        run()
        one = _median_seconds(lambda: inferonomics.simulate(scenario, SAMPLES, backend=BACKEND,
                                                             threads=THREADS, keep_samples=True))
        return _median_seconds(run) / one
