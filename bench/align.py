"""Benchmark of `bitext align`: accuracy per gold set and signal, and time/memory against document size.

Run: python bench/align.py [--quick] [--sizes 5000,10000,20000,50000]; writes bench/results/align.md.
"""

# ruff: noqa: E402
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align import AlignOptions, Signals, align, gather_evidence  # noqa: E402
from align.goldsets import (
    arabic_sets,
    bible,
    flores_docs,
    merge_by_verse,
    ntrex_docs,
    parice,
    perturb,
    text_berg,
)  # noqa: E402
from align.search import SearchOptions  # noqa: E402
from eval.alignment import score_alignment  # noqa: E402

SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))
DICT = Path("/usr/share/dictd/freedict-ara-eng.index")
TRANSLIT = SHARED / "models" / "aren-transliteration-i8"

PUBLISHED = {
    "Text+Berg de-fr test": [
        ("Vecalign (LASER)", "0.899/0.904/0.902", "0.985/0.987/0.986"),
        ("Bertalign (LaBSE)", "0.932/0.941/0.936", "0.987/0.991/0.989"),
    ],
    "Bible en-zh (verse-level)": [
        ("Bertalign (LaBSE), 1.695 s", "0.981/0.976/0.979", "1.000/1.000/1.000"),
        ("Vecalign (LaBSE), 4.676 s", "0.977/0.978/0.978", "1.000/1.000/1.000"),
        ("Hunalign (zh-en dict), 2.394 s", "0.887/0.904/0.895", "0.964/0.980/0.972"),
        ("Gale-Church, 3.742 s", "0.817/0.824/0.821", "0.928/0.934/0.931"),
        ("Bleualign (Google MT), 78.898 s", "0.827/0.753/0.788", "0.961/0.880/0.919"),
    ],
}


def run_docs(
    docs, signals: Signals, use_mt: str = "", dictionary=None, transliterator=None, merge=None, **options
):
    """Score one configuration (signals, evidence, AlignOptions fields) over documents; (score, seconds)."""
    t0 = time.time()
    results = []
    for d in docs:
        ev = gather_evidence(
            d.src,
            d.tgt,
            dictionary=dictionary,
            transliterator=transliterator,
            src_mt=d.src_mt if "src" in use_mt else None,
            tgt_mt=d.tgt_mt if "tgt" in use_mt else None,
        )
        beads = [
            b.as_pair()
            for b in align(d.src, d.tgt, evidence=ev, options=AlignOptions(signals=signals, **options))
        ]
        results.append(merge(beads) if merge else beads)
    return score_alignment(results, [d.gold for d in docs]), time.time() - t0


def fmt(sc) -> tuple[str, str]:
    """P/R/F1 strict and lax as text."""
    return (
        f"{sc.precision_strict:.3f}/{sc.recall_strict:.3f}/{sc.f1_strict:.3f}",
        f"{sc.precision_lax:.3f}/{sc.recall_lax:.3f}/{sc.f1_lax:.3f}",
    )


