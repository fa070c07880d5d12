"""Read the pairs to review from what bitext writes (translate or align JSONL), a TMX file, or bead files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import BitextError
from toolkit.review.items import ReviewItem, guess_lang, length_flag

_BEAD = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


@dataclass
class Pairs:
    """Review items read from an input, and what kind of input it was."""

    kind: str
    items: list[ReviewItem]


def load_pairs(paths: list[Path], source_lang: str | None = None, target_lang: str | None = None) -> Pairs:
    """Read one input (JSONL or TMX) or three (source, target, beads) into review items, in order."""
    if len(paths) == 3:
        items = _from_beads(*paths, source_lang=source_lang, target_lang=target_lang)
        return Pairs("beads", items)
    if len(paths) != 1:
        raise BitextError("give one PAIRS file (JSONL or TMX) or three: SOURCE TARGET BEADS")
    path = paths[0]
    head = _read_text(path)[:4096].lstrip("\ufeff \t\r\n")
    if path.suffix.lower() == ".tmx" or head.startswith("<"):
        return Pairs("tmx", _from_tmx(path, source_lang, target_lang))
    kind, items = _from_jsonl(path, source_lang, target_lang)
    return Pairs(kind, items)


def _read_text(path: Path) -> str:
    """The file's text as UTF-8, or a one-line error naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BitextError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BitextError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise BitextError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise BitextError(f"{path}: cannot read ({exc.strerror})") from None


