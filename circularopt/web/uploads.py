"""Uploaded site files: type and size checks, encoding, storage under the data folder.

A department's file is checked before anything is kept: its name ending and its first
bytes must agree (CSV text, ``.xlsx`` workbook, GeoPackage, GeoJSON), its size must stay
under the limit, and it must be readable by :func:`circularopt.importers.read_table`.
CSV files in Windows-1251 (what Russian Excel writes as "CSV") are re-encoded to UTF-8,
and a workbook's first sheet is saved as a ``;``-separated UTF-8 CSV (cells as text), so
the importer's row numbers still match the spreadsheet's. Files are stored as
``uploads/<token><suffix>`` with a random token; nothing else in the name is used.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
from pathlib import Path
from typing import Any

from circularopt.exceptions import InputError
from circularopt.i18n import tr

__all__ = ["SUFFIXES", "UPLOAD_FIELDS", "guess_mapping", "preview", "save_upload", "upload_path"]

SUFFIXES = (".csv", ".txt", ".xlsx", ".gpkg", ".geojson", ".json")
"""File name endings the app accepts."""

UPLOAD_FIELDS = ("id", "lat", "lon", "name", "tonnes", "service_minutes",
                 "collections_per_week", "time_window")
"""Fields of container sites offered in the column-mapping form (see the importers)."""

_TOKEN = re.compile(r"^[0-9a-f]{16}(\.[a-z]+)$")


def _decode_csv(raw: bytes) -> str:
    if b"\x00" in raw:
        raise InputError("file", tr("binary data"), tr("a text (CSV) file"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def _xlsx_to_csv(raw: bytes) -> str:
    import pandas as pd

    try:
        table = pd.read_excel(io.BytesIO(raw), dtype=str, keep_default_na=False,
                              engine="openpyxl")
    except Exception as exc:
        raise InputError("file", tr("an unreadable workbook"),
                         tr("an .xlsx file saved by Excel ({error})", error=exc)) from exc
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([str(c) for c in table.columns])
    writer.writerows(table.astype(str).values.tolist())
    return out.getvalue()


def _checked(raw: bytes, suffix: str) -> tuple[bytes, str]:
    """The bytes to store and their suffix; InputError when content and name disagree."""
    expected = {".xlsx": b"PK\x03\x04", ".gpkg": b"SQLite format 3\x00"}
    if suffix in expected and not raw.startswith(expected[suffix]):
        raise InputError("file", suffix, tr("a file whose content matches its name ending"))
    if suffix == ".xlsx":
        return _xlsx_to_csv(raw).encode("utf-8"), ".csv"
    if suffix in (".geojson", ".json"):
        try:
            json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError("file", tr("invalid GeoJSON"),
                             tr("a GeoJSON file ({error})", error=exc)) from exc
        return raw, ".geojson"
    if suffix == ".gpkg":
        return raw, suffix
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"SQLite format"):
        raise InputError("file", tr("a binary file named {suffix}", suffix=suffix),
                         tr("a CSV text file"))
    return _decode_csv(raw).encode("utf-8"), ".csv"


def save_upload(raw: bytes, filename: str, folder: Path, *, max_bytes: int) -> str:
    """Check an uploaded file, store it under ``folder`` and return its token.

    Raises
    ------
    InputError
        Too large, empty, an unknown type, content that does not match the name, or a
        table the importer cannot read (the file is then not kept).
    """
    from circularopt.importers import read_table

    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("file", filename, tr("a file ending in {endings}",
                                              endings=", ".join(SUFFIXES)))
    if len(raw) > max_bytes:
        raise InputError("file", tr("{size} bytes", size=len(raw)),
                         tr("at most {limit} bytes", limit=max_bytes))
    if not raw.strip():
        raise InputError("file", tr("an empty file"), tr("a header row and data rows"))
    data, suffix = _checked(raw, suffix)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8) + suffix
    path = folder / token
    path.write_bytes(data)
    try:
        read_table(path, text=True)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return token


def upload_path(folder: Path, token: str) -> Path:
    """The stored file of ``token``; InputError for anything but a stored token."""
    if not _TOKEN.match(token or ""):
        raise InputError("upload", token, tr("an upload token"))
    path = folder / token
    if not path.is_file():
        raise InputError("upload", token, tr("an upload of this server"))
    return path


def preview(path: Path, rows: int = 10) -> dict[str, Any]:
    """Columns, the first ``rows`` rows (as text) and the row count of a stored upload."""
    from circularopt.importers import read_table

    table = read_table(path, text=True)
    return {"columns": [str(c) for c in table.columns],
            "rows": [(int(i), [str(v) for v in r]) for i, r in
                     zip(table.index[:rows], table.head(rows).values.tolist(), strict=True)],
            "count": len(table), "row_label": table.attrs.get("row_label", "row")}


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Field -> column for the usual Russian and English header names (a first guess)."""
    hints = {
        "id": ("id", "код", "номер", "№", "ид"),
        "lat": ("lat", "latitude", "широта"),
        "lon": ("lon", "lng", "longitude", "долгота"),
        "name": ("name", "название", "адрес", "наименование"),
        "tonnes": ("tonnes", "тонн", "т/сут", "масса", "объем", "объём"),
        "service_minutes": ("service", "обслуж", "минут"),
        "collections_per_week": ("per_week", "в неделю", "вывоз", "частота"),
        "time_window": ("window", "окно", "время"),
    }
    out: dict[str, str] = {}
    for field, words in hints.items():
        for column in columns:
            low = column.lower().strip()
            if column not in out.values() and any(low == w or w in low for w in words):
                out[field] = column
                break
    return out
