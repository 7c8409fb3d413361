"""Property: after any sequence of publishes, a calendar client shows exactly the roster.

The simulated client is strict, as iTIP clients are: it takes a new version of
an event only when SEQUENCE went up. So a content change published without a
higher SEQUENCE, a duplicate UID or a lost cancellation all make it fail.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from cal_helpers import NOW, dst_scenario, read_events
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars import event_uid, publish
from optimizer.roster import Assignment
from optimizer.shifts import expand_shifts

SCENARIO = dst_scenario(weeks=1)
SHIFTS = {s.id: s for s in expand_shifts(SCENARIO)}
WORKERS = [w.id for w in SCENARIO.workers]
PAIRS = [Assignment(s, w) for s in SHIFTS for w in WORKERS]

rosters = st.lists(st.frozensets(st.sampled_from(PAIRS), max_size=12), min_size=1, max_size=4)


def strip_stamp(text: str) -> str:
    return "\r\n".join(line for line in text.split("\r\n") if not line.startswith("DTSTAMP:"))


@settings(max_examples=15, deadline=None)
@given(rosters=rosters, read_every=st.integers(min_value=1, max_value=2))
def test_a_subscribed_client_always_shows_the_current_roster(rosters, read_every) -> None:
    # A client stores (SEQUENCE, content) per UID, per worker calendar.
    client: dict[str, dict[str, tuple[int, str, str]]] = {w: {} for w in WORKERS}
    highest: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for i, roster in enumerate(rosters):
            now = NOW + dt.timedelta(hours=i)
            publish(SCENARIO, roster, directory, now=now, explain_unfilled=False)
            last = i == len(rosters) - 1
            if i % read_every and not last:
                continue  # this phone was offline for this publish
            for w in WORKERS:
                feed = read_events((directory / f"worker-{w}.ics").read_bytes())
                for uid, ev in feed.items():
                    assert ev.sequence >= highest.get(uid, 0), "SEQUENCE went down"
                    highest[uid] = ev.sequence
                    stored = client[w].get(uid)
                    if stored is None or ev.sequence > stored[0]:
                        client[w][uid] = (ev.sequence, ev.status, strip_stamp(ev.text))
                    else:
                        assert stored[2] == strip_stamp(ev.text), "changed without SEQUENCE+1"
                # Feed semantics: what is not in the feed is gone from the client.
                client[w] = {u: v for u, v in client[w].items() if u in feed}
                shown = {u for u, (_, status, _) in client[w].items() if status == "CONFIRMED"}
                want = {
                    event_uid(SCENARIO.id, "worker", a.shift_id, w)
                    for a in roster
                    if a.worker_id == w
                }
                assert shown == want
                for a in roster:
                    if a.worker_id == w:
                        ev = feed[event_uid(SCENARIO.id, "worker", a.shift_id, w)]
                        shift = SHIFTS[a.shift_id]
                        assert ev.start == shift.start.astimezone(dt.UTC)
                        assert ev.end == shift.end.astimezone(dt.UTC)
