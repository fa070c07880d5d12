"""Render evaluations and comparisons as a terminal table, JSON (every number) and Markdown."""

from __future__ import annotations

import json
from dataclasses import asdict

import sacrebleu
from tabulate import tabulate

from eval.compare import TESTS, Comparison, as_float
from eval.scoring import Evaluation, length_buckets, segment_metric, worst_documents
from eval.views import differences, document_table, segment_metric_key, segment_summary

WORST_DOCS = 10


def _fmt(x: float | None, width: int) -> str:
    """A score with `width` decimals, or an empty cell."""
    return "" if x is None else f"{x:.{width}f}"


def _p(p: float | None, alpha: float) -> str:
    """A p-value as sacrebleu prints it, starred when significant."""
    if p is None:
        return ""
    return f"{p:.4f}*" if p < alpha else f"{p:.4f}"


def sacrebleu_lines(ev: Evaluation, system: int) -> list[str]:
    """The lines `sacrebleu -f text` prints for one system (metrics in its sorted order, aligned on '=')."""
    res = ev.systems[system].metrics
    lines = [res[k].line for k in sorted(ev.keys, key=lambda k: k.upper())]
    if len(lines) == 1:
        return lines
    w = max(line.index("=") - 1 for line in lines)
    return [f"{line[: line.index('=') - 1]:>{w}}{line[line.index('=') - 1 :]}" for line in lines]


def sentence_lines(ev: Evaluation) -> list[str]:
    """One sacrebleu ``-sl`` line per segment for the first system and metric (BLEU with effective order)."""
    key = ev.keys[0]
    ms = ev.stats[key]
    metric = segment_metric(ms)
    sig = metric.get_signature().format()
    return [
        metric._compute_score_from_stats(row).format(ev.width, False, sig)
        for row in ms.per_system[0].tolist()
    ]


def summary_rows(ev: Evaluation) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the per-system score table (score, or score ± 95 % half-width)."""
    names = ev.metric_names()
    header = ["System"] + [names[k] + (" (μ ± 95% CI)" if ev.confidence else "") for k in ev.keys]
    rows = []
    for sysres in ev.systems:
        row = [sysres.name]
        for k in ev.keys:
            m = sysres.metrics[k]
            cell = _fmt(m.score, ev.width)
            if m.interval is not None:
                cell += f" ({m.interval.mean:.{ev.width}f} ± {m.interval.ci:.{ev.width}f})"
            row.append(cell)
        rows.append(row)
    return header, rows


def evaluation_text(ev: Evaluation) -> str:
    """Terminal output of `bitext eval score`: sacrebleu's lines per system, then a summary and documents."""
    out = []
    for s, sysres in enumerate(ev.systems):
        if len(ev.systems) > 1:
            out.append(f"{sysres.name}:")
            out.extend("  " + line for line in sacrebleu_lines(ev, s))
        else:
            out.extend(sacrebleu_lines(ev, s))
    if len(ev.systems) > 1:
        header, rows = summary_rows(ev)
        out += ["", tabulate(rows, header, tablefmt="simple_outline", disable_numparse=True)]
    if len(ev.references) > 1:
        out += [
            "",
            "References, in the order given (multi-reference chrF keeps the first on ties): "
            + ", ".join(r.path for r in ev.references),
        ]
    if ev.doc_ids is not None:
        key = ev.keys[0]
        for s, sysres in enumerate(ev.systems):
            docs = worst_documents(ev, s, key, WORST_DOCS)
            out += [
                "",
                f"Worst documents by {sysres.metrics[key].name}, {sysres.name} ({len(sysres.metrics[key].doc_scores)} documents):",
            ]
            out.append(
                tabulate(
                    [[d, _fmt(v, ev.width), n] for d, v, n in docs],
                    ["Document", sysres.metrics[key].name, "Segments"],
                    tablefmt="simple_outline",
                    disable_numparse=True,
                )
            )
    return "\n".join(out)


def evaluation_dict(ev: Evaluation, *, segments: bool = True) -> dict:
    """Every number, signature and option of an evaluation, JSON-ready."""
    systems = []
    for sysres in ev.systems:
        metrics = {}
        for k in ev.keys:
            m = sysres.metrics[k]
            metrics[k] = {
                "name": m.name,
                "score": m.score,
                "signature": m.signature,
                "verbose": m.verbose,
                "line": m.line,
                "confidence": None
                if m.interval is None
                else {"mean": m.interval.mean, "halfwidth_95": m.interval.ci},
                "documents": m.doc_scores or None,
            }
            if segments:
                metrics[k]["segment_scores"] = m.segment_scores
        systems.append({"name": sysres.name, "path": sysres.path, "metrics": metrics})
    opts = asdict(ev.options)
    return {
        "tool": "bitext eval score",
        "sacrebleu_version": sacrebleu.__version__,
        "references": [r.path for r in ev.references],
        "reference_order_note": "multi-reference chrF keeps, per segment, the first reference on ties",
        "segments": ev.n_segments,
        "options": opts,
        "confidence": {"resamples": ev.confidence, "seed": ev.seed} if ev.confidence else None,
        "signatures": ev.signatures(),
        "systems": systems,
        **detail_dict(ev, None),
    }


