"""Plotly figures and display tables for the pages. No Streamlit here.

Each function takes the library's own objects and returns a figure or a
:class:`pandas.DataFrame`, so it can be tested without a browser.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from optimizer.result import Progress, SolveResult
from optimizer.roster import Assignment, roster_rows
from optimizer.scenario import WEEKDAYS, Scenario
from optimizer.shifts import expand_shifts

#: Weekday labels of heatmaps and grids, Monday first.
DAYS = list(WEEKDAYS)


def progress_figure(events: Sequence[Progress]) -> go.Figure:
    """Best objective and best bound over the solve's wall time."""
    fig = go.Figure()
    if events:
        t = [e.wall_time for e in events]
        fig.add_scatter(x=t, y=[e.objective for e in events], mode="lines+markers", name="best")
        fig.add_scatter(x=t, y=[e.best_bound for e in events], mode="lines", name="bound")
    fig.update_layout(
        xaxis_title="seconds",
        yaxis_title="objective (lower is better)",
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return fig


def roster_frame(scenario: Scenario, assignments: Iterable[Assignment]) -> pd.DataFrame:
    """One row per assignment with shift times, worker and agency."""
    rows = [
        {
            "shift_id": r.shift.id,
            "date": r.shift.date,
            "weekday": r.shift.weekday,
            "shift": r.shift.label,
            "start": r.shift.start.replace(tzinfo=None),
            "end": r.shift.end.replace(tzinfo=None),
            "worker_id": r.worker_id,
            "worker": r.worker_name + (" (planned)" if r.placeholder else ""),
            "agency": r.agency_id,
        }
        for r in roster_rows(scenario, assignments)
    ]
    columns = ["shift_id", "date", "weekday", "shift", "start", "end", "worker_id", "worker"]
    return pd.DataFrame(rows, columns=[*columns, "agency"])


def gantt(frame: pd.DataFrame, by: str = "worker") -> go.Figure:
    """Timeline of the roster, one lane per worker (coloured by agency) or per agency."""
    colour = "agency" if by == "worker" else "worker"
    if frame.empty:
        return go.Figure()
    fig = px.timeline(
        frame,
        x_start="start",
        x_end="end",
        y=by,
        color=colour,
        hover_data=["shift", "worker", "agency"],
    )
    fig.update_yaxes(autorange="reversed", title=None)
    lanes = frame[by].nunique()
    fig.update_layout(height=max(220, 40 * lanes + 80), margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def week_starts(scenario: Scenario) -> list[dt.date]:
    """The Monday-free week starts of the horizon (weeks start on the horizon's weekday)."""
    return [
        scenario.horizon.start + dt.timedelta(days=7 * i) for i in range(scenario.horizon.weeks)
    ]


def week_grid(result: SolveResult, week_start: dt.date) -> pd.DataFrame:
    """A calendar grid of one week: a row per shift line, a column per day, names in cells.

    Shifts short of their requirement say how many people are missing.
    """
    scenario = result.scenario
    days = [week_start + dt.timedelta(days=i) for i in range(7)]
    names = {w.id: w.name for w in scenario.workers}
    on_shift: dict[str, list[str]] = defaultdict(list)
    for a in result.assignments:
        on_shift[a.shift_id].append(names.get(a.worker_id, a.worker_id))
    missing = {u.shift.id: u.missing for u in result.unfilled}
    grid: dict[str, dict[str, str]] = {}
    for shift in expand_shifts(scenario):
        if shift.date not in days:
            continue
        row = f"{shift.label} {shift.start:%H:%M}–{shift.end:%H:%M}"
        cell = ", ".join(sorted(on_shift.get(shift.id, []))) or "—"
        if missing.get(shift.id):
            cell += f"  ⚠ {missing[shift.id]} missing"
        grid.setdefault(row, {})[f"{DAYS[shift.date.weekday()]} {shift.date:%d %b}"] = cell
    columns = [f"{DAYS[d.weekday()]} {d:%d %b}" for d in days]
    return pd.DataFrame.from_dict(grid, orient="index", columns=columns).fillna("")


def loads_frame(result: SolveResult) -> pd.DataFrame:
    """Hours, shifts and cost per worker, against their limits."""
    names = {w.id: w.name for w in result.scenario.workers}
    rows = [
        {
            "worker": names.get(w.worker_id, w.worker_id),
            "agency": w.agency_id,
            "shifts": w.shifts,
            "hours": round(w.hours, 1),
            "capacity hours": round(w.capacity_hours, 1),
            "minimum hours": round(w.min_hours, 1),
            "weekly max": round(w.max_week_hours, 1),
            "use of capacity %": round(100 * w.hours / w.capacity_hours, 1)
            if w.capacity_hours
            else None,
            "unsocial shifts": w.unsocial_shifts,
            "cost": round(w.cost, 2),
        }
        for w in result.worker_loads
    ]
    return pd.DataFrame(rows)


def hours_figure(loads: pd.DataFrame) -> go.Figure:
    """Hours per worker as bars, with capacity and minimum as markers."""
    fig = go.Figure()
    if loads.empty:
        return fig
    fig.add_bar(x=loads["worker"], y=loads["hours"], name="rostered hours")
    fig.add_scatter(
        x=loads["worker"],
        y=loads["capacity hours"],
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 30, "line": {"width": 3}},
        name="capacity (limit)",
    )
    fig.add_scatter(
        x=loads["worker"],
        y=loads["minimum hours"],
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 30, "line": {"width": 2}},
        name="minimum",
    )
    fig.update_layout(yaxis_title="hours over the horizon", height=340)
    return fig


def unsocial_figure(loads: pd.DataFrame) -> go.Figure:
    """Weekend, night and holiday shifts per worker (fairness)."""
    if loads.empty:
        return go.Figure()
    fig = px.bar(loads, x="worker", y="unsocial shifts", color="agency")
    fig.update_layout(height=300)
    return fig


def agency_share_frame(result: SolveResult) -> pd.DataFrame:
    """Each agency's share of staffed hours against its target."""
    rows = []
    for agency in result.scenario.agencies:
        rows.append(
            {
                "agency": agency.id,
                "name": agency.name,
                "share %": round(100 * result.agency_share.get(agency.id, 0.0), 1),
                "target %": round(100 * agency.target_share, 1)
                if agency.target_share is not None
                else None,
            }
        )
    return pd.DataFrame(rows)


def agency_share_figure(shares: pd.DataFrame) -> go.Figure:
    """Share of staffed hours by agency, next to the target."""
    if shares.empty:
        return go.Figure()
    long = shares.melt(id_vars=["agency"], value_vars=["share %", "target %"], var_name="what")
    fig = px.bar(long, x="agency", y="value", color="what", barmode="group")
    fig.update_layout(yaxis_title="% of staffed hours", height=300)
    return fig


def unfilled_frame(result: SolveResult) -> pd.DataFrame:
    """Shifts left short of their requirement, with the reason."""
    rows = [
        {
            "shift": u.shift.describe(),
            "line": u.shift.label,
            "required": u.required,
            "assigned": u.assigned,
            "missing": u.missing,
            "reason": u.reason,
        }
        for u in result.unfilled
    ]
    return pd.DataFrame(
        rows, columns=["shift", "line", "required", "assigned", "missing", "reason"]
    )


def terms_frame(terms: Mapping[str, int]) -> pd.DataFrame:
    """Objective terms by name, largest first."""
    frame = pd.DataFrame({"term": list(terms), "penalty": list(terms.values())})
    return frame.sort_values("penalty", ascending=False, ignore_index=True)
