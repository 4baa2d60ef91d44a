"""Both engines on tiny named problems, every plan checked by the validator."""

from __future__ import annotations

import itertools

import pytest

from circularopt.exceptions import InputError
from circularopt.routing import (
    Break,
    RoutingProblem,
    RoutingResult,
    schedule_route,
    solve,
    validate_routes,
)
from circularopt.routing.engines.pyvrp_engine import SearchSettings
from tests.routing.conftest import euclid_model

ENGINES = ["pyvrp", "ortools"]
LIMIT = 0.5


def _solve(problem: RoutingProblem, engine: str) -> RoutingResult:
    result = solve(problem, engine=engine, time_limit=LIMIT, seed=1)
    report = validate_routes(problem, result)
    assert report.ok, report.summary()
    assert result.engine == engine
    assert result.cost == pytest.approx(report.cost)
    return result


@pytest.mark.parametrize("engine", ENGINES)
def test_cvrp_known_optimum(cvrp4: RoutingProblem, engine: str) -> None:
    result = _solve(cvrp4, engine)
    assert result.cost == pytest.approx(44.0)
    assert sorted(sorted(r.stops) for r in result.routes) == [["a", "b"], ["c", "e"]]


def _best_reload_cost(problem: RoutingProblem) -> float:
    """Enumerate every order of the four stops with an unload after two and at the end."""
    best = float("inf")
    for perm in itertools.permutations(range(4)):
        steps = [("stop", perm[0]), ("stop", perm[1]), ("unload", 0),
                 ("stop", perm[2]), ("stop", perm[3]), ("unload", 0)]
        best = min(best, schedule_route(problem, 0, 0, steps).cost)  # type: ignore[arg-type]
    return best


@pytest.mark.parametrize("engine", ENGINES)
def test_reload_mid_route(reload4: RoutingProblem, engine: str) -> None:
    result = _solve(reload4, engine)
    assert result.num_vehicles == 1
    route = result.routes[0]
    assert route.num_unloads == 2
    kinds = [v.kind for v in route.visits]
    assert kinds[-2] == "unload"  # returns empty
    assert max(v.load[0] for v in route.visits) == 2
    assert result.cost == pytest.approx(_best_reload_cost(reload4))


@pytest.mark.parametrize("engine", ENGINES)
def test_time_windows_order(tw4: RoutingProblem, engine: str) -> None:
    result = _solve(tw4, engine)
    stops = result.routes[0].stops
    assert set(stops[:2]) == {"c", "e"} and set(stops[2:]) == {"a", "b"}
    for v in result.routes[0].visits:
        if v.kind == "stop":
            stop = tw4.stops[v.index]
            assert stop.tw_start <= v.start <= stop.tw_end


def test_ortools_break(break4: RoutingProblem) -> None:
    result = _solve(break4, "ortools")
    route = result.routes[0]
    breaks = [v for v in route.visits if v.kind == "break"]
    assert len(breaks) == 1
    assert 30 <= breaks[0].start <= 60 and breaks[0].end - breaks[0].start >= 20
    for v in route.visits:  # the break overlaps no service
        if v.kind == "stop":
            assert v.end <= breaks[0].start or v.start >= breaks[0].end


def test_pyvrp_refuses_break(break4: RoutingProblem) -> None:
    with pytest.raises(InputError, match=r"breaks.*ortools"):
        solve(break4, engine="pyvrp", time_limit=LIMIT)


def test_ortools_refuses_release_time() -> None:
    m = euclid_model(["d", "a"])
    m.add_depot("d")
    m.add_vehicle_type("v", depot="d", count=1, capacity=[1])
    m.add_stop("a", demand=[1], release_time=5)
    problem = m.data()
    with pytest.raises(InputError, match=r"release times.*pyvrp"):
        solve(problem, engine="ortools", time_limit=LIMIT)
    result = _solve(problem, "pyvrp")
    assert result.routes[0].start_time >= 5


def test_pyvrp_refuses_max_stops(cvrp4: RoutingProblem) -> None:
    m = euclid_model(["d", "a", "b"])
    m.add_depot("d")
    m.add_vehicle_type("v", depot="d", count=2, capacity=[5], max_stops=1)
    m.add_stop("a", demand=[1])
    m.add_stop("b", demand=[1])
    problem = m.data()
    with pytest.raises(InputError, match="max_stops"):
        solve(problem, engine="pyvrp", time_limit=LIMIT)
    result = _solve(problem, "ortools")
    assert [len(r.stops) for r in result.routes] == [1, 1]


def test_unknown_engine(cvrp4: RoutingProblem) -> None:
    with pytest.raises(InputError, match="engine"):
        solve(cvrp4, engine="gurobi")


