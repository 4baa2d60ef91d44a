"""Location-routing instances, plans and arc costs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from circularopt._serial import Spec, from_data, to_data
from circularopt.exceptions import InputError

__all__ = ["ROUNDINGS", "LRPInstance", "LRPRoute", "LRPSolution", "Rounding", "arc_cost",
           "describe_rounding"]

Rounding = Literal["trunc", "ceil", "real", "euclidean"]
ROUNDINGS: tuple[str, ...] = ("trunc", "ceil", "real", "euclidean")
"""Arc cost conventions, with ``d`` the Euclidean distance: ``trunc`` = ``floor(100 x d)``
(Prodhon's integer costs, flag 0), ``ceil`` = ``ceil(100 x d)``, ``real`` = ``100 x d``
unrounded, ``euclidean`` = ``d`` itself (Prodhon's real costs, flag 1: Tuzun's and
Barreto's sets)."""

_SCALE = {"trunc": 100.0, "ceil": 100.0, "real": 100.0, "euclidean": 1.0}

_DESCRIPTION = {"trunc": "trunc(100 x Euclidean)", "ceil": "ceil(100 x Euclidean)",
                "real": "100 x Euclidean", "euclidean": "Euclidean (unscaled)"}


def arc_cost(a: Sequence[float], b: Sequence[float], rounding: str) -> float:
    """Cost of the arc between points ``a`` and ``b`` (x, y) under ``rounding``."""
    if rounding not in _SCALE:
        raise InputError("rounding", rounding, f"one of {list(ROUNDINGS)}")
    dx, dy = float(a[0]) - float(b[0]), float(a[1]) - float(b[1])
    x = _SCALE[rounding] * math.sqrt(dx * dx + dy * dy)
    if rounding == "trunc":
        return float(math.floor(x))
    if rounding == "ceil":
        return float(math.ceil(x))
    return x


def _cost_matrix(xy: np.ndarray, rounding: str) -> np.ndarray:
    diff = xy[:, None, :] - xy[None, :, :]
    x = _SCALE[rounding] * np.sqrt(diff[..., 0] * diff[..., 0] + diff[..., 1] * diff[..., 1])
    if rounding == "trunc":
        x = np.floor(x)
    elif rounding == "ceil":
        x = np.ceil(x)
    x.setflags(write=False)
    return x


def describe_rounding(rounding: str) -> str:
    """The arc cost convention in words, e.g. ``trunc(100 x Euclidean)``."""
    return _DESCRIPTION[rounding]


def _vector(where: str, value: Any, *, ndim: int, positive: bool = False) -> np.ndarray:
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(where, value, "numbers") from None
    if arr.ndim != ndim or (ndim == 2 and arr.shape[1] != 2):
        raise InputError(where, f"shape {arr.shape}",
                         "a list of numbers" if ndim == 1 else "a list of (x, y) pairs")
    if not np.isfinite(arr).all():
        raise InputError(where, "NaN or infinite entries", "finite numbers")
    if ndim == 1 and ((arr <= 0).any() if positive else (arr < 0).any()):
        k = int(np.flatnonzero(arr <= 0 if positive else arr < 0)[0])
        raise InputError(f"{where}[{k}]", float(arr[k]), "> 0" if positive else ">= 0")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class LRPInstance:
    """An immutable, validated capacitated location-routing instance.

    Parameters
    ----------
    name
        Instance name.
    depot_xy, customer_xy
        Coordinates, shapes ``(m, 2)`` and ``(n, 2)``.
    vehicle_capacity
        Capacity ``Q`` of every vehicle, > 0.
    depot_capacity
        Capacity of each candidate depot, shape ``(m,)``.
    demand
        Demand of each customer, shape ``(n,)``, each at most ``Q``.
    opening_cost
        Opening cost of each candidate depot, shape ``(m,)``.
    route_cost
        Fixed cost of every route (vehicle used).
    rounding
        Arc cost convention, one of :data:`ROUNDINGS`.

    Attributes
    ----------
    cost
        Read-only arc cost matrix over the nodes, depots first (node ``j`` is depot ``j``,
        node ``m + i`` is customer ``i``).

    Raises
    ------
    InputError
        Wrong shapes, negative numbers, or a customer whose demand exceeds ``Q``.
    """

    name: str
    depot_xy: np.ndarray
    customer_xy: np.ndarray
    vehicle_capacity: float
    depot_capacity: np.ndarray
    demand: np.ndarray
    opening_cost: np.ndarray
    route_cost: float
    rounding: str = "trunc"
    cost: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        dxy = _vector("depot_xy", self.depot_xy, ndim=2)
        cxy = _vector("customer_xy", self.customer_xy, ndim=2)
        m, n = len(dxy), len(cxy)
        if m == 0:
            raise InputError("depot_xy", "no depots", "at least one candidate depot")
        cap = _vector("depot_capacity", self.depot_capacity, ndim=1)
        dem = _vector("demand", self.demand, ndim=1)
        opening = _vector("opening_cost", self.opening_cost, ndim=1)
        for label, arr, size in (("depot_capacity", cap, m), ("opening_cost", opening, m),
                                 ("demand", dem, n)):
            if len(arr) != size:
                raise InputError(label, f"{len(arr)} values", f"{size} (one per "
                                 f"{'depot' if size == m else 'customer'})")
        q = float(self.vehicle_capacity)
        if not (math.isfinite(q) and q > 0):
            raise InputError("vehicle_capacity", self.vehicle_capacity, "a number > 0")
        if n and dem.max() > q:
            k = int(np.argmax(dem))
            raise InputError(f"demand[{k}]", float(dem[k]),
                             f"at most the vehicle capacity {q:g}")
        f = float(self.route_cost)
        if not (math.isfinite(f) and f >= 0):
            raise InputError("route_cost", self.route_cost, "a number >= 0")
        if self.rounding not in ROUNDINGS:
            raise InputError("rounding", self.rounding, f"one of {list(ROUNDINGS)}")
        for key, val in (("depot_xy", dxy), ("customer_xy", cxy), ("depot_capacity", cap),
                         ("demand", dem), ("opening_cost", opening),
                         ("vehicle_capacity", q), ("route_cost", f)):
            object.__setattr__(self, key, val)
        object.__setattr__(self, "cost", _cost_matrix(np.vstack([dxy, cxy]), self.rounding))

    @property
    def m(self) -> int:
        """Number of candidate depots."""
        return len(self.depot_xy)

    @property
    def n(self) -> int:
        """Number of customers."""
        return len(self.customer_xy)

    @property
    def total_demand(self) -> float:
        """Sum of the customers' demands."""
        return float(self.demand.sum())

    def with_rounding(self, rounding: str) -> LRPInstance:
        """The same instance under another arc cost convention."""
        return LRPInstance(self.name, self.depot_xy, self.customer_xy, self.vehicle_capacity,
                           self.depot_capacity, self.demand, self.opening_cost,
                           self.route_cost, rounding)

    def summary(self) -> str:
        """One line describing the instance."""
        return (f"{self.name}: {self.n} customers, {self.m} candidate depots, Q "
                f"{self.vehicle_capacity:g}, route cost {self.route_cost:g}, demand "
                f"{self.total_demand:g} / depot capacity {self.depot_capacity.sum():g}, "
                f"arc costs {describe_rounding(self.rounding)}")


@dataclass(frozen=True)
class LRPRoute:
    """One route: from ``depot`` through ``customers`` (0-based indices) back to ``depot``."""

    depot: int
    customers: tuple[int, ...]


@dataclass(frozen=True)
class LRPSolution:
    """Open depots and routes (indices 0-based, in the instance file's order)."""

    open_depots: tuple[int, ...]
    routes: tuple[LRPRoute, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: ``open_depots`` and ``routes`` as ``{depot, customers}``."""
        return to_data(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LRPSolution:
        """Inverse of :meth:`to_dict` (other keys, such as run facts, are ignored)."""
        return from_data(cls, data, "LRP solution", Spec(ignore_unknown=True))


