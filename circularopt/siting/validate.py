"""Independent validators of siting results.

:func:`validate_siting` rebuilds every figure of a siting result from the scenario, the
travel matrices and the result's decisions alone (it never looks at the solver model):
it checks that each collection point is assigned exactly once, to an open complex (or, if
the run allowed it, a landfill), that each open complex uses one of its capacity options
and stays within it, that recyclers receive only streams they accept and no more than
their capacity, that each complex sells at most what it recovers per stream and sends
everything else to a landfill, landfill capacities, the minimum diversion, the travel
limit, the locked sites and the number of complexes; and it recomputes each annual cost
component and the diversion rate and compares them with the reported ones.

The collection cost of a point is the estimate of
:func:`~circularopt.siting.model.collection_cost_estimate` with the parameters recorded in
the result (that estimate *defines* the cost; the checker recomputes its sum).

:func:`validate_facility`, :func:`validate_facility_solution` and
:func:`validate_two_stage` check generic facility location solutions
(:mod:`circularopt.siting.cflp`): they read only the raw problem data and the solution
(open facilities and assignment or flows), recompute the cost from scratch and list every
violated constraint. They share no code with the solvers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from circularopt._deprecated import renamed
from circularopt.matrices import TravelMatrices
from circularopt.scenario import CollectionPoint, Scenario
from circularopt.siting.cflp import (
    FacilityProblem,
    FacilityResult,
    TwoStageProblem,
    TwoStageResult,
)
from circularopt.siting.model import CollectionCostParams, collection_cost_estimate
from circularopt.siting.result import CostBreakdown, SitingResult
from circularopt.validation import ValidationReport

__all__ = ["FacilityReport", "SitingReport", "check_siting", "validate_facility",
           "validate_facility_solution", "validate_siting", "validate_two_stage"]


@dataclass(frozen=True)
class SitingReport(ValidationReport):
    """Outcome of :func:`validate_siting`; ``cost`` is the recomputed annual total.

    Parameters
    ----------
    costs
        The cost breakdown recomputed from the decisions.
    diversion_rate
        Recomputed diversion rate.
    details
        ``unplaced_t_per_day`` (recovered but unsold, by stream) and ``recycler_intake``.
    """

    costs: CostBreakdown = field(default_factory=CostBreakdown)
    diversion_rate: float = 0.0
    details: Mapping[str, Any] = field(default_factory=dict)

    subject: ClassVar[str] = "siting"

    def figures(self) -> str:
        """The recomputed total cost and diversion rate."""
        return (f"recomputed total cost {self.costs.total:,.2f}, "
                f"diversion {100 * self.diversion_rate:.2f}%")


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


@dataclass
class _Check:
    """The inputs of one check, the violations found and the figures summed so far."""

    scenario: Scenario
    matrices: TravelMatrices
    result: SitingResult
    tol: float
    bad: list[str] = field(default_factory=list)
    open_ids: dict[str, int] = field(default_factory=dict)
    inflow: dict[str, dict[str, float]] = field(default_factory=dict)
    direct_to: dict[str, float] = field(default_factory=dict)
    sold: dict[tuple[str, str], float] = field(default_factory=dict)
    intake: dict[str, float] = field(default_factory=dict)
    fixed: float = 0.0
    opening: float = 0.0
    collection: float = 0.0
    sorting: float = 0.0
    landfill: float = 0.0
    transport: float = 0.0
    revenue: float = 0.0

    def __post_init__(self) -> None:
        sc = self.scenario
        self.opts = self.result.options
        self.points = {p.id: p for p in sc.collection_points}
        self.cands = {c.id: c for c in sc.complex_candidates}
        self.recyclers = {r.id: r for r in sc.recyclers}
        self.landfills = {lf.id: lf for lf in sc.landfills}
        self.recyclable = {s.name for s in sc.streams if s.recyclable}
        self.tau = sc.parameters.transfer_cost_per_tonne_km

    def km(self, a: str, b: str) -> float:
        m = self.matrices
        return float(m.distance_m[m.index(a), m.index(b)]) / 1000.0


def validate_siting(scenario: Scenario, matrices: TravelMatrices, result: SitingResult, *,
                    tol: float = 1e-6) -> SitingReport:
    """Recompute the costs of ``result`` and check every siting constraint.

    Parameters
    ----------
    scenario, matrices
        The inputs the result was computed from.
    result
        The result to check; its ``options`` say which optional constraints apply.
    tol
        Relative tolerance for tonnes and money (absolute below 1).

    Returns
    -------
    SitingReport
        Violations (empty when feasible) and the recomputed costs.
    """
    ck = _Check(scenario, matrices, result, tol)
    _check_open_complexes(ck)
    _check_assignment(ck)
    _check_complex_loads(ck)
    _check_recyclate_flows(ck)
    unplaced = _unplaced(ck)
    _check_residues(ck)
    diversion, costs = _check_totals(ck)
    return SitingReport(violations=tuple(ck.bad), cost=costs.total, costs=costs,
                        diversion_rate=diversion,
                        details={"unplaced_t_per_day": unplaced, "recycler_intake": ck.intake})


def _check_open_complexes(ck: _Check) -> None:
    """Open complexes, their capacity options, their number and the locked sites."""
    bad, tol, opts = ck.bad, ck.tol, ck.opts
    for oc in ck.result.open_complexes:
        c = ck.cands.get(oc.id)
        if c is None:
            bad.append(f"open complex {oc.id!r} is not a complex candidate")
            continue
        if oc.id in ck.open_ids:
            bad.append(f"complex {oc.id!r} is opened more than once")
            continue
        if not 0 <= oc.option < len(c.capacity_options):
            bad.append(f"complex {oc.id!r} uses option {oc.option}, but it has "
                       f"{len(c.capacity_options)} option(s)")
            continue
        opt = c.capacity_options[oc.option]
        if not (_close(opt.capacity_t_per_day, oc.capacity_t_per_day, tol)
                and _close(opt.annual_fixed_cost, oc.annual_fixed_cost, tol)):
            bad.append(f"complex {oc.id!r} reports capacity {oc.capacity_t_per_day:g} / fixed "
                       f"cost {oc.annual_fixed_cost:g}, but its option {oc.option} has "
                       f"{opt.capacity_t_per_day:g} / {opt.annual_fixed_cost:g}")
        ck.open_ids[oc.id] = oc.option
        ck.fixed += opt.annual_fixed_cost
    n_open = len(ck.open_ids)
    if opts.get("complexes") is not None and n_open != opts["complexes"]:
        bad.append(f"{n_open} complexes open, but exactly {opts['complexes']} were required")
    if opts.get("max_complexes") is not None and n_open > opts["max_complexes"]:
        bad.append(f"{n_open} complexes open, but at most {opts['max_complexes']} allowed")
    for cid in opts.get("locked_open", ()):
        if cid not in ck.open_ids:
            bad.append(f"complex {cid!r} is locked open but not opened")
    for cid in opts.get("locked_closed", ()):
        if cid in ck.open_ids:
            bad.append(f"complex {cid!r} is locked closed but opened")
    ck.inflow = {c: {} for c in ck.open_ids}


def _check_assignment(ck: _Check) -> None:
    """Each point assigned once to an open complex or an allowed landfill, within reach."""
    scenario, result, opts, bad = ck.scenario, ck.result, ck.opts, ck.bad
    params = CollectionCostParams(**opts["collection"]) if "collection" in opts \
        else CollectionCostParams.from_scenario(scenario)
    targets = sorted({t for t in result.assignment.values()
                      if t in ck.cands or t in ck.landfills})
    cost_table = collection_cost_estimate(scenario, ck.matrices, targets, params=params) \
        if targets else None
    col = {t: k for k, t in enumerate(targets)}
    row = {p.id: k for k, p in enumerate(scenario.collection_points)}
    for pid in result.assignment:
        if pid not in ck.points:
            bad.append(f"assignment names {pid!r}, which is not a collection point")
    for pid, p in ck.points.items():
        target = result.assignment.get(pid)
        if target is None:
            bad.append(f"collection point {pid!r} is not assigned")
            continue
        if not _receive_point(ck, p, target):
            continue
        if cost_table is not None:
            ck.collection += float(cost_table[row[pid], col[target]])
        _check_reach(ck, pid, target)


def _receive_point(ck: _Check, p: CollectionPoint, target: str) -> bool:
    """Book ``p``'s waste at ``target``; False (with a violation) if it cannot go there."""
    if target in ck.landfills:
        if not ck.opts.get("allow_direct_landfill", False):
            ck.bad.append(f"point {p.id!r} goes directly to landfill {target!r}, which the "
                          "run did not allow")
        ck.direct_to[target] = ck.direct_to.get(target, 0.0) + p.total_tonnes_per_day
        ck.landfill += ck.landfills[target].tipping_fee_per_tonne * p.total_tonnes_per_day
    elif target in ck.open_ids:
        for s, t in p.tonnes_per_day.items():
            ck.inflow[target][s] = ck.inflow[target].get(s, 0.0) + t
        ck.sorting += ck.cands[target].variable_cost_per_tonne * p.total_tonnes_per_day
    else:
        ck.bad.append(f"point {p.id!r} is assigned to {target!r}, which is not an open "
                      "complex" + (" or a landfill" if target not in ck.cands else ""))
        return False
    return True


