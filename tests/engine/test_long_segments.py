"""Nothing is truncated: long segments are cut at clauses/spaces, translated in pieces equal to raw CTranslate2."""

import ctranslate2
import pytest
import sentencepiece as spm

from toolkit.engine import DecodeOptions, Translator
from toolkit.models.install import InstallOptions, install
from toolkit.models.store import Manifest, ModelStore

FLOAT = DecodeOptions(compute_type="float32", max_decoding_length=40, intra_threads=1)


@pytest.fixture(scope="module")
def small_input_model(tmp_path_factory, marian):
    """The tiny Marian model installed from its OPUS-MT release, with a 24-token input limit."""
    store = ModelStore(tmp_path_factory.mktemp("store"))
    model = install(
        store,
        marian.release_dir,
        InstallOptions(name="tiny", quantization="float32", source_langs=["ar"], target_langs=["en"]),
    )
    manifest = model.manifest
    manifest.max_input_tokens = 24
    manifest.dump(model.path / "manifest.json")
    return store.get("tiny")


def raw(model, pieces):
    sp = spm.SentencePieceProcessor(model_file=str(model.source_spm_path))
    tr = ctranslate2.Translator(str(model.ct2_path), compute_type="float32", intra_threads=1)
    res = tr.translate_batch(
        sp.encode(pieces, out_type=str), beam_size=4, max_decoding_length=40, max_input_length=0
    )
    return sp.decode([r.hypotheses[0] for r in res])


def test_long_segment_is_split_at_clauses_and_rejoined(small_input_model, shared):
    model = small_input_model
    assert isinstance(model.manifest, Manifest) and model.manifest.max_input_tokens == 24
    clauses = (shared / "data" / "flores" / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:4]
    clauses = [c.rstrip(".") for c in clauses]
    long = "، ".join(clauses) + "."
    tr = Translator(model, FLOAT)
    (res,) = tr.translate_texts([long], source_lang="ar", target_lang="en")
    pieces, glue = tr._split(long, len(tr.tokenizer.encode([long])[0]))
    assert len(pieces) > 1 and "".join(g + p for g, p in zip(glue, pieces + [""])) == long
    assert all(len(t) <= 22 for t in tr.tokenizer.encode(pieces))
    expected = glue[0] + "".join(t + g for t, g in zip(raw(model, pieces), glue[1:]))
    assert res.target == expected


def test_text_without_any_break_is_still_translated_whole(small_input_model):
    tr = Translator(small_input_model, FLOAT)
    blob = "كيم" * 60
    (res,) = tr.translate_texts([blob], source_lang="ar", target_lang="en")
    pieces, _ = tr._split(blob, len(tr.tokenizer.encode([blob])[0]))
    assert len(pieces) > 1 and "".join(pieces) == blob
    assert res.target == "".join(raw(small_input_model, pieces))