def accuracy(quick: bool) -> list[str]:
    """Markdown rows of the accuracy table."""
    from align.dictionary import load_dictionary
    from align.translit import Transliterator

    dictionary = load_dictionary(DICT) if DICT.exists() else None
    translit = Transliterator(TRANSLIT)
    rows = ["| set | configuration | P/R/F1 strict | P/R/F1 lax | seconds |", "|---|---|---|---|---|"]

    def add(name, label, sc, secs):
        s, lx = fmt(sc)
        rows.append(f"| {name} | {label} | {s} | {lx} | {secs:.1f} |")
        print(rows[-1], flush=True)

    full = Signals()
    length_only = Signals(anchors=False, chars=False, mt=False, dictionary=False, translit=False)
    no_chars = Signals(chars=False)
    tb = text_berg(SHARED, "test")
    lex, no_member = {"lexicon": True}, {"member_penalty": False}
    fixed = {"search": SearchOptions(self_train=False)}  # the shape priors of Gale & Church, not raised
    for label, sig, mt, opts in [
        ("length only (Gale-Church)", length_only, "", {}),
        ("length + anchors", Signals(chars=False, mt=False), "", {}),
        ("length + anchors + chars (no MT)", full, "", {}),
        ("length + anchors + chars + learned lexicon (--lexicon)", full, "", lex),
        ("+ MT of source (Google, mt/)", full, "src", {}),
        ("+ MT of both sides", full, "src tgt", {}),
        ("+ MT of source, no member penalty", full, "src", no_member),
        ("+ MT of both sides, no member penalty", full, "src tgt", no_member),
        ("+ MT of source, fixed shape priors", full, "src", fixed),
        ("+ MT of both sides, fixed shape priors", full, "src tgt", fixed),
        ("MT of source, no chars", no_chars, "src", {}),
    ]:
        add("Text+Berg de-fr test", label, *run_docs(tb, sig, mt, **opts))
    for sysname, s, lx in PUBLISHED["Text+Berg de-fr test"]:
        rows.append(f"| Text+Berg de-fr test | published: {sysname} | {s} | {lx} | |")
    dev = text_berg(SHARED, "dev")
    add("Text+Berg de-fr dev", "no MT", *run_docs(dev, full, ""))
    add("Text+Berg de-fr dev", "no MT, learned lexicon", *run_docs(dev, full, "", **lex))
    add("Text+Berg de-fr dev", "+ MT of source", *run_docs(dev, full, "src"))
    add("Text+Berg de-fr dev", "+ MT of both sides", *run_docs(dev, full, "src tgt"))
    add("ParIce en-is", "no MT", *run_docs(parice(SHARED), full, ""))
    add("ParIce en-is", "no MT, learned lexicon", *run_docs(parice(SHARED), full, "", **lex))
    for split in ("dev", "devtest", "ntrex"):
        docs = arabic_sets(SHARED, split, with_mt=True)
        name = {"dev": "FLORES dev ar-en (perturbed)", "devtest": "FLORES devtest ar-en (perturbed)"}.get(
            split, "NTREX ar-en (perturbed)"
        )
        add(name, "length + anchors", *run_docs(docs, full, ""))
        if dictionary is not None:
            add(name, "+ dictionary (freedict-ara-eng)", *run_docs(docs, full, "", dictionary))
            add(name, "+ dictionary + transliteration", *run_docs(docs, full, "", dictionary, translit))
            if split == "ntrex":
                add(
                    name,
                    "+ dictionary + learned lexicon (--lexicon)",
                    *run_docs(docs, full, "", dictionary, **lex),
                )
        if split == "devtest":
            add(name, "+ OPUS-MT of source", *run_docs(docs, full, "src"))
            if dictionary is not None:
                add(name, "+ OPUS-MT + dictionary", *run_docs(docs, full, "src", dictionary))
    # Arabic segments 2-4 sentences long (1-2 .. 1-4 beads), as in the held-out ar-en sets issue 4 describes
    for split in ("dev", "devtest", "ntrex"):
        docs = arabic_sets(SHARED, split, with_mt=True, long=0.3)
        name = {"dev": "FLORES dev", "devtest": "FLORES devtest"}.get(
            split, "NTREX"
        ) + " ar-en, long ar segments"
        add(name, "length + anchors", *run_docs(docs, full, ""))
        add(name, "length + anchors, fixed shape priors", *run_docs(docs, full, "", **fixed))
        if dictionary is not None:
            add(name, "+ dictionary (freedict-ara-eng)", *run_docs(docs, full, "", dictionary))
            add(name, "+ dictionary, fixed shape priors", *run_docs(docs, full, "", dictionary, **fixed))
        if split == "devtest":
            add(name, "+ OPUS-MT of source", *run_docs(docs, full, "src"))
    if not quick:
        b = bible(SHARED)
        merge = lambda beads: merge_by_verse(beads, b.meta["src_verse"], b.meta["tgt_verse"])  # noqa: E731
        add("Bible en-zh (verse-level)", "length only", *run_docs([b], length_only, "", merge=merge))
        add("Bible en-zh (verse-level)", "all resource-free signals", *run_docs([b], full, "", merge=merge))
        add(
            "Bible en-zh (verse-level)",
            "all resource-free signals, fixed shape priors",
            *run_docs([b], full, "", merge=merge, **fixed),
        )
        for sysname, s, lx in PUBLISHED["Bible en-zh (verse-level)"]:
            rows.append(f"| Bible en-zh (verse-level) | published: {sysname} | {s} | {lx} | |")
    return rows


