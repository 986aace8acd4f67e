"""Free-text questions end to end: mentions, DMs and ask channels answered like /ask, threads and
follow-ups, and what users notice when something goes wrong. Each test asserts what Discord receives."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.answer import answer_question
from bot.conversation import FOLLOW_UPS, NO_CONVERSATION, ConversationMemory, respond
from bot.discord_adapter.papers.embeds import REPLY_MORE, answer_embed, paper_embed
from bot.errors import CooldownError
from bot.library import Library
from bot.ratelimit import Cooldown
from bot.search.index import PaperIndex
from bot.storage.guild_repo import GuildSettings
from tests.fake_discord import MISSING_PERMISSIONS, FakeDiscord, FakeOverwrite, Perm, RecordedRequest
from tests.test_breakdowns import folded, said_groups

from .test_freetext_support import assert_all_quiet

QUESTION = "diffusion models"
"""Cites three of the ten papers on it in the bundled corpus: "the second one" and "more" have something to
show."""
MESSAGES = r"/channels/\d+/messages"


async def reply_to(fake: FakeDiscord, message: dict[str, Any], *, within: float = 5) -> RecordedRequest:
    """The bot's reply to `message` (the POST whose message_reference points at it)."""
    channel = message["channel_id"]

    def answers(request: RecordedRequest) -> bool:
        reference = (request.json or {}).get("message_reference") or {}
        return str(reference.get("message_id")) == message["id"]

    return await fake.wait_for_request("POST", rf"/channels/{channel}/messages", answers, within=within)


async def mention(fake: FakeDiscord, channel: str | int, text: str, author: str = "alice") -> dict[str, Any]:
    return await fake.send_message(channel, f"{fake.bot_user.mention} {text}", author=author)


async def reply_more(
    paperbot: Any, fake: FakeDiscord, channel: str, answer: RecordedRequest
) -> RecordedRequest:
    """Alice replies "more" to the bot's `answer` in `channel` (once the bot remembers it: a person reads
    before replying), and the bot's reply to that."""
    answer_id = int(answer.response["id"])
    memory = paperbot.get_cog("Questions").memory
    await fake.wait_until(lambda: answer_id in memory or None)
    follow = await fake.send_message(
        channel, "more", author="alice", reference=answer_id, mention_author=False
    )
    return await reply_to(fake, follow)


async def ask_and_open_thread(fake: FakeDiscord, question: str = QUESTION) -> tuple[RecordedRequest, int]:
    """Mention the bot in #general; return its answer and the id of the thread opened on it."""
    answer = await reply_to(fake, await mention(fake, "general", question))
    await fake.wait_for_request("POST", rf"/channels/\d+/messages/{answer.response['id']}/threads")
    return answer, int(answer.response["id"])


def sources(request: RecordedRequest) -> list[str]:
    return [line for line in request.json["embeds"][0]["description"].splitlines() if line.startswith("**[")]


# --- what gets answered ----------------------------------------------------------------------------------


