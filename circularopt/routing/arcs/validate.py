"""Independent check of arc routes against the road graph.

It walks every route from the depot over the nodes the solution lists, looks up each
step among the problem's edges (allowed direction, cheapest parallel edge), recomputes
the cost (serving plus deadheading), the load between unloads and how often each street
is served, and compares deadheading with shortest paths recomputed by networkx
(not the scipy computation the solver uses).

With turn data it also checks every turn of the walk (deadheading and serving, reset
at the depot and unload sites) against the banned and *only* turns, counts the U-turns
and adds their penalty to the cost; the shortest deadheading it compares with is then
an edge-based networkx search over allowed turns.

With a shift (:attr:`ArcProblem.shift`) it recomputes each route's duration from the
walk (its recomputed cost over the speed, plus the service time of every street served
and the unload time of every unloading stop) and reports a route past the shift, or,
with a break, past :attr:`ArcProblem.route_limit` (the shift less the break, unless the
route ends before the break is due).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

import networkx as nx

from circularopt.i18n import tr
from circularopt.routing.arcs.problem import ArcProblem
from circularopt.routing.arcs.result import ArcRoute, ArcSolution, ArcVisit
from circularopt.validation import ValidationReport

__all__ = ["ArcValidationReport", "validate_arc_routes"]

_EPS = 1e-6


@dataclass(frozen=True)
class ArcValidationReport(ValidationReport):
    """What :func:`validate_arc_routes` found; ``cost`` is serving plus deadheading
    (times each route's ``cost_per_distance``) plus ``fixed_cost``."""

    deadhead: float = 0.0
    served: int = 0
    vehicles: int = 0
    u_turns: int = 0
    longest_route_s: float = 0.0
    """Duration of the longest route, seconds (0 without a shift: time not modelled)."""
    fixed_cost: float = 0.0
    """Fixed cost of the vehicles used (included in ``cost``)."""

    subject: ClassVar[str] = "arc routes"

    def figures(self) -> str:
        """Cost, deadheading, streets served, vehicles and, with a shift, the longest
        route's time."""
        return (f"cost {self.cost or 0:,.2f} (deadheading {self.deadhead:,.2f}), "
                f"{self.served} street services, {self.vehicles} vehicles, "
                f"{self.u_turns} U-turns" + (f", longest route {self.longest_route_s / 60:,.1f}"
                                             " min" if self.longest_route_s else ""))


def _steps(problem: ArcProblem) -> dict[tuple[int, int], float]:
    """Cheapest cost of driving from node a to node b over one edge."""
    out: dict[tuple[int, int], float] = {}
    for e in problem.edges:
        for a, b in [(e.u, e.v)] + ([] if e.oneway else [(e.v, e.u)]):
            out[(a, b)] = min(out.get((a, b), float("inf")), e.cost)
    return out


def _line_graph(problem: ArcProblem, steps: dict[tuple[int, int], float]) -> nx.DiGraph:
    """Directed steps as nodes, allowed turns as edges weighted with the step turned
    into plus the U-turn penalty; ``("from", a)`` and ``("to", b)`` start and end at a
    node with any turn."""
    only: dict[tuple[int, int], set[int]] = {}
    for a, b, c in problem.only_turns:
        only.setdefault((a, b), set()).add(c)
    banned = set(problem.banned_turns)
    line = nx.DiGraph()
    for (a, b) in steps:
        line.add_edge(("from", a), (a, b), cost=steps[(a, b)])
        line.add_edge((a, b), ("to", b), cost=0.0)
        for (b2, c), cost in steps.items():
            if b2 != b or (a, b, c) in banned or ((a, b) in only and c not in only[(a, b)]):
                continue
            line.add_edge((a, b), (b, c), cost=cost + (problem.u_turn_penalty if c == a
                                                       else 0.0))
    return line


class _Walk:
    """State of the walk along one route; ``prev`` is the node before ``here`` on the
    last step (``None`` at the depot and after an unload: any turn)."""

    def __init__(self, problem: ArcProblem, graph: nx.DiGraph, r: int,
                 line: nx.DiGraph | None = None, capacity: float | None = None) -> None:
        self.p, self.graph, self.r, self.line = problem, graph, r, line
        self.capacity = problem.capacity if capacity is None else capacity
        self.steps = {(a, b): d["cost"] for a, b, d in graph.edges(data=True)}
        self.here, self.load, self.cost, self.deadhead = problem.depot, 0.0, 0.0, 0.0
        self.prev: int | None = None
        self.u_turns = 0
        self.busy = 0.0  # seconds not spent driving: service and unloading
        self.only: dict[tuple[int, int], set[int]] = {}
        for a, b, c in problem.only_turns:
            self.only.setdefault((a, b), set()).add(c)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def turn(self, a: int, b: int) -> float:
        """Check the turn onto step ``a -> b``; return its penalty."""
        p, self.prev = self.prev, a
        if p is None:
            return 0.0
        if (p, a, b) in self.p.banned_turns or (
                (p, a) in self.only and b not in self.only[(p, a)]):
            self.errors.append(tr("route {route}: turns from node {a} via node {b} to node "
                                  "{c}, a banned turn", route=self.r, a=self.name(p),
                                  b=self.name(a), c=self.name(b)))
        if p != b:
            return 0.0
        self.u_turns += 1
        return self.p.u_turn_penalty

    def name(self, node: int) -> str:
        return repr(self.p.nodes[node]) if 0 <= node < len(self.p.nodes) else repr(node)

    def drive(self, nodes: tuple[int, ...], to: int,
              then: tuple[int, int] | None = None) -> None:
        """Deadhead along ``nodes`` from the current position to ``to`` (where step
        ``then`` is served next, if given)."""
        if not nodes or nodes[0] != self.here or nodes[-1] != to:
            self.errors.append(f"route {self.r}: deadheading {list(nodes)} does not lead from "
                               f"node {self.name(self.here)} to node {self.name(to)}")
            return
        length = penalty = 0.0
        start = ("from", nodes[0]) if self.prev is None else (self.prev, nodes[0])
        for a, b in itertools.pairwise(nodes):
            if (a, b) not in self.steps:
                self.errors.append(f"route {self.r}: deadheads from node {self.name(a)} to "
                                   f"node {self.name(b)} over no edge of the network")
                return
            penalty += self.turn(a, b)
            length += self.steps[(a, b)]
        self.cost += penalty
        self.deadhead += length
        if then is not None and then in self.steps and self.line is not None:
            penalty += self.p.u_turn_penalty if self.prev == then[1] else 0.0
        best = self.shortest(start, to, then)
        if length + penalty > best + _EPS:
            self.warnings.append(f"route {self.r}: deadheading from node "
                                 f"{self.name(nodes[0])} to node {self.name(to)} costs "
                                 f"{length + penalty:g}, the shortest path {best:g}")
        self.cost += length
        self.here = to

    def shortest(self, start: tuple[Any, int], to: int, then: tuple[int, int] | None
                 ) -> float:
        """Cheapest deadheading from ``start`` (a step, or ``("from", node)``) to ``to``;
        with turns, up to and including the turn into step ``then``."""
        try:
            if self.line is None:
                return float(nx.shortest_path_length(self.graph, start[1], to,
                                                     weight="cost"))
            if then is None or then not in self.steps:
                return float(nx.shortest_path_length(self.line, start, ("to", to),
                                                     weight="cost"))
            return float(nx.shortest_path_length(self.line, start, then, weight="cost")
                         - self.steps[then])
        except nx.NetworkXNoPath:
            return float("inf")

    def visit(self, v: ArcVisit, served: Counter[tuple[int, bool]]) -> None:
        self.drive(v.deadhead, v.start, None if v.kind == "unload" else (v.start, v.end))
        if v.kind == "unload":
            if v.start not in self.p.unload_nodes:
                self.errors.append(f"route {self.r}: unloads at node {self.name(v.start)}, "
                                   "which is no unload site")
            self.load = 0.0
            self.prev = None
            self.busy += self.p.unload_time
            return
        if v.required is None or not 0 <= v.required < len(self.p.required):
            self.errors.append(f"route {self.r}: serves unknown street {v.required}")
            return
        req = self.p.required[v.required]
        e = self.p.edges[req.edge]
        ends = (e.u, e.v) if v.forward else (e.v, e.u)
        if (v.start, v.end) != ends or (e.oneway and not v.forward):
            self.errors.append(f"route {self.r}: serves street {e.id!r} from node "
                               f"{self.name(v.start)} to node {self.name(v.end)}, not along "
                               "an allowed direction of that edge")
        served[(v.required, v.forward)] += 1
        self.load += req.demand
        if self.load > self.capacity + _EPS:
            self.errors.append(f"route {self.r}: load {self.load:g} after street {e.id!r} "
                               f"exceeds the capacity {self.capacity:g}")
        self.cost += req.serve_cost + self.turn(v.start, v.end)
        self.busy += req.service_time
        self.here = v.end

    @property
    def seconds(self) -> float:
        """The route's duration so far (time model: :mod:`.problem`)."""
        return self.cost / self.p.speed + self.busy


def _graph(problem: ArcProblem) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(problem.nodes)))
    for (a, b), cost in _steps(problem).items():
        graph.add_edge(a, b, cost=cost)
    return graph


