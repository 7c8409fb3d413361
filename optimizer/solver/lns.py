"""Large-neighbourhood search over workers and days, around CP-SAT.

With two threads, CP-SAT's own portfolio must choose between proving bounds
(its LP workers) and improving rosters (its LNS workers). Rosters have a
natural structure CP-SAT does not know: a roster is one row per worker and
one column per day. This loop keeps the incumbent roster, frees a block of it
and lets CP-SAT re-optimise that block with everything else fixed. Blocks
come in several shapes:

* ``workers`` — a few workers' whole rosters;
* ``rota`` — the next few workers' whole rosters in a shuffled rotation, so
  that every worker's roster is re-optimised in turn;
* ``similar`` — a few workers with the same eligible shifts and limits, whose
  rosters can be exchanged;
* ``days`` — a window of days (sometimes whole weeks) for everyone;
* ``both`` — some workers over a window of days;
* ``cover`` — everyone around the days whose headcount the incumbent misses
  by the most (under or over target);
* ``lp`` — when the LP relaxation has been solved, the (worker, day) cells
  where the incumbent differs from the LP's optimum the most (RINS).

Each sub-problem is the full model with most assignment variables fixed, so
every rule and objective term stays exact and the checker agrees with the
result. It is hinted with the whole incumbent (penalty variables included),
so CP-SAT starts from it at once, and solved with the whole model's LP-heavy
settings. Its time limit comes on top of the measured cost of copying and
presolving the model. Each shape keeps its own block size: a block solved to
optimality grows, one that times out shrinks; very large programs start from
blocks of about ``START_FREE`` free assignments. Shapes that improve the
roster are drawn more often, by how much they improved it.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model, cp_model_helper

from optimizer.result import Progress
from optimizer.solver.model import Model
from optimizer.solver.params import configure
from optimizer.solver.relaxation import BackgroundRelaxation

Free = Callable[[int, int], bool]


class _StopOnRequest(cp_model.CpSolverSolutionCallback):
    """Ends a sub-problem's search at its next solution once a stop is requested."""

    def __init__(self, stop: threading.Event | None) -> None:
        super().__init__()
        self.stop = stop

    def on_solution_callback(self) -> None:
        if self.stop is not None and self.stop.is_set():
            self.StopSearch()


@dataclass
class Incumbent:
    """The best roster so far: the solver that found it (for reading values) and its cost."""

    solver: cp_model.CpSolver
    objective: float


def assignment_vars(m: Model) -> list[tuple[int, int, int]]:
    """(worker, day, variable index) of every assignment variable (computed once per model)."""
    if m.assignment_index is None:
        m.assignment_index = [
            (w, m.data.shifts[s].day, v.index) for w, xs in enumerate(m.x) for s, v in xs.items()
        ]
    return m.assignment_index


def roster_values(solver: cp_model.CpSolver, m: Model) -> dict[int, int]:
    """Every variable's value (by index) in ``solver``'s solution.

    Not only the assignments: hinting a sub-problem with the values of the
    penalty and helper variables too makes the hint a complete, feasible
    solution, which CP-SAT takes as its first solution at once. With the
    assignments alone it had to rebuild the rest and, on the largest
    benchmark instances, often timed out above the incumbent.
    """
    return dict(enumerate(int(v) for v in solver.response_proto.solution))


#: Neighbourhood shapes (see the module docstring) and their starting sizes.
SHAPES: dict[str, float] = {
    "workers": 0.15,
    "similar": 0.15,
    "days": 0.15,
    "both": 0.15,
    "cover": 0.15,
    "lp": 0.15,
    "rota": 0.15,
}

#: Shapes whose block size stays where it starts. A ``rota`` block re-plans a
#: few workers against everyone else's rosters; on benchmark instance 12
#: (60 workers, 1 s blocks, from the first roster) rotations of 6 workers
#: reached 4954–5252 in 60 s, of 4 workers 5084 in 40 s and 5362 in 60 s, of
#: 9 workers 5825; of 2 workers 6096 in 40 s, and single workers stalled at
#: 8056. Blocks that time out still gain here, and shrinking them (the other
#: shapes' rule) loses that. Those figures are of rota blocks alone; in the
#: solver, beside the other shapes and with block times that grow with the
#: size, 15 % of the workers (9 on instance 12) against a tenth gave medians
#: of 4947 against 5150 on 12, 1486 against 1537 on 8, 7117 against 7132 at
#: 40 × 13 and 3507 against 3456 on 11 (60 s, four seeds each).
FIXED_SIZE = frozenset({"rota"})


