"""Background jobs: equal inputs share one job; failures are messages; stop is honoured."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from optimizer.errors import InputError
from ui.jobs import JobRegistry, input_key


def test_equal_inputs_share_one_job() -> None:
    calls: list[int] = []

    def work(report: Callable[[Any], None], stop: threading.Event) -> int:
        calls.append(1)
        report("half way")
        return 42

    jobs = JobRegistry()
    key = input_key("x", {"a": 1})
    first = jobs.submit(key, "x", work)
    assert first.wait(5)
    again = jobs.submit(input_key("x", {"a": 1}), "x", work)
    assert again is first and first.result == 42 and first.events == ["half way"]
    assert calls == [1]


def test_a_failure_is_kept_as_a_message_and_retried() -> None:
    def work(report: Callable[[Any], None], stop: threading.Event) -> int:
        raise InputError("workers.csv, row 3: unknown agency")

    jobs = JobRegistry()
    failed = jobs.submit("k", "bad", work)
    assert failed.wait(5)
    assert failed.error == "workers.csv, row 3: unknown agency"
    assert jobs.submit("k", "bad", work) is not failed


def test_stop_reaches_the_work() -> None:
    def work(report: Callable[[Any], None], stop: threading.Event) -> str:
        return "stopped" if stop.wait(5) else "timed out"

    job = JobRegistry().submit("s", "stoppable", work)
    job.stop.set()
    assert job.wait(5) and job.result == "stopped"


def test_old_jobs_are_dropped() -> None:
    jobs = JobRegistry(limit=2)
    for i in range(4):
        jobs.submit(str(i), "n", lambda report, stop, i=i: i).wait(5)
    assert jobs.get("0") is None and jobs.get("3") is not None
