"""Read alignments in every format the aligner writes (beads, JSONL, TSV, TMX) as lists of beads.

Bead files and ``bitext align --format jsonl`` carry sentence ids and can be scored directly.
TSV (``source<TAB>target<TAB>score``) and TMX carry only the texts of each bead: their ids are recovered
by finding each bead's text as a run of consecutive sentences in the sentence-split source and target
files (``--src-sents`` / ``--tgt-sents``), searching forward from the previous bead first. Without those
files a TSV or TMX alignment cannot be scored, and the reader says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from eval.alignment import Bead, _read_text, parse_bead
from toolkit.errors import BitextError

FORMATS = ("beads", "jsonl", "tsv", "tmx")


def guess_format(path: str | Path) -> str:
    """The alignment format a file name suggests (beads unless .jsonl/.tsv/.tmx)."""
    suffix = Path(str(path)).suffix.lower()
    return {".jsonl": "jsonl", ".json": "jsonl", ".tsv": "tsv", ".tmx": "tmx"}.get(suffix, "beads")


def read_sentences(path: str | Path) -> list[str]:
    """A sentence-split file: one sentence per line (LF or CRLF)."""
    return _read_text(path).splitlines()


def read_jsonl_beads(path: str | Path) -> list[Bead]:
    """Beads from ``bitext align --format jsonl`` (``src_ids`` / ``tgt_ids`` on every line)."""
    beads = []
    for lineno, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            src, tgt = rec["src_ids"], rec["tgt_ids"]
            bead = parse_bead(f"{json.dumps(src)}:{json.dumps(tgt)}")
        except (ValueError, KeyError, TypeError, SyntaxError) as exc:
            what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc).split("\n")[0]
            raise BitextError(f"{path}:{lineno}: not an alignment record ({what})") from None
        beads.append(bead)
    return beads


def read_tsv_pairs(path: str | Path) -> list[tuple[str, str]]:
    """(source, target) texts of a ``source<TAB>target[<TAB>score]`` alignment file."""
    pairs = []
    for lineno, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise BitextError(
                f"{path}:{lineno}: expected 'source<TAB>target<TAB>score', found {len(cols)} column"
            )
        pairs.append((cols[0], cols[1]))
    return pairs


def read_tmx_pairs(path: str | Path) -> list[tuple[str, str]]:
    """(source, target) texts of each translation unit of a TMX file (source = header srclang or first tuv)."""
    return [(src, tgt) for src, tgt, _ in read_tmx_units(path)]


def read_tmx_units(path: str | Path) -> list[tuple[str, str, str]]:
    """(source, target, notes) of each translation unit of a TMX file."""
    from lxml import etree

    data = _read_text(path).encode("utf-8")
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise BitextError(f"{path}:{exc.lineno}: not valid TMX ({exc.msg})") from None
    header = root.find("header")
    srclang = (header.get("srclang") or "").lower() if header is not None else ""
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs = []
    for tu in root.iter("tu"):
        tuvs = [(tuv.get(lang_attr) or tuv.get("lang") or "").lower() for tuv in tu.findall("tuv")]
        segs = [
            "".join(tuv.find("seg").itertext()) if tuv.find("seg") is not None else ""
            for tuv in tu.findall("tuv")
        ]
        if len(segs) != 2:
            raise BitextError(f"{path}:{tu.sourceline}: a translation unit needs 2 <tuv>, found {len(segs)}")
        if srclang and srclang != "*all*" and tuvs[1] == srclang and tuvs[0] != srclang:
            segs.reverse()
        notes = " ".join("".join(n.itertext()) for n in tu.iter("note"))
        pairs.append((segs[0], segs[1], notes))
    return pairs


_NOTE_IDS = re.compile(r"\bsrc=(\[[\d,\s]*\])\s+tgt=(\[[\d,\s]*\])")


def _ids_from_notes(units: list[tuple[str, str, str]]) -> list[Bead] | None:
    """Beads from `bitext align` TMX notes (``src=[3] tgt=[3, 4]``), or None when a unit has none."""
    beads = []
    for _, _, note in units:
        m = _NOTE_IDS.search(note)
        if not m:
            return None
        beads.append(parse_bead(f"{m.group(1)}:{m.group(2)}"))
    return beads


def _norm(text: str) -> str:
    """Whitespace-normalised text for matching bead texts to sentences."""
    return " ".join(text.split())


def _locate(text: str, sents: list[str], start: int) -> list[int] | None:
    """Ids of the run of consecutive sentences whose space-joined text is `text`, searched from `start`."""
    target = _norm(text)
    if not target:
        return []
    order = list(range(start, len(sents))) + list(range(0, min(start, len(sents))))
    for q in order:
        if not target.startswith(sents[q]) or not sents[q]:
            continue
        joined, k = sents[q], q
        while len(joined) < len(target) and k + 1 < len(sents):
            k += 1
            joined = f"{joined} {sents[k]}" if sents[k] else joined
        if joined == target:
            return list(range(q, k + 1))
    return None


def pairs_to_beads(
    pairs: Sequence[tuple[str, str]], src_sents: Sequence[str], tgt_sents: Sequence[str], *, path: str = "-"
) -> list[Bead]:
    """Recover sentence ids for text pairs by locating each side in the sentence lists."""
    src_n, tgt_n = [_norm(s) for s in src_sents], [_norm(s) for s in tgt_sents]
    beads, sp, tp = [], 0, 0
    for n, (src, tgt) in enumerate(pairs, 1):
        s_ids, t_ids = _locate(src, src_n, sp), _locate(tgt, tgt_n, tp)
        for ids, side, text in ((s_ids, "source", src), (t_ids, "target", tgt)):
            if ids is None:
                raise BitextError(f"{path}: bead {n}: {side} text is not a run of sentences: {text[:60]!r}")
        if s_ids:
            sp = s_ids[-1] + 1
        if t_ids:
            tp = t_ids[-1] + 1
        beads.append((s_ids, t_ids))
    return beads


def read_alignment(
    path: str | Path,
    fmt: str | None = None,
    *,
    src_sents: Sequence[str] | None = None,
    tgt_sents: Sequence[str] | None = None,
) -> list[Bead]:
    """Read an alignment file in any supported format as beads (TSV/TMX need the sentence lists)."""
    from eval.alignment import read_beads

    fmt = fmt or guess_format(path)
    if fmt == "beads":
        return read_beads(path)
    if fmt == "jsonl":
        return read_jsonl_beads(path)
    if fmt not in ("tsv", "tmx"):
        raise BitextError(f"{path}: unknown alignment format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if fmt == "tmx":
        units = read_tmx_units(path)
        noted = _ids_from_notes(units)
        if noted is not None and units:
            return noted
    if src_sents is None or tgt_sents is None:
        raise BitextError(
            f"{path}: a {fmt.upper()} alignment holds texts, not sentence ids; "
            "give the sentence-split source and target files to recover them"
        )
    pairs = read_tsv_pairs(path) if fmt == "tsv" else read_tmx_pairs(path)
    return pairs_to_beads(pairs, src_sents, tgt_sents, path=str(path))
