"""Streaming readers for batch inputs: folder trees, zip, tar(.gz), JSONL dumps and lists of paths."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import BitextError

TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
INPUT_TYPES = ("auto", "dir", "zip", "tar", "jsonl", "list")


@dataclass
class InputDoc:
    """One document of an input: its id (path inside the input), its bytes and checksum, or why it is unreadable."""

    id: str
    data: bytes | None = None
    error: str | None = None
    name: str | None = None  # the name a JSONL document's output takes (the id itself elsewhere)

    @property
    def checksum(self) -> str | None:
        """A content hash of the bytes (None when they could not be read)."""
        return None if self.data is None else checksum(self.data)


def checksum(data: bytes) -> str:
    """The checksum the ledger keeps for an input: BLAKE2b-128 of its bytes, hex."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class BatchInput:
    """An input of a batch job and how to read it."""

    path: Path
    kind: str  # dir | zip | tar | jsonl | list
    id_field: str = "id"
    text_field: str = "text"

    def ids(self) -> Iterator[str]:
        """Every document id, in reading order, without reading the documents (a cheap first pass)."""
        if self.kind == "dir":
            yield from _walk(self.path)
        elif self.kind == "zip":
            with _open_zip(self.path) as zf:
                for info in zf.infolist():
                    if not info.is_dir():
                        yield info.filename
        elif self.kind == "tar":
            with _open_tar(self.path) as tf:
                for member in _tar_members(self.path, tf):
                    if not member.isdir():
                        yield member.name
        elif self.kind == "jsonl":
            for doc in self._jsonl(read_text=False):
                yield doc.id
        else:
            for doc_id, _ in self._listed():
                yield doc_id

    def documents(self) -> Iterator[InputDoc]:
        """Every document with its bytes, one at a time (the archive is never loaded whole)."""
        if self.kind == "dir":
            for rel in _walk(self.path):
                yield _read_file(rel, self.path / rel)
        elif self.kind == "zip":
            yield from self._zip()
        elif self.kind == "tar":
            yield from self._tar()
        elif self.kind == "jsonl":
            yield from self._jsonl(read_text=True)
        else:
            for doc_id, path in self._listed():
                yield _read_file(doc_id, path)

    def _zip(self) -> Iterator[InputDoc]:
        """Members of a zip file, read one by one; a corrupt member fails alone."""
        with _open_zip(self.path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    yield InputDoc(info.filename, error="a symbolic link, not a regular file: skipped")
                    continue
                try:
                    with zf.open(info) as fh:
                        yield InputDoc(info.filename, data=fh.read())
                except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError) as exc:
                    yield InputDoc(info.filename, error=f"corrupt zip member: {exc}")

    def _tar(self) -> Iterator[InputDoc]:
        """Members of a tar file, streamed in order (mode r|*): no seeking, no whole-archive load."""
        with _open_tar(self.path) as tf:
            for member in _tar_members(self.path, tf):
                if member.isdir():
                    continue
                if not member.isfile():
                    what = "a link" if (member.issym() or member.islnk()) else "not a regular file"
                    yield InputDoc(member.name, error=f"{what} ({_tar_type(member)}): skipped")
                    continue
                try:
                    fh = tf.extractfile(member)
                    data = fh.read() if fh is not None else b""
                except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
                    yield InputDoc(member.name, error=f"corrupt tar member: {exc}")
                    return
                yield InputDoc(member.name, data=data)

    def _jsonl(self, read_text: bool) -> Iterator[InputDoc]:
        """One document per JSONL line; a bad line fails alone and names its line number."""
        try:
            fh = open(self.path, "rb")
        except OSError as exc:
            raise BitextError(f"{self.path}: cannot read ({exc.strerror})") from exc
        with fh:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                fallback = f"line-{lineno}"
                try:
                    rec = json.loads(raw)
                except (ValueError, UnicodeDecodeError) as exc:
                    yield InputDoc(fallback, error=f"{self.path}:{lineno}: invalid JSON ({exc})")
                    continue
                if not isinstance(rec, dict):
                    yield InputDoc(fallback, error=f"{self.path}:{lineno}: not a JSON object")
                    continue
                doc_id = rec.get(self.id_field)
                doc_id = fallback if doc_id is None or doc_id == "" else str(doc_id)
                if not read_text:
                    yield InputDoc(doc_id)
                    continue
                text = rec.get(self.text_field)
                if not isinstance(text, str):
                    yield InputDoc(doc_id, error=f"{self.path}:{lineno}: no string field {self.text_field!r}")
                    continue
                yield InputDoc(doc_id, data=text.encode("utf-8", "surrogatepass"))

    def _listed(self) -> Iterator[tuple[str, Path]]:
        """(id, path) for each line of a list file; relative paths are taken from the list's folder."""
        base = self.path.parent
        try:
            fh = open(self.path, encoding="utf-8")
        except OSError as exc:
            raise BitextError(f"{self.path}: cannot read ({exc.strerror})") from exc
        with fh:
            try:
                for line in fh:
                    entry = line.strip()
                    if entry and not entry.startswith("#"):
                        path = Path(os.path.normpath(base / entry))
                        yield _listed_id(path, base), path
            except UnicodeDecodeError as exc:
                raise BitextError(f"{self.path}: not UTF-8 text ({exc.reason})") from exc


