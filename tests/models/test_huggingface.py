"""Hugging Face checkpoints (the `convert` extra): tiny random Marian and NLLB models built with transformers,
installed through TransformersConverter; the oracle is transformers' own greedy generation."""

from __future__ import annotations

import json
import shutil

import pytest

from toolkit.models import families
from toolkit.models.install import InstallOptions, install

transformers = pytest.importorskip("transformers", reason="the convert extra (transformers) is not installed")
torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def hf_marian(tmp_path_factory, marian):
    """A random MarianMTModel with the tiny model's SentencePiece files and vocabulary."""
    from ctranslate2.converters.marian import load_vocab

    folder = tmp_path_factory.mktemp("hf") / "opus-mt-ar-en"
    folder.mkdir()
    vocab = load_vocab(str(marian.vocab))
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(vocab)}, ensure_ascii=False))
    shutil.copyfile(marian.source_spm, folder / "source.spm")
    shutil.copyfile(marian.target_spm, folder / "target.spm")
    transformers.MarianTokenizer(
        str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json")
    ).save_pretrained(folder)
    torch.manual_seed(0)
    pad = len(vocab) - 1
    config = transformers.MarianConfig(
        vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=256,
        pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=None,
    )  # fmt: skip
    model = transformers.MarianMTModel(config).eval()
    model.save_pretrained(folder)
    return folder, model, vocab


@pytest.fixture(scope="module")
def hf_nllb(tmp_path_factory, marian):
    """A random NLLB-style M2M100 model whose vocabulary holds the NLLB language codes."""
    import sentencepiece as spm

    folder = tmp_path_factory.mktemp("hf") / "nllb-tiny"
    folder.mkdir()
    shutil.copyfile(marian.source_spm, folder / "sentencepiece.bpe.model")
    sp = spm.SentencePieceProcessor(model_file=str(marian.source_spm))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    tokenizer = transformers.NllbTokenizer(vocab=vocab, merges=[], src_lang="arb_Arab", tgt_lang="eng_Latn")
    tokenizer.save_pretrained(folder)
    torch.manual_seed(1)
    config = transformers.M2M100Config(
        vocab_size=len(tokenizer), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=256,
        pad_token_id=1, eos_token_id=2, bos_token_id=0, decoder_start_token_id=2,
    )  # fmt: skip
    model = transformers.M2M100ForConditionalGeneration(config).eval()
    model.save_pretrained(folder)
    return folder, model, tokenizer


def greedy_hf(model, ids: list[list[int]], steps: int, **kwargs) -> list[list[int]]:
    """transformers' greedy decoding, one sentence at a time, without the decoder start token and </s>."""
    out = []
    for seq in ids:
        with torch.no_grad():
            gen = model.generate(torch.tensor([seq]), num_beams=1, do_sample=False, max_new_tokens=steps,
                                 min_new_tokens=0, **kwargs)  # fmt: skip
        tokens = gen[0].tolist()[1:]
        out.append(
            tokens[: tokens.index(model.config.eos_token_id)]
            if model.config.eos_token_id in tokens
            else tokens
        )
    return out


def test_marian_checkpoint_matches_transformers(store, hf_marian, sentences):
    import ctranslate2
    import sentencepiece as spm

    folder, model, vocab = hf_marian
    installed = install(store, folder, InstallOptions(quantization="float32"))
    m = installed.manifest
    assert (m.name, m.family, m.source_langs, m.target_langs) == ("opus-mt-ar-en", "marian", ["ar"], ["en"])
    sp = spm.SentencePieceProcessor(model_file=str(installed.source_spm_path))
    pieces = sp.encode(sentences, out_type=str)
    index = {t: i for i, t in enumerate(vocab)}
    expected = greedy_hf(model, [[index[p] for p in ps] + [0] for ps in pieces], 12, bad_words_ids=None)
    results = ctranslate2.Translator(str(installed.ct2_path), intra_threads=1).translate_batch(
        pieces, beam_size=1, max_decoding_length=12
    )
    assert sum(map(len, expected)) > 2 * len(expected), "outputs are not trivially empty"
    assert [[index[t] for t in r.hypotheses[0]] for r in results] == expected


def test_nllb_checkpoint_gets_its_language_tokens_from_the_family(store, hf_nllb, sentences):
    import ctranslate2
    import sentencepiece as spm

    folder, model, tokenizer = hf_nllb
    installed = install(store, folder, InstallOptions(name="nllb-tiny", quantization="float32"))
    m = installed.manifest
    assert m.family == "nllb" and installed.covers("ar", "en") and installed.covers("fr", "de")
    sp = spm.SentencePieceProcessor(model_file=str(installed.source_spm_path))
    lang = families.language_tokens("nllb", "ar", "en")
    sources = [families.wrap_source(lang, p) for p in sp.encode(sentences, out_type=str)]
    ids = [tokenizer.convert_tokens_to_ids(s) for s in sources]
    eng = tokenizer.convert_tokens_to_ids("eng_Latn")
    expected = greedy_hf(model, ids, 12, forced_bos_token_id=eng)
    results = ctranslate2.Translator(str(installed.ct2_path), intra_threads=1).translate_batch(
        sources, target_prefix=[lang.target_prefix] * len(sources), beam_size=1, max_decoding_length=12
    )
    got = [tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]
    assert all(g[0] == eng for g in got)
    assert got == expected and sum(map(len, got)) > 2 * len(got)
