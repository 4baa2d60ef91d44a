"""The scenario siting model, its result, its checker and the ``site`` CLI.

The tiny scenario ``line`` puts everything on a straight road (hand-made matrices, km from
the ``X`` table, 30 km/h): points p1, p2 near complex A (x=0.5), p3, p4 near complex B
(x=9.5), recycler R and landfill L in the middle (x=5). Each point makes 1 t/day plastic
and 1 t/day residual; A and B recover half the plastic. Hand-computed figures (D = 300
working days, transfer 0.15 per t-km, trucks 5 t, 1 per km, no hourly cost):

- collection per point and day: line haul ``2 t / 5 t x 2 x d km x 1 = 0.8 d``, plus the
  local tour share ``1.42 x 1 km`` (nearest neighbour 1 km, collected daily);
- common part per day: local 4 x 1.42 = 5.68, sorting 10 x 8 = 80, plastic 2 t sold at
  100 (revenue 200) hauled 4.5 km (1.35), residue 6 t landfilled 4.5 km away at fee 5
  (6 x 5.675 = 34.05): -78.92 per day, i.e. -23,676 per year;
- A large (10 t/day, 14,000) serving all: line haul 0.8 x (0.5+0.5+8.5+9.5) = 15.2 per
  day -> 14,000 + 4,560 - 23,676 = -5,116 (the optimum);
- A and B small (5 t/day, 10,000 each): haul 0.8 x 4 x 0.5 = 1.6 per day -> 20,000 +
  480 - 23,676 = -3,196.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from circularopt.cli import main
from circularopt.exceptions import InfeasibleError, InputError
from circularopt.feedstock import assign_feedstock
from circularopt.matrices import TravelMatrices, approximate_matrices
from circularopt.scenario import (
    CapacityOption,
    Depot,
    Scenario,
    VehicleType,
)
from circularopt.siting.model import (
    CollectionCostParams,
    collection_cost_estimate,
    max_diversion_t_per_day,
    site,
)
from circularopt.siting.result import SitingResult
from circularopt.siting.validate import validate_siting
from tests.siting.conftest import line, line_matrices

BACKENDS = ("highs", "scip")
A_ALONE = -5116.0
BOTH_SMALL = -3196.0


def solve(scenario: Scenario, **kw: object) -> SitingResult:
    """Site and check with the independent checker."""
    matrices = line_matrices(scenario)
    result = site(scenario, matrices, time_limit=20, **kw)  # type: ignore[arg-type]
    report = validate_siting(scenario, matrices, result)
    assert report.ok, report.summary()
    return result


# --------------------------------------------------------------------------- cost estimate


def test_collection_cost_estimate_matches_hand_formula() -> None:
    sc = line()
    cost = collection_cost_estimate(sc, line_matrices(sc), ["A", "B"])
    # p1 -> A: 0.8 x 0.5 + 1.42; p4 -> A: 0.8 x 9.5 + 1.42
    assert cost[0, 0] == pytest.approx(0.4 + 1.42)
    assert cost[3, 0] == pytest.approx(7.6 + 1.42)
    assert cost[3, 1] == pytest.approx(0.4 + 1.42)
    prm = dataclasses.replace(CollectionCostParams.from_scenario(sc), scale=1.25)
    scaled = collection_cost_estimate(sc, line_matrices(sc), ["A", "B"], params=prm)
    assert scaled == pytest.approx(1.25 * cost)


def test_collection_cost_estimate_volume_limit_and_weekly_visits() -> None:
    sc = line()
    light = dataclasses.replace(sc, collection_points=tuple(
        dataclasses.replace(p, tonnes_per_day={"plastic": 2.0}, collections_per_week=1)
        for p in sc.collection_points))
    cost = collection_cost_estimate(light, line_matrices(light), ["A"])
    # plastic at 0.2 t/m3 fills 20 m3 with 4 t < 5 t: 0.5 loads/day, 2 x 0.5 km each;
    # visited once a week: 1/7 visits/day, tour share 1.42 x 1 km x sqrt(7)
    assert cost[0, 0] == pytest.approx(0.5 * 2 * 0.5 + 1.42 * np.sqrt(7) / 7)


def test_collection_cost_params_from_fleet_include_fixed_cost_per_hour() -> None:
    vt = VehicleType("t", 10.0, 25.0, 1, fixed_cost_per_day=80.0, cost_per_hour=5.0,
                     shift_minutes=480.0)
    sc = dataclasses.replace(line(), depots=(Depot("D", 42.0, 74.05, (vt,)),))
    prm = CollectionCostParams.from_scenario(sc)
    assert prm.cost_per_hour == pytest.approx(5.0 + 80.0 / 8)
    assert prm.truck_capacity_t == 10.0


# --------------------------------------------------------------------------- optimum, options


@pytest.mark.parametrize("backend", BACKENDS)
def test_known_optimum_opens_large_a_alone(backend: str) -> None:
    r = solve(line(), backend=backend)
    assert r.status == "optimal"
    assert r.open_ids == ("A",)
    assert r.open_complexes[0].option == 1
    assert r.costs.total == pytest.approx(A_ALONE, abs=1e-3)
    assert r.objective == pytest.approx(A_ALONE, abs=1e-2)
    assert r.diversion_rate == pytest.approx(0.25)
    assert set(r.assignment.values()) == {"A"}


def test_exactly_two_complexes_splits_by_side() -> None:
    r = solve(line(), complexes=2)
    assert sorted(r.open_ids) == ["A", "B"]
    assert [c.option for c in r.open_complexes] == [0, 0]  # small A is enough
    assert r.assignment == {"p1": "A", "p2": "A", "p3": "B", "p4": "B"}
    assert r.costs.total == pytest.approx(BOTH_SMALL, abs=1e-3)


def test_locked_open_forces_b() -> None:
    r = solve(line(), locked_open=["B"])
    assert "B" in r.open_ids
    assert r.costs.total == pytest.approx(BOTH_SMALL, abs=1e-3)


def test_max_travel_keeps_far_points_at_b() -> None:
    # 10 min at 30 km/h = 5 km: p3, p4 cannot reach A (8.5, 9.5 km)
    r = solve(line(), max_travel_minutes=10)
    assert r.assignment["p3"] == "B" and r.assignment["p4"] == "B"
    assert r.costs.total == pytest.approx(BOTH_SMALL, abs=1e-3)


def test_min_diversion_binding_with_gate_fee() -> None:
    base = solve(line(price=-50.0))
    assert base.diversion_rate == pytest.approx(0.0)
    forced = solve(line(price=-50.0), min_diversion=0.2)
    assert forced.diversion_rate == pytest.approx(0.2)
    # 1.6 t/day sold instead of landfilled: (50 + 0.675 - 5.675) x 1.6 x 300
    assert forced.costs.total - base.costs.total == pytest.approx(21_600.0, abs=1e-2)


def test_recycler_full_leaves_recyclate_unplaced_and_candidate_opens() -> None:
    full = solve(line(recycler_cap=1.0))
    assert full.unplaced_t_per_day["plastic"] == pytest.approx(1.0)
    opened = solve(line(recycler_cap=1.0, candidate_recycler=True),
                   open_candidate_recyclers=True)
    assert opened.opened_recyclers == ("R2",)
    assert opened.unplaced_t_per_day["plastic"] == pytest.approx(0.0, abs=1e-7)
    assert opened.costs.recycler_opening == 1_000.0
    closed = solve(line(recycler_cap=1.0, candidate_recycler=True))
    assert closed.opened_recyclers == ()


def test_direct_landfill_when_allowed() -> None:
    # complexes cost far more than they save: points go straight to the landfill
    sc = line(a_options=((10, 500_000),))
    sc = dataclasses.replace(sc, complex_candidates=(
        sc.complex_candidates[0],
        dataclasses.replace(sc.complex_candidates[1],
                            capacity_options=(CapacityOption(5, 500_000),))))
    r = solve(sc, allow_direct_landfill=True)
    assert r.open_ids == ()
    assert set(r.assignment.values()) == {"L"}


def test_feedstock_agrees_with_mixed_direct_landfill() -> None:
    # B is too dear: p3, p4 go straight to L (8.0 t/day cap), p1, p2 through A
    sc = line(landfill_cap=7.0)
    sc = dataclasses.replace(sc, complex_candidates=(
        sc.complex_candidates[0],
        dataclasses.replace(sc.complex_candidates[1],
                            capacity_options=(CapacityOption(5, 500_000),))))
    m = line_matrices(sc)
    r = solve(sc, allow_direct_landfill=True, locked_open=["A"], max_travel_minutes=10)
    direct = [p for p, t in r.assignment.items() if t == "L"]
    assert sorted(direct) == ["p3", "p4"]
    used = {"L": sum(sc.collection_points[i].total_tonnes_per_day
                     for i in range(4) if sc.collection_points[i].id in direct)}
    fs = assign_feedstock(sc, m, {c.id: c.inflow_t_per_day for c in r.open_complexes},
                          landfill_used=used)
    assert fs.delivered_t_per_day == pytest.approx(r.delivered_t_per_day())
    residue = sum(x.tonnes_per_day for x in r.residues)
    assert sum(x.tonnes_per_day for x in fs.residues) == pytest.approx(residue)
    with pytest.raises(InfeasibleError):
        assign_feedstock(sc, m, {"A": {"plastic": 2.0, "residual": 2.0}},
                         landfill_used={"L": 6.5})


def test_max_complexes_and_options_are_checked() -> None:
    sc = line()
    m = line_matrices(sc)
    with pytest.raises(InputError, match="backend"):
        site(sc, m, backend="gurobi")
    with pytest.raises(InputError, match="locked_open"):
        site(sc, m, locked_open=["Z"])
    with pytest.raises(InputError, match="min_diversion"):
        site(sc, m, min_diversion=1.5)
    r = solve(sc, max_complexes=1)
    assert len(r.open_ids) == 1


def test_full_mip_agrees_with_two_phase() -> None:
    for kw in ({}, {"complexes": 2}, {"max_travel_minutes": 10.0}):
        two = solve(line(), **kw)
        full = solve(line(), method="mip", **kw)
        assert full.costs.total == pytest.approx(two.costs.total, abs=1e-3)
        assert full.options["method"] == "mip"


def _packing(a_options: tuple[tuple[float, float], ...]) -> Scenario:
    """A 5 t/day plus B 3.5 t/day hold the 8 t/day only if a point is split."""
    sc = line(a_options=a_options)
    b = dataclasses.replace(sc.complex_candidates[1],
                            capacity_options=(CapacityOption(3.5, 5_000),))
    return dataclasses.replace(sc, complex_candidates=(sc.complex_candidates[0], b))


def test_two_phase_falls_back_to_full_mip_when_sites_cannot_be_packed() -> None:
    r = solve(_packing(((5, 10_000), (10, 30_000))))
    assert ("A", 1) in {(c.id, c.option) for c in r.open_complexes}
    assert r.status == "optimal"


def test_packing_infeasibility_after_prechecks_is_explained() -> None:
    with pytest.raises(InfeasibleError, match="single sourcing cannot pack"):
        solve(_packing(((5, 10_000),)))


def test_unreachable_recycler_is_not_used() -> None:
    sc = line()
    m = line_matrices(sc)
    r_idx = m.index("R")
    dist, dur = m.distance_m.copy(), m.duration_s.copy()
    for arr in (dist, dur):
        arr[r_idx, :] = arr[:, r_idx] = np.inf
        arr[r_idx, r_idx] = 0.0
    cut = TravelMatrices(m.ids, dur, dist, False, "R cut off")
    r = site(sc, cut, time_limit=20)
    assert r.flows == () and r.diversion_rate == 0.0
    assert validate_siting(sc, cut, r).ok
    fs = assign_feedstock(sc, cut, {c.id: c.inflow_t_per_day for c in r.open_complexes})
    assert fs.flows == ()


# --------------------------------------------------------------------------- infeasibility


def test_capacity_shortfall_is_explained() -> None:
    with pytest.raises(InfeasibleError, match=r"total waste 8\.0 t/day exceeds the largest "
                       r"possible complex and landfill capacity of 5\.0 t/day"):
        solve(line(), locked_closed=["A"])


def test_far_points_are_named() -> None:
    with pytest.raises(InfeasibleError, match=r"'p1'.*max_travel_minutes"):
        solve(line(), max_travel_minutes=0.5)


def test_min_diversion_above_reachable_is_explained() -> None:
    assert max_diversion_t_per_day(line()) == pytest.approx(2.0)
    with pytest.raises(InfeasibleError, match=r"min_diversion 30\.0% needs 2\.4 t/day.*at "
                       r"most 2\.0 t/day"):
        solve(line(), min_diversion=0.3)


def test_locked_sets_contradicting_complexes() -> None:
    with pytest.raises(InfeasibleError, match=r"locked open.*complexes=1"):
        solve(line(), complexes=1, locked_open=["A", "B"])
    with pytest.raises(InfeasibleError, match="both locked open and locked closed"):
        solve(line(), locked_open=["A"], locked_closed=["A"])
    with pytest.raises(InfeasibleError, match="complexes=2 but only 1"):
        solve(line(), complexes=2, locked_closed=["B"])


def test_landfill_too_small_is_explained() -> None:
    with pytest.raises(InfeasibleError, match=r"at least 6\.0 t/day must be landfilled"):
        solve(line(landfill_cap=3.0))


# --------------------------------------------------------------------------- checker


@pytest.fixture(scope="module")
def solved() -> tuple[Scenario, TravelMatrices, SitingResult]:
    sc = line(recycler_cap=1.5)
    m = line_matrices(sc)
    return sc, m, site(sc, m, complexes=2, min_diversion=0.15, max_travel_minutes=10)


def test_result_json_round_trip(solved: tuple[Scenario, TravelMatrices, SitingResult]) -> None:
    sc, m, r = solved
    back = SitingResult.from_json(r.to_json())
    assert back == r
    assert validate_siting(sc, m, back).ok
    assert "open complexes: 2" in r.summary()
    with pytest.raises(InputError, match="siting result"):
        SitingResult.from_dict({"scenario": "x"})


# --------------------------------------------------------------------------- CLI


def test_cli_site_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sc = line()
    scenario_file = tmp_path / "line.json"
    sc.to_json(scenario_file)
    out = tmp_path / "result.json"
    code = main(["site", str(scenario_file), "--complexes", "1", "--backend", "highs",
                 "--time-limit", "10", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "approximate" in text and "open complexes: 1" in text
    result = SitingResult.from_dict(json.loads(out.read_text()))
    assert result.approximate
    assert validate_siting(sc, approximate_matrices(sc.locations()), result).ok
    code = main(["site", str(scenario_file), "--min-diversion", "0.9"])
    assert code == 2
    assert "min_diversion" in capsys.readouterr().out


def test_generated_bishkek_is_sited_checked_and_agrees_with_feedstock() -> None:
    from circularopt.cities import generate

    sc = generate("bishkek", size=25, seed=1)
    m = approximate_matrices(sc.locations())
    r = site(sc, m, time_limit=10, relative_gap=1e-3)
    assert r.approximate
    assert validate_siting(sc, m, r).ok
    fs = assign_feedstock(sc, m, {c.id: c.inflow_t_per_day for c in r.open_complexes})
    assert fs.net_value == pytest.approx(
        r.costs.revenue - r.costs.transport - r.costs.landfill, rel=1e-6)


def test_greedy_assignment_when_phase_two_finds_nothing(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """A phase 2 that finds no assignment in time (busy machine) falls back to a greedy
    single-source assignment with the flows solved as an LP: still a checked plan."""
    import circularopt.siting.model as model

    class Nothing:
        def has_primal_feasible_solution(self) -> bool:
            return False

    original = model._two_phase
    used: list[bool] = []

    def two_phase(built, data, run, deadline, gap):  # type: ignore[no-untyped-def]
        calls = [0]

        def flaky(seconds, gap=gap, hint=None):  # type: ignore[no-untyped-def]
            calls[0] += 1
            return Nothing() if calls[0] == 2 else run(seconds, gap, hint)

        out = original(built, data, flaky, deadline, gap)
        used.append(calls[0] >= 3)
        return out

    monkeypatch.setattr(model, "_two_phase", two_phase)
    monkeypatch.setattr(model, "_round_assignment", lambda *args: None)  # call 2: phase 2
    r = solve(line(), method="two-phase")  # checked by the independent checker
    assert used == [True] and r.open_complexes


def test_phase_two_starts_near_phase_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Phase 2 first re-solves only the points phase 1 split; here that is optimal."""
    import circularopt.siting.model as model

    found: list[object] = []
    original = model._round_assignment

    def spy(*args):  # type: ignore[no-untyped-def]
        found.append(original(*args))
        return found[-1]

    monkeypatch.setattr(model, "_round_assignment", spy)
    r = solve(line())
    assert len(found) == 1 and found[0] is not None
    assert r.costs.total == pytest.approx(A_ALONE, abs=1e-3)
    assert r.status == "optimal"


def test_cardinality_row_counts_the_fewest_complexes() -> None:
    import circularopt.siting.model as model

    def rows(sc: Scenario, **kw: object) -> dict[str, float]:
        opts = model.SitingOptions(**kw)  # type: ignore[arg-type]
        data = model._prepare(sc, line_matrices(sc), opts,
                              CollectionCostParams.from_scenario(sc))
        built = model._build(sc, data, opts)
        return {c.name: c.lower_bound for c in built.model.linear_constraints()}

    both = _packing(((5, 10_000),))  # A 5 t/day + B 3.5 t/day for 8 t/day: both open
    assert rows(both)["fewest_complexes"] == 2
    assert "fewest_complexes" not in rows(both, allow_direct_landfill=True)
    assert "fewest_complexes" not in rows(line())  # A's 10 t/day hold everything
