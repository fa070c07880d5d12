"""Inputs (text, CRLF, JSONL, TMX), one-line errors, and the CLI printing exactly what the sacrebleu CLI prints."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval.textio import read_textset
from toolkit.cli import main
from toolkit.errors import BitextError


def bitext(*args: str) -> tuple[int, str, str]:
    """Run `bitext ARGS` in-process through the real lazy CLI group."""
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


def ev(cmd: str, refs: list[Path], systems: list[Path], *extra: str) -> tuple[int, str, str]:
    """Run `bitext eval CMD -r REF... SYSTEM... EXTRA...`."""
    return bitext("eval", cmd, *[a for r in refs for a in ("-r", str(r))], *map(str, systems), *extra)


def _slice(src: Path, dst: Path, n: int, crlf: bool = False) -> Path:
    lines = src.read_text(encoding="utf-8").split("\n")[:n]
    dst.write_bytes(("\r\n" if crlf else "\n").join(lines).encode() + (b"\r\n" if crlf else b"\n"))
    return dst


@pytest.fixture(scope="module")
def small(tmp_path_factory, wmt):
    """First 150 lines of de-en: refs A and B, two systems (one of them with CRLF line ends)."""
    d = tmp_path_factory.mktemp("deen")
    return {
        "refA": _slice(wmt.ref("de-en", "A"), d / "ref.A.en", 150),
        "refB": _slice(wmt.ref("de-en", "B"), d / "ref.B.en", 150),
        "sys1": _slice(wmt.hyp("de-en", "Online-B"), d / "online-b.en", 150),
        "sys2": _slice(wmt.hyp("de-en", "LT22"), d / "lt22.en", 150, crlf=True),
    }


def test_score_prints_what_sacrebleu_prints(small, tmp_path):
    args = [
        str(small["refA"]),
        str(small["refB"]),
        "-i",
        str(small["sys2"]),
        "-m",
        "bleu",
        "chrf",
        "ter",
        "-w",
        "4",
    ]
    oracle = subprocess.run(
        ["sacrebleu", *args, "-f", "text"], capture_output=True, text=True, check=True
    ).stdout
    code, out, _ = ev("score", [small["refA"], small["refB"]], [small["sys2"]], "-w", "4", "--no-cache")
    assert code == 0
    assert out.splitlines()[:3] == oracle.splitlines()
    assert "References, in the order given" in out


def test_confidence_prints_what_sacrebleu_ci_prints(small):
    args = [
        str(small["refA"]),
        "-i",
        str(small["sys1"]),
        "-m",
        "bleu",
        "chrf",
        "-ci",
        "-w",
        "3",
        "-f",
        "text",
    ]
    oracle = subprocess.run(["sacrebleu", *args], capture_output=True, text=True, check=True).stdout
    code, out, _ = ev(
        "score", [small["refA"]], [small["sys1"]], "-m", "bleu,chrf", "-ci", "-w", "3", "--no-cache"
    )
    assert code == 0 and out.splitlines() == oracle.splitlines()


def test_json_and_markdown_carry_every_number(small, tmp_path):
    out_json = tmp_path / "s.json"
    pair = ([small["refA"]], [small["sys1"], small["sys2"]])
    code, _, _ = ev("score", *pair, "-f", "json", "-o", str(out_json), "--cache-dir", str(tmp_path / "cache"))
    assert code == 0
    data = json.loads(out_json.read_text())
    assert [s["name"] for s in data["systems"]] == ["online-b", "lt22"]
    bleu = data["systems"][0]["metrics"]["bleu"]
    assert bleu["signature"].startswith("nrefs:1|case:mixed") and len(bleu["segment_scores"]) == 150
    # the second run reads the cached statistics and prints the same numbers
    code, md, _ = ev("score", *pair, "-f", "md", "--cache-dir", str(tmp_path / "cache"))
    assert code == 0 and f"{bleu['score']:.1f}" in md and "| System" in md
    assert any((tmp_path / "cache").rglob("*.npy"))


def test_compare_cli_text(small):
    code, out, _ = ev("compare", [small["refA"]], [small["sys1"], small["sys2"]], "--no-cache", "-n", "200")
    assert code == 0
    assert "Baseline: online-b" in out and "Ranking by BLEU" in out and "bs:200|seed:12345" in out


def test_crlf_and_bom_read_like_lf(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbfone two \r\nthree\r\n")
    (tmp_path / "b.txt").write_bytes(b"one two\nthree")
    assert (
        read_textset(str(tmp_path / "a.txt")).lines
        == read_textset(str(tmp_path / "b.txt")).lines
        == ["one two", "three"]
    )


def test_bitext_translate_jsonl_and_tmx_inputs(tmp_path):
    rec = {
        "id": "doc1",
        "source_lang": "ar",
        "target_lang": "en",
        "model": "m",
        "paragraphs": [
            {
                "index": 0,
                "source": "S1. S2.",
                "target": "T one. T two.",
                "separator": "\n",
                "segments": [
                    {"id": "0.0", "source": "S1.", "target": "T one.", "start": 0, "end": 3},
                    {"id": "0.1", "source": "S2.", "target": "T two.", "start": 4, "end": 7},
                ],
            },
            {
                "index": 1,
                "source": "S3",
                "target": "T three",
                "separator": "",
                "segments": [{"id": "1.0", "source": "S3", "target": "T three", "start": 0, "end": 2}],
            },
        ],
    }
    rec2 = dict(rec, id="doc2")
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps(rec) + "\n" + json.dumps(rec2) + "\n", encoding="utf-8")
    par = read_textset(str(path))
    assert par.lines == ["T one. T two.", "T three"] * 2 and par.doc_ids == ["doc1", "doc1", "doc2", "doc2"]
    assert par.sources[0] == "S1. S2."
    assert read_textset(str(path), unit="segment").lines == ["T one.", "T two.", "T three"] * 2
    tmx = tmp_path / "out.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="ar" segtype="sentence"/><body>'
        '<tu><prop type="x-doc-id">d1</prop><tuv xml:lang="ar"><seg>S1</seg></tuv><tuv xml:lang="en"><seg>T &amp; one</seg></tuv></tu>'
        '<tu><prop type="x-doc-id">d2</prop><tuv xml:lang="en"><seg>T two</seg></tuv><tuv xml:lang="ar"><seg>S2</seg></tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    t = read_textset(str(tmx))
    assert t.lines == ["T & one", "T two"] and t.sources == ["S1", "S2"] and t.doc_ids == ["d1", "d2"]
    ref = tmp_path / "ref.txt"
    ref.write_text("T one. T two.\nT three\nT one. T two.\nT three\n", encoding="utf-8")
    code, out, _ = bitext("eval", "score", "-r", str(ref), str(path), "--no-cache", "-m", "chrf")
    assert code == 0 and "= 100.0" in out and "Worst documents" in out


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", r"empty file \(0 segments\)"),
        (b"a\nb\xff\n", r"bad\.txt:2: undecodable bytes \(not UTF-8\)"),
        (b"one\n", r"bad\.txt: hypothesis has 1 segments but reference .*ref\.txt has 2"),
    ],
)
def test_bad_input_is_one_line_error(tmp_path, content, message):
    (tmp_path / "ref.txt").write_text("x y\nz\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(content)
    code, out, err = ev("score", [tmp_path / "ref.txt"], [tmp_path / "bad.txt"], "--no-cache")
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    import re

    assert re.search(message, lines[0]), lines[0]
    with pytest.raises(BitextError):
        from eval.metrics import MetricOptions
        from eval.scoring import evaluate

        evaluate(
            [read_textset(str(tmp_path / "bad.txt"))],
            [read_textset(str(tmp_path / "ref.txt"))],
            MetricOptions(),
        )


def test_align_cli(shared, tmp_path):
    d = shared / "data/align/text_berg_de_fr"
    args = ["eval", "align"]
    for k in range(7):
        args += ["-g", str(d / f"test{k}.defr"), "-t", str(d / f"test{k}.defr")]
    code, out, _ = bitext(*args)
    assert code == 0 and "micro-average (7 documents)" in out and out.count("1.000") == 6 * 8
    code, out, err = bitext(
        "eval", "align", "-g", str(d / "test0.defr"), "-t", str(d / "test0.defr"), "-t", str(d / "test1.defr")
    )
    assert code != 0 and "2 test files but 1 gold files" in err


@pytest.mark.parametrize("metric", ["bleu", "chrf"])
def test_sentence_level_prints_what_sacrebleu_sl_prints(small, metric):
    args = [str(small["refA"]), "-i", str(small["sys1"]), "-m", metric, "-sl", "-w", "3"]
    oracle = subprocess.run(["sacrebleu", *args], capture_output=True, text=True, check=True).stdout
    code, out, _ = ev("score", [small["refA"]], [small["sys1"]], "-m", metric, "-sl", "-w", "3", "--no-cache")
    assert code == 0 and out.splitlines() == oracle.splitlines() and len(out.splitlines()) == 150


def test_reads_what_bitext_translate_writes(tmp_path):
    from toolkit.segment import make_document
    from toolkit.writers import to_jsonl, to_tmx

    docs = []
    for n, text in enumerate(["First sentence. Second one.\n\nA new paragraph here.\n", "Only line.\n"]):
        doc = make_document(text, lang="en", doc_id=f"d{n}")
        for seg in doc.segments():
            seg.target = seg.source.upper()
        docs.append(doc)
    (tmp_path / "t.jsonl").write_text(
        to_jsonl(docs, source_lang="en", target_lang="fr", model="m"), encoding="utf-8"
    )
    (tmp_path / "t.tmx").write_bytes(to_tmx(docs, source_lang="en", target_lang="fr", model="m"))
    paragraphs = ["FIRST SENTENCE. SECOND ONE.", "A NEW PARAGRAPH HERE.", "ONLY LINE."]
    for name in ("t.jsonl", "t.tmx"):
        par = read_textset(str(tmp_path / name))
        assert par.lines == paragraphs and par.doc_ids == ["d0", "d0", "d1"], name
        assert par.sources[1] == "A new paragraph here."
        seg = read_textset(str(tmp_path / name), unit="segment")
        assert seg.lines == ["FIRST SENTENCE.", "SECOND ONE.", "A NEW PARAGRAPH HERE.", "ONLY LINE."], name


def test_skip_blank_pairs_jsonl_paragraphs_with_a_reference_that_keeps_blank_lines(tmp_path):
    from toolkit.segment import make_document
    from toolkit.writers import to_jsonl

    doc = make_document("Line one here.\n\nLine two here.\n\n\nLine three.\n", lang="en", doc_id="a")
    for seg in doc.segments():
        seg.target = seg.source
    (tmp_path / "h.jsonl").write_text(
        to_jsonl([doc], source_lang="en", target_lang="en", model="m"), encoding="utf-8"
    )
    (tmp_path / "ref.txt").write_text("Line one here.\n\nLine two here.\n\n\nLine three.\n", encoding="utf-8")
    args = ("score", [tmp_path / "ref.txt"], [tmp_path / "h.jsonl"], "-m", "chrf", "--no-cache")
    code, _, err = ev(*args)
    assert code != 0 and "has 3 segments but reference" in err and "add --skip-blank" in err
    code, out, _ = ev(*args, "--skip-blank")
    assert code == 0 and "= 100.0" in out


def test_align_cli_position_baseline(shared, tmp_path):
    d = shared / "data/align/text_berg_de_fr"
    args = ["eval", "align", "-f", "json"]
    for k in range(7):
        n = len((d / f"test{k}.de").read_text(encoding="utf-8").splitlines())
        m = len((d / f"test{k}.fr").read_text(encoding="utf-8").splitlines())
        test = tmp_path / f"base{k}.align"
        test.write_text("".join(f"[{i}]:[{round(i * m / n)}]\n" for i in range(n)), encoding="utf-8")
        args += ["-g", str(d / f"test{k}.defr"), "-t", str(test)]
    code, out, _ = bitext(*args)
    micro = json.loads(out)["micro"]
    assert code == 0 and round(micro["f1_strict"], 3) == 0.067 and round(micro["f1_lax"], 3) == 0.109
