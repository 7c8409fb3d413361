"""Compare page: expansion options side by side on the same incident history."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import streamlit as st

from optimizer.scenario import Scenario
from ui import comparing, services, state, tables
from ui.incident_data import Incidents
from ui.widgets import reported_errors

st.title("Compare")
st.caption(
    "Solve several scenarios — for example the pilot and a daily service — and replay the "
    "same incidents on each roster: what each option costs and how many victims would see "
    "a social worker on site."
)

CURRENT = "current scenario (as edited)"
bundled = list(tables.bundled_scenarios())
choices = [CURRENT, *bundled]
defaults = [n for n in ("windsor-pilot", "windsor-daily") if n in bundled]
picked = st.multiselect("Scenarios to compare", choices, default=defaults, key="compare_pick")
time_limit = st.slider("Time limit per scenario (seconds)", 2, 120, 10, key="compare_limit")
c1, c2 = st.columns(2)
staff_to_fit = c1.checkbox(
    "Find the fewest workers each option needs (slower)",
    key="compare_staff_to_fit",
    help="Planned hires are added only where the current staff cannot cover the shifts.",
)
eligible_only = c2.checkbox(
    "Count only incidents marked eligible (e.g. a charge was laid)", key="compare_eligible"
)

loaded: Incidents | None = state.incidents()
if loaded is not None:
    st.caption(f"Incidents: {loaded.source} (from the Incidents page).")
else:
    st.caption(
        "No incidents loaded on the Incidents page: the bundled **synthetic** Windsor year is used."
    )

c1, c2 = st.columns([1, 4])
run_clicked = c1.button("Run comparison", type="primary", key="run_compare")
stop_clicked = c2.button("Stop", key="stop_compare")
if run_clicked:
    with reported_errors("Starting the comparison"):
        if len(picked) < 2:
            st.error("Pick at least two scenarios to compare.")
        else:
            scenarios: list[Scenario] = []
            for name in picked:
                if name == CURRENT:
                    current = state.scenario()
                    if current is not None:
                        scenarios.append(current)
                else:
                    scenarios.append(tables.load_bundled(name))
            incidents = loaded if loaded is not None else comparing.bundled_incidents()
            started = services.start_comparison(
                scenarios, incidents, float(time_limit), staff_to_fit, eligible_only
            )
            state.set_job_key("compare", started.key)

job = services.registry().get(state.job_key("compare"))
if job is not None and stop_clicked and not job.done:
    job.stop.set()
if job is not None and not job.done:
    # Poll the background work; clicks rerun the page while it goes on.
    bar = st.progress(0.0, text="Starting…")
    while not job.done:
        if job.events:
            done, total, message = job.events[-1]
            bar.progress(min(1.0, done / max(total, 1)), text=f"{message} ({job.elapsed:.0f} s)")
        time.sleep(0.4)
    bar.progress(1.0, text=f"Finished after {job.elapsed:.1f} s")
if job is not None and job.done and state.job_key("compare_shown") != job.key:
    state.set_job_key("compare_shown", job.key)
    if job.error:
        st.error(f"The comparison failed: {job.error}")
    else:
        state.set_comparison(job.result)


@st.cache_data(show_spinner="Writing the report…", max_entries=4)
def _report(key: str, _comparison: comparing.Comparison) -> str:
    # One report per finished comparison; it embeds plotly.js, so build it once.
    return comparing.html_report(_comparison)


comparison: comparing.Comparison | None = state.comparison()
if comparison is None:
    st.info("Pick two or more scenarios and press **Run comparison**.")
    st.stop()
assert comparison is not None

st.divider()
if comparison.synthetic:
    st.warning(
        "SYNTHETIC INCIDENTS — the figures below come from generated data, not real incidents.",
        icon=":material/science:",
    )
st.caption(
    f"Incidents: {comparison.incidents_source} · {comparison.incidents:,} counted · a response "
    f"occupies a worker {comparison.occupied_minutes:.0f} min on average · "
    f"{comparison.time_limit:g} s per solve. The first scenario is the baseline."
)


def _formatted(table: pd.DataFrame) -> dict[str, Any]:
    return {
        label: st.column_config.NumberColumn(format=fmt)
        for label, fmt in comparing.column_formats(table).items()
    }


with reported_errors("Showing the comparison"):
    st.subheader("Key figures")
    key_table = comparing.kpi_table(comparison, comparing.KEY_COLUMNS)
    st.dataframe(key_table, hide_index=True, column_config=_formatted(key_table), key="kpis")
    with st.expander("Every figure"):
        full = comparing.kpi_table(comparison)
        st.dataframe(full, hide_index=True, column_config=_formatted(full), key="kpis_all")
    cost, missed, paid = comparing.figures(comparison)
    st.plotly_chart(cost, key="cost_coverage")
    st.subheader("Where incidents go without a worker on site")
    st.plotly_chart(missed, key="missed")
    st.plotly_chart(paid, key="paid_hours")
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the HTML report",
        _report(str(state.job_key("compare_shown")), comparison),
        file_name="comparison.html",
        mime="text/html",
        key="compare_html",
        on_click="ignore",
    )
    c2.download_button(
        "Download the CSV",
        comparison.table.to_csv(index=False),
        file_name="comparison.csv",
        mime="text/csv",
        key="compare_csv",
        on_click="ignore",
    )
