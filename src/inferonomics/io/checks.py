"""Numbers given by a user (scenario files, catalog files, explicit inputs), checked against the
parameter registry: one place for the rule and the message, used by every layer that reads input."""

from __future__ import annotations

import math
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ScenarioError
from ..model.registry import Parameter


def is_number(x: Any) -> bool:
    """Whether ``x`` is a real number: a Python or numpy int or float, but not a bool (``true`` for
    a batch size is a slip, not 1)."""
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def integer_argument(path: str, value: Any, low: int, high: int) -> int:
    """An integer argument of a public function (samples, threads) as a Python int: ints and numpy
    integers are accepted, bools and floats (``2.0`` may be a mistake for ``2e6``) are not."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or not low <= value <= high:
        shown = repr(bool(value)) if isinstance(value, (bool, np.bool_)) else describe(value)
        raise ScenarioError(path, f"must be an integer in [{low:g}, {high:g}], got {shown}")
    return int(value)


LARGEST_DESCRIBED_INT_BITS = 200   # beyond this an int is described by its size, not its digits


def describe(x: Any) -> str:
    """A value as a message shows it (never the 5,000 digits of a huge integer)."""
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, np.generic):
        x = x.item()   # 8, not np.int64(8)
    if isinstance(x, int) and x.bit_length() > LARGEST_DESCRIBED_INT_BITS:
        return f"an integer of about {int(x.bit_length() * math.log10(2)) + 1:,} digits"
    return repr(x)


def as_float(path: str, x: int | float) -> float:
    """A number from a user as a float, or a ScenarioError if it is beyond a float's range."""
    try:
        return float(x)
    except OverflowError:
        raise ScenarioError(path, f"{describe(x)} is beyond the range of a number "
                            "(about 1.8e308)") from None


def check_in_range(path: str, x: float, param: Parameter) -> None:
    if math.isnan(x):
        raise ScenarioError(path, f"must be {param.range_text()}, got nan")
    if not param.accepts(x):
        raise ScenarioError(path, f"must be {param.range_text()}, got {x:g}")
    if param.integer and math.isfinite(x) and x != math.floor(x):
        raise ScenarioError(path, f"must be {param.range_text()}, got {x:g}")


def parse_number(path: str, raw: Any, param: Parameter) -> float:
    """A plain number for ``param``, checked against its range (a switch also takes ``true`` or
    ``false``)."""
    if param.flag and isinstance(raw, (bool, np.bool_)):
        return float(raw)
    if not is_number(raw):
        raise ScenarioError(path, f"must be {param.range_text()}, got {describe(raw)}")
    x = as_float(path, raw)
    check_in_range(path, x, param)
    return x


MAX_TOML_BYTES = 8 << 20
"""Largest scenario or catalog file read (8 MiB; the shipped catalogs are about 20 kB): a file is
read whole, so /dev/zero or a runaway generator must not be."""


def read_toml_file(source, key: str, what: str) -> dict:
    """The TOML table in file ``source``, or a ScenarioError at ``key`` saying why not: a missing or
    unreadable file, anything but a regular file (a FIFO would block forever, a device never
    ends), a file over :data:`MAX_TOML_BYTES`, text that is not UTF-8, invalid or too deeply
    nested TOML."""
    if not isinstance(source, (str, os.PathLike)):
        raise ScenarioError(key, f"{what} must be a file path or a table (dict), got "
                            f"{type(source).__name__}")
    path = Path(source)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ScenarioError(key, f"cannot read {what} {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(key, f"{what} {path} is not a regular file")
    if info.st_size > MAX_TOML_BYTES:
        raise ScenarioError(key, f"{what} {path} is {info.st_size:,} bytes; the limit is "
                            f"{MAX_TOML_BYTES:,}")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(key, f"cannot read {what} {path}: {exc.strerror}") from None
    if len(data) > MAX_TOML_BYTES:
        raise ScenarioError(key, f"{what} {path} is over the limit of {MAX_TOML_BYTES:,} bytes")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(key, f"{what} {path} is not UTF-8 text (is it a TOML file?)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(key, f"{path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(key, f"{what} {path} is nested too deeply") from None
