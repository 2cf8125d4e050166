"""Command line: ``inferonomics run | sweep | compare | sensitivity | plot | show | catalog |
validate | tco | api | horizon | edge | fleet``.

Errors in the user's input print one line on stderr and exit with status 2; no traceback.

One module per command, each with ``add_parser(subparsers)`` and ``run(args)``; what several
commands share (output formatting, argparse types, the run options) is in :mod:`.common`.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import numpy as np

from ..errors import InferonomicsError, printable
from ..io import catalog as catalogs
from ..versions import __version__
from ..model.registry import TABLE_METRICS
from . import (api, catalog, compare, edge, fleet, horizon, load, plot, run, sensitivity, show, sweep,
               tco, validate)
from .common import EXIT_USAGE

__all__ = ["TABLE_METRICS", "build_parser", "main"]

COMMANDS = (run, catalog, validate, sweep, compare, sensitivity, plot, show, tco, api, horizon, edge,
            fleet, load)   # order of --help


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage block): ``PROG: error: MESSAGE``, exit 2."""

    def error(self, message):
        print(printable(f"{self.prog}: error: {message}"), file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _one_line_warning(message, category, filename, lineno, line=None) -> str:
    """Warnings as one line without the source line that raised them."""
    return printable(f"inferonomics: warning: {message}") + "\n"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="inferonomics",
        description="What it costs to run AI models: USD, joules and gCO2e per token, latency.")
    parser.add_argument("--version", action="version", version=f"inferonomics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    shown_as = warnings.formatwarning
    warnings.formatwarning = _one_line_warning
    try:
        # numpy's floating-point warnings (overflow in a statistic) are not the user's business:
        # what matters reaches them as a value or a ScenarioError. --catalog files apply to this
        # command only (main may run many times in one process).
        with np.errstate(all="ignore"), catalogs.scoped_registrations():
            for path in getattr(args, "catalog", None) or []:
                catalogs.load_catalog_file(path)
            return args.func(args)
    except InferonomicsError as exc:
        # Messages quote the user's text (a column, a value): never let it split the line.
        print(printable(f"inferonomics: error: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("inferonomics: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) closed the pipe: stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")
        return 0
    finally:
        warnings.formatwarning = shown_as
