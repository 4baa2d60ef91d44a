"""``circularopt scenario``: create scenarios from city specs and inspect scenario files."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from circularopt._validate import text_number
from circularopt.cities import DEFAULT_SIZE, generate, list_cities, load_spec
from circularopt.cli._common import atomic_write, console, existing_file
from circularopt.exceptions import InputError
from circularopt.i18n import num, tr
from circularopt.importers import KINDS, ImportNote, import_points
from circularopt.scenario import Scenario

_IMPORT_COLUMNS = """\
columns (header names match case-insensitively; map others with --map FIELD=COLUMN):
  collection_points   id, lat, lon, and one of: tonnes (t/day, split by the base's
                      mix) or tonnes_<stream> columns; m3 (m3/day); containers (count)
                      with container_m3 (size) and fill (0-1, default 1);
                      optional: name, service_minutes, collections_per_week (1-7),
                      time_window (07:00-19:00) or tw_start + tw_end
  complex_candidates  id, lat, lon; optional: name, capacity (t/day, 60|120|250) with
                      fixed_cost (per year, one per capacity), variable_cost (per t),
                      recovery_<stream> (0-1), approximate; absent figures are taken
                      from the base scenario's candidates
  recyclers           id, lat, lon, capacity (t/day), and price_<stream> columns or
                      streams (plastic|paper) with an optional price; optional: name,
                      existing, opening_cost, approximate

volumes: m3 and containers become tonnes at the mix density of the base's stream
densities (compacted in a truck; loose waste in containers is lighter, often 0.1-0.2
t/m3: give --density when known); the conversion used is printed and recorded.

files: CSV in UTF-8 (Excel: Save As 'CSV UTF-8') or Windows-1251 (detected and noted),
',' or ';' separated (in ';' files a decimal comma is read); GeoJSON or GeoPackage with
Point geometries (any CRS). Positions outside the base's region (its objects plus 30 km)
are refused, naming the rows (lat/lon swapped?); --accept-far keeps them.

--map and --default: FIELD=VALUE items separated by ',', or by ';' when a column name
holds a comma (quote the whole argument).

examples:
  circularopt scenario import bishkek sites.csv --kind collection_points \\
      --map id=Code,tonnes=Tonnage,lat=Y,lon=X --out bishkek-dept.json
  circularopt scenario import bishkek containers.csv --kind collection_points \\
      --map "id=Код;lat=Широта;lon=Долгота;containers=Контейнеров;container_m3=Объём, м3;\\
