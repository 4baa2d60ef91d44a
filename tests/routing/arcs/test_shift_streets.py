"""Shifts on streets from a road network: the tiny inline OSM file, both engines, and the
first-fit start of OR-Tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.network import RoadNetwork, load_network
from circularopt.outputs.streets import SheetOptions, shift_overruns, street_sheets
from circularopt.routing.arcs import ArcSolution, solve_arcs, validate_arc_routes
from circularopt.routing.arcs.network_streets import (
    StreetProblem,
    StreetZone,
    network_problem,
    osm_edge_tags,
    streets_from_network,
)
from circularopt.routing.arcs.shift import duration_matrix, first_fit
from circularopt.routing.arcs.solve import _routes
from circularopt.routing.arcs.tasks import build_tasks, deadheads
from tests.routing.arcs.test_streets_network import DEMAND, TINY_OSM


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[RoadNetwork, Path]:
    path = tmp_path_factory.mktemp("osm") / "tiny.osm"
    path.write_text(TINY_OSM)
    return load_network(path, simplify=False), path


def _problem(tiny: tuple[RoadNetwork, Path], shift_s: float | None) -> StreetProblem:
    """Six street services, 2.5 min per street, 20 min per unload, 15 km/h, 1 t trucks:
    one truck in 53 min without a shift."""
    network, path = tiny
    tags = osm_edge_tags(network, path)
    streets = streets_from_network(network, [StreetZone("z", 42.8707, 74.602, 1000)],
                                   DEMAND, tags=tags)
    return network_problem(network, streets, depot=(42.8699, 74.5999),
                           unload=(42.8716, 74.6041), capacity_t=1, tags=tags,
                           shift_s=shift_s)


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_a_30_min_shift_takes_more_trucks(tiny: tuple[RoadNetwork, Path], engine: str
                                          ) -> None:
    sp = _problem(tiny, 1800)
    solution = solve_arcs(sp.problem, engine=engine, time_limit=0.5, clock="cpu")
    report = validate_arc_routes(sp.problem, solution)
    assert report.ok, report.summary()
    assert solution.num_vehicles >= 3 and 0 < report.longest_route_s <= 1800
    assert shift_overruns(street_sheets(sp, solution, SheetOptions(shift_h=0.5))) == []


def test_without_a_shift_one_truck_serves_all(tiny: tuple[RoadNetwork, Path]) -> None:
    sp = _problem(tiny, None)
    solution = solve_arcs(sp.problem, time_limit=0.5, clock="cpu")
    assert validate_arc_routes(sp.problem, solution).ok and solution.num_vehicles == 1
    assert shift_overruns(street_sheets(sp, solution, SheetOptions(shift_h=0.5)))


def test_first_fit_is_valid_within_the_shift(tiny: tuple[RoadNetwork, Path]) -> None:
    problem = _problem(tiny, 1800).problem
    tasks, _ = build_tasks(problem)
    points = (problem.depot, *problem.unload_nodes)
    dh = deadheads(problem, tasks, points)
    seqs = first_fit(problem, tasks, duration_matrix(problem, tasks, dh, points), points)
    solution = ArcSolution(_routes(tasks, dh, points, seqs), 0.0, "first-fit", 0.0)
    report = validate_arc_routes(problem, solution)
    assert [v for v in report.violations if "reported cost" not in v] == []
    assert 0 < report.longest_route_s <= 1800
