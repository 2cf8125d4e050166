"""Mutation check: plant one-line bugs in each native core's model and count how many the
conformance suite catches.

Usage::

    python tools/mutate.py                 # every mutant of every core (minutes)
    python tools/mutate.py --per-core 10   # a seeded sample of 10 mutants per core
    python tools/mutate.py --core numba --list
    python tools/mutate.py --core fleet --per-core 15 --seed 11   # the fleet stepping kernel

The cores: ``c`` and ``numba``, the generated cost model (suite: SUITE below); ``fleet``, the numba
kernel of the fleet through time (src/inferonomics/cores/fleet_numba.py, from its first ``@_jit``
to the end; suite: tests/test_fleet_conformance.py, which holds it to the plain-Python stepping).

Each mutant is one change to one line of a core's model body: an arithmetic operator swapped
(+ -, * /), a comparison turned round (< >), min and max swapped, a select's branches swapped, a named
constant changed (x2+1), or one of the semantic slips a reviewer would plant by hand (drop the hosting term,
amortise the purchase price with the wrong sign, ignore the TTFT target, drop embodied carbon, ...;
for the fleet kernel: starting replicas unpaid, the cold start ignored, the backlog forgotten, ...).
Boundary flips (< to <=) are planted only against constants (activation_bits <= 8.0), which the
conformance suite draws exactly; between two computed quantities they differ only at exact ties.

The tool copies the working tree to a temporary directory once, builds the C core there and checks
the unmutated copy passes; then for each mutant it applies the change in that copy, rebuilds the C
core if the change is in C, runs the suite (SUITE below, stopping at the first failure) with the copy
first on PYTHONPATH, CI=true (derandomised hypothesis) and a private numba cache, and restores the
file. A mutant that does not compile (C: the build fails; fleet: numba cannot type or lower the
kernel, checked by compiling it ahead of the suite, which then loads it from the cache) is reported
and not counted. Mutants are not planted in docstrings, nor in the fleet kernel's constants that
index arrays (S_, P_, F_, T_, O_: a float index does not compile). Exit status 1 if any survives.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITE = ["tests/test_conformance.py", "tests/test_golden.py"]
FLEET_SUITE = ["tests/test_fleet_conformance.py"]
SUITE_TIMEOUT_S = 900
FLEET_SUITE_TIMEOUT_S = 300     # the suite takes about 20 s; past this a mutant hangs the kernel
FLEET_MEMORY_BYTES = 8 << 30    # a mutant that sizes a ring by cold_start_s x step_s fails fast


@dataclass(frozen=True)
class Region:
    """The lines of a core that hold its model: constants, helpers and the block loop."""

    core: str
    path: str
    start: str         # the region begins after the first line containing this
    end: str | None    # and ends before the first later line containing this (None: end of file)
    suite: tuple[str, ...] = tuple(SUITE)   # the tests that must catch its mutants
    timeout_s: float = SUITE_TIMEOUT_S
    semantic: tuple = ()                    # its hand-planted slips (set below: SEMANTIC)
    index_constants: str | None = None      # named constants not changed (they index arrays)
    compile_check: str | None = None        # Python run in the tree: exit 3 if it does not compile
    memory_bytes: int | None = None         # address space of the suite's process (None: no limit)

FLIP = {"<=": "<", "<": "<=", ">=": ">", ">": ">="}
# Operators: (name, pattern, replacement); every occurrence on every line is a separate mutant.
OPERATORS = (
    ("+ to -", r" \+ ", " - "),
    ("- to +", r" - ", " + "),
    ("* to /", r" \* ", " / "),
    ("/ to *", r" / ", " * "),
    ("< to >", r" < ", " > "),
    ("> to <", r" > ", " < "),
    ("<= to >=", r" <= ", " >= "),
    ("max to min", r"\b(py_)?max\(", r"\1min("),
    ("min to max", r"\b(py_)?min\(", r"\1max("),
    # a named constant where it is used (not where it is defined, not an index, NaN or infinity)
    # a boundary against a constant (activation_bits <= 8): conformance draws those constants exactly
    ("boundary flipped", r"(?<=[\w)]) (<=|<|>=|>) (-?\d+\.\d+)\b",
     lambda m: f" {FLIP[m.group(1)]} {m.group(2)}"),
    ("select branches swapped", r"\((\w+) \? ([\w.]+) : ([\w.]+)\)", r"(\1 ? \3 : \2)"),
    ("select branches swapped", r"\(([\w.]+) if (\w+) else ([\w.]+)\)", r"(\3 if \2 else \1)"),
    # (x * 2 + 1 changes zero constants too, such as STATUS_OK)
    ("constant changed", r"(?<![\w.])(?!I_|O_|NAN\b|INFINITY\b|BLOCK\b|ROW\b|N_INPUTS\b)"
                         r"([A-Z][A-Z0-9_]{3,})\b(?!\s*=[^=])", r"(\1 * 2.0 + 1.0)"),
)
# comments, declarations, loops and input reads (searched anywhere in the line)
SKIP_LINE = re.compile(r"^\s*(#|/\*|\*|//|def |static |@|\"\"\"|for |#pragma)|^\s*$|= (w\[I_|in\[I_)")
ASSIGNMENT = re.compile(r"^.*?[^=<>!]=(?!=)\s*|^\s*return\s+")   # mutate right-hand sides only

# Semantic slips from the issue, as (name, pattern, replacement) tried on every line of a region.
SEMANTIC = (
    ("drop the hosting term", r"\s*\+\s*hosting_usd_per_device_hour\b", ""),
    ("purchase amortised with the wrong sign", r"\+ \(purchase_usd", "- (purchase_usd"),
    ("ignore the TTFT target", r"\(ttft_s <= ttft_slo_s\)", "(ttft_s == ttft_s)"),
    ("ignore the TPOT target", r"\(tpot_s <= tpot_slo_s\)", "(tpot_s == tpot_s)"),
    ("drop embodied carbon", r"\(operational_g \+ embodied_g\)", "operational_g"),
    ("drop the idle-time energy", r"\(device_joules \+ \(\(idle_w \+ host_w\) \* idle_s\)\)",
     "device_joules"),
    ("drop the electricity bill", r" \+ \(kwh_per_cycle \* usd_per_kwh\)", ""),
    ("ignore beams in decode tokens", r"\(resident \* beams\)", "resident"),
    # (1.0 is 1.0f in the C float32 copy and F32(1.0) in numba's)
    ("latent KV cache sharded like heads", r"kv_shards = (?:F32\(1\.0\)|1\.0f?)",
     "kv_shards = py_min(devices, n_kv_heads)"),
)
# The fleet kernel's slips: what a reviewer would plant in the stepping by hand.
FLEET_SEMANTIC = (
    ("starting replicas unpaid", r"sums\[S_PAID\] \+= \((n_)?ready \+ n_starting\) \* d",
     r"sums[S_PAID] += \1ready * d"),
    ("cold start ignored", r"ring_time\[slot\] = start \+ cold_start_s", "ring_time[slot] = start"),
    ("an owned fleet charged for what it uses", r"charged_h = peak \* horizon_h if .*$",
     "charged_h = replica_h"),
    ("backlog forgotten between intervals",
     r"sums\[S_BACKLOG\] = backlog \+ \(rate - cap\) \* d", "sums[S_BACKLOG] = (rate - cap) * d"),
    ("scale-down window ignored", r"wish_time\[wish_head\] < start - down_window",
     "wish_time[wish_head] < start"),
    ("spot interruptions ignored", r"effective = (n_)?ready \* serving_share", r"effective = \1ready"),
    ("oldest starting replicas dropped first", r"slot = \(head \+ alive - 1\) % n_ring",
     "slot = head"),
    ("the autoscaler sees this step's rate", r"seen = rates\[t - 1\] if t > 0 else rate",
     "seen = rate"),
    ("a waited request's TTFT without its prefill", r"max\(leave - arrived, 0\.0\) \+ prefill_s",
     "max(leave - arrived, 0.0)"),
    ("a waited request meets any TTFT target", r"if ttft_s <= ttft_slo_s:", "if ttft_s == ttft_s:"),
)
# numba compiles the fleet kernel for the argument types tests/test_fleet_conformance.py passes
# (and caches it there for the suite); a typing or lowering error is a mutant that does not compile
FLEET_COMPILE_CHECK = """
import sys
import numba
import numpy as np
from inferonomics.cores import fleet_numba
from inferonomics.fleet.replica_table import LOAD_GRID, TOP_LOAD, TTFT_LEVELS
a1, a2, a3 = np.zeros(1), np.zeros((1, 1)), np.zeros((1, 1, 1))
args = (a2, 1.0, a1, a2, a2, a2, a3, np.asarray(LOAD_GRID), np.asarray(TTFT_LEVELS), TOP_LOAD, a2,
        a3, 1, 0, 1)
