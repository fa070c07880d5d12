"""Sentence-split F1 on FLORES-200 documents: bitext's splitter against pySBD, Arabic and English.

Each FLORES article (consecutive lines with one URL) is joined with single spaces; a splitter is scored on the
boundaries it places between sentences (precision, recall, F1 over boundary offsets).
Run: python bench/segment.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import time
from itertools import groupby
from pathlib import Path

from toolkit.segment import split_sentences


def documents(flores: Path, lang_file: str, split: str) -> list[list[str]]:
    """FLORES sentences grouped into articles by URL."""
    lines = (flores / f"{lang_file}.{split}").read_text(encoding="utf-8").splitlines()
    urls = [
        r.split("\t")[0]
        for r in (flores / f"metadata_{split}.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    return [[lines[i] for i, _ in grp] for _, grp in groupby(enumerate(urls), key=lambda x: x[1])]


def boundaries_of(sentences: list[str]) -> set[int]:
    """Gold boundary offsets (end of each sentence but the last, trailing spaces excluded) in the joined text."""
    pos, out = 0, set()
    for s in sentences[:-1]:
        out.add(pos + len(s.rstrip()))
        pos += len(s) + 1
    return out


def score(docs, split_fn) -> tuple[float, float, float, float]:
    """Micro precision, recall, F1 of boundaries, and seconds taken."""
    tp = fp = fn = 0
    t0 = time.perf_counter()
    for sents in docs:
        text = " ".join(sents)
        gold = boundaries_of(sents)
        pred = {b for _, b in split_fn(text)[:-1]}
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return p, r, 2 * p * r / max(1e-9, p + r), time.perf_counter() - t0


def pysbd_spans(lang: str):
    """pySBD as a span splitter (char_span=True gives offsets)."""
    import pysbd

    seg = pysbd.Segmenter(language=lang, clean=False, char_span=True)

    def split(text):
        return [(s.start, s.start + len(s.sent.rstrip())) for s in seg.segment(text)]

    return split


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    args = ap.parse_args()
    flores = Path(args.shared) / "data" / "flores"
    print("| split | language | splitter | precision | recall | F1 | seconds |")
    print("|---|---|---|---|---|---|---|")
    for split in ("dev", "devtest"):
        for lang, name in (("ar", "arb_Arab"), ("en", "eng_Latn")):
            docs = documents(flores, name, split)
            for label, fn in (
                ("bitext", lambda t, lang=lang: split_sentences(t, lang)),
                ("pySBD", pysbd_spans(lang)),
            ):
                p, r, f, s = score(docs, fn)
                print(f"| {split} | {lang} | {label} | {p:.4f} | {r:.4f} | {f:.4f} | {s:.2f} |")


if __name__ == "__main__":
    main()
