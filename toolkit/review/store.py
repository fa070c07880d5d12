"""The review file: pairs under review in SQLite, every change checked against the version it was read at."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import BitextError
from toolkit.review.items import STATUSES, ReviewItem

SCHEMA_VERSION = "1"
SORTS = ("worst", "order", "best", "status")
_ORDER_BY = {
    "worst": "COALESCE(confidence, 2.0) ASC, nflags DESC, seq ASC",
    "best": "COALESCE(confidence, -1.0) DESC, nflags ASC, seq ASC",
    "order": "seq ASC",
    "status": "CASE status WHEN 'pending' THEN 0 WHEN 'rejected' THEN 1 ELSE 2 END, seq ASC",
}
_NO_SPACE_LANGS = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})
_COLUMNS = (
    "id, seq, doc, source, target, source_lang, target_lang, confidence, flags, status, version, origin"
)
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    doc TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    confidence REAL,
    flags TEXT NOT NULL,
    nflags INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    version INTEGER NOT NULL,
    origin TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX items_seq ON items (seq);
CREATE INDEX items_status ON items (status);
CREATE INDEX items_worst ON items (COALESCE(confidence, 2.0), nflags DESC, seq);
"""


class ReviewError(Exception):
    """A change the review file refuses; `status` is the HTTP status that reports it."""

    status = 400

    def __init__(self, message: str, item: ReviewItem | None = None) -> None:
        super().__init__(message)
        self.item = item


class StaleVersion(ReviewError):
    """The pair changed since the client read it; `item` holds the current state."""

    status = 409


class NotFound(ReviewError):
    """No pair with that id (merged away, or never there)."""

    status = 404


@dataclass
class Query:
    """What the page asks for: a sort, filters, and a page of rows."""

    sort: str = "worst"
    status: str = ""
    flag: str = ""
    max_confidence: float | None = None
    offset: int = 0
    limit: int = 200


