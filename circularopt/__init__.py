"""circularopt: circular-economy waste logistics for Kyrgyz municipal clusters.

The data flows one way: :class:`Scenario` -> road network and travel matrices -> siting
of sorting complexes -> feedstock to recyclers -> collection routing -> plan.
"""

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

__version__ = "0.1.0"

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
    "Recycler",
    "Scenario",
    "SnappingError",
    "SolverError",
    "Stream",
    "VehicleType",
    "__version__",
]
