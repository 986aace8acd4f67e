"""Transient Discord errors and shutdown, through the real PaperBot and the loopback fake Discord.

* A 503 (or another 5xx discord.py gives up on at once) is retried with backoff for every send: free-text
  replies, the publisher's posts, uploads — as slash-command replies already are by discord.py itself.
* A shutdown stops taking new work, lets the replies in flight finish (bounded), then closes.

Retries here wait milliseconds (`FAST_RETRY`); the schedule itself is the bot's default.
"""

from __future__ import annotations

import asyncio
import io
import logging

import discord
import pytest

from bot.app import App
from bot.discord_adapter.client import PaperBot
from bot.discord_adapter.publisher import DiscordPublisher
from bot.discord_adapter.retry import RetryPolicy
from bot.discord_adapter.shutdown import RESTARTING
from bot.serve import build_client
from tests.fake_discord import SERVICE_UNAVAILABLE, BotRunner, FakeDiscord, Reply

from .test_freetext import MESSAGES, QUESTION, mention, reply_to
from .test_freetext_support import assert_all_quiet

FAST_RETRY = RetryPolicy(delays=(0.01, 0.02, 0.03, 0.04))
WEBHOOK_POSTS = r"/webhooks/\d+/[^/]+"


@pytest.fixture
async def bot(fake_discord: FakeDiscord, bot_runner: BotRunner, app: App) -> PaperBot:
    """The real PaperBot, retrying transient errors after milliseconds; its ERROR logs fail the test."""
    fake_discord.error_logger_prefixes = (*fake_discord.error_logger_prefixes, "paperbot")
    client = build_client(app, scheduler_paused=True, retry=FAST_RETRY)
    await bot_runner.start(client)
    return client


def warnings_about(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and text in r.getMessage()]


# --- transient errors --------------------------------------------------------------------------------------


