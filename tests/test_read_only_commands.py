"""Commands that only read the bot's state (`digest preview --server`, `rg ics`) never create a database:
an empty one left behind would hide the real one, say, when run from the wrong folder."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Awaitable
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage.database import Database, default_sqlite_url

READ_ONLY = [
    ["digest", "preview", "--server", "123456789012345678"],
    ["rg", "ics", "--server", "123456789012345678"],
]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("PAPERBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "data"
    monkeypatch.setenv("PAPERBOT_STORAGE__DATA_DIR", str(folder))
    return folder


@pytest.mark.parametrize("argv", READ_ONLY, ids=lambda argv: argv[0])
def test_without_a_database_they_say_so_and_create_nothing(
    argv: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(argv, stdout=io.StringIO(), stdin=io.StringIO())
    err = capsys.readouterr().err
    assert code == 2
    assert f"No paperbot database at {data_dir / 'paperbot.db'}" in err
    assert "PAPERBOT_STORAGE__DATA_DIR" in err
    assert "Traceback" not in err
    assert not data_dir.exists()


@pytest.mark.parametrize("argv", READ_ONLY, ids=lambda argv: argv[0])
def test_an_empty_file_is_not_taken_for_the_bots_database(
    argv: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir()
    (data_dir / "paperbot.db").write_bytes(b"")
    code = main(argv, stdout=io.StringIO(), stdin=io.StringIO())
    assert code == 2
    assert "holds no paperbot data" in capsys.readouterr().err


@pytest.mark.parametrize("argv", READ_ONLY, ids=lambda argv: argv[0])
def test_with_the_bots_database_they_read_its_state(
    argv: list[str], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_close(Database.open(default_sqlite_url(data_dir))))  # as `paperbot run` leaves it
    code = main(argv, stdout=io.StringIO(), stdin=io.StringIO())
    assert code == 2
    assert "isn't set up" in capsys.readouterr().err  # the answer comes from the (empty) server state


async def _close(opening: Awaitable[Database]) -> None:
    await (await opening).close()
