"""Pre-solve feasibility diagnostics: explain an impossible scenario before solving it.

:func:`validate_scenario` reads a scenario and its travel matrices and returns a
:class:`ScenarioReport`: *violations* that make every plan infeasible, each saying which object,
by how much and which knob to turn, and *warnings* about input that is allowed but
probably not meant (a recycler buying a stream nobody produces, a vehicle type that can
serve no point, implausible magnitudes such as kilograms typed as tonnes).
:func:`require_feasible` raises :class:`~circularopt.exceptions.InfeasibleError` listing
them; the pipeline (:func:`circularopt.pipeline.solve`) runs it before the
solvers spend the time budget.

The checks are necessary conditions only (cheap bounds), so a scenario that passes them
may still be infeasible for the solvers; what they report is certainly impossible:

* no collection point (an :class:`~circularopt.exceptions.InputError`) or no truck;
* a point whose load per visit exceeds every vehicle type's capacity (tonnes or m3);
* the fleet's total shift time shorter than the service and unloading time alone;
* a point no truck can serve within its shift: leaving its depot at the shift start,
  serving the point, unloading at the *nearest* complex candidate or landfill and driving
  back takes longer than the shift, or the earliest arrival is after the point's time
  window closes; when such a point lies more than :data:`FAR_KM` from every other object
  the report says first to check its position (and whether lat/lon are swapped), since a
  mistyped position, not the time window or the shift, is then the likely cause (a far
  point that can be served is a warning);
* curbside street runs (:func:`circularopt.routing.curbside.scenario_runs`, when the
  matrices cover their ends as :func:`~circularopt.routing.curbside.curbside_matrices`
  makes them) that no depot's truck can enter in an allowed direction, or whose exit
  reaches no complex candidate or landfill (and a depot from there), and zones of streets
  no single complex candidate or landfill can take all of (a zone's streets unload at one
  site), named with their streets, before routing finds out;

Total capacity (waste beyond what the complexes and landfills can take) is checked by the
siting model before it solves (:func:`circularopt.siting.model.site`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from circularopt._deprecated import renamed
from circularopt.exceptions import InfeasibleError, InputError
from circularopt.i18n import num, tr
from circularopt.matrices import TravelMatrices
from circularopt.routing.curbside import StreetRun, scenario_runs
from circularopt.routing.scenario import point_load
from circularopt.scenario import Depot, Scenario, VehicleType
from circularopt.validation import ValidationReport

__all__ = ["FAR_KM", "IMPLAUSIBLE_T_PER_DAY", "Diagnosis", "ScenarioReport", "check_feasible",
           "diagnose", "require_feasible", "validate_scenario"]

IMPLAUSIBLE_T_PER_DAY = 50.0
"""A container site generating more than this (t/day) is probably given in kilograms."""

FAR_KM = 100.0
"""A collection point farther than this from every other object is probably mispositioned."""

_SHOWN = 5
_EARTH_KM = 6371.0


@dataclass(frozen=True)
class ScenarioReport(ValidationReport):
    """What :func:`validate_scenario` found.

    ``violations`` are the reasons no plan can exist, each naming the object, the figures
    and the knob; ``warnings`` flag suspicious but allowed input; ``cost`` is ``None``.
    """

    subject: ClassVar[str] = "scenario"

    @property
    def problems(self) -> tuple[str, ...]:
        """Deprecated name of :attr:`violations`."""
        return self.violations


Diagnosis = ScenarioReport
"""Deprecated alias of :class:`ScenarioReport` (one release)."""


def _hm(seconds: float) -> str:
    if not np.isfinite(seconds):
        return tr("never (no path in the travel matrices)")
    m = round(float(seconds) / 60.0)
    return f"{m // 60:02d}:{m % 60:02d}"


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(repr(i) for i in ids[:_SHOWN])
    return shown + (tr(" and {n} more", n=len(ids) - _SHOWN) if len(ids) > _SHOWN else "")


def validate_scenario(scenario: Scenario, matrices: TravelMatrices) -> ScenarioReport:
    """Check the necessary conditions of a feasible plan (see the module docstring).

    Parameters
    ----------
    scenario
        The scenario.
    matrices
        Travel matrices (seconds, metres) covering the scenario's located objects.

    Returns
    -------
    ScenarioReport
        Violations (certain infeasibilities) and warnings.

    Raises
    ------
    InputError
        The scenario has no collection point, or an object is missing from the matrices.
    """
    if not scenario.collection_points:
        raise InputError("scenario.collection_points", [], "at least one collection point")
    problems: list[str] = []
    warnings: list[str] = _stream_warnings(scenario)
    types = [(d, v) for d in scenario.depots for v in d.vehicle_types if v.count > 0]
    unserved: set[str] = set()
    if not types:
        problems.append(
            tr("the scenario has no truck (no depot, or every vehicle type has count 0); add a "
               "depot with vehicle_types whose count is at least 1"))
    else:
        _capacity_problems(scenario, types, problems)
        unserved = _shift_problems(scenario, matrices, types, problems, warnings)
        _fleet_time_problem(scenario, types, problems)
        _street_problems(scenario, matrices, types, problems)
    _position_problems(scenario, unserved, problems, warnings)
    heavy = [p.id for p in scenario.collection_points
             if p.total_tonnes_per_day > IMPLAUSIBLE_T_PER_DAY]
    if heavy:
        warnings.append(
            tr("{n} collection point(s) generate more than {limit:g} t/day each ({shown}): "
               "implausible for a container site; were kilograms given as tonnes "
               "(tonnes_per_day)?", n=len(heavy), limit=IMPLAUSIBLE_T_PER_DAY,
               shown=_ids(heavy)))
    return ScenarioReport(violations=tuple(problems), warnings=tuple(warnings))


def require_feasible(scenario: Scenario, matrices: TravelMatrices) -> ScenarioReport:
    """Run :func:`validate_scenario` and raise if it found a violation.

    Returns
    -------
    ScenarioReport
        The report (with warnings only).

    Raises
    ------
    InfeasibleError
        Listing every problem found.
    InputError
        See :func:`validate_scenario`.
    """
    found = validate_scenario(scenario, matrices)
    if found.violations:
        raise InfeasibleError(tr("scenario {name!r} cannot be planned: ",
                                 name=scenario.name) + "; ".join(found.violations))
    return found


diagnose = renamed(validate_scenario, "circularopt.diagnose.diagnose")
check_feasible = renamed(require_feasible, "circularopt.diagnose.check_feasible")


def _capacity_problems(scenario: Scenario, types: list[tuple], problems: list[str]) -> None:
    caps = sorted({(v.capacity_tonnes, v.capacity_m3) for _, v in types})
    big_t, big_m3 = max(c[0] for c in caps), max(c[1] for c in caps)
    too_big = []
    for p in scenario.collection_points:
        t, m3 = point_load(scenario, p)
        if not any(t <= ct + 1e-9 and m3 <= cm + 1e-9 for ct, cm in caps):
            too_big.append((p.id, t, m3))
    if too_big:
        pid, t, m3 = max(too_big, key=lambda x: x[1] / big_t + x[2] / big_m3)
        problems.append(
            tr("{n} collection point(s) yield more per visit than any truck carries "
               "({shown}); worst {pid!r}: {t:.3f} t and {m3:.3f} m3 per visit against the "
               "largest capacities {big_t:g} t / {big_m3:g} m3; raise collections_per_week, "
               "split the point, or add a larger vehicle type (capacity_tonnes, capacity_m3)",
               n=len(too_big), shown=_ids([x[0] for x in too_big]), pid=pid, t=t, m3=m3,
               big_t=big_t, big_m3=big_m3))


@dataclass
class _Reach:
    """Per point: can some truck serve it, and the closest miss otherwise."""

    pts: list[str]
    tw_lo: np.ndarray
    tw_hi: np.ndarray
    ok: np.ndarray
    best_late: np.ndarray   # least lateness against the window
    best_over: np.ndarray   # least overrun of the shift
    best_type: list[str]    # "type|shift start|shift end|begin|finish" of that miss


def _shift_problems(scenario: Scenario, matrices: TravelMatrices, types: list[tuple],
                    problems: list[str], warnings: list[str]) -> set[str]:
    """Add the window, reach and shift problems; return the ids of the unservable points."""
    sites = [c.id for c in scenario.complex_candidates] + [lf.id for lf in scenario.landfills]
    if not sites:
        return set()  # siting explains a missing complex or landfill
    reach = _reach(scenario, matrices, types, sites, warnings)
    pts = reach.pts
    bad = np.flatnonzero(~reach.ok)
    windows = [int(k) for k in bad if reach.best_late[k] > 1e-6]
    shifts = [k for k in bad if reach.best_late[k] <= 1e-6]
    if windows:
        problems.append(_window_problem(reach, windows))
    lost = [k for k in shifts if not np.isfinite(reach.best_over[k])]
    if lost:
        problems.append(
            tr("{n} collection point(s) cannot be reached from any depot, or cannot reach "
               "any complex or landfill, in the travel matrices ({shown}); check the "
               "position of each, the road network extract (max_snap_m, a larger area) or "
               "the matrices", n=len(lost), shown=_ids([pts[i] for i in lost])))
        shifts = [k for k in shifts if np.isfinite(reach.best_over[k])]
    if shifts:
        k = max(shifts, key=lambda i: reach.best_over[i])
        name, start, end, _, finish = reach.best_type[k].split("|")
        problems.append(
            tr("{n} collection point(s) cannot be served within any shift ({shown}); worst "
               "{pid!r}: depot -> point -> nearest complex or landfill -> depot with truck "
               "{truck} ends at {finish}, {late:.0f} min after its shift ({start}-{end}); "
               "lengthen shift_minutes, add a depot or complex candidate nearer the point, "
               "or check its position", n=len(shifts), shown=_ids([pts[i] for i in shifts]),
               pid=pts[k], truck=name, finish=finish, late=reach.best_over[k] / 60.0,
               start=start, end=end))
    return {pts[int(k)] for k in bad}


def _window_problem(reach: _Reach, windows: list[int]) -> str:
    k = max(windows, key=lambda i: reach.best_late[i])
    name, start, _, begin, _ = reach.best_type[k].split("|")
    return tr(
        "{n} collection point(s) have a time window that closes before any truck can "
        "arrive ({shown}); worst {pid!r}: window {lo}-{hi}, earliest arrival {begin} (truck "
        "{truck} leaves at {start}), {late:.0f} min late; widen time_window or start the "
        "shift earlier (shift_start_minutes)", n=len(windows),
        shown=_ids([reach.pts[i] for i in windows]), pid=reach.pts[k],
        lo=_hm(reach.tw_lo[k]), hi=_hm(reach.tw_hi[k]), begin=begin, truck=name,
        start=start, late=reach.best_late[k] / 60.0)


def _reach(scenario: Scenario, matrices: TravelMatrices, types: list[tuple],
           sites: list[str], warnings: list[str]) -> _Reach:
    """Try every vehicle type on every point: depot -> point -> nearest site -> depot."""
    dur = matrices.duration_s
    pts = [p.id for p in scenario.collection_points]
    pi, si = matrices.indices(pts), matrices.indices(sites)
    # back[k, j]: fastest point k -> some site -> depot j, without the unloading time.
    depots = list(dict.fromkeys(d.id for d, _ in types))
    di = matrices.indices(depots)
    back = (dur[np.ix_(pi, si)][:, :, None] + dur[np.ix_(si, di)][None, :, :]).min(axis=1)
    service = np.array([p.service_minutes * 60.0 for p in scenario.collection_points])
    reach = _Reach(
        pts,
        tw_lo=np.array([0.0 if p.time_window is None else p.time_window[0] * 60.0
                        for p in scenario.collection_points]),
        tw_hi=np.array([np.inf if p.time_window is None else p.time_window[1] * 60.0
                        for p in scenario.collection_points]),
        ok=np.zeros(len(pts), dtype=bool), best_late=np.full(len(pts), np.inf),
        best_over=np.full(len(pts), np.inf), best_type=[""] * len(pts))
    for d, v in types:
        j = depots.index(d.id)
        start = v.shift_start_minutes * 60.0
        end = start + v.shift_minutes * 60.0
        arrive = start + dur[di[j], pi]
        begin = np.maximum(arrive, reach.tw_lo)
        finish = begin + service + back[:, j] + v.unload_minutes * 60.0
        lost = ~np.isfinite(finish)  # no path: not a window or shift matter
        with np.errstate(invalid="ignore"):
            late = np.where(lost, 0.0, begin - reach.tw_hi)
        over = np.where(lost, np.inf, finish - end)
        serves = (late <= 1e-6) & (over <= 1e-6)
        if not serves.any():
            warnings.append(_useless_type_warning(d, v, float(np.min(finish - start)) / 60.0))
        reach.ok |= serves
        for k in np.flatnonzero(~serves):
            key = (max(late[k], 0.0), max(over[k], 0.0))
            if key < (reach.best_late[k], reach.best_over[k]):
                reach.best_late[k], reach.best_over[k] = key
                reach.best_type[k] = (f"{d.id}/{v.id}|{_hm(start)}|{_hm(end)}|"
                                      f"{_hm(begin[k])}|{_hm(finish[k])}")
    return reach


def _useless_type_warning(d: Depot, v: VehicleType, quickest: float) -> str:
    took = (tr("{m:.0f} min", m=quickest) if np.isfinite(quickest)
            else tr("forever (no path)"))
    return tr("vehicle type {type} can serve no collection point: the quickest round from "
              "depot {depot!r} takes {took} (shift_minutes {shift:g}) or arrives after the "
              "time windows close", type=f"{d.id}/{v.id}", depot=d.id, took=took,
              shift=v.shift_minutes)


def _fleet_time_problem(scenario: Scenario, types: list[tuple], problems: list[str]) -> None:
    service = sum(p.service_minutes for p in scenario.collection_points)
    tonnes = sum(point_load(scenario, p)[0] for p in scenario.collection_points)
    trips = math.ceil(tonnes / max(v.capacity_tonnes for _, v in types) - 1e-9)
    unload = trips * min(v.unload_minutes for _, v in types)
    shifts = sum(v.count * v.shift_minutes for _, v in types)
    if service + unload > shifts + 1e-6:
        problems.append(
            tr("the fleet's shifts total {shifts} h but serving the points takes at least "
               "{need} h ({service} h of service_minutes and {trips} unloading trip(s)), "
               "before any driving; add trucks (count), lengthen shift_minutes or shorten "
               "service_minutes", shifts=num(shifts / 60.0, 1),
               need=num((service + unload) / 60.0, 1), service=num(service / 60.0, 1),
               trips=trips))


def _street_problems(scenario: Scenario, matrices: TravelMatrices, types: list[tuple],
                     problems: list[str]) -> None:
    """Add the street runs no truck can enter or leave for a site, and the zones no
    single site can take (module docstring); nothing when the matrices lack the runs."""
    runs = scenario_runs(scenario)
    sites = [c.id for c in scenario.complex_candidates] + [lf.id for lf in scenario.landfills]
    if not runs or not sites or not all(e in matrices.ids for e in runs[0].end_ids()):
        return
    fin = np.isfinite(matrices.duration_s)
    di = matrices.indices(list(dict.fromkeys(d.id for d, _ in types)))
    si = matrices.indices(sites)
    a = matrices.indices([r.end_ids()[0] for r in runs])
    b = matrices.indices([r.end_ids()[1] for r in runs])
    home = fin[np.ix_(si, di)].any(axis=1)  # site -> some depot
    oneway = np.array([r.oneway for r in runs])
    # usable[s, r]: site s can take run r: its exit reaches s, its entry is reached
    # from s or a depot, in an allowed direction
    usable = np.zeros((len(si), len(runs)), dtype=bool)
    for entry, exit_, allowed in ((a, b, np.ones(len(runs), bool)), (b, a, ~oneway)):
        into = fin[np.ix_(si, entry)] | fin[np.ix_(di, entry)].any(axis=0)
        usable |= into & fin[np.ix_(exit_, si)].T & home[:, None] & allowed
    lost = [r for k, r in enumerate(runs) if not usable[:, k].any()]
    if lost:
        problems.append(tr(
            "{n} curbside street run(s) cannot be entered from any depot, or cannot reach a "
            "complex or landfill after serving, on the travel matrices: {shown}; check that "
            "the road network extract covers these streets and their ways in and out (a "
            "larger area, max_snap_m), whether one-way streets trap the truck, or remove "
            "the streets from the scenario", n=len(lost), shown=_runs_text(lost)))
    _zone_problems(runs, usable, sites, problems)


def _zone_problems(runs: Sequence[StreetRun], usable: np.ndarray, sites: list[str],
                   problems: list[str]) -> None:
    """Zones whose servable runs no single site can take all of."""
    zones: dict[str, list[int]] = {}
    for k, r in enumerate(runs):
        if usable[:, k].any():
            zones.setdefault(r.zone, []).append(k)
    for zone, ks in sorted(zones.items()):
        ok = usable[:, ks].all(axis=1)
        if ok.any():
            continue
        best = int(np.argmax(usable[:, ks].sum(axis=1)))
        missed = [runs[k] for k in ks if not usable[best, k]]
        problems.append(tr(
            "no complex candidate or landfill can take every curbside street of zone "
            "{zone!r} (a zone unloads at one site): {site!r} takes most of them, but {n} "
            "run(s) cannot be reached from it or cannot reach it: {shown}; check the road "
            "network around these streets, or give them a zone of their own",
            zone=zone, site=sites[best], n=len(missed), shown=_runs_text(missed)))


def _runs_text(runs: Sequence[StreetRun]) -> str:
    """Street runs by name with their first streets' ids."""
    def one(r: StreetRun) -> str:
        more = tr(" and {n} more", n=len(r.streets) - 3) if len(r.streets) > 3 else ""
        return tr("{name!r} in zone {zone!r} (streets {ids}{more})", name=r.name,
                  zone=r.zone, ids=", ".join(r.streets[:3]), more=more)
    shown = "; ".join(one(r) for r in runs[:_SHOWN])
    return shown + (tr("; and {n} more", n=len(runs) - _SHOWN) if len(runs) > _SHOWN else "")


