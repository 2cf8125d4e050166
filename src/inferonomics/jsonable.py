"""Python objects as JSON can hold them: numpy scalars and arrays become numbers and lists, and
NaN or infinity (a statistic of no feasible sample) becomes null, so ``json.dumps(...,
allow_nan=False)`` never fails and never writes the non-standard ``NaN``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def jsonable(obj: Any) -> Any:
    """``obj`` with dicts, lists and tuples converted recursively (see the module docstring)."""
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    return obj
