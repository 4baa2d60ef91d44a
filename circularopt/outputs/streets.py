"""Outputs of curbside (street) routing: route sheets, a GeoPackage and a PNG map.

A route sheet lists, per truck, the streets in the order served (OSM names where known),
the direction, the kilometres driven to reach each street and along it, the clock times
(arriving at a street and leaving it: the deadheading along the network and the street
at an assumed speed, plus the service minutes per household), the load on board, the
U-turns on the way (each paid with the penalty, as time too: the penalty's metres at the
assumed speed, as the solver and the validator charge it; forced at dead ends) and the unloading
trips. A break (``SheetOptions.break_min``) is taken between two visits once the truck
has worked ``break_after_h``; a route ending after the shift (``shift_h``) is reported
(:func:`shift_overruns`) and every row after the shift's end says by how much: a check
of the routes, which the arc solver keeps within the shift when the problem has one
(``circularopt streets`` sets it). Households and tonnes are *modelled* (households per
km of street), not counted: every sheet says so.
"""

from __future__ import annotations

import csv
import html
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circularopt._validate import number
from circularopt.i18n import tr
from circularopt.outputs.colours import route_style
from circularopt.routing.arcs.network_streets import StreetProblem
from circularopt.routing.arcs.result import ArcRoute, ArcSolution
from circularopt.routing.arcs.validate import ArcValidationReport

__all__ = ["SheetOptions", "shift_overruns", "street_layers", "street_sheets",
           "write_street_outputs"]

_COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


@dataclass(frozen=True, kw_only=True)
class SheetOptions:
    """Assumptions behind the clock times of a route sheet.

    Parameters
    ----------
    speed_kmh
        Truck speed along streets, driving and serving (assumed).
    start
        Shift start, ``HH:MM``.
    unload_min
        Minutes per unloading stop.
    shift_h
        Shift length, hours (default 12: collection 09:00-21:00, FACTS kant.kg).
    break_min, break_after_h
        A break of ``break_min`` minutes (0: none) taken between two visits once the
        truck has been out ``break_after_h`` hours.
    """

    speed_kmh: float = 15.0
    start: str = "09:00"
    unload_min: float = 20.0
    shift_h: float = 12.0
    break_min: float = 0.0
    break_after_h: float = 4.0

    def __post_init__(self) -> None:
        number("speed_kmh", self.speed_kmh, lo=0, lo_open=True)
        number("unload_min", self.unload_min, lo=0)
        number("shift_h", self.shift_h, lo=0, lo_open=True, hi=24)
        number("break_min", self.break_min, lo=0, hi=240)
        number("break_after_h", self.break_after_h, lo=0, hi=24)
        self.start_min  # noqa: B018 (validates the text)

    @property
    def end_min(self) -> float:
        """Shift end in minutes after midnight."""
        return self.start_min + self.shift_h * 60.0

    @property
    def start_min(self) -> float:
        """Shift start in minutes after midnight."""
        try:
            h, m = (int(x) for x in self.start.split(":"))
        except ValueError:
            h = m = -1
        if not (0 <= h < 24 and 0 <= m < 60):
            from circularopt.exceptions import InputError
            raise InputError("start", self.start, "a time HH:MM, e.g. 09:00")
        return h * 60.0 + m


def _clock(minutes: float) -> str:
    """``HH:MM`` of ``minutes`` after the first midnight; ``(+N)`` on the N-th day after."""
    days, m = divmod(round(minutes), 24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}" + (f" (+{days})" if days else "")


def _heading(a: tuple[float, float], b: tuple[float, float]) -> str:
    dy = b[0] - a[0]
    dx = (b[1] - a[1]) * math.cos(math.radians(a[0]))
    return _COMPASS[round(math.degrees(math.atan2(dx, dy)) % 360 / 45) % 8]


def _step_costs(sp: StreetProblem) -> dict[tuple[int, int], float]:
    out: dict[tuple[int, int], float] = {}
    for e in sp.problem.edges:
        for a, b in [(e.u, e.v)] + ([] if e.oneway else [(e.v, e.u)]):
            out[(a, b)] = min(out.get((a, b), math.inf), e.cost)
    return out


def _metres(steps: dict[tuple[int, int], float], nodes: Sequence[int]) -> float:
    return sum(steps[(a, b)] for a, b in itertools.pairwise(nodes))


