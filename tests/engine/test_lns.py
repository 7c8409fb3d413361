"""The large-neighbourhood search phase keeps rosters exact and never worsens them."""

from __future__ import annotations

from typing import Any

import pytest
import scaling

import optimizer.solver as solver_module
from optimizer.io import load_scenario
from optimizer.result import Progress, SolveStatus
from optimizer.scenario import Horizon
from tests.engine.helpers import solve_checked, tiny


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


def _hoods_for(scenario: Any) -> tuple[Any, Any]:
    import random

    from optimizer.data import ProblemData
    from optimizer.solver.lns import Neighbourhoods
    from optimizer.solver.model import build_model

    m = build_model(ProblemData(scenario))
    return m, Neighbourhoods(m, random.Random(3))


def test_block_sizes_grow_faster_when_solved_quickly() -> None:
    from optimizer.solver import lns

    _, hoods = _hoods_for(tiny(workers=3, weeks=2))
    hoods.size["days"] = 0.2
    hoods.update("days", optimal=True, quick=True)
    assert hoods.size["days"] == pytest.approx(0.2 * lns.QUICK_GROWTH)
    hoods.update("days", optimal=True)
    assert hoods.size["days"] == pytest.approx(0.2 * lns.QUICK_GROWTH * 1.25)
    hoods.update("days", optimal=False)
    assert hoods.size["days"] == pytest.approx(0.2 * lns.QUICK_GROWTH)
    for _ in range(20):
        hoods.update("days", optimal=True, quick=True)
    assert hoods.size["days"] == 0.6


def test_shapes_are_weighted_by_the_size_of_their_gains() -> None:
    _, hoods = _hoods_for(tiny(workers=3, weeks=2))
    hoods.update("cover", optimal=True, gain=100.0)  # a missing person filled
    hoods.update("workers", optimal=True, gain=1.0)  # a preference point
    assert hoods.wins["cover"] == pytest.approx(0.9 + 1.0)
    assert hoods.wins["workers"] == pytest.approx(0.9 + 0.01)
    for _ in range(30):  # no gain: the weight decays to its floor, never to 0
        hoods.update("days", optimal=False)
    assert hoods.wins["days"] == 0.2


def test_rota_blocks_give_every_worker_a_turn() -> None:
    m, hoods = _hoods_for(tiny(workers=6, weeks=2))
    hoods.size["rota"] = 0.3  # two of the six workers a block
    turns: list[int] = []
    for _ in range(6):
        free = hoods.block("rota", {})
        chosen = [w for w in range(6) if free(w, 0)]
        assert len(chosen) == 2
        # The chosen workers' whole rosters are free, every day of the horizon.
        assert all(free(w, d) for w in chosen for d in range(m.data.num_days))
        turns.extend(chosen)
    # Every worker has one turn in each rotation before anyone has a second.
    assert sorted(turns[:6]) == sorted(turns[6:]) == list(range(6))


def test_rota_block_size_does_not_adapt() -> None:
    _, hoods = _hoods_for(tiny(workers=7, weeks=2))
    size = hoods.size["rota"]
    hoods.update("rota", optimal=True, quick=True)
    hoods.update("rota", optimal=False, gain=5.0)
    assert hoods.size["rota"] == size
    assert hoods.wins["rota"] > 1.0  # its weight still follows its gains


class _Bound:
    """Stands in for the background decomposition bound: running or done, at a bound."""

    def __init__(self, bound: float, done: bool = False, diving: bool = False) -> None:
        self.bound, self.done, self.diving = bound, done, diving


def test_blocks_leave_the_bound_a_core_only_while_it_runs_near_the_roster_or_dives() -> None:
    from typing import cast

    from optimizer.solver import SHARED_CORE_GAP, block_threads
    from optimizer.solver.lagrange import BackgroundLagrangian

    def threads(bound: _Bound | None, objective: float, workers: int = 2) -> int:
        return block_threads(workers, cast(BackgroundLagrangian | None, bound), objective)

    near = 100.0 * (1 - SHARED_CORE_GAP) + 1.0  # a gap just under the share
    far = 100.0 * (1 - SHARED_CORE_GAP) - 1.0
    assert threads(None, 100.0) == 2
    assert threads(_Bound(near), 100.0) == 1
    assert threads(_Bound(far), 100.0) == 2
    assert threads(_Bound(near, done=True), 100.0) == 2  # its core is free again
    assert threads(_Bound(0.0), 100.0) == 2  # no bound yet
    assert threads(_Bound(near), 100.0, workers=1) == 1
    assert threads(_Bound(near), 100.0, workers=4) == 3  # one core for the bound, not three
    # a decomposition that dives keeps its core however far its bound
    assert threads(_Bound(far, diving=True), 100.0) == 1
    assert threads(_Bound(0.0, diving=True), 100.0, workers=1) == 1


