"""The one door to the roster engine: :func:`solve`.

``solve(scenario, time_limit=..., workers=...)`` builds the CP-SAT model
(:mod:`optimizer.solver.model`), runs it, and converts the answer into the
project's own :class:`~optimizer.result.SolveResult`. OR-Tools is imported
in this package and nowhere else in the library.

A solve runs in phases. Phase 0 builds a greedy roster and repairs it into a
first feasible one. Phase 1 gives CP-SAT the whole model (hinted with the
greedy roster); small programs are proven optimal there. Very large
programs skip it, and so do large ones whose greedy roster keeps every hard
rule: there LNS improves on that roster sooner than CP-SAT does. From
``LNS_AFTER`` of the time limit on, phase 1 hands over once it stalls, at
once when its bound is weak, or early when it cannot beat the first roster
or has no bound to speak of.
If CP-SAT's bound is still far from the roster, the model's LP relaxation is
solved with GLOP (:mod:`optimizer.solver.relaxation`) in a background thread
while phase 2 runs, unless a decomposition that dives (below) holds that
core: a lower bound CP-SAT may not reach within the limit on
large programs, and, once solved, a guide for the LNS blocks; beside it the
decomposition bound over whole worker schedules
(:mod:`optimizer.solver.lagrange`), much stronger where each worker's own
rules make the cost. Where workers carry horizon totals that decomposition
starts right after the first roster instead, and its dives over the
converged master (:func:`optimizer.solver.colgen.dive`) hand rosters to
the search (from phase 1's hand-over on). Phase 2 is
large-neighbourhood search (:mod:`optimizer.solver.lns`); while CP-SAT's
bound is useful it alternates with CP-SAT on the whole model, each restarted
from the other's best roster.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from ortools.sat.python import cp_model

from optimizer.data import ProblemData
from optimizer.errors import InputError
from optimizer.explain import unfilled_slots
from optimizer.result import Progress, SolveResult, SolveStatus, WorkerLoad, relative_gap
from optimizer.roster import Assignment
from optimizer.scenario import Scenario
from optimizer.solver.lagrange import BackgroundLagrangian
from optimizer.solver.lns import Incumbent, Neighbourhoods, improve, solve_block
from optimizer.solver.model import Model, build_model
from optimizer.solver.params import configure
from optimizer.solver.pricing import carries_totals
from optimizer.solver.relaxation import BackgroundRelaxation
from optimizer.solver.warmstart import greedy_roster, workers_breaking_rules

__all__ = ["configure", "solve"]

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}


class _Callback(cp_model.CpSolverSolutionCallback):
    """Records improving solutions, reports them, and honours a stop request."""

    def __init__(
        self,
        start: float,
        progress: Callable[[Progress], None] | None,
        stop: threading.Event | None,
    ) -> None:
        super().__init__()
        self.start = start
        self.report = progress
        self.stop = stop
        self.history: list[Progress] = []
        #: The best lower bound CP-SAT has reported so far (0 before any).
        self.bound = 0.0
        #: When (perf_counter) that bound last rose.
        self.bound_time = start

    def on_bound(self, bound: float) -> None:
        """CP-SAT's ``best_bound_callback``: remember the best lower bound of any run."""
        if bound > self.bound:
            self.bound = bound
            self.bound_time = time.perf_counter()

    def on_solution_callback(self) -> None:
        self.record(
            Progress(
                wall_time=time.perf_counter() - self.start,
                objective=self.ObjectiveValue(),
                best_bound=self.BestObjectiveBound(),
            )
        )
        if self.stop is not None and self.stop.is_set():
            self.StopSearch()

    def record(self, event: Progress) -> None:
        """Keep and report an improving solution (from CP-SAT or the LNS loop)."""
        if self.history and event.objective >= self.history[-1].objective:
            return
        self.history.append(event)
        if self.report is not None:
            self.report(event)


def _lock(m: Model, locked: Iterable[Assignment]) -> None:
    data = m.data
    for a in locked:
        if a.shift_id not in data.shift_index or a.worker_id not in data.worker_index:
            raise InputError(
                f"locked assignment {a.worker_id} on {a.shift_id}: unknown shift or worker"
            )
        s, w = data.shift_index[a.shift_id], data.worker_index[a.worker_id]
        if s not in m.x[w]:
            why = "; ".join(data.static_reasons(w, s))
            raise InputError(
                f"locked assignment {a.worker_id} on {a.shift_id} is impossible: {why}"
            )
        m.cp.add(m.x[w][s] == 1)


