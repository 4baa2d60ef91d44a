"""The routing problem builder: validation, quantisation, immutability, scheduling."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from circularopt.exceptions import InfeasibleError, InputError
from circularopt.matrices import TravelMatrices
from circularopt.routing import Break, RoutingModel, RoutingProblem, schedule_route
from tests.routing.conftest import euclid_model


def _model() -> RoutingModel:
    m = euclid_model(["d", "a", "b", "u"], dimensions=("t", "m3"))
    m.add_depot("d")
    return m


def test_builds_and_freezes(reload4: RoutingProblem) -> None:
    assert reload4.num_stops == 4 and reload4.num_vehicles == 1
    assert reload4.vehicle_types[0].unload_sites == (0,)
    with pytest.raises(dataclasses.FrozenInstanceError):
        reload4.name = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        reload4.distance[0, 1] = 3.0
    assert reload4.stop_index("c") == 2
    assert "unload sites" in reload4.summary()
    assert reload4.to_dict()["vehicle_types"][0]["unload_sites"] == [0]


@pytest.mark.parametrize(("call", "match"), [
    (lambda m: m.add_stop("a", demand=[1]), "demand"),  # one number for two dimensions
    (lambda m: m.add_stop("zz", demand=[1, 1]), "location"),
    (lambda m: m.add_stop("a", demand=[-1, 1]), "demand"),
    (lambda m: m.add_stop("a", demand=[1, 1], tw_start=5, tw_end=4), "tw_end"),
    (lambda m: m.add_depot("d"), "not used"),
    (lambda m: m.add_vehicle_type("v", depot="d", count=0, capacity=[1, 1]), "count"),
    (lambda m: m.add_vehicle_type("v", depot="d", count=1, capacity=[1, 1], shift_start=9,
                                  shift_end=8), "shift_end"),
    (lambda m: m.add_vehicle_type("v", depot="d", count=1, capacity=[1, 1],
                                  breaks=Break(50, 40, 10)), "latest_start"),
])
def test_rejects_bad_input(call: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        call(_model())  # type: ignore[operator]


def test_rejects_bad_matrix() -> None:
    with pytest.raises(InputError, match="shape"):
        RoutingModel(["a", "b"], [[0, 1]], [[0, 1], [1, 0]])
    with pytest.raises(InputError, match="negative"):
        RoutingModel(["a", "b"], [[0, -1], [1, 0]], [[0, 1], [1, 0]])
    with pytest.raises(InputError, match="unique"):
        RoutingModel(["a", "a"], [[0, 1], [1, 0]], [[0, 1], [1, 0]])


def test_unknown_references_and_infeasible_demand() -> None:
    m = _model()
    m.add_vehicle_type("v", depot="nowhere", count=1, capacity=[1, 1])
    with pytest.raises(InputError, match="nowhere"):
        m.data()
    m = _model()
    m.add_vehicle_type("v", depot="d", count=1, capacity=[1, 1], unload_sites=["u"])
    with pytest.raises(InputError, match="unload"):
        m.data()
    m = _model()
    m.add_vehicle_type("v", depot="d", count=1, capacity=[5, 1])
    m.add_stop("a", demand=[2, 3])
    with pytest.raises(InfeasibleError, match=r"'a'.*more than any vehicle"):
        m.data()
    m = _model()
    m.add_vehicle_type("v", depot="d", count=1, capacity=[5, 1], return_empty=True)
    with pytest.raises(InfeasibleError, match="return empty"):
        m.data()


def test_quantises_to_scale() -> None:
    m = RoutingModel(["d", "a"], [[0, 1.26], [1.26, 0]], [[0, 2.04], [2.04, 0]], scale=10,
                     load_scale=100)
    m.add_depot("d")
    m.add_vehicle_type("v", depot="d", count=1, capacity=[1.004])
    m.add_stop("a", demand=[0.333], service=0.71)
    p = m.data()
    assert p.distance[0, 1] == pytest.approx(1.3) and p.duration[0, 1] == pytest.approx(2.0)
    assert p.stops[0].demand == (pytest.approx(0.33),)
    assert p.stops[0].service == pytest.approx(0.7)


def test_from_travel_matrices() -> None:
    tm = TravelMatrices(("d", "a"), np.array([[0, 60.4], [61, 0]]),
                        np.array([[0, 500.2], [480, 0]]), True, "test")
    m = RoutingModel.from_matrices(tm, name="city")
    m.add_depot("d")
    m.add_vehicle_type("v", depot="d", count=1, capacity=[1])
    m.add_stop("a", demand=1)
    p = m.data()
    assert p.distance[0, 1] == 500 and p.duration[0, 1] == 60
    assert "metres" in p.convention


def test_schedule_waits_and_starts_late(tw4: RoutingProblem) -> None:
    c, e, a, b = (tw4.stop_index(s) for s in "ceab")
    route = schedule_route(tw4, 0, 0, [("stop", c), ("stop", e), ("stop", a), ("stop", b)])
    visits = {v.id: v for v in route.visits}
    # c is 10 from the depot, e 2 further, then 20 east to a, which opens at 40: leaving
    # at 0 would wait 8 at a, so the departure moves to 8 (c's window still holds).
    assert route.start_time == pytest.approx(8.0)
    assert visits["c"].arrival == pytest.approx(18.0)
    assert visits["a"].arrival == visits["a"].start == pytest.approx(40.0)
    assert route.duration == pytest.approx(44.0)
    assert route.distance == pytest.approx(10 + 2 + 20 + 2 + 10)
    # Departure is delayed as far as waiting allows: no window before a binds late starts.
    only_ab = schedule_route(tw4, 0, 0, [("stop", a), ("stop", b)])
    assert only_ab.start_time == pytest.approx(30.0)
    assert only_ab.duration == pytest.approx(22.0)
