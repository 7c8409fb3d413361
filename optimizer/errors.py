"""Errors that shiftcover reports to people, not as tracebacks."""

from __future__ import annotations


class ShiftcoverError(Exception):
    """Base class of every error shiftcover reports with a plain message."""


class InputError(ShiftcoverError):
    """Invalid input: a scenario, CSV/XLSX file or roster that cannot be used.

    The message names the file, the row or field, and what was expected.
    The CLI exits with status 2 on it.
    """


class NoRosterError(ShiftcoverError):
    """The solver proved that no roster satisfies the hard rules (CLI exit 3)."""
