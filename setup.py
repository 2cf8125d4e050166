"""Build script. Static metadata lives in pyproject.toml; this file declares the C core, a cffi
extension built from csrc/ (see csrc/_build_ffi.py for its environment switches)."""
from setuptools import setup

setup(cffi_modules=["csrc/_build_ffi.py:ffibuilder"])
