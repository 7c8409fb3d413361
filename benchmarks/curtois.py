"""Curtois & Qu benchmark: shiftcover's own engine against the best known rosters.

Each instance is imported into an ordinary scenario (``optimizer.curtois``),
solved by the same ``optimizer.solver.solve`` every user runs, and the roster
re-checked by the solver-independent ``optimizer.check.check``. The table is
printed and written to the "Curtois & Qu" section of ``docs/benchmarks.md``.

    python benchmarks/curtois.py --instances 1-12 --time-limit 60 --workers 2 --seeds 0,1,2

With two threads CP-SAT is not deterministic, and one run of an instance can
differ from the next by several percent; with several seeds each row shows
the median run and lists every run's objective.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from optimizer.check import check
from optimizer.curtois import parse_instance, to_scenario
from optimizer.io import write_text
from optimizer.solver import solve

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "benchmarks" / "curtois" / "instances"
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "Curtois & Qu"

#: Best known objective values (schedulingbenchmarks.org); True when proven optimal.
BEST_KNOWN: dict[int, tuple[int, bool]] = {
    1: (607, True),
    2: (828, True),
    3: (1001, True),
    4: (1716, True),
    5: (1143, False),
    6: (1950, False),
    7: (1056, False),
    8: (1300, True),
    9: (439, True),
    10: (4631, False),
    11: (3443, False),
    12: (4040, False),
}


def machine_line() -> str:
    """'Machine: AMD EPYC, 2 cores, 23 GB RAM, Linux; Python 3.12, OR-Tools 9.12; 2026-11-25'."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(
                line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages * page_size / 2**30:.0f} GB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    return (
        f"Machine: {cpu}, {os.cpu_count()} cores{memory}, {platform.system()}; "
        f"Python {platform.python_version()}, OR-Tools {version('ortools')}; "
        f"run {dt.date.today().isoformat()}"
    )


DOC_HEADER = """# Benchmarks

How close shiftcover's engine gets to known results, and how it scales, in the
time a manager will wait. Each section names the machine (2 cores) and date it
was measured on and the command that reproduces it.
"""


def replace_section(doc: Path, title: str, text: str) -> None:
    """Put ``text`` (starting with ``## title``) in place of that section of ``doc``.

    Other sections are left as they are; the section is appended when absent and
    the file created with a short header when missing. The generated text never
    has ``###`` subsections: those under the section are hand-written notes (what
    was tried, what changed) and are kept after the new text.
    """
    current = doc.read_text(encoding="utf-8") if doc.exists() else DOC_HEADER
    lines = current.splitlines(keepends=True)
    heading = f"## {title}"
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    block = text.rstrip("\n") + "\n"
    if start is None:
        new = current.rstrip("\n") + "\n\n" + block
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith(("## ", "### "))),
            len(lines),
        )
        after = "".join(lines[end:])
        new = "".join(lines[:start]) + block + ("\n" + after if after else "")
    write_text(doc, new)


@dataclass(frozen=True)
class Row:
    """One instance's result."""

    instance: int
    size: str
    best_known: int
    ours: int | None
    bound: float | None
    status: str
    first: float | None
    best_time: float | None
    verdict: str
    #: Every run's objective, in seed order (one entry for a single run).
    runs: tuple[int | None, ...] = ()

    @property
    def gap(self) -> float | None:
        """Gap to the best known value, in percent of it."""
        if self.ours is None:
            return None
        return 100 * (self.ours - self.best_known) / self.best_known

    def cells(self) -> list[str]:
        """Table cells, ``—`` for anything missing."""

        def num(x: float | None, fmt: str) -> str:
            return "—" if x is None else format(x, fmt)

        proven = "" if BEST_KNOWN[self.instance][1] else "*"
        return [
            str(self.instance),
            self.size,
            f"{self.best_known}{proven}",
            num(self.ours, "d"),
            num(self.gap, ".2f"),
            num(self.bound, ".0f"),
            self.status,
            num(self.first, ".2f"),
            num(self.best_time, ".1f"),
            self.verdict,
            " / ".join(num(x, "d") for x in self.runs),
        ]


HEADER = [
    "Instance",
    "Days × staff × shifts",
    "Best known",
    "Ours",
    "Gap %",
    "Best bound",
    "Status",
    "First roster (s)",
    "Time to best (s)",
    "Checker",
    "Runs",
]


def parse_range(text: str) -> list[int]:
    """'1-12', '1,3,5' or '2-4,9' → instance numbers."""
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-", 1))
            out.extend(range(lo, hi + 1))
        elif part:
            out.append(int(part))
    bad = [n for n in out if n not in BEST_KNOWN]
    if bad:
        raise SystemExit(f"unknown instance(s) {bad}; choose from 1-12")
    return out


