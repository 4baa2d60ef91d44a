"""circularopt: circular-economy waste logistics for Kyrgyz municipal clusters.

The data flows one way: :class:`Scenario` -> road network and travel matrices -> siting
of sorting complexes -> feedstock to recyclers -> collection routing -> plan.
"""

from typing import TYPE_CHECKING, Any

from circularopt.exceptions import (
    CircularOptError,
    DataNotFoundError,
    InfeasibleError,
    InputError,
    NetworkError,
    SnappingError,
    SolverError,
)
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Depot,
    Landfill,
    Parameters,
    Recycler,
    Scenario,
    Stream,
    VehicleType,
)

if TYPE_CHECKING:
    from circularopt.pipeline import solve
    from circularopt.plan import Plan

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import :func:`solve` and :class:`Plan` on first use (they load the solvers)."""
    if name == "solve":
        from circularopt.pipeline import solve

        return solve
    if name == "Plan":
        from circularopt.plan import Plan

        return Plan
    raise AttributeError(f"module 'circularopt' has no attribute {name!r}")

__all__ = [
    "CapacityOption",
    "CircularOptError",
    "CollectionPoint",
    "ComplexCandidate",
    "DataNotFoundError",
    "Depot",
    "InfeasibleError",
    "InputError",
    "Landfill",
    "NetworkError",
    "Parameters",
    "Plan",
    "Recycler",
    "Scenario",
    "SnappingError",
    "SolverError",
    "Stream",
    "VehicleType",
    "__version__",
    "solve",
]
