"""`bitext eval`: score translations (sacrebleu-exact), compare systems with paired tests, score alignments."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import click

from toolkit.errors import BitextError

FORMATS = ("text", "json", "md", "html")


def write_output(text: str, path: str) -> None:
    """Write to stdout for '-', else atomically (temp file in the same folder, then rename)."""
    if path == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:  # mode follows the umask, unlike mkstemp
            fh.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        raise BitextError(f"{path}: cannot write ({exc.strerror or exc})") from None


def metric_options(func):
    """The sacrebleu options shared by `score` and `compare`."""
    opts = [
        click.option(
            "-l",
            "--language-pair",
            "langpair",
            metavar="SRC-TGT",
            help="Language pair, e.g. de-en; the target picks BLEU's tokenizer (zh, ja, ko) as in sacrebleu.",
        ),
        click.option(
            "-tok",
            "--tokenize",
            type=click.Choice(
                [
                    "none",
                    "13a",
                    "intl",
                    "char",
                    "zh",
                    "ja-mecab",
                    "ko-mecab",
                    "spm",
                    "flores101",
                    "flores200",
                    "spBLEU-1K",
                ]
            ),
            default=None,
            help="BLEU tokenizer [default: 13a, or zh/ja-mecab/ko-mecab from the target language].",
        ),
        click.option("-lc", "--lowercase", is_flag=True, help="Case-insensitive BLEU."),
        click.option(
            "--smooth-method",
            type=click.Choice(["exp", "floor", "add-k", "none"]),
            default="exp",
            show_default=True,
            help="BLEU smoothing.",
        ),
        click.option("--smooth-value", type=float, default=None, help="Value for floor / add-k smoothing."),
        click.option(
            "--chrf-char-order", type=int, default=6, show_default=True, help="chrF character n-gram order."
        ),
        click.option(
            "--chrf-word-order",
            type=int,
            default=0,
            show_default=True,
            help="chrF word n-gram order (2 = chrF++; the metric `chrf++` sets it too).",
        ),
        click.option("--chrf-beta", type=int, default=2, show_default=True, help="chrF recall weight."),
        click.option("--chrf-whitespace", is_flag=True, help="Keep whitespace in chrF character n-grams."),
        click.option("--chrf-lowercase", is_flag=True, help="Case-insensitive chrF."),
        click.option(
            "--chrf-eps-smoothing", is_flag=True, help="chrF epsilon smoothing instead of effective order."
        ),
        click.option("--ter-case-sensitive", is_flag=True, help="Case-sensitive TER."),
        click.option("--ter-normalized", is_flag=True, help="TER normalisation and tokenisation."),
        click.option("--ter-no-punct", is_flag=True, help="Remove punctuation for TER."),
        click.option(
            "--ter-asian-support",
            is_flag=True,
            help="CJK handling in TER (with --ter-normalized/--ter-no-punct).",
        ),
        click.option(
            "--input-format",
            type=click.Choice(["auto", "txt", "jsonl", "tmx"]),
            default="auto",
            show_default=True,
            help="Format of hypothesis and reference files (auto: by name and content).",
        ),
        click.option(
            "--unit",
            type=click.Choice(["paragraph", "segment"]),
            default="paragraph",
            show_default=True,
            help="For `bitext translate` JSONL: one line per paragraph (input line) or per sentence segment.",
        ),
        click.option(
            "--skip-blank",
            is_flag=True,
            help="Leave out lines blank in every reference (pairs JSONL/TMX paragraphs with a reference that keeps blank lines).",
        ),
        click.option("-j", "--jobs", type=int, default=None, help="Worker processes [default: all cores]."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False),
            envvar="BITEXT_EVAL_CACHE",
            help="Where to keep sufficient statistics between runs [env BITEXT_EVAL_CACHE; default: user cache dir].",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write cached statistics."),
        click.option(
            "-s",
            "--source",
            "source_file",
            type=click.Path(dir_okay=False),
            help="Source file, line-parallel: shown beside differing segments, and lengths are measured on it.",
        ),
        click.option("-o", "--output", default="-", show_default=True, help="Output file ('-' = stdout)."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def refs_option(func):
    """-r/--ref, repeatable, order kept."""
    return click.option(
        "-r",
        "--ref",
        "refs",
        multiple=True,
        metavar="FILE",
        help="Reference file (repeat for several references; their order is kept and reported).",
    )(func)


def format_option(func):
    """-f/--format: text, json, md or html."""
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="Output format.",
    )(func)


def _evaluate(refs, hyps, metrics, doc_ids, width, kw: dict, **extra):
    """Read the inputs and compute every metric's statistics and scores (the common part of score/compare)."""
    from eval.scoring import evaluate
    from eval.textio import read_doc_ids

    opts = _options(kw, metrics)
    hyp_sets, ref_sets = _read(refs, hyps, kw)
    ids = read_doc_ids(doc_ids) if doc_ids else None
    return evaluate(
        hyp_sets, ref_sets, opts, width=width, doc_ids=ids, jobs=kw["jobs"], cache=_cache(kw), **extra
    )