def run(n: int, time_limit: float, workers: int, seed: int, data: Path) -> Row:
    """Import, solve and check one instance."""
    instance = parse_instance(data / f"Instance{n}.txt")
    scenario = to_scenario(instance)
    result = solve(scenario, time_limit=time_limit, workers=workers, seed=seed)
    verdict = "no roster"
    if result.status.has_roster:
        report = check(scenario, result.assignments)
        if report.violations:
            verdict = f"{len(report.violations)} violation(s)"
        elif report.objective != result.objective:
            verdict = f"objective {report.objective} ≠ {result.objective}"
        else:
            verdict = "ok"
    # The first time the final objective was reached: later callbacks may repeat it.
    best_time = next(
        (p.wall_time for p in result.progress if p.objective == result.objective),
        result.first_solution_time,
    )
    return Row(
        instance=n,
        size=f"{instance.days} × {len(instance.employees)} × {len(instance.shifts)}",
        best_known=BEST_KNOWN[n][0],
        ours=result.objective,
        bound=result.best_bound,
        status=result.status.value,
        first=result.first_solution_time,
        best_time=best_time,
        verdict=verdict,
    )


def median_row(runs: list[Row]) -> Row:
    """The median run of one instance (by objective), with every run's objective.

    Its bound is the best any run proved (each is valid) and its checker
    verdict the first failure among the runs, if any.
    """
    ranked = sorted(runs, key=lambda r: (r.ours is None, r.ours or 0))
    middle = ranked[(len(ranked) - 1) // 2]
    bounds = [r.bound for r in runs if r.bound is not None]
    verdicts = [r.verdict for r in runs if r.verdict != "ok"]
    firsts = [r.first for r in runs if r.first is not None]
    return Row(
        instance=middle.instance,
        size=middle.size,
        best_known=middle.best_known,
        ours=middle.ours,
        bound=max(bounds) if bounds else None,
        status=middle.status,
        first=statistics.median(firsts) if firsts else None,
        best_time=middle.best_time,
        verdict=verdicts[0] if verdicts else "ok",
        runs=tuple(r.ours for r in runs),
    )


def summary(rows: list[Row]) -> str:
    """One sentence: how many rosters reach or come close to the best known values."""
    gaps = [r.gap for r in rows if r.gap is not None]
    reached = sum(g <= 0 for g in gaps)
    close = sum(g <= 1 for g in gaps)
    checked = sum(r.verdict == "ok" for r in rows)
    runs = max((len(r.runs) for r in rows), default=1)
    what = f"Median of {runs} runs: best" if runs > 1 else "Best"
    return (
        f"{what} known value reached on {reached} of {len(rows)} instances and within 1 % on "
        f"{close}; {checked} of {len(rows)} instances pass the checker (every run) with the "
        "same objective."
    )


def markdown(rows: list[Row], time_limit: float, workers: int, seeds: list[int]) -> str:
    """The section text: settings, table and a note on the columns."""
    seed_text = ",".join(str(x) for x in seeds)
    lines = [
        f"## {SECTION}",
        "",
        f"{machine_line()}. Time limit {time_limit:g} s per instance, {workers} search "
        f"workers, seeds {seed_text}. Command: `python benchmarks/curtois.py --time-limit "
        f"{time_limit:g} --workers {workers} --seeds {seed_text}`.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
        *("| " + " | ".join(r.cells()) + " |" for r in rows),
        "",
        summary(rows),
        "",
        "Each instance is imported as an ordinary scenario (`shiftcover curtois import`) and "
        "solved by the same engine as every program. *Gap %* is (ours − best known) / best "
        "known; *Best bound* is the best proven lower bound (CP-SAT's, or the LP "
        "relaxation's or the decomposition's when higher); * marks best known values "
        "not proven optimal in the literature. *Checker* is the solver-independent "
        "checker's verdict: no hard violation and the same objective (which equals the "
        "benchmark's cost). With several seeds a row is the median run (by objective); "
        "*Runs* lists every run's objective in seed order, *Best bound* is the best any "
        "run proved and *First roster* the median time.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns 0 when every roster passes the checker."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="1-12", help="e.g. 1-12, 1,3,5 (default 1-12)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT search workers")
    parser.add_argument(
        "--seeds", default="0", help="comma-separated seeds; each row is the median run"
    )
    parser.add_argument("--data", type=Path, default=DATA, help="folder of InstanceN.txt files")
    parser.add_argument("--doc", type=Path, default=DOC, help="Markdown file to update")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args(argv)
    try:
        seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    except ValueError:
        parser.error(f"--seeds: expected comma-separated integers, got {args.seeds!r}")
    if not seeds:
        parser.error("--seeds: give at least one seed")

    rows: list[Row] = []
    print(" | ".join(HEADER), flush=True)
    started = time.perf_counter()
    for n in parse_range(args.instances):
        row = median_row([run(n, args.time_limit, args.workers, x, args.data) for x in seeds])
        rows.append(row)
        print(" | ".join(row.cells()), flush=True)
    print(f"total {time.perf_counter() - started:.0f} s")
    if not args.no_doc:
        replace_section(args.doc, SECTION, markdown(rows, args.time_limit, args.workers, seeds))
        print(f"wrote the {SECTION} section of {args.doc}")
    return 0 if all(r.verdict == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
