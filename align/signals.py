"""Build the similarity channels of a sentence pair from whatever evidence is available."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import regex
import scipy.sparse as sp

from align.features import Channel, char_ngram_matrix, idf_channel, token_matrix
from align.text import anchors, latin_view, normalize, script_of, words

MT_ORDERS = (1, 2, 3, 4, 5)
CHAR_ORDERS = (2, 3, 4)


@dataclass
class Signals:
    """Which signals to use (each only when its input exists)."""

    length: bool = True
    anchors: bool = True
    chars: bool = True
    mt: bool = True
    dictionary: bool = True
    translit: bool = True
    mt_words: bool = True  # word unigrams and bigrams of the MT against the other side (Bleualign-like)


@dataclass
class Evidence:
    """Everything known about the two sides besides their sentences."""

    src_mt: Sequence[str] | None = None  # translation of the source side into the target language
    tgt_mt: Sequence[str] | None = None  # translation of the target side into the source language
    src_dict: Callable[[str], list[str]] | None = None  # source word -> target-language words
    tgt_dict: Callable[[str], list[str]] | None = None  # target word -> source-language words
    src_translit: dict[str, str] = field(default_factory=dict)  # source word -> Latin spelling
    tgt_translit: dict[str, str] = field(default_factory=dict)
    src_para_starts: Sequence[int] = ()
    tgt_para_starts: Sequence[int] = ()


def stem(word: str) -> str:
    """A crude language-neutral stem: the first five letters."""
    return word[:5]


def build_channels(src: Sequence[str], tgt: Sequence[str], ev: Evidence, use: Signals) -> list[Channel]:
    """The similarity channels for this pair; channels with no shared feature at all are dropped."""
    ns = [normalize(s) for s in src]
    nt = [normalize(t) for t in tgt]
    n = len(src)
    channels: list[Channel] = []
    if use.anchors:
        commas = {script_of(list(src)), script_of(list(tgt))} == {"arabic", "latin"}  # measured on FLORES dev
        sa = [anchors(s, commas) for s in ns]
        ta = [anchors(t, commas) for t in nt]
        for side, starts in ((sa, ev.src_para_starts), (ta, ev.tgt_para_starts)):
            for k in starts:
                if 0 <= k < len(side):
                    side[k].append("¶")
        if use.translit:
            for side, table, texts in ((sa, ev.src_translit, ns), (ta, ev.tgt_translit, nt)):
                if table:
                    for k, text in enumerate(texts):
                        side[k].extend("w:" + table[w] for w in words(text) if w in table)
        channels.append(idf_channel("anchors", token_matrix(sa + ta), n))
    if use.chars:
        sl = [latin_view(s) for s in ns]
        tl = [latin_view(t) for t in nt]
        if use.translit:
            for side, table, texts in ((sl, ev.src_translit, ns), (tl, ev.tgt_translit, nt)):
                if table:
                    for k, text in enumerate(texts):
                        extra = [table[w] for w in words(text) if w in table]
                        if extra:
                            side[k] = side[k] + " " + " ".join(extra)
        name = "chars" if script_of(list(src)) == script_of(list(tgt)) else "latin"
        channels.append(idf_channel(name, char_ngram_matrix(sl + tl, CHAR_ORDERS), n))
    if use.mt and ev.src_mt is not None:
        mt = [normalize(s) for s in ev.src_mt]
        channels.append(idf_channel("mt", char_ngram_matrix(mt + nt, MT_ORDERS), n))
    if use.mt and ev.src_mt is not None and use.mt_words:
        channels.append(idf_channel("mt_words", token_matrix([_word_grams(t) for t in mt + nt]), n))
    if use.mt and ev.tgt_mt is not None:
        mt = [normalize(t) for t in ev.tgt_mt]
        channels.append(idf_channel("mt_rev", char_ngram_matrix(ns + mt, MT_ORDERS), n))
    if use.dictionary and (ev.src_dict is not None or ev.tgt_dict is not None):
        channels.append(_dict_channel(ns, nt, ev))
    return [ch for ch in channels if _shares_features(ch)]


def _word_grams(text: str) -> list[str]:
    """Word unigrams and bigrams of normalised text (numbers kept, punctuation dropped)."""
    ws = regex.findall(r"\w+", text)
    return ws + [a + " " + b for a, b in zip(ws, ws[1:])]


def _dict_channel(ns: list[str], nt: list[str], ev: Evidence) -> Channel:
    """Dictionary translations of one side's words against the other side's words (stemmed)."""
    if ev.src_dict is not None:
        left = [_translated(words(s), ev.src_dict) for s in ns]
        right = [([stem(w) for w in words(t)], None) for t in nt]
    else:
        left = [([stem(w) for w in words(s)], None) for s in ns]
        right = [_translated(words(t), ev.tgt_dict) for t in nt]
    toks = [t for t, _ in left] + [t for t, _ in right]
    wts = [w if w is not None else [1.0] * len(t) for t, w in left + right]
    m = token_matrix(toks, wts)
    return idf_channel("dict", m, len(ns))


def _translated(ws: list[str], lookup: Callable[[str], list[str]]) -> tuple[list[str], list[float]]:
    """Stems of the dictionary translations of some words, each word's translations sharing weight 1."""
    toks, wts = [], []
    for w in ws:
        tr = {stem(x) for x in lookup(w)}
        for x in tr:
            toks.append(x)
            wts.append(1.0 / len(tr))
    return toks, wts


def _shares_features(ch: Channel) -> bool:
    """True when some feature occurs on both sides (otherwise the channel can only add noise)."""
    if ch.src.nnz == 0 or ch.tgt.nnz == 0:
        return False
    s = np.unique(ch.src.indices)
    t = np.unique(ch.tgt.indices)
    return bool(np.intersect1d(s, t, assume_unique=True).size)


def lengths(sentences: Sequence[str]) -> np.ndarray:
    """Character length of every sentence (at least 1)."""
    return np.maximum(np.fromiter((len(s) for s in sentences), np.float64, len(sentences)), 1.0)


def empty_channel(n: int, m: int) -> Channel:
    """A channel without features (used when nothing else is available)."""
    return Channel("none", sp.csr_matrix((n, 1), dtype=np.float32), sp.csr_matrix((m, 1), dtype=np.float32))
