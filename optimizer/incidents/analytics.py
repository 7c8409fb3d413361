"""Demand profiles, coverage of a roster, and the Erlang B view of a roster.

* :func:`demand_profile` — arrivals per hour of week (7×24) and per month.
* :func:`coverage_report` — the share of incidents that fall in staffed time,
  by hour, weekday and month, and incidents per staffed shift.
* :func:`erlang_report` — Erlang B per hour of the roster: the probability a
  victim gets no one, from the hour-of-week arrival rate and the headcount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optimizer.errors import InputError
from optimizer.incidents.erlang import erlang_b
from optimizer.incidents.timeline import (
    HorizonWindow,
    Interval,
    fold_onto,
    headcount_at,
    horizon_of,
    interval_arrays,
    to_ns,
)
from optimizer.scenario import WEEKDAYS

HOURS = list(range(24))


def select_eligible(incidents: pd.DataFrame, eligible_only: bool) -> pd.DataFrame:
    """Incidents that trigger a visit: all, or those not marked ineligible."""
    if not eligible_only or "eligible" not in incidents:
        return incidents
    mask = incidents["eligible"].astype("boolean").fillna(True).astype(bool)
    return incidents[mask.to_numpy()]


@dataclass(frozen=True)
class DemandProfile:
    """Arrivals by hour of week and by month, ready for heatmaps.

    Attributes:
        counts: 7×24 incident counts (index Mon…Sun, columns hours 0…23).
        rates: 7×24 mean arrivals per hour (counts / occurrences of that hour).
        by_month: per calendar month: ``incidents``, ``days`` observed, ``per_day``.
        days: local days observed (first to last incident date, inclusive).
        tz: zone of the clock times.
    """

    counts: pd.DataFrame
    rates: pd.DataFrame
    by_month: pd.DataFrame
    days: int
    tz: str

    def rates_168(self) -> np.ndarray:
        """Arrival rates per hour of week, Monday 00:00 first."""
        return self.rates.to_numpy(dtype=float).reshape(168)


def demand_profile(
    incidents: pd.DataFrame,
    tz: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> DemandProfile:
    """Arrivals per hour of week and per month, in local time.

    The observation period runs from ``start`` to ``end`` (inclusive local dates;
    default: first and last incident dates); rates divide each cell by the number
    of times its weekday occurs in that period. Gaps in a file are not detected.
    """
    if incidents.empty:
        raise InputError("no incidents to profile")
    stamps = incidents["timestamp"]
    zone = tz or str(stamps.dt.tz)
    local = stamps.dt.tz_convert(zone)
    dates = local.dt.date
    first = start or min(dates)
    last = end or max(dates)
    if last < first:
        raise InputError(f"profile period ends ({last}) before it starts ({first})")
    inside = (dates >= first) & (dates <= last)
    local = local[inside]
    days = (last - first).days + 1
    grid = pd.crosstab(local.dt.day_of_week, local.dt.hour).reindex(
        index=range(7), columns=HOURS, fill_value=0
    )
    grid.index = pd.Index(WEEKDAYS, name="weekday")
    grid.columns = pd.Index(HOURS, name="hour")
    span = pd.date_range(first, last, freq="D")
    occurrences = np.bincount(span.day_of_week, minlength=7)
    rates = grid.div(np.maximum(occurrences, 1), axis=0)
    month_days = pd.Series(1, index=span).groupby(span.to_period("M")).sum()
    month_counts = local.dt.tz_localize(None).dt.to_period("M").value_counts()
    by_month = pd.DataFrame({"days": month_days})
    by_month["incidents"] = month_counts.reindex(by_month.index, fill_value=0)
    by_month["per_day"] = by_month["incidents"] / by_month["days"]
    by_month.index.name = "month"
    return DemandProfile(grid, rates, by_month[["incidents", "days", "per_day"]], days, zone)


def _share_table(keys: pd.Series, covered: np.ndarray, order: list[Any], name: str) -> pd.DataFrame:
    frame = pd.DataFrame({name: keys.to_numpy(), "covered": covered})
    table = frame.groupby(name).agg(incidents=("covered", "size"), covered=("covered", "sum"))
    table = table.reindex(order, fill_value=0)
    table["share"] = table["covered"] / table["incidents"].where(table["incidents"] > 0)
    return table


@dataclass(frozen=True)
class CoverageReport:
    """How many incidents fall inside staffed time.

    Attributes:
        incidents: incidents considered.
        covered: those with at least one worker on duty at that moment.
        by_hour, by_weekday, by_month: ``incidents``, ``covered``, ``share`` tables.
        shifts: each staffed window (``start``, ``end``, ``workers``, ``incidents``).
        window: the roster horizon incidents were folded onto.
        synthetic: True when the incidents are generated.
    """

    incidents: int
    covered: int
    by_hour: pd.DataFrame
    by_weekday: pd.DataFrame
    by_month: pd.DataFrame
    shifts: pd.DataFrame
    window: HorizonWindow
    synthetic: bool

    @property
    def share(self) -> float:
        """Share of incidents inside staffed time."""
        return self.covered / self.incidents if self.incidents else 0.0

    @property
    def incidents_per_shift(self) -> float:
        """Mean incidents per staffed window, over the passes the incidents span."""
        return float(self.shifts["incidents"].mean()) if len(self.shifts) else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "incidents": self.incidents,
            "covered": self.covered,
            "share": self.share,
            "incidents_per_shift": self.incidents_per_shift,
            "by_hour": self.by_hour["share"].round(4).fillna(0).tolist(),
            "by_weekday": dict(
                zip(WEEKDAYS, self.by_weekday["share"].round(4).fillna(0), strict=True)
            ),
            "by_month": {
                str(k): round(float(v), 4) for k, v in self.by_month["share"].fillna(0).items()
            },
            "synthetic": self.synthetic,
        }


def coverage_report(
    incidents: pd.DataFrame,
    intervals: Sequence[Interval],
    tz: str = "America/Toronto",
    window: HorizonWindow | None = None,
    eligible_only: bool = False,
) -> CoverageReport:
    """Share of incidents inside staffed time, by hour, weekday and month; incidents per shift.

    Incidents outside the roster horizon are folded onto it by wall-clock time
    (see :func:`~optimizer.incidents.timeline.fold_onto`); months are those of
    the original incidents.
    """
    window = window or horizon_of(intervals, tz)
    chosen = select_eligible(incidents, eligible_only)
    if chosen.empty:
        raise InputError("no incidents to measure coverage with")
    folded = fold_onto(chosen, window)
    at_ns = to_ns(folded["at"])
    covered = headcount_at(at_ns, intervals) > 0
    local = folded["at"]
    by_hour = _share_table(local.dt.hour, covered, HOURS, "hour")
    by_weekday = _share_table(local.dt.day_of_week, covered, list(range(7)), "weekday")
    by_weekday.index = pd.Index(WEEKDAYS, name="weekday")
    stamps = folded["timestamp"]
    # Integer month keys group far faster than Period objects.
    month_key = stamps.dt.year * 100 + stamps.dt.month
    keys = sorted(int(k) for k in month_key.unique())
    by_month = _share_table(month_key, covered, keys, "month")
    by_month.index = pd.Index([f"{k // 100}-{k % 100:02d}" for k in keys], name="month")

    starts, ends, _ = interval_arrays(intervals)
    windows = pd.DataFrame({"start": starts, "end": ends})
    shifts = windows.groupby(["start", "end"]).size().rename("workers").reset_index()
    cycles = max(1, int(folded["cycle"].nunique()))
    sorted_at = np.sort(at_ns)
    lo = np.searchsorted(sorted_at, shifts["start"].to_numpy(), side="left")
    hi = np.searchsorted(sorted_at, shifts["end"].to_numpy(), side="left")
    shifts["incidents"] = (hi - lo) / cycles
    for col in ("start", "end"):
        shifts[col] = pd.to_datetime(shifts[col], unit="ns", utc=True).dt.tz_convert(window.tz)
    return CoverageReport(
        incidents=len(folded),
        covered=int(covered.sum()),
        by_hour=by_hour,
        by_weekday=by_weekday,
        by_month=by_month,
        shifts=shifts,
        window=window,
        synthetic=bool(incidents.attrs.get("synthetic", False)),
    )


@dataclass(frozen=True)
class ErlangReport:
    """Erlang B over a roster: per hour of week, and overall weighted by arrivals."""

    by_hour_of_week: pd.DataFrame
    mean_occupied_minutes: float

    @property
    def p_no_support(self) -> float:
        """Share of arrivals expected to get no one (busy or off duty)."""
        t = self.by_hour_of_week
        total = float(t["arrivals_per_hour"].sum())
        if total == 0:
            return 0.0
        return float((t["arrivals_per_hour"] * t["p_no_support"]).sum() / total)

    @property
    def on_site_rate(self) -> float:
        """Share of arrivals expected to get a social worker on site."""
        return 1 - self.p_no_support


def erlang_report(
    rates: Sequence[float] | np.ndarray,
    intervals: Sequence[Interval],
    mean_occupied_minutes: float,
    window: HorizonWindow,
) -> ErlangReport:
    """Erlang B for every real hour of the roster horizon, averaged per hour of week.

    Args:
        rates: 168 arrival rates per hour of week (e.g. ``demand_profile(...).rates_168()``).
        intervals: on-duty intervals; the headcount of an hour is taken at its midpoint.
        mean_occupied_minutes: mean time a response occupies a worker.
        window: the roster horizon, in the local zone of the rates.
    """
    r = np.asarray(rates, dtype=float)
    if r.shape != (168,):
        raise InputError(f"expected 168 hour-of-week rates, got {r.size}")
    lo, hi = window.bounds()
    hours = pd.date_range(lo.tz_convert("UTC"), hi.tz_convert("UTC"), freq="h", inclusive="left")
    local = hours.tz_convert(window.zone)
    how = np.asarray(local.day_of_week * 24 + local.hour)
    mid = to_ns(hours) + 30 * 60_000_000_000
    servers = headcount_at(mid, intervals)
    load = r[how] * mean_occupied_minutes / 60
    blocked = np.asarray(erlang_b(load, servers), dtype=float)
    frame = pd.DataFrame({"how": how, "servers": servers, "p_no_support": blocked})
    agg = frame.groupby("how").agg(
        servers=("servers", "mean"), p_no_support=("p_no_support", "mean")
    )
    agg = agg.reindex(range(168))
    table = pd.DataFrame(
        {
            "weekday": [WEEKDAYS[i // 24] for i in range(168)],
            "hour": [i % 24 for i in range(168)],
            "arrivals_per_hour": r,
            "load": r * mean_occupied_minutes / 60,
            "servers": agg["servers"].to_numpy(),
            "p_no_support": agg["p_no_support"].to_numpy(),
        }
    )
    table["on_site_rate"] = 1 - table["p_no_support"]
    return ErlangReport(table, mean_occupied_minutes)
