"""Minimum headcount: the fewest workers that staff every required shift.

The question a steering committee asks before any roster exists: *how many
people, from which agency, does this coverage pattern take?* The answer is
found by optimisation over a **pool**: the scenario's own workers plus
placeholder hires per agency (named as planned hires, with the agency's
defaults, as ``hires:`` in a scenario file makes them).

Phase 1 is the full roster model of :func:`optimizer.solver.model.build_model`
with three changes:

* every required person-shift must be filled (no unfilled slot is allowed);
* a use indicator ``u_w ≥ x_ws`` per worker, and the objective becomes
  ``Σ u_w`` — ties broken towards existing staff over new hires;
* identical placeholders are used in order (``u_k ≥ u_{k+1}``), so the search
  never tries the same team under other names.

Every hard labour rule stays as it is. Weekly and total *minimum* hours apply
to a worker only when they are used: an unused placeholder is a person who is
never hired, not one working below their contract.

**Agency shares.** An agency with a ``target_share`` must staff a share of the
rostered hours within ``share_tolerance`` of it (default ±10 points): the
same measure the roster engine's soft agency-share term uses. Counting people
instead would let one agency contribute a part-timer for its "share" of a
full-time load.

Phase 2 keeps only the workers used, fixes that team, and re-solves with the
scenario's own objective (fairness, preferences, soft rules) from the
phase-1 roster, still with nothing unfilled. Its objective is the one the
checker computes for the roster.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from optimizer.data import ProblemData, hours_to_minutes
from optimizer.errors import InputError
from optimizer.explain import unfilled_slots
from optimizer.result import Progress, SolveResult, SolveStatus
from optimizer.roster import Assignment
from optimizer.scenario import Mode, Scenario, Weights, Worker
from optimizer.solver import _STATUS, agency_share, configure, extract, worker_loads
from optimizer.solver.model import Model, build_model
from optimizer.solver.warmstart import greedy_roster

__all__ = ["HeadcountResult", "headcount_pool", "min_headcount", "with_hires"]

#: Default tolerance of an agency's share of rostered hours around its target.
SHARE_TOLERANCE = 0.10


@dataclass(frozen=True)
class HeadcountResult:
    """The fewest workers that staff all required coverage, and their roster.

    Attributes:
        scenario: the scenario asked about.
        status: proof status of the headcount (optimal = proven fewest).
        headcount: workers used (``None`` when no team was found).
        lower_bound: proven lower bound on the headcount.
        by_agency: workers used per agency (existing and planned hires).
        hires_by_agency: planned hires among them, per agency.
        workers: ids of the workers used.
        pool_size: workers the search could choose from.
        team: the scenario restricted to the workers used (with new hires added);
            solve or compare it as any other scenario.
        roster: phase-2 roster of ``team`` (nothing unfilled), when found.
        share_tolerance: the agency-share tolerance applied (``None``: off).
        message: why no team was found, when none was.
    """

    scenario: Scenario
    status: SolveStatus
    headcount: int | None
    lower_bound: int | None
    by_agency: dict[str, int] = field(default_factory=dict)
    hires_by_agency: dict[str, int] = field(default_factory=dict)
    workers: tuple[str, ...] = ()
    pool_size: int = 0
    team: Scenario | None = None
    roster: SolveResult | None = None
    share_tolerance: float | None = SHARE_TOLERANCE
    wall_time: float = 0.0
    message: str = ""

    @property
    def proven(self) -> bool:
        """True when the headcount is proven to be the fewest possible."""
        return self.status is SolveStatus.OPTIMAL

    def summary(self) -> str:
        """A few readable lines."""
        if self.headcount is None:
            return f"no team found ({self.status.value}): {self.message}"
        proof = (
            "proven optimal"
            if self.proven
            else f"best found; at least {self.lower_bound} needed"
            if self.lower_bound is not None
            else "best found"
        )
        agencies = ", ".join(
            f"{a} {n}"
            + (f" ({self.hires_by_agency.get(a, 0)} new)" if self.hires_by_agency.get(a) else "")
            for a, n in self.by_agency.items()
        )
        lines = [
            f"minimum headcount  {self.headcount} ({proof}) from a pool of {self.pool_size}",
            f"per agency         {agencies}",
        ]
        if self.share_tolerance is not None:
            lines.append(
                f"agency shares      rostered hours within ±{100 * self.share_tolerance:g} "
                "points of each target"
            )
        lines.append(f"time               {self.wall_time:.1f} s")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "scenario": self.scenario.id,
            "status": self.status.value,
            "headcount": self.headcount,
            "lower_bound": self.lower_bound,
            "by_agency": dict(self.by_agency),
            "hires_by_agency": dict(self.hires_by_agency),
            "workers": list(self.workers),
            "pool_size": self.pool_size,
            "share_tolerance": self.share_tolerance,
            "wall_seconds": round(self.wall_time, 3),
            "roster_status": self.roster.status.value if self.roster else None,
            "roster_objective": self.roster.objective if self.roster else None,
            "message": self.message,
        }


def _hire(scenario: Scenario, agency_id: str, k: int, skills: tuple[str, ...]) -> Worker:
    """A planned hire with the agency's defaults, named as ``hires:`` names them."""
    agency = scenario.agency(agency_id)
    fields: dict[str, Any] = {
        "id": f"{agency_id}-hire-{k}",
        "name": f"{agency_id} new hire {k} (planned)",
        "agency": agency_id,
        "placeholder": True,
        "skills": agency.default_skills or skills,
    }
    if "default_max_hours_per_week" in agency.model_fields_set:
        fields["max_hours_per_week"] = agency.default_max_hours_per_week
    return Worker(**fields)


