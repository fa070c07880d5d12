"""Batch jobs: translation memory on vs off, peak memory at N vs 10×N documents, local vs Ray, vs a naive loop.

Documents are synthetic news articles built from FLORES-200 (dev + devtest) and NTREX-128 Arabic sentences:
`--sentences` sentences each, two per paragraph, of which a share `--boilerplate` (30 %) are drawn from a small
pool of recurring boilerplate sentences (`--pool`), the rest from the remaining sentences. The model is the
OPUS-MT-shaped random-weight Marian model of bench/engine.py (6+6 layers, d_model 512, 60k vocabulary, int8),
installed once in bench/out/batch-store. Every job runs as its own `bitext batch run` process, whose wall time
and peak RSS (getrusage of that process) are measured.

1. TM: the same fresh job with the translation memory (default) and with --no-memory. Both still deduplicate
   within each chunk of documents (the engine does); the memory adds dedup across chunks.
2. Memory: jobs of N and 10×N documents (from a small sentence pool, memory pre-warmed so that the cost is
   reading, segmenting, memory lookups, writing and the ledger, i.e. the pipeline itself); peak RSS ratio.
3. Ray: the TM job again with --ray local (one actor holding the model, 2 threads) vs local; outputs compared.
4. Naive: `bitext translate FILE -o OUT` once per document (a process and a model load per document), on the
   first `--naive-docs` documents; docs/s compared with the batch job's.

Run: python bench/batch.py [--docs 2000] [--sentences 6] [--rss-docs 1000] [--naive-docs 20] [--beam 4] [--no-ray]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))
OUT = ROOT / "bench" / "out"
STORE = OUT / "batch-store"


def sentences() -> list[str]:
    """Distinct Arabic sentences of FLORES dev/devtest and NTREX, shortest half first (keeps runs affordable)."""
    lines = []
    for rel in ("flores/arb_Arab.dev", "flores/arb_Arab.devtest", "ntrex128/newstest2019-ref.arb.txt"):
        lines += (SHARED / "data" / rel).read_text(encoding="utf-8").replace("\r", "").splitlines()
    uniq = sorted({s.strip() for s in lines if s.strip()}, key=len)
    return uniq


def make_docs(
    root: Path,
    n: int,
    per_doc: int,
    boilerplate: float,
    pool: int,
    seed: int,
    content: int = 0,
    warm: Path | None = None,
    per_paragraph: int = 2,
) -> Path:
    """A folder of n synthetic articles; `content` > 0 limits the non-boilerplate sentences to that many (drawn
    with repetition, all of them in `warm`), else article sentences never repeat.

    `warm`: also write there one file holding every sentence the articles can use (one per line), to pre-fill
    a translation memory.
    """
    rnd = random.Random(seed)
    sents = sentences()
    short = sents[: len(sents) // 2]
    rnd.shuffle(short)
    boiler, rest = short[:pool], short[pool:]
    if content:
        rest = rest[:content]
    if warm is not None:
        warm.mkdir(parents=True, exist_ok=True)
        (warm / "all.txt").write_text("\n".join(boiler + rest) + "\n", encoding="utf-8")
    if root.exists():
        shutil.rmtree(root)
    n_boiler = round(per_doc * boilerplate)
    fresh = _content(rest, rnd) if not content else iter(lambda: rnd.choice(rest), None)
    for i in range(n):
        picks = [rnd.choice(boiler) for _ in range(n_boiler)] + [
            next(fresh) for _ in range(per_doc - n_boiler)
        ]
        rnd.shuffle(picks)
        paras = [" ".join(picks[j : j + per_paragraph]) for j in range(0, len(picks), per_paragraph)]
        d = root / f"{i // 500:03d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"article{i:05d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return root


LEADS = ["", "وقال", "وأضاف", "كما", "ثم", "وأكد", "وأشار", "في المقابل،", "من جهة أخرى،", "وبحسب المصادر،"]


def _content(rest: list[str], rnd: random.Random):
    """Article sentences that do not repeat: the pool in a shuffled order, and once it is used up, again with
    a different Arabic lead word each round (news prose repeats only by accident; boilerplate repeats by design)."""
    for lead in LEADS:
        order = list(rest)
        rnd.shuffle(order)
        for s in order:
            yield f"{lead} {s}" if lead else s
    raise SystemExit(
        f"--docs too large: more than {len(rest) * len(LEADS)} distinct content sentences needed"
    )


def model_store() -> Path:
    """The store holding the OPUS-MT-shaped model (built and installed once, then reused)."""
    if not (STORE / "opus-shape" / "manifest.json").is_file():
        sys.path.insert(0, str(ROOT / "bench"))
        from engine import build_model

        tmp = STORE.with_name("batch-store.part")
        shutil.rmtree(tmp, ignore_errors=True)
        build_model(tmp)
        shutil.rmtree(STORE, ignore_errors=True)
        tmp.rename(STORE)
    return STORE


CHILD = (  # VmHWM: this process's own peak RSS (ru_maxrss would carry the parent's high-water mark over exec)
    "import sys, atexit, json\n"
    "def hwm():\n"
    "    kb = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]\n"
    "    print('BENCH ' + json.dumps({'rss_mb': int(kb) / 1024}), file=sys.stderr)\n"
    "atexit.register(hwm)\n"
    "from toolkit.cli import main\n"
    "sys.argv = ['bitext'] + sys.argv[1:]\n"
    "main()\n"
)


def bitext(*args: str) -> dict:
    """Run one bitext command in a fresh process; wall and CPU seconds, peak RSS (MB), stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-c", CHILD, "--models-dir", str(STORE), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = None
    for line in r.stderr.splitlines():
        if line.startswith("BENCH "):
            rss = json.loads(line[6:])["rss_mb"]
    if r.returncode not in (0, 1):
        raise SystemExit(f"bitext {' '.join(args)} failed:\n{r.stderr[-3000:]}")
    return {"wall": wall, "cpu": cpu, "rss_mb": rss, "stderr": r.stderr}


