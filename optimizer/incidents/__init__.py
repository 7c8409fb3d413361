"""Historical incidents: import, a synthetic Windsor generator, coverage and on-site availability.

The question: of the victims in past incidents, how many would have had a
social worker on site under this roster — and when do the rest happen?

Incidents travel as a pandas frame with an aware ``timestamp``, a ``category``
and a nullable boolean ``eligible``; rosters as plain on-duty intervals
``(start, end, worker_id)`` with aware datetimes
(:func:`optimizer.roster.on_duty_intervals`, or :func:`pattern_intervals` for a
scenario's coverage pattern).

* :func:`import_incidents` (path, time/date/clock columns, format, zone,
  category filter, eligibility) → :class:`ImportResult` ``(frame, report)``;
  only the three kept columns are read past the header.
  :func:`write_incidents_csv` writes the sanitised ``timestamp,category,eligible`` file.
* :func:`generate_incidents` (start, days, seed, :class:`GeneratorParams`) → frame,
  a seeded non-homogeneous Poisson stream calibrated to the Windsor facts,
  always labelled synthetic (``frame.attrs["synthetic"]``).
* :func:`demand_profile` → :class:`DemandProfile`: arrivals per hour of week and month.
* :func:`coverage_report` → :class:`CoverageReport`: share in staffed time by
  hour, weekday and month; incidents per shift.
* :func:`erlang_b` (load, servers) and :func:`erlang_report` → the loss model per hour.
* :func:`replay` (incidents, intervals, occupied, seed) → :class:`ReplayResult`:
  served, missed-busy, missed-off-hours, utilisation, overtime.
* :func:`advise_window` → best start of a daily shift;
  :func:`advise_shifts_cpsat` → shift starts and headcounts at fewest staff hours.
"""

from optimizer.incidents.advisor import ShiftPlan, WindowAdvice, advise_shifts_cpsat, advise_window
from optimizer.incidents.analytics import (
    CoverageReport,
    DemandProfile,
    ErlangReport,
    coverage_report,
    demand_profile,
    erlang_report,
)
from optimizer.incidents.erlang import erlang_b, erlang_by_hour, servers_needed
from optimizer.incidents.generator import (
    SYNTHETIC_LABEL,
    GeneratorParams,
    generate_incidents,
    hourly_intensity,
)
from optimizer.incidents.importer import (
    ImportReport,
    ImportResult,
    import_incidents,
    write_incidents_csv,
)
from optimizer.incidents.replay import (
    ExponentialTime,
    FixedTime,
    LognormalTime,
    OccupiedTime,
    ReplayResult,
    ResponseTime,
    replay,
)
from optimizer.incidents.timeline import (
    HorizonWindow,
    Interval,
    fold_onto,
    headcount_at,
    horizon_of,
    pattern_intervals,
)

__all__ = [
    "SYNTHETIC_LABEL",
    "CoverageReport",
    "DemandProfile",
    "ErlangReport",
    "ExponentialTime",
    "FixedTime",
    "GeneratorParams",
    "HorizonWindow",
    "ImportReport",
    "ImportResult",
    "Interval",
    "LognormalTime",
    "OccupiedTime",
    "ReplayResult",
    "ResponseTime",
    "ShiftPlan",
    "WindowAdvice",
    "advise_shifts_cpsat",
    "advise_window",
    "coverage_report",
    "demand_profile",
    "erlang_b",
    "erlang_by_hour",
    "erlang_report",
    "fold_onto",
    "generate_incidents",
    "headcount_at",
    "horizon_of",
    "hourly_intensity",
    "import_incidents",
    "pattern_intervals",
    "replay",
    "servers_needed",
    "write_incidents_csv",
]
