"""The per-worker pricing programme and the Lagrangian bound built on it.

The checker is the specification: the programme's cheapest schedule must be
the cheapest by brute force over every schedule the checker accepts, with
the checker's cost; and the bound must never exceed a proven optimum.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from typing import Any

import numpy as np
import pytest
import scaling
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.check import worker_findings
from optimizer.data import ProblemData
from optimizer.result import SolveStatus
from optimizer.scenario import Scenario
from optimizer.solver.colgen import Master, column_generation, deviation_terms, first_columns
from optimizer.solver.lagrange import BackgroundLagrangian, Lagrangian, lagrangian_bound
from optimizer.solver.model import build_model
from optimizer.solver.pricing import Pricer, Unsupported, _distinct_rows, carries_totals
from optimizer.solver.relaxation import solve_relaxation
from tests.engine.helpers import solve_checked, tiny
from tests.engine.test_property import scenarios

MODES = st.sampled_from(["hard", "soft", "off"])


def own_cost(data: ProblemData, w: int, shifts: tuple[int, ...]) -> int | None:
    """The checker's cost of worker ``w``'s own terms, None if a hard rule breaks."""
    hard, soft = worker_findings(data, w, shifts)
    if hard:
        return None
    worked = set(shifts)
    prefs = 0
    for slot in data.preference_slots:
        if slot.worker != w:
            continue
        p = slot.preference
        if p.kind == "want":
            prefs += p.weight * (not any(s in worked for s in slot.shifts))
        else:
            prefs += p.weight * sum(s in worked for s in slot.shifts)
    return sum(f.amount * weight for f, weight in soft) + data.scenario.weights.preferences * prefs


def brute_force(data: ProblemData, w: int, prices: np.ndarray) -> float:
    """Least own cost + prices over every schedule (at most one shift a day)."""
    eligible = set(data.eligible[w])
    days = [[None] + [s for s in day if s in eligible] for day in data.shifts_by_day]
    best = float("inf")
    for choice in itertools.product(*days):
        shifts = tuple(s for s in choice if s is not None)
        cost = own_cost(data, w, shifts)
        if cost is not None:
            best = min(best, cost + float(prices[list(shifts)].sum()))
    return best


@st.composite
def one_worker(draw: st.DrawFn) -> tuple[Scenario, list[int]]:
    """One worker, one or two shift types over 7 days, every rule drawn."""

    def rule(values: st.SearchStrategy[Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": draw(MODES), "weight": draw(st.integers(1, 9))}
        if values is not None:
            out["value"] = draw(values)
        return out

    types = draw(st.integers(1, 2))
    coverage = []
    for i in range(types):
        start = draw(st.sampled_from([7, 15, 23]))
        coverage.append(
            {
                "id": f"c{i}",
                "start": f"{start:02d}:00",
                "end": f"{(start + 8) % 24:02d}:00",
                "days": draw(st.sampled_from(["daily", "Mon-Fri", "Sat,Sun"])),
                "required": 1,
            }
        )
    rules: dict[str, Any] = {
        "one_shift_per_day": {"mode": "hard"},
        "min_rest_hours": rule(st.sampled_from([8, 11, 16])),
        "max_hours_per_week": rule(st.sampled_from([16, 24, 32])),
        "min_hours_per_week": rule(st.sampled_from([8, 16, 24])),
        "max_shifts_per_week": rule(st.integers(1, 4)),
        "max_consecutive_days": rule(st.integers(1, 4)),
        "min_consecutive_days": {
            **rule(st.integers(1, 3)),
            "boundary": draw(st.sampled_from(["exempt", "count"])),
        },
        "min_consecutive_days_off": {
            **rule(st.integers(1, 3)),
            "boundary": draw(st.sampled_from(["exempt", "count"])),
        },
        "max_weekends": {**rule(st.integers(0, 1)), "window_weeks": draw(st.integers(1, 2))},
        "max_weekends_in_horizon": rule(),
        "total_hours": rule(),
        "max_shifts_of_type": rule(),
    }
    if types > 1:
        rules["forbidden_successions"] = {**rule(), "pairs": [{"first": "c1", "then": "c0"}]}
    worker: dict[str, Any] = {
        "max_weekends": draw(st.integers(0, 1)),
        "min_total_hours": draw(st.sampled_from([0, 16])),
        "max_total_hours": draw(st.sampled_from([24, 40])),
        "max_shifts": {"c0": draw(st.integers(0, 3))},
    }
    # A Monday, a Thursday (part weeks at both ends), and the week of the
    # autumn DST change (a 9-hour night).
    first = draw(st.sampled_from(["2024-09-23", "2024-09-26", "2024-10-31"]))
    time_off = []
    if draw(st.booleans()):
        time_off.append({"worker": "W1", "start": first, "end": first})
    preferences = [
        {
            "worker": "W1",
            "kind": draw(st.sampled_from(["want", "avoid"])),
            "weekday": draw(st.sampled_from(["Mon", "Fri", "Sat", "Sun"])),
            "weight": draw(st.integers(1, 5)),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    scenario = tiny(
        coverage=coverage,
        rules=rules,
        start=first,
        worker_fields=worker,
        time_off=time_off,
        preferences=preferences,
    )
    shifts = len(ProblemData(scenario).shifts)
    prices = draw(st.lists(st.integers(-60, 30), min_size=shifts, max_size=shifts))
    return scenario, prices


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_worker())
def test_pricing_finds_the_cheapest_schedule_by_brute_force(case: Any) -> None:
    scenario, raw = case
    data = ProblemData(scenario)
    prices = np.asarray(raw, dtype=np.float64)
    value, schedule = Pricer(data).best(0, prices)
    expected = brute_force(data, 0, prices)
    if expected == float("inf"):
        assert value == float("inf")  # no schedule keeps the hard rules
        return
    assert value == pytest.approx(expected)
    # the schedule returned keeps every hard rule and costs what the checker says
    assert own_cost(data, 0, schedule.shifts) == schedule.cost
    assert schedule.cost + float(prices[list(schedule.shifts)].sum()) == pytest.approx(value)


def test_pricing_is_exact_across_a_spring_dst_week_and_a_night_shift() -> None:
    # 2025-03-09: clocks go forward, the night from Saturday is 7 hours; with a
    # 16-hour weekly minimum, two nights that week fall short by one hour.
    scenario = tiny(
        coverage=[{"id": "N", "start": "23:00", "end": "07:00", "required": 1, "days": "daily"}],
        rules={
            "one_shift_per_day": {"mode": "hard"},
            "min_hours_per_week": {"mode": "soft", "weight": 3, "value": 16},
            "max_shifts_per_week": {"mode": "hard", "value": 2},
        },
        start="2025-03-03",
        weeks=2,
    )
    data = ProblemData(scenario)
    assert sorted({data.minutes[s] for s in range(len(data.shifts))}) == [420, 480]
    # nights are cheap except in the first week: the programme must price the
    # DST week's short night against the weekly minimum exactly
    prices = np.array([-5.0 if data.shifts[s].day >= 7 else 40.0 for s in range(len(data.shifts))])
    value, schedule = Pricer(data).best(0, prices)
    assert own_cost(data, 0, schedule.shifts) == schedule.cost
    assert value == pytest.approx(brute_force(data, 0, prices))


def test_the_compile_budget_counts_work_so_it_decides_alike_on_any_machine() -> None:
    data = ProblemData(scaling.program(6, 2))
    roomy = Pricer(data, budget=10**9)
    assert roomy._budget.left is not None
    needed = 10**9 - roomy._budget.left
    assert needed > 0
    # exactly the work it needs compiles, with the same programme as no budget
    prices = np.linspace(-3.0, 3.0, len(data.shifts))
    assert Pricer(data, budget=needed).best(2, prices) == Pricer(data).best(2, prices)
    with pytest.raises(Unsupported, match="compile budget"):
        Pricer(data, budget=needed - 1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(-2, 2), st.integers(0, 1)), max_size=40),
    st.booleans(),
)
def test_distinct_states_are_found_alike_packed_or_compared(
    rows: list[tuple[int, int, int]], wide: bool
) -> None:
    states = np.array(rows, dtype=np.int64).reshape(-1, 3)
    if wide and len(states):
        # a field whose range is too wide to pack: rows are compared as they are
        states = np.hstack([states, np.full((len(states), 1), 2**62)])
        states[0, -1] = -(2**62)
    found, target = _distinct_rows(states)
    # sorted, distinct, and each row maps to its own state
    assert [tuple(r) for r in found] == sorted({tuple(r) for r in states})
    assert (found[target] == states).all()


def test_a_compile_asked_to_stop_gives_up() -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Unsupported, match="stopped"):
        Pricer(ProblemData(scaling.program(6, 2)), stop=stop)


def test_pricing_refuses_more_than_one_shift_a_day() -> None:
    scenario = tiny(rules={"one_shift_per_day": {"mode": "soft", "weight": 5}})
    with pytest.raises(Unsupported, match="one shift per day"):
        Pricer(ProblemData(scenario))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_lagrangian_bound_never_exceeds_a_proven_optimum(scenario: Any) -> None:
    rules = scenario.rules.model_copy(
        update={
            "one_shift_per_day": scenario.rules.one_shift_per_day.model_copy(
                update={"mode": "hard"}
            )
        }
    )
    scenario = scenario.model_copy(update={"rules": rules})
    result = solve_checked(scenario, time_limit=5.0)
    if result.status is not SolveStatus.OPTIMAL:
        return
    assert result.objective is not None
    data = ProblemData(scenario)
    try:
        pricer = Pricer(data)
    except Unsupported:
        return
    lag = Lagrangian(data, pricer)
    sub = lagrangian_bound(data, result.objective, 1.0, lagrangian=lag, plateau=None)
    assert sub.bound <= result.objective
    cg = column_generation(data, first_columns(data, pricer), 2.0, pricer=pricer)
    assert cg.bound is None or cg.bound <= result.objective
    if sub.prices is not None:
        # boxed around the subgradient's prices, as in the solve
        boxed = column_generation(
            data, first_columns(data, pricer) + sub.recent, 1.0, pricer=pricer, start=sub.prices
        )
        assert boxed.bound is None or boxed.bound <= result.objective


def _program(workers: int, weeks: int) -> Scenario:
    """The scaling benchmark's 24/7 programme."""
    return scaling.program(workers, weeks)


