"""What-if commands: ``headcount``, ``compare`` and ``sweep``."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import Any

from optimizer.errors import InputError
from optimizer.io import load_scenario, write_json


def register(sub: Any) -> None:
    """Add ``headcount``, ``compare`` and ``sweep`` to the CLI."""
    p = sub.add_parser("headcount", help="fewest workers per agency that staff every shift")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="seconds (60)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="solver threads (2)")
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.add_argument(
        "--share-tolerance",
        type=float,
        default=0.10,
        metavar="F",
        help="agency share of hours within target ± F (0.10); negative turns it off",
    )
    p.add_argument("--out", metavar="DIR", help="write headcount.json and the team's roster.csv")
    p.set_defaults(func=cmd_headcount)

    p = sub.add_parser("compare", help="scenarios side by side on the same incidents")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files")
    p.add_argument("--incidents", help="incident CSV/XLSX (default: the bundled synthetic year)")
    p.add_argument("--incidents-tz", help="zone of naive incident times (default America/Toronto)")
    p.add_argument("--occupied-minutes", type=float, help="mean minutes a response occupies")
    p.add_argument("--eligible-only", action="store_true", help="only incidents marked eligible")
    p.add_argument(
        "--staff-to-fit", action="store_true", help="use each scenario's minimum-headcount team"
    )
    p.add_argument("--time-limit", type=float, default=20.0, metavar="S", help="per scenario (20)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="solver threads (2)")
    p.add_argument("--seed", type=int, default=0, help="solver and replay seed (0)")
    _cost_args(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the three files")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("sweep", help="vary headcount, coverage, occupied time, trend on a grid")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--grid", required=True, help="grid YAML (see optimizer/whatif/sweep.py)")
    p.add_argument("--incidents", help="incident CSV/XLSX (default: the bundled synthetic year)")
    p.add_argument("--time-limit", type=float, default=10.0, metavar="S", help="per point (10)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="processes (cores)")
    p.add_argument("--seed", type=int, default=0, help="seed of every point (0)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for sweep.csv, sweep.json")
    p.set_defaults(func=cmd_sweep)


def _cost_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("costs (multipliers of the hourly rate; highest applies)")
    g.add_argument("--evening-premium", type=float, default=1.10, metavar="X", help="(1.10)")
    g.add_argument("--evening-hours", default="18:00-06:00", metavar="HH:MM-HH:MM")
    g.add_argument("--weekend-premium", type=float, default=1.15, metavar="X", help="(1.15)")
    g.add_argument("--holiday-premium", type=float, default=1.5, metavar="X", help="(1.5)")
    g.add_argument("--overtime-premium", type=float, default=1.5, metavar="X", help="(1.5)")
    g.add_argument("--fte-hours", type=float, default=37.5, metavar="H", help="(37.5)")


def _costs(args: argparse.Namespace) -> Any:
    import datetime as dt

    from optimizer.whatif.kpis import CostParams

    try:
        lo, hi = (dt.time.fromisoformat(x.strip()) for x in args.evening_hours.split("-"))
    except ValueError:
        raise InputError(
            f"--evening-hours: expected HH:MM-HH:MM, got {args.evening_hours!r}"
        ) from None
    return CostParams(
        evening_premium=args.evening_premium,
        evening_start=lo,
        evening_end=hi,
        weekend_premium=args.weekend_premium,
        holiday_premium=args.holiday_premium,
        overtime_premium=args.overtime_premium,
        fte_hours_per_week=args.fte_hours,
    )


def _positive(args: argparse.Namespace) -> None:
    if args.time_limit <= 0:
        raise InputError(f"--time-limit: expected positive seconds, got {args.time_limit}")
    if getattr(args, "workers", 1) < 1:
        raise InputError(f"--workers: expected at least 1, got {args.workers}")


def cmd_headcount(args: argparse.Namespace) -> int:
    """``shiftcover headcount SCENARIO``."""
    _positive(args)
    from optimizer.roster import write_roster_csv
    from optimizer.solver.headcount import min_headcount

    scenario = load_scenario(args.scenario)
    tolerance = None if args.share_tolerance < 0 else args.share_tolerance
    print(f"{scenario.name} ({scenario.id})", flush=True)
    result = min_headcount(
        scenario,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        share_tolerance=tolerance,
    )
    print(result.summary())
    if result.roster is not None:
        r = result.roster
        print(
            f"roster             {r.status.value}, objective {r.objective}, "
            f"{r.unfilled_person_shifts} unfilled"
        )
        print("team               " + ", ".join(result.workers))
    if args.out:
        out = Path(args.out)
        write_json(out / "headcount.json", result.to_json())
        written = ["headcount.json"]
        if result.roster is not None and result.team is not None:
            write_roster_csv(out / "roster.csv", result.team, result.roster.assignments)
            written.append("roster.csv")
        print(f"wrote {', '.join(f'{args.out}/{n}' for n in written)}")
    return 0 if result.headcount is not None else 3


def _print_progress(done: float, total: int, message: str) -> None:
    print(f"  [{done:4.1f}/{total}] {message}", file=sys.stderr, flush=True)


def _pct(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f} %"


def _money(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"${x:,.0f}"


def comparison_text(comparison: Any) -> str:
    """The key figures as a plain-text table, one line per scenario."""
    t = comparison.table
    head = (
        f"{'scenario':<18} {'status':<9} {'gap':>6} {'h/wk':>5} {'workers':>7} {'FTE':>5} "
        f"{'cost/yr':>11} {'unfilled':>8} {'staffed':>7} {'on site':>7} {'busy':>6} "
        f"{'off-hrs':>7} {'$/extra victim':>14}"
    )
    lines = [head]
    for _, r in t.iterrows():
        lines.append(
            f"{r['scenario'][:18]:<18} {r['status']:<9} {_pct(r.get('gap')):>6} "
            f"{r.get('staffed_hours_per_week', math.nan):>5.0f} {r.get('workers', 0):>7.0f} "
            f"{r.get('fte', math.nan):>5.1f} {_money(r.get('total_cost_per_year')):>11} "
            f"{r.get('unfilled_slot_hours_per_week', math.nan):>8.1f} "
            f"{_pct(r.get('in_staffed_time_share')):>7} {_pct(r.get('on_site_share')):>7} "
            f"{_pct(r.get('missed_busy_share')):>6} {_pct(r.get('missed_off_hours_share')):>7} "
            f"{_money(r.get('cost_per_additional_victim')):>14}"
        )
    a = comparison.assumptions()
    lines.append("")
    lines.append(
        f"incidents: {a['incidents_source']}" + ("  [SYNTHETIC]" if a["synthetic"] else "")
    )
    lines.append(
        f"occupied {a['mean_occupied_minutes']:.0f} min per response; h/wk = staffed clock hours "
        "a week; unfilled = slot-hours a week; $/extra victim vs the first scenario"
    )
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace) -> int:
    """``shiftcover compare SCENARIO... --out DIR``."""
    _positive(args)
    from optimizer.whatif.compare import compare, load_incidents, write_comparison

    if args.occupied_minutes is not None and args.occupied_minutes <= 0:
        raise InputError(f"--occupied-minutes must be positive, got {args.occupied_minutes}")
    costs = _costs(args)
    scenarios = [load_scenario(p) for p in args.scenarios]
    incidents = load_incidents(args.incidents, tz=args.incidents_tz or scenarios[0].timezone)
    comparison = compare(
        scenarios,
        incidents,
        occupied=args.occupied_minutes,
        costs=costs,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        staff_to_fit=args.staff_to_fit,
        eligible_only=args.eligible_only,
        progress=_print_progress,
    )
    print(comparison_text(comparison))
    paths = write_comparison(args.out, comparison)
    print(f"\nwrote {', '.join(str(p) for p in paths)}")
    return 0


def _bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done >= total else ""
    print(
        f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} points",
        end=end,
        file=sys.stderr,
        flush=True,
    )


def cmd_sweep(args: argparse.Namespace) -> int:
    """``shiftcover sweep SCENARIO --grid grid.yaml --out DIR``."""
    _positive(args)
    if args.jobs < 1:
        raise InputError(f"--jobs: expected at least 1, got {args.jobs}")
    from optimizer.whatif.compare import load_incidents
    from optimizer.whatif.sweep import load_grid, run_sweep, write_sweep

    scenario = load_scenario(args.scenario)
    grid = load_grid(args.grid)
    incidents = load_incidents(args.incidents, tz=scenario.timezone)
    result = run_sweep(
        scenario,
        grid,
        incidents.frame,
        time_limit=args.time_limit,
        seed=args.seed,
        jobs=args.jobs,
        progress=_bar,
    )
    cols = [
        c
        for c in (
            "point",
            "hires",
            "coverage",
            "required",
            "occupied_minutes",
            "trend",
            "status",
            "workers",
            "total_cost_per_year",
            "on_site_share",
            "error",
        )
        if c in result.table.columns
    ]
    with_pd_options = result.table[cols].to_string(index=False, float_format=lambda x: f"{x:.3f}")
    print(with_pd_options)
    paths = write_sweep(args.out, result)
    print(f"\n{len(result.table)} points, {result.failed} failed; incidents: {incidents.source}"
          + ("  [SYNTHETIC]" if incidents.synthetic else ""))  # fmt: skip
    print(f"wrote {', '.join(str(p) for p in paths)}")
    return 0 if result.failed == 0 else 1
