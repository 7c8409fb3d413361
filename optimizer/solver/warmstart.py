"""A fast greedy roster used as a CP-SAT hint.

Days are filled in order, each day's shifts in time order; each slot goes to
an eligible worker that breaks none of the cheap-to-test hard rules (overlap,
one shift a day, rest, forbidden successions, weekly hours and shifts,
consecutive days, totals, per-type caps, hard weekend limits, hard minimum
runs of days off): first a worker whose run of working days is still shorter
than a hard minimum, then, on a weekend day, one already working that weekend
(so weekends are worked whole), then one whose days off would not be cut
shorter than a soft minimum, then the least loaded (in bands of capacity;
within a band, the one whose soft terms and fair shares gain most). A worker
still owing a day of such a run once the day's slots are filled is put on one
of its shifts over the headcount (an over-cover penalty at most, where a cut
run would break a hard rule). Minimum total hours are left to CP-SAT, which
repairs a partly wrong hint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from optimizer.check import deviation, worker_findings
from optimizer.data import ProblemData
from optimizer.roster import Assignment
from optimizer.scenario import Mode
from optimizer.solver.colgen import DeviationTerm, deviation_terms
from optimizer.solver.pricing import carries_totals

#: The greedy roster balances load in bands of this share of each worker's
#: capacity and, within a band, prefers the worker whose soft terms
#: (preferences, fair shares, soft minimum runs and weekly hours) gain most.
#: Load alone spread every worker's shifts one at a time: on the 24/7 scaling
#: programs, where preferences and those terms are the whole cost, the greedy
#: roster cost 13172 at 40 workers × 13 weeks against 8759 this way (Windsor
#: 24/7: 1842 against 1212). Not where workers carry horizon totals (see
#: ``greedy_roster``).
LOAD_BANDS = 10


def workers_breaking_rules(data: ProblemData, pairs: Iterable[tuple[int, int]]) -> set[int]:
    """Workers whose share of a roster breaks a hard rule (by the checker's rules)."""
    by_worker: dict[int, list[int]] = defaultdict(list)
    for w, s in pairs:
        by_worker[w].append(s)
    return {w for w in range(len(data.workers)) if worker_findings(data, w, by_worker[w])[0]}


def greedy_roster(data: ProblemData, locked: Iterable[Assignment] = ()) -> list[tuple[int, int]]:
    """(worker, shift) pairs of a greedy roster, starting from ``locked``."""
    rules = data.scenario.rules
    rest = (
        round(rules.min_rest_hours.value * 60)
        if rules.min_rest_hours.active and rules.min_rest_hours.value
        else 0
    )
    at = data.instants  # real minutes, so rest across a DST night is what passes
    succession = rules.forbidden_successions
    barred = (
        {(p.first, p.then) for p in succession.pairs} if succession.mode is Mode.HARD else set()
    )
    # Each worker's shifts by day: overlap, rest and successions only look
    # ``reach`` days either side (scanning all of them was most of the greedy
    # roster's time over 52 weeks).
    on_day: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    longest = max(data.minutes, default=0)
    reach = 1 + -(-(longest + rest) // (24 * 60))
    week_minutes: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    week_shifts: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    total: dict[int, int] = defaultdict(int)
    of_type: dict[tuple[int, str], int] = defaultdict(int)
    days: dict[int, set[int]] = defaultdict(set)
    staffed: dict[int, int] = defaultdict(int)
    eligible_sets = [set(e) for e in data.eligible]
    # Hard weekend and days-off rules, checked as the roster grows in time order.
    weekend_of = {d: k for k, days_ in enumerate(data.weekends) for d in days_}
    windows_of: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    if rules.max_weekends.mode is Mode.HARD:
        for window in data.weekend_windows():
            for k in window:
                windows_of[k].append(window)
    weekends_hard = rules.max_weekends_in_horizon.mode is Mode.HARD
    off_hard = rules.min_consecutive_days_off.mode is Mode.HARD
    min_on_hard = rules.min_consecutive_days.mode is Mode.HARD
    weekends: dict[int, set[int]] = defaultdict(set)
    out: list[tuple[int, int]] = []

    # Where workers carry hard horizon totals (every benchmark instance) the
    # soft terms stay out of the choice: there it made 60 s rosters of
    # instance 12 worse in 4 of 5 interleaved runs (see docs/benchmarks.md).
    weigh_soft = not carries_totals(data)
    # Fairness and agency-share terms, summed as the roster grows.
    terms = deviation_terms(data) if weigh_soft else []
    terms_of: list[list[int]] = [[] for _ in data.workers]
    for t, term in enumerate(terms):
        for v in term.workers:
            terms_of[v].append(t)
    sums = [0.0] * len(terms)
    now = [_deviation(term, 0.0) for term in terms]  # each term's cost at ``sums``
    amounts = [term.amount.tolist() for term in terms]  # plain floats: read per candidate

    def take(w: int, s: int) -> None:
        sh = data.shifts[s]
        on_day[w][sh.day].append(s)
        for t in terms_of[w]:
            sums[t] += amounts[t][s]
            now[t] = _deviation(terms[t], sums[t])
        week_minutes[(w, sh.iso_week)] += data.minutes[s]
        week_shifts[(w, sh.iso_week)] += 1
        total[w] += data.minutes[s]
        of_type[(w, sh.coverage_id)] += 1
        days[w].add(sh.day)
        if sh.day in weekend_of:
            weekends[w].add(weekend_of[sh.day])
        staffed[s] += 1
        out.append((w, s))

    def weekend_ok(w: int, day: int) -> bool:
        k = weekend_of.get(day)
        if k is None or k in weekends[w]:
            return True
        lim = data.limits[w]
        cap = lim.max_weekends_window
        if cap is not None and any(
            sum(j in weekends[w] for j in window) + 1 > cap for window in windows_of[k]
        ):
            return False
        cap = lim.max_weekends_horizon
        return not (weekends_hard and cap is not None and len(weekends[w]) + 1 > cap)

    def ends_short_rest(w: int, day: int) -> bool:
        """Whether working ``day`` ends a run of days off shorter than w's minimum.

        Earlier days are settled: shifts are filled in time order. The limit
        is None when the rule is off.
        """
        short = data.limits[w].min_consecutive_days_off
        if not (short and short > 1) or day - 1 in days[w]:
            return False
        gap = 1
        while gap < short and day - 1 - gap >= 0 and day - 1 - gap not in days[w]:
            gap += 1
        return gap < short and day - 1 - gap >= 0

    def fits(w: int, s: int) -> bool:
        sh = data.shifts[s]
        lim = data.limits[w]
        if s not in eligible_sets[w]:
            return False
        if rules.one_shift_per_day.active and sh.day in days[w]:
            return False
        for t in (t for d in range(sh.day - reach, sh.day + reach + 1) for t in on_day[w][d]):
            other = data.shifts[t]
            if barred and (
                (other.day == sh.day - 1 and (other.coverage_id, sh.coverage_id) in barred)
                or (other.day == sh.day + 1 and (sh.coverage_id, other.coverage_id) in barred)
            ):
                return False
            (start, end), (other_start, other_end) = at[s], at[t]
            if other_start < end and start < other_end:
                return False
            if rest:
                after, before = start - other_end, other_start - end
                if 0 <= after < rest or 0 <= before < rest:
                    return False
        if lim.max_week_minutes is not None and (
            week_minutes[(w, sh.iso_week)] + data.minutes[s] > lim.max_week_minutes
        ):
            return False
        if (
            lim.max_shifts_week is not None
            and week_shifts[(w, sh.iso_week)] + 1 > lim.max_shifts_week
        ):
            return False
        if lim.max_total_minutes is not None and total[w] + data.minutes[s] > lim.max_total_minutes:
            return False
        cap = lim.max_shifts_of.get(sh.coverage_id)
        if cap is not None and of_type[(w, sh.coverage_id)] + 1 > cap:
            return False
        if not weekend_ok(w, sh.day):
            return False
        if off_hard and ends_short_rest(w, sh.day):
            return False
        k = lim.max_consecutive_days
        if k is not None:
            run = 1
            d = sh.day - 1
            while d in days[w]:
                run, d = run + 1, d - 1
            d = sh.day + 1
            while d in days[w]:
                run, d = run + 1, d + 1
            if run > k:
                return False
        return True

    for a in locked:
        if a.shift_id in data.shift_index and a.worker_id in data.worker_index:
            take(data.worker_index[a.worker_id], data.shift_index[a.shift_id])
    candidates: dict[int, list[int]] = defaultdict(list)
    for w, shifts in enumerate(data.eligible):
        for s in shifts:
            candidates[s].append(w)
    capacity = data.capacity_minutes
    liking = data.preference_costs
    # Soft rules the greedy roster weighs (hard ones are kept by ``fits``/``owes``).
    on_rule = rules.min_consecutive_days
    on_soft, on_weight = on_rule.mode is Mode.SOFT, on_rule.weight
    week_rule = rules.min_hours_per_week
    week_soft, week_weight = week_rule.mode is Mode.SOFT, week_rule.weight

    def room(s: int) -> bool:
        """Whether shift s may take one more person (below its hard maximum)."""
        top = data.shifts[s].max
        return top is None or staffed[s] < top

    def run_before(w: int, day: int) -> int:
        """Days w works in a row up to the day before ``day``."""
        run, d = 0, day - 1
        while d in days[w]:
            run, d = run + 1, d - 1
        return run

    def owes(w: int, day: int) -> bool:
        """Whether w must work ``day`` to end a run of working days of the minimum length."""
        least = data.limits[w].min_consecutive_days
        if not (min_on_hard and least and least > 1):
            return False
        return 0 < run_before(w, day) < least

    def soft(w: int, s: int) -> int:
        """What giving ``s`` to ``w`` changes in the soft terms, as far as it is
        known when the day is filled: w's preferences, w's fair shares of
        hours and unsocial shifts and its agency's share (exact, against
        the roster so far), a soft minimum run of working days continued, a
        soft weekly minimum of hours approached."""
        sh = data.shifts[s]
        delta = liking[w].get(s, 0) - liking[w].get(-1 - sh.day, 0)
        least = data.limits[w].min_consecutive_days
        if on_soft and least and least > 1 and 0 < run_before(w, sh.day) < least:
            delta -= on_weight
        for t in terms_of[w]:
            amount = amounts[t][s]
            if amount:
                delta += _deviation(terms[t], sums[t] + amount) - now[t]
        floor = data.limits[w].min_week_minutes
        if week_soft and floor:
            short = floor - week_minutes[(w, sh.iso_week)]
            if short > 0:
                delta -= week_weight * -(-min(short, data.minutes[s]) // 60)
        return delta

    def rank(w: int, s: int) -> tuple[bool, bool, bool, int, int, float, int]:
        """Sort key: owing a day of a short run, then already on this weekend
        (a half-worked weekend spends a capped weekend on one shift), then not
        cutting a run of days off short where that is a soft rule (on the
        Windsor programs half the greedy roster's cost), then load in bands of
        1 / LOAD_BANDS of capacity, within a band the change in the soft terms
        (see ``soft``), then exact load."""
        day = data.shifts[s].day
        k = weekend_of.get(day)
        whole = k is not None and k in weekends[w]
        load = total[w] / max(capacity[w], 1)
        if not weigh_soft:
            return (not owes(w, day), not whole, ends_short_rest(w, day), 0, 0, load, w)
        band = int(load * LOAD_BANDS)
        return (not owes(w, day), not whole, ends_short_rest(w, day), band, soft(w, s), load, w)

    for day in range(data.num_days):
        todays = sorted(data.shifts_by_day[day], key=lambda i: (at[i][0], i))
        for s in todays:
            need = data.shifts[s].required - staffed[s]
            while need > 0:
                options = [w for w in candidates[s] if fits(w, s)]
                if not options:
                    break
                w = min(options, key=lambda v: rank(v, s))
                take(w, s)
                need -= 1
        # A run cut short breaks a hard rule; one more person on a shift costs
        # at most an over-cover penalty, and saves repairing the worker later.
        for w in range(len(data.workers)):
            if day in days[w] or not owes(w, day):
                continue
            options = [s for s in todays if fits(w, s) and room(s)]
            if options:
                take(w, min(options, key=lambda i: (staffed[i] - data.shifts[i].target, i)))
    return out


def _deviation(term: DeviationTerm, value: float) -> int:
    """The checker's cost of a deviation term at ``value`` (a sum of whole amounts)."""
    return term.weight * deviation(round(value), term.target, term.unit)
