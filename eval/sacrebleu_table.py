"""Reader of the text table that `sacrebleu --paired-bs/--paired-ar` prints (to check bitext against it)."""

from __future__ import annotations


def parse_paired_table(text: str) -> list[list[str]]:
    """Rows of a sacrebleu paired-test table: [system, cell, cell, ...], with each p-value line folded in."""
    rows: list[list[str]] = []
    for line in text.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0] == "System":
            continue
        if cells[0]:
            rows.append(cells)
        elif rows:
            rows[-1] = [rows[-1][0]] + [f"{a} {b}" for a, b in zip(rows[-1][1:], cells[1:])]
    return rows
