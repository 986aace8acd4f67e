"""How commands are written: global options anywhere, relative dates, and README examples that stay true."""

from __future__ import annotations

import io
import os
import re
import shlex
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[1]


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), stdout=out, stdin=io.StringIO())
    return code, out.getvalue()


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No PAPERBOT_* variables and no ./config.toml: only what the test passes counts."""
    for name in list(os.environ):
        if name.startswith("PAPERBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _config_with_data_dir(folder: Path) -> Path:
    config = folder / "config.toml"
    config.write_text(f'[storage]\ndata_dir = "{(folder / "state").as_posix()}"\n')
    return config


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_is_accepted_before_or_after_the_command(clean_env: Path, where: str) -> None:
    config = _config_with_data_dir(clean_env)
    options = ["--config", str(config)]
    argv = [*options, "check-config"] if where == "before" else ["check-config", *options]
    _, out = run(*argv)
    assert f"database: sqlite+aiosqlite:///{(clean_env / 'state').as_posix()}/paperbot.db" in out


def test_run_with_config_after_the_command_reads_that_file(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's `paperbot run --config config.toml`: it reaches the settings, here the missing token."""
    config = _config_with_data_dir(clean_env)
    code, _ = run("run", "--config", str(config))
    err = capsys.readouterr().err
    assert code == 2
    assert "unrecognized arguments" not in err
    assert "No Discord token" in err


def test_a_nested_command_takes_global_options_after_it(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run("digest", "preview", "--config", str(clean_env / "missing.toml"), "-v")
    assert code == 2
    assert "Config file" in capsys.readouterr().err  # the file given after the command was the one read
    assert out == ""


@pytest.mark.parametrize(("day", "count"), [("today", "(1/50)"), ("tomorrow", "(2/50)"), ("+2d", "(3/50)")])
def test_digest_preview_takes_a_day_relative_to_today(day: str, count: str) -> None:
    code, out = run("digest", "preview", "--date", day)
    assert code == 0
    assert count in out


@pytest.mark.parametrize("day", ["yesterday", "+3", "-2d", "2026-13-01", "+d"])
def test_a_day_that_is_not_understood_is_a_usage_error_with_the_accepted_forms(
    day: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        run("digest", "preview", f"--date={day}")
    assert caught.value.code == 2
    assert "use today, tomorrow, +3d (3 days from now) or YYYY-MM-DD" in capsys.readouterr().err


def _readme_terminal_examples(command: str) -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return [line.split("  #")[0].strip() for line in readme.splitlines() if line.startswith(command)]


def test_the_readme_digest_preview_date_examples_run_today_and_do_not_rot() -> None:
    examples = _readme_terminal_examples("paperbot digest preview --date")
    assert examples, "the README should show how to preview a date"
    for example in examples:
        assert not re.search(r"--date \d", example), f"{example}: a fixed date rots once it has passed"
        code, out = run(*shlex.split(example)[1:])
        assert code == 0, example
        assert out.startswith("Paper of the day — "), example