def with_hires(scenario: Scenario, hires: Mapping[str, int]) -> Scenario:
    """``scenario`` with ``hires[agency]`` more planned hires per agency.

    As ``hires:`` in a scenario file: placeholders with the agency's default
    skills and weekly hours, numbered after any the scenario already has. An
    agency with no default skills gives its hires every skill the coverage
    asks for (a hire is trained for the program's shifts).
    """
    known = {a.id for a in scenario.agencies}
    existing = {w.id for w in scenario.workers}
    needed = tuple(sorted({k for c in scenario.coverage for k in c.skills}))
    workers = list(scenario.workers)
    for agency_id, count in hires.items():
        if agency_id not in known:
            raise InputError(
                f"hires: unknown agency {agency_id!r}; known: {', '.join(sorted(known))}"
            )
        if count < 0:
            raise InputError(f"hires.{agency_id}: expected a whole number ≥ 0, got {count}")
        k = 0
        for _ in range(count):
            k += 1
            while f"{agency_id}-hire-{k}" in existing:
                k += 1
            hire = _hire(scenario, agency_id, k, needed)
            existing.add(hire.id)
            workers.append(hire)
    return scenario.model_copy(update={"workers": tuple(workers)})


def headcount_pool(
    scenario: Scenario, share_tolerance: float | None = SHARE_TOLERANCE
) -> dict[str, int]:
    """Placeholder hires per agency to add to the pool: enough to staff everything.

    The bound: required person-hours per week over a hire's weekly hours
    (the least of the agency's weekly default, the weekly hours rule and the
    weekly shift limit × the longest shift), plus 25 % for the labour rules,
    split by each agency's largest allowed share (or in full when it has no
    target), less the workers the agency already has; at least one per agency.
    """
    data = ProblemData(scenario)
    if not data.shifts:
        return {a.id: 0 for a in scenario.agencies}
    weekly_required = max(_week_required(data).values())
    longest = max(data.minutes)
    rules = scenario.rules
    caps = []
    if rules.max_shifts_per_week.active and rules.max_shifts_per_week.value:
        caps.append(int(rules.max_shifts_per_week.value) * longest)
    if rules.max_hours_per_week.active and rules.max_hours_per_week.value:
        caps.append(hours_to_minutes(rules.max_hours_per_week.value))
    present: dict[str, int] = defaultdict(int)
    for worker in scenario.workers:
        present[worker.agency] += 1
    out = {}
    for a in scenario.agencies:
        week = min([*caps, hours_to_minutes(a.default_max_hours_per_week), 7 * longest])
        total = math.ceil(1.25 * weekly_required / max(week, 1)) + 1
        share = 1.0
        if a.target_share is not None and share_tolerance is not None:
            share = min(1.0, a.target_share + share_tolerance)
        out[a.id] = max(1, math.ceil(total * share) - present[a.id])
    return out


def _week_required(data: ProblemData) -> dict[tuple[int, int], int]:
    """Required person-minutes per ISO week."""
    out: dict[tuple[int, int], int] = {}
    for key, days in data.weeks.items():
        out[key] = sum(
            data.shifts[s].required * data.minutes[s] for d in days for s in data.shifts_by_day[d]
        )
    return out


