"""`bitext review` as a user runs it: serve from a real process, restart, and one-line errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.review.server import allowed_hosts

ROOT = Path(__file__).resolve().parents[2]


def _start(args: list[str], cwd: Path) -> tuple[subprocess.Popen, str]:
    """Run `bitext review ARGS` and return the process and the URL it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "review", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 30
    line = proc.stdout.readline()
    while "Review at" not in line:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"no URL printed: {line!r} {proc.stderr.read()}")
        line = proc.stdout.readline()
    return proc, line.split()[2]


def _stop(proc: subprocess.Popen) -> str:
    """Stop the server as Ctrl+C would; return what it wrote to stderr."""
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 0, err
    return err


def test_serve_restart_keeps_decisions(kim_files):
    src, tgt, beads = kim_files
    proc, url = _start([src.name, tgt.name, beads.name], cwd=src.parent)
    try:
        assert url.startswith("http://127.0.0.1:")
        page = requests.get(url, timeout=10)
        assert page.status_code == 200 and 'lang="ar" dir="rtl"' in page.text
        token = page.text.split('name="bitext-token" content="')[1].split('"')[0]
        resp = requests.post(
            url + "items/1/status",
            json={"version": 1, "status": "approved"},
            headers={"X-Bitext-Token": token, "Origin": url.rstrip("/")},
            timeout=10,
        )
        assert resp.status_code == 200
    finally:
        err = _stop(proc)
    assert "new review file" in err and "Traceback" not in err
    assert (src.parent / "kim.beads.review.sqlite").is_file()

    proc, url2 = _start([src.name, tgt.name, beads.name, "--port", "0"], cwd=src.parent)
    try:
        page = requests.get(url2, timeout=10, params={"status": "approved"})
        assert page.text.count('class="pair status-approved"') == 1
    finally:
        err = _stop(proc)
    assert "1 approved" in err and "new review file" not in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"src": "a", "tgt": "b"}\nnot json\n', "bad.jsonl:2: not valid JSON"),
        ("", "bad.jsonl: no pairs to review"),
    ],
)
def test_bad_input_is_one_line_error(tmp_path, content, expected):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(bad)])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and expected in lines[0]
    assert not (tmp_path / "bad.jsonl.review.sqlite").exists()


def test_usage_errors(tmp_path):
    runner = CliRunner()
    two = runner.invoke(main, ["review", str(tmp_path / "a"), str(tmp_path / "b")])
    assert two.exit_code != 0 and "one PAIRS file" in two.output
    stdin = runner.invoke(main, ["review", "-"], input="{}")
    assert stdin.exit_code != 0 and "needs --review-file" in stdin.output
    assert runner.invoke(main, ["review", "--help"]).exit_code == 0


def test_only_known_hosts_are_allowed():
    assert allowed_hosts("127.0.0.1", 8080) == {"127.0.0.1:8080", "localhost:8080", "[::1]:8080"}
    assert allowed_hosts("192.168.1.5", 80) == {"192.168.1.5:80"}
    assert allowed_hosts("0.0.0.0", 80) is None
