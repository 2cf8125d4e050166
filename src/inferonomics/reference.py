"""Moved to :mod:`inferonomics.model.reference`. This path keeps working, with a
DeprecationWarning, for one release."""

import warnings

from .model import reference as _moved
from .model.reference import *  # noqa: F401,F403

warnings.warn("inferonomics.reference moved to inferonomics.model.reference; the old path goes "
              "away in the next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