def _md(rows: list[list], header: list[str]) -> str:
    """A GitHub-flavoured Markdown table (cells kept as given)."""
    clean = [[str(c).replace("|", "\\|").replace("\n", " ") for c in row] for row in rows]
    return tabulate(clean, header, tablefmt="github", disable_numparse=True)


def detail_markdown(ev: Evaluation, cmp: Comparison | None) -> list[str]:
    """The tables every report carries after the scores: segments, lengths, documents, differences, set-up."""
    width = max(ev.width, 2)
    out = []
    summary = segment_summary(ev)
    if summary:
        name = ev.systems[0].metrics[segment_metric_key(ev)].name
        rows = [
            [
                r["system"],
                _fmt(r["mean"], width),
                _fmt(r["median"], width),
                _fmt(r["p10"], width),
                _fmt(r["p90"], width),
                r["zeros"],
            ]
            for r in summary
        ]
        out += [
            "",
            f"## Segment-level {name}",
            "",
            _md(rows, ["System", "mean", "median", "10th pct", "90th pct", "at 0"]),
        ]
    for k in ev.keys:
        lb = length_buckets(ev, k)
        name = ev.systems[0].metrics[k].name
        hdr = ["System"] + [f"{lab} words ({c})" for lab, c in zip(lb["labels"], lb["counts"])]
        rows = [[s] + [_fmt(v, width) for v in vals] for s, vals in lb["scores"].items()]
        out += ["", f"## {name} by {lb['basis']} length", "", _md(rows, hdr)]
    table = document_table(ev)
    if table is not None:
        rows = [
            [d, table.sizes[d]] + [_fmt(table.scores[s.name][d], width) for s in ev.systems]
            for d in table.documents
        ]
        out += [
            "",
            f"## Documents ({len(table.documents)}), worst {table.metric} first",
            "",
            _md(rows, ["Document", "Segments"] + [s.name for s in ev.systems]),
        ]
    diff = differences(ev, cmp)
    if diff is not None:
        na, nb = ev.systems[diff.system_a].name, ev.systems[diff.system_b].name
        hdr = (
            ["Line"]
            + (["Source"] if ev.sources is not None else [])
            + ["Reference", na, nb, f"Δ {diff.metric}"]
        )
        rows = [
            [r["line"]]
            + ([r["source"]] if ev.sources is not None else [])
            + [
                r["reference"],
                f"{r['a']} ({r['a_score']:.1f})",
                f"{r['b']} ({r['b_score']:.1f})",
                f"{r['delta']:+.1f}",
            ]
            for r in diff.rows
        ]
        out += ["", f"## Where {na} and {nb} differ most", "", _md(rows, hdr)]
    out += ["", "## References (in this order)", ""] + [
        f"{i}. `{r.path}`" for i, r in enumerate(ev.references, 1)
    ]
    out += [
        "",
        f"{ev.n_segments} segments. Multi-reference chrF keeps, per segment, the first reference on ties.",
    ]
    return out


def detail_dict(ev: Evaluation, cmp: Comparison | None) -> dict:
    """The same detail tables as JSON."""
    table = document_table(ev)
    diff = differences(ev, cmp)
    return {
        "segment_summary": segment_summary(ev) or None,
        "length_buckets": {ev.systems[0].metrics[k].name: length_buckets(ev, k) for k in ev.keys},
        "documents": None
        if table is None
        else {
            "metric": table.metric,
            "order": table.documents,
            "segments": table.sizes,
            "scores": table.scores,
        },
        "differences": None
        if diff is None
        else {
            "metric": diff.metric,
            "a": ev.systems[diff.system_a].name,
            "b": ev.systems[diff.system_b].name,
            "rows": diff.rows,
        },
    }


def evaluation_markdown(ev: Evaluation) -> str:
    """Markdown: scores, signatures, then the detail tables."""
    header, rows = summary_rows(ev)
    out = ["# Evaluation", "", _md(rows, header), ""]
    out += ["## Signatures", ""] + [f"- **{n}** `{s}`" for n, s in ev.signatures().items()]
    out += detail_markdown(ev, None)
    return "\n".join(out) + "\n"


