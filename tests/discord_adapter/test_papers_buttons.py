"""End to end: the buttons and selects under answers, search pages and paper cards, their timeouts, and
the persistent paper buttons that outlive both timeouts and restarts."""

from __future__ import annotations

from typing import Any

import pytest

from bot.answer import answer_question
from bot.app import App
from bot.corpus.text import readable_abstract, readable_text
from bot.discord_adapter.papers.views import PaperView
from bot.search.index import PaperIndex
from tests.fake_discord import BotRunner, FakeDiscord, InteractionHandle, Reply

from .test_papers_commands import EPHEMERAL, RANDOM_TEACHER, assert_no_pings, run, source_lines

LONG_ABSTRACT = "cosmological-n-body-simulations-a-challenge-for-scalable"
TEACHERS = "random-teachers-are-good-teachers"
NOT_YOURS = "Only the person who searched can page — run /search yourself."


async def click(
    fake: FakeDiscord, message: Reply, custom_id: str, **kw: Any
) -> tuple[InteractionHandle, Reply]:
    """Click a component, check the bot pinged nobody, and return the interaction and its visible reply."""
    handle = await fake.click(message, custom_id, **kw)
    reply = await handle.reply()
    await assert_no_pings(fake, handle)
    return handle, reply


def ids_on_page(reply: Reply) -> list[str]:
    """The paper ids listed on a search page, in order."""
    description = (reply.embed or {}).get("description", "")
    return [line.rsplit("`", 2)[1] for line in description.splitlines() if line.endswith("`")]


# --- under an answer ------------------------------------------------------------------------------


