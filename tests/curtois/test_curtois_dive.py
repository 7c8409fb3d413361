"""The decomposition's dive: rosters from the converged master, checked by the checker.

Benchmark instances carry horizon totals (fixed contracts), the case where the
solve starts the dive beside its search. A dive's roster must keep every hard
rule by the solver-independent checker, cost no less than the master's bound,
and, once handed to the solve, come back through CP-SAT unchanged.
"""

from __future__ import annotations

import math
import random
import time

import numpy as np
import pytest

from optimizer.check import check
from optimizer.curtois import to_scenario
from optimizer.data import ProblemData
from optimizer.roster import Assignment
from optimizer.solver import _complete, _dived, colgen, extract, lagrange
from optimizer.solver.colgen import column_generation, dive, first_columns
from optimizer.solver.lagrange import BackgroundLagrangian
from optimizer.solver.model import build_model
from optimizer.solver.pricing import Pricer, Schedule, carries_totals, distinct
from tests.curtois.conftest import load

#: Instance 3: 2 weeks × 20 staff × 3 shift types, best known 1001 (proven optimal).
INSTANCE = 3
OPTIMUM = 1001


def _data() -> ProblemData:
    data = ProblemData(to_scenario(load(INSTANCE)))
    assert carries_totals(data)
    return data


def test_cancel_ends_the_decomposition_while_its_programme_still_compiles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Instance 10's programme takes 3–6 s to compile (by the machine) in the
    # decomposition's thread; a solve that ends sooner cancels the thread and
    # must not wait for the compile.
    monkeypatch.setattr(lagrange, "BUILD_BUDGET", None)
    data = ProblemData(to_scenario(load(10)))
    job = BackgroundLagrangian(data, lambda: 10**9, 60.0, dive=True)
    time.sleep(0.5)
    assert not job.done  # still compiling
    started = time.perf_counter()
    job.cancel()
    took = time.perf_counter() - started
    assert job.done and job.bound == 0
    assert took < 1.0, f"cancel took {took:.1f} s"


def _assignments(data: ProblemData, cells: list[tuple[int, int]]) -> list[Assignment]:
    return [Assignment(data.shifts[s].id, data.workers[w].id) for w, s in cells]


def _cells(schedules: list[Schedule]) -> list[tuple[int, int]]:
    return [(c.worker, s) for c in schedules for s in c.shifts]


def _dived_job(data: ProblemData, monkeypatch: pytest.MonkeyPatch) -> BackgroundLagrangian:
    """The decomposition with whole dives (as for fewer than four workers),
    cancelled once it offers a roster (or after 60 s)."""
    monkeypatch.setattr(lagrange, "DIVE_LEAVE", 0.0)
    job = BackgroundLagrangian(data, lambda: 10**9, 60.0, dive=True)
    deadline = time.perf_counter() + 60.0
    while job.roster is None and time.perf_counter() < deadline:
        time.sleep(0.1)
    job.cancel()
    return job


def test_every_dive_gives_a_roster_the_checker_accepts_at_or_above_the_bound() -> None:
    data = _data()
    pricer = Pricer(data)
    master = column_generation(data, first_columns(data, pricer), 60.0, pricer=pricer)
    assert master.converged and master.bound is not None and master.bound <= OPTIMUM
    pool = list(master.schedules)
    seen = len(pool)
    for rng in (None, random.Random(1), random.Random(2)):
        found = dive(data, pricer, distinct(pool), 60.0, rng=rng, pool=pool)
        assert found is not None
        # one schedule per worker, in worker order
        assert [c.worker for c in found] == list(range(len(data.workers)))
        report = check(data, _assignments(data, _cells(found)))
        assert report.ok, report.violations[:3]
        assert master.bound <= OPTIMUM <= report.objective
    # the schedules priced on the way are kept for the next dive
    assert len(pool) >= seen


