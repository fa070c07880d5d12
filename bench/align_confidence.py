"""How well bead confidences separate right from wrong beads on the dev sets, per posterior temperature.

Prints, for each temperature, the AUC (a right bead's confidence above a wrong one's) and the log-loss of the
confidences against "the bead is in the gold", on Text+Berg dev (with and without its MT) and FLORES dev
(perturbed). Run: python bench/align_confidence.py [T ...]   (default: 0.5 0.7 1.0)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))

from align import align  # noqa: E402
from align.api import AlignOptions  # noqa: E402
from align.goldsets import arabic_sets, text_berg  # noqa: E402


def auc(conf: np.ndarray, right: np.ndarray) -> float:
    """Rank AUC of right beads' confidences over wrong ones'."""
    ranks = conf.argsort().argsort() + 1.0
    pos, neg = right.sum(), (~right).sum()
    return float((ranks[right].sum() - pos * (pos + 1) / 2) / (pos * neg))


def main() -> None:
    """One line per dev set and temperature, then the mean log-loss per temperature."""
    temps = [float(t) for t in sys.argv[1:]] or [0.5, 0.7, 1.0]
    sets = [
        ("Text+Berg dev, no MT", text_berg(SHARED, "dev"), False),
        ("Text+Berg dev, MT of source", text_berg(SHARED, "dev"), True),
        ("FLORES dev (perturbed)", arabic_sets(SHARED, "dev"), False),
    ]
    for t in temps:
        losses = []
        for name, docs, mt in sets:
            conf, right = [], []
            for d in docs:
                gold = {(tuple(a), tuple(b)) for a, b in d.gold}
                options = AlignOptions(confidence_temperature=t)
                for b in align(d.src, d.tgt, src_mt=d.src_mt if mt else None, options=options):
                    conf.append(b.score)
                    right.append((tuple(b.src_ids), tuple(b.tgt_ids)) in gold)
            c, y = np.clip(np.array(conf), 1e-4, 1 - 1e-4), np.array(right)
            loss = float(-np.mean(y * np.log(c) + (1 - y) * np.log(1 - c)))
            losses.append(loss)
            print(
                f"T={t} | {name} | AUC {auc(c, y):.3f} | log-loss {loss:.3f} | mean {c.mean():.3f} | right {y.mean():.3f}"
            )
        print(f"T={t} | mean log-loss {np.mean(losses):.4f}")


if __name__ == "__main__":
    main()
