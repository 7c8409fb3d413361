"""Replay: run an incident stream through a roster and see who gets a worker on site.

Each incident takes a free on-duty worker for a sampled occupied time
(travel + on scene + documentation). An arrival that finds everyone busy is
*missed-busy*; one with no one on duty is *missed-off-hours*: both mean no
on-site support — the need is lost, not queued (a loss system, like Erlang B).
A response that runs past the worker's shift end is finished, and the extra
minutes are reported as overtime.

Occupied-time models follow the :class:`OccupiedTime` protocol; the default
:class:`ResponseTime` is the documented assumption: travel 15–25 min, on scene
lognormal (median 60, IQR 40–95, capped at 4 h), documentation 10–20 min.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from optimizer.incidents.analytics import select_eligible
from optimizer.incidents.timeline import (
    NS_PER_MINUTE,
    HorizonWindow,
    Interval,
    fold_onto,
    horizon_of,
    interval_arrays,
    to_ns,
)
from optimizer.scenario import WEEKDAYS

_Z75 = 0.6744897501960817  # standard normal 75th percentile


class OccupiedTime(Protocol):
    """A distribution of minutes a response occupies a worker."""

    @property
    def mean_minutes(self) -> float:
        """Mean occupied minutes (what Erlang B needs)."""
        ...

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` occupied times in minutes."""
        ...


@dataclass(frozen=True)
class FixedTime:
    """Every response takes exactly ``minutes``."""

    minutes: float

    @property
    def mean_minutes(self) -> float:
        """The fixed time."""
        return self.minutes

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` copies of the fixed time."""
        return np.full(n, float(self.minutes))


@dataclass(frozen=True)
class ExponentialTime:
    """Exponential occupied times with the given mean (the textbook Erlang case)."""

    mean: float

    @property
    def mean_minutes(self) -> float:
        """The mean."""
        return self.mean

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` exponential draws."""
        return rng.exponential(self.mean, n)


@dataclass(frozen=True)
class LognormalTime:
    """Lognormal minutes given by median and interquartile range, optionally capped."""

    median: float
    q1: float
    q3: float
    cap: float | None = None

    @property
    def sigma(self) -> float:
        """Log-scale spread matching the IQR."""
        return math.log(self.q3 / self.q1) / (2 * _Z75)

    @property
    def mean_minutes(self) -> float:
        """Mean of the (capped) lognormal, in closed form."""
        mu, s = math.log(self.median), self.sigma
        full = math.exp(mu + s * s / 2)
        if self.cap is None:
            return full
        z = (math.log(self.cap) - mu) / s
        return full * _phi(z - s) + self.cap * (1 - _phi(z))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws, capped."""
        x = rng.lognormal(math.log(self.median), self.sigma, n)
        return np.minimum(x, self.cap) if self.cap is not None else x


def _phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


