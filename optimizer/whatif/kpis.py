"""The figures a steering committee compares: people, hours, cost, victims served.

Everything here is computed from a scenario, its roster (a
:class:`~optimizer.result.SolveResult`) and an incident replay on that roster;
nothing is solved. Costs follow :class:`CostParams`: paid hours at the
worker's hourly rate (else the agency's), with evening, weekend and holiday
premiums, plus overtime from responses that run past the end of a shift.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from optimizer.errors import InputError
from optimizer.incidents import CoverageReport, ErlangReport, ReplayResult
from optimizer.result import SolveResult
from optimizer.scenario import Scenario
from optimizer.shifts import Shift, expand_shifts, scenario_holidays

#: Weeks in an average year (365.25 days).
WEEKS_PER_YEAR = 365.25 / 7


@dataclass(frozen=True)
class CostParams:
    """How paid hours turn into cost. Every figure is an assumption: set your own.

    Premiums are multipliers of the hourly rate for the minutes they cover;
    when several apply to the same minute, the highest one is paid (they do
    not stack).

    Attributes:
        evening_premium: multiplier for minutes from ``evening_start`` to
            ``evening_end`` (local clock; the window may run past midnight).
        evening_start, evening_end: the evening/night premium window.
        weekend_premium: multiplier for minutes on Saturday and Sunday.
        holiday_premium: multiplier for minutes on a statutory holiday.
        overtime_premium: multiplier for response minutes past the end of a shift.
        fte_hours_per_week: paid hours of one full-time equivalent.
    """

    evening_premium: float = 1.10
    evening_start: dt.time = dt.time(18, 0)
    evening_end: dt.time = dt.time(6, 0)
    weekend_premium: float = 1.15
    holiday_premium: float = 1.5
    overtime_premium: float = 1.5
    fte_hours_per_week: float = 37.5

    def __post_init__(self) -> None:
        for name in ("evening_premium", "weekend_premium", "holiday_premium", "overtime_premium"):
            if getattr(self, name) < 0:
                raise InputError(f"{name} must be ≥ 0, got {getattr(self, name)}")
        if self.fte_hours_per_week <= 0:
            raise InputError(f"fte_hours_per_week must be positive, got {self.fte_hours_per_week}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = asdict(self)
        out["evening_start"] = self.evening_start.strftime("%H:%M")
        out["evening_end"] = self.evening_end.strftime("%H:%M")
        return out

    def in_evening(self, clock: dt.time) -> bool:
        """True when a local clock time falls in the evening premium window."""
        lo, hi = self.evening_start, self.evening_end
        if lo == hi:
            return False
        if lo < hi:
            return lo <= clock < hi
        return clock >= lo or clock < hi


def premium_hours(shift: Shift, costs: CostParams, holidays: set[dt.date]) -> float:
    """Hours of ``shift`` weighted by the premium that applies to each minute.

    Walks the shift in steps that end on every local quarter hour, so premium
    windows starting on a quarter hour are priced exactly.
    """
    tz = shift.start.tzinfo
    t = shift.start.astimezone(dt.UTC)
    end = shift.end.astimezone(dt.UTC)
    total = 0.0
    while t < end:
        local = t.astimezone(tz)
        to_quarter = 15 - local.minute % 15
        step = min(dt.timedelta(minutes=to_quarter) - dt.timedelta(seconds=local.second), end - t)
        factor = 1.0
        if costs.in_evening(local.time()):
            factor = max(factor, costs.evening_premium)
        if local.weekday() >= 5:
            factor = max(factor, costs.weekend_premium)
        if local.date() in holidays:
            factor = max(factor, costs.holiday_premium)
        total += factor * step.total_seconds() / 3600
        t += step
    return total


def staffed_clock_hours(shifts: Sequence[Shift]) -> float:
    """Clock hours in which at least one person is required (overlaps counted once)."""
    spans = sorted(
        (s.start.astimezone(dt.UTC), s.end.astimezone(dt.UTC)) for s in shifts if s.required > 0
    )
    total = 0.0
    cur_lo: dt.datetime | None = None
    cur_hi: dt.datetime | None = None
    for lo, hi in spans:
        if cur_hi is None or lo > cur_hi:
            if cur_lo is not None and cur_hi is not None:
                total += (cur_hi - cur_lo).total_seconds()
            cur_lo, cur_hi = lo, hi
        else:
            cur_hi = max(cur_hi, hi)
    if cur_lo is not None and cur_hi is not None:
        total += (cur_hi - cur_lo).total_seconds()
    return total / 3600


def incident_weeks(replayed: ReplayResult, tz: str) -> float:
    """Weeks of incident data (first to last local date, inclusive)."""
    stamps = replayed.incidents["timestamp"]
    if stamps.empty:
        return 0.0
    local = stamps.dt.tz_convert(tz).dt.date
    return ((max(local) - min(local)).days + 1) / 7


def _rate(scenario: Scenario, worker_id: str) -> float:
    w = scenario.worker(worker_id)
    return w.hourly_cost if w.hourly_cost is not None else scenario.agency(w.agency).hourly_cost


def roster_kpis(scenario: Scenario, result: SolveResult, costs: CostParams) -> dict[str, Any]:
    """People, paid hours, cost, unfilled slot-hours and fairness of one roster."""
    weeks = scenario.horizon.weeks
    shifts = expand_shifts(scenario)
    by_id = {s.id: s for s in shifts}
    holidays = set(scenario_holidays(scenario))
    premium = {s.id: premium_hours(s, costs, holidays) for s in shifts}
    paid_hours = sum(by_id[a.shift_id].minutes for a in result.assignments) / 60
    cost = sum(_rate(scenario, a.worker_id) * premium[a.shift_id] for a in result.assignments)
    used = {a.worker_id for a in result.assignments}
    placeholders = {w.id for w in scenario.workers if w.placeholder}
    # Fairness among the people on the roster: an unused planned hire is never hired.
    loads = [w for w in result.worker_loads if w.worker_id in used]
    hours = [w.hours / weeks for w in loads]
    unsocial = [w.unsocial_shifts for w in loads]
    unfilled_hours = sum(u.missing * u.shift.hours for u in result.unfilled)
    rate_hours = sum(
        _rate(scenario, a.worker_id) * by_id[a.shift_id].hours for a in result.assignments
    )
    return {
        "staffed_hours_per_week": staffed_clock_hours(shifts) / weeks,
        "required_person_hours_per_week": sum(s.required * s.hours for s in shifts) / weeks,
        "workers": len(used),
        "planned_hires": len(used & placeholders),
        "paid_hours_per_week": paid_hours / weeks,
        "fte": paid_hours / weeks / costs.fte_hours_per_week,
        "cost_per_week": cost / weeks,
        "mean_hourly_rate": rate_hours / paid_hours if paid_hours else 0.0,
        "unfilled_slot_hours": unfilled_hours,
        "unfilled_slot_hours_per_week": unfilled_hours / weeks,
        "hours_spread_per_week": (max(hours) - min(hours)) if hours else 0.0,
        "unsocial_spread": (max(unsocial) - min(unsocial)) if unsocial else 0,
    }


def incident_kpis(
    tz: str,
    coverage: CoverageReport,
    replayed: ReplayResult,
    erlang: ErlangReport | None,
    mean_hourly_rate: float,
    costs: CostParams,
) -> dict[str, Any]:
    """Incidents in staffed time and on site, per week and per year, and overtime."""
    weeks = incident_weeks(replayed, tz) or 1.0
    per_week = {
        "served": replayed.served / weeks,
        "missed_busy": replayed.missed_busy / weeks,
        "missed_off_hours": replayed.missed_off_hours / weeks,
    }
    overtime_hours = replayed.overtime_minutes / 60 / weeks
    return {
        "incidents_per_week": replayed.total / weeks,
        "in_staffed_time_share": coverage.share,
        "on_site_share": replayed.on_site_rate,
        "on_site_share_erlang": erlang.on_site_rate if erlang is not None else math.nan,
        "missed_busy_share": replayed.missed_busy / replayed.total if replayed.total else 0.0,
        "missed_off_hours_share": (
            replayed.missed_off_hours / replayed.total if replayed.total else 0.0
        ),
        **{f"{k}_per_week": v for k, v in per_week.items()},
        **{f"{k}_per_year": v * WEEKS_PER_YEAR for k, v in per_week.items()},
        "utilisation": replayed.utilisation,
        "overtime_hours_per_week": overtime_hours,
        "overtime_cost_per_week": overtime_hours * mean_hourly_rate * costs.overtime_premium,
    }


def add_relative(rows: list[dict[str, Any]]) -> None:
    """Total cost per year, and cost per additional victim served relative to the first row."""
    for row in rows:
        week = row.get("cost_per_week", math.nan) + (row.get("overtime_cost_per_week") or 0.0)
        row["total_cost_per_week"] = week
        row["total_cost_per_year"] = week * WEEKS_PER_YEAR
    if not rows:
        return
    base = rows[0]
    for i, row in enumerate(rows):
        extra_served = row.get("served_per_year", math.nan) - base.get("served_per_year", math.nan)
        extra_cost = row["total_cost_per_year"] - base["total_cost_per_year"]
        row["additional_served_per_year"] = extra_served
        row["additional_cost_per_year"] = extra_cost
        if i == 0 or not extra_served > 0:
            row["cost_per_additional_victim"] = math.nan
        else:
            row["cost_per_additional_victim"] = extra_cost / extra_served


#: Column order of the comparison table, with readable labels for reports.
COLUMNS: dict[str, str] = {
    "scenario": "Scenario",
    "name": "Name",
    "status": "Solve status",
    "gap": "Gap",
    "solve_seconds": "Solve time (s)",
    "staffed_hours_per_week": "Staffed hours / week",
    "required_person_hours_per_week": "Required person-hours / week",
    "workers": "Workers needed",
    "planned_hires": "of which planned hires",
    "fte": "FTE",
    "workers_by_agency": "Workers by agency",
    "headcount_status": "Headcount proof",
    "paid_hours_per_week": "Paid hours / week",
    "cost_per_week": "Shift cost / week",
    "overtime_hours_per_week": "Overtime hours / week",
    "overtime_cost_per_week": "Overtime cost / week",
    "total_cost_per_week": "Total cost / week",
    "total_cost_per_year": "Total cost / year",
    "unfilled_slot_hours_per_week": "Unfilled slot-hours / week",
    "hours_spread_per_week": "Hours spread / worker / week",
    "unsocial_spread": "Unsocial shifts spread",
    "incidents_per_week": "Incidents / week",
    "in_staffed_time_share": "Incidents in staffed time",
    "on_site_share": "Victims with a worker on site",
    "on_site_share_erlang": "On site (Erlang B check)",
    "missed_busy_share": "Missed: all busy",
    "missed_off_hours_share": "Missed: off hours",
    "served_per_week": "Served on site / week",
    "missed_busy_per_week": "Missed busy / week",
    "missed_off_hours_per_week": "Missed off hours / week",
    "served_per_year": "Served on site / year",
    "missed_busy_per_year": "Missed busy / year",
    "missed_off_hours_per_year": "Missed off hours / year",
    "utilisation": "Utilisation of staffed time",
    "additional_served_per_year": "Additional served / year",
    "additional_cost_per_year": "Additional cost / year",
    "cost_per_additional_victim": "Cost per additional victim served",
}


def kpi_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Rows in the documented column order (unknown extra columns kept at the end)."""
    frame = pd.DataFrame(list(rows))
    ordered = [c for c in COLUMNS if c in frame.columns]
    rest = [c for c in frame.columns if c not in COLUMNS]
    return frame[ordered + rest]