def _u_turns(prev: int | None, nodes: Sequence[int]) -> tuple[int, int | None]:
    """U-turns driving through ``nodes`` after arriving from ``prev``; the new ``prev``."""
    count = 0
    for a, b in itertools.pairwise(nodes):
        count += prev == b
        prev = a
    return count, prev


def street_sheets(sp: StreetProblem, solution: ArcSolution,
                  options: SheetOptions | None = None) -> list[list[dict[str, Any]]]:
    """One route sheet per truck: a row per served street, unloading stop, break and the
    return to the depot, in order (times and shift: module docstring)."""
    opt = options or SheetOptions()
    steps = _step_costs(sp)
    return [_sheet(sp, steps, opt, truck, route)
            for truck, route in enumerate(solution.routes, 1)]


def _sheet(sp: StreetProblem, steps: dict[tuple[int, int], float], opt: SheetOptions,
           truck: int, route: ArcRoute) -> list[dict[str, Any]]:
    per_min = opt.speed_kmh * 1000 / 60  # metres per minute
    u_turn_min = sp.problem.u_turn_penalty / per_min  # as the solver charges it
    clock, load, rows = opt.start_min, 0.0, []
    kind = sp.problem.vehicle_types[route.vehicle_type].name
    rest_due = opt.start_min + opt.break_after_h * 60.0 if opt.break_min > 0 else math.inf
    prev: int | None = None
    for v in route.visits:
        if clock >= rest_due:
            rows.append(_break_row(truck, clock, opt, load))
            clock, rest_due = clock + opt.break_min, math.inf
        drive = _metres(steps, v.deadhead)
        serving = v.required is not None
        turns, prev = _u_turns(prev, (*v.deadhead, v.end) if serving else v.deadhead)
        prev = prev if serving else None  # trucks turn round inside the unload site
        arrive = clock + drive / per_min + turns * u_turn_min
        row: dict[str, Any] = {"truck": truck, "deadhead_km": round(drive / 1000, 3),
                               "arrive": _clock(arrive)}
        if v.required is None:
            load, clock = 0.0, arrive + opt.unload_min
            row.update(kind="unload", street=tr("unloading at the unload site"),
                       street_id="", direction="", households=0, serve_km=0.0)
        else:
            req = sp.problem.required[v.required]
            street = sp.streets[sp.problem.edges[req.edge].id]
            load += req.demand
            clock = arrive + req.serve_cost / per_min + (
                street.households * street.service_min_per_household)
            side = tr("both sides") if req.rule == "either" else tr("this side")
            row.update(kind="serve", street=street.name or tr("(unnamed)"),
                       street_id=street.id, households=street.households,
                       direction=f"{_heading(sp.positions[v.start], sp.positions[v.end])}"
                                 f" ({side})",
                       serve_km=round(req.serve_cost / 1000, 3))
        rows.append({**row, "depart": _clock(clock), "load_t": round(load, 3),
                     "u_turns": turns, "over_shift_min": _over(clock, opt),
                     "modelled_demand": True})
    back = _metres(steps, route.home)
    back_turns = _u_turns(prev, route.home)[0]
    clock += back / per_min + back_turns * u_turn_min
    rows.append({"truck": truck, "kind": "return", "deadhead_km": round(back / 1000, 3),
                 "arrive": _clock(clock), "street": tr("back at the depot"), "street_id": "",
                 "direction": "", "households": 0, "serve_km": 0.0, "depart": "",
                 "load_t": round(load, 3), "u_turns": back_turns,
                 "over_shift_min": _over(clock, opt), "modelled_demand": True})
    return [{**r, "vehicle_type": kind, "order": k} for k, r in enumerate(rows, 1)]


def _over(clock: float, opt: SheetOptions) -> int:
    """Minutes past the shift's end at ``clock`` (0 within it), both rounded to the
    minute as the sheet shows them."""
    return max(0, round(clock) - round(opt.end_min))


def _break_row(truck: int, clock: float, opt: SheetOptions, load: float) -> dict[str, Any]:
    return {"truck": truck, "kind": "break", "deadhead_km": 0.0, "arrive": _clock(clock),
            "street": tr("break ({m:g} min)", m=opt.break_min), "street_id": "",
            "direction": "", "households": 0, "serve_km": 0.0,
            "depart": _clock(clock + opt.break_min), "load_t": round(load, 3), "u_turns": 0,
            "over_shift_min": _over(clock + opt.break_min, opt), "modelled_demand": True}


