"""Bead features (per-channel cosine, length log-probability) for every band cell or for listed beads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import log_ndtr

from align.band import Band
from align.beads import BEAD_TYPES
from align.features import Channel

MAX_SIDE = 4
GC_VARIANCE = 6.8  # Gale & Church: variance of the length difference per character (of the longer side)
EPS = 1e-9


@dataclass
class LengthModel:
    """Gale-Church: target length ~ ratio * source length, variance growing with length."""

    ratio: float = 1.0
    variance: float = 6.8

    def logprob(self, ls: np.ndarray, lt: np.ndarray) -> np.ndarray:
        """Log of the two-sided tail probability of the length difference (0 is a perfect fit)."""
        mean = (ls * self.ratio + lt) / 2.0
        delta = (lt - self.ratio * ls) / np.sqrt(self.variance * mean + 1.0)
        return np.log(2.0) + log_ndtr(-np.abs(delta))

    @classmethod
    def for_documents(
        cls, src_chars: float, tgt_chars: float, prior_ratio: float, pseudo: float = 1000.0
    ) -> LengthModel:
        """Ratio of the two documents' lengths, shrunk towards the script pair's usual ratio for short ones."""
        ratio = (tgt_chars + pseudo * prior_ratio) / (src_chars + pseudo)
        return cls(ratio, GC_VARIANCE)

    @classmethod
    def fit(cls, ls: np.ndarray, lt: np.ndarray) -> LengthModel:
        """Ratio and (robust) variance from lengths of aligned spans."""
        ls, lt = np.asarray(ls, float), np.asarray(lt, float)
        ratio = float(lt.sum() / max(ls.sum(), 1.0)) if lt.sum() > 0 else 1.0
        if len(ls) < 5:
            return cls(ratio, 6.8 * max(ratio, 1e-3))
        resid = (lt - ratio * ls) / np.sqrt((ls * ratio + lt) / 2.0 + 1.0)
        mad = float(np.median(np.abs(resid - np.median(resid)))) * 1.4826
        return cls(ratio, float(np.clip(mad**2, 0.5, 200.0)))


@dataclass
class MemberPenalty:
    """In a bead with 3+ sentences, each member whose cosine against the bead's other side exceeds no
    channel's threshold costs `cost` (about what leaving it out costs)."""

    channels: tuple[int, ...]
    threshold: tuple[float, ...]  # per channel: a member has evidence when some channel's cosine exceeds it
    cost: float


