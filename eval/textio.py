"""Read hypotheses and references: plain text, `bitext translate` JSONL, and TMX, with one-line errors.

Plain text follows the sacrebleu command line exactly: UTF-8, lines split on LF only, and every line
right-stripped (so CRLF files read like LF files). One difference: a leading UTF-8 byte-order mark is
dropped (sacrebleu would keep it glued to the first word).

JSONL (one record per document, as `bitext translate --format jsonl` writes it) gives one line per
*paragraph* by default, i.e. per non-blank input line, which is what a line-by-line reference pairs with;
``unit="segment"`` gives one line per sentence segment instead (for sentence-level references). Each line
carries its record's ``id`` as document id and its source text.

TMX gives one line per translation unit: the target side (the ``<tuv>`` whose language is not the header's
``srclang``, else the second one), with the source side as source text, and a document id taken from a
``<prop type="x-doc-id">`` / ``"x-document"`` / ``"doc"`` property when present.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import BitextError

INPUT_FORMATS = ("auto", "txt", "jsonl", "tmx")
DOC_PROPS = ("x-doc-id", "x-document", "doc", "doc-id", "x-doc")


@dataclass
class TextSet:
    """The lines of one hypothesis or reference file, with optional document ids and source texts."""

    path: str
    lines: list[str]
    doc_ids: list[str] | None = None
    sources: list[str] | None = None

    @property
    def name(self) -> str:
        """A short display name: the file name."""
        return "stdin" if self.path == "-" else Path(self.path).name


def _read_bytes(path: str) -> bytes:
    """The bytes of a file (or stdin for '-'), or a one-line error."""
    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise BitextError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _decode(path: str, data: bytes) -> str:
    """UTF-8 text without a leading BOM; undecodable bytes name the line and byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BitextError(
            f"{path}:{line}: undecodable bytes (not UTF-8) at byte {exc.start}: {data[exc.start : exc.start + 4]!r}"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def split_lines(text: str) -> list[str]:
    """Lines as sacrebleu's CLI reads them: split on LF only, each right-stripped."""
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return [p.rstrip() for p in parts]


def guess_format(path: str, text: str) -> str:
    """txt, jsonl or tmx, from the file name, else from the first characters."""
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".tmx":
        return "tmx"
    head = text.lstrip()[:200]
    if head.startswith("<?xml") and "<tmx" in text[:2000] or head.startswith("<tmx"):
        return "tmx"
    if head.startswith("{") and '"paragraphs"' in text[:100000]:
        return "jsonl"
    return "txt"


def read_textset(path: str, fmt: str = "auto", *, unit: str = "paragraph") -> TextSet:
    """Read one hypothesis/reference file in any supported format; empty files are an error."""
    path = str(path)
    text = _decode(path, _read_bytes(path))
    if fmt == "auto":
        fmt = guess_format(path, text)
    if fmt == "txt":
        result = TextSet(path, split_lines(text))
    elif fmt == "jsonl":
        result = _read_translation_jsonl(path, text, unit)
    elif fmt == "tmx":
        result = _read_tmx(path, text, unit)
    else:
        raise BitextError(
            f"{path}: unknown input format {fmt!r} (expected one of {', '.join(INPUT_FORMATS)})"
        )
    if not result.lines:
        raise BitextError(f"{path}: empty file (0 segments)")
    return result


def _one_line(text: str) -> str:
    """A target text as one sacrebleu line: inner line breaks become spaces, right-stripped."""
    return " ".join(text.splitlines()).rstrip() if "\n" in text or "\r" in text else text.rstrip()


def _read_translation_jsonl(path: str, text: str, unit: str) -> TextSet:
    """Lines, document ids and sources from `bitext translate --format jsonl` records."""
    if unit not in ("paragraph", "segment"):
        raise BitextError(f"unknown JSONL unit {unit!r} (expected paragraph or segment)")
    lines, ids, sources = [], [], []
    for lineno, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
            doc_id = str(rec.get("id", f"doc{lineno}"))
            for para in rec["paragraphs"]:
                if unit == "paragraph":
                    target = para.get("target")
                    units = [(target if target is not None else _render(para), para["source"])]
                else:
                    units = [
                        (seg.get("target") if seg.get("target") is not None else seg["source"], seg["source"])
                        for seg in para["segments"]
                    ]
                for target, source in units:
                    lines.append(_one_line(str(target)))
                    sources.append(_one_line(str(source)))
                    ids.append(doc_id)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc).split("\n")[0]
            raise BitextError(f"{path}:{lineno}: not a `bitext translate` JSONL record ({what})") from None
    return TextSet(path, lines, ids, sources)


def _render(para: dict) -> str:
    """A paragraph's translation from its segments (targets spliced in at their offsets) when it has no target."""
    text, out, pos = para["source"], [], 0
    for seg in para.get("segments", []):
        target = seg.get("target")
        out += [text[pos : seg["start"]], target if target is not None else seg["source"]]
        pos = seg["end"]
    return "".join(out) + text[pos:]