def comparison_rows(ev: Evaluation, cmp: Comparison, width: int) -> tuple[list[str], list[list[str]]]:
    """Header and rows: each system's score (bootstrap mean ± CI) and p-value against the baseline, per metric."""
    header = ["System"]
    for mc in cmp.metrics.values():
        header += [mc.name + (" (μ ± 95% CI)" if cmp.test == "bs" else ""), "p"]
    rows = []
    for s, sysres in enumerate(ev.systems):
        row = [("Baseline: " if s == cmp.baseline else "") + sysres.name]
        for mc in cmp.metrics.values():
            cell = _fmt(mc.scores[s], width)
            iv = mc.intervals[s]
            if iv is not None:
                cell += f" ({iv.mean:.{width}f} ± {iv.ci:.{width}f})"
            row += [cell, _p(mc.p_values[s], cmp.alpha)]
        rows.append(row)
    return header, rows


def ranking_rows(ev: Evaluation, cmp: Comparison, key: str, width: int) -> list[list[str]]:
    """Rank, cluster, system and score for one metric, best first."""
    mc = cmp.metrics[key]
    return [
        [r + 1, mc.clusters[s] if mc.clusters else "", ev.systems[s].name, _fmt(mc.scores[s], width)]
        for r, s in enumerate(mc.ranking)
    ]


def comparison_text(ev: Evaluation, cmp: Comparison, width: int = 2) -> str:
    """Terminal output of `bitext eval compare`."""
    header, rows = comparison_rows(ev, cmp, width)
    what = "resamples" if cmp.test == "bs" else "trials"
    out = [
        f"{TESTS[cmp.test].capitalize()}, {cmp.n_samples} {what}, seed {cmp.seed}; "
        f"p < {cmp.alpha} (starred): significantly different from the baseline.",
        tabulate(rows, header, tablefmt="simple_outline", disable_numparse=True),
    ]
    for key, mc in cmp.metrics.items():
        if mc.clusters:
            out += [
                "",
                f"Ranking by {mc.name} (cluster = systems not significantly different from the cluster's best):",
                tabulate(
                    ranking_rows(ev, cmp, key, width),
                    ["Rank", "Cluster", "System", mc.name],
                    tablefmt="simple_outline",
                    disable_numparse=True,
                ),
            ]
    out += ["", "Signatures:"] + [f"  {mc.name}: {mc.signature}" for mc in cmp.metrics.values()]
    return "\n".join(out)


def comparison_dict(ev: Evaluation, cmp: Comparison) -> dict:
    """Every number of a comparison (scores, means, CIs, p-values, pairwise matrix, clusters), JSON-ready."""
    metrics = {}
    for key, mc in cmp.metrics.items():
        metrics[key] = {
            "name": mc.name,
            "signature": mc.signature,
            "systems": [
                {
                    "name": ev.systems[s].name,
                    "score": as_float(mc.scores[s]),
                    "mean": None if mc.intervals[s] is None else as_float(mc.intervals[s].mean),
                    "ci95": None if mc.intervals[s] is None else as_float(mc.intervals[s].ci),
                    "p_value": as_float(mc.p_values[s]),
                    "rank": mc.ranking.index(s) + 1,
                    "cluster": mc.clusters[s] if mc.clusters else None,
                }
                for s in range(len(ev.systems))
            ],
            "pairwise_p": [[as_float(p) for p in row] for row in mc.pairwise] if mc.pairwise else None,
        }
    return {
        "tool": "bitext eval compare",
        "sacrebleu_version": sacrebleu.__version__,
        "test": cmp.test,
        "samples": cmp.n_samples,
        "seed": cmp.seed,
        "alpha": cmp.alpha,
        "baseline": ev.systems[cmp.baseline].name,
        "references": [r.path for r in ev.references],
        "metrics": metrics,
        **detail_dict(ev, cmp),
    }


def comparison_markdown(ev: Evaluation, cmp: Comparison, width: int = 2) -> str:
    """Markdown tables of a comparison: paired tests, rankings with clusters, signatures."""
    header, rows = comparison_rows(ev, cmp, width)
    what = "resamples" if cmp.test == "bs" else "trials"
    out = [
        "# System comparison",
        "",
        f"{TESTS[cmp.test].capitalize()}, {cmp.n_samples} {what}, seed {cmp.seed}. "
        f"Starred p-values (< {cmp.alpha}): significantly different from the baseline.",
        "",
        tabulate(rows, header, tablefmt="github", disable_numparse=True),
    ]
    for key, mc in cmp.metrics.items():
        if mc.clusters:
            out += [
                "",
                f"## Ranking by {mc.name}",
                "",
                tabulate(
                    ranking_rows(ev, cmp, key, width),
                    ["Rank", "Cluster", "System", mc.name],
                    tablefmt="github",
                    disable_numparse=True,
                ),
            ]
    out += ["", "## Signatures", ""] + [f"- **{mc.name}** `{mc.signature}`" for mc in cmp.metrics.values()]
    out += detail_markdown(ev, cmp)
    return "\n".join(out) + "\n"


def dumps(obj: dict) -> str:
    """JSON text with plain floats (numpy scalars converted)."""
    return json.dumps(
        obj, indent=2, ensure_ascii=False, default=lambda o: float(o) if hasattr(o, "__float__") else str(o)
    )
