"""KPIs computed by hand on a tiny scenario; the comparison files and report."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.incidents import FixedTime
from optimizer.scenario import Scenario
from optimizer.whatif import CostParams, compare, render_report, write_comparison
from optimizer.whatif.kpis import WEEKS_PER_YEAR
from tests.engine.helpers import solve_checked, tiny

TZ = "America/Toronto"


def monday(end: str, sid: str) -> Scenario:
    """One worker at $50/h, one shift on Monday 23 Sep 2024 from 16:00 to ``end``."""
    return tiny(
        coverage=[{"id": "eve", "start": "16:00", "end": end, "required": 1, "days": "Mon"}],
        id=sid,
        name=sid,
    )


def incidents() -> pd.DataFrame:
    """Six incidents over exactly one week (Mon 23 – Sun 29 Sep 2024)."""
    stamps = [
        "2024-09-23 16:30",  # served, busy until 17:30
        "2024-09-23 17:00",  # everyone busy
        "2024-09-23 19:30",  # served; until 20:30
        "2024-09-23 21:00",  # off hours for a 16–20 shift
        "2024-09-24 10:00",  # off hours
        "2024-09-29 12:00",  # off hours
    ]
    ts = pd.to_datetime(stamps).tz_localize(TZ)
    return pd.DataFrame(
        {"timestamp": ts, "category": "IPV", "eligible": pd.array([True] * 6, dtype="boolean")}
    )


@pytest.fixture(scope="module")
def comparison() -> object:
    for s in (monday("20:00", "short"), monday("22:00", "long")):
        solve_checked(s, time_limit=5)  # the checker agrees with each roster
    return compare(
        [monday("20:00", "short"), monday("22:00", "long")],
        incidents(),
        occupied=FixedTime(60),
        costs=CostParams(),
        time_limit=5,
    )


def test_kpis_by_hand(comparison: object) -> None:
    t = comparison.table.set_index("scenario")  # type: ignore[attr-defined]
    short, long = t.loc["short"], t.loc["long"]
    assert short["status"] == "optimal" and short["workers"] == 1
    assert short["staffed_hours_per_week"] == pytest.approx(4)
    assert short["paid_hours_per_week"] == pytest.approx(4)
    assert short["fte"] == pytest.approx(4 / 37.5)
    # 16:00–18:00 at the base rate, 18:00–20:00 at the evening premium ×1.1.
    assert short["cost_per_week"] == pytest.approx(50 * (2 + 2 * 1.1))
    assert short["incidents_per_week"] == pytest.approx(6)
    assert short["in_staffed_time_share"] == pytest.approx(3 / 6)
    assert short["on_site_share"] == pytest.approx(2 / 6)
    assert short["missed_busy_per_week"] == pytest.approx(1)
    assert short["missed_off_hours_per_week"] == pytest.approx(3)
    assert short["served_per_year"] == pytest.approx(2 * WEEKS_PER_YEAR)
    # The 19:30 response ends at 20:30: half an hour past the shift, at ×1.5.
    assert short["overtime_hours_per_week"] == pytest.approx(0.5)
    assert short["overtime_cost_per_week"] == pytest.approx(0.5 * 50 * 1.5)
    assert short["total_cost_per_week"] == pytest.approx(210 + 37.5)
    assert short["unfilled_slot_hours_per_week"] == 0
    assert math.isnan(short["cost_per_additional_victim"])

    assert long["cost_per_week"] == pytest.approx(50 * (2 + 4 * 1.1))
    assert long["on_site_share"] == pytest.approx(3 / 6)
    assert long["overtime_hours_per_week"] == pytest.approx(0)
    assert long["additional_served_per_year"] == pytest.approx(WEEKS_PER_YEAR)
    # (320 − 247.50) a week more for one more victim a week.
    assert long["cost_per_additional_victim"] == pytest.approx(320 - 247.5)


def test_premiums_do_not_stack_and_holidays_pay_most() -> None:
    from optimizer.shifts import expand_shifts
    from optimizer.whatif.kpis import premium_hours

    # Saturday 28 Sep 16:00–20:00: weekend ×1.15 beats evening ×1.1 all four hours.
    sat = tiny(coverage=[{"id": "s", "start": "16:00", "end": "20:00", "days": "Sat"}])
    shift = expand_shifts(sat)[0]
    assert premium_hours(shift, CostParams(), set()) == pytest.approx(4 * 1.15)
    assert premium_hours(shift, CostParams(), {dt.date(2024, 9, 28)}) == pytest.approx(4 * 1.5)
    with pytest.raises(InputError):
        CostParams(fte_hours_per_week=0)


def test_json_and_report_are_complete_and_self_contained(
    comparison: object, tmp_path: Path
) -> None:
    paths = write_comparison(tmp_path, comparison)  # type: ignore[arg-type]
    assert [p.name for p in paths] == ["comparison.csv", "comparison.json", "report.html"]
    payload = json.loads((tmp_path / "comparison.json").read_text())
    assert [s["scenario"] for s in payload["scenarios"]] == ["short", "long"]
    assert payload["assumptions"]["mean_occupied_minutes"] == 60
    assert payload["scenarios"][0]["cost_per_additional_victim"] is None
    csv = pd.read_csv(tmp_path / "comparison.csv")
    assert list(csv["scenario"]) == ["short", "long"]
    page = render_report(comparison)  # type: ignore[arg-type]
    assert "Plotly" in page and len(page) > 1_000_000  # the library is inline
    assert not re.search(r"<script[^>]+src=[\"']https?:", page)
    for heading in (
        "Key figures",
        "When victims are missed",
        "Who is on the roster",
        "Assumptions",
    ):
        assert heading in page
    assert "real data" in page  # the incidents here are not generated


def test_compare_rejects_repeated_ids() -> None:
    with pytest.raises(InputError, match="repeated"):
        compare([monday("20:00", "x"), monday("22:00", "x")], incidents(), time_limit=1)


def test_cli_compare_labels_synthetic_incidents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = tmp_path / "a.yaml"
    a.write_text(
        """\
id: a
name: A
horizon: {start: 2025-03-03, weeks: 1}
agencies: [{id: X, name: Agency X, hourly_cost: 40}]
workers: [{id: W1, name: One, agency: X}, {id: W2, name: Two, agency: X}]
coverage: [{id: eve, start: "15:00", end: "23:00", required: 1, days: Mon-Fri}]
"""
    )
    b = tmp_path / "b.yaml"
    b.write_text("extends: a.yaml\nid: b\ncoverage: [{id: eve, start: '15:00', end: '23:00'}]\n")
    out = tmp_path / "cmp"
    code = main(
        ["compare", str(a), str(b), "--time-limit", "5", "--occupied-minutes", "90",
         "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "SYNTHETIC" in text and "a " in text and "b " in text
    page = (out / "report.html").read_text()
    assert "Synthetic incidents" in page
    payload = json.loads((out / "comparison.json").read_text())
    assert payload["assumptions"]["synthetic"] is True
    assert payload["assumptions"]["mean_occupied_minutes"] == 90
