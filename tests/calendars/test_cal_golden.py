"""Golden files: calendar output is deterministic, byte for byte.

Regenerate after an intended change of format with
``SHIFTCOVER_UPDATE_GOLDEN=1 pytest tests/calendars/test_cal_golden.py``
and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

import pytest
from cal_helpers import GOLDEN, NOW, dst_scenario, round_robin

from calendars import build_calendars, publish

UPDATE = os.environ.get("SHIFTCOVER_UPDATE_GOLDEN") == "1"


def check_golden(folder: Path, files: dict[str, bytes]) -> None:
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    stored = sorted(p.name for p in folder.glob("*.ics"))
    assert stored == sorted(files), "golden files missing; see this module's docstring"
    for name, data in files.items():
        assert data == (folder / name).read_bytes(), f"{folder.name}/{name} differs"


def built() -> dict[str, bytes]:
    scenario = dst_scenario(weeks=1)
    roster = round_robin(scenario, skip_every=4)
    return build_calendars(scenario, roster, now=NOW, alarm_minutes=30, explain_unfilled=False)


def test_build_matches_golden_files() -> None:
    check_golden(GOLDEN / "one-off", built())


def test_output_does_not_depend_on_roster_order() -> None:
    scenario = dst_scenario(weeks=1)
    roster = list(round_robin(scenario, skip_every=4))
    random.Random(7).shuffle(roster)
    again = build_calendars(scenario, roster, now=NOW, alarm_minutes=30, explain_unfilled=False)
    assert again == built()


def test_only_dtstamp_depends_on_the_time_of_building() -> None:
    scenario = dst_scenario(weeks=1)
    roster = round_robin(scenario, skip_every=4)
    later = NOW + dt.timedelta(days=3, minutes=7)
    a = build_calendars(scenario, roster, now=NOW, explain_unfilled=False)
    b = build_calendars(scenario, roster, now=later, explain_unfilled=False)
    for name in a:
        drop = [line for line in a[name].split(b"\r\n") if not line.startswith(b"DTSTAMP:")]
        keep = [line for line in b[name].split(b"\r\n") if not line.startswith(b"DTSTAMP:")]
        assert drop == keep
        assert (b"DTSTAMP:20241004T120700Z" in b[name]) == (b"BEGIN:VEVENT" in b[name])


@pytest.mark.parametrize("version", [1, 2])
def test_publish_sequence_matches_golden_files(tmp_path, version) -> None:
    """Version 1 of a roster, then version 2 without Bo Brant (b1)."""
    scenario = dst_scenario(weeks=1)
    roster = round_robin(scenario, skip_every=4)
    publish(scenario, roster, tmp_path, now=NOW, explain_unfilled=False)
    if version == 2:
        smaller = [a for a in roster if a.worker_id != "b1"]
        later = NOW + dt.timedelta(days=1)
        publish(scenario, smaller, tmp_path, now=later, explain_unfilled=False)
    files = {p.name: p.read_bytes() for p in tmp_path.glob("*.ics")}
    check_golden(GOLDEN / f"publish-v{version}", files)
