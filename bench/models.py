"""Model factory and installer timings on the OPUS-MT-shaped synthetic model, and its output-length behaviour.

Measures: building the model (numpy weights, SentencePiece, MarianConverter int8) cold and cached; packing it as
an OPUS-MT zip and an .argosmodel; installing each into a fresh store (the zip is converted again, int8); and
the ratio of output to source length under beam 4 (the length mechanism of toolkit.models.synthetic).
Run: python bench/models.py [--sentences 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))


def timed(fn):
    """(result, seconds) of fn()."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=40)
    args = ap.parse_args()
    import ctranslate2
    import sentencepiece as spm

    from toolkit.models.install import install
    from toolkit.models.store import ModelStore
    from toolkit.models.synthetic import build_marian, pack_argosmodel, pack_opus_zip

    flores = SHARED / "data" / "flores"
    ar = (flores / "arb_Arab.dev").read_text(encoding="utf-8").splitlines()
    en = (flores / "eng_Latn.dev").read_text(encoding="utf-8").splitlines()
    tmp = Path(tempfile.mkdtemp(prefix="bitext-bench-models-"))
    kw = dict(shape="opus", source_lines=ar, target_lines=en, quantization="int8")
    build, cold = timed(lambda: build_marian(tmp / "opus", **kw))
    _, cached = timed(lambda: build_marian(tmp / "opus", **kw))
    zip_path, t_zip = timed(lambda: pack_opus_zip(build))
    argos_path, t_argos = timed(lambda: pack_argosmodel(build))
    store = ModelStore(tmp / "store")
    _, t_install_zip = timed(lambda: install(store, zip_path))
    _, t_install_argos = timed(lambda: install(store, argos_path))
    sp = spm.SentencePieceProcessor(model_file=str(build.source_spm))
    lines = (flores / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()[: args.sentences]
    tokens = sp.encode(lines, out_type=str)
    translator = ctranslate2.Translator(str(build.ct2_dir), intra_threads=os.cpu_count() or 1)
    results, t_translate = timed(
        lambda: translator.translate_batch(
            tokens, beam_size=4, max_decoding_length=512, batch_type="tokens", max_batch_size=2048
        )  # fmt: skip
    )
    ratios = [len(r.hypotheses[0]) / len(t) for r, t in zip(results, tokens)]
    rows = [
        ("build opus-shape model (cold: weights, SentencePiece, MarianConverter int8)", f"{cold:.1f} s"),
        ("build again (cached)", f"{cached * 1000:.1f} ms"),
        (f"pack OPUS-MT zip ({zip_path.stat().st_size / 1e6:.0f} MB)", f"{t_zip:.1f} s"),
        (f"pack .argosmodel ({argos_path.stat().st_size / 1e6:.0f} MB)", f"{t_argos:.1f} s"),
        ("bitext models install <zip> (unpack, check, convert int8, validate)", f"{t_install_zip:.1f} s"),
        ("bitext models install <argosmodel>", f"{t_install_argos:.1f} s"),
        (f"translate {len(lines)} FLORES sentences, beam 4 (raw CTranslate2)", f"{t_translate:.1f} s"),
        (
            "output/source length ratio: mean (min–max)",
            f"{statistics.mean(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})",
        ),  # fmt: skip
    ]
    for what, value in rows:
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
