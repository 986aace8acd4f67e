"""End to end: the paper slash commands through the real PaperBot and the loopback fake Discord.

Each test asserts what Discord receives: embeds, components, the ephemeral flag (64), and that every
payload disables mentions (`allowed_mentions == {"parse": []}`).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

import pytest

from bot.answer import REFUSAL, answer_question
from bot.corpus.text import readable_abstract, readable_text
from bot.discord_adapter.papers.embeds import ANSWER_COLOUR, REFUSAL_COLOUR
from bot.search.index import PaperIndex
from tests.fake_discord import FakeDiscord, InteractionHandle, Reply
from tests.test_breakdowns import folded, said_groups
from tests.test_plain_questions import ROWS, Check

EPHEMERAL = 64
RANDOM_TEACHER = "what happens when you distil from a random teacher?"


def sent_payloads(fake: FakeDiscord, handle: InteractionHandle) -> list[dict[str, Any]]:
    """Every message body the bot sent for this interaction: callback data, followups and edits."""
    payloads = []
    for request in fake.requests:
        if handle.token not in request.path or not isinstance(request.json, dict):
            continue
        if request.path.endswith("/callback"):
            if request.json.get("type") in (4, 7):
                payloads.append(request.json["data"])
        elif request.method in ("POST", "PATCH"):
            payloads.append(request.json)
    return payloads


async def assert_no_pings(fake: FakeDiscord, handle: InteractionHandle) -> None:
    """Everything sent for `handle` carried allowed_mentions {"parse": []} (nobody can be pinged)."""
    await fake.settle()
    payloads = sent_payloads(fake, handle)
    assert payloads, "the bot sent nothing"
    assert [p.get("allowed_mentions") for p in payloads] == [{"parse": []}] * len(payloads)


async def run(fake: FakeDiscord, command: str, options: dict[str, Any] | None = None, **kw: Any) -> Reply:
    """Invoke a slash command, check it pinged nobody, and return its visible reply."""
    handle = await fake.invoke_slash(command, options or {}, **kw)
    reply = await handle.reply()
    await assert_no_pings(fake, handle)
    return reply


def source_lines(reply: Reply) -> list[str]:
    """The numbered source entries under an answer."""
    description = (reply.embed or {}).get("description", "")
    if "**Sources**" not in description:
        return []
    return description.split("**Sources**\n", 1)[1].splitlines()


# --- /ask -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "check"), ROWS, ids=[q for q, _ in ROWS])
async def test_the_questions_people_ask_are_answered_in_discord_as_in_the_terminal(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex, question: str, check: Check
) -> None:
    """The issue's table of plain questions, through /ask: the same papers, right by the row's rule."""
    cli = answer_question(bundled_index, question)
    reply = await run(fake_discord, "ask", {"question": question})
    lines = source_lines(reply)
    assert len(lines) == len(cli.citations)
    for line, citation in zip(lines, cli.citations, strict=True):
        assert readable_text(citation.paper.title) in line
    everything = answer_question(bundled_index, question, everything=True)
    check([c.paper.id for c in everything.citations], everything.text, list(bundled_index.papers))
    if cli.more:
        assert reply.component("pb:ask:more")["label"] == f"{cli.more} more"


@pytest.mark.parametrize("question", [RANDOM_TEACHER, "state space models", "continual learning forgetting"])
async def test_ask_cites_the_same_papers_in_the_same_order_as_the_cli(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex, question: str
) -> None:
    cli = answer_question(bundled_index, question)
    handle = await fake_discord.invoke_slash("ask", {"question": question})
    reply = await handle.reply()
    await assert_no_pings(fake_discord, handle)

    assert handle.callback_type == 5  # deferred ("thinking"), then the answer replaced it
    assert not reply.ephemeral
    assert reply.embed is not None
    assert reply.embed["title"] == question
    lines = source_lines(reply)
    assert len(lines) == len(cli.citations) >= 1
    for line, citation in zip(lines, cli.citations, strict=True):
        assert line.startswith(f"**[{citation.number}]** ")
        assert readable_text(citation.paper.title) in line
    assert [o["value"] for o in reply.component("pb:ask:abstract")["options"]] == [
        str(c.number) for c in cli.citations
    ]
    first_source = cli.citations[0].paper.id
    assert [b["custom_id"] for b in reply.buttons()] == ["pb:ask:more", f"paper:similar:{first_source}"]


async def test_ask_random_teacher_names_the_paper_with_link_authors_and_year(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    reply = await run(fake_discord, "ask", {"question": RANDOM_TEACHER})
    assert source_lines(reply) == [
        "**[1]** [Random Teachers are Good Teachers](https://github.com/safelix/dinopl) — "
        "Felix Sarnthein, Gregor Bachmann, Sotiris Anagnostidis et al. (2023)"
    ]


async def test_a_refusal_has_no_sources_and_no_buttons(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "ask", {"question": "best pizza in Naples"})
    assert reply.embed is not None
    assert reply.embed["description"].startswith(REFUSAL)
    assert source_lines(reply) == []
    assert reply.components == []


async def test_a_breakdown_answers_with_its_groups_as_an_answer_not_a_refusal(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    """ "papers per year" in Discord: each year with its number of papers, coloured as an answer; it cites
    no paper, so there is no source list and no button."""
    reply = await run(fake_discord, "ask", {"question": "papers per year"})
    assert reply.embed is not None
    description = reply.embed["description"]
    years = Counter(p.year for p in bundled_index.papers)
    for year, n in years.items():
        assert f"{year} ({n})" in description
    assert reply.embed["color"] == ANSWER_COLOUR.value != REFUSAL_COLOUR.value
    assert source_lines(reply) == []
    assert reply.components == []


async def test_a_breakdown_with_more_groups_than_it_names_lists_every_one_privately_under_its_button(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    """ "list all the authors" names the people with the most papers and says how many it leaves out; its
    *N more* button lists every person with their number of papers, privately, to whoever clicks — and
    nothing tells a Discord user to run a terminal command."""
    spellings = Counter(a for p in bundled_index.papers for a in p.authors)
    people = Counter(folded(a) for p in bundled_index.papers for a in p.authors)
    answer = await run(fake_discord, "ask", {"question": "list all the authors"})
    assert answer.embed is not None
    named = said_groups(answer.embed["description"])
    assert 0 < len(named) < len(people)
    left_out = len(people) - len(named)
    assert f"{left_out} more" in answer.embed["description"]
    assert [(b["custom_id"], b["label"]) for b in answer.buttons()] == [("pb:ask:groups", f"{left_out} more")]

    handle = await fake_discord.click(answer, "pb:ask:groups", user="bob")
    first = await handle.reply()
    await assert_no_pings(fake_discord, handle)  # and every followup has arrived
    replies = [first, *handle.followups]
    listed: dict[str, int] = {}
    for reply in replies:
        assert reply.ephemeral
        assert reply.flags & EPHEMERAL
        for line in (reply.embed or {}).get("description", "").splitlines():
            person = re.fullmatch(r"(.+) \((\d+)\)", line)
            if person:
                assert person[1] in spellings  # written as a paper writes it, whole
                listed[folded(person[1])] = int(person[2])
    assert listed == dict(people)
    for reply in [answer, *replies]:
        assert "paperbot ask" not in reply.text()
        assert "--all" not in reply.text()


async def test_a_papers_abstract_asked_in_discord_is_shown_whole_with_its_source(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    """ "abstract of the random teachers paper" through /ask: the paper's whole readable abstract, cited."""
    paper = bundled_index.get("random-teachers-are-good-teachers")
    reply = await run(fake_discord, "ask", {"question": "abstract of the random teachers paper"})
    assert reply.embed is not None
    description = " ".join(reply.embed["description"].split())
    assert " ".join(readable_abstract(paper.abstract).split()) in description
    lines = source_lines(reply)
    assert len(lines) == 1
    assert readable_text(paper.title) in lines[0]


