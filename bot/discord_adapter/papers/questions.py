"""Free-text questions: a mention, a DM, or any message in an ask channel is answered like /ask.

In a server the answer is a reply, and a confident answer opens a public thread on it (named after the
question) where follow-ups — "more", "the second one", "similar to [2]", "only ones with code" — are
read with the conversation in mind (`bot.conversation`). Where no thread can be opened (a DM, or no
Create Public Threads permission) the bot just replies; in a DM the whole DM is the conversation, and in
a channel a reply to the bot's answer continues it.

Conversations live in memory only: the most recent `MEMORY_CAPACITY` threads/DMs, least recently used
forgotten first, all forgotten on restart (a follow-up then gets a short "ask again").

Which messages are answered:
  * never a bot's (paperbot's own included) or a webhook's;
  * a DM, or a message that mentions the bot (or its role) — a bare mention gets a short help;
  * without a mention: a message in a conversation thread the bot opened for an answer, a reply to one
    of its answers, or a message in an ask channel (`/config ask-channels`) or a thread inside one.
    Other threads the bot opened (reading-group sessions) are left to people. A conversation the bot
    forgot (restart) needs a mention again. Without the Message Content intent Discord sends these
    messages with empty text; they are ignored, mentions still work.

While the bot shuts down, an addressed message gets a short "I'm restarting" reply; answers already
being worked on are finished first (`shutdown.py`).

Control characters (ESC sequences, NUL, bidi overrides) are stripped from the text before anything else
(`bot.safetext`). Everything is sent as a reply with no pings at all (`allowed_mentions` parse nothing,
no reply ping), so a question containing @everyone or a role mention echoes harmlessly. A user error
becomes a short reply; any other error a short apology plus an operator log line naming channel, server
and cause. A reply Discord refuses (missing access/permission) is logged once per channel with what to
fix.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import aiohttp
import discord
from discord.ext import commands

from bot.conversation import (
    AnswerReply,
    Conversation,
    ConversationMemory,
    ListReply,
    NoticeReply,
    PaperReply,
    Reply,
    reply_text,
    respond,
)
from bot.discord_adapter.errors import APOLOGY
from bot.discord_adapter.interactions import NO_MENTIONS
from bot.discord_adapter.limits import CONTENT_MAX, THREAD_NAME_MAX, clip
from bot.discord_adapter.papers.embeds import REPLY_MORE, answer_embed, paper_embed, search_page_embed
from bot.discord_adapter.papers.views import AnswerView, PaperCardView, PaperView
from bot.discord_adapter.shutdown import RESTARTING
from bot.errors import UserError
from bot.safetext import strip_controls
from bot.search.index import PaperIndex
from bot.storage.guild_repo import GuildRepo

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = ["MEMORY_CAPACITY", "AskChannels", "QuestionsCog", "strip_mentions", "thread_name"]

log = logging.getLogger("paperbot.discord.questions")

MEMORY_CAPACITY = 500
"""Conversations (threads and DMs) kept in memory; the least recently used is forgotten first."""
THREAD_ARCHIVE_MINUTES: Final = 1440
SEND_ERRORS = (discord.HTTPException, aiohttp.ClientError, OSError)
"""What a send can raise: Discord refusing it, or the connection failing (after the retries, `retry.py`)."""

FOLLOW_UP_HINT = (
    "Follow up here{how}: **more** · **tell me about the second one** · **similar to [2]** · "
    "**only ones with code** · **from 2024** · **newer ones**"
)


def bare_mention_help(name: str) -> str:
    """The reply to a mention with no question."""
    return (
        f"Hi! Ask me about the group's papers, e.g. **@{name} what is self-distillation?** "
        "— or use `/ask`, `/search` and `/paper`."
    )


def strip_mentions(content: str, user_id: int, role_id: int | None = None) -> str:
    """The message without mentions of the bot (user `<@id>`/`<@!id>` or its role `<@&id>`)."""
    pattern = rf"<@!?{user_id}>" + (rf"|<@&{role_id}>" if role_id is not None else "")
    return " ".join(re.sub(pattern, " ", content).split())


def thread_name(question: str) -> str:
    """A thread name from the question: one line, at most 100 characters, never empty."""
    return clip(" ".join(question.split()), THREAD_NAME_MAX) or "Question"


class AskChannels:
    """The ask channels of each server, cached so a busy channel doesn't query the database per message.

    The admin cog calls `forget(guild_id)` after changing them.
    """

    def __init__(self, repo: GuildRepo) -> None:
        self._repo = repo
        self._cache: dict[int, frozenset[int]] = {}

    async def of(self, guild_id: int) -> frozenset[int]:
        """The ask-channel ids of the server."""
        cached = self._cache.get(guild_id)
        if cached is None:
            cached = frozenset((await self._repo.get(guild_id)).ask_channel_ids)
            self._cache[guild_id] = cached
        return cached

    def forget(self, guild_id: int) -> None:
        """Drop the cached list; the next message reads it again."""
        self._cache.pop(guild_id, None)


@dataclass(frozen=True)
class Incoming:
    """A message addressed to the bot: the question text and the conversation it belongs to (if any)."""

    text: str
    key: int | None


@dataclass
class Outgoing:
    """What to send for a reply: content and/or one embed, and an optional view."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: PaperView | None = None


