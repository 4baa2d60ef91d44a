"""Independent checker of a :class:`~circularopt.siting.result.SitingResult`.

:func:`check_siting` rebuilds every figure of a siting result from the scenario, the
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
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from circularopt.matrices import TravelMatrices
from circularopt.scenario import Scenario
from circularopt.siting.model import CollectionCostParams, collection_cost_estimate
from circularopt.siting.result import CostBreakdown, SitingResult

__all__ = ["SitingReport", "check_siting"]


@dataclass(frozen=True)
class SitingReport:
    """Outcome of :func:`check_siting`.

    Parameters
    ----------
    violations
        One sentence per violated constraint or mismatching figure (empty: all good).
    costs
        The cost breakdown recomputed from the decisions.
    diversion_rate
        Recomputed diversion rate.
    """

    violations: tuple[str, ...]
    costs: CostBreakdown
    diversion_rate: float
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no violation was found."""
        return not self.violations

    def summary(self) -> str:
        """One line per violation, or a confirmation."""
        if self.ok:
            return (f"siting result is feasible; recomputed total cost "
                    f"{self.costs.total:,.2f}, diversion {100 * self.diversion_rate:.2f}%")
        return "\n".join([f"{len(self.violations)} violation(s):",
                          *(f"  - {v}" for v in self.violations)])


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def check_siting(scenario: Scenario, matrices: TravelMatrices, result: SitingResult, *,
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
    bad: list[str] = []
    opts = result.options
    days = scenario.parameters.working_days_per_year
    tau = scenario.parameters.transfer_cost_per_tonne_km
    points = {p.id: p for p in scenario.collection_points}
    cands = {c.id: c for c in scenario.complex_candidates}
    recyclers = {r.id: r for r in scenario.recyclers}
    landfills = {lf.id: lf for lf in scenario.landfills}
    recyclable = {s.name for s in scenario.streams if s.recyclable}

    def km(a: str, b: str) -> float:
        return float(matrices.distance_m[matrices.index(a), matrices.index(b)]) / 1000.0

    # ---- open complexes and options
    open_ids: dict[str, int] = {}
    fixed = 0.0
    for oc in result.open_complexes:
        c = cands.get(oc.id)
        if c is None:
            bad.append(f"open complex {oc.id!r} is not a complex candidate")
            continue
        if oc.id in open_ids:
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
        open_ids[oc.id] = oc.option
        fixed += opt.annual_fixed_cost
    n_open = len(open_ids)
    if opts.get("complexes") is not None and n_open != opts["complexes"]:
        bad.append(f"{n_open} complexes open, but exactly {opts['complexes']} were required")
    if opts.get("max_complexes") is not None and n_open > opts["max_complexes"]:
        bad.append(f"{n_open} complexes open, but at most {opts['max_complexes']} allowed")
    for cid in opts.get("locked_open", ()):
        if cid not in open_ids:
            bad.append(f"complex {cid!r} is locked open but not opened")
    for cid in opts.get("locked_closed", ()):
        if cid in open_ids:
            bad.append(f"complex {cid!r} is locked closed but opened")

    # ---- assignment
    params = CollectionCostParams(**opts["collection"]) if "collection" in opts \
        else CollectionCostParams.from_scenario(scenario)
    targets = sorted({t for t in result.assignment.values()
                      if t in cands or t in landfills})
    cost_table = collection_cost_estimate(scenario, matrices, targets, params=params) \
        if targets else None
    col = {t: k for k, t in enumerate(targets)}
    row = {p.id: k for k, p in enumerate(scenario.collection_points)}
    inflow: dict[str, dict[str, float]] = {c: {} for c in open_ids}
    collection = sorting = landfill = transport = revenue = 0.0
    direct_to: dict[str, float] = {}
    limit = opts.get("max_travel_minutes")
    for pid in result.assignment:
        if pid not in points:
            bad.append(f"assignment names {pid!r}, which is not a collection point")
    for pid, p in points.items():
        target = result.assignment.get(pid)
        if target is None:
            bad.append(f"collection point {pid!r} is not assigned")
            continue
        if target in landfills:
            if not opts.get("allow_direct_landfill", False):
                bad.append(f"point {pid!r} goes directly to landfill {target!r}, which the "
                           "run did not allow")
            direct_to[target] = direct_to.get(target, 0.0) + p.total_tonnes_per_day
            landfill += landfills[target].tipping_fee_per_tonne * p.total_tonnes_per_day
        elif target in open_ids:
            for s, t in p.tonnes_per_day.items():
                inflow[target][s] = inflow[target].get(s, 0.0) + t
            sorting += cands[target].variable_cost_per_tonne * p.total_tonnes_per_day
        else:
            bad.append(f"point {pid!r} is assigned to {target!r}, which is not an open "
                       "complex" + (" or a landfill" if target not in cands else ""))
            continue
        if cost_table is not None:
            collection += float(cost_table[row[pid], col[target]])
        if limit is not None:
            minutes = matrices.duration_s[matrices.index(pid), matrices.index(target)] / 60
            if minutes > limit * (1 + tol):
                bad.append(f"point {pid!r} is {minutes:.1f} min from {target!r}, over the "
                           f"limit of {limit:g} min")

    # ---- capacities and reported inflow
    for oc in result.open_complexes:
        if oc.id not in open_ids:
            continue
        load = sum(inflow[oc.id].values())
        cap = cands[oc.id].capacity_options[open_ids[oc.id]].capacity_t_per_day
        if load > cap * (1 + tol) + tol:
            bad.append(f"complex {oc.id!r} receives {load:,.3f} t/day, over its capacity "
                       f"{cap:,.3f} t/day")
        for s in set(inflow[oc.id]) | set(oc.inflow_t_per_day):
            if not _close(inflow[oc.id].get(s, 0.0), oc.inflow_t_per_day.get(s, 0.0), tol):
                bad.append(f"complex {oc.id!r} reports inflow of {s} "
                           f"{oc.inflow_t_per_day.get(s, 0.0):g} t/day, the assignment gives "
                           f"{inflow[oc.id].get(s, 0.0):g}")

    # ---- recyclate flows
    sold: dict[tuple[str, str], float] = {}
    intake: dict[str, float] = {}
    opened_rec = set(result.opened_recyclers)
    for f in result.flows:
        if f.tonnes_per_day < -tol:
            bad.append(f"negative flow {f.tonnes_per_day:g} t/day {f.complex}->{f.recycler}")
        if f.complex not in open_ids:
            bad.append(f"flow from {f.complex!r}, which is not an open complex")
            continue
        rec = recyclers.get(f.recycler)
        if rec is None:
            bad.append(f"flow to {f.recycler!r}, which is not a recycler")
            continue
        if f.stream not in rec.price_per_tonne:
            bad.append(f"recycler {rec.id!r} receives {f.stream}, which it does not accept "
                       f"(accepts {list(rec.streams)})")
            continue
        if f.stream not in recyclable:
            bad.append(f"flow of non-recyclable stream {f.stream!r} to {rec.id!r}")
        if not rec.existing and rec.id not in opened_rec:
            bad.append(f"flow to candidate recycler {rec.id!r}, which is not opened")
        sold[f.complex, f.stream] = sold.get((f.complex, f.stream), 0.0) + f.tonnes_per_day
        intake[rec.id] = intake.get(rec.id, 0.0) + f.tonnes_per_day
        transport += tau * km(f.complex, rec.id) * f.tonnes_per_day
        revenue += rec.price_per_tonne[f.stream] * f.tonnes_per_day
    for rid, t in intake.items():
        cap = recyclers[rid].capacity_t_per_day
        if t > cap * (1 + tol) + tol:
            bad.append(f"recycler {rid!r} receives {t:,.3f} t/day, over its capacity "
                       f"{cap:,.3f} t/day")
    opening = 0.0
    for rid in opened_rec:
        rec = recyclers.get(rid)
        if rec is None or rec.existing:
            bad.append(f"opened recycler {rid!r} is not a candidate recycler")
        elif not opts.get("open_candidate_recyclers", False):
            bad.append(f"candidate recycler {rid!r} opened, which the run did not allow")
        else:
            opening += rec.opening_cost
    unplaced: dict[str, float] = {}
    for (cid, s), t in sold.items():
        recovered = cands[cid].recovery_rate.get(s, 0.0) * inflow[cid].get(s, 0.0)
        if t > recovered * (1 + tol) + tol:
            bad.append(f"complex {cid!r} sells {t:,.3f} t/day of {s} but recovers only "
                       f"{recovered:,.3f}")
    for cid in open_ids:
        for s in recyclable:
            recovered = cands[cid].recovery_rate.get(s, 0.0) * inflow[cid].get(s, 0.0)
            unplaced[s] = unplaced.get(s, 0.0) + max(0.0, recovered - sold.get((cid, s), 0.0))

    # ---- residues and mass balance
    residue_of: dict[str, float] = {}
    for r in result.residues:
        if r.complex not in open_ids:
            bad.append(f"residue from {r.complex!r}, which is not an open complex")
            continue
        if r.landfill not in landfills:
            bad.append(f"residue to {r.landfill!r}, which is not a landfill")
            continue
        if r.tonnes_per_day < -tol:
            bad.append(f"negative residue flow {r.tonnes_per_day:g} t/day from {r.complex!r}")
        residue_of[r.complex] = residue_of.get(r.complex, 0.0) + r.tonnes_per_day
        direct_to[r.landfill] = direct_to.get(r.landfill, 0.0) + r.tonnes_per_day
        transport += tau * km(r.complex, r.landfill) * r.tonnes_per_day
        landfill += landfills[r.landfill].tipping_fee_per_tonne * r.tonnes_per_day
    for cid in open_ids:
        load = sum(inflow[cid].values())
        out = sum(t for (c, _), t in sold.items() if c == cid) + residue_of.get(cid, 0.0)
        if not _close(load, out, tol * 10):
            bad.append(f"mass balance of complex {cid!r}: receives {load:,.4f} t/day, sends "
                       f"{out:,.4f} t/day to recyclers and landfills")
    for lid, t in direct_to.items():
        cap_l = landfills[lid].capacity_t_per_day
        if cap_l is not None and t > cap_l * (1 + tol) + tol:
            bad.append(f"landfill {lid!r} receives {t:,.3f} t/day, over its capacity "
                       f"{cap_l:,.3f} t/day")

    # ---- diversion and costs
    total = scenario.total_tonnes_per_day
    delivered = sum(sold.values())
    diversion = delivered / total if total > 0 else 0.0
    need = opts.get("min_diversion")
    if need is not None and diversion < need - tol:
        bad.append(f"diversion {diversion:.4%} is below the required {need:.4%}")
    if not _close(diversion, result.diversion_rate, tol * 10):
        bad.append(f"reported diversion {result.diversion_rate:.6f}, recomputed "
                   f"{diversion:.6f}")
    costs = CostBreakdown(fixed=fixed, collection=days * collection,
                          transport=days * transport, sorting=days * sorting,
                          landfill=days * landfill, revenue=days * revenue,
                          recycler_opening=opening)
    for name, value in costs.as_dict().items():
        reported = result.costs.as_dict()[name]
        if not _close(value, reported, tol * 10):
            bad.append(f"reported {name} cost {reported:,.2f}, recomputed {value:,.2f}")
    if math.isfinite(result.objective) and not _close(result.objective, costs.total, 1e-4):
        bad.append(f"solver objective {result.objective:,.2f} differs from the recomputed "
                   f"total {costs.total:,.2f}")
    return SitingReport(tuple(bad), costs, diversion,
                        {"unplaced_t_per_day": unplaced, "recycler_intake": intake})
