"""The Compare page's door to :mod:`optimizer.whatif`. No Streamlit here.

The what-if module solves each scenario and replays the same incidents on
each roster; this module only converts the app's incidents to its input,
reports its progress as job events, and picks the columns a manager reads
first.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from optimizer.scenario import Scenario
from optimizer.whatif import COLUMNS, Comparison, IncidentSet, compare, load_incidents
from optimizer.whatif.report import cost_coverage_figure, missed_heatmaps, roster_figure
from optimizer.whatif.report import render_report as html_report
from ui.incident_data import Incidents

__all__ = [
    "KEY_COLUMNS",
    "Comparison",
    "bundled_incidents",
    "column_formats",
    "cost_coverage_figure",
    "figures",
    "html_report",
    "incidents_key",
    "kpi_table",
    "missed_heatmaps",
    "roster_figure",
    "run",
]

#: The columns shown first, in this order; the full table is one click away.
KEY_COLUMNS = (
    "scenario",
    "status",
    "workers",
    "staffed_hours_per_week",
    "total_cost_per_week",
    "total_cost_per_year",
    "unfilled_slot_hours_per_week",
    "in_staffed_time_share",
    "on_site_share",
    "missed_busy_share",
    "missed_off_hours_share",
    "served_per_year",
    "cost_per_additional_victim",
)


#: Columns holding shares (0–1) and money, for formatting.
SHARE_COLUMNS = frozenset(
    {
        "gap",
        "in_staffed_time_share",
        "on_site_share",
        "on_site_share_erlang",
        "missed_busy_share",
        "missed_off_hours_share",
        "utilisation",
    }
)
MONEY_COLUMNS = frozenset(
    {
        "cost_per_week",
        "overtime_cost_per_week",
        "total_cost_per_week",
        "total_cost_per_year",
        "additional_cost_per_year",
        "cost_per_additional_victim",
    }
)


def column_formats(table: pd.DataFrame) -> dict[str, str]:
    """Display format of each numeric column of a :func:`kpi_table` (by readable header).

    "percent" for shares (0–1), "dollar" for money, whole or one-decimal numbers otherwise.
    """
    keys = {label: key for key, label in COLUMNS.items()}
    formats = {}
    for label in table.columns:
        if not pd.api.types.is_numeric_dtype(table[label]):
            continue  # text columns keep their own display
        key = keys.get(str(label), str(label))
        if key in SHARE_COLUMNS:
            formats[str(label)] = "percent"
        elif key in MONEY_COLUMNS:
            formats[str(label)] = "dollar"
        elif pd.api.types.is_integer_dtype(table[label]):
            formats[str(label)] = "%d"
        else:
            formats[str(label)] = "%.1f"
    return formats


def bundled_incidents() -> Incidents:
    """The bundled synthetic Windsor year (labelled synthetic)."""
    loaded = load_incidents()
    return Incidents(loaded.frame, loaded.source, loaded.synthetic)


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
    *,
    staff_to_fit: bool = False,
    eligible_only: bool = False,
) -> Comparison:
    """Compare the scenarios on the incidents; ``report`` gets ``(done, total, message)``."""
    # A copy: the what-if module marks the frame's attrs, and the page keeps its own.
    frame = incidents.frame.copy()
    chosen = IncidentSet(frame, incidents.source, incidents.synthetic)
    return compare(
        list(scenarios),
        chosen,
        time_limit=time_limit,
        workers=threads,
        staff_to_fit=staff_to_fit,
        eligible_only=eligible_only,
        progress=lambda done, total, message: report((done, total, message)),
        stop=stop,
    )


def kpi_table(comparison: Comparison, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The comparison table with readable headers (``columns`` picks and orders keys)."""
    table = comparison.table
    if columns is not None:
        table = table[[c for c in columns if c in table.columns]]
    return table.rename(columns=COLUMNS)


def figures(comparison: Comparison) -> list[go.Figure]:
    """Cost against coverage, missed incidents by hour, and paid hours by agency."""
    return [
        cost_coverage_figure(comparison),
        missed_heatmaps(comparison),
        roster_figure(comparison),
    ]
