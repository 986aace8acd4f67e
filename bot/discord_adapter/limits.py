"""Discord's size limits, enforced before sending, so nothing the bot says is ever rejected for length.

Peer bots fail with 50035 "Must be 2000 or fewer in length" (hist0613/arxivbot #18); here every text goes
through `clip`/`split_message`, and every embed through `fit_embed`.
"""

from __future__ import annotations

import discord

CONTENT_MAX = 2000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_FIELDS_MAX = 25
EMBED_TOTAL_MAX = 6000
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
BUTTON_LABEL_MAX = 80
THREAD_NAME_MAX = 100
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis (at a word boundary when one is near)."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def split_message(text: str, limit: int = CONTENT_MAX) -> list[str]:
    """Split `text` into chunks of at most `limit` chars, on line breaks, then spaces, then anywhere."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def _embed_size(embed: discord.Embed) -> int:
    return len(embed)


def fit_embed(embed: discord.Embed, budget: int = EMBED_TOTAL_MAX) -> discord.Embed:
    """Trim an embed in place to every Discord limit and to `budget` characters in all (at most 6000,
    less when other embeds share the message), and return it.

    Past the per-part limits, fields go first, from the last, each one only while the embed is still
    over (so no field is dropped that would have fit); then the description is cut; then, for budgets
    smaller than any embed Discord itself allows, the footer, the author line and the title.
    """
    budget = min(budget, EMBED_TOTAL_MAX)
    if embed.title:
        embed.title = clip(embed.title, EMBED_TITLE_MAX)
    if embed.description:
        embed.description = clip(embed.description, EMBED_DESCRIPTION_MAX)
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, EMBED_FOOTER_MAX), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(
            name=clip(embed.author.name, EMBED_AUTHOR_MAX),
            url=embed.author.url,
            icon_url=embed.author.icon_url,
        )
    fields = embed.fields[:EMBED_FIELDS_MAX]
    embed.clear_fields()
    for field in fields:
        embed.add_field(
            name=clip(field.name or "\u200b", EMBED_FIELD_NAME_MAX),
            value=clip(field.value or "\u200b", EMBED_FIELD_VALUE_MAX),
            inline=bool(field.inline),
        )
    while embed.fields and _embed_size(embed) > budget:
        embed.remove_field(len(embed.fields) - 1)
    excess = _embed_size(embed) - budget
    if excess > 0 and embed.description:
        embed.description = _shortened(embed.description, excess)
    excess = _embed_size(embed) - budget
    if excess > 0 and embed.footer.text:
        embed.set_footer(text=_shortened(embed.footer.text, excess), icon_url=embed.footer.icon_url)
    excess = _embed_size(embed) - budget
    if excess > 0 and embed.author.name:
        name = _shortened(embed.author.name, excess)
        if name is None:
            embed.remove_author()
        else:
            embed.set_author(name=name, url=embed.author.url, icon_url=embed.author.icon_url)
    excess = _embed_size(embed) - budget
    if excess > 0 and embed.title:
        embed.title = _shortened(embed.title, excess)
    return embed


def _shortened(text: str, excess: int) -> str | None:
    """`text` made `excess` characters shorter (ending in an ellipsis), or None if nothing is left."""
    keep = len(text) - excess
    return clip(text, keep) if keep > 1 else None
