"""Strict/lax F1 of the aligner on the dev sets only (never test), for AlignOptions settings given on the line.

Run: python bench/align_dev.py [field=value ...] [--sets tb_none,tb_src,tb_both,fl,fl_dict]
Each `field=value` sets an AlignOptions field (value parsed as a Python literal). Dev sets: Text+Berg dev without
MT / with the MT of the source / of both sides (eval1957.google.*), FLORES dev perturbed (length + anchors, and
with freedict-ara-eng), as its 3-5 sentence documents and joined in tens (article length, with and without
long Arabic segments).
"""

# ruff: noqa: E402
from __future__ import annotations

import argparse
import ast
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))
DICT = Path("/usr/share/dictd/freedict-ara-eng.index")

from align import AlignOptions, align, gather_evidence
from align.goldsets import arabic_sets, text_berg
from eval.alignment import score_alignment

SETS = {
    "tb_none": ("Text+Berg dev, no MT", "tb", "", False),
    "tb_src": ("Text+Berg dev, MT of source", "tb", "src", False),
    "tb_both": ("Text+Berg dev, MT of both sides", "tb", "src tgt", False),
    "fl": ("FLORES dev (perturbed), length + anchors", "fl", "", False),
    "fl_dict": ("FLORES dev (perturbed), + dictionary", "fl", "", True),
    "fl10": ("FLORES dev joined in tens (perturbed), length + anchors", "fl10", "", False),
    "fl10_dict": ("FLORES dev joined in tens (perturbed), + dictionary", "fl10", "", True),
    "fl10_long": ("FLORES dev joined in tens, long segments, length + anchors", "fl10_long", "", False),
    "fl10_long_dict": ("FLORES dev joined in tens, long segments, + dictionary", "fl10_long", "", True),
}


def options_from(pairs: list[str]) -> AlignOptions:
    """AlignOptions with the given field=value overrides."""
    opts = AlignOptions()
    for p in pairs:
        k, v = p.split("=", 1)
        try:
            val = ast.literal_eval(v)
        except (ValueError, SyntaxError):
            val = v
        *path, last = k.split(".")
        obj = opts
        for name in path:  # nested options, e.g. lexicon_options.min_prob=0.2
            obj = getattr(obj, name)
        setattr(obj, last, val)
    return opts


def main() -> None:
    """Print one line per dev set."""
    ap = argparse.ArgumentParser()
    ap.add_argument("overrides", nargs="*")
    ap.add_argument("--sets", default=",".join(SETS))
    args = ap.parse_args()
    opts = options_from(args.overrides)
    docs = {
        "tb": text_berg(SHARED, "dev"),
        "fl": arabic_sets(SHARED, "dev"),
        "fl10": arabic_sets(SHARED, "dev", join=10),
        "fl10_long": arabic_sets(SHARED, "dev", join=10, long=0.3),
    }
    dictionary = None
    for key in args.sets.split(","):
        label, group, mt, use_dict = SETS[key]
        if use_dict and dictionary is None:
            from align.dictionary import load_dictionary

            dictionary = load_dictionary(DICT)
        t0 = time.time()
        results = []
        for d in docs[group]:
            ev = gather_evidence(
                d.src,
                d.tgt,
                dictionary=dictionary if use_dict else None,
                src_mt=d.src_mt if "src" in mt else None,
                tgt_mt=d.tgt_mt if "tgt" in mt else None,
            )
            results.append([b.as_pair() for b in align(d.src, d.tgt, evidence=ev, options=opts)])
        sc = score_alignment(results, [d.gold for d in docs[group]])
        print(
            f"{key:8s} strict F1 {sc.f1_strict:.4f}  lax F1 {sc.f1_lax:.4f}  "
            f"(P/R {sc.precision_strict:.3f}/{sc.recall_strict:.3f})  {time.time() - t0:.1f}s  {label}",
            flush=True,
        )


if __name__ == "__main__":
    main()
