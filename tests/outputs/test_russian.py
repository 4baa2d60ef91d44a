"""The plan's tables, report and summary in Russian (headers, headings, numbers)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from circularopt.i18n import using
from circularopt.outputs import plan_layers, plan_tables, write_csv
from circularopt.outputs.report import report_html
from circularopt.plan import Plan


@pytest.fixture(scope="module")
def layers(plan: Plan) -> dict:
    return plan_layers(plan)


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")


def test_csv_header_in_russian_only_when_russian(plan: Plan, layers: dict,
                                                 tmp_path: Path) -> None:
    routes = plan_tables(plan, layers)["routes"]
    write_csv(routes, tmp_path / "en.csv")
    with using("ru"):
        write_csv(routes, tmp_path / "ru.csv")
    assert _header(tmp_path / "en.csv")[:4] == ["route", "vehicle", "sequence", "kind"]
    assert _header(tmp_path / "ru.csv")[:4] == ["маршрут", "мусоровоз", "порядок", "тип"]
    back = pd.read_csv(tmp_path / "ru.csv", encoding="utf-8-sig")
    assert len(back) == len(routes) and list(back["маршрут"]) == list(routes["route"])


def test_stream_columns_named_in_russian(plan: Plan, layers: dict, tmp_path: Path) -> None:
    with using("ru"):
        write_csv(plan_tables(plan, layers)["complexes"], tmp_path / "complexes.csv")
    header = _header(tmp_path / "complexes.csv")
    assert header[:4] == ["код", "название", "широта", "долгота"]
    assert "поступает plastic (т/сут)" in header


def test_kpi_table_keeps_plain_numbers_in_russian(plan: Plan, layers: dict) -> None:
    english = plan_tables(plan, layers)["kpis"]
    with using("ru"):
        russian = plan_tables(plan, layers)["kpis"]
    assert russian["figure"].iloc[0] == "годовые затраты: постоянные"
    assert list(russian["value"]) == list(english["value"])
    used = russian[russian["figure"] == "задействовано мусоровозов"]
    assert used["unit"].iloc[0] == f"из {plan.kpis.vehicles_available}"  # type: ignore[union-attr]


def test_report_in_russian(plan: Plan, layers: dict) -> None:
    with using("ru"):
        page = report_html(plan, layers)
    assert "<html lang='ru'>" in page
    assert "<title>План сбора и сортировки отходов: Tiny test town</title>" in page
    assert "<h2>Сортировочные комплексы</h2>" in page
    assert "<h2>Допущения и источники</h2>" in page
    assert "Sorting complexes" not in page
    assert "<td>остановка</td>" in page and "<td>stop</td>" not in page
    english = report_html(plan, layers)
    assert "<h1>Waste collection and sorting plan: Tiny test town</h1>" in english


def test_report_charts_use_russian_separators(plan: Plan) -> None:
    from circularopt.outputs.report import cost_figure

    assert cost_figure(plan).layout.separators == ".,"
    with using("ru"):
        fig = cost_figure(plan)
    assert fig.layout.separators == ",\u00a0"
    assert fig.data[0].x[-1] == "итого (нетто)"


def test_report_banner_in_russian(plan: Plan, layers: dict) -> None:
    assert plan.approximate  # the tiny town has no road network
    with using("ru"):
        page = report_html(plan, layers)
    assert "<div class='banner approx' id='approx-banner'>Расстояния приблизительные:" in page


def test_summary_in_russian_with_russian_numbers(plan: Plan) -> None:
    assert plan.kpis is not None
    with using("ru"):
        text = plan.summary()
    assert text.startswith("План для 'tiny'")
    assert "проверка: пройдена" in text
    collected = f"{plan.kpis.collected_t_per_day:.1f}".replace(".", ",")
    assert f"собрано {collected} т/сут" in text
    assert "Plan for 'tiny'" in plan.summary()
