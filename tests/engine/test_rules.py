"""Each labour rule alone on the smallest instance that shows it.

Every rule is tested twice: once where the roster can obey it (solved, and the
checker agrees), and once where obeying it forces unfilled coverage or
infeasibility — proving the rule actually binds.
"""

from __future__ import annotations

import pytest

from optimizer.result import SolveStatus
from tests.engine.helpers import solve_checked, tiny

DAY = {"id": "day", "start": "09:00", "end": "17:00", "required": 1, "days": "daily"}
NIGHT = {"id": "night", "start": "23:00", "end": "07:00", "required": 1, "days": "daily"}


def test_no_rules_one_worker_covers_every_day() -> None:
    result = solve_checked(tiny())
    assert result.status is SolveStatus.OPTIMAL
    assert len(result.assignments) == 7
    assert not result.unfilled


def test_max_consecutive_days_hard_leaves_gaps_with_one_worker() -> None:
    result = solve_checked(tiny(rules={"max_consecutive_days": {"value": 5}}))
    assert result.status is SolveStatus.OPTIMAL
    assert (
        len(result.assignments) == 6
    )  # 7 days, at most 5 in a row: one day short... 6 via 5+gap+1
    assert len(result.unfilled) == 1


def test_max_consecutive_days_satisfied_with_two_workers() -> None:
    result = solve_checked(tiny(workers=2, rules={"max_consecutive_days": {"value": 3}}))
    assert not result.unfilled


def test_max_shifts_per_week() -> None:
    ok = solve_checked(tiny(workers=2, rules={"max_shifts_per_week": {"value": 4}}))
    assert not ok.unfilled
    short = solve_checked(tiny(workers=1, rules={"max_shifts_per_week": {"value": 4}}))
    assert short.unfilled_person_shifts == 3


def test_max_hours_per_week_counts_real_hours() -> None:
    ok = solve_checked(tiny(workers=2, rules={"max_hours_per_week": {"value": 32}}))
    assert not ok.unfilled
    short = solve_checked(tiny(workers=1, rules={"max_hours_per_week": {"value": 32}}))
    assert short.unfilled_person_shifts == 3  # 4 × 8 h fit in 32 h
    assert "weekly limit" in short.unfilled[0].reason


def test_worker_weekly_limit_overrides_rule() -> None:
    scenario = tiny(
        rules={"max_hours_per_week": {"value": 40}}, worker_fields={"max_hours_per_week": 16}
    )
    assert solve_checked(scenario).unfilled_person_shifts == 5


def test_min_rest_blocks_night_then_day() -> None:
    coverage = [
        {**NIGHT, "days": "Mon"},
        {**DAY, "days": "Tue", "start": "15:00", "end": "23:00"},
    ]
    # Night ends Tue 07:00, evening starts Tue 15:00: 8 h rest.
    ok = solve_checked(tiny(coverage=coverage, rules={"min_rest_hours": {"value": 8}}))
    assert not ok.unfilled
    short = solve_checked(tiny(coverage=coverage, rules={"min_rest_hours": {"value": 11}}))
    assert short.unfilled_person_shifts == 1
    assert "rest" in short.unfilled[0].reason


def test_one_shift_per_day() -> None:
    coverage = [
        {**DAY, "id": "early", "start": "06:00", "end": "10:00", "days": "Mon"},
        {**DAY, "id": "late", "start": "18:00", "end": "22:00", "days": "Mon"},
    ]
    assert not solve_checked(tiny(coverage=coverage)).unfilled
    short = solve_checked(tiny(coverage=coverage, rules={"one_shift_per_day": {}}))
    assert short.unfilled_person_shifts == 1


def test_overlapping_shifts_never_share_a_worker() -> None:
    coverage = [
        {**DAY, "id": "a", "start": "09:00", "end": "17:00", "days": "Mon"},
        {**DAY, "id": "b", "start": "12:00", "end": "20:00", "days": "Mon"},
    ]
    assert solve_checked(tiny(coverage=coverage)).unfilled_person_shifts == 1
    assert not solve_checked(tiny(workers=2, coverage=coverage)).unfilled


def test_min_consecutive_days_off_hard() -> None:
    # Mon–Sun demand; with min 2 days off between runs and max 3 working days in a row.
    rules = {"max_consecutive_days": {"value": 3}, "min_consecutive_days_off": {"value": 2}}
    one = solve_checked(tiny(rules=rules, weeks=2))
    two = solve_checked(tiny(workers=2, rules=rules, weeks=2))
    assert not two.unfilled
    assert one.unfilled_person_shifts > 14 - 10  # runs 3 on, 2 off: at most 9–10 of 14 days


