"""Moved to :mod:`inferonomics.cores.encoding`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .cores import encoding as _moved
from .cores.encoding import *  # noqa: F401,F403

warnings.warn("inferonomics.encoding moved to inferonomics.cores.encoding; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
