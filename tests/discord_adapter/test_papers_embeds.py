"""The pure renderers of the paper commands: Discord's limits hold for absurd papers, and what is shown."""

from __future__ import annotations

from datetime import UTC, date, datetime

import discord
import pytest

from bot.answer import Answer, Citation, answer_question
from bot.corpus.model import Paper
from bot.corpus.text import readable_abstract
from bot.discord_adapter.papers import autocomplete
from bot.discord_adapter.papers.cog import search_query
from bot.discord_adapter.papers.embeds import (
    about_embed,
    abstract_embeds,
    abstract_is_trimmed,
    answer_embed,
    author_embed,
    date_stamp,
    groups_embeds,
    help_embed,
    paper_embed,
    recent_embed,
    search_page_embed,
    similar_embed,
)
from bot.search.index import PaperIndex
from bot.search.results import Hit

HUGE = Paper(
    id="huge",
    title="A " + "very " * 60 + "long title",  # 310 chars
    authors=tuple(f"Author Number{n} Surname{n}" for n in range(40)),
    authors_truncated=True,
    affiliations=tuple(f"Institute of Things {n}" for n in range(60)),
    published=date(2024, 3, 5),
    categories=("LG", "CV"),
    has_code=True,
    abstract=("Sentence with words and $\\alpha$ markup. " * 250)[:10_000],
    links=tuple(f"https://example.org/{n}/" + "x" * 40 for n in range(30)),
)


def assert_within_limits(embed: discord.Embed) -> None:
    """Every Discord embed limit, checked on the payload discord.py would send."""
    data = embed.to_dict()
    assert len(data.get("title", "")) <= 256
    assert len(data.get("description", "")) <= 4096
    assert len(data.get("fields", [])) <= 25
    for field in data.get("fields", []):
        assert 0 < len(field["name"]) <= 256
        assert 0 < len(field["value"]) <= 1024
    assert len(data.get("footer", {}).get("text", "")) <= 2048
    assert len(embed) <= 6000


def test_paper_card_of_an_absurd_paper_fits_every_limit() -> None:
    embed = paper_embed(HUGE, extra_lines=["discussed on 2026-01-01"] * 50)
    assert_within_limits(embed)
    assert embed.title is not None
    assert embed.title.endswith("…")
    authors = next(f.value for f in embed.fields if f.name == "Authors")
    assert authors is not None
    assert authors.startswith("Author Number0 Surname0, Author Number1 Surname1")
    assert "more" in authors
    assert "the source lists only the first authors" in authors
    assert abstract_is_trimmed(HUGE)


def test_long_abstract_is_shown_whole_over_several_embeds() -> None:
    embeds = abstract_embeds(HUGE)
    assert len(embeds) == 3
    for embed in embeds:
        assert_within_limits(embed)
    assert embeds[0].title is not None
    assert embeds[0].title.endswith("(1/3)")
    text = " ".join(e.description or "" for e in embeds)
    assert text == readable_abstract(HUGE.abstract)  # all of it, in the readable form
    assert "$" not in text
    assert "α markup" in text


def test_card_shows_date_as_discord_timestamp_and_code_links() -> None:
    paper = Paper(
        id="p", title="T", published=date(2024, 3, 5), has_code=True, links=("https://git.example/p",)
    )
    embed = paper_embed(paper)
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Published"] == "<t:1709640000:D>"  # noon UTC that day
    assert fields["Code & links"] == "✅ code available\nhttps://git.example/p"
    assert embed.url == "https://git.example/p"
    assert embed.footer.text == "id: p"
    assert not abstract_is_trimmed(paper)


def test_markdown_in_titles_is_shown_as_written() -> None:
    paper = Paper(id="p", title="*Bold* claims about [x]_y", links=("https://a.example",))
    embed = answer_embed(Answer("Claim [1].", (Citation(1, paper),), (), True))
    assert r"[\*Bold\* claims about \[x\]\_y](https://a.example)" in (embed.description or "")


def test_answer_with_huge_text_and_many_sources_fits(bundled_index: PaperIndex) -> None:
    citations = tuple(Citation(n, HUGE) for n in range(1, 26))
    embed = answer_embed(Answer("word " * 3000, citations, (), True), question="q" * 6000)
    assert_within_limits(embed)
    assert "**Sources**" in (embed.description or "")


