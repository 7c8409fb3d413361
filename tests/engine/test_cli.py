"""The command line on the bundled scenarios: outputs, formats, exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from optimizer.check import check
from optimizer.cli import main
from optimizer.io import load_scenario
from optimizer.roster import ROSTER_COLUMNS, read_roster_csv

PILOT = "scenarios/windsor-pilot.yaml"


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("solve")
    assert main(["solve", PILOT, "--time-limit", "60", "--out", str(out), "--quiet"]) == 0
    return out


def test_pilot_solves_to_optimality_and_passes_checker(solved: Path) -> None:
    summary = json.loads((solved / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["gap"] == 0
    scenario = load_scenario(PILOT)
    report = check(scenario, read_roster_csv(solved / "roster.csv", scenario))
    assert report.ok
    assert report.objective == summary["objective"]
    assert report.terms == {k: report.terms[k] for k in report.terms}
    assert sum(summary["objective_terms"].values()) == summary["objective"]


def test_roster_csv_columns_and_times(solved: Path) -> None:
    with (solved / "roster.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == ROSTER_COLUMNS
    assert len(rows) == 13 * 5 * 2  # every pilot shift staffed by two
    for row in rows:
        start = dt.datetime.fromisoformat(row["start"])
        end = dt.datetime.fromisoformat(row["end"])
        assert start.utcoffset() is not None
        assert row["date"] == start.date().isoformat()
        assert (start.hour, end.hour) == (15, 23)
        assert start.strftime("%a") in {"Wed", "Thu", "Fri", "Sat", "Sun"}


def test_unfilled_csv_header(solved: Path) -> None:
    header = (solved / "unfilled.csv").read_text().splitlines()[0]
    assert header == "shift_id,coverage_id,date,start,end,required,assigned,missing,reason"


def test_check_command_exit_codes(solved: Path, tmp_path: Path) -> None:
    assert main(["check", PILOT, str(solved / "roster.csv")]) == 0
    broken = tmp_path / "broken.csv"
    lines = (solved / "roster.csv").read_text().splitlines()
    # WRH1 on every shift of the first two weeks: weekly limits and rest break.
    extra = [
        f"evening@{d},,,,,WRH1,,"
        for d in ("2024-09-25", "2024-09-26", "2024-09-27", "2024-09-28", "2024-09-29")
    ]
    kept = [line for line in lines[1:] if ",WRH1," not in line]
    broken.write_text("\n".join([lines[0], *kept, *extra]) + "\n")
    assert main(["check", PILOT, str(broken), "--json"]) == 1


def test_understaffed_scenario_reports_reasons(tmp_path: Path) -> None:
    scenario = tmp_path / "short.yaml"
    scenario.write_text(
        "extends: " + str(Path(PILOT).resolve()) + "\n"
        "id: short\nhorizon: {start: 2024-09-25, weeks: 2}\n"
        "coverage: [{id: evening, days: daily, start: '15:00', end: '23:00', required: 4,"
        " skills: [ipv_trauma]}]\n"
    )
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--time-limit", "20", "--out", str(out), "--quiet"]) == 0
    with (out / "unfilled.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    assert all("needs 4" in r["reason"] for r in rows)
    assert any("weekly" in r["reason"] or "time off" in r["reason"] for r in rows)


def test_validate_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "scenarios/windsor-daily.yaml"]) == 0
    assert "91 shifts" in capsys.readouterr().out
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "workers" in schema["properties"]
