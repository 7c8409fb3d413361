"""The CP-SAT model: variables, one function per rule, objective terms.

Every soft rule adds exact penalty variables (``max(0, …)`` equalities, not
one-sided bounds), so the solver's objective on any roster it reports equals
the one :func:`optimizer.check.check` computes for that roster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from optimizer.data import ProblemData
from optimizer.scenario import Mode, Rule

LinearExpr = cp_model.LinearExprT
BIG = 10**12


@dataclass
class Model:
    """A CP-SAT model under construction, with its variables and penalty terms."""

    data: ProblemData
    cp: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    #: x[w][s]: worker w works shift s (only for statically eligible pairs).
    x: list[dict[int, cp_model.IntVar]] = field(default_factory=list)
    #: penalty terms by objective term name: (weight, expression) pairs.
    terms: dict[str, list[tuple[int, LinearExpr]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _work: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    _weekend: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    _minutes: dict[int, cp_model.IntVar] = field(default_factory=dict)
    #: Indices of the redundant automaton constraints (see add_run_automaton),
    #: which only strengthen the whole model and are dropped from LNS blocks.
    redundant: list[int] = field(default_factory=list)
    #: (worker, day, variable index) of every assignment, cached by the LNS phase.
    assignment_index: list[tuple[int, int, int]] | None = None

    # -- helpers ---------------------------------------------------------------

    def penalize(self, term: str, weight: int, expr: LinearExpr) -> None:
        """Add ``weight × expr`` to objective term ``term`` (skipped when weight is 0)."""
        if weight:
            self.terms[term].append((weight, expr))

    def positive_part(self, expr: LinearExpr, upper: int, name: str) -> cp_model.IntVar:
        """A variable equal to max(0, expr)."""
        var = self.cp.new_int_var(0, max(0, upper), name)
        self.cp.add_max_equality(var, [0, expr])
        return var

    def ceil_div(
        self, var: cp_model.IntVar, divisor: int, upper: int, name: str
    ) -> cp_model.IntVar:
        """A variable equal to ceil(var / divisor) for var ≥ 0 (two linear inequalities)."""
        out = self.cp.new_int_var(0, upper // divisor + 1, name)
        self.cp.add(divisor * out >= var)
        self.cp.add(divisor * out <= var + divisor - 1)
        return out

    def deviation(
        self, expr: LinearExpr, target: int, unit: int, upper: int, name: str
    ) -> cp_model.IntVar:
        """ceil(|expr − target| / unit), as the checker computes it."""
        bound = max(upper, target)
        absd = self.cp.new_int_var(0, bound, f"{name}_abs")
        # The sum as a variable of its own, so that the absolute value is over
        # one variable: CP-SAT's presolve of a max over two long expressions
        # (an agency's every assignment) took 24 s at 40 workers × 13 weeks.
        if not isinstance(expr, cp_model.IntVar):
            total = self.cp.new_int_var(0, upper, f"{name}_sum")
            self.cp.add(total == expr)
            expr = total
        self.cp.add_abs_equality(absd, expr - target)
        return absd if unit == 1 else self.ceil_div(absd, unit, bound, name)

    def both(self, a: cp_model.IntVar, b: cp_model.IntVar, name: str) -> cp_model.IntVar:
        """A Boolean equal to a ∧ b."""
        v = self.cp.new_bool_var(name)
        self.cp.add_bool_or([a.Not(), b.Not(), v])
        self.cp.add_implication(v, a)
        self.cp.add_implication(v, b)
        return v

    def day_shifts(self, w: int, d: int) -> list[cp_model.IntVar]:
        """Variables of worker w's eligible shifts starting on day d."""
        return [self.x[w][s] for s in self.data.shifts_by_day[d] if s in self.x[w]]

    def work(self, w: int, d: int) -> cp_model.IntVar:
        """Boolean: worker w works (starts a shift) on day d."""
        key = (w, d)
        if key not in self._work:
            v = self.cp.new_bool_var(f"work_{w}_{d}")
            xs = self.day_shifts(w, d)
            if not xs:
                self.cp.add(v == 0)
            elif self.data.scenario.rules.one_shift_per_day.mode is Mode.HARD:
                # At most one shift a day: "works that day" is their sum, which
                # gives the LP relaxation much more to hold on to than a max.
                self.cp.add(v == sum(xs))
            else:
                self.cp.add_max_equality(v, xs)
            self._work[key] = v
        return self._work[key]

    def most_minutes(self, w: int) -> int:
        """Minutes worker w would work in every shift open to them (an upper bound)."""
        return sum(self.data.minutes[s] for s in self.x[w])

    def minutes_worked(self, w: int) -> cp_model.IntVar:
        """Minutes worker w works over the horizon (one variable, shared by the terms)."""
        if w not in self._minutes:
            xs = self.x[w]
            v = self.cp.new_int_var(0, self.most_minutes(w), f"minutes_{w}")
            self.cp.add(v == sum(self.data.minutes[s] * x for s, x in xs.items()))
            self._minutes[w] = v
        return self._minutes[w]

    def weekend(self, w: int, k: int) -> cp_model.IntVar:
        """Boolean: worker w works on weekend k."""
        key = (w, k)
        if key not in self._weekend:
            v = self.cp.new_bool_var(f"weekend_{w}_{k}")
            self.cp.add_max_equality(v, [self.work(w, d) for d in self.data.weekends[k]])
            self._weekend[key] = v
        return self._weekend[key]

    def limit(
        self, rule_attr: str, name: str, expr: LinearExpr, bound: int, upper: int, unit: int = 1
    ) -> None:
        """``expr ≤ bound`` as a hard constraint, or soft: weight × ceil(excess / unit)."""
        rule: Rule = getattr(self.data.scenario.rules, rule_attr)
        if rule.mode is Mode.HARD:
            self.cp.add(expr <= bound)
            return
        excess = self.positive_part(expr - bound, upper - bound, f"{name}_excess")
        if unit > 1:
            excess = self.ceil_div(excess, unit, upper - bound, f"{name}_units")
        self.penalize(f"rule:{rule_attr}", rule.weight, excess)

    def at_least(
        self, rule_attr: str, name: str, expr: LinearExpr, bound: int, unit: int = 1
    ) -> None:
        """``expr ≥ bound`` as a hard constraint, or soft: weight × ceil(deficit / unit)."""
        rule: Rule = getattr(self.data.scenario.rules, rule_attr)
        if rule.mode is Mode.HARD:
            self.cp.add(expr >= bound)
            return
        deficit = self.positive_part(bound - expr, bound, f"{name}_deficit")
        if unit > 1:
            deficit = self.ceil_div(deficit, unit, bound, f"{name}_units")
        self.penalize(f"rule:{rule_attr}", rule.weight, deficit)


