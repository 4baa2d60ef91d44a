r"""Capacitated location-routing (LRP): open depots and route vehicles from them.

Problem
-------
Candidate depots :math:`j` have a capacity :math:`W_j` and an opening cost :math:`O_j`;
customers :math:`i` have a demand :math:`q_i`; identical vehicles of capacity :math:`Q`
cost :math:`F` per route. A solution opens some depots and serves every customer exactly
once by routes that start and end at the same open depot, carry at most :math:`Q`, and
whose loads add up to at most :math:`W_j` at each depot. Its cost is

.. math::  \sum_{j \text{ open}} O_j + F \cdot \#\text{routes} + \sum_{\text{arcs}} c_{ab}

with :math:`c_{ab}` the arc cost from coordinates under the instance's rounding
convention (:data:`ROUNDINGS`).

Reader and cost convention
--------------------------
:func:`read_prodhon` reads Prodhon's format (Prins, Prodhon & Wolfler Calvo 2006). The
format description says integer costs are ``int(100 x Euclidean)``, i.e. truncated
(``rounding="trunc"``, the reader's default). **However**, the best-known values of the
set (``BKS.csv``) are only consistent with *rounding up*: on the four 20-customer
instances, whose optima are proven, this solver finds plans that cost *less* than the
proven optimum when arcs are truncated, and exactly the optimum when every arc is
``ceil(100 x Euclidean)``. The benchmark runner (:func:`run_lrp`) therefore solves and
reports under ``rounding="ceil"`` (column ``cost``) and also gives the truncated cost of
the same plan (``cost_trunc``).

Solution method (:func:`solve_lrp`)
-----------------------------------
An iterative *locate - route - improve* scheme:

(a) **Locate.** A CFLP (:class:`~circularopt.siting.FacilityProblem`, solved with the
    siting MIP :func:`~circularopt.siting.solve_mip`) whose assignment cost estimates the
    routing cost of serving customer :math:`i` from depot :math:`j`: the radial share
    :math:`2 c_{ji} q_i / Q` (a vehicle makes the round trip to the customer's area for
    every :math:`Q` units it carries) plus the route fixed cost :math:`F q_i / Q`; the
    tour share (travel between customers) hardly depends on the depot and is left to the
    calibration below.
(b) **Route.** The open depots become a multi-depot VRP of
    :mod:`circularopt.routing` (a :class:`~circularopt.routing.RoutingProblem`, solved by
    :func:`circularopt.routing.solve`, PyVRP by default); each customer may go to any
    open depot and every vehicle costs the route fixed cost. The engines cannot bound the
    total load of a depot, so the fleet is ``ceil(W_j / Q)`` vehicles of capacity ``Q``
    per depot (a relaxation: the plan is kept when the checker finds every depot within
    capacity, else repaired, see below; the fallback fleet ``floor(W_j / Q)`` vehicles of
    ``Q`` plus one of the remainder always respects ``W_j`` but forbids some feasible
    plans). Depots the routes leave unused are closed.
(c) **Re-estimate.** Each routed depot set gives a sample of the routed variable cost
    (everything but opening costs) against the estimate's radial cost; a least-squares
    line through the samples (slope clamped to [0.3, 3]) predicts the routed cost of
    depot sets not routed yet.
(d) **Improve.** Neighbours of the best routed set (close one depot, open one, swap one
    open for one closed; only sets whose capacity covers the demand) are ranked by the
    prediction, with a capacity-respecting regret-greedy assignment as the CFLP heuristic;
    the best-predicted unseen neighbour is routed with a short budget and replaces the
    best set if its routed cost is lower. This stops when the best prediction is more
    than ``10 %`` above the best routed cost or the evaluation budget is spent.
(e) **Final.** The rest of the time (at least half) goes to long routing runs of the best
    set; when the runner-up set's evaluation is within ``2 %``, both first get a trial of
    30 % of that time and the better one gets the rest. A set that needed the capacity
    repair gets several shorter runs instead of one, each pricing its depots'
    capacity Lagrangian-style from the previous repair (a cost per unit of demand routed
    from the depot, modelled as the routing problem's cost per duration with service
    durations equal to demands). The returned plan is the cheapest checked plan of all
    runs.

Depot-capacity repair: when the relaxed fleet overloads a depot, a single-source
assignment MIP (the siting :func:`~circularopt.siting.solve_mip`, depot capacities,
moving cost = cheapest insertion elsewhere minus removal saving) moves the fewest-cost
customers out, they are inserted where cheapest, and the depots whose customers changed
are re-routed alone (a CVRP each) when that is cheaper. Only if this fails is the exact
fleet used.

Caveats
-------
* Every routing run is limited by wall-clock time, so a seed reproduces a plan only on
  an equally loaded machine (the search is otherwise deterministic).
* Short evaluation runs are noisy (about 1 % on 200 customers); a depot set whose
  evaluation was unlucky is not revisited.
* Depot capacity is enforced through the fleet as described in (b); the exact encoding
  can exclude the optimum when depot capacities are not multiples of ``Q``.
* Depot sets are explored one move at a time from the MIP's set; far-away sets are
  reached only through a chain of improving moves.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from circularopt._serial import Spec, from_data, to_data
from circularopt.bench import BenchOptions, BenchRow
from circularopt.exceptions import (
    CircularOptError,
    DataNotFoundError,
    InfeasibleError,
    InputError,
    SolverError,
)

__all__ = [
    "ROUNDINGS",
    "LRPCheck",
    "LRPEvaluation",
    "LRPInstance",
    "LRPResult",
    "LRPRoute",
    "LRPSolution",
    "Rounding",
    "arc_cost",
    "check_lrp",
    "read_prodhon",
    "run_lrp",
    "solve_lrp",
]

Rounding = Literal["trunc", "ceil", "real"]
ROUNDINGS: tuple[str, ...] = ("trunc", "ceil", "real")
"""Arc cost conventions: ``trunc`` = ``floor(100 x d)``, ``ceil`` = ``ceil(100 x d)``,
``real`` = ``100 x d`` unrounded, with ``d`` the Euclidean distance."""


def arc_cost(a: Sequence[float], b: Sequence[float], rounding: str) -> float:
    """Cost of the arc between points ``a`` and ``b`` (x, y) under ``rounding``."""
    dx, dy = float(a[0]) - float(b[0]), float(a[1]) - float(b[1])
    x = 100.0 * math.sqrt(dx * dx + dy * dy)
    if rounding == "trunc":
        return float(math.floor(x))
    if rounding == "ceil":
        return float(math.ceil(x))
    if rounding == "real":
        return x
    raise InputError("rounding", rounding, f"one of {list(ROUNDINGS)}")


def _cost_matrix(xy: np.ndarray, rounding: str) -> np.ndarray:
    diff = xy[:, None, :] - xy[None, :, :]
    x = 100.0 * np.sqrt(diff[..., 0] * diff[..., 0] + diff[..., 1] * diff[..., 1])
    if rounding == "trunc":
        x = np.floor(x)
    elif rounding == "ceil":
        x = np.ceil(x)
    x.setflags(write=False)
    return x


def _vector(where: str, value: Any, *, ndim: int, positive: bool = False) -> np.ndarray:
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(where, value, "numbers") from None
    if arr.ndim != ndim or (ndim == 2 and arr.shape[1] != 2):
        raise InputError(where, f"shape {arr.shape}",
                         "a list of numbers" if ndim == 1 else "a list of (x, y) pairs")
    if not np.isfinite(arr).all():
        raise InputError(where, "NaN or infinite entries", "finite numbers")
    if ndim == 1 and ((arr <= 0).any() if positive else (arr < 0).any()):
        k = int(np.flatnonzero(arr <= 0 if positive else arr < 0)[0])
        raise InputError(f"{where}[{k}]", float(arr[k]), "> 0" if positive else ">= 0")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class LRPInstance:
    """An immutable, validated capacitated location-routing instance.

    Parameters
    ----------
    name
        Instance name.
    depot_xy, customer_xy
        Coordinates, shapes ``(m, 2)`` and ``(n, 2)``.
    vehicle_capacity
        Capacity ``Q`` of every vehicle, > 0.
    depot_capacity
        Capacity of each candidate depot, shape ``(m,)``.
    demand
        Demand of each customer, shape ``(n,)``, each at most ``Q``.
    opening_cost
        Opening cost of each candidate depot, shape ``(m,)``.
    route_cost
        Fixed cost of every route (vehicle used).
    rounding
        Arc cost convention, one of :data:`ROUNDINGS`.

    Attributes
    ----------
    cost
        Read-only arc cost matrix over the nodes, depots first (node ``j`` is depot ``j``,
        node ``m + i`` is customer ``i``).

    Raises
    ------
    InputError
        Wrong shapes, negative numbers, or a customer whose demand exceeds ``Q``.
    """

    name: str
    depot_xy: np.ndarray
    customer_xy: np.ndarray
    vehicle_capacity: float
    depot_capacity: np.ndarray
    demand: np.ndarray
    opening_cost: np.ndarray
    route_cost: float
    rounding: str = "trunc"
    cost: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        dxy = _vector("depot_xy", self.depot_xy, ndim=2)
        cxy = _vector("customer_xy", self.customer_xy, ndim=2)
        m, n = len(dxy), len(cxy)
        if m == 0:
            raise InputError("depot_xy", "no depots", "at least one candidate depot")
        cap = _vector("depot_capacity", self.depot_capacity, ndim=1)
        dem = _vector("demand", self.demand, ndim=1)
        opening = _vector("opening_cost", self.opening_cost, ndim=1)
        for label, arr, size in (("depot_capacity", cap, m), ("opening_cost", opening, m),
                                 ("demand", dem, n)):
            if len(arr) != size:
                raise InputError(label, f"{len(arr)} values", f"{size} (one per "
                                 f"{'depot' if size == m else 'customer'})")
        q = float(self.vehicle_capacity)
        if not (math.isfinite(q) and q > 0):
            raise InputError("vehicle_capacity", self.vehicle_capacity, "a number > 0")
        if n and dem.max() > q:
            k = int(np.argmax(dem))
            raise InputError(f"demand[{k}]", float(dem[k]),
                             f"at most the vehicle capacity {q:g}")
        f = float(self.route_cost)
        if not (math.isfinite(f) and f >= 0):
            raise InputError("route_cost", self.route_cost, "a number >= 0")
        if self.rounding not in ROUNDINGS:
            raise InputError("rounding", self.rounding, f"one of {list(ROUNDINGS)}")
        for key, val in (("depot_xy", dxy), ("customer_xy", cxy), ("depot_capacity", cap),
                         ("demand", dem), ("opening_cost", opening),
                         ("vehicle_capacity", q), ("route_cost", f)):
            object.__setattr__(self, key, val)
        object.__setattr__(self, "cost", _cost_matrix(np.vstack([dxy, cxy]), self.rounding))

    @property
    def m(self) -> int:
        """Number of candidate depots."""
        return len(self.depot_xy)

    @property
    def n(self) -> int:
        """Number of customers."""
        return len(self.customer_xy)

    @property
    def total_demand(self) -> float:
        """Sum of the customers' demands."""
        return float(self.demand.sum())

    def with_rounding(self, rounding: str) -> LRPInstance:
        """The same instance under another arc cost convention."""
        return LRPInstance(self.name, self.depot_xy, self.customer_xy, self.vehicle_capacity,
                           self.depot_capacity, self.demand, self.opening_cost,
                           self.route_cost, rounding)

    def summary(self) -> str:
        """One line describing the instance."""
        return (f"{self.name}: {self.n} customers, {self.m} candidate depots, Q "
                f"{self.vehicle_capacity:g}, route cost {self.route_cost:g}, demand "
                f"{self.total_demand:g} / depot capacity {self.depot_capacity.sum():g}, "
                f"arc costs {self.rounding}(100 x Euclidean)")