@dataclass(frozen=True)
class ResponseTime:
    """Travel (uniform) + on scene + documentation (uniform), all times ``scale``.

    The defaults are the documented assumption (about 90–110 minutes in all);
    :meth:`with_mean` rescales every part to a chosen mean.
    """

    travel: tuple[float, float] = (15.0, 25.0)
    on_scene: LognormalTime = field(default_factory=lambda: LognormalTime(60, 40, 95, cap=240))
    documentation: tuple[float, float] = (10.0, 20.0)
    scale: float = 1.0

    @property
    def mean_minutes(self) -> float:
        """Mean occupied minutes."""
        parts = sum(self.travel) / 2 + self.on_scene.mean_minutes + sum(self.documentation) / 2
        return self.scale * parts

    def with_mean(self, minutes: float) -> ResponseTime:
        """The same shape, scaled to mean ``minutes``."""
        if minutes <= 0:
            raise ValueError(f"occupied minutes must be positive, got {minutes}")
        return replace(self, scale=self.scale * minutes / self.mean_minutes)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` occupied times in minutes."""
        travel = rng.uniform(*self.travel, n)
        scene = self.on_scene.sample(rng, n)
        docs = rng.uniform(*self.documentation, n)
        return self.scale * (travel + scene + docs)


#: Outcome codes of :attr:`ReplayResult.outcomes`.
SERVED, MISSED_BUSY, MISSED_OFF = 0, 1, 2


@dataclass(frozen=True)
class ReplayResult:
    """What happened to each incident in the replay, and the totals.

    Attributes:
        incidents: the replayed incidents with ``at`` (placed on the roster),
            ``cycle``, ``occupied_minutes`` and ``outcome`` (served / busy / off_hours).
        served, missed_busy, missed_off_hours: counts.
        on_duty_minutes: staffed minutes over the replayed span.
        occupied_on_duty_minutes: response minutes inside staffed time.
        overtime_minutes: response minutes past the end of a worker's shift.
        ci95: 95 % batch-means interval of the share with no on-site support.
        synthetic: True when the incidents are generated.
    """

    incidents: pd.DataFrame
    served: int
    missed_busy: int
    missed_off_hours: int
    on_duty_minutes: float
    occupied_on_duty_minutes: float
    overtime_minutes: float
    ci95: tuple[float, float]
    synthetic: bool

    @property
    def total(self) -> int:
        """Incidents replayed."""
        return self.served + self.missed_busy + self.missed_off_hours

    @property
    def on_site_rate(self) -> float:
        """Share of incidents with a worker on site."""
        return self.served / self.total if self.total else 0.0

    @property
    def p_no_support(self) -> float:
        """Share of incidents with no on-site support (busy or off hours)."""
        return 1 - self.on_site_rate if self.total else 0.0

    @property
    def utilisation(self) -> float:
        """Share of staffed time spent on responses."""
        return self.occupied_on_duty_minutes / self.on_duty_minutes if self.on_duty_minutes else 0.0

    def by_hour(self) -> pd.DataFrame:
        """Per local hour: incidents, served, missed_busy, missed_off_hours, on_site_rate."""
        frame = self.incidents
        hour = frame["at"].dt.hour
        table = pd.crosstab(hour, frame["outcome"]).reindex(
            index=range(24), columns=["served", "busy", "off_hours"], fill_value=0
        )
        table.columns = pd.Index(["served", "missed_busy", "missed_off_hours"])
        table.insert(0, "incidents", table.sum(axis=1))
        table["on_site_rate"] = table["served"] / table["incidents"].where(table["incidents"] > 0)
        table.index.name = "hour"
        return table

    def missed_by_hour_of_week(self) -> pd.DataFrame:
        """7×24 counts of incidents without on-site support (index Mon…Sun, columns hours)."""
        missed = self.incidents[self.incidents["outcome"] != "served"]["at"]
        grid = pd.crosstab(missed.dt.day_of_week, missed.dt.hour).reindex(
            index=range(7), columns=range(24), fill_value=0
        )
        grid.index = pd.Index(WEEKDAYS, name="weekday")
        grid.columns = pd.Index(range(24), name="hour")
        return grid

    def worst_hours(self, n: int = 5) -> list[tuple[str, int, int]]:
        """The ``n`` (weekday, hour, missed) cells with the most victims left without support."""
        grid = self.missed_by_hour_of_week().to_numpy()
        flat = grid.reshape(-1)
        order = np.argsort(-flat, kind="stable")[:n]
        return [(WEEKDAYS[k // 24], int(k % 24), int(flat[k])) for k in order if flat[k] > 0]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "worst_hours": [
                {"weekday": d, "hour": h, "missed": m} for d, h, m in self.worst_hours()
            ],
            "incidents": self.total,
            "served": self.served,
            "missed_busy": self.missed_busy,
            "missed_off_hours": self.missed_off_hours,
            "on_site_rate": self.on_site_rate,
            "p_no_support_ci95": [float(x) for x in self.ci95],
            "utilisation": self.utilisation,
            "overtime_minutes": self.overtime_minutes,
            "synthetic": self.synthetic,
        }


def _replay_cycle(
    times: np.ndarray,
    durations: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    workers: Sequence[str],
) -> tuple[np.ndarray, float, float]:
    """One pass: outcome per incident, occupied on-duty ns and overtime ns."""
    outcomes = np.empty(len(times), dtype=np.int8)
    active: list[tuple[int, int]] = []  # (end, interval index), a min-heap on end
    busy_until: dict[str, int] = {}
    p, n = 0, len(starts)
    occupied = overtime = 0.0
    for k in range(len(times)):
        t = int(times[k])
        while p < n and starts[p] <= t:
            heapq.heappush(active, (int(ends[p]), p))
            p += 1
        while active and active[0][0] <= t:
            heapq.heappop(active)
        if not active:
            outcomes[k] = MISSED_OFF
            continue
        # Of the free workers, send the one whose shift ends last: least overtime.
        chosen = -1
        chosen_end = -1
        for end, i in active:
            if busy_until.get(workers[i], -1) <= t and end > chosen_end:
                chosen, chosen_end = i, end
        if chosen < 0:
            outcomes[k] = MISSED_BUSY
            continue
        finish = t + int(durations[k])
        busy_until[workers[chosen]] = finish
        occupied += min(finish, chosen_end) - t
        overtime += max(0, finish - chosen_end)
        outcomes[k] = SERVED
    return outcomes, occupied, overtime


def _batch_ci(missed: np.ndarray, batches: int = 20) -> tuple[float, float]:
    """95 % interval of the missed share by batch means over time-ordered incidents."""
    n = len(missed)
    if n == 0:
        return (0.0, 0.0)
    if n < 2 * batches:
        p = float(missed.mean())
        half = 1.96 * math.sqrt(max(p * (1 - p), 1e-12) / n)
        return (max(0.0, p - half), min(1.0, p + half))
    means = np.array([b.mean() for b in np.array_split(missed, batches)])
    half = 2.093 * means.std(ddof=1) / math.sqrt(batches)  # t(0.975, 19)
    p = float(missed.mean())
    return (max(0.0, p - float(half)), min(1.0, p + float(half)))


def replay(
    incidents: pd.DataFrame,
    intervals: Sequence[Interval],
    occupied: OccupiedTime | None = None,
    seed: int = 0,
    tz: str = "America/Toronto",
    window: HorizonWindow | None = None,
    eligible_only: bool = False,
) -> ReplayResult:
    """Replay incidents through on-duty intervals; who got a worker on site?

    Incidents outside the roster horizon are folded onto it by wall-clock time
    and each pass over the horizon is replayed on its own (workers start free).
    Staffed minutes count over the days each pass covers, so utilisation is
    not diluted by days without data.
    """
    model: OccupiedTime = occupied or ResponseTime()
    window = window or horizon_of(intervals, tz)
    chosen = select_eligible(incidents, eligible_only)
    folded = fold_onto(chosen, window).sort_values(["cycle", "at"], kind="stable")
    rng = np.random.default_rng(seed)
    minutes = model.sample(rng, len(folded))
    starts, ends, workers = interval_arrays(intervals)
    at_ns = to_ns(folded["at"])
    cycles = folded["cycle"].to_numpy()
    outcomes = np.empty(len(folded), dtype=np.int8)
    occupied_ns = overtime_ns = on_duty_ns = 0.0
    day_ns = 86_400 * 1_000_000_000
    for cycle in np.unique(cycles):
        idx = np.flatnonzero(cycles == cycle)
        times = at_ns[idx]
        out, occ, over = _replay_cycle(times, minutes[idx] * NS_PER_MINUTE, starts, ends, workers)
        outcomes[idx] = out
        occupied_ns += occ
        overtime_ns += over
        # Staffed time over the whole local days this pass has data for.
        first_day = pd.Timestamp(int(times.min()), tz="UTC").tz_convert(window.zone).normalize()
        last_day = pd.Timestamp(int(times.max()), tz="UTC").tz_convert(window.zone).normalize()
        lo = int(first_day.tz_convert("UTC").value)
        hi = int(last_day.tz_convert("UTC").value) + day_ns
        on_duty_ns += float(np.clip(np.minimum(ends, hi) - np.maximum(starts, lo), 0, None).sum())
    labels = np.array(["served", "busy", "off_hours"])
    result = folded.copy()
    result["occupied_minutes"] = minutes
    result["outcome"] = labels[outcomes]
    missed = (outcomes != SERVED).astype(float)
    order = np.argsort(at_ns + cycles * (window.days * day_ns), kind="stable")
    return ReplayResult(
        incidents=result.reset_index(drop=True),
        served=int((outcomes == SERVED).sum()),
        missed_busy=int((outcomes == MISSED_BUSY).sum()),
        missed_off_hours=int((outcomes == MISSED_OFF).sum()),
        on_duty_minutes=on_duty_ns / NS_PER_MINUTE,
        occupied_on_duty_minutes=occupied_ns / NS_PER_MINUTE,
        overtime_minutes=overtime_ns / NS_PER_MINUTE,
        ci95=_batch_ci(missed[order]),
        synthetic=bool(incidents.attrs.get("synthetic", False)),
    )
