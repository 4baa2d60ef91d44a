"""Property and fuzz tests (hypothesis).

* Random small valid scenarios (1-3 complex candidates, one depot with one or two truck
  types, 5-30 points with random tonnes, windows and positions in a 4 km box) always give
  either a plan whose own verdict (``plan.valid``) the independent checker
  (:func:`circularopt.plan.validate_plan`) confirms, or a diagnosed
  :class:`~circularopt.exceptions.InfeasibleError` / ``InputError``.
* Random corruptions of a valid scenario JSON, plan JSON and VRPLIB file always give a
  result or a :class:`~circularopt.exceptions.CircularOptError`, never another exception.

Examples are few so the suite stays fast; set ``CIRCULAROPT_FUZZ=20`` (a multiplier) for
a longer fuzzing run.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from circularopt.bench.facility import read_orlib_cflp
from circularopt.bench.vrplib import read_cvrp
from circularopt.exceptions import CircularOptError, InfeasibleError, InputError
from circularopt.lrp import read_prodhon
from circularopt.matrices import approximate_matrices
from circularopt.pipeline import solve
from circularopt.plan import Plan, validate_plan
from circularopt.routing.decompose import RoutingOptions
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Depot,
    Landfill,
    Recycler,
    Scenario,
    VehicleType,
)

FUZZ = max(1, int(os.environ.get("CIRCULAROPT_FUZZ", "1")))
LAT, LON, BOX = 42.85, 74.55, 0.04
QUICK = settings(deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.function_scoped_fixture])


def quick(examples: int) -> settings:
    """Settings for ``examples`` x CIRCULAROPT_FUZZ examples, no deadline, reproducible."""
    return settings(QUICK, max_examples=examples * FUZZ)

coord = st.floats(0.0, BOX, allow_nan=False)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A small valid scenario (see the module docstring)."""
    points = []
    for i in range(draw(st.integers(5, 30))):
        total = draw(st.floats(0.01, 1.5))
        share = draw(st.floats(0.0, 1.0))
        window = draw(st.none() | st.tuples(st.floats(360.0, 800.0), st.floats(60.0, 600.0)))
        points.append(CollectionPoint(
            f"p{i}", LAT + draw(coord), LON + draw(coord),
            {"plastic": total * share * 0.5, "paper": total * share * 0.5,
             "residual": total * (1.0 - share)},
            service_minutes=draw(st.floats(0.0, 10.0)),
            time_window=None if window is None else (window[0], window[0] + window[1]),
            collections_per_week=draw(st.integers(2, 7))))
    complexes = tuple(
        ComplexCandidate(
            f"c{k}", LAT + draw(coord), LON + draw(coord),
            tuple(CapacityOption(draw(st.floats(5.0, 120.0)), draw(st.floats(0.0, 1e5)))
                  for _ in range(draw(st.integers(1, 2)))),
            draw(st.floats(0.0, 20.0)),
            {"plastic": draw(st.floats(0.0, 1.0)), "paper": draw(st.floats(0.0, 1.0))})
        for k in range(draw(st.integers(1, 3))))
    trucks = tuple(
        VehicleType(f"t{k}", draw(st.floats(1.0, 15.0)), draw(st.floats(20.0, 60.0)),
                    draw(st.integers(1, 4)), draw(st.floats(0.0, 100.0)),
                    draw(st.floats(0.0, 2.0)), draw(st.floats(0.0, 20.0)),
                    shift_start_minutes=draw(st.floats(300.0, 480.0)),
                    shift_minutes=draw(st.floats(240.0, 600.0)),
                    unload_minutes=draw(st.floats(5.0, 30.0)))
        for k in range(draw(st.integers(1, 2))))
    recyclers = tuple(
        Recycler(f"r{k}", LAT + draw(coord), LON + draw(coord),
                 {draw(st.sampled_from(["plastic", "paper"])): draw(st.floats(-10.0, 200.0))},
                 draw(st.floats(0.0, 30.0)))
        for k in range(draw(st.integers(0, 2))))
    landfill = Landfill("lf", LAT - 0.02, LON - 0.02, draw(st.floats(0.0, 30.0)),
                        draw(st.none() | st.floats(1.0, 100.0)))
    return Scenario("random", collection_points=tuple(points), complex_candidates=complexes,
                    depots=(Depot("d", LAT + draw(coord), LON + draw(coord), trucks),),
                    recyclers=recyclers, landfills=(landfill,))


@quick(12)
@given(scenario=scenarios())
def test_random_scenarios_give_a_checked_plan_or_a_diagnosis(scenario: Scenario) -> None:
    try:
        plan = solve(scenario, time_limit=2, routing=RoutingOptions(workers=1))
    except (InfeasibleError, InputError) as exc:
        event(f"{type(exc).__name__}: {re.sub(r'[0-9.,]+', 'N', str(exc))[:70]}")
        assert len(str(exc)) > 40  # says why, with figures
        return
    check = validate_plan(scenario, approximate_matrices(scenario.locations()), plan)
    event("valid plan" if plan.valid else "plan with violations")
    assert plan.complete
    if plan.valid:
        assert check.ok, check.summary()
    else:
        assert plan.violations


# --------------------------------------------------------------------------- corruptions


