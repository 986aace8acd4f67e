"""Settings: the example config loads, env beats file, and every mistake is reported at once with its key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import bot.settings as settings_module
from bot.errors import ConfigError
from bot.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]


def test_the_example_config_loads_with_the_documented_defaults() -> None:
    settings = load_settings(REPO / "config.example.toml")
    assert settings.digest.grace_hours == 6.0
    assert settings.reading_group.default_timezone == "UTC"
    assert settings.discord.api_base == "https://discord.com/api/v10"
    assert settings.discord.token is None


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[digest]\ngrace_hours = 2\ndefault_time = "08:30"\n')
    monkeypatch.setenv("PAPERBOT_DIGEST__GRACE_HOURS", "3")
    settings = load_settings(config)
    assert settings.digest.grace_hours == 3.0
    assert settings.digest.default_time.isoformat() == "08:30:00"


def test_every_invalid_key_is_reported_at_once_with_its_env_name(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[digest]\ngrace_hours = 99\ndefault_timezone = "Mars/Base"\n[discord]\ntokn = "secret"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = caught.value.message
    assert "digest.grace_hours" in message
    assert "PAPERBOT_DIGEST__GRACE_HOURS" in message
    assert "unknown time zone 'Mars/Base'" in message
    assert "discord.tokn: unknown setting" in message
    assert "secret" not in message  # a misspelt token key must not leak the token


def test_toml_syntax_errors_name_the_file(tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("[digest\n")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_settings(config)


def test_a_missing_config_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"Copy config.example.toml"):
        load_settings(tmp_path / "nope.toml")


def test_token_comes_from_env_or_file_and_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("file-token\n")
    monkeypatch.setenv("PAPERBOT_DISCORD__TOKEN_FILE", str(token_file))
    settings = load_settings()
    assert settings.discord.resolve_token() == "file-token"
    monkeypatch.setenv("PAPERBOT_DISCORD__TOKEN", "env-token")
    settings = load_settings()
    assert settings.discord.resolve_token() == "env-token"
    assert "env-token" not in repr(settings)


def test_no_token_is_a_config_error_that_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERBOT_DISCORD__TOKEN", raising=False)
    with pytest.raises(ConfigError, match="PAPERBOT_DISCORD__TOKEN"):
        load_settings().discord.resolve_token()


def test_sqlite_in_the_data_dir_is_the_default_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERBOT_STORAGE__DATA_DIR", str(tmp_path))
    assert load_settings().storage.database_url() == f"sqlite+aiosqlite:///{tmp_path}/paperbot.db"


@pytest.mark.parametrize(
    ("toml_value", "secret"), [('"MTIz.secret-token"', "MTIz.secret-token"), ("123456789012", "123456789012")]
)
def test_a_token_in_the_config_file_is_refused_with_the_fix_and_never_echoed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml_value: str, secret: str
) -> None:
    monkeypatch.setenv("PAPERBOT_DISCORD__TOKEN", "env-token")  # refused even when the environment has one
    config = tmp_path / "config.toml"
    config.write_text(f"[discord]\ntoken = {toml_value}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = caught.value.message
    assert "discord.token: a token in the config file is refused" in message
    assert "PAPERBOT_DISCORD__TOKEN" in message
    assert "discord.token_file" in message
    assert secret not in message
    assert "env-token" not in message


def test_a_token_in_the_file_is_reported_together_with_the_other_problems(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[digest]\ngrace_hours = 99\n[discord]\ntoken = "abc.def"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = caught.value.message
    assert "digest.grace_hours" in message
    assert "discord.token: a token in the config file is refused" in message
    assert "abc.def" not in message


@pytest.mark.parametrize(
    "toml", ["[discord]\ntoken = 123456789012\n", "discord = 123456789012\n", 'discord = "123456789012"\n']
)
def test_a_token_pasted_in_the_wrong_shape_is_never_echoed(tmp_path: Path, toml: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert "123456789012" not in caught.value.message
    assert "discord" in caught.value.message


def test_the_example_config_and_readme_say_what_the_code_does_with_a_file_token() -> None:
    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "in production" not in example  # the old wording implied a file token works elsewhere
    assert "A `token` key here is refused" in example
    assert "a `token` key in `config.toml` is refused" in readme


def test_arxiv_requests_can_not_be_set_closer_than_its_terms_allow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOT_SOURCES__ARXIV_INTERVAL_SECONDS", "1")
    with pytest.raises(ConfigError, match=r"sources\.arxiv_interval_seconds"):
        load_settings()


def test_source_urls_must_be_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOT_SOURCES__CROSSREF_API", "api.crossref.org")
    with pytest.raises(ConfigError, match=r"sources\.crossref_api: must start with https://"):
        load_settings()


def test_the_contact_address_must_fit_in_a_header(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBOT_SOURCES__CONTACT", "lab@example.org\r\nX-Injected: yes")
    with pytest.raises(ConfigError, match=r"sources\.contact: must be one e-mail address"):
        load_settings()


def test_an_unknown_search_engine_is_reported_with_the_choices_and_env_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[corpus]\nengine = "bm25s"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    message = raised.value.message
    assert "corpus.engine" in message
    assert "'auto', 'rank-bm25' or 'inverted'" in message
    assert "PAPERBOT_CORPUS__ENGINE" in message
    monkeypatch.setenv("PAPERBOT_CORPUS__ENGINE", "inverted")
    assert load_settings(None).corpus.engine == "inverted"


@pytest.fixture
def nothing_to_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder with no config.toml and an environment with no PAPERBOT_ variable (the suite sets one)."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.upper().startswith("PAPERBOT_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def library_builds(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The config-file data of every build pydantic-settings made."""
    calls: list[dict[str, Any]] = []
    real = settings_module._build

    def spy(file_data: dict[str, Any], **init: Any) -> Settings:
        calls.append(file_data)
        return real(file_data, **init)

    monkeypatch.setattr(settings_module, "_build", spy)
    return calls


