"""The exception hierarchy of circularopt.

Every error raised on purpose by circularopt derives from :class:`CircularOptError`, so a
caller can catch them all at once. Each error message names what was wrong (a field, a
file row, a point id), the offending value, and what would have been valid.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CircularOptError",
    "DataNotFoundError",
    "InfeasibleError",
    "InputError",
    "NetworkError",
    "SnappingError",
    "SolverError",
]


class CircularOptError(Exception):
    """Base class of all circularopt errors."""


class InputError(CircularOptError, ValueError):
    """Invalid input: a field holds a value that is not allowed.

    Parameters
    ----------
    field
        Where the value sits, e.g. ``"collection_points[3].lat"`` or ``"file.csv, row 7,
        column 'tonnes'"``.
    value
        The offending value.
    expected
        What would have been valid, in words.
    """

    def __init__(self, field: str, value: Any, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field}: got {value!r}; expected {expected}")


class DataNotFoundError(CircularOptError, FileNotFoundError):
    """A data file or folder (city spec, benchmark set, shared data) was not found."""


class NetworkError(CircularOptError):
    """A road network could not be loaded, downloaded or used."""


class SnappingError(NetworkError):
    """Points lie farther from the road network than the snapping limit allows.

    Parameters
    ----------
    far
        ``(point id, distance in metres)`` for each refused point.
    limit_m
        The snapping limit in metres.
    """

    def __init__(self, far: list[tuple[str, float]], limit_m: float) -> None:
        self.far = far
        self.limit_m = limit_m
        shown = ", ".join(f"{pid!r} ({dist:,.0f} m)" for pid, dist in far[:10])
        more = f" and {len(far) - 10} more" if len(far) > 10 else ""
        super().__init__(
            f"{len(far)} point(s) lie farther than {limit_m:,.0f} m from the road network: "
            f"{shown}{more}. Move them onto a road, use a larger network extract, or raise "
            f"the snapping limit (max_snap_m)."
        )


class InfeasibleError(CircularOptError):
    """The problem has no feasible solution; the message says why and what to change."""


class SolverError(CircularOptError):
    """A solver failed for a reason other than infeasibility (e.g. no solution in time)."""