# -- variables -------------------------------------------------------------------


def add_variables(m: Model) -> None:
    """One Boolean per statically eligible (worker, shift) pair."""
    m.x = [
        {s: m.cp.new_bool_var(f"x_{w}_{s}") for s in m.data.eligible[w]}
        for w in range(len(m.data.workers))
    ]


# -- hard structure ------------------------------------------------------------


def add_no_overlap(m: Model) -> None:
    """Nobody works two shifts at once (always hard)."""
    data = m.data
    # Two shifts starting on the same day are already exclusive when one shift
    # a day is a hard rule (add_one_shift_per_day bounds the day's sum by 1).
    same_day_done = data.scenario.rules.one_shift_per_day.mode is Mode.HARD
    at = data.instants
    for _w, xs in enumerate(m.x):
        order = sorted(xs, key=lambda s: at[s][0])
        for i, a in enumerate(order):
            for b in order[i + 1 :]:
                if at[b][0] >= at[a][1]:
                    break
                if same_day_done and data.shifts[a].day == data.shifts[b].day:
                    continue
                m.cp.add_bool_or([xs[a].Not(), xs[b].Not()])


def add_coverage(m: Model) -> None:
    """Headcount per shift: unfilled, below-target and over-target terms; hard cap."""
    data = m.data
    weights = data.scenario.weights
    on_shift: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for xs in m.x:
        for s, v in xs.items():
            on_shift[s].append(v)
    for s, shift in enumerate(data.shifts):
        vars_ = on_shift.get(s, [])
        n = sum(vars_) if vars_ else 0
        top = len(vars_)
        if shift.max is not None and top > shift.max:
            m.cp.add(n <= shift.max)
        under = None
        if shift.required > 0 and vars_:
            under = m.positive_part(shift.required - n, shift.required, f"under_{s}")
            m.penalize("unfilled", shift.under_weight, under)
        elif shift.required > 0:
            m.penalize("unfilled", shift.under_weight, shift.required)
        if shift.target > shift.required and weights.below_target:
            if vars_:
                gap = m.positive_part(shift.target - n, shift.target, f"gap_{s}")
                m.penalize(
                    "below_target", weights.below_target, gap - (under if under is not None else 0)
                )
            else:
                m.penalize("below_target", weights.below_target, shift.target - shift.required)
        if shift.over_weight and top > shift.target:
            over = m.positive_part(n - shift.target, top - shift.target, f"over_{s}")
            m.penalize("over_target", shift.over_weight, over)


