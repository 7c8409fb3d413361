"""The Curtois & Qu shift scheduling benchmark, read into shiftcover's own scenario model.

The benchmark instances (schedulingbenchmarks.org, ``InstanceN.txt``) are the
field's standard yardstick for rostering engines. Every rule in them is a
general rule of :class:`~optimizer.scenario.Scenario`, so an instance becomes an
ordinary scenario that ``shiftcover solve`` solves with the same engine as any
program — there is no separate benchmark-only model.

Mapping (:func:`scenario_data`):

- day 0 is Monday 2014-01-06, time zone UTC (the benchmark has no DST);
- worker ids are the staff ids and coverage ids the shift ids; each coverage
  line runs daily from 06:00 for the shift's length with ``required: 0``, and
  the instance's cover rows become ``demand`` rows with their own under/over
  weights (over-staffing allowed at its price);
- days off become ``time_off``, shift on/off requests weighted ``want``/``avoid``
  preferences;
- per-employee limits become worker fields (minutes → hours, exact because the
  engine rounds hours × 60 to whole minutes), CannotFollow lists become
  forbidden successions, and the minimum-run rules exempt runs touching the
  horizon ends, as the benchmark defines them.

With the weights set here the scenario's objective is the benchmark's cost.
Published solutions (``InstanceN.txt.out``) are read by :func:`parse_solutions`
and turned into assignments by :func:`roster_assignments`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from optimizer.errors import InputError
from optimizer.io import atomic_write, scenario_from_data
from optimizer.roster import Assignment
from optimizer.scenario import Scenario

#: Day 0 of every instance: the benchmark only says "a Monday"; this one is fixed.
HORIZON_START = dt.date(2014, 1, 6)

#: Clock time at which every imported shift starts. All shifts of a day start
#: together, so any two on one day overlap; the benchmark's own rule is
#: "at most one shift per day", which the scenario states explicitly.
SHIFT_START = dt.time(6, 0)

#: The agency every imported employee belongs to.
AGENCY_ID = "staff"

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


@dataclass(frozen=True, slots=True)
class ShiftType:
    """A shift type: id, length, and the types that may not be worked the next day."""

    id: str
    minutes: int
    cannot_follow: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Employee:
    """An employee's contract limits as the instance states them."""

    id: str
    max_shifts: Mapping[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True, slots=True)
class ShiftRequest:
    """A wish to work (on-request) or not to work (off-request) a shift on a day."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True, slots=True)
class Cover:
    """Requested headcount of a shift type on a day, with the penalty per person off it."""

    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True, slots=True)
class Instance:
    """A parsed ``InstanceN.txt``: exactly the benchmark's data, indexed by day number."""

    name: str
    days: int
    shifts: tuple[ShiftType, ...]
    employees: tuple[Employee, ...]
    days_off: Mapping[str, tuple[int, ...]]
    on_requests: tuple[ShiftRequest, ...]
    off_requests: tuple[ShiftRequest, ...]
    cover: tuple[Cover, ...]

    def date(self, day: int) -> dt.date:
        """The calendar date of day ``day`` in the imported scenario."""
        return HORIZON_START + dt.timedelta(days=day)

    def shift(self, shift_id: str) -> ShiftType:
        """The shift type with this id."""
        return next(s for s in self.shifts if s.id == shift_id)


@dataclass(frozen=True, slots=True)
class PublishedRoster:
    """One roster of a published solution file with its published costs.

    ``days[employee][d]`` is the shift id worked on day ``d``, or None for a day off.
    """

    days: Mapping[str, tuple[str | None, ...]]
    cost: int
    cover_cost: int
    roster_cost: int


# --------------------------------------------------------------------------- parsing


def _int(text: str, where: str, field: str, minimum: int = 0) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError(
            f"{where}: {field}: expected a whole number, got {text.strip()!r}"
        ) from None
    if value < minimum:
        raise InputError(f"{where}: {field}: expected a number ≥ {minimum}, got {value}")
    return value


def _fields(line: str, n: int, where: str, names: str) -> list[str]:
    parts = [p.strip() for p in line.split(",")]
    if len(parts) != n:
        raise InputError(f"{where}: expected {n} fields ({names}), got {len(parts)}: {line!r}")
    return parts


