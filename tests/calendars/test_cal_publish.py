"""Publishing: updates in place, cancellations, unchanged bytes, atomicity."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from cal_helpers import (
    NOW,
    StrictClient,
    dst_data,
    dst_scenario,
    event_blocks,
    read_events,
    round_robin,
)
from icalendar import Calendar

from calendars import ChangeKind, event_uid, publish, read_manifest
from optimizer.errors import InputError
from optimizer.io import scenario_from_data
from optimizer.roster import Assignment
from optimizer.scenario import Scenario

LATER = NOW + dt.timedelta(days=2)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file of a publish directory (temporary files included, to catch leftovers)."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.fixture
def week() -> Scenario:
    return dst_scenario(weeks=2)


def first_publish(scenario: Scenario, directory: Path) -> tuple[Assignment, ...]:
    roster = round_robin(scenario)
    publish(scenario, roster, directory, now=NOW, explain_unfilled=False)
    return roster


def test_first_publish_writes_every_calendar_and_a_manifest(week, tmp_path) -> None:
    roster = round_robin(week)
    report = publish(week, roster, tmp_path, now=NOW, explain_unfilled=False)
    assert report.version == 1 and report.previous_version is None
    assert len(report.written) == 7
    assert report.count(ChangeKind.ADDED) == len(report.changes)
    for name in report.written:
        events = read_events((tmp_path / name).read_bytes())
        assert all(e.sequence == 0 and e.status == "CONFIRMED" for e in events.values())
    manifest = read_manifest(tmp_path)
    assert manifest is not None
    assert manifest.version == 1 and manifest.scenario == "dst-test"
    assert manifest.first_published_at == manifest.published_at == NOW
    assert len(manifest.history) == 1
    assert {c.change for c in manifest.last_changes} == {ChangeKind.ADDED}
    # Served to phones by a web server: readable by others.
    assert (tmp_path / "worker-a1.ics").stat().st_mode & 0o044 == 0o044
    assert not list(tmp_path.glob(".*.tmp"))


def test_republishing_the_same_roster_changes_nothing(week, tmp_path) -> None:
    roster = first_publish(week, tmp_path)
    before = snapshot(tmp_path)
    report = publish(week, roster, tmp_path, now=LATER, explain_unfilled=False)
    assert not report.has_changes and report.written == ()
    assert report.version == 1
    assert snapshot(tmp_path) == before
    assert "up to date" in report.summary()


def test_removed_worker_gets_cancellations_with_higher_sequence(week, tmp_path) -> None:
    roster = first_publish(week, tmp_path)
    old = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    old_b1 = read_events(old["worker-b1.ics"])
    assert old_b1

    report = publish(
        week,
        [a for a in roster if a.worker_id != "b1"],
        tmp_path,
        now=LATER,
        explain_unfilled=False,
    )
    assert report.version == 2 and report.previous_version == 1

    new_b1 = read_events((tmp_path / "worker-b1.ics").read_bytes())
    assert set(new_b1) == set(old_b1)  # same UIDs: clients update, never duplicate
    for uid, ev in new_b1.items():
        assert ev.status == "CANCELLED"
        assert ev.sequence == old_b1[uid].sequence + 1
        assert (ev.start, ev.end) == (old_b1[uid].start, old_b1[uid].end)
    cal = Calendar.from_ical((tmp_path / "worker-b1.ics").read_bytes())
    assert all(str(e["STATUS"]) == "CANCELLED" for e in cal.walk("VEVENT"))
    assert not any(e.walk("VALARM") for e in cal.walk("VEVENT"))

    # Co-workers of b1 see the co-worker change; everyone else's events are unchanged.
    b1_shifts = {a.shift_id for a in roster if a.worker_id == "b1"}
    for worker in ("a1", "b-hire"):
        name = f"worker-{worker}.ics"
        before_blocks = event_blocks(old[name])
        after_blocks = event_blocks((tmp_path / name).read_bytes())
        assert set(before_blocks) == set(after_blocks)
        before_ev, after_ev = read_events(old[name]), read_events((tmp_path / name).read_bytes())
        for a in roster:
            if a.worker_id != worker:
                continue
            uid = event_uid(week.id, "worker", a.shift_id, worker)
            if a.shift_id in b1_shifts:
                assert after_ev[uid].sequence == before_ev[uid].sequence + 1
                assert "Bo Brant" not in after_ev[uid].text
            else:
                assert after_blocks[uid] == before_blocks[uid]

    cancelled = report.worker_changes()["b1"]
    assert {c.change for c in cancelled} == {ChangeKind.CANCELLED}
    assert len(cancelled) == len(old_b1)
    assert "Bo Brant (b1):" in report.summary()
    manifest = read_manifest(tmp_path)
    assert manifest is not None and manifest.version == 2
    assert manifest.calendars["worker-b1.ics"].events[next(iter(old_b1))].cancelled_in == 2


def test_cancellations_stay_and_a_returning_shift_continues_its_sequence(week, tmp_path) -> None:
    roster = first_publish(week, tmp_path)
    without = [a for a in roster if a.worker_id != "b1"]
    publish(week, without, tmp_path, now=LATER, explain_unfilled=False)
    third = publish(
        week, without, tmp_path, now=LATER + dt.timedelta(days=1), explain_unfilled=False
    )
    assert not third.has_changes
    # Still there, still cancelled: a phone offline during the last publish learns it now.
    kept = read_events((tmp_path / "worker-b1.ics").read_bytes())
    assert kept and all(e.status == "CANCELLED" and e.sequence == 1 for e in kept.values())

    back = next(a for a in roster if a.worker_id == "b1")
    report = publish(
        week, [*without, back], tmp_path, now=LATER + dt.timedelta(days=2), explain_unfilled=False
    )
    events = read_events((tmp_path / "worker-b1.ics").read_bytes())
    uid = event_uid(week.id, "worker", back.shift_id, "b1")
    assert events[uid].status == "CONFIRMED" and events[uid].sequence == 2
    assert sum(e.status == "CONFIRMED" for e in events.values()) == 1
    assert any(c.uid == uid and c.change is ChangeKind.ADDED for c in report.changes)


def test_moved_shift_updates_the_same_event(tmp_path) -> None:
    data = dst_data(weeks=1)
    scenario = scenario_from_data(data)
    roster = first_publish(scenario, tmp_path)
    data["coverage"][0]["start"] = "22:00"  # the night shift now starts an hour earlier
    moved = scenario_from_data(data)
    report = publish(moved, roster, tmp_path, now=LATER, explain_unfilled=False)
    events = read_events((tmp_path / "worker-a1.ics").read_bytes())
    night = next(a for a in roster if a.worker_id == "a1" and a.shift_id.startswith("night"))
    ev = events[event_uid(scenario.id, "worker", night.shift_id, "a1")]
    assert ev.sequence == 1 and ev.status == "CONFIRMED"
    assert ev.start.astimezone(moved.tz).hour == 22
    assert report.count(ChangeKind.CHANGED) > 0 and report.count(ChangeKind.CANCELLED) == 0


def test_worker_gone_from_the_scenario_keeps_a_calendar_of_cancellations(tmp_path) -> None:
    data = dst_data(weeks=1)
    scenario = scenario_from_data(data)
    roster = first_publish(scenario, tmp_path)
    data["workers"] = [w for w in data["workers"] if w["id"] != "b-hire"]
    smaller = scenario_from_data(data)
    publish(
        smaller,
        [a for a in roster if a.worker_id != "b-hire"],
        tmp_path,
        now=LATER,
        explain_unfilled=False,
    )
    events = read_events((tmp_path / "worker-b-hire.ics").read_bytes())
    assert events and all(e.status == "CANCELLED" for e in events.values())


def test_next_period_leaves_the_last_periods_shifts_alone(tmp_path) -> None:
    # The same program published for its next fortnight (one week overlapping),
    # without a1 this time: a1's shifts of the first week happened or will, and
    # the new roster says nothing about them, so they stay; those of the
    # overlapping week are withdrawn, so they are cancelled.
    first = dst_scenario(start="2024-10-28", weeks=2)
    first_publish(first, tmp_path)
    before = read_events((tmp_path / "worker-a1.ics").read_bytes())
    nxt = dst_scenario(start="2024-11-04", weeks=2)
    roster = [a for a in round_robin(nxt) if a.worker_id != "a1"]
    report = publish(nxt, roster, tmp_path, now=LATER, explain_unfilled=False)
    after = read_events((tmp_path / "worker-a1.ics").read_bytes())
    start = dt.date(2024, 11, 4)
    earlier = {u for u, e in before.items() if e.start.astimezone(first.tz).date() < start}
    assert earlier and earlier != set(before)
    for uid, event in before.items():
        if uid in earlier:
            assert after[uid].status == "CONFIRMED" and after[uid].sequence == event.sequence
        else:
            assert after[uid].status == "CANCELLED" and after[uid].sequence == event.sequence + 1
    cancelled = {c.uid for c in report.changes if c.change is ChangeKind.CANCELLED}
    assert not cancelled & earlier
    assert report.count(ChangeKind.ADDED) > 0


def test_alarm_setting_is_kept_until_changed(week, tmp_path) -> None:
    roster = round_robin(week)
    publish(week, roster, tmp_path, now=NOW, alarm_minutes=60, explain_unfilled=False)
    again = publish(week, roster, tmp_path, now=LATER, explain_unfilled=False)
    assert not again.has_changes
    assert b"TRIGGER:-PT1H" in (tmp_path / "worker-a1.ics").read_bytes()
    off = publish(week, roster, tmp_path, now=LATER, alarm_minutes=None, explain_unfilled=False)
    assert off.count(ChangeKind.CHANGED) > 0
    assert b"VALARM" not in (tmp_path / "worker-a1.ics").read_bytes()


def test_dry_run_writes_nothing(week, tmp_path) -> None:
    target = tmp_path / "out"
    report = publish(week, round_robin(week), target, now=NOW, dry_run=True)
    assert report.dry_run and len(report.written) == 7
    assert not target.exists()
    assert report.summary().startswith("Would publish")


def test_another_scenario_in_the_same_directory_is_refused(week, tmp_path) -> None:
    first_publish(week, tmp_path)
    before = snapshot(tmp_path)
    other = week.model_copy(update={"id": "other"})
    with pytest.raises(InputError, match="scenario 'dst-test', not 'other'"):
        publish(other, [], tmp_path, now=LATER)
    assert snapshot(tmp_path) == before


def test_damaged_manifest_is_an_input_error_naming_the_file(week, tmp_path) -> None:
    first_publish(week, tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"manifest\.json"):
        publish(week, [], tmp_path, now=LATER)
    data = {"format": 1, "scenario": "dst-test", "version": 0}
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"manifest.json: version"):
        read_manifest(tmp_path)


def test_publishing_to_a_file_is_an_input_error(week, tmp_path) -> None:
    target = tmp_path / "file.ics"
    target.write_text("x")
    with pytest.raises(InputError, match="must be a directory"):
        publish(week, [], target)


class PowerCut(RuntimeError):
    """The crash injected into a publish."""


def _fail_on_call(n: int, real):
    calls = {"n": 0}

    def fake(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise PowerCut(f"crash at call {n}")
        return real(*args, **kwargs)

    return fake


def test_crash_while_staging_leaves_the_previous_publish_intact(
    week, tmp_path, monkeypatch
) -> None:
    roster = first_publish(week, tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.setattr(os, "fsync", _fail_on_call(3, os.fsync))
    with pytest.raises(PowerCut):
        publish(week, roster[: len(roster) // 2], tmp_path, now=LATER, explain_unfilled=False)
    monkeypatch.undo()
    assert snapshot(tmp_path) == before  # no file touched, no temporary file left


def test_crash_between_renames_leaves_every_file_complete(week, tmp_path, monkeypatch) -> None:
    roster = first_publish(week, tmp_path)
    before = snapshot(tmp_path)
    changed = [a for a in roster if a.worker_id != "b1"]
    clean = tmp_path.parent / "clean"
    shutil.copytree(tmp_path, clean)
    publish(week, changed, clean, now=LATER, explain_unfilled=False)
    after = snapshot(clean)

    monkeypatch.setattr(os, "replace", _fail_on_call(3, os.replace))
    with pytest.raises(PowerCut):
        publish(week, changed, tmp_path, now=LATER, explain_unfilled=False)
    monkeypatch.undo()

    now = snapshot(tmp_path)
    assert set(now) == set(before)  # no temporary file left behind
    assert now["manifest.json"] == before["manifest.json"]
    mixed = 0
    for name, data in now.items():
        assert data in (before[name], after[name]), name
        mixed += data != before[name]
        if name.endswith(".ics"):
            Calendar.from_ical(data)
            read_events(data)
    assert mixed == 2  # two renames happened before the crash

    # Publishing again finishes the job exactly as an uninterrupted publish.
    publish(week, changed, tmp_path, now=LATER, explain_unfilled=False)
    final = snapshot(tmp_path)
    assert {k: v for k, v in final.items() if k != "manifest.json"} == {
        k: v for k, v in after.items() if k != "manifest.json"
    }
    finished, uninterrupted = read_manifest(tmp_path), read_manifest(clean)
    assert finished is not None and uninterrupted is not None
    assert finished.calendars == uninterrupted.calendars
    assert finished.version == uninterrupted.version == 2


def test_correction_after_an_interrupted_publish_outbids_what_phones_saw(
    week, tmp_path, monkeypatch
) -> None:
    roster = first_publish(week, tmp_path)
    clients = {name: StrictClient() for name in os.listdir(tmp_path) if name.endswith(".ics")}
    for name, client in clients.items():
        client.read((tmp_path / name).read_bytes())
    changed = [a for a in roster if a.worker_id != "b1"]
    monkeypatch.setattr(os, "replace", _fail_on_call(4, os.replace))
    with pytest.raises(PowerCut):
        publish(week, changed, tmp_path, now=LATER, explain_unfilled=False)
    monkeypatch.undo()
    for name, client in clients.items():  # phones sync the half-published state
        client.read((tmp_path / name).read_bytes())

    # The manager goes back to the first roster.
    publish(week, roster, tmp_path, now=LATER + dt.timedelta(hours=1), explain_unfilled=False)
    for name, client in clients.items():
        data = (tmp_path / name).read_bytes()
        client.read(data)
        assert client.shows(data), name
