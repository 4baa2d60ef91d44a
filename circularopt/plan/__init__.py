"""The plan: what a waste department acts on, its key figures and its validator.

:class:`Plan` and :class:`KPIs` (:mod:`circularopt.plan.model`), :func:`compute_kpis`
(:mod:`circularopt.plan.kpis`) and :func:`validate_plan` (:mod:`circularopt.plan.validate`).
"""

from circularopt._deprecated import renamed
from circularopt.plan.kpis import compute_kpis
from circularopt.plan.model import PLAN_VERSION, KPIs, Plan
from circularopt.plan.validate import PlanReport, validate_plan

check_plan = renamed(validate_plan, "circularopt.check.check_plan")
PlanCheck = PlanReport
"""Deprecated alias of :class:`PlanReport` (one release)."""

__all__ = ["PLAN_VERSION", "KPIs", "Plan", "PlanCheck", "PlanReport", "check_plan",
           "compute_kpis", "validate_plan"]
