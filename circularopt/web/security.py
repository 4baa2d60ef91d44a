"""Passwords, CSRF tokens and the settings that decide what the app requires.

Passwords are hashed with scrypt from the standard library (``hashlib.scrypt``,
n=2**14, r=8, p=1, a 16-byte random salt), stored as ``scrypt$n$r$p$salt$hash``; no extra
dependency is needed. The CSRF token is a random value kept in the signed session cookie
and required in a form field ``csrf`` or the header ``X-CSRF-Token`` of every
state-changing request.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from circularopt._validate import integer, number

__all__ = ["WebSettings", "check_password", "hash_password", "is_loopback", "new_token"]

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password`."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt),
                             n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


def new_token() -> str:
    """A random URL-safe token."""
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, kw_only=True)
class WebSettings:
    """Settings of the web app.

    Parameters
    ----------
    data_dir
        Folder of the database (SQLite default), uploads, run files and the session key.
    db_url
        SQLAlchemy URL; default a SQLite file ``circularopt.db`` in ``data_dir``.
    host
        Address the server listens on; a non-loopback address requires logins.
    workers
        Runs solved at the same time; default one per core.
    max_upload_mb
        Largest accepted upload, MB.
    tiles
        Show street tiles (:mod:`circularopt.outputs.tiles`, loaded by the browser) by default.
    require_login
        Force logins even on localhost (default: only on network addresses).
    """

    data_dir: Path
    db_url: str | None = None
    host: str = "127.0.0.1"
    workers: int | None = None
    max_upload_mb: float = 20.0
    tiles: bool = False
    require_login: bool | None = None
    secret_key: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.workers is not None:
            integer("workers", self.workers, lo=1)
        number("max_upload_mb", self.max_upload_mb, lo=0.001)

    @property
    def url(self) -> str:
        """The database URL actually used."""
        return self.db_url or f"sqlite:///{(self.data_dir / 'circularopt.db').resolve()}"

    @property
    def logins(self) -> bool:
        """Whether users must log in."""
        if self.require_login is not None:
            return self.require_login
        return not is_loopback(self.host)

    def session_key(self) -> str:
        """The session-signing key: given, or kept in ``data_dir/secret_key``."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.is_file():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32), encoding="ascii")
            path.chmod(0o600)
        return path.read_text(encoding="ascii").strip()
