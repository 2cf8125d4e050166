"""asv benchmarks of the fleet layer (issue 13).

* ``TimeFleetStepping``: the numba stepping of 256 samples through a year at one-hour steps
  (8,760) under each policy, on the chatbot example's replica tables and demand (built in
  ``setup``, not timed), 2 threads.
* ``TrackStepsPerSecond``: the same as sample-steps a second, and the kernel's speed-up over the
  plain-Python reference on 2 samples, measured in one run (a ratio a noisy machine moves less).
* ``TimeFleetEndToEnd``: ``inferonomics.fleet`` on the chatbot example, 100 samples, a week at
  5-minute steps (the replica tables, Python, are most of it).

Run with ``asv run --quick --python=same --show-stderr --bench bench_fleet``.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

from benchmarks.fleet_inputs import EXAMPLE, POLICIES, StepInputs  # noqa: E402

SAMPLES = 256
YEAR_S = 365 * 86400.0
THREADS = 2


class TimeFleetStepping:
    params = list(POLICIES)
    param_names = ["policy"]
    timeout = 300

    def setup(self, policy):
        self.inputs = StepInputs(SAMPLES, 3600.0, YEAR_S)
        self.rates = self.inputs.rates(0, SAMPLES)
        self.inputs.run_chunk(self.rates[:4], 0, 4, POLICIES[policy], 1)   # compile or load

    def time_year_hourly(self, policy):
        self.inputs.run_chunk(self.rates, 0, SAMPLES, POLICIES[policy], THREADS)


class TrackStepsPerSecond:
    timeout = 600
    unit = "sample-steps/s"

    def setup(self):
        self.inputs = StepInputs(SAMPLES, 3600.0, YEAR_S)
        self.rates = self.inputs.rates(0, SAMPLES)
        self.inputs.run_chunk(self.rates[:4], 0, 4, POLICIES["reactive"], 1)

    def _kernel_rate(self):
        t = time.perf_counter()
        for policy in POLICIES.values():
            self.inputs.run_chunk(self.rates, 0, SAMPLES, policy, THREADS)
        return SAMPLES * self.inputs.steps * len(POLICIES) / (time.perf_counter() - t)

    def track_kernel(self):
        return self._kernel_rate()

    def track_kernel_over_reference(self):
        from benchmarks.run_fleet_benchmarks import reference_rate
        return self._kernel_rate() / reference_rate(self.inputs)

    track_kernel_over_reference.unit = "ratio"


class TimeFleetEndToEnd:
    timeout = 300

    def setup(self):
        import inferonomics
        inferonomics.fleet(EXAMPLE, 2, 0)   # compile or load the kernel

    def time_chatbot_week(self):
        import inferonomics
        inferonomics.fleet(EXAMPLE, 100, 0)