def test_column_generation_bound_is_far_above_the_lp_relaxation_where_shifts_compete() -> None:
    # 12 workers, 4 weeks of the 24/7 programme: too few for every shift, and
    # which shifts go short is decided by each worker's own rules (weekends,
    # runs, rest), which the LP relaxation largely escapes.
    scenario = _program(12, 4)
    data = ProblemData(scenario)
    lp = solve_relaxation(build_model(data).cp.proto, 30.0)
    assert lp is not None
    result = solve_checked(scenario, time_limit=5.0)
    assert result.objective is not None
    pricer = Pricer(data)
    cg = column_generation(data, first_columns(data, pricer), 30.0, pricer=pricer)
    assert cg.converged and cg.bound is not None
    assert cg.bound <= result.objective
    assert cg.bound > 3 * lp.bound
    # converged: the master's optimum is the bound
    assert cg.bound == math.ceil(cg.master - 1e-6 * cg.master)
    # Started from the subgradient's prices, with the duals boxed around the
    # best point, it converges to the same optimum (the box widens until the
    # master's optimum lies inside it).
    sub = lagrangian_bound(data, result.objective, 2.0, lagrangian=Lagrangian(data, pricer))
    assert sub.prices is not None
    # the schedules of its last steps, each once, every one keeping the hard rules
    assert sub.recent and len({(s.worker, s.shifts) for s in sub.recent}) == len(sub.recent)
    assert all(not worker_findings(data, s.worker, s.shifts)[0] for s in sub.recent)
    boxed = column_generation(
        data, first_columns(data, pricer) + sub.recent, 30.0, pricer=pricer, start=sub.prices
    )
    assert boxed.converged and boxed.bound == cg.bound


