"""Reader of Prodhon's location-routing format."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from circularopt.exceptions import DataNotFoundError, InputError
from circularopt.lrp.model import LRPInstance

__all__ = ["read_prodhon"]


def read_prodhon(path: str | Path, *, rounding: str | None = None) -> LRPInstance:
    """Read an instance in Prodhon's format (``coordN-M-K.dat``).

    The file lists, separated by whitespace: number of customers ``n``, number of depots
    ``m``, ``m`` depot coordinates, ``n`` customer coordinates, the vehicle capacity, ``m``
    depot capacities, ``n`` demands, ``m`` opening costs, the route (vehicle) cost, and a
    flag: 0 for integer costs (``int(100 x Euclidean)``), 1 for real costs.

    Parameters
    ----------
    path
        The instance file.
    rounding
        Arc cost convention overriding the file's flag (flag 0 reads as ``"trunc"``, flag
        1 as ``"real"``); see the module notes on why the benchmark uses ``"ceil"``.

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
    tokens = path.read_text(encoding="latin-1").split()
    pos = 0

    def take(what: str, count: int = 1) -> list[float]:
        nonlocal pos
        if pos + count > len(tokens):
            raise InputError(f"{path.name}: {what}", "end of file",
                             f"{count} more number(s) (Prodhon's format, see format.txt)")
        try:
            vals = [float(t) for t in tokens[pos:pos + count]]
        except ValueError:
            raise InputError(f"{path.name}: {what}", tokens[pos:pos + count][:4],
                             "numbers") from None
        pos += count
        return vals

    n_f, m_f = take("number of customers")[0], take("number of depots")[0]
    if n_f != int(n_f) or n_f < 0 or m_f != int(m_f) or m_f < 1:
        raise InputError(f"{path.name}: header", [n_f, m_f],
                         "a customer count >= 0 and a depot count >= 1 (integers)")
    n, m = int(n_f), int(m_f)
    dxy = np.array(take("depot coordinates", 2 * m)).reshape(m, 2)
    cxy = np.array(take("customer coordinates", 2 * n)).reshape(n, 2)
    q = take("vehicle capacity")[0]
    cap = take("depot capacities", m)
    dem = take("customer demands", n)
    opening = take("depot opening costs", m)
    route = take("route cost")[0]
    flag = take("cost type flag (0 integer, 1 real)")[0]
    if flag not in (0.0, 1.0):
        raise InputError(f"{path.name}: cost type flag", flag, "0 (integer) or 1 (real)")
    if pos != len(tokens):
        raise InputError(f"{path.name}", f"{len(tokens) - pos} extra token(s) at the end",
                         "nothing after the cost type flag")
    if rounding is None:
        rounding = "trunc" if flag == 0.0 else "real"
    try:
        return LRPInstance(path.stem, dxy, cxy, q, np.array(cap), np.array(dem),
                           np.array(opening), route, rounding)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc.field}", exc.value, exc.expected) from exc


