"""Sentence splitting that knows Arabic punctuation, quotes, numbers and abbreviations."""

from __future__ import annotations

import re
import unicodedata

from toolkit.document import Document, Span, parse_document

TERMINATORS = ".!?؟…。！？۔"
CLOSERS = "\"'»”’)]}›"
OPENERS = '«“‘("[{‹'
BULLET = re.compile(r"^\s*(?:[•◦▪●■·\-–—*]|\d{1,3}[.)])\s+")
URL = re.compile(r"^(?:https?://|www\.)\S+$|^[\w.+-]+@[\w-]+\.[\w.-]+$", re.I)
ABBREVIATIONS = {
    "en": {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "gen",
        "col",
        "lt",
        "sgt",
        "gov",
        "sen",
        "rep",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "fig",
        "vol",
        "approx",
        "dept",
    },
    # Arabic: one-letter abbreviations (د. doctor, م. AD, هـ. AH) and the letter names that spell acronyms
    # ("سي. إن. إن" CNN, "تي. يو" Tu-).
    "ar": {
        "هـ",
        "سي",
        "إن",
        "تي",
        "يو",
        "بي",
        "دي",
        "إف",
        "جي",
        "آر",
        "إس",
        "إم",
        "إل",
        "إي",
        "كيو",
        "واي",
        "زد",
    },
}
SCRIPTS = {
    "ar": "ARABIC",
    "fa": "ARABIC",
    "ur": "ARABIC",
    "ps": "ARABIC",
    "ku": "ARABIC",
    "ru": "CYRILLIC",
    "uk": "CYRILLIC",
    "bg": "CYRILLIC",
    "sr": "CYRILLIC",
    "mk": "CYRILLIC",
    "be": "CYRILLIC",
    "he": "HEBREW",
    "el": "GREEK",
    "hi": "DEVANAGARI",
    "mr": "DEVANAGARI",
    "ne": "DEVANAGARI",
    "zh": "CJK",
    "ja": "CJK",
    "ko": "HANGUL",
    "th": "THAI",
    "ka": "GEORGIAN",
    "hy": "ARMENIAN",
    "am": "ETHIOPIC",
}
MAX_QUOTE_TAIL = 200  # a quote left open further than this is taken as unbalanced
_BOUNDARY = re.compile(rf"[{re.escape(TERMINATORS)}]+[{re.escape(CLOSERS)}]*")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _is_abbreviation(text: str, end: int, lang: str | None) -> bool:
    """True when the period ending at `end` closes an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text, 0, end - 1)
    if not m or m.end() != end - 1:
        return False
    word = m.group(1).lower()
    if lang and word in ABBREVIATIONS.get(lang, ()):
        return True
    if word in ABBREVIATIONS["en"]:
        return True
    return len(word) == 1 and word.isalpha()


PROCLITICS = "وبلفك"  # Arabic one-letter words written onto the next word, quotes included: و"كيم"


def _closes(text: str, i: int) -> bool:
    """True when the straight quote at i closes a quotation (it follows a word and precedes a space or mark)."""
    prev = text[i - 1] if i else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isspace() or prev in "([{" or (prev in PROCLITICS and (i < 2 or text[i - 2].isspace())):
        return False
    return nxt.isspace() or not nxt.isalnum()


def _quote_depth(text: str, upto: int) -> int:
    """1 when a «», “” or straight-double quote open at `upto` is closed later in the text, else 0."""
    depth, straight = 0, False
    for i, c in enumerate(text[:upto]):
        if c in "«“":
            depth += 1
        elif c in "»”" and depth:
            depth -= 1
        elif c == '"':
            straight = not _closes(text, i)
    if not (depth or straight):
        return 0
    closers = ("»”" if depth else "") + ('"' if straight else "")
    return int(any(c in closers for c in text[upto : upto + MAX_QUOTE_TAIL]))


def split_sentences(text: str, lang: str | None = None) -> list[Span]:
    """Character spans of the sentences of one paragraph, leading bullets and outer whitespace excluded."""
    start = 0
    b = BULLET.match(text)
    if b and b.end() < len(text.rstrip()):
        start = b.end()
    spans: list[Span] = []
    for m in _BOUNDARY.finditer(text, start):
        end = m.end()
        if end >= len(text) or not text[end].isspace():
            continue
        run = m.group(0)
        rest = text[end:].lstrip()
        if not rest:
            continue
        if run[0] == "." and len(run.rstrip(CLOSERS)) == 1 and _is_abbreviation(text, m.start() + 1, lang):
            continue
        if rest[0].islower() or rest[0] in ",;:،؛":
            continue
        if _quote_depth(text, end) and len(text) - end > 1:
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return [_trim(text, a, b) for a, b in spans if text[a:b].strip()]


def _trim(text: str, a: int, b: int) -> Span:
    """Shrink a span so that it starts and ends on non-space characters."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def needs_translation(segment: str, lang: str | None = None) -> bool:
    """False for text a model should not see: no letters, a URL or e-mail, or none of the source's script."""
    s = segment.strip()
    if not any(c.isalpha() for c in s) or URL.match(s):
        return False
    script = SCRIPTS.get(lang or "")
    if script is None:
        return True
    for c in s:
        if c.isalpha():
            name = unicodedata.name(c, "")
            if name.startswith(script) or (script == "CJK" and ("HIRAGANA" in name or "KATAKANA" in name)):
                return True
    return False


def make_document(text: str, lang: str | None = None, doc_id: str = "-") -> Document:
    """A Document of `text`: a paragraph per non-blank line, sentences split, pass-through marked."""
    return parse_document(
        text,
        lambda line: split_sentences(line, lang),
        doc_id=doc_id,
        lang=lang,
        needs_translation=lambda s: needs_translation(s, lang),
    )
