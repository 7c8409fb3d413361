"""Column generation: a lower bound from every worker's whole schedules.

The CP-SAT model's LP relaxation lets each worker take fractions of shifts
that no schedule could combine: half of a day shift here and half there
escapes a soft minimum run, a wanted day is "half worked" for free. On the
synthetic 24/7 programmes of the scaling benchmark that LP is far below every
roster found. The *master* LP here chooses, for each worker, a convex
combination of whole schedules that keep every hard rule (each with its exact
cost); coverage, fairness and agency share stay linear in the master. Its
optimum is the bound of a Dantzig–Wolfe decomposition with one block per
worker: never weaker than the model's LP relaxation, and much stronger where
per-worker rules make the cost.

New schedules come from :class:`~optimizer.solver.pricing.Pricer`, an exact
dynamic programme: given the master's duals it returns each worker's
schedule of least reduced cost. Because pricing is exact, every round gives a
valid bound even before the master converges (the Lagrangian bound at the
round's duals, projected so that the master's own variables keep reduced
costs ≥ 0), so the loop can stop at any time with a bound that holds.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from optimizer.data import ProblemData
from optimizer.solver.pricing import Pricer, Schedule, distinct

#: Reduced costs above −EPSILON are treated as zero (GLOP's tolerances are ~1e-7).
EPSILON = 1e-6

#: Slack taken off the Lagrangian bound before rounding it up to an integer.
TOLERANCE = 1e-6

#: A box variable above this is in use (GLOP's primal tolerance is ~1e-7).
BOXED = 1e-6

#: GLOP's parameters for the master (see :class:`Master`).
MASTER_PARAMETERS = "use_preprocessing: false"


@dataclass(frozen=True)
class ColumnGenerationResult:
    """What column generation established."""

    #: Best lower bound on the objective of any roster (an integer; None if
    #: no round gave a finite one).
    bound: int | None
    #: The master LP's value when it stopped (the bound if it converged).
    master: float
    converged: bool
    rounds: int
    columns: int
    seconds: float
    #: The master's schedules when it stopped (a start for :func:`dive`).
    schedules: tuple[Schedule, ...] = ()


@dataclass(frozen=True)
class DeviationTerm:
    """An objective term ``weight × ⌈|Σ amount − target| / unit⌉`` over some
    workers' schedules: fairness hours and unsocial shifts (one worker each)
    and agency share (an agency's workers), as the checker computes them.

    ``amount[s]`` is what working shift ``s`` adds (minutes, or 1 for a shift
    of a category); ``target`` is in the same units.
    """

    name: str
    weight: int
    target: int
    unit: int
    workers: tuple[int, ...]
    amount: np.ndarray


def deviation_terms(data: ProblemData) -> list[DeviationTerm]:
    """The scenario's fairness and agency-share terms, in a fixed order."""
    wt = data.scenario.weights
    minutes = np.asarray(data.minutes, dtype=np.float64)
    out: list[DeviationTerm] = []
    if len(data.fair_workers) >= 2:
        of_kind = {
            c: np.fromiter((c in cats for cats in data.categories), dtype=np.float64)
            for c in data.required_by_category
        }
        for w in data.fair_workers:
            if wt.fairness_hours:
                target = 60 * data.fair_share(w, data.required_minutes, unit=60)
                out.append(
                    DeviationTerm(f"fair_h_{w}", wt.fairness_hours, target, 60, (w,), minutes)
                )
            if wt.fairness_unsocial:
                for category, required in data.required_by_category.items():
                    share = data.fair_share(w, required)
                    out.append(
                        DeviationTerm(
                            f"fair_{category}_{w}",
                            wt.fairness_unsocial,
                            share,
                            1,
                            (w,),
                            of_kind[category],
                        )
                    )
    if wt.agency_share:
        for agency, target, members in data.agency_targets:
            out.append(
                DeviationTerm(
                    f"agency_{agency}", wt.agency_share, 60 * target, 60, members, minutes
                )
            )
    return out


class Master:
    """The restricted master LP over the schedules found so far.

    Rows other than the workers' convexity rows are *coupling* rows; their
    duals, as one vector, price shifts for the pricing programme.
    """

    def __init__(self, data: ProblemData) -> None:
        self.data = data
        lp = pywraplp.Solver.CreateSolver("GLOP")
        if lp is None:  # pragma: no cover - GLOP ships with OR-Tools
            raise RuntimeError("GLOP is not available")
        # Without presolve GLOP goes on from its last basis when columns are
        # added; with it, a round's solve often starts over (benchmark
        # instance 12, column generation alone: 26 master solves of about
        # 500 simplex iterations, converged in 17 s, against 28 of up to
        # 2,700 and 37 s).
        lp.SetSolverSpecificParametersAsString(MASTER_PARAMETERS)
        self.lp = lp
        self.inf = lp.infinity()
        self.convexity = [lp.Constraint(1.0, 1.0, f"one_{w}") for w in range(len(data.workers))]
        self.rows: list[pywraplp.Constraint] = []
        self.rhs: list[float] = []
        #: +1 for a ≥ row (its dual is ≥ 0), −1 for a ≤ row (≤ 0)
        self.sign: list[float] = []
        #: the master's own variables as dual constraints: (rows, coefficients,
        #: cost) for Σ coefficient × dual ≤ cost (see :meth:`project`)
        self.own: list[tuple[list[int], list[float], float]] = []
        # (shift, row, coefficient) of a schedule that works the shift
        shift_terms: list[tuple[int, int, float]] = []
        weights = data.scenario.weights
        for i, s in enumerate(data.shifts):
            if s.max is not None:
                # Over the maximum at a price instead of never: still a relaxation
                # (a roster never pays it), and it bounds the row's dual, which
                # otherwise swings without limit between rounds.
                r = self._row(-self.inf, float(s.max), f"max_{i}", max(s.under_weight, 1))
                shift_terms.append((i, r, 1.0))
            under, below, over = s.under_weight, weights.below_target, s.over_weight
            gap = max(0, s.target - s.required)
            if (under and s.required) or (below and gap):
                # y ≥ U·(req − n) + B·gap (exact below req when U ≥ B) and
                # y ≥ min(U, B)·(target − n): both under the true penalty.
                y = lp.NumVar(0.0, self.inf, f"short_{i}")
                lp.Objective().SetCoefficient(y, 1.0)
                short: list[int] = []
                if under and s.required:
                    const = under * s.required + (below * gap if under >= below else 0)
                    r = self._row(float(const), self.inf, f"under_{i}")
                    self.rows[r].SetCoefficient(y, 1.0)
                    shift_terms.append((i, r, float(under)))
                    short.append(r)
                slope = min(under, below)
                if slope and gap:
                    r = self._row(float(slope * s.target), self.inf, f"below_{i}")
                    self.rows[r].SetCoefficient(y, 1.0)
                    shift_terms.append((i, r, float(slope)))
                    short.append(r)
                self.own.append((short, [1.0] * len(short), 1.0))
            if over:
                z = lp.NumVar(0.0, self.inf, f"over_{i}")
                lp.Objective().SetCoefficient(z, 1.0)
                r = self._row(float(-over * s.target), self.inf, f"over_{i}")
                self.rows[r].SetCoefficient(z, 1.0)
                shift_terms.append((i, r, float(-over)))
                self.own.append(([r], [1.0], 1.0))
        self._shift = np.array([t[0] for t in shift_terms], dtype=np.int64)
        self._row_of = np.array([t[1] for t in shift_terms], dtype=np.int64)
        self._coef = np.array([t[2] for t in shift_terms], dtype=np.float64)
        self._by_shift: list[list[tuple[int, float]]] = [[] for _ in data.shifts]
        for i, r, c in shift_terms:
            self._by_shift[i].append((r, c))
        #: per worker: (up row, down row, per-shift amount in units) of each
        #: deviation term over its schedule
        self.total_rows: list[list[tuple[int, int, np.ndarray]]] = [[] for _ in data.workers]
        #: (up row, down row) of each deviation term, in :func:`deviation_terms` order
        self.term_rows: list[tuple[int, int]] = []
        for term in deviation_terms(data):
            up, down = self._absolute(term.name, term.weight, term.target / term.unit)
            self.term_rows.append((up, down))
            for w in term.workers:
                self.total_rows[w].append((up, down, term.amount / term.unit))
        lp.Objective().SetMinimization()
        self.columns: list[tuple[pywraplp.Variable, Schedule]] = []
        #: per coupling row, the two variables that keep its dual in a box
        #: (see :meth:`box`); none until a box is first set
        self._box: list[tuple[pywraplp.Variable, pywraplp.Variable]] = []

    def _row(self, lower: float, upper: float, name: str, slack_cost: float = 0.0) -> int:
        row = self.lp.Constraint(lower, upper, name)
        if slack_cost:
            slack = self.lp.NumVar(0.0, self.inf, f"{name}_slack")
            self.lp.Objective().SetCoefficient(slack, slack_cost)
            row.SetCoefficient(slack, -1.0)
            self.own.append(([len(self.rows)], [-1.0], slack_cost))
        self.rows.append(row)
        self.rhs.append(lower if lower > -self.inf else upper)
        self.sign.append(1.0 if lower > -self.inf else -1.0)
        return len(self.rows) - 1

    def _absolute(self, name: str, weight: float, target: float) -> tuple[int, int]:
        """Rows for ``weight × |value − target|``; a schedule adds −value to the
        first and +value to the second."""
        v = self.lp.NumVar(0.0, self.inf, name)
        self.lp.Objective().SetCoefficient(v, weight)
        up = self._row(-target, self.inf, f"{name}_up")  # v − value ≥ −target
        self.rows[up].SetCoefficient(v, 1.0)
        down = self._row(target, self.inf, f"{name}_down")  # v + value ≥ target
        self.rows[down].SetCoefficient(v, 1.0)
        self.own.append(([up, down], [1.0, 1.0], weight))
        return up, down

    def coefficients(self, column: Schedule) -> dict[int, float]:
        """A schedule's coefficient in each coupling row it touches."""
        coef: dict[int, float] = {}
        for s in column.shifts:
            for r, c in self._by_shift[s]:
                coef[r] = coef.get(r, 0.0) + c
        shifts = list(column.shifts)
        for up, down, amount in self.total_rows[column.worker]:
            value = float(amount[shifts].sum())
            coef[up] = coef.get(up, 0.0) - value
            coef[down] = coef.get(down, 0.0) + value
        return coef

    def add(self, column: Schedule) -> None:
        """Add a schedule as a column of the master."""
        lp = self.lp
        var = lp.NumVar(0.0, self.inf, f"c{len(self.columns)}")
        lp.Objective().SetCoefficient(var, float(column.cost))
        self.convexity[column.worker].SetCoefficient(var, 1.0)
        for r, c in self.coefficients(column).items():
            if c:
                self.rows[r].SetCoefficient(var, c)
        self.columns.append((var, column))

    def solve(self) -> tuple[float, np.ndarray, np.ndarray]:
        """Solve the master: its optimum, the coupling duals and the convexity duals."""
        status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"master LP not solved to optimality (status {status})")
        duals = np.fromiter((r.dual_value() for r in self.rows), np.float64, len(self.rows))
        mu = np.fromiter((r.dual_value() for r in self.convexity), np.float64, len(self.convexity))
        return float(self.lp.Objective().Value()), duals, mu

    def prices(self, duals: np.ndarray) -> list[np.ndarray]:
        """Each worker's price for each shift under coupling duals ``duals``."""
        shared = -np.bincount(
            self._shift, weights=self._coef * duals[self._row_of], minlength=len(self.data.shifts)
        )
        out = []
        for w in range(len(self.data.workers)):
            price = shared
            for up, down, amount in self.total_rows[w]:
                # the schedule adds −amount to ``up`` and +amount to ``down``
                if duals[up] != duals[down]:
                    price = price + (duals[up] - duals[down]) * amount
            out.append(price)
        return out

    def project(self, duals: np.ndarray) -> np.ndarray:
        """The nearest duals (by scaling) that keep the master's own variables
        at reduced cost ≥ 0 and each row's dual of the right sign.

        The Lagrangian bound is valid only at such duals: a shortfall,
        excess, slack or deviation variable with a negative reduced cost
        would make it −∞. GLOP's duals meet this up to its tolerances; the
        projection makes it exact. Every such variable's terms are
        non-negative once the signs are right, and no row has two of them, so
        scaling each group down to its cost is enough.
        """
        sign = np.asarray(self.sign)
        point = np.where(sign > 0, np.maximum(duals, 0.0), np.minimum(duals, 0.0))
        for rows, coefs, cost in self.own:
            total = sum(c * point[r] for r, c in zip(rows, coefs, strict=True))
            if total > cost:
                point[rows] *= cost / total
        return point

    def lagrangian(self, duals: np.ndarray, least: Sequence[float]) -> float:
        """The Lagrangian bound at ``duals`` given each worker's least priced cost."""
        return float(np.dot(self.rhs, duals)) + float(sum(least))

    def duals_from(self, pi: np.ndarray, rho: np.ndarray) -> np.ndarray:
        """Coupling duals that price shifts and totals as the Lagrangian's
        ``pi`` and ``rho`` do (:class:`~optimizer.solver.lagrange.Lagrangian`),
        projected (:meth:`project`).

        A shift's price goes to the row of its largest coefficient whose dual
        may carry that sign (a wanted shift to its shortfall row, an unwanted
        one to its excess or maximum row); a total's price to its up or down
        row by its sign.
        """
        point = np.zeros(len(self.rows))
        sign = self.sign
        for i, p in enumerate(pi):
            if p == 0:
                continue
            fitting = [(r, c) for r, c in self._by_shift[i] if c * p * sign[r] > 0]
            if fitting:
                r, c = max(fitting, key=lambda rc: abs(rc[1]))
                point[r] = p / c
        for (up, down), price in zip(self.term_rows, rho, strict=True):
            if price < 0:
                point[up] = -price
            elif price > 0:
                point[down] = price
        return self.project(point)

    def box(self, center: np.ndarray, delta: float) -> None:
        """Keep every coupling dual within ``delta`` of ``center`` (box-step).

        Each row gets two variables: one with coefficient +1 and cost
        ``center + delta`` (its reduced cost caps the dual from above) and one
        with −1 and cost ``delta − center`` (from below). Where the master's
        optimum lies outside the box they are positive and the master's value
        is not its optimum; once they are all zero it is.
        """
        lp = self.lp
        objective = lp.Objective()
        if not self._box:
            for r, row in enumerate(self.rows):
                above = lp.NumVar(0.0, self.inf, f"box_up_{r}")
                below = lp.NumVar(0.0, self.inf, f"box_down_{r}")
                row.SetCoefficient(above, 1.0)
                row.SetCoefficient(below, -1.0)
                self._box.append((above, below))
        for (above, below), c in zip(self._box, center, strict=True):
            objective.SetCoefficient(above, float(c) + delta)
            objective.SetCoefficient(below, delta - float(c))

    def boxed(self) -> bool:
        """Whether the last solve's optimum leans on the box (see :meth:`box`)."""
        return any(
            above.solution_value() > BOXED or below.solution_value() > BOXED
            for above, below in self._box
        )


