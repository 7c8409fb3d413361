"""Makes ``cal_helpers`` importable whichever pytest import mode is in use."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    # Under --import-mode=importlib test directories are not put on sys.path.
    sys.path.insert(0, _HERE)
