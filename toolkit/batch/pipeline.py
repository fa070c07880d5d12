"""The batch job: scan the input, then stream reader → engine (chunks of documents) → writer → ledger."""

from __future__ import annotations

import errno
import os
import queue
import sqlite3
import sys
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

from toolkit.batch.documents import DocumentError, Prepared, prepare
from toolkit.batch.ledger import Ledger, Outcome
from toolkit.batch.lock import JobLock
from toolkit.batch.memory import TranslationMemory
from toolkit.batch.paths import STATE_DIR, UnsafePath, clear_temp, write_atomic
from toolkit.batch.progress import Progress
from toolkit.batch.readers import BatchInput
from toolkit.engine import DecodeOptions, SegmentResult
from toolkit.errors import BitextError

LEDGER_FILE = "ledger.sqlite"
LOCK_FILE = "lock"


@dataclass
class JobConfig:
    """Everything a batch job needs to know, as given on the command line."""

    input: BatchInput
    outdir: Path
    target_lang: str
    source_lang: str | None = None
    model: str | None = None
    fmt: str = "auto"  # auto | text | html
    memory: Path | None = None  # None: OUTDIR/.bitext/memory.sqlite
    use_memory: bool = True
    retry_failed: bool = False
    chunk_docs: int = 32
    chunk_segments: int = 1024
    side: tuple[str, ...] = ()
    options: DecodeOptions = field(default_factory=DecodeOptions)
    ray: str | None = None
    ray_actors: int = 0
    progress_bar: bool | None = None
    progress_every: float = 10.0


@dataclass
class JobSummary:
    """What one run did, and where the whole job stands afterwards."""

    translated: int = 0
    failed: int = 0
    skipped: int = 0
    segments: int = 0
    tm_hits: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)


class Backend(Protocol):
    """Where distinct segments are translated: in this process, or on Ray actors."""

    cache_key: str
    window: int  # chunks that may be in flight at once

    def submit(self, texts: list[str]) -> object:
        """Start translating distinct texts; a handle for result()."""

    def result(self, handle: object) -> list[SegmentResult]:
        """The translations of a submitted list, in order."""

    def close(self) -> None:
        """Release workers."""


class LocalBackend:
    """Translate in this process with the engine (CTranslate2's own threads) on one worker thread.

    CTranslate2 releases the GIL, so while one chunk is translated the main thread writes and commits the one
    before it (two chunks in flight).
    """

    window = 2

    def __init__(self, translator, source_lang: str | None, target_lang: str) -> None:
        self.translator = translator
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.cache_key = translator.cache_key
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bitext-engine")

    def submit(self, texts: list[str]) -> Future:
        """Queue texts for translation on the worker thread."""
        return self.pool.submit(
            self.translator.translate_texts, texts, source_lang=self.source_lang, target_lang=self.target_lang
        )

    def result(self, handle: Future) -> list[SegmentResult]:
        """The translations (re-raising the engine's failure)."""
        return handle.result()

    def close(self) -> None:
        """Stop the worker thread (pending work is dropped)."""
        self.pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class _Chunk:
    """Documents translated together, and what the memory already knew when the chunk was submitted."""

    entries: list  # (_Work, settled)
    todo: list[str] = field(default_factory=list)
    known: dict[str, SegmentResult] = field(default_factory=dict)
    handle: object = None

    def prepared(self) -> list[Prepared]:
        """The documents of the chunk that parsed (settled ones included: they shape the batch)."""
        return [w.prepared for w, _ in self.entries if w.prepared is not None]


@dataclass
class _Work:
    """What the reader thread hands on: a prepared document or the reason it could not be prepared."""

    id: str
    checksum: str | None
    prepared: Prepared | None = None
    error: str | None = None


_END = object()


def _reader(cfg: JobConfig, out: queue.Queue, stop: threading.Event) -> None:
    """Read and prepare documents in order into a bounded queue (the pipeline's memory bound)."""
    default_suffix = ".txt" if cfg.input.kind == "jsonl" else ""
    try:
        for item in cfg.input.documents():
            checksum = item.checksum
            try:
                work = _Work(
                    item.id, checksum, prepared=prepare(item, cfg.fmt, cfg.source_lang, default_suffix)
                )
                work.prepared.checksum = checksum or ""
            except DocumentError as exc:
                work = _Work(item.id, checksum, error=str(exc))
            except Exception as exc:  # a parser bug on one odd document must not stop the job
                work = _Work(item.id, checksum, error=f"cannot parse: {type(exc).__name__}: {exc}")
            while not stop.is_set():
                try:
                    out.put(work, timeout=0.5)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        out.put(_END)
    except BaseException as exc:  # noqa: BLE001 - handed to the main thread
        out.put(exc)


