"""The arc-routing problem: streets (edges) to serve, a road graph to deadhead on.

Build it with the validating builder :class:`ArcModel` and freeze it with
:meth:`ArcModel.data`, which returns an :class:`ArcProblem`. The solver
(:func:`~circularopt.routing.arcs.solve_arcs`) and the validator
(:func:`~circularopt.routing.arcs.validate_arc_routes`) read only the frozen problem.

Model
-----
*Nodes* are junctions. *Edges* join two nodes; a two-way edge may be traversed in both
directions, a one-way edge only from ``u`` to ``v``. Deadheading (driving without
serving) costs the edge's ``cost``. A *required edge* is a street to serve: it has a
demand, a serving cost (the traversal with service; by default the edge's cost) and a
rule: ``"either"`` (both sides in one pass, in either allowed direction: a narrow
residential street) or ``"each"`` (each allowed direction served separately: a wide or
a one-way street). Vehicles leave the depot, may empty their load at an unload site
(CARP with intermediate facilities) and return to the depot. The cost of a plan is the
total serving plus deadheading cost (distance), times each route's vehicle type's
``cost_per_distance``, plus the fixed cost of every vehicle used.

*Fleet*: one capacity (:meth:`ArcModel.set_fleet`) or several vehicle types
(:meth:`ArcModel.add_vehicle_type`, as in the node routing): each with a name, capacity,
count, fixed cost per vehicle used and cost per distance (default 1).

*Shift* (optional, :meth:`ArcModel.set_shift`): a route's duration, from leaving the
depot to being back, must not exceed ``shift`` seconds. Time is derived from cost: a
route takes its cost (serving, deadheading and U-turn penalties) divided by ``speed``
(cost units per second), plus each served street's ``service_time`` and
``unload_time`` per unloading stop. A U-turn thus takes its penalty's worth of driving.
A *break* of ``break_time`` seconds is due on a route that lasts longer than
``break_after`` seconds, taken between two visits at any time after that: such a route
must end ``break_time`` before the shift's end. The longest route is then
:attr:`ArcProblem.route_limit`, a single duration both engines enforce exactly (a route
cannot gain from where its break is: costs do not depend on time).

*Turns* (optional): a U-turn penalty (added to the cost each time a vehicle drives
``a -> b -> a`` within a run, serving or deadheading) and turn restrictions as node
triples ``(from, via, to)``: *banned* ones, and *only* ones (from ``from -> via`` only
these). Depot and unload sites reset the turn state (trucks turn round inside). With
turn data the deadheading follows an edge-based (turn-aware) search.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from circularopt._validate import choice, ident, integer, number
from circularopt.exceptions import InfeasibleError, InputError
from circularopt.i18n import tr

__all__ = ["RULES", "ArcEdge", "ArcModel", "ArcProblem", "ArcVehicleType", "RequiredEdge",
           "ServeRule"]

ServeRule = Literal["either", "each"]
RULES: tuple[str, ...] = ("either", "each")
"""Serve rules: ``either`` = once, in either direction; ``each`` = once per direction."""


@dataclass(frozen=True)
class ArcEdge:
    """A road edge between nodes ``u`` and ``v`` (indices into :attr:`ArcProblem.nodes`).

    ``oneway``: traversable only from ``u`` to ``v``. ``name`` is shown in route sheets.
    """

    id: str
    u: int
    v: int
    cost: float
    oneway: bool = False
    name: str = ""


@dataclass(frozen=True)
class RequiredEdge:
    """A street to serve: edge index, demand, serving cost, serve rule and
    ``service_time`` (seconds spent on top of driving it, e.g. picking up bags; counted
    only against a shift)."""

    edge: int
    demand: float
    serve_cost: float
    rule: ServeRule = "either"
    service_time: float = 0.0


@dataclass(frozen=True)
class ArcVehicleType:
    """``count`` vehicles of one ``capacity``, each costing ``fixed_cost`` when used and
    ``cost_per_distance`` times the cost of every edge it drives (a multiple of 0.01)."""

    name: str
    capacity: float
    count: int
    fixed_cost: float = 0.0
    cost_per_distance: float = 1.0


@dataclass(frozen=True, eq=False)
class ArcProblem:
    """A frozen arc-routing problem; build it with :class:`ArcModel`.

    Parameters
    ----------
    name
        Name shown in results.
    nodes
        Node ids.
    edges, required
        The road graph and the streets to serve.
    depot
        Index of the depot node.
    capacity
        Vehicle capacity (same unit as the demands); with ``vehicle_types`` the largest.
    num_vehicles
        Vehicles available; with ``vehicle_types`` their total count.
    unload_nodes
        Nodes where a vehicle may empty its load mid-route (empty: none).
    return_empty
        A route must unload right before returning to the depot.
    scale
        Costs are multiples of ``1 / scale`` (engines work on integers).
    load_scale
        Demands and the capacity are multiples of ``1 / load_scale``.
    convention
        Where the data come from and how costs are rounded, in words.
    u_turn_penalty
        Cost added per U-turn (``a -> b -> a``) away from the depot and unload sites.
    banned_turns, only_turns
        Turn restrictions as ``(from, via, to)`` node-index triples.
    shift
        Longest route duration in seconds (``None``: no limit); keyword-only.
    speed
        Cost units per second, turning cost into driving time (used with ``shift``).
    unload_time
        Seconds per unloading stop (used with ``shift``).
    break_time, break_after
        A break of ``break_time`` seconds on every route longer than ``break_after``
        seconds (used with ``shift``; keyword-only).
    vehicle_types
        The fleet by type; keyword-only; empty (the default) stands for one type
        ``"truck"`` of ``num_vehicles`` vehicles of ``capacity`` without fixed cost.
    """

    name: str
    nodes: tuple[str, ...]
    edges: tuple[ArcEdge, ...]
    required: tuple[RequiredEdge, ...]
    depot: int
    capacity: float
    num_vehicles: int
    unload_nodes: tuple[int, ...] = ()
    return_empty: bool = False
    scale: int = 1
    load_scale: int = 1
    convention: str = ""
    u_turn_penalty: float = 0.0
    banned_turns: tuple[tuple[int, int, int], ...] = ()
    only_turns: tuple[tuple[int, int, int], ...] = ()
    shift: float | None = field(default=None, kw_only=True)
    speed: float = field(default=1.0, kw_only=True)
    unload_time: float = field(default=0.0, kw_only=True)
    break_time: float = field(default=0.0, kw_only=True)
    break_after: float = field(default=0.0, kw_only=True)
    vehicle_types: tuple[ArcVehicleType, ...] = field(default=(), kw_only=True)
    _edge_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.shift is not None:
            number("shift", self.shift, lo=0, lo_open=True)
        number("speed", self.speed, lo=0, lo_open=True)
        number("unload_time", self.unload_time, lo=0)
        number("break_after", self.break_after, lo=0)
        if self.shift is not None:
            _break_time(self.break_time, self.shift)
        if not self.vehicle_types:
            object.__setattr__(self, "vehicle_types", (
                ArcVehicleType("truck", self.capacity, self.num_vehicles),))
        object.__setattr__(self, "_edge_index", {e.id: k for k, e in enumerate(self.edges)})

    @property
    def route_limit(self) -> float | None:
        """Longest route in seconds (``None``: no shift): the shift less the break, or
        up to ``break_after`` (no break due) if that is longer."""
        if self.shift is None or self.break_time <= 0:
            return self.shift
        return max(self.shift - self.break_time, min(self.break_after, self.shift))

    @property
    def cost_unit(self) -> int:
        """Integer cost units per cost unit the engines use: 1 when every vehicle type
        pays its distance once, else 100 (``cost_per_distance`` in hundredths)."""
        return 1 if all(t.cost_per_distance == 1 for t in self.vehicle_types) else 100

    def task_seconds(self, required: int) -> float:
        """Seconds serving required edge ``required`` takes (driving it and its
        service time)."""
        r = self.required[required]
        return r.serve_cost / self.speed + r.service_time

    @property
    def num_required(self) -> int:
        """Number of required edges (the ``n`` of the benchmarks)."""
        return len(self.required)

    @property
    def turn_aware(self) -> bool:
        """Whether turns matter: a U-turn penalty or any turn restriction."""
        return bool(self.u_turn_penalty > 0 or self.banned_turns or self.only_turns)

    def edge_index(self, edge_id: str) -> int:
        """Index of the edge with id ``edge_id``."""
        try:
            return self._edge_index[edge_id]
        except KeyError:
            raise InputError("edge id", edge_id, "the id of an edge of this network") from None

    def summary(self) -> str:
        """One line describing the problem's size."""
        return (f"{self.name}: {len(self.nodes)} nodes, {len(self.edges)} edges, "
                f"{self.num_required} required, capacity {self.capacity:g}, "
                f"{len(self.unload_nodes)} unload sites")


