"""The plan outputs a waste department uses: JSON, GeoPackage, CSV, HTML report, PNG map.

:func:`write_outputs` derives every file from one :class:`~circularopt.plan.Plan`:

``plan.json``
    The plan itself (:meth:`Plan.save`), reloadable with :meth:`Plan.load`.
``plan.gpkg``
    A GeoPackage for QGIS (EPSG:4326) with the layers of :data:`LAYERS`
    (:mod:`~circularopt.outputs.layers`, :mod:`~circularopt.outputs.gpkg`).
``routes.csv``, ``flows.csv``, ``kpis.csv``, ``complexes.csv``, ``recyclers.csv``
    Tables that open cleanly in Excel (:mod:`~circularopt.outputs.tables`), comma
    separated or, with ``csv_dialect="excel-ru"``, ``;`` separated with decimal commas.
``schedule.csv``, ``week_kpis.csv``
    With a week plan: each site's collection days and expected times, and the figures of
    each working day, the week and the peak day on every working day
    (:mod:`~circularopt.outputs.week`; ``routes.csv`` then holds the week's routes with
    their ``day`` and ``plan.gpkg`` a ``routes_<day>`` layer per working day).
``report.html``
    A self-contained report that works offline (:mod:`~circularopt.outputs.report`).
``map.png``
    A static map with the same layers and a legend (:mod:`~circularopt.outputs.map`).
``route-sheets.html``, ``route-sheets.pdf``
    Printable route sheets, one page per truck and day (:mod:`~circularopt.outputs.sheets`;
    the HTML with ``html``, the PDF with ``pdf``).

Writing is all or nothing: the files are written into a temporary folder beside
``out_dir`` and moved into place only when all of them were written. When ``out_dir``
already exists, the files this module writes are replaced (each one whole) and every
other file in it is kept.

Route visits name their place by the routing problem's location id. The city routing
(:func:`circularopt.routing.decompose.route_city`) keeps scenario ids, except that an
unload site has one copy per unloading time (``"<site>@<m>min"``) when truck types
differ; :func:`scenario_location_id` maps such ids (and ``"<part>:<id>"`` prefixes)
back to the scenario's.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from circularopt.exceptions import InputError
from circularopt.outputs import tables
from circularopt.outputs.colours import PALETTE, ROUTE_PALETTE, complex_colours
from circularopt.outputs.gpkg import write_gpkg
from circularopt.outputs.labels import hhmm, map_title, route_label, scenario_location_id
from circularopt.outputs.layers import CRS, LAYERS, plan_layers
from circularopt.outputs.map import write_map_png
from circularopt.outputs.report import write_report
from circularopt.outputs.sheets import SHEET_FILES, write_route_sheets
from circularopt.outputs.tables import (
    CSV_DIALECTS,
    CSV_TABLES,
    plan_tables,
    write_csv,
)
from circularopt.plan import Plan

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork

__all__ = [
    "CRS",
    "CSV_DIALECTS",
    "CSV_TABLES",
    "FORMATS",
    "LAYERS",
    "PALETTE",
    "ROUTE_PALETTE",
    "complex_colours",
    "hhmm",
    "map_title",
    "plan_layers",
    "plan_tables",
    "route_label",
    "scenario_location_id",
    "write_csv",
    "write_gpkg",
    "write_map_png",
    "write_outputs",
    "write_report",
    "write_route_sheets",
]

FORMATS = ("json", "gpkg", "csv", "html", "png", "pdf")
"""Output formats :func:`write_outputs` can write (all by default)."""

_FILES = {"json": ("plan.json",), "gpkg": ("plan.gpkg",),
          "csv": tuple(f"{t}.csv" for t in CSV_TABLES),
          "html": ("report.html", SHEET_FILES[0]), "png": ("map.png",),
          "pdf": (SHEET_FILES[1],)}


WEEK_FILES = ("schedule.csv", "week_kpis.csv")
"""Files a week plan adds (:mod:`~circularopt.outputs.week`)."""


def _formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    chosen = (formats,) if isinstance(formats, str) else tuple(formats)
    for f in chosen:
        if f not in FORMATS:
            raise InputError("formats", f, f"some of {list(FORMATS)}")
    if not chosen:
        raise InputError("formats", [], f"at least one of {list(FORMATS)}")
    return tuple(dict.fromkeys(chosen))


def write_outputs(plan: Plan, out_dir: str | Path, *, network: RoadNetwork | None = None,
                  formats: Iterable[str] | str = FORMATS,
                  max_snap_m: float | None = None,
                  csv_dialect: str | None = None) -> dict[str, Path]:
    """Write the plan's files (see the module docstring) into ``out_dir``.

    Parameters
    ----------
    plan
        The plan (a partial plan writes what it has).
    out_dir
        Output folder; created when missing. In an existing folder the files written here
        are replaced and all other files are kept.
    network
        Road network to draw routes along the streets; ``None`` draws straight segments
        (marked ``approximate``).
    formats
        Some of :data:`FORMATS` (default all).
    max_snap_m
        Snapping limit for ``network`` in metres.
    csv_dialect
        ``"excel"`` or ``"excel-ru"`` (:data:`CSV_DIALECTS`); default the setting
        ``CIRCULAROPT_CSV_DIALECT``, else ``"excel"``.

    Returns
    -------
    dict
        File name (e.g. ``"plan.gpkg"``, ``"routes.csv"``) -> its final path.

    Raises
    ------
    InputError
        Unknown format or CSV dialect, ``out_dir`` is an existing file, or a route visits
        an unknown id.
    """
    chosen = _formats(formats)
    dialect = tables.csv_dialect(csv_dialect)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("out_dir", str(out), "a folder (this is an existing file)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir()
    names = [n for f in chosen for n in _FILES[f]]
    try:
        _write_files(plan, tmp, chosen, network=network, max_snap_m=max_snap_m,
                     csv_dialect=dialect)
        names += [n for n in WEEK_FILES if (tmp / n).exists()]
        _move_into_place(tmp, out, names)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {n: out / n for n in names}


def _write_files(plan: Plan, folder: Path, chosen: tuple[str, ...], *,
                 network: RoadNetwork | None, max_snap_m: float | None,
                 csv_dialect: str) -> None:
    """Write the files of the ``chosen`` formats into ``folder``."""
    layers = (plan_layers(plan, network=network, max_snap_m=max_snap_m)
              if set(chosen) - {"json"} else {})
    if "json" in chosen:
        plan.save(folder / "plan.json")
    if "gpkg" in chosen:
        write_gpkg(layers, folder / "plan.gpkg")
    tables = plan_tables(plan, layers) if set(chosen) & {"csv", "html", "pdf"} else {}
    if "csv" in chosen:
        for name, df in tables.items():
            write_csv(df, folder / f"{name}.csv", dialect=csv_dialect)
    if "html" in chosen:
        write_report(plan, folder / "report.html", layers=layers)
    if set(chosen) & {"html", "pdf"}:
        write_route_sheets(plan, folder, tables["routes"], html="html" in chosen,
                           pdf="pdf" in chosen)
    if "png" in chosen:
        write_map_png(plan, layers, folder / "map.png")


def _move_into_place(tmp: Path, out: Path, names: list[str]) -> None:
    """Rename ``tmp`` to ``out``, or move its files into an existing ``out``."""
    if not out.exists():
        os.replace(tmp, out)
        return
    for n in names:
        os.replace(tmp / n, out / n)
    shutil.rmtree(tmp, ignore_errors=True)
