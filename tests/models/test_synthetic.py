"""The test-model factory: deterministic numpy weights, real SentencePiece, real MarianConverter."""

from __future__ import annotations

import json
import time
import zipfile

import numpy as np
import pytest

from toolkit.models.synthetic import build_marian, pack_argosmodel, pack_opus_zip


def test_same_seed_same_weights_other_seed_other_weights(tmp_path):
    a = build_marian(tmp_path / "a", seed=3)
    b = build_marian(tmp_path / "b", seed=3)
    c = build_marian(tmp_path / "c", seed=4)
    with np.load(a.npz) as wa, np.load(b.npz) as wb, np.load(c.npz) as wc:
        assert sorted(wa.files) == sorted(wb.files)
        assert all(np.array_equal(wa[k], wb[k]) for k in wa.files)
        assert not np.array_equal(wa["Wemb"], wc["Wemb"])
    assert a.source_spm.read_bytes() == b.source_spm.read_bytes()


def test_second_build_is_cached(tmp_path):
    build_marian(tmp_path / "m", seed=1)
    stamp = (tmp_path / "m" / "build.json").stat().st_mtime_ns
    start = time.perf_counter()
    again = build_marian(tmp_path / "m", seed=1)
    assert time.perf_counter() - start < 0.5
    assert (tmp_path / "m" / "build.json").stat().st_mtime_ns == stamp
    assert (again.ct2_dir / "model.bin").is_file()


def test_converted_model_translates_deterministically(marian, sentences, raw):
    first = raw(marian.ct2_dir, marian.source_spm, marian.target_spm, sentences)
    second = raw(marian.ct2_dir, marian.source_spm, marian.target_spm, sentences)
    assert first == second
    assert any(first), "a random model still emits some pieces"
    config = json.loads((marian.ct2_dir / "config.json").read_text())
    assert config["add_source_eos"] is True  # MarianConverter's own marker


def test_release_zip_and_argos_package_hold_what_their_readers_expect(marian, opus_zip, argos_package):
    with zipfile.ZipFile(opus_zip) as zf:
        names = set(zf.namelist())
    assert {"decoder.yml", "source.spm", "target.spm", marian.npz.name, marian.vocab.name} <= names
    with zipfile.ZipFile(argos_package) as zf:
        names = zf.namelist()
        top = names[0].split("/")[0]
        meta = json.loads(zf.read(f"{top}/metadata.json"))
    assert {f"{top}/sentencepiece.model", f"{top}/model/model.bin"} <= set(names)
    assert (meta["from_code"], meta["to_code"]) == ("ar", "en")
    assert pack_opus_zip(marian) == opus_zip and pack_argosmodel(marian) == argos_package  # cached


def test_outputs_end_on_their_own_near_the_source_length(marian, shared):
    """The length mechanism: </s> comes at about the source length, well before the decoding limit."""
    import ctranslate2
    import sentencepiece as spm

    lines = (shared / "data" / "flores" / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:16]
    sp = spm.SentencePieceProcessor(model_file=str(marian.source_spm))
    tokens = sp.encode(lines, out_type=str)
    results = ctranslate2.Translator(str(marian.ct2_dir), intra_threads=1).translate_batch(
        tokens, beam_size=1, max_decoding_length=400
    )
    src = np.array([len(t) for t in tokens])
    out = np.array([len(r.hypotheses[0]) for r in results])
    assert (out < 400).all()
    assert 0.5 < (out / src).mean() < 1.5
    assert np.corrcoef(src, out)[0, 1] > 0.8


@pytest.mark.slow
def test_opus_shape(tmp_path, shared):
    """The benchmark model: 6+6 layers, d_model 512, FFN 2048, 8 heads, ~60k vocabulary, int8."""
    import ctranslate2
    import sentencepiece as spm

    flores = shared / "data" / "flores"
    ar = (flores / "arb_Arab.dev").read_text(encoding="utf-8").splitlines()
    en = (flores / "eng_Latn.dev").read_text(encoding="utf-8").splitlines()
    build = build_marian(
        tmp_path / "opus", shape="opus", source_lines=ar, target_lines=en, quantization="int8"
    )
    with np.load(build.npz) as w:
        assert w["Wemb"].shape[1] == 512 and 59_000 <= w["Wemb"].shape[0] <= 60_000
        assert "decoder_l6_ffn_W1" in w.files and "encoder_l7_ffn_W1" not in w.files
        assert w["decoder_l1_ffn_W1"].shape == (512, 2048)
    assert json.loads((build.ct2_dir / "config.json").read_text())["add_source_eos"] is True
    sp = spm.SentencePieceProcessor(model_file=str(build.source_spm))
    tokens = sp.encode(
        (flores / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:4], out_type=str
    )
    results = ctranslate2.Translator(str(build.ct2_dir), intra_threads=1).translate_batch(
        tokens, beam_size=2, max_decoding_length=300
    )
    ratios = [len(r.hypotheses[0]) / len(t) for r, t in zip(results, tokens)]
    assert all(0.5 < x < 1.5 for x in ratios), ratios
