"""Moved to :mod:`inferonomics.analysis.sensitivity`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .analysis import sensitivity as _moved
from .analysis.sensitivity import *  # noqa: F401,F403

warnings.warn("inferonomics.sensitivity moved to inferonomics.analysis.sensitivity; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