#: Past the hand-over, CP-SAT keeps the whole model while its gap is below
#: this and its roster or its bound still improves...
HANDOVER_GAP = 0.05

#: ...and while its gap is below this, whatever it does: the proof is near
#: (instance 5: a run 0.4 % above a bound that had not moved for 6 s was
#: proven optimal later, and lost that proof when handed over).
PROOF_GAP = 0.005

#: Past the hand-over, a gap at or above this means CP-SAT's bound gives the
#: search no grip (its LP is not even solved at the root on the largest
#: programs), and the LNS phase takes over at once.
WEAK_BOUND_GAP = 0.5

#: Otherwise CP-SAT keeps the whole model until it has found no better roster
#: for this share of the time limit (at least STALL_MIN seconds).
STALL_SHARE = 0.1
STALL_MIN = 2.0

#: Share of the time limit given to CP-SAT alone before LNS may take over.
LNS_AFTER = 0.3

#: ...except that a run whose bound is still under a fiftieth of its roster
#: (gap of NO_GRIP_GAP or more) once NO_GRIP_AFTER of the limit, and at least
#: NO_GRIP_MIN seconds, have passed gives way then. At 3 s of 60, CP-SAT's
#: bound on benchmark instances 10–12 is 0–7 against rosters of thousands
#: (its root LP is not solved yet), and LNS from the first roster did better
#: than the whole model first: 60 s, seeds 0 and 1, 10 4759 / 4672 against
#: 4857 / 4848, 11 3457 / 3459 against 3554 / 3764, 12 5031 / 4849 against
#: 5160 / 5070. Smaller programs have a bound by then and keep the phase for
#: their proofs (instance 9, bound 179 against rosters over 1,600, was cut
#: with a gap of 0.9 and lost its bound). Before about 3 s a run may simply
#: not have reported its bound yet: the Windsor extended programme has none
#: at 0.4 s of 8 (cut there, its reported bound fell from 183 to 91).
NO_GRIP_GAP = 0.98
NO_GRIP_AFTER = 0.05
NO_GRIP_MIN = 3.0

#: While the decomposition bound's thread runs and its bound is within this
#: share of the roster, each LNS block gets one CP-SAT thread fewer than
#: ``workers`` (one instead of two), so that the bound has a core of its own
#: rather than three threads sharing two cores. Where the bound is that close
#: its rounds pay: 40 workers × 13 weeks, interleaved 60 s pairs over two
#: rounds, rosters 4 better, 1 worse and 1 the same, bounds higher in 6 of 6
#: (gaps 6.6–9.1 % against 8.4–9.5 %); 40 × 26 rosters better 2 of 2; 80 × 13
#: the same roster with a higher bound; 20 × 4, 80 × 26 and 80 × 52 better in
#: 4 of 4. Where it is farther (20 workers, 40 × 52: gaps of 20–30 % all
#: minute) blocks keep both threads: one thread for every block there made
#: rosters worse in 5 of 6 pairs. The share was read off those first pairs'
#: gaps, not tuned (see docs/benchmarks.md).
SHARED_CORE_GAP = 0.2

#: Models with more constraints than this skip the whole-model CP-SAT phase
#: when the greedy roster already gives a first roster.
PHASE_ONE_MAX_CONSTRAINTS = 200_000

#: ...and models with more than this skip it when the greedy roster keeps
#: every hard rule as it stands. There CP-SAT did not beat that roster within
#: the phase's stall time (Windsor 24/7, 40 workers × 13 weeks: its presolve
#: alone takes about 2 s, and it then starts from its own far worse first
#: solution, the hint being partial), while LNS improves it from the first
#: block. Smaller programs keep the phase: it proves the Windsor pilot, daily
#: and advised programs optimal and gives the extended one its bound (183
#: against 91 without). Curtois instances' greedy rosters always need repair.
PHASE_ONE_FEASIBLE_MAX_CONSTRAINTS = 20_000