def _check_reach(ck: _Check, pid: str, target: str) -> None:
    """The travel limit of the run, if any."""
    limit = ck.opts.get("max_travel_minutes")
    if limit is None:
        return
    m = ck.matrices
    minutes = m.duration_s[m.index(pid), m.index(target)] / 60
    if minutes > limit * (1 + ck.tol):
        ck.bad.append(f"point {pid!r} is {minutes:.1f} min from {target!r}, over the "
                      f"limit of {limit:g} min")


def _check_complex_loads(ck: _Check) -> None:
    """Complex capacities, and the inflow each open complex reports."""
    tol, bad = ck.tol, ck.bad
    for oc in ck.result.open_complexes:
        if oc.id not in ck.open_ids:
            continue
        inflow = ck.inflow[oc.id]
        load = sum(inflow.values())
        cap = ck.cands[oc.id].capacity_options[ck.open_ids[oc.id]].capacity_t_per_day
        if load > cap * (1 + tol) + tol:
            bad.append(f"complex {oc.id!r} receives {load:,.3f} t/day, over its capacity "
                       f"{cap:,.3f} t/day")
        for s in set(inflow) | set(oc.inflow_t_per_day):
            if not _close(inflow.get(s, 0.0), oc.inflow_t_per_day.get(s, 0.0), tol):
                bad.append(f"complex {oc.id!r} reports inflow of {s} "
                           f"{oc.inflow_t_per_day.get(s, 0.0):g} t/day, the assignment gives "
                           f"{inflow.get(s, 0.0):g}")


