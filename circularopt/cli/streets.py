"""``circularopt streets``: curbside collection routes street by street on an OSM file.

The residential, unclassified and living streets inside the ``--zone`` circles (or the
``--zones`` polygons) become collection streets (OSM names kept); trucks of
``--capacity-t`` tonnes (or the types of ``--trucks``) serve them from ``--depot``,
unload at ``--unload`` and return empty, deadheading along the whole network with its
OSM turn restrictions and a U-turn penalty. Writes a route sheet per truck
(CSV + printable HTML, with clock times, the break of ``--break-min`` and the minutes past
the ``--shift-h`` shift), ``streets.gpkg`` and ``map.png``; prints a validation line.
Every route is kept within the shift, less the break if it lasts beyond
``--break-after-h`` (a shorter route takes no break), with more trucks where needed;
the sheets' minutes past the shift stay as a check and any truck back late is named.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.markup import escape

from circularopt.cli._common import console, existing_file
from circularopt.exceptions import InputError
from circularopt.i18n import tr

_SEP = ","


def _floats(text: str, option: str, n: int, expected: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(_SEP)]
    except ValueError:
        values = []
    if len(values) != n:
        raise InputError(option, text, expected)
    return values


def _polygon_zones(path: Path) -> list[Any]:
    """One zone per polygon feature of a GIS file (reprojected to WGS84)."""
    import geopandas as gpd

    from circularopt.routing.arcs.network_streets import StreetZone

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types; name the file
        raise InputError("--zones", str(path), f"a readable polygon layer ({exc})") from exc
    if gdf.crs is not None:
        gdf = gdf.to_crs("EPSG:4326")
    key = next((c for c in ("id", "name") if c in gdf.columns), None)
    zones = []
    for k, row in enumerate(gdf.itertuples(index=False), 1):
        geom = row.geometry
        if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(f"--zones {path.name}, feature {k}", getattr(geom, "geom_type",
                                                                        None),
                             "a Polygon or MultiPolygon")
        label = str(getattr(row, key)) if key is not None else f"area-{k}"
        zones.append(StreetZone(label, polygon=geom))
    return zones


_TRUCKS = ("NAME:CAPACITY_T:COUNT[:FIXED_M[:PER_M]],... "
           "(e.g. small:4:3,big:8:2:2000:1.2)")


def _trucks(text: str) -> list[Any]:
    """``--trucks``: vehicle types as ``name:capacity_t:count[:fixed_m[:per_m]]``, comma
    separated (fixed cost in metres of driving, the routes' cost unit, default 0; cost
    per metre driven, default 1)."""
    from circularopt.routing.arcs import ArcVehicleType

    out = []
    for item in text.split(_SEP):
        parts = item.strip().split(":")
        try:
            if len(parts) not in (3, 4, 5):
                raise ValueError(item)
            extra = [float(x) for x in parts[3:]] + [0.0, 1.0][len(parts) - 3:]
            out.append(ArcVehicleType(parts[0], float(parts[1]), int(parts[2]), *extra))
        except ValueError:
            raise InputError("--trucks", item, _TRUCKS) from None
    return out


def _shift_seconds(options: Any) -> float:
    """Seconds of the shift (``SheetOptions``), checked to be longer than the break."""
    if options.shift_h * 60.0 <= options.break_min:
        raise InputError("--break-min", options.break_min,
                         f"fewer minutes than the {options.shift_h:g}-hour shift")
    return float(options.shift_h * 3600.0)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``streets`` subcommand."""
    p = sub.add_parser("streets", help="curbside collection: route trucks street by street "
                                       "on an OSM file")
    p.add_argument("--network", type=Path, required=True,
                   help="OSM road network file (.osm, .osm.bz2, .osm.pbf)")
    p.add_argument("--zone", action="append", default=[], metavar="LAT,LON,RADIUS_M",
                   help="a private-house zone (repeat for several)")
    p.add_argument("--zones", type=Path, metavar="FILE",
                   help="private-house zones as polygons (GeoJSON, GeoPackage, Shapefile; "
                        "ids from an 'id' or 'name' field)")
    p.add_argument("--depot", required=True, metavar="LAT,LON", help="truck depot")
    p.add_argument("--unload", required=True, metavar="LAT,LON",
                   help="where trucks unload (sorting complex or landfill)")
    fleet = p.add_mutually_exclusive_group(required=True)
    fleet.add_argument("--capacity-t", type=float, help="truck capacity, tonnes")
    fleet.add_argument("--trucks", metavar="NAME:CAPACITY_T:COUNT[:FIXED_M[:PER_M]],...",
                       help="truck types: name, capacity in tonnes, how many, the fixed "
                            "cost of using one in metres of driving (default 0) and its cost "
                            "per metre driven (default 1), e.g. small:4:3,big:8:2:2000:1.2")
    p.add_argument("--city", default="bishkek",
                   help="city spec whose [private_houses] figures model the demand "
                        "(default bishkek)")
    p.add_argument("--engine", choices=["pyvrp", "ortools"], default="pyvrp")
    p.add_argument("--time-limit", type=float, default=30.0,
                   help="seconds of search (default 30)")
    p.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                   help="clock of --time-limit (default wall)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--u-turn-m", type=float, default=None,
                   help="U-turn penalty in metres of driving (default 250, about 60 s; "
                        "0 allows U-turns freely)")
    p.add_argument("--speed-kmh", type=float, default=15.0,
                   help="assumed truck speed along streets, for the shift and the "
                        "sheet's times (15)")
    p.add_argument("--start", default="09:00", help="shift start HH:MM (default 09:00)")
    p.add_argument("--unload-min", type=float, default=20.0,
                   help="minutes per unloading stop (default 20)")
    p.add_argument("--shift-h", type=float, default=12.0,
                   help="shift length in hours (default 12: 09:00-21:00); every route "
                        "is kept within it (less the break if one is due), using more "
                        "trucks if needed")
    p.add_argument("--break-min", type=float, default=0.0,
                   help="a break of this many minutes on every route that lasts beyond "
                        "--break-after-h (default 0: none)")
    p.add_argument("--break-after-h", type=float, default=4.0,
                   help="hours after the shift start from which the break is taken, "
                        "between two streets (default 4)")
    p.add_argument("--no-simplify", action="store_true",
                   help="keep every OSM node (a street per OSM segment); by default chains "
                        "of degree-two nodes are merged into one street")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.set_defaults(func=_streets)


