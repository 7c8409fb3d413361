"""Shift window advisor and the CP-SAT shift-start model."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from optimizer.errors import InputError
from optimizer.incidents import (
    advise_shifts_cpsat,
    advise_window,
    demand_profile,
    erlang_b,
    generate_incidents,
)


def test_window_counts_match_brute_force() -> None:
    incidents = generate_incidents(dt.date(2025, 1, 6), 56, seed=4)
    advice = advise_window(incidents, hours=8, step_minutes=60)
    local = incidents["timestamp"]
    minute = local.dt.day_of_week * 1440 + local.dt.hour * 60 + local.dt.minute
    for start in (0, 15 * 60, 20 * 60):
        for day in (2, 6):  # Wednesday, and Sunday (wraps into Monday)
            lo = day * 1440 + start
            inside = ((minute - lo) % (7 * 1440)) < 8 * 60
            assert advice.table.iloc[start // 60, day] == inside.sum()
    best = advice.table["all"].idxmax()
    assert advice.best_start.strftime("%H:%M") == best
    assert advice.best_share == pytest.approx(advice.table["all"].max() / len(incidents))
    # Windsor: half of incidents fall in 15:00–23:00; the best 8 h window is near it.
    assert 14 <= advice.best_start.hour <= 17
    assert advice.best_share >= 0.48


def test_window_rejects_bad_budgets() -> None:
    incidents = generate_incidents(dt.date(2025, 1, 6), 7, seed=4)
    with pytest.raises(InputError, match="between 0 and 24"):
        advise_window(incidents, hours=30)
    with pytest.raises(InputError, match="step"):
        advise_window(incidents, step_minutes=7)


def test_cpsat_covers_a_single_evening_peak_with_the_fewest_hours() -> None:
    rates = np.zeros(168)
    rates[18:22] = 1.0  # Monday 18:00–21:59, one arrival an hour
    plan = advise_shifts_cpsat(rates, 60, target_on_site=0.8, shift_hours=(4, 8))
    assert plan.status == "optimal"
    # B(1, 2) = 0.2: two workers needed for four hours.
    assert plan.staff_hours_per_week == 8
    assert plan.shifts.to_dict(orient="records") == [
        {"weekday": "Mon", "start": "18:00", "hours": 4, "headcount": 2}
    ]
    assert (plan.by_hour["servers"] >= plan.by_hour["needed"]).all()


def test_cpsat_meets_targets_on_windsor_demand() -> None:
    incidents = generate_incidents(dt.date(2025, 1, 6), 364, seed=8)
    rates = demand_profile(incidents).rates_168()
    plan = advise_shifts_cpsat(rates, 90, target_on_site=0.7, min_rate=0.4)
    assert plan.status in ("optimal", "feasible")
    busy = plan.by_hour[plan.by_hour["arrivals_per_hour"] > 0.4]
    assert (busy["on_site_rate"] >= 0.7 - 1e-9).all()
    on_site = 1 - np.asarray(erlang_b(rates * 1.5, plan.by_hour["servers"].to_numpy()))
    assert plan.on_site_rate == pytest.approx(float((rates * on_site).sum() / rates.sum()))
    assert plan.staff_hours_per_week == int((plan.shifts["hours"] * plan.shifts["headcount"]).sum())
    overall = advise_shifts_cpsat(rates, 90, target_on_site=0, overall_target=0.6)
    assert overall.on_site_rate >= 0.6 - 1e-3
    assert isinstance(overall.shifts, pd.DataFrame)
