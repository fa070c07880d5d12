"""Documents as paragraphs of sentences, with offsets, that reassemble byte for byte."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Span = tuple[int, int]
Splitter = Callable[[str], list[Span]]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")


@dataclass
class Segment:
    """One sentence of a paragraph: its source, offsets into the paragraph text, and its translation."""

    id: str
    source: str
    start: int
    end: int
    target: str | None = None
    score: float | None = None
    flags: list[str] = field(default_factory=list)
    translate: bool = True

    @property
    def output(self) -> str:
        """The target text, or the source for a segment that passes through untranslated."""
        return self.source if (not self.translate or self.target is None) else self.target


@dataclass
class Paragraph:
    """A line of text, the exact separator that followed it, and its sentences."""

    index: int
    text: str
    separator: str
    segments: list[Segment] = field(default_factory=list)

    def render(self, translated: bool = True) -> str:
        """The paragraph with each segment replaced by its output, the gaps between segments kept."""
        if not translated:
            return self.text
        out, pos = [], 0
        for seg in self.segments:
            out.append(self.text[pos : seg.start])
            out.append(seg.output)
            pos = seg.end
        out.append(self.text[pos:])
        return "".join(out)


@dataclass
class Document:
    """A document: leading whitespace, then paragraphs each followed by its own separator."""

    id: str
    lang: str | None
    paragraphs: list[Paragraph]
    prefix: str = ""
    metadata: dict = field(default_factory=dict)

    def segments(self) -> Iterator[Segment]:
        """Every segment of every paragraph, in order."""
        for p in self.paragraphs:
            yield from p.segments

    def render(self, translated: bool = True) -> str:
        """The whole document; untranslated it equals the input byte for byte."""
        return self.prefix + "".join(p.render(translated) + p.separator for p in self.paragraphs)


def split_paragraphs(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split text into (prefix, [(line, separator), ...]): a paragraph is a non-blank line."""
    prefix, pairs = "", []
    for m in _LINE.finditer(text):
        chunk = m.group(0)
        if not chunk:
            break
        body = chunk.rstrip("\r\n")
        ending = chunk[len(body) :]
        if body.strip():
            pairs.append((body, ending))
        elif pairs:
            line, sep = pairs[-1]
            pairs[-1] = (line, sep + chunk)
        else:
            prefix += chunk
    return prefix, pairs


def parse_document(
    text: str,
    splitter: Splitter,
    *,
    doc_id: str = "-",
    lang: str | None = None,
    needs_translation: Callable[[str], bool] | None = None,
) -> Document:
    """Build a Document from text: paragraphs by line, sentences by `splitter`, pass-through marked."""
    prefix, pairs = split_paragraphs(text)
    paragraphs = []
    for i, (line, sep) in enumerate(pairs):
        segs = []
        for j, (a, b) in enumerate(splitter(line)):
            src = line[a:b]
            keep = needs_translation(src) if needs_translation else True
            segs.append(Segment(id=f"{i}.{j}", source=src, start=a, end=b, translate=keep))
        paragraphs.append(Paragraph(index=i, text=line, separator=sep, segments=segs))
    return Document(id=doc_id, lang=lang, paragraphs=paragraphs, prefix=prefix)
