"""``inferonomics show``: a scenario written back as TOML, after ``--set``; with ``--resolved``,
every input of the model with the value actually used (catalog entries and defaults filled in)."""

from __future__ import annotations

import sys

from .common import add_scenario_options, scenario_of


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("show", help="a scenario as TOML, after --set; --resolved: every "
                              "input with the value used")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--resolved", action="store_true",
                   help="every input of the model with the value used (catalog entries, defaults "
                        "and the cost mode filled in), as TOML that loads back to the same inputs")
    add_scenario_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    text = scenario_of(args, args.scenario).to_toml(resolved=args.resolved)
    sys.stdout.write(text)
    return 0