def read_sections(text: str, source: str) -> dict[str, list[tuple[int, str]]]:
    """Split an instance text into its sections: name → (line number, line) pairs.

    Comments and blank lines are dropped; every section must appear once.
    """
    sections: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            current = None
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise InputError(
                    f"{source}, line {number}: unknown section {line!r}; "
                    f"expected one of {', '.join(SECTIONS)}"
                )
            if line in sections:
                raise InputError(f"{source}, line {number}: section {line} appears twice")
            sections[line] = []
            current = line
            continue
        if current is None:
            raise InputError(f"{source}, line {number}: data outside any section: {line!r}")
        sections[current].append((number, line))
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        raise InputError(f"{source}: missing section(s) {', '.join(missing)}")
    return sections


def parse_instance_text(text: str, source: str = "instance", name: str = "instance") -> Instance:
    """Parse the text of an ``InstanceN.txt`` file; ``source`` names it in errors."""
    sec = read_sections(text, source)

    horizon_lines = sec["SECTION_HORIZON"]
    if len(horizon_lines) != 1:
        raise InputError(f"{source}: SECTION_HORIZON: expected one line with the number of days")
    number, line = horizon_lines[0]
    days = _int(line, f"{source}, line {number}", "horizon", minimum=1)
    if days % 7:
        raise InputError(
            f"{source}, line {number}: horizon {days} days is not a whole number of weeks"
        )

    shifts: list[ShiftType] = []
    for number, line in sec["SECTION_SHIFTS"]:
        where = f"{source}, line {number}"
        sid, minutes, follow = _fields(line, 3, where, "ShiftID, LengthMinutes, CannotFollow")
        length = _int(minutes, where, f"shift {sid} length", minimum=1)
        if length >= 24 * 60:
            raise InputError(f"{where}: shift {sid} lasts {length} minutes; expected < 1440")
        shifts.append(ShiftType(sid, length, tuple(x for x in follow.split("|") if x.strip())))
    shift_ids = [s.id for s in shifts]
    _unique_ids(shift_ids, sec["SECTION_SHIFTS"], source, "shift")
    for (number, _), s in zip(sec["SECTION_SHIFTS"], shifts, strict=True):
        for other in s.cannot_follow:
            _known(other, shift_ids, f"{source}, line {number}", "shift")

    employees: list[Employee] = []
    for number, line in sec["SECTION_STAFF"]:
        where = f"{source}, line {number}"
        parts = _fields(
            line,
            8,
            where,
            "ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, "
            "MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends",
        )
        eid = parts[0]
        limits: dict[str, int] = {}
        for item in parts[1].split("|"):
            if "=" not in item:
                raise InputError(f"{where}: MaxShifts: expected shift=max, got {item!r}")
            sid, value = (x.strip() for x in item.split("=", 1))
            _known(sid, shift_ids, where, "shift")
            limits[sid] = _int(value, where, f"MaxShifts {sid}")
        employees.append(
            Employee(
                id=eid,
                max_shifts=limits,
                max_total_minutes=_int(parts[2], where, "MaxTotalMinutes"),
                min_total_minutes=_int(parts[3], where, "MinTotalMinutes"),
                max_consecutive_shifts=_int(parts[4], where, "MaxConsecutiveShifts", minimum=1),
                min_consecutive_shifts=_int(parts[5], where, "MinConsecutiveShifts", minimum=1),
                min_consecutive_days_off=_int(parts[6], where, "MinConsecutiveDaysOff", minimum=1),
                max_weekends=_int(parts[7], where, "MaxWeekends"),
            )
        )
    employee_ids = [e.id for e in employees]
    _unique_ids(employee_ids, sec["SECTION_STAFF"], source, "employee")

    days_off: dict[str, tuple[int, ...]] = {}
    for number, line in sec["SECTION_DAYS_OFF"]:
        where = f"{source}, line {number}"
        eid, *rest = (p.strip() for p in line.split(","))
        _known(eid, employee_ids, where, "employee")
        listed = [_day(x, days, where) for x in rest if x]
        days_off[eid] = tuple(sorted({*days_off.get(eid, ()), *listed}))

    def requests(section: str) -> tuple[ShiftRequest, ...]:
        out: list[ShiftRequest] = []
        for number, line in sec[section]:
            where = f"{source}, line {number}"
            eid, day, sid, weight = _fields(line, 4, where, "EmployeeID, Day, ShiftID, Weight")
            _known(eid, employee_ids, where, "employee")
            _known(sid, shift_ids, where, "shift")
            out.append(
                ShiftRequest(eid, _day(day, days, where), sid, _int(weight, where, "weight"))
            )
        return tuple(out)

    cover: list[Cover] = []
    seen: dict[tuple[int, str], int] = {}
    for number, line in sec["SECTION_COVER"]:
        where = f"{source}, line {number}"
        day, sid, req, under, over = _fields(
            line, 5, where, "Day, ShiftID, Requirement, WeightUnder, WeightOver"
        )
        _known(sid, shift_ids, where, "shift")
        c = Cover(
            _day(day, days, where),
            sid,
            _int(req, where, "requirement"),
            _int(under, where, "weight under"),
            _int(over, where, "weight over"),
        )
        if (c.day, c.shift) in seen:
            raise InputError(
                f"{where}: cover for day {c.day} shift {sid} already given on line "
                f"{seen[(c.day, c.shift)]}"
            )
        seen[(c.day, c.shift)] = number
        cover.append(c)

    return Instance(
        name=name,
        days=days,
        shifts=tuple(shifts),
        employees=tuple(employees),
        days_off=days_off,
        on_requests=requests("SECTION_SHIFT_ON_REQUESTS"),
        off_requests=requests("SECTION_SHIFT_OFF_REQUESTS"),
        cover=tuple(cover),
    )