@pytest.mark.usefixtures("nothing_to_read")
def test_with_nothing_to_read_the_defaults_are_built_without_pydantic_settings_and_equal_its_own(
    library_builds: list[dict[str, Any]],
) -> None:
    fast = load_settings()
    assert library_builds == []
    assert fast == settings_module._build({}) == Settings()
    assert fast.model_dump() == settings_module._build({}).model_dump()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PAPERBOT_DIGEST__GRACE_HOURS", "3"),
        ("paperbot_digest__grace_hours", "3"),  # pydantic-settings matches names in any case
        ("PAPERBOT_CACHE_DIR", "/tmp/elsewhere"),  # not a setting, but the library decides that
    ],
)
@pytest.mark.usefixtures("nothing_to_read")
def test_any_paperbot_variable_is_read_by_pydantic_settings(
    library_builds: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    settings = load_settings()
    assert library_builds == [{}]
    assert settings.digest.grace_hours == (6.0 if name == "PAPERBOT_CACHE_DIR" else 3.0)


@pytest.mark.usefixtures("nothing_to_read")
def test_a_config_file_is_read_by_pydantic_settings_even_when_empty(
    library_builds: list[dict[str, Any]], tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text("")
    assert load_settings() == Settings()
    (tmp_path / "config.toml").write_text("[digest]\ngrace_hours = 2\n")
    assert load_settings().digest.grace_hours == 2.0
    assert library_builds == [{}, {"digest": {"grace_hours": 2}}]


def test_ask_with_nothing_to_read_imports_neither_pydantic_settings_nor_asyncio(tmp_path: Path) -> None:
    """pydantic-settings imports asyncio, ssl and dotenv: ~60 ms of a `paperbot ask` that has no use for
    them (benchmarks/README.md, `paperbot ask` start-up)."""
    script = (
        "import io, sys\n"
        "from bot.cli import main\n"
        "main(['ask', 'who wrote the random teachers paper?'], stdout=io.StringIO())\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    env = {name: value for name, value in os.environ.items() if not name.upper().startswith("PAPERBOT_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # not the developer's cache folder
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path, env=env
    )
    loaded = set(done.stdout.split())
    assert "pydantic" in loaded  # the check sees what ask does load
    assert loaded.isdisjoint({"pydantic_settings", "asyncio", "ssl", "dotenv"}), loaded