def render(reply: Reply, index: PaperIndex, *, embeds: bool) -> Outgoing:
    """A core reply as Discord content: the /ask embeds where allowed, plain text otherwise (without
    buttons: what an answer leaves out is one "more" away, which it says instead of the terminal's way)."""
    if isinstance(reply, NoticeReply):
        return Outgoing(content=clip(reply.text, CONTENT_MAX))
    if not embeds:
        plain = reply.answer.render_text(REPLY_MORE) if isinstance(reply, AnswerReply) else reply_text(reply)
        return Outgoing(content=clip(plain, CONTENT_MAX))
    if isinstance(reply, AnswerReply):
        view = AnswerView(index, reply.question, reply.answer)
        embed = answer_embed(reply.answer, question=reply.question, follow_up=True)
        return Outgoing(embed=embed, view=view if view.children else None)
    if isinstance(reply, PaperReply):
        return Outgoing(embed=paper_embed(reply.paper), view=PaperCardView(index, reply.paper))
    assert isinstance(reply, ListReply)
    return Outgoing(embed=search_page_embed(reply.results, reply.page, reply.pages, label=reply.label))


def where(message: discord.Message) -> str:
    """'#general (channel 1) in server Lab (2)' or 'DM with user 3', for operator logs."""
    channel = message.channel
    if message.guild is None:
        return f"DM with user {message.author.id}"
    name = getattr(channel, "name", None) or "?"
    return f"#{name} (channel {channel.id}) in server {message.guild.name} ({message.guild.id})"


