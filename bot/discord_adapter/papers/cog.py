"""The paper commands: /ask, /search, /paper, /author, /similar, /random, /recent, /help, /about.

Each command validates its input, calls one core function on the live index, and renders with
`embeds`. Input errors are raised as UserError before anything public is sent, so the error handler
answers privately; slow work happens after a defer. Every call into the index runs in the app's worker
pool (`self.offload`, `bot.offload`), never on the event loop: a search over a large corpus must not hold
up the gateway heartbeat or anyone else's command.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.answer import answer_question
from bot.corpus.model import Paper
from bot.discord_adapter.interactions import NO_MENTIONS
from bot.discord_adapter.papers import autocomplete
from bot.discord_adapter.papers.embeds import (
    about_embed,
    answer_embed,
    author_embed,
    help_embed,
    paper_embed,
    recent_embed,
    similar_embed,
)
from bot.discord_adapter.papers.views import (
    SIMILAR_COUNT,
    AnswerView,
    PaperButton,
    PaperCardView,
    SearchPages,
    SearchView,
    send_view,
)
from bot.discord_adapter.readinggroup.render import discussed_line
from bot.errors import UserError
from bot.offload import Offload
from bot.search.index import MAX_LIMIT, PaperIndex
from bot.search.results import Hit

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = ["PapersCog", "search_query"]


_RANGE_DOTS = re.compile(r"\s*\.\.\s*")
_MENTIONS = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
"""Discord mentions, which the query language drops (`bot.search.query` reads them as no words)."""

AUTHOR_NAME_EMPTY = "`name` is empty: type an author's name (e.g. Hofmann) and pick one from the list."


def _quoted(value: str) -> str:
    """A filter value as the query language reads it: quoted when it has spaces, quotes removed."""
    value = " ".join(value.replace('"', " ").split())
    return f'"{value}"' if " " in value else value


def search_query(
    query: str,
    *,
    author: str | None = None,
    year: str | None = None,
    category: str | None = None,
    has_code: bool | None = None,
) -> str:
    """The /search options written in the query language (`author:"…" year:2022..2024 cat:CV has:code`);
    an author option that holds no name (a mention, punctuation) is refused with what was wrong."""
    parts = [query.strip()]
    if author and author.strip():
        if not re.search(r"\w", _MENTIONS.sub(" ", author)):
            why = " (a mention is not a name)" if _MENTIONS.search(author) else ""
            raise UserError(
                f"`author` needs a person's name, not “{author.strip()[:80]}”{why}: "
                "type one, e.g. Hofmann, and pick it from the list."
            )
        parts.append(f"author:{_quoted(author)}")
    if year and year.strip():
        # "2022 .. 2024" means the range; any other text is quoted whole so the error names all of it
        parts.append("year:" + _quoted(_RANGE_DOTS.sub("..", year.strip())))
    if category and category.strip():
        parts.append(f"cat:{_quoted(category)}")
    if has_code is True:
        parts.append("has:code")
    elif has_code is False:
        parts.append("without code")
    return " ".join(p for p in parts if p)


def _author(index: PaperIndex, name: str) -> tuple[str, list[Paper], list[tuple[str, int]]]:
    """The name to show (the index's spelling when it means the same papers), the papers, the co-authors;
    a UserError when no author has that name."""
    papers = index.papers_by_author(name)
    if not papers:
        shown = name.strip()[:80]
        raise UserError(
            f"I don't know an author called “{shown}”. Start typing and pick a name from the list."
        )
    suggested = index.suggest_authors(name, 1)
    shown = suggested[0] if suggested and index.papers_by_author(suggested[0]) == papers else name.strip()
    return shown, papers, index.coauthors(name)


def _similar(index: PaperIndex, reference: str) -> tuple[Paper, tuple[Hit, ...]]:
    """The paper `reference` names and the papers most like it."""
    found = index.resolve(reference)
    return found, index.similar(found.id, limit=SIMILAR_COUNT)


class PapersCog(commands.Cog, name="Papers"):
    """Finding and reading papers. `rng` picks /random papers (tests give it a seed)."""

    def __init__(self, bot: PaperBot, *, rng: random.Random | None = None) -> None:
        self.bot = bot
        self.rng = rng or random.Random()

    async def cog_load(self) -> None:
        """Register the one handler of the persistent *Show abstract* / *Similar papers* buttons, which
        every feature puts under its messages (cards, answers, digest posts, DMs)."""
        self.bot.add_dynamic_items(PaperButton)

    async def cog_unload(self) -> None:
        """Unregister the persistent paper buttons."""
        self.bot.remove_dynamic_items(PaperButton)

    @property
    def index(self) -> PaperIndex:
        """The index serving right now (a reload swaps it whole)."""
        return self.bot.app.library.index

    @property
    def offload(self) -> Offload:
        """Where the index's work runs: the app's worker pool, off the event loop."""
        return self.bot.app.offload

    async def _send_card(self, interaction: discord.Interaction, paper_id: str) -> None:
        """Reply with a paper's card and its buttons."""
        index = self.index
        paper = await self.offload(index.resolve, paper_id)
        guild_id = interaction.guild_id
        discussed = (
            await self.bot.app.reading_group.memory.discussed_on(guild_id, paper.id) if guild_id else []
        )
        embed = paper_embed(paper, extra_lines=[discussed_line(discussed)])
        await send_view(interaction, PaperCardView(index, paper), embed=embed)

    # --- autocomplete ---------------------------------------------------------------------------

    async def paper_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Titles (and papers of matching authors) as the user types."""
        return await self.offload(autocomplete.paper_choices, self.index, current)

    async def author_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Author names as the user types."""
        return await self.offload(autocomplete.author_choices, self.index, current)

    async def category_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Category codes as the user types."""
        return await self.offload(autocomplete.category_choices, self.index, current)

    # --- commands -------------------------------------------------------------------------------

    @app_commands.command(
        name="ask", description="Ask a question; the answer cites the papers it comes from."
    )
    @app_commands.describe(question="Your question, in plain words (the query language works too)")
    async def ask(self, interaction: discord.Interaction, question: str) -> None:
        """A cited answer from the corpus — the same sources `paperbot ask` prints."""
        index = self.index
        # A malformed question is refused privately, before the public defer (read in the quick lane:
        # the acknowledgement must not wait behind other users' answers).
        await self.bot.app.offload.quick(index.parse, question)
        self.bot.app.ask_cooldown.hit(interaction.user.id)
        await interaction.response.defer(thinking=True)
        answer = await self.offload(answer_question, index, question)
        await send_view(
            interaction, AnswerView(index, question, answer), embed=answer_embed(answer, question=question)
        )

    @app_commands.command(name="search", description="Search the papers: ranked results, 5 per page.")
    @app_commands.describe(
        query="Words to look for (the query language works too, e.g. `diffusion year:2024`)",
        author="Only papers by this author",
        year="A year (2024) or a range (2022..2024, 2023.., ..2022)",
        category="Only papers in this category (e.g. CV, LG, CL)",
        has_code="Only papers with code (True) or without (False)",
        limit=f"At most this many results in all (1-{MAX_LIMIT}); default: all of them",
    )
    @app_commands.autocomplete(author=author_autocomplete, category=category_autocomplete)
    async def search(
        self,
        interaction: discord.Interaction,
        query: str,
        author: str | None = None,
        year: str | None = None,
        category: str | None = None,
        has_code: bool | None = None,
        limit: app_commands.Range[int, 1, MAX_LIMIT] | None = None,
    ) -> None:
        """Ranked results with Previous/Next; only the searcher may page."""
        text = search_query(query, author=author, year=year, category=category, has_code=has_code)
        index = self.index
        # Bad syntax (say `year:soon`) is refused privately, before the public defer.
        await self.bot.app.offload.quick(index.parse, text)
        await interaction.response.defer(thinking=True)
        pages = SearchPages.for_query(index, text, self.offload, limit=limit)
        view = await SearchView.open(pages, interaction.user.id)
        await send_view(interaction, view, embed=view.embed())

    @app_commands.command(name="paper", description="One paper's card: authors, date, links and abstract.")
    @app_commands.describe(paper="Start typing a title or an author's name, then pick the paper")
    @app_commands.autocomplete(paper=paper_autocomplete)
    async def paper(self, interaction: discord.Interaction, paper: str) -> None:
        """A paper's card with *Similar papers* (and *Show abstract* when the card trims it)."""
        await self._send_card(interaction, paper)

    @app_commands.command(name="author", description="An author's papers, newest first, and co-authors.")
    @app_commands.describe(name="Start typing the author's name (accents optional), then pick it")
    @app_commands.autocomplete(name=author_autocomplete)
    async def author(self, interaction: discord.Interaction, name: str) -> None:
        """The author's papers and frequent co-authors."""
        if not any(ch.isprintable() and not ch.isspace() for ch in name):
            raise UserError(AUTHOR_NAME_EMPTY)
        shown, papers, coauthors = await self.offload(_author, self.index, name)
        await interaction.response.send_message(
            embed=author_embed(shown, papers, coauthors), allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="similar", description="Papers most like the one you pick.")
    @app_commands.describe(paper="Start typing a title or an author's name, then pick the paper")
    @app_commands.autocomplete(paper=paper_autocomplete)
    async def similar(self, interaction: discord.Interaction, paper: str) -> None:
        """The papers closest to this one."""
        found, hits = await self.offload(_similar, self.index, paper)
        await interaction.response.send_message(
            embed=similar_embed(found, hits), allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="random", description="A random paper from the corpus.")
    async def random_paper(self, interaction: discord.Interaction) -> None:
        """A random paper's card."""
        papers = self.index.papers
        if not papers:
            raise UserError("No papers are loaded yet — ask the bot's operator to add a corpus.")
        await self._send_card(interaction, self.rng.choice(papers).id)

    @app_commands.command(name="recent", description="The newest papers.")
    @app_commands.describe(count="How many papers (1-10)")
    async def recent(
        self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 10] = 5
    ) -> None:
        """The newest papers, newest first."""
        found = await self.offload(self.index.search, "sort:date", limit=count)
        papers = [hit.paper for hit in found.hits]
        await interaction.response.send_message(embed=recent_embed(papers), allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="help", description="What each command does, and the query language.")
    async def help(self, interaction: discord.Interaction) -> None:
        """Help, privately."""
        await interaction.response.send_message(
            embed=help_embed(), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(
        name="about", description="How many papers I know, from when to when, and my version."
    )
    async def about(self, interaction: discord.Interaction) -> None:
        """Corpus size, date range, categories, load time and version."""
        snapshot = self.bot.app.library.snapshot
        index = snapshot.index
        date_range, categories = await self.offload(lambda: (index.date_range(), index.categories()))
        embed = about_embed(
            papers=len(index),
            date_range=date_range,
            categories=categories,
            loaded_at=snapshot.loaded_at,
            version=__version__,
        )
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)
