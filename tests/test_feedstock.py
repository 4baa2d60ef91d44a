"""Feedstock assignment on its own, and its agreement with the siting model.

Hand-made line road (km from ``X``): complexes A (x=0) and B (x=10); recyclers NEAR
(x=1, plastic 50, 1 t/day) and FAR (x=9, plastic 60 and paper 40, 10 t/day); landfill L
(x=5, fee 5); transfer 0.1 per t-km, 300 working days. From A, plastic earns
50 - 0.1 at NEAR and 60 - 0.9 at FAR: FAR is better, and it has room, so A's plastic
goes to FAR. Landfilling costs 5 + 0.5 per tonne from either complex.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from circularopt.exceptions import InfeasibleError, InputError
from circularopt.feedstock import assign_feedstock
from circularopt.matrices import TravelMatrices, approximate_matrices
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Landfill,
    Parameters,
    Recycler,
    Scenario,
    Stream,
)
from circularopt.siting.model import site
from circularopt.siting.validate import validate_siting

X = {"A": 0.0, "B": 10.0, "NEAR": 1.0, "FAR": 9.0, "L": 5.0, "p": 0.0}


def road(*, far_cap: float = 10.0, landfill_cap: float | None = None) -> Scenario:
    """The line scenario of the module docstring."""
    def at(key: str) -> tuple[float, float]:
        return 42.0, 74.0 + X[key] / 100

    rr = {"plastic": 0.5, "paper": 0.5}
    cands = tuple(ComplexCandidate(c, *at(c), (CapacityOption(50, 1.0),), 0.0, rr)
                  for c in ("A", "B"))
    recs = (Recycler("NEAR", *at("NEAR"), {"plastic": 50.0}, 1.0),
            Recycler("FAR", *at("FAR"), {"plastic": 60.0, "paper": 40.0}, far_cap))
    streams = (Stream("plastic"), Stream("paper"), Stream("residual", recyclable=False))
    point = CollectionPoint("p", *at("p"), {"plastic": 1.0})
    return Scenario("road", streams, (point,), cands, (), recs,
                    (Landfill("L", *at("L"), 5.0, landfill_cap),),
                    Parameters(300.0, transfer_cost_per_tonne_km=0.1))


def road_matrices(sc: Scenario) -> TravelMatrices:
    ids = tuple(o.id for o in sc.located())
    x = np.array([X[i] for i in ids])
    km = np.abs(x[:, None] - x[None, :])
    return TravelMatrices(ids, km * 120.0, km * 1000.0, False, "hand-made line road")


def test_best_value_recycler_first_then_fallback() -> None:
    sc = road(far_cap=3.0)
    fs = assign_feedstock(sc, road_matrices(sc), {"A": {"plastic": 4.0, "residual": 2.0},
                                                  "B": {"plastic": 4.0, "paper": 2.0}})
    flows = {(f.complex, f.recycler, f.stream): f.tonnes_per_day for f in fs.flows}
    # per tonne: B plastic->FAR 59.9, A plastic->FAR 59.1, A plastic->NEAR 49.9,
    # B paper->FAR 39.9; FAR (3 t/day) takes the two best, NEAR (1 t/day) A's rest
    assert flows == pytest.approx({("B", "FAR", "plastic"): 2.0, ("A", "FAR", "plastic"): 1.0,
                                   ("A", "NEAR", "plastic"): 1.0})
    supply = {s.id: s for s in fs.supply}
    assert supply["FAR"].utilisation == pytest.approx(1.0)
    assert fs.delivered_t_per_day == pytest.approx(4.0)
    # recovered 2 + 2 + 1 = 5 t/day, 4 placed: B's paper is left, FAR being full
    assert fs.unplaced_t_per_day == pytest.approx({"plastic": 0.0, "paper": 1.0})
    assert "full: FAR" in fs.unplaced_reason["paper"]
    # mass balance: 12 t/day in, 4 to recyclers, 8 to the landfill
    assert sum(r.tonnes_per_day for r in fs.residues) == pytest.approx(8.0)
    assert fs.landfill == pytest.approx(300 * 8 * 5.0)
    assert "FAR" in fs.summary()


def test_hand_computed_value() -> None:
    sc = road()
    fs = assign_feedstock(sc, road_matrices(sc), {"A": {"plastic": 2.0}})
    # 1 t/day plastic recovered -> FAR (60 - 0.9 beats 50 - 0.1); 1 t/day residue -> L
    assert [(f.recycler, f.tonnes_per_day) for f in fs.flows] == [("FAR", 1.0)]
    assert fs.net_value == pytest.approx(300 * (60 - 0.9 - (5 + 0.5)))


def test_unaccepted_stream_reason() -> None:
    sc = road()
    sc = dataclasses.replace(sc, recyclers=sc.recyclers[:1])
    fs = assign_feedstock(sc, road_matrices(sc), {"A": {"paper": 2.0}})
    assert fs.unplaced_t_per_day["paper"] == pytest.approx(1.0)
    assert "no usable recycler" in fs.unplaced_reason["paper"]


def test_errors_name_the_problem() -> None:
    sc = road()
    m = road_matrices(sc)
    with pytest.raises(InputError, match="inflows"):
        assign_feedstock(sc, m, {"Z": {"plastic": 1.0}})
    with pytest.raises(InputError, match="glass"):
        assign_feedstock(sc, m, {"A": {"glass": 1.0}})
    with pytest.raises(InputError, match="open_recyclers"):
        assign_feedstock(sc, m, {"A": {"plastic": 1.0}}, open_recyclers=["NEAR"])
    with pytest.raises(InfeasibleError, match="cannot be disposed of"):
        assign_feedstock(road(landfill_cap=1.0), m, {"A": {"plastic": 2.0, "residual": 3.0}})


def _random_scenario(seed: int) -> Scenario:
    rng = np.random.default_rng(seed)
    comp = {"plastic": 0.2, "paper": 0.2, "glass": 0.1, "metal": 0.05, "organics": 0.3,
            "residual": 0.15}

    def near() -> tuple[float, float]:
        return 42.8 + float(rng.uniform(0, 0.1)), 74.5 + float(rng.uniform(0, 0.1))

    pts = tuple(CollectionPoint.from_total(f"p{i}", *near(), float(rng.uniform(0.5, 2)),
                                           comp) for i in range(14))
    rr = {"plastic": 0.6, "paper": 0.5, "glass": 0.7, "metal": 0.8, "organics": 0.3}
    cands = tuple(ComplexCandidate(f"c{j}", *near(), (CapacityOption(10, 20_000),
                                                      CapacityOption(25, 35_000)), 8.0, rr)
                  for j in range(3))
    names = list(rr)
    recs = tuple(Recycler(f"r{k}", *near(), {str(s): float(rng.uniform(-5, 90))
                                             for s in rng.choice(names, 2, replace=False)},
                          float(rng.uniform(0.5, 3))) for k in range(4))
    return Scenario(f"random-{seed}", collection_points=pts, complex_candidates=cands,
                    recyclers=recs, landfills=(Landfill("lf", 42.75, 74.55, 6.0),))


@pytest.mark.parametrize("seed", [1, 2])
def test_agrees_with_siting_on_the_same_open_complexes(seed: int) -> None:
    sc = _random_scenario(seed)
    m = approximate_matrices(sc.locations())
    r = site(sc, m, time_limit=20)
    assert validate_siting(sc, m, r).ok
    fs = assign_feedstock(sc, m, {c.id: c.inflow_t_per_day for c in r.open_complexes})
    assert fs.net_value == pytest.approx(
        r.costs.revenue - r.costs.transport - r.costs.landfill, rel=1e-6, abs=1e-3)
    assert fs.delivered_t_per_day == pytest.approx(r.delivered_t_per_day(), abs=1e-6)
    for stream, t in r.unplaced_t_per_day.items():
        assert fs.unplaced_t_per_day.get(stream, 0.0) == pytest.approx(t, abs=1e-6)
