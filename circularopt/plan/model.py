"""The plan: what a waste department acts on, and its key figures.

A :class:`Plan` bundles the scenario, the siting decisions, the feedstock flows and the
collection routes of one pipeline run (:func:`circularopt.pipeline.solve`) with the KPIs
computed from them (:class:`KPIs`). It is saved as one JSON file (:meth:`Plan.save`) and
reloaded with :meth:`Plan.load`; every other output (GeoPackage, CSV, HTML report, PNG
map; see :mod:`circularopt.outputs`) is derived from it.

Cost of a plan
--------------
The annual cost replaces the siting model's *estimated* collection cost with the routed
one (daily routing cost x working days; for a week plan the week's routing cost per
working day, see :func:`circularopt.plan.kpis.week_kpis`); the other components (complex
fixed and sorting costs, outbound haulage, landfill fees, recyclate revenue) come from the
siting model.
Fuel is ``km x fuel_litres_per_km``; CO2 is ``fuel x kg_co2_per_litre`` (default 2.68 kg
per litre of diesel, the IPCC 2006 tank-to-wheel factor).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from circularopt._serial import Spec, Specs, from_data, to_data
from circularopt.exceptions import InputError
from circularopt.feedstock import FeedstockResult
from circularopt.i18n import lazy, num, tr
from circularopt.routing.result import RoutingResult
from circularopt.scenario import Scenario
from circularopt.siting.result import SitingResult

__all__ = ["COST_COMPONENTS", "PLAN_VERSION", "KPIs", "Plan", "cost_label"]

PLAN_VERSION = 1
"""Version of the plan JSON written by this release."""

COST_COMPONENTS = {"fixed": lazy("fixed"), "collection": lazy("collection"),
                   "transport": lazy("transport"), "sorting": lazy("sorting"),
                   "landfill": lazy("landfill"), "recycler_opening": lazy("recycler_opening"),
                   "revenue": lazy("revenue"), "total": lazy("total")}
"""Names of the cost components as tables and reports show them."""


_KINDS = {"container": lazy("container sites"), "curbside": lazy("curbside streets")}
"""Names of the collection kinds of :attr:`KPIs.by_kind`."""


def _kind_label(kind: str) -> str:
    return tr(_KINDS[kind]) if kind in _KINDS else kind


def cost_label(key: str) -> str:
    """The cost component ``key`` (of :data:`COST_COMPONENTS`) in the current language."""
    return tr(COST_COMPONENTS[key]) if key in COST_COMPONENTS else key


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
    by_kind
        With curbside streets: ``{"container": {...}, "curbside": {...}}``, each with
        ``trucks``, ``km``, ``hours``, ``cost`` (per day) and ``tonnes`` (see
        :func:`circularopt.plan.kpis.kind_split`); empty without streets.
    week_days
        For a week plan, its working days: the per-day figures are then the week's
        averages per working day and ``vehicles_used`` the most trucks on one day
        (:func:`circularopt.plan.kpis.week_kpis`); 0: the figures of one (peak) day.
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
    by_kind: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    week_days: int = 0

    def rows(self, currency: str = "USD") -> list[tuple[str, str, str]]:
        """``(figure, value, unit)`` rows for tables and reports, in the current language
        (:mod:`circularopt.i18n`), numbers grouped as it writes them."""
        out = [(tr("annual cost: {component}", component=cost_label(k)), num(v),
                tr("{currency}/year", currency=currency))
               for k, v in self.annual_cost.items()]
        out += [
            (tr("daily cost: total"), num(self.daily_cost["total"]),
             tr("{currency}/day", currency=currency)),
            (tr("collection km"), num(self.km_per_day, 1), tr("km/day")),
            (tr("route hours"), num(self.hours_per_day, 1), tr("h/day")),
            (tr("tonne-km"), num(self.tonne_km_per_day), tr("t-km/day")),
            (tr("fuel"), num(self.fuel_litres_per_day), tr("l/day")),
            (tr("CO2"), num(self.co2_kg_per_day / 1000, 2), tr("t/day")),
            (tr("collected"), num(self.collected_t_per_day, 1), tr("t/day")),
            (tr("diversion rate"), num(100 * self.diversion_rate, 1), "%"),
            (tr("landfilled"), num(self.landfill_t_per_day, 1), tr("t/day")),
            (tr("vehicles used (most on one day)") if self.week_days else tr("vehicles used"),
             tr("{used} of {available}", used=self.vehicles_used,
                available=self.vehicles_available), ""),
            (tr("load utilisation"), num(100 * self.load_utilisation, 1), "%"),
            (tr("shift utilisation"), num(100 * self.shift_utilisation, 1), "%"),
            (tr("unloading trips"), f"{self.unload_trips}", tr("per day")),
        ]
        for kind, f in self.by_kind.items():
            what = _kind_label(kind)
            out += [(tr("{kind}: trucks", kind=what), f"{f['trucks']:g}", ""),
                    (tr("{kind}: km", kind=what), num(f["km"], 1), tr("km/day")),
                    (tr("{kind}: route hours", kind=what), num(f["hours"], 1), tr("h/day")),
                    (tr("{kind}: cost", kind=what), num(f["cost"]),
                     tr("{currency}/day", currency=currency)),
                    (tr("{kind}: collected", kind=what), num(f["tonnes"], 1), tr("t/day"))]
        return out


_SPECS: Specs = {KPIs: Spec(omit_default=frozenset({"by_kind", "week_days"}))}
"""How a plan writes its KPIs: fields added since plan version 1 left out at defaults."""


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
        """A short human-readable report of the plan, in the current language.

        Parameters
        ----------
        log_file
            The run's log file, named in a closing line when ``logged_warnings`` > 0.
        logged_warnings
            How many warnings the run logged (solver warnings that did not make the plan
            invalid are kept in the log rather than printed).
        """
        lines = [tr("Plan for {name}", name=repr(self.scenario.name))
                 + ("" if self.complete else tr(" (INCOMPLETE: stopped early)"))]
        if self.approximate:
            lines.append("  " + tr("NOTE: distances are APPROXIMATE ({source})",
                                   source=self.matrices_source))
        curb = self.info.get("curbside")
        if isinstance(curb, Mapping):
            lines.append("  " + tr("curbside: {n} streets in {runs} runs, {km} km, {t} t/day",
                                   n=curb["streets"], runs=curb["runs"], km=num(curb["km"]),
                                   t=num(curb["tonnes_per_day"], 1))
                         + (tr(" (SYNTHETIC street grid: no real streets behind it)")
                            if curb.get("synthetic") else ""))
        if self.siting is not None:
            lines.append("  " + tr("complexes: {list}", list=", ".join(
                tr("{id} ({capacity} t/day, load {load})", id=c.id,
                   capacity=num(c.capacity_t_per_day), load=num(c.load_t_per_day, 1))
                for c in self.siting.open_complexes)))
        if self.kpis is not None:
            lines += ["  " + line for line in self._kpi_lines(self.kpis)]
        lines += self._feedstock_lines()
        lines.append("  " + (tr("validation: passed") if self.valid else
                             tr("validation: FAILED ({n} violations)", n=len(self.violations))))
        if logged_warnings > 0 and log_file is not None:
            lines.append("  " + tr("{n} solver warning(s) logged, see {path}",
                                   n=logged_warnings, path=log_file))
        return "\n".join(lines)

    def _kind_lines(self, k: KPIs) -> list[str]:
        return [tr("  {kind}: {trucks} trucks, {km} km/day, {hours} h/day, {cost} "
                   "{currency}/day, {tonnes} t/day", kind=_kind_label(kind),
                   trucks=f"{f['trucks']:g}", km=num(f["km"]), hours=num(f["hours"]),
                   cost=num(f["cost"]), currency=self.scenario.parameters.currency,
                   tonnes=num(f["tonnes"], 1))
                for kind, f in k.by_kind.items()]

    def _fleet_note(self, k: KPIs) -> list[str]:
        """A note when a week plan's busiest day needs more trucks than the fleet has."""
        if not k.week_days or k.vehicles_used <= k.vehicles_available:
            return []
        return [tr("NOTE: the week's busiest day needs {used} trucks, the fleet has {available}",
                   used=k.vehicles_used, available=k.vehicles_available)]

    def _kpi_lines(self, k: KPIs) -> list[str]:
        return [
            tr("annual cost {total} {currency} (collection {collection})",
               total=num(k.annual_cost["total"]), currency=self.scenario.parameters.currency,
               collection=num(k.annual_cost["collection"])),
            *([tr("week plan: figures per working day, averaged over its {n} days",
                  n=k.week_days)] if k.week_days else []),
            tr("{trucks} trucks (most on one day), {km} km/day, {hours} h/day, {trips} "
               "unloading trips", trucks=k.vehicles_used, km=num(k.km_per_day),
               hours=num(k.hours_per_day), trips=k.unload_trips) if k.week_days else
            tr("{trucks} trucks, {km} km/day, {hours} h/day, {trips} unloading trips",
               trucks=k.vehicles_used, km=num(k.km_per_day), hours=num(k.hours_per_day),
               trips=k.unload_trips),
            *self._kind_lines(k),
            *self._fleet_note(k),
            tr("collected {collected} t/day, diversion {diversion}%, landfilled {landfilled} "
               "t/day", collected=num(k.collected_t_per_day, 1),
               diversion=num(100 * k.diversion_rate, 1), landfilled=num(k.landfill_t_per_day, 1)),
            tr("fuel {fuel} l/day, CO2 {co2} t/day", fuel=num(k.fuel_litres_per_day),
               co2=num(k.co2_kg_per_day / 1000, 2)),
        ]

    def _feedstock_lines(self) -> list[str]:
        """Recyclable tonnes landfilled instead of sold (with why), idle recyclers."""
        fs = self.feedstock
        if fs is None:
            return []
        lines = [
            "  " + tr("recovered but landfilled: {stream} {t} t/day ({reason})",
                      stream=stream, t=num(t, 1), reason=fs.unplaced_reason.get(stream, "?"))
            for stream, t in fs.unplaced_t_per_day.items() if t > 0.05]
        names = {r.id: r.name for r in self.scenario.recyclers}
        idle = [f"{s.id} ({names[s.id]})" if names.get(s.id) else s.id
                for s in fs.supply if s.supplied_t_per_day <= 1e-6]
        if idle:
            lines.append("  " + tr("recyclers receiving nothing: {ids}", ids=", ".join(idle)))
        return lines

    # ---- JSON

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; :meth:`from_dict` rebuilds the plan. KPI fields added
        since plan version 1 are left out at their defaults, so older plans write back
        as they were read."""
        return {"plan_version": PLAN_VERSION, **to_data(self, specs=_SPECS)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        """Rebuild a plan written by :meth:`to_dict`."""
        if not isinstance(data, Mapping) or data.get("plan_version") != PLAN_VERSION:
            got = data.get("plan_version") if isinstance(data, Mapping) else type(data)
            raise InputError("plan_version", got,
                             lazy("{version} (a circularopt plan)", version=PLAN_VERSION))
        try:
            return from_data(cls, {k: v for k, v in data.items() if k != "plan_version"})
        except InputError as exc:
            raise InputError(exc.field, exc.value, lazy(
                "{expected}, in a plan.json written by circularopt",
                expected=exc.expected)) from exc

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
            raise InputError("plan file", str(path),
                             lazy("a readable file ({reason})", reason=str(exc))) from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}, line {exc.lineno} column {exc.colno}", exc.msg,
                             lazy("valid JSON")) from exc
        return cls.from_dict(data)
