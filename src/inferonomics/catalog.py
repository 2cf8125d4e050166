"""Moved to :mod:`inferonomics.io.catalog`.

This path keeps working, with a DeprecationWarning, for one release."""

from ._moved import forward

forward(__name__, "inferonomics.io.catalog")
