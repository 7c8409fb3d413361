"""Incidents on a roster's timeline: on-duty intervals, headcounts, folding.

Analytics take plain on-duty intervals — ``(start, end, worker_id)`` with
aware datetimes, as :func:`optimizer.roster.on_duty_intervals` returns — so
any roster, coverage pattern or what-if variant can be measured.

Historical incidents rarely fall inside the roster's horizon. They are
*folded* onto it by local wall-clock time: each incident moves by whole
multiples of the horizon length (a whole number of weeks), so it keeps its
weekday and clock time. The ``cycle`` column says which pass over the horizon
an incident belongs to, so a replay treats each pass as its own history
instead of piling several years into one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from optimizer.errors import InputError
from optimizer.scenario import Scenario
from optimizer.shifts import expand_shifts

#: An on-duty interval: aware start, aware end, worker id.
Interval = tuple[dt.datetime, dt.datetime, str]

NS_PER_MINUTE = 60_000_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class HorizonWindow:
    """Whole local days from ``start``; ``days`` is a multiple of 7 when folding."""

    start: dt.date
    days: int
    tz: str

    @property
    def zone(self) -> ZoneInfo:
        """The window's time zone."""
        return ZoneInfo(self.tz)

    def bounds(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """Aware start and end instants of the window."""
        zone = self.zone
        lo = pd.Timestamp(dt.datetime.combine(self.start, dt.time()), tz=zone)
        hi = pd.Timestamp(
            dt.datetime.combine(self.start + dt.timedelta(days=self.days), dt.time()), tz=zone
        )
        return lo, hi


def pattern_intervals(scenario: Scenario) -> list[Interval]:
    """On-duty intervals of a scenario's coverage pattern: each shift at its required headcount.

    Worker ids are placeholders ``<coverage>#<n>``; use this when no roster exists yet.
    """
    out: list[Interval] = []
    for shift in expand_shifts(scenario):
        for n in range(shift.required):
            out.append((shift.start, shift.end, f"{shift.coverage_id}#{n + 1}"))
    out.sort(key=lambda x: (x[0], x[2]))
    return out


def horizon_of(intervals: Sequence[Interval], tz: str) -> HorizonWindow:
    """The whole weeks, from the local date of the first start, that hold every interval."""
    if not intervals:
        raise InputError("no on-duty intervals: the roster or coverage pattern is empty")
    zone = ZoneInfo(tz)
    first = min(i[0] for i in intervals).astimezone(zone).date()
    last = max(i[1] for i in intervals).astimezone(zone)
    last_day = last.date() if last.time() != dt.time() else last.date() - dt.timedelta(days=1)
    weeks = max(1, math.ceil(((last_day - first).days + 1) / 7))
    return HorizonWindow(first, 7 * weeks, tz)


def to_ns(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Aware timestamps → int64 nanoseconds since the epoch (UTC)."""
    index = pd.DatetimeIndex(values)
    if index.tz is None:
        raise InputError("incident timestamps must be time-zone aware")
    return np.asarray(index.tz_convert("UTC").as_unit("ns").asi8, dtype=np.int64)


def interval_arrays(intervals: Sequence[Interval]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Starts and ends in ns (UTC) and worker ids, sorted by start."""
    # Exact integer arithmetic on datetimes: float timestamps would lose nanoseconds.
    starts = np.array([(i[0] - _EPOCH) // _MICROSECOND for i in intervals], dtype=np.int64) * 1000
    ends = np.array([(i[1] - _EPOCH) // _MICROSECOND for i in intervals], dtype=np.int64) * 1000
    order = np.lexsort((np.array([i[2] for i in intervals], dtype=object), starts))
    return starts[order], ends[order], [intervals[k][2] for k in order]


def headcount_at(times_ns: np.ndarray, intervals: Sequence[Interval]) -> np.ndarray:
    """Number of workers on duty at each instant (half-open intervals)."""
    if not intervals:
        return np.zeros(len(times_ns), dtype=np.int64)
    starts, ends, _ = interval_arrays(intervals)
    started = np.searchsorted(np.sort(starts), times_ns, side="right")
    ended = np.searchsorted(np.sort(ends), times_ns, side="right")
    return np.asarray(started - ended, dtype=np.int64)


def fold_onto(incidents: pd.DataFrame, window: HorizonWindow) -> pd.DataFrame:
    """Place incidents inside ``window`` by wall-clock time; adds ``at`` and ``cycle``.

    ``at`` is the aware instant in the window's zone; ``cycle`` counts passes over
    the window (0 for incidents already inside it, negative before it). Wall times
    that do not exist on the target day move forward by the DST gap.
    """
    if "timestamp" not in incidents:
        raise InputError("incidents need a 'timestamp' column")
    stamps = incidents["timestamp"]
    if getattr(stamps.dt, "tz", None) is None:
        raise InputError("incident timestamps must be time-zone aware")
    wall = stamps.dt.tz_localize(None)
    start = pd.Timestamp(window.start)
    offset_days = ((wall.dt.normalize() - start) / pd.Timedelta(days=1)).astype("int64")
    cycle = np.floor_divide(offset_days.to_numpy(), window.days)
    shifted = wall - pd.to_timedelta(cycle * window.days, unit="D")
    at = shifted.dt.tz_localize(
        window.zone,
        ambiguous=np.ones(len(shifted), dtype=bool),
        nonexistent=pd.Timedelta(hours=1),
    )
    out = incidents.copy()
    out["at"] = at
    out["cycle"] = cycle
    return out