async def test_a_503_on_a_free_text_reply_is_retried_and_the_answer_arrives(
    bot: PaperBot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    injection = fake_discord.fail_next("POST", MESSAGES, SERVICE_UNAVAILABLE)
    sent = await mention(fake_discord, "general", QUESTION)
    refused = await reply_to(fake_discord, sent)
    retried = await reply_to(fake_discord, sent)
    assert (refused.status, retried.status) == (503, 200)
    assert retried.json == refused.json
    assert retried.json["embeds"][0]["title"] == QUESTION
    assert len(injection.hits) == 1
    assert len(warnings_about(caplog, "503")) == 1
    assert_all_quiet(fake_discord)


async def test_a_503_on_a_published_post_is_retried(bot: PaperBot, fake_discord: FakeDiscord) -> None:
    general = fake_discord.channel("general")
    fake_discord.fail_next("POST", rf"/channels/{general.id}/messages", SERVICE_UNAVAILABLE, times=2)
    await DiscordPublisher(bot).notify_admins(general.id, "The paper of the day is paused.")
    sends = fake_discord.find_requests("POST", rf"/channels/{general.id}/messages")
    assert [r.status for r in sends] == [503, 503, 200]
    assert sends[-1].json["content"] == "The paper of the day is paused."


async def test_an_upload_retried_after_a_503_sends_the_whole_file_again(
    bot: PaperBot, fake_discord: FakeDiscord
) -> None:
    general = fake_discord.channel("general")
    fake_discord.fail_next("POST", rf"/channels/{general.id}/messages", SERVICE_UNAVAILABLE)
    data = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    await bot.get_partial_messageable(general.id).send(
        file=discord.File(io.BytesIO(data), filename="reading-group.ics"),
        allowed_mentions=discord.AllowedMentions.none(),
    )
    sends = fake_discord.find_requests("POST", rf"/channels/{general.id}/messages")
    assert [r.status for r in sends] == [503, 200]
    assert [[f.data for f in r.files] for r in sends] == [[data], [data]]


async def test_a_reply_discord_keeps_refusing_is_given_up_with_one_warning_and_the_bot_carries_on(
    bot: PaperBot, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    attempts = 1 + len(FAST_RETRY.delays)
    fake_discord.fail_next("POST", MESSAGES, SERVICE_UNAVAILABLE, times=attempts)
    sent = await mention(fake_discord, "general", QUESTION)
    for _ in range(attempts):
        assert (await reply_to(fake_discord, sent)).status == 503
    await fake_discord.wait_until(
        lambda: warnings_about(caplog, "could not reply in #general") or None, what="the give-up warning"
    )
    [gave_up] = warnings_about(caplog, "could not reply in #general")
    assert "503 Service Unavailable" in gave_up
    assert len(warnings_about(caplog, "retrying")) == len(FAST_RETRY.delays)
    assert (await reply_to(fake_discord, await mention(fake_discord, "general", QUESTION))).status == 200


async def test_a_503_on_a_slash_command_follow_up_is_retried_too(
    bot: PaperBot, fake_discord: FakeDiscord
) -> None:
    """discord.py's webhook client retries these itself (one second later): the same promise holds."""
    fake_discord.fail_next("POST", WEBHOOK_POSTS, SERVICE_UNAVAILABLE)
    handle = await fake_discord.invoke_slash("ask", {"question": QUESTION}, user="bob")
    reply = await handle.reply(within=10)
    assert reply.embed is not None
    assert reply.embed["title"] == QUESTION
    assert [r.status for r in fake_discord.find_requests("POST", WEBHOOK_POSTS)] == [503, 200]


# --- shutdown ----------------------------------------------------------------------------------------------


def button(reply: Reply, label: str) -> str:
    return str(next(b["custom_id"] for b in reply.buttons() if b.get("label") == label))


async def test_a_shutdown_finishes_the_replies_in_flight_and_meanwhile_refuses_new_work_politely(
    bot: PaperBot, bot_runner: BotRunner, fake_discord: FakeDiscord
) -> None:
    card = await (await fake_discord.invoke_slash("random", user="bob")).reply()
    results = await (await fake_discord.invoke_slash("search", {"query": "learning"}, user="bob")).reply()
    in_flight = fake_discord.hold_next("POST", MESSAGES)
    question = await mention(fake_discord, "general", QUESTION)
    await fake_discord.wait_until(lambda: in_flight.held or None, what="the answer on its way")

    bot_runner.expect_close(bot)
    stopping = asyncio.create_task(bot.shutdown())
    await fake_discord.wait_until(lambda: (not bot.in_flight.admitting) or None, what="the shutdown")

    notice = await reply_to(fake_discord, await mention(fake_discord, "papers", QUESTION, author="bob"))
    assert notice.json["content"] == RESTARTING
    refusals = [
        await (await fake_discord.invoke_slash("random", user="alice")).reply(),
        await (await fake_discord.click(card, button(card, "Similar papers"), user="alice")).reply(),
        await (await fake_discord.click(results, button(results, "Next"), user="bob")).reply(),
    ]
    assert [(r.content, r.ephemeral) for r in refusals] == [(RESTARTING, True)] * 3
    assert not stopping.done()  # still waiting for the answer in flight

    in_flight.release()
    await asyncio.wait_for(stopping, 10)
    answer = await reply_to(fake_discord, question)
    assert (answer.status, answer.json["embeds"][0]["title"]) == (200, QUESTION)
    assert bot.is_closed()
    assert_all_quiet(fake_discord)


async def test_a_reply_still_unfinished_after_the_grace_is_cancelled_with_one_warning_and_no_error(
    bot: PaperBot, bot_runner: BotRunner, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    stuck = fake_discord.hold_next("POST", WEBHOOK_POSTS)  # Discord never answers this follow-up
    await fake_discord.invoke_slash("ask", {"question": QUESTION}, user="bob")
    await fake_discord.wait_until(lambda: stuck.held or None, what="the follow-up on its way")

    bot_runner.expect_close(bot)
    await asyncio.wait_for(bot.shutdown(grace=0.2), 10)
    assert bot.is_closed()
    assert warnings_about(caplog, "shutting down") == [
        "shutting down: cancelled 1 reply still unfinished after 0.2 s"
    ]
    # no ERROR line (the fixture checks) and no traceback for the cancelled reply
    assert not [r for r in caplog.records if r.exc_info and r.name.startswith(("paperbot", "discord"))]


async def test_a_shutdown_lets_a_scheduled_post_on_its_way_finish(
    fake_discord: FakeDiscord, bot_runner: BotRunner, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.error_logger_prefixes = (*fake_discord.error_logger_prefixes, "paperbot", "apscheduler")
    bot = build_client(app, retry=FAST_RETRY)  # the scheduler runs: the job below fires at once
    await bot_runner.start(bot)
    general = fake_discord.channel("general")
    on_its_way = fake_discord.hold_next("POST", rf"/channels/{general.id}/messages")

    async def post() -> None:
        await DiscordPublisher(bot).notify_admins(general.id, "A scheduled notice.")

    bot.schedules.scheduler.add_job(post, id="test-post")
    await fake_discord.wait_until(lambda: on_its_way.held or None, what="the scheduled post on its way")

    bot_runner.expect_close(bot)
    stopping = asyncio.create_task(bot.shutdown())
    await fake_discord.wait_until(lambda: (not bot.in_flight.admitting) or None, what="the shutdown")
    assert bot.in_flight.jobs == 1
    on_its_way.release()
    await asyncio.wait_for(stopping, 10)
    [posted] = on_its_way.held
    assert (posted.status, posted.json["content"]) == (200, "A scheduled notice.")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
