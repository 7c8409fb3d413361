"""Precomputed lookups on a scenario, so model-building and checking only loop.

:class:`ProblemData` is built once per scenario. It expands the shifts, works
out each worker's limits (the worker's own value, else the rule's), the
static reasons a worker cannot take a shift at all (skills, availability,
assignment dates, time off), and groupings by day and ISO week. The solver,
the checker and the unfilled-shift explanations all read it; none of them
re-derive these facts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from optimizer.scenario import WEEKDAYS, Mode, Preference, Scenario, TimeOff, Worker
from optimizer.shifts import CATEGORIES, Shift, expand_shifts, local_datetime, overlaps

#: Used for fairness when no weekly maximum applies to a worker.
DEFAULT_WEEK_HOURS = 40.0


def hours_to_minutes(hours: float) -> int:
    """Whole minutes for an hours figure (limits may be given as 71.5 h)."""
    return round(hours * 60)


@dataclass(frozen=True, slots=True)
class Limits:
    """A worker's effective limits; ``None`` means the rule does not apply."""

    max_week_minutes: int | None
    min_week_minutes: int | None
    max_shifts_week: int | None
    max_consecutive_days: int | None
    min_consecutive_days: int | None
    min_consecutive_days_off: int | None
    max_weekends_window: int | None
    max_weekends_horizon: int | None
    max_total_minutes: int | None
    min_total_minutes: int | None
    max_shifts_of: dict[str, int]


def _pick(rule_active: bool, worker_value: float | None, rule_value: float | None) -> float | None:
    if not rule_active:
        return None
    return worker_value if worker_value is not None else rule_value


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)


def _minutes_or_none(value: float | None) -> int | None:
    return None if value is None else hours_to_minutes(value)


def worker_limits(scenario: Scenario, w: Worker) -> Limits:
    """Resolve a worker's limits from their contract and the scenario's rules."""
    r = scenario.rules
    return Limits(
        max_week_minutes=_minutes_or_none(
            _pick(r.max_hours_per_week.active, w.max_hours_per_week, r.max_hours_per_week.value)
        ),
        min_week_minutes=_minutes_or_none(
            _pick(r.min_hours_per_week.active, w.min_hours_per_week, r.min_hours_per_week.value)
        ),
        max_shifts_week=_int_or_none(
            _pick(r.max_shifts_per_week.active, w.max_shifts_per_week, r.max_shifts_per_week.value)
        ),
        max_consecutive_days=_int_or_none(
            _pick(
                r.max_consecutive_days.active, w.max_consecutive_days, r.max_consecutive_days.value
            )
        ),
        min_consecutive_days=_int_or_none(
            _pick(
                r.min_consecutive_days.active, w.min_consecutive_days, r.min_consecutive_days.value
            )
        ),
        min_consecutive_days_off=_int_or_none(
            _pick(
                r.min_consecutive_days_off.active,
                w.min_consecutive_days_off,
                r.min_consecutive_days_off.value,
            )
        ),
        max_weekends_window=_int_or_none(_pick(r.max_weekends.active, None, r.max_weekends.value)),
        max_weekends_horizon=w.max_weekends if r.max_weekends_in_horizon.active else None,
        max_total_minutes=_minutes_or_none(w.max_total_hours) if r.total_hours.active else None,
        min_total_minutes=_minutes_or_none(w.min_total_hours) if r.total_hours.active else None,
        max_shifts_of=dict(w.max_shifts) if r.max_shifts_of_type.active else {},
    )


def time_off_interval(t: TimeOff, scenario: Scenario) -> tuple[dt.datetime, dt.datetime]:
    """Time off as an aware half-open interval; dates are whole local days, inclusive."""
    tz = scenario.tz
    if isinstance(t.start, dt.datetime) and isinstance(t.end, dt.datetime):
        start = t.start if t.start.tzinfo else t.start.replace(tzinfo=tz)
        end = t.end if t.end.tzinfo else t.end.replace(tzinfo=tz)
        return start, end
    assert isinstance(t.start, dt.date) and isinstance(t.end, dt.date)
    return (
        local_datetime(t.start, dt.time(0), tz),
        local_datetime(t.end + dt.timedelta(days=1), dt.time(0), tz),
    )


