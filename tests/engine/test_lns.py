"""The large-neighbourhood search phase keeps rosters exact and never worsens them."""

from __future__ import annotations

import pytest

import optimizer.solver as solver_module
from optimizer.io import load_scenario
from optimizer.result import Progress, SolveStatus
from optimizer.scenario import Horizon
from tests.engine.helpers import solve_checked


@pytest.fixture()
def short_phase_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # Hand over to LNS almost at once, so the loop does the work.
    monkeypatch.setattr(solver_module, "LNS_AFTER", 0.02)


def test_lns_rosters_pass_the_checker_and_improve(short_phase_one: None) -> None:
    scenario = load_scenario("scenarios/windsor-daily.yaml")
    scenario = scenario.model_copy(
        update={"horizon": Horizon(start=scenario.horizon.start, weeks=4)}
    )
    events: list[Progress] = []
    result = solve_checked(scenario, time_limit=6.0, progress=events.append)
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    objectives = [e.objective for e in events]
    assert objectives == sorted(objectives, reverse=True)  # only improvements are reported
    assert len(set(objectives)) == len(objectives)
    assert result.objective == objectives[-1]
    assert not result.unfilled


def test_stop_event_ends_the_search_early(short_phase_one: None) -> None:
    import threading
    import time

    # A 24/7 program is never proven optimal within the limit; only the stop ends it.
    scenario = load_scenario("scenarios/windsor-24-7.yaml")
    stop = threading.Event()

    def stop_on_first(_: Progress) -> None:
        stop.set()

    started = time.perf_counter()
    result = solve_checked(scenario, time_limit=120.0, progress=stop_on_first, stop=stop)
    assert result.status.has_roster
    assert time.perf_counter() - started < 60


def test_stop_before_any_solution_returns_promptly() -> None:
    import threading
    import time

    scenario = load_scenario("scenarios/windsor-24-7.yaml")
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    started = time.perf_counter()
    result = solve_checked(scenario, time_limit=120.0, stop=stop)
    assert time.perf_counter() - started < 30  # the stop, not the 120 s limit, ended it
    assert result.status in (SolveStatus.FEASIBLE, SolveStatus.UNKNOWN)


class _FakeSolver:
    """Stands in for a CP-SAT solver: records when the watcher stops it."""

    def __init__(self) -> None:
        self.stopped_at: float | None = None

    def stop_search(self) -> None:
        import time

        self.stopped_at = time.perf_counter()


@pytest.mark.parametrize(("bound", "stops"), [(10.0, True), (900.0, False)])
def test_a_bound_with_no_grip_hands_over_before_the_hand_over_time(
    bound: float, stops: bool
) -> None:
    import threading
    import time

    now = time.perf_counter()
    callback = solver_module._Callback(now - 10.0, None, None)
    callback.record(Progress(wall_time=9.0, objective=1000.0, best_bound=0.0))
    callback.on_bound(bound)
    fake, finished = _FakeSolver(), threading.Event()
    watcher = threading.Thread(
        target=solver_module._watch,
        # hand-over in a minute, stall time a minute, weak bounds count from now
        args=(fake, finished, callback, now + 60.0, True, 60.0, now, now),
    )
    watcher.start()
    watcher.join(timeout=0.5)
    finished.set()
    watcher.join()
    # 1000 against 10 is a 99 % gap: stop at once; against 900, go on.
    assert (fake.stopped_at is not None) == stops
