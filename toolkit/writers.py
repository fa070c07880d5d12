"""Output formats for translated documents: plain text, JSONL records, TMX 1.4b."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from toolkit.document import Document

FORMATS = ("txt", "jsonl", "tmx")


def document_record(doc: Document, *, source_lang: str | None, target_lang: str, model: str) -> dict:
    """A JSON-ready record of a translated document: paragraphs, segments, offsets, scores, flags."""
    paragraphs = []
    for p in doc.paragraphs:
        segments = [
            {
                "id": s.id,
                "source": s.source,
                "target": s.output,
                "start": s.start,
                "end": s.end,
                "score": None if s.score is None else round(s.score, 4),
                "confidence": None if s.score is None else round(math.exp(min(0.0, s.score)), 4),
                "flags": list(s.flags),
                "translated": s.translate,
            }
            for s in p.segments
        ]
        paragraphs.append(
            {
                "index": p.index,
                "source": p.text,
                "target": p.render(),
                "separator": p.separator,
                "segments": segments,
            }
        )
    return {
        "id": doc.id,
        "source_lang": doc.lang or source_lang,
        "target_lang": target_lang,
        "model": model,
        "prefix": doc.prefix,
        "paragraphs": paragraphs,
    }


def to_jsonl(docs: Sequence[Document], **kw) -> str:
    """One JSON record per document, one line each."""
    return "".join(json.dumps(document_record(d, **kw), ensure_ascii=False) + "\n" for d in docs)


def to_tmx(docs: Sequence[Document], *, source_lang: str | None, target_lang: str, model: str) -> bytes:
    """A TMX 1.4b file (via translate-toolkit) with one unit per translated segment and its score/flags as props."""
    from lxml import etree
    from translate.storage.tmx import tmxfile

    langs = {d.lang or source_lang for d in docs}
    tmx = tmxfile(sourcelanguage=next(iter(langs)) or "und", targetlanguage=target_lang)
    for doc in docs:
        for seg in doc.segments():
            if not seg.translate:
                continue
            unit = tmx.addsourceunit(seg.source)
            unit.target = seg.output
            props = [("x-document", doc.id), ("x-segment", seg.id), ("x-model", model)]
            if seg.score is not None:
                props += [
                    ("x-score", f"{seg.score:.4f}"),
                    ("x-confidence", f"{math.exp(min(0.0, seg.score)):.4f}"),
                ]
            if seg.flags:
                props.append(("x-flags", ",".join(seg.flags)))
            for i, (kind, value) in enumerate(props):
                prop = etree.Element("prop", type=kind)
                prop.text = value
                unit.xmlelement.insert(i, prop)
    return bytes(tmx)


def render(
    docs: Sequence[Document], fmt: str, *, source_lang: str | None, target_lang: str, model: str
) -> str | bytes:
    """The documents in one output format (txt: the translated text of each, concatenated)."""
    if fmt == "txt":
        return "".join(d.render() for d in docs)
    if fmt == "jsonl":
        return to_jsonl(docs, source_lang=source_lang, target_lang=target_lang, model=model)
    return to_tmx(docs, source_lang=source_lang, target_lang=target_lang, model=model)
