"""Generic capacitated facility location: problems, results and MIP solvers.

A :class:`FacilityProblem` is the classical capacitated facility location problem (CFLP):
facilities ``i`` with a fixed opening cost and a capacity, customers ``j`` with a demand,
and ``cost[i, j]``, the cost of serving **all** of customer ``j``'s demand from facility
``i`` (serving a fraction ``x`` of it costs ``x * cost[i, j]``). ``single_source``
requires each customer to be served by exactly one facility (SSCFLP).

A :class:`TwoStageProblem` is the two-stage CFLP (TSCFLP) of Fernandes et al. (2014):
plants ship to satellites, satellites ship to customers, both with per-unit costs and
capacities, and plants and satellites pay a fixed cost when used.

Solvers return a typed :class:`FacilityResult` / :class:`TwoStageResult`. They never
check their own solutions: :mod:`circularopt.siting.validate` does that independently.
The method for large instances is in :mod:`circularopt.siting.lagrangian`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from ortools.math_opt.python import mathopt

from circularopt.exceptions import InputError, SolverError

__all__ = [
    "BACKENDS",
    "FacilityProblem",
    "FacilityResult",
    "TwoStageProblem",
    "TwoStageResult",
    "fewest_facilities",
    "solve_mip",
    "solve_two_stage_mip",
]

BACKENDS: dict[str, mathopt.SolverType] = {
    "highs": mathopt.SolverType.HIGHS,
    "scip": mathopt.SolverType.GSCIP,
    "cpsat": mathopt.SolverType.CP_SAT,
}
"""MIP backends bundled with OR-Tools, by the name the options use."""

_TOL = 1e-6


def _array(where: str, value: Any, *, ndim: int, allow_inf: bool = False) -> np.ndarray:
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(where, value, "numbers") from exc
    if arr.ndim != ndim:
        raise InputError(where, f"array of shape {arr.shape}", f"a {ndim}-d array of numbers")
    bad = np.isnan(arr) | (np.isinf(arr) if not allow_inf else np.isneginf(arr))
    if bad.any():
        idx = tuple(int(k) for k in np.argwhere(bad)[0])
        what = "finite numbers" + (" or +inf (forbidden)" if allow_inf else "")
        raise InputError(f"{where}{list(idx)}", float(arr[idx]), what)
    neg = arr < 0
    if neg.any():
        idx = tuple(int(k) for k in np.argwhere(neg)[0])
        raise InputError(f"{where}{list(idx)}", float(arr[idx]), "a number >= 0")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class FacilityProblem:
    """A capacitated facility location problem (multi- or single-source).

    Parameters
    ----------
    fixed_cost
        Opening cost of each facility, shape ``(m,)``, >= 0.
    capacity
        Capacity of each facility, shape ``(m,)``, >= 0, in the demand's unit.
    demand
        Demand of each customer, shape ``(n,)``, >= 0.
    cost
        ``cost[i, j]``: cost of serving all of customer ``j``'s demand from facility
        ``i``, shape ``(m, n)``, >= 0; ``inf`` forbids the pair.
    single_source
        Each customer must be served by exactly one facility.
    name
        Label used in reports.

    Raises
    ------
    InputError
        On a wrong shape, a negative or non-finite number, or a customer no facility may
        serve.
    """

    fixed_cost: np.ndarray
    capacity: np.ndarray
    demand: np.ndarray
    cost: np.ndarray
    single_source: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        f = _array("fixed_cost", self.fixed_cost, ndim=1)
        s = _array("capacity", self.capacity, ndim=1)
        d = _array("demand", self.demand, ndim=1)
        c = _array("cost", self.cost, ndim=2, allow_inf=True)
        if len(f) == 0:
            raise InputError("fixed_cost", "empty", "at least one facility")
        if len(s) != len(f):
            raise InputError("capacity", f"{len(s)} values", f"{len(f)} (one per facility)")
        if c.shape != (len(f), len(d)):
            raise InputError("cost", f"shape {c.shape}",
                             f"shape {(len(f), len(d))} (facilities x customers)")
        unserved = np.flatnonzero(np.isinf(c).all(axis=0)) if len(d) else np.array([])
        if len(unserved):
            raise InputError(f"cost[:, {int(unserved[0])}]", "inf for every facility",
                             "at least one facility allowed to serve each customer")
        object.__setattr__(self, "fixed_cost", f)
        object.__setattr__(self, "capacity", s)
        object.__setattr__(self, "demand", d)
        object.__setattr__(self, "cost", c)
        object.__setattr__(self, "single_source", bool(self.single_source))

    @property
    def m(self) -> int:
        """Number of facilities."""
        return len(self.fixed_cost)

    @property
    def n(self) -> int:
        """Number of customers."""
        return len(self.demand)

    @property
    def total_demand(self) -> float:
        """Sum of the demands."""
        return float(self.demand.sum())

    def with_single_source(self, single_source: bool = True) -> FacilityProblem:
        """The same data with the single-source flag set to ``single_source``."""
        return FacilityProblem(self.fixed_cost, self.capacity, self.demand, self.cost,
                               single_source=single_source, name=self.name)

    def solution_cost(self, open_facilities: Any, assignment: np.ndarray) -> float:
        """Fixed costs of ``open_facilities`` plus ``sum(cost * assignment)``."""
        a = np.asarray(assignment, dtype=float)
        flows = np.multiply(self.cost, a, out=np.zeros_like(a), where=a != 0)
        return float(self.fixed_cost[list(open_facilities)].sum()) + float(flows.sum())


@dataclass(frozen=True)
class FacilityResult:
    """A solution of a :class:`FacilityProblem` and how it was found.

    Parameters
    ----------
    open_facilities
        Indices of the open facilities, ascending.
    assignment
        ``assignment[i, j]``: share of customer ``j``'s demand served by facility ``i``,
        shape ``(m, n)``; empty ``(0, 0)`` when no solution was found.
    cost
        Objective value as computed by the solver side (fixed + assignment cost), or
        ``inf`` without a solution.
    status
        ``"optimal"``, ``"feasible"``, ``"infeasible"`` or ``"no_solution"``.
    bound
        Proven lower bound on the optimum, or ``None``.
    seconds
        Wall time of the solve.
    method
        Solver that produced it, e.g. ``"mip-highs"`` or ``"lagrangian+kernel-scip"``.
    info
        Method-specific numbers (iterations, intermediate costs, ...).
    """

    open_facilities: tuple[int, ...]
    assignment: np.ndarray
    cost: float
    status: str
    bound: float | None
    seconds: float
    method: str
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        """Relative gap ``(cost - bound) / cost`` between cost and bound, or ``None``."""
        if self.bound is None or not math.isfinite(self.cost) or self.cost == 0:
            return None
        return max(0.0, (self.cost - self.bound) / abs(self.cost))

    @property
    def has_solution(self) -> bool:
        """Whether a solution (open facilities and assignment) is present."""
        return self.assignment.size > 0

    def single_source_assignment(self) -> tuple[int, ...] | None:
        """Facility of each customer if every customer has exactly one, else ``None``."""
        if not self.has_solution:
            return None
        a = self.assignment
        best = np.argmax(a, axis=0)
        if not np.allclose(a[best, np.arange(a.shape[1])], 1.0, atol=_TOL):
            return None
        return tuple(int(i) for i in best)

    def summary(self) -> str:
        """A few human-readable lines about the result."""
        gap = self.gap
        lines = [f"{self.method}: {self.status}, cost {self.cost:,.2f}"
                 + ("" if self.bound is None else f", bound {self.bound:,.2f}")
                 + ("" if gap is None else f", gap {100 * gap:.3f}%")
                 + f", {self.seconds:.1f} s"]
        if self.has_solution:
            split = int(((self.assignment > _TOL).sum(axis=0) > 1).sum())
            lines.append(f"open facilities ({len(self.open_facilities)}): "
                         f"{', '.join(map(str, self.open_facilities))}")
            lines.append(f"customers split over several facilities: {split}")
        return "\n".join(lines)


def _solve_params(time_limit: float, seed: int, threads: int, rel_gap: float,
                  backend: str) -> mathopt.SolveParameters:
    params = mathopt.SolveParameters(time_limit=timedelta(seconds=max(0.01, time_limit)),
                                     relative_gap_tolerance=rel_gap)
    if backend != "highs":  # HiGHS takes neither through MathOpt
        params.random_seed = seed
        params.threads = threads
    if backend == "scip":
        params.absolute_gap_tolerance = 0.0
    return params


def _status(result: mathopt.SolveResult) -> str:
    reason = result.termination.reason
    if reason == mathopt.TerminationReason.OPTIMAL:
        return "optimal"
    if reason in (mathopt.TerminationReason.INFEASIBLE,
                  mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED):
        return "infeasible"
    return "feasible" if result.has_primal_feasible_solution() else "no_solution"


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise InputError("backend", backend, f"one of {sorted(BACKENDS)}")


def solve_mip(problem: FacilityProblem, *, backend: str = "highs", time_limit: float = 60.0,
              seed: int = 0, threads: int = 1, relative_gap: float = 1e-9,
              facilities: Any = None, arcs: np.ndarray | None = None,
              hint: FacilityResult | None = None, must_open: Any = None,
              cutoff: float | None = None,
              cardinality: tuple[int, int] | None = None,
              covers: bool = False, heuristics: bool = True,
              floors: np.ndarray | None = None) -> FacilityResult:
    r"""Solve a CFLP exactly with an OR-Tools MIP backend (MathOpt).

    Formulation (strong, spopt style), facilities :math:`i \in I`, customers
    :math:`j \in J`:

    .. math::

        \min\ & \sum_i f_i y_i + \sum_i \sum_j c_{ij} x_{ij} \\
        \text{s.t. } & \sum_i x_{ij} = 1 && \forall j
            \quad\text{(every customer fully served)} \\
        & \sum_j d_j x_{ij} \le s_i y_i && \forall i \quad\text{(capacity)} \\
        & x_{ij} \le y_i && \forall i, j \quad\text{(strong linking)} \\
        & \sum_i s_i y_i \ge \sum_j d_j && \text{(aggregate capacity cut)} \\
        & \sum_i y_i \ge k && \text{(cardinality cut)} \\
        & y_i \in \{0, 1\},\ 0 \le x_{ij} \le 1 \ (x_{ij} \in \{0, 1\}
            \text{ if single source})

    :math:`f_i` fixed cost, :math:`s_i` capacity, :math:`d_j` demand, :math:`c_{ij}`
    cost of serving all of :math:`j`'s demand from :math:`i`, :math:`x_{ij}` share of
    :math:`j`'s demand served by :math:`i`. Pairs with infinite cost get no variable.
    :math:`k` is the fewest facilities whose capacities add up to the demand (the largest
    first); with equal capacities (``capa/b/c``) it is :math:`\lceil D / s \rceil` and
    closes most of the LP gap (measurements: ``docs/benchmarks.md``, *Siting*).

    Parameters
    ----------
    problem
        The problem.
    backend
        ``"highs"``, ``"scip"`` or ``"cpsat"`` (CP-SAT needs ``single_source``: it has
        no continuous variables).
    time_limit
        Seconds for the solver.
    seed
        Random seed passed to SCIP and CP-SAT.
    threads
        Solver threads.
    relative_gap
        Stop when ``(cost - bound) / cost`` is at most this.
    facilities
        Restrict to these facility indices (a *kernel*); others stay closed.
    arcs
        Boolean ``(m, n)`` mask of the pairs to model (default: all finite-cost pairs).
        Restricting facilities or arcs makes the bound valid only for the restriction;
        the result's ``bound`` is then ``None``.
    hint
        A solution to start from (used by SCIP and CP-SAT, ignored by HiGHS).
    must_open
        Facility indices forced open (a restriction too: ``bound`` becomes ``None``).
    cutoff
        Look only for solutions costing at most this (added as a row on the objective,
        which every backend accepts; MathOpt's ``cutoff_limit`` is not available for
        HiGHS and its SCIP answer is unreadable in this OR-Tools). Status
        ``"infeasible"`` then proves that no solution costs ``cutoff`` or less.
    cardinality
        ``(lo, hi)``: open at least ``lo`` and at most ``hi`` facilities (rows on
        :math:`\sum_i y_i`; ``lo`` raises :math:`k`), e.g. the range
        :func:`~circularopt.siting.reduced.cardinality_range` proves for every solution
        below a cutoff.
    covers
        Single source: add to each facility :math:`i` the count cover
        :math:`\sum_j x_{ij} \le q_i y_i`, :math:`q_i` the most of its modelled
        customers that fit (the smallest demands first), where they cannot all fit.
    heuristics
        ``False`` turns SCIP's primal heuristics off (ignored by the others): for proving
        that nothing lies below a ``cutoff`` set at a known incumbent.
    floors
        Least load of each open facility: rows :math:`\sum_j d_j x_{ij} \ge
        floors_i\, y_i` where positive (e.g. the capacity less the most that can stay
        unused, :func:`~circularopt.siting.cardinality.slack`).

    Returns
    -------
    FacilityResult
        ``status`` is ``"optimal"`` only when the solver proved it on the full problem.
        With a ``cutoff``, ``cardinality`` or ``floors`` the bound holds for the problem
        with those rows only.
    """
    _check_backend(backend)
    if backend == "cpsat" and not problem.single_source:
        raise InputError("backend", backend,
                         "'highs' or 'scip' for multi-source problems (CP-SAT has no "
                         "continuous variables)")
    if cardinality is not None and not 0 <= cardinality[0] <= cardinality[1]:
        raise InputError("cardinality", cardinality, "(lo, hi) with 0 <= lo <= hi")
    start = time.monotonic()
    restricted = facilities is not None or arcs is not None or must_open is not None
    fac, allowed = _modelled(problem, facilities, arcs)
    mip = _CflpModel.build(problem, fac, allowed, must_open, cardinality)
    if covers and problem.single_source:
        mip.add_count_covers()
    if floors is not None:
        mip.add_floors(floors)
    if cutoff is not None:
        mip.model.add_linear_constraint(mip.model.objective.as_linear_expression()
                                        <= float(cutoff))
    model_params = mathopt.ModelSolveParameters()
    if hint is not None and hint.has_solution and backend != "highs":
        model_params.solution_hints.append(mip.hint(hint))
    remaining = time_limit - (time.monotonic() - start)
    params = _solve_params(remaining, seed, threads, relative_gap, backend)
    if not heuristics and backend == "scip":
        params.heuristics = mathopt.Emphasis.OFF
    try:
        result = mathopt.solve(mip.model, BACKENDS[backend], params=params,
                               model_params=model_params)
    except Exception as exc:  # the backends raise plain RuntimeErrors
        raise SolverError(f"{backend} failed on {problem.name or 'the problem'}: {exc}") \
            from exc
    return mip.result(result, restricted=restricted, seconds=time.monotonic() - start,
                      method=f"mip-{backend}")


def _modelled(problem: FacilityProblem, facilities: Any, arcs: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the modelled facilities and pairs; every customer must keep one pair."""
    allowed = np.isfinite(problem.cost)
    if arcs is not None:
        allowed &= arcs
    fac = np.zeros(problem.m, dtype=bool)
    fac[list(range(problem.m)) if facilities is None else list(facilities)] = True
    allowed &= fac[:, None]
    if problem.n and not allowed.any(axis=0).all():
        j = int(np.flatnonzero(~allowed.any(axis=0))[0])
        raise InputError("arcs", f"no allowed facility for customer {j}",
                         "at least one modelled facility per customer")
    return fac, allowed


