"""A Lagrangian lower bound: every worker's whole schedule, priced exactly.

The CP-SAT model's LP relaxation lets each worker take fractions of shifts
that no schedule could combine (half a shift here and half there escapes a
soft minimum run; a wanted day is "half worked" for free), so on programmes
whose cost is mostly per-worker rules that LP is far below every roster. Here
the coupling between workers — each shift's headcount, and the totals that
fairness and agency share compare — is priced instead of imposed:

    L(π) = Σ_workers min over whole schedules (own cost − Σ π_shift · worked + …)
         + Σ_shifts  min over headcounts n (coverage penalty(n) + π_shift · n)
         + the same for fairness and agency totals.

For *any* prices π this is a lower bound on every roster's objective, and
its best value over π is the bound of the Dantzig–Wolfe decomposition with
one block per worker (never weaker than the LP relaxation, and much stronger
where per-worker rules make the cost). Each worker's minimum is exact
(:class:`~optimizer.solver.pricing.Pricer`, a dynamic programme over days),
each other minimum is over a small range of integers, and the prices are
improved by subgradient steps, so the loop can stop at any time with the best
bound it has seen.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from optimizer.check import check
from optimizer.data import ProblemData
from optimizer.roster import Assignment
from optimizer.solver.colgen import (
    column_generation,
    deviation_terms,
    dive,
    first_columns,
    round_up,
)
from optimizer.solver.pricing import Pricer, Schedule, Unsupported, distinct


@dataclass
class LagrangianResult:
    """What the Lagrangian loop established."""

    #: Best lower bound on the objective of any roster (an integer).
    bound: int
    iterations: int
    seconds: float
    #: Each worker's cheapest schedule at the prices that gave the bound.
    schedules: list[Schedule]
    #: The prices (π by shift, ρ by total) that gave the bound; None if none did.
    prices: tuple[np.ndarray, np.ndarray] | None = None
    #: The distinct schedules priced in the last ``RECENT_STEPS`` steps.
    recent: list[Schedule] = field(default_factory=list)


class _Total:
    """A term ``weight × penalty(total)`` whose total is a sum over schedules.

    ``candidates`` are the totals at which ``penalty + price × total`` can be
    least (the ends of each constant piece of the penalty, and the range's
    ends); ``values`` the penalty there.
    """

    def __init__(self, candidates: np.ndarray, values: np.ndarray) -> None:
        self.candidates = candidates.astype(np.float64)
        self.values = values.astype(np.float64)

    def least(self, price: float) -> tuple[float, float]:
        """min over totals t of penalty(t) + price·t, and the t attaining it."""
        cost = self.values + price * self.candidates
        k = int(np.argmin(cost))
        return float(cost[k]), float(self.candidates[k])


def _deviation_term(weight: int, target: int, unit: int, upper: int) -> _Total:
    """``weight × ceil(|t − target| / unit)`` for integer t in [0, upper]."""
    upper = max(upper, 0)
    points = {0, upper}
    k = 0
    while True:
        lo, hi = target - unit * k, target + unit * k
        if lo < 0 and hi > upper:
            break
        for p in (lo, lo - 1, hi, hi + 1):
            if 0 <= p <= upper:
                points.add(p)
        k += 1
    cand = np.array(sorted(points), dtype=np.int64)
    values = weight * np.ceil(np.abs(cand - target) / unit)
    return _Total(cand, values)


class Lagrangian:
    """The Lagrangian function of a scenario, and its subgradient ascent."""

    def __init__(self, data: ProblemData, pricer: Pricer | None = None) -> None:
        self.data = data
        self.pricer = pricer or Pricer(data)
        shifts = data.shifts
        weights = data.scenario.weights
        eligible_count = np.zeros(len(shifts), dtype=np.int64)
        for w in range(len(data.workers)):
            eligible_count[list(data.eligible[w])] += 1
        # coverage: penalty(n) for n = 0 … top, +inf above the shift's maximum
        top = int(eligible_count.max()) if len(shifts) else 0
        n = np.arange(top + 1, dtype=np.float64)
        table = np.full((len(shifts), top + 1), np.inf)
        for i, sh in enumerate(shifts):
            hi = int(eligible_count[i]) if sh.max is None else min(sh.max, int(eligible_count[i]))
            k = n[: hi + 1]
            table[i, : hi + 1] = (
                sh.under_weight * np.maximum(0, sh.required - k)
                + weights.below_target * np.maximum(0, sh.target - np.maximum(k, sh.required))
                + sh.over_weight * np.maximum(0, k - sh.target)
            )
        self._cover = table
        self._n = n
        # fairness and agency totals: (term, workers, per-shift amount, unit);
        # a total over one schedule is at most a day's largest amount every day
        self.totals: list[tuple[_Total, tuple[int, ...], np.ndarray, float]] = []
        day_of = np.fromiter((sh.day for sh in shifts), dtype=np.int64, count=len(shifts))
        open_to = [np.asarray(data.eligible[w], dtype=np.int64) for w in range(len(data.workers))]
        for t in deviation_terms(data):
            upper = 0
            for w in t.workers:
                largest = np.zeros(data.num_days)
                np.maximum.at(largest, day_of[open_to[w]], t.amount[open_to[w]])
                upper += int(largest.sum())
            term = _deviation_term(t.weight, t.target, t.unit, upper)
            self.totals.append((term, t.workers, t.amount, float(t.unit)))

    def evaluate(
        self, pi: np.ndarray, rho: np.ndarray
    ) -> tuple[float, list[Schedule], np.ndarray, np.ndarray]:
        """L(π, ρ), each worker's schedule there, and the subgradient (by π, by ρ).

        ``pi[i]`` prices a person on shift ``i``; ``rho[k]`` prices one unit
        (hour, or shift of a category) of total ``k`` of :attr:`totals`.
        """
        data = self.data
        value = 0.0
        # coverage: min over headcounts of penalty(n) + π n
        cover = self._cover + np.outer(pi, self._n)
        best_n = np.argmin(cover, axis=1)
        value += float(cover[np.arange(len(pi)), best_n].sum())
        # totals: min over the total of penalty(t) + ρ t (t in units)
        chosen_t = np.zeros(len(self.totals))
        price = [np.array(-pi) for _ in data.workers]
        for k, (term, members, amount, unit) in enumerate(self.totals):
            v, t = term.least(rho[k] / unit)
            value += v
            chosen_t[k] = t / unit
            for w in members:
                price[w] = price[w] - (rho[k] / unit) * amount
        schedules = []
        for w in range(len(data.workers)):
            v, schedule = self.pricer.best(w, price[w])
            value += v
            schedules.append(schedule)
        # subgradient: relaxed (copy − sum over schedules)
        staffed = np.zeros(len(pi))
        for schedule in schedules:
            staffed[list(schedule.shifts)] += 1
        g_pi = best_n.astype(np.float64) - staffed
        g_rho = chosen_t.copy()
        for k, (_, members, amount, unit) in enumerate(self.totals):
            for w in members:
                g_rho[k] -= float(amount[list(schedules[w].shifts)].sum()) / unit
        return value, schedules, g_pi, g_rho


#: Polyak step scale at the start, and how it shrinks when the bound stalls.
#: The steps aim at the best roster's objective, so a good roster makes them
#: short; at 1 the plateau rule ended them early (80 workers × 52 weeks:
#: about 52900 against 71400 at 2; see docs/benchmarks.md).
STEP_START = 2.0
STEP_SHRINK = 0.5
#: Iterations without a better bound before the step shrinks.
STALL = 10

#: Steps whose schedules start the column generation master: the schedules
#: priced near the best prices let the boxed master's duals find good points
#: sooner. 40 workers × 13 weeks, 30 s alone after the subgradient: the bound
#: first rose at 11.7 s (19.1 s with only the best step's schedules) and
#: reached 6232 (6191); 20 × 13: 871 at 10.5 s (784), 1067 at 30 s (1040);
#: every step's (3,293 schedules there): 1053.
RECENT_STEPS = 200


#: The loop ends once its bound has gained less than this share over the
#: last ``PLATEAU_SECONDS`` and ``PLATEAU_STEPS`` steps: subgradient ascent
#: creeps towards its optimum, and the cores are worth more to the search by
#: then. The steps count too because beside the search a step can take
#: seconds (80 workers × 52 weeks): judged by time alone, the loop ended
#: after a handful of steps at about 58000, where 30 steps give about 71800.
PLATEAU_GAIN = 0.01
PLATEAU_SECONDS = 5.0
PLATEAU_STEPS = 30


def lagrangian_bound(
    data: ProblemData,
    upper: float | Callable[[], float],
    time_limit: float,
    *,
    lagrangian: Lagrangian | None = None,
    stop: threading.Event | None = None,
    on_bound: Callable[[int], None] | None = None,
    plateau: float | None = PLATEAU_SECONDS,
) -> LagrangianResult:
    """Maximise the Lagrangian by subgradient steps; return the best bound seen.

    ``upper`` is the objective of a roster (or a function giving the best
    one so far): Polyak steps aim at it, and the loop stops once the bound
    reaches it. Stops at ``time_limit`` seconds, when ``stop`` is set, or once
    the bound has stopped gaining (``plateau`` seconds and ``PLATEAU_STEPS``
    steps with a gain under ``PLATEAU_GAIN``; None: never). ``on_bound``
    hears every improved bound.
    """
    started = time.perf_counter()
    lag = lagrangian or Lagrangian(data)
    if callable(upper):
        ceiling = upper
    else:
        fixed = float(upper)

        def ceiling() -> float:
            return fixed

    pi = np.zeros(len(data.shifts))
    rho = np.zeros(len(lag.totals))
    best = -math.inf
    best_schedules: list[Schedule] = []
    best_prices: tuple[np.ndarray, np.ndarray] | None = None
    theta = STEP_START
    since = 0
    it = 0
    # (time, best bound, step), from the last one at least ``plateau`` seconds
    # and PLATEAU_STEPS steps old
    history: deque[tuple[float, float, int]] = deque()
    steps: deque[list[Schedule]] = deque(maxlen=RECENT_STEPS)
    while True:
        it += 1
        value, schedules, g_pi, g_rho = lag.evaluate(pi, rho)
        steps.append(schedules)
        now = time.perf_counter() - started
        if not math.isfinite(value):
            break  # some worker has no schedule that keeps the hard rules
        if value > best + 1e-9:
            if round_up(value) > round_up(best) and on_bound is not None:
                on_bound(round_up(value))
            best, best_schedules, since = value, schedules, 0
            best_prices = (pi, rho)
        else:
            since += 1
            if since >= STALL:
                theta *= STEP_SHRINK
                since = 0
        history.append((now, best, it))
        while (
            plateau is not None
            and len(history) > 1
            and history[1][0] <= now - plateau
            and history[1][2] <= it - PLATEAU_STEPS
        ):
            history.popleft()
        target = ceiling()
        if round_up(best) >= target:
            break
        if now >= time_limit or (stop is not None and stop.is_set()):
            break
        settled = (
            plateau is not None
            and history[0][0] <= now - plateau
            and history[0][2] <= it - PLATEAU_STEPS
        )
        if settled and best - history[0][1] < PLATEAU_GAIN * max(abs(best), 1.0):
            break
        norm = float(g_pi @ g_pi + g_rho @ g_rho)
        if norm == 0:
            break  # the schedules meet every relaxed constraint: L is optimal
        step = theta * max(target - value, 1e-6) / norm
        pi = pi + step * g_pi
        rho = rho + step * g_rho
    return LagrangianResult(
        bound=max(round_up(best), 0),
        iterations=it,
        seconds=time.perf_counter() - started,
        schedules=best_schedules,
        prices=best_prices,
        recent=distinct(s for step in steps for s in step),
    )


class BackgroundLagrangian:
    """The decomposition bound computed in a thread while the search goes on.

    First subgradient ascent on the Lagrangian (:func:`lagrangian_bound`),
    which reaches a strong bound fast where workers' own rules make the cost
    (40 workers × 13 weeks of the scaling benchmark: about 5700 in 13 s,
    where the LP relaxation gives 3668); then column generation
    (:func:`~optimizer.solver.colgen.column_generation`), started from each
    worker's cheapest own schedule and the schedules of the subgradient's
    last steps, with the master's duals boxed around its best prices. Its
    master LP finds the prices subgradient steps do not: where shifts
    compete for too few workers (12 workers × 4 weeks: 2505, converged in
    2 s, where the subgradient stalls at about 300) and where the steps
    shrink to nothing (20 workers × 13 weeks: the subgradient stops at about
    730, column generation converges to 1243). It runs until it converges, reaches the
    best roster's objective or the solve ends. Unstabilised, it was still
    far below the subgradient's bound when it gave up after 10 s at 20, 40
    and 80 workers × 13 weeks; boxed, it took 14 s beside the search to pass
    it at 40 × 13. It holds a core while it runs, also where it gains
    nothing within the limit (40 × 52: 5 rounds in 28 s); no rule to stop it
    there that spared 40 × 13 was found (see docs/benchmarks.md). While its
    bound is near the roster the search leaves it that core
    (:func:`optimizer.solver.block_threads`).

    With ``dive``, there is no subgradient: column generation starts at
    once from each worker's cheapest schedule, its duals smoothed (where
    workers carry horizon totals it converges in seconds), and once it has
    converged the decomposition dives for rosters
    (:func:`~optimizer.solver.colgen.dive`) until the time is up, unless less
    time is left than ``DIVE_TIME_FACTOR`` times that convergence took. A
    dive fixes all workers but ``DIVE_LEAVE`` of them and hands them over
    (:meth:`take_partial`) for the search to complete with CP-SAT, waiting
    for the verdict (:meth:`completed`); with fewer than four workers it
    fixes all, and the best roster that keeps every rule by the checker and
    beats ``upper()`` is offered as :attr:`roster`.

    The pricing programme is compiled in the thread too (it is Python and
    holds the interpreter lock); a scenario whose programme would try more
    than ``BUILD_BUDGET`` (state, option) pairs to compile (horizon totals
    in the state on large instances), or that the programme cannot state,
    gives no bound.
    """

    def __init__(
        self,
        data: ProblemData,
        upper: Callable[[], float],
        time_limit: float,
        *,
        dive: bool = False,
    ) -> None:
        self._data = data
        self._upper = upper
        self._time_limit = time_limit
        self._dive = dive
        self._build_budget = BUILD_BUDGET
        self._roster: tuple[int, tuple[tuple[int, int], ...]] | None = None
        self._dived = 0
        self._bound = 0
        self._partial: tuple[tuple[tuple[int, int], ...], frozenset[int]] | None = None
        self._completed = threading.Event()
        self._better = False
        self._stop = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._lp: pywraplp.Solver | None = None
        self._thread = threading.Thread(target=self._run, name="lagrangian", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            try:
                pricer = Pricer(self._data, budget=self._build_budget, stop=self._stop)
            except Unsupported:
                return
            left = self._time_limit - (time.perf_counter() - started)
            if left <= 0 or self._stop.is_set():
                return
            start: tuple[np.ndarray, np.ndarray] | None = None
            if self._dive:
                # Where it dives, column generation starts from the cheapest
                # schedules alone, its duals smoothed: it converges sooner than
                # after 3 s of subgradient steps aimed at a roster twice the
                # optimum, as beside a search (benchmark instances, alone: 8 in
                # 3.1 s against 5.3 s, 7 1.2 s against 4.4 s, 9 1.8 s against
                # 3.5 s, 12 9.9-13.4 s against 14.0-14.1 s), and the dives start
                # that much sooner.
                first = first_columns(self._data, pricer)
            else:
                # The subgradient's bound comes within seconds where column
                # generation, unstabilised, takes minutes (see the class's
                # docstring); its prices then centre the master's box.
                result = lagrangian_bound(
                    self._data,
                    self._upper,
                    left,
                    lagrangian=Lagrangian(self._data, pricer),
                    stop=self._stop,
                    on_bound=self._record,
                )
                left = self._time_limit - (time.perf_counter() - started)
                if left <= 0 or self._stop.is_set() or not result.schedules:
                    return
                if self._bound >= self._upper():
                    return
                # The master starts from each worker's cheapest schedule on
                # its own terms and the schedules of the subgradient's last
                # steps, not all of them (the thousands of schedules priced
                # on the way slow every master solve: 20 workers × 4 weeks,
                # 14 rounds in 10 s against 60).
                first = distinct(
                    first_columns(self._data, pricer) + result.schedules + result.recent
                )
                start = result.prices
            master = column_generation(
                self._data,
                first,
                left,
                pricer=pricer,
                stop=self._stop,
                target=self._upper,
                on_bound=self._record,
                start=start,
                watch=self._watch,
            )
            left = self._time_limit - (time.perf_counter() - started)
            if not self._dive or not master.converged or left <= 0 or self._stop.is_set():
                return
            if self._bound >= self._upper():
                return  # the roster is optimal already
            if left < DIVE_TIME_FACTOR * master.seconds:
                return  # no dive would end in time: the search gets its core back
            self._dives(pricer, master.schedules, started)
        finally:
            self._done.set()

    def _dives(self, pricer: Pricer, columns: tuple[Schedule, ...], started: float) -> None:
        """Dive again and again until the time is up, offering every better roster.

        One dive's roster is a lottery: on benchmark instance 8 five dives
        from one converged master gave 1408, 1406, 1509, 1303 and 1401. The
        first dive follows the master's largest weights; later ones draw
        among near-largest (``rng``), each from every schedule priced so far.
        Each dive leaves the last ``DIVE_LEAVE`` of the workers to CP-SAT,
        which completes the roster in the search's thread: the last fixes
        are a dive's dearest, and CP-SAT finds the last workers' schedules
        that fit the others' (instance 12: 45 of 60 workers fixed at the
        master's optimum in 17–27 s, completed to the optimum 4040 in
        5–10 s). After ``DIVE_PATIENCE`` dives in a row with nothing better
        than the search's roster the thread ends and gives the search its core back:
        on instance 5, where dives of half a second give rosters the search
        beats, dives all minute slowed CP-SAT's proof from 18–20 s to 22–60 s
        and more. On 8 the good dives come among poor ones, and five in a
        row take most of a minute. No dive starts with less time left than
        the last dive took with its completion: on 12 a second dive started
        at 44–57 s never gave a roster in twelve runs, and its completion took
        the search's threads from the roster the first one gave
        (4142 / 4063 / 4040 without it, against 4246 / 4251 / 4262).
        """
        pool = list(columns)
        rng = random.Random(0)
        leave = int(DIVE_LEAVE * len(self._data.workers))
        idle = 0  # dives in a row that found nothing better
        cycle = 0.0  # seconds the last dive took, with its completion
        while not self._stop.is_set() and self._bound < self._upper() and idle < DIVE_PATIENCE:
            left = self._time_limit - (time.perf_counter() - started)
            if left <= cycle:
                # Another dive would not end in time: the search has its
                # threads back for its own blocks, which improve a
                # completed dive's roster quickly where a completion cut
                # short by the deadline gives nothing.
                return
            begun = time.perf_counter()
            found = dive(
                self._data,
                pricer,
                distinct(pool),
                left,
                stop=self._stop,
                watch=self._watch,
                rng=rng if self._dived else None,  # the first dive follows the weights
                pool=pool,
                leave=leave,
                batch=DIVE_BATCH,
                floor=self._bound,
            )
            if found is None:
                return
            self._dived += 1
            if len(found) == len(self._data.workers):
                better: bool | None = self._offer(found)
            else:
                better = self._hand_over(found)
                if better is None:
                    return
            idle = 0 if better else idle + 1
            cycle = time.perf_counter() - begun

    def _offer(self, schedules: list[Schedule]) -> bool:
        """Keep the dive's roster if it keeps every rule and beats the best so far."""
        data = self._data
        cells = tuple((c.worker, s) for c in schedules for s in c.shifts)
        report = check(data, [Assignment(data.shifts[s].id, data.workers[w].id) for w, s in cells])
        if not report.ok or report.objective >= self._upper():
            return False
        with self._lock:
            if self._roster is not None and report.objective >= self._roster[0]:
                return False
            self._roster = (report.objective, cells)
        return True

    def _hand_over(self, schedules: list[Schedule]) -> bool | None:
        """Offer a partial dive for the search to complete; wait for its verdict.

        The thread waits idle meanwhile, so that CP-SAT has both cores for
        the completion. Returns whether the completed roster beat the
        search's, or None if stopped first.
        """
        cells = tuple((c.worker, s) for c in schedules for s in c.shifts)
        workers = frozenset(c.worker for c in schedules)
        with self._lock:
            self._completed.clear()
            self._partial = (cells, workers)
        while not self._completed.wait(0.05):
            if self._stop.is_set():
                return None
        return self._better

    def _record(self, bound: int) -> None:
        self._bound = max(self._bound, bound)

    def _watch(self, lp: pywraplp.Solver) -> None:
        with self._lock:
            self._lp = lp
        if self._stop.is_set():
            lp.InterruptSolve()

    @property
    def bound(self) -> float:
        """The best bound so far (0 before the first; every objective term is ≥ 0)."""
        return float(self._bound)

    @property
    def roster(self) -> tuple[int, tuple[tuple[int, int], ...]] | None:
        """The dive's roster, if it found one better than the best when it ended:
        its objective and its (worker, shift) cells, by index."""
        return self._roster

    def take(self, below: float = math.inf) -> tuple[int, tuple[tuple[int, int], ...]] | None:
        """The dive's roster (as :attr:`roster`) if its objective is under ``below``,
        handed over once: later calls give None until a dive offers another."""
        with self._lock:
            roster = self._roster
            if roster is None or roster[0] >= below:
                return None
            self._roster = None
        return roster

    def take_partial(self) -> tuple[tuple[tuple[int, int], ...], frozenset[int]] | None:
        """A partial dive roster to complete, handed over once: its (worker,
        shift) cells and the workers it fixes (every other worker is free).
        The caller must report the outcome with :meth:`completed`."""
        with self._lock:
            partial, self._partial = self._partial, None
        return partial

    def completed(self, better: bool) -> None:
        """Report whether the completion of :meth:`take_partial`'s roster
        beat the search's roster; the dives go on."""
        self._better = better
        self._completed.set()

    @property
    def dives(self) -> int:
        """How many dives have ended with a roster (better or not)."""
        return self._dived

    @property
    def pending(self) -> bool:
        """True while a partial dive waits to be taken (:meth:`take_partial`)."""
        return self._partial is not None

    @property
    def diving(self) -> bool:
        """True while a decomposition that dives is still running."""
        return self._dive and not self._done.is_set()

    @property
    def done(self) -> bool:
        """True once both loops have ended (converged, stalled, out of time or cancelled)."""
        return self._done.is_set()

    def cancel(self) -> None:
        """Stop the loops (interrupting a master LP being solved) and wait for the thread."""
        self._stop.set()
        while not self._done.wait(0.05):
            with self._lock:
                if self._lp is not None:
                    self._lp.InterruptSolve()
        self._thread.join()


