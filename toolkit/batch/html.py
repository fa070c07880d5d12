"""HTML documents: translate the text nodes, keep every tag, attribute, comment and script byte for byte.

The markup is tokenised with the standard library's `html.parser` (the tolerant parser BeautifulSoup uses by
default), because it reports where each token starts in the source: the output is the source with only the
translated text runs replaced, so markup is never re-serialised. Block elements (p, li, td, th, h1-h6, div, ...)
and <br> end a paragraph; the text of script, style, code, pre, textarea and similar elements is never touched.
Within a paragraph, sentences are split on the joined text; a sentence broken by inline markup (<b>, <a>, ...)
is translated piece by piece so that each piece stays inside its own element.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

from toolkit.document import Document, Paragraph, Segment
from toolkit.segment import needs_translation, split_sentences

BLOCK = frozenset(
    "address article aside blockquote body br caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html legend li main menu nav noscript "
    "ol optgroup option p section summary table tbody td tfoot th thead title tr ul".split()
)
RAW = frozenset("script style code pre textarea kbd samp var svg math template xmp plaintext listing".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass
class TextNode:
    """A run of text between two tags: where it is in the source, and its unescaped text."""

    start: int
    end: int
    text: str


@dataclass
class Placement:
    """Where a segment's translation goes: a node and the span of its unescaped text it replaces."""

    node: int
    start: int
    end: int


@dataclass
class HtmlLayout:
    """The source of an HTML document, its translatable text nodes, and where each segment belongs."""

    source: str
    nodes: list[TextNode]
    placements: list[list[Placement]] = field(default_factory=list)  # per paragraph, per segment

    def render(self, doc: Document) -> str:
        """The source with each translated text node replaced by its (escaped) translation."""
        edits: dict[int, list[tuple[Placement, str]]] = {}
        for para, places in zip(doc.paragraphs, self.placements):
            for seg, place in zip(para.segments, places):
                if seg.translate and seg.target is not None:
                    edits.setdefault(place.node, []).append((place, seg.target))
        out, pos = [], 0
        for idx in sorted(edits):
            node = self.nodes[idx]
            text, cut, pieces = node.text, 0, []
            for place, target in sorted(edits[idx], key=lambda e: e[0].start):
                pieces.append(text[cut : place.start])
                pieces.append(target)
                cut = place.end
            pieces.append(text[cut:])
            out.append(self.source[pos : node.start])
            out.append(html.escape("".join(pieces), quote=False))
            pos = node.end
        out.append(self.source[pos:])
        return "".join(out)


class _Tokens(HTMLParser):
    """Records (kind, source offset, tag) for every token the standard parser reports."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, int, str]] = []
        self._line_starts = [0]
        self._line_starts.extend(i + 1 for i, c in enumerate(source) if c == "\n")

    def _at(self) -> int:
        """The source offset of the token being handled."""
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        """Record a start tag."""
        self.events.append(("start", self._at(), tag))

    def handle_startendtag(self, tag, attrs):
        """Record a self-closing tag."""
        self.events.append(("startend", self._at(), tag))

    def handle_endtag(self, tag):
        """Record an end tag."""
        self.events.append(("end", self._at(), tag))

    def handle_data(self, data):
        """Record a text run."""
        self.events.append(("data", self._at(), ""))

    def handle_comment(self, data):
        """Record a comment (never translated)."""
        self.events.append(("other", self._at(), ""))

    def handle_decl(self, decl):
        """Record a declaration."""
        self.events.append(("other", self._at(), ""))

    def handle_pi(self, data):
        """Record a processing instruction."""
        self.events.append(("other", self._at(), ""))

    def unknown_decl(self, data):
        """Record a CDATA or other declaration."""
        self.events.append(("other", self._at(), ""))


def _blocks(source: str) -> tuple[list[TextNode], list[list[int]]]:
    """The translatable text nodes of `source` and, per paragraph, the indexes of its nodes."""
    parser = _Tokens(source)
    parser.feed(source)
    parser.close()
    events = parser.events
    nodes: list[TextNode] = []
    blocks: list[list[int]] = [[]]
    raw_stack: list[str] = []
    i = 0
    while i < len(events):
        kind, pos, tag = events[i]
        if kind == "data":
            j = i
            while j + 1 < len(events) and events[j + 1][0] == "data":
                j += 1
            end = events[j + 1][1] if j + 1 < len(events) else len(source)
            if not raw_stack and end > pos:
                raw = source[pos:end]
                nodes.append(TextNode(pos, end, html.unescape(raw)))
                blocks[-1].append(len(nodes) - 1)
            i = j + 1
            continue
        if kind == "start" and tag in RAW and tag not in VOID:
            raw_stack.append(tag)
        elif kind == "end" and tag in raw_stack:
            while raw_stack and raw_stack.pop() != tag:
                pass
        if kind in ("start", "end", "startend") and tag in BLOCK and blocks[-1]:
            blocks.append([])
        i += 1
    return nodes, [b for b in blocks if b]


def _collapse(text: str) -> str:
    """Whitespace runs as single spaces: what a browser shows and what the model should see."""
    return " ".join(text.split())


def parse_html(source: str, lang: str | None = None, doc_id: str = "-") -> tuple[Document, HtmlLayout]:
    """A Document of the translatable text of an HTML source (one paragraph per block) and its layout."""
    nodes, blocks = _blocks(source)
    layout = HtmlLayout(source, nodes)
    paragraphs = []
    for node_ids in blocks:
        joined = "".join(nodes[n].text for n in node_ids)
        if not joined.strip():
            continue
        b_index = len(paragraphs)
        offsets, acc = [], 0
        for n in node_ids:
            offsets.append(acc)
            acc += len(nodes[n].text)
        segs: list[Segment] = []
        places: list[Placement] = []
        for a, b in split_sentences(joined, lang):
            for n, off in zip(node_ids, offsets):
                lo, hi = max(a, off), min(b, off + len(nodes[n].text))
                piece = joined[lo:hi] if lo < hi else ""
                core = piece.strip()
                if not core:
                    continue
                start = lo + len(piece) - len(piece.lstrip())
                end = start + len(core)
                src = _collapse(core)
                seg_id = f"{b_index}.{len(segs)}"
                segs.append(Segment(seg_id, src, start, end, translate=needs_translation(src, lang)))
                places.append(Placement(n, start - off, end - off))
        paragraphs.append(Paragraph(index=b_index, text=joined, separator="\n", segments=segs))
        layout.placements.append(places)
    return Document(id=doc_id, lang=lang, paragraphs=paragraphs, metadata={"format": "html"}), layout


def looks_like_html(text: str) -> bool:
    """True when the start of a text reads as an HTML document or fragment."""
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<head", "<body")):
        return True
    return any(tag in head for tag in ("<p>", "<p ", "<div", "<br>", "<br/>", "<h1", "<h2", "<li>", "<table"))
