"""`bitext models`: install, list, inspect and remove translation models; list the index."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from toolkit.cli import store_of
from toolkit.errors import BitextError
from toolkit.models.index import load_index
from toolkit.models.install import QUANTIZATIONS, InstallOptions, install

INDEX_OPTION = click.option(
    "--index",
    "index",
    metavar="URL|PATH",
    envvar="BITEXT_MODEL_INDEX",
    help="Model index to use [env BITEXT_MODEL_INDEX; default: the index shipped with bitext].",
)


@click.group("models", context_settings={"help_option_names": ["-h", "--help"]})
def models() -> None:
    """Install, list, inspect and remove translation models.

    Models live in one folder per model under the store (see `bitext --models-dir`).
    """


@models.command("install")
@click.argument("source", required=False)
@click.option("--name", help="Name to install the model under [default: from the index, package or file].")
@click.option(
    "-s", "--source-lang", "source_langs", multiple=True, help="Source language(s), e.g. ar (repeatable)."
)
@click.option(
    "-t", "--target-lang", "target_langs", multiple=True, help="Target language(s), e.g. en (repeatable)."
)
@click.option(
    "--quantization",
    type=click.Choice(QUANTIZATIONS),
    default="int8",
    show_default=True,
    help="Weight type when converting an OPUS-MT or Hugging Face model.",
)
@click.option(
    "--family",
    type=click.Choice(["marian", "nllb", "m2m100", "ct2"]),
    help="Model family of a bare CTranslate2 folder [default: guessed from its vocabulary].",
)
@click.option("--source-spm", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="SentencePiece model for the source (bare CTranslate2 folder).")  # fmt: skip
@click.option("--target-spm", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="SentencePiece model for the target (bare CTranslate2 folder).")  # fmt: skip
@click.option("--beam-size", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Default beam size recorded in the manifest.")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace an installed model of the same name.")
@click.option(
    "--progress/--no-progress", default=None, help="Show a download progress bar [default: on a terminal]."
)
@INDEX_OPTION
@click.pass_context
def install_cmd(ctx, source, name, source_langs, target_langs, quantization, family, source_spm, target_spm,
                beam_size, force, progress, index) -> None:  # fmt: skip
    """Install a model from SOURCE: a name from the index, a URL, an OPUS-MT .zip, an .argosmodel, a CTranslate2
    folder (with SentencePiece models), a Hugging Face Marian/NLLB/M2M100 checkpoint folder (`convert` extra),
    or `-` for an archive on standard input.

    Without SOURCE, installs the index's default model for -s/-t (e.g. `bitext models install -s ar -t en`).
    Downloads are checked against the index's sha256 and installed atomically (staged, then renamed). Where the
    index publishes no sha256 (Argos packages, some OPUS-MT releases), the checksum is computed, stored in the
    manifest, and a warning says the download was not verified. Offline, download the file elsewhere and run
    `bitext models install PATH`.
    """
    store = store_of(ctx)
    if not source:
        if not (source_langs and target_langs):
            raise click.UsageError(
                "give a SOURCE (name, URL, file or folder), or -s and -t for the default model"
            )
        found = load_index(index).find(source_langs[0], target_langs[0])
        if not found:
            raise BitextError(
                f"the model index has no model for {source_langs[0]}→{target_langs[0]}; see `bitext models available`"
            )
        source = found[0].name
    opts = InstallOptions(
        name=name,
        source_langs=list(source_langs),
        target_langs=list(target_langs),
        family=family,
        quantization=quantization,
        source_spm=source_spm,
        target_spm=target_spm,
        force=force,
        index=index,
        progress=progress,
        beam_size=beam_size,
    )
    stdin = click.get_binary_stream("stdin") if source == "-" else None
    model = install(store, source, opts, notify=lambda msg: click.echo(msg, err=True), stdin=stdin)
    m = model.manifest
    click.echo(
        f"installed {m.name} ({','.join(m.source_langs)}→{','.join(m.target_langs)}, {m.family}) in {model.path}"
    )


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the manifests as JSON.")
@click.pass_context
def list_cmd(ctx, as_json: bool) -> None:
    """List the installed models."""
    store = store_of(ctx)
    installed = store.list()
    if as_json:
        click.echo(json.dumps([asdict(m.manifest) for m in installed], indent=2, ensure_ascii=False))
        return
    if not installed:
        click.echo(f"no models installed in {store.root}; try `bitext models available`", err=True)
        return
    rows = [
        (m.name, _pair(m.manifest.source_langs, m.manifest.target_langs), m.manifest.family)
        for m in installed
    ]
    _table(rows, ("NAME", "LANGUAGES", "FAMILY"))


@models.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@click.pass_context
def info_cmd(ctx, name: str, as_json: bool) -> None:
    """Show what bitext knows about the installed model NAME."""
    model = store_of(ctx).get(name)
    data = {"path": str(model.path), **asdict(model.manifest)}
    size = sum(f.stat().st_size for f in model.path.rglob("*") if f.is_file())
    data["size_bytes"] = size
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for key, value in data.items():
        if isinstance(value, list | dict):
            value = json.dumps(value, ensure_ascii=False)
        click.echo(f"{key + ':':<18}{value}")


@models.command("remove")
@click.argument("names", nargs=-1, required=True)
@click.pass_context
def remove_cmd(ctx, names: tuple[str, ...]) -> None:
    """Delete the installed model(s) NAMES."""
    store = store_of(ctx)
    for name in names:
        store.get(name)  # every name must exist before anything is removed
    for name in names:
        store.remove(name)
        click.echo(f"removed {name}")


@models.command("available")
@click.option("-s", "--source-lang", help="Only models from this language.")
@click.option("-t", "--target-lang", help="Only models into this language.")
@click.option("--json", "as_json", is_flag=True, help="Print the index entries as JSON.")
@INDEX_OPTION
def available_cmd(source_lang: str | None, target_lang: str | None, as_json: bool, index: str | None) -> None:
    """List the models of the index that `bitext models install NAME` can fetch."""
    idx = load_index(index)
    entries = [
        e
        for e in idx.entries
        if (source_lang is None or source_lang in e.source_langs)
        and (target_lang is None or target_lang in e.target_langs)
    ]
    if as_json:
        click.echo(json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False))
        return
    rows = [
        (
            e.name + (" *" if e.default else ""),
            _pair(e.source_langs, e.target_langs),
            e.family,
            f"{e.size / 1e6:.0f} MB" if e.size else "?",
            "yes" if e.sha256 else "no",
        )
        for e in entries
    ]
    _table(rows, ("NAME", "LANGUAGES", "FAMILY", "SIZE", "SHA256"))
    click.echo(f"(* default for its pair; index: {idx.location})", err=True)


def _pair(src: list[str], tgt: list[str]) -> str:
    """'ar→en', shortened for multilingual models."""

    def short(langs: list[str]) -> str:
        return ",".join(langs) if len(langs) <= 4 else f"{len(langs)} languages"

    return f"{short(src)}→{short(tgt)}"


def _table(rows: list[tuple], header: tuple) -> None:
    """Print rows as aligned columns."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