def _stream_warnings(scenario: Scenario) -> list[str]:
    produced = {s for s, t in scenario.tonnes_by_stream().items() if t > 0}
    recovered = {s for c in scenario.complex_candidates
                 for s, r in c.recovery_rate.items() if r > 0}
    out = []
    for r in scenario.recyclers:
        dead = [s for s in r.streams if s not in produced or s not in recovered]
        if not dead:
            continue
        why = ", ".join(tr("{s!r} (no point produces it)", s=s) if s not in produced
                        else tr("{s!r} (no complex recovers it)", s=s) for s in dead)
        whole = tr(" so it will receive nothing") if len(dead) == len(r.streams) else ""
        out.append(tr("recycler {id!r} buys stream(s) nobody can supply: {why}{whole}; "
                      "check its price_per_tonne keys, the points' tonnes_per_day and the "
                      "complexes' recovery_rate", id=r.id, why=why, whole=whole))
    return out


def _position_problems(scenario: Scenario, unserved: set[str], problems: list[str],
                       warnings: list[str]) -> None:
    """Name points far from every other object: first among the problems when no truck
    can serve them (the likely cause), else as a warning."""
    far = _far_points(scenario)
    if not far:
        return
    bad = [f for f in far if f[0] in unserved]
    good = [f for f in far if f[0] not in unserved]
    if bad:
        problems.insert(0, tr(
            "{n} collection point(s) lie more than {km:g} km from every other object and no "
            "truck can serve them ({shown}); check the position: a mistyped position, not "
            "the time window or the shift, is the likely cause", n=len(bad), km=FAR_KM,
            shown=_far_text(bad)))
    if good:
        warnings.append(tr(
            "{n} collection point(s) lie more than {km:g} km from every other object "
            "({shown}); check the position", n=len(good), km=FAR_KM, shown=_far_text(good)))


