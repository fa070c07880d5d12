"""The review item record, and the small facts about languages the page needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

STATUSES = ("pending", "approved", "rejected")
RTL_LANGS = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "ps", "sd", "ug", "ur", "yi"}
)
_RTL_SCRIPT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class ReviewItem:
    """One pair under review: both sides, what the machine thought of it, and what the reviewer decided."""

    seq: int
    source: str
    target: str
    source_lang: str = ""
    target_lang: str = ""
    confidence: float | None = None
    flags: list[str] = field(default_factory=list)
    status: str = "pending"
    version: int = 1
    doc: str = "-"
    origin: dict = field(default_factory=dict)
    id: int | None = None

    def to_json(self) -> dict:
        """The fields the page's script needs, as plain JSON values."""
        return {
            "id": self.id,
            "seq": self.seq,
            "source": self.source,
            "target": self.target,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "confidence": self.confidence,
            "flags": list(self.flags),
            "status": self.status,
            "version": self.version,
            "doc": self.doc,
        }


def direction(lang: str, text: str = "") -> str:
    """`rtl`, `ltr`, or `auto` for a side: by its language code, else by the script of its first letters."""
    code = (lang or "").lower().replace("_", "-")
    if code:
        return "rtl" if code in RTL_LANGS or code.split("-")[0] in RTL_LANGS else "ltr"
    letters = _LETTER.findall(text[:400])
    if not letters:
        return "auto"
    rtl = sum(1 for ch in letters if _RTL_SCRIPT.match(ch))
    return "rtl" if rtl * 2 > len(letters) else "ltr"


def guess_lang(texts: list[str]) -> str:
    """A language code for a side when the input names none: toolkit.langid if present, else ''."""
    sample = " ".join(texts)[:5000]
    if not sample.strip():
        return ""
    try:
        from toolkit.langid import detect_language
    except ImportError:
        return "ar" if direction("", sample) == "rtl" and re.search(r"[\u0600-\u06ff]", sample) else ""
    try:
        return detect_language(sample) or ""
    except Exception:  # noqa: BLE001 - detection is a convenience; the page works without a code
        return ""


def length_flag(source: str, target: str) -> list[str]:
    """Flags for a human-aligned pair: one side empty, or lengths far apart."""
    a, b = len(source.strip()), len(target.strip())
    if not a or not b:
        return ["unaligned"]
    if max(a, b) > 20 and max(a, b) > 3 * min(a, b):
        return ["length-ratio"]
    return []
