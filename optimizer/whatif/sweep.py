"""Sweeps: one scenario, a grid of variations, one table.

A grid file names the values to try; every combination is a point::

    hires:                      # planned hires added per agency ("headcount")
      - {}
      - {HH: 1}
      - {HH: 1, WRH: 1}
    coverage:                   # named coverage patterns replacing the scenario's
      evenings: [{id: evening, days: daily, start: "15:00", end: "23:00", required: 2}]
      late:     [{id: evening, days: daily, start: "18:00", end: "02:00", required: 2}]
    required: [1, 2]            # headcount of every coverage line
    occupied_minutes: [45, 90, 120]
    trend: [0.0, 0.071, 0.15]   # incident volume growth over today's

Each point is solved with one CP-SAT thread and a fixed seed, and measured on
the same incidents (with ``trend``, incidents generated at base rate ×
(1 + trend) from the same seed). Points run across a process pool; the table
is ordered by point, so it does not depend on the pool size. A point solved
to proven optimality is reproducible; one stopped by its time limit may
differ between runs. A failed point is reported in its row (``error``) and
does not stop the sweep.
"""

from __future__ import annotations

import itertools
import multiprocessing
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.errors import InputError, ShiftcoverError
from optimizer.incidents import GeneratorParams, ResponseTime, generate_incidents
from optimizer.io import load_yaml, scenario_from_data, write_json, write_text
from optimizer.scenario import Scenario
from optimizer.whatif.kpis import CostParams, kpi_frame

GRID_KEYS = ("hires", "coverage", "required", "occupied_minutes", "trend")

#: Columns describing a point, first in the table.
POINT_COLUMNS = ("point", "hires", "coverage", "required", "occupied_minutes", "trend")

#: Columns that measure the machine, not the answer (left out of reproducibility checks).
TIMING_COLUMNS = ("solve_seconds",)


@dataclass(frozen=True)
class Grid:
    """Values to try for each parameter; ``None`` means "as in the scenario"."""

    hires: tuple[Mapping[str, int] | None, ...] = (None,)
    coverage: tuple[tuple[str, tuple[Mapping[str, Any], ...] | None], ...] = (("as given", None),)
    required: tuple[int | None, ...] = (None,)
    occupied_minutes: tuple[float | None, ...] = (None,)
    trend: tuple[float | None, ...] = (None,)

    def points(self) -> list[dict[str, Any]]:
        """Every combination, in a fixed order."""
        out = []
        for i, (h, (label, lines), r, m, t) in enumerate(
            itertools.product(
                self.hires, self.coverage, self.required, self.occupied_minutes, self.trend
            )
        ):
            out.append(
                {
                    "point": i,
                    "hires": dict(h) if h else None,
                    "coverage": label,
                    "coverage_lines": lines,
                    "required": r,
                    "occupied_minutes": m,
                    "trend": t,
                }
            )
        return out


def _values(data: Mapping[str, Any], key: str, path: Path) -> list[Any]:
    value = data.get(key)
    if value is None:
        return [None]
    if not isinstance(value, list) or not value:
        raise InputError(f"{path}: {key}: expected a non-empty list of values")
    return value


def load_grid(path: str | Path) -> Grid:
    """Read and check a grid file."""
    path = Path(path)
    data = load_yaml(path)
    unknown = sorted(set(data) - set(GRID_KEYS))
    if unknown:
        raise InputError(
            f"{path}: unknown key(s) {', '.join(unknown)}; expected some of {', '.join(GRID_KEYS)}"
        )
    hires: list[Mapping[str, int] | None] = []
    for h in _values(data, "hires", path):
        if h is not None and not isinstance(h, dict):
            raise InputError(f"{path}: hires: expected mappings such as {{HH: 1}}, got {h!r}")
        for agency, n in (h or {}).items():
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise InputError(f"{path}: hires.{agency}: expected a whole number ≥ 0, got {n!r}")
        hires.append(h or None)
    coverage: list[tuple[str, tuple[Mapping[str, Any], ...] | None]] = [("as given", None)]
    if data.get("coverage") is not None:
        patterns = data["coverage"]
        if not isinstance(patterns, dict) or not patterns:
            raise InputError(f"{path}: coverage: expected named patterns, name: [coverage lines]")
        coverage = []
        for label, lines in patterns.items():
            if not isinstance(lines, list) or not all(isinstance(x, dict) for x in lines):
                raise InputError(f"{path}: coverage.{label}: expected a list of coverage lines")
            coverage.append((str(label), tuple(lines)))
    required = []
    for r in _values(data, "required", path):
        if r is not None and (not isinstance(r, int) or isinstance(r, bool) or r < 0):
            raise InputError(f"{path}: required: expected whole numbers ≥ 0, got {r!r}")
        required.append(r)
    occupied = []
    for m in _values(data, "occupied_minutes", path):
        if m is not None and (not isinstance(m, int | float) or m <= 0):
            raise InputError(f"{path}: occupied_minutes: expected positive minutes, got {m!r}")
        occupied.append(None if m is None else float(m))
    trend = []
    for t in _values(data, "trend", path):
        if t is not None and (not isinstance(t, int | float) or t <= -1):
            raise InputError(f"{path}: trend: expected growth fractions above -1, got {t!r}")
        trend.append(None if t is None else float(t))
    return Grid(tuple(hires), tuple(coverage), tuple(required), tuple(occupied), tuple(trend))


