"""The frozen problem's matrices, rounded in place, are the ones the formula gives."""

from __future__ import annotations

import dataclasses

import numpy as np

from circularopt.matrices import scenario_matrices
from circularopt.routing.problem import INF_TIME, RoutingModel
from circularopt.routing.scenario import routing_problem
from tests.helpers import town

DIST = [[0.0, 12.34, np.inf], [12.36, 0.0, 7.05], [3.0, np.inf, 0.0]]


def test_matrices_round_to_the_grid_and_inf_becomes_inf_time() -> None:
    m = RoutingModel(["a", "b", "c"], DIST, DIST, scale=10)
    m.add_depot("a")
    m.add_vehicle_type("t", depot="a", count=1, capacity=[5])
    m.add_stop("b", demand=[1])
    p = m.data()
    want = [[0.0, 12.3, INF_TIME], [12.4, 0.0, 7.0], [3.0, INF_TIME, 0.0]]
    np.testing.assert_array_equal(p.distance, want)
    np.testing.assert_array_equal(p.duration, want)
    assert DIST[0][1] == 12.34  # the caller's matrix is untouched


def test_a_task_adds_its_distance_except_to_unusable_arcs() -> None:
    m = RoutingModel(["a", "b", "c"], DIST, DIST)
    m.add_depot("a")
    m.add_vehicle_type("t", depot="a", count=1, capacity=[5])
    m.add_stop("run", demand=[1], location="b", end="c", service_distance=100.0)
    p = m.data()
    task = p.stops[0].location
    # into the task: into b plus 100 m; out of it: out of c
    assert [p.distance[k, task] for k in range(3)] == [112.0, 100.0, INF_TIME]
    assert list(p.distance[task, :3]) == [3.0, INF_TIME, 0.0]
    assert [p.duration[k, task] for k in range(3)] == [12.0, 0.0, INF_TIME]


def test_a_site_copy_per_unloading_time_sits_on_its_site() -> None:
    s = town(6)
    depot = s.depots[0]
    slow = dataclasses.replace(depot.vehicle_types[0], id="slow", unload_minutes=25.0)
    s = dataclasses.replace(s, depots=(dataclasses.replace(
        depot, vehicle_types=(*depot.vehicle_types, slow)),))
    m = scenario_matrices(s, None)
    p = routing_problem(s, m, unload_sites=["c1"])
    assert "c1@25min" in p.locations
    sub = np.ix_(*[m.indices([x.split("@")[0] for x in p.locations])] * 2)
    np.testing.assert_array_equal(p.distance, np.round(m.distance_m[sub]))
    np.testing.assert_array_equal(p.duration, np.round(m.duration_s[sub]))
