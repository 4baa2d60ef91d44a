"""Tiny named routing problems shared by the routing tests."""

from __future__ import annotations

import math

import pytest

from circularopt.routing import Break, RoutingModel, RoutingProblem

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
