"""The Curtois & Qu benchmark script: median of several seeds, table and doc section."""

from __future__ import annotations

from pathlib import Path

import curtois as bench
import pytest

from .conftest import instance_path


def row(ours: int | None, bound: float | None, verdict: str = "ok") -> bench.Row:
    return bench.Row(
        instance=5,
        size="28 × 16 × 2",
        best_known=1143,
        ours=ours,
        bound=bound,
        status="feasible",
        first=1.0 if ours is not None else None,
        best_time=2.0,
        verdict=verdict,
    )


def test_median_row_takes_the_middle_run_and_the_best_bound() -> None:
    runs = [row(1200, 900), row(1150, 1000), row(1300, 950)]
    median = bench.median_row(runs)
    assert median.ours == 1200
    assert median.bound == 1000
    assert median.runs == (1200, 1150, 1300)
    assert median.verdict == "ok"
    assert median.cells()[-1] == "1200 / 1150 / 1300"


def test_median_row_reports_any_failed_check_and_ranks_missing_rosters_last() -> None:
    runs = [row(None, None, "no roster"), row(1150, 1000), row(1160, 990, "1 violation(s)")]
    median = bench.median_row(runs)
    assert median.ours == 1160
    assert median.verdict == "no roster"
    assert median.cells()[-1] == "— / 1150 / 1160"


@pytest.mark.skipif(not instance_path(1).exists(), reason="benchmark instances not available")
def test_main_runs_each_seed_and_writes_the_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## Other\n\nkept\n", encoding="utf-8")
    code = bench.main(
        ["--instances", "1", "--time-limit", "5", "--seeds", "0,1", "--doc", str(doc)]
    )
    assert code == 0
    text = doc.read_text(encoding="utf-8")
    assert "## Other\n\nkept" in text
    line = next(x for x in text.splitlines() if x.startswith("| 1 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[3] == "607"  # instance 1 is solved to its optimum by every run
    assert cells[-2] == "ok"
    assert cells[-1] == "607 / 607"
    assert "seeds 0,1" in text


def test_bad_seed_list_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as err:
        bench.main(["--seeds", "a,b", "--no-doc"])
    assert err.value.code == 2


def test_replace_section_keeps_hand_written_notes_and_other_sections(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "# Benchmarks\n\n## Curtois & Qu\n\nold table\n\n### What was tried\n\nnotes\n\n"
        "## Scaling\n\nscaling table\n",
        encoding="utf-8",
    )
    bench.replace_section(doc, "Curtois & Qu", "## Curtois & Qu\n\nnew table\n")
    text = doc.read_text(encoding="utf-8")
    assert "old table" not in text
    assert "## Curtois & Qu\n\nnew table\n\n### What was tried\n\nnotes" in text
    assert text.endswith("## Scaling\n\nscaling table\n")


def test_replace_section_appends_a_missing_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## Other\n\nkept\n", encoding="utf-8")
    bench.replace_section(doc, "Scaling", "## Scaling\n\ntable\n")
    assert (
        doc.read_text(encoding="utf-8")
        == "# Benchmarks\n\n## Other\n\nkept\n\n## Scaling\n\ntable\n"
    )
