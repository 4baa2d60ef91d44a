"""City specs and the generator that turns a spec into a :class:`~circularopt.Scenario`.

A *city spec* is a TOML file in :func:`circularopt.config.cities_dir` (``cities/``) that
describes a municipal waste cluster with sourced figures: districts or towns with their
population and centre, per-capita waste generation, composition by stream, candidate sites
for sorting complexes, recyclers, landfills, depots with their fleets, collection defaults
and, where tourism matters, seasons. ``cities/README.md`` documents the format.

:func:`load_spec` reads and validates a spec into a frozen :class:`CitySpec`; every error
names the file, the key, the value and what would be valid. :func:`generate` draws a
scenario of a given size from a spec, reproducibly for a seed.

How a scenario is generated
---------------------------
1. *People present* in each district: its population times the season's factor for it
   (1 without seasons). The ``size`` container sites are apportioned over districts in
   proportion to people present, by the largest-remainder (Hamilton) method.
2. Each site is placed by a seeded uniform draw in the disc of the district's
   ``radius_km`` around its centre (positions are therefore approximate).
3. District waste per day is ``population * kg_per_person_day / 1000 * season factor``
   tonnes. It is shared among the district's sites with seeded random weights (uniform
   0.5-1.5, normalised), so the district total, and so the city total, is exact. A district
   that receives no site (``size`` smaller than the number of districts) hands its waste to
   the nearest district that has sites. Each site's waste is split by the spec's
   composition.
4. Visits per week are the district's ``collections_per_week`` (else the
   ``[collection]`` default), raised for a site until one visit collects at most half of
   the smallest truck's tonnes and volume (:data:`VISIT_SHARE`; a generator rule,
   assumed): few large sites are then emptied daily, many small ones less often.
   Service minutes grow with the tonnes a visit collects:
   ``service_minutes_fixed + service_minutes_per_tonne * tonnes_per_visit``, so the city's
   total service time barely depends on ``size``.
5. Complex candidates, recyclers, landfills, depots and fleets are taken from the spec as
   they are. The fleet is *not* scaled with ``size``: the total waste does not depend on
   ``size``, so neither does the fleet a day's collection needs.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np

from circularopt._validate import (
    TIME_OF_DAY,
    boolean,
    ident,
    integer,
    number,
    share,
    slug,
    time_of_day,
)
from circularopt._validate import (
    composition as check_composition,
)
from circularopt.config import cities_dir
from circularopt.exceptions import DataNotFoundError, InputError
from circularopt.scenario import (
    DEFAULT_STREAMS,
    CapacityOption,
    CollectionPoint,
    CollectionStreet,
    ComplexCandidate,
    Depot,
    Landfill,
    Parameters,
    Recycler,
    Scenario,
    Stream,
    VehicleType,
    Week,
)

__all__ = [
    "DEFAULT_SIZE",
    "SPEC_VERSION",
    "CitySpec",
    "CollectionDefaults",
    "Corridor",
    "District",
    "PrivateHouses",
    "RoadDistance",
    "Season",
    "apportion",
    "generate",
    "list_cities",
    "load_spec",
    "synthetic_streets",
]

SPEC_VERSION = 1
"""Version of the city-spec format read by this release."""

DEFAULT_SIZE = 300
"""Default number of container sites in a generated scenario."""

_KM_PER_DEG_LAT = 111.32
T = TypeVar("T")


# --------------------------------------------------------------------------- spec types


@dataclass(frozen=True)
class District:
    """A district or town of a city spec.

    Parameters
    ----------
    id
        Unique id (letters, digits, ``-``, ``_``, ``.``).
    name
        Display name.
    lat, lon
        Centre, WGS84 degrees.
    radius_km
        Sites are drawn uniformly within this distance of the centre.
    population
        Residents served, after scaling to the spec's population total.
    population_given
        The figure written in the spec (a census figure or weight) before scaling.
    kg_per_person_day
        Waste collected per resident and day, kg.
    approximate
        True when the centre is approximate.
    source
        Where the figures come from.
    collections_per_week
        Visits a week of the district's sites; ``None``: the spec's ``[collection]``.
    """

    id: str
    name: str
    lat: float
    lon: float
    radius_km: float
    population: float
    population_given: float
    kg_per_person_day: float
    approximate: bool
    source: str
    collections_per_week: int | None = None

    def tonnes_per_day(self, factor: float = 1.0) -> float:
        """Waste per day, tonnes, times a season ``factor``."""
        return self.population * self.kg_per_person_day / 1000.0 * factor


@dataclass(frozen=True)
class Season:
    """A season: a waste multiplier per district (tourists add to residents' waste).

    Parameters
    ----------
    name
        Season name, e.g. ``"summer"``.
    days
        Days per year the season lasts (to weigh seasonal plans against each other).
    default_factor
        Multiplier for districts not named in ``factors``.
    factors
        Multiplier per district id.
    source
        Where the figures come from and how the factors were derived.
    """

    name: str
    days: int
    default_factor: float
    factors: Mapping[str, float]
    source: str

    def factor(self, district_id: str) -> float:
        """Multiplier of a district's resident waste in this season."""
        return self.factors.get(district_id, self.default_factor)


@dataclass(frozen=True)
class CollectionDefaults:
    """How container sites are served.

    Parameters
    ----------
    service_minutes_fixed, service_minutes_per_tonne
        Service time of a visit: fixed part plus a part per tonne collected.
    collections_per_week
        Visits per week (1-7).
    time_window
        ``(earliest, latest)`` minutes after midnight, or ``None``.
    source
        Where the figures come from.
    """

    service_minutes_fixed: float
    service_minutes_per_tonne: float
    collections_per_week: int
    time_window: tuple[float, float] | None
    source: str

    def service_minutes(self, tonnes_per_visit: float) -> float:
        """Service minutes of a visit that collects ``tonnes_per_visit`` tonnes."""
        return self.service_minutes_fixed + self.service_minutes_per_tonne * tonnes_per_visit


@dataclass(frozen=True)
class CitySpec:
    """A validated, immutable city spec (see ``cities/README.md`` for the file format).

    Parameters
    ----------
    name
        Short name, e.g. ``"bishkek"``; also the file stem.
    title
        Display name.
    path
        The file the spec was read from.
    population_total
        Residents of the whole cluster (districts are scaled to it).
    kg_per_person_day
        Default waste collected per resident and day, kg.
    streams
        Material streams.
    composition
        Share of each stream in the collected waste (sums to 1).
    districts
        Districts or towns.
    seasons
        Seasons by name; empty for a city without seasons.
    collection
        Collection defaults.
    complexes, recyclers, landfills, depots
        Scenario objects taken over as they are.
    parameters
        Global scenario parameters.
    sources
        Source of every figure, keyed by its place in the spec (``"districts.leninsky"``).
    illustrative
        Ids of objects that are illustrative (plausible, not a known real facility).
    corridors
        Road corridors between districts (empty: no corridor approximation).
    road_distances
        Published road distances that check the corridors.
    private_houses
        The private-house sector (curbside bag collection), or ``None``.
    week
        The collection week (``[week]``: working days, trucks per day); default
        Monday to Saturday, assumed.
    """

    name: str
    title: str
    path: Path
    population_total: float
    kg_per_person_day: float
    streams: tuple[Stream, ...]
    composition: Mapping[str, float]
    districts: tuple[District, ...]
    seasons: Mapping[str, Season]
    collection: CollectionDefaults
    complexes: tuple[ComplexCandidate, ...]
    recyclers: tuple[Recycler, ...]
    landfills: tuple[Landfill, ...]
    depots: tuple[Depot, ...]
    parameters: Parameters
    sources: Mapping[str, str]
    illustrative: tuple[str, ...]
    corridors: tuple[Corridor, ...] = ()
    road_distances: tuple[RoadDistance, ...] = ()
    private_houses: PrivateHouses | None = None
    week: Week = field(default_factory=Week)

    def season(self, season: str | None) -> Season | None:
        """Return the named season, checking it against the spec.

        Raises
        ------
        InputError
            When the city has seasons and ``season`` is missing or unknown, or the city has
            none and a season is given.
        """
        valid = sorted(self.seasons)
        if not self.seasons:
            if season is not None:
                raise InputError("season", season,
                                 f"no season: {self.name} has no seasons in {self.path}")
            return None
        if season is None or season not in self.seasons:
            raise InputError("season", season,
                             f"one of {valid} (required for {self.name})")
        return self.seasons[season]

    def factors(self, season: str | None) -> dict[str, float]:
        """Season factor of every district (all 1 for a city without seasons)."""
        s = self.season(season)
        return {d.id: 1.0 if s is None else s.factor(d.id) for d in self.districts}

    def tonnes_per_day(self, season: str | None = None) -> float:
        """Total waste per day of the city in ``season``, tonnes."""
        f = self.factors(season)
        return float(sum(d.tonnes_per_day(f[d.id]) for d in self.districts))


@dataclass(frozen=True)
class Corridor:
    """A road corridor: district ids in the order a real road passes them.

    Parameters
    ----------
    id, name
        Id and display name (e.g. the road number).
    settlements
        District ids along the road; consecutive ones are joined by a leg.
    circuity
        Ratio of road length to great-circle length of each leg (legs are estimates:
        great circle x ``circuity``, labelled assumed).
    source
        Where the order of the settlements comes from.
    """

    id: str
    name: str
    settlements: tuple[str, ...]
    circuity: float
    source: str


@dataclass(frozen=True)
class RoadDistance:
    """A published road distance between two districts, used to check the corridors.

    Parameters
    ----------
    a, b
        District ids.
    km
        Road distance, km.
    via
        Corridor id the distance runs along (empty: any).
    source
        Where the figure comes from.
    """

    a: str
    b: str
    km: float
    via: str
    source: str


# --------------------------------------------------------------------------- reading TOML


class _Table:
    """A TOML table being read: remembers the keys used and refuses unknown ones."""

    def __init__(self, data: Any, where: str, file: Path) -> None:
        self.file = file
        self.where = where
        if not isinstance(data, Mapping):
            raise self.error("", data, "a table")
        self.data = dict(data)
        self.used: set[str] = set()

    def key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, value: Any, expected: str) -> InputError:
        place = self.key(key) if key else (self.where or "top level")
        return InputError(f"{self.file}: {place}", _Short(value), expected)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = ..., *, expected: str = "a value") -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                near = difflib.get_close_matches(key, [str(k) for k in self.data], n=1)
                hint = f" (is {near[0]!r} a misspelling of it?)" if near else ""
                raise self.error(key, "missing", f"the key {key!r}: {expected}{hint}")
            return default
        return self.data[key]

    def check(self, key: str, check: Callable[..., T], value: Any, **kw: Any) -> T:
        """``check(key, value, **kw)`` (a check of circularopt._validate), its error
        naming the file and the key."""
        try:
            return check(self.key(key), value, **kw)
        except InputError as exc:
            raise self.error(key, value, exc.expected) from None

    def num(self, key: str, default: Any = ..., *, lo: float | None = None,
            hi: float | None = None, lo_open: bool = False) -> float:
        value = self.raw(key, default, expected="a number")
        return self.check(key, number, value, lo=lo, hi=hi, lo_open=lo_open)

    def opt_num(self, key: str, **kw: Any) -> float | None:
        return self.num(key, **kw) if self.has(key) else self.raw(key, None)

    def int_(self, key: str, default: Any = ..., *, lo: int = 0, hi: int | None = None) -> int:
        return self.check(key, integer, self.raw(key, default, expected="an integer"),
                          lo=lo, hi=hi)

    def str_(self, key: str, default: Any = ...) -> str:
        if default is not ... and not self.has(key):
            self.used.add(key)
            return str(default)
        return self.check(key, ident, self.raw(key, expected="a non-empty string"))

    def ident(self, key: str = "id") -> str:
        return self.check(key, slug, self.str_(key))

    def bool_(self, key: str, default: Any = ...) -> bool:
        return self.check(key, boolean, self.raw(key, default, expected="true or false"))

    def time(self, key: str, default: Any = ...) -> float:
        return self.check(key, time_of_day, self.raw(key, default, expected=TIME_OF_DAY))

    def table(self, key: str, default: Any = ...) -> _Table:
        value = self.raw(key, default, expected="a table")
        if not isinstance(value, Mapping):
            raise self.error(key, value, "a table")
        return _Table(value, self.key(key), self.file)

    def tables(self, key: str, *, required: bool = True) -> Iterator[_Table]:
        value = self.raw(key, ... if required else [], expected="an array of tables")
        if not isinstance(value, list) or (required and not value):
            raise self.error(key, value, "a non-empty array of tables ([[" + key + "]])")
        for i, item in enumerate(value):
            yield _Table(item, f"{self.key(key)}[{i}]", self.file)

    def numbers(self, key: str, names: tuple[str, ...], *, lo: float | None = 0.0,
                hi: float | None = None, default: Any = ...) -> dict[str, float]:
        """A table of stream name -> number (plus optional ``source`` entries)."""
        sub = self.table(key, default)
        out = {}
        for k in sub.data:
            if k == "source" or k.endswith("_source"):
                sub.str_(k)
                continue
            if k not in names:
                raise sub.error(k, sub.data[k], f"a stream name, one of {list(names)}")
            out[k] = sub.num(k, lo=lo, hi=hi)
        return out

    def position(self) -> tuple[float, float]:
        return (self.num("lat", lo=-90, hi=90), self.num("lon", lo=-180, hi=180))

    def source(self) -> str:
        """The table's ``source`` (required) joined with any ``<figure>_source`` keys."""
        parts = [self.str_("source")]
        for k in sorted(self.data):
            if k.endswith("_source"):
                parts.append(f"{k[:-7]}: {self.str_(k)}")
        return "; ".join(parts)

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used
                       - {k for k in self.data if k.endswith("_source")})
        if extra:
            raise self.error(extra[0], self.data[extra[0]],
                             f"one of the known keys {sorted(self.used)} (unknown key "
                             f"{extra[0]!r})")


