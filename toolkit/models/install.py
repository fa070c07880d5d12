"""Installers: turn a CTranslate2 folder, an OPUS-MT zip, an .argosmodel, a Hugging Face checkpoint, a URL or an
index name into one store layout (`<root>/<name>/manifest.json`, `model/`, SentencePiece files).

Every install is staged in `<root>/.staging-*` and renamed into place only when complete, so a failure (corrupt
archive, checksum mismatch, full disk, interrupted download) leaves the store as it was.
"""

from __future__ import annotations

import errno
import json
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from toolkit.errors import BitextError
from toolkit.models import families
from toolkit.models.archive import is_archive, safe_extract, single_top_folder
from toolkit.models.download import download, is_url, sha256_file
from toolkit.models.index import IndexEntry, load_index
from toolkit.models.store import MANIFEST, InstalledModel, Manifest, ModelStore

QUANTIZATIONS = (
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$")
CT2_VOCABS = ("shared_vocabulary", "source_vocabulary", "target_vocabulary")
MIN_PIECE_OVERLAP = 0.6  # share of a SentencePiece model's pieces that must be in the model vocabulary

Notify = Callable[[str], None]


@dataclass
class InstallOptions:
    """What the user asked for besides the source."""

    name: str | None = None
    source_langs: list[str] = field(default_factory=list)
    target_langs: list[str] = field(default_factory=list)
    family: str | None = None  # override for a bare CTranslate2 folder (marian, nllb, m2m100, ct2)
    quantization: str = "int8"  # for conversions (OPUS-MT, Hugging Face)
    source_spm: Path | None = None  # for a bare CTranslate2 folder
    target_spm: Path | None = None
    force: bool = False
    index: str | None = None  # URL or path of a model index (None: the shipped one)
    progress: bool | None = None  # download progress bar (None: when stderr is a terminal)
    beam_size: int = 4


@dataclass
class Prepared:
    """A model laid out in the staging folder, waiting for its name to be final."""

    folder: Path
    manifest: Manifest


def install(
    store: ModelStore,
    source: str | Path,
    options: InstallOptions | None = None,
    *,
    notify: Notify | None = None,
    stdin: BinaryIO | None = None,
) -> InstalledModel:
    """Install a model from a path, URL or index name (or `-`: an archive read from `stdin`) into `store`.

    Errors are one-line BitextErrors; on any failure the store is left as it was.
    """
    opts = options or InstallOptions()
    say = notify or (lambda _msg: None)
    if opts.quantization not in QUANTIZATIONS:
        raise BitextError(
            f"unknown quantization {opts.quantization!r}; choose from {', '.join(QUANTIZATIONS)}"
        )
    if opts.name:
        _check_name(opts.name)
        _check_free_name(store, opts.name, opts.force)
    store.root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=store.root))
    try:
        try:
            if str(source) == "-":
                return _commit(store, _prepare_stream(stdin, staging, opts, say), opts.force)
            return _commit(store, _prepare(str(source), staging, opts, say), opts.force)
        except OSError as exc:
            raise _os_error(exc, str(source), store.root) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _prepare(source: str, staging: Path, opts: InstallOptions, say: Notify) -> Prepared:
    """Dispatch on what `source` is: a local file/folder, a URL, or a name from the index."""
    path = Path(source).expanduser()
    if path.exists():
        return prepare_path(path, staging, opts, origin=str(path.resolve()), say=say)
    if is_url(source):
        got = download(source, staging / "download", progress=opts.progress)
        say(f"warning: {source} has no published checksum; computed sha256 {got.sha256} (not verified)")
        return prepare_path(got.path, staging, opts, origin=source, checksum=got.sha256, say=say)
    if source.startswith((".", "/", "~")) or "/" in source or "\\" in source:
        raise BitextError(f"{source}: no such file or folder")
    index = load_index(opts.index)
    return prepare_entry(index.get(source), staging, opts, say)


def _prepare_stream(stream: BinaryIO | None, staging: Path, opts: InstallOptions, say: Notify) -> Prepared:
    """An archive piped on stdin: copied into the staging folder, then installed like a file."""
    if stream is None:
        raise BitextError("`-` means an archive on standard input, but none was given")
    target = staging / "download" / "stdin.archive"
    target.parent.mkdir(parents=True)
    with target.open("wb") as out:
        shutil.copyfileobj(stream, out, 1024 * 1024)
    if target.stat().st_size == 0:
        raise BitextError("-: standard input is empty (expected a model archive)")
    return prepare_path(target, staging, opts, origin="-", say=say)


