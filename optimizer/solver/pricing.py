"""One worker's cheapest schedule under given shift prices: an exact dynamic programme.

Column generation (:mod:`optimizer.solver.colgen`) needs, for each worker, the
schedule of least *reduced cost*: the worker's own objective terms (soft
rules broken, preferences) plus a price per shift that the master LP's duals
set. Every per-worker rule of the scenario model is a rule over a sequence of
days, so the cheapest schedule is a shortest path through the days whose state
holds what the rules need to remember: yesterday's shift (rest, successions),
the current run of working days or days off and whether it began on the
first day (run lengths, boundary exemptions), this week's minutes and shifts,
the recent weekends worked, and horizon totals (hours, weekends, shifts of a
capped type). States that agree on all of these are merged, so the programme
is exact — it returns the cheapest schedule, not a good one — and its size
depends on the rules, not on the prices.

The checker (:mod:`optimizer.check`) is the specification: for every
schedule the programme can return, its cost equals the checker's penalties
for that worker, and a hard rule is never broken (tests compare the two, and
compare the programme with brute force on small horizons).

The day-to-day transitions depend only on the day's *shape* (its shifts'
lengths and types, which shifts conflict with yesterday's, where the day sits
in its week and weekend) and on the states reaching it, so they are compiled
once per shape and state set and shared across days and workers with the
same limits: a 13-week horizon has a handful of day shapes. Pricing is then
a few NumPy operations per day.

Scenarios the programme cannot state exactly raise :class:`Unsupported`:
more than one shift a day allowed, or two shifts more than a day apart that
conflict (overlap or too little rest).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.data import Limits, ProblemData
from optimizer.scenario import Mode, Rule


class Unsupported(ValueError):
    """The scenario has a rule the dynamic programme does not state exactly."""


@dataclass(frozen=True)
class Schedule:
    """A worker's schedule: shift indices and the worker's own objective terms."""

    worker: int
    shifts: tuple[int, ...]
    cost: int


def distinct(schedules: Iterable[Schedule]) -> list[Schedule]:
    """Each schedule once (the same worker and shifts), in first-seen order."""
    return list({(s.worker, s.shifts): s for s in schedules}.values())


@dataclass(frozen=True)
class _Penalty:
    """How a rule is enforced for the programme: pruned (hard) or weighted (soft)."""

    active: bool
    hard: bool
    weight: int

    @staticmethod
    def of(rule: Rule, value: object) -> _Penalty:
        on = value is not None and rule.mode is not Mode.OFF
        return _Penalty(on, rule.mode is Mode.HARD, rule.weight)


@dataclass(frozen=True)
class _Rules:
    """A worker's limits with each rule's enforcement: the key of a compiled programme.

    A limit whose rule does not apply is 0 (its penalty is inactive).
    """

    max_week_minutes: int
    min_week_minutes: int
    max_shifts_week: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    weekends_window_max: int
    weekends_horizon_max: int
    max_total_minutes: int
    min_total_minutes: int
    window_weeks: int
    max_week: _Penalty
    min_week: _Penalty
    max_shifts: _Penalty
    max_run: _Penalty
    min_run: _Penalty
    min_off: _Penalty
    run_exempt: bool
    off_exempt: bool
    weekends: _Penalty
    weekends_horizon: _Penalty
    max_total: _Penalty
    min_total: _Penalty
    types: _Penalty
    caps: tuple[tuple[str, int], ...]
    #: The shortest shift of each capped type, in ``caps``' order.
    cap_minutes: tuple[int, ...] = ()


def _binding_caps(data: ProblemData, lim: Limits) -> tuple[tuple[str, int], ...]:
    """The per-type caps that can bind, each carried in the programme's state.

    A cap at least the number of days offering its type cannot be reached
    with one shift a day, and a hard cap of 0 is already kept by eligibility
    (the worker is offered no such shift); carrying either would multiply the
    states by its range for nothing (Curtois instance 8: a cap of 28 on a
    28-day horizon made 220 000 states of a day).
    """
    hard = data.scenario.rules.max_shifts_of_type.mode is Mode.HARD
    days: dict[str, int] = {}
    for d in range(data.num_days):
        for cov in {data.shifts[s].coverage_id for s in data.shifts_by_day[d]}:
            days[cov] = days.get(cov, 0) + 1
    return tuple(
        sorted(
            (cov, cap)
            for cov, cap in lim.max_shifts_of.items()
            if cap < days.get(cov, 0) and not (cap == 0 and hard)
        )
    )


def _rules(data: ProblemData, lim: Limits) -> _Rules:
    r = data.scenario.rules
    caps = _binding_caps(data, lim)
    shortest: dict[str, int] = {}
    for s, shift in enumerate(data.shifts):
        cov = shift.coverage_id
        shortest[cov] = min(shortest.get(cov, data.minutes[s]), data.minutes[s])
    return _Rules(
        max_week_minutes=lim.max_week_minutes or 0,
        min_week_minutes=lim.min_week_minutes or 0,
        max_shifts_week=lim.max_shifts_week or 0,
        max_consecutive=lim.max_consecutive_days or 0,
        min_consecutive=lim.min_consecutive_days or 0,
        min_days_off=lim.min_consecutive_days_off or 0,
        weekends_window_max=lim.max_weekends_window or 0,
        weekends_horizon_max=lim.max_weekends_horizon or 0,
        max_total_minutes=lim.max_total_minutes or 0,
        min_total_minutes=lim.min_total_minutes or 0,
        window_weeks=r.max_weekends.window_weeks,
        max_week=_Penalty.of(r.max_hours_per_week, lim.max_week_minutes),
        min_week=_Penalty.of(r.min_hours_per_week, lim.min_week_minutes or None),
        max_shifts=_Penalty.of(r.max_shifts_per_week, lim.max_shifts_week),
        max_run=_Penalty.of(r.max_consecutive_days, lim.max_consecutive_days),
        min_run=_Penalty.of(r.min_consecutive_days, lim.min_consecutive_days or None),
        min_off=_Penalty.of(r.min_consecutive_days_off, lim.min_consecutive_days_off or None),
        run_exempt=r.min_consecutive_days.boundary == "exempt",
        off_exempt=r.min_consecutive_days_off.boundary == "exempt",
        weekends=_Penalty.of(r.max_weekends, lim.max_weekends_window),
        weekends_horizon=_Penalty.of(r.max_weekends_in_horizon, lim.max_weekends_horizon),
        max_total=_Penalty.of(r.total_hours, lim.max_total_minutes),
        min_total=_Penalty.of(r.total_hours, lim.min_total_minutes or None),
        types=_Penalty.of(r.max_shifts_of_type, caps or None),
        caps=caps,
        cap_minutes=tuple(max(shortest.get(cov, 0), 1) for cov, _ in caps),
    )


@dataclass(frozen=True)
class _Shape:
    """What a day's transitions depend on (prices aside).

    ``options``: (minutes, coverage id) of each shift the worker may take that
    day, in order; option 0 (not listed) is the day off. ``conflicts``:
    (yesterday's option, today's option, hard, penalty) for pairs that break
    rest, overlap or succession rules.
    """

    options: tuple[tuple[int, str], ...]
    conflicts: tuple[tuple[int, int, bool, int], ...]
    week_end: bool
    week_full: bool
    weekend_day: bool
    #: Lengths of the rolling weekend windows that end with this day's weekend,
    #: when this is its last day in the horizon; None otherwise.
    windows: tuple[int, ...] | None
    last: bool
    #: The most minutes the worker can still work after this day, when a hard
    #: minimum total makes it prune states that can no longer reach it; −1
    #: otherwise (so that days and workers share compiled steps).
    reach: int = -1


@dataclass
class _Step:
    """Compiled transitions of one day: from state, option, fixed cost, to state.

    Transitions are sorted by their target so that a day's best costs are one
    ``np.minimum.reduceat``; ``starts`` are the segment starts per target.
    """

    source: np.ndarray
    option: np.ndarray
    fixed: np.ndarray
    starts: np.ndarray
    target_states: int
    out: int  # id of the target state list


# State fields (all ints; unused fields stay 0): yesterday's option (0 = off),
# the run (+k working days, −k days off, 0 before day 0), whether that run
# began on day 0, this week's minutes and shifts, the last weekends worked
# (bit 0 the latest), whether the current weekend is worked, weekends worked
# in the horizon, minutes worked in the horizon.
PREV, RUN, FIRST, WMIN, WCNT, BITS, CUR, HWK, TOTAL = range(9)
_TYPES = 9  # counts of capped shift types follow


class _Budget:
    """What is left of a compile budget, in state–option pairs tried, and
    whether the compile has been asked to stop."""

    def __init__(self, moves: int | None, stop: threading.Event | None) -> None:
        self.left = moves
        self.stop = stop

    def spend(self, moves: int) -> None:
        """Take ``moves`` from the budget, or raise :class:`Unsupported` if they exceed it."""
        if self.left is None:
            return
        if moves > self.left:
            raise Unsupported("the dynamic programme has more states than its compile budget")
        self.left -= moves

    def check(self) -> None:
        """Raise :class:`Unsupported` if the compile has been asked to stop."""
        if self.stop is not None and self.stop.is_set():
            raise Unsupported("the dynamic programme's compile was stopped")


class _Compiler:
    """Compiles day shapes into transitions for one set of rules (shared by workers).

    A day's states are the rows of an integer array (one column per state
    field) and each rule is a few array operations over all of them at once,
    one option at a time: a day of Curtois instance 10 moves a few hundred
    thousand states, which a loop over states in Python takes seconds to do.
    """

    def __init__(self, rules: _Rules, track_prev: bool) -> None:
        self.r = rules
        self.track_prev = track_prev
        self.cap_index = {cov: i for i, (cov, _) in enumerate(rules.caps)}
        self.fields = _TYPES + len(rules.caps)
        #: Each state list's states, one per row, in sorted (canonical) order.
        self.state_lists: list[np.ndarray] = []
        self._list_id: dict[bytes, int] = {}
        self._steps: dict[tuple[_Shape, int], _Step] = {}
        r = rules
        self.run_cap = max(
            r.max_consecutive if r.max_run.active else 0,
            r.min_consecutive if r.min_run.active else 0,
            1,
        )
        self.off_cap = max(r.min_days_off if r.min_off.active else 0, 1)
        self.track_runs = r.max_run.active or r.min_run.active or r.min_off.active

    def initial(self) -> int:
        return self.intern(np.zeros((1, self.fields), dtype=np.int64))

    def intern(self, states: np.ndarray) -> int:
        """The id of a state list (rows in canonical order), added if new."""
        key = states.tobytes()
        got = self._list_id.get(key)
        if got is None:
            got = self._list_id[key] = len(self.state_lists)
            self.state_lists.append(states)
        return got

    def step(self, shape: _Shape, list_id: int, budget: _Budget) -> _Step:
        """The transitions of a day of ``shape`` from state list ``list_id`` (compiled once).

        Raises :class:`Unsupported` if compiling would spend more than is left
        of ``budget``, or once the budget's stop is set (checked on every
        day, compiled already or not: building a year for 80 workers takes
        seconds of steps compiled once and reused).
        """
        budget.check()
        key = (shape, list_id)
        got = self._steps.get(key)
        if got is None:
            budget.spend(len(self.state_lists[list_id]) * (len(shape.options) + 1))
            got = self._steps[key] = self._compile(shape, list_id, budget)
        return got

    def _compile(self, shape: _Shape, list_id: int, budget: _Budget) -> _Step:
        states = self.state_lists[list_id]
        moved: list[np.ndarray] = []
        sources: list[np.ndarray] = []
        options: list[np.ndarray] = []
        costs: list[np.ndarray] = []
        for j in range(len(shape.options) + 1):
            budget.check()  # a day's step can take a while: stop within it
            nxt, ok, cost = self._moves(states, j, shape)
            keep = np.flatnonzero(ok)
            moved.append(nxt[keep])
            sources.append(keep)
            options.append(np.full(len(keep), j, dtype=np.int64))
            costs.append(cost[keep])
        rows = np.concatenate(moved)
        found, target = _distinct_rows(rows)
        source = np.concatenate(sources)
        option = np.concatenate(options)
        fixed = np.concatenate(costs)
        order = np.lexsort((option, source, target))
        target = target[order]
        return _Step(
            source=source[order],
            option=option[order],
            fixed=fixed[order].astype(np.float64),
            starts=np.searchsorted(target, np.arange(len(found))),
            target_states=len(found),
            out=self.intern(found),
        )

    def _moves(
        self, states: np.ndarray, j: int, shape: _Shape
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every state after taking option ``j`` (0 = off) today.

        Returns the moved states, whether each move keeps the hard rules and
        the penalty it incurs (meaningless where it does not).
        """
        r = self.r
        s = states.copy()
        n = len(s)
        ok = np.ones(n, dtype=bool)
        cost = np.zeros(n, dtype=np.int64)
        works = j > 0
        minutes, cov = shape.options[j - 1] if works else (0, "")
        # rest, overlap and successions against yesterday's shift
        if works:
            for a, b, hard, pen in shape.conflicts:
                if b != j:
                    continue
                hit = s[:, PREV] == a
                if hard:
                    ok &= ~hit
                else:
                    cost += pen * hit
        s[:, PREV] = j if self.track_prev else 0
        # runs of working days and days off
        if self.track_runs:
            self._runs(s, works, ok, cost)
        # the week's minutes and shifts
        if works:
            for field, high, low, top, least in (
                (WMIN, r.max_week, r.min_week, r.max_week_minutes, r.min_week_minutes),
                (TOTAL, r.max_total, r.min_total, r.max_total_minutes, r.min_total_minutes),
            ):
                if high.active or low.active:
                    s[:, field] += minutes
                    if high.active and high.hard:
                        ok &= s[:, field] <= top
                    if not high.active:
                        # only the minimum is tested: minutes above it are all alike
                        np.minimum(s[:, field], least, out=s[:, field])
            if r.max_shifts.active:
                s[:, WCNT] += 1
                if r.max_shifts.hard:
                    ok &= s[:, WCNT] <= r.max_shifts_week
            k = self.cap_index.get(cov)
            if k is not None and r.types.active:
                count = s[:, _TYPES + k]
                full = count >= r.caps[k][1]
                if r.types.hard:
                    ok &= ~full
                else:
                    cost += r.types.weight * full
                count += ~full
            if r.max_total.active and r.max_total.hard:
                self._loosen(s)
            if shape.weekend_day:
                s[:, CUR] = 1
        if shape.reach >= 0:
            ok &= s[:, TOTAL] + shape.reach >= r.min_total_minutes  # else out of reach
        # end of the week: weekly penalties, then a fresh week
        if shape.week_end:
            self._week_end(s, shape.week_full, ok, cost)
        # end of a weekend: rolling windows and the horizon count
        if shape.windows is not None:
            self._weekend_end(s, shape.windows, ok, cost)
        # end of the horizon: the last run (unless exempt) and horizon totals
        if shape.last:
            self._horizon_end(s, ok, cost)
        return s, ok, cost

    def _week_end(self, s: np.ndarray, full: bool, ok: np.ndarray, cost: np.ndarray) -> None:
        """Weekly penalties at the end of a week, then a fresh week."""
        r = self.r
        if r.max_week.active and not r.max_week.hard:
            cost += r.max_week.weight * _hours_over(s[:, WMIN] - r.max_week_minutes)
        if r.min_week.active and full:
            if r.min_week.hard:
                ok &= s[:, WMIN] >= r.min_week_minutes
            else:
                cost += r.min_week.weight * _hours_over(r.min_week_minutes - s[:, WMIN])
        if r.max_shifts.active and not r.max_shifts.hard:
            over = np.maximum(s[:, WCNT] - r.max_shifts_week, 0)
            cost += r.max_shifts.weight * over
        s[:, WMIN] = s[:, WCNT] = 0

    def _weekend_end(
        self, s: np.ndarray, windows: tuple[int, ...], ok: np.ndarray, cost: np.ndarray
    ) -> None:
        """The rolling weekend windows and the horizon count at a weekend's last day."""
        r = self.r
        worked = s[:, CUR].copy()
        if r.weekends.active:
            bits = s[:, BITS]
            for length in windows:
                n = worked.copy()
                for b in range(length - 1):  # the earlier weekends of this window
                    n += (bits >> b) & 1
                over = n - r.weekends_window_max
                if r.weekends.hard:
                    ok &= over <= 0
                else:
                    cost += r.weekends.weight * np.maximum(over, 0)
            s[:, BITS] = ((bits << 1) | worked) & ((1 << (r.window_weeks - 1)) - 1)
        if r.weekends_horizon.active:
            extra = (worked > 0) & (s[:, HWK] >= r.weekends_horizon_max)
            if r.weekends_horizon.hard:
                ok &= ~extra
            else:
                cost += r.weekends_horizon.weight * extra
            s[:, HWK] += (worked > 0) & ~extra
        s[:, CUR] = 0

    def _horizon_end(self, s: np.ndarray, ok: np.ndarray, cost: np.ndarray) -> None:
        """The last run (unless exempt) and the horizon totals, then all fields 0."""
        r = self.r
        run = s[:, RUN]
        counted = ((run > 0) & (not r.run_exempt)) | ((run < 0) & (not r.off_exempt))
        self._ended(run, np.zeros(len(s), dtype=bool), counted, ok, cost)
        if r.max_total.active and not r.max_total.hard:
            cost += r.max_total.weight * _hours_over(s[:, TOTAL] - r.max_total_minutes)
        if r.min_total.active:
            if r.min_total.hard:
                ok &= s[:, TOTAL] >= r.min_total_minutes
            else:
                cost += r.min_total.weight * _hours_over(r.min_total_minutes - s[:, TOTAL])
        s[:] = 0

    def _loosen(self, s: np.ndarray) -> None:
        """Merge type counts that the hard maximum total keeps from their caps.

        With ``left`` shifts of a type still possible under the maximum
        total, every count at least ``left`` below its cap leaves the cap out
        of reach: such counts behave alike and are stored as ``cap − left``.
        The programme stays exact and the states fewer (Curtois instance 8:
        a count is then carried only while few other shifts are worked).
        """
        r = self.r
        spare = r.max_total_minutes - s[:, TOTAL]
        for k, (_, cap) in enumerate(r.caps):
            left = spare // r.cap_minutes[k]
            np.maximum(s[:, _TYPES + k], cap - left, out=s[:, _TYPES + k])

    def _runs(self, s: np.ndarray, works: bool, ok: np.ndarray, cost: np.ndarray) -> None:
        """Move the run fields of ``s`` on by today, with the runs' penalties."""
        r = self.r
        run = s[:, RUN].copy()
        if works:  # a run of working days goes on, or one of days off ends
            goes_on = run > 0
            s[:, RUN] = np.where(goes_on, np.minimum(run + 1, self.run_cap), 1)
            if r.max_run.active:
                over = goes_on & (run >= r.max_consecutive)
                if r.max_run.hard:
                    ok &= ~over
                else:
                    cost += r.max_run.weight * over
        else:
            goes_on = run < 0
            s[:, RUN] = np.where(goes_on, np.maximum(run - 1, -self.off_cap), -1)
        # a run of the other kind ends here (or this is the first day)
        ends = ~goes_on
        self._ended(run, s[:, FIRST] > 0, ends, ok, cost)
        s[:, FIRST] = np.where(ends, run == 0, s[:, FIRST])

    def _ended(
        self,
        run: np.ndarray,
        first: np.ndarray,
        where: np.ndarray,
        ok: np.ndarray,
        cost: np.ndarray,
    ) -> None:
        """Penalties of the runs (+k working days, −k days off) that end ``where``.

        ``first``: the run began on the first day, so it is exempt from its
        minimum when the rule's boundary option says so.
        """
        r = self.r
        for sign, rule, minimum, exempt in (
            (1, r.min_run, r.min_consecutive, r.run_exempt),
            (-1, r.min_off, r.min_days_off, r.off_exempt),
        ):
            if not rule.active:
                continue
            length = sign * run
            short = where & (length > 0) & (length < minimum)
            if exempt:
                short &= ~first
            if rule.hard:
                ok &= ~short
            else:
                cost += rule.weight * (minimum - length) * short


