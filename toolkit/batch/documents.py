"""From an input's bytes to a Document ready for the engine, and from the translated Document back to bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from toolkit.batch.html import HtmlLayout, looks_like_html, parse_html
from toolkit.batch.paths import UnsafePath, output_relpath
from toolkit.batch.readers import InputDoc
from toolkit.document import Document
from toolkit.segment import make_document

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
BOM = "\ufeff"
CONTROL_OK = {9, 10, 12, 13}


class DocumentError(ValueError):
    """A document that cannot be translated, with the reason recorded in the ledger."""


@dataclass
class Prepared:
    """A document ready for translation: where its output goes, its segments, and how to render it."""

    id: str
    checksum: str
    rel: PurePosixPath
    document: Document
    layout: HtmlLayout | None = None
    bom: bool = False

    def render(self) -> bytes:
        """The translated document as bytes (UTF-8, the input's BOM kept)."""
        text = self.layout.render(self.document) if self.layout else self.document.render()
        return ((BOM if self.bom else "") + text).encode("utf-8")

    def segment_count(self) -> int:
        """Segments sent to the engine."""
        return sum(1 for s in self.document.segments() if s.translate)


def decode(data: bytes) -> str:
    """UTF-8 text of a document, or a DocumentError saying why it is not text."""
    if not data:
        raise DocumentError("empty file (0 bytes): nothing to translate")
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("UTF-16 text (byte-order mark); convert the file to UTF-8")
    if b"\x00" in head:
        raise DocumentError("binary data (contains NUL bytes), not a text or HTML document")
    controls = sum(1 for b in head if b < 32 and b not in CONTROL_OK)
    if controls > len(head) * 0.1:
        raise DocumentError(f"binary data ({controls} control bytes in the first {len(head)}), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"invalid UTF-8 at byte {exc.start} ({exc.reason}); convert the file to UTF-8"
        ) from None


def prepare(item: InputDoc, fmt: str, source_lang: str | None, default_suffix: str = "") -> Prepared:
    """Decode, detect HTML, segment; raise DocumentError with a reason for anything unusable."""
    if item.error:
        raise DocumentError(item.error)
    try:
        rel = output_relpath(item.id, default_suffix)
    except UnsafePath as exc:
        raise DocumentError(str(exc)) from None
    assert item.data is not None
    text = decode(item.data)
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    bare = not PurePosixPath(item.id).suffix
    is_html = fmt == "html" or (
        fmt == "auto" and (item.id.lower().endswith(HTML_SUFFIXES) or (bare and looks_like_html(text)))
    )
    if is_html:
        doc, layout = parse_html(text, source_lang, item.id)
    else:
        doc, layout = make_document(text, source_lang, item.id), None
    if default_suffix and bare:
        rel = output_relpath(item.id, ".html" if is_html else default_suffix)
    return Prepared(item.id, item.checksum or "", rel, doc, layout, bom)
