"""Probability distributions of uncertain inputs, as plain Python transforms of uniform draws.

Every distribution turns uniforms ``u(0), u(1), ...`` from its own counter-based stream (see
:mod:`inferonomics.sampling.rng`) into one value. The transforms are inverse CDFs wherever a closed form or a
fixed-cost approximation exists, so one uniform gives one value and the native cores can compute the
same thing without branches that depend on earlier draws. The one exception is PERT, a scaled Beta,
drawn as a ratio of two Gamma variates by Marsaglia and Tsang's rejection method.

These classes are the specification; the native cores mirror ``sample`` line by line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

UniformSource = Callable[[int], float]
"""``u(k)`` returns the k-th uniform in (0, 1) of the stream being drawn from."""

SQRT2 = math.sqrt(2.0)
# The stream's uniforms lie in [2**-53, 1 - 2**-53] (see rng.py), so an inverse-CDF draw of an
# unbounded normal never leaves mean +- NORMAL_REACH * sd: that is the support it can produce.
UNIFORM_MIN = 2.0 ** -53
MIN_TRUNCATED_MASS = 1e-12           # a truncated normal keeping less probability than this is refused
PERT_DEFAULT_LAMBDA = 4.0            # Vose (2008), "Risk Analysis", the classic PERT weight of the mode
GAMMA_MAX_ATTEMPTS = 64              # acceptance is >= 95% for shape >= 1: 64 rejections has p < 1e-80
GAMMA_SECOND_VARIATE_OFFSET = 1 << 16  # draws of the second Gamma of a Beta start at this k


def standard_normal_cdf(x: float) -> float:
    """Phi(x), the standard normal CDF."""
    return 0.5 * math.erfc(-x / SQRT2)


# Wichura's AS241 (PPND16) rational approximations, coefficients of the paper, highest power first
# (numerator, denominator) for each of the three regions; the numba core evaluates the same tuples.
AS241_CENTRAL = ((2.5090809287301226727e+3, 3.3430575583588128105e+4, 6.7265770927008700853e+4,
                  4.5921953931549871457e+4, 1.3731693765509461125e+4, 1.9715909503065514427e+3,
                  1.3314166789178437745e+2, 3.3871328727963666080e+0),
                 (5.2264952788528545610e+3, 2.8729085735721942674e+4, 3.9307895800092710610e+4,
                  2.1213794301586595867e+4, 5.3941960214247511077e+3, 6.8718700749205790830e+2,
                  4.2313330701600911252e+1, 1.0))
AS241_NEAR_TAIL = ((7.7454501427834140764e-4, 2.2723844989269184583e-2, 2.4178072517745061177e-1,
                    1.2704582524523683826e+0, 3.6478483247632045960e+0, 5.7694972214606914055e+0,
                    4.6303378461565452959e+0, 1.4234371107496835773e+0),
                   (1.0507500716444168432e-9, 5.4759380849953445460e-4, 1.5198666563616457197e-2,
                    1.4810397642748007459e-1, 6.8976733498510000455e-1, 1.6763848301838038494e+0,
                    2.0531916266377588219e+0, 1.0))
AS241_FAR_TAIL = ((2.0103343992922881327e-7, 2.7115555687434875782e-5, 1.2426609473880784386e-3,
                   2.6532189526576123093e-2, 2.9656057182850489123e-1, 1.7848265399172913358e+0,
                   5.4637849111641143699e+0, 6.6579046435011037772e+0),
                  (2.0442631033899397856e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5,
                   7.8686913114561325910e-4, 1.4875361290850614853e-2, 1.3692988092273580531e-1,
                   5.9983220655588793769e-1, 1.0))


def horner(coefficients, x: float) -> float:
    """The polynomial with ``coefficients`` (highest power first) at ``x``, by Horner's rule."""
    value = coefficients[0]
    for c in coefficients[1:]:
        value = value * x + c
    return value


