"""Language tokens by model family: the user types -s ar -t en, the model gets what it needs."""

from __future__ import annotations

import pytest

from toolkit.errors import BitextError
from toolkit.models import families


def test_nllb_codes_and_prefix():
    assert families.nllb_code("ar") == "arb_Arab" and families.nllb_code("en") == "eng_Latn"
    assert families.nllb_code("arb_Arab") == "arb_Arab"
    assert families.target_prefix("nllb", "en") == ["eng_Latn"]
    assert families.source_tokens("nllb", ["▁a", "b"], "ar") == ["arb_Arab", "▁a", "b", "</s>"]


def test_m2m100_tokens():
    assert families.target_prefix("m2m100", "en") == ["__en__"]
    assert families.source_tokens("m2m100", ["▁x"], "ar") == ["__ar__", "▁x", "</s>"]


def test_bilingual_families_add_nothing():
    for family in ("marian", "argos", "ct2"):
        assert families.target_prefix(family, "en") is None
        assert families.source_tokens(family, ["▁x"], "ar") == ["▁x"]


def test_multi_target_marian_gets_its_target_token_in_front():
    defaults = {"target_tokens": families.marian_target_tokens(["</s>", ">>fra<<", ">>deu<<", "▁x"])}
    assert defaults["target_tokens"] == {"fr": ">>fra<<", "de": ">>deu<<"}
    assert families.source_tokens("marian", ["▁x"], "en", target_lang="fr", defaults=defaults) == [
        ">>fra<<",
        "▁x",
    ]
    with pytest.raises(BitextError, match="no target-language token for 'es'"):
        families.source_tokens("marian", ["▁x"], "en", target_lang="es", defaults=defaults)


def test_strip_target_prefix():
    tokens = families.language_tokens("nllb", "ar", "en")
    assert families.strip_target(tokens, ["eng_Latn", "▁Hi"]) == ["▁Hi"]
    assert families.strip_target(families.LanguageTokens(), ["▁Hi"]) == ["▁Hi"]


def test_errors_are_one_line():
    with pytest.raises(BitextError, match="no NLLB code"):
        families.nllb_code("xx")
    with pytest.raises(BitextError, match="need the source language"):
        families.source_tokens("nllb", ["▁x"], None)


def test_languages_in_vocabulary():
    assert families.languages_in_vocabulary("nllb", ["arb_Arab", "eng_Latn", "▁x"]) == ["ar", "en"]
    assert families.languages_in_vocabulary("m2m100", ["__ar__", "__en__", "▁x"]) == ["ar", "en"]
