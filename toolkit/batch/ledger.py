"""The job ledger: SQLite (WAL) inside OUTDIR, one row per document, committed only after its output is in place."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import BitextError

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    checksum TEXT,
    output TEXT,
    error TEXT,
    segments INTEGER,
    tm_hits INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    run INTEGER,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_status ON documents (status);
CREATE INDEX IF NOT EXISTS documents_output ON documents (output);
CREATE TABLE IF NOT EXISTS job (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run INTEGER PRIMARY KEY AUTOINCREMENT,
    pid INTEGER NOT NULL,
    mode TEXT NOT NULL,
    started REAL NOT NULL,
    ended REAL,
    done INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    segments INTEGER NOT NULL DEFAULT 0,
    tm_hits INTEGER NOT NULL DEFAULT 0,
    last REAL
);
"""


@dataclass
class Row:
    """A document's ledger row."""

    id: str
    status: str
    checksum: str | None
    output: str | None
    error: str | None
    attempts: int
    run: int | None = None


@dataclass
class Outcome:
    """What became of one document in this run, to be committed with others of its chunk."""

    id: str
    status: str  # done | failed
    checksum: str | None
    output: str | None = None
    error: str | None = None
    segments: int = 0
    tm_hits: int = 0


@dataclass
class RunInfo:
    """One run of the job (a start of `bitext batch run`): when, how far, how fast."""

    run: int
    pid: int
    mode: str
    started: float
    ended: float | None
    done: int
    failed: int
    segments: int
    tm_hits: int
    last: float | None


class Ledger:
    """The per-job SQLite ledger (WAL mode, full sync)."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        try:
            if readonly:
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            else:
                self.db = sqlite3.connect(self.path, timeout=30)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=FULL")
                self.db.executescript(SCHEMA)
                self.db.commit()
        except sqlite3.Error as exc:
            raise BitextError(f"{self.path}: cannot open the job ledger ({exc})") from exc

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    # -- job settings ---------------------------------------------------------------------------------------

    def settings(self) -> dict:
        """The settings the job was first started with (empty for a new job)."""
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM job")}

    def save_settings(self, settings: dict) -> None:
        """Record the job's settings (first run)."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO job (key, value) VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in settings.items()],
            )

    # -- documents ------------------------------------------------------------------------------------------

    def add_pending(self, ids: Iterable[str], batch: int = 5000) -> int:
        """Insert a pending row for every id not yet in the ledger; the number of documents in the input."""
        now, seen, buf = time.time(), 0, []
        (start,) = self.db.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM documents").fetchone()
        for doc_id in ids:
            buf.append((doc_id, start + seen, now, now))
            seen += 1
            if len(buf) >= batch:
                self._insert(buf)
                buf = []
        if buf:
            self._insert(buf)
        return seen

    def _insert(self, rows: list[tuple]) -> None:
        """Insert pending rows, keeping existing ones."""
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO documents (id, seq, status, created, updated) VALUES (?, ?, 'pending', ?, ?)",
                rows,
            )

    def get(self, doc_id: str) -> Row | None:
        """A document's row, or None."""
        r = self.db.execute(
            "SELECT id, status, checksum, output, error, attempts, run FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return Row(*r) if r else None

    def commit(self, outcomes: list[Outcome], run: int) -> None:
        """Record finished documents (their outputs already renamed into place) in one transaction."""
        now = time.time()
        done = sum(o.status == "done" for o in outcomes)
        with self.db:
            for o in outcomes:
                self.db.execute(
                    "INSERT INTO documents (id, seq, status, checksum, output, error, segments, tm_hits, attempts,"
                    " run, created, updated) VALUES (?, (SELECT COALESCE(MAX(seq), -1) + 1 FROM documents),"
                    " ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET status = excluded.status, checksum = excluded.checksum,"
                    " output = excluded.output, error = excluded.error, segments = excluded.segments,"
                    " tm_hits = excluded.tm_hits, attempts = documents.attempts + 1, run = excluded.run,"
                    " updated = excluded.updated",
                    (o.id, o.status, o.checksum, o.output, o.error, o.segments, o.tm_hits, run, now, now),
                )
            self.db.execute(
                "UPDATE runs SET done = done + ?, failed = failed + ?, segments = segments + ?,"
                " tm_hits = tm_hits + ?, last = ? WHERE run = ?",
                (
                    done,
                    len(outcomes) - done,
                    sum(o.segments for o in outcomes),
                    sum(o.tm_hits for o in outcomes),
                    now,
                    run,
                ),
            )

    def fail_pending(self, reason: str, run: int) -> list[str]:
        """Mark every row still pending (listed at the start, never read) as failed; their ids."""
        ids = [
            r[0] for r in self.db.execute("SELECT id FROM documents WHERE status = 'pending' ORDER BY seq")
        ]
        with self.db:
            self.db.execute(
                "UPDATE documents SET status = 'failed', error = ?, run = ?, updated = ? WHERE status = 'pending'",
                (reason, run, time.time()),
            )
            self.db.execute("UPDATE runs SET failed = failed + ? WHERE run = ?", (len(ids), run))
        return ids

    def output_owner(self, output: str) -> str | None:
        """The id of a document already written to `output`, if any."""
        r = self.db.execute("SELECT id FROM documents WHERE output = ? LIMIT 1", (output,)).fetchone()
        return r[0] if r else None

    def counts(self) -> dict[str, int]:
        """Documents per status."""
        out = {"pending": 0, "done": 0, "failed": 0}
        for status, n in self.db.execute("SELECT status, COUNT(*) FROM documents GROUP BY status"):
            out[status] = n
        return out

    def failures(self, limit: int | None = None) -> Iterator[tuple[str, str]]:
        """(id, reason) of failed documents, in input order."""
        sql = "SELECT id, error FROM documents WHERE status = 'failed' ORDER BY seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        yield from self.db.execute(sql)

    def rows(self) -> Iterator[Row]:
        """Every row, in input order."""
        for r in self.db.execute(
            "SELECT id, status, checksum, output, error, attempts, run FROM documents ORDER BY seq"
        ):
            yield Row(*r)

    # -- runs -----------------------------------------------------------------------------------------------

    def start_run(self, pid: int, mode: str) -> int:
        """Record the start of a run; its number."""
        with self.db:
            cur = self.db.execute(
                "INSERT INTO runs (pid, mode, started, last) VALUES (?, ?, ?, ?)",
                (pid, mode, time.time(), time.time()),
            )
        return int(cur.lastrowid)

    def end_run(self, run: int) -> None:
        """Record the clean end of a run."""
        with self.db:
            self.db.execute("UPDATE runs SET ended = ? WHERE run = ?", (time.time(), run))

    def last_run(self) -> RunInfo | None:
        """The most recent run."""
        r = self.db.execute(
            "SELECT run, pid, mode, started, ended, done, failed, segments, tm_hits, last FROM runs"
            " ORDER BY run DESC LIMIT 1"
        ).fetchone()
        return RunInfo(*r) if r else None
