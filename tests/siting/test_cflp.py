"""Generic CFLP solvers and the independent checker on hand-checkable instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from circularopt.exceptions import InputError
from circularopt.siting.cflp import (
    FacilityProblem,
    TwoStageProblem,
    solve_mip,
    solve_two_stage_mip,
)
from circularopt.siting.lagrangian import (
    _cover_01,
    _knapsacks01,
    lagrangian_bound,
    solve_lagrangian,
)
from circularopt.siting.validate import (
    validate_facility,
    validate_two_stage,
)


@pytest.fixture
def split_pays() -> FacilityProblem:
    """Facility 0 is free but holds only 10 of the 12 units; facility 1 costs 100.

    Per unit, facility 0 costs 1 and facility 1 costs 2. Multi-source optimum: open both,
    10 units at 0 and 2 at 1: 100 + 10 + 4 = 114. Single source: one customer per
    facility: 100 + 6 + 12 = 118.
    """
    return FacilityProblem(fixed_cost=[0.0, 100.0], capacity=[10.0, 20.0], demand=[6.0, 6.0],
                           cost=[[6.0, 6.0], [12.0, 12.0]], name="split_pays")


@pytest.fixture
def random_ss() -> FacilityProblem:
    """A random single-source instance (6 facilities, 25 customers)."""
    rng = np.random.default_rng(3)
    pts_f, pts_c = rng.random((6, 2)), rng.random((25, 2))
    demand = rng.integers(5, 20, 25).astype(float)
    dist = np.linalg.norm(pts_f[:, None] - pts_c[None], axis=2)
    return FacilityProblem(rng.integers(50, 150, 6).astype(float), np.full(6, 120.0), demand,
                           np.round(100 * dist * demand[None, :] / 10), single_source=True,
                           name="random_ss")


@pytest.mark.parametrize("backend", ["highs", "scip"])
def test_multi_source_optimum_splits_a_customer(split_pays: FacilityProblem,
                                                backend: str) -> None:
    res = solve_mip(split_pays, backend=backend, time_limit=10)
    assert res.status == "optimal"
    assert res.cost == pytest.approx(114.0)
    assert res.open_facilities == (0, 1)
    assert res.single_source_assignment() is None
    assert validate_facility(split_pays, res).ok
    assert "optimal" in res.summary()


@pytest.mark.parametrize("backend", ["highs", "scip", "cpsat"])
def test_single_source_optimum(split_pays: FacilityProblem, backend: str) -> None:
    res = solve_mip(split_pays.with_single_source(), backend=backend, time_limit=10)
    assert res.status == "optimal"
    assert res.cost == pytest.approx(118.0)
    assert sorted(res.single_source_assignment() or ()) == [0, 1]
    assert validate_facility(split_pays.with_single_source(), res).ok


def test_cpsat_refuses_continuous_flows(split_pays: FacilityProblem) -> None:
    with pytest.raises(InputError, match="multi-source"):
        solve_mip(split_pays, backend="cpsat")


def test_infeasible_when_capacity_short() -> None:
    p = FacilityProblem([1.0], [5.0], [6.0], [[1.0]])
    res = solve_mip(p, time_limit=5)
    assert res.status == "infeasible"
    assert not validate_facility(p, res).ok


def test_lagrangian_bound_is_below_and_method_matches_mip(random_ss: FacilityProblem) -> None:
    exact = solve_mip(random_ss, backend="scip", time_limit=20)
    assert exact.status == "optimal"
    lb = lagrangian_bound(random_ss, upper=exact.cost * 1.01, iterations=200)
    assert lb.bound <= exact.cost + 1e-6
    heur = solve_lagrangian(random_ss, time_limit=5, backend="none", seed=1)
    assert validate_facility(random_ss, heur).ok
    assert heur.cost >= exact.cost - 1e-6
    full = solve_lagrangian(random_ss, time_limit=10, backend="scip", seed=1)
    assert validate_facility(random_ss, full).ok
    assert full.cost == pytest.approx(exact.cost)
    assert full.bound is not None and full.bound <= exact.cost + 1e-6


def test_lagrangian_multi_source(split_pays: FacilityProblem) -> None:
    res = solve_lagrangian(split_pays, time_limit=5, backend="highs")
    assert res.cost == pytest.approx(114.0)
    assert validate_facility(split_pays, res).ok


def test_seed_reproducible(random_ss: FacilityProblem) -> None:
    a = solve_lagrangian(random_ss, time_limit=5, backend="none", seed=4)
    b = solve_lagrangian(random_ss, time_limit=5, backend="none", seed=4)
    assert a.cost == b.cost and a.open_facilities == b.open_facilities


@pytest.mark.parametrize(("field", "kwargs"), [
    ("capacity", {"capacity": [1.0, 2.0, 3.0]}),
    ("cost", {"cost": [[1.0, 1.0]]}),
    ("demand", {"demand": [-1.0, 2.0]}),
    ("cost[:, 1]", {"cost": [[1.0, np.inf], [1.0, np.inf]]}),
])
def test_problem_validation_names_the_field(field: str, kwargs: dict[str, object]) -> None:
    data: dict[str, object] = {"fixed_cost": [1.0, 1.0], "capacity": [5.0, 5.0],
                               "demand": [1.0, 2.0], "cost": [[1.0, 2.0], [2.0, 1.0]]}
    data.update(kwargs)
    with pytest.raises(InputError) as err:
        FacilityProblem(**data)  # type: ignore[arg-type]
    assert err.value.field.startswith(field)


def test_two_stage_hand_case() -> None:
    """Two plants (cheap far, dear near), one satellite, two customers of 5 each."""
    p = TwoStageProblem(plant_fixed=[10.0, 50.0], plant_capacity=[10.0, 10.0],
                        satellite_fixed=[5.0], satellite_capacity=[20.0], demand=[5.0, 5.0],
                        plant_cost=[[2.0], [1.0]], satellite_cost=[[1.0, 3.0]])
    res = solve_two_stage_mip(p, time_limit=10)
    # plant 0: fixed 10 + 10 units at 2 = 30; satellite: 5 + 5*1 + 5*3 = 25 -> 55
    # (plant 1 instead: 50 + 10 = 60, total 85)
    assert res.cost == pytest.approx(55.0)
    assert res.open_plants == (0,)
    report = validate_two_stage(p, res)
    assert report.ok and report.cost == pytest.approx(55.0)
    broken = type(res)(res.open_plants, res.open_satellites, res.plant_flow * 0.5,
                       res.satellite_flow, res.cost, res.status, res.bound, res.seconds,
                       res.method)
    assert any("receives" in v for v in validate_two_stage(p, broken).violations)


@pytest.mark.parametrize("equal", [True, False])
def test_cover_01_matches_enumeration(equal: bool) -> None:
    rng = np.random.default_rng(7 if equal else 8)
    for _ in range(20):
        v = rng.integers(-5, 30, 7).astype(float)
        s = np.full(7, 10.0) if equal else rng.integers(3, 20, 7).astype(float)
        total = float(rng.integers(5, 60))
        for force, to in ((-1, 0), (2, 1), (2, 0)):
            fixed = np.full(7, -1)
            if force >= 0:
                fixed[force] = to
            y, value = _cover_01(v, s, total, fixed=fixed)
            feasible = [c for c in itertools.product((0, 1), repeat=7)
                        if np.dot(c, s) >= total and (force < 0 or c[force] == to)]
            if not feasible:
                assert value == np.inf
                continue
            assert value == pytest.approx(min(float(np.dot(c, v)) for c in feasible))
            assert np.dot(y, s) >= total and float(np.dot(y, v)) == pytest.approx(value)


def test_cardinality_lifts_the_bound_and_probing_is_valid() -> None:
    """Four equal facilities of 10 for a demand of 11: two must open (LP opens 1.1)."""
    p = FacilityProblem(fixed_cost=[100.0, 100.0, 100.0, 300.0], capacity=[10.0] * 4,
                        demand=[5.5, 5.5], cost=[[1.0, 4.0], [4.0, 1.0], [2.0, 2.0],
                                                 [1.0, 1.0]])
    exact = solve_mip(p, backend="highs", time_limit=10)
    assert exact.status == "optimal" and exact.cost == pytest.approx(202.0)
    lb = lagrangian_bound(p, upper=exact.cost, iterations=300)
    assert 200.0 < lb.bound <= exact.cost + 1e-6
    assert (lb.open_bound >= lb.bound - 1e-6).all() and (lb.closed_bound >= lb.bound - 1e-6).all()
    # facility 3 (fixed cost 300) is excluded by probing and closed in the optimum
    assert lb.open_bound[3] > exact.cost
    assert 3 not in exact.open_facilities


def test_knapsacks01_match_enumeration() -> None:
    rng = np.random.default_rng(11)
    r = rng.integers(-20, 10, (3, 8)).astype(float)
    w = rng.integers(1, 9, 8)
    cap = np.array([10, 15, 7])
    x, value = _knapsacks01(r, w, cap)
    for i in range(3):
        best = min(float(np.dot(c, r[i])) for c in itertools.product((0, 1), repeat=8)
                   if np.dot(c, w) <= cap[i])
        assert value[i] == pytest.approx(best)
        assert np.dot(x[i], w) <= cap[i] and float(np.dot(x[i], r[i])) == pytest.approx(best)


def test_single_source_bound_with_01_knapsacks(random_ss: FacilityProblem) -> None:
    exact = solve_mip(random_ss, backend="scip", time_limit=20)
    strong = lagrangian_bound(random_ss, upper=exact.cost, iterations=300)
    weak = lagrangian_bound(random_ss, upper=exact.cost, iterations=300,
                            integer_knapsacks=False)
    assert weak.bound <= strong.bound + 1e-6 * exact.cost
    assert strong.bound <= exact.cost + 1e-6
    # probing never cuts off the optimum: its facilities and arcs pass the tests
    used = exact.assignment > 0.5
    arc_lb = strong.open_bound[:, None] + np.maximum(strong.arc_reduced_cost, 0.0)
    assert (arc_lb[used] <= exact.cost + 1e-6).all()


def test_proof_phase_proves_a_restricted_kernel() -> None:
    """A kernel of 2 of 6 facilities cannot prove anything; the proof phase must."""
    rng = np.random.default_rng(5)
    pts_f, pts_c = rng.random((6, 2)), rng.random((20, 2))
    demand = rng.integers(5, 20, 20).astype(float)
    dist = np.linalg.norm(pts_f[:, None] - pts_c[None], axis=2)
    p = FacilityProblem(rng.integers(100, 300, 6).astype(float), np.full(6, 80.0), demand,
                        np.round(100 * dist * demand[None, :] / 10), name="proof")
    exact = solve_mip(p, backend="highs", time_limit=20)
    res = solve_lagrangian(p, time_limit=8, backend="highs", max_kernel=2,
                           prove_share=0.6)
    assert validate_facility(p, res).ok
    assert res.cost == pytest.approx(exact.cost)
    assert res.status == "optimal" and res.bound == pytest.approx(exact.cost)
    assert res.method == "lagrangian+kernel+proof-highs"