async def test_everyone_in_a_question_is_echoed_without_pinging(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    question = "@everyone <@&123> what is a random teacher?"
    handle = await fake_discord.invoke_slash("ask", {"question": question})
    reply = await handle.reply()
    await assert_no_pings(fake_discord, handle)
    assert reply.embed is not None
    assert reply.embed["title"] == question
    assert reply.message["mention_everyone"] is False
    assert reply.message["mention_roles"] == []


async def test_ask_cooldown_answers_privately_with_the_wait(paperbot: Any, fake_discord: FakeDiscord) -> None:
    paperbot.app.ask_cooldown.uses = 1
    await run(fake_discord, "ask", {"question": RANDOM_TEACHER}, user="bob")
    handle = await fake_discord.invoke_slash("ask", {"question": RANDOM_TEACHER}, user="bob")
    reply = await handle.reply()
    await assert_no_pings(fake_discord, handle)
    assert handle.callback_type == 4  # refused before the public "thinking" message
    assert reply.flags & EPHEMERAL
    assert reply.content == "You're asking a bit fast — try again in 10 s."
    other = await run(fake_discord, "ask", {"question": RANDOM_TEACHER}, user="alice")
    assert not other.ephemeral  # the cooldown is per person


async def test_a_malformed_question_is_refused_privately(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "ask", {"question": "papers year:soon"})
    assert reply.ephemeral
    assert reply.content == "`year:` expects a year like 2024 or a range like 2022..2024, not “soon”."


async def test_a_6000_char_question_gets_a_sane_answer(paperbot: Any, fake_discord: FakeDiscord) -> None:
    question = ("discrete diffusion language models " * 200)[:6000]
    reply = await run(fake_discord, "ask", {"question": question})
    assert reply.embed is not None
    assert len(reply.embed["title"]) <= 256
    assert reply.embed["title"].endswith("…")
    assert "Your query was cut to its first 512 characters." in reply.embed["description"]
    assert source_lines(reply)[0].startswith("**[1]** [Generalized Interpolating Discrete Diffusion]")


# --- /search --------------------------------------------------------------------------------------


async def test_search_pages_five_at_a_time_with_total_and_page(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    reply = await run(fake_discord, "search", {"query": "diffusion"})
    found = bundled_index.search("diffusion", limit=50)
    assert found.total > 5  # more than a page
    assert reply.embed is not None
    assert reply.embed["title"] == "Search: diffusion"
    assert reply.embed["footer"]["text"] == f"{found.total} papers · page 1/{-(-found.total // 5)}"
    assert reply.embed["description"].startswith(f"**1.** [{found.hits[0].paper.title}]")
    assert "**5.** " in reply.embed["description"]
    assert "**6.** " not in reply.embed["description"]
    assert reply.component("pb:search:prev")["disabled"] is True
    assert reply.component("pb:search:next")["disabled"] is False


async def test_search_options_become_filters(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    options = {"query": "learning", "author": "Thomas Hofmann", "year": "2022..2024", "category": "LG",
               "has_code": True, "limit": 3}  # fmt: skip
    reply = await run(fake_discord, "search", options)
    assert reply.embed is not None
    assert reply.embed["title"] == 'Search: learning author:"Thomas Hofmann" year:2022..2024 cat:LG has:code'
    assert reply.embed["footer"]["text"] == "1 paper · page 1/1"
    assert "`probabilistic-abduction-for-visual-abstract-reasoning-via`" in reply.embed["description"]
    assert reply.component("pb:search:next")["disabled"] is True


async def test_search_limit_caps_the_total(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "search", {"query": "diffusion", "limit": 7})
    assert reply.embed is not None
    assert reply.embed["footer"]["text"] == "7 papers · page 1/2"


async def test_search_with_no_match_says_so(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "search", {"query": "pizza naples"})
    assert reply.embed is not None
    assert (
        reply.embed["description"] == "No papers match that. Try fewer or different words, or drop a filter."
    )
    assert reply.embed["footer"]["text"] == "0 papers · page 1/1"


async def test_search_bad_year_is_refused_privately(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "search", {"query": "diffusion", "year": "last year"})
    assert reply.ephemeral
    assert reply.content == "`year:` expects a year like 2024 or a range like 2022..2024, not “last year”."


async def test_a_6000_char_search_is_cut_with_a_note(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    reply = await run(fake_discord, "search", {"query": ("diffusion " * 600)[:6000]})
    total = bundled_index.search("diffusion", limit=50).total
    assert reply.embed is not None
    assert len(reply.embed["title"]) <= 256
    assert reply.embed["fields"] == [
        {"name": "Note", "value": "• Your query was cut to its first 512 characters.", "inline": False}
    ]
    assert reply.embed["footer"]["text"] == f"{total} papers · page 1/{-(-total // 5)}"


async def test_search_autocompletes_authors_and_categories(paperbot: Any, fake_discord: FakeDiscord) -> None:
    authors = await fake_discord.autocomplete("search", {"query": "x", "author": "terzic"}, focused="author")
    assert await authors.choices() == [{"name": "Aleksandar Terzić", "value": "Aleksandar Terzić"}]
    cats = await fake_discord.autocomplete("search", {"query": "x", "category": "c"}, focused="category")
    assert [c["value"] for c in await cats.choices()] == ["CV", "CL", "CO", "COMP-PH"]


# --- /paper, /similar, /random, /recent -------------------------------------------------------------


async def test_paper_card(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "paper", {"paper": "random-teachers-are-good-teachers"})
    embed = reply.embed
    assert embed is not None
    assert not reply.ephemeral
    assert embed["title"] == "Random Teachers are Good Teachers"
    assert embed["url"] == "https://github.com/safelix/dinopl"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields == {
        "Authors": "Felix Sarnthein, Gregor Bachmann, Sotiris Anagnostidis "
        "*(the source lists only the first authors)*",
        "Published": "<t:1677153600:D>",
        "Category": "LG",
        "Affiliations": "eth-zurich",
        "Code & links": "✅ code available\nhttps://github.com/safelix/dinopl",
    }
    assert embed["description"].startswith("In this work, we investigate the implicit regularization")
    assert embed["footer"]["text"] == "id: random-teachers-are-good-teachers"
    assert [b["custom_id"] for b in reply.buttons()] == [  # abstract fits: no abstract button
        "paper:similar:random-teachers-are-good-teachers",
        "rg:propose:random-teachers-are-good-teachers",
    ]


async def test_paper_accepts_a_typed_title(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "paper", {"paper": "random teachers are good TEACHERS"})
    assert reply.embed is not None
    assert reply.embed["title"] == "Random Teachers are Good Teachers"


async def test_unknown_paper_is_a_private_message(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "paper", {"paper": "no-such-paper"})
    assert reply.ephemeral
    assert reply.content is not None
    assert reply.content.startswith("I don't know a paper called “no-such-paper”.")


async def test_an_ambiguous_paper_lists_the_candidates_privately(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    reply = await run(fake_discord, "paper", {"paper": "state space"})
    assert reply.ephemeral
    assert reply.content is not None
    assert reply.content.startswith("“state space” fits 3 papers")
    assert "flash-pd-ssm-memory-optimized-structured-sparse-state-space" in reply.content


@pytest.mark.parametrize(
    ("typed", "author"),
    [("lucchi", "Aurélien Lucchi"), ("terzic", "Aleksandar Terzić"), ("rutte", "Dimitri von Rütte")],
)
async def test_paper_autocomplete_finds_papers_by_accentless_author_names(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex, typed: str, author: str
) -> None:
    handle = await fake_discord.autocomplete("paper", {"paper": typed}, focused="paper")
    choices = await handle.choices()
    assert [c["value"] for c in choices] == [p.id for p in bundled_index.papers_by_author(author)]
    assert all(c["name"].endswith(f" — {author}") and len(c["name"]) <= 100 for c in choices)


async def test_paper_autocomplete_matches_titles_and_caps_at_25(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    typed = await (
        await fake_discord.autocomplete("similar", {"paper": "random teach"}, focused="paper")
    ).choices()
    assert typed[0] == {
        "name": "Random Teachers are Good Teachers",
        "value": "random-teachers-are-good-teachers",
    }
    everything = await (await fake_discord.autocomplete("paper", {"paper": ""}, focused="paper")).choices()
    assert len(everything) == 25


async def test_similar_lists_the_closest_papers(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    reply = await run(fake_discord, "similar", {"paper": "random-teachers-are-good-teachers"})
    assert reply.embed is not None
    assert reply.embed["title"] == "Similar to: Random Teachers are Good Teachers"
    description = reply.embed["description"]
    expected = [h.paper.id for h in bundled_index.similar("random-teachers-are-good-teachers", limit=5)]
    assert "random-teachers-are-good-teachers" not in expected
    positions = [description.index(f"`{paper_id}`") for paper_id in expected]
    assert positions == sorted(positions)


async def test_random_uses_the_cogs_rng(
    paperbot: Any, fake_discord: FakeDiscord, bundled_index: PaperIndex
) -> None:
    paperbot.get_cog("Papers").rng = random.Random(7)
    reply = await run(fake_discord, "random")
    assert reply.embed is not None
    assert reply.embed["footer"]["text"] == "id: fast-and-geometrically-grounded-lorentz-neural-networks"
    assert (
        reply.buttons()[0]["custom_id"]
        == "paper:similar:fast-and-geometrically-grounded-lorentz-neural-networks"
    )


async def test_recent_lists_the_newest_first(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "recent", {"count": 3})
    assert reply.embed is not None
    lines = reply.embed["description"].splitlines()
    assert [line.rsplit("`", 2)[1] for line in lines] == [
        "seqlora-bilevel-orthogonal-adaptation-for-continual-multi",
        "fullflow-upgrading-text-to-image-flow-matching-models-for",
        "flash-pd-ssm-memory-optimized-structured-sparse-state-space",
    ]
    assert "<t:1779364800:D>" in lines[0]  # 2026-05-21


# --- /author, /help, /about -----------------------------------------------------------------------


async def test_author_lists_papers_newest_first_and_coauthors(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    reply = await run(fake_discord, "author", {"name": "lucchi"})
    embed = reply.embed
    assert embed is not None
    assert embed["title"] == "Aurélien Lucchi — 4 papers"
    assert [line.rsplit("`", 2)[1] for line in embed["description"].splitlines()] == [
        "mastering-spatial-graph-prediction-of-road-networks",
        "phenomenology-of-double-descent-in-finite-width-neural",
        "generalization-through-the-lens-of-leave-one-out-error",
        "cosmological-n-body-simulations-a-challenge-for-scalable",
    ]
    assert embed["fields"][0]["name"] == "Frequent co-authors (shared papers)"
    assert embed["fields"][0]["value"].startswith("Thomas Hofmann (3), ")


async def test_unknown_author_is_a_friendly_private_message(paperbot: Any, fake_discord: FakeDiscord) -> None:
    reply = await run(fake_discord, "author", {"name": "Nobody McNobodyface"})
    assert reply.ephemeral
    assert reply.content == (
        "I don't know an author called “Nobody McNobodyface”. Start typing and pick a name from the list."
    )


async def test_author_autocomplete(paperbot: Any, fake_discord: FakeDiscord) -> None:
    handle = await fake_discord.autocomplete("author", {"name": "rutte"}, focused="name")
    assert await handle.choices() == [{"name": "Dimitri von Rütte", "value": "Dimitri von Rütte"}]


async def test_help_is_private_and_explains_the_query_language(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    reply = await run(fake_discord, "help")
    assert reply.ephemeral
    assert reply.embed is not None
    names = [f["name"] for f in reply.embed["fields"]]
    assert names[:3] == ["/ask question", "/search query", "/paper paper"]
    assert "`year:2022..2024`" in reply.embed["fields"][-1]["value"]


async def test_about_tells_size_dates_categories_load_time_and_version(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    reply = await run(fake_discord, "about")
    assert reply.embed is not None
    assert {f["name"]: f["value"] for f in reply.embed["fields"]} == {
        "Papers": "50",
        "Published": "<t:1565870400:D> – <t:1779364800:D>",
        "Categories": "LG (24), CV (13), CL (7), AI (2), ML (2), CO (1), COMP-PH (1)",
        "Corpus loaded": "<t:1795680000:f>",  # the test clock's 2026-11-26 08:00 UTC
        "Version": "0.1.0",
    }


async def test_every_option_is_described_and_ranges_are_declared(
    paperbot: Any, fake_discord: FakeDiscord
) -> None:
    names = ["ask", "search", "paper", "author", "similar", "random", "recent", "help", "about"]
    for name in names:
        command = fake_discord.find_command(name)
        assert command["description"], name
        assert all(option["description"] for option in command.get("options", [])), name
    recent = fake_discord.find_command("recent")["options"][0]
    assert (recent["min_value"], recent["max_value"]) == (1, 10)
