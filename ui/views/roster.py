"""Roster page: solve with live progress, inspect the roster, lock and re-solve."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from optimizer.result import SolveResult
from optimizer.roster import Assignment
from ui import charts, services, state
from ui.widgets import reported_errors, show_errors

st.title("Roster")
scenario = state.scenario()
if scenario is None:
    st.info("Load a scenario on the Scenario page first.")
    st.stop()
if state.has_edit_errors():
    st.warning("The Scenario page has errors; solving uses the last valid version of it.")
st.caption(f"Scenario: **{scenario.name}**")

# --- Solve -------------------------------------------------------------------------------------
locked = state.locked()
c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
time_limit = c1.slider("Time limit (seconds)", 2, 300, 20, key="time_limit")
solve_clicked = c2.button(
    f"Solve (keeping {len(locked)} locked)" if locked else "Solve",
    type="primary",
    key="solve",
)
stop_clicked = c3.button("Stop", key="stop_solve")

if solve_clicked:
    state.set_job_key("solve", services.start_solve(scenario, float(time_limit), locked).key)
job = services.registry().get(state.job_key("solve"))
if job is not None and stop_clicked and not job.done:
    job.stop.set()

if job is not None and not job.done:
    # Poll the background solve; any click reruns the page, and the solve goes on.
    with st.status(f"Solving (up to {time_limit} s)…", expanded=True) as status:
        line, chart = st.empty(), st.empty()
        tick = 0
        while not job.done:
            best = job.events[-1].objective if job.events else None
            line.write(
                f"{job.elapsed:.0f} s — "
                + (f"best objective so far {best:,.0f}" if best is not None else "searching…")
            )
            chart.plotly_chart(charts.progress_figure(job.events), key=f"progress_{tick}")
            tick += 1
            time.sleep(0.4)
        status.update(label=f"Solve finished after {job.elapsed:.1f} s", state="complete")

if job is not None and job.done and state.job_key("solve_shown") != job.key:
    state.set_job_key("solve_shown", job.key)
    if job.error:
        st.error(f"The solve failed: {job.error}")
    else:
        state.set_result(job.result)

result: SolveResult | None = state.result()
if result is None:
    st.info("Press **Solve** to build a roster.")
    st.stop()
assert result is not None

# --- Outcome -----------------------------------------------------------------------------------
if result.scenario != scenario:
    st.warning("The scenario changed since this roster was solved. Solve again to update it.")
if not result.status.has_roster:
    st.error(f"No roster: {result.message or result.status.value}.")
    st.stop()

m = st.columns(6)
m[0].metric("Status", result.status.value)
m[1].metric("Objective", f"{result.objective:,}" if result.objective is not None else "—")
m[2].metric("Gap", f"{result.gap * 100:.2f} %" if result.gap is not None else "—")
m[3].metric("Solve time", f"{result.wall_time:.1f} s")
m[4].metric("Short person-shifts", result.unfilled_person_shifts)
m[5].metric("Cost", f"${result.total_cost:,.0f}")

if result.progress:
    with st.expander(f"Search progress ({len(result.progress)} improving rosters)"):
        st.plotly_chart(charts.progress_figure(result.progress), key="progress_final")

with reported_errors("Checking the roster"):
    report = services.check_roster(result)
    if report.ok:
        st.success(
            f"Independent check: no hard rule is broken ({len(result.assignments)} assignments)."
        )
    else:
        show_errors(
            [f"[{f.rule}] {f.message}" for f in report.violations[:20]],
            "Independent check found broken rules:",
        )

left, right = st.columns([1, 2])
with left:
    st.subheader("Objective terms")
    st.dataframe(charts.terms_frame(result.objective_terms), hide_index=True, key="terms")
with right:
    st.subheader("Unfilled shifts")
    unfilled = charts.unfilled_frame(result)
    if unfilled.empty:
        st.write("Every shift has its required headcount.")
    else:
        st.dataframe(unfilled, hide_index=True, key="unfilled")

roster = charts.roster_frame(result.scenario, result.assignments)
tabs = st.tabs(
    ["By worker", "By agency", "Week grid", "Hours", "Fairness and agencies", "Lock and re-solve"]
)
with tabs[0]:
    st.plotly_chart(charts.gantt(roster, "worker"), key="gantt_worker")
with tabs[1]:
    st.plotly_chart(charts.gantt(roster, "agency"), key="gantt_agency")
with tabs[2]:
    weeks = charts.week_starts(result.scenario)
    week = st.selectbox(
        "Week starting", weeks, format_func=lambda d: f"{d:%a %d %b %Y}", key="grid_week"
    )
    st.dataframe(charts.week_grid(result, week), key="week_grid")
with tabs[3]:
    loads = charts.loads_frame(result)
    st.plotly_chart(charts.hours_figure(loads), key="hours")
    st.dataframe(loads, hide_index=True, key="loads")
with tabs[4]:
    st.plotly_chart(charts.unsocial_figure(loads), key="unsocial")
    shares = charts.agency_share_frame(result)
    st.plotly_chart(charts.agency_share_figure(shares), key="shares")
    st.dataframe(shares, hide_index=True, key="shares_table")
with tabs[5]:
    st.write(
        "Tick the assignments that must stay as they are, then re-solve: the rest of "
        "the roster is rebuilt around them."
    )
    table = roster[["shift_id", "date", "shift", "worker_id", "worker", "agency"]].copy()
    table.insert(
        0,
        "lock",
        [Assignment(s, w) in locked for s, w in zip(table.shift_id, table.worker_id, strict=True)],
    )
    edited: pd.DataFrame = st.data_editor(
        table,
        hide_index=True,
        disabled=[c for c in table.columns if c != "lock"],
        key=f"locks_{result.objective}_{len(locked)}",
    )
    chosen = frozenset(
        Assignment(str(r.shift_id), str(r.worker_id)) for r in edited.itertuples() if bool(r.lock)
    )
    c1, c2 = st.columns(2)
    if c1.button(f"Re-solve keeping {len(chosen)} locked", key="resolve", type="primary"):
        state.set_locked(chosen)
        state.set_job_key("solve", services.start_solve(scenario, float(time_limit), chosen).key)
        st.rerun()
    if c2.button("Clear all locks", key="clear_locks", disabled=not locked):
        state.set_locked(frozenset())
        st.rerun()
