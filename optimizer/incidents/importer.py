"""Import incident exports (CSV or XLSX) from dispatch and records systems.

Incident files describe victims of violence. The importer reads the header
first, then only the columns it needs — a timestamp (one column, or a date and
a clock column), optionally a category and an eligibility column. Every other
column is never read into memory past the header, and its values are never
cached, logged or written; the report names the dropped columns only.

Bad rows are counted by reason with their file row numbers (the header is
row 1): a missing or unparseable time, a time in the future, an exact
duplicate. The import fails with an :class:`~optimizer.errors.InputError`
when a named column is missing or no usable row remains.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from optimizer.errors import InputError
from optimizer.io import atomic_write

#: Column names taken as the timestamp when none is named (compared case-insensitively,
#: ignoring spaces, dashes and underscores).
TIME_COLUMN_NAMES = (
    "timestamp",
    "datetime",
    "datetimereceived",
    "calldatetime",
    "calltime",
    "receivedat",
    "timereceived",
    "reportedat",
    "reporteddatetime",
    "incidentdatetime",
    "occurredat",
    "occurreddatetime",
    "eventdatetime",
    "createdat",
)
DATE_COLUMN_NAMES = (
    "date",
    "calldate",
    "incidentdate",
    "reporteddate",
    "occurreddate",
    "eventdate",
)
CLOCK_COLUMN_NAMES = ("time", "calltime", "incidenttime", "reportedtime", "occurredtime")
CATEGORY_COLUMN_NAMES = ("category",)
ELIGIBLE_COLUMN_NAMES = ("eligible",)

#: Cell values read as "eligible" / "not eligible" when no explicit list is given.
TRUE_VALUES = frozenset({"1", "true", "t", "yes", "y", "charged", "charge laid", "eligible"})
FALSE_VALUES = frozenset({"0", "false", "f", "no", "n", "not charged", "none", "ineligible"})

#: Bad-row reasons, in report order.
REASONS = {
    "missing_time": "missing time",
    "bad_time": "unparseable or out-of-range time",
    "future": "in the future",
    "duplicate": "duplicate of an earlier row",
}

#: Row numbers listed per reason in the report (the count is always complete).
MAX_ROWS_LISTED = 20

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)
_CLOCK_IN_TEXT = re.compile(r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)\s*$")


@dataclass(frozen=True)
class ImportReport:
    """What an import kept, dropped and rejected — column names and counts, never values."""

    source: str
    rows_read: int
    rows_kept: int
    time_columns: tuple[str, ...]
    category_column: str | None
    eligible_column: str | None
    dropped_columns: tuple[str, ...]
    timezone: str
    filtered_out: int = 0
    bad_rows: dict[str, tuple[int, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None

    @property
    def bad_count(self) -> int:
        """Rows rejected for any reason."""
        return sum(len(v) for v in self.bad_rows.values())

    def summary(self) -> str:
        """Readable lines for the CLI."""
        lines = [
            f"{self.source}: {self.rows_read} rows read, {self.rows_kept} kept",
            f"  time        {' + '.join(self.time_columns)} ({self.timezone})",
            f"  category    {self.category_column or '-'}",
            f"  eligible    {self.eligible_column or '- (all incidents eligible)'}",
            "  dropped     "
            + (
                ", ".join(self.dropped_columns) + " — never read past the header"
                if self.dropped_columns
                else "(none)"
            ),
        ]
        if self.filtered_out:
            lines.append(f"  filtered    {self.filtered_out} row(s) outside the category filter")
        for reason, rows in self.bad_rows.items():
            shown = ", ".join(str(r) for r in rows[:MAX_ROWS_LISTED])
            more = (
                f", … ({len(rows) - MAX_ROWS_LISTED} more)" if len(rows) > MAX_ROWS_LISTED else ""
            )
            lines.append(f"  bad         {len(rows)} {REASONS[reason]}: rows {shown}{more}")
        if self.first is not None and self.last is not None:
            lines.append(f"  period      {self.first.isoformat()} – {self.last.isoformat()}")
        lines.extend(f"  note        {n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "time_columns": list(self.time_columns),
            "category_column": self.category_column,
            "eligible_column": self.eligible_column,
            "dropped_columns": list(self.dropped_columns),
            "timezone": self.timezone,
            "filtered_out": self.filtered_out,
            "bad_rows": {k: list(v) for k, v in self.bad_rows.items()},
            "notes": list(self.notes),
            "first": self.first.isoformat() if self.first is not None else None,
            "last": self.last.isoformat() if self.last is not None else None,
        }


@dataclass(frozen=True)
class ImportResult:
    """The sanitised incidents (``timestamp``, ``category``, ``eligible``) and the report."""

    frame: pd.DataFrame
    report: ImportReport


def _key(name: str) -> str:
    return re.sub(r"[\s_\-/.]+", "", name.strip().lower())


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {tz!r}; use an IANA name such as America/Toronto"
        ) from None


def _read_header(path: Path) -> tuple[list[str], dict[str, Any]]:
    """Column names and the read options for the rest of the file."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            # Leading '#' lines are comments (the synthetic label), not the header.
            skip = 0
            with path.open(encoding="utf-8-sig", errors="replace") as fh:
                first = fh.readline()
                while first.startswith("#"):
                    skip += 1
                    first = fh.readline()
            if not first.strip():
                raise InputError(f"{path}: the file is empty; expected a header row")
            sep = max((",", ";", "\t", "|"), key=first.count)
            options: dict[str, Any] = {
                "kind": "csv",
                "sep": sep,
                "encoding": "utf-8-sig",
                "encoding_errors": "replace",
                "skiprows": skip,
            }
            header = pd.read_csv(
                path,
                nrows=0,
                sep=sep,
                skiprows=skip,
                encoding="utf-8-sig",
                encoding_errors="replace",
            )
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            options = {"kind": "excel", "skiprows": 0}
            header = pd.read_excel(path, nrows=0)
        else:
            raise InputError(f"{path}: expected a .csv or .xlsx file, got {suffix or 'no suffix'}")
    except InputError:
        raise
    except Exception as exc:  # pandas/openpyxl raise many types for unreadable files
        raise InputError(f"{path}: cannot read the header ({type(exc).__name__}: {exc})") from None
    return [str(c) for c in header.columns], options


