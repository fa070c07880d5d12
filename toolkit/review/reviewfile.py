"""Where an input's review file lives, and opening it: made on first use, reused on every later one."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import BitextError
from toolkit.review.loaders import load_pairs
from toolkit.review.store import ReviewStore

SUFFIX = ".review.sqlite"
_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class Opened:
    """An open review file, whether it was just made, and warnings for the user."""

    store: ReviewStore
    created: bool
    warnings: list[str] = field(default_factory=list)


def review_path_for(paths: list[Path]) -> Path:
    """The review file beside the input: PAIRS.review.sqlite (beside the beads file for three inputs)."""
    main = paths[-1]
    return main.with_name(main.name + SUFFIX)


def is_review_file(path: Path) -> bool:
    """Whether `path` is an SQLite file (a review file given directly)."""
    try:
        with path.open("rb") as fh:
            return fh.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def fingerprint(paths: list[Path]) -> str:
    """A SHA-256 over the input files' bytes, to notice an input changed after its review began."""
    digest = hashlib.sha256()
    for p in paths:
        try:
            digest.update(p.read_bytes())
        except FileNotFoundError:
            raise BitextError(f"{p}: no such file") from None
        except OSError as exc:
            raise BitextError(f"{p}: cannot read ({exc.strerror})") from None
        digest.update(b"\x00")
    return digest.hexdigest()


def open_review(
    paths: list[Path],
    review_file: Path | None = None,
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    name: str | None = None,
) -> Opened:
    """Open the review file of `paths`, making it from the input if it does not exist yet (`name`: shown title)."""
    if len(paths) not in (1, 3):
        raise BitextError("give one PAIRS file (JSONL or TMX) or three: SOURCE TARGET BEADS")
    if len(paths) == 1 and is_review_file(paths[0]):
        store = ReviewStore(paths[0])
        store.fill_languages(source_lang, target_lang)
        return Opened(store, created=False)
    target = review_file or review_path_for(paths)
    digest = fingerprint(paths)
    if target.exists():
        store = ReviewStore(target)
        store.fill_languages(source_lang, target_lang)
        warnings = []
        if store.meta().get("input_sha256") != digest:
            warnings.append(
                f"{paths[-1]} changed since {target} was made; showing the saved review "
                f"(delete {target} to start again from the new input)"
            )
        return Opened(store, created=False, warnings=warnings)
    pairs = load_pairs(paths, source_lang, target_lang)
    meta = {
        "input": name or " ".join(p.name for p in paths),
        "input_kind": pairs.kind,
        "input_sha256": digest,
    }
    try:
        store = ReviewStore.create(target, pairs.items, meta)
    except (OSError, sqlite3.Error) as exc:
        raise BitextError(f"{target}: cannot write the review file ({exc})") from None
    return Opened(store, created=True)
