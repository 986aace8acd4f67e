"""Text from users made safe: for log lines (escaped) and for the bot's own input (stripped).

Control characters are what make user text dangerous outside a chat box: ESC sequences move the cursor,
recolour or clear an operator's terminal; a newline or carriage return forges a log line; NUL and bidi
overrides (U+202E) garble or disguise what is shown. Two tools:

* `SafeFormatter` escapes them (`\\x1b`, `\\n`, `\\u202e`) in every log record it formats, so one record is
  one line whatever its arguments held. `paperbot run` installs it on its log handler. A traceback keeps
  its lines, indented, so a newline in an exception's message can't start a line that looks like a
  record; its other control characters are escaped too.
* `strip_controls` removes them from what users type, where it enters the bot (the Discord adapter uses
  it on slash-command options and free-text messages): nothing is stored, searched for or echoed back
  with them. Whitespace controls (tab, newline) become one space; the rest go.
"""

from __future__ import annotations

import logging
import re
from functools import cache

__all__ = ["SafeFormatter", "escape_controls", "strip_controls"]


@cache
def _controls() -> re.Pattern[str]:
    """C0 and C1 controls, DEL, the Unicode line/paragraph separators and the bidi embeddings/overrides.

    Compiled at first use, as is `_spaces`: the two cost ≈ 1 ms, and a `paperbot ask` usually logs nothing.
    """
    return re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@cache
def _spaces() -> re.Pattern[str]:
    """The controls that separate words: a run of them becomes one space."""
    return re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character written as its escape (ESC → `\\x1b`, newline → `\\n`)."""
    if keep_newlines:
        return "\n".join(_controls().sub(_escape, line) for line in text.split("\n"))
    return _controls().sub(_escape, text)


def strip_controls(text: str) -> str:
    """`text` without control characters: word-separating ones become a space, the others are removed."""
    return _controls().sub("", _spaces().sub(" ", text))


class SafeFormatter(logging.Formatter):
    """A Formatter whose output has no raw control characters: one record, one line (plus its traceback)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The record's line, with the message's control characters escaped."""
        message = record.message
        record.message = escape_controls(message)
        try:
            return super().formatMessage(record)
        finally:
            record.message = message

    def formatException(self, ei: logging._SysExcInfoType) -> str:
        """The traceback, indented, with every other control character escaped."""
        return _indented(escape_controls(super().formatException(ei), keep_newlines=True))

    def formatStack(self, stack_info: str) -> str:
        """The stack, indented, with every other control character escaped."""
        return _indented(escape_controls(super().formatStack(stack_info), keep_newlines=True))


def _indented(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.split("\n"))
