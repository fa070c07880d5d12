"""Alignment scorer: vecalign's strict/lax precision, recall and F1, on hand-worked cases and Text+Berg."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.alignment import count_document, read_beads, score_alignment, score_alignment_per_doc
from eval.alignment_files import read_alignment
from toolkit.errors import BitextError


def beads(*lines: str):
    """Parse bead strings through the real file reader's parser."""
    from eval.alignment import parse_bead

    return [parse_bead(x) for x in lines]


def test_gold_against_itself_is_perfect(shared: Path):
    d = shared / "data/align/text_berg_de_fr"
    gold = [read_beads(d / f"test{k}.defr") for k in range(7)]
    s = score_alignment(gold, gold)
    assert (s.precision_strict, s.recall_strict, s.f1_strict) == (1.0, 1.0, 1.0)
    assert (s.precision_lax, s.recall_lax, s.f1_lax) == (1.0, 1.0, 1.0)
    assert all(p.f1_strict == 1.0 and p.f1_lax == 1.0 for p in score_alignment_per_doc(gold, gold))


def test_null_beads_count_for_precision_only():
    gold = beads("[0]:[0]", "[]:[1]", "[1]:[2]")
    test = beads("[0]:[0]", "[]:[1]", "[1]:[]")
    s = score_alignment([test], [gold])
    # precision: 2 of 3 test beads exact; the deletion [1]:[] links to nothing, so no lax hit either
    assert s.precision_strict == pytest.approx(2 / 3) and s.precision_lax == pytest.approx(2 / 3)
    # recall: only gold beads with both sides count: [0]:[0] found, [1]:[2] not
    assert s.recall_strict == 0.5 and s.recall_lax == 0.5
    assert s.f1_strict == pytest.approx(4 / 7)
    assert s.precision_counts.tp_strict == 2 and s.recall_counts.fp_strict == 1


def test_lax_overlap():
    gold = beads("[0]:[0, 1]", "[1, 2]:[2]")
    test = beads("[0]:[0]", "[]:[1]", "[1]:[2]", "[2]:[2]")
    s = score_alignment([test], [gold])
    assert s.precision_strict == 0.0 and s.recall_strict == 0.0 and s.f1_strict == 0.0
    assert s.precision_lax == 0.75  # the insertion []:[1] is the one lax miss
    assert s.recall_lax == 1.0
    assert s.f1_lax == pytest.approx(6 / 7)


def test_crossing_beads():
    gold = beads("[0]:[1]", "[1]:[0]")
    monotone = beads("[0]:[0]", "[1]:[1]")
    s = score_alignment([monotone], [gold])
    assert (s.f1_strict, s.f1_lax) == (0.0, 0.0)
    merged = beads("[0, 1]:[0, 1]")
    s = score_alignment([merged], [gold])
    assert (s.precision_strict, s.recall_strict) == (0.0, 0.0)
    assert (s.precision_lax, s.recall_lax) == (1.0, 1.0)
    assert score_alignment([gold[::-1]], [gold]).f1_strict == 1.0  # bead order in the file is irrelevant


def test_ids_compare_in_order_and_duplicates_count_once():
    gold = beads("[0, 1]:[0]")
    p, r = count_document(beads("[1, 0]:[0]", "[1, 0]:[0]"), gold)
    assert (p.tp_strict, p.fp_strict, p.tp_lax) == (0, 1, 1)
    assert (r.tp_strict, r.fp_strict, r.tp_lax) == (0, 1, 1)


def test_micro_average_is_not_the_mean_of_documents():
    gold = [beads("[0]:[0]"), beads("[0]:[0]", "[1]:[1]", "[2]:[2]")]
    test = [beads("[0]:[1]"), beads("[0]:[0]", "[1]:[1]", "[2]:[2]")]
    per = score_alignment_per_doc(test, gold)
    assert [x.f1_strict for x in per] == [0.0, 1.0]
    assert score_alignment(test, gold).precision_strict == 0.75


def test_text_berg_position_baseline(shared: Path):
    d = shared / "data/align/text_berg_de_fr"
    golds, tests = [], []
    for k in range(7):
        n = len((d / f"test{k}.de").read_text(encoding="utf-8").splitlines())
        m = len((d / f"test{k}.fr").read_text(encoding="utf-8").splitlines())
        golds.append(read_beads(d / f"test{k}.defr"))
        tests.append([([i], [round(i * m / n)]) for i in range(n)])
    s = score_alignment(tests, golds)
    assert round(s.f1_strict, 3) == 0.067
    assert round(s.f1_lax, 3) == 0.109


