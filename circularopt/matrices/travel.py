"""Travel matrices: square duration and distance arrays over an ordered tuple of ids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from circularopt.exceptions import InputError

__all__ = ["TravelMatrices"]


@dataclass(frozen=True, eq=False)
class TravelMatrices:
    """Travel durations and distances between ordered ids.

    Parameters
    ----------
    ids
        Ids of the rows (and columns).
    duration_s
        ``duration_s[i, j]``: travel time from ``ids[i]`` to ``ids[j]``, seconds.
    distance_m
        ``distance_m[i, j]``: length of that (fastest) path, metres.
    approximate
        True when the figures are an approximation rather than road-network paths.
    source
        Where the figures come from, in words (shown in results and reports).
    """

    ids: tuple[str, ...]
    duration_s: np.ndarray
    distance_m: np.ndarray
    approximate: bool
    source: str
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("duration_s", "distance_m"):
            arr = np.asarray(getattr(self, name), dtype=float)
            if arr.shape != (n, n):
                raise InputError(f"TravelMatrices.{name}", arr.shape,
                                 f"shape ({n}, {n}) to match {n} ids")
            if np.isnan(arr).any() or (arr < 0).any():
                raise InputError(f"TravelMatrices.{name}", "NaN or negative entries",
                                 "non-negative numbers (inf where unreachable)")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        index = {i: k for k, i in enumerate(self.ids)}
        if len(index) != n:
            raise InputError("TravelMatrices.ids", "duplicates", "unique ids")
        object.__setattr__(self, "_index", index)

    def index(self, id_: str) -> int:
        """Row of ``id_``."""
        try:
            return self._index[id_]
        except KeyError:
            raise InputError("id", id_, "an id present in the travel matrices") from None

    def indices(self, ids: Sequence[str]) -> np.ndarray:
        """Rows of ``ids`` as an integer array."""
        return np.array([self.index(i) for i in ids], dtype=np.int64)

    def subset(self, ids: Sequence[str]) -> TravelMatrices:
        """Matrices restricted to ``ids`` (in that order)."""
        idx = self.indices(ids)
        sub = np.ix_(idx, idx)
        return TravelMatrices(tuple(ids), self.duration_s[sub], self.distance_m[sub],
                              self.approximate, self.source)
