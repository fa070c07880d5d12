"""Approved pairs as TMX 1.4b, XLIFF 1.2 (both through translate-toolkit) or TSV, for CAT tools."""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import sys
from collections import Counter
from pathlib import Path

from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile, xliffunit

from toolkit import __version__
from toolkit.errors import BitextError
from toolkit.review.items import ReviewItem

FORMATS = {
    "tmx": "application/x-tmx+xml",
    "xliff": "application/x-xliff+xml",
    "tsv": "text/tab-separated-values",
}
EXTENSIONS = {"tmx": "tmx", "xliff": "xlf", "tsv": "tsv"}
_XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class Xliff12Unit(xliffunit):
    """A trans-unit in the XLIFF 1.2 namespace."""

    namespace = _XLIFF12


class Xliff12File(xlifffile):
    """An XLIFF 1.2 document (translate-toolkit's default skeleton is 1.1)."""

    UnitClass = Xliff12Unit
    namespace = _XLIFF12
    XMLskeleton = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="{_XLIFF12}">
<file original="NoName" source-language="en" datatype="plaintext"><body></body></file>
</xliff>"""


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: characters it forbids (C0 controls) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _main_langs(items: list[ReviewItem], langs: tuple[str, str] | None = None) -> tuple[str, str]:
    """The languages given, else the most common source and target language codes of the items."""
    if langs and all(langs):
        return langs
    src = Counter(i.source_lang for i in items if i.source_lang).most_common(1)
    tgt = Counter(i.target_lang for i in items if i.target_lang).most_common(1)
    return (src[0][0] if src else "und"), (tgt[0][0] if tgt else "und")


def _note(item: ReviewItem) -> str:
    """A note for CAT tools: the machine's confidence and flags, when there are any."""
    parts = []
    if item.confidence is not None:
        parts.append(f"confidence {item.confidence:.2f}")
    if item.flags:
        parts.append("flags: " + ", ".join(item.flags))
    return "; ".join(parts)


def to_tmx(items: list[ReviewItem], langs: tuple[str, str] | None = None) -> bytes:
    """A TMX 1.4b document with one translation unit per pair."""
    src, tgt = _main_langs(items, langs)
    tm = tmxfile(sourcelanguage=src, targetlanguage=tgt)
    header = tm.document.getroot().find("header")
    header.set("creationtool", "bitext")
    header.set("creationtoolversion", __version__)
    for item in items:
        slang, tlang = item.source_lang or src, item.target_lang or tgt
        unit = tm.addsourceunit(xml_text(item.source), slang)
        unit.settarget(xml_text(item.target), tlang, append=True)
        if note := _note(item):
            unit.addnote(note)
    out = io.BytesIO()
    tm.serialize(out)
    return out.getvalue()


def to_xliff(items: list[ReviewItem], langs: tuple[str, str] | None = None) -> bytes:
    """An XLIFF 1.2 document: one <file> per input document, approved trans-units with state final."""
    src, tgt = _main_langs(items, langs)
    doc = Xliff12File(sourcelanguage=src, targetlanguage=tgt)
    doc.setsourcelanguage(src)
    doc.settargetlanguage(tgt)
    for item in items:
        name = item.doc or "-"
        doc.switchfile(name, createifmissing=True)
        unit = doc.addsourceunit(xml_text(item.source), filename=name)
        unit.settarget(xml_text(item.target), lang=item.target_lang or tgt)
        unit.setid(str(item.seq))
        if item.status == "approved":
            unit.markapproved(True)
            unit.xmlelement.find(doc.namespaced("target")).set("state", "final")
        if note := _note(item):
            unit.addnote(note, origin="bitext")
    out = io.BytesIO()
    doc.serialize(out)
    return out.getvalue()


def to_tsv(items: list[ReviewItem], langs: tuple[str, str] | None = None) -> bytes:
    """Tab-separated source and target, a header row of language codes; fields with tabs or newlines quoted."""
    src, tgt = _main_langs(items, langs)
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow([src, tgt])
    writer.writerows([item.source, item.target] for item in items)
    return out.getvalue().encode("utf-8")


def render(items: list[ReviewItem], fmt: str, langs: tuple[str, str] | None = None) -> bytes:
    """The items in one of FORMATS; `langs` (source, target) names the file's languages."""
    writers = {"tmx": to_tmx, "xliff": to_xliff, "tsv": to_tsv}
    if fmt not in writers:
        raise BitextError(f"unknown export format {fmt!r}: choose one of {', '.join(writers)}")
    return writers[fmt](items, langs)


def write_atomic(data: bytes, out: str) -> None:
    """Write bytes to a path through a temp file renamed into place, or to stdout for '-'."""
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(out)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with tmp.open("xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BitextError(f"{path}: cannot write ({exc.strerror})") from None
