"""The scenario model: everything a program manager describes about a program.

A scenario is a frozen, validated pydantic object. It is loaded once at the
boundary (:func:`optimizer.io.load_scenario`), checked there, and every other
part of shiftcover — shift expansion, solver, checker, analytics, exports —
reads it without changing it. Derived variants are made with
``scenario.model_copy(update=...)``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_ALIASES = {
    **{d.lower(): i for i, d in enumerate(WEEKDAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}


def _parse_weekday(value: object) -> str:
    if isinstance(value, int) and 0 <= value <= 6:
        return WEEKDAYS[value]
    if isinstance(value, str) and value.strip().lower() in _WEEKDAY_ALIASES:
        return WEEKDAYS[_WEEKDAY_ALIASES[value.strip().lower()]]
    raise ValueError(f"expected a weekday such as Mon, Tue, … Sun, got {value!r}")


def _parse_weekdays(value: object) -> object:
    """Accept 'Wed-Sun', 'Mon,Tue', 'daily'/'all', or a list of weekdays."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("", "none"):
            return []
        if text in ("daily", "all", "every day", "*"):
            return list(WEEKDAYS)
        if text in ("weekdays",):
            return list(WEEKDAYS[:5])
        if text in ("weekends", "weekend"):
            return list(WEEKDAYS[5:])
        parts: list[str] = []
        for chunk in text.replace(";", ",").replace("|", ",").replace(" ", ",").split(","):
            if not chunk:
                continue
            if "-" in chunk:
                a, b = (_WEEKDAY_ALIASES.get(x) for x in chunk.split("-", 1))
                if a is None or b is None:
                    raise ValueError(f"expected a weekday range such as Wed-Sun, got {chunk!r}")
                i = a
                while True:
                    parts.append(WEEKDAYS[i])
                    if i == b:
                        break
                    i = (i + 1) % 7
            else:
                parts.append(_parse_weekday(chunk))
        return parts
    return value


def _parse_clock(value: object) -> object:
    """Accept 'HH:MM', 'HH:MM:SS', 'HHMM', integers of hours, or a time."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if value == 24:
            return dt.time(0, 0)
        if 0 <= value <= 23:
            return dt.time(value, 0)
        # YAML 1.1 reads 15:00 as the sexagesimal integer 900.
        if 0 <= value < 24 * 60:
            return dt.time(value // 60, value % 60)
    if isinstance(value, str):
        text = value.strip()
        if text in ("24:00", "24:00:00"):
            return dt.time(0, 0)
        for fmt in ("%H:%M", "%H:%M:%S", "%H%M"):
            try:
                return dt.datetime.strptime(text, fmt).time()
            except ValueError:
                continue
    raise ValueError(f"expected a clock time such as 15:00, got {value!r}")


def _split_list(value: object) -> object:
    """Lists may be written inline in CSV cells: 'a|b', 'a;b' or 'a, b'."""
    if value is None:
        return []
    if isinstance(value, float) and value != value:  # NaN from a blank CSV cell
        return []
    if isinstance(value, str):
        for sep in ("|", ";", ","):
            if sep in value:
                return [v.strip() for v in value.split(sep) if v.strip()]
        return [value.strip()] if value.strip() else []
    return value


def _date_or_datetime(value: object) -> object:
    """'2024-10-11' is a whole date; '2024-10-11T12:00' (or with a space) a datetime."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"expected a date (2024-10-11) or a datetime (2024-10-11T12:00), got {value!r}"
            ) from None
    return value


Weekday = Annotated[str, BeforeValidator(_parse_weekday)]
DateOrDatetime = Annotated[dt.datetime | dt.date, BeforeValidator(_date_or_datetime)]
Weekdays = Annotated[tuple[Weekday, ...], BeforeValidator(_parse_weekdays)]
Clock = Annotated[dt.time, BeforeValidator(_parse_clock)]
StrList = Annotated[tuple[str, ...], BeforeValidator(_split_list)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]