def _render(fmt: str, ev, cmp=None, width: int = 2) -> str:
    """The report of an evaluation (and of a comparison, when given) in the chosen format."""
    from eval import report

    if fmt == "html":
        from eval.html_report import render_html

        return render_html(ev, cmp)
    if cmp is None:
        render = {
            "json": report.evaluation_dict,
            "md": report.evaluation_markdown,
            "text": report.evaluation_text,
        }
        out = render[fmt](ev)
    elif fmt == "json":
        out = report.comparison_dict(ev, cmp)
    else:
        out = (report.comparison_markdown if fmt == "md" else report.comparison_text)(ev, cmp, width)
    return report.dumps(out) if fmt == "json" else out


def _options(kw: dict, metrics: tuple[str, ...]):
    """MetricOptions from the CLI keywords."""
    from eval.metrics import MetricOptions, parse_metric_list

    target = None
    if kw.get("langpair"):
        if "-" not in kw["langpair"]:
            raise BitextError(f"language pair {kw['langpair']!r} must look like SRC-TGT, e.g. de-en")
        target = kw["langpair"].split("-", 1)[1]
    return MetricOptions(
        metrics=parse_metric_list(metrics),
        target_lang=target,
        tokenize=kw["tokenize"],
        lowercase=kw["lowercase"],
        smooth_method=kw["smooth_method"],
        smooth_value=kw["smooth_value"],
        chrf_char_order=kw["chrf_char_order"],
        chrf_word_order=kw["chrf_word_order"],
        chrf_beta=kw["chrf_beta"],
        chrf_whitespace=kw["chrf_whitespace"],
        chrf_lowercase=kw["chrf_lowercase"],
        chrf_eps_smoothing=kw["chrf_eps_smoothing"],
        ter_case_sensitive=kw["ter_case_sensitive"],
        ter_normalized=kw["ter_normalized"],
        ter_no_punct=kw["ter_no_punct"],
        ter_asian_support=kw["ter_asian_support"],
    )


def _cache(kw: dict):
    """The statistics cache chosen on the command line, or None."""
    from eval.stats import StatsCache

    if kw["no_cache"]:
        return None
    if kw["cache_dir"]:
        return StatsCache(Path(kw["cache_dir"]))
    import platformdirs

    return StatsCache(Path(platformdirs.user_cache_dir("bitext")) / "eval-stats")


def _read(refs: tuple[str, ...], hyps: tuple[str, ...], kw: dict):
    """Read references and hypotheses (stdin at most once)."""
    from eval.textio import drop_blank_lines, read_textset

    if not refs:
        raise BitextError("give at least one reference with -r/--ref")
    if not hyps:
        hyps = ("-",)
    if list(refs + hyps).count("-") > 1:
        raise BitextError("only one input can come from stdin ('-')")
    fmt, unit = kw["input_format"], kw["unit"]
    hyp_sets = [read_textset(h, fmt, unit=unit) for h in hyps]
    ref_sets = [read_textset(r, fmt, unit=unit) for r in refs]
    if kw.get("source_file"):
        src = read_textset(kw["source_file"], "txt").lines
        if len(src) != len(ref_sets[0].lines):
            raise BitextError(
                f"{kw['source_file']}: source has {len(src)} lines but reference {refs[0]} has {len(ref_sets[0].lines)}"
            )
        for h in hyp_sets:
            h.sources = src
    if kw.get("skip_blank"):
        drop_blank_lines(hyp_sets, ref_sets)
    return hyp_sets, ref_sets