fill=Заполнение;collections_per_week=Вывозов в неделю" --out bishkek-dept.json
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``scenario`` subcommand."""
    parser = sub.add_parser("scenario", help="create, import and inspect scenarios")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="validate a scenario JSON file and summarise it")
    show.add_argument("file", help="scenario JSON file")
    show.set_defaults(func=_show)

    new = actions.add_parser(
        "new", help="write an editable scenario JSON generated from a city spec",
        description="Generate a scenario from a city spec (cities/*.toml): container sites "
                    "spread over districts in proportion to population, waste from "
                    "per-capita generation and composition, complex candidates, recyclers, "
                    "landfills, depots and fleet. Positions are approximate.")
    new.add_argument("city", help="city name (e.g. bishkek, osh, issyk-kul) or a spec .toml")
    new.add_argument("--size", type=int, default=DEFAULT_SIZE,
                     help=f"number of container sites (default {DEFAULT_SIZE})")
    new.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    new.add_argument("--season", default=None,
                     help="season for cities with seasons (issyk-kul: summer or winter)")
    new.add_argument("--streets", action=argparse.BooleanOptionalAction, default=True,
                     help="include the private-house sector as curbside collection "
                          "streets, a SYNTHETIC grid per district, for a city with "
                          "[private_houses] (default yes; --no-streets: container sites "
                          "only, as before)")
    new.add_argument("--out", required=True, help="scenario JSON file to write")
    new.set_defaults(func=_new)
    _register_import(actions)


def _register_import(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``scenario import``."""
    imp = actions.add_parser(
        "import", help="read a department's container sites, candidate sites or recyclers "
                       "from CSV, GeoJSON or GeoPackage into a scenario",
        description="Read container sites, sorting-complex candidates or recyclers from a "
                    "CSV (',' or ';' separated, UTF-8), GeoJSON or GeoPackage file into a "
                    "base scenario and write the new scenario. Every problem is reported "
                    "with its file, row and column; ignored columns and defaults taken are "
                    "listed as warnings.",
        epilog=_IMPORT_COLUMNS, formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("base", help="base scenario: a city name (bishkek, osh, issyk-kul) or a "
                                  "scenario JSON file")
    imp.add_argument("file", help="CSV, GeoJSON or GeoPackage file to read")
    imp.add_argument("--kind", required=True, choices=KINDS, help="what the file holds")
    imp.add_argument("--map", default="", metavar="FIELD=COLUMN,...",
                     help="columns named differently from the fields, e.g. "
                          "tonnes=Tonnage,lat=Y,lon=X; separate the items with ';' when a "
                          "column name holds a comma: \"m3=Объём, м3;id=Код\"")
    imp.add_argument("--default", default="", metavar="FIELD=VALUE,...",
                     help="defaults for absent columns or empty cells, e.g. "
                          "service_minutes=6,collections_per_week=3 (';' separates several "
                          "defaults when a value holds a comma)")
    imp.add_argument("--composition", default="", metavar="STREAM=SHARE,...",
                     help="shares per stream (sum 1) that split a 'tonnes' column "
                          "(default: the base scenario's mix), e.g. "
                          "plastic=0.1,paper=0.1,glass=0.05,metal=0.05,organics=0.5,"
                          "residual=0.2")
    imp.add_argument("--density", default=None, metavar="T_PER_M3",
                     help="tonnes per m3 of the mixed waste, to convert m3 or container "
                          "columns (default: the mix density of the base's stream "
                          "densities, which are compacted-truck densities)")
    imp.add_argument("--accept-far", action="store_true",
                     help="keep rows positioned outside the base scenario's region (its "
                          "objects plus 30 km) instead of refusing them")
    imp.add_argument("--layer", default=None, help="GeoPackage layer")
    imp.add_argument("--append", action="store_true",
                     help="add to the base scenario's objects of this kind instead of "
                          "replacing them")
    imp.add_argument("--season", default=None,
                     help="season of a city base with seasons (issyk-kul: summer or winter)")
    imp.add_argument("--out", required=True, help="scenario JSON file to write")
    imp.set_defaults(func=_import)


def _show(args: argparse.Namespace) -> int:
    scenario = Scenario.from_json(existing_file(args.file, option="file"))
    console.print(scenario.summary())
    return 0


def _new(args: argparse.Namespace) -> int:
    out = _out_file(args.out)
    spec = load_spec(args.city)
    streets = args.streets and spec.private_houses is not None
    scenario = generate(spec, size=args.size, seed=args.seed, season=args.season,
                        streets=streets)
    atomic_write(out, scenario.to_json)
    console.print(scenario.summary())
    if scenario.streets:
        console.print(tr("  curbside streets  : {n}, {t} t/day, SYNTHETIC grid per district "
                         "(--no-streets leaves them out)", n=num(len(scenario.streets)),
                         t=num(sum(s.total_tonnes_per_day for s in scenario.streets), 1)))
    meta = scenario.metadata
    season = f", season {meta['season']}" if meta.get("season") else ""
    console.print(f"  spec              : {meta['spec_file']} (seed {meta['seed']}{season}; "
                  "positions approximate)")
    console.print(f"wrote {out}  (cities: {', '.join(list_cities())})")
    return 0


def _pairs(text: str, option: str) -> dict[str, str]:
    """``a=b,c=d`` (or ``a=b;c=d``) as a dict; refuses malformed items."""
    sep = ";" if ";" in text else ","
    out: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in text.split(sep))):
        key, eq, value = item.partition("=")
        if not eq or not key.strip() or not value.strip():
            hint = "" if sep == ";" else tr(
                "; does a column name hold a comma? Then separate the items with ';': "
                "{option} \"{example}\"", option=option, example=_semicolons(text))
            raise InputError(option, item, tr("FIELD=VALUE items separated by ',' or "
                                              "';'") + hint)
        out[key.strip()] = value.strip()
    return out


def _semicolons(text: str) -> str:
    """``a=x, y,b=z`` as ``a=x, y;b=z``: items split at commas that start a FIELD= item."""
    items: list[str] = []
    for part in text.split(","):
        if "=" in part or not items:
            items.append(part.strip())
        else:
            items[-1] += "," + part
    return ";".join(items)


def _shares(text: str) -> dict[str, float] | None:
    """``--composition`` as a dict of shares, or None when not given."""
    if not text.strip():
        return None
    out = {}
    for stream, value in _pairs(text, "--composition").items():
        out[stream] = text_number(f"--composition {stream}", value, decimal_comma=False,
                                  lo=0, hi=1, expected="a share from 0 to 1")
    return out


def _density(text: str | None) -> float | None:
    """``--density`` in t/m3 (decimal point or comma), or None when not given."""
    if text is None:
        return None
    return text_number("--density", text, decimal_comma=True, lo=0,
                       expected=tr("tonnes per m3 > 0, e.g. 0.15"))


def _out_file(text: str) -> Path:
    """``--out``: a file path in an existing folder."""
    out = Path(text)
    if out.is_dir() or not out.parent.is_dir():
        raise InputError("--out", text, "a file path in an existing folder")
    return out


def _import(args: argparse.Namespace) -> int:
    from circularopt.pipeline import load_scenario

    out = _out_file(args.out)
    source = existing_file(args.file, option="file")
    base = load_scenario(args.base, season=args.season)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario = import_points(base, source, kind=args.kind,
                                 columns=_pairs(args.map, "--map"), replace=not args.append,
                                 layer=args.layer, defaults=_pairs(args.default, "--default"),
                                 composition=_shares(args.composition),
                                 density=_density(args.density),
                                 accept_far=args.accept_far)
    atomic_write(out, scenario.to_json)
    console.print(scenario.summary())
    for w in caught:
        if issubclass(w.category, ImportNote):
            console.print(f"[cyan]{tr('note')}:[/] {w.message}", highlight=False)
        else:
            console.print(f"[yellow]{tr('warning')}:[/] {w.message}", highlight=False)
    n = scenario.metadata["imports"][-1]["rows"]
    how = "appended to" if args.append else "replacing"
    console.print(f"imported {n} {args.kind.replace('_', ' ')} from {source} ({how} the "
                  f"base's {len(getattr(base, args.kind))})")
    console.print(f"wrote {out}")
    return 0