def _stream(cfg: JobConfig) -> Iterator[_Work]:
    """Documents from the reader thread, at most a few chunks ahead of the engine."""
    q: queue.Queue = queue.Queue(maxsize=max(4, 2 * cfg.chunk_docs))
    stop = threading.Event()
    t = threading.Thread(target=_reader, args=(cfg, q, stop), name="bitext-reader", daemon=True)
    t.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def _texts(docs: list[Prepared]) -> list[str]:
    """The segment sources of some documents, in order (what the engine would translate)."""
    return [s.source for p in docs for s in p.document.segments() if s.translate]


def _fill(docs: list[Prepared], table: dict[str, SegmentResult]) -> None:
    """Put translations back onto the segments."""
    for p in docs:
        for seg in p.document.segments():
            if seg.translate:
                res = table[seg.source]
                seg.target, seg.score, seg.flags = res.target, res.score, list(res.flags)


class Job:
    """One run of a batch job on one OUTDIR."""

    def __init__(self, cfg: JobConfig, err: TextIO | None = None) -> None:
        self.cfg = cfg
        self.err = err or sys.stderr
        self.outdir = Path(cfg.outdir)
        self.state = self.outdir / STATE_DIR
        self.summary = JobSummary()
        self.memory: TranslationMemory | None = None
        self.model_name = ""

    # -- setup ----------------------------------------------------------------------------------------------

    def _prepare_outdir(self) -> None:
        """Create OUTDIR and its state folder, or say in one line why that is impossible."""
        try:
            self.outdir.mkdir(parents=True, exist_ok=True)
            self.state.mkdir(exist_ok=True)
            probe = self.state / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise BitextError(
                f"{self.outdir}: output folder is not writable ({exc.strerror or exc})"
            ) from exc

    def _check_settings(self, ledger: Ledger, model_name: str) -> None:
        """Refuse to resume a job with another model or language pair in the same OUTDIR."""
        mine = {
            "input": str(self.cfg.input.path),
            "model": model_name,
            "source_lang": self.cfg.source_lang,
            "target_lang": self.cfg.target_lang,
        }
        old = ledger.settings()
        if not old:
            ledger.save_settings(mine)
            return
        for key in ("model", "source_lang", "target_lang"):
            if old.get(key) != mine[key]:
                raise BitextError(
                    f"{self.outdir}: this folder holds a job with {key} {old.get(key)!r}, not {mine[key]!r}; "
                    "use another output folder (or the same settings to resume)"
                )
        if old.get("input") != mine["input"]:
            self._say(f"note: input was {old.get('input')}, now {mine['input']}; resuming by document id")
            ledger.save_settings({"input": mine["input"]})

    def _say(self, line: str) -> None:
        """One line on stderr."""
        print(line, file=self.err, flush=True)

    # -- the run --------------------------------------------------------------------------------------------

    def run(self, store) -> JobSummary:
        """Run (or resume) the job; returns what this run did."""
        from toolkit.engine import Translator

        cfg = self.cfg
        translator = Translator.from_store(store, cfg.model, cfg.source_lang, cfg.target_lang, cfg.options)
        translator.check_pair(cfg.source_lang, cfg.target_lang)
        self.model_name = translator.model.name
        self._prepare_outdir()
        lock = JobLock(self.state / LOCK_FILE)
        lock.acquire(self.outdir)
        backend: Backend | None = None
        try:
            clear_temp(self.outdir)
            ledger = Ledger(self.state / LEDGER_FILE)
            try:
                self._check_settings(ledger, self.model_name)
                total = ledger.add_pending(cfg.input.ids())
                counts = ledger.counts()
                todo = counts["pending"] + (counts["failed"] if cfg.retry_failed else 0)
                self._say(
                    f"bitext batch: {total} documents in {cfg.input.path} ({counts['done']} done, "
                    f"{counts['failed']} failed, {counts['pending']} pending); writing to {self.outdir}"
                )
                if cfg.use_memory:
                    self.memory = TranslationMemory(cfg.memory or (self.state / "memory.sqlite"))
                backend = self._backend(translator)
                run = ledger.start_run(os.getpid(), f"ray:{cfg.ray}" if cfg.ray else "local")
                progress = Progress(todo, bar=cfg.progress_bar, every=cfg.progress_every, stream=self.err)
                try:
                    self._loop(ledger, backend, run, progress)
                finally:
                    progress.close()
                ledger.end_run(run)
                self.summary.seconds = progress.elapsed()
                self.summary.counts = ledger.counts()
            except sqlite3.Error as exc:
                raise BitextError(
                    f"{self.state / LEDGER_FILE}: cannot update the job ledger ({exc})"
                ) from exc
            finally:
                ledger.close()
                if backend is not None:
                    backend.close()
                if self.memory is not None:
                    self.memory.close()
        finally:
            lock.release()
        return self.summary

    def _backend(self, translator) -> Backend:
        """The translation backend: the engine in this process, or Ray actors."""
        cfg = self.cfg
        if cfg.ray:
            from toolkit.batch.ray_backend import RayBackend

            return RayBackend(cfg, translator)
        _ = translator.ct2  # load now: a broken model fails before any document
        return LocalBackend(translator, cfg.source_lang, cfg.target_lang)

    def _loop(self, ledger: Ledger, backend: Backend, run: int, progress: Progress) -> None:
        """Stream documents through the backend in chunks cut the same way on every run.

        Chunks are cut over the whole input (finished documents included) so that a resumed or Ray run hands
        the engine exactly the batches an uninterrupted local run would: CTranslate2's output depends slightly
        on what shares a batch, and this keeps every run byte-identical. The memory is consulted by the driver:
        a chunk translates only the segments no earlier chunk translated (in flight or stored).
        """
        cfg = self.cfg
        inflight: deque[_Chunk] = deque()
        pending_units: dict[str, int] = {}  # segments being translated by chunks in flight
        entries: list = []
        ids: set[str] = set()
        n_segs = 0

        def flush() -> None:
            """Submit the chunk being gathered, first finishing chunks beyond the in-flight window."""
            nonlocal entries, ids, n_segs
            if entries:
                while len(inflight) >= backend.window:
                    self._finish(ledger, backend, run, progress, inflight.popleft(), pending_units)
                inflight.append(self._submit(backend, _Chunk(entries), pending_units))
            entries, ids, n_segs = [], set(), 0

        for work in _stream(cfg):
            row = ledger.get(work.id)
            if (row is not None and row.run == run) or work.id in ids or self._in_flight(inflight, work.id):
                self._say(
                    f"warning: {work.id}: duplicate document id in the input; only the first one is kept"
                )
                continue
            ids.add(work.id)
            entries.append((work, row is not None and self._settled(row, work)))
            if work.prepared is not None:
                n_segs += work.prepared.segment_count()
            if len(entries) >= cfg.chunk_docs or n_segs >= cfg.chunk_segments:
                flush()
        flush()
        while inflight:
            self._finish(ledger, backend, run, progress, inflight.popleft(), pending_units)
        reason = "input disappeared: listed when the job started, gone when it was read"
        for doc_id in ledger.fail_pending(reason, run):
            self._say(f"failed: {doc_id}: {reason}")
            self.summary.failed += 1

    def _submit(self, backend: Backend, chunk: _Chunk, pending_units: dict[str, int]) -> _Chunk:
        """Send a chunk's new segments to the backend (nothing when every document is settled)."""
        if all(settled for _, settled in chunk.entries):
            return chunk
        distinct = list(dict.fromkeys(_texts(chunk.prepared())))
        if self.memory is not None:
            ask = [t for t in distinct if t not in pending_units]
            chunk.known = self.memory.get_many(backend.cache_key, ask) if ask else {}
            chunk.todo = [t for t in ask if t not in chunk.known]
            for t in chunk.todo:
                pending_units[t] = pending_units.get(t, 0) + 1
        else:
            chunk.todo = distinct
        chunk.handle = backend.submit(chunk.todo) if chunk.todo else []
        return chunk

    @staticmethod
    def _in_flight(inflight: deque, doc_id: str) -> bool:
        """True when a document with this id is in a chunk not yet committed."""
        return any(w.id == doc_id for c in inflight for w, _ in c.entries)

    def _settled(self, row, work: _Work) -> bool:
        """True when a document needs nothing this run: done with the same input, or failed and not retried."""
        same = row.checksum == work.checksum
        if row.status == "done" and same and row.output:
            return (self.outdir / row.output).is_file()
        if row.status == "failed" and same:
            return not self.cfg.retry_failed
        return False

    def _translations(
        self, backend: Backend, chunk: _Chunk, pending_units: dict[str, int]
    ) -> dict[str, SegmentResult]:
        """Every translation a chunk needs: its own new ones, then the memory (earlier chunks have finished)."""
        try:
            fresh = backend.result(chunk.handle) if chunk.todo else []
        finally:
            for t in chunk.todo:
                if self.memory is not None:
                    left = pending_units.pop(t, 1) - 1
                    if left > 0:
                        pending_units[t] = left
        table = dict(chunk.known)
        table.update(zip(chunk.todo, fresh, strict=True))
        if self.memory is not None and chunk.todo:
            self.memory.put_many(backend.cache_key, dict(zip(chunk.todo, fresh, strict=True)))
        return table

    def _lookup(self, backend: Backend, texts: list[str], table: dict[str, SegmentResult]) -> set[str]:
        """Complete `table` for `texts` from the memory, then by translating what is still missing; memory hits."""
        missing = [t for t in dict.fromkeys(texts) if t not in table]
        hits: set[str] = set()
        if missing and self.memory is not None:
            found = self.memory.get_many(backend.cache_key, missing)
            table.update(found)
            hits = set(found)
            missing = [t for t in missing if t not in found]
        if missing:
            fresh = backend.result(backend.submit(missing))
            table.update(zip(missing, fresh, strict=True))
            if self.memory is not None:
                self.memory.put_many(backend.cache_key, dict(zip(missing, fresh, strict=True)))
        return hits

    def _finish(self, ledger, backend, run, progress, chunk: _Chunk, pending_units: dict[str, int]) -> None:
        """Collect a chunk's translations, write its outputs, then commit its rows."""
        outcomes: list[Outcome] = []
        for work, settled in chunk.entries:
            if work.prepared is None and not settled:
                outcomes.append(Outcome(work.id, "failed", work.checksum, error=work.error))
        todo = [w.prepared for w, settled in chunk.entries if w.prepared is not None and not settled]
        if todo:
            good: list[Prepared] = []
            try:
                table = self._translations(backend, chunk, pending_units)
                hits = set(chunk.known) | self._lookup(backend, _texts(chunk.prepared()), table)
                _fill(todo, table)
                good = todo
            except Exception:  # noqa: BLE001 - isolate the document that breaks the chunk
                table, hits = {}, set()
                for p in todo:
                    try:
                        hits |= self._lookup(backend, _texts([p]), table)
                        _fill([p], table)
                        good.append(p)
                    except Exception as one:  # noqa: BLE001 - recorded as this document's failure
                        outcomes.append(
                            Outcome(p.id, "failed", p.checksum, error=f"translation failed: {one}")
                        )
            written: set[str] = set()
            for p in good:
                outcomes.append(self._write(ledger, p, hits, written))
        elif chunk.todo:
            self._translations(backend, chunk, pending_units)
        for o in outcomes:
            if o.status == "failed":
                self._say(f"failed: {o.id}: {o.error}")
        self.summary.skipped += sum(1 for _, settled in chunk.entries if settled)
        if not outcomes:
            return
        ledger.commit(outcomes, run)
        done = sum(o.status == "done" for o in outcomes)
        self.summary.translated += done
        self.summary.failed += len(outcomes) - done
        segs = sum(o.segments for o in outcomes)
        hits_n = sum(o.tm_hits for o in outcomes)
        self.summary.segments += segs
        self.summary.tm_hits += hits_n
        progress.update(len(outcomes), len(outcomes) - done, segs, hits_n)

    def _write(self, ledger: Ledger, p: Prepared, found: set[str], written: set[str]) -> Outcome:
        """Write one document's output (and side outputs) atomically; the outcome to commit."""
        rel = p.rel.as_posix()
        segs = [s for s in p.document.segments() if s.translate]
        hits = sum(1 for s in segs if s.source in found)
        owner = ledger.output_owner(rel)
        if rel in written or (owner is not None and owner != p.id):
            why = f"output {rel} is already the output of document {owner or 'in this chunk'}"
            return Outcome(p.id, "failed", p.checksum, error=f"{why}; rename one of them")
        try:
            write_atomic(self.outdir, p.rel, p.render())
            for kind in self.cfg.side:
                write_atomic(
                    self.outdir, p.rel.with_name(p.rel.name + f".bitext.{kind}"), self._side(kind, p)
                )
        except UnsafePath as exc:
            return Outcome(p.id, "failed", p.checksum, error=str(exc))
        except OSError as exc:
            reason = _os_reason(exc)
            return Outcome(p.id, "failed", p.checksum, error=f"cannot write {rel}: {reason}")
        written.add(rel)
        return Outcome(p.id, "done", p.checksum, output=rel, segments=len(segs), tm_hits=hits)

    def _side(self, kind: str, p: Prepared) -> bytes:
        """A side output of one document: JSONL (its segments with scores and flags) or TMX."""
        from toolkit import writers

        kw = {
            "source_lang": self.cfg.source_lang,
            "target_lang": self.cfg.target_lang,
            "model": self.model_name,
        }
        if kind == "jsonl":
            return writers.to_jsonl([p.document], **kw).encode("utf-8")
        return writers.to_tmx([p.document], **kw)


def _os_reason(exc: OSError) -> str:
    """A short reason for a write error, naming disk-full and size-limit cases plainly."""
    if exc.errno == errno.ENOSPC:
        return "no space left on the device (disk full)"
    if exc.errno == errno.EFBIG:
        return "file too large for the file-size limit or file system"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied ({exc.strerror})"
    return exc.strerror or str(exc)