def _capacity_cuts(m: Model, use: list[Any]) -> None:
    """Redundant constraints that tie hours to use indicators, for a strong bound.

    Per worker and ISO week: minutes worked ≤ the week's capacity × u_w, where
    capacity is the least of the hard weekly limits (hours, shifts × longest
    shift, days × longest shift) and the eligible minutes. Summed over workers,
    capacity × u must reach the week's required minutes.
    """
    data = m.data
    rules = data.scenario.rules
    for days in data.weeks.values():
        required = sum(
            data.shifts[s].required * data.minutes[s] for d in days for s in data.shifts_by_day[d]
        )
        if not required:
            continue
        caps = []
        for w, xs in enumerate(m.x):
            shifts = [s for d in days for s in data.shifts_by_day[d] if s in xs]
            if not shifts:
                caps.append(0)
                continue
            longest = max(data.minutes[s] for s in shifts)
            options = [sum(data.minutes[s] for s in shifts)]
            lim = data.limits[w]
            if lim.max_week_minutes is not None and rules.max_hours_per_week.mode is Mode.HARD:
                options.append(lim.max_week_minutes)
            if lim.max_shifts_week is not None and rules.max_shifts_per_week.mode is Mode.HARD:
                options.append(lim.max_shifts_week * longest)
            if rules.one_shift_per_day.mode is Mode.HARD:
                worked_days = len({data.shifts[s].day for s in shifts})
                options.append(worked_days * longest)
            cap = min(options)
            caps.append(cap)
            m.cp.add(sum(data.minutes[s] * xs[s] for s in shifts) <= cap * use[w])
        m.cp.add(sum(c * u for c, u in zip(caps, use, strict=True)) >= required)
        top = max(caps)
        if top:
            m.cp.add(sum(use) >= math.ceil(required / top))


def _identity(w: Worker) -> tuple[Any, ...]:
    """Everything about a placeholder except its name: equal identities are interchangeable."""
    return tuple((k, repr(v)) for k, v in w.model_dump().items() if k not in ("id", "name"))


def _model_scenario(scenario: Scenario) -> tuple[Scenario, list[tuple[int, int]], list[int]]:
    """The scenario phase 1 is built on: hard rules only.

    Soft rules and objective weights cannot make a team infeasible, so they are
    left out of the headcount model (phase 2 prices them). Hard weekly and total
    minimum hours move out of the model too, to be re-added on the condition
    that the worker is used. Returns the scenario and, per worker, those minima
    in minutes (weekly as ``(worker, minutes)`` pairs).
    """
    rules = scenario.rules
    data = ProblemData(scenario)
    weekly = [
        (w, lim.min_week_minutes)
        for w, lim in enumerate(data.limits)
        if lim.min_week_minutes and rules.min_hours_per_week.mode is Mode.HARD
    ]
    total = [0] * len(scenario.workers)
    workers = scenario.workers
    if rules.total_hours.mode is Mode.HARD and any(w.min_total_hours for w in workers):
        total = [hours_to_minutes(w.min_total_hours or 0) for w in workers]
        workers = tuple(w.model_copy(update={"min_total_hours": None}) for w in workers)
    off = {"mode": Mode.OFF}
    hard_only = {
        name: (rule.model_copy(update=off) if rule.mode is Mode.SOFT else rule)
        for name, rule in rules
    }
    hard_only["min_hours_per_week"] = rules.min_hours_per_week.model_copy(update=off)
    weights = Weights(
        unfilled=0,
        below_target=0,
        preferences=0,
        fairness_hours=0,
        fairness_unsocial=0,
        agency_share=0,
    )
    model_scenario = scenario.model_copy(
        update={
            "rules": rules.model_copy(update=hard_only),
            "weights": weights,
            "workers": workers,
            "preferences": (),
        }
    )
    return model_scenario, weekly, total


def _require_all(m: Model) -> None:
    """Every shift at least at its required headcount (hard)."""
    on_shift: dict[int, list[Any]] = defaultdict(list)
    for xs in m.x:
        for s, v in xs.items():
            on_shift[s].append(v)
    for s, shift in enumerate(m.data.shifts):
        if shift.required > 0:
            m.cp.add(sum(on_shift[s]) >= shift.required)


