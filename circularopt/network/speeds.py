"""Free-flow speeds by road class: the Kyrgyz defaults and their overrides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from circularopt._validate import choice, number

__all__ = ["SPEEDS_RURAL_KMH", "SPEEDS_URBAN_KMH", "Setting", "speed_table"]

Setting = Literal["urban", "rural"]

SPEEDS_URBAN_KMH: Mapping[str, float] = {
    "motorway": 60.0, "motorway_link": 50.0,
    "trunk": 60.0, "trunk_link": 50.0,
    "primary": 60.0, "primary_link": 50.0,
    "secondary": 60.0, "secondary_link": 50.0,
    "tertiary": 50.0, "tertiary_link": 40.0,
    "unclassified": 40.0, "residential": 40.0, "road": 40.0, "busway": 40.0,
    "living_street": 20.0, "service": 20.0,
}
"""Free-flow speeds (km/h) by OSM ``highway`` class inside towns (setting ``"urban"``).

The Kyrgyz traffic rules limit speed in built-up areas to 60 km/h (20 km/h in residential
zones); main roads get that limit, minor streets less to reflect junctions, parked cars
and poor surfaces. These are car-like free-flow speeds without congestion: loaded
collection trucks at rush hour are slower; pass ``speeds_kmh`` to override.
"""

SPEEDS_RURAL_KMH: Mapping[str, float] = {
    "motorway": 90.0, "motorway_link": 60.0,
    "trunk": 90.0, "trunk_link": 60.0,
    "primary": 90.0, "primary_link": 60.0,
    "secondary": 80.0, "secondary_link": 60.0,
    "tertiary": 70.0, "tertiary_link": 50.0,
    "unclassified": 60.0, "road": 50.0, "busway": 50.0,
    "residential": 40.0, "living_street": 20.0, "service": 20.0,
}
"""Free-flow speeds (km/h) by OSM ``highway`` class between towns (setting ``"rural"``).

The Kyrgyz rules allow 90 km/h outside built-up areas; main roads get that limit, lesser
roads less (mountain and village roads). Village streets keep urban speeds. Same caveats
as :data:`SPEEDS_URBAN_KMH`.
"""

_FALLBACK_KMH = {"urban": 40.0, "rural": 60.0}
_KG_IMPLICIT_MAXSPEED = {"KG:urban": "60", "KG:rural": "90", "KG:living_street": "20"}
_MIN_SPEED_KMH = 5.0


def speed_table(setting: Setting = "urban",
                speeds_kmh: Mapping[str, float] | None = None) -> dict[str, float]:
    """Speeds by road class: a default table updated with ``speeds_kmh``.

    Parameters
    ----------
    setting
        ``"urban"`` (:data:`SPEEDS_URBAN_KMH`) or ``"rural"`` (:data:`SPEEDS_RURAL_KMH`).
    speeds_kmh
        Overrides per OSM ``highway`` value, km/h (each > 0).

    Returns
    -------
    dict
        ``highway`` class -> km/h. Classes missing from the table get the setting's
        fallback (40 km/h urban, 60 km/h rural).
    """
    choice("setting", setting, _FALLBACK_KMH)
    table = dict(SPEEDS_URBAN_KMH if setting == "urban" else SPEEDS_RURAL_KMH)
    for key, value in (speeds_kmh or {}).items():
        table[str(key)] = number(f"speeds_kmh[{key!r}]", value, lo=0.0, lo_open=True)
    return table

