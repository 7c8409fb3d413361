"""The incidents and coverage commands, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from optimizer.cli import main

ROOT = Path(__file__).parents[2]
DATA = Path(__file__).parent / "data"
PILOT = ROOT / "scenarios" / "windsor-pilot.yaml"
MILWAUKEE = ROOT / ".." / "shared" / "data" / "incidents" / "milwaukee_domestic.csv"
needs_milwaukee = pytest.mark.skipif(not MILWAUKEE.exists(), reason="shared data not present")


@needs_milwaukee
def test_import_milwaukee(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "incidents.csv"
    code = main(
        ["incidents", "import", str(MILWAUKEE), "--tz", "America/Chicago",
         "--category-col", "category", "--keep", "DV", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "1218 rows read, 1218 kept" in printed
    written = pd.read_csv(out)
    assert list(written.columns) == ["timestamp", "category", "eligible"]
    assert written["timestamp"].iloc[0] == "2018-05-01T00:03:46-05:00"


def test_import_drops_private_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clean.csv"
    code = main(
        ["incidents", "import", str(DATA / "with_pii.csv"), "--date-col", "Reported Date",
         "--clock-col", "Reported Time", "--category-col", "Nature Code", "--keep", "IPV",
         "--eligible-col", "Charge Laid", "--out", str(out), "--json"]
    )  # fmt: skip
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert "Victim Name" in report["dropped_columns"]
    assert "Jane" not in out.read_text() and "Ouellette" not in out.read_text()


def test_bad_file_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "never.csv"
    code = main(["incidents", "import", str(DATA / "no_usable_rows.csv"), "--out", str(out)])
    assert code == 2
    assert "no usable incident rows" in capsys.readouterr().err
    assert not out.exists()
    code = main(["incidents", "import", str(DATA / "bad_rows.csv"), "--time-col", "nope",
                 "--out", str(out)])  # fmt: skip
    assert code == 2
    assert "no timestamp column 'nope'" in capsys.readouterr().err


def test_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "gen.csv"
    code = main(["incidents", "generate", "--start", "2025-01-01", "--days", "14",
                 "--seed", "3", "--out", str(out)])  # fmt: skip
    assert code == 0
    assert "SYNTHETIC" in capsys.readouterr().out
    assert out.read_text().startswith("# SYNTHETIC")
    with pytest.raises(SystemExit) as exit_info:
        main(["incidents", "generate", "--start", "2025-13-01", "--days", "1", "--out", str(out)])
    assert exit_info.value.code == 2
    assert "expected a date YYYY-MM-DD" in capsys.readouterr().err


def test_coverage_on_generated_data_is_labelled_synthetic(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["coverage", str(PILOT)]) == 0
    text = capsys.readouterr().out
    assert "SYNTHETIC" in text
    assert (
        "In staffed time:" in text and "On site (Erlang B)" in text and "On site (replay)" in text
    )


@needs_milwaukee
def test_coverage_json_on_milwaukee(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["coverage", str(PILOT), "--incidents", str(MILWAUKEE), "--incidents-tz",
                 "America/Chicago", "--occupied-minutes", "45", "--json"])  # fmt: skip
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["synthetic"] is False
    assert payload["mean_occupied_minutes"] == pytest.approx(45)
    assert payload["coverage"]["incidents"] == 1218
    assert payload["coverage"]["share"] == pytest.approx(0.316, abs=0.01)
    replay = payload["replay"]
    assert replay["served"] + replay["missed_busy"] + replay["missed_off_hours"] == 1218
    assert abs(replay["on_site_rate"] - payload["erlang"]["on_site_rate"]) < 0.05


def test_coverage_rejects_bad_occupied_minutes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", str(PILOT), "--occupied-minutes", "0"]) == 2
    assert "--occupied-minutes" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--base-rate", "-1"], "--base-rate"), (["--tz", "Mars/Olympus"], "unknown time zone")],
)
def test_generate_rejects_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    out = tmp_path / "gen.csv"
    args = ["incidents", "generate", "--start", "2025-01-01", "--days", "2", "--out", str(out)]
    assert main(args + extra) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_coverage_of_a_roster_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from optimizer.io import load_scenario
    from optimizer.roster import Assignment, write_roster_csv
    from optimizer.shifts import expand_shifts

    scenario = load_scenario(PILOT)
    shifts = expand_shifts(scenario)
    # One worker on every shift: half the pattern's headcount.
    roster = tmp_path / "roster.csv"
    write_roster_csv(roster, scenario, [Assignment(s.id, "WRH1") for s in shifts])
    assert main(["coverage", str(PILOT), "--roster", str(roster), "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main(["coverage", str(PILOT), "--json"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert one["staffing"].startswith("roster")
    # Same staffed hours, so the same share in staffed time; fewer people, fewer on site.
    assert one["coverage"]["share"] == pytest.approx(two["coverage"]["share"])
    assert one["replay"]["on_site_rate"] < two["replay"]["on_site_rate"]
    assert one["erlang"]["on_site_rate"] < two["erlang"]["on_site_rate"]
