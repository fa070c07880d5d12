"""Fixtures for the evaluation tests: the WMT22 / FLORES files and the sacrebleu 2.6.0 ground truth."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

DEEN_SYSTEMS = [
    "JDExploreAcademy",
    "LT22",
    "Lan-Bridge",
    "Online-A",
    "Online-B",
    "Online-G",
    "Online-W",
    "Online-Y",
    "PROMT",
]


@pytest.fixture(scope="session")
def wmt22(shared: Path) -> Path:
    """../shared/data/wmt/2022."""
    return shared / "data/wmt/2022"


@pytest.fixture(scope="session")
def flores(shared: Path) -> Path:
    """../shared/data/wmt/flores200-devtest/ara-eng."""
    return shared / "data/wmt/flores200-devtest/ara-eng"


@pytest.fixture(scope="session")
def ground_truth(wmt22: Path) -> dict[tuple[str, str, str, str], tuple[str, str, str]]:
    """(pair, refs, system, metric) -> (score as printed with -w 12, signature, verbose) from sacrebleu 2.6.0."""
    with open(wmt22 / "ground-truth/sacrebleu-2.6.0.corpus-scores.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {
        (r["pair"], r["refs_in_order"], r["system"], r["metric"]): (
            r["score"],
            r["signature"],
            r["verbose_score"],
        )
        for r in rows
    }


@dataclass(frozen=True)
class Wmt22:
    """Paths of the WMT22 files of ../shared."""

    root: Path

    def hyp(self, pair: str, system: str) -> Path:
        """A system output file."""
        return (
            self.root / pair / "system-outputs" / f"generaltest2022.{pair}.hyp.{system}.{pair.split('-')[1]}"
        )

    def ref(self, pair: str, ref: str) -> Path:
        """A reference file (A or B)."""
        return self.root / pair / "references" / f"generaltest2022.{pair}.ref.{ref}.{pair.split('-')[1]}"

    def systems(self, pair: str) -> list[str]:
        """System names of a pair, from the file names."""
        n = len(f"generaltest2022.{pair}.hyp.")
        return sorted(
            p.name[n : -len(pair.split("-")[1]) - 1] for p in (self.root / pair / "system-outputs").iterdir()
        )


@pytest.fixture(scope="session")
def wmt(wmt22: Path) -> Wmt22:
    """Helpers naming the WMT22 files."""
    return Wmt22(wmt22)


@pytest.fixture(scope="session")
def deen_eval(wmt):
    """All 9 WMT22 de-en systems scored with BLEU and chrF against ref A (baseline JDExploreAcademy first)."""
    from eval.metrics import MetricOptions
    from eval.scoring import evaluate
    from eval.textio import read_textset

    systems = ["JDExploreAcademy"] + [s for s in wmt.systems("de-en") if s != "JDExploreAcademy"]
    hyps = [read_textset(str(wmt.hyp("de-en", s))) for s in systems]
    refs = [read_textset(str(wmt.ref("de-en", "A")))]
    return evaluate(hyps, refs, MetricOptions(metrics=("bleu", "chrf"), target_lang="en"), width=2)


def parse_sacrebleu_table(path: Path) -> list[list[str]]:
    """Rows of a sacrebleu --paired-* text table: [system, cell, cell, ...], p-value lines folded in."""
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0] == "System":
            continue
        if cells[0]:
            rows.append(cells)
        else:
            rows[-1] = [rows[-1][0]] + [f"{a} {b}" for a, b in zip(rows[-1][1:], cells[1:])]
    return rows


@pytest.fixture(scope="session")
def sacrebleu_table():
    """The parser of sacrebleu's paired-test tables."""
    return parse_sacrebleu_table
