"""`bitext review PAIRS` serves the review page; `bitext review export REVIEWFILE` writes approved pairs."""

from __future__ import annotations

import shutil
import sys
import tempfile
import webbrowser
from pathlib import Path

import click

from toolkit.errors import BitextError
from toolkit.review.export import FORMATS, render, write_atomic
from toolkit.review.reviewfile import SUFFIX, is_review_file, open_review
from toolkit.review.server import LOOPBACK, make_review_server
from toolkit.review.store import ReviewStore


class ReviewGroup(click.Group):
    """A group whose default subcommand is `serve`: `bitext review PAIRS` means `bitext review serve PAIRS`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["serve", *args]
        return super().parse_args(ctx, args)


@click.group(cls=ReviewGroup, context_settings={"help_option_names": ["-h", "--help"]})
def review() -> None:
    """Review aligned or translated pairs in a local web page, then export the approved ones.

    \b
      bitext review PAIRS [--port N] [--open] [--host H]
      bitext review SOURCE TARGET BEADS [--source-lang ar --target-lang en]
      bitext review export REVIEWFILE --format tmx|xliff|tsv [-o OUT]

    PAIRS is the JSONL of `bitext translate` or `bitext align`, or a TMX file. Decisions and edits are kept
    in PAIRS.review.sqlite beside the input, and reused when you start again.
    """


@review.command("serve", short_help="Serve the review page for PAIRS (the default: `bitext review PAIRS`).")
@click.argument(
    "pairs", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path)
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default="a free port", help="Port to listen on."
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind; others than 127.0.0.1 warn."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option(
    "--review-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Where decisions are kept [default: PAIRS{SUFFIX} beside the input].",
)
@click.option("--source-lang", help="Source language code when the input names none (bead files, TMX).")
@click.option("--target-lang", help="Target language code when the input names none.")
def serve(
    pairs: tuple[Path, ...],
    port: int,
    host: str,
    open_browser: bool,
    review_file: Path | None,
    source_lang: str | None,
    target_lang: str | None,
) -> None:
    """Serve the review page for PAIRS (one JSONL or TMX file, or SOURCE TARGET BEADS)."""
    paths = list(pairs)
    spool = None
    if any(str(p) == "-" for p in paths):
        if len(paths) != 1 or review_file is None:
            raise BitextError("reading pairs from stdin ('-') needs --review-file: the review is kept there")
        if not review_file.exists():
            spool = tempfile.NamedTemporaryFile(prefix="bitext-review-", suffix=".jsonl", delete=False)
            shutil.copyfileobj(sys.stdin.buffer, spool)
            spool.close()
        paths = [Path(spool.name) if spool else review_file]
    try:
        opened = open_review(
            paths,
            review_file,
            source_lang=source_lang,
            target_lang=target_lang,
            name="stdin" if spool else None,
        )
    finally:
        if spool is not None:
            Path(spool.name).unlink(missing_ok=True)
    for warning in opened.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for side, lang in zip(("source", "target"), opened.store.languages()):
        if lang == "und":
            click.echo(
                f"Warning: the {side} language is unknown; exports will say 'und' (pass --{side}-lang)",
                err=True,
            )
    if host not in LOOPBACK:
        click.echo(
            f"Warning: serving on {host}: anyone who can reach this address can read and change the review",
            err=True,
        )
    try:
        server = make_review_server(opened.store, host, port)
    except OSError as exc:
        raise BitextError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    counts = opened.store.counts()
    state = "new review file" if opened.created else "review file"
    click.echo(
        f"{counts['total']} pairs ({counts['approved']} approved, {counts['rejected']} rejected), {state} {opened.store.path}",
        err=True,
    )
    click.echo(f"Review at {server.url}  (Ctrl+C to stop)")
    sys.stdout.flush()
    if open_browser:
        webbrowser.open(server.url)
    server.serve_forever()


@review.command("export", short_help="Write the approved pairs as TMX, XLIFF or TSV.")
@click.argument("reviewfile", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)), required=True, help="Output format.")
@click.option("-o", "--output", default="-", show_default=True, help="Output file; '-' for stdout.")
def export(reviewfile: Path, fmt: str, output: str) -> None:
    """Write the approved pairs of REVIEWFILE (or of the input it was made from) as TMX, XLIFF or TSV."""
    if not reviewfile.exists():
        raise BitextError(f"{reviewfile}: no such file")
    if not is_review_file(reviewfile):
        beside = reviewfile.with_name(reviewfile.name + SUFFIX)
        if not beside.exists():
            raise BitextError(f"{reviewfile}: not a review file, and no {beside.name} beside it")
        reviewfile = beside
    store = ReviewStore(reviewfile)
    items = store.all_items("approved")
    if not items:
        click.echo("Warning: no pair is approved yet: the file holds no translation units", err=True)
    write_atomic(render(items, fmt, store.languages()), output)
    where = "stdout" if output == "-" else output
    click.echo(f"{len(items)} approved pairs written to {where} as {fmt.upper()}", err=True)
