"""Offline language identification with lingua (its models ship inside the package)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from toolkit.errors import BitextError

# Languages bitext can tell apart; lingua loads one model per language on first use, so the set stays modest.
COMMON = tuple("ar en fr de es it pt ru zh ja ko tr fa ur he hi nl pl sv uk el id vi th".split())


@dataclass
class LanguageDetector:
    """Detects the language of a text among `languages` (ISO 639-1 codes)."""

    languages: tuple[str, ...] = COMMON

    @cached_property
    def _detector(self):
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        try:
            codes = [getattr(IsoCode639_1, c.upper()) for c in self.languages]
        except AttributeError as exc:
            raise BitextError(f"language identification does not know {exc.name!r}") from exc
        return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def detect(self, text: str, *, sample: int = 2000) -> str | None:
        """The ISO 639-1 code of the text's language (from its first `sample` characters), or None."""
        snippet = text[:sample].strip()
        if not snippet:
            return None
        lang = self._detector.detect_language_of(snippet)
        return lang.iso_code_639_1.name.lower() if lang else None


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of `text`'s language, or None when it has no language (a one-off detector)."""
    return LanguageDetector().detect(text)
