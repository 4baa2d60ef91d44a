"""Stopping criteria: small objects called with the best cost so far, true to stop.

Each criterion is a callable ``(best_cost) -> bool``, so it can be handed to PyVRP as a
stopping criterion as it is. :class:`MaxRuntime` (also named :class:`Budget`) is the one
time budget of the package: the pipeline's deadline shared by its stages, the engines'
wall or CPU budget, and a part's slice of it.
"""

from __future__ import annotations

from circularopt.stop.criteria import (
    Budget,
    FirstOf,
    MaxIterations,
    MaxRuntime,
    NoImprovement,
    StoppingCriterion,
)

__all__ = ["Budget", "FirstOf", "MaxIterations", "MaxRuntime", "NoImprovement",
           "StoppingCriterion"]
