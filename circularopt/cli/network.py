"""``circularopt network``: load a road network file, summarise it, build a matrix."""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

from rich.table import Table

from circularopt.cli._common import (
    add_road_fields_option,
    add_turns_option,
    console,
    existing_file,
    turn_graph_for_args,
)
from circularopt.exceptions import InputError
from circularopt.matrices import TravelMatrices, road_matrices, save_matrices, turn_matrices
from circularopt.matrices.road import BACKENDS
from circularopt.matrices.turns import EXPANSIONS
from circularopt.network import DEFAULT_MAX_SNAP_M, load_network


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``network`` subcommand."""
    p = sub.add_parser("network", help="load a road network file; snap points, write a matrix")
    p.add_argument("file", help="road network: .osm, .osm.bz2, .osm.pbf, .graphml or a GIS "
                                "line layer .gpkg, .shp, .geojson")
    p.add_argument("--points", help="CSV with columns id,lat,lon to snap and connect")
    p.add_argument("--out", type=Path,
                   help="matrix file: .npz (arrays) or .csv (from,to,duration_s,distance_m)")
    p.add_argument("--max-snap-m", type=float, default=DEFAULT_MAX_SNAP_M,
                   help=f"refuse points farther from a road (default {DEFAULT_MAX_SNAP_M:g} m)")
    p.add_argument("--setting", choices=["urban", "rural"], default="urban",
                   help="default speed table (default urban: 60 km/h main roads)")
    p.add_argument("--network-type", choices=["drive", "drive_service"], default="drive",
                   help="which OSM ways are drivable (default drive)")
    add_road_fields_option(p)
    add_turns_option(p)
    p.add_argument("--snap-m", type=float, default=2.0,
                   help="GIS layers: join line ends closer than this, metres (default 2)")
    p.add_argument("--workers", type=int, help="CPUs for the matrix (default: all)")
    p.add_argument("--backend", choices=BACKENDS,
                   help="shortest paths: ch (contraction hierarchy) or scipy (Dijkstra per "
                        "origin); same numbers (default ch; with turn restrictions and the "
                        "line graph, scipy)")
    p.add_argument("--turn-expansion", choices=EXPANSIONS,
                   help="--turns with restrictions: compact (default: restricted junctions "
                        "and those within a U-turn's round trip of them split; exact), "
                        "restricted (restricted junctions only; faster, a U-turn next to "
                        "one is not charged) or line (the line graph; exact, slow)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    p.set_defaults(func=_network)


def read_points(path: Path) -> list[tuple[str, float, float]]:
    """Read ``id,lat,lon`` rows; raise :class:`InputError` naming the bad row."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"id", "lat", "lon"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"{path.name} header", reader.fieldnames,
                             "columns id, lat and lon")
        points = []
        for row_no, row in enumerate(reader, start=2):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (TypeError, ValueError):
                raise InputError(f"{path.name}, row {row_no}, lat/lon",
                                 (row["lat"], row["lon"]), "numbers in degrees") from None
            if not (math.isfinite(lat) and math.isfinite(lon)):
                raise InputError(f"{path.name}, row {row_no}, lat/lon", (lat, lon),
                                 "finite degrees")
            points.append((row["id"], lat, lon))
    if not points:
        raise InputError(str(path), "no rows", "at least one point")
    return points


def write_matrix_csv(matrices: TravelMatrices, path: Path) -> None:
    """Write the matrix in long form: one ``from,to,duration_s,distance_m`` row per pair."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["from", "to", "duration_s", "distance_m"])
        for i, a in enumerate(matrices.ids):
            for j, b in enumerate(matrices.ids):
                writer.writerow([a, b, f"{matrices.duration_s[i, j]:.3f}",
                                 f"{matrices.distance_m[i, j]:.2f}"])


def _network(args: argparse.Namespace) -> int:
    if args.out is not None and args.out.suffix.lower() not in (".npz", ".csv"):
        raise InputError("--out", str(args.out), "a file name ending in .npz or .csv")
    net = load_network(existing_file(args.file, option="file"), setting=args.setting,
                       network_type=args.network_type, road_fields=args.road_fields,
                       snap_m=args.snap_m)
    table = Table("network", "value")
    for key, value in net.summary().items():
        table.add_row(key, f"{value:,}" if isinstance(value, int | float) else str(value))
    console.print(table)
    if args.points is None:
        if args.out is not None:
            raise InputError("--out", str(args.out), "to be given together with --points")
        return 0
    points = read_points(existing_file(args.points, option="--points"))
    if args.turns is not None:
        graph = turn_graph_for_args(net, Path(args.file), args.turns)
        matrices = turn_matrices(graph, points, max_snap_m=args.max_snap_m,
                                 backend=args.backend, workers=args.workers,
                                 expansion=args.turn_expansion)
    else:
        matrices = road_matrices(net, points, max_snap_m=args.max_snap_m,
                                 cache=not args.no_cache, workers=args.workers,
                                 backend=args.backend or BACKENDS[0])
    finite = matrices.duration_s[matrices.duration_s > 0]
    console.print(f"{len(points)} points snapped; matrix {len(points)}x{len(points)}; "
                  f"mean trip {finite.mean() / 60 if finite.size else 0:.1f} min")
    console.print(matrices.source)
    if args.out is not None:
        if args.out.suffix.lower() == ".npz":
            save_matrices(matrices, args.out)
        else:
            write_matrix_csv(matrices, args.out)
        console.print(f"wrote {args.out}")
    return 0
