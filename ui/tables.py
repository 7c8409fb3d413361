"""Scenario data as editable tables, and validation errors placed by section and row.

The Scenario page edits a scenario as plain JSON-like data: one table per list
section (agencies, workers, …) and forms for the rest. This module converts
between that data and :class:`pandas.DataFrame` tables, validates the data
with the optimizer's own model, and sorts every error message under the
section (and row) it belongs to, so the page can show it next to the table.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import ValidationError

from optimizer.io import format_validation_error, load_scenario
from optimizer.scenario import Scenario

#: The folder of bundled scenarios, next to the packages in the repository.
SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"

#: List sections edited as tables, in the order the page shows them.
TABLE_SECTIONS: tuple[str, ...] = (
    "agencies",
    "workers",
    "time_off",
    "preferences",
    "coverage",
    "demand",
)

#: Columns shown for each table even when every row leaves them blank.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "agencies": (
        "id",
        "name",
        "target_share",
        "hourly_cost",
        "default_max_hours_per_week",
        "default_skills",
        "contact",
    ),
    "workers": (
        "id",
        "name",
        "agency",
        "skills",
        "max_hours_per_week",
        "min_hours_per_week",
        "available_days",
        "start_date",
        "end_date",
        "hourly_cost",
        "max_shifts_per_week",
        "max_consecutive_days",
        "max_weekends",
        "placeholder",
        "windows",
        "max_shifts",
    ),
    "time_off": ("worker", "start", "end", "reason"),
    "preferences": ("worker", "kind", "weekday", "date", "coverage", "window", "weight"),
    "coverage": (
        "id",
        "name",
        "days",
        "start",
        "end",
        "required",
        "target",
        "max",
        "skills",
        "valid_from",
        "valid_to",
        "holidays",
    ),
    "demand": ("date", "coverage", "required", "target", "max"),
}

#: Columns holding whole numbers (shown as numbers, stored as int).
_INT_COLUMNS = {
    "required",
    "target",
    "max",
    "weight",
    "max_shifts_per_week",
    "max_consecutive_days",
    "max_weekends",
}
#: Columns holding decimals.
_FLOAT_COLUMNS = {
    "target_share",
    "hourly_cost",
    "default_max_hours_per_week",
    "max_hours_per_week",
    "min_hours_per_week",
}
#: Columns holding yes/no.
_BOOL_COLUMNS = {"placeholder"}
#: Columns whose cells hold nested values written as YAML/JSON text.
_NESTED_COLUMNS = {"windows", "max_shifts", "window"}

#: Rules edited in the rules table, with the extra fields each one has.
RULE_FIELDS = ("mode", "weight", "value", "window_weeks", "boundary")

_ROW_REF = re.compile(r"^(?P<section>[a-z_]+)(?:\.[a-z_]+)*\[(?P<row>\d+)\]")
_SECTIONS = "|".join(Scenario.model_fields)
_SECTION_REF = re.compile(rf"^(?P<section>{_SECTIONS}): ")
#: Where one cross-reference message ends and the next begins ("…; workers[3] …").
_NEXT_MESSAGE = re.compile(rf"; (?=(?:{_SECTIONS})(?:\.[a-z_]+)*\[\d+\]|(?:{_SECTIONS}): )")


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenario files by their file stem, sorted by name."""
    if not SCENARIO_DIR.is_dir():
        return {}
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


def load_bundled(name: str) -> Scenario:
    """Load one bundled scenario by file stem (raises ``InputError`` on problems)."""
    return load_scenario(bundled_scenarios()[name])


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """Editable JSON-like data of a scenario; defaults left out so the YAML stays short."""
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_defaults=True)
    # Required list sections may be empty; keep every table present for the editor.
    for section in TABLE_SECTIONS:
        data.setdefault(section, [])
    data.setdefault("horizon", scenario.horizon.model_dump(mode="json"))
    return data


def data_to_yaml(data: Mapping[str, Any]) -> str:
    """The scenario data as a YAML document a manager can keep and reload."""
    cleaned = {k: v for k, v in data.items() if not (isinstance(v, list) and not v)}
    text: str = yaml.safe_dump(cleaned, sort_keys=False, allow_unicode=True, width=100)
    return text


