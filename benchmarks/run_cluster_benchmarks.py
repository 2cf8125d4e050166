"""The cost of running on a Dask cluster, on this machine, in one run.

Usage::

    python benchmarks/run_cluster_benchmarks.py [--quick]

1. ``simulate`` of the bundled example at 10**8 samples (10**7 with ``--quick``), C core: on this
   machine with 2 threads, against a LocalCluster of 2 single-threaded worker processes on the
   loopback interface (the cluster started once, before timing). The overhead of distributing is
   the ratio of the two; the issue's target is at most 15% (the answers are identical: checked).
2. A deterministic sweep through the same cluster at two grid sizes, in fresh client processes,
   returned to the client (``sweep``) and written by the workers (``sweep_dataset``): points/s
   and the client's peak memory (VmHWM): it grows with the grid in the first, not the second.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import inferonomics  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.run_benchmarks import median_seconds  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "llama-2-70b-h100-fp8.toml"
TARGET_OVERHEAD = 0.15

SWEEP_CHILD = """
import sys, time, warnings
warnings.simplefilter("ignore")
import tempfile
import distributed
from inferonomics import sweep, sweep_dataset
if __name__ == "__main__":
    raw = {{"model": {{"id": "llama-3.1-70b"}},
           "hardware": {{"id": ["h100-sxm", "h200", "b200", "mi300x"], "count": [1, 2, 4, 8]}},
           "precision": {{"weight_bits": 8, "activation_bits": 8, "kv_bits": 8}},
           "workload": {{"batch": list(range(1, {batches} + 1)),
                        "input_tokens": list(range(100, 4001, {step})), "output_tokens": 256}},
           "cost": {{"usd_per_device_hour": 3.0}}}}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as cluster, \\
            distributed.Client(cluster) as client:
        start = time.perf_counter()
        options = dict(deterministic=True, client=client, metrics=["usd_per_mtok", "tpot_s"],
                       max_points=10**8)
        if {dataset}:
            with tempfile.TemporaryDirectory() as tmp:
                points = sweep_dataset(raw, tmp + "/ds", **options).grid_points
        else:
            points = sweep(raw, **options).completed
        wall = time.perf_counter() - start
    hwm = next(ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
    print(points, wall, int(hwm.split()[1]) * 1024)
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10**7 samples and 2 repetitions")
    args = parser.parse_args(argv)
    samples, reps = (10**7, 2) if args.quick else (10**8, 3)
    import distributed

    print(f"cpus: {len(os.sched_getaffinity(0))}, load average before measuring: "
          f"{' '.join(open('/proc/loadavg').read().split()[:3])}")
    scenario = inferonomics.load_scenario(EXAMPLE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=":0")
    client = distributed.Client(cluster)
    try:
        inferonomics.simulate(scenario, samples=1000, backend="c", client=client)   # warm workers
        inferonomics.simulate(scenario, samples=1000, backend="c", threads=2)
        local = median_seconds(lambda: inferonomics.simulate(
            scenario, samples=samples, seed=0, backend="c", threads=2), reps)
        remote = median_seconds(lambda: inferonomics.simulate(
            scenario, samples=samples, seed=0, backend="c", client=client), reps)
        a = inferonomics.simulate(scenario, samples=samples, seed=0, backend="c", threads=2)
        b = inferonomics.simulate(scenario, samples=samples, seed=0, backend="c", client=client)
        same = a.summary().to_dict() == b.summary().to_dict()
    finally:
        client.close()
        cluster.close()
    overhead = remote / local - 1.0
    print(f"\n1. simulate, {samples:,} samples, C core (median of {reps})")
    print(f"   this machine, 2 threads          : {local:7.2f} s  {samples / local / 1e6:7.2f} M/s")
    print(f"   LocalCluster, 2 x 1-thread worker : {remote:7.2f} s  {samples / remote / 1e6:7.2f} M/s")
    print(f"   overhead of distributing          : {overhead:+.1%}  (target <= "
          f"{TARGET_OVERHEAD:.0%}: {'PASS' if overhead <= TARGET_OVERHEAD else 'FALL SHORT'}); "
          f"summaries identical: {same}")

    print("\n2. deterministic sweep through a LocalCluster of 2 workers, fresh client process, "
          "2 metrics kept")
    # 4 GPUs x 4 counts x batches x prompt lengths: 20 k / 164 k points quick, 1.6 M / 12.8 M full
    for batches, step in (((32, 100), (256, 100)) if args.quick else ((256, 10), (2048, 10))):
        for dataset in (False, True):
            out = subprocess.run([sys.executable, "-c", SWEEP_CHILD.format(
                batches=batches, step=step, dataset=dataset)], check=True, capture_output=True,
                text=True).stdout.split()
            points, wall, peak = int(out[0]), float(out[1]), int(out[2])
            how = "sweep_dataset (workers write Parquet)" if dataset else "sweep (table to client)"
            print(f"   {points:>12,} points, {how:<38}: {wall:6.2f} s ({points / wall / 1e6:5.2f} "
                  f"M points/s), client peak memory {peak / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
