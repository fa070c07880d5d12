"""One self-contained HTML report (inline CSS, embedded PNG plots, no scripts) of an evaluation or comparison."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import sacrebleu

from eval import plots
from eval.compare import TESTS, Comparison
from eval.metrics import higher_is_better
from eval.scoring import Evaluation, length_buckets
from eval.significance import (
    Interval,
    bootstrap_indices,
    bootstrap_scores,
    estimate_ci_paired,
    resample_counts,
)
from eval.views import differences, document_table, segment_metric_key, segment_summary

CSS = """
body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1100px;
color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;
margin-top:2.2rem}h3{font-size:1.05rem}
.meta{color:#555;font-size:.9rem}table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.88rem}
th,td{border:1px solid #d8d8d8;padding:.3rem .55rem;vertical-align:top}th{background:#f3f5f8;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr.base td{background:#fff8e1}
.sig{color:#b00020;font-weight:600}.ns{color:#666}.c1{background:#e8f5e9}.note{color:#555;font-size:.85rem}
img{max-width:100%;height:auto;display:block;margin:.4rem 0}code{background:#f4f4f4;padding:0 .25rem;
font-size:.82rem;word-break:break-all}td.text{max-width:320px;font-size:.82rem}.better{background:#e8f5e9}
.worse{background:#fdecea}nav a{margin-right:.8rem}
"""


def _e(x) -> str:
    """HTML-escaped text."""
    return html.escape(str(x), quote=True)


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], tid: str, classes: Sequence[str] | None = None
) -> str:
    """An HTML table; cells are given already escaped/marked up."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        body.append(f"<tr{cls}>" + "".join(row) + "</tr>")
    return f'<table id="{tid}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _num(x: float | None, width: int = 2) -> str:
    """A right-aligned numeric cell."""
    return '<td class="num"></td>' if x is None else f'<td class="num">{x:.{width}f}</td>'


def _intervals(ev: Evaluation, cmp: Comparison | None, key: str) -> tuple[list[Interval], str]:
    """Per-system bootstrap intervals: from the comparison or -ci run, else computed here (1000, seed 12345)."""
    if cmp is not None and cmp.test == "bs":
        return list(
            cmp.metrics[key].intervals
        ), f"paired bootstrap, {cmp.n_samples} resamples, seed {cmp.seed}"
    if ev.confidence:
        return [
            s.metrics[key].interval for s in ev.systems
        ], f"bootstrap, {ev.confidence} resamples, seed {ev.seed}"
    seed = ev.seed if ev.seed is not None else 12345
    counts = resample_counts(bootstrap_indices(ev.n_segments, 1000, seed), ev.n_segments)
    ms = ev.stats[key]
    out = [
        estimate_ci_paired(bootstrap_scores(ms.metric, ms.per_system[s], counts))
        for s in range(len(ev.systems))
    ]
    return out, f"bootstrap, 1000 resamples, seed {seed}"


def _scores_section(ev: Evaluation, cmp: Comparison | None) -> str:
    """The main table (score, 95 % interval, p-value and cluster per metric) and the CI plots."""
    width = max(ev.width, 2)
    header = ["System"]
    cols, notes, figs = {}, [], []
    for key in ev.keys:
        name = ev.systems[0].metrics[key].name
        ivs, how = _intervals(ev, cmp, key)
        cols[key] = ivs
        notes.append(f"{_e(name)}: {_e(how)}")
        header += [f"{_e(name)}", "95 % interval"]
        if cmp is not None:
            header += ["p vs baseline", "cluster"]
        scores = [s.metrics[key].score for s in ev.systems]
        order = sorted(range(len(scores)), key=lambda s: -scores[s] if higher_is_better(key) else scores[s])
        clusters = cmp.metrics[key].clusters if cmp is not None and cmp.metrics[key].clusters else None
        figs.append(
            f'<h3>{_e(name)}</h3><img alt="{_e(name)} scores with confidence intervals" src="'
            + plots.scores_with_ci(
                [ev.systems[s].name for s in order],
                [scores[s] for s in order],
                [ivs[s].low if ivs[s].low is not None else ivs[s].mean - ivs[s].ci for s in order],
                [ivs[s].high if ivs[s].high is not None else ivs[s].mean + ivs[s].ci for s in order],
                name,
                [clusters[s] for s in order] if clusters else None,
            )
            + '">'
        )
    rows, classes = [], []
    for s, sysres in enumerate(ev.systems):
        is_base = cmp is not None and s == cmp.baseline
        row = [f"<td>{'<b>baseline</b> ' if is_base else ''}{_e(sysres.name)}</td>"]
        for key in ev.keys:
            iv = cols[key][s]
            row.append(_num(sysres.metrics[key].score, width))
            low = iv.low if iv.low is not None else iv.mean - iv.ci
            high = iv.high if iv.high is not None else iv.mean + iv.ci
            row.append(
                f'<td class="num">{low:.{width}f} – {high:.{width}f}<br><span class="note">μ {iv.mean:.{width}f} ± {iv.ci:.{width}f}</span></td>'
            )
            if cmp is not None:
                mc = cmp.metrics[key]
                p = mc.p_values[s]
                if p is None:
                    row.append('<td class="num">—</td>')
                else:
                    cls = "sig" if p < cmp.alpha else "ns"
                    row.append(f'<td class="num {cls}">{p:.4f}{"*" if p < cmp.alpha else ""}</td>')
                row.append(f'<td class="num">{mc.clusters[s] if mc.clusters else ""}</td>')
        rows.append(row)
        classes.append("base" if is_base else "")
    intro = ""
    if cmp is not None:
        intro = (
            f"<p>{_e(TESTS[cmp.test].capitalize())} against the baseline, {cmp.n_samples} "
            f"{'resamples' if cmp.test == 'bs' else 'trials'}, seed {cmp.seed}; p-values below {cmp.alpha} "
            "are starred. They equal sacrebleu's for the same seed and sample count. A cluster holds the systems "
            "not significantly different from the best system of the cluster.</p>"
        )
    return (
        '<h2 id="scores-section">Scores</h2>'
        + intro
        + _table(header, rows, "scores", classes)
        + f'<p class="note">Intervals: {"; ".join(notes)}. Interval = 2.5th–97.5th percentile of the resampled '
        "scores; μ ± half-width as sacrebleu prints it.</p>" + "".join(figs)
    )


def _ranking_section(ev: Evaluation, cmp: Comparison) -> str:
    """Per metric: ranking with clusters and the pairwise p-value heat map."""
    out = ['<h2 id="significance">Ranking and significance clusters</h2>']
    width = max(ev.width, 2)
    for key, mc in cmp.metrics.items():
        if not mc.clusters:
            continue
        rows = [
            [
                f'<td class="num">{r + 1}</td>',
                f'<td class="num">{mc.clusters[s]}</td>',
                f"<td>{_e(ev.systems[s].name)}</td>",
                _num(mc.scores[s], width),
            ]
            for r, s in enumerate(mc.ranking)
        ]
        classes = ["c1" if mc.clusters[s] == 1 else "" for s in mc.ranking]
        out.append(
            f"<h3>{_e(mc.name)}</h3>"
            + _table(["Rank", "Cluster", "System", _e(mc.name)], rows, f"ranking-{key}", classes)
        )
        names = [ev.systems[s].name for s in range(len(ev.systems))]
        out.append(
            f'<img alt="pairwise p-values {_e(mc.name)}" src="{plots.pvalue_matrix(names, mc.pairwise, mc.name, cmp.alpha)}">'
        )
    return "".join(out)


def _segments_section(ev: Evaluation) -> str:
    """Segment-score distributions and the score by source-length bucket."""
    key = segment_metric_key(ev)
    name = ev.systems[0].metrics[key].name
    names = [s.name for s in ev.systems]
    per = [s.metrics[key].segment_scores for s in ev.systems]
    if not all(per):
        return ""
    rows = [
        [
            f"<td>{_e(r['system'])}</td>",
            _num(r["mean"]),
            _num(r["median"]),
            _num(r["p10"]),
            _num(r["p90"]),
            f'<td class="num">{r["zeros"]}</td>',
        ]
        for r in segment_summary(ev)
    ]
    out = [
        f'<h2 id="distributions">Segment-level {_e(name)}</h2>',
        _table(["System", "mean", "median", "10th pct", "90th pct", "segments at 0"], rows, "segment-stats"),
        f'<img alt="segment score distributions" src="{plots.segment_distributions(names, per, name)}">',
    ]
    lb = length_buckets(ev, key)
    header = ["System"] + [
        f'{_e(lab)} words<br><span class="note">{c} seg.</span>' for lab, c in zip(lb["labels"], lb["counts"])
    ]
    rows = [[f"<td>{_e(s)}</td>"] + [_num(v) for v in vals] for s, vals in lb["scores"].items()]
    out += [
        f'<h2 id="lengths">{_e(name)} by {lb["basis"]} length</h2>',
        f'<p class="note">Corpus {_e(name)} of the segments whose {lb["basis"]} has that many words.</p>',
        _table(header, rows, "length-buckets"),
        f'<img alt="score by length" src="{plots.length_buckets(lb["labels"], lb["counts"], lb["scores"], name, lb["basis"])}">',
    ]
    return "".join(out)


def _documents_section(ev: Evaluation) -> str:
    """Per-document scores of every system, worst (by the mean over systems) first."""
    table = document_table(ev)
    if table is None:
        return ""
    header = ["Document", "Segments"] + [_e(s.name) for s in ev.systems]
    rows = [
        [f"<td>{_e(d)}</td>", f'<td class="num">{table.sizes[d]}</td>']
        + [_num(table.scores[s.name][d]) for s in ev.systems]
        for d in table.documents
    ]
    return (
        f'<h2 id="docs">Documents ({len(table.documents)}), worst {_e(table.metric)} first</h2>'
        '<p class="note">Each document scored as a corpus of its own segments; sorted by the mean over systems.</p>'
        + _table(header, rows, "documents")
    )


def _diff_section(ev: Evaluation, cmp: Comparison | None) -> str:
    """The segments where two systems differ most, side by side with source and reference."""
    diff = differences(ev, cmp)
    if diff is None:
        return ""
    na, nb = ev.systems[diff.system_a].name, ev.systems[diff.system_b].name
    header = ["Line"] + (["Source"] if ev.sources is not None else [])
    header += ["Reference", f"{_e(na)} ({_e(diff.metric)})", f"{_e(nb)} ({_e(diff.metric)})", "Δ"]
    rows = []
    for r in diff.rows:
        better_b = r["delta"] > 0
        row = [f'<td class="num">{r["line"]}</td>']
        if ev.sources is not None:
            row.append(f'<td class="text">{_e(r["source"])}</td>')
        row += [
            f'<td class="text">{_e(r["reference"])}</td>',
            f'<td class="text {"worse" if better_b else "better"}">{_e(r["a"])}<br><span class="note">{r["a_score"]:.1f}</span></td>',
            f'<td class="text {"better" if better_b else "worse"}">{_e(r["b"])}<br><span class="note">{r["b_score"]:.1f}</span></td>',
            f'<td class="num">{r["delta"]:+.1f}</td>',
        ]
        rows.append(row)
    return (
        f'<h2 id="differences">Where {_e(na)} and {_e(nb)} differ most</h2>'
        f'<p class="note">The {len(rows)} segments with the largest difference in segment-level {_e(diff.metric)} '
        "(Δ &gt; 0: the right-hand system is better); green = the better output.</p>"
        + _table(header, rows, "diff-segments")
    )


def render_html(ev: Evaluation, cmp: Comparison | None) -> str:
    """The whole report as one HTML document."""
    title = "System comparison" if cmp is not None else "Translation evaluation"
    refs = "".join(f"<li><code>{_e(r.path)}</code></li>" for r in ev.references)
    sigs = {mc.name: mc.signature for mc in cmp.metrics.values()} if cmp is not None else ev.signatures()
    sig_rows = [[f"<td>{_e(n)}</td>", f"<td><code>{_e(s)}</code></td>"] for n, s in sigs.items()]
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    nav = ['<a href="#scores-section">Scores</a>']
    if cmp is not None:
        nav.append('<a href="#significance">Significance</a>')
    nav += ['<a href="#distributions">Segments</a>', '<a href="#lengths">By length</a>']
    if ev.doc_ids is not None:
        nav.append('<a href="#docs">Documents</a>')
    if len(ev.systems) > 1:
        nav.append('<a href="#differences">Differences</a>')
    body = [
        f"<h1>{title}</h1>",
        f'<p class="meta">{len(ev.systems)} system{"s" if len(ev.systems) != 1 else ""}, {ev.n_segments} segments, '
        f"{len(ev.references)} reference{'s' if len(ev.references) != 1 else ''} · sacrebleu {sacrebleu.__version__} · "
        f"generated {now} by <code>bitext eval</code></p>",
        f"<nav>{''.join(nav)}</nav>",
        _scores_section(ev, cmp),
        _ranking_section(ev, cmp) if cmp is not None else "",
        _segments_section(ev),
        _documents_section(ev),
        _diff_section(ev, cmp),
        '<h2 id="setup">Set-up</h2><p>References, in the order given (multi-reference chrF keeps, per segment, '
        f"the first reference on ties):</p><ol>{refs}</ol>",
        _table(["Metric", "sacrebleu signature"], sig_rows, "signatures"),
        '<p class="note">Systems: '
        + ", ".join(f"{_e(s.name)} = <code>{_e(s.path)}</code>" for s in ev.systems)
        + "</p>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} — bitext</title>'
        f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )
