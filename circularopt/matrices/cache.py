"""Matrices on disk: ``.npz`` files and the road-matrix cache keyed by their inputs."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from circularopt.matrices.travel import TravelMatrices

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork

__all__ = ["cache_file", "hierarchy_file", "load_matrices", "save_matrices", "store"]

_CACHE_VERSION = "1"
_HIERARCHY_VERSION = "1"


def save_matrices(matrices: TravelMatrices, path: str | Path) -> None:
    """Write matrices to a ``.npz`` file (ids, durations, distances, flags, source)."""
    np.savez_compressed(Path(path), ids=np.array(matrices.ids, dtype=str),
                        duration_s=matrices.duration_s, distance_m=matrices.distance_m,
                        approximate=np.array(matrices.approximate),
                        source=np.array(matrices.source))


def load_matrices(path: str | Path) -> TravelMatrices:
    """Read matrices written by :func:`save_matrices`."""
    with np.load(Path(path), allow_pickle=False) as data:
        return TravelMatrices(tuple(str(i) for i in data["ids"]), data["duration_s"],
                              data["distance_m"], bool(data["approximate"]),
                              str(data["source"]))


def cache_file(network: RoadNetwork, ids: tuple[str, ...], lat: np.ndarray, lon: np.ndarray,
               max_snap_m: float, cache_dir: str | Path | None = None) -> Path:
    """The cache file of road matrices over these points on this network.

    Parameters
    ----------
    network
        The road network (its :attr:`~circularopt.network.RoadNetwork.fingerprint` is
        part of the key).
    ids, lat, lon
        The points, in order.
    max_snap_m
        The snapping limit.
    cache_dir
        Cache folder (default: ``matrices/`` in :func:`circularopt.config.cache_dir`).

    Returns
    -------
    Path
        ``<folder>/<key>.npz``; it may not exist yet.
    """
    from circularopt.config import cache_dir as default_cache_dir

    h = hashlib.sha256(f"{_CACHE_VERSION}|{network.fingerprint}|{max_snap_m!r}|".encode())
    h.update("\x1f".join(ids).encode())
    h.update(lat.tobytes())
    h.update(lon.tobytes())
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir() / "matrices"
    return folder / f"{h.hexdigest()[:32]}.npz"


def hierarchy_file(fingerprint: str, variant: str = "",
                   cache_dir: str | Path | None = None) -> Path:
    """The cache file of a contraction hierarchy (:mod:`circularopt.matrices.ch`).

    Parameters
    ----------
    fingerprint
        The network's :attr:`~circularopt.network.RoadNetwork.fingerprint`.
    variant
        Anything else the graph depends on (e.g. turn restrictions and penalty).
    cache_dir
        Cache folder (default: ``matrices/`` in :func:`circularopt.config.cache_dir`);
        the file goes to its ``hierarchies/`` subfolder.
    """
    from circularopt.config import cache_dir as default_cache_dir

    h = hashlib.sha256(f"{_HIERARCHY_VERSION}|{fingerprint}|{variant}".encode())
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir() / "matrices"
    return folder / "hierarchies" / f"ch-{h.hexdigest()[:32]}.npz"


def store(matrices: TravelMatrices, file: Path) -> None:
    """Write ``matrices`` to ``file`` whole (through a temporary file and a rename)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.stem + f".{os.getpid()}.tmp.npz")
    save_matrices(matrices, tmp)
    tmp.replace(file)
