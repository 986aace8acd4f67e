"""The slash-command schema the bot syncs, compared with a reviewed snapshot, so every change is deliberate.

A changed command (name, description, option, permission) fails this test until the snapshot is
regenerated and the diff reviewed with the change:

    PAPERBOT_UPDATE_SNAPSHOTS=1 pytest tests/discord_adapter/test_command_schema.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.fake_discord import FakeDiscord

SNAPSHOT = Path(__file__).parent / "snapshots" / "commands.json"
UPDATE_ENV = "PAPERBOT_UPDATE_SNAPSHOTS"


def normalized(commands: list[dict[str, Any]]) -> str:
    """The PUT payload as stable text: commands sorted by name, keys sorted; option order kept (Discord
    shows options in the order sent, so it is part of the schema)."""
    ordered = sorted(commands, key=lambda c: (int(c.get("type") or 1), c["name"]))
    return json.dumps(ordered, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def walk(options: list[dict[str, Any]], path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every (qualified name, option) below a command, subcommands included."""
    found: list[tuple[str, dict[str, Any]]] = []
    for option in options:
        name = f"{path} {option['name']}"
        found.append((name, option))
        found += walk(option.get("options") or [], name)
    return found


async def test_synced_commands_match_the_snapshot(paperbot: Any, fake_discord: FakeDiscord) -> None:
    put = fake_discord.find_requests("PUT", f"/applications/{fake_discord.application_id}/commands")
    assert len(put) == 1
    actual = normalized(put[0].json)
    if os.environ.get(UPDATE_ENV) == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(actual, encoding="utf-8")
    assert SNAPSHOT.is_file(), f"no snapshot yet: run with {UPDATE_ENV}=1 and review {SNAPSHOT}"
    expected = SNAPSHOT.read_text(encoding="utf-8")
    assert actual == expected, (
        f"the synced slash commands changed; if intended, run with {UPDATE_ENV}=1 and commit the new "
        f"{SNAPSHOT.name} with the change"
    )


async def test_every_command_and_option_is_described(paperbot: Any, fake_discord: FakeDiscord) -> None:
    """Discord shows these descriptions as the help; an empty or placeholder one is a bug."""
    put = fake_discord.find_requests("PUT", f"/applications/{fake_discord.application_id}/commands")[0].json
    undescribed = []
    for command in put:
        if int(command.get("type") or 1) != 1:
            continue
        items = [(command["name"], command), *walk(command.get("options") or [], command["name"])]
        undescribed += [name for name, item in items if item.get("description") in (None, "", "…", "-")]
    assert undescribed == []
