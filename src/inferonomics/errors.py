"""Exceptions of inferonomics. Every error the library raises on purpose derives from
:class:`InferonomicsError`, so a pipeline can catch them all in one place."""

from __future__ import annotations

import difflib
import unicodedata


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``, ``\\n``): a key in a user's file must
    not retitle or clear their terminal, or split a one-line error."""
    return "".join(c if not unicodedata.category(c).startswith("C") or c == " "
                   else c.encode("unicode_escape").decode("ascii") for c in text)


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
        super().__init__(printable(f"{path}: {message}" if path else message))


class BackendUnavailable(InferonomicsError, RuntimeError):
    """The requested compute backend is not available in this installation; the message says why
    and how to get it."""


class CoreError(InferonomicsError, ValueError):
    """The C core refused a call (an array of the wrong dtype, layout or length, a NULL pointer, an
    argument out of range) or could not allocate its buffers. ``code`` is the core's INF_E_* value,
    or None when this binding refused the call before making it."""

    def __init__(self, message: str, code: int | None = None):
        self.code = code
        super().__init__(message)

    def __reduce__(self):   # keeps ``code`` when a worker process sends the error back
        return type(self), (str(self), self.code)


def suggest(name: str, choices) -> str:
    """' (did you mean: a, b?)' for the closest of ``choices``, or '' if none is close."""
    choices = list(choices)
    # Ids that extend what was typed ("h100" -> "h100-sxm") are the likeliest meaning.
    prefixed = [c for c in choices if c.startswith(name) and c != name]
    close = prefixed[:3] or difflib.get_close_matches(name, choices, n=3, cutoff=0.6)
    return f" (did you mean: {', '.join(close)}?)" if close else ""