def _run(
    m: Model,
    callback: _Callback,
    workers: int,
    seed: int,
    log: bool,
    deadline: float,
    limit: float,
    handover: float | None = None,
    fallback: bool = False,
    no_grip: float | None = None,
    rival: Callable[[], float] | None = None,
    floor: Callable[[], float] | None = None,
    pending: Callable[[], bool] | None = None,
) -> tuple[cp_model.CpSolver, Any]:
    """One CP-SAT run on the whole model; returns the solver and its status code.

    From ``handover`` (a perf_counter time) on, the run stops for the LNS
    phase once it stalls (no better roster for ``STALL_SHARE`` of the time
    limit) or at once when its bound is weak (gap of ``WEAK_BOUND_GAP`` or
    more); close to its bound (gap under ``HANDOVER_GAP``) it goes on while
    its bound still rises too, and near a proof (gap under ``PROOF_GAP``) it
    goes on regardless. With its LP relaxation CP-SAT finds better rosters
    than LNS on programs whose bound is tight, and small programs are proven
    optimal instead of being handed over a moment too soon. Without any
    roster it goes on, unless ``fallback`` says the caller has one to start
    LNS from. With that roster, from ``no_grip`` (a perf_counter time) on, a
    run whose bound is still under a fiftieth of the best roster (gap of
    ``NO_GRIP_GAP`` or more) gives way before the hand-over. A run also stops
    as soon as ``rival()``, the objective of a roster found elsewhere (the
    decomposition's dive), beats its best, so that the caller can go on from
    that roster, or once ``floor()``, a bound proven elsewhere (the
    decomposition's), reaches it: that roster is optimal. From the hand-over
    on, it also gives way while ``pending()`` says a partial dive waits for
    the caller to complete it, unless the run is near a proof.
    """
    solver = cp_model.CpSolver()
    configure(solver.parameters, workers)
    solver.parameters.max_time_in_seconds = max(0.01, min(limit, deadline - time.perf_counter()))
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    solver.best_bound_callback = callback.on_bound
    finished = threading.Event()
    # CP-SAT only calls back on new solutions; a watcher thread makes a stop
    # request (and the hand-over) take effect within a tenth of a second.
    watcher = threading.Thread(
        target=_watch,
        args=(
            solver,
            finished,
            callback,
            handover,
            fallback,
            no_grip,
            max(STALL_MIN, STALL_SHARE * limit),
            time.perf_counter(),
            rival,
            floor,
            pending,
        ),
        daemon=True,
    )
    watcher.start()
    try:
        code = solver.solve(m.cp, callback)
    finally:
        finished.set()
        watcher.join()
    return solver, code


def _first_roster(
    m: Model,
    greedy: list[tuple[int, int]],
    bad: set[int],
    workers: int,
    seed: int,
    stop: threading.Event | None,
    time_limit: float,
) -> Incumbent | None:
    """The greedy roster with its rule-breaking workers ``bad`` re-optimised, if that succeeds.

    It is the fallback start for the LNS phase when CP-SAT's own first phase
    finds nothing better (typical of large programs); CP-SAT itself is hinted
    with the plain greedy roster, which on benchmark instances steers it better.
    The repair stops at its first feasible roster: both later phases improve
    it, and optimising the repair cost the whole budget on benchmark instances
    whose greedy roster breaks minimum-run rules.
    """
    values = {m.x[w][s].index: 1 for w, s in greedy}
    limit = min(5.0, 0.05 * time_limit)
    solver, code = solve_block(
        m, values, lambda w, d: w in bad, limit, workers, seed, stop, first_only=True
    )
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return Incumbent(solver, solver.objective_value)


def _watch(
    solver: cp_model.CpSolver,
    finished: threading.Event,
    callback: _Callback,
    handover: float | None,
    fallback: bool,
    no_grip: float | None,
    stall: float,
    since: float,
    rival: Callable[[], float] | None = None,
    floor: Callable[[], float] | None = None,
    pending: Callable[[], bool] | None = None,
) -> None:
    while not finished.wait(0.1):
        if callback.stop is not None and callback.stop.is_set():
            solver.stop_search()
            return
        best = callback.history[-1].objective if callback.history else None
        if best is not None and (
            (rival is not None and rival() < best) or (floor is not None and floor() >= best)
        ):
            solver.stop_search()
            return
        if handover is None:
            continue
        last = callback.history[-1] if callback.history else None
        # The best roster's gap to the best bound any run has proven.
        gap = (
            1.0
            if last is None
            else relative_gap(last.objective, max(callback.bound, last.best_bound))
        )
        if time.perf_counter() < handover:
            # Before the hand-over, a run that has not beaten the caller's
            # roster within the stall time, nor come close to a bound, gives
            # way early: at 40 workers × 13 weeks CP-SAT found nothing better
            # than the greedy roster in the 18 s it was given.
            fresh = last is not None and callback.start + last.wall_time >= since
            close = last is not None and relative_gap(last.objective, callback.bound) < HANDOVER_GAP
            if fallback and not fresh and not close and time.perf_counter() - since >= stall:
                solver.stop_search()
                return
            # ...and so does one with no bound to speak of (see NO_GRIP_GAP).
            no_bound = last is not None and gap >= NO_GRIP_GAP
            if fallback and no_grip is not None and no_bound and time.perf_counter() >= no_grip:
                solver.stop_search()
                return
            continue
        if last is None:
            if fallback:
                solver.stop_search()
                return
            continue
        # Stalled: no better roster since this run began or its last one.
        stalled = time.perf_counter() - max(since, callback.start + last.wall_time) >= stall
        if gap < PROOF_GAP:
            continue
        if pending is not None and pending():
            # A partial dive waits for the search to complete it, and the
            # dives wait with it (benchmark instance 8: offered at 17 s,
            # taken at 44 s, when this run gave way).
            solver.stop_search()
            return
        if gap < HANDOVER_GAP:
            # Close to its bound, the run goes on while its roster or its bound
            # still moves; once both have stalled, LNS is likelier to find the
            # last missing person (instance 10: runs 2 % above their bound for
            # their last 40 s, one person short, every other seed).
            bound_stalled = time.perf_counter() - max(since, callback.bound_time) >= stall
            if stalled and bound_stalled:
                solver.stop_search()
                return
            continue
        if gap >= WEAK_BOUND_GAP or stalled:
            solver.stop_search()
            return


