"""Calendars and exports of a solved roster, as bytes for download buttons.

Publishing writes into one folder per scenario under :func:`publish_root`, so
a browser user can choose a folder name but never a path elsewhere on the
server. No Streamlit here.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from calendars import (
    PublishReport,
    build_calendars,
    export_csv,
    export_xlsx,
    publish,
    read_manifest,
)
from calendars.publish import Manifest
from optimizer.errors import InputError
from optimizer.roster import Assignment
from optimizer.scenario import Scenario

#: Environment variable naming the folder that holds published calendars.
PUBLISH_DIR_ENV = "SHIFTCOVER_PUBLISH_DIR"
_DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "out" / "published"
_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


@dataclass(frozen=True)
class CalendarFile:
    """One downloadable calendar: file name, who it is for, its bytes."""

    file: str
    group: str
    title: str
    data: bytes


def calendar_files(scenario: Scenario, assignments: Iterable[Assignment]) -> list[CalendarFile]:
    """Every calendar of the roster, grouped as program, open shifts, agencies, workers."""
    names = {w.id: w.name for w in scenario.workers}
    agencies = {a.id: a.name for a in scenario.agencies}
    out: list[CalendarFile] = []
    for file, data in sorted(build_calendars(scenario, assignments).items()):
        stem = file.removesuffix(".ics")
        if stem.startswith("worker-"):
            wid = stem.removeprefix("worker-")
            out.append(CalendarFile(file, "Workers", names.get(wid, wid), data))
        elif stem.startswith("agency-"):
            aid = stem.removeprefix("agency-")
            out.append(CalendarFile(file, "Agencies", agencies.get(aid, aid), data))
        elif stem.startswith("open"):
            out.append(CalendarFile(file, "Open shifts", "Shifts still open", data))
        else:
            out.append(CalendarFile(file, "Program", "The whole program", data))
    order = {"Program": 0, "Open shifts": 1, "Agencies": 2, "Workers": 3}
    out.sort(key=lambda c: (order[c.group], c.file))
    return out


def zip_files(files: Iterable[CalendarFile]) -> bytes:
    """All calendars in one zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            archive.writestr(f.file, f.data)
    return buffer.getvalue()


def roster_csv(scenario: Scenario, assignments: Iterable[Assignment]) -> bytes:
    """The roster as the payroll CSV export."""
    with tempfile.TemporaryDirectory(prefix="shiftcover-") as folder:
        path = export_csv(scenario, assignments, Path(folder) / "roster.csv")
        return path.read_bytes()


def roster_xlsx(scenario: Scenario, assignments: Iterable[Assignment]) -> bytes:
    """The roster workbook (grid, hours, agencies, unfilled, assignments)."""
    with tempfile.TemporaryDirectory(prefix="shiftcover-") as folder:
        path = export_xlsx(scenario, assignments, Path(folder) / "roster.xlsx")
        return path.read_bytes()


def publish_root() -> Path:
    """The folder under which every publish folder lives."""
    return Path(os.environ.get(PUBLISH_DIR_ENV) or _DEFAULT_ROOT)


def publish_folder(name: str) -> Path:
    """The publish folder called ``name`` (letters, digits, '-', '_' and '.')."""
    if not _FOLDER.match(name) or ".." in name:
        raise InputError(
            f"publish folder {name!r}: use letters, digits, '-', '_' and '.', up to 64 characters"
        )
    return publish_root() / name


def last_publish(name: str) -> Manifest | None:
    """What was last published to the folder, or None."""
    return read_manifest(publish_folder(name))


def publish_roster(
    scenario: Scenario, assignments: Iterable[Assignment], name: str, *, dry_run: bool = False
) -> PublishReport:
    """Publish (or preview with ``dry_run``) a new version to the named folder."""
    return publish(scenario, tuple(assignments), publish_folder(name), dry_run=dry_run)


def changes_table(report: PublishReport) -> list[Mapping[str, str]]:
    """The report's event changes as rows for a table."""
    return [
        {
            "calendar": c.calendar,
            "change": c.change.value,
            "event": c.summary,
            "start": c.start.astimezone(ZoneInfo(report.timezone)).strftime("%a %d %b %Y %H:%M"),
        }
        for c in report.changes
    ]
