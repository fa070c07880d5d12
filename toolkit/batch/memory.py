"""The translation memory: SQLite, keyed by engine cache key (model + decoding options) and source segment."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from toolkit.engine import SegmentResult
from toolkit.errors import BitextError

MEMORY_FILE = "memory.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS tm (
    key TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    score REAL NOT NULL,
    flags TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (key, source)
) WITHOUT ROWID;
"""
CHUNK = 500


def memory_path(path: str | Path) -> Path:
    """The database file for `--memory PATH`: PATH itself when it names a file, else PATH/memory.sqlite."""
    p = Path(path)
    if p.is_file() or p.suffix in {".sqlite", ".sqlite3", ".db"}:
        return p
    return p / MEMORY_FILE


@dataclass
class MemoryStats:
    """How often the memory was asked and how often it knew the answer."""

    lookups: int = 0
    hits: int = 0
    stored: int = 0


class TranslationMemory:
    """A SQLite translation memory several jobs may share (WAL, busy timeout); the engine's Memory protocol."""

    def __init__(self, path: str | Path) -> None:
        self.path = memory_path(path)
        self.stats = MemoryStats()
        self.last_found: set[str] = set()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            self.db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise BitextError(f"{self.path}: cannot open the translation memory ({exc})") from exc

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def get_many(self, key: str, sources: list[str]) -> dict[str, SegmentResult]:
        """The stored translations of those `sources` the memory holds for `key`."""
        found: dict[str, SegmentResult] = {}
        for i in range(0, len(sources), CHUNK):
            part = sources[i : i + CHUNK]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT source, target, score, flags FROM tm WHERE key = ? AND source IN ({marks})",
                [key, *part],
            )
            for source, target, score, flags in rows:
                found[source] = SegmentResult(target, score, json.loads(flags))
        self.stats.lookups += len(sources)
        self.stats.hits += len(found)
        self.last_found = set(found)
        return found

    def put_many(self, key: str, results: dict[str, SegmentResult]) -> None:
        """Store translations; the first one stored for a (key, source) is kept, so reruns stay identical."""
        now = time.time()
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO tm (key, source, target, score, flags, created) VALUES (?, ?, ?, ?, ?, ?)",
                [(key, s, r.target, r.score, json.dumps(r.flags), now) for s, r in results.items()],
            )
        self.stats.stored += len(results)

    def size(self) -> int:
        """The number of stored segments."""
        return self.db.execute("SELECT COUNT(*) FROM tm").fetchone()[0]


class DictMemory:
    """A memory held in a dict: prefetched hits shipped to a Ray worker, fresh translations collected to send back."""

    def __init__(self, known: dict[str, SegmentResult] | None = None) -> None:
        self.known = dict(known or {})
        self.fresh: dict[str, SegmentResult] = {}
        self.hits = 0
        self.last_found: set[str] = set()

    def get_many(self, key: str, sources: list[str]) -> dict[str, SegmentResult]:
        """The prefetched translations among `sources`."""
        found = {s: self.known[s] for s in sources if s in self.known}
        self.hits += len(found)
        self.last_found = set(found)
        return found

    def put_many(self, key: str, results: dict[str, SegmentResult]) -> None:
        """Collect fresh translations for the driver to store."""
        self.fresh.update(results)
        self.known.update(results)