def _improve(
    m: Model,
    incumbent: Incumbent,
    bound: float,
    callback: _Callback,
    deadline: float,
    time_limit: float,
    workers: int,
    seed: int,
    log: bool,
    whole: bool,
    relaxation: BackgroundRelaxation | None = None,
    lagrangian: BackgroundLagrangian | None = None,
) -> tuple[Incumbent, float]:
    """Phase 2: LNS, alternating with CP-SAT on the whole model while its bound is useful.

    On programs whose bound is tight (gap under ``WEAK_BOUND_GAP``) LNS runs
    until it stalls, then CP-SAT takes the whole model again, started from the
    incumbent, until it stalls in turn: its LP relaxation finds the large,
    coordinated changes (a whole run of shifts moved to fill a slot) that small
    blocks miss. Otherwise LNS runs to the end. Returns the best roster and
    CP-SAT's bound.

    ``bound`` is CP-SAT's own bound, which alone says whether the whole model
    is worth going back to; the bound of the LP ``relaxation`` (solving in
    the background, when given) may be higher and ends the search once the
    roster reaches it, and its solution guides the LNS blocks (see
    :meth:`Relaxation.guides`).
    """
    stall = max(STALL_MIN, STALL_SHARE * time_limit)
    stop = callback.stop

    def threads(objective: float) -> int:
        return block_threads(workers, lagrangian, objective)

    def offer(objective: float) -> Incumbent | None:
        return _dived(m, lagrangian, objective, workers, seed, stop, deadline)

    # One set of neighbourhoods for all LNS rounds: the block sizes learnt in
    # one round carry over to the next.
    hoods = Neighbourhoods(m, random.Random(seed))
    for round_ in range(1, 1_000_000):
        if time.perf_counter() >= deadline - 0.2 or (stop is not None and stop.is_set()):
            break
        floor = max(
            relaxation.bound if relaxation is not None else 0.0,
            lagrangian.bound if lagrangian is not None else 0.0,
        )
        if incumbent.objective <= max(bound, floor) + 1e-9:
            break
        gap = relative_gap(incumbent.objective, bound)
        useful = whole and gap < WEAK_BOUND_GAP
        incumbent = improve(
            m,
            incumbent,
            deadline,
            bound=max(bound, floor),
            relaxation=relaxation,
            hoods=hoods,
            workers=workers,
            start=callback.start,
            on_improvement=callback.record,
            stop=stop,
            stall=stall if useful else None,
            threads=threads,
            offer=offer,
            floor=_floor(lagrangian),
            pending=_pending(lagrangian),
        )
        if not useful or time.perf_counter() >= deadline - stall:
            continue
        _hint_solution(m, incumbent.solver)
        solver, code = _run(
            m,
            callback,
            workers,
            seed + round_,
            log,
            deadline,
            time_limit,
            handover=time.perf_counter(),
            fallback=True,
            rival=_rival(lagrangian),
            floor=_floor(lagrangian),
            pending=_pending(lagrangian),
        )
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = max(bound, float(solver.best_objective_bound))
            if solver.objective_value < incumbent.objective - 1e-9:
                incumbent = Incumbent(solver, solver.objective_value)
    return incumbent, bound


