"""Output naming under OUTDIR (mirror of the input paths) and crash-safe file writes that never leave OUTDIR."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path, PurePosixPath

STATE_DIR = ".bitext"
_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafePath(ValueError):
    """A document name that would land outside OUTDIR (absolute, `..`, a drive, a link) or is unusable."""


def output_relpath(doc_id: str, suffix_if_none: str = "") -> PurePosixPath:
    """The path under OUTDIR for a document: the same relative path as in the input (a mirror).

    Absolute names, `..` components, drive letters, NUL bytes and the job's own state folder are refused
    (zip-slip / tar-slip). Backslashes count as separators for this check. `suffix_if_none` is added when the
    name has no suffix (JSONL ids such as `article-17` become `article-17.txt`).
    """
    if not doc_id or "\x00" in doc_id:
        raise UnsafePath(f"unusable document name {doc_id!r}")
    if doc_id.startswith(("/", "\\")) or _DRIVE.match(doc_id):
        raise UnsafePath(f"absolute path {doc_id!r} would write outside the output folder")
    parts = [p for p in re.split(r"[/\\]", doc_id) if p not in ("", ".")]
    if not parts:
        raise UnsafePath(f"unusable document name {doc_id!r}")
    if ".." in parts:
        raise UnsafePath(f"path {doc_id!r} climbs out with '..' and would write outside the output folder")
    if parts[0] == STATE_DIR:
        raise UnsafePath(f"path {doc_id!r} is inside the job's own state folder {STATE_DIR}/")
    rel = PurePosixPath(*parts)
    if suffix_if_none and not rel.suffix:
        rel = rel.with_name(rel.name + suffix_if_none)
    return rel


def resolve_inside(outdir: Path, rel: PurePosixPath) -> Path:
    """The absolute destination of `rel` under `outdir`, refusing any that a symlink would lead outside."""
    root = Path(os.path.realpath(outdir))
    dest = root.joinpath(*rel.parts)
    parent = Path(os.path.realpath(dest.parent))
    if parent != root and root not in parent.parents:
        raise UnsafePath(f"{rel} would be written through a link to {parent}, outside the output folder")
    if dest.is_symlink():
        # rename() replaces the link itself, never its target; still refuse to be led anywhere by it
        raise UnsafePath(f"{rel} exists as a symbolic link in the output folder; refusing to replace it")
    return dest


def write_atomic(outdir: Path, rel: PurePosixPath, data: bytes) -> Path:
    """Write `data` to OUTDIR/rel via a temp file in OUTDIR/.bitext/tmp, fsync, then rename into place."""
    root = Path(os.path.realpath(outdir))
    tmpdir = root / STATE_DIR / "tmp"
    tmpdir.mkdir(parents=True, exist_ok=True)
    _make_dirs(root, rel.parts[:-1])
    dest = resolve_inside(root, rel)
    tmp = tmpdir / f"{uuid.uuid4().hex}.part"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(dest.parent)
    return dest


def _make_dirs(root: Path, parts: tuple[str, ...]) -> None:
    """Create the folders of an output path one by one, refusing to pass through a symbolic link."""
    cur = root
    for part in parts:
        cur = cur / part
        if cur.is_symlink():
            raise UnsafePath(
                f"{cur.relative_to(root)} is a symbolic link in the output folder; refusing to follow it"
            )
        if not cur.exists():
            cur.mkdir()
        elif not cur.is_dir():
            raise NotADirectoryError(20, "an output path component is a file, not a folder", str(cur))


def _fsync_dir(path: Path) -> None:
    """Make a rename durable by syncing its folder (best effort where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def clear_temp(outdir: Path) -> None:
    """Remove temp files a killed job left behind (they never were outputs)."""
    tmpdir = Path(outdir) / STATE_DIR / "tmp"
    if tmpdir.is_dir():
        for f in tmpdir.iterdir():
            f.unlink(missing_ok=True)
