"""``report.html``: the comparison for a steering committee, in one self-contained file.

Plotly's JavaScript is embedded once, inline, so the file opens anywhere
without a network connection. Sections: the key figures side by side, cost
against victims served on site, when victims are missed (hour-of-week
heatmaps), who is on the roster, and the assumptions behind every figure.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from optimizer.scenario import WEEKDAYS
from optimizer.whatif.compare import Comparison
from optimizer.whatif.kpis import COLUMNS, incident_weeks

#: Rows of the KPI table in the report: (column, format).
_TABLE_ROWS: tuple[tuple[str, str], ...] = (
    ("staffed_hours_per_week", "hours"),
    ("workers", "int"),
    ("workers_by_agency", "text"),
    ("fte", "1"),
    ("paid_hours_per_week", "hours"),
    ("total_cost_per_week", "money"),
    ("total_cost_per_year", "money"),
    ("overtime_hours_per_week", "1"),
    ("unfilled_slot_hours_per_week", "1"),
    ("in_staffed_time_share", "pct"),
    ("on_site_share", "pct"),
    ("missed_busy_share", "pct"),
    ("missed_off_hours_share", "pct"),
    ("served_per_year", "int"),
    ("missed_busy_per_year", "int"),
    ("missed_off_hours_per_year", "int"),
    ("additional_served_per_year", "int"),
    ("cost_per_additional_victim", "money"),
    ("hours_spread_per_week", "1"),
    ("unsocial_spread", "int"),
    ("utilisation", "pct"),
    ("status", "text"),
    ("gap", "pct"),
    ("headcount_status", "text"),
)


def _fmt(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "text":
        return html.escape(str(value))
    if kind == "pct":
        return f"{100 * float(value):.1f} %"
    if kind == "money":
        return f"${float(value):,.0f}"
    if kind == "int":
        return f"{float(value):,.0f}"
    if kind == "hours":
        return f"{float(value):,.1f} h"
    return f"{float(value):,.1f}"


def kpi_table_html(comparison: Comparison) -> str:
    """Measures down, scenarios across."""
    table = comparison.table
    heads = "".join(f"<th>{html.escape(str(n))}</th>" for n in table.get("name", table["scenario"]))
    rows = []
    for col, kind in _TABLE_ROWS:
        if col not in table.columns:
            continue
        cells = "".join(f"<td>{_fmt(v, kind)}</td>" for v in table[col])
        rows.append(f"<tr><th scope='row'>{html.escape(COLUMNS.get(col, col))}</th>{cells}</tr>")
    body = "".join(rows)
    return (
        f"<table class='kpi'><thead><tr><th></th>{heads}</tr></thead><tbody>{body}</tbody></table>"
    )


def cost_coverage_figure(comparison: Comparison) -> go.Figure:
    """Total cost per year against the share of victims with a worker on site."""
    t = comparison.table
    fig = go.Figure()
    if "on_site_share" in t.columns:
        fig.add_trace(
            go.Scatter(
                x=t["total_cost_per_year"],
                y=100 * t["on_site_share"],
                mode="markers+text",
                text=t["scenario"],
                textposition="top center",
                marker={"size": 14},
                hovertemplate="%{text}<br>$%{x:,.0f} a year<br>%{y:.1f} % on site<extra></extra>",
            )
        )
    fig.update_layout(
        title="Cost against victims with a social worker on site",
        xaxis_title="Total cost per year ($)",
        yaxis_title="Victims with a worker on site (%)",
        height=420,
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
    )
    return fig


def missed_heatmaps(comparison: Comparison) -> go.Figure:
    """Victims missed per week, by weekday and hour, one panel per scenario."""
    outs = [o for o in comparison.outcomes if o.replayed is not None]
    n = max(1, len(outs))
    fig = make_subplots(
        rows=n,
        cols=1,
        subplot_titles=[o.source.name for o in outs] or ["no roster"],
        vertical_spacing=0.25 / n,
    )
    grids = []
    for o in outs:
        assert o.replayed is not None
        weeks = incident_weeks(o.replayed, o.scenario.timezone) or 1.0
        grids.append(o.replayed.missed_by_hour_of_week().to_numpy(dtype=float) / weeks)
    top = max((float(g.max()) for g in grids), default=1.0) or 1.0
    for k, grid in enumerate(grids):
        fig.add_trace(
            go.Heatmap(
                z=np.round(grid, 2),
                x=[f"{h:02d}" for h in range(24)],
                y=list(WEEKDAYS),
                zmin=0,
                zmax=top,
                colorscale="Reds",
                showscale=k == 0,
                colorbar={"title": "missed / week"},
                hovertemplate="%{y} %{x}:00<br>%{z:.2f} missed a week<extra></extra>",
            ),
            row=k + 1,
            col=1,
        )
        fig.update_yaxes(autorange="reversed", row=k + 1, col=1)
    fig.update_layout(
        title="When victims get no social worker on site (all busy or no one on duty)",
        height=230 * n + 80,
        margin={"t": 80, "l": 50, "r": 20, "b": 40},
    )
    return fig


def roster_figure(comparison: Comparison) -> go.Figure:
    """Paid hours per week by agency, existing staff and planned hires apart."""
    fig = go.Figure()
    agencies: list[str] = []
    for o in comparison.outcomes:
        for a in o.scenario.agencies:
            if a.id not in agencies:
                agencies.append(a.id)
    names = [o.source.id for o in comparison.outcomes]
    for agency in agencies:
        for hired in (False, True):
            ys = []
            for o in comparison.outcomes:
                weeks = o.scenario.horizon.weeks
                placeholder = {w.id: w.placeholder for w in o.scenario.workers}
                agency_of = {w.id: w.agency for w in o.scenario.workers}
                ys.append(
                    sum(
                        load.hours
                        for load in o.result.worker_loads
                        if agency_of.get(load.worker_id) == agency
                        and placeholder.get(load.worker_id, False) == hired
                    )
                    / weeks
                )
            if any(ys):
                fig.add_trace(
                    go.Bar(
                        name=f"{agency} — {'planned hires' if hired else 'current staff'}",
                        x=names,
                        y=ys,
                        marker_pattern_shape="/" if hired else "",
                    )
                )
    fig.update_layout(
        barmode="stack",
        title="Paid hours per week by agency",
        yaxis_title="Hours per week",
        height=420,
        margin={"t": 60, "l": 60, "r": 20, "b": 50},
    )
    return fig


def roster_tables_html(comparison: Comparison) -> str:
    """Per scenario, who is on the roster: hours and unsocial shifts per worker."""
    parts = []
    for o in comparison.outcomes:
        weeks = o.scenario.horizon.weeks
        names = {w.id: (w.name, w.agency, w.placeholder) for w in o.scenario.workers}
        rows = []
        for load in o.result.worker_loads:
            if not load.shifts:
                continue
            name, agency, hire = names[load.worker_id]
            rows.append(
                f"<tr><td>{html.escape(load.worker_id)}</td><td>{html.escape(name)}</td>"
                f"<td>{html.escape(agency)}</td><td>{'planned hire' if hire else ''}</td>"
                f"<td>{load.shifts}</td><td>{load.hours / weeks:.1f}</td>"
                f"<td>{load.unsocial_shifts}</td></tr>"
            )
        body = "".join(rows) or "<tr><td colspan='7'>no roster</td></tr>"
        parts.append(
            f"<details><summary>{html.escape(o.source.name)} — "
            f"{len(rows)} workers, {o.scenario.horizon.weeks} weeks from "
            f"{o.scenario.horizon.start}</summary>"
            "<table class='small'><thead><tr><th>Worker</th><th>Name</th><th>Agency</th>"
            "<th></th><th>Shifts</th><th>Hours / week</th><th>Unsocial shifts</th></tr>"
            f"</thead><tbody>{body}</tbody></table></details>"
        )
    return "".join(parts)


def assumptions_html(comparison: Comparison) -> str:
    """The assumptions, in words."""
    a = comparison.assumptions()
    c = comparison.costs
    rates = "; ".join(
        f"{sid}: " + ", ".join(f"{ag} ${r:g}/h" for ag, r in agencies.items())
        for sid, agencies in a["hourly_rates"].items()
    )
    items = [
        f"<b>Incidents:</b> {html.escape(a['incidents_source'])}"
        + (
            " — <b>SYNTHETIC</b>: generated from published Windsor figures, not real data."
            if a["synthetic"]
            else " — real data."
        )
        + f" {a['incidents']:,} incidents"
        + (" (only those marked eligible)" if a["eligible_only"] else "")
        + "; incidents outside a scenario's weeks are placed on them by weekday and clock time.",
        f"<b>Time a response occupies a worker:</b> {a['mean_occupied_minutes']:.0f} minutes on "
        "average (travel, on scene, documentation). A victim who calls while every on-duty "
        "worker is busy gets no on-site support: the need is lost, not queued.",
        f"<b>Hourly rates:</b> {html.escape(rates)} (a worker's own rate where set).",
        f"<b>Premiums</b> (highest applies, not stacked): evening/night "
        f"{c.evening_start:%H:%M}–{c.evening_end:%H:%M} ×{c.evening_premium:g}, weekend "
        f"×{c.weekend_premium:g}, statutory holiday ×{c.holiday_premium:g}; overtime "
        f"×{c.overtime_premium:g} at the roster's mean rate. One FTE = {c.fte_hours_per_week:g} "
        "paid hours a week.",
        "<b>Rosters:</b> "
        + (
            "each scenario's minimum team (fewest workers staffing every shift under the labour "
            "rules and agency shares), then its best roster"
            if a["staff_to_fit"]
            else "each scenario's best roster with its own workers"
        )
        + f", {a['time_limit_seconds']:g} s of search each; 'optimal' means proven best, "
        "otherwise the gap says how far from proven it may be.",
        f"<b>Baseline</b> for additional victims and cost: {html.escape(str(a['baseline']))}. "
        f"Replay seed {a['seed']}.",
    ]
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0}th,td{padding:.3em .7em;border-bottom:1px solid #eee;
text-align:right}th[scope=row]{text-align:left;font-weight:normal;color:#444}
thead th{text-align:right;vertical-align:bottom}table.small td,table.small th{text-align:left}
.banner{background:#fff3cd;border:1px solid #e0c36b;padding:.6em 1em;border-radius:4px}
details{margin:.4em 0}summary{cursor:pointer}.note{color:#555;font-size:.95em}
"""


