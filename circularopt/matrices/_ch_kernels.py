"""Numba kernels of the contraction hierarchy (see :mod:`circularopt.matrices.ch`).

Weights are float64 holding exact integers (the network's encoded time-and-length
weights), so sums are exact and comparisons are lexicographic in (time, length).

Searches use an indexed binary heap (``keys``, ``nodes``, ``pos``; ``pos[v] = -1`` when
``v`` is not in the heap). The graph under contraction keeps, per direction ``d`` (0 out,
1 in) and node, a slice ``start[d, v] : start[d, v] + length[d, v]`` of a pool; a full
slice moves to the pool's end with twice the room, dropping arcs to contracted nodes.
Kernels that run out of pool return -1 and the caller retries with a larger pool.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

_INF = np.inf


@njit(cache=True)
def _sift_up(keys, nodes, pos, i):
    key, v = keys[i], nodes[i]
    while i > 0:
        p = (i - 1) >> 1
        if keys[p] <= key:
            break
        keys[i], nodes[i] = keys[p], nodes[p]
        pos[nodes[i]] = i
        i = p
    keys[i], nodes[i] = key, v
    pos[v] = i


@njit(cache=True)
def _sift_down(keys, nodes, pos, i, size):
    key, v = keys[i], nodes[i]
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and keys[c + 1] < keys[c]:
            c += 1
        if keys[c] >= key:
            break
        keys[i], nodes[i] = keys[c], nodes[c]
        pos[nodes[i]] = i
        i = c
    keys[i], nodes[i] = key, v
    pos[v] = i


@njit(cache=True)
def heap_set(keys, nodes, pos, size, v, key):
    """Insert ``v`` with ``key`` or change its key; returns the new heap size."""
    i = pos[v]
    if i < 0:
        i = size
        size += 1
        keys[i], nodes[i] = key, v
        _sift_up(keys, nodes, pos, i)
    elif key < keys[i]:
        keys[i] = key
        _sift_up(keys, nodes, pos, i)
    else:
        keys[i] = key
        _sift_down(keys, nodes, pos, i, size)
    return size


@njit(cache=True)
def heap_pop(keys, nodes, pos, size):
    """Remove the minimum; returns ``(node, new size)``."""
    v = nodes[0]
    pos[v] = -1
    size -= 1
    if size > 0:
        keys[0], nodes[0] = keys[size], nodes[size]
        pos[nodes[0]] = 0
        _sift_down(keys, nodes, pos, 0, size)
    return v, size


# ---------------------------------------------------------------- graph under contraction


@njit(cache=True)
def _add_arc(start, length, cap, to, w, top, done, d, u, x, wt):
    """Arc ``u -> x`` (``d = 0``) or ``u <- x`` (``d = 1``) with weight ``wt`` (the
    smaller one if it exists). False if the pool is full."""
    s, n_arcs = start[d, u], length[d, u]
    for k in range(s, s + n_arcs):
        if to[d, k] == x:
            if wt < w[d, k]:
                w[d, k] = wt
            return True
    if n_arcs == cap[d, u]:
        new_cap = max(4, 2 * cap[d, u])
        ns = top[d]
        if ns + new_cap > to.shape[1]:
            return False
        j = ns
        for k in range(s, s + n_arcs):
            if not done[to[d, k]]:
                to[d, j], w[d, j] = to[d, k], w[d, k]
                j += 1
        start[d, u], length[d, u], cap[d, u] = ns, j - ns, new_cap
        top[d] = ns + new_cap
        s, n_arcs = ns, j - ns
    to[d, s + n_arcs], w[d, s + n_arcs] = x, wt
    length[d, u] = n_arcs + 1
    return True


@njit(cache=True)
def _witness(u, limit, max_settled, start, length, to, w, done, ws):
    """Dijkstra from ``u`` over uncontracted nodes up to cost ``limit`` or
    ``max_settled`` settled nodes; distances in ``ws.dist``. Returns touched count."""
    dist, pos, keys, nodes, touched = ws
    dist[u] = 0.0
    touched[0] = u
    n_touched, settled = 1, 0
    size = heap_set(keys, nodes, pos, 0, u, 0.0)
    while size > 0 and keys[0] <= limit and settled < max_settled:
        du = keys[0]
        v, size = heap_pop(keys, nodes, pos, size)
        settled += 1
        for k in range(start[0, v], start[0, v] + length[0, v]):
            x = to[0, k]
            if done[x]:
                continue
            nd = du + w[0, k]
            if nd < dist[x]:
                if dist[x] == _INF:
                    touched[n_touched] = x
                    n_touched += 1
                dist[x] = nd
                size = heap_set(keys, nodes, pos, size, x, nd)
    for i in range(size):
        pos[nodes[i]] = -1
    return n_touched


@njit(cache=True)
def _contract(v, add, max_settled, g, done, ws):
    """Shortcuts needed to contract ``v`` (added when ``add``); -1 if the pool is full."""
    start, length, cap, to, w, top = g
    dist, touched = ws[0], ws[4]
    done[v] = True
    count = 0
    for a in range(start[1, v], start[1, v] + length[1, v]):
        u, w1 = to[1, a], w[1, a]
        if done[u]:
            continue
        limit = -1.0
        for b in range(start[0, v], start[0, v] + length[0, v]):
            if not done[to[0, b]] and to[0, b] != u:
                limit = max(limit, w1 + w[0, b])
        if limit < 0:
            continue
        n_touched = _witness(u, limit, max_settled, start, length, to, w, done, ws)
        for b in range(start[0, v], start[0, v] + length[0, v]):
            x = to[0, b]
            if done[x] or x == u or dist[x] <= w1 + w[0, b]:
                continue
            count += 1
            if add and not (_add_arc(start, length, cap, to, w, top, done, 0, u, x,
                                     w1 + w[0, b])
                            and _add_arc(start, length, cap, to, w, top, done, 1, x, u,
                                         w1 + w[0, b])):
                return -1
        for i in range(n_touched):
            dist[touched[i]] = _INF
    if not add:
        done[v] = False
    return count


@njit(cache=True)
def _live_degree(v, start, length, to, done):
    deg = 0
    for d in range(2):
        for k in range(start[d, v], start[d, v] + length[d, v]):
            deg += not done[to[d, k]]
    return deg


@njit(cache=True)
def _priority(v, g, done, deleted, ws, max_settled, coef):
    """Weighted edge difference, deleted neighbours and level (``coef``)."""
    shortcuts = _contract(v, False, max_settled, g, done, ws)
    ed = shortcuts - _live_degree(v, g[0], g[1], g[3], done)
    return coef[0] * ed + coef[1] * deleted[v, 0] + coef[2] * deleted[v, 1]


@njit(cache=True)
def _record(v, g, done, arcs, n_arcs):
    """Append ``v``'s arcs to uncontracted nodes to ``arcs`` (``[d, 0|1|2, k]`` =
    from, to, weight); returns the new counts or -1 if full."""
    start, length, to, w = g[0], g[1], g[3], g[4]
    for d in range(2):
        for k in range(start[d, v], start[d, v] + length[d, v]):
            x = to[d, k]
            if done[x]:
                continue
            if n_arcs[d] >= arcs.shape[2]:
                return -1
            arcs[d, 0, n_arcs[d]], arcs[d, 1, n_arcs[d]] = v, x
            arcs[d, 2, n_arcs[d]] = w[d, k]
            n_arcs[d] += 1
    return 0


@njit(cache=True)
def _workspace(n):
    return (np.full(n, _INF), np.full(n, -1, np.int64), np.empty(n),
            np.empty(n, np.int64), np.empty(n, np.int64))


@njit(cache=True)
def contract_all(indptr, indices, weights, pool, arc_room, max_settled, coef):
    """Order and contract every node.

    Returns ``(rank, arcs, n_arcs, ok)``: ``arcs[0]`` the upward arcs (from, to, weight)
    with ``rank[to] > rank[from]``, ``arcs[1]`` the arcs ``to -> from`` of the reverse
    (backward) search, both ``n_arcs`` long; ``ok`` False when ``pool`` or ``arc_room``
    was too small.
    """
    n = len(indptr) - 1
    g = _initial_graph(indptr, indices, weights, pool)
    done = np.zeros(n, np.bool_)
    deleted = np.zeros((n, 2), np.int64)  # deleted neighbours, level
    rank = np.full(n, -1, np.int64)
    arcs = np.empty((2, 3, arc_room))
    n_arcs = np.zeros(2, np.int64)
    ws = _workspace(n)
    keys, nodes, pos = np.empty(n), np.empty(n, np.int64), np.full(n, -1, np.int64)
    size = 0
    for v in range(n):
        size = heap_set(keys, nodes, pos, size, v, _priority(v, g, done, deleted, ws,
                                                             max_settled, coef))
    r = 0
    while size > 0:
        v = nodes[0]
        size = heap_set(keys, nodes, pos, size, v,
                        _priority(v, g, done, deleted, ws, max_settled, coef))
        if nodes[0] != v:  # lazy update: another node is now cheaper
            continue
        v, size = heap_pop(keys, nodes, pos, size)
        if _record(v, g, done, arcs, n_arcs) < 0 or _contract(v, True, max_settled, g,
                                                               done, ws) < 0:
            return rank, arcs, n_arcs, False
        rank[v] = r
        r += 1
        size = _update_neighbours(v, g, done, deleted, ws, max_settled, keys, nodes, pos,
                                  size, coef)
    return rank, arcs, n_arcs, True


@njit(cache=True)
def _update_neighbours(v, g, done, deleted, ws, max_settled, keys, nodes, pos, size,
                       coef):
    start, length, to = g[0], g[1], g[3]
    for d in range(2):
        for k in range(start[d, v], start[d, v] + length[d, v]):
            x = to[d, k]
            if done[x] or pos[x] < 0:
                continue
            deleted[x, 0] += 1
            deleted[x, 1] = max(deleted[x, 1], deleted[v, 1] + 1)
            if _live_degree(x, start, length, to, done) <= coef[3]:
                size = heap_set(keys, nodes, pos, size, x,
                                _priority(x, g, done, deleted, ws, max_settled, coef))
    return size


@njit(cache=True)
def _initial_graph(indptr, indices, weights, pool):
    """The pool graph of a CSR graph (out arcs and in arcs, two spare places each)."""
    n = len(indptr) - 1
    start = np.zeros((2, n), np.int64)
    length = np.zeros((2, n), np.int64)
    cap = np.zeros((2, n), np.int64)
    to = np.empty((2, pool), np.int64)
    w = np.empty((2, pool))
    indeg = np.zeros(n, np.int64)
    for k in range(len(indices)):
        indeg[indices[k]] += 1
    top = np.zeros(2, np.int64)
    for v in range(n):
        for d in range(2):
            deg = indptr[v + 1] - indptr[v] if d == 0 else indeg[v]
            start[d, v], cap[d, v] = top[d], deg + 2
            top[d] += deg + 2
    for v in range(n):
        for k in range(indptr[v], indptr[v + 1]):
            x = indices[k]
            to[0, start[0, v] + length[0, v]], w[0, start[0, v] + length[0, v]] = x, weights[k]
            length[0, v] += 1
            to[1, start[1, x] + length[1, x]], w[1, start[1, x] + length[1, x]] = v, weights[k]
            length[1, x] += 1
    return start, length, cap, to, w, top


# ------------------------------------------------------------------------- queries


@njit(cache=True)
def _upward(init_ptr, init_node, init_dist, i, ptr, to, w, sptr, sto, sw, ws, out_n, out_d):
    """Upward Dijkstra from the start nodes of query ``i`` with stall-on-demand (the
    reverse arcs ``sptr, sto, sw``); settled, unstalled nodes and their distances go
    to ``out_n``, ``out_d``. Returns their count."""
    dist, pos, keys, nodes, touched = ws
    size, n_touched, count = 0, 0, 0
    for k in range(init_ptr[i], init_ptr[i + 1]):
        x, d0 = init_node[k], init_dist[k]
        if d0 < dist[x]:
            if dist[x] == _INF:
                touched[n_touched] = x
                n_touched += 1
            dist[x] = d0
            size = heap_set(keys, nodes, pos, size, x, d0)
    while size > 0:
        v, size = heap_pop(keys, nodes, pos, size)
        dv = dist[v]
        stalled = False
        for k in range(sptr[v], sptr[v + 1]):
            if dist[sto[k]] + sw[k] < dv:
                stalled = True
                break
        if stalled:
            continue
        out_n[count], out_d[count] = v, dv
        count += 1
        for k in range(ptr[v], ptr[v + 1]):
            x = to[k]
            nd = dv + w[k]
            if nd < dist[x]:
                if dist[x] == _INF:
                    touched[n_touched] = x
                    n_touched += 1
                dist[x] = nd
                size = heap_set(keys, nodes, pos, size, x, nd)
    for k in range(n_touched):
        dist[touched[k]] = _INF
    return count


@njit(cache=True, parallel=True)
def search_spaces(init_ptr, init_node, init_dist, ptr, to, w, sptr, sto, sw, n_chunks,
                  offsets, fill_node, fill_dist, fill):
    """Upward search of every query. With ``fill`` False, returns each search-space
    size; with ``fill`` True writes them at ``offsets`` into ``fill_node, fill_dist``."""
    queries = len(init_ptr) - 1
    n = len(ptr) - 1
    sizes = np.zeros(queries, np.int64)
    for c in prange(n_chunks):
        ws = _workspace(n)
        out_n, out_d = np.empty(n, np.int64), np.empty(n)
        for i in range(c * queries // n_chunks, (c + 1) * queries // n_chunks):
            count = _upward(init_ptr, init_node, init_dist, i, ptr, to, w, sptr, sto, sw,
                            ws, out_n, out_d)
            sizes[i] = count
            if fill:
                fill_node[offsets[i]:offsets[i] + count] = out_n[:count]
                fill_dist[offsets[i]:offsets[i] + count] = out_d[:count]
    return sizes


@njit(cache=True)
def buckets(n, sizes, fill_node, fill_dist):
    """Bucket CSR by node: ``(ptr, target index, distance)`` of the backward searches."""
    ptr = np.zeros(n + 1, np.int64)
    for k in range(len(fill_node)):
        ptr[fill_node[k] + 1] += 1
    for v in range(n):
        ptr[v + 1] += ptr[v]
    nxt = ptr[:-1].copy()
    tgt = np.empty(len(fill_node), np.int64)
    dist = np.empty(len(fill_node))
    k = 0
    for t in range(len(sizes)):
        for _ in range(sizes[t]):
            v = fill_node[k]
            tgt[nxt[v]], dist[nxt[v]] = t, fill_dist[k]
            nxt[v] += 1
            k += 1
    return ptr, tgt, dist


@njit(cache=True, parallel=True)
def many_to_many(init_ptr, init_node, init_dist, ptr, to, w, sptr, sto, sw, bptr, btgt,
                 bdist, n_targets, radix, qt, ql, n_chunks, dur, dist_out):
    """Forward upward searches scanning the buckets; decoded rows into ``dur`` (s) and
    ``dist_out`` (m), ``inf`` where unreachable."""
    queries = len(init_ptr) - 1
    n = len(ptr) - 1
    for c in prange(n_chunks):
        ws = _workspace(n)
        out_n, out_d = np.empty(n, np.int64), np.empty(n)
        row = np.empty(n_targets)
        for i in range(c * queries // n_chunks, (c + 1) * queries // n_chunks):
            row[:] = _INF
            count = _upward(init_ptr, init_node, init_dist, i, ptr, to, w, sptr, sto, sw,
                            ws, out_n, out_d)
            for j in range(count):
                y, dy = out_n[j], out_d[j]
                for k in range(bptr[y], bptr[y + 1]):
                    val = dy + bdist[k]
                    if val < row[btgt[k]]:
                        row[btgt[k]] = val
            for t in range(n_targets):
                total = row[t]
                if total == _INF:
                    dur[i, t], dist_out[i, t] = _INF, _INF
                else:
                    units = np.floor(total / radix)
                    dur[i, t] = units * qt
                    dist_out[i, t] = (total - units * radix) * ql
