"""The scenario: one validated, immutable description of a municipal waste cluster.

A :class:`Scenario` holds everything the solvers read: material streams, collection
points (container sites), sorting-complex candidates with capacity options, depots with
their fleets, recycling SMEs, landfills and global parameters. Every object validates
itself on construction and is frozen afterwards; mappings are read-only views.

Units
-----
Positions are WGS84 degrees. Masses are tonnes, volumes cubic metres, times minutes
(times of day are minutes after midnight), distances kilometres, money in the
scenario's ``currency`` (default USD). Costs called *annual* are annualised; daily
quantities are per working day.

JSON
----
:meth:`Scenario.to_json` / :meth:`Scenario.from_json` round-trip exactly. The JSON holds
``schema_version``; files of another version are refused with an explanation. A collection
point may give ``tonnes_per_day`` per stream, or ``total_tonnes_per_day`` with a
``composition`` (shares per stream that sum to 1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from circularopt._serial import Spec, Specs, from_data, to_data
from circularopt._validate import (
    choice,
    frozen_map,
    ident,
    integer,
    number,
    position,
    sequence,
    window,
)
from circularopt._validate import composition as check_composition
from circularopt.exceptions import InputError
from circularopt.geo import great_circle

__all__ = [
    "DEFAULT_STREAMS",
    "READABLE_VERSIONS",
    "SCHEMA_VERSION",
    "SERVE_RULES",
    "WEEKDAYS",
    "CapacityOption",
    "CollectionPoint",
    "CollectionStreet",
    "ComplexCandidate",
    "Depot",
    "Landfill",
    "Parameters",
    "Recycler",
    "Scenario",
    "Stream",
    "VehicleType",
    "Week",
]

SCHEMA_VERSION = 2
"""Version of the scenario JSON schema written by this release (2: collection streets)."""

READABLE_VERSIONS = (1, 2)
"""Schema versions this release reads. Version 1 is version 2 without streets: a version-1
scenario is written back as it was read, and takes version 2 to hold streets."""

SERVE_RULES = ("both_sides_one_pass", "each_direction")
"""How a collection street is served: both sides in one pass, in either direction (narrow
residential streets), or each direction separately (wide or one-way streets)."""

def _where(obj: object, ident: str) -> str:
    return f"{type(obj).__name__} {ident!r}"


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Stream:
    """A material stream.

    Parameters
    ----------
    name
        Stream name, e.g. ``"plastic"``.
    density_t_per_m3
        Bulk density in a compacting truck, tonnes per cubic metre; converts tonnes to the
        volume that vehicles' m3 capacities limit.
    recyclable
        Whether sorting can recover it for recyclers (``residual`` is not).
    loose_density_t_per_m3
        Density of the loose waste in a container, tonnes per cubic metre; converts a
        department's container volumes to tonnes. ``None``: unknown (the in-truck density
        is used, which overstates the tonnes).
    """

    name: str
    density_t_per_m3: float = 0.35
    recyclable: bool = True
    loose_density_t_per_m3: float | None = None

    def __post_init__(self) -> None:
        ident("Stream.name", self.name)
        number(f"Stream {self.name!r}.density_t_per_m3", self.density_t_per_m3, lo=0,
                lo_open=True)
        if self.loose_density_t_per_m3 is not None:
            number(f"Stream {self.name!r}.loose_density_t_per_m3",
                   self.loose_density_t_per_m3, lo=0, lo_open=True)


DEFAULT_STREAMS: tuple[Stream, ...] = (
    Stream("plastic", 0.12, loose_density_t_per_m3=0.03),
    Stream("paper", 0.20, loose_density_t_per_m3=0.06),
    Stream("glass", 0.60, loose_density_t_per_m3=0.30),
    Stream("metal", 0.25, loose_density_t_per_m3=0.06),
    Stream("organics", 0.55, loose_density_t_per_m3=0.40),
    Stream("residual", 0.40, recyclable=False, loose_density_t_per_m3=0.15),
)
"""The six default streams with typical densities (t/m3, approximate, assumed): compacted
in a truck, and loose in a container (the order of magnitude of published volume-to-weight
conversion factors, e.g. the US EPA's; a department that weighs its waste should give
its own)."""


@dataclass(frozen=True)
class CollectionPoint:
    """A container site (or a door-to-door collection cell) that trucks empty.

    Parameters
    ----------
    id
        Unique id across the scenario's located objects.
    lat, lon
        Position, WGS84 degrees.
    tonnes_per_day
        Waste per working day by stream, tonnes. Use :meth:`from_total` to give a total
        and a composition instead.
    service_minutes
        Time to empty the site's containers.
    time_window
        ``(earliest, latest)`` arrival in minutes after midnight, or ``None``.
    collections_per_week
        How often the site is emptied (1-7). Daily tonnes are the average over working
        days; a visit collects ``tonnes_per_day * 7 / collections_per_week`` on average
        (see :attr:`tonnes_per_visit`).
    name
        Free text, e.g. the district.
    visit_patterns
        Allowed collection days, each a list of ``collections_per_week`` day names
        (``[["Mon", "Thu"], ["Tue", "Fri"]]``); empty: evenly spaced over the scenario's
        :class:`Week`.
    fixed_days
        The point's collection days when they are fixed (wins over ``visit_patterns``).
    """

    id: str
    lat: float
    lon: float
    tonnes_per_day: Mapping[str, float]
    service_minutes: float = 5.0
    time_window: tuple[float, float] | None = None
    collections_per_week: int = 7
    name: str = ""
    visit_patterns: tuple[tuple[str, ...], ...] = ()
    fixed_days: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = _where(self, ident("CollectionPoint.id", self.id))
        position(where, self.lat, self.lon)
        object.__setattr__(self, "tonnes_per_day",
                           frozen_map(f"{where}.tonnes_per_day", self.tonnes_per_day))
        number(f"{where}.service_minutes", self.service_minutes, lo=0)
        object.__setattr__(self, "time_window", window(f"{where}.time_window",
                                                        self.time_window))
        integer(f"{where}.collections_per_week", self.collections_per_week, lo=1, hi=7)
        object.__setattr__(self, "visit_patterns", tuple(
            _day_names(f"{where}.visit_patterns[{i}]", p)
            for i, p in enumerate(sequence(f"{where}.visit_patterns", self.visit_patterns))))
        object.__setattr__(self, "fixed_days",
                           _day_names(f"{where}.fixed_days", self.fixed_days))

    @classmethod
    def from_total(cls, id: str, lat: float, lon: float, total_tonnes_per_day: float,
                   composition: Mapping[str, float], **kwargs: Any) -> CollectionPoint:
        """Build a point from its total daily tonnes and a composition (shares sum to 1)."""
        where = f"CollectionPoint {id!r}"
        total = number(f"{where}.total_tonnes_per_day", total_tonnes_per_day, lo=0)
        shares = check_composition(f"{where}.composition", composition)
        return cls(id, lat, lon, {s: total * f for s, f in shares.items()}, **kwargs)

    @property
    def total_tonnes_per_day(self) -> float:
        """Total waste per working day, all streams, tonnes."""
        return float(sum(self.tonnes_per_day.values()))

    @property
    def tonnes_per_visit(self) -> float:
        """Average tonnes collected per visit, all streams."""
        return self.total_tonnes_per_day * 7.0 / self.collections_per_week


@dataclass(frozen=True)
class CollectionStreet:
    """A street whose residents hand bags to a passing truck (curbside collection).

    Parameters
    ----------
    id
        Unique id across the scenario's streets and located objects.
    from_lat, from_lon, to_lat, to_lon
        The street's two ends, WGS84 degrees (the road edge it runs along).
    tonnes_per_day
        Waste per working day by stream, tonnes.
    households
        Households served along the street.
    service_min_per_household, service_min_per_km
        Collection time while serving: per household and per kilometre of street (the
        service time is their sum over the street).
    rule
        One of :data:`SERVE_RULES`: ``both_sides_one_pass`` (served once, in either
        allowed direction) or ``each_direction`` (each side on its own pass).
    oneway
        The street may only be driven from ``from`` to ``to``.
    length_km
        Length along the street; ``None``: the straight line between the ends.
    osm_from, osm_to
        OpenStreetMap node ids of the ends, when the street comes from a road network.
    name
        Street name (OSM ``name`` where known), shown in route sheets.
    zone
        The private-house zone (district) it belongs to.
    synthetic
        True for a generated street (no real street behind it); labelled in outputs.
    collections_per_week
        Collection days a week (1-7; 7 means every working day), as for a
        :class:`CollectionPoint`; each visit collects the waste of the calendar days since
        the previous one.
    fixed_days
        The street's collection days when they are fixed (day names).
    """

    id: str
    from_lat: float
    from_lon: float
    to_lat: float
    to_lon: float
    tonnes_per_day: Mapping[str, float]
    households: int = 0
    service_min_per_household: float = 0.0
    service_min_per_km: float = 0.0
    rule: str = "both_sides_one_pass"
    oneway: bool = False
    length_km: float | None = None
    osm_from: int | None = None
    osm_to: int | None = None
    name: str = ""
    zone: str = ""
    synthetic: bool = False
    collections_per_week: int = 7
    fixed_days: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = _where(self, ident("CollectionStreet.id", self.id))
        position(f"{where} from", self.from_lat, self.from_lon)
        position(f"{where} to", self.to_lat, self.to_lon)
        object.__setattr__(self, "tonnes_per_day",
                           frozen_map(f"{where}.tonnes_per_day", self.tonnes_per_day))
        integer(f"{where}.households", self.households)
        number(f"{where}.service_min_per_household", self.service_min_per_household, lo=0)
        number(f"{where}.service_min_per_km", self.service_min_per_km, lo=0)
        choice(f"{where}.rule", self.rule, SERVE_RULES)
        if self.length_km is not None:
            number(f"{where}.length_km", self.length_km, lo=0)
        for end in ("osm_from", "osm_to"):
            if getattr(self, end) is not None:
                integer(f"{where}.{end}", getattr(self, end))
        zone = f"{where} (zone {self.zone!r})" if self.zone else where
        integer(f"{zone}.collections_per_week", self.collections_per_week, lo=1, hi=7)
        object.__setattr__(self, "fixed_days", _day_names(f"{zone}.fixed_days", self.fixed_days))

    @property
    def total_tonnes_per_day(self) -> float:
        """Total waste per working day, all streams, tonnes."""
        return float(sum(self.tonnes_per_day.values()))

    @property
    def km(self) -> float:
        """Length: ``length_km``, or the great-circle distance between the ends."""
        if self.length_km is not None:
            return self.length_km
        return float(great_circle(self.from_lat, self.from_lon, self.to_lat, self.to_lon)) / 1000.0

    @property
    def service_minutes(self) -> float:
        """Time to collect along the street (households plus length)."""
        return (self.households * self.service_min_per_household
                + self.km * self.service_min_per_km)


@dataclass(frozen=True)
class CapacityOption:
    """One size a sorting complex can be built at.

    Parameters
    ----------
    capacity_t_per_day
        Throughput, tonnes per working day.
    annual_fixed_cost
        Annualised investment plus fixed operating cost per year.
    """

    capacity_t_per_day: float
    annual_fixed_cost: float

    def __post_init__(self) -> None:
        number("CapacityOption.capacity_t_per_day", self.capacity_t_per_day, lo=0,
                lo_open=True)
        number("CapacityOption.annual_fixed_cost", self.annual_fixed_cost, lo=0)


@dataclass(frozen=True)
class ComplexCandidate:
    """A candidate site for a sorting complex.

    Parameters
    ----------
    id, lat, lon
        Unique id and position.
    capacity_options
        Sizes it may be built at; at most one is chosen.
    variable_cost_per_tonne
        Sorting cost per tonne received.
    recovery_rate
        Share of each stream's input recovered as recyclate (0-1); the rest is residue for
        the landfill. Streams not named recover nothing.
    approximate
        True when the position is approximate (not a surveyed plot).
    name
        Free text.
    """

    id: str
    lat: float
    lon: float
    capacity_options: tuple[CapacityOption, ...]
    variable_cost_per_tonne: float
    recovery_rate: Mapping[str, float]
    approximate: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        where = _where(self, ident("ComplexCandidate.id", self.id))
        position(where, self.lat, self.lon)
        sequence(f"{where}.capacity_options", self.capacity_options)
        opts = tuple(from_data(CapacityOption, o, f"{where}.capacity_options[{i}]", lenient=True)
                     for i, o in enumerate(self.capacity_options))
        if not opts:
            raise InputError(f"{where}.capacity_options", [], "at least one capacity option")
        object.__setattr__(self, "capacity_options", opts)
        number(f"{where}.variable_cost_per_tonne", self.variable_cost_per_tonne, lo=0)
        object.__setattr__(self, "recovery_rate",
                           frozen_map(f"{where}.recovery_rate", self.recovery_rate, hi=1.0))

    @property
    def max_capacity_t_per_day(self) -> float:
        """Largest capacity option, tonnes per day."""
        return max(o.capacity_t_per_day for o in self.capacity_options)


@dataclass(frozen=True)
class VehicleType:
    """A type of collection truck based at a depot.

    Parameters
    ----------
    id
        Unique within its depot.
    capacity_tonnes, capacity_m3
        Payload limits; a load must respect both (volume from stream densities).
    count
        Trucks of this type available per day.
    fixed_cost_per_day
        Cost of using one truck on a working day (depreciation, crew base).
    cost_per_km, cost_per_hour
        Variable costs while on the road.
    shift_start_minutes
        Shift start, minutes after midnight.
    shift_minutes
        Maximum route duration including unloading.
    unload_minutes
        Time to unload at a sorting complex or landfill.
    """

    id: str
    capacity_tonnes: float
    capacity_m3: float
    count: int
    fixed_cost_per_day: float = 0.0
    cost_per_km: float = 0.0
    cost_per_hour: float = 0.0
    shift_start_minutes: float = 420.0
    shift_minutes: float = 480.0
    unload_minutes: float = 20.0

    def __post_init__(self) -> None:
        where = _where(self, ident("VehicleType.id", self.id))
        number(f"{where}.capacity_tonnes", self.capacity_tonnes, lo=0, lo_open=True)
        number(f"{where}.capacity_m3", self.capacity_m3, lo=0, lo_open=True)
        integer(f"{where}.count", self.count, lo=0)
        for name in ("fixed_cost_per_day", "cost_per_km", "cost_per_hour",
                     "shift_start_minutes", "unload_minutes"):
            number(f"{where}.{name}", getattr(self, name), lo=0)
        number(f"{where}.shift_minutes", self.shift_minutes, lo=0, lo_open=True)


@dataclass(frozen=True)
class Depot:
    """A truck depot and its fleet."""

    id: str
    lat: float
    lon: float
    vehicle_types: tuple[VehicleType, ...]
    name: str = ""

    def __post_init__(self) -> None:
        where = _where(self, ident("Depot.id", self.id))
        position(where, self.lat, self.lon)
        sequence(f"{where}.vehicle_types", self.vehicle_types)
        vts = tuple(from_data(VehicleType, v, f"{where}.vehicle_types[{i}]", lenient=True)
                    for i, v in enumerate(self.vehicle_types))
        _unique([v.id for v in vts], f"{where}.vehicle_types")
        object.__setattr__(self, "vehicle_types", vts)


@dataclass(frozen=True)
class Recycler:
    """A recycling SME (existing, or a candidate that may be opened).

    Parameters
    ----------
    id, lat, lon
        Unique id and position.
    price_per_tonne
        Streams accepted, each with the price it pays per tonne delivered (negative: a gate
        fee the cluster pays).
    capacity_t_per_day
        Total intake, all streams, tonnes per working day.
    existing
        False for a candidate that must be opened first.
    opening_cost
        Annualised cost of opening a candidate (0 for existing ones).
    approximate
        True when the position is approximate or illustrative.
    """

    id: str
    lat: float
    lon: float
    price_per_tonne: Mapping[str, float]
    capacity_t_per_day: float
    existing: bool = True
    opening_cost: float = 0.0
    approximate: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        where = _where(self, ident("Recycler.id", self.id))
        position(where, self.lat, self.lon)
        prices = frozen_map(f"{where}.price_per_tonne", self.price_per_tonne, lo=None)
        if not prices:
            raise InputError(f"{where}.price_per_tonne", {}, "at least one accepted stream")
        object.__setattr__(self, "price_per_tonne", prices)
        number(f"{where}.capacity_t_per_day", self.capacity_t_per_day, lo=0)
        number(f"{where}.opening_cost", self.opening_cost, lo=0)

    @property
    def streams(self) -> tuple[str, ...]:
        """Streams this recycler accepts."""
        return tuple(self.price_per_tonne)


@dataclass(frozen=True)
class Landfill:
    """A landfill (or other final disposal such as waste-to-energy).

    Parameters
    ----------
    tipping_fee_per_tonne
        Gate fee per tonne disposed.
    capacity_t_per_day
        Intake limit, or ``None`` for no limit.
    """

    id: str
    lat: float
    lon: float
    tipping_fee_per_tonne: float
    capacity_t_per_day: float | None = None
    approximate: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        where = _where(self, ident("Landfill.id", self.id))
        position(where, self.lat, self.lon)
        number(f"{where}.tipping_fee_per_tonne", self.tipping_fee_per_tonne, lo=0)
        if self.capacity_t_per_day is not None:
            number(f"{where}.capacity_t_per_day", self.capacity_t_per_day, lo=0)


@dataclass(frozen=True)
class Parameters:
    """Global parameters.

    Parameters
    ----------
    working_days_per_year
        Days of collection per year; converts daily to annual figures.
    fuel_litres_per_km
        Diesel use of a collection truck.
    kg_co2_per_litre
        Emission factor of diesel (2.68 kg CO2 per litre: tank-to-wheel, IPCC 2006
        default for diesel oil).
    transfer_cost_per_tonne_km
        Cost of hauling sorted material from a complex to a recycler or residue to a
        landfill, per tonne and km.
    currency
        Currency of all money amounts.
    """

    working_days_per_year: float = 300.0
    fuel_litres_per_km: float = 0.45
    kg_co2_per_litre: float = 2.68
    transfer_cost_per_tonne_km: float = 0.15
    currency: str = "USD"

    def __post_init__(self) -> None:
        number("Parameters.working_days_per_year", self.working_days_per_year, lo=1,
                hi=366)
        number("Parameters.fuel_litres_per_km", self.fuel_litres_per_km, lo=0)
        number("Parameters.kg_co2_per_litre", self.kg_co2_per_litre, lo=0)
        number("Parameters.transfer_cost_per_tonne_km", self.transfer_cost_per_tonne_km,
                lo=0)
        ident("Parameters.currency", self.currency)


# --------------------------------------------------------------------------- the week

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Day names of the calendar week, in order."""


