"""Incident commands: ``incidents import``, ``incidents generate`` and ``coverage``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from optimizer.errors import InputError
from optimizer.incidents.advisor import advise_window
from optimizer.incidents.analytics import coverage_report, demand_profile, erlang_report
from optimizer.incidents.generator import SYNTHETIC_LABEL, GeneratorParams, generate_incidents
from optimizer.incidents.importer import import_incidents, write_incidents_csv
from optimizer.incidents.replay import ResponseTime, replay
from optimizer.incidents.timeline import Interval, horizon_of, pattern_intervals
from optimizer.io import load_scenario
from optimizer.scenario import WEEKDAYS


def register(sub: Any) -> None:
    """Add ``incidents`` (with ``import`` and ``generate``) and ``coverage`` to the CLI."""
    p = sub.add_parser("incidents", help="import or generate incident timing data")
    isub = p.add_subparsers(dest="incidents_command", metavar="SUBCOMMAND")
    p.set_defaults(func=lambda args: _usage(p))

    imp = isub.add_parser(
        "import", help="read a dispatch export; keep only time, category and eligibility"
    )
    imp.add_argument("file", help="CSV or XLSX export")
    imp.add_argument("--time-col", help="timestamp column (detected when omitted)")
    imp.add_argument("--date-col", help="date column, with --clock-col")
    imp.add_argument("--clock-col", help="clock-time column, with --date-col")
    imp.add_argument("--format", dest="time_format", help="strptime format of the time/date")
    imp.add_argument("--clock-format", help="strptime format of the clock column")
    imp.add_argument(
        "--tz", default="America/Toronto", help="zone of naive times (default %(default)s)"
    )
    imp.add_argument("--category-col", help="category column")
    imp.add_argument("--keep", help="keep categories matching this pattern (case-insensitive)")
    imp.add_argument("--eligible-col", help="eligibility column (e.g. charge laid)")
    imp.add_argument(
        "--eligible-values", help="comma-separated values meaning eligible (default yes/true/1…)"
    )
    imp.add_argument("--out", required=True, help="sanitised CSV to write")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.set_defaults(func=cmd_import)

    gen = isub.add_parser("generate", help="write synthetic Windsor incidents (labelled synthetic)")
    gen.add_argument("--start", required=True, type=_date, help="first local date, YYYY-MM-DD")
    gen.add_argument("--days", required=True, type=int, help="number of days")
    gen.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    gen.add_argument("--base-rate", type=float, help="incidents per ordinary day (default 10.5)")
    gen.add_argument("--tz", default="America/Toronto", help="time zone (default %(default)s)")
    gen.add_argument("--out", required=True, help="CSV to write")
    gen.set_defaults(func=cmd_generate)

    cov = sub.add_parser(
        "coverage", help="incidents in staffed time and on-site availability of a roster"
    )
    cov.add_argument("scenario", help="scenario YAML file")
    cov.add_argument(
        "--roster", help="roster.csv (default: the coverage pattern at required headcount)"
    )
    cov.add_argument("--incidents", help="incident CSV/XLSX (default: synthetic over the horizon)")
    cov.add_argument(
        "--incidents-tz", help="zone of naive incident times (default: the scenario's)"
    )
    cov.add_argument(
        "--occupied-minutes", type=float, help="mean minutes a response occupies a worker"
    )
    cov.add_argument("--seed", type=int, default=0, help="seed of generated data and replay")
    cov.add_argument("--eligible-only", action="store_true", help="only incidents marked eligible")
    cov.add_argument("--shift-hours", type=float, default=8.0, help="shift length for the advisor")
    cov.add_argument("--json", action="store_true", help="print JSON")
    cov.set_defaults(func=cmd_coverage)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def cmd_import(args: argparse.Namespace) -> int:
    """``shiftcover incidents import FILE --out incidents.csv``."""
    values = [v for v in args.eligible_values.split(",")] if args.eligible_values else None
    result = import_incidents(
        args.file,
        time_col=args.time_col,
        date_col=args.date_col,
        clock_col=args.clock_col,
        time_format=args.time_format,
        clock_format=args.clock_format,
        tz=args.tz,
        category_col=args.category_col,
        keep=args.keep,
        eligible_col=args.eligible_col,
        eligible_values=values,
    )
    write_incidents_csv(args.out, result.frame)
    if args.json:
        print(json.dumps({**result.report.to_dict(), "out": args.out}, indent=2))
    else:
        print(result.report.summary())
        print(f"wrote {args.out} (timestamp,category,eligible)")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    """``shiftcover incidents generate --start DATE --days N --seed S --out FILE``."""
    if args.days < 1:
        raise InputError(f"--days must be at least 1, got {args.days}")
    try:
        params = GeneratorParams() if args.base_rate is None else GeneratorParams(args.base_rate)
    except ValueError as exc:
        raise InputError(f"--base-rate: {exc}") from None
    try:
        zone = ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {args.tz!r}; use an IANA name such as America/Toronto"
        ) from None
    frame = generate_incidents(args.start, args.days, args.seed, params, zone.key)
    comment = (
        f"{SYNTHETIC_LABEL}\n"
        f"shiftcover incidents generate --start {args.start} --days {args.days} --seed {args.seed}"
    )
    write_incidents_csv(args.out, frame, comment=comment)
    print(f"{SYNTHETIC_LABEL}: {len(frame)} incidents over {args.days} days → {args.out}")
    return 0


def _intervals(scenario: Any, roster: str | None) -> tuple[list[Interval], str]:
    if roster:
        from optimizer.roster import on_duty_intervals, read_roster_csv

        return on_duty_intervals(scenario, read_roster_csv(roster, scenario)), f"roster {roster}"
    return pattern_intervals(scenario), "coverage pattern (each shift at its required headcount)"


def cmd_coverage(args: argparse.Namespace) -> int:
    """``shiftcover coverage SCENARIO [--roster] [--incidents] [--occupied-minutes]``."""
    scenario = load_scenario(args.scenario)
    intervals, staffing = _intervals(scenario, args.roster)
    tz = scenario.timezone
    window = horizon_of(intervals, tz)
    if args.incidents:
        imported = import_incidents(args.incidents, tz=args.incidents_tz or tz)
        incidents = imported.frame
        source = f"{Path(args.incidents).name} ({imported.report.rows_kept} incidents)"
    else:
        incidents = generate_incidents(window.start, window.days, args.seed, tz=tz)
        source = f"{SYNTHETIC_LABEL} (seed {args.seed})"
    # A generated file read back keeps its label through the category text.
    synthetic = bool(incidents.attrs.get("synthetic")) or bool(
        incidents["category"].astype("string").str.contains("synthetic", na=False).all()
    )
    if synthetic:
        incidents.attrs["synthetic"] = True
    occupied = ResponseTime()
    if args.occupied_minutes is not None:
        if args.occupied_minutes <= 0:
            raise InputError(f"--occupied-minutes must be positive, got {args.occupied_minutes}")
        occupied = occupied.with_mean(args.occupied_minutes)
    cov = coverage_report(incidents, intervals, tz, window, args.eligible_only)
    chosen = incidents
    if args.eligible_only:
        chosen = incidents[incidents["eligible"].astype("boolean").fillna(True).to_numpy(bool)]
    profile = demand_profile(chosen)
    erl = erlang_report(profile.rates_168(), intervals, occupied.mean_minutes, window)
    rep = replay(incidents, intervals, occupied, args.seed, tz, window, args.eligible_only)
    advice = advise_window(chosen, args.shift_hours)
    if args.json:
        payload = {
            "scenario": scenario.id,
            "staffing": staffing,
            "incidents_source": source,
            "synthetic": synthetic,
            "mean_occupied_minutes": occupied.mean_minutes,
            "coverage": cov.to_dict(),
            "erlang": {"on_site_rate": erl.on_site_rate, "p_no_support": erl.p_no_support},
            "replay": rep.to_dict(),
            "window_advice": advice.to_dict(),
        }
        print(json.dumps(payload, indent=2, default=str))
        return 0
    print(_text(scenario.name, staffing, source, synthetic, occupied, cov, erl, rep, advice))
    return 0


def _pct(x: float) -> str:
    return "-" if pd.isna(x) else f"{100 * x:.1f} %"


def _text(name: str, staffing: str, source: str, synthetic: bool, occupied: ResponseTime,
          cov: Any, erl: Any, rep: Any, advice: Any) -> str:  # fmt: skip
    lines = [
        f"{name}",
        f"  staffing   {staffing}",
        f"  incidents  {source}" + ("  [SYNTHETIC]" if synthetic else ""),
        f"  occupied   {occupied.mean_minutes:.0f} min mean per response",
        "",
        f"In staffed time: {cov.covered} of {cov.incidents} incidents ({_pct(cov.share)}); "
        f"{cov.incidents_per_shift:.1f} incidents per shift",
        "  by weekday  "
        + "  ".join(
            f"{d} {_pct(s)}" for d, s in zip(WEEKDAYS, cov.by_weekday["share"], strict=True)
        ),
        "  by hour     "
        + " ".join(
            f"{h:02d}:{round(100 * s) if not pd.isna(s) else '-'}"
            for h, s in cov.by_hour["share"].items()
        ),
        "",
        f"On site (Erlang B):  {_pct(erl.on_site_rate)} of victims get a social worker",
        f"On site (replay):    {_pct(rep.on_site_rate)} — served {rep.served}, "
        f"missed busy {rep.missed_busy}, missed off-hours {rep.missed_off_hours}",
        f"  no support 95 % CI {_pct(rep.ci95[0])} – {_pct(rep.ci95[1])}; "
        f"utilisation {_pct(rep.utilisation)}; overtime {rep.overtime_minutes / 60:.1f} h",
        "  most missed " + ", ".join(f"{d} {h:02d}:00 ({m})" for d, h, m in rep.worst_hours()),
        "",
        f"Best {advice.hours:g} h daily window: start {advice.best_start:%H:%M} "
        f"covers {_pct(advice.best_share)} of incidents",
        "  per weekday " + "  ".join(f"{d} {t:%H:%M}" for d, (t, _) in advice.per_weekday.items()),
    ]
    return "\n".join(lines)
