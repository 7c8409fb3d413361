"""Scenario variants: ``extends:`` another scenario file and ``hires:`` placeholders.

A variant file names a parent with ``extends: parent.yaml`` and overrides
parts of it. Mappings (``rules``, ``weights``, ``horizon``, …) merge key by
key; lists (``workers``, ``coverage``, …) replace the parent's list whole.
``hires: {HH: 2}`` adds two placeholder workers to agency HH with that
agency's defaults; they are named as planned hires in every output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optimizer.errors import InputError
from optimizer.io import expand_tables, load_yaml


def merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``child`` over ``parent``: mappings merge, everything else replaces."""
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve_scenario_data(
    path: Path, _chain: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Load ``path`` with its ``extends`` chain merged and table files read.

    Returns the merged raw data and, per table section, the file it came from.
    """
    path = path.resolve()
    if path in _chain:
        cycle = " → ".join(p.name for p in (*_chain, path))
        raise InputError(f"{path}: extends forms a cycle ({cycle})")
    data = load_yaml(path)
    data, sources = expand_tables(data, path.parent)
    parent_ref = data.pop("extends", None)
    hires = data.pop("hires", None)
    if parent_ref is not None:
        if not isinstance(parent_ref, str):
            raise InputError(f"{path}: extends: expected a file name, got {parent_ref!r}")
        parent_data, parent_sources = resolve_scenario_data(
            path.parent / parent_ref, (*_chain, path)
        )
        data = merge(parent_data, data)
        sources = {**parent_sources, **sources}
    if hires is not None:
        data = add_hires(data, hires, path)
        sources.pop("workers", None)  # rows no longer line up with the file
    return data, sources


def add_hires(data: dict[str, Any], hires: Any, path: Path) -> dict[str, Any]:
    """Append placeholder workers per agency, using the agency's defaults."""
    if not isinstance(hires, dict):
        raise InputError(
            f"{path}: hires: expected a mapping of agency id to a count, e.g. {{HH: 2}}"
        )
    agencies = {a.get("id"): a for a in data.get("agencies", []) if isinstance(a, dict)}
    workers = list(data.get("workers", []))
    for agency_id, count in hires.items():
        if agency_id not in agencies:
            raise InputError(f"{path}: hires: unknown agency {agency_id!r}")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise InputError(
                f"{path}: hires.{agency_id}: expected a whole number ≥ 0, got {count!r}"
            )
        agency = agencies[agency_id]
        for k in range(1, count + 1):
            worker: dict[str, Any] = {
                "id": f"{agency_id}-hire-{k}",
                "name": f"{agency_id} new hire {k} (planned)",
                "agency": agency_id,
                "placeholder": True,
            }
            if "default_skills" in agency:
                worker["skills"] = agency["default_skills"]
            if "default_max_hours_per_week" in agency:
                worker["max_hours_per_week"] = agency["default_max_hours_per_week"]
            workers.append(worker)
    return {**data, "workers": workers}
