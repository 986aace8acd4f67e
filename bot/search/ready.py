"""Ready-made work kept on disk between one-shot terminal commands, named after what it was made from.

`paperbot ask` is a whole process per question (benchmarks/startup.py). Reading and validating the corpus
and analysing it for the index were a third of its time, and came out the same every run. So the terminal
keeps both — the loaded corpus and the analysed index — as pickles in paperbot's cache folder
($PAPERBOT_CACHE_DIR, else the user's cache folder: where the paper vectors live), each under a name
hashed from everything it depends on:

- the inputs: the corpus files' names and bytes and the options (the loaded corpus), or the papers'
  analysed content and the engine settings (the index);
- the code: paperbot's version, Python's, and the size and modification time of every module of
  `bot.corpus` and `bot.search`, so an edited checkout never reads what older code made.

Same inputs, same code, same object: answers do not change (tests/search/test_ready.py). A changed corpus has
another name and is made afresh. Files older than a week are removed when a new one is written.

A pickle runs code when it is loaded, so this cache is trusted as much as the installed code is: it lives
in the user's own cache folder. A file that cannot be read or is damaged is logged and made again; a
folder that cannot be written only costs time. Only for one-shot processes: the bot builds its index
once per start and keeps it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

from bot import __version__
from bot.search.meaning import default_cache_dir

__all__ = ["ReadyCache", "code_fingerprint"]

log = logging.getLogger("paperbot.ready")

FORMAT = b"ready-1"
"""Change when what is stored changes shape in a way the code fingerprint would not notice."""
MAX_AGE_S = 7 * 24 * 3600
_PACKAGES = ("corpus", "search")
_DAMAGED = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError)
"""What loading a truncated, damaged or outdated pickle raises."""


@functools.cache
def code_fingerprint() -> bytes:
    """paperbot's version, Python's, and the size and time of every module that makes what is cached."""
    parts = [FORMAT, __version__.encode(), sys.version.encode()]
    root = Path(__file__).resolve().parent.parent
    for package in _PACKAGES:
        with os.scandir(root / package) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    stat = entry.stat()
                    parts.append(f"{package}/{entry.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return b"\x1f".join(parts)


class ReadyCache:
    """Pickled objects under one folder, each named by `name(kind, parts)`."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory

    @property
    def directory(self) -> Path:
        """The folder: the one given, else $PAPERBOT_CACHE_DIR or the user's cache folder."""
        return self._directory or default_cache_dir()

    @staticmethod
    def name(kind: str, *parts: bytes) -> str:
        """A file name for `kind` made from `parts` and the code (`code_fingerprint`)."""
        digest = hashlib.blake2b(code_fingerprint(), digest_size=20)
        for part in parts:
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return f"ready-{kind}-{digest.hexdigest()}.pickle"

    def load(self, name: str) -> object | None:
        """The object stored under `name`, or None when there is none or it cannot be read."""
        path = self.directory / name
        try:
            with path.open("rb") as handle:
                found: object = pickle.load(handle)  # the user's own cache folder: see the module doc
        except FileNotFoundError:
            return None
        except _DAMAGED as exc:
            log.warning("Ignoring the unreadable cache file %s (%s); making it again.", path, exc)
            return None
        return found

    def save(self, name: str, value: object) -> None:
        """Store `value` under `name` (written then renamed: a reader never sees half a file)."""
        folder = self.directory
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".ready-", delete=False) as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(out.name, folder / name)
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            log.warning("Could not keep %s in %s (%s): it will be made again next time.", name, folder, exc)
            return
        _remove_old(folder)


def _remove_old(folder: Path) -> None:
    """Remove ready files (and stale temporary ones) not modified for `MAX_AGE_S`."""
    limit = time.time() - MAX_AGE_S
    for path in folder.glob("*ready-*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue
