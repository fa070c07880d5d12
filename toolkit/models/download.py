"""Downloads into the model store: streamed, checksummed, written to a temp file and renamed when complete."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from toolkit.errors import BitextError

CHUNK = 1024 * 1024
OFFLINE_HINT = "to install without network, fetch the file elsewhere and run `bitext models install PATH`"


@dataclass
class Downloaded:
    """A completed download."""

    path: Path
    sha256: str
    size: int
    verified: bool  # True when the sha256 matched an expected value


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def is_url(text: str) -> bool:
    """True for http(s) and file URLs."""
    return urlparse(text).scheme in {"http", "https", "file"}


def url_filename(url: str, default: str = "download") -> str:
    """The last path component of a URL (a safe file name)."""
    name = Path(unquote(urlparse(url).path)).name
    return "".join(c for c in name if c.isalnum() or c in "._+-") or default


def download(
    url: str,
    dest_dir: Path,
    *,
    expected_sha256: str | None = None,
    expected_size: int | None = None,
    progress: bool | None = None,
    timeout: float = 30.0,
) -> Downloaded:
    """Fetch `url` into dest_dir: the bytes go to a temp file there, are checked, then renamed into place.

    A failed, truncated or mismatched download leaves nothing behind and raises a one-line BitextError.
    """
    import requests

    dest_dir.mkdir(parents=True, exist_ok=True)
    final = dest_dir / url_filename(url)
    if urlparse(url).scheme == "file":
        return _copy_local(Path(unquote(urlparse(url).path)), final, expected_sha256, expected_size)
    show = sys.stderr.isatty() if progress is None else progress
    fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix=".download-", suffix=".part")
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    received = 0
    declared: int | None = None
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with requests.get(url, stream=True, timeout=timeout) as resp:
                    resp.raise_for_status()
                    declared = _content_length(resp)
                    length = declared or expected_size
                    _check_space(dest_dir, length, url)
                    bar = _progress_bar(show, length, final.name)
                    try:
                        for block in resp.iter_content(CHUNK):
                            out.write(block)
                            h.update(block)
                            received += len(block)
                            if bar is not None:
                                bar.update(len(block))
                    finally:
                        if bar is not None:
                            bar.close()
            except requests.RequestException as exc:
                raise BitextError(f"download of {url} failed ({_reason(exc)}); {OFFLINE_HINT}") from exc
            except OSError as exc:
                raise _write_error(exc, tmp, url) from exc
        if declared is not None and received != declared:
            raise BitextError(
                f"download of {url} is truncated: got {received} of {declared} bytes; try again or {OFFLINE_HINT}"
            )
        digest = h.hexdigest()
        _verify(url, digest, received, expected_sha256, expected_size)
        tmp.replace(final)
    finally:
        tmp.unlink(missing_ok=True)
    return Downloaded(final, digest, received, expected_sha256 is not None)


def _content_length(resp) -> int | None:
    """The Content-Length the server announced (None when absent or compressed in transit)."""
    value = resp.headers.get("Content-Length")
    encoded = resp.headers.get("Content-Encoding", "identity") not in {"identity", ""}
    return int(value) if value and value.isdigit() and not encoded else None


def _verify(
    source: str, digest: str, size: int, expected_sha256: str | None, expected_size: int | None
) -> None:
    """Refuse a file whose sha256 or size differ from what the index promised."""
    if expected_sha256 and digest.lower() != expected_sha256.lower():
        raise BitextError(
            f"checksum mismatch for {source}: sha256 {digest}, expected {expected_sha256}; nothing was installed"
        )
    if expected_size and not expected_sha256 and size != expected_size:
        raise BitextError(
            f"size mismatch for {source}: {size} bytes, expected {expected_size}; nothing was installed"
        )


def _copy_local(src: Path, final: Path, expected_sha256: str | None, expected_size: int | None) -> Downloaded:
    """A file:// 'download': copy through a temp file, with the same checks."""
    if not src.is_file():
        raise BitextError(f"{src}: no such file")
    fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=".download-", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            shutil.copyfile(src, tmp)
        except OSError as exc:
            raise _write_error(exc, tmp, str(src)) from exc
        digest = sha256_file(tmp)
        size = tmp.stat().st_size
        _verify(str(src), digest, size, expected_sha256, expected_size)
        tmp.replace(final)
    finally:
        tmp.unlink(missing_ok=True)
    return Downloaded(final, digest, size, expected_sha256 is not None)


def _check_space(dest_dir: Path, length: int | None, url: str) -> None:
    """Refuse early when the announced size does not fit on the disk."""
    if length:
        free = shutil.disk_usage(dest_dir).free
        if length > free:
            raise BitextError(
                f"no space left for {url}: it needs {length / 1e6:.0f} MB, {dest_dir} has {free / 1e6:.0f} MB free"
            )


def _write_error(exc: OSError, tmp: Path, source: str) -> BitextError:
    """A one-line error for a failed write (disk full gets its own words)."""
    if exc.errno == errno.ENOSPC:
        return BitextError(f"no space left on the device while writing {source} to {tmp.parent}")
    return BitextError(f"cannot write {source} to {tmp.parent} ({exc.strerror or exc})")


def _reason(exc: Exception) -> str:
    """A short reason for a failed request."""
    import requests

    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "truncated: the connection closed before the announced size"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, requests.ConnectionError):
        return "cannot connect: no network or host unreachable"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]


def _progress_bar(show: bool, total: int | None, label: str):
    """A tqdm bar on stderr when asked (a terminal), else None."""
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(
        total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=label, file=sys.stderr, leave=False
    )
