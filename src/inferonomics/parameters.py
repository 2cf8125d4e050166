"""Moved to :mod:`inferonomics.model.registry`. This path keeps working, with a
DeprecationWarning, for one release."""

import warnings

from .model import registry as _moved
from .model.registry import *  # noqa: F401,F403

warnings.warn("inferonomics.parameters moved to inferonomics.model.registry; the old path goes "
              "away in the next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
