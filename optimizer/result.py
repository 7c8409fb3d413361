"""What a solve returns: the roster and everything a manager asks about it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from optimizer.roster import Assignment
from optimizer.scenario import Scenario
from optimizer.shifts import Shift


class SolveStatus(StrEnum):
    """Outcome of a solve, in the project's own words."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"

    @property
    def has_roster(self) -> bool:
        """True when the result carries a roster."""
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


def relative_gap(objective: float, bound: float) -> float:
    """Relative distance of a roster's objective to a lower bound."""
    return (objective - bound) / max(abs(objective), 1.0)


@dataclass(frozen=True, slots=True)
class UnfilledSlot:
    """A shift staffed below its required headcount, with the reason why."""

    shift: Shift
    required: int
    assigned: int
    reason: str

    @property
    def missing(self) -> int:
        """People short of the requirement."""
        return self.required - self.assigned


@dataclass(frozen=True, slots=True)
class Progress:
    """An improving solution found during a solve."""

    wall_time: float
    objective: float
    best_bound: float


@dataclass(frozen=True, slots=True)
class WorkerLoad:
    """A worker's share of the roster against their limits."""

    worker_id: str
    agency_id: str
    shifts: int
    hours: float
    capacity_hours: float
    min_hours: float
    max_week_hours: float
    unsocial_shifts: int
    cost: float


@dataclass(frozen=True)
class SolveResult:
    """The result of :func:`optimizer.solve`.

    ``objective`` and ``objective_terms`` are in the integer units of the
    scenario's weights; ``gap`` is relative ((objective − bound) / objective).
    """

    scenario: Scenario
    status: SolveStatus
    objective: int | None
    best_bound: float | None
    wall_time: float
    assignments: tuple[Assignment, ...] = ()
    unfilled: tuple[UnfilledSlot, ...] = ()
    objective_terms: dict[str, int] = field(default_factory=dict)
    worker_loads: tuple[WorkerLoad, ...] = ()
    agency_share: dict[str, float] = field(default_factory=dict)
    first_solution_time: float | None = None
    progress: tuple[Progress, ...] = ()
    num_workers: int = 2
    message: str = ""

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and best bound (0 when proven optimal)."""
        if self.objective is None or self.best_bound is None:
            return None
        if self.status is SolveStatus.OPTIMAL:
            return 0.0
        return max(0.0, relative_gap(self.objective, self.best_bound))

    @property
    def worker_hours(self) -> dict[str, float]:
        """Hours rostered per worker."""
        return {w.worker_id: w.hours for w in self.worker_loads}

    @property
    def total_cost(self) -> float:
        """Paid cost of the roster at the workers' hourly rates."""
        return sum(w.cost for w in self.worker_loads)

    @property
    def unfilled_person_shifts(self) -> int:
        """Sum of missing people over all unfilled shifts."""
        return sum(u.missing for u in self.unfilled)

    def summary(self) -> str:
        """A short human-readable report of the solve."""
        gap = f"{self.gap * 100:.2f} %" if self.gap is not None else "—"
        objective = self.objective if self.objective is not None else "—"
        bound = f"{self.best_bound:g}" if self.best_bound is not None else "—"
        lines = [
            f"status     {self.status.value}" + (f" ({self.message})" if self.message else ""),
            f"objective  {objective}   bound {bound}   gap {gap}",
            f"time       {self.wall_time:.1f} s on {self.num_workers} worker threads"
            + (
                f", first roster after {self.first_solution_time:.2f} s"
                if self.first_solution_time is not None
                else ""
            ),
            f"roster     {len(self.assignments)} assignments, "
            f"{len(self.unfilled)} shifts short ({self.unfilled_person_shifts} person-shifts)",
        ]
        if self.objective_terms:
            terms = ", ".join(f"{k} {v}" for k, v in self.objective_terms.items() if v)
            lines.append(f"terms      {terms or 'all zero'}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The ``summary.json`` payload."""
        return {
            "scenario": self.scenario.id,
            "status": self.status.value,
            "objective": self.objective,
            "best_bound": self.best_bound,
            "gap": self.gap,
            "wall_seconds": round(self.wall_time, 3),
            "first_solution_seconds": (
                round(self.first_solution_time, 3) if self.first_solution_time is not None else None
            ),
            "num_workers": self.num_workers,
            "objective_terms": dict(self.objective_terms),
            "assignments": len(self.assignments),
            "unfilled_shifts": len(self.unfilled),
            "unfilled_person_shifts": self.unfilled_person_shifts,
            "worker_hours": {k: round(v, 2) for k, v in self.worker_hours.items()},
            "agency_share": {k: round(v, 4) for k, v in self.agency_share.items()},
            "total_cost": round(self.total_cost, 2),
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
