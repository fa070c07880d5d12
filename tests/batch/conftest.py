"""Fixtures for batch-job tests: small Arabic corpora, running `bitext batch` as a real process, reading results."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def arabic_lines(shared: Path) -> list[str]:
    """FLORES Arabic dev sentences."""
    return (shared / "data" / "flores" / "arb_Arab.dev").read_text(encoding="utf-8").splitlines()


def make_corpus(
    root: Path, shared: Path, n: int, *, seed: int = 0, words: int = 6, html_every: int = 0
) -> Path:
    """A folder of `n` short Arabic documents (two paragraphs each) in a few subfolders; some HTML if asked."""
    rnd = random.Random(seed)
    lines = arabic_lines(shared)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        a, b, c = (" ".join(rnd.choice(lines).split()[:words]) for _ in range(3))
        sub = root / f"part{i % 3}"
        sub.mkdir(exist_ok=True)
        if html_every and i % html_every == 0:
            (sub / f"doc{i:04d}.html").write_text(
                f'<html><body><h1 class="t">{a}</h1><p>{b}. <b>{c}</b></p><script>var s="{a}";</script></body></html>\n',
                encoding="utf-8",
            )
        else:
            (sub / f"doc{i:04d}.txt").write_text(f"{a}. {b}.\n\n{c}\n", encoding="utf-8")
    return root


def bitext(
    store, *args: str, timeout: float = 120, env: dict | None = None, **kw
) -> subprocess.CompletedProcess:
    """Run `python -m toolkit --models-dir STORE ARGS` as a real process; stdout/stderr captured as text."""
    cmd = [sys.executable, "-m", "toolkit", "--models-dir", str(store.root), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env, **kw)


def run_args(src: Path, out: Path, *extra: str, quiet: bool = True) -> list[str]:
    """The arguments of `bitext batch run SRC -o OUT -s ar -t en` (quiet: --no-progress)."""
    return [
        "batch",
        "run",
        str(src),
        "-o",
        str(out),
        "-s",
        "ar",
        "-t",
        "en",
        *(["--no-progress"] if quiet else []),
        *extra,
    ]


def batch_cmd(store, src: Path, out: Path, *extra: str) -> list[str]:
    """The argv of a `bitext batch run` on the translit model."""
    return [sys.executable, "-m", "toolkit", "--models-dir", str(store.root), *run_args(src, out, *extra)]


def tree(outdir: Path) -> dict[str, bytes]:
    """Every output file under OUTDIR (job state excluded), by relative path."""
    return {
        p.relative_to(outdir).as_posix(): p.read_bytes()
        for p in sorted(outdir.rglob("*"))
        if p.is_file() and ".bitext" not in p.relative_to(outdir).parts
    }


def ledger_rows(outdir: Path) -> list[tuple[str, str, str | None]]:
    """(id, status, error) of every ledger row."""
    db = sqlite3.connect(outdir / ".bitext" / "ledger.sqlite")
    try:
        return list(db.execute("SELECT id, status, error FROM documents ORDER BY seq"))
    finally:
        db.close()


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory, shared) -> Path:
    """24 short text documents in three subfolders."""
    return make_corpus(tmp_path_factory.mktemp("corpus") / "in", shared, 24, seed=3, words=5, html_every=5)


@pytest.fixture(scope="session")
def reference_out(tmp_path_factory, translit_store, small_corpus) -> Path:
    """An uninterrupted run over `small_corpus` (chunks of 2 documents)."""
    out = tmp_path_factory.mktemp("ref") / "out"
    r = subprocess.run(
        batch_cmd(translit_store, small_corpus, out, "--chunk-docs", "2"),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def kit():
    """The helpers above, for test modules (importlib mode cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        bitext=bitext,
        batch_cmd=batch_cmd,
        run_args=run_args,
        tree=tree,
        ledger_rows=ledger_rows,
        make_corpus=make_corpus,
        ROOT=ROOT,
    )
