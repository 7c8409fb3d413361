"""Small scenario builders and the solve-then-check helper every solving test uses."""

from __future__ import annotations

from typing import Any

from optimizer.check import CheckReport, check
from optimizer.io import scenario_from_data
from optimizer.result import SolveResult
from optimizer.scenario import Scenario
from optimizer.solver import solve

#: Every rule off: tests switch on exactly the rule they exercise.
ALL_OFF: dict[str, Any] = {
    "min_rest_hours": {"mode": "off"},
    "max_hours_per_week": {"mode": "off"},
    "min_hours_per_week": {"mode": "off"},
    "max_shifts_per_week": {"mode": "off"},
    "max_consecutive_days": {"mode": "off"},
    "min_consecutive_days": {"mode": "off"},
    "min_consecutive_days_off": {"mode": "off"},
    "max_weekends": {"mode": "off"},
    "one_shift_per_day": {"mode": "off"},
    "forbidden_successions": {"mode": "off"},
    "total_hours": {"mode": "off"},
    "max_shifts_of_type": {"mode": "off"},
    "max_weekends_in_horizon": {"mode": "off"},
}

NO_SOFT_TERMS = {
    "below_target": 0,
    "preferences": 1,
    "fairness_hours": 0,
    "fairness_unsocial": 0,
    "agency_share": 0,
}


def tiny(
    *,
    workers: int = 1,
    coverage: list[dict[str, Any]] | None = None,
    rules: dict[str, Any] | None = None,
    weeks: int = 1,
    start: str = "2024-09-23",
    weights: dict[str, Any] | None = None,
    worker_fields: dict[str, Any] | None = None,
    **extra: Any,
) -> Scenario:
    """A minimal scenario: one agency, ``workers`` workers, every rule off unless given."""
    data: dict[str, Any] = {
        "id": "tiny",
        "name": "Tiny",
        "horizon": {"start": start, "weeks": weeks},
        "agencies": [{"id": "A", "name": "Agency A", "hourly_cost": 50}],
        "workers": [
            {"id": f"W{i + 1}", "name": f"Worker {i + 1}", "agency": "A", **(worker_fields or {})}
            for i in range(workers)
        ],
        "coverage": coverage
        or [{"id": "day", "start": "09:00", "end": "17:00", "required": 1, "days": "daily"}],
        "rules": {**ALL_OFF, **(rules or {})},
        "weights": {**NO_SOFT_TERMS, **(weights or {})},
        **extra,
    }
    return scenario_from_data(data)


def solve_checked(scenario: Scenario, time_limit: float = 20.0, **kwargs: Any) -> SolveResult:
    """Solve, then assert the independent checker agrees with the solver."""
    result = solve(scenario, time_limit=time_limit, workers=2, **kwargs)
    if result.status.has_roster:
        report = check(scenario, result.assignments)
        assert report.ok, report.describe()
        assert report.objective == result.objective, (report.terms, result.objective_terms)
        for name, value in result.objective_terms.items():
            assert report.terms.get(name, 0) == value, (name, report.terms, result.objective_terms)
    return result


def checked(scenario: Scenario, pairs: list[tuple[str, str]]) -> CheckReport:
    """Check a hand-made roster given as (shift id, worker id) pairs."""
    from optimizer.roster import Assignment

    return check(scenario, [Assignment(s, w) for s, w in pairs])
