"""Capacitated arc routing (``carp``): CARPLIB reader and runner (gdb, val, egl).

CARPLIB (Universitat de Valencia, 2005; keywords in Spanish): ``VERTICES``,
``CAPACIDAD``, ``LISTA_ARISTAS_REQ`` with lines ``( u, v) coste c demanda q``,
``LISTA_ARISTAS_NOREQ`` with ``( u, v) coste c``, ``DEPOSITO``. Edges are undirected and
the serving cost equals the traversal cost; costs are integers (``scale=1``). The fleet
is unlimited as in the literature's best-known solutions (``VEHICULOS`` is reported in
the ``vehicles_file`` column). Best-known and lower bounds come from ``BKS.csv``.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterator
from pathlib import Path

from circularopt.bench._core import BenchOptions, BenchRow, write_json
from circularopt.bench._routing import CLOCK, text_lines
from circularopt.exceptions import CircularOptError, InputError
from circularopt.routing.arcs import (
    ArcModel,
    ArcProblem,
    ArcSolution,
    solve_arcs,
    validate_arc_routes,
)

__all__ = ["SETS", "parse_carp", "read_carp", "run_carp"]

SETS = ("gdb", "val", "egl")
"""Sub-folders of the CARP data folder, each a set of ``.dat`` files."""

_EDGE = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)\s*coste\s+([-\d.]+)"
                   r"(?:\s+demanda\s+([-\d.]+))?", re.IGNORECASE)
_KEY = re.compile(r"^\s*([A-Z_]+)\s*:\s*(.*)$")


def _number(where: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(where, text, "a number") from None


def parse_carp(lines: list[str], *, name: str = "carp") -> ArcProblem:
    """An :class:`~circularopt.routing.arcs.ArcProblem` from the lines of a CARPLIB file.

    Node ids are the file's vertex numbers; edge ids ``"u-v"`` (``"u-v#2"`` for a
    parallel edge).

    Raises
    ------
    InputError
        A missing keyword, a malformed edge line (named by line number), a negative
        demand.
    """
    keys: dict[str, str] = {}
    edges: list[tuple[int, int, float, float | None, int]] = []
    for no, line in enumerate(lines, 1):
        if (m := _EDGE.search(line)) is not None:
            demand = None if m.group(4) is None else _number(f"line {no} demanda", m.group(4))
            edges.append((int(m.group(1)), int(m.group(2)),
                          _number(f"line {no} coste", m.group(3)), demand, no))
        elif (k := _KEY.match(line)) is not None:
            keys[k.group(1).upper()] = k.group(2).strip()
    for key in ("VERTICES", "CAPACIDAD", "DEPOSITO"):
        if key not in keys:
            raise InputError(f"{name}: keyword {key}", None, "present in a CARPLIB file")
    n = int(_number("VERTICES", keys["VERTICES"]))
    model = ArcModel(range(1, n + 1), name=keys.get("NOMBRE", name),
                     convention="CARPLIB: integer costs, serving cost = traversal cost")
    seen: dict[str, int] = {}
    for u, v, cost, demand, no in edges:
        base = f"{u}-{v}"
        seen[base] = seen.get(base, 0) + 1
        eid = base if seen[base] == 1 else f"{base}#{seen[base]}"
        try:
            model.add_edge(eid, u, v, cost=cost)
            if demand is not None and demand != 0:
                model.require(eid, demand=demand)
        except InputError as exc:
            raise InputError(f"{name} line {no}: {exc.field}", exc.value, exc.expected) from None
    model.set_fleet(depot=int(_number("DEPOSITO", keys["DEPOSITO"])),
                    capacity=_number("CAPACIDAD", keys["CAPACIDAD"]))
    return model.data()


def read_carp(path: Path) -> ArcProblem:
    """Read a CARPLIB ``.dat`` file (see :func:`parse_carp`)."""
    return parse_carp(text_lines(path), name=Path(path).stem)


def _vehicles_file(lines: list[str]) -> str:
    for line in lines:
        if (k := _KEY.match(line)) is not None and k.group(1).upper() == "VEHICULOS":
            return k.group(2).strip()
    return ""


def _solution_json(problem: ArcProblem, solution: ArcSolution, cost: float) -> dict[str, object]:
    return {"instance": problem.name, "cost": cost, "engine": solution.engine,
            "routes": solution.as_pairs(problem),
            "format": "each route: [edge, from vertex, to vertex] served in order"}


def _bounds(root: Path) -> dict[str, dict[str, str]]:
    """``BKS.csv`` rows by file (``val/1A.dat``) and by instance name (``val1A``)."""
    path = root / "BKS.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {**{r["instance"]: r for r in rows}, **{r.get("file", ""): r for r in rows}}


def _files(options: BenchOptions, bounds: dict[str, dict[str, str]]
           ) -> list[tuple[str, Path]]:
    """``(instance name, file)`` of the selected instances; the name as in ``BKS.csv``
    (``val1A`` for ``val/1A.dat``), else the file stem."""
    root = Path(options.data)
    folders = [root / s for s in SETS if (root / s).is_dir()] or [root]
    out = []
    for folder in folders:
        for f in sorted(folder.glob("*.dat")):
            rel = f"{folder.name}/{f.name}" if folder != root else f.name
            name = bounds.get(rel, {}).get("instance") or f.stem
            if options.selects(name, f.stem, f.name, f"{folder.name}/{f.stem}"):
                out.append((name, f))
    return out


def _bound(bounds: dict[str, dict[str, str]], name: str, column: str) -> float | None:
    value = bounds.get(name, {}).get(column, "")
    return float(value) if value else None


def run_carp(options: BenchOptions) -> Iterator[BenchRow]:
    """Bench runner of CARP: each instance solved within ``n/10`` CPU seconds by default
    (``n`` required edges; ``--time-per-100``), checked by
    :func:`~circularopt.routing.arcs.validate_arc_routes` (the row's cost and
    ``feasible``), compared with ``BKS.csv`` (``bks``; ``lb`` in an extra column). Instances are
    named as in ``BKS.csv`` (``val1A`` for ``val/1A.dat``) and selected by that name,
    the file stem or ``set/stem``."""
    bounds = _bounds(Path(options.data))
    engine = options.engine or "pyvrp"
    for name, path in _files(options, bounds):
        lines = text_lines(path)
        problem = parse_carp(lines, name=name)
        n = problem.num_required
        seconds = options.seconds_for(n, default=n / 10.0)
        t0 = time.perf_counter()
        bks = _bound(bounds, name, "bks")
        lb = _bound(bounds, name, "lb")
        extra: dict[str, object] = {"lb": "" if lb is None else lb,
                                    "vehicles_file": _vehicles_file(lines)}
        try:
            solution = solve_arcs(problem, engine=engine, time_limit=seconds,
                                  seed=options.seed, clock=CLOCK)
        except CircularOptError as exc:
            yield BenchRow(name, n, bks, None, False,
                           time.perf_counter() - t0, engine, {**extra, "error": str(exc)})
            continue
        report = validate_arc_routes(problem, solution)
        write_json(options, f"{name}.{engine}.json",
                   _solution_json(problem, solution, report.cost or 0.0))
        yield BenchRow(name, n, bks, report.cost, report.ok,
                       time.perf_counter() - t0, engine,
                       {**extra, "vehicles": report.vehicles,
                        "deadhead": report.deadhead,
                        "error": "; ".join(report.violations[:3])})
