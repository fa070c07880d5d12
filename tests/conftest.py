"""Shared test fixtures: where ../shared lives, and a temporary model store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only ../shared folder (data, seed, models)."""
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found at {SHARED}; set BITEXT_SHARED")
    return SHARED


def install_translit(store_root: Path, shared_dir: Path, name: str = "aren-translit") -> Path:
    """Install ../shared's Arabic→Latin name transliterator into a store as an ar→en model."""
    import shutil

    from toolkit.models.store import Manifest

    dest = store_root / name
    shutil.copytree(shared_dir / "models" / "aren-transliteration-i8", dest / "model")
    Manifest(
        name=name,
        source_langs=["ar"],
        target_langs=["en"],
        family="ct2",
        tokenizer="char",
        source_spm=None,
        target_spm=None,
        origin="../shared/models/aren-transliteration-i8",
        max_input_tokens=64,
    ).dump(dest / "manifest.json")
    return dest


@pytest.fixture(scope="session")
def translit_store(tmp_path_factory, shared):
    """A ModelStore holding the real, trained transliteration model (tokenizer 'char': one word a unit)."""
    from toolkit.models.store import ModelStore

    root = tmp_path_factory.mktemp("store")
    install_translit(root, shared)
    return ModelStore(root)


def corpus(shared: Path, n: int = 300) -> tuple[list[str], list[str]]:
    """The first n FLORES dev lines, Arabic and English (what the test SentencePiece model is trained on)."""
    flores = shared / "data" / "flores"
    ar = (flores / "arb_Arab.dev").read_text(encoding="utf-8").splitlines()[:n]
    en = (flores / "eng_Latn.dev").read_text(encoding="utf-8").splitlines()[:n]
    return ar, en


@pytest.fixture(scope="session")
def marian(tmp_path_factory, shared):
    """A tiny random-weight Marian model (numpy, seed 0), its release files and float32 CTranslate2 conversion."""
    from toolkit.models.synthetic import build_marian

    ar, en = corpus(shared)
    return build_marian(tmp_path_factory.mktemp("marian"), source_lines=ar, target_lines=en)
