"""Moved to :mod:`inferonomics.model.reference`.

This path keeps working, with a DeprecationWarning, for one release."""

from ._moved import forward

forward(__name__, "inferonomics.model.reference")