def add_one_shift_per_day(m: Model) -> None:
    """At most one shift starting on each local date."""
    rule = m.data.scenario.rules.one_shift_per_day
    if not rule.active:
        return
    for w in range(len(m.x)):
        for d in range(m.data.num_days):
            xs = m.day_shifts(w, d)
            if len(xs) > 1:
                m.limit("one_shift_per_day", f"oneday_{w}_{d}", sum(xs), 1, len(xs))


def add_min_rest(m: Model) -> None:
    """At least the minimum rest between the end of a shift and the next start."""
    rule = m.data.scenario.rules.min_rest_hours
    if not rule.active or rule.value is None:
        return
    data = m.data
    rest = round(rule.value * 60)
    at = data.instants  # real minutes: rest across a DST night is an hour more or less
    for w, xs in enumerate(m.x):
        order = sorted(xs, key=lambda s: at[s][0])
        for i, a in enumerate(order):
            for b in order[i + 1 :]:
                gap = at[b][0] - at[a][1]
                if gap >= rest:
                    break
                if gap < 0:
                    continue  # overlapping pairs are excluded by add_no_overlap
                if rule.mode is Mode.HARD:
                    m.cp.add_bool_or([xs[a].Not(), xs[b].Not()])
                else:
                    m.penalize(
                        "rule:min_rest_hours",
                        rule.weight,
                        m.both(xs[a], xs[b], f"rest_{w}_{a}_{b}"),
                    )


def _week_minutes(m: Model, w: int, days: Sequence[int]) -> tuple[LinearExpr, int]:
    xs = m.x[w]
    shifts = [s for d in days for s in m.data.shifts_by_day[d] if s in xs]
    return sum(m.data.minutes[s] * xs[s] for s in shifts), sum(m.data.minutes[s] for s in shifts)


def add_max_hours_per_week(m: Model) -> None:
    """Worked minutes per ISO week within the worker's weekly maximum."""
    for w in range(len(m.x)):
        limit = m.data.limits[w].max_week_minutes
        if limit is None:
            continue
        for key, days in m.data.weeks.items():
            expr, top = _week_minutes(m, w, days)
            if top > limit:
                m.limit("max_hours_per_week", f"weekmax_{w}_{key[1]}", expr, limit, top, unit=60)


def add_min_hours_per_week(m: Model) -> None:
    """Worked minutes per full ISO week at least the worker's weekly minimum."""
    for w in range(len(m.x)):
        limit = m.data.limits[w].min_week_minutes
        if not limit:
            continue
        for key, days in m.data.full_weeks(w):
            expr, _ = _week_minutes(m, w, days)
            m.at_least("min_hours_per_week", f"weekmin_{w}_{key[1]}", expr, limit, unit=60)


