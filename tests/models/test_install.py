"""Installing from each source kind into the store layout; the oracle is raw CTranslate2 on the built model."""

from __future__ import annotations

import json
import shutil

import pytest

from toolkit.errors import BitextError
from toolkit.models import families
from toolkit.models.download import sha256_file
from toolkit.models.install import InstallOptions, install
from toolkit.models.store import Manifest


def test_opus_zip_float32_translates_exactly_like_the_built_model(
    store, opus_zip, marian, sentences, raw, raw_installed
):
    model = install(store, opus_zip, InstallOptions(quantization="float32"))
    m = model.manifest
    assert (m.name, m.source_langs, m.target_langs, m.family) == ("opus-mt-ar-en", ["ar"], ["en"], "marian")
    assert m.checksum == sha256_file(opus_zip) and m.origin == str(opus_zip.resolve())
    assert m.defaults["beam_size"] == 4
    assert Manifest.load(model.path / "manifest.json") == m
    expected = raw(marian.ct2_dir, marian.source_spm, marian.target_spm, sentences)
    assert raw_installed(model, sentences) == expected


def test_opus_zip_is_int8_by_default(store, opus_zip, marian, sentences, raw_installed):
    model = install(store, opus_zip)
    int8 = (model.ct2_path / "model.bin").stat().st_size
    assert int8 < 0.8 * (marian.ct2_dir / "model.bin").stat().st_size
    out = raw_installed(model, sentences)
    assert len(out) == len(sentences) and any(out)


def test_unpacked_release_folder(store, marian, sentences, raw, raw_installed):
    model = install(store, marian.release_dir, InstallOptions(name="rel", source_langs=["ar"], target_langs=["en"],
                                                               quantization="float32"))  # fmt: skip
    assert model.name == "rel"
    assert raw_installed(model, sentences) == raw(
        marian.ct2_dir, marian.source_spm, marian.target_spm, sentences
    )


def test_argos_package_is_read_without_argostranslate(
    store, argos_package, marian, sentences, raw, raw_installed
):
    model = install(store, argos_package)
    m = model.manifest
    assert (m.name, m.family, m.source_spm, m.target_spm) == ("argos-ar-en", "argos", "sentencepiece.model",
                                                              "sentencepiece.model")  # fmt: skip
    assert (m.source_langs, m.target_langs) == (["ar"], ["en"])
    assert raw_installed(model, sentences) == raw(
        marian.ct2_dir, marian.source_spm, marian.target_spm, sentences
    )


def test_ct2_folder_with_spm_beside_it(store, tmp_path, marian, sentences, raw, raw_installed):
    folder = tmp_path / "my-model"
    shutil.copytree(marian.ct2_dir, folder)
    shutil.copyfile(marian.source_spm, folder / "source.spm")
    shutil.copyfile(marian.target_spm, folder / "target.spm")
    model = install(store, folder, InstallOptions(source_langs=["ar"], target_langs=["en"]))
    assert model.name == "my-model" and model.manifest.family == "ct2"
    assert model.manifest.checksum == sha256_file(marian.ct2_dir / "model.bin")
    assert not (model.ct2_path / "source.spm").exists()
    assert raw_installed(model, sentences) == raw(
        marian.ct2_dir, marian.source_spm, marian.target_spm, sentences
    )


def test_ct2_folder_with_spm_given_as_options(store, marian, sentences, raw, raw_installed):
    opts = InstallOptions(name="ct2", source_langs=["ar"], target_langs=["en"], source_spm=marian.source_spm,
                          target_spm=marian.target_spm)  # fmt: skip
    model = install(store, marian.ct2_dir, opts)
    assert raw_installed(model, sentences) == raw(
        marian.ct2_dir, marian.source_spm, marian.target_spm, sentences
    )


def test_a_name_is_not_overwritten_without_force(store, opus_zip):
    install(store, opus_zip)
    with pytest.raises(BitextError, match="already installed.*--force"):
        install(store, opus_zip)
    again = install(store, opus_zip, InstallOptions(force=True))
    assert [m.name for m in store.list()] == [again.name]
    assert sorted(p.name for p in store.root.iterdir()) == ["opus-mt-ar-en"]


