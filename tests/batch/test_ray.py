"""The same job on a real local Ray cluster (127.0.0.1): same bytes, same ledger, resumable across modes."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_address():
    """A Ray head started in this test process on 127.0.0.1 with 2 CPUs; jobs join it by address."""
    ray = pytest.importorskip("ray")
    ctx = ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
    )
    try:
        yield ctx.address_info["gcs_address"]
    finally:
        ray.shutdown()


def _finished(out) -> int:
    path = out / ".bitext" / "ledger.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM documents WHERE status = 'done'").fetchone()[0]
    except sqlite3.Error:
        return 0


def _complete_run(kit, store, src, out, reference_out, *extra: str) -> None:
    """Run (or resume) the job in 2-document chunks; it must end with the reference bytes and 24 done rows."""
    r = subprocess.run(
        kit.batch_cmd(store, src, out, "--chunk-docs", "2", *extra),
        capture_output=True,
        text=True,
        cwd=kit.ROOT,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert kit.tree(out) == kit.tree(reference_out)
    rows = kit.ledger_rows(out)
    assert len(rows) == 24 and all(s == "done" for _, s, _ in rows)


def test_ray_job_is_byte_identical_to_local(
    kit, tmp_path, translit_store, small_corpus, reference_out, ray_address
):
    out = tmp_path / "out"
    _complete_run(
        kit, translit_store, small_corpus, out, reference_out, "--ray", ray_address, "--ray-actors", "2"
    )
    st = kit.bitext(translit_store, "batch", "status", str(out), "--json")
    assert '"state": "finished"' in st.stdout


def test_ray_job_killed_then_resumed_locally(
    kit, tmp_path, translit_store, small_corpus, reference_out, ray_address
):
    """SIGKILL the Ray driver mid-job, resume without Ray: the ledger semantics are the same, so are the bytes."""
    out = tmp_path / "out"
    cmd = kit.batch_cmd(translit_store, small_corpus, out, "--chunk-docs", "2", "--ray", ray_address)
    p = subprocess.Popen(cmd, cwd=kit.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while p.poll() is None and _finished(out) < 4:
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL)
    p.communicate()
    assert _finished(out) < 24, "the job ended before it could be killed"
    _complete_run(kit, translit_store, small_corpus, out, reference_out)