def _check_recyclate_flows(ck: _Check) -> None:
    """Flows to recyclers: accepted streams, capacities, opened recyclers, recovered tonnes."""
    tol, bad = ck.tol, ck.bad
    opened_rec = set(ck.result.opened_recyclers)
    for f in ck.result.flows:
        if f.tonnes_per_day < -tol:
            bad.append(f"negative flow {f.tonnes_per_day:g} t/day {f.complex}->{f.recycler}")
        if f.complex not in ck.open_ids:
            bad.append(f"flow from {f.complex!r}, which is not an open complex")
            continue
        rec = ck.recyclers.get(f.recycler)
        if rec is None:
            bad.append(f"flow to {f.recycler!r}, which is not a recycler")
            continue
        if f.stream not in rec.price_per_tonne:
            bad.append(f"recycler {rec.id!r} receives {f.stream}, which it does not accept "
                       f"(accepts {list(rec.streams)})")
            continue
        if f.stream not in ck.recyclable:
            bad.append(f"flow of non-recyclable stream {f.stream!r} to {rec.id!r}")
        if not rec.existing and rec.id not in opened_rec:
            bad.append(f"flow to candidate recycler {rec.id!r}, which is not opened")
        key = (f.complex, f.stream)
        ck.sold[key] = ck.sold.get(key, 0.0) + f.tonnes_per_day
        ck.intake[rec.id] = ck.intake.get(rec.id, 0.0) + f.tonnes_per_day
        ck.transport += ck.tau * ck.km(f.complex, rec.id) * f.tonnes_per_day
        ck.revenue += rec.price_per_tonne[f.stream] * f.tonnes_per_day
    for rid, t in ck.intake.items():
        cap = ck.recyclers[rid].capacity_t_per_day
        if t > cap * (1 + tol) + tol:
            bad.append(f"recycler {rid!r} receives {t:,.3f} t/day, over its capacity "
                       f"{cap:,.3f} t/day")
    _check_opened_recyclers(ck, opened_rec)
    for (cid, s), t in ck.sold.items():
        recovered = ck.cands[cid].recovery_rate.get(s, 0.0) * ck.inflow[cid].get(s, 0.0)
        if t > recovered * (1 + tol) + tol:
            bad.append(f"complex {cid!r} sells {t:,.3f} t/day of {s} but recovers only "
                       f"{recovered:,.3f}")


