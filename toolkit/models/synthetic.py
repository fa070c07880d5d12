"""A test-model factory: Marian Transformers with random weights written with numpy, real SentencePiece.

`build_marian` writes what an OPUS-MT release holds (model.npz, a vocab .yml, source.spm/target.spm,
decoder.yml) and converts it with CTranslate2's MarianConverter; `pack_opus_zip` and `pack_argosmodel` pack the
same model as an OPUS-MT release zip and as an Argos Translate `.argosmodel`. Everything is deterministic for a
seed and cached: a second call with the same arguments on the same folder returns at once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import yaml

STAMP = "build.json"


@dataclass(frozen=True)
class Shape:
    """The size of a Marian Transformer."""

    layers: int
    d_model: int
    ffn: int
    heads: int
    vocab: int  # total vocabulary: SentencePiece pieces, padded with filler tokens up to this size
    spm_vocab: int  # pieces asked of SentencePiece (fewer when the corpus is small)
    clock_tau: float = 64.0  # decoder steps per unit of the clock dimension
    eos_gain: float = 200.0  # weight of the length rule in the </s> logit
    eos_bias: float = 4.0  # the </s> logit where output length meets the rule
    length_rho: float = 2.0  # calibrated so outputs end near the source length (see _write_npz)
    residual_scale: float = 0.3  # size of each sublayer's write into the residual stream
    logit_scale: float = 1.5  # spread of the other tokens' logits


SHAPES = {
    "tiny": Shape(layers=2, d_model=32, ffn=64, heads=2, vocab=0, spm_vocab=1000),
    "opus": Shape(layers=6, d_model=512, ffn=2048, heads=8, vocab=60_000, spm_vocab=8000),
}

_FALLBACK_SOURCE = [
    "قال الرئيس إن الاجتماع سيعقد في القاهرة يوم الأحد المقبل.",
    "وصل الوفد إلى فلاديفوستوك صباح اليوم بعد رحلة طويلة بالقطار.",
    "أعلنت الحكومة عن خطة جديدة لدعم التعليم والصحة في المدن الصغيرة.",
    "ارتفعت أسعار النفط بنسبة 3.5 في المئة خلال الأسبوع الماضي.",
    "شارك أكثر من 8,000 شخص في المهرجان الثقافي هذا العام.",
]
_FALLBACK_TARGET = [
    "The president said the meeting will be held in Cairo next Sunday.",
    "The delegation arrived in Vladivostok this morning after a long train journey.",
    "The government announced a new plan to support education and health in small towns.",
    "Oil prices rose by 3.5 percent last week.",
    "More than 8,000 people took part in the cultural festival this year.",
]


@dataclass
class MarianBuild:
    """The files of a built synthetic Marian model."""

    root: Path
    release_dir: Path  # what an OPUS-MT zip holds: model.npz, vocab .yml, source.spm, target.spm, decoder.yml
    npz: Path
    vocab: Path
    source_spm: Path
    target_spm: Path
    decoder_yml: Path
    ct2_dir: Path  # the model converted by MarianConverter (float32 unless a quantization was asked)
    source_lang: str
    target_lang: str


def build_marian(
    directory: Path | str,
    *,
    shape: str | Shape = "tiny",
    seed: int = 0,
    source_lines: Sequence[str] | None = None,
    target_lines: Sequence[str] | None = None,
    source_lang: str = "ar",
    target_lang: str = "en",
    quantization: str | None = None,
    extra_tokens: Sequence[str] = (),
) -> MarianBuild:
    """Build (or reuse, when already built with the same arguments) a random-weight Marian model in `directory`.

    One SentencePiece model is trained on the source and target lines together (source.spm and target.spm are
    the same model, as Argos packages need); its pieces make the vocabulary, padded with filler tokens up to
    the shape's vocabulary size ("opus": about 60k, like OPUS-MT).
    """
    if isinstance(shape, Shape):
        spec = shape
    elif shape in SHAPES:
        spec = SHAPES[shape]
    else:
        raise ValueError(f"unknown shape {shape!r}; choose from {sorted(SHAPES)}")
    src = list(source_lines) if source_lines else list(_FALLBACK_SOURCE)
    tgt = list(target_lines) if target_lines else list(_FALLBACK_TARGET)
    root = Path(directory)
    build = _paths(root, source_lang, target_lang)
    key = _build_key(spec, seed, src, tgt, source_lang, target_lang, quantization, list(extra_tokens))
    stamp = root / STAMP
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")).get("key") == key:
        return build
    if root.exists():
        shutil.rmtree(root)
    build.release_dir.mkdir(parents=True)
    pieces = _train_spm(build.release_dir, src + tgt, spec.spm_vocab)
    shutil.copyfile(build.source_spm, build.target_spm)
    vocab = _vocabulary(pieces + [t for t in extra_tokens if t not in pieces], spec.vocab)
    _write_vocab_yml(build.vocab, vocab)
    _write_npz(build.npz, spec, len(vocab), seed)
    _write_decoder_yml(build.decoder_yml, build.npz.name, build.vocab.name)
    convert_release(build.release_dir, build.ct2_dir, quantization=quantization)
    stamp.write_text(
        json.dumps({"key": key, "shape": asdict(spec), "vocab": len(vocab)}) + "\n", encoding="utf-8"
    )
    return build


def convert_release(release_dir: Path, output_dir: Path, *, quantization: str | None = None) -> Path:
    """Convert a Marian release folder (decoder.yml names the .npz and vocabularies) to CTranslate2."""
    from ctranslate2.converters import MarianConverter

    decoder = yaml.safe_load((release_dir / "decoder.yml").read_text(encoding="utf-8"))
    npz = release_dir / decoder["models"][0]
    vocabs = [str(release_dir / v) for v in decoder["vocabs"]]
    MarianConverter(str(npz), vocabs).convert(str(output_dir), quantization=quantization, force=True)
    return output_dir


def pack_opus_zip(build: MarianBuild, path: Path | str | None = None) -> Path:
    """Pack the release folder as an OPUS-MT release zip (flat, like the published ones); cached."""
    path = Path(path) if path else build.root / f"opus-{build.source_lang}-{build.target_lang}.zip"
    if _fresh(path, build):
        return path
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for f in sorted(build.release_dir.iterdir()):  # random weights do not compress: store the .npz
            zf.write(
                f, f.name, compress_type=zipfile.ZIP_STORED if f.suffix == ".npz" else zipfile.ZIP_DEFLATED
            )
        zf.writestr("README.md", "# synthetic OPUS-MT-shaped model (random weights) for tests\n")
    tmp.replace(path)
    return path


def pack_argosmodel(build: MarianBuild, path: Path | str | None = None, *, version: str = "1.0") -> Path:
    """Pack the converted model as an Argos Translate package (.argosmodel zip with one top folder); cached."""
    src, tgt = build.source_lang, build.target_lang
    path = Path(path) if path else build.root / f"translate-{src}_{tgt}.argosmodel"
    if _fresh(path, build):
        return path
    top = f"translate-{src}_{tgt}-{version.replace('.', '_')}"
    metadata = {
        "package_version": version,
        "argos_version": "1.9.0",
        "from_code": src,
        "from_name": src,
        "to_code": tgt,
        "to_name": tgt,
        "package_type": "translate",
        "languages": [{"code": src, "name": src}, {"code": tgt, "name": tgt}],
    }
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(f"{top}/metadata.json", json.dumps(metadata, indent=2))
        zf.writestr(f"{top}/README.md", "Synthetic model with random weights, for tests.\n")
        zf.write(build.source_spm, f"{top}/sentencepiece.model")
        for f in sorted(build.ct2_dir.iterdir()):
            kind = zipfile.ZIP_STORED if f.name == "model.bin" else zipfile.ZIP_DEFLATED
            zf.write(f, f"{top}/model/{f.name}", compress_type=kind)
    tmp.replace(path)
    return path


def _paths(root: Path, src: str, tgt: str) -> MarianBuild:
    """Where build_marian puts each file."""
    rel = root / "release"
    return MarianBuild(
        root=root,
        release_dir=rel,
        npz=rel / "opus.spm-spm.npz",
        vocab=rel / "opus.spm-spm.vocab.yml",
        source_spm=rel / "source.spm",
        target_spm=rel / "target.spm",
        decoder_yml=rel / "decoder.yml",
        ct2_dir=root / "ct2",
        source_lang=src,
        target_lang=tgt,
    )


def _build_key(shape, seed, src, tgt, source_lang, target_lang, quantization, extra) -> str:
    """A digest of everything that determines the built files."""
    h = hashlib.sha256()
    h.update(json.dumps([asdict(shape), seed, source_lang, target_lang, quantization, extra, 4]).encode())
    for line in src + ["\0"] + tgt:
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()


def _fresh(path: Path, build: MarianBuild) -> bool:
    """True when a packed file exists and is newer than the build stamp."""
    stamp = build.root / STAMP
    return path.is_file() and stamp.is_file() and path.stat().st_mtime_ns >= stamp.stat().st_mtime_ns


def _train_spm(out_dir: Path, lines: list[str], vocab_size: int) -> list[str]:
    """Train one SentencePiece unigram model on `lines` into out_dir/source.spm; return its pieces.

    Trained from an iterator into memory, so the model file holds no paths and is the same byte for byte
    wherever it is built.
    """
    import io

    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([line.strip() for line in lines if line.strip()]),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        bos_id=-1,
        unk_id=0,
        eos_id=1,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    (out_dir / "source.spm").write_bytes(model.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _vocabulary(pieces: list[str], size: int) -> list[str]:
    """The Marian vocabulary: </s>, <unk>, the pieces, word-like filler tokens (▁qaaaa...) up to `size`, <pad> last."""
    vocab = ["</s>", "<unk>"] + [p for p in pieces if p not in {"</s>", "<unk>", "<s>", "<pad>"}]
    taken = set(vocab)
    filler, i = max(0, size - len(vocab) - 1), 0
    while filler > 0:
        word, n = "", i
        for _ in range(4):
            word, n = "abcdefghijklmnopqrstuvwxyz"[n % 26] + word, n // 26
        i += 1
        if f"▁q{word}" not in taken:
            vocab.append(f"▁q{word}")
            filler -= 1
    return vocab + ["<pad>"]


def _write_vocab_yml(path: Path, vocab: list[str]) -> None:
    """Write a Marian vocabulary (`"token": index` per line)."""
    lines = [f"{json.dumps(tok, ensure_ascii=False)}: {i}" for i, tok in enumerate(vocab)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _marian_config(spec: Shape, vocab_size: int) -> dict:
    """The model.yml Marian embeds in its .npz (an OPUS-MT-style post-norm Transformer)."""
    return {
        "type": "transformer",
        "dim-emb": spec.d_model,
        "dim-vocabs": [vocab_size, vocab_size],
        "enc-depth": spec.layers,
        "dec-depth": spec.layers,
        "transformer-heads": spec.heads,
        "transformer-dim-ffn": spec.ffn,
        "transformer-ffn-depth": 2,
        "transformer-ffn-activation": "swish",
        "transformer-decoder-autoreg": "self-attention",
        "transformer-no-projection": False,
        "transformer-preprocess": "",
        "transformer-postprocess": "dan",
        "transformer-postprocess-emb": "d",
        "transformer-postprocess-top": "",
        "transformer-guided-alignment-layer": "last",
        "tied-embeddings-all": True,
        "version": "synthetic (bitext test factory)",
    }


def _write_npz(path: Path, spec: Shape, vocab_size: int, seed: int) -> None:
    """Write random Marian weights (fixed seed) in the .npz layout MarianConverter reads.

    The weights are random except for a length mechanism, so that outputs end near `length_ratio` times the
    source length instead of running to the decoding limit: every layer norm is plain (scale 1, bias 0) and every
    write into the residual stream has zero mean over its dimensions, so two reserved dimensions pass through the
    layers only rescaled. Dimension A carries a linear clock (the learned position table, `Wpos`, holds
    position/tau there); in the last decoder layer one cross-attention head attends uniformly over the source
    and copies the mean of the encoder's clock (half the source length) into dimension B. The </s> logit is
    gain * (A - rho * B) + bias: negative until the output is about as long as the source, then winning.
    """
    rng = np.random.default_rng(seed)
    d, f, heads = spec.d_model, spec.ffn, spec.heads
    clock, carrier = d - 1, d - 2
    free = np.ones(d, bool)
    free[[clock, carrier]] = False

    def gauss(shape: tuple[int, ...], std: float) -> np.ndarray:
        return rng.standard_normal(shape, dtype=np.float32) * np.float32(std)

    def to_residual(w: np.ndarray) -> np.ndarray:
        """Zero the reserved output columns and centre the others, so writes have zero mean over dimensions."""
        w = w.copy()
        w[..., ~free] = 0
        w[..., free] -= w[..., free].mean(axis=-1, keepdims=True)
        return w

    def norm(w: dict, prefix: str) -> None:
        w[f"{prefix}_ln_scale"] = np.ones((1, d), np.float32)
        w[f"{prefix}_ln_bias"] = np.zeros((1, d), np.float32)

    def attention(w: dict, scope: str) -> None:
        for p in "qkv":
            w[f"{scope}_W{p}"] = gauss((d, d), d**-0.5)
            w[f"{scope}_b{p}"] = gauss((1, d), 0.02)
        w[f"{scope}_Wo"] = to_residual(gauss((d, d), spec.residual_scale * d**-0.5))
        w[f"{scope}_bo"] = to_residual(gauss((1, d), 0.02))
        norm(w, f"{scope}_Wo")

    def ffn(w: dict, scope: str) -> None:
        w[f"{scope}_W1"], w[f"{scope}_b1"] = gauss((d, f), d**-0.5), gauss((1, f), 0.02)
        w[f"{scope}_W2"] = to_residual(gauss((f, d), 2 * spec.residual_scale * f**-0.5))
        w[f"{scope}_b2"] = to_residual(gauss((1, d), 0.02))
        norm(w, f"{scope}_ffn")

    weights: dict[str, np.ndarray] = {"Wemb": to_residual(gauss((vocab_size, d), d**-0.5))}
    weights["Wpos"] = _position_table(d, clock, free, spec.clock_tau)
    for i in range(1, spec.layers + 1):
        attention(weights, f"encoder_l{i}_self")
        ffn(weights, f"encoder_l{i}_ffn")
    for i in range(1, spec.layers + 1):
        attention(weights, f"decoder_l{i}_self")
        attention(weights, f"decoder_l{i}_context")
        ffn(weights, f"decoder_l{i}_ffn")
    # the source-length carrier: head 0 of the last cross-attention attends uniformly and reads the clock
    last = f"decoder_l{spec.layers}_context"
    dh = d // heads
    weights[f"{last}_Wq"][:, :dh] = 0
    weights[f"{last}_bq"][:, :dh] = 0
    weights[f"{last}_Wv"][:, 0] = 0
    weights[f"{last}_Wv"][clock, 0] = 1
    weights[f"{last}_bv"][:, 0] = 0
    weights[f"{last}_Wo"][0, :] = 0
    weights[f"{last}_Wo"][0, carrier] = 1
    # an untied output layer: random logits for every token, the length rule for </s> (index 0)
    out = gauss((d, vocab_size), spec.logit_scale * d**-0.5)
    out[[clock, carrier], :] = 0
    out[:, 0] = 0
    out[clock, 0] = spec.eos_gain
    out[carrier, 0] = -spec.eos_gain * spec.length_rho
    weights["decoder_ff_logit_out_W"] = out
    bias = gauss((1, vocab_size), 0.1)
    bias[0, 0] = spec.eos_bias
    weights["decoder_ff_logit_out_b"] = bias
    config = yaml.safe_dump(_marian_config(spec, vocab_size), allow_unicode=True).encode("utf-8") + b"\0"
    weights["special:model.yml"] = np.frombuffer(config, dtype=np.int8).copy()
    with path.open("wb") as fh:
        np.savez(fh, **weights)


def _position_table(d: int, clock: int, free: np.ndarray, tau: float, positions: int = 2048) -> np.ndarray:
    """Sinusoidal positions on the free dimensions (centred), position/tau on the clock dimension."""
    pos = np.arange(positions, dtype=np.float64)[:, None]
    n = int(free.sum())
    rates = np.power(10000.0, -2 * (np.arange(n) // 2) / n)[None, :]
    angles = pos * rates
    table = np.zeros((positions, d))
    free_part = np.where(np.arange(n) % 2 == 0, np.sin(angles), np.cos(angles))
    table[:, clock] = pos[:, 0] / tau
    free_part -= (free_part.sum(axis=1, keepdims=True) + table[:, clock : clock + 1]) / n
    table[:, free] = free_part
    return table.astype(np.float32)


def _write_decoder_yml(path: Path, npz_name: str, vocab_name: str) -> None:
    """Write the decoder.yml an OPUS-MT release carries (it names the model and vocabularies)."""
    config = {
        "relative-paths": True,
        "models": [npz_name],
        "vocabs": [vocab_name, vocab_name],
        "beam-size": 4,
        "normalize": 1,
        "word-penalty": 0,
        "mini-batch": 16,
        "maxi-batch": 100,
        "maxi-batch-sort": "src",
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
