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


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Trim an embed in place to every Discord limit (per part and 6000 in all) and return it."""
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
    while _embed_size(embed) > EMBED_TOTAL_MAX and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    excess = _embed_size(embed) - EMBED_TOTAL_MAX
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - excess))
    return embed
