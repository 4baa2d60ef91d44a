"""The language chooser offers English and the languages that have a catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.web import locale


def test_only_languages_with_a_catalog_are_offered(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert locale.LANGUAGES == {"en": "English", "ru": "Русский"}  # no Kyrgyz catalog yet
    ky = tmp_path / "ky" / "LC_MESSAGES" / "circularopt.po"
    ky.parent.mkdir(parents=True)
    ky.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    monkeypatch.setattr(locale, "catalog_path",
                        lambda lang: tmp_path / lang / "LC_MESSAGES" / "circularopt.po")
    assert list(locale.offered()) == ["en", "ky"]


def test_numbers_follow_the_language() -> None:
    assert locale.fmt_number(1234.5, 1, "en") == "1,234.5"
    assert locale.fmt_number(1234.5, 1, "ru") == "1\u00a0234,5"