def _read_columns(path: Path, columns: Sequence[str], options: dict[str, Any]) -> pd.DataFrame:
    """Read only ``columns`` as text; blank cells become empty strings."""
    wanted = list(dict.fromkeys(columns))
    try:
        if options["kind"] == "csv":
            frame = pd.read_csv(
                path,
                usecols=wanted,
                dtype=str,
                keep_default_na=False,
                sep=options["sep"],
                encoding=options["encoding"],
                encoding_errors=options["encoding_errors"],
                skiprows=options["skiprows"],
                skip_blank_lines=False,
            )
        else:
            frame = pd.read_excel(path, usecols=wanted, dtype=str, keep_default_na=False)
    except Exception as exc:  # malformed rows, broken zip, …
        raise InputError(f"{path}: cannot read the file ({type(exc).__name__}: {exc})") from None
    return frame.fillna("").astype(str)


def _resolve(path: Path, header: list[str], name: str | None, what: str) -> str | None:
    if name is None:
        return None
    if name in header:
        return name
    by_key = {_key(h): h for h in header}
    if _key(name) in by_key:
        return by_key[_key(name)]
    raise InputError(
        f"{path}: no {what} column {name!r}; the file has columns: {', '.join(header)}"
    )


def _detect(header: list[str], names: Sequence[str]) -> str | None:
    by_key = {_key(h): h for h in header}
    for candidate in names:
        if candidate in by_key:
            return by_key[candidate]
    return None


