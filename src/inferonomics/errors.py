"""Exceptions of inferonomics. Every error the library raises on purpose derives from
:class:`InferonomicsError`, so a pipeline can catch them all in one place."""

from __future__ import annotations


class InferonomicsError(Exception):
    """Base class of every error raised by inferonomics on purpose."""


class ScenarioError(InferonomicsError, ValueError):
    """A scenario, catalog entry or explicit input is invalid.

    ``path`` is the dotted key path of the offending value (``"workload.batch"``), so a caller can
    point the user at the exact line of their scenario file.
    """

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class BackendUnavailable(InferonomicsError, RuntimeError):
    """The requested compute backend is not available in this installation; the message says why
    and how to get it."""
