"""Minimum headcount on instances whose answer is known."""

from __future__ import annotations

from typing import Any

from optimizer.check import check
from optimizer.io import scenario_from_data
from optimizer.result import SolveStatus
from optimizer.scenario import Scenario
from optimizer.solver.headcount import min_headcount, with_hires
from tests.engine.helpers import ALL_OFF, NO_SOFT_TERMS


def seven_day(
    agencies: list[dict[str, Any]], workers: list[dict[str, Any]] | None = None
) -> Scenario:
    """Every day 09:00–17:00, one person; at most 5 days in a row and 40 h a week."""
    return scenario_from_data(
        {
            "id": "seven",
            "name": "Seven days",
            "horizon": {"start": "2024-09-23", "weeks": 2},
            "agencies": agencies,
            "workers": workers or [],
            "coverage": [
                {"id": "day", "start": "09:00", "end": "17:00", "required": 1, "days": "daily"}
            ],
            "rules": {
                **ALL_OFF,
                "max_consecutive_days": {"value": 5},
                "max_hours_per_week": {"value": 40},
            },
            "weights": NO_SOFT_TERMS,
        }
    )


def assert_roster_checks(result: Any) -> None:
    assert result.team is not None and result.roster is not None
    report = check(result.team, result.roster.assignments)
    assert report.ok, report.describe()
    assert report.objective == result.roster.objective
    assert report.terms["unfilled"] == 0


def test_seven_days_at_five_days_a_week_take_exactly_two() -> None:
    s = seven_day([{"id": "A", "name": "Agency A", "hourly_cost": 40}])
    result = min_headcount(s, time_limit=20, share_tolerance=None, roster_time_limit=5)
    assert result.status is SolveStatus.OPTIMAL and result.proven
    assert result.headcount == 2 and result.lower_bound == 2
    assert result.by_agency == {"A": 2} and result.hires_by_agency == {"A": 2}
    assert all(w.startswith("A-hire-") for w in result.workers)
    assert all(w.placeholder and "planned" in w.name for w in result.team.workers)  # type: ignore[union-attr]
    assert_roster_checks(result)


def test_existing_staff_come_before_new_hires() -> None:
    s = seven_day(
        [{"id": "A", "name": "Agency A"}],
        [{"id": "Ann", "name": "Ann", "agency": "A"}],
    )
    result = min_headcount(s, time_limit=20, share_tolerance=None, roster_time_limit=5)
    assert result.proven and result.headcount == 2
    assert "Ann" in result.workers and result.hires_by_agency == {"A": 1}
    assert_roster_checks(result)


def test_agency_shares_split_the_team() -> None:
    agencies = [
        {"id": "A", "name": "Agency A", "target_share": 0.5},
        {"id": "B", "name": "Agency B", "target_share": 0.5},
    ]
    s = seven_day(agencies)
    result = min_headcount(s, time_limit=20, share_tolerance=0.1, roster_time_limit=5)
    assert result.proven and result.headcount == 2
    assert result.by_agency == {"A": 1, "B": 1}
    hours = {a: 0.0 for a in ("A", "B")}
    for load in result.roster.worker_loads:  # type: ignore[union-attr]
        hours[load.agency_id] += load.hours
    total = sum(hours.values())
    assert all(0.4 <= h / total <= 0.6 for h in hours.values())
    assert_roster_checks(result)


def test_a_shift_nobody_can_take_is_reported() -> None:
    s = seven_day([{"id": "A", "name": "Agency A", "default_skills": ["first_aid"]}])
    s = s.model_copy(update={"coverage": (s.coverage[0].model_copy(update={"skills": ("ipv",)}),)})
    result = min_headcount(s, time_limit=5, share_tolerance=None)
    assert result.status is SolveStatus.INFEASIBLE and result.headcount is None
    assert "needs 1" in result.message and "pool" in result.message


def test_with_hires_numbers_after_existing_placeholders() -> None:
    s = seven_day([{"id": "A", "name": "Agency A"}])
    once = with_hires(s, {"A": 2})
    twice = with_hires(once, {"A": 1})
    assert [w.id for w in twice.workers] == ["A-hire-1", "A-hire-2", "A-hire-3"]
    # No default skills on the agency: a hire is trained for the program's shifts.
    assert twice.workers[0].skills == ()