@dataclass
class _CflpModel:
    """The MathOpt model of :func:`solve_mip` and its variables."""

    problem: FacilityProblem
    model: mathopt.Model
    y: dict[int, mathopt.Variable]
    xs: list[mathopt.Variable]
    pairs: np.ndarray

    @classmethod
    def build(cls, problem: FacilityProblem, fac: np.ndarray, allowed: np.ndarray,
              must_open: Any, cardinality: tuple[int, int] | None = None) -> _CflpModel:
        """The strong formulation over the modelled facilities and pairs (``cardinality``:
        at least / at most that many open)."""
        n = problem.n
        model = mathopt.Model(name=problem.name or "cflp")
        y = {int(i): model.add_binary_variable(name=f"y{i}") for i in np.flatnonzero(fac)}
        for i in [] if must_open is None else must_open:
            if int(i) in y:
                y[int(i)].lower_bound = 1.0
        pairs = np.argwhere(allowed)
        if problem.single_source:
            xs = [model.add_binary_variable(name=f"x{i}_{j}") for i, j in pairs]
        else:
            xs = [model.add_variable(lb=0.0, ub=1.0, name=f"x{i}_{j}") for i, j in pairs]
        by_cust: list[list[int]] = [[] for _ in range(n)]
        by_fac: dict[int, list[int]] = {i: [] for i in y}
        for k, (i, j) in enumerate(pairs):
            by_cust[j].append(k)
            by_fac[int(i)].append(k)
        d, c, f, s = problem.demand, problem.cost, problem.fixed_cost, problem.capacity
        model.minimize(mathopt.fast_sum(float(f[i]) * y[i] for i in y)
                       + mathopt.fast_sum(float(c[i, j]) * xs[k]
                                          for k, (i, j) in enumerate(pairs)))
        for j in range(n):
            model.add_linear_constraint(mathopt.fast_sum(xs[k] for k in by_cust[j]) == 1.0)
        for i, ks in by_fac.items():
            model.add_linear_constraint(
                mathopt.fast_sum(float(d[pairs[k][1]]) * xs[k] for k in ks)
                - float(s[i]) * y[i] <= 0.0)
            for k in ks:
                model.add_linear_constraint(xs[k] - y[i] <= 0.0)
        model.add_linear_constraint(mathopt.fast_sum(float(s[i]) * y[i] for i in y)
                                    >= problem.total_demand)
        least = fewest_facilities(np.array([s[i] for i in y]), problem.total_demand)
        lo, hi = (least, len(y)) if cardinality is None else cardinality
        if max(least, lo) > 1:
            model.add_linear_constraint(mathopt.fast_sum(y.values()) >= float(max(least, lo)))
        if hi < len(y):
            model.add_linear_constraint(mathopt.fast_sum(y.values()) <= float(hi))
        return cls(problem, model, y, xs, pairs)

    def add_count_covers(self) -> None:
        r"""Per facility, :math:`\sum_j x_{ij} \le q_i y_i` with :math:`q_i` the most
        modelled customers that fit in its capacity (valid for 0-1 assignments only)."""
        by_fac: dict[int, list[int]] = {i: [] for i in self.y}
        for k, (i, _j) in enumerate(self.pairs):
            by_fac[int(i)].append(k)
        for i, ks in by_fac.items():
            demand = np.sort(self.problem.demand[self.pairs[ks, 1]]) if ks else np.zeros(0)
            cap = float(self.problem.capacity[i])
            if demand.sum() <= cap * (1 + _TOL):
                continue
            most = int(np.searchsorted(np.cumsum(demand), cap * (1 + _TOL), side="right"))
            self.model.add_linear_constraint(
                mathopt.fast_sum(self.xs[k] for k in ks) - most * self.y[i] <= 0.0,
                name=f"cover{i}_{most}")

    def add_floors(self, floors: np.ndarray) -> None:
        """Per facility with ``floors[i] > 0``, load at least ``floors[i] y_i``."""
        by_fac: dict[int, list[int]] = {i: [] for i in self.y if floors[i] > 1e-9}
        for k, (i, _j) in enumerate(self.pairs):
            if int(i) in by_fac:
                by_fac[int(i)].append(k)
        for i, ks in by_fac.items():
            load = mathopt.fast_sum(float(self.problem.demand[self.pairs[k][1]]) * self.xs[k]
                                    for k in ks)
            self.model.add_linear_constraint(load - float(floors[i]) * self.y[i] >= 0.0)

    def hint(self, hint: FacilityResult) -> mathopt.SolutionHint:
        """``hint`` as a MathOpt solution hint."""
        values: dict[mathopt.Variable, float] = {v: 0.0 for v in self.y.values()}
        for i in hint.open_facilities:
            if i in self.y:
                values[self.y[i]] = 1.0
        for k, (i, j) in enumerate(self.pairs):
            values[self.xs[k]] = float(hint.assignment[i, j])
        return mathopt.SolutionHint(variable_values=values)

    def result(self, result: mathopt.SolveResult, *, restricted: bool, seconds: float,
               method: str) -> FacilityResult:
        """The solver's answer as a :class:`FacilityResult`."""
        problem = self.problem
        status = _status(result)
        if status == "infeasible":
            return FacilityResult((), np.zeros((0, 0)), math.inf, status, None, seconds,
                                  method)
        bound = None if restricted else _finite(result.dual_bound())
        if not result.has_primal_feasible_solution():
            return FacilityResult((), np.zeros((0, 0)), math.inf, status, bound, seconds,
                                  method)
        info = {"solver_objective": result.objective_value(),
                "kernel_bound": _finite(result.dual_bound()),
                "restricted_optimal": restricted and status == "optimal"}
        if restricted and status == "optimal":
            status = "feasible"
        yv = result.variable_values(list(self.y.values()))
        xv = result.variable_values(self.xs)
        assign = np.zeros((problem.m, problem.n))
        for k, (i, j) in enumerate(self.pairs):
            assign[i, j] = xv[k]
        assign[assign < 1e-9] = 0.0
        if problem.single_source:
            assign = np.round(assign)
        opened = tuple(sorted(int(i) for i, v in zip(self.y, yv, strict=True) if v > 0.5))
        used = tuple(sorted(set(np.flatnonzero(assign.sum(axis=1) > 0).tolist())))
        opened = tuple(sorted(set(opened) | set(used)))
        cost = problem.solution_cost(opened, assign)
        return FacilityResult(opened, assign, cost, status, bound, seconds, method,
                              info=info)