def _far_text(far: list[tuple[str, float, float, float, bool]]) -> str:
    return "; ".join(
        tr("{pid!r} at ({lat:g}, {lon:g}) {km} km away", pid=pid, lat=lat, lon=lon,
           km=num(km))
        + (tr(", lat/lon swapped?") if swapped else "")
        for pid, lat, lon, km, swapped in far[:_SHOWN]) + (
        tr("; and {n} more", n=len(far) - _SHOWN) if len(far) > _SHOWN else "")


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere (for chord distances)."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _far_points(scenario: Scenario) -> list[tuple[str, float, float, float, bool]]:
    """``(id, lat, lon, km to the nearest other object, swapped lat/lon lands near one)``
    of each collection point farther than :data:`FAR_KM` from every other object."""
    from scipy.spatial import cKDTree

    objects = scenario.located()
    if len(objects) < 2:
        return []
    lat = np.array([o.lat for o in objects])
    lon = np.array([o.lon for o in objects])
    tree = cKDTree(_unit(lat, lon))
    npts = len(scenario.collection_points)  # located() lists the points first
    chord, _ = tree.query(_unit(lat[:npts], lon[:npts]), k=2)
    km = 2.0 * _EARTH_KM * np.arcsin(np.minimum(1.0, chord[:, 1] / 2.0))
    out = []
    for k in np.flatnonzero(km > FAR_KM):
        swapped = abs(lon[k]) <= 90 and tree.query(_unit(lon[[k]], lat[[k]]))[0][0] < (
            2.0 * math.sin(FAR_KM / _EARTH_KM / 2.0))
        out.append((objects[k].id, float(lat[k]), float(lon[k]), float(km[k]), bool(swapped)))
    return out
