"""Erlang B against published table values and the closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizer.incidents import erlang_b, erlang_by_hour, servers_needed


@pytest.mark.parametrize(
    ("load", "servers", "blocking"),
    [
        # Standard Erlang B traffic tables (offered Erlangs at a grade of service).
        (1.36, 5, 0.01),
        (4.46, 10, 0.01),
        (12.03, 20, 0.01),
        (21.93, 30, 0.02),
        (2.88, 5, 0.10),
        (1.0, 1, 0.5),
        (2.0, 2, 0.4),
    ],
)
def test_published_table_values(load: float, servers: int, blocking: float) -> None:
    assert erlang_b(load, servers) == pytest.approx(blocking, abs=6e-4)


def _closed_form(a: float, c: int) -> float:
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    return terms[-1] / sum(terms)


def test_matches_closed_form_on_a_grid() -> None:
    loads = np.linspace(0.1, 15, 30)
    for c in range(0, 21):
        got = erlang_b(loads, np.full_like(loads, c, dtype=int))
        assert np.allclose(got, [_closed_form(a, c) for a in loads], rtol=1e-10)


def test_edges_and_broadcasting() -> None:
    assert erlang_b(0.0, 0) == 1.0  # no one on duty: everyone is missed
    assert erlang_b(0.0, 3) == 0.0
    assert erlang_b(3.0, 0) == 1.0
    grid = erlang_b(np.array([[1.0], [2.0]]), np.array([1, 2, 3]))
    assert isinstance(grid, np.ndarray) and grid.shape == (2, 3)
    with pytest.raises(ValueError):
        erlang_b(-1.0, 2)


def test_servers_needed_is_the_smallest_meeting_the_target() -> None:
    assert servers_needed(0.0, 0.9) == 0
    c = servers_needed(4.46, 0.99)
    assert c == 10
    assert 1 - float(erlang_b(4.46, c - 1)) < 0.99


def test_by_hour_table() -> None:
    table = erlang_by_hour(np.full(168, 1.0), np.full(168, 2), 60)
    assert len(table) == 168
    assert table["p_no_support"].iloc[0] == pytest.approx(0.2)
    assert table["weekday"].iloc[24] == "Tue" and table["hour"].iloc[25] == 1
