"""Corpus scores equal sacrebleu 2.6.0's printed numbers (WMT22 ground truth, FLORES ara-eng published scores)."""

from __future__ import annotations

import csv

import pytest

from eval.metrics import MetricOptions
from eval.scoring import evaluate
from eval.textio import read_textset

NAMES = {"bleu": "BLEU", "chrf": "chrF2", "ter": "TER"}


def _check(wmt, ground_truth: dict, pair: str, refs: str, metrics: tuple[str, ...], systems=None) -> int:
    """Score systems of a pair with the references in the given order; compare with the ground truth."""
    systems = systems or wmt.systems(pair)
    hyps = [read_textset(str(wmt.hyp(pair, s))) for s in systems]
    references = [read_textset(str(wmt.ref(pair, r))) for r in refs.split(",")]
    opts = MetricOptions(metrics=metrics, target_lang=pair.split("-")[1])
    ev = evaluate(hyps, references, opts, width=12, segments=False)
    checked = 0
    for s, name in enumerate(systems):
        for key in metrics:
            m = ev.systems[s].metrics[key]
            score, signature, verbose = ground_truth[(pair, refs, name, NAMES[key])]
            assert float(f"{m.score:.12f}") == float(score), (pair, refs, name, key)
            assert m.signature == signature
            assert m.verbose.strip() == verbose.strip()
            checked += 1
    return checked


def test_deen_ref_a_every_system_bleu_chrf(deen_eval, ground_truth):
    # deen_eval: the 9 systems scored with BLEU and chrF against ref A (shared with the significance tests)
    for sysres in deen_eval.systems:
        for key in ("bleu", "chrf"):
            m = sysres.metrics[key]
            score, signature, verbose = ground_truth[("de-en", "A", sysres.name, NAMES[key])]
            assert float(f"{m.score:.12f}") == float(score)
            assert m.signature == signature and m.verbose.strip() == verbose.strip()


def test_enzh_multi_reference_order_is_kept(wmt, ground_truth):
    # chrF with several references keeps the first on ties: A,B and B,A differ for en-zh, and both match sacrebleu
    systems = ["Lan-Bridge", "Online-B"]  # (all 13 systems and metrics in the slow test)
    assert _check(wmt, ground_truth, "en-zh", "A,B", ("chrf",), systems) == 2
    assert _check(wmt, ground_truth, "en-zh", "B,A", ("chrf",), systems) == 2


def test_enzh_target_language_selects_the_zh_tokenizer(wmt, ground_truth):
    assert _check(wmt, ground_truth, "en-zh", "A", ("bleu",), ["Online-B"]) == 1


@pytest.mark.slow
@pytest.mark.parametrize("pair", ["de-en", "en-zh"])
@pytest.mark.parametrize("refs", ["A", "B", "A,B", "B,A"])
def test_every_ground_truth_row(wmt, ground_truth, pair, refs):
    assert _check(wmt, ground_truth, pair, refs, ("bleu", "chrf", "ter")) == 3 * len(wmt.systems(pair))


def _flores(flores, metrics: tuple[str, ...]):
    """Score both OPUS-MT systems and check every number against the sacrebleu 2.6.0 ground truth."""
    systems = sorted((flores / "system-outputs").iterdir())
    hyps = [read_textset(str(p)) for p in systems]
    refs = [read_textset(str(flores / "references/flores200-devtest.eng_Latn"))]
    ev = evaluate(hyps, refs, MetricOptions(metrics=metrics, target_lang="en"), width=2)
    with open(flores / "ground-truth/sacrebleu-2.6.0.corpus-scores.tsv", encoding="utf-8") as fh:
        truth = {(r["system"], r["metric"]): r for r in csv.DictReader(fh, delimiter="\t")}
    for path, sysres in zip(systems, ev.systems):
        name = path.name.split(".flores200")[0]
        for m in sysres.metrics.values():
            row = truth[(name, m.name)]
            assert float(f"{m.score:.12f}") == float(row["score"])
            assert m.signature == row["signature"]
    return ev


def test_flores_ara_eng_published_scores(flores):
    ev = _flores(flores, ("bleu", "chrf", "chrf++"))
    assert [f"{s.metrics['bleu'].score:.2f}" for s in ev.systems] == ["35.29", "42.82"]
    assert [f"{s.metrics['chrf'].score:.2f}" for s in ev.systems] == ["61.55", "67.16"]
    assert len(ev.systems[0].metrics["chrf++"].segment_scores) == 1012


@pytest.mark.slow
def test_flores_ara_eng_ter(flores):
    ev = _flores(flores, ("ter",))
    assert [f"{s.metrics['ter'].score:.2f}" for s in ev.systems] == ["50.86", "42.68"]
