"""Moved to :mod:`inferonomics.io.catalog`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .io import catalog as _moved
from .io.catalog import *  # noqa: F401,F403

warnings.warn("inferonomics.catalog moved to inferonomics.io.catalog; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
