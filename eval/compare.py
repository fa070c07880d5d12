"""Compare a baseline with other systems: sacrebleu-identical paired tests, all pairwise p-values, clusters."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from eval.metrics import higher_is_better
from eval.scoring import Evaluation
from eval.significance import (
    Interval,
    ar_masks,
    ar_projections,
    bootstrap_indices,
    bootstrap_scores,
    estimate_ci_paired,
    paired_ar_p_projected,
    paired_bootstrap_p,
    resample_counts,
)
from eval.stats import MetricStats

TESTS = {"bs": "paired bootstrap resampling", "ar": "paired approximate randomization"}
DEFAULT_SAMPLES = {"bs": 1000, "ar": 10000}


@dataclass
class MetricComparison:
    """One metric: each system's score, bootstrap mean/CI (bs), p-value against the baseline, clusters."""

    key: str
    name: str
    signature: str
    scores: list[float]
    intervals: list[Interval | None]
    p_values: list[float | None]
    pairwise: list[list[float | None]] = field(default_factory=list)
    ranking: list[int] = field(default_factory=list)
    clusters: list[int] = field(default_factory=list)


@dataclass
class Comparison:
    """The result of `bitext eval compare` for every metric."""

    test: str
    n_samples: int
    seed: int | None
    alpha: float
    baseline: int
    metrics: dict[str, MetricComparison]


def _clusters(
    order: list[int], scores: list[float], pairwise: list[list[float | None]], alpha: float
) -> list[int]:
    """Cluster number (1 = best) per system: walking down the ranking, a system opens a new cluster
    when it is significantly different (p < alpha) from the best system of the current cluster.

    Equal scores never separate systems (sacrebleu's tests give p = 1/(n+1) for identical systems,
    since they count strictly larger differences only)."""
    cluster = [0] * len(order)
    current, head = 1, order[0]
    for pos, s in enumerate(order):
        if pos and scores[s] != scores[head] and (pairwise[head][s] or 1.0) < alpha:
            current, head = current + 1, s
        cluster[s] = current
    return cluster


@dataclass
class _PairTester:
    """The p-value of one pair of systems under one metric, by the chosen test."""

    test: str
    stats: MetricStats
    scores: list[float]
    boot: list[np.ndarray] | None
    proj: list[np.ndarray] | None

    def __call__(self, a: int, b: int) -> float:
        observed = abs(self.scores[a] - self.scores[b])
        if self.test == "bs":
            return paired_bootstrap_p(self.boot[a], self.boot[b], observed)
        per = self.stats.per_system
        return paired_ar_p_projected(self.stats.metric, per[a], per[b], self.proj[a], self.proj[b], observed)


def compare(
    ev: Evaluation,
    *,
    test: str = "bs",
    n_samples: int | None = None,
    seed: int | None = 12345,
    baseline: int = 0,
    alpha: float = 0.05,
    pairwise: bool = True,
) -> Comparison:
    """Paired tests of every system against `baseline` (sacrebleu's numbers) and, optionally, all pairs."""
    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}")
    n = ev.n_segments
    n_samples = n_samples or DEFAULT_SAMPLES[test]
    k = len(ev.systems)
    counts = resample_counts(bootstrap_indices(n, n_samples, seed), n) if test == "bs" else None
    masks = ar_masks(n, n_samples, seed) if test == "ar" else None
    out = {}
    for key in ev.keys:
        ms = ev.stats[key]
        scores = [ev.systems[s].metrics[key].score for s in range(k)]
        sig = ms.metric.get_signature()
        sig.update("seed", str(seed).lower())
        sig.update(test, n_samples)
        intervals: list[Interval | None] = [None] * k
        boot = None
        if test == "bs":
            boot = [bootstrap_scores(ms.metric, ms.per_system[s], counts) for s in range(k)]
            intervals = [estimate_ci_paired(b) for b in boot]

        proj = ar_projections(masks, ms.per_system) if test == "ar" else None
        p_of = _PairTester(test, ms, scores, boot, proj)
        p_values = [None if s == baseline else p_of(baseline, s) for s in range(k)]
        matrix: list[list[float | None]] = [[None] * k for _ in range(k)]
        for s in range(k):
            if s != baseline:
                matrix[baseline][s] = matrix[s][baseline] = p_values[s]
        if pairwise:
            for a in range(k):
                for b in range(a + 1, k):
                    if matrix[a][b] is None:
                        matrix[a][b] = matrix[b][a] = p_of(a, b)
        sign = -1.0 if higher_is_better(key) else 1.0
        order = sorted(range(k), key=lambda s: (sign * scores[s], s))
        out[key] = MetricComparison(
            key=key,
            name=ev.systems[0].metrics[key].name,
            signature=sig.format(),
            scores=scores,
            intervals=intervals,
            p_values=p_values,
            pairwise=matrix,
            ranking=order,
            clusters=_clusters(order, scores, matrix, alpha) if pairwise else [],
        )
    return Comparison(test, n_samples, seed, alpha, baseline, out)


def significant(p: float | None, alpha: float) -> bool:
    """True when a p-value rejects the null hypothesis at `alpha`."""
    return p is not None and p < alpha


def as_float(x) -> float | None:
    """A plain Python float (numpy float32 included) for JSON."""
    return None if x is None else float(np.float64(x))