def add_max_shifts_per_week(m: Model) -> None:
    """Shifts per ISO week within the maximum."""
    for w, xs in enumerate(m.x):
        limit = m.data.limits[w].max_shifts_week
        if limit is None:
            continue
        for key, days in m.data.weeks.items():
            week = [xs[s] for d in days for s in m.data.shifts_by_day[d] if s in xs]
            if len(week) > limit:
                m.limit(
                    "max_shifts_per_week", f"weekshifts_{w}_{key[1]}", sum(week), limit, len(week)
                )


def add_max_consecutive_days(m: Model) -> None:
    """No more than K working days in any K+1 consecutive days."""
    n = m.data.num_days
    for w in range(len(m.x)):
        k = m.data.limits[w].max_consecutive_days
        if k is None or k >= n:
            continue
        for d in range(n - k):
            days = [m.work(w, d + i) for i in range(k + 1)]
            m.limit("max_consecutive_days", f"consec_{w}_{d}", sum(days), k, k + 1)


def _forbid_short_runs(
    m: Model, w: int, minimum: int | None, working: bool, rule_attr: str
) -> None:
    """Forbid (or penalise by days short) runs shorter than ``minimum``."""
    if not minimum or minimum < 2:
        return
    rule = getattr(m.data.scenario.rules, rule_attr)
    exempt = rule.boundary == "exempt"
    n = m.data.num_days

    def lit(d: int, on: bool) -> Any:  # a Boolean variable or its negation
        v = m.work(w, d)
        return v if on == working else v.Not()

    for length in range(1, minimum):
        for d in range(0, n - length + 1):
            touches = d == 0 or d + length == n
            if exempt and touches:
                continue
            pattern = [lit(d + i, True) for i in range(length)]
            if d > 0:
                pattern.append(lit(d - 1, False))
            if d + length < n:
                pattern.append(lit(d + length, False))
            if rule.mode is Mode.HARD:
                m.cp.add_bool_or([p.Not() for p in pattern])
            else:
                v = m.cp.new_bool_var(f"{rule_attr}_{w}_{d}_{length}")
                m.cp.add_bool_or([p.Not() for p in pattern] + [v])
                for p in pattern:
                    m.cp.add_implication(v, p)
                m.penalize(f"rule:{rule_attr}", rule.weight * (minimum - length), v)


def add_min_consecutive_days(m: Model) -> None:
    """Runs of working days at least the minimum."""
    for w in range(len(m.x)):
        _forbid_short_runs(
            m, w, m.data.limits[w].min_consecutive_days, True, "min_consecutive_days"
        )


def add_min_consecutive_days_off(m: Model) -> None:
    """Runs of days off at least the minimum."""
    for w in range(len(m.x)):
        _forbid_short_runs(
            m, w, m.data.limits[w].min_consecutive_days_off, False, "min_consecutive_days_off"
        )


def add_max_weekends(m: Model) -> None:
    """Weekends worked in any window of consecutive weeks within the maximum."""
    for w in range(len(m.x)):
        limit = m.data.limits[w].max_weekends_window
        if limit is None:
            continue
        for i, window in enumerate(m.data.weekend_windows()):
            if len(window) > limit:
                expr = sum(m.weekend(w, k) for k in window)
                m.limit("max_weekends", f"weekends_{w}_{i}", expr, limit, len(window))


def add_max_weekends_in_horizon(m: Model) -> None:
    """Weekends worked over the horizon within the worker's maximum."""
    total = len(m.data.weekends)
    for w in range(len(m.x)):
        limit = m.data.limits[w].max_weekends_horizon
        if limit is None or limit >= total:
            continue
        expr = sum(m.weekend(w, k) for k in range(total))
        m.limit("max_weekends_in_horizon", f"weekendsall_{w}", expr, limit, total)