def fewest_facilities(capacity: np.ndarray, total: float) -> int:
    """Fewest facilities whose capacities can hold ``total`` (the largest ones first;
    all of them when even all cannot)."""
    held = np.cumsum(np.sort(capacity)[::-1])
    enough = np.flatnonzero(held >= total - _TOL * max(1.0, total))
    return int(enough[0]) + 1 if len(enough) else len(capacity)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


# --------------------------------------------------------------------------- two stage


@dataclass(frozen=True)
class TwoStageProblem:
    """A two-stage capacitated facility location problem (plants -> satellites -> customers).

    Flows are continuous (multi-source) and costs are per unit of flow, as in
    Fernandes et al. (2014).

    Parameters
    ----------
    plant_fixed, plant_capacity
        Fixed cost and capacity of each plant, shape ``(p,)``.
    satellite_fixed, satellite_capacity
        Fixed cost and capacity of each satellite, shape ``(q,)``.
    demand
        Demand of each customer, shape ``(n,)``.
    plant_cost
        ``plant_cost[i, j]``: cost per unit shipped from plant ``i`` to satellite ``j``.
    satellite_cost
        ``satellite_cost[j, k]``: cost per unit shipped from satellite ``j`` to customer
        ``k``.
    name
        Label used in reports.
    """

    plant_fixed: np.ndarray
    plant_capacity: np.ndarray
    satellite_fixed: np.ndarray
    satellite_capacity: np.ndarray
    demand: np.ndarray
    plant_cost: np.ndarray
    satellite_cost: np.ndarray
    name: str = ""

    def __post_init__(self) -> None:
        pf = _array("plant_fixed", self.plant_fixed, ndim=1)
        ps = _array("plant_capacity", self.plant_capacity, ndim=1)
        sf = _array("satellite_fixed", self.satellite_fixed, ndim=1)
        ss = _array("satellite_capacity", self.satellite_capacity, ndim=1)
        d = _array("demand", self.demand, ndim=1)
        pc = _array("plant_cost", self.plant_cost, ndim=2)
        sc = _array("satellite_cost", self.satellite_cost, ndim=2)
        if len(ps) != len(pf):
            raise InputError("plant_capacity", f"{len(ps)} values", f"{len(pf)} (one per plant)")
        if len(ss) != len(sf):
            raise InputError("satellite_capacity", f"{len(ss)} values",
                             f"{len(sf)} (one per satellite)")
        if pc.shape != (len(pf), len(sf)):
            raise InputError("plant_cost", f"shape {pc.shape}", f"shape {(len(pf), len(sf))}")
        if sc.shape != (len(sf), len(d)):
            raise InputError("satellite_cost", f"shape {sc.shape}",
                             f"shape {(len(sf), len(d))}")
        for name, arr in (("plant_fixed", pf), ("plant_capacity", ps), ("satellite_fixed", sf),
                          ("satellite_capacity", ss), ("demand", d), ("plant_cost", pc),
                          ("satellite_cost", sc)):
            object.__setattr__(self, name, arr)

    @property
    def total_demand(self) -> float:
        """Sum of the demands."""
        return float(self.demand.sum())

    @property
    def n(self) -> int:
        """Number of customers."""
        return len(self.demand)