def render_report(comparison: Comparison) -> str:
    """The whole report as one HTML string (Plotly's JavaScript inline, no network)."""
    figures = [
        cost_coverage_figure(comparison),
        missed_heatmaps(comparison),
        roster_figure(comparison),
    ]
    divs = [
        fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        for i, fig in enumerate(figures)
    ]
    banner = (
        "<p class='banner'><b>Synthetic incidents.</b> These figures use generated incidents "
        "calibrated to published Windsor statistics, not real police data. Rerun with "
        "<code>--incidents</code> and an export for real figures.</p>"
        if comparison.synthetic
        else ""
    )
    names = ", ".join(html.escape(o.source.name) for o in comparison.outcomes)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Co-response options compared</title>
<style>{_CSS}</style></head><body>
<h1>Co-response options compared</h1>
<p class="note">{names}. Generated {html.escape(comparison.generated_at)} by shiftcover.</p>
{banner}
<h2>Key figures</h2>
<p class="note">Each column is one option, rostered under the same labour rules and measured on the
same incidents. "Victims with a worker on site" counts incidents where a social worker was free and
on duty; the rest were missed because every on-duty worker was busy, or because no one was on duty.
The first column is the baseline for "additional" figures.</p>
{kpi_table_html(comparison)}
<h2>What each option costs and buys</h2>
<p class="note">Further right costs more; higher reaches more victims.</p>
{divs[0]}
<h2>When victims are missed</h2>
<p class="note">Average victims a week without on-site support, by weekday and hour of the call.
Dark cells outside the staffed hours are the calls an expansion would reach; dark cells inside them
mean every worker on duty was busy.</p>
{divs[1]}
<h2>Who is on the roster</h2>
{divs[2]}
{roster_tables_html(comparison)}
<h2>Assumptions</h2>
{assumptions_html(comparison)}
</body></html>
"""