def test_the_box_keeps_the_master_duals_near_its_centre() -> None:
    data = ProblemData(_program(8, 4))
    pricer = Pricer(data)
    master = Master(data)
    for column in first_columns(data, pricer):
        master.add(column)
    unboxed, free, _ = master.solve()
    # a centre from the Lagrangian's prices: wanted shifts priced, totals not
    pi = np.full(len(data.shifts), 3.0)
    center = master.duals_from(pi, np.zeros(len(deviation_terms(data))))
    assert (center > 0).any()
    master.box(center, 0.05)
    value, duals, _ = master.solve()
    assert np.all(np.abs(duals - center) <= 0.05 + 1e-7)
    assert master.boxed() and not np.all(np.abs(free - center) <= 0.05)
    # a box wide enough is not used, and the master's optimum is back
    master.box(center, 1e6)
    value, duals, _ = master.solve()
    assert not master.boxed()
    assert value == pytest.approx(unboxed, rel=1e-9)


def test_background_lagrangian_stops_when_cancelled_and_gives_up_on_unsupported_rules() -> None:
    data = ProblemData(_program(20, 13))
    started = time.perf_counter()
    job = BackgroundLagrangian(data, lambda: 10**9, 60.0)
    time.sleep(1.0)
    job.cancel()
    assert job.done and time.perf_counter() - started < 5.0
    unsupported = tiny(rules={"one_shift_per_day": {"mode": "off"}})
    job = BackgroundLagrangian(ProblemData(unsupported), lambda: 10.0, 10.0)
    job.cancel()
    assert job.done and job.bound == 0.0


