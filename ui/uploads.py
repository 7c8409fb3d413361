"""Uploaded files: size limits and reading scenarios and tables sent from the browser.

Uploads arrive as bytes in memory. Scenario files (YAML plus worker and
time-off tables) are written to a private temporary folder only so the
optimizer's own loader can follow their file references, and that folder is
removed at once. Incident files never pass through here: the Incidents page
hands their bytes to the importer from memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from optimizer.errors import InputError
from optimizer.io import load_scenario, read_table
from optimizer.scenario import Scenario

#: Largest upload accepted, checked in code as well as by ``server.maxUploadSize``.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024

#: Suffixes accepted for tables of workers, time off and the like.
TABLE_SUFFIXES = (".csv", ".xlsx")


class Upload(Protocol):
    """What the page needs of an uploaded file (``st.file_uploader`` returns these)."""

    name: str
    size: int

    def getvalue(self) -> bytes:
        """The file's content."""
        ...


@dataclass(frozen=True)
class MemoryUpload:
    """An uploaded file held in memory (used by tests and for bundled samples)."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def getvalue(self) -> bytes:
        """The file's content."""
        return self.data


def check_size(upload: Upload, limit: int | None = None) -> None:
    """Refuse a file larger than ``limit`` bytes (default :data:`MAX_UPLOAD_BYTES`), or empty."""
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    if upload.size > limit:
        raise InputError(
            f"{upload.name}: {upload.size / 1e6:.1f} MB is larger than the "
            f"{limit / 1e6:.0f} MB limit for uploads"
        )
    if upload.size == 0:
        raise InputError(f"{upload.name}: the file is empty")


def _safe_name(name: str) -> str:
    """The file name without any folder part, so an upload cannot point outside the folder."""
    base = Path(name.replace("\\", "/")).name
    if not base or base in (".", ".."):
        raise InputError(f"{name!r} is not a usable file name")
    return base


def scenario_from_uploads(yaml_file: Upload, tables: Sequence[Upload] = ()) -> Scenario:
    """Load a scenario YAML with the table files it names (workers.csv, time_off.xlsx, …)."""
    for upload in (yaml_file, *tables):
        check_size(upload)
    if not yaml_file.name.lower().endswith((".yaml", ".yml")):
        raise InputError(f"{yaml_file.name}: expected a .yaml scenario file")
    for upload in tables:
        if not upload.name.lower().endswith(TABLE_SUFFIXES):
            raise InputError(f"{upload.name}: expected a .csv or .xlsx table")
    with tempfile.TemporaryDirectory(prefix="shiftcover-") as folder:
        root = Path(folder)
        for upload in (yaml_file, *tables):
            (root / _safe_name(upload.name)).write_bytes(upload.getvalue())
        try:
            scenario = load_scenario(root / _safe_name(yaml_file.name))
        except InputError as exc:
            # The temporary folder means nothing to the user; name the uploaded files.
            raise InputError(
                str(exc).replace(f"{root.resolve()}/", "").replace(f"{root}/", "")
            ) from None
        return scenario


def table_from_upload(upload: Upload) -> list[dict[str, Any]]:
    """Records of an uploaded CSV or Excel table (blank cells left out)."""
    check_size(upload)
    name = _safe_name(upload.name)
    if not name.lower().endswith(TABLE_SUFFIXES):
        raise InputError(f"{upload.name}: expected a .csv or .xlsx table")
    with tempfile.TemporaryDirectory(prefix="shiftcover-") as folder:
        path = Path(folder) / name
        path.write_bytes(upload.getvalue())
        try:
            return read_table(path)
        except InputError as exc:
            raise InputError(str(exc).replace(str(path), upload.name)) from None