def test_every_group_of_a_huge_breakdown_is_listed_whole_over_as_many_embeds_as_needed() -> None:
    """Thousands of people, some with absurd or markdown-laden names: each embed fits Discord's limits,
    and every person shows up once, on a line of their own with their number, in the answer's order."""
    groups = tuple(
        (f"Person *{n}* " + ("Longname" * 80 if n % 97 == 0 else f"Surname{n}"), 3000 - n)
        for n in range(3000)
    )
    breakdown = Answer(
        "3000 people are named: …", (), (), True, total=9000, unshown_groups=2980, groups=groups
    )
    embeds = groups_embeds(breakdown, question="list all the authors " * 30)
    assert len(embeds) > 1
    for number, embed in enumerate(embeds, start=1):
        assert_within_limits(embed)
        assert (embed.title or "").endswith(f"({number}/{len(embeds)})")
    head, *lines = [line for embed in embeds for line in (embed.description or "").splitlines()]
    assert "3000" in head
    assert len(lines) == len(groups)
    for line, (label, n) in zip(lines, groups, strict=True):
        assert line.endswith(f" ({n})")
        shown = line.removesuffix(f" ({n})").replace("\\", "")
        assert shown == label or (shown.endswith("…") and label.startswith(shown[:-1]))


def test_refusal_embed_has_no_sources(bundled_index: PaperIndex) -> None:
    answer = answer_question(bundled_index, "best pizza in Naples")
    embed = answer_embed(answer)
    assert "Sources" not in (embed.description or "")
    assert (embed.description or "").startswith(
        "I couldn't find anything in the corpus that answers that well."
    )


def test_search_page_shows_ranks_total_page_and_notes(bundled_index: PaperIndex) -> None:
    results = bundled_index.search("diffusion " * 100, limit=5, offset=5)
    embed = search_page_embed(results, 2, 2, label="diffusion")
    assert_within_limits(embed)
    assert (embed.description or "").startswith("**6.** ")
    assert embed.footer.text == f"{results.total} papers · page 2/2"
    assert embed.fields[0].value == "• Your query was cut to its first 512 characters."


def test_lists_fit_with_absurd_papers() -> None:
    hits = [Hit(HUGE, 1.0, "snippet " * 500, ()) for _ in range(5)]
    assert_within_limits(similar_embed(HUGE, hits))
    assert_within_limits(recent_embed([HUGE] * 10))
    assert_within_limits(author_embed("X" * 300, [HUGE] * 200, [(f"P{n}", n) for n in range(500)]))


def test_about_and_help() -> None:
    embed = about_embed(
        papers=50,
        date_range=(date(2019, 8, 15), date(2026, 5, 21)),
        categories=[("LG", 24), ("CV", 13)],
        loaded_at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        version="0.1.0",
    )
    fields = {f.name: f.value for f in embed.fields}
    assert fields == {
        "Papers": "50",
        "Published": "<t:1565870400:D> – <t:1779364800:D>",
        "Categories": "LG (24), CV (13)",
        "Corpus loaded": "<t:1795680000:f>",
        "Version": "0.1.0",
    }
    names = [f.name for f in help_embed().fields]
    assert names[:2] == ["/ask question", "/search query"]
    assert "Query language" in names[-1]
    assert_within_limits(help_embed())


def test_date_stamp_uses_noon_utc() -> None:
    assert date_stamp(date(1970, 1, 2)) == f"<t:{86400 + 12 * 3600}:D>"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, "diffusion"),
        ({"author": 'Thomas "Tom" Hofmann'}, 'diffusion author:"Thomas Tom Hofmann"'),
        (
            {"year": "2022 .. 2024", "category": "machine learning"},
            'diffusion year:2022..2024 cat:"machine learning"',
        ),
        ({"has_code": True}, "diffusion has:code"),
        ({"has_code": False}, "diffusion without code"),
    ],
)
def test_search_options_become_query_language(options: dict[str, object], expected: str) -> None:
    assert search_query("diffusion", **options) == expected  # type: ignore[arg-type]


def test_paper_choices_match_titles_and_accentless_author_names(bundled_index: PaperIndex) -> None:
    by_title = autocomplete.paper_choices(bundled_index, "random teach")
    assert by_title[0].value == "random-teachers-are-good-teachers"
    by_author = autocomplete.paper_choices(bundled_index, "lucchi")
    assert [c.name.rsplit(" — ", 1)[1] for c in by_author] == ["Aurélien Lucchi"] * 4
    everything = autocomplete.paper_choices(bundled_index, "")
    assert len(everything) == 25
    assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in everything)


def test_category_choices(bundled_index: PaperIndex) -> None:
    assert [c.value for c in autocomplete.category_choices(bundled_index, "c")] == [
        "CV",
        "CL",
        "CO",
        "COMP-PH",
    ]
