"""Arabic->Latin transliteration of name-like words with a character-level CTranslate2 model."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import regex

from align.text import normalize, words
from toolkit.errors import BitextError

_ARABIC_WORD = regex.compile(r"^\p{Script=Arabic}{3,}$")
#: Frequent Arabic function words and particles, never names.
_STOP = set(
    "في من على إلى الى عن مع أن ان إن هذا هذه ذلك تلك التي الذي الذين كان كانت يكون قد لقد ثم أو او بين "
    "كل بعد قبل حتى عند لم لن لا ما هو هي هم نحن أنا انه أنه وقد وفي ومن كما أيضا ايضا حيث منذ خلال غير "
    "لكن ولكن إلا الا وهو وهي فيها فيه منها منه عليه عليها بها به له لها التى يتم تم".split()
)


class Transliterator:
    """Transliterates distinct Arabic words once per instance (cached), in batches."""

    def __init__(self, model_dir: str | Path, *, beam_size: int = 2, threads: int = 2) -> None:
        import ctranslate2

        path = Path(model_dir)
        if not (path / "model.bin").is_file():
            raise BitextError(f"{path}: no CTranslate2 model (model.bin) for transliteration")
        self.translator = ctranslate2.Translator(str(path), device="cpu", intra_threads=threads)
        self.beam_size = beam_size
        self.cache: dict[str, str] = {}

    def transliterate(self, items: Iterable[str]) -> dict[str, str]:
        """Latin spellings of the given Arabic words (looked up in the cache, the rest translated)."""
        todo = sorted({w for w in items if w not in self.cache})
        for k in range(0, len(todo), 512):
            chunk = todo[k : k + 512]
            results = self.translator.translate_batch(
                [list(w) for w in chunk], beam_size=self.beam_size, max_decoding_length=32, max_batch_size=512
            )
            for w, r in zip(chunk, results):
                self.cache[w] = "".join(r.hypotheses[0]).strip().lower()
        return {w: self.cache[w] for w in items if self.cache.get(w)}


def name_candidates(sentences: list[str], known=None, limit: int = 20000) -> list[str]:
    """Distinct Arabic words that may be names: not function words, not in the dictionary (`known`)."""
    counts = Counter(w for s in sentences for w in words(normalize(s)) if _ARABIC_WORD.match(w))
    out = [w for w, _ in counts.most_common() if w not in _STOP and not (known and known(w))]
    return out[:limit]


def model_dir_of(spec: str | Path, store=None) -> Path:
    """The CTranslate2 folder of a transliteration model given as a folder or an installed model name."""
    p = Path(spec)
    if (p / "model.bin").is_file():
        return p
    if store is not None:
        model = store.resolve(str(spec), "ar", "en")
        return model.ct2_path
    raise BitextError(f"{spec}: not a transliteration model folder")