#: Smallest block size (share of the roster), and the number of free
#: assignments blocks of very large programs start from.
MIN_SIZE = 0.02
START_FREE = 2000


#: Growth of a block size after a block solved to optimality in under a
#: quarter of its time.
QUICK_GROWTH = 1.5


class Neighbourhoods:
    """Draws blocks (predicates ``free(worker, day)``) of several shapes."""

    def __init__(self, m: Model, rng: random.Random) -> None:
        self.m = m
        self.rng = rng
        data = m.data
        self.n_workers, self.n_days = len(m.x), data.num_days
        # Workers with the same eligible shifts and limits can swap rosters.
        groups: dict[Any, list[int]] = defaultdict(list)
        for w in range(self.n_workers):
            groups[(tuple(sorted(data.eligible[w])), repr(data.limits[w]))].append(w)
        self.group_of = {w: g for g in groups.values() for w in g}
        self.types = [
            frozenset(data.shifts[s].coverage_id for s in data.eligible[w])
            for w in range(self.n_workers)
        ]
        # Sizes are shares of the roster, but a block of 15 % of a 52-week
        # roster for 80 workers (13,000 assignments) cannot even return its
        # hint in a second: large programs start from blocks of about
        # START_FREE assignments and let the sizes adapt from there.
        total = max(1, sum(len(xs) for xs in m.x))
        self.largest = max(MIN_SIZE, START_FREE / total)
        self.size = {k: min(v, self.largest) for k, v in SHAPES.items()}
        self.wins = dict.fromkeys(SHAPES, 1.0)
        self.best_gain = 0.0
        # The LP relaxation's value of every variable, for ``lp`` blocks, once
        # the LP is solved (``use_guide``); until then there are none.
        self.guide: Sequence[float] | None = None
        # Workers still to take their turn in the current rotation.
        self.rota: list[int] = []
        dropped = ("days", "both", "cover") if self.n_days <= 7 else ()
        for shape in (*dropped, "lp"):
            del self.size[shape], self.wins[shape]

    def use_guide(self, guide: Sequence[float]) -> None:
        """Start drawing ``lp`` blocks, guided by the LP relaxation's solution ``guide``."""
        if self.guide is not None:
            return
        self.guide = guide
        self.size["lp"] = min(SHAPES["lp"], self.largest)
        self.wins["lp"] = 1.0

    def choose(self) -> str:
        shapes = list(self.size)
        return self.rng.choices(shapes, weights=[self.wins[s] for s in shapes])[0]

    def update(self, shape: str, optimal: bool, gain: float = 0.0, quick: bool = False) -> None:
        """Adapt ``shape``'s size and weight to how its last block went.

        A block solved to optimality grows (by half when it was ``quick``, under
        a quarter of its time: on benchmark instance 8 blocks of 15 % are
        proven optimal in 0.1 s and improve nothing); one that timed out
        shrinks; shapes in ``FIXED_SIZE`` keep their size. ``gain`` is how
        much the block lowered the roster's cost.
        """
        size = self.size[shape]
        grow = QUICK_GROWTH if quick else 1.25
        if shape not in FIXED_SIZE:
            self.size[shape] = min(0.6, size * grow) if optimal else max(MIN_SIZE, size * 0.8)
        # The weight is an exponential average of the shape's wins, floored so
        # that every shape keeps being tried. A win counts by its gain against
        # the largest gain any block has made: a shape that wins often by a
        # point must not crowd out one that fills a missing person now and
        # then (instances 8 and 12: better in 4 of 6 interleaved runs, medians
        # 1415 against 1452 and 4700 against 4929, than counting each win as 1).
        credit = 0.0
        if gain > 0:
            self.best_gain = max(self.best_gain, gain)
            credit = gain / self.best_gain
        self.wins[shape] = max(0.2, 0.9 * self.wins[shape] + credit)

    def _count(self, total: int, size: float, least: int) -> int:
        return min(total, max(least, round(total * size)))

    def _window(self, length: int, around: int | None = None) -> tuple[int, int]:
        length = min(self.n_days, length)
        if around is None:
            if self.rng.random() < 0.5 and self.n_days >= 14:
                weeks = max(1, round(length / 7))
                first = 7 * self.rng.randrange(0, max(1, self.n_days // 7 - weeks + 1))
                return first, min(self.n_days, first + 7 * weeks)
            first = self.rng.randrange(0, max(1, self.n_days - length + 1))
        else:
            first = min(max(0, around - self.rng.randrange(length)), self.n_days - length)
        return first, first + length

    def block(self, shape: str, values: dict[int, int]) -> Free:
        rng, size = self.rng, self.size[shape]
        if shape == "workers":
            chosen = set(rng.sample(range(self.n_workers), self._count(self.n_workers, size, 2)))
            return lambda w, d: w in chosen
        if shape == "rota":
            return self._turn(self._count(self.n_workers, size, 2))
        if shape == "similar":
            k = self._count(self.n_workers, size, 2)
            seed_worker = rng.randrange(self.n_workers)
            same = list(self.group_of[seed_worker])
            rng.shuffle(same)
            rest = [w for w in range(self.n_workers) if w not in set(same)]
            # Then workers sharing the most shift types with the first one.
            mine = self.types[seed_worker]
            rng.shuffle(rest)
            rest.sort(key=lambda w: -len(mine & self.types[w]))
            chosen = set((same + rest)[:k])
            return lambda w, d: w in chosen
        if shape == "days":
            first, end = self._window(max(2, round(self.n_days * size)))
            return lambda w, d: first <= d < end
        if shape == "lp":
            return self._disagreement(values, self._count(self.n_workers * self.n_days, size, 2))
        if shape == "cover":
            day = self._worst_day(values)
            first, end = self._window(max(2, round(self.n_days * size)), around=day)
            return lambda w, d: first <= d < end
        # both
        chosen = set(
            rng.sample(range(self.n_workers), self._count(self.n_workers, min(1.0, 2 * size), 2))
        )
        first, end = self._window(max(7, round(self.n_days * min(1.0, 2 * size))))
        return lambda w, d: w in chosen and first <= d < end

    def _turn(self, count: int) -> Free:
        """The next ``count`` workers of the rotation, starting a new one when it runs out."""
        if len(self.rota) < count:
            waiting = set(self.rota)
            order = [w for w in range(self.n_workers) if w not in waiting]
            self.rng.shuffle(order)
            self.rota.extend(order)
        chosen = set(self.rota[:count])
        del self.rota[:count]
        return lambda w, d: w in chosen

    def _disagreement(self, values: dict[int, int], count: int) -> Free:
        """The ``count`` (worker, day) cells where the incumbent and the LP differ most.

        Relaxation induced neighbourhoods (RINS): where the LP's optimum and the
        roster agree, the roster is probably right; the block frees the cells
        where they differ, ties (and the LP's many fractional values) broken at
        random so that blocks vary.
        """
        assert self.guide is not None
        guide, rng = self.guide, self.rng
        diff: dict[tuple[int, int], float] = defaultdict(float)
        for w, d, index in assignment_vars(self.m):
            diff[(w, d)] += abs(guide[index] - values.get(index, 0))
        ranked = sorted(diff, key=lambda cell: diff[cell] + 0.5 * rng.random(), reverse=True)
        chosen = set(ranked[:count])
        return lambda w, d: (w, d) in chosen

    def _worst_day(self, values: dict[int, int]) -> int:
        """A day drawn in proportion to how far the incumbent misses its headcounts."""
        data = self.m.data
        staffed: dict[int, int] = defaultdict(int)
        for xs in self.m.x:
            for s, v in xs.items():
                staffed[s] += values.get(v.index, 0)
        below = data.scenario.weights.below_target
        score = [0.0] * self.n_days
        for s, shift in enumerate(data.shifts):
            n = staffed[s]
            score[shift.day] += (
                shift.under_weight * max(0, shift.required - n)
                + below * max(0, shift.target - max(n, shift.required))
                + shift.over_weight * max(0, n - shift.target)
            )
        if not any(score):
            return self.rng.randrange(self.n_days)
        return self.rng.choices(range(self.n_days), weights=[x + 1e-3 for x in score])[0]


def solve_block(
    m: Model,
    values: dict[int, int],
    free: Free,
    time_limit: float,
    workers: int,
    seed: int,
    stop: threading.Event | None,
    *,
    first_only: bool = False,
    below: float | None = None,
    interrupt: Callable[[], bool] | None = None,
) -> tuple[cp_model.CpSolver, Any]:
    """Re-optimise the assignments ``free(worker, day)`` selects; fix the rest.

    ``values`` gives the value (by index) of every assignment variable, and
    possibly of other variables, in the roster to start from: assignments
    outside the block are fixed to it, everything else is hinted with it.
    With ``first_only`` the search ends at its first roster that keeps every
    hard rule. With ``below``, only rosters whose objective is under it
    count: the search is infeasible, and may prove so quickly, where the
    block has none. The search also ends, within a twentieth of a second,
    once ``interrupt()`` is true.
    """
    sub = m.cp.clone()
    sub.clear_hints()
    # Redundant constraints strengthen the whole model's LP; in a block with
    # most days fixed they only add presolve time (benchmark instances 8–12
    # ended 2–35 % worse at 30 s with them kept).
    for i in m.redundant:
        sub.proto.constraints[i].clear_automaton()
    variables = sub.proto.variables
    unset: list[int] = []  # assignments ``values`` leaves out (taken as 0)
    for w, d, index in assignment_vars(m):
        value = values.get(index)
        if value is None:
            unset.append(index)
            value = 0
        if not free(w, d):
            # Fixed domains, not a constraint fixing them: CP-SAT's presolve
            # of a 158k-variable model took 0.2 s this way, 1.3 s the other.
            domain = variables[index].domain  # [0, 1]: assignments are Booleans
            domain[0] = domain[1] = value
    if below is not None and math.isfinite(below):
        _cut_off(sub.proto.objective, below)
    hint = sub.proto.solution_hint
    hint.vars.extend(values.keys())
    hint.values.extend(values.values())
    hint.vars.extend(unset)
    hint.values.extend([0] * len(unset))
    solver = cp_model.CpSolver()
    if first_only:
        solver.parameters.num_workers = workers
    else:
        # The same LP-heavy portfolio as the whole model: a block's best
        # roster is what matters, and the LP finds the coordinated moves.
        configure(solver.parameters, workers)
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.stop_after_first_solution = first_only
    if interrupt is None:
        return solver, solver.solve(sub, _StopOnRequest(stop))
    finished = threading.Event()
    watcher = threading.Thread(target=_interrupt, args=(solver, finished, interrupt), daemon=True)
    watcher.start()
    try:
        code = solver.solve(sub, _StopOnRequest(stop))
    finally:
        finished.set()
        watcher.join()
    return solver, code


def _interrupt(
    solver: cp_model.CpSolver, finished: threading.Event, when: Callable[[], bool]
) -> None:
    """Stop ``solver``'s search once ``when()`` is true, until ``finished`` is set."""
    while not finished.wait(0.05):
        if when():
            # Again on every tick: a stop asked for before the search has
            # begun does not carry over to it.
            solver.stop_search()


def _cut_off(objective: cp_model_helper.CpObjectiveProto, below: float) -> None:
    """Restrict ``objective`` to values under ``below`` (objectives are integers)."""
    scale = objective.scaling_factor or 1.0
    # The domain bounds the sum of the objective's terms, before its offset
    # and scale: value = scale × (sum + offset).
    upper = math.ceil(below) - 1
    inner = math.floor(upper / scale - objective.offset + 1e-9)
    objective.domain.clear()  # the model itself sets none
    objective.domain.extend([-(1 << 62), inner])


#: Sub-problem time limit: BLOCK_TIME[0] + BLOCK_TIME[1] × block size, in
#: seconds, on top of the copy-and-presolve overhead. With the LP-heavy
#: settings a block needs time for its LP. Against (0.3, 2), run interleaved
#: on benchmark instances 5, 10 and 12, (0.6, 4) was equal or better in 8 of
#: 9 runs (medians about 2 % lower on 10 and 12); (1, 8) was no better.
#: Figures and the noisier back-to-back runs are in docs/benchmarks.md.
BLOCK_TIME = (0.6, 4.0)


def improve(
    m: Model,
    incumbent: Incumbent,
    deadline: float,
    *,
    hoods: Neighbourhoods,
    bound: float,
    workers: int,
    start: float,
    on_improvement: Callable[[Progress], None],
    stop: threading.Event | None = None,
    stall: float | None = None,
    relaxation: BackgroundRelaxation | None = None,
    threads: Callable[[float], int] | None = None,
    offer: Callable[[float], Incumbent | None] | None = None,
    floor: Callable[[], float] | None = None,
    pending: Callable[[], bool] | None = None,
) -> Incumbent:
    """Improve ``incumbent`` by LNS until ``deadline`` (a perf_counter time).

    Blocks are drawn from ``hoods``; pass the same one to successive calls to
    keep the block sizes, shape weights and random state learnt so far. With
    ``stall`` it returns earlier, once no block has improved the roster for
    that many seconds. Once the LP ``relaxation`` solving in the background
    is done, its bound joins ``bound`` and its solution guides ``lp`` blocks
    when it is close enough to the roster. ``threads`` gives each block's
    CP-SAT threads from the roster's objective (``workers`` when it is None).
    ``offer``, given the roster's objective, returns a better roster found
    elsewhere (the decomposition's dive) when there is one; the search goes
    on from it. ``floor`` gives a bound proven elsewhere (the
    decomposition's), read before every block: the search ends once the
    roster reaches it. A block ends early once ``pending()`` says a roster
    waits for ``offer`` (a partial dive to complete): the dives wait for
    their completion, and on benchmark instance 8 a finished dive waited up
    to 2.7 s for the block in progress, against 3–5 s a dive.
    """
    rng = hoods.rng
    values = roster_values(incumbent.solver, m)
    # Copying and presolving the model costs every block the same time before
    # any search (0.04 s on benchmark instance 12, 0.5 s at 80 workers × 52
    # weeks); block time limits are on top of it, or large programs spend
    # every block in presolve. Measured once with an empty block.
    empty, _ = solve_block(m, values, lambda w, d: False, 5.0, workers, 0, stop)
    overhead = 2.0 * empty.wall_time
    last_improvement = time.perf_counter()
    while time.perf_counter() < deadline - 0.05:
        if stop is not None and stop.is_set():
            break
        if stall is not None and time.perf_counter() - last_improvement >= stall:
            break
        offered = offer(incumbent.objective) if offer is not None else None
        if offered is not None:
            last_improvement = time.perf_counter()
            incumbent = offered
            values = roster_values(offered.solver, m)
            on_improvement(Progress(time.perf_counter() - start, offered.objective, bound))
        lp = relaxation.result() if relaxation is not None else None
        if lp is not None:
            bound = max(bound, lp.bound)
            if lp.guides(incumbent.objective):
                hoods.use_guide(lp.values)
        if floor is not None:
            bound = max(bound, floor())
        if incumbent.objective <= bound:
            break
        shape = hoods.choose()
        free = hoods.block(shape, values)
        limit = min(
            deadline - time.perf_counter(),
            overhead + BLOCK_TIME[0] + BLOCK_TIME[1] * hoods.size[shape],
        )
        n = workers if threads is None else threads(incumbent.objective)
        solver, code = solve_block(
            m, values, free, limit, n, rng.randrange(1 << 30), stop, interrupt=pending
        )
        found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        # A block cut short for a waiting dive says nothing of its size or
        # shape, nor of the overhead.
        cut = pending is not None and pending()
        if code == cp_model.UNKNOWN and not cut:
            # Not even the (complete, feasible) hint came back: the block ran
            # out of time before its search began.
            overhead *= 1.5
        improved = found and solver.objective_value < incumbent.objective - 1e-9
        gain = incumbent.objective - solver.objective_value if improved else 0.0
        if not cut:
            hoods.update(shape, code == cp_model.OPTIMAL, gain, solver.wall_time < 0.25 * limit)
        if not found:
            continue
        if improved:
            last_improvement = time.perf_counter()
            incumbent = Incumbent(solver, solver.objective_value)
            values = roster_values(solver, m)
            on_improvement(Progress(time.perf_counter() - start, solver.objective_value, bound))
        elif solver.objective_value <= incumbent.objective + 1e-9:
            incumbent = Incumbent(solver, solver.objective_value)  # move on the plateau
            values = roster_values(solver, m)
    return incumbent
