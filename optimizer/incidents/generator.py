"""A seeded synthetic generator of Windsor IPV incidents (always labelled synthetic).

Arrivals are a non-homogeneous Poisson process with an hourly intensity

    rate(day, hour) = base_rate · trend · month · weekday · hour-share · weekend-night · holiday

Every factor is a field of :class:`GeneratorParams` whose default is the
figure documented in the project's Windsor facts (WPS, CBC, New Orleans and
Milwaukee call data). Month multipliers are normalised to average 1, and the
weekday × weekend-night factors are normalised to average 1 over a week, so
``base_rate`` stays the mean number of incidents per ordinary day.

The weekend-night interaction is applied on top of the weekday multipliers,
not folded into them: that is what puts the weekend share near a third, as
the studies report (32–36 %); folding it in would leave it at 31.7 %.

Counts are drawn per real (UTC) hour, so the autumn DST day has 25 hours of
arrivals and the spring one 23, as a real dispatch log does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import numpy as np
import pandas as pd

#: Marker put on every generated frame (``frame.attrs``) and file header.
SYNTHETIC_LABEL = "SYNTHETIC — generated Windsor IPV incidents, not real data"

#: % of a day's incidents by local hour (smoothed Milwaukee 2018, tilted to Windsor's 50 %).
HOUR_SHARE_PCT: tuple[float, ...] = (
    5.3, 4.9, 3.2, 2.5, 1.9, 1.6, 1.4, 2.0, 2.0, 2.6, 3.0, 3.4,
    3.5, 3.4, 3.4, 4.6, 4.9, 5.3, 6.2, 6.6, 7.7, 7.6, 7.2, 5.9,
)  # fmt: skip

#: Day-of-week multipliers Mon…Sun (New Orleans DV calls 2015–2019).
WEEKDAY_MULTIPLIERS: tuple[float, ...] = (1.01, 0.96, 0.95, 0.91, 0.95, 1.07, 1.15)

#: Month multipliers Jan…Dec (New Orleans DV calls).
MONTH_MULTIPLIERS: tuple[float, ...] = (
    0.91, 0.97, 0.98, 1.07, 1.08, 1.06, 1.03, 0.99, 1.02, 0.97, 0.97, 0.96,
)  # fmt: skip

#: Ontario analogues of the New Orleans holiday effects (an assumption by analogy).
HOLIDAY_MULTIPLIERS: Mapping[str, float] = {
    "new_years_day": 1.5,
    "christmas_day": 1.3,
    "christmas_eve": 1.2,
    "canada_day": 1.2,
    "victoria_day": 1.2,
    "civic_holiday": 1.2,
    "labour_day": 1.2,
    "thanksgiving": 1.1,
}

#: (weekday 0=Mon…6=Sun, first hour, last hour inclusive, multiplier) — Milwaukee 2018.
WEEKEND_NIGHT: tuple[tuple[int, int, int, float], ...] = (
    (5, 3, 5, 2.0),  # Saturday 03:00–05:59 about twice the weekday level
    (6, 3, 5, 2.0),  # Sunday 03:00–05:59
    (5, 11, 13, 1.5),  # Saturday midday
    (6, 18, 20, 1.3),  # Sunday evening
)


@dataclass(frozen=True)
class GeneratorParams:
    """Every figure of the synthetic generator, with the documented defaults.

    Attributes:
        base_rate: incidents on an ordinary day at ``reference_date``
            (2,573 January–August 2024 ≈ 10.5 a day).
        yearly_trend: growth per year (+7.1 % 2024 on 2023), compounded daily.
        reference_date: the date at which ``base_rate`` holds.
        month: multipliers Jan…Dec (normalised to mean 1).
        weekday: multipliers Mon…Sun.
        hour_share: share of a day's incidents by hour 0…23 (normalised to 1).
        weekend_night: (weekday, first hour, last hour, multiplier) interactions.
        holidays: multipliers of special days, by key (see :func:`special_days`).
        eligible_fraction: share of incidents eligible for a visit (52 % led to charges).
        category: the category written on every generated incident.
    """

    base_rate: float = 10.5
    yearly_trend: float = 0.071
    reference_date: dt.date = dt.date(2024, 5, 1)
    month: tuple[float, ...] = MONTH_MULTIPLIERS
    weekday: tuple[float, ...] = WEEKDAY_MULTIPLIERS
    hour_share: tuple[float, ...] = HOUR_SHARE_PCT
    weekend_night: tuple[tuple[int, int, int, float], ...] = WEEKEND_NIGHT
    holidays: Mapping[str, float] = field(default_factory=lambda: dict(HOLIDAY_MULTIPLIERS))
    eligible_fraction: float = 0.52
    category: str = "IPV (synthetic)"

    def __post_init__(self) -> None:
        if self.base_rate < 0:
            raise ValueError(f"base_rate must be ≥ 0, got {self.base_rate}")
        if len(self.month) != 12 or len(self.weekday) != 7 or len(self.hour_share) != 24:
            raise ValueError("month needs 12 values, weekday 7 and hour_share 24")
        if not 0 <= self.eligible_fraction <= 1:
            raise ValueError(f"eligible_fraction must be in [0, 1], got {self.eligible_fraction}")
        if min(self.month + self.weekday + self.hour_share) < 0:
            raise ValueError("multipliers and shares must be ≥ 0")

    def week_profile(self) -> np.ndarray:
        """7×24 relative intensity: weekday × hour share × weekend-night, mean day = 1."""
        hours = np.asarray(self.hour_share, dtype=float)
        hours = hours / hours.sum()
        grid = np.outer(np.asarray(self.weekday, dtype=float), hours)
        for day, first, last, mult in self.weekend_night:
            grid[day, first : last + 1] *= mult
        return grid / grid.sum() * 7

    def month_factors(self) -> np.ndarray:
        """Month multipliers normalised to mean 1."""
        m = np.asarray(self.month, dtype=float)
        return m / m.mean()


@lru_cache(maxsize=32)
def special_days(years: tuple[int, ...]) -> dict[dt.date, str]:
    """Ontario days with a holiday effect, by date → key of :data:`HOLIDAY_MULTIPLIERS`.

    Statutory dates come from the ``holidays`` package; Christmas Eve and the
    Civic Holiday (first Monday of August) are not statutory and are added here.
    """
    by_name = {
        "new year's day": "new_years_day",
        "christmas day": "christmas_day",
        "canada day": "canada_day",
        "victoria day": "victoria_day",
        "labour day": "labour_day",
        "labor day": "labour_day",
        "thanksgiving day": "thanksgiving",
        "thanksgiving": "thanksgiving",
    }
    out: dict[dt.date, str] = {}
    for day, name in holidays_lib.country_holidays("CA", subdiv="ON", years=years).items():
        key = by_name.get(str(name).lower())
        if key:
            out[day] = key
    for year in years:
        out[dt.date(year, 12, 24)] = "christmas_eve"
        aug1 = dt.date(year, 8, 1)
        out[aug1 + dt.timedelta(days=(7 - aug1.weekday()) % 7)] = "civic_holiday"
    return out


def hourly_intensity(
    start: dt.date,
    days: int,
    params: GeneratorParams | None = None,
    tz: str = "America/Toronto",
) -> pd.DataFrame:
    """Expected arrivals in every real hour of ``days`` local days from ``start``.

    Returns a frame with ``hour_start`` (aware, in ``tz``) and ``rate`` (expected
    incidents in that hour). The generator draws Poisson counts from it; tests
    and analytics use it as the known truth.
    """
    p = params or GeneratorParams()
    zone = ZoneInfo(tz)
    first = pd.Timestamp(dt.datetime.combine(start, dt.time(), tzinfo=zone))
    last = pd.Timestamp(
        dt.datetime.combine(start + dt.timedelta(days=days), dt.time(), tzinfo=zone)
    )
    hours_utc = pd.date_range(
        first.tz_convert("UTC"), last.tz_convert("UTC"), freq="h", inclusive="left"
    )
    local = hours_utc.tz_convert(zone)
    weekday = np.asarray(local.day_of_week)
    hour = np.asarray(local.hour)
    month = np.asarray(local.month) - 1
    dates = local.date
    rate = p.base_rate * p.week_profile()[weekday, hour] * p.month_factors()[month]
    ref = pd.Timestamp(p.reference_date).tz_localize(zone)
    years = np.asarray((local - ref) / pd.Timedelta(days=365.25), dtype=float)
    rate = rate * (1 + p.yearly_trend) ** years
    special = special_days(tuple(range(start.year, (start + dt.timedelta(days=days)).year + 1)))
    holiday = np.array([p.holidays.get(special.get(d, ""), 1.0) for d in dates], dtype=float)
    rate = rate * holiday
    return pd.DataFrame({"hour_start": local, "rate": rate})


def generate_incidents(
    start: dt.date,
    days: int,
    seed: int = 0,
    params: GeneratorParams | None = None,
    tz: str = "America/Toronto",
) -> pd.DataFrame:
    """Synthetic incidents over ``days`` local days from ``start``, reproducible by ``seed``.

    Returns the importer's frame shape: ``timestamp`` (aware, in ``tz``),
    ``category`` and ``eligible`` (boolean), sorted by time, with
    ``frame.attrs["synthetic"] = True`` and a ``label``.
    """
    if days < 1:
        raise ValueError(f"days must be ≥ 1, got {days}")
    p = params or GeneratorParams()
    rng = np.random.default_rng(seed)
    grid = hourly_intensity(start, days, p, tz)
    counts = rng.poisson(grid["rate"].to_numpy())
    starts_ns = grid["hour_start"].dt.tz_convert("UTC").dt.as_unit("ns").astype("int64").to_numpy()
    base = np.repeat(starts_ns, counts)
    # Whole seconds, as a dispatch log records them.
    offsets = rng.integers(0, 3600, size=base.size) * 1_000_000_000
    stamps = np.sort(base + offsets)
    timestamp = pd.to_datetime(stamps, unit="ns", utc=True).tz_convert(tz)
    eligible = rng.random(stamps.size) < p.eligible_fraction
    frame = pd.DataFrame(
        {
            "timestamp": timestamp,
            "category": pd.Series([p.category] * stamps.size, dtype="string"),
            "eligible": pd.array(eligible, dtype="boolean"),
        }
    )
    frame.attrs["synthetic"] = True
    frame.attrs["label"] = SYNTHETIC_LABEL
    frame.attrs["seed"] = seed
    return frame