def _unstaffable(data: ProblemData) -> str | None:
    """The first shift that fewer pool workers could ever take than it requires."""
    eligible: dict[int, int] = defaultdict(int)
    for shifts in data.eligible:
        for s in shifts:
            eligible[s] += 1
    for s, shift in enumerate(data.shifts):
        if eligible[s] < shift.required:
            return (
                f"{shift.describe()} ({shift.coverage_id}) needs {shift.required} but only "
                f"{eligible[s]} worker(s) in the pool could ever take it (skills, availability, "
                "time off)"
            )
    return None


def _share_constraints(m: Model, tolerance: float | None) -> None:
    """Each agency's share of rostered hours within ``tolerance`` of its target."""
    if tolerance is None:
        return
    data = m.data
    everyone = sum(data.minutes[s] * v for xs in m.x for s, v in xs.items())
    for a in data.scenario.agencies:
        if a.target_share is None:
            continue
        mine = sum(
            data.minutes[s] * v
            for w, xs in enumerate(m.x)
            if data.workers[w].agency == a.id
            for s, v in xs.items()
        )
        lo = max(0, round(1000 * (a.target_share - tolerance)))
        hi = min(1000, round(1000 * (a.target_share + tolerance)))
        if lo > 0:
            m.cp.add(1000 * mine >= lo * everyone)
        if hi < 1000:
            m.cp.add(1000 * mine <= hi * everyone)


