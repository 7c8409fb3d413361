"""The Compare page: expansion options solved and replayed on the same incidents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ui import incident_data
from ui.uploads import MemoryUpload

ROOT = Path(__file__).resolve().parents[2]
MILWAUKEE = ROOT.parent / "shared" / "data" / "incidents" / "milwaukee_domestic.csv"


def run(pages: Any, at: Any) -> Any:
    at.slider(key="compare_limit").set_value(3).run()
    at.button(key="run_compare").click().run()
    pages.ok(at)
    return at


def test_offers_pilot_against_daily(pages: Any) -> None:
    at = pages.start("compare")
    pages.ok(at)
    assert at.multiselect(key="compare_pick").value == ["windsor-pilot", "windsor-daily"]
    assert "Run comparison" in at.info[0].value


def test_compares_on_synthetic_incidents_when_none_are_loaded(pages: Any) -> None:
    at = run(pages, pages.start("compare"))
    assert not at.error, pages.errors(at)
    assert any("SYNTHETIC" in w.value for w in at.warning)
    kpis = at.dataframe[0].value
    assert list(kpis["Scenario"]) == ["windsor-pilot", "windsor-daily"]
    pilot, daily = kpis.to_dict(orient="records")
    # Seven days a week staff more hours and cover more incidents than five.
    assert daily["Staffed hours / week"] > pilot["Staffed hours / week"]
    assert daily["Incidents in staffed time"] > pilot["Incidents in staffed time"]
    assert daily["Total cost / week"] > pilot["Total cost / week"]
    labels = {b.label for b in at.download_button}
    assert {"Download the HTML report", "Download the CSV"} <= labels
    assert len(at.get("plotly_chart")) == 3  # cost-coverage, missed heatmaps, paid hours


@pytest.mark.skipif(not MILWAUKEE.exists(), reason="shared Milwaukee sample not present")
def test_uses_the_incidents_loaded_on_the_incidents_page(pages: Any) -> None:
    at = pages.start()
    upload = MemoryUpload("milwaukee.csv", MILWAUKEE.read_bytes())
    at.session_state["incidents"] = incident_data.import_upload(
        upload, incident_data.Mapping(tz="America/Chicago")
    )
    at.switch_page("views/compare.py").run()
    at = run(pages, at)
    assert not any("SYNTHETIC" in w.value for w in at.warning)
    assert any("milwaukee.csv" in c.value for c in at.caption)


def test_one_scenario_is_not_a_comparison(pages: Any) -> None:
    at = pages.start("compare")
    at.multiselect(key="compare_pick").set_value(["windsor-pilot"]).run()
    at.button(key="run_compare").click().run()
    pages.ok(at)
    assert "at least two" in pages.errors(at)
