"""Many corpus scores at once from aggregated sufficient statistics, equal to sacrebleu's own results.

``scores_from_totals(metric, totals)`` returns, for every row of ``totals``, exactly
``metric._compute_score_from_stats(row).score`` (same value and same numpy dtype semantics: float32 rows,
as sacrebleu's bootstrap uses, give float32 chrF/TER scores; integer rows give float64). Common rows are
computed with numpy, mirroring sacrebleu's arithmetic operation by operation; rows that hit one of the
metric's special cases (a zero n-gram count, an empty reference, non-default smoothing) are handed to
sacrebleu's own method. ``tests/eval/test_fastscore.py`` checks the equality on real statistics.
"""

from __future__ import annotations

import math

import numpy as np
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric


def _fallback(metric: Metric, totals: np.ndarray, rows: np.ndarray, out: np.ndarray) -> None:
    """Fill `out[rows]` with sacrebleu's own per-row computation."""
    for r in np.flatnonzero(rows):
        out[r] = metric._compute_score_from_stats(totals[r].copy()).score


def _bleu(metric: BLEU, totals: np.ndarray) -> np.ndarray:
    """BLEU with exp/none/floor smoothing and no effective order, common rows vectorised."""
    n = metric.max_ngram_order
    correct, total = totals[:, 2 : 2 + n], totals[:, 2 + n : 2 + 2 * n]
    out = np.zeros(len(totals), dtype=np.float64)
    fast = np.all(correct > 0, axis=1) & np.all(total > 0, axis=1)
    # With every count positive, effective order equals the full order: such rows need no special case.
    if metric.smooth_method == "add-k":
        fast[:] = False
    if fast.any():
        prec = (100.0 * correct[fast] / total[fast]).tolist()
        lens = totals[fast, :2].tolist()
        vals = []
        for (sys_len, ref_len), p in zip(lens, prec):
            sys_len, ref_len = int(sys_len), int(ref_len)
            bp = math.exp(1 - ref_len / sys_len) if sys_len < ref_len else 1.0
            acc = 0
            for x in p:
                acc += math.log(x)
            vals.append(bp * math.exp(acc / n))
        out[fast] = vals
    _fallback(metric, totals, ~fast, out)
    return out


def _chrf(metric: CHRF, totals: np.ndarray) -> np.ndarray:
    """chrF/chrF++ with effective-order averaging, common rows vectorised."""
    order = metric.order
    hyp, ref, match = totals[:, 0 : 3 * order : 3], totals[:, 1 : 3 * order : 3], totals[:, 2 : 3 * order : 3]
    dtype = (match[:1, :1] / hyp[:1, :1]).dtype
    out = np.zeros(len(totals), dtype=dtype)
    fast = np.all(hyp > 0, axis=1) & np.all(ref > 0, axis=1)
    if metric.eps_smoothing:
        fast[:] = False
    if fast.any():
        m, h, r = match[fast], hyp[fast], ref[fast]
        prec, rec = m / h, m / r
        avg_prec, avg_rec = 0.0 + prec[:, 0], 0.0 + rec[:, 0]
        for i in range(1, order):
            avg_prec = avg_prec + prec[:, i]
            avg_rec = avg_rec + rec[:, i]
        avg_prec = avg_prec / order
        avg_rec = avg_rec / order
        factor = metric.beta**2
        nonzero = (avg_prec + avg_rec) != 0
        score = (1 + factor) * avg_prec * avg_rec
        score = score / ((factor * avg_prec) + avg_rec)
        vals = np.where(nonzero, 100 * score, 0.0).astype(dtype)
        out[fast] = vals
    _fallback(metric, totals, ~fast, out)
    return out


def _ter(metric: TER, totals: np.ndarray) -> np.ndarray:
    """TER = 100 × edits / average reference length, common rows vectorised."""
    edits, ref_len = totals[:, 0], totals[:, 1]
    dtype = (edits[:1] / ref_len[:1]).dtype
    out = np.zeros(len(totals), dtype=dtype)
    fast = ref_len > 0
    if fast.any():
        out[fast] = 100 * (edits[fast] / ref_len[fast])
    _fallback(metric, totals, ~fast, out)
    return out


def scores_from_totals(metric: Metric, totals: np.ndarray) -> np.ndarray:
    """One score per row of aggregated statistics, as sacrebleu computes it for that row."""
    totals = np.asarray(totals)
    if totals.ndim != 2 or len(totals) == 0:
        raise ValueError("expected a non-empty 2-D array of aggregated statistics")
    if isinstance(metric, BLEU):
        return _bleu(metric, totals)
    if isinstance(metric, CHRF):
        return _chrf(metric, totals)
    if isinstance(metric, TER):
        return _ter(metric, totals)
    out = np.array([metric._compute_score_from_stats(row.copy()).score for row in totals])
    return out
