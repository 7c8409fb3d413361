"""Property: on random valid scenarios, every roster the solver returns passes the
independent checker and its objective equals the checker's."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.result import SolveStatus
from tests.engine.helpers import solve_checked, tiny

MODES = st.sampled_from(["hard", "soft", "off"])


@st.composite
def rule(draw: st.DrawFn, values: st.SearchStrategy[Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"mode": draw(MODES), "weight": draw(st.integers(1, 50))}
    if values is not None:
        out["value"] = draw(values)
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> Any:
    n_cov = draw(st.integers(1, 3))
    coverage = []
    for i in range(n_cov):
        start = draw(st.integers(0, 23))
        length = draw(st.sampled_from([4, 8, 10, 12]))
        target = draw(st.integers(0, 2))
        coverage.append(
            {
                "id": f"c{i}",
                "start": f"{start:02d}:00",
                "end": f"{(start + length) % 24:02d}:00",
                "days": draw(st.sampled_from(["daily", "Mon-Fri", "Wed-Sun", "Sat,Sun"])),
                "required": draw(st.integers(0, target)) if target else 0,
                "target": target,
            }
        )
    rules = {
        "min_rest_hours": draw(rule(st.sampled_from([8, 11, 12]))),
        "max_hours_per_week": draw(rule(st.sampled_from([24, 40]))),
        "max_shifts_per_week": draw(rule(st.integers(2, 5))),
        "max_consecutive_days": draw(rule(st.integers(2, 5))),
        "min_consecutive_days_off": draw(rule(st.integers(1, 3))),
        "min_consecutive_days": draw(rule(st.integers(1, 3))),
        "max_weekends": draw(rule(st.integers(0, 2))),
        "one_shift_per_day": draw(rule()),
    }
    if n_cov > 1 and draw(st.booleans()):
        rules["forbidden_successions"] = {
            **draw(rule()),
            "pairs": [{"first": "c1", "then": "c0"}],
        }
    workers = draw(st.integers(1, 4))
    weeks = draw(st.integers(1, 2))
    time_off = []
    if draw(st.booleans()):
        day = draw(st.integers(23, 29))
        time_off.append({"worker": "W1", "start": f"2024-09-{day}", "end": f"2024-09-{day}"})
    preferences = [
        {
            "worker": f"W{draw(st.integers(1, workers))}",
            "kind": draw(st.sampled_from(["want", "avoid"])),
            "weekday": draw(st.sampled_from(["Mon", "Sat", "Sun"])),
            "weight": draw(st.integers(1, 5)),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    weights = {
        "below_target": draw(st.integers(0, 100)),
        "fairness_hours": draw(st.integers(0, 3)),
        "fairness_unsocial": draw(st.integers(0, 3)),
        "agency_share": draw(st.integers(0, 3)),
    }
    extra: dict[str, Any] = {}
    if draw(st.booleans()):
        extra["agencies"] = [
            {"id": "A", "name": "Agency A", "target_share": 0.6},
            {"id": "B", "name": "Agency B", "target_share": 0.4},
        ]
    scenario = tiny(
        workers=workers,
        coverage=coverage,
        rules=rules,
        weeks=weeks,
        weights=weights,
        time_off=time_off,
        preferences=preferences,
        **extra,
    )
    if "agencies" in extra:
        moved = tuple(
            w.model_copy(update={"agency": "B"}) if i % 2 else w
            for i, w in enumerate(scenario.workers)
        )
        scenario = scenario.model_copy(update={"workers": moved})
    return scenario


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_every_roster_passes_the_checker(scenario: Any) -> None:
    result = solve_checked(scenario, time_limit=5.0)  # asserts checker ok and objective equal
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.INFEASIBLE)
    if result.status.has_roster:
        assert result.gap is not None and result.gap >= 0