async def test_show_abstract_of_a_cited_paper_is_private(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    answer = await run(fake_discord, "ask", {"question": "state space models"})
    cited = answer_question(bundled_index, "state space models").citations[1].paper
    _, reply = await click(fake_discord, answer, "pb:ask:abstract", values=["2"], user="bob")
    assert reply.flags & EPHEMERAL
    assert reply.embed is not None
    assert reply.embed["title"] == cited.title
    assert reply.embed["description"] == readable_abstract(cited.abstract)


async def test_more_results_pages_the_uncited_hits_privately(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    question = "language models"  # more uncited matches than a page holds
    answer = await run(fake_discord, "ask", {"question": question})
    cited = [c.paper.id for c in answer_question(bundled_index, question).citations]
    uncited = [h.paper.id for h in bundled_index.search(question, limit=100).hits if h.paper.id not in cited]

    _, page = await click(fake_discord, answer, "pb:ask:more", user="bob")
    assert page.ephemeral
    assert page.embed is not None
    assert len(uncited) > 5
    assert page.embed["title"] == "Search: more for “language models”"
    assert ids_on_page(page) == uncited[:5]
    assert page.embed["footer"]["text"] == f"{len(uncited)} papers · page 1/{-(-len(uncited) // 5)}"

    _, second = await click(fake_discord, page, "pb:search:next", user="bob")
    assert ids_on_page(second) == uncited[5:10]


async def test_another_under_a_random_paper_draws_each_match_once_privately(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    """ "A random paper by Noci", then *Another* until none is left: each of his papers once, then a
    reply that says they were all shown."""
    noci = bundled_index.papers_by_author("Lorenzo Noci")
    answer = await run(fake_discord, "ask", {"question": "a random paper by Noci"})
    assert answer.component("pb:ask:more")["label"] == "Another"
    drawn = next(p for p in noci if readable_text(p.title) in source_lines(answer)[0])
    assert answer.component(f"rg:propose:{drawn.id}")["label"] == "Propose for reading group"
    shown = source_lines(answer)
    for _ in range(len(noci) - 1):
        _, another = await click(fake_discord, answer, "pb:ask:more", user="bob")
        assert another.ephemeral
        shown += source_lines(another)
    assert len(shown) == len(noci)
    for paper in noci:  # every one of his papers, once
        assert sum(readable_text(paper.title) in line for line in shown) == 1, paper.title
    _, done = await click(fake_discord, answer, "pb:ask:more", user="bob")
    assert done.embed is not None
    assert f"every one of the {len(noci)} papers" in done.embed["description"]


async def test_similar_papers_under_an_answer_are_those_of_the_first_source(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    answer = await run(fake_discord, "ask", {"question": RANDOM_TEACHER})
    _, reply = await click(fake_discord, answer, f"paper:similar:{TEACHERS}")
    assert reply.ephemeral
    assert reply.embed is not None
    assert reply.embed["title"] == "Similar to: Random Teachers are Good Teachers"
    assert "`the-curious-case-of-benign-memorization`" in reply.embed["description"]


# --- search paging --------------------------------------------------------------------------------


async def test_next_and_previous_page_the_search(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    total = bundled_index.search("diffusion", limit=50).total
    assert 5 < total <= 10  # two pages
    first = await run(fake_discord, "search", {"query": "diffusion"}, user="alice")
    handle, second = await click(fake_discord, first, "pb:search:next", user="alice")
    assert handle.callback_type == 7  # the page itself is updated, no new message
    assert second.id == first.id
    assert second.embed is not None
    assert second.embed["footer"]["text"] == f"{total} papers · page 2/2"
    assert second.embed["description"].startswith("**6.** ")
    assert second.component("pb:search:next")["disabled"] is True
    _, back = await click(fake_discord, second, "pb:search:prev", user="alice")
    assert back.embed is not None
    assert back.embed["footer"]["text"] == f"{total} papers · page 1/2"
    assert ids_on_page(back) == ids_on_page(first)


async def test_only_the_searcher_can_page(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    total = bundled_index.search("diffusion", limit=50).total
    first = await run(fake_discord, "search", {"query": "diffusion"}, user="alice")
    handle, refusal = await click(fake_discord, first, "pb:search:next", user="bob")
    assert refusal.ephemeral
    assert refusal.content == NOT_YOURS
    assert handle.callback_type == 4
    unchanged = Reply(fake_discord.messages[first.id])
    assert unchanged.embed is not None
    assert unchanged.embed["footer"]["text"] == f"{total} papers · page 1/{-(-total // 5)}"


# --- under a paper card ---------------------------------------------------------------------------


async def test_card_with_a_trimmed_abstract_offers_the_whole_one(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    card = await run(fake_discord, "paper", {"paper": LONG_ABSTRACT})
    assert card.embed is not None
    assert card.embed["description"].endswith("…")
    assert [b["custom_id"] for b in card.buttons()] == [
        f"paper:abstract:{LONG_ABSTRACT}",
        f"paper:similar:{LONG_ABSTRACT}",
        f"rg:propose:{LONG_ABSTRACT}",
    ]
    _, reply = await click(fake_discord, card, f"paper:abstract:{LONG_ABSTRACT}", user="bob")
    assert reply.ephemeral
    assert reply.embed is not None
    assert reply.embed["description"] == readable_abstract(bundled_index.get(LONG_ABSTRACT).abstract)


async def test_card_similar_papers(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    card = await run(fake_discord, "paper", {"paper": TEACHERS})
    _, reply = await click(fake_discord, card, f"paper:similar:{TEACHERS}")
    assert reply.ephemeral
    assert reply.embed is not None
    assert reply.embed["title"] == "Similar to: Random Teachers are Good Teachers"
    description = reply.embed["description"]
    first = bundled_index.similar(TEACHERS, 1)[0].paper.id
    assert description.index(f"`{first}`") < description.index("**2.**")


async def test_a_card_s_buttons_still_work_after_the_bot_restarts(
    paperbot: Any, fake_discord: FakeDiscord, bot_runner: BotRunner, app: App, bundled_index: PaperIndex
) -> None:
    from bot.serve import build_client

    card = await run(fake_discord, "paper", {"paper": LONG_ABSTRACT})
    await bot_runner.stop(paperbot)
    restarted = build_client(app, scheduler_paused=True)  # nothing in memory from before
    await bot_runner.start(restarted)

    _, abstract = await click(fake_discord, card, f"paper:abstract:{LONG_ABSTRACT}", user="alice")
    _, similar = await click(fake_discord, card, f"paper:similar:{LONG_ABSTRACT}", user="alice")
    assert abstract.ephemeral
    assert abstract.embed is not None
    assert abstract.embed["description"] == readable_abstract(bundled_index.get(LONG_ABSTRACT).abstract)
    assert similar.ephemeral
    assert similar.embed is not None
    assert similar.embed["title"] == f"Similar to: {bundled_index.get(LONG_ABSTRACT).title}"


# --- timeouts -------------------------------------------------------------------------------------


def all_disabled(components: list[dict[str, Any]]) -> bool:
    inner = [c for row in components for c in row.get("components", [])]
    return bool(inner) and all(c.get("disabled") for c in inner)


def disabled_ids(components: list[dict[str, Any]]) -> dict[str, bool]:
    """custom_id → whether it is greyed out, for every component of a message."""
    return {c["custom_id"]: bool(c.get("disabled")) for row in components for c in row["components"]}


async def test_a_search_page_disables_its_buttons_when_it_times_out(
    paperbot: Any, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PaperView, "TIMEOUT", 0.3)
    reply = await run(fake_discord, "search", {"query": "diffusion"})
    assert not all_disabled(reply.components)
    edit = await fake_discord.wait_for_request("PATCH", r"/webhooks/\d+/[^/]+/messages/\d+")  # the followup
    assert edit.json["allowed_mentions"] == {"parse": []}
    assert all_disabled(edit.json["components"])
    current = Reply(fake_discord.messages[reply.id])
    assert all_disabled(current.components)
    assert current.embeds == reply.embeds  # the content stays; only the buttons go grey
    with pytest.raises(ValueError, match="disabled"):
        await fake_discord.click(current, current.buttons()[0]["custom_id"])


async def test_after_the_timeout_an_answer_greys_its_own_buttons_but_similar_papers_and_cards_keep_working(
    paperbot: Any, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PaperView, "TIMEOUT", 0.3)
    card = await run(fake_discord, "paper", {"paper": LONG_ABSTRACT})
    answer = await run(fake_discord, "ask", {"question": RANDOM_TEACHER})
    edit = await fake_discord.wait_for_request("PATCH", r"/webhooks/\d+/[^/]+/messages/\d+")
    assert edit.json["allowed_mentions"] == {"parse": []}
    assert disabled_ids(edit.json["components"]) == {
        "pb:ask:more": True,
        f"paper:similar:{TEACHERS}": False,
        "pb:ask:abstract": True,
    }
    _, similar = await click(
        fake_discord, Reply(fake_discord.messages[answer.id]), f"paper:similar:{TEACHERS}"
    )
    assert similar.embed is not None
    assert similar.embed["title"] == "Similar to: Random Teachers are Good Teachers"

    assert fake_discord.find_requests("PATCH", r"/webhooks/\d+/[^/]+/messages/@original") == []  # card kept
    current = Reply(fake_discord.messages[card.id])
    assert not any(disabled_ids(current.components).values())
    _, abstract = await click(fake_discord, current, f"paper:abstract:{LONG_ABSTRACT}")
    assert abstract.ephemeral


async def test_a_breakdowns_more_button_greys_out_when_it_times_out_like_more_results(
    paperbot: Any, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PaperView, "TIMEOUT", 0.3)
    answer = await run(fake_discord, "ask", {"question": "list all the authors"})
    assert disabled_ids(answer.components) == {"pb:ask:groups": False}
    edit = await fake_discord.wait_for_request("PATCH", r"/webhooks/\d+/[^/]+/messages/\d+")
    assert edit.json["allowed_mentions"] == {"parse": []}
    assert disabled_ids(edit.json["components"]) == {"pb:ask:groups": True}
    current = Reply(fake_discord.messages[answer.id])
    assert current.embeds == answer.embeds  # the answer stays; only its button goes grey
    with pytest.raises(ValueError, match="disabled"):
        await fake_discord.click(current, "pb:ask:groups")
