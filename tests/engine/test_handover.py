"""When the whole-model phase hands over to large-neighbourhood search.

The watcher (``optimizer.solver._watch``) decides from what a CP-SAT run has
reported so far; these tests drive it with a stand-in solver and scripted
reports, so the rule is checked without depending on a real search's timing.
"""

from __future__ import annotations

import threading
import time

import optimizer.solver as solver_module
from optimizer.result import Progress, relative_gap


class _Run:
    """Stands in for a CP-SAT run: records whether the watcher stopped it."""

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def stop_search(self) -> None:
        self.stopped.set()


def _watch(callback: solver_module._Callback, stall: float, seconds: float, rising: bool) -> bool:
    """Run the watcher past its hand-over for ``seconds``; True if it stopped the run.

    With ``rising`` the run's lower bound goes up a little every 0.1 s.
    """
    run, finished = _Run(), threading.Event()
    now = time.perf_counter()
    watcher = threading.Thread(
        target=solver_module._watch,
        args=(run, finished, callback, now, False, None, stall, now),
        daemon=True,
    )
    watcher.start()
    end = now + seconds
    bound = callback.bound
    while time.perf_counter() < end and not run.stopped.is_set():
        if rising:
            bound += 0.1
            callback.on_bound(bound)
        time.sleep(0.1)
    finished.set()
    watcher.join()
    return run.stopped.is_set()


def _run_at(objective: float, bound: float) -> solver_module._Callback:
    """What a run has reported: a roster of ``objective`` and a lower ``bound``."""
    callback = solver_module._Callback(time.perf_counter(), None, None)
    callback.record(Progress(wall_time=0.0, objective=objective, best_bound=0.0))
    callback.on_bound(bound)
    return callback


def _close_run() -> solver_module._Callback:
    """A run whose roster (1000) is 1 % above its bound (990): under HANDOVER_GAP."""
    assert relative_gap(1000.0, 990.0) < solver_module.HANDOVER_GAP
    return _run_at(1000.0, 990.0)


def test_a_close_run_goes_on_while_its_bound_rises() -> None:
    assert not _watch(_close_run(), stall=0.3, seconds=1.2, rising=True)


def test_a_close_run_hands_over_once_roster_and_bound_both_stall() -> None:
    # Instance 10's runs stayed 2 % above their bound, one person short, for
    # their last 40 s; large-neighbourhood search fills that person.
    assert _watch(_close_run(), stall=0.3, seconds=3.0, rising=False)


def test_a_run_near_its_proof_goes_on_even_when_stalled() -> None:
    callback = _run_at(1000.0, 997.0)  # gap 0.3 %, under PROOF_GAP
    assert not _watch(callback, stall=0.3, seconds=1.5, rising=False)


def test_a_far_run_hands_over_at_once_when_its_bound_is_weak() -> None:
    callback = _run_at(1000.0, 100.0)  # gap 90 %: the bound gives the search no grip
    started = time.perf_counter()
    assert _watch(callback, stall=30.0, seconds=3.0, rising=True)
    assert time.perf_counter() - started < 1.0


def _watch_before_handover(
    callback: solver_module._Callback, no_grip: float, seconds: float, fallback: bool = True
) -> float | None:
    """Run the watcher before its hand-over (100 s away) with the no-bound check
    from ``no_grip`` seconds on; the seconds until it stopped the run, or None."""
    run, finished = _Run(), threading.Event()
    now = time.perf_counter()
    watcher = threading.Thread(
        target=solver_module._watch,
        args=(run, finished, callback, now + 100.0, fallback, now + no_grip, 30.0, now),
        daemon=True,
    )
    watcher.start()
    stopped = run.stopped.wait(seconds)
    finished.set()
    watcher.join()
    return time.perf_counter() - now if stopped else None


def test_a_run_with_no_bound_to_speak_of_gives_way_early() -> None:
    # Instances 10-12 at 3 s of 60: bounds of 0-7 against rosters of thousands.
    callback = _run_at(1000.0, 7.0)
    assert relative_gap(1000.0, 7.0) >= solver_module.NO_GRIP_GAP
    stopped = _watch_before_handover(callback, no_grip=0.5, seconds=3.0)
    assert stopped is not None and 0.5 <= stopped < 1.5


def test_a_run_with_a_bound_keeps_the_whole_model_until_the_handover() -> None:
    # Gap 89 %: weak, but a bound (instance 9 at 3 s: 179 against 1646).
    callback = _run_at(1000.0, 110.0)
    assert _watch_before_handover(callback, no_grip=0.2, seconds=1.5) is None


def test_without_a_roster_to_fall_back_on_the_run_goes_on() -> None:
    callback = _run_at(1000.0, 0.0)
    assert _watch_before_handover(callback, no_grip=0.2, seconds=1.5, fallback=False) is None


def _watch_pending(
    callback: solver_module._Callback, handover: float, pending: bool
) -> float | None:
    """Run the watcher (hand-over ``handover`` seconds away, stall far off) with a
    partial dive waiting or not; the seconds until it stopped the run, or None."""
    run, finished = _Run(), threading.Event()
    now = time.perf_counter()
    watcher = threading.Thread(
        target=solver_module._watch,
        args=(run, finished, callback, now + handover, True, None, 30.0, now),
        kwargs={"pending": lambda: pending},
        daemon=True,
    )
    watcher.start()
    stopped = run.stopped.wait(handover + 1.0)
    finished.set()
    watcher.join()
    return time.perf_counter() - now if stopped else None


def test_a_run_gives_way_to_a_waiting_partial_dive_from_its_handover_unless_near_a_proof() -> None:
    # 1000 against 960: a gap of 4 %, a run that goes on while its bound moves
    stopped = _watch_pending(_run_at(1000.0, 960.0), handover=0.5, pending=True)
    assert stopped is not None and 0.5 <= stopped < 1.0  # at the hand-over, not before
    assert _watch_pending(_run_at(1000.0, 960.0), handover=0.5, pending=False) is None
    # near its proof the run goes on (benchmark instances 5 and 6 prove in it)
    assert _watch_pending(_run_at(1000.0, 997.0), handover=0.5, pending=True) is None
