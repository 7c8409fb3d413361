"""What goes into each calendar: plain event records, independent of the iCal format.

A roster becomes four kinds of calendar:

* one per **worker** — that worker's shifts (what goes on their phone);
* one per **agency** — every shift of the agency's workers (for its supervisor
  and payroll);
* one for the **program** — one event per shift naming everyone on it;
* **open shifts** — shifts staffed below their requirement, for managers.

Every event has a UID derived only from the scenario id, the calendar kind,
the shift and the worker, so re-exporting an unchanged assignment yields the
same event and a calendar client updates it in place instead of adding a copy.
"""

from __future__ import annotations

import datetime as dt
import importlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from optimizer.errors import InputError
from optimizer.roster import Assignment
from optimizer.scenario import Scenario, Worker
from optimizer.shifts import Shift, expand_shifts

#: Namespace of the UUIDs used as event UIDs (fixed forever: changing it would
#: duplicate every published event on every phone).
UID_NAMESPACE = uuid.UUID("6f1c1c52-5f0e-4b8e-9a3c-7d1f2a9e4b10")

#: Program and open-shift file names; worker and agency files are prefixed.
PROGRAM_FILE = "program.ics"
OPEN_FILE = "open-shifts.ics"


class CalendarKind(StrEnum):
    """Who a calendar is for."""

    WORKER = "worker"
    AGENCY = "agency"
    PROGRAM = "program"
    OPEN = "open"


class EventStatus(StrEnum):
    """RFC 5545 STATUS values used here."""

    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True)
class EventSpec:
    """One calendar event, in the project's terms.

    ``start`` and ``end`` are aware datetimes; ``busy`` decides whether the
    event blocks the subscriber's time (TRANSP).
    """

    uid: str
    summary: str
    description: str
    start: dt.datetime
    end: dt.datetime
    categories: tuple[str, ...] = ()
    status: EventStatus = EventStatus.CONFIRMED
    busy: bool = False
    alarm_minutes: int | None = None
    shift_id: str = ""
    worker_id: str = ""


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """One ``.ics`` file: its name, title and events (sorted by start, then UID)."""

    file: str
    kind: CalendarKind
    owner: str
    title: str
    description: str
    events: tuple[EventSpec, ...]


@dataclass(frozen=True, slots=True)
class Staffing:
    """Assigned versus required headcount of one shift, with a reason when short."""

    shift: Shift
    worker_ids: tuple[str, ...]
    reason: str = ""

    @property
    def assigned(self) -> int:
        """Number of people on the shift."""
        return len(self.worker_ids)

    @property
    def missing(self) -> int:
        """People short of the requirement (0 when fully staffed)."""
        return max(0, self.shift.required - self.assigned)


def event_uid(
    scenario_id: str, kind: CalendarKind | str, shift_id: str, worker_id: str = ""
) -> str:
    """Stable UID of an event.

    A name-based UUID rather than the readable ids: shift ids contain ``@``
    and CalDAV servers put UIDs in URLs, where ``/`` and ``@`` cause trouble.
    """
    name = "\x1f".join((scenario_id, str(kind), shift_id, worker_id))
    return f"{uuid.uuid5(UID_NAMESPACE, name)}@shiftcover"


def worker_file(worker_id: str) -> str:
    """File name of a worker's calendar."""
    return f"worker-{worker_id}.ics"


def agency_file(agency_id: str) -> str:
    """File name of an agency's calendar."""
    return f"agency-{agency_id}.ics"


def worker_label(worker: Worker) -> str:
    """The worker's name, marked when the worker is a planned hire."""
    if worker.placeholder and "planned" not in worker.name.lower():
        return f"{worker.name} (planned hire)"
    return worker.name


def check_assignments(
    scenario: Scenario, assignments: Iterable[Assignment]
) -> tuple[Assignment, ...]:
    """Assignments sorted and checked against the scenario (unknown ids, duplicates).

    Rosters read with :func:`optimizer.roster.read_roster_csv` are already
    checked; this guards callers that build assignments in code.
    """
    shift_ids = {s.id for s in expand_shifts(scenario)}
    worker_ids = {w.id for w in scenario.workers}
    seen: set[Assignment] = set()
    for a in assignments:
        if a.shift_id not in shift_ids:
            raise InputError(f"roster: shift_id {a.shift_id!r} is not a shift of {scenario.id}")
        if a.worker_id not in worker_ids:
            raise InputError(f"roster: worker_id {a.worker_id!r} is not a worker of {scenario.id}")
        if a in seen:
            raise InputError(f"roster: {a.worker_id} is listed twice on {a.shift_id}")
        seen.add(a)
    return tuple(sorted(seen))


