"""The Kyrgyz instance library: every instance has a best-known plan that the checker
accepts at the cost BKS.csv lists (the instances up to 500 points, to keep the run fast;
`circularopt check` rechecks the others)."""

from __future__ import annotations

import csv

import pytest

from circularopt.config import project_root
from circularopt.instances import load_instance, read_bks
from circularopt.plan import Plan, validate_plan

LIBRARY = project_root() / "instances"
BKS = read_bks(LIBRARY)


def test_every_instance_has_a_best_known_plan() -> None:
    folders = sorted(p.name for p in LIBRARY.iterdir() if (p / "scenario.json").is_file())
    assert len(folders) == 12
    assert sorted(BKS) == folders
    assert all((LIBRARY / name / "best.plan.json").is_file() for name in folders)
    with (LIBRARY / "BKS.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert row["command"].startswith("python benchmarks/build_instances.py")


@pytest.mark.parametrize("name", sorted(n for n in BKS if int(n.rsplit("-", 1)[1]) <= 500))
def test_best_known_plan_is_valid_at_its_listed_cost(name: str) -> None:
    inst = load_instance(LIBRARY / name)
    assert inst.matrices.approximate
    verdict = validate_plan(inst.scenario, inst.matrices, Plan.load(inst.best_plan_path))
    assert verdict.ok, verdict.summary()
    assert verdict.cost == pytest.approx(BKS[name], abs=0.01)