try:
    fleet_numba.fleet_samples.compile(tuple(numba.typeof(a) for a in args))
except numba.core.errors.NumbaError as e:
    print(type(e).__name__, (str(e).strip().splitlines() or [""])[0])
    sys.exit(3)
"""

REGIONS = (
    # From the first helper translated from the reference to the end of the block loop. The
    # runtime support before it (py_min, py_max, pow_) is the same few lines in every model and is
    # checked by tests/test_generated_cores.py on its own; the constants are #defines/assignments.
    Region("c", "csrc/generated/model.h", "/* reference.", None, semantic=SEMANTIC),
    Region("numba", "src/inferonomics/cores/numba_core.py", '"""reference.',
           "---- END GENERATED ----", semantic=SEMANTIC),
    # The fleet stepping kernel, from its first helper to the end of the file (the driver loop
    # included); held to the plain-Python stepping bit for bit by its own suite.
    Region("fleet", "src/inferonomics/cores/fleet_numba.py", "@_jit", None,
           suite=tuple(FLEET_SUITE), timeout_s=FLEET_SUITE_TIMEOUT_S, semantic=FLEET_SEMANTIC,
           index_constants=r"(S|P|F|T)_\w+|N_SUMS|MAX_QUEUE_COHORTS",
           compile_check=FLEET_COMPILE_CHECK,
           memory_bytes=FLEET_MEMORY_BYTES),
)
REGION_OF = {r.core: r for r in REGIONS}


