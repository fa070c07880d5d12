"""Fit the prior bead-score weights on gold dev documents (Text+Berg dev, FLORES dev), never on test data.

Run: python -m align.devfit  — prints the weights that model.PRIOR_WEIGHTS holds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from align.api import gather_evidence
from align.beads import BEAD_TYPES
from align.model import ScoreModel
from align.scoring import LengthModel, Level, bead_features
from align.signals import Signals, build_channels, lengths
from align.text import prior_ratio


def training_set(src, tgt, gold, ev) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Channel names, features of gold beads and of near-miss beads (shifted, extended, truncated)."""
    chans = build_channels(src, tgt, ev, Signals())
    level = Level(chans, lengths(src), lengths(tgt))
    shapes = set(BEAD_TYPES)
    pos = []
    for s, t in gold:
        if (
            s
            and t
            and (len(s), len(t)) in shapes
            and s == list(range(s[0], s[-1] + 1))
            and t == list(range(t[0], t[-1] + 1))
        ):
            pos.append((s[0], t[0], len(s), len(t)))
    good = set(pos)
    neg = set()
    for i, j, a, b in pos:
        for cand in (
            (i, j - 1, a, b), (i, j + 1, a, b), (i, j - 2, a, b), (i, j + 2, a, b),
            (i, j, a + 1, b), (i, j, a, b + 1), (i - 1, j, a + 1, b), (i, j - 1, a, b + 1),
            (i, j, a - 1, b), (i, j, a, b - 1), (i + 1, j, a - 1, b), (i, j + 1, a, b - 1),
        ):  # fmt: skip
            ci, cj, ca, cb = cand
            if (
                ca > 0
                and cb > 0
                and (ca, cb) in shapes
                and ci >= 0
                and cj >= 0
                and ci + ca <= len(src)
                and cj + cb <= len(tgt)
            ):
                if cand not in good:
                    neg.add(cand)
    length = LengthModel.for_documents(level.src_len.sum(), level.tgt_len.sum(), prior_ratio(src, tgt))
    names = [c.name for c in chans] + ["length"]
    fp = bead_features(level, np.array(pos, np.int64).reshape(-1, 4), length)
    fn = bead_features(level, np.array(sorted(neg), np.int64).reshape(-1, 4), length)
    return names, fp, fn


def fit(groups) -> dict[str, float]:
    """Pooled logistic fit per channel set; each group is a list of (src, tgt, gold, evidence)."""
    out: dict[str, float] = {}
    for docs in groups:
        data: dict[tuple, list] = {}
        for src, tgt, gold, ev in docs:
            names, fp, fn = training_set(src, tgt, gold, ev)
            data.setdefault(tuple(names), []).append((fp, fn))
        for names, parts in data.items():
            pos = np.vstack([p for p, _ in parts])
            neg = np.vstack([n for _, n in parts])
            model = ScoreModel(list(names), np.zeros(len(names)), 0.0).refit(pos, neg, strength=0.01)
            print(names, len(pos), len(neg), model.weights.round(2).tolist(), round(model.bias, 2))
            for n, w in zip(names, model.weights):
                out.setdefault(n, []).append(w)
    return {n: float(np.mean(w)) for n, w in out.items()}


def main() -> None:
    """Fit on Text+Berg dev (with and without MT) and FLORES dev (perturbed, with the dictionary)."""
    from align.dictionary import load_dictionary
    from align.goldsets import arabic_sets, text_berg

    shared = Path(__file__).resolve().parents[2] / "shared"
    tb = text_berg(shared, "dev")[0]
    dictionary = load_dictionary("/usr/share/dictd/freedict-ara-eng.index")
    flores = arabic_sets(shared, "dev")
    groups = [
        [(tb.src, tb.tgt, tb.gold, gather_evidence(tb.src, tb.tgt, src_mt=tb.src_mt))],
        [(tb.src, tb.tgt, tb.gold, gather_evidence(tb.src, tb.tgt))],
        [(d.src, d.tgt, d.gold, gather_evidence(d.src, d.tgt, dictionary=dictionary)) for d in flores],
        [(d.src, d.tgt, d.gold, gather_evidence(d.src, d.tgt)) for d in flores],
    ]
    print(fit(groups))


if __name__ == "__main__":
    main()
