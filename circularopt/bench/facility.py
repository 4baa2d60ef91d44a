"""Facility location sets (``cflp``, ``sscflp``, ``tscflp``): readers and runners.

Each runner reads the set's instances, solves them with the chosen engine, checks every
solution with :mod:`circularopt.siting.check` and yields one
:class:`~circularopt.bench.BenchRow` per instance; ``feasible`` and ``cost`` come from the
independent checker.

Formats
-------
OR-Library CFLP (Beasley; ``cap41`` ... ``cap134``, ``capa/b/c``)
    ``m n``; then per facility ``capacity fixed_cost``; then per customer its ``demand``
    followed by ``m`` numbers, the cost of allocating **all** of that customer's demand
    to each facility (customer-major, total not per-unit costs). In ``capa/b/c`` the
    capacity is the word ``capacity``: the instance is solved for several capacities
    (``capa_8000`` ... in ``BKS.csv``), given as ``capacity=``.
Single-source CFLP (Pisa / OR-Datasets: Holmberg ``Lib_2``, OR small ``Lib_3_1`` and big
``Lib_3_2``)
    ``m n``; ``m`` rows ``capacity fixed_cost``; ``n`` demands; then an ``m x n``
    matrix (facility-major) of the total cost of serving each customer from each facility.
    The ``os`` file of each folder holds the optimum of ``p<i>`` on line ``i``.
Single-source CFLP, Delmaire et al. (1999) layout (OR-Datasets ``Lib_1``)
    ``n m`` (customers first); ``n`` rows of ``m`` costs (customer-major, the total cost
    of serving the customer from each facility); ``n`` demands; ``m`` fixed costs; ``m``
    capacities. :func:`read_sscflp` tells the two layouts apart by their number count.
Two-stage CFLP (Fernandes et al. 2014)
    ``I J K`` (plants, satellites, customers); ``K`` demands; ``I`` rows ``capacity
    fixed_cost``; an ``I x J`` matrix of per-unit plant-to-satellite costs; ``J`` rows
    ``capacity fixed_cost``; a ``J x K`` matrix of per-unit satellite-to-customer costs.

Engines (``--engine``)
----------------------
``auto`` (default)
    Multi-source up to 20,000 facility-customer pairs: plain MIP (HiGHS); otherwise
    ``lagrangian``.
``highs``, ``scip``, ``cpsat``
    Plain MIP with that backend (:func:`~circularopt.siting.cflp.solve_mip`).
``lagrangian`` / ``lagrangian-scip``, ``lagrangian-cpsat``, ``lagrangian-highs``
    Lagrangian bound, repair heuristic and kernel MIP
    (:func:`~circularopt.siting.lagrangian.solve_lagrangian`), kernel backend as named
    (default SCIP for single source, HiGHS for multi-source). Small instances keep every
    facility in the kernel, then (if the kernel MIP has not finished in half the time)
    prove with a re-optimised bound, arc and facility fixing and a last MIP. Large
    multi-source ones (``capa/b/c``) solve a kernel of 15 facilities with 15% of the
    time, then prove the same way: every facility probing cannot close joins the last
    MIP, so its optimum is proven (give enough time: ``--time-limit 600``). Large
    single-source ones first run a kernel search on the multi-source relaxation, then a
    SCIP kernel of 20 facilities and the 6 cheapest arcs per customer (no proof).
``heuristic``
    Lagrangian bound and repair heuristic only.
``portfolio``
    ``enumerate`` (single source: each number of open facilities a cheaper solution
    may have, proven by Lagrangian branch-and-bound on the open set; ``staged`` where
    its knapsack tables would be too large), the Lagrangian method and a SCIP MIP in
    parallel processes
    (``workers``, default 2) sharing incumbents, stopped at the first proof
    (:func:`~circularopt.siting.portfolio.solve_portfolio`); above 20,000 pairs the
    Lagrangian method alone. ``portfolio:staged+lagrangian`` (say) runs the named
    methods of :data:`~circularopt.siting.portfolio.METHODS`, in that order.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from circularopt.bench._core import BenchOptions, BenchRow, write_json
from circularopt.exceptions import DataNotFoundError, InputError
from circularopt.siting.cflp import (
    FacilityProblem,
    FacilityResult,
    TwoStageProblem,
    TwoStageResult,
    solve_mip,
    solve_two_stage_mip,
)
from circularopt.siting.lagrangian import size_options, solve_lagrangian
from circularopt.siting.portfolio import PortfolioOptions, solve_portfolio
from circularopt.siting.validate import validate_facility, validate_two_stage

T = TypeVar("T")

__all__ = [
    "ENGINES",
    "SSCFLP_LAYOUTS",
    "BenchInstance",
    "cflp_instances",
    "read_orlib_cflp",
    "read_sscflp",
    "read_tscflp",
    "run_cflp",
    "run_sscflp",
    "run_tscflp",
    "solution_json",
    "solve_facility",
    "sscflp_instances",
    "tscflp_instances",
]


@dataclass(frozen=True)
class BenchInstance:
    """One instance of a benchmark set: a name, its file and its best-known value.

    ``capacity`` is the per-facility capacity for ``capa/b/c`` (``None`` otherwise).
    ``lower_bound`` is a published lower bound where the set gives one.
    """

    name: str
    path: Path
    bks: float | None
    capacity: float | None = None
    lower_bound: float | None = None


def _tokens(path: Path) -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"instance file not found: {path}")
    return path.read_text(encoding="utf-8", errors="replace").split()


def _numbers(path: Path, tokens: list[str], start: int, count: int, what: str) -> np.ndarray:
    chunk = tokens[start:start + count]
    if len(chunk) < count:
        raise InputError(f"{path}", f"{len(tokens)} numbers",
                         f"at least {start + count} (file ends inside {what})")
    try:
        return np.array(chunk, dtype=float)
    except ValueError as exc:
        raise InputError(f"{path}, {what}", " ".join(chunk[:5]) + " ...", "numbers") from exc


def _header(path: Path, tokens: list[str], count: int) -> list[int]:
    try:
        sizes = [int(t) for t in tokens[:count]]
    except ValueError as exc:
        raise InputError(f"{path}, header", " ".join(tokens[:count]),
                         f"{count} integers (sizes)") from exc
    if len(sizes) < count or min(sizes) < 1:
        raise InputError(f"{path}, header", " ".join(tokens[:count]),
                         f"{count} integers >= 1 (sizes)")
    return sizes


def _in_file(path: Path, build: Callable[[], T]) -> T:
    """``build()``, with the file named in the InputError of an invalid problem."""
    try:
        return build()
    except InputError as exc:
        raise InputError(f"{path}: {exc.field}", exc.value, exc.expected) from exc


def read_orlib_cflp(path: Path, *, capacity: float | None = None,
                    single_source: bool = False, name: str | None = None) -> FacilityProblem:
    """Read an OR-Library CFLP file (``capXX.txt``, ``capa/b/c.txt``).

    Parameters
    ----------
    path
        The file.
    capacity
        Capacity of every facility; required for ``capa/b/c`` whose file says
        ``capacity``, and overrides the file's capacities otherwise.
    single_source
        Flag of the returned problem.
    name
        Problem name (default: the file stem).

    Returns
    -------
    FacilityProblem
        With ``cost[i, j]`` the cost of serving all of customer ``j`` from ``i``.
    """
    path = Path(path)
    tok = _tokens(path)
    m, n = _header(path, tok, 2)
    pos = 2
    caps, fixed = [], []
    for i in range(m):
        if len(tok) < pos + 2:  # the capacity may be the word 'capacity': no float check
            raise InputError(f"{path}", f"{len(tok)} numbers",
                             f"at least {pos + 2} (file ends inside the facility rows)")
        cap_tok, fix_tok = tok[pos:pos + 2]
        pos += 2
        if capacity is not None:
            caps.append(float(capacity))
        else:
            try:
                caps.append(float(cap_tok))
            except ValueError as exc:
                raise InputError(f"{path}, facility {i + 1} capacity", cap_tok,
                                 "a number, or pass capacity= (capa/b/c give the word "
                                 "'capacity' and a capacity per scenario)") from exc
        fixed.append(float(_numbers(path, [fix_tok], 0, 1, f"facility {i + 1}")[0]))
    block = _numbers(path, tok, pos, n * (m + 1), "the customer blocks").reshape(n, m + 1)
    return _in_file(path, lambda: FacilityProblem(
        np.array(fixed), np.array(caps), block[:, 0], block[:, 1:].T.copy(),
        single_source=single_source, name=name or path.stem))


SSCFLP_LAYOUTS = ("auto", "pisa", "delmaire")
"""Layouts of single-source CFLP files read by :func:`read_sscflp` (see the module
docstring); ``auto`` tells them apart by their number count."""


def _sscflp_layout(path: Path, tok: list[str], layout: str) -> str:
    """``layout``, or for ``auto`` the one whose number count the file has.

    With header ``a b`` a Pisa file holds ``2 + 2a + b + ab`` numbers and a Delmaire file
    ``2 + ab + a + 2b``; the two agree only when ``a == b``, which reads as Pisa (files
    with trailing numbers too, as before).
    """
    if layout not in SSCFLP_LAYOUTS:
        raise InputError("layout", layout, f"one of {list(SSCFLP_LAYOUTS)}")
    if layout != "auto":
        return layout
    a, b = _header(path, tok, 2)
    return "delmaire" if a != b and len(tok) == 2 + a * b + a + 2 * b else "pisa"


def read_sscflp(path: Path, *, name: str | None = None, single_source: bool = True,
                layout: str = "auto") -> FacilityProblem:
    """Read a single-source CFLP file, Pisa / OR-Datasets or Delmaire layout.

    Parameters
    ----------
    path
        The file (e.g. ``Lib_2/p1``).
    name
        Problem name (default: ``folder/file``).
    single_source
        Flag of the returned problem (default ``True``).
    layout
        ``"pisa"``, ``"delmaire"`` or ``"auto"`` (default: by the number count, see
        :data:`SSCFLP_LAYOUTS`; square Delmaire files need ``"delmaire"``).

    Returns
    -------
    FacilityProblem
        With ``cost[i, j]`` the total cost of serving customer ``j`` from ``i``.
    """
    path = Path(path)
    tok = _tokens(path)
    if _sscflp_layout(path, tok, layout) == "delmaire":
        n, m = _header(path, tok, 2)
        cost = _numbers(path, tok, 2, n * m, "the cost rows").reshape(n, m).T.copy()
        demand = _numbers(path, tok, 2 + n * m, n, "the demands")
        fixed = _numbers(path, tok, 2 + n * m + n, m, "the fixed costs")
        capacity = _numbers(path, tok, 2 + n * m + n + m, m, "the capacities")
    else:
        m, n = _header(path, tok, 2)
        fac = _numbers(path, tok, 2, 2 * m, "the facility rows").reshape(m, 2)
        capacity, fixed = fac[:, 0], fac[:, 1]
        demand = _numbers(path, tok, 2 + 2 * m, n, "the demands")
        cost = _numbers(path, tok, 2 + 2 * m + n, m * n, "the cost matrix").reshape(m, n)
    return _in_file(path, lambda: FacilityProblem(
        fixed, capacity, demand, cost, single_source=single_source,
        name=name or f"{path.parent.name}/{path.name}"))


def read_tscflp(path: Path, *, name: str | None = None) -> TwoStageProblem:
    """Read a two-stage CFLP file of Fernandes et al. (2014).

    Parameters
    ----------
    path
        The file (e.g. ``PSC1-C1-50.txt``).
    name
        Problem name (default: the file stem).

    Returns
    -------
    TwoStageProblem
        With per-unit costs on both stages.
    """
    path = Path(path)
    tok = _tokens(path)
    p, q, k = _header(path, tok, 3)
    pos = 3
    demand = _numbers(path, tok, pos, k, "the demands")
    pos += k
    plants = _numbers(path, tok, pos, 2 * p, "the plant rows").reshape(p, 2)
    pos += 2 * p
    a = _numbers(path, tok, pos, p * q, "the plant-satellite costs").reshape(p, q)
    pos += p * q
    sats = _numbers(path, tok, pos, 2 * q, "the satellite rows").reshape(q, 2)
    pos += 2 * q
    b = _numbers(path, tok, pos, q * k, "the satellite-customer costs").reshape(q, k)
    pos += q * k
    if pos != len(tok):
        raise InputError(f"{path}", f"{len(tok)} numbers",
                         f"exactly {pos} for {p} plants, {q} satellites, {k} customers")
    return _in_file(path, lambda: TwoStageProblem(
        plants[:, 1], plants[:, 0], sats[:, 1], sats[:, 0], demand, a, b,
        name=name or path.stem))


def _float_or_none(text: str) -> float | None:
    text = text.strip().rstrip("*").strip()
    return float(text) if text else None


def cflp_instances(folder: Path) -> list[BenchInstance]:
    """The OR-Library CFLP instances listed in ``folder/BKS.csv`` with their optima.

    Without ``BKS.csv``, every ``txt/cap*.txt`` with numeric capacities, without a
    best-known value.
    """
    folder = Path(folder)
    bks_file = folder / "BKS.csv"
    out: list[BenchInstance] = []
    if bks_file.is_file():
        with bks_file.open(encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if not row or row[0].startswith("instance"):
                    continue
                name, file, opt = row[0], row[1], row[2]
                match = re.fullmatch(r"cap[abc]_(\d+)", name)
                out.append(BenchInstance(name, folder / file, _float_or_none(opt),
                                         float(match.group(1)) if match else None))
        return out
    files = sorted((folder / "txt").glob("cap*.txt")) or sorted(folder.glob("cap*.txt"))
    if not files:
        raise DataNotFoundError(f"no BKS.csv and no cap*.txt files in {folder}")
    return [BenchInstance(f.stem, f, None) for f in files
            if not re.fullmatch(r"cap[abc]", f.stem)]


def _natural(path: Path) -> tuple[str, int]:
    digits = re.sub(r"\D", "", path.name)
    return (re.sub(r"\d", "", path.name), int(digits) if digits else 0)


def sscflp_instances(folder: Path) -> list[BenchInstance]:
    """The single-source instances under ``folder`` with the optima of their ``os`` files.

    ``folder`` is either one library (holding ``p1``, ``p2``, ... and ``os``) or the set
    folder holding ``Lib_*`` libraries. Names are ``Lib_x/p<i>``.
    """
    folder = Path(folder)
    libs = [folder] if (folder / "os").is_file() else sorted(
        d for d in folder.glob("Lib_*") if d.is_dir())
    if not libs:
        raise DataNotFoundError(f"no 'os' file and no Lib_* folders in {folder}")
    out: list[BenchInstance] = []
    for lib in libs:
        optima: list[str] = []
        if (lib / "os").is_file():
            optima = (lib / "os").read_text(encoding="utf-8").split()
        for f in sorted((p for p in lib.iterdir() if re.fullmatch(r"p\d+", p.name)),
                        key=_natural):
            index = int(f.name[1:]) - 1
            bks = float(optima[index]) if index < len(optima) else None
            out.append(BenchInstance(f"{lib.name}/{f.name}", f, bks))
    return out


def tscflp_instances(folder: Path) -> list[BenchInstance]:
    """The Fernandes two-stage instances of ``folder/BKS.csv`` (best-known and bound).

    Without ``BKS.csv``, every ``*.txt`` of ``folder/instances`` (or ``folder``) except
    the ``bks``/``lb`` lists.
    """
    folder = Path(folder)
    inst = folder / "instances" if (folder / "instances").is_dir() else folder
    bks_file = folder / "BKS.csv"
    if bks_file.is_file():
        out = []
        with bks_file.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                file = row["file"]
                bks = _float_or_none(next(v for k, v in row.items() if k.startswith("bks")))
                lb = _float_or_none(row.get("lower_bound(lb-*.txt)", "") or "")
                out.append(BenchInstance(Path(file).stem, inst / file, bks, lower_bound=lb))
        return out
    files = [f for f in sorted(inst.glob("*.txt"))
             if not f.name.startswith(("bks", "lb"))]
    if not files:
        raise DataNotFoundError(f"no BKS.csv and no instance files in {folder}")
    return [BenchInstance(f.stem, f, None) for f in files]


# --------------------------------------------------------------------------- runners


ENGINES = ("auto", "highs", "scip", "cpsat", "lagrangian", "lagrangian-scip",
           "lagrangian-cpsat", "lagrangian-highs", "heuristic", "portfolio")
"""Engine names accepted by the CFLP and SSCFLP runners."""

_SMALL = 20_000
"""Facility-customer pairs up to which ``auto`` uses the plain MIP."""


def solve_facility(problem: FacilityProblem, *, engine: str = "auto", time_limit: float = 60.0,
                   seed: int = 0, workers: int | None = None) -> FacilityResult:
    """Solve a CFLP/SSCFLP with a named engine (see the module docstring).

    Parameters
    ----------
    problem
        The problem.
    engine
        One of :data:`ENGINES`.
    time_limit
        Seconds.
    seed
        Random seed.
    workers
        Processes of the ``portfolio`` engine (``None``: its default); only for it.

    Returns
    -------
    FacilityResult
        The solver's result (not yet checked).
    """
    engine, methods = _portfolio_methods(engine)
    if workers is not None and engine != "portfolio":
        raise InputError("workers", workers, "None unless engine is 'portfolio' (the "
                         "other engines run in one process)")
    if engine == "auto":
        engine = "highs" if problem.m * problem.n <= _SMALL and not problem.single_source \
            else "lagrangian"
    if engine == "portfolio":
        opts = PortfolioOptions(seed=seed, methods=methods) if workers is None else \
            PortfolioOptions(seed=seed, methods=methods, workers=workers)
        return solve_portfolio(problem, time_limit=time_limit, options=opts)
    if engine in ("highs", "scip", "cpsat"):
        return solve_mip(problem, backend=engine, time_limit=time_limit, seed=seed)
    if engine == "heuristic":
        return solve_lagrangian(problem, time_limit=time_limit, seed=seed, backend="none")
    backend = engine.split("-")[1] if "-" in engine else (
        "scip" if problem.single_source else "highs")
    return solve_lagrangian(problem, time_limit=time_limit, seed=seed, backend=backend,
                            options=size_options(problem))


def _portfolio_methods(engine: str) -> tuple[str, tuple[str, ...] | None]:
    """``engine`` checked; ``portfolio:m1+m2`` is the portfolio with those methods
    (names of :data:`~circularopt.siting.portfolio.METHODS`, taken in that order)."""
    if engine.startswith("portfolio:"):
        methods = tuple(m for m in engine.split(":", 1)[1].split("+") if m)
        PortfolioOptions(methods=methods)  # names the unknown method
        return "portfolio", methods
    if engine not in ENGINES:
        raise InputError("engine", engine, f"one of {list(ENGINES)} or 'portfolio:' and "
                         "methods joined by '+', e.g. 'portfolio:staged+lagrangian'")
    return engine, None


def solution_json(instance: str, problem: FacilityProblem, result: FacilityResult
                  ) -> dict[str, Any]:
    """The solution as plain JSON data: open facilities and each customer's quantities."""
    customers = []
    for j in range(problem.n):
        served = np.flatnonzero(result.assignment[:, j] > 0)
        customers.append({"customer": j, "demand": float(problem.demand[j]),
                          "served_by": [{"facility": int(i),
                                         "share": float(result.assignment[i, j]),
                                         "quantity": float(result.assignment[i, j]
                                                           * problem.demand[j])}
                                        for i in served]})
    return {"instance": instance, "single_source": problem.single_source,
            "cost": result.cost, "status": result.status, "bound": result.bound,
            "method": result.method, "open_facilities": list(result.open_facilities),
            "assignment": customers}


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its ended children (the portfolio's workers;
    Unix only, elsewhere this process alone)."""
    try:
        import resource
    except ImportError:  # Windows
        return time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def _select(instances: list[BenchInstance], options: BenchOptions) -> list[BenchInstance]:
    return [x for x in instances if options.selects(x.name)]


def _rows(options: BenchOptions, instances: list[BenchInstance],
          read: Callable[[BenchInstance, bool], FacilityProblem], single_source: bool,
          default_time: float) -> Iterator[BenchRow]:
    engine = options.engine or "auto"
    _portfolio_methods(engine)
    for inst in _select(instances, options):
        problem = read(inst, single_source)
        limit = options.seconds_for(problem.n, default_time)
        start, cpu = time.monotonic(), _cpu_seconds()
        result = solve_facility(problem, engine=engine, time_limit=limit, seed=options.seed,
                                workers=options.workers)
        seconds, cpu = time.monotonic() - start, _cpu_seconds() - cpu
        report = validate_facility(problem, result)
        if result.has_solution:
            write_json(options, f"{inst.name}.json", solution_json(inst.name, problem, result))
        gap = result.gap
        yield BenchRow(inst.name, problem.n, inst.bks,
                       report.cost if result.has_solution else None, report.feasible,
                       seconds, result.method,
                       extra={"m": problem.m, "status": result.status,
                              "bound": "" if result.bound is None else round(result.bound, 4),
                              "solver_gap_pct": "" if gap is None else round(100 * gap, 4),
                              "cpu_s": round(cpu, 2),
                              "found_by": result.info.get("found_by") or "",
                              "proved_by": result.info.get("proved_by") or "",
                              "violations": "; ".join(report.violations[:3])})


def run_cflp(options: BenchOptions) -> Iterator[BenchRow]:
    """OR-Library CFLP (multi-source): ``--data`` is the folder holding ``BKS.csv``."""
    def read(inst: BenchInstance, single: bool) -> FacilityProblem:
        return read_orlib_cflp(inst.path, capacity=inst.capacity, single_source=single,
                               name=inst.name)
    yield from _rows(options, cflp_instances(options.data), read, False, 300.0)


def run_sscflp(options: BenchOptions) -> Iterator[BenchRow]:
    """Single-source CFLP: ``--data`` is the set folder (``Lib_*``) or one library."""
    def read(inst: BenchInstance, single: bool) -> FacilityProblem:
        return read_sscflp(inst.path, name=inst.name, single_source=single)
    yield from _rows(options, sscflp_instances(options.data), read, True, 60.0)


def _two_stage_json(instance: str, result: TwoStageResult) -> dict[str, Any]:
    u, w = result.plant_flow, result.satellite_flow
    return {"instance": instance, "cost": result.cost, "status": result.status,
            "bound": result.bound, "method": result.method,
            "open_plants": list(result.open_plants),
            "open_satellites": list(result.open_satellites),
            "plant_to_satellite": [{"plant": int(i), "satellite": int(j),
                                    "quantity": float(u[i, j])} for i, j in np.argwhere(u > 0)],
            "satellite_to_customer": [{"satellite": int(j), "customer": int(k),
                                       "quantity": float(w[j, k])}
                                      for j, k in np.argwhere(w > 0)]}


def run_tscflp(options: BenchOptions) -> Iterator[BenchRow]:
    """Two-stage CFLP of Fernandes et al.: ``--data`` is the folder holding ``BKS.csv``.

    Engines: ``highs`` (default) or ``scip``.
    """
    engine = options.engine or "highs"
    if engine not in ("highs", "scip"):
        raise InputError("--engine", engine, "'highs' or 'scip' for tscflp")
    for inst in _select(tscflp_instances(options.data), options):
        problem = read_tscflp(inst.path, name=inst.name)
        limit = options.seconds_for(problem.n, 60.0)
        start = time.monotonic()
        result = solve_two_stage_mip(problem, backend=engine, time_limit=limit,
                                     seed=options.seed)
        seconds = time.monotonic() - start
        report = validate_two_stage(problem, result)
        if result.plant_flow.size:
            write_json(options, f"{inst.name}.json", _two_stage_json(inst.name, result))
        gap = result.gap
        yield BenchRow(inst.name, problem.n, inst.bks,
                       report.cost if result.plant_flow.size else None,
                       report.feasible and result.plant_flow.size > 0, seconds, result.method,
                       extra={"status": result.status,
                              "bound": "" if result.bound is None else round(result.bound, 4),
                              "solver_gap_pct": "" if gap is None else round(100 * gap, 4),
                              "published_lb": "" if inst.lower_bound is None
                              else inst.lower_bound,
                              "violations": "; ".join(report.violations[:3])})
