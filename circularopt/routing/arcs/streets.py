"""Collection streets of a scenario as an arc-routing problem, and a route sheet per truck.

Street ends become nodes (by OSM node id when both ends have one, else by position
rounded to 1e-6 degrees), streets become required edges with their length in metres and
their tonnes (kg on the load grid). Trucks can only drive along the given streets: the
depot and the unload site are joined to the nearest street end by a *connector* edge
whose length is the straight line times ``detour`` (an approximation, named
``connector-*`` in routes). Collection trucks avoid U-turns: each costs ``u_turn_m``
metres (:data:`DEFAULT_U_TURN_M`), so deadheading is turn-aware
(:func:`~circularopt.routing.arcs.tasks.deadheads`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from circularopt._validate import number, position
from circularopt.exceptions import InputError
from circularopt.geo import great_circle
from circularopt.routing.arcs.problem import ArcModel, ArcProblem
from circularopt.routing.arcs.result import ArcSolution
from circularopt.scenario import CollectionStreet

__all__ = ["DEFAULT_U_TURN_M", "RULE_OF", "route_sheet", "street_problem"]

DEFAULT_U_TURN_M = 250.0
"""Default U-turn penalty of a collection truck in metres of driving: about 60 s at
15 km/h (assumed)."""

RULE_OF = {"both_sides_one_pass": "either", "each_direction": "each"}
"""Scenario serve rule -> arc-routing rule."""


def _key(street: CollectionStreet, end: str) -> str:
    osm = (street.osm_from, street.osm_to)
    if None not in osm:
        return f"osm:{street.osm_from if end == 'from' else street.osm_to}"
    lat, lon = ((street.from_lat, street.from_lon) if end == "from"
                else (street.to_lat, street.to_lon))
    return f"{lat:.6f},{lon:.6f}"


def _nodes(streets: Sequence[CollectionStreet]) -> dict[str, tuple[float, float]]:
    nodes: dict[str, tuple[float, float]] = {}
    for s in streets:
        nodes.setdefault(_key(s, "from"), (s.from_lat, s.from_lon))
        nodes.setdefault(_key(s, "to"), (s.to_lat, s.to_lon))
    return nodes


def _connect(model: ArcModel, name: str, where: tuple[float, float],
             nodes: dict[str, tuple[float, float]], detour: float) -> None:
    ids = list(nodes)
    pos = np.array([nodes[k] for k in ids])
    dist = great_circle(where[0], where[1], pos[:, 0], pos[:, 1])
    k = int(np.argmin(dist))
    model.add_edge(f"connector-{name}", name, ids[k], cost=float(dist[k]) * detour,
                   name=f"connector to {name} (straight line x {detour:g})")


def street_problem(streets: Sequence[CollectionStreet], *, depot: tuple[float, float],
                   unload: tuple[float, float], capacity_t: float,
                   count: int | None = None, detour: float = 1.3,
                   name: str = "curbside", u_turn_m: float = DEFAULT_U_TURN_M
                   ) -> ArcProblem:
    """The arc-routing problem of serving ``streets`` from ``depot`` with trucks of
    ``capacity_t`` tonnes that unload at ``unload`` (and return empty), paying
    ``u_turn_m`` metres per U-turn (0: U-turns free).

    Costs are metres. Raises InputError for no streets (naming ``name``) or a bad
    position, capacity, detour or penalty.
    """
    if not streets:
        raise InputError(f"{name}: streets", [], "at least one collection street")
    position("depot", *depot)
    position("unload", *unload)
    number("detour", detour, lo=1)
    nodes = _nodes(streets)
    model = ArcModel([*nodes, "depot", "unload"], name=name, load_scale=1000,
                     convention="street lengths in metres; connectors straight line x "
                                f"{detour:g}; U-turn {u_turn_m:g} m; tonnes on a 1 kg grid")
    for s in streets:
        model.add_edge(s.id, _key(s, "from"), _key(s, "to"), cost=s.km * 1000.0,
                       oneway=s.oneway, name=s.name)
        model.require(s.id, demand=s.total_tonnes_per_day, rule=RULE_OF[s.rule])
    _connect(model, "depot", depot, nodes, detour)
    _connect(model, "unload", unload, nodes, detour)
    model.add_unload_site("unload")
    model.set_u_turn_penalty(u_turn_m)
    model.set_fleet(depot="depot", capacity=capacity_t, count=count, return_empty=True)
    return model.data()


def route_sheet(problem: ArcProblem, solution: ArcSolution) -> list[dict[str, Any]]:
    """One row per served street or unload, per truck, in order: truck, order, street
    id and name, from and to node, length (km), load after the visit (t)."""
    rows: list[dict[str, Any]] = []
    for truck, route in enumerate(solution.routes, 1):
        load = 0.0
        for order, v in enumerate(route.visits, 1):
            if v.required is None:
                load = 0.0
                rows.append({"truck": truck, "order": order, "street": "", "name": "unload",
                             "from": problem.nodes[v.start], "to": problem.nodes[v.end],
                             "km": 0.0, "load_t": 0.0})
                continue
            req = problem.required[v.required]
            edge = problem.edges[req.edge]
            load += req.demand
            rows.append({"truck": truck, "order": order, "street": edge.id,
                         "name": edge.name, "from": problem.nodes[v.start],
                         "to": problem.nodes[v.end], "km": round(req.serve_cost / 1000, 3),
                         "load_t": round(load, 3)})
    return rows
