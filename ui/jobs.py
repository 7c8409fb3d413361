"""Long work in background threads, so a page shows progress and never freezes.

A :class:`Job` runs one function in a daemon thread and collects the progress
events it reports. Jobs live in a :class:`JobRegistry` keyed by a hash of
their inputs, kept across reruns and pages with ``st.cache_resource``: asking
again for the same inputs returns the running or finished job, so going back
to a page is instant and a rerun never starts the work twice.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from optimizer.errors import ShiftcoverError

T = TypeVar("T")

#: Finished jobs kept for reuse; older ones are dropped first.
MAX_JOBS = 12

Work = Callable[[Callable[[Any], None], threading.Event], T]


def input_key(*parts: Any) -> str:
    """A stable hash of a job's inputs (anything JSON can write, with str() as fallback)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@dataclass
class Job(Generic[T]):
    """One piece of work running in its own thread."""

    key: str
    label: str
    work: Work[T]
    events: list[Any] = field(default_factory=list)
    result: T | None = None
    error: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Run the work in a daemon thread (the server can exit while it runs)."""
        self._thread = threading.Thread(target=self._run, name=f"job-{self.label}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.result = self.work(self.events.append, self.stop)
        except ShiftcoverError as exc:
            self.error = str(exc)
        except Exception as exc:  # reported on the page instead of killing the thread silently
            self.error = f"unexpected {type(exc).__name__}: {exc}"
        finally:
            self.finished = time.monotonic()

    @property
    def done(self) -> bool:
        """True once the work has returned or failed."""
        return self.finished is not None

    @property
    def elapsed(self) -> float:
        """Seconds since the start (until the end, once finished)."""
        return (self.finished or time.monotonic()) - self.started

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done (for tests and scripts); True when finished."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.done


class JobRegistry:
    """Jobs by input key, shared by every session of the server."""

    def __init__(self, limit: int = MAX_JOBS) -> None:
        self._jobs: OrderedDict[str, Job[Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def get(self, key: str | None) -> Job[Any] | None:
        """The job for ``key``, if it is still kept."""
        if key is None:
            return None
        with self._lock:
            return self._jobs.get(key)

    def submit(self, key: str, label: str, work: Work[T], *, retry_failed: bool = True) -> Job[T]:
        """Start ``work`` unless a job with the same inputs exists; return that job."""
        with self._lock:
            job = self._jobs.get(key)
            failed_or_stopped = job is not None and job.done and (job.error or job.stop.is_set())
            if job is not None and not (retry_failed and failed_or_stopped):
                self._jobs.move_to_end(key)
                return job
            new: Job[T] = Job(key=key, label=label, work=work)
            self._jobs[key] = new
            while len(self._jobs) > self._limit:
                oldest = next(k for k, j in self._jobs.items() if j.done or k != key)
                self._jobs.pop(oldest)
        new.start()
        return new
