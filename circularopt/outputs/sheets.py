"""Printable route sheets: one page per truck and working day, for the crews.

:func:`route_sheets` cuts the plan's route table (``routes.csv``, one row per visit) into
one :class:`RouteSheet` per truck-day: a week plan's routes of every working day, else the
plan's own routes (``every day`` or ``peak day``). :func:`sheets_html` prints them with
print CSS (one sheet per page, A4) and :func:`write_sheets_pdf` writes the same sheets as
a PDF with fpdf2 (a small, maintained pure-Python PDF writer with tables and Unicode
fonts; the Cyrillic text uses the DejaVu Sans font that matplotlib ships).

Each sheet lists the visits in order (start at the depot, stops with their id and name,
curbside streets served, unloading trips at the complex or landfill, breaks, the end) with
arrival and departure times, tonnes picked up and the load on board after the visit, and
totals (stops, streets, tonnes, unloading trips, km, hours). Times and tonnes are the
plan's expectations; with approximate distances or synthetic streets every sheet says so.
"""

from __future__ import annotations

import html as _html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from circularopt.i18n import get_language, lazy, num, tr
from circularopt.outputs.labels import route_label
from circularopt.outputs.week import day_colour, day_label, day_name, week_days
from circularopt.plan import Plan
from circularopt.routing.result import Route

__all__ = ["SHEET_FILES", "RouteSheet", "route_sheets", "sheets_html", "write_route_sheets",
           "write_sheets_pdf"]

SHEET_FILES = ("route-sheets.html", "route-sheets.pdf")
"""The files :func:`write_route_sheets` writes."""


@dataclass(frozen=True, kw_only=True)
class RouteSheet:
    """One truck's route on one day, as printed."""

    day: str
    route: str
    vehicle: str
    visits: pd.DataFrame
    km: float
    hours: float

    @property
    def stops(self) -> int:
        """Collection stops."""
        return int((self.visits["kind"] == "stop").sum())

    @property
    def streets(self) -> int:
        """Curbside streets served."""
        return int((self.visits["kind"] == "street").sum())

    @property
    def unloads(self) -> int:
        """Unloading trips (at a complex or landfill)."""
        return int((self.visits["kind"] == "unload").sum())

    @property
    def tonnes(self) -> float:
        """Tonnes picked up."""
        return float(self.visits["picked_up_t"].sum())

    @property
    def time(self) -> str:
        """``hh:mm-hh:mm`` from leaving the depot to coming back."""
        return f"{self.visits['departure'].iloc[0]}-{self.visits['arrival'].iloc[-1]}"


def _day_routes(plan: Plan) -> list[tuple[str, Sequence[Route]]]:
    """(day, routes) of the week plan's working days, else of the plan's own routes."""
    week = week_days(plan)
    if week:
        return [(name, result.routes) for name, result, _ in week]
    return [(day_label(plan), plan.routing.routes if plan.routing is not None else ())]


def route_sheets(plan: Plan, visits: pd.DataFrame) -> list[RouteSheet]:
    """One :class:`RouteSheet` per truck-day of ``plan``.

    Parameters
    ----------
    plan
        The plan.
    visits
        Its route table (``plan_tables(plan)["routes"]``, the rows of ``routes.csv``).
    """
    groups = {key: sub for key, sub in visits.groupby(["day", "route"], sort=False)}
    out = []
    for day, routes in _day_routes(plan):
        for k, r in enumerate(routes):
            label = route_label(k, len(routes))
            sub = groups.get((day, label))
            if sub is None or not len(sub):
                continue
            out.append(RouteSheet(day=day, route=label, vehicle=str(sub["vehicle"].iloc[0]),
                                  visits=sub.reset_index(drop=True),
                                  km=r.distance / 1000.0, hours=r.duration / 3600.0))
    return out


_KINDS = {"start": lazy("start at the depot"), "stop": lazy("stop"),
          "street": lazy("curbside street"), "unload": lazy("unload"), "break": lazy("break"),
          "end": lazy("back at the depot")}
"""Visit kinds as a sheet names them."""


def _header() -> tuple[str, ...]:
    return ("#", tr("what"), tr("id"), tr("name"), tr("arrival"), tr("departure"),
            tr("picked up t"), tr("on board t"), tr("done"))


def _rows(sheet: RouteSheet) -> list[tuple[str, ...]]:
    """The sheet's visits as text cells (the last, ``done``, left blank to tick)."""
    cols = ("sequence", "kind", "id", "name", "arrival", "departure", "picked_up_t",
            "load_on_board_t")
    return [(str(seq), tr(_KINDS.get(kind, kind)), str(id_), str(name), str(arrival),
             str(departure), num(picked, 2) if kind in ("stop", "street") else "",
             num(on_board, 2), "")
            for seq, kind, id_, name, arrival, departure, picked, on_board
            in zip(*(sheet.visits[c].tolist() for c in cols), strict=True)]