def _hours_over(minutes: np.ndarray) -> np.ndarray:
    """Whole hours (rounded up) of each positive number of minutes; 0 for the rest."""
    return np.where(minutes > 0, -(-minutes // 60), 0)


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of an integer array, sorted, and each row's index among them.

    Rows are packed into one integer each (fields in mixed radix, the first
    most significant, so that the order of the packed keys is the rows'
    order) where their ranges allow, which sorts several times faster than
    comparing rows; otherwise rows are compared as they are.
    """
    if not len(rows):
        return rows, np.zeros(0, dtype=np.int64)
    low = rows.min(axis=0)
    # in Python integers: a range as wide as int64's own overflows in NumPy's
    span = [int(hi) - int(lo) + 1 for lo, hi in zip(low, rows.max(axis=0), strict=True)]
    if math.prod(span) < 2**62:
        key = np.zeros(len(rows), dtype=np.int64)
        for f in range(rows.shape[1]):
            key = key * span[f] + (rows[:, f] - low[f])
        _, first, target = np.unique(key, return_index=True, return_inverse=True)
        return rows[first], target.reshape(-1)
    # np.unique(axis=0) orders rows by their bytes, not their values: sort by value
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    target = np.empty(len(rows), dtype=np.int64)
    target[order] = np.cumsum(new) - 1
    return ordered[new], target


def carries_totals(data: ProblemData) -> bool:
    """Whether some worker's programme must carry a horizon total in its state.

    Total-hours limits and per-type shift caps put a running count over the
    whole horizon into every state, which multiplies the states by that
    count's range. Such programmes still compile (Curtois instances 8 and 9
    try 1.8 million (state, option) pairs, 11 0.9 million, 10 and 12 9.5 and
    7.4 million: 1 to 6 s by the machine), but where rules hold workers this
    tightly the search gains more from the CPU than from the bound or from
    weighing soft terms in the greedy roster (see docs/benchmarks.md).
    """
    rules = data.scenario.rules
    for lim in data.limits:
        totals = lim.max_total_minutes is not None or lim.min_total_minutes is not None
        if totals and rules.total_hours.mode is not Mode.OFF:
            return True
        if lim.max_shifts_of and rules.max_shifts_of_type.mode is not Mode.OFF:
            return True
    return False


class Pricer:
    """Exact cheapest schedules for every worker of a scenario.

    ``best(w, prices)`` returns the schedule of worker ``w`` minimising its own
    objective terms plus ``prices[s]`` for each shift ``s`` it works, with that
    minimum. Raises :class:`Unsupported` at construction for scenarios the
    programme cannot state exactly, or when compiling it would try more than
    ``budget`` (state, option) pairs (horizon totals such as total hours
    multiply its states). The budget counts work, not seconds, so that
    whether a programme compiles does not depend on the machine or on what
    else it runs. Setting ``stop`` ends a compile under way the same way
    (a background compile must not outlive its solve).
    """

    def __init__(
        self,
        data: ProblemData,
        budget: int | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.data = data
        self._budget = _Budget(budget, stop)
        rules = data.scenario.rules
        if rules.one_shift_per_day.mode is not Mode.HARD:
            raise Unsupported("the dynamic programme needs one shift per day as a hard rule")
        self._conflicts = self._pair_conflicts()
        track_prev = bool(self._conflicts)
        self._compilers: dict[_Rules, _Compiler] = {}
        self.workers: list[tuple[_Compiler, list[_Step], list[list[int]], list[np.ndarray]]] = []
        for w in range(len(data.workers)):
            key = _rules(data, data.limits[w])
            comp = self._compilers.get(key)
            if comp is None:
                comp = self._compilers[key] = _Compiler(key, track_prev)
            self.workers.append(self._build(w, comp))

    # -- construction ----------------------------------------------------------

    def _pair_conflicts(self) -> dict[tuple[int, int], tuple[bool, int]]:
        """(a, b) → (hard, penalty) for shifts on consecutive days that may not follow."""
        data = self.data
        rules = data.scenario.rules
        rest_rule = rules.min_rest_hours
        rest = (
            round(rest_rule.value * 60)
            if rest_rule.mode is not Mode.OFF and rest_rule.value is not None
            else 0
        )
        succ = rules.forbidden_successions
        pairs = {(p.first, p.then) for p in succ.pairs} if succ.mode is not Mode.OFF else set()
        out: dict[tuple[int, int], tuple[bool, int]] = {}
        by_day = data.shifts_by_day
        for d in range(data.num_days - 1):
            for a in by_day[d]:
                sa = data.shifts[a]
                for gap_days in (1, 2):
                    if d + gap_days >= data.num_days:
                        break
                    for b in by_day[d + gap_days]:
                        sb = data.shifts[b]
                        gap = data.instants[b][0] - data.instants[a][1]
                        hard, pen = False, 0
                        if gap < 0:
                            hard = True
                        elif gap < rest:
                            if rest_rule.mode is Mode.HARD:
                                hard = True
                            else:
                                pen += rest_rule.weight
                        if gap_days == 1 and (sa.coverage_id, sb.coverage_id) in pairs:
                            if succ.mode is Mode.HARD:
                                hard = True
                            else:
                                pen += succ.weight
                        if not hard and not pen:
                            continue
                        if gap_days == 2:
                            raise Unsupported(f"shifts {sa.id} and {sb.id} conflict two days apart")
                        out[(a, b)] = (hard, pen)
        return out

    def _build(
        self, w: int, comp: _Compiler
    ) -> tuple[_Compiler, list[_Step], list[list[int]], list[np.ndarray]]:
        """Compile worker ``w``'s days; return its steps, options and preference costs."""
        data = self.data
        eligible = set(data.eligible[w])
        full = {d for _, days in data.full_weeks(w) for d in days}
        week_last = {days[-1] for days in data.weeks.values()}
        weekend_of = {d: k for k, days in enumerate(data.weekends) for d in days}
        weekend_last = {days[-1]: k for k, days in enumerate(data.weekends)}
        ends: dict[int, list[int]] = {}
        for window in data.weekend_windows():
            ends.setdefault(window[-1], []).append(len(window))
        pref = data.preference_costs[w]
        reach = self._reach(w, comp.r)
        steps: list[_Step] = []
        options: list[list[int]] = []
        local: list[np.ndarray] = []
        list_id = comp.initial()
        prev: list[int] = []
        for d in range(data.num_days):
            today = [s for s in data.shifts_by_day[d] if s in eligible]
            conflicts = tuple(
                (i + 1, j + 1, *self._conflicts[(a, b)])
                for i, a in enumerate(prev)
                for j, b in enumerate(today)
                if (a, b) in self._conflicts
            )
            k = weekend_last.get(d)
            shape = _Shape(
                reach=reach[d],
                options=tuple((data.minutes[s], data.shifts[s].coverage_id) for s in today),
                conflicts=conflicts,
                week_end=d in week_last,
                week_full=d in full,
                weekend_day=d in weekend_of,
                windows=tuple(ends.get(k, ())) if k is not None else None,
                last=d == data.num_days - 1,
            )
            step = comp.step(shape, list_id, self._budget)
            steps.append(step)
            options.append(today)
            costs = np.zeros(len(today) + 1)
            for j, s in enumerate(today):
                costs[j + 1] = pref.get(s, 0)
            costs[0] = pref.get(-1 - d, 0)
            local.append(costs)
            list_id = step.out
            prev = today
        return comp, steps, options, local

    def _reach(self, w: int, r: _Rules) -> list[int]:
        """Per day, the most minutes worker ``w`` can work on the days after it.

        An upper bound (it ignores every rule but eligibility and a hard
        maximum run), used to prune states below a hard minimum total; all −1
        when there is none, so that nothing is pruned.
        """
        data = self.data
        days = data.num_days
        if not (r.min_total.active and r.min_total.hard):
            return [-1] * days
        eligible = set(data.eligible[w])
        most = [
            max((data.minutes[s] for s in data.shifts_by_day[d] if s in eligible), default=0)
            for d in range(days)
        ]
        longest = r.max_consecutive if r.max_run.active and r.max_run.hard else days
        # after[k]: the most minutes from day d + 1 on when the run of working
        # days before day d + 1 is k long (fewer days left to a longer run)
        after = [0] * (longest + 1)
        out = [0] * days
        for d in range(days - 1, -1, -1):
            out[d] = after[0]
            after = [
                max(after[0], most[d] + after[k + 1] if most[d] and k < longest else 0)
                for k in range(longest + 1)
            ]
        return out

    # -- pricing ---------------------------------------------------------------

    def best(self, w: int, prices: Sequence[float] | np.ndarray) -> tuple[float, Schedule]:
        """Worker ``w``'s schedule of least (own cost + Σ prices), and that least value.

        ``prices`` is indexed by shift. The schedule's ``cost`` is its own
        objective terms (without prices).
        """
        _, steps, options, local = self.workers[w]
        price = np.asarray(prices, dtype=np.float64)
        values = [np.zeros(1)]
        arcs: list[np.ndarray] = []
        for d, step in enumerate(steps):
            if not step.target_states:
                # no schedule keeps the hard rules to this day
                return math.inf, Schedule(w, (), 0)
            arc = local[d].copy()
            if options[d]:
                arc[1:] += price[options[d]]
            arcs.append(arc)
            cand = values[-1][step.source] + step.fixed + arc[step.option]
            values.append(np.minimum.reduceat(cand, step.starts))
        # walk back from the cheapest final state
        target = int(np.argmin(values[-1]))
        best = float(values[-1][target])
        chosen: list[int] = []
        own = 0.0
        for d in range(len(steps) - 1, -1, -1):
            step = steps[d]
            lo = step.starts[target]
            hi = step.starts[target + 1] if target + 1 < step.target_states else len(step.source)
            src = step.source[lo:hi]
            cand = values[d][src] + step.fixed[lo:hi] + arcs[d][step.option[lo:hi]]
            k = lo + int(np.argmin(cand))
            j = int(step.option[k])
            own += step.fixed[k] + local[d][j]
            if j:
                chosen.append(options[d][j - 1])
            target = int(step.source[k])
        chosen.reverse()
        return best, Schedule(w, tuple(chosen), round(own))

    def states(self) -> int:
        """Compiled state lists (a measure of the programme's size)."""
        return sum(len(c.state_lists) for c in self._compilers.values())
