"""Bootstrap confidence intervals and paired significance tests on sufficient statistics, with numpy.

Reproduces sacrebleu 2.6.0 (``-ci``, ``--paired-bs``, ``--paired-ar``) sample for sample: the same
``numpy.random.default_rng(seed)`` draws in the same order, the same float32 statistics for bootstrap
resamples, the same p-value rule ``(#{stat > observed} + 1) / (n + 1)``. Instead of materialising every
resampled segment (sacrebleu builds an n_samples × segments × stats array per system), a resample is a
vector of segment counts and its totals are one matrix product; the scores of all resamples come from
:func:`eval.fastscore.scores_from_totals`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np
from sacrebleu.metrics.base import Metric

from eval.fastscore import scores_from_totals

CHUNK = 2048  # trials per matrix product in the randomization test (bounds memory)


@dataclass
class Interval:
    """A bootstrap estimate: the resampled mean and the 95 % half-width, as sacrebleu prints them."""

    mean: float
    ci: float
    low: float | None = None
    high: float | None = None


def bootstrap_indices(n_segments: int, n_samples: int, seed: int | None) -> np.ndarray:
    """sacrebleu's resample indices: ``default_rng(seed).choice(n, size=(n_samples, n))``."""
    rng = np.random.default_rng(seed)
    return rng.choice(n_segments, size=(n_samples, n_segments), replace=True)


def ar_masks(n_segments: int, n_trials: int, seed: int | None) -> np.ndarray:
    """sacrebleu's approximate-randomization swap masks: ``default_rng(seed).integers(2, …, dtype=bool)``."""
    rng = np.random.default_rng(seed)
    return rng.integers(2, size=(n_trials, n_segments), dtype=bool)


def resample_counts(idxs: np.ndarray, n_segments: int) -> np.ndarray:
    """How often each segment occurs in each resample (rows = resamples), computed once for all systems."""
    k = len(idxs)
    flat = (idxs + (np.arange(k) * n_segments)[:, None]).ravel()
    return np.bincount(flat, minlength=k * n_segments).reshape(k, n_segments).astype(np.float64)


def bootstrap_scores(metric: Metric, stats: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The score of every bootstrap resample, as sacrebleu computes it from float32 resampled sums."""
    totals = counts @ np.asarray(stats, dtype=np.float64)
    return scores_from_totals(metric, totals.astype(np.float32))


def estimate_ci_paired(scores: np.ndarray) -> Interval:
    """Mean and 95 % half-width as sacrebleu's paired tests compute them (numpy mean)."""
    s = np.sort(scores)
    lower = len(s) // 40
    upper = len(s) - lower - 1
    return Interval(float(s.mean()), float(0.5 * (s[upper] - s[lower])), float(s[lower]), float(s[upper]))


def estimate_ci_single(scores: np.ndarray) -> Interval:
    """Mean and 95 % half-width as sacrebleu's ``-ci`` computes them (statistics.mean of the sorted list)."""
    raw = sorted(list(scores))
    lower = len(raw) // 40
    upper = len(raw) - lower - 1
    return Interval(
        float(statistics.mean(raw)),
        float(0.5 * (raw[upper] - raw[lower])),
        float(raw[lower]),
        float(raw[upper]),
    )


def p_value(samples: np.ndarray, observed: float) -> float:
    """(#{samples > observed} + 1) / (n + 1), sacrebleu's (and MultEval's) rule."""
    c = int(np.sum(samples > observed))
    return (c + 1) / (len(samples) + 1)


def paired_bootstrap_p(bl_scores: np.ndarray, sys_scores: np.ndarray, observed: float) -> float:
    """Paired bootstrap p-value from both systems' scores on the same resamples."""
    diffs = np.abs(sys_scores - bl_scores)
    return p_value(diffs - diffs.mean(), observed)


def ar_projections(masks: np.ndarray, stats: list[np.ndarray]) -> list[np.ndarray]:
    """``masks @ stats`` for every system (exact integer sums in float64), the masks converted once per chunk."""
    arrays = [np.asarray(x, dtype=np.float64) for x in stats]
    out = [np.empty((len(masks), a.shape[1])) for a in arrays]
    for start in range(0, len(masks), CHUNK):
        m = masks[start : start + CHUNK].astype(np.float64)
        for a, o in zip(arrays, out):
            o[start : start + CHUNK] = m @ a
    return out


def paired_ar_p_projected(
    metric: Metric,
    bl_stats: np.ndarray,
    sys_stats: np.ndarray,
    bl_proj: np.ndarray,
    sys_proj: np.ndarray,
    observed: float,
) -> float:
    """Approximate-randomization p-value from both systems' mask projections.

    Trial t gives pseudo-system A the baseline's statistics where mask[t] is set and the system's elsewhere
    (B the opposite): A = sys_total + mask @ (bl - sys), B = bl_total - mask @ (bl - sys), as sacrebleu's
    ``pos_sel @ bl + neg_sel @ sys``. Integer statistics stay integers (int64), as in sacrebleu."""
    integer = np.issubdtype(np.asarray(bl_stats).dtype, np.integer)
    bl = np.asarray(bl_stats, dtype=np.float64)
    sy = np.asarray(sys_stats, dtype=np.float64)
    swap = bl_proj - sys_proj
    a, b = sy.sum(0) + swap, bl.sum(0) - swap
    if integer:
        a, b = np.rint(a).astype(np.int64), np.rint(b).astype(np.int64)
    return p_value(np.abs(scores_from_totals(metric, a) - scores_from_totals(metric, b)), observed)


def paired_ar_p(
    metric: Metric, bl_stats: np.ndarray, sys_stats: np.ndarray, masks: np.ndarray, observed: float
) -> float:
    """Approximate-randomization p-value of one pair (see :func:`paired_ar_p_projected`)."""
    bl_proj, sys_proj = ar_projections(masks, [bl_stats, sys_stats])
    return paired_ar_p_projected(metric, bl_stats, sys_stats, bl_proj, sys_proj, observed)
