"""Bilingual dictionaries: dictd databases (.index + .dict[.dz], e.g. Debian's dict-freedict-ara-eng) or TSV."""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from align.text import normalize, words
from toolkit.errors import BitextError

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_AR_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك", "س")
_AR_SUFFIXES = ("هما", "كما", "ات", "ون", "ين", "ها", "هم", "هن", "كم", "نا", "ة", "ه", "ي", "ك")


@dataclass
class Dictionary:
    """Word translations in both directions, keyed by normalised single words."""

    forward: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    backward: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, left: str, right: str) -> None:
        """Record that `left` (a word or phrase) translates as `right`."""
        lw, rw = words(normalize(left)), words(normalize(right))
        if len(lw) == 1 and rw:
            self.forward[lw[0]].update(w for w in rw if len(w) > 2 or len(rw) == 1)
        if len(rw) == 1 and lw:
            self.backward[rw[0]].update(w for w in lw if len(w) > 2 or len(lw) == 1)

    def lookup(self, table: dict[str, set[str]], word: str) -> list[str]:
        """Translations of a word, trying Arabic clitic-stripped forms when the word itself is absent."""
        if word in table:
            return sorted(table[word])
        for form in _variants(word):
            if form in table:
                return sorted(table[form])
        return []

    def left_to_right(self, word: str) -> list[str]:
        """Translations of a left-language word."""
        return self.lookup(self.forward, word)

    def right_to_left(self, word: str) -> list[str]:
        """Translations of a right-language word."""
        return self.lookup(self.backward, word)

    def coverage(self, sentences: list[str], side: str) -> float:
        """Share of the words of some sentences found on one side ('left' or 'right') of the dictionary."""
        ws = [w for s in sentences[:500] for w in words(normalize(s))]
        table = self.forward if side == "left" else self.backward
        return sum(bool(self.lookup(table, w)) for w in ws) / max(1, len(ws))


def _variants(word: str) -> list[str]:
    """Forms of an Arabic word with common proclitics and suffixes removed (longest first)."""
    out = []
    stems = [word] + [word[len(p) :] for p in _AR_PREFIXES if word.startswith(p) and len(word) - len(p) >= 2]
    for s in stems:
        out.append(s)
        out.extend(s[: -len(x)] for x in _AR_SUFFIXES if s.endswith(x) and len(s) - len(x) >= 2)
    return out[1:]


def load_dictionary(path: str | Path) -> Dictionary:
    """A dictionary from a dictd database (give the .index or .dict[.dz] path) or a TSV (left<TAB>right)."""
    p = Path(path)
    try:
        if p.suffix == ".index" or p.name.endswith((".dict.dz", ".dict")):
            return _load_dictd(p)
        return _load_tsv(p)
    except OSError as exc:
        raise BitextError(f"{path}: cannot read dictionary ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise BitextError(f"{path}: not a dictd or TSV dictionary ({exc})") from None


def _load_tsv(p: Path) -> Dictionary:
    """`left<TAB>right` lines (more columns ignored; # comments and blank lines skipped)."""
    d = Dictionary()
    n = 0
    for lineno, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise BitextError(f"{p}:{lineno}: expected 'word<TAB>translation'")
        d.add(cols[0], cols[1])
        n += 1
    if not n:
        raise BitextError(f"{p}: the dictionary has no entries")
    return d


def _b64(text: str) -> int:
    """dictd's base-64 number encoding."""
    value = 0
    for ch in text:
        value = value * 64 + _B64.index(ch)
    return value


def _load_dictd(p: Path) -> Dictionary:
    """A dictd database: headword index plus (dictzip-compressed) entry bodies."""
    stem = str(p)
    for suffix in (".index", ".dict.dz", ".dict"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    index, body_dz, body = Path(stem + ".index"), Path(stem + ".dict.dz"), Path(stem + ".dict")
    data = gzip.open(body_dz).read() if body_dz.exists() else body.read_bytes()
    d = Dictionary()
    n = 0
    for lineno, line in enumerate(index.read_text(encoding="utf-8").splitlines(), 1):
        cols = line.split("\t")
        if len(cols) < 3:
            raise BitextError(f"{index}:{lineno}: not a dictd index line")
        if cols[0].startswith("00database") or cols[0].startswith("00-database"):
            continue
        try:
            off, size = _b64(cols[1]), _b64(cols[2])
        except ValueError:
            raise BitextError(f"{index}:{lineno}: bad offset in dictd index") from None
        entry = data[off : off + size].decode("utf-8", "replace").splitlines()
        for tr in entry[1:]:
            tr = re.sub(r"^\s*\d+\.\s*", "", tr).strip()
            for piece in re.split(r"[;,]", tr):
                if piece.strip():
                    d.add(cols[0], piece.strip())
                    n += 1
    if not n:
        raise BitextError(f"{index}: the dictionary has no entries")
    return d
