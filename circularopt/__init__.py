"""circularopt: circular-economy waste logistics for Kyrgyz municipal clusters.

The data flows one way: :class:`Scenario` -> road network and travel matrices -> siting
of sorting complexes -> feedstock to recyclers -> collection routing -> plan.

The names here are the public API::

    import circularopt as co

    scenario = co.generate("bishkek", size=200, seed=1)      # city -> scenario
    plan = co.solve(scenario, time_limit=120, seed=1)          # every stage in one call
    matrices = co.approximate_matrices(scenario.locations())  # or stage by stage
    siting = co.site(scenario, matrices, time_limit=30)

The scenario entities and the exceptions load with the package; the stage functions and
:class:`Plan` load their modules (and the solvers behind them) on first use.
"""

import importlib as _importlib
import importlib.metadata as _metadata
import logging as _logging
import typing as _typing

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

if _typing.TYPE_CHECKING:
    from circularopt.cities import generate
    from circularopt.feedstock import assign_feedstock
    from circularopt.matrices import approximate_matrices, road_matrices, scenario_matrices
    from circularopt.network import load_network
    from circularopt.pipeline import load_scenario, solve
    from circularopt.plan import Plan
    from circularopt.routing.decompose import route_city
    from circularopt.siting import site

# Library logging: records go to the handlers an application configures (the CLI writes
# them to circularopt.log); without any, nothing is printed (no "last resort" to stderr).
_logging.getLogger(__name__).addHandler(_logging.NullHandler())

try:
    __version__ = _metadata.version("circularopt")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

_LAZY = {
    "Plan": "circularopt.plan",
    "approximate_matrices": "circularopt.matrices",
    "assign_feedstock": "circularopt.feedstock",
    "generate": "circularopt.cities",
    "load_network": "circularopt.network",
    "load_scenario": "circularopt.pipeline",
    "road_matrices": "circularopt.matrices",
    "route_city": "circularopt.routing.decompose",
    "scenario_matrices": "circularopt.matrices",
    "site": "circularopt.siting",
    "solve": "circularopt.pipeline",
}
"""Names imported on first use, and the module each comes from."""

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
    "approximate_matrices",
    "assign_feedstock",
    "generate",
    "load_network",
    "load_scenario",
    "road_matrices",
    "route_city",
    "scenario_matrices",
    "site",
    "solve",
]


def __getattr__(name: str) -> _typing.Any:
    """Import a stage function or :class:`Plan` on first use (they load the solvers)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'circularopt' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API (:data:`__all__`), lazily loaded names included."""
    return sorted(__all__)
