"""Shared network fixtures: a tiny OSM street grid as XML, PBF and a loaded network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from circularopt.network import RoadNetwork, load_network

LAT0, LON0, STEP = 42.87, 74.59, 0.001

# A 3x3 street grid (node 1 at the south-west corner, ids row by row) with:
# row 0 two-way residential, row 1 one-way primary eastwards, row 2 residential one-way
# against its node order (oneway=-1: 9 -> 8 -> 7), column 0 residential with the
# Kyrgyz implicit limit KG:urban, column 2 secondary with maxspeed 30, column 1 a
# footway; a one-way spur 3 -> 10 (cannot return), a separate road 11-12, a building,
# a parking aisle and a two-way dead end 16 - 1.
NODES = {k: (LAT0 + ((k - 1) // 3) * STEP, LON0 + ((k - 1) % 3) * STEP) for k in range(1, 10)}
NODES.update({10: (LAT0 - STEP, LON0 + 3 * STEP), 11: (LAT0 + 5 * STEP, LON0),
              12: (LAT0 + 5 * STEP, LON0 + STEP), 13: (LAT0 + 0.0004, LON0 + 0.0004),
              14: (LAT0 + 0.0006, LON0 + 0.0004), 15: (LAT0 + 0.0006, LON0 + 0.0006),
              16: (LAT0, LON0 - STEP)})
WAYS: list[tuple[int, list[int], dict[str, str]]] = [
    (100, [1, 2, 3], {"highway": "residential"}),
    (101, [4, 5, 6], {"highway": "primary", "oneway": "yes"}),
    (102, [7, 8, 9], {"highway": "residential", "oneway": "-1"}),
    (103, [1, 4, 7], {"highway": "residential", "maxspeed": "KG:urban"}),
    (104, [3, 6, 9], {"highway": "secondary", "maxspeed": "30"}),
    (105, [2, 5, 8], {"highway": "footway"}),
    (106, [3, 10], {"highway": "residential", "oneway": "yes"}),
    (107, [11, 12], {"highway": "residential"}),
    (108, [13, 14, 15, 13], {"building": "yes"}),
    (109, [1, 5], {"highway": "service", "service": "parking_aisle"}),
    (110, [16, 1], {"highway": "tertiary"}),
]
KEPT = {1, 3, 4, 6, 7, 9, 16}


def _xml() -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for k, (lat, lon) in NODES.items():
        lines.append(f'  <node id="{k}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, refs, tags in WAYS:
        lines.append(f'  <way id="{wid}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


@pytest.fixture
def tiny_osm(tmp_path: Path) -> Path:
    """The 3x3 grid as OSM XML."""
    path = tmp_path / "tiny.osm"
    path.write_text(_xml(), encoding="utf-8")
    return path


@pytest.fixture
def tiny_pbf(tmp_path: Path) -> Path:
    """The same grid written as .osm.pbf with pyosmium."""
    import osmium
    from osmium.osm.mutable import Node, Way

    path = tmp_path / "tiny.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    for k, (lat, lon) in NODES.items():
        writer.add_node(Node(id=k, location=(lon, lat)))
    for wid, refs, tags in WAYS:
        writer.add_way(Way(id=wid, nodes=refs, tags=tags))
    writer.close()
    return path


@pytest.fixture
def tiny(tiny_osm: Path) -> RoadNetwork:
    """The grid loaded from XML."""
    return load_network(tiny_osm)


def _node(net: RoadNetwork, osm_id: int) -> int:
    return int(np.flatnonzero(net.node_ids == osm_id)[0])


def _edge_set(net: RoadNetwork) -> set[tuple[int, int]]:
    ids = net.node_ids
    return {(int(ids[a]), int(ids[b])) for a, b in zip(net.edge_tails, net.indices, strict=True)}


def _edge(net: RoadNetwork, a: int, b: int) -> int:
    return net.edge_index(_node(net, a), _node(net, b))
