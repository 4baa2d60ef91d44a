"""Curbside street runs that no truck can reach, or that cannot reach a site, are
reported before solving, with their streets."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from circularopt.diagnose import require_feasible, validate_scenario
from circularopt.exceptions import InfeasibleError
from circularopt.matrices import TravelMatrices
from circularopt.routing.curbside import curbside_matrices, scenario_runs
from circularopt.scenario import Scenario
from tests.routing.test_curbside import town_with_streets


def _cut(matrices: TravelMatrices, *, into: tuple[str, ...] = (),
         out_of: tuple[str, ...] = (), keep: tuple[str, ...] = ()) -> TravelMatrices:
    """``matrices`` with no path into ``into`` or out of ``out_of`` (but from/to ``keep``)."""
    dur = matrices.duration_s.copy()
    dist = matrices.distance_m.copy()
    kept = matrices.indices(list(keep))
    for i in matrices.indices(list(into)):
        rows = np.setdiff1d(np.arange(len(dur)), np.append(kept, i))
        dur[rows, i] = dist[rows, i] = np.inf
    for i in matrices.indices(list(out_of)):
        cols = np.setdiff1d(np.arange(len(dur)), np.append(kept, i))
        dur[i, cols] = dist[i, cols] = np.inf
    return dataclasses.replace(matrices, duration_s=dur, distance_m=dist)


@pytest.fixture(scope="module")
def town() -> tuple[Scenario, TravelMatrices]:
    scenario = town_with_streets()
    return scenario, curbside_matrices(scenario, scenario_runs(scenario))


def test_reachable_streets_pass(town: tuple[Scenario, TravelMatrices]) -> None:
    scenario, matrices = town
    assert validate_scenario(scenario, matrices).ok


def test_a_one_way_run_without_a_way_in_is_named(town: tuple[Scenario, TravelMatrices]
                                                 ) -> None:
    scenario, matrices = town
    cut = _cut(matrices, into=("run-one:start",))
    with pytest.raises(InfeasibleError) as err:
        require_feasible(scenario, cut)
    text = str(err.value)
    assert "1 curbside street run(s) cannot be entered" in text
    assert "'synthetic one' in zone 'z1' (streets one)" in text and "road network" in text


def test_a_two_way_run_is_entered_from_its_other_end(town: tuple[Scenario, TravelMatrices]
                                                     ) -> None:
    scenario, matrices = town
    # no way into the start of the long run: drive it backwards, from its end
    assert validate_scenario(scenario, _cut(matrices, into=("run-s0:start",))).ok
    # nor into its end: lost
    both = _cut(matrices, into=("run-s0:start", "run-s0:end"))
    (problem,) = validate_scenario(scenario, both).violations
    assert "(streets s0, s1, s2)" in problem


def test_a_run_whose_exit_reaches_no_site(town: tuple[Scenario, TravelMatrices]) -> None:
    scenario, matrices = town
    cut = _cut(matrices, out_of=("run-one:end",))
    (problem,) = validate_scenario(scenario, cut).violations
    assert "cannot reach a complex or landfill" in problem and "streets one" in problem


def test_a_zone_split_between_two_sites(town: tuple[Scenario, TravelMatrices]) -> None:
    scenario, matrices = town
    # run-one can only unload at the landfill, the other runs only at the complex
    others = ("run-s0:start", "run-s0:end", "run-x:start", "run-x:end")
    cut = _cut(matrices, out_of=("run-one:end",), keep=("lf", "d1"))
    cut = _cut(cut, out_of=others, keep=("c1", "d1", *others))
    (problem,) = validate_scenario(scenario, cut).violations
    assert "zone 'z1'" in problem and "'c1' takes most of them, but 1 run(s)" in problem
    assert "streets one" in problem
