"""Moved to :mod:`inferonomics.sampling.distributions`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .sampling import distributions as _moved
from .sampling.distributions import *  # noqa: F401,F403

warnings.warn("inferonomics.distributions moved to inferonomics.sampling.distributions; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