def _town_json() -> str:
    pts = tuple(CollectionPoint(f"p{i}", LAT + 0.003 * i, LON, {"plastic": 0.5},
                                time_window=(420.0, 900.0)) for i in range(3))
    return Scenario(
        "town", collection_points=pts,
        complex_candidates=(ComplexCandidate("c", LAT, LON + 0.01,
                                             (CapacityOption(10.0, 5.0),), 1.0,
                                             {"plastic": 0.5}),),
        depots=(Depot("d", LAT, LON - 0.01, (VehicleType("t", 5.0, 20.0, 1),)),),
        recyclers=(Recycler("r", LAT, LON + 0.02, {"plastic": 50.0}, 5.0),),
        landfills=(Landfill("lf", LAT - 0.01, LON, 10.0),)).to_json()


TOWN = _town_json()
JUNK = st.sampled_from([None, -1, 0, 1e308, "x", "", [], {}, [1, 2], {"a": 1}, True,
                        float("nan"), float("inf"), -1e-9])


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


def _replace(data: Any, path: tuple[Any, ...], value: Any, delete: bool) -> None:
    for key in path[:-1]:
        data = data[key]
    if delete:
        del data[path[-1]]
    else:
        data[path[-1]] = value


TOWN_PATHS = _paths(json.loads(TOWN))


@quick(150)
@given(path=st.sampled_from(TOWN_PATHS), value=JUNK, delete=st.booleans())
def test_corrupted_scenario_values(path: tuple[Any, ...], value: Any, delete: bool) -> None:
    data = json.loads(TOWN)
    _replace(data, path, value, delete)
    try:
        Scenario.from_json(json.dumps(data))
    except InputError as exc:
        assert exc.field and exc.expected


@st.composite
def text_edits(draw: st.DrawFn, text: str) -> str:
    """``text`` cut, with a span deleted, or with characters inserted or overwritten."""
    i = draw(st.integers(0, len(text)))
    j = draw(st.integers(i, min(len(text), i + 40)))
    junk = draw(st.text(alphabet="0123456789-.eE,:[]{}\"' \nabcnaNfi", max_size=8))
    how = draw(st.sampled_from(["cut", "delete", "insert", "overwrite"]))
    if how == "cut":
        return text[:i]
    if how == "delete":
        return text[:i] + text[j:]
    if how == "insert":
        return text[:i] + junk + text[i:]
    return text[:i] + junk + text[i + len(junk):]


@quick(150)
@given(text=text_edits(TOWN))
def test_corrupted_scenario_text(text: str, tmp_path_factory: pytest.TempPathFactory
                                 ) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "scenario.json"
    path.write_text(text, encoding="utf-8")
    try:
        Scenario.from_json(path)
    except InputError as exc:
        assert str(path) in str(exc)


VRP = """NAME : tiny
COMMENT : fuzz base
TYPE : CVRP
DIMENSION : 5
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 0 10
3 10 0
4 -5 -5
5 7 7
DEMAND_SECTION
1 0
2 4
3 5
4 3
5 6
DEPOT_SECTION
1
-1
EOF
"""


@quick(150)
@given(text=text_edits(VRP))
def test_corrupted_vrplib(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.vrp"
    path.write_text(text, encoding="utf-8")
    try:
        problem = read_cvrp(path)
    except CircularOptError as exc:
        assert path.name in str(exc)
        return
    assert problem.num_stops >= 1


CFLP = "2 3\n100 50\n100 60\n10 1 2\n20 3 4\n30 5 6\n"
PRODHON = "2\n1\n0 0\n3 4\n6 8\n10\n100\n3\n4\n50\n10\n0\n"


@quick(100)
@given(text=text_edits(CFLP), prodhon=text_edits(PRODHON))
def test_corrupted_cflp_and_prodhon(text: str, prodhon: str,
                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for name, body, reader in (("cap.txt", text, read_orlib_cflp),
                               ("coord.dat", prodhon, read_prodhon)):
        path = folder / name
        path.write_text(body, encoding="utf-8")
        try:
            reader(path)
        except CircularOptError as exc:
            assert name in str(exc)


@pytest.fixture(scope="module")
def plan_dict() -> dict[str, Any]:
    """A small solved plan as JSON data."""
    scenario = Scenario.from_json(TOWN)
    plan = solve(scenario, time_limit=2, routing=RoutingOptions(workers=1))
    data: dict[str, Any] = plan.to_dict()
    return data


@quick(100)
@given(data=st.data(), value=JUNK, delete=st.booleans())
def test_corrupted_plan_values(plan_dict: dict[str, Any], data: st.DataObject, value: Any,
                               delete: bool) -> None:
    copy = json.loads(json.dumps(plan_dict))
    path = data.draw(st.sampled_from(_paths(copy)))
    _replace(copy, path, value, delete)
    try:
        Plan.from_dict(copy)
    except InputError as exc:
        assert exc.expected


def test_plan_json_files_round_trip_or_fail_clearly(plan_dict: dict[str, Any],
                                                    tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    text = json.dumps(plan_dict)
    path.write_text(text[: len(text) // 3], encoding="utf-8")
    with pytest.raises(InputError, match="valid JSON"):
        Plan.load(path)
    path.write_text(text, encoding="utf-8")
    assert Plan.load(path).to_dict() == plan_dict
