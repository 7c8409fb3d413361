"""The LP relaxation of the CP-SAT model, solved by GLOP: a bound and a guide.

CP-SAT solves an LP of its own, but with cuts and incremental dual simplex
inside its search, and on large rostering models it may not finish even the
root LP within a minute (benchmark instance 12: not within 25 s; GLOP alone
solves the same relaxation in 2.5 s). This module states the plain relaxation
once, from the model's proto, and solves it with GLOP:

* its optimum, rounded up, is a valid lower bound on every roster (every
  variable is an integer and every objective coefficient too);
* its solution guides the LNS phase: the assignments where the incumbent
  disagrees with the LP are the ones worth freeing (RINS, relaxation induced
  neighbourhood search).

Only constraints without enforcement literals are kept, and of those only the
kinds with an exact linear form (linear, clauses, at-most-one, exactly-one,
and-of-literals, and ``target ≥ each expression`` of a max); dropping the rest
(automata, the conditional constraints) only relaxes the LP further, so the
bound stays valid.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model_helper as pb

from optimizer.result import relative_gap

#: Relative and absolute slack taken off GLOP's optimum before rounding it up:
#: GLOP's primal and dual tolerances are about 1e-7, and a bound must never be
#: above the true LP optimum.
TOLERANCE = 1e-6

#: Proto size (constraints) above which no relaxation is built: stating the
#: LP costs about 60 µs per constraint in Python (0.8 s for benchmark
#: instance 12's 16k constraints) and GLOP's time grows faster still.
MAX_CONSTRAINTS = 100_000

INFINITY = 2**62


#: The LP's solution guides the LNS blocks only when its bound is within this
#: share of the roster: an LP whose optimum is far below every roster (0 on
#: benchmark instance 9) is just some point of the relaxation.
GUIDE_GAP = 0.5


@dataclass(frozen=True)
class Relaxation:
    """The LP relaxation's optimum: a lower bound and the LP value of every variable."""

    bound: float
    values: list[float]

    def guides(self, objective: float) -> bool:
        """Whether the LP's solution says something about a roster of cost ``objective``."""
        return self.bound > 0 and relative_gap(objective, self.bound) < GUIDE_GAP


def _literal(row: pywraplp.Constraint, xs: list[pywraplp.Variable], lit: int) -> float:
    """Add ``literal`` to ``row``; return the constant it moves to the bounds."""
    if lit >= 0:
        row.SetCoefficient(xs[lit], row.GetCoefficient(xs[lit]) + 1.0)
        return 0.0
    # ¬x = 1 − x
    x = xs[-lit - 1]
    row.SetCoefficient(x, row.GetCoefficient(x) - 1.0)
    return 1.0


def _literal_row(
    lp: pywraplp.Solver,
    xs: list[pywraplp.Variable],
    literals: list[int],
    lower: float,
    upper: float,
) -> None:
    """``lower ≤ Σ literals ≤ upper``, with negated literals written as 1 − x."""
    row = lp.RowConstraint(-math.inf, math.inf)
    constant = sum(_literal(row, xs, lit) for lit in literals)
    row.SetBounds(lower - constant, upper - constant)


def _linear_row(
    lp: pywraplp.Solver,
    xs: list[pywraplp.Variable],
    expr: pb.LinearExpressionProto | pb.LinearConstraintProto,
    lower: float,
    upper: float,
) -> pywraplp.Constraint:
    row = lp.RowConstraint(lower, upper)
    for var, coeff in zip(expr.vars, expr.coeffs, strict=True):
        # Terms on one variable may repeat in a proto: accumulate them.
        row.SetCoefficient(xs[var], row.GetCoefficient(xs[var]) + coeff)
    return row


def _finite(value: int) -> float:
    return value if -INFINITY < value < INFINITY else (math.inf if value > 0 else -math.inf)