def add_forbidden_successions(m: Model) -> None:
    """No ``then`` shift on the day after a ``first`` shift."""
    rule = m.data.scenario.rules.forbidden_successions
    pairs = {(p.first, p.then) for p in rule.pairs}
    if not rule.active or not pairs:
        return
    data = m.data
    # With one shift a day hard, the shifts barred after ``a`` are exclusive
    # among themselves, so "a excludes each of them" is one at-most-one
    # constraint: the same rosters, a tighter LP and a far smaller model.
    grouped = rule.mode is Mode.HARD and data.scenario.rules.one_shift_per_day.mode is Mode.HARD
    for w, xs in enumerate(m.x):
        for d in range(data.num_days - 1):
            for a in data.shifts_by_day[d]:
                if a not in xs:
                    continue
                if grouped:
                    barred = [
                        xs[b]
                        for b in data.shifts_by_day[d + 1]
                        if b in xs
                        and (data.shifts[a].coverage_id, data.shifts[b].coverage_id) in pairs
                    ]
                    if barred:
                        m.cp.add_at_most_one([xs[a], *barred])
                    continue
                for b in data.shifts_by_day[d + 1]:
                    if b not in xs:
                        continue
                    if (data.shifts[a].coverage_id, data.shifts[b].coverage_id) not in pairs:
                        continue
                    if rule.mode is Mode.HARD:
                        m.cp.add_bool_or([xs[a].Not(), xs[b].Not()])
                    else:
                        v = m.both(xs[a], xs[b], f"succ_{w}_{a}_{b}")
                        m.penalize("rule:forbidden_successions", rule.weight, v)


def add_total_hours(m: Model) -> None:
    """Total worked minutes within the worker's min/max over the horizon."""
    for w in range(len(m.x)):
        lim = m.data.limits[w]
        top = m.most_minutes(w)
        cap = (
            lim.max_total_minutes
            if lim.max_total_minutes is not None and top > lim.max_total_minutes
            else None
        )
        if cap is None and not lim.min_total_minutes:
            continue
        # The sum itself, not the shared minutes variable: on benchmark
        # instances 7 and 10 (total hours hard, no fairness terms) that extra
        # variable made 4 of 4 interleaved 60 s runs worse.
        total = sum(m.data.minutes[s] * v for s, v in m.x[w].items())
        if cap is not None:
            m.limit("total_hours", f"totalmax_{w}", total, cap, top, unit=60)
        if lim.min_total_minutes:
            m.at_least("total_hours", f"totalmin_{w}", total, lim.min_total_minutes, unit=60)


def add_max_shifts_of_type(m: Model) -> None:
    """Shifts of each coverage type within the worker's per-type maximum."""
    for w, xs in enumerate(m.x):
        for cov, cap in m.data.limits[w].max_shifts_of.items():
            of_type = [v for s, v in xs.items() if m.data.shifts[s].coverage_id == cov]
            if len(of_type) > cap:
                m.limit("max_shifts_of_type", f"type_{w}_{cov}", sum(of_type), cap, len(of_type))


# -- soft objective terms ------------------------------------------------------------


def add_preferences(m: Model) -> None:
    """Wanted shifts not worked and avoided shifts worked, by their weights."""
    scale = m.data.scenario.weights.preferences
    if not scale:
        return
    for i, slot in enumerate(m.data.preference_slots):
        xs = [m.x[slot.worker][s] for s in slot.shifts if s in m.x[slot.worker]]
        p = slot.preference
        if p.kind == "want":
            if not xs:
                m.penalize("preferences", scale * p.weight, 1)
                continue
            any_ = m.cp.new_bool_var(f"want_{i}")
            m.cp.add_max_equality(any_, xs)
            m.penalize("preferences", scale * p.weight, 1 - any_)
        else:
            for v in xs:
                m.penalize("preferences", scale * p.weight, v)