def test_a_partial_dive_is_completed_by_cp_sat_into_a_roster_the_checker_accepts() -> None:
    data = _data()
    pricer = Pricer(data)
    master = column_generation(data, first_columns(data, pricer), 60.0, pricer=pricer)
    assert master.converged
    workers = len(data.workers)
    leave = workers // 4
    found = dive(data, pricer, master.schedules, 60.0, leave=leave, batch=4)
    assert found is not None
    fixed = [c.worker for c in found]
    assert fixed == sorted(set(fixed))  # each worker once, in worker order
    assert len(fixed) == workers - leave  # even where the master is whole (here it is)
    m = build_model(data)
    cells = tuple(_cells(found))
    # against a roster claimed to cost more than any: every roster beats it
    completed = _complete(
        m, (cells, frozenset(fixed)), math.inf, 2, 0, None, time.perf_counter() + 30.0
    )
    assert completed is not None
    roster, _ = extract(m, completed.solver)
    report = check(data, list(roster))
    assert report.ok, report.violations[:3]
    assert report.objective == completed.objective >= OPTIMUM
    # the dive's workers keep its schedules; the others were filled in
    worked = {(data.worker_index[a.worker_id], data.shift_index[a.shift_id]) for a in roster}
    assert {(w, s) for w, s in worked if w in set(fixed)} == set(cells)
    # no time left: nothing, and no time spent
    late = _complete(m, (cells, frozenset(fixed)), math.inf, 2, 0, None, 0.0)
    assert late is None


def test_the_background_dive_hands_over_a_partial_roster_and_waits_for_its_completion() -> None:
    data = _data()
    workers = len(data.workers)
    job = BackgroundLagrangian(data, lambda: 10**9, 60.0, dive=True)
    try:
        deadline = time.perf_counter() + 60.0
        partial = None
        while partial is None and time.perf_counter() < deadline:
            partial = job.take_partial()
            time.sleep(0.05)
        assert partial is not None and job.diving
        cells, fixed = partial
        assert len(fixed) == workers - int(lagrange.DIVE_LEAVE * workers)
        assert {w for w, _ in cells} == fixed
        # handed over once, and no further dive until the completion is reported
        time.sleep(0.5)
        assert job.take_partial() is None and job.dives == 1
        job.completed(False)
        while job.dives < 2 and time.perf_counter() < deadline:
            time.sleep(0.05)
        assert job.dives == 2
    finally:
        job.cancel()
    assert job.done and not job.diving


def test_no_dive_starts_with_less_time_left_than_the_last_dive_took_with_its_completion() -> None:
    data = _data()
    limit = 12.0
    started = time.perf_counter()
    job = BackgroundLagrangian(data, lambda: 10**9, limit, dive=True)
    try:
        partial = None
        while partial is None and time.perf_counter() < started + limit:
            partial = job.take_partial()
            time.sleep(0.05)
        assert partial is not None and job.dives == 1
        # a completion that ends two thirds into the time: the cycle took
        # more than the third left, so the thread ends instead of diving again
        time.sleep(max(0.0, started + 2 * limit / 3 - time.perf_counter()))
        job.completed(False)
        ended = time.perf_counter() + 1.0
        while not job.done and time.perf_counter() < ended:
            time.sleep(0.05)
        assert job.done and not job.diving
        assert job.dives == 1 and job.take_partial() is None
    finally:
        job.cancel()


