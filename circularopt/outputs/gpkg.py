"""The GeoPackage of a plan, for QGIS: one layer per kind of object (EPSG:4326)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd

from circularopt.outputs.layers import LAYERS

__all__ = ["write_gpkg"]


def write_gpkg(layers: Mapping[str, gpd.GeoDataFrame], path: str | Path) -> Path:
    """Write the layers of :data:`~circularopt.outputs.layers.LAYERS` to a GeoPackage.

    Parameters
    ----------
    layers
        A plan's :func:`~circularopt.outputs.layers.plan_layers`.
    path
        ``.gpkg`` file to write (with pyogrio).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    for name in [*LAYERS, *(k for k in layers if k not in LAYERS)]:
        gdf = layers[name]
        gdf.to_file(path, layer=name, driver="GPKG", engine="pyogrio",
                    geometry_type=gdf.attrs.get("geometry_type"))
    return path