class _Short:
    """A value shown in an error message, its repr cut to a readable length."""

    def __init__(self, value: Any) -> None:
        self.value: Any = value.value if isinstance(value, _Short) else value

    def __repr__(self) -> str:
        text = repr(self.value)
        return text if len(text) <= 120 else text[:100] + " ...(cut)"

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, _Short) else other)

    __hash__ = None  # type: ignore[assignment]


def _wrap(t: _Table, build: Any) -> Any:
    """Run a scenario constructor, re-raising its InputError with the file and table."""
    try:
        return build()
    except InputError as exc:
        raise t.error("", exc.value, f"{exc.expected} (at {exc.field})") from exc


# --------------------------------------------------------------------------- spec loader


def list_cities() -> list[str]:
    """Names of the city specs in :func:`circularopt.config.cities_dir`, sorted."""
    return sorted(p.stem for p in cities_dir().glob("*.toml"))


def _resolve(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.is_file():
        if not path.is_file():
            raise DataNotFoundError(f"city spec file {path} not found")
        return path
    candidate = cities_dir() / f"{name_or_path}.toml"
    if not candidate.is_file():
        raise InputError("city", str(name_or_path),
                         f"one of {list_cities()} or the path of a .toml city spec")
    return candidate


def load_spec(name_or_path: str | Path) -> CitySpec:
    """Read and validate a city spec.

    Parameters
    ----------
    name_or_path
        A city name from :func:`list_cities` (e.g. ``"bishkek"``) or the path of a
        ``.toml`` spec.

    Returns
    -------
    CitySpec
        The validated, frozen spec.

    Raises
    ------
    InputError
        When the city is unknown or the spec is invalid; the message names the file, the
        key, the value and what is valid.
    DataNotFoundError
        When a given path does not exist.
    """
    path = _resolve(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), str(exc), "valid TOML") from exc
    return _parse(data, path)


