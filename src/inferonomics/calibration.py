"""Moved to :mod:`inferonomics.fidelity.calibration`.

This path keeps working, with a DeprecationWarning, for one release."""

from ._moved import forward

forward(__name__, "inferonomics.fidelity.calibration")

if __name__ == "__main__":  # python -m inferonomics.calibration, as documented before
    main()  # noqa: F821 (forwarded)