def parse_instance(path: str | Path) -> Instance:
    """Read and parse an ``InstanceN.txt`` file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    return parse_instance_text(text, str(path), name=path.name.split(".")[0])


def _day(text: str, days: int, where: str) -> int:
    value = _int(text, where, "day")
    if value >= days:
        raise InputError(f"{where}: day {value} is outside the horizon 0–{days - 1}")
    return value


def _known(value: str, known: Sequence[str], where: str, kind: str) -> None:
    if value not in known:
        raise InputError(f"{where}: unknown {kind} {value!r}; known: {', '.join(known)}")


def _unique_ids(ids: list[str], lines: list[tuple[int, str]], source: str, kind: str) -> None:
    seen: set[str] = set()
    for x, (number, _) in zip(ids, lines, strict=True):
        if x in seen:
            raise InputError(f"{source}, line {number}: duplicate {kind} id {x!r}")
        seen.add(x)


_COST_PREFIXES = {
    "final solution": "cost",
    "-- cover costs": "cover_cost",
    "-- roster costs": "roster_cost",
}


def parse_solutions_text(
    text: str, instance: Instance, source: str = "solution"
) -> tuple[PublishedRoster, ...]:
    """Parse a published solution file: rosters, each followed by its costs.

    Roster lines read ``  A: `` then two characters per day (`` .`` off, else
    the shift id padded with ``=``); cost lines close each roster.
    """
    employee_ids = [e.id for e in instance.employees]
    shift_ids = [s.id for s in instance.shifts]
    out: list[PublishedRoster] = []
    rows: dict[str, tuple[str | None, ...]] = {}
    costs: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        where = f"{source}, line {number}"
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        lowered = line.strip().lower()
        prefix = next((p for p in _COST_PREFIXES if lowered.startswith(p)), None)
        if prefix is not None:
            if not rows:
                raise InputError(f"{where}: cost line before any roster line")
            costs[_COST_PREFIXES[prefix]] = _int(line.rsplit(":", 1)[-1], where, "cost")
            if len(costs) == len(_COST_PREFIXES):
                missing = [e for e in employee_ids if e not in rows]
                if missing:
                    raise InputError(f"{where}: roster has no line for {', '.join(missing)}")
                out.append(PublishedRoster(rows, **costs))
                rows, costs = {}, {}
            continue
        if costs:
            raise InputError(f"{where}: roster line inside the cost lines")
        if ": " not in line:
            raise InputError(f"{where}: expected '  ID: ' then two characters per day")
        eid, cells = line.split(": ", 1)
        eid = eid.strip()
        _known(eid, employee_ids, where, "employee")
        if eid in rows:
            raise InputError(f"{where}: second line for employee {eid} in one roster")
        if len(cells) != 2 * instance.days:
            raise InputError(
                f"{where}: expected {2 * instance.days} characters for {instance.days} days, "
                f"got {len(cells)}"
            )
        worked: list[str | None] = []
        for d in range(instance.days):
            cell = cells[2 * d : 2 * d + 2]
            if cell == " .":
                worked.append(None)
                continue
            sid = cell.rstrip("=")
            _known(sid, shift_ids, f"{where}, day {d}", "shift")
            worked.append(sid)
        rows[eid] = tuple(worked)
    if rows or costs:
        raise InputError(f"{source}: last roster is not followed by its three cost lines")
    if not out:
        raise InputError(f"{source}: no roster found")
    return tuple(out)


def parse_solutions(path: str | Path, instance: Instance) -> tuple[PublishedRoster, ...]:
    """Read every roster of a published ``InstanceN.txt.out`` file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    return parse_solutions_text(path.read_text(encoding="utf-8"), instance, str(path))


