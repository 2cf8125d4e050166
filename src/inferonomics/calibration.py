"""Moved to :mod:`inferonomics.fidelity.calibration`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .fidelity import calibration as _moved
from .fidelity.calibration import *  # noqa: F401,F403

warnings.warn("inferonomics.calibration moved to inferonomics.fidelity.calibration; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


def __getattr__(name):
    return getattr(_moved, name)