def synthetic(n: int, seed: int = 0):
    """An ar-en document of about n sentences a side: shuffled FLORES/NTREX pairs, then perturbed."""
    pairs = [
        (a, e) for sp in ("dev", "devtest") for _, A, E, _ in flores_docs(SHARED, sp) for a, e in zip(A, E)
    ]
    pairs += [(a, e) for _, A, E, _ in ntrex_docs(SHARED) for a, e in zip(A, E)]
    rng = random.Random(seed)
    src, tgt = [], []
    while len(src) < n:
        p = pairs[:]
        rng.shuffle(p)
        src += [a for a, _ in p]
        tgt += [e for _, e in p]
    return perturb(f"synthetic{n}", src[:n], tgt[:n], seed, rate=0.05)


def one_size(n: int) -> dict:
    """Time, peak memory and accuracy of one synthetic size (run in a fresh process)."""
    d = synthetic(n)
    t0, c0 = time.time(), time.process_time()
    beads = align(d.src, d.tgt)
    secs, cpu = time.time() - t0, time.process_time() - c0
    sc = score_alignment([[b.as_pair() for b in beads]], [d.gold])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "n": n,
        "src": len(d.src),
        "tgt": len(d.tgt),
        "seconds": secs,
        "cpu_seconds": cpu,
        "peak_mb": peak,
        "f1": sc.f1_strict,
    }


def scaling(sizes: list[int], repeats: int = 3) -> list[str]:
    """Markdown rows of the time/memory table, one fresh process per run. Sizes up to 20k run `repeats` times,
    interleaved, and the fastest run counts (the machine is shared; the per-round ratios are listed too). CPU
    seconds (this process, all its threads) are shown beside wall seconds: other jobs on the machine move them
    less."""
    rows = [
        "| sentences (src x tgt) | seconds | CPU seconds | peak RSS (MB) | strict F1 |",
        "|---|---|---|---|---|",
    ]
    runs: dict[int, list[dict]] = {n: [] for n in sizes}
    for rnd in range(repeats):
        for n in sizes:
            if rnd and n > 20000:
                continue
            out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True)
            if out.returncode:
                sys.exit(f"size {n} failed: {out.stderr.strip().splitlines()[-1][:200]}")
            runs[n].append(json.loads(out.stdout.strip().splitlines()[-1]))
            r = runs[n][-1]
            print(n, f"{r['seconds']:.1f} s, CPU {r['cpu_seconds']:.1f} s", file=sys.stderr, flush=True)
    for n in sizes:
        r = min(runs[n], key=lambda x: x["seconds"])
        shown = f"{r['seconds']:.1f}" + (f" (best of {len(runs[n])})" if len(runs[n]) > 1 else "")
        cpu = min(x["cpu_seconds"] for x in runs[n])
        rows.append(f"| {r['src']} x {r['tgt']} | {shown} | {cpu:.1f} | {r['peak_mb']:.0f} | {r['f1']:.3f} |")
    if 10000 in runs and 20000 in runs:
        for key, label in (("seconds", "time"), ("cpu_seconds", "CPU time")):
            best = min(x[key] for x in runs[20000]) / min(x[key] for x in runs[10000])
            rounds = ", ".join(f"{a[key] / b[key]:.2f}" for a, b in zip(runs[20000], runs[10000]))
            rows.append(f"\n{label}(20k)/{label}(10k) = {best:.2f} (best runs; round by round: {rounds})")
    return rows


def main() -> None:
    """Run the benchmark and write bench/results/align.md."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the Bible")
    ap.add_argument("--sizes", default="5000,10000,20000,50000")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--skip-accuracy", action="store_true")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one)))
        return
    cmd = "python bench/align.py " + " ".join(sys.argv[1:])
    parts = [f"# bitext align benchmark\n\nCommand: `{cmd}` (2 CPU cores, no GPU).\n"]
    if not args.skip_accuracy:
        parts += ["## Accuracy (vecalign-style strict/lax P/R/F1)\n", *accuracy(args.quick), ""]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if sizes:
        parts += [
            "## Time and memory (synthetic ar-en documents, all resource-free signals)\n",
            *scaling(sizes),
        ]
    out = ROOT / "bench" / "results" / "align.md"
    out.write_text("\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
