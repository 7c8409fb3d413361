"""Roster exports: a payroll CSV, an Excel workbook and plain ``.ics`` files.

The workbook is what an agency's payroll clerk and a manager's wall chart
need: a grid of workers × dates, one sheet per agency listing its paid
shifts, hours per worker and ISO week against their limits, and the shifts
still short of staff.

Spreadsheets cannot hold time zones, so times there are local wall-clock
times of the scenario's zone (named in the headers); hours are real elapsed
hours, so a shift across a DST change is paid for what was worked.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from calendars.ical import build_calendars
from calendars.plan import PROGRAM_FILE, Staffing, check_assignments, staffing, worker_label
from calendars.publish import MANIFEST
from optimizer.errors import InputError
from optimizer.io import atomic_write
from optimizer.roster import Assignment, RosterRow, roster_rows
from optimizer.scenario import WEEKDAYS, Mode, Scenario, Worker

#: Columns of the exported CSV (one row per worker per shift).
CSV_COLUMNS = (
    "shift_id",
    "coverage_id",
    "shift_name",
    "date",
    "weekday",
    "start",
    "end",
    "hours",
    "worker_id",
    "worker_name",
    "planned_hire",
    "agency_id",
    "agency_name",
    "holiday",
)

FORMATS = ("csv", "xlsx", "ics")

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_OVER_FILL = PatternFill("solid", fgColor="F4B6B6")
_SHORT_FILL = PatternFill("solid", fgColor="FBE3A6")
_OFF_FILL = PatternFill("solid", fgColor="D9D9D9")
_WEEKEND_FILL = PatternFill("solid", fgColor="F2F2F2")
_DATETIME = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True, slots=True)
class WorkerHours:
    """A worker's rostered hours per ISO week and in total, against their limits."""

    worker: Worker
    shifts: int
    weekly: dict[tuple[int, int], float]
    total: float
    weekly_limit: float | None
    min_total: float | None
    max_total: float | None

    @property
    def weeks_over(self) -> tuple[tuple[int, int], ...]:
        """ISO weeks in which the weekly limit is exceeded."""
        if self.weekly_limit is None:
            return ()
        return tuple(w for w, h in sorted(self.weekly.items()) if h > self.weekly_limit + 1e-9)

    @property
    def problems(self) -> tuple[str, ...]:
        """Readable breaches of the limits (empty when within them)."""
        out = [f"over {self.weekly_limit:g} h in {_week(w)}" for w in self.weeks_over]
        if self.max_total is not None and self.total > self.max_total + 1e-9:
            out.append(f"over the {self.max_total:g} h total")
        if self.min_total is not None and self.total < self.min_total - 1e-9:
            out.append(f"under the {self.min_total:g} h minimum total")
        return tuple(out)


def _week(week: tuple[int, int]) -> str:
    return f"{week[0]}-W{week[1]:02d}"


def iso_weeks(scenario: Scenario) -> tuple[tuple[int, int], ...]:
    """Every ISO (year, week) the horizon touches, in order."""
    seen = dict.fromkeys(d.isocalendar()[:2] for d in scenario.horizon.dates())
    return tuple((y, w) for y, w in seen)


def worker_hours(scenario: Scenario, rows: Sequence[RosterRow]) -> tuple[WorkerHours, ...]:
    """Hours per worker, in scenario order; limits fall back to the scenario's rules."""
    rule = scenario.rules.max_hours_per_week
    default_limit = rule.value if rule.mode is not Mode.OFF else None
    out = []
    for w in scenario.workers:
        mine = [r for r in rows if r.worker_id == w.id]
        weekly = dict.fromkeys(iso_weeks(scenario), 0.0)
        for r in mine:
            weekly[r.shift.iso_week] = weekly.get(r.shift.iso_week, 0.0) + r.shift.hours
        limit = w.max_hours_per_week if w.max_hours_per_week is not None else default_limit
        out.append(
            WorkerHours(
                worker=w,
                shifts=len(mine),
                weekly=weekly,
                total=sum(r.shift.hours for r in mine),
                weekly_limit=limit,
                min_total=w.min_total_hours,
                max_total=w.max_total_hours,
            )
        )
    return tuple(out)


def _local(value: dt.datetime, scenario: Scenario) -> dt.datetime:
    # openpyxl refuses aware datetimes; write the local wall-clock time.
    return value.astimezone(scenario.tz).replace(tzinfo=None)


