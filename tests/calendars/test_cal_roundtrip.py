"""Every calendar read back by two parsers gives exactly the roster's UTC instants."""

from __future__ import annotations

import datetime as dt

import pytest
import recurring_ical_events
from cal_helpers import NOW, TORONTO, dst_scenario, pilot, read_events, round_robin
from icalendar import Calendar

from calendars import (
    CalendarKind,
    EventSpec,
    build_calendars,
    content_hash,
    event_uid,
    ical_datetime,
    plan_calendars,
)
from optimizer.errors import InputError
from optimizer.roster import Assignment
from optimizer.scenario import Scenario
from optimizer.shifts import expand_shifts

UTC = dt.UTC


def expected(scenario: Scenario, assignments: tuple[Assignment, ...]) -> dict[str, dict]:
    """UID → (start, end) in UTC for every calendar, computed from the roster alone."""
    shifts = {s.id: s for s in expand_shifts(scenario)}
    workers = {w.id: w for w in scenario.workers}
    out: dict[str, dict] = {}

    def put(file: str, uid: str, shift_id: str) -> None:
        s = shifts[shift_id]
        out.setdefault(file, {})[uid] = (s.start.astimezone(UTC), s.end.astimezone(UTC))

    for w in scenario.workers:
        out[f"worker-{w.id}.ics"] = {}
    for a in scenario.agencies:
        out[f"agency-{a.id}.ics"] = {}
    out["open-shifts.ics"] = {}
    on_shift: dict[str, int] = {}
    for a in assignments:
        on_shift[a.shift_id] = on_shift.get(a.shift_id, 0) + 1
        agency = workers[a.worker_id].agency
        put(
            f"worker-{a.worker_id}.ics",
            event_uid(scenario.id, "worker", a.shift_id, a.worker_id),
            a.shift_id,
        )
        put(
            f"agency-{agency}.ics",
            event_uid(scenario.id, "agency", a.shift_id, a.worker_id),
            a.shift_id,
        )
    for s in shifts.values():
        put("program.ics", event_uid(scenario.id, "program", s.id), s.id)
        if on_shift.get(s.id, 0) < s.required:
            put("open-shifts.ics", event_uid(scenario.id, "open", s.id), s.id)
    return out


@pytest.fixture(scope="module")
def dst() -> tuple[Scenario, tuple[Assignment, ...], dict[str, bytes]]:
    scenario = dst_scenario()
    roster = round_robin(scenario, skip_every=5)
    cals = build_calendars(scenario, roster, now=NOW, alarm_minutes=45, explain_unfilled=False)
    return scenario, roster, cals


def test_one_calendar_per_worker_agency_program_and_open_shifts(dst) -> None:
    _, _, cals = dst
    assert sorted(cals) == [
        "agency-A.ics",
        "agency-B.ics",
        "open-shifts.ics",
        "program.ics",
        "worker-a1.ics",
        "worker-b-hire.ics",
        "worker-b1.ics",
    ]


def test_icalendar_round_trip_gives_the_roster_instants(dst) -> None:
    scenario, roster, cals = dst
    want = expected(scenario, roster)
    for name, data in cals.items():
        cal = Calendar.from_ical(data)
        assert [tz.tz_name for tz in cal.timezones] == ["America/Toronto"]
        assert cal.get_missing_tzids() == set()
        assert str(cal["X-WR-CALNAME"])
        got = {
            str(ev["UID"]): (
                ev.decoded("DTSTART").astimezone(UTC),
                ev.decoded("DTEND").astimezone(UTC),
            )
            for ev in cal.walk("VEVENT")
        }
        assert got == want[name], name


def test_independent_reader_gives_the_roster_instants(dst) -> None:
    scenario, roster, cals = dst
    want = expected(scenario, roster)
    for name, data in cals.items():
        got = {uid: (e.start, e.end) for uid, e in read_events(data).items()}
        assert got == want[name], name


