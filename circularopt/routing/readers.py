"""Read VRPLIB instances (CVRP, VRPTW) into :class:`RoutingProblem` and write solutions.

Each set has its own distance convention, and a gap is only meaningful under it:

``cvrplib``
    CVRPLIB (Uchoa et al. 2017, X; Augerat, Christofides): Euclidean distance rounded to
    the nearest integer (TSPLIB ``EUC_2D`` ``nint``); ``scale=1``.
``dimacs``
    Solomon VRPTW as in CVRPLIB / the DIMACS challenge: Euclidean distances and travel
    times truncated to one decimal; ``scale=10``. The cost is the total distance.

Location ids are VRPLIB's 0-based node numbers as strings (the depot is ``"0"``), and a
stop's id is its node number, so a route's stop ids are the client numbers of a VRPLIB
``.sol`` file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import vrplib

from circularopt.exceptions import DataNotFoundError, InfeasibleError, InputError
from circularopt.routing.problem import RoutingModel, RoutingProblem
from circularopt.routing.result import RoutingResult

__all__ = [
    "Convention",
    "euclidean",
    "read_cvrp",
    "read_vrplib",
    "read_vrptw",
    "solution_routes",
    "write_vrplib_solution",
]

Convention = Literal["cvrplib", "dimacs"]

_CONVENTIONS: dict[str, tuple[int, str]] = {
    "cvrplib": (1, "Euclidean distance rounded to the nearest integer (CVRPLIB, EUC_2D nint)"),
    "dimacs": (10, "Euclidean distance and time truncated to one decimal (DIMACS/Solomon)"),
}


def euclidean(coords: np.ndarray, convention: Convention) -> np.ndarray:
    """Pairwise Euclidean distances rounded under ``convention``."""
    xy = np.asarray(coords, dtype=float)
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    if convention == "cvrplib":
        return np.floor(d + 0.5)
    return np.floor(d * 10.0 + 1e-9) / 10.0


def _read(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"VRPLIB instance not found: {path}")
    try:
        return dict(vrplib.read_instance(str(path), compute_edge_weights=False))
    except Exception as exc:  # vrplib raises bare ValueError/IndexError on bad files
        raise InputError(str(path), type(exc).__name__ + f": {exc}",
                         "a readable VRPLIB instance") from exc


def _array(path: Path, inst: dict[str, Any], key: str, section: str, *, ndim: int | None,
           rows: int | None = None, infinite: bool = False, signed: bool = False
           ) -> np.ndarray:
    """``inst[key]`` as a float array of numbers (non-negative unless ``signed``, finite
    unless ``infinite``), or an InputError naming the file and the section."""
    if key not in inst:
        raise InputError(str(path), f"no {section}", f"a VRPLIB instance with a {section}")
    expected = (f"{rows} rows, one per node, of " if rows is not None else "") + \
        ("non-negative numbers" if infinite else
         "finite numbers" if signed else "finite non-negative numbers")
    try:
        arr = np.asarray(inst[key], dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path} {section}", "rows of different lengths or text",
                         expected) from exc
    if ((ndim is not None and arr.ndim != ndim) or (rows is not None and arr.shape[0] != rows)
            or np.isnan(arr).any() or (not signed and (arr < 0).any())
            or (not infinite and not np.isfinite(arr).all())):
        bad = arr[~np.isfinite(arr) | ((arr < 0) & (not signed))] if arr.size else arr
        shown = f"{bad.reshape(-1)[0]!r}" if bad.size else f"shape {arr.shape}"
        raise InputError(f"{path} {section}", shown, expected)
    return arr


def read_vrplib(path: Path, *, convention: Convention, name: str | None = None,
                num_vehicles: int | None = None) -> RoutingProblem:
    """Read a VRPLIB CVRP or VRPTW instance.

    Parameters
    ----------
    path
        The ``.vrp`` file.
    convention
        ``"cvrplib"`` or ``"dimacs"`` (see the module docstring).
    name
        Problem name (default: the file's stem).
    num_vehicles
        Fleet size; default the file's ``VEHICLES`` or, when absent, one per client.

    Returns
    -------
    RoutingProblem
        One depot, one vehicle type with cost 1 per distance unit, travel time equal to
        distance, and the instance's demands, service times and time windows.
    """
    if convention not in _CONVENTIONS:
        raise InputError("convention", convention, f"one of {sorted(_CONVENTIONS)}")
    inst = _read(path)
    if "node_coord" not in inst:
        raise InputError(str(path), "no NODE_COORD_SECTION",
                         "an instance with coordinates (EUC_2D)")
    scale, text = _CONVENTIONS[convention]
    coords = _array(path, inst, "node_coord", "NODE_COORD_SECTION", ndim=2, signed=True)
    n = coords.shape[0]
    if n < 2 or coords.shape[1] != 2:
        raise InputError(f"{path} NODE_COORD_SECTION", f"shape {coords.shape}",
                         "a depot and at least one client, each with x and y")
    dist = euclidean(coords, convention)
    try:
        depots = [int(d) for d in np.atleast_1d(inst.get("depot", [0]))]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path} DEPOT_SECTION", inst.get("depot"), "node numbers") from exc
    if depots != [0]:
        raise InputError(f"{path} DEPOT_SECTION", depots, "a single depot, node 1")
    ids = [str(k) for k in range(n)]
    model = RoutingModel(ids, dist, dist, scale=scale, name=name or Path(path).stem,
                         convention=text)
    model.add_depot("0")
    tw = (_array(path, inst, "time_window", "TIME_WINDOW_SECTION", ndim=2, rows=n,
                 infinite=True) if "time_window" in inst else np.array([[0, np.inf]] * n))
    service = np.zeros(n)
    if "service_time" in inst:
        raw = _array(path, inst, "service_time", "SERVICE_TIME_SECTION", ndim=None)
        if raw.size not in (1, n):
            raise InputError(f"{path} SERVICE_TIME_SECTION", f"{raw.size} values",
                             f"one value or {n}, one per node")
        service = np.broadcast_to(raw.reshape(-1), (n,)).copy()
    service[0] = 0.0
    demand = _array(path, inst, "demand", "DEMAND_SECTION", ndim=1, rows=n)
    capacity = _array(path, inst, "capacity", "CAPACITY", ndim=None)
    if capacity.size != 1 or not capacity.reshape(-1)[0] > 0:
        raise InputError(f"{path} CAPACITY", inst.get("capacity"), "one number > 0")
    try:
        count = num_vehicles or int(inst.get("vehicles", n - 1))
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path} VEHICLES", inst.get("vehicles"), "an integer") from exc
    try:
        model.add_vehicle_type("vehicle", depot="0", count=count,
                               capacity=[float(capacity.reshape(-1)[0])],
                               shift_start=float(tw[0, 0]), shift_end=float(tw[0, 1]))
        for k in range(1, n):
            model.add_stop(ids[k], demand=[float(demand[k])], service=float(service[k]),
                           tw_start=float(tw[k, 0]), tw_end=float(tw[k, 1]))
        return model.data()
    except InputError as exc:
        raise InputError(f"{path}: {exc.field}", exc.value, exc.expected) from exc
    except InfeasibleError as exc:
        raise InfeasibleError(f"{path}: {exc}") from exc


def read_cvrp(path: Path, **kwargs: Any) -> RoutingProblem:
    """A CVRPLIB instance (rounded Euclidean integers); see :func:`read_vrplib`."""
    return read_vrplib(path, convention="cvrplib", **kwargs)


def read_vrptw(path: Path, **kwargs: Any) -> RoutingProblem:
    """A Solomon VRPTW instance (DIMACS: truncated to one decimal); see :func:`read_vrplib`."""
    return read_vrplib(path, convention="dimacs", **kwargs)


def solution_routes(result: RoutingResult) -> list[list[str]]:
    """Each route's stop and unload ids in order (the VRPLIB ``Route #k`` lines)."""
    return [[v.id for v in r.visits if v.kind in ("stop", "unload")] for r in result.routes]


def write_vrplib_solution(path: Path, result: RoutingResult, *,
                          cost: float | None = None) -> None:
    """Write ``result`` as a VRPLIB ``.sol`` file.

    Parameters
    ----------
    path
        Output file.
    result
        The plan; each route gives one ``Route #k:`` line of its visit ids (stop numbers,
        and unload-site ids where the plan unloads).
    cost
        The ``Cost`` line (default: the result's cost; integers are written without a
        decimal point).
    """
    value = result.cost if cost is None else cost
    text = "\n".join(f"Route #{k}: {' '.join(route)}"
                     for k, route in enumerate(solution_routes(result), start=1))
    shown = str(round(value)) if abs(value - round(value)) < 1e-6 else f"{value:.4f}"
    Path(path).write_text(f"{text}\nCost {shown}\n", encoding="utf-8")
