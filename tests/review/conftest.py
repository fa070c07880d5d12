"""Fixtures for the review tests: the seed article's pairs, hostile pairs, a live server, headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from toolkit.review.reviewfile import open_review
from toolkit.review.server import ReviewServer, make_review_server
from toolkit.review.store import ReviewStore

DATA = Path(__file__).parent / "data"
# Scores an aligner might give the kim beads: the 1-2 bead (index 2) and the one after it are the worst.
KIM_SCORES = [0.95, 0.9, 0.42, 0.31, 0.88, 0.97, 0.93, 0.75, 0.9, 0.96, 0.85, 0.91]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
    "--lang=en-US",
]


@pytest.fixture
def kim_files(tmp_path) -> list[Path]:
    """SOURCE TARGET BEADS for sentences of the seed article and an English translation, in a tmp dir."""
    out = []
    for name in ("kim.ar.txt", "kim.en.txt", "kim.beads"):
        shutil.copy(DATA / name, tmp_path / name)
        out.append(tmp_path / name)
    return out


def write_align_jsonl(path: Path, scores: list[float] = KIM_SCORES) -> Path:
    """The JSONL `bitext align` writes for the kim beads, with the given scores."""
    src = (DATA / "kim.ar.txt").read_text(encoding="utf-8").splitlines()
    tgt = (DATA / "kim.en.txt").read_text(encoding="utf-8").splitlines()
    lines = []
    for line, score in zip((DATA / "kim.beads").read_text().splitlines(), scores, strict=True):
        s_ids, t_ids = (json.loads(part) for part in line.split(":"))
        rec = {
            "src_ids": s_ids,
            "tgt_ids": t_ids,
            "src": " ".join(src[i] for i in s_ids),
            "tgt": " ".join(tgt[i] for i in t_ids),
            "score": score,
            "type": f"{len(s_ids)}-{len(t_ids)}",
            "src_lang": "ar",
            "tgt_lang": "en",
        }
        lines.append(json.dumps(rec, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def data_dir() -> Path:
    """The folder of review test data (the kim pairs)."""
    return DATA


@pytest.fixture
def align_jsonl_writer() -> Callable[..., Path]:
    """`write_align_jsonl(path, scores)` for tests that rewrite an input."""
    return write_align_jsonl


@pytest.fixture
def hostile_jsonl(tmp_path) -> Path:
    """A translate JSONL of hostile pairs."""
    return write_hostile_jsonl(tmp_path / "hostile.jsonl")


@pytest.fixture
def kim_jsonl(tmp_path) -> Path:
    """An align JSONL of the seed article's pairs."""
    return write_align_jsonl(tmp_path / "kim.align.jsonl")


HOSTILE_TARGET = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><b>bold?</b>'
BIDI_TARGET = "price \u202e01$ 00\u202c and \u2067isolated\u2069 text \u200f"
LONG_TARGET = "word " * 20_000  # 100 KB on one line


def write_hostile_jsonl(path: Path) -> Path:
    """A translate JSONL whose segments carry markup, script, bidi controls and a 100 KB line."""
    segments = [
        ("مرحبا", HOSTILE_TARGET, 0.2),
        ("نص \u202eمقلوب", BIDI_TARGET, 0.4),
        ("طويل", LONG_TARGET, 0.5),
        ("عادي", "plain & simple </textarea><script>x()</script>", 0.9),
    ]
    rec = {
        "id": "../../etc/passwd",
        "source_lang": "ar",
        "target_lang": "en",
        "model": "m",
        "paragraphs": [
            {
                "index": 0,
                "source": "",
                "target": "",
                "separator": "\n",
                "segments": [
                    {
                        "id": f"0.{i}",
                        "source": s,
                        "target": t,
                        "start": 0,
                        "end": 1,
                        "score": -1.0,
                        "confidence": c,
                        "flags": ["untranslated"] if i == 0 else [],
                        "translated": True,
                    }
                    for i, (s, t, c) in enumerate(segments)
                ],
            }
        ],
    }
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def serve() -> Iterator[Callable[[ReviewStore], ReviewServer]]:
    """Start review servers on free 127.0.0.1 ports in threads; all are stopped after the test."""
    running: list[ReviewServer] = []

    def start(store: ReviewStore) -> ReviewServer:
        server = make_review_server(store, "127.0.0.1", 0)
        server.start_thread()
        running.append(server)
        return server

    yield start
    for server in running:
        server.shutdown()


@pytest.fixture
def kim_review(kim_jsonl) -> ReviewStore:
    """A fresh review file of the seed article's pairs."""
    return open_review([kim_jsonl]).store


def _find(name: str, *candidates: str) -> str | None:
    """The first existing executable among `candidates` or on PATH."""
    for c in candidates:
        if Path(c).is_file():
            return c
    return shutil.which(name)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Debian's headless Chromium driven by Selenium; skipped when absent unless BITEXT_REQUIRE_BROWSER=1."""
    chromium = _find("chromium", "/usr/bin/chromium")
    driver_path = _find("chromedriver", "/usr/bin/chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        webdriver = None
    missing = [
        n
        for n, ok in (("chromium", chromium), ("chromedriver", driver_path), ("selenium", webdriver))
        if not ok
    ]
    if missing:
        message = f"browser tests need {', '.join(missing)} (apt-get install chromium chromium-driver; pip install selenium)"
        if os.environ.get("BITEXT_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