def _rows(scenario: Scenario, assignments: Iterable[Assignment]) -> list[RosterRow]:
    return roster_rows(scenario, check_assignments(scenario, assignments))


def export_csv(scenario: Scenario, assignments: Iterable[Assignment], path: str | Path) -> Path:
    """Write one row per worker per shift (payroll import), atomically; returns the path."""
    agencies = {a.id: a for a in scenario.agencies}
    workers = {w.id: w for w in scenario.workers}
    rows = _rows(scenario, assignments)
    path = Path(path)
    with atomic_write(path, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for r in rows:
            s = r.shift
            writer.writerow(
                [
                    s.id,
                    s.coverage_id,
                    s.label,
                    s.date.isoformat(),
                    s.weekday,
                    s.start.isoformat(),
                    s.end.isoformat(),
                    f"{s.hours:g}",
                    r.worker_id,
                    worker_label(workers[r.worker_id]),
                    "yes" if r.placeholder else "no",
                    r.agency_id,
                    agencies[r.agency_id].name,
                    s.holiday or "",
                ]
            )
    return path


def export_ics(
    scenario: Scenario,
    assignments: Iterable[Assignment],
    path: str | Path,
    *,
    calendar: str = PROGRAM_FILE,
    now: dt.datetime | None = None,
    alarm_minutes: int | None = None,
) -> list[Path]:
    """Write calendars without publish history; returns the files written.

    A ``path`` ending in ``.ics`` receives the one calendar named by
    ``calendar`` (``program.ics``, ``worker-<id>.ics``, ``agency-<id>.ics``
    or ``open-shifts.ics``); any other path is a directory that receives them all.
    """
    cals = build_calendars(scenario, assignments, now=now, alarm_minutes=alarm_minutes)
    path = Path(path)
    if path.suffix.lower() == ".ics":
        if calendar not in cals:
            raise InputError(
                f"--calendar: no calendar {calendar!r}; choose one of {', '.join(sorted(cals))}"
            )
        chosen = {path: cals[calendar]}
    else:
        if path.exists() and not path.is_dir():
            raise InputError(f"{path}: expected a directory or a file name ending in .ics")
        if (path / MANIFEST).exists():
            # Plain files (SEQUENCE 0) would undo the updates phones already hold.
            raise InputError(
                f"{path}: holds published calendars; re-publish with `shiftcover publish` "
                "or export to another directory"
            )
        chosen = {path / name: data for name, data in sorted(cals.items())}
    for target, data in chosen.items():
        with atomic_write(target, "wb") as fh:
            fh.write(data)
        target.chmod(0o644)  # calendars are read by others (web server, phone sync)
    return list(chosen)


def export_xlsx(
    scenario: Scenario,
    assignments: Iterable[Assignment],
    path: str | Path,
    *,
    now: dt.datetime | None = None,
) -> Path:
    """Write the roster workbook atomically; returns the path.

    Sheets: ``Grid`` (workers × dates), ``Hours`` (per ISO week against the
    weekly limit, totals against min/max), one ``Agency <id>`` sheet each,
    ``Unfilled`` and ``Assignments``. ``now`` fixes the document timestamps.
    """
    checked = check_assignments(scenario, assignments)
    rows = roster_rows(scenario, checked)
    staffed = staffing(scenario, checked)
    wb = Workbook()
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.title = f"{scenario.name} — roster"
    grid = wb.active
    assert grid is not None  # a new workbook always has one sheet
    grid.title = "Grid"
    _grid_sheet(grid, scenario, rows, staffed)
    _hours_sheet(wb.create_sheet("Hours"), scenario, rows)
    used = {"Grid", "Hours", "Unfilled", "Assignments"}
    for agency in scenario.agencies:
        title = _sheet_title(f"Agency {agency.id}", used)
        _agency_sheet(wb.create_sheet(title), scenario, agency.id, rows)
    _unfilled_sheet(wb.create_sheet("Unfilled"), scenario, staffed)
    _assignments_sheet(wb.create_sheet("Assignments"), scenario, rows)
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        wb.save(fh)
    return path


def _sheet_title(title: str, used: set[str]) -> str:
    base = title[:31]
    candidate, n = base, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _header(ws: Worksheet, values: Sequence[object], row: int = 1) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _write_row(ws: Worksheet, row: int, values: Sequence[object]) -> None:
    """Write ``values`` into ``row`` from column 1, with dates and times formatted."""
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        # datetime before date: a datetime is a date too
        if isinstance(value, dt.datetime):
            cell.number_format = _DATETIME
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _days_off(scenario: Scenario) -> dict[str, set[dt.date]]:
    """Local dates each worker has (some) time off, to grey them out on the grid."""
    tz = scenario.tz
    out: dict[str, set[dt.date]] = {}
    for t in scenario.time_off:
        if isinstance(t.start, dt.datetime) and isinstance(t.end, dt.datetime):
            start = t.start if t.start.tzinfo else t.start.replace(tzinfo=tz)
            end = t.end if t.end.tzinfo else t.end.replace(tzinfo=tz)
            first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
        else:
            first, last = t.start, t.end
        day = first
        while day <= last:
            out.setdefault(t.worker, set()).add(day)
            day += dt.timedelta(days=1)
    return out


def _grid_sheet(
    ws: Worksheet, scenario: Scenario, rows: Sequence[RosterRow], staffed: Sequence[Staffing]
) -> None:
    tz = scenario.tz
    dates = scenario.horizon.dates()
    _header(ws, ["Worker", "Agency", *(f"{WEEKDAYS[d.weekday()]} {d:%d %b}" for d in dates)])
    cells: dict[tuple[str, dt.date], list[str]] = {}
    several = len(scenario.coverage) > 1  # then name the shift, not just its times
    for r in rows:
        s = r.shift
        text = f"{s.start.astimezone(tz):%H:%M}–{s.end.astimezone(tz):%H:%M}"
        if several:
            text = f"{s.label} {text}"
        cells.setdefault((r.worker_id, s.date), []).append(text)
    off = _days_off(scenario)
    for i, w in enumerate(scenario.workers, start=2):
        ws.cell(row=i, column=1, value=worker_label(w))
        ws.cell(row=i, column=2, value=w.agency)
        for j, d in enumerate(dates, start=3):
            cell = ws.cell(row=i, column=j)
            if (w.id, d) in cells:
                cell.value = "\n".join(cells[(w.id, d)])
            elif d in off.get(w.id, ()):
                cell.value = "off"
                cell.fill = _OFF_FILL
            elif d.weekday() >= 5:
                cell.fill = _WEEKEND_FILL
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
    total_row = len(scenario.workers) + 2
    ws.cell(row=total_row, column=1, value="Staffed / required").font = _BOLD
    by_date: dict[dt.date, list[Staffing]] = {}
    for st in staffed:
        by_date.setdefault(st.shift.date, []).append(st)
    for j, d in enumerate(dates, start=3):
        day = by_date.get(d, [])
        if not day:
            continue
        cell = ws.cell(
            row=total_row,
            column=j,
            value=f"{sum(s.assigned for s in day)}/{sum(s.shift.required for s in day)}",
        )
        cell.alignment = Alignment(horizontal="center")
        if any(s.missing for s in day):
            cell.fill = _SHORT_FILL
    ws.freeze_panes = "C2"
    _widths(ws, [28, 8, *([12] * len(dates))])


def _hours_sheet(ws: Worksheet, scenario: Scenario, rows: Sequence[RosterRow]) -> None:
    weeks = iso_weeks(scenario)
    _header(
        ws,
        [
            "Worker ID",
            "Worker",
            "Agency",
            "Shifts",
            "Weekly limit (h)",
            *(_week(w) for w in weeks),
            "Total (h)",
            "Min total (h)",
            "Max total (h)",
            "Within limits",
            "Problems",
        ],
    )
    first_week_col = 6
    for i, wh in enumerate(worker_hours(scenario, rows), start=2):
        values: list[object] = [
            wh.worker.id,
            worker_label(wh.worker),
            wh.worker.agency,
            wh.shifts,
            wh.weekly_limit,
        ]
        _write_row(ws, i, values)
        over = set(wh.weeks_over)
        for k, week in enumerate(weeks):
            cell = ws.cell(row=i, column=first_week_col + k, value=round(wh.weekly[week], 2))
            if week in over:
                cell.fill = _OVER_FILL
        col = first_week_col + len(weeks)
        total = ws.cell(row=i, column=col, value=round(wh.total, 2))
        ws.cell(row=i, column=col + 1, value=wh.min_total)
        ws.cell(row=i, column=col + 2, value=wh.max_total)
        ws.cell(row=i, column=col + 3, value="no" if wh.problems else "yes")
        ws.cell(row=i, column=col + 4, value="; ".join(wh.problems))
        if wh.problems:
            total.fill = _OVER_FILL
    ws.freeze_panes = "C2"
    _widths(ws, [10, 28, 8, 8, 10, *([10] * len(weeks)), 10, 10, 10, 10, 40])


def _agency_sheet(
    ws: Worksheet, scenario: Scenario, agency_id: str, rows: Sequence[RosterRow]
) -> None:
    agency = scenario.agency(agency_id)
    workers = {w.id: w for w in scenario.workers}
    ws.cell(row=1, column=1, value=f"{agency.name} ({agency.id}) — {scenario.name}").font = _BOLD
    ws.cell(row=2, column=1, value=f"Times local to {scenario.timezone}; hours as worked.")
    _header(
        ws,
        ["Date", "Weekday", "Shift", "Start", "End", "Hours", "Worker ID", "Worker", "Holiday"],
        row=4,
    )
    mine = [r for r in rows if r.agency_id == agency_id]
    row = 5
    for r in mine:
        s = r.shift
        values: list[object] = [
            s.date,
            s.weekday,
            s.label,
            _local(s.start, scenario),
            _local(s.end, scenario),
            round(s.hours, 2),
            r.worker_id,
            worker_label(workers[r.worker_id]),
            s.holiday or "",
        ]
        _write_row(ws, row, values)
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="Totals per worker").font = _BOLD
    row += 1
    _header(ws, ["Worker ID", "Worker", "Shifts", "Hours", "Holiday hours"], row=row)
    for w in scenario.workers:
        if w.agency != agency_id:
            continue
        row += 1
        worked = [r for r in mine if r.worker_id == w.id]
        values = [
            w.id,
            worker_label(w),
            len(worked),
            round(sum(r.shift.hours for r in worked), 2),
            round(sum(r.shift.hours for r in worked if r.shift.holiday), 2),
        ]
        _write_row(ws, row, values)
    ws.freeze_panes = "A5"
    _widths(ws, [12, 9, 22, 17, 17, 8, 10, 28, 22])


