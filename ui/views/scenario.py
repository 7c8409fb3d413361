"""Scenario page: start from a bundled scenario or an upload, edit it, download it."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from optimizer.commands import scenario_summary
from optimizer.scenario import Scenario, Weights
from ui import state, tables, uploads
from ui.widgets import reported_errors, show_errors, snapshot, table_editor

st.title("Scenario")
st.caption(
    "Who can work, when the service must be staffed, and the rules to respect. "
    "Start from a bundled scenario or upload your own, then edit the tables below."
)

# --- Where the scenario comes from -------------------------------------------------------------
bundled, uploaded, replace = st.tabs(["Bundled scenario", "Upload files", "Replace a table"])
with bundled:
    names = list(tables.bundled_scenarios())
    if names:
        current_name = state.scenario_source().removeprefix("bundled: ")
        choice = st.selectbox(
            "Scenario",
            names,
            index=names.index(current_name) if current_name in names else 0,
            key="bundled_choice",
        )
        if st.button("Load scenario", key="load_bundled", type="primary"):
            with reported_errors(f"Loading {choice}"):
                state.set_scenario(tables.load_bundled(choice), f"bundled: {choice}")
                st.rerun()
    else:
        st.info("No bundled scenarios were found next to the app.")
with uploaded:
    yaml_file = st.file_uploader("Scenario YAML", type=["yaml", "yml"], key="upload_yaml")
    table_files = st.file_uploader(
        "Tables the YAML names (workers, time off, … as CSV or Excel)",
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        key="upload_tables",
    )
    if st.button("Load uploaded scenario", key="load_upload", disabled=yaml_file is None):
        with reported_errors("Loading the upload"):
            assert yaml_file is not None
            loaded = uploads.scenario_from_uploads(yaml_file, table_files or [])
            state.set_scenario(loaded, f"uploaded: {yaml_file.name}")
            st.rerun()
with replace:
    st.write("Replace one table of the current scenario with a CSV or Excel file.")
    section = st.selectbox("Table", ["workers", "time_off", "preferences"], key="replace_section")
    table_file = st.file_uploader("Table file", type=["csv", "xlsx"], key="upload_replace")
    if st.button("Replace table", key="replace_table", disabled=table_file is None):
        with reported_errors(f"Replacing {section}"):
            assert table_file is not None
            replaced = dict(state.scenario_data() or {})
            replaced[section] = uploads.table_from_upload(table_file)
            result = tables.validate(replaced)
            if not result.ok:
                show_errors(result.all_messages(), f"{table_file.name} does not fit the scenario:")
            else:
                assert result.scenario is not None
                state.set_scenario(
                    result.scenario, f"{state.scenario_source()} + {table_file.name}"
                )
                st.rerun()

loaded_data = state.scenario_data()
if loaded_data is None:
    st.info("Load a scenario to begin.")
    st.stop()
data: dict[str, Any] = loaded_data or {}

st.caption(f"Source: {state.scenario_source()}")
version = state.scenario_version()
edited: dict[str, Any] = dict(data)

# --- Editing -----------------------------------------------------------------------------------
SECTION_TITLES = {
    "general": "General",
    "agencies": "Agencies",
    "workers": "Workers",
    "time_off": "Time off",
    "preferences": "Preferences",
    "coverage": "Coverage",
    "demand": "Date overrides",
    "rules": "Rules",
    "weights": "Weights",
}
HELP = {
    "agencies": "Target share is the wished share of staffed hours (0–1).",
    "workers": "Lists (skills, days) are written with | between items, e.g. Wed|Thu or Wed-Sun.",
    "time_off": "Whole days as 2024-10-11, or exact times as 2024-11-22T12:00:00.",
    "preferences": "kind is want or avoid; give a weekday (Mon…Sun) or a date.",
    "coverage": "A shift ending at or before its start ends the next day (23:00–07:00).",
    "demand": "Different headcount on one date, e.g. New Year's Eve.",
}
tabs = st.tabs(list(SECTION_TITLES.values()))
errors_slots: dict[str, Any] = {}

with tabs[0]:
    general = snapshot(f"general_{version}__base", f"general_name_{version}", lambda: dict(data))
    c1, c2 = st.columns(2)
    edited["name"] = c1.text_input("Name", general.get("name", ""), key=f"general_name_{version}")
    edited["id"] = c2.text_input(
        "Id (letters, digits, - and _)", general.get("id", ""), key=f"general_id_{version}"
    )
    edited["description"] = st.text_area(
        "Description", general.get("description", ""), key=f"general_desc_{version}"
    )
    c1, c2, c3 = st.columns(3)
    horizon = general.get("horizon", {})
    start = c1.date_input(
        "First day",
        dt.date.fromisoformat(str(horizon.get("start"))),
        key=f"general_start_{version}",
    )
    weeks = c2.number_input(
        "Weeks", 1, 104, int(horizon.get("weeks", 1)), key=f"general_weeks_{version}"
    )
    edited["horizon"] = {"start": str(start), "weeks": int(weeks)}
    edited["timezone"] = c3.text_input(
        "Time zone", general.get("timezone", "America/Toronto"), key=f"general_tz_{version}"
    )
    edited["contact"] = (
        st.text_input(
            "Program contact (shown in calendars)",
            general.get("contact") or "",
            key=f"general_contact_{version}",
        )
        or None
    )
    errors_slots["general"] = st.empty()

for tab, section in zip(tabs[1:7], tables.TABLE_SECTIONS, strict=True):
    with tab:
        st.caption(HELP[section])
        frame = table_editor(
            f"edit_{section}_{version}",
            partial(tables.records_to_frame, section, data.get(section, [])),
        )
        edited[section] = tables.frame_to_records(section, frame)
        errors_slots[section] = st.empty()

with tabs[7]:
    st.caption(
        "Hard rules are never broken; soft rules cost their weight per unit; off is ignored."
    )
    rules_table = table_editor(
        f"edit_rules_{version}",
        lambda: tables.rules_frame(data),
        dynamic=False,
        disabled=["rule"],
        column_config={
            "mode": st.column_config.SelectboxColumn(options=["hard", "soft", "off"]),
            "boundary": st.column_config.SelectboxColumn(options=["exempt", "count"]),
        },
    )
    edited["rules"] = tables.frame_to_rules(rules_table, data)
    errors_slots["rules"] = st.empty()

with tabs[8]:
    st.caption("How much each objective term counts. Coverage comes first by default.")
    weights_table = table_editor(
        f"edit_weights_{version}",
        lambda: pd.DataFrame(
            {
                "term": list(Weights.model_fields),
                "weight": [
                    int((data.get("weights") or {}).get(k, f.default))
                    for k, f in Weights.model_fields.items()
                ],
            }
        ),
        dynamic=False,
        disabled=["term"],
    )
    edited["weights"] = {
        str(r["term"]): int(r["weight"])
        for r in weights_table.to_dict(orient="records")
        if pd.notna(r["weight"])
    }
    errors_slots["weights"] = st.empty()

# --- Validation, next to each table, and the summary -------------------------------------------
edited = {k: v for k, v in edited.items() if v is not None}
validation = tables.validate(edited)
state.update_scenario(validation.scenario, edited)
for section, slot in errors_slots.items():
    own = validation.errors.get(section, [])
    if section == "general":
        own = [
            f"{s}: {m}"
            for s, msgs in validation.errors.items()
            if s not in errors_slots or s == "general"
            for m in msgs
        ]
    if own:
        with slot.container():
            show_errors(own)

st.divider()
scenario: Scenario | None = validation.scenario
if scenario is None:
    tabs_with_errors = {
        SECTION_TITLES[s] if s in errors_slots else SECTION_TITLES["general"]
        for s in validation.errors
    }
    failing = ", ".join(t for t in SECTION_TITLES.values() if t in tabs_with_errors)
    st.error(
        f"The scenario has errors (see the {failing} tab). Other pages use the last valid version."
    )
else:
    st.success("The scenario is valid.")
    with reported_errors("Summarising the scenario"):
        st.code(scenario_summary(scenario), language=None)
st.download_button(
    "Download scenario as YAML",
    tables.data_to_yaml(edited),
    file_name=f"{edited.get('id') or 'scenario'}.yaml",
    mime="application/x-yaml",
    key="download_yaml",
    on_click="ignore",
)
