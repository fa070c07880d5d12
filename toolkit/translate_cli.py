"""`bitext translate`: documents in, the same documents in another language out."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from toolkit.cli import store_of
from toolkit.engine import DecodeOptions, Translator
from toolkit.errors import BitextError
from toolkit.fileio import MAX_LINE_CHARS, read_text, write_output
from toolkit.langid import LanguageDetector
from toolkit.segment import make_document
from toolkit.writers import FORMATS, render

EXTENSIONS = {"txt": ".txt", "jsonl": ".jsonl", "tmx": ".tmx"}


def output_name(path: Path, source_lang: str | None, target_lang: str, fmt: str) -> str:
    """The output file name for an input: `x.ar.txt` → `x.en.txt` (or `.jsonl`/`.tmx`); else `x.en.txt`."""
    stem, suffix = path.stem, path.suffix
    parts = stem.split(".")
    if source_lang and len(parts) > 1 and parts[-1] == source_lang:
        stem = ".".join(parts[:-1])
    ext = EXTENSIONS[fmt] if fmt != "txt" else (suffix or ".txt")
    return f"{stem}.{target_lang}{ext}"


def plan_outputs(files: list[str], output: str | None, source_lang, target_lang, fmt) -> list[str | None]:
    """Where each input's output goes: stdout, one file, or a folder mirroring the inputs' relative paths."""
    if len(files) == 1 and not (output and Path(output).is_dir()):
        return [output]
    if not output:
        raise BitextError("several input files need -o/--output FOLDER")
    if Path(output).exists() and not Path(output).is_dir():
        raise BitextError(f"{output}: exists and is not a folder (several inputs write a folder of outputs)")
    paths = [Path(f).resolve() for f in files]
    base = Path(os.path.commonpath([p.parent for p in paths])) if len(paths) > 1 else paths[0].parent
    outs = []
    for p in paths:
        rel = p.parent.relative_to(base)
        outs.append(str(Path(output) / rel / output_name(p, source_lang, target_lang, fmt)))
    if len(set(outs)) != len(outs):
        raise BitextError("two inputs would write the same output name; translate them separately")
    return outs


@click.command("translate")
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True, dir_okay=False))
@click.option(
    "-s", "--source-lang", help="Source language (ISO 639-1, e.g. ar); detected offline when omitted."
)
@click.option("-t", "--target-lang", default="en", show_default=True, help="Target language.")
@click.option(
    "-m", "--model", help="Installed model name or model folder [default: best installed for the pair]."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="Output file, or folder for several inputs [default: stdout].",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="txt",
    show_default=True,
    help="txt keeps the document's layout; jsonl and tmx add scores and flags per segment.",
)
@click.option("--beam-size", type=int, default=4, show_default=True, help="Beam size.")
@click.option(
    "--compute-type",
    default="int8",
    show_default=True,
    help="CTranslate2 compute type (int8, float32, auto, ...).",
)
@click.option("--device", default="cpu", show_default=True, help="cpu, cuda or auto.")
@click.option(
    "--threads",
    type=click.IntRange(0),
    default=0,
    help="Cores to use, one CTranslate2 worker each [default: all].",
)
@click.option("--batch-tokens", type=int, default=2048, show_default=True, help="Tokens per batch.")
@click.option(
    "--max-decoding-length",
    type=int,
    default=None,
    help="Fixed decoding limit in tokens [default: grows with each source, 2 × length + 10].",
)
@click.option(
    "--max-line-chars",
    type=int,
    default=MAX_LINE_CHARS,
    show_default=True,
    help="Refuse input lines longer than this.",
)
@click.pass_context
def translate(
    ctx,
    files,
    source_lang,
    target_lang,
    model,
    output,
    fmt,
    beam_size,
    compute_type,
    device,
    threads,
    batch_tokens,
    max_decoding_length,
    max_line_chars,
):
    """Translate FILES (or stdin, `-`) paragraph by paragraph, keeping blank lines and whitespace exactly.

    All documents of one call are translated together: each distinct sentence once, sorted by length.
    """
    files = list(files) or ["-"]
    texts = [read_text(f, max_line_chars=max_line_chars) for f in files]
    detector = LanguageDetector()
    langs = [source_lang or detector.detect(t) for t in texts]
    for f, lang in zip(files, langs, strict=True):
        if lang is None:
            raise BitextError(f"{f}: cannot tell the source language; pass -s/--source-lang")
    options = DecodeOptions(
        beam_size=beam_size,
        compute_type=compute_type,
        inter_threads=threads,
        max_batch_tokens=batch_tokens,
        max_decoding_length=max_decoding_length,
    )
    store = store_of(ctx)
    translators: dict[str, Translator] = {}
    docs = [make_document(t, lang, doc_id=f) for f, t, lang in zip(files, texts, langs, strict=True)]
    for lang in dict.fromkeys(langs):
        tr = translators[lang] = Translator.from_store(
            store, model, lang, target_lang, options, device=device
        )
        group = [d for d in docs if d.lang == lang]
        with _progress(sum(1 for d in group for s in d.segments() if s.translate)) as bar:
            tr.translate_documents(group, source_lang=lang, target_lang=target_lang, progress=bar)
    outs = plan_outputs(files, output, source_lang, target_lang, fmt)
    if len(files) == 1:
        name = translators[langs[0]].model.name
        write_output(outs[0], render(docs, fmt, source_lang=langs[0], target_lang=target_lang, model=name))
        return
    for doc, out in zip(docs, outs, strict=True):
        name = translators[doc.lang].model.name
        write_output(out, render([doc], fmt, source_lang=doc.lang, target_lang=target_lang, model=name))
        click.echo(f"{doc.id} → {out}", err=True)


class _progress:
    """A tqdm bar over segments when stderr is a terminal; nothing otherwise. Used as a callable of counts."""

    def __init__(self, total: int) -> None:
        self.bar = None
        if sys.stderr.isatty() and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="seg", desc="translating", file=sys.stderr)

    def __enter__(self):
        return self if self.bar else None

    def __call__(self, n: int) -> None:
        self.bar.update(n)

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.close()
