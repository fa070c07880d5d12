"""The `bitext` command: one click group whose subcommands load on first use."""

from __future__ import annotations

import importlib
import sys

import click

from toolkit import __version__
from toolkit.errors import BitextError
from toolkit.models.store import ModelStore

SUBCOMMANDS = {
    "models": ("toolkit.models.cli", "models"),
    "translate": ("toolkit.translate_cli", "translate"),
    "batch": ("toolkit.batch.cli", "batch"),
    "align": ("align.cli", "align"),
    "eval": ("eval.cli", "eval_group"),
    "review": ("toolkit.review.cli", "review"),
}

HELP = {
    "models": "Install, list, inspect and remove translation models.",
    "translate": "Translate documents into another language, paragraph by paragraph.",
    "batch": "Translate whole archives as resumable jobs (folders, zip, tar, JSONL).",
    "align": "Align the sentences of a document and its translation.",
    "eval": "Score translations and alignments; compare systems with significance tests.",
    "review": "Review aligned or translated pairs in a local web page.",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        module, attr = SUBCOMMANDS[name]
        try:
            return getattr(importlib.import_module(module), attr)
        except ImportError as exc:
            if exc.name and exc.name.split(".")[0] in {"toolkit", "align", "eval"}:
                raise
            return _missing_dependency(name, exc)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(n, HELP[n]) for n in self.list_commands(ctx)])

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BitextError as exc:
            err = click.ClickException(str(exc))
            err.exit_code = exc.exit_code
            raise err from None
        except BrokenPipeError:
            sys.stderr.close()
            raise SystemExit(1) from None


def _missing_dependency(name: str, exc: ImportError) -> click.Command:
    """A stand-in command that explains which package `name` needs."""

    @click.command(name, help=HELP[name], context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def stub(args):
        raise click.ClickException(
            f"`bitext {name}` needs the Python package {exc.name!r}: pip install {exc.name}"
        )

    return stub


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="bitext")
@click.option(
    "--models-dir",
    type=click.Path(file_okay=False),
    envvar="BITEXT_MODELS_DIR",
    help="Folder of installed models [env BITEXT_MODELS_DIR; default: the user data dir].",
)
@click.pass_context
def main(ctx: click.Context, models_dir: str | None) -> None:
    """bitext: translate documents, align sentences, evaluate translations."""
    ctx.obj = ModelStore(models_dir)


def store_of(ctx: click.Context) -> ModelStore:
    """The model store chosen on the command line (or the default one)."""
    store = ctx.find_object(ModelStore)
    return store if store is not None else ModelStore()
