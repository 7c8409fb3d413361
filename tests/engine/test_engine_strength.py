"""Greedy first rosters, grouped constraints and the large-model path stay exact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import scaling

import optimizer.solver as solver_module
from optimizer.check import CheckReport
from optimizer.data import ProblemData
from optimizer.io import load_scenario
from optimizer.result import SolveStatus
from optimizer.scenario import Scenario
from optimizer.solver.model import build_model
from optimizer.solver.warmstart import greedy_roster, workers_breaking_rules
from tests.engine.helpers import checked, solve_checked, tiny

ROOT = Path(__file__).resolve().parents[2]

DAY = {"id": "day", "start": "09:00", "end": "17:00", "required": 1, "days": "daily"}
NIGHT = {"id": "night", "start": "21:00", "end": "05:00", "required": 1, "days": "daily"}


def greedy_checked(scenario: Scenario) -> tuple[list[tuple[int, int]], CheckReport]:
    """The greedy roster of ``scenario`` and the checker's report on it."""
    data = ProblemData(scenario)
    roster = greedy_roster(data)
    return roster, checked(scenario, [(data.shifts[s].id, data.workers[w].id) for w, s in roster])


def test_greedy_respects_hard_weekend_limits() -> None:
    coverage = [{**DAY, "days": "Sat,Sun"}]
    rules = {"max_weekends": {"value": 2, "window_weeks": 4}}
    data = ProblemData(tiny(workers=2, coverage=coverage, rules=rules, weeks=8))
    roster = greedy_roster(data)
    assert not workers_breaking_rules(data, roster)
    assert roster


def test_greedy_works_weekends_whole_when_weekends_are_capped() -> None:
    # Least loaded first alone gives Saturday to W1 and Sunday to W2: each has
    # then spent the one weekend the cap allows, and nobody may take the next.
    coverage = [{**DAY, "days": "Sat,Sun"}]
    rules = {"max_weekends": {"value": 1, "window_weeks": 2}}
    data = ProblemData(tiny(workers=2, coverage=coverage, rules=rules, weeks=2))
    roster = greedy_roster(data)
    assert not workers_breaking_rules(data, roster)
    assert len(roster) == 4
    assert sorted(sum(w == v for v, _ in roster) for w in range(2)) == [2, 2]


def test_greedy_respects_hard_minimum_days_off() -> None:
    rules = {"max_consecutive_days": {"value": 3}, "min_consecutive_days_off": {"value": 2}}
    data = ProblemData(tiny(workers=2, rules=rules, weeks=4))
    assert not workers_breaking_rules(data, greedy_roster(data))


@pytest.mark.parametrize("rule", ["min_consecutive_days_off", "min_consecutive_days"])
def test_greedy_keeps_a_soft_minimum_run_when_it_can(rule: str) -> None:
    # Least loaded first alone alternates two workers day by day: every rest
    # and every run of work is one day against a (soft) minimum of two.
    # Working in pairs of days keeps both at two at no cost.
    scenario = tiny(workers=2, rules={rule: {"value": 2, "mode": "soft", "weight": 10}}, weeks=2)
    roster, report = greedy_checked(scenario)
    assert len(roster) == 14
    assert report.terms.get(f"rule:{rule}", 0) == 0
    assert not report.violations


def test_greedy_gives_shifts_to_the_workers_who_want_them() -> None:
    # Least loaded first alone hands the daily shift round by index (W1 on
    # Monday, W2 on Tuesday, …): each would work the days the other wants.
    wants = {"W1": ("Tue", "Thu", "Sat", "Sun"), "W2": ("Mon", "Wed", "Fri")}
    preferences = [
        {"worker": w, "kind": "want", "weekday": d, "weight": 1}
        for w, days in wants.items()
        for d in days
    ]
    scenario = tiny(workers=2, weeks=1, weights={"preferences": 10}, preferences=preferences)
    roster, report = greedy_checked(scenario)
    assert len(roster) == 7
    assert report.terms.get("preferences", 0) == 0


def test_greedy_roster_of_the_24_7_program_weighs_fair_shares() -> None:
    # Fair shares of hours and unsocial shifts are most of this program's
    # cost; ranked by load and preferences alone its greedy roster cost 1584.
    scenario = load_scenario(ROOT / "scenarios" / "windsor-24-7.yaml")
    _, report = greedy_checked(scenario)
    assert not report.violations
    assert report.objective < 1400


def test_preference_costs_charge_what_the_checker_charges() -> None:
    # A want charges every other shift of its day and the day off; an avoid its shifts.
    coverage = [DAY, NIGHT]
    preferences = [
        {"worker": "W1", "kind": "want", "weekday": "Mon", "coverage": "day", "weight": 2},
        {"worker": "W1", "kind": "avoid", "weekday": "Tue", "weight": 3},
    ]
    scenario = tiny(coverage=coverage, weights={"preferences": 10}, preferences=preferences)
    data = ProblemData(scenario)
    costs = data.preference_costs[0]
    for day in range(7):
        for s in data.shifts_by_day[day]:
            alone = checked(scenario, [(data.shifts[s].id, "W1")])
            assert alone.terms.get("preferences", 0) == sum(
                costs.get(k, 0) for k in [s] + [-1 - d for d in range(7) if d != day]
            )


