"""Buttons and selects under paperbot's messages: answer actions, search paging, paper buttons.

Two kinds of component, one mechanism each:

* **Per-message** components (`pb:<area>:<action>`: search paging, *More results*, the answer's source
  picker, a breakdown's *N more*) need the state of the message they sit under, so they live in a View
  that times out (`PaperView.TIMEOUT`, 10 minutes) and then disables them by editing the message —
  nobody clicks a dead button. Errors inside a callback go through the one interaction error handler.
  These views hold the index they were built from, so a corpus reload never changes a page halfway
  through paging. Every page, search and similar-papers list is computed in the app's worker pool
  (`bot.offload`), never on the event loop; a View itself is built on the loop (discord.py needs it
  there), from results computed before.
* **Persistent** paper buttons (`paper:abstract:<id>`, `paper:similar:<id>`, and `rg:propose:<id>`,
  answered by the reading-group cog) carry the paper id in their custom_id. One `PaperButton` handler,
  registered once per bot (the papers cog does it), answers them on any message — paper cards, digest
  posts, DMs, answers — after a timeout and after a restart, for as long as the message exists. Build
  them with `paper_buttons()`; `PaperButtons` is the rendered-only View of a message that has nothing
  else (it is stopped before sending, so discord.py never stores it per message).

Usage (after sending, hand a per-message view its message so the timeout can disable it)::

    view = AnswerView(index, question, answer)
    await send_view(interaction, view, embed=answer_embed(answer, question=question))   # slash command
    # or, replying to a message:
    view.message = await message.reply(embed=..., view=view.or_missing(), allowed_mentions=NO_MENTIONS)
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

import discord
from discord.utils import MISSING

from bot.answer import Answer, pick
from bot.corpus.model import Paper
from bot.discord_adapter.errors import admit, handle_interaction_error
from bot.discord_adapter.interactions import NO_MENTIONS
from bot.discord_adapter.limits import CHOICE_NAME_MAX, clip
from bot.discord_adapter.papers.embeds import (
    PAGE_SIZE,
    abstract_embeds,
    abstract_is_trimmed,
    answer_embed,
    display_title,
    groups_embeds,
    search_page_embed,
    similar_embed,
)
from bot.offload import Offload
from bot.search.index import MAX_LIMIT, PaperIndex
from bot.search.results import SearchResults

if TYPE_CHECKING:
    from bot.discord_adapter.client import PaperBot

__all__ = [
    "CUSTOM_ID_MAX",
    "PAPER_BUTTON_TEMPLATE",
    "SIMILAR_COUNT",
    "AnswerView",
    "PaperButton",
    "PaperButtons",
    "PaperCardView",
    "PaperView",
    "SearchPages",
    "SearchView",
    "is_persistent",
    "offload_of",
    "paper_buttons",
    "send_abstract",
    "send_private",
    "send_similar",
    "send_view",
]

log = logging.getLogger("paperbot.discord")

SIMILAR_COUNT = 5
NOT_YOURS = "Only the person who searched can page — run /search yourself."

CUSTOM_ID_MAX = 100
PAPER_BUTTON_TEMPLATE = r"paper:(?P<action>abstract|similar):(?P<paper_id>.+)"
PROPOSE_PREFIX = "rg:propose:"  # answered by the reading-group cog's own persistent handler
PERSISTENT_PREFIXES = ("paper:abstract:", "paper:similar:", PROPOSE_PREFIX)
PaperAction = Literal["abstract", "similar"]
ACTION_LABELS: dict[PaperAction, str] = {"abstract": "Show abstract", "similar": "Similar papers"}

Message = discord.Message | discord.WebhookMessage | discord.InteractionMessage


class PaperView(discord.ui.View):
    """Base view: times out after TIMEOUT seconds, then disables its components on the message."""

    TIMEOUT: ClassVar[float] = 600.0
    """Seconds of inactivity before the buttons are disabled (tests patch this to a fraction of a second)."""

    def __init__(self) -> None:
        super().__init__(timeout=type(self).TIMEOUT)
        self.message: Message | None = None

    def or_missing(self) -> Any:
        """This view, or discord's MISSING when it has no components (e.g. under a refusal)."""
        return self if self.children else MISSING

    def disable_all(self) -> None:
        """Grey out every per-message button and select (persistent paper buttons keep working)."""
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select) and not is_persistent(item):
                item.disabled = True

    async def on_timeout(self) -> None:
        """Disable the components on the message; a deleted message or expired token is not an error."""
        if self.message is None or not self.children:
            return
        self.disable_all()
        try:
            await self.message.edit(view=self, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.info("could not disable the buttons of message %s: %s", self.message.id, exc)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Track the click as in flight; refused with a short notice while the bot shuts down."""
        return await admit(interaction)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        """Route callback errors through the one interaction error handler."""
        await handle_interaction_error(interaction, error)


# --- shared actions ------------------------------------------------------------------------------


async def send_private(interaction: discord.Interaction, embeds: Sequence[discord.Embed]) -> None:
    """Reply privately with `embeds`, one a message (each embed may take a message's 6000 characters)."""
    await interaction.response.send_message(embed=embeds[0], ephemeral=True, allowed_mentions=NO_MENTIONS)
    for embed in embeds[1:]:
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def send_abstract(interaction: discord.Interaction, paper: Paper) -> None:
    """Reply privately with the paper's readable abstract (several messages if it is very long)."""
    await send_private(interaction, abstract_embeds(paper))


def offload_of(interaction: discord.Interaction) -> Offload:
    """The app's worker pool, for a callback that has only the interaction."""
    return cast("PaperBot", interaction.client).app.offload


async def send_similar(interaction: discord.Interaction, index: PaperIndex, paper: Paper) -> None:
    """Reply privately with the papers most like `paper` (searched in the worker pool)."""
    hits = await offload_of(interaction)(index.similar, paper.id, limit=SIMILAR_COUNT)
    await interaction.response.send_message(
        embed=similar_embed(paper, hits), ephemeral=True, allowed_mentions=NO_MENTIONS
    )


async def send_view(
    interaction: discord.Interaction, view: PaperView, *, embed: discord.Embed, ephemeral: bool = False
) -> None:
    """Answer `interaction` with `embed` and `view` (as the followup if it was deferred), and hand the
    view its message so the timeout can disable it. A view without components is not sent."""
    components: Any = view.or_missing()
    if interaction.response.is_done():
        view.message = await interaction.followup.send(
            embed=embed, view=components, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, wait=True
        )
        return
    response = await interaction.response.send_message(
        embed=embed, view=components, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
    )
    resource = getattr(response, "resource", None)
    view.message = (
        resource
        if isinstance(resource, discord.InteractionMessage)
        else await interaction.original_response()
    )


# --- search paging -------------------------------------------------------------------------------


class SearchPages:
    """Pages of search results: `fetch(offset, limit)` returns one page, and `page()` runs it in
    `offload` (the worker pool), off the event loop; `label` names the search."""

    def __init__(self, fetch: Callable[[int, int], SearchResults], label: str, offload: Offload) -> None:
        self.fetch = fetch
        self.label = label
        self._offload = offload

    @classmethod
    def for_query(
        cls,
        index: PaperIndex,
        query: str,
        offload: Offload,
        *,
        limit: int | None = None,
        label: str | None = None,
    ) -> SearchPages:
        """Pages of `index.search(query)`, at most `limit` results in all (None: every match)."""
        cap = MAX_LIMIT * 1000 if limit is None else limit

        def fetch(offset: int, size: int) -> SearchResults:
            if offset >= cap:
                found = index.search(query, limit=1)
                return SearchResults((), min(found.total, cap), found.query, found.notes)
            found = index.search(query, limit=min(size, cap - offset), offset=offset, by_meaning=True)
            return SearchResults(found.hits, min(found.total, cap), found.query, found.notes)

        return cls(fetch, label or query, offload)

    @classmethod
    def excluding(
        cls, index: PaperIndex, query: str, exclude: Sequence[str], offload: Offload, *, label: str
    ) -> SearchPages:
        """Pages of `index.search(query)` without the papers in `exclude` (those an answer already cited);
        searched once, when the first page is fetched."""
        skipped = set(exclude)
        found: list[SearchResults] = []

        def fetch(offset: int, limit: int) -> SearchResults:
            if not found:
                first = index.search(query, limit=MAX_LIMIT)
                kept = tuple(h for h in first.hits if h.paper.id not in skipped)
                found.append(SearchResults(kept, len(kept), first.query, first.notes))
            every = found[0]
            return SearchResults(every.hits[offset : offset + limit], every.total, every.query, every.notes)

        return cls(fetch, label, offload)

    async def page(self, number: int) -> tuple[SearchResults, int]:
        """Page `number` (1-based) and the number of pages, fetched in the worker pool."""
        results = await self._offload(self.fetch, (number - 1) * PAGE_SIZE, PAGE_SIZE)
        return results, max(1, math.ceil(results.total / PAGE_SIZE))


class SearchView(PaperView):
    """*Previous*/*Next* under a search page; only the person who searched may page."""

    def __init__(self, pages: SearchPages, owner_id: int, first: tuple[SearchResults, int]) -> None:
        """`first` is page 1 and the number of pages (`pages.page(1)`); `open` fetches it."""
        super().__init__()
        self.pages = pages
        self.owner_id = owner_id
        self.page = 1
        self.results, self.page_count = first
        self._sync_buttons()

    @classmethod
    async def open(cls, pages: SearchPages, owner_id: int) -> SearchView:
        """The view on page 1, searched in the worker pool; built here, on the loop, as Views must be."""
        return cls(pages, owner_id, await pages.page(1))

    def embed(self) -> discord.Embed:
        """The current page."""
        return search_page_embed(self.results, self.page, self.page_count, label=self.pages.label)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.page_count

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Refuse other users, privately, and tell them how to get their own results."""
        if not await super().interaction_check(interaction):
            return False
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return False

    async def _show(self, interaction: discord.Interaction, page: int) -> None:
        self.page = page
        self.results, self.page_count = await self.pages.page(page)
        self.page = min(self.page, self.page_count)
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.embed(), view=self, allowed_mentions=NO_MENTIONS)

    @discord.ui.button(
        label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary, custom_id="pb:search:prev"
    )
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[SearchView]) -> None:
        """Show the page before this one."""
        await self._show(interaction, max(1, self.page - 1))

    @discord.ui.button(
        label="Next", emoji="▶️", style=discord.ButtonStyle.secondary, custom_id="pb:search:next"
    )
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[SearchView]) -> None:
        """Show the page after this one."""
        await self._show(interaction, self.page + 1)


# --- under an answer -----------------------------------------------------------------------------


class AnswerView(PaperView):
    """Under a cited answer: *More results*, *Show abstract* (pick a source), *Similar papers* (to the
    first source; a persistent paper button, so it outlives the others' timeout). Under a breakdown
    that leaves groups out: *N more* (every group), alone. Under papers drawn at random ("surprise me"):
    *Another* instead of *More results*, drawing again among the same matches, never a paper this message
    has shown, and *Propose for reading group* for the first.

    An answer with neither (a refusal, a short breakdown) gets no components at all: send with
    `view=view.or_missing()`. Anyone may click; the replies are private to the person who clicked.
    """

    def __init__(self, index: PaperIndex, question: str, answer: Answer) -> None:
        super().__init__()
        self.index = index
        self.question = question
        self.answer = answer
        self.drawn = [c.paper.id for c in answer.citations]
        self.picked = answer.question is not None and answer.question.intent == "pick"
        if not answer.citations:
            self.clear_items()
            if answer.unshown_groups:  # the button names how many groups the text left out
                groups_button: discord.ui.Button[AnswerView] = self.groups
                groups_button.label = f"{answer.unshown_groups} more"
                self.add_item(groups_button)
            return
        self.remove_item(self.groups)
        picker: discord.ui.Select[AnswerView] = self.abstract
        picker.options = [
            discord.SelectOption(
                label=clip(f"[{c.number}] {display_title(c.paper)}", CHOICE_NAME_MAX), value=str(c.number)
            )
            for c in answer.citations[:25]
        ]
        more_button: discord.ui.Button[AnswerView] = self.more
        if answer.more:  # a list answer shows a screenful; the button names how many more match
            more_button.label = f"{answer.more} more"
        if self.picked:
            more_button.label = "Another"
        # *Similar papers* (to the first source), persistent; under a paper drawn at random ("what should we
        # read?"), *Propose for reading group* too
        for button in paper_buttons(answer.citations[0].paper.id, abstract=False, propose=self.picked):
            self.add_item(button)

    def _cited(self, number: str) -> Paper:
        for citation in self.answer.citations:
            if str(citation.number) == number:
                return citation.paper
        return self.answer.citations[0].paper

    @discord.ui.button(label="More results", style=discord.ButtonStyle.primary, custom_id="pb:ask:more")
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button[AnswerView]) -> None:
        """The next hits for the same question (those not cited), as a private search page; under papers
        drawn at random, another draw, privately."""
        if self.picked and self.answer.question is not None:
            drawn = frozenset(self.drawn)
            again = await offload_of(interaction)(pick, self.index, self.answer.question, drawn)
            self.drawn += [c.paper.id for c in again.citations]
            await send_private(interaction, [answer_embed(again, question=self.question)])
            return
        cited = [c.paper.id for c in self.answer.citations]
        pages = SearchPages.excluding(
            self.index,
            self.question,
            cited,
            offload_of(interaction),
            label=f"more for “{clip(self.question, 180)}”",
        )
        view = await SearchView.open(pages, interaction.user.id)
        await send_view(interaction, view, embed=view.embed(), ephemeral=True)

    @discord.ui.button(label="All groups", style=discord.ButtonStyle.primary, custom_id="pb:ask:groups")
    async def groups(self, interaction: discord.Interaction, button: discord.ui.Button[AnswerView]) -> None:
        """Every group of the breakdown (the answer carries them), privately, over as many messages as
        Discord's limits need."""
        await send_private(interaction, groups_embeds(self.answer, question=self.question))

    @discord.ui.select(
        placeholder="Show abstract of…",
        custom_id="pb:ask:abstract",
        min_values=1,
        max_values=1,
        options=[discord.SelectOption(label="-", value="1")],
    )
    async def abstract(self, interaction: discord.Interaction, select: discord.ui.Select[AnswerView]) -> None:
        """The chosen source's readable abstract, privately."""
        await send_abstract(interaction, self._cited(select.values[0]))


# --- persistent paper buttons -------------------------------------------------------------------


def _live_index(interaction: discord.Interaction) -> PaperIndex:
    """The index serving now (a click may come days after the message, across reloads and restarts)."""
    return cast("PaperBot", interaction.client).app.library.index


def is_persistent(item: discord.ui.Item[Any]) -> bool:
    """Whether `item` is a persistent paper button (answered by a registered handler, never times out)."""
    custom_id = getattr(item, "custom_id", None)
    return isinstance(custom_id, str) and custom_id.startswith(PERSISTENT_PREFIXES)


class PaperButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAPER_BUTTON_TEMPLATE):
    """*Show abstract* / *Similar papers* for one paper, answered privately on any message carrying the
    custom_id `paper:<action>:<paper id>` — also after a restart. Registered once per bot (the papers cog
    does it); registering a second class for the same ids would answer each click twice."""

    def __init__(self, action: PaperAction, paper_id: str, *, disabled: bool = False) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=ACTION_LABELS[action],
            style=discord.ButtonStyle.secondary,
            custom_id=f"paper:{action}:{paper_id}",
            disabled=disabled,
        )
        super().__init__(button)
        self.action: PaperAction = action
        self.paper_id = paper_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PaperButton:
        """Rebuild the button from the clicked custom_id."""
        return cls(cast(PaperAction, match["action"]), match["paper_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Reply privately (an UnknownPaperError message if the paper has left the corpus since)."""
        if not await admit(interaction):
            return
        try:
            index = _live_index(interaction)
            paper = index.get(self.paper_id)
            if self.action == "abstract":
                await send_abstract(interaction, paper)
            else:
                await send_similar(interaction, index, paper)
        except Exception as exc:  # discord.py would only log it: answer the user instead
            await handle_interaction_error(interaction, exc)


def paper_buttons(
    paper_id: str,
    *,
    abstract: bool = True,
    similar: bool = True,
    propose: bool = True,
    disabled: bool = False,
) -> list[discord.ui.Button[Any]]:
    """The persistent buttons for one paper: *Show abstract*, *Similar papers*, *Propose for reading
    group* — each left out when its custom_id would pass Discord's 100 characters (a very long imported
    id), so the message still goes out.

    They are plain Buttons, handled by the registered `PaperButton` (and the reading group's handler),
    never DynamicItem instances: discord.py unregisters a DynamicItem class when a stored View holding
    one stops, which would silence these buttons bot-wide the first time a per-message view timed out.
    """
    wanted: dict[PaperAction, bool] = {"abstract": abstract, "similar": similar}
    buttons = [PaperButton(action, paper_id, disabled=disabled).item for action, on in wanted.items() if on]
    if propose:
        buttons.append(
            discord.ui.Button(
                label="Propose for reading group",
                emoji="📚",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PROPOSE_PREFIX}{paper_id}",
                disabled=disabled,
            )
        )
    return [b for b in buttons if len(b.custom_id or "") <= CUSTOM_ID_MAX]


class PaperButtons(PaperView):
    """A message's buttons when all of them are persistent paper buttons (`paper_buttons`).

    Rendered only: stopped as soon as it is built, so discord.py neither stores it per message (one dead
    View per post, forever) nor times it out — the registered handlers answer the clicks. Build it inside
    the running event loop; a View made outside one cannot be stopped.
    """

    def __init__(
        self, paper_id: str, *, abstract: bool = True, propose: bool = True, disabled: bool = False
    ) -> None:
        super().__init__()
        for button in paper_buttons(paper_id, abstract=abstract, propose=propose, disabled=disabled):
            self.add_item(button)
        self.stop()


class PaperCardView(PaperButtons):
    """Under a paper card: *Show abstract* when the card trimmed it, *Similar papers*, *Propose for
    reading group*. `index` is the one the card was rendered from; clicks read the live index."""

    def __init__(self, index: PaperIndex, paper: Paper) -> None:
        super().__init__(paper.id, abstract=abstract_is_trimmed(paper))
        self.index = index
        self.paper = paper
