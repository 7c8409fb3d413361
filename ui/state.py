"""Shared state of one browser session, passed between pages via ``st.session_state``.

Pages never read ``st.session_state`` keys directly; they use these accessors,
so the names and types of shared objects are written down in one place.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from optimizer.roster import Assignment
from optimizer.scenario import Scenario
from ui import tables

#: Scenario loaded at start so a new user sees something useful at once.
DEFAULT_SCENARIO = "windsor-pilot"

_SCENARIO = "scenario"
_DATA = "scenario_data"
_SOURCE = "scenario_source"
_VERSION = "scenario_version"
_RESULT = "solve_result"
_LOCKED = "locked_assignments"
_INCIDENTS = "incidents"
_EDIT_ERRORS = "scenario_edit_errors"


def init() -> None:
    """Set up the shared state once per session (loads the default scenario)."""
    if _SCENARIO in st.session_state:
        return
    st.session_state[_VERSION] = 0
    st.session_state[_LOCKED] = frozenset()
    st.session_state[_RESULT] = None
    st.session_state[_INCIDENTS] = None
    if DEFAULT_SCENARIO in tables.bundled_scenarios():
        set_scenario(tables.load_bundled(DEFAULT_SCENARIO), f"bundled: {DEFAULT_SCENARIO}")
    else:
        st.session_state[_SCENARIO] = None
        st.session_state[_DATA] = None
        st.session_state[_SOURCE] = ""


def scenario() -> Scenario | None:
    """The current valid scenario, or None when none is loaded."""
    value: Scenario | None = st.session_state.get(_SCENARIO)
    return value


def scenario_data() -> dict[str, Any] | None:
    """The editable data of the current scenario (edits not yet valid included)."""
    value: dict[str, Any] | None = st.session_state.get(_DATA)
    return value


def has_edit_errors() -> bool:
    """True when the latest edits on the Scenario page do not make a valid scenario."""
    return bool(st.session_state.get(_EDIT_ERRORS, False))


def scenario_source() -> str:
    """Where the current scenario came from, for captions."""
    return str(st.session_state.get(_SOURCE, ""))


def scenario_version() -> int:
    """Increases each time a new scenario is loaded; editors key on it to start fresh."""
    return int(st.session_state.get(_VERSION, 0))


def set_scenario(value: Scenario, source: str) -> None:
    """Load a new scenario: editors start over, the old roster and locks are dropped."""
    st.session_state[_SCENARIO] = value
    st.session_state[_DATA] = tables.scenario_to_data(value)
    st.session_state[_SOURCE] = source
    st.session_state[_VERSION] = scenario_version() + 1
    st.session_state[_EDIT_ERRORS] = False
    st.session_state[_RESULT] = None
    st.session_state[_LOCKED] = frozenset()


def update_scenario(value: Scenario | None, data: dict[str, Any]) -> None:
    """Record edits: the data always, the scenario only when the edits are valid.

    A roster solved for an older version of the scenario stays visible until
    the next solve; the Roster page says when it is out of date.
    """
    st.session_state[_DATA] = data
    st.session_state[_EDIT_ERRORS] = value is None
    if value is not None and value != scenario():
        st.session_state[_SCENARIO] = value
        known = {w.id for w in value.workers}
        st.session_state[_LOCKED] = frozenset(a for a in locked() if a.worker_id in known)


def result() -> Any:
    """The latest solve result (``optimizer.result.SolveResult``) or None."""
    return st.session_state.get(_RESULT)


def set_result(value: Any) -> None:
    """Keep a solve result for the other pages."""
    st.session_state[_RESULT] = value


def locked() -> frozenset[Assignment]:
    """Assignments the manager has locked for the next solve."""
    value: frozenset[Assignment] = st.session_state.get(_LOCKED, frozenset())
    return value


def set_locked(value: frozenset[Assignment]) -> None:
    """Replace the locked assignments."""
    st.session_state[_LOCKED] = value


def incidents() -> Any:
    """The loaded incident data (with its import report) or None."""
    return st.session_state.get(_INCIDENTS)


def set_incidents(value: Any) -> None:
    """Keep loaded incident data for the other pages."""
    st.session_state[_INCIDENTS] = value


def job_key(kind: str) -> str | None:
    """Key of the session's latest background job of a kind ("solve", "compare", …)."""
    value: str | None = st.session_state.get(f"job_{kind}")
    return value


def set_job_key(kind: str, key: str | None) -> None:
    """Remember the session's latest background job of a kind."""
    st.session_state[f"job_{kind}"] = key


def comparison() -> Any:
    """The latest comparison of expansion options (``ui.comparing.Comparison``) or None."""
    return st.session_state.get("comparison")


def set_comparison(value: Any) -> None:
    """Keep a comparison for returning to the Compare page."""
    st.session_state["comparison"] = value
