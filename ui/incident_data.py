"""Incident uploads read from memory, and the figures of the Incidents page. No Streamlit.

Incident exports describe victims of violence, so an upload's bytes never
touch the disk: they go into an anonymous in-memory file (``memfd``), and the
optimizer's importer reads it through a ``/proc`` path. The importer keeps only
the time, category and eligibility columns; the page stores only that
sanitised frame and the import report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from optimizer.errors import InputError
from optimizer.incidents import (
    CoverageReport,
    ImportReport,
    Interval,
    coverage_report,
    demand_profile,
    generate_incidents,
    import_incidents,
)
from optimizer.incidents.importer import (
    CATEGORY_COLUMN_NAMES,
    CLOCK_COLUMN_NAMES,
    DATE_COLUMN_NAMES,
    ELIGIBLE_COLUMN_NAMES,
    TIME_COLUMN_NAMES,
)
from optimizer.scenario import WEEKDAYS
from ui.uploads import Upload, check_size

#: Suffixes the importer reads.
INCIDENT_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")


@dataclass(frozen=True)
class Incidents:
    """Sanitised incidents (``timestamp``, ``category``, ``eligible``) and where they came from."""

    frame: pd.DataFrame
    source: str
    synthetic: bool
    report: ImportReport | None = None


@dataclass(frozen=True)
class Mapping:
    """How the columns of an export map to what the importer needs."""

    time_col: str | None = None
    date_col: str | None = None
    clock_col: str | None = None
    tz: str = "America/Toronto"
    category_col: str | None = None
    keep: str | None = None
    eligible_col: str | None = None


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in INCIDENT_SUFFIXES:
        raise InputError(f"{name}: expected a .csv or .xlsx export, got {suffix or 'no suffix'}")
    return suffix


@contextmanager
def memory_path(name: str, data: bytes) -> Iterator[Path]:
    """A path with the upload's suffix whose content lives only in memory.

    The path is a symbolic link (holding no data) to an anonymous memory file;
    both are gone when the block ends.
    """
    suffix = _suffix(name)
    if not hasattr(os, "memfd_create") or not sys.platform.startswith("linux"):
        raise InputError("reading incident uploads from memory needs Linux (memfd)")
    fd = os.memfd_create("incident-upload", os.MFD_CLOEXEC)
    try:
        os.write(fd, data)
        with tempfile.TemporaryDirectory(prefix="shiftcover-") as folder:
            link = Path(folder) / f"upload{suffix}"
            link.symlink_to(f"/proc/{os.getpid()}/fd/{fd}")
            yield link
    finally:
        os.close(fd)


def read_header(upload: Upload) -> list[str]:
    """Column names of an export (only the header is parsed, from memory)."""
    check_size(upload)
    suffix = _suffix(upload.name)
    buffer = io.BytesIO(upload.getvalue())
    try:
        if suffix == ".xlsx":
            header = pd.read_excel(buffer, nrows=0)
        else:
            text = io.TextIOWrapper(buffer, encoding="utf-8-sig", errors="replace")
            first = text.readline()
            while first.startswith("#"):  # comment lines such as a synthetic label
                first = text.readline()
            if not first.strip():
                raise InputError(f"{upload.name}: the file is empty; expected a header row")
            sep = max((",", ";", "\t", "|"), key=first.count)
            header = pd.read_csv(io.StringIO(first), nrows=0, sep=sep)
    except InputError:
        raise
    except Exception as exc:  # pandas raises many types for unreadable files
        raise InputError(f"{upload.name}: cannot read the header ({type(exc).__name__})") from None
    return [str(c) for c in header.columns]


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def guess(header: Sequence[str], names: Sequence[str]) -> str | None:
    """The first column whose name matches one of the importer's usual names."""
    keys = {_key(h): h for h in header}
    for n in names:
        if _key(n) in keys:
            return keys[_key(n)]
    return None


def guess_mapping(header: Sequence[str], tz: str) -> Mapping:
    """The importer's own guesses, shown to the manager as a starting point."""
    time_col = guess(header, TIME_COLUMN_NAMES)
    date_col = clock_col = None
    if time_col is None:
        date_col, clock_col = guess(header, DATE_COLUMN_NAMES), guess(header, CLOCK_COLUMN_NAMES)
    return Mapping(
        time_col=time_col,
        date_col=date_col,
        clock_col=clock_col,
        tz=tz,
        category_col=guess(header, CATEGORY_COLUMN_NAMES),
        eligible_col=guess(header, ELIGIBLE_COLUMN_NAMES),
    )


def import_upload(upload: Upload, mapping: Mapping, now: dt.datetime | None = None) -> Incidents:
    """Import an uploaded export from memory with the manager's column mapping."""
    check_size(upload)
    with memory_path(upload.name, upload.getvalue()) as path:
        try:
            result = import_incidents(
                path,
                time_col=mapping.time_col,
                date_col=mapping.date_col,
                clock_col=mapping.clock_col,
                tz=mapping.tz,
                category_col=mapping.category_col,
                keep=mapping.keep or None,
                eligible_col=mapping.eligible_col,
                now=now,
            )
        except InputError as exc:
            # The in-memory path means nothing to the manager; name their file.
            raise InputError(str(exc).replace(str(path), upload.name)) from None
    report = dataclasses.replace(result.report, source=upload.name)
    frame = result.frame.copy()
    return Incidents(frame, upload.name, synthetic=False, report=report)


