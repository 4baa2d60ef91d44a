"""A portfolio of facility location methods run in parallel processes, sharing incumbents.

:func:`solve_portfolio` starts ``workers`` processes (*spawn* context, module-level
worker functions) that take methods from one list in order: by default
(:func:`default_methods`) ``enumerate`` (each number of open facilities a cheaper
solution may have, proven by Lagrangian branch-and-bound on the open set,
:mod:`~circularopt.siting.enumerate`), the Lagrangian method
(:func:`~circularopt.siting.lagrangian.solve_lagrangian`) and a SCIP MIP. ``staged``
(where ``enumerate``'s knapsack tables would be too large) runs CP-SAT
(:func:`~circularopt.siting.cpsat.solve_cpsat`), then, once the incumbent is near the
bound, reduced-cost fixing and SCIP with a cutoff (or CP-SAT per number of open
facilities when few numbers are left,
:class:`~circularopt.siting.cardinality.CountHandover`); on request reduced-cost fixing
against the incumbent followed by CP-SAT
(:mod:`~circularopt.siting.reduced`). Each
method posts its improving solutions and lower bounds to the parent; the parent keeps
the best of each and publishes the incumbent in shared memory, where a method picks it
up when it starts (CP-SAT and SCIP take it as a hint, the MIP also as a cutoff row: its
infeasibility then proves the incumbent optimal). All stop as soon as the best bound
meets the incumbent within ``relative_gap``, or at the time limit. A method that raises
is reported in ``info["errors"]`` while the others go on.

During the solve, CP-SAT posts each improving solution and bound from its callbacks,
and the Lagrangian method takes the shared incumbent before its kernel MIP and its proof
(a cheaper one tightens its reduced-cost tests and probing).

Caveat: CP-SAT and the MIP see a newer incumbent only when they (re)start; neither can
take one mid-solve. The MIP is not restarted with a new cutoff either: with OR-Tools
9.15, MathOpt's interrupter cannot stop SCIP during the search (its event handler fails
to install: ``SCIPcatchEvent does not support variable or row change events``), and a
restart would lose the tree.
"""

from __future__ import annotations

import math
import queue
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

import numpy as np

from circularopt._validate import integer, number
from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem, FacilityResult, solve_mip
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.lagrangian import SMALL_PAIRS

__all__ = ["METHODS", "PortfolioContext", "PortfolioOptions", "default_methods",
           "solve_portfolio"]

Method = Callable[[FacilityProblem, "PortfolioContext"], FacilityResult | None]
"""A portfolio method: solves the problem, may post solutions and bounds on the way."""


@dataclass(frozen=True, kw_only=True)
class PortfolioOptions:
    """Settings of :func:`solve_portfolio`.

    Parameters
    ----------
    workers
        Processes run at once (default 2, one per core of a small machine).
    methods
        Names from :data:`METHODS` or module-level callables ``method(problem, context)``
        (picklable: spawned processes import them), taken in order by free workers;
        ``None``: :func:`default_methods` of the problem.
    cpsat_workers
        CP-SAT search workers (threads) inside its process.
    relative_gap
        Stop when ``(incumbent - bound) / incumbent`` is at most this.
    seed
        Random seed passed to every method.
    grace
        Seconds a method gets to stop by itself before its process is terminated.
    prove_gap, prove_after
        The ``staged`` method runs CP-SAT until the shared incumbent is within
        ``prove_gap`` (relative) of the shared bound and ``prove_after`` of the time
        limit (a share) has passed, or until twice ``prove_after`` has passed, then
        ``reduced-counts`` for the rest.
    """

    workers: int = 2
    methods: tuple[Any, ...] | None = None
    cpsat_workers: int = 4
    relative_gap: float = 1e-6
    seed: int = 0
    grace: float = 1.0
    prove_gap: float = 0.01
    prove_after: float = 0.2

    def __post_init__(self) -> None:
        number("portfolio.prove_gap", self.prove_gap, lo=0.0, hi=1.0)
        number("portfolio.prove_after", self.prove_after, lo=0.0, hi=0.5)
        integer("portfolio.workers", self.workers, lo=1)
        integer("portfolio.cpsat_workers", self.cpsat_workers, lo=1)
        number("portfolio.relative_gap", self.relative_gap, lo=0.0, hi=1.0)
        number("portfolio.grace", self.grace, lo=0.0)
        if self.methods is not None and not self.methods:
            raise InputError("portfolio.methods", "()", "at least one method")
        for m in self.methods or ():
            if isinstance(m, str) and m not in METHODS:
                raise InputError("portfolio.methods", m, f"one of {sorted(METHODS)} or a "
                                 "module-level function")
            if not isinstance(m, str) and not callable(m):
                raise InputError("portfolio.methods", repr(m), "a name or a function")


