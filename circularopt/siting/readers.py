"""Readers for the standard facility location benchmark sets.

Formats
-------
OR-Library CFLP (Beasley; ``cap41`` ... ``cap134``, ``capa/b/c``)
    ``m n``; then per facility ``capacity fixed_cost``; then per customer its ``demand``
    followed by ``m`` numbers, the cost of allocating **all** of that customer's demand
    to each facility (customer-major, total not per-unit costs). In ``capa/b/c`` the
    capacity is the word ``capacity``: the instance is solved for several capacities
    (``capa_8000`` ... in ``BKS.csv``), given as ``capacity=``.
Single-source CFLP (Pisa / OR-Datasets: Holmberg ``Lib_2``, OR small ``Lib_3_1`` and big
``Lib_3_2``)
    ``m n``; ``m`` rows ``capacity fixed_cost``; ``n`` demands; then an ``m x n``
    matrix (facility-major) of the total cost of serving each customer from each facility.
    The ``os`` file of each folder holds the optimum of ``p<i>`` on line ``i``.
Two-stage CFLP (Fernandes et al. 2014)
    ``I J K`` (plants, satellites, customers); ``K`` demands; ``I`` rows ``capacity
    fixed_cost``; an ``I x J`` matrix of per-unit plant-to-satellite costs; ``J`` rows
    ``capacity fixed_cost``; a ``J x K`` matrix of per-unit satellite-to-customer costs.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from circularopt.exceptions import DataNotFoundError, InputError
from circularopt.siting.cflp import FacilityProblem, TwoStageProblem

T = TypeVar("T")

__all__ = [
    "BenchInstance",
    "cflp_instances",
    "read_orlib_cflp",
    "read_sscflp",
    "read_tscflp",
    "sscflp_instances",
    "tscflp_instances",
]


@dataclass(frozen=True)
class BenchInstance:
    """One instance of a benchmark set: a name, its file and its best-known value.

    ``capacity`` is the per-facility capacity for ``capa/b/c`` (``None`` otherwise).
    ``lower_bound`` is a published lower bound where the set gives one.
    """

    name: str
    path: Path
    bks: float | None
    capacity: float | None = None
    lower_bound: float | None = None


def _tokens(path: Path) -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"instance file not found: {path}")
    return path.read_text(encoding="utf-8", errors="replace").split()


def _numbers(path: Path, tokens: list[str], start: int, count: int, what: str) -> np.ndarray:
    chunk = tokens[start:start + count]
    if len(chunk) < count:
        raise InputError(f"{path}", f"{len(tokens)} numbers",
                         f"at least {start + count} (file ends inside {what})")
    try:
        return np.array(chunk, dtype=float)
    except ValueError as exc:
        raise InputError(f"{path}, {what}", " ".join(chunk[:5]) + " ...", "numbers") from exc


def _header(path: Path, tokens: list[str], count: int) -> list[int]:
    try:
        sizes = [int(t) for t in tokens[:count]]
    except ValueError as exc:
        raise InputError(f"{path}, header", " ".join(tokens[:count]),
                         f"{count} integers (sizes)") from exc
    if len(sizes) < count or min(sizes) < 1:
        raise InputError(f"{path}, header", " ".join(tokens[:count]),
                         f"{count} integers >= 1 (sizes)")
    return sizes


def _in_file(path: Path, build: Callable[[], T]) -> T:
    """``build()``, with the file named in the InputError of an invalid problem."""
    try:
        return build()
    except InputError as exc:
        raise InputError(f"{path}: {exc.field}", exc.value, exc.expected) from exc


def read_orlib_cflp(path: Path, *, capacity: float | None = None,
                    single_source: bool = False, name: str | None = None) -> FacilityProblem:
    """Read an OR-Library CFLP file (``capXX.txt``, ``capa/b/c.txt``).

    Parameters
    ----------
    path
        The file.
    capacity
        Capacity of every facility; required for ``capa/b/c`` whose file says
        ``capacity``, and overrides the file's capacities otherwise.
    single_source
        Flag of the returned problem.
    name
        Problem name (default: the file stem).

    Returns
    -------
    FacilityProblem
        With ``cost[i, j]`` the cost of serving all of customer ``j`` from ``i``.
    """
    path = Path(path)
    tok = _tokens(path)
    m, n = _header(path, tok, 2)
    pos = 2
    caps, fixed = [], []
    for i in range(m):
        if len(tok) < pos + 2:  # the capacity may be the word 'capacity': no float check
            raise InputError(f"{path}", f"{len(tok)} numbers",
                             f"at least {pos + 2} (file ends inside the facility rows)")
        cap_tok, fix_tok = tok[pos:pos + 2]
        pos += 2
        if capacity is not None:
            caps.append(float(capacity))
        else:
            try:
                caps.append(float(cap_tok))
            except ValueError as exc:
                raise InputError(f"{path}, facility {i + 1} capacity", cap_tok,
                                 "a number, or pass capacity= (capa/b/c give the word "
                                 "'capacity' and a capacity per scenario)") from exc
        fixed.append(float(_numbers(path, [fix_tok], 0, 1, f"facility {i + 1}")[0]))
    block = _numbers(path, tok, pos, n * (m + 1), "the customer blocks").reshape(n, m + 1)
    return _in_file(path, lambda: FacilityProblem(
        np.array(fixed), np.array(caps), block[:, 0], block[:, 1:].T.copy(),
        single_source=single_source, name=name or path.stem))


def read_sscflp(path: Path, *, name: str | None = None,
                single_source: bool = True) -> FacilityProblem:
    """Read a single-source CFLP file of the Pisa / OR-Datasets format.

    Parameters
    ----------
    path
        The file (e.g. ``Lib_2/p1``).
    name
        Problem name (default: ``folder/file``).
    single_source
        Flag of the returned problem (default ``True``).

    Returns
    -------
    FacilityProblem
        With ``cost[i, j]`` the total cost of serving customer ``j`` from ``i``.
    """
    path = Path(path)
    tok = _tokens(path)
    m, n = _header(path, tok, 2)
    fac = _numbers(path, tok, 2, 2 * m, "the facility rows").reshape(m, 2)
    demand = _numbers(path, tok, 2 + 2 * m, n, "the demands")
    cost = _numbers(path, tok, 2 + 2 * m + n, m * n, "the cost matrix").reshape(m, n)
    return _in_file(path, lambda: FacilityProblem(
        fac[:, 1], fac[:, 0], demand, cost, single_source=single_source,
        name=name or f"{path.parent.name}/{path.name}"))


def read_tscflp(path: Path, *, name: str | None = None) -> TwoStageProblem:
    """Read a two-stage CFLP file of Fernandes et al. (2014).

    Parameters
    ----------
    path
        The file (e.g. ``PSC1-C1-50.txt``).
    name
        Problem name (default: the file stem).

    Returns
    -------
    TwoStageProblem
        With per-unit costs on both stages.
    """
    path = Path(path)
    tok = _tokens(path)
    p, q, k = _header(path, tok, 3)
    pos = 3
    demand = _numbers(path, tok, pos, k, "the demands")
    pos += k
    plants = _numbers(path, tok, pos, 2 * p, "the plant rows").reshape(p, 2)
    pos += 2 * p
    a = _numbers(path, tok, pos, p * q, "the plant-satellite costs").reshape(p, q)
    pos += p * q
    sats = _numbers(path, tok, pos, 2 * q, "the satellite rows").reshape(q, 2)
    pos += 2 * q
    b = _numbers(path, tok, pos, q * k, "the satellite-customer costs").reshape(q, k)
    pos += q * k
    if pos != len(tok):
        raise InputError(f"{path}", f"{len(tok)} numbers",
                         f"exactly {pos} for {p} plants, {q} satellites, {k} customers")
    return _in_file(path, lambda: TwoStageProblem(
        plants[:, 1], plants[:, 0], sats[:, 1], sats[:, 0], demand, a, b,
        name=name or path.stem))


def _float_or_none(text: str) -> float | None:
    text = text.strip().rstrip("*").strip()
    return float(text) if text else None


def cflp_instances(folder: Path) -> list[BenchInstance]:
    """The OR-Library CFLP instances listed in ``folder/BKS.csv`` with their optima.

    Without ``BKS.csv``, every ``txt/cap*.txt`` with numeric capacities, without a
    best-known value.
    """
    folder = Path(folder)
    bks_file = folder / "BKS.csv"
    out: list[BenchInstance] = []
    if bks_file.is_file():
        with bks_file.open(encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if not row or row[0].startswith("instance"):
                    continue
                name, file, opt = row[0], row[1], row[2]
                match = re.fullmatch(r"cap[abc]_(\d+)", name)
                out.append(BenchInstance(name, folder / file, _float_or_none(opt),
                                         float(match.group(1)) if match else None))
        return out
    files = sorted((folder / "txt").glob("cap*.txt")) or sorted(folder.glob("cap*.txt"))
    if not files:
        raise DataNotFoundError(f"no BKS.csv and no cap*.txt files in {folder}")
    return [BenchInstance(f.stem, f, None) for f in files
            if not re.fullmatch(r"cap[abc]", f.stem)]


def _natural(path: Path) -> tuple[str, int]:
    digits = re.sub(r"\D", "", path.name)
    return (re.sub(r"\d", "", path.name), int(digits) if digits else 0)


def sscflp_instances(folder: Path) -> list[BenchInstance]:
    """The single-source instances under ``folder`` with the optima of their ``os`` files.

    ``folder`` is either one library (holding ``p1``, ``p2``, ... and ``os``) or the set
    folder holding ``Lib_*`` libraries. Names are ``Lib_x/p<i>``.
    """
    folder = Path(folder)
    libs = [folder] if (folder / "os").is_file() else sorted(
        d for d in folder.glob("Lib_*") if d.is_dir())
    if not libs:
        raise DataNotFoundError(f"no 'os' file and no Lib_* folders in {folder}")
    out: list[BenchInstance] = []
    for lib in libs:
        optima: list[str] = []
        if (lib / "os").is_file():
            optima = (lib / "os").read_text(encoding="utf-8").split()
        for f in sorted((p for p in lib.iterdir() if re.fullmatch(r"p\d+", p.name)),
                        key=_natural):
            index = int(f.name[1:]) - 1
            bks = float(optima[index]) if index < len(optima) else None
            out.append(BenchInstance(f"{lib.name}/{f.name}", f, bks))
    return out


def tscflp_instances(folder: Path) -> list[BenchInstance]:
    """The Fernandes two-stage instances of ``folder/BKS.csv`` (best-known and bound).

    Without ``BKS.csv``, every ``*.txt`` of ``folder/instances`` (or ``folder``) except
    the ``bks``/``lb`` lists.
    """
    folder = Path(folder)
    inst = folder / "instances" if (folder / "instances").is_dir() else folder
    bks_file = folder / "BKS.csv"
    if bks_file.is_file():
        out = []
        with bks_file.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                file = row["file"]
                bks = _float_or_none(next(v for k, v in row.items() if k.startswith("bks")))
                lb = _float_or_none(row.get("lower_bound(lb-*.txt)", "") or "")
                out.append(BenchInstance(Path(file).stem, inst / file, bks, lower_bound=lb))
        return out
    files = [f for f in sorted(inst.glob("*.txt"))
             if not f.name.startswith(("bks", "lb"))]
    if not files:
        raise DataNotFoundError(f"no BKS.csv and no instance files in {folder}")
    return [BenchInstance(f.stem, f, None) for f in files]
