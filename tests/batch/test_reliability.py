"""Crash safety with real processes and real SQLite: SIGKILL at random points, locks, full disks, vanishing input."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from toolkit.batch.lock import holder


def _start(kit, store, src: Path, out: Path, *extra: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        kit.batch_cmd(store, src, out, "--chunk-docs", "2", *extra),
        cwd=kit.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def _wait_for(cond, timeout: float = 60.0, step: float = 0.02) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(step)


def _done_count(out: Path) -> int:
    import sqlite3

    path = out / ".bitext" / "ledger.sqlite"
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM documents WHERE status != 'pending'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def _check_complete(kit, out: Path, reference: Path, n_docs: int) -> None:
    rows = kit.ledger_rows(out)
    assert len(rows) == n_docs and len({r[0] for r in rows}) == n_docs
    assert all(status == "done" for _, status, _ in rows), rows
    assert kit.tree(out) == kit.tree(reference)
    assert list((out / ".bitext" / "tmp").iterdir()) == []


def _kill_trial(kit, store, src: Path, reference: Path, tmp: Path, seed: int, n_docs: int) -> list[float]:
    """Kill the job once or twice at seeded random instants, then let a last run finish; check the result."""
    rnd = random.Random(seed)
    out = tmp / f"out-{seed}"
    kills = []
    for _ in range(rnd.choice((1, 2))):
        p = _start(kit, store, src, out)
        at = rnd.uniform(0.05, 3.0)
        try:
            p.wait(timeout=at)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills.append(round(at, 2))
        p.communicate()
    p = _start(kit, store, src, out)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    _check_complete(kit, out, reference, n_docs)
    return kills


def test_sigkill_then_resume_is_byte_identical(kit, tmp_path, translit_store, small_corpus, reference_out):
    """Two seeded trials in the default suite (the slow suite runs twelve more)."""
    for seed in (101, 202):
        _kill_trial(kit, translit_store, small_corpus, reference_out, tmp_path, seed, 24)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12))
def test_sigkill_at_random_points_many_trials(
    kit, tmp_path, translit_store, small_corpus, reference_out, seed
):
    kills = _kill_trial(kit, translit_store, small_corpus, reference_out, tmp_path, seed, 24)
    assert len(kills) <= 2


def test_second_job_on_the_same_outdir_refuses(kit, tmp_path, translit_store, small_corpus, reference_out):
    out = tmp_path / "out"
    first = _start(kit, translit_store, small_corpus, out, "--chunk-docs", "1")
    try:
        _wait_for(lambda: holder(out / ".bitext" / "lock") is not None or first.poll() is not None)
        _wait_for(lambda: _done_count(out) >= 1 or first.poll() is not None)
        assert first.poll() is None, "the first job ended before the second could start"
        first.send_signal(signal.SIGSTOP)  # hold it mid-job (lock taken) while the second job and status run
        r = kit.bitext(
            translit_store, "batch", "run", str(small_corpus), "-o", str(out), "-s", "ar", "-t", "en"
        )
        assert r.returncode != 0
        last = r.stderr.strip().splitlines()[-1]
        assert last.startswith("Error: ") and f"another bitext batch job (pid {first.pid})" in last
        st = kit.bitext(translit_store, "batch", "status", str(out))
        assert f"running (pid {first.pid})" in st.stdout
    finally:
        first.send_signal(signal.SIGCONT)
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    rows = kit.ledger_rows(out)
    assert len(rows) == 24 and all(s == "done" for _, s, _ in rows)


def _make_readonly(path: Path) -> str | None:
    """Make a folder unwritable even for root: chmod when not root, else chattr +i, else a read-only tmpfs."""
    if os.geteuid() != 0:
        path.chmod(0o555)
        return "chmod"
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0:
        return "chattr"
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(path)], capture_output=True
        ).returncode
        == 0
    ):
        return "mount"
    return None


def _undo_readonly(path: Path, how: str) -> None:
    """Undo _make_readonly."""
    if how == "chattr":
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    elif how == "mount":
        subprocess.run(["umount", str(path)], capture_output=True)
    path.chmod(0o755)


def test_output_folder_not_writable(kit, tmp_path, translit_store, small_corpus):
    out = tmp_path / "out"
    out.mkdir()
    how = _make_readonly(out)
    if how is None:
        pytest.skip("no way to make a folder read-only for root here (chattr +i and mount -o ro both failed)")
    try:
        r = kit.bitext(
            translit_store, "batch", "run", str(small_corpus), "-o", str(out), "-s", "ar", "-t", "en"
        )
    finally:
        _undo_readonly(out, how)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith(f"Error: {out}: output folder is not writable")
    assert list(out.iterdir()) == []


def test_disk_full_fails_that_document_only(kit, tmp_path, translit_store):
    """A file-size limit (RLIMIT_FSIZE) in the job: the big output fails with a reason, the rest is written."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("بغداد\n", encoding="utf-8")
    (src / "big.txt").write_text(
        "1234567890 " * 40_000 + "\n", encoding="utf-8"
    )  # 440 kB of digits: passes through
    (src / "c.txt").write_text("كيم\n", encoding="utf-8")
    limit = 300_000

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = tmp_path / "out"
    p = subprocess.run(
        kit.batch_cmd(translit_store, src, out, "--chunk-docs", "1"),
        capture_output=True,
        text=True,
        cwd=kit.ROOT,
        preexec_fn=limited,
        timeout=120,
    )
    assert p.returncode == 1 and "Traceback" not in p.stderr
    rows = {i: (s, e) for i, s, e in kit.ledger_rows(out)}
    assert rows["a.txt"][0] == rows["c.txt"][0] == "done"
    assert rows["big.txt"][0] == "failed" and "cannot write big.txt: file too large" in rows["big.txt"][1]
    assert "failed: big.txt: cannot write big.txt: file too large" in p.stderr
    assert sorted(kit.tree(out)) == ["a.txt", "c.txt"]
    assert list((out / ".bitext" / "tmp").iterdir()) == []
    # with room again, --retry-failed completes the job
    r = kit.bitext(
        translit_store, *kit.run_args(src, out, "--retry-failed", "--chunk-docs", "1", quiet=False)
    )
    assert r.returncode == 0, r.stderr
    assert (out / "big.txt").read_bytes() == (src / "big.txt").read_bytes()