@dataclass
class PortfolioContext:
    """What a method sees of the portfolio (in its own process).

    Parameters
    ----------
    deadline
        ``time.time()`` at which every method must have stopped.
    seed, cpsat_workers, relative_gap, prove_gap, prove_after
        From :class:`PortfolioOptions`.
    start
        ``time.time()`` at which the portfolio started.
    """

    deadline: float
    seed: int
    cpsat_workers: int
    relative_gap: float
    start: float = 0.0
    prove_gap: float = 0.01
    prove_after: float = 0.2
    name: str = ""
    _out: Any = None
    _stop: Any = None
    _cost: Any = None
    _assign: Any = None
    _bound: Any = None
    _shape: tuple[int, int] = (0, 0)

    def remaining(self) -> float:
        """Seconds left before the deadline."""
        return max(0.0, self.deadline - time.time())

    def stopped(self) -> bool:
        """Whether the portfolio has finished (proof found or time up)."""
        return bool(self._stop is not None and self._stop.is_set())

    def post(self, result: FacilityResult) -> None:
        """Offer a solution to the portfolio."""
        if result.has_solution and self._out is not None:
            rows, cols = np.nonzero(result.assignment)
            sparse = (rows.astype(np.int32), cols.astype(np.int32),
                      result.assignment[rows, cols])
            self._out.put(("solution", self.name, result.cost, sparse))

    def post_bound(self, bound: float) -> None:
        """Offer a proven lower bound on the optimum to the portfolio."""
        if self._out is not None and math.isfinite(bound):
            self._out.put(("bound", self.name, float(bound), None))

    def gap(self) -> float:
        """Relative gap between the shared incumbent and the shared best bound
        (``inf`` while either is missing)."""
        if self._cost is None or self._bound is None:
            return math.inf
        cost, bound = float(self._cost.value), float(self._bound.value)
        if not (math.isfinite(cost) and math.isfinite(bound)):
            return math.inf
        return max(0.0, cost - bound) / max(abs(cost), 1e-9)

    def incumbent(self, problem: FacilityProblem) -> FacilityResult | None:
        """The best solution posted so far by any method, or ``None``."""
        if self._cost is None:
            return None
        with self._cost.get_lock():
            cost = float(self._cost.value)
            assign = np.frombuffer(self._assign.get_obj()).reshape(self._shape).copy()
        if not math.isfinite(cost):
            return None
        opened = tuple(int(i) for i in np.flatnonzero(assign.sum(axis=1) > 0))
        return FacilityResult(opened, assign, cost, "feasible", None, 0.0, "incumbent")

    def hooks(self, problem: FacilityProblem, *,
              should_stop: Callable[[], bool] | None = None) -> SolveHooks:
        """The portfolio as a method's :class:`~circularopt.siting.hooks.SolveHooks`:
        the shared incumbent, posting solutions and bounds, and :meth:`stopped` (or
        ``should_stop``)."""
        return SolveHooks(incumbent=lambda: self.incumbent(problem), on_solution=self.post,
                          on_bound=self.post_bound, should_stop=should_stop or self.stopped)


# --------------------------------------------------------------------------- methods


