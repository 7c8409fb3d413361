"""The CP-SAT portfolio that ``configure`` sets up, read from CP-SAT's own log."""

from __future__ import annotations

from ortools.sat.python import cp_model

from optimizer.solver.params import configure


def _portfolio_log(workers: int) -> list[str]:
    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{i}") for i in range(6)]
    model.add(sum(xs) >= 2)
    model.minimize(sum((i + 1) * x for i, x in enumerate(xs)))
    solver = cp_model.CpSolver()
    configure(solver.parameters, workers)
    solver.parameters.log_search_progress = True
    solver.parameters.log_to_stdout = False
    lines: list[str] = []
    solver.log_callback = lines.append
    assert solver.solve(model) == cp_model.OPTIMAL
    return lines


def test_two_threads_run_the_full_lp_worker_beside_the_interleaved_helpers() -> None:
    # The documented split: the full-LP worker on one thread, CP-SAT's own
    # local-search, LNS and other helpers on the other (not a second full worker).
    lines = _portfolio_log(2)
    full = [line for line in lines if "full problem subsolver" in line]
    assert full and "max_lp" in full[0] and full[0].lstrip().startswith("1 ")
    helpers = [line for line in lines if "interleaved subsolvers" in line]
    assert helpers and "ls" in helpers[0].split("[", 1)[1].rstrip("]").split(", ")