def _day_names(where: str, value: Any) -> tuple[str, ...]:
    days = tuple(sequence(where, value))
    for d in days:
        if d not in WEEKDAYS:
            raise InputError(where, d, f"a day name: {', '.join(WEEKDAYS)}")
    return days


@dataclass(frozen=True, kw_only=True)
class Week:
    """The collection week: working days and the trucks available on each.

    Parameters
    ----------
    working_days
        Names from :data:`WEEKDAYS` (default Monday to Saturday), kept in calendar order.
    trucks_per_day
        Day name -> trucks available that day (the fleet's types taken in order up to
        it); days not named keep the full fleet.
    source
        Where the week comes from, or ``"assumed: ..."``.
    """

    working_days: tuple[str, ...] = WEEKDAYS[:6]
    trucks_per_day: Mapping[str, int] = field(default_factory=dict)
    source: str = "assumed: Monday to Saturday, the full fleet every day"

    def __post_init__(self) -> None:
        days = _day_names("week.working_days", self.working_days)
        if not days or len(set(days)) != len(days):
            raise InputError("week.working_days", list(days),
                             f"distinct day names among {', '.join(WEEKDAYS)}")
        object.__setattr__(self, "working_days", tuple(sorted(days, key=WEEKDAYS.index)))
        if not isinstance(self.trucks_per_day, Mapping):
            raise InputError("week.trucks_per_day", self.trucks_per_day,
                             "a mapping of day name to trucks")
        for day, n in self.trucks_per_day.items():
            self.index(day, "week.trucks_per_day")
            integer(f"week.trucks_per_day.{day}", n, lo=0)
        object.__setattr__(self, "trucks_per_day",
                           MappingProxyType(dict(self.trucks_per_day)))

    @property
    def calendar(self) -> tuple[int, ...]:
        """Offset of each working day in the 7-day week (Monday 0)."""
        return tuple(WEEKDAYS.index(d) for d in self.working_days)

    def index(self, day: object, where: str) -> int:
        """Position of ``day`` among the working days; InputError naming ``where``."""
        if day not in self.working_days:
            raise InputError(where, day, f"a working day: {', '.join(self.working_days)}")
        return self.working_days.index(str(day))

    def visits(self, frequency: int, where: str) -> int:
        """Visits a week of a point collected ``frequency`` times (7: every working day).

        Raises InputError naming ``where`` for more visits than working days.
        """
        days = len(self.working_days)
        freq = days if frequency == 7 else frequency
        if not isinstance(freq, int) or isinstance(freq, bool) or not 1 <= freq <= days:
            raise InputError(where, frequency,
                             f"1 to {days} visits a week (the working days "
                             f"{', '.join(self.working_days)}), or 7 for every working day")
        return freq

    def days_of(self, names: Any, visits: int, where: str) -> tuple[int, ...]:
        """Sorted working-day positions of ``names``, which must be ``visits`` days."""
        idx = sorted({self.index(d, where) for d in sequence(where, names)})
        if len(idx) != visits:
            raise InputError(where, list(names), f"{visits} distinct working days "
                                                 f"(collections_per_week is {visits})")
        return tuple(idx)

    def check_point(self, point: CollectionPoint | CollectionStreet) -> None:
        """Raise InputError if the point's (or street's) frequency, patterns or fixed days
        do not fit; the error names the point or street (and its zone)."""
        where = _where(point, point.id)
        if isinstance(point, CollectionStreet) and point.zone:
            where += f" (zone {point.zone!r})"
        visits = self.visits(point.collections_per_week, f"{where}.collections_per_week")
        for i, p in enumerate(getattr(point, "visit_patterns", ())):
            self.days_of(p, visits, f"{where}.visit_patterns[{i}]")
        if point.fixed_days:
            self.days_of(point.fixed_days, visits, f"{where}.fixed_days")


