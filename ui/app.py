"""Entry point of the shiftcover app: navigation and shared state, nothing else.

Run with ``make run`` (binds to 127.0.0.1). Each page lives in ``ui/views``
and is a thin layer over the library.
"""

from __future__ import annotations

import streamlit as st

from ui import state

st.set_page_config(page_title="shiftcover", page_icon=":material/calendar_month:", layout="wide")
state.init()

PAGES = [
    st.Page("views/scenario.py", title="Scenario", icon=":material/edit_note:", default=True),
    st.Page("views/roster.py", title="Roster", icon=":material/calendar_month:"),
    st.Page("views/incidents.py", title="Incidents", icon=":material/crisis_alert:"),
    st.Page("views/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("views/publish.py", title="Publish", icon=":material/publish:"),
]

with st.sidebar:
    current = state.scenario()
    if current is not None:
        st.caption(f"Scenario: **{current.name}**")
        result = state.result()
        if result is not None:
            st.caption(f"Roster: {result.status.value}, {len(result.assignments)} assignments")

st.navigation(PAGES).run()
