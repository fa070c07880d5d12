"""HTML text nodes translated with markup kept byte for byte; output names that never leave OUTDIR."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from toolkit.batch.html import parse_html
from toolkit.batch.paths import UnsafePath, output_relpath, write_atomic

PAGE = """<!DOCTYPE html>
<html lang="ar"><head><meta charset=utf-8><title>عنوان</title>
<style>p { color: red } /* لا */</style><script>var s = "<p>لا تترجم</p>";</script></head>
<body class='main' data-x="&quot;y&quot;">
<h1 id=top>القاهرة &amp; بغداد</h1>
<p>زار كيم <b title="بوتين">موسكو</b> أمس. ثم عاد.<br>سطر آخر</p>
<ul><li>واحد</li><li>2024</li></ul>
<table><tr><td>خلية</td><th>رأس</th></tr></table>
<pre>  نص   محفوظ </pre><p>قبل <code>x &lt; 1</code> بعد</p>
<!-- تعليق لا يترجم -->
</body></html>
"""


def _translate(doc, fn):
    for s in doc.segments():
        if s.translate:
            s.target = fn(s.source)


def test_untranslated_html_renders_byte_identical():
    doc, layout = parse_html(PAGE, "ar")
    assert layout.render(doc) == PAGE


def test_text_nodes_translated_markup_untouched():
    doc, layout = parse_html(PAGE, "ar")
    sources = [s.source for s in doc.segments() if s.translate]
    assert "القاهرة & بغداد" in sources  # entities unescaped for the model
    assert "زار كيم" in sources and "موسكو" in sources and "أمس." in sources and "ثم عاد." in sources
    assert not any("لا" in s for s in sources)  # script, style, comment untouched
    assert not any("محفوظ" in s or "x < 1" in s for s in sources)  # pre, code untouched
    assert "2024" not in sources  # numbers pass through
    _translate(doc, lambda s: f"[{len(s)}<&>]")
    out = layout.render(doc)
    for keep in (
        '<html lang="ar"><head><meta charset=utf-8>',
        "<style>p { color: red } /* لا */</style>",
        '<script>var s = "<p>لا تترجم</p>";</script>',
        "<body class='main' data-x=\"&quot;y&quot;\">",
        '<b title="بوتين">',
        "<pre>  نص   محفوظ </pre>",
        "<code>x &lt; 1</code>",
        "<!-- تعليق لا يترجم -->",
        "<li>2024</li>",
    ):
        assert keep in out
    assert "<h1 id=top>[15&lt;&amp;&gt;]</h1>" in out  # translations escaped back
    assert "عاد" not in out.split("<body")[1].split("<pre>")[0]


def test_block_elements_are_paragraphs():
    doc, _ = parse_html("<div>أ<p>ب</p>ج<br>د<span>هـ</span></div><li>و</li>", "ar")
    assert [[s.source for s in p.segments] for p in doc.paragraphs] == [
        ["أ"],
        ["ب"],
        ["ج"],
        ["د", "هـ"],
        ["و"],
    ]


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "../up.txt",
        "a/../../up.txt",
        "a\\..\\..\\win.txt",
        "C:/x.txt",
        ".bitext/ledger.sqlite",
        "",
        "a\x00b",
    ],
)
def test_unsafe_names_are_refused(name):
    with pytest.raises(UnsafePath):
        output_relpath(name)


def test_safe_names_mirror_the_input():
    assert output_relpath("news/2024/a.ar.txt") == PurePosixPath("news/2024/a.ar.txt")
    assert output_relpath("./x//y.html") == PurePosixPath("x/y.html")
    assert output_relpath("article-17", ".txt") == PurePosixPath("article-17.txt")


def test_writes_never_follow_links_out_of_outdir(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    os.symlink(outside, out / "link")
    with pytest.raises(UnsafePath):
        write_atomic(out, PurePosixPath("link/x.txt"), b"x")
    with pytest.raises(UnsafePath):
        write_atomic(out, PurePosixPath("link/new/x.txt"), b"x")
    assert list(outside.iterdir()) == []
    write_atomic(out, PurePosixPath("a/b.txt"), b"ok")
    assert (out / "a" / "b.txt").read_bytes() == b"ok"
    assert list((out / ".bitext" / "tmp").iterdir()) == []


def test_write_atomic_leaves_no_temp_on_failure(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").write_text("a file where a folder should be")
    with pytest.raises(OSError):
        write_atomic(out, PurePosixPath("a/b.txt"), b"x")
    assert list((out / ".bitext" / "tmp").iterdir()) == []
    assert Path(out / "a").read_text().startswith("a file")
