"""Publishing calendars to a directory, with updates and cancellations.

Workers subscribe to ``worker-<id>.ics`` once; every later publish must make
their calendar client show exactly the new roster. The directory keeps a
``manifest.json`` of every event ever published there (content digest,
SEQUENCE, DTSTAMP and the event itself). A re-publish compares against it:

* an event whose content is unchanged keeps its SEQUENCE and DTSTAMP, so it
  is byte-identical and a calendar file with no change is not rewritten;
* a changed event (times moved, co-workers changed) gets SEQUENCE + 1;
* an event no longer in the roster is kept in its calendar with
  STATUS:CANCELLED and SEQUENCE + 1, and stays there so that a phone that
  was offline during one publish still learns of the cancellation;
* an event that comes back after a cancellation continues its SEQUENCE;
* an event outside the new roster's horizon (a past quarter published to the
  same directory under the same scenario id) is left as it was: the roster
  says nothing about those dates.

DTSTAMP is the time an event's current content was first published (RFC 5545
§3.8.7.2 for calendars without METHOD), not the time of every publish.

Files are staged as temporary siblings, then renamed into place one by one,
and the manifest is replaced last. An interruption while staging leaves every
file as it was; one during the renames leaves each file complete (old or new)
and the old manifest, so publishing again finishes the job.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from calendars.ical import Revision, content_hash, render_calendar, render_event
from calendars.plan import CalendarKind, CalendarSpec, EventSpec, EventStatus, plan_calendars
from optimizer.errors import InputError
from optimizer.io import write_json
from optimizer.roster import Assignment
from optimizer.scenario import Scenario

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1

#: Marks a cancelled event's title, for clients that show cancelled events at all.
CANCELLED_PREFIX = "Cancelled: "

#: Changed events listed per worker in the printed summary (the rest are counted).
DETAIL_LINES = 8

#: Publish history entries kept in the manifest (the newest ones).
HISTORY_LENGTH = 100


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PublishedEvent(_Record):
    """An event as last published in a calendar file."""

    uid: str
    hash: str
    sequence: int = Field(ge=0)
    stamp: dt.datetime
    status: EventStatus
    summary: str
    description: str
    start: dt.datetime
    end: dt.datetime
    categories: tuple[str, ...] = ()
    busy: bool = False
    alarm_minutes: int | None = None
    shift_id: str = ""
    worker_id: str = ""
    cancelled_in: int | None = None

    def spec(self) -> EventSpec:
        """The event as a plan record, to render it again."""
        return EventSpec(
            uid=self.uid,
            summary=self.summary,
            description=self.description,
            start=self.start,
            end=self.end,
            categories=self.categories,
            status=self.status,
            busy=self.busy,
            alarm_minutes=self.alarm_minutes,
            shift_id=self.shift_id,
            worker_id=self.worker_id,
        )


class PublishedCalendar(_Record):
    """A calendar file as last published."""

    kind: CalendarKind
    owner: str
    title: str
    description: str
    sha256: str
    events: dict[str, PublishedEvent] = Field(default_factory=dict)


class ChangeKind(StrEnum):
    """How an event differs from the previous publish."""

    ADDED = "added"
    CHANGED = "changed"
    CANCELLED = "cancelled"


class EventChange(_Record):
    """One event added, changed or cancelled by a publish."""

    calendar: str
    kind: CalendarKind
    owner: str
    change: ChangeKind
    uid: str
    sequence: int
    summary: str
    start: dt.datetime
    end: dt.datetime
    shift_id: str = ""
    worker_id: str = ""


class HistoryEntry(_Record):
    """Counts of one past publish."""

    version: int
    published_at: dt.datetime
    assignments: int
    added: int
    changed: int
    cancelled: int
    files_written: tuple[str, ...]


class Manifest(_Record):
    """What a publish directory holds: ``manifest.json``."""

    format: int = MANIFEST_FORMAT
    scenario: str
    version: int = Field(ge=1)
    first_published_at: dt.datetime
    published_at: dt.datetime
    timezone: str
    alarm_minutes: int | None = None
    calendars: dict[str, PublishedCalendar]
    last_changes: tuple[EventChange, ...] = ()
    history: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class CalendarReport:
    """What a publish did to one calendar file."""

    file: str
    kind: CalendarKind
    owner: str
    title: str
    added: int
    changed: int
    cancelled: int
    unchanged: int
    written: bool


@dataclass(frozen=True)
class PublishReport:
    """The outcome of :func:`publish`: version, files written and every change."""

    directory: Path
    scenario_id: str
    timezone: str
    version: int
    previous_version: int | None
    published_at: dt.datetime
    assignments: int
    calendars: tuple[CalendarReport, ...]
    changes: tuple[EventChange, ...]
    dry_run: bool = False

    @property
    def written(self) -> tuple[str, ...]:
        """Calendar files (re)written, or that would be in a dry run."""
        return tuple(c.file for c in self.calendars if c.written)

    @property
    def has_changes(self) -> bool:
        """True when any event was added, changed or cancelled."""
        return bool(self.changes)

    def count(self, change: ChangeKind, kind: CalendarKind | None = None) -> int:
        """Number of events with this change, optionally in one kind of calendar."""
        return sum(1 for c in self.changes if c.change is change and kind in (None, c.kind))

    def worker_changes(self) -> dict[str, tuple[EventChange, ...]]:
        """Changes to each worker's own calendar, by worker id (workers with changes only)."""
        out: dict[str, list[EventChange]] = {}
        for c in self.changes:
            if c.kind is CalendarKind.WORKER:
                out.setdefault(c.owner, []).append(c)
        return {k: tuple(v) for k, v in sorted(out.items())}

    def summary(self) -> str:
        """A manager's reading of the publish: what each worker will see change."""
        if self.previous_version is not None and not self.has_changes:
            return (
                f"{self.scenario_id} version {self.version} in {self.directory} is up to date: "
                f"no changes to publish ({len(self.written)} missing file(s) restored)"
                if self.written
                else f"{self.scenario_id} version {self.version} in {self.directory} is up to "
                "date: no changes to publish"
            )
        verb = "Would publish" if self.dry_run else "Published"
        when = self.published_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        previous = (
            f"previous version {self.previous_version}"
            if self.previous_version is not None
            else "first publish"
        )
        lines = [
            f"{verb} {self.scenario_id} version {self.version} to {self.directory} "
            f"at {when} ({previous})",
            f"  {self.assignments} assignments; {len(self.written)} of {len(self.calendars)} "
            f"calendar files {'to write' if self.dry_run else 'written'}",
        ]
        if not self.has_changes:
            return "\n".join(lines)
        w = CalendarKind.WORKER
        lines.append(
            f"  worker calendars: {self.count(ChangeKind.ADDED, w)} added, "
            f"{self.count(ChangeKind.CHANGED, w)} changed, "
            f"{self.count(ChangeKind.CANCELLED, w)} cancelled"
        )
        by_file = {c.file: c for c in self.calendars}
        tz = ZoneInfo(self.timezone)
        for worker_id, changes in self.worker_changes().items():
            title = by_file[changes[0].calendar].title.removesuffix(" — shifts")
            counts = ", ".join(
                f"{n} {k.value}"
                for k in ChangeKind
                if (n := sum(1 for c in changes if c.change is k))
            )
            lines.append(f"    {title} ({worker_id}): {counts}")
            if self.previous_version is None:
                continue  # on a first publish every event is new: counts say it all
            for c in changes[:DETAIL_LINES]:
                label = c.summary.removeprefix(CANCELLED_PREFIX)
                lines.append(f"      {c.change.value:<9} {_when(c, tz)}  {label}")
            if len(changes) > DETAIL_LINES:
                lines.append(f"      … and {len(changes) - DETAIL_LINES} more")
        opened = self.count(ChangeKind.ADDED, CalendarKind.OPEN)
        closed = self.count(ChangeKind.CANCELLED, CalendarKind.OPEN)
        if opened or closed or self.count(ChangeKind.CHANGED, CalendarKind.OPEN):
            lines.append(f"  open shifts: {opened} newly open, {closed} now filled")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form of the report (for the UI and logs)."""
        return {
            "directory": str(self.directory),
            "scenario": self.scenario_id,
            "timezone": self.timezone,
            "version": self.version,
            "previous_version": self.previous_version,
            "published_at": self.published_at.isoformat(),
            "assignments": self.assignments,
            "dry_run": self.dry_run,
            "calendars": [{**dataclasses.asdict(c), "kind": c.kind.value} for c in self.calendars],
            "changes": [c.model_dump(mode="json") for c in self.changes],
        }


def _when(change: EventChange, tz: ZoneInfo) -> str:
    start, end = change.start.astimezone(tz), change.end.astimezone(tz)
    return f"{start:%a %d %b %H:%M}–{end:%H:%M}"


def manifest_path(directory: str | Path) -> Path:
    """Where a publish directory keeps its manifest."""
    return Path(directory) / MANIFEST


def read_manifest(directory: str | Path) -> Manifest | None:
    """The manifest of a publish directory, or None if nothing was published there."""
    path = manifest_path(directory)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read the publish manifest ({exc})") from None
    if isinstance(data, dict) and data.get("format") != MANIFEST_FORMAT:
        raise InputError(
            f"{path}: format: expected {MANIFEST_FORMAT}, got {data.get('format')!r}; "
            "this directory was published by another version of shiftcover"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise InputError(f"{path}: {field}: {err['msg']} (publish manifest damaged)") from None


@dataclass(frozen=True, slots=True)
class _Planned:
    spec: CalendarSpec
    events: dict[str, PublishedEvent]
    changes: tuple[EventChange, ...]
    unchanged: int
    data: bytes


def publish(
    scenario: Scenario,
    assignments: Iterable[Assignment],
    to_dir: str | Path,
    *,
    now: dt.datetime | None = None,
    alarm_minutes: int | Literal["keep"] | None = "keep",
    dry_run: bool = False,
    explain_unfilled: bool = True,
) -> PublishReport:
    """Publish a roster's calendars to ``to_dir`` and return what changed.

    ``alarm_minutes`` sets a reminder before each shift in workers' calendars
    (None: no reminder); the default ``"keep"`` reuses the previous publish's
    setting, so a forgotten option does not silently drop everyone's reminders.
    ``now`` (aware) is the publish time, fixed in tests; ``dry_run`` computes
    the report without writing anything; ``explain_unfilled`` adds why open
    shifts are short. Raises :class:`InputError` — before
    writing anything — for a roster that does not fit the scenario, a damaged
    manifest or a directory published for another scenario.
    """
    directory = Path(to_dir)
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: --to must be a directory, and this is a file")
    stamp = _utc(now)
    assignments = tuple(assignments)
    with _lock(directory, enabled=not dry_run):
        old = read_manifest(directory)
        if old is not None and old.scenario != scenario.id:
            raise InputError(
                f"{manifest_path(directory)}: this directory holds calendars of scenario "
                f"{old.scenario!r}, not {scenario.id!r}; publish to another directory"
            )
        alarm = (old.alarm_minutes if old else None) if alarm_minutes == "keep" else alarm_minutes
        specs = plan_calendars(
            scenario, assignments, alarm_minutes=alarm, explain_unfilled=explain_unfilled
        )
        version = old.version + 1 if old else 1
        disk = _interrupted_events(directory, old)
        planned = _plan(scenario, specs, old, version, stamp, disk)
        files_to_write = [p for p in planned if _differs(directory / p.spec.file, p.data)]
        to_write = {p.spec.file for p in files_to_write}
        changes = tuple(c for p in planned for c in p.changes)
        if old is not None and not changes:
            version = old.version  # nothing new for subscribers: no new version
        report = PublishReport(
            directory=directory,
            scenario_id=scenario.id,
            timezone=scenario.timezone,
            version=version,
            previous_version=old.version if old else None,
            published_at=stamp,
            assignments=len(assignments),
            calendars=tuple(
                CalendarReport(
                    file=p.spec.file,
                    kind=p.spec.kind,
                    owner=p.spec.owner,
                    title=p.spec.title,
                    added=sum(1 for c in p.changes if c.change is ChangeKind.ADDED),
                    changed=sum(1 for c in p.changes if c.change is ChangeKind.CHANGED),
                    cancelled=sum(1 for c in p.changes if c.change is ChangeKind.CANCELLED),
                    unchanged=p.unchanged,
                    written=p.spec.file in to_write,
                )
                for p in planned
            ),
            changes=changes,
            dry_run=dry_run,
        )
        if dry_run or (old is not None and not changes and not files_to_write):
            return report
        _write_files(directory, [(p.spec.file, p.data) for p in files_to_write])
        manifest = Manifest(
            scenario=scenario.id,
            version=version,
            first_published_at=old.first_published_at if old else stamp,
            published_at=stamp if changes or old is None else old.published_at,
            timezone=scenario.timezone,
            alarm_minutes=alarm,
            calendars={
                p.spec.file: PublishedCalendar(
                    kind=p.spec.kind,
                    owner=p.spec.owner,
                    title=p.spec.title,
                    description=p.spec.description,
                    sha256=hashlib.sha256(p.data).hexdigest(),
                    events=p.events,
                )
                for p in planned
            },
            last_changes=changes if changes or old is None else old.last_changes,
            history=_history(old, report),
        )
        write_json(manifest_path(directory), manifest.model_dump(mode="json"))
    return report


def _history(old: Manifest | None, report: PublishReport) -> tuple[HistoryEntry, ...]:
    past = old.history if old else ()
    if old is not None and not report.has_changes:
        return past
    entry = HistoryEntry(
        version=report.version,
        published_at=report.published_at,
        assignments=report.assignments,
        added=report.count(ChangeKind.ADDED),
        changed=report.count(ChangeKind.CHANGED),
        cancelled=report.count(ChangeKind.CANCELLED),
        files_written=report.written,
    )
    return (*past, entry)[-HISTORY_LENGTH:]


@dataclass(frozen=True, slots=True)
class _Seen:
    """An event as it is in a file renamed into place by an interrupted publish."""

    sequence: int
    stamp: dt.datetime
    ical: bytes


def _interrupted_events(directory: Path, old: Manifest | None) -> dict[str, _Seen]:
    """Events in files that an interrupted publish renamed into place, by UID.

    Such a file is newer than the manifest and phones may already have read
    it. The next publish reuses its SEQUENCE where the content agrees and
    outbids it where it does not, or a strict client would ignore the fix.
    """
    out: dict[str, _Seen] = {}
    if old is None:
        return out
    for file, cal in old.calendars.items():
        try:
            data = (directory / file).read_bytes()
        except FileNotFoundError:
            continue
        if hashlib.sha256(data).hexdigest() == cal.sha256:
            continue
        try:
            events = Calendar.from_ical(data).walk("VEVENT")
        except ValueError:
            continue  # not ours to read; it is rewritten below in any case
        for ev in events:
            seen = _Seen(int(ev.get("SEQUENCE", 0)), ev.decoded("DTSTAMP"), bytes(ev.to_ical()))
            uid = str(ev.get("UID", ""))
            if uid not in out or seen.sequence > out[uid].sequence:
                out[uid] = seen
    return out


def _plan(
    scenario: Scenario,
    specs: tuple[CalendarSpec, ...],
    old: Manifest | None,
    version: int,
    stamp: dt.datetime,
    disk: dict[str, _Seen],
) -> list[_Planned]:
    """Each calendar's events against the previous publish, rendered.

    ``disk`` holds events subscribers may have seen beyond the manifest
    (see :func:`_interrupted_events`).
    """
    tz = scenario.tz
    previous = old.calendars if old else {}
    # A UID can move between files (a worker changes agency): its SEQUENCE
    # continues from the highest one published anywhere.
    highest: dict[str, int] = {uid: seen.sequence for uid, seen in disk.items()}
    for cal in previous.values():
        for uid, published in cal.events.items():
            highest[uid] = max(highest.get(uid, -1), published.sequence)
    wanted = {s.file: s for s in specs}
    # Calendars of workers or agencies gone from the scenario stay published,
    # so their subscribers receive the cancellations.
    for file, cal in sorted(previous.items()):
        if file not in wanted:
            wanted[file] = CalendarSpec(file, cal.kind, cal.owner, cal.title, cal.description, ())
    out: list[_Planned] = []
    for file in sorted(wanted):
        spec = wanted[file]
        before = previous[file].events if file in previous else {}
        events: dict[str, PublishedEvent] = {}
        changes: list[EventChange] = []
        unchanged = 0
        for ev in spec.events:
            digest = content_hash(ev, tz)
            prior = before.get(ev.uid)
            if prior is not None and prior.hash == digest and _current(prior, disk):
                events[ev.uid] = prior
                unchanged += 1
                continue
            if prior is not None and prior.status is EventStatus.CONFIRMED:
                change = ChangeKind.CHANGED
            else:
                change = ChangeKind.ADDED
            events[ev.uid] = _revision(ev, digest, highest, disk, stamp, tz)
            changes.append(_change(spec, events[ev.uid], change))
        for uid, prior in sorted(before.items()):
            if uid in events:
                continue
            if not _in_horizon(prior, scenario):
                # A shift of another period published here (the last quarter,
                # say): this roster says nothing about it, so it stays as it
                # was rather than being cancelled.
                if _current(prior, disk):
                    events[uid] = prior
                else:  # an interrupted publish sent a later version: outbid it
                    events[uid] = _revision(
                        prior.spec(), prior.hash, highest, disk, stamp, tz, prior.cancelled_in
                    )
                unchanged += 1
                continue
            if prior.status is EventStatus.CANCELLED:
                if _current(prior, disk):
                    events[uid] = prior
                    unchanged += 1
                    continue
                # An interrupted publish restored it; cancel it again.
                gone, cancelled_in = prior.spec(), prior.cancelled_in
            else:
                gone, cancelled_in = _cancelled(prior.spec(), version), version
            digest = content_hash(gone, tz)
            events[uid] = _revision(gone, digest, highest, disk, stamp, tz, cancelled_in)
            changes.append(_change(spec, events[uid], ChangeKind.CANCELLED))
        revisions = [Revision(e.spec(), e.sequence, e.stamp) for e in events.values()]
        data = render_calendar(spec, revisions, scenario)
        changes.sort(key=lambda c: (c.start, c.uid))
        out.append(_Planned(spec, dict(sorted(events.items())), tuple(changes), unchanged, data))
    return out


def _in_horizon(event: PublishedEvent, scenario: Scenario) -> bool:
    """Whether the event's shift starts on a date of the scenario's horizon."""
    day = event.start.astimezone(scenario.tz).date()
    return scenario.horizon.start <= day <= scenario.horizon.end


def _current(prior: PublishedEvent, disk: dict[str, _Seen]) -> bool:
    """True unless an interrupted publish already sent a later version of the event."""
    seen = disk.get(prior.uid)
    return seen is None or seen.sequence <= prior.sequence


def _revision(
    spec: EventSpec,
    digest: str,
    highest: dict[str, int],
    disk: dict[str, _Seen],
    stamp: dt.datetime,
    tz: ZoneInfo,
    cancelled_in: int | None = None,
) -> PublishedEvent:
    """The next revision of an event: SEQUENCE one above any published before.

    If an interrupted publish already sent exactly this content, its
    SEQUENCE and DTSTAMP are kept, so finishing that publish changes nothing
    for the phones that saw it.
    """
    seen = disk.get(spec.uid)
    if seen is not None and seen.sequence >= highest.get(spec.uid, -1):
        again = render_event(Revision(spec, seen.sequence, seen.stamp), tz)
        if bytes(again.to_ical()) == seen.ical:
            return _record(spec, digest, seen.sequence, seen.stamp, cancelled_in)
    return _record(spec, digest, highest.get(spec.uid, -1) + 1, stamp, cancelled_in)


def _cancelled(spec: EventSpec, version: int) -> EventSpec:
    """The cancellation of an event: same UID and times, marked so in every client."""
    return dataclasses.replace(
        spec,
        summary=f"{CANCELLED_PREFIX}{spec.summary}",
        description=f"Removed from the roster (publish version {version}).\n\n{spec.description}",
        status=EventStatus.CANCELLED,
        busy=False,
        alarm_minutes=None,
    )


def _record(
    spec: EventSpec, digest: str, sequence: int, stamp: dt.datetime, cancelled_in: int | None = None
) -> PublishedEvent:
    return PublishedEvent(
        uid=spec.uid,
        hash=digest,
        sequence=sequence,
        stamp=stamp,
        status=spec.status,
        summary=spec.summary,
        description=spec.description,
        start=spec.start,
        end=spec.end,
        categories=spec.categories,
        busy=spec.busy,
        alarm_minutes=spec.alarm_minutes,
        shift_id=spec.shift_id,
        worker_id=spec.worker_id,
        cancelled_in=cancelled_in,
    )


def _change(spec: CalendarSpec, ev: PublishedEvent, change: ChangeKind) -> EventChange:
    return EventChange(
        calendar=spec.file,
        kind=spec.kind,
        owner=spec.owner,
        change=change,
        uid=ev.uid,
        sequence=ev.sequence,
        summary=ev.summary,
        start=ev.start,
        end=ev.end,
        shift_id=ev.shift_id,
        worker_id=ev.worker_id,
    )


def _differs(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() != data
    except FileNotFoundError:
        return True


def _write_files(directory: Path, files: list[tuple[str, bytes]]) -> None:
    """Stage every file, then rename each into place (see the module docstring)."""
    directory.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
            staged.append((name, Path(tmp_name)))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _readable(Path(tmp_name), directory / name)
        for name, tmp in staged:
            os.replace(tmp, directory / name)
        _fsync_dir(directory)
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)


def _readable(tmp: Path, target: Path) -> None:
    """Give a staged file the mode of the file it replaces, or world-readable.

    Temporary files are created private (0600), but published calendars are
    served to phones by a web server running as another user.
    """
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    os.chmod(tmp, mode)


def _fsync_dir(directory: Path) -> None:
    # Makes the renames durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _lock(directory: Path, *, enabled: bool) -> Iterator[None]:
    """Serialise publishes to one directory (two managers publishing at once)."""
    if not enabled:
        yield
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".publish.lock").open("a") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"{directory}: another publish to this directory is in progress; try again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _utc(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(dt.UTC)