def _walk(problem: ArcProblem, graph: nx.DiGraph, r: int, route: ArcRoute,
          served: Counter[tuple[int, bool]], line: nx.DiGraph | None) -> _Walk:
    types = problem.vehicle_types
    known = 0 <= route.vehicle_type < len(types)
    walk = _Walk(problem, graph, r, line,
                 types[route.vehicle_type].capacity if known else None)
    if not known:
        walk.errors.append(f"route {r}: vehicle type {route.vehicle_type} is not one of "
                           f"the {len(types)} types")
    for v in route.visits:
        walk.visit(v, served)
    if problem.return_empty and route.served() and (
            not route.visits or route.visits[-1].kind != "unload"):
        walk.errors.append(f"route {r}: returns to the depot loaded (return_empty)")
    walk.drive(route.home, problem.depot)
    limit = problem.route_limit
    if limit is not None and problem.shift is not None and walk.seconds > limit + _EPS:
        walk.errors.append(tr("route {route}: takes {need:.1f} min, more than the shift of "
                              "{shift:.1f} min", route=r, need=walk.seconds / 60,
                              shift=problem.shift / 60) if limit == problem.shift else tr(
            "route {route}: takes {need:.1f} min, more than the {limit:.1f} min a route may "
            "take in the {shift:.1f} min shift with its {brk:.0f} min break after "
            "{after:.0f} min", route=r, need=walk.seconds / 60, limit=limit / 60,
            shift=problem.shift / 60, brk=problem.break_time / 60,
            after=problem.break_after / 60))
    return walk


