"""Loaders for the gold alignment sets in ../shared/data and seeded perturbations of parallel documents."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eval.alignment import read_beads

Pair = tuple[list[int], list[int]]


@dataclass
class GoldDoc:
    """One document pair with its gold beads (and optional line-parallel translations of each side)."""

    name: str
    src: list[str]
    tgt: list[str]
    gold: list[Pair]
    src_mt: list[str] | None = None
    tgt_mt: list[str] | None = None
    meta: dict = field(default_factory=dict)


def _lines(path: Path) -> list[str]:
    """Lines of a UTF-8 file without their line ends."""
    return path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")[:-1]


def text_berg(shared: Path, split: str = "test") -> list[GoldDoc]:
    """Text+Berg de-fr: the dev document or the 7 test documents, each with its Google MT of both sides."""
    d = shared / "data" / "align" / "text_berg_de_fr"
    if split == "dev":
        return [
            GoldDoc(
                "dev",
                _lines(d / "dev.de"),
                _lines(d / "dev.fr"),
                read_beads(d / "dev.defr"),
                _lines(d / "mt" / "eval1957.google.fr"),
                _lines(d / "mt" / "eval1957.google.de"),
            )
        ]
    src_mt = _split_articles(_lines(d / "mt" / "eval1989.google.fr"))
    tgt_mt = _split_articles(_lines(d / "mt" / "eval1989.google.de"))
    return [
        GoldDoc(
            f"test{k}",
            _lines(d / f"test{k}.de"),
            _lines(d / f"test{k}.fr"),
            read_beads(d / f"test{k}.defr"),
            src_mt[k],
            tgt_mt[k],
        )
        for k in range(7)
    ]


def _split_articles(lines: list[str]) -> list[list[str]]:
    """Bleualign's concatenated MT files cut at their `. EOA` / `. OAE` separator lines."""
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip() in {". EOA", ". OAE", ".EOA"}:
            out.append([])
        else:
            out[-1].append(line)
    return out


def parice(shared: Path) -> list[GoldDoc]:
    """ParIce en-is: 10 documents, index prefixes stripped."""
    d = shared / "data" / "align" / "parice_en_is"
    docs = []
    for gold in sorted((d / "gold").glob("*.txt")):
        strip = lambda p: [line.split("\t", 1)[-1] for line in _lines(p)]  # noqa: E731
        docs.append(
            GoldDoc(gold.stem, strip(d / "eng" / gold.name), strip(d / "isl" / gold.name), read_beads(gold))
        )
    return docs


def bible(shared: Path) -> GoldDoc:
    """Bertalign's en-zh Bible document (5,000 x 6,301) with verse ids for verse-level scoring."""
    d = shared / "data" / "align" / "bible_zh_en"
    doc = GoldDoc(
        "bible", _lines(d / "en" / "001"), _lines(d / "zh" / "001"), read_beads(d / "gold" / "001.align")
    )
    doc.meta = {"src_verse": _lines(d / "en.verse"), "tgt_verse": _lines(d / "zh.verse")}
    return doc


def merge_by_verse(beads: list[Pair], src_verse: list[str], tgt_verse: list[str]) -> list[Pair]:
    """Consecutive beads within one verse merged (Bertalign's eval_bible.py rule)."""
    out: list[Pair] = []
    last = None
    for s, t in beads:
        verses = {src_verse[i] for i in s} | {tgt_verse[j] for j in t}
        verse = next(iter(verses)) if len(verses) == 1 else None
        if out and verse is not None and verse == last:
            out[-1] = (out[-1][0] + list(s), out[-1][1] + list(t))
        else:
            out.append((list(s), list(t)))
        last = verse
    return out


def flores_docs(shared: Path, split: str = "dev") -> Iterator[tuple[str, list[str], list[str], list[int]]]:
    """FLORES-200 ar/en documents grouped by source URL: (url, arabic, english, line numbers)."""
    d = shared / "data" / "flores"
    ar, en = _lines(d / f"arb_Arab.{split}"), _lines(d / f"eng_Latn.{split}")
    urls = [row.split("\t")[0] for row in _lines(d / f"metadata_{split}.tsv")[1:]]
    start = 0
    for k in range(1, len(urls) + 1):
        if k == len(urls) or urls[k] != urls[start]:
            yield urls[start], ar[start:k], en[start:k], list(range(start, k))
            start = k


