"""Moved to :mod:`inferonomics.cores.cbinding`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .cores import cbinding as _moved
from .cores.cbinding import *  # noqa: F401,F403

warnings.warn("inferonomics.cbinding moved to inferonomics.cores.cbinding; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
