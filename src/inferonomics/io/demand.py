"""``[demand]``: how much a service is asked for (issue 12, part 3) and how the rate moves through
the hours, days and months (issue 13).

The volume is given one way: ``tokens_per_month`` (input plus output, split in the ratio of each
sample's workload input and output lengths), ``input_tokens_per_month`` with
``output_tokens_per_month``, ``requests_per_s`` (a mean over the month; each request has the
workload's input and output tokens), or ``file``: a CSV of hourly rates (requests/s), which gives
the shape too (repeated over a longer horizon; its mean is the requests_per_s). ``cache_hit_share`` is the share of input tokens an API reads
from its prompt cache. Every figure may be a distribution.

The shape: ``profile = "flat"`` (the default) or ``"diurnal"`` (a cosine through the day with
``peak_to_trough`` and ``peak_hour``), or 24 ``hourly`` weights; times 7 ``weekly`` weights (the
horizon starts on a Monday at 00:00); times compound ``growth_per_month``. :meth:`Shape.factors`
gives the multiplier of the mean rate for each hour, scaled to mean 1 over the horizon asked for,
so ``requests_per_s`` stays the mean; ``noise_sigma`` then multiplies each hour by its own
lognormal factor of mean 1 (hour-to-hour variation; the expected rate keeps the shape), and
``bursts_per_day`` hours a day on average (each hour independently) run at ``burst_factor`` times
the rate, the other hours giving way so the expected mean stays ``requests_per_s``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..errors import ScenarioError, printable, suggest
from ..model.reference import HOURS_PER_YEAR, MONTHS_PER_YEAR, SECONDS_PER_HOUR
from ..model.registry import (ANALYSIS_PARAMETER_BY_PATH, DEFAULT_BURST_FACTOR,
                              DEMAND_BURST_STREAM, DEMAND_NOISE_STREAM, default_of)
from ..sampling.columns import draw_column, standard_normal_quantiles, uniform_grid
from ..sampling.distributions import Distribution, Fixed
from .checks import describe, integer_argument, is_number
from .values import parse_single, section_table

HOURS_PER_MONTH = HOURS_PER_YEAR / MONTHS_PER_YEAR
"""A mean month, a Julian year over twelve (730.5 h): the month of every bill in the package."""
SECONDS_PER_MONTH = HOURS_PER_MONTH * SECONDS_PER_HOUR
VOLUME_FORMS = (("tokens_per_month",), ("input_tokens_per_month", "output_tokens_per_month"),
                ("requests_per_s",), ("file",))
PROFILES = ("flat", "diurnal")
SHAPE_KEYS = ("profile", "peak_to_trough", "peak_hour", "hourly", "weekly", "growth_per_month",
              "noise_sigma", "bursts_per_day", "burst_factor")
VARIATION_KEYS = ("noise_sigma", "bursts_per_day", "burst_factor")
"""Shape keys a ``demand.file`` may take: they vary its rates, not its course."""
DEMAND_KEYS = tuple(k for form in VOLUME_FORMS for k in form) + ("cache_hit_share",) + SHAPE_KEYS
HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7
SERIES_COLUMN = "requests_per_s"
"""The column of a ``demand.file`` CSV that holds the rates (or its only column, header or not)."""
MAX_SERIES_BYTES = 64 << 20
MAX_PROFILE_HOURS = 24 * 366 * 30
"""Longest profile asked for: 30 years of hours."""


@dataclass(frozen=True)
class Shape:
    """How the rate moves through time, as multipliers of the mean rate: ``daily`` is None for a
    cosine (``peak_to_trough`` and ``peak_hour`` per sample) or 24 weights of mean 1 (flat: all 1);
    ``weekly`` 7 weights of mean 1; ``growth_per_month`` compound."""

    profile: str
    daily: tuple[float, ...] | None
    weekly: tuple[float, ...]
    peak_to_trough: Distribution | None = None
    peak_hour: Distribution | None = None
    growth_per_month: Distribution | None = None
    noise_sigma: Distribution | None = None
    bursts_per_day: Distribution | None = None
    burst_factor: Distribution | None = None
    series: tuple[float, ...] | None = None   # a user's hourly rates (demand.file), repeated

    def factors(self, keys: list[int], hours: int) -> np.ndarray:
        """The multiplier of the mean rate in each of ``hours`` hours from the start (Monday
        00:00), per sample key: shape (samples, hours), each row of mean 1 (a user's series:
        its rates over its own mean, whatever the horizon). The cosine is taken at
        the start of each hour (h:00), so a fractional ``peak_hour`` shares its peak between two
        hours."""
        hours = integer_argument("hours", hours, 1, MAX_PROFILE_HOURS)
        h = np.arange(hours, dtype=float)
        n = len(keys)
        if self.series is not None:   # the user's rates, repeated if the horizon is longer
            daily = np.tile(np.asarray(self.series)[np.arange(hours) % len(self.series)], (n, 1))
        elif self.daily is not None:
            daily = np.tile(np.asarray(self.daily)[np.arange(hours) % HOURS_PER_DAY], (n, 1))
        else:
            ratio = self._draw("peak_to_trough", keys)[:, None]
            peak = self._draw("peak_hour", keys)[:, None]
            # 1 + a cos(...) has peak 1 + a and trough 1 - a: a = (R - 1) / (R + 1) gives a ratio
            # of R, and the cosine's 24 hourly values average 0, so the day's mean stays 1.
            amplitude = (ratio - 1.0) / (ratio + 1.0)
            daily = 1.0 + amplitude * np.cos(2.0 * np.pi * (h[None, :] - peak) / HOURS_PER_DAY)
        weekly = np.asarray(self.weekly)[(np.arange(hours) // HOURS_PER_DAY) % DAYS_PER_WEEK]
        out = daily * weekly[None, :]
        if self.growth_per_month is not None:
            growth = self._draw("growth_per_month", keys)[:, None]
            # In logs, relative to the last hour: years of steep growth must not overflow.
            log_trend = np.log1p(growth) * (h[None, :] / HOURS_PER_MONTH)
            out = out * np.exp(log_trend - log_trend.max(axis=1, keepdims=True))
        if self.series is not None:
            # The user's rates as they are: over the file's mean, which is the requests_per_s
            # (a horizon shorter than the file, or not a whole number of its lengths, must not
            # rescale them).
            mean = np.full((n, 1), math.fsum(self.series) / len(self.series))
        else:
            # requests_per_s is the mean over the horizon: a part week or a trend must not move it.
            mean = out.mean(axis=1, keepdims=True)
        if not (mean > 0.0).all():
            which = "demand.weekly" if not weekly.any() else "demand.hourly"
            raise ScenarioError(which, f"the weights give no demand at all in the {hours} hours "
                                "asked for")
        out = out / mean
        if self.noise_sigma is not None:
            # Each hour its own lognormal factor of mean 1 (exp(s z - s^2 / 2)), hour k drawing
            # draw k of the noise stream: the expected rate keeps the shape above.
            sigma = self._draw("noise_sigma", keys)[:, None]
            z = standard_normal_quantiles(uniform_grid(keys, DEMAND_NOISE_STREAM, hours))
            out = out * np.exp(sigma * z - 0.5 * sigma * sigma)
        if self.bursts_per_day is not None:
            # Hour k bursts when draw k of the burst stream falls below bursts_per_day / 24; the
            # others give way (all divided by the expected factor 1 + p (f - 1)), so the rate's
            # expected mean stays requests_per_s.
            share = self._draw("bursts_per_day", keys)[:, None] / HOURS_PER_DAY
            factor = (self._draw("burst_factor", keys)[:, None] if self.burst_factor is not None
                      else np.full((len(keys), 1), DEFAULT_BURST_FACTOR))
            bursts = uniform_grid(keys, DEMAND_BURST_STREAM, hours) < share
            out = out * np.where(bursts, factor, 1.0) / (1.0 + share * (factor - 1.0))
        return out

    def _draw(self, name: str, keys: list[int]) -> np.ndarray:
        return draw_column(getattr(self, name), ANALYSIS_PARAMETER_BY_PATH[f"demand.{name}"].stream,
                           keys)


def _weights(path: str, raw: Any, length: int) -> tuple[float, ...]:
    """``length`` non-negative weights, not all zero, scaled to mean 1."""
    if (not isinstance(raw, list) or len(raw) != length
            or not all(is_number(v) and not isinstance(v, bool) for v in raw)):
        raise ScenarioError(path, f"must be a list of {length} numbers >= 0, got {describe(raw)}")
    values = [float(v) for v in raw]
    if not all(math.isfinite(v) and v >= 0.0 for v in values) or not any(v > 0.0 for v in values):
        raise ScenarioError(path, f"must be {length} finite numbers >= 0, not all 0, got {raw}")
    top = max(values)                      # scaled first, so huge weights cannot overflow the sum
    mean = sum(v / top for v in values) / length
    return tuple(v / top / mean for v in values)


def parse_shape(table: Mapping) -> Shape:
    """The shape keys of a ``[demand]`` table (all optional: flat, every day alike, no growth)."""
    profile = table.get("profile", "flat")
    if profile not in PROFILES:
        raise ScenarioError("demand.profile", f"unknown profile {describe(profile)}"
                            f"{suggest(str(profile), PROFILES)}; one of {', '.join(PROFILES)} (or "
                            "24 hourly weights)")
    parse = lambda k: parse_single(f"demand.{k}", table[k], ANALYSIS_PARAMETER_BY_PATH[f"demand.{k}"])
    cosine = [k for k in ("peak_to_trough", "peak_hour") if k in table]
    if profile == "diurnal":
        if "hourly" in table:
            raise ScenarioError("demand.hourly", 'give the day\'s shape one way: profile = '
                                '"diurnal" with peak_to_trough and peak_hour, or hourly weights')
        for key in ("peak_to_trough", "peak_hour"):
            if key not in table:
                raise ScenarioError(f"demand.{key}", 'missing: profile = "diurnal" needs '
                                    "peak_to_trough and peak_hour")
    elif cosine:
        raise ScenarioError(f"demand.{cosine[0]}", 'applies only with profile = "diurnal"')
    if "burst_factor" in table and "bursts_per_day" not in table:
        raise ScenarioError("demand.burst_factor", "applies only with bursts_per_day (the hours a "
                            "day that burst)")
    daily = (None if profile == "diurnal" else
             _weights("demand.hourly", table["hourly"], HOURS_PER_DAY) if "hourly" in table
             else (1.0,) * HOURS_PER_DAY)
    weekly = (_weights("demand.weekly", table["weekly"], DAYS_PER_WEEK) if "weekly" in table
              else (1.0,) * DAYS_PER_WEEK)
    return Shape("hourly" if "hourly" in table else profile, daily, weekly,
                 *(parse(k) if k in table else None
                   for k in ("peak_to_trough", "peak_hour", "growth_per_month", "noise_sigma",
                             "bursts_per_day", "burst_factor")))


@dataclass(frozen=True)
class Demand:
    """A month's demand: ``volume`` maps the keys of one volume form to their distributions."""

    volume: dict[str, Distribution]
    cache_hit_share: Distribution
    shape: Shape = field(default_factory=lambda: parse_shape({}))

    def draw(self, keys: list[int], input_tokens: np.ndarray, output_tokens: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Input and output tokens per month and the cache-hit share, per sample key, given each
        sample's input and output tokens per request."""
        x = {k: draw_column(d, ANALYSIS_PARAMETER_BY_PATH[f"demand.{k}"].stream, keys)
             for k, d in self.volume.items()}   # a file's series: its mean as requests_per_s
        if "tokens_per_month" in x:
            out_share = output_tokens / (input_tokens + output_tokens)
            v_out = x["tokens_per_month"] * out_share
            v_in = x["tokens_per_month"] - v_out
        elif "requests_per_s" in x:
            requests = x["requests_per_s"] * SECONDS_PER_MONTH
            v_in, v_out = requests * input_tokens, requests * output_tokens
        else:
            v_in, v_out = x["input_tokens_per_month"], x["output_tokens_per_month"]
        share = draw_column(self.cache_hit_share,
                            ANALYSIS_PARAMETER_BY_PATH["demand.cache_hit_share"].stream, keys)
        return v_in, v_out, share

    def to_dict(self) -> dict[str, Any]:
        return {k: {"median": d.median(), "support": list(d.support())}
                for k, d in {**self.volume, "cache_hit_share": self.cache_hit_share}.items()}


def parse_demand(table: Any, base_dir: Path | None = None) -> Demand | None:
    """Check ``[demand]`` (None when the scenario has none); ``base_dir``: the scenario's folder,
    where a relative ``file`` is read from."""
    if table is None:
        return None
    table = section_table("demand", table, DEMAND_KEYS)
    forms = [form for form in VOLUME_FORMS if any(k in table for k in form)]
    if len(forms) != 1:
        given = " and ".join(k for form in forms for k in form if k in table)
        raise ScenarioError("demand", ("give the volume one way, not " + given) if forms else
                            "missing: give tokens_per_month, input_tokens_per_month with "
                            "output_tokens_per_month, requests_per_s, or a file of hourly rates")
    for key in forms[0]:
        if key not in table:
            raise ScenarioError(f"demand.{key}", f"missing: {' and '.join(forms[0])} go together")
    parse = lambda k: parse_single(f"demand.{k}", table[k], ANALYSIS_PARAMETER_BY_PATH[f"demand.{k}"])
    share_param = ANALYSIS_PARAMETER_BY_PATH["demand.cache_hit_share"]
    share = parse("cache_hit_share") if "cache_hit_share" in table else default_of(share_param)
    if forms[0] == ("file",):
        series = read_series(table["file"], base_dir)
        for key in SHAPE_KEYS:
            if key in table and key not in VARIATION_KEYS:
                raise ScenarioError(f"demand.{key}", "a demand.file gives the rate hour by hour: "
                                    "its shape cannot be given too (noise_sigma and bursts can)")
        mean = Fixed(math.fsum(series) / len(series))
        shape = parse_shape({k: v for k, v in table.items() if k in VARIATION_KEYS})
        return Demand({"requests_per_s": mean}, share, replace(shape, series=series))
    return Demand({k: parse(k) for k in forms[0]}, share, parse_shape(table))


def read_series(text: Any, base_dir: Path | None) -> tuple[float, ...]:
    """The hourly rates (requests/s, >= 0, finite, not all 0) of a CSV file: the column
    ``requests_per_s``, or the only column (with or without a header); one row an hour. A relative
    path is taken from the scenario's folder."""
    if not isinstance(text, str) or not text.strip():
        raise ScenarioError("demand.file", f"must be a path to a CSV file, got {describe(text)}")
    path = Path(text)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        if path.stat().st_size > MAX_SERIES_BYTES:
            raise ScenarioError("demand.file", f"{printable(str(path))} is larger than "
                                f"{MAX_SERIES_BYTES >> 20} MB; a demand series is one row an hour")
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ScenarioError("demand.file", f"cannot read {printable(str(path))}: {reason}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    column = 0
    if rows and not is_number(_number(rows[0][0])):
        header = [cell.strip() for cell in rows[0]]
        if SERIES_COLUMN in header:
            column = header.index(SERIES_COLUMN)
        elif len(header) != 1:
            raise ScenarioError("demand.file", f"no column {SERIES_COLUMN!r} in "
                                f"{printable(str(path))} (columns: {printable(', '.join(header))})")
        rows = rows[1:]
    if not 1 <= len(rows) <= MAX_PROFILE_HOURS:
        raise ScenarioError("demand.file", f"must hold 1 to {MAX_PROFILE_HOURS:,} hourly rates, "
                            f"got {len(rows):,}")
    values = []
    for i, row in enumerate(rows):
        value = _number(row[column]) if column < len(row) else None
        if not is_number(value) or not math.isfinite(value) or value < 0.0:
            raise ScenarioError(f"demand.file[{i}]", "each hour's rate must be a finite number "
                                f">= 0 (requests/s), got {printable(repr(row[column:column + 1]))}")
        values.append(value)
    if not any(v > 0.0 for v in values):
        raise ScenarioError("demand.file", "every hour's rate is 0: no demand")
    return tuple(values)


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


__all__ = ["Demand", "Shape", "parse_demand", "parse_shape", "HOURS_PER_MONTH", "SECONDS_PER_MONTH"]
