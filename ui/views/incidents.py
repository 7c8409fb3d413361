"""Incidents page: import an export (or generate synthetic data) and set it against the roster."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from optimizer.incidents import pattern_intervals, replay
from optimizer.roster import on_duty_intervals
from ui import incident_data as idata
from ui import state
from ui.widgets import reported_errors

NONE = "(none)"

st.title("Incidents")
st.caption(
    "Incident history shows when help is needed. Uploaded files are read in memory; only "
    "the time, category and eligibility columns are kept, and nothing is saved to disk."
)
scenario = state.scenario()
if scenario is None:
    st.info("Load a scenario on the Scenario page first.")
    st.stop()
assert scenario is not None

upload_tab, synthetic_tab = st.tabs(["Upload an export", "Generate synthetic data"])
with upload_tab:
    upload = st.file_uploader(
        "Incident export (CSV or Excel)",
        type=["csv", "xlsx", "tsv", "txt"],
        key="incident_upload",
    )
    if upload is not None:
        header: list[str] = []
        with reported_errors(f"Reading {upload.name}"):
            header = idata.read_header(upload)
        if header:
            st.write(f"Columns found: {', '.join(header)}")
            guessed = idata.guess_mapping(header, scenario.timezone)
            options = [NONE, *header]

            def pick(label: str, default: str | None, key: str, help: str | None = None) -> str:
                index = options.index(default) if default in options else 0
                return str(st.selectbox(label, options, index=index, key=key, help=help))

            separate = st.radio(
                "How is the time of an incident given?",
                ["One date-and-time column", "Separate date and clock columns"],
                index=0 if guessed.time_col or not guessed.date_col else 1,
                horizontal=True,
                key="map_separate",
            ).startswith("Separate")
            c1, c2, c3 = st.columns(3)
            if separate:
                date_col = pick("Date column", guessed.date_col, "map_date")
                clock_col = pick("Clock column", guessed.clock_col, "map_clock")
                time_col = NONE
            else:
                time_col = pick("Date-and-time column", guessed.time_col, "map_time")
                date_col = clock_col = NONE
            tz = c1.text_input(
                "Time zone of the export",
                scenario.timezone,
                key="map_tz",
                help="Times without a UTC offset are read in this zone (e.g. America/Chicago).",
            )
            category_col = pick("Category column", guessed.category_col, "map_category")
            keep = st.text_input(
                "Keep only categories matching (optional)",
                "",
                key="map_keep",
                help="A pattern such as DV|IPV; case is ignored. Leave blank to keep all.",
            )
            eligible_col = pick(
                "Eligible column (optional)",
                guessed.eligible_col,
                "map_eligible",
                help="Says whether a visit applies, e.g. a charge was laid.",
            )
            if st.button("Import incidents", type="primary", key="import_incidents"):
                with reported_errors(f"Importing {upload.name}"):
                    mapping = idata.Mapping(
                        time_col=None if time_col == NONE else time_col,
                        date_col=None if date_col == NONE else date_col,
                        clock_col=None if clock_col == NONE else clock_col,
                        tz=tz.strip(),
                        category_col=None if category_col == NONE else category_col,
                        keep=keep.strip() or None,
                        eligible_col=None if eligible_col == NONE else eligible_col,
                    )
                    state.set_incidents(idata.import_upload(upload, mapping))
with synthetic_tab:
    st.write(
        "Made-up incidents that follow published Windsor figures (daily volume, time of "
        "day, weekday and month patterns). **Not real data**: every figure made from them "
        "is labelled synthetic."
    )
    c1, c2, c3 = st.columns(3)
    start = c1.date_input("First day", scenario.horizon.start, key="synthetic_start")
    days = c2.number_input("Days", 7, 3 * 365, scenario.horizon.days, key="synthetic_days")
    seed = c3.number_input("Seed", 0, 10_000, 0, key="synthetic_seed")
    if st.button("Generate synthetic incidents", key="generate_incidents"):
        with reported_errors("Generating incidents"):
            state.set_incidents(idata.synthetic(start, int(days), int(seed), scenario.timezone))

incidents: idata.Incidents | None = state.incidents()
if incidents is None:
    st.info("Upload an export or generate synthetic data to see the incident pattern.")
    st.stop()
assert incidents is not None

st.divider()
if incidents.synthetic:
    st.warning("SYNTHETIC DATA — generated incidents, not real ones.", icon=":material/science:")
st.subheader(f"Incidents: {incidents.source}")
report = incidents.report
if report is not None:
    m = st.columns(4)
    m[0].metric("Rows read", report.rows_read)
    m[1].metric("Rows kept", report.rows_kept)
    m[2].metric("Rows rejected", report.bad_count)
    m[3].metric("Outside the category filter", report.filtered_out)
    st.write(
        "Columns dropped (never read past the header): "
        + (", ".join(report.dropped_columns) if report.dropped_columns else "none")
    )
    rejected = idata.report_rows(report)
    if not rejected.empty:
        st.dataframe(rejected, hide_index=True, key="rejected_rows")
    for note in report.notes:
        st.caption(note)

result = state.result()
if result is not None and result.status.has_roster and result.scenario == scenario:
    intervals = on_duty_intervals(scenario, list(result.assignments))
    basis = "the solved roster"
else:
    intervals = pattern_intervals(scenario)
    basis = "the scenario's coverage at required headcount (no roster solved yet)"
st.caption(f"Staffed hours from {basis}.")

with reported_errors("Analysing the incidents"):
    staffed = idata.staffed_grid(intervals, scenario.timezone)
    st.plotly_chart(idata.heatmap(incidents, staffed), key="incident_heatmap")
    st.plotly_chart(idata.monthly(incidents), key="incident_trend")

    coverage = idata.on_site(incidents, intervals, scenario.timezone)
    replayed = replay(incidents.frame, intervals, tz=scenario.timezone)
    st.subheader("On-site availability" + (" (synthetic data)" if incidents.synthetic else ""))
    m = st.columns(4)
    m[0].metric("Incidents", f"{coverage.incidents:,}")
    m[1].metric("In staffed hours", f"{coverage.share:.1%}")
    m[2].metric("Worker on site (replay)", f"{replayed.on_site_rate:.1%}")
    m[3].metric("Missed: all workers busy", f"{replayed.missed_busy:,}")
    st.caption(
        "The replay places each incident on the roster's weeks by wall-clock time and sends "
        "the first free worker on duty, who stays busy for travel, the visit and notes."
    )
    by_hour = replayed.by_hour().reset_index()
    long = by_hour.melt(
        id_vars=["hour"],
        value_vars=["served", "missed_busy", "missed_off_hours"],
        var_name="outcome",
        value_name="count",
    )
    fig = px.bar(long, x="hour", y="count", color="outcome", title="Outcome by hour of day")
    st.plotly_chart(fig, key="replay_by_hour")
    st.dataframe(
        pd.DataFrame(coverage.by_weekday).reset_index(), hide_index=True, key="coverage_weekday"
    )