def min_headcount(
    scenario: Scenario,
    time_limit: float = 60.0,
    workers: int = 2,
    *,
    seed: int = 0,
    hires: Mapping[str, int] | None = None,
    share_tolerance: float | None = SHARE_TOLERANCE,
    roster_time_limit: float | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> HeadcountResult:
    """The fewest workers, in total and per agency, that staff all required coverage.

    Args:
        scenario: the scenario; its workers are in the pool as they are.
        time_limit: seconds for phase 1 (the headcount).
        workers: CP-SAT threads (2 on the project's machines).
        seed: random seed.
        hires: placeholder hires per agency to add to the pool
            (default :func:`headcount_pool`).
        share_tolerance: agency hours share within target ± this; ``None`` turns it off.
        roster_time_limit: seconds for phase 2 (default: half of ``time_limit``);
            0 skips it and keeps the phase-1 roster.
        progress: called with each improving headcount solution.
    """
    start = time.perf_counter()
    if share_tolerance is not None and not 0 <= share_tolerance <= 1:
        raise InputError(f"share tolerance must be between 0 and 1, got {share_tolerance}")
    pool = with_hires(
        scenario, hires if hires is not None else headcount_pool(scenario, share_tolerance)
    )
    model_scenario, weekly_min, total_min = _model_scenario(pool)
    data = ProblemData(model_scenario)
    common = {
        "scenario": scenario,
        "pool_size": len(pool.workers),
        "share_tolerance": share_tolerance,
    }
    reason = _unstaffable(data)
    if reason is not None:
        return HeadcountResult(
            status=SolveStatus.INFEASIBLE,
            headcount=None,
            lower_bound=None,
            wall_time=time.perf_counter() - start,
            message=reason,
            **common,  # type: ignore[arg-type]
        )
    m = build_model(data)
    _require_all(m)
    _share_constraints(m, share_tolerance)
    n = len(data.workers)
    use = [m.cp.new_bool_var(f"use_{w}") for w in range(n)]
    for w, xs in enumerate(m.x):
        for v in xs.values():
            m.cp.add_implication(v, use[w])
    for w, minutes in weekly_min:
        for _key, days in data.full_weeks(w):
            xs = m.x[w]
            week = sum(
                data.minutes[s] * xs[s] for d in days for s in data.shifts_by_day[d] if s in xs
            )
            m.cp.add(week >= minutes * use[w])
    for w, minutes in enumerate(total_min):
        if minutes:
            m.cp.add(sum(data.minutes[s] * v for s, v in m.x[w].items()) >= minutes * use[w])
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for w, worker in enumerate(data.workers):
        if worker.placeholder:
            groups[_identity(worker)].append(w)
    for members in groups.values():
        for a, b in itertools.pairwise(members):
            m.cp.add(use[a] >= use[b])
    _capacity_cuts(m, use)
    for w, s in greedy_roster(data):
        m.cp.add_hint(m.x[w][s], 1)
    hire_use = [use[w] for w in range(n) if data.workers[w].placeholder]
    # Lexicographic in one objective: fewest people, then fewest new hires.
    m.cp.clear_objective()
    m.cp.minimize((n + 1) * sum(use) + sum(hire_use))

    solver = cp_model.CpSolver()
    configure(solver.parameters, workers)
    solver.parameters.max_time_in_seconds = max(0.01, time_limit - (time.perf_counter() - start))
    solver.parameters.random_seed = seed

    class _Report(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if progress is not None:
                progress(
                    Progress(
                        wall_time=time.perf_counter() - start,
                        objective=float(sum(self.value(u) for u in use)),
                        best_bound=self.BestObjectiveBound() / (n + 1),
                    )
                )

    code = solver.solve(m.cp, _Report())
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    if not status.has_roster:
        message = (
            "no team from the pool staffs every shift under the hard rules and agency shares"
            if status is SolveStatus.INFEASIBLE
            else f"no team found within {time_limit:g} s"
        )
        return HeadcountResult(
            status=status,
            headcount=None,
            lower_bound=None,
            wall_time=time.perf_counter() - start,
            message=message,
            **common,  # type: ignore[arg-type]
        )
    used = [w for w in range(n) if solver.boolean_value(use[w])]
    bound = math.ceil(solver.best_objective_bound / (n + 1) - 1e-9)
    if status is SolveStatus.OPTIMAL:
        bound = len(used)
    ids = {data.workers[w].id for w in used}
    team = pool.model_copy(
        update={
            "workers": tuple(w for w in pool.workers if w.id in ids),
            "time_off": tuple(t for t in pool.time_off if t.worker in ids),
            "preferences": tuple(p for p in pool.preferences if p.worker in ids),
        }
    )
    first = tuple(
        sorted(
            Assignment(data.shifts[s].id, data.workers[w].id)
            for w in used
            for s, v in m.x[w].items()
            if solver.boolean_value(v)
        )
    )
    own = {w.id for w in scenario.workers}
    by_agency = {a.id: 0 for a in scenario.agencies}
    new = {a.id: 0 for a in scenario.agencies}
    for w in used:
        by_agency[data.workers[w].agency] += 1
        new[data.workers[w].agency] += data.workers[w].id not in own
    limit2 = time_limit / 2 if roster_time_limit is None else roster_time_limit
    roster = _phase_two(team, first, limit2, workers, seed)
    return HeadcountResult(
        status=status,
        headcount=len(used),
        lower_bound=bound,
        by_agency=by_agency,
        hires_by_agency=new,
        workers=tuple(data.workers[w].id for w in used),
        team=team,
        roster=roster,
        wall_time=time.perf_counter() - start,
        **common,  # type: ignore[arg-type]
    )


def _phase_two(
    team: Scenario, first: tuple[Assignment, ...], time_limit: float, workers: int, seed: int
) -> SolveResult:
    """The team's roster under the scenario's own objective, nothing unfilled."""
    start = time.perf_counter()
    data = ProblemData(team)
    m = build_model(data)
    _require_all(m)
    chosen = {(data.worker_index[a.worker_id], data.shift_index[a.shift_id]) for a in first}
    for w, xs in enumerate(m.x):
        for s, v in xs.items():
            m.cp.add_hint(v, int((w, s) in chosen))
    code: Any = cp_model.UNKNOWN
    solver = cp_model.CpSolver()
    if time_limit > 0:
        configure(solver.parameters, workers)
        solver.parameters.max_time_in_seconds = time_limit
        solver.parameters.random_seed = seed
        code = solver.solve(m.cp)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignments, terms = extract(m, solver)
        objective = round(solver.objective_value)
        bound: float | None = float(solver.best_objective_bound)
        status = _STATUS[code]
    else:
        # Keep the phase-1 roster: valid, with nothing unfilled; the checker prices it.
        from optimizer.check import check

        assignments = first
        report = check(team, assignments)
        terms = dict(report.terms)
        objective, bound, status = report.objective, None, SolveStatus.FEASIBLE
    return SolveResult(
        scenario=team,
        status=status,
        objective=objective,
        best_bound=bound,
        wall_time=time.perf_counter() - start,
        assignments=assignments,
        unfilled=unfilled_slots(data, assignments),
        objective_terms={k: v for k, v in sorted(terms.items()) if v or k in m.terms},
        worker_loads=worker_loads(data, assignments),
        agency_share=agency_share(data, assignments),
        num_workers=workers,
    )