def _parse(data: dict[str, Any], path: Path) -> CitySpec:
    top = _Table(data, "", path)
    version = top.int_("spec_version", lo=1)
    if version != SPEC_VERSION:
        raise top.error("spec_version", version, f"{SPEC_VERSION} (this release)")
    name = top.str_("name")
    title = top.str_("title", name)
    top.str_("country", "")
    sources: dict[str, str] = {}

    streams = _streams(top, sources)
    names = tuple(s.name for s in streams)
    population_total, kg = _population(top, sources)
    composition = _composition(top, names, sources)
    collection = _collection(top, sources)
    week = _week(top, sources)
    parameters = _parameters(top, sources)
    districts = _districts(top, population_total, kg, sources)
    ids = {d.id for d in districts}
    seasons = _seasons(top, ids, sources)

    illustrative: list[str] = []
    complexes = _complexes(top, names, sources, illustrative)
    recyclers = _recyclers(top, names, sources, illustrative)
    landfills = _landfills(top, sources, illustrative)
    depots = _depots(top, sources, illustrative)
    corridors = _corridors(top, ids, sources)
    road_distances = _road_distances(top, ids, {c.id for c in corridors}, sources)
    private_houses = _private_houses(top, ids, sources)
    top.done()

    _unique_ids(path, ids, (*complexes, *recyclers, *landfills, *depots))
    return CitySpec(
        name=name, title=title, path=path, population_total=population_total,
        kg_per_person_day=kg, streams=streams, composition=MappingProxyType(composition),
        districts=districts, seasons=MappingProxyType(seasons), collection=collection,
        complexes=complexes, recyclers=recyclers, landfills=landfills, depots=depots,
        parameters=parameters, sources=MappingProxyType(sources),
        illustrative=tuple(illustrative), corridors=corridors,
        road_distances=road_distances, private_houses=private_houses, week=week)


