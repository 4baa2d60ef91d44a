"""``circularopt serve``: user creation and the refusal to listen openly without users."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install .[web])")

from circularopt.cli import main
from circularopt.web import WebSettings
from circularopt.web.storage import Database


def test_network_address_without_users_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "--host" in out and "--create-user" in out


def test_create_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIRCULAROPT_PASSWORD", "long enough")
    assert main(["serve", "--data", str(tmp_path), "--create-user", "aigul"]) == 0
    db = Database(WebSettings(data_dir=tmp_path).url)
    assert db.user_count() == 1
    db.dispose()
    monkeypatch.setenv("CIRCULAROPT_PASSWORD", "short")
    assert main(["serve", "--data", str(tmp_path), "--create-user", "aigul"]) == 2
    assert main(["serve", "--data", str(tmp_path), "--create-user", "../x"]) == 2
