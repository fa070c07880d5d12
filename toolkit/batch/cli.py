"""`bitext batch run|status`: translate whole archives as resumable jobs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from toolkit.batch.readers import INPUT_TYPES

OUTPUT_HELP = """Outputs mirror the input: the document at path P inside INPUT (a file below the folder, a zip or
tar member, a line of a list file) is written to OUTDIR/P under the same name. JSONL documents are written to
OUTDIR/ID (ID + '.txt', or '.html' for HTML, when the id has no suffix). Names that are absolute, contain '..'
or are links are refused and recorded as failed; nothing is ever written outside OUTDIR. Job state (ledger,
lock, default translation memory, temp files) lives in OUTDIR/.bitext/."""


@click.group("batch", help="Translate whole archives as resumable jobs (folders, zip, tar, JSONL).")
def batch() -> None:
    """The `bitext batch` command group."""


@batch.command("run", epilog=OUTPUT_HELP)
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o", "--outdir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder."
)
@click.option(
    "-m", "--model", default=None, help="Model name or folder [default: the best installed for the pair]."
)
@click.option("-s", "--source-lang", default=None, help="Source language (ISO 639-1).")
@click.option("-t", "--target-lang", required=True, help="Target language (ISO 639-1).")
@click.option(
    "--input-type",
    type=click.Choice(INPUT_TYPES),
    default="auto",
    show_default=True,
    help="What INPUT is; 'list' is a text file with one path per line.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "text", "html"]),
    default="auto",
    show_default=True,
    help="Document format (auto: by file name, else by content).",
)
@click.option("--id-field", default="id", show_default=True, help="JSONL field holding the document id.")
@click.option(
    "--text-field", default="text", show_default=True, help="JSONL field holding the document text."
)
@click.option(
    "--memory",
    "memory",
    type=click.Path(path_type=Path),
    default=None,
    help="Translation memory: a folder or .sqlite file several jobs can share [default: OUTDIR/.bitext].",
)
@click.option("--no-memory", is_flag=True, help="Do not use a translation memory.")
@click.option("--retry-failed", is_flag=True, help="Translate again the documents that failed before.")
@click.option(
    "--side",
    multiple=True,
    type=click.Choice(["jsonl", "tmx"]),
    help="Also write OUTDIR/P.bitext.jsonl / .tmx with scores and flags (repeatable).",
)
@click.option(
    "--chunk-docs",
    type=click.IntRange(1),
    default=32,
    show_default=True,
    help="Documents handed to the engine at once.",
)
@click.option(
    "--chunk-segments",
    type=click.IntRange(1),
    default=1024,
    show_default=True,
    help="Cap on the segments of one chunk.",
)
@click.option("--beam-size", type=click.IntRange(1), default=None, help="Beam size [engine default].")
@click.option("--compute-type", default=None, help="CTranslate2 compute type [engine default: int8].")
@click.option(
    "--threads",
    type=click.IntRange(0),
    default=None,
    help="Cores to use, one CTranslate2 worker each (0: all).",
)
@click.option(
    "--ray",
    "ray_address",
    default=None,
    metavar="auto|ADDRESS",
    help="Run the translation on a Ray cluster: ADDRESS, 'auto' (the running one, else a new local one) or 'local'.",
)
@click.option(
    "--ray-actors", type=click.IntRange(0), default=0, help="Ray actors (0: one per 2 CPUs of the cluster)."
)
@click.option(
    "--progress/--no-progress",
    "bar",
    default=None,
    help="Progress bar [default: when stderr is a terminal; else a line every --progress-every s].",
)
@click.option(
    "--progress-every", type=float, default=10.0, show_default=True, help="Seconds between plain lines."
)
@click.pass_context
def run(
    ctx: click.Context,
    input_path: Path,
    outdir: Path,
    model,
    source_lang,
    target_lang,
    input_type,
    fmt,
    id_field,
    text_field,
    memory,
    no_memory,
    retry_failed,
    side,
    chunk_docs,
    chunk_segments,
    beam_size,
    compute_type,
    threads,
    ray_address,
    ray_actors,
    bar,
    progress_every,
) -> None:
    """Translate every document of INPUT (folder, .zip, .tar[.gz], .jsonl, list of paths) into OUTDIR.

    Run the same command again to resume: finished documents are kept, changed inputs are translated again.
    """
    from toolkit.batch.pipeline import Job, JobConfig
    from toolkit.batch.readers import open_input
    from toolkit.cli import store_of
    from toolkit.engine import DecodeOptions

    options = DecodeOptions()
    if beam_size is not None:
        options.beam_size = beam_size
    if compute_type is not None:
        options.compute_type = compute_type
    if threads is not None:
        options.inter_threads = threads
    cfg = JobConfig(
        input=open_input(input_path, input_type, id_field, text_field),
        outdir=outdir,
        target_lang=target_lang,
        source_lang=source_lang,
        model=model,
        fmt=fmt,
        memory=memory,
        use_memory=not no_memory,
        retry_failed=retry_failed,
        chunk_docs=chunk_docs,
        chunk_segments=chunk_segments,
        side=tuple(dict.fromkeys(side)),
        options=options,
        ray=ray_address,
        ray_actors=ray_actors,
        progress_bar=bar,
        progress_every=progress_every,
    )
    summary = Job(cfg).run(store_of(ctx))
    c = summary.counts
    hit = f" ({summary.tm_hits / summary.segments:.0%})" if summary.segments else ""
    click.echo(
        f"bitext batch: this run {summary.translated} translated, {summary.failed} failed, {summary.skipped} "
        f"already done in {summary.seconds:.1f}s; TM hits {summary.tm_hits}/{summary.segments} segments{hit}; "
        f"job: {c['done']} done, {c['pending']} pending, {c['failed']} failed",
        err=True,
    )
    if c["failed"] or c["pending"]:
        click.echo(f"see `bitext batch status {outdir}` for the reasons", err=True)
        sys.exit(1)


@batch.command("status")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
@click.option(
    "--max-failures", type=click.IntRange(0), default=50, show_default=True, help="Failures to list."
)
def status(outdir: Path, as_json: bool, max_failures: int) -> None:
    """Print a job's counts (pending/done/failed), throughput, ETA and failures with reasons."""
    from toolkit.batch.status import job_status

    st = job_status(outdir, max_failures)
    if as_json:
        click.echo(json.dumps(st.to_dict(), ensure_ascii=False))
    else:
        click.echo("\n".join(st.lines()))
