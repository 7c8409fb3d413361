"""The Roster page: solve with progress, inspect, lock and re-solve."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from optimizer.roster import Assignment

#: The pilot is proven optimal in a few seconds; the limit only matters on a loaded machine.
LIMIT = 20


def solved(pages: Any) -> AppTest:
    at = pages.start("roster")
    at.slider(key="time_limit").set_value(LIMIT)
    at.button(key="solve").click().run()
    pages.ok(at)
    return at


def test_asks_for_a_solve_first(pages: Any) -> None:
    at = pages.start("roster")
    pages.ok(at)
    assert "Press **Solve**" in at.info[0].value


def test_solve_shows_the_roster_and_its_checks(pages: Any) -> None:
    at = solved(pages)
    result = at.session_state["solve_result"]
    assert result.status.has_roster
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Status"] in ("optimal", "feasible")
    assert metrics["Short person-shifts"] == "0"
    assert any("no hard rule is broken" in s.value for s in at.success)
    charts = at.get("plotly_chart")
    assert len(charts) >= 5  # two timelines, hours, fairness, agency share
    assert "Every shift has its required headcount." in [m.value for m in at.markdown]


def test_locked_assignments_stay_after_a_resolve(pages: Any) -> None:
    at = solved(pages)
    first = at.session_state["solve_result"]
    keep = frozenset(first.assignments[:3])
    at.session_state["locked_assignments"] = keep
    at.run()
    assert at.button(key="solve").label == "Solve (keeping 3 locked)"
    at.button(key="solve").click().run()
    pages.ok(at)
    again = at.session_state["solve_result"]
    assert keep <= set(again.assignments)


def test_an_impossible_lock_is_a_message(pages: Any) -> None:
    at = pages.start("roster")
    # Amira Haddad is on approved leave on Friday 11 October 2024.
    at.session_state["locked_assignments"] = frozenset({Assignment("evening@2024-10-11", "WRH1")})
    at.slider(key="time_limit").set_value(LIMIT)
    at.run()
    at.button(key="solve").click().run()
    pages.ok(at)
    assert "impossible" in pages.errors(at)
