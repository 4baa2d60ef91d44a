r"""Feedstock assignment: recyclate from given sorting complexes to recycling SMEs.

For complexes already chosen, with known daily inflows per stream, :func:`assign_feedstock`
decides how much of each stream's recovered share each complex sends to each recycler and
what goes to a landfill. It is the transportation part of the siting model
(:mod:`circularopt.siting.model`) on its own, a small linear programme solved with
OR-Tools (MathOpt, GLOP):

.. math::

    \max\; & D\Big[\sum_{j,s,r} (p_{rs} - \tau d_{jr})\, u_{jsr}
             - \sum_{j,l} (\tau d_{jl} + f_l)\, v_{jl}\Big] \\
    \text{s.t.}\; & \textstyle\sum_{r: s \in S_r} u_{jsr} \le \rho_{js} I_{js}
        && \forall j, s \quad\text{(only the recovered share is sold)} \\
    & \textstyle\sum_l v_{jl} + \sum_{s,r} u_{jsr} = \sum_s I_{js}
        && \forall j \quad\text{(everything else is landfilled)} \\
    & \textstyle\sum_{j,s} u_{jsr} \le K_r && \forall r \\
    & \textstyle\sum_j v_{jl} \le M_l && \forall l \text{ with a capacity} \\
    & u, v \ge 0

with :math:`I_{js}` the inflow of stream :math:`s` at complex :math:`j` (t/day),
:math:`\rho_{js}` its recovery rate, :math:`p_{rs}` the recycler's price, :math:`K_r`
its capacity, :math:`f_l, M_l` landfill fee and capacity, :math:`\tau` the transfer cost
per tonne-km, :math:`d` road km and :math:`D` working days per year. The net value
(revenue minus outbound transport minus landfill fees) is maximised; the result reports
each recycler's supply against its capacity and the recovered tonnes per stream that
could not be placed, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.math_opt.python import mathopt

from circularopt.exceptions import InfeasibleError, InputError, SolverError
from circularopt.matrices import TravelMatrices
from circularopt.scenario import Recycler, Scenario
from circularopt.siting.result import ResidueFlow, StreamFlow

__all__ = ["FeedstockResult", "RecyclerSupply", "assign_feedstock"]

_EPS = 1e-7
"""Tonnes per day below which a flow, a recovered amount or a capacity counts as zero
(tiny capacities such as 1e-100 would make the LP numerically imprecise)."""


@dataclass(frozen=True)
class RecyclerSupply:
    """What one recycler receives.

    Parameters
    ----------
    id
        Recycler id.
    capacity_t_per_day
        Its intake capacity.
    by_stream
        Tonnes per day received, per stream.
    """

    id: str
    capacity_t_per_day: float
    by_stream: Mapping[str, float] = field(default_factory=dict)

    @property
    def supplied_t_per_day(self) -> float:
        """Total tonnes per day received."""
        return float(sum(self.by_stream.values()))

    @property
    def utilisation(self) -> float:
        """Supply / capacity (0 for a recycler without capacity)."""
        cap = self.capacity_t_per_day
        return self.supplied_t_per_day / cap if cap > 0 else 0.0


@dataclass(frozen=True)
class FeedstockResult:
    """Flows of recyclate and residue from the given complexes.

    Parameters
    ----------
    flows
        Recyclate complex -> recycler per stream, tonnes per day.
    residues
        Residue plus unsold recyclate complex -> landfill, tonnes per day.
    supply
        Every usable recycler's supply against its capacity.
    unplaced_t_per_day
        Recovered tonnes per stream that go to a landfill instead of a recycler.
    unplaced_reason
        Why, per stream with unplaced tonnes: no recycler accepts the stream, the
        accepting recyclers are full, or delivering costs more than it earns.
    revenue, transport, landfill
        Annual revenue from recyclers, outbound transport cost, landfill fees.
    status
        Solver termination (``"optimal"``).
    approximate
        True when the travel matrices were approximate.
    currency
        Currency of the money amounts.
    """

    flows: tuple[StreamFlow, ...]
    residues: tuple[ResidueFlow, ...]
    supply: tuple[RecyclerSupply, ...]
    unplaced_t_per_day: Mapping[str, float]
    unplaced_reason: Mapping[str, str]
    revenue: float
    transport: float
    landfill: float
    status: str
    approximate: bool
    currency: str = "USD"

    @property
    def net_value(self) -> float:
        """Annual revenue minus transport and landfill fees."""
        return self.revenue - self.transport - self.landfill

    @property
    def delivered_t_per_day(self) -> float:
        """Tonnes per day delivered to recyclers."""
        return float(sum(f.tonnes_per_day for f in self.flows))

    def summary(self) -> str:
        """A short human-readable report."""
        cur = self.currency
        lines = [f"Feedstock assignment ({self.status}): "
                 f"{self.delivered_t_per_day:,.2f} t/day to recyclers, "
                 f"{sum(r.tonnes_per_day for r in self.residues):,.2f} t/day to landfill"]
        if self.approximate:
            lines.append("  NOTE: travel figures are approximate")
        for s in self.supply:
            lines.append(f"  {s.id:<16} {s.supplied_t_per_day:8,.2f} / "
                         f"{s.capacity_t_per_day:8,.2f} t/day ({100 * s.utilisation:5.1f}%)"
                         + ("  " + ", ".join(f"{k} {v:,.2f}" for k, v in s.by_stream.items()
                                             if v > _EPS) if s.by_stream else ""))
        for stream, t in self.unplaced_t_per_day.items():
            if t > _EPS:
                lines.append(f"  not placed: {stream} {t:,.2f} t/day "
                             f"({self.unplaced_reason.get(stream, '')})")
        lines.append(f"  annual ({cur}): revenue {self.revenue:,.0f} - transport "
                     f"{self.transport:,.0f} - landfill {self.landfill:,.0f} = net "
                     f"{self.net_value:,.0f}")
        return "\n".join(lines)


def assign_feedstock(scenario: Scenario, matrices: TravelMatrices,
                     inflows: Mapping[str, Mapping[str, float]], *,
                     open_recyclers: Iterable[str] = (),
                     landfill_used: Mapping[str, float] | None = None) -> FeedstockResult:
    """Send the recovered material of the given complexes to recyclers at the best value.

    Parameters
    ----------
    scenario
        The scenario (complex recovery rates, recyclers, landfills, parameters).
    matrices
        Travel matrices covering the complexes, recyclers and landfills.
    inflows
        Complex candidate id -> stream -> tonnes per day received (before sorting).
    open_recyclers
        Candidate recyclers (``existing=False``) to treat as open; existing recyclers are
        always usable.
    landfill_used
        Landfill id -> tonnes per day already taken by other deliveries (e.g. points
        collected straight to the landfill), deducted from its capacity.

    Returns
    -------
    FeedstockResult
        Flows, residues, recycler supply, unplaced tonnes and the annual money figures.

    Raises
    ------
    InputError
        For an unknown complex, recycler or stream, or a negative inflow.
    InfeasibleError
        When the residue cannot be disposed of (no landfill, or landfills too small).
    """
    _check_inflows(scenario, inflows)
    used = _check_landfill_used(scenario, landfill_used)
    lp = _FeedstockLp(scenario, matrices, inflows, _usable_recyclers(scenario, open_recyclers))
    lp.build(used)
    val = lp.solve()
    return lp.result(val)


def _check_inflows(scenario: Scenario, inflows: Mapping[str, Mapping[str, float]]) -> None:
    cands = {c.id for c in scenario.complex_candidates}
    names = set(scenario.stream_names)
    for cid, by_stream in inflows.items():
        if cid not in cands:
            raise InputError("inflows", cid, f"ids of complex candidates {sorted(cands)}")
        for s, t in by_stream.items():
            if s not in names:
                raise InputError(f"inflows[{cid!r}]", s, f"one of the streams {sorted(names)}")
            if not t >= 0:
                raise InputError(f"inflows[{cid!r}][{s!r}]", t, "tonnes per day >= 0")


def _check_landfill_used(scenario: Scenario,
                         landfill_used: Mapping[str, float] | None) -> dict[str, float]:
    used = dict(landfill_used or {})
    lf_ids = {lf.id for lf in scenario.landfills}
    for lid, t in used.items():
        if lid not in lf_ids:
            raise InputError("landfill_used", lid, f"ids of landfills {sorted(lf_ids)}")
        if not t >= 0:
            raise InputError(f"landfill_used[{lid!r}]", t, "tonnes per day >= 0")
    return used


def _usable_recyclers(scenario: Scenario, open_recyclers: Iterable[str]) -> list[Recycler]:
    """Existing recyclers and the candidates to treat as open."""
    wanted = set(open_recyclers)
    candidates = {r.id for r in scenario.recyclers if not r.existing}
    if wanted - candidates:
        raise InputError("open_recyclers", sorted(wanted - candidates),
                         f"ids of candidate recyclers {sorted(candidates)}")
    return [r for r in scenario.recyclers if r.existing or r.id in wanted]


@dataclass
class _FeedstockLp:
    """The feedstock LP (see the module docstring), its variables and its answer."""

    scenario: Scenario
    matrices: TravelMatrices
    inflows: Mapping[str, Mapping[str, float]]
    recyclers: list[Recycler]
    model: mathopt.Model = field(default_factory=lambda: mathopt.Model(name="feedstock"))
    u: dict[tuple[str, str, str], mathopt.Variable] = field(default_factory=dict)
    v: dict[tuple[str, str], mathopt.Variable] = field(default_factory=dict)

    def __post_init__(self) -> None:
        sc = self.scenario
        self.cands = {c.id: c for c in sc.complex_candidates}
        self.landfills = list(sc.landfills)
        self.recyclable = {s.name for s in sc.streams if s.recyclable}
        self.days = sc.parameters.working_days_per_year
        self.tau = sc.parameters.transfer_cost_per_tonne_km
        self.complexes = [cid for cid in self.inflows if sum(self.inflows[cid].values()) > 0]
        self.price = {(r.id, s): p for r in self.recyclers for s, p in r.price_per_tonne.items()}
        self.fee = {lf.id: lf.tipping_fee_per_tonne for lf in self.landfills}

    def km(self, a: str, b: str) -> float:
        m = self.matrices
        return float(m.distance_m[m.index(a), m.index(b)]) / 1000.0

    def build(self, used: Mapping[str, float]) -> None:
        """Variables, constraints and the objective (annual cost minus revenue)."""
        for cid in self.complexes:
            self._add_complex(cid)
        model, u, v = self.model, self.u, self.v
        for r in self.recyclers:
            intake = [var for (_, _, rid), var in u.items() if rid == r.id]
            if intake:
                model.add_linear_constraint(mathopt.fast_sum(intake) <= r.capacity_t_per_day,
                                            name=f"recycler[{r.id}]")
        for lf in self.landfills:
            if lf.capacity_t_per_day is not None and self.complexes:
                model.add_linear_constraint(
                    mathopt.fast_sum(v[cid, lf.id] for cid in self.complexes
                                     if (cid, lf.id) in v)
                    <= max(0.0, lf.capacity_t_per_day - used.get(lf.id, 0.0)),
                    name=f"landfill[{lf.id}]")
        days, tau, km = self.days, self.tau, self.km
        model.minimize(mathopt.fast_sum(
            [days * (tau * km(cid, rid) - self.price[rid, s]) * var
             for (cid, s, rid), var in u.items()]
            + [days * (tau * km(cid, lid) + self.fee[lid]) * var
               for (cid, lid), var in v.items()]))

    def _add_complex(self, cid: str) -> None:
        """Complex ``cid``'s sales (within the recovered share), landfill flows and balance."""
        model, u, v, c = self.model, self.u, self.v, self.cands[cid]
        for s, t in self.inflows[cid].items():
            rho = c.recovery_rate.get(s, 0.0)
            if s not in self.recyclable or rho * t <= _EPS:
                continue
            sold = []
            for r in self.recyclers:
                if (s in r.price_per_tonne and r.capacity_t_per_day > _EPS
                        and math.isfinite(self.km(cid, r.id))):
                    u[cid, s, r.id] = model.add_variable(lb=0.0, name=f"u[{cid},{s},{r.id}]")
                    sold.append(u[cid, s, r.id])
            if sold:
                model.add_linear_constraint(mathopt.fast_sum(sold) <= rho * t,
                                            name=f"recovery[{cid},{s}]")
        for lf in self.landfills:
            if math.isfinite(self.km(cid, lf.id)):
                v[cid, lf.id] = model.add_variable(lb=0.0, name=f"v[{cid},{lf.id}]")
        out = [var for (c2, _, _), var in u.items() if c2 == cid]
        out += [v[cid, lf.id] for lf in self.landfills if (cid, lf.id) in v]
        model.add_linear_constraint(mathopt.fast_sum(out) == sum(self.inflows[cid].values()),
                                    name=f"balance[{cid}]")

    def solve(self) -> Mapping[mathopt.Variable, float]:
        """Solve with GLOP; raise InfeasibleError if the residue cannot be disposed of."""
        res = mathopt.solve(self.model, mathopt.SolverType.GLOP)
        reason = res.termination.reason
        if reason in (mathopt.TerminationReason.INFEASIBLE,
                      mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED):
            total_in = sum(sum(self.inflows[c].values()) for c in self.complexes)
            cap = [lf.capacity_t_per_day for lf in self.landfills]
            room = ("no landfill in the scenario" if not self.landfills else
                    "unlimited landfill room" if any(c is None for c in cap) else
                    f"landfills taking {sum(c for c in cap if c is not None):,.1f} t/day")
            raise InfeasibleError(
                f"the residue of {total_in:,.1f} t/day of inflow cannot be disposed of: "
                f"recyclers take at most the recovered share, and there is {room}; add a "
                "landfill or landfill capacity, or recycler capacity")
        if reason != mathopt.TerminationReason.OPTIMAL:
            raise SolverError(f"GLOP ended with {reason.name.lower()} on the feedstock LP "
                              f"({res.termination.detail})")
        return res.variable_values()

    def result(self, val: Mapping[mathopt.Variable, float]) -> FeedstockResult:
        """The flows read from the LP solution ``val``, with the money figures."""
        flows, residues = [], []
        revenue = transport = landfill = 0.0
        by_rec: dict[str, dict[str, float]] = {r.id: {} for r in self.recyclers}
        sold_of: dict[tuple[str, str], float] = {}
        for (cid, s, rid), var in self.u.items():
            t = float(val[var])
            if t > _EPS:
                flows.append(StreamFlow(cid, rid, s, t))
                by_rec[rid][s] = by_rec[rid].get(s, 0.0) + t
                sold_of[cid, s] = sold_of.get((cid, s), 0.0) + t
                revenue += self.price[rid, s] * t
                transport += self.tau * self.km(cid, rid) * t
        for (cid, lid), var in self.v.items():
            t = float(val[var])
            if t > _EPS:
                residues.append(ResidueFlow(cid, lid, t))
                transport += self.tau * self.km(cid, lid) * t
                landfill += self.fee[lid] * t
        unplaced = self._unplaced(sold_of)
        days = self.days
        return FeedstockResult(
            flows=tuple(flows), residues=tuple(residues),
            supply=tuple(RecyclerSupply(r.id, r.capacity_t_per_day, by_rec[r.id])
                         for r in self.recyclers),
            unplaced_t_per_day={s: float(np.round(t, 9)) for s, t in unplaced.items()},
            unplaced_reason=self._unplaced_reasons(unplaced, by_rec),
            revenue=days * revenue, transport=days * transport,
            landfill=days * landfill, status="optimal", approximate=self.matrices.approximate,
            currency=self.scenario.parameters.currency)

    def _unplaced(self, sold_of: Mapping[tuple[str, str], float]) -> dict[str, float]:
        """Recovered tonnes per day not sold, by stream."""
        unplaced: dict[str, float] = {}
        for cid in self.complexes:
            for s, t in self.inflows[cid].items():
                if s in self.recyclable:
                    left = (self.cands[cid].recovery_rate.get(s, 0.0) * t
                            - sold_of.get((cid, s), 0.0))
                    unplaced[s] = unplaced.get(s, 0.0) + max(0.0, left)
        return unplaced

    def _unplaced_reasons(self, unplaced: Mapping[str, float],
                          by_rec: Mapping[str, Mapping[str, float]]) -> dict[str, str]:
        """Why each stream with unplaced tonnes was not sold."""
        reasons = {}
        for s, t in unplaced.items():
            if t <= _EPS:
                continue
            takers = [r for r in self.recyclers
                      if s in r.price_per_tonne and r.capacity_t_per_day > _EPS]
            if not takers:
                reasons[s] = "no usable recycler accepts it"
            elif all(sum(by_rec[r.id].values()) >= r.capacity_t_per_day * (1 - 1e-6)
                     for r in takers):
                reasons[s] = "the recyclers accepting it are full: " + ", ".join(
                    r.id for r in takers)
            else:
                reasons[s] = "delivery costs more than the price plus the avoided landfill fee"
        return reasons
