"""Pure rendering: core results → discord.Embed objects, always within Discord's limits.

Nothing here talks to Discord; every function only builds an Embed (and passes it through `fit_embed`),
so each can be unit-tested for the limits with absurd inputs (a 10,000-char abstract, 40 authors).
Paper text is escaped for markdown so a title like `*A* _B_` shows as written, and brackets can't break
the `[title](link)` syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time

import discord

from bot.answer import Answer
from bot.corpus.model import Paper
from bot.corpus.text import readable_abstract, readable_text
from bot.discord_adapter.limits import (
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_VALUE_MAX,
    clip,
    fit_embed,
    split_message,
)
from bot.search.results import Hit, SearchResults

__all__ = [
    "ABSTRACT_PREVIEW",
    "BUTTON_BELOW",
    "PAGE_SIZE",
    "REPLY_MORE",
    "about_embed",
    "abstract_embeds",
    "abstract_is_trimmed",
    "answer_embed",
    "author_embed",
    "date_stamp",
    "display_title",
    "groups_embeds",
    "help_embed",
    "paper_embed",
    "paper_link",
    "recent_embed",
    "search_page_embed",
    "similar_embed",
]

PAGE_SIZE = 5
"""Hits per search page: five entries with snippets stay readable on a phone."""
ABSTRACT_PREVIEW = 1800
"""Abstract characters on a paper card; longer ones get a *Show abstract* button."""
SNIPPET_CHARS = 220
GROUP_LABEL_CHARS = 200
"""A group's label in the full list of a breakdown (a person's name, a category, a year) is cut here."""
BUTTON_BELOW = "the button below"
REPLY_MORE = "reply “more”"
"""How a Discord user sees what an answer leaves out: its *N more* button, or "more" in the conversation."""
SOURCE_TITLE_CHARS = 200
ANSWER_COLOUR = discord.Colour.blurple()
REFUSAL_COLOUR = discord.Colour.light_grey()
PAPER_COLOUR = discord.Colour.teal()

QUERY_HELP = (
    '`author:hofmann` · `author:"van der Klis"` · `year:2024` · `year:2022..2024` · `cat:CV` · '
    "`has:code` · `sort:date` — mix them with plain words, e.g. `diffusion author:hofmann year:2023..`.\n"
    "Plain phrases work too: *latest papers by Hofmann*, *since 2023*, *with code*."
)
FREE_TEXT_HELP = (
    "Mention me with a question, send me a DM, or write in an ask channel. Follow up in the thread I "
    "open (or by replying): *more*, *the second one*, *similar to [2]*, *only ones with code*."
)
COMMAND_HELP: tuple[tuple[str, str], ...] = (
    ("/ask question", "A short answer drawn from the papers, with numbered sources."),
    ("/search query", "Ranked papers, 5 per page; options for author, year, category, code."),
    ("/paper paper", "One paper's card: authors, date, links and abstract (start typing a title)."),
    ("/author name", "An author's papers, newest first, and frequent co-authors."),
    ("/similar paper", "Papers most like the one you pick."),
    ("/random", "A random paper from the corpus."),
    ("/recent [count]", "The newest papers (1–10)."),
    ("/about", "How many papers I know, from when to when, and when they were loaded."),
)

_BRACKETS = re.compile(r"([\[\]])")


def _plain(text: str) -> str:
    """Text shown as written: `*`, `_`, `~`, `|` and backticks escaped."""
    return discord.utils.escape_markdown(text, as_needed=False)


def _md(text: str) -> str:
    """Like `_plain`, brackets escaped too (in a title they would break `[title](url)`)."""
    return _BRACKETS.sub(r"\\\1", _plain(text))


def _code(text: str) -> str:
    """Inline code that survives backticks inside `text`."""
    return "`" + text.replace("`", "ʼ") + "`"


def date_stamp(day: date) -> str:
    """A Discord date timestamp (`<t:…:D>`) shown in each reader's own locale.

    Noon UTC, not midnight: a reader at UTC-8 would otherwise see the day before.
    """
    return discord.utils.format_dt(datetime.combine(day, time(12), tzinfo=UTC), "D")


def display_title(paper: Paper) -> str:
    """The title as people read it (TeX-ish markup such as `--` or `$\\alpha$` rendered)."""
    return readable_text(paper.title) or paper.title


def paper_link(paper: Paper) -> str | None:
    """The paper's first http(s) link, or None."""
    return next((link for link in paper.links if link.startswith(("http://", "https://"))), None)


