"""Moved to :mod:`inferonomics.stats.summary`.

This path keeps working, with a DeprecationWarning, for one release."""

from ._moved import forward

forward(__name__, "inferonomics.stats.summary")
