"""Read a waste department's own data: container sites, candidate sites and recyclers.

:func:`read_table` reads a CSV file, a GeoJSON file or a GeoPackage layer into a
:class:`pandas.DataFrame` whose index is the row number a person sees (see *Row numbers*).
:func:`import_points` turns such a table into collection points, sorting-complex candidates
or recyclers and returns a new, validated :class:`~circularopt.scenario.Scenario`.

CSV files
---------
* Encoding: UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8"), else
  Windows-1251 (cp1251, Excel's "CSV (comma delimited)" in a Russian locale) when the file
  decodes in it and its non-ASCII characters are Cyrillic letters or common punctuation;
  reading it so is reported in an :class:`ImportNote`. Anything else is refused with the
  line of the first undecodable byte. (A simple rule rather than ``charset-normalizer``:
  on short Cyrillic files that library guesses hp_roman8 or big5 for cp1251 text.)
* Delimiter: sniffed from the header line: the most frequent of ``,``, ``;`` and tab
  outside quotes.
* Decimal separator: a point is always a decimal point. A comma is read as the decimal
  separator only in files separated by ``;`` or tab (as Excel writes them in locales with a
  decimal comma, e.g. Russian or Kyrgyz); in a ``,``-separated file ``"1,5"`` is refused.
  Spaces inside a number are thousands separators and are dropped (``1 234,5``); a point or
  comma is never read as a thousands separator.
* Rows that are entirely empty (Excel's trailing ``;;;;`` lines) carry no data and are
  skipped; every other row is read or refused, never dropped.

Row numbers
-----------
CSV rows are numbered as a spreadsheet shows them: the header is row 1, the first data row
is row 2 (a cell that spans several lines shifts the numbers of the rows after it). Features
of GeoJSON/GeoPackage files are numbered from 1 in file order (``feature 3``).

Positions
---------
In GeoJSON/GeoPackage files the positions come from Point geometries: reprojected to
EPSG:4326 when the layer has another CRS, taken as EPSG:4326 (with a warning) when it has
none. An attribute column called ``lat`` or ``lon`` is then renamed ``lat (attribute)`` /
``lon (attribute)``; map it explicitly (``columns={"lat": "lat (attribute)"}``) to use it
instead. In CSV files the positions come from the ``lat`` and ``lon`` columns (WGS84
degrees; ``latitude``, ``longitude``, ``lng`` and ``long`` are recognised as well).

Columns of each kind
--------------------
Header names match the field names case-insensitively, with spaces and hyphens read as
underscores; ``columns`` maps a field to a differently named column. Lists inside one cell
are separated by ``|`` (``60|120|250``). Required columns must have a value in every row;
an empty cell of an optional column takes that column's default (reported in a warning).

``collection_points`` (container sites)
    ``id``, ``lat``, ``lon`` (required); ``tonnes`` (total tonnes per working day, split
    by ``composition`` -- by default the base scenario's mix of streams) and/or one column
    ``tonnes_<stream>`` per stream (tonnes per day of that stream; streams without a column
    get 0; when ``tonnes`` is given too it must equal their sum within 1%); ``name``;
    ``service_minutes`` (default: ``a + b x tonnes per visit`` fitted by least squares to
    the base scenario's points -- the city specs use 3 min + 8 min/t --, 5 min when the
    base has no points); ``collections_per_week`` (1-7, default the base's most common);
    ``time_window`` (``HH:MM-HH:MM``, minutes ``420-1140`` or ``none``) or ``tw_start`` and
    ``tw_end`` (``HH:MM`` or minutes after midnight; default the base's most common window).

    Instead of tonnes the waste may be given as a volume, converted to tonnes with the
    mix density (see *Volumes*): ``m3`` (cubic metres per working day), or ``containers``
    (how many per site) with ``container_m3`` (size of one, m3) and ``fill`` (share full
    when emptied, default 1), collected ``collections_per_week`` times. One way per file.
``complex_candidates`` (sites where a sorting complex may be built)
    ``id``, ``lat``, ``lon`` (required); ``name``; ``capacity`` (t/day, one or more sizes
    ``60|120|250``) with ``fixed_cost`` (annual fixed cost of each size, same count);
    ``variable_cost`` (sorting cost per tonne); ``recovery_<stream>`` (0-1);
    ``approximate`` (true/false, default false). A file with positions only takes the
    other figures from the base scenario's candidates: the most common capacity options,
    sorting cost and recovery rates among them (an error when the base has none).
``recyclers``
    ``id``, ``lat``, ``lon``, ``capacity`` (intake t/day, all streams) (required); prices:
    one column ``price_<stream>`` per stream (an empty cell: the stream is not accepted) or
    a ``streams`` column (``plastic|paper``) with an optional ``price`` column for all of
    them (default: the median price the base scenario's recyclers pay for the stream);
    ``name``; ``existing`` (default true); ``opening_cost`` (default 0); ``approximate``
    (default false).

Volumes
-------
A site's volume becomes tonnes at the mix density ``1 / sum(share_s / density_s)`` of the
composition's mass shares and the base scenario's stream densities
(:attr:`~circularopt.scenario.Stream.density_t_per_m3`), or at ``density`` when given.
Containers give ``containers x container_m3 x fill`` m3 per visit, so
``... x collections_per_week / 7`` m3 per day. The stream densities are those of waste
compacted in a truck; loose waste in containers is lighter (often 0.1-0.2 t/m3), so pass
``density`` when the department knows its own. The conversion used is reported in an
:class:`ImportNote` and recorded in ``metadata["imports"]``.

Region
------
Imported positions must lie in the base scenario's region: the bounding box of its
located objects widened by :data:`REGION_MARGIN_KM`. Rows outside are refused, naming the
row and the values and whether swapping lat and lon would put them inside; with
``accept_far=True`` they are kept with a warning.

Errors and warnings
-------------------
Every problem in the file is collected and raised together as a :class:`TableError` (an
:class:`~circularopt.exceptions.InputError`) whose lines each name the file, the row and
the column, the value and what would be valid. Columns nobody asked for are ignored and
listed in a warning (:class:`DataWarning` via :func:`warnings.warn`), as are defaults
taken, and container sites of more than
:data:`~circularopt.diagnose.IMPLAUSIBLE_T_PER_DAY` t/day or more tonnes per visit than the
base scenario's largest truck carries (kilograms, or cubic metres mapped as tonnes?).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import math
import re
import statistics
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from circularopt._validate import (
    PER_WEEK,
    boolean,
    choice,
    per_week,
    share,
    text_number,
    time_of_day,
)
from circularopt._validate import (
    composition as check_composition,
)
from circularopt._validate import (
    number as check_number,
)
from circularopt.diagnose import IMPLAUSIBLE_T_PER_DAY
from circularopt.exceptions import InputError
from circularopt.i18n import tr
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Recycler,
    Scenario,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "KINDS",
    "MAX_SITE_TONNES_PER_DAY",
    "REGION_MARGIN_KM",
    "DataWarning",
    "ImportNote",
    "TableError",
    "import_points",
    "read_table",
]

KINDS = ("collection_points", "complex_candidates", "recyclers")
"""What :func:`import_points` can read."""

MAX_SITE_TONNES_PER_DAY = IMPLAUSIBLE_T_PER_DAY
"""Above this many tonnes per day a single container site is reported as implausible."""

REGION_MARGIN_KM = 30.0
"""The base scenario's region: the bounding box of its objects widened by this margin."""

