"""Siting: facility location models and solvers.

Generic capacitated facility location (CFLP, single-source SSCFLP, two-stage TSCFLP) with
OR-Tools MIP backends, a Lagrangian/kernel method for large instances, an independent
checker and benchmark readers.
"""

from circularopt.siting.cflp import (
    BACKENDS,
    FacilityProblem,
    FacilityResult,
    TwoStageProblem,
    TwoStageResult,
    solve_mip,
    solve_two_stage_mip,
)
from circularopt.siting.check import (
    CheckReport,
    check_facility_solution,
    check_result,
    check_two_stage,
)
from circularopt.siting.lagrangian import LagrangianBound, lagrangian_bound, solve_lagrangian

__all__ = [
    "BACKENDS",
    "CheckReport",
    "FacilityProblem",
    "FacilityResult",
    "LagrangianBound",
    "TwoStageProblem",
    "TwoStageResult",
    "check_facility_solution",
    "check_result",
    "check_two_stage",
    "lagrangian_bound",
    "solve_lagrangian",
    "solve_mip",
    "solve_two_stage_mip",
]
