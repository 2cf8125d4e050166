"""Build script. Static metadata lives in pyproject.toml; this file only exists so the native
extension of the C core (csrc/) can be declared, which pyproject.toml cannot do on its own."""
from setuptools import setup

setup()
