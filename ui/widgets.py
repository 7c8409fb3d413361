"""Small Streamlit building blocks shared by the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from optimizer.errors import ShiftcoverError

T = TypeVar("T")


def snapshot(key: str, widget_key: str, build: Callable[[], T]) -> T:
    """A value fixed while a widget lives, rebuilt when the widget is new.

    Editors must see the same starting data on every rerun or Streamlit resets
    them; but when the manager leaves the page, Streamlit forgets the widget,
    and on return the editor must start from the latest edits. So the starting
    data is rebuilt exactly when the widget's state is absent.
    """
    if widget_key not in st.session_state or key not in st.session_state:
        st.session_state[key] = build()
    value: T = st.session_state[key]
    return value


def table_editor(
    widget_key: str,
    build: Callable[[], pd.DataFrame],
    *,
    column_config: dict[str, Any] | None = None,
    dynamic: bool = True,
    disabled: list[str] | None = None,
) -> pd.DataFrame:
    """A ``st.data_editor`` over a snapshot of ``build()``; returns the edited table."""
    base = snapshot(f"{widget_key}__base", widget_key, build)
    edited: pd.DataFrame = st.data_editor(
        base,
        key=widget_key,
        num_rows="dynamic" if dynamic else "fixed",
        hide_index=True,
        column_config=column_config,
        disabled=disabled or False,
        width="stretch",
    )
    return edited


def show_errors(messages: list[str], heading: str | None = None) -> None:
    """Validation messages as one error box (nothing when there are none)."""
    if not messages:
        return
    lines = "\n".join(f"- {m}" for m in messages)
    st.error(f"{heading}\n\n{lines}" if heading else lines, icon=":material/error:")


@contextmanager
def reported_errors(action: str) -> Iterator[None]:
    """Show any error of ``action`` as a message, never as a traceback.

    Input problems carry messages written for people and are shown as they
    are; anything else is reported briefly with its type, since it means a
    bug rather than bad input.
    """
    try:
        yield
    except ShiftcoverError as exc:
        st.error(f"{action} failed: {exc}", icon=":material/error:")
    except Exception as exc:  # a page must never show a traceback
        st.error(
            f"{action} failed unexpectedly ({type(exc).__name__}: {exc}).", icon=":material/error:"
        )
