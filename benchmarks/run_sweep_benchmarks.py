"""Sweep speed on this machine, against issue #5's target (>= 10 M grid points/s in-core for a
deterministic sweep on 2 cores).

Usage::

    python benchmarks/run_sweep_benchmarks.py [--quick]

Prints medians of several repetitions (5; 3 with ``--quick``) of:

1. deterministic grid points/s in-core (the cores enumerating points from their index into a
   reused, already-touched output buffer), C and numba, 1 and 2 threads, next to ``evaluate`` on
   explicit input rows (the same model without the grid);
2. ``sweep(deterministic=True)`` on a ~10**7-point grid, in-core and for the whole call (the table
   is 168 bytes per point with every metric, so it is also timed keeping two metrics);
3. Monte Carlo sweeps: samples/s and points/s in-core, next to ``simulate`` at one point;
4. the whole CLI, a fresh process: ``inferonomics sweep`` of the 10**7-point grid writing Parquet,
   wall time and peak RSS.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import inferonomics as inf  # noqa: E402
from inferonomics.cores import backends  # noqa: E402
from inferonomics.cores.encoding import N_OUTPUTS  # noqa: E402
from inferonomics.analysis.grid import Grid  # noqa: E402
from inferonomics.analysis.sweeps import sweep  # noqa: E402

TARGET_POINTS_PER_S = 10e6
KERNEL_POINTS = 1 << 21
MC_SAMPLES = 10_000

# About 10**7 points: 5 GPUs x 4 TP degrees x 512 batch sizes x 20 prompt lengths x 8 output
# lengths x 3 weight widths x 2 KV widths = 9,830,400.
BIG_GRID_TOML = """
name = "benchmark grid: Llama 3.1 70B, ~10^7 configurations"
[model]
id = "llama-3.1-70b"
[hardware]
id = ["h100-sxm", "h200", "b200", "mi300x", "a100-sxm-80gb"]
count = [1, 2, 4, 8]
[precision]
weight_bits = [16, 8, 4]
activation_bits = 16
kv_bits = [16, 8]
[workload]
batch = {batches}
input_tokens = {inputs}
output_tokens = [64, 128, 256, 384, 512, 768, 1024, 2048]
[cost]
usd_per_device_hour = 3.0
""".format(batches=list(range(1, 513)), inputs=list(range(200, 4001, 200)))

MC_GRID = {
    "model": {"id": "llama-3.1-70b"},
    "hardware": {"id": ["h100-sxm", "h200", "b200", "mi300x"], "count": [2, 4, 8]},
    "precision": {"weight_bits": 8, "activation_bits": 8, "kv_bits": 8},
    "workload": {"batch": [8, 16, 32, 64, 128, 256],
                 "input_tokens": {"dist": "lognormal", "median": 1500, "sigma": 0.6},
                 "output_tokens": {"dist": "lognormal", "median": 300, "sigma": 0.5}},
    "efficiency": {"mfu": {"dist": "uniform", "low": 0.3, "high": 0.6}},
    "cost": {"usd_per_device_hour": {"dist": "triangular", "low": 2, "mode": 3, "high": 4.5}},
}


def median_rate(fn, units, reps):
    rates = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        rates.append(units / (time.perf_counter() - t))
    return statistics.median(rates)


def mega(x):
    return f"{x / 1e6:7.2f} M/s"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repetitions instead of 5")
    args = parser.parse_args(argv)
    reps = 3 if args.quick else 5
    native = [b for b in ("c", "numba") if backends.unavailable_reason(b) is None]
    print(f"cpus: {len(os.sched_getaffinity(0))}, native backends: {', '.join(native)}")

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp, "big.toml")
        big.write_text(BIG_GRID_TOML)
        scenario = inf.load_scenario(big)
        grid = Grid(scenario)
        print(f"\n1. deterministic kernel, {KERNEL_POINTS:,} points of a {grid.size:,}-point grid "
              "(median of {reps})".replace("{reps}", str(reps)))
        out = np.empty((KERNEL_POINTS, N_OUTPUTS))
        rows = np.tile(grid.encoded.base_medians, (KERNEL_POINTS, 1))
        best = 0.0
        for b in native:
            core = backends.get_backend(b)
            core.sweep_evaluate(grid, 0, 1024, 1, out[:1024])       # compile / warm up
            for threads in (1, 2):
                r = median_rate(lambda: core.sweep_evaluate(grid, 0, KERNEL_POINTS, threads, out),
                                KERNEL_POINTS, reps)
                e = median_rate(lambda: core.evaluate(rows, threads), KERNEL_POINTS, reps)
                best = max(best, r) if threads == 2 else best
                print(f"   {b:5s} {threads} thread(s): sweep {mega(r)} points  |  evaluate on "
                      f"explicit rows {mega(e)}  ({r / e:.1f}x)")
        print(f"   target >= 10 M points/s in-core on 2 threads: "
              f"{'PASS' if best >= TARGET_POINTS_PER_S else 'FALLS SHORT'} ({best / 1e6:.1f} M)")

        print(f"\n2. sweep(deterministic=True) of all {grid.size:,} points (c)")
        for label, metrics in (("every metric", None), ("two metrics", ["usd_per_mtok", "tpot_s"])):
            for rep in range(2):   # the first run also pays for first-touch of fresh memory
                t = time.perf_counter()
                r = sweep(scenario, deterministic=True, metrics=metrics)
                whole = time.perf_counter() - t
                print(f"   {label:12s} run {rep + 1}: in-core {mega(r.completed / r.core_seconds)}, "
                      f"whole call {mega(r.completed / whole)} points")
                del r

        mc = inf.load_scenario(MC_GRID)
        print(f"\n3. Monte Carlo sweep, {mc.grid_size} points x {MC_SAMPLES:,} samples (c)")
        sweep(mc, samples=100, seed=0)
        rates = []
        for _ in range(reps):
            r = sweep(mc, samples=MC_SAMPLES, seed=0)
            rates.append(r.completed * MC_SAMPLES / r.core_seconds)
        rate = statistics.median(rates)
        points = [p for _, p in mc.points()]
        loop = median_rate(lambda: [inf.simulate(p, samples=MC_SAMPLES, seed=0) for p in points],
                           len(points) * MC_SAMPLES, reps)
        one = median_rate(lambda: inf.simulate(points[0], samples=10**6, seed=0), 10**6, reps)
        print(f"   sweep in-core {mega(rate)} samples ({rate / MC_SAMPLES:,.0f} points/s)  |  a "
              f"Python loop of simulate() per point {mega(loop)} ({rate / loop:.1f}x)  |  "
              f"simulate() at one point, 10**6 samples {mega(one)}")

        print("\n4. CLI, fresh process: inferonomics sweep BIG --deterministic --out t.parquet")
        for extra in ([], ["--metrics", "usd_per_mtok,tpot_s"]):
            # VmHWM, not ru_maxrss: the latter survives fork+exec and would report this process.
            cmd = [sys.executable, "-c", "import sys\nfrom inferonomics import cli\n"
                   "code = cli.main(sys.argv[1:])\n"
                   "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
                   "print('peak RSS MB', int(hwm.split()[1]) // 1024)\n"
                   "sys.exit(code)",
                   "sweep", str(big), "--deterministic", "--out", str(Path(tmp, "t.parquet")),
                   "--top", "3"] + extra
            t = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True)
            wall = time.perf_counter() - t
            rss = [ln for ln in done.stdout.splitlines() if ln.startswith("peak RSS")]
            core = [ln for ln in done.stdout.splitlines() if ln.startswith("computed in")]
            print(f"   {' '.join(extra) or 'every metric':34s} wall {wall:5.1f} s "
                  f"({grid.size / wall / 1e6:.2f} M points/s incl. start-up and Parquet); "
                  f"{rss[0] if rss else done.stderr.strip()[-200:]}")
            if core:
                print(f"      {core[0]}")


if __name__ == "__main__":
    main()
