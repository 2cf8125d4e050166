"""Moved to :mod:`inferonomics.cores.numba_core`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .cores import numba_core as _moved
from .cores.numba_core import *  # noqa: F401,F403

warnings.warn("inferonomics.numba_core moved to inferonomics.cores.numba_core; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