def ntrex_docs(shared: Path) -> Iterator[tuple[str, list[str], list[str], list[int]]]:
    """NTREX-128 ar/en news documents: (doc id, arabic, english, line numbers)."""
    d = shared / "data" / "ntrex128"
    ar, en = _lines(d / "newstest2019-ref.arb.txt"), _lines(d / "newstest2019-src.eng.txt")
    ids = _lines(d / "DOCUMENT_IDS.tsv")
    start = 0
    for k in range(1, len(ids) + 1):
        if k == len(ids) or ids[k] != ids[start]:
            yield ids[start], ar[start:k], en[start:k], list(range(start, k))
            start = k


def flores_mt(shared: Path, system: str = "opusTCv20210807+bt_transformer-big_2022-03-09") -> list[str]:
    """An OPUS-MT English translation of the FLORES devtest Arabic side (line-parallel)."""
    d = shared / "data" / "wmt" / "flores200-devtest" / "ara-eng" / "system-outputs"
    return _lines(d / f"{system}.flores200-devtest.ara-eng.output")


def perturb(
    name: str,
    src: list[str],
    tgt: list[str],
    seed: int,
    src_mt: list[str] | None = None,
    rate: float = 0.1,
    long: float = 0.0,
) -> GoldDoc:
    """A parallel document made harder, with exact gold: merged neighbours on either side, a target
    sentence split at a comma, sentences dropped on either side; with `long` > 0, that share of source
    segments is first made 2-4 sentences long (1-2 .. 1-4 beads). Same seed, same document."""
    rng = random.Random(f"{seed}:{name}")
    units: list[tuple[list[str], list[str], list[str]]] = []  # (src sentences, tgt sentences, src mt)
    k = 0
    while k < len(src):
        r = rng.random()
        if long and rng.random() < long and k + 1 < len(src):
            r = 0.0
        if r < rate and k + 1 < len(src):  # one source segment <-> 2-3 target sentences (long Arabic segment)
            n = min(len(src) - k, rng.choice((2, 2, 3, 4)))
            units.append(([" ".join(src[k : k + n])], tgt[k : k + n], [" ".join((src_mt or src)[k : k + n])]))
            k += n
        elif r < 2 * rate and k + 1 < len(src):  # 2-3 source sentences <-> one merged target sentence
            n = min(len(src) - k, rng.choice((2, 3)))
            units.append((src[k : k + n], [" ".join(tgt[k : k + n])], list((src_mt or src)[k : k + n])))
            k += n
        elif r < 2.5 * rate and "," in tgt[k][20:-20] and len(tgt[k]) > 80:  # split a long target at a comma
            t = tgt[k]
            cut = t.index(",", len(t) // 3 if "," in t[len(t) // 3 : -20] else 20) + 1
            units.append(([src[k]], [t[:cut].strip(), t[cut:].strip()], [(src_mt or src)[k]]))
            k += 1
        elif r < 2.5 * rate + rate / 4:  # dropped on the target side
            units.append(([src[k]], [], [(src_mt or src)[k]]))
            k += 1
        elif r < 2.5 * rate + rate / 2:  # dropped on the source side
            units.append(([], [tgt[k]], []))
            k += 1
        else:
            units.append(([src[k]], [tgt[k]], [(src_mt or src)[k]]))
            k += 1
    out_s, out_t, out_mt, gold = [], [], [], []
    for s, t, m in units:
        gold.append(
            (list(range(len(out_s), len(out_s) + len(s))), list(range(len(out_t), len(out_t) + len(t))))
        )
        out_s += s
        out_t += t
        out_mt += m
    return GoldDoc(name, out_s, out_t, gold, out_mt if src_mt is not None else None)


def arabic_sets(
    shared: Path, split: str, seed: int = 1, with_mt: bool = False, long: float = 0.0, join: int = 1
) -> list[GoldDoc]:
    """Perturbed Arabic->English documents: FLORES `split` ('dev' or 'devtest') or NTREX ('ntrex'); `long`
    as in perturb(); with `join` > 1, that many consecutive FLORES documents (3-5 sentences each) make one,
    as long as a news article."""
    docs = []
    if split == "ntrex":
        for name, ar, en, _ in ntrex_docs(shared):
            docs.append(perturb(name, ar, en, seed, long=long))
        return docs
    mt = flores_mt(shared) if with_mt and split == "devtest" else None
    flores = list(flores_docs(shared, split))
    for k in range(0, len(flores), join):
        group = flores[k : k + join]
        name = group[0][0]
        ar, en, lines = ([x for doc in group for x in doc[f]] for f in (1, 2, 3))
        docs.append(perturb(name, ar, en, seed, [mt[i] for i in lines] if mt else None, long=long))
    return docs