def job(src: Path, out: Path, beam: int, *extra: str) -> dict:
    """One `bitext batch run` (fresh OUTDIR)."""
    shutil.rmtree(out, ignore_errors=True)
    res = bitext(
        "batch",
        "run",
        str(src),
        "-o",
        str(out),
        "-s",
        "ar",
        "-t",
        "en",
        "--beam-size",
        str(beam),
        "--no-progress",
        *extra,
    )
    line = next((s for s in res["stderr"].splitlines() if "this run" in s), "")
    res["summary"] = line
    return res


def tree(out: Path) -> dict[str, bytes]:
    """Outputs under OUTDIR (state excluded)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".bitext" not in p.relative_to(out).parts
    }


def main() -> None:
    """Run the comparisons and print a Markdown report."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--sentences", type=int, default=6)
    ap.add_argument("--boilerplate", type=float, default=0.3)
    ap.add_argument("--pool", type=int, default=200, help="distinct boilerplate sentences")
    ap.add_argument("--rss-docs", type=int, default=1000, help="N for the N vs 10×N peak-RSS comparison")
    ap.add_argument("--naive-docs", type=int, default=20)
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="bitext-bench-batch-"))
    t0 = time.time()
    model_store()
    print(f"model ready in {time.time() - t0:.0f}s", file=sys.stderr)
    rows = []
    src = make_docs(work / "docs", args.docs, args.sentences, args.boilerplate, args.pool, seed=1)

    tm = job(src, work / "out-tm", args.beam)
    print("TM:", tm["summary"], file=sys.stderr)
    notm = job(src, work / "out-notm", args.beam, "--no-memory")
    print("no TM:", notm["summary"], file=sys.stderr)
    same = tree(work / "out-tm") == tree(work / "out-notm")
    rows.append(
        (
            "1. with TM vs --no-memory",
            f"{tm['wall']:.1f} s vs {notm['wall']:.1f} s (CPU {tm['cpu']:.0f} s vs {notm['cpu']:.0f} s)",
            f"{tm['wall'] / notm['wall']:.2f}× (CPU {tm['cpu'] / notm['cpu']:.2f}×)",
            f"{tm['summary'].split('; ')[1]}; outputs identical: {same}",
        )
    )

    if not args.no_ray:
        ray = job(src, work / "out-ray", args.beam, "--ray", "local", "--ray-actors", "1")
        print("Ray:", ray["summary"], file=sys.stderr)
        same_ray = tree(work / "out-ray") == tree(work / "out-tm")
        rows.append(
            (
                "3. Ray (local cluster, 1 actor) vs local",
                f"{ray['wall']:.1f} s vs {tm['wall']:.1f} s",
                f"{ray['wall'] / tm['wall']:.2f}×",
                f"outputs byte-identical: {same_ray}",
            )
        )

    n = args.rss_docs
    small = make_docs(
        work / "rss-small", n, args.sentences, args.boilerplate, 40, seed=2, content=160, per_paragraph=1
    )
    large = make_docs(
        work / "rss-large",
        10 * n,
        args.sentences,
        args.boilerplate,
        40,
        seed=2,
        content=160,
        warm=work / "warm-docs",
        per_paragraph=1,
    )
    warm = work / "tm-warm"
    job(work / "warm-docs", work / "out-warm", args.beam, "--memory", str(warm))  # every sentence, once
    shutil.copytree(warm, work / "tm-a")
    shutil.copytree(warm, work / "tm-b")
    a = job(small, work / "out-small", args.beam, "--memory", str(work / "tm-a"))
    b = job(large, work / "out-large", args.beam, "--memory", str(work / "tm-b"))
    print("RSS:", a["rss_mb"], b["rss_mb"], a["summary"], b["summary"], file=sys.stderr)
    rows.append(
        (
            f"2. peak RSS, {n} vs {10 * n} docs",
            f"{a['rss_mb']:.0f} MB vs {b['rss_mb']:.0f} MB",
            f"{b['rss_mb'] / a['rss_mb']:.2f}×",
            f"{a['wall']:.1f} s vs {b['wall']:.1f} s (warm memory)",
        )
    )

    files = sorted(src.rglob("*.txt"))[: args.naive_docs]
    naive_out = work / "naive"
    naive_out.mkdir(exist_ok=True)
    t = time.perf_counter()
    for f in files:
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "toolkit",
                "--models-dir",
                str(STORE),
                "translate",
                str(f),
                "-s",
                "ar",
                "-t",
                "en",
                "--beam-size",
                str(args.beam),
                "-o",
                str(naive_out / f.name),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if r.returncode:
            raise SystemExit(r.stderr[-2000:])
    naive = (time.perf_counter() - t) / len(files)
    batch_rate = args.docs / tm["wall"]
    rows.append(
        (
            f"4. batch job vs `bitext translate` per document ({len(files)} docs)",
            f"{batch_rate:.2f} vs {1 / naive:.2f} docs/s",
            f"{batch_rate * naive:.1f}× faster",
            "",
        )
    )

    load = os.getloadavg()
    print(
        f"\n{args.docs} documents × {args.sentences} sentences, {args.boilerplate:.0%} boilerplate from a pool of "
        f"{args.pool}; beam {args.beam}; model: OPUS-MT-shaped random int8; load avg {load[0]:.1f}\n"
    )
    print("| comparison | measured | ratio | notes |\n|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(work folder {work}; bench driver RSS {peak:.0f} MB; total {time.time() - t0:.0f}s)")


if __name__ == "__main__":
    main()
