"""`bitext align SRC TGT`: pair the sentences of a document and its translation."""

from __future__ import annotations

from pathlib import Path

import click

from align.api import AlignOptions, gather_evidence
from align.api import align as align_sentences
from align.io import FORMATS, read_lines, read_side, render, write_output
from align.text import guess_lang
from toolkit.errors import BitextError


@click.command("align")
@click.argument("src", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("tgt", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--presplit", is_flag=True, help="Inputs hold one sentence per line (no sentence splitting).")
@click.option("--src-lang", help="Source language (ISO 639-1; detected when omitted).")
@click.option("--tgt-lang", help="Target language (ISO 639-1; detected when omitted).")
@click.option(
    "--src-mt", type=click.Path(dir_okay=False), help="Translation of the source side, one line per sentence."
)
@click.option(
    "--tgt-mt", type=click.Path(dir_okay=False), help="Translation of the target side, one line per sentence."
)
@click.option(
    "--model",
    "model_name",
    help="Installed model to translate the source side with (into the target language).",
)
@click.option(
    "--dict",
    "dict_path",
    type=click.Path(dir_okay=False),
    help="Bilingual dictionary: dictd .index/.dict.dz or TSV [default: an installed FreeDict dictionary of "
    "the pair, e.g. Debian's dict-freedict-ara-eng, if any].",
)
@click.option("--no-dict", is_flag=True, help="Use no dictionary, not even an installed one.")
@click.option(
    "--translit",
    "translit_spec",
    help="Arabic->Latin name transliteration model (installed name or folder); "
    "default: an installed 'char' model for ar->en, if any.",
)
@click.option(
    "--lexicon/--no-lexicon",
    default=False,
    help="Learn word associations from a first pass and realign with them (helps long European-language "
    "documents without MT; costs a second pass) [default: off].",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="beads",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--sort",
    type=click.Choice(["position", "confidence"]),
    default="position",
    show_default=True,
    help="Order of the output beads (confidence: least confident first).",
)
@click.option("-o", "--output", default="-", show_default=True, help="Output file ('-' for stdout).")
@click.pass_context
def align(
    ctx,
    src,
    tgt,
    presplit,
    src_lang,
    tgt_lang,
    src_mt,
    tgt_mt,
    model_name,
    dict_path,
    no_dict,
    translit_spec,
    lexicon,
    fmt,
    sort,
    output,
):
    """Align the sentences of SRC with those of its translation TGT ('-' reads stdin).

    Every bead gets a confidence in [0, 1]. A side with no sentences yields only 1-0 or 0-1 beads.
    """
    if src == "-" and tgt == "-":
        raise BitextError("only one of SRC and TGT can be '-' (stdin)")
    s_side = read_side(src, presplit=presplit, lang=src_lang)
    t_side = read_side(tgt, presplit=presplit, lang=tgt_lang)
    src_lang = src_lang or guess_lang(s_side.sentences)
    tgt_lang = tgt_lang or guess_lang(t_side.sentences)
    s_mt = read_lines(src_mt) if src_mt else None
    t_mt = read_lines(tgt_mt) if tgt_mt else None
    _check_count(src_mt, s_mt, s_side.sentences, "source")
    _check_count(tgt_mt, t_mt, t_side.sentences, "target")
    if model_name and s_mt is None and s_side.sentences:
        s_mt = _translate(ctx, model_name, s_side.sentences, src_lang, tgt_lang)
    dictionary = None if no_dict else _dictionary(dict_path, src_lang, tgt_lang)
    transliterator = _transliterator(ctx, translit_spec, src_lang, tgt_lang)
    ev = gather_evidence(
        s_side.sentences,
        t_side.sentences,
        dictionary=dictionary,
        transliterator=transliterator,
        src_mt=s_mt,
        tgt_mt=t_mt,
        src_para_starts=s_side.paragraph_starts,
        tgt_para_starts=t_side.paragraph_starts,
    )
    beads = align_sentences(
        s_side.sentences, t_side.sentences, evidence=ev, options=AlignOptions(lexicon=lexicon)
    )
    if sort == "confidence":
        beads = sorted(beads, key=lambda b: (b.score, b.src_ids or [-1], b.tgt_ids or [-1]))
    write_output(output, render(beads, s_side.sentences, t_side.sentences, fmt, src_lang, tgt_lang))


def _check_count(path: str | None, lines: list[str] | None, sentences: list[str], side: str) -> None:
    """A translation file must have one line per sentence of its side."""
    if lines is not None and len(lines) != len(sentences):
        raise BitextError(
            f"{path}: {len(lines)} lines, but the {side} side has {len(sentences)} sentences; "
            "a translation must be line-parallel (use --presplit inputs split the same way)"
        )


def _translate(ctx, model_name: str, sentences: list[str], src_lang: str, tgt_lang: str) -> list[str]:
    """The source sentences translated into the target language by an installed model."""
    from toolkit.cli import store_of
    from toolkit.engine import Translator

    translator = Translator.from_store(store_of(ctx), model_name, src_lang, tgt_lang)
    return [
        r.target for r in translator.translate_texts(sentences, source_lang=src_lang, target_lang=tgt_lang)
    ]


def _dictionary(path: str | None, src_lang: str, tgt_lang: str):
    """The dictionary given, else an installed FreeDict one for the pair; parsed forms are cached."""
    import platformdirs

    from align.dictionary import load_dictionary, system_dictionary

    path = path or system_dictionary(src_lang, tgt_lang)
    if path is None:
        return None
    return load_dictionary(path, cache_dir=Path(platformdirs.user_cache_dir("bitext")) / "dictionaries")


def _transliterator(ctx, spec: str | None, src_lang: str, tgt_lang: str):
    """A name transliterator when asked for, or when an installed character-level ar->en model exists."""
    from align.translit import Transliterator, model_dir_of
    from toolkit.cli import store_of

    store = store_of(ctx)
    if spec:
        return Transliterator(model_dir_of(spec, store))
    if "ar" not in (src_lang, tgt_lang):
        return None
    for model in store.list():
        if model.manifest.tokenizer == "char" and model.covers("ar", "en"):
            return Transliterator(model.ct2_path)
    return None
