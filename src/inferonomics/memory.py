"""Refusing up front a run whose results would not fit in memory, with the figure and the way
around it, instead of a MemoryError or an out-of-memory kill half-way through."""

from __future__ import annotations

import os

from .errors import ScenarioError

USABLE_FRACTION = 0.8
"""Share of the memory the system reports available that one result may take."""


def available_bytes() -> int | None:
    """Memory the system can give this process now (Linux ``MemAvailable``; elsewhere the free
    physical pages), or None if it does not say."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_fits(needed_bytes: int, key: str, what: str, way_around: str) -> None:
    """A ScenarioError at ``key`` if ``what`` (``needed_bytes``) would take more than
    :data:`USABLE_FRACTION` of the available memory; saying how much and what to do instead."""
    available = available_bytes()
    if available is None or needed_bytes <= USABLE_FRACTION * available:
        return
    raise ScenarioError(key, f"{what} needs {needed_bytes / 1e9:,.1f} GB, and this machine has "
                        f"{available / 1e9:,.1f} GB available; {way_around}")
