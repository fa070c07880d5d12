"""Bead confidences as posterior probabilities: forward-backward over the same band and scores as the DP."""

from __future__ import annotations

import numpy as np

from align.band import Band
from align.beads import BEAD_TYPES
from align.dp import NEG, njit

POSTERIORS = njit is not None  # the forward-backward loops need numba to run in reasonable time


def bead_posteriors(
    band: Band,
    scores: dict[tuple[int, int], np.ndarray],
    insertion: float,
    beads: np.ndarray,
    temperature: float = 1.0,
) -> np.ndarray:
    """P(bead | both documents) for each bead (rows i0, j0, a, b) of a path inside `band`, summing over every
    monotone alignment in the band with weights exp(score / temperature) (needs numba: see POSTERIORS)."""
    shapes = [(a, b) for a, b in BEAD_TYPES if a > 0 and (a, b) in scores]
    table = np.stack([scores[s].astype(np.float64) for s in shapes]) / temperature
    table = np.where(table <= NEG / 2, NEG, table)
    da = np.array([a for a, _ in shapes], np.int64)
    db = np.array([b for _, b in shapes], np.int64)
    ins = insertion / temperature
    alpha = _forward(band.lo, band.hi, band.start, table, da, db, ins)
    beta = _backward(band.lo, band.hi, band.start, table, da, db, ins)
    z = alpha[-1]
    i0, j0, a, b = (beads[:, k] for k in range(4))
    end = band.start[i0 + a] + (j0 + b) - band.lo[i0 + a]
    begin = band.start[i0] + j0 - band.lo[i0]
    shape_index = {s: k for k, s in enumerate(shapes)}
    step = np.array(
        [ins if (x, y) == (0, 1) else table[shape_index[(x, y)], e] for x, y, e in zip(a, b, end)], np.float64
    )
    return np.clip(np.exp(alpha[begin] + step + beta[end] - z), 0.0, 1.0)


def _logaddexp(x: float, y: float) -> float:
    """log(exp(x) + exp(y)) without overflow."""
    if x < y:
        x, y = y, x
    if y <= NEG / 2:
        return x
    return x + np.log1p(np.exp(y - x))


def _forward_py(lo, hi, start, table, da, db, ins):  # pragma: no cover - compiled
    """Log-sum of the scores of all paths from (0, 0) to each band cell."""
    n = lo.shape[0] - 1
    alpha = np.full(start[n + 1], NEG)
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            c = start[i] + j - lo[i]
            acc = 0.0 if (i == 0 and j == 0) else NEG
            for t in range(da.shape[0]):
                pi = i - da[t]
                pj = j - db[t]
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                acc = _logaddexp_nb(acc, alpha[start[pi] + pj - lo[pi]] + table[t, c])
            if j > lo[i]:
                acc = _logaddexp_nb(acc, alpha[c - 1] + ins)
            alpha[c] = acc
    return alpha


def _backward_py(lo, hi, start, table, da, db, ins):  # pragma: no cover - compiled
    """Log-sum of the scores of all paths from each band cell to (n, m)."""
    n = lo.shape[0] - 1
    beta = np.full(start[n + 1], NEG)
    for i in range(n, -1, -1):
        for j in range(hi[i], lo[i] - 1, -1):
            c = start[i] + j - lo[i]
            acc = 0.0 if (i == n and j == hi[n]) else NEG
            for t in range(da.shape[0]):
                ni = i + da[t]
                nj = j + db[t]
                if ni > n or nj < lo[ni] or nj > hi[ni]:
                    continue
                nc = start[ni] + nj - lo[ni]
                acc = _logaddexp_nb(acc, beta[nc] + table[t, nc])
            if j < hi[i]:
                acc = _logaddexp_nb(acc, beta[c + 1] + ins)
            beta[c] = acc
    return beta


if njit is not None:
    _logaddexp_nb = njit(cache=True, nogil=True)(_logaddexp)
    _forward = njit(cache=True, nogil=True)(_forward_py)
    _backward = njit(cache=True, nogil=True)(_backward_py)
else:  # pragma: no cover - exercised only where numba is missing
    _logaddexp_nb = _logaddexp
    _forward = _backward = None
