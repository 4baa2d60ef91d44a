"""LRP validator: cost of a valid plan, broken plans, JSON plans."""

from __future__ import annotations

import json

import pytest

from circularopt.exceptions import InputError
from circularopt.lrp import (
    LRPInstance,
    LRPRoute,
    LRPSolution,
    validate_lrp,
)


def test_checker_cost_of_a_valid_plan(tiny: LRPInstance) -> None:
    sol = LRPSolution((0, 1), (LRPRoute(0, (0, 1)), LRPRoute(1, (2, 3)), LRPRoute(1, (4,))))
    report = validate_lrp(tiny, sol)
    assert report.ok, report.summary()
    c = tiny.cost
    arcs = (c[0, 2] + c[2, 3] + c[3, 0] + c[1, 4] + c[4, 5] + c[5, 1]
            + c[1, 6] + c[6, 1])
    assert report.cost == pytest.approx(1300 + 300 + arcs)
    assert report.depot_loads == {0: 7.0, 1: 15.0}


@pytest.mark.parametrize(("solution", "reason"), [
    (LRPSolution((0, 1), (LRPRoute(0, (0, 1)), LRPRoute(1, (1, 2, 3)), LRPRoute(1, (4,)))),
     "customer 1 is served twice"),
    (LRPSolution((0, 1), (LRPRoute(0, (0, 1)), LRPRoute(1, (2, 3)))), "not served"),
    (LRPSolution((0, 1), (LRPRoute(0, (0, 1, 4)), LRPRoute(1, (2, 3)))),
     "route 0 carries 13 > vehicle capacity 10"),
    (LRPSolution((0,), (LRPRoute(0, (0, 1)), LRPRoute(1, (2, 3)), LRPRoute(0, (4,)))),
     "starts at depot 1, which is not open"),
    (LRPSolution((0,), (LRPRoute(0, (0, 1)), LRPRoute(0, (2, 3)), LRPRoute(0, (4,)))),
     "depot 0 ships 22 > its capacity 15"),
    (LRPSolution((0, 5), (LRPRoute(0, (0, 1, 2, 3, 4)),)), "open depot 5 does not exist"),
])
def test_checker_rejects_broken_plans(tiny: LRPInstance, solution: LRPSolution,
                                      reason: str) -> None:
    report = validate_lrp(tiny, solution)
    assert not report.ok
    assert any(reason in v for v in report.violations), report.violations


def test_solution_json_round_trip() -> None:
    sol = LRPSolution((1, 3), (LRPRoute(1, (4, 0)), LRPRoute(3, (2,))))
    assert LRPSolution.from_dict(json.loads(json.dumps(sol.to_dict()))) == sol
    with pytest.raises(InputError):
        LRPSolution.from_dict({"routes": []})


def test_old_names_warn_and_agree(tiny: LRPInstance) -> None:
    from circularopt.lrp import LRPCheck, LRPReport, check_lrp

    sol = LRPSolution((0,), (LRPRoute(0, (0, 1, 2, 3, 4)),))
    with pytest.warns(DeprecationWarning, match="check_lrp"):
        old = check_lrp(tiny, sol)
    assert LRPCheck is LRPReport and old == validate_lrp(tiny, sol)
    assert old.summary().startswith("LRP plan")