def test_solve_reports_the_lagrangian_bound_when_cp_sats_is_weak() -> None:
    scenario = _program(20, 4)
    result = solve_checked(scenario, time_limit=15.0)
    assert result.objective is not None and result.best_bound is not None
    lp = solve_relaxation(build_model(ProblemData(scenario)).cp.proto, 30.0)
    assert lp is not None
    assert lp.bound < result.best_bound <= result.objective


def test_lagrangian_evaluates_to_a_bound_at_any_prices() -> None:
    # A bound holds for any prices, not only the best: random prices, same rule.
    scenario = _program(8, 4)
    data = ProblemData(scenario)
    result = solve_checked(scenario, time_limit=5.0)
    assert result.objective is not None
    lag = Lagrangian(data)
    rng = np.random.default_rng(3)
    for _ in range(5):
        pi = rng.normal(0, 50, len(data.shifts))
        rho = rng.normal(0, 5, len(lag.totals))
        value, schedules, _, _ = lag.evaluate(pi, rho)
        assert value <= result.objective + 1e-6
        assert len(schedules) == len(data.workers)


def test_programmes_that_carry_horizon_totals_are_recognised() -> None:
    # total hours or per-type caps put a horizon-long count into every state
    assert not carries_totals(ProblemData(_program(8, 4)))
    totals = tiny(
        rules={"one_shift_per_day": {"mode": "hard"}, "total_hours": {"mode": "hard"}},
        worker_fields={"max_total_hours": 24},
    )
    assert carries_totals(ProblemData(totals))
    caps = tiny(
        rules={"one_shift_per_day": {"mode": "hard"}, "max_shifts_of_type": {"mode": "soft"}},
        worker_fields={"max_shifts": {"day": 2}},
    )
    assert carries_totals(ProblemData(caps))
    off = tiny(rules={"total_hours": {"mode": "off"}}, worker_fields={"max_total_hours": 24})
    assert not carries_totals(ProblemData(off))


def test_counts_that_cannot_bind_add_no_states_to_the_programme() -> None:
    # Two weeks of two daily shifts; a total of at most 6 shifts (48 h).
    coverage = [
        {"id": "day", "start": "07:00", "end": "15:00", "required": 1, "days": "daily"},
        {"id": "late", "start": "15:00", "end": "23:00", "required": 1, "days": "daily"},
    ]

    def states(total: str = "hard", **fields: Any) -> int:
        rules = {
            "one_shift_per_day": {"mode": "hard"},
            "total_hours": {"mode": total},
            "max_shifts_of_type": {"mode": "hard"},
        }
        scenario = tiny(
            coverage=coverage,
            rules=rules,
            weeks=2,
            worker_fields={"max_total_hours": 48, **fields},
        )
        steps = Pricer(ProblemData(scenario)).workers[0][1]
        return sum(step.target_states for step in steps)  # states over the days

    plain = states()
    # a cap of 14 on a 14-day horizon, or of 6 under a total of 6 shifts,
    # can never be reached: the programme does not count towards it
    assert states(max_shifts={"day": 14}) == plain
    assert states("off", max_shifts={"day": 14}) == states("off")
    assert states(max_shifts={"day": 6}) == plain
    # a cap of 4 can (with the other type worked too): the count is carried
    assert states(max_shifts={"day": 4}) > plain
    # a hard minimum total prunes the states that can no longer reach it
    assert states(min_total_hours=48) < plain


def test_master_duals_are_projected_to_where_the_lagrangian_bound_holds() -> None:
    # Any duals, once projected, keep every variable of the master's own
    # (shortfall, excess, slack, deviation) at reduced cost ≥ 0 and every
    # row's dual of its sign; only there is the Lagrangian bound valid.
    data = ProblemData(_program(8, 4))
    master = Master(data)
    rng = np.random.default_rng(5)
    for _ in range(5):
        point = master.project(rng.normal(0, 2000, len(master.rows)))
        sign = np.asarray(master.sign)
        assert (point * sign >= 0).all()
        for rows, coefs, cost in master.own:
            assert sum(c * point[r] for r, c in zip(rows, coefs, strict=True)) <= cost + 1e-9