def _check_opened_recyclers(ck: _Check, opened_rec: set[str]) -> None:
    """Opened recyclers are candidates, the run allowed opening them; sums their cost."""
    for rid in opened_rec:
        rec = ck.recyclers.get(rid)
        if rec is None or rec.existing:
            ck.bad.append(f"opened recycler {rid!r} is not a candidate recycler")
        elif not ck.opts.get("open_candidate_recyclers", False):
            ck.bad.append(f"candidate recycler {rid!r} opened, which the run did not allow")
        else:
            ck.opening += rec.opening_cost


def _unplaced(ck: _Check) -> dict[str, float]:
    """Recovered but unsold tonnes per day, by stream."""
    unplaced: dict[str, float] = {}
    for cid in ck.open_ids:
        for s in ck.recyclable:
            recovered = ck.cands[cid].recovery_rate.get(s, 0.0) * ck.inflow[cid].get(s, 0.0)
            unplaced[s] = unplaced.get(s, 0.0) + max(0.0, recovered - ck.sold.get((cid, s), 0.0))
    return unplaced


def _check_residues(ck: _Check) -> None:
    """Residue flows, each open complex's mass balance and the landfill capacities."""
    tol, bad = ck.tol, ck.bad
    residue_of: dict[str, float] = {}
    for r in ck.result.residues:
        if r.complex not in ck.open_ids:
            bad.append(f"residue from {r.complex!r}, which is not an open complex")
            continue
        if r.landfill not in ck.landfills:
            bad.append(f"residue to {r.landfill!r}, which is not a landfill")
            continue
        if r.tonnes_per_day < -tol:
            bad.append(f"negative residue flow {r.tonnes_per_day:g} t/day from {r.complex!r}")
        residue_of[r.complex] = residue_of.get(r.complex, 0.0) + r.tonnes_per_day
        ck.direct_to[r.landfill] = ck.direct_to.get(r.landfill, 0.0) + r.tonnes_per_day
        ck.transport += ck.tau * ck.km(r.complex, r.landfill) * r.tonnes_per_day
        ck.landfill += ck.landfills[r.landfill].tipping_fee_per_tonne * r.tonnes_per_day
    for cid in ck.open_ids:
        load = sum(ck.inflow[cid].values())
        out = sum(t for (c, _), t in ck.sold.items() if c == cid) + residue_of.get(cid, 0.0)
        if not _close(load, out, tol * 10):
            bad.append(f"mass balance of complex {cid!r}: receives {load:,.4f} t/day, sends "
                       f"{out:,.4f} t/day to recyclers and landfills")
    for lid, t in ck.direct_to.items():
        cap_l = ck.landfills[lid].capacity_t_per_day
        if cap_l is not None and t > cap_l * (1 + tol) + tol:
            bad.append(f"landfill {lid!r} receives {t:,.3f} t/day, over its capacity "
                       f"{cap_l:,.3f} t/day")


def _check_totals(ck: _Check) -> tuple[float, CostBreakdown]:
    """The diversion rate and the annual costs, against the required and reported ones."""
    tol, bad, result = ck.tol, ck.bad, ck.result
    total = ck.scenario.total_tonnes_per_day
    delivered = sum(ck.sold.values())
    diversion = delivered / total if total > 0 else 0.0
    need = ck.opts.get("min_diversion")
    if need is not None and diversion < need - tol:
        bad.append(f"diversion {diversion:.4%} is below the required {need:.4%}")
    if not _close(diversion, result.diversion_rate, tol * 10):
        bad.append(f"reported diversion {result.diversion_rate:.6f}, recomputed "
                   f"{diversion:.6f}")
    days = ck.scenario.parameters.working_days_per_year
    costs = CostBreakdown(fixed=ck.fixed, collection=days * ck.collection,
                          transport=days * ck.transport, sorting=days * ck.sorting,
                          landfill=days * ck.landfill, revenue=days * ck.revenue,
                          recycler_opening=ck.opening)
    for name, value in costs.as_dict().items():
        reported = result.costs.as_dict()[name]
        if not _close(value, reported, tol * 10):
            bad.append(f"reported {name} cost {reported:,.2f}, recomputed {value:,.2f}")
    if math.isfinite(result.objective) and not _close(result.objective, costs.total, 1e-4):
        bad.append(f"solver objective {result.objective:,.2f} differs from the recomputed "
                   f"total {costs.total:,.2f}")
    return diversion, costs


