"""A progress bar over pieces of work (grid points, samples), when tqdm is installed."""

from __future__ import annotations

import sys

PROGRESS_DELAY_S = 1.0
"""Show a bar only on runs longer than this (seconds)."""


class ProgressBar:
    """A tqdm bar of ``total`` units when ``enabled`` and tqdm is installed (else nothing); tqdm
    shows it only after :data:`PROGRESS_DELAY_S` and only on a terminal (stderr)."""

    def __init__(self, total: int, enabled: bool, unit: str = " points"):
        self.bar = None
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, unit=unit, delay=PROGRESS_DELAY_S, disable=None,
                            file=sys.stderr, dynamic_ncols=True)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
