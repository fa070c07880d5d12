"""`bitext batch run|status` end to end, as real processes on the real transliteration model and real SQLite."""

from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
import zipfile
from pathlib import Path


def _run(kit, store, src: Path, out: Path, *extra: str, ok: bool = True):
    r = kit.bitext(store, *kit.run_args(src, out, "--chunk-docs", "2", *extra))
    if ok:
        assert r.returncode == 0, r.stderr
    return r


def test_every_input_kind_gives_the_same_bytes(kit, tmp_path, translit_store, small_corpus, reference_out):
    ref = kit.tree(reference_out)
    assert len(ref) == 24
    assert any(k.endswith(".html") for k in ref)
    files = sorted(p for p in small_corpus.rglob("*") if p.is_file())
    zpath = tmp_path / "in.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in files:
            zf.write(p, p.relative_to(small_corpus).as_posix())
    tpath = tmp_path / "in.tar.gz"
    with tarfile.open(tpath, "w:gz") as tf:
        for p in files:
            tf.add(p, p.relative_to(small_corpus).as_posix())
    for src in (zpath, tpath):
        out = tmp_path / f"out-{src.name}"
        _run(kit, translit_store, src, out)
        assert kit.tree(out) == ref, src
    jpath = tmp_path / "in.jsonl"
    with jpath.open("w", encoding="utf-8") as fh:
        for p in files:
            rel = p.relative_to(small_corpus).as_posix()
            fh.write(
                json.dumps({"path": rel, "body": p.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n"
            )
    out = tmp_path / "out-jsonl"
    _run(kit, translit_store, jpath, out, "--id-field", "path", "--text-field", "body")
    assert kit.tree(out) == ref


def test_outputs_translate_text_and_keep_html_markup(kit, reference_out, small_corpus):
    ref = kit.tree(reference_out)
    html_name = next(k for k in ref if k.endswith(".html"))
    src = (small_corpus / html_name).read_text(encoding="utf-8")
    out = ref[html_name].decode("utf-8")
    script = src[src.index("<script>") :]
    assert out.endswith(script)  # script untouched, byte for byte
    assert out.startswith('<html><body><h1 class="t">') and "</h1><p>" in out and "<b>" in out
    body = out[: out.index("<script>")]
    assert not any(
        "\u0600" <= c <= "\u06ff" and c.isalpha() for c in body
    )  # every Arabic word transliterated
    txt = next(k for k in ref if k.endswith(".txt"))
    text = ref[txt].decode("utf-8")
    assert text.count("\n\n") == 1 and text.isascii()


def test_resume_skips_finished_and_retranslates_changed(
    kit, tmp_path, translit_store, small_corpus, reference_out
):
    src = tmp_path / "in"
    shutil.copytree(small_corpus, src)
    out = tmp_path / "out"
    shutil.copytree(reference_out, out)  # a finished job
    r = _run(kit, translit_store, src, out)
    assert "this run 0 translated, 0 failed, 24 already done" in r.stderr
    changed = src / "part1" / "doc0001.txt"
    changed.write_text("بغداد\n", encoding="utf-8")
    r = _run(kit, translit_store, src, out)
    assert "this run 1 translated, 0 failed, 23 already done" in r.stderr
    new = (out / "part1" / "doc0001.txt").read_text(encoding="utf-8")
    assert new.endswith("dad\n") and new.isascii()  # بغداد → baghdad (beghdad in some batches)
    assert len(kit.ledger_rows(out)) == 24
    (out / "part2" / "doc0002.txt").unlink()  # an output deleted by hand is written again
    r = _run(kit, translit_store, src, out)
    assert "this run 1 translated" in r.stderr
    assert (out / "part2" / "doc0002.txt").read_bytes() == (
        reference_out / "part2" / "doc0002.txt"
    ).read_bytes()


def test_bad_documents_fail_alone_with_reasons(kit, tmp_path, translit_store):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("بغداد\n", encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "junk.bin").write_bytes(bytes(range(256)) * 4)
    (src / "latin1.txt").write_bytes("caf\xe9 بغداد".encode()[:0] + b"caf\xe9\n")
    (src / "zz.txt").write_text("كيم\n", encoding="utf-8")
    out = tmp_path / "out"
    r = _run(kit, translit_store, src, out, ok=False)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    rows = {i: (s, e) for i, s, e in kit.ledger_rows(out)}
    assert rows["good.txt"] == ("done", None) and rows["zz.txt"] == ("done", None)
    assert rows["empty.txt"][0] == "failed" and "empty file" in rows["empty.txt"][1]
    assert rows["junk.bin"][0] == "failed" and "binary data" in rows["junk.bin"][1]
    assert rows["latin1.txt"][0] == "failed" and "invalid UTF-8 at byte 3" in rows["latin1.txt"][1]
    for name in ("empty.txt", "junk.bin", "latin1.txt"):
        assert f"failed: {name}: {rows[name][1]}" in r.stderr
    got = kit.tree(out)
    assert (
        sorted(got) == ["good.txt", "zz.txt"]
        and got["zz.txt"] == b"kim\n"
        and got["good.txt"].endswith(b"dad\n")
    )
    st = kit.bitext(translit_store, "batch", "status", str(out), "--json")
    status = json.loads(st.stdout)
    assert (status["done"], status["failed"], status["pending"], status["state"]) == (2, 3, 0, "finished")
    assert {f["id"] for f in status["failures"]} == {"empty.txt", "junk.bin", "latin1.txt"}
    text = kit.bitext(translit_store, "batch", "status", str(out)).stdout
    assert "5 total: 2 done, 0 pending, 3 failed" in text and "latin1.txt: invalid UTF-8" in text
    assert "docs/s" in text
    # failures stay failed on a plain rerun; --retry-failed retries them (fixed input → done)
    (src / "latin1.txt").write_text("بوتين\n", encoding="utf-8")
    r = _run(kit, translit_store, src, out, ok=False)
    assert "this run 1 translated, 0 failed, 4 already done" in r.stderr  # changed input: retried anyway
    r = _run(kit, translit_store, src, out, "--retry-failed", ok=False)
    assert "this run 0 translated, 2 failed, 3 already done" in r.stderr
    assert len(kit.ledger_rows(out)) == 5


def test_corrupt_zip_member_and_slip_attempts_never_escape(kit, tmp_path, translit_store):
    outside = tmp_path / "outside"
    outside.mkdir()
    zpath = tmp_path / "evil.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("good.txt", "بغداد\n")
        zf.writestr("../evil.txt", "x\n")
        zf.writestr("/tmp/abs-evil.txt", "x\n")
        zf.writestr("a/../../evil2.txt", "x\n")
        zf.writestr("broken.txt", "كيم " * 50)
    raw = bytearray(zpath.read_bytes())
    with zipfile.ZipFile(zpath) as zf:
        info = zf.getinfo("broken.txt")
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    raw[at] ^= 0xFF
    zpath.write_bytes(bytes(raw))
    out = tmp_path / "out"
    r = _run(kit, translit_store, zpath, out, ok=False)
    rows = {i: (s, e) for i, s, e in kit.ledger_rows(out)}
    assert rows["good.txt"] == ("done", None)
    for bad in ("../evil.txt", "/tmp/abs-evil.txt", "a/../../evil2.txt"):
        assert rows[bad][0] == "failed" and "outside the output folder" in rows[bad][1]
    assert rows["broken.txt"][0] == "failed" and "corrupt zip member" in rows["broken.txt"][1]
    assert "failed: broken.txt: corrupt zip member" in r.stderr
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "evil2.txt").exists()
    assert not Path("/tmp/abs-evil.txt").exists()
    assert list(kit.tree(out)) == ["good.txt"]

    # tar-slip through a link: a symlink member, then a file "through" it
    tpath = tmp_path / "evil.tar"
    with tarfile.open(tpath, "w") as tf:
        link = tarfile.TarInfo("lnk")
        link.type, link.linkname = tarfile.SYMTYPE, str(outside)
        tf.addfile(link)
        for name in ("lnk/pwn.txt", "ok.txt"):
            data = "بغداد\n".encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    out2 = tmp_path / "out2"
    _run(kit, translit_store, tpath, out2, ok=False)
    rows = {i: (s, e) for i, s, e in kit.ledger_rows(out2)}
    assert rows["lnk"][0] == "failed" and "symlink" in rows["lnk"][1]
    assert rows["lnk/pwn.txt"][0] == "done"  # a real folder "lnk" inside OUTDIR, never the link target
    assert list(outside.iterdir()) == []
    assert (out2 / "lnk").is_dir() and not (out2 / "lnk").is_symlink()


def test_shared_memory_serves_a_second_job(kit, tmp_path, translit_store, small_corpus, reference_out):
    mem = tmp_path / "tm"
    r1 = _run(kit, translit_store, small_corpus, tmp_path / "a", "--memory", str(mem))
    r2 = _run(kit, translit_store, small_corpus, tmp_path / "b", "--memory", str(mem))
    assert (mem / "memory.sqlite").is_file()
    line = next(s for s in r2.stderr.splitlines() if "this run" in s)
    hits, total = line.split("TM hits ")[1].split(" ")[0].split("/")
    assert hits == total and int(total) > 0
    assert "TM hits 0/" not in r1.stderr or "TM hits" in r1.stderr
    assert kit.tree(tmp_path / "a") == kit.tree(tmp_path / "b") == kit.tree(reference_out)


def test_side_outputs_and_jsonl_naming(kit, tmp_path, translit_store):
    jpath = tmp_path / "dump.jsonl"
    jpath.write_text(
        json.dumps({"id": "article-1", "text": "بغداد. كيم\n"}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "page", "text": "<p>بوتين</p>"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    _run(kit, translit_store, jpath, out, "--side", "jsonl", "--side", "tmx")
    assert re.fullmatch(r"b[a-z]+dad\. kim\n", (out / "article-1.txt").read_text(encoding="utf-8"))
    assert re.fullmatch(r"<p>[a-z]+</p>", (out / "page.html").read_text(encoding="utf-8"))
    rec = json.loads((out / "article-1.txt.bitext.jsonl").read_text(encoding="utf-8"))
    segs = rec["paragraphs"][0]["segments"]
    assert [s["target"][-4:] for s in segs] == ["dad.", "kim"] and all(s["score"] is not None for s in segs)
    assert b"<tu" in (out / "page.html.bitext.tmx").read_bytes()


def test_progress_lines_when_not_a_terminal_and_bar_when_asked(kit, tmp_path, translit_store, small_corpus):
    r = kit.bitext(
        translit_store,
        "batch",
        "run",
        str(small_corpus),
        "-o",
        str(tmp_path / "o1"),
        "-s",
        "ar",
        "-t",
        "en",
        "--chunk-docs",
        "4",
        "--progress-every",
        "0",
    )
    assert r.returncode == 0, r.stderr
    lines = [s for s in r.stderr.splitlines() if "/24 documents" in s]
    assert lines and "docs/s" in lines[-1] and "ETA" in lines[-1] and "TM hits" in lines[-1]
    r = kit.bitext(
        translit_store,
        "batch",
        "run",
        str(small_corpus),
        "-o",
        str(tmp_path / "o2"),
        "-s",
        "ar",
        "-t",
        "en",
        "--progress",
    )
    assert "24/24 [" in r.stderr and "sent/s" in r.stderr and "doc/s" in r.stderr  # tqdm bar


def test_other_model_or_pair_on_same_outdir_is_refused(
    kit, tmp_path, translit_store, small_corpus, reference_out
):
    out = tmp_path / "out"
    shutil.copytree(reference_out, out)
    r = kit.bitext(translit_store, "batch", "run", str(small_corpus), "-o", str(out), "-t", "en", "-s", "fa")
    assert r.returncode != 0
    assert r.stderr.strip().splitlines()[-1].startswith("Error: ")
