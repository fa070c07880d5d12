"""Benchmark the review page on a large input: build the review file, serve pages, save changes, export.

Run: python bench/review.py [--pairs 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import requests

from toolkit.review.export import render
from toolkit.review.reviewfile import open_review
from toolkit.review.server import make_review_server

AR = "كيم بوتين موسكو زيارة روسيا الشمالية كوريا اتفاق عسكري صواريخ الرئيس الزعيم قاعدة فضائية".split()
EN = "Kim Putin Moscow visit Russia North Korea deal military missiles president leader base space".split()


def make_input(path: Path, n: int, rng: random.Random) -> None:
    """An align JSONL of `n` synthetic beads with random scores."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            k = rng.randint(5, 40)
            rec = {
                "src_ids": [i],
                "tgt_ids": [i],
                "src": " ".join(rng.choices(AR, k=k)) + ".",
                "tgt": " ".join(rng.choices(EN, k=k)) + ".",
                "score": round(rng.random(), 3),
                "type": "1-1",
                "src_lang": "ar",
                "tgt_lang": "en",
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def timed(fn, repeat: int = 1) -> float:
    """The median seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    """Run every measurement once and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pairs", type=int, default=20000)
    args = ap.parse_args()
    rng = random.Random(7)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big.align.jsonl"
        make_input(src, args.pairs, rng)
        rows.append(("create review file (load JSONL + SQLite)", timed(lambda: open_review([src]))))
        store = open_review([src]).store
        rows.append(("reopen existing review file", timed(lambda: open_review([src]), 5)))
        server = make_review_server(store)
        server.start_thread()
        try:
            s = requests.Session()
            for name, query in (
                ("GET page, worst first (200 rows)", {}),
                ("GET page, document order (200 rows)", {"sort": "order"}),
                ("GET page, confidence <= 0.3", {"maxconf": "0.3"}),
                ("GET last page, worst first", {"page": str(args.pairs // 200)}),
            ):
                rows.append(
                    (
                        name,
                        timed(lambda q=query: s.get(server.url, params=q, timeout=60).raise_for_status(), 5),
                    )
                )
            page = s.get(server.url, timeout=60).text
            token = page.split('name="bitext-token" content="')[1].split('"')[0]
            headers = {"X-Bitext-Token": token, "Origin": server.url.rstrip("/")}
            items = store.all_items()
            sample = rng.sample(items, 200)

            def approve_all() -> None:
                for it in sample:
                    s.post(
                        f"{server.url}items/{it.id}/status",
                        json={"version": it.version, "status": "approved"},
                        headers=headers,
                        timeout=60,
                    ).raise_for_status()

            rows.append(("200 approvals over HTTP (total)", timed(approve_all)))
        finally:
            server.shutdown()
        for it in items[: args.pairs // 2]:
            it.status = "approved"
        half = items[: args.pairs // 2]
        for fmt in ("tsv", "tmx", "xliff"):
            rows.append((f"export {len(half)} pairs as {fmt.upper()}", timed(lambda f=fmt: render(half, f))))
        size_mb = store.path.stat().st_size / 1e6
    print(f"{args.pairs} pairs; review file {size_mb:.1f} MB\n")
    print("| step | seconds |\n|---|---|")
    for name, secs in rows:
        print(f"| {name} | {secs:.3f} |")
    base = dict(rows)
    print(
        f"\nratios: worst-first page / document-order page = "
        f"{base['GET page, worst first (200 rows)'] / base['GET page, document order (200 rows)']:.2f}; "
        f"TMX / TSV export = {base[f'export {len(half)} pairs as TMX'] / base[f'export {len(half)} pairs as TSV']:.1f}; "
        f"XLIFF / TMX export = {base[f'export {len(half)} pairs as XLIFF'] / base[f'export {len(half)} pairs as TMX']:.2f}"
    )


if __name__ == "__main__":
    main()
