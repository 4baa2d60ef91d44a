"""The routing problem: an immutable, validated description of one collection-routing task.

Build a problem with the validating builder :class:`RoutingModel` and freeze it with
:meth:`RoutingModel.data`, which returns a :class:`RoutingProblem`. Every engine and the
validator read only the frozen problem.

Model
-----
*Locations* are the rows of two square matrices, ``distance`` and ``duration``. Depots,
stops and unload sites each sit at one location (several objects may share one).

*Vehicle types* start at a depot (and end at ``end_depot``, by default the same), have a
capacity per load dimension (e.g. tonnes and m3), a count, a fixed cost per used vehicle,
a cost per distance unit and per duration unit, a shift ``[shift_start, shift_end]`` within
which the route starts and ends, an optional maximum route duration, an optional maximum
number of stops, the unload sites they may use, an optional cap on unloads per route,
whether they must return empty (unload just before going home), and an optional break.

*Stops* (container sites, customers) have a demand vector, a service duration, a time
window for the *start* of service (arriving early means waiting; arriving late is
infeasible) and an optional release time: the trip that serves the stop (the part of the
route since the depot or the last unload) may not leave before it.

*Tasks* (street runs of curbside collection) are stops with a start and an end location:
:meth:`RoutingModel.add_stop` with ``end=`` and ``service_distance=``. The frozen problem
gives each task a location of its own whose matrix row is its end's row and whose column
is its start's column plus the distance driven while serving (the node transformation of
arc routing), so engines and the validator treat it as any stop. *Groups* of stops
(:class:`StopGroup`) are served exactly once by one member: the two directions of a
street that may be served in either.

*Unload sites* (sorting complex, landfill, transfer station) empty the vehicle: the load
is reset to zero in every dimension. They have an unload duration and opening hours for
the start of unloading; only vehicle types that list a site may use it. Start depots are
not unload sites unless an unload site is declared at the depot's location.

Units and rounding
------------------
Use any consistent units: for city problems seconds and metres (durations, time windows
and times of day in seconds since midnight), for benchmarks the set's own units. Engines
work on integers, so every time and distance is quantised to a grid of ``1 / scale`` and
every demand and capacity to ``1 / load_scale`` when the problem is frozen; the validator
and the result use the same quantised values, so what an engine optimises is exactly what
is reported. A benchmark reader computes its matrices with the set's own convention
(CVRPLIB: rounded Euclidean integers, ``scale=1``; Solomon/DIMACS: Euclidean truncated to
one decimal, ``scale=10``) and records it in :attr:`RoutingProblem.convention`.

Cost of a route
---------------
``fixed_cost + cost_per_distance * distance + cost_per_duration * duration`` where
``duration`` is the route's end time minus its start time (travel, service, unloading,
waiting and break included). Unused vehicles cost nothing.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from circularopt._validate import ident
from circularopt.exceptions import InfeasibleError, InputError

__all__ = [
    "INF_TIME",
    "Break",
    "Depot",
    "RoutingModel",
    "RoutingProblem",
    "Stop",
    "StopGroup",
    "UnloadSite",
    "VehicleType",
]

INF_TIME = 10**12
"""An open time-window end (about 31,700 years in seconds)."""


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Depot:
    """Where vehicles start and end their routes.

    Parameters
    ----------
    id
        Unique id among depots, stops and unload sites.
    location
        Row of the location in the problem's matrices.
    """

    id: str
    location: int


@dataclass(frozen=True)
class Break:
    """A break every used vehicle of a type must take (e.g. a lunch hour).

    Parameters
    ----------
    earliest_start, latest_start
        Window for the start of the break (same time unit as the matrices).
    duration
        Length of the break.

    Notes
    -----
    A route must contain the break when the vehicle is on duty at ``latest_start``
    (route start <= latest_start < route end). The break is taken between two visits
    (it may extend the travel between them) and never overlaps a service.
    """

    earliest_start: float
    latest_start: float
    duration: float


@dataclass(frozen=True)
class VehicleType:
    """A group of identical vehicles based at one depot.

    Parameters
    ----------
    name
        Unique name of the type.
    depot, end_depot
        Indices (into :attr:`RoutingProblem.depots`) of the start and end depot.
    count
        Number of vehicles available.
    capacity
        Capacity per load dimension.
    fixed_cost
        Cost of using one vehicle (once per used vehicle).
    cost_per_distance, cost_per_duration
        Cost per distance unit travelled and per duration unit of the route.
    shift_start, shift_end
        The route leaves the depot no earlier than ``shift_start`` and is back no later
        than ``shift_end``.
    max_duration
        Maximum route duration (end minus start), or ``None``.
    max_stops
        Maximum number of stops served on a route, or ``None``.
    unload_sites
        Indices (into :attr:`RoutingProblem.unload_sites`) of the sites it may unload at.
    max_unloads
        Maximum number of unloads on a route, or ``None`` (unlimited).
    return_empty
        If true, a route that served any stop must unload right before returning to the
        depot (waste trucks do not park loaded).
    breaks
        The break the vehicle must take, or ``None``.
    """

    name: str
    depot: int
    end_depot: int
    count: int
    capacity: tuple[float, ...]
    fixed_cost: float = 0.0
    cost_per_distance: float = 1.0
    cost_per_duration: float = 0.0
    shift_start: float = 0.0
    shift_end: float = INF_TIME
    max_duration: float | None = None
    max_stops: int | None = None
    unload_sites: tuple[int, ...] = ()
    max_unloads: int | None = None
    return_empty: bool = False
    breaks: Break | None = None


@dataclass(frozen=True)
class Stop:
    """A place to serve once (a container site, a customer).

    Parameters
    ----------
    id
        Unique id.
    location
        Row of the location in the matrices.
    demand
        Amount collected per load dimension.
    service
        Service duration.
    tw_start, tw_end
        Window for the start of service.
    release_time
        The trip serving this stop may not leave the depot or the last unload site earlier.
    group
        Index (into :attr:`RoutingProblem.groups`) of the group of which exactly one
        member is served, or ``None``: the stop itself must be served.
    """

    id: str
    location: int
    demand: tuple[float, ...]
    service: float = 0.0
    tw_start: float = 0.0
    tw_end: float = INF_TIME
    release_time: float = 0.0
    group: int | None = None


@dataclass(frozen=True)
class StopGroup:
    """Stops of which exactly one is served (e.g. the two directions of a street).

    Parameters
    ----------
    id
        Unique id among groups (shown in ``unassigned`` when no member is served).
    members
        Indices of the member stops.
    """

    id: str
    members: tuple[int, ...]


@dataclass(frozen=True)
class UnloadSite:
    """A facility where vehicles empty their load (sorting complex, landfill).

    Parameters
    ----------
    id
        Unique id.
    location
        Row of the location in the matrices.
    unload_duration
        Time spent unloading.
    tw_start, tw_end
        Opening hours for the start of unloading.
    """

    id: str
    location: int
    unload_duration: float = 0.0
    tw_start: float = 0.0
    tw_end: float = INF_TIME


# --------------------------------------------------------------------------- problem


@dataclass(frozen=True, eq=False)
class RoutingProblem:
    """A frozen routing problem; build it with :class:`RoutingModel`.

    Parameters
    ----------
    name
        Name shown in results and reports.
    locations
        Location ids, the rows (and columns) of the matrices.
    distance, duration
        Read-only square matrices, quantised to ``1 / scale``.
    depots, vehicle_types, stops, unload_sites
        The problem's objects; the other objects refer to them by index.
    dimensions
        Names of the load dimensions (e.g. ``("t", "m3")``).
    scale
        Times and distances are multiples of ``1 / scale``; engines use
        ``round(value * scale)``.
    load_scale
        Demands and capacities are multiples of ``1 / load_scale``.
    convention
        How the matrices were computed and rounded, in words.
    groups
        Groups of stops served exactly once by one member (:class:`StopGroup`).
    """

    name: str
    locations: tuple[str, ...]
    distance: np.ndarray
    duration: np.ndarray
    depots: tuple[Depot, ...]
    vehicle_types: tuple[VehicleType, ...]
    stops: tuple[Stop, ...]
    unload_sites: tuple[UnloadSite, ...]
    dimensions: tuple[str, ...]
    scale: int = 1
    load_scale: int = 1
    convention: str = ""
    groups: tuple[StopGroup, ...] = ()
    _stop_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_stop_index", {s.id: k for k, s in enumerate(self.stops)})

    @property
    def num_stops(self) -> int:
        """Number of stops."""
        return len(self.stops)

    @property
    def num_dims(self) -> int:
        """Number of load dimensions."""
        return len(self.dimensions)

    @property
    def num_vehicles(self) -> int:
        """Total number of vehicles over all types."""
        return sum(v.count for v in self.vehicle_types)

    def stop_index(self, stop_id: str) -> int:
        """Index of the stop with id ``stop_id``."""
        try:
            return self._stop_index[stop_id]
        except KeyError:
            raise InputError("stop id", stop_id, "the id of a stop of this problem") from None

    def unserved(self, served: Iterable[int]) -> tuple[str, ...]:
        """Ids of the stops outside groups not in ``served`` (stop indices), then of the
        groups none of whose members is."""
        done = set(served)
        out = [s.id for k, s in enumerate(self.stops) if s.group is None and k not in done]
        return tuple(out + [g.id for g in self.groups if done.isdisjoint(g.members)])

    def has_time_windows(self) -> bool:
        """Whether any stop, unload site or shift constrains time."""
        return (any(s.tw_start > 0 or s.tw_end < INF_TIME or s.release_time > 0
                    for s in self.stops)
                or any(u.tw_start > 0 or u.tw_end < INF_TIME for u in self.unload_sites)
                or any(v.shift_end < INF_TIME or v.max_duration is not None
                       or v.breaks is not None for v in self.vehicle_types))

    def summary(self) -> str:
        """One line describing the problem's size and features."""
        feats = []
        if self.unload_sites:
            feats.append(f"{len(self.unload_sites)} unload sites")
        if self.has_time_windows():
            feats.append("time constraints")
        if any(v.breaks for v in self.vehicle_types):
            feats.append("breaks")
        return (f"{self.name}: {self.num_stops} stops, {len(self.depots)} depots, "
                f"{len(self.vehicle_types)} vehicle types ({self.num_vehicles} vehicles), "
                f"dims {list(self.dimensions)}" + (f"; {', '.join(feats)}" if feats else ""))

    def to_dict(self) -> dict[str, Any]:
        """The problem as plain JSON-ready data (matrices as nested lists)."""
        def obj(o: Any) -> dict[str, Any]:
            d = dict(o.__dict__)
            if isinstance(d.get("breaks"), Break):
                d["breaks"] = dict(d["breaks"].__dict__)
            return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}
        return {"name": self.name, "locations": list(self.locations),
                "distance": self.distance.tolist(), "duration": self.duration.tolist(),
                "depots": [obj(d) for d in self.depots],
                "vehicle_types": [obj(v) for v in self.vehicle_types],
                "stops": [obj(s) for s in self.stops],
                "unload_sites": [obj(u) for u in self.unload_sites],
                "dimensions": list(self.dimensions), "scale": self.scale,
                "load_scale": self.load_scale, "convention": self.convention,
                "groups": [{"id": g.id, "members": list(g.members)} for g in self.groups]}


