"""Plain-language reasons for every shift left short of its required headcount.

For each unfilled shift, every worker not on it is tested: static reasons
(time off, skills, availability) come from :class:`~optimizer.data.ProblemData`;
rule reasons come from the checker's own rule functions, applied to the
worker's roster with the shift added. A worker blocked by nothing but soft
rules is named as such, so a manager sees exactly what stands in the way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from optimizer.check import Finding, worker_findings
from optimizer.data import ProblemData
from optimizer.result import UnfilledSlot
from optimizer.roster import Assignment
from optimizer.scenario import Scenario

#: How a hard rule reads as the reason a worker could not take a shift.
_RULE_PHRASES = {
    "overlap": "already on an overlapping shift",
    "one_shift_per_day": "already works that day",
    "min_rest_hours": "would not get the minimum rest",
    "max_hours_per_week": "at the {h} h weekly limit",
    "min_hours_per_week": "below weekly minimum",
    "max_shifts_per_week": "at the weekly shift limit",
    "max_consecutive_days": "at the consecutive-days limit",
    "min_consecutive_days": "would break a minimum run of working days",
    "min_consecutive_days_off": "would cut a run of days off short",
    "max_weekends": "at the weekends limit",
    "max_weekends_in_horizon": "at the weekends limit",
    "forbidden_successions": "forbidden shift succession",
    "total_hours": "at the total hours limit",
    "max_shifts_of_type": "at the limit for this shift type",
    "coverage_max": "shift is at its maximum headcount",
}


def _phrase(data: ProblemData, w: int, finding: Finding) -> str:
    text = _RULE_PHRASES.get(finding.rule, finding.rule)
    if "{h}" in text:
        limit = data.limits[w].max_week_minutes or 0
        text = text.format(h=f"{limit / 60:g}")
    return text


def worker_reason(
    data: ProblemData, w: int, s: int, current: set[int], baseline: set[Finding]
) -> str | None:
    """Why worker ``w`` cannot add shift ``s`` to ``current``; ``None`` if nothing hard."""
    static = data.static_reasons(w, s)
    if static:
        return static[0]
    hard, _ = worker_findings(data, w, current | {s})
    new = [f for f in hard if f not in baseline]
    if not new:
        return None
    return _phrase(data, w, new[0])


def unfilled_slots(
    scenario: Scenario | ProblemData, assignments: Iterable[Assignment]
) -> tuple[UnfilledSlot, ...]:
    """Every shift with fewer people than required, each with its reason."""
    data = scenario if isinstance(scenario, ProblemData) else ProblemData(scenario)
    by_worker: dict[int, set[int]] = defaultdict(set)
    on_shift: dict[int, set[int]] = defaultdict(set)
    for a in assignments:
        w, s = data.worker_index[a.worker_id], data.shift_index[a.shift_id]
        by_worker[w].add(s)
        on_shift[s].add(w)
    baselines = {
        w: set(worker_findings(data, w, by_worker[w])[0]) for w in range(len(data.workers))
    }
    out = []
    for s, shift in enumerate(data.shifts):
        assigned = len(on_shift[s])
        if assigned >= shift.required:
            continue
        blocked: list[str] = []
        free: list[str] = []
        for w, worker in enumerate(data.workers):
            if w in on_shift[s]:
                continue
            reason = worker_reason(data, w, s, by_worker[w], baselines[w])
            if reason is None:
                free.append(worker.id)
            else:
                blocked.append(f"{worker.id} {reason}")
        parts = blocked
        if free:
            parts = [
                *blocked,
                f"{', '.join(free)} could work it only at a higher cost "
                "(soft rules, preferences or fairness)",
            ]
        if not data.workers:
            parts = ["no workers in the scenario"]
        reason = f"{shift.describe()} needs {shift.required}, {assigned} assigned: " + "; ".join(
            parts
        )
        out.append(
            UnfilledSlot(shift=shift, required=shift.required, assigned=assigned, reason=reason)
        )
    return tuple(out)
