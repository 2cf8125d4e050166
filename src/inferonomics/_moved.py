"""Old module paths of this release's re-layout: each keeps working, with a DeprecationWarning, for
one release, as a thin module that calls :func:`forward`.

An old path gives the same objects as the new one, but setting a name on it (``monkeypatch`` of
``inferonomics.sweeps.X``) changes only the old module: patch the new path."""

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
    vars(module).update({k: v for k, v in vars(moved).items() if not k.startswith("_")})
    # `import *` gives what the new module exports (its __all__, where it has one).
    module.__all__ = list(getattr(moved, "__all__", [k for k in vars(moved) if not k.startswith("_")]))
    module.__getattr__ = lambda name: getattr(moved, name)
    spec = getattr(module, "__spec__", None)     # python -m runs an old path as __main__
    shown = spec.name if spec is not None else old
    warnings.warn(f"{shown} moved to {new}; the old path goes away in the next release",
                  DeprecationWarning, stacklevel=3)
