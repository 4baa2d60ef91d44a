"""Typed options of the routing engines, and their construction from plain JSON.

:class:`PyVRPOptions` and :class:`ORToolsOptions` hold what each engine can be told
besides the time limit and the seed (see
:func:`~circularopt.routing.engines.pyvrp_engine.solve_pyvrp` and
:func:`~circularopt.routing.engines.ortools_engine.solve_ortools`); :func:`engine_options`
builds them from a JSON object (the CLI's ``--engine-options``) and :func:`as_json` turns
them back into the object a plan records.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from circularopt import _validate
from circularopt.exceptions import InputError

__all__ = ["ENGINES", "EngineOptions", "ORToolsOptions", "PyVRPOptions", "SearchSettings",
           "as_json", "engine_options"]

ENGINES = ("pyvrp", "ortools")
"""Engine names."""

CLOCKS = ("wall", "cpu")


def _optional_int(where: str, value: Any, lo: int) -> int | None:
    if value is None:
        return None
    try:
        return _validate.integer(where, value, lo=lo)
    except InputError:
        raise InputError(where, value, f"None or an integer >= {lo}") from None


def _flag(where: str, value: Any) -> bool:
    return bool(_validate.choice(where, value, (False, True)))


@dataclass(frozen=True)
class SearchSettings:
    """Settings of PyVRP's iterated local search (see
    :mod:`~circularopt.routing.engines.pyvrp_engine`).

    Parameters
    ----------
    history_length
        Late-acceptance history: a candidate is accepted when it is no worse than the
        solution this many iterations ago (PyVRP: 300; shorter is greedier).
    max_perturbations
        At most this many random perturbations per iteration (PyVRP: 25).
    initial_penalty
        Starting penalty weight per unit of excess load, time warp and excess distance;
        ``None``: PyVRP's (the midpoint of its range, 50,000).
    """

    history_length: int = 300
    max_perturbations: int = 25
    initial_penalty: float | None = None

    def __post_init__(self) -> None:
        _validate.integer("search.history_length", self.history_length, lo=1)
        _validate.integer("search.max_perturbations", self.max_perturbations, lo=1)
        if self.initial_penalty is not None:
            _validate.number("search.initial_penalty", self.initial_penalty, lo=0,
                             lo_open=True)


@dataclass(frozen=True, kw_only=True)
class PyVRPOptions:
    """Options of the ``pyvrp`` engine.

    Parameters
    ----------
    clock
        ``"wall"`` or ``"cpu"``: the clock of the time limit (see
        :class:`~circularopt.stop.MaxRuntime`).
    display
        Print PyVRP's progress.
    max_iterations
        Also stop after this many iterations: same problem, seed and ``max_iterations``,
        same plan on any machine and load. The fleet phase is limited by time only.
    minimise_fleet
        Share of the time limit (0 to 1) spent first on reducing the number of vehicles;
        0 skips the phase. Needs a problem with one vehicle type.
    search
        Settings of the main search; ``None``: ``pyvrp.solve``'s own.
    """

    engine = "pyvrp"

    clock: str = "wall"
    display: bool = False
    max_iterations: int | None = None
    minimise_fleet: float = 0.0
    search: SearchSettings | None = None

    def __post_init__(self) -> None:
        w = "engine_options"
        _validate.choice(f"{w}.clock", self.clock, CLOCKS)
        _flag(f"{w}.display", self.display)
        _optional_int(f"{w}.max_iterations", self.max_iterations, 1)
        if not 0.0 <= _validate.number(f"{w}.minimise_fleet", self.minimise_fleet) < 1.0:
            raise InputError(f"{w}.minimise_fleet", self.minimise_fleet,
                             "a share of the time limit in [0, 1)")
        if self.search is not None and not isinstance(self.search, SearchSettings):
            raise InputError(f"{w}.search", self.search, "None or SearchSettings")


@dataclass(frozen=True, kw_only=True)
class ORToolsOptions:
    """Options of the ``ortools`` engine (see
    :func:`~circularopt.routing.engines.ortools_engine.solve_ortools` for the defaults
    that depend on the problem).

    Parameters
    ----------
    first_solution, metaheuristic
        Names of OR-Tools' ``FirstSolutionStrategy`` and ``LocalSearchMetaheuristic``
        members; ``None``: chosen by the problem.
    search_params
        Further ``RoutingSearchParameters`` fields by (dotted) name.
    trim_fleet
        Offer fewer idle vehicles when safe.
    part_size
        Stops per part in the improvement phase; ``None``: search the whole problem;
        ``"auto"``: chosen by the problem.
    part_seconds
        Search time per part; ``None``: from ``part_size``.
    first_share
        Share of the time limit for the search on the whole problem before the parts.
    greedy_start
        Start from the nearest-neighbour plan; ``None``: chosen by the problem.
    drops
        ``"fallback"`` (droppable stops only when no first plan serves them all) or
        ``"always"``.
    soft_capacity
        Search through plans over capacity at an adaptive cost.
    clock
        ``"wall"`` or ``"cpu"``.
    log
        Print OR-Tools' search log.
    """

    engine = "ortools"

    first_solution: str | None = None
    metaheuristic: str | None = None
    search_params: Mapping[str, Any] | None = None
    trim_fleet: bool = True
    part_size: int | str | None = "auto"
    part_seconds: float | None = None
    first_share: float | None = None
    greedy_start: bool | None = None
    drops: str = "fallback"
    soft_capacity: bool = False
    clock: str = "wall"
    log: bool = False

    def __post_init__(self) -> None:
        w = "engine_options"
        for name in ("first_solution", "metaheuristic"):
            if getattr(self, name) is not None:
                _validate.ident(f"{w}.{name}", getattr(self, name))
        if self.search_params is not None:
            if not isinstance(self.search_params, Mapping):
                raise InputError(f"{w}.search_params", self.search_params,
                                 "None or a mapping of RoutingSearchParameters fields")
            object.__setattr__(self, "search_params", dict(self.search_params))
        _flag(f"{w}.trim_fleet", self.trim_fleet)
        if self.part_size != "auto" and self.part_size is not None and (
                isinstance(self.part_size, bool) or not isinstance(self.part_size, int)
                or self.part_size < 2):
            raise InputError(f"{w}.part_size", self.part_size,
                             "an integer >= 2, None or 'auto'")
        if self.part_seconds is not None:
            _validate.number(f"{w}.part_seconds", self.part_seconds, lo=0, lo_open=True)
        if self.first_share is not None:
            _validate.number(f"{w}.first_share", self.first_share, lo=0, hi=1, lo_open=True)
        if self.greedy_start is not None:
            _flag(f"{w}.greedy_start", self.greedy_start)
        _validate.choice(f"{w}.drops", self.drops, ("fallback", "always"))
        _flag(f"{w}.soft_capacity", self.soft_capacity)
        _validate.choice(f"{w}.clock", self.clock, CLOCKS)
        _flag(f"{w}.log", self.log)


EngineOptions = PyVRPOptions | ORToolsOptions
"""Options of either engine."""

_CLASSES: dict[str, type[PyVRPOptions] | type[ORToolsOptions]] = {
    "pyvrp": PyVRPOptions, "ortools": ORToolsOptions}


def engine_options(engine: str, given: Mapping[str, Any] | EngineOptions | None = None
                   ) -> EngineOptions:
    """The typed options of ``engine`` from a JSON object, typed options or ``None``.

    Parameters
    ----------
    engine
        ``"pyvrp"`` or ``"ortools"``.
    given
        A mapping of option name to JSON value (``search`` of PyVRP as an object of
        :class:`SearchSettings` fields), options of that engine, or ``None`` (defaults).

    Raises
    ------
    InputError
        Unknown engine, an unknown option (named, with the engine's options listed), a
        bad value (named), or options of the other engine.
    """
    cls = _CLASSES.get(_validate.choice("engine", engine, ENGINES))
    assert cls is not None
    if given is None:
        return cls()
    if isinstance(given, PyVRPOptions | ORToolsOptions):
        if not isinstance(given, cls):
            raise InputError("engine_options", type(given).__name__,
                             f"options of engine {engine!r} ({cls.__name__})")
        return given
    if not isinstance(given, Mapping):
        raise InputError("engine_options", given, "a JSON object of engine options")
    known = [f.name for f in dataclasses.fields(cls)]
    for name in given:
        if name not in known:
            raise InputError("engine_options", name,
                             f"an option of engine {engine!r}: one of {known}")
    values = dict(given)
    if isinstance(values.get("search"), Mapping):
        fields = [f.name for f in dataclasses.fields(SearchSettings)]
        for name in values["search"]:
            if name not in fields:
                raise InputError("engine_options.search", name, f"one of {fields}")
        values["search"] = SearchSettings(**values["search"])
    return cls(**values)


def as_json(options: EngineOptions) -> dict[str, Any]:
    """The options that differ from the defaults, as a JSON object (``plan.info``)."""
    out = {}
    for f in dataclasses.fields(options):
        value = getattr(options, f.name)
        if value != f.default:
            out[f.name] = (dataclasses.asdict(value) if isinstance(value, SearchSettings)
                           else dict(value) if isinstance(value, Mapping) else value)
    return out
