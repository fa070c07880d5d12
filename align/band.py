"""A ragged band of DP cells: for each source position i, a range of target positions [lo[i], hi[i]]."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d


@dataclass
class Band:
    """DP cells (i, j), 0 <= i <= n, lo[i] <= j <= hi[i], stored row by row in flat arrays."""

    n: int
    m: int
    lo: np.ndarray
    hi: np.ndarray
    start: np.ndarray  # start[i]: flat index of cell (i, lo[i]); start[n + 1] = number of cells

    @classmethod
    def from_bounds(cls, n: int, m: int, lo: np.ndarray, hi: np.ndarray) -> Band:
        """A band from per-row bounds, clipped to the grid and forced to hold (0, 0) and (n, m)."""
        lo = np.clip(np.asarray(lo, np.int64), 0, m)
        hi = np.clip(np.asarray(hi, np.int64), 0, m)
        lo[0], hi[n] = 0, m
        hi = np.maximum(hi, lo)
        start = np.zeros(n + 2, np.int64)
        np.cumsum(hi - lo + 1, out=start[1:])
        return cls(n, m, lo, hi, start)

    @classmethod
    def full(cls, n: int, m: int) -> Band:
        """Every cell of the (n+1) x (m+1) grid."""
        return cls.from_bounds(n, m, np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64))

    @property
    def size(self) -> int:
        """Number of cells."""
        return int(self.start[-1])

    def cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of every cell, in flat order."""
        widths = self.hi - self.lo + 1
        rows = np.repeat(np.arange(self.n + 1), widths)
        cols = self.lo[rows] + np.arange(self.size) - self.start[rows]
        return rows, cols

    def index(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flat indices of cells (i, j) and whether each is inside the band (index 0 where not)."""
        ok = (i >= 0) & (i <= self.n)
        ic = np.where(ok, i, 0)
        ok &= (j >= self.lo[ic]) & (j <= self.hi[ic])
        return np.where(ok, self.start[ic] + j - self.lo[ic], 0), ok

    @classmethod
    def around_path(
        cls,
        n: int,
        m: int,
        nodes: np.ndarray,
        scale_i: float,
        scale_j: float,
        width: int,
        extra: np.ndarray | None = None,
    ) -> Band:
        """The band around a coarse path (its nodes scaled to this grid), widened by `width` cells
        (plus `extra[i]` more columns on row i)."""
        ci = np.minimum(np.round(nodes[:, 0] * scale_i).astype(np.int64), n)
        cj = np.minimum(np.round(nodes[:, 1] * scale_j).astype(np.int64), m)
        lo = np.full(n + 1, m, np.int64)
        hi = np.zeros(n + 1, np.int64)
        i0, i1, j0, j1 = ci[:-1], ci[1:], cj[:-1], cj[1:]
        counts = i1 - i0 + 1
        rows = np.repeat(i0, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        np.minimum.at(lo, rows, np.repeat(j0, counts))
        np.maximum.at(hi, rows, np.repeat(j1, counts))
        size = 2 * width + 1
        pad = width if extra is None else width + extra
        lo = minimum_filter1d(lo, size, mode="nearest") - pad
        hi = maximum_filter1d(hi, size, mode="nearest") + pad
        return cls.from_bounds(n, m, lo, hi)