def _title(plan: Plan, sheet: RouteSheet) -> str:
    return tr("Route sheet: {day}, {vehicle}, route {route}", day=day_name(sheet.day),
              vehicle=sheet.vehicle, route=sheet.route)


def _totals(sheet: RouteSheet) -> str:
    figures = {"stops": sheet.stops, "t": num(sheet.tonnes, 2), "unloads": sheet.unloads,
               "km": num(sheet.km, 1), "hours": num(sheet.hours, 1), "time": sheet.time}
    if sheet.streets:
        return tr("{stops} stops, {streets} curbside streets, {t} t picked up, {unloads} "
                  "unloading trips, {km} km, {hours} h ({time})", streets=sheet.streets,
                  **figures)
    return tr("{stops} stops, {t} t picked up, {unloads} unloading trips, {km} km, {hours} h "
              "({time})", **figures)


def _notes(plan: Plan) -> list[str]:
    """Lines under every sheet's title: the plan, and the approximation when there is one."""
    sc = plan.scenario
    out = [tr("Plan: {name}. Times and tonnes are expected values; tonnes accumulate since "
              "the previous collection day.", name=sc.metadata.get("title", sc.name))]
    if plan.approximate:
        out.append(tr("Distances are approximate: {source}. Times and km are estimates, not "
                      "from a road network.", source=plan.matrices_source))
    if any(st.synthetic for st in sc.streets):
        out.append(tr("Curbside streets named 'synthetic ...' are SYNTHETIC: a generated grid "
                      "stands for the private-house sector; no real street lies behind them."))
    return out


_CSS = """
body{font-family:system-ui,'Segoe UI',Roboto,Arial,sans-serif;color:#111;margin:0}
.sheet{padding:10mm 12mm;break-after:page;page-break-after:always}
.sheet:last-child{break-after:auto;page-break-after:auto}
h1{font-size:15pt;margin:0 0 4px;padding-left:8px;border-left:10px solid}
p{margin:2px 0;font-size:9.5pt}.note{color:#7a4d00}
table{border-collapse:collapse;width:100%;font-size:9pt;margin-top:6px}
th,td{border:1px solid #999;padding:2px 4px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.unload td{background:#eee;font-weight:600}tr.start td,tr.end td{font-style:italic}
.sign{margin-top:10px;font-size:9.5pt}
@page{size:A4;margin:8mm}
@media screen{.sheet{border-bottom:2px dashed #bbb}}
"""


def sheets_html(plan: Plan, sheets: Sequence[RouteSheet]) -> str:
    """The sheets as one printable HTML page (one sheet per printed page, no scripts)."""
    e = _html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in _header())
    notes = "".join(f"<p class='note'>{e(n)}</p>" for n in _notes(plan))
    parts = []
    for s in sheets:
        body = "".join(
            f"<tr class='{e(str(kind))}'>" + "".join(
                f"<td class='num'>{e(c)}</td>" if k in (0, 6, 7) else f"<td>{e(c)}</td>"
                for k, c in enumerate(row)) + "</tr>"
            for kind, row in zip(s.visits["kind"], _rows(s), strict=True))
        parts.append(
            f"<section class='sheet'><h1 style='border-color:{day_colour(s.day)}'>"
            f"{e(_title(plan, s))}</h1><p><b>{e(_totals(s))}</b></p>{notes}"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p class='sign'>{e(tr('Driver: ______________  Checked: ______________'))}"
            "</p></section>")
    if not parts:
        parts.append(f"<p>{e(tr('The plan has no routes.'))}</p>")
    title = tr("Route sheets: {name}", name=plan.scenario.metadata.get("title",
                                                                      plan.scenario.name))
    return (f"<!DOCTYPE html><html lang='{get_language()}'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">"
            f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
            + "".join(parts) + "</body></html>")


_PDF_WIDTHS = (8, 27, 25, 52, 13, 13, 16, 16, 10)
"""Column widths (mm) of the PDF sheets' table (190 mm: A4 less 10 mm margins)."""


