"""``shiftcover curtois import`` and ``shiftcover curtois roster``."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from optimizer.cli import main
from optimizer.curtois import HORIZON_START, PublishedRoster, roster_assignments, to_scenario
from optimizer.io import load_scenario
from optimizer.roster import read_roster_csv

from .conftest import instance_path, load_solutions, solution_path
from .test_curtois_parser import TINY
from .test_curtois_published import evaluate


def test_import_writes_a_scenario_that_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not instance_path(3).exists():
        pytest.skip("benchmark files not found")
    out = tmp_path / "i3"
    assert main(["curtois", "import", str(instance_path(3)), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (
        "Instance3: 14 days, 20 staff, 3 shift types, 42 cover rows, 64 shift requests" in printed
    )
    assert main(["validate", str(out / "Instance3.yaml")]) == 0
    assert len(load_scenario(out / "Instance3.yaml").workers) == 20


def test_import_of_a_broken_file_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "Broken.txt"
    broken.write_text(TINY.replace("L,600,E", "L,6OO,E"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["curtois", "import", str(broken), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{broken}, line 7: shift L length: expected a whole number, got '6OO'" in err
    assert not out.exists()


@pytest.mark.parametrize("which", [1, 2])
def test_roster_writes_a_published_solution_as_roster_csv(
    which: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inst, rosters = load_solutions(4)
    out = tmp_path / "roster.csv"
    argv = ["curtois", "roster", str(solution_path(4)), "--instance", str(instance_path(4))]
    assert main([*argv, "--out", str(out), "--which", str(which)]) == 0
    printed = capsys.readouterr().out
    assert f"roster {which} of 2" in printed
    assert f"published cost {rosters[which - 1].cost}" in printed
    read = read_roster_csv(out, to_scenario(inst))
    assert sorted(read) == sorted(roster_assignments(inst, rosters[which - 1]))


def test_roster_rejects_a_roster_number_the_file_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_solutions(1)
    out = tmp_path / "roster.csv"
    argv = ["curtois", "roster", str(solution_path(1)), "--instance", str(instance_path(1))]
    assert main([*argv, "--out", str(out), "--which", "3"]) == 2
    assert "the file holds 2 roster(s)" in capsys.readouterr().err
    assert not out.exists()


def test_solved_import_reports_the_benchmark_cost(tmp_path: Path) -> None:
    """``shiftcover solve`` on an imported instance: summary.json's objective is the
    benchmark's cost of roster.csv, as the README's evaluator computes it."""
    inst, _ = load_solutions(1)
    assert main(["curtois", "import", str(instance_path(1)), "--out", str(tmp_path)]) == 0
    out = tmp_path / "out"
    argv = ["solve", str(tmp_path / "Instance1.yaml"), "--time-limit", "20", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    days: dict[str, list[str | None]] = {e.id: [None] * inst.days for e in inst.employees}
    with (out / "roster.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            day = (dt.date.fromisoformat(row["date"]) - HORIZON_START).days
            assert days[row["worker_id"]][day] is None, "two shifts on one day"
            days[row["worker_id"]][day] = row["coverage_id"]
    roster = PublishedRoster({e: tuple(d) for e, d in days.items()}, 0, 0, 0)
    result = evaluate(inst, roster)
    assert result.violations == ()
    assert summary["objective"] == result.cost
    assert result.cost >= 607  # the proven optimum
