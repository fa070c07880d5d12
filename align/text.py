"""Language-independent text normalisation and the lexical anchors shared across scripts."""

from __future__ import annotations

import regex

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PUNCT = str.maketrans(
    {
        "،": ",",
        "؛": ";",
        "؟": "?",
        "٪": "%",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‹": "'",
        "›": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "（": "(",
        "）": ")",
        "：": ":",
        "；": ";",
        "？": "?",
        "！": "!",
        "，": ",",
        "。": ".",
        "％": "%",
        "ـ": "",
    }
)
_ARABIC_MARKS = regex.compile(r"[\u064B-\u0652\u0670\u0640]")
_NUMBER = regex.compile(r"\d+(?:[.,'\u066B\u066C ]\d{3})*(?:[.,\u066B]\d+)?")
_URL = regex.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+", regex.I)
_LATIN_WORD = regex.compile(r"[\p{Script=Latin}][\p{Script=Latin}\p{Mn}'-]*")
_WORD = regex.compile(r"[\p{L}\p{Mn}]+(?:['-][\p{L}\p{Mn}]+)*")
_ANCHOR_PUNCT = regex.compile(r"[?!:;()\"%/\[\]&$€£§@#*+=…]")
_NON_LATIN_LETTER = regex.compile(r"[^\P{L}\p{Script=Latin}]+")
_ARABIC = regex.compile(r"\p{Script=Arabic}")
_HAN = regex.compile(r"[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]")


def normalize(text: str) -> str:
    """Lower-case text with script-specific digits, punctuation and Arabic diacritics unified."""
    return _ARABIC_MARKS.sub("", text.translate(_DIGITS).translate(_PUNCT)).casefold()


def words(text: str) -> list[str]:
    """The words of normalised text (letters and marks; no digits or punctuation)."""
    return _WORD.findall(text)


def latin_view(text: str) -> str:
    """Normalised text with every letter outside the Latin script removed (what any Latin side can share)."""
    return " ".join(_NON_LATIN_LETTER.sub(" ", text).split())


def anchors(text: str, commas: bool = False) -> list[str]:
    """Script-neutral anchor tokens of normalised text: numbers, URLs, Latin words, salient punctuation
    (and commas when asked: across scripts they are among the few things both sides share)."""
    out: list[str] = []
    rest = text
    for url in _URL.findall(text):
        out.append("u:" + url.rstrip(".,;)"))
        rest = rest.replace(url, " ")
    for num in _NUMBER.findall(rest):
        digits = regex.sub(r"\D", "", num)
        out.append("n:" + digits.lstrip("0")[:12] or "n:0")
    out.extend("w:" + w for w in _LATIN_WORD.findall(rest) if len(w) > 1)
    out.extend("p:" + p for p in _ANCHOR_PUNCT.findall(rest))
    if commas:
        out.extend("p:," for _ in range(rest.count(",")))
    return out


def script_of(sentences: list[str], sample: int = 200) -> str:
    """The dominant script of some sentences: 'arabic', 'cjk' or 'latin' (a coarse guess for defaults)."""
    text = " ".join(sentences[:: max(1, len(sentences) // sample)])
    letters = max(1, len(regex.findall(r"\p{L}", text)))
    if len(_ARABIC.findall(text)) > letters / 3:
        return "arabic"
    if len(_HAN.findall(text)) > letters / 3:
        return "cjk"
    return "latin"


def guess_lang(sentences: list[str]) -> str:
    """An ISO 639-1 code for some sentences: toolkit.langid, else a script-based guess."""
    from toolkit.langid import detect_language

    if sentences:
        try:
            return detect_language(" ".join(sentences[:50])[:5000])
        except Exception:  # noqa: BLE001 - a detector failure must not stop alignment
            pass
    return {"arabic": "ar", "cjk": "zh"}.get(script_of(sentences), "und")


#: Usual target/source character ratio per (source script, target script), from FLORES dev (ar/en) and
#: general knowledge (CJK); same script: 1.
SCRIPT_RATIO = {
    ("arabic", "latin"): 1.13,
    ("latin", "arabic"): 1 / 1.13,
    ("cjk", "latin"): 3.3,
    ("latin", "cjk"): 0.3,
}


def prior_ratio(src: list[str], tgt: list[str]) -> float:
    """The usual length ratio of the two sides' scripts."""
    return SCRIPT_RATIO.get((script_of(src), script_of(tgt)), 1.0)
