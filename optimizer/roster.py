"""Rosters: who works which shift, and the ``roster.csv`` format.

A roster is a set of :class:`Assignment` (shift id, worker id). ``roster.csv``
has exactly the columns ``shift_id,coverage_id,date,start,end,worker_id,
worker_name,agency_id``; ``start``/``end`` are ISO 8601 with UTC offset and
``date`` is the local date of the start.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from optimizer.errors import InputError
from optimizer.io import atomic_write
from optimizer.scenario import Scenario
from optimizer.shifts import Shift, expand_shifts

ROSTER_COLUMNS = (
    "shift_id",
    "coverage_id",
    "date",
    "start",
    "end",
    "worker_id",
    "worker_name",
    "agency_id",
)


@dataclass(frozen=True, slots=True, order=True)
class Assignment:
    """One worker on one shift."""

    shift_id: str
    worker_id: str


@dataclass(frozen=True, slots=True)
class RosterRow:
    """An assignment with the shift and worker details spelled out."""

    shift: Shift
    worker_id: str
    worker_name: str
    agency_id: str
    placeholder: bool = False


def roster_rows(scenario: Scenario, assignments: Iterable[Assignment]) -> list[RosterRow]:
    """Join assignments with shift and worker data, ordered by start, shift and worker."""
    shifts = {s.id: s for s in expand_shifts(scenario)}
    workers = {w.id: w for w in scenario.workers}
    rows = []
    for a in assignments:
        s, w = shifts[a.shift_id], workers[a.worker_id]
        rows.append(RosterRow(s, w.id, w.name, w.agency, w.placeholder))
    rows.sort(key=lambda r: (r.shift.start, r.shift.id, r.worker_id))
    return rows


def write_roster_csv(
    path: str | Path, scenario: Scenario, assignments: Iterable[Assignment]
) -> None:
    """Write ``roster.csv`` atomically."""
    with atomic_write(path, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(ROSTER_COLUMNS)
        for r in roster_rows(scenario, assignments):
            writer.writerow(
                [
                    r.shift.id,
                    r.shift.coverage_id,
                    r.shift.date.isoformat(),
                    r.shift.start.isoformat(),
                    r.shift.end.isoformat(),
                    r.worker_id,
                    r.worker_name,
                    r.agency_id,
                ]
            )


def read_roster_csv(path: str | Path, scenario: Scenario) -> tuple[Assignment, ...]:
    """Read a ``roster.csv`` and check each row against the scenario.

    Rows must name a shift of the scenario and a known worker; when ``start``
    and ``end`` are given they must match the shift's.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    shifts = {s.id: s for s in expand_shifts(scenario)}
    workers = {w.id for w in scenario.workers}
    out: list[Assignment] = []
    seen: set[Assignment] = set()
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"shift_id", "worker_id"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(
                f"{path}: missing column(s) {', '.join(sorted(missing))}; "
                f"expected {','.join(ROSTER_COLUMNS)}"
            )
        for line, row in enumerate(reader, start=2):
            sid, wid = (row.get("shift_id") or "").strip(), (row.get("worker_id") or "").strip()
            if sid not in shifts:
                raise InputError(
                    f"{path}, row {line}: shift_id {sid!r} is not a shift of the scenario"
                )
            if wid not in workers:
                raise InputError(
                    f"{path}, row {line}: worker_id {wid!r} is not a worker of the scenario"
                )
            shift = shifts[sid]
            for col, expected in (("start", shift.start), ("end", shift.end)):
                text = (row.get(col) or "").strip()
                if text:
                    try:
                        value = dt.datetime.fromisoformat(text)
                    except ValueError:
                        raise InputError(
                            f"{path}, row {line}: {col} {text!r} is not an ISO 8601 datetime"
                        ) from None
                    if value.tzinfo is None or value != expected:
                        raise InputError(
                            f"{path}, row {line}: {col} {text} does not match shift {sid} "
                            f"({expected.isoformat()})"
                        )
            a = Assignment(sid, wid)
            if a in seen:
                raise InputError(f"{path}, row {line}: {wid} is listed twice on {sid}")
            seen.add(a)
            out.append(a)
    return tuple(out)


def on_duty_intervals(
    scenario: Scenario, assignments: Sequence[Assignment]
) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """(start, end, worker_id) of every assignment, in UTC, sorted by start."""
    shifts = {s.id: s for s in expand_shifts(scenario)}
    out = [
        (
            shifts[a.shift_id].start.astimezone(dt.UTC),
            shifts[a.shift_id].end.astimezone(dt.UTC),
            a.worker_id,
        )
        for a in assignments
    ]
    out.sort()
    return out