def test_recurring_ical_events_gives_the_roster_instants(dst) -> None:
    scenario, roster, cals = dst
    want = expected(scenario, roster)
    lo = dt.datetime(2024, 10, 1, tzinfo=UTC)
    hi = dt.datetime(2025, 4, 1, tzinfo=UTC)
    for name, data in cals.items():
        occurrences = recurring_ical_events.of(Calendar.from_ical(data)).between(lo, hi)
        got = {
            str(ev["UID"]): (ev["DTSTART"].dt.astimezone(UTC), ev["DTEND"].dt.astimezone(UTC))
            for ev in occurrences
        }
        assert got == want[name], name


@pytest.mark.parametrize(
    ("shift_id", "start_utc", "end_utc", "hours"),
    [
        # Saturday night into the autumn change: 23:00 EDT to 07:00 EST is 9 h.
        ("night@2024-11-02", "2024-11-03T03:00", "2024-11-03T12:00", 9),
        # 01:30 is repeated that night; a TZID time means its first occurrence (EDT).
        ("early@2024-11-03", "2024-11-03T05:30", "2024-11-03T10:00", 4.5),
        # Saturday night into the spring change: 23:00 EST to 07:00 EDT is 7 h.
        ("night@2025-03-08", "2025-03-09T04:00", "2025-03-09T11:00", 7),
        # 02:30 does not exist that night; the shift starts when the clock shows 03:30.
        ("dawn@2025-03-09", "2025-03-09T07:30", "2025-03-09T10:00", 2.5),
    ],
)
def test_dst_night_shifts_are_exact(dst, shift_id, start_utc, end_utc, hours) -> None:
    scenario, roster, cals = dst
    start = dt.datetime.fromisoformat(start_utc).replace(tzinfo=UTC)
    end = dt.datetime.fromisoformat(end_utc).replace(tzinfo=UTC)
    assert (end - start).total_seconds() / 3600 == hours
    program = read_events(cals["program.ics"])
    ev = program[event_uid(scenario.id, "program", shift_id)]
    assert (ev.start, ev.end) == (start, end)
    for a in roster:
        if a.shift_id == shift_id:
            mine = read_events(cals[f"worker-{a.worker_id}.ics"])
            uid = event_uid(scenario.id, "worker", a.shift_id, a.worker_id)
            assert (mine[uid].start, mine[uid].end) == (start, end)


def test_times_are_written_with_the_scenario_tzid(dst) -> None:
    _, _, cals = dst
    text = cals["program.ics"].decode()
    assert "DTSTART;TZID=America/Toronto:20241102T230000" in text
    assert "DTEND;TZID=America/Toronto:20241103T070000" in text
    assert "X-WR-TIMEZONE:America/Toronto" in text


def test_second_occurrence_of_a_repeated_hour_is_written_in_utc() -> None:
    first = dt.datetime(2024, 11, 3, 1, 30, tzinfo=TORONTO)
    second = dt.datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=TORONTO)
    assert ical_datetime(first, TORONTO).tzinfo is TORONTO
    written = ical_datetime(second, TORONTO)
    assert written.tzinfo is UTC
    # datetime == is always False across zones for fold=1 times (PEP 495): compare instants.
    assert written.timestamp() == second.timestamp() == first.timestamp() + 3600
    with pytest.raises(ValueError):
        ical_datetime(dt.datetime(2024, 11, 3, 1, 30), TORONTO)


def test_uids_are_stable_and_distinct() -> None:
    a = event_uid("windsor-pilot", CalendarKind.WORKER, "evening@2024-09-25", "WRH1")
    assert a == event_uid("windsor-pilot", "worker", "evening@2024-09-25", "WRH1")
    assert a.endswith("@shiftcover")
    others = {
        event_uid("windsor-daily", "worker", "evening@2024-09-25", "WRH1"),
        event_uid("windsor-pilot", "agency", "evening@2024-09-25", "WRH1"),
        event_uid("windsor-pilot", "worker", "evening@2024-09-26", "WRH1"),
        event_uid("windsor-pilot", "worker", "evening@2024-09-25", "WRH2"),
    }
    assert a not in others and len(others) == 4


