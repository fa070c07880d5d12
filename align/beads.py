"""Bead records: one aligned group of source and target sentences."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Bead shapes the aligner considers: (source sentences, target sentences).
BEAD_TYPES: tuple[tuple[int, int], ...] = (
    (0, 1),
    (1, 0),
    (1, 1),
    (1, 2),
    (2, 1),
    (2, 2),
    (1, 3),
    (3, 1),
    (1, 4),
    (4, 1),
)


@dataclass
class Bead:
    """Source sentence ids aligned to target sentence ids, with a confidence in [0, 1]."""

    src_ids: list[int]
    tgt_ids: list[int]
    score: float = 1.0
    features: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    @property
    def type(self) -> str:
        """The bead shape, such as ``1-2``."""
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"

    def as_pair(self) -> tuple[list[int], list[int]]:
        """(source ids, target ids), the form the alignment scorer reads."""
        return list(self.src_ids), list(self.tgt_ids)

    def __str__(self) -> str:
        return f"{self.src_ids}:{self.tgt_ids}"