def test_min_consecutive_days_forbids_single_days() -> None:
    coverage = [{**DAY, "days": "Mon,Wed,Fri"}]
    rules = {"min_consecutive_days": {"value": 2, "boundary": "count"}}
    result = solve_checked(tiny(coverage=coverage, rules=rules))
    # Mon, Wed, Fri alone would each be a 1-day run: none can be worked.
    assert result.unfilled_person_shifts == 3


def test_min_runs_touching_horizon_ends_are_exempt() -> None:
    coverage = [{**DAY, "days": "Mon,Sun"}]
    rules = {"min_consecutive_days": {"value": 2, "boundary": "exempt"}}
    result = solve_checked(tiny(coverage=coverage, rules=rules))
    assert not result.unfilled  # Mon and Sun touch the ends of a Mon–Sun horizon


def test_max_weekends_rolling_window() -> None:
    coverage = [{**DAY, "days": "Sat,Sun"}]
    rules = {"max_weekends": {"value": 2, "window_weeks": 4}}
    result = solve_checked(tiny(coverage=coverage, rules=rules, weeks=4))
    assert result.unfilled_person_shifts == 4  # two of four weekends, both days each
    assert not solve_checked(tiny(workers=2, coverage=coverage, rules=rules, weeks=4)).unfilled


def test_max_weekends_in_horizon_per_worker() -> None:
    coverage = [{**DAY, "days": "Sat"}]
    scenario = tiny(
        coverage=coverage,
        weeks=3,
        rules={"max_weekends_in_horizon": {}},
        worker_fields={"max_weekends": 1},
    )
    assert solve_checked(scenario).unfilled_person_shifts == 2


def test_forbidden_succession() -> None:
    coverage = [{**NIGHT, "days": "Mon"}, {**DAY, "days": "Tue"}]
    rules = {"forbidden_successions": {"pairs": [{"first": "night", "then": "day"}]}}
    assert not solve_checked(tiny(coverage=coverage)).unfilled
    assert solve_checked(tiny(coverage=coverage, rules=rules)).unfilled_person_shifts == 1


def test_total_hours_max_and_min() -> None:
    short = solve_checked(tiny(rules={"total_hours": {}}, worker_fields={"max_total_hours": 24}))
    assert short.unfilled_person_shifts == 4
    infeasible = solve_checked(
        tiny(
            coverage=[{**DAY, "days": "Mon", "max": 1}],
            rules={"total_hours": {}},
            worker_fields={"min_total_hours": 16},
        )
    )
    assert infeasible.status is SolveStatus.INFEASIBLE


def test_max_shifts_of_type_zero_means_cannot_work_it() -> None:
    coverage = [{**DAY, "days": "Mon"}, {**NIGHT, "days": "Wed"}]
    scenario = tiny(
        coverage=coverage,
        rules={"max_shifts_of_type": {}},
        worker_fields={"max_shifts": {"night": 0}},
    )
    result = solve_checked(scenario)
    assert result.unfilled_person_shifts == 1
    assert "does not work night" in result.unfilled[0].reason


@pytest.mark.parametrize(
    "rule",
    [
        {"max_consecutive_days": {"value": 5, "mode": "soft", "weight": 1}},
        {"max_shifts_per_week": {"value": 4, "mode": "soft", "weight": 1}},
        {"max_hours_per_week": {"value": 32, "mode": "soft", "weight": 1}},
    ],
)
def test_soft_rules_are_broken_when_cheaper_than_a_gap(rule: dict[str, object]) -> None:
    result = solve_checked(tiny(rules=rule))
    assert not result.unfilled
    assert any(k.startswith("rule:") and v > 0 for k, v in result.objective_terms.items())


def test_soft_rule_kept_when_gap_is_cheaper() -> None:
    rules = {"max_shifts_per_week": {"value": 6, "mode": "soft", "weight": 5000}}
    result = solve_checked(tiny(rules=rules))
    assert result.unfilled_person_shifts == 1


def test_skills_and_availability() -> None:
    coverage = [{**DAY, "skills": ["ipv_trauma"]}]
    result = solve_checked(tiny(coverage=coverage))
    assert result.unfilled_person_shifts == 7
    assert "lacks skill ipv_trauma" in result.unfilled[0].reason
    scenario = tiny(worker_fields={"available_days": "Wed-Sun"})
    assert solve_checked(scenario).unfilled_person_shifts == 2


def test_time_off_dates_inclusive_and_datetimes() -> None:
    scenario = tiny(
        time_off=[
            {"worker": "W1", "start": "2024-09-24", "end": "2024-09-25", "reason": "leave"},
            {"worker": "W1", "start": "2024-09-28T16:00:00", "end": "2024-09-28T18:00:00"},
        ]
    )
    result = solve_checked(scenario)
    days = sorted(u.shift.date.isoformat() for u in result.unfilled)
    assert days == ["2024-09-24", "2024-09-25", "2024-09-28"]
    assert "on time off (leave)" in result.unfilled[0].reason