def block_threads(workers: int, lagrangian: BackgroundLagrangian | None, objective: float) -> int:
    """CP-SAT threads for the next LNS block, given the roster's ``objective``.

    One fewer than ``workers`` (at least one) while the decomposition bound's
    thread runs within ``SHARED_CORE_GAP`` of the roster, or dives (however
    far its bound: instance 12's is 30 % under the search's roster until a
    dive's roster arrives), so that it has a core of its own; otherwise
    ``workers``.
    """
    if lagrangian is not None and (
        lagrangian.diving
        or (not lagrangian.done and relative_gap(objective, lagrangian.bound) < SHARED_CORE_GAP)
    ):
        return max(1, workers - 1)
    return workers


#: The LP relaxation is solved only when CP-SAT's gap is at least this.
RELAXATION_GAP = 0.1


def _relaxation(
    m: Model,
    objective: float,
    bound: float,
    deadline: float,
    lagrangian: BackgroundLagrangian | None = None,
) -> BackgroundRelaxation | None:
    """The LP relaxation, started in the background, when CP-SAT's own bound is weak.

    A gap under ``RELAXATION_GAP`` means CP-SAT's LP has done its work already:
    on benchmark instance 11 (gap 5–6 % there, and CP-SAT's bound above the
    LP's) the LP and its blocks made 2 of 3 runs worse (3646 / 3553 / 3649
    against 3443 / 3553 / 3551). Nor is it solved beside a ``lagrangian``
    decomposition that dives: that bound is at least the relaxation's once
    converged, and a third busy thread on two cores slowed the decomposition
    (benchmark instance 12: its pricing programme compiled in 7.1 s beside
    the search and the relaxation, 3.8 s beside the search alone).
    """
    if relative_gap(objective, bound) < RELAXATION_GAP:
        return None
    if lagrangian is not None and lagrangian.diving:
        return None
    # It may take the rest of the time: it runs beside the search (sharing
    # the cores, it took 15–16 s instead of 9 s at 40 workers × 13 weeks). On a
    # copy, since the search goes on changing the model's hints.
    budget = deadline - time.perf_counter() - 0.5
    if budget <= 0:
        return None
    return BackgroundRelaxation(m.cp.clone().proto, budget)


def _lagrangian(
    data: ProblemData, callback: _Callback, objective: float, bound: float, deadline: float
) -> BackgroundLagrangian | None:
    """The Lagrangian bound, started in the background, when CP-SAT's own bound is weak.

    Where the cost is mostly each worker's own rules (minimum runs, weekly
    minimums, preferences) the LP relaxation is weak and the Lagrangian bound
    over whole schedules much stronger (40 workers × 13 weeks: 3668 against
    about 5650). It runs beside the search until it stops gaining. Not tried
    where workers carry horizon totals (see :func:`carries_totals`): there the
    search needs both cores. On Curtois instances 7, 8, 10 and 12, with the
    bound running from the first roster on, 60 s rosters were worse in 6 of 8
    interleaved pairs (by up to 20 % on 12), though the bound itself rose.
    """
    if relative_gap(objective, bound) < RELAXATION_GAP or carries_totals(data):
        return None
    return _start_lagrangian(data, callback, objective, deadline)


def _start_lagrangian(
    data: ProblemData,
    callback: _Callback,
    objective: float,
    deadline: float,
    *,
    dive: bool = False,
) -> BackgroundLagrangian | None:
    """The decomposition in the background until ``deadline``, if there is time."""
    budget = deadline - time.perf_counter() - 0.5
    if budget <= 0:
        return None

    def upper() -> float:
        # the best roster so far (the history only ever improves)
        return min(objective, callback.history[-1].objective) if callback.history else objective

    return BackgroundLagrangian(data, upper, budget, dive=dive)


def _dived(
    m: Model,
    lagrangian: BackgroundLagrangian | None,
    objective: float,
    workers: int,
    seed: int,
    stop: threading.Event | None,
    deadline: float,
) -> Incumbent | None:
    """The decomposition's dive roster as an incumbent, if it beats ``objective``.

    A partial dive (the workers it fixed) is completed by CP-SAT over the
    other workers (:func:`_complete`); a whole one is checked by CP-SAT,
    which fills in every other variable with the assignments fixed. A roster
    that breaks a rule the decomposition does not know (locked assignments)
    is infeasible there and not taken.
    """
    if lagrangian is None:
        return None
    partial = lagrangian.take_partial()
    if partial is not None:
        completed = _complete(m, partial, objective, workers, seed, stop, deadline)
        lagrangian.completed(completed is not None)
        if completed is not None:
            return completed
    offered = lagrangian.take(below=objective - 1e-9)  # tried once, taken or not
    if offered is None:
        return None
    values: dict[int, int] = {}
    for w, s in offered[1]:
        var = m.x[w].get(s)
        if var is None:
            return None
        values[var.index] = 1
    solver, code = solve_block(m, values, lambda w, d: False, 5.0, workers, seed, stop)
    return _beating(solver, code, objective)