# --------------------------------------------------------------------------- scenario


def _unique(ids: Iterable[str], where: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise InputError(where, i, "unique ids (this id appears more than once)")
        seen.add(i)


_JSON_PARTS: Specs = {
    CollectionPoint: Spec(omit_default=frozenset({"visit_patterns", "fixed_days"})),
    CollectionStreet: Spec(omit_default=frozenset({"collections_per_week", "fixed_days"})),
    Stream: Spec(omit_default=frozenset({"loose_density_t_per_m3"})),
}
"""How a scenario writes its points and streams (later fields left out at defaults)."""
_JSON = Spec(omit_default=frozenset({"week"}))
"""How a scenario writes itself: the week left out at its default."""


@dataclass(frozen=True)
class Scenario:
    """A complete, validated waste-logistics scenario.

    Parameters
    ----------
    name
        Scenario name, e.g. ``"bishkek-summer"``.
    streams
        Material streams; every stream named elsewhere must be one of these.
    collection_points, complex_candidates, depots, recyclers, landfills
        The located objects. Ids are unique across all of them.
    parameters
        Global parameters.
    metadata
        Free-form provenance (city, season, seed, sources, ``approximate_positions``).
    week
        The collection week (working days, trucks per day); a file without it gets the
        default :class:`Week` (Monday to Saturday, marked assumed).
    schema_version
        JSON schema version, one of :data:`READABLE_VERSIONS` (streets need version 2).
    streets
        Collection streets (curbside bag collection), served by arc routing.
    """

    name: str
    streams: tuple[Stream, ...] = DEFAULT_STREAMS
    collection_points: tuple[CollectionPoint, ...] = ()
    complex_candidates: tuple[ComplexCandidate, ...] = ()
    depots: tuple[Depot, ...] = ()
    recyclers: tuple[Recycler, ...] = ()
    landfills: tuple[Landfill, ...] = ()
    parameters: Parameters = field(default_factory=Parameters)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    week: Week = field(default_factory=Week)
    schema_version: int = SCHEMA_VERSION
    streets: tuple[CollectionStreet, ...] = ()

    def __post_init__(self) -> None:
        ident("Scenario.name", self.name)
        if self.schema_version not in READABLE_VERSIONS:
            raise InputError("schema_version", self.schema_version,
                             f"one of {list(READABLE_VERSIONS)} (this release of circularopt)")
        for name in ("streams", "collection_points", "complex_candidates", "depots",
                     "recyclers", "landfills", "streets"):
            object.__setattr__(self, name, tuple(sequence(name, getattr(self, name))))
        if not isinstance(self.metadata, Mapping):
            raise InputError("metadata", self.metadata, "a mapping (a JSON object)")
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))
        if not self.streams:
            raise InputError("streams", [], "at least one material stream")
        _unique([s.name for s in self.streams], "streams")
        if self.streets and self.schema_version < 2:
            raise InputError("schema_version", self.schema_version,
                             "2 for a scenario with collection streets")
        _unique([obj.id for obj in self.located()] + [t.id for t in self.streets],
                "ids of located objects and streets")
        names = set(self.stream_names)
        valid = f"one of the scenario's streams {sorted(names)}"

        def check(where: str, keys: Iterable[str]) -> None:
            for k in keys:
                if k not in names:
                    raise InputError(where, k, valid)

        for p in self.collection_points:
            check(f"CollectionPoint {p.id!r}.tonnes_per_day", p.tonnes_per_day)
        for t in self.streets:
            check(f"CollectionStreet {t.id!r}.tonnes_per_day", t.tonnes_per_day)
        for c in self.complex_candidates:
            check(f"ComplexCandidate {c.id!r}.recovery_rate", c.recovery_rate)
        for r in self.recyclers:
            check(f"Recycler {r.id!r}.price_per_tonne", r.price_per_tonne)
        if not isinstance(self.week, Week):
            raise InputError("week", self.week, "a Week (working_days, trucks_per_day)")
        for p in self.collection_points:
            self.week.check_point(p)
        for t in self.streets:
            self.week.check_point(t)

    # ---- views

    @property
    def stream_names(self) -> tuple[str, ...]:
        """Names of the streams, in order."""
        return tuple(s.name for s in self.streams)

    def stream(self, name: str) -> Stream:
        """Return the stream called ``name``."""
        for s in self.streams:
            if s.name == name:
                return s
        raise InputError("stream", name, f"one of {list(self.stream_names)}")

    def located(self) -> tuple[CollectionPoint | ComplexCandidate | Depot | Recycler
                               | Landfill, ...]:
        """All located objects: points, complexes, depots, recyclers, landfills, in order."""
        return (*self.collection_points, *self.complex_candidates, *self.depots,
                *self.recyclers, *self.landfills)

    def locations(self) -> tuple[tuple[str, float, float], ...]:
        """``(id, lat, lon)`` of every located object, in :meth:`located` order."""
        return tuple((o.id, o.lat, o.lon) for o in self.located())

    @property
    def total_tonnes_per_day(self) -> float:
        """Waste generated per working day over all collection points, tonnes."""
        return float(sum(p.total_tonnes_per_day for p in self.collection_points))

    def tonnes_by_stream(self) -> dict[str, float]:
        """Waste per working day by stream over all collection points, tonnes."""
        out = dict.fromkeys(self.stream_names, 0.0)
        for p in self.collection_points:
            for s, t in p.tonnes_per_day.items():
                out[s] += t
        return out

    def summary(self) -> str:
        """A short human-readable description."""
        fleet = sum(v.count for d in self.depots for v in d.vehicle_types)
        lines = [
            f"Scenario {self.name!r} (schema {self.schema_version})",
            f"  collection points : {len(self.collection_points):,} "
            f"({self.total_tonnes_per_day:,.1f} t/day)",
            f"  collection streets: {len(self.streets):,} "
            f"({sum(t.total_tonnes_per_day for t in self.streets):,.1f} t/day"
            + (", synthetic" if any(t.synthetic for t in self.streets) else "") + ")",
            "  by stream         : " + ", ".join(
                f"{s} {t:,.1f}" for s, t in self.tonnes_by_stream().items()),
            f"  complex candidates: {len(self.complex_candidates)}",
            f"  depots / trucks   : {len(self.depots)} / {fleet}",
            f"  recyclers         : {len(self.recyclers)}",
            f"  landfills         : {len(self.landfills)}",
        ]
        return "\n".join(lines)

    # ---- JSON

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (inverse of :meth:`from_dict`); a version-1 scenario
        as version 1 (without the ``streets`` key).

        The week, the points' ``visit_patterns`` and ``fixed_days`` and an unknown loose
        stream density are left out at their defaults, so scenarios without them write as
        before.
        """
        data = to_data(self, _JSON, specs=_JSON_PARTS)
        if self.schema_version == 1:
            data.pop("streets", None)
        return data

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 1) -> str:
        """Serialise to JSON; also write it to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Build and validate a scenario from a dict as written by :meth:`to_dict`."""
        if not isinstance(data, Mapping):
            raise InputError("scenario", type(data).__name__, "a JSON object")
        version = data.get("schema_version")
        if version not in READABLE_VERSIONS:
            raise InputError("schema_version", version,
                             f"one of {list(READABLE_VERSIONS)} (this release of circularopt)")
        points = data.get("collection_points", [])
        if not isinstance(points, list | tuple):
            raise InputError("collection_points", type(points).__name__, "a JSON array")
        built = tuple(_build_point(p, f"collection_points[{i}]") for i, p in enumerate(points))
        return from_data(cls, {**data, "collection_points": built}, lenient=True)

    @classmethod
    def from_json(cls, source: str | Path) -> Scenario:
        """Read a scenario from a JSON file path or a JSON string."""
        text: str
        where = "scenario JSON"
        if isinstance(source, Path) or (isinstance(source, str)
                                        and not source.lstrip().startswith("{")):
            path = Path(source)
            where = str(path)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise InputError("scenario file", str(path), f"a readable file ({exc})")\
                    from exc
        else:
            text = str(source)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}, line {exc.lineno} column {exc.colno}",
                             exc.msg, "valid JSON") from exc
        try:
            return cls.from_dict(data)
        except InputError as exc:
            if where == "scenario JSON":
                raise
            raise InputError(f"{where}: {exc.field}", exc.value, exc.expected) from exc


# --------------------------------------------------------------------------- reading


def _build_point(data: Any, where: str) -> CollectionPoint:
    """A collection point from JSON: ``tonnes_per_day``, or a total and a composition."""
    if not (isinstance(data, Mapping) and "total_tonnes_per_day" in data):
        return from_data(CollectionPoint, data, where, lenient=True)
    kw = dict(data)
    try:
        total, comp = kw.pop("total_tonnes_per_day"), kw.pop("composition")
    except KeyError:
        raise InputError(where, "missing 'composition'",
                         "'composition' beside 'total_tonnes_per_day'") from None
    for key in ("id", "lat", "lon"):
        if key not in kw:
            raise InputError(where, f"missing {key!r}", "the keys id, lat, lon")
    try:
        return CollectionPoint.from_total(kw.pop("id"), kw.pop("lat"), kw.pop("lon"),
                                          total, comp, **kw)
    except TypeError as exc:
        raise InputError(where, sorted(kw), f"valid CollectionPoint keys ({exc})") from exc
    except InputError as exc:
        raise InputError(f"{where} ({exc.field})", exc.value, exc.expected) from exc