@click.group("eval", context_settings={"help_option_names": ["-h", "--help"]})
def eval_group() -> None:
    """Score translations and alignments; compare systems with significance tests.

    Scores are sacrebleu's own (BLEU, chrF, chrF++, TER), to the last digit of `sacrebleu -f text`.
    """


@eval_group.command("score")
@click.argument("hypotheses", nargs=-1, metavar="[HYP]...")
@refs_option
@click.option(
    "-m",
    "--metrics",
    multiple=True,
    default=("bleu", "chrf", "ter"),
    show_default=True,
    help="Metrics: bleu, chrf, chrf++, ter (repeat or comma-separate).",
)
@metric_options
@click.option(
    "-ci", "--confidence", is_flag=True, help="Bootstrap 95% confidence intervals, as sacrebleu -ci."
)
@click.option(
    "--confidence-n", type=int, default=1000, show_default=True, help="Bootstrap resamples for -ci."
)
@click.option("--seed", type=int, default=12345, show_default=True, help="Random seed (sacrebleu's default).")
@click.option(
    "--doc-ids", type=click.Path(dir_okay=False), help="Document id of every line (TSV: first column)."
)
@format_option
@click.option("-w", "--width", type=int, default=1, show_default=True, help="Decimals, as sacrebleu's -w.")
@click.option(
    "-sl",
    "--sentence-level",
    is_flag=True,
    help="One line per segment, as sacrebleu -sl (one metric, one system).",
)
def score_cmd(
    hypotheses, refs, metrics, confidence, confidence_n, seed, doc_ids, fmt, width, sentence_level, **kw
) -> None:
    """Score hypothesis files (plain text, `bitext translate` JSONL, TMX) against references.

    With one file it prints what `sacrebleu -f text` prints; with several, also a table. Give document ids
    (--doc-ids, or JSONL/TMX input) for per-document scores, worst first.
    """
    from eval import report
    from eval.metrics import parse_metric_list

    if sentence_level and (len(parse_metric_list(metrics)) != 1 or len(hypotheses) > 1 or confidence):
        raise BitextError("--sentence-level takes one metric (-m) and one hypothesis file, without -ci")
    ev = _evaluate(
        refs, hypotheses, metrics, doc_ids, width, kw, confidence=confidence_n if confidence else 0, seed=seed
    )
    text = "\n".join(report.sentence_lines(ev)) + "\n" if sentence_level else _render(fmt, ev)
    write_output(text, kw["output"])


