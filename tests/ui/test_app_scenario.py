"""The Scenario page: load, edit with errors next to the table, upload, download."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from ui import tables, uploads


def test_opens_on_the_pilot_scenario(pages: Any) -> None:
    at = pages.start()
    pages.ok(at)
    assert at.session_state["scenario"].id == "windsor-pilot"
    assert any("valid" in s.value for s in at.success)
    assert len(at.data_editor) == 8  # six tables, rules, weights
    assert at.download_button[0].label == "Download scenario as YAML"


def test_loads_another_bundled_scenario(pages: Any) -> None:
    at = pages.start()
    at.selectbox(key="bundled_choice").select("windsor-daily").run()
    at.button(key="load_bundled").click().run()
    pages.ok(at)
    assert at.session_state["scenario"].id == "windsor-daily"
    assert "windsor-daily" in at.session_state["scenario_source"]


def test_an_edit_error_is_shown_with_its_table(pages: Any) -> None:
    at = pages.start()
    at.session_state["edit_workers_1"] = {
        "edited_rows": {1: {"agency": "NOPE"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    pages.ok(at)
    text = pages.errors(at)
    assert "row 2" in text and "unknown agency 'NOPE'" in text
    assert "Workers tab" in text
    # The other pages keep the last valid scenario.
    assert at.session_state["scenario"].worker("WRH2").agency == "WRH"
    assert at.session_state["scenario_data"]["workers"][1]["agency"] == "NOPE"


def test_a_valid_edit_updates_the_scenario(pages: Any) -> None:
    at = pages.start()
    at.session_state["edit_coverage_1"] = {
        "edited_rows": {0: {"required": 3}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    pages.ok(at)
    assert not at.error
    assert at.session_state["scenario"].coverage[0].required == 3


def test_uploaded_yaml_with_its_tables_loads(pages: Any) -> None:
    at = pages.start()
    at.file_uploader(key="upload_yaml").upload(
        "pilot.yaml", (pages.scenarios / "windsor-pilot.yaml").read_bytes(), "application/x-yaml"
    )
    at.file_uploader(key="upload_tables").set_value(
        [
            (name, (pages.scenarios / name).read_bytes(), "text/csv")
            for name in ("windsor-workers.csv", "windsor-time-off.csv")
        ]
    )
    at.run()
    at.button(key="load_upload").click().run()
    pages.ok(at)
    assert not at.error, pages.errors(at)
    assert at.session_state["scenario_source"] == "uploaded: pilot.yaml"
    assert len(at.session_state["scenario"].workers) == 6


def test_a_bad_upload_gives_a_message(pages: Any) -> None:
    at = pages.start()
    at.file_uploader(key="upload_yaml").upload("broken.yaml", b"id: [unclosed", "text/yaml")
    at.run()
    at.button(key="load_upload").click().run()
    pages.ok(at)
    assert "not valid YAML" in pages.errors(at)
    assert at.session_state["scenario"].id == "windsor-pilot"


def test_a_missing_table_is_named(pages: Any) -> None:
    at = pages.start()
    at.file_uploader(key="upload_yaml").upload(
        "pilot.yaml", (pages.scenarios / "windsor-pilot.yaml").read_bytes(), "text/yaml"
    )
    at.run()
    at.button(key="load_upload").click().run()
    pages.ok(at)
    assert "windsor-workers.csv" in pages.errors(at)


def test_a_bad_table_replacement_is_refused(pages: Any) -> None:
    at = pages.start()
    at.file_uploader(key="upload_replace").upload(
        "workers.csv", b"id,name,agency\nX1,Someone,NOWHERE\n", "text/csv"
    )
    at.run()
    at.button(key="replace_table").click().run()
    pages.ok(at)
    assert "unknown agency 'NOWHERE'" in pages.errors(at)
    assert len(at.session_state["scenario"].workers) == 6


@pytest.mark.parametrize("name", sorted(tables.bundled_scenarios()))
def test_every_bundled_scenario_survives_the_editor_and_the_yaml(name: str) -> None:
    scenario = tables.load_bundled(name)
    data = tables.scenario_to_data(scenario)
    for section in tables.TABLE_SECTIONS:
        frame = tables.records_to_frame(section, data[section])
        data[section] = tables.frame_to_records(section, frame)
    data["rules"] = tables.frame_to_rules(tables.rules_frame(data), data)
    again = tables.validate(yaml.safe_load(tables.data_to_yaml(data)))
    assert again.scenario == scenario


def test_an_oversized_upload_is_refused(pages: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    at = pages.start()
    at.file_uploader(key="upload_yaml").upload(
        "pilot.yaml", (pages.scenarios / "windsor-pilot.yaml").read_bytes(), "text/yaml"
    )
    at.run()
    at.button(key="load_upload").click().run()
    pages.ok(at)
    assert "larger than" in pages.errors(at)


def test_a_worker_added_in_the_table_joins_the_scenario(pages: Any) -> None:
    at = pages.start()
    at.session_state["edit_workers_1"] = {
        "edited_rows": {},
        "added_rows": [
            {"id": "HH3", "name": "New Person", "agency": "HH", "skills": "ipv_trauma|counselling"}
        ],
        "deleted_rows": [],
    }
    at.run()
    pages.ok(at)
    assert not at.error, pages.errors(at)
    added = at.session_state["scenario"].worker("HH3")
    assert added.skills == ("ipv_trauma", "counselling")


def test_a_bad_time_zone_is_shown_on_the_general_tab(pages: Any) -> None:
    at = pages.start()
    at.text_input(key="general_tz_1").input("Mars/Olympus").run()
    pages.ok(at)
    text = pages.errors(at)
    assert "unknown time zone 'Mars/Olympus'" in text
    assert "General tab" in text
    # The Roster page says it solves the last valid version.
    at.switch_page("views/roster.py").run()
    assert any("last valid version" in w.value for w in at.warning)
