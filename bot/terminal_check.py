"""`paperbot check-config`: every problem that would stop `paperbot run`, reported at once.

The settings, the token, the corpus and the database URL are checked one after the other, and a broken
settings section does not hide the problems of the rest. A check whose own section is broken says so
rather than check the defaults, which would report on a corpus or token the operator did not configure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.corpus.loader import load_corpus
from bot.errors import PaperbotError
from bot.settings import Settings, check_settings
from bot.storage.database import describe_url

EXIT_PROBLEMS = 2  # as for any invalid setting


def _token(settings: Settings) -> list[str]:
    settings.discord.resolve_token()  # ConfigError says how to provide one; the token is never shown
    return ["ok"]


def _corpus(settings: Settings) -> list[str]:
    loaded = load_corpus(settings.corpus.path, strict=settings.corpus.strict)
    summary = f"{len(loaded.papers)} papers from {len(loaded.files)} file(s)"
    if loaded.problems:
        summary += f", {len(loaded.problems)} problem(s) (those records are skipped)"
    return [summary, *(f"  - {problem}" for problem in loaded.problems)]


def _database(settings: Settings) -> list[str]:
    return [describe_url(settings.storage.database_url())]


CHECKS: list[tuple[str, str, Callable[[Settings], list[str]]]] = [
    ("discord token", "discord", _token),
    ("corpus", "corpus", _corpus),
    ("database", "storage", _database),
]


def cmd_check_config(config_file: Path | None, out: TextIO) -> int:
    """Print one block per check; exit 2 if anything would stop `paperbot run`.

    Skipped corpus records are listed but do not fail the check unless corpus.strict is set: the bot
    starts with the rest. A config file that cannot be read raises ConfigError: nothing can be checked.
    """
    report = check_settings(config_file)
    failed = bool(report.problems)
    if report.problems:
        out.write(f"settings: {len(report.problems)} problem(s) in {report.origin}\n")
        out.writelines(f"  - {problem}\n" for problem in report.problems)
    else:
        out.write(f"settings: ok ({report.origin})\n")
    for label, section, check in CHECKS:
        if report.settings is None or section in report.defaulted:
            out.write(f"{label}: not checked until the [{section}] settings above are fixed\n")
            continue
        try:
            lines = check(report.settings)
        except PaperbotError as exc:
            failed = True
            lines = [exc.message]
        out.write(f"{label}: " + "\n".join(lines) + "\n")
    return EXIT_PROBLEMS if failed else 0