def staffing(
    scenario: Scenario, assignments: Sequence[Assignment], *, explain: bool = True
) -> tuple[Staffing, ...]:
    """Every shift of the horizon with who is on it, in shift order.

    With ``explain``, reasons for short shifts come from
    ``optimizer.explain.unfilled_slots`` when that module is available;
    otherwise the counts speak for themselves.
    """
    on_shift: dict[str, list[str]] = {}
    for a in assignments:
        on_shift.setdefault(a.shift_id, []).append(a.worker_id)
    reasons = _unfilled_reasons(scenario, assignments) if explain else {}
    return tuple(
        Staffing(s, tuple(sorted(on_shift.get(s.id, ()))), reasons.get(s.id, ""))
        for s in expand_shifts(scenario)
    )


def _unfilled_reasons(scenario: Scenario, assignments: Sequence[Assignment]) -> dict[str, str]:
    # Imported by name so the calendars keep working before the explainer exists.
    try:
        explain = importlib.import_module("optimizer.explain")
    except ImportError:
        return {}
    finder = getattr(explain, "unfilled_slots", None)
    if finder is None:
        return {}
    return {slot.shift.id: str(slot.reason) for slot in finder(scenario, tuple(assignments))}


def _hours(shift: Shift) -> str:
    return f"{shift.hours:g} h"


def _categories(shift: Shift, *extra: str) -> tuple[str, ...]:
    tags = [shift.label, *extra]
    if shift.holiday:
        tags.append("Holiday")
    if shift.weekend:
        tags.append("Weekend")
    if shift.night:
        tags.append("Night")
    return tuple(dict.fromkeys(t for t in tags if t))


def _coverage_line(st: Staffing) -> str:
    line = f"Coverage: {st.assigned} of {st.shift.required} required"
    if st.missing:
        line += f" — short {st.missing}"
    return line