@dataclass(frozen=True)
class TwoStageResult:
    """A solution of a :class:`TwoStageProblem`.

    Parameters
    ----------
    open_plants, open_satellites
        Indices of the used plants and satellites.
    plant_flow
        ``plant_flow[i, j]``: quantity from plant ``i`` to satellite ``j``.
    satellite_flow
        ``satellite_flow[j, k]``: quantity from satellite ``j`` to customer ``k``.
    cost, status, bound, seconds, method
        As in :class:`FacilityResult`.
    """

    open_plants: tuple[int, ...]
    open_satellites: tuple[int, ...]
    plant_flow: np.ndarray
    satellite_flow: np.ndarray
    cost: float
    status: str
    bound: float | None
    seconds: float
    method: str

    @property
    def gap(self) -> float | None:
        """Relative gap ``(cost - bound) / cost``, or ``None``."""
        if self.bound is None or not math.isfinite(self.cost) or self.cost == 0:
            return None
        return max(0.0, (self.cost - self.bound) / abs(self.cost))

    def summary(self) -> str:
        """A few human-readable lines about the result."""
        gap = self.gap
        return (f"{self.method}: {self.status}, cost {self.cost:,.2f}"
                + ("" if self.bound is None else f", bound {self.bound:,.2f}")
                + ("" if gap is None else f", gap {100 * gap:.3f}%")
                + f", {self.seconds:.1f} s\nopen plants {list(self.open_plants)}\n"
                f"open satellites {list(self.open_satellites)}")