def _unfilled_sheet(ws: Worksheet, scenario: Scenario, staffed: Sequence[Staffing]) -> None:
    workers = {w.id: w for w in scenario.workers}
    _header(
        ws,
        [
            "Date",
            "Weekday",
            "Shift",
            "Start",
            "End",
            "Required",
            "Assigned",
            "Missing",
            "Rostered",
            "Reason",
        ],
    )
    row = 2
    for st in staffed:
        if not st.missing:
            continue
        s = st.shift
        values: list[object] = [
            s.date,
            s.weekday,
            s.label,
            _local(s.start, scenario),
            _local(s.end, scenario),
            s.required,
            st.assigned,
            st.missing,
            ", ".join(worker_label(workers[w]) for w in st.worker_ids),
            st.reason,
        ]
        _write_row(ws, row, values)
        row += 1
    if row == 2:
        ws.cell(row=2, column=1, value="Every shift is staffed to its requirement.")
    ws.freeze_panes = "A2"
    _widths(ws, [12, 9, 22, 17, 17, 9, 9, 9, 40, 50])


def _assignments_sheet(ws: Worksheet, scenario: Scenario, rows: Sequence[RosterRow]) -> None:
    agencies = {a.id: a for a in scenario.agencies}
    workers = {w.id: w for w in scenario.workers}
    _header(ws, [*CSV_COLUMNS[:5], "start_local", "end_local", *CSV_COLUMNS[7:]])
    for i, r in enumerate(rows, start=2):
        s = r.shift
        values: list[object] = [
            s.id,
            s.coverage_id,
            s.label,
            s.date,
            s.weekday,
            _local(s.start, scenario),
            _local(s.end, scenario),
            round(s.hours, 2),
            r.worker_id,
            worker_label(workers[r.worker_id]),
            "yes" if r.placeholder else "no",
            r.agency_id,
            agencies[r.agency_id].name,
            s.holiday or "",
        ]
        _write_row(ws, i, values)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _widths(ws, [22, 12, 22, 12, 8, 17, 17, 8, 10, 28, 8, 8, 30, 20])
