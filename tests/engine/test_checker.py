"""The checker on hand-made rosters: each rule's violation is found and named."""

from __future__ import annotations

from tests.engine.helpers import checked, tiny

DAY = {"id": "day", "start": "09:00", "end": "17:00", "required": 1, "days": "daily"}


def days(n: int, start: int = 23) -> list[tuple[str, str]]:
    return [(f"day@2024-09-{d:02d}", "W1") for d in range(start, start + n)]


def rules_of(report: object) -> set[str]:
    return {f.rule for f in report.violations}  # type: ignore[attr-defined]


def test_clean_roster_passes_and_objective_counts_gaps() -> None:
    report = checked(tiny(), days(7))
    assert report.ok
    assert report.objective == 0
    gaps = checked(tiny(), days(5))
    assert gaps.terms["unfilled"] == 2 * 1000


def test_max_consecutive_days_violation() -> None:
    report = checked(tiny(rules={"max_consecutive_days": {"value": 5}}), days(7))
    assert rules_of(report) == {"max_consecutive_days"}
    assert report.violations[0].amount == 2
    assert "7 days in a row" in report.violations[0].message


def test_weekly_hours_violation_names_week_and_limit() -> None:
    report = checked(tiny(rules={"max_hours_per_week": {"value": 40}}), days(6))
    assert rules_of(report) == {"max_hours_per_week"}
    assert "48 h in week 2024-W39 (limit 40 h)" in report.violations[0].message


def test_soft_rule_is_a_penalty_not_a_violation() -> None:
    scenario = tiny(rules={"max_hours_per_week": {"value": 40, "mode": "soft", "weight": 3}})
    report = checked(scenario, days(6))
    assert report.ok
    assert report.terms["rule:max_hours_per_week"] == 3 * 8


def test_rest_and_succession_and_overlap() -> None:
    coverage = [
        {"id": "night", "start": "23:00", "end": "07:00", "required": 1, "days": "Mon"},
        {"id": "day", "start": "09:00", "end": "17:00", "required": 1, "days": "Tue"},
        {"id": "mid", "start": "12:00", "end": "20:00", "required": 1, "days": "Tue"},
    ]
    rules = {
        "min_rest_hours": {"value": 11},
        "forbidden_successions": {"pairs": [{"first": "night", "then": "day"}]},
    }
    report = checked(
        tiny(coverage=coverage, rules=rules),
        [("night@2024-09-23", "W1"), ("day@2024-09-24", "W1"), ("mid@2024-09-24", "W1")],
    )
    assert {"min_rest_hours", "forbidden_successions", "overlap"} <= rules_of(report)


def test_eligibility_time_off_and_skill() -> None:
    scenario = tiny(
        coverage=[{**DAY, "skills": ["ipv_trauma"]}],
        time_off=[{"worker": "W1", "start": "2024-09-23", "end": "2024-09-23"}],
    )
    report = checked(scenario, days(1))
    messages = " ".join(f.message for f in report.violations)
    assert "lacks skill ipv_trauma" in messages and "on time off" in messages


def test_short_runs_boundary_options() -> None:
    pattern = [("day@2024-09-23", "W1"), ("day@2024-09-25", "W1"), ("day@2024-09-29", "W1")]
    exempt = tiny(rules={"min_consecutive_days": {"value": 2}})
    counted = tiny(rules={"min_consecutive_days": {"value": 2, "boundary": "count"}})
    assert [f.amount for f in checked(exempt, pattern).violations] == [1]  # only Wed
    assert len(checked(counted, pattern).violations) == 3


def test_days_off_runs() -> None:
    scenario = tiny(rules={"min_consecutive_days_off": {"value": 2}})
    roster = [(f"day@2024-09-{d}", "W1") for d in (23, 24, 26, 27, 28, 29)]
    report = checked(scenario, roster)
    assert rules_of(report) == {"min_consecutive_days_off"}


def test_weekends_and_totals_and_types() -> None:
    scenario = tiny(
        weeks=2,
        rules={
            "max_weekends": {"value": 1, "window_weeks": 2},
            "total_hours": {},
            "max_shifts_of_type": {},
            "max_weekends_in_horizon": {},
        },
        worker_fields={"max_total_hours": 16, "max_shifts": {"day": 1}, "max_weekends": 1},
    )
    roster = [("day@2024-09-28", "W1"), ("day@2024-10-05", "W1")]
    assert rules_of(checked(scenario, roster)) == {
        "max_weekends",
        "max_weekends_in_horizon",
        "max_shifts_of_type",
    }
    assert rules_of(checked(scenario, [*roster, ("day@2024-10-01", "W1")])) >= {"total_hours"}


def test_coverage_cap_is_hard() -> None:
    report = checked(tiny(workers=2), [("day@2024-09-23", "W1"), ("day@2024-09-23", "W2")])
    assert rules_of(report) == {"coverage_max"}


def test_preferences_want_and_avoid() -> None:
    scenario = tiny(
        preferences=[
            {"worker": "W1", "kind": "want", "weekday": "Mon", "weight": 4},
            {"worker": "W1", "kind": "avoid", "date": "2024-09-24", "weight": 9},
        ],
        weights={"preferences": 2},
    )
    assert checked(scenario, [("day@2024-09-24", "W1")]).terms["preferences"] == 2 * (4 + 9)
    assert checked(scenario, [("day@2024-09-23", "W1")]).terms["preferences"] == 0


def test_fairness_spreads_each_unsocial_category() -> None:
    evening = {"id": "eve", "start": "15:00", "end": "23:00", "required": 1, "days": "daily"}
    scenario = tiny(
        workers=2, coverage=[evening], weights={"fairness_unsocial": 1, "fairness_hours": 0}
    )
    one_sided = [(f"eve@2024-09-{d}", "W1") for d in range(23, 30)]
    shared = [(f"eve@2024-09-{d}", "W1" if d % 2 else "W2") for d in range(23, 30)]
    # Fair share: 3.5 → 4 evenings and 1 weekend shift each (rounded).
    # All to W1: evening |7 − 4| + |0 − 4| = 7, weekend |2 − 1| + |0 − 1| = 2.
    assert checked(scenario, one_sided).terms["fairness_unsocial"] == 9
    assert checked(scenario, shared).terms["fairness_unsocial"] < 9