def test_a_dive_step_ends_once_its_master_is_pinned_by_a_bound_or_has_stalled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def solves(instance: int, pinned: bool) -> tuple[int, list[Schedule]]:
        data = ProblemData(to_scenario(load(instance)))
        pricer = Pricer(data)
        master = column_generation(data, first_columns(data, pricer), 60.0, pricer=pricer)
        assert master.converged and master.bound is not None
        counted = [0]
        solve = colgen.Master.solve

        def counting(self: colgen.Master) -> tuple[float, np.ndarray, np.ndarray]:
            counted[0] += 1
            return solve(self)

        monkeypatch.setattr(colgen.Master, "solve", counting)
        leave = len(data.workers) // 4
        floor = master.bound if pinned else -math.inf
        found = dive(data, pricer, master.schedules, 60.0, leave=leave, batch=4, floor=floor)
        monkeypatch.setattr(colgen.Master, "solve", solve)
        assert found is not None
        assert [c.worker for c in found] == sorted({c.worker for c in found})
        assert len(found) == len(data.workers) - leave
        return counted[0], found

    # Instance 2: the master's own bound pins every step at its first solve.
    monkeypatch.setattr(colgen, "DIVE_STALL", 10**9)
    at_bound, _ = solves(2, pinned=True)
    unpinned, _ = solves(2, pinned=False)
    assert at_bound < unpinned
    # Instance 7: steps whose rounds lower the master by fractions end early.
    converged, _ = solves(7, pinned=False)
    monkeypatch.setattr(colgen, "DIVE_STALL", 5)
    stalled, _ = solves(7, pinned=False)
    assert stalled < converged


def test_a_dive_that_is_stopped_or_out_of_time_gives_nothing() -> None:
    data = _data()
    pricer = Pricer(data)
    assert dive(data, pricer, first_columns(data, pricer), 0.0) is None


def test_the_background_dive_offers_its_best_checked_roster_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _data()
    job = _dived_job(data, monkeypatch)
    offered = job.roster
    assert offered is not None and job.dives >= 1
    objective, cells = offered
    report = check(data, _assignments(data, list(cells)))
    assert report.ok and report.objective == objective
    assert job.bound <= OPTIMUM <= objective
    # handed over once
    assert job.take() == offered
    assert job.take() is None and job.roster is None


def test_a_diving_decomposition_has_no_subgradient_and_no_dive_without_time_to_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _data()
    steps: list[float] = []
    bound = lagrange.lagrangian_bound

    def recorded(*args: object, **kwargs: object) -> lagrange.LagrangianResult:
        steps.append(float(args[2]))  # type: ignore[arg-type]
        return bound(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lagrange, "lagrangian_bound", recorded)
    # no convergence is quick enough for a dive to follow it
    monkeypatch.setattr(lagrange, "DIVE_TIME_FACTOR", 10**9)
    job = BackgroundLagrangian(data, lambda: 10**9, 60.0, dive=True)
    deadline = time.perf_counter() + 60.0
    while not job.done and time.perf_counter() < deadline:
        time.sleep(0.1)
    assert job.done  # ended long before its 60 s: it did not dive
    assert job.dives == 0 and job.roster is None
    assert job.bound == OPTIMUM  # column generation converged at the optimum
    assert steps == []  # straight to column generation
    job.cancel()
    # without dives the subgradient comes first, with the time there is
    plain = BackgroundLagrangian(data, lambda: 10**9, 60.0)
    deadline = time.perf_counter() + 60.0
    while not plain.done and time.perf_counter() < deadline:
        time.sleep(0.1)
    assert plain.done and plain.bound == OPTIMUM
    assert len(steps) == 1 and 59.0 < steps[0] <= 60.0
    plain.cancel()


def test_the_solve_takes_the_dive_roster_through_cp_sat_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _data()
    job = _dived_job(data, monkeypatch)
    offered = job.roster
    assert offered is not None
    m = build_model(data)
    deadline = time.perf_counter() + 60.0
    # not better than a roster already at the offered cost: not taken, still on offer
    assert _dived(m, job, offered[0], 2, 0, None, deadline) is None
    assert job.roster == offered
    incumbent = _dived(m, job, math.inf, 2, 0, None, deadline)
    assert incumbent is not None and incumbent.objective == offered[0]
    assert job.roster is None  # tried once
    worked = sorted(
        (w, s) for w, row in enumerate(m.x) for s, var in row.items() if incumbent.solver.value(var)
    )
    assert worked == sorted(offered[1])
