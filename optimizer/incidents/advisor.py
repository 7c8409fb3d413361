"""Shift window advice from incident timing.

* :func:`advise_window` — for a budget of staffed hours per day (one shift of
  ``hours``), the start time that covers the most incidents, overall and per
  weekday. Exhaustive over start times: a cumulative count per minute of week.
* :func:`advise_shifts_cpsat` — several shifts: a CP-SAT model choosing shift
  starts and headcounts per weekday that meet a target on-site rate (Erlang B)
  at the fewest staff hours per week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optimizer.errors import InputError
from optimizer.incidents.erlang import erlang_b, servers_needed
from optimizer.scenario import WEEKDAYS

MINUTES_PER_WEEK = 7 * 1440

#: CP-SAT search workers: the project's machines have 2 cores.
NUM_WORKERS = 2


@dataclass(frozen=True)
class WindowAdvice:
    """Incidents covered by one daily shift of ``hours``, for every start time.

    Attributes:
        table: index start ("HH:MM"); one column per weekday (incidents in the
            shift starting that day), ``all`` (the same start every day) and ``share``.
        best_start: the start covering the most incidents when used every day.
        best_share: share of all incidents it covers.
        per_weekday: weekday → (best start, share of all incidents covered that day).
    """

    hours: float
    total: int
    table: pd.DataFrame
    best_start: dt.time
    best_share: float
    per_weekday: dict[str, tuple[dt.time, float]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "hours": self.hours,
            "incidents": self.total,
            "best_start": self.best_start.strftime("%H:%M"),
            "best_share": self.best_share,
            "per_weekday": {
                d: {"start": t.strftime("%H:%M"), "share": s}
                for d, (t, s) in self.per_weekday.items()
            },
        }


def _minute_of_week(incidents: pd.DataFrame, tz: str | None) -> np.ndarray:
    stamps = incidents["timestamp"]
    local = stamps.dt.tz_convert(tz) if tz else stamps
    return np.asarray(local.dt.day_of_week * 1440 + local.dt.hour * 60 + local.dt.minute)


def advise_window(
    incidents: pd.DataFrame,
    hours: float = 8.0,
    tz: str | None = None,
    step_minutes: int = 30,
) -> WindowAdvice:
    """Best start of a daily ``hours`` shift by incidents covered (local wall-clock time).

    A shift may run past midnight: its incidents after midnight belong to the
    next weekday. ``tz`` defaults to the zone of the incident timestamps.
    """
    if incidents.empty:
        raise InputError("no incidents to advise on")
    if not 0 < hours <= 24:
        raise InputError(f"shift length must be between 0 and 24 hours, got {hours}")
    if step_minutes <= 0 or 1440 % step_minutes:
        raise InputError(f"step must divide a day evenly, got {step_minutes} minutes")
    length = round(hours * 60)
    counts = np.bincount(_minute_of_week(incidents, tz), minlength=MINUTES_PER_WEEK)
    cum = np.concatenate([[0], np.cumsum(np.concatenate([counts, counts]))])
    starts = np.arange(0, 1440, step_minutes)
    grid = np.empty((len(starts), 7), dtype=np.int64)
    for d in range(7):
        lo = d * 1440 + starts
        grid[:, d] = cum[lo + length] - cum[lo]
    total = int(counts.sum())
    labels = [f"{s // 60:02d}:{s % 60:02d}" for s in starts]
    table = pd.DataFrame(grid, index=pd.Index(labels, name="start"), columns=list(WEEKDAYS))
    table["all"] = grid.sum(axis=1)
    table["share"] = table["all"] / total
    best = int(np.argmax(table["all"].to_numpy()))

    def clock(i: int) -> dt.time:
        return dt.time(int(starts[i]) // 60, int(starts[i]) % 60)

    per_weekday = {
        day: (clock(int(np.argmax(grid[:, d]))), float(grid[:, d].max() / total))
        for d, day in enumerate(WEEKDAYS)
    }
    return WindowAdvice(
        hours, total, table, clock(best), float(table["share"].iloc[best]), per_weekday
    )


@dataclass(frozen=True)
class ShiftPlan:
    """Shift starts and headcounts chosen by :func:`advise_shifts_cpsat`.

    Attributes:
        status: "optimal", "feasible" or "infeasible".
        shifts: ``weekday``, ``start`` (hour), ``hours``, ``headcount`` of each shift used.
        by_hour: per hour of week ``arrivals_per_hour``, ``needed``, ``servers``, ``on_site_rate``.
        staff_hours_per_week: person-hours the plan staffs in a week.
        on_site_rate: expected share of arrivals with a worker on site (Erlang B).
    """

    status: str
    shifts: pd.DataFrame
    by_hour: pd.DataFrame
    staff_hours_per_week: float
    on_site_rate: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "status": self.status,
            "staff_hours_per_week": self.staff_hours_per_week,
            "on_site_rate": self.on_site_rate,
            "shifts": self.shifts.to_dict(orient="records"),
        }


def advise_shifts_cpsat(
    rates: Sequence[float] | np.ndarray,
    mean_occupied_minutes: float,
    target_on_site: float = 0.8,
    shift_hours: Iterable[int] = (8,),
    start_hours: Iterable[int] = range(24),
    max_headcount: int = 6,
    min_rate: float = 0.0,
    overall_target: float | None = None,
    time_limit: float = 10.0,
) -> ShiftPlan:
    """Fewest staff hours meeting an on-site rate, choosing shift starts and headcounts.

    Args:
        rates: 168 arrival rates per hour of week (Monday 00:00 first).
        mean_occupied_minutes: mean time a response occupies a worker.
        target_on_site: in every hour whose rate exceeds ``min_rate``, the Erlang B
            on-site rate ``1 - B(load, servers)`` must reach this; ``None``-like 0 disables.
        shift_hours: allowed shift lengths in hours.
        start_hours: allowed local start hours.
        max_headcount: most workers starting one shift.
        min_rate: hours with fewer arrivals per hour than this need no one.
        overall_target: optionally, the arrival-weighted on-site rate over the whole
            week must reach this (hours may then trade off against each other).
        time_limit: seconds for CP-SAT (run with ``num_workers`` = 2).
    """
    from ortools.sat.python import cp_model  # solver imports stay in solver code

    r = np.asarray(rates, dtype=float)
    if r.shape != (168,):
        raise InputError(f"expected 168 hour-of-week rates, got {r.size}")
    load = r * mean_occupied_minutes / 60
    lengths = sorted(set(shift_hours))
    starts = sorted(set(start_hours))
    if not lengths or min(lengths) < 1 or max(lengths) > 24:
        raise InputError("shift lengths must be whole hours between 1 and 24")
    need = np.array(
        [
            servers_needed(load[t], target_on_site) if r[t] > min_rate and target_on_site > 0 else 0
            for t in range(168)
        ]
    )
    if need.max() > max_headcount * len(lengths) * len(starts):
        raise InputError(f"an hour needs {need.max()} workers; raise max_headcount")

    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], Any] = {}
    for d in range(7):
        for h in starts:
            for length in lengths:
                x[d, h, length] = model.new_int_var(
                    0, max_headcount, f"x_{WEEKDAYS[d]}_{h:02d}_{length}h"
                )
    covering: list[list[Any]] = [[] for _ in range(168)]
    for (d, h, length), var in x.items():
        for k in range(length):
            covering[(d * 24 + h + k) % 168].append(var)
    cap = max(1, max(len(c) for c in covering) * max_headcount)
    servers = [model.new_int_var(0, cap, f"c_{t}") for t in range(168)]
    for t in range(168):
        model.add(servers[t] == sum(covering[t]))
        model.add(servers[t] >= int(need[t]))
    if overall_target is not None:
        # One-hot headcount per hour so the Erlang on-site rate enters linearly.
        top = min(cap, int(max(need.max(), 1)) + 6)
        scale = 10_000
        served_terms = []
        for t in range(168):
            if r[t] <= 0:
                continue
            z = [model.new_bool_var(f"z_{t}_{k}") for k in range(top + 1)]
            model.add_exactly_one(z)
            model.add(servers[t] <= top)
            model.add(servers[t] == sum(k * zk for k, zk in enumerate(z)))
            for k, zk in enumerate(z):
                on_site = 1 - float(erlang_b(load[t], k))
                served_terms.append(round(scale * r[t] * on_site) * zk)
        model.add(sum(served_terms) >= round(scale * overall_target * r.sum()))
    model.minimize(sum(length * var for (_, _, length), var in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = NUM_WORKERS
    solver.parameters.max_time_in_seconds = time_limit
    code = solver.solve(model)
    status = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(code, "infeasible")
    if status == "infeasible":
        return ShiftPlan(status, pd.DataFrame(), pd.DataFrame(), 0.0, 0.0)
    rows = [
        {
            "weekday": WEEKDAYS[d],
            "start": f"{h:02d}:00",
            "hours": length,
            "headcount": solver.value(v),
        }
        for (d, h, length), v in x.items()
        if solver.value(v) > 0
    ]
    c = np.array([solver.value(s) for s in servers])
    on_site_by_hour = 1 - np.asarray(erlang_b(load, c), dtype=float)
    by_hour = pd.DataFrame(
        {
            "weekday": [WEEKDAYS[t // 24] for t in range(168)],
            "hour": [t % 24 for t in range(168)],
            "arrivals_per_hour": r,
            "needed": need,
            "servers": c,
            "on_site_rate": on_site_by_hour,
        }
    )
    overall = float((r * on_site_by_hour).sum() / r.sum()) if r.sum() > 0 else 1.0
    hours_total = float(sum(length * solver.value(v) for (_, _, length), v in x.items()))
    return ShiftPlan(status, pd.DataFrame(rows), by_hour, hours_total, overall)
