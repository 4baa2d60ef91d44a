"""A stored plan's map layers as PostGIS geometry, for a department's GIS.

:func:`plan_features` turns :func:`circularopt.outputs.plan_layers` into rows of
:data:`~circularopt.web.storage.PLAN_POINTS` and
:data:`~circularopt.web.storage.PLAN_LINES` (layer, feature id, the layer's other columns
as JSON, WKT geometry); :func:`store_features` replaces a run's rows with them. Only a
database with PostGIS has the tables (:attr:`Database.postgis`); in QGIS, add the tables
as PostGIS layers and filter on ``run_id`` (and ``layer``).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection

from circularopt.plan import Plan
from circularopt.web.storage import PLAN_LINES, PLAN_POINTS

__all__ = ["plan_features", "store_features"]

_ID_COLUMNS = ("id", "route", "street")


def _rows(layer: str, gdf: Any) -> list[dict[str, Any]]:
    props = json.loads(gdf.drop(columns=gdf.geometry.name).to_json(
        orient="records", force_ascii=False, date_format="iso"))
    key = next((c for c in _ID_COLUMNS if c in gdf.columns), None)
    rows = []
    for k, (geom, prop) in enumerate(zip(gdf.geometry, props, strict=True)):
        if geom is None or geom.is_empty:
            continue
        feature = (str(prop[key]) if key is not None  # flows: "<from>><to>"
                   else f"{prop.get('from', '')}>{prop.get('to', k)}")
        rows.append({"layer": layer, "feature": feature[:200], "properties": prop,
                     "geom": geom.wkt, "type": geom.geom_type})
    return rows


def plan_features(plan: Plan) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The plan's point rows and line rows (``layer``, ``feature``, ``properties``,
    ``geom`` as WKT); geometry of other kinds (none today) is left out."""
    from circularopt.outputs import plan_layers

    points, lines = [], []
    for layer, gdf in plan_layers(plan).items():
        for row in _rows(layer, gdf):
            kind = row.pop("type")
            if kind == "Point":
                points.append(row)
            elif kind == "LineString":
                lines.append(row)
    return points, lines


def store_features(connection: Connection, run_id: int, plan: Plan) -> int:
    """Replace run ``run_id``'s features with ``plan``'s; return how many were written."""
    count = 0
    for table, rows in zip((PLAN_POINTS, PLAN_LINES), plan_features(plan), strict=True):
        connection.execute(delete(table).where(table.c.run_id == run_id))
        if rows:
            connection.execute(insert(table), [{"run_id": run_id, **r} for r in rows])
            count += len(rows)
    return count
