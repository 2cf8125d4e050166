"""TOML text of a scenario or catalog (tomllib only reads): what ``inferonomics show`` prints, what
a saved table records as the scenario it was made from, and what tests write to disk. Every text
is checked to parse back to the input."""

import datetime
import math
import re
import tomllib
from typing import Mapping

import numpy as np

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_string(s: str) -> str:
    """``s`` as a TOML basic string: quotes, backslashes and control characters escaped (TOML
    allows none of them raw). A lone surrogate has no TOML spelling: ValueError."""
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        elif 0xD800 <= ord(c) <= 0xDFFF:
            raise ValueError("a string holds a lone surrogate, which TOML cannot write")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_key(k: str) -> str:
    """A key: bare when TOML allows it (letters, digits, ``_`` and ``-``), else quoted."""
    if not isinstance(k, str):
        raise TypeError(f"a TOML key must be a string, got {type(k).__name__}")
    return k if _BARE_KEY.fullmatch(k) else toml_string(k)


def toml_value(v) -> str:
    if isinstance(v, np.generic):
        v = v.item()   # numpy scalars from a dict scenario: 8, not np.int64(8)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if isinstance(v, (int, float)):
        return repr(v)
    # TOML's own dates and times (a catalog's `released = 2024-01-01`): datetime before date, its
    # base class.
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"{type(v).__name__} has no TOML spelling")


def same(a, b) -> bool:
    """Whether ``b`` (parsed TOML) holds what ``a`` does: NaN equals NaN, a tuple its list."""
    if isinstance(a, np.generic):
        a = a.item()
    if isinstance(a, Mapping):
        return isinstance(b, Mapping) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def to_toml(raw: Mapping) -> str:
    """TOML for a scenario or catalog: top-level scalars, then one table per dict (one level of
    [a.b] nesting for catalogs). ValueError if no TOML text reads back the same."""
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in raw.items()
             if not isinstance(v, Mapping)]
    for name, table in raw.items():
        if not isinstance(table, Mapping):
            continue
        if table and all(isinstance(v, Mapping) for v in table.values()) and name in ("hardware",
                                                                                      "models"):
            for sub, entry in table.items():
                lines.append(f"[{toml_key(name)}.{toml_string(str(sub))}]")
                lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in entry.items()]
        else:
            lines.append(f"[{toml_key(name)}]")
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    text = "\n".join(lines) + "\n"
    if not same(raw, tomllib.loads(text)):
        raise ValueError("this structure has no TOML text that reads back the same")
    return text