@dataclass(frozen=True)
class Mutant:
    core: str
    path: str
    line: int         # 0-based line number in the file
    name: str
    before: str
    after: str

    def label(self) -> str:
        return f"{self.core}:{self.path}:{self.line + 1} {self.name}: {self.after.strip()[:90]}"


def region_lines(text: str, region: Region) -> range:
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if region.start in ln)
    end = len(lines) if region.end is None else next(
        i for i in range(start + 1, len(lines)) if region.end in lines[i])
    return range(start + 1, end)


def function_lines(text: str, name: str) -> range:
    """The lines of a core's function ``name`` (C: ``static ... name(`` to its closing brace;
    numba: ``def name(`` to the next top-level line); empty when the core has no such function."""
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines)
              if re.match(rf"(static\b.*\b|def ){re.escape(name)}\(", ln)]
    if not starts:
        return range(0)
    end = next((i for i in range(starts[0] + 1, len(lines))
                if lines[i].startswith(("}", "@", "def "))), len(lines))
    return range(starts[0], end)


def mutants_of(region: Region, root: Path = ROOT) -> list[Mutant]:
    text = (root / region.path).read_text()
    lines = text.splitlines(keepends=True)
    out = []
    in_docstring = False
    for i in region_lines(text, region):
        line = lines[i]
        # the body of a docstring of several lines (its first line is skipped as a comment)
        opens_or_closes = line.count('"""') % 2 == 1
        skip = in_docstring or SKIP_LINE.search(line)
        in_docstring ^= opens_or_closes
        if skip:
            continue
        lhs = ASSIGNMENT.match(line)
        cut = lhs.end() if lhs else 0
        for (name, pattern, repl), start in ([(op, cut) for op in OPERATORS]
                                             + [(op, 0) for op in region.semantic]):
            for m in re.finditer(pattern, line[start:]):
                if (name == "constant changed" and region.index_constants
                        and re.fullmatch(region.index_constants, m.group(1))):
                    continue
                a, b = start + m.start(), start + m.end()
                text = repl(m) if callable(repl) else m.expand(repl)
                after = line[:a] + text + line[b:]
                if after != line:
                    out.append(Mutant(region.core, region.path, i, name, line, after))
    return out


def copy_tree(src: Path, dst: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=src, check=True,
                           capture_output=True, text=True).stdout.split()
    for rel in files:
        if (src / rel).is_file():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / rel, dst / rel)


def build_c(tree: Path) -> bool:
    done = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'csrc'); "
                           "import _build_ffi; _build_ffi.build_in_place(__import__('pathlib')"
                           ".Path('.').resolve())"],
                          cwd=tree, capture_output=True, text=True)
    return done.returncode == 0


def suite_env(tree: Path) -> dict:
    return dict(os.environ, PYTHONPATH=str(tree / "src"), CI="true", INFERONOMICS_REQUIRE_C="1",
                HYPOTHESIS_PROFILE="mutation",
                NUMBA_CACHE_DIR=str(tree / ".numba-cache"), PYTHONDONTWRITEBYTECODE="1")