def standard_normal_quantile(p: float) -> float:
    """Phi^-1(p) for 0 < p < 1: Wichura's algorithm AS241 (PPND16), relative error about 1e-16.

    Wichura, M. J. (1988). "Algorithm AS 241: The percentage points of the normal distribution".
    Applied Statistics 37(3): 477-484. The coefficients are those of the paper.
    """
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        num, den = AS241_CENTRAL
        return horner(num, r) * q / horner(den, r)
    r = p if q < 0.0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        num, den = AS241_NEAR_TAIL
        r = r - 1.6
    else:
        num, den = AS241_FAR_TAIL
        r = r - 5.0
    x = horner(num, r) / horner(den, r)
    return -x if q < 0.0 else x


NORMAL_REACH = -standard_normal_quantile(UNIFORM_MIN)   # about 8.2 standard deviations


SMALLEST_PROBABILITY = 2.2250738585072014e-308   # the smallest normal double


def clamp_probability(p: float) -> float:
    """Keep an interpolated probability off 0 and 1 (whose quantiles are infinite), where rounding
    may have pushed it; far tails legitimately go below the stream's smallest uniform."""
    return min(max(p, SMALLEST_PROBABILITY), 1.0 - UNIFORM_MIN)


def gamma_marsaglia_tsang(shape: float, u: UniformSource, first_draw: int) -> float:
    """One Gamma(shape, 1) variate, ``shape >= 1``.

    Marsaglia, G. & Tsang, W. W. (2000). "A simple method for generating gamma variables". ACM TOMS
    26(3): 363-372. Attempt ``t`` uses draws ``first_draw + 2t`` (for the normal, by inverse CDF)
    and ``first_draw + 2t + 1`` (for the acceptance test).
    """
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    for attempt in range(GAMMA_MAX_ATTEMPTS):
        x = standard_normal_quantile(u(first_draw + 2 * attempt))
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        if math.log(u(first_draw + 2 * attempt + 1)) < 0.5 * x * x + d - d * v + d * math.log(v):
            return d * v
    return d  # the mode of the proposal; reached with probability below 1e-80


