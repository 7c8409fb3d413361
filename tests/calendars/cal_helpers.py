"""Scenarios, rosters and an independent ``.ics`` reader for the calendar tests."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from optimizer.io import load_scenario, scenario_from_data
from optimizer.roster import Assignment
from optimizer.scenario import Scenario
from optimizer.shifts import expand_shifts

ROOT = Path(__file__).resolve().parents[2]
PILOT = ROOT / "scenarios" / "windsor-pilot.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
TORONTO = ZoneInfo("America/Toronto")
#: A fixed publish time, so DTSTAMP is reproducible.
NOW = dt.datetime(2024, 10, 1, 12, 0, tzinfo=dt.UTC)


def dst_data(start: str = "2024-10-28", weeks: int = 20) -> dict[str, Any]:
    """A small program with overnight shifts and shifts in both DST-change hours.

    The default horizon holds 3 Nov 2024 (clocks back) and 9 Mar 2025
    (clocks forward).
    """
    return {
        "id": "dst-test",
        "name": "DST test program",
        "timezone": "America/Toronto",
        "contact": "Program office, 519-555-0100",
        "horizon": {"start": start, "weeks": weeks},
        "agencies": [
            {"id": "A", "name": "Agency A"},
            {"id": "B", "name": "Agency B", "contact": "b-office@example.org"},
        ],
        "workers": [
            {"id": "a1", "name": "Ann Arbour", "agency": "A", "max_hours_per_week": 20},
            {"id": "b1", "name": "Bo Brant", "agency": "B", "max_total_hours": 30},
            {"id": "b-hire", "name": "Agency B hire", "agency": "B", "placeholder": True},
        ],
        "coverage": [
            {"id": "night", "name": "Night", "days": "daily", "start": "23:00", "end": "07:00"},
            {
                "id": "early",
                "name": "Early",
                "days": "Sun",
                "start": "01:30",
                "end": "05:00",
                "required": 2,
            },
            {"id": "dawn", "name": "Dawn", "days": "Sun", "start": "02:30", "end": "06:00"},
        ],
        "rules": {"max_hours_per_week": {"value": 40}},
    }


def dst_scenario(start: str = "2024-10-28", weeks: int = 20) -> Scenario:
    """The DST test program as a validated scenario."""
    return scenario_from_data(dst_data(start, weeks))


def pilot() -> Scenario:
    """The bundled Windsor pilot scenario."""
    return load_scenario(PILOT)


def round_robin(scenario: Scenario, skip_every: int = 0) -> tuple[Assignment, ...]:
    """A hand-made roster: workers in turn, ``required`` people per shift.

    With ``skip_every`` = n, every n-th shift gets one person fewer, so some
    shifts are open.
    """
    workers = [w.id for w in scenario.workers]
    out: list[Assignment] = []
    turn = 0
    for i, shift in enumerate(expand_shifts(scenario)):
        need = shift.required
        if skip_every and i % skip_every == skip_every - 1:
            need -= 1
        chosen: set[str] = set()
        while len(chosen) < min(need, len(workers)):
            chosen.add(workers[turn % len(workers)])
            turn += 1
        out.extend(Assignment(shift.id, w) for w in sorted(chosen))
    return tuple(out)


@dataclass(frozen=True)
class RawEvent:
    """A VEVENT read by the independent reader: UTC instants and raw properties."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    sequence: int
    status: str
    summary: str
    text: str


_PROP = re.compile(r"^(?P<name>[A-Z-]+)(?P<params>(;[^:]*)?):(?P<value>.*)$")


def unfold(data: bytes) -> list[str]:
    """RFC 5545 §3.1 unfolding: CRLF followed by one space or tab continues a line."""
    text = data.decode("utf-8")
    assert "\r\n" in text, "content lines must end in CRLF"
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")


def _instant(params: str, value: str) -> dt.datetime:
    naive = dt.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    if value.endswith("Z"):
        return naive.replace(tzinfo=dt.UTC)
    match = re.search(r"TZID=([^;:]+)", params)
    assert match, f"floating time {value} without TZID"
    # fold=0: an ambiguous local time is its first occurrence (RFC 5545 §3.3.5).
    return naive.replace(tzinfo=ZoneInfo(match.group(1))).astimezone(dt.UTC)


def read_events(data: bytes) -> dict[str, RawEvent]:
    """Every VEVENT by UID, read without icalendar (regular expressions and zoneinfo)."""
    events: dict[str, RawEvent] = {}
    block: list[str] | None = None
    depth = 0
    for line in unfold(data):
        if line == "BEGIN:VEVENT":
            block, depth = [], 0
            continue
        if block is None:
            continue
        if line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:") and depth:
            depth -= 1
        elif line == "END:VEVENT":
            props: dict[str, tuple[str, str]] = {}
            for prop in block:
                m = _PROP.match(prop)
                assert m, prop
                props.setdefault(m["name"], (m["params"] or "", m["value"]))
            uid = props["UID"][1]
            assert uid not in events, f"duplicate UID {uid}"
            events[uid] = RawEvent(
                uid=uid,
                start=_instant(*props["DTSTART"]),
                end=_instant(*props["DTEND"]),
                sequence=int(props["SEQUENCE"][1]),
                status=props["STATUS"][1],
                summary=props["SUMMARY"][1],
                text="\r\n".join(block),
            )
            block = None
            continue
        if depth == 0:
            block.append(line)
    return events


def event_blocks(data: bytes) -> dict[str, bytes]:
    """The raw bytes of each VEVENT (folded as written), by UID."""
    out: dict[str, bytes] = {}
    for chunk in data.split(b"BEGIN:VEVENT\r\n")[1:]:
        body = chunk.split(b"END:VEVENT\r\n")[0]
        uid = re.search(rb"\r\nUID:([^\r]*)\r\n", b"\r\n" + body)
        assert uid
        out[uid.group(1).decode()] = body
    return out


class StrictClient:
    """A subscribed calendar client that takes an event's new version only on a higher SEQUENCE."""

    def __init__(self) -> None:
        self.events: dict[str, tuple[int, str]] = {}

    def read(self, data: bytes) -> None:
        """Read one version of a calendar feed; what is not in it is dropped."""
        feed = read_events(data)
        for uid, ev in feed.items():
            stored = self.events.get(uid)
            if stored is None or ev.sequence > stored[0]:
                self.events[uid] = (ev.sequence, strip_stamp(ev.text))
        self.events = {u: v for u, v in self.events.items() if u in feed}

    def shows(self, data: bytes) -> bool:
        """True when the client's view equals the feed's content (DTSTAMP aside)."""
        feed = read_events(data)
        return {u: strip_stamp(e.text) for u, e in feed.items()} == {
            u: text for u, (_, text) in self.events.items()
        }


def strip_stamp(text: str) -> str:
    """Event text without its DTSTAMP line."""
    return "\r\n".join(line for line in text.split("\r\n") if not line.startswith("DTSTAMP:"))