def _listed_id(path: Path, base: Path) -> str:
    """The id of a listed file: its path below the list's folder, else its absolute path without the root."""
    abs_base = Path(os.path.abspath(base))
    abs_path = Path(os.path.abspath(path))
    try:
        return abs_path.relative_to(abs_base).as_posix()
    except ValueError:
        return abs_path.as_posix().lstrip("/")


def _walk(root: Path) -> Iterator[str]:
    """Relative posix paths of the files below `root`, sorted, hidden entries skipped, links not followed into."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath, name).relative_to(root).as_posix()


def _read_file(doc_id: str, path: Path) -> InputDoc:
    """One file's bytes; a missing or unreadable file is a failed document, not a failed job."""
    try:
        with open(path, "rb") as fh:
            return InputDoc(doc_id, data=fh.read())
    except FileNotFoundError:
        return InputDoc(doc_id, error=f"input disappeared: {path} no longer exists")
    except IsADirectoryError:
        return InputDoc(doc_id, error=f"{path} is a folder, not a file")
    except OSError as exc:
        return InputDoc(doc_id, error=f"cannot read {path}: {exc.strerror or exc}")


def _open_zip(path: Path) -> zipfile.ZipFile:
    """Open a zip file or explain in one line why not."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BitextError(f"{path}: not a readable zip file ({exc})") from exc


def _open_tar(path: Path) -> tarfile.TarFile:
    """Open a tar file as a stream (any compression) or explain in one line why not."""
    try:
        return tarfile.open(path, mode="r|*")
    except (tarfile.TarError, OSError) as exc:
        raise BitextError(f"{path}: not a readable tar file ({exc})") from exc


def _tar_members(path: Path, tf: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The members of a streamed tar, turning a truncated or corrupt archive into a one-line error."""
    it = iter(tf)
    while True:
        try:
            member = next(it)
        except StopIteration:
            return
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            raise BitextError(f"{path}: corrupt tar archive after {tf.offset} bytes ({exc})") from exc
        yield member


def _tar_type(member: tarfile.TarInfo) -> str:
    """A short description of a non-regular tar member."""
    if member.issym():
        return f"symlink to {member.linkname}"
    if member.islnk():
        return f"hard link to {member.linkname}"
    return "device, fifo or other special file"


def open_input(
    path: str | Path, kind: str = "auto", id_field: str = "id", text_field: str = "text"
) -> BatchInput:
    """Decide what kind of input `path` is (folder, zip, tar, JSONL, list of paths) and wrap it."""
    p = Path(path)
    if not p.exists():
        raise BitextError(f"{p}: no such file or folder")
    if kind == "auto":
        kind = detect_kind(p)
    if kind == "dir" and not p.is_dir():
        raise BitextError(f"{p}: not a folder")
    if kind != "dir" and p.is_dir():
        raise BitextError(f"{p}: is a folder; use --input-type dir")
    return BatchInput(p, kind, id_field, text_field)


def detect_kind(p: Path) -> str:
    """The kind of an input, from what it is and its name."""
    if p.is_dir():
        return "dir"
    name = p.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(".zip") or zipfile.is_zipfile(p):
        return "zip"
    if name.endswith(TAR_SUFFIXES) or _is_tar(p):
        return "tar"
    raise BitextError(
        f"{p}: cannot tell what kind of input this is (expected a folder, .zip, .tar[.gz], .jsonl); "
        "for a file listing paths use --input-type list"
    )


def _is_tar(p: Path) -> bool:
    """True when `p` opens as a tar archive."""
    try:
        return tarfile.is_tarfile(p)
    except OSError:
        return False
