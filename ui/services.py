"""The library calls the pages make, cached per input.

Solves run as background :class:`~ui.jobs.Job` objects in one registry per
server (``st.cache_resource``); cheap derived figures use ``st.cache_data``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from optimizer.check import CheckReport, check
from optimizer.result import SolveResult
from optimizer.roster import Assignment
from optimizer.scenario import Scenario
from optimizer.solver import solve
from ui import comparing
from ui.comparing import Comparison
from ui.incident_data import Incidents
from ui.jobs import Job, JobRegistry, input_key

#: CP-SAT search threads: the machines this runs on have two cores.
SOLVER_THREADS = 2


@st.cache_resource
def registry() -> JobRegistry:
    """The server's background jobs (shared by sessions, so equal inputs share work)."""
    return JobRegistry()


def solve_key(scenario: Scenario, time_limit: float, locked: Iterable[Assignment]) -> str:
    """Cache key of a solve: the scenario's JSON, the settings and the locks."""
    locks = sorted((a.shift_id, a.worker_id) for a in locked)
    return input_key("solve", scenario.model_dump(mode="json"), time_limit, locks)


def start_solve(
    scenario: Scenario, time_limit: float, locked: Iterable[Assignment] = ()
) -> Job[SolveResult]:
    """Start (or find) the solve of ``scenario`` with these settings."""
    locks = tuple(sorted(locked))

    def work(report: Callable[[Any], None], stop: threading.Event) -> SolveResult:
        return solve(
            scenario,
            time_limit=time_limit,
            workers=SOLVER_THREADS,
            progress=report,
            locked=locks,
            stop=stop,
        )

    key = solve_key(scenario, time_limit, locks)
    return registry().submit(key, f"solve {scenario.id}", work)


def check_roster(result: SolveResult) -> CheckReport:
    """The independent checker's verdict on a solved roster (fast: no caching needed)."""
    return check(result.scenario, result.assignments)


def start_comparison(
    scenarios: list[Scenario],
    incidents: Incidents,
    time_limit: float,
    staff_to_fit: bool = False,
    eligible_only: bool = False,
) -> Job[Comparison]:
    """Start (or find) the comparison of these scenarios on these incidents."""
    chosen = tuple(scenarios)

    def work(report: Callable[[Any], None], stop: threading.Event) -> Comparison:
        return comparing.run(
            chosen,
            incidents,
            time_limit,
            report,
            stop,
            SOLVER_THREADS,
            staff_to_fit=staff_to_fit,
            eligible_only=eligible_only,
        )

    key = input_key(
        "compare",
        [s.model_dump(mode="json") for s in chosen],
        comparing.incidents_key(incidents),
        time_limit,
        staff_to_fit,
        eligible_only,
    )
    return registry().submit(key, "compare", work)