@dataclass(frozen=True)
class Distribution:
    """Base class. ``support()`` bounds every value ``sample`` can return."""

    kind = "base"

    def sample(self, u: UniformSource) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def support(self) -> tuple[float, float]:  # pragma: no cover - abstract
        raise NotImplementedError

    def median(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def mean(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def is_fixed(self) -> bool:
        return False


@dataclass(frozen=True)
class Fixed(Distribution):
    """A known value: consumes no draws."""

    value: float
    kind = "fixed"

    def sample(self, u: UniformSource) -> float:
        return self.value

    def support(self):
        return (self.value, self.value)

    def median(self):
        return self.value

    def mean(self):
        return self.value

    @property
    def is_fixed(self) -> bool:
        return True


@dataclass(frozen=True)
class Uniform(Distribution):
    low: float
    high: float
    kind = "uniform"

    def sample(self, u):
        return self.low + (self.high - self.low) * u(0)

    def support(self):
        return (self.low, self.high)

    def median(self):
        return 0.5 * (self.low + self.high)

    mean = median


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal(mean, sd), optionally truncated to ``[low, high]`` (drawn by inverse CDF, so exactly one
    uniform per value and no rejection)."""

    mean_: float
    sd: float
    low: float = -math.inf
    high: float = math.inf
    kind = "normal"

    @property
    def truncated(self) -> bool:
        return self.low > -math.inf or self.high < math.inf

    def _standard_bounds(self):
        return (self.low - self.mean_) / self.sd, (self.high - self.mean_) / self.sd

    def truncated_mass(self) -> float:
        """Probability the untruncated normal puts inside ``[low, high]``."""
        if self.sd == 0.0:
            return 1.0 if self.low <= self.mean_ <= self.high else 0.0
        a, b = self._standard_bounds()
        return standard_normal_cdf(b) - standard_normal_cdf(a)

    def _quantile(self, p: float) -> float:
        if self.sd == 0.0:
            return self.mean_
        if not self.truncated:
            return self.mean_ + self.sd * standard_normal_quantile(p)
        a, b = self._standard_bounds()
        if a >= 0.0:
            # Upper tail: work with the survival function, where doubles still have digits.
            qa, qb = standard_normal_cdf(-a), standard_normal_cdf(-b)
            z = -standard_normal_quantile(clamp_probability(qa - p * (qa - qb)))
        else:
            pa, pb = standard_normal_cdf(a), standard_normal_cdf(b)
            z = standard_normal_quantile(clamp_probability(pa + p * (pb - pa)))
        return min(max(self.mean_ + self.sd * z, self.low), self.high)

    def sample(self, u):
        return self._quantile(u(0))

    def support(self):
        """The values a draw can take: the quantiles of the smallest and largest uniform the
        stream produces (the inverse CDF is monotone)."""
        return (self._quantile(UNIFORM_MIN), self._quantile(1.0 - UNIFORM_MIN))

    def median(self):
        return self._quantile(0.5)

    def mean(self):
        if self.sd == 0.0 or not self.truncated:
            return self.mean_
        a, b = self._standard_bounds()
        pdf = lambda z: 0.0 if math.isinf(z) else math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
        return self.mean_ + self.sd * (pdf(a) - pdf(b)) / self.truncated_mass()


@dataclass(frozen=True)
class LogNormal(Distribution):
    """exp(Normal(ln median, sigma)): positive, right-skewed; ``median`` in the parameter's unit."""

    median_: float
    sigma: float
    kind = "lognormal"

    def sample(self, u):
        return self.median_ * math.exp(self.sigma * standard_normal_quantile(u(0)))

    def support(self):
        """The values a draw can take: ``median * exp(+-sigma * NORMAL_REACH)`` (0 or inf where
        that underflows or overflows, which the scenario loader then refuses); the normal quantile
        is odd, so the reach is the same on both sides."""
        try:
            high = self.median_ * math.exp(self.sigma * NORMAL_REACH)
        except OverflowError:
            high = math.inf
        return (self.median_ * math.exp(-self.sigma * NORMAL_REACH), high)

    def median(self):
        return self.median_

    def mean(self):
        return self.median_ * math.exp(0.5 * self.sigma * self.sigma)


@dataclass(frozen=True)
class Triangular(Distribution):
    low: float
    mode: float
    high: float
    kind = "triangular"

    def _quantile(self, p):
        width = self.high - self.low
        if width == 0.0:
            return self.low
        if p * width < self.mode - self.low:
            return self.low + math.sqrt(p * width * (self.mode - self.low))
        return self.high - math.sqrt((1.0 - p) * width * (self.high - self.mode))

    def sample(self, u):
        return self._quantile(u(0))

    def support(self):
        return (self.low, self.high)

    def median(self):
        return self._quantile(0.5)

    def mean(self):
        return (self.low + self.mode + self.high) / 3.0


@dataclass(frozen=True)
class Pert(Distribution):
    """PERT(low, mode, high): ``low + (high - low) * Beta(alpha, beta)`` with
    ``alpha = 1 + lambda (mode - low) / (high - low)`` and ``beta = 1 + lambda (high - mode) / (high - low)``
    (Vose 2008). Both shapes are at least 1, which the Gamma method requires."""

    low: float
    mode: float
    high: float
    lam: float = PERT_DEFAULT_LAMBDA
    kind = "pert"

    def shapes(self) -> tuple[float, float]:
        width = self.high - self.low
        return (1.0 + self.lam * (self.mode - self.low) / width,
                1.0 + self.lam * (self.high - self.mode) / width)

    def sample(self, u):
        if self.high == self.low:
            return self.low
        alpha, beta = self.shapes()
        g1 = gamma_marsaglia_tsang(alpha, u, 0)
        g2 = gamma_marsaglia_tsang(beta, u, GAMMA_SECOND_VARIATE_OFFSET)
        return self.low + (self.high - self.low) * g1 / (g1 + g2)

    def support(self):
        return (self.low, self.high)

    def median(self):
        """Kerman's closed-form approximation of the Beta median, (a - 1/3) / (a + b - 2/3), relative
        error under 4% for shapes >= 1 (Kerman 2011, Electron. J. Statist. 5: 1374-1388)."""
        if self.high == self.low:
            return self.low
        alpha, beta = self.shapes()
        return self.low + (self.high - self.low) * (alpha - 1.0 / 3.0) / (alpha + beta - 2.0 / 3.0)

    def mean(self):
        return (self.low + self.lam * self.mode + self.high) / (self.lam + 2.0)


@dataclass(frozen=True)
class Choice(Distribution):
    """One of ``values`` with probabilities proportional to ``weights``."""

    values: tuple[float, ...]
    weights: tuple[float, ...]
    kind = "choice"

    def sample(self, u):
        target = u(0) * sum(self.weights)
        cumulative = 0.0
        for value, weight in zip(self.values, self.weights):
            cumulative += weight
            if target < cumulative:
                return value
        return self.values[-1]  # target == total only by rounding

    def support(self):
        kept = [v for v, w in zip(self.values, self.weights) if w > 0]
        return (min(kept), max(kept))

    def median(self):
        total = sum(self.weights)
        cumulative = 0.0
        for value, weight in sorted(zip(self.values, self.weights)):
            cumulative += weight
            if cumulative >= 0.5 * total:
                return value
        return max(self.values)

    def mean(self):
        return sum(v * w for v, w in zip(self.values, self.weights)) / sum(self.weights)


DISTRIBUTION_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required keys, optional keys)
    "uniform": (("low", "high"), ()),
    "normal": (("mean", "sd"), ("low", "high")),
    "lognormal": (("median", "sigma"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "pert": (("low", "mode", "high"), ("lambda",)),
    "choice": (("values",), ("weights",)),
}


def make_distribution(kind: str, fields: dict, fail: Callable[[str], Exception]) -> Distribution:
    """Build and check a distribution from already-numeric ``fields``; ``fail(message)`` returns the
    exception to raise, so the caller can attach the key path. Every field must be finite: an
    infinite bound, spread or PERT lambda makes the inverse CDF return inf or NaN."""
    for key, value in fields.items():
        if not all(math.isfinite(v) for v in (value if isinstance(value, (list, tuple)) else [value])):
            raise fail(f"{kind} needs finite numbers, got {key} = {value}")
    if kind == "uniform":
        low, high = fields["low"], fields["high"]
        if low > high:
            raise fail(f"uniform needs low <= high, got low={low}, high={high}")
        return Uniform(low, high)
    if kind == "normal":
        mean, sd = fields["mean"], fields["sd"]
        low, high = fields.get("low", -math.inf), fields.get("high", math.inf)
        if sd < 0:
            raise fail(f"normal needs sd >= 0, got sd={sd}")
        if low >= high:
            raise fail(f"normal needs low < high, got low={low}, high={high}")
        dist = Normal(mean, sd, low, high)
        if dist.truncated_mass() < MIN_TRUNCATED_MASS:
            raise fail(f"normal(mean={mean}, sd={sd}) has almost no probability inside "
                       f"[{low}, {high}]; move the bounds or the mean")
        return dist
    if kind == "lognormal":
        median, sigma = fields["median"], fields["sigma"]
        if median <= 0:
            raise fail(f"lognormal needs median > 0, got median={median}")
        if sigma < 0:
            raise fail(f"lognormal needs sigma >= 0, got sigma={sigma}")
        return LogNormal(median, sigma)
    if kind in ("triangular", "pert"):
        low, mode, high = fields["low"], fields["mode"], fields["high"]
        if not low <= mode <= high:
            raise fail(f"{kind} needs low <= mode <= high, got low={low}, mode={mode}, high={high}")
        if kind == "triangular":
            return Triangular(low, mode, high)
        lam = fields.get("lambda", PERT_DEFAULT_LAMBDA)
        if lam < 0:
            raise fail(f"pert needs lambda >= 0, got lambda={lam}")
        return Pert(low, mode, high, lam)
    if kind == "choice":
        values: Sequence[float] = fields["values"]
        weights = fields.get("weights", [1.0] * len(values))
        if not values:
            raise fail("choice needs at least one value")
        if len(weights) != len(values):
            raise fail(f"choice has {len(values)} values but {len(weights)} weights")
        if not all(math.isfinite(w) and w >= 0 for w in weights) or sum(weights) <= 0:
            raise fail("choice weights must be finite, >= 0 and have a positive sum")
        return Choice(tuple(values), tuple(float(w) for w in weights))
    raise fail(f"unknown distribution {kind!r}")  # pragma: no cover - caller checks the kind