def shift_id(coverage_id: str, day: dt.date) -> str:
    """The engine's id of the shift of a coverage line on a date."""
    return f"{coverage_id}@{day.isoformat()}"


def roster_assignments(instance: Instance, roster: PublishedRoster) -> tuple[Assignment, ...]:
    """The assignments of a published roster in the imported scenario's shift ids."""
    return tuple(
        sorted(
            Assignment(shift_id(sid, instance.date(d)), eid)
            for eid, worked in roster.days.items()
            for d, sid in enumerate(worked)
            if sid is not None
        )
    )


# --------------------------------------------------------------------------- adapter


def _hours(minutes: int) -> float:
    """Minutes as hours; the engine's round(h × 60) gives back the exact minutes."""
    return minutes / 60


def _clock_after(start: dt.time, minutes: int) -> dt.time:
    return (dt.datetime.combine(HORIZON_START, start) + dt.timedelta(minutes=minutes)).time()


def _day_runs(days: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted days merged into inclusive (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for d in sorted(set(days)):
        if runs and runs[-1][1] == d - 1:
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs


def scenario_tables(instance: Instance) -> dict[str, list[dict[str, Any]]]:
    """The workers, time off, preferences and demand of the scenario, as table rows."""
    order = {s.id: i for i, s in enumerate(instance.shifts)}
    workers = [
        {
            "id": e.id,
            "name": f"Employee {e.id}",
            "agency": AGENCY_ID,
            "max_total_hours": _hours(e.max_total_minutes),
            "min_total_hours": _hours(e.min_total_minutes),
            "max_shifts": dict(e.max_shifts),
            "max_consecutive_days": e.max_consecutive_shifts,
            "min_consecutive_days": e.min_consecutive_shifts,
            "min_consecutive_days_off": e.min_consecutive_days_off,
            "max_weekends": e.max_weekends,
        }
        for e in instance.employees
    ]
    time_off = [
        {
            "worker": eid,
            "start": instance.date(first).isoformat(),
            "end": instance.date(last).isoformat(),
            "reason": "day off" if first == last else "days off",
        }
        for eid, listed in instance.days_off.items()
        for first, last in _day_runs(listed)
    ]
    preferences = [
        {
            "worker": r.employee,
            "kind": kind,
            "date": instance.date(r.day).isoformat(),
            "coverage": r.shift,
            "weight": r.weight,
        }
        for kind, requests in (("want", instance.on_requests), ("avoid", instance.off_requests))
        for r in requests
    ]
    demand = [
        {
            "date": instance.date(c.day).isoformat(),
            "coverage": c.shift,
            "required": c.requirement,
            "under_weight": c.weight_under,
            "over_weight": c.weight_over,
        }
        for c in sorted(instance.cover, key=lambda c: (c.day, order[c.shift]))
    ]
    return {"workers": workers, "time_off": time_off, "preferences": preferences, "demand": demand}


def scenario_header(instance: Instance) -> dict[str, Any]:
    """Everything of the scenario except its tables: horizon, coverage lines, rules, weights."""
    hard = {"mode": "hard"}
    off = {"mode": "off"}
    return {
        "id": f"curtois-{instance.name}".lower(),
        "name": f"Curtois & Qu {instance.name}",
        "description": (
            f"{instance.name} of the Curtois & Qu shift scheduling benchmark: "
            f"{instance.days} days, {len(instance.employees)} staff, "
            f"{len(instance.shifts)} shift types. The objective is the benchmark's cost."
        ),
        "timezone": "UTC",
        "horizon": {"start": HORIZON_START.isoformat(), "weeks": instance.days // 7},
        "agencies": [{"id": AGENCY_ID, "name": "Staff"}],
        "coverage": [
            {
                "id": s.id,
                "name": f"Shift {s.id}",
                "days": "daily",
                "start": SHIFT_START.strftime("%H:%M"),
                "end": _clock_after(SHIFT_START, s.minutes).strftime("%H:%M"),
                "required": 0,
                # Days without a cover row (none in the published instances) cost nothing.
                "under_weight": 0,
                "over_weight": 0,
            }
            for s in instance.shifts
        ],
        "rules": {
            "min_rest_hours": off,
            "max_hours_per_week": off,
            "min_hours_per_week": off,
            "max_shifts_per_week": off,
            "max_weekends": off,
            "max_consecutive_days": {"mode": "hard", "value": None},
            "min_consecutive_days": {"mode": "hard", "boundary": "exempt"},
            "min_consecutive_days_off": {"mode": "hard", "boundary": "exempt"},
            "one_shift_per_day": hard,
            "forbidden_successions": {
                "mode": "hard",
                "pairs": [
                    {"first": s.id, "then": t} for s in instance.shifts for t in s.cannot_follow
                ],
            },
            "total_hours": hard,
            "max_shifts_of_type": hard,
            "max_weekends_in_horizon": hard,
        },
        "weights": {
            "unfilled": 0,
            "below_target": 0,
            "preferences": 1,
            "fairness_hours": 0,
            "fairness_unsocial": 0,
            "agency_share": 0,
        },
    }


def scenario_data(instance: Instance) -> dict[str, Any]:
    """The raw scenario data, tables inline."""
    return {**scenario_header(instance), **scenario_tables(instance)}


def to_scenario(instance: Instance) -> Scenario:
    """The instance as a validated :class:`Scenario`."""
    return scenario_from_data(scenario_data(instance))


#: File names of the tables written next to the scenario YAML.
TABLE_FILES = {
    "workers": "workers.csv",
    "time_off": "time_off.csv",
    "preferences": "preferences.csv",
    "demand": "demand.csv",
}


def _csv_text(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                # JSON keeps nested keys strings: YAML would read a shift called "on" as true.
                k: json.dumps(v, separators=(", ", ": ")) if isinstance(v, dict) else v
                for k, v in row.items()
            }
        )
    return buffer.getvalue()


_TABLE_COLUMNS = {
    "workers": (
        "id",
        "name",
        "agency",
        "max_total_hours",
        "min_total_hours",
        "max_shifts",
        "max_consecutive_days",
        "min_consecutive_days",
        "min_consecutive_days_off",
        "max_weekends",
    ),
    "time_off": ("worker", "start", "end", "reason"),
    "preferences": ("worker", "kind", "date", "coverage", "weight"),
    "demand": ("date", "coverage", "required", "under_weight", "over_weight"),
}


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated values in full: anchors and aliases confuse people editing the file."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_scenario(instance: Instance, out_dir: str | Path) -> Path:
    """Write the instance as ``<name>.yaml`` plus CSV tables in ``out_dir``; returns the YAML path.

    The scenario is validated before anything is written, and each file is
    written atomically.
    """
    to_scenario(instance)  # refuse to write a scenario that would not load
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a directory")
    tables = scenario_tables(instance)
    header = scenario_header(instance)
    document = {**header, **TABLE_FILES}
    texts = {name: _csv_text(tables[name], _TABLE_COLUMNS[name]) for name in TABLE_FILES}
    yaml_text = (
        f"# {header['name']}, imported by `shiftcover curtois import`.\n"
        "# Day 0 of the benchmark is the horizon start; staff ids are worker ids and\n"
        "# shift ids coverage ids. The objective equals the benchmark's cost.\n"
        + yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
    )
    for name, file_name in TABLE_FILES.items():
        with atomic_write(out / file_name, newline="") as fh:
            fh.write(texts[name])
    path = out / f"{instance.name}.yaml"
    with atomic_write(path) as fh:
        fh.write(yaml_text)
    return path
