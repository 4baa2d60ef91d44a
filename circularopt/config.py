"""Settings: where shared data, city specs and caches live.

Environment variables
---------------------
``CIRCULAROPT_DATA``
    Folder of shared data (benchmark instances, OSM extracts, Kyrgyz geodata). Defaults to
    ``../shared`` beside the project checkout when that folder exists.
``CIRCULAROPT_CITIES``
    Folder of city specs. Defaults to ``cities/`` in the project checkout.
``CIRCULAROPT_CACHE``
    Cache folder for downloaded networks and travel matrices. Defaults to
    ``~/.cache/circularopt``.
"""

from __future__ import annotations

import os
from pathlib import Path

from circularopt.exceptions import DataNotFoundError

__all__ = ["cache_dir", "cities_dir", "project_root", "shared_data_dir"]


def project_root() -> Path:
    """Return the folder that holds the package folder ``circularopt/``."""
    return Path(__file__).resolve().parent.parent


def shared_data_dir(*, required: bool = True) -> Path | None:
    """Return the shared data folder (``CIRCULAROPT_DATA`` or ``../shared``).

    Parameters
    ----------
    required
        If true, raise :class:`DataNotFoundError` when no folder is found; otherwise
        return ``None``.
    """
    env = os.environ.get("CIRCULAROPT_DATA")
    candidates = [Path(env)] if env else [project_root().parent / "shared"]
    for path in candidates:
        if path.is_dir():
            return path
    if required:
        raise DataNotFoundError(
            f"shared data folder not found (looked at {', '.join(map(str, candidates))}); "
            "set CIRCULAROPT_DATA to the folder that holds benchmarks/, osm/ and geo/"
        )
    return None


def cities_dir() -> Path:
    """Return the folder of city specs (``CIRCULAROPT_CITIES`` or ``cities/``)."""
    env = os.environ.get("CIRCULAROPT_CITIES")
    path = Path(env) if env else project_root() / "cities"
    if not path.is_dir():
        raise DataNotFoundError(
            f"city spec folder {path} not found; set CIRCULAROPT_CITIES or install "
            "circularopt from its source checkout (pip install -e .)"
        )
    return path


def cache_dir() -> Path:
    """Return (and create) the cache folder (``CIRCULAROPT_CACHE``)."""
    env = os.environ.get("CIRCULAROPT_CACHE")
    path = Path(env) if env else Path.home() / ".cache" / "circularopt"
    path.mkdir(parents=True, exist_ok=True)
    return path
