"""Segment-level sufficient statistics through sacrebleu's own metric code, once per distinct segment, on all cores.

The reference statistics are computed once per metric in the parent process (sacrebleu's reference cache)
and reach the worker processes by fork, never recomputed. Hypothesis segments that several systems share
at the same line are scored once. Each statistic is exactly what ``Metric._extract_corpus_statistics``
would give: ``_compute_segment_statistics(_preprocess_segment(hyp), ref_cache[i])``.

An optional on-disk cache keeps each system's statistics under a digest of the metric configuration
(signature, options, sacrebleu version), the references (in order) and the hypotheses, so that scoring and
then comparing the same files, or comparing again with another baseline, extracts nothing twice.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import sacrebleu
from sacrebleu.metrics.base import Metric

from eval.metrics import MetricOptions, build_metric, metric_kind

# Metric objects handed to forked workers by the pool initializer (per worker process, set once).
_WORKER_METRICS: dict[str, Metric] = {}


@dataclass
class MetricStats:
    """One metric's sacrebleu object and every system's segment statistics (rows = segments)."""

    key: str
    metric: Metric
    per_system: list[np.ndarray]

    def corpus_score(self, system: int):
        """sacrebleu's corpus Score object for one system, aggregated exactly as sacrebleu does."""
        return self.score_rows(self.per_system[system])

    def score_rows(self, rows: np.ndarray):
        """sacrebleu's Score of the summed statistics of some segments (integer sums are exact in numpy;
        float statistics, TER's, are summed in sacrebleu's own order)."""
        if np.issubdtype(rows.dtype, np.integer):
            return self.metric._compute_score_from_stats(rows.sum(0).tolist())
        return self.metric._aggregate_and_compute(rows.tolist())


@dataclass
class StatsCache:
    """A folder of .npy statistics files named by content digests; writes are atomic."""

    root: Path

    def path(self, digest: str) -> Path:
        """Where the statistics with this digest live."""
        return self.root / digest[:2] / f"{digest}.npy"

    def load(self, digest: str) -> np.ndarray | None:
        """Cached statistics, or None (a damaged file counts as missing)."""
        try:
            return np.load(self.path(digest), allow_pickle=False)
        except (OSError, ValueError):
            return None

    def save(self, digest: str, arr: np.ndarray) -> None:
        """Store statistics atomically (temp file + rename); a read-only cache is skipped silently."""
        target = self.path(digest)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, arr, allow_pickle=False)
            os.replace(tmp, target)
        except OSError:
            return


def digest_lines(lines: Sequence[str]) -> str:
    """A digest of a line list (order and content)."""
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8", "surrogatepass"))
        h.update(b"\n")
    h.update(str(len(lines)).encode())
    return h.hexdigest()