# --------------------------------------------------------------------------- builder


def _finite(where: str, value: Any, *, lo: float = 0.0, allow_inf: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(where, value, f"a number >= {lo:g}") from None
    if math.isnan(x) or x < lo or (math.isinf(x) and not allow_inf):
        raise InputError(where, value, f"a finite number >= {lo:g}")
    return x


def _round_in_place(arr: np.ndarray, scale: int) -> None:
    """``round(arr * scale) / scale`` and ``inf`` -> ``INF_TIME``, in ``arr`` itself (no
    temporary copies of a city's matrices)."""
    inf = np.isinf(arr)
    if scale != 1:
        arr *= scale
    np.round(arr, out=arr)
    if scale != 1:
        arr /= scale
    arr[inf] = float(INF_TIME)


def _quantise(x: float, scale: int) -> float:
    if math.isinf(x) or x >= INF_TIME:
        return float(INF_TIME)
    return round(x * scale) / scale


class RoutingModel:
    """Validating builder of a :class:`RoutingProblem`.

    Parameters
    ----------
    locations
        Location ids, the rows of the matrices.
    distance, duration
        Square non-negative matrices (``inf`` marks an unusable arc).
    dimensions
        Names of the load dimensions; default one dimension ``("load",)``.
    scale, load_scale
        Quantisation grids (see :class:`RoutingProblem`).
    name, convention
        Name of the problem and its matrix convention in words.

    Examples
    --------
    >>> m = RoutingModel(["d", "a"], [[0, 5], [5, 0]], [[0, 60], [60, 0]])
    >>> m.add_depot("d")
    >>> m.add_vehicle_type("truck", depot="d", count=1, capacity=[10])
    >>> m.add_stop("a", demand=[3])
    >>> problem = m.data()
    """

    def __init__(self, locations: Sequence[str], distance: Any, duration: Any, *,
                 dimensions: Sequence[str] = ("load",), scale: int = 1,
                 load_scale: int = 1, name: str = "routing",
                 convention: str = "") -> None:
        self._locs = tuple(str(x) for x in locations)
        n = len(self._locs)
        self._loc_index = {x: k for k, x in enumerate(self._locs)}
        if len(self._loc_index) != n:
            dup = sorted({x for x in self._locs if self._locs.count(x) > 1})[:5]
            raise InputError("locations", dup, "unique location ids")
        if not (isinstance(scale, int) and scale >= 1):
            raise InputError("scale", scale, "an integer >= 1")
        if not (isinstance(load_scale, int) and load_scale >= 1):
            raise InputError("load_scale", load_scale, "an integer >= 1")
        self._scale, self._load_scale = scale, load_scale
        mats = []
        for label, m in (("distance", distance), ("duration", duration)):
            arr = np.array(m, dtype=float)
            if arr.shape != (n, n):
                raise InputError(label, arr.shape, f"a square matrix of shape ({n}, {n})")
            if np.isnan(arr).any() or (arr < 0).any():
                raise InputError(label, "NaN or negative entries",
                                 "non-negative numbers (inf for unusable arcs)")
            _round_in_place(arr, scale)
            arr.setflags(write=False)
            mats.append(arr)
        self._distance, self._duration = mats
        self._dims = tuple(str(d) for d in dimensions)
        if not self._dims:
            raise InputError("dimensions", dimensions, "at least one load dimension")
        self._name, self._convention = name, convention
        self._ids: set[str] = set()
        self._depots: list[Depot] = []
        self._stops: list[Stop] = []
        self._tasks: dict[int, tuple[int, float]] = {}  # stop -> (end location, distance)
        self._groups: dict[str, list[int]] = {}
        self._sites: list[UnloadSite] = []
        self._vtypes: list[dict[str, Any]] = []

    @classmethod
    def from_matrices(cls, matrices: Any, **kwargs: Any) -> RoutingModel:
        """Builder over a :class:`~circularopt.matrices.TravelMatrices` (metres, seconds).

        ``kwargs`` are passed to the constructor (``dimensions``, ``name``, ...).
        """
        kwargs.setdefault("convention", f"road matrices, metres and seconds; {matrices.source}")
        return cls(matrices.ids, matrices.distance_m, matrices.duration_s, **kwargs)

    # ------------------------------------------------------------------ helpers

    def _location(self, where: str, loc: str | None, default: str) -> int:
        key = default if loc is None else str(loc)
        if key not in self._loc_index:
            raise InputError(where, key, "one of the location ids given to RoutingModel")
        return self._loc_index[key]

    def _new_id(self, where: str, id_: str) -> str:
        id_ = str(id_)
        if not id_:
            raise InputError(where, id_, "a non-empty id")
        if id_ in self._ids:
            raise InputError(where, id_, "an id not used by another depot, stop or unload site")
        self._ids.add(id_)
        return id_

    def _t(self, where: str, value: Any, *, allow_inf: bool = False) -> float:
        return _quantise(_finite(where, value, allow_inf=allow_inf), self._scale)

    def _loads(self, where: str, values: Any) -> tuple[float, ...]:
        vals = [values] if isinstance(values, int | float) else list(values)
        if len(vals) != len(self._dims):
            raise InputError(where, values, f"{len(self._dims)} numbers, one per dimension "
                                            f"{list(self._dims)}")
        return tuple(round(_finite(f"{where}[{k}]", v) * self._load_scale) / self._load_scale
                     for k, v in enumerate(vals))

    # ------------------------------------------------------------------ adders

    def add_depot(self, id: str, *, location: str | None = None) -> int:
        """Add a depot at ``location`` (default: the location with the same id).

        Returns
        -------
        int
            The depot's index.
        """
        id_ = self._new_id(f"depot {id!r}", id)
        self._depots.append(Depot(id_, self._location(f"depot {id_!r}.location", location,
                                                      id_)))
        return len(self._depots) - 1

    def add_unload_site(self, id: str, *, location: str | None = None,
                        unload_duration: float = 0.0, tw_start: float = 0.0,
                        tw_end: float = math.inf) -> int:
        """Add an unload site (where a vehicle's load is reset to zero).

        Returns
        -------
        int
            The site's index.
        """
        id_ = self._new_id(f"unload site {id!r}", id)
        w = f"unload site {id_!r}"
        site = UnloadSite(id_, self._location(f"{w}.location", location, id_),
                          self._t(f"{w}.unload_duration", unload_duration),
                          self._t(f"{w}.tw_start", tw_start),
                          self._t(f"{w}.tw_end", tw_end, allow_inf=True))
        if site.tw_start > site.tw_end:
            raise InputError(f"{w}.tw_end", tw_end, f">= tw_start ({tw_start})")
        self._sites.append(site)
        return len(self._sites) - 1

    def add_stop(self, id: str, *, demand: Any, location: str | None = None,
                 service: float = 0.0, tw_start: float = 0.0, tw_end: float = math.inf,
                 release_time: float = 0.0, end: str | None = None,
                 service_distance: float = 0.0, group: str | None = None) -> int:
        """Add a stop to serve exactly once.

        Parameters
        ----------
        id
            Unique id.
        demand
            One number per load dimension (a bare number when there is one dimension).
        location
            Location id (default: the location with the same id).
        service, tw_start, tw_end, release_time
            See :class:`Stop`.
        end, service_distance
            A task (a street run): service starts at ``location`` and ends at location
            ``end`` after driving ``service_distance`` (default: a point, no distance).
        group
            Id of the group of stops served exactly once by one member (see
            :class:`StopGroup`), or ``None``.

        Returns
        -------
        int
            The stop's index.
        """
        id_ = self._new_id(f"stop {id!r}", id)
        w = f"stop {id_!r}"
        stop = Stop(id_, self._location(f"{w}.location", location, id_),
                    self._loads(f"{w}.demand", demand), self._t(f"{w}.service", service),
                    self._t(f"{w}.tw_start", tw_start),
                    self._t(f"{w}.tw_end", tw_end, allow_inf=True),
                    self._t(f"{w}.release_time", release_time))
        if stop.tw_start > stop.tw_end:
            raise InputError(f"{w}.tw_end", tw_end, f">= tw_start ({tw_start})")
        k = len(self._stops)
        if end is not None or service_distance:
            self._tasks[k] = (self._location(f"{w}.end", end, self._locs[stop.location]),
                              self._t(f"{w}.service_distance", service_distance))
        if group is not None:
            self._groups.setdefault(ident(f"{w}.group", group), []).append(k)
        self._stops.append(stop)
        return k

    def add_vehicle_type(self, name: str, *, depot: str, count: int, capacity: Any,
                         end_depot: str | None = None, fixed_cost: float = 0.0,
                         cost_per_distance: float = 1.0, cost_per_duration: float = 0.0,
                         shift_start: float = 0.0, shift_end: float = math.inf,
                         max_duration: float | None = None, max_stops: int | None = None,
                         unload_sites: Iterable[str] = (), max_unloads: int | None = None,
                         return_empty: bool = False,
                         breaks: Break | None = None) -> int:
        """Add a vehicle type; depots and unload sites are named by id.

        See :class:`VehicleType` for the meaning of each option. Depots and unload sites
        may be added before or after the vehicle type; references are resolved by
        :meth:`data`.

        Returns
        -------
        int
            The type's index.
        """
        w = f"vehicle type {name!r}"
        if any(v["name"] == name for v in self._vtypes):
            raise InputError(w, name, "a vehicle type name not used before")
        if not (isinstance(count, int | np.integer) and count >= 1):
            raise InputError(f"{w}.count", count, "an integer >= 1")
        if max_stops is not None and not (isinstance(max_stops, int) and max_stops >= 1):
            raise InputError(f"{w}.max_stops", max_stops, "an integer >= 1 or None")
        if max_unloads is not None and not (isinstance(max_unloads, int) and max_unloads >= 0):
            raise InputError(f"{w}.max_unloads", max_unloads, "an integer >= 0 or None")
        start = self._t(f"{w}.shift_start", shift_start)
        end = self._t(f"{w}.shift_end", shift_end, allow_inf=True)
        if start > end:
            raise InputError(f"{w}.shift_end", shift_end, f">= shift_start ({shift_start})")
        brk = None
        if breaks is not None:
            brk = Break(self._t(f"{w}.breaks.earliest_start", breaks.earliest_start),
                        self._t(f"{w}.breaks.latest_start", breaks.latest_start),
                        self._t(f"{w}.breaks.duration", breaks.duration))
            if brk.earliest_start > brk.latest_start:
                raise InputError(f"{w}.breaks.latest_start", breaks.latest_start,
                                 f">= earliest_start ({breaks.earliest_start})")
        self._vtypes.append(dict(
            name=str(name), depot=str(depot),
            end_depot=str(depot if end_depot is None else end_depot), count=int(count),
            capacity=self._loads(f"{w}.capacity", capacity),
            fixed_cost=_finite(f"{w}.fixed_cost", fixed_cost),
            cost_per_distance=_finite(f"{w}.cost_per_distance", cost_per_distance),
            cost_per_duration=_finite(f"{w}.cost_per_duration", cost_per_duration),
            shift_start=start, shift_end=end,
            max_duration=None if max_duration is None
            else self._t(f"{w}.max_duration", max_duration),
            max_stops=max_stops, unload_sites=tuple(str(u) for u in unload_sites),
            max_unloads=max_unloads, return_empty=bool(return_empty), breaks=brk))
        return len(self._vtypes) - 1

    # ------------------------------------------------------------------ freeze

    def data(self) -> RoutingProblem:
        """Check references and basic feasibility and return the frozen problem.

        Raises
        ------
        InputError
            A vehicle type names an unknown depot or unload site, or no depot/vehicle.
        InfeasibleError
            A stop's demand exceeds every vehicle's capacity, or ``return_empty`` is asked
            of a type with no unload site.
        """
        if not self._depots:
            raise InputError("depots", [], "at least one depot (add_depot)")
        if not self._vtypes:
            raise InputError("vehicle_types", [], "at least one vehicle type")
        dep = {d.id: k for k, d in enumerate(self._depots)}
        site = {u.id: k for k, u in enumerate(self._sites)}
        vtypes = []
        for v in self._vtypes:
            w = f"vehicle type {v['name']!r}"
            for key in ("depot", "end_depot"):
                if v[key] not in dep:
                    raise InputError(f"{w}.{key}", v[key], f"one of the depots {sorted(dep)}")
            for u in v["unload_sites"]:
                if u not in site:
                    raise InputError(f"{w}.unload_sites", u,
                                     f"ids of unload sites {sorted(site)}")
            if v["return_empty"] and not v["unload_sites"]:
                raise InfeasibleError(f"{w} must return empty (return_empty=True) but may use "
                                      "no unload site; list its unload_sites")
            vtypes.append(VehicleType(**{
                **v, "depot": dep[v["depot"]], "end_depot": dep[v["end_depot"]],
                "unload_sites": tuple(site[u] for u in v["unload_sites"])}))
        caps = np.array([v.capacity for v in vtypes])
        for s in self._stops:
            if not (np.asarray(s.demand) <= caps).all(axis=1).any():
                raise InfeasibleError(
                    f"stop {s.id!r} has demand {list(s.demand)} {list(self._dims)}, more than "
                    f"any vehicle carries (capacities {caps.tolist()}); split the stop or add "
                    "a larger vehicle type")
        locs, dist, dur, stops = self._task_locations()
        group_of = {k: g for g, members in enumerate(self._groups.values()) for k in members}
        stops = [dataclasses.replace(s, group=group_of.get(k)) for k, s in enumerate(stops)]
        groups = tuple(StopGroup(g, tuple(m)) for g, m in self._groups.items())
        return RoutingProblem(self._name, locs, dist, dur, tuple(self._depots), tuple(vtypes),
                              tuple(stops), tuple(self._sites), self._dims, self._scale,
                              self._load_scale, self._convention, groups)

    def _task_locations(self) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, list[Stop]]:
        """Locations and matrices with one more location per task (``"task:<id>"``):
        arriving there is arriving at its start, leaving it is leaving its end, and every
        arc into it adds the distance driven while serving."""
        if not self._tasks:
            return self._locs, self._distance, self._duration, self._stops
        n, tasks = len(self._locs), sorted(self._tasks)
        taken = set(self._locs)
        for k in tasks:
            if f"task:{self._stops[k].id}" in taken:
                raise InputError("locations", f"task:{self._stops[k].id}",
                                 "location ids not starting with 'task:'")
        into = np.concatenate([np.arange(n), [self._stops[k].location for k in tasks]])
        out = np.concatenate([np.arange(n), [self._tasks[k][0] for k in tasks]])
        extra = np.concatenate([np.zeros(n), [self._tasks[k][1] for k in tasks]])
        mats = []
        for base, add in ((self._distance, extra), (self._duration, np.zeros_like(extra))):
            m = base[np.ix_(out, into)]
            unusable = m >= INF_TIME
            m += add[None, :]
            m[unusable] = float(INF_TIME)
            np.fill_diagonal(m, 0.0)
            m.setflags(write=False)
            mats.append(m)
        stops = list(self._stops)
        for j, k in enumerate(tasks):
            stops[k] = dataclasses.replace(stops[k], location=n + j)
        locs = self._locs + tuple(f"task:{self._stops[k].id}" for k in tasks)
        return locs, mats[0], mats[1], stops
