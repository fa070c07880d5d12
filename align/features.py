"""Sparse bag-of-features matrices (character n-grams, tokens) for both sides in one shared space."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class Channel:
    """One similarity signal: source and target rows in a shared, idf-weighted feature space."""

    name: str
    src: sp.csr_matrix
    tgt: sp.csr_matrix

    def coarsen(self, src_groups: np.ndarray, tgt_groups: np.ndarray) -> Channel:
        """The channel over blocks of sentences (rows summed by group id)."""
        return Channel(self.name, _sum_rows(self.src, src_groups), _sum_rows(self.tgt, tgt_groups))


def _sum_rows(m: sp.csr_matrix, groups: np.ndarray) -> sp.csr_matrix:
    """Rows of m summed by their group id."""
    n = int(groups[-1]) + 1 if len(groups) else 0
    agg = sp.csr_matrix((np.ones(len(groups), np.float32), (groups, np.arange(len(groups)))), (n, m.shape[0]))
    return (agg @ m).tocsr()


def char_ngram_matrix(texts: Sequence[str], orders: Sequence[int]) -> sp.csr_matrix:
    """Counts of character n-grams (of the given orders) per text, computed with numpy, no hashing."""
    clean = [t.replace("\x00", " ") for t in texts]
    joined = "\x00" + "\x00".join(clean) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    alphabet, inv = np.unique(codes, return_inverse=True)
    inv = inv.astype(np.int64)
    sep = codes == 0
    sent = np.cumsum(sep) - 1  # text index of every position (separators belong to the text they start)
    bits = max(1, int(np.ceil(np.log2(len(alphabet) + 1))))
    blocks = []
    n_len = len(codes)
    for n in orders:
        if n * bits > 60 or n_len < n:
            continue
        span = n_len - n + 1
        key = np.zeros(span, np.int64)
        bad = np.zeros(span, bool)
        for k in range(n):
            key = (key << bits) | inv[k : k + span]
            bad |= sep[k : k + span]
        keep = ~bad
        rows = sent[:span][keep]
        _, cols = np.unique(key[keep], return_inverse=True)
        del key, bad, keep
        ncols = int(cols.max()) + 1 if len(cols) else 1
        m = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), (len(texts), ncols))
        m.sum_duplicates()
        blocks.append(m)
    if not blocks:
        return sp.csr_matrix((len(texts), 1), dtype=np.float32)
    return sp.hstack(blocks, format="csr")


def token_matrix(
    docs: Sequence[Sequence[str]], weights: Sequence[Sequence[float]] | None = None
) -> sp.csr_matrix:
    """Counts (or given weights) of string tokens per document, over a vocabulary built on the fly."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for r, toks in enumerate(docs):
        ws = weights[r] if weights is not None else None
        for k, tok in enumerate(toks):
            rows.append(r)
            cols.append(vocab.setdefault(tok, len(vocab)))
            vals.append(ws[k] if ws is not None else 1.0)
    m = sp.csr_matrix(
        (np.asarray(vals, np.float32), (np.asarray(rows, np.int64), np.asarray(cols, np.int64))),
        (len(docs), max(1, len(vocab))),
    )
    m.sum_duplicates()
    return m


def idf_channel(name: str, both: sp.csr_matrix, n_src: int) -> Channel:
    """Split a stacked (source rows, then target rows) count matrix into an idf-weighted channel.

    Document frequency is counted per side and the two sides' idfs are averaged, so a feature that is
    frequent on one side only (a script's common letters) still weighs little.
    """
    both = both.tocsr().astype(np.float32)
    both.data = np.where(both.data > 1.0, 1.0 + np.log(np.maximum(both.data, 1.0)), both.data)  # sublinear tf
    src, tgt = both[:n_src], both[n_src:]
    idf = 0.5 * (_idf(src) + _idf(tgt))
    scale = sp.diags(idf.astype(np.float32))
    return Channel(name, (src @ scale).tocsr(), (tgt @ scale).tocsr())


def _idf(m: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency of each column over the rows of m."""
    df = np.bincount(m.indices, minlength=m.shape[1]).astype(np.float64)
    return np.log((m.shape[0] + 1.0) / (df + 1.0)) + 1.0
