"""The plan: what a waste department acts on, and its key figures.

A :class:`Plan` bundles the scenario, the siting decisions, the feedstock flows and the
collection routes of one pipeline run (:func:`circularopt.pipeline.solve`) with the KPIs
computed from them (:class:`KPIs`). It is saved as one JSON file (:meth:`Plan.save`) and
reloaded with :meth:`Plan.load`; every other output (GeoPackage, CSV, HTML report, PNG
map; see :mod:`circularopt.outputs`) is derived from it.

Cost of a plan
--------------
The annual cost replaces the siting model's *estimated* collection cost with the routed
one (daily routing cost x working days); the other components (complex fixed and sorting
costs, outbound haulage, landfill fees, recyclate revenue) come from the siting model.
Fuel is ``km x fuel_litres_per_km``; CO2 is ``fuel x kg_co2_per_litre`` (default 2.68 kg
per litre of diesel, the IPCC 2006 tank-to-wheel factor).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from circularopt._serial import from_data, to_data
from circularopt.exceptions import InputError
from circularopt.feedstock import FeedstockResult
from circularopt.i18n import tr
from circularopt.routing.result import RoutingResult
from circularopt.scenario import Scenario
from circularopt.siting.result import SitingResult

__all__ = ["PLAN_VERSION", "KPIs", "Plan"]

PLAN_VERSION = 1
"""Version of the plan JSON written by this release."""


@dataclass(frozen=True)
class KPIs:
    """Key figures of a plan (per working day unless named annual).

    Parameters
    ----------
    annual_cost
        Net annual cost by component (``fixed``, ``collection`` (routed), ``transport``,
        ``sorting``, ``landfill``, ``recycler_opening``, ``revenue``) and ``total``.
    daily_cost
        The same divided by the working days per year.
    km_per_day, hours_per_day
        Collection trucks' driven km and route hours.
    tonne_km_per_day
        Sum over route legs of the load carried times the leg's length.
    fuel_litres_per_day, co2_kg_per_day
        Collection fuel and its CO2 (see the module docstring).
    collected_t_per_day
        Tonnes picked up by the routes.
    diversion_rate
        Share of the collected waste delivered to recyclers.
    landfill_t_per_day
        Residue and unsold recyclate sent to landfills, plus points sent there directly.
    vehicles_used, vehicles_available
        Trucks with a route, and the fleet size.
    load_utilisation
        Collected tonnes over the tonnes the trucks could have carried on their trips.
    shift_utilisation
        Route hours over the shift hours of the trucks used.
    unload_trips
        Unloading visits at complexes and landfills.
    recycler_supply
        Recycler id -> ``{"supplied": t/day, "capacity": t/day}``.
    """

    annual_cost: Mapping[str, float]
    daily_cost: Mapping[str, float]
    km_per_day: float
    hours_per_day: float
    tonne_km_per_day: float
    fuel_litres_per_day: float
    co2_kg_per_day: float
    collected_t_per_day: float
    diversion_rate: float
    landfill_t_per_day: float
    vehicles_used: int
    vehicles_available: int
    load_utilisation: float
    shift_utilisation: float
    unload_trips: int
    recycler_supply: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def rows(self, currency: str = "USD") -> list[tuple[str, str, str]]:
        """``(figure, value, unit)`` rows for tables and reports."""
        out = [(f"annual cost: {k}", f"{v:,.0f}", f"{currency}/year")
               for k, v in self.annual_cost.items()]
        out += [
            ("daily cost: total", f"{self.daily_cost['total']:,.0f}", f"{currency}/day"),
            ("collection km", f"{self.km_per_day:,.1f}", "km/day"),
            ("route hours", f"{self.hours_per_day:,.1f}", "h/day"),
            ("tonne-km", f"{self.tonne_km_per_day:,.0f}", "t-km/day"),
            ("fuel", f"{self.fuel_litres_per_day:,.0f}", "l/day"),
            ("CO2", f"{self.co2_kg_per_day / 1000:,.2f}", "t/day"),
            ("collected", f"{self.collected_t_per_day:,.1f}", "t/day"),
            ("diversion rate", f"{100 * self.diversion_rate:.1f}", "%"),
            ("landfilled", f"{self.landfill_t_per_day:,.1f}", "t/day"),
            ("vehicles used", f"{self.vehicles_used} of {self.vehicles_available}", ""),
            ("load utilisation", f"{100 * self.load_utilisation:.1f}", "%"),
            ("shift utilisation", f"{100 * self.shift_utilisation:.1f}", "%"),
            ("unloading trips", f"{self.unload_trips}", "per day"),
        ]
        return out


@dataclass(frozen=True)
class Plan:
    """A complete (or, after an interruption, partial) cluster plan.

    Parameters
    ----------
    scenario
        The scenario planned.
    siting
        Open complexes, assignments and flows; ``None`` if the run stopped before.
    feedstock
        Recyclate flows for the open complexes; ``None`` if the run stopped before.
    routing
        The day's stitched collection routes; ``None`` if the run stopped before.
    kpis
        Key figures; ``None`` unless siting and routing both finished.
    approximate
        True when travel figures come from the offline approximation.
    matrices_source
        Where travel figures come from, in words.
    valid
        The independent validators' verdict on siting and routing.
    violations
        What the validators found (empty when valid).
    complete
        False when the run was interrupted or ran out of time before the last stage.
    info
        Run facts: seed, engine, time limit, stage times, command.
    """

    scenario: Scenario
    siting: SitingResult | None
    feedstock: FeedstockResult | None
    routing: RoutingResult | None
    kpis: KPIs | None
    approximate: bool
    matrices_source: str
    valid: bool
    violations: tuple[str, ...] = ()
    complete: bool = True
    info: Mapping[str, Any] = field(default_factory=dict)

    def summary(self, *, log_file: str | Path | None = None, logged_warnings: int = 0
                ) -> str:
        """A short human-readable report of the plan.

        Parameters
        ----------
        log_file
            The run's log file, named in a closing line when ``logged_warnings`` > 0.
        logged_warnings
            How many warnings the run logged (solver warnings that did not make the plan
            invalid are kept in the log rather than printed).
        """
        cur = self.scenario.parameters.currency
        lines = [f"Plan for {self.scenario.name!r}"
                 + ("" if self.complete else " (INCOMPLETE: stopped early)")]
        if self.approximate:
            lines.append(f"  NOTE: distances are APPROXIMATE ({self.matrices_source})")
        if self.siting is not None:
            lines.append("  complexes: " + ", ".join(
                f"{c.id} ({c.capacity_t_per_day:,.0f} t/day, load {c.load_t_per_day:,.1f})"
                for c in self.siting.open_complexes))
        if self.kpis is not None:
            k = self.kpis
            lines += [
                f"  annual cost {k.annual_cost['total']:,.0f} {cur} "
                f"(collection {k.annual_cost['collection']:,.0f})",
                f"  {k.vehicles_used} trucks, {k.km_per_day:,.0f} km/day, "
                f"{k.hours_per_day:,.0f} h/day, {k.unload_trips} unloading trips",
                f"  collected {k.collected_t_per_day:,.1f} t/day, diversion "
                f"{100 * k.diversion_rate:.1f}%, landfilled {k.landfill_t_per_day:,.1f} t/day",
                f"  fuel {k.fuel_litres_per_day:,.0f} l/day, CO2 "
                f"{k.co2_kg_per_day / 1000:,.2f} t/day",
            ]
        lines += self._feedstock_lines()
        lines.append("  validation: " + ("passed" if self.valid else
                                         f"FAILED ({len(self.violations)} violations)"))
        if logged_warnings > 0 and log_file is not None:
            lines.append("  " + tr("{n} solver warning(s) logged, see {path}",
                                   n=logged_warnings, path=log_file))
        return "\n".join(lines)

    def _feedstock_lines(self) -> list[str]:
        """Recyclable tonnes landfilled instead of sold (with why), idle recyclers."""
        fs = self.feedstock
        if fs is None:
            return []
        lines = [
            "  " + tr("recovered but landfilled: {stream} {t:,.1f} t/day ({reason})",
                      stream=stream, t=t, reason=fs.unplaced_reason.get(stream, "?"))
            for stream, t in fs.unplaced_t_per_day.items() if t > 0.05]
        names = {r.id: r.name for r in self.scenario.recyclers}
        idle = [f"{s.id} ({names[s.id]})" if names.get(s.id) else s.id
                for s in fs.supply if s.supplied_t_per_day <= 1e-6]
        if idle:
            lines.append("  " + tr("recyclers receiving nothing: {ids}", ids=", ".join(idle)))
        return lines

    # ---- JSON

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; :meth:`from_dict` rebuilds the plan."""
        return {"plan_version": PLAN_VERSION, **to_data(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        """Rebuild a plan written by :meth:`to_dict`."""
        if not isinstance(data, Mapping) or data.get("plan_version") != PLAN_VERSION:
            got = data.get("plan_version") if isinstance(data, Mapping) else type(data)
            raise InputError("plan_version", got, f"{PLAN_VERSION} (a circularopt plan)")
        try:
            return from_data(cls, {k: v for k, v in data.items() if k != "plan_version"})
        except InputError as exc:
            raise InputError(exc.field, exc.value,
                             f"{exc.expected}, in a plan.json written by circularopt") from exc

    def save(self, path: str | Path) -> Path:
        """Write the plan as JSON to ``path`` and return the path."""
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False),
                        encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Plan:
        """Read a plan saved by :meth:`save`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError("plan file", str(path), f"a readable file ({exc})") from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}, line {exc.lineno} column {exc.colno}", exc.msg,
                             "valid JSON") from exc
        return cls.from_dict(data)
