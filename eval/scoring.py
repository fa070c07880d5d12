"""Score one or more systems against references: corpus scores with signatures, CIs, segment and document scores."""

from __future__ import annotations

import copy
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
from sacrebleu.metrics import BLEU

from eval.fastscore import scores_from_totals
from eval.metrics import MetricOptions, higher_is_better
from eval.significance import (
    Interval,
    bootstrap_indices,
    bootstrap_scores,
    estimate_ci_single,
    resample_counts,
)
from eval.stats import MetricStats, StatsCache, compute_statistics
from eval.textio import TextSet, check_lengths


@dataclass
class MetricResult:
    """One metric of one system: sacrebleu's score, its printed line, and the finer-grained views."""

    key: str
    name: str
    score: float
    signature: str
    verbose: str
    line: str
    interval: Interval | None = None
    segment_scores: list[float] = field(default_factory=list)
    doc_scores: dict[str, float] = field(default_factory=dict)


@dataclass
class SystemResult:
    """All metrics of one hypothesis file."""

    name: str
    path: str
    metrics: dict[str, MetricResult]
    lines: list[str]


@dataclass
class Evaluation:
    """Everything `bitext eval score` computed: systems, references in the order given, options, data."""

    systems: list[SystemResult]
    references: list[TextSet]
    options: MetricOptions
    keys: tuple[str, ...]
    n_segments: int
    width: int
    confidence: int
    seed: int | None
    doc_ids: list[str] | None
    sources: list[str] | None
    stats: dict[str, MetricStats]

    def metric_names(self) -> dict[str, str]:
        """Display name of each metric key (BLEU, chrF2, chrF2++, TER)."""
        first = self.systems[0].metrics
        return {k: first[k].name for k in self.keys}

    def signatures(self) -> dict[str, str]:
        """sacrebleu signature of each metric (without bootstrap fields)."""
        first = self.systems[0].metrics
        return {first[k].name: first[k].signature for k in self.keys}


def _strip_common(names: list[str]) -> list[str]:
    """Drop the prefix and suffix all names share, cut at '.', '_', '-' or '/' boundaries."""
    if len(names) < 2:
        return names
    seps = "._-/"
    pre = os.path.commonprefix(names)
    pre = pre[: max((pre.rfind(c) + 1 for c in seps), default=0)]
    rev = [n[len(pre) :][::-1] for n in names]
    suf = os.path.commonprefix(rev)
    suf = suf[: max((suf.rfind(c) + 1 for c in seps), default=0)]
    out = [n[len(pre) : len(n) - len(suf)] for n in names]
    return out if all(out) and len(set(out)) == len(out) else names


def display_names(textsets: Sequence[TextSet]) -> list[str]:
    """Short unique names for systems: file names less what they all share, else whole paths."""
    names = [t.name for t in textsets]
    if len(set(names)) != len(names):
        names = [t.path for t in textsets]
    return _strip_common(names)


def segment_metric(ms: MetricStats):
    """The metric object for sentence-level scores: sacrebleu's sentence mode turns on BLEU's effective order."""
    if isinstance(ms.metric, BLEU):
        m = copy.copy(ms.metric)
        m.effective_order = True
        return m
    return ms.metric


def document_scores(ms: MetricStats, system: int, doc_ids: Sequence[str]) -> dict[str, float]:
    """Corpus-style score of each document (its segments' statistics summed), in first-seen order."""
    order: dict[str, list[int]] = {}
    for i, d in enumerate(doc_ids):
        order.setdefault(d, []).append(i)
    arr = ms.per_system[system]
    return {d: float(ms.score_rows(arr[rows]).score) for d, rows in order.items()}