#: Dives in a row that find nothing better than the search before the dives end.
DIVE_PATIENCE = 5


#: A dive re-converges column generation after every step of fixes, so it
#: takes about as long as the first convergence or longer (benchmark
#: instance 12, fixing a quarter of the workers left at each step and
#: leaving the last quarter to CP-SAT: 17–27 s beside the search after
#: 11–12 s to converge); with less time left than this many times the first
#: convergence, the decomposition does not dive. Whole dives fixing one
#: worker at a time took 3 to 8 times as long (instance 12: about 110 s
#: alone), and the factor was 3.
DIVE_TIME_FACTOR = 1.0


#: The share of the workers a dive leaves unfixed, for CP-SAT to complete
#: (:meth:`BackgroundLagrangian.take_partial`).
DIVE_LEAVE = 0.25


#: Each dive step fixes at least this fraction (1 / DIVE_BATCH) of the
#: workers left (see :func:`~optimizer.solver.colgen.dive`).
DIVE_BATCH = 4


#: The most (state, option) pairs the pricing programme may try while it
#: compiles in the background (see :class:`~optimizer.solver.pricing.Pricer`).
#: Benchmark instances 8 and 9 try 1.8 million, 11 0.9 million, 12 7.4
#: million and 10 9.5 million (3.5 s alone, 6–10 s beside the search); the
#: programmes of the scaling benchmark and the Windsor scenarios try at most
#: 0.15 million. The budget bounds the compile's time and memory on
#: scenarios with wider horizon totals than any of these.
BUILD_BUDGET = 12_000_000
