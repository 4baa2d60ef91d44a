"""Tiny named routing problems shared by the routing tests."""

from __future__ import annotations

import math

import numpy as np
import pytest

from circularopt.matrices import TravelMatrices
from circularopt.routing import Break, RoutingModel, RoutingProblem
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Depot,
    Landfill,
    Scenario,
    VehicleType,
)

# Depot at the origin, two pairs of stops 10 to the east and 10 to the west.
POINTS = {"d": (0, 0), "a": (10, 1), "b": (10, -1), "c": (-10, 1), "e": (-10, -1),
          "u": (0, 3), "far": (30, 0)}


def euclid_model(names: list[str], **kwargs: object) -> RoutingModel:
    """A model over ``names`` with rounded Euclidean distance = duration."""
    dist = [[float(round(math.dist(POINTS[i], POINTS[j]))) for j in names] for i in names]
    return RoutingModel(names, dist, dist, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def cvrp4() -> RoutingProblem:
    """Four stops of demand 1, capacity 2: the optimum is d-a-b-d + d-c-e-d = 44."""
    m = euclid_model(["d", "a", "b", "c", "e"], name="cvrp4")
    m.add_depot("d")
    m.add_vehicle_type("truck", depot="d", count=4, capacity=[2])
    for s in "abce":
        m.add_stop(s, demand=[1])
    return m.data()


@pytest.fixture
def reload4() -> RoutingProblem:
    """One truck of capacity 2 for four stops of demand 1: it must unload mid-route.

    The unload site ``u`` is 3 north of the depot; the truck unloads after each pair, the
    second time because it must return empty: e.g. d-b-a-u-c-e-u-d = 10+2+10+10+2+11+3
    = 48, the optimum (checked by enumeration in the tests).
    """
    m = euclid_model(["d", "a", "b", "c", "e", "u"], name="reload4")
    m.add_depot("d")
    m.add_unload_site("u", unload_duration=5)
    m.add_vehicle_type("truck", depot="d", count=1, capacity=[2], unload_sites=["u"],
                       return_empty=True)
    for s in "abce":
        m.add_stop(s, demand=[1], service=2)
    return m.data()


@pytest.fixture
def tw4() -> RoutingProblem:
    """One vehicle, windows force the west pair (c, e) before the east pair (a, b)."""
    m = euclid_model(["d", "a", "b", "c", "e"], name="tw4")
    m.add_depot("d")
    m.add_vehicle_type("van", depot="d", count=1, capacity=[10], shift_end=200)
    m.add_stop("c", demand=[1], tw_start=0, tw_end=20)
    m.add_stop("e", demand=[1], tw_start=0, tw_end=25)
    m.add_stop("a", demand=[1], tw_start=40, tw_end=80)
    m.add_stop("b", demand=[1], tw_start=40, tw_end=90)
    return m.data()


@pytest.fixture
def break4() -> RoutingProblem:
    """Long services; the route spans 100, so the break (start in [30, 60], 20 long) is due."""
    m = euclid_model(["d", "a", "b", "c", "e"], name="break4")
    m.add_depot("d")
    m.add_vehicle_type("van", depot="d", count=1, capacity=[10], shift_end=500,
                       breaks=Break(30, 60, 20))
    for s in "abce":
        m.add_stop(s, demand=[1], service=15)
    return m.data()


KM = 0.009


def tiny_scenario(*, far_point: bool = False, heavy: bool = False,
                  shift_minutes: float = 480.0) -> Scenario:
    """Depot, a complex 2 km north, a landfill 2 km south, four points of 1 t/day."""
    pts = [CollectionPoint(f"p{k}", 42.80 + k * KM, 74.60,
                           {"plastic": 0.25, "residual": 0.75}, service_minutes=5.0)
           for k in range(1, 4)]
    pts.append(CollectionPoint("p4", 42.80 - KM, 74.60, {"paper": 1.0},
                               time_window=(480.0, 720.0), collections_per_week=2))
    if far_point:
        pts.append(CollectionPoint("far", 43.80, 74.60, {"residual": 0.1}))
    if heavy:
        pts.append(CollectionPoint("heavy", 42.80, 74.61, {"glass": 9.0}))
    truck = VehicleType("t1", capacity_tonnes=4.0, capacity_m3=20.0, count=2,
                        fixed_cost_per_day=50.0, cost_per_km=1.2, cost_per_hour=9.0,
                        shift_start_minutes=420.0, shift_minutes=shift_minutes,
                        unload_minutes=15.0)
    return Scenario(
        "tiny", collection_points=tuple(pts),
        complex_candidates=(ComplexCandidate("cx", 42.80 + 2 * KM, 74.60,
                                             (CapacityOption(50.0, 1000.0),), 5.0,
                                             {"plastic": 0.8}),),
        depots=(Depot("dep", 42.80, 74.60, (truck,)),),
        landfills=(Landfill("lf", 42.80 - 2 * KM, 74.60, 4.0),))


def line_matrices(scenario: Scenario) -> TravelMatrices:
    """Distance = |latitude difference| in metres (1 km per KM), 10 m/s."""
    ids = tuple(i for i, _, _ in scenario.locations())
    lat = np.array([la for _, la, _ in scenario.locations()])
    lon = np.array([lo for _, _, lo in scenario.locations()])
    dist = np.round((np.abs(lat[:, None] - lat[None, :]) + np.abs(lon[:, None] - lon[None, :]))
                    / KM * 1000.0)
    return TravelMatrices(ids, dist / 10.0, dist, True, "test line")