@pytest.mark.parametrize("engine", ENGINES)
def test_unknown_engine_option_is_named(cvrp4: RoutingProblem, engine: str) -> None:
    with pytest.raises(InputError, match=r"engine_options.*'foo'.*an option of engine"):
        solve(cvrp4, engine=engine, time_limit=0.2, options={"foo": 1})


@pytest.mark.parametrize("engine", ENGINES)
def test_multi_depot_heterogeneous(engine: str) -> None:
    """A depot on each side; the small east truck cannot carry the heavy west stops."""
    m = euclid_model(["d", "far", "a", "b", "c", "e"], dimensions=("t", "m3"))
    m.add_depot("d")
    m.add_depot("far")
    m.add_vehicle_type("small", depot="far", count=1, capacity=[2, 2], fixed_cost=5)
    m.add_vehicle_type("big", depot="d", count=1, capacity=[10, 4], fixed_cost=5)
    m.add_stop("a", demand=[1, 1])
    m.add_stop("b", demand=[1, 1])
    m.add_stop("c", demand=[3, 2])
    m.add_stop("e", demand=[3, 2])
    problem = m.data()
    result = _solve(problem, engine)
    by_type = {r.vehicle_type: set(r.stops) for r in result.routes}
    assert by_type[1] >= {"c", "e"}


@pytest.mark.parametrize("engine", ENGINES)
def test_unload_site_restricted_and_fixed_cost(engine: str) -> None:
    """Only the second type may unload; a high fixed cost makes one truck do two trips."""
    m = euclid_model(["d", "a", "b", "c", "e", "u"])
    m.add_depot("d")
    m.add_unload_site("u")
    m.add_vehicle_type("no-unload", depot="d", count=2, capacity=[2], fixed_cost=1000)
    m.add_vehicle_type("unloader", depot="d", count=1, capacity=[2], fixed_cost=10,
                       unload_sites=["u"], max_unloads=1)
    for s in "abce":
        m.add_stop(s, demand=[1])
    problem = m.data()
    result = _solve(problem, engine)
    assert [r.vehicle_type for r in result.routes] == [1]
    assert result.routes[0].num_unloads == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_duration_cost_and_max_duration(engine: str) -> None:
    """Shift and max duration force two vehicles; duration is costed."""
    m = euclid_model(["d", "a", "b", "c", "e"])
    m.add_depot("d")
    m.add_vehicle_type("v", depot="d", count=3, capacity=[10], max_duration=30,
                       cost_per_duration=0.5, cost_per_distance=1)
    for s in "abce":
        m.add_stop(s, demand=[1])
    problem = m.data()
    result = _solve(problem, engine)
    assert result.num_vehicles == 2
    assert all(r.duration <= 30 for r in result.routes)
    assert result.cost == pytest.approx(44 + 0.5 * 44)


def test_break_not_due_on_short_route() -> None:
    m = euclid_model(["d", "a"])
    m.add_depot("d")
    m.add_vehicle_type("v", depot="d", count=1, capacity=[1], breaks=Break(300, 400, 30))
    m.add_stop("a", demand=[1])
    result = _solve(m.data(), "ortools")
    assert [v.kind for v in result.routes[0].visits] == ["start", "stop", "end"]


@pytest.mark.parametrize("engine", ENGINES)
def test_max_unloads_counts_final_unload(engine: str) -> None:
    """One unload allowed and it must end the route: each truck serves one pair."""
    m = euclid_model(["d", "a", "b", "c", "e", "u"])
    m.add_depot("d")
    m.add_unload_site("u")
    m.add_vehicle_type("v", depot="d", count=2, capacity=[2], unload_sites=["u"],
                       max_unloads=1, return_empty=True, fixed_cost=100)
    for s in "abce":
        m.add_stop(s, demand=[1])
    result = _solve(m.data(), engine)
    assert result.num_vehicles == 2
    assert [r.num_unloads for r in result.routes] == [1, 1]


def test_pyvrp_search_settings(reload4: RoutingProblem) -> None:
    # PyVRP's own settings through the engine's loop give pyvrp.solve's plan exactly.
    runs = [solve(reload4, engine="pyvrp", time_limit=5.0, seed=3,
                  options={"max_iterations": 150, "search": search})
            for search in (None, SearchSettings(), SearchSettings(
                history_length=5, max_perturbations=2, initial_penalty=10.0))]
    assert runs[1].routes == runs[0].routes and runs[1].info["iterations"] == 150
    for result in runs:
        assert validate_routes(reload4, result).ok
        assert result.cost == pytest.approx(_best_reload_cost(reload4))


@pytest.mark.parametrize("field,value", [("history_length", 0), ("max_perturbations", 1.5),
                                         ("initial_penalty", -1.0)])
def test_pyvrp_search_settings_refused(field: str, value: float) -> None:
    with pytest.raises(InputError, match=f"search.{field}"):
        SearchSettings(**{field: value})  # type: ignore[arg-type]
