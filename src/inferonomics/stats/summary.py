"""Mergeable summaries: statistics of millions of samples in memory that does not grow with them.

A :class:`Summary` counts samples by status and, for each metric over the feasible samples, keeps
count, mean and sum of squared deviations (Welford's update, merged with Chan, Golub & LeVeque's
formula), minimum, maximum and a :class:`QuantileSketch`. Summaries of disjoint sample ranges merge
into the summary of their union: counts and sketch buckets exactly, moments to rounding. That is what
lets threads, chunks and machines work independently.
"""

from __future__ import annotations

import math
import numbers
import struct
from dataclasses import dataclass, field

from ..errors import ScenarioError, printable, suggest
from ..model.reference import METRIC_NAMES, STATUS_NAMES, STATUS_OK, Outputs

SKETCH_MANTISSA_BITS = 7
"""Mantissa bits kept in a sketch bucket key: 2**7 = 128 buckets per octave."""
SKETCH_SHIFT = 52 - SKETCH_MANTISSA_BITS
SKETCH_RELATIVE_ERROR = 2.0 ** -(SKETCH_MANTISSA_BITS + 1)
"""Bound on |estimate - exact| / |exact| of a quantile from the sketch: 2**-8, about 0.39%."""
SKETCH_MIN = 2.0 ** -64
"""Magnitudes below this (zero included) share the zero bucket and are reported as 0."""
SKETCH_OCTAVES = 128
"""Octaves covered on each side of zero, magnitudes from SKETCH_MIN up to 2**64; larger ones share
the last bucket of their sign."""
SKETCH_HALF = 1 + SKETCH_OCTAVES * (1 << SKETCH_MANTISSA_BITS)
"""Buckets on each side of zero: 128 per octave, then the overflow bucket."""
SKETCH_ZERO = SKETCH_HALF
"""Index of the zero bucket: negative values below it (mirrored), positive values above it, so the
index rises with the value and a quantile is a walk from the lowest bucket up."""
SKETCH_BUCKETS = 2 * SKETCH_HALF + 1
REPORTED_QUANTILES = {"p5": 0.05, "p50": 0.50, "p95": 0.95}


def _double_bits(x: float) -> int:
    return struct.unpack("<q", struct.pack("<d", x))[0]


def _bits_double(b: int) -> float:
    return struct.unpack("<d", struct.pack("<q", b))[0]


SKETCH_KEY_OFFSET = (_double_bits(SKETCH_MIN) >> SKETCH_SHIFT) - 1


def _magnitude_index(a: float) -> int:
    """1 .. SKETCH_HALF for a magnitude ``a >= SKETCH_MIN``: the float's exponent and top mantissa
    bits (the log-linear cells of the IEEE-754 format itself, so no logarithm is needed and every
    language computes the same index), capped at the overflow bucket."""
    return min((_double_bits(a) >> SKETCH_SHIFT) - SKETCH_KEY_OFFSET, SKETCH_HALF)


def sketch_index(x: float) -> int:
    """Bucket of ``x``: the zero bucket for magnitudes below :data:`SKETCH_MIN` (and NaN), else the
    bucket of ``|x|`` above the zero bucket for a positive ``x`` and mirrored below it for a
    negative one."""
    m = _magnitude_index(abs(x)) if abs(x) >= SKETCH_MIN else 0
    return SKETCH_ZERO - m if x < 0.0 else SKETCH_ZERO + m


def bucket_range(low: float, high: float) -> slice | None:
    """The buckets that hold every value from ``low`` to ``high`` (bucket indices grow with the
    value); None where ``low > high``, the min and max of no value."""
    if not low <= high:
        return None
    return slice(sketch_index(low), sketch_index(high) + 1)


def sketch_bucket_value(index: int) -> float:
    """Midpoint of bucket ``index``: within 2**-8 relative of every value in it (the overflow
    buckets give +-inf; callers clamp to the exact extremes)."""
    m = index - SKETCH_ZERO
    if m == 0:
        return 0.0
    a = abs(m)
    if a == SKETCH_HALF:
        value = math.inf
    else:
        key = a + SKETCH_KEY_OFFSET
        value = 0.5 * (_bits_double(key << SKETCH_SHIFT) + _bits_double((key + 1) << SKETCH_SHIFT))
    return -value if m < 0 else value


def check_probability(name: str, q) -> float:
    """``q`` as a float if it is a number in [0, 1], else a ScenarioError naming ``name``."""
    if isinstance(q, bool) or not isinstance(q, numbers.Real) or not 0.0 <= float(q) <= 1.0:
        raise ScenarioError(name, f"a quantile must be a number in [0, 1], got {printable(repr(q))}")
    return float(q)


@dataclass
class QuantileSketch:
    """Log-linear histogram of values of either sign (in the spirit of DDSketch, Masson et al. 2019,
    with buckets keyed on the bits of the float, mirrored for negative values). Any quantile of
    values of magnitude in [2**-64, 2**64) comes back within :data:`SKETCH_RELATIVE_ERROR` relative
    error of the exact order statistic."""

    counts: dict[int, int] = field(default_factory=dict)

    def add(self, x: float) -> None:
        k = sketch_index(x)
        self.counts[k] = self.counts.get(k, 0) + 1

    def merge(self, other: "QuantileSketch") -> None:
        for k, c in other.counts.items():
            self.counts[k] = self.counts.get(k, 0) + c

    @classmethod
    def from_dense(cls, counts, first: int = 0) -> "QuantileSketch":
        """From a dense array of the counts of consecutive buckets from bucket ``first`` on: by
        default a whole row of :data:`SKETCH_BUCKETS` counts, as the native cores fill them."""
        import numpy as np

        # tolist() converts in one C loop; indexing the array per bucket took 4 ms of each
        # simulate call's summary (28 metrics).
        nz = np.flatnonzero(counts)
        return cls(dict(zip((nz + first).tolist(), counts[nz].tolist())))

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    def quantile(self, q: float) -> float:
        """The value of rank ``floor(q * (n - 1))`` (0-based) of the added values, to within the
        relative error bound (numpy's ``method="lower"``)."""
        n = self.count
        if n == 0:
            return math.nan
        rank = math.floor(q * (n - 1))
        seen = 0
        for k in sorted(self.counts):
            seen += self.counts[k]
            if seen > rank:
                return sketch_bucket_value(k)
        return math.nan  # pragma: no cover - counts add up