@dataclass(frozen=True)
class FacilityReport(ValidationReport):
    """Outcome of the facility location validators.

    ``cost`` is the cost recomputed from the raw data, ``inf`` when it cannot be computed.
    """

    cost: float = math.inf

    subject: ClassVar[str] = "facility solution"

    @property
    def feasible(self) -> bool:
        """Deprecated name of :attr:`ok`."""
        return self.ok

    def figures(self) -> str:
        """The recomputed cost."""
        return f"cost {self.cost:,.4f}"


def _limited(found: list[str], limit: int = 5) -> list[str]:
    if len(found) <= limit:
        return found
    return [*found[:limit], f"... and {len(found) - limit} more of this kind"]


def validate_facility_solution(problem: FacilityProblem, open_facilities: Any,
                               assignment: Any, *, claimed_cost: float | None = None,
                               tol: float = 1e-6) -> FacilityReport:
    """Check a CFLP solution against the raw problem and recompute its cost.

    Parameters
    ----------
    problem
        The problem.
    open_facilities
        Indices of the open facilities.
    assignment
        ``(m, n)`` shares: ``assignment[i, j]`` of customer ``j``'s demand served by ``i``.
    claimed_cost
        The solver's cost; a difference larger than ``tol`` (relative) is a violation.
    tol
        Tolerance for sums, capacities and costs.

    Returns
    -------
    FacilityReport
        Feasible only if every customer is fully served, only open facilities serve,
        capacities hold, shares are in [0, 1] (and 0/1 with one facility per customer
        when single-sourced), no forbidden pair is used and the claimed cost matches.
    """
    m, n = len(problem.fixed_cost), len(problem.demand)
    a = np.asarray(assignment, dtype=float)
    if a.shape != (m, n):
        return FacilityReport(violations=(f"assignment has shape {a.shape}, expected {(m, n)}",))
    opened = sorted({int(i) for i in open_facilities})
    bad_ids = [i for i in opened if not 0 <= i < m]
    if bad_ids:
        return FacilityReport(violations=(f"unknown facility indices {bad_ids}",))
    violations: list[str] = []
    if not np.isfinite(a).all():
        violations.append("assignment holds non-finite numbers")
        a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    is_open = np.zeros(m, dtype=bool)
    is_open[opened] = True

    found = [f"share {a[i, j]:.6g} of customer {j} at facility {i} is outside [0, 1]"
             for i, j in np.argwhere((a < -tol) | (a > 1 + tol))]
    violations += _limited(found)
    served = a.sum(axis=0)
    found = [f"customer {j} is served {served[j]:.6g} of its demand, not 1"
             for j in np.flatnonzero(np.abs(served - 1.0) > tol)]
    violations += _limited(found)
    closed_use = np.argwhere((a > tol) & ~is_open[:, None])
    violations += _limited([f"closed facility {i} serves customer {j}" for i, j in closed_use])
    forbidden = np.argwhere((a > tol) & ~np.isfinite(problem.cost))
    violations += _limited([f"customer {j} is served by facility {i}, a forbidden pair"
                            for i, j in forbidden])
    load = (a * problem.demand[None, :]).sum(axis=1)
    over = np.flatnonzero(load > problem.capacity * (1 + tol) + tol)
    violations += _limited([f"facility {i} serves {load[i]:.6g} > capacity "
                            f"{problem.capacity[i]:.6g}" for i in over])
    if problem.single_source:
        frac = np.argwhere((a > tol) & (a < 1 - tol))
        violations += _limited([f"customer {j} is split (share {a[i, j]:.6g} at facility "
                                f"{i}) although single sourcing is required"
                                for i, j in frac])
    safe = np.where(a > 0, a, 0.0)
    costs = np.where(safe > 0, problem.cost, 0.0)
    cost = float(problem.fixed_cost[opened].sum()) + float((costs * safe).sum())
    if not math.isfinite(cost):
        cost = math.inf
    if claimed_cost is not None and math.isfinite(cost) and \
            abs(claimed_cost - cost) > tol * max(1.0, abs(cost)):
        violations.append(f"claimed cost {claimed_cost:,.6f} differs from recomputed "
                          f"{cost:,.6f}")
    return FacilityReport(violations=tuple(violations), cost=cost)


