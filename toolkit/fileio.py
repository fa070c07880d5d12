"""Reading user files strictly (one-line errors naming file and line) and writing outputs atomically."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from toolkit.errors import BitextError

MAX_LINE_CHARS = 100_000


def decode_text(
    data: bytes,
    name: str,
    *,
    max_line_chars: int | None = MAX_LINE_CHARS,
    allow_empty: bool = False,
    strip_bom: bool = False,
) -> str:
    """UTF-8 text of `data`; refuses empty input, invalid UTF-8, NUL bytes and over-long lines.

    `allow_empty`: an empty file is empty text; `strip_bom`: a leading byte-order mark is dropped (it is kept by
    default, so that translated output keeps the input's bytes); `max_line_chars=None`: no line limit.
    """
    if not allow_empty and not data.strip():
        raise BitextError(f"{name}: empty file")
    try:
        text = data.decode("utf-8-sig" if strip_bom else "utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BitextError(
            f"{name}:{line}: invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise BitextError(f"{name}:{text.count(chr(10), 0, nul) + 1}: NUL byte in text (binary file?)")
    for lineno, line in enumerate(text.split("\n") if max_line_chars else (), 1):
        if len(line) > max_line_chars:
            raise BitextError(
                f"{name}:{lineno}: line of {len(line):,} characters is longer than the limit of {max_line_chars:,} "
                "(raise it with --max-line-chars)"
            )
    return text


def read_text(path: str | Path, **checks) -> str:
    """Read a text file ('-' is stdin) with decode_text's checks (its keyword options pass through)."""
    if str(path) == "-":
        return decode_text(sys.stdin.buffer.read(), "<stdin>", **checks)
    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise BitextError(f"{p}: is a directory") from None
    except OSError as exc:
        raise BitextError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return decode_text(data, str(p), **checks)


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write a file so that readers see either the old file or the whole new one (temp file + fsync + rename)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(path: str | Path | None, data: str | bytes) -> None:
    """Write to a file atomically, or to stdout when path is None or '-'."""
    if path is None or str(path) == "-":
        raw = data.encode("utf-8") if isinstance(data, str) else data
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise BitextError(f"{path}: cannot write ({exc.strerror})") from None
