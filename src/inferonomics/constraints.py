"""Moved to :mod:`inferonomics.model.constraints`.

This path keeps working, with a DeprecationWarning, for one release."""

from ._moved import forward

forward(__name__, "inferonomics.model.constraints")
