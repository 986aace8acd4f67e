"""`paperbot check-config` reports every problem that would stop `paperbot run`, at once, and says "ok" only
when there is none."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from bot.cli import main

TOKEN = "MTIz.check-config-token"


def check(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["check-config", *argv], stdout=out, stdin=io.StringIO())
    return code, out.getvalue()


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No PAPERBOT_* variables and no ./config.toml, the database under tmp_path."""
    for name in list(os.environ):
        if name.startswith("PAPERBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPERBOT_STORAGE__DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_everything_in_order_is_ok_and_the_token_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOT_DISCORD__TOKEN", TOKEN)
    code, out = check()
    assert code == 0
    assert out.startswith("settings: ok")
    assert "discord token: ok" in out
    assert "corpus: 50 papers from 1 file(s)" in out
    assert TOKEN not in out


def test_a_token_file_that_points_nowhere_is_a_problem_not_ok(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[discord]\ntoken_file = "{(tmp_path / "no-such-token").as_posix()}"\n')
    code, out = check("--config", str(config))
    assert code == 2
    assert "discord.token_file: cannot read" in out
    assert "discord token: ok" not in out


def test_no_token_at_all_is_a_problem_that_says_what_to_set() -> None:
    code, out = check()
    assert code == 2
    assert "discord token: No Discord token. Set the environment variable PAPERBOT_DISCORD__TOKEN" in out
    assert "corpus: 50 papers" in out  # the other checks still ran


def test_invalid_settings_do_not_hide_the_corpus_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERBOT_DISCORD__TOKEN", TOKEN)
    listing = tmp_path / "lab.txt"
    listing.write_text(
        "LGFeb 30, 2023\nA PaperMaria Parelli, Alexandros Delitzas\nAbstract.\n"
        "CVApr 12, 2023\nA Second PaperMaria Parelli, Alexandros Delitzas\nAbstract two.\n"
    )
    config = tmp_path / "config.toml"
    config.write_text(f'[corpus]\npath = "{listing.as_posix()}"\n[digest]\ngrace_hours = 99\n')
    code, out = check("--config", str(config))
    assert code == 2
    assert "settings: 1 problem" in out
    assert "digest.grace_hours" in out
    assert "corpus: 1 papers from 1 file(s), 1 problem(s)" in out
    assert "Feb 30" in out
    assert "discord token: ok" in out


def test_a_broken_corpus_section_is_not_replaced_by_the_bundled_papers(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[corpus]\nstrict = "maybe"\n')
    code, out = check("--config", str(config))
    assert code == 2
    assert "corpus.strict" in out
    assert "corpus: not checked until the [corpus] settings above are fixed" in out
    assert "50 papers" not in out


def test_a_strict_corpus_with_bad_records_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERBOT_DISCORD__TOKEN", TOKEN)
    listing = tmp_path / "lab.txt"
    listing.write_text("LGFeb 30, 2023\nA PaperMaria Parelli, Alexandros Delitzas\nAbstract.\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[corpus]\npath = "{listing.as_posix()}"\nstrict = true\n')
    code, out = check("--config", str(config))
    assert code == 2
    assert out.startswith("settings: ok")
    assert "Feb 30" in out


def test_the_database_password_is_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOT_STORAGE__URL", "postgresql+asyncpg://bot:hunter2@db.example/paperbot")
    _, out = check()
    assert "hunter2" not in out
    assert "database: postgresql+asyncpg://bot:***@db.example/paperbot" in out


def test_check_config_does_not_create_the_database(tmp_path: Path) -> None:
    _, out = check()
    assert "not created yet" in out
    assert not (tmp_path / "data").exists()