def _pdf_font() -> Path:
    """DejaVu Sans as matplotlib ships it (covers Latin and Cyrillic)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


_PDF_RIGHT = (0, 6, 7)
"""Columns of the PDF table aligned right (numbers)."""


def _pdf_table(pdf: Any, rows: Sequence[tuple[str, ...]]) -> None:
    """The visits as one-line cells (long names cut), the header repeated on each page.

    Each text is placed as ``cell()`` places it (``c_margin`` inside, the baseline 0.3
    font sizes below the middle of the 5 mm row) and the grid is drawn as lines per
    page: ``cell()`` lays out styled text and draws a border for every call, which took
    most of the time of a city week's sheets (docs/benchmarks.md); fpdf2's ``table()``
    is slower still."""
    pdf.set_font("DejaVu", size=7.5)
    fit = _Fit(pdf)
    edges = [pdf.l_margin]
    for w in _PDF_WIDTHS:
        edges.append(edges[-1] + w)

    def line(cells: Sequence[str], right: Sequence[int] = _PDF_RIGHT) -> None:
        y = pdf.get_y()
        for k, (w, text) in enumerate(zip(_PDF_WIDTHS, cells, strict=True)):
            cut, width = fit(text, w)
            x = edges[k + 1] - pdf.c_margin - width if k in right else (
                edges[k] + pdf.c_margin)
            if cut:
                pdf.text(x, y + 2.5 + 0.3 * pdf.font_size, cut)
        pdf.line(edges[0], y + 5, edges[-1], y + 5)
        pdf.set_y(y + 5)

    def header() -> float:
        top = pdf.get_y()
        pdf.set_fill_color(235, 235, 235)
        pdf.rect(edges[0], top, edges[-1] - edges[0], 5, style="DF")
        line(_header(), right=())
        return top

    def grid(top: float) -> None:
        for x in edges:
            pdf.line(x, top, x, pdf.get_y())

    top = header()
    for row in rows:
        if pdf.will_page_break(5):
            grid(top)
            pdf.add_page()
            top = header()
        line(row)
    grid(top)


class _Fit:
    """``text`` cut (with an ellipsis) to fit a cell ``width`` mm wide, and its width.

    A text's width is the sum of its characters' (as fpdf2 measures text without
    shaping), each measured once."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf
        self.chars: dict[str, float] = {}

    def width(self, text: str) -> float:
        total = 0.0
        for c in text:
            w = self.chars.get(c)
            if w is None:
                w = self.chars[c] = self.pdf.get_string_width(c)
            total += w
        return total

    def __call__(self, text: str, width: float) -> tuple[str, float]:
        have = self.width(text)
        if have <= width - 2:
            return text, have
        room = width - 2 - self.width("\u2026")
        while text and have > room:
            have -= self.width(text[-1])
            text = text[:-1]
        return text + "\u2026", have + self.width("\u2026")


def write_sheets_pdf(plan: Plan, sheets: Sequence[RouteSheet], path: str | Path) -> Path:
    """Write the sheets as a PDF (A4, one sheet per page, longer ones go on) with fpdf2."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=10)
    pdf.add_font("DejaVu", "", str(_pdf_font()))
    notes = _notes(plan)
    for s in sheets or ():
        pdf.add_page()
        r, g, b = (int(day_colour(s.day)[i:i + 2], 16) for i in (1, 3, 5))
        pdf.set_fill_color(r, g, b)
        pdf.rect(10, 10, 3, 8, style="F")
        pdf.set_font("DejaVu", size=13)
        pdf.set_x(15)
        pdf.cell(text=_title(plan, s), new_x="LMARGIN", new_y="NEXT", h=8)
        pdf.set_font("DejaVu", size=9)
        for line in (_totals(s), *notes):
            pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        _pdf_table(pdf, _rows(s))
        pdf.set_font("DejaVu", size=9)
        pdf.ln(3)
        pdf.cell(text=tr("Driver: ______________  Checked: ______________"))
    if not sheets:
        pdf.add_page()
        pdf.set_font("DejaVu", size=11)
        pdf.cell(text=tr("The plan has no routes."))
    path = Path(path)
    pdf.output(str(path))
    return path


def write_route_sheets(plan: Plan, folder: str | Path, visits: pd.DataFrame, *,
                       html: bool = True, pdf: bool = True) -> dict[str, Path]:
    """Write ``route-sheets.html`` (``html``) and ``route-sheets.pdf`` (``pdf``) into
    ``folder``.

    Parameters
    ----------
    plan
        The plan.
    folder
        An existing folder.
    visits
        The plan's route table (``plan_tables(plan)["routes"]``).
    html, pdf
        Which of the two files to write.

    Returns
    -------
    dict
        File name -> path.
    """
    folder = Path(folder)
    sheets = route_sheets(plan, visits)
    out = {}
    if html:
        out[SHEET_FILES[0]] = folder / SHEET_FILES[0]
        out[SHEET_FILES[0]].write_text(sheets_html(plan, sheets), encoding="utf-8")
    if pdf:
        out[SHEET_FILES[1]] = write_sheets_pdf(plan, sheets, folder / SHEET_FILES[1])
    return out
