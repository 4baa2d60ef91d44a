"""Typed result of the scenario siting model (:func:`circularopt.siting.model.site`).

A :class:`SitingResult` holds the decisions (open complexes with their chosen capacity
option, each collection point's assignment, flows of recyclate from complexes to recyclers
and of residue to landfills, opened candidate recyclers), the annual cost breakdown, the
diversion rate and the solver's figures (status, objective, bound, gap, time). It
round-trips through JSON (:meth:`SitingResult.to_dict` / :meth:`SitingResult.from_dict`)
so a result can be rechecked later with :func:`circularopt.siting.validate.validate_siting`.

Units: tonnes per working day for flows, the scenario's currency per year for costs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from circularopt._serial import Spec, from_data, to_data

__all__ = [
    "CostBreakdown",
    "OpenComplex",
    "ResidueFlow",
    "SitingResult",
    "StreamFlow",
]


@dataclass(frozen=True)
class CostBreakdown:
    """Annual cost components; ``total`` = the costs minus ``revenue``.

    Parameters
    ----------
    fixed
        Annualised fixed cost of the open complexes (their chosen capacity options).
    collection
        Estimated collection cost (see
        :func:`circularopt.siting.model.collection_cost_estimate`).
    transport
        Outbound haulage complex -> recycler and complex -> landfill.
    sorting
        Variable sorting cost of the complexes.
    landfill
        Tipping fees, for residues and for points sent directly to a landfill.
    revenue
        Paid by recyclers for recyclate (negative prices count as gate fees paid).
    recycler_opening
        Annualised opening cost of candidate recyclers that were opened.
    """

    fixed: float = 0.0
    collection: float = 0.0
    transport: float = 0.0
    sorting: float = 0.0
    landfill: float = 0.0
    revenue: float = 0.0
    recycler_opening: float = 0.0

    @property
    def total(self) -> float:
        """Net annual cost: every cost component minus the revenue."""
        return (self.fixed + self.collection + self.transport + self.sorting + self.landfill
                + self.recycler_opening - self.revenue)

    def as_dict(self) -> dict[str, float]:
        """Components and the total as a plain dict."""
        return {**asdict(self), "total": self.total}


@dataclass(frozen=True)
class OpenComplex:
    """A sorting complex the plan opens.

    Parameters
    ----------
    id
        Candidate id.
    option
        Index of the chosen capacity option in ``ComplexCandidate.capacity_options``.
    capacity_t_per_day, annual_fixed_cost
        The chosen option's figures.
    inflow_t_per_day
        Waste assigned to it per stream, tonnes per working day.
    """

    id: str
    option: int
    capacity_t_per_day: float
    annual_fixed_cost: float
    inflow_t_per_day: Mapping[str, float] = field(default_factory=dict)

    @property
    def load_t_per_day(self) -> float:
        """Total inflow, tonnes per working day."""
        return float(sum(self.inflow_t_per_day.values()))


@dataclass(frozen=True)
class StreamFlow:
    """Recyclate of one stream sent from a complex to a recycler, tonnes per day."""

    complex: str
    recycler: str
    stream: str
    tonnes_per_day: float


@dataclass(frozen=True)
class ResidueFlow:
    """Residue (plus unsold recyclate) sent from a complex to a landfill, tonnes per day."""

    complex: str
    landfill: str
    tonnes_per_day: float


@dataclass(frozen=True)
class SitingResult:
    """The solution of a siting run.

    Parameters
    ----------
    scenario
        Scenario name.
    open_complexes
        Complexes opened, with their capacity option and inflow.
    assignment
        Collection point id -> id of the complex (or landfill) that receives its waste.
    flows
        Recyclate flows complex -> recycler per stream.
    residues
        Residue flows complex -> landfill.
    opened_recyclers
        Candidate recyclers opened (existing ones are not listed).
    costs
        Annual cost breakdown, recomputed from the decisions.
    diversion_rate
        Tonnes delivered to recyclers / tonnes generated.
    status
        Solver termination, e.g. ``"optimal"`` or ``"feasible"`` (time limit reached).
    objective
        Objective value reported by the solver (annual cost).
    bound
        Best proven lower bound on the objective.
    gap
        Relative gap ``(objective - bound) / max(|objective|, 1)``.
    solve_seconds
        Wall time of the solver call.
    backend
        Solver used (``"scip"``, ``"highs"`` or ``"cpsat"``).
    approximate
        True when the travel matrices were an approximation (see ``matrices_source``).
    matrices_source
        Where the travel figures came from.
    options
        The options of the run (number of complexes, minimum diversion, travel limit,
        locked sites, collection-cost parameters...), so a checker can verify them.
    unplaced_t_per_day
        Recovered tonnes per stream that went to a landfill because no recycler took them.
    currency
        Currency of the money amounts.
    """

    scenario: str
    open_complexes: tuple[OpenComplex, ...]
    assignment: Mapping[str, str]
    flows: tuple[StreamFlow, ...]
    residues: tuple[ResidueFlow, ...]
    opened_recyclers: tuple[str, ...]
    costs: CostBreakdown
    diversion_rate: float
    status: str
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    backend: str
    approximate: bool
    matrices_source: str
    options: Mapping[str, Any] = field(default_factory=dict)
    unplaced_t_per_day: Mapping[str, float] = field(default_factory=dict)
    currency: str = "USD"

    # ---- views

    @property
    def open_ids(self) -> tuple[str, ...]:
        """Ids of the open complexes."""
        return tuple(c.id for c in self.open_complexes)

    def points_of(self, target: str) -> tuple[str, ...]:
        """Collection points assigned to ``target`` (a complex or landfill id)."""
        return tuple(p for p, t in self.assignment.items() if t == target)

    def delivered_t_per_day(self) -> float:
        """Tonnes per day delivered to recyclers."""
        return float(sum(f.tonnes_per_day for f in self.flows))

    def summary(self) -> str:
        """A short human-readable report."""
        cur = self.currency
        lines = [f"Siting of {self.scenario!r}: {self.status} ({self.backend}, "
                 f"{self.solve_seconds:.1f} s, gap {100 * self.gap:.2f}%)"]
        if self.approximate:
            lines.append(f"  NOTE: travel figures are approximate ({self.matrices_source})")
        lines.append(f"  open complexes: {len(self.open_complexes)}")
        for c in self.open_complexes:
            n = len(self.points_of(c.id))
            lines.append(f"    {c.id:<16} option {c.option} ({c.capacity_t_per_day:,.1f} t/day)"
                         f"  load {c.load_t_per_day:,.1f} t/day from {n} points")
        direct = [p for p, t in self.assignment.items()
                  if t not in set(self.open_ids)]
        if direct:
            lines.append(f"  points sent directly to a landfill: {len(direct)}")
        if self.opened_recyclers:
            lines.append("  candidate recyclers opened: " + ", ".join(self.opened_recyclers))
        by_rec: dict[str, float] = {}
        for f in self.flows:
            by_rec[f.recycler] = by_rec.get(f.recycler, 0.0) + f.tonnes_per_day
        for r, t in sorted(by_rec.items()):
            lines.append(f"    -> recycler {r:<14} {t:,.2f} t/day")
        residue = sum(r.tonnes_per_day for r in self.residues)
        lines.append(f"  residue to landfill: {residue:,.2f} t/day")
        unplaced = {s: t for s, t in self.unplaced_t_per_day.items() if t > 1e-9}
        if unplaced:
            lines.append("  recovered but not placed (to landfill): " + ", ".join(
                f"{s} {t:,.2f}" for s, t in unplaced.items()) + " t/day")
        lines.append(f"  diversion rate: {100 * self.diversion_rate:.1f}%")
        k = self.costs
        lines.append(f"  annual cost ({cur}): total {k.total:,.0f} = fixed {k.fixed:,.0f}"
                     f" + collection {k.collection:,.0f} + transport {k.transport:,.0f}"
                     f" + sorting {k.sorting:,.0f} + landfill {k.landfill:,.0f}"
                     + (f" + recycler opening {k.recycler_opening:,.0f}"
                        if k.recycler_opening else "")
                     + f" - revenue {k.revenue:,.0f}")
        lines.append(f"  objective {self.objective:,.0f}, bound {self.bound:,.0f}")
        return "\n".join(lines)

    # ---- JSON

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (inverse of :meth:`from_dict`)."""
        return to_data(self, _JSON)

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 1) -> str:
        """Serialise to JSON; also write it to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SitingResult:
        """Rebuild a result from :meth:`to_dict` output."""
        return from_data(cls, data, "siting result", _JSON)

    @classmethod
    def from_json(cls, source: str | Path) -> SitingResult:
        """Read a result from a JSON file path or a JSON string."""
        text = str(source)
        if isinstance(source, Path) or not text.lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))


_JSON = Spec(computed={"total_cost": lambda r: r.costs.total},
             order=("scenario", "open_complexes", "assignment", "flows", "residues",
                    "opened_recyclers", "costs", "total_cost"),
             none_as={"bound": -math.inf, "gap": math.inf})
"""How a result is written: the total cost beside its components; JSON has no infinity,
so an unknown bound or gap is written as null."""
