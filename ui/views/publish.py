"""Publish page: download calendars and exports, publish a new version, see what changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from optimizer.result import SolveResult
from optimizer.roster import Assignment
from optimizer.scenario import Scenario
from ui import publishing, state
from ui.widgets import reported_errors

st.title("Publish")
result: SolveResult | None = state.result()
if result is None or not result.status.has_roster:
    st.info("Solve a roster on the Roster page first; its calendars are published here.")
    st.stop()
assert result is not None
scenario, assignments = result.scenario, result.assignments
if state.scenario() != scenario:
    st.warning("The scenario changed since this roster was solved; these files are the old roster.")
st.caption(f"Roster of **{scenario.name}**: {len(assignments)} assignments.")


@st.cache_data(show_spinner="Building calendars and exports…", max_entries=8)
def _exports(
    scenario_json: str,
    roster_key: tuple[tuple[str, str], ...],
    _scenario: Scenario,
    _assignments: tuple[Assignment, ...],
) -> tuple[list[publishing.CalendarFile], bytes, bytes, bytes]:
    # Keyed by the scenario's JSON and the roster, so coming back to this page is instant.
    files = publishing.calendar_files(_scenario, _assignments)
    return (
        files,
        archive,
        publishing.roster_csv(_scenario, _assignments),
        publishing.roster_xlsx(_scenario, _assignments),
    )


roster_key = tuple((a.shift_id, a.worker_id) for a in assignments)
files: list[publishing.CalendarFile] = []
archive = csv_bytes = xlsx_bytes = b""
with reported_errors("Building the calendars and exports"):
    files, archive, csv_bytes, xlsx_bytes = _exports(
        scenario.model_dump_json(), roster_key, scenario, assignments
    )

st.subheader("Calendars (.ics)")
st.write(
    "Workers subscribe to or import their own file; agencies and the program office "
    "get theirs; the open-shifts calendar lists shifts still short of people."
)
for group in ("Program", "Open shifts", "Agencies", "Workers"):
    members = [f for f in files if f.group == group]
    if not members:
        continue
    st.markdown(f"**{group}**")
    columns = st.columns(min(3, len(members)))
    for i, f in enumerate(members):
        columns[i % len(columns)].download_button(
            f"{f.title} — {f.file}",
            f.data,
            file_name=f.file,
            mime="text/calendar",
            key=f"ics_{f.file}",
            on_click="ignore",
        )
if files:
    st.download_button(
        "All calendars (.zip)",
        archive,
        file_name=f"{scenario.id}-calendars.zip",
        mime="application/zip",
        key="ics_zip",
        on_click="ignore",
    )

st.subheader("Roster tables")
c1, c2 = st.columns(2)
if csv_bytes:
    c1.download_button(
        "Roster CSV",
        csv_bytes,
        file_name=f"{scenario.id}-roster.csv",
        mime="text/csv",
        key="roster_csv",
        on_click="ignore",
    )
    c2.download_button(
        "Roster Excel workbook",
        xlsx_bytes,
        file_name=f"{scenario.id}-roster.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="roster_xlsx",
        on_click="ignore",
    )

st.subheader("Publish a new version")
st.write(
    "Publishing keeps every calendar's history: changed shifts are updated and removed "
    "ones cancelled in the calendars people already subscribed to."
)
folder = st.text_input("Publish folder", scenario.id, key="publish_folder")
with reported_errors("Reading the last publish"):
    manifest = publishing.last_publish(folder)
    where = publishing.publish_folder(folder)
    if manifest is None:
        st.caption(f"Nothing published yet in `{where}`.")
    else:
        st.caption(
            f"Last published: version {manifest.version} of {manifest.scenario} on "
            f"{manifest.published_at:%Y-%m-%d %H:%M} UTC, in `{where}`."
        )
        with reported_errors("Comparing with the last publish"):
            preview = publishing.publish_roster(scenario, assignments, folder, dry_run=True)
            if preview.has_changes:
                st.write(
                    f"{len(preview.changes)} event change(s) since version {manifest.version}."
                )
            else:
                st.write("Nothing changed since the last publish.")

if st.button("Publish new version", type="primary", key="publish"):
    with reported_errors("Publishing"):
        report = publishing.publish_roster(scenario, assignments, folder)
        if report.previous_version is not None and not report.has_changes:
            st.info(
                f"Nothing changed since version {report.version}; the calendars stay as they are."
            )
        else:
            st.success(f"Published version {report.version}.")
        st.code(report.summary(), language=None)
        changes = publishing.changes_table(report)
        if changes and report.previous_version is not None:
            st.dataframe(pd.DataFrame(changes), hide_index=True, key="changes")
