"""The map layers: routes along the streets with a network."""

from __future__ import annotations

from itertools import pairwise

import pytest

from circularopt.network import snap
from circularopt.outputs import (
    plan_layers,
)
from circularopt.plan import Plan
from tests.outputs.conftest import grid_network


def test_routes_along_the_streets_with_a_network(plan: Plan) -> None:
    assert plan.routing is not None
    net = grid_network()
    straight = plan_layers(plan)["routes"]
    streets = plan_layers(plan, network=net, max_snap_m=2000)["routes"]
    assert not streets["approximate"].any()
    located = plan.scenario.located()
    by_id = {o.id: (o.lon, o.lat) for o in located}
    place_at = {xy: i for i, xy in by_id.items()}
    sn = snap(net, [o.id for o in located], [o.lat for o in located],
              [o.lon for o in located], max_snap_m=2000)
    node_of = dict(zip(sn.ids, sn.node.tolist(), strict=True))
    node_at = {xy: k for k, xy in enumerate(zip(net.lon.tolist(), net.lat.tolist(),
                                                strict=True))}
    edges = {(int(u), int(v)) for u, v in zip(net.edge_tails, net.indices, strict=True)}
    for g0, g1 in zip(straight.geometry, streets.geometry, strict=True):
        coords = list(g1.coords)
        assert len(coords) > len(g0.coords)
        assert coords[0] == pytest.approx(by_id["dp"]) and coords[-1] == coords[0]
        # Each step is a street edge, or joins a place to the node it snaps to.
        for a, b in pairwise(coords):
            na, nb = node_at.get(a), node_at.get(b)
            pa, pb = place_at.get(a), place_at.get(b)
            assert (a == b or (na, nb) in edges or (pa is not None and nb == node_of[pa])
                    or (pb is not None and na == node_of[pb])), (a, b)
        # The places visited appear in the route's order along the line.
        assert [place_at[c] for c in coords if c in place_at] == [
            place_at[c] for c in g0.coords]
