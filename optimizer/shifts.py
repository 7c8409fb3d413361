"""Shift expansion: turn coverage lines into concrete, time-zone-aware shifts.

A coverage line says "15:00–23:00, Wed–Sun, 2 people". Expansion produces one
:class:`Shift` per day of the horizon on which that line applies, with aware
start and end datetimes in the scenario's zone. Lengths are real elapsed time:
an overnight 23:00–07:00 shift lasts 9 h on the autumn DST night and 7 h on
the spring one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from optimizer.scenario import WEEKDAYS, Coverage, HolidayHandling, Scenario

UTC = dt.UTC

#: Local clock hours that make a shift a "night" shift if it overlaps them.
NIGHT_HOURS = (0, 6)

#: Local clock hours that make a shift an "evening" shift if it overlaps them.
EVENING_HOURS = (19, 23)

#: Categories of unsocial time that fairness spreads evenly (see Shift.categories).
CATEGORIES = ("evening", "night", "weekend", "holiday")


@dataclass(frozen=True, slots=True)
class Shift:
    """One concrete shift to staff on one day."""

    id: str
    coverage_id: str
    label: str
    date: dt.date
    day: int
    start: dt.datetime
    end: dt.datetime
    required: int
    target: int
    max: int | None
    skills: tuple[str, ...]
    under_weight: int
    over_weight: int
    holiday: str | None

    @property
    def minutes(self) -> int:
        """Real elapsed minutes (DST-aware)."""
        return elapsed_minutes(self.start, self.end)

    @property
    def hours(self) -> float:
        """Real elapsed hours."""
        return self.minutes / 60

    @property
    def weekday(self) -> str:
        """Weekday of the local start date (Mon…Sun)."""
        return WEEKDAYS[self.date.weekday()]

    @property
    def weekend(self) -> bool:
        """True when the shift starts on a Saturday or Sunday."""
        return self.date.weekday() >= 5

    @property
    def night(self) -> bool:
        """True when the shift covers part of 00:00–06:00 local time."""
        tz = self.start.tzinfo
        day = self.date
        for offset in (0, 1):
            d = day + dt.timedelta(days=offset)
            lo = dt.datetime.combine(d, dt.time(NIGHT_HOURS[0]), tzinfo=tz)
            hi = dt.datetime.combine(d, dt.time(NIGHT_HOURS[1]), tzinfo=tz)
            if overlaps(self.start, self.end, lo, hi):
                return True
        return False

    @property
    def evening(self) -> bool:
        """True when the shift covers part of 19:00–23:00 local time on its start date."""
        tz = self.start.tzinfo
        lo = dt.datetime.combine(self.date, dt.time(EVENING_HOURS[0]), tzinfo=tz)
        hi = dt.datetime.combine(self.date, dt.time(EVENING_HOURS[1]), tzinfo=tz)
        return overlaps(self.start, self.end, lo, hi)

    @property
    def categories(self) -> tuple[str, ...]:
        """The unsocial-time categories fairness spreads evenly: evening, night, weekend,
        holiday (a shift can be in several)."""
        flags = (
            ("evening", self.evening),
            ("night", self.night),
            ("weekend", self.weekend),
            ("holiday", self.holiday is not None),
        )
        return tuple(name for name, on in flags if on)

    @property
    def unsocial(self) -> bool:
        """Weekend, holiday or night: the shifts fairness spreads evenly."""
        return self.weekend or self.holiday is not None or self.night

    @property
    def iso_week(self) -> tuple[int, int]:
        """ISO (year, week) of the local start date."""
        year, week, _ = self.date.isocalendar()
        return (year, week)

    def describe(self) -> str:
        """Readable form, e.g. 'Sat 2 Nov 15:00–23:00'."""
        return describe_interval(self.start, self.end)


def elapsed_minutes(start: dt.datetime, end: dt.datetime) -> int:
    """Real minutes between two aware datetimes (subtraction in UTC)."""
    return int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() // 60)


def overlaps(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> bool:
    """True when half-open intervals [a0, a1) and [b0, b1) share time."""
    return a0.astimezone(UTC) < b1.astimezone(UTC) and b0.astimezone(UTC) < a1.astimezone(UTC)


def describe_interval(start: dt.datetime, end: dt.datetime) -> str:
    """'Sat 2 Nov 15:00–23:00' in the datetimes' own zone."""
    day = f"{WEEKDAYS[start.weekday()]} {start.day} {start:%b}"
    return f"{day} {start:%H:%M}–{end:%H:%M}"


def local_datetime(day: dt.date, clock: dt.time, tz: ZoneInfo) -> dt.datetime:
    """Aware datetime for a wall-clock time, normalised through UTC.

    Wall times that do not exist (the spring-forward gap) move forward by the
    gap, as a clock on the wall would.
    """
    naive = dt.datetime.combine(day, clock)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


@lru_cache(maxsize=64)
def holiday_names(country: str, subdiv: str | None, years: tuple[int, ...]) -> dict[dt.date, str]:
    """Statutory holidays for the given years, by date."""
    cal = holidays_lib.country_holidays(country, subdiv=subdiv, years=years)
    return {d: str(name) for d, name in cal.items()}


def scenario_holidays(scenario: Scenario) -> dict[dt.date, str]:
    """Statutory holidays that fall within the scenario's horizon (by local date)."""
    years = tuple(range(scenario.horizon.start.year, scenario.horizon.end.year + 2))
    cal = scenario.holiday_calendar
    return holiday_names(cal.country, cal.subdiv, years)


def _applies(cov: Coverage, day: dt.date, holiday: str | None) -> bool:
    if cov.valid_from and day < cov.valid_from:
        return False
    if cov.valid_to and day > cov.valid_to:
        return False
    if cov.holidays is HolidayHandling.SKIP and holiday:
        return False
    if cov.holidays is HolidayHandling.ONLY:
        return holiday is not None
    return WEEKDAYS[day.weekday()] in cov.days


def expand_shifts(scenario: Scenario) -> tuple[Shift, ...]:
    """Every concrete shift of the horizon, ordered by start then coverage order."""
    tz = scenario.tz
    hols = scenario_holidays(scenario)
    demand = {(d.date, d.coverage): d for d in scenario.demand}
    w = scenario.weights
    shifts: list[Shift] = []
    for day_index, day in enumerate(scenario.horizon.dates()):
        holiday = hols.get(day)
        for cov in scenario.coverage:
            override = demand.get((day, cov.id))
            if override is None and not _applies(cov, day, holiday):
                continue
            start = local_datetime(day, cov.start, tz)
            end_day = day + dt.timedelta(days=1) if cov.overnight else day
            end = local_datetime(end_day, cov.end, tz)
            required = override.required if override else cov.required
            target = override.target if override and override.target is not None else cov.target
            target = max(required, target if target is not None else required)
            cap = override.max if override and override.max is not None else cov.max
            under = cov.under_weight if cov.under_weight is not None else w.unfilled
            if override and override.under_weight is not None:
                under = override.under_weight
            over = cov.over_weight
            if override and override.over_weight is not None:
                over = override.over_weight
            if cap is None and over is None:
                cap = target
            shifts.append(
                Shift(
                    id=f"{cov.id}@{day.isoformat()}",
                    coverage_id=cov.id,
                    label=cov.label,
                    date=day,
                    day=day_index,
                    start=start,
                    end=end,
                    required=required,
                    target=target,
                    max=cap,
                    skills=tuple(cov.skills),
                    under_weight=under,
                    over_weight=over or 0,
                    holiday=holiday,
                )
            )
    return tuple(shifts)
