"""The bundled expansion scenarios: valid, solvable, and the advised window agrees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from optimizer.incidents import advise_window, import_incidents
from optimizer.io import load_scenario
from optimizer.shifts import expand_shifts
from tests.engine.helpers import solve_checked

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
NAMES = ("pilot", "daily", "extended", "24-7", "advised")


def person_hours_per_week(name: str) -> float:
    s = load_scenario(SCENARIOS / f"windsor-{name}.yaml")
    return sum(x.required * x.hours for x in expand_shifts(s)) / s.horizon.weeks


def test_advised_window_is_the_advisors_pick() -> None:
    incidents = import_incidents(SCENARIOS / "data" / "windsor-synthetic-incidents.csv").frame
    advice = advise_window(incidents, 8.0, tz="America/Toronto")
    advised = load_scenario(SCENARIOS / "windsor-advised.yaml")
    (line,) = advised.coverage
    assert line.start == advice.best_start
    end = (
        dt.datetime.combine(dt.date(2025, 1, 6), advice.best_start) + dt.timedelta(hours=8)
    ).time()
    assert line.end == end
    daily = load_scenario(SCENARIOS / "windsor-daily.yaml")
    assert line.required == daily.coverage[0].required and line.days == daily.coverage[0].days
    # Same staffed hours as daily (a DST night adds or removes an hour either way).
    assert abs(person_hours_per_week("advised") - person_hours_per_week("daily")) < 0.5


def test_expansions_cover_what_they_say() -> None:
    assert person_hours_per_week("extended") == pytest.approx(224)
    assert person_hours_per_week("24-7") == pytest.approx(336, abs=0.5)
    s = load_scenario(SCENARIOS / "windsor-24-7.yaml")
    assert [(p.first, p.then) for p in s.rules.forbidden_successions.pairs] == [("night", "day")]
    assert s.rules.min_rest_hours.value == 11
    hires = [w for w in s.workers if w.placeholder]
    assert hires and all("planned" in w.name and "ipv_trauma" in w.skills for w in hires)


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_solves_and_checks(name: str) -> None:
    s = load_scenario(SCENARIOS / f"windsor-{name}.yaml")
    # Two weeks keep the test quick; the full horizons are in docs/benchmarks.md.
    short = s.model_copy(update={"horizon": s.horizon.model_copy(update={"weeks": 2})})
    result = solve_checked(short, time_limit=4)
    assert result.status.has_roster