def solve_two_stage_mip(problem: TwoStageProblem, *, backend: str = "highs",
                        time_limit: float = 60.0, seed: int = 0, threads: int = 1,
                        relative_gap: float = 1e-9) -> TwoStageResult:
    r"""Solve a two-stage CFLP with an OR-Tools MIP backend (MathOpt).

    Formulation, plants :math:`i`, satellites :math:`j`, customers :math:`k`:

    .. math::

        \min\ & \sum_i F_i y_i + \sum_j G_j z_j + \sum_{i,j} a_{ij} u_{ij}
              + \sum_{j,k} b_{jk} w_{jk} \\
        \text{s.t. } & \sum_j w_{jk} = d_k && \forall k \quad\text{(demand)} \\
        & \sum_i u_{ij} = \sum_k w_{jk} && \forall j \quad\text{(satellite balance)} \\
        & \sum_k w_{jk} \le S_j z_j,\quad \sum_j u_{ij} \le P_i y_i
            && \forall i, j \quad\text{(capacities)} \\
        & w_{jk} \le \min(d_k, S_j) z_j && \forall j, k \quad\text{(strong linking)} \\
        & \sum_i P_i y_i \ge \sum_k d_k,\quad \sum_j S_j z_j \ge \sum_k d_k
            && \text{(aggregate cuts)} \\
        & y, z \in \{0, 1\},\ u, w \ge 0

    Parameters
    ----------
    problem
        The problem.
    backend
        ``"highs"`` or ``"scip"`` (the flows are continuous).
    time_limit, seed, threads, relative_gap
        As in :func:`solve_mip`.

    Returns
    -------
    TwoStageResult
        The solution with the solver's bound.
    """
    _check_backend(backend)
    if backend == "cpsat":
        raise InputError("backend", backend, "'highs' or 'scip' (flows are continuous)")
    start = time.monotonic()
    model, u, w = _two_stage_model(problem)
    params = _solve_params(time_limit - (time.monotonic() - start), seed, threads,
                           relative_gap, backend)
    try:
        result = mathopt.solve(model, BACKENDS[backend], params=params)
    except Exception as exc:  # the backends raise plain RuntimeErrors
        raise SolverError(f"{backend} failed on {problem.name or 'the problem'}: {exc}") \
            from exc
    return _two_stage_result(problem, result, u, w, seconds=time.monotonic() - start,
                             method=f"mip-{backend}")