def plan_calendars(
    scenario: Scenario,
    assignments: Iterable[Assignment],
    *,
    alarm_minutes: int | None = None,
    explain_unfilled: bool = True,
) -> tuple[CalendarSpec, ...]:
    """Every calendar of a roster: workers, agencies, the program and open shifts.

    Workers and agencies without shifts still get a (empty) calendar so a
    subscription made once keeps working for later rosters.
    ``explain_unfilled`` adds the reason a shift is short to open shifts.
    """
    if alarm_minutes is not None and alarm_minutes < 0:
        raise InputError(f"alarm: expected minutes ≥ 0 before a shift, got {alarm_minutes}")
    checked = check_assignments(scenario, assignments)
    tz = scenario.tz
    workers = {w.id: w for w in scenario.workers}
    agencies = {a.id: a for a in scenario.agencies}
    staffed = staffing(scenario, checked, explain=explain_unfilled)

    def name_of(worker_id: str) -> str:
        w = workers[worker_id]
        return f"{worker_label(w)} ({agencies[w.agency].name})"

    def local(shift: Shift) -> tuple[dt.datetime, dt.datetime]:
        return shift.start.astimezone(tz), shift.end.astimezone(tz)

    footer = [f"Program contact: {scenario.contact}"] if scenario.contact else []
    footer.append(scenario.name)

    per_worker: dict[str, list[EventSpec]] = {w.id: [] for w in scenario.workers}
    per_agency: dict[str, list[EventSpec]] = {a.id: [] for a in scenario.agencies}
    program: list[EventSpec] = []
    open_shifts: list[EventSpec] = []
    for st in staffed:
        shift = st.shift
        start, end = local(shift)
        head = [shift.label, f"{shift.describe()} ({_hours(shift)})"]
        if shift.holiday:
            head.append(f"Statutory holiday: {shift.holiday}")
        for wid in st.worker_ids:
            w = workers[wid]
            agency = agencies[w.agency]
            others = [name_of(o) for o in st.worker_ids if o != wid]
            body = [
                *head,
                f"Worker: {name_of(wid)}",
                "On shift with: " + ("; ".join(others) if others else "nobody else rostered"),
                _coverage_line(st),
            ]
            if agency.contact:
                body.append(f"Agency contact: {agency.contact}")
            per_worker[wid].append(
                EventSpec(
                    uid=event_uid(scenario.id, CalendarKind.WORKER, shift.id, wid),
                    summary=shift.label,
                    description="\n".join([*body, *footer]),
                    start=start,
                    end=end,
                    categories=_categories(shift, agency.id),
                    busy=True,
                    alarm_minutes=alarm_minutes,
                    shift_id=shift.id,
                    worker_id=wid,
                )
            )
            per_agency[agency.id].append(
                EventSpec(
                    uid=event_uid(scenario.id, CalendarKind.AGENCY, shift.id, wid),
                    summary=f"{shift.label}: {worker_label(w)}",
                    description="\n".join([*body, *footer]),
                    start=start,
                    end=end,
                    categories=_categories(shift, agency.id),
                    shift_id=shift.id,
                    worker_id=wid,
                )
            )
        names = [worker_label(workers[o]) for o in st.worker_ids]
        summary = f"{shift.label}: " + (", ".join(names) if names else "nobody rostered")
        if st.missing:
            summary += f" (short {st.missing})"
        on_shift = [f"- {name_of(o)}" for o in st.worker_ids] or ["- nobody rostered"]
        program.append(
            EventSpec(
                uid=event_uid(scenario.id, CalendarKind.PROGRAM, shift.id),
                summary=summary,
                description="\n".join([*head, "On shift:", *on_shift, _coverage_line(st), *footer]),
                start=start,
                end=end,
                categories=_categories(shift, "Short-staffed" if st.missing else ""),
                shift_id=shift.id,
            )
        )
        if st.missing:
            reason = [f"Why: {st.reason}"] if st.reason else []
            open_shifts.append(
                EventSpec(
                    uid=event_uid(scenario.id, CalendarKind.OPEN, shift.id),
                    summary=f"OPEN: {shift.label} — {st.missing} of {shift.required} needed",
                    description="\n".join(
                        [*head, _coverage_line(st), "Rostered:", *on_shift, *reason, *footer]
                    ),
                    start=start,
                    end=end,
                    categories=_categories(shift, "Open shift"),
                    shift_id=shift.id,
                )
            )

    calendars: list[CalendarSpec] = []
    for w in scenario.workers:
        agency = agencies[w.agency]
        calendars.append(
            CalendarSpec(
                file=worker_file(w.id),
                kind=CalendarKind.WORKER,
                owner=w.id,
                title=f"{worker_label(w)} — shifts",
                description=f"{scenario.name}: shifts of {worker_label(w)}, {agency.name}.",
                events=_sorted(per_worker[w.id]),
            )
        )
    for a in scenario.agencies:
        calendars.append(
            CalendarSpec(
                file=agency_file(a.id),
                kind=CalendarKind.AGENCY,
                owner=a.id,
                title=f"{a.name} — shifts",
                description=f"{scenario.name}: every shift of {a.name} workers.",
                events=_sorted(per_agency[a.id]),
            )
        )
    calendars.append(
        CalendarSpec(
            file=PROGRAM_FILE,
            kind=CalendarKind.PROGRAM,
            owner=scenario.id,
            title=scenario.name,
            description=f"{scenario.name}: every shift and who is on it.",
            events=_sorted(program),
        )
    )
    calendars.append(
        CalendarSpec(
            file=OPEN_FILE,
            kind=CalendarKind.OPEN,
            owner=scenario.id,
            title=f"Open shifts — {scenario.name}",
            description=f"{scenario.name}: shifts staffed below their requirement.",
            events=_sorted(open_shifts),
        )
    )
    return tuple(calendars)


def _sorted(events: Iterable[EventSpec]) -> tuple[EventSpec, ...]:
    return tuple(sorted(events, key=lambda e: (e.start.astimezone(dt.UTC), e.uid)))