def evaluate(
    hyps: Sequence[TextSet],
    refs: Sequence[TextSet],
    opts: MetricOptions,
    *,
    width: int = 1,
    confidence: int = 0,
    seed: int | None = 12345,
    doc_ids: Sequence[str] | None = None,
    jobs: int | None = None,
    cache: StatsCache | None = None,
    segments: bool | Collection[str] = True,
) -> Evaluation:
    """Score every hypothesis file with every metric; `confidence` > 1 adds sacrebleu-style bootstrap CIs."""
    n = check_lengths(list(hyps), list(refs), {"document ids": doc_ids} if doc_ids is not None else None)
    if doc_ids is None:
        doc_ids = next((h.doc_ids for h in hyps if h.doc_ids is not None), None)
        doc_ids = doc_ids or next((r.doc_ids for r in refs if r.doc_ids is not None), None)
    sources = next((h.sources for h in hyps if h.sources is not None), None)
    stats = compute_statistics(
        opts.metrics, opts, [h.lines for h in hyps], [r.lines for r in refs], jobs=jobs, cache=cache
    )
    counts = resample_counts(bootstrap_indices(n, confidence, seed), n) if confidence > 1 else None
    names = display_names(hyps)
    systems = []
    for s, hyp in enumerate(hyps):
        results = {}
        for key in opts.metrics:
            ms = stats[key]
            score = ms.corpus_score(s)
            sig = ms.metric.get_signature()
            interval = None
            if counts is not None:
                interval = estimate_ci_single(bootstrap_scores(ms.metric, ms.per_system[s], counts))
                sig.update("bs", confidence)
                sig.update("seed", str(seed).lower())
                score._mean, score._ci = interval.mean, interval.ci
            sig_text = sig.format()
            seg = []
            if segments is True or (segments and key in segments):
                seg = [float(x) for x in scores_from_totals(segment_metric(ms), ms.per_system[s])]
            results[key] = MetricResult(
                key=key,
                name=score.name,
                score=float(score.score),
                signature=sig_text,
                verbose=score._verbose,
                line=score.format(width, False, sig_text),
                interval=interval,
                segment_scores=seg,
                doc_scores=document_scores(ms, s, doc_ids) if doc_ids is not None else {},
            )
        systems.append(SystemResult(names[s], hyp.path, results, hyp.lines))
    return Evaluation(
        systems=systems,
        references=list(refs),
        options=opts,
        keys=tuple(opts.metrics),
        n_segments=n,
        width=width,
        confidence=confidence if confidence > 1 else 0,
        seed=seed,
        doc_ids=list(doc_ids) if doc_ids is not None else None,
        sources=sources,
        stats=stats,
    )


def worst_documents(
    ev: Evaluation, system: int, key: str, limit: int | None = None
) -> list[tuple[str, float, int]]:
    """(document, score, segments) of one system, worst first (lowest BLEU/chrF, highest TER)."""
    if ev.doc_ids is None:
        return []
    sizes: dict[str, int] = {}
    for d in ev.doc_ids:
        sizes[d] = sizes.get(d, 0) + 1
    scores = ev.systems[system].metrics[key].doc_scores
    rows = sorted(scores.items(), key=lambda kv: kv[1], reverse=not higher_is_better(key))
    return [(d, s, sizes[d]) for d, s in rows[:limit]]


def length_buckets(ev: Evaluation, key: str, edges: Sequence[int] = (10, 20, 30, 40)) -> dict:
    """Score of every system by source-length bucket (words of the source, else of the first reference)."""
    basis = ev.sources if ev.sources is not None else ev.references[0].lines
    lengths = np.array([len(x.split()) for x in basis])
    bounds = [0, *edges, None]
    labels, masks = [], []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        mask = (lengths >= lo) & (lengths < hi) if hi is not None else lengths >= lo
        if mask.any():
            labels.append(f"{lo}–{hi - 1}" if hi is not None else f"{lo}+")
            masks.append(mask)
    ms = ev.stats[key]
    table = {}
    for s, sysres in enumerate(ev.systems):
        arr = ms.per_system[s]
        table[sysres.name] = [float(ms.score_rows(arr[m]).score) for m in masks]
    return {
        "basis": "source" if ev.sources is not None else "reference",
        "labels": labels,
        "counts": [int(m.sum()) for m in masks],
        "scores": table,
    }