def synthetic(start: dt.date, days: int, seed: int, tz: str) -> Incidents:
    """Generated Windsor-like incidents, always labelled synthetic."""
    frame = generate_incidents(start, days, seed=seed, tz=tz)
    return Incidents(frame, f"synthetic, seed {seed}, {days} days from {start}", synthetic=True)


def report_rows(report: ImportReport) -> pd.DataFrame:
    """Rejected rows by reason, with (the first) row numbers."""
    from optimizer.incidents.importer import MAX_ROWS_LISTED, REASONS

    rows = [
        {
            "reason": REASONS.get(reason, reason),
            "rows rejected": len(numbers),
            "file rows": ", ".join(str(n) for n in numbers[:MAX_ROWS_LISTED])
            + (" …" if len(numbers) > MAX_ROWS_LISTED else ""),
        }
        for reason, numbers in report.bad_rows.items()
    ]
    return pd.DataFrame(rows, columns=["reason", "rows rejected", "file rows"])


def staffed_grid(intervals: Sequence[Interval], tz: str) -> pd.DataFrame:
    """Mean people on duty for each weekday × hour (sampled at the half hour)."""
    grid = np.zeros((7, 24))
    seen = np.zeros((7, 24))
    if intervals:
        zone = pd.Timestamp.now(tz=tz).tz
        first = min(i[0] for i in intervals)
        last = max(i[1] for i in intervals)
        hours = pd.date_range(
            pd.Timestamp(first).tz_convert(zone).floor("h"),
            pd.Timestamp(last).tz_convert(zone).ceil("h"),
            freq="h",
        ) + pd.Timedelta(minutes=30)
        from optimizer.incidents import headcount_at
        from optimizer.incidents.timeline import to_ns

        heads = headcount_at(to_ns(hours), intervals)
        np.add.at(grid, (hours.day_of_week, hours.hour), heads)
        np.add.at(seen, (hours.day_of_week, hours.hour), 1)
    mean = np.divide(grid, seen, out=np.zeros_like(grid), where=seen > 0)
    return pd.DataFrame(mean, index=list(WEEKDAYS), columns=list(range(24)))


def heatmap(incidents: Incidents, staffed: pd.DataFrame, tz: str | None = None) -> go.Figure:
    """Incidents by weekday × hour, with the roster's staffed hours outlined.

    Both are on local wall-clock time (the incidents' own zone unless ``tz``
    is given), as the coverage figures fold incidents onto the roster.
    """
    profile = demand_profile(incidents.frame, tz=tz)
    counts = profile.counts
    fig = go.Figure(
        go.Heatmap(
            z=counts.to_numpy(),
            x=[f"{h:02d}" for h in counts.columns],
            y=list(counts.index),
            colorscale="Reds",
            colorbar={"title": "incidents"},
            hovertemplate="%{y} %{x}:00 — %{z} incidents<extra></extra>",
        )
    )
    values = staffed.to_numpy()
    cells = [(int(d), int(h)) for d, h in zip(*np.nonzero(values > 0), strict=True)]
    if cells:
        fig.add_scatter(
            x=[f"{h:02d}" for _, h in cells],
            y=[WEEKDAYS[d] for d, _ in cells],
            mode="markers",
            marker={"symbol": "square-open", "size": 18, "color": "#1f4e99", "line": {"width": 2}},
            text=[f"{values[d, h]:.1f} on duty" for d, h in cells],
            hovertemplate="%{y} %{x}:00 — %{text}<extra></extra>",
            name="staffed (roster)",
        )
    title = "Incidents by hour and weekday" + (" — SYNTHETIC DATA" if incidents.synthetic else "")
    fig.update_layout(
        title=title,
        xaxis_title="hour of day",
        yaxis={"autorange": "reversed"},
        height=380,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def monthly(incidents: Incidents, tz: str | None = None) -> go.Figure:
    """Incidents per day, month by month."""
    by_month = demand_profile(incidents.frame, tz=tz).by_month
    fig = go.Figure(
        go.Bar(x=[str(m) for m in by_month.index], y=by_month["per_day"], name="per day")
    )
    title = "Incidents per day by month" + (" — SYNTHETIC DATA" if incidents.synthetic else "")
    fig.update_layout(title=title, yaxis_title="incidents per day", height=300)
    fig.update_xaxes(type="category", title="month")  # "2018-05" is a label, not a date
    return fig


def on_site(incidents: Incidents, intervals: Sequence[Interval], tz: str) -> CoverageReport:
    """How many incidents fall in staffed time (folded onto the roster's weeks)."""
    return coverage_report(incidents.frame, intervals, tz=tz)
