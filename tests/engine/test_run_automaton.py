"""The run-length automaton accepts exactly the work patterns the checker calls legal."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from optimizer.data import ProblemData
from optimizer.solver import model
from optimizer.solver.model import (
    Model,
    RunRules,
    add_variables,
    build_model,
    run_automaton,
    run_rules,
)
from tests.engine.helpers import checked, tiny

RUN_RULES = ("max_consecutive_days", "min_consecutive_days", "min_consecutive_days_off")
START = dt.date(2024, 9, 23)  # a Monday


def accepts(automaton: tuple[int, list[int], list[tuple[int, int, int]]], days: list[int]) -> bool:
    start, accepting, triples = automaton
    step = {(src, label): dst for src, label, dst in triples}
    state = start
    for label in days:
        if (state, label) not in step:
            return False
        state = step[state, label]
    return state in set(accepting)


def scenario_rules(
    max_on: int | None, min_on: int, min_off: int, exempt_on: bool, exempt_off: bool
) -> dict[str, dict[str, object]]:
    rules: dict[str, dict[str, object]] = {
        "min_consecutive_days": {
            "value": min_on,
            "boundary": "exempt" if exempt_on else "count",
        },
        "min_consecutive_days_off": {
            "value": min_off,
            "boundary": "exempt" if exempt_off else "count",
        },
    }
    if max_on is not None:
        rules["max_consecutive_days"] = {"value": max_on}
    return rules


@st.composite
def patterns(draw: st.DrawFn, n: int = 14) -> list[int]:
    """Work patterns built run by run, so that many of them keep the rules."""
    label = draw(st.integers(0, 1))
    days: list[int] = []
    while len(days) < n:
        days += [label] * draw(st.integers(1, 7))
        label = 1 - label
    return days[:n]


@settings(max_examples=400, deadline=None)
# Runs at the horizon ends shorter than the minimum, yet longer than one day.
@example(None, 3, 1, True, True, [1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1])
@example(5, 1, 3, True, True, [0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0])
@example(5, 3, 3, False, False, [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1])
@given(
    max_on=st.one_of(st.none(), st.integers(1, 6)),
    min_on=st.integers(1, 4),
    min_off=st.integers(1, 4),
    exempt_on=st.booleans(),
    exempt_off=st.booleans(),
    days=patterns(),
)
def test_automaton_agrees_with_the_checker(
    max_on: int | None,
    min_on: int,
    min_off: int,
    exempt_on: bool,
    exempt_off: bool,
    days: list[int],
) -> None:
    scenario = tiny(weeks=2, rules=scenario_rules(max_on, min_on, min_off, exempt_on, exempt_off))
    roster = [
        (f"day@{START + dt.timedelta(days=d)}", "W1") for d, works in enumerate(days) if works
    ]
    report = checked(scenario, roster)
    legal = not any(f.rule in RUN_RULES for f in report.violations)
    rules = RunRules(max_on, min_on, min_off, exempt_on, exempt_off)
    assert accepts(run_automaton(rules), days) == legal, report.describe()
    event("legal" if legal else "breaks a run rule")


def test_rules_read_from_the_scenario_skip_soft_and_off_rules() -> None:
    rules = scenario_rules(5, 2, 3, True, False)
    rules["min_consecutive_days"]["mode"] = "soft"
    m = Model(ProblemData(tiny(weeks=2, rules=rules)))
    add_variables(m)
    assert run_rules(m, 0) == RunRules(5, 1, 3, True, False)
    m = Model(ProblemData(tiny(weeks=2)))
    add_variables(m)
    assert run_rules(m, 0) is None  # every run rule off: no automaton


def test_a_maximum_beyond_the_horizon_is_no_rule() -> None:
    m = Model(ProblemData(tiny(weeks=1, rules={"max_consecutive_days": {"value": 9}})))
    add_variables(m)
    assert run_rules(m, 0) is None


def test_small_programs_get_one_automaton_per_worker_large_ones_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = {"max_consecutive_days": {"value": 4}, "min_consecutive_days_off": {"value": 2}}
    scenario = tiny(workers=3, weeks=2, rules=rules)
    m = build_model(ProblemData(scenario))
    assert len(m.redundant) == 3
    assert all(m.cp.proto.constraints[i].has_automaton() for i in m.redundant)
    monkeypatch.setattr(model, "AUTOMATON_MAX_WORKER_DAYS", 3 * 14 - 1)
    assert build_model(ProblemData(scenario)).redundant == []


def test_a_maximum_alone_gets_no_automaton() -> None:
    # Window sums of a maximum alone are already an integral LP: nothing to add.
    scenario = tiny(workers=3, weeks=2, rules={"max_consecutive_days": {"value": 4}})
    m = build_model(ProblemData(scenario))
    assert run_rules(m, 0) == RunRules(4, 1, 1, True, True)
    assert m.redundant == []
