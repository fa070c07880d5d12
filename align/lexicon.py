"""Word associations learned from a document pair itself (hunalign's bootstrapping): IBM Model 1 on the
confident 1-1 beads of a first pass, used as a dictionary channel for the second pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from align.features import Channel, idf_channel, token_matrix
from align.text import normalize, words


@dataclass
class LexiconOptions:
    """How the document lexicon is learned."""

    min_len: int = 3  # words shorter than this are ignored
    iterations: int = 5  # EM iterations of IBM Model 1, each direction
    min_prob: float = 0.1  # keep a pair when the geometric mean of both directions' t() reaches this
    min_count: int = 1  # ... and the pair co-occurs in at least this many training beads
    max_beads: int = 20000  # at most this many training beads (evenly spaced), so time stays linear


def doc_words(sentences: Sequence[str], min_len: int) -> list[list[str]]:
    """Distinct lower-cased words of each sentence, at least min_len letters long."""
    return [sorted({w for w in words(normalize(s)) if len(w) >= min_len}) for s in sentences]


def _model1(src: list[list[int]], tgt: list[list[int]], ns: int, nt: int, iterations: int) -> sp.csr_matrix:
    """IBM Model 1 t(target | source) on sentence pairs of word ids (source id ns is NULL)."""
    rows, cols, bead = [], [], []
    for k, (s, t) in enumerate(zip(src, tgt)):
        s = list(s) + [ns]
        for v in t:
            rows.extend(s)
            cols.extend([v] * len(s))
            bead.extend([k] * len(s))
    u, v, b = np.array(rows, np.int64), np.array(cols, np.int64), np.array(bead, np.int64)
    if not len(u):
        return sp.csr_matrix((ns + 1, nt))
    _, group = np.unique(b * (nt + 1) + v, return_inverse=True)  # one normalisation per (bead, target word)
    pairs, pid = np.unique(u * nt + v, return_inverse=True)  # distinct (source, target) word pairs
    pu, pv = pairs // nt, pairs % nt
    t = np.full(len(pairs), 1.0 / max(nt, 1))
    for _ in range(max(1, iterations)):
        tk = t[pid]
        post = tk / np.bincount(group, weights=tk)[group]
        counts = np.bincount(pid, weights=post, minlength=len(pairs))
        t = counts / np.maximum(np.bincount(pu, weights=counts, minlength=ns + 1)[pu], 1e-12)
    return sp.csr_matrix((t, (pu, pv)), (ns + 1, nt))


def learn(
    src_words: list[list[str]], tgt_words: list[list[str]], options: LexiconOptions
) -> dict[str, list[tuple[str, float]]]:
    """Source word -> [(target word, association)] from aligned sentence pairs (word lists)."""
    if len(src_words) > options.max_beads:
        keep = np.linspace(0, len(src_words) - 1, options.max_beads).astype(int)
        src_words = [src_words[k] for k in keep]
        tgt_words = [tgt_words[k] for k in keep]
    sv: dict[str, int] = {}
    tv: dict[str, int] = {}
    s_ids = [[sv.setdefault(w, len(sv)) for w in s] for s in src_words]
    t_ids = [[tv.setdefault(w, len(tv)) for w in t] for t in tgt_words]
    ns, nt = len(sv), len(tv)
    if not ns or not nt:
        return {}
    fwd = _model1(s_ids, t_ids, ns, nt, options.iterations)[:ns]  # t(v | u)
    bwd = _model1(t_ids, s_ids, nt, ns, options.iterations)[:nt].T.tocsr()  # t(u | v), as [u, v]
    cooc = sp.csr_matrix(
        (
            np.ones(sum(len(s) * len(t) for s, t in zip(s_ids, t_ids))),
            (
                np.array([u for s, t in zip(s_ids, t_ids) for u in s for _ in t], np.int64),
                np.array([v for s, t in zip(s_ids, t_ids) for _ in s for v in t], np.int64),
            ),
        ),
        (ns, nt),
    )
    cooc.sum_duplicates()
    score = fwd.multiply(bwd).tocoo()
    s_names, t_names = list(sv), list(tv)
    out: dict[str, list[tuple[str, float]]] = {}
    prob = np.sqrt(score.data)
    n_cooc = np.asarray(cooc[score.row, score.col]).ravel()
    keep = (prob >= options.min_prob) & (n_cooc >= options.min_count)
    for u, v, p in zip(score.row[keep], score.col[keep], prob[keep]):
        out.setdefault(s_names[u], []).append((t_names[v], float(p)))
    return out


def lexicon_channel(
    name: str,
    src: Sequence[str],
    tgt: Sequence[str],
    lexicon: dict[str, list[tuple[str, float]]],
    min_len: int,
) -> Channel:
    """Learned translations of the source words against the target words (like the dictionary channel)."""
    left_t, left_w = [], []
    for ws in doc_words(src, min_len):
        toks, wts = [], []
        for w in ws:
            tr = lexicon.get(w, ())
            tot = sum(p for _, p in tr)
            for x, p in tr:
                toks.append(x)
                wts.append(p / tot)
        left_t.append(toks)
        left_w.append(wts)
    right = doc_words(tgt, min_len)
    m = token_matrix(left_t + right, left_w + [[1.0] * len(r) for r in right])
    return idf_channel(name, m, len(src))
