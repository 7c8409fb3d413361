"""The ``publish`` and ``export`` commands, through the real ``shiftcover`` entry point."""

from __future__ import annotations

import json

import pytest
from cal_helpers import PILOT, pilot, read_events
from openpyxl import load_workbook

from optimizer.cli import main
from optimizer.roster import Assignment, write_roster_csv
from optimizer.shifts import expand_shifts


@pytest.fixture(scope="module")
def rosters(tmp_path_factory):
    """Two versions of a pilot roster: the second without Priya Raman (HH2)."""
    scenario = pilot()
    shifts = expand_shifts(scenario)[:10]
    workers = [w.id for w in scenario.workers]
    first = [
        Assignment(s.id, workers[(2 * i + k) % len(workers)])
        for i, s in enumerate(shifts)
        for k in range(2)
    ]
    second = [a for a in first if a.worker_id != "HH2"]
    base = tmp_path_factory.mktemp("rosters")
    write_roster_csv(base / "v1.csv", scenario, first)
    write_roster_csv(base / "v2.csv", scenario, second)
    return base / "v1.csv", base / "v2.csv", first


def test_publish_then_republish(rosters, tmp_path, capsys) -> None:
    v1, v2, first = rosters
    out = tmp_path / "calendars"
    assert (
        main(["publish", str(PILOT), "--roster", str(v1), "--to", str(out), "--alarm", "60"]) == 0
    )
    text = capsys.readouterr().out
    assert "Published windsor-pilot version 1" in text
    assert "20 assignments; 11 of 11 calendar files written" in text

    assert main(["publish", str(PILOT), "--roster", str(v2), "--to", str(out)]) == 0
    text = capsys.readouterr().out
    assert "version 2" in text and "(previous version 1)" in text
    assert "Priya Raman (HH2): " in text and "cancelled" in text
    events = read_events((out / "worker-HH2.ics").read_bytes())
    assert len(events) == sum(1 for a in first if a.worker_id == "HH2")
    assert all(e.status == "CANCELLED" and e.sequence == 1 for e in events.values())
    assert b"TRIGGER:-PT1H" in (out / "worker-HH1.ics").read_bytes()  # alarm kept

    assert main(["publish", str(PILOT), "--roster", str(v2), "--to", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["version"] == 2 and report["changes"] == []


def test_publish_bad_roster_exits_2_and_writes_nothing(tmp_path, capsys) -> None:
    bad = tmp_path / "roster.csv"
    bad.write_text(
        "shift_id,worker_id\nevening@2024-09-25,WRH1\nevening@2024-09-25,ZZ9\n", encoding="utf-8"
    )
    out = tmp_path / "calendars"
    assert main(["publish", str(PILOT), "--roster", str(bad), "--to", str(out)]) == 2
    err = capsys.readouterr().err
    assert "roster.csv, row 3: worker_id 'ZZ9'" in err
    assert not out.exists()


def test_publish_dry_run(rosters, tmp_path, capsys) -> None:
    v1, _, _ = rosters
    out = tmp_path / "calendars"
    assert main(["publish", str(PILOT), "--roster", str(v1), "--to", str(out), "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("Would publish windsor-pilot version 1")
    assert not out.exists()


def test_export_each_format(rosters, tmp_path, capsys) -> None:
    v1, _, first = rosters
    assert main(["export", str(PILOT), "--roster", str(v1), "--out", str(tmp_path / "r.xlsx")]) == 0
    assert load_workbook(tmp_path / "r.xlsx")["Assignments"].max_row == len(first) + 1
    args = ["export", str(PILOT), "--roster", str(v1), "--format", "csv"]
    assert main([*args, "--out", str(tmp_path / "payroll.txt")]) == 0
    assert (tmp_path / "payroll.txt").read_text().count("\n") == len(first) + 1
    ics = ["export", str(PILOT), "--roster", str(v1), "--format", "ics"]
    assert main([*ics, "--out", str(tmp_path / "all")]) == 0
    assert len(list((tmp_path / "all").glob("*.ics"))) == 11
    assert main([*ics, "--out", str(tmp_path / "me.ics"), "--calendar", "worker-WRH1.ics"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'me.ics'}" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "roster.txt"], "cannot tell the format"),
        (["--out", "r.ics", "--calendar", "nope.ics"], "no calendar 'nope.ics'"),
        (["--out", "r.ics", "--alarm", "-5"], "--alarm: expected minutes"),
    ],
)
def test_export_input_errors_exit_2(rosters, tmp_path, capsys, monkeypatch, extra, message) -> None:
    v1, _, _ = rosters
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(PILOT), "--roster", str(v1), *extra]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
