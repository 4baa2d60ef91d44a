"""A read-only square matrix stored as the blocks of the problems it unites.

:func:`~circularopt.routing.decompose.merge_problems` unites a city's parts: an arc
between two locations is known only when one part holds both (elsewhere it is
``fill``, :data:`~circularopt.routing.problem.INF_TIME`). A dense matrix over the union
costs ``8 n^2`` bytes (Bishkek's peak day, 14,441 locations: 1.7 GB per matrix) for
values that sit almost all in the parts' own small matrices; :class:`BlockMatrix`
keeps those (shared, not copied) and answers ``m[rows, cols]`` from them.

Caveat: only element look-ups ``m[i, j]`` (integers or integer arrays, broadcast as
NumPy does) are offered, which is what the validators, the route schedule and the KPIs
use; no slices, arithmetic or writes. ``np.asarray(m)`` builds the dense matrix
(``n^2`` values: for tests and small problems).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["BlockIndex", "BlockMatrix"]


class BlockIndex:
    """Where each location of a union sits in the blocks that hold it.

    Parameters
    ----------
    n
        Locations of the union.
    members
        Per block, the union's index of each of its rows (and columns).

    A location in one block is looked up in it; a location in several (a depot, an
    unload site) has its row in each (``shared``); an arc between two such locations is
    answered from a small dense matrix over them, filled block by block (the last block
    holding both wins, as the dense union did).
    """

    def __init__(self, n: int, members: Sequence[np.ndarray]) -> None:
        self.n = n
        self.home = np.full(n, -1, dtype=np.int64)  # first block holding the location
        self.local = np.full(n, -1, dtype=np.int64)  # its row there
        count = np.zeros(n, dtype=np.int64)
        for k, idx in enumerate(members):
            idx = np.asarray(idx, dtype=np.int64)
            count[idx] += 1
            new = self.home[idx] < 0
            self.home[idx[new]] = k
            self.local[idx[new]] = np.flatnonzero(new)
        shared = np.flatnonzero(count > 1)
        self.shared = np.full(n, -1, dtype=np.int64)  # index among the shared, or -1
        self.shared[shared] = np.arange(len(shared))
        # per block, each shared location's row in it (-1: not in the block)
        self.shared_local = np.full((len(members), len(shared)), -1, dtype=np.int64)
        for k, idx in enumerate(members):
            idx = np.asarray(idx, dtype=np.int64)
            rows = np.flatnonzero(self.shared[idx] >= 0)
            self.shared_local[k, self.shared[idx[rows]]] = rows
        self.members = [np.asarray(idx, dtype=np.int64) for idx in members]

    def locate(self, k: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Row of location ``x`` in block ``k`` (-1 where the block does not hold it)."""
        s = self.shared[x]
        own = np.where(self.home[x] == k, self.local[x], -1)
        return np.where(s >= 0, self.shared_local[k, np.maximum(s, 0)], own)


class BlockMatrix:
    """A read-only ``n x n`` matrix made of blocks over subsets of its rows.

    Parameters
    ----------
    index
        The blocks' locations (:class:`BlockIndex`).
    blocks
        One square matrix per block, rows in the order of ``index.members``.
    fill
        The value of an arc no block holds.
    """

    def __init__(self, index: BlockIndex, blocks: Sequence[np.ndarray], fill: float) -> None:
        if len(blocks) != len(index.members) or any(
                b.shape != (len(m), len(m)) for b, m in zip(blocks, index.members, strict=True)):
            raise ValueError("one square block per member list, of its size")
        self.index, self.blocks, self.fill = index, tuple(blocks), float(fill)
        ns = int(index.shared_local.shape[1])
        corner = np.full((ns, ns), self.fill)
        for k, block in enumerate(self.blocks):
            rows = np.flatnonzero(index.shared_local[k] >= 0)
            at = index.shared_local[k, rows]
            corner[np.ix_(rows, rows)] = block[np.ix_(at, at)]
        corner.setflags(write=False)
        self.corner = corner

    @property
    def shape(self) -> tuple[int, int]:
        """``(n, n)``."""
        return (self.index.n, self.index.n)

    @property
    def dtype(self) -> np.dtype[Any]:
        """The blocks' dtype."""
        return self.blocks[0].dtype if self.blocks else np.dtype(float)

    @property
    def nbytes(self) -> int:
        """Bytes held by the blocks and the shared corner."""
        return sum(b.nbytes for b in self.blocks) + self.corner.nbytes

    def __getitem__(self, key: tuple[Any, Any]) -> Any:
        """``m[rows, cols]``: integers or integer arrays (broadcast together)."""
        if not (isinstance(key, tuple) and len(key) == 2):
            raise TypeError("a BlockMatrix is indexed by [rows, cols] only")
        if isinstance(key[0], (int, np.integer)) and isinstance(key[1], (int, np.integer)):
            return self._one(int(key[0]), int(key[1]))
        a, b = np.broadcast_arrays(np.asarray(key[0]), np.asarray(key[1]))
        if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
            raise TypeError("a BlockMatrix is indexed by integers or integer arrays")
        a, b = a.astype(np.int64), b.astype(np.int64)
        n = self.index.n
        a, b = np.where(a < 0, a + n, a), np.where(b < 0, b + n, b)
        if a.size and (a.min() < 0 or a.max() >= n or b.min() < 0 or b.max() >= n):
            raise IndexError(f"index out of range for a {n} x {n} matrix")
        out = self._lookup(a.ravel(), b.ravel()).reshape(a.shape)
        return out[()] if out.ndim == 0 else out

    def _one(self, a: int, b: int) -> Any:
        """``m[a, b]`` for two integers (the validators' look-up, kept cheap)."""
        ix, n = self.index, self.index.n
        if not (-n <= a < n and -n <= b < n):
            raise IndexError(f"index out of range for a {n} x {n} matrix")
        a, b = a % n, b % n
        sa, sb = int(ix.shared[a]), int(ix.shared[b])
        if sa >= 0 and sb >= 0:
            return self.corner[sa, sb]
        k = int(ix.home[b] if sa >= 0 else ix.home[a])
        la = int(ix.shared_local[k, sa]) if sa >= 0 else int(ix.local[a])
        lb = int(ix.shared_local[k, sb]) if sb >= 0 else (
            int(ix.local[b]) if ix.home[b] == k else -1)
        return self.fill if lb < 0 or la < 0 else self.blocks[k][la, lb]

    def _lookup(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ix = self.index
        sa, sb = ix.shared[a], ix.shared[b]
        out = np.full(a.shape, self.fill, dtype=self.dtype)
        both = (sa >= 0) & (sb >= 0)
        out[both] = self.corner[sa[both], sb[both]]
        k = np.where(sa >= 0, ix.home[b], ix.home[a])
        la, lb = ix.locate(k, a), ix.locate(k, b)
        ok = ~both & (la >= 0) & (lb >= 0)
        for blk in np.unique(k[ok]):
            sel = ok & (k == blk)
            out[sel] = self.blocks[blk][la[sel], lb[sel]]
        return out

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """The dense matrix (``n^2`` values)."""
        dense = np.full(self.shape, self.fill, dtype=self.dtype)
        for idx, block in zip(self.index.members, self.blocks, strict=True):
            dense[np.ix_(idx, idx)] = block
        return dense if dtype is None else dense.astype(dtype)

    def tolist(self) -> list[list[float]]:
        """The dense matrix as nested lists (``n^2`` values)."""
        out: list[list[float]] = np.asarray(self).tolist()
        return out
