"""`paperbot rg ics --server ID [--out FILE]`: a server's reading-group calendar, without Discord.

The same `.ics` that `/rg calendar` attaches (same UIDs and SEQUENCE numbers, so a calendar app that
imported one updates from the other), read from the bot's database. Presenters are shown as
"member <id>", because names live on Discord. For the same reason the service here keeps the core's
plain wording (`bot.readinggroup.wording.PlainWording`): a refusal names "member 123" and a UTC time,
never Discord's `<@123>` or `<t:…>` markup, which only the Discord adapter asks for.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TextIO

from bot.errors import UserError
from bot.settings import Settings


def cmd_rg_ics(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    """Write the calendar to `--out` (bytes as produced) or to `out`; print where it went."""
    ics = asyncio.run(_calendar(settings, int(args.server)))
    target: Path | None = args.out
    if target is None:
        out.write(ics.decode("utf-8"))
        return 0
    try:
        target.write_bytes(ics)
    except OSError as exc:
        raise UserError(f"Couldn't write the calendar to {target}: {exc.strerror or exc}.") from exc
    count = ics.count(b"BEGIN:VEVENT")
    out.write(f"wrote {target} ({count} session{'' if count == 1 else 's'})\n")
    return 0


async def _calendar(settings: Settings, guild_id: int) -> bytes:
    from bot.app import open_app

    app = await open_app(settings, existing_database=True)
    try:
        return await app.reading_group.memory.calendar_ics(guild_id)
    finally:
        await app.close()
