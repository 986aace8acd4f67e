"""What users type can't reach an operator's terminal or forge a log line, and isn't echoed back raw.

Control characters (NUL, ESC sequences, newlines, bidi overrides) are taken out of slash-command options
and free-text questions where they enter the bot; every log line is escaped again at the formatter
(`bot.safetext`, installed by `paperbot run`). Refusals say what was wrong with the input.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from bot.discord_adapter.papers.cog import AUTHOR_NAME_EMPTY
from bot.errors import QueryError
from bot.search.query import parse_query
from tests.fake_discord import FakeDiscord

from .test_freetext import mention, reply_to
from .test_freetext_support import assert_all_quiet, bot_messages

EVIL = "\x1b[2J\x1b[31mdiffusion\x00\u202e\r\n2026-01-01 00:00:00,000 ERROR paperbot: forged"
"""Clears the screen, turns it red, a NUL, reverses the text, and starts a forged log line."""
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Anything but a newline or tab that has no business in a message (a newline is fine in a message)."""


def strings(value: Any) -> list[str]:
    """Every string in a JSON payload."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def assert_nothing_raw_went_out(fake: FakeDiscord, caplog: pytest.LogCaptureFixture) -> None:
    for payload in bot_messages(fake):
        assert not [s for s in strings(payload) if CONTROLS.search(s)], payload
    for request in fake.find_requests("POST", r"/channels/\d+/messages/\d+/threads"):
        assert not CONTROLS.search(request.json["name"]), request.json
    for record in caplog.records:
        message = record.getMessage()
        assert not CONTROLS.search(message), message
        assert "\n" not in message, message


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("paper", {"paper": EVIL}),
        ("author", {"name": EVIL}),
        ("similar", {"paper": EVIL}),
        ("ask", {"question": EVIL}),
        ("search", {"query": EVIL, "author": EVIL}),
        ("rg propose", {"paper": EVIL}),
        ("digest topic", {"query": EVIL}),
    ],
)
async def test_control_characters_in_slash_options_are_neither_echoed_nor_logged(
    paperbot: Any,
    fake_discord: FakeDiscord,
    caplog: pytest.LogCaptureFixture,
    command: str,
    options: dict[str, str],
) -> None:
    caplog.set_level(logging.INFO)
    await (await fake_discord.invoke_slash(command, options, user="bob")).reply()
    assert_nothing_raw_went_out(fake_discord, caplog)
    assert_all_quiet(fake_discord)


async def test_a_refusal_still_names_what_was_typed_without_the_control_characters(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    reply = await (await fake_discord.invoke_slash("paper", {"paper": EVIL}, user="bob")).reply()
    assert reply.content.startswith(
        "I don't know a paper called “[2J[31mdiffusion 2026-01-01 00:00:00,000 ERROR paperbot: forged”."
    )


async def test_control_characters_in_a_free_text_question_are_neither_echoed_nor_logged(
    paperbot: Any, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    answer = await reply_to(fake_discord, await mention(fake_discord, "general", f"state space {EVIL}"))
    assert answer.status == 200
    refusal = await reply_to(fake_discord, await mention(fake_discord, "general", f'author:"{EVIL}\x1b"'))
    assert refusal.status == 200
    assert_nothing_raw_went_out(fake_discord, caplog)
    assert_all_quiet(fake_discord)


# --- refusals say what was wrong (item 23) -----------------------------------------------------------------


@pytest.mark.parametrize("name", [" ", "\x1b\x00", "   \u200b  "])
async def test_author_with_a_blank_name_asks_for_a_name(
    paperbot: Any, fake_discord: FakeDiscord, name: str
) -> None:
    reply = await (await fake_discord.invoke_slash("author", {"name": name}, user="bob")).reply()
    assert reply.ephemeral
    assert reply.content == AUTHOR_NAME_EMPTY
    assert AUTHOR_NAME_EMPTY.startswith("`name` is empty: type an author's name")


@pytest.mark.parametrize("query", ['author:"@everyone"', "author:@here", 'author:"<@123>"', 'author:"  "'])
def test_an_author_filter_without_a_name_says_what_was_wrong(query: str) -> None:
    with pytest.raises(QueryError, match="needs a name") as raised:
        parse_query(f"diffusion {query}")
    message = str(raised.value)
    assert "mentions" in message  # why @everyone "isn't there": mentions are not names
    assert "author:hofmann" in message


@pytest.mark.parametrize(
    ("author", "why"),
    [("@everyone", " (a mention is not a name)"), ("<@&123>", " (a mention is not a name)"), ("?!", "")],
)
async def test_search_by_an_author_that_is_no_name_says_what_was_wrong(
    paperbot: Any, fake_discord: FakeDiscord, author: str, why: str
) -> None:
    options = {"query": "diffusion", "author": author}
    reply = await (await fake_discord.invoke_slash("search", options, user="bob")).reply()
    assert reply.ephemeral
    assert reply.content == (
        f"`author` needs a person's name, not “{author}”{why}: "
        "type one, e.g. Hofmann, and pick it from the list."
    )
    assert_all_quiet(fake_discord)  # the echoed @everyone pings nobody
