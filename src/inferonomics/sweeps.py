"""Moved to :mod:`inferonomics.analysis.sweeps`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .analysis import sweeps as _moved
from .analysis.sweeps import *  # noqa: F401,F403

warnings.warn("inferonomics.sweeps moved to inferonomics.analysis.sweeps; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