def test_target_headcount_above_required() -> None:
    coverage = [{**DAY, "required": 1, "target": 2}]
    result = solve_checked(tiny(workers=1, coverage=coverage, weights={"below_target": 7}))
    assert not result.unfilled
    assert result.objective_terms["below_target"] == 7 * 7


def test_locked_assignments_are_kept() -> None:
    from optimizer.roster import Assignment

    scenario = tiny(workers=2)
    lock = Assignment("day@2024-09-25", "W2")
    result = solve_checked(scenario, locked=[lock])
    assert lock in result.assignments


def test_infeasible_hard_rules_report_no_roster() -> None:
    scenario = tiny(
        coverage=[{**DAY, "days": "Mon", "max": 1}],
        rules={"total_hours": {}},
        worker_fields={"min_total_hours": 40},
    )
    result = solve_checked(scenario)
    assert result.status is SolveStatus.INFEASIBLE
    assert result.assignments == ()


# Forced infeasible: lock a roster that breaks exactly one hard rule. The solver
# must prove there is no roster, and the checker must name the same rule.
FORCED = [
    ("max_consecutive_days", {"max_consecutive_days": {"value": 2}}, {}, [DAY], [23, 24, 25]),
    ("max_shifts_per_week", {"max_shifts_per_week": {"value": 2}}, {}, [DAY], [23, 25, 27]),
    ("max_hours_per_week", {"max_hours_per_week": {"value": 16}}, {}, [DAY], [23, 25, 27]),
    (
        "min_consecutive_days_off",
        {"min_consecutive_days_off": {"value": 2}},
        {},
        [{**DAY, "days": "Mon,Wed"}],  # no Tuesday shift could close the 1-day break
        [23, 25],
    ),
    (
        "min_consecutive_days",
        {"min_consecutive_days": {"value": 2}},
        {},
        [{**DAY, "days": "Wed"}],  # a lone Wednesday cannot grow into a 2-day run
        [25],
    ),
    (
        "max_weekends",
        {"max_weekends": {"value": 0, "window_weeks": 1}},
        {},
        [DAY],
        [28],
    ),
    (
        "max_weekends_in_horizon",
        {"max_weekends_in_horizon": {}},
        {"max_weekends": 0},
        [DAY],
        [29],
    ),
    ("total_hours", {"total_hours": {}}, {"max_total_hours": 8}, [DAY], [23, 24]),
    ("max_shifts_of_type", {"max_shifts_of_type": {}}, {"max_shifts": {"day": 1}}, [DAY], [23, 24]),
]


@pytest.mark.parametrize(("name", "rules", "fields", "coverage", "days"), FORCED)
def test_locked_roster_breaking_a_hard_rule_is_infeasible(
    name: str,
    rules: dict[str, object],
    fields: dict[str, object],
    coverage: list[dict[str, object]],
    days: list[int],
) -> None:
    from optimizer.roster import Assignment
    from tests.engine.helpers import checked

    scenario = tiny(coverage=coverage, rules=rules, worker_fields=fields)
    locked = [Assignment(f"day@2024-09-{d}", "W1") for d in days]
    assert name in {
        f.rule for f in checked(scenario, [(a.shift_id, "W1") for a in locked]).violations
    }
    result = solve_checked(scenario, locked=locked)
    assert result.status is SolveStatus.INFEASIBLE
    # Without the lock the same scenario has a roster.
    assert solve_checked(scenario).status is SolveStatus.OPTIMAL


def test_locked_rest_and_succession_and_one_per_day_are_infeasible() -> None:
    from optimizer.roster import Assignment

    coverage = [
        {**NIGHT, "days": "Mon"},
        {**DAY, "days": "Tue"},
        {**DAY, "id": "late", "start": "18:00", "end": "22:00", "days": "Tue"},
    ]
    cases = [
        ({"min_rest_hours": {"value": 11}}, ["night@2024-09-23", "day@2024-09-24"]),
        (
            {"forbidden_successions": {"pairs": [{"first": "night", "then": "day"}]}},
            ["night@2024-09-23", "day@2024-09-24"],
        ),
        ({"one_shift_per_day": {}}, ["day@2024-09-24", "late@2024-09-24"]),
    ]
    for rules, shifts in cases:
        scenario = tiny(coverage=coverage, rules=rules)
        locked = [Assignment(s, "W1") for s in shifts]
        assert solve_checked(scenario, locked=locked).status is SolveStatus.INFEASIBLE, rules
