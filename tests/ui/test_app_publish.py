"""The Publish page: calendars and exports to download, versions with their changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from optimizer.result import SolveResult
from optimizer.solver import solve
from ui import publishing, tables


@pytest.fixture(scope="module")
def pilot_result() -> SolveResult:
    """A pilot roster, solved once for the module."""
    return solve(tables.load_bundled("windsor-pilot"), time_limit=3, workers=2)


@pytest.fixture
def publish_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(publishing.PUBLISH_DIR_ENV, str(tmp_path))
    return tmp_path


def with_roster(pages: Any, result: SolveResult) -> AppTest:
    at = pages.start()
    at.session_state["solve_result"] = result
    at.switch_page("views/publish.py").run()
    pages.ok(at)
    return at


def test_needs_a_roster(pages: Any) -> None:
    at = pages.start("publish")
    pages.ok(at)
    assert "Solve a roster" in at.info[0].value


def test_offers_every_calendar_and_export(
    pages: Any, pilot_result: SolveResult, publish_dir: Path
) -> None:
    at = with_roster(pages, pilot_result)
    labels = [b.label for b in at.download_button]
    assert any(label.endswith("program.ics") for label in labels)
    assert any(label.endswith("open-shifts.ics") for label in labels)
    assert sum("worker-" in label for label in labels) == 6
    assert sum("agency-" in label for label in labels) == 3
    assert {"Roster CSV", "Roster Excel workbook", "All calendars (.zip)"} <= set(labels)


def test_publishing_twice_reports_versions(
    pages: Any, pilot_result: SolveResult, publish_dir: Path
) -> None:
    at = with_roster(pages, pilot_result)
    at.button(key="publish").click().run()
    pages.ok(at)
    assert "Published version 1." in [s.value for s in at.success]
    assert (publish_dir / "windsor-pilot" / "program.ics").exists()
    at.run()
    assert "Nothing changed since the last publish." in [m.value for m in at.markdown]
    at.button(key="publish").click().run()
    assert "Nothing changed since version 1" in at.info[0].value

    # A different roster: two assignments dropped, so their shifts change.
    at.session_state["solve_result"] = replace(
        pilot_result, assignments=pilot_result.assignments[2:]
    )
    at.run()
    assert any("event change(s) since version 1" in m.value for m in at.markdown)
    at.button(key="publish").click().run()
    pages.ok(at)
    assert "Published version 2." in [s.value for s in at.success]
    changes = at.dataframe[-1].value
    assert "cancelled" in set(changes["change"])


def test_a_bad_folder_name_is_a_message(
    pages: Any, pilot_result: SolveResult, publish_dir: Path
) -> None:
    at = with_roster(pages, pilot_result)
    at.text_input(key="publish_folder").input("../elsewhere").run()
    at.button(key="publish").click().run()
    pages.ok(at)
    assert "use letters, digits" in pages.errors(at)
    assert not (publish_dir.parent / "elsewhere").exists()
