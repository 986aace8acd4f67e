"""The project's error tree. Every error says what the person who must act should do.

PaperbotError                 base; never shown raw to a Discord user
├── UserError                 the user asked for something impossible; `.message` is shown to them
│   ├── UnknownPaperError     no paper with that id or title
│   ├── AmbiguousPaperError   several papers fit the reference; it lists them
│   ├── QueryError            an empty, oversized or malformed query
│   ├── CooldownError         the user must wait before asking again
│   ├── PermissionDeniedError the user lacks a permission the command needs
│   ├── ReadingGroupError     a reading-group action that does not fit the current state
│   └── SourceError           a paper could not be fetched from arXiv or the DOI registry
│       ├── PaperReferenceError   not an arXiv id, arXiv URL or DOI (nothing was asked)
│       ├── SourceNotFoundError   the source has no such paper
│       └── SourceUnavailableError the source is down, rate-limiting or answered garbage: try later
├── CorpusError               a corpus file cannot be used (its `.problems` list every bad record)
├── ConfigError               the settings are invalid; the message names the key and the fix
├── StorageError              the database cannot be opened or migrated
├── ModelError                the bundled meaning model cannot be loaded (search falls back to words only)
└── DeliveryError             a post could not be delivered; `permanent` if retrying cannot help
"""

from __future__ import annotations

from typing import NamedTuple


class PaperbotError(Exception):
    """Base of every error paperbot raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UserError(PaperbotError):
    """Something the user can fix themselves; the message is written for them."""


class UnknownPaperError(UserError):
    """No paper matches the id or title the user gave."""

    def __init__(self, reference: str) -> None:
        shown = reference if len(reference) <= 80 else reference[:79] + "…"
        super().__init__(
            f"I don't know a paper called “{shown}”. "
            "Try `search` to find it (in Discord, pick one from the suggestions while you type)."
        )
        self.reference = reference


class AmbiguousPaperError(UserError):
    """Several papers fit the id or title the user gave: not unknown, just not one. Lists the candidates."""

    SHOWN = 10

    def __init__(self, reference: str, candidates: list[tuple[str, str]]) -> None:
        shown = reference if len(reference) <= 80 else reference[:79] + "…"
        lines = [f"  {paper_id} — {title}" for paper_id, title in candidates[: self.SHOWN]]
        if len(candidates) > self.SHOWN:
            lines.append(f"  … and {len(candidates) - self.SHOWN} more")
        super().__init__(
            f"“{shown}” fits {len(candidates)} papers; name one by its id or more of its title:\n"
            + "\n".join(lines)
        )
        self.reference = reference
        self.candidates = candidates


class QueryError(UserError):
    """An empty, oversized or malformed query."""


class CooldownError(UserError):
    """The user asked too often; they can retry after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, round(retry_after))
        super().__init__(f"You're asking a bit fast — try again in {seconds} s.")
        self.retry_after = retry_after


class PermissionDeniedError(UserError):
    """The user lacks a permission the command needs."""


class ReadingGroupError(UserError):
    """A reading-group action that does not fit the group's current state."""


class SourceError(UserError):
    """A paper could not be fetched from its source; `.message` is for the person adding it, `.detail`
    (the HTTP status, the source's own words) for the operator's log line."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


class PaperReferenceError(SourceError):
    """The text is not an arXiv id, an arXiv URL or a DOI; nothing was sent anywhere."""


class SourceNotFoundError(SourceError):
    """The source answered, and it has no paper with that id or DOI."""


class SourceUnavailableError(SourceError):
    """The source is down, rate-limiting us past our patience, or sent something unreadable.

    Retrying later may well work, so the message says so; nothing was changed.
    """


class Problem(NamedTuple):
    """One bad record in a corpus file: where it is and what is wrong with it."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


class CorpusError(PaperbotError):
    """A corpus cannot be loaded; `problems` lists every bad record found, not just the first."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = list(problems or [])
        detail = "".join(f"\n  - {p}" for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(message + detail + more)


class ConfigError(PaperbotError):
    """The settings are invalid; the message names the setting and how to fix it."""


class StorageError(PaperbotError):
    """The database cannot be opened, migrated or written."""


class ModelError(PaperbotError):
    """The search-by-meaning model (bot/search/minilm) or its runtime is missing or broken."""


class DeliveryError(PaperbotError):
    """A front end could not deliver a post, DM or reminder.

    The front end decides what its refusals mean, so the core never reads a platform's error codes:
    `permanent` says retrying cannot help (the core then stops and tells someone instead of retrying), and
    `reason` says why in words for the people who must act, written by the front end in its own terms
    (default: `message`). `message` is the technical detail for logs and ledgers; `code` is the front
    end's own error code (Discord's JSON code), kept for its diagnostics only.
    """

    def __init__(
        self, message: str, code: int | None = None, *, permanent: bool = False, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent
        self.reason = reason if reason is not None else message
