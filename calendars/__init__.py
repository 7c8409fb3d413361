"""Calendars and exports of a roster: ``.ics`` publishing, CSV and Excel.

The importable doors, shared by the CLI and the UI:

* :func:`build_calendars` — every calendar of a roster as ``{file: bytes}``;
* :func:`publish` — write them to a directory with updates and cancellations
  against the previous publish, returning a :class:`PublishReport`;
* :func:`read_manifest` — what a directory holds and what changed last time;
* :func:`export_csv`, :func:`export_xlsx`, :func:`export_ics` — roster exports.
"""

from __future__ import annotations

from calendars.export import WorkerHours, export_csv, export_ics, export_xlsx, worker_hours
from calendars.ical import build_calendars, content_hash, ical_datetime
from calendars.plan import (
    CalendarKind,
    CalendarSpec,
    EventSpec,
    EventStatus,
    Staffing,
    event_uid,
    plan_calendars,
    staffing,
    worker_label,
)
from calendars.publish import (
    CalendarReport,
    ChangeKind,
    EventChange,
    Manifest,
    PublishReport,
    publish,
    read_manifest,
)

__all__ = [
    "CalendarKind",
    "CalendarReport",
    "CalendarSpec",
    "ChangeKind",
    "EventChange",
    "EventSpec",
    "EventStatus",
    "Manifest",
    "PublishReport",
    "Staffing",
    "WorkerHours",
    "build_calendars",
    "content_hash",
    "event_uid",
    "export_csv",
    "export_ics",
    "export_xlsx",
    "ical_datetime",
    "plan_calendars",
    "publish",
    "read_manifest",
    "staffing",
    "worker_hours",
    "worker_label",
]