VOLUMES = ("m3", "containers")
"""Fields that give a collection point's waste as a volume instead of tonnes."""

_M3_NAME = re.compile(r"m3|м3|m³|м³|куб|cubic|volume|объ[её]м", re.IGNORECASE)

GEO_SUFFIXES = (".geojson", ".json", ".gpkg")
"""File name endings read as geodata (everything else is read as CSV)."""

_ALIASES = {
    "lat": ("latitude",),
    "lon": ("longitude", "lng", "long"),
    "tonnes": ("tonnes_per_day", "t_per_day", "total_tonnes_per_day"),
    "m3": ("m3_per_day", "volume_m3", "volume_m3_per_day"),
    "containers": ("container_count", "n_containers"),
    "container_m3": ("container_size", "container_size_m3", "container_volume_m3"),
    "fill": ("fill_share", "fill_level"),
}


class DataWarning(UserWarning):
    """Something in an imported file that was accepted but deserves a look."""


class ImportNote(DataWarning):
    """How a file was read: the encoding detected, the volume-to-tonnes conversion used."""


class TableError(InputError):
    """One or more problems in an imported file, each naming file, row and column.

    Parameters
    ----------
    problems
        The problems, in file order; the first one also fills ``field``, ``value`` and
        ``expected``.
    """

    MAX_SHOWN = 20

    def __init__(self, problems: Iterable[InputError]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(first.field, first.value, first.expected)
        lines = [str(p) for p in self.problems[: self.MAX_SHOWN]]
        if len(self.problems) > 1:
            lines.insert(0, f"{len(self.problems)} problems in the file:")
        if len(self.problems) > self.MAX_SHOWN:
            lines.append(f"... and {len(self.problems) - self.MAX_SHOWN} more")
        self.args = ("\n  ".join(lines),)


# --------------------------------------------------------------------------- reading


def read_table(path: str | Path, *, layer: str | None = None,
               text: bool = False) -> pd.DataFrame:
    """Read a CSV, GeoJSON or GeoPackage file into a table.

    See the module docstring for encodings, delimiters, the decimal comma, positions and row
    numbers.

    Parameters
    ----------
    path
        The file. ``.geojson``/``.json`` and ``.gpkg`` are read as geodata, anything else as
        CSV.
    layer
        Layer of a GeoPackage; required when the file has more than one.
    text
        Return every attribute cell as the stripped text written in the file (``""`` when
        empty); otherwise columns whose every non-empty cell is a number become float
        columns (``NaN`` for empty cells) and the rest stay text.

    Returns
    -------
    pandas.DataFrame
        Index: row numbers (CSV, header = row 1) or feature numbers (geodata, from 1). For
        point geodata, columns ``lat`` and ``lon`` (EPSG:4326) from the geometry.
        ``attrs`` holds ``source`` (the path), ``row_label`` (``"row"`` or ``"feature"``),
        ``delimiter``, ``decimal_comma`` and ``encoding`` (CSV only: ``"utf-8"`` or
        ``"cp1251"``, the latter also reported in an :class:`ImportNote`).

    Raises
    ------
    InputError
        For a missing, unreadable, malformed or truncated file, naming the file and, where
        known, the line or feature.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError("file", str(path), "an existing CSV, GeoJSON or GeoPackage file")
    if path.suffix.lower() in GEO_SUFFIXES:
        table = _read_geo(path, layer)
    else:
        if layer is not None:
            raise InputError(f"{path}: layer", layer, "no layer for a CSV file")
        table = _read_csv(path)
    if not text:
        comma = bool(table.attrs.get("decimal_comma", False))
        for col in table.columns:
            if table[col].dtype == object:
                values = [_to_float(v, comma) for v in table[col]]
                numbers = [v for v in values if v is not None]
                if len(numbers) == len(values) and not all(map(math.isnan, numbers)):
                    table[col] = pd.array(numbers, dtype="float64")
    return table


def _to_float(cell: Any, comma: bool) -> float | None:
    """``cell`` as a float (NaN for empty), or None when it is not a number."""
    if cell == "" or cell is None:
        return math.nan
    try:
        return text_number("cell", str(cell), decimal_comma=comma)
    except InputError:
        return None


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as a table of texts, one row per non-empty line, every cell checked."""
    import pandas as pd

    content, encoding = _decode(path)
    first = next((ln for ln in content.splitlines() if ln.strip()), "")
    if not first:
        raise InputError(str(path), "an empty file", "a header row and at least one data row")
    delimiter = _sniff_delimiter(first)
    header, rows = _records(path, content, delimiter)
    _check_widths(path, header, rows, delimiter)
    keep = []
    for j, name in enumerate(header):
        if name:
            keep.append(j)
        elif any(cells[j] for _, cells in rows):
            raise InputError(f"{path}, row 1, column {j + 1}", "",
                             "a column name above a column that holds values")
    names = [header[j] for j in keep]
    _no_duplicate_names(path, names)
    table = pd.DataFrame([[cells[j] for j in keep] for _, cells in rows],
                         index=pd.Index([n for n, _ in rows], name="row"),
                         columns=names, dtype=object)
    table.attrs.update(source=str(path), row_label="row", delimiter=delimiter,
                       decimal_comma=delimiter != ",", encoding=encoding)
    if encoding == "cp1251":
        warnings.warn(tr("{path}: encoding detected: Windows-1251 (cp1251), not UTF-8 (its "
                         "letters are Cyrillic in cp1251); check the names in the result",
                         path=path), ImportNote, stacklevel=3)
    return table


def _decode(path: Path) -> tuple[str, str]:
    """The file's text and encoding (UTF-8, with or without BOM, else Cyrillic cp1251); a
    workbook, binary file or other encoding refused."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError("file", str(path), f"a readable file ({exc.strerror})") from exc
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(str(path), "a spreadsheet workbook (xlsx/xls)",
                         "a CSV file: in Excel use Save As > 'CSV UTF-8'")
    encoding = "utf-8"
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        content, encoding = _cyrillic_cp1251(raw), "cp1251"
        if not content:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(f"{path}, line {line}", raw[exc.start: exc.start + 4],
                             "UTF-8 or Windows-1251 (Cyrillic) text (this looks like another "
                             "encoding; in Excel use Save As > 'CSV UTF-8')") from exc
    if "\x00" in content:
        raise InputError(str(path), "binary data", "a text (CSV) file")
    return content, encoding


_CP1251_PUNCTUATION = frozenset("№«»–—„“”‘’…•·°±§©®\xa0")
_MIXED_WORD = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")


def _cyrillic_cp1251(raw: bytes) -> str:
    """``raw`` decoded as cp1251 when its non-ASCII characters are then (almost all)
    Cyrillic letters or common punctuation; ``""`` otherwise."""
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return ""
    other = [c for c in text if ord(c) > 127]
    odd = sum(1 for c in other
              if not ("\u0400" <= c <= "\u04ff" or c in _CP1251_PUNCTUATION))
    odd += len(_MIXED_WORD.findall(text))  # "Mьller": Latin-1 read as cp1251
    return text if other and odd <= 0.05 * len(other) else ""


def _records(path: Path, content: str, delimiter: str
             ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (row 1) and the non-empty data rows with their row numbers."""
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if any(c.strip() for c in cells):
                records.append((start, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise InputError(f"{path}, row {line + 1}", str(exc),
                         "well-formed CSV (a quote opened and never closed, or a stray quote;"
                         " is the file cut short?)") from exc
    if not records:  # e.g. only delimiters: no cell holds anything
        raise InputError(str(path), "no values in any cell",
                         "a header row and at least one data row")
    header_row, header = records[0]
    if header_row != 1:
        raise InputError(f"{path}, row 1", "an empty line", "the header row in row 1")
    return header, records[1:]


def _check_widths(path: Path, header: list[str], rows: list[tuple[int, list[str]]],
                  delimiter: str) -> None:
    """Refuse a row with fewer values than the header, or with values beyond it."""
    width = len(header)
    for number, cells in rows:
        if len(cells) < width:
            raise InputError(f"{path}, row {number}", delimiter.join(cells),
                             f"{width} values separated by {delimiter!r} like the header "
                             f"(found {len(cells)}; is the file cut short?)")
        if any(cells[width:]):
            raise InputError(f"{path}, row {number}", delimiter.join(cells),
                             f"{width} values separated by {delimiter!r} like the header "
                             f"(found {len(cells)}; quote values that contain "
                             f"{delimiter!r})")


def _sniff_delimiter(line: str) -> str:
    counts = dict.fromkeys((",", ";", "\t"), 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _no_duplicate_names(path: Path, names: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in names:
        key = _norm(name)
        if key in seen:
            raise InputError(f"{path}, row 1", name,
                             f"unique column names (same as {seen[key]!r})")
        seen[key] = name


def _read_geo(path: Path, layer: str | None) -> pd.DataFrame:
    import pandas as pd
    import pyogrio
    from pyogrio import errors as ogr_errors

    failures = (ogr_errors.DataSourceError, ogr_errors.DataLayerError,
                ogr_errors.FieldError, ogr_errors.GeometryError, ogr_errors.CRSError,
                ogr_errors.FeatureError, OSError, ValueError, RuntimeError)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except failures as exc:
        raise InputError(str(path), _short(exc), "a readable, complete GeoJSON or GeoPackage "
                         "file (is it cut short or not geodata?)") from exc
    if layer is None and len(layers) > 1:
        raise InputError(f"{path}: layer", None, f"one of the layers {layers} (--layer)")
    if layer is not None and layer not in layers:
        raise InputError(f"{path}: layer", layer, f"one of the layers {layers}")
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except failures as exc:
        raise InputError(str(path), _short(exc), "a readable, complete GeoJSON or GeoPackage "
                         "file (is it cut short or not geodata?)") from exc
    geometry = frame.geometry if hasattr(frame, "geometry") and "geometry" in frame else None
    attrs = pd.DataFrame(frame.drop(columns=["geometry"], errors="ignore"))
    attrs = attrs.map(_cell_text).astype(object)
    attrs.index = pd.Index(range(1, len(attrs) + 1), name="feature")
    _no_duplicate_names(path, [str(c) for c in attrs.columns])
    if geometry is not None:
        attrs = attrs.rename(columns={c: f"{c} (attribute)" for c in attrs.columns
                                      if _norm(str(c)) in ("lat", "lon")})
        lat, lon = _point_coordinates(path, geometry)
        attrs["lat"] = pd.Series(lat, index=attrs.index, dtype=object)
        attrs["lon"] = pd.Series(lon, index=attrs.index, dtype=object)
    attrs.attrs.update(source=str(path), row_label="feature", layer=layer)
    return attrs


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return "" if math.isnan(value) else str(value)
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value).strip()


def _point_coordinates(path: Path, geometry: Any) -> tuple[list[str], list[str]]:
    problems = []
    for k, geom in enumerate(geometry, start=1):
        if geom is None or geom.is_empty:
            problems.append(InputError(f"{path}, feature {k}, geometry", None,
                                       "a Point (this feature has no position)"))
        elif geom.geom_type != "Point":
            problems.append(InputError(f"{path}, feature {k}, geometry", geom.geom_type,
                                       "a Point (one position per object)"))
    if problems:
        raise TableError(problems)
    if geometry.crs is None:
        warnings.warn(f"{path}: the layer has no coordinate reference system; positions "
                      "were read as EPSG:4326 (WGS84 degrees)", DataWarning, stacklevel=3)
    elif geometry.crs.to_epsg() != 4326:
        geometry = geometry.to_crs(4326)
    return ([_cell_text(float(g.y)) for g in geometry],
            [_cell_text(float(g.x)) for g in geometry])


# --------------------------------------------------------------------------- columns


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


@dataclass(frozen=True)
class _Field:
    """A field an import reads: its name, whether required, its parser."""

    name: str
    parse: Callable[[str, str, bool], Any]
    """``parse(field name, cell text, decimal comma)``; raises InputError."""
    required: bool = False


def _fields(kind: str, streams: tuple[str, ...]) -> list[_Field]:
    common = [_Field("id", _parse_text, True), _Field("lat", _parse_lat, True),
              _Field("lon", _parse_lon, True), _Field("name", _parse_text)]
    if kind == "collection_points":
        return [
            *common, _Field("tonnes", _nonneg),
            *(_Field(f"tonnes_{s}", _nonneg) for s in streams),
            _Field("m3", _nonneg), _Field("containers", _nonneg),
            _Field("container_m3", _positive), _Field("fill", _share),
            _Field("service_minutes", _nonneg),
            _Field("collections_per_week", _per_week),
            _Field("time_window", _parse_window),
            _Field("tw_start", _parse_time), _Field("tw_end", _parse_time)]
    if kind == "complex_candidates":
        return [
            *common, _Field("capacity", _positive_list), _Field("fixed_cost", _nonneg_list),
            _Field("variable_cost", _nonneg),
            *(_Field(f"recovery_{s}", _share) for s in streams),
            _Field("approximate", _parse_bool)]
    return [
        *common, _Field("capacity", _nonneg, True),
        *(_Field(f"price_{s}", _any_number) for s in streams),
        _Field("streams", _parse_text), _Field("price", _any_number),
        _Field("existing", _parse_bool), _Field("opening_cost", _nonneg),
        _Field("approximate", _parse_bool)]


def _compact(fields: list[_Field], streams: tuple[str, ...]) -> list[str]:
    """Field names with the per-stream ones shown once as ``prefix_<stream>``."""
    out: list[str] = []
    for f in fields:
        prefix, _, stream = f.name.partition("_")
        name = f"{prefix}_<stream>" if stream in streams else f.name
        if name not in out:
            out.append(name)
    return out


def _resolve_columns(path: Path, table: pd.DataFrame, fields: list[_Field],
                     columns: Mapping[str, str] | None,
                     streams: tuple[str, ...]) -> dict[str, str]:
    """Field name -> file column, from the mapping, the field names and their aliases."""
    names = [f.name for f in fields]
    present = {_norm(str(c)): str(c) for c in table.columns}
    chosen: dict[str, str] = {}
    for key, column in (columns or {}).items():
        if key not in names:
            raise InputError(f"column mapping {key}={column}", key,
                             f"one of the fields {_compact(fields, streams)} (streams: "
                             f"{list(streams)})")
        if _norm(column) not in present:
            raise InputError(f"{path}: column mapping {key}={column}", column,
                             f"one of the file's columns {[str(c) for c in table.columns]}")
        chosen[key] = present[_norm(column)]
    for name in names:
        if name in chosen:
            continue
        for candidate in (name, *_ALIASES.get(name, ())):
            found = present.get(candidate)
            if found is not None and found not in chosen.values():
                chosen[name] = found
                break
    used = Counter(chosen.values())
    twice = [c for c, n in used.items() if n > 1]
    if twice:
        raise InputError(f"{path}: column mapping", twice[0],
                         f"a column used for one field only (fields "
                         f"{[k for k, v in chosen.items() if v == twice[0]]})")
    return chosen


# --------------------------------------------------------------------------- cell parsers
# Each parser reads one cell's text with the shared checks of circularopt._validate and
# raises InputError naming the field; _Rows replaces the field by file, row and column.


def _parse_text(where: str, s: str, comma: bool) -> str:
    return s


def _parse_lat(where: str, s: str, comma: bool) -> float:
    return text_number(where, s, decimal_comma=comma, lo=-90, hi=90,
                       expected="a latitude in degrees from -90 to 90 (WGS84)")


def _parse_lon(where: str, s: str, comma: bool) -> float:
    return text_number(where, s, decimal_comma=comma, lo=-180, hi=180,
                       expected="a longitude in degrees from -180 to 180 (WGS84)")


def _nonneg(where: str, s: str, comma: bool) -> float:
    return text_number(where, s, decimal_comma=comma, lo=0, expected="a number >= 0")


def _positive(where: str, s: str, comma: bool) -> float:
    value = text_number(where, s, decimal_comma=comma, lo=0, expected="a number > 0")
    if value <= 0:
        raise InputError(where, s, "a number > 0")
    return value


def _any_number(where: str, s: str, comma: bool) -> float:
    return text_number(where, s, decimal_comma=comma,
                       expected="a number (negative: a gate fee paid)")


def _share(where: str, s: str, comma: bool) -> float:
    return share(where, text_number(where, s, decimal_comma=comma,
                                    expected="a share from 0 to 1"))


def _per_week(where: str, s: str, comma: bool) -> int:
    try:
        return per_week(where, text_number(where, s, decimal_comma=comma, expected=PER_WEEK))
    except InputError:
        raise InputError(where, s, PER_WEEK) from None


def _number_list(where: str, s: str, comma: bool, lo_open: bool) -> tuple[float, ...]:
    what = ("numbers > 0" if lo_open else "numbers >= 0") + " separated by '|' (60|120|250)"
    values = tuple(text_number(where, p.strip(), decimal_comma=comma, lo=0, expected=what)
                   for p in s.split("|"))
    if lo_open and any(v <= 0 for v in values):
        raise InputError(where, s, what)
    return values


def _positive_list(where: str, s: str, comma: bool) -> tuple[float, ...]:
    return _number_list(where, s, comma, True)


def _nonneg_list(where: str, s: str, comma: bool) -> tuple[float, ...]:
    return _number_list(where, s, comma, False)


def _parse_bool(where: str, s: str, comma: bool) -> bool:
    return boolean(where, s, words=True)


def _parse_time(where: str, s: str, comma: bool) -> float:
    return time_of_day(where, s, separators=":.h", decimal_comma=comma)


def _parse_window(where: str, s: str, comma: bool) -> tuple[float, float] | None:
    what = "HH:MM-HH:MM (07:00-19:00), minutes 420-1140, or none"
    if s.lower() in ("none", "any"):
        return None
    parts = s.split("-")
    if len(parts) != 2:
        raise InputError(where, s, what)
    try:
        a, b = (_parse_time(where, parts[0].strip(), comma),
                _parse_time(where, parts[1].strip(), comma))
    except InputError:
        raise InputError(where, s, what) from None
    if b < a:
        raise InputError(where, s, what + ", with the start before the end")
    return (a, b)


# --------------------------------------------------------------------------- rows


class _Rows:
    """Reads typed cells of one table, collecting every problem with file, row and column."""

    def __init__(self, path: Path, table: pd.DataFrame, fields: list[_Field],
                 chosen: Mapping[str, str]) -> None:
        self.path = path
        self.table = table
        self.label = str(table.attrs.get("row_label", "row"))
        self.comma = bool(table.attrs.get("decimal_comma", False))
        self.fields = {f.name: f for f in fields}
        self.chosen = chosen
        self.problems: list[InputError] = []
        self.defaulted: dict[str, list[int]] = {}

    def where(self, row: int, name: str) -> str:
        column = self.chosen.get(name, name)
        shown = f"column {column!r}" + ("" if _norm(column) == name else f" ({name})")
        return f"{self.path}, {self.label} {row}, {shown}"

    def problem(self, row: int, name: str, value: Any, expected: str) -> None:
        self.problems.append(InputError(self.where(row, name), value, expected))

    def has(self, name: str) -> bool:
        return name in self.chosen

    def raw(self, row: int, name: str) -> str:
        return str(self.table.at[row, self.chosen[name]]) if name in self.chosen else ""

    def get(self, row: int, name: str, default: Any = None, *, empty_ok: bool = False,
            need: bool = False) -> Any:
        """The parsed cell, ``default`` when the column is absent, None after a problem.

        An empty cell of a required field (or with ``need``) is a problem; of an optional
        field it takes ``default`` (recorded for the warning) unless ``empty_ok`` (then
        None).
        """
        field = self.fields[name]
        if name not in self.chosen:
            return default
        text = self.raw(row, name)
        if text == "":
            if field.required or need:
                self.problem(row, name, "", "a value (the cell is empty)")
                return None
            if not empty_ok:
                self.defaulted.setdefault(name, []).append(row)
            return None if empty_ok else default
        try:
            return field.parse(name, text, self.comma)
        except InputError as exc:
            self.problem(row, name, text, exc.expected)
            return None


# --------------------------------------------------------------------------- import


def import_points(scenario: Scenario, path: str | Path, *, kind: str = "collection_points",
                  columns: Mapping[str, str] | None = None, replace: bool = True,
                  layer: str | None = None, defaults: Mapping[str, Any] | None = None,
                  composition: Mapping[str, float] | None = None,
                  density: float | None = None, accept_far: bool = False) -> Scenario:
    """Read a department's container sites, candidate sites or recyclers into a scenario.

    The file's columns, their defaults and the checks are described in the module
    docstring. Every problem is reported, nothing is dropped: the result holds exactly one
    object per data row.

    Parameters
    ----------
    scenario
        The base scenario: its streams name the per-stream columns, and its objects supply
        defaults (see the module docstring).
    path
        CSV, GeoJSON or GeoPackage file (see :func:`read_table`).
    kind
        ``"collection_points"``, ``"complex_candidates"`` or ``"recyclers"``.
    columns
        Field -> column of the file, for columns not named like the fields, e.g.
        ``{"tonnes": "Tonnage", "lat": "Y", "lon": "X"}``.
    replace
        Replace the base scenario's objects of this kind (default); False appends to them.
    layer
        GeoPackage layer.
    defaults
        Field -> value used where the column is absent or a cell of an optional column is
        empty, overriding the defaults taken from the base scenario, e.g.
        ``{"service_minutes": 6, "time_window": "07:00-19:00"}``. Values are read like
        cells.
    composition
        Shares per stream (sum 1) that split a ``tonnes`` total (or a volume); default the
        base scenario's mix.
    density
        Tonnes per m3 of the mixed waste, for ``m3`` or ``containers`` columns; default
        the mix density of the base scenario's stream densities (see *Volumes* in the
        module docstring).
    accept_far
        Keep rows positioned outside the base scenario's region (with a warning) instead
        of refusing them.

    Returns
    -------
    Scenario
        A new validated scenario; ``metadata["imports"]`` records the file, its SHA-256,
        the kind, the row count, and where used the encoding detected and the volume
        conversion.

    Raises
    ------
    InputError
        For an unreadable file, a bad mapping or missing required columns.
    TableError
        Listing every bad cell, duplicate id, inconsistency and position outside the
        region, each with file, row and column.
    """
    choice("kind", kind, KINDS)
    if density is not None:
        check_number("density", density, lo=0, lo_open=True)
    path = Path(path)
    table = read_table(path, layer=layer, text=True)
    if table.empty:
        raise InputError(str(path), "a header without data rows",
                         "at least one data row")
    streams = scenario.stream_names
    fields = _fields(kind, streams)
    chosen = _resolve_columns(path, table, fields, columns, streams)
    given = _given_defaults(kind, fields, defaults)
    _require(path, table, kind, chosen, streams, scenario, given)
    ignored = [str(c) for c in table.columns if str(c) not in chosen.values()]
    if ignored:
        warnings.warn(f"{path}: ignored column(s) {ignored} (not one of the fields "
                      f"{_compact(fields, streams)}; map them with columns=/--map)",
                      DataWarning, stacklevel=2)
    rows = _Rows(path, table, fields, chosen)
    base_defaults = _defaults(kind, scenario, composition)
    base_defaults.update(given)
    notes = _volume_conversion(kind, chosen, base_defaults, scenario, density)
    build: dict[str, Callable[[_Rows, Mapping[str, Any], Scenario], list[tuple[int, Any]]]]
    build = {"collection_points": _build_points, "complex_candidates": _build_candidates,
             "recyclers": _build_recyclers}
    objects = build[kind](rows, base_defaults, scenario)
    _check_region(rows, objects, scenario, accept_far)
    _check_ids(rows, scenario, kind, replace)
    if rows.problems:
        raise TableError(rows.problems)
    _report_defaults(path, rows, kind, base_defaults, chosen, given)
    if kind == "collection_points":
        _warn_heavy(rows, objects, scenario)
    if table.attrs.get("encoding", "utf-8") != "utf-8":
        notes["encoding"] = table.attrs["encoding"]
    if "conversion" in notes:
        warnings.warn(tr("{path}: {conversion}", path=path, conversion=notes["conversion"]),
                      ImportNote, stacklevel=2)
    return _with_imported(scenario, path, kind, tuple(o for _, o in objects),
                          replace=replace, layer=layer, notes=notes)


def _with_imported(scenario: Scenario, path: Path, kind: str, objects: tuple[Any, ...], *,
                   replace: bool, layer: str | None, notes: Mapping[str, Any]) -> Scenario:
    """The scenario with the imported objects (replacing or added to those of ``kind``)
    and the import recorded in ``metadata["imports"]``."""
    kept = () if replace else tuple(getattr(scenario, kind))
    record = {"kind": kind, "file": path.name, "rows": len(objects), "replace": replace,
              "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    if layer is not None:
        record["layer"] = layer
    record.update(notes)
    metadata = dict(scenario.metadata)
    metadata["imports"] = [*metadata.get("imports", []), record]
    changes: dict[str, Any] = {kind: kept + objects, "metadata": metadata}
    try:
        return dataclasses.replace(scenario, **changes)
    except InputError as exc:
        raise InputError(f"{path}: {exc.field}", exc.value, exc.expected) from exc


def _quantity(path: Path, chosen: Mapping[str, str], streams: tuple[str, ...]) -> str:
    """How a file gives the points' waste: ``"tonnes"``, ``"m3"``, ``"containers"`` or
    ``""`` (no column); two ways at once are refused."""
    ways = [w for w, found in (
        ("tonnes", "tonnes" in chosen or any(f"tonnes_{s}" in chosen for s in streams)),
        ("m3", "m3" in chosen), ("containers", "containers" in chosen)) if found]
    if len(ways) > 1:
        raise InputError(str(path), tr("columns for {ways}", ways=" and ".join(ways)),
                         tr("one way to give the waste of a site: tonnes (or "
                            "tonnes_<stream>), m3 (per day) or containers (with "
                            "container_m3 and fill)"))
    return ways[0] if ways else ""


def _require(path: Path, table: pd.DataFrame, kind: str, chosen: Mapping[str, str],
             streams: tuple[str, ...], scenario: Scenario,
             given: Mapping[str, Any]) -> None:
    missing = [n for n in ("id", "lat", "lon") if n not in chosen]
    quantity = _quantity(path, chosen, streams) if kind == "collection_points" else ""
    if kind == "collection_points" and not quantity:
        missing.append("tonnes (or per-stream columns "
                       + ", ".join(f"tonnes_{s}" for s in streams)
                       + tr("; or m3 per day; or containers with container_m3 and fill)"))
    if quantity == "containers" and "container_m3" not in chosen.keys() | given.keys():
        missing.append(tr("container_m3 (size of one container in m3, or "
                          "--default container_m3=1.1)"))
    if kind == "collection_points" and ("tw_start" in chosen) != ("tw_end" in chosen):
        missing.append("tw_end" if "tw_start" in chosen else "tw_start")
    if kind == "collection_points" and "tw_start" in chosen and "time_window" in chosen:
        raise InputError(str(path), "columns time_window and tw_start/tw_end",
                         "either a time_window column or tw_start and tw_end, not both")
    if kind == "recyclers":
        if "capacity" not in chosen:
            missing.append("capacity")
        if "streams" not in chosen and not any(f"price_{s}" in chosen for s in streams):
            missing.append("streams (or per-stream columns "
                           + ", ".join(f"price_{s}" for s in streams) + ")")
    if kind == "complex_candidates":
        if ("capacity" in chosen) != ("fixed_cost" in chosen):
            missing.append("fixed_cost" if "capacity" in chosen else "capacity")
        elif not scenario.complex_candidates:
            missing += [n for n in ("capacity", "fixed_cost", "variable_cost")
                        if n not in chosen]
            if not any(f"recovery_{s}" in chosen for s in streams):
                missing.append("recovery_<stream> columns")
    if missing:
        extra = ("; the base scenario has no complex candidates to take the figures from"
                 if kind == "complex_candidates" and not scenario.complex_candidates else "")
        raise InputError(str(path), f"columns {[str(c) for c in table.columns]}",
                         f"the required column(s) {missing}{extra} (map differently named "
                         "columns with columns=/--map, e.g. --map lat=Y,lon=X)")


def _mode(values: Iterable[Any], fallback: Any) -> Any:
    counted = Counter(values)
    return counted.most_common(1)[0][0] if counted else fallback


def _defaults(kind: str, scenario: Scenario,
              composition: Mapping[str, float] | None) -> dict[str, Any]:
    """Defaults for absent columns, from the base scenario (see the module docstring)."""
    out: dict[str, Any] = {"name": ""}
    if kind == "collection_points":
        pts = scenario.collection_points
        out["collections_per_week"] = _mode((p.collections_per_week for p in pts), 7)
        out["time_window"] = _mode((p.time_window for p in pts), None)
        out["service_minutes"] = _service_fit(pts)
        out["fill"] = 1.0
        if composition is None:
            total = scenario.total_tonnes_per_day
            out["composition"] = (None if total <= 0 else
                                  {s: t / total for s, t in scenario.tonnes_by_stream().items()
                                   if t > 0})
        else:
            out["composition"] = dict(check_composition("composition", composition,
                                                         streams=scenario.stream_names))
    elif kind == "complex_candidates":
        cands = scenario.complex_candidates
        out["approximate"] = False
        if cands:
            opts = _mode((c.capacity_options for c in cands), ())
            out["capacity"] = tuple(o.capacity_t_per_day for o in opts)
            out["fixed_cost"] = tuple(o.annual_fixed_cost for o in opts)
            out["variable_cost"] = _mode((c.variable_cost_per_tonne for c in cands), 0.0)
            rates = _mode((tuple(sorted(c.recovery_rate.items())) for c in cands), ())
            for s, r in rates:
                out[f"recovery_{s}"] = r
    else:
        out.update(existing=True, opening_cost=0.0, approximate=False)
        for s in scenario.stream_names:
            prices = [r.price_per_tonne[s] for r in scenario.recyclers
                      if s in r.price_per_tonne]
            if prices:
                out[f"price_{s}"] = float(statistics.median(prices))
    return out


def _service_fit(points: tuple[CollectionPoint, ...]) -> tuple[float, float]:
    """``(a, b)`` of service minutes = a + b x tonnes per visit, fitted to ``points``."""
    if not points:
        return (5.0, 0.0)
    x = np.array([p.tonnes_per_visit for p in points])
    y = np.array([p.service_minutes for p in points])
    if len(points) < 2 or np.ptp(x) <= 1e-9:
        return (float(y.mean()), 0.0)
    b, a = np.polyfit(x, y, 1)
    return (round(max(0.0, float(a)), 2), round(max(0.0, float(b)), 2))


def _given_defaults(kind: str, fields: list[_Field],
                    defaults: Mapping[str, Any] | None) -> dict[str, Any]:
    known = {f.name: f for f in fields if f.name not in ("id", "lat", "lon")}
    out: dict[str, Any] = {}
    for key, value in (defaults or {}).items():
        if key not in known:
            raise InputError(f"default {key}", value, f"a default for one of {sorted(known)}")
        try:
            parsed = known[key].parse(f"default {key}", _cell_text(value), False)
        except InputError as exc:
            raise InputError(f"default {key}", value, exc.expected) from None
        out[key] = (parsed, 0.0) if key == "service_minutes" else parsed
    return out


def _build_points(rows: _Rows, defaults: Mapping[str, Any],
                  scenario: Scenario) -> list[tuple[int, CollectionPoint]]:
    streams = scenario.stream_names
    per_stream = [s for s in streams if rows.has(f"tonnes_{s}")]
    composition: Mapping[str, float] = defaults.get("composition") or {}
    if not per_stream and not composition:
        raise InputError("composition", None, "a composition (shares per stream) to split "
                         "the total of each site: the base scenario has no waste to take it "
                         "from")
    a, b = defaults["service_minutes"]
    out = []
    for row in rows.table.index:
        n_before = len(rows.problems)
        ident = rows.get(row, "id")
        lat, lon = rows.get(row, "lat"), rows.get(row, "lon")
        per_week = rows.get(row, "collections_per_week", defaults["collections_per_week"])
        tonnes = _row_tonnes(rows, row, per_stream, composition, per_week, defaults)
        window = _row_window(rows, row, defaults["time_window"])
        if len(rows.problems) > n_before or tonnes is None:
            continue
        per_visit = sum(tonnes.values()) * 7.0 / per_week
        service = rows.get(row, "service_minutes", round(a + b * per_visit, 2))
        if service is None:
            continue
        out.append((row, CollectionPoint(
            ident, lat, lon, tonnes, service_minutes=service, time_window=window,
            collections_per_week=per_week, name=rows.get(row, "name", defaults["name"]))))
    return out


def _row_tonnes(rows: _Rows, row: int, per_stream: list[str],
                composition: Mapping[str, float], per_week: int | None,
                defaults: Mapping[str, Any]) -> dict[str, float] | None:
    """A row's tonnes per day by stream (None after a problem)."""
    if per_stream:
        total = rows.get(row, "tonnes", None, empty_ok=True)
        tonnes = {s: rows.get(row, f"tonnes_{s}", need=True) for s in per_stream}
        if any(v is None for v in tonnes.values()):
            return None
        got = sum(tonnes.values())
        if total is not None and abs(got - total) > max(0.01, 0.01 * total):
            rows.problem(row, "tonnes", rows.raw(row, "tonnes"),
                         f"the sum of the per-stream columns ({got:g}) within 1%")
        return {s: float(v) for s, v in tonnes.items()}
    if rows.has("tonnes"):
        total = rows.get(row, "tonnes", need=True)
    else:
        m3 = _row_m3(rows, row, per_week, defaults)
        total = None if m3 is None else m3 * defaults["density"]
    if total is None:
        return None
    return {s: float(total * f) for s, f in composition.items()}


def _row_m3(rows: _Rows, row: int, per_week: int | None,
            defaults: Mapping[str, Any]) -> float | None:
    """A row's m3 per day from ``m3`` or from its containers (None after a problem)."""
    if rows.has("m3"):
        m3: float | None = rows.get(row, "m3", need=True)
        return m3
    count = rows.get(row, "containers", need=True)
    size = rows.get(row, "container_m3", defaults.get("container_m3"))
    if size is None and rows.has("container_m3") and not rows.raw(row, "container_m3"):
        rows.problem(row, "container_m3", "", tr(
            "the size of one container in m3 (the cell is empty; or --default "
            "container_m3=1.1)"))
    fill = rows.get(row, "fill", defaults["fill"])
    if count is None or size is None or fill is None or per_week is None:
        return None
    return float(count * size * fill * per_week / 7.0)


def _volume_conversion(kind: str, chosen: Mapping[str, str], defaults: dict[str, Any],
                       scenario: Scenario, density: float | None) -> dict[str, Any]:
    """Set ``defaults["density"]`` for a file with volumes; the conversion as notes for
    the import record (empty for a file with tonnes)."""
    way = next((w for w in VOLUMES if w in chosen), None)
    composition = defaults.get("composition")
    if kind != "collection_points" or way is None or not composition:
        return {}
    if density is None:
        density, source = _mix_density(scenario, composition)
    else:
        source = tr("given (--density)")
    defaults["density"] = density
    how = (tr("m3 per day") if way == "m3" else
           tr("containers x container_m3 x fill x collections_per_week / 7 (m3 per day)"))
    text = tr("volumes converted to tonnes: tonnes per day = {how} x {density:.3f} t/m3, "
              "{source}", how=how, density=density, source=source)
    return {"conversion": text, "density_t_per_m3": round(density, 6)}


def _mix_density(scenario: Scenario, composition: Mapping[str, float]) -> tuple[float, str]:
    """The composition-weighted density of the loose streams (the in-truck ones when a
    stream's loose density is unknown), and how it was obtained."""
    streams = [(scenario.stream(s), f) for s, f in composition.items() if f > 0]
    if all(s.loose_density_t_per_m3 is not None for s, _ in streams):
        density = 1.0 / sum(f / float(s.loose_density_t_per_m3 or 0.0) for s, f in streams)
        return density, tr(
            "the mix density of the base scenario's loose stream densities ({densities} "
            "t/m3, waste in containers) weighted by the composition; give --density when "
            "you know yours", densities=", ".join(
                f"{s.name} {s.loose_density_t_per_m3:g}" for s, _ in streams))
    density = 1.0 / sum(f / s.density_t_per_m3 for s, f in streams)
    return density, tr(
        "the mix density of the base scenario's stream densities ({densities} t/m3, waste "
        "compacted in a truck) weighted by the composition; loose waste in containers is "
        "lighter (often 0.1-0.2 t/m3): give --density when you know yours",
        densities=", ".join(f"{s.name} {s.density_t_per_m3:g}" for s, _ in streams))


def _warn_heavy(rows: _Rows, objects: list[tuple[int, Any]], scenario: Scenario) -> None:
    """Warn of implausible tonnes: kilograms, or a column of cubic metres read as tonnes."""
    trucks = [v.capacity_tonnes for d in scenario.depots for v in d.vehicle_types]
    biggest = max(trucks, default=math.inf)
    heavy = [(r, p) for r, p in objects if p.total_tonnes_per_day > MAX_SITE_TONNES_PER_DAY
             or p.tonnes_per_visit > biggest]
    column = rows.chosen.get("tonnes", "")
    if column and _M3_NAME.search(column):
        warnings.warn(tr("{path}: column {column!r} is read as tonnes per day but its name "
                         "says cubic metres; map it as m3 (--map \"m3={column}\") to convert "
                         "it with the stream densities", path=rows.path, column=column),
                      DataWarning, stacklevel=3)
    if not heavy:
        return
    shown = ", ".join(f"{rows.label} {r} {p.id!r} {p.total_tonnes_per_day:,.1f} t/day, "
                      f"{p.tonnes_per_visit:,.1f} t per visit" for r, p in heavy[:5])
    warnings.warn(tr(
        "{path}: {n} container site(s) above {limit:g} t/day or above the largest truck's "
        "{biggest:g} t per visit ({shown}); are the figures kilograms, or cubic metres? The "
        "tonnes columns take tonnes per working day: map a column of m3 per day as m3 "
        "(--map \"m3=COLUMN\"), or give containers, container_m3 and fill",
        path=rows.path, n=len(heavy), limit=MAX_SITE_TONNES_PER_DAY, biggest=biggest,
        shown=shown), DataWarning, stacklevel=3)


def _row_window(rows: _Rows, row: int, default: tuple[float, float] | None
                ) -> tuple[float, float] | None:
    if not rows.has("tw_start"):
        window: tuple[float, float] | None = rows.get(row, "time_window", default)
        return window
    if not rows.raw(row, "tw_start") and not rows.raw(row, "tw_end"):
        rows.defaulted.setdefault("time_window", []).append(row)
        return default
    start = rows.get(row, "tw_start", need=True)
    end = rows.get(row, "tw_end", need=True)
    if start is None or end is None:
        return None
    if end < start:
        rows.problem(row, "tw_end", rows.raw(row, "tw_end"),
                     f"a time after tw_start ({rows.raw(row, 'tw_start')})")
        return None
    return (start, end)


def _build_candidates(rows: _Rows, defaults: Mapping[str, Any],
                      scenario: Scenario) -> list[tuple[int, ComplexCandidate]]:
    streams = scenario.stream_names
    out = []
    for row in rows.table.index:
        n_before = len(rows.problems)
        ident = rows.get(row, "id")
        lat, lon = rows.get(row, "lat"), rows.get(row, "lon")
        caps = rows.get(row, "capacity", defaults.get("capacity"))
        costs = rows.get(row, "fixed_cost", defaults.get("fixed_cost"))
        if caps is not None and costs is not None and len(caps) != len(costs):
            rows.problem(row, "fixed_cost", rows.raw(row, "fixed_cost") or costs,
                         f"{len(caps)} annual fixed cost(s), one per capacity option "
                         f"({rows.raw(row, 'capacity') or caps})")
        variable = rows.get(row, "variable_cost", defaults.get("variable_cost"))
        recovery = {s: rows.get(row, f"recovery_{s}", defaults.get(f"recovery_{s}", 0.0))
                    for s in streams}
        approximate = rows.get(row, "approximate", defaults["approximate"])
        if len(rows.problems) > n_before:
            continue
        out.append((row, ComplexCandidate(
            ident, lat, lon,
            tuple(CapacityOption(c, f) for c, f in zip(caps, costs, strict=True)),
            variable, recovery, approximate=approximate,
            name=rows.get(row, "name", defaults["name"]))))
    return out


def _build_recyclers(rows: _Rows, defaults: Mapping[str, Any],
                     scenario: Scenario) -> list[tuple[int, Recycler]]:
    streams = scenario.stream_names
    out = []
    for row in rows.table.index:
        n_before = len(rows.problems)
        ident = rows.get(row, "id")
        lat, lon = rows.get(row, "lat"), rows.get(row, "lon")
        capacity = rows.get(row, "capacity")
        listed: list[str] = []
        if rows.has("streams"):
            text = rows.raw(row, "streams")
            listed = [s.strip() for s in text.split("|") if s.strip()]
            unknown = [s for s in listed if s not in streams]
            if unknown or (not listed and not any(
                    rows.raw(row, f"price_{s}") for s in streams)):
                rows.problem(row, "streams", text,
                             f"stream names separated by '|' from {list(streams)}")
        common = rows.get(row, "price", None, empty_ok=True)
        prices: dict[str, float] = {}
        for s in streams:
            own = rows.get(row, f"price_{s}", None, empty_ok=True)
            if own is not None:
                prices[s] = own
            elif s in listed:
                price = common if common is not None else defaults.get(f"price_{s}")
                if price is None:
                    rows.problem(row, "streams", rows.raw(row, "streams"),
                                 f"a price for {s!r}: add a 'price' or 'price_{s}' column "
                                 "(the base scenario has no recycler buying it)")
                else:
                    prices[s] = price
        if not prices and len(rows.problems) == n_before:
            rows.problem(row, "streams" if rows.has("streams") else f"price_{streams[0]}",
                         "", "at least one accepted stream with its price")
        existing = rows.get(row, "existing", defaults["existing"])
        opening = rows.get(row, "opening_cost", defaults["opening_cost"])
        approximate = rows.get(row, "approximate", defaults["approximate"])
        if len(rows.problems) > n_before:
            continue
        out.append((row, Recycler(ident, lat, lon, prices, capacity, existing=existing,
                                  opening_cost=opening, approximate=approximate,
                                  name=rows.get(row, "name", defaults["name"]))))
    return out


def _check_ids(rows: _Rows, scenario: Scenario, kind: str, replace: bool) -> None:
    """Every id once in the file, and not used by another object of the scenario."""
    replaced = {o.id for o in getattr(scenario, kind)} if replace else set()
    others = {o.id: type(o).__name__ for o in scenario.located() if o.id not in replaced}
    first_row: dict[str, int] = {}
    for row in rows.table.index:
        ident = rows.raw(row, "id")
        if not ident:
            continue
        if ident in first_row:
            rows.problem(row, "id", ident,
                         f"a unique id (already used in {rows.label} {first_row[ident]})")
        elif ident in others:
            rows.problem(row, "id", ident,
                         f"a unique id (the scenario has a {others[ident]} with this id"
                         + ("" if replace else "; replace instead of append?") + ")")
        first_row.setdefault(ident, row)
    rows.problems.sort(key=lambda p: _row_of(p.field))


def _row_of(where: str) -> int:
    m = re.search(r", (?:row|feature) (\d+),", where)
    return int(m.group(1)) if m else 0


def _report_defaults(path: Path, rows: _Rows, kind: str, defaults: Mapping[str, Any],
                     chosen: Mapping[str, str], given: Mapping[str, Any]) -> None:
    relevant = {
        "collection_points": ("service_minutes", "collections_per_week", "time_window",
                              *(("container_m3", "fill") if "containers" in chosen else ())),
        "complex_candidates": ("capacity", "fixed_cost", "variable_cost"),
        "recyclers": ("existing", "opening_cost"),
    }[kind]
    notes = []
    has_window = "time_window" in chosen or "tw_start" in chosen
    for name in relevant:
        present = has_window if name == "time_window" else name in chosen
        source = ("given" if name in given else "assumed: full when emptied"
                  if name == "fill" else "from the base scenario")
        if name == "service_minutes":
            a, b = defaults[name]
            value = f"{a:g} + {b:g} min per tonne per visit"
        else:
            value = _show(name, defaults.get(name))
        if not present:
            notes.append(f"{name} (no column): {value} ({source})")
        elif rows.defaulted.get(name):
            empty = rows.defaulted[name]
            notes.append(f"{name}: {len(empty)} empty cell(s) ({rows.label}s "
                         f"{', '.join(map(str, empty[:5]))}{'...' if len(empty) > 5 else ''})"
                         f" took {value} ({source})")
    if kind == "collection_points" and {"tonnes", *VOLUMES} & chosen.keys() and not any(
            k.startswith("tonnes_") for k in chosen):
        notes.append("tonnes split by the composition " + ", ".join(
            f"{s} {f:.3f}" for s, f in defaults["composition"].items()))
    if kind == "complex_candidates":
        absent = [k for k in defaults if k.startswith("recovery_") and k not in chosen]
        if absent:
            notes.append("recovery rates (no column) from the base scenario: " + ", ".join(
                f"{k[len('recovery_'):]} {defaults[k]:g}" for k in absent))
    if notes:
        warnings.warn(f"{path}: defaults used: " + "; ".join(notes), DataWarning,
                      stacklevel=3)


def _show(name: str, value: Any) -> str:
    if value is None:
        return "none"
    if name == "time_window":
        return "-".join(f"{int(v) // 60:02d}:{int(v) % 60:02d}" for v in value)
    if isinstance(value, tuple):
        return "|".join(f"{v:g}" for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _region(scenario: Scenario, margin_km: float = REGION_MARGIN_KM
           ) -> tuple[float, float, float, float] | None:
    """``(lat_lo, lat_hi, lon_lo, lon_hi)``: the bounding box of the scenario's located
    objects widened by ``margin_km``; None when it has none."""
    objects = scenario.located()
    if not objects:
        return None
    lats, lons = [o.lat for o in objects], [o.lon for o in objects]
    dlat = margin_km / 111.2
    dlon = margin_km / (111.2 * max(0.1, math.cos(math.radians(statistics.median(lats)))))
    return (min(lats) - dlat, max(lats) + dlat, min(lons) - dlon, max(lons) + dlon)


def _inside(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    return box[0] <= lat <= box[1] and box[2] <= lon <= box[3]


def _check_region(rows: _Rows, objects: list[tuple[int, Any]], scenario: Scenario,
                  accept_far: bool) -> None:
    """Refuse (or with ``accept_far`` warn about) rows outside the base's region."""
    box = _region(scenario)
    if box is None:
        return
    shown = tr("the region of scenario {name!r} (lat {a:.3f} to {b:.3f}, lon {c:.3f} to "
               "{d:.3f}: its objects plus {km:g} km)", name=scenario.name, a=box[0],
               b=box[1], c=box[2], d=box[3], km=REGION_MARGIN_KM)
    far = []
    for row, obj in objects:
        if _inside(box, obj.lat, obj.lon):
            continue
        swapped = -90 <= obj.lon <= 90 and _inside(box, obj.lon, obj.lat)
        hint = (tr("lat/lon swapped? ({lon:g}, {lat:g}) lies inside", lat=obj.lat,
                   lon=obj.lon) if swapped else
                tr("{km:,.0f} km away: check the position", km=_km_outside(box, obj)))
        far.append((row, obj, hint))
    if not far:
        return
    if accept_far:
        lines = "; ".join(f"{rows.label} {r} {o.id!r} ({o.lat:g}, {o.lon:g}): {h}"
                          for r, o, h in far[:5])
        warnings.warn(tr("{path}: {n} object(s) outside {region}, kept as asked "
                         "(--accept-far): {lines}", path=rows.path, n=len(far),
                         region=shown, lines=lines), DataWarning, stacklevel=3)
        return
    for row, obj, hint in far:
        rows.problems.append(InputError(
            f"{rows.path}, {rows.label} {row}, lat/lon of {obj.id!r}",
            f"lat {rows.raw(row, 'lat')}, lon {rows.raw(row, 'lon')}",
            tr("a position within {region}; {hint}; pass --accept-far (accept_far=True) to "
               "keep it deliberately", region=shown, hint=hint)))


def _km_outside(box: tuple[float, float, float, float], obj: Any) -> float:
    """Great-circle km from ``obj`` to the nearest point of ``box``."""
    lat = min(max(obj.lat, box[0]), box[1])
    lon = min(max(obj.lon, box[2]), box[3])
    p1, p2 = math.radians(obj.lat), math.radians(lat)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - obj.lon) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