async def test_a_mention_is_answered_like_ask_as_a_quiet_reply(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    sent = await mention(fake_discord, "general", f"  {QUESTION}  ")
    request = await reply_to(fake_discord, sent)
    answer = answer_question(bundled_index, QUESTION)
    expected = answer_embed(answer, question=QUESTION)
    assert request.json["embeds"] == [expected.to_dict()]  # the mention is stripped from the question
    assert request.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert answer.more == bundled_index.search(QUESTION, limit=100).total - 3 > 0
    assert [b["label"] for b in request.json["components"][0]["components"]] == [
        f"{answer.more} more",  # the papers on it that the answer did not cite
        "Similar papers",
    ]
    assert len(sources(request)) == 3
    assert assert_all_quiet(fake_discord) >= 1


async def test_an_answer_opens_a_thread_named_after_the_question_with_a_hint(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    answer = await reply_to(fake_discord, await mention(fake_discord, "general", QUESTION))
    thread = await fake_discord.wait_for_request(
        "POST", rf"/channels/{fake_discord.channel('general').id}/messages/{answer.response['id']}/threads"
    )
    assert thread.json["name"] == QUESTION
    hint = await fake_discord.wait_for_bot_message(int(answer.response["id"]))
    assert hint.content.startswith("Follow up here: **more** · **tell me about the second one**")
    assert_all_quiet(fake_discord)


async def test_a_long_question_names_its_thread_in_100_characters(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    question = "state space models " + "and selective scans " * 10
    answer = await reply_to(fake_discord, await mention(fake_discord, "general", question))
    thread = await fake_discord.wait_for_request(
        "POST", rf"/channels/\d+/messages/{answer.response['id']}/threads"
    )
    assert len(thread.json["name"]) <= 100
    assert thread.json["name"].startswith("state space models and selective scans")
    assert thread.json["name"].endswith("…")


async def test_a_dm_is_answered_without_a_thread_and_follow_ups_work_there(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    first = await fake_discord.send_dm(QUESTION, author="bob")
    answer = await reply_to(fake_discord, first)
    assert len(sources(answer)) == 3
    more = await reply_to(fake_discord, await fake_discord.send_dm("more", author="bob"))
    assert more.json["embeds"][0]["title"] == f"Search: more for “{QUESTION}”"
    await fake_discord.settle()
    assert fake_discord.find_requests("POST", r"/channels/\d+/messages/\d+/threads") == []
    assert_all_quiet(fake_discord)


async def test_mentioning_the_bots_role_counts_as_a_mention(paperbot: Any, fake_discord: FakeDiscord) -> None:
    role = fake_discord.guild.role("Fake Bot")
    sent = await fake_discord.send_message("general", f"{role.mention} {QUESTION}", author="alice")
    assert (await reply_to(fake_discord, sent)).json["embeds"][0]["title"] == QUESTION


async def test_a_bare_mention_gets_a_short_help(paperbot: Any, fake_discord: FakeDiscord) -> None:
    request = await reply_to(
        fake_discord, await fake_discord.send_message("general", fake_discord.bot_user.mention)
    )
    assert request.json["content"].startswith("Hi! Ask me about the group's papers, e.g. **@Fake Bot ")
    assert "embeds" not in request.json or request.json["embeds"] == []


async def test_plain_messages_and_other_bots_are_ignored(paperbot: Any, fake_discord: FakeDiscord) -> None:
    robot = fake_discord.new_user("otherbot", global_name="Other Bot", bot=True)
    fake_discord.guild.add_member(robot)
    await fake_discord.send_message("general", "state space models, anyone?", author="alice")
    await mention(fake_discord, "general", QUESTION, author="otherbot")
    await fake_discord.settle(0.2)
    assert fake_discord.find_requests("POST", MESSAGES) == []


async def test_the_bot_never_answers_its_own_messages(paperbot: Any, fake_discord: FakeDiscord) -> None:
    await ask_and_open_thread(fake_discord)
    await fake_discord.settle(0.2)
    # the answer and the thread hint, each echoed back as MESSAGE_CREATE, and nothing more
    assert len(fake_discord.find_requests("POST", MESSAGES)) == 2


async def test_every_message_in_an_ask_channel_is_a_question(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    papers = fake_discord.channel("papers")
    await paperbot.app.guilds.save(GuildSettings(fake_discord.guild.id, ask_channel_ids=(papers.id,)))
    answer = await reply_to(fake_discord, await fake_discord.send_message("papers", QUESTION, author="bob"))
    expected = answer_embed(answer_question(bundled_index, QUESTION), question=QUESTION)
    assert answer.json["embeds"] == [expected.to_dict()]
    await fake_discord.send_message("papers", "👍", author="alice")  # a reaction-like message: no help spam
    await fake_discord.send_message("general", QUESTION, author="bob")  # not an ask channel
    await fake_discord.settle(0.2)
    assert [r.path for r in fake_discord.find_requests("POST", MESSAGES)] == [
        f"/channels/{papers.id}/messages",
        f"/channels/{answer.response['id']}/messages",  # the hint in the new thread
    ]


# --- follow-ups in the thread ----------------------------------------------------------------------------


async def test_follow_ups_in_the_thread_use_the_conversation(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    _, thread = await ask_and_open_thread(fake_discord)
    _, state = respond(bundled_index, None, QUESTION)

    second = await reply_to(
        fake_discord, await fake_discord.send_message(thread, "tell me about the second one")
    )
    assert state is not None
    assert second.json["embeds"] == [paper_embed(bundled_index.get(state.shown[1])).to_dict()]

    more = await reply_to(fake_discord, await fake_discord.send_message(thread, "more"))
    assert more.json["embeds"][0]["title"] == f"Search: more for “{QUESTION}”"
    assert more.json["embeds"][0]["description"].startswith("**1.** ")
    assert not set(state.shown) & set(more.json["embeds"][0]["description"].split("`"))

    similar = await reply_to(fake_discord, await fake_discord.send_message(thread, "similar to [2]"))
    assert similar.json["embeds"][0]["title"].startswith("Search: papers like “")

    coded = await reply_to(fake_discord, await fake_discord.send_message(thread, "only ones with code"))
    listed = [
        line.split("`")[1] for line in coded.json["embeds"][0]["description"].splitlines() if "`" in line
    ]
    assert listed
    assert all(bundled_index.get(pid).has_code for pid in listed)
    assert coded.json["embeds"][0]["title"].endswith("· with code")
    assert_all_quiet(fake_discord)


async def test_a_number_that_was_not_listed_is_explained(paperbot: Any, fake_discord: FakeDiscord) -> None:
    _, thread = await ask_and_open_thread(fake_discord)
    request = await reply_to(fake_discord, await fake_discord.send_message(thread, "what about 9?"))
    assert request.json["content"] == "There's no [9] — pick a number from 1 to 3."


async def test_help_in_a_thread(paperbot: Any, fake_discord: FakeDiscord) -> None:
    _, thread = await ask_and_open_thread(fake_discord)
    request = await reply_to(fake_discord, await fake_discord.send_message(thread, "help"))
    assert FOLLOW_UPS in request.json["content"]


async def test_a_forgotten_conversation_asks_to_start_again(paperbot: Any, fake_discord: FakeDiscord) -> None:
    _, thread = await ask_and_open_thread(fake_discord)
    paperbot.get_cog("Questions").memory = ConversationMemory()  # as after a restart
    request = await reply_to(fake_discord, await mention(fake_discord, thread, "more"))
    assert request.json["content"] == NO_CONVERSATION


async def test_other_threads_the_bot_opened_are_left_to_people(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    """e.g. a reading-group session's discussion thread: only a mention gets an answer there."""
    _, thread = await ask_and_open_thread(fake_discord)
    await fake_discord.wait_for_request("POST", rf"/channels/{thread}/messages")  # the hint
    paperbot.get_cog("Questions").memory = ConversationMemory()  # not (or no longer) a conversation
    await fake_discord.send_message(thread, "I think section 3 is the key part", author="bob")
    await fake_discord.settle(0.2)
    assert fake_discord.find_requests("POST", rf"/channels/{thread}/messages")[1:] == []


async def test_without_thread_permission_it_just_replies_and_a_reply_continues(
    paperbot: Any, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    papers = fake_discord.channel("papers")
    bot_role = fake_discord.guild.role("Fake Bot")
    papers.overwrites.append(FakeOverwrite.for_role(bot_role, deny=Perm.CREATE_PUBLIC_THREADS))
    await fake_discord.sync_channel(papers)
    await fake_discord.wait_until(
        lambda: (
            not paperbot.get_channel(papers.id)
            .permissions_for(paperbot.get_guild(fake_discord.guild.id).me)
            .create_public_threads
            or None
        )
    )
    answer = await reply_to(fake_discord, await mention(fake_discord, "papers", QUESTION))
    more = await reply_more(paperbot, fake_discord, "papers", answer)
    assert more.json["embeds"][0]["title"] == f"Search: more for “{QUESTION}”"
    await mention(fake_discord, "papers", "curse of depth")
    await fake_discord.settle(0.2)
    assert fake_discord.find_requests("POST", r"/channels/\d+/messages/\d+/threads") == []
    warnings = [r.getMessage() for r in caplog.records if "cannot open a thread" in r.getMessage()]
    assert len(warnings) == 1
    assert "Create Public Threads" in warnings[0]


# --- what users and admins expect ------------------------------------------------------------------------


async def test_everyone_and_role_pings_in_a_question_echo_harmlessly(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    moderator = fake_discord.guild.role("Moderator")
    question = f"@everyone {moderator.mention} {QUESTION}"
    sent = await mention(fake_discord, "general", question)
    request = await reply_to(fake_discord, sent)
    assert request.json["embeds"][0]["title"] == question
    stored = fake_discord.messages[int(request.response["id"])]
    assert stored["mention_everyone"] is False
    assert stored["mention_roles"] == []
    assert stored["mentions"] == []
    await fake_discord.settle()
    assert assert_all_quiet(fake_discord) >= 1


async def test_the_cooldown_refuses_with_the_wait_and_no_answer(
    paperbot: Any, fake_discord: FakeDiscord, clock: Any
) -> None:
    paperbot.app.ask_cooldown = Cooldown(1, 30, clock)
    await reply_to(fake_discord, await mention(fake_discord, "general", QUESTION))
    refused = await reply_to(fake_discord, await mention(fake_discord, "general", "curse of depth"))
    assert refused.json["content"] == CooldownError(30).message
    assert "embeds" not in refused.json or refused.json["embeds"] == []


async def test_without_embed_permission_the_answer_is_plain_text(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    """The terminal's text, saying how to see the rest the Discord way (there are no buttons here)."""
    request = await reply_to(fake_discord, await mention(fake_discord, "no-embeds", QUESTION))
    answer = answer_question(bundled_index, QUESTION)
    assert answer.more > 0
    assert request.json["content"] == answer.render_text(REPLY_MORE)
    assert "paperbot ask" not in request.json["content"]
    assert request.json.get("embeds") in (None, [])
    assert request.json.get("components") in (None, [])
    assert request.status == 200


async def test_a_breakdown_by_mention_offers_its_button_and_a_reply_of_more_names_everyone(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    """In a channel, a breakdown that leaves people out says how to see them the Discord way — its *N more*
    button, or replying "more" (it opens no thread: it cites no paper) — and replying "more" names all."""
    people = {folded(a) for p in bundled_index.papers for a in p.authors}
    answer = await reply_to(fake_discord, await mention(fake_discord, "general", "list all the authors"))
    description = answer.json["embeds"][0]["description"]
    left_out = len(people) - len(said_groups(description))
    assert left_out > 0
    buttons = [c for row in answer.json["components"] for c in row["components"]]
    assert [(b["custom_id"], b["label"]) for b in buttons] == [("pb:ask:groups", f"{left_out} more")]
    assert f"{left_out} more" in description
    assert REPLY_MORE in description
    assert "paperbot ask" not in description

    more = await reply_more(paperbot, fake_discord, "general", answer)
    assert set(said_groups(more.json["embeds"][0]["description"])) == people
    assert_all_quiet(fake_discord)


async def test_without_embed_permission_a_breakdown_says_to_reply_more_not_to_run_a_command(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    people = {folded(a) for p in bundled_index.papers for a in p.authors}
    request = await reply_to(fake_discord, await mention(fake_discord, "no-embeds", "list all the authors"))
    content = request.json["content"]
    left_out = len(people) - len(said_groups(content))
    assert left_out > 0
    assert f"{left_out} more: {REPLY_MORE}" in content
    assert "paperbot ask" not in content
    assert "--all" not in content


class ExplodingIndex:
    """An index whose every use fails, as a corrupt one would."""

    papers = ()

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("the index file is corrupt")


async def test_an_internal_error_is_a_short_apology_and_one_operator_log_line(
    paperbot: Any, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture, clock: Any
) -> None:
    fake_discord.allow_error_log(r"free-text question in .* failed")
    paperbot.app.library = Library.from_papers(ExplodingIndex(), clock)  # type: ignore[arg-type]
    request = await reply_to(fake_discord, await mention(fake_discord, "general", QUESTION))
    assert request.json["content"].startswith("Sorry — something went wrong on my side.")
    assert "Traceback" not in request.json["content"]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name.startswith("paperbot")]
    assert len(errors) == 1
    general = fake_discord.channel("general")
    server = f"server Fake Guild ({fake_discord.guild.id})"
    assert errors[0].getMessage() == (
        f"free-text question in #general (channel {general.id}) in {server} "
        "failed: RuntimeError: the index file is corrupt"
    )


async def test_an_ask_channel_the_bot_cannot_post_in_is_logged_once_with_the_fix(
    paperbot: Any, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    read_only = fake_discord.channel("read-only")
    await paperbot.app.guilds.save(GuildSettings(fake_discord.guild.id, ask_channel_ids=(read_only.id,)))
    for text in (QUESTION, "curse of depth"):
        await fake_discord.send_message(read_only, text, author="owner")
        await fake_discord.wait_for_request("POST", rf"/channels/{read_only.id}/messages", status=403)
    warnings = [r.getMessage() for r in caplog.records if "cannot reply in #read-only" in r.getMessage()]
    assert len(warnings) == 1
    assert "(50013 Missing Permissions)" in warnings[0]
    assert "Send Messages" in warnings[0]
    assert "/config ask-channels remove" in warnings[0]
    # nothing crashed: the bot still answers elsewhere
    assert (await reply_to(fake_discord, await mention(fake_discord, "general", QUESTION))).status == 200


async def test_a_refused_reply_is_logged_and_the_next_one_goes_through(
    paperbot: Any, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.fail_next("POST", MESSAGES, MISSING_PERMISSIONS)
    first = await reply_to(fake_discord, await mention(fake_discord, "general", QUESTION))
    assert first.status == 403
    second = await reply_to(fake_discord, await mention(fake_discord, "general", QUESTION))
    assert second.status == 200
    assert any("cannot reply in #general" in r.getMessage() for r in caplog.records)


async def test_a_rate_limited_reply_is_retried_transparently(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    injection = fake_discord.rate_limit_next("POST", MESSAGES, retry_after=0.05)
    sent = await mention(fake_discord, "general", QUESTION)
    limited = await reply_to(fake_discord, sent)
    retried = await reply_to(fake_discord, sent)
    assert (limited.status, retried.status) == (429, 200)
    assert limited.json == retried.json
    assert len(injection.hits) == 1
