"""Per-segment warning flags: repetition loops, untranslated output, extreme length ratios."""

from __future__ import annotations

import re
import unicodedata

from toolkit.segment import SCRIPTS

WORD = re.compile(r"\w+", re.UNICODE)
MIN_RATIO_CHARS = 20
RATIO_BOUNDS = (0.3, 3.5)


def has_repetition(text: str, *, times: int = 4, max_n: int = 4) -> bool:
    """True when an n-gram of words (n ≤ max_n) repeats `times` times in a row, or a word char-loops."""
    words = WORD.findall(text.lower())
    for n in range(1, max_n + 1):
        for i in range(0, len(words) - n * times + 1):
            gram = words[i : i + n]
            if all(words[i + k * n : i + (k + 1) * n] == gram for k in range(1, times)):
                return True
    return bool(re.search(r"(.{2,8}?)\1{5,}", text))


def _script_share(text: str, script: str) -> float:
    """The share of letters in `text` that belong to `script`."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(unicodedata.name(c, "").startswith(script) for c in letters) / len(letters)


def looks_untranslated(source: str, target: str, source_lang: str | None, target_lang: str) -> bool:
    """True when the output copies the source, or is mostly in the source's script."""
    norm = lambda s: " ".join(WORD.findall(s.lower()))  # noqa: E731
    if norm(source) and norm(source) == norm(target):
        return True
    script = SCRIPTS.get(source_lang or "")
    if script and script != SCRIPTS.get(target_lang):
        return _script_share(target, script) > 0.5
    return False


def segment_flags(
    source: str, target: str, source_lang: str | None, target_lang: str, *, hit_limit: bool = False
) -> list[str]:
    """The warning flags for one translated segment."""
    flags = []
    if hit_limit or has_repetition(target):
        flags.append("repetition")
    if looks_untranslated(source, target, source_lang, target_lang):
        flags.append("untranslated")
    if len(source) >= MIN_RATIO_CHARS:
        ratio = len(target) / len(source)
        if not RATIO_BOUNDS[0] <= ratio <= RATIO_BOUNDS[1]:
            flags.append("length-ratio")
    return flags
