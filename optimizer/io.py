"""Reading scenarios and tables from disk, with errors that name the place.

A scenario is a YAML file. The ``workers``, ``time_off``, ``preferences`` and
``demand`` sections may be written inline or name a CSV or XLSX file relative
to the YAML file. Every problem found is reported as one
:class:`~optimizer.errors.InputError` naming file, row and field.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
import yaml
from pydantic import ValidationError

from optimizer.errors import InputError
from optimizer.scenario import Scenario

#: Sections that may be given as a table file instead of inline.
TABLE_SECTIONS = ("workers", "time_off", "preferences", "demand", "agencies", "coverage")

#: Columns whose CSV cells hold nested values written as JSON or YAML.
_NESTED_COLUMNS = {"max_shifts", "windows", "window"}


def read_table(path: Path) -> list[dict[str, Any]]:
    """Read a CSV or XLSX table into records, blank cells left out."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
        elif suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            raise InputError(f"{path}: expected a .csv or .xlsx file, got {suffix or 'no suffix'}")
    except InputError:
        raise
    except Exception as exc:  # pandas raises many types for unreadable files
        raise InputError(f"{path}: cannot read table ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    records: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        record: dict[str, Any] = {}
        for raw_key, value in row.items():
            key = str(raw_key)
            text = str(value).strip()
            if text == "" or text.lower() == "nan":
                continue
            if key in _NESTED_COLUMNS:
                try:
                    record[key] = yaml.safe_load(text)
                except yaml.YAMLError:
                    record[key] = text
            else:
                record[key] = text
        records.append(record)
    return records


def load_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping, with a clear message when it is not one."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"{path}:{where} is not valid YAML ({exc})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a YAML mapping of scenario fields at the top level")
    return data


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario YAML file (following ``extends:`` chains)."""
    from optimizer.variants import resolve_scenario_data  # extends/hires live there

    path = Path(path)
    data, sources = resolve_scenario_data(path)
    return scenario_from_data(data, path, sources)


def scenario_from_data(
    data: Mapping[str, Any], path: Path | None = None, sources: Mapping[str, Path] | None = None
) -> Scenario:
    """Validate raw scenario data; ``sources`` maps sections to the table files they came from."""
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, path, sources or {})) from None


def expand_tables(data: dict[str, Any], base: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Replace table-file references in ``data`` by their records."""
    out = dict(data)
    sources: dict[str, Path] = {}
    for section in TABLE_SECTIONS:
        value = out.get(section)
        if isinstance(value, str):
            table = (base / value).resolve()
            out[section] = read_table(table)
            sources[section] = table
    return out, sources


def format_validation_error(
    exc: ValidationError, path: Path | None, sources: Mapping[str, Path]
) -> str:
    """Turn a pydantic error into lines naming file, row and field."""
    lines: list[str] = []
    for err in exc.errors():
        loc = list(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        where = str(path) if path else "scenario"
        if loc and isinstance(loc[0], str) and loc[0] in sources and len(loc) > 1:
            section, index, *field = loc
            where = f"{sources[str(section)]}, row {int(index) + 2}"
            field_text = ".".join(str(f) for f in field)
        else:
            field_text = ".".join(str(f) for f in loc)
        value = err.get("input")
        shown = ""
        if err["type"] not in ("missing",) and not isinstance(value, dict | list):
            shown = f" (got {value!r})"
        lines.append(f"{where}: {field_text or 'scenario'}: {msg}{shown}")
    return "invalid scenario:\n  " + "\n  ".join(lines)


@contextmanager
def atomic_write(
    path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[Any]:
    """Write a file through a temporary sibling, renamed into place on success.

    An error or interruption leaves any previous version of ``path`` intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    # mkstemp creates 0600 files; give the result the permissions an ordinary
    # file would get, so exports can be shared as usual.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        binary = "b" in mode
        with os.fdopen(
            fd, mode, encoding=None if binary else encoding, newline=None if binary else newline
        ) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | Path, payload: Any) -> None:
    """Write JSON atomically, keys sorted for stable diffs."""
    with atomic_write(path) as fh:
        json.dump(payload, fh, indent=2, sort_keys=True, default=str)
        fh.write("\n")


def write_text(path: str | Path, text: str) -> None:
    """Write text atomically."""
    fh: TextIO
    with atomic_write(path) as fh:
        fh.write(text)
