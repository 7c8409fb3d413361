"""Large-neighbourhood search over workers and days, around CP-SAT.

With two threads, CP-SAT's own portfolio must choose between proving bounds
(its LP workers) and improving rosters (its LNS workers). Rosters have a
natural structure CP-SAT does not know: a roster is one row per worker and
one column per day. This loop keeps the incumbent roster, frees a block of it
— a few workers' whole rosters, a window of days for everyone, or both — and
lets CP-SAT re-optimise that block with everything else fixed. Each
sub-problem is the full model with most assignment variables fixed, so every
rule and objective term stays exact and the checker agrees with the result.
Block sizes adapt: a block solved to optimality grows, one that times out
shrinks.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from optimizer.result import Progress
from optimizer.solver.model import Model


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


def assignment_vars(m: Model) -> list[tuple[int, int, cp_model.IntVar]]:
    """(worker, day, variable) of every assignment variable."""
    return [(w, m.data.shifts[s].day, v) for w, xs in enumerate(m.x) for s, v in xs.items()]


def _neighbourhood(
    rng: random.Random, workers: int, days: int, size: float
) -> Callable[[int, int], bool]:
    """A predicate (worker, day) → free, for one randomly shaped block."""
    kind = rng.choice(("workers", "days", "both"))
    if kind == "workers" or days <= 7:
        k = max(2, round(workers * size))
        chosen = set(rng.sample(range(workers), min(workers, k)))
        return lambda w, d: w in chosen
    if kind == "days":
        length = max(3, round(days * size))
        first = rng.randrange(0, max(1, days - length + 1))
        return lambda w, d: first <= d < first + length
    k = max(2, round(workers * min(1.0, 2 * size)))
    chosen = set(rng.sample(range(workers), min(workers, k)))
    length = max(7, round(days * min(1.0, 2 * size)))
    first = rng.randrange(0, max(1, days - length + 1))
    return lambda w, d: w in chosen and first <= d < first + length


def solve_block(
    m: Model,
    values: dict[int, int],
    free: Callable[[int, int], bool],
    time_limit: float,
    workers: int,
    seed: int,
    stop: threading.Event | None,
) -> tuple[cp_model.CpSolver, Any]:
    """Re-optimise the assignments ``free(worker, day)`` selects; fix the rest.

    ``values`` gives every assignment variable's value (by index) in the roster
    to start from; free variables are hinted with it.
    """
    sub = m.cp.clone()
    sub.clear_hints()
    for w, d, var in assignment_vars(m):
        value = values.get(var.index, 0)
        if free(w, d):
            sub.add_hint(var, value)
        else:
            domain = sub.proto.variables[var.index].domain
            domain.clear()
            domain.extend([value, value])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    code = solver.solve(sub, _StopOnRequest(stop))
    return solver, code


def improve(
    m: Model,
    incumbent: Incumbent,
    deadline: float,
    *,
    bound: float,
    workers: int,
    seed: int,
    start: float,
    on_improvement: Callable[[Progress], None],
    stop: threading.Event | None = None,
) -> Incumbent:
    """Improve ``incumbent`` by LNS until ``deadline`` (a perf_counter time)."""
    rng = random.Random(seed)
    variables = assignment_vars(m)
    size = 0.15
    n_workers, n_days = len(m.x), m.data.num_days
    while time.perf_counter() < deadline - 0.05:
        if stop is not None and stop.is_set():
            break
        if incumbent.objective <= bound:
            break
        free = _neighbourhood(rng, n_workers, n_days, size)
        values = {var.index: int(incumbent.solver.value(var)) for _, _, var in variables}
        solver, code = solve_block(
            m,
            values,
            free,
            min(deadline - time.perf_counter(), 0.3 + 2.0 * size),
            workers,
            rng.randrange(1 << 30),
            stop,
        )
        size = min(0.6, size * 1.25) if code == cp_model.OPTIMAL else max(0.03, size * 0.8)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        if solver.objective_value < incumbent.objective - 1e-9:
            incumbent = Incumbent(solver, solver.objective_value)
            on_improvement(Progress(time.perf_counter() - start, solver.objective_value, bound))
        elif solver.objective_value <= incumbent.objective + 1e-9:
            incumbent = Incumbent(solver, solver.objective_value)  # move on the plateau
    return incumbent
