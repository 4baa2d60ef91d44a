"""Collection streets from a road network: a tiny inline OSM file and West Oakland."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from circularopt.exceptions import InputError
from circularopt.network import RoadNetwork, load_network, turn_graph_for
from circularopt.routing.arcs import ArcRoute, solve_arcs, validate_arc_routes
from circularopt.routing.arcs.network_streets import (
    StreetDemand,
    StreetZone,
    network_problem,
    osm_edge_tags,
    streets_from_network,
)
from circularopt.scenario import CollectionStreet

TINY_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <node id="1" lat="42.8700" lon="74.6000"/>
  <node id="2" lat="42.8700" lon="74.6020"/>
  <node id="3" lat="42.8700" lon="74.6040"/>
  <node id="4" lat="42.8715" lon="74.6000"/>
  <node id="5" lat="42.8715" lon="74.6020"/>
  <node id="6" lat="42.8715" lon="74.6040"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="residential"/><tag k="name" v="Lenin Street"/></way>
  <way id="11"><nd ref="4"/><nd ref="5"/><nd ref="6"/>
    <tag k="highway" v="secondary"/><tag k="name" v="Main Road"/></way>
  <way id="12"><nd ref="1"/><nd ref="4"/>
    <tag k="highway" v="unclassified"/><tag k="lanes" v="2"/><tag k="name" v="Wide Street"/></way>
  <way id="13"><nd ref="2"/><nd ref="5"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="yes"/>
    <tag k="name" v="Frunze Street"/></way>
  <way id="14"><nd ref="3"/><nd ref="6"/><tag k="highway" v="living_street"/></way>
</osm>
"""
"""Two rows of three junctions 167 m apart: Lenin Street (residential, 1-2-3), Main Road
(secondary, 4-5-6, no collection street), Wide Street (2 lanes, 1-4), Frunze Street
(one-way 2->5) and an unnamed living street (3-6)."""

DEMAND = StreetDemand(households_per_km=60, persons_per_household=5, kg_per_person_day=1.0)
"""60 households per km x 5 persons x 1 kg: 0.3 t per km."""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[RoadNetwork, Path]:
    path = tmp_path_factory.mktemp("osm") / "tiny.osm"
    path.write_text(TINY_OSM)
    return load_network(path, simplify=False), path


def _by_name(streets: tuple[CollectionStreet, ...]) -> dict[str, list[CollectionStreet]]:
    out: dict[str, list[CollectionStreet]] = {}
    for s in streets:
        out.setdefault(s.name, []).append(s)
    return out


def test_streets_of_a_tiny_osm_file(tiny: tuple[RoadNetwork, Path]) -> None:
    network, path = tiny
    streets = streets_from_network(network, [StreetZone("z", 42.8707, 74.602, 1000)],
                                   DEMAND, tags=osm_edge_tags(network, path))
    names = _by_name(streets)
    assert sorted(names) == ["", "Frunze Street", "Lenin Street", "Wide Street"]
    assert len(names["Lenin Street"]) == 2  # two edges 1-2 and 2-3, each once
    frunze, = names["Frunze Street"]
    assert frunze.oneway and frunze.rule == "each_direction"
    assert (frunze.osm_from, frunze.osm_to) == (2, 5)
    assert names["Wide Street"][0].rule == "each_direction"  # two lanes
    lenin = names["Lenin Street"][0]
    assert lenin.rule == "both_sides_one_pass" and not lenin.oneway
    assert lenin.households == round(lenin.km * 60)
    assert lenin.total_tonnes_per_day == pytest.approx(lenin.households * 5 / 1000)
    assert all(s.zone == "z" and not s.synthetic for s in streets)


def test_zone_keeps_only_its_streets(tiny: tuple[RoadNetwork, Path]) -> None:
    network, _ = tiny
    west = StreetZone("west", 42.8700, 74.6010, 50)  # holds the midpoint of 1-2 only
    streets = streets_from_network(network, [west], DEMAND)
    assert [(s.osm_from, s.osm_to) for s in streets] == [(1, 2)]
    assert streets[0].name == ""  # no tags given


def test_polygon_zone(tiny: tuple[RoadNetwork, Path]) -> None:
    import shapely

    network, _ = tiny
    box = shapely.box(74.6025, 42.869, 74.605, 42.872)  # lon/lat around node 3's edges
    streets = streets_from_network(network, [StreetZone("east", polygon=box)], DEMAND)
    assert {(s.osm_from, s.osm_to) for s in streets} == {(2, 3), (3, 6)}


def test_zone_without_streets_is_named(tiny: tuple[RoadNetwork, Path]) -> None:
    network, _ = tiny
    far = StreetZone("alamedin", 42.80, 74.50, 100)
    with pytest.raises(InputError, match="alamedin"):
        streets_from_network(network, [StreetZone("z", 42.87, 74.602, 1000), far], DEMAND)


def test_negative_demand_is_named() -> None:
    with pytest.raises(InputError, match="kg_per_person_day"):
        StreetDemand(50, 4, -0.5)
    with pytest.raises(InputError, match="lenina-1"):
        CollectionStreet("lenina-1", 42.87, 74.6, 42.871, 74.6, {"residual": -0.1})


