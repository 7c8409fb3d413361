"""The independent roster checker: the written specification of every rule.

Given a scenario and a set of assignments — from the solver, a CSV someone
edited, or a published benchmark solution — :func:`check` recomputes every
hard rule and every objective term from scratch. It never imports the solver
or OR-Tools; the solver's objective must equal the one computed here.

Each rule is one small function ``(data, w, shifts) -> list[Finding]`` over a
single worker's shifts. A finding's ``amount`` is the violation in the rule's
unit (hours over, extra shifts, short runs in days, …). The rule's mode
decides what it means: a hard violation, or ``weight × amount`` of penalty.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from optimizer.data import ProblemData
from optimizer.roster import Assignment
from optimizer.scenario import Mode, Rule, Scenario
from optimizer.shifts import UTC, elapsed_minutes

#: Objective terms in reporting order.
TERMS = (
    "unfilled",
    "below_target",
    "over_target",
    "preferences",
    "fairness_hours",
    "fairness_unsocial",
    "agency_share",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One breach of one rule by one worker (or one shift for coverage rules)."""

    rule: str
    worker: str | None
    shifts: tuple[str, ...]
    amount: int
    message: str


@dataclass(frozen=True)
class CheckReport:
    """Everything the checker found: hard violations, soft penalties, the objective."""

    violations: tuple[Finding, ...]
    soft: tuple[Finding, ...]
    terms: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no hard rule is broken."""
        return not self.violations

    @property
    def objective(self) -> int:
        """Sum of all objective terms."""
        return sum(self.terms.values())

    def describe(self, limit: int = 20) -> str:
        """Readable report: verdict, objective and the first findings."""
        lines = [
            f"{'OK' if self.ok else 'VIOLATIONS'}: {len(self.violations)} hard violation(s), "
            f"objective {self.objective}"
        ]
        for f in self.violations[:limit]:
            lines.append(f"  [{f.rule}] {f.message}")
        if len(self.violations) > limit:
            lines.append(f"  … and {len(self.violations) - limit} more")
        return "\n".join(lines)


WorkerRule = Callable[[ProblemData, int, list[int]], list[Finding]]


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} h"


def _ceil_hours(minutes: int) -> int:
    return math.ceil(minutes / 60) if minutes > 0 else 0


# -- rules over one worker's shifts (sorted by start) ---------------------------


def rule_static(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Skills, availability, assignment dates, time off: never breakable."""
    out = []
    wid = data.workers[w].id
    for s in shifts:
        for reason in data.static_reasons(w, s):
            sh = data.shifts[s]
            out.append(Finding("eligibility", wid, (sh.id,), 1, f"{wid} {reason}: {sh.describe()}"))
    return out