class QuestionsCog(commands.Cog, name="Questions"):
    """Answers free-text questions and their follow-ups."""

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot
        self.memory: ConversationMemory[int, Conversation] = ConversationMemory(MEMORY_CAPACITY)
        self.ask_channels = AskChannels(bot.app.guilds)
        self._warned: set[tuple[int, str]] = set()

    # --- which messages --------------------------------------------------------------------------

    def _role_id(self, message: discord.Message) -> int | None:
        role = message.guild.self_role if message.guild is not None else None
        return role.id if role is not None else None

    def _mentions_me(self, message: discord.Message, me: discord.ClientUser) -> bool:
        if any(user.id == me.id for user in message.mentions):
            return True
        role_id = self._role_id(message)
        return role_id is not None and any(role.id == role_id for role in message.role_mentions)

    async def incoming(self, message: discord.Message) -> Incoming | None:
        """The question in `message` if it is addressed to the bot (see the module docstring), else None."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return None
        text = strip_mentions(strip_controls(message.content), me.id, self._role_id(message))
        channel = message.channel
        if message.guild is None:
            return Incoming(text, channel.id)
        thread = channel if isinstance(channel, discord.Thread) else None
        key: int | None = thread.id if thread is not None else None
        reference = message.reference.message_id if message.reference is not None else None
        if thread is None and reference is not None and reference in self.memory:
            key = reference
        if self._mentions_me(message, me):
            return Incoming(text, key)
        if not re.search(r"\w", text):  # no Message Content intent, an attachment, or just "👍"
            return None
        if key is not None and key in self.memory and (thread is None or thread.owner_id == me.id):
            return Incoming(text, key)  # a conversation thread we opened, or a reply to one of our answers
        ask = await self.ask_channels.of(message.guild.id)
        if channel.id in ask or (thread is not None and thread.parent_id in ask):
            return Incoming(text, key)
        return None

    # --- answering -------------------------------------------------------------------------------

    @commands.Cog.listener("on_message")
    async def on_message(self, message: discord.Message) -> None:
        """Answer the message if it is addressed to the bot; never raise (discord.py would only log it)."""
        try:
            incoming = await self.incoming(message)
            if incoming is None:
                return
            if not self.bot.in_flight.admit():  # shutting down: a short notice instead of an answer
                await self.deliver(message, Outgoing(content=RESTARTING))
                return
            await self.answer(message, incoming)
        except Exception as exc:  # the last line of defence: log with context, never crash the listener
            if self.bot.is_closed():  # shutting down: the connection went away mid-answer, not a bug
                log.info("free-text message in %s interrupted by shutdown: %s", where(message), exc)
                return
            log.error(
                "free-text message in %s failed: %s: %s",
                where(message),
                type(exc).__name__,
                exc,
                exc_info=exc,
            )

    async def answer(self, message: discord.Message, incoming: Incoming) -> None:
        """Reply to one addressed message, keep the conversation, open a thread for a new answer."""
        if not incoming.text:
            name = self.bot.user.display_name if self.bot.user else "paperbot"
            await self.deliver(message, Outgoing(content=bare_mention_help(name)))
            return
        index = self.bot.app.library.index
        try:
            self.bot.app.ask_cooldown.hit(message.author.id)
            state = self.memory.get(incoming.key) if incoming.key is not None else None
            reply, new_state = await self.bot.app.offload(respond, index, state, incoming.text)
        except UserError as exc:
            log.info("free-text question in %s refused: %s", where(message), exc.message)
            await self.deliver(message, Outgoing(content=clip(exc.message, CONTENT_MAX)))
            return
        except Exception as exc:
            log.error(
                "free-text question in %s failed: %s: %s",
                where(message),
                type(exc).__name__,
                exc,
                exc_info=exc,
            )
            await self.deliver(message, Outgoing(content=APOLOGY))
            return
        if incoming.key is not None and new_state is not None:
            # Remember before sending: the user may follow up as soon as the reply shows.
            self.memory.put(incoming.key, new_state)
        sent = await self.deliver(message, render(reply, index, embeds=self._can_embed(message)))
        if sent is None:
            if incoming.key is not None and state is not None:
                self.memory.put(incoming.key, state)  # they never saw it: "more" should show it again
            return
        if incoming.key is None and new_state is not None:
            # A new conversation in a channel is keyed by the answer message, which is also its thread's id.
            self.memory.put(sent.id, new_state)
            if isinstance(reply, AnswerReply) and reply.answer.citations:
                await self._open_thread(message, sent, reply.question)

    def _can_embed(self, message: discord.Message) -> bool:
        channel = message.channel
        guild = message.guild
        if guild is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            return True
        return channel.permissions_for(guild.me).embed_links

    async def _open_thread(self, message: discord.Message, answer: discord.Message, question: str) -> None:
        """A public thread on the answer for follow-ups, if the bot may open one here."""
        channel = message.channel
        if not isinstance(channel, discord.TextChannel):
            return
        if not channel.permissions_for(channel.guild.me).create_public_threads:
            self._warn_once(
                channel.id,
                "threads",
                "cannot open a thread for follow-ups in %s: grant the bot "
                "Create Public Threads and Send Messages in Threads there",
                where(message),
            )
            return
        try:
            thread = await answer.create_thread(
                name=thread_name(question), auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except SEND_ERRORS as exc:
            self._delivery_failed(message, exc, "open a thread")
            return
        how = "" if self.bot.intents.message_content else " (mention me — I only see messages that do)"
        try:
            await thread.send(FOLLOW_UP_HINT.format(how=how), allowed_mentions=NO_MENTIONS)
        except SEND_ERRORS as exc:
            self._delivery_failed(message, exc, "post in the new thread")

    async def deliver(self, message: discord.Message, out: Outgoing) -> discord.Message | None:
        """Reply to `message` without pinging anyone; a refusal by Discord is logged, never raised."""
        kwargs: dict[str, Any] = {}
        if out.content is not None:
            kwargs["content"] = out.content
        if out.embed is not None:
            kwargs["embed"] = out.embed
        if out.view is not None:
            kwargs["view"] = out.view
        try:
            sent = await message.channel.send(
                reference=message.to_reference(fail_if_not_exists=False),
                mention_author=False,
                allowed_mentions=NO_MENTIONS,
                **kwargs,
            )
        except SEND_ERRORS as exc:
            self._delivery_failed(message, exc, "reply")
            return None
        if out.view is not None:
            out.view.message = sent
        return sent

    # --- operator logs ---------------------------------------------------------------------------

    def _delivery_failed(self, message: discord.Message, exc: Exception, action: str) -> None:
        if isinstance(exc, discord.Forbidden):
            fix = (
                "give the bot View Channel, Send Messages, Send Messages in Threads, Create Public Threads "
                "and Embed Links there, or remove the channel with /config ask-channels remove"
            )
            self._warn_once(
                message.channel.id,
                f"forbidden-{exc.code}",
                "cannot %s in %s: Discord refused (%s %s). To fix: %s",
                action,
                where(message),
                exc.code,
                exc.text or "missing permission",
                fix,
            )
            return
        log.warning("could not %s in %s: %s", action, where(message), exc)

    def _warn_once(self, channel_id: int, kind: str, msg: str, *args: object) -> None:
        """Log a problem the operator must fix once per channel, not on every message."""
        if (channel_id, kind) in self._warned:
            log.debug(msg, *args)
            return
        self._warned.add((channel_id, kind))
        log.warning(msg, *args)