def test_worker_event_content(dst) -> None:
    scenario, roster, cals = dst
    a = next(a for a in roster if a.worker_id == "b1")
    cal = Calendar.from_ical(cals["worker-b1.ics"])
    ev = next(
        e
        for e in cal.walk("VEVENT")
        if str(e["UID"]) == event_uid(scenario.id, "worker", a.shift_id, a.worker_id)
    )
    description = str(ev["DESCRIPTION"])
    assert "Worker: Bo Brant (Agency B)" in description
    assert "On shift with: " in description
    assert "Coverage: " in description
    assert "Program contact: Program office, 519-555-0100" in description
    assert "Agency contact: b-office@example.org" in description
    assert "B" in [str(c) for c in ev["CATEGORIES"].cats]
    assert str(ev["STATUS"]) == "CONFIRMED" and str(ev["TRANSP"]) == "OPAQUE"
    (alarm,) = ev.walk("VALARM")
    assert alarm.decoded("TRIGGER") == dt.timedelta(minutes=-45)
    assert str(cal["X-WR-CALNAME"]) == "Bo Brant — shifts"


def test_planned_hires_are_labelled(dst) -> None:
    _, _, cals = dst
    cal = Calendar.from_ical(cals["worker-b-hire.ics"])
    assert str(cal["X-WR-CALNAME"]) == "Agency B hire (planned hire) — shifts"
    assert "(planned hire)" in cals["program.ics"].decode()


def test_co_workers_are_named_on_a_shared_shift() -> None:
    scenario = pilot()
    shift = expand_shifts(scenario)[0]
    roster = (Assignment(shift.id, "WRH1"), Assignment(shift.id, "HH1"))
    cals = build_calendars(scenario, roster, now=NOW, explain_unfilled=False)
    text = Calendar.from_ical(cals["worker-WRH1.ics"]).walk("VEVENT")[0]["DESCRIPTION"]
    assert "On shift with: Chantal Tremblay (Hiatus House)" in str(text)
    program = Calendar.from_ical(cals["program.ics"]).walk("VEVENT")[0]
    assert str(program["SUMMARY"]) == "Evening co-response: Chantal Tremblay, Amira Haddad"


def test_open_shifts_are_those_below_requirement(dst) -> None:
    scenario, roster, cals = dst
    on: dict[str, int] = {}
    for a in roster:
        on[a.shift_id] = on.get(a.shift_id, 0) + 1
    short = {s.id for s in expand_shifts(scenario) if on.get(s.id, 0) < s.required}
    assert short
    events = read_events(cals["open-shifts.ics"])
    assert {event_uid(scenario.id, "open", sid) for sid in short} == set(events)
    assert all(e.summary.startswith("OPEN: ") for e in events.values())


def test_open_shift_reason_comes_from_the_explainer_when_present() -> None:
    pytest.importorskip("optimizer.explain")
    scenario = pilot()
    shift = expand_shifts(scenario)[0]
    specs = plan_calendars(scenario, [Assignment(shift.id, "WRH1")])
    open_cal = next(c for c in specs if c.kind is CalendarKind.OPEN)
    first = next(e for e in open_cal.events if e.shift_id == shift.id)
    assert "Why: " in first.description


def test_unknown_ids_are_input_errors() -> None:
    scenario = dst_scenario(weeks=1)
    with pytest.raises(InputError, match="worker_id 'zz'"):
        build_calendars(scenario, [Assignment("night@2024-10-28", "zz")])
    with pytest.raises(InputError, match="shift_id 'night@1999-01-01'"):
        build_calendars(scenario, [Assignment("night@1999-01-01", "a1")])


def test_content_hash_ignores_nothing_a_subscriber_sees() -> None:
    start = dt.datetime(2024, 11, 2, 23, tzinfo=TORONTO)
    base = EventSpec("u", "Night", "text", start, start + dt.timedelta(hours=9))
    h = content_hash(base, TORONTO)
    assert h == content_hash(base, TORONTO)
    from dataclasses import replace

    for change in (
        {"summary": "Night!"},
        {"description": "other"},
        {"end": base.end + dt.timedelta(minutes=1)},
        {"categories": ("x",)},
        {"alarm_minutes": 30},
        {"busy": True},
    ):
        assert content_hash(replace(base, **change), TORONTO) != h, change