class ReviewStore:
    """One review file on disk; each call opens its own connection, so threads may share the store."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise BitextError(f"{self.path}: no such review file")
        with self._tx() as db:
            try:
                row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            except sqlite3.DatabaseError as exc:
                raise BitextError(f"{self.path}: not a bitext review file ({exc})") from None
        if row is None or row[0] != SCHEMA_VERSION:
            raise BitextError(f"{self.path}: not a bitext review file of schema {SCHEMA_VERSION}")
        # Held open so that closing each call's connection is not the last close, which would checkpoint
        # the WAL (an fsync, ~10 ms) on every change.
        self._anchor: sqlite3.Connection | None = sqlite3.connect(self.path, check_same_thread=False)
        self._anchor.execute("SELECT COUNT(*) FROM meta").fetchall()

    def close(self) -> None:
        """Release the file (the WAL is checkpointed into it)."""
        if self._anchor is not None:
            self._anchor.close()
            self._anchor = None

    @classmethod
    def create(cls, path: Path, items: list[ReviewItem], meta: dict[str, str]) -> ReviewStore:
        """Write a new review file holding `items` (atomically: a temp file renamed into place)."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.{time.time_ns()}.tmp")
        try:
            db = sqlite3.connect(tmp)
            try:
                db.execute("PRAGMA journal_mode = WAL")
                db.executescript(_SCHEMA)
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("schema", SCHEMA_VERSION), *sorted(meta.items())],
                )
                db.executemany(
                    f"INSERT INTO items ({_COLUMNS.replace('id, ', '', 1)}, nflags, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*_row(it)[1:], len(it.flags), time.time()) for it in items],
                )
                db.commit()
            finally:
                db.close()
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return cls(path)

    @contextlib.contextmanager
    def _tx(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection inside one transaction (a write one if asked), committed on success, else rolled back."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            # WAL with synchronous=NORMAL: a commit survives the app crashing, and costs no fsync.
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def meta(self) -> dict[str, str]:
        """The facts recorded when the file was made (input name, fingerprint, languages)."""
        with self._tx() as db:
            return dict(db.execute("SELECT key, value FROM meta").fetchall())

    def get(self, item_id: int) -> ReviewItem:
        """The pair with this id, or NotFound."""
        with self._tx() as db:
            return _get(db, item_id)

    def query(self, q: Query) -> tuple[list[ReviewItem], int]:
        """The rows the page shows for `q`, and how many rows match in all."""
        where, args = _where(q)
        order = _ORDER_BY.get(q.sort, _ORDER_BY["worst"])
        with self._tx() as db:
            total = db.execute(f"SELECT COUNT(*) FROM items{where}", args).fetchone()[0]
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM items{where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*args, q.limit, q.offset],
            ).fetchall()
        return [_item(r) for r in rows], total

    def all_items(self, status: str | None = None) -> list[ReviewItem]:
        """Every pair in document order, or only those with `status`."""
        items, _ = self.query(Query(sort="order", status=status or "", limit=-1))
        return items

    def counts(self) -> dict[str, int]:
        """How many pairs have each status, and `total`."""
        with self._tx() as db:
            got = dict(db.execute("SELECT status, COUNT(*) FROM items GROUP BY status").fetchall())
        out = {s: got.get(s, 0) for s in STATUSES}
        out["total"] = sum(out.values())
        return out

    def languages(self) -> tuple[str, str]:
        """The most common source and target language codes of all pairs ('und' when none is known)."""
        out = []
        with self._tx() as db:
            for col in ("source_lang", "target_lang"):
                row = db.execute(
                    f"SELECT {col} FROM items WHERE {col} != '' GROUP BY {col} ORDER BY COUNT(*) DESC LIMIT 1"
                ).fetchone()
                out.append(row[0] if row else "und")
        return out[0], out[1]

    def fill_languages(self, source: str | None, target: str | None) -> int:
        """Give pairs whose language is unknown these codes; return how many sides changed."""
        changed = 0
        with self._tx(write=True) as db:
            for col, lang in (("source_lang", source), ("target_lang", target)):
                if lang:
                    changed += db.execute(f"UPDATE items SET {col} = ? WHERE {col} = ''", (lang,)).rowcount
        return changed

    def flag_names(self) -> list[str]:
        """Every flag some pair carries, sorted."""
        with self._tx() as db:
            rows = db.execute("SELECT DISTINCT flags FROM items WHERE nflags > 0").fetchall()
        return sorted({f for (flags,) in rows for f in json.loads(flags)})

    def update(
        self, item_id: int, version: int, *, target: str | None = None, status: str | None = None
    ) -> ReviewItem:
        """Set the target text and/or the status of a pair read at `version`."""
        if status is not None and status not in STATUSES:
            raise ReviewError(f"unknown status {status!r}")
        with self._tx(write=True) as db:
            item = _checked(db, item_id, version)
            if target is not None:
                item.target = target
            if status is not None:
                item.status = status
            item.version += 1
            db.execute(
                "UPDATE items SET target = ?, status = ?, version = ?, updated = ? WHERE id = ?",
                (item.target, item.status, item.version, time.time(), item.id),
            )
            return item

    def merge_next(self, item_id: int, version: int) -> ReviewItem:
        """Join a pair with the next one of its document (both sides); the result is pending."""
        with self._tx(write=True) as db:
            item = _checked(db, item_id, version)
            row = db.execute(
                f"SELECT {_COLUMNS} FROM items WHERE seq > ? ORDER BY seq LIMIT 1", (item.seq,)
            ).fetchone()
            nxt = _item(row) if row else None
            if nxt is None or nxt.doc != item.doc:
                raise ReviewError("this is the last pair of its document: nothing to merge with", item)
            item.source = _join(item.source, nxt.source, item.source_lang)
            item.target = _join(item.target, nxt.target, item.target_lang)
            item.origin = _merge_origin(item.origin, nxt.origin)
            item.flags = _bead_flags(list(dict.fromkeys(item.flags + nxt.flags)), item.origin)
            if nxt.confidence is not None:
                item.confidence = (
                    nxt.confidence if item.confidence is None else min(item.confidence, nxt.confidence)
                )
            item.status = "pending"
            item.version += 1
            _write(db, item)
            db.execute("DELETE FROM items WHERE id = ?", (nxt.id,))
            db.execute("UPDATE items SET seq = seq - 1 WHERE seq > ?", (nxt.seq,))
            return item

    def split(
        self, item_id: int, version: int, source_at: int, target_at: int
    ) -> tuple[ReviewItem, ReviewItem]:
        """Cut a pair in two at a character offset on each side; both halves are pending."""
        with self._tx(write=True) as db:
            item = _checked(db, item_id, version)
            if not (0 <= source_at <= len(item.source) and 0 <= target_at <= len(item.target)):
                raise ReviewError("split point outside the text", item)
            first = (item.source[:source_at].rstrip(), item.target[:target_at].rstrip())
            second = (item.source[source_at:].lstrip(), item.target[target_at:].lstrip())
            if not any(first) or not any(second):
                raise ReviewError("a split must leave text in both halves", item)
            db.execute("UPDATE items SET seq = seq + 1 WHERE seq > ?", (item.seq,))
            tail = ReviewItem(
                seq=item.seq + 1,
                source=second[0],
                target=second[1],
                source_lang=item.source_lang,
                target_lang=item.target_lang,
                confidence=item.confidence,
                flags=_bead_flags(item.flags, {}),
                doc=item.doc,
                origin={**item.origin, "split": 2},
            )
            item.source, item.target = first
            item.origin = {**item.origin, "split": 1}
            item.flags = _bead_flags(item.flags, {})
            item.status = "pending"
            item.version += 1
            _write(db, item)
            cur = db.execute(
                f"INSERT INTO items ({_COLUMNS.replace('id, ', '', 1)}, nflags, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*_row(tail)[1:], len(tail.flags), time.time()),
            )
            tail.id = cur.lastrowid
            return item, tail


