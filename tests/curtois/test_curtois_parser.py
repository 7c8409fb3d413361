"""The instance and solution parsers: the benchmark's data, and clear errors on broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.curtois import parse_instance, parse_instance_text, parse_solutions_text
from optimizer.errors import InputError

from .conftest import INSTANCES, SOLVED, instance_path, load, load_solutions

TINY = """\
# a two-shift instance
SECTION_HORIZON
7

SECTION_SHIFTS
E,480,
L,600,E

SECTION_STAFF
A,E=5|L=0,2400,960,5,2,2,1
B,E=7|L=7,3000,0,4,1,1,1

SECTION_DAYS_OFF
A,3,4
B,0

SECTION_SHIFT_ON_REQUESTS
B,2,L,3

SECTION_SHIFT_OFF_REQUESTS
A,1,E,2

SECTION_COVER
0,E,1,100,1
0,L,1,100,1
"""


def test_tiny_instance_is_read_field_by_field() -> None:
    inst = parse_instance_text(TINY.replace("\n", "\r\n"), "tiny.txt", name="Tiny")
    assert inst.days == 7
    assert [(s.id, s.minutes, s.cannot_follow) for s in inst.shifts] == [
        ("E", 480, ()),
        ("L", 600, ("E",)),
    ]
    a, b = inst.employees
    assert dict(a.max_shifts) == {"E": 5, "L": 0}
    assert (a.max_total_minutes, a.min_total_minutes) == (2400, 960)
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts) == (5, 2)
    assert (a.min_consecutive_days_off, a.max_weekends) == (2, 1)
    assert b.min_total_minutes == 0
    assert dict(inst.days_off) == {"A": (3, 4), "B": (0,)}
    assert [(r.employee, r.day, r.shift, r.weight) for r in inst.on_requests] == [("B", 2, "L", 3)]
    assert [(r.employee, r.day, r.shift, r.weight) for r in inst.off_requests] == [("A", 1, "E", 2)]
    assert [(c.day, c.shift, c.requirement) for c in inst.cover] == [(0, "E", 1), (0, "L", 1)]


@pytest.mark.parametrize("n", INSTANCES)
def test_every_instance_parses_with_published_sizes(n: int) -> None:
    inst = load(n)
    # Days, staff and shift types as the README's table lists them.
    sizes = {
        1: (14, 8, 1),
        2: (14, 14, 2),
        3: (14, 20, 3),
        4: (28, 10, 2),
        5: (28, 16, 2),
        6: (28, 18, 3),
        7: (28, 20, 3),
        8: (28, 30, 4),
        9: (28, 36, 4),
        10: (28, 40, 5),
        11: (28, 50, 6),
        12: (28, 60, 10),
    }
    assert (inst.days, len(inst.employees), len(inst.shifts)) == sizes[n]
    assert len(inst.cover) == inst.days * len(inst.shifts)
    assert inst.name == f"Instance{n}"


@pytest.mark.parametrize("n", SOLVED)
def test_every_solution_file_holds_two_complete_rosters(n: int) -> None:
    inst, rosters = load_solutions(n)
    assert len(rosters) == 2
    for r in rosters:
        assert set(r.days) == {e.id for e in inst.employees}
        assert all(len(days) == inst.days for days in r.days.values())
        assert r.cost == r.cover_cost + r.roster_cost


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("L,600,E", "L,6x0,E", "line 7: shift L length: expected a whole number, got '6x0'"),
        ("L,600,E", "L,600,X", "line 7: unknown shift 'X'"),
        ("A,3,4", "A,3,7", "line 14: day 7 is outside the horizon 0–6"),
        ("B,2,L,3", "Z,2,L,3", "line 18: unknown employee 'Z'"),
        ("0,L,1,100,1", "0,E,1,100,1", "line 25: cover for day 0 shift E already given on line 24"),
        ("0,L,1,100,1", "0,L,1,100", "line 25: expected 5 fields"),
        ("A,E=5|L=0,", "A,E5|L=0,", "line 10: MaxShifts: expected shift=max, got 'E5'"),
        ("\nSECTION_COVER\n0,E,1,100,1\n0,L,1,100,1\n", "", "missing section(s) SECTION_COVER"),
        ("7\n", "10\n", "horizon 10 days is not a whole number of weeks"),
        ("SECTION_DAYS_OFF", "SECTION_DAYS", "unknown section 'SECTION_DAYS'"),
    ],
)
def test_broken_instance_names_file_and_line(old: str, new: str, message: str) -> None:
    assert old in TINY
    with pytest.raises(InputError) as err:
        parse_instance_text(TINY.replace(old, new, 1), "tiny.txt")
    assert str(err.value).startswith("tiny.txt")
    assert message in str(err.value)


def test_missing_instance_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        parse_instance(tmp_path / "Instance99.txt")


ROSTER = """\
  A:  .E= . . .E=E=
  B: L=L= .E=E= . .
Final solution (checked for feasibility): 12
-- Cover costs  : 10
-- Roster costs : 2
"""


def test_solution_roster_is_read_day_by_day() -> None:
    inst = parse_instance_text(TINY, "tiny.txt")
    (roster,) = parse_solutions_text(ROSTER, inst, "tiny.out")
    assert roster.days["A"] == (None, "E", None, None, None, "E", "E")
    assert roster.days["B"] == ("L", "L", None, "E", "E", None, None)
    assert (roster.cost, roster.cover_cost, roster.roster_cost) == (12, 10, 2)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  A:  .E=", "  A:  .X=", "line 1, day 1: unknown shift 'X'"),
        ("E=E=\n", "E=\n", "line 1: expected 14 characters for 7 days, got 12"),
        ("  B: ", "  Q: ", "line 2: unknown employee 'Q'"),
        ("-- Roster costs : 2\n", "", "last roster is not followed by its three cost lines"),
        ("  B: L=L= .E=E= . .\n", "", "roster has no line for B"),
    ],
)
def test_broken_solution_names_file_and_line(old: str, new: str, message: str) -> None:
    inst = parse_instance_text(TINY, "tiny.txt")
    with pytest.raises(InputError, match=r"^tiny\.out") as err:
        parse_solutions_text(ROSTER.replace(old, new, 1), inst, "tiny.out")
    assert message in str(err.value)


def test_benchmark_files_have_crlf_line_endings() -> None:
    """The parser must cope with the files exactly as published."""
    path = instance_path(1)
    if not path.exists():
        pytest.skip("benchmark files not found")
    assert b"\r\n" in path.read_bytes()
