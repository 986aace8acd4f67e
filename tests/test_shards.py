"""Sharding: which servers a process owns, and the settings and `paperbot run` flags that say so — every
mistake refused at start-up with the setting or flag to fix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot import cli
from bot.errors import ConfigError
from bot.settings import Settings, load_settings, with_shards
from bot.shards import EVERY_SERVER, Shards


def guild_on(shard: int, count: int, n: int = 0) -> int:
    """A server id Discord puts on `shard` of `count` (its timestamp bits decide: (id >> 22) % count)."""
    return ((1_000 * count + shard + n * count) << 22) | 12345


def test_a_process_owns_exactly_the_servers_of_its_shards() -> None:
    shards = Shards(4, (1, 3))
    assert [shards.owns(guild_on(s, 4)) for s in range(4)] == [False, True, False, True]
    assert all(shards.owns(guild_on(3, 4, n)) for n in range(10))
    assert all(EVERY_SERVER.owns(guild_on(s, 7)) for s in range(7))


def test_only_the_process_with_shard_zero_registers_commands() -> None:
    assert Shards(2, (0,)).registers_commands
    assert not Shards(2, (1,)).registers_commands
    assert EVERY_SERVER.registers_commands


def test_no_shard_ids_means_all_of_them() -> None:
    assert Shards.of(3, None) == Shards(3, (0, 1, 2))
    assert Settings().discord.shards() == EVERY_SERVER


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No config file and no PAPERBOT_ variables but the ones a test sets."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("PAPERBOT_")]:
        monkeypatch.delenv(name)
    return tmp_path


def test_shard_settings_come_from_the_environment(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOT_DISCORD__SHARD_COUNT", "4")
    monkeypatch.setenv("PAPERBOT_DISCORD__SHARD_IDS", "[2, 3]")
    assert load_settings().discord.shards() == Shards(4, (2, 3))


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        ("2", "[2]", "discord.shard_ids: shard ids run from 0 to 1 with 2 shard(s); [2] is outside"),
        ("2", "[0, 0]", "discord.shard_ids: a shard id is listed twice"),
        ("2", "[]", "discord.shard_ids: name at least one shard id"),
        ("0", "[0]", "discord.shard_count: Input should be greater than or equal to 1"),
    ],
)
def test_bad_shard_settings_stop_start_up_naming_the_variable_to_set(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, count: str, ids: str, expected: str
) -> None:
    monkeypatch.setenv("PAPERBOT_DISCORD__SHARD_COUNT", count)
    monkeypatch.setenv("PAPERBOT_DISCORD__SHARD_IDS", ids)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    (line,) = [x for x in caught.value.message.splitlines() if "shard" in x]
    assert expected in line
    assert "[env: PAPERBOT_DISCORD__SHARD_" in line


def test_the_run_flags_override_the_settings() -> None:
    settings = Settings.model_validate({"discord": {"shard_count": 2, "shard_ids": [1]}})
    assert with_shards(settings, None, None) is settings
    assert with_shards(settings, 4, [3]).discord.shards() == Shards(4, (3,))
    assert with_shards(settings, None, [0]).discord.shards() == Shards(2, (0,))
    assert with_shards(Settings(), 3, None).discord.shards() == Shards(3, (0, 1, 2))


def test_bad_run_flags_are_one_error_naming_the_flag(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused before anything connects (here: before even the token is looked for)."""
    assert cli.main(["run", "--shard-count", "2", "--shards", "0,2"]) == 2
    err = capsys.readouterr().err
    assert "--shards: shard ids run from 0 to 1 with 2 shard(s); [2] is outside that range" in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit):
        cli.main(["run", "--shards", "one"])
    assert "'one' is not a list of shard ids; write them as 0,1" in capsys.readouterr().err
