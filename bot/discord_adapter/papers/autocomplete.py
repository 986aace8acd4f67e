"""Autocomplete choices for paper, author and category options (≤ 25, names ≤ 100 chars, values = ids).

Pure functions of the index and what the user has typed so far, so they are tested without Discord.
Matching is accent- and case-insensitive (the index folds both sides): "rutte" finds Dimitri von Rütte.
"""

from __future__ import annotations

from discord import app_commands

from bot.discord_adapter.limits import AUTOCOMPLETE_CHOICES_MAX, CHOICE_NAME_MAX, clip
from bot.discord_adapter.papers.embeds import display_title
from bot.search.analysis import fold
from bot.search.index import PaperIndex

__all__ = ["author_choices", "category_choices", "paper_choices"]

VALUE_MAX = 100
"""Discord's limit for a string choice value; a paper id longer than this can't be offered."""


def paper_choices(index: PaperIndex, typed: str) -> list[app_commands.Choice[str]]:
    """Papers whose title matches what was typed, then papers by authors whose name matches it.

    People remember "that Lucchi paper" as often as a title, so a name finds its papers too; those
    choices say whose paper it is. Values are paper ids.
    """
    choices: list[app_commands.Choice[str]] = []
    seen: set[str] = set()

    def offer(paper_id: str, name: str) -> None:
        if paper_id not in seen and len(paper_id) <= VALUE_MAX:
            seen.add(paper_id)
            choices.append(app_commands.Choice(name=name, value=paper_id))

    for paper in index.suggest_titles(typed, AUTOCOMPLETE_CHOICES_MAX):
        offer(paper.id, clip(display_title(paper), CHOICE_NAME_MAX))
    if typed.strip():
        for author in index.suggest_authors(typed, AUTOCOMPLETE_CHOICES_MAX):
            suffix = f" — {author}"
            for paper in index.papers_by_author(author):
                offer(paper.id, clip(display_title(paper), CHOICE_NAME_MAX - len(suffix)) + suffix)
    return [app_commands.Choice(name=clip(c.name, CHOICE_NAME_MAX), value=c.value) for c in choices][
        :AUTOCOMPLETE_CHOICES_MAX
    ]


def author_choices(index: PaperIndex, typed: str) -> list[app_commands.Choice[str]]:
    """Author names matching what was typed, most prolific first."""
    return [
        app_commands.Choice(name=clip(name, CHOICE_NAME_MAX), value=name[:VALUE_MAX])
        for name in index.suggest_authors(typed, AUTOCOMPLETE_CHOICES_MAX)
    ]


def category_choices(index: PaperIndex, typed: str) -> list[app_commands.Choice[str]]:
    """Category codes (with their paper counts) starting with what was typed."""
    wanted = fold(typed).strip()
    return [
        app_commands.Choice(name=f"{code} ({count} papers)", value=code)
        for code, count in index.categories()
        if fold(code).startswith(wanted)
    ][:AUTOCOMPLETE_CHOICES_MAX]