#: Wentges smoothing: pricing uses this share of the duals that gave the best
#: bound so far plus the rest of the master's current duals. Rostering masters
#: are highly degenerate and their duals jump between rounds; smoothing keeps
#: the pricing near the best point found.
SMOOTHING = 0.7

#: Box-step stabilisation, used when column generation starts from known
#: prices (the subgradient's best): the master's duals are kept within
#: ``BOX`` of the best point so far, and the box grows by ``BOX_GROWTH``
#: whenever no schedule prices out while the box is in use. Shortfall
#: duals live in [0, 1] (a person short costs the shortfall weight, which
#: is the row's coefficient), so ``BOX`` is on that scale. 20 workers × 13
#: weeks, alone for 60 s (before the halfway pricing below): 1213 at 0.2,
#: 1141 at 0.05, 895 at 1, 905 at 5, against about 560 unstabilised (see
#: docs/benchmarks.md).
BOX = 0.2
BOX_GROWTH = 2.0


def column_generation(
    data: ProblemData,
    columns: Sequence[Schedule],
    time_limit: float,
    *,
    pricer: Pricer | None = None,
    stop: threading.Event | None = None,
    target: Callable[[], float] | None = None,
    on_bound: Callable[[int], None] | None = None,
    smoothing: float = SMOOTHING,
    start: tuple[np.ndarray, np.ndarray] | None = None,
    box: float = BOX,
    watch: Callable[[pywraplp.Solver], None] | None = None,
) -> ColumnGenerationResult:
    """Lower-bound the scenario's objective by column generation.

    The master starts from ``columns``, at least one schedule per worker that
    keeps every hard rule (see :func:`first_columns`); it is feasible from the
    first round because a shift's maximum may be passed at a price. Without
    ``start`` the pricing duals are smoothed (Wentges, ``smoothing``); with
    ``start``, the Lagrangian's prices (π, ρ) at a good point, the master's
    duals are kept in a box of half-width ``box`` around the best point so
    far, starting there. Stops when no schedule has a negative reduced cost
    (the master's optimum is then the bound), at ``time_limit`` seconds, when
    ``stop`` is set, or once the bound reaches ``target()`` (the best roster's
    objective). ``on_bound`` hears every improved bound; ``watch`` is given
    each master LP as it is stated, so that another thread may interrupt it
    (``InterruptSolve``) after setting ``stop``.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    pricer = pricer or Pricer(data)
    master = Master(data)
    for column in columns:
        master.add(column)
    best = -math.inf
    center: np.ndarray | None = None
    delta = box
    rounds = 0
    converged = False
    value = math.inf
    workers = range(len(data.workers))

    def stopped() -> bool:
        return stop is not None and stop.is_set()

    def solved() -> tuple[float, np.ndarray, np.ndarray] | None:
        nonlocal master
        for attempt in range(2):
            if attempt:
                # GLOP's incremental simplex can fail after many added columns:
                # state the master afresh with every column and solve that.
                restated = Master(data)
                for _, column in master.columns:
                    restated.add(column)
                master = restated
            if start is not None and center is not None:
                master.box(center, delta)
            if watch is not None:
                watch(master.lp)
            try:
                return master.solve()
            except RuntimeError:
                if stopped():
                    return None
                if attempt:
                    raise
        return None

    def priced(point: np.ndarray) -> tuple[float, list[tuple[float, Schedule]]] | None:
        """The bound at ``point`` and each worker's least-cost schedule there
        (None if stopped, or if some worker has no schedule keeping the hard rules)."""
        prices = master.prices(point)
        found = []
        for w in workers:
            if stopped():
                return None
            found.append(pricer.best(w, prices[w]))
        if not all(math.isfinite(v) for v, _ in found):
            return None
        return master.lagrangian(point, [v for v, _ in found]), found

    def improved(bound: float, point: np.ndarray) -> None:
        nonlocal best, center
        if bound > best:
            best, center = bound, point
            if on_bound is not None and math.isfinite(best):
                on_bound(round_up(best))

    def improving(
        found: list[tuple[float, Schedule]], duals: np.ndarray, mu: np.ndarray
    ) -> list[Schedule]:
        """The schedules that improve the master at its own duals."""
        fresh = []
        for w, (_, column) in enumerate(found):
            coef = master.coefficients(column)
            reduced = column.cost - sum(c * duals[r] for r, c in coef.items()) - mu[w]
            if reduced < -EPSILON:
                fresh.append(column)
        return fresh

    if start is not None:
        origin = master.duals_from(*start)
        first = priced(origin)
        if first is None:
            start = None  # price as without a start
        else:
            improved(first[0], origin)
    while True:
        got = solved()
        if got is None:
            break
        value, duals, mu = got
        rounds += 1
        fresh: list[Schedule] = []
        if start is not None:
            point = master.project(duals)
            result = priced(point)
            if result is None:
                break
            improved(result[0], point)
            fresh = improving(result[1], duals, mu)
            if center is not None and center is not point:
                # Also price halfway between the best point and the master's
                # duals: more columns a round where each master solve is the
                # cost (20 workers × 13 weeks, 40 s alone: 1140 against 1092).
                halfway = master.project(0.5 * (center + point))
                more = priced(halfway)
                if more is None:
                    break
                improved(more[0], halfway)
                fresh = distinct(fresh + improving(more[1], duals, mu))
            if not fresh and master.boxed():
                delta *= BOX_GROWTH  # the box holds the master back: widen it
            elif not fresh:
                converged = True
        else:
            alpha = smoothing if center is not None else 0.0
            while True:
                point = master.project(
                    duals if center is None else alpha * center + (1 - alpha) * duals
                )
                result = priced(point)
                if result is None:
                    break
                improved(result[0], point)
                fresh = improving(result[1], duals, mu)
                if fresh or alpha == 0.0:
                    break
                alpha = 0.0  # a mispricing: price at the master's own duals
            if result is None:
                break
            converged = not fresh
        if converged:
            if value > best:
                best = value
                if on_bound is not None:
                    on_bound(round_up(best))
            break
        if stopped():
            break
        for column in fresh:
            master.add(column)
        now = time.perf_counter()
        if now >= deadline:
            break
        if target is not None and round_up(best) >= target():
            break
    return ColumnGenerationResult(
        bound=round_up(best) if math.isfinite(best) else None,
        master=value,
        converged=converged,
        rounds=rounds,
        columns=len(master.columns),
        seconds=time.perf_counter() - started,
        schedules=tuple(column for _, column in master.columns),
    )


#: A dive step ends once this many rounds in a row lowered the master by
#: less than one unit of the objective in all.
DIVE_STALL = 5

#: A randomised dive fixes any worker whose largest weight is this close to the largest.
DIVE_SPREAD = 0.1


def dive(
    data: ProblemData,
    pricer: Pricer,
    columns: Sequence[Schedule],
    time_limit: float,
    *,
    stop: threading.Event | None = None,
    watch: Callable[[pywraplp.Solver], None] | None = None,
    rng: random.Random | None = None,
    pool: list[Schedule] | None = None,
    leave: int = 0,
    batch: int = 0,
    floor: float = -math.inf,
) -> list[Schedule] | None:
    """A roster from the master LP: one schedule per worker, fixed a few at a time.

    Column generation (priced at the master's duals, projected) runs over
    the workers not yet fixed, to convergence or as below; then each worker
    whose master solution is a single whole schedule is fixed to it, or, if
    none is, the worker whose largest schedule weight is largest. Where the
    master's bound is near the optimum its solution is nearly a roster, and
    this finds one that CP-SAT does not: benchmark instance 8, whose bound
    is 1297, gave rosters of 1304–1324 in 3 of 4 dives of 2–7 s (1408 in
    the fourth), where 60 s of search gives 1329–1529 (see
    docs/benchmarks.md). Re-converging after each fix matters: five rounds
    per fix gave 1512. Fixing single (worker, shift) cells instead took 263
    fixes and gave 1606.

    The master allows a shift's maximum to be passed at a price, so the
    roster may break that rule; the caller checks it. Returns None when
    stopped, out of ``time_limit`` seconds, or if a master LP fails.

    With ``rng``, a worker fixed without a whole schedule is drawn from those
    whose largest weight is within ``DIVE_SPREAD`` of the largest (so that
    repeated dives differ); every schedule priced on the way is appended to
    ``pool`` (so that the next dive starts from a richer master).

    With ``leave``, the dive stops once that many workers are left unfixed
    and returns the fixed workers' schedules only, for CP-SAT to
    complete: the last fixes are the dearest (benchmark instance 12, alone:
    45 of 60 workers fixed in 27 s, the rest of a full dive about 80 s
    more), and CP-SAT completes 15 workers to the optimum in seconds. With
    ``batch``, each step fixes at least ``unfixed // batch`` workers, the
    heaviest first (instance 12: 45 fixed in 27 s at 4, 72 s one at a time).

    A step's column generation ends before convergence once the master is
    within one unit of the objective of ``floor`` (a bound of the problem
    without fixes, which holds with them) or of the Lagrangian bound with
    the fixes, or once ``DIVE_STALL`` rounds in a row lowered it by less
    than one unit in all (instance 12, alone: the first dive in 15–18 s
    against 20–22 s; in the solve 13–14 s against 19–23 s).
    """
    deadline = time.perf_counter() + time_limit
    master = Master(data)
    for column in distinct(columns):
        master.add(column)
    workers = len(data.workers)
    fixed: dict[int, int] = {}  # worker → index of its column in the master
    # A fix only lowers bounds, so the last basis stays dual feasible and the
    # dual simplex goes on from it; after columns are added the primal one
    # does (instance 12: 0.1 s against 0.3 s a re-solve after a fix; the dual
    # simplex throughout was slower still after added columns).
    dual = False

    def stopped() -> bool:
        return (stop is not None and stop.is_set()) or time.perf_counter() >= deadline

    while workers - len(fixed) > leave:
        # Column generation over the workers not yet fixed, to convergence
        # or until the master is pinned by a bound or stalls.
        values: list[float] = []  # the master's value each round
        while True:
            if stopped():
                return None
            if watch is not None:
                watch(master.lp)
            master.lp.SetSolverSpecificParametersAsString(
                f"{MASTER_PARAMETERS} use_dual_simplex: {str(dual).lower()}"
            )
            dual = False
            try:
                value, duals, mu = master.solve()
            except RuntimeError:
                return None
            # Price at the projected duals, where the Lagrangian bound of the
            # problem with these fixes is valid; test the schedules at the
            # master's own duals, as column generation does.
            point = master.project(duals)
            prices = master.prices(point)
            fresh: list[Schedule] = []
            lowest: list[float] = []  # each worker's least priced cost
            for w in range(workers):
                if stopped():
                    return None
                if w in fixed:
                    column = master.columns[fixed[w]][1]
                    lowest.append(column.cost + float(prices[w][list(column.shifts)].sum()))
                    continue
                priced, column = pricer.best(w, prices[w])
                lowest.append(priced)
                coef = master.coefficients(column)
                reduced = column.cost - sum(c * duals[r] for r, c in coef.items()) - mu[w]
                if reduced < -EPSILON:
                    fresh.append(column)
            if not fresh:
                break
            # Every roster's objective is an integer: once the master is
            # within a unit of a bound of the problem with these fixes (its
            # Lagrangian bound, or ``floor``), more rounds can lower it by
            # less than any two rosters' objectives differ.
            if value < max(floor, master.lagrangian(point, lowest)) + 1.0:
                break
            # The same once the master has stalled: column generation's tail
            # lowers it by fractions a round.
            values.append(value)
            if len(values) > DIVE_STALL and values[-1 - DIVE_STALL] - value < 1.0:
                break
            for column in distinct(fresh):
                master.add(column)
            if pool is not None:
                pool.extend(fresh)
        # Each unfixed worker's column of largest weight.
        heaviest: dict[int, tuple[float, int]] = {}
        for i, (var, column) in enumerate(master.columns):
            w = column.worker
            if w not in fixed and var.solution_value() > heaviest.get(w, (-1.0, -1))[0]:
                heaviest[w] = (var.solution_value(), i)
        chosen = [(w, i) for w, (weight, i) in heaviest.items() if weight > 1.0 - BOXED]
        if not chosen:
            top = max(weight for weight, _ in heaviest.values())
            near = sorted(w for w, (weight, _) in heaviest.items() if weight >= top - DIVE_SPREAD)
            w = rng.choice(near) if rng is not None else max(near, key=lambda v: heaviest[v][0])
            chosen = [(w, heaviest[w][1])]
        least = (workers - len(fixed)) // batch if batch else 1
        if len(chosen) < least:
            taken = {w for w, _ in chosen}
            rest = sorted((w for w in heaviest if w not in taken), key=lambda v: -heaviest[v][0])
            chosen += [(w, heaviest[w][1]) for w in rest[: least - len(chosen)]]
        # exactly ``leave`` workers stay free, even where more are whole
        chosen = sorted(chosen, key=lambda c: -heaviest[c[0]][0])[: workers - leave - len(fixed)]
        for w, i in chosen:
            fixed[w] = i
            for j, (var, column) in enumerate(master.columns):
                if column.worker == w and j != i:
                    var.SetUb(0.0)
        dual = True
    return [master.columns[i][1] for w, i in sorted(fixed.items())]


def first_columns(data: ProblemData, pricer: Pricer) -> list[Schedule]:
    """Each worker's cheapest schedule on its own terms (no prices): a start for the master."""
    zero = np.zeros(len(data.shifts))
    return [pricer.best(w, zero)[1] for w in range(len(data.workers))]


def round_up(value: float) -> int:
    """A bound on an integer objective: ``value`` less a tolerance, rounded up.

    Every objective coefficient and variable is an integer, so any lower
    bound may be rounded up; the tolerance covers GLOP's and float sums'
    error. −∞ (no bound yet) maps to a very negative integer.
    """
    if value == -math.inf:
        return -(2**62)
    return math.ceil(value - TOLERANCE * max(1.0, abs(value)))