def _linked_title(paper: Paper, limit: int = SOURCE_TITLE_CHARS) -> str:
    title = _md(clip(display_title(paper), limit))
    link = paper_link(paper)
    return f"[{title}]({link})" if link and len(link) <= 512 else f"**{title}**"


def _byline(paper: Paper) -> str:
    year = f" ({paper.year})" if paper.year else ""
    return _md(clip(paper.short_authors(), 150)) + year


def source_line(number: int, paper: Paper) -> str:
    """`**[1]** [Title](link) — A, B, C et al. (2024)`: one numbered source under an answer."""
    return f"**[{number}]** {_linked_title(paper)} — {_byline(paper)}"


# --- /ask ---------------------------------------------------------------------------------------


def answer_embed(answer: Answer, *, question: str | None = None, follow_up: bool = False) -> discord.Embed:
    """A cited answer: the short text, then **Sources** as numbered entries. A refusal has no sources.

    A breakdown that leaves groups out says how to see them all: the *N more* button under it (its view
    has one), or — with `follow_up`, in a conversation — replying "more".
    """
    sources = "\n".join(source_line(c.number, c.paper) for c in answer.citations)
    block = f"\n\n**Sources**\n{sources}" if sources else ""
    if answer.unshown_groups:
        how = f"{BUTTON_BELOW}, or {REPLY_MORE}" if follow_up else BUTTON_BELOW
        block = f"\n… all {answer.unshown_groups} more: {how}."
    block = clip(block, EMBED_DESCRIPTION_MAX // 2)  # real answers cite ≤ 3 papers; keep room for text
    text = clip(_plain(answer.text), EMBED_DESCRIPTION_MAX - len(block))
    embed = discord.Embed(
        title=clip(question.strip(), 256) if question and question.strip() else None,
        description=text + block,
        colour=ANSWER_COLOUR if answer.confident else REFUSAL_COLOUR,
    )
    if answer.citations:
        embed.set_footer(text="Answer built from sentences of the cited papers.")
    return fit_embed(embed)


_GROUP_NOUNS = {
    "author": "people named",
    "category": "categories",
    "year": "years",
    "affiliation": "institutions",
}


def groups_embeds(answer: Answer, *, question: str | None = None) -> list[discord.Embed]:
    """Every group of a breakdown answer, one a line ("Name (n)", most papers first, as the answer
    orders them), split over as many embeds as Discord's limits need (send one per message). No group
    is ever split: labels are clipped far below half an embed, so `split_message` cuts between lines."""
    by = answer.question.by if answer.question is not None else None
    noun = _GROUP_NOUNS.get(by or "", "groups")
    head = f"All {len(answer.groups)} {noun}, most papers first:"
    lines = [f"{_plain(clip(label, GROUP_LABEL_CHARS))} ({n})" for label, n in answer.groups]
    chunks = split_message("\n".join([head, *lines]), EMBED_DESCRIPTION_MAX - 10)
    asked = " ".join((question or "").split()) or "Every group"
    embeds = []
    for number, chunk in enumerate(chunks, start=1):
        part = "" if len(chunks) == 1 else f" ({number}/{len(chunks)})"
        title = clip(asked, 256 - len(part)) + part
        embeds.append(fit_embed(discord.Embed(title=title, description=chunk, colour=ANSWER_COLOUR)))
    return embeds


# --- search pages and lists ---------------------------------------------------------------------


def _hit_entry(rank: int, hit: Hit) -> str:
    snippet = clip(" ".join(hit.snippet.split()), SNIPPET_CHARS)
    lines = [f"**{rank}.** {_linked_title(hit.paper)}", f"{_byline(hit.paper)} · {_code(hit.paper.id)}"]
    if snippet:
        lines.append(f"> {_md(snippet)}")
    return "\n".join(lines)


def search_page_embed(
    results: SearchResults, page: int, pages: int, *, label: str | None = None
) -> discord.Embed:
    """One page of ranked hits (PAGE_SIZE per page), with the total, page x/y and the query's notes."""
    first = (page - 1) * PAGE_SIZE + 1
    entries = [_hit_entry(rank, hit) for rank, hit in enumerate(results.hits, start=first)]
    shown = label if label is not None else (results.query.text or "papers")
    if entries:
        description = "\n\n".join(entries)
        if results.hits[0].by_meaning:
            description = f"No paper uses those words; this is the closest in meaning.\n\n{description}"
    elif results.total:
        description = "No more results on this page — go back a page."
    else:
        description = "No papers match that. Try fewer or different words, or drop a filter."
    embed = discord.Embed(
        title=clip(f"Search: {shown}", 256),
        description=clip(description, EMBED_DESCRIPTION_MAX),
        colour=PAPER_COLOUR,
    )
    if results.notes:
        notes = "\n".join(f"• {_md(n)}" for n in results.notes)
        embed.add_field(name="Note", value=clip(notes, EMBED_FIELD_VALUE_MAX), inline=False)
    papers = "paper" if results.total == 1 else "papers"
    embed.set_footer(text=f"{results.total} {papers} · page {page}/{max(pages, 1)}")
    return fit_embed(embed)


def similar_embed(paper: Paper, hits: Sequence[Hit]) -> discord.Embed:
    """Papers most like `paper`, best first."""
    entries = [_hit_entry(rank, hit) for rank, hit in enumerate(hits, start=1)]
    embed = discord.Embed(
        title=clip(f"Similar to: {display_title(paper)}", 256),
        description=clip(
            "\n\n".join(entries) or "No other paper is close to this one.", EMBED_DESCRIPTION_MAX
        ),
        colour=PAPER_COLOUR,
    )
    return fit_embed(embed)


def _paper_entry(paper: Paper) -> str:
    when = paper.published_text(date_stamp) or "undated"
    return f"• {_linked_title(paper, 150)} — {when} · {_code(paper.id)}"


def recent_embed(papers: Sequence[Paper]) -> discord.Embed:
    """The newest papers, newest first."""
    embed = discord.Embed(
        title="Newest papers",
        description=clip(
            "\n".join(_paper_entry(p) for p in papers) or "No papers are loaded.", EMBED_DESCRIPTION_MAX
        ),
        colour=PAPER_COLOUR,
    )
    return fit_embed(embed)


# --- one paper ----------------------------------------------------------------------------------


def _authors_value(paper: Paper) -> str:
    """Every known author that fits a field, saying when the list is cut (by us or by the source)."""
    if not paper.authors:
        return "unknown"
    shown: list[str] = []
    used = 0
    for name in paper.authors:
        escaped = _md(name)
        if used + len(escaped) + 2 > EMBED_FIELD_VALUE_MAX - 60:
            break
        shown.append(escaped)
        used += len(escaped) + 2
    text = ", ".join(shown)
    if len(shown) < len(paper.authors):
        text += f" … and {len(paper.authors) - len(shown)} more"
    if paper.authors_truncated:
        text += " *(the source lists only the first authors)*"
    return text


def abstract_is_trimmed(paper: Paper) -> bool:
    """True when a card shows only the start of the abstract (so it offers *Show abstract*)."""
    return len(readable_abstract(paper.abstract)) > ABSTRACT_PREVIEW


def paper_embed(paper: Paper, *, extra_lines: Iterable[str] = ()) -> discord.Embed:
    """A paper's card: title (linked), authors, date, categories, affiliations, code/links, abstract.

    `extra_lines` (e.g. "discussed on …") are shown under the facts, for features that add to the card.
    """
    abstract = readable_abstract(paper.abstract)
    embed = discord.Embed(
        title=clip(display_title(paper), 256),
        url=paper_link(paper),
        description=_md(clip(abstract, ABSTRACT_PREVIEW)) if abstract else "*No abstract available.*",
        colour=PAPER_COLOUR,
    )
    embed.add_field(name="Authors", value=_authors_value(paper), inline=False)
    embed.add_field(name="Published", value=paper.published_text(date_stamp) or "unknown")
    embed.add_field(name="Category", value=", ".join(paper.categories) or "—")
    if paper.affiliations:
        embed.add_field(
            name="Affiliations", value=clip(_md("; ".join(paper.affiliations)), 512), inline=False
        )
    links = [link for link in paper.links if len(link) <= 300]
    code = "✅ code available" if paper.has_code else ""
    link_text = "\n".join([*([code] if code else []), *links[:5]])
    if link_text:
        embed.add_field(name="Code & links", value=clip(link_text, 512), inline=False)
    extra = "\n".join(line for line in extra_lines if line)
    if extra:
        embed.add_field(name="Notes", value=clip(extra, 512), inline=False)
    embed.set_footer(text=f"id: {paper.id}")
    return fit_embed(embed)


def abstract_embeds(paper: Paper) -> list[discord.Embed]:
    """The whole readable abstract, split over as many embeds as needed (one per message: ≤ 6000 each)."""
    abstract = readable_abstract(paper.abstract) or "No abstract available."
    chunks = split_message(_md(abstract), EMBED_DESCRIPTION_MAX - 10)
    embeds = []
    for number, chunk in enumerate(chunks, start=1):
        part = "" if len(chunks) == 1 else f" ({number}/{len(chunks)})"
        title = clip(display_title(paper), 256 - len(part)) + part
        embeds.append(
            fit_embed(
                discord.Embed(
                    title=clip(title, 256), url=paper_link(paper), description=chunk, colour=PAPER_COLOUR
                )
            )
        )
    return embeds


# --- people and the corpus ----------------------------------------------------------------------


def author_embed(name: str, papers: Sequence[Paper], coauthors: Sequence[tuple[str, int]]) -> discord.Embed:
    """An author's papers (newest first, as given) and their most frequent co-authors."""
    count = f"{len(papers)} paper" + ("" if len(papers) == 1 else "s")
    lines: list[str] = []
    used = 0
    for paper in papers:
        line = _paper_entry(paper)
        if used + len(line) + 1 > EMBED_DESCRIPTION_MAX - 40:
            lines.append(f"… and {len(papers) - len(lines)} more")
            break
        lines.append(line)
        used += len(line) + 1
    embed = discord.Embed(
        title=clip(f"{name} — {count}", 256), description="\n".join(lines), colour=PAPER_COLOUR
    )
    if coauthors:
        top = ", ".join(f"{_md(person)} ({shared})" for person, shared in coauthors[:10])
        embed.add_field(
            name="Frequent co-authors (shared papers)", value=clip(top, EMBED_FIELD_VALUE_MAX), inline=False
        )
    return fit_embed(embed)


def about_embed(
    *,
    papers: int,
    date_range: tuple[date, date] | None,
    categories: Sequence[tuple[str, int]],
    loaded_at: datetime,
    version: str,
) -> discord.Embed:
    """What the bot knows: corpus size, date range, categories, when it was loaded, and its version."""
    embed = discord.Embed(
        title="About paperbot",
        colour=PAPER_COLOUR,
        description="I answer questions about the group's papers, citing them.",
    )
    embed.add_field(name="Papers", value=str(papers))
    span = f"{date_stamp(date_range[0])} – {date_stamp(date_range[1])}" if date_range else "no dates"
    embed.add_field(name="Published", value=span)
    cats = ", ".join(f"{code} ({n})" for code, n in categories) or "none"
    embed.add_field(name="Categories", value=clip(cats, EMBED_FIELD_VALUE_MAX), inline=False)
    moment = loaded_at if loaded_at.tzinfo else loaded_at.replace(tzinfo=UTC)
    embed.add_field(name="Corpus loaded", value=discord.utils.format_dt(moment, "f"))
    embed.add_field(name="Version", value=version)
    return fit_embed(embed)


def help_embed() -> discord.Embed:
    """What each command does, and the query language."""
    embed = discord.Embed(
        title="paperbot help",
        description="Ask about the group's papers. Answers cite the papers they come from.",
        colour=PAPER_COLOUR,
    )
    for name, text in COMMAND_HELP:
        embed.add_field(name=name, value=text, inline=False)
    embed.add_field(name="Just ask", value=FREE_TEXT_HELP, inline=False)
    embed.add_field(name="Query language (for /search and /ask)", value=QUERY_HELP, inline=False)
    return fit_embed(embed)
