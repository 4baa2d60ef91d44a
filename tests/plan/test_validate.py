"""The independent plan checker and ``circularopt check``: valid plans pass, broken fail."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from circularopt.cli import main
from circularopt.instances import load_instance, save_instance
from circularopt.matrices import TravelMatrices, approximate_matrices
from circularopt.pipeline import load_scenario
from circularopt.plan import Plan, PlanReport, validate_plan


@pytest.fixture(scope="module")
def plan(osh_plan: Plan) -> Plan:
    """A valid small Osh plan with two complexes (the session's)."""
    return osh_plan


@pytest.fixture(scope="module")
def matrices(plan: Plan) -> TravelMatrices:
    """The plan's (approximate) matrices."""
    return approximate_matrices(plan.scenario.locations())


def test_valid_plan_passes(plan: Plan, matrices: TravelMatrices) -> None:
    verdict = validate_plan(plan.scenario, matrices, plan)
    assert verdict.ok, verdict.summary()
    assert plan.kpis is not None
    assert verdict.cost == pytest.approx(plan.kpis.annual_cost["total"])
    assert plan.routing is not None
    assert verdict.routing_cost_per_day == pytest.approx(plan.routing.cost)


def _drop_first_stop(plan: Plan) -> Plan:
    assert plan.routing is not None
    r0 = plan.routing.routes[0]
    k = next(i for i, v in enumerate(r0.visits) if v.kind == "stop")
    r0 = dataclasses.replace(r0, visits=r0.visits[:k] + r0.visits[k + 1:])
    routing = dataclasses.replace(plan.routing, routes=(r0, *plan.routing.routes[1:]))
    return dataclasses.replace(plan, routing=routing)


def _swap_assignment(plan: Plan) -> Plan:
    assert plan.siting is not None
    a = dict(plan.siting.assignment)
    first, other = sorted(set(a.values()))[:2]
    point = next(p for p, s in a.items() if s == first)
    a[point] = other
    return dataclasses.replace(plan, siting=dataclasses.replace(plan.siting, assignment=a))


def _inflate_km(plan: Plan) -> Plan:
    assert plan.kpis is not None
    return dataclasses.replace(plan, kpis=dataclasses.replace(
        plan.kpis, km_per_day=plan.kpis.km_per_day * 0.9))


@pytest.mark.parametrize(("tamper", "reason"), [
    (_drop_first_stop, "is not served"),
    (_swap_assignment, "but the plan assigns it to"),
    (_inflate_km, "km_per_day"),
])
def test_broken_plans_fail_with_reasons(plan: Plan, matrices: TravelMatrices, tamper,  # type: ignore[no-untyped-def]
                                        reason: str) -> None:
    verdict = validate_plan(plan.scenario, matrices, tamper(plan))
    assert not verdict.ok
    assert any(reason in v for v in verdict.violations), verdict.summary()


def test_plan_for_another_scenario_fails(plan: Plan, matrices: TravelMatrices) -> None:
    other = load_scenario("osh", size=100, seed=99)
    verdict = validate_plan(other, approximate_matrices(other.locations()), plan)
    assert any("different scenario" in v for v in verdict.violations)


def test_instance_folder_and_cli(plan: Plan, tmp_path: Path) -> None:
    folder = save_instance(plan.scenario, tmp_path / "osh-100")
    inst = load_instance(folder)
    assert inst.scenario == plan.scenario and inst.matrices.approximate
    good = plan.save(tmp_path / "good.json")
    assert main(["check", str(folder), str(good)]) == 0
    bad = _drop_first_stop(plan).save(tmp_path / "bad.json")
    assert main(["check", str(folder), str(bad)]) == 1
    assert main(["check", str(folder), str(tmp_path / "missing.json")]) == 2


def test_deprecated_names_warn_and_still_work(plan: Plan, matrices: TravelMatrices) -> None:
    from circularopt.plan import PlanCheck, check_plan

    assert PlanCheck is PlanReport
    with pytest.warns(DeprecationWarning, match="check_plan"):
        verdict = check_plan(plan.scenario, matrices, plan)
    assert verdict.ok and verdict.annual_cost == verdict.cost
    assert verdict.summary().startswith("plan valid: recomputed annual cost")