class Model(BaseModel):
    """Base for every scenario record: immutable and strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Mode(StrEnum):
    """How a rule is enforced."""

    HARD = "hard"
    SOFT = "soft"
    OFF = "off"


class Horizon(Model):
    """The planning period: whole weeks from a start date."""

    start: dt.date
    weeks: int = Field(ge=1, le=104)

    @property
    def days(self) -> int:
        """Number of days in the horizon."""
        return 7 * self.weeks

    @property
    def end(self) -> dt.date:
        """Last day of the horizon (inclusive)."""
        return self.start + dt.timedelta(days=self.days - 1)

    def dates(self) -> tuple[dt.date, ...]:
        """Every local date of the horizon, in order."""
        return tuple(self.start + dt.timedelta(days=i) for i in range(self.days))


class Agency(Model):
    """A partner agency that employs workers."""

    id: Id
    name: str
    target_share: float | None = Field(
        default=None, ge=0, le=1, description="Target share of staffed hours (soft)."
    )
    hourly_cost: float = Field(default=0.0, ge=0, description="Default hourly cost of a worker.")
    default_max_hours_per_week: float = Field(default=40.0, gt=0, le=168)
    default_skills: StrList = ()
    contact: str | None = None


class TimeWindow(Model):
    """Days of the week and a clock window in which a worker can work."""

    days: Weekdays = WEEKDAYS
    start: Clock = dt.time(0, 0)
    end: Clock = dt.time(0, 0)

    @property
    def overnight(self) -> bool:
        """True when the window ends the next day (end ≤ start)."""
        return self.end <= self.start


class Worker(Model):
    """A person who can be rostered, with their contract and availability.

    Per-worker limits left unset take the value of the matching rule.
    """

    id: Id
    name: str
    agency: Id
    skills: StrList = ()
    max_hours_per_week: float | None = Field(default=None, ge=0, le=168)
    min_hours_per_week: float | None = Field(default=None, ge=0, le=168)
    available_days: Weekdays | None = None
    windows: tuple[TimeWindow, ...] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    hourly_cost: float | None = Field(default=None, ge=0)
    max_total_hours: float | None = Field(default=None, ge=0)
    min_total_hours: float | None = Field(default=None, ge=0)
    max_shifts: dict[str, int] = Field(
        default_factory=dict,
        description="Max shifts of a coverage id over the horizon; 0 = cannot work it.",
    )
    max_shifts_per_week: int | None = Field(default=None, ge=0)
    max_consecutive_days: int | None = Field(default=None, ge=1)
    min_consecutive_days: int | None = Field(default=None, ge=1)
    min_consecutive_days_off: int | None = Field(default=None, ge=1)
    max_weekends: int | None = Field(
        default=None, ge=0, description="Max weekends worked over the whole horizon."
    )
    placeholder: bool = Field(default=False, description="A planned hire, not a real person.")

    @model_validator(mode="after")
    def _check(self) -> Worker:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(
                f"worker {self.id}: end_date {self.end_date} is before start_date {self.start_date}"
            )
        if (
            self.max_hours_per_week is not None
            and self.min_hours_per_week is not None
            and self.min_hours_per_week > self.max_hours_per_week
        ):
            raise ValueError(f"worker {self.id}: min_hours_per_week exceeds max_hours_per_week")
        if (
            self.max_total_hours is not None
            and self.min_total_hours is not None
            and self.min_total_hours > self.max_total_hours
        ):
            raise ValueError(f"worker {self.id}: min_total_hours exceeds max_total_hours")
        for cov, n in self.max_shifts.items():
            if n < 0:
                raise ValueError(f"worker {self.id}: max_shifts[{cov}] must be ≥ 0, got {n}")
        return self


class TimeOff(Model):
    """A period a worker cannot work: whole dates (inclusive) or exact datetimes."""

    worker: Id
    start: DateOrDatetime
    end: DateOrDatetime
    reason: str = ""

    @model_validator(mode="after")
    def _check(self) -> TimeOff:
        if isinstance(self.start, dt.datetime) != isinstance(self.end, dt.datetime):
            raise ValueError(
                f"time off for {self.worker}: start and end must both be dates or both datetimes"
            )
        if self.end < self.start:
            raise ValueError(
                f"time off for {self.worker}: end {self.end} is before start {self.start}"
            )
        return self


class Preference(Model):
    """A worker's wish to work ("want") or not to work ("avoid") certain shifts.

    The preference matches shifts on a weekday or a date, of a coverage id or
    overlapping a clock window. A violated "want" costs ``weight`` once per
    matching date the worker does not work a matching shift; a violated
    "avoid" costs ``weight`` for each matching shift worked.
    """

    worker: Id
    kind: Literal["want", "avoid"]
    weekday: Weekday | None = None
    date: dt.date | None = None
    coverage: Id | None = None
    window: TimeWindow | None = None
    weight: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _check(self) -> Preference:
        if self.weekday is None and self.date is None:
            raise ValueError(f"preference of {self.worker}: give a weekday or a date")
        if self.weekday is not None and self.date is not None:
            raise ValueError(f"preference of {self.worker}: give a weekday or a date, not both")
        return self


class HolidayHandling(StrEnum):
    """What a coverage line does on statutory holidays."""

    INCLUDE = "include"
    SKIP = "skip"
    ONLY = "only"


class Coverage(Model):
    """A recurring shift to staff: days of the week, clock times and headcount.

    ``end <= start`` means the shift ends the next day.
    """

    id: Id
    name: str | None = None
    days: Weekdays = WEEKDAYS
    start: Clock
    end: Clock
    required: int = Field(default=1, ge=0)
    target: int | None = Field(default=None, ge=0)
    max: int | None = Field(
        default=None, ge=0, description="Hard cap on headcount; default max(required, target)."
    )
    skills: StrList = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    holidays: HolidayHandling = HolidayHandling.INCLUDE
    under_weight: int | None = Field(
        default=None, ge=0, description="Penalty per missing person; default weights.unfilled."
    )
    over_weight: int | None = Field(
        default=None,
        ge=0,
        description=(
            "Penalty per person above target. Unset: headcount is capped at max (default "
            "max(required, target)). Set (even to 0): staffing above target is allowed at "
            "this price unless max is also set."
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> Coverage:
        if self.target is not None and self.target < self.required:
            raise ValueError(
                f"coverage {self.id}: target {self.target} is below required {self.required}"
            )
        if self.max is not None and self.max < max(self.required, self.target or 0):
            raise ValueError(f"coverage {self.id}: max {self.max} is below required/target")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"coverage {self.id}: valid_to is before valid_from")
        if self.start == self.end and self.start != dt.time(0, 0):
            pass  # a 24-hour shift is legitimate
        return self

    @property
    def overnight(self) -> bool:
        """True when the shift ends on the next day."""
        return self.end <= self.start

    @property
    def label(self) -> str:
        """Readable name for reports."""
        return self.name or self.id


class Demand(Model):
    """A date-specific override of a coverage line's headcount and penalties."""

    date: dt.date
    coverage: Id
    required: int = Field(ge=0)
    target: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    under_weight: int | None = Field(default=None, ge=0)
    over_weight: int | None = Field(default=None, ge=0)