def _parse_naive_or_aware(text: pd.Series, fmt: str | None) -> tuple[pd.Series, pd.Series]:
    """Parse text to UTC instants (aware values) and naive local values, per row."""
    has_offset = text.str.contains(_OFFSET, regex=True) & (text != "")
    aware = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    naive = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if has_offset.any():
        aware[has_offset] = _to_datetime(text[has_offset], fmt, utc=True)
    if (~has_offset).any():
        naive[~has_offset] = _to_datetime(text[~has_offset], fmt, utc=False)
    return aware, naive


def _in_range(parsed: pd.Series) -> pd.Series:
    """Times outside 1900–2200 are rejected (and would not fit nanoseconds)."""
    lo, hi = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")
    if parsed.dt.tz is not None:
        lo, hi = lo.tz_localize("UTC"), hi.tz_localize("UTC")
    return parsed.where((parsed >= lo) & (parsed < hi)).dt.as_unit("ns")


def _to_datetime(text: pd.Series, fmt: str | None, utc: bool) -> pd.Series:
    """Strict parse with ``fmt``; without one, ISO 8601 first and then any common form."""
    if fmt:
        return _in_range(pd.to_datetime(text, format=fmt, errors="coerce", utc=utc))
    out = _in_range(pd.to_datetime(text, format="ISO8601", errors="coerce", utc=utc))
    retry = out.isna() & (text != "")
    if retry.any():
        again = _in_range(pd.to_datetime(text[retry], format="mixed", errors="coerce", utc=utc))
        out = out.where(~retry, again.reindex(out.index))
    return out


def _parse_clock(text: pd.Series, fmt: str | None) -> pd.Series:
    """Clock times ('15:30', '3:30 PM', '1530', Excel '1899-12-30 15:30:00') → Timedelta."""
    if fmt:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        return parsed - parsed.dt.normalize()
    clean = text.str.strip()
    four = clean.str.fullmatch(r"\d{3,4}")
    clean = clean.where(~four, clean.str.zfill(4).str[:2] + ":" + clean.str.zfill(4).str[2:])
    clean = clean.str.extract(_CLOCK_IN_TEXT, expand=False).fillna("")
    parsed = pd.to_datetime("2000-01-01 " + clean, format="mixed", errors="coerce")
    parsed = parsed.where(clean != "")
    return parsed - pd.Timestamp("2000-01-01")


def _localize(naive: pd.Series, zone: ZoneInfo) -> tuple[pd.Series, int, int]:
    """Naive local times → aware; count the DST-ambiguous and non-existent ones."""
    ok = naive.notna()
    out = pd.Series(pd.NaT, index=naive.index, dtype=f"datetime64[ns, {zone.key}]")
    if not ok.any():
        return out, 0, 0
    values = naive[ok]
    # Ambiguous fall-back times take the first (daylight) reading; non-existent
    # spring-forward times move forward by the (one-hour) gap, as a wall clock does
    # and as shift expansion does.
    strict = values.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    ambiguous = strict.isna()
    local = values.dt.tz_localize(
        zone, ambiguous=np.ones(len(values), dtype=bool), nonexistent=pd.Timedelta(hours=1)
    )
    gap = int((local.dt.tz_localize(None) != values).sum())
    out[ok] = local
    return out, int(ambiguous.sum()) - gap, gap


def _eligibility(text: pd.Series, values: Sequence[str] | None) -> tuple[pd.Series, int]:
    norm = text.str.strip().str.lower()
    if values is not None:
        wanted = {v.strip().lower() for v in values}
        return pd.Series(norm.isin(wanted), index=text.index, dtype="boolean"), 0
    out = pd.Series(pd.NA, index=text.index, dtype="boolean")
    out[norm.isin(TRUE_VALUES)] = True
    out[norm.isin(FALSE_VALUES)] = False
    unknown = int((out.isna() & (norm != "")).sum())
    return out, unknown