def _cpsat(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    from circularopt.siting.cpsat import solve_cpsat
    return solve_cpsat(problem, time_limit=ctx.remaining(), seed=ctx.seed,
                       workers=ctx.cpsat_workers, hint=ctx.incumbent(problem),
                       hooks=ctx.hooks(problem))


def _lagrangian(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    from circularopt.siting.lagrangian import size_options, solve_lagrangian
    limit = max(0.5, ctx.remaining() - _MARGIN)
    return solve_lagrangian(problem, time_limit=limit, seed=ctx.seed,
                            backend="scip" if problem.single_source else "highs",
                            options=size_options(problem), on_solution=ctx.post,
                            on_bound=ctx.post_bound,
                            incumbent=lambda: ctx.incumbent(problem))


def _reduced(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    from circularopt.siting.reduced import solve_reduced
    return solve_reduced(problem, time_limit=max(0.5, ctx.remaining() - _MARGIN),
                         seed=ctx.seed, workers=ctx.cpsat_workers, hooks=ctx.hooks(problem))


def _reduced_scip(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    from circularopt.siting.reduced import solve_reduced
    return solve_reduced(problem, time_limit=max(0.5, ctx.remaining() - _MARGIN),
                         seed=ctx.seed, prover="scip", hooks=ctx.hooks(problem))


def _reduced_counts(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    from circularopt.siting.cardinality import CountHandover
    from circularopt.siting.reduced import solve_reduced
    return solve_reduced(problem, time_limit=max(0.5, ctx.remaining() - _MARGIN),
                         seed=ctx.seed, prover="scip", hooks=ctx.hooks(problem),
                         handover=CountHandover(seed=ctx.seed))


def _heuristic(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    from circularopt.siting.lagrangian import solve_lagrangian
    limit = min(ctx.remaining(), max(2.0, 0.25 * ctx.remaining()))
    return solve_lagrangian(problem, time_limit=limit, seed=ctx.seed, backend="none",
                            lagrangian_share=0.5, on_solution=ctx.post,
                            on_bound=ctx.post_bound)


def _prove_now(ctx: PortfolioContext) -> bool:
    """Whether ``staged`` hands over from CP-SAT to the reduced SCIP prover."""
    share = (time.time() - ctx.start) / max(ctx.deadline - ctx.start, 1e-9)
    return ctx.stopped() or share >= 2 * ctx.prove_after or (
        share >= ctx.prove_after and ctx.gap() <= ctx.prove_gap)


def _split(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    from circularopt.siting.cardinality import solve_split
    return solve_split(problem, time_limit=max(0.5, ctx.remaining() - _MARGIN),
                       seed=ctx.seed, workers=ctx.cpsat_workers, hooks=ctx.hooks(problem))


def _staged_split(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult | None:
    """``staged`` with ``split`` instead of ``reduced-counts`` after CP-SAT."""
    return _staged(problem, ctx, ("split", _split))


def _staged_scip(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult | None:
    """``staged`` with ``reduced-scip`` (no hand-over) after CP-SAT."""
    return _staged(problem, ctx, ("reduced-scip", _reduced_scip))


def _enumerate(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    from circularopt.siting.enumerate import solve_enumerate
    return solve_enumerate(problem, time_limit=max(0.5, ctx.remaining() - _MARGIN),
                           seed=ctx.seed, hooks=ctx.hooks(problem))


def _staged_enumerate(problem: FacilityProblem, ctx: PortfolioContext
                      ) -> FacilityResult | None:
    """``staged`` with ``enumerate`` instead of ``reduced-scip`` after CP-SAT."""
    return _staged(problem, ctx, ("enumerate", _enumerate))


def _staged(problem: FacilityProblem, ctx: PortfolioContext,
            then: tuple[str, Method] = ("reduced-counts", _reduced_counts)
            ) -> FacilityResult | None:
    """CP-SAT while it may prove alone, then ``reduced-counts`` (see
    :class:`PortfolioOptions`, ``prove_gap``): once the incumbent is near the bound,
    reduced-cost fixing leaves SCIP a small model with a cutoff, or, when every cheaper
    solution opens one of at most 3 counts, CP-SAT each count's class."""
    from circularopt.siting.cpsat import solve_cpsat
    first = solve_cpsat(problem, time_limit=ctx.remaining(), seed=ctx.seed,
                        workers=ctx.cpsat_workers, hint=ctx.incumbent(problem),
                        hooks=ctx.hooks(problem, should_stop=lambda: _prove_now(ctx)))
    if ctx.stopped() or first.status in ("optimal", "infeasible") or ctx.remaining() < 2:
        return first
    ctx._out.put(("start", then[0], time.time(), None))
    ctx.name = then[0]
    ctx.post(first)
    if first.bound is not None:
        ctx.post_bound(first.bound)
    return then[1](problem, ctx)


_MARGIN = 1.5
"""Seconds a method leaves before the deadline to post its answer."""


def _cutoff(cost: float, integral: bool, gap: float) -> float:
    """The largest objective a solution must have to be worth finding."""
    return cost - 0.5 if integral else cost - gap * abs(cost)


def _integral(problem: FacilityProblem) -> bool:
    finite = problem.cost[np.isfinite(problem.cost)]
    both = np.concatenate([finite, problem.fixed_cost])
    return bool(np.all(both == np.round(both)))


def _mip(backend: str, problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    best = ctx.incumbent(problem)
    limit = max(0.5, ctx.remaining() - _MARGIN)
    if best is None:
        return solve_mip(problem, backend=backend, time_limit=limit,
                         seed=ctx.seed, relative_gap=ctx.relative_gap)
    cut = _cutoff(best.cost, _integral(problem), ctx.relative_gap)
    res = solve_mip(problem, backend=backend, time_limit=limit, seed=ctx.seed,
                    relative_gap=ctx.relative_gap, hint=best, cutoff=cut)
    info = {**res.info, "cutoff": cut}
    if res.status == "infeasible":  # nothing at or below the cutoff: best is optimal
        return FacilityResult(best.open_facilities, best.assignment, best.cost, "optimal",
                              best.cost if _integral(problem) else cut, res.seconds,
                              f"mip-{backend}", info)
    bound = None if res.bound is None else min(res.bound, cut)
    if not res.has_solution:
        return FacilityResult((), np.zeros((0, 0)), math.inf, res.status, bound,
                              res.seconds, res.method, info)
    return FacilityResult(res.open_facilities, res.assignment, res.cost, res.status, bound,
                          res.seconds, res.method, info)


def _scip(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    return _mip("scip", problem, ctx)


def _highs(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    return _mip("highs", problem, ctx)


METHODS: dict[str, Method] = {"cpsat": _cpsat, "lagrangian": _lagrangian,
                              "heuristic": _heuristic, "scip": _scip, "highs": _highs,
                              "reduced": _reduced, "reduced-scip": _reduced_scip,
                              "reduced-counts": _reduced_counts, "staged": _staged,
                              "staged-scip": _staged_scip, "split": _split,
                              "staged-split": _staged_split, "enumerate": _enumerate,
                              "staged-enumerate": _staged_enumerate}
"""Built-in portfolio methods: ``cpsat`` (single source only), ``lagrangian`` (bound,
repair heuristic, kernel MIP (SCIP; HiGHS for multi-source) tuned by size as the
``lagrangian`` bench engine; posts its heuristic solution and bound on the way),
``heuristic`` (bound and repair heuristic only, a quarter of the time), ``scip`` and
``highs`` (MIP, incumbent as hint and cutoff), ``reduced`` (single source only:
reduced-cost fixing against the incumbent, then CP-SAT with a cutoff,
:mod:`circularopt.siting.reduced`), ``reduced-scip`` (the same with SCIP),
``reduced-counts`` (``reduced-scip`` handing over to CP-SAT per number of open
facilities once the Lagrangian bound leaves at most 3 numbers for a cheaper solution,
:class:`~circularopt.siting.cardinality.CountHandover`), ``staged``
(single source only: CP-SAT, then ``reduced-counts`` once the incumbent is near the bound;
:class:`PortfolioOptions` ``prove_gap``, ``prove_after``), ``staged-scip`` (``staged``
with ``reduced-scip``, the default before the hand-over), ``split`` (single source
only: split on the number of open facilities, :mod:`circularopt.siting.cardinality`),
``staged-split`` (``staged`` with ``split`` after CP-SAT), ``enumerate`` (single source
only: each count class a cheaper solution may open searched by Lagrangian
branch-and-bound, :mod:`circularopt.siting.enumerate`), ``staged-enumerate``
(``staged`` with ``enumerate`` after CP-SAT)."""


def default_methods(problem: FacilityProblem) -> tuple[str, ...]:
    """The methods run by default, in order.

    Up to :data:`~circularopt.siting.lagrangian.SMALL_PAIRS` pairs: ``enumerate`` (single
    source with knapsack tables it can build, :func:`~circularopt.siting.enumerate.handles`;
    else ``staged``), ``lagrangian`` and ``scip``. On Holmberg's 71 at 60 s the first
    proved all 71 where ``staged`` proved 66-70 (``docs/benchmarks.md``, *Siting
    portfolio*). Larger problems: ``lagrangian`` alone (as the default bench engine).
    There CP-SAT and the plain MIP found no incumbent on ``Lib_3_2`` and ``capa/b/c``
    (100 x 1,000) and their processes took CPU from the Lagrangian method.
    """
    from circularopt.siting.enumerate import handles
    if problem.m * problem.n > SMALL_PAIRS:
        return ("lagrangian",)
    if not problem.single_source:
        return ("lagrangian", "scip")
    return ("enumerate" if handles(problem) else "staged", "lagrangian", "scip")


def _method_name(method: Any) -> str:
    return method if isinstance(method, str) else getattr(method, "__name__", repr(method))


def _work(problem: FacilityProblem, tasks: Any, ctx: PortfolioContext) -> None:
    """Worker process: run methods from ``tasks`` until none is left or all stop."""
    while not ctx.stopped():
        try:
            method = tasks.get_nowait()
        except queue.Empty:
            return
        name = _method_name(method)
        ctx.name = name
        ctx._out.put(("start", name, time.time(), None))
        try:
            func = METHODS[method] if isinstance(method, str) else method
            result = func(problem, ctx)
        except Exception:  # reported to the parent; the other methods go on
            ctx._out.put(("error", name, traceback.format_exc(limit=6), None))
            continue
        if result is not None:
            ctx.post(result)
            if result.bound is not None:
                ctx.post_bound(result.bound)
        ctx._out.put(("done", name, None if result is None else result.status, None))


# --------------------------------------------------------------------------- parent


@dataclass
class _Board:
    """The parent's record: best solution and bound, who found them, what happened."""

    problem: FacilityProblem
    gap: float
    cost: float = math.inf
    assignment: np.ndarray | None = None
    bound: float = -math.inf
    found_by: str | None = None
    proved_by: str | None = None
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def proven(self) -> bool:
        return math.isfinite(self.cost) and \
            self.cost - self.bound <= self.gap * max(abs(self.cost), 1e-9) + 1e-9

    def take(self, kind: str, name: str, value: Any, extra: Any, now: float) -> bool:
        """Record one message; ``True`` when the incumbent improved."""
        entry = self.methods.setdefault(name, {})
        if kind == "start":
            entry["started"] = round(now, 3)
        elif kind == "done":
            entry.update(status=value, finished=round(now, 3))
        elif kind == "error":
            self.errors[name] = value
            entry.update(status="error", finished=round(now, 3))
        elif kind == "bound" and value > self.bound + 1e-9:
            self.bound, self.proved_by = value, name
            entry["bound"] = value
        elif kind == "solution" and value < self.cost - 1e-9:
            rows, cols, vals = extra
            self.assignment = np.zeros((self.problem.m, self.problem.n))
            self.assignment[rows, cols] = vals
            self.cost, self.found_by = value, name
            entry["cost"] = value
            return True
        return False


@contextmanager
def _main_not_reimported() -> Iterator[None]:
    """Start processes without the child re-running an unguarded ``__main__`` script.

    *spawn* children import the parent's main module; a script calling the solver
    without ``if __name__ == "__main__"`` would then start processes again. Hiding the
    main module's path while starting makes the children skip it (worker functions
    live in this module, not in ``__main__``).
    """
    main = sys.modules.get("__main__")
    saved = {k: getattr(main, k) for k in ("__file__", "__spec__") if hasattr(main, k)}
    try:
        for k in saved:
            setattr(main, k, None)
        yield
    finally:
        for k, v in saved.items():
            setattr(main, k, v)


def solve_portfolio(problem: FacilityProblem, *, time_limit: float = 60.0,
                    options: PortfolioOptions | None = None) -> FacilityResult:
    """Solve a CFLP with several methods in parallel processes (see the module docstring).

    Parameters
    ----------
    problem
        The problem; CP-SAT is skipped for multi-source problems.
    time_limit
        Seconds of wall clock for the whole portfolio, process start-up included.
    options
        The settings (default :class:`PortfolioOptions`).

    Returns
    -------
    FacilityResult
        The best solution with the best bound; ``method`` ``"portfolio"``; ``info`` has
        ``found_by`` (method of the incumbent), ``proved_by`` (method of the bound),
        ``stopped`` (``"proof"``, ``"time_limit"`` or ``"methods_done"``), per-method
        ``methods`` (start/finish seconds, status, cost, bound) and ``errors``.
    """
    opts = options or PortfolioOptions()
    number("time_limit", time_limit, lo=0.0)
    methods = [m for m in opts.methods or default_methods(problem)
               if problem.single_source
               or m not in ("cpsat", "reduced", "reduced-scip", "reduced-counts", "staged",
                            "staged-scip", "split", "staged-split", "enumerate",
                            "staged-enumerate")]
    start = time.time()
    board = _Board(problem, opts.relative_gap)
    ctx_mp = get_context("spawn")
    out, tasks, stop = ctx_mp.Queue(), ctx_mp.Queue(), ctx_mp.Event()
    for m in methods:
        tasks.put(m)
    cost = ctx_mp.Value("d", math.inf)
    assign = ctx_mp.Array("d", problem.m * problem.n)
    shared_bound = ctx_mp.Value("d", -math.inf)
    ctx = PortfolioContext(deadline=start + time_limit, seed=opts.seed,
                           cpsat_workers=opts.cpsat_workers, relative_gap=opts.relative_gap,
                           start=start, prove_gap=opts.prove_gap,
                           prove_after=opts.prove_after, _out=out, _stop=stop, _cost=cost,
                           _assign=assign, _bound=shared_bound,
                           _shape=(problem.m, problem.n))
    procs = [ctx_mp.Process(target=_work, args=(problem, tasks, ctx), daemon=True)
             for _ in range(min(opts.workers, len(methods)))]
    with _main_not_reimported():
        for p in procs:
            p.start()
    stopped = _watch(board, procs, out, (cost, assign, shared_bound), start=start,
                     deadline=start + time_limit)
    stop.set()
    _end(board, procs, out, start, opts.grace if stopped == "time_limit" else 0.2)
    for p in procs:
        if p.exitcode not in (0, None, -15):
            board.errors.setdefault(f"worker-{p.pid}", f"process ended with exit code "
                                    f"{p.exitcode}")
    return _result(board, stopped, time.time() - start, opts)


def _watch(board: _Board, procs: list[Any], out: Any, shared: tuple[Any, Any, Any], *,
           start: float, deadline: float) -> str:
    """Read messages until proof, time up or every worker gone; returns which.
    ``shared`` is the incumbent's cost and assignment and the best bound, published."""
    cost, assign, bound = shared
    while True:
        if board.proven():
            return "proof"
        now = time.time()
        if now >= deadline:
            return "time_limit"
        try:
            kind, name, value, extra = out.get(timeout=min(0.1, deadline - now))
        except queue.Empty:
            if not any(p.is_alive() for p in procs):
                return "methods_done"
            continue
        if kind == "bound" and value > bound.value:
            bound.value = value
        if board.take(kind, name, value, extra, time.time() - start) \
                and board.assignment is not None:
            with cost.get_lock():
                cost.value = value
                np.frombuffer(assign.get_obj())[:] = board.assignment.ravel()


def _end(board: _Board, procs: list[Any], out: Any, start: float, grace: float) -> None:
    """Read messages for ``grace`` seconds or until the workers are gone (a worker
    exits only once its messages are read), then terminate the ones still running."""
    until = time.time() + grace
    while True:
        try:
            kind, name, value, extra = out.get(timeout=0.02)
            board.take(kind, name, value, extra, time.time() - start)
            continue
        except queue.Empty:
            pass
        if time.time() >= until or not any(p.is_alive() for p in procs):
            break
    for p in procs:
        if p.is_alive():
            p.terminate()
        p.join(timeout=5.0)


def _result(board: _Board, stopped: str, seconds: float, opts: PortfolioOptions
            ) -> FacilityResult:
    problem = board.problem
    bound = None if not math.isfinite(board.bound) else min(board.bound, board.cost)
    info: dict[str, Any] = {"found_by": board.found_by, "proved_by": board.proved_by,
                            "stopped": stopped, "workers": opts.workers,
                            "methods": board.methods, "errors": board.errors}
    if board.assignment is None:
        return FacilityResult((), np.zeros((0, 0)), math.inf, "no_solution", bound, seconds,
                              "portfolio", info)
    assign = np.asarray(board.assignment, dtype=float).reshape(problem.m, problem.n)
    opened = tuple(int(i) for i in np.flatnonzero(assign.sum(axis=1) > 0))
    status = "optimal" if board.proven() else "feasible"
    if status == "feasible":
        info["proved_by"] = None
        info["bound_by"] = board.proved_by
    return FacilityResult(opened, assign, board.cost, status, bound, seconds, "portfolio",
                          info)