def test_lns_blocks_run_on_the_threads_the_solve_gives_them(
    short_phase_one: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from optimizer.solver import lns

    asked: list[int] = []
    original = lns.solve_block

    def recording(*args: Any, **kwargs: Any) -> Any:
        asked.append(args[4])
        return original(*args, **kwargs)

    monkeypatch.setattr(lns, "solve_block", recording)
    monkeypatch.setattr(solver_module, "block_threads", lambda workers, bound, objective: 1)
    result = solve_checked(scaling.program(20, 4), time_limit=4.0)
    assert result.status is SolveStatus.FEASIBLE
    # the first call measures the copy overhead on the solve's own threads
    assert asked[0] == 2 and len(asked) > 1 and set(asked[1:]) == {1}


def test_lns_takes_an_offered_roster_and_ends_at_a_bound_proven_elsewhere() -> None:
    import random
    import time

    from ortools.sat.python import cp_model

    from optimizer.solver.lns import Incumbent, Neighbourhoods, improve

    # Every roster leaves slots short, so the optimum is above 0 and no bound
    # of 0 ends the search.
    m, _ = _short_handed()
    solver = cp_model.CpSolver()
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    best = solver.objective_value
    assert best > 0
    # The same roster, claimed worse, stands in for a poor incumbent; the offer
    # (the decomposition's dive) is the optimum, and its bound proves it.
    offers: list[float] = []

    def offer(objective: float) -> Incumbent | None:
        offers.append(objective)
        return Incumbent(solver, best) if objective > best else None

    events: list[Progress] = []
    started = time.perf_counter()
    result = improve(
        m,
        Incumbent(solver, best + 100),
        started + 30.0,
        hoods=Neighbourhoods(m, random.Random(0)),
        bound=0.0,
        workers=1,
        start=started,
        on_improvement=events.append,
        offer=offer,
        floor=lambda: best,
    )
    assert result.objective == best
    assert [e.objective for e in events] == [best]
    assert offers == [best + 100]  # offered once, then the floor ends the search
    assert time.perf_counter() - started < 10.0


def _short_handed() -> tuple[Any, Any]:
    """A model whose every roster leaves slots short (four people wanted a
    day and three to give), and its data."""
    from optimizer.data import ProblemData
    from optimizer.solver.model import build_model

    day = {"id": "day", "start": "09:00", "end": "17:00", "required": 4, "days": "daily"}
    scenario = tiny(
        workers=3, weeks=2, coverage=[day], rules={"one_shift_per_day": {"mode": "hard"}}
    )
    data = ProblemData(scenario)
    return build_model(data), data


def test_a_block_with_a_cut_off_takes_only_rosters_under_it() -> None:
    from ortools.sat.python import cp_model

    from optimizer.check import check
    from optimizer.solver import extract
    from optimizer.solver.lns import solve_block

    m, data = _short_handed()
    solver = cp_model.CpSolver()
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    best = solver.objective_value
    every = lambda w, d: True  # noqa: E731 - the whole roster is the block
    # nothing under the optimum: proven so, not searched for until the limit
    none, code = solve_block(m, {}, every, 30.0, 1, 0, None, below=best)
    assert code == cp_model.INFEASIBLE and none.wall_time < 10.0
    # one unit above it, the optimum is the only roster that counts
    found, code = solve_block(m, {}, every, 30.0, 1, 0, None, below=best + 1)
    assert code == cp_model.OPTIMAL and found.objective_value == best
    roster, _ = extract(m, found)
    report = check(data, list(roster))
    assert report.ok and report.objective == best


def test_a_block_ends_once_interrupted() -> None:
    import time

    from ortools.sat.python import cp_model

    from optimizer.data import ProblemData
    from optimizer.solver.lns import solve_block
    from optimizer.solver.model import build_model

    m = build_model(ProblemData(scaling.program(20, 4)))
    every = lambda w, d: True  # noqa: E731 - the whole roster is the block
    # the whole 20 × 4 programme is not solved in 2 s: only a stop ends it early
    _, code = solve_block(m, {}, every, 2.0, 2, 0, None)
    assert code != cp_model.OPTIMAL
    since = time.perf_counter()
    solver, code = solve_block(
        m, {}, every, 60.0, 2, 0, None, interrupt=lambda: time.perf_counter() - since > 0.5
    )
    assert code != cp_model.OPTIMAL and solver.wall_time < 5.0


def test_a_block_cut_short_for_a_waiting_dive_teaches_the_search_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import random
    import time

    from ortools.sat.python import cp_model

    from optimizer.data import ProblemData
    from optimizer.solver.lns import Incumbent, Neighbourhoods, improve
    from optimizer.solver.model import build_model

    m = build_model(ProblemData(scaling.program(20, 4)))
    solver = cp_model.CpSolver()
    solver.parameters.stop_after_first_solution = True
    assert solver.solve(m.cp) == cp_model.FEASIBLE
    taught: list[str] = []
    offered: list[float] = []

    def record(objective: float) -> Incumbent | None:
        offered.append(objective)
        return None

    def search(pending: Any) -> Incumbent:
        hoods = Neighbourhoods(m, random.Random(0))
        original = hoods.update

        def update(shape: str, *args: Any) -> None:
            taught.append(shape)
            original(shape, *args)

        monkeypatch.setattr(hoods, "update", update)
        started = time.perf_counter()
        return improve(
            m,
            Incumbent(solver, solver.objective_value),
            started + 2.0,
            hoods=hoods,
            bound=0.0,
            workers=2,
            start=started,
            on_improvement=lambda _: None,
            offer=record,
            pending=pending,
        )

    search(None)
    assert taught  # blocks that ran their course teach the search their shapes
    taught.clear()
    offered.clear()
    # a dive always waiting: every block is cut short, and the offer is made
    # before each one
    search(lambda: True)
    assert not taught and len(offered) > 1
