"""Strict and lax precision/recall/F1 of sentence alignments, as vecalign's score.py defines them.

Definition (Thompson & Koehn 2019, after Sennrich & Volk 2011), restated from the description in
``../shared/data/align/README.md`` and implemented here from scratch:

* A bead is ``(source ids, target ids)``; beads compare as ordered tuples, and duplicate beads count once.
  Beads empty on both sides are dropped.
* Precision counts every test bead (insertions/deletions included) against the gold beads. A test bead
  equal to a gold bead is a strict and a lax hit. Otherwise it is a strict miss, and a lax hit when one
  of its target ids is aligned in the gold to one of its source ids (so a null bead can never be a lax hit
  unless it matches exactly).
* Recall is the same count with the roles swapped, over the beads that are non-empty on both sides only:
  each gold 1-1/n-m bead is looked up among the test beads.
* Micro-averaging sums the four counts of every document before dividing; 0/0 gives 0.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from toolkit import fileio
from toolkit.errors import BitextError

Bead = tuple[list[int], list[int]]


@dataclass(frozen=True)
class AlignmentCounts:
    """Hit and miss counts of one comparison (precision or recall side)."""

    tp_strict: int = 0
    fp_strict: int = 0
    tp_lax: int = 0
    fp_lax: int = 0

    def __add__(self, other: AlignmentCounts) -> AlignmentCounts:
        return AlignmentCounts(
            self.tp_strict + other.tp_strict,
            self.fp_strict + other.fp_strict,
            self.tp_lax + other.tp_lax,
            self.fp_lax + other.fp_lax,
        )


@dataclass(frozen=True)
class AlignmentScore:
    """Strict and lax precision, recall and F1, with the counts they come from."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float
    precision_counts: AlignmentCounts
    recall_counts: AlignmentCounts

    def as_dict(self) -> dict:
        """Every number as plain JSON-ready values."""
        return asdict(self)


def parse_bead(text: str) -> Bead:
    """Parse one vecalign bead line such as ``[0]:[0, 1]`` or `` [] : [3]``; ValueError when it is not one."""
    fields = [f for f in text.strip().split(":") if f.strip()]
    if len(fields) < 2:
        raise ValueError("expected '[source ids]:[target ids]'")
    sides = []
    for field in fields[:2]:
        value = ast.literal_eval(field.strip())
        if not isinstance(value, list | tuple) or not all(
            isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in value
        ):
            raise ValueError(f"{field.strip()!r} is not a list of sentence ids")
        sides.append(list(value))
    return sides[0], sides[1]


def read_beads(path: str | Path) -> list[Bead]:
    """Read a vecalign-format bead file (one ``[src ids]:[tgt ids]`` per line; blank lines skipped)."""
    text = _read_text(path)
    beads = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            beads.append(parse_bead(line))
        except (ValueError, SyntaxError) as exc:
            raise BitextError(f"{path}:{lineno}: not a bead ({exc}): {line.strip()[:60]!r}") from None
    return beads


def _read_text(path: str | Path) -> str:
    """The UTF-8 text of a file, or of stdin for '-', with a one-line error when it cannot be read."""
    return fileio.read_text(path, allow_empty=True, strip_bom=True, max_line_chars=None)


def _key_set(beads: Iterable[Bead], *, both_sides: bool) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Beads as hashable tuples: those with any side non-empty, or (both_sides) with both sides non-empty."""
    keep = (lambda s, t: s and t) if both_sides else (lambda s, t: s or t)
    return {(tuple(s), tuple(t)) for s, t in beads if keep(s, t)}


def _count(gold: set, test: set) -> AlignmentCounts:
    """Strict/lax hits and misses of the test beads looked up among the gold beads."""
    gold_targets: dict[int, set[int]] = defaultdict(set)
    for src, tgt in gold:
        for s in src:
            gold_targets[s].update(tgt)
    tp_s = fp_s = tp_l = fp_l = 0
    for bead in test:
        if bead in gold:
            tp_s += 1
            tp_l += 1
            continue
        fp_s += 1
        src, tgt = bead
        linked = set().union(*(gold_targets.get(s, ()) for s in src)) if src else set()
        if linked.intersection(tgt):
            tp_l += 1
        else:
            fp_l += 1
    return AlignmentCounts(tp_s, fp_s, tp_l, fp_l)


def count_document(test: Sequence[Bead], gold: Sequence[Bead]) -> tuple[AlignmentCounts, AlignmentCounts]:
    """Precision counts and recall counts of one document's test beads against its gold beads."""
    precision = _count(_key_set(gold, both_sides=False), _key_set(test, both_sides=False))
    recall = _count(_key_set(test, both_sides=True), _key_set(gold, both_sides=True))
    return precision, recall


def _ratio(num: int, den: int) -> float:
    """num/den, or 0.0 when den is 0 (vecalign's value_for_div_by_0)."""
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    """Harmonic mean, 0.0 when both are 0."""
    return 2 * p * r / (p + r) if p + r else 0.0


def score_from_counts(precision: AlignmentCounts, recall: AlignmentCounts) -> AlignmentScore:
    """Precision, recall and F1 (strict and lax) from summed counts."""
    ps = _ratio(precision.tp_strict, precision.tp_strict + precision.fp_strict)
    pl = _ratio(precision.tp_lax, precision.tp_lax + precision.fp_lax)
    rs = _ratio(recall.tp_strict, recall.tp_strict + recall.fp_strict)
    rl = _ratio(recall.tp_lax, recall.tp_lax + recall.fp_lax)
    return AlignmentScore(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl), precision, recall)


def _check_lengths(test_docs: Sequence, gold_docs: Sequence) -> None:
    """Refuse lists of documents that do not pair up."""
    if len(test_docs) != len(gold_docs):
        raise BitextError(f"{len(test_docs)} test documents but {len(gold_docs)} gold documents")


def score_alignment(
    test_docs: Sequence[Sequence[Bead]], gold_docs: Sequence[Sequence[Bead]]
) -> AlignmentScore:
    """Micro-averaged strict/lax precision, recall, F1 over documents (each a list of beads)."""
    _check_lengths(test_docs, gold_docs)
    p_total, r_total = AlignmentCounts(), AlignmentCounts()
    for test, gold in zip(test_docs, gold_docs):
        p, r = count_document(test, gold)
        p_total, r_total = p_total + p, r_total + r
    return score_from_counts(p_total, r_total)


def score_alignment_per_doc(
    test_docs: Sequence[Sequence[Bead]], gold_docs: Sequence[Sequence[Bead]]
) -> list[AlignmentScore]:
    """One AlignmentScore per document, in the order given."""
    _check_lengths(test_docs, gold_docs)
    return [score_from_counts(*count_document(t, g)) for t, g in zip(test_docs, gold_docs)]


def format_bead(bead: Bead) -> str:
    """A bead in vecalign's notation, ``[0]:[0, 1]``."""
    return f"{list(bead[0])}:{list(bead[1])}"
