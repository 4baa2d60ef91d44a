"""Pattern descent judged by routed cost: a swap of days that no single move finds."""

from __future__ import annotations

import pytest

from circularopt.exceptions import InputError
from circularopt.routing.periodic import PeriodicProblem, day_problem
from circularopt.routing.periodic.descent import descend, eliminations, moves, screen
from circularopt.routing.periodic.patterns import DayRoutes
from circularopt.routing.periodic.result import PeriodicResult
from circularopt.routing.periodic.solve import PeriodicOptions, solve_periodic
from circularopt.routing.periodic.validate import validate_periodic
from circularopt.routing.problem import RoutingModel
from circularopt.routing.result import RoutingResult, Step, schedule_route
from circularopt.stop import Budget

# On a line: a and b at +10, c and e at -10, the depot d at 0. One truck a day; a stop
# takes 100 of service and a route at most 240, so a route serves two stops. Each stop
# is visited once, on day 1 or day 2.
_AT = {"d": 0.0, "a": 10.0, "b": 10.0, "c": -10.0, "e": -10.0}


def _line() -> PeriodicProblem:
    ids = list(_AT)
    dist = [[abs(_AT[i] - _AT[j]) for j in ids] for i in ids]
    m = RoutingModel(ids, dist, dist, name="line")
    m.add_depot("d")
    m.add_vehicle_type("truck", depot="d", count=1, capacity=[10], max_duration=240)
    for s in "abce":
        m.add_stop(s, demand=[1], service=100)
    return PeriodicProblem(m.data(), (((0,), (1,)),) * 4, ("day 1", "day 2"))


def _plan(problem: PeriodicProblem, days: list[str]) -> tuple[tuple[int, ...],
                                                              list[RoutingResult]]:
    """The choice and routes of one route a day through ``days[d]`` (stop ids)."""
    ids = [s.id for s in problem.base.stops]
    choice = tuple(next(d for d, order in enumerate(days) if i in order) for i in ids)
    results = []
    for d, order in enumerate(days):
        sub = day_problem(problem, choice, d)
        steps: list[Step] = [("stop", sub.stop_index(x)) for x in order]
        results.append(RoutingResult(sub.name, "test", "feasible", 0.0,
                                     (schedule_route(sub, 0, 0, steps),)))
    return choice, results


def test_moves_lists_single_moves_and_swaps_of_days() -> None:
    p = _line()
    found = moves(p, (0, 1, 0, 1), neighbours=3)
    singles = [m for m in found if len(m) == 1]
    assert sorted(singles) == [((0, 1),), ((1, 0),), ((2, 1),), ((3, 0),)]
    # a swap only between stops on different days: a-b, a-e, c-b, c-e
    assert sorted(m for m in found if len(m) == 2) == [
        ((0, 1), (1, 0)), ((0, 1), (3, 0)), ((1, 0), (2, 1)), ((2, 1), (3, 0))]
    assert [m for m in moves(p, (0, 1, 0, 1), neighbours=0) if len(m) == 2] == []


def test_the_screen_prices_a_swap_and_charges_overtime() -> None:
    p = _line()
    choice, days = _plan(p, ["ac", "be"])  # d-a-c-d 40, d-b-e-d 40
    routes = DayRoutes(p, choice, days, overtime=1.0)
    priced = dict((m, price) for price, m in screen(routes, moves(p, choice, 3)))
    # c to day 2 and b to day 1: d-a-b-d 20, d-c-e-d 20, saving 40
    assert priced[((1, 0), (2, 1))] == pytest.approx(-40.0)
    # c alone to day 2: day 1 d-a-d 20, day 2 d-b-e-c-d 40 lasting 340, 100 over
    assert priced[((2, 1),)] == pytest.approx(20 + 40 - 80 + 100)
    assert routes.choice == list(choice)  # the screen leaves the routes as they were
    assert routes.routes == [[[0, 2]], [[1, 3]]]


def test_eliminations_empty_a_days_smallest_route_onto_other_days() -> None:
    p = _line()
    p = PeriodicProblem(p.base, p.patterns, p.day_names, vehicles_per_day=((2,), (1,)))
    choice = (0, 0, 0, 0)
    sub = day_problem(p, choice, 0)
    two = tuple(schedule_route(sub, 0, v, [("stop", sub.stop_index(x)) for x in pair])
                for v, pair in enumerate(["ab", "ce"]))
    days = [RoutingResult(sub.name, "test", "feasible", 0.0, two),
            RoutingResult(day_problem(p, choice, 1).name, "test", "feasible", 0.0, ())]
    routes = DayRoutes(p, choice, days)
    # day 1's two routes have two stops each: the first is emptied, a and b to day 2
    assert eliminations(routes, screen(routes, moves(p, choice, 3))) == [((0, 1), (1, 1))]
    one = DayRoutes(p, *_plan(p, ["ab", "ce"]))
    assert eliminations(one, screen(one, moves(p, one.choice, 3))) == []  # one route a day


def test_descent_takes_the_swap_no_single_move_can_make() -> None:
    p = _line()
    choice, days = _plan(p, ["ac", "be"])
    new, routed, info = descend(p, choice, days, budget=Budget(20.0, "cpu"),
                                  judge_seconds=0.2)
    result = PeriodicResult(p.name, "pyvrp", 0.0, new, tuple(routed))
    assert validate_periodic(p, result).ok
    assert result.cost == pytest.approx(40.0)
    assert new[0] == new[1] != new[2] == new[3]  # a with b, c with e
    assert info["descent_moves"] == 1


def test_the_descent_option_is_checked_and_reported() -> None:
    with pytest.raises(InputError, match="descent"):
        PeriodicOptions(descent=1.5)
    with pytest.raises(InputError, match=r"periodic_options\.patience"):
        PeriodicOptions(patience=-1)
    p = _line()
    on = solve_periodic(p, time_limit=1.0, options=PeriodicOptions(clock="cpu"))
    off = solve_periodic(p, time_limit=1.0, options=PeriodicOptions(clock="cpu", descent=0))
    assert "descent_judged" in on.info and "descent_judged" not in off.info
    assert on.cost == pytest.approx(40.0)


def test_with_patience_the_time_a_converged_descent_leaves_goes_to_more_cycles() -> None:
    p = _line()
    cycled = solve_periodic(p, time_limit=3.0, options=PeriodicOptions(clock="cpu",
                                                                       descent=0.6))
    once = solve_periodic(p, time_limit=3.0, options=PeriodicOptions(clock="cpu", descent=0.6,
                                                                     patience=0))
    assert cycled.info["cycles"] >= 2 and "cycles" not in once.info
    assert cycled.cost == pytest.approx(40.0) and once.cost == pytest.approx(40.0)


@pytest.mark.parametrize(("field", "value"), [("judge_seconds", 0.0), ("neighbours", -1),
                                              ("overtime", -1.0)])
def test_descend_names_a_bad_option(field: str, value: float) -> None:
    with pytest.raises(InputError, match=field):
        descend(None, (), (), budget=Budget(1.0), **{field: value})  # type: ignore[arg-type]
