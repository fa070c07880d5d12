"""Fixtures for the model tests: one tiny synthetic Marian model per session, fresh stores, a loopback server."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def opus_zip(marian) -> Path:
    """The tiny model packed as an OPUS-MT release zip."""
    from toolkit.models.synthetic import pack_opus_zip

    return pack_opus_zip(marian)


@pytest.fixture(scope="session")
def argos_package(marian) -> Path:
    """The tiny model packed as an Argos Translate .argosmodel."""
    from toolkit.models.synthetic import pack_argosmodel

    return pack_argosmodel(marian)


@pytest.fixture(scope="session")
def sentences(shared) -> list[str]:
    """A few Arabic sentences the model was not trained on."""
    flores = shared / "data" / "flores"
    return (flores / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[:6]


@pytest.fixture
def store(tmp_path):
    """An empty model store."""
    from toolkit.models.store import ModelStore

    return ModelStore(tmp_path / "store")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that does not log to stderr."""

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_root(tmp_path):
    """A loopback HTTP server (127.0.0.1, free port) serving a temp folder; yields (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def raw_translate(ct2_dir: Path, src_spm: Path, tgt_spm: Path, texts: list[str], **kwargs) -> list[str]:
    """Translate with CTranslate2 and SentencePiece directly (the oracle an installed layout must agree with)."""
    import ctranslate2
    import sentencepiece as spm

    sp_src = spm.SentencePieceProcessor(model_file=str(src_spm))
    sp_tgt = spm.SentencePieceProcessor(model_file=str(tgt_spm))
    translator = ctranslate2.Translator(str(ct2_dir), device="cpu", intra_threads=1)
    options = {"beam_size": 2, "max_decoding_length": 40, **kwargs}
    results = translator.translate_batch(sp_src.encode(texts, out_type=str), **options)
    return [sp_tgt.decode(r.hypotheses[0]) for r in results]


@pytest.fixture(scope="session")
def raw():
    """The raw CTranslate2 oracle: raw(ct2_dir, source_spm, target_spm, texts, **options) -> targets."""
    return raw_translate


@pytest.fixture(scope="session")
def raw_installed():
    """The oracle on an installed model's own files."""

    def run(model, texts, **kwargs):
        return raw_translate(model.ct2_path, model.source_spm_path, model.target_spm_path, texts, **kwargs)

    return run
