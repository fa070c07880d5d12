"""Benchmark `bitext eval` against the sacrebleu 2.6.0 command line on WMT22 de-en (9 systems), side by side.

1. Whole-pair scoring: 9 systems × refs A+B, BLEU + chrF + TER, one `sacrebleu` call vs one `bitext eval score`
   call (no statistics cache), numbers asserted identical to 12 decimals. Floor: bitext ≤ 0.6 × sacrebleu.
2. Paired bootstrap, ref A, BLEU + chrF, 1000 resamples: `sacrebleu --paired-bs` vs `bitext eval compare`,
   cold (nothing cached) and warm (statistics cached by an earlier `bitext eval score` of the same files);
   scores asserted equal as printed, p-values within 0.01. Floor: ≥ 10 × faster.
3. Paired approximate randomization (10000 trials), same set-up, for the record.

Run: python bench/eval.py [--skip-score] [--out bench/results/eval.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from eval.sacrebleu_table import parse_paired_table  # noqa: E402

DATA = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared")) / "data/wmt/2022/de-en"
SYSTEMS = sorted(  # every WMT22 de-en system output in ../shared (9)
    p.name.removeprefix("generaltest2022.de-en.hyp.").removesuffix(".en")
    for p in (DATA / "system-outputs").glob("generaltest2022.de-en.hyp.*.en")
)


def hyp(s: str) -> str:
    """Path of a system output."""
    return str(DATA / "system-outputs" / f"generaltest2022.de-en.hyp.{s}.en")


def ref(r: str) -> str:
    """Path of a reference."""
    return str(DATA / "references" / f"generaltest2022.de-en.ref.{r}.en")


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall time, CPU seconds (its child processes included) and stdout of one command (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stderr[-2000:]}")
    return wall, cpu, res.stdout


def load() -> str:
    """The 1-minute load average (other processes share this machine)."""
    return f"{os.getloadavg()[0]:.1f}"


def bench_score() -> dict:
    """One sacrebleu call vs one bitext call: 9 systems × refs A+B × BLEU, chrF, TER."""
    hyps = [hyp(s) for s in SYSTEMS]
    la = load()
    sb_wall, sb_cpu, sb_out = timed(
        ["sacrebleu", ref("A"), ref("B"), "-i", *hyps, "-m", "bleu", "chrf", "ter", "-w", "12", "-f", "json"],
    )
    bt_wall, bt_cpu, bt_out = timed(
        [
            "bitext",
            "eval",
            "score",
            "-r",
            ref("A"),
            "-r",
            ref("B"),
            *hyps,
            "-m",
            "bleu,chrf,ter",
            "-w",
            "12",
            "-f",
            "json",
            "--no-cache",
        ],
    )
    sb = {row["system"]: row for row in json.loads(sb_out)}
    bt = json.loads(bt_out)
    checked = 0
    for path, sysres in zip(hyps, bt["systems"]):
        for key, name in (("bleu", "BLEU"), ("chrf", "chrF2"), ("ter", "TER")):
            mine = f"{sysres['metrics'][key]['score']:.12f}"
            assert float(mine) == float(sb[path][name]), (path, name, mine, sb[path][name])
            checked += 1
    return {
        "sacrebleu_s": sb_wall,
        "bitext_s": bt_wall,
        "ratio": bt_wall / sb_wall,
        "checked": checked,
        "load": la,
        "sacrebleu_cpu": sb_cpu,
        "bitext_cpu": bt_cpu,
    }


CELL = re.compile(r"([\d.]+)(?: \(([\d.]+) ± ([\d.]+)\))?(?: \(p = ([\d.]+)\)\*?)?")


def bench_compare(test: str) -> dict:
    """sacrebleu --paired-{test} vs bitext eval compare, cold and warm, with the numbers checked."""
    hyps = [hyp(s) for s in SYSTEMS]
    flag = "--paired-bs" if test == "bs" else "--paired-ar"
    la = load()
    sb_wall, sb_cpu, sb_out = timed(
        ["sacrebleu", ref("A"), "-i", *hyps, "-m", "bleu", "chrf", flag, "-f", "text", "-w", "2"]
    )
    with tempfile.TemporaryDirectory() as cache:
        base = ["bitext", "eval", "compare", "-r", ref("A"), *hyps, "-m", "bleu,chrf", flag, "-f", "json"]
        cold_wall, cold_cpu, cold_out = timed(base + ["--cache-dir", cache])
        # warm: statistics already cached (as after `bitext eval score` on the same files)
        warm_wall, warm_cpu, warm_out = timed(base + ["--cache-dir", cache])
    assert json.loads(cold_out) == json.loads(warm_out)
    data = json.loads(warm_out)
    worst = 0.0
    for s, row in enumerate(parse_paired_table(sb_out)):
        for cell, key in zip(row[1:], ("bleu", "chrf")):
            m = CELL.fullmatch(cell)
            mine = data["metrics"][key]["systems"][s]
            assert f"{mine['score']:.2f}" == m.group(1)
            if test == "bs":
                assert f"{mine['mean']:.2f}" == m.group(2) and f"{mine['ci95']:.2f}" == m.group(3)
            if m.group(4) is not None:
                worst = max(worst, abs(mine["p_value"] - float(m.group(4))))
    assert worst <= 0.01
    return {
        "sacrebleu_s": sb_wall,
        "cold_s": cold_wall,
        "warm_s": warm_wall,
        "cold_speedup": sb_wall / cold_wall,
        "warm_speedup": sb_wall / warm_wall,
        "max_p_diff": worst,
        "load": la,
        "sacrebleu_cpu": sb_cpu,
        "cold_cpu": cold_cpu,
        "warm_cpu": warm_cpu,
    }


def main() -> None:
    """Run the benchmarks and write the Markdown results."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip-score", action="store_true", help="Skip the ~2-minute whole-pair scoring run.")
    ap.add_argument("--out", default=str(ROOT / "bench/results/eval.md"))
    args = ap.parse_args()
    results = {}
    if not args.skip_score:
        results["score"] = bench_score()
        print("score", results["score"], flush=True)
    for test in ("bs", "ar"):
        results[test] = bench_compare(test)
        print(test, results[test], flush=True)
    lines = [
        "# bench/eval.py: `bitext eval` vs the sacrebleu 2.6.0 CLI (WMT22 de-en, 9 systems, 1984 segments)",
        "",
        f"Command: `python bench/eval.py`. Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}. Wall times of whole command-line calls (start-up included), one run each, "
        "side by side in one run; the 1-minute load average at the start of each row is given because other "
        "processes shared the machine.",
        "",
        "| task | sacrebleu wall (CPU) | bitext wall (CPU) | wall ratio | floor | numbers | load |",
        "|---|---|---|---|---|---|---|",
    ]
    if "score" in results:
        r = results["score"]
        lines.append(
            f"| score: refs A+B, BLEU+chrF+TER, 9 systems (no cache) | {r['sacrebleu_s']:.1f} s ({r['sacrebleu_cpu']:.1f} s) "
            f"| {r['bitext_s']:.1f} s ({r['bitext_cpu']:.1f} s) "
            f"| {r['ratio']:.2f}× the time | ≤ 0.6× | {r['checked']} scores identical to 12 decimals | {r['load']} |"
        )
    for test, label in (("bs", "--paired-bs, 1000 resamples"), ("ar", "--paired-ar, 10000 trials")):
        r = results[test]
        lines.append(
            f"| compare {label}, ref A, BLEU+chrF, cold | {r['sacrebleu_s']:.1f} s ({r['sacrebleu_cpu']:.1f} s) "
            f"| {r['cold_s']:.2f} s ({r['cold_cpu']:.1f} s) "
            f"| {r['cold_speedup']:.1f}× faster | {'≥ 10×' if test == 'bs' else '—'} | scores/CIs as printed, "
            f"max p diff {r['max_p_diff']:.4f} | {r['load']} |"
        )
        lines.append(
            f"| compare {label}, ref A, BLEU+chrF, warm (statistics cached) | {r['sacrebleu_s']:.1f} s ({r['sacrebleu_cpu']:.1f} s) | "
            f"{r['warm_s']:.2f} s ({r['warm_cpu']:.1f} s) | {r['warm_speedup']:.1f}× faster | {'≥ 10×' if test == 'bs' else '—'} | same | {r['load']} |"
        )
    lines += [
        "",
        "Cold: nothing cached, so the segment statistics are extracted (through sacrebleu's own metric classes, "
        "references once, each distinct (line, hypothesis) once, on all cores); this extraction is most of the time "
        "and bounds the cold speed-up. Warm: the statistics of these files are in the cache (any earlier `bitext eval "
        "score`/`compare` of the same files with the same metric options, keyed by content digests); what remains is "
        "start-up, reading, and the resampling itself, done with numpy on sufficient statistics.",
        "",
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