@eval_group.command("compare")
@click.argument("systems", nargs=-1, required=True, metavar="BASELINE SYSTEM...")
@refs_option
@click.option(
    "-m",
    "--metrics",
    multiple=True,
    default=("bleu", "chrf"),
    show_default=True,
    help="Metrics: bleu, chrf, chrf++, ter.",
)
@metric_options
@click.option(
    "--paired-bs", "test", flag_value="bs", default=True, help="Paired bootstrap resampling (default)."
)
@click.option("--paired-ar", "test", flag_value="ar", help="Paired approximate randomization.")
@click.option(
    "-n",
    "--samples",
    type=int,
    default=None,
    help="Resamples (bs, default 1000) or trials (ar, default 10000).",
)
@click.option(
    "--seed",
    type=int,
    default=12345,
    show_default=True,
    help="Random seed (sacrebleu's SACREBLEU_SEED default).",
)
@click.option(
    "--alpha", type=float, default=0.05, show_default=True, help="Significance level for stars and clusters."
)
@click.option(
    "--baseline", type=int, default=1, show_default=True, help="Which system (1-based) is the baseline."
)
@click.option("--no-pairwise", is_flag=True, help="Only test against the baseline (no ranking clusters).")
@click.option(
    "--doc-ids", type=click.Path(dir_okay=False), help="Document id of every line, for the HTML report."
)
@format_option
@click.option("-w", "--width", type=int, default=2, show_default=True, help="Decimals of scores.")
def compare_cmd(
    systems, refs, metrics, test, samples, seed, alpha, baseline, no_pairwise, doc_ids, fmt, width, **kw
) -> None:
    """Paired significance tests of SYSTEMs against the BASELINE (the first file), ranked with clusters.

    p-values and scores are those of `sacrebleu --paired-bs` / `--paired-ar` for the same seed and sample
    count, computed from sufficient statistics with numpy.
    """
    from eval.compare import compare
    from eval.metrics import parse_metric_list

    if len(systems) < 2:
        raise BitextError("compare needs a baseline and at least one other system")
    if not 1 <= baseline <= len(systems):
        raise BitextError(f"--baseline {baseline} is not between 1 and {len(systems)}")
    if samples is not None and samples < 1:
        raise BitextError("--samples must be positive")
    keys = parse_metric_list(metrics)
    seg_key = next((k for k in keys if k.startswith("chrf")), keys[0])  # the segment views' metric
    segments = [seg_key] if fmt in ("html", "md", "json") else False
    ev = _evaluate(refs, systems, metrics, doc_ids, width, kw, segments=segments)
    cmp = compare(
        ev,
        test=test,
        n_samples=samples,
        seed=seed,
        baseline=baseline - 1,
        alpha=alpha,
        pairwise=not no_pairwise,
    )
    write_output(_render(fmt, ev, cmp, width), kw["output"])


@eval_group.command("align")
@click.option(
    "-g", "--gold", multiple=True, required=True, metavar="FILE", help="Gold bead file (one per document)."
)
@click.option(
    "-t",
    "--test",
    "tests",
    multiple=True,
    required=True,
    metavar="FILE",
    help="Test alignment (one per document, same order): beads, bitext align JSONL, TSV or TMX.",
)
@click.option(
    "--test-format",
    type=click.Choice(["auto", "beads", "jsonl", "tsv", "tmx"]),
    default="auto",
    show_default=True,
    help="Format of the test files (auto: by extension).",
)
@click.option(
    "--src-sents",
    multiple=True,
    metavar="FILE",
    help="Sentence-split source of each document (needed for TSV/TMX, which carry no sentence ids).",
)
@click.option("--tgt-sents", multiple=True, metavar="FILE", help="Sentence-split target of each document.")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(("text", "json", "md")), default="text", show_default=True
)
@click.option("-o", "--output", default="-", show_default=True, help="Output file ('-' = stdout).")
def align_cmd(gold, tests, test_format, src_sents, tgt_sents, fmt, output) -> None:
    """Strict and lax precision/recall/F1 of test alignments against gold, per document and micro-averaged,
    as vecalign's score.py defines them."""
    from eval.align_report import render_alignment
    from eval.alignment import read_beads, score_alignment, score_alignment_per_doc
    from eval.alignment_files import read_alignment, read_sentences

    if len(gold) != len(tests):
        raise BitextError(
            f"{len(tests)} test files but {len(gold)} gold files: give one of each per document"
        )
    for name, files in (("--src-sents", src_sents), ("--tgt-sents", tgt_sents)):
        if files and len(files) != len(gold):
            raise BitextError(f"{name}: {len(files)} files for {len(gold)} documents")
    golds = [read_beads(g) for g in gold]
    test_docs = []
    for d, path in enumerate(tests):
        src = read_sentences(src_sents[d]) if src_sents else None
        tgt = read_sentences(tgt_sents[d]) if tgt_sents else None
        test_docs.append(
            read_alignment(path, None if test_format == "auto" else test_format, src_sents=src, tgt_sents=tgt)
        )
    total = score_alignment(test_docs, golds)
    per_doc = score_alignment_per_doc(test_docs, golds)
    write_output(render_alignment(list(tests), list(gold), per_doc, total, fmt), output)
