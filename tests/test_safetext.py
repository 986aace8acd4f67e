"""User text made safe: log lines escape control characters, input loses them (`bot.safetext`)."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest

from bot.safetext import SafeFormatter, escape_controls, strip_controls
from bot.serve import configure_logging

EVIL = "\x1b[2J\x1b[31mred\x00\u202e\r\n2026-01-01 00:00:00,000 ERROR paperbot: forged\x85\u2028"


def test_escape_controls_writes_every_control_character_as_its_escape() -> None:
    assert escape_controls(EVIL) == (
        "\\x1b[2J\\x1b[31mred\\x00\\u202e\\r\\n2026-01-01 00:00:00,000 ERROR paperbot: forged\\x85\\u2028"
    )
    assert escape_controls("Zürich — “ok” 👍\ttab") == "Zürich — “ok” 👍\\ttab"
    assert escape_controls("line 1\nline\x1b 2", keep_newlines=True) == "line 1\nline\\x1b 2"


def test_strip_controls_keeps_the_words_and_drops_the_rest() -> None:
    assert strip_controls(EVIL) == "[2J[31mred 2026-01-01 00:00:00,000 ERROR paperbot: forged "
    assert strip_controls("state\tspace\r\n\r\nmodels") == "state space models"
    assert strip_controls("Zürich — “ok” 👍 👩‍🔬") == "Zürich — “ok” 👍 👩‍🔬"  # ZWJ emoji untouched


def record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("paperbot.discord", logging.INFO, __file__, 1, msg, args, exc_info)


def test_a_log_record_with_user_input_is_one_line_without_control_characters() -> None:
    formatter = SafeFormatter("%(levelname)s %(name)s: %(message)s")
    line = formatter.format(record("/paper in guild 1 refused: %s", f"I don't know “{EVIL}”"))
    assert line == (
        "INFO paperbot.discord: /paper in guild 1 refused: I don't know “\\x1b[2J\\x1b[31mred\\x00\\u202e"
        "\\r\\n2026-01-01 00:00:00,000 ERROR paperbot: forged\\x85\\u2028”"
    )


def test_a_traceback_keeps_its_lines_but_not_the_control_characters_of_its_message() -> None:
    try:
        raise ValueError(EVIL)
    except ValueError as exc:
        text = SafeFormatter("%(message)s").format(record("failed: %s", exc, exc=exc))
    lines = text.split("\n")
    assert lines[0].startswith("failed: \\x1b[2J")
    assert lines[1] == "  Traceback (most recent call last):"
    assert lines[-2:] == [
        "  ValueError: \\x1b[2J\\x1b[31mred\\x00\\u202e\\r",
        "  2026-01-01 00:00:00,000 ERROR paperbot: forged\\x85\\u2028",
    ]
    assert all(line.startswith("  ") for line in lines[1:])  # only the record's own line starts a line
    assert "\x1b" not in text


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Put the root logger back as pytest had it after a test reconfigures logging."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    discord_level = logging.getLogger("discord").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("discord").setLevel(discord_level)


def test_paperbot_run_logs_through_the_safe_formatter(
    root_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    configure_logging("INFO")
    logging.getLogger("paperbot.discord").info("/author refused: I don't know an author called “%s”.", EVIL)
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(
        " INFO paperbot.discord: /author refused: I don't know an author called “\\x1b[2J\\x1b[31mred"
        "\\x00\\u202e\\r\\n2026-01-01 00:00:00,000 ERROR paperbot: forged\\x85\\u2028”."
    )