def _in_windows(w: Worker, s: Shift) -> bool:
    """True when the shift lies entirely inside one of the worker's windows."""
    assert w.windows is not None
    tz = s.start.tzinfo
    for win in w.windows:
        for offset in (0, -1):  # a window opened the day before may run overnight
            day = s.date + dt.timedelta(days=offset)
            if WEEKDAYS[day.weekday()] not in win.days:
                continue
            lo = dt.datetime.combine(day, win.start, tzinfo=tz)
            end_day = day + dt.timedelta(days=1) if win.overnight else day
            hi = dt.datetime.combine(end_day, win.end, tzinfo=tz)
            if lo <= s.start and s.end <= hi:
                return True
    return False


@dataclass(frozen=True, slots=True)
class PreferenceSlot:
    """One preference applied to one date: the shifts it matches there."""

    preference: Preference
    worker: int
    date: dt.date
    shifts: tuple[int, ...]


class ProblemData:
    """Read-only lookups for one scenario, built once."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.shifts: tuple[Shift, ...] = expand_shifts(scenario)
        self.workers: tuple[Worker, ...] = scenario.workers
        self.shift_index = {s.id: i for i, s in enumerate(self.shifts)}
        self.worker_index = {w.id: i for i, w in enumerate(self.workers)}
        self.num_days = scenario.horizon.days
        self.minutes = tuple(s.minutes for s in self.shifts)
        self.limits = tuple(worker_limits(scenario, w) for w in self.workers)
        # Time off as seconds since the epoch (real time, whatever the DST):
        # eligibility tests every shift against it (80 workers × 52 weeks:
        # 340,000 tests, 1 s as datetimes).
        self._time_off: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
        for t in scenario.time_off:
            start, end = time_off_interval(t, scenario)
            self._time_off[t.worker].append((start.timestamp(), end.timestamp(), t.reason))

    def date(self, day: int) -> dt.date:
        """Local date of horizon day ``day``."""
        return self.scenario.horizon.start + dt.timedelta(days=day)

    # -- static eligibility -------------------------------------------------

    def static_reasons(self, w: int, s: int) -> list[str]:
        """Why worker ``w`` can never take shift ``s`` (empty when they can)."""
        worker, shift = self.workers[w], self.shifts[s]
        reasons = []
        missing = [k for k in shift.skills if k not in worker.skills]
        if missing:
            reasons.append(f"lacks skill {', '.join(missing)}")
        if worker.start_date and shift.date < worker.start_date:
            reasons.append(f"starts on {worker.start_date}")
        if worker.end_date and shift.date > worker.end_date:
            reasons.append(f"assignment ended {worker.end_date}")
        if worker.available_days is not None and shift.weekday not in worker.available_days:
            reasons.append(f"not available on {shift.weekday}")
        if worker.windows is not None and not _in_windows(worker, shift):
            reasons.append("outside their working hours")
        off = self._time_off.get(worker.id)
        if off:
            lo, hi = shift.start.timestamp(), shift.end.timestamp()
            for start, end, why in off:
                if start < hi and lo < end:
                    reasons.append(f"on time off{f' ({why})' if why else ''}")
                    break
        cap = self.limits[w].max_shifts_of.get(shift.coverage_id)
        if cap == 0 and self.scenario.rules.max_shifts_of_type.mode is Mode.HARD:
            reasons.append(f"does not work {shift.coverage_id} shifts")
        return reasons

    @cached_property
    def instants(self) -> tuple[tuple[int, int], ...]:
        """Each shift's start and end in minutes since the Unix epoch.

        Real time: a gap between two shifts across a DST change is the time
        that actually passes (aware datetimes in one zone subtract and compare
        by the wall clock, an hour off that night).
        """
        return tuple(
            (int(s.start.timestamp()) // 60, int(s.end.timestamp()) // 60) for s in self.shifts
        )

    @cached_property
    def eligible(self) -> tuple[tuple[int, ...], ...]:
        """For each worker, the shift indices they may ever take."""
        return tuple(
            tuple(s for s in range(len(self.shifts)) if not self.static_reasons(w, s))
            for w in range(len(self.workers))
        )

    # -- groupings ----------------------------------------------------------

    @cached_property
    def shifts_by_day(self) -> tuple[tuple[int, ...], ...]:
        """Shift indices by horizon day of their local start date."""
        days: list[list[int]] = [[] for _ in range(self.num_days)]
        for i, s in enumerate(self.shifts):
            days[s.day].append(i)
        return tuple(tuple(d) for d in days)

    @cached_property
    def weeks(self) -> dict[tuple[int, int], tuple[int, ...]]:
        """Horizon days grouped by ISO week (year, week) of the local date."""
        out: dict[tuple[int, int], list[int]] = defaultdict(list)
        for d, date in enumerate(self.scenario.horizon.dates()):
            year, week, _ = date.isocalendar()
            out[(year, week)].append(d)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def weekends(self) -> tuple[tuple[int, ...], ...]:
        """Horizon days of each weekend (Sat, Sun of one ISO week), in order."""
        out: dict[tuple[int, int], list[int]] = defaultdict(list)
        for d, date in enumerate(self.scenario.horizon.dates()):
            if date.weekday() >= 5:
                year, week, _ = date.isocalendar()
                out[(year, week)].append(d)
        return tuple(tuple(v) for _, v in sorted(out.items()))

    def weekend_windows(self) -> tuple[tuple[int, ...], ...]:
        """Sliding windows of weekend indices for the rolling weekend rule."""
        n = len(self.weekends)
        size = self.scenario.rules.max_weekends.window_weeks
        if n == 0:
            return ()
        if n <= size:
            return (tuple(range(n)),)
        return tuple(tuple(range(i, i + size)) for i in range(n - size + 1))

    def full_weeks(self, w: int) -> tuple[tuple[tuple[int, int], tuple[int, ...]], ...]:
        """ISO weeks fully inside the horizon and worker ``w``'s assignment, with no time off.

        The weekly minimum applies to these weeks only: a part week or a week
        with leave has no fair minimum.
        """
        worker = self.workers[w]
        out = []
        for key, days in self.weeks.items():
            if len(days) < 7:
                continue
            dates = [self.scenario.horizon.start + dt.timedelta(days=d) for d in days]
            if worker.start_date and dates[0] < worker.start_date:
                continue
            if worker.end_date and dates[-1] > worker.end_date:
                continue
            tz = self.scenario.tz
            lo = local_datetime(dates[0], dt.time(0), tz).timestamp()
            hi = local_datetime(dates[-1] + dt.timedelta(days=1), dt.time(0), tz).timestamp()
            if any(a < hi and lo < b for a, b, _ in self._time_off.get(worker.id, ())):
                continue
            out.append((key, days))
        return tuple(out)

    # -- fairness -----------------------------------------------------------

    @cached_property
    def capacity_minutes(self) -> tuple[int, ...]:
        """Minutes each worker could work over the horizon: weekly maximum × days
        in their assignment and not on time off, capped by their total maximum."""
        out = []
        tz = self.scenario.tz
        for w, worker in enumerate(self.workers):
            lim = self.limits[w]
            week = lim.max_week_minutes
            if week is None:
                week = hours_to_minutes(worker.max_hours_per_week or DEFAULT_WEEK_HOURS)
            leave = self._time_off.get(worker.id, ())
            days = 0
            for date in self.scenario.horizon.dates():
                if worker.start_date and date < worker.start_date:
                    continue
                if worker.end_date and date > worker.end_date:
                    continue
                lo = local_datetime(date, dt.time(0), tz).timestamp()
                hi = local_datetime(date + dt.timedelta(days=1), dt.time(0), tz).timestamp()
                if any(a <= lo and hi <= b for a, b, _ in leave):
                    continue
                days += 1
            cap = week * days // 7
            if lim.max_total_minutes is not None:
                cap = min(cap, lim.max_total_minutes)
            out.append(cap)
        return tuple(out)

    @cached_property
    def fair_workers(self) -> tuple[int, ...]:
        """Workers compared for fairness: some capacity and at least one eligible shift."""
        return tuple(
            w for w in range(len(self.workers)) if self.capacity_minutes[w] > 0 and self.eligible[w]
        )

    @cached_property
    def fair_scale(self) -> int:
        """Total capacity of the fairness workers (the denominator of fair shares)."""
        return sum(self.capacity_minutes[w] for w in self.fair_workers)

    @cached_property
    def required_minutes(self) -> int:
        """Person-minutes the coverage requires over the horizon."""
        return sum(s.required * self.minutes[i] for i, s in enumerate(self.shifts))

    @cached_property
    def categories(self) -> tuple[frozenset[str], ...]:
        """Each shift's unsocial categories (evening, night, weekend, holiday)."""
        return tuple(frozenset(s.categories) for s in self.shifts)

    @cached_property
    def required_by_category(self) -> dict[str, int]:
        """Person-shifts the coverage requires in each unsocial category that occurs."""
        out: dict[str, int] = {}
        for i, s in enumerate(self.shifts):
            for category in self.categories[i]:
                out[category] = out.get(category, 0) + s.required
        return {k: out[k] for k in CATEGORIES if k in out}

    def fair_share(self, w: int, amount: int, unit: int = 1) -> int:
        """Worker ``w``'s fair share of ``amount``, in whole ``unit``s (rounded).

        The share is proportional to capacity: amount × capacity_w / Σ capacity.
        It is rounded to a whole unit so that a roster can meet it exactly.
        """
        if not self.fair_scale:
            return 0
        return round(amount * self.capacity_minutes[w] / (self.fair_scale * unit))

    @cached_property
    def agency_targets(self) -> tuple[tuple[str, int, tuple[int, ...]], ...]:
        """Each agency with a target share: its id, its target and its workers.

        The target is the agency's share of the hours the coverage requires,
        in whole hours.
        """
        return tuple(
            (
                a.id,
                round(a.target_share * self.required_minutes / 60),
                tuple(w for w, x in enumerate(self.workers) if x.agency == a.id),
            )
            for a in self.scenario.agencies
            if a.target_share is not None
        )

    # -- preferences --------------------------------------------------------

    @cached_property
    def preference_slots(self) -> tuple[PreferenceSlot, ...]:
        """Each preference expanded to the dates it applies to and shifts it matches."""
        out = []
        by_date: dict[dt.date, list[int]] = defaultdict(list)
        for i, s in enumerate(self.shifts):
            by_date[s.date].append(i)
        for p in self.scenario.preferences:
            w = self.worker_index[p.worker]
            for date in self.scenario.horizon.dates():
                if p.date is not None and date != p.date:
                    continue
                if p.weekday is not None and WEEKDAYS[date.weekday()] != p.weekday:
                    continue
                matched = tuple(i for i in by_date.get(date, ()) if self._pref_matches(p, i))
                if matched:
                    out.append(PreferenceSlot(p, w, date, matched))
        return tuple(out)

    @cached_property
    def preference_costs(self) -> tuple[dict[int, int], ...]:
        """Per worker, what preferences charge for a shift worked (key: the
        shift) and for a day off (key: −1 − day); absent keys cost nothing.

        A want is paid on its date unless one of its shifts is worked, so it
        charges every other shift of that day and the day off; an avoid
        charges its shifts.
        """
        scale = self.scenario.weights.preferences
        out: list[dict[int, int]] = [{} for _ in self.workers]
        for slot in self.preference_slots:
            costs = out[slot.worker]
            weight = scale * slot.preference.weight
            day = self.shifts[slot.shifts[0]].day
            if slot.preference.kind == "want":
                hit = set(slot.shifts)
                for s in self.shifts_by_day[day]:
                    if s not in hit:
                        costs[s] = costs.get(s, 0) + weight
                costs[-1 - day] = costs.get(-1 - day, 0) + weight
            else:
                for s in slot.shifts:
                    costs[s] = costs.get(s, 0) + weight
        return tuple(out)

    def _pref_matches(self, p: Preference, s: int) -> bool:
        shift = self.shifts[s]
        if p.coverage is not None and shift.coverage_id != p.coverage:
            return False
        if p.window is not None:
            tz = shift.start.tzinfo
            lo = dt.datetime.combine(shift.date, p.window.start, tzinfo=tz)
            end_day = shift.date + dt.timedelta(days=1) if p.window.overnight else shift.date
            hi = dt.datetime.combine(end_day, p.window.end, tzinfo=tz)
            if not overlaps(shift.start, shift.end, lo, hi):
                return False
        return True

    # -- costs --------------------------------------------------------------

    def hourly_cost(self, w: int) -> float:
        """A worker's hourly cost: their own, else their agency's."""
        worker = self.workers[w]
        if worker.hourly_cost is not None:
            return worker.hourly_cost
        return self.scenario.agency(worker.agency).hourly_cost
