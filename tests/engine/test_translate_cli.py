"""`bitext translate` end to end in real processes: layout kept exactly, formats, clear errors on bad input."""

import json
import subprocess
import sys

import pytest
from translate.storage.tmx import tmxfile

SEED = "alqahera/kim-vladivostok.ar.txt"


def bitext(*args, store=None, stdin=None):
    cmd = [sys.executable, "-m", "toolkit"]
    if store is not None:
        cmd += ["--models-dir", str(store.root)]
    return subprocess.run(cmd + list(args), capture_output=True, input=stdin, timeout=300)


@pytest.fixture(scope="module")
def seed_path(shared):
    return shared / "seed" / "000_368e647d4396fd8b.txt"


def test_article_layout_survives_exactly(translit_store, seed_path, tmp_path):
    out = tmp_path / "out.en.txt"
    r = bitext("translate", str(seed_path), "-s", "ar", "-t", "en", "-o", str(out), store=translit_store)
    assert r.returncode == 0, r.stderr.decode()
    src, dst = seed_path.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    src_lines, dst_lines = src.split("\n"), dst.split("\n")
    assert len(dst_lines) == len(src_lines)
    assert sum(1 for line in dst_lines if line.strip()) == 22
    assert sum(1 for line in dst_lines if not line.strip()) == 19
    assert not dst.endswith("\n") and not src.endswith("\n")
    for a, b in zip(src_lines, dst_lines):
        assert len(a) - len(a.lstrip()) == len(b) - len(b.lstrip())  # leading spaces kept
        assert (a.strip() == "") == (b.strip() == "")
    assert "post-title" in dst_lines  # a Latin line in an Arabic document passes through
    assert "kim jong" in dst


def test_detects_source_language_and_reads_stdin(translit_store):
    r = bitext(
        "translate", "-", "-t", "en", store=translit_store, stdin="كيم جونج أون يصل إلى موسكو\n".encode()
    )
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout.decode().startswith("kim jong") and r.stdout.decode().endswith("\n")


def test_jsonl_and_tmx(translit_store, seed_path, tmp_path):
    r = bitext("translate", str(seed_path), "-s", "ar", "-f", "jsonl", store=translit_store)
    assert r.returncode == 0, r.stderr.decode()
    (rec,) = [json.loads(line) for line in r.stdout.decode().splitlines()]
    assert rec["source_lang"] == "ar" and rec["target_lang"] == "en" and rec["model"] == "aren-translit"
    assert len(rec["paragraphs"]) == 22
    seg = rec["paragraphs"][6]["segments"][0]
    assert {"source", "target", "start", "end", "score", "confidence", "flags"} <= set(seg)
    assert 0 < seg["confidence"] <= 1
    tmx_out = tmp_path / "a.tmx"
    r = bitext("translate", str(seed_path), "-s", "ar", "-f", "tmx", "-o", str(tmx_out), store=translit_store)
    assert r.returncode == 0, r.stderr.decode()
    units = tmxfile.parsefile(str(tmx_out)).units
    assert len(units) == sum(len(p["segments"]) for p in rec["paragraphs"]) - 1  # 'post-title' passes through
    assert units[0].source.startswith("الموقع") and units[0].target
    assert b'xml:lang="ar"' in tmx_out.read_bytes() and b'type="x-confidence"' in tmx_out.read_bytes()


def test_several_files_mirror_into_a_folder(translit_store, tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.ar.txt").write_text("بغداد\n", encoding="utf-8")
    (tmp_path / "in" / "sub" / "b.ar.txt").write_text("القاهرة", encoding="utf-8")
    r = bitext(
        "translate",
        str(tmp_path / "in" / "a.ar.txt"),
        str(tmp_path / "in" / "sub" / "b.ar.txt"),
        "-s",
        "ar",
        "-o",
        str(tmp_path / "out"),
        store=translit_store,
    )
    assert r.returncode == 0, r.stderr.decode()
    assert (tmp_path / "out" / "a.en.txt").read_text(encoding="utf-8").endswith("\n")
    assert not (tmp_path / "out" / "sub" / "b.en.txt").read_text(encoding="utf-8").endswith("\n")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xd9\x83\xff\xfe\n", "invalid UTF-8"),
        (b"", "empty file"),
        ("كيم\x00جونج".encode(), "NUL byte"),
        (("ك" * 1_048_576).encode(), "longer than the limit"),
    ],
    ids=["invalid-utf8", "empty", "nul", "1MB-line"],
)
def test_bad_input_is_one_clear_line(translit_store, tmp_path, content, message):
    bad = tmp_path / "bad.ar.txt"
    bad.write_bytes(content)
    r = bitext("translate", str(bad), "-s", "ar", store=translit_store)
    err = r.stderr.decode().strip()
    assert r.returncode != 0 and "Traceback" not in err
    assert len(err.splitlines()) == 1 and str(bad) in err and message in err, err


def test_unknown_language_and_missing_model(translit_store, tmp_path, seed_path):
    r = bitext("translate", str(seed_path), "-s", "xx", store=translit_store)
    err = r.stderr.decode().strip()
    assert r.returncode != 0 and len(err.splitlines()) == 1 and "xx" in err
    r = bitext("--models-dir", str(tmp_path / "empty"), "translate", str(seed_path), "-s", "ar")
    err = r.stderr.decode().strip()
    assert r.returncode != 0 and len(err.splitlines()) == 1
    assert "no model installed for ar→en" in err and "bitext models install" in err