@dataclass
class MetricSummary:
    """Running statistics of one metric."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0          # sum of squared deviations from the mean
    min: float = math.inf
    max: float = -math.inf
    sketch: QuantileSketch = field(default_factory=QuantileSketch)

    def add(self, x: float) -> None:
        self.count += 1
        delta = x - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (x - self.mean)
        self.min = min(self.min, x)
        self.max = max(self.max, x)
        self.sketch.add(x)

    def merge(self, other: "MetricSummary") -> None:
        if other.count == 0:
            return
        n = self.count + other.count
        delta = other.mean - self.mean
        self.mean += delta * other.count / n
        self.m2 += other.m2 + delta * delta * self.count * other.count / n
        self.count = n
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)
        self.sketch.merge(other.sketch)

    @property
    def std(self) -> float:
        """Sample standard deviation (n - 1 in the denominator)."""
        return math.sqrt(self.m2 / (self.count - 1)) if self.count > 1 else 0.0

    def quantile(self, q: float) -> float:
        """The q-quantile (0 <= q <= 1) of the added values; NaN when there are none (no sample
        was feasible: tables show such a point as missing)."""
        check_probability("q", q)
        if self.count == 0:
            return math.nan
        # The exact extremes are known; keep estimates inside them.
        return min(max(self.sketch.quantile(q), self.min), self.max)

    def to_dict(self) -> dict[str, float]:
        out = {"mean": self.mean, "std": self.std}
        out.update({name: self.quantile(q) for name, q in REPORTED_QUANTILES.items()})
        out.update({"min": self.min, "max": self.max})
        return out


@dataclass
class Summary:
    """Counts by status and per-metric statistics over the feasible (``status == ok``) samples."""

    status_counts: dict[str, int] = field(
        default_factory=lambda: {name: 0 for name in STATUS_NAMES.values()})
    metrics: dict[str, MetricSummary] = field(
        default_factory=lambda: {name: MetricSummary() for name in METRIC_NAMES})

    @classmethod
    def of(cls, metrics=METRIC_NAMES) -> "Summary":
        """An empty summary of the named metrics only (all of them by default)."""
        unknown = [name for name in metrics if name not in METRIC_NAMES]
        if unknown:
            raise ScenarioError("metrics", f"unknown metric {printable(repr(unknown[0]))}"
                                f"{suggest(str(unknown[0]), METRIC_NAMES)}")
        return cls(metrics={name: MetricSummary() for name in metrics})

    def add(self, outputs: Outputs) -> None:
        self.status_counts[STATUS_NAMES[outputs.status]] += 1
        if outputs.status != STATUS_OK:
            return
        for name, metric in self.metrics.items():
            metric.add(getattr(outputs, name))

    def merge(self, other: "Summary") -> "Summary":
        if set(other.metrics) != set(self.metrics):
            only_here = sorted(set(self.metrics) - set(other.metrics))
            only_there = sorted(set(other.metrics) - set(self.metrics))
            raise ScenarioError("metrics", "cannot merge summaries of different metrics: only "
                                f"this one has {', '.join(only_here) or 'none'}; only the other "
                                f"has {', '.join(only_there) or 'none'}")
        for name, c in other.status_counts.items():
            self.status_counts[name] += c
        for name, m in other.metrics.items():
            self.metrics[name].merge(m)
        return self

    @property
    def samples(self) -> int:
        return sum(self.status_counts.values())

    @property
    def feasible(self) -> int:
        return self.status_counts[STATUS_NAMES[STATUS_OK]]

    @property
    def feasible_fraction(self) -> float:
        return self.feasible / self.samples if self.samples else 0.0

    @property
    def infeasible(self) -> dict[str, int]:
        """Samples that could not run, by reason (``memory``: does not fit; ``latency``: misses a
        latency target; ``non_finite``: a figure overflowed, which inputs in range never do)."""
        return {k: v for k, v in self.status_counts.items() if k != STATUS_NAMES[STATUS_OK]}

    def __getitem__(self, metric: str) -> MetricSummary:
        if isinstance(metric, str) and metric in METRIC_NAMES and metric not in self.metrics:
            raise ScenarioError("metrics", f"{metric} was not summarised: this run was asked for "
                                f"{', '.join(self.metrics)} only; add it to "
                                "simulate(..., metrics=[...]) or leave metrics out for all")
        if not isinstance(metric, str) or metric not in self.metrics:
            raise ScenarioError("metric", f"unknown metric {printable(repr(metric))}"
                                f"{suggest(str(metric), self.metrics)}; one of {', '.join(self.metrics)}")
        return self.metrics[metric]

    def quantile(self, metric: str, q: float) -> float:
        return self[metric].quantile(q)

    def to_dict(self) -> dict:
        return {
            "samples": self.samples,
            "feasible_fraction": self.feasible_fraction,
            "infeasible": self.infeasible,
            "metrics": {name: m.to_dict() for name, m in self.metrics.items()} if self.feasible else {},
        }


__all__ = ["Summary", "MetricSummary", "QuantileSketch", "SKETCH_RELATIVE_ERROR"]
