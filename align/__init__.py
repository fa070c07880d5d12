"""Sentence alignment of a document and its translation (monotone, banded, multi-signal)."""

from align.api import AlignOptions, align, gather_evidence
from align.beads import BEAD_TYPES, Bead
from align.search import SearchOptions
from align.signals import Evidence, Signals

__all__ = [
    "BEAD_TYPES",
    "AlignOptions",
    "Bead",
    "Evidence",
    "SearchOptions",
    "Signals",
    "align",
    "gather_evidence",
]