def build_lp(proto: pb.CpModelProto) -> tuple[pywraplp.Solver, list[pywraplp.Variable]]:
    """GLOP's LP for the relaxation of ``proto`` (see the module docstring)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    xs = [
        lp.NumVar(_finite(v.domain[0]), _finite(v.domain[len(v.domain) - 1]), "")
        for v in proto.variables
    ]
    for c in proto.constraints:
        if len(c.enforcement_literal):
            continue
        if c.has_linear():
            domain = c.linear.domain
            _linear_row(lp, xs, c.linear, _finite(domain[0]), _finite(domain[len(domain) - 1]))
        elif c.has_bool_or():
            _literal_row(lp, xs, list(c.bool_or.literals), 1.0, math.inf)
        elif c.has_at_most_one():
            _literal_row(lp, xs, list(c.at_most_one.literals), -math.inf, 1.0)
        elif c.has_exactly_one():
            _literal_row(lp, xs, list(c.exactly_one.literals), 1.0, 1.0)
        elif c.has_bool_and():
            for lit in c.bool_and.literals:
                _literal_row(lp, xs, [lit], 1.0, 1.0)
        elif c.has_lin_max():
            # target ≥ every expression: the max's convex side, exact enough
            # for a relaxation (the objective pushes the target down).
            target = c.lin_max.target
            for expr in c.lin_max.exprs:
                # target − expr ≥ expr.offset − target.offset
                row = _linear_row(lp, xs, target, expr.offset - target.offset, math.inf)
                for var, coeff in zip(expr.vars, expr.coeffs, strict=True):
                    row.SetCoefficient(xs[var], row.GetCoefficient(xs[var]) - coeff)
    objective = lp.Objective()
    for var, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective.SetCoefficient(xs[var], objective.GetCoefficient(xs[var]) + coeff)
    objective.SetMinimization()
    return lp, xs


def _solvable(proto: pb.CpModelProto) -> bool:
    """Small enough to state, and minimising an integer objective."""
    if len(proto.constraints) > MAX_CONSTRAINTS:
        return False
    scale = proto.objective.scaling_factor or 1.0
    return scale == 1.0 and not proto.has_floating_point_objective()


def solve_relaxation(proto: pb.CpModelProto, time_limit: float) -> Relaxation | None:
    """The LP relaxation's bound and solution, or None if GLOP gives no optimum in time.

    ``proto`` must minimise an integer objective (no scaling factor other
    than 1, no floating-point objective), as every model of the engine does.
    """
    if not _solvable(proto) or time_limit <= 0:
        return None
    lp, xs = build_lp(proto)
    return _optimum(proto, lp, xs, time_limit)


def _optimum(
    proto: pb.CpModelProto, lp: pywraplp.Solver, xs: list[pywraplp.Variable], time_limit: float
) -> Relaxation | None:
    lp.SetTimeLimit(max(1, int(1000 * time_limit)))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    value = lp.Objective().Value() + proto.objective.offset
    # Integer variables and coefficients: every roster's objective is an
    # integer, so the LP optimum may be rounded up (after the tolerance).
    bound = math.ceil(value - TOLERANCE * (1.0 + abs(value)))
    return Relaxation(bound=float(bound), values=[x.solution_value() for x in xs])


class BackgroundRelaxation:
    """The LP relaxation solved in a thread while the caller goes on searching.

    GLOP releases the interpreter lock while it solves, so the LP costs the
    search a share of the cores rather than its whole wall time (9 s of a
    60 s solve at 40 workers × 13 weeks). Stating the LP is Python and does
    hold the lock; it is done in the thread too, on a copy of the proto,
    since the caller goes on changing the model's hints.
    """

    def __init__(self, proto: pb.CpModelProto, time_limit: float) -> None:
        self._proto = proto
        self._time_limit = time_limit
        self._result: Relaxation | None = None
        self._lp: pywraplp.Solver | None = None
        self._cancelled = False
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lp-relaxation", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            if not _solvable(self._proto) or self._time_limit <= 0:
                return
            lp, xs = build_lp(self._proto)
            with self._lock:
                if self._cancelled:
                    return
                self._lp = lp
            # Stating the LP counts against its time.
            left = self._time_limit - (time.perf_counter() - started)
            if left > 0:
                self._result = _optimum(self._proto, lp, xs, left)
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        """True once the LP is solved, given up or cancelled."""
        return self._done.is_set()

    def result(self, timeout: float = 0.0) -> Relaxation | None:
        """The relaxation, waiting at most ``timeout`` seconds; None if not (yet) solved."""
        self._done.wait(max(0.0, timeout))
        return self._result if self._done.is_set() else None

    @property
    def bound(self) -> float:
        """The LP's bound once solved, else 0 (every objective term is ≥ 0)."""
        result = self.result()
        return result.bound if result is not None else 0.0

    def cancel(self) -> None:
        """Interrupt GLOP and wait for the thread to end; an unfinished LP gives no result."""
        with self._lock:
            self._cancelled = True
        # Repeated: an interrupt that comes before GLOP's solve has begun is
        # forgotten when it begins.
        while not self._done.wait(0.05):
            with self._lock:
                if self._lp is not None:
                    self._lp.InterruptSolve()