def read_prodhon(path: str | Path, *, rounding: str | None = None) -> LRPInstance:
    """Read an instance in Prodhon's format (``coordN-M-K.dat``).

    The file lists, separated by whitespace: number of customers ``n``, number of depots
    ``m``, ``m`` depot coordinates, ``n`` customer coordinates, the vehicle capacity, ``m``
    depot capacities, ``n`` demands, ``m`` opening costs, the route (vehicle) cost, and a
    flag: 0 for integer costs (``int(100 x Euclidean)``), 1 for real costs.

    Parameters
    ----------
    path
        The instance file.
    rounding
        Arc cost convention overriding the file's flag (flag 0 reads as ``"trunc"``, flag
        1 as ``"real"``); see the module notes on why the benchmark uses ``"ceil"``.

    Returns
    -------
    LRPInstance
        Named after the file's stem.

    Raises
    ------
    DataNotFoundError
        The file does not exist.
    InputError
        The file is not in the format (names the item that is wrong or missing).
    """
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"LRP instance file not found: {path}")
    tokens = path.read_text(encoding="latin-1").split()
    pos = 0

    def take(what: str, count: int = 1) -> list[float]:
        nonlocal pos
        if pos + count > len(tokens):
            raise InputError(f"{path.name}: {what}", "end of file",
                             f"{count} more number(s) (Prodhon's format, see format.txt)")
        try:
            vals = [float(t) for t in tokens[pos:pos + count]]
        except ValueError:
            raise InputError(f"{path.name}: {what}", tokens[pos:pos + count][:4],
                             "numbers") from None
        pos += count
        return vals

    n_f, m_f = take("number of customers")[0], take("number of depots")[0]
    if n_f != int(n_f) or n_f < 0 or m_f != int(m_f) or m_f < 1:
        raise InputError(f"{path.name}: header", [n_f, m_f],
                         "a customer count >= 0 and a depot count >= 1 (integers)")
    n, m = int(n_f), int(m_f)
    dxy = np.array(take("depot coordinates", 2 * m)).reshape(m, 2)
    cxy = np.array(take("customer coordinates", 2 * n)).reshape(n, 2)
    q = take("vehicle capacity")[0]
    cap = take("depot capacities", m)
    dem = take("customer demands", n)
    opening = take("depot opening costs", m)
    route = take("route cost")[0]
    flag = take("cost type flag (0 integer, 1 real)")[0]
    if flag not in (0.0, 1.0):
        raise InputError(f"{path.name}: cost type flag", flag, "0 (integer) or 1 (real)")
    if pos != len(tokens):
        raise InputError(f"{path.name}", f"{len(tokens) - pos} extra token(s) at the end",
                         "nothing after the cost type flag")
    if rounding is None:
        rounding = "trunc" if flag == 0.0 else "real"
    try:
        return LRPInstance(path.stem, dxy, cxy, q, np.array(cap), np.array(dem),
                           np.array(opening), route, rounding)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc.field}", exc.value, exc.expected) from exc


