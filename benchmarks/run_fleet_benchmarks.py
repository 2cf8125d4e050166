"""The fleet stepping's speed against issue 13's target, in one table.

Usage::

    python benchmarks/run_fleet_benchmarks.py [--quick]

Times (medians of 3 repetitions, 1 and 2 threads, measured in one run):

1. the numba stepping over 10^4 samples x a year at one-hour steps (8,760) x 3 policies (static,
   reactive, scheduled), the demand's hourly rates built per chunk of 256 samples (timed apart:
   they are numpy, shared by the policies), against the target of 2 s on 2 cores;
2. a day at one-minute steps (1,440) at the same samples and policies: the rate per step should
   be the same;
3. the plain-Python reference on a few samples, as the kernel's speed-up over it;
4. ``inferonomics fleet`` end to end on the chatbot example (its default 1,000 samples, a week
   at 5-minute steps), split into the replica tables (the queue, Python) and the rest.

``--quick``: 2,000 samples instead of 10^4 (figures per step and sample are what compare).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.fleet_inputs import EXAMPLE, POLICIES, StepInputs  # noqa: E402
from benchmarks.run_benchmarks import median_seconds  # noqa: E402

CHUNK = 256
TARGET_S = 2.0
YEAR_S = 365 * 86400.0
DAY_S = 86400.0
REFERENCE_SAMPLES = 2


def stepping(inputs: StepInputs, threads: int, reps: int):
    """Median seconds of (building the rates, stepping the 3 policies) over all samples."""
    def rates_only():
        for first in range(0, inputs.samples, CHUNK):
            inputs.rates(first, min(first + CHUNK, inputs.samples), threads)

    def steps_only():
        for first in range(0, inputs.samples, CHUNK):
            stop = min(first + CHUNK, inputs.samples)
            r = chunk_rates[first // CHUNK]
            for policy in POLICIES.values():
                inputs.run_chunk(r, first, stop, policy, threads)

    chunk_rates = [inputs.rates(f, min(f + CHUNK, inputs.samples))
                   for f in range(0, min(inputs.samples, 2 * CHUNK), CHUNK)]
    # Rates are the same numbers whatever the chunk: reuse the first chunks' for timing the
    # kernel (memory stays at two chunks), time the building on its own.
    chunk_rates = [chunk_rates[i % len(chunk_rates)] for i in range(-(-inputs.samples // CHUNK))]
    inputs.run_chunk(chunk_rates[0][:8], 0, 8, POLICIES["reactive"], 1)   # compile / load
    return median_seconds(rates_only, reps), median_seconds(steps_only, reps)


def reference_rate(inputs: StepInputs) -> float:
    from inferonomics.fleet.stepping import SAMPLE_FIELDS, step_fleet
    rates = inputs.rates(0, REFERENCE_SAMPLES)
    t = time.perf_counter()
    for i in range(REFERENCE_SAMPLES):
        row = dict(zip(SAMPLE_FIELDS, inputs.x[i]))
        row["pays_peak"] = bool(row["pays_peak"])
        for policy in POLICIES.values():
            step_fleet(rates[i], inputs.step_s, policy.as_array(),
                       attainment=inputs.attainment[i], utilization=inputs.utilization[i],
                       ttft_survival=inputs.survival[i], **row)
    return REFERENCE_SAMPLES * inputs.steps * len(POLICIES) / (time.perf_counter() - t)


def end_to_end():
    import inferonomics as inf
    from inferonomics.fleet import through_time as tt   # inferonomics.fleet is also the function
    spent = [0.0]
    original = tt.replica_table

    def timed_table(*a, **k):
        t = time.perf_counter()
        out = original(*a, **k)
        spent[0] += time.perf_counter() - t
        return out

    tt.replica_table = timed_table
    try:
        t = time.perf_counter()
        inf.fleet(EXAMPLE, 1000, 0)
        total = time.perf_counter() - t
    finally:
        tt.replica_table = original
    return total, spent[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    samples = 2_000 if args.quick else 10_000
    reps = 3
    print(f"fleet stepping, {samples:,} samples x 3 policies; cpus {os.cpu_count()}; medians of "
          f"{reps}")
    rows = []
    for label, step_s, horizon_s in (("a year, 1 h steps", 3600.0, YEAR_S),
                                     ("a day, 1 min steps", 60.0, DAY_S)):
        inputs = StepInputs(samples, step_s, horizon_s)
        for threads in (1, 2):
            build, run = stepping(inputs, threads, reps)
            per_step = samples * inputs.steps * len(POLICIES) / run
            rows.append((label, threads, inputs.steps, build, run, per_step))
        if step_s == 3600.0:
            ref = reference_rate(inputs)
    print(f"{'horizon':<20} {'threads':>7} {'steps':>6} {'rates s':>8} {'stepping s':>10} "
          f"{'sample-steps/s':>15}")
    for label, threads, steps, build, run, per_step in rows:
        print(f"{label:<20} {threads:>7} {steps:>6} {build:>8.2f} {run:>10.2f} {per_step:>15.3e}")
    year2 = rows[1]
    scale = 10_000 / samples
    projected = (year2[3] + year2[4]) * scale
    print(f"\ntarget: 10^4 samples x 8,760 steps x 3 policies in < {TARGET_S:g} s on 2 cores: "
          f"{projected:.2f} s (rates {year2[3] * scale:.2f} s + stepping {year2[4] * scale:.2f} s)"
          f" -> {'PASS' if projected < TARGET_S else 'FALLS SHORT by x%.1f' % (projected / TARGET_S)}")
    print(f"a day at 1 min vs a year at 1 h, per sample-step (2 threads): "
          f"x{rows[3][5] / rows[1][5]:.2f}")
    print(f"numba over the plain-Python reference (1 thread, a year at 1 h): "
          f"x{rows[0][5] / ref:,.0f} ({ref:,.0f} sample-steps/s)")
    total, tables = end_to_end()
    print(f"inferonomics fleet on {EXAMPLE.name}, 1,000 samples, a week at 5 min: {total:.1f} s, "
          f"of which the replica tables (the queue at 16 loads a sample, Python) {tables:.1f} s")


if __name__ == "__main__":
    main()
