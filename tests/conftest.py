"""Shared test fixtures: where ../shared lives, and a temporary model store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BITEXT_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only ../shared folder (data, seed, models)."""
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found at {SHARED}; set BITEXT_SHARED")
    return SHARED
