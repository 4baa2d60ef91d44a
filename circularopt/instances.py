"""The Kyrgyz instance library: scenarios with their travel matrices and best-known plans.

An instance is a folder holding

``scenario.json``
    the scenario (:class:`~circularopt.scenario.Scenario` JSON);
``matrices.json``
    how its travel matrices are made. The library uses the offline approximation
    (:func:`~circularopt.matrices.approximate_matrices`), which is computed exactly
    from the positions, so the matrices themselves (up to 5,000 x 5,000 x 2 numbers) are
    not stored; a road-network instance would store ``matrices.npz`` instead;
``best.plan.json``
    optional: the best-known plan (:class:`~circularopt.plan.Plan`).

:func:`load_instance` reads one; :func:`save_instance` writes one.
"""

from __future__ import annotations

import csv
import inspect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circularopt.exceptions import InputError
from circularopt.matrices import (
    TravelMatrices,
    approximate_matrices,
    load_matrices,
)
from circularopt.routing.curbside import curbside_locations, plan_matrices, scenario_runs
from circularopt.scenario import Scenario

__all__ = ["Instance", "load_instance", "read_bks", "save_instance"]

APPROXIMATION_PARAMETERS = ("circuity", "speed_kmh", "urban_km", "rural_speed_kmh")
"""Parameters of the approximation recorded in ``matrices.json``."""

APPROXIMATION = "offline-approximation"
"""``matrices.json`` method name of :func:`circularopt.matrices.approximate_matrices`."""


@dataclass(frozen=True)
class Instance:
    """A scenario with its travel matrices.

    Parameters
    ----------
    name
        Folder name.
    scenario
        The scenario.
    matrices
        Its travel matrices.
    folder
        Where it was read from.
    """

    name: str
    scenario: Scenario
    matrices: TravelMatrices
    folder: Path

    @property
    def best_plan_path(self) -> Path:
        """Path of the best-known plan (it may not exist)."""
        return self.folder / "best.plan.json"


def load_instance(path: str | Path) -> Instance:
    """Read an instance folder, or a bare scenario JSON (offline approximation).

    Parameters
    ----------
    path
        Instance folder (with ``scenario.json``) or a scenario JSON file. A bare scenario
        gets the matrices :func:`~circularopt.routing.curbside.plan_matrices` gives it without
        a network: the corridor approximation when it was generated from a city spec with
        road corridors, as ``circularopt solve`` used, else great circle x circuity.
    """
    path = Path(path)
    if path.is_file():
        scenario = Scenario.from_json(path)
        matrices = plan_matrices(scenario, scenario_runs(scenario))
        return Instance(path.stem, scenario, matrices, path.parent)
    if not (path / "scenario.json").is_file():
        raise InputError("instance", str(path),
                         "an instance folder holding scenario.json, or a scenario JSON file")
    scenario = Scenario.from_json(path / "scenario.json")
    spec: dict[str, Any] = {"method": APPROXIMATION}
    if (path / "matrices.json").is_file():
        try:
            spec = json.loads((path / "matrices.json").read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path / 'matrices.json'}, line {exc.lineno}", exc.msg,
                             "valid JSON") from exc
    method = spec.get("method")
    if method == APPROXIMATION:
        params = {k: float(spec[k]) for k in APPROXIMATION_PARAMETERS if k in spec}
        matrices = approximate_matrices(_locations(scenario), **params)
    elif method == "file":
        matrices = load_matrices(path / str(spec.get("file", "matrices.npz")))
    else:
        raise InputError(f"{path / 'matrices.json'}: method", method,
                         f"{APPROXIMATION!r} or 'file'")
    return Instance(path.name, scenario, matrices, path)


def _locations(scenario: Scenario) -> list[tuple[str, float, float]]:
    """The matrices' rows: with curbside streets, their zones and runs' ends too."""
    if not scenario.streets:
        return list(scenario.locations())
    return curbside_locations(scenario, scenario_runs(scenario))


def save_instance(scenario: Scenario, folder: str | Path) -> Path:
    """Write ``scenario`` as an instance folder using the offline approximation.

    Parameters
    ----------
    scenario
        The scenario.
    folder
        Folder to create (or overwrite the instance files in).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    scenario.to_json(folder / "scenario.json")
    defaults = inspect.signature(approximate_matrices).parameters
    spec: dict[str, Any] = {"method": APPROXIMATION, "approximate": True,
                            **{k: defaults[k].default for k in APPROXIMATION_PARAMETERS},
                            "note": "circularopt.matrices.approximate_matrices with these "
                                    "parameters, recomputed from the positions by "
                                    "circularopt.instances.load_instance"}
    (folder / "matrices.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return folder


def read_bks(folder: str | Path) -> dict[str, float]:
    """Best-known annual costs by instance name from ``BKS.csv`` in ``folder``."""
    path = Path(folder) / "BKS.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row["instance"]: float(row["annual_cost"]) for row in csv.DictReader(fh)}