def test_read_beads_spacing_variants_and_errors(tmp_path: Path):
    f = tmp_path / "a.align"
    f.write_text(" [0] : [0]\n[1,2]:[1,2,3]\n\n[]:[4]\r\n[3]:[]\n", encoding="utf-8")
    assert read_beads(f) == [([0], [0]), ([1, 2], [1, 2, 3]), ([], [4]), ([3], [])]
    f.write_text("[0]:[0]\n[x]:[1]\n", encoding="utf-8")
    with pytest.raises(BitextError, match=r"a\.align:2: not a bead"):
        read_beads(f)
    f.write_bytes(b"[0]:[0]\n[\xff]:[1]\n")
    with pytest.raises(BitextError, match=r"a\.align:2: invalid UTF-8"):
        read_beads(f)


def test_jsonl_tsv_tmx_readers_agree(tmp_path: Path):
    src = ["A one.", "A two.", "A three.", "A four."]
    tgt = ["B one.", "B two.", "B three."]
    gold = [([0], [0]), ([1, 2], [1]), ([3], []), ([], [2])]
    join = lambda ids, sents: " ".join(sents[i] for i in ids)  # noqa: E731
    (tmp_path / "a.jsonl").write_text(
        "".join(
            json.dumps({"src_ids": s, "tgt_ids": t, "src": join(s, src), "tgt": join(t, tgt), "score": 0.5})
            + "\n"
            for s, t in gold
        ),
        encoding="utf-8",
    )
    (tmp_path / "a.tsv").write_text(
        "".join(f"{join(s, src)}\t{join(t, tgt)}\t0.5\n" for s, t in gold), encoding="utf-8"
    )
    tus = "".join(
        f'<tu><tuv xml:lang="en"><seg>{join(t, tgt)}</seg></tuv><tuv xml:lang="de"><seg>{join(s, src)}</seg></tuv></tu>'
        for s, t in gold
    )
    (tmp_path / "a.tmx").write_text(
        f'<?xml version="1.0"?><tmx version="1.4"><header srclang="de"/><body>{tus}</body></tmx>',
        encoding="utf-8",
    )
    assert read_alignment(tmp_path / "a.jsonl") == gold
    for name in ("a.tsv", "a.tmx"):
        assert read_alignment(tmp_path / name, src_sents=src, tgt_sents=tgt) == gold
    with pytest.raises(BitextError, match="holds texts, not sentence ids"):
        read_alignment(tmp_path / "a.tsv")
    (tmp_path / "b.jsonl").write_text('{"src_ids": [0]}\n', encoding="utf-8")
    with pytest.raises(BitextError, match=r"b\.jsonl:1: .*tgt_ids"):
        read_alignment(tmp_path / "b.jsonl")


def test_reads_every_format_the_aligner_writes(shared: Path, tmp_path: Path):
    from align.beads import Bead
    from align.io import render

    d = shared / "data/align/text_berg_de_fr"
    src = (d / "test4.de").read_text(encoding="utf-8").splitlines()
    tgt = (d / "test4.fr").read_text(encoding="utf-8").splitlines()
    pattern = [(1, 1), (2, 1), (1, 2), (0, 1), (1, 0), (1, 1)]
    beads, i, j, k = [], 0, 0, 0
    while i < len(src) and j < len(tgt):
        a, b = pattern[k % len(pattern)]
        a, b = min(a, len(src) - i), min(b, len(tgt) - j)
        beads.append((list(range(i, i + a)), list(range(j, j + b))))
        i, j, k = i + a, j + b, k + 1
    objs = [Bead(s, t, 0.5) for s, t in beads]
    for fmt in ("beads", "jsonl", "tsv", "tmx"):
        path = tmp_path / f"out.{ {'beads': 'align'}.get(fmt, fmt) }"
        path.write_text(render(objs, src, tgt, fmt, "de", "fr"), encoding="utf-8")
        got = read_alignment(path, src_sents=src, tgt_sents=tgt)
        want = [b for b in beads if b[0] and b[1]] if fmt == "tmx" else beads  # aligner TMX omits null beads
        assert got == want, fmt
