"""What-if analysis: expansion scenarios side by side, minimum headcount, sweeps.

The steering committee's question — what would it take to go from the pilot
to every day, longer hours or 24/7, and what would it buy — answered from the
same incidents for every option:

* :func:`compare` (scenarios, incidents, occupied, costs, …) → :class:`Comparison`
  with ``.table`` (one row per scenario), ``.to_json()``; :func:`render_report`
  makes the self-contained ``report.html``; :func:`write_comparison` writes all three.
* :func:`load_incidents` — an export through the importer, or the bundled
  synthetic year (labelled synthetic).
* :class:`CostParams` — rates' premiums (evening, weekend, holiday, overtime) and FTE hours.
* :func:`optimizer.solver.headcount.min_headcount` — the fewest workers per agency.
* :func:`run_sweep` — a grid of variants across a process pool, one table.
"""

from optimizer.whatif.compare import (
    BUNDLED_INCIDENTS,
    Comparison,
    IncidentSet,
    Outcome,
    compare,
    load_incidents,
    measure,
    write_comparison,
)
from optimizer.whatif.kpis import COLUMNS, CostParams, premium_hours
from optimizer.whatif.report import render_report
from optimizer.whatif.sweep import Grid, SweepResult, load_grid, run_sweep

__all__ = [
    "BUNDLED_INCIDENTS",
    "COLUMNS",
    "Comparison",
    "CostParams",
    "Grid",
    "IncidentSet",
    "Outcome",
    "SweepResult",
    "compare",
    "load_grid",
    "load_incidents",
    "measure",
    "premium_hours",
    "render_report",
    "run_sweep",
    "write_comparison",
]
