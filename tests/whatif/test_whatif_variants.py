"""``extends:`` merging and ``hires:`` placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.errors import InputError
from optimizer.io import load_scenario
from optimizer.variants import merge

BASE = """\
id: base
name: Base
horizon: {start: 2024-09-23, weeks: 1}
agencies:
  - {id: A, name: Agency A, hourly_cost: 50, default_skills: [ipv], default_max_hours_per_week: 30}
  - {id: B, name: Agency B}
workers:
  - {id: W1, name: One, agency: A, skills: [ipv]}
coverage:
  - {id: day, start: "09:00", end: "17:00", required: 1, skills: [ipv]}
rules:
  max_hours_per_week: {value: 40}
  min_rest_hours: {value: 11, mode: soft, weight: 7}
weights: {unfilled: 1000, fairness_hours: 2}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_merge_mappings_merge_and_lists_replace() -> None:
    parent = {"rules": {"a": {"value": 1, "mode": "hard"}, "b": 2}, "workers": [1, 2], "x": 1}
    child = {"rules": {"a": {"value": 5}}, "workers": [3]}
    assert merge(parent, child) == {
        "rules": {"a": {"value": 5, "mode": "hard"}, "b": 2},
        "workers": [3],
        "x": 1,
    }


def test_extends_overrides_rules_weights_and_replaces_coverage(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        """\
extends: base.yaml
id: child
rules:
  min_rest_hours: {value: 12}
weights: {fairness_hours: 9}
coverage:
  - {id: eve, start: "15:00", end: "23:00", required: 2, days: Wed-Sun}
""",
    )
    s = load_scenario(child)
    assert s.id == "child" and s.name == "Base"
    # A mapping merges key by key: the mode and weight come from the parent.
    assert s.rules.min_rest_hours.value == 12
    assert s.rules.min_rest_hours.mode.value == "soft" and s.rules.min_rest_hours.weight == 7
    assert s.rules.max_hours_per_week.value == 40
    assert s.weights.fairness_hours == 9 and s.weights.unfilled == 1000
    # A list replaces the parent's whole.
    assert [c.id for c in s.coverage] == ["eve"]
    assert s.coverage[0].days == ("Wed", "Thu", "Fri", "Sat", "Sun")


def test_extends_chain_of_three(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    write(tmp_path, "mid.yaml", "extends: base.yaml\nid: mid\nweights: {unfilled: 500}\n")
    leaf = write(tmp_path, "leaf.yaml", "extends: mid.yaml\nid: leaf\nname: Leaf\n")
    s = load_scenario(leaf)
    assert (s.id, s.name, s.weights.unfilled, s.weights.fairness_hours) == ("leaf", "Leaf", 500, 2)


def test_unknown_key_in_a_variant_is_named(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nrules:\n  max_nights: {value: 2}\n")
    with pytest.raises(InputError, match="max_nights"):
        load_scenario(child)
    top = write(tmp_path, "top.yaml", "extends: base.yaml\ncolour: blue\n")
    with pytest.raises(InputError, match="colour"):
        load_scenario(top)


def test_extends_cycle_is_an_input_error(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\nid: a\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nid: b\n")
    with pytest.raises(InputError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")
    write(tmp_path, "self.yaml", "extends: self.yaml\n")
    with pytest.raises(InputError, match="cycle"):
        load_scenario(tmp_path / "self.yaml")


def test_extends_missing_parent_and_bad_value(tmp_path: Path) -> None:
    child = write(tmp_path, "child.yaml", "extends: nowhere.yaml\n")
    with pytest.raises(InputError, match=r"nowhere\.yaml"):
        load_scenario(child)
    bad = write(tmp_path, "bad.yaml", "extends: [a, b]\n")
    with pytest.raises(InputError, match="extends"):
        load_scenario(bad)


def test_hires_are_named_placeholders_with_agency_defaults(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nhires: {A: 2, B: 1}\n")
    s = load_scenario(child)
    hires = [w for w in s.workers if w.placeholder]
    assert [w.id for w in hires] == ["A-hire-1", "A-hire-2", "B-hire-1"]
    assert all("planned" in w.name for w in hires)
    a1 = s.worker("A-hire-1")
    assert a1.agency == "A" and a1.skills == ("ipv",) and a1.max_hours_per_week == 30
    b1 = s.worker("B-hire-1")
    assert b1.skills == () and b1.max_hours_per_week is None
    assert not s.worker("W1").placeholder


@pytest.mark.parametrize(
    ("hires", "message"),
    [("{Z: 1}", "unknown agency 'Z'"), ("{A: -1}", "whole number"), ("[A]", "mapping")],
)
def test_bad_hires(tmp_path: Path, hires: str, message: str) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(tmp_path, "child.yaml", f"extends: base.yaml\nhires: {hires}\n")
    with pytest.raises(InputError, match=message):
        load_scenario(child)
