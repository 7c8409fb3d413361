"""Replay: hand-checked cases and agreement with Erlang B."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from optimizer.incidents import (
    ExponentialTime,
    FixedTime,
    GeneratorParams,
    HorizonWindow,
    LognormalTime,
    ResponseTime,
    demand_profile,
    erlang_b,
    erlang_report,
    generate_incidents,
    pattern_intervals,
    replay,
)
from optimizer.io import load_scenario

TZ = ZoneInfo("America/Toronto")
PILOT = Path(__file__).parents[2] / "scenarios" / "windsor-pilot.yaml"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 6, day, hour, minute, tzinfo=TZ)


def frame(*moments: dt.datetime) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "timestamp": pd.DatetimeIndex(list(moments)).tz_convert("America/Toronto"),
            "category": "IPV",
            "eligible": pd.array([True] * len(moments), dtype="boolean"),
        }
    )


WINDOW = HorizonWindow(dt.date(2025, 6, 2), 7, "America/Toronto")


def test_busy_off_hours_and_overtime_by_hand() -> None:
    intervals = [(at(2, 15), at(2, 23), "w1")]
    incidents = frame(at(2, 14), at(2, 16), at(2, 16, 10), at(2, 17), at(2, 22, 50))
    result = replay(incidents, intervals, FixedTime(30), window=WINDOW)
    assert result.incidents["outcome"].tolist() == [
        "off_hours",
        "served",
        "busy",
        "served",
        "served",
    ]
    assert (result.served, result.missed_busy, result.missed_off_hours) == (3, 1, 1)
    assert result.overtime_minutes == pytest.approx(20)
    # 30 + 30 + 10 minutes inside the 8-hour shift.
    assert result.utilisation == pytest.approx(70 / 480)


def test_a_free_colleague_takes_the_call_and_latest_shift_end_is_sent() -> None:
    intervals = [(at(2, 15), at(2, 23), "a"), (at(2, 19), at(3, 3), "b")]
    incidents = frame(at(2, 20), at(2, 20, 5), at(2, 20, 10))
    result = replay(incidents, intervals, FixedTime(60), window=WINDOW)
    assert result.incidents["outcome"].tolist() == ["served", "served", "busy"]
    assert result.overtime_minutes == 0


def test_each_pass_over_the_horizon_is_replayed_on_its_own() -> None:
    intervals = [(at(2, 15), at(2, 23), "w1")]
    # The same Monday slot three weeks in a row: folded onto one week, each is served.
    incidents = frame(at(2, 16), at(9, 16, 1), at(16, 16, 2))
    result = replay(incidents, intervals, FixedTime(120), window=WINDOW)
    assert result.served == 3
    assert sorted(result.incidents["cycle"]) == [0, 1, 2]


def test_occupied_time_models() -> None:
    rng = np.random.default_rng(0)
    ln = LognormalTime(60, 40, 95, cap=240)
    draws = ln.sample(rng, 200_000)
    assert np.median(draws) == pytest.approx(60, rel=0.02)
    assert np.percentile(draws, 25) == pytest.approx(40, rel=0.03)
    assert np.percentile(draws, 75) == pytest.approx(95, rel=0.03)
    assert draws.max() <= 240
    assert draws.mean() == pytest.approx(ln.mean_minutes, rel=0.01)
    default = ResponseTime()
    assert default.sample(rng, 200_000).mean() == pytest.approx(default.mean_minutes, rel=0.01)
    assert default.with_mean(90).mean_minutes == pytest.approx(90)
    assert ExponentialTime(45).sample(rng, 200_000).mean() == pytest.approx(45, rel=0.02)


@pytest.mark.parametrize(("workers", "mean"), [(1, 45), (2, 90), (3, 120)])
def test_replay_agrees_with_erlang_b_on_stationary_arrivals(workers: int, mean: float) -> None:
    flat = GeneratorParams(
        base_rate=36,
        yearly_trend=0,
        month=(1,) * 12,
        weekday=(1,) * 7,
        hour_share=(1,) * 24,
        weekend_night=(),
        holidays={},
    )
    days = 364
    incidents = generate_incidents(dt.date(2025, 1, 6), days, seed=workers, params=flat)
    window = HorizonWindow(dt.date(2025, 1, 6), days, "America/Toronto")
    lo, hi = window.bounds()
    intervals = [(lo.to_pydatetime(), hi.to_pydatetime(), f"w{i}") for i in range(workers)]
    result = replay(incidents, intervals, ExponentialTime(mean), seed=7, window=window)
    expected = float(erlang_b(1.5 * mean / 60, workers))
    lo_ci, hi_ci = result.ci95
    assert lo_ci <= expected <= hi_ci
    assert result.missed_off_hours == 0
    # Utilisation of a loss system: carried load / servers.
    assert result.utilisation == pytest.approx(1.5 * mean / 60 * (1 - expected) / workers, rel=0.05)


def test_replay_and_erlang_agree_on_the_pilot_roster() -> None:
    scenario = load_scenario(PILOT)
    intervals = pattern_intervals(scenario)
    window = HorizonWindow(scenario.horizon.start, scenario.horizon.days, scenario.timezone)
    incidents = generate_incidents(
        window.start, window.days, seed=1, params=GeneratorParams(base_rate=6)
    )
    occupied = ResponseTime()
    replays = [replay(incidents, intervals, occupied, seed=s, window=window) for s in range(3)]
    on_site = np.mean([r.on_site_rate for r in replays])
    rates = demand_profile(incidents).rates_168()
    model = erlang_report(rates, intervals, occupied.mean_minutes, window)
    assert on_site == pytest.approx(model.on_site_rate, abs=0.03)


def test_worst_hours_name_when_victims_go_without() -> None:
    intervals = [(at(2, 15), at(2, 23), "w1")]
    incidents = frame(at(2, 14), at(2, 14, 30), at(2, 16), at(2, 16, 10), at(3, 9))
    result = replay(incidents, intervals, FixedTime(30), window=WINDOW)
    assert result.worst_hours(3) == [("Mon", 14, 2), ("Mon", 16, 1), ("Tue", 9, 1)]
    grid = result.missed_by_hour_of_week()
    assert grid.shape == (7, 24) and int(grid.to_numpy().sum()) == 4
    assert result.by_hour().loc[16, "missed_busy"] == 1