# --------------------------------------------------------------------------- solution


@dataclass(frozen=True)
class LRPRoute:
    """One route: from ``depot`` through ``customers`` (0-based indices) back to ``depot``."""

    depot: int
    customers: tuple[int, ...]


@dataclass(frozen=True)
class LRPSolution:
    """Open depots and routes (indices 0-based, in the instance file's order)."""

    open_depots: tuple[int, ...]
    routes: tuple[LRPRoute, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: ``open_depots`` and ``routes`` as ``{depot, customers}``."""
        return to_data(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LRPSolution:
        """Inverse of :meth:`to_dict` (other keys, such as run facts, are ignored)."""
        return from_data(cls, data, "LRP solution", Spec(ignore_unknown=True))


@dataclass(frozen=True)
class LRPCheck:
    """Outcome of :func:`check_lrp`: violations and the cost recomputed from coordinates.

    Parameters
    ----------
    violations
        One sentence per broken rule.
    cost
        ``opening + fixed + distance``.
    opening, fixed, distance
        Opening costs of the open depots, route fixed costs, arc costs.
    depot_loads
        Demand routed from each open depot.
    """

    violations: tuple[str, ...]
    cost: float
    opening: float
    fixed: float
    distance: float
    depot_loads: dict[int, float]

    @property
    def ok(self) -> bool:
        """True when no rule is broken."""
        return not self.violations

    def summary(self, *, limit: int = 10) -> str:
        """``valid`` with the cost, or the first ``limit`` violations."""
        if self.ok:
            return (f"valid: cost {self.cost:,.2f} (opening {self.opening:,.2f}, routes "
                    f"{self.fixed:,.2f}, arcs {self.distance:,.2f})")
        more = len(self.violations) - limit
        return "\n".join([f"INVALID ({len(self.violations)} violations)",
                          *self.violations[:limit]] + ([f"... {more} more"] if more > 0 else []))


def check_lrp(instance: LRPInstance, solution: LRPSolution) -> LRPCheck:
    """Check a solution and recompute its cost from the coordinates.

    Independent of the solver and of :attr:`LRPInstance.cost`: arc costs come from
    :func:`arc_cost`. Rules: depot indices valid and open depots listed once; every route
    non-empty and from an open depot; every customer served exactly once; each route's
    load at most the vehicle capacity; each depot's load (sum of its routes) at most its
    capacity. An open depot without routes is allowed (and paid for).

    Returns
    -------
    LRPCheck
        ``ok`` and the recomputed cost.
    """
    inst, bad = instance, []
    opened = set()
    for j in solution.open_depots:
        if not 0 <= j < inst.m:
            bad.append(f"open depot {j} does not exist (depots are 0..{inst.m - 1})")
        elif j in opened:
            bad.append(f"depot {j} is listed as open twice")
        opened.add(j)
    opening = float(sum(inst.opening_cost[j] for j in opened if 0 <= j < inst.m))
    seen: dict[int, int] = {}
    loads: dict[int, float] = {j: 0.0 for j in opened if 0 <= j < inst.m}
    distance = 0.0
    for k, r in enumerate(solution.routes):
        if r.depot not in opened:
            bad.append(f"route {k} starts at depot {r.depot}, which is not open")
        if not r.customers:
            bad.append(f"route {k} serves no customer")
        load = 0.0
        for i in r.customers:
            if not 0 <= i < inst.n:
                bad.append(f"route {k} visits customer {i}, which does not exist "
                           f"(customers are 0..{inst.n - 1})")
                continue
            if i in seen:
                bad.append(f"customer {i} is served twice (routes {seen[i]} and {k})")
            seen[i] = k
            load += float(inst.demand[i])
        if load > inst.vehicle_capacity + 1e-9:
            bad.append(f"route {k} carries {load:g} > vehicle capacity "
                       f"{inst.vehicle_capacity:g}")
        if r.depot in loads:
            loads[r.depot] += load
        if 0 <= r.depot < inst.m:
            pts = ([inst.depot_xy[r.depot]]
                   + [inst.customer_xy[i] for i in r.customers if 0 <= i < inst.n]
                   + [inst.depot_xy[r.depot]])
            distance += sum(arc_cost(a, b, inst.rounding) for a, b in itertools.pairwise(pts))
    missing = [i for i in range(inst.n) if i not in seen]
    if missing:
        bad.append(f"{len(missing)} customer(s) not served, e.g. {missing[:8]}")
    for j, load in sorted(loads.items()):
        if load > inst.depot_capacity[j] + 1e-9:
            bad.append(f"depot {j} ships {load:g} > its capacity {inst.depot_capacity[j]:g}")
    fixed = inst.route_cost * len(solution.routes)
    return LRPCheck(tuple(bad), opening + fixed + distance, opening, fixed, distance, loads)


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class LRPEvaluation:
    """One routing run of the search: the depot set given, the plan's cost and budget."""

    depots: tuple[int, ...]
    open_depots: tuple[int, ...]
    cost: float | None
    seconds: float
    stage: str


@dataclass(frozen=True)
class LRPResult:
    """The plan found by :func:`solve_lrp` and how it was found.

    Parameters
    ----------
    instance
        Instance name.
    solution
        The best checked plan.
    cost
        Its cost recomputed by :func:`check_lrp`.
    seconds
        Wall time of the solve.
    engine, seed
        Routing engine and seed used.
    evaluations
        Every routing run, in order.
    info
        Numbers about the search (initial MIP set, calibration, ...).
    """

    instance: str
    solution: LRPSolution
    cost: float
    seconds: float
    engine: str
    seed: int
    evaluations: tuple[LRPEvaluation, ...] = ()
    info: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """A few human-readable lines."""
        sol = self.solution
        lines = [f"{self.instance}: cost {self.cost:,.2f}, {len(sol.open_depots)} depots "
                 f"open {list(sol.open_depots)}, {len(sol.routes)} routes, "
                 f"{self.seconds:.1f} s ({self.engine}, seed {self.seed})",
                 f"routing runs: {len(self.evaluations)} "
                 f"({sum(e.stage == 'evaluate' for e in self.evaluations)} evaluations of "
                 f"depot sets)"]
        if "mip_depots" in self.info:
            lines.append(f"initial CFLP depots {self.info['mip_depots']}, "
                         f"final calibration slope {self.info.get('slope', 1.0):.3f}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- solver


def _routing_problem(inst: LRPInstance, depots: Sequence[int], *, fleet: str,
                     customers: Sequence[int] | None = None,
                     penalty: dict[int, float] | None = None) -> Any:
    """The multi-depot VRP over ``depots`` and ``customers`` (default all).

    ``fleet``: ``"relaxed"`` (``ceil(W / Q)`` vehicles of ``Q`` per depot), ``"exact"``
    (``floor(W / Q)`` of ``Q`` plus one of the remainder) or ``"free"`` (one vehicle per
    customer; the caller guarantees the depot capacity). ``penalty[j]``, a Lagrangian
    price of depot ``j``'s capacity, is charged per unit of demand its routes carry (as a
    cost per duration unit, each stop's service duration being its demand; the matrices'
    durations are zero). Returns the problem and the depot of each vehicle type.
    """
    penalty = penalty or {}
    from circularopt.routing import RoutingModel

    m = inst.m
    custs = list(range(inst.n)) if customers is None else list(customers)
    nodes = list(depots) + [m + i for i in custs]
    cost = inst.cost[np.ix_(nodes, nodes)]
    integral = bool(np.all(cost == np.round(cost)))
    ids = [f"d{j}" for j in depots] + [f"c{i}" for i in custs]
    model = RoutingModel(ids, cost, np.zeros_like(cost), scale=1 if integral else 1000,
                         load_scale=1 if np.all(inst.demand == np.round(inst.demand))
                         else 1000, name=inst.name,
                         convention=f"LRP arcs {inst.rounding}(100 x Euclidean)")
    q = inst.vehicle_capacity
    owner: list[int] = []
    for j in depots:
        model.add_depot(f"d{j}")
        w = float(inst.depot_capacity[j])
        vehicles: list[tuple[int, float]]
        if fleet == "exact":
            full = math.floor(w / q + 1e-9)
            rest = w - full * q
            vehicles = ([(full, q)] if full else []) + ([(1, rest)] if rest > 1e-9 else [])
        elif fleet == "relaxed":
            vehicles = [(max(1, math.ceil(w / q - 1e-9)), q)]
        else:
            vehicles = [(max(1, len(custs)), q)]
        for k, (count, capacity) in enumerate(vehicles):
            model.add_vehicle_type(f"v{j}.{k}", depot=f"d{j}", count=count,
                                   capacity=[capacity], fixed_cost=inst.route_cost,
                                   cost_per_duration=float(round(penalty.get(j, 0.0))))
            owner.append(j)
    for i in custs:
        model.add_stop(f"c{i}", demand=[float(inst.demand[i])],
                       service=float(inst.demand[i]) if penalty else 0.0)
    return model.data(), owner


def _route(inst: LRPInstance, depots: Sequence[int], *, engine: str, seconds: float,
           seed: int, fleet: str, customers: Sequence[int] | None = None,
           penalty: dict[int, float] | None = None) -> LRPSolution | None:
    """Route over ``depots``: a plan serving every customer once within vehicle capacity
    (depot capacity is not checked here), or ``None``."""
    from circularopt.routing import solve

    try:
        problem, owner = _routing_problem(inst, depots, fleet=fleet, customers=customers,
                                          penalty=penalty)
        with warnings.catch_warnings():
            # PyVRP warns when its penalties saturate on a tight depot set; the plan is
            # checked below either way.
            warnings.filterwarnings("ignore", message=".*penalty parameter has reached")
            result = solve(problem, engine=engine, time_limit=max(0.05, seconds), seed=seed,
                           allow_infeasible=True)
    except CircularOptError:
        return None
    if result.status != "feasible" or result.unassigned:
        return None
    routes = tuple(LRPRoute(owner[r.vehicle_type], tuple(int(s[1:]) for s in r.stops))
                   for r in result.routes if r.stops)
    return LRPSolution(tuple(sorted({r.depot for r in routes})), routes)


def _depot_overload(inst: LRPInstance, sol: LRPSolution) -> dict[int, float]:
    loads: dict[int, float] = {}
    for r in sol.routes:
        loads[r.depot] = loads.get(r.depot, 0.0) + float(inst.demand[list(r.customers)].sum())
    return {j: x - float(inst.depot_capacity[j]) for j, x in loads.items()
            if x > inst.depot_capacity[j] + 1e-9}


def _repair(inst: LRPInstance, sol: LRPSolution) -> LRPSolution | None:
    """Move customers out of over-capacity depots by cheapest insertion elsewhere.

    Each step moves the one customer of an overloaded depot, to a route (or a new route)
    of another open depot with room for it, that raises the cost least. Returns ``None``
    when some overload cannot be removed this way.
    """
    c, m, q, dem = inst.cost, inst.m, inst.vehicle_capacity, inst.demand
    routes: list[tuple[int, list[int]]] = [(r.depot, list(r.customers)) for r in sol.routes]
    load = {j: 0.0 for j in sol.open_depots}
    for j, cs in routes:
        load[j] += float(dem[cs].sum())
    over = {j for j in load if load[j] > inst.depot_capacity[j] + 1e-9}
    while over:
        best: tuple[float, int, int, int, int] | None = None  # delta, route, pos, to, at
        rloads = [float(dem[cs].sum()) for _, cs in routes]
        for ri, (j, cs) in enumerate(routes):
            if j not in over:
                continue
            seq = [j] + [m + i for i in cs] + [j]
            for p, i in enumerate(cs):
                a, x, b = seq[p], seq[p + 1], seq[p + 2]
                saving = c[a, x] + c[x, b] - c[a, b] + (inst.route_cost if len(cs) == 1 else 0)
                for rk, (k, ks) in enumerate(routes):
                    if k == j or load[k] + dem[i] > inst.depot_capacity[k] + 1e-9 \
                            or rloads[rk] + dem[i] > q + 1e-9:
                        continue
                    nodes = np.array([k] + [m + t for t in ks] + [k])
                    ins = c[nodes[:-1], m + i] + c[m + i, nodes[1:]] - c[nodes[:-1], nodes[1:]]
                    at = int(np.argmin(ins))
                    delta = float(ins[at]) - saving
                    if best is None or delta < best[0]:
                        best = (delta, ri, p, rk, at)
                for k in load:
                    if k != j and load[k] + dem[i] <= inst.depot_capacity[k] + 1e-9:
                        delta = inst.route_cost + 2 * c[k, m + i] - saving
                        if best is None or delta < best[0]:
                            best = (delta, ri, p, -1 - k, 0)
        if best is None:
            return None
        _, ri, p, rk, at = best
        j = routes[ri][0]
        i = routes[ri][1].pop(p)
        if rk >= 0:
            routes[rk][1].insert(at, i)
            k = routes[rk][0]
        else:
            k = -1 - rk
            routes.append((k, [i]))
        load[j] -= float(dem[i])
        load[k] += float(dem[i])
        over = {d for d in load if load[d] > inst.depot_capacity[d] + 1e-9}
        routes = [r for r in routes if r[1]]
    out = tuple(LRPRoute(j, tuple(cs)) for j, cs in routes)
    return LRPSolution(tuple(sorted({r.depot for r in out})), out)


def _reassign(inst: LRPInstance, sol: LRPSolution, depots: Sequence[int], *,
              seconds: float, seed: int) -> tuple[LRPSolution | None, dict[int, float]]:
    """Fix over-capacity depots by a single-source assignment MIP over ``depots``.

    The cost of moving customer ``i`` to depot ``k`` is its cheapest insertion into a
    route of ``k`` (or a new route) minus what leaving its route saves; staying costs 0.
    The siting MIP (:func:`~circularopt.siting.solve_mip`, single source, the depots'
    capacities) picks the cheapest moves that fit every depot; moved customers are then
    inserted where cheapest within the vehicle capacity. Returns the plan (``None`` if
    nothing fits) and, for each depot that had to shed demand, the mean cost of the moves
    per unit of demand moved (a price for its capacity).
    """
    from circularopt.siting import FacilityProblem, solve_mip

    c, m, q, dem = inst.cost, inst.m, inst.vehicle_capacity, inst.demand
    routes: list[tuple[int, list[int]]] = [(r.depot, list(r.customers)) for r in sol.routes]
    home = np.zeros(inst.n, dtype=int)
    saving = np.zeros(inst.n)
    for j, cs in routes:
        seq = [j] + [m + i for i in cs] + [j]
        for p, i in enumerate(cs):
            home[i] = j
            saving[i] = (c[seq[p], seq[p + 1]] + c[seq[p + 1], seq[p + 2]]
                         - c[seq[p], seq[p + 2]] + (inst.route_cost if len(cs) == 1 else 0))
    cust = m + np.arange(inst.n)
    ks = list(depots)
    delta = np.zeros((len(ks), inst.n))
    for row, k in enumerate(ks):
        arcs = [(a, b) for j, cs in routes if j == k
                for a, b in itertools.pairwise([k] + [m + i for i in cs] + [k])]
        best = inst.route_cost + 2.0 * c[k, cust]
        if arcs:
            a_, b_ = np.array(arcs).T
            ins = c[a_][:, cust] + c[np.ix_(cust, b_)].T - c[a_, b_][:, None]
            best = np.minimum(best, ins.min(axis=0))
        delta[row] = np.where(home == k, 0.0, best - saving)
    raw = delta.copy()
    delta -= delta.min(axis=0)[None, :]
    problem = FacilityProblem(np.zeros(len(ks)), inst.depot_capacity[ks], dem, delta,
                              single_source=True, name=f"{inst.name} (depot repair)")
    try:
        res = solve_mip(problem, time_limit=max(0.1, seconds), seed=seed,
                        relative_gap=1e-4)
    except CircularOptError:
        return None, {}
    target = res.single_source_assignment()
    if target is None:
        return None, {}
    moved = [i for i in range(inst.n) if ks[target[i]] != home[i]]
    price: dict[int, list[float]] = {}
    for i in moved:
        acc = price.setdefault(int(home[i]), [0.0, 0.0])
        acc[0] += max(0.0, float(raw[target[i], i]))
        acc[1] += float(dem[i])
    prices = {j: v[0] / v[1] for j, v in price.items() if v[1] > 0}
    gone = set(moved)
    routes = [(j, [i for i in cs if i not in gone]) for j, cs in routes]
    routes = [r for r in routes if r[1]]
    for i in sorted(moved, key=lambda i: -dem[i]):
        k = ks[target[i]]
        best_move: tuple[float, int, int] | None = None
        for ri, (j, cs) in enumerate(routes):
            if j != k or dem[cs].sum() + dem[i] > q + 1e-9:
                continue
            nodes = np.array([k] + [m + t for t in cs] + [k])
            ins = c[nodes[:-1], m + i] + c[m + i, nodes[1:]] - c[nodes[:-1], nodes[1:]]
            at = int(np.argmin(ins))
            if best_move is None or ins[at] < best_move[0]:
                best_move = (float(ins[at]), ri, at)
        if best_move is None or best_move[0] > inst.route_cost + 2 * c[k, m + i]:
            routes.append((k, [i]))
        else:
            routes[best_move[1]][1].insert(best_move[2], i)
    out = tuple(LRPRoute(j, tuple(cs)) for j, cs in routes)
    return LRPSolution(tuple(sorted({r.depot for r in out})), out), prices


def _polish(inst: LRPInstance, sol: LRPSolution, depots: Sequence[int], *, engine: str,
            seconds: float, seed: int) -> LRPSolution:
    """Re-route each of ``depots`` alone with its own customers; keep what is cheaper."""
    per: dict[int, list[LRPRoute]] = {}
    for r in sol.routes:
        per.setdefault(r.depot, []).append(r)
    todo = [j for j in depots if j in per]
    size = {j: sum(len(r.customers) for r in per[j]) for j in todo}
    total = max(1, sum(size.values()))
    t0 = time.perf_counter()
    for j in todo:
        custs = sorted(i for r in per[j] for i in r.customers)
        left = seconds - (time.perf_counter() - t0)
        if left < 0.05:
            break
        new = _route(inst, [j], engine=engine, seed=seed, fleet="free", customers=custs,
                     seconds=min(left, seconds * size[j] / total))
        if new is None:
            continue
        old_cost = sum(_route_cost(inst, r) for r in per[j])
        if sum(_route_cost(inst, r) for r in new.routes) < old_cost - 1e-9:
            per[j] = list(new.routes)
    routes = tuple(r for j in sorted(per) for r in per[j])
    return LRPSolution(tuple(sorted(per)), routes)


def _route_cost(inst: LRPInstance, route: LRPRoute) -> float:
    nodes = [route.depot] + [inst.m + i for i in route.customers] + [route.depot]
    return inst.route_cost + float(inst.cost[nodes[:-1], nodes[1:]].sum())


def _greedy_assign(c: np.ndarray, cap: np.ndarray, dem: np.ndarray) -> float:
    """Regret-greedy single-source assignment cost (``inf`` if it does not fit)."""
    if c.shape[0] == 1:
        return float(c.sum()) if dem.sum() <= cap[0] + 1e-9 else math.inf
    part = np.partition(c, 1, axis=0)
    order = np.argsort(-(part[1] - part[0]), kind="stable")
    rem = cap.astype(float).copy()
    total = 0.0
    for i in order:
        fits = rem >= dem[i] - 1e-9
        if not fits.any():
            return math.inf
        j = int(np.argmin(np.where(fits, c[:, i], np.inf)))
        rem[j] -= dem[i]
        total += float(c[j, i])
    return total


def _transport(c: np.ndarray, cap: np.ndarray, dem: np.ndarray) -> float:
    """Multi-source assignment cost (transportation LP), ``inf`` if infeasible.

    Used when the greedy single-source assignment does not fit (tight capacities).
    """
    from scipy.optimize import linprog

    k, n = c.shape
    a_eq = np.zeros((n, k * n))
    a_ub = np.zeros((k, k * n))
    for j in range(k):
        a_eq[np.arange(n), j * n + np.arange(n)] = 1.0
        a_ub[j, j * n:(j + 1) * n] = dem
    res = linprog(c.ravel(), A_ub=a_ub, b_ub=cap, A_eq=a_eq, b_eq=np.ones(n),
                  bounds=(0, 1), method="highs")
    return float(res.fun) if res.status == 0 else math.inf


def _changed_depots(before: LRPSolution, after: LRPSolution) -> list[int]:
    """Depots whose set of customers differs between two plans."""
    def sets(sol: LRPSolution) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {}
        for r in sol.routes:
            out.setdefault(r.depot, set()).update(r.customers)
        return out
    a, b = sets(before), sets(after)
    return sorted(j for j in set(a) | set(b) if a.get(j) != b.get(j))


class _Search:
    """State of the locate-route-improve search (see :func:`solve_lrp`)."""

    def __init__(self, inst: LRPInstance, engine: str, seed: int, deadline: float) -> None:
        self.inst, self.engine, self.seed, self.deadline = inst, engine, seed, deadline
        m = inst.m
        radial = 2.0 * inst.cost[:m, m:] * inst.demand[None, :] / inst.vehicle_capacity
        self.assign_cost = radial + inst.route_cost * inst.demand[None, :] / \
            inst.vehicle_capacity
        self.samples: list[tuple[float, float]] = []  # (assignment estimate, routed var)
        self.estimates: dict[tuple[int, ...], float] = {}
        self.routed: dict[tuple[int, ...], float] = {}
        self.evaluations: list[LRPEvaluation] = []
        self.best: tuple[float, LRPSolution] | None = None
        self.repaired: dict[tuple[int, ...], bool] = {}
        self.prices: dict[tuple[int, ...], dict[int, float]] = {}

    def estimate(self, depots: tuple[int, ...]) -> float:
        if depots not in self.estimates:
            idx = list(depots)
            est = _greedy_assign(self.assign_cost[idx], self.inst.depot_capacity[idx],
                                 self.inst.demand)
            if not math.isfinite(est):
                est = _transport(self.assign_cost[idx], self.inst.depot_capacity[idx],
                                 self.inst.demand)
            self.estimates[depots] = est
        return self.estimates[depots]

    def line(self) -> tuple[float, float]:
        """Intercept and slope of routed variable cost against the estimate."""
        if not self.samples:
            return 0.0, 1.0
        xs = np.array([s[0] for s in self.samples])
        ys = np.array([s[1] for s in self.samples])
        slope = 1.0
        if len(xs) >= 2 and np.ptp(xs) > 1e-6 * max(1.0, float(np.abs(xs).max())):
            slope = float(np.clip(np.polyfit(xs, ys, 1)[0], 0.3, 3.0))
        return float(np.mean(ys - slope * xs)), slope

    def predict(self, depots: tuple[int, ...]) -> float:
        a, b = self.line()
        return float(self.inst.opening_cost[list(depots)].sum()) + a + b * self.estimate(depots)

    def run(self, depots: tuple[int, ...], seconds: float, stage: str,
            seed: int | None = None) -> tuple[float, tuple[int, ...]] | None:
        """Route ``depots`` and record the run (see :func:`solve_lrp` for the steps).

        Returns the plan's cost and the depots its routes use, or ``None``.
        """
        t0 = time.perf_counter()
        run_seed = self.seed if seed is None else seed
        seconds = min(seconds, self.deadline - t0)
        polish = 0.5 * seconds
        if stage == "final":
            polish, seconds = ((0.25 * seconds, 0.75 * seconds)
                               if self.repaired.get(depots, False) else (0.0, seconds))
        price = self.prices.setdefault(depots, {})
        sol = _route(self.inst, depots, engine=self.engine, seconds=seconds, seed=run_seed,
                     fleet="relaxed", penalty=price)
        if sol is not None and _depot_overload(self.inst, sol):
            self.repaired[depots] = True
            mip = min(2.0, max(0.5, 0.2 * seconds), self.deadline - time.perf_counter())
            moved, extra = _reassign(self.inst, sol, depots, seed=run_seed, seconds=mip)
            over = _depot_overload(self.inst, sol)
            for j in depots:
                if j in over and j in extra:
                    price[j] = price.get(j, 0.0) + extra[j]
                elif j not in over and j in price:
                    price[j] *= 0.5
            if moved is None:
                moved = _repair(self.inst, sol)
            left = self.deadline - time.perf_counter()
            if moved is not None and min(polish, left) > 0.05:
                moved = _polish(self.inst, moved, _changed_depots(sol, moved),
                                engine=self.engine, seconds=min(polish, left), seed=run_seed)
            sol = moved
        left = self.deadline - time.perf_counter()
        if sol is None and left > 0.05:
            sol = _route(self.inst, depots, engine=self.engine, seed=run_seed, fleet="exact",
                         seconds=min(seconds, left))
        if sol is not None and not check_lrp(self.inst, sol).ok:
            sol = None
        self.routed.setdefault(depots, math.inf)
        if sol is None:
            self.evaluations.append(LRPEvaluation(depots, (), None,
                                                  time.perf_counter() - t0, stage))
            return None
        cost = check_lrp(self.inst, sol).cost
        used = sol.open_depots
        est = self.estimate(used)
        if math.isfinite(est):
            self.samples.append((est, cost - float(self.inst.opening_cost[list(used)].sum())))
        if self.best is None or cost < self.best[0]:
            self.best = (cost, sol)
        for key in (depots, used):
            self.routed[key] = min(self.routed.get(key, math.inf), cost)
            self.repaired.setdefault(key, self.repaired.get(depots, False))
        self.evaluations.append(LRPEvaluation(depots, used, cost, time.perf_counter() - t0,
                                              stage))
        return cost, used

    def neighbours(self, depots: tuple[int, ...]) -> list[tuple[int, ...]]:
        inst, cur = self.inst, set(depots)
        closed = [j for j in range(inst.m) if j not in cur]
        out = {tuple(sorted(cur - {j})) for j in cur}
        out |= {tuple(sorted(cur | {j})) for j in closed}
        out |= {tuple(sorted((cur - {i}) | {j})) for i in cur for j in closed}
        need = inst.total_demand - 1e-9
        return sorted(s for s in out if s and inst.depot_capacity[list(s)].sum() >= need
                      and s not in self.routed)


def _initial_depots(inst: LRPInstance, assign_cost: np.ndarray, seconds: float,
                    seed: int) -> tuple[int, ...]:
    """Depots opened by the CFLP MIP on the route-cost estimates (multi-source)."""
    from circularopt.siting import FacilityProblem, solve_mip

    problem = FacilityProblem(inst.opening_cost, inst.depot_capacity, inst.demand,
                              assign_cost, name=f"{inst.name} (LRP siting estimate)")
    res = solve_mip(problem, time_limit=max(0.1, seconds), seed=seed)
    if not res.has_solution:
        order = np.argsort(inst.opening_cost / np.maximum(inst.depot_capacity, 1e-9))
        cum = np.cumsum(inst.depot_capacity[order])
        k = int(np.searchsorted(cum, inst.total_demand - 1e-9)) + 1
        return tuple(sorted(int(j) for j in order[:k]))
    return tuple(int(j) for j in res.open_facilities)


def _final(search: _Search, depots: tuple[int, ...], seconds: float, eval_seconds: float,
           seed: int) -> float:
    """Long routing of ``depots`` within ``seconds``; the best cost of its runs.

    A set whose depots needed repair gets several shorter runs (seeds ``seed``,
    ``seed + 1``, ...) that update the Lagrangian depot prices in turn.
    """
    end = time.perf_counter() + seconds
    cycles = 1
    if search.repaired.get(depots, False):
        cycles = max(1, min(4, int(seconds / (4 * eval_seconds))))
    best = math.inf
    for k in range(cycles):
        left = end - time.perf_counter()
        if left <= 0.05:
            break
        out = search.run(depots, left / (cycles - k) - 0.02, "final", seed=seed + k)
        if out is not None:
            best = min(best, out[0])
    return best


def solve_lrp(instance: LRPInstance, *, time_limit: float = 60.0, seed: int = 0,
              engine: str = "pyvrp", eval_seconds: float | None = None,
              final_share: float = 0.5, tolerance: float = 0.10,
              close: float = 0.02) -> LRPResult:
    """Solve a location-routing instance by locate-route-improve (see the module notes).

    Parameters
    ----------
    instance
        The instance.
    time_limit
        Wall-clock seconds for the whole solve (siting, evaluations and the final run).
    seed
        Seed of every routing run and of the MIP.
    engine
        Routing engine, ``"pyvrp"`` or ``"ortools"``.
    eval_seconds
        Budget of one evaluation run of a depot set; default ``n / 70`` seconds clamped
        to ``[0.2, time_limit / 12]``.
    final_share
        Least share of ``time_limit`` kept for the final run on the best depot set.
    tolerance
        Neighbours predicted more than this fraction above the best routed cost are not
        evaluated.
    close
        When the runner-up depot set's evaluation is within this fraction of the best,
        both get a trial run of 30 % of the final time before the rest goes to the better.

    Returns
    -------
    LRPResult
        The cheapest plan any run produced, checked by :func:`check_lrp`.

    Raises
    ------
    InputError
        Bad options.
    InfeasibleError
        The depots together cannot hold the demand.
    SolverError
        No routing run produced a feasible plan in time.
    """
    from circularopt.routing import ENGINES

    t0 = time.perf_counter()
    inst = instance
    if engine not in ENGINES:
        raise InputError("engine", engine, f"one of {list(ENGINES)}")
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise InputError("time_limit", time_limit, "a number of seconds > 0")
    if not 0.0 <= final_share < 1.0:
        raise InputError("final_share", final_share, "a fraction in [0, 1)")
    if inst.depot_capacity.sum() < inst.total_demand - 1e-9:
        raise InfeasibleError(
            f"{inst.name}: total depot capacity {inst.depot_capacity.sum():g} is less than "
            f"the total demand {inst.total_demand:g}; no plan can serve every customer")
    deadline = t0 + time_limit
    search = _Search(inst, engine, seed, deadline)
    if inst.n == 0:
        sol = LRPSolution((), ())
        return LRPResult(inst.name, sol, 0.0, time.perf_counter() - t0, engine, seed)
    if eval_seconds is None:
        eval_seconds = min(max(0.2, inst.n / 70.0), time_limit / 12.0)
    start = _initial_depots(inst, search.assign_cost, min(5.0, 0.1 * time_limit), seed)
    best_set, best_eval = start, math.inf
    first = search.run(start, eval_seconds, "evaluate")
    if first is not None:
        best_eval, best_set = first
    reserve = final_share * time_limit
    while deadline - time.perf_counter() - reserve > eval_seconds:
        scored = sorted((search.predict(s), s) for s in search.neighbours(best_set))
        scored = [(p, s) for p, s in scored if math.isfinite(p)]
        if not scored or scored[0][0] > best_eval * (1 + tolerance):
            break
        out = search.run(scored[0][1], eval_seconds, "evaluate")
        if out is not None and out[0] < best_eval:
            best_eval, best_set = out
    left = deadline - time.perf_counter()
    evals = sorted((e.cost, e.open_depots) for e in search.evaluations
                   if e.cost is not None and e.open_depots != best_set)
    rival = [sset for cost, sset in evals[:1] if cost <= best_eval * (1 + close)]
    if rival and left > 8 * eval_seconds:
        trial = {sset: _final(search, sset, 0.3 * left, eval_seconds, seed)
                 for sset in (best_set, rival[0])}
        best_set = min(trial, key=lambda k: trial[k])
    _final(search, best_set, deadline - time.perf_counter(), eval_seconds, seed)
    if search.best is None:
        raise SolverError(f"{inst.name}: no feasible plan found in {time_limit:g} s with "
                          f"engine {engine!r}; raise time_limit")
    cost, sol = search.best
    a, b = search.line()
    return LRPResult(inst.name, sol, cost, time.perf_counter() - t0, engine, seed,
                     tuple(search.evaluations),
                     {"mip_depots": list(start), "slope": b, "intercept": a,
                      "eval_seconds": eval_seconds})


# --------------------------------------------------------------------------- bench


BENCH_ROUNDING = "ceil"
"""Arc cost convention of the benchmark (the one the published best-known values use)."""


def _bks(folder: Path) -> dict[str, float]:
    path = folder / "BKS.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {r["instance"]: float(r["best_of_listed"]) for r in csv.DictReader(fh)
                if r.get("best_of_listed")}


def run_lrp(options: BenchOptions) -> Iterator[BenchRow]:
    """Prodhon's LRP instances: ``DATA/prodhon/instances/*.dat`` (or ``DATA/*.dat``).

    ``bks`` is ``best_of_listed`` from ``DATA/BKS.csv``. Plans are solved and costed with
    ``ceil(100 x Euclidean)`` arcs (the convention the best-known values follow, see the
    module notes); ``cost_trunc`` is the same plan with truncated arcs. ``feasible`` comes
    from :func:`check_lrp`. Default engine ``pyvrp``, default budget 60 s. With
    ``--solutions DIR`` each plan is written to ``DIR/<instance>.<engine>.json``.
    """
    folder = Path(options.data)
    inst_dir = folder / "prodhon" / "instances"
    if not inst_dir.is_dir():
        inst_dir = folder
    files = sorted(inst_dir.glob("*.dat"))
    files = [f for f in files if options.selects(f.stem, f.name)]
    if not files:
        raise DataNotFoundError(f"no LRP instances (*.dat) matching "
                                f"{options.instances or '*'} in {inst_dir}")
    bks = _bks(folder)
    engine = options.engine or "pyvrp"
    for path in files:
        inst = read_prodhon(path, rounding=BENCH_ROUNDING)
        budget = options.seconds_for(inst.n, 60.0)
        t0 = time.perf_counter()
        try:
            res: LRPResult | None = solve_lrp(inst, time_limit=budget, seed=options.seed,
                                              engine=engine)
            error = ""
        except CircularOptError as exc:
            res, error = None, str(exc)
        seconds = time.perf_counter() - t0
        if res is None:
            yield BenchRow(inst.name, inst.n, bks.get(inst.name), None, False, seconds,
                           engine, {"depots": "", "routes": "", "cost_trunc": "",
                                    "error": error})
            continue
        report = check_lrp(inst, res.solution)
        trunc = check_lrp(inst.with_rounding("trunc"), res.solution).cost
        yield BenchRow(inst.name, inst.n, bks.get(inst.name), round(report.cost, 6),
                       report.ok, seconds, engine,
                       {"depots": " ".join(map(str, res.solution.open_depots)),
                        "routes": len(res.solution.routes), "cost_trunc": round(trunc, 6),
                        "error": "; ".join(report.violations[:3])})
        if options.solutions is not None:
            out = Path(options.solutions)
            out.mkdir(parents=True, exist_ok=True)
            data = {"instance": inst.name, "rounding": inst.rounding, "cost": report.cost,
                    "cost_trunc": trunc, "indices": "0-based, in the instance file's order",
                    **res.solution.to_dict()}
            (out / f"{inst.name}.{engine}.json").write_text(json.dumps(data, indent=1),
                                                            encoding="utf-8")