def add_fairness(m: Model) -> None:
    """Hours and unsocial shifts each worker is away from their fair share."""
    data, wt = m.data, m.data.scenario.weights
    if len(data.fair_workers) < 2:
        return
    for w in data.fair_workers:
        xs = m.x[w]
        if wt.fairness_hours:
            top = m.most_minutes(w)
            target = 60 * data.fair_share(w, data.required_minutes, unit=60)
            dev = m.deviation(m.minutes_worked(w), target, 60, top, f"fair_h_{w}")
            m.penalize("fairness_hours", wt.fairness_hours, dev)
        if not wt.fairness_unsocial:
            continue
        for category, required in data.required_by_category.items():
            of_kind = [v for s, v in xs.items() if category in data.categories[s]]
            target = data.fair_share(w, required)
            dev = m.deviation(sum(of_kind), target, 1, len(of_kind), f"fair_{category}_{w}")
            m.penalize("fairness_unsocial", wt.fairness_unsocial, dev)


def add_agency_share(m: Model) -> None:
    """Hours (rounded up) each agency is away from its target share of required hours."""
    data = m.data
    weight = data.scenario.weights.agency_share
    if not weight:
        return
    for agency, target, mine in data.agency_targets:
        # A sum of the workers' totals: a few dozen terms where a sum over every
        # assignment had thousands (CP-SAT's presolve took 10 s longer on it at
        # 80 workers × 13 weeks).
        expr = sum(m.minutes_worked(w) for w in mine)
        top = sum(m.most_minutes(w) for w in mine)
        dev = m.deviation(expr, 60 * target, 60, top, f"share_{agency}")
        m.penalize("agency_share", weight, dev)


@dataclass(frozen=True)
class RunRules:
    """The hard run-length rules of one worker, as the automaton encodes them."""

    max_on: int | None  #: most consecutive working days (None: no limit)
    min_on: int  #: fewest consecutive working days (1: no minimum)
    min_off: int  #: fewest consecutive days off (1: no minimum)
    exempt_on: bool  #: working runs touching a horizon end are exempt from min_on
    exempt_off: bool  #: runs of days off touching a horizon end are exempt from min_off


def run_automaton(rules: RunRules) -> tuple[int, list[int], list[tuple[int, int, int]]]:
    """A DFA over a worker's days (label 1 = works, 0 = off) accepting exactly the legal ones.

    A state is (working?, length of the current run, run already long
    enough?); lengths are capped where no rule tells them apart any more, so
    a handful of states suffice. Days before the horizon count as off, as the
    checker counts them, so the first working run counts towards the maximum
    from day 0. Returns the start state, the accepting states and the
    transition triples, as CP-SAT's ``add_automaton`` takes them.
    """
    max_on, min_on, min_off = rules.max_on, rules.min_on, rules.min_off
    cap = {True: max_on if max_on is not None else min_on, False: min_off}
    index: dict[tuple[bool, int, bool], int] = {}
    todo: list[tuple[bool, int, bool]] = []
    triples: set[tuple[int, int, int]] = set()

    def edge(src: int, working: bool, length: int, ok: bool) -> None:
        key = (working, min(length, cap[working]), ok)
        if key not in index:
            index[key] = len(index) + 1
            todo.append(key)
        triples.add((src, int(working), index[key]))

    start = 0
    # A run starting on day 0 may continue the unknown history before it.
    edge(start, True, 1, rules.exempt_on or min_on <= 1)
    edge(start, False, 1, rules.exempt_off or min_off <= 1)
    while todo:
        working, length, ok = key = todo.pop()
        src = index[key]
        if working:
            if max_on is None or length < max_on:
                edge(src, True, length + 1, ok or length + 1 >= min_on)
            if ok:
                edge(src, False, 1, min_off <= 1)
        else:
            edge(src, False, length + 1, ok or length + 1 >= min_off)
            if ok:
                edge(src, True, 1, min_on <= 1)
    # A run touching the last day may continue after the horizon.
    accepting = [start] + [
        i
        for (working, _, ok), i in index.items()
        if ok or (rules.exempt_on if working else rules.exempt_off)
    ]
    return start, accepting, sorted(triples)


