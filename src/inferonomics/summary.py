"""Moved to :mod:`inferonomics.stats.summary`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .stats import summary as _moved
from .stats.summary import *  # noqa: F401,F403

warnings.warn("inferonomics.summary moved to inferonomics.stats.summary; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
