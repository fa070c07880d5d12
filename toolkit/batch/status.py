"""Where a batch job stands: counts, throughput, ETA and failures, read from its ledger."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from toolkit.batch.ledger import Ledger
from toolkit.batch.lock import holder
from toolkit.batch.paths import STATE_DIR
from toolkit.batch.pipeline import LEDGER_FILE, LOCK_FILE
from toolkit.batch.progress import format_eta
from toolkit.errors import BitextError


@dataclass
class JobStatus:
    """A snapshot of a job, for people (text) and scripts (JSON)."""

    outdir: str
    state: str  # running | interrupted | finished | incomplete
    pid: int | None
    settings: dict
    pending: int
    done: int
    failed: int
    docs_per_s: float | None
    segments_per_s: float | None
    tm_hits: int
    eta_s: float | None
    failures: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        d = asdict(self)
        d["failures"] = [{"id": i, "reason": r} for i, r in self.failures]
        return d

    def lines(self) -> list[str]:
        """The status as text lines."""
        s = self.settings
        pair = f"{s.get('source_lang') or 'auto'}→{s.get('target_lang')}"
        total = self.pending + self.done + self.failed
        state = f"{self.state} (pid {self.pid})" if self.pid else self.state
        out = [
            f"job:      {s.get('input')} → {self.outdir} (model {s.get('model')}, {pair})",
            f"state:    {state}",
            f"documents: {total} total: {self.done} done, {self.pending} pending, {self.failed} failed",
        ]
        if self.docs_per_s is not None:
            out.append(
                f"speed:    {self.docs_per_s:.2f} docs/s, {self.segments_per_s:.1f} segments/s "
                f"(last run), TM hits {self.tm_hits}"
            )
        if self.pending:
            out.append(f"ETA:      {format_eta(self.eta_s) if self.eta_s is not None else '?'}")
        if self.failures:
            out.append("failures:")
            out.extend(f"  {i}: {r}" for i, r in self.failures)
        return out


def job_status(outdir: str | Path, max_failures: int | None = 50) -> JobStatus:
    """Read the ledger of the job in `outdir` (read-only; works while the job runs)."""
    outdir = Path(outdir)
    path = outdir / STATE_DIR / LEDGER_FILE
    if not path.is_file():
        raise BitextError(f"{outdir}: no batch job here (no {STATE_DIR}/{LEDGER_FILE})")
    pid = holder(outdir / STATE_DIR / LOCK_FILE)
    try:
        ledger = Ledger(path, readonly=True)
        try:
            counts = ledger.counts()
            run = ledger.last_run()
            settings = ledger.settings()
            failures = list(ledger.failures(max_failures))
        finally:
            ledger.close()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise BitextError(f"{path}: cannot read the job ledger ({exc}); try again") from None
        # a job that has just started and not yet created its tables: nothing recorded so far
        counts, run, settings, failures = {"pending": 0, "done": 0, "failed": 0}, None, {}, []
    dps = sps = eta = None
    hits = 0
    if run is not None:
        end = time.time() if pid else (run.ended or run.last or run.started)
        elapsed = max(end - run.started, 1e-9)
        finished = run.done + run.failed
        dps, sps, hits = finished / elapsed, run.segments / elapsed, run.tm_hits
        eta = counts["pending"] / dps if dps > 0 else None
    if pid:
        state = "running"
    elif run is not None and run.ended is None:
        state = "interrupted"
    else:
        state = "finished" if counts["pending"] == 0 else "incomplete"
    return JobStatus(
        str(outdir),
        state,
        pid,
        settings,
        counts["pending"],
        counts["done"],
        counts["failed"],
        dps,
        sps,
        hits,
        eta,
        failures,
    )
