"""Typed engine options: built from JSON, unknown keys and bad values named."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from circularopt.exceptions import InputError
from circularopt.routing.engines import ORToolsOptions, PyVRPOptions, engine_options, solve
from circularopt.routing.engines.options import SearchSettings, as_json
from circularopt.routing.problem import RoutingProblem
from circularopt.stop import MaxIterations, MaxRuntime


def test_defaults_and_json() -> None:
    assert engine_options("pyvrp", None) == PyVRPOptions()
    assert engine_options("ortools", {}) == ORToolsOptions()
    opts = engine_options("pyvrp", {"max_iterations": 150, "search": {"history_length": 5}})
    assert opts == PyVRPOptions(max_iterations=150, search=SearchSettings(history_length=5))
    assert as_json(opts) == {"max_iterations": 150, "search": {
        "history_length": 5, "max_perturbations": 25, "initial_penalty": None}}
    assert as_json(ORToolsOptions()) == {}


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_unknown_option_is_named_with_the_engine_options(engine: str) -> None:
    with pytest.raises(InputError, match=r"^engine_options: got 'foo'; expected an option "
                                         rf"of engine '{engine}': one of \[.*'clock'"):
        engine_options(engine, {"foo": 1})


@pytest.mark.parametrize(("engine", "given", "field"), [
    ("pyvrp", {"max_iterations": 0}, "engine_options.max_iterations"),
    ("pyvrp", {"minimise_fleet": 1.0}, "engine_options.minimise_fleet"),
    ("pyvrp", {"clock": "sundial"}, "engine_options.clock"),
    ("pyvrp", {"search": {"history_length": 0}}, "search.history_length"),
    ("pyvrp", {"search": {"length": 3}}, "engine_options.search"),
    ("ortools", {"part_size": 1}, "engine_options.part_size"),
    ("ortools", {"first_share": 0.0}, "engine_options.first_share"),
    ("ortools", {"drops": "never"}, "engine_options.drops"),
    ("ortools", {"soft_capacity": "yes"}, "engine_options.soft_capacity"),
])
def test_bad_value_is_named(engine: str, given: dict[str, object], field: str) -> None:
    with pytest.raises(InputError, match=rf"^{field}: got"):
        engine_options(engine, given)


def test_options_of_the_other_engine_are_refused() -> None:
    with pytest.raises(InputError, match="options of engine 'ortools'"):
        engine_options("ortools", PyVRPOptions())
    with pytest.raises(InputError, match=r"^engine: got 'gurobi'"):
        engine_options("gurobi", None)


def test_stop_criterion_ends_the_pyvrp_search(cvrp4: RoutingProblem) -> None:
    a = solve(cvrp4, engine="pyvrp", time_limit=5.0, stop=MaxIterations(50))
    b = solve(cvrp4, engine="pyvrp", options=PyVRPOptions(max_iterations=50), time_limit=5.0)
    assert a.info["iterations"] == b.info["iterations"] == 50
    assert a.cost == b.cost


def test_ortools_takes_a_runtime_only(cvrp4: RoutingProblem) -> None:
    result = solve(cvrp4, engine="ortools", stop=MaxRuntime(0.3, "cpu"))
    assert result.info["clock"] == "cpu"
    with pytest.raises(InputError, match=r"^stop: got"):
        solve(cvrp4, engine="ortools", stop=MaxIterations(5))


def test_pyvrp_penalty_warnings_go_to_the_log(cvrp4: RoutingProblem,
                                              caplog: pytest.LogCaptureFixture) -> None:
    one = dataclasses.replace(cvrp4, vehicle_types=tuple(
        dataclasses.replace(v, count=1) for v in cvrp4.vehicle_types))
    with caplog.at_level(logging.WARNING, logger="circularopt.routing.engines.pyvrp_engine"):
        result = solve(one, options={"max_iterations": 2000}, time_limit=5.0,
                       allow_infeasible=True)
    assert result.status == "infeasible"
    assert any("penalty parameter has reached" in r.getMessage() for r in caplog.records)
