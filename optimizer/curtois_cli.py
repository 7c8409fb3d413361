"""``shiftcover curtois``: import Curtois & Qu benchmark instances and published rosters.

``curtois import InstanceN.txt --out DIR`` writes an ordinary scenario (YAML
plus CSV tables) that ``shiftcover solve`` solves; ``curtois roster
InstanceN.txt.out --instance InstanceN.txt --out roster.csv`` turns a published
solution into a ``roster.csv`` that ``shiftcover check`` reads.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from optimizer.curtois import (
    parse_instance,
    parse_solutions,
    roster_assignments,
    to_scenario,
    write_scenario,
)
from optimizer.errors import InputError
from optimizer.roster import write_roster_csv


def register(sub: Any) -> None:
    """Add ``curtois`` and its sub-commands to the CLI."""
    parser = sub.add_parser(
        "curtois", help="import Curtois & Qu benchmark instances and published rosters"
    )
    commands = parser.add_subparsers(
        dest="curtois_command", metavar="SUBCOMMAND", parser_class=type(parser)
    )
    parser.set_defaults(func=lambda args: _usage(parser))

    p = commands.add_parser("import", help="write an instance as a scenario (YAML + CSV)")
    p.add_argument("instance", help="InstanceN.txt file")
    p.add_argument("--out", required=True, help="directory to write the scenario into")
    p.set_defaults(func=cmd_import)

    p = commands.add_parser("roster", help="write a published solution as roster.csv")
    p.add_argument("solution", help="InstanceN.txt.out file")
    p.add_argument("--instance", required=True, help="the InstanceN.txt it solves")
    p.add_argument("--out", required=True, help="roster.csv to write")
    p.add_argument(
        "--which",
        type=int,
        default=1,
        help="which roster of the file (1 = first, the default)",
    )
    p.set_defaults(func=cmd_roster)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def cmd_import(args: argparse.Namespace) -> int:
    """``shiftcover curtois import InstanceN.txt --out DIR``."""
    instance = parse_instance(args.instance)
    path = write_scenario(instance, args.out)
    print(
        f"{instance.name}: {instance.days} days, {len(instance.employees)} staff, "
        f"{len(instance.shifts)} shift types, {len(instance.cover)} cover rows, "
        f"{len(instance.on_requests) + len(instance.off_requests)} shift requests"
    )
    print(f"wrote {path} (+ workers.csv, time_off.csv, preferences.csv, demand.csv)")
    print(f"solve it with: shiftcover solve {path}")
    return 0


def cmd_roster(args: argparse.Namespace) -> int:
    """``shiftcover curtois roster InstanceN.txt.out --instance InstanceN.txt --out roster.csv``."""
    instance = parse_instance(args.instance)
    rosters = parse_solutions(args.solution, instance)
    if not 1 <= args.which <= len(rosters):
        raise InputError(
            f"{args.solution}: --which {args.which}: the file holds {len(rosters)} roster(s)"
        )
    roster = rosters[args.which - 1]
    assignments = roster_assignments(instance, roster)
    write_roster_csv(Path(args.out), to_scenario(instance), assignments)
    print(
        f"{instance.name} roster {args.which} of {len(rosters)}: {len(assignments)} assignments, "
        f"published cost {roster.cost} (cover {roster.cover_cost}, roster {roster.roster_cost})"
    )
    print(f"wrote {args.out}")
    return 0
