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
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model_helper as pb

#: Relative and absolute slack taken off GLOP's optimum before rounding it up:
#: GLOP's primal and dual tolerances are about 1e-7, and a bound must never be
#: above the true LP optimum.
TOLERANCE = 1e-6

#: Proto size (constraints) above which no relaxation is built: stating the
#: LP costs about 60 µs per constraint in Python (0.8 s for benchmark
#: instance 12's 16k constraints) and GLOP's time grows faster still.
MAX_CONSTRAINTS = 100_000

INFINITY = 2**62


@dataclass(frozen=True)
class Relaxation:
    """The LP relaxation's optimum: a lower bound and the LP value of every variable."""

    bound: float
    values: list[float]


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


def solve_relaxation(proto: pb.CpModelProto, time_limit: float) -> Relaxation | None:
    """The LP relaxation's bound and solution, or None if GLOP gives no optimum in time.

    ``proto`` must minimise an integer objective (no scaling factor other
    than 1, no floating-point objective), as every model of the engine does.
    """
    if len(proto.constraints) > MAX_CONSTRAINTS or time_limit <= 0:
        return None
    scale = proto.objective.scaling_factor or 1.0
    if scale != 1.0 or proto.has_floating_point_objective():
        return None
    lp, xs = build_lp(proto)
    lp.SetTimeLimit(max(1, int(1000 * time_limit)))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    value = lp.Objective().Value() + proto.objective.offset
    # Integer variables and coefficients: every roster's objective is an
    # integer, so the LP optimum may be rounded up (after the tolerance).
    bound = math.ceil(value - TOLERANCE * (1.0 + abs(value)))
    return Relaxation(bound=float(bound), values=[x.solution_value() for x in xs])
