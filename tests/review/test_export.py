"""Exports of approved pairs, read back with translate-toolkit; `bitext review export` on the command line."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile

from toolkit.cli import main
from toolkit.review.export import to_tmx, to_tsv, to_xliff
from toolkit.review.reviewfile import open_review


def _approve_some(store, n=4, edit=None):
    """Approve the first `n` pairs in document order (editing the first target if asked); return them."""
    out = []
    for i, item in enumerate(store.all_items()[:n]):
        target = edit if (edit is not None and i == 0) else None
        out.append(store.update(item.id, item.version, status="approved", target=target))
    return out


def test_tmx_reads_back_with_translate_toolkit(kim_review):
    approved = _approve_some(kim_review, edit="Kim inspects Russian arms <amid> speculation & more")
    tm = tmxfile(io.BytesIO(to_tmx(kim_review.all_items("approved"))))
    assert tm.sourcelanguage == "ar"
    assert [(u.source, u.target) for u in tm.units] == [(a.source, a.target) for a in approved]
    assert b'<tmx version="1.4">' in to_tmx(approved)
    assert "confidence 0.95" in tm.units[0].getnotes()


def test_xliff_12_reads_back_with_translate_toolkit(kim_review):
    approved = _approve_some(kim_review)
    data = to_xliff(kim_review.all_items("approved"))
    assert b'version="1.2"' in data and b"urn:oasis:names:tc:xliff:document:1.2" in data
    assert b"document:1.1" not in data
    doc = xlifffile.parsestring(data)
    assert doc.getsourcelanguage() == "ar" and doc.gettargetlanguage() == "en"
    assert [(u.source, u.target) for u in doc.units] == [(a.source, a.target) for a in approved]
    assert all(u.isapproved() for u in doc.units)
    assert data.count(b'state="final"') == len(approved)


def test_hostile_text_survives_export(hostile_jsonl):
    store = open_review([hostile_jsonl]).store
    items = [store.update(it.id, it.version, status="approved") for it in store.all_items()]
    nul = store.update(items[0].id, items[0].version, target="bell \x07 and nul \x00 end")
    tm = tmxfile(io.BytesIO(to_tmx(store.all_items("approved"))))
    targets = [u.target for u in tm.units]
    assert targets[1:] == [it.target for it in items[1:]]  # markup, bidi controls, 100 KB line: all kept
    assert targets[0] == "bell \ufffd and nul \ufffd end" != nul.target  # XML 1.0 cannot carry C0 controls
    rows = list(csv.reader(io.StringIO(to_tsv(store.all_items("approved")).decode()), delimiter="\t"))
    assert rows[0] == ["ar", "en"] and rows[4][1] == items[3].target


def test_cli_export_writes_atomically(kim_review, tmp_path):
    _approve_some(kim_review, n=3)
    out = tmp_path / "out.tmx"
    runner = CliRunner()
    result = runner.invoke(
        main, ["review", "export", str(kim_review.path), "--format", "tmx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert len(tmxfile(out.open("rb")).units) == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left
    result = runner.invoke(main, ["review", "export", str(kim_review.path), "--format", "tsv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "ar\ten" and len(result.stdout.splitlines()) == 4
    # The input file works too: its review file beside it is used.
    input_file = kim_review.path.with_name(kim_review.path.name.removesuffix(".review.sqlite"))
    result = runner.invoke(main, ["review", "export", str(input_file), "--format", "xliff", "-o", str(out)])
    assert result.exit_code == 0
    assert len(xlifffile.parsestring(out.read_bytes()).units) == 3


def test_cli_export_errors_are_one_line(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["review", "export", str(tmp_path / "none.sqlite"), "--format", "tmx"])
    assert missing.exit_code != 0 and "none.sqlite: no such file" in missing.output
    plain = tmp_path / "plain.txt"
    plain.write_text("hello\n")
    result = runner.invoke(main, ["review", "export", str(plain), "--format", "tmx"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        f"Error: {plain}: not a review file, and no plain.txt.review.sqlite beside it"
    ]
    bad_fmt = runner.invoke(main, ["review", "export", str(plain), "--format", "docx"])
    assert bad_fmt.exit_code == 2 and "docx" in bad_fmt.output
