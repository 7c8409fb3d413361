"""Expansion options side by side: solve each scenario, replay the same incidents on each roster.

Built from the library's own pieces — :func:`optimizer.solver.solve`,
:func:`optimizer.incidents.coverage_report` and :func:`optimizer.incidents.replay` —
so every figure here is one the other pages show for a single scenario.
No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from optimizer.incidents import (
    CoverageReport,
    ReplayResult,
    coverage_report,
    import_incidents,
    replay,
)
from optimizer.result import SolveResult
from optimizer.roster import on_duty_intervals
from optimizer.scenario import WEEKDAYS, Scenario
from optimizer.solver import solve
from ui.incident_data import Incidents

#: The bundled synthetic Windsor year, used when no incidents are loaded.
SYNTHETIC_FILE = Path(__file__).resolve().parents[1] / "scenarios" / "data"
SYNTHETIC_FILE = SYNTHETIC_FILE / "windsor-synthetic-incidents.csv"


@dataclass(frozen=True)
class Option:
    """One scenario's solve and what its roster means for the incidents."""

    scenario: Scenario
    result: SolveResult
    coverage: CoverageReport | None
    replayed: ReplayResult | None


@dataclass(frozen=True)
class Comparison:
    """Every option, on the same incidents."""

    options: tuple[Option, ...]
    incidents_source: str
    synthetic: bool


def bundled_incidents() -> Incidents:
    """The bundled synthetic Windsor year (labelled synthetic)."""
    result = import_incidents(SYNTHETIC_FILE, tz="America/Toronto")
    return Incidents(result.frame, "bundled synthetic Windsor year", True, result.report)


def incidents_key(incidents: Incidents) -> str:
    """A fingerprint of the incident frame, for caching comparisons."""
    hashed = pd.util.hash_pandas_object(incidents.frame, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()[:16]


def run(
    scenarios: Sequence[Scenario],
    incidents: Incidents,
    time_limit: float,
    report: Callable[[Any], None],
    stop: threading.Event,
    threads: int = 2,
) -> Comparison:
    """Solve each scenario in turn and replay the incidents on its roster.

    ``report`` receives ``(done, total, message)`` as each step starts, so a
    page can show progress; setting ``stop`` skips the remaining scenarios.
    """
    options: list[Option] = []
    for i, scenario in enumerate(scenarios):
        if stop.is_set():
            break
        report((i, len(scenarios), f"Solving {scenario.name}"))
        result = solve(scenario, time_limit=time_limit, workers=threads, stop=stop)
        coverage = replayed = None
        if result.status.has_roster and result.assignments:
            report((i + 0.8, len(scenarios), f"Replaying incidents on {scenario.name}"))
            intervals = on_duty_intervals(scenario, list(result.assignments))
            coverage = coverage_report(incidents.frame, intervals, tz=scenario.timezone)
            replayed = replay(incidents.frame, intervals, tz=scenario.timezone)
        options.append(Option(scenario, result, coverage, replayed))
    report((len(scenarios), len(scenarios), "Done"))
    return Comparison(tuple(options), incidents.source, incidents.synthetic)


def kpi_table(comparison: Comparison) -> pd.DataFrame:
    """One row per option: staffing, cost, coverage and on-site figures."""
    rows = []
    for o in comparison.options:
        r = o.result
        weeks = o.scenario.horizon.weeks
        hours = sum(w.hours for w in r.worker_loads)
        row: dict[str, Any] = {
            "scenario": o.scenario.id,
            "status": r.status.value,
            "workers": len(o.scenario.workers),
            "staffed hours / week": round(hours / weeks, 1),
            "cost / week": round(r.total_cost / weeks, 2),
            "short person-shifts": r.unfilled_person_shifts,
            "incidents in staffed hours %": None,
            "worker on site %": None,
            "missed, all busy": None,
            "missed, off hours": None,
            "utilisation %": None,
            "cost / week per on-site %": None,
        }
        if o.coverage is not None and o.replayed is not None:
            on_site = 100 * o.replayed.on_site_rate
            row.update(
                {
                    "incidents in staffed hours %": round(100 * o.coverage.share, 1),
                    "worker on site %": round(on_site, 1),
                    "missed, all busy": o.replayed.missed_busy,
                    "missed, off hours": o.replayed.missed_off_hours,
                    "utilisation %": round(100 * o.replayed.utilisation, 1),
                    "cost / week per on-site %": round(r.total_cost / weeks / on_site, 2)
                    if on_site
                    else None,
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


def cost_coverage_figure(kpis: pd.DataFrame, synthetic: bool) -> go.Figure:
    """Weekly cost against the share of incidents with a worker on site."""
    fig = px.scatter(
        kpis,
        x="cost / week",
        y="worker on site %",
        text="scenario",
        size="staffed hours / week",
        hover_data=["incidents in staffed hours %", "short person-shifts"],
    )
    fig.update_traces(textposition="top center")
    title = "Coverage against cost" + (" — SYNTHETIC INCIDENTS" if synthetic else "")
    fig.update_layout(title=title, height=400)
    return fig


def missed_grid(option: Option) -> pd.DataFrame:
    """Incidents with no worker on site, by weekday × hour (roster-folded local time)."""
    grid = np.zeros((7, 24), dtype=int)
    if option.replayed is not None:
        frame = option.replayed.incidents
        missed = frame[frame["outcome"] != "served"]
        at = missed["at"]
        np.add.at(grid, (at.dt.day_of_week.to_numpy(), at.dt.hour.to_numpy()), 1)
    return pd.DataFrame(grid, index=list(WEEKDAYS), columns=list(range(24)))


def missed_figure(option: Option, synthetic: bool, zmax: int | None = None) -> go.Figure:
    """Heatmap of missed incidents for one option."""
    grid = missed_grid(option)
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[f"{h:02d}" for h in grid.columns],
            y=list(grid.index),
            colorscale="Reds",
            zmin=0,
            zmax=zmax,
            hovertemplate="%{y} %{x}:00 — %{z} missed<extra></extra>",
        )
    )
    title = f"{option.scenario.id}: incidents with no worker on site"
    fig.update_layout(
        title=title + (" (synthetic)" if synthetic else ""),
        yaxis={"autorange": "reversed"},
        height=300,
    )
    return fig


def html_report(comparison: Comparison) -> str:
    """A self-contained HTML report: KPI table, cost-coverage chart and missed heatmaps."""
    kpis = kpi_table(comparison)
    zmax = max((int(missed_grid(o).to_numpy().max()) for o in comparison.options), default=0)
    figures = [cost_coverage_figure(kpis, comparison.synthetic)]
    figures += [missed_figure(o, comparison.synthetic, zmax or None) for o in comparison.options]
    # The first figure carries plotly.js, so the file opens without a network.
    parts = [f.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, f in enumerate(figures)]
    label = (
        "<p style='color:#a00;font-weight:bold'>SYNTHETIC INCIDENT DATA — not real incidents.</p>"
        if comparison.synthetic
        else ""
    )
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<title>shiftcover — comparison</title></head><body style='font-family:sans-serif'>"
        "<h1>Expansion options compared</h1>"
        f"<p>Incidents: {html.escape(comparison.incidents_source)} · made {when}</p>{label}"
        f"{kpis.to_html(index=False, na_rep='—', border=0)}" + "".join(parts) + "</body></html>"
    )
