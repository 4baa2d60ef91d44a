"""A week plan is judged by its week; its peak day is a reference that may not fit."""

from __future__ import annotations

import dataclasses

from circularopt.matrices import scenario_matrices
from circularopt.pipeline import solve
from circularopt.plan import validate_plan
from circularopt.routing.decompose import RoutingOptions
from tests.helpers import town


def test_a_peak_day_beyond_the_fleet_leaves_the_week_valid() -> None:
    # one truck with a 2.5 h shift: eight sites of a week's waste (5.6 t each) on one day
    # do not fit, one or two a day do
    base = town(8, count=1, shift=150.0)
    weekly = dataclasses.replace(base, collection_points=tuple(
        dataclasses.replace(p, collections_per_week=1) for p in base.collection_points))
    plan = solve(weekly, time_limit=8, routing=RoutingOptions(workers=1))
    assert plan.info["week"]["valid"]
    assert plan.info["peak_day_violations"]["count"] > 0
    assert plan.valid, plan.violations
    verdict = validate_plan(weekly, scenario_matrices(weekly, None), plan)
    assert verdict.ok, verdict.summary()
    assert any(w.startswith("peak day (the week's reference)") for w in verdict.warnings)
    # the same peak day as the plan itself is invalid
    peak = solve(weekly, time_limit=4, routing=RoutingOptions(workers=1), week=False)
    assert not peak.valid