class Rule(Model):
    """A labour rule: hard, soft (with a weight per unit of violation) or off."""

    mode: Mode = Mode.HARD
    weight: int = Field(default=100, ge=0)

    @property
    def active(self) -> bool:
        """True unless the rule is switched off."""
        return self.mode is not Mode.OFF


class ValueRule(Rule):
    """A rule with a numeric limit; workers may override the limit."""

    value: float | None = None


class RunRule(ValueRule):
    """A minimum run-length rule; runs touching the horizon ends can be exempt."""

    boundary: Literal["exempt", "count"] = "exempt"


class WeekendRule(ValueRule):
    """At most ``value`` weekends worked in any ``window_weeks`` consecutive weeks."""

    window_weeks: int = Field(default=4, ge=1)


class Succession(Model):
    """A forbidden pair: coverage ``first`` on one day, then ``then`` the next day."""

    first: Id
    then: Id


class SuccessionRule(Rule):
    """Forbidden successions of shift types on consecutive days."""

    pairs: tuple[Succession, ...] = ()


def _off() -> dict[str, str]:
    return {"mode": "off"}


class Rules(Model):
    """The labour rules. Each one is hard, soft with a weight, or off."""

    min_rest_hours: ValueRule = ValueRule(value=11)
    max_hours_per_week: ValueRule = ValueRule(value=40)
    min_hours_per_week: ValueRule = ValueRule(mode=Mode.SOFT, weight=1, value=None)
    max_shifts_per_week: ValueRule = ValueRule(value=5)
    max_consecutive_days: ValueRule = ValueRule(value=5)
    min_consecutive_days: RunRule = RunRule(mode=Mode.OFF)
    min_consecutive_days_off: RunRule = RunRule(value=None)
    max_weekends: WeekendRule = WeekendRule(value=None)
    one_shift_per_day: Rule = Rule()
    forbidden_successions: SuccessionRule = SuccessionRule()
    total_hours: Rule = Rule()
    max_shifts_of_type: Rule = Rule()
    max_weekends_in_horizon: Rule = Rule()


class Weights(Model):
    """Weights of the objective terms. The defaults put coverage first.

    Units: ``unfilled`` and ``below_target`` per missing person-shift;
    ``preferences`` multiplies each preference's own weight; ``fairness_hours``
    per hour a worker is away from their fair share of the required hours
    (shares proportional to capacity: weekly maximum × days available);
    ``fairness_unsocial`` per shift a worker is away from their fair share of
    evening, night, weekend and holiday shifts (each category counted
    separately); ``agency_share`` per hour an agency is away from its target
    share of the required hours.
    """

    unfilled: int = Field(default=1000, ge=0)
    below_target: int = Field(default=100, ge=0)
    preferences: int = Field(default=10, ge=0)
    fairness_hours: int = Field(default=2, ge=0)
    fairness_unsocial: int = Field(default=5, ge=0)
    agency_share: int = Field(default=1, ge=0)