def _streets(args: argparse.Namespace) -> int:
    from circularopt.cities import load_spec
    from circularopt.network import turn_graph_for
    from circularopt.outputs.streets import (
        SheetOptions,
        shift_overruns,
        street_sheets,
        write_street_outputs,
    )
    from circularopt.routing.arcs import solve_arcs, validate_arc_routes
    from circularopt.routing.arcs.network_streets import (
        DEFAULT_U_TURN_M,
        StreetDemand,
        StreetZone,
        network_problem,
        osm_edge_tags,
        streets_from_network,
    )

    path = existing_file(str(args.network), option="--network")
    zones = [StreetZone(f"zone-{k}", *_floats(z, "--zone", 3, "LAT,LON,RADIUS_M"))
             for k, z in enumerate(args.zone, 1)]
    if args.zones is not None:
        zones += _polygon_zones(existing_file(str(args.zones), option="--zones"))
    if not zones:
        raise InputError("--zone/--zones", None,
                         "at least one private-house zone (LAT,LON,RADIUS_M or a polygon file)")
    depot = _floats(args.depot, "--depot", 2, "LAT,LON")
    unload = _floats(args.unload, "--unload", 2, "LAT,LON")
    options = SheetOptions(speed_kmh=args.speed_kmh, start=args.start,
                           unload_min=args.unload_min, shift_h=args.shift_h,
                           break_min=args.break_min, break_after_h=args.break_after_h)
    demand = StreetDemand.of_city(load_spec(args.city))
    trucks = [] if args.trucks is None else _trucks(args.trucks)
    from circularopt.network import load_network

    console.print(tr("loading road network {path} ...", path=escape(str(path))))
    net = load_network(path, simplify=not args.no_simplify)
    tags = osm_edge_tags(net, path)
    streets = streets_from_network(net, zones, demand, tags=tags)
    turns = turn_graph_for(net, path)
    u_turn_m = DEFAULT_U_TURN_M if args.u_turn_m is None else args.u_turn_m
    sp = network_problem(net, streets, depot=(depot[0], depot[1]),
                         unload=(unload[0], unload[1]), capacity_t=args.capacity_t,
                         vehicle_types=trucks,
                         tags=tags, turns=turns, u_turn_m=u_turn_m,
                         shift_s=_shift_seconds(options), speed_kmh=options.speed_kmh,
                         unload_min=options.unload_min, break_min=options.break_min,
                         break_after_h=options.break_after_h)
    console.print(tr("{n} collection streets in {z} zones ({km:.2f} km, {t:.2f} t/day, "
                     "modelled); {r} turn restrictions, U-turn {u:g} m",
                     n=len(streets), z=len(zones), km=sum(s.km for s in streets),
                     t=sum(s.total_tonnes_per_day for s in streets),
                     r=len(turns.banned) + len(turns.only), u=u_turn_m), markup=False)
    solution = solve_arcs(sp.problem, engine=args.engine, time_limit=args.time_limit,
                          seed=args.seed, clock=args.clock)
    report = validate_arc_routes(sp.problem, solution)
    notes = [tr("Streets: OpenStreetMap (ODbL) file {file}. Demand: {src}.",
                file=path.name, src=demand.source)]
    files = write_street_outputs(sp, solution, report, args.out, options=options,
                                 notes=notes)
    summary = {"network": str(path), "zones": args.zone, "depot": depot, "unload": unload,
               "capacity_t": args.capacity_t,
               "trucks_by_type": _by_type(sp.problem, solution), "engine": args.engine,
               "seed": args.seed,
               "time_limit": args.time_limit, "clock": args.clock, "u_turn_m": u_turn_m,
               "streets": len(streets), "valid": report.ok, "cost_m": report.cost,
               "fixed_cost_m": report.fixed_cost,
               "deadhead_m": report.deadhead, "u_turns": report.u_turns,
               "trucks": report.vehicles, "violations": list(report.violations),
               "shift_limit_s": sp.problem.route_limit,
               "longest_route_min": round(report.longest_route_s / 60, 1),
               "shift": {"start": options.start, "hours": options.shift_h,
                         "break_min": options.break_min,
                         "break_after_h": options.break_after_h,
                         "over": shift_overruns(street_sheets(sp, solution, options))},
               "routes": solution.as_pairs(sp.problem)}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    console.print(report.summary(), markup=False)
    for over in summary["shift"]["over"]:
        console.print(tr("[yellow]warning:[/] truck {truck} is back at the depot at {back}, "
                         "{m} min after the {h:g}-hour shift (see its route sheet)",
                         truck=over["truck"], back=over["back"],
                         m=over["over_min"], h=options.shift_h))
    if trucks:
        console.print(tr("trucks by type: {types}", types=", ".join(
            f"{k} {n}" for k, n in summary["trucks_by_type"].items())), markup=False)
    console.print(tr("wrote {n} files to {out}", n=len(files) + 1, out=str(args.out)),
                  markup=False)
    return 0 if report.ok else 1


def _by_type(problem: Any, solution: Any) -> dict[str, int]:
    """Trucks used per vehicle type, in the order of the types."""
    used = [problem.vehicle_types[r.vehicle_type].name for r in solution.routes if r.served()]
    return {t.name: used.count(t.name) for t in problem.vehicle_types}
