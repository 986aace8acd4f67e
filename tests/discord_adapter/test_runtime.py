"""How the bot runs: intents, start-up failures and exit codes, command sync, and the real entry point.

The last test runs `python -m bot run` as a subprocess against the fake, steered only by environment
variables, as an operator would run it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest

from bot import cli
from bot.app import App, open_app
from bot.clock import ManualClock
from bot.discord_adapter.client import MESSAGE_CONTENT_HELP
from bot.discord_adapter.shutdown import RESTARTING
from bot.library import Library
from bot.search.index import PaperIndex
from bot.serve import EXIT_CONFIG, EXIT_UNREACHABLE, build_client, serve
from bot.settings import DiscordSettings, Settings, StorageSettings
from bot.storage.guild_repo import GuildSettings
from tests.fake_discord import BotRunner, FakeDiscord

from .test_freetext import MESSAGES, QUESTION, mention, reply_to
from .test_freetext_support import assert_all_quiet

REPO = Path(__file__).resolve().parents[2]
WEBHOOK_POSTS = r"/webhooks/\d+/[^/]+"


def settings_for(tmp_path: Path, **discord: Any) -> Settings:
    return Settings(
        storage=StorageSettings(data_dir=tmp_path),
        discord=DiscordSettings(ask_cooldown_uses=1000, **discord),
    )


@pytest.fixture
async def quiet_app(tmp_path: Path, clock: ManualClock, bundled_index: PaperIndex) -> AsyncIterator[App]:
    """The core with Message Content turned off in the settings."""
    settings = settings_for(tmp_path, message_content=False)
    application = await open_app(settings, clock=clock, library=Library.from_papers(bundled_index, clock))
    try:
        yield application
    finally:
        await application.close()


# --- Message Content intent --------------------------------------------------------------------------------


async def test_without_message_content_mentions_dms_and_commands_still_work(
    fake_discord: FakeDiscord, bot_runner: BotRunner, quiet_app: App, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.error_logger_prefixes = (*fake_discord.error_logger_prefixes, "paperbot")
    client = build_client(quiet_app, scheduler_paused=True)
    await bot_runner.start(client)
    assert [r.getMessage() for r in caplog.records if "Message Content intent is off" in r.getMessage()] == [
        MESSAGE_CONTENT_HELP
    ]
    papers = fake_discord.channel("papers")
    await quiet_app.guilds.save(GuildSettings(fake_discord.guild.id, ask_channel_ids=(papers.id,)))

    answered = await reply_to(fake_discord, await mention(fake_discord, "papers", QUESTION))
    assert answered.json["embeds"][0]["title"] == QUESTION
    hint = await fake_discord.wait_for_request("POST", rf"/channels/{answered.response['id']}/messages")
    assert "(mention me — I only see messages that do)" in hint.json["content"]
    assert (await reply_to(fake_discord, await fake_discord.send_dm(QUESTION))).status == 200
    slash = await (await fake_discord.invoke_slash("config ask-channels list", user="bob")).reply()
    assert "The Message Content intent is off" in slash.content

    # an ask-channel message without a mention arrives with empty content: nothing to answer
    before = len(fake_discord.find_requests("POST", r"/channels/\d+/messages"))
    await fake_discord.send_message("papers", QUESTION, author="bob")
    await fake_discord.settle(0.2)
    assert len(fake_discord.find_requests("POST", r"/channels/\d+/messages")) == before
    assert_all_quiet(fake_discord)


async def test_an_intent_the_portal_did_not_enable_stops_the_bot_with_the_fix(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.privileged_intents = 0  # Message Content not enabled in the developer portal
    code = await asyncio.wait_for(serve(settings_for(tmp_path), fake_discord.token), 10)
    assert code == EXIT_CONFIG
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and r.name == "paperbot"]
    assert len(errors) == 1
    assert errors[0].startswith(
        "Discord refused the Message Content intent. Either enable it in the Developer"
    )
    assert "PAPERBOT_DISCORD__MESSAGE_CONTENT=false" in errors[0]


# --- tokens ------------------------------------------------------------------------------------------------


async def test_a_bad_token_is_a_clear_error_and_a_failing_exit_code(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    code = await asyncio.wait_for(serve(settings_for(tmp_path), "not-the-token"), 10)
    assert code == EXIT_CONFIG
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and r.name == "paperbot"]
    assert errors == [
        "Discord rejected the bot token. Copy it again from the Developer Portal (Bot → Reset Token) "
        "into PAPERBOT_DISCORD__TOKEN or discord.token_file."
    ]
    assert not any("not-the-token" in r.getMessage() for r in caplog.records)


async def test_an_unreachable_discord_is_a_clear_error_with_its_own_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10")  # nothing listens there
    code = await asyncio.wait_for(serve(settings_for(tmp_path), "some-token"), 10)
    assert code == EXIT_UNREACHABLE
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and r.name == "paperbot"]
    assert len(errors) == 1
    assert errors[0].startswith("Cannot reach Discord at http://127.0.0.1:9/api/v10 (")
    assert "PAPERBOT_DISCORD__API_BASE" in errors[0]


def test_run_without_a_token_prints_the_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in list(os.environ):
        if name.startswith("PAPERBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no config.toml here
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("paperbot: No Discord token. Set the environment variable PAPERBOT_DISCORD__TOKEN")


# --- command sync ------------------------------------------------------------------------------------------


async def test_commands_sync_globally_by_default(paperbot: Any, fake_discord: FakeDiscord) -> None:
    app_id = fake_discord.application_id
    assert len(fake_discord.find_requests("PUT", f"/applications/{app_id}/commands")) == 1
    assert fake_discord.find_requests("PUT", rf"/applications/{app_id}/guilds/\d+/commands") == []
    assert {"ask", "config", "corpus"} <= {c["name"] for c in fake_discord.global_commands}


async def test_dev_guild_ids_sync_to_those_servers_only(
    fake_discord: FakeDiscord,
    bot_runner: BotRunner,
    tmp_path: Path,
    clock: ManualClock,
    bundled_index: PaperIndex,
) -> None:
    settings = settings_for(tmp_path, dev_guild_ids=[fake_discord.guild.id])
    app = await open_app(settings, clock=clock, library=Library.from_papers(bundled_index, clock))
    try:
        await bot_runner.start(build_client(app, scheduler_paused=True))
        app_id, guild_id = fake_discord.application_id, fake_discord.guild.id
        assert fake_discord.find_requests("PUT", f"/applications/{app_id}/commands") == []
        assert (
            len(fake_discord.find_requests("PUT", f"/applications/{app_id}/guilds/{guild_id}/commands")) == 1
        )
        assert fake_discord.global_commands == []
        assert {"ask", "config", "corpus"} <= {c["name"] for c in fake_discord.guild_commands[guild_id]}
        listed = await (await fake_discord.invoke_slash("config ask-channels list", user="bob")).reply()
        assert listed.content.startswith("No ask channels yet")
    finally:
        await bot_runner.aclose()
        await app.close()


# --- the real entry point ----------------------------------------------------------------------------------


class Process:
    """`python -m bot run` in a subprocess, steered only by environment variables, as an operator runs it."""

    def __init__(self, proc: asyncio.subprocess.Process, out: Path, err: Path) -> None:
        self.proc, self.out, self.err = proc, out, err

    @classmethod
    async def start(cls, fake: FakeDiscord, tmp_path: Path, *options: str, **env_vars: str) -> Process:
        """`python -m bot run *options` in `tmp_path`, with `env_vars` over the fake's settings."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
        env.update(
            PYTHONPATH=str(REPO),  # a checkout, not an installed package
            PAPERBOT_DISCORD__API_BASE=fake.api_base,
            PAPERBOT_DISCORD__GATEWAY_URL=fake.gateway_url,
            PAPERBOT_DISCORD__TOKEN=fake.token,
            PAPERBOT_STORAGE__DATA_DIR=str(tmp_path / "data"),
            **env_vars,
        )
        out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                *options,
                cwd=tmp_path,
                env=env,
                stdout=stdout,
                stderr=stderr,
            )
        return cls(proc, out, err)

    async def connected(self, fake: FakeDiscord) -> None:
        """Wait (bounded) until the bot has synced its commands and its gateway session is ready."""
        await fake.wait_for_request("PUT", r"/applications/\d+/commands", within=30)
        await fake.wait_until(lambda: fake.sessions or None, within=15, what="a gateway session")
        await fake.wait_for_gateway(event="GUILD_CREATE", direction="out", within=15)

    def logs(self) -> str:
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")

    async def stop(self, *, within: float = 20) -> int:
        """SIGTERM (unless it already exited) and the exit code; killed if it outlives `within`."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), within)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise


async def test_paperbot_run_as_a_subprocess_answers_then_exits_cleanly_on_sigterm(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake_discord.token = "bot-" + secrets.token_hex(24)  # a token we can look for in the output
    process = await Process.start(fake_discord, tmp_path)
    try:
        await process.connected(fake_discord)
        answer = await reply_to(fake_discord, await mention(fake_discord, "general", QUESTION), within=15)
        assert answer.json["embeds"][0]["title"] == QUESTION
        await fake_discord.wait_for_request(
            "POST", rf"/channels/{answer.response['id']}/messages"
        )  # thread hint
        handle = await fake_discord.invoke_slash("ask", {"question": QUESTION}, user="bob")
        slash = await handle.reply(within=15)
        assert slash.embed is not None
        assert slash.embed["description"] == answer.json["embeds"][0]["description"]
        assert_all_quiet(fake_discord)
    finally:
        code = await process.stop()
    logs = process.logs()
    assert code == 0, logs
    assert fake_discord.token not in logs
    assert " ERROR " not in logs
    # start-up says in one line where the database is and at which revision, and nothing an operator
    # cannot act on (Alembic's steps, missing voice libraries, the scheduler's job bookkeeping)
    about_database = [line for line in logs.splitlines() if "database" in line.lower()]
    assert len(about_database) == 1, logs
    assert re.search(
        r" INFO paperbot\.storage: database ready at \S+, revision \d{4} \(created\)$", about_database[0]
    )
    for noise in ("alembic", "voice will NOT be supported", "apscheduler"):
        assert noise not in logs, logs


async def test_sigterm_lets_the_replies_in_flight_finish_refuses_new_work_then_exits_cleanly(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    process = await Process.start(fake_discord, tmp_path, PAPERBOT_DISCORD__ASK_COOLDOWN_USES="1000")
    replies = fake_discord.hold_next("POST", MESSAGES, times=2)  # two answers stay "in flight"...
    follow_up = fake_discord.hold_next("POST", WEBHOOK_POSTS)  # ...and a deferred /ask ("thinking…")
    try:
        await process.connected(fake_discord)
        # (two channels: discord.py sends one message at a time per channel until it knows the rate limit)
        questions = [await mention(fake_discord, channel, QUESTION) for channel in ("general", "papers")]
        ask = await fake_discord.invoke_slash("ask", {"question": QUESTION}, user="bob")
        await fake_discord.wait_until(
            lambda: (len(replies.held), len(follow_up.held)) == (2, 1) or None, within=15, what="3 replies"
        )
        process.proc.send_signal(signal.SIGTERM)
        await fake_discord.wait_until(
            lambda: ("shutting down" in process.logs() or process.proc.returncode is not None) or None,
            within=15,
            what="the bot to start shutting down",
        )
        assert process.proc.returncode is None, process.logs()  # still finishing the replies

        # new work is refused politely while the replies finish
        late = await reply_to(fake_discord, await mention(fake_discord, "no-embeds", QUESTION, author="bob"))
        assert late.status == 200
        assert late.json["content"] == RESTARTING
        late_slash = await (await fake_discord.invoke_slash("search", {"query": "diffusion"})).reply()
        assert (late_slash.content, late_slash.ephemeral) == (RESTARTING, True)

        replies.release()
        follow_up.release()
        code = await asyncio.wait_for(process.proc.wait(), 20)
    finally:
        replies.release()
        follow_up.release()
        if process.proc.returncode is None:
            process.proc.kill()
            await process.proc.wait()
    logs = process.logs()
    assert code == 0, logs
    for message in questions:
        answer = await reply_to(fake_discord, message)
        assert (answer.status, answer.json["embeds"][0]["title"]) == (200, QUESTION)
    answered = await ask.reply()  # not left on "thinking…"
    assert answered.embed is not None
    assert answered.embed["title"] == QUESTION
    assert [r.status for r in follow_up.held] == [200]
    for bad in (" ERROR ", "Traceback", "Task exception was never retrieved", "Unclosed"):
        assert bad not in logs, logs
    assert_all_quiet(fake_discord)
