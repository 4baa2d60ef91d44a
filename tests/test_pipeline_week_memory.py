"""The pipeline frees the travel matrices after the week and still names them."""

from __future__ import annotations

import dataclasses

from circularopt.pipeline import solve
from circularopt.routing.decompose import RoutingOptions
from tests.helpers import town


def test_a_week_plan_names_its_matrices_after_they_are_freed() -> None:
    s = town(6)
    s = dataclasses.replace(s, collection_points=tuple(
        dataclasses.replace(p, collections_per_week=3) for p in s.collection_points))
    plan = solve(s, time_limit=20, seed=1, routing=RoutingOptions(workers=1))
    assert plan.info.get("week") is not None
    assert plan.approximate
    assert "approximation" in plan.matrices_source
