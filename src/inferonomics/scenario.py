"""Moved to :mod:`inferonomics.io.scenario`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .io import scenario as _moved
from .io.scenario import *  # noqa: F401,F403

warnings.warn("inferonomics.scenario moved to inferonomics.io.scenario; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
