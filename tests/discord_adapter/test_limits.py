"""Discord's size limits: whatever the bot builds is trimmed to fit, never rejected."""

from __future__ import annotations

import discord

from bot.discord_adapter.limits import CONTENT_MAX, clip, fit_embed, split_message


def test_clip_ends_with_an_ellipsis_at_a_word_boundary() -> None:
    assert clip("short", 10) == "short"
    clipped = clip("word " * 100, 50)
    assert len(clipped) <= 50
    assert clipped.endswith("word…")


def test_split_message_keeps_every_character_in_chunks_of_at_most_2000() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(100)]
    text = "\n".join(lines)
    chunks = split_message(text)
    assert all(len(c) <= CONTENT_MAX for c in chunks)
    assert "\n".join(chunks) == text
    assert split_message("") == [""]
    unbroken = "y" * 4500
    assert [len(c) for c in split_message(unbroken)] == [2000, 2000, 500]


def test_fit_embed_respects_every_limit_and_the_6000_total() -> None:
    embed = discord.Embed(title="T" * 300, description="D" * 5000)
    embed.set_footer(text="F" * 3000)
    for i in range(30):
        embed.add_field(name=f"N{i}" * 200, value="V" * 2000)
    fit_embed(embed)
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)
    assert len(embed) <= 6000
