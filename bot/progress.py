"""Progress of long jobs (indexing a large corpus): a bar in the terminal and a line in the log.

Indexing a million papers takes minutes; without a sign of life an operator cannot tell it from a hang.
The bar (tqdm, on stderr) shows only when stderr is a terminal, so logs and pipes never fill with it; the
log gets one line every `LOG_EVERY_S` seconds and one at the end, for whoever reads `docker logs`.
Small jobs (fewer than `SHOW_FROM` items: the bundled seeds, a group's own list) show nothing, and tqdm is
only imported when a bar is shown (it costs start-up time).
"""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType
from typing import Any

__all__ = ["LOG_EVERY_S", "SHOW_FROM", "Progress"]

log = logging.getLogger("paperbot.progress")

SHOW_FROM = 20_000
"""Jobs with fewer items than this report nothing."""
LOG_EVERY_S = 10.0


class Progress:
    """Counts items done of `total`; use as a context manager and call `advance` per item (or batch)."""

    def __init__(self, task: str, total: int, unit: str = "papers", show_from: int | None = None) -> None:
        """`show_from` replaces `SHOW_FROM` for a job counted in another unit (a file's bytes)."""
        self.task, self.total, self.unit = task, total, unit
        self.done = 0
        self._shown = total >= (SHOW_FROM if show_from is None else show_from)
        self._started = self._logged = time.monotonic()
        self._bar: Any = None
        if self._shown and sys.stderr is not None and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=task, unit=f" {unit}", unit_scale=True, file=sys.stderr)

    def __enter__(self) -> Progress:
        if self._shown:
            log.info("%s: %s %s to go", self.task, f"{self.total:,}", self.unit)
        return self

    def advance(self, items: int = 1) -> None:
        """`items` more are done."""
        self.done += items
        if not self._shown:
            return
        if self._bar is not None:
            self._bar.update(items)
        now = time.monotonic()
        if now - self._logged >= LOG_EVERY_S:
            self._logged = now
            self._log_line(now)

    def _log_line(self, now: float) -> None:
        elapsed = now - self._started
        share = self.done / self.total if self.total else 1.0
        left = elapsed / share - elapsed if share > 0 else 0.0
        log.info(
            "%s: %s/%s %s (%d %%), %.0f s, about %.0f s left",
            self.task, f"{self.done:,}", f"{self.total:,}", self.unit, share * 100, elapsed, left,
        )  # fmt: skip

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.close()
        if self._shown and kind is None:
            elapsed = time.monotonic() - self._started
            log.info("%s: %s %s done in %.1f s", self.task, f"{self.done:,}", self.unit, elapsed)