def test_multilingual_vocabulary_makes_an_nllb_model_with_language_tokens(store, tmp_path, shared, sentences):
    """A model whose vocabulary holds NLLB codes is installed as family nllb; -s ar -t en become its tokens."""
    import ctranslate2
    import sentencepiece as spm

    from toolkit.models.synthetic import build_marian

    flores = shared / "data" / "flores"
    ar = (flores / "arb_Arab.dev").read_text(encoding="utf-8").splitlines()[:200]
    en = (flores / "eng_Latn.dev").read_text(encoding="utf-8").splitlines()[:200]
    build = build_marian(tmp_path / "nllb", source_lines=ar, target_lines=en,
                         extra_tokens=["arb_Arab", "eng_Latn", "fra_Latn"])  # fmt: skip
    opts = InstallOptions(name="tiny-nllb", source_spm=build.source_spm, target_spm=build.target_spm)
    model = install(store, build.ct2_dir, opts)
    assert model.manifest.family == "nllb"
    assert model.manifest.source_langs == ["ar", "en", "fr"] and model.covers("ar", "en")
    sp = spm.SentencePieceProcessor(model_file=str(model.source_spm_path))
    tokens = [families.source_tokens("nllb", p, "ar") for p in sp.encode(sentences, out_type=str)]
    assert all(t[0] == "arb_Arab" and t[-1] == "</s>" for t in tokens)
    prefix = families.target_prefix("nllb", "en")
    results = ctranslate2.Translator(str(model.ct2_path), intra_threads=1).translate_batch(
        tokens, target_prefix=[prefix] * len(tokens), beam_size=2, max_decoding_length=20
    )
    assert all(r.hypotheses[0][0] == "eng_Latn" for r in results)


def test_hugging_face_checkpoint_without_the_convert_extra_is_one_clear_line(tmp_path):
    """With transformers and torch absent (blocked in a fresh interpreter), the CLI says which extra to install."""
    import subprocess
    import sys

    ckpt = tmp_path / "opus-mt-ar-en-hf"
    ckpt.mkdir()
    (ckpt / "config.json").write_text(json.dumps({"model_type": "marian"}))
    (ckpt / "model.safetensors").write_bytes(b"\0" * 16)
    code = (
        "import sys; sys.modules['transformers'] = sys.modules['torch'] = None; from toolkit.cli import main; "
        f"main(['--models-dir', {str(tmp_path / 'store')!r}, 'models', 'install', {str(ckpt)!r}])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "needs the `convert` extra (" in proc.stderr
    assert "is missing): pip install 'bitext[convert]'" in proc.stderr
    assert not (tmp_path / "store").exists() or list((tmp_path / "store").iterdir()) == []


@pytest.mark.parametrize(
    ("filename", "pair"),
    [("opus-mt-ar-en.zip", ("ar", "en")), ("ara-eng.zip", ("ar", "en")), ("fr_en-model.zip", ("fr", "en"))],
)
def test_languages_from_the_file_name(store, tmp_path, opus_zip, filename, pair):
    named = tmp_path / filename
    shutil.copyfile(opus_zip, named)
    model = install(store, named)
    assert (model.manifest.source_langs, model.manifest.target_langs) == ([pair[0]], [pair[1]])


def test_languages_from_an_opus_mt_readme(store, tmp_path, marian):
    release = tmp_path / "opus-2019-12-18"
    shutil.copytree(marian.release_dir, release)
    (release / "README.md").write_text(
        "# opus-2019-12-18.zip\n* download: [opus-2019-12-18.zip]"
        "(https://object.pouta.csc.fi/OPUS-MT-models/ar-en/opus-2019-12-18.zip)\n"
    )
    model = install(store, release)
    assert (model.name, model.manifest.source_langs) == ("opus-mt-ar-en", ["ar"])
    assert (model.path / "README.md").is_file()