def _beating(solver: cp_model.CpSolver, code: Any, objective: float) -> Incumbent | None:
    """The roster ``solver`` found, as an incumbent, if it has one under ``objective``."""
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if solver.objective_value >= objective - 1e-9:
        return None
    return Incumbent(solver, solver.objective_value)


def _complete(
    m: Model,
    partial: tuple[tuple[tuple[int, int], ...], frozenset[int]],
    objective: float,
    workers: int,
    seed: int,
    stop: threading.Event | None,
    deadline: float,
) -> Incumbent | None:
    """CP-SAT's roster over the workers a partial dive left free, if it beats ``objective``.

    The dive's workers are fixed to its schedules; the free workers start
    from no shifts, not from the search's roster: its schedules were made to
    fit other workers' than the dive's, and a hint to them held CP-SAT back
    (benchmark instance 8: the completions after the first beat its roster
    in none of four with that hint, the second in three runs of three
    without; 12, alone: from four partial dives 4152 / 4250 / 4040 / 4247
    in 10 s against 4246 / 4247 / 4685 / 5075 from a greedy roster's). On 12 the
    dive's 45 workers (of 60) leave a master at the optimum, and CP-SAT
    completes the other 15 to it in 4–10 s when the fixes allow it, where
    the search alone is 20–30 % off at 60 s.
    """
    cells, fixed = partial
    on = set(cells)
    if any(m.x[w].get(s) is None for w, s in on):
        return None  # a cell the model does not have (a rule the dive does not know)
    limit = min(COMPLETION_SECONDS, deadline - time.perf_counter() - 0.2)
    if limit <= 0:
        return None
    values = {
        var.index: int((w, s) in on)
        for w, xs in enumerate(m.x)
        if w in fixed
        for s, var in xs.items()
    }
    # Only a roster under the search's counts, so CP-SAT may prove at once
    # that the fixes allow none, and the next dive comes sooner (benchmark
    # instance 8: five completions that found nothing better ran 4-10 s
    # each; with the cut-off half of them ended within 0.3 s, and on 7 all).
    solver, code = solve_block(
        m, values, lambda w, d: w not in fixed, limit, workers, seed, stop, below=objective
    )
    return _beating(solver, code, objective)


#: At most this many seconds for CP-SAT to complete a partial dive.
COMPLETION_SECONDS = 10.0


def _rival(lagrangian: BackgroundLagrangian | None) -> Callable[[], float] | None:
    """The objective of the dive's roster (infinite until there is one)."""
    if lagrangian is None:
        return None

    def objective() -> float:
        offered = lagrangian.roster
        return math.inf if offered is None else float(offered[0])

    return objective


def _pending(lagrangian: BackgroundLagrangian | None) -> Callable[[], bool] | None:
    """Whether a partial dive waits to be completed (None where none ever will)."""
    if lagrangian is None or not lagrangian.diving:
        return None
    return lambda: lagrangian.pending


def _floor(lagrangian: BackgroundLagrangian | None) -> Callable[[], float] | None:
    """The decomposition's bound so far (0 until there is one)."""
    if lagrangian is None:
        return None
    return lambda: lagrangian.bound


def _hint_solution(m: Model, solver: cp_model.CpSolver) -> None:
    """Hint the whole model with every variable's value in ``solver``'s solution."""
    solution = solver.response_proto.solution
    m.cp.clear_hints()
    m.cp.proto.solution_hint.vars.extend(range(len(solution)))
    m.cp.proto.solution_hint.values.extend(solution)


