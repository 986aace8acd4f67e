"""Validated settings: `config.toml` plus `PAPERBOT_SECTION__KEY` environment overrides.

One class per section (python-discord's habit), all checked at start-up so an operator sees every problem
at once, with the key that is wrong and how to fix it. The token is a secret: it is only read from the
environment or a file, and never printed.
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.errors import ConfigError

DEFAULT_CONFIG_FILE = Path("config.toml")
CONFIG_ENV_VAR = "PAPERBOT_CONFIG"


class Section(BaseModel):
    """A settings section: unknown keys are an error, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid")


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name like 'Europe/Zurich' or 'UTC'"
        ) from exc
    return value


class CorpusSettings(Section):
    """Where the papers come from."""

    path: Path | None = Field(None, description="A corpus file or folder; empty = the bundled seeds/.")
    strict: bool = Field(False, description="Refuse to start when any corpus record is malformed.")


class SearchSettings(Section):
    """Search defaults."""

    default_limit: int = Field(5, ge=1, le=50)


class StorageSettings(Section):
    """Where state lives."""

    data_dir: Path = Path("data")
    url: str | None = Field(None, description="Any SQLAlchemy async URL; empty = SQLite in data_dir.")

    def database_url(self) -> str:
        """The URL to open: the configured one, else a SQLite file under data_dir."""
        if self.url:
            return self.url
        from bot.storage.database import default_sqlite_url

        return default_sqlite_url(self.data_dir)


class DiscordSettings(Section):
    """How to reach Discord. The token comes only from PAPERBOT_DISCORD__TOKEN or `token_file`."""

    token: SecretStr | None = None
    token_file: Path | None = None
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    dev_guild_ids: list[int] = Field(default_factory=list)
    message_content: bool = Field(True, description="Ask for the privileged Message Content intent.")
    ask_cooldown_seconds: float = Field(10.0, ge=0)
    ask_cooldown_uses: int = Field(3, ge=1)

    @field_validator("api_base")
    @classmethod
    def _api_base_is_http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/")

    @field_validator("gateway_url")
    @classmethod
    def _gateway_is_ws(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")):
            raise ValueError("must start with wss:// (or ws:// for a local test server)")
        return value.rstrip("/")

    def resolve_token(self) -> str:
        """The bot token, from the environment or the token file; ConfigError says how to provide one."""
        if self.token is not None and self.token.get_secret_value().strip():
            return self.token.get_secret_value().strip()
        if self.token_file is not None:
            try:
                text = self.token_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(
                    f"discord.token_file: cannot read {self.token_file} ({exc.strerror}). "
                    "Point it at a readable file that holds only the bot token."
                ) from exc
            if text:
                return text
            raise ConfigError(f"discord.token_file: {self.token_file} is empty. Put the bot token in it.")
        raise ConfigError(
            "No Discord token. Set the environment variable PAPERBOT_DISCORD__TOKEN, or set "
            "discord.token_file in config.toml to a file holding the token. Without a token you can still "
            "use `paperbot ask`, `paperbot search` and `paperbot chat`."
        )


class DigestSettings(Section):
    """Paper-of-the-day defaults; each server sets its own channel, time and zone."""

    grace_hours: float = Field(6.0, ge=0, le=24, description="Catch-up window after downtime.")
    default_time: time = time(9, 0)
    default_timezone: str = "UTC"

    _zone = field_validator("default_timezone")(_check_zone)


class ReadingGroupSettings(Section):
    """Reading-group defaults."""

    default_timezone: str = Field("UTC", description="Zone of a new group until /rg setup sets one.")

    _zone = field_validator("default_timezone")(_check_zone)


class LoggingSettings(Section):
    """Logging."""

    level: str = "INFO"

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper


class Settings(BaseSettings):
    """All of paperbot's settings."""

    model_config = SettingsConfigDict(
        env_prefix="PAPERBOT_",
        env_nested_delimiter="__",
        extra="forbid",
        nested_model_default_partial_update=True,
    )

    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    reading_group: ReadingGroupSettings = Field(default_factory=ReadingGroupSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment beats the TOML file (named by `toml_file` in the class's model_config)."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def _format_validation_error(exc: ValidationError, origin: str) -> str:
    lines = [f"Invalid settings ({origin}):"]
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        given = err.get("input")
        secret = "token" in key or err["type"] == "extra_forbidden"
        shown = "" if secret or isinstance(given, dict | list) or given is None else f" (got {given!r})"
        if err["type"] == "extra_forbidden":
            message = "unknown setting; check the spelling against config.example.toml"
        env = "PAPERBOT_" + "__".join(str(part).upper() for part in err["loc"])
        lines.append(f"  - {key}: {message}{shown} [env: {env}]")
    return "\n".join(lines)


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read settings from `config_file` (or $PAPERBOT_CONFIG, or ./config.toml if present) and the env.

    Raises ConfigError listing every invalid key at once.
    """
    path = config_file
    if path is None and os.environ.get(CONFIG_ENV_VAR):
        path = Path(os.environ[CONFIG_ENV_VAR])
    if path is None and DEFAULT_CONFIG_FILE.is_file():
        path = DEFAULT_CONFIG_FILE
    if path is not None and not path.is_file():
        raise ConfigError(
            f"Config file {path} does not exist. Copy config.example.toml to {path} and edit it."
        )
    origin = str(path) if path else "environment"
    bound: type[Settings] = type(
        "Settings", (Settings,), {"model_config": {**Settings.model_config, "toml_file": path}}
    )
    try:
        return bound(**overrides)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, origin)) from None
    except (ValueError, OSError) as exc:  # TOML syntax errors surface as ValueError subclasses
        raise ConfigError(f"Cannot read config file {path}: {exc}. Fix the TOML syntax.") from None
