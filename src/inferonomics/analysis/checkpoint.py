"""A sweep's checkpoint: finished grid-point ranges saved as they complete, so an interrupted sweep
(a crash, a kill, Ctrl-C, a lost cluster) resumes where it stopped and ends with the table an
uninterrupted run gives.

The checkpoint is a directory: ``checkpoint.json`` (what the sweep is: the scenario as written,
a digest of the resolved grid, seed, samples, quantiles, metrics, versions) and one
``points-START-STOP.npz`` per finished range, each written to a temporary name and renamed, so a
file is either whole or absent. Resuming checks the description against the sweep asked for and
refuses a mismatch: ranges from another scenario or seed never mix into a table.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..errors import ScenarioError, printable

DESCRIPTION = "checkpoint.json"
PART = re.compile(r"^points-(\d{12})-(\d{12})\.npz$")


def grid_digest(grid) -> str:
    """SHA-256 of the grid's encoded arrays: the resolved inputs of every point (a catalog edit
    changes it even when the scenario's text does not)."""
    digest = hashlib.sha256()

    def feed(obj) -> None:
        if isinstance(obj, np.ndarray):
            digest.update(str((obj.dtype.str, obj.shape)).encode())
            digest.update(np.ascontiguousarray(obj).tobytes())
        elif is_dataclass(obj):
            for f in fields(obj):
                feed(getattr(obj, f.name))
        else:
            digest.update(repr(obj).encode())

    feed(grid.encoded)
    return digest.hexdigest()


class Checkpoint:
    """The checkpoint directory ``path`` of the sweep ``description`` (a JSON-able dict), which
    it keeps in the file ``described_in``.

    A new directory is created; an existing one is used only with ``resume=True`` and only if it
    describes the same sweep."""

    PART = PART
    WHAT = "checkpoint"   # what messages call it

    def __init__(self, path: str | os.PathLike, description: dict[str, Any], resume: bool,
                 described_in: str = DESCRIPTION):
        self.path = Path(path)
        self.description = json.loads(json.dumps(description))   # as it reads back from the file
        where = printable(str(self.path))
        described = self.path / described_in
        if self.path.exists() and not self.path.is_dir():
            raise ScenarioError(self.WHAT, f"{where} exists and is not a directory")
        if described.is_file():
            if not resume:
                raise ScenarioError("resume", f"{where} holds the {self.WHAT} of an earlier run of "
                                    "a sweep; resume it (--resume, resume=True) or delete it to "
                                    "start over")
            try:
                saved = json.loads(described.read_text())
            except (OSError, ValueError) as exc:
                raise ScenarioError(self.WHAT, f"cannot read {where}/{described_in}: {exc}") \
                    from None
            differ = sorted(k for k in set(saved) | set(self.description)
                            if saved.get(k) != self.description.get(k))
            if differ:
                raise ScenarioError("resume", f"the {self.WHAT} at {where} is of a different sweep "
                                    f"({', '.join(differ)} differ); delete it to start over, or "
                                    "resume with the scenario and options it was made with")
            return
        if self.path.is_dir() and any(self.path.iterdir()):
            raise ScenarioError(self.WHAT, f"{where} is a directory that is not a {self.WHAT} "
                                "and not empty; name a new or empty directory")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._write_atomically(described, json.dumps(self.description, indent=1).encode())
        except OSError as exc:
            raise ScenarioError(self.WHAT, f"cannot create {where}: {exc.strerror or exc}") \
                from None

    def _write_atomically(self, target: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tmp-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def save(self, start: int, stop: int, arrays: dict[str, np.ndarray]) -> None:
        """Record grid points ``start .. stop-1`` as finished with these rows."""
        import io

        buf = io.BytesIO()
        np.savez(buf, **arrays)
        self._write_atomically(self.path / f"points-{start:012d}-{stop:012d}.npz", buf.getvalue())

    def parts(self, points: int) -> list[tuple[int, int, Path]]:
        """``(start, stop, file)`` of every range saved so far (files named like ``PART``), in
        order."""
        parts = []
        for entry in self.path.iterdir():
            match = self.PART.match(entry.name)
            if match:
                start, stop = int(match[1]), int(match[2])
                if not 0 <= start < stop <= points:
                    raise ScenarioError(self.WHAT, f"{printable(str(entry))} covers points "
                                        f"{start}..{stop - 1}, outside the grid's {points:,}")
                parts.append((start, stop, entry))
        parts.sort()
        for (_, stop, entry), (start, _, other) in zip(parts, parts[1:]):
            if start < stop:   # two parts with the same points: a table would hold them twice
                raise ScenarioError(self.WHAT, f"{printable(str(entry))} and "
                                    f"{printable(other.name)} overlap; delete one of them")
        return parts

    def finished(self, points: int) -> Iterator[tuple[int, int, dict[str, np.ndarray]]]:
        """``(start, stop, rows)`` of every range saved so far, in order."""
        for start, stop, entry in self.parts(points):
            try:
                with np.load(entry, allow_pickle=False) as data:
                    rows = {k: data[k] for k in data.files}
            except (OSError, ValueError) as exc:
                raise ScenarioError(self.WHAT, f"cannot read {printable(str(entry))}: {exc}; "
                                    "delete it to compute its points again") from None
            yield start, stop, rows   # checked against the table's arrays where they are put

    @staticmethod
    def remove_at(path: str | os.PathLike) -> None:
        """Delete the checkpoint at ``path``, if there is one (once the finished table is safely
        written). Only a directory holding a checkpoint description is removed."""
        path = Path(path)
        if (path / DESCRIPTION).is_file():
            shutil.rmtree(path)


def missing_ranges(have: np.ndarray, batch: int) -> list[tuple[int, int]]:
    """Ranges of at most ``batch`` points covering every point where ``have`` is False."""
    ranges = []
    edges = np.flatnonzero(np.diff(np.concatenate(([1], have.view(np.int8), [1]))))
    for start, stop in zip(edges[::2], edges[1::2]):
        ranges += [(int(a), int(min(a + batch, stop))) for a in range(start, stop, batch)]
    return ranges
