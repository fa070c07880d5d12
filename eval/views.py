"""The report's tables as plain data, shared by the Markdown, JSON and HTML renderings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eval.compare import Comparison
from eval.metrics import higher_is_better
from eval.scoring import Evaluation

N_DIFF = 20


def segment_metric_key(ev: Evaluation) -> str:
    """The metric for segment-level views: chrF when scored (sentence BLEU is too noisy), else the first."""
    return next((k for k in ev.keys if k.startswith("chrf")), ev.keys[0])


def segment_summary(ev: Evaluation) -> list[dict]:
    """Per system: mean, median, 10th/90th percentile and count of zero segment scores."""
    key = segment_metric_key(ev)
    out = []
    for sysres in ev.systems:
        a = np.asarray(sysres.metrics[key].segment_scores, dtype=float)
        if not len(a):
            return []
        out.append(
            {
                "system": sysres.name,
                "mean": float(a.mean()),
                "median": float(np.median(a)),
                "p10": float(np.percentile(a, 10)),
                "p90": float(np.percentile(a, 90)),
                "zeros": int((a == 0).sum()),
            }
        )
    return out


@dataclass
class DocumentTable:
    """Per-document scores of every system, worst (by the mean over systems) first."""

    metric: str
    documents: list[str]
    sizes: dict[str, int]
    scores: dict[str, dict[str, float]]  # system -> document -> score


def document_table(ev: Evaluation) -> DocumentTable | None:
    """The documents table, or None without document ids."""
    if ev.doc_ids is None:
        return None
    key = ev.keys[0]
    docs = list(ev.systems[0].metrics[key].doc_scores)
    sizes: dict[str, int] = {}
    for d in ev.doc_ids:
        sizes[d] = sizes.get(d, 0) + 1
    mean = {d: float(np.mean([s.metrics[key].doc_scores[d] for s in ev.systems])) for d in docs}
    docs.sort(key=lambda d: mean[d], reverse=not higher_is_better(key))
    return DocumentTable(
        ev.systems[0].metrics[key].name, docs, sizes, {s.name: s.metrics[key].doc_scores for s in ev.systems}
    )


@dataclass
class Differences:
    """The segments where two systems differ most by segment-level score."""

    metric: str
    system_a: int
    system_b: int
    rows: list[dict]


def differences(ev: Evaluation, cmp: Comparison | None, n: int = N_DIFF) -> Differences | None:
    """Baseline (or first system) vs the best other system: the n largest segment-score differences."""
    if len(ev.systems) < 2:
        return None
    key = segment_metric_key(ev)
    scores = [s.metrics[key].score for s in ev.systems]
    a = cmp.baseline if cmp is not None else 0
    others = [s for s in range(len(scores)) if s != a]
    b = max(others, key=lambda s: scores[s] if higher_is_better(key) else -scores[s])
    sa = np.asarray(ev.systems[a].metrics[key].segment_scores, dtype=float)
    sb = np.asarray(ev.systems[b].metrics[key].segment_scores, dtype=float)
    if not len(sa) or not len(sb):
        return None
    delta = sb - sa if higher_is_better(key) else sa - sb
    top = np.argsort(-np.abs(delta), kind="stable")[:n]
    rows = [
        {
            "line": int(i) + 1,
            "source": ev.sources[i] if ev.sources is not None else None,
            "reference": ev.references[0].lines[i],
            "a": ev.systems[a].lines[i],
            "b": ev.systems[b].lines[i],
            "a_score": float(sa[i]),
            "b_score": float(sb[i]),
            "delta": float(delta[i]),
        }
        for i in top
    ]
    return Differences(ev.systems[0].metrics[key].name, a, b, rows)
