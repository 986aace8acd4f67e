"""`paperbot rg ics` writes the same calendar as `/rg calendar`, from the bot's database.

Sessions are put in 2099 because the CLI reads the real clock (it lists sessions not yet over).
"""

from __future__ import annotations

import argparse
import asyncio
import io
from pathlib import Path
from typing import Any

import icalendar
import pytest

from bot.errors import ReadingGroupError
from bot.settings import Settings
from bot.terminal_rg import cmd_rg_ics
from tests.fake_discord import FakeDiscord

from .rg_helpers import setup_group, slash

FIELDS = ("UID", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "STATUS", "LOCATION")


def _events(ics: bytes) -> list[dict[str, str]]:
    calendar = icalendar.Calendar.from_ical(ics)
    return [
        {
            name: event.get(name).to_ical().decode()
            if hasattr(event.get(name), "to_ical")
            else str(event.get(name))
            for name in FIELDS
        }
        for event in calendar.walk("VEVENT")
    ]


async def _cli(settings: Settings, server: int, out_file: Path | None) -> tuple[int, str]:
    out = io.StringIO()
    args = argparse.Namespace(server=server, out=out_file)
    code = await asyncio.to_thread(cmd_rg_ics, args, settings, out, io.StringIO())
    return code, out.getvalue()


async def test_the_cli_writes_the_calendar_that_rg_calendar_attaches(
    fake_discord: FakeDiscord, paperbot: Any, bot_settings: Settings, tmp_path: Path
) -> None:
    await setup_group(fake_discord, location="HG E 33")
    await slash(
        fake_discord,
        "rg schedule",
        {"when": "2099-01-08 16:00", "paper": "scaling-mlps-a-tale-of-inductive-bias"},
        user="bob",
    )
    await slash(fake_discord, "rg schedule", {"when": "2099-01-15 16:00"}, user="bob")
    await slash(fake_discord, "rg calendar")
    attached = fake_discord.find_requests("POST", r"/webhooks/\d+/[^/]+")[-1].files[0].data

    out_file = tmp_path / "rg.ics"
    code, said = await _cli(bot_settings, fake_discord.guild.id, out_file)
    assert (code, said) == (0, f"wrote {out_file} (2 sessions)\n")
    written = out_file.read_bytes()
    assert _events(written) == _events(attached)
    assert [e["DTSTART"] for e in _events(written)] == ["20990108T160000", "20990115T160000"]
    assert _events(written)[0]["LOCATION"] == "HG E 33"

    code, printed = await _cli(bot_settings, fake_discord.guild.id, None)
    assert code == 0
    assert _events(printed.encode()) == _events(written)  # (DTSTAMP is the moment of writing)


async def test_the_cli_says_when_the_server_has_no_reading_group(app: Any, bot_settings: Settings) -> None:
    """`app` has created the bot's database: the CLI reads state, it never creates a database."""
    with pytest.raises(ReadingGroupError, match="isn't set up here yet"):
        await _cli(bot_settings, 12345, None)