def test_input_disappearing_mid_job(kit, tmp_path, translit_store, shared):
    src = kit.make_corpus(tmp_path / "in", shared, 30, seed=9, words=8)
    last = sorted(p for p in src.rglob("*.txt"))[-1]
    gone = last.relative_to(src).as_posix()
    out = tmp_path / "out"
    p = subprocess.Popen(
        kit.batch_cmd(translit_store, src, out, "--chunk-docs", "1"),
        cwd=kit.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: _done_count(out) >= 1 or p.poll() is not None)
    last.unlink()
    _, err = p.communicate(timeout=300)
    assert p.returncode == 1
    rows = {i: (s, e) for i, s, e in kit.ledger_rows(out)}
    assert len(rows) == 30
    assert rows[gone][0] == "failed" and "input disappeared" in rows[gone][1]
    assert f"failed: {gone}: input disappeared" in err
    assert sum(s == "done" for s, _ in rows.values()) == 29


def test_killed_job_releases_its_lock(kit, tmp_path, translit_store, small_corpus):
    out = tmp_path / "out"
    p = _start(kit, translit_store, small_corpus, out)
    _wait_for(lambda: _done_count(out) >= 1 or p.poll() is not None)
    p.send_signal(signal.SIGKILL)
    p.communicate()
    assert holder(out / ".bitext" / "lock") is None
    st = kit.bitext(translit_store, "batch", "status", str(out))
    assert "state:    interrupted" in st.stdout or "state:    finished" in st.stdout
    shutil.rmtree(out)


def test_status_of_a_job_whose_ledger_is_not_yet_created(tmp_path):
    """A job killed (or caught) before its ledger has tables: status reports nothing done, no traceback."""
    import sqlite3

    from toolkit.batch.status import job_status

    state = tmp_path / "out" / ".bitext"
    state.mkdir(parents=True)
    sqlite3.connect(state / "ledger.sqlite").close()  # an empty database file, as a job creates it first
    st = job_status(tmp_path / "out")
    assert (st.pending, st.done, st.failed) == (0, 0, 0) and st.state == "finished"