def compiles(tree: Path, region: Region) -> bool:
    """Whether the (mutated) core of ``region`` in ``tree`` compiles."""
    if region.core == "c":
        return build_c(tree)
    if region.compile_check is None:
        return True
    try:
        done = subprocess.run([sys.executable, "-c", region.compile_check], cwd=tree,
                              env=suite_env(tree), capture_output=True, text=True,
                              timeout=region.timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return True     # let the suite judge it
    return done.returncode != 3


def limit_memory(n_bytes: int | None):
    """A preexec_fn capping the child's address space (None: no cap)."""
    if n_bytes is None:
        return None
    import resource

    return lambda: resource.setrlimit(resource.RLIMIT_AS, (n_bytes, n_bytes))


def run_suite(tree: Path, suite=SUITE, timeout_s: float = SUITE_TIMEOUT_S,
              memory_bytes: int | None = None) -> tuple[bool, str]:
    env = suite_env(tree)
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                               *suite], cwd=tree, env=env, capture_output=True, text=True,
                              timeout=timeout_s, preexec_fn=limit_memory(memory_bytes))
    except subprocess.TimeoutExpired:
        return False, "timeout"
    failed = re.findall(r"^FAILED (\S+)", done.stdout, flags=re.M)
    return done.returncode == 0, (failed[0] if failed else done.stdout.strip().splitlines()[-1:][0]
                                  if done.stdout.strip() else "")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core", choices=[r.core for r in REGIONS], action="append")
    parser.add_argument("--per-core", type=int, default=0, help="a seeded sample of N per core")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--suite", nargs="+", default=None,
                        help=f"test files to run per mutant (default: the core's: "
                             f"{' '.join(SUITE)} for c and numba, {' '.join(FLEET_SUITE)} for "
                             f"fleet)")
    parser.add_argument("--match", default=None,
                        help="only mutants whose line holds this text (a new input's name: its "
                             "formulas' mutants before a random sample's)")
    parser.add_argument("--within", default=None, metavar="FUNCTION",
                        help="only mutants inside this function of the core (one copy of the "
                             "model: evaluate_block_dense, evaluate_block_plain_f32, ...)")
    args = parser.parse_args(argv)

    chosen = []
    for region in REGIONS:
        if args.core and region.core not in args.core:
            continue
        ms = mutants_of(region)
        if args.match:
            ms = [m for m in ms if args.match in m.before]
        if args.within:
            inside = function_lines((ROOT / region.path).read_text(), args.within)
            ms = [m for m in ms if m.line in inside]
        if args.per_core and len(ms) > args.per_core:
            semantic = [m for m in ms if m.name in {s[0] for s in region.semantic}]
            rest = [m for m in ms if m not in semantic]
            ms = semantic + random.Random(args.seed).sample(rest, max(args.per_core - len(semantic), 0))
        chosen.extend(ms)
    if args.list:
        for m in chosen:
            print(m.label())
        print(f"{len(chosen)} mutants")
        return 0

    with tempfile.TemporaryDirectory(prefix="inferonomics-mutate-") as tmp:
        # One work tree, mutated in place and restored after each mutant: its path stays the same,
        # so numba's cache of an unchanged numba_core.py stays valid across C mutants.
        tree = Path(tmp, "tree")
        copy_tree(ROOT, tree)
        if not build_c(tree):
            print("the unmutated C core does not build", file=sys.stderr)
            return 2
        pristine = Path(tmp, "pristine")
        shutil.copytree(tree, pristine)
        suite_of = lambda core: args.suite or list(REGION_OF[core].suite)
        for core in dict.fromkeys(m.core for m in chosen):
            region = REGION_OF[core]
            ok, why = run_suite(tree, suite_of(core), region.timeout_s, region.memory_bytes)
            if not ok:
                print(f"the unmutated tree fails {' '.join(suite_of(core))} ({why}); fix that "
                      f"first", file=sys.stderr)
                return 2
        library = next((tree / "src" / "inferonomics").glob("_ccore*.so"))
        caught, survived, invalid = [], [], []
        t0 = time.time()
        for n, m in enumerate(chosen, 1):
            target = tree / m.path
            lines = target.read_text().splitlines(keepends=True)
            assert lines[m.line] == m.before
            lines[m.line] = m.after
            target.write_text("".join(lines))
            if not compiles(tree, REGION_OF[m.core]):
                invalid.append(m)
                verdict = "does not compile"
            else:
                region = REGION_OF[m.core]
                passed, why = run_suite(tree, suite_of(m.core), region.timeout_s,
                                        region.memory_bytes)
                (survived if passed else caught).append(m)
                verdict = "SURVIVED" if passed else f"caught by {why}"
            print(f"[{n}/{len(chosen)} {time.time() - t0:5.0f} s] {m.label()} -> {verdict}",
                  flush=True)
            shutil.copy2(pristine / m.path, target)   # restores the content and the timestamp
            if m.core == "c":
                shutil.copy2(pristine / library.relative_to(tree), library)
        valid = len(caught) + len(survived)
        print(f"\ncaught {len(caught)} of {valid} mutants "
              f"({len(invalid)} did not compile and are not counted)")
        for core in sorted({m.core for m in chosen}):
            c = sum(m.core == core for m in caught)
            v = c + sum(m.core == core for m in survived)
            print(f"  {core}: {c} of {v}")
        for m in survived:
            print(f"  survived: {m.label()}")
        return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