def _break_time(seconds: float, shift: float) -> float:
    """``seconds`` of break, checked to be at least 0 and shorter than the shift."""
    x = number("break_time", seconds, lo=0)
    if x >= shift:
        raise InputError("break_time", seconds, f"fewer seconds than the shift ({shift:g})")
    return x


def _quantise(x: float, scale: int) -> float:
    return round(x * scale) / scale


class ArcModel:
    """Validating builder of an :class:`ArcProblem`.

    Parameters
    ----------
    nodes
        Node ids (unique).
    name, convention, scale, load_scale
        See :class:`ArcProblem`.

    Examples
    --------
    >>> m = ArcModel(["a", "b"])
    >>> m.add_edge("ab", "a", "b", cost=100)
    >>> m.require("ab", demand=2)
    >>> m.set_fleet(depot="a", capacity=10)
    >>> problem = m.data()
    """

    def __init__(self, nodes: Iterable[Any], *, name: str = "arcs", convention: str = "",
                 scale: int = 1, load_scale: int = 1) -> None:
        self._nodes = tuple(str(x) for x in nodes)
        self._node_index = {x: k for k, x in enumerate(self._nodes)}
        if len(self._node_index) != len(self._nodes):
            dup = sorted({x for x in self._nodes if self._nodes.count(x) > 1})[:5]
            raise InputError("nodes", dup, "unique node ids")
        self._scale = integer("scale", scale, lo=1)
        self._load_scale = integer("load_scale", load_scale, lo=1)
        self._name, self._convention = name, convention
        self._edges: list[ArcEdge] = []
        self._edge_ids: dict[str, int] = {}
        self._required: dict[int, RequiredEdge] = {}
        self._fleet: dict[str, Any] | None = None
        self._unload: list[int] = []
        self._u_turn = 0.0
        self._turns: dict[tuple[int, int, int], bool] = {}
        self._shift: dict[str, Any] = {}
        self._types: list[ArcVehicleType] = []

    def _node(self, where: str, node: Any) -> int:
        key = str(node)
        if key not in self._node_index:
            raise InputError(where, key, "one of the node ids given to ArcModel")
        return self._node_index[key]

    def add_edge(self, id: str, u: Any, v: Any, *, cost: float, oneway: bool = False,
                 name: str = "") -> int:
        """Add an edge from node ``u`` to node ``v``; returns its index."""
        id_ = ident("edge id", id)
        if id_ in self._edge_ids:
            raise InputError("edge id", id_, "an id not used by another edge")
        w = f"edge {id_!r}"
        edge = ArcEdge(id_, self._node(f"{w}.u", u), self._node(f"{w}.v", v),
                       _quantise(number(f"{w}.cost", cost, lo=0), self._scale),
                       bool(oneway), str(name))
        self._edge_ids[id_] = len(self._edges)
        self._edges.append(edge)
        return len(self._edges) - 1

    def require(self, edge: str, *, demand: float, serve_cost: float | None = None,
                rule: str = "either", service_time: float = 0.0) -> None:
        """Make edge ``edge`` (an id given to :meth:`add_edge`) a street to serve;
        ``service_time``: seconds on top of driving it (counted against a shift)."""
        w = f"required edge {edge!r}"
        if str(edge) not in self._edge_ids:
            raise InputError(w, edge, "the id of an edge added with add_edge")
        k = self._edge_ids[str(edge)]
        if k in self._required:
            raise InputError(w, edge, "an edge not required twice")
        cost = self._edges[k].cost if serve_cost is None else serve_cost
        self._required[k] = RequiredEdge(
            k, _quantise(number(f"{w}.demand", demand, lo=0), self._load_scale),
            _quantise(number(f"{w}.serve_cost", cost, lo=0), self._scale),
            choice(f"{w}.rule", rule, RULES),
            number(f"{w}.service_time", service_time, lo=0))

    def add_unload_site(self, node: Any) -> None:
        """Let vehicles empty their load at ``node`` (mid-route and, with
        ``return_empty``, before going home)."""
        k = self._node("unload site", node)
        if k not in self._unload:
            self._unload.append(k)

    def set_u_turn_penalty(self, cost: float) -> None:
        """Add ``cost`` per U-turn (0: U-turns are free, the default)."""
        self._u_turn = _quantise(number("u_turn_penalty", cost, lo=0), self._scale)

    def restrict_turn(self, from_node: Any, via: Any, to_node: Any, *,
                      only: bool = False) -> None:
        """Ban the turn ``from_node -> via -> to_node`` (OSM ``no_*``), or with ``only``
        allow from ``from_node -> via`` only this turn and the other ``only`` ones
        (OSM ``only_*``). Both steps must follow edges of the model."""
        turn = (self._node("turn from", from_node), self._node("turn via", via),
                self._node("turn to", to_node))
        steps = {(e.u, e.v) for e in self._edges} | {
            (e.v, e.u) for e in self._edges if not e.oneway}
        if (turn[0], turn[1]) not in steps or (turn[1], turn[2]) not in steps:
            raise InputError("turn", [self._nodes[k] for k in turn],
                             "a turn along two edges added with add_edge")
        self._turns[turn] = bool(only)

    def set_shift(self, seconds: float, *, speed: float, unload_time: float = 0.0,
                  break_time: float = 0.0, break_after: float = 0.0) -> None:
        """Limit every route to ``seconds`` from the depot back to the depot, driving
        ``speed`` cost units per second, spending ``unload_time`` seconds per
        unloading stop and a break of ``break_time`` seconds once it lasts longer than
        ``break_after`` (time model: module docstring)."""
        shift = number("shift", seconds, lo=0, lo_open=True)
        self._shift = {"shift": shift, "speed": number("speed", speed, lo=0, lo_open=True),
                       "unload_time": number("unload_time", unload_time, lo=0),
                       "break_time": _break_time(break_time, shift),
                       "break_after": number("break_after", break_after, lo=0)}

    def set_fleet(self, *, depot: Any, capacity: float | None = None,
                  count: int | None = None, return_empty: bool = False) -> None:
        """The depot and the vehicles: ``count`` of ``capacity`` (default: one vehicle
        per required edge, i.e. an unlimited fleet), or, without ``capacity`` and
        ``count``, the types added with :meth:`add_vehicle_type`."""
        cap = None if capacity is None else _quantise(
            number("capacity", capacity, lo=0, lo_open=True), self._load_scale)
        self._fleet = {"depot": self._node("depot", depot), "capacity": cap,
                       "count": None if count is None else integer("count", count, lo=1),
                       "return_empty": bool(return_empty)}

    def add_vehicle_type(self, name: str, *, capacity: float, count: int,
                         fixed_cost: float = 0.0, cost_per_distance: float = 1.0) -> None:
        """Add ``count`` vehicles of ``capacity`` named ``name``, each costing
        ``fixed_cost`` (cost units, as the edges) when it serves a street and
        ``cost_per_distance`` (rounded to 0.01) times each edge's cost it drives."""
        name_ = ident("vehicle type", name)
        if any(t.name == name_ for t in self._types):
            raise InputError("vehicle type", name_, "a name not used by another type")
        w = f"vehicle type {name_!r}"
        self._types.append(ArcVehicleType(
            name_, _quantise(number(f"{w}.capacity", capacity, lo=0, lo_open=True),
                             self._load_scale),
            integer(f"{w}.count", count, lo=1),
            _quantise(number(f"{w}.fixed_cost", fixed_cost, lo=0), self._scale),
            _quantise(number(f"{w}.cost_per_distance", cost_per_distance, lo=0, lo_open=True),
                      100)))

    def _capacity(self) -> float:
        """The largest capacity; checks that the fleet is given one way only."""
        f = self._fleet
        assert f is not None
        for key in ("capacity", "count"):
            if f[key] is not None and self._types:
                raise InputError(key, f[key],
                                 f"no {key} in set_fleet when vehicle types are added")
        if f["capacity"] is None and not self._types:
            raise InputError("capacity", None, "a capacity in set_fleet, or vehicle types "
                             "(add_vehicle_type)")
        return float(f["capacity"] if f["capacity"] is not None
                     else max(t.capacity for t in self._types))

    def data(self) -> ArcProblem:
        """Check the fleet and the demands and return the frozen problem.

        Raises
        ------
        InputError
            No fleet, or no required edge.
        InfeasibleError
            A street's demand exceeds the capacity (split the street), or
            ``return_empty`` without an unload site.
        """
        if self._fleet is None:
            raise InputError("fleet", None, "a depot and a capacity (set_fleet)")
        if not self._required:
            raise InputError("required edges", [], "at least one street to serve (require)")
        f = self._fleet
        capacity = self._capacity()
        for r in self._required.values():
            if r.demand > capacity:
                raise InfeasibleError(tr(
                    "street {street!r} has demand {demand:g}, more than a vehicle carries "
                    "({capacity:g}); split the street", street=self._edges[r.edge].id,
                    demand=r.demand, capacity=capacity))
        if f["return_empty"] and not self._unload:
            raise InfeasibleError(tr("vehicles must return empty but there is no unload "
                                     "site; add one with add_unload_site"))
        required = tuple(self._required[k] for k in sorted(self._required))
        count = f["count"] or max(1, sum(2 if r.rule == "each" else 1 for r in required))
        if self._types:
            count = sum(t.count for t in self._types)
        return ArcProblem(self._name, self._nodes, tuple(self._edges), required, f["depot"],
                          capacity, count, tuple(self._unload), f["return_empty"],
                          self._scale, self._load_scale, self._convention, self._u_turn,
                          tuple(t for t, only in self._turns.items() if not only),
                          tuple(t for t, only in self._turns.items() if only),
                          vehicle_types=tuple(self._types), **self._shift)
