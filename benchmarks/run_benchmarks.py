"""Throughput, memory and start-up of inferonomics on this machine, against the issue's targets.

Usage::

    python benchmarks/run_benchmarks.py [--quick]

One run prints, as medians of several repetitions (5; 3 with ``--quick``):

1. a 2-thread scaling probe (the C ``draw_only`` floor with 1 and 2 threads): on a shared 2-core
   VM the second core is sometimes starved, and every 2-thread figure below is then meaningless;
2. samples/s of each native core at 10**7 samples with 1 and 2 threads, of the reference at 20000
   samples, and of numpy's Philox drawing only the raw uniforms of the same samples;
3. the ratios the issue sets targets for, each with PASS / FALL SHORT;
4. peak RSS of a fresh process running the C core at 10**6 and 10**8 samples;
5. time to a first result in a fresh process with numba's on-disk cache warm.

The asv suite (``benchmarks/bench_simulate.py``) tracks the same quantities across commits; this
script is the quick, one-screen answer to "does this build meet the targets here".
"""

import os

# numpy's OpenBLAS threads spin and steal the second core from the kernels; nothing here uses BLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import inferonomics  # noqa: E402
from inferonomics.cores import encoding  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "llama-2-70b-h100-fp8.toml"
SEED = 0
NATIVE_SAMPLES = 10**7
REFERENCE_SAMPLES = 20_000
WARMUP_SAMPLES = 1000
MEMORY_SAMPLES = (10**6, 10**8)
FIRST_RESULT_SAMPLES = 1000

# Targets from the issue.
TARGET_SAMPLES_PER_S = 100e6       # per core, 2 threads
TARGET_VS_NUMPY = 3.0              # >= 3x numpy Philox uniforms alone
TARGET_VS_REFERENCE = 1000.0       # >= 1000x the pure-Python reference
TARGET_VS_FLOOR = 2.0              # full model <= 2x the draw-only floor
TARGET_MEMORY_GROWTH_MB = 50.0     # 10**6 -> 10**8 samples
TARGET_FIRST_RESULT_S = 1.0        # beyond interpreter + import
SCALING_WARNING = 1.5              # 2 threads should give at least this over 1

CHILD_ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1")


def median_seconds(fn, reps):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def verdict(ok):
    return "PASS" if ok else "FALL SHORT"


