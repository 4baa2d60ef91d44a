"""Reader of Prodhon's location-routing format."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from circularopt.exceptions import DataNotFoundError, InputError
from circularopt.lrp.model import LRPInstance

__all__ = ["FLAG_ROUNDING", "read_prodhon"]


FLAG_ROUNDING = {0: "trunc", 1: "euclidean"}
"""Arc cost convention of each value of the file's last number (``format.txt``): 0 =
integer costs, ``int(100 x Euclidean)``; 1 = real costs, the Euclidean distance itself."""


class _Tokens:
    """The numbers of a file, taken in order with the item named in any error."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.tokens = path.read_text(encoding="latin-1").split()
        self.pos = 0

    def take(self, what: str, count: int = 1) -> list[float]:
        chunk = self.tokens[self.pos:self.pos + count]
        if len(chunk) < count:
            raise InputError(f"{self.name}: {what}", "end of file",
                             f"{count} more number(s) (Prodhon's format, see format.txt)")
        try:
            vals = [float(t) for t in chunk]
        except ValueError:
            raise InputError(f"{self.name}: {what}", chunk[:4], "numbers") from None
        self.pos += count
        return vals

    def one(self, what: str) -> float:
        return self.take(what)[0]

    def end(self) -> None:
        """Refuse tokens after the last item."""
        if self.pos != len(self.tokens):
            raise InputError(self.name, f"{len(self.tokens) - self.pos} extra token(s) at "
                             "the end", "nothing after the cost type flag")


def _sizes(tok: _Tokens) -> tuple[int, int]:
    n, m = tok.one("number of customers"), tok.one("number of depots")
    if n != int(n) or n < 0 or m != int(m) or m < 1:
        raise InputError(f"{tok.name}: header", [n, m],
                         "a customer count >= 0 and a depot count >= 1 (integers)")
    return int(n), int(m)


def _flag(tok: _Tokens) -> int:
    flag = tok.one("cost type flag (0 integer, 1 real)")
    if flag not in (0.0, 1.0):
        raise InputError(f"{tok.name}: cost type flag", flag, "0 (integer) or 1 (real)")
    tok.end()
    return int(flag)


def read_prodhon(path: str | Path, *, rounding: str | None = None) -> LRPInstance:
    """Read an instance in Prodhon's format (``coordN-M-K.dat``).

    The file lists, separated by whitespace: number of customers ``n``, number of depots
    ``m``, ``m`` depot coordinates, ``n`` customer coordinates, the vehicle capacity, ``m``
    depot capacities, ``n`` demands, ``m`` opening costs, the route (vehicle) cost, and a
    flag: 0 for integer costs (``int(100 x Euclidean)``), 1 for real costs (the Euclidean
    distance, unscaled), see :data:`FLAG_ROUNDING`.

    Parameters
    ----------
    path
        The instance file.
    rounding
        Arc cost convention overriding the file's flag (flag 0 reads as ``"trunc"``, flag
        1 as ``"euclidean"``); see :mod:`circularopt.lrp` on why the benchmark reads
        flag-0 files with ``"ceil"``.

    Returns
    -------
    LRPInstance
        Named after the file's stem.

    Raises
    ------
    DataNotFoundError
        The file does not exist.
    InputError
        The file is not in the format (names the item that is wrong or missing).
    """
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"LRP instance file not found: {path}")
    tok = _Tokens(path)
    n, m = _sizes(tok)
    dxy = np.array(tok.take("depot coordinates", 2 * m)).reshape(m, 2)
    cxy = np.array(tok.take("customer coordinates", 2 * n)).reshape(n, 2)
    q = tok.one("vehicle capacity")
    cap = tok.take("depot capacities", m)
    dem = tok.take("customer demands", n)
    opening = tok.take("depot opening costs", m)
    route = tok.one("route cost")
    flag = _flag(tok)
    try:
        return LRPInstance(path.stem, dxy, cxy, q, np.array(cap), np.array(dem),
                           np.array(opening), route, rounding or FLAG_ROUNDING[flag])
    except InputError as exc:
        raise InputError(f"{path.name}: {exc.field}", exc.value, exc.expected) from exc