def _read_tmx(path: str, text: str, unit: str = "paragraph") -> TextSet:
    """Target lines (plus sources and document ids when present) of the translation units of a TMX file.

    Units that `bitext translate` wrote carry an ``x-segment`` id ``<paragraph>.<segment>``; with
    ``unit="paragraph"`` the consecutive segments of one paragraph of one document become one line (joined
    by a space), so that the file pairs with a line-by-line reference like the JSONL and text outputs do."""
    from lxml import etree

    try:
        root = etree.fromstring(
            text.encode("utf-8"),
            parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True),
        )
    except etree.XMLSyntaxError as exc:
        raise BitextError(f"{path}:{exc.lineno}: not valid TMX ({exc.msg})") from None
    header = root.find("header")
    srclang = (header.get("srclang") or "").lower() if header is not None else ""
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    lines, ids, sources, groups = [], [], [], []
    for tu in root.iter("tu"):
        tuvs = tu.findall("tuv")
        if len(tuvs) < 2:
            raise BitextError(f"{path}:{tu.sourceline}: a translation unit needs 2 <tuv>, found {len(tuvs)}")
        langs = [(t.get(lang_attr) or t.get("lang") or "").lower() for t in tuvs]
        src_i = langs.index(srclang) if srclang in langs else 0
        tgt_i = next(i for i in range(len(tuvs)) if i != src_i)
        seg_text = ["".join(t.find("seg").itertext()) if t.find("seg") is not None else "" for t in tuvs]
        lines.append(_one_line(seg_text[tgt_i]))
        sources.append(_one_line(seg_text[src_i]))
        props = {(p.get("type") or "").lower(): p.text or "" for p in tu.iter("prop")}
        doc = next((props[k] for k in DOC_PROPS if k in props), None)
        ids.append(doc)
        seg_id = props.get("x-segment", "")
        groups.append((doc, seg_id.split(".")[0]) if unit == "paragraph" and "." in seg_id else None)
    if any(g is not None for g in groups):
        lines, ids, sources = _merge_paragraphs(groups, lines, ids, sources)
    doc_ids = None if all(i is None for i in ids) else [i or "" for i in ids]
    return TextSet(path, lines, doc_ids, sources)


def _merge_paragraphs(
    groups: list, lines: list[str], ids: list, sources: list[str]
) -> tuple[list, list, list]:
    """Join consecutive units of the same (document, paragraph) into one line."""
    out_l, out_i, out_s, last = [], [], [], object()
    for g, line, doc, src in zip(groups, lines, ids, sources):
        if g is not None and g == last:
            out_l[-1] = f"{out_l[-1]} {line}".strip()
            out_s[-1] = f"{out_s[-1]} {src}".strip()
        else:
            out_l.append(line)
            out_i.append(doc)
            out_s.append(src)
        last = g
    return out_l, out_i, out_s


def read_doc_ids(path: str) -> list[str]:
    """Document ids, one per line (the first TAB-separated column), for a document-level breakdown."""
    return [line.split("\t")[0] for line in split_lines(_decode(path, _read_bytes(path)))]


def check_lengths(hyps: list[TextSet], refs: list[TextSet], extra: dict[str, list] | None = None) -> int:
    """All files must have as many lines as the first reference; say which file and both counts if not."""
    base = refs[0]
    n = len(base.lines)
    for ts in refs[1:] + hyps:
        if len(ts.lines) != n:
            kind = "reference" if any(ts is r for r in refs) else "hypothesis"
            hint = "the files must be line-parallel"
            non_blank = sum(1 for line in base.lines if line.strip())
            if non_blank != n and len(ts.lines) == non_blank:
                hint = f"the reference has {non_blank} non-blank lines: add --skip-blank to leave blank lines out"
            raise BitextError(
                f"{ts.path}: {kind} has {len(ts.lines)} segments but reference {base.path} has {n}; {hint}"
            )
    for name, values in (extra or {}).items():
        if values is not None and len(values) != n:
            raise BitextError(f"{name}: has {len(values)} lines but reference {base.path} has {n}")
    return n


def drop_blank_lines(hyps: list[TextSet], refs: list[TextSet]) -> None:
    """Leave out the lines that are blank in every reference, from every file line-parallel to the references.

    Files that never had those lines (JSONL/TMX paragraphs: blank lines are not paragraphs) are left alone, so a
    `bitext translate` JSONL output pairs with a reference that keeps the document's blank lines."""
    n = len(refs[0].lines)
    for r in refs[1:]:
        if len(r.lines) != n:
            raise BitextError(
                f"{r.path}: reference has {len(r.lines)} lines but reference {refs[0].path} has {n}"
            )
    keep = [i for i in range(n) if any(r.lines[i].strip() for r in refs)]
    for ts in refs + hyps:
        if len(ts.lines) == n:
            ts.lines = [ts.lines[i] for i in keep]
            if ts.doc_ids is not None:
                ts.doc_ids = [ts.doc_ids[i] for i in keep]
        if ts.sources is not None and len(ts.sources) == n:
            ts.sources = [ts.sources[i] for i in keep]