def rule_overlap(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Nobody works two shifts at the same time."""
    out = []
    wid = data.workers[w].id
    for i, a in enumerate(shifts):
        for b in shifts[i + 1 :]:
            sa, sb = data.shifts[a], data.shifts[b]
            if elapsed_minutes(sa.end, sb.start) >= 0:
                break
            out.append(
                Finding("overlap", wid, (sa.id, sb.id), 1, f"{wid} on overlapping {sa.id}, {sb.id}")
            )
    return out


def rule_one_shift_per_day(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """At most one shift starting on each local date."""
    wid = data.workers[w].id
    per_day = Counter(data.shifts[s].day for s in shifts)
    return [
        Finding(
            "one_shift_per_day",
            wid,
            tuple(data.shifts[s].id for s in shifts if data.shifts[s].day == d),
            n - 1,
            f"{wid} works {n} shifts on {data.date(d)}",
        )
        for d, n in sorted(per_day.items())
        if n > 1
    ]


def rule_min_rest(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """At least ``min_rest_hours`` between the end of one shift and the next start."""
    rule = data.scenario.rules.min_rest_hours
    if rule.value is None:
        return []
    rest = round(rule.value * 60)
    wid = data.workers[w].id
    out = []
    for i, a in enumerate(shifts):
        sa = data.shifts[a]
        for b in shifts[i + 1 :]:
            sb = data.shifts[b]
            # Real time: across a DST night the wall clock is an hour off.
            gap = elapsed_minutes(sa.end, sb.start)
            if gap >= rest:
                break
            if gap >= 0:
                out.append(
                    Finding(
                        "min_rest_hours",
                        wid,
                        (sa.id, sb.id),
                        1,
                        f"{wid} rests {_hours(gap)} between {sa.id} and {sb.id} "
                        f"(minimum {_hours(rest)})",
                    )
                )
    return out


def _week_minutes(data: ProblemData, shifts: list[int]) -> dict[tuple[int, int], int]:
    out: dict[tuple[int, int], int] = defaultdict(int)
    for s in shifts:
        out[data.shifts[s].iso_week] += data.minutes[s]
    return out


def rule_max_hours_per_week(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Worked minutes per ISO week (local time) within the weekly maximum."""
    limit = data.limits[w].max_week_minutes
    if limit is None:
        return []
    wid = data.workers[w].id
    return [
        Finding(
            "max_hours_per_week",
            wid,
            (),
            _ceil_hours(m - limit),
            f"{wid} works {_hours(m)} in week {k[0]}-W{k[1]:02d} (limit {_hours(limit)})",
        )
        for k, m in sorted(_week_minutes(data, shifts).items())
        if m > limit
    ]


def rule_min_hours_per_week(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Worked minutes per full ISO week at least the weekly minimum."""
    limit = data.limits[w].min_week_minutes
    if not limit:
        return []
    wid = data.workers[w].id
    worked = _week_minutes(data, shifts)
    return [
        Finding(
            "min_hours_per_week",
            wid,
            (),
            _ceil_hours(limit - worked.get(k, 0)),
            f"{wid} works {_hours(worked.get(k, 0))} in week {k[0]}-W{k[1]:02d} "
            f"(minimum {_hours(limit)})",
        )
        for k, _ in data.full_weeks(w)
        if worked.get(k, 0) < limit
    ]


def rule_max_shifts_per_week(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Shifts per ISO week within the maximum."""
    limit = data.limits[w].max_shifts_week
    if limit is None:
        return []
    wid = data.workers[w].id
    count = Counter(data.shifts[s].iso_week for s in shifts)
    return [
        Finding(
            "max_shifts_per_week",
            wid,
            (),
            n - limit,
            f"{wid} works {n} shifts in week {k[0]}-W{k[1]:02d} (limit {limit})",
        )
        for k, n in sorted(count.items())
        if n > limit
    ]


def runs(days: set[int], num_days: int, working: bool) -> list[tuple[int, int]]:
    """Maximal runs (first day, length) of working (or free) days in the horizon."""
    out = []
    start = None
    for d in range(num_days + 1):
        inside = d < num_days and ((d in days) == working)
        if inside and start is None:
            start = d
        elif not inside and start is not None:
            out.append((start, d - start))
            start = None
    return out


def _worked_days(data: ProblemData, shifts: list[int]) -> set[int]:
    return {data.shifts[s].day for s in shifts}


def rule_max_consecutive_days(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Runs of working days no longer than the maximum (amount: days over)."""
    limit = data.limits[w].max_consecutive_days
    if limit is None:
        return []
    wid = data.workers[w].id
    return [
        Finding(
            "max_consecutive_days",
            wid,
            (),
            length - limit,
            f"{wid} works {length} days in a row from {data.date(first)} (limit {limit})",
        )
        for first, length in runs(_worked_days(data, shifts), data.num_days, True)
        if length > limit
    ]


def _short_runs(
    data: ProblemData, w: int, shifts: list[int], working: bool, minimum: int | None, name: str
) -> list[Finding]:
    if not minimum:
        return []
    rule = getattr(data.scenario.rules, name)
    exempt = rule.boundary == "exempt"
    wid = data.workers[w].id
    what = "working days" if working else "days off"
    out = []
    for first, length in runs(_worked_days(data, shifts), data.num_days, working):
        if exempt and (first == 0 or first + length == data.num_days):
            continue
        if length < minimum:
            out.append(
                Finding(
                    name,
                    wid,
                    (),
                    minimum - length,
                    f"{wid} has a run of {length} {what} from {data.date(first)} "
                    f"(minimum {minimum})",
                )
            )
    return out


def rule_min_consecutive_days(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Runs of working days at least the minimum (amount: days short)."""
    return _short_runs(
        data, w, shifts, True, data.limits[w].min_consecutive_days, "min_consecutive_days"
    )


def rule_min_consecutive_days_off(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Runs of days off at least the minimum (amount: days short)."""
    return _short_runs(
        data, w, shifts, False, data.limits[w].min_consecutive_days_off, "min_consecutive_days_off"
    )


def weekends_worked(data: ProblemData, shifts: list[int]) -> list[bool]:
    """For each weekend of the horizon, whether the worker works on it."""
    days = _worked_days(data, shifts)
    return [any(d in days for d in weekend) for weekend in data.weekends]


def rule_max_weekends(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Weekends worked in any window of consecutive weeks within the maximum."""
    limit = data.limits[w].max_weekends_window
    if limit is None:
        return []
    wid = data.workers[w].id
    worked = weekends_worked(data, shifts)
    size = data.scenario.rules.max_weekends.window_weeks
    out = []
    for window in data.weekend_windows():
        n = sum(worked[k] for k in window)
        if n > limit:
            first = data.date(data.weekends[window[0]][0])
            out.append(
                Finding(
                    "max_weekends",
                    wid,
                    (),
                    n - limit,
                    f"{wid} works {n} weekends in {size} weeks from {first} (limit {limit})",
                )
            )
    return out


def rule_max_weekends_in_horizon(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Weekends worked over the whole horizon within the worker's maximum."""
    limit = data.limits[w].max_weekends_horizon
    if limit is None:
        return []
    n = sum(weekends_worked(data, shifts))
    wid = data.workers[w].id
    if n <= limit:
        return []
    return [
        Finding(
            "max_weekends_in_horizon",
            wid,
            (),
            n - limit,
            f"{wid} works {n} weekends (limit {limit})",
        )
    ]


def rule_forbidden_successions(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """No ``then`` shift on the day after a ``first`` shift."""
    pairs = {(p.first, p.then) for p in data.scenario.rules.forbidden_successions.pairs}
    if not pairs:
        return []
    wid = data.workers[w].id
    by_day: dict[int, list[int]] = defaultdict(list)
    for s in shifts:
        by_day[data.shifts[s].day].append(s)
    out = []
    for d, today in sorted(by_day.items()):
        for a in today:
            for b in by_day.get(d + 1, ()):
                sa, sb = data.shifts[a], data.shifts[b]
                if (sa.coverage_id, sb.coverage_id) in pairs:
                    out.append(
                        Finding(
                            "forbidden_successions",
                            wid,
                            (sa.id, sb.id),
                            1,
                            f"{wid} works {sb.coverage_id} right after {sa.coverage_id} "
                            f"({sa.id} → {sb.id})",
                        )
                    )
    return out


def rule_total_hours(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Total worked minutes over the horizon within the worker's min/max."""
    lim = data.limits[w]
    total = sum(data.minutes[s] for s in shifts)
    wid = data.workers[w].id
    out = []
    if lim.max_total_minutes is not None and total > lim.max_total_minutes:
        out.append(
            Finding(
                "total_hours",
                wid,
                (),
                _ceil_hours(total - lim.max_total_minutes),
                f"{wid} works {_hours(total)} in total (maximum {_hours(lim.max_total_minutes)})",
            )
        )
    if lim.min_total_minutes is not None and total < lim.min_total_minutes:
        out.append(
            Finding(
                "total_hours",
                wid,
                (),
                _ceil_hours(lim.min_total_minutes - total),
                f"{wid} works {_hours(total)} in total (minimum {_hours(lim.min_total_minutes)})",
            )
        )
    return out


def rule_max_shifts_of_type(data: ProblemData, w: int, shifts: list[int]) -> list[Finding]:
    """Shifts of each coverage type within the worker's per-type maximum."""
    caps = data.limits[w].max_shifts_of
    if not caps:
        return []
    wid = data.workers[w].id
    count = Counter(data.shifts[s].coverage_id for s in shifts)
    return [
        Finding(
            "max_shifts_of_type",
            wid,
            (),
            count[cov] - cap,
            f"{wid} works {count[cov]} {cov} shifts (maximum {cap})",
        )
        for cov, cap in sorted(caps.items())
        if count[cov] > cap
    ]


#: (rule name, rule settings or None for always-hard, function), in reporting order.
def worker_rules(scenario: Scenario) -> list[tuple[str, Rule | None, WorkerRule]]:
    """Every per-worker rule with its settings."""
    r = scenario.rules
    return [
        ("eligibility", None, rule_static),
        ("overlap", None, rule_overlap),
        ("one_shift_per_day", r.one_shift_per_day, rule_one_shift_per_day),
        ("min_rest_hours", r.min_rest_hours, rule_min_rest),
        ("max_hours_per_week", r.max_hours_per_week, rule_max_hours_per_week),
        ("min_hours_per_week", r.min_hours_per_week, rule_min_hours_per_week),
        ("max_shifts_per_week", r.max_shifts_per_week, rule_max_shifts_per_week),
        ("max_consecutive_days", r.max_consecutive_days, rule_max_consecutive_days),
        ("min_consecutive_days", r.min_consecutive_days, rule_min_consecutive_days),
        ("min_consecutive_days_off", r.min_consecutive_days_off, rule_min_consecutive_days_off),
        ("max_weekends", r.max_weekends, rule_max_weekends),
        ("max_weekends_in_horizon", r.max_weekends_in_horizon, rule_max_weekends_in_horizon),
        ("forbidden_successions", r.forbidden_successions, rule_forbidden_successions),
        ("total_hours", r.total_hours, rule_total_hours),
        ("max_shifts_of_type", r.max_shifts_of_type, rule_max_shifts_of_type),
    ]


def worker_findings(
    data: ProblemData, w: int, shifts: Iterable[int]
) -> tuple[list[Finding], list[tuple[Finding, int]]]:
    """Hard violations and (soft finding, weight) pairs for one worker's shifts."""
    ordered = sorted(set(shifts), key=lambda s: (data.shifts[s].start.astimezone(UTC), s))
    hard: list[Finding] = []
    soft: list[tuple[Finding, int]] = []
    for _, rule, fn in worker_rules(data.scenario):
        if rule is not None and rule.mode is Mode.OFF:
            continue
        found = fn(data, w, ordered)
        if rule is None or rule.mode is Mode.HARD:
            hard.extend(found)
        else:
            soft.extend((f, rule.weight) for f in found)
    return hard, soft


# -- coverage and objective terms -------------------------------------------------


def _coverage(
    data: ProblemData, staffed: list[int], terms: dict[str, int], hard: list[Finding]
) -> None:
    w = data.scenario.weights
    for i, s in enumerate(data.shifts):
        n = staffed[i]
        terms["unfilled"] += s.under_weight * max(0, s.required - n)
        terms["below_target"] += w.below_target * max(0, s.target - max(n, s.required))
        terms["over_target"] += s.over_weight * max(0, n - s.target)
        if s.max is not None and n > s.max:
            hard.append(
                Finding(
                    "coverage_max",
                    None,
                    (s.id,),
                    n - s.max,
                    f"{s.id} has {n} on shift (max {s.max})",
                )
            )


def _preferences(data: ProblemData, by_worker: list[set[int]]) -> int:
    total = 0
    for slot in data.preference_slots:
        worked = by_worker[slot.worker]
        p = slot.preference
        if p.kind == "want":
            total += p.weight * (not any(s in worked for s in slot.shifts))
        else:
            total += p.weight * sum(s in worked for s in slot.shifts)
    return data.scenario.weights.preferences * total


def deviation(value: int, target: int, unit: int = 1) -> int:
    """Whole units (rounded up) between ``value`` and ``target``."""
    return math.ceil(abs(value - target) / unit)


def _fairness(data: ProblemData, by_worker: list[set[int]]) -> tuple[int, int]:
    """Hours, and shifts of each unsocial category (evening, night, weekend, holiday),
    each worker is away from their fair share, summed.

    A fair share is proportional to the worker's capacity (weekly maximum over
    the days they are available); see :meth:`ProblemData.fair_share`.
    """
    if len(data.fair_workers) < 2:
        return 0, 0
    hours = unsocial = 0
    for w in data.fair_workers:
        minutes = sum(data.minutes[s] for s in by_worker[w])
        target = 60 * data.fair_share(w, data.required_minutes, unit=60)
        hours += deviation(minutes, target, unit=60)
        for category, required in data.required_by_category.items():
            count = sum(category in data.categories[s] for s in by_worker[w])
            unsocial += deviation(count, data.fair_share(w, required))
    wt = data.scenario.weights
    return wt.fairness_hours * hours, wt.fairness_unsocial * unsocial


def agency_share_deviation(data: ProblemData, by_worker: list[set[int]]) -> int:
    """Σ over agencies with a target of whole hours (rounded up) away from it.

    An agency's target is its share of the hours the coverage requires.
    """
    dev = 0
    for _, target, members in data.agency_targets:
        minutes = sum(data.minutes[s] for w in members for s in by_worker[w])
        dev += deviation(minutes, 60 * target, unit=60)
    return dev


def check(scenario: Scenario | ProblemData, assignments: Iterable[Assignment]) -> CheckReport:
    """Check a roster against every rule and compute its objective.

    Assignments must name shifts and workers of the scenario (as read by
    :func:`optimizer.roster.read_roster_csv`); anything else raises ``KeyError``.
    """
    data = scenario if isinstance(scenario, ProblemData) else ProblemData(scenario)
    by_worker: list[set[int]] = [set() for _ in data.workers]
    staffed = [0] * len(data.shifts)
    for a in set(assignments):
        s = data.shift_index[a.shift_id]
        by_worker[data.worker_index[a.worker_id]].add(s)
        staffed[s] += 1
    terms: dict[str, int] = dict.fromkeys(TERMS, 0)
    hard: list[Finding] = []
    soft: list[Finding] = []
    for w in range(len(data.workers)):
        h, s_pairs = worker_findings(data, w, by_worker[w])
        hard.extend(h)
        for f, weight in s_pairs:
            soft.append(f)
            key = f"rule:{f.rule}"
            terms[key] = terms.get(key, 0) + weight * f.amount
    _coverage(data, staffed, terms, hard)
    terms["preferences"] = _preferences(data, by_worker)
    terms["fairness_hours"], terms["fairness_unsocial"] = _fairness(data, by_worker)
    terms["agency_share"] = data.scenario.weights.agency_share * agency_share_deviation(
        data, by_worker
    )
    return CheckReport(tuple(hard), tuple(soft), terms)
