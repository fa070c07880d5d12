"""Monotone dynamic programming over bead shapes inside a band (numba kernel, numpy fallback)."""

from __future__ import annotations

import numpy as np

from align.band import Band
from align.beads import BEAD_TYPES

NEG = -1e30

try:  # numba makes the row loop ~50x faster; without it the numpy version runs
    from numba import njit
except ImportError:  # pragma: no cover - exercised only where numba is missing
    njit = None


def best_path(band: Band, scores: dict[tuple[int, int], np.ndarray], insertion: float) -> np.ndarray:
    """The best monotone path from (0, 0) to (n, m): its nodes as an (k, 2) array of (i, j).

    `scores[(a, b)]` holds, for every band cell, the score of the bead of shape (a, b) ending there
    (NEG where it is impossible); every (0, 1) bead scores `insertion`.
    """
    shapes = [(t, a, b) for t, (a, b) in enumerate(BEAD_TYPES) if a > 0 and (a, b) in scores]
    if _kernel is not None:
        table = np.stack([scores[(a, b)].astype(np.float32) for _, a, b in shapes])
        codes = np.array([t for t, _, _ in shapes], np.int8)
        da = np.array([a for _, a, _ in shapes], np.int64)
        db = np.array([b for _, _, b in shapes], np.int64)
        back = _kernel(
            band.lo, band.hi, band.start, table, codes, da, db, float(insertion), BEAD_TYPES.index((0, 1))
        )
    else:
        back = _numpy_dp(band, scores, insertion, shapes)
    return _backtrack(band, back)


def _numpy_dp(band: Band, scores: dict, insertion: float, shapes: list) -> np.ndarray:
    """Row-by-row vectorised DP; returns back-pointers (bead shape index per cell)."""
    total = np.full(band.size, NEG)
    back = np.full(band.size, -1, np.int8)
    ins = BEAD_TYPES.index((0, 1))
    for i in range(band.n + 1):
        s, e = int(band.start[i]), int(band.start[i + 1])
        cols = np.arange(band.lo[i], band.hi[i] + 1)
        best = np.full(e - s, NEG)
        arg = np.full(e - s, -1, np.int8)
        if i == 0 and band.lo[0] == 0:
            best[0] = 0.0
        for t, a, b in shapes:
            if i - a < 0:
                continue
            pj = cols - b
            plo, phi = band.lo[i - a], band.hi[i - a]
            ok = (pj >= plo) & (pj <= phi)
            if not ok.any():
                continue
            prev = total[band.start[i - a] + np.clip(pj - plo, 0, phi - plo)]
            cand = np.where(ok, prev + scores[(a, b)][s:e], NEG)
            upd = cand > best
            best = np.where(upd, cand, best)
            arg[upd] = t
        # insertions (0, 1) chain along the row: total[j] = max_k best[k] + (j - k) * c
        k = np.arange(e - s)
        chain = np.maximum.accumulate(best - k * insertion) + k * insertion
        from_left = chain > best + 1e-9
        total[s:e] = np.where(from_left, chain, best)
        back[s:e] = np.where(from_left, ins, arg)
    return back


def _kernel_py(lo, hi, start, table, codes, da, db, insertion, ins_code):  # pragma: no cover - compiled
    """The DP as plain loops (compiled by numba)."""
    n = lo.shape[0] - 1
    size = start[n + 1]
    total = np.full(size, NEG)
    back = np.full(size, -1, np.int8)
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            c = start[i] + j - lo[i]
            best = NEG
            arg = -1
            if i == 0 and j == 0:
                best = 0.0
            for t in range(codes.shape[0]):
                pi = i - da[t]
                pj = j - db[t]
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                v = total[start[pi] + pj - lo[pi]] + np.float64(table[t, c])
                if v > best:
                    best = v
                    arg = codes[t]
            if j > lo[i]:
                v = total[c - 1] + insertion
                if v > best + 1e-9:
                    best = v
                    arg = ins_code
            total[c] = best
            back[c] = arg
    return back


_kernel = njit(cache=True, nogil=True)(_kernel_py) if njit is not None else None


def _backtrack(band: Band, back: np.ndarray) -> np.ndarray:
    """Nodes of the path ending at (n, m), following back-pointers."""
    i, j = band.n, band.m
    nodes = [(i, j)]
    while i > 0 or j > 0:
        t = int(back[band.start[i] + j - band.lo[i]])
        if t < 0:
            raise RuntimeError(f"no path through cell ({i}, {j})")
        a, b = BEAD_TYPES[t]
        i, j = i - a, j - b
        nodes.append((i, j))
    return np.asarray(nodes[::-1], np.int64)