def rate(x):
    """samples/s in a fixed-width human form."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= scale:
            return f"{x / scale:8.2f} {suffix}/s"
    return f"{x:8.2f}  /s"


def section(title):
    print()
    print(title)
    print("-" * len(title))


def header(backends):
    try:
        import numba
        numba_version = numba.__version__
    except ImportError:
        numba_version = "not installed"
    print("inferonomics benchmarks")
    print(f"  machine   : {platform.platform()} ({platform.machine()}), python {platform.python_version()}")
    print(f"  cpus      : {cpus()} usable (sched_getaffinity), {os.cpu_count()} online")
    print(f"  versions  : inferonomics {inferonomics.__version__}, numpy {np.__version__}, "
          f"numba {numba_version}")
    print("  backends  : " + ", ".join(f"{k}={v}" for k, v in backends.items()))
    print(f"  scenario  : {EXAMPLE.relative_to(EXAMPLE.parents[1])}")


def core_module(backend):
    if backend == "c":
        from inferonomics.cores import cbinding
        return cbinding
    from inferonomics.cores import numba_core
    return numba_core


def scaling_probe(native, encoded, reps):
    section("1. two-thread scaling probe (draw_only floor, 10**7 samples)")
    if not native:
        print("  skipped: no native core available")
        return None
    backend = native[0]
    core = core_module(backend)
    core.draw_only(encoded, SEED, WARMUP_SAMPLES, 1)
    core.draw_only(encoded, SEED, WARMUP_SAMPLES, 2)
    t1 = median_seconds(lambda: core.draw_only(encoded, SEED, NATIVE_SAMPLES, 1), reps)
    t2 = median_seconds(lambda: core.draw_only(encoded, SEED, NATIVE_SAMPLES, 2), reps)
    ratio = t1 / t2
    print(f"  {backend} draw_only: 1 thread {t1 * 1e3:7.1f} ms, 2 threads {t2 * 1e3:7.1f} ms, "
          f"speed-up {ratio:.2f}x")
    if cpus() < 2:
        print("  WARNING: this process may use only one CPU; 2-thread figures below are not "
              "meaningful")
    elif ratio < SCALING_WARNING:
        print(f"  WARNING: 2 threads give < {SCALING_WARNING}x: the second core looks starved "
              "(shared VM); 2-thread figures below understate the cores")
    return ratio


def throughput(scenario, encoded, native, reps, k):
    section("2. throughput (median of %d)" % reps)
    rows = []  # (label, samples, threads, seconds)
    sim, floor = {}, {}
    for backend in native:
        inferonomics.simulate(scenario, samples=WARMUP_SAMPLES, seed=SEED, backend=backend, threads=1)
        core = core_module(backend)
        core.draw_only(encoded, SEED, WARMUP_SAMPLES, 1)
        for threads in (1, 2):
            t = median_seconds(lambda: inferonomics.simulate(
                scenario, samples=NATIVE_SAMPLES, seed=SEED, backend=backend, threads=threads), reps)
            sim[backend, threads] = t
            rows.append((f"{backend} simulate", NATIVE_SAMPLES, threads, t))
        # The floor at the throughput target's setting (2 threads), for the model-vs-floor ratio.
        t = median_seconds(lambda: core.draw_only(encoded, SEED, NATIVE_SAMPLES, 2), reps)
        floor[backend] = t
        rows.append((f"{backend} draw_only (floor)", NATIVE_SAMPLES, 2, t))

    inferonomics.simulate(scenario, samples=10, seed=SEED, backend="reference")
    ref = median_seconds(lambda: inferonomics.simulate(
        scenario, samples=REFERENCE_SAMPLES, seed=SEED, backend="reference"), reps)
    rows.append(("reference simulate", REFERENCE_SAMPLES, 1, ref))

    # numpy's best case: reused output buffer (no page faults of a fresh 8*k*10**7-byte array),
    # uniforms only (no transforms, no model). A conservative yardstick for the >= 3x target.
    chunk = 1 << 16
    buf = np.empty(chunk * k)

    def philox():
        gen = np.random.Generator(np.random.Philox(SEED))
        for i in range(0, NATIVE_SAMPLES, chunk):
            gen.random(out=buf[:min(chunk, NATIVE_SAMPLES - i) * k])

    philox()
    npy = median_seconds(philox, reps)
    rows.append((f"numpy Philox uniforms (k={k})", NATIVE_SAMPLES, 1, npy))

    print(f"  {'measurement':<30} {'samples':>10} {'threads':>7} {'median':>11} {'throughput':>13}")
    for label, n, threads, t in rows:
        print(f"  {label:<30} {n:>10,} {threads:>7} {t * 1e3:>8.1f} ms {rate(n / t):>13}")
    return ({key: NATIVE_SAMPLES / t for key, t in sim.items()},
            {b: NATIVE_SAMPLES / t for b, t in floor.items()},
            REFERENCE_SAMPLES / ref, NATIVE_SAMPLES / npy)


def targets(sim_rate, floor_rate, ref_rate, numpy_rate, native):
    section("3. targets (native cores at 2 threads)")
    print(f"  {'check':<40} {'measured':>14} {'target':>14}  verdict")
    for backend in native:
        r = sim_rate[backend, 2]
        checks = [
            (f"{backend}: samples/s", rate(r), f">= {rate(TARGET_SAMPLES_PER_S).strip()}",
             r >= TARGET_SAMPLES_PER_S),
            (f"{backend}: vs numpy Philox uniforms", f"{r / numpy_rate:.2f}x",
             f">= {TARGET_VS_NUMPY:g}x", r / numpy_rate >= TARGET_VS_NUMPY),
            (f"{backend}: vs reference", f"{r / ref_rate:.0f}x", f">= {TARGET_VS_REFERENCE:g}x",
             r / ref_rate >= TARGET_VS_REFERENCE),
            (f"{backend}: full model / draw_only floor", f"{floor_rate[backend] / r:.2f}x",
             f"<= {TARGET_VS_FLOOR:g}x", floor_rate[backend] / r <= TARGET_VS_FLOOR),
        ]
        for label, measured, target, ok in checks:
            print(f"  {label:<40} {measured:>14} {target:>14}  {verdict(ok)}")


# Linux keeps ru_maxrss across fork and exec, so a child started from this (large) process would
# report the parent's peak; /proc/self/status's VmHWM belongs to the new program.
MEMORY_CHILD = """
import resource, sys
import inferonomics
inferonomics.simulate({path!r}, samples={n}, seed={seed}, backend="c", threads=2)
try:
    hwm = next(ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
    print(int(hwm.split()[1]) * 1024)  # bytes
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(peak * (1 if sys.platform == "darwin" else 1024))  # bytes (Linux reports KiB)
"""


def peak_memory(native):
    section("4. peak memory (max RSS of a fresh process, C core, 2 threads)")
    if "c" not in native:
        print("  skipped: the C core is not available")
        return
    peaks = {}
    for n in MEMORY_SAMPLES:
        code = MEMORY_CHILD.format(path=str(EXAMPLE), n=n, seed=SEED)
        out = subprocess.run([sys.executable, "-c", code], env=CHILD_ENV, check=True,
                             capture_output=True, text=True).stdout
        peaks[n] = int(out.split()[-1]) / 1e6
        print(f"  {f'{n:,} samples':<22}: {peaks[n]:8.1f} MB")
    lo, hi = MEMORY_SAMPLES
    growth = peaks[hi] - peaks[lo]
    print(f"  {'growth 10**6 -> 10**8':<22}: {growth:8.1f} MB   (target: within "
          f"{TARGET_MEMORY_GROWTH_MB:g} MB)  {verdict(abs(growth) <= TARGET_MEMORY_GROWTH_MB)}")


FIRST_RESULT_CHILD = (
    "import inferonomics; inferonomics.simulate({path!r}, samples={n}, seed={seed}, "
    "backend='numba')"
)


def first_result(native):
    section("5. time to first result (fresh process, numba cache warm, median of 3)")
    if "numba" not in native:
        print("  skipped: the numba core is not available")
        return
    simulate_code = FIRST_RESULT_CHILD.format(path=str(EXAMPLE), n=FIRST_RESULT_SAMPLES, seed=SEED)

    def run(code):
        return lambda: subprocess.run([sys.executable, "-c", code], env=CHILD_ENV, check=True,
                                      capture_output=True)

    run(simulate_code)()  # compiles and fills numba's on-disk cache if it is cold
    bare = median_seconds(run("pass"), 3)
    imported = median_seconds(run("import inferonomics"), 3)
    simulated = median_seconds(run(simulate_code), 3)
    beyond = simulated - imported
    rows = [("python -c 'pass'", bare), ("python -c 'import inferonomics'", imported),
            (f"  + simulate {FIRST_RESULT_SAMPLES} samples (numba)", simulated)]
    for label, t in rows:
        print(f"  {label:<42}: {t:6.3f} s")
    print(f"  {'first result beyond interpreter + import':<42}: {beyond:6.3f} s   (target: < "
          f"{TARGET_FIRST_RESULT_S:g} s)  {verdict(beyond < TARGET_FIRST_RESULT_S)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repetitions instead of 5")
    args = parser.parse_args(argv)
    reps = 3 if args.quick else 5

    started = time.perf_counter()
    backends = inferonomics.available_backends()
    native = [b for b in ("c", "numba") if backends.get(b) == "available"]
    header(backends)
    scenario = inferonomics.load_scenario(EXAMPLE)
    plan = scenario.resolve()
    k = len(plan.uncertain)
    encoded = encoding.encode(plan.distributions)

    scaling_probe(native, encoded, reps)
    sim_rate, floor_rate, ref_rate, numpy_rate = throughput(scenario, encoded, native, reps, k)
    targets(sim_rate, floor_rate, ref_rate, numpy_rate, native)
    peak_memory(native)
    first_result(native)
    print()
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
