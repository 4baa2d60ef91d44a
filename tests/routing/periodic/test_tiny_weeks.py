"""Periodic routing: hand-checkable weeks, the validator and bad input."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.exceptions import InputError
from circularopt.routing.engines import solve as route
from circularopt.routing.periodic import (
    PeriodicOptions,
    PeriodicProblem,
    PeriodicResult,
    Week,
    day_problem,
    even_patterns,
    periodic_problem,
    point_patterns,
    solve_periodic,
    validate_periodic,
    visit_gaps,
)
from circularopt.routing.problem import RoutingProblem
from tests.routing.conftest import euclid_model

MON_SAT = Week()


def _base(stops: str, *, capacity: float = 10, count: int = 2,
          demand: float = 1) -> RoutingProblem:
    m = euclid_model(["d", *stops], name="week")
    m.add_depot("d")
    m.add_vehicle_type("truck", depot="d", count=count, capacity=[capacity])
    for s in stops:
        m.add_stop(s, demand=[demand])
    return m.data()


def _route_days(problem: PeriodicProblem, choice: tuple[int, ...]) -> PeriodicResult:
    """Each day of ``choice`` routed by PyVRP (no pattern search)."""
    days = tuple(route(day_problem(problem, choice, d), engine="pyvrp", time_limit=0.3,
                       seed=1) for d in range(problem.days))
    return PeriodicResult(problem.name, "pyvrp", 0.0, choice, days)


# --------------------------------------------------------------------------- the model


def test_even_patterns_of_a_six_day_week() -> None:
    assert even_patterns(3, 6) == ((0, 2, 4), (1, 3, 5))
    assert even_patterns(6, 6) == ((0, 1, 2, 3, 4, 5),)
    assert len(even_patterns(1, 6)) == 6


def test_gaps_follow_the_calendar_week() -> None:
    """Mon-Sat in a 7-day week: Monday after Friday collects 3 days, after Thursday 4."""
    p = periodic_problem(_base("a"), MON_SAT, [((0, 2, 4),)])
    assert visit_gaps(p, (0, 2, 4)) == {0: 3, 2: 2, 4: 2}
    assert visit_gaps(p, (0, 3)) == {0: 4, 3: 3}
    assert visit_gaps(p, (0, 1)) == {0: 6, 1: 1}


def test_day_problem_carries_accumulated_loads() -> None:
    p = periodic_problem(_base("ab"), MON_SAT, [((0, 3),), ((0, 1),)])
    mon, tue = day_problem(p, (0, 0), 0), day_problem(p, (0, 0), 1)
    assert [(s.id, s.demand) for s in mon.stops] == [("a", (4.0,)), ("b", (6.0,))]
    assert [(s.id, s.demand) for s in tue.stops] == [("b", (1.0,))]


# --------------------------------------------------------------------------- solving


def test_the_cheaper_day_is_the_neighbours_day() -> None:
    """a (10, 1) is fixed on day 1, b (10, -1) may go on either day: with a it costs
    d-a-b-d = 10 + 2 + 10 = 22, alone on day 2 it costs 20 + 20 = 40."""
    p = PeriodicProblem(_base("ab"), (((0,),), ((0,), (1,))), ("day 1", "day 2"))
    result = solve_periodic(p, time_limit=1.0, seed=1)
    assert result.choice == (0, 0)
    assert result.cost == pytest.approx(22.0)
    assert result.vehicles_per_day == (1, 0)
    assert validate_periodic(p, result).ok


def test_a_fixed_day_is_honoured() -> None:
    """a, c and e would share the cheapest day, but c is fixed on Tuesday."""
    week = Week(working_days=("Mon", "Tue"))
    patterns = [point_patterns(week, 1, where="a"),
                point_patterns(week, 1, fixed_days=["Tue"], where="c")]
    assert patterns[1] == ((1,),)
    p = periodic_problem(_base("ac"), week, patterns, accumulate=False)
    result = solve_periodic(p, time_limit=1.0, seed=1)
    served = {s: d for d, day in enumerate(result.days) for r in day.routes for s in r.stops}
    assert served["c"] == 1
    assert validate_periodic(p, result).ok


def test_accumulation_rules_out_an_uneven_pattern() -> None:
    """Daily rate 1, one truck of 4: Mon/Tue collects 6 on Monday (overload), Mon/Thu
    4 and 3; the solver picks Mon/Thu, and the validator rejects Mon/Tue."""
    p = periodic_problem(_base("a", capacity=4, count=1), MON_SAT, [((0, 1), (0, 3))])
    result = solve_periodic(p, time_limit=1.0, seed=1)
    assert result.choice == (1,)
    assert validate_periodic(p, result).ok
    forced = PeriodicProblem(p.base, (((0, 1),),), p.day_names, calendar=p.calendar,
                             cycle=7, accumulate=True)
    bad = validate_periodic(forced, _route_days(
        dataclasses.replace(forced, accumulate=False), (0,)))
    assert not bad.ok and any("Mon" in v for v in bad.violations)


def test_options_reject_an_unknown_engine() -> None:
    with pytest.raises(InputError, match=r"periodic_options\.engine"):
        PeriodicOptions(engine="hgs")


# --------------------------------------------------------------------------- the validator


@pytest.fixture
def two_days() -> PeriodicProblem:
    """a and b on either of two days, c and e on both; 2 trucks of capacity 2 a day."""
    return PeriodicProblem(_base("abce", capacity=2), (((0,), (1,)), ((0,), (1,)),
                                                       ((0, 1),), ((0, 1),)),
                           ("day 1", "day 2"))


def test_validator_rejects_days_outside_the_pattern(two_days: PeriodicProblem) -> None:
    result = _route_days(two_days, (0, 0, 0, 0))
    assert validate_periodic(two_days, result).ok
    moved = dataclasses.replace(result, choice=(1, 0, 0, 0))
    report = validate_periodic(two_days, moved)
    assert not report.ok
    assert any("'a' is served on ['day 1']" in v and "['day 2']" in v
               for v in report.violations)


def test_validator_rejects_more_trucks_than_the_day_has(two_days: PeriodicProblem) -> None:
    result = _route_days(two_days, (0, 0, 0, 0))
    assert result.days[0].num_vehicles == 2
    one_truck = dataclasses.replace(two_days, vehicles_per_day=((1,), (2,)))
    report = validate_periodic(one_truck, result)
    assert any(v.startswith("day 1:") and "outside 0..0" in v for v in report.violations)


def test_validator_rejects_loads_that_ignore_accumulation() -> None:
    """a and b every Monday and Thursday at rate 1 collect 4 each on Monday: one truck of
    capacity 4 cannot take both, as it could with 1 a visit."""
    p = periodic_problem(_base("ab", capacity=4, count=2), MON_SAT,
                         [((0, 3),), ((0, 3),)])
    flat = _route_days(dataclasses.replace(p, accumulate=False), (0, 0))
    assert flat.days[0].num_vehicles == 1
    report = validate_periodic(p, flat)
    assert not report.ok and any(v.startswith("Mon:") for v in report.violations)


def test_validator_rejects_a_wrong_pattern_index(two_days: PeriodicProblem) -> None:
    result = _route_days(two_days, (0, 0, 0, 0))
    report = validate_periodic(two_days, dataclasses.replace(result, choice=(0, 0, 0, 5)))
    assert any("pattern 5 is not one of its 1" in v for v in report.violations)


# --------------------------------------------------------------------------- bad input


def test_a_frequency_above_the_working_days() -> None:
    with pytest.raises(InputError, match=r"site-9\.collections_per_week.*9.*1 to 6"):
        point_patterns(MON_SAT, 9, where="site-9")


def test_daily_means_every_working_day() -> None:
    assert point_patterns(MON_SAT, 7) == ((0, 1, 2, 3, 4, 5),)


def test_a_pattern_naming_an_off_day() -> None:
    with pytest.raises(InputError, match=r"p1\.patterns\[1\].*Sun.*Mon, Tue"):
        point_patterns(MON_SAT, 2, patterns=[["Mon", "Thu"], ["Wed", "Sun"]], where="p1")


def test_fixed_days_contradicting_the_frequency() -> None:
    with pytest.raises(InputError, match=r"p1\.fixed_days.*3 distinct working days"):
        point_patterns(MON_SAT, 3, fixed_days=["Mon", "Thu"], where="p1")


def test_a_week_with_an_unknown_day() -> None:
    with pytest.raises(InputError, match=r"week\.working_days"):
        Week(working_days=("Mon", "Funday"))
    with pytest.raises(InputError, match=r"week\.trucks_per_day"):
        Week(trucks_per_day={"Sun": 2})


def test_trucks_per_day_cap_the_fleet() -> None:
    p = periodic_problem(_base("a", count=3), Week(trucks_per_day={"Sat": 1}), [((0,),)])
    assert p.fleet(5) == (1,) and p.fleet(0) == (3,)


def test_patterns_must_match_the_stops() -> None:
    with pytest.raises(InputError, match="patterns"):
        PeriodicProblem(_base("ab"), (((0,),),), ("day 1",))
    with pytest.raises(InputError, match="pattern of stop 'a'"):
        PeriodicProblem(_base("a"), (((0, 2),),), ("day 1", "day 2"))
