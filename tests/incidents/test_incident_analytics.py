"""Demand profile, folding and coverage against independent computations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.incidents import (
    HorizonWindow,
    coverage_report,
    demand_profile,
    fold_onto,
    generate_incidents,
    headcount_at,
    horizon_of,
    import_incidents,
    pattern_intervals,
)
from optimizer.io import load_scenario

ROOT = Path(__file__).parents[2]
PILOT = ROOT / "scenarios" / "windsor-pilot.yaml"
MILWAUKEE = ROOT / ".." / "shared" / "data" / "incidents" / "milwaukee_domestic.csv"
NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def pilot_intervals() -> tuple[object, list]:
    scenario = load_scenario(PILOT)
    return scenario, pattern_intervals(scenario)


def test_demand_profile_counts_and_rates() -> None:
    incidents = generate_incidents(dt.date(2025, 3, 3), 28, seed=2)
    profile = demand_profile(incidents)
    assert profile.counts.shape == (7, 24)
    assert int(profile.counts.to_numpy().sum()) == len(incidents)
    local = incidents["timestamp"]
    mask = (local.dt.day_of_week == 4) & (local.dt.hour == 20)
    assert profile.counts.loc["Fri", 20] == mask.sum()
    # Four of every weekday in 28 days from a Monday.
    assert profile.rates.loc["Fri", 20] == pytest.approx(mask.sum() / 4)
    assert profile.rates_168()[4 * 24 + 20] == profile.rates.loc["Fri", 20]
    assert profile.by_month["incidents"].sum() == len(incidents)
    assert profile.by_month["days"].tolist() == [28]


def test_pattern_intervals_follow_the_coverage_lines(pilot_intervals: tuple) -> None:
    scenario, intervals = pilot_intervals
    # Wed–Sun for 13 weeks, two people each.
    assert len(intervals) == 13 * 5 * 2
    window = horizon_of(intervals, scenario.timezone)
    assert window.start == dt.date(2024, 9, 25) and window.days == 91


def test_coverage_matches_an_independent_clock_check(pilot_intervals: tuple) -> None:
    scenario, intervals = pilot_intervals
    incidents = generate_incidents(scenario.horizon.start, scenario.horizon.days, seed=9)
    report = coverage_report(incidents, intervals, scenario.timezone)
    local = incidents["timestamp"].dt.tz_convert("America/Toronto")
    independent = (local.dt.day_of_week.isin([2, 3, 4, 5, 6])) & (local.dt.hour.between(15, 22))
    assert report.covered == int(independent.sum())
    assert report.incidents == len(incidents)
    assert report.share == pytest.approx(independent.mean())
    # About 36 % of incidents fall in a Wed–Sun 15:00–23:00 window (facts).
    assert report.share == pytest.approx(0.36, abs=0.04)
    assert report.by_weekday.loc["Mon", "covered"] == 0
    assert report.by_hour.loc[15:22, "covered"].sum() == report.covered
    assert len(report.shifts) == 13 * 5
    assert report.shifts["incidents"].sum() == report.covered
    assert report.shifts["workers"].eq(2).all()


def test_dst_day_shift_is_measured_in_real_time(pilot_intervals: tuple) -> None:
    _, intervals = pilot_intervals
    sunday = [i for i in intervals if i[0].date() == dt.date(2024, 11, 3)]
    assert sunday and sunday[0][0].utcoffset() == dt.timedelta(hours=-5)
    moments = pd.DatetimeIndex(
        ["2024-11-03T15:30:00-05:00", "2024-11-03T14:59:00-05:00", "2024-11-03T22:59:00-05:00"]
    )
    counts = headcount_at(moments.tz_convert("UTC").as_unit("ns").asi8, intervals)
    assert counts.tolist() == [2, 0, 2]


@pytest.mark.skipif(not MILWAUKEE.exists(), reason="shared data not present")
def test_milwaukee_folds_onto_the_pilot_by_wall_clock(pilot_intervals: tuple) -> None:
    scenario, intervals = pilot_intervals
    incidents = import_incidents(MILWAUKEE, tz="America/Chicago", now=NOW).frame
    window = horizon_of(intervals, scenario.timezone)
    folded = fold_onto(incidents, window)
    original = incidents["timestamp"]
    assert (folded["at"].dt.day_of_week == original.dt.day_of_week).all()
    assert (folded["at"].dt.hour == original.dt.hour).all()
    assert (folded["at"].dt.minute == original.dt.minute).all()
    assert folded["at"].dt.date.between(dt.date(2024, 9, 25), dt.date(2024, 12, 24)).all()
    report = coverage_report(incidents, intervals, scenario.timezone)
    # About 32 % in the raw Milwaukee sample (facts).
    assert report.share == pytest.approx(0.32, abs=0.02)
    wall = original.dt.tz_localize(None)
    independent = wall.dt.day_of_week.isin([2, 3, 4, 5, 6]) & wall.dt.hour.between(15, 22)
    assert report.covered == int(independent.sum())
    assert list(report.by_month.index.astype(str)) == ["2018-05"]


def test_eligible_only_keeps_marked_and_unknown() -> None:
    incidents = generate_incidents(dt.date(2025, 6, 2), 14, seed=1)
    window = HorizonWindow(dt.date(2025, 6, 2), 14, "America/Toronto")
    lo, hi = window.bounds()
    intervals = [(lo.to_pydatetime(), hi.to_pydatetime(), "w")]
    report = coverage_report(incidents, intervals, window=window, eligible_only=True)
    assert report.incidents == int(incidents["eligible"].astype(bool).sum())
    assert report.share == 1.0


def test_fold_keeps_cycles_apart() -> None:
    window = HorizonWindow(dt.date(2025, 6, 2), 7, "America/Toronto")
    incidents = generate_incidents(dt.date(2025, 5, 19), 28, seed=3)
    folded = fold_onto(incidents, window)
    assert sorted(np.unique(folded["cycle"])) == [-2, -1, 0, 1]
    lo, hi = window.bounds()
    assert ((folded["at"] >= lo) & (folded["at"] < hi)).all()
