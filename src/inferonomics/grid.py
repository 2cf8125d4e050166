"""Moved to :mod:`inferonomics.analysis.grid`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .analysis import grid as _moved
from .analysis.grid import *  # noqa: F401,F403

warnings.warn("inferonomics.grid moved to inferonomics.analysis.grid; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