def _coverage(problem: ArcProblem, served: Counter[tuple[int, bool]]) -> list[str]:
    """One violation per street not served exactly as its rule asks."""
    errors = []
    for k, req in enumerate(problem.required):
        e = problem.edges[req.edge]
        fwd, bwd = served[(k, True)], served[(k, False)]
        if req.rule == "either" or e.oneway:
            if fwd + bwd != 1:
                errors.append(tr("street {street!r} is served {times} times; expected once",
                                 street=e.id, times=fwd + bwd))
        elif (fwd, bwd) != (1, 1):
            errors.append(tr("street {street!r} (rule 'each') is served {fwd} times from "
                             "{u!r} and {bwd} times from {v!r}; expected once each way",
                             street=e.id, fwd=fwd, bwd=bwd, u=problem.nodes[e.u],
                             v=problem.nodes[e.v]))
    return errors


def validate_arc_routes(problem: ArcProblem, solution: ArcSolution) -> ArcValidationReport:
    """Check every route of ``solution`` against ``problem`` and recompute the cost.

    Violations: a street served other than exactly once under its rule (once in either
    direction, or once each way), a step over no edge or against a one-way edge,
    deadheading that does not connect the visits, a load above the capacity of the
    route's vehicle type, an unload away from an unload site, a loaded return with
    ``return_empty``, more vehicles than the fleet or of a type than its count, a
    reported cost (each route's distance times its type's ``cost_per_distance``, plus
    fixed costs) that differs from the recomputed one, a
    route longer than the shift. Warnings: deadheading longer than the shortest path.
    """
    graph = _graph(problem)
    line = _line_graph(problem, _steps(problem)) if problem.turn_aware else None
    served: Counter[tuple[int, bool]] = Counter()
    errors: list[str] = []
    warnings: list[str] = []
    cost = deadhead = 0.0
    u_turns = 0
    longest = 0.0
    for r, route in enumerate(solution.routes):
        walk = _walk(problem, graph, r, route, served, line)
        u_turns += walk.u_turns
        if problem.shift is not None and route.served():
            longest = max(longest, walk.seconds)
        errors += walk.errors
        warnings += walk.warnings
        known = 0 <= route.vehicle_type < len(problem.vehicle_types)
        cost += walk.cost * (problem.vehicle_types[route.vehicle_type].cost_per_distance
                             if known else 1.0)
        deadhead += walk.deadhead
    errors += _coverage(problem, served)
    fixed, fleet_errors = _fleet(problem, solution)
    errors += fleet_errors
    cost += fixed
    vehicles = sum(1 for r in solution.routes if r.served())
    if vehicles > problem.num_vehicles:
        errors.append(f"{vehicles} vehicles used; the fleet has {problem.num_vehicles}")
    if abs(cost - solution.cost) > _EPS * max(1.0, abs(cost)):
        errors.append(f"reported cost {solution.cost:g} differs from the recomputed "
                      f"{cost:g}")
    return ArcValidationReport(tuple(errors), round(cost, 6), tuple(warnings),
                               round(deadhead, 6), sum(served.values()), vehicles, u_turns,
                               round(longest, 3), round(fixed, 6))


def _fleet(problem: ArcProblem, solution: ArcSolution) -> tuple[float, list[str]]:
    """Fixed cost of the vehicles used, and a violation per vehicle type used more
    often than its count."""
    types = problem.vehicle_types
    used = Counter(r.vehicle_type for r in solution.routes
                   if r.served() and 0 <= r.vehicle_type < len(types))
    fixed = sum(types[k].fixed_cost * n for k, n in used.items())
    errors = [tr("{used} vehicles of type {kind!r} used; the fleet has {count}",
                 used=n, kind=types[k].name, count=types[k].count)
              for k, n in sorted(used.items()) if n > types[k].count]
    return fixed, errors
