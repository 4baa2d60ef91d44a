"""Size of the web map's curbside streets for a city's SYNTHETIC streets.

Builds the ``streets`` layer of the city's scenario with ``--streets`` (no routes: every
street unserved, one group; grouping by route splits the same lines, so the size is
about the same) and the map data's ``streets`` entry from it, and prints the street count,
the compact JSON's size (raw and gzipped) and the CPU seconds of layer and grouping.

::

    CIRCULAROPT_DATA=/work/shared PYTHONPATH=. python benchmarks/bench_map_streets.py bishkek
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
import types

import geopandas as gpd

from circularopt.outputs.curbside import street_layer
from circularopt.pipeline import load_scenario
from circularopt.web.mapview import street_groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("city", nargs="?", default="bishkek")
    parser.add_argument("--size", type=int, default=20)
    args = parser.parse_args()
    scenario = load_scenario(args.city, size=args.size, streets=True)
    start = time.process_time()
    layer = street_layer(types.SimpleNamespace(scenario=scenario), [], [], "EPSG:4326")
    routes = gpd.GeoDataFrame({"route": []}, geometry=[], crs="EPSG:4326")
    data = street_groups({"streets": layer, "routes": routes})
    cpu = time.process_time() - start
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    print(f"{len(scenario.streets)} streets: {len(raw) / 1e6:.2f} MB JSON, "
          f"{len(gzip.compress(raw)) / 1e6:.3f} MB gzipped, {cpu:.2f} CPU s")


if __name__ == "__main__":
    main()
