"""The ``publish`` and ``export`` commands, plugged into ``shiftcover`` by entry point.

``optimizer.cli`` finds :func:`register` through the ``shiftcover.commands``
entry-point group, so the optimizer never imports this package.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Literal

from calendars.export import FORMATS, export_csv, export_ics, export_xlsx
from calendars.plan import PROGRAM_FILE
from calendars.publish import publish
from optimizer.errors import InputError
from optimizer.io import load_scenario
from optimizer.roster import read_roster_csv


def register(sub: Any) -> None:
    """Add ``publish`` and ``export`` to the CLI's sub-commands."""
    p = sub.add_parser(
        "publish",
        help="publish a roster as subscribable calendars (updates and cancellations)",
        description=(
            "Write one .ics calendar per worker, per agency, for the program and for open "
            "shifts into DIR, keeping DIR/manifest.json so that a re-publish updates changed "
            "events (higher SEQUENCE) and cancels removed ones."
        ),
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--roster", required=True, help="roster.csv to publish")
    p.add_argument("--to", required=True, metavar="DIR", help="publish directory")
    alarm = p.add_mutually_exclusive_group()
    alarm.add_argument(
        "--alarm",
        type=int,
        metavar="MINUTES",
        help="reminder this many minutes before a shift (default: as last published)",
    )
    alarm.add_argument("--no-alarm", action="store_true", help="remove shift reminders")
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser(
        "export",
        help="export a roster as CSV, an Excel workbook or .ics calendars",
        description=(
            "csv: one row per worker per shift. xlsx: grid of workers × dates, a sheet per "
            "agency, hours against limits, unfilled shifts. ics: one calendar (--out ending "
            "in .ics) or every calendar into a directory."
        ),
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--roster", required=True, help="roster.csv to export")
    p.add_argument(
        "--format", choices=FORMATS, help="output format (default: from the --out suffix)"
    )
    p.add_argument("--out", required=True, metavar="PATH", help="file (or directory for ics)")
    p.add_argument(
        "--calendar",
        default=PROGRAM_FILE,
        help="with --format ics and an .ics --out: which calendar, e.g. worker-WRH1.ics "
        f"(default {PROGRAM_FILE})",
    )
    p.add_argument(
        "--alarm", type=int, metavar="MINUTES", help="ics: reminder minutes before a shift"
    )
    p.set_defaults(func=cmd_export)


def _check_alarm(minutes: int | None) -> None:
    if minutes is not None and not 0 <= minutes <= 7 * 24 * 60:
        raise InputError(f"--alarm: expected minutes between 0 and 10080, got {minutes}")


def cmd_publish(args: argparse.Namespace) -> int:
    """``shiftcover publish SCENARIO --roster roster.csv --to DIR``."""
    _check_alarm(args.alarm)
    scenario = load_scenario(args.scenario)
    assignments = read_roster_csv(args.roster, scenario)
    alarm: int | Literal["keep"] | None = "keep"
    if args.no_alarm:
        alarm = None
    elif args.alarm is not None:
        alarm = args.alarm
    report = publish(scenario, assignments, args.to, alarm_minutes=alarm, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.summary())
    return 0


def export_format(out: str | Path, given: str | None) -> str:
    """The export format: as given, or from the output's suffix."""
    if given:
        return given
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise InputError(
        f"--out {out}: cannot tell the format from the name; add --format csv|xlsx|ics"
    )


def cmd_export(args: argparse.Namespace) -> int:
    """``shiftcover export SCENARIO --roster roster.csv --format csv|xlsx|ics --out PATH``."""
    _check_alarm(args.alarm)
    fmt = export_format(args.out, args.format)
    out = Path(args.out)
    if fmt in ("csv", "xlsx") and out.is_dir():
        raise InputError(f"--out {out}: is a directory; give a file name ending in .{fmt}")
    scenario = load_scenario(args.scenario)
    assignments = read_roster_csv(args.roster, scenario)
    if fmt == "csv":
        written = [export_csv(scenario, assignments, out)]
    elif fmt == "xlsx":
        written = [export_xlsx(scenario, assignments, out)]
    else:
        written = export_ics(
            scenario, assignments, out, calendar=args.calendar, alarm_minutes=args.alarm
        )
    for path in written:
        print(f"wrote {path}")
    return 0
