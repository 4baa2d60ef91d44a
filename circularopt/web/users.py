"""User accounts: create or reset a password, count users."""

from __future__ import annotations

from sqlalchemy import select

from circularopt._validate import slug
from circularopt.web.security import WebSettings, hash_password
from circularopt.web.storage import Database, UserRow, migrate

__all__ = ["set_password", "user_count"]


def set_password(settings: WebSettings, name: str, password: str) -> None:
    """Create user ``name`` with ``password``, or set the password of an existing one."""
    slug("user name", name)
    migrate(settings.url)
    db = Database(settings.url)
    try:
        with db.session() as s:
            user = s.scalars(select(UserRow).where(UserRow.name == name)).first()
            if user is None:
                s.add(UserRow(name=name, password_hash=hash_password(password),
                              language="ru"))
            else:
                user.password_hash = hash_password(password)
    finally:
        db.dispose()


def user_count(settings: WebSettings) -> int:
    """How many accounts the settings' database holds."""
    migrate(settings.url)
    db = Database(settings.url)
    try:
        return db.user_count()
    finally:
        db.dispose()
