"""Siting: facility location models and solvers.

Generic capacitated facility location (CFLP, single-source SSCFLP, two-stage TSCFLP) with
OR-Tools MIP backends, CP-SAT, a Lagrangian/kernel method for large instances, a
portfolio running several of them in parallel processes, an independent
checker and benchmark readers; and the scenario-level location-allocation model
(:func:`site`, :class:`SitingResult`, :func:`validate_siting`). The old checker names
(``check_siting``, ``check_result``, ...) stay one release as deprecated aliases.
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
from circularopt.siting.cpsat import solve_cpsat
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.lagrangian import (
    LagrangianBound,
    LagrangianOptions,
    lagrangian_bound,
    solve_lagrangian,
)
from circularopt.siting.model import (
    CollectionCostParams,
    SitingOptions,
    collection_cost_estimate,
    site,
)
from circularopt.siting.portfolio import PortfolioOptions, solve_portfolio
from circularopt.siting.result import (
    CostBreakdown,
    OpenComplex,
    ResidueFlow,
    SitingResult,
    StreamFlow,
)
from circularopt.siting.validate import (
    FacilityReport,
    SitingReport,
    check_siting,
    validate_facility,
    validate_facility_solution,
    validate_siting,
    validate_two_stage,
)

__all__ = [
    "BACKENDS",
    "CheckReport",
    "CollectionCostParams",
    "CostBreakdown",
    "FacilityProblem",
    "FacilityReport",
    "FacilityResult",
    "LagrangianBound",
    "LagrangianOptions",
    "OpenComplex",
    "PortfolioOptions",
    "ResidueFlow",
    "SitingOptions",
    "SitingReport",
    "SitingResult",
    "SolveHooks",
    "StreamFlow",
    "TwoStageProblem",
    "TwoStageResult",
    "check_facility_solution",
    "check_result",
    "check_siting",
    "check_two_stage",
    "collection_cost_estimate",
    "lagrangian_bound",
    "site",
    "solve_cpsat",
    "solve_lagrangian",
    "solve_mip",
    "solve_portfolio",
    "solve_two_stage_mip",
    "validate_facility",
    "validate_facility_solution",
    "validate_siting",
    "validate_two_stage",
]
