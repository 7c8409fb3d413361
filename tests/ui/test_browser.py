"""The manager's whole workflow in a real browser: Debian's Chromium driven by Playwright.

The app runs as a real server on a free local port. Streamlit draws the page
only after its websocket connects, so every step waits for text, never for
the page load event. A screenshot of each page is saved in the test's
temporary folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
MILWAUKEE = ROOT.parent / "shared" / "data" / "incidents" / "milwaukee_domestic.csv"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: Generous waits: CI machines are slow, and a step that works finishes far sooner.
STEP_MS = 90_000


def require_chromium() -> None:
    """Skip without Debian's Chromium, except in CI, where that is a broken setup."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{CHROMIUM} is missing in CI; .ci/run installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on 127.0.0.1 at a free port; always stopped afterwards."""
    require_chromium()
    folder = tmp_path_factory.mktemp("server")
    port = free_port()
    streamlit = Path(sys.executable).parent / "streamlit"
    command = [
        str(streamlit),
        "run",
        "ui/app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "SHIFTCOVER_PUBLISH_DIR": str(folder / "published")}
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the app exited early:\n{(folder / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not start:\n{(folder / 'server.log').read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def test_manager_workflow(server: str, tmp_path: Path) -> None:
    if not MILWAUKEE.exists():
        pytest.skip(f"the shared Milwaukee sample is not beside the repository ({MILWAUKEE})")
    from icalendar import Calendar
    from playwright.sync_api import expect, sync_playwright

    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh user-data dir for every run
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            viewport={"width": 1400, "height": 2000},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(STEP_MS)
            expect.set_options(timeout=STEP_MS)

            def go(title: str) -> None:
                page.get_by_role("link", name=title, exact=True).click()
                expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()

            # 1. The pilot scenario is loaded and valid.
            page.goto(server)
            expect(page.get_by_text("The scenario is valid.")).to_be_visible()
            expect(page.get_by_text("windsor-pilot").first).to_be_visible()
            page.screenshot(path=shots / "1-scenario.png", full_page=True)

            # 2. Solve with a short limit; the roster and its check appear.
            go("Roster")
            expect(page.get_by_text("to build a roster")).to_be_visible()
            slider = page.get_by_role("slider")
            slider.focus()
            for _ in range(15):  # 20 s → 5 s
                slider.press("ArrowLeft")
            expect(slider).to_have_value("5")
            page.get_by_role("button", name="Solve", exact=True).click()
            expect(page.get_by_text("Independent check: no hard rule is broken")).to_be_visible()
            expect(page.get_by_text("Objective terms")).to_be_visible()
            page.screenshot(path=shots / "2-roster.png", full_page=True)

            # 3. Upload the Milwaukee sample, map its zone, import.
            go("Incidents")
            page.locator("input[type=file]").first.set_input_files(str(MILWAUKEE))
            expect(page.get_by_text("Columns found: timestamp, category")).to_be_visible()
            zone = page.get_by_role("textbox", name="Time zone of the export")
            zone.fill("America/Chicago")
            zone.press("Enter")
            page.get_by_role("button", name="Import incidents").click()
            expect(page.get_by_text("On-site availability")).to_be_visible()
            expect(page.get_by_text("1,218").first).to_be_visible()
            page.screenshot(path=shots / "3-incidents.png", full_page=True)

            # 4. Compare the pilot with a daily service on those incidents.
            go("Compare")
            slider = page.get_by_role("slider")
            slider.focus()
            for _ in range(7):  # 10 s → 3 s per scenario
                slider.press("ArrowLeft")
            expect(slider).to_have_value("3")
            page.get_by_role("button", name="Run comparison").click()
            expect(page.get_by_text("Key figures")).to_be_visible()
            expect(page.get_by_role("button", name="Download the CSV")).to_be_visible()
            page.screenshot(path=shots / "4-compare.png", full_page=True)

            # 5. Download a worker's calendar and read it.
            go("Publish")
            expect(page.get_by_role("button", name="Publish new version")).to_be_visible()
            page.screenshot(path=shots / "5-publish.png", full_page=True)
            button = page.get_by_role("button", name="Amira Haddad — worker-WRH1.ics")
            with page.expect_download() as info:
                button.click()
            ics = Path(info.value.path()).read_bytes()
        finally:
            context.close()

    calendar = Calendar.from_ical(ics)
    events = list(calendar.walk("VEVENT"))
    assert events, "the worker's calendar has no shifts"
    starts = {e.decoded("DTSTART").date() for e in events}
    assert min(starts).isoformat() >= "2024-09-25"
    assert max(starts).isoformat() <= "2024-12-24"
    assert all(str(e.get("SUMMARY")) for e in events)
    assert sorted(f.name for f in shots.iterdir()) == [
        "1-scenario.png",
        "2-roster.png",
        "3-incidents.png",
        "4-compare.png",
        "5-publish.png",
    ]