def _district_ref(t: _Table, key: str, value: Any, ids: set[str]) -> str:
    if value not in ids:
        near = difflib.get_close_matches(str(value), sorted(ids), n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise t.error(key, value, f"a district id of this spec{hint}")
    return str(value)


def _corridors(top: _Table, ids: set[str], sources: dict[str, str]) -> tuple[Corridor, ...]:
    """``[[corridors]]``: settlements along real roads (optional)."""
    out = []
    for t in top.tables("corridors", required=False):
        cid = t.ident()
        names = t.raw("settlements", expected="a list of district ids")
        if not isinstance(names, list) or len(names) < 2:
            raise t.error("settlements", names, "a list of at least two district ids")
        settlements = tuple(_district_ref(t, "settlements", n, ids) for n in names)
        out.append(Corridor(cid, t.str_("name", cid), settlements,
                            t.num("circuity", lo=1.0, hi=3.0), t.source()))
        sources[f"corridors.{cid}"] = out[-1].source
        t.done()
    return tuple(out)


def _road_distances(top: _Table, ids: set[str], corridor_ids: set[str],
                    sources: dict[str, str]) -> tuple[RoadDistance, ...]:
    """``[[road_distances]]``: published figures that check the corridors (optional)."""
    out = []
    for i, t in enumerate(top.tables("road_distances", required=False)):
        a = _district_ref(t, "from", t.raw("from", expected="a district id"), ids)
        b = _district_ref(t, "to", t.raw("to", expected="a district id"), ids)
        via = t.str_("via", "")
        if via and via not in corridor_ids:
            raise t.error("via", via, f"a corridor id of this spec, one of {sorted(corridor_ids)}")
        out.append(RoadDistance(a, b, t.num("km", lo=0, lo_open=True), via, t.source()))
        sources[f"road_distances[{i}]"] = out[-1].source
        t.done()
    return tuple(out)


def _population(top: _Table, sources: dict[str, str]) -> tuple[float, float]:
    """The cluster's population total and its waste per person and day (kg)."""
    pop = top.table("population")
    population_total = pop.num("total", lo=0, lo_open=True)
    pop.int_("year", 0)
    sources["population"] = pop.source()
    pop.done()
    gen = top.table("generation")
    kg = gen.num("kg_per_person_day", lo=0, lo_open=True, hi=10)
    sources["generation"] = gen.source()
    gen.done()
    return population_total, kg


def _composition(top: _Table, names: tuple[str, ...],
                 sources: dict[str, str]) -> dict[str, float]:
    """The share of every stream in the collected waste (they sum to 1)."""
    comp_t = top.table("composition")
    composition = top.numbers("composition", names, hi=1.0)
    sources["composition"] = comp_t.source()
    if set(composition) != set(names):
        raise comp_t.error("", sorted(composition),
                           f"a share for every stream {list(names)}")
    comp_t.check("", check_composition, composition)
    return composition


def _unique_ids(path: Path, district_ids: set[str],
                objects: tuple[ComplexCandidate | Recycler | Landfill | Depot, ...]) -> None:
    """Refuse an id used twice among districts and the spec's located objects."""
    seen: set[str] = set(district_ids)
    for obj in objects:
        if obj.id in seen:
            raise InputError(f"{path}: id", obj.id,
                             "ids unique across districts, complexes, recyclers, landfills "
                             "and depots")
        seen.add(obj.id)


def _streams(top: _Table, sources: dict[str, str]) -> tuple[Stream, ...]:
    if not top.has("streams"):
        top.raw("streams", None)
        return DEFAULT_STREAMS
    out = []
    for t in top.tables("streams"):
        loose = (t.num("loose_density_t_per_m3", lo=0, lo_open=True)
                 if t.has("loose_density_t_per_m3") else None)
        s = Stream(t.ident("name"), t.num("density_t_per_m3", lo=0, lo_open=True),
                   t.bool_("recyclable", True), loose)
        sources[f"streams.{s.name}"] = t.source()
        t.done()
        out.append(s)
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise top.error("streams", names, "unique stream names")
    return tuple(out)


def _collection(top: _Table, sources: dict[str, str]) -> CollectionDefaults:
    t = top.table("collection")
    window = None
    if t.has("time_window"):
        raw = t.raw("time_window")
        expected = "['HH:MM', 'HH:MM'] (earliest, latest)"
        try:
            if not isinstance(raw, list) or len(raw) != 2:
                raise InputError("time_window", raw, expected)
            window = (time_of_day("time_window", raw[0]), time_of_day("time_window", raw[1]))
        except InputError:
            raise t.error("time_window", raw, expected) from None
        if window[1] < window[0]:
            raise t.error("time_window", raw, "earliest <= latest")
    out = CollectionDefaults(
        service_minutes_fixed=t.num("service_minutes_fixed", lo=0),
        service_minutes_per_tonne=t.num("service_minutes_per_tonne", lo=0),
        collections_per_week=t.int_("collections_per_week", lo=1, hi=7),
        time_window=window, source=t.source())
    sources["collection"] = out.source
    t.done()
    return out


def _week(top: _Table, sources: dict[str, str]) -> Week:
    """The optional ``[week]`` table: working_days, trucks_per_day, source."""
    if not top.has("week"):
        top.raw("week", None)
        return Week()
    t = top.table("week")
    kw: dict[str, Any] = {"source": t.source()}
    if t.has("working_days"):
        kw["working_days"] = t.raw("working_days")
    if t.has("trucks_per_day"):
        kw["trucks_per_day"] = t.raw("trucks_per_day")
    sources["week"] = kw["source"]
    t.done()
    return _wrap(t, lambda: Week(**kw))


def _parameters(top: _Table, sources: dict[str, str]) -> Parameters:
    t = top.table("parameters")
    kw: dict[str, Any] = {}
    for key in ("working_days_per_year", "fuel_litres_per_km", "kg_co2_per_litre",
                "transfer_cost_per_tonne_km"):
        if t.has(key):
            kw[key] = t.num(key, lo=0)
    if t.has("currency"):
        kw["currency"] = t.str_("currency")
    sources["parameters"] = t.source()
    t.done()
    return _wrap(t, lambda: Parameters(**kw))


def _districts(top: _Table, total: float, kg: float,
               sources: dict[str, str]) -> tuple[District, ...]:
    raw = []
    for t in top.tables("districts"):
        did = t.ident()
        lat, lon = t.position()
        raw.append((did, t.str_("name", did), lat, lon, t.num("radius_km", lo=0, hi=100),
                    t.num("population", lo=0, lo_open=True),
                    t.num("kg_per_person_day", kg, lo=0, lo_open=True, hi=10),
                    t.bool_("approximate", False), t.source(),
                    t.int_("collections_per_week", lo=1, hi=7)
                    if t.has("collections_per_week") else None))
        t.done()
    ids = [r[0] for r in raw]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup is not None:
        raise top.error("districts", dup, "unique district ids (this one repeats)")
    scale = total / sum(r[5] for r in raw)
    out = []
    for did, name, lat, lon, radius, pop, dkg, approx, src, per_week in raw:
        out.append(District(did, name, lat, lon, radius, pop * scale, pop, dkg, approx, src,
                            per_week))
        sources[f"districts.{did}"] = src
    return tuple(out)


def _seasons(top: _Table, ids: set[str], sources: dict[str, str]) -> dict[str, Season]:
    if not top.has("seasons"):
        top.raw("seasons", None)
        return {}
    table = top.table("seasons")
    out = {}
    for name in list(table.data):
        t = table.table(name)
        factors_t = t.table("factors", {})
        factors = {}
        for k in factors_t.data:
            if k not in ids:
                raise factors_t.error(k, factors_t.data[k],
                                      "a district id of this spec (see [[districts]])")
            factors[k] = factors_t.num(k, lo=0, lo_open=True)
        out[name] = Season(name, t.int_("days", lo=1, hi=366),
                           t.num("default_factor", 1.0, lo=0, lo_open=True),
                           MappingProxyType(factors), t.source())
        sources[f"seasons.{name}"] = out[name].source
        t.done()
    if not out:
        raise top.error("seasons", {}, "at least one [seasons.NAME] table, or no [seasons]")
    return out


def _located(t: _Table, sources: dict[str, str], kind: str,
             illustrative: list[str]) -> tuple[str, float, float, bool]:
    oid = t.ident()
    lat, lon = t.position()
    approx = t.bool_("approximate", False)
    if t.bool_("illustrative", False):
        illustrative.append(oid)
        approx = True
    sources[f"{kind}.{oid}"] = t.source()
    return oid, lat, lon, approx


def _complexes(top: _Table, names: tuple[str, ...], sources: dict[str, str],
               illustrative: list[str]) -> tuple[ComplexCandidate, ...]:
    d = top.table("complex_defaults")
    defaults = _complex_terms(d, names)
    sources["complex_defaults"] = d.source()
    d.done()
    out = []
    for t in top.tables("complexes"):
        oid, lat, lon, approx = _located(t, sources, "complexes", illustrative)
        opts, var, rec = _complex_terms(t, names, defaults)
        name = t.str_("name", oid)
        out.append(_wrap(t, lambda oid=oid, lat=lat, lon=lon, approx=approx, opts=opts,
                         var=var, rec=rec, name=name:
                         ComplexCandidate(oid, lat, lon, opts, var, rec, approx, name)))
        t.done()
    return tuple(out)


def _complex_terms(t: _Table, names: tuple[str, ...],
                   defaults: tuple[Any, float, dict[str, float]] | None = None
                   ) -> tuple[tuple[CapacityOption, ...], float, dict[str, float]]:
    """Capacity options, variable cost and recovery rates of a table, else the defaults."""
    if defaults is None or t.has("capacity_options"):
        opts = []
        for o in t.tables("capacity_options"):
            opts.append(CapacityOption(o.num("capacity_t_per_day", lo=0, lo_open=True),
                                       o.num("annual_fixed_cost", lo=0)))
            o.done()
        options = tuple(opts)
    else:
        options = defaults[0]
    var = t.num("variable_cost_per_tonne", ... if defaults is None else defaults[1], lo=0)
    if defaults is None or t.has("recovery_rate"):
        rec = t.numbers("recovery_rate", names, hi=1.0)
    else:
        rec = defaults[2]
    return options, var, rec


def _recyclers(top: _Table, names: tuple[str, ...], sources: dict[str, str],
               illustrative: list[str]) -> tuple[Recycler, ...]:
    out = []
    for t in top.tables("recyclers"):
        oid, lat, lon, approx = _located(t, sources, "recyclers", illustrative)
        prices = t.numbers("price_per_tonne", names, lo=None)
        if not prices:
            raise t.error("price_per_tonne", {}, "at least one accepted stream with a price")
        existing = t.bool_("existing", True)
        kw = dict(capacity_t_per_day=t.num("capacity_t_per_day", lo=0), existing=existing,
                  opening_cost=t.num("opening_cost", 0.0, lo=0), approximate=approx,
                  name=t.str_("name", oid))
        out.append(_wrap(t, lambda oid=oid, lat=lat, lon=lon, prices=prices, kw=kw:
                         Recycler(oid, lat, lon, prices, **kw)))
        t.done()
    return tuple(out)


def _landfills(top: _Table, sources: dict[str, str],
               illustrative: list[str]) -> tuple[Landfill, ...]:
    out = []
    for t in top.tables("landfills"):
        oid, lat, lon, approx = _located(t, sources, "landfills", illustrative)
        fee = t.num("tipping_fee_per_tonne", lo=0)
        cap = t.opt_num("capacity_t_per_day", lo=0, lo_open=True)
        name = t.str_("name", oid)
        out.append(Landfill(oid, lat, lon, fee, cap, approx, name))
        t.done()
    return tuple(out)


def _depots(top: _Table, sources: dict[str, str],
            illustrative: list[str]) -> tuple[Depot, ...]:
    out = []
    for t in top.tables("depots"):
        oid, lat, lon, _ = _located(t, sources, "depots", illustrative)
        vehicles = []
        for v in t.tables("vehicles"):
            vid = v.ident()
            kw = dict(capacity_tonnes=v.num("capacity_tonnes", lo=0, lo_open=True),
                      capacity_m3=v.num("capacity_m3", lo=0, lo_open=True),
                      count=v.int_("count", lo=0),
                      fixed_cost_per_day=v.num("fixed_cost_per_day", 0.0, lo=0),
                      cost_per_km=v.num("cost_per_km", 0.0, lo=0),
                      cost_per_hour=v.num("cost_per_hour", 0.0, lo=0),
                      shift_start_minutes=v.time("shift_start", 420.0),
                      shift_minutes=v.num("shift_minutes", 480.0, lo=0, lo_open=True,
                                          hi=1440),
                      unload_minutes=v.num("unload_minutes", 20.0, lo=0))
            sources[f"depots.{oid}.vehicles.{vid}"] = v.source()
            vehicles.append(VehicleType(vid, **kw))  # type: ignore[arg-type]
            v.done()
        name = t.str_("name", oid)
        out.append(_wrap(t, lambda oid=oid, lat=lat, lon=lon, vehicles=vehicles, name=name:
                         Depot(oid, lat, lon, tuple(vehicles), name)))
        t.done()
    return tuple(out)


# --------------------------------------------------------------------------- generator


def apportion(weights: list[float] | tuple[float, ...], total: int) -> list[int]:
    """Share ``total`` seats in proportion to ``weights`` by the largest-remainder method.

    Each share is the floor of its quota ``total * w / sum(w)``; the seats left over go to
    the largest fractional remainders (ties to the earlier entry). Every share is within
    one of its quota and the shares sum to ``total``.

    Parameters
    ----------
    weights
        Non-negative weights, not all zero.
    total
        Seats to share (>= 0).

    Returns
    -------
    list of int
        Seats per weight.
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 0 or np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
        raise InputError("weights", list(weights), "non-negative numbers, not all zero")
    if total < 0:
        raise InputError("total", total, "an integer >= 0")
    quota = total * w / w.sum()
    seats = np.floor(quota).astype(int)
    left = total - int(seats.sum())
    order = sorted(range(w.size), key=lambda i: (-(quota[i] - seats[i]), i))
    for i in order[:left]:
        seats[i] += 1
    return [int(s) for s in seats]


def _nearest(d: District, among: list[District]) -> District:
    def dist(o: District) -> float:
        dy = o.lat - d.lat
        dx = (o.lon - d.lon) * math.cos(math.radians(d.lat))
        return dx * dx + dy * dy
    return min(among, key=dist)


def generate(spec_or_name: CitySpec | str | Path, *, size: int = DEFAULT_SIZE,
             seed: int = 0, season: str | None = None, streets: bool = False) -> Scenario:
    """Generate a scenario of ``size`` container sites from a city spec.

    See the module docstring for the method. The result is reproducible for a seed and
    records its provenance in ``metadata``: city, season (and its days per year), seed,
    size, the spec file, the source of every figure, the illustrative objects, sites and
    tonnes per district, and ``approximate_positions: true``.

    Parameters
    ----------
    spec_or_name
        A :class:`CitySpec`, a city name (``"bishkek"``, ``"osh"``, ``"issyk-kul"``) or the
        path of a spec file.
    size
        Number of container sites (>= 1). The city's total waste does not depend on it:
        fewer sites means more waste per site.
    seed
        Seed of the random draws (positions and the split of a district's waste).
    season
        Required for a city with seasons (e.g. ``"summer"`` or ``"winter"`` for
        Issyk-Kul); must be ``None`` for a city without.
    streets
        Add the private-house sector as curbside collection streets, a *synthetic* grid
        per district (:func:`synthetic_streets`), and leave the container sites only the
        other residents' waste (``1 - share_of_residents``). Needs ``[private_houses]``.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    InputError
        For an unknown city, an invalid spec, a bad size or a missing/unknown season.
    """
    spec = spec_or_name if isinstance(spec_or_name, CitySpec) else load_spec(spec_or_name)
    integer("size", size, lo=1)
    integer("seed", seed)
    chosen = spec.season(season)
    factors = spec.factors(season)
    counts = apportion([d.population * factors[d.id] for d in spec.districts], size)
    street_set = synthetic_streets(spec) if streets else ()
    if street_set:
        assert spec.private_houses is not None
        shares = spec.private_houses.share_of_residents
        factors = {k: f * (1.0 - shares.get(k, 0.0)) for k, f in factors.items()}
    points, per_district = _sites(spec, counts, factors, np.random.default_rng(seed))
    title = spec.name if chosen is None else f"{spec.name}-{chosen.name}"
    metadata = {
        "city": spec.name,
        "title": spec.title,
        "season": None if chosen is None else chosen.name,
        "season_days": None if chosen is None else chosen.days,
        "seed": seed,
        "size": size,
        "spec_file": spec.path.name,
        "spec_version": SPEC_VERSION,
        "population": spec.population_total,
        "tonnes_per_day": spec.tonnes_per_day(season),
        "approximate_positions": True,
        "illustrative": list(spec.illustrative),
        "districts": per_district,
        "sources": dict(spec.sources),
    }
    if street_set:
        metadata["synthetic_streets"] = len(street_set)
    return Scenario(title, streams=spec.streams, collection_points=points,
                    complex_candidates=spec.complexes, depots=spec.depots,
                    recyclers=spec.recyclers, landfills=spec.landfills,
                    parameters=spec.parameters, metadata=metadata, week=spec.week,
                    streets=street_set)


def _sites(spec: CitySpec, counts: list[int], factors: Mapping[str, float],
           rng: np.random.Generator
           ) -> tuple[tuple[CollectionPoint, ...], dict[str, dict[str, Any]]]:
    """The container sites of every district (``counts`` of them), and per district its
    sites, population and tonnes (steps 2-4 of the module docstring)."""
    districts = spec.districts
    tonnes = {d.id: d.tonnes_per_day(factors[d.id]) for d in districts}
    with_sites = [d for d, n in zip(districts, counts, strict=True) if n > 0]
    for d, n in zip(districts, counts, strict=True):
        if n == 0:
            tonnes[_nearest(d, with_sites).id] += tonnes.pop(d.id)
    points: list[CollectionPoint] = []
    per_district: dict[str, dict[str, Any]] = {}
    for d, n in zip(districts, counts, strict=True):
        if n == 0:
            per_district[d.id] = {"sites": 0, "population": d.population,
                                  "tonnes_per_day": 0.0,
                                  "waste_moved_to": _nearest(d, with_sites).id}
            continue
        points += _district_sites(spec, d, n, tonnes[d.id], rng)
        per_district[d.id] = {"sites": n, "population": d.population,
                              "tonnes_per_day": tonnes[d.id]}
    return tuple(points), per_district


VISIT_SHARE = 0.5
"""Largest share of the smallest truck's capacity one generated visit may fill."""


def _per_week(spec: CitySpec, d: District, tonnes_per_day: float) -> int:
    """Visits a week of a site (step 4 of the module docstring)."""
    per_week = d.collections_per_week or spec.collection.collections_per_week
    types = [v for dep in spec.depots for v in dep.vehicle_types]
    if not types:
        return per_week
    cap_t = VISIT_SHARE * min(v.capacity_tonnes for v in types)
    cap_m3 = VISIT_SHARE * min(v.capacity_m3 for v in types)
    m3_per_t = sum(spec.composition[s.name] / s.density_t_per_m3 for s in spec.streams)
    while per_week < 7 and tonnes_per_day * 7.0 / per_week * max(1.0, m3_per_t * cap_t
                                                                 / cap_m3) > cap_t:
        per_week += 1
    return per_week


def _district_sites(spec: CitySpec, d: District, n: int, tonnes: float,
                    rng: np.random.Generator) -> list[CollectionPoint]:
    """``n`` sites drawn in the district's disc, sharing its ``tonnes`` at random."""
    col = spec.collection
    radius = d.radius_km * np.sqrt(rng.random(n))
    angle = 2 * np.pi * rng.random(n)
    lat = d.lat + radius * np.cos(angle) / _KM_PER_DEG_LAT
    lon = d.lon + radius * np.sin(angle) / (_KM_PER_DEG_LAT * math.cos(math.radians(d.lat)))
    w = rng.uniform(0.5, 1.5, n)
    share = tonnes * w / w.sum()
    out = []
    for k in range(n):
        t = float(share[k])
        per_week = _per_week(spec, d, t)
        per_visit = t * 7.0 / per_week
        out.append(CollectionPoint(
            f"{d.id}-{k + 1:04d}", round(float(lat[k]), 6), round(float(lon[k]), 6),
            {s.name: t * spec.composition[s.name] for s in spec.streams},
            service_minutes=round(col.service_minutes(per_visit), 2),
            time_window=col.time_window, collections_per_week=per_week, name=d.name))
    return out


# --------------------------------------------------------------------------- private houses


@dataclass(frozen=True)
class PrivateHouses:
    """The private-house sector of a city: residents who hand bags to a passing truck.

    Parameters
    ----------
    share_of_residents
        Share of each district's residents living in private houses, by district id.
    persons_per_household
        Residents per household.
    kg_per_person_day
        Waste handed over per resident and day, kg (``None``: the district's rate).
    service_min_per_household
        Time to take the bags of one household, minutes.
    households_per_km
        Households per kilometre of street (both sides), for the synthetic grid.
    block_m
        Side of a block of the synthetic street grid, metres.
    source
        Where the figures come from.
    collections_per_week
        Collection days a week of every street (7: every working day).
    """

    share_of_residents: Mapping[str, float]
    persons_per_household: float
    kg_per_person_day: float | None
    service_min_per_household: float
    households_per_km: float
    block_m: float
    source: str
    collections_per_week: int = 7

    def households(self, district: District) -> float:
        """Private households of ``district``."""
        share = self.share_of_residents.get(district.id, 0.0)
        return district.population * share / self.persons_per_household

    def tonnes_per_day(self, district: District) -> float:
        """Waste per day handed over in ``district``'s private-house sector, tonnes."""
        kg = self.kg_per_person_day or district.kg_per_person_day
        return district.population * self.share_of_residents.get(district.id, 0.0) * kg / 1000


def _private_houses(top: _Table, ids: set[str],
                    sources: dict[str, str]) -> PrivateHouses | None:
    """The optional ``[private_houses]`` table; ``share_of_residents`` is one share for
    every district or a table of shares by district id."""
    if not top.has("private_houses"):
        return None
    t = top.table("private_houses")
    raw = t.raw("share_of_residents", expected="a share from 0 to 1, or a table of them "
                "by district id")
    if isinstance(raw, Mapping):
        shares = {k: t.check(f"share_of_residents.{k}", share, v) for k, v in raw.items()}
        unknown = sorted(set(shares) - ids)
        if unknown:
            raise t.error("share_of_residents", unknown[0], f"district ids {sorted(ids)}")
    else:
        shares = dict.fromkeys(sorted(ids), t.check("share_of_residents", share, raw))
    out = PrivateHouses(MappingProxyType(shares),
                        t.num("persons_per_household", lo=0, lo_open=True, hi=30),
                        t.opt_num("kg_per_person_day", lo=0, lo_open=True, hi=10),
                        t.num("service_min_per_household", lo=0, hi=60),
                        t.num("households_per_km", lo=0, lo_open=True, hi=1000),
                        t.num("block_m", 150.0, lo=20, hi=2000), t.source(),
                        t.int_("collections_per_week", 7, lo=1, hi=7))
    t.done()
    sources["private_houses"] = out.source
    return out


def synthetic_streets(spec: CitySpec, *, rule: str = "both_sides_one_pass"
                      ) -> tuple[CollectionStreet, ...]:
    """A *synthetic* street grid per district for the private-house sector.

    Each district gets about ``households / households_per_km`` kilometres of street: the
    ``2 n (n - 1)`` blocks of ``block_m`` of an ``n x n``-node square grid, as near its
    centre as the districts' shared lattice allows (:func:`_grid_edges`): one lattice for
    the whole city, each block belonging to the district whose centre is nearest, so
    neighbouring districts' grids meet without overlapping (no street lies in two
    districts). A district hemmed in by its neighbours gets fewer blocks, with more
    households each. Households and waste are spread evenly over a district's streets
    (the city's composition). Every street is marked ``synthetic`` and named
    ``synthetic <district> <k>``: no real street lies behind it.

    Raises
    ------
    InputError
        The spec has no ``[private_houses]`` table.
    """
    ph = spec.private_houses
    if ph is None:
        raise InputError(f"{spec.path}: private_houses", None,
                         "a [private_houses] table to generate streets from")
    wanted = {d.id: ph.households(d) / ph.households_per_km for d in spec.districts
              if ph.households(d) > 0}
    grids = _grid_edges([d for d in spec.districts if d.id in wanted], wanted, ph.block_m)
    out: list[CollectionStreet] = []
    for d in spec.districts:
        edges = grids.get(d.id, [])
        if not edges:
            continue
        counts = apportion([1.0] * len(edges), round(ph.households(d)))
        tonnes = ph.tonnes_per_day(d) / len(edges)
        for k, ((a, b), count) in enumerate(zip(edges, counts, strict=True)):
            out.append(CollectionStreet(
                f"street-{d.id}-{k}", a[0], a[1], b[0], b[1],
                {s: tonnes * f for s, f in spec.composition.items()},
                households=count, service_min_per_household=(
                    ph.service_min_per_household), rule=rule, length_km=ph.block_m / 1000,
                name=f"synthetic {d.id} {k}", zone=d.id, synthetic=True,
                collections_per_week=ph.collections_per_week))
    return tuple(out)


_Edge = tuple[tuple[float, float], tuple[float, float]]


def _grid_edges(districts: Sequence[District], km: Mapping[str, float], block_m: float
                ) -> dict[str, list[_Edge]]:
    """Blocks of one square lattice of ``block_m`` (through the first district's centre)
    per district: ``2 n (n - 1)`` blocks for ``km`` of street (``n`` nodes a side), the
    ones nearest its centre (by the larger of the east and north offsets, as a square
    grid) among the blocks whose midpoint is nearer its centre than any other district's.
    Each block is ``((lat, lon), (lat, lon))``, listed south to north, west to east."""
    if not districts:
        return {}
    lat0, lon0 = districts[0].lat, districts[0].lon
    step = block_m / 1000  # km
    kx = _KM_PER_DEG_LAT * math.cos(math.radians(lat0))
    centres = np.array([((d.lon - lon0) * kx / step, (d.lat - lat0) * _KM_PER_DEG_LAT / step)
                        for d in districts])  # in blocks, east and north

    out: dict[str, list[_Edge]] = {}
    for k, d in enumerate(districts):
        side = _grid_side(km[d.id] * 1000 / block_m)
        ends = _window(centres[k], 2 * side)  # room to grow where neighbours take blocks
        mid = ends.mean(axis=1)
        offsets = mid[:, None, :] - centres[None, :, :]  # block x district x (east, north)
        mine = np.flatnonzero(np.argmin(np.hypot(offsets[..., 0], offsets[..., 1]),
                                        axis=1) == k)
        off = offsets[mine, k]
        order = np.lexsort((np.hypot(off[:, 0], off[:, 1]), np.abs(off).max(axis=1)))
        take = mine[order[:2 * side * (side - 1)]]
        take = take[np.lexsort((mid[take, 0], mid[take, 1]))]
        lat = np.round(lat0 + ends[take, :, 1] * step / _KM_PER_DEG_LAT, 6).tolist()
        lon = np.round(lon0 + ends[take, :, 0] * step / kx, 6).tolist()
        out[d.id] = [((a[0], o[0]), (a[1], o[1])) for a, o in zip(lat, lon, strict=True)]
    return out


def _window(centre: np.ndarray, reach: int) -> np.ndarray:
    """The lattice blocks (``block x end x (east, north)``, in blocks) whose ends lie
    within ``reach`` blocks of ``centre`` (east-west blocks, then south-north ones)."""
    x0, y0 = np.round(centre)
    ix, iy = np.meshgrid(np.arange(x0 - reach, x0 + reach), np.arange(y0 - reach, y0 + reach))
    nodes = np.column_stack([ix.ravel(), iy.ravel()])
    east, north = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    return np.concatenate([np.stack([nodes, nodes + east], axis=1),
                           np.stack([nodes, nodes + north], axis=1)])


def _grid_side(edges_wanted: float) -> int:
    """Nodes a side of the smallest square grid with at least ``edges_wanted`` blocks."""
    return max(2, math.ceil((1 + math.sqrt(1 + 2 * max(1.0, edges_wanted))) / 2))
