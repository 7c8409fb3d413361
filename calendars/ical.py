"""Rendering calendars as RFC 5545 ``.ics`` bytes with the ``icalendar`` library.

Times are written with the scenario's TZID and a matching VTIMEZONE, so a
phone shows 15:00 whatever zone it is in, and the UTC instant is exact on DST
days. The one local time a TZID cannot name — the second 01:30 of the autumn
night — is written in UTC instead.

Output is deterministic: properties in icalendar's canonical order, events
sorted by start then UID, VTIMEZONE covering whole years. Only DTSTAMP, the
time an event was last revised, depends on when a calendar is built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vDuration

from calendars.plan import CalendarSpec, EventSpec, EventStatus, plan_calendars
from optimizer.roster import Assignment
from optimizer.scenario import Scenario

PRODID = "-//shiftcover//shiftcover calendars 1.0//EN"

#: How often subscribed clients are asked to re-read a published calendar.
REFRESH = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Revision:
    """An event as published: its content, SEQUENCE and DTSTAMP."""

    spec: EventSpec
    sequence: int
    stamp: dt.datetime


def ical_datetime(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The datetime to write for an instant: local to ``tz``, or UTC when ambiguous.

    A TZID local time in the repeated autumn hour means its first occurrence
    (RFC 5545 §3.3.5), so the second occurrence is written in UTC.
    """
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} cannot be placed in a calendar")
    local = value.astimezone(tz)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return value.astimezone(dt.UTC)
    return local


def content_hash(spec: EventSpec, tz: ZoneInfo) -> str:
    """A digest of everything a subscriber sees in an event except SEQUENCE and DTSTAMP.

    Canonical JSON rather than the rendered text, so that an icalendar
    upgrade that changes line folding does not bump every SEQUENCE.
    """
    payload = {
        "uid": spec.uid,
        "summary": spec.summary,
        "description": spec.description,
        "start": ical_datetime(spec.start, tz).isoformat(),
        "end": ical_datetime(spec.end, tz).isoformat(),
        "categories": list(spec.categories),
        "status": spec.status.value,
        "busy": spec.busy,
        "alarm": spec.alarm_minutes,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_event(revision: Revision, tz: ZoneInfo) -> Event:
    """One VEVENT (with its VALARM when asked for)."""
    spec = revision.spec
    event = Event()
    event.add("uid", spec.uid)
    event.add("dtstamp", revision.stamp.astimezone(dt.UTC))
    event.add("sequence", revision.sequence)
    event.add("dtstart", ical_datetime(spec.start, tz))
    event.add("dtend", ical_datetime(spec.end, tz))
    event.add("summary", spec.summary)
    event.add("description", spec.description)
    if spec.categories:
        event.add("categories", list(spec.categories))
    event.add("status", spec.status.value)
    event.add("transp", "OPAQUE" if spec.busy else "TRANSPARENT")
    if spec.alarm_minutes is not None and spec.status is EventStatus.CONFIRMED:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{spec.summary} starts in {_duration(spec.alarm_minutes)}")
        alarm.add("trigger", dt.timedelta(minutes=-spec.alarm_minutes))
        event.add_component(alarm)
    return event


def _duration(minutes: int) -> str:
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


@lru_cache(maxsize=32)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    # Generating transitions walks the zone hour by hour; cache per year range.
    tz = Timezone.from_tzid(
        tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1)
    )
    return bytes(tz.to_ical())


def render_calendar(spec: CalendarSpec, revisions: Sequence[Revision], scenario: Scenario) -> bytes:
    """The ``.ics`` bytes of one calendar with the given event revisions."""
    tz = scenario.tz
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", spec.title)
    cal.add("x-wr-caldesc", spec.description)
    cal.add("x-wr-timezone", scenario.timezone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    years = [scenario.horizon.start.year, scenario.horizon.end.year]
    for r in revisions:
        years += [r.spec.start.astimezone(tz).year, r.spec.end.astimezone(tz).year]
    cal.add_component(Timezone.from_ical(_vtimezone(scenario.timezone, min(years), max(years))))
    ordered = sorted(revisions, key=lambda r: (r.spec.start.astimezone(dt.UTC), r.spec.uid))
    for r in ordered:
        cal.add_component(render_event(r, tz))
    return bytes(cal.to_ical())


def build_calendars(
    scenario: Scenario,
    assignments: Iterable[Assignment],
    *,
    now: dt.datetime | None = None,
    alarm_minutes: int | None = None,
    explain_unfilled: bool = True,
) -> dict[str, bytes]:
    """Every calendar of a roster as ``{file name: .ics bytes}``, SEQUENCE 0.

    A one-off export with no publish history; :func:`calendars.publish` keeps
    the history that updates and cancellations need. ``now`` (aware) fixes
    DTSTAMP for reproducible output; ``explain_unfilled`` adds why open
    shifts are short.
    """
    stamp = _now(now)
    out: dict[str, bytes] = {}
    specs = plan_calendars(
        scenario, assignments, alarm_minutes=alarm_minutes, explain_unfilled=explain_unfilled
    )
    for spec in specs:
        revisions = [Revision(e, 0, stamp) for e in spec.events]
        out[spec.file] = render_calendar(spec, revisions, scenario)
    return out


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(dt.UTC)