def _cell(value: Any) -> Any:
    """A record value as a table cell: lists joined with '|', nested values as YAML."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "|".join(value)
    if isinstance(value, list | dict):
        return yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    return value


def records_to_frame(section: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """One table of the editor: a column per field, one row per record."""
    columns = list(TABLE_COLUMNS.get(section, ()))
    for record in records:
        columns.extend(k for k in record if k not in columns)
    rows = [{c: _cell(r.get(c)) for c in columns} for r in records]
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column in _INT_COLUMNS or column in _FLOAT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Float64")
        elif column in _BOOL_COLUMNS:
            # Nullable, so a row added in the editor can leave it blank.
            frame[column] = frame[column].fillna(False).astype("boolean")
        else:
            frame[column] = frame[column].astype("object")
    return frame


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _plain(column: str, value: Any) -> Any:
    """A cell back to a plain Python value the scenario model accepts."""
    if hasattr(value, "item"):  # numpy / pandas scalars
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if column in _INT_COLUMNS and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        value = value.strip()
        if column in _NESTED_COLUMNS:
            try:
                return yaml.safe_load(value)
            except yaml.YAMLError:
                return value
    return value


def frame_to_records(section: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of an edited table as records; blank cells and blank rows are left out."""
    records: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        record = {
            str(k): _plain(str(k), v)
            for k, v in row.items()
            if not _blank(v) and not (str(k) in _BOOL_COLUMNS and not bool(v))
        }
        if record:
            records.append(record)
    return records


def rules_frame(data: Mapping[str, Any]) -> pd.DataFrame:
    """The labour rules as a table: one row per rule, blank where a rule has no such field."""
    defaults = Scenario.model_fields["rules"].default.model_dump(mode="json")
    current = data.get("rules", {}) or {}
    rows = []
    for name, default in defaults.items():
        merged = {**default, **(current.get(name) or {})}
        row: dict[str, Any] = {"rule": name}
        for f in RULE_FIELDS:
            row[f] = merged.get(f) if f in default else None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["rule", *RULE_FIELDS])
    for f in ("weight", "value", "window_weeks"):
        frame[f] = pd.to_numeric(frame[f], errors="coerce").astype("Float64")
    return frame


def frame_to_rules(frame: pd.DataFrame, data: Mapping[str, Any]) -> dict[str, Any]:
    """The rules table back to the ``rules`` mapping (successions kept from ``data``)."""
    defaults = Scenario.model_fields["rules"].default.model_dump(mode="json")
    rules: dict[str, Any] = {}
    for row in frame.to_dict(orient="records"):
        name = str(row["rule"])
        if name not in defaults:
            continue
        entry: dict[str, Any] = {}
        for f in RULE_FIELDS:
            if f not in defaults[name]:
                continue
            value = row.get(f)
            if _blank(value):
                if f == "value":
                    entry[f] = None  # blank means "no limit", not "the default"
                continue
            entry[f] = _plain("weight" if f in ("weight", "window_weeks") else f, value)
        old = (data.get("rules") or {}).get(name) or {}
        if "pairs" in old:
            entry["pairs"] = old["pairs"]
        rules[name] = entry
    return rules


@dataclass
class Validation:
    """The outcome of validating edited data: a scenario, or errors by section."""

    scenario: Scenario | None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the data made a valid scenario."""
        return self.scenario is not None

    def all_messages(self) -> list[str]:
        """Every error message, section first."""
        return [f"{s}: {m}" for s, msgs in self.errors.items() for m in msgs]


def _place(loc: tuple[Any, ...], msg: str, errors: dict[str, list[str]]) -> None:
    if loc and isinstance(loc[0], str):
        section = loc[0]
        rest = list(loc[1:])
        where = ""
        if rest and isinstance(rest[0], int):
            where = f"row {rest.pop(0) + 1}"
        if rest:
            where = f"{where}, field {'.'.join(str(r) for r in rest)}".lstrip(", ")
        errors.setdefault(section, []).append(f"{where}: {msg}" if where else msg)
        return
    # Cross-reference errors come as one message: "workers[2] (X): unknown agency …; …"
    for part in _NEXT_MESSAGE.split(msg):
        section = "scenario"
        if match := _ROW_REF.match(part):
            section = match.group("section")
            part = f"row {int(match.group('row')) + 1}{part[match.end() :]}"
        elif match := _SECTION_REF.match(part):
            section = match.group("section")
            part = part[match.end() :]
        errors.setdefault(section, []).append(part)


def validate(data: Mapping[str, Any]) -> Validation:
    """Validate edited scenario data with the optimizer's model."""
    try:
        return Validation(Scenario.model_validate(dict(data)))
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            value = err.get("input")
            if err["type"] != "missing" and not isinstance(value, dict | list):
                msg = f"{msg} (got {value!r})"
            _place(tuple(err["loc"]), msg, errors)
        return Validation(None, errors)


def error_text(exc: ValidationError) -> str:
    """The optimizer's own one-block description of a validation error."""
    return format_validation_error(exc, None, {})
