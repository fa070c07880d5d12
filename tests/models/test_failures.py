"""A corrupt, incomplete or mismatched model is one line naming the file and the problem; the store is untouched."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from toolkit.errors import BitextError
from toolkit.models.install import InstallOptions, install

AR_EN = InstallOptions(source_langs=["ar"], target_langs=["en"])


def rezip(src_zip, dest, *, drop=(), replace=None):
    """A copy of a zip without some members and with others replaced."""
    replace = replace or {}
    with zipfile.ZipFile(src_zip) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in replace.items():
            if name not in zin.namelist():
                zout.writestr(name, data)
    return dest


def refused(store, source, pattern, opts=AR_EN):
    """Install must fail with a one-line message matching pattern, leaving the store empty."""
    with pytest.raises(BitextError, match=pattern) as info:
        install(store, source, opts)
    assert "\n" not in str(info.value)
    assert list(store.root.iterdir()) == [], "nothing half-installed, no staging folder left"
    return str(info.value)


def test_truncated_zip(store, tmp_path, opus_zip):
    cut = tmp_path / "cut.zip"
    cut.write_bytes(opus_zip.read_bytes()[: opus_zip.stat().st_size // 2])
    msg = refused(store, cut, "corrupt or truncated archive")
    assert str(cut) in msg


def test_missing_vocabulary(store, tmp_path, opus_zip, marian):
    bad = rezip(opus_zip, tmp_path / "novocab.zip", drop={marian.vocab.name})
    refused(store, bad, rf"{marian.vocab.name}: missing Marian vocabulary")


def test_missing_target_spm(store, tmp_path, opus_zip):
    bad = rezip(opus_zip, tmp_path / "nospm.zip", drop={"target.spm"})
    refused(store, bad, r"target.spm: missing")


def test_bpe_release_is_named_as_such(store, tmp_path, opus_zip):
    bad = rezip(opus_zip, tmp_path / "bpe.zip", drop={"source.spm", "target.spm"},
                replace={"source.bpe": b"a b\n", "target.bpe": b"a b\n"})  # fmt: skip
    refused(store, bad, "uses BPE")


def test_spm_that_does_not_match_the_vocabulary(store, tmp_path, opus_zip, marian):
    from toolkit.models.synthetic import build_marian

    other = build_marian(
        tmp_path / "other", source_lines=["αβγδ εζηθ ικλμ"] * 50, target_lines=["νξοπ ρστυ"] * 50
    )
    bad = rezip(opus_zip, tmp_path / "mismatch.zip", replace={"source.spm": other.source_spm.read_bytes()})
    refused(store, bad, r"source.spm: does not match the model vocabulary")


def test_corrupt_npz(store, tmp_path, opus_zip, marian):
    bad = rezip(opus_zip, tmp_path / "badnpz.zip", replace={marian.npz.name: b"PK\x03\x04 not really"})
    refused(store, bad, rf"{marian.npz.name}: corrupt or truncated Marian model")


def test_npz_missing_a_tensor(store, tmp_path, opus_zip, marian):
    import io

    import numpy as np

    with np.load(marian.npz) as w:
        weights = {k: w[k] for k in w.files if k != "decoder_l1_ffn_W1"}
    buf = io.BytesIO()
    np.savez(buf, **weights)
    bad = rezip(opus_zip, tmp_path / "notensor.zip", replace={marian.npz.name: buf.getvalue()})
    refused(store, bad, rf"{marian.npz.name}: MarianConverter cannot convert it")


def test_truncated_model_bin(store, tmp_path, marian):
    folder = tmp_path / "ct2"
    shutil.copytree(marian.ct2_dir, folder)
    data = (folder / "model.bin").read_bytes()
    (folder / "model.bin").write_bytes(data[: len(data) // 3])
    opts = InstallOptions(source_langs=["ar"], target_langs=["en"], source_spm=marian.source_spm)
    refused(store, folder, r"model.bin: CTranslate2 cannot load it", opts)


def test_ct2_folder_without_spm(store, marian):
    refused(store, marian.ct2_dir, "no SentencePiece model found.*--source-spm")


def test_folder_that_is_no_model(store, tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("hello")
    refused(store, tmp_path / "notes", "not a model bitext can install")


def test_plain_file_that_is_no_archive(store, tmp_path):
    f = tmp_path / "model.txt"
    f.write_text("hello")
    refused(store, f, "not a model archive")


def test_languages_that_cannot_be_told(store, tmp_path, opus_zip):
    anonymous = tmp_path / "model.zip"
    shutil.copyfile(opus_zip, anonymous)
    refused(store, anonymous, "cannot tell the model's languages; pass them", InstallOptions())


def test_argos_package_without_metadata_languages(store, tmp_path, argos_package):
    with zipfile.ZipFile(argos_package) as zf:
        top = zf.namelist()[0].split("/")[0]
    bad = rezip(
        argos_package,
        tmp_path / "bad.argosmodel",
        replace={f"{top}/metadata.json": b'{"package_version": 1}'},
    )
    refused(store, bad, r"metadata.json: unreadable Argos metadata")


def test_argos_bpe_package(store, tmp_path, argos_package):
    with zipfile.ZipFile(argos_package) as zf:
        top = zf.namelist()[0].split("/")[0]
    bad = rezip(argos_package, tmp_path / "bpe.argosmodel", drop={f"{top}/sentencepiece.model"},
                replace={f"{top}/bpe.model": b"#version: 0.2\n"})  # fmt: skip
    refused(store, bad, "BPE tokenizer")


def test_bad_name_and_bad_quantization(store, opus_zip):
    with pytest.raises(BitextError, match="invalid model name"):
        install(store, opus_zip, InstallOptions(name="../escape"))
    with pytest.raises(BitextError, match="unknown quantization"):
        install(store, opus_zip, InstallOptions(quantization="int3"))