def shift_overruns(sheets: Sequence[Sequence[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Trucks back at the depot after the shift's end: ``truck``, ``back`` (HH:MM) and
    ``over_min``, from :func:`street_sheets`' rows."""
    return [{"truck": rows[-1]["truck"], "back": rows[-1]["arrive"],
             "over_min": rows[-1]["over_shift_min"]}
            for rows in sheets if rows and rows[-1]["over_shift_min"] > 0]


_COLUMNS = ("truck", "vehicle_type", "order", "kind", "street", "street_id", "direction",
            "households", "deadhead_km", "serve_km", "arrive", "depart", "load_t", "u_turns",
            "over_shift_min", "modelled_demand")


def _write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _labels() -> dict[str, str]:
    """Column headings of the printable sheet, in the user's language."""
    return {"order": tr("no."), "kind": tr("what"), "street": tr("street"),
            "street_id": tr("street id"), "direction": tr("direction"),
            "households": tr("households"), "deadhead_km": tr("km to get there"),
            "serve_km": tr("km along the street"), "arrive": tr("arrive"),
            "depart": tr("leave"), "load_t": tr("load on board, t"),
            "u_turns": tr("U-turns"), "over_shift_min": tr("min after the shift")}


def _html(rows: list[dict[str, Any]], title: str, lines: Sequence[str]) -> str:
    labels = _labels()
    kinds = {"serve": tr("collect"), "unload": tr("unload"), "break": tr("break"),
             "return": tr("return")}
    head = "".join(f"<th>{html.escape(labels[c])}</th>" for c in _COLUMNS[2:-1])
    body = "".join("<tr>" + "".join(
        f"<td>{html.escape(str(kinds[r[c]] if c == 'kind' else r[c]))}</td>"
        for c in _COLUMNS[2:-1]) + "</tr>" for r in rows)
    notes = "".join(f"<p>{html.escape(x)}</p>" for x in lines)
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>"
            "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
            "td,th{border:1px solid #888;padding:3px 6px;font-size:11pt}"
            ".banner{background:#fff3cd;padding:4px}@media print{.banner{border:1px solid}}"
            f"</style></head><body><h1>{html.escape(title)}</h1>"
            f"<div class='banner'>{notes}</div><table><tr>{head}</tr>{body}</table>"
            "</body></html>")


def _shift_line(rows: Sequence[Mapping[str, Any]], opt: SheetOptions) -> str:
    """The sheet's shift: its hours and break, and whether the route ends after it."""
    rest = (tr("; a {m:g} min break after {h:g} h", m=opt.break_min, h=opt.break_after_h)
            if opt.break_min > 0 else "")
    shift = tr("Shift {start}-{end}{rest}.", start=opt.start, end=_clock(opt.end_min),
               rest=rest)
    over = rows[-1]["over_shift_min"]
    if over <= 0:
        return shift + " " + tr("Back at the depot at {back}.", back=rows[-1]["arrive"])
    return shift + " " + tr("OVER THE SHIFT: back at the depot at {back}, {m} min after "
                            "the shift ends; give the streets after it to another truck "
                            "or lengthen the shift.", back=rows[-1]["arrive"], m=over)


def _line(sp: StreetProblem, a: int, b: int) -> list[tuple[float, float]]:
    """(lon, lat) points of step ``a -> b`` (the road's shape where known)."""
    shape = sp.shapes.get((a, b)) or (sp.positions[a], sp.positions[b])
    return [(lon, lat) for lat, lon in shape]


def street_layers(sp: StreetProblem, solution: ArcSolution) -> dict[str, Any]:
    """GeoDataFrames (EPSG:4326): ``served`` (a line per street served, by route, its
    ``vehicle_type`` and order), ``deadhead`` (a line per drive between streets) and
    ``sites`` (depot and unload site)."""
    import geopandas as gpd
    from shapely.geometry import LineString, MultiLineString, Point

    served: list[dict[str, Any]] = []
    dead: list[dict[str, Any]] = []
    for truck, route in enumerate(solution.routes, 1):
        kind = sp.problem.vehicle_types[route.vehicle_type].name
        legs = [(v, v.deadhead) for v in route.visits] + [(None, route.home)]
        for order, (v, nodes) in enumerate(legs, 1):
            parts = [_line(sp, a, b) for a, b in itertools.pairwise(nodes)]
            if parts:
                dead.append({"truck": truck, "vehicle_type": kind, "order": order,
                             "kind": "deadhead",
                             "geometry": MultiLineString(parts)})
            if v is not None and v.required is not None:
                edge = sp.problem.edges[sp.problem.required[v.required].edge]
                served.append({"truck": truck, "vehicle_type": kind, "order": order,
                               "kind": "served",
                               "street_id": edge.id, "name": edge.name,
                               "geometry": LineString(_line(sp, v.start, v.end))})
    p = sp.problem
    sites = [{"kind": k, "geometry": Point(sp.positions[n][1], sp.positions[n][0])}
             for k, n in (("depot", p.depot), *(("unload", u) for u in p.unload_nodes))]
    return {name: gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
            for name, rows in (("served", served), ("deadhead", dead), ("sites", sites))}


def _png(sp: StreetProblem, layers: dict[str, Any], title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 9), dpi=130)
    ax = fig.add_subplot(1, 1, 1)
    for shape in sp.shapes.values():
        ax.plot([x[1] for x in shape], [x[0] for x in shape], color="#dddddd", lw=0.8)
    trucks = sorted(set(layers["served"]["truck"]) | set(layers["deadhead"]["truck"]))
    for k in trucks:
        colour = route_style(k - 1)[0]
        served = layers["served"][layers["served"]["truck"] == k]
        if len(served):
            served.plot(ax=ax, color=colour, lw=4, alpha=0.55,
                        label=tr("truck {k}: served", k=k))
        dead = layers["deadhead"][layers["deadhead"]["truck"] == k]
        if len(dead):  # on top, so that deadheading along served streets shows
            dead.plot(ax=ax, color=colour, lw=1.3, linestyle="--", zorder=4)
    sites = layers["sites"]
    for kind, marker in (("depot", "s"), ("unload", "^")):
        part = sites[sites["kind"] == kind]
        ax.scatter(part.geometry.x, part.geometry.y, marker=marker, s=90, c="black",
                   zorder=5, label=tr(kind))
    ax.plot([], [], color="#555555", lw=1.2, linestyle="--", label=tr("deadheading"))
    ax.set_title(title, fontsize=10)
    ax.set_aspect(1 / math.cos(math.radians(sp.positions[sp.problem.depot][0])))
    ax.legend(loc="best", fontsize=8)
    ax.set_xlabel(tr("longitude"))
    ax.set_ylabel(tr("latitude"))
    fig.savefig(path, format="png", bbox_inches="tight")


def write_street_outputs(sp: StreetProblem, solution: ArcSolution,
                         report: ArcValidationReport, out: str | Path, *,
                         options: SheetOptions | None = None,
                         notes: Sequence[str] = ()) -> list[Path]:
    """Write ``route-<k>.csv`` and ``route-<k>.html`` per truck, ``streets.gpkg``
    (layers ``served``, ``deadhead``, ``sites``) and ``map.png`` to folder ``out``.

    ``notes`` (sources and assumptions) head every HTML sheet, after the validation
    line. Returns the files written.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    opt = options or SheetOptions()
    lines = [report.summary(),
             tr("Households and tonnes are modelled from households per km of street, "
                "not counted. Times assume {speed:g} km/h along streets and {unload:g} "
                "min per unloading stop.", speed=opt.speed_kmh, unload=opt.unload_min),
             *notes]
    written = []
    for rows in street_sheets(sp, solution, opt):
        k = rows[0]["truck"]
        csv_path, html_path = folder / f"route-{k}.csv", folder / f"route-{k}.html"
        _write_csv(rows, csv_path)
        title = (tr("Route sheet: truck {k}", k=k) if len(sp.problem.vehicle_types) == 1
                 else tr("Route sheet: truck {k} ({type})", k=k, type=rows[0]["vehicle_type"]))
        html_path.write_text(_html(rows, title,
                                   [*lines, _shift_line(rows, opt)]), encoding="utf-8")
        written += [csv_path, html_path]
    layers = street_layers(sp, solution)
    gpkg = folder / "streets.gpkg"
    gpkg.unlink(missing_ok=True)
    for name, gdf in layers.items():
        gdf.to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio")
    png = folder / "map.png"
    _png(sp, layers, report.summary(), png)
    return [*written, gpkg, png]
