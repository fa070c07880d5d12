"""Tokenizers that turn text into the tokens a CTranslate2 model reads, and back."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

from toolkit.errors import BitextError
from toolkit.models.store import InstalledModel


class Tokenizer(Protocol):
    """Encodes source texts to token lists and decodes target token lists to texts."""

    word_units: bool  # True: the model takes one word at a time (character models)

    def encode(self, texts: list[str]) -> list[list[str]]: ...

    def decode(self, tokens: list[list[str]]) -> list[str]: ...


@dataclass
class SentencePieceTokenizer:
    """SentencePiece models for the source and the target side (often the same file)."""

    source_model: Path
    target_model: Path
    word_units: bool = False

    @cached_property
    def _source(self):
        return _load_spm(self.source_model)

    @cached_property
    def _target(self):
        return self._source if self.target_model == self.source_model else _load_spm(self.target_model)

    def encode(self, texts: list[str]) -> list[list[str]]:
        return self._source.encode(list(texts), out_type=str)

    def decode(self, tokens: list[list[str]]) -> list[str]:
        return self._target.decode(tokens) if tokens else []


@dataclass
class CharTokenizer:
    """One token per character, one word per unit (character-level models such as transliterators)."""

    word_units: bool = True

    def encode(self, texts: list[str]) -> list[list[str]]:
        return [list(t) for t in texts]

    def decode(self, tokens: list[list[str]]) -> list[str]:
        return ["".join(t) for t in tokens]


def _load_spm(path: Path):
    """A SentencePiece processor; a missing or corrupt file is a one-line error."""
    import sentencepiece as spm

    if not path.is_file():
        raise BitextError(f"{path}: SentencePiece model missing")
    try:
        return spm.SentencePieceProcessor(model_file=str(path))
    except (OSError, RuntimeError) as exc:
        raise BitextError(f"{path}: not a SentencePiece model ({exc})") from exc


def load_tokenizer(model: InstalledModel) -> Tokenizer:
    """The tokenizer a model's manifest names."""
    kind = model.manifest.tokenizer
    if kind == "char":
        return CharTokenizer()
    if kind == "sentencepiece":
        src = model.source_spm_path
        if src is None:
            raise BitextError(f"{model.path / 'manifest.json'}: no SentencePiece model named")
        return SentencePieceTokenizer(src, model.target_spm_path or src)
    raise BitextError(f"{model.path / 'manifest.json'}: unknown tokenizer {kind!r}")
