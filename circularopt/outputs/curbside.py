"""Curbside streets in a plan's outputs: where a run visit drives, the streets layer and
the streets of a run visit as rows of ``routes.csv``.

A route visits street *runs* (:mod:`circularopt.routing.curbside`); outputs show the
scenario's own streets: a run visit ``"<run id>>"`` (forward) or ``"<run id><"``
(backward) serves each street of the run, in the run's order, in the direction it is
driven.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

from circularopt.plan import Plan
from circularopt.routing.curbside import StreetRun, scenario_runs
from circularopt.routing.result import Route, Visit
from circularopt.scenario import CollectionStreet

__all__ = ["RunStop", "run_places", "run_stops", "street_layer", "street_rows"]

STREET_COLUMNS = ("id", "name", "zone", "rule", "oneway", "km", "households",
                  "total_t_per_day", "run", "route", "direction", "served", "synthetic")
"""Columns of the ``streets`` layer."""


@dataclass(frozen=True)
class RunStop:
    """A run visit's place: drawn from ``start`` to ``end`` (the driven direction)."""

    run: StreetRun
    forward: bool
    lat: float
    lon: float
    name: str
    run_streets: tuple[CollectionStreet, ...]

    def ends(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """``(lat, lon)`` of where the pass starts and ends."""
        a, b = self.run.start, self.run.end
        return (a, b) if self.forward else (b, a)


def run_stops(plan: Plan) -> dict[str, RunStop]:
    """Stop id -> :class:`RunStop` for every direction of every run of the plan's
    scenario (empty without streets)."""
    out = {}
    by_id = {s.id: s for s in plan.scenario.streets}
    for run in scenario_runs(plan.scenario):
        streets = tuple(by_id[s] for s in run.streets)
        for d in run.directions():
            out[f"{run.id}{d}"] = RunStop(run, d == ">", run.lat, run.lon,
                                          f"{run.name} ({len(run.streets)} streets)", streets)
    return out


@dataclass(frozen=True)
class _Place:
    lat: float
    lon: float
    name: str


def run_places(stops: dict[str, RunStop]) -> dict[str, Any]:
    """Places of the runs' ends by their matrix ids (``"<run id>:start"``, ``":end"``)."""
    out: dict[str, Any] = {}
    for rs in stops.values():
        a, b = rs.run.end_ids()
        out[a] = _Place(*rs.run.start, rs.run.name)
        out[b] = _Place(*rs.run.end, rs.run.name)
    return out


def street_layer(plan: Plan, routes: Sequence[Route], labels: Sequence[str],
                 crs: str) -> gpd.GeoDataFrame:
    """One line per scenario street: its figures, the run and route serving it and the
    direction served (``forward`` = from its ``from`` end to its ``to`` end);
    ``served`` false and empty route for a street no route serves."""
    stops = run_stops(plan)
    served: dict[str, tuple[str, str, str]] = {}
    for label, route in zip(labels, routes, strict=True):
        for v in route.visits:
            rs = stops.get(v.id) if v.kind == "stop" else None
            if rs is None:
                continue
            for street, along in zip(rs.run.streets, rs.run.along, strict=True):
                served[street] = (rs.run.id, label,
                                  "forward" if along == rs.forward else "backward")
    run_of = {s: r.id for rs in stops.values() for r in [rs.run] for s in r.streets}
    rows, geoms = [], []
    for s in plan.scenario.streets:
        run, label, direction = served.get(s.id, (run_of.get(s.id, ""), "", ""))
        rows.append({"id": s.id, "name": s.name, "zone": s.zone, "rule": s.rule,
                     "oneway": s.oneway, "km": s.km, "households": s.households,
                     "total_t_per_day": s.total_tonnes_per_day, "run": run, "route": label,
                     "direction": direction, "served": s.id in served,
                     "synthetic": s.synthetic})
        geoms.append(LineString([(s.from_lon, s.from_lat), (s.to_lon, s.to_lat)]))
    df = pd.DataFrame(rows, columns=list(STREET_COLUMNS))
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


def street_rows(v: Visit, rs: RunStop, on_board: float) -> list[dict[str, Any]]:
    """The streets a run visit serves, in driving order, as partial ``routes.csv`` rows:
    kind ``street``, id, name, direction, the visit's service time shared in proportion
    to each street's service minutes, tonnes picked up and on board."""
    by_id = {s.id: s for s in rs.run_streets}
    order = list(zip(rs.run.streets, rs.run.along, strict=True))
    if not rs.forward:
        order.reverse()
    minutes = [max(by_id[s].service_minutes, 1e-9) for s, _ in order]
    t, span = v.start, v.end - v.start
    rows = []
    for (sid, along), m in zip(order, minutes, strict=True):
        street = by_id[sid]
        end = t + span * m / sum(minutes)
        on_board += street.total_tonnes_per_day
        rows.append({"kind": "street", "id": sid, "name": street.name,
                     "direction": "forward" if along == rs.forward else "backward",
                     "arrival": t, "start": t, "departure": end,
                     "picked_up_t": street.total_tonnes_per_day, "load_on_board_t": on_board})
        t = end
    return rows
