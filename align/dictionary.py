"""Bilingual dictionaries: dictd databases (.index + .dict[.dz], e.g. Debian's dict-freedict-ara-eng) or TSV."""

from __future__ import annotations

import gzip
import hashlib
import pickle
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from align.text import normalize, words
from toolkit.errors import BitextError
from toolkit.fileio import atomic_write

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


DICTD_FOLDERS = (Path("/usr/share/dictd"),)
CACHE_FORMAT = "bitext-dictionary-1"


def system_dictionary(src_lang: str, tgt_lang: str, folders: Sequence[Path] = DICTD_FOLDERS) -> Path | None:
    """The dictd index of an installed FreeDict dictionary for the pair, either direction (e.g. Debian's
    dict-freedict-ara-eng for ar-en), or None."""
    from lingua import IsoCode639_1, Language

    try:
        a, b = (
            Language.from_iso_code_639_1(IsoCode639_1.from_str(x)).iso_code_639_3.name.lower()
            for x in (src_lang, tgt_lang)
        )
    except ValueError:
        return None
    for folder in folders:
        for name in (f"freedict-{a}-{b}.index", f"freedict-{b}-{a}.index"):
            if (folder / name).is_file():
                return folder / name
    return None


def load_dictionary(path: str | Path, *, cache_dir: Path | None = None) -> Dictionary:
    """A dictionary from a dictd database (give the .index or .dict[.dz] path) or a TSV (left<TAB>right).

    `cache_dir`: keep the parsed dictionary there (keyed by the file's path, size and time), so that the next
    load takes a fraction of a second instead of seconds.
    """
    p = Path(path)
    cached = _cache_path(p, cache_dir) if cache_dir is not None else None
    if cached is not None and cached.is_file():
        try:
            with open(cached, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a damaged cache entry is rebuilt below
    d = _load(p, path)
    if cached is not None:
        try:
            atomic_write(cached, pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # the cache is an optimisation: an unwritable cache folder is not an error
    return d


def _cache_path(p: Path, cache_dir: Path) -> Path | None:
    """Where the parsed form of a dictionary file is cached (None if the file cannot be stat'ed)."""
    try:
        st = p.resolve().stat()
    except OSError:
        return None
    key = f"{CACHE_FORMAT}|{p.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    return cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"


def _load(p: Path, path: str | Path) -> Dictionary:
    """Parse a dictionary file, with one-line errors."""
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
