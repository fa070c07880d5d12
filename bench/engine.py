"""Engine throughput: bitext vs raw CTranslate2 vs Argos Translate on an OPUS-MT-shaped model (random weights).

The model has OPUS-MT's shape (6+6 layers, d_model 512, FFN 2048, 8 heads, ~60k vocabulary), built offline by
toolkit.models.synthetic, installed in bitext from its OPUS-MT zip (int8), and packed as an .argosmodel for Argos.
Documents are FLORES-200 devtest articles and NTREX-128 news articles (Arabic side). All three get the same
sentences and decoding options (beam 4, length penalty 0.2, int8, fixed max decoding length). bitext and raw
CTranslate2 share one loaded model with bitext's CPU default (one CTranslate2 worker per core, 1 thread each) and
the same token budget per batch; raw CTranslate2 gets every sentence in one translate_batch call, Argos one
sentence per call (as its API does), once tuned (int8, 2 threads) and once with its own defaults.
bitext's and raw CTranslate2's outputs are asserted identical.

Needs, for the Argos column: pip install argostranslate torch==2.13.0 stanza==1.10.1 onnxruntime
Run: python bench/engine.py [--docs 120] [--argos-sentences 150] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from itertools import groupby
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))
OUT = ROOT / "bench" / "out"
OPTS = dict(beam_size=4, length_penalty=0.2, max_decoding_length=160, max_batch_tokens=2048)


def arabic_documents(limit: int) -> list[str]:
    """Arabic news/wiki articles: FLORES devtest grouped by URL, then NTREX grouped by document id."""
    flores = SHARED / "data" / "flores"
    ar = (flores / "arb_Arab.devtest").read_text(encoding="utf-8").splitlines()
    urls = [
        r.split("\t")[0]
        for r in (flores / "metadata_devtest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    nt = SHARED / "data" / "ntrex128"
    nar = (nt / "newstest2019-ref.arb.txt").read_text(encoding="utf-8").replace("\r", "").splitlines()
    ids = (nt / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    docs = []
    for lines, keys in ((ar, urls), (nar, ids)):
        for _, grp in groupby(range(len(lines)), key=lambda i: keys[i]):
            docs.append("\n\n".join(lines[i] for i in grp) + "\n")
    return docs[:limit]


def build_model(store_root: Path):
    """The OPUS-MT-shaped model, installed in a bitext store; also returns its build (for Argos and raw)."""
    from toolkit.models.install import InstallOptions, install
    from toolkit.models.store import ModelStore
    from toolkit.models.synthetic import build_marian, pack_opus_zip

    flores = SHARED / "data" / "flores"
    src = (flores / "arb_Arab.dev").read_text(encoding="utf-8").splitlines()
    tgt = (flores / "eng_Latn.dev").read_text(encoding="utf-8").splitlines()
    build = build_marian(
        OUT / "opus-shape", shape="opus", source_lines=src, target_lines=tgt, quantization="int8"
    )
    store = ModelStore(store_root)
    model = install(store, pack_opus_zip(build), InstallOptions(name="opus-shape", quantization="int8"))
    return build, model


def run_bitext(translator, texts):
    """bitext: parse, segment, translate each distinct segment once, reassemble."""
    from toolkit.segment import make_document

    docs = [make_document(t, "ar", doc_id=str(i)) for i, t in enumerate(texts)]
    translator.translate_documents(docs, source_lang="ar", target_lang="en")
    return docs


def run_raw(ct2, sp_src, sp_tgt, sentences, min_batches):
    """A hand-rolled CTranslate2 script: SentencePiece, one translate_batch call, decode (the same loaded
    model, hence the same workers, and the same token budget per batch as bitext)."""
    from toolkit.engine import batch_budget

    tokens = sp_src.encode(sentences, out_type=str)
    res = ct2.translate_batch(
        tokens,
        max_batch_size=batch_budget([len(t) for t in tokens], min_batches, OPTS["max_batch_tokens"]),
        batch_type="tokens",
        beam_size=OPTS["beam_size"],
        length_penalty=OPTS["length_penalty"],
        max_decoding_length=OPTS["max_decoding_length"],
        max_input_length=0,
        return_scores=True,
    )
    return sp_tgt.decode([r.hypotheses[0] for r in res])


def run_raw_single(build, sp_src, sp_tgt, sentences) -> tuple[list[str], float]:
    """The same raw script sending one sentence per translate_batch call (as Argos does), on its own model
    load with one worker using both cores: the most any tool that translates one sentence at a time can get."""
    import ctranslate2

    ct2 = ctranslate2.Translator(
        str(build.ct2_dir),
        device="cpu",
        compute_type="int8",
        inter_threads=1,
        intra_threads=os.cpu_count() or 1,
    )
    t0 = time.perf_counter()
    out = []
    for s in sentences:
        res = ct2.translate_batch(
            [sp_src.encode(s, out_type=str)],
            beam_size=OPTS["beam_size"],
            length_penalty=OPTS["length_penalty"],
            max_decoding_length=OPTS["max_decoding_length"],
            max_input_length=0,
        )
        out.append(sp_tgt.decode(res[0].hypotheses[0]))
    return out, time.perf_counter() - t0


def run_argos(build, sentences, home: Path, *, tuned: bool):
    """Argos Translate's own translation path, one sentence per call (its sentencizer replaced by 'one sentence').

    tuned: int8 with 2 threads (the best setting for it found here); else Argos's own defaults (compute type
    'auto', CTranslate2's default thread count)."""
    os.environ.update(
        ARGOS_PACKAGES_DIR=str(home / "packages"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
        ARGOS_BEAM_SIZE=str(OPTS["beam_size"]),
    )
    import argostranslate.package as ap
    import argostranslate.translate as at
    from argostranslate.sbd import ISentenceBoundaryDetectionModel

    from toolkit.models.synthetic import pack_argosmodel

    if not any(p.from_code == "ar" for p in ap.get_installed_packages()):
        ap.install_from_path(pack_argosmodel(build))
    pkg = next(p for p in ap.get_installed_packages() if p.from_code == "ar")

    class OneSentence(ISentenceBoundaryDetectionModel):
        def split_sentences(self, text):
            return [text]

    import ctranslate2

    translator = ctranslate2.Translator(
        str(pkg.package_path / "model"),
        device="cpu",
        compute_type="int8" if tuned else "auto",
        inter_threads=1,
        intra_threads=2 if tuned else 0,
    )
    splitter = OneSentence()
    t0 = time.perf_counter()
    out = [
        at.apply_packaged_translation(pkg, s, translator, splitter, num_hypotheses=1)[0].value
        for s in sentences
    ]
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=120)
    ap.add_argument("--argos-sentences", type=int, default=150)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    import sentencepiece as spm

    from toolkit.engine import DecodeOptions, Translator
    from toolkit.segment import make_document

    tmp = Path(tempfile.mkdtemp(prefix="bitext-bench-"))
    build, model = build_model(tmp / "store")
    texts = arabic_documents(args.docs)
    sentences = [s.source for t in texts for s in make_document(t, "ar").segments() if s.translate]
    options = DecodeOptions(**OPTS)  # bitext's CPU defaults: one CTranslate2 worker per core
    translator = Translator(model, options)
    ct2 = translator.ct2  # load once; raw uses the same loaded model
    sp_src = spm.SentencePieceProcessor(model_file=str(model.source_spm_path))
    sp_tgt = spm.SentencePieceProcessor(model_file=str(model.target_spm_path))
    print(
        f"{len(texts)} documents, {len(sentences)} segments ({len(set(sentences))} distinct)", file=sys.stderr
    )

    times = {"bitext": [], "raw": []}
    for rep in range(args.repeats):
        for name in ("raw", "bitext") if rep % 2 == 0 else ("bitext", "raw"):  # alternate who goes first
            t0 = time.perf_counter()
            if name == "raw":
                raw = run_raw(ct2, sp_src, sp_tgt, sentences, translator.options.min_batches)
            else:
                docs = run_bitext(translator, texts)
            times[name].append(time.perf_counter() - t0)
    ours = [s.target for d in docs for s in d.segments() if s.translate]
    same = sum(a == b for a, b in zip(ours, raw, strict=True))
    best = {k: min(v) for k, v in times.items()}
    print(f"| system | segments | best of {args.repeats} (s) | segments/s | vs raw CTranslate2 |")
    print("|---|---|---|---|---|")
    for k in ("raw", "bitext"):
        print(
            f"| {k} | {len(sentences)} | {best[k]:.2f} | {len(sentences) / best[k]:.1f} | {best['raw'] / best[k]:.3f}× |"
        )
    print(f"\nidentical outputs bitext vs raw: {same}/{len(sentences)}")
    assert same == len(sentences), "bitext and raw CTranslate2 disagree"

    if args.argos_sentences:
        sub = sentences[: args.argos_sentences]
        single_out, single_s = run_raw_single(build, sp_src, sp_tgt, sub)
        t0 = time.perf_counter()
        batched_sub = run_raw(ct2, sp_src, sp_tgt, sub, translator.options.min_batches)
        batched_s = time.perf_counter() - t0
        print(
            f"\nraw CTranslate2 on the first {len(sub)} segments: one sentence per call {len(sub) / single_s:.2f} "
            f"segments/s, all in one call {len(sub) / batched_s:.2f} segments/s → batching gain "
            f"{single_s / batched_s:.1f}× (full-run rate {(len(sentences) / best['raw']) / (len(sub) / single_s):.1f}×; "
            f"same outputs on {sum(a == b for a, b in zip(single_out, batched_sub))}/{len(sub)})"
        )
        for tuned in (True, False):
            argos_out, argos_s = run_argos(build, sub, tmp / "argos", tuned=tuned)
            t0 = time.perf_counter()
            ours_sub = translator.translate_texts(sub, source_lang="ar", target_lang="en")
            ours_s = time.perf_counter() - t0
            agree = sum(a == b.target for a, b in zip(argos_out, ours_sub, strict=True))
            print(
                f"\nArgos Translate ({'int8, 2 threads' if tuned else 'its defaults'}) on the first {len(sub)} "
                f"segments: {len(sub) / argos_s:.2f} segments/s; bitext on the same: {len(sub) / ours_s:.2f} "
                f"segments/s → bitext is {argos_s / ours_s:.1f}× Argos; full-run bitext rate is "
                f"{(len(sentences) / best['bitext']) / (len(sub) / argos_s):.1f}× Argos "
                f"(same outputs on {agree}/{len(sub)})"
            )
    print(
        f"\nstatistics: raw runs {statistics.fmean(times['raw']):.2f} s, bitext runs {statistics.fmean(times['bitext']):.2f} s"
    )


if __name__ == "__main__":
    main()
