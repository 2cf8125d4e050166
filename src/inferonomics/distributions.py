"""Moved to :mod:`inferonomics.sampling.distributions`.

This path keeps working, with a DeprecationWarning, for one release."""

from ._moved import forward

forward(__name__, "inferonomics.sampling.distributions")
