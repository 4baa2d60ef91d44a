"""Street tiles behind the HTML report's map and the web app's map, loaded by the browser
when it is online: one provider for both.

The web app's canvas map (``circularopt/web/static/map.js``) draws :data:`TILE_URL`
tiles under the plan when its "Street tiles" box is on, and its content security policy
allows :data:`TILE_ORIGIN`. The report stays one self-contained file: it carries only
the tiles' addresses, as plotly layout images on the map's longitude/latitude axes. A
browser that is online draws the streets under the plan's layers; offline the images
fail to load and the map keeps its plain background. Nothing is downloaded when the
report is written.

The tiles are CARTO's "Positron" (``light_all``) raster tiles of OpenStreetMap data: a
light style under which the plan's colours stay readable, and a server that accepts
pages opened from a local file (OpenStreetMap's own tile servers may refuse requests
without an HTTP ``Referer``, which a local file cannot send, and their usage policy does
not cover backing an application). The attribution is shown on both maps. CARTO's free
basemaps are meant for light, non-commercial use with attribution. Caveats (report):
the tiles are chosen for the whole plan at one zoom level, so they blur when one zooms
far in; Web Mercator tiles are stretched onto the map's equal-scale degree axes, which
is exact at the tile edges and off by under 0.5 % of a tile inside (city extents).

The tile numbers follow the OpenStreetMap wiki's "Slippy map tilenames" formulas; they
are four lines, so they are written here rather than taken from a dependency.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["TILE_ATTRIBUTION", "TILE_ORIGIN", "TILE_URL", "tile_bounds", "tile_images",
           "tile_xy", "tile_zoom"]

TILE_URL = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png"
"""Address template of the street tiles (``{s}`` is one of ``a``-``d``)."""

TILE_ORIGIN = "https://*.basemaps.cartocdn.com"
"""Where the tiles come from, for the report's content security policy."""

TILE_ATTRIBUTION = "Street tiles (when online): © OpenStreetMap contributors, © CARTO"
"""Credit line shown on the map (required by the tiles' terms of use)."""

_MAX_LAT = 85.0511287798


def tile_xy(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Fractional Web Mercator tile coordinates of a point at ``zoom``."""
    n = 2.0 ** zoom
    lat_r = math.radians(max(-_MAX_LAT, min(_MAX_LAT, lat)))
    return ((lon + 180.0) / 360.0 * n,
            (1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)


def tile_bounds(x: int, y: int, zoom: int) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` in degrees of tile ``x``, ``y`` at ``zoom``."""
    n = 2.0 ** zoom

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def tile_zoom(width_deg: float, *, across: int = 6) -> int:
    """The zoom level at which ``width_deg`` of longitude spans about ``across`` tiles
    (0-18)."""
    if width_deg <= 0:
        return 18
    return max(0, min(18, round(math.log2(360.0 * across / width_deg))))


def tile_images(west: float, south: float, east: float, north: float, *,
                max_tiles: int = 100) -> list[dict[str, Any]]:
    """Plotly layout images that cover a box with street tiles, below the data.

    The box is widened to a square on the ground (plus a margin) around its centre, so
    the tiles also fill the map when plotly pads the axes for equal scale. The zoom is
    lowered until at most ``max_tiles`` tiles cover it.
    """
    lat0 = (south + north) / 2.0
    cos0 = max(math.cos(math.radians(lat0)), 0.05)
    half = 0.7 * max(east - west, (north - south) / cos0, 1e-3)  # degrees of longitude
    cx = (west + east) / 2.0
    box = (cx - half, lat0 - half * cos0, cx + half, lat0 + half * cos0)
    zoom = tile_zoom(2.0 * half)
    while True:
        x0, y0 = (math.floor(v) for v in tile_xy(box[0], box[3], zoom))
        x1, y1 = (math.floor(v) for v in tile_xy(box[2], box[1], zoom))
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= max_tiles or zoom == 0:
            break
        zoom -= 1
    return [_image(x, y, zoom) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def _image(x: int, y: int, zoom: int) -> dict[str, Any]:
    w, s, e, n = tile_bounds(x, y, zoom)
    url = TILE_URL.format(s="abcd"[(x + y) % 4], z=zoom, x=x, y=y)
    return {"source": url, "xref": "x", "yref": "y", "x": w, "y": n, "sizex": e - w,
            "sizey": n - s, "xanchor": "left", "yanchor": "top", "sizing": "stretch",
            "layer": "below", "opacity": 0.9}