def run_rules(m: Model, w: int) -> RunRules | None:
    """Worker w's hard run-length rules, or None when none applies."""
    rules = m.data.scenario.rules
    lim = m.data.limits[w]

    def hard(name: str, value: int | None) -> int | None:
        return value if getattr(rules, name).mode is Mode.HARD else None

    max_on = hard("max_consecutive_days", lim.max_consecutive_days)
    if max_on is not None and max_on >= m.data.num_days:
        max_on = None
    min_on = hard("min_consecutive_days", lim.min_consecutive_days) or 1
    min_off = hard("min_consecutive_days_off", lim.min_consecutive_days_off) or 1
    if max_on is None and min_on <= 1 and min_off <= 1:
        return None
    return RunRules(
        max_on=max_on,
        min_on=min_on,
        min_off=min_off,
        exempt_on=rules.min_consecutive_days.boundary == "exempt",
        exempt_off=rules.min_consecutive_days_off.boundary == "exempt",
    )


#: Largest program (workers × days) whose run rules also go into an automaton.
AUTOMATON_MAX_WORKER_DAYS = 600


def add_run_automaton(m: Model) -> None:
    """The hard run-length rules again, as one automaton over each worker's days.

    Redundant with the clauses of the three run rules, but CP-SAT expands an
    automaton into a per-day state encoding whose LP relaxation is a path
    through a small graph, far tighter than the clauses. On benchmark
    instance 5 that closes the gap: proven optimal in seconds, where the
    clauses alone left 8 % after 60 s. The LNS blocks drop these constraints
    (see ``Model.redundant``): with most days fixed they only cost presolve time.

    Only programs of up to ``AUTOMATON_MAX_WORKER_DAYS`` get it: on larger
    ones the bigger LP is solved so much later that the bound comes too late
    to steer the search (instance 11, 1,400 worker-days: CP-SAT proves 3437
    after 7.5 s without it, 3429 only after 40 s with it, and its roster
    after 60 s went from 3447 to 3559).

    A worker whose only hard run rule is a maximum gets none either: its
    sliding-window sums form an interval matrix, whose LP is already integral,
    so the automaton adds LP work and no strength. On the bundled Windsor
    programs (at most 4 days in a row, every other run rule soft) it slowed
    the proof of optimality from 1–5 s to beyond 8 s.
    """
    if len(m.x) * m.data.num_days > AUTOMATON_MAX_WORKER_DAYS:
        return
    for w in range(len(m.x)):
        rules = run_rules(m, w)
        if rules is None or (rules.min_on <= 1 and rules.min_off <= 1):
            continue
        start, accepting, triples = run_automaton(rules)
        days = [m.work(w, d) for d in range(m.data.num_days)]
        m.redundant.append(m.cp.add_automaton(days, start, accepting, triples).index)


#: Model builders in order: structure, labour rules, soft objective terms.
RULES: tuple[Callable[[Model], None], ...] = (
    add_no_overlap,
    add_coverage,
    add_one_shift_per_day,
    add_min_rest,
    add_max_hours_per_week,
    add_min_hours_per_week,
    add_max_shifts_per_week,
    add_max_consecutive_days,
    add_min_consecutive_days,
    add_min_consecutive_days_off,
    add_max_weekends,
    add_max_weekends_in_horizon,
    add_forbidden_successions,
    add_run_automaton,
    add_total_hours,
    add_max_shifts_of_type,
    add_preferences,
    add_fairness,
    add_agency_share,
)


def build_model(data: ProblemData) -> Model:
    """Build the full CP-SAT model and its objective."""
    m = Model(data)
    add_variables(m)
    for rule in RULES:
        rule(m)
    m.cp.minimize(sum(weight * expr for exprs in m.terms.values() for weight, expr in exprs))
    return m
