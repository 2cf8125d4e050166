"""Moved to :mod:`inferonomics.analysis.decisions`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .analysis import decisions as _moved
from .analysis.decisions import *  # noqa: F401,F403

warnings.warn("inferonomics.decisions moved to inferonomics.analysis.decisions; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