def _config_digest(key: str, opts: MetricOptions, ref_digests: Sequence[str]) -> str:
    """A digest of everything other than the hypotheses that determines a metric's statistics."""
    fields = asdict(opts)
    fields["metrics"] = None
    payload = json.dumps(
        {"key": key, "opts": fields, "refs": list(ref_digests), "sacrebleu": sacrebleu.__version__, "fmt": 1},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _init_worker(metrics: dict[str, Metric]) -> None:
    """Pool initializer: keep the (forked, not pickled) metric objects for this worker."""
    _WORKER_METRICS.clear()
    _WORKER_METRICS.update(metrics)


def _segment_stats(task: tuple[str, list[tuple[int, str]]]) -> list[list]:
    """Statistics of a chunk of (line index, hypothesis) items for one metric."""
    key, items = task
    metric = _WORKER_METRICS[key]
    return [_one(metric, i, hyp) for i, hyp in items]


def _one(metric: Metric, index: int, hyp: str) -> list:
    """sacrebleu's statistics of one hypothesis segment against the cached references of its line."""
    return metric._compute_segment_statistics(metric._preprocess_segment(hyp), metric._ref_cache[index])


def default_jobs() -> int:
    """Worker processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def compute_statistics(
    keys: Sequence[str],
    opts: MetricOptions,
    systems: Sequence[Sequence[str]],
    references: Sequence[Sequence[str]],
    *,
    jobs: int | None = None,
    cache: StatsCache | None = None,
) -> dict[str, MetricStats]:
    """Per metric, per system, per segment sufficient statistics (references processed once per metric)."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    ref_digests = [digest_lines(r) for r in references]
    hyp_digests = [digest_lines(h) for h in systems]
    metrics: dict[str, Metric] = {}
    found: dict[str, list[np.ndarray | None]] = {}
    digests: dict[str, list[str]] = {}
    for key in keys:
        conf = _config_digest(key, opts, ref_digests)
        digests[key] = [hashlib.sha256((conf + h).encode()).hexdigest() for h in hyp_digests]
        found[key] = [cache.load(d) if cache else None for d in digests[key]]
        missing = any(f is None or len(f) != len(references[0]) for f in found[key])
        metric = build_metric(key, opts, references if missing else None)
        if not missing:
            metric.num_refs = len(references)
        metrics[key] = metric
    todo = {
        key: [s for s, f in enumerate(found[key]) if f is None or len(f) != len(references[0])]
        for key in keys
    }
    computed = _extract({k: metrics[k] for k in keys if todo[k]}, todo, systems, jobs)
    out = {}
    for key in keys:
        arrays = list(found[key])
        for s, rows in computed.get(key, {}).items():
            dtype = np.float64 if metric_kind(key) == "ter" else np.int64
            arrays[s] = np.asarray(rows, dtype=dtype).reshape(len(rows), -1)
            if cache:
                cache.save(digests[key][s], arrays[s])
        out[key] = MetricStats(key, metrics[key], arrays)
    return out


def _extract(
    metrics: dict[str, Metric], todo: dict[str, list[int]], systems: Sequence[Sequence[str]], jobs: int
) -> dict[str, dict[int, list[list]]]:
    """Statistics of the listed systems for each metric, each distinct (line, hypothesis) once."""
    if not metrics:
        return {}
    index: dict[tuple[int, str], int] = {}
    items: list[tuple[int, str]] = []
    where: dict[int, list[int]] = {}
    for s in sorted({s for key in metrics for s in todo[key]}):
        pos = []
        for i, hyp in enumerate(systems[s]):
            k = index.setdefault((i, hyp), len(items))
            if k == len(items):
                items.append((i, hyp))
            pos.append(k)
        where[s] = pos
    if jobs == 1 or len(items) * len(metrics) < 256:
        results = {key: [_one(m, i, h) for i, h in items] for key, m in metrics.items()}
    else:
        results = _parallel(metrics, items, jobs)
    return {key: {s: [results[key][k] for k in where[s]] for s in todo[key]} for key in metrics}


def _parallel(metrics: dict[str, Metric], items: list[tuple[int, str]], jobs: int) -> dict[str, list[list]]:
    """Spread (metric, chunk) tasks over forked workers; interleaved chunks balance long and short lines."""
    n_chunks = jobs * 8
    order = sorted(range(len(items)), key=lambda k: -len(items[k][1]))
    chunks = [order[c::n_chunks] for c in range(n_chunks)]
    tasks, slots = [], []
    for key in sorted(metrics, key=lambda k: metric_kind(k) != "ter"):  # TER (slowest) first: even finish
        for chunk in chunks:
            if chunk:
                tasks.append((key, [items[k] for k in chunk]))
                slots.append((key, chunk))
    out: dict[str, list] = {key: [None] * len(items) for key in metrics}
    with mp.get_context("fork").Pool(jobs, initializer=_init_worker, initargs=(metrics,)) as pool:
        for (key, chunk), stats in zip(slots, pool.imap(_segment_stats, tasks)):
            for k, s in zip(chunk, stats):
                out[key][k] = s
    return out
