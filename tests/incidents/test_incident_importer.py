"""Importer: real Milwaukee export, privacy, bad rows, DST, formats, properties."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.errors import InputError
from optimizer.incidents import import_incidents, write_incidents_csv

DATA = Path(__file__).parent / "data"
MILWAUKEE = (
    Path(__file__).parents[2] / ".." / "shared" / "data" / "incidents" / "milwaukee_domestic.csv"
)
NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)

needs_milwaukee = pytest.mark.skipif(not MILWAUKEE.exists(), reason="shared data not present")


@needs_milwaukee
def test_milwaukee_imports_unchanged_with_local_offsets() -> None:
    result = import_incidents(MILWAUKEE, tz="America/Chicago", now=NOW)
    frame, report = result.frame, result.report
    assert list(frame.columns) == ["timestamp", "category", "eligible"]
    assert len(frame) == report.rows_kept == report.rows_read == 1218
    assert str(frame["timestamp"].dt.tz) == "America/Chicago"
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2018-05-01T00:03:46-05:00")
    assert report.dropped_columns == ()
    assert report.bad_count == 0
    # Documented properties over the 18 complete days (the gap day and the partial day out).
    local = frame["timestamp"]
    day = local.dt.date
    complete = ~day.isin([dt.date(2018, 5, 17), dt.date(2018, 5, 18), dt.date(2018, 5, 21)])
    hours = local[complete].dt.hour
    assert ((hours >= 15) & (hours < 23)).mean() == pytest.approx(0.439, abs=0.01)
    assert ((hours >= 18) | (hours < 6)).mean() == pytest.approx(0.590, abs=0.01)
    gap = (local > pd.Timestamp("2018-05-17T11:22", tz="America/Chicago")) & (
        local < pd.Timestamp("2018-05-18T10:06", tz="America/Chicago")
    )
    assert not gap.any()


@needs_milwaukee
def test_offsets_are_converted_to_the_chosen_zone_and_category_filter() -> None:
    result = import_incidents(MILWAUKEE, keep=r"^BATTERY", now=NOW)
    assert str(result.frame["timestamp"].dt.tz) == "America/Toronto"
    assert result.frame["timestamp"].iloc[0].isoformat() == "2018-05-01T01:06:39-04:00"
    raw = pd.read_csv(MILWAUKEE)
    expected = int(raw["category"].str.match(r"(?i)^BATTERY").sum())
    assert len(result.frame) == expected
    assert result.report.filtered_out == 1218 - expected
    assert result.frame["category"].str.startswith("BATTERY").all()


def test_private_columns_are_dropped_and_never_echoed(tmp_path: Path) -> None:
    src = DATA / "with_pii.csv"
    result = import_incidents(
        src,
        date_col="Reported Date",
        clock_col="Reported Time",
        category_col="Nature Code",
        keep="IPV",
        eligible_col="Charge Laid",
        now=NOW,
    )
    assert list(result.frame.columns) == ["timestamp", "category", "eligible"]
    assert result.report.dropped_columns == (
        "Incident Number",
        "Victim Name",
        "Address",
        "Narrative",
        "Latitude",
        "Longitude",
    )
    out = tmp_path / "clean.csv"
    write_incidents_csv(out, result.frame)
    text = out.read_text() + result.report.summary() + str(result.report.to_dict())
    for secret in ("Jane Roe", "Ouellette", "intoxicated", "42.3149", "WPS-24-000101"):
        assert secret not in text
    assert out.read_text().splitlines()[0] == "timestamp,category,eligible"
    assert result.report.filtered_out == 1
    assert result.frame["eligible"].tolist() == [True, False, pd.NA, True]


def test_dst_repeat_hour_and_mixed_formats_in_date_clock_columns() -> None:
    result = import_incidents(
        DATA / "with_pii.csv",
        date_col="Reported Date",
        clock_col="Reported Time",
        category_col="Nature Code",
        now=NOW,
    )
    stamps = [t.isoformat() for t in result.frame["timestamp"]]
    # 01:30 on 3 Nov 2024 happens twice in Toronto: read as the first (daylight) one.
    assert stamps[:3] == [
        "2024-11-02T23:45:00-04:00",
        "2024-11-03T01:30:00-04:00",
        "2024-11-03T01:30:00-04:00",
    ]
    assert stamps[-1] == "2024-11-05T15:15:00-05:00"
    assert any("repeat hour" in n for n in result.report.notes)


def test_spring_gap_times_move_forward(tmp_path: Path) -> None:
    src = tmp_path / "gap.csv"
    src.write_text("timestamp\n2025-03-09 02:30:00\n2025-03-09 01:59:00\n")
    stamps = [t.isoformat() for t in import_incidents(src, now=NOW).frame["timestamp"]]
    assert stamps == ["2025-03-09T01:59:00-05:00", "2025-03-09T03:30:00-04:00"]


def test_bad_rows_are_counted_with_row_numbers() -> None:
    result = import_incidents(
        DATA / "bad_rows.csv", category_col="nature", keep="DV", now=NOW, time_col="call_time"
    )
    report = result.report
    assert report.rows_read == 8
    assert report.filtered_out == 1  # THEFT
    assert report.bad_rows == {
        "missing_time": (3,),
        "bad_time": (4, 8),
        "future": (6,),
        "duplicate": (5,),
    }
    assert report.rows_kept == len(result.frame) == 2
    assert report.dropped_columns == ("address",)
    summary = report.summary()
    assert "2 unparseable or out-of-range time: rows 4, 8" in summary
    assert "Fake St" not in summary


def test_time_column_is_detected_by_name_and_separator_sniffed() -> None:
    result = import_incidents(DATA / "bad_rows.csv", now=NOW)
    assert result.report.time_columns == ("call_time",)
    semi = import_incidents(DATA / "semicolon.csv", time_format="%d.%m.%Y %H:%M", now=NOW)
    assert semi.frame["timestamp"].iloc[0].isoformat() == "2025-03-10T08:00:00-04:00"
    assert semi.report.dropped_columns == ("type", "street")


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        (
            "no_usable_rows.csv",
            {},
            "no usable incident rows (1 missing time; 2 unparseable or out-of-range time)",
        ),
        ("no_time_column.csv", {}, "cannot tell which column holds the incident time"),
        ("bad_rows.csv", {"time_col": "Occurred"}, "no timestamp column 'Occurred'"),
        ("bad_rows.csv", {"keep": "DV"}, "--keep needs a category column"),
        ("bad_rows.csv", {"category_col": "nature", "keep": "("}, "not a valid regular expression"),
        ("bad_rows.csv", {"tz": "Mars/Olympus"}, "unknown time zone"),
        ("empty.csv", {}, "the file is empty"),
        ("wrong_suffix.json", {}, "expected a .csv or .xlsx file"),
        ("missing.csv", {}, "file not found"),
        ("bad_rows.csv", {"time_col": "call_time", "date_col": "x"}, "not both"),
    ],
)
def test_bad_files_give_clear_messages(name: str, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as info:
        import_incidents(DATA / name, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)
    if name != "missing.csv" and "zone" not in message and "not both" not in message:
        assert name in str(info.value) or "--keep" in message or "regular" in message


def test_no_usable_rows_names_the_column() -> None:
    with pytest.raises(InputError, match=r"check the time column timestamp"):
        import_incidents(DATA / "no_usable_rows.csv", now=NOW)


def test_xlsx_with_excel_dates_and_times(tmp_path: Path) -> None:
    src = tmp_path / "export.xlsx"
    pd.DataFrame(
        {
            "Date": [dt.datetime(2025, 7, 1), dt.datetime(2025, 7, 2)],
            "Time": [dt.time(15, 30), dt.time(0, 5, 9)],
            "Offence": ["IPV", "IPV"],
            "Name": ["A", "B"],
        }
    ).to_excel(src, index=False)
    result = import_incidents(
        src, date_col="Date", clock_col="Time", category_col="Offence", now=NOW
    )
    assert [t.isoformat() for t in result.frame["timestamp"]] == [
        "2025-07-01T15:30:00-04:00",
        "2025-07-02T00:05:09-04:00",
    ]
    assert result.report.dropped_columns == ("Name",)


def test_written_file_reads_back_identically(tmp_path: Path) -> None:
    first = import_incidents(DATA / "with_pii.csv", date_col="Reported Date",
                             clock_col="Reported Time", category_col="Nature Code",
                             eligible_col="Charge Laid", now=NOW)  # fmt: skip
    out = tmp_path / "incidents.csv"
    write_incidents_csv(out, first.frame, comment="a label\nsecond line")
    again = import_incidents(out, now=NOW)
    assert again.report.time_columns == ("timestamp",)
    assert again.report.bad_rows == {}
    pd.testing.assert_frame_equal(first.frame, again.frame)


ZONES = ["America/Toronto", "America/Chicago", "Europe/London", "Australia/Sydney", "UTC"]
FORMATS = ["iso-offset", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M:%S", "iso-z"]


def _render(moment: dt.datetime, fmt: str) -> str:
    if fmt == "iso-offset":
        return moment.isoformat()
    if fmt == "iso-z":
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime(fmt)


def _unambiguous(moment: dt.datetime) -> bool:
    naive = moment.replace(tzinfo=None)
    zone = moment.tzinfo
    return (
        naive.replace(tzinfo=zone, fold=0).utcoffset()
        == naive.replace(tzinfo=zone, fold=1).utcoffset()
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stamps=st.lists(
        st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2026, 1, 1)),
        min_size=1,
        max_size=15,
    ),
    zone=st.sampled_from(ZONES),
    fmt=st.sampled_from(FORMATS),
    explicit=st.booleans(),
)
def test_property_valid_timestamps_round_trip(
    tmp_path: Path, stamps: list[dt.datetime], zone: str, fmt: str, explicit: bool
) -> None:
    tz = ZoneInfo(zone)
    moments = [s.replace(microsecond=0, tzinfo=dt.UTC).astimezone(tz) for s in stamps]
    if "%S" not in fmt and not fmt.startswith("iso"):
        moments = [m.replace(second=0) for m in moments]
    naive_format = not fmt.startswith("iso")
    if naive_format:
        moments = [m for m in moments if _unambiguous(m)]
    if not moments:
        return
    src = tmp_path / f"prop-{abs(hash((zone, fmt, tuple(stamps))))}.csv"
    src.write_text("when,other\n" + "".join(f"{_render(m, fmt)},x\n" for m in moments))
    # Day-first dates cannot be told from month-first ones without the format.
    time_format = fmt if naive_format and (explicit or fmt.startswith("%d")) else None
    result = import_incidents(src, time_col="when", tz=zone, time_format=time_format, now=NOW)
    expected = sorted({pd.Timestamp(m).tz_convert(zone) for m in moments})
    assert list(result.frame["timestamp"]) == expected
    assert result.report.bad_count == len(moments) - len(expected)


JUNK = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters='\r\n,"\x00'),
        max_size=12,
    ),
    st.sampled_from(["", "   ", "2025-13-45", "25:99", "NaT", "null", "0", "-1", "1e9"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(junk=st.lists(JUNK, max_size=12), valid=st.integers(min_value=0, max_value=5))
def test_property_junk_rows_are_counted_never_crash(
    tmp_path: Path, junk: list[str], valid: int
) -> None:
    rows = [f"2025-06-{d + 1:02d} 12:00:00" for d in range(valid)] + junk
    src = tmp_path / f"junk-{abs(hash((tuple(junk), valid)))}.csv"
    src.write_text("timestamp\n" + "".join(f'"{r}"\n' for r in rows))
    try:
        result = import_incidents(src, now=NOW)
    except InputError as exc:
        assert "no usable incident rows" in str(exc)
        return
    report = result.report
    assert report.rows_read == len(rows)
    assert report.rows_kept + report.bad_count == len(rows)
    assert report.rows_kept >= valid
