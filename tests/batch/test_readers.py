"""Streaming readers: every input kind yields the same documents; bad members fail alone."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from toolkit.batch.readers import checksum, open_input
from toolkit.errors import BitextError

DOCS = {"a/one.txt": "واحد\n".encode(), "a/b/two.html": "<p>اثنان</p>".encode(), "three.txt": b"three\n"}


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "dir"
    for name, data in DOCS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _zip(tmp_path: Path) -> Path:
    path = tmp_path / "in.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in DOCS.items():
            zf.writestr(name, data)
    return path


def _tar(tmp_path: Path, suffix: str = ".tar.gz") -> Path:
    path = tmp_path / f"in{suffix}"
    with tarfile.open(path, "w:gz" if suffix.endswith("gz") else "w") as tf:
        for name, data in DOCS.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def _jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text(
        "".join(
            json.dumps({"doc": n, "body": d.decode()}, ensure_ascii=False) + "\n" for n, d in DOCS.items()
        ),
        encoding="utf-8",
    )
    return path


def _list(tmp_path: Path) -> Path:
    root = _folder(tmp_path)
    path = tmp_path / "paths.txt"
    path.write_text("".join(f"dir/{n}\n" for n in DOCS) + "# a comment\n\n", encoding="utf-8")
    return root.parent / path.name


@pytest.mark.parametrize(
    "build,kind,fields",
    [
        (_folder, "auto", {}),
        (_zip, "auto", {}),
        (_tar, "auto", {}),
        (lambda p: _tar(p, ".tar"), "auto", {}),
        (_jsonl, "auto", {"id_field": "doc", "text_field": "body"}),
    ],
)
def test_every_kind_yields_the_same_documents(tmp_path, build, kind, fields):
    inp = open_input(build(tmp_path), kind, **fields)
    docs = {d.id: d for d in inp.documents()}
    assert {k: v.data for k, v in docs.items()} == DOCS
    assert sorted(inp.ids()) == sorted(DOCS)
    assert all(d.checksum == checksum(DOCS[d.id]) for d in docs.values())


def test_list_of_paths_names_documents_by_their_path(tmp_path):
    inp = open_input(_list(tmp_path), "list")
    docs = {d.id: d.data for d in inp.documents()}
    assert docs == {f"dir/{k}": v for k, v in DOCS.items()}


def test_corrupt_zip_member_fails_alone(tmp_path):
    path = _zip(tmp_path)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("a/one.txt")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start : start + 4] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(raw))
    docs = {d.id: d for d in open_input(path).documents()}
    assert docs["a/one.txt"].error and "corrupt zip member" in docs["a/one.txt"].error
    assert docs["three.txt"].data == DOCS["three.txt"]


def test_tar_links_are_reported_not_followed(tmp_path):
    path = tmp_path / "links.tar"
    with tarfile.open(path, "w") as tf:
        link = tarfile.TarInfo("evil")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(link)
        data = b"ok"
        info = tarfile.TarInfo("fine.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    docs = {d.id: d for d in open_input(path).documents()}
    assert docs["evil"].data is None and "symlink to /etc/passwd" in docs["evil"].error
    assert docs["fine.txt"].data == b"ok"


def test_bad_jsonl_lines_fail_alone_and_name_the_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "text": "x"}\nnot json\n{"id": "c"}\n[1]\n', encoding="utf-8")
    docs = list(open_input(path).documents())
    assert [d.id for d in docs] == ["a", "line-2", "c", "line-4"]
    assert docs[0].data == b"x"
    assert f"{path}:2: invalid JSON" in docs[1].error
    assert "no string field 'text'" in docs[2].error and ":3:" in docs[2].error
    assert "not a JSON object" in docs[3].error


def test_unknown_input_kind_is_one_clear_error(tmp_path):
    odd = tmp_path / "notes.bin"
    odd.write_bytes(b"\x00\x01")
    with pytest.raises(BitextError, match="cannot tell what kind of input"):
        open_input(odd)
    with pytest.raises(BitextError, match="no such file"):
        open_input(tmp_path / "missing.zip")
