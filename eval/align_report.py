"""Render alignment scores (strict and lax, per document and micro-averaged) as text, JSON or Markdown."""

from __future__ import annotations

import json
from pathlib import Path

from tabulate import tabulate

from eval.alignment import AlignmentScore

COLUMNS = ["Document", "P strict", "R strict", "F1 strict", "P lax", "R lax", "F1 lax"]


def _row(name: str, s: AlignmentScore) -> list[str]:
    """One table row with three decimals, as vecalign prints them."""
    vals = [s.precision_strict, s.recall_strict, s.f1_strict, s.precision_lax, s.recall_lax, s.f1_lax]
    return [name] + [f"{v:.3f}" for v in vals]


def render_alignment(
    tests: list[str], golds: list[str], per_doc: list[AlignmentScore], total: AlignmentScore, fmt: str
) -> str:
    """Per-document rows then the micro-average, in the requested format."""
    if fmt == "json":
        return json.dumps(
            {
                "definition": "vecalign score.py: strict/lax precision, recall, F1; micro-averaged over documents",
                "micro": total.as_dict(),
                "documents": [
                    {"test": t, "gold": g, **s.as_dict()} for t, g, s in zip(tests, golds, per_doc)
                ],
            },
            indent=2,
        )
    rows = [_row(Path(t).name, s) for t, s in zip(tests, per_doc)]
    rows.append(_row(f"micro-average ({len(per_doc)} documents)", total))
    table = tabulate(
        rows, COLUMNS, tablefmt="github" if fmt == "md" else "simple_outline", disable_numparse=True
    )
    if fmt == "md":
        return "# Alignment scores\n\n" + table + "\n"
    return table