def _records(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for every non-blank line of a JSONL file."""
    for n, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BitextError(f"{path}:{n}: not valid JSON ({exc.msg}, column {exc.colno})") from None
        if not isinstance(rec, dict):
            raise BitextError(f"{path}:{n}: expected a JSON object, got {type(rec).__name__}")
        yield n, rec


def _from_jsonl(path: Path, source_lang: str | None, target_lang: str | None) -> tuple[str, list[ReviewItem]]:
    """Items from the JSONL of `bitext translate` (documents) or `bitext align` (beads)."""
    items: list[ReviewItem] = []
    kind = ""
    for n, rec in _records(path):
        this = "translate" if "paragraphs" in rec else "align" if ("src" in rec or "src_ids" in rec) else ""
        if not this:
            raise BitextError(
                f"{path}:{n}: neither a translated document (no 'paragraphs') nor an aligned bead (no 'src')"
            )
        if kind and this != kind:
            raise BitextError(f"{path}:{n}: a {this} record in a file of {kind} records")
        kind = this
        if this == "translate":
            items.extend(_from_document(path, n, rec, len(items), source_lang, target_lang))
        else:
            items.append(_from_bead_record(path, n, rec, len(items), source_lang, target_lang))
    if not items:
        raise BitextError(f"{path}: no pairs to review (empty file?)")
    return kind, items


def _text(path: Path, n: int, rec: dict, key: str, where: str = "") -> str:
    """A string field of a record, or a one-line error naming file, line and field."""
    value = rec.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BitextError(f"{path}:{n}: {where}'{key}' must be a string, not {type(value).__name__}")
    return value


def _confidence(path: Path, n: int, value, where: str = "") -> float | None:
    """A confidence in [0, 1] or None; anything else is an error naming the line."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise BitextError(f"{path}:{n}: {where}'confidence' must be a number from 0 to 1, not {value!r}")
    return float(value)


def _flags(path: Path, n: int, value, where: str = "") -> list[str]:
    """A list of flag names, or an error naming the line."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
        raise BitextError(f"{path}:{n}: {where}'flags' must be a list of strings")
    return list(value)


def _from_document(
    path: Path, n: int, rec: dict, seq: int, source_lang: str | None, target_lang: str | None
) -> Iterator[ReviewItem]:
    """One item per translated segment of a `bitext translate` document record."""
    doc = str(rec.get("id", "-"))
    slang = source_lang or _text(path, n, rec, "source_lang")
    tlang = target_lang or _text(path, n, rec, "target_lang")
    paragraphs = rec.get("paragraphs")
    if not isinstance(paragraphs, list):
        raise BitextError(f"{path}:{n}: 'paragraphs' must be a list")
    for p, para in enumerate(paragraphs):
        segments = para.get("segments") if isinstance(para, dict) else None
        if not isinstance(segments, list):
            raise BitextError(f"{path}:{n}: paragraph {p} has no 'segments' list")
        for s, seg in enumerate(segments):
            where = f"paragraph {p} segment {s}: "
            if not isinstance(seg, dict):
                raise BitextError(f"{path}:{n}: {where}expected an object")
            if seg.get("translated") is False:
                continue
            seq += 1
            yield ReviewItem(
                seq=seq,
                source=_text(path, n, seg, "source", where),
                target=_text(path, n, seg, "target", where),
                source_lang=slang,
                target_lang=tlang,
                confidence=_confidence(path, n, seg.get("confidence"), where),
                flags=_flags(path, n, seg.get("flags"), where),
                doc=doc,
                origin={"line": n, "segments": [str(seg.get("id", f"{p}.{s}"))]},
            )


def _from_bead_record(
    path: Path, n: int, rec: dict, seq: int, source_lang: str | None, target_lang: str | None
) -> ReviewItem:
    """One item from a `bitext align` bead record."""
    src, tgt = _text(path, n, rec, "src"), _text(path, n, rec, "tgt")
    conf = rec.get("confidence")
    if conf is None and isinstance(rec.get("score"), int | float) and 0.0 <= rec["score"] <= 1.0:
        conf = rec["score"]
    flags = _flags(path, n, rec.get("flags")) or length_flag(src, tgt)
    kind = rec.get("type")
    if isinstance(kind, str) and kind not in ("1-1", "0-1", "1-0"):
        flags.append(f"bead {kind}")
    ids = {k: rec[k] for k in ("src_ids", "tgt_ids") if isinstance(rec.get(k), list)}
    return ReviewItem(
        seq=seq + 1,
        source=src,
        target=tgt,
        source_lang=source_lang or _text(path, n, rec, "src_lang"),
        target_lang=target_lang or _text(path, n, rec, "tgt_lang"),
        confidence=_confidence(path, n, conf),
        flags=flags,
        doc=str(rec.get("doc", "-")),
        origin={"line": n, **ids},
    )


def _from_tmx(path: Path, source_lang: str | None, target_lang: str | None) -> list[ReviewItem]:
    """One item per translation unit of a TMX file: its source-language variant and one other."""
    from translate.misc.xml_helpers import getXMLlang
    from translate.storage.tmx import tmxfile

    try:
        with path.open("rb") as fh:
            tm = tmxfile(fh)
    except Exception as exc:  # noqa: BLE001 - lxml and translate-toolkit raise many types for bad XML
        raise BitextError(f"{path}: not a readable TMX file ({' '.join(str(exc).split())})") from None
    header_lang = source_lang or tm.sourcelanguage or ""
    items = []
    for i, unit in enumerate(tm.units, 1):
        variants = [
            (getXMLlang(node) or "", unit.getNodeText(node) or "") for node in unit.getlanguageNodes()
        ]
        if len(variants) < 2:
            continue
        src = next((v for v in variants if _same_lang(v[0], header_lang)), variants[0])
        rest = [v for v in variants if v is not src]
        tgt = next((v for v in rest if target_lang and _same_lang(v[0], target_lang)), rest[0])
        items.append(
            ReviewItem(
                seq=len(items) + 1,
                source=src[1],
                target=tgt[1],
                source_lang=src[0],
                target_lang=tgt[0],
                flags=length_flag(src[1], tgt[1]),
                origin={"tu": i},
            )
        )
    if not items:
        raise BitextError(f"{path}: no translation units with two languages")
    return items


def _same_lang(a: str, b: str) -> bool:
    """Whether two language tags name the same language (`ar` matches `ar-EG`)."""
    a, b = a.lower().replace("_", "-"), b.lower().replace("_", "-")
    return bool(a and b) and a.split("-")[0] == b.split("-")[0]


def _sentences(path: Path) -> list[str]:
    """The lines of a one-sentence-per-line file (line endings stripped)."""
    return _read_text(path).splitlines()


def _ids(path: Path, n: int, text: str, limit: int, side: str) -> list[int]:
    """Sentence numbers of one side of a bead, each checked against the file's length."""
    ids = [int(x) for x in text.replace(",", " ").split()]
    for i in ids:
        if i >= limit:
            raise BitextError(
                f"{path}:{n}: {side} sentence {i} does not exist (the {side} has {limit} lines)"
            )
    return ids


def _from_beads(
    source: Path, target: Path, beads: Path, *, source_lang: str | None, target_lang: str | None
) -> list[ReviewItem]:
    """One item per bead of a vecalign-style bead file over one-sentence-a-line source and target."""
    src, tgt = _sentences(source), _sentences(target)
    slang = source_lang or guess_lang(src[:50])
    tlang = target_lang or guess_lang(tgt[:50])
    items = []
    for n, line in enumerate(_read_text(beads).splitlines(), 1):
        if not line.strip():
            continue
        m = _BEAD.match(line)
        if not m:
            raise BitextError(f"{beads}:{n}: not a bead like [0]:[0, 1] ({line.strip()[:60]!r})")
        sids = _ids(beads, n, m.group(1), len(src), "source")
        tids = _ids(beads, n, m.group(2), len(tgt), "target")
        s = " ".join(src[i].strip() for i in sids)
        t = " ".join(tgt[i].strip() for i in tids)
        flags = length_flag(s, t)
        if len(sids) > 1 or len(tids) > 1:
            flags.append(f"bead {len(sids)}-{len(tids)}")
        items.append(
            ReviewItem(
                seq=len(items) + 1,
                source=s,
                target=t,
                source_lang=slang,
                target_lang=tlang,
                flags=flags,
                origin={"line": n, "src_ids": sids, "tgt_ids": tids},
            )
        )
    if not items:
        raise BitextError(f"{beads}: no beads")
    return items
