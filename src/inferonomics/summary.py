"""Moved to :mod:`inferonomics.stats.summary`. This path keeps working, with a DeprecationWarning, for
one release."""

import warnings

from .stats import summary as _moved

warnings.warn("inferonomics.summary moved to inferonomics.stats.summary; the old path goes away in the "
              "next release", DeprecationWarning, stacklevel=2)


# Every public name of the new module, including those its __all__ leaves out.
globals().update({k: v for k, v in vars(_moved).items() if not k.startswith("_")})
__all__ = [k for k in vars(_moved) if not k.startswith("_")]


def __getattr__(name):
    return getattr(_moved, name)
