"""The Incidents page: import with a column mapping and report, synthetic data, figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
MILWAUKEE = ROOT.parent / "shared" / "data" / "incidents" / "milwaukee_domestic.csv"
BAD_ROWS = ROOT / "tests" / "incidents" / "data" / "bad_rows.csv"


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="incident_upload").upload(name, data, "text/csv")
    return at.run()


def test_asks_for_incidents(pages: Any) -> None:
    at = pages.start("incidents")
    pages.ok(at)
    assert any("Upload an export" in i.value for i in at.info)


@pytest.mark.skipif(not MILWAUKEE.exists(), reason="shared Milwaukee sample not present")
def test_milwaukee_export_imports_with_its_zone(pages: Any) -> None:
    at = upload(pages.start("incidents"), "milwaukee.csv", MILWAUKEE.read_bytes())
    assert at.selectbox(key="map_time").value == "timestamp"
    assert at.selectbox(key="map_category").value == "category"
    at.text_input(key="map_tz").input("America/Chicago").run()
    at.button(key="import_incidents").click().run()
    pages.ok(at)
    assert not at.error, pages.errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows kept"] == "1218"
    # About a third of Milwaukee's domestic calls fall in the pilot's hours (data README).
    share = float(metrics["In staffed hours"].rstrip("%"))
    assert 28 < share < 36
    assert len(at.get("plotly_chart")) >= 3
    assert not any("SYNTHETIC" in w.value for w in at.warning)


def test_rejected_rows_and_dropped_columns_are_reported(pages: Any) -> None:
    at = upload(pages.start("incidents"), "export.csv", BAD_ROWS.read_bytes())
    at.button(key="import_incidents").click().run()
    pages.ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows rejected"] == "5"
    assert any("nature, address" in m.value for m in at.markdown)
    table = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    reasons = set(table["reason"])
    assert "in the future" in reasons


def test_a_category_filter_keeps_matching_rows(pages: Any) -> None:
    data = b"timestamp,category\n2025-03-01T10:00:00,DV\n2025-03-01T11:00:00,theft\n"
    at = upload(pages.start("incidents"), "export.csv", data)
    at.text_input(key="map_keep").input("dv").run()
    at.button(key="import_incidents").click().run()
    pages.ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows kept"] == "1"
    assert metrics["Outside the category filter"] == "1"


def test_a_bad_upload_gives_a_message(pages: Any) -> None:
    at = upload(pages.start("incidents"), "export.csv", b"nature,address\nBATTERY,1 Main St\n")
    at.button(key="import_incidents").click().run()
    pages.ok(at)
    text = pages.errors(at)
    assert "cannot tell which column holds the incident time" in text
    assert "export.csv" in text and "/proc/" not in text
    assert at.session_state["incidents"] is None


def test_synthetic_data_is_labelled(pages: Any) -> None:
    at = pages.start("incidents")
    at.button(key="generate_incidents").click().run()
    pages.ok(at)
    assert any("SYNTHETIC" in w.value for w in at.warning)
    assert at.session_state["incidents"].synthetic


def test_uploads_never_reach_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The importer reads an upload through a link to anonymous memory, not a file."""
    from ui import incident_data
    from ui.uploads import MemoryUpload

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    secret = b"timestamp,category,address\n2025-03-01T10:00:00,DV,12 Secret Lane\n"
    seen: list[bytes] = []

    real = incident_data.import_incidents

    def spy(path: Path, **kwargs: object) -> object:
        for f in tmp_path.rglob("*"):
            if f.is_file() and not f.is_symlink():
                seen.append(f.read_bytes())
        assert Path(path).is_symlink()
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(incident_data, "import_incidents", spy)
    result = incident_data.import_upload(
        MemoryUpload("e.csv", secret), incident_data.Mapping(tz="America/Toronto")
    )
    assert list(result.frame.columns) == ["timestamp", "category", "eligible"]
    assert result.report is not None and result.report.dropped_columns == ("address",)
    assert not seen
    assert not any(tmp_path.iterdir())


def test_an_excel_export_with_separate_date_and_clock(pages: Any) -> None:
    import io

    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame(
        {
            "Incident Date": ["2025-03-01", "2025-03-02", "2025-03-02"],
            "Incident Time": ["16:05", "02:30", "21:15"],
            "Victim name": ["A", "B", "C"],
        }
    ).to_excel(buffer, index=False)
    at = pages.start("incidents")
    at.file_uploader(key="incident_upload").upload(
        "export.xlsx",
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    at.run()
    assert at.radio(key="map_separate").value.startswith("Separate")
    assert at.selectbox(key="map_date").value == "Incident Date"
    assert at.selectbox(key="map_clock").value == "Incident Time"
    at.button(key="import_incidents").click().run()
    pages.ok(at)
    assert not at.error, pages.errors(at)
    assert pages.metrics(at)["Rows kept"] == "3"
    assert any("Victim name" in m.value for m in at.markdown)
    assert list(at.session_state["incidents"].frame.columns) == [
        "timestamp",
        "category",
        "eligible",
    ]