class HolidayCalendar(Model):
    """Which statutory holidays apply (via the ``holidays`` package)."""

    country: str = "CA"
    subdiv: str | None = "ON"


class Scenario(Model):
    """A complete program description: who, when, under which rules."""

    id: Id = "scenario"
    name: str = "Scenario"
    description: str = ""
    timezone: str = "America/Toronto"
    horizon: Horizon
    holiday_calendar: HolidayCalendar = HolidayCalendar()
    agencies: tuple[Agency, ...]
    workers: tuple[Worker, ...]
    time_off: tuple[TimeOff, ...] = ()
    preferences: tuple[Preference, ...] = ()
    coverage: tuple[Coverage, ...]
    demand: tuple[Demand, ...] = ()
    rules: Rules = Rules()
    weights: Weights = Weights()
    contact: str | None = Field(default=None, description="Program contact shown in calendars.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as America/Toronto"
            ) from None
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        errors: list[str] = []
        _unique("agencies", [a.id for a in self.agencies], errors)
        _unique("workers", [w.id for w in self.workers], errors)
        _unique("coverage", [c.id for c in self.coverage], errors)
        agencies = {a.id for a in self.agencies}
        workers = {w.id for w in self.workers}
        coverage = {c.id for c in self.coverage}
        for i, w in enumerate(self.workers):
            if w.agency not in agencies:
                errors.append(
                    f"workers[{i}] ({w.id}): unknown agency {w.agency!r}; "
                    f"known: {', '.join(sorted(agencies))}"
                )
            for cov in w.max_shifts:
                if cov not in coverage:
                    errors.append(
                        f"workers[{i}] ({w.id}): max_shifts names unknown coverage {cov!r}"
                    )
        for i, t in enumerate(self.time_off):
            if t.worker not in workers:
                errors.append(f"time_off[{i}]: unknown worker {t.worker!r}")
        for i, p in enumerate(self.preferences):
            if p.worker not in workers:
                errors.append(f"preferences[{i}]: unknown worker {p.worker!r}")
            if p.coverage is not None and p.coverage not in coverage:
                errors.append(f"preferences[{i}]: unknown coverage {p.coverage!r}")
        for i, d in enumerate(self.demand):
            if d.coverage not in coverage:
                errors.append(f"demand[{i}]: unknown coverage {d.coverage!r}")
        for i, s in enumerate(self.rules.forbidden_successions.pairs):
            for cov in (s.first, s.then):
                if cov not in coverage:
                    errors.append(
                        f"rules.forbidden_successions.pairs[{i}]: unknown coverage {cov!r}"
                    )
        shares = [a.target_share for a in self.agencies if a.target_share is not None]
        if shares and sum(shares) > 1.0 + 1e-6:
            errors.append(f"agencies: target shares add up to {sum(shares):.3f}, more than 1")
        _overlapping_time_off(self.time_off, errors)
        if errors:
            raise ValueError("; ".join(errors))
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The scenario's time zone."""
        return ZoneInfo(self.timezone)

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id."""
        return next(a for a in self.agencies if a.id == agency_id)

    def worker(self, worker_id: str) -> Worker:
        """The worker with this id."""
        return next(w for w in self.workers if w.id == worker_id)


def _unique(section: str, ids: list[str], errors: list[str]) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            errors.append(f"{section}[{i}]: duplicate id {x!r}")
        seen.add(x)


def _as_interval(t: TimeOff) -> tuple[dt.datetime, dt.datetime]:
    """Time off as a naive local half-open interval, for overlap tests only."""
    if isinstance(t.start, dt.datetime) and isinstance(t.end, dt.datetime):
        return t.start.replace(tzinfo=None), t.end.replace(tzinfo=None)
    start = dt.datetime.combine(t.start, dt.time())
    end = dt.datetime.combine(t.end, dt.time()) + dt.timedelta(days=1)
    return start, end


def _overlapping_time_off(entries: tuple[TimeOff, ...], errors: list[str]) -> None:
    by_worker: dict[str, list[tuple[int, tuple[dt.datetime, dt.datetime]]]] = {}
    for i, t in enumerate(entries):
        by_worker.setdefault(t.worker, []).append((i, _as_interval(t)))
    for worker, items in by_worker.items():
        items.sort(key=lambda x: x[1])
        for (i, (_, e1)), (j, (s2, _)) in itertools.pairwise(items):
            if s2 < e1:
                errors.append(
                    f"time_off[{j}]: overlaps time_off[{i}] for worker {worker}; merge them"
                )
