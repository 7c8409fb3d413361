"""Sweeps: reproducible across runs and pool sizes; failed points are reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from optimizer.errors import InputError
from optimizer.incidents import generate_incidents
from optimizer.whatif import load_grid, run_sweep
from optimizer.whatif.sweep import reproducible_view, write_sweep
from tests.engine.helpers import tiny

GRID = """\
hires: [{}, {A: 1}]
occupied_minutes: [45, 120]
coverage:
  evening: [{id: eve, start: "15:00", end: "23:00", required: 1, days: daily}]
  broken: [{id: eve, start: "15:00", end: "23:00", colour: red}]
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("grid")
    (folder / "grid.yaml").write_text(GRID)
    grid = load_grid(folder / "grid.yaml")
    scenario = tiny(
        workers=2,
        rules={"max_consecutive_days": {"value": 5}, "max_hours_per_week": {"value": 40}},
        coverage=[{"id": "eve", "start": "15:00", "end": "23:00", "required": 1, "days": "daily"}],
    )
    incidents = generate_incidents(dt.date(2024, 9, 23), 28, seed=3)
    return scenario, grid, incidents


def test_sweep_is_the_same_across_runs_and_pool_sizes(
    setup: tuple[object, object, pd.DataFrame], tmp_path: Path
) -> None:
    scenario, grid, incidents = setup
    seen: list[tuple[int, int]] = []
    one = run_sweep(scenario, grid, incidents, time_limit=10, jobs=1, seed=7,  # type: ignore[arg-type]
                    progress=lambda d, t: seen.append((d, t)))  # fmt: skip
    again = run_sweep(scenario, grid, incidents, time_limit=10, jobs=1, seed=7)  # type: ignore[arg-type]
    two = run_sweep(scenario, grid, incidents, time_limit=10, jobs=2, seed=7)  # type: ignore[arg-type]
    assert seen[0] == (0, 8) and seen[-1] == (8, 8)
    assert list(one.table["point"]) == list(range(8))
    pd.testing.assert_frame_equal(reproducible_view(one.table), reproducible_view(again.table))
    pd.testing.assert_frame_equal(reproducible_view(one.table), reproducible_view(two.table))
    ok = one.table[one.table["status"] != "error"]
    assert len(ok) == 4 and set(ok["status"]) == {"optimal"}
    # Longer responses leave more victims without support on the same roster.
    by = ok.set_index(["hires", "occupied_minutes"])["on_site_share"]
    assert by[("", 120.0)] < by[("", 45.0)]
    # The broken pattern fails its four points and names the field; the rest ran.
    failed = one.table[one.table["status"] == "error"]
    assert one.failed == 4 and set(failed["coverage"]) == {"broken"}
    assert failed["error"].str.contains("colour").all()
    paths = write_sweep(tmp_path, one)
    assert {p.name for p in paths} == {"sweep.csv", "sweep.json"}
    assert len(pd.read_csv(tmp_path / "sweep.csv")) == 8


def test_trend_points_generate_more_incidents(
    setup: tuple[object, object, pd.DataFrame], tmp_path: Path
) -> None:
    scenario, _, incidents = setup
    (tmp_path / "g.yaml").write_text("trend: [0.0, 0.5]\n")
    result = run_sweep(scenario, load_grid(tmp_path / "g.yaml"), incidents, time_limit=5, jobs=1)  # type: ignore[arg-type]
    per_week = list(result.table["incidents_per_week"])
    assert per_week[1] > 1.3 * per_week[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("headcount: [1]\n", "unknown key"),
        ("occupied_minutes: [-5]\n", "positive"),
        ("hires: [{A: x}]\n", "whole number"),
        ("required: 2\n", "list"),
        ("coverage: [1, 2]\n", "named patterns"),
    ],
)
def test_bad_grids(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "g.yaml").write_text(text)
    with pytest.raises(InputError, match=message):
        load_grid(tmp_path / "g.yaml")
