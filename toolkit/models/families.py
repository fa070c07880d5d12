"""Language tokens by model family: users say `-s ar -t en`, multilingual models need `arb_Arab` → `eng_Latn`.

- marian / argos / ct2: bilingual, no language tokens (CTranslate2 appends </s> to the source itself);
  a multi-target Marian model (OPUS-MT `>>fra<<` style) gets its target token in front of the source.
- nllb: source = [src code] + pieces + [</s>], target prefix [tgt code] (e.g. arb_Arab, eng_Latn).
- m2m100: source = [__ar__] + pieces + [</s>], target prefix [__en__].
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from toolkit.errors import BitextError

# ISO 639-1 (or bitext's short code) → NLLB-200 code.
NLLB_CODES = {
    "af": "afr_Latn", "am": "amh_Ethi", "ar": "arb_Arab", "as": "asm_Beng", "az": "azj_Latn", "be": "bel_Cyrl",
    "bg": "bul_Cyrl", "bn": "ben_Beng", "bs": "bos_Latn", "ca": "cat_Latn", "cs": "ces_Latn", "cy": "cym_Latn",
    "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek", "en": "eng_Latn", "eo": "epo_Latn", "es": "spa_Latn",
    "et": "est_Latn", "eu": "eus_Latn", "fa": "pes_Arab", "fi": "fin_Latn", "fr": "fra_Latn", "ga": "gle_Latn",
    "gl": "glg_Latn", "gu": "guj_Gujr", "ha": "hau_Latn", "he": "heb_Hebr", "hi": "hin_Deva", "hr": "hrv_Latn",
    "hu": "hun_Latn", "hy": "hye_Armn", "id": "ind_Latn", "ig": "ibo_Latn", "is": "isl_Latn", "it": "ita_Latn",
    "ja": "jpn_Jpan", "jv": "jav_Latn", "ka": "kat_Geor", "kk": "kaz_Cyrl", "km": "khm_Khmr", "kn": "kan_Knda",
    "ko": "kor_Hang", "ku": "kmr_Latn", "ky": "kir_Cyrl", "lo": "lao_Laoo", "lt": "lit_Latn", "lv": "lvs_Latn",
    "mk": "mkd_Cyrl", "ml": "mal_Mlym", "mn": "khk_Cyrl", "mr": "mar_Deva", "ms": "zsm_Latn", "mt": "mlt_Latn",
    "my": "mya_Mymr", "nb": "nob_Latn", "ne": "npi_Deva", "nl": "nld_Latn", "nn": "nno_Latn", "no": "nob_Latn",
    "or": "ory_Orya", "pa": "pan_Guru", "pl": "pol_Latn", "ps": "pbt_Arab", "pt": "por_Latn", "ro": "ron_Latn",
    "ru": "rus_Cyrl", "sd": "snd_Arab", "si": "sin_Sinh", "sk": "slk_Latn", "sl": "slv_Latn", "so": "som_Latn",
    "sq": "als_Latn", "sr": "srp_Cyrl", "sv": "swe_Latn", "sw": "swh_Latn", "ta": "tam_Taml", "te": "tel_Telu",
    "tg": "tgk_Cyrl", "th": "tha_Thai", "tl": "tgl_Latn", "tr": "tur_Latn", "uk": "ukr_Cyrl", "ur": "urd_Arab",
    "uz": "uzn_Latn", "vi": "vie_Latn", "xh": "xho_Latn", "yo": "yor_Latn", "zh": "zho_Hans", "zt": "zho_Hant",
    "zu": "zul_Latn",
}  # fmt: skip

# ISO 639-1 → ISO 639-3 as OPUS-MT/Tatoeba multi-target models spell their `>>xxx<<` tokens.
ISO3 = {
    "ar": "ara", "de": "deu", "en": "eng", "es": "spa", "fa": "fas", "fr": "fra", "he": "heb", "hi": "hin",
    "it": "ita", "ja": "jpn", "ko": "kor", "nl": "nld", "pl": "pol", "pt": "por", "ru": "rus", "sv": "swe",
    "tr": "tur", "uk": "ukr", "ur": "urd", "zh": "zho", "fi": "fin", "da": "dan", "cs": "ces", "el": "ell",
}  # fmt: skip

MULTILINGUAL = {"nllb", "m2m100"}
_MARIAN_TAG = re.compile(r"^>>([a-z_]{2,8})<<$")


@dataclass(frozen=True)
class LanguageTokens:
    """The special tokens a family needs around a sentence for one language pair."""

    source_prefix: list[str] = field(default_factory=list)  # put before the source pieces
    source_suffix: list[str] = field(default_factory=list)  # put after them
    target_prefix: list[str] | None = None  # forced first target tokens, removed from the output


def nllb_code(lang: str) -> str:
    """The NLLB-200 code for a language (`ar` → `arb_Arab`); NLLB codes pass through."""
    if re.fullmatch(r"[a-z]{3}_[A-Z][a-z]{3}", lang):
        return lang
    try:
        return NLLB_CODES[lang]
    except KeyError:
        raise BitextError(
            f"language {lang!r} has no NLLB code known to bitext; pass an NLLB code such as arb_Arab"
        ) from None


def m2m100_token(lang: str) -> str:
    """The M2M100 language token (`ar` → `__ar__`)."""
    return lang if lang.startswith("__") else f"__{lang}__"


def language_tokens(
    family: str, source_lang: str | None, target_lang: str, defaults: dict | None = None
) -> LanguageTokens:
    """What to add around each sentence for `family` translating source_lang → target_lang."""
    if family == "nllb":
        if not source_lang:
            raise BitextError("NLLB models need the source language: pass -s/--source-lang")
        return LanguageTokens([nllb_code(source_lang)], ["</s>"], [nllb_code(target_lang)])
    if family == "m2m100":
        if not source_lang:
            raise BitextError("M2M100 models need the source language: pass -s/--source-lang")
        return LanguageTokens([m2m100_token(source_lang)], ["</s>"], [m2m100_token(target_lang)])
    tags = (defaults or {}).get("target_tokens") or {}
    if tags:
        if target_lang not in tags:
            raise BitextError(
                f"this model has no target-language token for {target_lang!r} (it has {sorted(tags)})"
            )
        return LanguageTokens([tags[target_lang]], [], None)
    return LanguageTokens()


def target_prefix(family: str, target_lang: str) -> list[str] | None:
    """The forced target prefix of a family (NLLB/M2M100), or None for bilingual families."""
    if family == "nllb":
        return [nllb_code(target_lang)]
    if family == "m2m100":
        return [m2m100_token(target_lang)]
    return None


def source_tokens(
    family: str,
    pieces: Sequence[str],
    source_lang: str | None,
    *,
    target_lang: str | None = None,
    defaults: dict | None = None,
) -> list[str]:
    """Source pieces with what `family` needs around them (NLLB: [arb_Arab, ..., </s>]; Marian: unchanged)."""
    if family == "nllb":
        if not source_lang:
            raise BitextError("NLLB models need the source language: pass -s/--source-lang")
        return [nllb_code(source_lang), *pieces, "</s>"]
    if family == "m2m100":
        if not source_lang:
            raise BitextError("M2M100 models need the source language: pass -s/--source-lang")
        return [m2m100_token(source_lang), *pieces, "</s>"]
    tags = (defaults or {}).get("target_tokens") or {}
    if tags and target_lang:
        return wrap_source(language_tokens(family, source_lang, target_lang, defaults), pieces)
    return list(pieces)


def wrap_source(tokens: LanguageTokens, pieces: Sequence[str]) -> list[str]:
    """Source pieces with the family's language tokens around them."""
    return [*tokens.source_prefix, *pieces, *tokens.source_suffix]


def strip_target(tokens: LanguageTokens, hypothesis: Sequence[str]) -> list[str]:
    """An output hypothesis without the forced target prefix."""
    n = len(tokens.target_prefix or [])
    if n and list(hypothesis[:n]) == list(tokens.target_prefix or []):
        return list(hypothesis[n:])
    return list(hypothesis)


def languages_in_vocabulary(family: str, vocabulary: Iterable[str]) -> list[str]:
    """The languages (short codes) whose tokens a multilingual vocabulary holds."""
    vocab = set(vocabulary)
    if family == "nllb":
        return sorted(
            short for short, code in NLLB_CODES.items() if code in vocab and short not in {"no", "zt"}
        )
    if family == "m2m100":
        return sorted(t[2:-2] for t in vocab if re.fullmatch(r"__[a-z]{2,3}__", t))
    return []


def marian_target_tokens(vocabulary: Iterable[str]) -> dict[str, str]:
    """A multi-target Marian vocabulary's `>>xx<<` tokens by short language code."""
    found = {}
    back = {v: k for k, v in ISO3.items()}
    for tok in vocabulary:
        m = _MARIAN_TAG.match(tok)
        if m:
            code = m.group(1)
            found[back.get(code, code)] = tok
    return found
