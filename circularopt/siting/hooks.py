"""What a facility location solver reads from and reports to its caller while it runs.

:class:`SolveHooks` bundles the four callbacks that :func:`~circularopt.siting.cpsat.solve_cpsat`,
:func:`~circularopt.siting.reduced.solve_reduced`,
:func:`~circularopt.siting.cardinality.solve_split` and the count provers take as
``hooks=``; the portfolio builds one per method from its shared board
(:meth:`~circularopt.siting.portfolio.PortfolioContext.hooks`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from circularopt.siting.cflp import FacilityResult

__all__ = ["SolveHooks"]


def _nothing() -> None:
    return None


def _ignore(_value: object) -> None:
    return None


def _never() -> bool:
    return False


@dataclass(frozen=True, kw_only=True)
class SolveHooks:
    """Callbacks between a solver and its caller (each defaults to doing nothing).

    Parameters
    ----------
    incumbent
        Returns the best solution known elsewhere, or ``None``; read when a solver
        (re)starts or reduces.
    on_solution
        Called with each improving solution of the problem the solver was given.
    on_bound
        Called with each proven lower bound on that problem's optimum.
    should_stop
        Polled; ``True`` asks the solver to stop and return what it has.
    """

    incumbent: Callable[[], FacilityResult | None] = _nothing
    on_solution: Callable[[FacilityResult], None] = _ignore
    on_bound: Callable[[float], None] = _ignore
    should_stop: Callable[[], bool] = _never
