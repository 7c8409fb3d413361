"""Erlang B: the chance that a victim finds every on-duty social worker busy.

A victim who calls while every on-duty worker is occupied gets no on-site
support — the need is lost, not queued — so the on-site rate of an hour is
``1 - B(A, c)`` with offered load ``A = arrivals per hour × mean occupied
hours`` and ``c`` workers on duty. Erlang B depends on the occupied-time
distribution only through its mean, which is why the replay (with any
distribution) must agree with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from optimizer.scenario import WEEKDAYS


def erlang_b(load: float | np.ndarray, servers: int | np.ndarray) -> np.ndarray | float:
    """Blocking probability B(A, c) by the stable recursion B_k = A·B_{k-1} / (k + A·B_{k-1}).

    ``load`` (Erlangs, ≥ 0) and ``servers`` (≥ 0) may be scalars or arrays that
    broadcast; a scalar pair returns a float. ``c = 0`` blocks everyone.
    """
    a = np.asarray(load, dtype=float)
    c = np.asarray(servers, dtype=np.int64)
    if np.any(a < 0) or np.any(c < 0):
        raise ValueError("load and servers must be non-negative")
    a, c = np.broadcast_arrays(a, c)
    b = np.ones(a.shape, dtype=float)
    out = np.where(c == 0, 1.0, 0.0)
    top = int(c.max()) if c.size else 0
    for k in range(1, top + 1):
        ab = a * b
        b = ab / (k + ab)
        out = np.where(c == k, b, out)
    if out.ndim == 0:
        return float(out)
    return out


def servers_needed(load: float, target_on_site: float, max_servers: int = 200) -> int:
    """Fewest workers with on-site rate ``1 - B(load, c) ≥ target_on_site`` (0 when no load)."""
    if load <= 0:
        return 0
    b = 1.0
    for k in range(1, max_servers + 1):
        b = load * b / (k + load * b)
        if 1 - b >= target_on_site:
            return k
    raise ValueError(f"more than {max_servers} workers needed for load {load:.2f}")


def erlang_by_hour(
    rates: Sequence[float] | np.ndarray,
    servers: Sequence[int] | np.ndarray,
    mean_occupied_minutes: float,
) -> pd.DataFrame:
    """Erlang B per hour of week.

    Args:
        rates: 168 arrival rates (incidents per hour), Monday 00:00 first.
        servers: 168 headcounts (or an array of any shape matching ``rates``).
        mean_occupied_minutes: mean time a response occupies a worker.

    Returns:
        A frame with ``weekday``, ``hour``, ``arrivals_per_hour``, ``load``,
        ``servers``, ``p_no_support`` and ``on_site_rate``, one row per hour of week.
    """
    r = np.asarray(rates, dtype=float)
    c = np.asarray(servers, dtype=np.int64)
    load = r * mean_occupied_minutes / 60
    b = np.asarray(erlang_b(load, c), dtype=float)
    n = len(r)
    return pd.DataFrame(
        {
            "weekday": [WEEKDAYS[(i // 24) % 7] for i in range(n)],
            "hour": [i % 24 for i in range(n)],
            "arrivals_per_hour": r,
            "load": load,
            "servers": c,
            "p_no_support": b,
            "on_site_rate": 1 - b,
        }
    )
