"""The CSV dialects: ``excel-ru`` writes ``;``, decimal commas and a UTF-8 BOM."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from circularopt.exceptions import InputError
from circularopt.outputs import CSV_TABLES, write_csv, write_outputs
from circularopt.outputs.tables import CSV_DIALECT_SETTING, csv_dialect
from circularopt.plan import Plan


def _read(path: Path, sep: str, decimal: str) -> pd.DataFrame:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 BOM"
    return pd.read_csv(path, encoding="utf-8-sig", sep=sep, decimal=decimal,
                       keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def both(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("dialects")
    write_outputs(plan, base / "en", formats="csv", csv_dialect="excel")
    write_outputs(plan, base / "ru", formats="csv", csv_dialect="excel-ru")
    return base / "en", base / "ru"


@pytest.mark.parametrize("table", CSV_TABLES)
def test_excel_ru_reads_back_with_the_same_numbers(both: tuple[Path, Path],
                                                   table: str) -> None:
    en = _read(both[0] / f"{table}.csv", ",", ".")
    ru = _read(both[1] / f"{table}.csv", ";", ",")
    assert list(ru.columns) == list(en.columns)
    pd.testing.assert_frame_equal(ru, en, check_dtype=False)


def test_excel_ru_text_has_semicolons_and_decimal_commas(both: tuple[Path, Path]) -> None:
    text = (both[1] / "flows.csv").read_text(encoding="utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("from;to;kind;stream;tonnes_per_day")
    assert "," in first.split(";")[4]  # tonnes per day with a decimal comma
    assert "." not in first.split(";")[4]


def test_mixed_column_values_get_decimal_commas(tmp_path: Path) -> None:
    df = pd.DataFrame({"figure": ["Cost, total", "Routes", "Share"],
                       "value": [1234.5, 7, 0.25], "note": ["a;b", "", "x"]})
    df["value"] = df["value"].astype(object)
    df.loc[1, "value"] = 7
    write_csv(df, tmp_path / "k.csv", dialect="excel-ru")
    back = _read(tmp_path / "k.csv", ";", ",")
    assert list(back["figure"]) == ["Cost, total", "Routes", "Share"]
    assert list(back["value"]) == [1234.5, 7, 0.25]
    assert list(back["note"].fillna("")) == ["a;b", "", "x"]


def test_the_setting_chooses_the_dialect(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.setenv(CSV_DIALECT_SETTING, "excel-ru")
    assert csv_dialect() == "excel-ru"
    assert csv_dialect("excel") == "excel"  # the caller's choice wins
    write_csv(pd.DataFrame({"a": [1.5], "b": [2.25]}), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == "\ufeffa;b\r\n1,5;2,25\r\n".encode()
    monkeypatch.setenv(CSV_DIALECT_SETTING, "excel_ru")
    with pytest.raises(InputError, match=CSV_DIALECT_SETTING):
        csv_dialect()
    monkeypatch.delenv(CSV_DIALECT_SETTING)
    assert csv_dialect() == "excel"


def test_an_unknown_dialect_is_refused_before_writing(plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="excel-ru"):
        write_outputs(plan, tmp_path / "out", formats="csv", csv_dialect="semicolon")
    assert not (tmp_path / "out").exists()


def test_solve_has_the_csv_dialect_flag() -> None:
    from circularopt.cli import build_parser

    args = build_parser().parse_args(["solve", "bishkek", "--csv-dialect", "excel-ru"])
    assert args.csv_dialect == "excel-ru"
