"""Moved to :mod:`inferonomics.cores.backends`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .cores import backends as _moved
from .cores.backends import *  # noqa: F401,F403

warnings.warn("inferonomics.backends moved to inferonomics.cores.backends; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
