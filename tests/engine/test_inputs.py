"""Malformed scenarios and tables: a clear message, exit status 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.io import load_scenario

BAD = Path(__file__).parent / "data" / "bad"

#: file → words the message must contain (the place and what is wrong).
CASES = {
    "wrong-type.yaml": ["workers.0.max_hours_per_week", "lots"],
    "unknown-agency.yaml": ["workers[0] (W1)", "unknown agency 'NOPE'"],
    "overlapping-time-off.yaml": ["time_off[1]", "overlaps time_off[0]"],
    "time-off-end-before-start.yaml": ["time_off.0", "before start"],
    "unknown-timezone.yaml": ["timezone", "Mars/Olympus_Mons"],
    "duplicate-worker.yaml": ["workers[1]", "duplicate id 'W1'"],
    "bad-clock.yaml": ["coverage.0.start", "25:00"],
    "target-below-required.yaml": ["coverage eve", "target 1 is below required 2"],
    "unknown-key.yaml": ["colour", "Extra inputs are not permitted"],
    "missing-workers.yaml": ["workers", "Field required"],
    "bad-workers-csv.yaml": ["bad-workers.csv, row 3", "max_hours_per_week"],
    "missing-csv.yaml": ["missing.csv", "file not found"],
    "broken-yaml.yaml": ["broken-yaml.yaml", "line", "not valid YAML"],
    "unknown-preference-worker.yaml": ["preferences[0]", "unknown worker 'W9'"],
    "worker-end-before-start.yaml": ["worker W1", "end_date"],
    "cycle-a.yaml": ["extends forms a cycle"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_scenario_message_names_the_place(name: str) -> None:
    with pytest.raises(InputError) as info:
        load_scenario(BAD / name)
    for words in CASES[name]:
        assert words in str(info.value), str(info.value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_scenario_cli_exits_2_and_writes_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status = main(["solve", str(BAD / name), "--out", str(out), "--time-limit", "1", "--quiet"])
    assert status == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "Traceback" not in err


def test_bad_roster_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("shift_id,worker_id\nevening@2024-09-25,WRH1\nevening@2031-01-01,WRH1\n")
    status = main(["check", "scenarios/windsor-pilot.yaml", str(roster)])
    assert status == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "evening@2031-01-01" in err


def test_roster_csv_with_wrong_times(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "shift_id,start,end,worker_id\n"
        "evening@2024-09-25,2024-09-25T16:00:00-04:00,2024-09-25T23:00:00-04:00,WRH1\n"
    )
    assert main(["check", "scenarios/windsor-pilot.yaml", str(roster)]) == 2
    assert "does not match shift" in capsys.readouterr().err


def test_bad_cli_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["solve", "scenarios/windsor-pilot.yaml", "--time-limit", "soon"])
    assert info.value.code == 2
    assert main(["solve", "scenarios/windsor-pilot.yaml", "--time-limit", "-1"]) == 2
