"""Exports: payroll CSV, the Excel workbook and plain .ics files."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from cal_helpers import NOW, dst_data, dst_scenario, pilot, read_events, round_robin
from openpyxl import load_workbook

from calendars import export_csv, export_ics, export_xlsx, publish, worker_hours
from calendars.export import CSV_COLUMNS
from optimizer.errors import InputError
from optimizer.io import scenario_from_data
from optimizer.roster import Assignment, roster_rows
from optimizer.shifts import expand_shifts


def test_csv_has_one_row_per_assignment_with_real_hours(tmp_path) -> None:
    scenario = dst_scenario(weeks=1)
    roster = round_robin(scenario)
    path = export_csv(scenario, roster, tmp_path / "roster.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(roster)
    night = next(r for r in rows if r["shift_id"] == "night@2024-11-02")
    assert night["hours"] == "9"  # the autumn night is an hour longer
    assert dt.datetime.fromisoformat(night["start"]).utcoffset() == dt.timedelta(hours=-4)
    assert dt.datetime.fromisoformat(night["end"]).utcoffset() == dt.timedelta(hours=-5)
    hire = [r for r in rows if r["worker_id"] == "b-hire"]
    assert hire and all(
        r["planned_hire"] == "yes" and r["worker_name"].endswith("(planned hire)") for r in hire
    )


def test_workbook_sheets_grid_hours_agencies_unfilled(tmp_path) -> None:
    scenario = dst_scenario(weeks=2)
    roster = round_robin(scenario, skip_every=4)
    path = export_xlsx(scenario, roster, tmp_path / "roster.xlsx", now=NOW)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Grid",
        "Hours",
        "Agency A",
        "Agency B",
        "Unfilled",
        "Assignments",
    ]

    grid = wb["Grid"]
    header = [c.value for c in grid[1]]
    assert header[:3] == ["Worker", "Agency", "Mon 28 Oct"]
    assert len(header) == 2 + 14
    rows = {grid.cell(row=i, column=1).value: i for i in range(2, grid.max_row + 1)}
    assert "Agency B hire (planned hire)" in rows
    first = next(a for a in roster if a.worker_id == "a1")
    shift = next(s for s in expand_shifts(scenario) if s.id == first.shift_id)
    col = 3 + (shift.date - scenario.horizon.start).days
    assert shift.label in grid.cell(row=rows["Ann Arbour"], column=col).value

    hours = wb["Hours"]
    head = [c.value for c in hours[1]]
    assert head[5:7] == ["2024-W44", "2024-W45"]
    by_id = {hours.cell(row=i, column=1).value: i for i in range(2, hours.max_row + 1)}
    loads = {h.worker.id: h for h in worker_hours(scenario, roster_rows(scenario, roster))}
    for wid, i in by_id.items():
        assert hours.cell(row=i, column=head.index("Total (h)") + 1).value == round(
            loads[wid].total, 2
        )
    a1 = by_id["a1"]
    assert hours.cell(row=a1, column=5).value == 20  # the worker's own weekly limit
    assert hours.cell(row=by_id["b1"], column=5).value == 40  # the rule's limit
    assert hours.cell(row=by_id["b1"], column=head.index("Max total (h)") + 1).value == 30

    agency_b = wb["Agency B"]
    values = [[c.value for c in row] for row in agency_b.iter_rows()]
    paid = [r for r in values[4:] if isinstance(r[5], (int, float)) and r[6] in ("b1", "b-hire")]
    assert len(paid) == sum(1 for a in roster if a.worker_id in ("b1", "b-hire"))

    unfilled = wb["Unfilled"]
    short = [r for r in unfilled.iter_rows(min_row=2, values_only=True) if r[0] is not None]
    on: dict[str, int] = {}
    for a in roster:
        on[a.shift_id] = on.get(a.shift_id, 0) + 1
    expected = [s for s in expand_shifts(scenario) if on.get(s.id, 0) < s.required]
    assert len(short) == len(expected) > 0
    assert all(r[7] == r[5] - r[6] for r in short)

    assert wb["Assignments"].max_row == len(roster) + 1


def test_workbook_dates_and_times_are_local_and_read_as_dates(tmp_path) -> None:
    # Two weeks across the autumn DST change: every start and end on every
    # sheet is the local wall-clock time, formatted as a date-time, and every
    # date column a date, so that a spreadsheet sorts and filters them.
    scenario = dst_scenario(weeks=2)
    roster = round_robin(scenario, skip_every=4)
    wb = load_workbook(export_xlsx(scenario, roster, tmp_path / "r.xlsx", now=NOW))
    shifts = {s.id: s for s in expand_shifts(scenario)}
    local = {
        (s.date, s.label): (
            s.start.astimezone(scenario.tz).replace(tzinfo=None),
            s.end.astimezone(scenario.tz).replace(tzinfo=None),
        )
        for s in shifts.values()
    }
    assert len({start.utcoffset() for start in (s.start for s in shifts.values())}) == 2
    # (sheet, first data row, date, label, start and end columns), 1-based
    layouts = [
        ("Agency A", 5, 1, 3, 4, 5),
        ("Unfilled", 2, 1, 3, 4, 5),
        ("Assignments", 2, 4, 3, 6, 7),
    ]
    for name, first, date_col, label_col, start_col, end_col in layouts:
        ws = wb[name]
        seen = 0
        for row in ws.iter_rows(min_row=first):
            day, label = row[date_col - 1], row[label_col - 1]
            if not isinstance(day.value, dt.datetime):
                break  # the sheet's table has ended (totals follow on agency sheets)
            start, end = row[start_col - 1], row[end_col - 1]
            assert day.number_format == "yyyy-mm-dd", name
            assert start.number_format == end.number_format == "yyyy-mm-dd hh:mm", name
            assert (start.value, end.value) == local[(day.value.date(), label.value)], name
            seen += 1
        assert seen > 0, name


def test_hours_over_limits_are_flagged(tmp_path) -> None:
    data = dst_data(weeks=1)
    data["workers"][0]["max_hours_per_week"] = 10
    data["workers"][0]["min_total_hours"] = 100
    scenario = scenario_from_data(data)
    nights = [s.id for s in expand_shifts(scenario) if s.coverage_id == "night"][:3]
    roster = [Assignment(sid, "a1") for sid in nights]
    (a1,) = [
        h for h in worker_hours(scenario, roster_rows(scenario, roster)) if h.worker.id == "a1"
    ]
    assert a1.total == 24 and a1.weeks_over == ((2024, 44),)
    assert a1.problems == ("over 10 h in 2024-W44", "under the 100 h minimum total")
    wb = load_workbook(export_xlsx(scenario, roster, tmp_path / "r.xlsx"))
    row = next(r for r in wb["Hours"].iter_rows(min_row=2, values_only=True) if r[0] == "a1")
    assert "no" in row and "over 10 h in 2024-W44; under the 100 h minimum total" in row


def test_time_off_is_greyed_on_the_grid(tmp_path) -> None:
    scenario = pilot()
    wb = load_workbook(export_xlsx(scenario, [], tmp_path / "r.xlsx"))
    grid = wb["Grid"]
    row = next(i for i in range(2, grid.max_row + 1) if grid.cell(i, 1).value == "Amira Haddad")
    col = 3 + (dt.date(2024, 10, 12) - scenario.horizon.start).days  # approved leave
    assert grid.cell(row, col).value == "off"


def test_ics_export_one_calendar_or_all(tmp_path) -> None:
    scenario = dst_scenario(weeks=1)
    roster = round_robin(scenario)
    (one,) = export_ics(scenario, roster, tmp_path / "a1.ics", calendar="worker-a1.ics", now=NOW)
    events = read_events(one.read_bytes())
    assert len(events) == sum(1 for a in roster if a.worker_id == "a1")
    written = export_ics(scenario, roster, tmp_path / "all", now=NOW)
    assert len(written) == 7 and all(p.parent == tmp_path / "all" for p in written)
    with pytest.raises(InputError, match=r"no calendar 'worker-zz\.ics'"):
        export_ics(scenario, roster, tmp_path / "x.ics", calendar="worker-zz.ics")


def test_ics_export_refuses_a_publish_directory(tmp_path) -> None:
    scenario = dst_scenario(weeks=1)
    roster = round_robin(scenario)
    publish(scenario, roster, tmp_path, now=NOW, explain_unfilled=False)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(InputError, match="shiftcover publish"):
        export_ics(scenario, roster, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_exports_reject_unknown_workers_and_write_nothing(tmp_path) -> None:
    scenario = dst_scenario(weeks=1)
    bad = [Assignment("night@2024-10-28", "nobody")]
    for export, name in ((export_csv, "r.csv"), (export_xlsx, "r.xlsx")):
        with pytest.raises(InputError, match="nobody"):
            export(scenario, bad, tmp_path / name)
    assert list(tmp_path.iterdir()) == []
