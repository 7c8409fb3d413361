"""Side-by-side comparison of scenarios on the same incidents.

:func:`compare` solves each scenario (or, with ``staff_to_fit``, its
minimum-headcount team), replays the *same* incidents on each roster, and
returns a :class:`Comparison` whose ``table`` has one row per scenario. The
CLI, the report and the app all read that one object.

Incidents outside a scenario's horizon are folded onto it by wall-clock time,
as the incidents module does for ``shiftcover coverage``; each scenario's
window is its own horizon, so scenarios with different horizons still see
every incident.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import InputError
from optimizer.incidents import (
    SYNTHETIC_LABEL,
    CoverageReport,
    ErlangReport,
    HorizonWindow,
    OccupiedTime,
    ReplayResult,
    ResponseTime,
    coverage_report,
    demand_profile,
    erlang_report,
    import_incidents,
    replay,
)
from optimizer.incidents.analytics import select_eligible
from optimizer.io import write_json
from optimizer.result import SolveResult
from optimizer.roster import on_duty_intervals
from optimizer.scenario import Scenario
from optimizer.whatif.kpis import CostParams, add_relative, incident_kpis, kpi_frame, roster_kpis

#: The bundled synthetic Windsor year: the default incidents.
BUNDLED_INCIDENTS = (
    Path(__file__).resolve().parents[2] / "scenarios" / "data" / "windsor-synthetic-incidents.csv"
)

#: Called as ``progress(done, total, message)``; ``done`` may be fractional.
ProgressFn = Callable[[float, int, str], None]


@dataclass(frozen=True)
class IncidentSet:
    """Incidents with where they came from; ``synthetic`` is shown on every output."""

    frame: pd.DataFrame
    source: str
    synthetic: bool


def load_incidents(path: str | Path | None = None, tz: str = "America/Toronto") -> IncidentSet:
    """Incidents from an export (through the importer), or the bundled synthetic year.

    A file the generator wrote keeps its synthetic label through its category
    text, as ``shiftcover coverage`` recognises it.
    """
    file = Path(path) if path is not None else BUNDLED_INCIDENTS
    imported = import_incidents(file, tz=tz)
    frame = imported.frame
    synthetic = bool(frame.attrs.get("synthetic")) or bool(
        len(frame) and frame["category"].astype("string").str.contains("synthetic", na=False).all()
    )
    frame.attrs["synthetic"] = synthetic
    if path is None:
        source = f"bundled synthetic Windsor year ({file.name}, {len(frame):,} incidents)"
    else:
        source = f"{file.name} ({imported.report.rows_kept:,} incidents)"
    return IncidentSet(frame, source, synthetic)


@dataclass(frozen=True)
class Outcome:
    """One scenario's roster and what it means for the incidents.

    ``scenario`` is what was solved: the input scenario, or its minimum-headcount
    team with ``staff_to_fit``. ``kpis`` is this scenario's row of the table.
    """

    source: Scenario
    scenario: Scenario
    result: SolveResult
    coverage: CoverageReport | None
    replayed: ReplayResult | None
    erlang: ErlangReport | None
    kpis: dict[str, Any]
    headcount: Any = None  # HeadcountResult when staffed to fit


@dataclass(frozen=True)
class Comparison:
    """Every scenario on the same incidents, with the assumptions used."""

    outcomes: tuple[Outcome, ...]
    incidents_source: str
    synthetic: bool
    incidents: int
    occupied_minutes: float
    costs: CostParams
    time_limit: float
    seed: int
    staff_to_fit: bool
    eligible_only: bool
    generated_at: str = field(
        default_factory=lambda: time.strftime("%Y-%m-%d %H:%M", time.localtime())
    )

    @property
    def table(self) -> pd.DataFrame:
        """One row per scenario, in the order given (the first is the baseline)."""
        return kpi_frame([o.kpis for o in self.outcomes])

    def assumptions(self) -> dict[str, Any]:
        """Everything a reader needs to weigh the figures."""
        return {
            "incidents_source": self.incidents_source,
            "synthetic": self.synthetic,
            "incidents": self.incidents,
            "eligible_only": self.eligible_only,
            "mean_occupied_minutes": round(self.occupied_minutes, 1),
            "costs": self.costs.to_dict(),
            "hourly_rates": {
                o.source.id: {a.id: a.hourly_cost for a in o.scenario.agencies}
                for o in self.outcomes
            },
            "time_limit_seconds": self.time_limit,
            "seed": self.seed,
            "staff_to_fit": self.staff_to_fit,
            "baseline": self.outcomes[0].source.id if self.outcomes else None,
        }

    def to_json(self) -> dict[str, Any]:
        """The ``comparison.json`` payload: assumptions and one record per scenario."""
        records = []
        for row in self.table.to_dict(orient="records"):
            records.append(
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            )
        return {
            "assumptions": self.assumptions(),
            "generated_at": self.generated_at,
            "scenarios": records,
        }


def _occupied(occupied: OccupiedTime | float | None) -> OccupiedTime:
    if occupied is None:
        return ResponseTime()
    if isinstance(occupied, int | float):
        if occupied <= 0:
            raise InputError(f"occupied minutes must be positive, got {occupied}")
        return ResponseTime().with_mean(float(occupied))
    return occupied


def measure(
    scenario: Scenario,
    result: SolveResult,
    incidents: pd.DataFrame,
    *,
    occupied: OccupiedTime,
    costs: CostParams,
    seed: int = 0,
    eligible_only: bool = False,
) -> tuple[dict[str, Any], CoverageReport | None, ReplayResult | None, ErlangReport | None]:
    """KPIs of one solved scenario on the incidents (coverage, replay, Erlang B)."""
    row: dict[str, Any] = {
        "scenario": scenario.id,
        "name": scenario.name,
        "status": result.status.value,
        "gap": result.gap,
        "objective": result.objective,
        "solve_seconds": round(result.wall_time, 2),
    }
    if not result.status.has_roster:
        return row, None, None, None
    row.update(roster_kpis(scenario, result, costs))
    intervals = on_duty_intervals(scenario, list(result.assignments))
    if not intervals:
        return row, None, None, None
    tz = scenario.timezone
    window = HorizonWindow(scenario.horizon.start, scenario.horizon.days, tz)
    cov = coverage_report(incidents, intervals, tz, window, eligible_only)
    rep = replay(incidents, intervals, occupied, seed, tz, window, eligible_only)
    chosen = select_eligible(incidents, eligible_only)
    erl = erlang_report(
        demand_profile(chosen, tz).rates_168(), intervals, occupied.mean_minutes, window
    )
    row.update(incident_kpis(tz, cov, rep, erl, row["mean_hourly_rate"], costs))
    return row, cov, rep, erl


def compare(
    scenarios: Sequence[Scenario],
    incidents: pd.DataFrame | IncidentSet,
    *,
    occupied: OccupiedTime | float | None = None,
    costs: CostParams | None = None,
    time_limit: float = 20.0,
    workers: int = 2,
    seed: int = 0,
    staff_to_fit: bool = False,
    eligible_only: bool = False,
    share_tolerance: float | None = 0.10,
    progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
) -> Comparison:
    """Solve each scenario and measure it on the same incidents, side by side.

    Args:
        scenarios: the scenarios; the first is the baseline for "cost per
            additional victim served".
        incidents: a frame with aware ``timestamp`` (and ``eligible``), or an
            :class:`IncidentSet` from :func:`load_incidents`.
        occupied: minutes a response occupies a worker — a mean (the default
            response-time shape rescaled) or any :class:`OccupiedTime`.
        costs: rates and premiums (:class:`CostParams`).
        time_limit: seconds per scenario (with ``staff_to_fit``: for the
            headcount search; its roster gets half as much again).
        workers: CP-SAT threads.
        seed: seed of the solver and of the replay's occupied times.
        staff_to_fit: solve each scenario's minimum-headcount team instead.
        eligible_only: count only incidents marked eligible (e.g. a charge laid).
        share_tolerance: agency share tolerance of the headcount search.
        progress: called as ``progress(done, total, message)``.
        stop: set to skip the scenarios not yet started.
    """
    if not scenarios:
        raise InputError("nothing to compare: give at least one scenario")
    ids = [s.id for s in scenarios]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"scenario ids must differ to compare them; repeated: {', '.join(dupes)}")
    costs = costs or CostParams()
    model = _occupied(occupied)
    if isinstance(incidents, IncidentSet):
        frame, source, synthetic = incidents.frame, incidents.source, incidents.synthetic
    else:
        frame = incidents
        synthetic = bool(frame.attrs.get("synthetic", False))
        source = SYNTHETIC_LABEL if synthetic else "incident frame"
    if frame.empty:
        raise InputError("no incidents to compare scenarios with")
    frame.attrs["synthetic"] = synthetic
    total = len(scenarios)
    outcomes: list[Outcome] = []
    for i, scenario in enumerate(scenarios):
        if stop is not None and stop.is_set():
            break
        headcount = None
        solved = scenario
        if staff_to_fit:
            from optimizer.solver.headcount import min_headcount

            if progress:
                progress(i, total, f"Finding the minimum headcount of {scenario.name}")
            headcount = min_headcount(
                scenario,
                time_limit=time_limit,
                workers=workers,
                seed=seed,
                share_tolerance=share_tolerance,
            )
            if headcount.roster is None or headcount.team is None:
                from optimizer.result import SolveStatus

                result = SolveResult(
                    scenario=scenario,
                    status=SolveStatus.INFEASIBLE
                    if headcount.status is SolveStatus.INFEASIBLE
                    else SolveStatus.UNKNOWN,
                    objective=None,
                    best_bound=None,
                    wall_time=headcount.wall_time,
                    message=headcount.message,
                )
            else:
                solved, result = headcount.team, headcount.roster
        else:
            from optimizer.solver import solve

            if progress:
                progress(i, total, f"Solving {scenario.name}")
            result = solve(scenario, time_limit=time_limit, workers=workers, seed=seed, stop=stop)
        if progress:
            progress(i + 0.8, total, f"Replaying incidents on {scenario.name}")
        row, cov, rep, erl = measure(
            solved,
            result,
            frame,
            occupied=model,
            costs=costs,
            seed=seed,
            eligible_only=eligible_only,
        )
        row["scenario"] = scenario.id
        if headcount is not None:
            row["headcount_status"] = headcount.status.value
            row["headcount_lower_bound"] = headcount.lower_bound
            row["solve_seconds"] = round(headcount.wall_time, 2)
        row["workers_by_agency"] = _by_agency(solved, result)
        outcomes.append(Outcome(scenario, solved, result, cov, rep, erl, row, headcount))
    rows = [o.kpis for o in outcomes]
    add_relative(rows)
    if progress:
        progress(total, total, "Done")
    return Comparison(
        outcomes=tuple(outcomes),
        incidents_source=source,
        synthetic=synthetic,
        incidents=len(select_eligible(frame, eligible_only)),
        occupied_minutes=model.mean_minutes,
        costs=costs,
        time_limit=time_limit,
        seed=seed,
        staff_to_fit=staff_to_fit,
        eligible_only=eligible_only,
    )


def _by_agency(scenario: Scenario, result: SolveResult) -> str:
    """'WRH 2, HH 2 (1 new), FSWE 1' — workers on the roster per agency."""
    used = {a.worker_id for a in result.assignments}
    parts = []
    for agency in scenario.agencies:
        mine = [w for w in scenario.workers if w.agency == agency.id and w.id in used]
        new = sum(w.placeholder for w in mine)
        parts.append(f"{agency.id} {len(mine)}" + (f" ({new} new)" if new else ""))
    return ", ".join(parts)


def write_comparison(out: str | Path, comparison: Comparison) -> list[Path]:
    """Write ``comparison.csv``, ``comparison.json`` and ``report.html`` atomically."""
    from optimizer.io import write_text
    from optimizer.whatif.report import render_report

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "comparison.csv", folder / "comparison.json", folder / "report.html"]
    write_text(paths[0], comparison.table.to_csv(index=False))
    write_json(paths[1], comparison.to_json())
    write_text(paths[2], render_report(comparison))
    return paths