def test_west_oakland_streets_carry_osm_names(shared: Path) -> None:
    path = shared / "osm" / "west-oakland.osm.bz2"
    network = load_network(path)
    zone = StreetZone("west-oakland", 37.8088, -122.3000, 2000)
    streets = streets_from_network(network, [zone], DEMAND, tags=osm_edge_tags(network, path))
    names = {s.name for s in streets}
    assert {"Wood Street", "Willow Street", "8th Street", "Campbell Street"} <= names
    assert all(s.osm_from is not None and s.km > 0 for s in streets)
    ends = {(s.osm_from, s.osm_to) for s in streets}
    assert len(ends) == len(streets)  # each street once


def test_street_not_in_the_network_is_named(tiny: tuple[RoadNetwork, Path]) -> None:
    network, _ = tiny
    stray = CollectionStreet("z-1-6", 42.87, 74.6, 42.8715, 74.604, {"residual": 0.1},
                             osm_from=1, osm_to=6)  # no road joins nodes 1 and 6
    with pytest.raises(InputError, match="z-1-6"):
        network_problem(network, [stray], depot=(42.87, 74.6), unload=(42.87, 74.6),
                        capacity_t=5)


def test_tiny_network_plan_serves_every_street(tiny: tuple[RoadNetwork, Path]) -> None:
    network, path = tiny
    tags = osm_edge_tags(network, path)
    streets = streets_from_network(network, [StreetZone("z", 42.8707, 74.602, 1000)],
                                   DEMAND, tags=tags)
    sp = network_problem(network, streets, depot=(42.8699, 74.5999),
                         unload=(42.8716, 74.6041), capacity_t=0.05, tags=tags)
    assert sp.problem.num_required == 5 and sp.problem.u_turn_penalty == 250
    solution = solve_arcs(sp.problem, time_limit=0.5, clock="cpu")
    report = validate_arc_routes(sp.problem, solution)
    assert report.ok, report.summary()
    assert report.served == 6  # Lenin x2, the living street, Wide each way, Frunze once
    assert set(sp.streets) == {sp.problem.edges[r.edge].id for r in sp.problem.required}


def test_west_oakland_plan_turns_only_where_no_junction_offers_a_way(shared: Path) -> None:
    """U-turns cost 250 m; the plan turns round only at dead ends or where two streets
    meet without a junction (any other way round is longer than the penalty)."""
    path = shared / "osm" / "west-oakland.osm.bz2"
    network = load_network(path)
    tags = osm_edge_tags(network, path)
    streets = streets_from_network(network, [StreetZone("wo", 37.8088, -122.3, 2000)],
                                   DEMAND, tags=tags)
    sp = network_problem(network, streets, depot=(37.805, -122.295),
                         unload=(37.81, -122.305), capacity_t=1.0, tags=tags,
                         turns=turn_graph_for(network, path))
    solution = solve_arcs(sp.problem, time_limit=1.0, clock="cpu")
    report = validate_arc_routes(sp.problem, solution)
    assert report.ok, report.summary()
    degree = Counter(n for e in sp.problem.edges for n in {e.u, e.v})
    turns = 0
    for route in solution.routes:
        walk = _nodes(route)
        for a, b, c in zip(walk, walk[1:], walk[2:], strict=False):
            if a == c and b not in sp.problem.unload_nodes and b != sp.problem.depot:
                turns += 1
                assert degree[b] <= 2, f"U-turn at junction {sp.problem.nodes[b]}"
    assert report.u_turns >= turns


def _nodes(route: ArcRoute) -> list[int]:
    """The nodes a route drives through, in order (a node once where steps meet)."""
    out: list[int] = []
    for v in route.visits:
        out += list(v.deadhead[1:] if out else v.deadhead)
        if v.kind == "serve":
            out.append(v.end)
    return out + list(route.home[1:])


def test_demand_figures_of_a_city_spec() -> None:
    from circularopt.cities import load_spec

    demand = StreetDemand.of_city(load_spec("bishkek"))
    assert demand.households_per_km == 50 and demand.persons_per_household == 4
    assert 0.5 < demand.kg_per_person_day < 1.5  # the districts' mean
    assert "kant.kg" in demand.source


def test_osm_turn_restriction_reaches_the_arc_problem(tmp_path: Path) -> None:
    restriction = """  <relation id="100">
    <member type="way" ref="12" role="from"/><member type="node" ref="1" role="via"/>
    <member type="way" ref="10" role="to"/>
    <tag k="type" v="restriction"/><tag k="restriction" v="no_left_turn"/></relation>
</osm>"""
    path = tmp_path / "restricted.osm"
    path.write_text(TINY_OSM.replace("</osm>", restriction))
    network = load_network(path, simplify=False)
    turns = turn_graph_for(network, path)
    assert len(turns.banned) == 1  # from Wide Street (4 -> 1) into Lenin Street (1 -> 2)
    streets = streets_from_network(network, [StreetZone("z", 42.8707, 74.602, 1000)], DEMAND)
    sp = network_problem(network, streets, depot=(42.8699, 74.5999),
                         unload=(42.8716, 74.6041), capacity_t=0.05, turns=turns)
    nodes = sp.problem.nodes
    assert [(nodes[a], nodes[b], nodes[c]) for a, b, c in sp.problem.banned_turns] == [
        ("osm:4", "osm:1", "osm:2")]
    solution = solve_arcs(sp.problem, time_limit=0.5, clock="cpu")
    report = validate_arc_routes(sp.problem, solution)
    assert report.ok, report.summary()  # the validator checks every turn of the plan
