"""The LP relaxation: implied by every roster, a valid bound, and a guide for LNS blocks."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from optimizer.check import check
from optimizer.data import ProblemData
from optimizer.solver import extract, relaxation
from optimizer.solver.lns import Neighbourhoods, assignment_vars
from optimizer.solver.model import build_model
from optimizer.solver.params import configure
from optimizer.solver.relaxation import BackgroundRelaxation, Relaxation, build_lp, solve_relaxation
from tests.engine.helpers import tiny
from tests.engine.test_property import scenarios


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_every_roster_is_a_point_of_the_relaxation(scenario: Any) -> None:
    m = build_model(ProblemData(scenario))
    solver = cp_model.CpSolver()
    configure(solver.parameters, 2)
    solver.parameters.max_time_in_seconds = 5.0
    code = solver.solve(m.cp)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    assignments, _ = extract(m, solver)
    report = check(scenario, assignments)
    assert report.ok, report.describe()
    # CP-SAT reports its integer objective as a float (26.000000000000004).
    assert report.objective == round(solver.objective_value)
    # The roster, every helper variable included, fixed in the LP: each row
    # must hold, and the LP's objective must be the roster's.
    lp, xs = build_lp(m.cp.proto)
    for x, value in zip(xs, solver.response_proto.solution, strict=True):
        x.SetBounds(value, value)
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    assert lp.Objective().Value() + m.cp.proto.objective.offset == pytest.approx(
        solver.objective_value
    )
    found = solve_relaxation(m.cp.proto, 5.0)
    assert found is not None
    assert found.bound <= report.objective
    if code == cp_model.OPTIMAL:
        assert found.bound <= round(solver.best_objective_bound)
    # The same LP solved in the background gives the same bound.
    background = BackgroundRelaxation(m.cp.proto, 5.0)
    late = background.result(timeout=10.0)
    assert background.done and late is not None and late.bound == found.bound


def test_the_bound_is_the_lp_optimum_rounded_up() -> None:
    # Pairwise at most one of three: the LP takes ½ of each (1.5), integers 1.
    model = cp_model.CpModel()
    a, b, c = (model.new_bool_var(n) for n in "abc")
    model.add_bool_or([~a, ~b])  # a + b ≤ 1, written with negated literals
    model.add_at_most_one([b, c])
    model.add_at_most_one([a, c])
    model.minimize(3 - a - b - c)
    found = solve_relaxation(model.proto, 5.0)
    assert found is not None
    assert found.bound == 2  # ⌈3 − 1.5⌉
    assert found.values[:3] == pytest.approx([0.5, 0.5, 0.5])


def test_enforced_constraints_are_left_out_and_max_is_kept() -> None:
    model = cp_model.CpModel()
    y = model.new_int_var(0, 10, "y")
    on = model.new_bool_var("on")
    excess = model.new_int_var(0, 10, "excess")
    model.add(y >= 7)
    model.add(y <= 2).only_enforce_if(on)  # would make the LP infeasible if kept
    model.add_max_equality(excess, [0, y - 3])
    model.minimize(excess + on)
    found = solve_relaxation(model.proto, 5.0)
    assert found is not None
    assert found.bound == 4  # excess ≥ y − 3 ≥ 4


def test_no_relaxation_for_models_too_large_or_without_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    m = build_model(ProblemData(tiny(workers=2)))
    assert solve_relaxation(m.cp.proto, 0.0) is None
    monkeypatch.setattr(relaxation, "MAX_CONSTRAINTS", len(m.cp.proto.constraints) - 1)
    assert solve_relaxation(m.cp.proto, 5.0) is None


def test_lp_blocks_free_the_cells_where_roster_and_lp_differ() -> None:
    import random

    m = build_model(ProblemData(tiny(workers=3, weeks=2)))
    cells = assignment_vars(m)
    guide = [0.0] * len(m.cp.proto.variables)
    values = {index: 0 for _, _, index in cells}
    differ = {(0, 3), (2, 9)}
    for w, d, index in cells:
        if (w, d) == (0, 3):
            guide[index] = 0.5  # fractional in the LP, off in the roster
        if (w, d) == (2, 9):
            values[index] = 1  # on in the roster, off in the LP
    hoods = Neighbourhoods(m, random.Random(1))
    hoods.use_guide(guide)
    assert "lp" in hoods.size
    hoods.size["lp"] = 2 / (3 * 14)  # two cells
    free = hoods.block("lp", values)
    assert {(w, d) for w in range(3) for d in range(14) if free(w, d)} == differ
    assert "lp" not in Neighbourhoods(m, random.Random(1)).size


def test_the_lp_guides_rosters_within_half_of_its_bound() -> None:
    lp = Relaxation(bound=60.0, values=[])
    assert lp.guides(100.0)  # 40 % above the bound
    assert not lp.guides(130.0)  # 54 %
    assert not Relaxation(bound=0.0, values=[]).guides(1.0)


def _slow_lp() -> cp_model.CpModel:
    """A random set cover whose LP takes GLOP about 6 s (0.2 s to state)."""
    import random

    rng = random.Random(7)
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(4000)]
    for _ in range(3000):
        model.add_bool_or(rng.sample(x, 20))
    model.minimize(sum(rng.randrange(1, 100) * v for v in x))
    return model


def test_a_background_relaxation_can_be_cancelled() -> None:
    import time

    background = BackgroundRelaxation(_slow_lp().proto, 60.0)
    time.sleep(1.0)  # GLOP is solving by now
    assert not background.done
    began = time.perf_counter()
    background.cancel()
    assert time.perf_counter() - began < 1.0
    assert background.done and background.result() is None
    assert background.bound == 0.0


def test_a_background_relaxation_keeps_to_its_time() -> None:
    import time

    began = time.perf_counter()
    background = BackgroundRelaxation(_slow_lp().proto, 1.0)
    assert background.result(timeout=5.0) is None
    assert background.done and time.perf_counter() - began < 3.0


def test_the_lp_shape_joins_once_a_guide_arrives() -> None:
    import random

    m = build_model(ProblemData(tiny(workers=3, weeks=2)))
    hoods = Neighbourhoods(m, random.Random(1))
    assert "lp" not in hoods.size
    guide = [0.0] * len(m.cp.proto.variables)
    hoods.use_guide(guide)
    assert hoods.guide is guide and "lp" in hoods.size and hoods.wins["lp"] == 1.0
    hoods.size["lp"] = 0.3
    hoods.use_guide([1.0] * len(guide))  # a second guide changes nothing
    assert hoods.guide is guide and hoods.size["lp"] == 0.3


class _Decomposition:
    """Stands in for a background decomposition: only whether it dives."""

    def __init__(self, diving: bool) -> None:
        self.diving = diving


def test_no_relaxation_beside_a_decomposition_that_dives() -> None:
    import time
    from typing import cast

    from optimizer.solver import _relaxation
    from optimizer.solver.lagrange import BackgroundLagrangian

    m = build_model(ProblemData(tiny()))
    deadline = time.perf_counter() + 5.0
    diving = cast(BackgroundLagrangian, _Decomposition(True))
    assert _relaxation(m, 100.0, 0.0, deadline, diving) is None
    # a decomposition done diving, or none, leaves the relaxation its core
    for beside in (cast(BackgroundLagrangian, _Decomposition(False)), None):
        background = _relaxation(m, 100.0, 0.0, deadline, beside)
        assert background is not None
        background.cancel()
    # and a gap CP-SAT's own LP has closed needs none either way
    assert _relaxation(m, 100.0, 95.0, deadline, None) is None
