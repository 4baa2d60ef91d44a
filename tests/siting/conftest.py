"""Builders for the siting tests: a line of points with two candidate complexes, and tiny
single-source problems with their brute-force optimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from circularopt.matrices import TravelMatrices
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Depot,
    Landfill,
    Parameters,
    Recycler,
    Scenario,
    Stream,
    VehicleType,
)
from circularopt.siting.cflp import FacilityProblem

X = {"p1": 0.0, "p2": 1.0, "p3": 9.0, "p4": 10.0, "A": 0.5, "B": 9.5, "R": 5.0, "R2": 5.0,
     "L": 5.0}
"""Position of each object on the line road, km."""

def line(*, price: float = 100.0, recycler_cap: float = 100.0,
         candidate_recycler: bool = False, landfill_cap: float | None = None,
         a_options: tuple[tuple[float, float], ...] = ((5, 10_000), (10, 14_000))
         ) -> Scenario:
    """The tiny line scenario (see the module docstring)."""
    streams = (Stream("plastic", 0.2), Stream("residual", 0.4, recyclable=False))

    def at(key: str) -> tuple[float, float]:
        return 42.0, 74.0 + X[key] / 100

    points = tuple(CollectionPoint(p, *at(p), {"plastic": 1.0, "residual": 1.0},
                                   service_minutes=0.0) for p in ("p1", "p2", "p3", "p4"))
    rr = {"plastic": 0.5}
    cands = (
        ComplexCandidate("A", *at("A"), tuple(CapacityOption(*o) for o in a_options), 10.0,
                         rr),
        ComplexCandidate("B", *at("B"), (CapacityOption(5, 10_000),), 10.0, rr),
    )
    recyclers = [Recycler("R", *at("R"), {"plastic": price}, recycler_cap)]
    if candidate_recycler:
        recyclers.append(Recycler("R2", *at("R2"), {"plastic": 100.0}, 10.0, existing=False,
                                  opening_cost=1_000.0))
    depot = Depot("D", *at("R"), (VehicleType("truck", 5.0, 20.0, 3, cost_per_km=1.0),))
    return Scenario("line", streams, points, cands, (depot,), tuple(recyclers),
                    (Landfill("L", *at("L"), 5.0, landfill_cap),), Parameters(300.0))

def line_matrices(scenario: Scenario) -> TravelMatrices:
    """Hand-made matrices: |x_a - x_b| km at 30 km/h."""
    ids = tuple(o.id for o in scenario.located())
    x = np.array([X.get(i, 5.0) for i in ids])
    km = np.abs(x[:, None] - x[None, :])
    return TravelMatrices(ids, km * 120.0, km * 1000.0, False, "hand-made line road")


def best_by_count(problem: FacilityProblem, *, empty: bool = False) -> dict[int, float]:
    """Cheapest single-source solution opening exactly ``k`` facilities, for each ``k``
    that has one (every assignment of a tiny problem tried); ``empty``: facilities open
    without customers count too (paying their fixed costs, the cheapest first)."""
    best: dict[int, float] = {}
    for where in itertools.product(range(problem.m), repeat=problem.n):
        load = np.zeros(problem.m)
        np.add.at(load, list(where), problem.demand)
        if (load > problem.capacity + 1e-9).any():
            continue
        opened = sorted(set(where))
        cost = float(problem.fixed_cost[opened].sum()
                     + problem.cost[list(where), range(problem.n)].sum())
        spare = np.sort(np.delete(problem.fixed_cost, opened))
        for k in range(len(opened), problem.m + 1 if empty else len(opened) + 1):
            total = cost + float(spare[:k - len(opened)].sum())
            best[k] = min(best.get(k, np.inf), total)
    return best


def brute_force(problem: FacilityProblem) -> float:
    """Optimum of a tiny single-source problem by trying every assignment."""
    return min(best_by_count(problem).values(), default=np.inf)


@pytest.fixture
def tight() -> FacilityProblem:
    """3 facilities, 6 customers, capacities 10 each for a demand of 24.

    Demands 5, 5, 4, 4, 3, 3 must be packed into the three bins of 10; the cheapest
    assignment per customer overloads facility 0, so the optimum splits the customers.
    """
    cost = np.array([[1, 1, 1, 1, 1, 1],
                     [4, 6, 3, 5, 2, 7],
                     [6, 4, 5, 3, 7, 2]], dtype=float)
    return FacilityProblem(fixed_cost=[10.0, 8.0, 8.0], capacity=[10.0, 10.0, 10.0],
                           demand=[5.0, 5.0, 4.0, 4.0, 3.0, 3.0], cost=cost,
                           single_source=True, name="tight")
