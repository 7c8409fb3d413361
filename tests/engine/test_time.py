"""Time-zone aware shift expansion: DST nights, midnight crossings, holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from optimizer.data import ProblemData
from optimizer.scenario import WEEKDAYS, Scenario
from optimizer.shifts import expand_shifts
from tests.engine.helpers import checked, solve_checked, tiny

OVERNIGHT = {"id": "night", "start": "23:00", "end": "07:00", "required": 1, "days": "daily"}
EVENING = {"id": "eve", "start": "15:00", "end": "23:00", "required": 1, "days": "daily"}


def lengths(start: str, coverage: dict[str, object]) -> dict[str, float]:
    scenario = tiny(start=start, coverage=[coverage])
    return {s.date.isoformat(): s.hours for s in expand_shifts(scenario)}


def test_overnight_is_9h_on_autumn_dst_night_and_7h_on_spring_night() -> None:
    autumn = lengths("2024-10-28", OVERNIGHT)  # DST ends Sun 3 Nov 2024
    assert autumn["2024-11-02"] == 9
    assert {v for k, v in autumn.items() if k != "2024-11-02"} == {8}
    spring = lengths("2025-03-03", OVERNIGHT)  # DST starts Sun 9 Mar 2025
    assert spring["2025-03-08"] == 7


def test_evening_shift_is_8h_on_both_dst_days() -> None:
    assert set(lengths("2024-10-28", EVENING).values()) == {8}
    assert set(lengths("2025-03-03", EVENING).values()) == {8}


def test_overnight_shift_ends_next_local_day_with_offsets() -> None:
    shifts = expand_shifts(tiny(start="2024-10-28", coverage=[OVERNIGHT]))
    dst_night = next(s for s in shifts if s.date == dt.date(2024, 11, 2))
    assert dst_night.start.isoformat() == "2024-11-02T23:00:00-04:00"
    assert dst_night.end.isoformat() == "2024-11-03T07:00:00-05:00"


def test_weekly_limit_counts_real_elapsed_hours_on_dst_week() -> None:
    # Week of 28 Oct 2024: 7 overnight shifts = 57 real hours (one is 9 h); 48 h fit
    # only by leaving out exactly the 9 h night.
    scenario = tiny(
        start="2024-10-28", coverage=[OVERNIGHT], rules={"max_hours_per_week": {"value": 48}}
    )
    result = solve_checked(scenario)
    assert result.unfilled_person_shifts == 1
    assert result.unfilled[0].shift.date == dt.date(2024, 11, 2)


def test_ontario_holidays_skip_and_only() -> None:
    start = "2024-10-14"  # Thanksgiving Monday
    skip = tiny(start=start, coverage=[{**EVENING, "holidays": "skip"}])
    only = tiny(start=start, coverage=[{**EVENING, "holidays": "only", "id": "hol"}])
    assert dt.date(2024, 10, 14) not in {s.date for s in expand_shifts(skip)}
    assert [s.date for s in expand_shifts(only)] == [dt.date(2024, 10, 14)]
    assert expand_shifts(only)[0].holiday == "Thanksgiving Day"


def test_valid_from_and_to_and_date_specific_demand() -> None:
    coverage = [{**EVENING, "valid_from": "2024-09-25", "valid_to": "2024-09-27"}]
    scenario = tiny(
        coverage=coverage, demand=[{"date": "2024-09-29", "coverage": "eve", "required": 3}]
    )
    shifts = expand_shifts(scenario)
    assert [(s.date.day, s.required) for s in shifts] == [(25, 1), (26, 1), (27, 1), (29, 3)]


def test_spring_gap_start_moves_forward() -> None:
    coverage = {"id": "x", "start": "02:30", "end": "06:00", "required": 1, "days": "Sun"}
    shift = expand_shifts(tiny(start="2025-03-03", coverage=[coverage]))[0]
    assert shift.start.isoformat() == "2025-03-09T03:30:00-04:00"
    assert shift.hours == 2.5


def test_unsocial_categories() -> None:
    coverage = [
        {**EVENING, "days": "Sat"},
        {**OVERNIGHT, "days": "Mon"},
        {"id": "day", "start": "07:00", "end": "15:00", "required": 1, "days": "Tue"},
    ]
    shifts = {s.coverage_id: s for s in expand_shifts(tiny(start="2024-09-23", coverage=coverage))}
    assert shifts["eve"].categories == ("evening", "weekend")
    assert shifts["night"].categories == ("night",)
    assert shifts["day"].categories == ()


# Saturday evening, then Sunday 10:00–14:00 with an 11 h minimum rest. The
# night DST starts an evening ending 23:00 leaves 11 h on the wall clock but
# 10 h of real rest; the night it ends, one ending 23:30 leaves 10.5 h on the
# wall clock but 11.5 h of real rest.
SUN_MORNING = {"id": "sun", "start": "10:00", "end": "14:00", "required": 1, "days": ["Sun"]}


@pytest.mark.parametrize(
    ("start", "evening_ends", "rested"),
    [
        ("2025-03-03", "23:00", False),  # DST starts Sun 9 Mar 2025: 10 h
        ("2024-10-28", "23:30", True),  # DST ends Sun 3 Nov 2024: 11.5 h
        ("2024-09-23", "23:00", True),  # no change: 11 h
        ("2024-09-23", "23:30", False),  # no change: 10.5 h
    ],
)
def test_rest_is_the_real_time_between_shifts_across_dst(
    start: str, evening_ends: str, rested: bool
) -> None:
    evening = {"id": "sat", "start": "18:00", "end": evening_ends, "required": 1, "days": ["Sat"]}
    scenario = tiny(
        start=start, coverage=[evening, SUN_MORNING], rules={"min_rest_hours": {"value": 11}}
    )
    both = [(s.id, "W1") for s in expand_shifts(scenario)]
    findings = checked(scenario, both).violations
    assert [f.rule for f in findings] == ([] if rested else ["min_rest_hours"])
    result = solve_checked(scenario)
    assert result.unfilled_person_shifts == (0 if rested else 1)


@pytest.mark.parametrize(
    ("start", "night"),
    [("2024-10-28", dt.date(2024, 11, 2)), ("2025-03-03", dt.date(2025, 3, 8))],
    ids=["autumn-9h", "spring-7h"],
)
def test_availability_windows_read_the_wall_clock_on_dst_nights(start: str, night: dt.date) -> None:
    """An overnight window is local clock times: the DST night's 23:00–07:00 shift
    (9 h in autumn, 7 h in spring) fits a 23:00–07:00 window and not a 23:00–06:00 one."""

    def scenario(end: str) -> Scenario:
        window = {"days": WEEKDAYS[night.weekday()], "start": "23:00", "end": end}
        return tiny(start=start, coverage=[OVERNIGHT], worker_fields={"windows": [window]})

    def eligible_nights(end: str) -> set[dt.date]:
        data = ProblemData(scenario(end))
        return {data.shifts[s].date for s in data.eligible[0]}

    assert eligible_nights("07:00") == {night}
    assert eligible_nights("06:00") == set()
    result = solve_checked(scenario("07:00"))
    worked = {a.shift_id for a in result.assignments}
    assert len(worked) == 1 and result.unfilled_person_shifts == 6
    assert all(u.shift.date != night for u in result.unfilled)