def import_incidents(
    path: str | Path,
    *,
    time_col: str | None = None,
    date_col: str | None = None,
    clock_col: str | None = None,
    time_format: str | None = None,
    clock_format: str | None = None,
    tz: str = "America/Toronto",
    category_col: str | None = None,
    keep: str | None = None,
    eligible_col: str | None = None,
    eligible_values: Sequence[str] | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Read an incident export and keep only time, category and eligibility.

    Args:
        path: a CSV (comma, semicolon, tab or pipe separated) or XLSX file.
        time_col: the timestamp column; detected from common names when omitted.
        date_col, clock_col: separate date and clock columns instead of ``time_col``.
        time_format: strptime format of the timestamp (or of the date column);
            without it ISO 8601 and common forms are recognised.
        clock_format: strptime format of the clock column.
        tz: IANA zone of naive times; times with a UTC offset are converted to it.
        category_col: optional category column (``category`` is taken when present).
        keep: case-insensitive regular expression; only categories matching it are kept.
        eligible_col: optional column saying whether a visit applies (e.g. charge laid).
        eligible_values: cell values meaning eligible; default yes/true/1/charged….
        now: rows later than one day after ``now`` are rejected as future times.

    Returns:
        :class:`ImportResult` with a frame of ``timestamp`` (aware, in ``tz``),
        ``category`` (string) and ``eligible`` (nullable boolean; missing = unknown),
        sorted by time, and the :class:`ImportReport`.

    Raises:
        InputError: missing file or column, bad options, or no usable row.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    zone = _zone(tz)
    header, options = _read_header(path)
    if not header:
        raise InputError(f"{path}: no columns found; expected a header row")
    if time_col and (date_col or clock_col):
        raise InputError("give either a timestamp column or date and clock columns, not both")
    if bool(date_col) != bool(clock_col) and not time_col:
        raise InputError("separate date and clock columns need both --date-col and --clock-col")

    t_col = _resolve(path, header, time_col, "timestamp")
    d_col = _resolve(path, header, date_col, "date")
    c_col = _resolve(path, header, clock_col, "clock")
    if not (t_col or d_col):
        t_col = _detect(header, TIME_COLUMN_NAMES)
        if t_col is None:
            d_col, c_col = _detect(header, DATE_COLUMN_NAMES), _detect(header, CLOCK_COLUMN_NAMES)
            if not (d_col and c_col):
                d_col = c_col = None
        if t_col is None and d_col is None:
            raise InputError(
                f"{path}: cannot tell which column holds the incident time; name it with "
                f"--time-col (or --date-col and --clock-col). Columns: {', '.join(header)}"
            )
    cat_col = _resolve(path, header, category_col, "category") or (
        _detect(header, CATEGORY_COLUMN_NAMES) if category_col is None else None
    )
    elig_col = _resolve(path, header, eligible_col, "eligibility") or (
        _detect(header, ELIGIBLE_COLUMN_NAMES) if eligible_col is None else None
    )
    if keep is not None and cat_col is None:
        raise InputError(f"{path}: --keep needs a category column (--category-col)")
    pattern = None
    if keep is not None:
        try:
            pattern = re.compile(keep, re.IGNORECASE)
        except re.error as exc:
            raise InputError(f"--keep {keep!r} is not a valid regular expression ({exc})") from None

    time_columns = tuple(c for c in (t_col, d_col, c_col) if c)
    used = [*time_columns, *(c for c in (cat_col, elig_col) if c)]
    dropped = tuple(h for h in header if h not in used)
    raw = _read_columns(path, used, options)
    rows_read = len(raw)
    # File row numbers: comment lines, then the header, then data from the next line.
    row_no = pd.Series(np.arange(rows_read) + 2 + options["skiprows"], index=raw.index)
    notes: list[str] = []

    # Category filter first: rows it excludes are out of scope, not bad.
    filtered_out = 0
    if pattern is not None and cat_col is not None:
        match = raw[cat_col].map(lambda v: bool(pattern.search(v)))
        filtered_out = int((~match).sum())
        raw, row_no = raw[match], row_no[match]

    if t_col:
        text = raw[t_col].str.strip()
        missing = text == ""
        aware, naive = _parse_naive_or_aware(text, time_format)
    else:
        assert d_col is not None and c_col is not None
        dates, clocks = raw[d_col].str.strip(), raw[c_col].str.strip()
        missing = (dates == "") | (clocks == "")
        parsed_dates = _to_datetime(dates, time_format, utc=False).dt.normalize()
        naive = parsed_dates + _parse_clock(clocks, clock_format)
        aware = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    local_naive, ambiguous, gap = _localize(naive, zone)
    stamp = aware.dt.tz_convert(zone).where(aware.notna(), local_naive)
    if ambiguous:
        notes.append(f"{ambiguous} times in the autumn DST repeat hour read as daylight time")
    if gap:
        notes.append(f"{gap} times in the spring DST gap moved forward one hour")

    bad: dict[str, tuple[int, ...]] = {}
    unparsed = stamp.isna() & ~missing
    limit = pd.Timestamp(now or dt.datetime.now(dt.UTC)) + pd.Timedelta(days=1)
    if limit.tzinfo is None:
        limit = limit.tz_localize(zone)
    future = stamp.notna() & (stamp > limit)
    category = (
        raw[cat_col].str.strip().astype("string")
        if cat_col
        else pd.Series(pd.NA, index=raw.index, dtype="string")
    )
    if elig_col:
        eligible, unknown = _eligibility(raw[elig_col], eligible_values)
        if unknown:
            notes.append(f"{unknown} eligibility values not recognised; left unknown")
    else:
        eligible = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    frame = pd.DataFrame({"timestamp": stamp, "category": category, "eligible": eligible})
    usable = stamp.notna() & ~future
    # A duplicate is judged among usable rows only.
    duplicate = frame[usable].duplicated(keep="first").reindex(frame.index, fill_value=False)
    for reason, mask in (
        ("missing_time", missing),
        ("bad_time", unparsed),
        ("future", future),
        ("duplicate", duplicate),
    ):
        if mask.any():
            bad[reason] = tuple(int(r) for r in row_no[mask])
    keep_mask = usable & ~duplicate
    out = frame[keep_mask].sort_values("timestamp", kind="stable").reset_index(drop=True)
    if out.empty:
        problems = "; ".join(f"{len(v)} {REASONS[k]}" for k, v in bad.items()) or "no data rows"
        if filtered_out:
            problems += f"; {filtered_out} outside the category filter {keep!r}"
        raise InputError(
            f"{path}: no usable incident rows ({problems}); check the time column "
            f"{' + '.join(time_columns)} and its format"
        )
    report = ImportReport(
        source=str(path),
        rows_read=rows_read,
        rows_kept=len(out),
        time_columns=time_columns,
        category_column=cat_col,
        eligible_column=elig_col,
        dropped_columns=dropped,
        timezone=zone.key,
        filtered_out=filtered_out,
        bad_rows=bad,
        notes=tuple(notes),
        first=out["timestamp"].iloc[0],
        last=out["timestamp"].iloc[-1],
    )
    out.attrs["synthetic"] = False
    return ImportResult(out, report)


def write_incidents_csv(path: str | Path, frame: pd.DataFrame, comment: str | None = None) -> None:
    """Write the sanitised ``timestamp,category,eligible`` file atomically.

    Timestamps are ISO 8601 with UTC offset; ``eligible`` is true/false or blank
    when unknown. ``comment`` (e.g. the synthetic label) is written as ``#`` lines first.
    """
    stamps = frame["timestamp"].map(lambda t: t.isoformat())
    category = frame["category"].astype("string").fillna("")
    eligible = (
        frame["eligible"]
        .astype("boolean")
        .map(lambda v: "" if v is pd.NA else ("true" if v else "false"))
    )
    out = pd.DataFrame({"timestamp": stamps, "category": category, "eligible": eligible})
    with atomic_write(path, newline="") as fh:
        if comment:
            for line in comment.splitlines():
                fh.write(f"# {line}\n")
        out.to_csv(fh, index=False, lineterminator="\n")
