"""Safe unpacking of untrusted zip and tar archives: every member is checked before anything is written."""

from __future__ import annotations

import posixpath
import shutil
import stat
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from toolkit.errors import BitextError

MAX_TOTAL_BYTES = 16 * 1024**3  # no model archive unpacks to more than this
MAX_MEMBERS = 50_000
MAX_RATIO = 200  # uncompressed / compressed size beyond which a large archive is treated as a bomb
RATIO_FLOOR = 64 * 1024**2  # archives unpacking to less than this are never refused for their ratio


@dataclass
class Member:
    """One archive entry, as the checks see it."""

    name: str
    size: int
    is_dir: bool = False
    link_target: str | None = None  # symlink / hardlink target, as stored


def is_archive(path: Path) -> bool:
    """True when `path` is a zip or tar file (by content, not by name)."""
    return path.is_file() and (zipfile.is_zipfile(path) or _is_tar(path))


def _is_tar(path: Path) -> bool:
    """True when tarfile can read `path`."""
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def list_members(path: Path) -> list[Member]:
    """The entries of a zip or tar archive; a corrupt archive is a one-line error."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                return [_zip_member(zf, info) for info in zf.infolist()]
        if _is_tar(path):
            with tarfile.open(path) as tf:
                return [_tar_member(info) for info in tf.getmembers()]
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BitextError(f"{path}: corrupt or truncated archive ({exc})") from exc
    raise BitextError(f"{path}: not a zip or tar archive")


def _zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Member:
    """A Member for a zip entry (Unix symlinks are read from the external attributes)."""
    mode = info.external_attr >> 16
    target = zf.read(info).decode("utf-8", "replace") if stat.S_ISLNK(mode) else None
    return Member(info.filename, info.file_size, info.is_dir(), target)


def _tar_member(info: tarfile.TarInfo) -> Member:
    """A Member for a tar entry; devices and fifos are refused outright."""
    if not (info.isfile() or info.isdir() or info.issym() or info.islnk()):
        return Member(info.name, 0, False, link_target="\0special")
    return Member(
        info.name, info.size, info.isdir(), info.linkname if (info.issym() or info.islnk()) else None
    )


def check_members(path: Path, members: list[Member], *, max_bytes: int = MAX_TOTAL_BYTES) -> int:
    """Refuse unsafe members (absolute paths, `..`, links leaving the folder) and absurd sizes; return the total."""
    if len(members) > MAX_MEMBERS:
        raise BitextError(f"{path}: refused, the archive holds {len(members)} entries (limit {MAX_MEMBERS})")
    total = 0
    for m in members:
        name = m.name.replace("\\", "/")
        pure = PurePosixPath(name)
        if name.startswith("/") or (len(name) > 1 and name[1] == ":") or pure.is_absolute():
            raise BitextError(f"{path}: refused, member {m.name!r} has an absolute path")
        if ".." in pure.parts:
            raise BitextError(f"{path}: refused, member {m.name!r} climbs out of the folder with '..'")
        if m.link_target == "\0special":
            raise BitextError(f"{path}: refused, member {m.name!r} is a device or fifo")
        if m.link_target is not None:
            target = m.link_target.replace("\\", "/")
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
            if target.startswith("/") or joined == ".." or joined.startswith("../"):
                raise BitextError(
                    f"{path}: refused, link {m.name!r} points outside the folder ({m.link_target})"
                )
        total += max(0, m.size)
    if total > max_bytes:
        raise BitextError(
            f"{path}: refused, the archive would unpack to {total / 1e9:.1f} GB (limit {max_bytes / 1e9:.1f} GB)"
        )
    packed = path.stat().st_size
    if total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):
        raise BitextError(
            f"{path}: refused, the archive would unpack to {total / 1e6:.0f} MB from {packed / 1e6:.1f} MB "
            f"(ratio over {MAX_RATIO}: a zip bomb?)"
        )
    return total


def safe_extract(path: Path, dest: Path, *, max_bytes: int = MAX_TOTAL_BYTES) -> Path:
    """Unpack an untrusted archive into `dest` after checking every member and the free space; return `dest`."""
    members = list_members(path)
    total = check_members(path, members, max_bytes=max_bytes)
    dest.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(dest).free
    if total > free:
        raise BitextError(
            f"{path}: no space left: unpacking needs {total / 1e6:.0f} MB, {dest} has {free / 1e6:.0f} MB free"
        )
    try:
        if zipfile.is_zipfile(path):
            _extract_zip(path, dest)
        else:
            with tarfile.open(path) as tf:
                tf.extractall(dest, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, ValueError) as exc:
        raise BitextError(f"{path}: corrupt or truncated archive ({exc})") from exc
    except OSError as exc:
        raise BitextError(f"{path}: cannot unpack into {dest} ({exc.strerror or exc})") from exc
    return dest


def _extract_zip(path: Path, dest: Path) -> None:
    """Write a checked zip's entries (links are skipped: no model needs them), never more than their declared size."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            target = dest / info.filename
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out, 1024 * 1024)


def single_top_folder(root: Path) -> Path:
    """The folder holding an unpacked archive's files: `root`, or its only subfolder when that is all there is."""
    entries = [p for p in root.iterdir() if p.name not in {"__MACOSX", ".DS_Store"}]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return root
