"""Untrusted archives: zip-slip, tar-slip, links leaving the folder, devices and zip bombs are refused up front."""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile

import pytest

from toolkit.errors import BitextError
from toolkit.models.archive import safe_extract
from toolkit.models.install import InstallOptions, install


def make_zip(path, members):
    """A zip from (name, bytes) pairs; a name ending in '@' becomes a symlink whose target is the bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            if name.endswith("@"):
                info = zipfile.ZipInfo(name[:-1])
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, data)
            else:
                zf.writestr(name, data)
    return path


def make_tar(path, members):
    """A tar.gz from TarInfo-building tuples: (name, kind, payload) with kind file|sym|hard|dev."""
    with tarfile.open(path, "w:gz") as tf:
        for name, kind, payload in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(payload)
                tf.addfile(info, io.BytesIO(payload))
                continue
            info.type = {"sym": tarfile.SYMTYPE, "hard": tarfile.LNKTYPE, "dev": tarfile.CHRTYPE}[kind]
            info.linkname = payload.decode() if payload else ""
            tf.addfile(info)
    return path


def refused(tmp_path, archive, pattern):
    """safe_extract refuses the archive before writing anything."""
    dest = tmp_path / "out"
    with pytest.raises(BitextError, match=pattern) as info:
        safe_extract(archive, dest)
    assert not dest.exists() or list(dest.iterdir()) == []
    assert str(archive) in str(info.value)


def test_zip_slip_dotdot(tmp_path):
    refused(tmp_path, make_zip(tmp_path / "a.zip", [("ok.txt", b"x"), ("../evil.txt", b"x")]), "'..'")
    assert not (tmp_path / "evil.txt").exists()


def test_zip_absolute_path(tmp_path):
    refused(tmp_path, make_zip(tmp_path / "a.zip", [("/tmp/evil.txt", b"x")]), "absolute path")


def test_zip_backslash_dotdot(tmp_path):
    refused(tmp_path, make_zip(tmp_path / "a.zip", [("model\\..\\..\\evil.txt", b"x")]), "'..'")


def test_zip_symlink_out_of_the_folder(tmp_path):
    archive = make_zip(tmp_path / "a.zip", [("model/", b""), ("model/link@", b"../../etc/passwd")])
    refused(tmp_path, archive, "link 'model/link' points outside")


def test_tar_slip(tmp_path):
    refused(tmp_path, make_tar(tmp_path / "a.tgz", [("../evil", "file", b"x")]), "'..'")


def test_tar_symlink_to_an_absolute_path(tmp_path):
    refused(tmp_path, make_tar(tmp_path / "a.tgz", [("pkg/link", "sym", b"/etc/passwd")]), "points outside")


def test_tar_hardlink_out_of_the_folder(tmp_path):
    refused(tmp_path, make_tar(tmp_path / "a.tgz", [("pkg/h", "hard", b"../../secret")]), "points outside")


def test_tar_device(tmp_path):
    refused(tmp_path, make_tar(tmp_path / "a.tgz", [("pkg/dev", "dev", b"")]), "device or fifo")


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    zeros = b"\0" * (80 * 1024 * 1024)
    archive = make_zip(tmp_path / "bomb.zip", [("model/model.bin", zeros)])
    assert archive.stat().st_size < 200_000
    refused(tmp_path, archive, "zip bomb")


def test_absurd_total_size(tmp_path):
    archive = make_zip(tmp_path / "big.zip", [("a.bin", b"x" * 5000), ("b.bin", b"y" * 5000)])
    with pytest.raises(BitextError, match="would unpack to"):
        safe_extract(archive, tmp_path / "out", max_bytes=8000)


def test_links_inside_the_folder_are_fine(tmp_path):
    archive = make_tar(tmp_path / "a.tgz", [("pkg/a.txt", "file", b"hello"), ("pkg/b.txt", "sym", b"a.txt")])
    out = safe_extract(archive, tmp_path / "out")
    assert (out / "pkg" / "b.txt").read_text() == "hello"


def test_install_refuses_a_slipping_model_archive_and_leaves_the_store_empty(tmp_path, store, opus_zip):
    with zipfile.ZipFile(opus_zip) as zf:
        members = [(n, zf.read(n)) for n in zf.namelist()]
    evil = make_zip(tmp_path / "opus-ar-en.zip", [*members, ("../../../outside.txt", b"x")])
    with pytest.raises(BitextError, match="climbs out"):
        install(store, evil)
    assert list(store.root.iterdir()) == []
    assert not (tmp_path / "outside.txt").exists()


def test_tar_gz_of_a_model_installs(tmp_path, store, marian, sentences, raw, raw_installed):
    archive = tmp_path / "ar-en-ct2.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(marian.ct2_dir, arcname="ar-en-ct2")
        tf.add(marian.source_spm, arcname="ar-en-ct2/sentencepiece.model")
    model = install(store, archive, InstallOptions(name="tgz"))
    assert (model.manifest.source_langs, model.manifest.target_langs) == (
        ["ar"],
        ["en"],
    )  # from the file name
    assert raw_installed(model, sentences) == raw(
        marian.ct2_dir, marian.source_spm, marian.target_spm, sentences
    )
