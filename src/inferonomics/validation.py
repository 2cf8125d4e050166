"""Moved to :mod:`inferonomics.fidelity.validation`.

This path keeps working, with a DeprecationWarning, for one release."""

from ._moved import forward

forward(__name__, "inferonomics.fidelity.validation")