def test_greedy_respects_hard_forbidden_successions() -> None:
    # Least loaded first puts W1 on Monday's late shift and, on a tie, on
    # Wednesday's early one after Tuesday's late: a late → early succession.
    early = {"id": "early", "start": "06:00", "end": "14:00", "required": 2}
    late = {"id": "late", "start": "14:00", "end": "22:00", "required": 2, "days": "daily"}
    rules = {
        "one_shift_per_day": {},
        "forbidden_successions": {"pairs": [{"first": "late", "then": "early"}]},
    }
    coverage = [{**early, "days": "Tue,Wed,Thu,Fri,Sat,Sun"}, late]
    data = ProblemData(tiny(workers=3, coverage=coverage, rules=rules, weeks=1))
    roster = greedy_roster(data)
    assert not workers_breaking_rules(data, roster)
    # Three people, one shift a day each: at most 21 of the 26 slots.
    assert len(roster) >= 18


def test_greedy_keeps_a_rest_longer_than_a_day_across_midnight() -> None:
    # The greedy roster tests rest only against shifts a few days away; a
    # 44 h rest after a night (ends 05:00) bars the night two days on (21:00,
    # 40 h later), so two workers can cover at most two nights in three.
    rules = {"min_rest_hours": {"value": 44}}
    data = ProblemData(tiny(workers=2, coverage=[NIGHT], rules=rules, weeks=2))
    roster = greedy_roster(data)
    assert not workers_breaking_rules(data, roster)
    assert 8 <= len(roster) <= 10


def test_greedy_finishes_runs_shorter_than_the_hard_minimum() -> None:
    # Least loaded first alone would hand the daily shift round the three
    # workers one day each: runs of one day against a minimum of three.
    rules = {"min_consecutive_days": {"value": 3}, "max_consecutive_days": {"value": 5}}
    data = ProblemData(tiny(workers=3, rules=rules, weeks=3))
    roster = greedy_roster(data)
    assert not workers_breaking_rules(data, roster)
    assert len({s for _, s in roster}) == 21


def test_forbidden_successions_hold_with_one_shift_a_day() -> None:
    # One worker, day and night shifts every day, no day shift after a night.
    rules = {
        "one_shift_per_day": {},
        "forbidden_successions": {"pairs": [{"first": "night", "then": "day"}]},
    }
    result = solve_checked(tiny(coverage=[DAY, NIGHT], rules=rules, weeks=1))
    # Seven days, one shift each (solve_checked has the checker judge the successions).
    assert len(result.assignments) == 7
    assert result.unfilled_person_shifts == 7


def test_large_model_path_starts_from_the_greedy_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solver_module, "PHASE_ONE_MAX_CONSTRAINTS", 0)
    rules = {"max_consecutive_days": {"value": 3}, "min_consecutive_days_off": {"value": 2}}
    result = solve_checked(tiny(workers=3, rules=rules, weeks=2), time_limit=3.0)
    assert result.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert not result.unfilled


@pytest.mark.parametrize("repaired", [False, True])
def test_large_programs_skip_the_whole_model_phase_when_the_greedy_roster_keeps_every_rule(
    monkeypatch: pytest.MonkeyPatch, repaired: bool
) -> None:
    # Every program counts as large here; one whose greedy roster needs repair
    # (as every Curtois instance's does) still gets the whole-model phase.
    monkeypatch.setattr(solver_module, "PHASE_ONE_FEASIBLE_MAX_CONSTRAINTS", 0)
    rules = {"max_consecutive_days": {"value": 3}, "min_consecutive_days_off": {"value": 2}}
    scenario = tiny(workers=3, rules=rules, weeks=2)
    data = ProblemData(scenario)
    assert not workers_breaking_rules(data, greedy_roster(data))
    if repaired:
        monkeypatch.setattr(solver_module, "workers_breaking_rules", lambda data, pairs: {0})
    runs: list[Any] = []
    whole_model = solver_module._run

    def spy(*args: Any, **kwargs: Any) -> Any:
        runs.append(args)
        return whole_model(*args, **kwargs)

    monkeypatch.setattr(solver_module, "_run", spy)
    result = solve_checked(scenario, time_limit=3.0)
    assert result.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert not result.unfilled
    assert bool(runs) is repaired


def test_no_maximum_is_taken_over_a_long_sum() -> None:
    # CP-SAT's presolve of a max over two long expressions took 24 s for the
    # 40-worker, 13-week scaling program, whose agency-share deviation was such
    # a max over every assignment of an agency (2 s once the sum became a
    # variable). Deviations and penalties stay maxima over short expressions:
    # here none longer than one worker's shifts in a week.
    data = ProblemData(scaling.program(8, 4))
    m = build_model(data)
    week = 7 * max(len(day) for day in data.shifts_by_day)
    lengths = [
        len(e.vars) for c in m.cp.proto.constraints if c.has_lin_max() for e in c.lin_max.exprs
    ]
    assert lengths and max(lengths) <= week
    assert m.terms["agency_share"] and m.terms["fairness_hours"]


def test_total_hours_are_summed_only_for_workers_with_a_limit() -> None:
    # Fair hours and the agency share read one minutes variable per worker;
    # total hours build their own sum (measured faster on benchmark instances
    # 7 and 10), and only for workers whose contract limits total hours.
    program = scaling.program(8, 4)
    workers = [
        w.model_copy(update={"max_total_hours": 120, "min_total_hours": 20}) if i % 2 else w
        for i, w in enumerate(program.workers)
    ]
    program = program.model_copy(update={"workers": workers})
    m = build_model(ProblemData(program))
    assert m.terms["agency_share"] and m.terms["fairness_hours"]
    for w, xs in enumerate(m.x):
        mine = {v.index for v in xs.values()}
        whole = [
            c
            for c in m.cp.proto.constraints
            if c.has_linear() and len(mine & set(c.linear.vars)) == len(mine)
        ]
        if w % 2:
            assert len(whole) > 1, f"worker {w}: total hours not limited"
        else:
            assert len(whole) == 1, f"worker {w}: {len(whole)} sums over every assignment"
