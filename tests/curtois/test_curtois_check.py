"""The checker on the imported scenarios: published rosters are feasible at their published cost."""

from __future__ import annotations

import pytest

from optimizer.check import check
from optimizer.curtois import roster_assignments, shift_id, to_scenario
from optimizer.roster import Assignment

from .conftest import SOLVED, load_solutions


@pytest.mark.parametrize("n", SOLVED)
def test_checker_reproduces_every_published_cost(n: int) -> None:
    inst, rosters = load_solutions(n)
    scenario = to_scenario(inst)
    for roster in rosters:
        report = check(scenario, roster_assignments(inst, roster))
        assert report.violations == ()
        assert report.objective == roster.cost
        assert report.terms["preferences"] == roster.roster_cost
        assert report.terms["unfilled"] + report.terms["over_target"] == roster.cover_cost


def test_checker_sees_work_on_a_day_off() -> None:
    """Days off are imported as time off the checker enforces."""
    inst, (roster, _) = load_solutions(2)
    scenario = to_scenario(inst)
    employee, (day, *_) = next((e, d) for e, d in inst.days_off.items() if d)
    assert roster.days[employee][day] is None
    extra = Assignment(shift_id(inst.shifts[0].id, inst.date(day)), employee)
    report = check(scenario, (*roster_assignments(inst, roster), extra))
    assert any(f.worker == employee for f in report.violations)
