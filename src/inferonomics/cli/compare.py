"""``inferonomics compare``: option A against B (or every grid point of a swept scenario against a
baseline point) on common random numbers, with an optional break-even search for one input."""

from __future__ import annotations

import math

from ..analysis.decisions import BREAK_EVEN_SAMPLES, break_even, compare, compare_points
from ..errors import InferonomicsError, printable
from ..model.registry import unit_of
from .common import (DEFAULT_COMPARE_SAMPLES, add_run_options, assignments, cell, dump_json, fmt,
                     print_table, scenario_of, value_range)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("compare", help="option A against B (or every grid point against a "
                              "baseline) on common random numbers")
    p.add_argument("a", help="scenario A (or a scenario with sweep axes)")
    p.add_argument("b", nargs="?", help="scenario B")
    add_run_options(p, f"samples (default {DEFAULT_COMPARE_SAMPLES:,})")
    p.add_argument("--metric", default="usd_per_mtok", help="metric (default usd_per_mtok)")
    p.add_argument("--baseline", nargs="+", metavar="PATH=VALUE",
                   help="with one swept scenario: the grid point the others are compared with")
    p.add_argument("--break-even", metavar="PATH",
                   help="input (e.g. cost.usd_per_device_hour) whose break-even value to find")
    p.add_argument("--side", choices=("a", "b"), default="b",
                   help="which option's input moves (default b)")
    p.add_argument("--range", type=value_range, metavar="LOW,HIGH",
                   help="bracket for the break-even search (default: half to twice the median)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    a = scenario_of(args, args.a)
    given_samples = args.samples
    args.samples = args.samples or DEFAULT_COMPARE_SAMPLES
    if args.b is None:
        if args.break_even:
            raise InferonomicsError("--break-even needs two scenarios (A and B)")
        baseline = assignments(args.baseline, "--baseline") if args.baseline else 0
        pairs = compare_points(a, baseline, args.metric, samples=args.samples, seed=args.seed,
                               backend=args.backend, threads=args.threads, progress=not args.json)
        code = 130 if pairs.interrupted else 0
        if args.json:
            dump_json({"metric": args.metric, "baseline": pairs.baseline,
                        "interrupted": pairs.interrupted, "points": pairs.total,
                        "comparisons": [{"point": p, **c.to_dict()} for p, c in pairs]})
            return code
        print(printable(f"{a.name}: every grid point against the baseline {pairs.baseline} on "
                        f"{args.metric}, {args.samples:,} common-random-number samples"))
        if pairs.interrupted:
            print(f"interrupted: {len(pairs):,} of {pairs.total:,} comparisons finished")
        if not pairs:
            return code
        higher = pairs[0][1].higher_is_better
        rows = [list(pairs[0][0]) + ["P(higher)" if higher else "P(lower)", "mean diff", "95% CI",
                                     "relative"]]
        def order(pc):   # most likely better first, then by the mean difference
            c = pc[1]
            if math.isnan(c.p_a_better):
                return (1, 0)
            return (0, -c.p_a_better, -c.mean_difference if higher else c.mean_difference)

        for p, c in sorted(pairs, key=order):
            rows.append([cell(v) if not isinstance(v, dict) else str(v) for v in p.values()] + [
                f"{c.p_a_better:.3f}", fmt(c.mean_difference),
                f"[{fmt(c.mean_difference_ci[0])}, {fmt(c.mean_difference_ci[1])}]",
                f"{c.relative_difference:+.1%}"])
        print_table(rows, left=range(len(pairs[0][0])))
        return code
    b = scenario_of(args, args.b)
    c = compare(a, b, args.metric, samples=args.samples, seed=args.seed, backend=args.backend,
                threads=args.threads)
    be = None
    if args.break_even:
        low, high = args.range if args.range else (None, None)
        be = break_even(a, b, args.break_even, side=args.side, metric=args.metric, low=low,
                        high=high, samples=given_samples or BREAK_EVEN_SAMPLES, seed=args.seed,
                        backend=args.backend, threads=args.threads)
    if args.json:
        out = {"a": a.name, "b": b.name, **c.to_dict()}
        if be is not None:
            out["break_even"] = be.to_dict()
        dump_json(out)
        return 0
    unit = unit_of(args.metric)
    print(printable(f"A: {a.name}"))
    print(printable(f"B: {b.name}"))
    print(f"{args.metric} ({unit}) on {c.samples:,} common-random-number samples; both feasible "
          f"in {c.both_feasible:,} (A infeasible {c.a_infeasible:,}, B infeasible {c.b_infeasible:,})")
    if c.both_feasible == 0:
        print("no sample where both run: nothing to compare")
        return 0
    if c.higher_is_better:   # a throughput, a net value: the question is which is higher
        print(f"P(A higher than B) = {c.p_a_higher:.4f} (95% CI {c.p_a_higher_ci[0]:.4f} - "
              f"{c.p_a_higher_ci[1]:.4f}); ties {c.p_equal:.4f}")
    else:
        print(f"P(A lower than B) = {c.p_a_lower:.4f} (95% CI {c.p_a_lower_ci[0]:.4f} - "
              f"{c.p_a_lower_ci[1]:.4f}); ties {c.p_equal:.4f}")
    print(f"mean A = {fmt(c.mean_a)}, mean B = {fmt(c.mean_b)}; mean A - B = "
          f"{fmt(c.mean_difference)} (95% CI {fmt(c.mean_difference_ci[0])} to "
          f"{fmt(c.mean_difference_ci[1])}), {c.relative_difference:+.1%} of B")
    if be is not None:
        where = f"[{fmt(be.low)}, {fmt(be.high)}]"
        if be.value is None:
            print(f"break-even: none for {be.path} of {be.side.upper()} in {where}: {be.reason} "
                  f"(A - B is {fmt(be.difference_at_low)} at the low end, "
                  f"{fmt(be.difference_at_high)} at the high end)")
        else:
            print(f"break-even: {be.path} of {be.side.upper()} = {fmt(be.value)} gives A and B the "
                  f"same mean {args.metric} (searched {where})")
    return 0
