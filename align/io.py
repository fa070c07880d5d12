"""Reading the two sides of an alignment and writing beads as beads/TSV/JSONL/TMX, atomically."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from align.beads import Bead
from align.text import guess_lang
from toolkit import fileio
from toolkit.errors import BitextError

FORMATS = ("beads", "tsv", "jsonl", "tmx")


@dataclass
class Side:
    """One side of the pair: its sentences and the indices of sentences that start a paragraph."""

    sentences: list[str]
    paragraph_starts: list[int] = field(default_factory=list)


def read_text(path: str) -> str:
    """UTF-8 text of a file or of stdin ('-'), with a one-line error naming the file (empty is allowed)."""
    return fileio.read_text(path, allow_empty=True, strip_bom=True, max_line_chars=None)


def read_lines(path: str) -> list[str]:
    """One sentence per line (CRLF or LF); tabs become spaces."""
    return [line.replace("\t", " ") for line in read_text(path).splitlines()]


def read_side(path: str, *, presplit: bool, lang: str | None) -> Side:
    """A side from a presplit file (one sentence a line) or a raw document split into sentences."""
    if presplit:
        return Side(read_lines(path))
    from toolkit.segment import make_document

    text = read_text(path)
    sentences: list[str] = []
    starts: list[int] = []
    # The splitter's rules (abbreviations, scripts) depend on the language: detect it on the raw text first.
    doc = make_document(text, lang=lang or guess_lang(text.splitlines()), doc_id=path)
    for para in doc.paragraphs:
        segs = [" ".join(seg.source.split()) for seg in para.segments if seg.source.strip()]
        if segs:
            starts.append(len(sentences))
            sentences.extend(segs)
    return Side(sentences, starts)


def _bead_line(b: Bead) -> str:
    return f"{b.src_ids}:{b.tgt_ids}"


def render(
    beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str], fmt: str, src_lang: str, tgt_lang: str
) -> str:
    """The beads in one output format."""
    join = lambda side, ids: " ".join(side[i] for i in ids)  # noqa: E731
    if fmt == "beads":
        return "".join(_bead_line(b) + "\n" for b in beads)
    if fmt == "tsv":
        clean = lambda t: t.replace("\t", " ").replace("\n", " ")  # noqa: E731
        return "".join(
            f"{clean(join(src, b.src_ids))}\t{clean(join(tgt, b.tgt_ids))}\t{b.score:.4f}\n" for b in beads
        )
    if fmt == "jsonl":
        out = []
        for b in beads:
            rec = {
                "src_ids": b.src_ids,
                "tgt_ids": b.tgt_ids,
                "src": join(src, b.src_ids),
                "tgt": join(tgt, b.tgt_ids),
                "score": b.score,
                "type": b.type,
                "src_lang": src_lang,
                "tgt_lang": tgt_lang,
            }
            out.append(json.dumps(rec, ensure_ascii=False) + "\n")
        return "".join(out)
    if fmt == "tmx":
        return _tmx(beads, src, tgt, src_lang, tgt_lang)
    raise BitextError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _tmx(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> str:
    """TMX 1.4b via translate-toolkit: one unit per bead with text on both sides."""
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=src_lang, targetlanguage=tgt_lang)
    for b in beads:
        if not b.src_ids or not b.tgt_ids:
            continue
        unit = store.addsourceunit(" ".join(src[i] for i in b.src_ids))
        unit.target = " ".join(tgt[j] for j in b.tgt_ids)
        unit.addnote(f"confidence={b.score:.4f} type={b.type} src={b.src_ids} tgt={b.tgt_ids}")
    return bytes(store).decode("utf-8")


def write_output(path: str, text: str) -> None:
    """Write text to a file atomically (temp file + rename), or to stdout for '-'."""
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(
            dir=target.parent if str(target.parent) else ".", prefix=".bitext-", suffix=".tmp"
        )
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        raise BitextError(f"{path}: cannot write ({exc.strerror or exc})") from None
