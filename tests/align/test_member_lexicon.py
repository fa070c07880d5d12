"""Tests of the member penalty (lines with no counterpart are left out) and the document-learned lexicon."""

from __future__ import annotations

from align import AlignOptions, align
from align.goldsets import text_berg
from align.lexicon import LexiconOptions, learn
from eval.alignment import score_alignment


def _dev_f1(doc, options: AlignOptions, mt: bool) -> float:
    """Strict F1 of one gold document."""
    beads = align(doc.src, doc.tgt, src_mt=doc.src_mt if mt else None, options=options)
    return score_alignment([[b.as_pair() for b in beads]], [doc.gold]).f1_strict


def _caption_nulls(doc, options: AlignOptions) -> int:
    """How many of the French caption/OCR lines 16-50 of Text+Berg dev (no German counterpart) are left out."""
    beads = align(doc.src, doc.tgt, src_mt=doc.src_mt, options=options)
    return sum(1 for b in beads if not b.src_ids and 16 <= b.tgt_ids[0] <= 50)


def test_member_penalty_leaves_caption_lines_out_on_dev(shared):
    """Text+Berg dev with the MT of the source: 19 of the caption lines left out (15 without the penalty; 23
    and 17 without self-trained shape priors, which raise the 1-4 prior), strict F1 0.874 (0.8625 without)."""
    doc = text_berg(shared, "dev")[0]
    with_penalty = _caption_nulls(doc, AlignOptions())
    assert with_penalty >= 18
    assert with_penalty > _caption_nulls(doc, AlignOptions(member_penalty=False))
    assert _dev_f1(doc, AlignOptions(), mt=True) >= 0.868


def test_learned_lexicon_finds_the_translation_of_a_recurring_word():
    """IBM Model 1 on a handful of sentence pairs: 'haus' goes with 'maison', not with its neighbours."""
    src = [["haus", "rot"], ["haus", "gross"], ["baum", "gross"], ["haus", "klein"], ["baum", "rot"]]
    tgt = [
        ["maison", "rouge"],
        ["maison", "grande"],
        ["arbre", "grande"],
        ["maison", "petite"],
        ["arbre", "rouge"],
    ]
    table = learn(src, tgt, LexiconOptions(iterations=10))
    best = {w: max(tr, key=lambda x: x[1])[0] for w, tr in table.items()}
    assert best["haus"] == "maison"
    assert best["baum"] == "arbre"
    assert best["gross"] == "grande"


def test_learned_lexicon_lifts_text_berg_dev_without_mt(shared):
    """Without MT, realigning with the lexicon learned from the first pass: dev strict F1 0.790 -> 0.840."""
    doc = text_berg(shared, "dev")[0]
    assert _dev_f1(doc, AlignOptions(lexicon=None), mt=False) >= 0.825
