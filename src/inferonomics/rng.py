"""Moved to :mod:`inferonomics.sampling.rng`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .sampling import rng as _moved
from .sampling.rng import *  # noqa: F401,F403

warnings.warn("inferonomics.rng moved to inferonomics.sampling.rng; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