@dataclass
class Level:
    """What the DP needs at one resolution: channels and the lengths of both sides' units."""

    channels: list[Channel]
    src_len: np.ndarray
    tgt_len: np.ndarray
    _norms: list | None = None
    members: MemberPenalty | None = None  # cost of bead members with no evidence (full resolution only)

    def span_norms(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Squared norms of every source/target span of 1..4 units, per channel (computed once)."""
        if self._norms is None:
            self._norms = [(_span_norms(ch.src), _span_norms(ch.tgt)) for ch in self.channels]
        return self._norms

    @property
    def n(self) -> int:
        return len(self.src_len)

    @property
    def m(self) -> int:
        return len(self.tgt_len)


def _span_norms(m: sp.csr_matrix) -> np.ndarray:
    """norms[a, i] = squared norm of the sum of rows [i-a, i), for a = 0..MAX_SIDE (NaN-free)."""
    n = m.shape[0]
    gram = np.zeros((MAX_SIDE, n + MAX_SIDE), np.float64)
    for d in range(MAX_SIDE):
        if n > d:
            gram[d, : n - d] = np.asarray(m[: n - d].multiply(m[d:]).sum(axis=1)).ravel()
    out = np.zeros((MAX_SIDE + 1, n + 1), np.float64)
    for a in range(1, MAX_SIDE + 1):
        idx = np.arange(a, n + 1)
        tot = np.zeros(len(idx))
        for k in range(1, a + 1):
            tot += gram[0, idx - k]
            for d in range(1, k):
                tot += 2.0 * gram[d, idx - k]
        out[a, a:] = tot
    return out


def _span_lengths(lengths: np.ndarray) -> np.ndarray:
    """lens[a, i] = total length of units [i-a, i)."""
    cum = np.concatenate([[0.0], np.cumsum(lengths, dtype=np.float64)])
    n = len(lengths)
    out = np.zeros((MAX_SIDE + 1, n + 1))
    for a in range(1, min(MAX_SIDE, n) + 1):
        out[a, a:] = cum[a:] - cum[: n + 1 - a]
    return out


class PairDots:
    """Row-wise prefix sums of sentence-pair dot products over a slightly widened band."""

    def __init__(self, channel: Channel, band: Band) -> None:
        n, m = band.n, band.m
        lo_ext = np.concatenate([band.lo[1:], np.full(MAX_SIDE, band.m)])
        hi_ext = np.concatenate([band.hi[1:], np.zeros(MAX_SIDE, np.int64)])
        elo = np.min(np.stack([lo_ext[k : k + n] for k in range(MAX_SIDE)]), axis=0) - MAX_SIDE
        ehi = np.max(np.stack([hi_ext[k : k + n] for k in range(MAX_SIDE)]), axis=0)
        self.elo = np.clip(elo, 0, m)
        self.ehi = np.maximum(np.clip(ehi, 0, m), self.elo)
        widths = self.ehi - self.elo + 1
        self.qstart = np.concatenate([[0], np.cumsum(widths)])
        q = np.zeros(int(self.qstart[-1]), np.float64)
        src, tgt = channel.src, channel.tgt
        r0 = 0
        while r0 < n:
            r1 = min(n, r0 + 256)
            while r1 - r0 > 1 and (r1 - r0) * (self.ehi[r0:r1].max() - self.elo[r0:r1].min()) > 4_000_000:
                r1 = r0 + (r1 - r0) // 2
            c0, c1 = int(self.elo[r0:r1].min()), int(self.ehi[r0:r1].max())
            dense = np.zeros((r1 - r0, max(c1 - c0, 0) + 1))
            if c1 > c0:
                dense[:, 1:] = (src[r0:r1] @ tgt[c0:c1].T).toarray()
            # dense[:, k + 1] = dot(row, tgt c0 + k); prefix over each row's window [elo, ehi)
            w = widths[r0:r1]
            rows = np.repeat(np.arange(r1 - r0), w)
            offs = np.arange(w.sum()) - np.repeat(np.cumsum(w) - w, w)
            cols = (
                self.elo[r0:r1][rows] - c0 + offs
            )  # column j' = elo + offs, value for j' - 1 at index j'-c0
            vals = np.where(offs > 0, dense[rows, np.clip(cols, 0, dense.shape[1] - 1)], 0.0)
            seg = np.cumsum(vals)
            base = np.repeat(seg[np.cumsum(w) - w] - vals[np.cumsum(w) - w], w)
            q[self.qstart[r0] : self.qstart[r1]] = seg - base
            r0 = r1
        self.q = q

    def block(self, i: np.ndarray, j: np.ndarray, a: int, b: int) -> np.ndarray:
        """Sum of pair dots over source units [i-a, i) x target units [j-b, j) (cells assumed valid)."""
        tot = np.zeros(len(i))
        for k in range(1, a + 1):
            r = np.clip(i - k, 0, len(self.elo) - 1)
            top = self.qstart[r] + np.clip(j - self.elo[r], 0, None)
            bot = self.qstart[r] + np.clip(j - b - self.elo[r], 0, None)
            tot += self.q[np.minimum(top, len(self.q) - 1)] - self.q[np.minimum(bot, len(self.q) - 1)]
        return tot


def band_features(
    level: Level, band: Band, length: LengthModel, dots: list[PairDots] | None = None
) -> tuple[dict, np.ndarray]:
    """Per bead type: features (cells x [cos per channel..., length]) and validity of every band cell
    (`dots`: the channels' PairDots over this band, when already built)."""
    rows, cols = band.cells()
    src_lens, tgt_lens = _span_lengths(level.src_len), _span_lengths(level.tgt_len)
    if dots is None:
        dots = [PairDots(ch, band) for ch in level.channels]
    snorm = [s for s, _ in level.span_norms()]
    tnorm = [t for _, t in level.span_norms()]
    feats: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
    for a, b in BEAD_TYPES:
        _, ok = band.index(rows - a, cols - b)
        if a == 0 or b == 0:
            feats[(a, b)] = (np.zeros((len(rows), 0)), ok)
            continue
        ir, jc = np.where(ok, rows, 0), np.where(ok, cols, 0)
        x = np.empty((len(rows), len(dots) + 1), np.float32)
        for c, pd in enumerate(dots):
            x[:, c] = pd.block(ir, jc, a, b) / np.sqrt(snorm[c][a, ir] * tnorm[c][b, jc] + EPS)
        x[:, -1] = length.logprob(src_lens[a, ir], tgt_lens[b, jc])
        feats[(a, b)] = (x, ok)
    return feats, rows


def member_penalty(
    level: Level, dots: list[PairDots], rows: np.ndarray, cols: np.ndarray, ok: np.ndarray, a: int, b: int
) -> np.ndarray:
    """Summed cost of the members of (a, b) beads ending at band cells (rows, cols) that share nothing with
    the bead's other side (`level.members`); zeros when there is no member test or the shape is 1-1."""
    mp = level.members
    pen = np.zeros(len(rows), np.float32)
    if mp is None or not mp.channels or a == 0 or b == 0 or (a == 1 and b == 1):
        return pen
    ir, jc = np.where(ok, rows, 0), np.where(ok, cols, 0)
    norms = level.span_norms()

    def seen(i: np.ndarray, j: np.ndarray, sa: int, sb: int) -> np.ndarray:
        """Whether the (sa x sb) block at (i, j) beats some channel's threshold."""
        out = np.zeros(len(rows), bool)
        for c, thr in zip(mp.channels, mp.threshold):
            sn, tn = norms[c]
            out |= dots[c].block(i, j, sa, sb) > thr * np.sqrt(sn[sa, i] * tn[sb, j] + EPS)
        return out

    for k in range(a if a > 1 else 0):  # source member i - a + k against the target span [j - b, j)
        pen[~seen(np.maximum(ir - a + k + 1, 0), jc, 1, b)] += mp.cost
    for k in range(b if b > 1 else 0):  # target member j - b + k against the source span [i - a, i)
        pen[~seen(ir, np.maximum(jc - b + k + 1, 0), a, 1)] += mp.cost
    return pen


def bead_features(level: Level, beads: np.ndarray, length: LengthModel) -> np.ndarray:
    """Features of listed beads, rows (i0, j0, a, b) with a, b >= 1: [cos per channel..., length]."""
    k = len(beads)
    i0, j0, a, b = (beads[:, c] for c in range(4))
    agg_s = _spans(i0, a, level.n)
    agg_t = _spans(j0, b, level.m)
    x = np.empty((k, len(level.channels) + 1))
    for c, ch in enumerate(level.channels):
        ss, tt = agg_s @ ch.src, agg_t @ ch.tgt
        x[:, c] = _rowdot(ss, tt) / np.sqrt(_rowdot(ss, ss) * _rowdot(tt, tt) + EPS)
    ls = agg_s @ level.src_len.astype(float)
    lt = agg_t @ level.tgt_len.astype(float)
    x[:, -1] = length.logprob(ls, lt)
    return x


def pair_cosines(channel: Channel, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Cosine of source sentence i[k] and target sentence j[k] on one channel."""
    a, b = channel.src[i], channel.tgt[j]
    return _rowdot(a, b) / np.sqrt(_rowdot(a, a) * _rowdot(b, b) + EPS)


def _rowdot(x: sp.csr_matrix, y: sp.csr_matrix) -> np.ndarray:
    """Dot product of matching rows of two sparse matrices."""
    return np.asarray(x.multiply(y).sum(axis=1)).ravel()


def _spans(start: np.ndarray, size: np.ndarray, n: int) -> sp.csr_matrix:
    """A (len(start) x n) 0/1 matrix selecting rows [start, start + size) for each bead."""
    rows = np.repeat(np.arange(len(start)), size)
    cols = np.repeat(start, size) + np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), (len(start), n))
