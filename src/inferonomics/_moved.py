"""Old module paths of this release's re-layout: each keeps working, with a DeprecationWarning, for
one release, as a thin module that calls :func:`forward`."""

from __future__ import annotations

import importlib
import sys
import warnings


def forward(old: str, new: str) -> None:
    """Make module ``old`` (already in ``sys.modules``, being imported) stand for module ``new``:
    every public name of ``new`` (including those its ``__all__`` leaves out), attribute access
    forwarded, and one DeprecationWarning pointing at the import."""
    module = sys.modules[old]
    moved = importlib.import_module(new)
    public = [k for k in vars(moved) if not k.startswith("_")]
    vars(module).update({k: getattr(moved, k) for k in public})
    module.__all__ = public
    module.__getattr__ = lambda name: getattr(moved, name)
    shown = "inferonomics." + old.rsplit("inferonomics.", 1)[-1] if old != "__main__" else old
    warnings.warn(f"{shown} moved to {new}; the old path goes away in the next release",
                  DeprecationWarning, stacklevel=3)
