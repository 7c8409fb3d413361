"""Fixtures for the app's page tests (AppTest, no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"


class Pages:
    """Starts the app in AppTest and reads what the manager would see."""

    root = ROOT
    scenarios = ROOT / "scenarios"

    def start(self, page: str | None = None, timeout: float = 60) -> AppTest:
        """The app on its default page, or switched to ``page`` (e.g. "roster")."""
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        at.run()
        if page is not None:
            at.switch_page(f"views/{page}.py").run()
        return at

    @staticmethod
    def ok(at: AppTest) -> None:
        """Fail with the messages when a page raised instead of showing a message."""
        assert not at.exception, [e.value for e in at.exception]

    @staticmethod
    def errors(at: AppTest) -> str:
        """Every error message on the page, joined."""
        return "\n".join(str(e.value) for e in at.error)

    @staticmethod
    def metrics(at: AppTest) -> dict[str, str]:
        """Metric values by label."""
        return {m.label: str(m.value) for m in at.metric}


@pytest.fixture
def pages() -> Pages:
    """The page driver."""
    return Pages()
