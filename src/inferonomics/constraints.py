"""Moved to :mod:`inferonomics.model.constraints`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .model import constraints as _moved
from .model.constraints import *  # noqa: F401,F403

warnings.warn("inferonomics.constraints moved to inferonomics.model.constraints; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
