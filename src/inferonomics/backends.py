"""Moved to :mod:`inferonomics.cores.backends`.

This path keeps working, with a DeprecationWarning, for one release."""

from ._moved import forward

forward(__name__, "inferonomics.cores.backends")
