"""Moved to :mod:`inferonomics.analysis.decisions`.

This path keeps working, with a DeprecationWarning, for one release."""

from ._moved import forward

forward(__name__, "inferonomics.analysis.decisions")