def _where(q: Query) -> tuple[str, list]:
    """The WHERE clause and its arguments for the filters of `q`."""
    parts, args = [], []
    if q.status:
        parts.append("status = ?")
        args.append(q.status)
    if q.flag == "-":
        parts.append("nflags = 0")
    elif q.flag == "*":
        parts.append("nflags > 0")
    elif q.flag:
        parts.append("EXISTS (SELECT 1 FROM json_each(items.flags) WHERE json_each.value = ?)")
        args.append(q.flag)
    if q.max_confidence is not None:
        parts.append("confidence IS NOT NULL AND confidence <= ?")
        args.append(q.max_confidence)
    return (" WHERE " + " AND ".join(parts) if parts else ""), args


def _row(it: ReviewItem) -> tuple:
    """An item as the values of `_COLUMNS`, in order."""
    return (
        it.id,
        it.seq,
        it.doc,
        it.source,
        it.target,
        it.source_lang,
        it.target_lang,
        it.confidence,
        json.dumps(it.flags, ensure_ascii=False),
        it.status,
        it.version,
        json.dumps(it.origin, ensure_ascii=False),
    )


def _item(row: tuple) -> ReviewItem:
    """A row of `_COLUMNS` as an item."""
    (id_, seq, doc, source, target, slang, tlang, conf, flags, status, version, origin) = row
    return ReviewItem(
        id=id_,
        seq=seq,
        doc=doc,
        source=source,
        target=target,
        source_lang=slang,
        target_lang=tlang,
        confidence=conf,
        flags=json.loads(flags),
        status=status,
        version=version,
        origin=json.loads(origin),
    )


def _get(db: sqlite3.Connection, item_id: int) -> ReviewItem:
    """The pair with this id inside an open transaction."""
    row = db.execute(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise NotFound(f"no pair {item_id}: it was merged or never existed; reload the page")
    return _item(row)


def _checked(db: sqlite3.Connection, item_id: int, version: int) -> ReviewItem:
    """The pair, if it is still at `version`; StaleVersion (holding the current pair) otherwise."""
    item = _get(db, item_id)
    if item.version != version:
        raise StaleVersion(
            f"pair {item_id} was changed elsewhere (another tab?) since you loaded it; "
            "your change was not saved and the latest text is shown",
            item,
        )
    return item


def _write(db: sqlite3.Connection, item: ReviewItem) -> None:
    """Store every field of an existing pair."""
    db.execute(
        "UPDATE items SET seq = ?, doc = ?, source = ?, target = ?, source_lang = ?, target_lang = ?,"
        " confidence = ?, flags = ?, status = ?, version = ?, origin = ?, nflags = ?, updated = ? WHERE id = ?",
        (*_row(item)[1:], len(item.flags), time.time(), item.id),
    )


def _join(a: str, b: str, lang: str) -> str:
    """Two texts of one side run together, with a space unless the language writes none."""
    if not a or not b:
        return a or b
    return a + ("" if lang.split("-")[0] in _NO_SPACE_LANGS else " ") + b


def _merge_origin(a: dict, b: dict) -> dict:
    """The origin of a merged pair: list-valued keys (sentence or segment ids) joined, the rest from `a`."""
    out = dict(a)
    for key, value in b.items():
        if isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + [v for v in value if v not in out[key]]
        else:
            out.setdefault(key, value)
    out.pop("split", None)
    return out


def _bead_flags(flags: list[str], origin: dict) -> list[str]:
    """Flags with the bead shape ("bead 2-3") recomputed from the origin's sentence ids, if it has them."""
    out = [f for f in flags if not f.startswith("bead ")]
    src, tgt = origin.get("src_ids"), origin.get("tgt_ids")
    if isinstance(src, list) and isinstance(tgt, list) and (len(src) > 1 or len(tgt) > 1):
        out.append(f"bead {len(src)}-{len(tgt)}")
    return out
