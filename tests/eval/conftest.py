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


@pytest.fixture(scope="session")
def sacrebleu_table():
    """The parser of sacrebleu's paired-test tables (a file's)."""
    from eval.sacrebleu_table import parse_paired_table

    return lambda path: parse_paired_table(Path(path).read_text(encoding="utf-8"))
