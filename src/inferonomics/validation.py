"""Moved to :mod:`inferonomics.fidelity.validation`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .fidelity import validation as _moved
from .fidelity.validation import *  # noqa: F401,F403

warnings.warn("inferonomics.validation moved to inferonomics.fidelity.validation; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