_Grid = list[list[mathopt.Variable]]


def _two_stage_model(problem: TwoStageProblem) -> tuple[mathopt.Model, _Grid, _Grid]:
    """The two-stage MIP (see :func:`solve_two_stage_mip`) and its flows ``u``, ``w``."""
    p, q, n = len(problem.plant_fixed), len(problem.satellite_fixed), problem.n
    d = problem.demand
    model = mathopt.Model(name=problem.name or "tscflp")
    y = [model.add_binary_variable(name=f"y{i}") for i in range(p)]
    z = [model.add_binary_variable(name=f"z{j}") for j in range(q)]
    u = [[model.add_variable(lb=0.0, name=f"u{i}_{j}") for j in range(q)] for i in range(p)]
    w = [[model.add_variable(lb=0.0, name=f"w{j}_{k}") for k in range(n)] for j in range(q)]
    pc, sc = problem.plant_cost, problem.satellite_cost
    model.minimize(
        mathopt.fast_sum(float(problem.plant_fixed[i]) * y[i] for i in range(p))
        + mathopt.fast_sum(float(problem.satellite_fixed[j]) * z[j] for j in range(q))
        + mathopt.fast_sum(float(pc[i, j]) * u[i][j] for i in range(p) for j in range(q))
        + mathopt.fast_sum(float(sc[j, k]) * w[j][k] for j in range(q) for k in range(n)))
    for k in range(n):
        model.add_linear_constraint(mathopt.fast_sum(w[j][k] for j in range(q)) == float(d[k]))
    for j in range(q):
        cap = float(problem.satellite_capacity[j])
        out = mathopt.fast_sum(w[j])
        model.add_linear_constraint(mathopt.fast_sum(u[i][j] for i in range(p)) - out == 0.0)
        model.add_linear_constraint(out - cap * z[j] <= 0.0)
        for k in range(n):
            model.add_linear_constraint(w[j][k] - min(float(d[k]), cap) * z[j] <= 0.0)
    for i in range(p):
        model.add_linear_constraint(
            mathopt.fast_sum(u[i]) - float(problem.plant_capacity[i]) * y[i] <= 0.0)
    total = problem.total_demand
    model.add_linear_constraint(mathopt.fast_sum(
        float(problem.plant_capacity[i]) * y[i] for i in range(p)) >= total)
    model.add_linear_constraint(mathopt.fast_sum(
        float(problem.satellite_capacity[j]) * z[j] for j in range(q)) >= total)
    return model, u, w


