"""Synthetic Windsor generator: calibration targets on generated years."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.incidents import (
    SYNTHETIC_LABEL,
    GeneratorParams,
    generate_incidents,
    hourly_intensity,
    import_incidents,
)
from optimizer.incidents.generator import special_days

BUNDLED = Path(__file__).parents[2] / "scenarios" / "data" / "windsor-synthetic-incidents.csv"


@pytest.fixture(scope="module")
def year() -> pd.DataFrame:
    """One generated year at the documented defaults."""
    return generate_incidents(dt.date(2025, 1, 1), 365, seed=11)


@pytest.fixture(scope="module")
def big_year() -> pd.DataFrame:
    """A year at 20× the rate: the same shape, tight sampling error for share targets."""
    return generate_incidents(
        dt.date(2025, 1, 1), 365, seed=5, params=GeneratorParams(base_rate=210)
    )


def test_volume_labels_and_columns(year: pd.DataFrame) -> None:
    assert list(year.columns) == ["timestamp", "category", "eligible"]
    assert year.attrs["synthetic"] is True and year.attrs["label"] == SYNTHETIC_LABEL
    assert str(year["timestamp"].dt.tz) == "America/Toronto"
    assert year["timestamp"].is_monotonic_increasing
    # 10.5 a day at 1 May 2024, grown by 7.1 % a year to mid-2025 (1.17 years later).
    assert len(year) / 365 == pytest.approx(10.5 * 1.071**1.17, rel=0.04)
    assert year["eligible"].astype(bool).mean() == pytest.approx(0.52, abs=0.03)


def test_hour_of_day_targets(big_year: pd.DataFrame) -> None:
    hours = big_year["timestamp"].dt.hour
    assert ((hours >= 15) & (hours < 23)).mean() == pytest.approx(0.50, abs=0.015)
    # NCVS says 59.2 %; the documented hour profile plus weekend nights gives 61 %.
    assert ((hours >= 18) | (hours < 6)).mean() == pytest.approx(0.592, abs=0.025)


def test_weekend_share(year: pd.DataFrame, big_year: pd.DataFrame) -> None:
    for frame in (year, big_year):
        share = (frame["timestamp"].dt.day_of_week >= 5).mean()
        assert 0.32 <= share <= 0.36


def test_new_years_day_is_one_and_a_half_typical_days(big_year: pd.DataFrame) -> None:
    days = big_year["timestamp"].dt.date.value_counts()
    # 1 Jan 2025 is a Wednesday: compare with the other January Wednesdays.
    others = [dt.date(2025, 1, d) for d in (8, 15, 22, 29)]
    ratio = days[dt.date(2025, 1, 1)] / np.mean([days[d] for d in others])
    assert ratio == pytest.approx(1.5, abs=0.1)


def test_daily_counts_are_close_to_poisson(year: pd.DataFrame) -> None:
    expected = hourly_intensity(dt.date(2025, 1, 1), 365)
    per_day = expected.groupby(expected["hour_start"].dt.date)["rate"].sum()
    counts = year["timestamp"].dt.date.value_counts().reindex(per_day.index, fill_value=0)
    dispersion = ((counts - per_day) ** 2 / per_day).mean()
    assert dispersion == pytest.approx(1.0, abs=0.2)


def test_seeded_and_reproducible() -> None:
    a = generate_incidents(dt.date(2025, 6, 1), 14, seed=3)
    b = generate_incidents(dt.date(2025, 6, 1), 14, seed=3)
    c = generate_incidents(dt.date(2025, 6, 1), 14, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["timestamp"].equals(c["timestamp"])


def test_dst_days_have_their_real_number_of_hours() -> None:
    grid = hourly_intensity(dt.date(2025, 11, 1), 3)
    per_day = grid.groupby(grid["hour_start"].dt.date).size()
    assert per_day[dt.date(2025, 11, 2)] == 25
    spring = hourly_intensity(dt.date(2025, 3, 9), 1)
    assert len(spring) == 23


def test_ontario_special_days() -> None:
    days = special_days((2025,))
    assert days[dt.date(2025, 1, 1)] == "new_years_day"
    assert days[dt.date(2025, 8, 4)] == "civic_holiday"
    assert days[dt.date(2025, 10, 13)] == "thanksgiving"
    assert days[dt.date(2025, 12, 24)] == "christmas_eve"
    assert days[dt.date(2025, 9, 1)] == "labour_day"


def test_every_figure_is_a_parameter() -> None:
    flat = GeneratorParams(
        base_rate=24,
        yearly_trend=0,
        month=(1,) * 12,
        weekday=(1,) * 7,
        hour_share=(1,) * 24,
        weekend_night=(),
        holidays={},
    )
    grid = hourly_intensity(dt.date(2025, 1, 1), 30, flat)
    assert np.allclose(grid["rate"], 1.0)
    with pytest.raises(ValueError, match="eligible_fraction"):
        GeneratorParams(eligible_fraction=1.5)


def test_bundled_demo_file_is_the_labelled_seeded_year() -> None:
    text = BUNDLED.read_text().splitlines()
    assert SYNTHETIC_LABEL in text[0]
    bundled = import_incidents(BUNDLED, now=dt.datetime(2026, 11, 25, tzinfo=dt.UTC)).frame
    again = generate_incidents(dt.date(2025, 1, 1), 365, seed=2025)
    assert len(bundled) == len(again)
    assert bundled["timestamp"].equals(again["timestamp"])
