"""Engine commands: ``validate``, ``schema``, ``solve``, ``check``."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from optimizer.check import check
from optimizer.errors import InputError, NoRosterError
from optimizer.io import atomic_write, load_scenario, write_json
from optimizer.result import Progress, SolveResult, SolveStatus
from optimizer.roster import read_roster_csv, write_roster_csv
from optimizer.scenario import Scenario
from optimizer.shifts import expand_shifts

UNFILLED_COLUMNS = (
    "shift_id",
    "coverage_id",
    "date",
    "start",
    "end",
    "required",
    "assigned",
    "missing",
    "reason",
)


def register(sub: Any) -> None:
    """Add the engine commands to the CLI."""
    p = sub.add_parser("validate", help="check a scenario file and print a summary")
    p.add_argument("scenario", help="scenario YAML file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("solve", help="find the best roster and write it to a folder")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--time-limit", type=float, default=30.0, metavar="S", help="seconds (30)")
    p.add_argument(
        "--workers", type=int, default=2, metavar="N", help="solver threads; match your cores (2)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.add_argument("--out", metavar="DIR", help="write roster.csv, unfilled.csv, summary.json here")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("check", help="check any roster CSV against a scenario's rules")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("roster", help="roster CSV (shift_id, worker_id, …)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_check)


def scenario_summary(scenario: Scenario) -> str:
    """A few lines describing what a scenario asks for."""
    shifts = expand_shifts(scenario)
    person_hours = sum(s.required * s.minutes for s in shifts) / 60
    lines = [
        f"{scenario.name} ({scenario.id})",
        f"  horizon   {scenario.horizon.start} + {scenario.horizon.weeks} weeks "
        f"({scenario.timezone})",
        f"  agencies  {len(scenario.agencies)}: " + ", ".join(a.id for a in scenario.agencies),
        f"  workers   {len(scenario.workers)}"
        + (
            f" ({sum(w.placeholder for w in scenario.workers)} planned hires)"
            if any(w.placeholder for w in scenario.workers)
            else ""
        ),
        f"  coverage  {len(scenario.coverage)} line(s), {len(shifts)} shifts, "
        f"{person_hours:.0f} required person-hours "
        f"({person_hours / scenario.horizon.weeks:.1f} per week)",
        f"  time off  {len(scenario.time_off)} entries; preferences {len(scenario.preferences)}",
    ]
    return "\n".join(lines)


def cmd_validate(args: argparse.Namespace) -> int:
    """``shiftcover validate SCENARIO``."""
    scenario = load_scenario(args.scenario)
    print(scenario_summary(scenario))
    print("valid")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """``shiftcover schema``."""
    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def _print_progress(event: Progress) -> None:
    print(
        f"  {event.wall_time:6.1f} s  objective {event.objective:>10g}  "
        f"bound {event.best_bound:>10g}",
        file=sys.stderr,
        flush=True,
    )


def roster_table(result: SolveResult) -> str:
    """Per-worker table: shifts, hours against capacity, unsocial shifts, cost."""
    names = {w.id: w.name for w in result.scenario.workers}
    lines = [
        f"{'worker':<12} {'name':<22} {'agency':<6} {'shifts':>6} {'hours':>7} "
        f"{'capacity':>8} {'unsocial':>8} {'cost':>10}"
    ]
    for w in result.worker_loads:
        lines.append(
            f"{w.worker_id:<12} {names[w.worker_id][:22]:<22} {w.agency_id:<6} {w.shifts:>6} "
            f"{w.hours:>7.1f} {w.capacity_hours:>8.1f} {w.unsocial_shifts:>8} {w.cost:>10,.2f}"
        )
    share = ", ".join(f"{k} {v * 100:.1f} %" for k, v in result.agency_share.items())
    lines.append(f"agency share of staffed hours: {share}")
    return "\n".join(lines)


def write_unfilled_csv(path: Path, result: SolveResult) -> None:
    """Write ``unfilled.csv`` atomically."""
    with atomic_write(path, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(UNFILLED_COLUMNS)
        for u in result.unfilled:
            s = u.shift
            writer.writerow(
                [
                    s.id,
                    s.coverage_id,
                    s.date.isoformat(),
                    s.start.isoformat(),
                    s.end.isoformat(),
                    u.required,
                    u.assigned,
                    u.missing,
                    u.reason,
                ]
            )


def write_outputs(out: Path, result: SolveResult) -> None:
    """Write roster.csv, unfilled.csv and summary.json; all or nothing.

    The files are written to a temporary folder beside ``out`` and moved in
    one by one only once all three exist, so an error leaves no partial set.
    """
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".solve-") as tmp:
        staging = Path(tmp)
        write_roster_csv(staging / "roster.csv", result.scenario, result.assignments)
        write_unfilled_csv(staging / "unfilled.csv", result)
        write_json(staging / "summary.json", result.to_json())
        for name in ("roster.csv", "unfilled.csv", "summary.json"):
            (staging / name).replace(out / name)


def cmd_solve(args: argparse.Namespace) -> int:
    """``shiftcover solve SCENARIO``."""
    if args.time_limit <= 0:
        raise InputError(
            f"--time-limit: expected a positive number of seconds, got {args.time_limit}"
        )
    if args.workers < 1:
        raise InputError(f"--workers: expected at least 1, got {args.workers}")
    from optimizer.solver import solve  # keeps `validate`/`schema` free of OR-Tools start-up

    scenario = load_scenario(args.scenario)
    print(scenario_summary(scenario))
    if not args.quiet:
        print("solving …", file=sys.stderr)
    result = solve(
        scenario,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        progress=None if args.quiet else _print_progress,
    )
    print(result.summary())
    if not result.status.has_roster:
        if result.status is SolveStatus.INFEASIBLE:
            raise NoRosterError(f"{args.scenario}: {result.message}")
        raise NoRosterError(f"{args.scenario}: {result.message}; try a longer --time-limit")
    print()
    print(roster_table(result))
    if result.unfilled:
        print(f"\n{len(result.unfilled)} shift(s) short of the required headcount:")
        for u in result.unfilled[:20]:
            print(f"  {u.reason}")
        if len(result.unfilled) > 20:
            print(f"  … and {len(result.unfilled) - 20} more (see unfilled.csv)")
    if args.out:
        write_outputs(Path(args.out), result)
        print(f"\nwrote {args.out}/roster.csv, unfilled.csv, summary.json")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """``shiftcover check SCENARIO ROSTER_CSV``: exit 0 when no hard rule is broken, else 1."""
    scenario = load_scenario(args.scenario)
    assignments = read_roster_csv(args.roster, scenario)
    report = check(scenario, assignments)
    if args.json:
        payload = {
            "ok": report.ok,
            "objective": report.objective,
            "terms": report.terms,
            "violations": [
                {"rule": f.rule, "worker": f.worker, "shifts": list(f.shifts), "message": f.message}
                for f in report.violations
            ],
        }
        print(json.dumps(payload, indent=2))
    else:
        print(report.describe())
        terms = ", ".join(f"{k} {v}" for k, v in report.terms.items() if v)
        print(f"terms: {terms or 'all zero'}")
    return 0 if report.ok else 1