def solve(
    scenario: Scenario,
    time_limit: float = 30.0,
    workers: int = 2,
    *,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    locked: Iterable[Assignment] = (),
    stop: threading.Event | None = None,
    hint: bool = True,
    log: bool = False,
) -> SolveResult:
    """Find the best roster for ``scenario`` within ``time_limit`` seconds.

    Args:
        scenario: the validated scenario.
        time_limit: wall-clock limit in seconds.
        workers: CP-SAT search threads; match the machine's cores (2 here).
        seed: random seed, for reproducible runs at one thread.
        progress: called with each improving solution (from the solver thread).
        locked: assignments that must stay in the roster (re-solve around them).
        stop: set this event to stop the search early with the best roster so far.
        hint: start from a fast greedy roster (helps on large instances).
        log: print CP-SAT's search log.
    """
    start = time.perf_counter()
    data = ProblemData(scenario)
    m = build_model(data)
    locked = tuple(locked)
    _lock(m, locked)
    deadline = start + time_limit
    callback = _Callback(start, progress, stop)
    # Phase 0: a greedy roster, made feasible by letting CP-SAT redo the
    # workers it left breaking a rule. Large programs start from it at once.
    greedy = greedy_roster(data, locked) if hint else []
    for w, s in greedy:
        m.cp.add_hint(m.x[w][s], 1)
    bad = workers_breaking_rules(data, greedy) if hint else set()
    first = _first_roster(m, greedy, bad, workers, seed, stop, time_limit) if hint else None
    if first is not None:
        callback.record(Progress(time.perf_counter() - start, first.objective, 0.0))
    # Where workers carry horizon totals (fixed contracts: every benchmark
    # instance) the decomposition starts with the first roster, for the
    # rosters its dives find: on benchmark instance 8 some are within 1 % of
    # the best known value, which no search here reaches in a minute. Its
    # programme must compile within BUILD_BUDGET (counted in states tried,
    # so the same on any machine; every benchmark instance does); otherwise
    # it gives up once it has tried that many, holding a core until then.
    lagrangian = (
        _start_lagrangian(data, callback, first.objective, deadline, dive=True)
        if first is not None and carries_totals(data)
        else None
    )
    # Phase 1: CP-SAT on the whole model. Small programs are proven optimal
    # here; on larger ones it improves the roster and finds a lower bound.
    largest = PHASE_ONE_MAX_CONSTRAINTS if bad else PHASE_ONE_FEASIBLE_MAX_CONSTRAINTS
    whole = first is None or len(m.cp.proto.constraints) <= largest
    if whole:
        solver, code = _run(
            m,
            callback,
            workers,
            seed,
            log,
            deadline,
            time_limit,
            handover=start + LNS_AFTER * time_limit,
            fallback=first is not None,
            no_grip=start + max(NO_GRIP_MIN, NO_GRIP_AFTER * time_limit),
            # No rival here: a dive roster that stopped this run cut short
            # the proofs of benchmark instance 5 (optimal in 18–20 s without
            # the dive; 1145–1146 at 60 s when stopped for it, 1143 proven in
            # 22–40 s when the roster waits for the hand-over).
            floor=_floor(lagrangian),
            pending=_pending(lagrangian),
        )
    else:
        # CP-SAT's presolve of a very large model can outlast the whole time
        # limit (80 workers × 52 weeks: over a minute), and on a large one a
        # greedy roster that keeps every rule is more than it finds in its
        # phase (see PHASE_ONE_FEASIBLE_MAX_CONSTRAINTS); start LNS at once.
        solver, code = first.solver, cp_model.FEASIBLE  # type: ignore[union-attr]
    out_of_time = time.perf_counter() >= deadline - 0.05 or (stop is not None and stop.is_set())
    if code == cp_model.UNKNOWN and first is None and not out_of_time:
        # No roster yet: give CP-SAT the rest of the time.
        solver, code = _run(m, callback, workers, seed, log, deadline, time_limit)
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"internal error: invalid CP-SAT model ({m.cp.validate()})")
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    # Every objective term is ≥ 0, so 0 is a valid bound when CP-SAT gave none.
    # A run stopped before its own first roster has still proven the bound it
    # reported (the callback's), and the LNS phase needs it to judge the gap.
    bound = callback.bound
    if status.has_roster and whole:
        bound = max(bound, float(solver.best_objective_bound))
    incumbent = Incumbent(solver, solver.objective_value) if status.has_roster else None
    if first is not None and (incumbent is None or first.objective < incumbent.objective):
        incumbent = first
        status = SolveStatus.FEASIBLE
    if incumbent is not None and status is SolveStatus.FEASIBLE:
        dived = _dived(m, lagrangian, incumbent.objective, workers, seed, stop, deadline)
        if dived is not None:
            incumbent = dived
            callback.record(Progress(time.perf_counter() - start, dived.objective, bound))
        relaxation = _relaxation(m, incumbent.objective, bound, deadline, lagrangian)
        if lagrangian is None:
            lagrangian = _lagrangian(data, callback, incumbent.objective, bound, deadline)
        # Phase 2: large-neighbourhood search over workers and days.
        incumbent, bound = _improve(
            m,
            incumbent,
            bound,
            callback,
            deadline,
            time_limit,
            workers,
            seed,
            log,
            whole,
            relaxation,
            lagrangian,
        )
        if lagrangian is not None:
            lagrangian.cancel()
            bound = max(bound, lagrangian.bound)
        if relaxation is not None:
            # The LP's time ends before the deadline; wait for it unless the
            # roster is proven optimal already or a stop was requested.
            stopped = stop is not None and stop.is_set()
            if incumbent.objective > bound + 1e-9 and not stopped:
                relaxation.result(timeout=deadline - time.perf_counter())
            relaxation.cancel()
            bound = max(bound, relaxation.bound)
        if incumbent.objective <= bound + 1e-9:
            status = SolveStatus.OPTIMAL
    if lagrangian is not None:
        lagrangian.cancel()  # a run proven optimal in phase 1 never reached phase 2
    if incumbent is not None:
        solver = incumbent.solver
    wall = time.perf_counter() - start
    if not status.has_roster:
        message = (
            "no roster satisfies the hard rules"
            if status is SolveStatus.INFEASIBLE
            else f"no roster found within {time_limit:g} s"
        )
        return SolveResult(
            scenario=scenario,
            status=status,
            objective=None,
            best_bound=None,
            wall_time=wall,
            num_workers=workers,
            progress=tuple(callback.history),
            message=message,
        )
    assignments, terms = extract(m, solver)
    return SolveResult(
        scenario=scenario,
        status=status,
        # The sum of the terms read from the same solution as the roster (after
        # a stop request CP-SAT's objective_value may already name a later one).
        objective=sum(terms.values()),
        best_bound=bound,
        wall_time=wall,
        assignments=assignments,
        unfilled=unfilled_slots(data, assignments),
        objective_terms={k: v for k, v in sorted(terms.items())},
        worker_loads=worker_loads(data, assignments),
        agency_share=agency_share(data, assignments),
        first_solution_time=callback.history[0].wall_time if callback.history else None,
        progress=tuple(callback.history),
        num_workers=workers,
    )


