"""Engine commands: ``validate``, ``schema``, ``solve``, ``check``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from optimizer.io import load_scenario
from optimizer.scenario import Scenario
from optimizer.shifts import expand_shifts


def register(sub: Any) -> None:
    """Add the engine commands to the CLI."""
    p = sub.add_parser("validate", help="check a scenario file and print a summary")
    p.add_argument("scenario", help="scenario YAML file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    p.set_defaults(func=cmd_schema)


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
