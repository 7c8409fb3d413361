"""An independent evaluator of the benchmark, written from its README, on the published rosters.

It shares no code with the engine or the checker: it reads only the parsed
instance and roster, so reproducing every published cost validates both parsers
and is the reference the checker's objective is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from optimizer.curtois import Instance, PublishedRoster

from .conftest import SOLVED, load_solutions


@dataclass(frozen=True)
class Evaluation:
    """Cover and roster (request) costs and the hard rules broken."""

    cover: int
    requests: int
    violations: tuple[str, ...]

    @property
    def cost(self) -> int:
        return self.cover + self.requests


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of True."""
    out: list[tuple[int, int]] = []
    start = None
    for d, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = d
        elif not flag and start is not None:
            out.append((start, d - start))
            start = None
    return out


def evaluate(inst: Instance, roster: PublishedRoster) -> Evaluation:
    """The benchmark's objective and hard constraints, straight from the README."""
    H = inst.days
    length = {s.id: s.minutes for s in inst.shifts}
    cannot = {s.id: set(s.cannot_follow) for s in inst.shifts}
    bad: list[str] = []
    for e in inst.employees:
        days = roster.days[e.id]  # one entry per day: rule 1 holds by construction
        for d in range(H - 1):
            a, b = days[d], days[d + 1]
            if a is not None and b is not None and b in cannot[a]:
                bad.append(f"{e.id} day {d}: {a} then {b}")
        for sid, limit in e.max_shifts.items():
            if sum(x == sid for x in days) > limit:
                bad.append(f"{e.id}: too many {sid}")
        minutes = sum(length[x] for x in days if x is not None)
        if not e.min_total_minutes <= minutes <= e.max_total_minutes:
            bad.append(f"{e.id}: {minutes} minutes")
        worked = [x is not None for x in days]
        for start, n in _runs(worked):
            if n > e.max_consecutive_shifts:
                bad.append(f"{e.id}: run of {n} from day {start}")
            inner = start > 0 and start + n < H
            if inner and n < e.min_consecutive_shifts:
                bad.append(f"{e.id}: short run of {n} from day {start}")
        for start, n in _runs([not w for w in worked]):
            inner = start > 0 and start + n < H
            if inner and n < e.min_consecutive_days_off:
                bad.append(f"{e.id}: short rest of {n} from day {start}")
        weekends = sum(worked[7 * w + 5] or worked[7 * w + 6] for w in range(H // 7))
        if weekends > e.max_weekends:
            bad.append(f"{e.id}: {weekends} weekends")
        for d in inst.days_off.get(e.id, ()):
            if worked[d]:
                bad.append(f"{e.id}: works day off {d}")
    requests = sum(r.weight for r in inst.on_requests if roster.days[r.employee][r.day] != r.shift)
    requests += sum(
        r.weight for r in inst.off_requests if roster.days[r.employee][r.day] == r.shift
    )
    cover = 0
    for c in inst.cover:
        staffed = sum(days[c.day] == c.shift for days in roster.days.values())
        cover += c.weight_under * max(0, c.requirement - staffed)
        cover += c.weight_over * max(0, staffed - c.requirement)
    return Evaluation(cover, requests, tuple(bad))


@pytest.mark.parametrize("n", SOLVED)
def test_evaluator_reproduces_every_published_cost(n: int) -> None:
    inst, rosters = load_solutions(n)
    for roster in rosters:
        result = evaluate(inst, roster)
        assert result.violations == ()
        assert (result.cover, result.requests) == (roster.cover_cost, roster.roster_cost)
        assert result.cost == roster.cost


def test_published_rosters_rely_on_the_boundary_exemption() -> None:
    """Instance 1's rosters start with one-day rests where the minimum is longer.

    Counting runs that touch the horizon ends would call them infeasible.
    """
    inst, rosters = load_solutions(1)
    minimum = {e.id: e.min_consecutive_days_off for e in inst.employees}
    for roster in rosters:
        edge_short = [
            e
            for e, days in roster.days.items()
            for start, n in _runs([x is None for x in days])
            if (start == 0 or start + n == inst.days) and n < minimum[e]
        ]
        assert sorted(edge_short) == ["A", "E", "F"]
        assert evaluate(inst, roster).violations == ()
