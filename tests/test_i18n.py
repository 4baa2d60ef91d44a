"""Messages in Russian (and Kyrgyz falling back to Russian): the catalog, the choice of
language, number formatting, input errors and the command line."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import circularopt
from circularopt import _validate, i18n
from circularopt.cli import main
from circularopt.exceptions import InputError, SnappingError
from circularopt.i18n import __main__ as i18n_main
from circularopt.i18n import _extract

PACKAGE = Path(circularopt.__file__).resolve().parent
LANG_VARS = ("CIRCULAROPT_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def _no_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with no language setting, no locale and no process choice."""
    for var in LANG_VARS:
        monkeypatch.delenv(var, raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


def _literal_ids() -> dict[str, str]:
    """Every ``tr("...")`` / ``lazy("...")`` literal in the package -> where it is."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
                    and (node.func.id if isinstance(node.func, ast.Name)
                         else node.func.attr) in ("tr", "lazy")
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value,
                                 f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


_TEMPLATE_CALL = re.compile(r"""\bt\(\s*(["'])((?:(?!\1).)*)\1""", re.S)


def _template_ids() -> dict[str, str]:
    """Every ``t("...")`` literal in the package's Jinja templates -> where it is (a
    ``t`` of a variable, e.g. a run's status, cannot be checked here)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for m in _TEMPLATE_CALL.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.setdefault(m.group(2), f"{path.relative_to(PACKAGE.parent)}:{line}")
    return found


def _ru_catalog() -> Catalog:
    with i18n.catalog_path("ru").open("rb") as f:
        return read_po(f, locale="ru")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# ---------------------------------------------------------------- the catalog


def test_every_message_in_the_package_has_a_russian_translation() -> None:
    ids = {**_template_ids(), **_literal_ids()}
    assert len(ids) > 150  # the scan finds the package's messages
    catalog = _ru_catalog()
    missing = [f"{where}: {message!r}" for message, where in sorted(ids.items())
               if not ((m := catalog.get(message)) and m.string and not m.fuzzy)]
    assert not missing, ("messages without a Russian translation (run `python -m "
                         "circularopt.i18n extract ru` and translate them):\n"
                         + "\n".join(missing))


def test_russian_translations_keep_the_fields_of_their_message() -> None:
    wrong = [(m.id, m.string) for m in _ru_catalog()
             if m.id and m.string and _fields(str(m.id)) != _fields(str(m.string))]
    assert not wrong


def test_the_extraction_tool_finds_the_same_messages_as_the_scan() -> None:
    assert set(_extract.extract_ids()) == set(_literal_ids()) | set(_template_ids())


def test_template_messages_are_found() -> None:
    pytest.importorskip("jinja2", reason="the web extra is not installed")
    found = _extract.template_ids()
    assert "Route sheets (print)" in found  # t("...") in run.html
    assert "circularopt/web/templates/run.html" in [where for where, _ in found["Status"]]
    assert len(found) > 60


# ---------------------------------------------------------------- choosing the language


def test_english_by_default() -> None:
    assert i18n.get_language() == "en"
    assert i18n.tr("Sorting complexes") == "Sorting complexes"
    assert i18n.tr("{n} warning(s)", n=3) == "3 warning(s)"


def test_russian_when_chosen() -> None:
    with i18n.using("ru"):
        assert i18n.tr("Sorting complexes") == "Сортировочные комплексы"
        assert i18n.tr("{n} warning(s)", n=3) == "предупреждений: 3"
        assert i18n.tr("no such message {x}", x=1) == "no such message 1"


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "ru_RU.UTF-8"}, "ru"),
    ({"LC_MESSAGES": "ru_KG.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
    ({"LC_ALL": "C", "LANG": "ru_RU.UTF-8"}, "en"),  # LC_ALL decides first
    ({"LANG": "ky_KG"}, "ky"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"CIRCULAROPT_LANG": "en", "LANG": "ru_RU.UTF-8"}, "en"),  # the setting beats the locale
    ({"CIRCULAROPT_LANG": "RU"}, "ru"),
    ({"CIRCULAROPT_LANG": "xx", "LANG": "ru_RU.UTF-8"}, "ru"),  # unknown setting ignored
])
def test_language_from_setting_then_locale(monkeypatch: pytest.MonkeyPatch,
                                           env: dict[str, str], expected: str) -> None:
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.get_language() == expected


def test_unknown_setting_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    assert i18n.setting_problem() is None
    monkeypatch.setenv("CIRCULAROPT_LANG", "xx")
    assert i18n.setting_problem() == ("CIRCULAROPT_LANG", "xx", "one of ['en', 'ru', 'ky']")


def test_set_language_and_using_take_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIRCULAROPT_LANG", "en")
    i18n.set_language("ru")
    assert i18n.get_language() == "ru"
    with i18n.using("en"):
        assert i18n.get_language() == "en"
        with i18n.using(None):  # changes nothing
            assert i18n.get_language() == "en"
    assert i18n.get_language() == "ru"
    with pytest.raises(ValueError, match=r"поле language: получено 'fr'; ожидалось: одно из"):
        i18n.set_language("fr")
    assert i18n.get_language() == "ru"


def _po(path: Path, lang: str, entries: dict[str, str]) -> None:
    catalog = Catalog(locale=lang, domain=i18n.DOMAIN)
    for message, text in entries.items():
        catalog.add(message, text)
    path.parent.mkdir(parents=True)
    with path.open("wb") as f:
        write_po(f, catalog)


@pytest.fixture
def locale_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Catalogs in a temporary folder: ru with two messages, ky with one."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    _po(tmp_path / "ru/LC_MESSAGES/circularopt.po", "ru",
        {"Map": "Карта", "Routes": "Маршруты"})
    _po(tmp_path / "ky/LC_MESSAGES/circularopt.po", "ky", {"Map": "Карта (ky)"})
    i18n._catalog.cache_clear()
    yield tmp_path
    i18n._catalog.cache_clear()


def test_kyrgyz_falls_back_to_russian_then_english(locale_dir: Path) -> None:
    with i18n.using("ky"):
        assert i18n.tr("Map") == "Карта (ky)"
        assert i18n.tr("Routes") == "Маршруты"
        assert i18n.tr("Depots") == "Depots"


def test_kyrgyz_without_a_catalog_is_russian() -> None:
    assert not i18n.catalog_path("ky").exists()
    with i18n.using("ky"):
        assert i18n.tr("Sorting complexes") == "Сортировочные комплексы"


def test_a_translation_with_a_broken_field_shows_english(locale_dir: Path) -> None:
    _po(locale_dir / "xx/LC_MESSAGES/circularopt.po", "ru", {})  # unused; keeps dirs apart
    ru = locale_dir / "ru/LC_MESSAGES/circularopt.po"
    ru.unlink()
    ru.parent.rmdir()
    _po(ru, "ru", {"{n} stops": "{m} остановок"})
    i18n._catalog.cache_clear()
    with i18n.using("ru"):
        assert i18n.tr("{n} stops", n=4) == "4 stops"


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(("lang", "value", "decimals", "expected"), [
    ("en", 1234.5, 1, "1,234.5"),
    ("ru", 1234.5, 1, "1\u00a0234,5"),
    ("ru", -1234567.0, 0, "-1\u00a0234\u00a0567"),
    ("ru", 0.5, 2, "0,50"),
    ("ky", 1234.5, 1, "1\u00a0234,5"),
])
def test_numbers_in_the_language(lang: str, value: float, decimals: int,
                                 expected: str) -> None:
    with i18n.using(lang):
        assert i18n.num(value, decimals) == expected
        assert float(i18n.plain_number(expected)) == pytest.approx(round(value, decimals))


# ---------------------------------------------------------------- input errors


def test_input_error_in_russian_with_expected_translated() -> None:
    with pytest.raises(InputError) as info:
        _validate.number("collection_points[3].tonnes", -2, lo=0)
    exc = info.value
    assert str(exc) == "collection_points[3].tonnes: got -2; expected a finite number >= 0"
    with i18n.using("ru"):
        assert str(exc) == ("поле collection_points[3].tonnes: получено -2; ожидалось: "
                            "конечное число >= 0")
    assert (exc.field, exc.value, exc.expected) == (
        "collection_points[3].tonnes", -2, "a finite number >= 0")


@pytest.mark.parametrize(("check", "russian"), [
    (lambda: _validate.integer("trucks", 0, lo=1, hi=9), "целое число >= 1 и <= 9"),
    (lambda: _validate.choice("season", "spring", ["summer", "winter"]),
     "одно из значений ['summer', 'winter']"),
    (lambda: _validate.per_week("collections_per_week", 9),
     "целое число вывозов в неделю от 1 до 7"),
    (lambda: _validate.text_number("file.csv, row 2", "1,5", decimal_comma=False),
     "число (десятичная запятая читается только в файлах с разделителем ';'; пишите точку)"),
])
def test_expected_phrases_translate(check: object, russian: str) -> None:
    with pytest.raises(InputError) as info:
        check()  # type: ignore[operator]
    with i18n.using("ru"):
        assert str(info.value).endswith("ожидалось: " + russian)


def test_input_error_survives_pickling_between_processes() -> None:
    import pickle

    with pytest.raises(InputError) as info:
        _validate.share("share", 2)
    back = pickle.loads(pickle.dumps(info.value))
    assert (back.field, back.value, back.expected) == ("share", 2, "a share from 0 to 1")
    with i18n.using("ru"):
        assert str(back) == "поле share: получено 2; ожидалось: доля от 0 до 1"


def test_an_expected_phrase_not_in_the_catalog_stays_english() -> None:
    with i18n.using("ru"):
        assert str(InputError("x", 1, "a prime")) == "поле x: получено 1; ожидалось: a prime"


def test_snapping_error_in_russian() -> None:
    exc = SnappingError([("p1", 1234.0)], 500.0)
    assert str(exc).startswith("1 point(s) lie farther than 500 m from the road network: "
                               "'p1' (1,234 m).")
    with i18n.using("ru"):
        assert str(exc).startswith("Точки дальше 500 м от дорожной сети (1): "
                                   "'p1' (1\u00a0234 м).")


# ---------------------------------------------------------------- command line


BAD_OPTIONS = ["solve", "bishkek", "--engine-options", "[1]"]


def test_cli_error_line_in_russian_with_lang(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "ru", *BAD_OPTIONS]) == 2
    out = capsys.readouterr().out
    assert "ошибка: InputError: поле --engine-options: получено '[1]'; ожидалось: " in out
    assert "объект JSON" in out
    assert i18n.get_language() == "en"  # --lang holds for that command only


def test_cli_lang_after_the_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BAD_OPTIONS, "--lang", "ru"]) == 2
    assert "ошибка: InputError: поле --engine-options:" in capsys.readouterr().out
    assert main(["--lang", "ru", *BAD_OPTIONS]) == 2  # before the subcommand it still holds
    assert "ошибка: InputError" in capsys.readouterr().out


def test_cli_error_line_in_russian_from_the_setting(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CIRCULAROPT_LANG", "ru")
    assert main(BAD_OPTIONS) == 2
    assert "ошибка: InputError: поле --engine-options: получено '[1]'" in capsys.readouterr().out


def test_cli_in_russian_from_the_locale(monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert main(BAD_OPTIONS) == 2
    assert "ошибка: InputError: поле --engine-options:" in capsys.readouterr().out


def test_cli_kyrgyz_shows_russian(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "ky", *BAD_OPTIONS]) == 2
    assert "ошибка: InputError: поле --engine-options:" in capsys.readouterr().out


def test_plan_file_error_in_russian(tmp_path: Path) -> None:
    from circularopt.plan import Plan

    (tmp_path / "plan.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError) as info:
        Plan.load(tmp_path / "plan.json")
    with i18n.using("ru"):
        assert str(info.value).endswith("ожидалось: корректный JSON")


def test_cli_lang_beats_the_locale(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert main(["--lang", "en", *BAD_OPTIONS]) == 2
    assert "error: InputError: --engine-options: got '[1]'; expected" in capsys.readouterr().out


def test_cli_warns_about_an_unknown_setting(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CIRCULAROPT_LANG", "xx")
    assert main(BAD_OPTIONS) == 2
    out = capsys.readouterr().out
    assert "warning: ignored CIRCULAROPT_LANG=xx: expected one of ['en', 'ru', 'ky']" in out


def test_cli_refuses_an_unknown_lang(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "fr", *BAD_OPTIONS])
    assert "invalid choice: 'fr'" in capsys.readouterr().err


# ---------------------------------------------------------------- the extraction tool


def _read(po: Path) -> Catalog:
    with po.open("rb") as f:
        return read_po(f, locale="ru")


def test_extract_adds_new_ids_and_keeps_translations(tmp_path: Path) -> None:
    po = tmp_path / "ru.po"
    _extract.update_catalog("ru", {"Map": [("circularopt/a.py", 1)],
                                   "Old": [("circularopt/a.py", 2)]}, po)
    catalog = _read(po)
    catalog["Map"].string = "Карта"
    catalog["Old"].string = "Старое"
    with po.open("wb") as f:
        write_po(f, catalog)
    new = {"Map": [("circularopt/a.py", 1)], "New {x}": [("circularopt/b.py", 3)]}
    assert _extract.update_catalog("ru", new, po) == (1, ["New {x}"], ["Old"])
    catalog = _read(po)
    assert catalog["Map"].string == "Карта"
    assert catalog["Old"].string == "Старое"  # kept: another branch may use it
    assert _extract.update_catalog("ru", new, po, prune=True) == (0, ["New {x}"], ["Old"])
    catalog = _read(po)
    assert "Old" in catalog.obsolete and catalog.get("Old") is None
    _extract.update_catalog("ru", {**new, "Old": [("circularopt/c.py", 9)]}, po)
    assert _read(po)["Old"].string == "Старое"  # used again: its translation is back


def test_extract_command_reports_untranslated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(_extract, "extract_ids", lambda: {"Map": [("circularopt/a.py", 1)]})
    assert i18n_main.main(["extract", "ky"]) == 1
    assert "ky: 1 ids, 1 added, 1 untranslated, 0 not in the source" in capsys.readouterr().out
    assert (tmp_path / "ky/LC_MESSAGES/circularopt.po").is_file()
