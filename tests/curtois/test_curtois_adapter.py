"""The adapter: an instance becomes an ordinary scenario that loads back unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from optimizer.curtois import HORIZON_START, Instance, to_scenario, write_scenario
from optimizer.io import load_scenario
from optimizer.scenario import Mode, Scenario
from optimizer.shifts import expand_shifts

from .conftest import INSTANCES, load


def _days_off(scenario: Scenario) -> dict[str, set[int]]:
    """Day numbers each worker has off, whether entries are dates or datetimes."""
    out: dict[str, set[int]] = {}
    for t in scenario.time_off:
        if isinstance(t.start, dt.datetime) and isinstance(t.end, dt.datetime):
            assert t.start.time() == t.end.time() == dt.time(0)  # whole days
            first, stop = t.start.date(), t.end.date()
        else:
            assert isinstance(t.start, dt.date) and isinstance(t.end, dt.date)
            first, stop = t.start, t.end + dt.timedelta(days=1)
        days = range((first - HORIZON_START).days, (stop - HORIZON_START).days)
        assert days, f"empty time off {t}"
        out.setdefault(t.worker, set()).update(days)
    return out


def assert_same_as_instance(scenario: Scenario, inst: Instance) -> None:
    """Every datum of the instance is in the scenario, in the engine's units."""
    assert scenario.timezone == "UTC"
    assert scenario.horizon.start == HORIZON_START
    assert scenario.horizon.start.weekday() == 0
    assert scenario.horizon.days == inst.days
    assert [w.id for w in scenario.workers] == [e.id for e in inst.employees]
    for w, e in zip(scenario.workers, inst.employees, strict=True):
        # The engine converts hours to whole minutes with round(h × 60).
        assert w.max_total_hours is not None and w.min_total_hours is not None
        assert round(w.max_total_hours * 60) == e.max_total_minutes
        assert round(w.min_total_hours * 60) == e.min_total_minutes
        assert w.max_shifts == dict(e.max_shifts)
        assert w.max_consecutive_days == e.max_consecutive_shifts
        assert w.min_consecutive_days == e.min_consecutive_shifts
        assert w.min_consecutive_days_off == e.min_consecutive_days_off
        assert w.max_weekends == e.max_weekends
        assert w.max_hours_per_week is None
    assert _days_off(scenario) == {e: set(d) for e, d in inst.days_off.items() if d}
    wants = sorted(
        (p.worker, p.date, p.coverage, p.weight) for p in scenario.preferences if p.kind == "want"
    )
    avoids = sorted(
        (p.worker, p.date, p.coverage, p.weight) for p in scenario.preferences if p.kind == "avoid"
    )
    assert wants == sorted(
        (r.employee, inst.date(r.day), r.shift, r.weight) for r in inst.on_requests
    )
    assert avoids == sorted(
        (r.employee, inst.date(r.day), r.shift, r.weight) for r in inst.off_requests
    )
    pairs = {(p.first, p.then) for p in scenario.rules.forbidden_successions.pairs}
    assert pairs == {(s.id, t) for s in inst.shifts for t in s.cannot_follow}

    # Shift expansion gives exactly the instance's (day, shift) cover lines.
    shifts = expand_shifts(scenario)
    length = {s.id: s.minutes for s in inst.shifts}
    got = {(s.day, s.coverage_id): s for s in shifts}
    assert len(got) == len(shifts) == len(inst.cover)
    for c in inst.cover:
        s = got[(c.day, c.shift)]
        assert s.id == f"{c.shift}@{inst.date(c.day).isoformat()}"
        assert (s.required, s.target) == (c.requirement, c.requirement)
        assert (s.under_weight, s.over_weight) == (c.weight_under, c.weight_over)
        assert s.max is None, "over-staffing is priced, never capped"
        assert s.minutes == length[c.shift]
        assert s.weekend == (c.day % 7 >= 5)


@pytest.mark.parametrize("n", INSTANCES)
def test_import_round_trips_through_files(n: int, tmp_path: Path) -> None:
    inst = load(n)
    path = write_scenario(inst, tmp_path)
    assert path == tmp_path / f"Instance{n}.yaml"
    assert {p.name for p in tmp_path.iterdir()} == {
        path.name,
        "workers.csv",
        "time_off.csv",
        "preferences.csv",
        "demand.csv",
    }
    scenario = load_scenario(path)
    assert_same_as_instance(scenario, inst)
    assert scenario == to_scenario(inst)


def test_rules_and_weights_make_the_objective_the_benchmark_cost() -> None:
    rules = to_scenario(load(2))
    r, w = rules.rules, rules.weights
    for off in (
        r.min_rest_hours,
        r.max_hours_per_week,
        r.min_hours_per_week,
        r.max_shifts_per_week,
        r.max_weekends,
    ):
        assert off.mode is Mode.OFF
    for hard in (
        r.max_consecutive_days,
        r.min_consecutive_days,
        r.min_consecutive_days_off,
        r.one_shift_per_day,
        r.forbidden_successions,
        r.total_hours,
        r.max_shifts_of_type,
        r.max_weekends_in_horizon,
    ):
        assert hard.mode is Mode.HARD
    assert r.max_consecutive_days.value is None  # each worker's own limit applies
    assert r.min_consecutive_days.boundary == r.min_consecutive_days_off.boundary == "exempt"
    assert (w.below_target, w.preferences, w.fairness_hours, w.fairness_unsocial) == (0, 1, 0, 0)
    assert w.agency_share == 0


def test_written_scenario_is_plain_editable_yaml(tmp_path: Path) -> None:
    path = write_scenario(load(2), tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "&id" not in text and "*id" not in text  # no YAML anchors for people to trip on
    assert "workers: workers.csv" in text
    header = (tmp_path / "workers.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header[0].startswith("id,name,agency,max_total_hours,min_total_hours,max_shifts")
    assert header[1] == 'A,Employee A,staff,72.0,56.0,"{""E"": 14, ""L"": 14}",5,2,2,1'


def test_worker_edit_in_csv_is_picked_up(tmp_path: Path) -> None:
    """The imported scenario is an ordinary one: editing a CSV cell changes the scenario."""
    path = write_scenario(load(2), tmp_path)
    workers = tmp_path / "workers.csv"
    workers.write_text(
        workers.read_text(encoding="utf-8").replace(
            'A,Employee A,staff,72.0,56.0,"{""E"": 14, ""L"": 14}"',
            'A,Employee A,staff,72.0,56.0,"{""E"": 14, ""L"": 0}"',
        ),
        encoding="utf-8",
    )
    assert load_scenario(path).worker("A").max_shifts == {"E": 14, "L": 0}
