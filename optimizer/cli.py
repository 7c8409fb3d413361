"""The ``shiftcover`` command line.

Commands are registered by modules: each has ``register(subparsers)`` adding
its sub-commands, whose ``func(args) -> int`` returns the exit status.
Packages outside ``optimizer`` (``calendars``) plug in through the
``shiftcover.commands`` entry-point group, so the optimizer never imports them.

Exit codes: 0 success (also with unfilled shifts, which are reported);
2 invalid input; 3 no roster exists under the hard rules.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from optimizer.errors import InputError, NoRosterError, ShiftcoverError

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_NO_ROSTER = 3

#: Optimizer modules that add commands, in help order.
COMMAND_MODULES = (
    "optimizer.commands",
    "optimizer.curtois_cli",
    "optimizer.incidents.cli",
    "optimizer.whatif.cli",
)


class _Parser(argparse.ArgumentParser):
    """Argument errors exit 2, like every other input error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every registered command."""
    parser = _Parser(
        prog="shiftcover",
        description="Shift scheduling and coverage optimizer for crisis co-response programs.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for ep in sorted(entry_points(group="shiftcover.commands"), key=lambda e: e.name):
        ep.load()(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        status: int = args.func(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except NoRosterError as exc:
        print(f"no roster: {exc}", file=sys.stderr)
        return EXIT_NO_ROSTER
    except ShiftcoverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
