"""Shared fixtures: the Curtois & Qu files beside the repository (``../shared``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.curtois import Instance, PublishedRoster, parse_instance, parse_solutions

BENCHMARK = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "curtois"
INSTANCES = tuple(range(1, 13))
#: Published solutions exist for instances 1–10.
SOLVED = tuple(range(1, 11))


def instance_path(n: int) -> Path:
    """Path of InstanceN.txt."""
    return BENCHMARK / "instances" / f"Instance{n}.txt"


def solution_path(n: int) -> Path:
    """Path of InstanceN.txt.out."""
    return BENCHMARK / "solutions" / f"Instance{n}.txt.out"


def load(n: int) -> Instance:
    """Parse InstanceN.txt, skipping when the benchmark files are not beside the repository."""
    path = instance_path(n)
    if not path.exists():
        pytest.skip(f"benchmark files not found at {BENCHMARK}")
    return parse_instance(path)


def load_solutions(n: int) -> tuple[Instance, tuple[PublishedRoster, ...]]:
    """The instance and its published rosters."""
    instance = load(n)
    return instance, parse_solutions(solution_path(n), instance)
