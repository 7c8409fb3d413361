"""The scaling benchmark script: its synthetic programs and its verdict on the targets."""

from __future__ import annotations

import scaling

from optimizer.shifts import expand_shifts


def row(workers: int, weeks: int, **data: object) -> scaling.Row:
    return scaling.Row({"workers": workers, "weeks": weeks, **data})


def test_targets_are_judged_from_the_measurements() -> None:
    rows = [
        row(40, 13, first=0.8, objective=7400, bound=7350, gap=0.0068),
        row(80, 52, first=61.0, objective=None, gap=None),
    ]
    text = scaling.findings(rows, 60)
    assert "first roster under 5 s (0.80 s, met) and within 1 % of the bound (0.7 %, met)" in text
    assert "80 × 52 wk: first roster under 60 s (not met: 61.00 s)" in text
    assert "none for 80 × 52 wk" in text


def test_a_missing_bound_does_not_meet_the_gap_target() -> None:
    text = scaling.findings([row(40, 13, first=0.8, objective=7400, gap=None)], 60)
    assert "(no bound, not met)" in text
    assert "80 × 52" not in text  # a size that was not run is not judged


def test_the_trivial_zero_bound_is_named_as_such() -> None:
    text = scaling.findings([row(40, 13, first=0.8, objective=7400, bound=0, gap=1.0)], 60)
    assert "(no bound proven beyond the trivial 0, not met)" in text


def test_the_synthetic_program_is_a_valid_24_7_scenario() -> None:
    scenario = scaling.program(20, 4)
    shifts = expand_shifts(scenario)
    assert len(scenario.workers) == 20
    assert len(shifts) == 3 * 7 * 4
    assert {s.coverage_id for s in shifts} == {c.id for c in scenario.coverage}
    assert all(s.start.tzinfo is not None for s in shifts)
