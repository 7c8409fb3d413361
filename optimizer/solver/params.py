"""CP-SAT search settings shared by every solve of the engine."""

from __future__ import annotations

from typing import Any


def configure(params: Any, workers: int) -> None:
    """Search settings for ``workers`` threads.

    Rostering objectives (fair shares, agency shares, coverage slack) have
    LP relaxations that prove optimality quickly, but CP-SAT's default
    portfolio for one or two threads omits its full-LP worker. On the bundled
    Windsor scenarios that worker proves optimality in under a second where
    the default portfolio leaves a 15–20 % gap after 15 s (see
    docs/benchmarks.md), so small thread counts run it explicitly. The LNS
    phase's sub-problems use the same settings: on benchmark instances 10–12
    they took the rosters from 2–40 % above the best known values to 0–15 %.

    With two threads CP-SAT runs one full worker (the full-LP one) and gives
    the other thread to its interleaved helpers (its own LNS, local search,
    feasibility jump). The helpers earn their thread: two full workers
    (full-LP and core, no helpers) in the LNS sub-problems made benchmark
    instance 12 worse in 3 of 3 interleaved runs and 10 no better; in the
    whole-model phase they gave instances 4 and 7 nothing.

    CP-SAT's default cap on root LP iterations (2,000 per call) stays: raised
    to 20,000, the full-LP worker proved its root bound on instances 10 and 11
    in 8-9 s instead of 23-28 s, but the 60 s rosters were no better, with the
    cap raised in the whole-model phase or in the LNS blocks too (and on 12,
    whose LP is not solved either way, the blocks did worse with 20,000 or 500).
    """
    # `params` is CpSolver.parameters (a SatParameters message; its class moved
    # between OR-Tools releases, hence Any).
    params.num_workers = workers
    if workers == 1:
        params.linearization_level = 2
    elif workers == 2:
        params.subsolvers.append("max_lp")
    else:
        params.extra_subsolvers.append("max_lp")
