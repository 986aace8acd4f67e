"""Rendering the paper of the day without Discord: limits with absurd input, buttons, time-zone choices.

Async only because discord.py builds Views inside a running event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import discord
import pytest

from bot.corpus.model import Paper
from bot.digest.models import DigestSettings, LedgerEntry
from bot.digest.post import DigestPost, WeeklyDigest, excerpt
from bot.discord_adapter.digest.cog import timezone_choices
from bot.discord_adapter.digest.render import (
    RenderedMessage,
    digest_message,
    dm_message,
    history_embed,
    missing_permissions,
    post_embed,
    preview_message,
)

DAY = date(2026, 11, 26)


def paper(n: int = 1, *, title: str | None = None, authors: int = 3, paper_id: str | None = None) -> Paper:
    return Paper(
        id=paper_id or f"paper-{n:03d}",
        title=title or f"Paper number {n}",
        authors=tuple(f"Author {i} " + "Longname" * 10 for i in range(authors)),
        published=date(2024, 5, 1),
        categories=("LG", "CV"),
        has_code=True,
        abstract="A sentence about *markdown* and _underscores_. " * 300,
        links=tuple(f"https://example.org/{n}/{i}" for i in range(50)),
    )


def post(
    subject: Paper, *, reasons: tuple[str, ...] = ("not yet featured this round (1/50)",), **kw: object
) -> DigestPost:
    return DigestPost(
        paper=subject,
        local_date=DAY,
        reasons=reasons,
        excerpt=excerpt(subject.abstract),
        cycle=1,
        position=1,
        pool_size=50,
        **kw,  # type: ignore[arg-type]
    )


def preview_of(subject: DigestPost) -> RenderedMessage:
    """`/digest preview` of a post, for a server posting at 09:00 UTC in channel 100."""
    settings = DigestSettings(1, 100, time(9, 0), "UTC", seed="1")
    return preview_message(subject, settings)


def sizes_ok(embeds: tuple[discord.Embed, ...]) -> bool:
    fields = [f for e in embeds for f in e.fields]
    return (
        sum(len(e) for e in embeds) <= 6000
        and all(len(e.title or "") <= 256 and len(e.description or "") <= 4096 for e in embeds)
        and all(0 < len(f.value or "") <= 1024 for f in fields)
    )


async def test_an_absurd_paper_still_fits_every_embed_limit() -> None:
    huge = paper(title="T" * 500, authors=40)
    rendered = digest_message(post(huge, reasons=tuple("why " * 100 for _ in range(10))))
    embed = rendered.embeds[0]
    authors = next(f.value for f in embed.fields if f.name == "Authors")
    assert sizes_ok(rendered.embeds)
    assert embed.title is not None
    assert len(embed.title) == 256
    assert authors is not None
    shown, more = authors.rsplit(" and ", 1)
    assert len(shown.split(", ")) + int(more.removesuffix(" more")) == 40  # what doesn't fit is counted


async def test_the_excerpt_and_titles_are_shown_as_written_not_as_markdown() -> None:
    embed = post_embed(post(paper()))
    assert embed.description is not None
    assert embed.description.startswith(r"A sentence about \*markdown\* and \_underscores\_.")


async def test_a_full_week_in_review_shares_the_6000_character_budget_with_the_paper() -> None:
    many = [paper(n, title=f"A rather long title number {n} " + "x" * 200) for n in range(10)]
    weekly = WeeklyDigest(
        start=date(2026, 11, 19),
        end=date(2026, 11, 25),
        featured=tuple((date(2026, 11, 19 + i), p) for i, p in enumerate(many[:7])),
        new_papers=tuple(many),
        upcoming=tuple((date(2026, 11, 27 + i), p) for i, p in enumerate(many[:3])),
    )
    rendered = digest_message(post(paper(title="T" * 500, authors=40), weekly=weekly))
    review = {f.name: f.value or "" for f in rendered.embeds[1].fields}
    assert len(rendered.embeds) == 2
    assert sizes_ok(rendered.embeds)
    assert review["New in the corpus"].splitlines()[-1].startswith("… and ")


@pytest.mark.parametrize("render", [digest_message, preview_of, dm_message], ids=["post", "preview", "dm"])
async def test_a_paper_that_fills_its_own_embed_still_leaves_the_week_in_review_room_within_6000(
    render: Callable[[DigestPost], RenderedMessage],
) -> None:
    # Every part of the paper's embed at its limit: on its own it nearly fills a message's 6000 characters.
    bloated = paper(title="T" * 500, authors=40, paper_id="x" * 3000).model_copy(
        update={
            "categories": tuple(f"CATEGORY-{i}" for i in range(200)),
            "abstract": "*x_y* " * 500,  # every markdown character escaped: the excerpt nearly doubles
        }
    )
    reasons = tuple("a long reason " * 20 for _ in range(10))
    assert len(post_embed(post(bloated, reasons=reasons, topic="t" * 300))) > 5800
    many = [paper(n, title=f"A rather long title number {n} " + "x" * 200) for n in range(10)]
    weekly = WeeklyDigest(
        start=date(2026, 11, 19),
        end=date(2026, 11, 25),
        featured=tuple((date(2026, 11, 19 + i), p) for i, p in enumerate(many[:7])),
        new_papers=tuple(many),
        topic="t" * 300,
    )
    rendered = render(post(bloated, reasons=reasons, topic="t" * 300, weekly=weekly))
    assert len(rendered.embeds) == 2
    assert sum(len(e) for e in rendered.embeds) <= 6000  # Discord refuses the whole message otherwise
    assert sizes_ok(rendered.embeds)
    review = rendered.embeds[1]
    assert review.title == "🗓️ The week in papers"
    assert [f.name for f in review.fields][:1] == ["Papers of the day"]  # the review still says something
    assert rendered.embeds[0].title == "T" * 255 + "…"


async def test_buttons_carry_the_paper_id_and_an_id_too_long_for_discord_drops_them_not_the_post() -> None:
    normal = digest_message(post(paper()))
    long_id = digest_message(post(paper(paper_id="x" * 95)))
    assert normal.view is not None
    assert [getattr(item, "custom_id", None) for item in normal.view.children] == [
        "paper:abstract:paper-001",
        "paper:similar:paper-001",
        "rg:propose:paper-001",
    ]
    assert normal.view.is_finished()  # rendered only: the registered DynamicItems answer the clicks
    assert long_id.view is None
    assert long_id.embeds[0].title == "Paper number 1"


async def test_a_dm_offers_abstract_and_similar_but_not_the_servers_reading_group() -> None:
    rendered = dm_message(post(paper()))
    weekly = dm_message(WeeklyDigest(start=date(2026, 11, 16), end=date(2026, 11, 22)))
    assert rendered.view is not None
    assert [getattr(item, "label", None) for item in rendered.view.children] == [
        "Show abstract",
        "Similar papers",
    ]
    assert weekly.view is None
    assert [f.value for f in weekly.embeds[0].fields] == ["None this week.", "Nothing new this week."]


def test_history_links_each_post_in_its_own_channel_and_old_entries_in_the_current_one() -> None:
    def posted(day: int, paper_id: str, message_id: int, channel_id: int | None) -> LedgerEntry:
        return LedgerEntry(
            7, date(2026, 11, day), paper_id, 1, 1, 50, None, (), "posted", message_id, channel_id=channel_id
        )

    entries = [posted(24, "paper-001", 501, None), posted(25, "paper-002", 502, 300)]  # None: before 0003
    embed = history_embed(entries, {"paper-001": "Old", "paper-002": "New"}, guild_id=7, channel_id=400)
    assert embed.description is not None
    assert embed.description.splitlines() == [
        "<t:1795608000:D> · [New](https://discord.com/channels/7/300/502)",  # where it was posted
        "<t:1795521600:D> · [Old](https://discord.com/channels/7/400/501)",  # unknown: the channel set now
    ]


def test_missing_permissions_are_named_as_discord_shows_them() -> None:
    perms = discord.Permissions(view_channel=True, send_messages=True)
    assert missing_permissions(perms) == ["Embed Links"]
    assert missing_permissions(discord.Permissions.none()) == ["View Channel", "Send Messages", "Embed Links"]


def test_timezone_choices_start_with_common_zones_and_match_cities_and_spaces() -> None:
    assert [c.value for c in timezone_choices("")][:3] == ["UTC", "Europe/London", "Europe/Zurich"]
    assert [c.value for c in timezone_choices("los ang")] == ["America/Los_Angeles"]
    assert [c.value for c in timezone_choices("Europe/Z")] == [
        "Europe/Zagreb",
        "Europe/Zaporozhye",
        "Europe/Zurich",
    ]
    assert len(timezone_choices("e")) == 25
    assert timezone_choices("no such place") == []