def extract(m: Model, solver: cp_model.CpSolver) -> tuple[tuple[Assignment, ...], dict[str, int]]:
    """The roster and the objective terms of the solution ``solver`` holds."""
    data = m.data
    assignments = tuple(
        sorted(
            Assignment(data.shifts[s].id, data.workers[w].id)
            for w, xs in enumerate(m.x)
            for s, v in xs.items()
            if solver.boolean_value(v)
        )
    )
    terms = {
        name: int(sum(weight * solver.value(expr) for weight, expr in exprs))
        for name, exprs in m.terms.items()
    }
    return assignments, terms


def worker_loads(data: ProblemData, assignments: Iterable[Assignment]) -> tuple[WorkerLoad, ...]:
    """Each worker's shifts, hours and cost against their limits."""
    by_worker: dict[int, list[int]] = defaultdict(list)
    for a in assignments:
        by_worker[data.worker_index[a.worker_id]].append(data.shift_index[a.shift_id])
    out = []
    for w, worker in enumerate(data.workers):
        shifts = by_worker.get(w, [])
        minutes = sum(data.minutes[s] for s in shifts)
        lim = data.limits[w]
        min_minutes = lim.min_total_minutes or (lim.min_week_minutes or 0) * len(data.full_weeks(w))
        out.append(
            WorkerLoad(
                worker_id=worker.id,
                agency_id=worker.agency,
                shifts=len(shifts),
                hours=minutes / 60,
                capacity_hours=data.capacity_minutes[w] / 60,
                min_hours=min_minutes / 60,
                max_week_hours=(lim.max_week_minutes or 0) / 60,
                unsocial_shifts=sum(data.shifts[s].unsocial for s in shifts),
                cost=minutes / 60 * data.hourly_cost(w),
            )
        )
    return tuple(out)


def agency_share(data: ProblemData, assignments: Iterable[Assignment]) -> dict[str, float]:
    """Share of staffed hours per agency (0 when nothing is staffed)."""
    minutes: dict[str, int] = {a.id: 0 for a in data.scenario.agencies}
    for a in assignments:
        w = data.workers[data.worker_index[a.worker_id]]
        minutes[w.agency] += data.minutes[data.shift_index[a.shift_id]]
    total = sum(minutes.values())
    return {k: (v / total if total else 0.0) for k, v in minutes.items()}