def prepare_entry(entry: IndexEntry, staging: Path, opts: InstallOptions, say: Notify) -> Prepared:
    """Download an index entry (checksum verified when the index has one) and lay it out."""
    got = download(entry.url, staging / "download", expected_sha256=entry.sha256, expected_size=entry.size,
                   progress=opts.progress)  # fmt: skip
    if not got.verified:
        say(
            f"warning: the index publishes no sha256 for {entry.name}; computed {got.sha256} and stored it "
            "in the manifest (the download was not verified)"
        )
    merged = InstallOptions(**{**opts.__dict__})
    merged.name = opts.name or entry.name
    merged.source_langs = opts.source_langs or list(entry.source_langs)
    merged.target_langs = opts.target_langs or list(entry.target_langs)
    merged.family = opts.family or (entry.family if entry.family in families.MULTILINGUAL else None)
    return prepare_path(got.path, staging, merged, origin=entry.url, checksum=got.sha256, say=say)


def prepare_path(
    path: Path, staging: Path, opts: InstallOptions, *, origin: str, checksum: str | None = None, say: Notify
) -> Prepared:
    """Lay out a local archive or folder in the staging area."""
    if path.is_file():
        if not is_archive(path):
            with path.open("rb") as fh:
                magic = fh.read(4)
            if magic.startswith((b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\xfd7zX")):
                raise BitextError(f"{path}: corrupt or truncated archive (no readable zip/tar directory)")
            raise BitextError(
                f"{path}: not a model archive (expected a zip/tar: OPUS-MT release, .argosmodel, or a CTranslate2 folder)"
            )
        checksum = checksum or sha256_file(path)
        unpacked = safe_extract(path, staging / "unpacked")
        label = "-" if origin == "-" else (origin if is_url(origin) else str(path))
        try:
            folder = _model_folder(single_top_folder(unpacked))
            hint = Path(origin).name if origin != "-" else path.name
            return prepare_folder(folder, staging, opts, origin=origin, checksum=checksum, hint=hint, say=say)
        except BitextError as exc:  # name archive members as ARCHIVE:MEMBER, not by their temporary path
            text = str(exc).replace(f"{unpacked}/", f"{label}:").replace(str(unpacked), label)
            raise BitextError(text) from exc
    return prepare_folder(path, staging, opts, origin=origin, checksum=checksum, hint=path.name, say=say)


def _model_folder(folder: Path) -> Path:
    """`folder`, or its one subfolder holding a model when the archive wraps it with extra files."""
    try:
        detect_kind(folder)
        return folder
    except BitextError:
        subs = [d for d in folder.iterdir() if d.is_dir() and not d.name.startswith((".", "__MACOSX"))]
        for sub in subs if len(subs) == 1 else []:
            detect_kind(sub)
            return sub
        raise


def detect_kind(folder: Path) -> str:
    """What a folder holds: argos | opus-mt | ct2 | huggingface (a one-line error otherwise)."""
    if (folder / "metadata.json").is_file() and (folder / "model").is_dir():
        return "argos"
    if (folder / "decoder.yml").is_file() or any(folder.glob("*.npz")):
        return "opus-mt"
    if (folder / "model.bin").is_file():
        return "ct2"
    if (folder / "config.json").is_file() and _hf_weights(folder):
        return "huggingface"
    raise BitextError(
        f"{folder}: not a model bitext can install (expected an OPUS-MT release with decoder.yml and .npz, an Argos "
        "package with metadata.json and model/, a CTranslate2 folder with model.bin, or a Hugging Face checkpoint)"
    )


def prepare_folder(
    folder: Path,
    staging: Path,
    opts: InstallOptions,
    *,
    origin: str,
    checksum: str | None,
    hint: str,
    say: Notify,
) -> Prepared:
    """Lay out a model folder of any supported kind."""
    kind = detect_kind(folder)
    out = staging / "final"
    out.mkdir()
    if kind == "argos":
        manifest = layout_argos(folder, out, opts)
    elif kind == "opus-mt":
        manifest = layout_opus_mt(folder, out, opts, hint=hint)
    elif kind == "ct2":
        manifest = layout_ct2(folder, out, opts, hint=hint)
    else:
        manifest = layout_huggingface(folder, out, opts, hint=hint, say=say)
    manifest.checksum = checksum or sha256_file(out / manifest.ct2_dir / "model.bin")
    manifest.origin = origin
    manifest.defaults = {"beam_size": opts.beam_size, **manifest.defaults}
    validate_layout(out, manifest)
    return Prepared(out, manifest)


# --- one layout function per source kind -------------------------------------------------------------------


def layout_ct2(folder: Path, out: Path, opts: InstallOptions, *, hint: str) -> Manifest:
    """A CTranslate2 folder plus SentencePiece model(s) found beside it or given with --source-spm/--target-spm."""
    src_spm, tgt_spm = _find_spms(folder, opts)
    vocab = ct2_vocabulary(folder)
    family = opts.family or _family_from_vocab(vocab) or "ct2"
    _copy_ct2(folder, out / "model", skip={p.name for p in (src_spm, tgt_spm) if p and p.parent == folder})
    shutil.copyfile(src_spm, out / "source.spm")
    shutil.copyfile(tgt_spm, out / "target.spm")
    src_langs, tgt_langs = _languages(family, vocab, opts, hint, folder)
    defaults = _marian_tags(vocab)
    return Manifest(name=opts.name or _slug(folder.name), source_langs=src_langs, target_langs=tgt_langs,
                    family=family, defaults=defaults, max_input_tokens=_max_input(folder))  # fmt: skip


def layout_opus_mt(folder: Path, out: Path, opts: InstallOptions, *, hint: str) -> Manifest:
    """An OPUS-MT release (Marian .npz, *.vocab.yml, source.spm/target.spm, decoder.yml), converted to CTranslate2."""
    import numpy as np
    import yaml

    npz, vocabs = _opus_files(folder)
    for spm_name in ("source.spm", "target.spm"):
        if not (folder / spm_name).is_file():
            bpe = (folder / spm_name.replace(".spm", ".bpe")).is_file()
            if bpe:
                raise BitextError(
                    f"{folder}: this OPUS-MT release uses BPE (source.bpe), not SentencePiece; "
                    "bitext needs a release with source.spm/target.spm"
                )
            raise BitextError(
                f"{folder / spm_name}: missing (an OPUS-MT release carries source.spm and target.spm)"
            )
    vocab_tokens = []
    for v in vocabs:
        vocab_tokens.append(_marian_vocab(v))
    _check_pieces(folder / "source.spm", set(vocab_tokens[0]), vocabs[0])
    _check_pieces(folder / "target.spm", set(vocab_tokens[-1]), vocabs[-1])
    try:
        with np.load(npz) as weights:
            config = (
                yaml.safe_load(weights["special:model.yml"][:-1].tobytes())
                if "special:model.yml" in weights
                else {}
            )
    except Exception as exc:  # numpy raises zipfile/OSError/ValueError/EOFError for a damaged .npz
        raise BitextError(f"{npz}: corrupt or truncated Marian model ({type(exc).__name__}: {exc})") from exc
    dims = (config or {}).get("dim-vocabs") or []
    if dims and dims[0] != len(vocab_tokens[0]):
        raise BitextError(
            f"{vocabs[0]}: vocabulary has {len(vocab_tokens[0])} entries but {npz.name} was trained with {dims[0]}"
        )
    _convert_marian(npz, vocabs, out / "model", opts.quantization)
    shutil.copyfile(folder / "source.spm", out / "source.spm")
    shutil.copyfile(folder / "target.spm", out / "target.spm")
    for extra in ("LICENSE", "README.md"):
        if (folder / extra).is_file():
            shutil.copyfile(folder / extra, out / extra)
    src_langs, tgt_langs = _languages("marian", [], opts, hint, folder)
    name = opts.name or (
        f"opus-mt-{src_langs[0]}-{tgt_langs[0]}" if len(src_langs) == len(tgt_langs) == 1 else None
    )
    return Manifest(name=name or _slug(folder.name), source_langs=src_langs, target_langs=tgt_langs, family="marian",
                    defaults=_marian_tags(vocab_tokens[-1]), max_input_tokens=512)  # fmt: skip


def layout_argos(folder: Path, out: Path, opts: InstallOptions) -> Manifest:
    """An Argos Translate package (metadata.json, model/, sentencepiece.model), read without argostranslate."""
    meta_path = folder / "metadata.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        src, tgt = meta["from_code"], meta["to_code"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BitextError(f"{meta_path}: unreadable Argos metadata ({type(exc).__name__}: {exc})") from exc
    model_dir = folder / "model"
    if not (model_dir / "model.bin").is_file():
        raise BitextError(
            f"{model_dir / 'model.bin'}: missing (an Argos package carries a CTranslate2 model/ folder)"
        )
    spm_path = folder / "sentencepiece.model"
    if not spm_path.is_file():
        if (folder / "bpe.model").is_file():
            raise BitextError(
                f"{folder}: this Argos package uses a BPE tokenizer (bpe.model); bitext needs SentencePiece"
            )
        raise BitextError(f"{spm_path}: missing (an Argos package carries sentencepiece.model)")
    vocab = ct2_vocabulary(model_dir)
    _check_pieces(spm_path, set(vocab), model_dir)
    _copy_ct2(model_dir, out / "model", skip=set())
    shutil.copyfile(spm_path, out / "sentencepiece.model")
    if (folder / "README.md").is_file():
        shutil.copyfile(folder / "README.md", out / "README.md")
    name = opts.name or f"argos-{src}-{tgt}"
    return Manifest(name=_slug(name), source_langs=opts.source_langs or [src], target_langs=opts.target_langs or [tgt],
                    family="argos", source_spm="sentencepiece.model", target_spm="sentencepiece.model",
                    max_input_tokens=_max_input(model_dir, default=512))  # fmt: skip


def layout_huggingface(folder: Path, out: Path, opts: InstallOptions, *, hint: str, say: Notify) -> Manifest:
    """A Hugging Face Marian / NLLB / M2M100 checkpoint, converted with TransformersConverter (`convert` extra)."""
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise BitextError(
            f"{folder}: converting a Hugging Face checkpoint needs the `convert` extra ({exc.name} is missing): "
            "pip install 'bitext[convert]'"
        ) from None
    from ctranslate2.converters import TransformersConverter

    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BitextError(f"{folder / 'config.json'}: unreadable ({exc})") from exc
    model_type = config.get("model_type", "")
    if model_type not in {"marian", "m2m_100", "nllb-moe"}:
        raise BitextError(
            f"{folder / 'config.json'}: model_type {model_type!r} is not Marian, NLLB or M2M100"
        )
    say(f"converting {folder} with TransformersConverter ({opts.quantization})")
    try:
        TransformersConverter(str(folder)).convert(
            str(out / "model"), quantization=opts.quantization, force=True
        )
    except Exception as exc:  # the converter raises many types for a bad checkpoint
        raise BitextError(
            f"{folder}: conversion failed ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
        ) from exc
    vocab = ct2_vocabulary(out / "model")
    if model_type == "marian":
        family, src_spm, tgt_spm = "marian", folder / "source.spm", folder / "target.spm"
    else:
        family = _family_from_vocab(vocab) or "m2m100"
        spm = folder / "sentencepiece.bpe.model"
        src_spm = tgt_spm = spm
    for p in (src_spm, tgt_spm):
        if not p.is_file():
            raise BitextError(f"{p}: missing SentencePiece model in the checkpoint")
    shutil.copyfile(src_spm, out / "source.spm")
    shutil.copyfile(tgt_spm, out / "target.spm")
    src_langs, tgt_langs = _languages(family, vocab, opts, hint, folder)
    max_pos = int(config.get("max_position_embeddings") or 512)
    return Manifest(name=opts.name or _slug(folder.name), source_langs=src_langs, target_langs=tgt_langs,
                    family=family, defaults=_marian_tags(vocab), max_input_tokens=max_pos)  # fmt: skip


# --- checks ------------------------------------------------------------------------------------------------


def validate_layout(out: Path, manifest: Manifest) -> None:
    """Load the laid-out model with CTranslate2 and SentencePiece once: a broken model fails here, not later."""
    import ctranslate2
    import sentencepiece as spm

    model_dir = out / manifest.ct2_dir
    try:
        ctranslate2.Translator(str(model_dir), device="cpu", inter_threads=1, intra_threads=1)
    except (RuntimeError, ValueError, OSError) as exc:
        raise BitextError(
            f"{model_dir / 'model.bin'}: CTranslate2 cannot load it ({str(exc).splitlines()[0][:200]})"
        ) from exc
    for name in {manifest.source_spm, manifest.target_spm} - {None}:
        try:
            spm.SentencePieceProcessor(model_file=str(out / name))
        except (RuntimeError, OSError) as exc:
            raise BitextError(
                f"{out / name}: not a SentencePiece model ({str(exc).splitlines()[0][:160]})"
            ) from exc


def ct2_vocabulary(folder: Path) -> list[str]:
    """The target (or shared) vocabulary of a CTranslate2 folder (json or txt)."""
    for stem in ("shared_vocabulary", "target_vocabulary"):
        for ext, reader in ((".json", _json_list), (".txt", _txt_list)):
            p = folder / f"{stem}{ext}"
            if p.is_file():
                return reader(p)
    raise BitextError(f"{folder}: no vocabulary file (shared_vocabulary or target_vocabulary .json/.txt)")


def _json_list(path: Path) -> list[str]:
    """A JSON list of tokens."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BitextError(f"{path}: unreadable vocabulary ({exc})") from exc
    if not isinstance(data, list):
        raise BitextError(f"{path}: a vocabulary must be a JSON list of tokens")
    return [str(t) for t in data]


def _txt_list(path: Path) -> list[str]:
    """One token per line."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise BitextError(f"{path}: unreadable vocabulary ({exc})") from exc
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _marian_vocab(path: Path) -> list[str]:
    """A Marian .yml vocabulary, parsed as CTranslate2's converter parses it."""
    from ctranslate2.converters.marian import load_vocab

    try:
        tokens = load_vocab(str(path))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise BitextError(f"{path}: unreadable Marian vocabulary ({str(exc).splitlines()[0][:160]})") from exc
    if not tokens:
        raise BitextError(f"{path}: empty Marian vocabulary")
    return tokens


def _check_pieces(spm_path: Path, vocab: set[str], vocab_path: Path) -> None:
    """Refuse a SentencePiece model whose pieces are mostly absent from the model vocabulary (a mismatched pair)."""
    import sentencepiece as spm

    try:
        sp = spm.SentencePieceProcessor(model_file=str(spm_path))
    except (RuntimeError, OSError) as exc:
        raise BitextError(
            f"{spm_path}: not a SentencePiece model ({str(exc).splitlines()[0][:160]})"
        ) from exc
    pieces = [
        sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not (sp.is_control(i) or sp.is_unknown(i))
    ]
    if not pieces:
        return
    share = sum(p in vocab for p in pieces) / len(pieces)
    if share < MIN_PIECE_OVERLAP:
        raise BitextError(
            f"{spm_path}: does not match the model vocabulary {vocab_path} "
            f"(only {share:.0%} of its {len(pieces)} pieces are in it)"
        )


def _opus_files(folder: Path) -> tuple[Path, list[Path]]:
    """The .npz and vocabularies of an OPUS-MT release (from decoder.yml when present)."""
    import yaml

    dec = folder / "decoder.yml"
    if dec.is_file():
        try:
            config = yaml.safe_load(dec.read_text(encoding="utf-8")) or {}
            npz = folder / config["models"][0]
            vocabs = [folder / v for v in config["vocabs"]]
        except (OSError, ValueError, yaml.YAMLError, KeyError, IndexError, TypeError) as exc:
            raise BitextError(f"{dec}: unreadable decoder.yml ({type(exc).__name__}: {exc})") from exc
    else:
        npzs = sorted(folder.glob("*.npz"))
        vocabs = sorted(folder.glob("*.vocab.yml"))
        if len(npzs) != 1:
            raise BitextError(f"{folder}: expected one Marian .npz model, found {len(npzs)}")
        npz = npzs[0]
        vocabs = vocabs[:1] * 2 if len(vocabs) == 1 else vocabs
    if not npz.is_file():
        raise BitextError(f"{npz}: missing Marian model (named in decoder.yml)")
    if not vocabs:
        raise BitextError(f"{folder}: missing vocabulary (*.vocab.yml)")
    for v in vocabs:
        if not v.is_file():
            raise BitextError(f"{v}: missing Marian vocabulary")
    return npz, vocabs


def _convert_marian(npz: Path, vocabs: list[Path], out: Path, quantization: str) -> None:
    """Run CTranslate2's MarianConverter; a model it cannot read is a one-line error naming the .npz."""
    from ctranslate2.converters import MarianConverter

    try:
        MarianConverter(str(npz), [str(v) for v in vocabs]).convert(
            str(out), quantization=quantization, force=True
        )
    except OSError:
        raise
    except Exception as exc:  # KeyError for a missing tensor, ValueError for shapes/options, zip errors, ...
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise BitextError(
            f"{npz}: MarianConverter cannot convert it ({type(exc).__name__}: {detail})"
        ) from exc


def _copy_ct2(src: Path, dest: Path, *, skip: set[str]) -> None:
    """Copy a CTranslate2 folder's files (not subfolders, not the given names)."""
    dest.mkdir(parents=True)
    for f in src.iterdir():
        if f.is_file() and f.name not in skip and not f.name.startswith("."):
            shutil.copyfile(f, dest / f.name)


def _find_spms(folder: Path, opts: InstallOptions) -> tuple[Path, Path]:
    """The source and target SentencePiece models for a bare CTranslate2 folder."""
    if opts.source_spm or opts.target_spm:
        src = Path(opts.source_spm or opts.target_spm)
        tgt = Path(opts.target_spm or opts.source_spm)
    else:
        pairs = [("source.spm", "target.spm"), ("sentencepiece.model", "sentencepiece.model"),
                 ("sentencepiece.bpe.model", "sentencepiece.bpe.model"), ("spm.model", "spm.model")]  # fmt: skip
        for a, b in pairs:
            if (folder / a).is_file() and (folder / b).is_file():
                src, tgt = folder / a, folder / b
                break
        else:
            raise BitextError(
                f"{folder}: no SentencePiece model found (source.spm/target.spm or sentencepiece.model); "
                "pass --source-spm/--target-spm"
            )
    for p in (src, tgt):
        if not p.is_file():
            raise BitextError(f"{p}: no such SentencePiece model")
    vocab_src = _source_vocab(folder)
    _check_pieces(src, set(vocab_src), folder)
    _check_pieces(tgt, set(ct2_vocabulary(folder)), folder)
    return src, tgt


def _source_vocab(folder: Path) -> list[str]:
    """The source (or shared) vocabulary of a CTranslate2 folder."""
    for stem in ("shared_vocabulary", "source_vocabulary"):
        for ext, reader in ((".json", _json_list), (".txt", _txt_list)):
            p = folder / f"{stem}{ext}"
            if p.is_file():
                return reader(p)
    return ct2_vocabulary(folder)


def _family_from_vocab(vocab: list[str]) -> str | None:
    """nllb or m2m100 when the vocabulary holds their language tokens."""
    if len(families.languages_in_vocabulary("nllb", vocab)) >= 2:
        return "nllb"
    if len(families.languages_in_vocabulary("m2m100", vocab)) >= 2:
        return "m2m100"
    return None


def _marian_tags(vocab: list[str]) -> dict:
    """Decoding defaults recording a multi-target model's `>>xx<<` tokens."""
    tags = families.marian_target_tokens(vocab)
    return {"target_tokens": tags} if tags else {}


_PAIR_RE = re.compile(r"(?<![a-z])(?=([a-z]{2,3})[-_]([a-z]{2,3})(?![a-z]))")  # overlapping: opus-mt-ar-en


def _languages(
    family: str, vocab: list[str], opts: InstallOptions, hint: str, folder: Path
) -> tuple[list, list]:
    """The model's languages: from the options, a multilingual vocabulary, the README, or the file name."""
    if opts.source_langs and opts.target_langs:
        return list(opts.source_langs), list(opts.target_langs)
    if family in families.MULTILINGUAL:
        langs = families.languages_in_vocabulary(family, vocab)
        return opts.source_langs or langs, opts.target_langs or langs
    src, tgt = _readme_languages(folder)
    if not (src and tgt):
        known = set(families.NLLB_CODES) | set(families.ISO3.values())
        back = {v: k for k, v in families.ISO3.items()}
        for text in (hint.lower(), folder.name.lower()):
            pairs = [m.groups() for m in _PAIR_RE.finditer(text) if set(m.groups()) <= known]
            if pairs:  # the last pair: 'opus-mt-ar-en' is ar→en, not mt→ar
                src, tgt = [back.get(pairs[-1][0], pairs[-1][0])], [back.get(pairs[-1][1], pairs[-1][1])]
                break
    src = opts.source_langs or src
    tgt = opts.target_langs or tgt
    if not (src and tgt):
        raise BitextError(
            f"{hint}: cannot tell the model's languages; pass them: --source-lang ar --target-lang en"
        )
    return src, tgt


def _readme_languages(folder: Path) -> tuple[list[str], list[str]]:
    """Languages from an OPUS-MT README ('source language(s): ar' / download URL '/ar-en/')."""
    readme = folder / "README.md"
    if not readme.is_file():
        return [], []
    text = readme.read_text(encoding="utf-8", errors="replace")
    s = re.search(r"source language\(s\):\s*([^\n]+)", text)
    t = re.search(r"target language\(s\):\s*([^\n]+)", text)
    if s and t:
        return _short_codes(s.group(1)), _short_codes(t.group(1))
    m = re.search(r"OPUS-MT-models/([a-z]{2,3})-([a-z]{2,3})/", text)
    return ([m.group(1)], [m.group(2)]) if m else ([], [])


def _short_codes(text: str) -> list[str]:
    """ISO codes from a README list ('ara arz' → ['ar']), 3-letter codes mapped back to 2 when known."""
    back = {v: k for k, v in families.ISO3.items()}
    codes = []
    for code in re.findall(r"[a-z]{2,3}(?:_[A-Za-z]+)?", text):
        short = back.get(code, code)
        if short not in codes:
            codes.append(short)
    return codes


def _max_input(folder: Path, default: int = 512) -> int:
    """The input limit a CTranslate2 config records, else a default."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default
    return int(config.get("max_source_positions") or config.get("max_position_embeddings") or default)


def _hf_weights(folder: Path) -> bool:
    """True when a folder holds Hugging Face weights."""
    return any(
        (folder / n).is_file() for n in ("pytorch_model.bin", "model.safetensors", "tf_model.h5")
    ) or any(folder.glob("model-*.safetensors"))


def _slug(text: str) -> str:
    """A store-safe model name from arbitrary text."""
    slug = re.sub(r"[^A-Za-z0-9._+-]+", "-", text).strip("-.") or "model"
    return slug[:100]


def _check_name(name: str) -> None:
    """Refuse names that are not plain folder names."""
    if not NAME_RE.match(name):
        raise BitextError(f"invalid model name {name!r}: use letters, digits, '.', '_', '+', '-' (no '/')")


def _check_free_name(store: ModelStore, name: str, force: bool) -> None:
    """Refuse to overwrite an installed model unless forced."""
    if (store.root / name / MANIFEST).is_file() and not force:
        raise BitextError(
            f"a model named {name!r} is already installed in {store.root}; pass --force to replace it"
        )


def _commit(store: ModelStore, prepared: Prepared, force: bool) -> InstalledModel:
    """Write the manifest, then rename the staged folder into place (replacing an old one only with force)."""
    name = prepared.manifest.name
    _check_name(name)
    _check_free_name(store, name, force)
    prepared.manifest.dump(prepared.folder / MANIFEST)
    dest = store.root / name
    old = None
    if dest.exists():
        old = dest.with_name(f".old-{name}-{uuid.uuid4().hex[:8]}")
        dest.rename(old)
    prepared.folder.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return InstalledModel(dest, prepared.manifest)


def _os_error(exc: OSError, source: str, root: Path) -> BitextError:
    """A one-line error for a filesystem failure during an install."""
    if exc.errno == errno.ENOSPC:
        return BitextError(
            f"no space left on the device in {root} while installing {source}; nothing was installed"
        )
    where = exc.filename or source
    return BitextError(f"{where}: {exc.strerror or exc} (while installing {source}; nothing was installed)")
