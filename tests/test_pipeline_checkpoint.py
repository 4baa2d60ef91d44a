"""The pipeline's checkpoints: the plan so far after siting and before the week."""

from __future__ import annotations

from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions


def test_checkpoints_after_siting_and_before_the_week() -> None:
    saved: list[Plan] = []
    plan = solve("osh", size=120, time_limit=30, checkpoint=saved.append, routing=RoutingOptions(
        workers=1, engine_options={"max_iterations": 50}))
    assert plan.complete and "week" in plan.info and "checkpoint" not in plan.info
    assert [p.info["checkpoint"] for p in saved] == ["feedstock", "routing"]
    assert all(not p.complete and not p.valid for p in saved)
    sited, routed = saved
    assert sited.siting is not None and sited.feedstock is not None and sited.routing is None
    assert routed.routing is not None and routed.kpis is not None
    assert Plan.from_dict(sited.to_dict()).info["checkpoint"] == "feedstock"


def test_no_checkpoint_for_the_last_stage() -> None:
    saved: list[Plan] = []
    solve("osh", size=120, time_limit=30, week=False, checkpoint=saved.append,
          routing=RoutingOptions(workers=1, engine_options={"max_iterations": 50}))
    assert [p.info["checkpoint"] for p in saved] == ["feedstock"]