def variant(scenario: Scenario, point: Mapping[str, Any]) -> Scenario:
    """The scenario with a point's coverage, headcount and hires applied."""
    from optimizer.solver.headcount import with_hires

    raw = scenario.model_dump(mode="json", exclude_defaults=False)
    if point.get("coverage_lines") is not None:
        raw["coverage"] = [dict(line) for line in point["coverage_lines"]]
    if point.get("required") is not None:
        n = point["required"]
        for line in raw["coverage"]:
            line["required"] = n
            if line.get("target") is not None:
                line["target"] = max(line["target"], n)
            if line.get("max") is not None:
                line["max"] = max(line["max"], n)
    out = scenario_from_data(raw)
    if point.get("hires"):
        out = with_hires(out, point["hires"])
    return out


def _label(point: Mapping[str, Any]) -> dict[str, Any]:
    hires = point.get("hires")
    return {
        "point": point["point"],
        "hires": ", ".join(f"{a}+{n}" for a, n in hires.items()) if hires else "",
        "coverage": point.get("coverage", "as given"),
        "required": point.get("required"),
        "occupied_minutes": point.get("occupied_minutes"),
        "trend": point.get("trend"),
    }


def run_point(
    scenario: Scenario,
    point: Mapping[str, Any],
    incidents: pd.DataFrame,
    time_limit: float,
    seed: int,
    costs: CostParams,
) -> dict[str, Any]:
    """Solve and measure one point; any failure becomes the row's ``error``."""
    from optimizer.solver import solve
    from optimizer.whatif.compare import measure

    row = _label(point)
    try:
        s = variant(scenario, point)
        frame = incidents
        if point.get("trend") is not None:
            base = GeneratorParams()
            params = GeneratorParams(base_rate=base.base_rate * (1 + point["trend"]))
            frame = generate_incidents(s.horizon.start, 364, seed, params, s.timezone)
        occupied = ResponseTime()
        if point.get("occupied_minutes") is not None:
            occupied = occupied.with_mean(point["occupied_minutes"])
        result = solve(s, time_limit=time_limit, workers=1, seed=seed)
        kpis, *_ = measure(s, result, frame, occupied=occupied, costs=costs, seed=seed)
        kpis.pop("name", None)
        row.update({k: v for k, v in kpis.items() if k != "scenario"})
        row["error"] = ""
    except ShiftcoverError as exc:
        row.update(status="error", error=str(exc))
    except Exception as exc:  # a failed point is reported, never fatal to the sweep
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        row.update(status="error", error=last)
    return row


@dataclass(frozen=True)
class SweepResult:
    """One row per point, ordered by point."""

    table: pd.DataFrame
    scenario_id: str
    seed: int
    time_limit: float
    jobs: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        """Points that failed."""
        if "status" not in self.table.columns:
            return 0
        return int((self.table["status"] == "error").sum())

    def to_json(self) -> dict[str, Any]:
        """``sweep.json``: settings and rows."""
        records = [
            {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
            for r in self.table.to_dict(orient="records")
        ]
        return {
            "scenario": self.scenario_id,
            "seed": self.seed,
            "time_limit_seconds": self.time_limit,
            "jobs": self.jobs,
            "points": len(records),
            "failed": self.failed,
            **self.extra,
            "rows": records,
        }


def run_sweep(
    scenario: Scenario,
    grid: Grid,
    incidents: pd.DataFrame,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    jobs: int = 2,
    costs: CostParams | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every point of ``grid`` on ``scenario`` across ``jobs`` processes.

    Args:
        scenario: the scenario every point varies.
        grid: the values to try (:func:`load_grid`).
        incidents: incidents every point is measured on (unless it sets ``trend``).
        time_limit: seconds per point (one CP-SAT thread each).
        seed: solver, generator and replay seed, the same for every point.
        jobs: processes; 1 runs in this process.
        costs: rates' premiums.
        progress: called as ``progress(done, total)`` as points finish.
    """
    if jobs < 1:
        raise InputError(f"jobs must be at least 1, got {jobs}")
    costs = costs or CostParams()
    points = grid.points()
    rows: list[dict[str, Any]] = []
    total = len(points)
    if progress:
        progress(0, total)
    if jobs == 1:
        for k, point in enumerate(points):
            rows.append(run_point(scenario, point, incidents, time_limit, seed, costs))
            if progress:
                progress(k + 1, total)
    else:
        # Spawned workers: no OR-Tools threads are inherited through fork.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {
                pool.submit(run_point, scenario, point, incidents, time_limit, seed, costs): point
                for point in points
            }
            for done, future in enumerate(as_completed(futures), start=1):
                point = futures[future]
                try:
                    rows.append(future.result())
                except Exception as exc:  # the worker process itself died
                    rows.append({**_label(point), "status": "error", "error": repr(exc)})
                if progress:
                    progress(done, total)
    rows.sort(key=lambda r: r["point"])
    frame = kpi_frame(rows)
    ordered = [c for c in POINT_COLUMNS if c in frame.columns]
    frame = frame[ordered + [c for c in frame.columns if c not in ordered]]
    return SweepResult(frame, scenario.id, seed, time_limit, jobs)


def write_sweep(out: str | Path, result: SweepResult) -> list[Path]:
    """Write ``sweep.csv`` and ``sweep.json`` atomically."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "sweep.csv", folder / "sweep.json"]
    write_text(paths[0], result.table.to_csv(index=False))
    write_json(paths[1], result.to_json())
    return paths


def reproducible_view(table: pd.DataFrame, drop: Sequence[str] = TIMING_COLUMNS) -> pd.DataFrame:
    """The table without columns that measure the machine (for comparing runs)."""
    return table.drop(columns=[c for c in drop if c in table.columns])
