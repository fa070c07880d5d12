"""Paired tests and bootstrap CIs reproduce sacrebleu 2.6.0 (same seed, same samples) on WMT22 de-en."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from eval.compare import compare
from eval.fastscore import scores_from_totals
from eval.metrics import MetricOptions
from eval.report import comparison_dict, dumps
from eval.scoring import evaluate
from eval.significance import (
    ar_masks,
    bootstrap_indices,
    bootstrap_scores,
    estimate_ci_single,
    resample_counts,
)
from eval.textio import TextSet

CELL = re.compile(r"([\d.]+)(?: \(([\d.]+) ± ([\d.]+)\))?(?: \(p = ([\d.]+)\)\*?)?")


def _parse(cell: str) -> tuple[str, str | None, str | None, float | None]:
    m = CELL.fullmatch(cell)
    assert m, cell
    return m.group(1), m.group(2), m.group(3), None if m.group(4) is None else float(m.group(4))


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_paired_tests_match_sacrebleu(deen_eval, wmt22, sacrebleu_table, test):
    expected = sacrebleu_table(wmt22 / f"ground-truth/de-en.refA.paired-{test}.bleu-chrf.txt")
    cmp = compare(deen_eval, test=test, seed=12345, pairwise=False)
    assert cmp.n_samples == (1000 if test == "bs" else 10000)
    for s, row in enumerate(expected):
        assert row[0].endswith(f".hyp.{deen_eval.systems[s].name}.en")
        for cell, key in zip(row[1:], ("bleu", "chrf")):
            score, mean, ci, p = _parse(cell)
            mc = cmp.metrics[key]
            assert f"{mc.scores[s]:.2f}" == score
            if test == "bs":
                assert (f"{mc.intervals[s].mean:.2f}", f"{mc.intervals[s].ci:.2f}") == (mean, ci)
            if s == 0:
                assert mc.p_values[0] is None
            else:
                assert abs(mc.p_values[s] - p) <= 0.01, (deen_eval.systems[s].name, key, mc.p_values[s], p)
    signature = cmp.metrics["bleu"].signature
    assert f"{test}:{cmp.n_samples}|seed:12345" in signature


def test_clusters_and_json_with_numpy2(deen_eval):
    cmp = compare(deen_eval, test="bs")
    mc = cmp.metrics["chrf"]
    names = [deen_eval.systems[s].name for s in mc.ranking]
    assert names[-1] == "LT22" and mc.clusters[
        deen_eval.systems.index(next(s for s in deen_eval.systems if s.name == "LT22"))
    ] == max(mc.clusters)
    assert mc.clusters[mc.ranking[0]] == 1
    assert all(mc.pairwise[a][b] == mc.pairwise[b][a] for a in range(9) for b in range(9))
    # sacrebleu 2.6.0's `--paired-bs -f json` crashes on chrF's float32 means under numpy 2; ours must not
    data = json.loads(dumps(comparison_dict(deen_eval, cmp)))
    assert data["metrics"]["chrf"]["systems"][1]["p_value"] == pytest.approx(0.000999, abs=1e-5)


def test_single_system_confidence_matches_sacrebleu_ci(deen_eval, wmt22):
    with open(wmt22 / "ground-truth/de-en.refA.confidence-intervals.tsv", encoding="utf-8") as fh:
        truth = {(r["system"], r["metric"]): r for r in csv.DictReader(fh, delimiter="\t")}
    counts = resample_counts(bootstrap_indices(deen_eval.n_segments, 1000, 12345), deen_eval.n_segments)
    for s, sysres in enumerate(deen_eval.systems):
        for key, ms in deen_eval.stats.items():
            iv = estimate_ci_single(bootstrap_scores(ms.metric, ms.per_system[s], counts))
            row = truth[(sysres.name, sysres.metrics[key].name)]
            assert round(iv.mean, 4) == float(row["bootstrap_mean"])
            assert round(iv.ci, 4) == float(row["ci95_halfwidth"])


def _loop(metric, rows):
    return np.array([metric._compute_score_from_stats(r.copy()).score for r in rows])


@pytest.mark.parametrize(
    "metric",
    [
        BLEU(),
        BLEU(smooth_method="floor"),
        BLEU(smooth_method="add-k"),
        BLEU(smooth_method="none"),
        BLEU(effective_order=True),
        CHRF(),
        CHRF(word_order=2),
        CHRF(eps_smoothing=True),
        TER(),
    ],
    ids=[
        "bleu",
        "bleu-floor",
        "bleu-addk",
        "bleu-none",
        "bleu-sentence",
        "chrf",
        "chrf++",
        "chrf-eps",
        "ter",
    ],
)
def test_vectorised_scores_equal_sacrebleu_bit_for_bit(deen_eval, metric):
    hyps = [s.lines[:120] for s in deen_eval.systems[:2]]
    refs = [deen_eval.references[0].lines[:120]]
    metric._ref_cache = metric._cache_references(refs)
    stats = np.array(metric._extract_corpus_statistics(hyps[0], None), dtype=np.float64)
    counts = resample_counts(bootstrap_indices(120, 200, 7), 120)
    boot = (counts @ stats).astype(np.float32)
    boot[:5] = stats[:5].astype(np.float32)  # single segments: zero counts, sacrebleu's special cases
    fast = scores_from_totals(metric, boot)
    assert fast.dtype == _loop(metric, boot).dtype
    assert np.array_equal(fast, _loop(metric, boot))
    ints = np.rint(ar_masks(120, 50, 3).astype(np.float64) @ stats).astype(
        np.float64 if isinstance(metric, TER) else np.int64
    )
    assert np.array_equal(scores_from_totals(metric, ints), _loop(metric, ints))
    assert np.array_equal(
        bootstrap_scores(metric, stats, counts[:3]),
        scores_from_totals(metric, boot[:3] * 0 + (counts[:3] @ stats).astype(np.float32)),
    )


def test_compare_small_inputs_and_ties():
    refs = [TextSet("ref", ["a b c d", "e f g h", "i j k l"])]
    same = TextSet("s1", ["a b c d", "e f x h", "i j k"])
    ev = evaluate(
        [same, TextSet("s2", list(same.lines))], refs, MetricOptions(metrics=("bleu", "chrf", "ter"))
    )
    for test in ("bs", "ar"):
        cmp = compare(ev, test=test, n_samples=100)
        for mc in cmp.metrics.values():
            # sacrebleu counts strictly larger differences, so identical systems get p = 1/(n+1) ...
            assert mc.p_values[1] == pytest.approx(1 / 101)
            assert mc.clusters == [1, 1]  # ... but equal scores never split a cluster
