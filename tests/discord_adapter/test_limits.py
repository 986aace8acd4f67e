"""Discord's size limits: whatever the bot builds is trimmed to fit, never rejected."""

from __future__ import annotations

import discord
import pytest

from bot.discord_adapter.limits import CONTENT_MAX, EMBED_TOTAL_MAX, clip, fit_embed, split_message


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


def big_fields_embed(count: int, *, description: str | None, footer: str | None = None) -> discord.Embed:
    """An embed of `count` fields of uneven, large sizes (the largest: 256 + 1024 characters)."""
    embed = discord.Embed(title="Many large fields", description=description)
    if footer is not None:
        embed.set_footer(text=footer)
        embed.set_author(name="A" * 200)
    for i in range(count):
        embed.add_field(name=f"Field {i} " + "n" * (100 + 37 * i % 150), value="v" * (600 + 91 * i % 424))
    return embed


@pytest.mark.parametrize(
    ("description", "footer"),
    [(None, None), ("A short description.", None), ("D" * 1500, "F" * 2048), ("", "F" * 10)],
    ids=["no-description", "short-description", "long-parts", "footer-only"],
)
def test_many_large_fields_are_dropped_from_the_end_until_the_embed_fits_6000(
    description: str | None, footer: str | None
) -> None:
    embed = big_fields_embed(25, description=description, footer=footer)
    before = [(f.name, f.value) for f in embed.fields]
    fit_embed(embed)
    kept = [(f.name, f.value) for f in embed.fields]
    assert len(embed) <= EMBED_TOTAL_MAX
    assert kept == before[: len(kept)]  # the first fields, whole and in order
    next_name, next_value = before[len(kept)]
    assert len(embed) + len(next_name) + len(next_value) > EMBED_TOTAL_MAX  # no field dropped that fit
    assert (embed.description or None) == (description or None)  # fields went first: description whole


def test_an_embed_fits_a_smaller_budget_when_it_shares_a_message() -> None:
    for budget in (4500, 1500, 300, 40):
        embed = big_fields_embed(25, description="D" * 3000, footer="F" * 2048)
        fit_embed(embed, budget)
        assert len(embed) <= budget
        assert embed.title  # something is left to show
