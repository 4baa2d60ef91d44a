"""``circularopt serve``: the web app for waste departments (see :mod:`circularopt.web`)."""

from __future__ import annotations

import argparse
import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING

from circularopt.cli._common import console
from circularopt.exceptions import DataNotFoundError, InputError
from circularopt.i18n import tr

if TYPE_CHECKING:
    from circularopt.web import WebSettings

DEFAULT_DATA = Path.home() / "circularopt-web"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``serve`` subcommand."""
    p = sub.add_parser(
        "serve", help="start the web app (upload, plan, map, compare, download)",
        description="Start the web app. It listens on 127.0.0.1 unless --host says "
                    "otherwise; on a network address users must log in (create them with "
                    "--create-user). Data (database, uploads, run files) live in --data; "
                    "CIRCULAROPT_DB_URL selects another database, e.g. PostgreSQL.")
    p.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--data", type=Path,
                   default=Path(os.environ.get("CIRCULAROPT_WEB_DATA", DEFAULT_DATA)),
                   help=f"data folder (default $CIRCULAROPT_WEB_DATA or {DEFAULT_DATA})")
    p.add_argument("--db-url", default=os.environ.get("CIRCULAROPT_DB_URL"),
                   help="SQLAlchemy database URL (default $CIRCULAROPT_DB_URL or a SQLite "
                        "file in the data folder)")
    p.add_argument("--workers", type=int, help="runs solved at once (default: one per core)")
    p.add_argument("--tiles", action="store_true",
                   help="show street tiles (CARTO, OpenStreetMap data) by default (needs internet)")
    p.add_argument("--max-upload-mb", type=float, default=20.0,
                   help="largest upload in MB (default 20)")
    p.add_argument("--create-user", metavar="NAME",
                   help="create (or reset the password of) a user and exit; the password is "
                        "read from $CIRCULAROPT_PASSWORD or asked for")
    p.set_defaults(func=_serve)


def _settings(args: argparse.Namespace) -> WebSettings:
    from circularopt.web import WebSettings

    return WebSettings(data_dir=args.data, db_url=args.db_url, host=args.host,
                       workers=args.workers, tiles=args.tiles,
                       max_upload_mb=args.max_upload_mb)


def _create_user(settings: WebSettings, name: str) -> int:
    from circularopt.web.users import set_password

    password = os.environ.get("CIRCULAROPT_PASSWORD") or getpass.getpass(
        f"password for {name}: ")
    if len(password) < 8:
        raise InputError("password", "(hidden)", "at least 8 characters")
    set_password(settings, name, password)
    console.print(f"user {name} saved")
    return 0


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from circularopt.web import create_app
        from circularopt.web.users import user_count
    except ModuleNotFoundError as exc:
        raise DataNotFoundError(tr("the web app needs its packages ({missing} is missing): "
                                   "pip install -e \".[web]\"", missing=exc.name)) from None
    settings = _settings(args)
    if args.create_user:
        return _create_user(settings, args.create_user)
    if settings.logins and user_count(settings) == 0:
        raise InputError("--host", args.host,
                         "127.0.0.1, or create a user first (circularopt serve "
                         "--create-user NAME): a network address requires logins")
    app = create_app(settings)
    console.print(f"circularopt web app: http://{args.host}:{args.port}/  (data in "
                  f"{args.data}; Ctrl-C stops it, running jobs keep their plan so far)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