def _two_stage_result(problem: TwoStageProblem, result: mathopt.SolveResult, u: _Grid,
                      w: _Grid, *, seconds: float, method: str) -> TwoStageResult:
    """The solver's answer as a :class:`TwoStageResult` (sites used = sites shipping)."""
    p, q, n = len(problem.plant_fixed), len(problem.satellite_fixed), problem.n
    status = _status(result)
    bound = _finite(result.dual_bound()) if status != "infeasible" else None
    if not result.has_primal_feasible_solution():
        empty = np.zeros((0, 0))
        return TwoStageResult((), (), empty, empty, math.inf, status, bound, seconds, method)
    uv = np.array(result.variable_values([v for row in u for v in row])).reshape(p, q)
    wv = np.array(result.variable_values([v for row in w for v in row])).reshape(q, n)
    uv[uv < 1e-9] = 0.0
    wv[wv < 1e-9] = 0.0
    plants = tuple(int(i) for i in np.flatnonzero(uv.sum(axis=1) > 0))
    sats = tuple(int(j) for j in np.flatnonzero(wv.sum(axis=1) > 0))
    cost = (float(problem.plant_fixed[list(plants)].sum())
            + float(problem.satellite_fixed[list(sats)].sum())
            + float((problem.plant_cost * uv).sum())
            + float((problem.satellite_cost * wv).sum()))
    return TwoStageResult(plants, sats, uv, wv, cost, status, bound, seconds, method)
