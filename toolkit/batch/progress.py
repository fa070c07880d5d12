"""Job progress on stderr: a tqdm bar on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """Counts documents, segments and memory hits; shows them as a bar or as a line every `every` seconds."""

    def __init__(
        self, total: int, *, bar: bool | None = None, every: float = 10.0, stream: TextIO | None = None
    ):
        self.stream = stream or sys.stderr
        self.total = total
        self.every = every
        self.docs = self.failed = self.segments = self.hits = 0
        self.started = self._last = time.monotonic()
        use_bar = self.stream.isatty() if bar is None else bar
        self.bar = None
        if use_bar:
            from tqdm import tqdm

            try:
                cols, rows = os.get_terminal_size(self.stream.fileno())
            except (OSError, ValueError, AttributeError):
                cols = rows = 0
            # a pty with no size (e.g. under `script`) reports 0×0, which would make tqdm hide the bar
            size = {"dynamic_ncols": True} if cols and rows else {"ncols": 120, "nrows": 24}
            self.bar = tqdm(total=total, unit="doc", file=self.stream, smoothing=0.1, **size)

    def update(self, docs: int, failed: int, segments: int, hits: int) -> None:
        """Add finished documents (done or failed), their segments and memory hits."""
        self.docs += docs
        self.failed += failed
        self.segments += segments
        self.hits += hits
        now = time.monotonic()
        if self.bar is not None:
            self.bar.set_postfix_str(self._rates(now), refresh=False)
            self.bar.update(docs)
        elif now - self._last >= self.every:
            self._last = now
            print(
                f"bitext batch: {self.docs}/{self.total} documents, {self._rates(now)}",
                file=self.stream,
                flush=True,
            )

    def _rates(self, now: float) -> str:
        """Throughput, memory hits, failures and ETA as one short text."""
        elapsed = max(now - self.started, 1e-9)
        dps = self.docs / elapsed
        eta = (self.total - self.docs) / dps if dps > 0 else float("inf")
        hit = f"{self.hits / self.segments:.0%}" if self.segments else "0%"
        return (
            f"{dps:.1f} docs/s, {self.segments / elapsed:.1f} sent/s, TM hits {self.hits} ({hit}), "
            f"{self.failed} failed, ETA {format_eta(eta)}"
        )

    def close(self) -> None:
        """Finish the bar."""
        if self.bar is not None:
            self.bar.close()

    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.monotonic() - self.started


def format_eta(seconds: float) -> str:
    """Seconds as h:mm:ss, or '?' when unknown."""
    if seconds != seconds or seconds == float("inf"):
        return "?"
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