def validate_facility(problem: FacilityProblem, result: FacilityResult, *,
                      tol: float = 1e-6) -> FacilityReport:
    """Check a :class:`FacilityResult` (a result without a solution is infeasible)."""
    if not result.has_solution:
        return FacilityReport(violations=(f"no solution (status {result.status})",))
    return validate_facility_solution(problem, result.open_facilities, result.assignment,
                                      claimed_cost=result.cost, tol=tol)


def validate_two_stage(problem: TwoStageProblem, result: TwoStageResult, *,
                       tol: float = 1e-6) -> FacilityReport:
    """Check a two-stage solution: demands met, flow balance, capacities, open sites, cost.

    Parameters
    ----------
    problem
        The problem.
    result
        Its solution (flows and open plants/satellites).
    tol
        Relative tolerance on quantities and cost.

    Returns
    -------
    FacilityReport
        With the recomputed cost and every violation.
    """
    p, q, n = len(problem.plant_fixed), len(problem.satellite_fixed), len(problem.demand)
    u = np.asarray(result.plant_flow, dtype=float)
    w = np.asarray(result.satellite_flow, dtype=float)
    if u.shape != (p, q) or w.shape != (q, n):
        return FacilityReport(violations=(f"flow shapes {u.shape}, {w.shape}; expected "
                                          f"{(p, q)}, {(q, n)}",))
    scale = max(1.0, float(problem.demand.max(initial=0.0)))
    eps = tol * scale
    violations: list[str] = []
    if (u < -eps).any() or (w < -eps).any():
        violations.append("negative flows")
    got = w.sum(axis=0)
    violations += _limited([f"customer {k} receives {got[k]:.6g}, demand "
                            f"{problem.demand[k]:.6g}"
                            for k in np.flatnonzero(np.abs(got - problem.demand) > eps)])
    inflow, outflow = u.sum(axis=0), w.sum(axis=1)
    violations += _limited([f"satellite {j} receives {inflow[j]:.6g} but ships "
                            f"{outflow[j]:.6g}"
                            for j in np.flatnonzero(np.abs(inflow - outflow) > eps * n)])
    plants, sats = set(result.open_plants), set(result.open_satellites)
    ship = u.sum(axis=1)
    violations += _limited([f"plant {i} ships {ship[i]:.6g} > capacity "
                            f"{problem.plant_capacity[i]:.6g}"
                            for i in np.flatnonzero(ship > problem.plant_capacity + eps * n)])
    violations += _limited([f"satellite {j} ships {outflow[j]:.6g} > capacity "
                            f"{problem.satellite_capacity[j]:.6g}" for j in
                            np.flatnonzero(outflow > problem.satellite_capacity + eps * n)])
    violations += _limited([f"closed plant {i} ships" for i in np.flatnonzero(ship > eps)
                            if i not in plants])
    violations += _limited([f"closed satellite {j} ships" for j in
                            np.flatnonzero(outflow > eps) if j not in sats])
    cost = (float(problem.plant_fixed[sorted(plants)].sum())
            + float(problem.satellite_fixed[sorted(sats)].sum())
            + float((problem.plant_cost * u).sum()) + float((problem.satellite_cost * w).sum()))
    if math.isfinite(result.cost) and abs(result.cost - cost) > tol * max(1.0, abs(cost)):
        violations.append(f"claimed cost {result.cost:,.6f} differs from recomputed "
                          f"{cost:,.6f}")
    return FacilityReport(violations=tuple(violations), cost=cost)


check_siting = renamed(validate_siting, "circularopt.siting.validate.check_siting")
